#pragma once
// Everything a solve returns (api.md §4): the plan plus status, KPIs, bounds, audit, timing,
// reason codes and the effective configuration. Written by io/plan_json, produced by solver/solve.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/driver.hpp"
#include "core/plan.hpp"
#include "core/policy.hpp"

namespace so {

struct PhaseTiming {
  double profiling_s = 0, phase1_s = 0, phase2_s = 0, lns_s = 0, total_s = 0;
};

struct ConfigReport {
  std::string effective_hash;  // first 16 hex of SHA-256 over the canonical effective config JSON
  std::vector<std::string> overrides_applied;                 // keys
  // The value each applied override took, as a JSON literal ("true", "48", "0.5"), same order.
  std::vector<std::pair<std::string, std::string>> overrides_applied_values;
  std::vector<std::pair<std::string, std::string>> overrides_rejected;  // key, UNKNOWN_FIELD|LOCKED_FIELD|TYPE_ERROR
  std::vector<std::pair<std::string, std::string>> overrides_clamped;   // key, "requested -> used"
};

// Counters the service turns into metrics (api.md §6).
struct SolveStats {
  int candidates_raw[3] = {0, 0, 0};   // blocks generated, by size 1er/2er/3er
  int candidates_kept[3] = {0, 0, 0};  // blocks kept for the optimizer
  std::string set_partitioning_status = "success";  // success | fallback | timeout
  std::map<std::string, double> phase_budget_s;     // slice per phase (profiling, phase1, phase2, lns, total)
  std::map<std::string, bool> phase_overrun;        // phase took longer than its slice
  int columns_generated = 0;
  int lp_iterations = 0;
  double time_to_first_plan_s = 0;
  double time_to_best_s = 0;
  bool hit_wall_clock = false;
};

// Driver mode extras (api.md §4 plus driver mode): the pool, locks kept, stability.
struct DriverModeReport {
  bool enabled = false;
  std::vector<Driver> drivers;  // the pool as requested (names for the plan, XLSX, page)
  int locks_requested = 0;      // locked (driver, tour) pairs requested
  int locks_kept = 0;
  int previous_assignments = -1;  // -1: no previous plan given
  int kept_assignments = 0;       // previous (driver, tour) pairs also in this plan
  std::vector<Lock> locks;        // as requested: the plan and every export mark these tours
  int previous_week_drivers = 0;  // drivers carrying last week's end or streak (given, or from last week's plan)
  std::string error;              // why the request could not be solved (e.g. an impossible lock)
};

// The ids of the tours the request locked (the plan and exports mark them).
inline std::set<std::string> locked_tour_ids(const DriverModeReport& dm) {
  std::set<std::string> out;
  for (const Lock& l : dm.locks) out.insert(l.tour_ids.begin(), l.tour_ids.end());
  return out;
}

// A re-plan's call list (dispatch.md §2): who must be told what changed after frozen_until.
struct DriverChange {
  std::string driver_id, name;
  std::vector<std::string> gained, lost;  // tour ids, in tour order
};
struct ChangeReport {
  std::string base_run_id;         // empty when the base came as a plan
  Minutes frozen_until = 0;        // week-linear
  int frozen_tours = 0;            // tours starting before frozen_until (kept with their base driver)
  int drivers_affected = 0;        // drivers whose roster after frozen_until differs from the base
  int assignments_changed = 0;     // unfrozen tours whose driver differs from the base (new tours count)
  std::vector<DriverChange> per_driver;  // affected drivers, in pool order
};

struct PlanReport {
  std::string run_id;
  std::string week_start;  // YYYY-MM-DD
  std::string status = "OK";  // OK | INFEASIBLE | CANCELLED | FAILED
  std::string solution_signature;
  Plan plan;
  Kpis kpis;
  LowerBounds lower_bounds;
  AuditResult audit;
  PhaseTiming timing;
  std::vector<std::string> reason_codes;  // sorted, unique
  ConfigReport config;
  Policy policy;
  uint64_t seed = 42;
  double time_limit_seconds = 30;
  SolveStats stats;
  DriverModeReport driver_mode;
  std::optional<ChangeReport> changes;  // re-plans only
};

}  // namespace so
