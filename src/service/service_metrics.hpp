#pragma once
// The metric catalogue of api.md §6, every family registered at start-up with its known label
// values at 0, and the functions that move each series when its event happens.
#include <string>
#include <vector>

#include "core/report.hpp"
#include "service/metrics.hpp"
#include "service/signature_lru.hpp"

namespace so {

struct BuildInfo {
  std::string version;
  std::string commit;
  std::string lp;   // e.g. "CLP 1.17.6"
  std::string mip;  // e.g. "CBC 2.10.8"
};

BuildInfo build_info();  // from SO_VERSION, SO_GIT_COMMIT and the COIN-OR config headers

// Phases of solver.md in metric-label form (profiling, phase1, phase2, lns, total).
const std::vector<std::string>& metric_phases();

// error_type label of solver_api_error_total for an HTTP status (422 -> validation_error, …).
std::string error_type_for_status(int status);

class ServiceMetrics {
 public:
  // `routes` are the route patterns (labels of http_* and endpoint of solver_api_error_total);
  // `solve_endpoints` get their error series pre-exported at 0.
  ServiceMetrics(const std::vector<std::string>& solve_endpoints, size_t signature_window = 5000);

  metrics::Registry& registry() { return registry_; }
  std::string render() const { return registry_.render(); }

  void record_http(const std::string& method, const std::string& route, int status, double seconds);
  void record_api_error(const std::string& endpoint, const std::string& error_type);
  void set_runs(int in_flight, int queued);

  // A finished solve (status OK or INFEASIBLE): signatures, phase durations, overruns,
  // infeasibility, set partitioning, candidates, driver counts and ratios.
  // `wall_seconds` is the run's wall time as the service measured it around solve().
  void record_solve(const PlanReport& report, double wall_seconds);

  // Families exposed for tests and readyz.
  metrics::Family *signature_runs, *signature_unique, *budget_overrun, *phase_duration, *infeasible,
      *set_partitioning, *candidates_raw, *candidates_kept, *driver_count, *pt_ratio, *underfull_ratio,
      *coverage_rate, *gap_to_lower_bound, *api_errors, *http_requests, *http_duration, *runs_in_flight,
      *runs_queued, *build_info, *runs_deleted;

 private:
  metrics::Registry registry_;
  SignatureLru lru_;
};

}  // namespace so
