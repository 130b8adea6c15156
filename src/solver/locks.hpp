#pragma once
// Locks that cost nothing (dispatch.md §1). A lock only restricts who drives a tour, so the
// plan of the same pool without locks is the yardstick: its rosters are re-dealt to drivers so
// that every locked driver receives a roster holding tours of its locked tours' windows, and
// tour instances of one window (day, start, end, location, qualifications — interchangeable for
// every rule) are swapped so that each locked tour sits with its driver. A lock set taken from
// an optimal plan (whole rosters or single blocks, to the same or to interchangeable drivers)
// therefore keeps that plan's driver count and coverage. A locked driver no roster fits gets
// its locked tours alone; what that displaces is left unassigned for the repair of driver mode.
#include <string>
#include <vector>

#include "core/driver.hpp"
#include "core/plan.hpp"
#include "core/policy.hpp"
#include "core/tour.hpp"

namespace so {

struct HonouredLocks {
  Plan plan;                // every lock holds; rules hold for every roster (checked tour by tour)
  int locked_drivers = 0;   // drivers with at least one locked tour
  int matched = 0;          // of them, given a whole roster of the unlocked plan
  int pinned = 0;           // of them, given their locked tours alone
  int rosters_dropped = 0;  // rosters of the unlocked plan no free driver could take
};

// `free_plan` is a plan of the same tours and drivers made without the locks; `locks` passed
// check_locks and check_lock_feasibility. Deterministic (driver, roster and tour index order).
HonouredLocks honour_locks(const Plan& free_plan, const std::vector<Tour>& tours, const std::vector<Driver>& drivers,
                           const std::vector<Lock>& locks, const Policy& p);

// The roster of `driver` holding exactly `list` (tour indices), built tour by tour in time order
// with every driver-mode rule (driver_blockers); nullopt when some rule breaks.
std::optional<Roster> roster_for(const Driver& driver, std::vector<int> list, const std::vector<Tour>& tours,
                                 const Policy& p);

}  // namespace so
