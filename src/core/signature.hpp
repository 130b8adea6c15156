#pragma once
// solution_signature (api.md §4): SHA-256 over a canonical plan text that does not depend on
// driver numbering or output order.
#include <string>
#include <string_view>
#include <vector>

#include "core/plan.hpp"
#include "core/tour.hpp"

namespace so {

std::string sha256_hex(std::string_view data);  // 64 lowercase hex digits (OpenSSL libcrypto)

// One line per roster "day:id,id;day:id,…" (blocks by day, tour ids sorted), lines sorted, then
// "unassigned:id,…" when any. Status is part of the text so an infeasible plan never collides.
std::string canonical_plan_text(const std::vector<Tour>& tours, const Plan& plan);

std::string solution_signature(const std::vector<Tour>& tours, const Plan& plan);  // "sha256:<64 hex>"

}  // namespace so
