#pragma once
// KPIs of a plan (domain.md §9).
#include <vector>

#include "core/driver.hpp"
#include "core/plan.hpp"
#include "core/policy.hpp"
#include "core/tour.hpp"

namespace so {

// lower_bound: the best certified bound (gap_to_lb = (drivers − lb) / lb, 0 when lb is 0).
// fte_target_min_hours: FTE drivers below it count as underfull (default 42 h).
Kpis compute_kpis(const std::vector<Tour>& tours, const Policy& policy, const Plan& plan, int lower_bound,
                  double fte_target_min_hours = 42.0);

// Driver mode: fills the driver-mode fields of `k` (driver_mode = true, drivers_available = pool
// size, tours_uncovered = tours on no roster, contract_shortfall_hours and
// drivers_below_contract_min over the USED drivers only: an idle driver has no plan to fall short in).
void add_driver_kpis(Kpis& k, const std::vector<Tour>& tours, const std::vector<Driver>& drivers, const Plan& plan);

}  // namespace so
