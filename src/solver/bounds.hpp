#pragma once
// Lower bounds on the number of drivers (domain.md §10; issue 3). Every function is exact for
// what it claims and valid as a bound for the policy given.
#include <vector>

#include "core/block.hpp"
#include "core/policy.hpp"
#include "core/tour.hpp"
#include "solver/coin_guard.hpp"

namespace so {

// ⌈total work / max weekly work⌉ (reference week: 114).
int hours_bound(const std::vector<TourType>& types, const Policy& p);

// Per day, the fewest blocks that partition that day's tours (exact: LP over block patterns,
// then branch-and-bound with CBC under a node limit; if the limit stops it, or the day has more
// than 1500 patterns, the proven bound, at least ⌈LP⌉, is used); the bound is the maximum over days, or ⌈Σ days / max_working_days⌉
// when that is larger (a driver works one block on at most max_working_days days). With one
// location per driver it is computed per location and summed (drivers of locations are disjoint).
// `stop` (deadline, cancel) ends the LP/MIP early; the bound stays valid (⌈LP⌉ or 0 for a day cut short).
int per_day_bound(const std::vector<TourType>& types, const std::vector<BlockPattern>& blocks, const Policy& p,
                  const StopFn* stop = nullptr);

// Minimum path cover of the tours under "can follow in the same block or on a later day with
// enough rest" (max-flow over tour types with counts as capacities). Reference week: 142.
// `stop` ends the max flow early; the bound is then 0 (nothing proved).
int path_cover_bound(const std::vector<TourType>& types, const Policy& p, const StopFn* stop = nullptr);

// Rest-concurrency (issue 3): for consecutive days d, d+1 and time x, the tours of day d running
// at x plus the most tours of day d+1 running together at some y with y + 24 h <= x + min_rest;
// "running at t" means start <= t < end; maximised over d and x; per location and summed when
// one_location_per_driver. Reference week: 61 + 81 = 142.
int rest_concurrency_bound(const std::vector<TourType>& types, const Policy& p);

}  // namespace so
