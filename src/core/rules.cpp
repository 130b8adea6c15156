#include "core/rules.hpp"

#include <algorithm>

namespace so {

const char* block_kind_name(BlockKind kind) {
  switch (kind) {
    case BlockKind::One: return "1er";
    case BlockKind::TwoRegular: return "2er-regular";
    case BlockKind::TwoSplit: return "2er-split";
    case BlockKind::Three: return "3er";
  }
  return "?";
}

GapZone gap_zone(Minutes gap, const Policy& p) {
  if (gap >= p.min_gap_minutes && gap <= p.max_regular_gap_minutes) return GapZone::Regular;
  if (p.allow_split && gap >= p.split_gap_min_minutes && gap <= p.split_gap_max_minutes) return GapZone::Split;
  return GapZone::Forbidden;
}

Minutes max_span(BlockKind kind, const Policy& p) {
  switch (kind) {
    case BlockKind::One: return kMinutesPerDay * 2;  // a single tour has no span rule beyond its own length
    case BlockKind::TwoRegular: return p.max_span_regular_minutes;
    case BlockKind::TwoSplit: return p.max_span_split_minutes;
    case BlockKind::Three: return p.max_span_3er_minutes;
  }
  return 0;
}

Minutes required_rest_after(BlockKind prev_kind, const Policy& p) {
  return prev_kind == BlockKind::Three ? std::max(p.min_rest_minutes, p.min_rest_after_3er_minutes) : p.min_rest_minutes;
}

bool fatigue_allows(BlockKind prev_kind, BlockKind next_kind, int next_tours, const Policy& p) {
  if (prev_kind != BlockKind::Three) return true;
  if (!p.allow_consecutive_3er && next_kind == BlockKind::Three) return false;
  return next_tours <= p.max_tours_after_3er_day;
}

}  // namespace so
