#include "solver/bounds.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>

#include <coin/CbcModel.hpp>
#include <coin/CbcStrategy.hpp>
#include <coin/CoinPackedMatrix.hpp>
#include <coin/OsiClpSolverInterface.hpp>

#include "core/rules.hpp"
#include "solver/coin_guard.hpp"
#include "solver/flow.hpp"

namespace so {

namespace {

// Work limits of one day's block-partition program: CBC nodes, and the largest program (block
// patterns) given to CBC at all; beyond either, the proven bound (at least ⌈LP⌉) is used.
constexpr int kPerDayNodeLimit = 500;
constexpr int kPerDayMaxColumns = 1500;
// Tour types of one day up to which the path-cover graph gets explicit same-day pairs.
constexpr size_t kPathCoverPairLimit = 1500;
// Work limit of the path-cover max flow (arcs scanned; ~1 s). Measured: reference week 1.3·10^5,
// 3,000 timed tours 5.6·10^7, dense 20,000 timed tours beyond 4·10^8. Past it the bound is
// given up (0), never guessed.
constexpr long kPathCoverMaxWork = 80'000'000;

// Type indices grouped by location when drivers are tied to one location (drivers of different
// locations are disjoint, so per-location bounds add up), otherwise one group with everything.
std::vector<std::vector<int>> driver_groups(const std::vector<TourType>& types, const Policy& p) {
  std::map<std::string, std::vector<int>> by_location;  // ordered: deterministic
  for (int i = 0; i < static_cast<int>(types.size()); ++i)
    by_location[p.one_location_per_driver ? types[static_cast<size_t>(i)].location : std::string()].push_back(i);
  std::vector<std::vector<int>> out;
  for (auto& [loc, idx] : by_location) out.push_back(std::move(idx));
  return out;
}

int ceil_bound(double value) { return static_cast<int>(std::ceil(value - 1e-6)); }

// Fewest blocks partitioning one day's tours: min Σ x_b, Σ_b a_tb x_b = demand_t, x integer.
// Blocks using a type outside day_types are ignored.
int min_blocks_for_day(const std::vector<TourType>& types, std::vector<const BlockPattern*> day_blocks,
                       const std::vector<int>& day_types, const StopFn* stop) {
  std::vector<int> row_of(types.size(), -1);
  for (size_t r = 0; r < day_types.size(); ++r) row_of[static_cast<size_t>(day_types[r])] = static_cast<int>(r);
  std::erase_if(day_blocks, [&](const BlockPattern* b) {
    for (int k = 0; k < b->n; ++k) {
      const int t = b->types[static_cast<size_t>(k)];
      if (t < 0 || t >= static_cast<int>(types.size()) || row_of[static_cast<size_t>(t)] < 0) return true;
    }
    return b->n < 1;
  });
  const int rows = static_cast<int>(day_types.size());
  const int cols = static_cast<int>(day_blocks.size());
  std::vector<double> col_lb(static_cast<size_t>(cols), 0.0), col_ub(static_cast<size_t>(cols)),
      obj(static_cast<size_t>(cols), 1.0), row_rhs(static_cast<size_t>(rows));
  for (int r = 0; r < rows; ++r) row_rhs[static_cast<size_t>(r)] = types[static_cast<size_t>(day_types[static_cast<size_t>(r)])].count();
  // Column-ordered matrix built in one go (appending columns one by one is quadratic).
  std::vector<CoinBigIndex> starts;
  std::vector<int> lengths, indices;
  for (int c = 0; c < cols; ++c) {
    const BlockPattern& b = *day_blocks[static_cast<size_t>(c)];
    starts.push_back(static_cast<CoinBigIndex>(indices.size()));
    lengths.push_back(b.n);
    int ub = INT32_MAX;
    for (int k = 0; k < b.n; ++k) {
      const int t = b.types[static_cast<size_t>(k)];
      indices.push_back(row_of[static_cast<size_t>(t)]);
      ub = std::min(ub, types[static_cast<size_t>(t)].count());
    }
    col_ub[static_cast<size_t>(c)] = ub;
  }
  const std::vector<double> ones(indices.size(), 1.0);
  CoinPackedMatrix matrix(true, rows, cols, static_cast<CoinBigIndex>(indices.size()), ones.data(), indices.data(),
                          starts.data(), lengths.data());
  OsiClpSolverInterface solver;
  guard_lp(solver, stop);
  solver.loadProblem(matrix, col_lb.data(), col_ub.data(), obj.data(), row_rhs.data(), row_rhs.data());
  solve_lp(solver);
  // Not optimal: stopped (deadline, cancel) or, impossibly, infeasible (1er blocks make it
  // feasible); 0 is trivially valid either way.
  if (!solver.isProvenOptimal()) return 0;
  const int lp_bound = ceil_bound(solver.getObjValue());
  // An integral LP optimum is already the exact minimum.
  bool integral = true;
  for (int c = 0; c < cols && integral; ++c) {
    double v = solver.getColSolution()[c];
    integral = std::fabs(v - std::round(v)) < 1e-7;
  }
  if (integral || cols > kPerDayMaxColumns) return lp_bound;
  for (int c = 0; c < cols; ++c) solver.setInteger(c);
  CbcModel model(solver);
  guard_mip(model, stop);
  model.setNumberThreads(0);  // deterministic, single-threaded
  model.setMaximumNodes(kPerDayNodeLimit);
  model.setAllowableGap(0.999);  // integral objective: a gap below 1 proves the incumbent optimal
  CbcStrategyDefault strategy(1, 5, 5);  // root cuts + heuristics: most of these close at the root
  model.setStrategy(strategy);
  model.branchAndBound();
  if (model.isProvenOptimal() && model.bestSolution()) return static_cast<int>(std::lround(model.getObjValue()));
  // Stopped by the node limit: the proven bound is still valid (never below the LP value).
  return std::max(lp_bound, ceil_bound(model.getBestPossibleObjValue()));
}

// May a tour of type b follow a tour of type a in some driver's week? Same day: the pair can be
// adjacent in a valid block (gap zone, span, size, location). Later day: rest on the next day,
// anything on a non-adjacent day. A superset of the true relation keeps the bound valid, so the
// Sunday→Monday wrap (which only removes pairs) is ignored.
bool can_follow(const TourType& a, const TourType& b, const Policy& p) {
  if (p.one_location_per_driver && a.location != b.location) return false;
  if (b.day == a.day) {
    if (p.max_tours_per_block < 2) return false;
    if (!p.mix_locations_in_block && a.location != b.location) return false;
    const Minutes gap = b.start - a.end;
    const Minutes span = b.end - a.start;
    switch (gap_zone(gap, p)) {
      case GapZone::Forbidden: return false;
      case GapZone::Regular:
        return span <= p.max_span_regular_minutes || (p.max_tours_per_block >= 3 && span <= p.max_span_3er_minutes);
      case GapZone::Split: return span <= p.max_span_split_minutes;
    }
    return false;
  }
  if (b.day < a.day) return false;
  if (b.day == a.day + 1) return week_minute(b.day, b.start) - week_minute(a.day, a.end) >= p.min_rest_minutes;
  return true;
}

// Concurrency of one start day's tours over the minutes [0, 2880) from that day's 00:00
// ("running at t" = start <= t < end; a tour ends at most 1440 min after its day ends).
constexpr Minutes kWindow = 2 * kMinutesPerDay;
std::vector<int> day_concurrency(const std::vector<TourType>& types, const std::vector<int>& group, int day) {
  std::vector<int> diff(static_cast<size_t>(kWindow) + 1, 0);
  for (int i : group) {
    const TourType& t = types[static_cast<size_t>(i)];
    if (t.day != day) continue;
    diff[static_cast<size_t>(t.start)] += t.count();
    diff[static_cast<size_t>(std::min(t.end, kWindow))] -= t.count();
  }
  std::vector<int> conc(static_cast<size_t>(kWindow), 0);
  int run = 0;
  for (Minutes m = 0; m < kWindow; ++m) conc[static_cast<size_t>(m)] = run += diff[static_cast<size_t>(m)];
  return conc;
}

// Largest value of the rest-concurrency quantity for the day pair (d, e = the day after d):
// max over x of conc_d[x] + max{conc_e[y] : y + 1440 <= x + min_rest} (x, y from the own day's 00:00).
int rest_concurrency_pair(const std::vector<int>& conc_d, const std::vector<int>& conc_e, Minutes min_rest) {
  std::vector<int> prefix_max(conc_e.size());
  int best_e = 0;
  for (size_t y = 0; y < conc_e.size(); ++y) prefix_max[y] = best_e = std::max(best_e, conc_e[y]);
  int best = 0;
  for (Minutes x = 0; x < kWindow; ++x) {
    const Minutes y_max = x + min_rest - kMinutesPerDay;
    const int later = y_max < 0 ? 0 : prefix_max[static_cast<size_t>(std::min<Minutes>(y_max, kWindow - 1))];
    best = std::max(best, conc_d[static_cast<size_t>(x)] + later);
  }
  return best;
}

}  // namespace

int hours_bound(const std::vector<TourType>& types, const Policy& p) {
  int64_t work = 0;
  for (const TourType& t : types) work += static_cast<int64_t>(t.duration()) * t.count();
  if (work <= 0 || p.max_weekly_minutes <= 0) return 0;
  return static_cast<int>((work + p.max_weekly_minutes - 1) / p.max_weekly_minutes);
}

int per_day_bound(const std::vector<TourType>& types, const std::vector<BlockPattern>& blocks, const Policy& p,
                  const StopFn* stop) {
  int total = 0;
  for (const std::vector<int>& group : driver_groups(types, p)) {
    int busiest = 0, all_days = 0;
    for (int day = 0; day < kDaysPerWeek; ++day) {
      std::vector<int> day_types;
      for (int i : group)
        if (types[static_cast<size_t>(i)].day == day && types[static_cast<size_t>(i)].count() > 0) day_types.push_back(i);
      if (day_types.empty()) continue;
      // Only blocks made of the group's own types count: blocks mixing locations are no use to
      // a driver tied to one location.
      std::vector<const BlockPattern*> day_blocks;
      for (const BlockPattern& b : blocks)
        if (b.day == day) day_blocks.push_back(&b);
      const int m = min_blocks_for_day(types, day_blocks, day_types, stop);
      busiest = std::max(busiest, m);
      all_days += m;
    }
    // One block per driver per day, and at most max_working_days blocks per driver.
    const int by_working_days = p.max_working_days > 0 ? (all_days + p.max_working_days - 1) / p.max_working_days : 0;
    total += std::max(busiest, by_working_days);
  }
  return total;
}

int path_cover_bound(const std::vector<TourType>& types, const Policy& p, const StopFn* stop) {
  int total = 0;
  for (const std::vector<int>& group : driver_groups(types, p)) {
    const int n = static_cast<int>(group.size());
    auto type = [&](int i) -> const TourType& { return types[static_cast<size_t>(group[static_cast<size_t>(i)])]; };
    // by_day[d]: group positions of day d's types sorted by start (suffix hubs need that order).
    std::vector<std::vector<int>> by_day(kDaysPerWeek);
    for (int i = 0; i < n; ++i) by_day[static_cast<size_t>(type(i).day)].push_back(i);
    for (auto& list : by_day)
      std::stable_sort(list.begin(), list.end(), [&](int a, int b) { return type(a).start < type(b).start; });
    // Nodes: 0 source, 1 sink, 2+i out-copy of type i, 2+n+i in-copy; then per day a "this day
    // or later" hub and suffix hubs over the day's types by start. Capacities = counts, so a max
    // flow is a maximum "follows" matching over individual tours; the hubs carry the many
    // later-day pairs with few arcs (the next day's admissible types are a suffix by start).
    int nodes = 2 + 2 * n;
    std::vector<int> later(kDaysPerWeek);
    std::vector<std::vector<int>> suffix(kDaysPerWeek);
    for (int d = 0; d < kDaysPerWeek; ++d) {
      later[static_cast<size_t>(d)] = nodes++;
      for (size_t k = 0; k < by_day[static_cast<size_t>(d)].size(); ++k) suffix[static_cast<size_t>(d)].push_back(nodes++);
    }
    MaxFlow flow(nodes);
    int tours = 0;
    for (int i = 0; i < n; ++i) {
      const int c = type(i).count();
      tours += c;
      flow.add_arc(0, 2 + i, c);
      flow.add_arc(2 + n + i, 1, c);
    }
    const int64_t inf = tours;
    for (int d = 0; d < kDaysPerWeek; ++d) {
      const std::vector<int>& list = by_day[static_cast<size_t>(d)];
      const std::vector<int>& suf = suffix[static_cast<size_t>(d)];
      if (!list.empty()) flow.add_arc(later[static_cast<size_t>(d)], suf[0], inf);
      if (d + 1 < kDaysPerWeek) flow.add_arc(later[static_cast<size_t>(d)], later[static_cast<size_t>(d + 1)], inf);
      for (size_t k = 0; k < list.size(); ++k) {
        flow.add_arc(suf[k], 2 + n + list[k], inf);
        if (k + 1 < list.size()) flow.add_arc(suf[k], suf[k + 1], inf);
      }
    }
    // Large days (dense individually timed tours): same-day successors as start ranges (the
    // gap zones) through segment-tree hubs, O(n log n) arcs instead of O(n²) pairs. That drops
    // the span and location checks of can_follow: a superset of the relation, so still a bound.
    std::vector<int> seg_base(kDaysPerWeek, -1);  // first segment-tree node of each large day
    std::vector<int> seg_size(kDaysPerWeek, 0);
    for (int d = 0; d < kDaysPerWeek; ++d) {
      const size_t len = by_day[static_cast<size_t>(d)].size();
      if (len <= kPathCoverPairLimit) continue;
      int size = 1;
      while (size < static_cast<int>(len)) size *= 2;
      seg_size[static_cast<size_t>(d)] = size;
      seg_base[static_cast<size_t>(d)] = flow.add_nodes(2 * size);
      const int base = seg_base[static_cast<size_t>(d)];
      for (int v = 1; v < size; ++v) {
        flow.add_arc(base + v, base + 2 * v, inf);
        flow.add_arc(base + v, base + 2 * v + 1, inf);
      }
      for (size_t k = 0; k < len; ++k) flow.add_arc(base + size + static_cast<int>(k), 2 + n + by_day[static_cast<size_t>(d)][k], inf);
    }
    auto range_arcs = [&](int from, int d, int lo, int hi) {  // arcs from `from` to list positions [lo, hi)
      const int base = seg_base[static_cast<size_t>(d)], size = seg_size[static_cast<size_t>(d)];
      for (int l = lo + size, r = hi + size; l < r; l /= 2, r /= 2) {
        if (l & 1) flow.add_arc(from, base + l++, inf);
        if (r & 1) flow.add_arc(from, base + --r, inf);
      }
    };
    for (int i = 0; i < n; ++i) {
      const TourType& a = type(i);
      const std::vector<int>& today = by_day[static_cast<size_t>(a.day)];
      if (seg_base[static_cast<size_t>(a.day)] >= 0) {
        auto first_start_at_least = [&](Minutes t) {
          return static_cast<int>(std::partition_point(today.begin(), today.end(), [&](int j) { return type(j).start < t; }) -
                                  today.begin());
        };
        if (p.max_tours_per_block >= 2) {
          range_arcs(2 + i, a.day, first_start_at_least(a.end + p.min_gap_minutes),
                     first_start_at_least(a.end + p.max_regular_gap_minutes + 1));
          if (p.allow_split)
            range_arcs(2 + i, a.day, first_start_at_least(a.end + std::max(p.split_gap_min_minutes, p.max_regular_gap_minutes + 1)),
                       first_start_at_least(a.end + p.split_gap_max_minutes + 1));
        }
      } else {
        // Same day: explicit pairs (gap zones and spans are not a suffix by start).
        for (int j : today)
          if (j != i && can_follow(a, type(j), p)) flow.add_arc(2 + i, 2 + n + j, inf);
      }
      // Next day: every type starting at least min_rest after a's end.
      if (a.day + 1 < kDaysPerWeek) {
        const std::vector<int>& list = by_day[static_cast<size_t>(a.day + 1)];
        size_t k = 0;
        while (k < list.size() && !can_follow(a, type(list[k]), p)) ++k;
        if (k < list.size()) flow.add_arc(2 + i, suffix[static_cast<size_t>(a.day + 1)][k], inf);
      }
      // Two or more days later: anything.
      if (a.day + 2 < kDaysPerWeek) flow.add_arc(2 + i, later[static_cast<size_t>(a.day + 2)], inf);
    }
    total += tours - static_cast<int>(flow.solve(0, 1, stop, kPathCoverMaxWork));
    if (flow.stopped()) return 0;  // a flow short of the maximum proves nothing
  }
  return total;
}

// Why it is valid: let T be a day-d tour running at x (T.start <= x < T.end) and U a day-(d+1)
// tour running at y (U.start <= y < U.end) with y + 1440 <= x + min_rest (times of day). If one
// driver had both, the day-d block ends at E >= T.end > x and the day-(d+1) block starts at
// S <= U.start <= y, so the rest (S + 1440) − E < (x + min_rest) − x = min_rest: forbidden. Two
// day-d tours running at x overlap, so they are in different blocks of the same day, i.e. with
// different drivers; likewise for day d+1. Hence all those tours need pairwise distinct drivers.
int rest_concurrency_bound(const std::vector<TourType>& types, const Policy& p) {
  int total = 0;
  for (const std::vector<int>& group : driver_groups(types, p)) {
    std::vector<std::vector<int>> conc;
    for (int d = 0; d < kDaysPerWeek; ++d) conc.push_back(day_concurrency(types, group, d));
    int best = 0;
    for (int d = 0; d < kDaysPerWeek; ++d)  // one day alone (no successor day needed)
      best = std::max(best, *std::max_element(conc[static_cast<size_t>(d)].begin(), conc[static_cast<size_t>(d)].end()));
    for (int d = 0; d + 1 < kDaysPerWeek; ++d)
      best = std::max(best, rest_concurrency_pair(conc[static_cast<size_t>(d)], conc[static_cast<size_t>(d + 1)],
                                                  p.min_rest_minutes));
    if (p.week_wrap)  // Sunday→Monday is a consecutive pair then
      best = std::max(best, rest_concurrency_pair(conc[6], conc[0], p.min_rest_minutes));
    total += best;
  }
  return total;
}

}  // namespace so
