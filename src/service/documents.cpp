#include "service/documents.hpp"

#include "io/csv_export.hpp"
#include "io/plan_json.hpp"
#include "io/policy_json.hpp"

namespace so {

using json = nlohmann::json;

json report_json(const PlanReport& report, const std::vector<Tour>& tours) {
  json j = plan_report_to_json(report, tours);
  const SolveStats& s = report.stats;
  j["stats"] = {{"candidates_raw", {{"1er", s.candidates_raw[0]}, {"2er", s.candidates_raw[1]}, {"3er", s.candidates_raw[2]}}},
                {"candidates_kept",
                 {{"1er", s.candidates_kept[0]}, {"2er", s.candidates_kept[1]}, {"3er", s.candidates_kept[2]}}},
                {"set_partitioning_status", s.set_partitioning_status},
                {"phase_budget_s", s.phase_budget_s},
                {"phase_overrun", s.phase_overrun},
                {"columns_generated", s.columns_generated},
                {"lp_iterations", s.lp_iterations},
                {"time_to_first_plan_s", s.time_to_first_plan_s},
                {"time_to_best_s", s.time_to_best_s},
                {"hit_wall_clock", s.hit_wall_clock}};
  j["policy"] = policy_to_json(report.policy);
  j["seed"] = report.seed;
  j["time_limit_seconds"] = report.time_limit_seconds;
  if (report.lower_bounds.lp_value) j["lower_bounds"]["lp_value"] = *report.lower_bounds.lp_value;
  j["lower_bounds"]["best_name"] = report.lower_bounds.best_name;
  return j;
}

RunDocuments render_documents(const PlanReport& report, const std::vector<Tour>& tours) {
  RunDocuments d;
  d.plan_json = plan_report_to_json(report, tours).dump();
  d.report_json = report_json(report, tours).dump();
  d.canonical_report = canonical_report_text(report, tours);
  d.roster_csv = roster_matrix_csv(report, tours);
  d.tours_csv = tours_csv(report, tours);
  return d;
}

}  // namespace so
