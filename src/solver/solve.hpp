#pragma once
// The solve pipeline (solver.md): profiling -> phase1 (column generation) -> phase2 (integer
// plan) -> lns -> audit, each within its slice of the wall-clock budget, limits counted in work.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/changes.hpp"
#include "core/driver.hpp"
#include "core/policy.hpp"
#include "core/report.hpp"
#include "core/tour.hpp"
#include "solver/config.hpp"

namespace so {

struct SolveRequest {
  std::vector<Tour> tours;
  Policy policy;
  SolverConfig config;
  ConfigReport config_report;  // overrides as already applied by the caller (copied into the report)
  uint64_t seed = 42;
  double time_limit_seconds = 30;
  std::string week_start;  // YYYY-MM-DD, copied to the report
  std::string run_id;      // copied to the report
  // Driver mode (domain.md §7): non-empty `drivers` = assign only to them.
  std::vector<Driver> drivers;
  std::vector<Lock> locks;                     // tours pinned to drivers
  std::vector<PreviousAssignment> previous;    // optional previous plan (stability)
  // Re-planning (dispatch.md §2): set -> solve_replan; `locks` then hold the frozen assignments.
  std::optional<ReplanSpec> replan;
};

struct ProgressEvent {
  std::string type;   // "phase_started" | "progress"
  std::string phase;  // profiling | phase1 | phase2 | lns | audit
  int incumbent_drivers = -1;  // -1 until a plan exists
  int lower_bound = 0;
  double elapsed_s = 0;
  int tours_covered = -1;  // driver mode: tours the incumbent covers (-1 until a plan exists / forecast mode)
  int tours_total = -1;    // driver mode: tours of the week (-1 in forecast mode)
};

struct SolveControl {
  const std::atomic<bool>* cancel = nullptr;  // set -> the run stops within a second, status CANCELLED
  std::function<void(const ProgressEvent&)> on_progress;  // called on the solving thread
};

// Always returns a report; status OK (audit clean, all covered), INFEASIBLE, CANCELLED or FAILED.
// The plan is audited before it is returned; a plan failing the audit is never reported OK.
PlanReport solve(const SolveRequest& request, const SolveControl& control = {});

}  // namespace so
