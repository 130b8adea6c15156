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
