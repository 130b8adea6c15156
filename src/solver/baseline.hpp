#pragma once
// The baseline planner (issue 2): always returns a valid plan quickly. Per-day block partition
// (fewest blocks, preferring 3er, then regular 2er, then split 2er: LP + small residual MIP);
// chaining across days as a minimum path cover of the blocks (max flow) that respects rest,
// fatigue and location; exchanges of day segments between weeks to repair the weekly cap,
// working days and the Sunday→Monday wrap, splitting what cannot be repaired; then
// consolidation that empties the weakest weeks, checking every move against the current state.
// If that misses the cheap bounds, a second partition that avoids 3er (they restrict the next
// day) is tried and the better plan kept. It is the fallback the optimizer must beat.
#include <atomic>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/block.hpp"
#include "core/plan.hpp"
#include "core/policy.hpp"
#include "core/tour.hpp"

namespace so {

// Tours longer than the weekly cap fit no driver-week: they come back in plan.unassigned with
// DRIVER_WEEKLY_LIMIT and INFEASIBLE. With one location per driver, blocks mixing depots are not used.
// Deterministic for the same input (the construction has no random choice, so the seed does not
// change the plan). Driver ids are canonical (canonicalize_plan). A set `stop` skips the optional
// improvement steps; the plan returned is valid either way. `known_bound`: the caller's best cheap
// bound (consolidation stops there), computed here when not given.
Plan baseline_plan(const std::vector<Tour>& tours, const std::vector<TourType>& types,
                   const std::vector<BlockPattern>& blocks, const Policy& p, uint64_t seed = 42,
                   const std::atomic<bool>* stop = nullptr, std::optional<int> known_bound = std::nullopt);

}  // namespace so
