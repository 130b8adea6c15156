#pragma once
// Blocks: one driver's work on one day (domain.md §3–§4).
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/policy.hpp"
#include "core/rules.hpp"
#include "core/tour.hpp"

namespace so {

// A valid block over tour *types* of one day (the solver's unit; a pattern used k times covers
// k tours of each of its types).
struct BlockPattern {
  int day = 0;
  int n = 0;                          // tours in the block, 1..3
  std::array<int, 3> types{-1, -1, -1};  // tour-type indices sorted by start; unused slots -1
  BlockKind kind = BlockKind::One;
  Minutes start = 0;  // week-linear first start
  Minutes end = 0;    // week-linear last end
  Minutes work = 0;   // sum of tour durations
  Minutes span() const { return end - start; }
};

// The block kind of tours given as (start, end, location) sorted by start, or nullopt if the
// tours do not form a valid block under the policy (overlap, forbidden gap, split inside a 3er,
// span, size, mixed locations).
struct TourWindow {
  Minutes start;  // week-linear
  Minutes end;    // week-linear
  const std::string* location;
};
std::optional<BlockKind> classify_block(std::span<const TourWindow> sorted_tours, const Policy& p);

// Every valid 1er/2er/3er over the tour types, in a deterministic order: by day, then by the
// canonical index of the first, second, third type. Types must be in canonical order
// (aggregate_tour_types). Types of one day never appear in a block of another day.
// A work limit: when a day would have more than max_blocks / 7 blocks (dense weeks of
// individually timed tours: 50,000 tours give over 10^8), each type keeps only its k nearest
// successors per gap zone, k as large as fits, and *complete is set to false — bounds that
// rest on the full block set (per-day, LP) are then not valid for the restricted set.
std::vector<BlockPattern> enumerate_blocks(const std::vector<TourType>& types, const Policy& p,
                                           size_t max_blocks = SIZE_MAX, bool* complete = nullptr);
// The block limit the solver and the KPIs use (work and memory: ~40 bytes a block).
inline constexpr size_t kMaxBlocksPerWeek = 3'000'000;

}  // namespace so
