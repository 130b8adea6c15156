#pragma once
// The documents a finished run serves: plan (api.md §4), report (plan + solver statistics,
// policy, seed and budget), canonical report, roster matrix CSV and per-tour CSV.
#include <vector>

#include <nlohmann/json.hpp>

#include "core/report.hpp"
#include "core/tour.hpp"
#include "service/run_manager.hpp"

namespace so {

// The report of GET /runs/{id}/report: the plan JSON plus "stats", "policy", "seed",
// "time_limit_seconds" and the LP value of the lower bounds.
nlohmann::json report_json(const PlanReport& report, const std::vector<Tour>& tours);

RunDocuments render_documents(const PlanReport& report, const std::vector<Tour>& tours);

}  // namespace so
