#pragma once
// The independent audit (domain.md §8). It re-derives every rule from the tour list and the
// policy values alone; it never calls the solver's feasibility helpers (rules.hpp, block.hpp).
#include <vector>

#include "core/plan.hpp"
#include "core/policy.hpp"
#include "core/tour.hpp"

namespace so {

// Violation codes (machine-readable):
//   TOUR_UNCOVERED, TOUR_DUPLICATED, TOUR_UNKNOWN, BLOCK_EMPTY, BLOCK_WRONG_DAY, TOUR_OVERLAP,
//   BLOCK_GAP_FORBIDDEN, BLOCK_SPLIT_IN_3ER, BLOCK_SPLIT_NOT_ALLOWED, BLOCK_SPAN_EXCEEDED,
//   BLOCK_TOO_MANY_TOURS, BLOCK_MIXED_LOCATIONS, BLOCK_TYPE_MISMATCH, MULTIPLE_BLOCKS_PER_DAY,
//   WEEKLY_HOURS_EXCEEDED, REST_VIOLATION, CONSECUTIVE_3ER, TOURS_AFTER_3ER_EXCEEDED,
//   WORKING_DAYS_EXCEEDED, LOCATION_CHANGE
// Unassigned tours (plan.unassigned) count as accounted for (driver mode); a tour both assigned
// and unassigned is TOUR_DUPLICATED. Violations come in a deterministic order.
AuditResult audit_plan(const std::vector<Tour>& tours, const Policy& policy, const Plan& plan);

}  // namespace so

namespace so {
struct Driver;
struct Lock;

// Driver mode (domain.md §7–§8): audit_plan plus every driver-mode rule. Extra codes:
//   DRIVER_UNKNOWN (roster for a driver not in the pool), DRIVER_DUPLICATED (two rosters for one
//   driver), DRIVER_QUALIFICATION_MISSING, DRIVER_NOT_AVAILABLE (day off or an unavailable
//   window), DRIVER_WEEKLY_LIMIT, DRIVER_MAX_TOURS_PER_DAY, DRIVER_DAILY_SPAN_LIMIT,
//   DRIVER_REST_VIOLATION (personal minimum rest, or the first block of the week too soon after
//   the driver's previous_week last_end), WORKING_DAYS_EXCEEDED (also: the days worked in a row
//   from Monday plus the previous_week streak above max_working_days), LOCK_VIOLATED (a locked tour not on its driver),
//   UNASSIGNED_WITHOUT_REASON (an unassigned tour with no reason code).
AuditResult audit_driver_plan(const std::vector<Tour>& tours, const Policy& policy, const std::vector<Driver>& drivers,
                              const std::vector<Lock>& locks, const Plan& plan);
}  // namespace so
