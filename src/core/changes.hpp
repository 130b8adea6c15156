#pragma once
// The week after the first plan (dispatch.md §2): a published base plan, the moment up to which
// it has been driven (`frozen_until`), and the dispatcher's call list of changes. apply_changes
// turns them into the re-plan's week: its tours, its drivers (unavailability added), the base
// assignments on those tours, and the frozen assignments that must not move.
#include <optional>
#include <string>
#include <vector>

#include "core/driver.hpp"
#include "core/time.hpp"
#include "core/tour.hpp"

namespace so {

struct DriverUnavailable {
  std::string driver_id;
  Minutes from = 0, to = 0;  // week-linear, half-open [from, to)
  std::string reason;        // e.g. "sick" (free text, shown in the call list)
};

struct TourChange {
  std::string id;
  std::optional<int> day;                      // unchanged when absent
  std::optional<Minutes> start_clock, end_clock;  // clock times of the (new) day
};

struct ReplanChanges {
  std::vector<DriverUnavailable> driver_unavailable;
  std::vector<std::string> tours_cancelled;
  std::vector<Tour> tours_added;
  std::vector<TourChange> tours_changed;
  std::vector<Driver> drivers_added;
};

struct ReplanWeek {
  std::vector<Tour> tours;                    // base tours − cancelled + changed + added
  std::vector<Driver> drivers;                // base pool (+ unavailable windows) + added drivers
  std::vector<PreviousAssignment> base;       // base (driver, tour) pairs on tours that still exist
  std::vector<Lock> frozen;                   // base pairs of tours starting before frozen_until
  std::vector<PreviousAssignment> cancelled;  // base pairs of cancelled tours (the driver loses them)
  int frozen_tours = 0;                       // tours starting before frozen_until (assigned or not)
};

// Applies the changes; on a bad change returns the problem as a text naming the item and value
// (an unknown driver or tour id, a window ending before it starts, an added tour or driver whose
// id exists, a change, cancellation or unavailability touching a frozen tour, a base assignment
// naming an unknown driver or tour) — the 400/422 of the API, exit 2 of the CLI.
struct ApplyResult {
  std::optional<ReplanWeek> week;
  std::string error;
};
ApplyResult apply_changes(const std::vector<Tour>& base_tours, const std::vector<Driver>& base_drivers,
                          const std::vector<PreviousAssignment>& base_plan, Minutes frozen_until,
                          const ReplanChanges& changes);

// A tour is frozen when it starts before frozen_until (it has been driven, or is under way).
bool is_frozen(const Tour& t, Minutes frozen_until);

}  // namespace so

namespace so {

// What a re-plan carries besides its week (SolveRequest::replan): the base assignments to stay
// close to and the moment up to which the base has been driven.
struct ReplanSpec {
  std::string base_run_id;                    // empty when the base came as a plan
  Minutes frozen_until = 0;                   // week-linear
  std::vector<PreviousAssignment> base;       // base pairs on this week's tours
  std::vector<PreviousAssignment> cancelled;  // base pairs of cancelled tours
};

}  // namespace so

#include "core/report.hpp"

namespace so {

// The call list of a re-plan against its base: drivers whose roster after frozen_until differs
// (what they gained and lost, cancelled tours included), unfrozen tours whose driver differs.
ChangeReport change_report(const Plan& plan, const std::vector<Tour>& tours, const std::vector<Driver>& drivers,
                           const ReplanSpec& spec);

}  // namespace so
