#include "core/block.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>

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

std::vector<BlockPattern> enumerate_blocks(const std::vector<TourType>& types, const Policy& p, size_t max_blocks,
                                           bool* complete) {
  std::vector<BlockPattern> out;
  if (complete) *complete = true;
  const int m = static_cast<int>(types.size());
  auto window = [&](int i) {
    const TourType& tt = types[static_cast<size_t>(i)];
    return TourWindow{week_minute(tt.day, tt.start), week_minute(tt.day, tt.end), &tt.location};
  };
  const Minutes max_gap =
      std::max(p.max_regular_gap_minutes, p.allow_split ? p.split_gap_max_minutes : p.max_regular_gap_minutes);
  // Types are sorted by (day, start, …), so a type's possible successors in a block (same
  // location unless mixing is allowed) are a contiguous run of its location's start-sorted list:
  // [first with gap ≥ min_gap, last with gap ≤ max_gap); the regular ones are a prefix of it.
  struct Succ {
    const std::vector<int>* list = nullptr;
    size_t lo = 0, reg_hi = 0, hi = 0;
    size_t regular() const { return reg_hi - lo; }
    size_t split() const { return hi - reg_hi; }
  };
  int day_begin = 0;
  while (day_begin < m) {
    const int day = types[static_cast<size_t>(day_begin)].day;
    int day_end = day_begin;
    while (day_end < m && types[static_cast<size_t>(day_end)].day == day) ++day_end;
    std::map<std::string, std::vector<int>> lists;  // ordered: deterministic
    for (int a = day_begin; a < day_end; ++a)
      lists[p.mix_locations_in_block ? std::string() : types[static_cast<size_t>(a)].location].push_back(a);
    std::vector<Succ> succ(static_cast<size_t>(day_end - day_begin));
    for (int a = day_begin; a < day_end; ++a) {
      Succ& sa = succ[static_cast<size_t>(a - day_begin)];
      sa.list = &lists[p.mix_locations_in_block ? std::string() : types[static_cast<size_t>(a)].location];
      const Minutes end = types[static_cast<size_t>(a)].end;
      auto first_start_at_least = [&](Minutes t) {
        return static_cast<size_t>(std::partition_point(sa.list->begin(), sa.list->end(), [&](int b) {
                                     return types[static_cast<size_t>(b)].start < t;
                                   }) - sa.list->begin());
      };
      sa.lo = first_start_at_least(end + p.min_gap_minutes);
      sa.reg_hi = std::max(sa.lo, first_start_at_least(end + p.max_regular_gap_minutes + 1));
      sa.hi = std::max(sa.reg_hi, first_start_at_least(end + max_gap + 1));
      if (p.max_tours_per_block < 2) sa.hi = sa.reg_hi = sa.lo;
    }
    // Successors kept per type and gap zone: all of them, unless that would exceed max_blocks
    // over the day — then the k nearest (smallest gaps), k as large as fits.
    auto estimate = [&](size_t k) {
      size_t est = 0;
      for (const Succ& sa : succ) {
        const size_t nreg = std::min(sa.regular(), k);
        est += 1 + nreg + std::min(sa.split(), k);
        if (p.max_tours_per_block >= 3)
          for (size_t q = 0; q < nreg; ++q)
            est += std::min(succ[static_cast<size_t>((*sa.list)[sa.lo + q] - day_begin)].regular(), k);
      }
      return est;
    };
    const size_t day_budget = max_blocks == SIZE_MAX ? SIZE_MAX : max_blocks / kDaysPerWeek;
    size_t k = SIZE_MAX;
    if (day_budget != SIZE_MAX && estimate(k) > day_budget) {
      size_t lo = 1, hi = 1;
      for (const Succ& sa : succ) hi = std::max({hi, sa.regular(), sa.split()});
      while (lo < hi) {  // the largest k with estimate(k) ≤ budget (at least 1)
        const size_t mid = (lo + hi + 1) / 2;
        if (estimate(mid) <= day_budget) lo = mid;
        else hi = mid - 1;
      }
      k = lo;
      if (complete) *complete = false;
    }
    for (int a = day_begin; a < day_end; ++a) {
      const Succ& sa = succ[static_cast<size_t>(a - day_begin)];
      TourWindow wa = window(a);
      auto emit = [&](std::initializer_list<int> ids, BlockKind kind) {
        BlockPattern b;
        b.day = day;
        b.n = static_cast<int>(ids.size());
        int n = 0;
        for (int id : ids) {
          b.types[static_cast<size_t>(n++)] = id;
          b.work += types[static_cast<size_t>(id)].duration();
        }
        b.kind = kind;
        b.start = window(*ids.begin()).start;
        b.end = window(*(ids.end() - 1)).end;
        out.push_back(b);
      };
      emit({a}, BlockKind::One);
      // Candidates in index order: the kept regular ones, then the kept split ones.
      std::vector<int> cand;
      for (size_t q = sa.lo; q < sa.lo + std::min(sa.regular(), k); ++q) cand.push_back((*sa.list)[q]);
      for (size_t q = sa.reg_hi; q < sa.reg_hi + std::min(sa.split(), k); ++q) cand.push_back((*sa.list)[q]);
      for (int b : cand) {
        TourWindow wb = window(b);
        TourWindow two[2] = {wa, wb};
        auto k2 = classify_block(two, p);
        if (k2) emit({a, b}, *k2);
        if (p.max_tours_per_block < 3 || !k2 || *k2 != BlockKind::TwoRegular) continue;
        const Succ& sb = succ[static_cast<size_t>(b - day_begin)];
        for (size_t q = sb.lo; q < sb.lo + std::min(sb.regular(), k); ++q) {
          const int c = (*sb.list)[q];
          TourWindow three[3] = {wa, wb, window(c)};
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
