#pragma once
// Hand edits of a finished plan (dispatch.md §4): move tours, swap two drivers' days, then audit
// the edited plan and compare its KPIs with the original. Pure functions over core types, no I/O.
//
// Semantics (the service and the README document the same):
//  - Moves are applied first, in the order given, then swaps, in the order given.
//  - A move takes a tour off whoever has it (a roster, or the unassigned list in driver mode) and
//    puts it on `to_driver`; its block that day is rebuilt (tours sorted, kind re-derived). A move
//    to the driver who already has the tour is a no-op (reported in `noops`).
//  - Driver mode: `to_driver` is a pool driver id (a pool driver without a roster gets one);
//    no `to_driver` (nullopt) unassigns the tour, which then carries its true reason codes
//    (UNASSIGNED_BY_EDIT when some driver could take it as it is).
//  - Forecast mode: the "drivers" are the plan's roster ids. A new virtual driver is asked for
//    with `to_driver` = "new" or the next free id (D143 after D001…D142, as the candidates list
//    offers it); any other unknown id is an error (a typo never creates a driver silently).
//    Unassigning is not possible (forecast mode covers every tour).
//  - A swap exchanges the two drivers' blocks on the given days (no days = the whole week).
//    Swapping a driver with itself is a no-op.
//  - Tours that start before `frozen_until` (they have been driven) cannot be moved or swapped.
//  - Rosters left without work are dropped; blocks stay sorted by day, tours by start.
#include <optional>
#include <string>
#include <vector>

#include "core/driver.hpp"
#include "core/plan.hpp"
#include "core/policy.hpp"
#include "core/tour.hpp"

namespace so {

struct TourMove {
  std::string tour_id;
  std::optional<std::string> to_driver;  // nullopt: unassign (driver mode only)
};

struct DriverSwap {
  std::string driver_a, driver_b;
  std::vector<std::string> days;  // day names (Mon…Sun, as parse_day reads them); empty = whole week
};

struct Edits {
  std::vector<TourMove> moves;
  std::vector<DriverSwap> swaps;
  bool empty() const { return moves.empty() && swaps.empty(); }
};

// What a plan is edited against: the run's input. `drivers` empty = forecast mode.
struct EditContext {
  const std::vector<Tour>& tours;
  const Policy& policy;
  const std::vector<Driver>& drivers;
  const std::vector<Lock>& locks;
  std::optional<Minutes> frozen_until;  // week-linear; tours starting before it cannot be edited
  double fte_target_min_hours = 42.0;   // for the KPIs (SolverConfig::fte_target_min_hours)
  int lower_bound = 0;                  // the plan's best lower bound (KPI gap_to_lb)
  bool driver_mode() const { return !drivers.empty(); }
};

// Why the edits cannot be applied. `item` is the JSON path of the offending field
// ("moves[0].tour_id", "swaps[1].days[2]"); `message` a sentence naming the item and its value.
struct EditError {
  enum class Kind {
    UnknownItem,  // unknown tour id, unknown driver, a day that is not Mon..Sun, unassign in forecast mode (400)
    Frozen,       // a tour that starts before frozen_until (422)
  };
  Kind kind = Kind::UnknownItem;
  std::string item;
  std::string message;
};

struct AppliedEdits {
  Plan plan;                                // the edited plan
  std::vector<std::string> changed_drivers;  // drivers whose week changed, in first-touched order
  std::vector<std::string> new_drivers;      // forecast mode: virtual drivers created by "new"
  std::vector<std::string> noops;            // edits that changed nothing, with why
  std::optional<EditError> error;            // set: nothing applied, `plan` is unspecified
};

AppliedEdits apply_edits(const Plan& plan, const Edits& edits, const EditContext& ctx);

// The block kind of a day's tours as the plan names it: the classified kind when the tours form a
// valid block, else the kind the audit derives from the tour count and gaps (so an invalid block
// is reported for its real defect, never as a type mismatch). `tours_of_day` sorted by start.
BlockKind derived_block_kind(const std::vector<int>& tours_of_day, const std::vector<Tour>& tours, const Policy& p);

// Rebuilds one roster's blocks from its tours: one block per day, tours sorted by start, kinds
// derived, blocks sorted by day, empty blocks dropped.
void rebuild_roster(Roster& r, const std::vector<Tour>& tours, const Policy& p);

// Forecast mode: the next free virtual driver id, "D%03d" above the highest D-number in use.
std::string next_virtual_driver_id(const Plan& plan);

// The audit of a plan in the mode of `ctx` (audit_plan or audit_driver_plan).
AuditResult audit_in_context(const Plan& plan, const EditContext& ctx);
// KPIs of a plan in the mode of `ctx` (compute_kpis, plus add_driver_kpis in driver mode).
Kpis kpis_in_context(const Plan& plan, const EditContext& ctx);

// Driver mode: the true reason codes of every unassigned tour (explain_unassigned), sorted by tour;
// a tour some driver could take as it is (the dispatcher took it off) carries UNASSIGNED_BY_EDIT.
inline constexpr const char* kUnassignedByEdit = "UNASSIGNED_BY_EDIT";
void explain_unassigned_tours(Plan& plan, const EditContext& ctx);

// One main KPI before and after.
struct KpiDelta {
  std::string name;
  double before = 0, after = 0;
  bool integral = true;  // counts (drivers, blocks) vs ratios / hours
  double delta() const { return after - before; }
};
// The main KPIs (domain.md §9; driver mode adds tours_uncovered, contract_shortfall_hours,
// drivers_below_contract_min), in a fixed order.
std::vector<KpiDelta> kpi_deltas(const Kpis& before, const Kpis& after);

struct EditCheck {
  AppliedEdits applied;
  AuditResult audit;         // of the edited plan
  AuditResult audit_before;  // of the plan as given (to tell new violations from old ones)
  Kpis kpis_before, kpis_after;
};

// apply_edits, then the audit and KPIs of the edited plan (and of the original, for the deltas).
// `before_audit` / `before_kpis` may be passed when already known (a cached run) to save the work.
EditCheck check_edits(const Plan& plan, const Edits& edits, const EditContext& ctx,
                      const AuditResult* before_audit = nullptr, const Kpis* before_kpis = nullptr);

// True when violation `v` also appears in `before` (same code, driver, day and tour).
bool violation_in(const Violation& v, const AuditResult& before);

}  // namespace so
