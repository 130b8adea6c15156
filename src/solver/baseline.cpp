#include "solver/baseline.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <utility>

#include <coin/CbcModel.hpp>
#include <coin/CbcStrategy.hpp>
#include <coin/CoinPackedMatrix.hpp>
#include <coin/OsiClpSolverInterface.hpp>

#include "core/rules.hpp"
#include "solver/bounds.hpp"
#include "solver/coin_guard.hpp"
#include "solver/flow.hpp"

namespace so {

namespace {

using Index = std::size_t;

// A concrete block: tour instances of one day (sorted by start) with its derived figures.
struct CBlock {
  int day = 0;
  int loc = 0;  // index into the sorted location list
  BlockKind kind = BlockKind::One;
  int n = 0;
  Minutes start = 0, end = 0, work = 0;  // week-linear
  std::vector<int> tours;
};

// Days with more block patterns than this are partitioned greedily (greedy_counts), not by LP.
constexpr size_t kGreedyPartitionPatterns = 60000;
// Work limit of the chaining max flow (arcs scanned, ~1 s); the flow so far is used past it.
constexpr long kChainMaxWork = 400'000'000;

bool stopped(const std::atomic<bool>* stop) { return stop && stop->load(std::memory_order_relaxed); }

// ---- phase 1: per-day block partition -----------------------------------------------------

// Tie-break rank of a block kind: among partitions with the fewest blocks prefer 3er, then
// regular 2er, then split 2er, then 1er (domain.md §6: fewer 1er, fewer splits).
int kind_rank(BlockKind k) {
  switch (k) {
    case BlockKind::Three: return 0;
    case BlockKind::TwoRegular: return 1;
    case BlockKind::TwoSplit: return 2;
    case BlockKind::One: return 3;
  }
  return 3;
}

// How many copies of each of the day's patterns to use: fewest blocks, ties by kind rank (the
// rank term is scaled so that all of it stays below one block), plus `three_extra` per 3er;
// subject to Σ_b a_tb x_b = demand_t. The LP (CLP) is usually integral; otherwise its integer
// part is kept and the small residual is solved by CBC under a node limit. Anything left
// uncovered becomes 1er blocks in the caller, so a failing solver never makes the plan invalid.
std::vector<int> partition_counts(const std::vector<TourType>& types, const std::vector<BlockPattern>& patterns,
                                  const std::vector<int>& day_types, const std::vector<int>& day_patterns,
                                  double three_extra, const std::atomic<bool>* stop) {
  const StopFn stop_fn = [stop] { return stopped(stop); };
  if (stopped(stop)) return std::vector<int>(day_patterns.size(), 0);  // the caller covers the day with 1er
  std::vector<int> row_of(types.size(), -1);
  for (Index r = 0; r < day_types.size(); ++r) row_of[static_cast<Index>(day_types[r])] = static_cast<int>(r);
  const int rows = static_cast<int>(day_types.size());
  const int cols = static_cast<int>(day_patterns.size());
  std::vector<double> lb(static_cast<Index>(cols), 0.0), ub(static_cast<Index>(cols)), obj(static_cast<Index>(cols));
  std::vector<double> demand(static_cast<Index>(rows));
  double day_tours = 0;
  for (int r = 0; r < rows; ++r) {
    demand[static_cast<Index>(r)] = types[static_cast<Index>(day_types[static_cast<Index>(r)])].count();
    day_tours += demand[static_cast<Index>(r)];
  }
  const double eps = 1.0 / (4.0 * (day_tours + 1.0));  // ≤ 3 eps per block, at most day_tours blocks
  // Column-ordered matrix built in one go (appending columns one by one is quadratic).
  std::vector<std::vector<int>> col_rows(static_cast<Index>(cols));
  std::vector<CoinBigIndex> starts;
  std::vector<int> lengths, indices;
  for (int k = 0; k < cols; ++k) {
    const BlockPattern& b = patterns[static_cast<Index>(day_patterns[static_cast<Index>(k)])];
    starts.push_back(static_cast<CoinBigIndex>(indices.size()));
    lengths.push_back(b.n);
    double u = 1e9;
    for (int j = 0; j < b.n; ++j) {
      const int t = b.types[static_cast<Index>(j)];
      col_rows[static_cast<Index>(k)].push_back(row_of[static_cast<Index>(t)]);
      indices.push_back(row_of[static_cast<Index>(t)]);
      u = std::min(u, static_cast<double>(types[static_cast<Index>(t)].count()));
    }
    ub[static_cast<Index>(k)] = u;
    obj[static_cast<Index>(k)] = 1.0 + eps * kind_rank(b.kind) + (b.kind == BlockKind::Three ? three_extra : 0.0);
  }
  const std::vector<double> ones(indices.size(), 1.0);
  const CoinPackedMatrix matrix(true, rows, cols, static_cast<CoinBigIndex>(indices.size()), ones.data(), indices.data(),
                                starts.data(), lengths.data());
  std::vector<int> x(static_cast<Index>(cols), 0);
  OsiClpSolverInterface lp;
  guard_lp(lp, &stop_fn);
  lp.loadProblem(matrix, lb.data(), ub.data(), obj.data(), demand.data(), demand.data());
  solve_lp(lp);
  if (!lp.isProvenOptimal() || stopped(stop)) return x;  // stopped: the caller covers the day with 1er
  // Integer part of the LP; the residual demand is what it leaves uncovered.
  std::vector<double> residual = demand;
  bool integral = true;
  for (int k = 0; k < cols; ++k) {
    const double v = lp.getColSolution()[k];
    integral = integral && std::fabs(v - std::round(v)) < 1e-7;
    x[static_cast<Index>(k)] = static_cast<int>(std::floor(v + 1e-7));
    for (int r : col_rows[static_cast<Index>(k)]) residual[static_cast<Index>(r)] -= x[static_cast<Index>(k)];
  }
  if (integral) return x;
  std::vector<double> residual_ub(static_cast<Index>(cols));
  for (int k = 0; k < cols; ++k) {
    double u = 1e9;
    for (int r : col_rows[static_cast<Index>(k)]) u = std::min(u, residual[static_cast<Index>(r)]);
    residual_ub[static_cast<Index>(k)] = std::max(0.0, u);
  }
  if (stopped(stop)) return x;
  OsiClpSolverInterface rest;
  guard_lp(rest, &stop_fn);
  rest.loadProblem(matrix, lb.data(), residual_ub.data(), obj.data(), residual.data(), residual.data());
  for (int k = 0; k < cols; ++k) rest.setInteger(k);
  CbcModel model(rest);
  guard_mip(model, &stop_fn);
  model.setNumberThreads(0);  // single-threaded: deterministic
  // A work limit, never a time limit: nodes scale down with the residual's size (a large
  // residual of individually timed tours costs seconds per hundred nodes).
  model.setMaximumNodes(std::clamp(1000000 / std::max(1, cols), 5, 200));
  CbcStrategyDefault strategy(1, 5, 5);
  model.setStrategy(strategy);
  model.branchAndBound();
  if (stopped(stop)) return x;  // the LP's integer part stands; the caller adds 1er for the rest
  if (const double* sol = model.bestSolution())
    for (int k = 0; k < cols; ++k) x[static_cast<Index>(k)] += static_cast<int>(std::lround(sol[k]));
  return x;
}

// Large days (dense weeks of individually timed tours: 10^5 patterns and more, where one LP
// costs seconds): a greedy packing instead — patterns by kind rank (3er first, or last when 3er
// carry a surcharge), then by idle time (span − work), then index; each taken as often as the
// residual demand of its types allows. Deterministic; the rest becomes 1er in the caller.
std::vector<int> greedy_counts(const std::vector<TourType>& types, const std::vector<BlockPattern>& patterns,
                               const std::vector<int>& day_patterns, double three_extra) {
  std::vector<int> order(day_patterns.size());
  for (size_t k = 0; k < order.size(); ++k) order[k] = static_cast<int>(k);
  auto rank = [&](const BlockPattern& b) {
    const int r = kind_rank(b.kind);
    return three_extra > 0 && b.kind == BlockKind::Three ? 4 : r;
  };
  std::stable_sort(order.begin(), order.end(), [&](int x, int y) {
    const BlockPattern& a = patterns[static_cast<Index>(day_patterns[static_cast<Index>(x)])];
    const BlockPattern& b = patterns[static_cast<Index>(day_patterns[static_cast<Index>(y)])];
    return std::make_tuple(rank(a), a.span() - a.work) < std::make_tuple(rank(b), b.span() - b.work);
  });
  std::vector<int> left(types.size(), 0);
  for (int k : day_patterns) {
    const BlockPattern& b = patterns[static_cast<Index>(k)];
    for (int j = 0; j < b.n; ++j) left[static_cast<Index>(b.types[static_cast<Index>(j)])] = types[static_cast<Index>(b.types[static_cast<Index>(j)])].count();
  }
  std::vector<int> x(day_patterns.size(), 0);
  for (int k : order) {
    const BlockPattern& b = patterns[static_cast<Index>(day_patterns[static_cast<Index>(k)])];
    int copies = INT32_MAX;
    for (int j = 0; j < b.n; ++j) copies = std::min(copies, left[static_cast<Index>(b.types[static_cast<Index>(j)])]);
    if (copies <= 0) continue;
    x[static_cast<Index>(k)] = copies;
    for (int j = 0; j < b.n; ++j) left[static_cast<Index>(b.types[static_cast<Index>(j)])] -= copies;
  }
  return x;
}

CBlock make_block(const std::vector<Tour>& tours, int day, int loc, BlockKind kind, std::vector<int> idx) {
  CBlock b;
  b.day = day;
  b.loc = loc;
  b.kind = kind;
  b.n = static_cast<int>(idx.size());
  b.start = tours[static_cast<Index>(idx.front())].week_start();
  b.end = tours[static_cast<Index>(idx.back())].week_end();
  for (int t : idx) b.work += tours[static_cast<Index>(t)].duration();
  b.tours = std::move(idx);
  return b;
}

// The day's tours as concrete blocks: pattern copies take the tour instances of each type in
// instance order (deterministic); tours no copy took become 1er blocks.
std::vector<CBlock> partition_day(const std::vector<Tour>& tours, const std::vector<TourType>& types,
                                  const std::vector<BlockPattern>& patterns, const Policy& p,
                                  const std::vector<int>& type_loc, int day, double three_extra,
                                  const std::atomic<bool>* stop) {
  std::vector<int> day_types, day_patterns;
  // A tour longer than the weekly cap fits no driver-week: it is left out (reported unassigned).
  for (int i = 0; i < static_cast<int>(types.size()); ++i)
    if (types[static_cast<Index>(i)].day == day && types[static_cast<Index>(i)].count() > 0 &&
        types[static_cast<Index>(i)].duration() <= p.max_weekly_minutes)
      day_types.push_back(i);
  std::vector<bool> is_day_type(types.size(), false);
  for (int t : day_types) is_day_type[static_cast<Index>(t)] = true;
  for (int i = 0; i < static_cast<int>(patterns.size()); ++i) {
    const BlockPattern& b = patterns[static_cast<Index>(i)];
    bool usable = b.day == day && b.n >= 1 && b.n <= 3;
    std::vector<TourWindow> windows;
    for (int j = 0; j < b.n && usable; ++j) {
      const int t = b.types[static_cast<Index>(j)];
      usable = t >= 0 && t < static_cast<int>(types.size()) && is_day_type[static_cast<Index>(t)];
      if (usable) {
        const TourType& tt = types[static_cast<Index>(t)];
        windows.push_back(TourWindow{week_minute(tt.day, tt.start), week_minute(tt.day, tt.end), &tt.location});
      }
    }
    // A block over two depots would move its driver within the day when drivers keep one location.
    if (p.one_location_per_driver)
      for (const TourWindow& w : windows) usable = usable && *w.location == *windows.front().location;
    // Re-checked under this policy, so patterns made for another policy can never slip through.
    if (usable && classify_block(windows, p) == b.kind) day_patterns.push_back(i);
  }
  std::vector<CBlock> out;
  if (day_types.empty()) return out;
  std::vector<int> x;
  if (day_patterns.size() > kGreedyPartitionPatterns) x = greedy_counts(types, patterns, day_patterns, three_extra);
  else if (!day_patterns.empty()) x = partition_counts(types, patterns, day_types, day_patterns, three_extra, stop);
  std::vector<Index> used(types.size(), 0);  // instances taken per type
  for (Index k = 0; k < day_patterns.size(); ++k) {
    const BlockPattern& b = patterns[static_cast<Index>(day_patterns[k])];
    for (int rep = 0; rep < x[k]; ++rep) {
      bool available = true;
      for (int j = 0; j < b.n; ++j) {
        const Index t = static_cast<Index>(b.types[static_cast<Index>(j)]);
        available = available && used[t] < types[t].tours.size();
      }
      if (!available) break;
      std::vector<int> idx;
      for (int j = 0; j < b.n; ++j) {
        const Index t = static_cast<Index>(b.types[static_cast<Index>(j)]);
        idx.push_back(types[t].tours[used[t]++]);
      }
      out.push_back(make_block(tours, day, type_loc[static_cast<Index>(b.types[0])], b.kind, std::move(idx)));
    }
  }
  for (int t : day_types)
    while (used[static_cast<Index>(t)] < types[static_cast<Index>(t)].tours.size())
      out.push_back(make_block(tours, day, type_loc[static_cast<Index>(t)], BlockKind::One,
                               {types[static_cast<Index>(t)].tours[used[static_cast<Index>(t)]++]}));
  return out;
}

// ---- phase 2: chaining blocks into driver-weeks -------------------------------------------

// May block b be worked on the day after block a (rest incl. the legacy rule, fatigue)?
// shift moves b by a week (Sunday→Monday with week_wrap).
bool consecutive_ok(const CBlock& a, const CBlock& b, const Policy& p, Minutes shift = 0) {
  return rest_between(a.end, b.start + shift) >= required_rest_after(a.kind, p) && fatigue_allows(a.kind, b.kind, b.n, p);
}

// Minimum path cover of the blocks under "b may be a's next working day in one roster" (same
// location when drivers keep one; next day: rest and fatigue; two or more days later: always),
// as a max flow. The successors of a block on the next day are a suffix of that day's blocks
// sorted by start (restricted to the blocks allowed after a 3er when it is one), and on later
// days all blocks, so they are shared through chains of hub nodes: the graph stays linear in the
// number of blocks. Weekly cap, working days and the Sunday→Monday wrap are left to the repair.
// Returns next[i] = the successor of block i in its path, or -1.
std::vector<int> chain_blocks(const std::vector<CBlock>& all, const Policy& p, int n_locations,
                              const std::atomic<bool>* stop) {
  const int nb = static_cast<int>(all.size());
  std::vector<int> next(static_cast<Index>(nb), -1);
  if (nb == 0 || p.max_working_days < 2) return next;
  const int groups = p.one_location_per_driver ? n_locations : 1;
  auto group_of = [&](const CBlock& b) { return p.one_location_per_driver ? b.loc : 0; };
  // by[g][d]: blocks of group g on day d by (start, index).
  std::vector<std::array<std::vector<int>, kDaysPerWeek>> by(static_cast<Index>(groups));
  for (int i = 0; i < nb; ++i) {
    const CBlock& b = all[static_cast<Index>(i)];
    by[static_cast<Index>(group_of(b))][static_cast<Index>(b.day)].push_back(i);
  }
  for (auto& g : by)
    for (auto& list : g)
      std::stable_sort(list.begin(), list.end(),
                       [&](int x, int y) { return all[static_cast<Index>(x)].start < all[static_cast<Index>(y)].start; });

  // Nodes: 0 source, 1 sink, 2+i out-copy of block i, 2+nb+i in-copy, then the hubs.
  struct Hubs {
    int later = -1;                   // any block of this day or a later one
    std::vector<int> suffix;          // suffix[k]: blocks k.. of the day list
    std::vector<int> fatigue_pos;     // positions of the blocks allowed after a 3er
    std::vector<int> fatigue_suffix;  // fatigue_suffix[k]: those blocks from fatigue_pos[k] on
  };
  int node_count = 2 + 2 * nb;
  std::vector<std::array<Hubs, kDaysPerWeek>> hubs(static_cast<Index>(groups));
  for (Index g = 0; g < hubs.size(); ++g)
    for (Index d = 0; d < kDaysPerWeek; ++d) {
      Hubs& h = hubs[g][d];
      const std::vector<int>& list = by[g][d];
      h.later = node_count++;
      for (Index k = 0; k < list.size(); ++k) {
        h.suffix.push_back(node_count++);
        const CBlock& b = all[static_cast<Index>(list[k])];
        if (fatigue_allows(BlockKind::Three, b.kind, b.n, p)) h.fatigue_pos.push_back(static_cast<int>(k));
      }
      for (Index k = 0; k < h.fatigue_pos.size(); ++k) h.fatigue_suffix.push_back(node_count++);
    }
  MaxFlow flow(node_count);
  const int64_t inf = nb;
  std::vector<std::vector<std::pair<int, int>>> out_arcs(static_cast<Index>(node_count));  // (arc id, head)
  auto arc = [&](int u, int v, int64_t cap) { out_arcs[static_cast<Index>(u)].emplace_back(flow.add_arc(u, v, cap), v); };
  for (int i = 0; i < nb; ++i) {
    flow.add_arc(0, 2 + i, 1);
    flow.add_arc(2 + nb + i, 1, 1);
  }
  for (Index g = 0; g < hubs.size(); ++g)
    for (Index d = 0; d < kDaysPerWeek; ++d) {
      const Hubs& h = hubs[g][d];
      const std::vector<int>& list = by[g][d];
      if (!h.suffix.empty()) arc(h.later, h.suffix[0], inf);
      if (d + 1 < kDaysPerWeek) arc(h.later, hubs[g][d + 1].later, inf);
      for (Index k = 0; k < list.size(); ++k) {
        arc(h.suffix[k], 2 + nb + list[k], 1);
        if (k + 1 < list.size()) arc(h.suffix[k], h.suffix[k + 1], inf);
      }
      for (Index k = 0; k < h.fatigue_pos.size(); ++k) {
        arc(h.fatigue_suffix[k], 2 + nb + list[static_cast<Index>(h.fatigue_pos[k])], 1);
        if (k + 1 < h.fatigue_pos.size()) arc(h.fatigue_suffix[k], h.fatigue_suffix[k + 1], inf);
      }
    }
  for (int i = 0; i < nb; ++i) {
    const CBlock& a = all[static_cast<Index>(i)];
    const Index g = static_cast<Index>(group_of(a));
    const Index d = static_cast<Index>(a.day);
    if (d + 2 < kDaysPerWeek) arc(2 + i, hubs[g][d + 2].later, 1);
    if (d + 1 >= kDaysPerWeek) continue;
    const Hubs& h = hubs[g][d + 1];
    const std::vector<int>& list = by[g][d + 1];
    const Minutes earliest = a.end + required_rest_after(a.kind, p);
    auto late_enough = [&](int pos) { return all[static_cast<Index>(list[static_cast<Index>(pos)])].start >= earliest; };
    if (a.kind == BlockKind::Three) {
      auto it = std::find_if(h.fatigue_pos.begin(), h.fatigue_pos.end(), late_enough);
      if (it != h.fatigue_pos.end()) arc(2 + i, h.fatigue_suffix[static_cast<Index>(it - h.fatigue_pos.begin())], 1);
    } else {
      int k = 0;
      while (k < static_cast<int>(list.size()) && !late_enough(k)) ++k;
      if (k < static_cast<int>(list.size())) arc(2 + i, h.suffix[static_cast<Index>(k)], 1);
    }
  }
  const StopFn stop_fn = [stop] { return stopped(stop); };
  // Stopped or past its work limit (dense weeks): a smaller flow is still a valid chaining.
  flow.solve(0, 1, &stop_fn, kChainMaxWork);
  // Decompose the flow: from each out(i) follow arcs that still carry flow to the in(j) reached.
  std::vector<std::vector<std::pair<int, int64_t>>> carried(static_cast<Index>(node_count));  // (head, flow)
  for (Index u = 0; u < out_arcs.size(); ++u)
    for (auto [a, v] : out_arcs[u]) carried[u].emplace_back(v, flow.flow_on(a));
  auto is_in_copy = [&](int u) { return u >= 2 + nb && u < 2 + 2 * nb; };
  for (int i = 0; i < nb; ++i) {
    int u = 2 + i;
    while (!is_in_copy(u)) {
      auto it = std::find_if(carried[static_cast<Index>(u)].begin(), carried[static_cast<Index>(u)].end(),
                             [](const auto& e) { return e.second > 0; });
      if (it == carried[static_cast<Index>(u)].end()) break;
      --it->second;
      u = it->first;
    }
    if (is_in_copy(u)) next[static_cast<Index>(i)] = u - 2 - nb;
  }
  return next;
}

// ---- phase 3: weekly rules (repair, consolidation) ----------------------------------------

constexpr long kHard = 1000000;  // penalty of a broken hard rule, above any minutes over the cap

struct Week {
  std::array<int, kDaysPerWeek> day{-1, -1, -1, -1, -1, -1, -1};  // block per day or -1
  Minutes work = 0;
  int days = 0;
  int loc = -1;  // location of its blocks (all equal when drivers keep one location)
};

class Weeks {
 public:
  Weeks(const std::vector<CBlock>& blocks, const Policy& p) : blocks_(blocks), p_(p) {}

  const CBlock& block(int b) const { return blocks_[static_cast<Index>(b)]; }

  void set(Week& w, int d, int b) const {
    int& slot = w.day[static_cast<Index>(d)];
    if (slot >= 0) {
      w.work -= block(slot).work;
      --w.days;
    }
    slot = b;
    if (b >= 0) {
      w.work += block(b).work;
      ++w.days;
    }
    w.loc = -1;
    for (int x : w.day)
      if (x >= 0) {
        w.loc = block(x).loc;
        break;
      }
  }

  bool link_ok(int a, int b, Minutes shift = 0) const {
    return a < 0 || b < 0 || consecutive_ok(block(a), block(b), p_, shift);
  }

  // Breaches of the weekly rules (domain.md §5): minutes over the cap, plus kHard per extra
  // working day, broken consecutive-day link (rest, fatigue, Sunday→Monday with week_wrap) and
  // location mix.
  long penalty(const Week& w) const {
    long pen = std::max<Minutes>(0, w.work - p_.max_weekly_minutes);
    pen += kHard * std::max(0, w.days - p_.max_working_days);
    for (Index d = 0; d + 1 < kDaysPerWeek; ++d)
      if (!link_ok(w.day[d], w.day[d + 1])) pen += kHard;
    if (p_.week_wrap && !link_ok(w.day[6], w.day[0], kDaysPerWeek * kMinutesPerDay)) pen += kHard;
    if (p_.one_location_per_driver)
      for (int b : w.day)
        if (b >= 0 && block(b).loc != w.loc) pen += kHard;
    return pen;
  }

  // Can a valid week hold block b on day d (in place of what is there), staying valid?
  bool can_hold(const Week& w, int d, int b) const {
    const int old = w.day[static_cast<Index>(d)];
    const CBlock& nb = block(b);
    if (w.work - (old >= 0 ? block(old).work : 0) + nb.work > p_.max_weekly_minutes) return false;
    if (w.days + (old < 0 ? 1 : 0) > p_.max_working_days) return false;
    if (p_.one_location_per_driver && w.days - (old >= 0 ? 1 : 0) > 0 && w.loc != nb.loc) return false;
    if (d > 0 && !link_ok(w.day[static_cast<Index>(d - 1)], b)) return false;
    if (d + 1 < kDaysPerWeek && !link_ok(b, w.day[static_cast<Index>(d + 1)])) return false;
    if (p_.week_wrap && d == 6 && !link_ok(b, w.day[0], kDaysPerWeek * kMinutesPerDay)) return false;
    if (p_.week_wrap && d == 0 && !link_ok(w.day[6], b, kDaysPerWeek * kMinutesPerDay)) return false;
    return true;
  }

  // Drivers of different locations never exchange work when they keep one location.
  bool same_group(const Week& a, const Week& b) const {
    return !p_.one_location_per_driver || a.loc < 0 || b.loc < 0 || a.loc == b.loc;
  }

  const Policy& policy() const { return p_; }

 private:
  const std::vector<CBlock>& blocks_;
  const Policy& p_;
};

// Repair: exchange a day segment [d1, d2] between a breaching week and another week whenever
// that lowers their summed penalty (swapping tails fixes over-cap paths without adding drivers).
// Best exchange per breaching week, ties to the first found (canonical order).
void repair_by_exchange(std::vector<Week>& weeks, const Weeks& ws, const std::atomic<bool>* stop) {
  const Policy& p = ws.policy();
  std::vector<long> pen(weeks.size());
  for (Index i = 0; i < weeks.size(); ++i) pen[i] = ws.penalty(weeks[i]);
  // Segment sums of work and working days, for a quick lower bound of a swap's penalty.
  auto seg = [&](const Week& w, int d1, int d2) {
    std::pair<Minutes, int> s{0, 0};
    for (int d = d1; d <= d2; ++d)
      if (int b = w.day[static_cast<Index>(d)]; b >= 0) {
        s.first += ws.block(b).work;
        ++s.second;
      }
    return s;
  };
  auto quick = [&](Minutes work, int days) {
    return std::max<Minutes>(0, work - p.max_weekly_minutes) + kHard * std::max(0, days - p.max_working_days);
  };
  for (int round = 0; round < 50; ++round) {
    bool improved = false;
    for (Index i = 0; i < weeks.size(); ++i) {
      if (pen[i] == 0) continue;
      if (stopped(stop)) return;
      long best_delta = 0;
      Index best_j = 0;
      int best_d1 = -1, best_d2 = -1;
      for (Index j = 0; j < weeks.size(); ++j) {
        if ((j & 1023) == 1023 && stopped(stop)) return;  // thousands of weeks: poll within a week too
        if (j == i || !ws.same_group(weeks[i], weeks[j])) continue;
        for (int d1 = 0; d1 < kDaysPerWeek; ++d1)
          for (int d2 = d1; d2 < kDaysPerWeek; ++d2) {
            const auto si = seg(weeks[i], d1, d2), sj = seg(weeks[j], d1, d2);
            if (si.second == 0 && sj.second == 0) continue;
            const long lower = quick(weeks[i].work - si.first + sj.first, weeks[i].days - si.second + sj.second) +
                               quick(weeks[j].work - sj.first + si.first, weeks[j].days - sj.second + si.second);
            if (lower - pen[i] - pen[j] >= best_delta) continue;
            Week a = weeks[i], b = weeks[j];
            for (int d = d1; d <= d2; ++d) {
              const int x = a.day[static_cast<Index>(d)], y = b.day[static_cast<Index>(d)];
              ws.set(a, d, y);
              ws.set(b, d, x);
            }
            const long delta = ws.penalty(a) + ws.penalty(b) - pen[i] - pen[j];
            if (delta < best_delta) {
              best_delta = delta;
              best_j = j;
              best_d1 = d1;
              best_d2 = d2;
            }
          }
      }
      if (best_d1 < 0) continue;
      for (int d = best_d1; d <= best_d2; ++d) {
        const int x = weeks[i].day[static_cast<Index>(d)], y = weeks[best_j].day[static_cast<Index>(d)];
        ws.set(weeks[i], d, y);
        ws.set(weeks[best_j], d, x);
      }
      pen[i] = ws.penalty(weeks[i]);
      pen[best_j] = ws.penalty(weeks[best_j]);
      improved = true;
    }
    if (!improved) break;
  }
}

// Makes every week valid: a breaching week is cut into runs of consecutive working days, each
// run as long as it stays within the rules (its inner links were checked by the chaining); a run
// that still breaches (Sunday→Monday) gives up blocks one at a time into weeks of their own.
void split_breaches(std::vector<Week>& weeks, const Weeks& ws) {
  const Index n = weeks.size();
  for (Index i = 0; i < n; ++i) {
    if (ws.penalty(weeks[i]) == 0) continue;
    std::vector<Week> runs(1);
    for (int d = 0; d < kDaysPerWeek; ++d) {
      const int b = weeks[i].day[static_cast<Index>(d)];
      if (b < 0) continue;
      Week longer = runs.back();
      ws.set(longer, d, b);
      if (runs.back().days > 0 && ws.penalty(longer) > 0) {
        runs.emplace_back();
        ws.set(runs.back(), d, b);
      } else {
        runs.back() = longer;
      }
    }
    weeks[i] = runs[0];
    for (Index k = 1; k < runs.size(); ++k) weeks.push_back(runs[k]);
  }
  for (Index i = 0; i < weeks.size(); ++i)
    while (ws.penalty(weeks[i]) > 0) {
      int d = 0;
      while (weeks[i].day[static_cast<Index>(d)] < 0) ++d;
      Week alone;
      ws.set(alone, d, weeks[i].day[static_cast<Index>(d)]);
      ws.set(weeks[i], d, -1);
      weeks.push_back(alone);
    }
}

// Consolidation: empty the weakest weeks (fewest working days, least work) by moving each of
// their blocks into another week that has that day free and stays valid (the fullest such week,
// to keep room elsewhere), or else in place of a block that itself moves to a third week. Every
// move is checked against the current state; a week that cannot be emptied is restored.
void consolidate(std::vector<Week>& weeks, const Weeks& ws, Index target, const std::atomic<bool>* stop) {
  const Policy& p = ws.policy();
  Index live = static_cast<Index>(std::count_if(weeks.begin(), weeks.end(), [](const Week& w) { return w.days > 0; }));
  // Candidate hosts: the weeks of the same location only (drivers keep theirs), so the work per
  // block grows with the location's size, not the company's (42,000 tours in 10 depots: 49 s -> s).
  std::map<int, std::vector<Index>> by_group;  // ordered: deterministic
  for (Index i = 0; i < weeks.size(); ++i)
    if (weeks[i].days > 0) by_group[p.one_location_per_driver ? weeks[i].loc : 0].push_back(i);
  // Every change is logged so that a week that cannot be emptied is restored exactly (copying
  // all weeks per attempt was quadratic).
  std::vector<std::tuple<Index, int, int>> undo;  // (week, day, previous block)
  auto set = [&](Index q, int d, int b) {
    undo.emplace_back(q, d, weeks[q].day[static_cast<Index>(d)]);
    ws.set(weeks[q], d, b);
  };
  // The week (not r, not excluded) that takes block b on day d directly, or -1.
  auto best_host = [&](const std::vector<Index>& group, Index r, Index excluded, int d, int b) {
    long best_key = -1;
    int best = -1;
    for (Index q : group) {
      const Week& w = weeks[q];
      if (q == r || q == excluded || w.days == 0 || w.day[static_cast<Index>(d)] >= 0) continue;
      if (!ws.same_group(w, weeks[r]) || !ws.can_hold(w, d, b)) continue;
      const long key = static_cast<long>(w.days) * 1000000 + w.work;
      if (key > best_key) {
        best_key = key;
        best = static_cast<int>(q);
      }
    }
    return best;
  };
  for (int pass = 0; pass < 20 && live > target; ++pass) {
    std::vector<Index> order;
    for (Index i = 0; i < weeks.size(); ++i)
      if (weeks[i].days > 0) order.push_back(i);
    std::stable_sort(order.begin(), order.end(), [&](Index a, Index b) {
      return std::make_pair(weeks[a].days, weeks[a].work) < std::make_pair(weeks[b].days, weeks[b].work);
    });
    bool emptied_any = false;
    for (Index r : order) {
      if (stopped(stop) || live <= target) return;
      if (weeks[r].days == 0) continue;
      const std::vector<Index>& group = by_group[p.one_location_per_driver ? weeks[r].loc : 0];
      undo.clear();
      bool ok = true;
      for (int d = 0; d < kDaysPerWeek && ok; ++d) {
        const int b = weeks[r].day[static_cast<Index>(d)];
        if (b < 0) continue;
        set(r, d, -1);
        if (int q = best_host(group, r, r, d, b); q >= 0) {
          set(static_cast<Index>(q), d, b);
          continue;
        }
        // Ejection: b takes the place of block c in week q, and c moves on to a third week.
        ok = false;
        for (Index q : group) {
          if (ok) break;
          const int c = weeks[q].day[static_cast<Index>(d)];
          if (q == r || c < 0 || !ws.same_group(weeks[q], weeks[r]) || !ws.can_hold(weeks[q], d, b)) continue;
          set(q, d, b);
          if (int s2 = best_host(group, r, q, d, c); s2 >= 0) {
            set(static_cast<Index>(s2), d, c);
            ok = true;
          } else {
            set(q, d, c);
          }
        }
      }
      if (ok) {
        emptied_any = true;
        --live;
      } else {
        for (auto it = undo.rbegin(); it != undo.rend(); ++it) ws.set(weeks[std::get<0>(*it)], std::get<1>(*it), std::get<2>(*it));
      }
    }
    if (!emptied_any) break;
  }
}

// One complete construction: partition (3er surcharge three_extra), chaining, repair, split,
// consolidation down to `bound` at best.
std::vector<std::vector<Block>> construct(const std::vector<Tour>& tours, const std::vector<TourType>& types,
                                          const std::vector<BlockPattern>& patterns, const Policy& p,
                                          double three_extra, int bound, const std::atomic<bool>* stop) {
  std::vector<std::string> locations;
  for (const TourType& t : types) locations.push_back(t.location);
  std::sort(locations.begin(), locations.end());
  locations.erase(std::unique(locations.begin(), locations.end()), locations.end());
  std::vector<int> type_loc;
  for (const TourType& t : types)
    type_loc.push_back(static_cast<int>(std::lower_bound(locations.begin(), locations.end(), t.location) - locations.begin()));

  std::vector<CBlock> all;
  for (int d = 0; d < kDaysPerWeek; ++d)
    for (CBlock& b : partition_day(tours, types, patterns, p, type_loc, d, three_extra, stop)) all.push_back(std::move(b));

  const Weeks ws(all, p);
  const std::vector<int> next = chain_blocks(all, p, static_cast<int>(locations.size()), stop);
  std::vector<bool> has_prev(all.size(), false);
  for (int j : next)
    if (j >= 0) has_prev[static_cast<Index>(j)] = true;
  std::vector<Week> weeks;
  for (Index i = 0; i < all.size(); ++i) {
    if (has_prev[i]) continue;
    Week w;
    for (int k = static_cast<int>(i); k >= 0; k = next[static_cast<Index>(k)]) ws.set(w, all[static_cast<Index>(k)].day, k);
    weeks.push_back(w);
  }
  repair_by_exchange(weeks, ws, stop);
  split_breaches(weeks, ws);
  if (!stopped(stop)) consolidate(weeks, ws, static_cast<Index>(std::max(bound, 0)), stop);

  std::vector<std::vector<Block>> out;
  for (const Week& w : weeks) {
    if (w.days == 0) continue;
    out.emplace_back();
    for (int b : w.day)
      if (b >= 0) out.back().push_back(Block{ws.block(b).day, ws.block(b).tours, ws.block(b).kind});
  }
  return out;
}

}  // namespace

Plan baseline_plan(const std::vector<Tour>& tours, const std::vector<TourType>& types,
                   const std::vector<BlockPattern>& blocks, const Policy& p, uint64_t /*seed*/,
                   const std::atomic<bool>* stop, std::optional<int> known_bound) {
  // No random choices: the result is the same for every seed. Consolidation stops at the cheap
  // bounds (nothing can beat them).
  const StopFn stop_fn = [stop] { return stopped(stop); };
  const int bound = known_bound ? *known_bound
                                : std::max({hours_bound(types, p), rest_concurrency_bound(types, p),
                                            path_cover_bound(types, p, &stop_fn)});
  // First with 3er preferred (fewest blocks per day). A 3er restricts the next day (no second
  // 3er, legacy rest and tour limits), so if that misses the bound, try again with 3er costing
  // as much as two blocks, and keep the better plan (ties: the first).
  std::vector<std::vector<Block>> best = construct(tours, types, blocks, p, 0.0, bound, stop);
  if (static_cast<int>(best.size()) > bound && !stopped(stop)) {
    std::vector<std::vector<Block>> other = construct(tours, types, blocks, p, 1.0, bound, stop);
    if (other.size() < best.size()) best = std::move(other);
  }
  Plan plan;
  for (auto& week : best) plan.rosters.push_back(Roster{"", std::move(week)});
  for (const TourType& t : types)
    if (t.duration() > p.max_weekly_minutes)
      for (int i : t.tours) plan.unassigned.push_back(UnassignedTour{i, {"DRIVER_WEEKLY_LIMIT", "INFEASIBLE"}, {}});
  std::sort(plan.unassigned.begin(), plan.unassigned.end(),
            [](const UnassignedTour& a, const UnassignedTour& b) { return a.tour < b.tour; });
  canonicalize_plan(plan, tours);
  return plan;
}

}  // namespace so
