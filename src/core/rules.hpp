#pragma once
// The rule book as functions (domain.md §4–§5), one per rule, used by block enumeration and the
// solver. The audit (audit.cpp) deliberately re-derives every check on its own.
#include "core/policy.hpp"
#include "core/time.hpp"

namespace so {

enum class BlockKind { One = 0, TwoRegular = 1, TwoSplit = 2, Three = 3 };
inline constexpr int kBlockKinds = 4;
const char* block_kind_name(BlockKind kind);  // "1er", "2er-regular", "2er-split", "3er"

enum class GapZone { Forbidden, Regular, Split };

// §4: gap = next start − previous end; regular in [min_gap, max_regular_gap], split in
// [split_gap_min, split_gap_max] (only if allow_split); bounds inclusive; regular wins an overlap.
GapZone gap_zone(Minutes gap, const Policy& p);

// §4: span limit for a block kind.
Minutes max_span(BlockKind kind, const Policy& p);

// §5: rest between the last end on day d and the first start on day d+1 (week-linear minutes).
inline Minutes rest_between(Minutes prev_week_end, Minutes next_week_start) { return next_week_start - prev_week_end; }

// §5: rest required after a block of the given kind (legacy rule: more after a 3er).
Minutes required_rest_after(BlockKind prev_kind, const Policy& p);

// §5: may a block with `next_tours` tours of kind `next_kind` follow a block of kind `prev_kind`
// on the next day (consecutive 3er, tours after a 3er day)? Rest is checked separately.
bool fatigue_allows(BlockKind prev_kind, BlockKind next_kind, int next_tours, const Policy& p);

inline int tours_in(BlockKind k) { return k == BlockKind::One ? 1 : (k == BlockKind::Three ? 3 : 2); }

}  // namespace so
