#pragma once
// Solution types: blocks of concrete tours, rosters, the plan, and what is reported with it
// (KPIs, lower bounds, audit result) — domain.md §3, §8–§10; api.md §4.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/rules.hpp"
#include "core/tour.hpp"

namespace so {

struct Block {
  int day = 0;
  std::vector<int> tours;  // indices into the tour list, sorted by start
  BlockKind kind = BlockKind::One;  // as claimed by whoever built the block (the audit re-derives it)
};

struct Roster {
  std::string driver_id;
  std::vector<Block> blocks;  // at most one per day, sorted by day
  std::string driver_name;    // driver mode: the driver's display name (empty in forecast mode)
};

struct UnassignedTour {
  int tour = -1;
  std::vector<std::string> reason_codes;  // sorted
  std::map<std::string, int> drivers_blocked;  // driver mode: primary blocker code -> drivers it blocks
};

struct Plan {
  std::vector<Roster> rosters;
  std::vector<UnassignedTour> unassigned;
};

// Derived figures of a block / roster from the tour list (solver-side helpers; the audit has its own).
Minutes block_start(const Block& b, const std::vector<Tour>& tours);  // week-linear
Minutes block_end(const Block& b, const std::vector<Tour>& tours);    // week-linear
Minutes block_work(const Block& b, const std::vector<Tour>& tours);
Minutes roster_work(const Roster& r, const std::vector<Tour>& tours);

// Gives drivers canonical ids D001… ordered by their first block (day, start, tour id), so
// output order never depends on how the solver happened to number them.
void canonicalize_plan(Plan& plan, const std::vector<Tour>& tours);
// Driver mode: rosters keep their real driver ids; sorts rosters by the order of `driver_order`
// (the request's driver list), blocks by day, unassigned tours by tour index.
void order_driver_plan(Plan& plan, const std::vector<std::string>& driver_order);

struct Violation {
  std::string code;       // machine-readable, e.g. REST_VIOLATION
  std::string driver_id;  // empty when not driver-specific
  int day = -1;           // -1 when not day-specific
  std::string tour_id;    // empty when not tour-specific
  std::string message;    // human text with the values
};

struct AuditResult {
  bool ok = true;
  std::vector<Violation> violations;
};

struct HoursStats {
  double min = 0, avg = 0, max = 0;
};

struct Kpis {
  int drivers_total = 0, drivers_fte = 0, drivers_pt = 0;
  double pt_ratio = 0, underfull_ratio = 0, coverage_rate = 1;
  int blocks_1er = 0, blocks_2er_regular = 0, blocks_2er_split = 0, blocks_3er = 0;
  HoursStats hours_all, hours_fte, hours_pt;
  int tight_rest_count = 0, forced_1er_count = 0, missed_3er_opps = 0;
  int tours_total = 0, tours_covered = 0;
  int lower_bound = 0;
  double gap_to_lb = 0;
  // Driver mode only (driver_mode = false in forecast mode; the JSON omits them then).
  bool driver_mode = false;
  int drivers_available = 0;        // size of the pool
  int tours_uncovered = 0;
  double contract_shortfall_hours = 0;  // Σ over used drivers of max(0, min_weekly − worked)
  int drivers_below_contract_min = 0;
};

struct LowerBounds {
  int hours = 0, per_day = 0, path_cover = 0, rest_concurrency = 0;
  std::optional<int> lp;  // ⌈LP⌉ when column generation proved it
  std::optional<double> lp_value;  // the LP optimum itself
  int best = 0;
  std::string best_name;  // which bound is best ("rest_concurrency", "lp", …)
  // Driver mode: a certified lower bound on the tours no plan can cover with this pool
  // (nullopt in forecast mode). `best` stays the bound on drivers for full coverage.
  std::optional<int> uncovered_tours;
  std::string uncovered_tours_name;  // "rest_concurrency", "lp", "hours", "qualification", …
  // ⌈Farley/Lagrangian bound⌉ from the duals of a column generation that did not converge (valid
  // for any duals, weaker than ⌈LP⌉); last, so aggregate initializers stay valid; nullopt when lp is set or nothing was proved.
  std::optional<int> lagrangian;
};

}  // namespace so
