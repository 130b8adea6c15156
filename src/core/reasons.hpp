#pragma once
// Why a tour is unassigned (domain.md §7), computed by checking every driver against the plan,
// never guessed; and the per-tour diagnostics of POST /api/v1/diagnostics (no solving).
#include <map>
#include <string>
#include <vector>

#include "core/driver.hpp"
#include "core/plan.hpp"
#include "core/policy.hpp"
#include "core/tour.hpp"

namespace so {

// What stops one driver from taking one tour on top of its roster in `plan` (empty = nothing:
// the tour could be inserted as is). Codes in a fixed precedence: the tour-alone reasons
// (qualification, availability, span / weekly limit shorter than the tour, the rest or streak
// from last week), then the roster reasons (TOUR_OVERLAP, DRIVER_MAX_TOURS_PER_DAY,
// DRIVER_DAILY_SPAN_LIMIT, DRIVER_REST_VIOLATION, DRIVER_WEEKLY_LIMIT), then INFEASIBLE for a
// policy rule that is not personal (a forbidden gap, a policy span, working days, location,
// consecutive 3er). Continuity across weeks (dispatch.md §3) is personal history: both the rest
// from last week's end and the working-day streak (a day off is due) are DRIVER_REST_VIOLATION.
std::vector<std::string> driver_blockers(int tour, const Driver& driver, const Roster* roster,
                                         const std::vector<Tour>& tours, const Policy& p);

struct UnassignedExplanation {
  std::vector<std::string> reason_codes;         // sorted, unique; never empty
  std::map<std::string, int> drivers_blocked;    // primary blocker code -> number of drivers
};

// The true reasons an unassigned tour stays unassigned: every driver's *primary* (first) blocker
// is computed by driver_blockers; reason_codes is the set of those codes, so each listed code
// really blocks at least one driver and together they block every driver. NO_AVAILABLE_DRIVER
// is added when no driver could ever work the tour (tour-alone reasons block all) or the pool is
// empty. `plan` rosters are matched to drivers by driver_id.
UnassignedExplanation explain_unassigned(int tour, const std::vector<Driver>& drivers, const Plan& plan,
                                         const std::vector<Tour>& tours, const Policy& p);

// POST /api/v1/diagnostics: per tour, without solving.
struct TourDiagnostics {
  int tour = -1;
  int blocks = 0;            // valid block patterns (policy rules) containing the tour's type
  int drivers_eligible = 0;  // drivers with no tour-alone blocker
  std::vector<std::pair<std::string, int>> top_blockers;  // tour-alone code -> drivers, most first, then by code
};
std::vector<TourDiagnostics> diagnose_tours(const std::vector<Tour>& tours, const std::vector<Driver>& drivers,
                                            const Policy& p);

}  // namespace so
