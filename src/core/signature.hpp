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

// Driver mode: who drives matters, so with_driver_ids prefixes each roster line by "<driver id>="
// (lines still sorted; unused drivers still left out). with_driver_ids = false is the text above.
std::string canonical_plan_text(const std::vector<Tour>& tours, const Plan& plan, bool with_driver_ids);
std::string solution_signature(const std::vector<Tour>& tours, const Plan& plan, bool with_driver_ids);

}  // namespace so
