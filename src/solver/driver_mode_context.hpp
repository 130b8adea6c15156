#pragma once
// The state one driver-mode run (driver_mode.hpp) shares between its phases. Read-only after
// profiling: the request as driver mode sees it (DriverInput) and the model over tour types and
// driver classes (ClassModel). Changed by the phases: the budget, the report, the bounds, the
// incumbent. Every phase is a free function of this context (driver_*.hpp); the pure parts take
// only DriverInput / ClassModel.
#include <cstdarg>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "core/block.hpp"
#include "core/driver.hpp"
#include "core/plan.hpp"
#include "core/policy.hpp"
#include "core/report.hpp"
#include "core/tour.hpp"
#include "solver/budget.hpp"
#include "solver/coin_guard.hpp"
#include "solver/pricing.hpp"
#include "solver/solve.hpp"

namespace so::dm {

// Stderr traces of the search (SO_DM_DEBUG=1 at run time), compiled in only with -DSO_DM_TRACE.
#ifdef SO_DM_TRACE
inline constexpr bool kTraceBuilt = true;
#else
inline constexpr bool kTraceBuilt = false;
#endif

// ------------------------------------------------------------------------------ value types

// Tour types with locked instances split off into types of their own (owner = driver index).
struct TypeSet {
  std::vector<TourType> types;
  std::vector<int> owner;         // per type: -1 free, else the lock owner's driver index
  std::vector<int> type_of_tour;  // per tour
};

// Interchangeable drivers: identical qualifications, availability, effective limits, contract
// minimum and previous week (as far as this week's tours can tell); a driver with locks is a
// class of its own.
struct DriverClass {
  std::vector<int> members;  // driver indices, request order
  int lock_owner = -1;       // driver index when the class is one locked driver
  DriverLimits limits;
  Policy policy;        // personal policy of the members
  int day_off_by = -1;  // the working-day streak from last week: a day in 0..day_off_by is off (-1: none)
};

// One (class, location) pair: its own copies of the blocks it may work and its pricer.
struct SubClass {
  int cls = 0;
  std::string location;
  std::vector<int> copies;         // ids into ClassModel::copies
  std::vector<int> copy_of_block;  // global block -> copy id or -1
  std::unique_ptr<Pricer> pricer;
};

// (pricer, class) pairs one column generation prices with.
using PricerList = std::vector<std::pair<const Pricer*, int>>;

// A driver-week chosen for a class: copy ids (any sub-class of the class).
struct Draft {
  int cls = 0;
  Column col;  // copy ids
  bool operator<(const Draft& o) const { return std::tie(cls, col) < std::tie(o.cls, o.col); }
};

// Lexicographic objective of driver mode (smaller is better).
struct DmScore {
  int uncovered = 0, drivers = 0;
  long shortfall = 0;
  int pt = 0, blocks_1er = 0, blocks_split = 0, tight = 0;
  int changed = 0;  // previous-plan (driver, tour) pairs not kept: stability, the last tier
  auto tie() const { return std::tie(uncovered, drivers, shortfall, pt, blocks_1er, blocks_split, tight, changed); }
  bool operator<(const DmScore& o) const { return tie() < o.tie(); }
};

// ------------------------------------------------------------------------------ profiling output

// The request as driver mode reads it. The indices are filled by index_request()
// (driver_profiling.hpp) once the input is valid.
struct DriverInput {
  DriverInput(const SolveRequest& request);

  const SolveRequest& req;
  const Policy& p;
  const SolverConfig& cfg;
  const std::vector<Tour>& tours;
  // The pool; drivers without a previous_week of their own get last week's end and streak from
  // a previous_plan of last week (dispatch.md §3).
  const std::vector<Driver> drivers;
  const Minutes fte_minutes;  // "weekly work < fte_min_hours" in whole minutes

  std::map<std::string, int> tour_index, driver_index;
  std::vector<int> lock_owner;    // per tour: the lock owner's driver index, -1 when free
  std::vector<char> has_lock;     // per driver
  bool any_lock = false;
  std::vector<DriverLimits> limits;               // per driver
  std::map<std::pair<int, int>, char> prev_pair;  // (driver, tour) of the previous plan

  int ndrivers() const { return static_cast<int>(drivers.size()); }
  int driver_of_id(const std::string& id) const { return driver_index.at(id); }
};

// The model over tour types and driver classes (driver_classes.hpp). Built in place and never
// moved: the sub-classes' pricers refer to `copies`.
struct ClassModel {
  ClassModel() = default;
  ClassModel(const ClassModel&) = delete;
  ClassModel& operator=(const ClassModel&) = delete;

  TypeSet ts;
  std::vector<BlockPattern> blocks;     // every valid block over ts.types
  std::vector<DriverClass> classes;
  std::vector<SubClass> subs;           // with their pricers (driver-week cost of the class)
  std::vector<BlockPattern> copies;     // the sub-classes' block copies
  std::vector<TourType> base_types;     // the tour types without the lock split (forecast mode's)
  double max_column_cost = 0;           // the most a driver-week can cost
  double big_m = 0;                     // cost of an uncovered tour: above the whole pool
  // The driver-mode master's rows: demand and slack cost per type, capacity per class.
  std::vector<int> demand;
  std::vector<double> slack_cost;
  std::vector<int> capacity;

  const std::vector<TourType>& types() const { return ts.types; }
  int ntypes() const { return static_cast<int>(ts.types.size()); }
  int nclasses() const { return static_cast<int>(classes.size()); }
  long nrows() const { return ntypes() + nclasses(); }  // of the full master
};

// ------------------------------------------------------------------------------ the run

class DriverModeContext {
 public:
  DriverModeContext(const SolveRequest& request, const SolveControl& control);
  DriverModeContext(const DriverModeContext&) = delete;
  DriverModeContext& operator=(const DriverModeContext&) = delete;

  const SolveControl& control;
  Budget budget;
  const StopFn stop;  // the current phase's deadline or a cancel (polled inside CLP and pricing)
  DriverInput in;
  PlanReport rep;
  ClassModel model;

  // Bounds: drivers for full coverage (best of all), uncovered tours (and which bound it is).
  int best_bound = 0;
  int uncovered_bound = 0;
  std::string uncovered_name = "no_driver";

  // The incumbent: the best audited plan offered so far.
  std::optional<Plan> best_plan;
  DmScore best_score;
  int incumbent_drivers = -1;  // for progress events (the repair phases update it too)

  bool safety_net = false;  // the clock, not a work limit, ended some work: TIME_LIMIT_REACHED
  bool locks_free = false;  // the re-dealt unlocked plan is as good as the unlocked one

  void emit(const char* type, Phase ph) const;
  void start_phase(Phase ph);
  // Offers a candidate plan (after its greedy insertion); it becomes the incumbent when audited
  // clean and lexicographically better. Returns whether it did.
  bool offer(Plan plan, Phase ph);
  bool is_optimal(const DmScore& s) const;
  // Complete and within kGoodEnoughGap drivers of the bound: no column generation or dive.
  bool good_enough(const DmScore& s) const;
  // The column generation and dive are needed (no incumbent that makes them pointless).
  bool search_needed() const { return !(best_plan && (locks_free || good_enough(best_score))); }
  Plan all_unassigned() const;
  Plan best_or_all_unassigned() const { return best_plan ? *best_plan : all_unassigned(); }

  bool tracing() const { return kTraceBuilt && trace_; }
  void trace(const char* format, ...) const __attribute__((format(printf, 2, 3)));

 private:
  bool trace_ = false;
};

}  // namespace so::dm
