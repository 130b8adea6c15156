#include "core/block.hpp"

#include <algorithm>

namespace so {

std::optional<BlockKind> classify_block(std::span<const TourWindow> t, const Policy& p) {
  const int n = static_cast<int>(t.size());
  if (n < 1 || n > 3 || n > p.max_tours_per_block) return std::nullopt;
  if (!p.mix_locations_in_block)
    for (int i = 1; i < n; ++i)
      if (*t[i].location != *t[0].location) return std::nullopt;
  if (n == 1) return BlockKind::One;
  bool any_split = false;
  for (int i = 1; i < n; ++i) {
    GapZone z = gap_zone(t[i].start - t[i - 1].end, p);  // negative gap = overlap = forbidden
    if (z == GapZone::Forbidden) return std::nullopt;
    any_split = any_split || z == GapZone::Split;
  }
  BlockKind kind = n == 3 ? BlockKind::Three : (any_split ? BlockKind::TwoSplit : BlockKind::TwoRegular);
  if (n == 3 && any_split) return std::nullopt;  // a 3er needs both gaps regular
  if (t[n - 1].end - t[0].start > max_span(kind, p)) return std::nullopt;
  return kind;
}

std::vector<BlockPattern> enumerate_blocks(const std::vector<TourType>& types, const Policy& p) {
  std::vector<BlockPattern> out;
  const int m = static_cast<int>(types.size());
  auto window = [&](int i) {
    const TourType& tt = types[static_cast<size_t>(i)];
    return TourWindow{week_minute(tt.day, tt.start), week_minute(tt.day, tt.end), &tt.location};
  };
  // Types are sorted by (day, start, …): a successor in a block starts strictly later than the
  // predecessor's end, so scanning forward within the day suffices.
  int day_begin = 0;
  while (day_begin < m) {
    int day = types[static_cast<size_t>(day_begin)].day;
    int day_end = day_begin;
    while (day_end < m && types[static_cast<size_t>(day_end)].day == day) ++day_end;
    for (int a = day_begin; a < day_end; ++a) {
      TourWindow wa = window(a);
      auto emit = [&](std::initializer_list<int> ids, BlockKind kind) {
        BlockPattern b;
        b.day = day;
        b.n = static_cast<int>(ids.size());
        int k = 0;
        for (int id : ids) {
          b.types[static_cast<size_t>(k++)] = id;
          b.work += types[static_cast<size_t>(id)].duration();
        }
        b.kind = kind;
        b.start = window(*ids.begin()).start;
        b.end = window(*(ids.end() - 1)).end;
        out.push_back(b);
      };
      emit({a}, BlockKind::One);
      if (p.max_tours_per_block < 2) continue;
      for (int b = day_begin; b < day_end; ++b) {
        TourWindow wb = window(b);
        if (wb.start < wa.end + p.min_gap_minutes) continue;
        TourWindow two[2] = {wa, wb};
        auto k2 = classify_block(two, p);
        if (k2) emit({a, b}, *k2);
        if (p.max_tours_per_block < 3 || !k2 || *k2 != BlockKind::TwoRegular) continue;
        for (int c = day_begin; c < day_end; ++c) {
          TourWindow wc = window(c);
          if (wc.start < wb.end + p.min_gap_minutes) continue;
          TourWindow three[3] = {wa, wb, wc};
          auto k3 = classify_block(three, p);
          if (k3) emit({a, b, c}, *k3);
        }
      }
    }
    day_begin = day_end;
  }
  return out;
}

}  // namespace so
