#pragma once
// The baseline planner (issue 2): always returns a valid plan quickly. Per-day block partition
// preferring 3er, then regular 2er, then split 2er; chaining across days by matching that
// respects rest, fatigue and the weekly cap; then consolidation that checks every move against
// the current state. It is the fallback the optimizer must beat.
#include <atomic>
#include <vector>

#include "core/block.hpp"
#include "core/plan.hpp"
#include "core/policy.hpp"
#include "core/tour.hpp"

namespace so {

// Deterministic for the same input and seed. Driver ids are canonical (canonicalize_plan).
Plan baseline_plan(const std::vector<Tour>& tours, const std::vector<TourType>& types,
                   const std::vector<BlockPattern>& blocks, const Policy& p, uint64_t seed = 42,
                   const std::atomic<bool>* stop = nullptr);

}  // namespace so
