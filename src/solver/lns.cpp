#include "solver/lns.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <map>
#include <numeric>
#include <tuple>

namespace so {

// ---------------------------------------------------------------------------------------------
// Rebalancing by block / tail exchanges.

namespace {

using DayMap = std::array<int, 7>;  // block id per day, -1 = off

DayMap day_map(const Column& c, const std::vector<BlockPattern>& blocks) {
  DayMap m;
  m.fill(-1);
  for (int b : c) m[static_cast<size_t>(blocks[static_cast<size_t>(b)].day)] = b;
  return m;
}

Column from_day_map(const DayMap& m) {
  Column c;
  for (int b : m)
    if (b >= 0) c.push_back(b);
  return c;
}

// Penalty of one roster, compared lexicographically after summing over the rosters a move
// touches: the objective of domain.md §6 (PT, 1er, split, tight rests), with the work deficit
// below the FTE threshold as a guide in stage 1 and the target band with the fill flag.
struct Pen {
  long pt = 0, underfull = 0, deficit = 0, ones = 0, splits = 0, tight = 0, dev = 0;
  auto tie() const { return std::tie(pt, underfull, deficit, ones, splits, tight, dev); }
  Pen operator+(const Pen& o) const {
    return Pen{pt + o.pt,         underfull + o.underfull, deficit + o.deficit, ones + o.ones,
               splits + o.splits, tight + o.tight,         dev + o.dev};
  }
  bool operator<(const Pen& o) const { return tie() < o.tie(); }
};

Pen roster_pen(const Column& c, const std::vector<BlockPattern>& blocks, const Policy& p, const RebalanceOptions& o,
               bool use_deficit) {
  Pen pen;
  if (c.empty()) return pen;
  ColumnStats s = column_stats(c, blocks, p);
  const Minutes m = s.minutes;
  pen.pt = m < o.fte_minutes;
  pen.ones = s.blocks_1er;
  pen.splits = s.blocks_split;
  pen.tight = s.tight_rests;
  if (use_deficit) pen.deficit = std::max(0, o.fte_minutes - m);
  if (o.fill_to_target) {
    pen.underfull = m >= o.fte_minutes && m < o.target_min;
    if (use_deficit) pen.deficit += std::max(0, o.target_min - m) + std::max(0, m - o.target_max);
    pen.dev = std::abs(m - o.target_aim);
  }
  return pen;
}

}  // namespace

RebalanceResult rebalance_rosters(std::vector<Column> rosters, const std::vector<BlockPattern>& blocks,
                                  const BlockIndex& index, const Policy& p, const RebalanceOptions& opt,
                                  const StopFn& stop) {
  RebalanceResult res;
  std::sort(rosters.begin(), rosters.end());
  const size_t n = rosters.size();
  std::vector<DayMap> maps(n);
  for (size_t i = 0; i < n; ++i) maps[i] = day_map(rosters[i], blocks);
  long checks = 0;
  // Stage 1 moves work towards PT / underfull drivers (the deficit guides); stage 2 follows the
  // plain objective (1er, split, tight rests) without the guide.
  for (int stage = 0; stage < 2; ++stage) {
    const bool use_deficit = stage == 0;
    std::vector<Pen> pen(n);
    for (size_t i = 0; i < n; ++i) pen[i] = roster_pen(rosters[i], blocks, p, opt, use_deficit);
    auto needy = [&](size_t a) {
      const Pen& q = pen[a];
      if (use_deficit) return q.pt > 0 || q.underfull > 0 || q.deficit > 0;
      return q.ones > 0 || q.splits > 0 || q.tight > 0 || q.dev > 0;
    };
    // Tries A' / B' in place of A / B; keeps them when the pair's penalty drops.
    auto try_pair = [&](size_t a, size_t b, const DayMap& ma, const DayMap& mb, const Pen& before) {
      ++checks;
      Column ca = from_day_map(ma), cb = from_day_map(mb);
      if (!ca.empty() && !column_feasible(ca, blocks, p)) return false;
      if (!cb.empty() && !column_feasible(cb, blocks, p)) return false;
      Pen pa = roster_pen(ca, blocks, p, opt, use_deficit), pb = roster_pen(cb, blocks, p, opt, use_deficit);
      if (!((pa + pb) < before)) return false;
      rosters[a] = std::move(ca);
      rosters[b] = std::move(cb);
      maps[a] = ma;
      maps[b] = mb;
      pen[a] = pa;
      pen[b] = pb;
      ++res.moves;
      return true;
    };
    for (int pass = 0; pass < opt.max_passes; ++pass) {
      ++res.passes;
      bool improved = false;
      const int moves_before = res.moves;
      for (size_t a = 0; a < n && checks < opt.max_checks; ++a) {
        if (!needy(a)) continue;
        if (stop && stop()) {
          res.stopped = true;
          break;
        }
        bool moved = true;
        while (moved && checks < opt.max_checks && needy(a)) {
          moved = false;
          // Partners: everybody on small instances; on large ones a fixed-size window that moves
          // with the pass (so the cost per driver stays constant, deterministically).
          const size_t partners = std::min<size_t>(n - 1, static_cast<size_t>(std::max(1, opt.max_partners)));
          const size_t offset = partners == n - 1 ? 1 : 1 + (static_cast<size_t>(pass) * partners) % (n - 1);
          for (size_t j = 0; j < partners && !moved; ++j) {
            const size_t b = (a + offset + j) % n;
            if (b == a) continue;
            const Pen before = pen[a] + pen[b];
            // (0) swap the day-d blocks; (1) swap the week tails from day d.
            for (int kind = 0; kind < 2 && !moved; ++kind) {
              for (int d = kind; d < 7 && !moved; ++d) {
                DayMap ma = maps[a], mb = maps[b];
                if (kind == 0) {
                  if (ma[static_cast<size_t>(d)] == mb[static_cast<size_t>(d)]) continue;
                  std::swap(ma[static_cast<size_t>(d)], mb[static_cast<size_t>(d)]);
                } else {
                  bool differs = false, head_a = false, head_b = false;
                  for (int e = d; e < 7; ++e) {
                    differs = differs || ma[static_cast<size_t>(e)] != mb[static_cast<size_t>(e)];
                    std::swap(ma[static_cast<size_t>(e)], mb[static_cast<size_t>(e)]);
                  }
                  for (int e = 0; e < d; ++e) {
                    head_a = head_a || maps[a][static_cast<size_t>(e)] >= 0;
                    head_b = head_b || maps[b][static_cast<size_t>(e)] >= 0;
                  }
                  if (!differs || (!head_a && !head_b)) continue;  // a plain relabelling
                }
                moved = try_pair(a, b, ma, mb, before);
              }
            }
            // (2) re-block day d: the two drivers' tours of that day split anew into ≤ 2 blocks.
            for (int d = 0; d < 7 && !moved; ++d) {
              const int ba = maps[a][static_cast<size_t>(d)], bb = maps[b][static_cast<size_t>(d)];
              if (ba < 0 || bb < 0) continue;  // one block alone: the swap / move above covers it
              int u[6];
              int m = 0;
              for (int x : {ba, bb})
                for (int q = 0; q < blocks[static_cast<size_t>(x)].n; ++q)
                  u[m++] = blocks[static_cast<size_t>(x)].types[static_cast<size_t>(q)];
              for (int q = 1; q < m; ++q)  // insertion sort of ≤ 6 type ids
                for (int r = q; r > 0 && u[r - 1] > u[r]; --r) std::swap(u[r - 1], u[r]);
              if (m < 2) continue;
              // Masks with the lowest tour on A's side; B's side mirrors it (mask ^ full).
              for (int mask = 1; mask < (1 << m) && !moved; ++mask) {
                int sa[6], sb[6];
                int na_n = 0, nb_n = 0;
                for (int q = 0; q < m; ++q) ((mask >> q) & 1 ? sa[na_n++] : sb[nb_n++]) = u[q];
                if (na_n > 3 || nb_n > 3) continue;
                const int na = index.find(d, std::span<const int>(sa, static_cast<size_t>(na_n)));
                if (na < 0) continue;
                const int nb = nb_n == 0 ? -1 : index.find(d, std::span<const int>(sb, static_cast<size_t>(nb_n)));
                if (nb_n > 0 && nb < 0) continue;
                if ((na == ba && nb == bb) || (na == bb && nb == ba)) continue;  // unchanged / the plain swap
                DayMap ma = maps[a], mb = maps[b];
                ma[static_cast<size_t>(d)] = na;
                mb[static_cast<size_t>(d)] = nb;
                moved = try_pair(a, b, ma, mb, before);
              }
            }
          }
          improved = improved || moved;
        }
      }
      if (!improved || checks >= opt.max_checks || res.stopped) break;
      // Diminishing returns: another full pass for less than 1 % of the drivers is not worth it.
      if (res.moves - moves_before < std::max<int>(1, static_cast<int>(n) / 100)) break;
    }
    if (res.stopped) break;
  }
  std::erase_if(rosters, [](const Column& c) { return c.empty(); });
  std::sort(rosters.begin(), rosters.end());
  res.rosters = std::move(rosters);
  return res;
}

// ---------------------------------------------------------------------------------------------
// LNS with exact sub-problem re-optimisation.

CostModel secondary_cost_model(Minutes fte_minutes) {
  CostModel c;
  c.driver = 1.0;
  c.pt = 0.1;
  c.pt_threshold_minutes = fte_minutes;
  c.block_1er = 0.01;
  c.block_split = 0.002;
  c.tight_rest = 0.0005;
  return c;
}

namespace {

constexpr double kSlackCost = 100.0;  // per uncovered tour in a sub-problem (≫ any real cost)
constexpr double kMinGain = 1e-4;     // an LP gain below this is noise (smallest cost weight: 5e-4)

// splitmix64: a fixed, portable generator (std distributions differ between libraries).
struct Rng {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  size_t below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(next() % n); }
};

// How much two rosters' weeks overlap: days both work with starts within 4 h.
int similarity(const DayMap& a, const DayMap& b, const std::vector<BlockPattern>& blocks) {
  int s = 0;
  for (size_t d = 0; d < 7; ++d) {
    if (a[d] < 0 || b[d] < 0) continue;
    const Minutes da = blocks[static_cast<size_t>(a[d])].start, db = blocks[static_cast<size_t>(b[d])].start;
    s += std::abs(da - db) <= 240 ? 2 : 1;
  }
  return s;
}

}  // namespace

LnsResult run_lns(std::vector<Column> rosters, const std::vector<BlockPattern>& blocks, const std::vector<int>& allowed,
                  const BlockIndex& index, int num_types, const Policy& p, const LnsOptions& opt, const StopFn& stop,
                  const std::function<void(const std::vector<Column>&)>& on_improve) {
  LnsResult res;
  std::sort(rosters.begin(), rosters.end());
  Rng rng{opt.seed * 0x2545F4914F6CDD1DULL + 0x1234567ULL};
  const CostModel cost = opt.cost ? *opt.cost : secondary_cost_model(opt.fte_minutes);
  int stagnation = 0;
  for (int it = 0; it < opt.max_iterations; ++it) {
    if (stop && stop()) {
      res.stopped = true;
      break;
    }
    if (stagnation >= opt.stagnation_limit) break;
    const size_t n = rosters.size();
    if (n < 2) break;
    const PlanScore total = score_rosters(rosters, blocks, p, opt.fte_minutes);
    if (total.drivers <= opt.driver_target && total.pt == 0 && total.blocks_1er == 0 && total.blocks_split == 0 &&
        total.tight_rests == 0)
      break;  // nothing left to improve
    ++res.iterations;
    std::vector<DayMap> maps(n);
    for (size_t i = 0; i < n; ++i) maps[i] = day_map(rosters[i], blocks);
    // Seed roster by strategy: weakest (PT / fewest hours), one with 1er/split blocks, random.
    size_t seed_roster = 0;
    const int strategy = it % 3;
    if (strategy == 0) {
      std::vector<std::pair<Minutes, size_t>> byw;
      for (size_t i = 0; i < n; ++i) byw.emplace_back(column_stats(rosters[i], blocks, p).minutes, i);
      std::sort(byw.begin(), byw.end());
      seed_roster = byw[rng.below(std::min<size_t>(n, 8))].second;
    } else if (strategy == 1) {
      std::vector<size_t> cand;
      for (size_t i = 0; i < n; ++i) {
        ColumnStats s = column_stats(rosters[i], blocks, p);
        if (s.blocks_1er + s.blocks_split > 0) cand.push_back(i);
      }
      seed_roster = cand.empty() ? rng.below(n) : cand[rng.below(cand.size())];
    } else {
      seed_roster = rng.below(n);
    }
    const size_t k = std::min<size_t>(n, static_cast<size_t>(std::max(2, opt.neighbourhood)));
    std::vector<std::tuple<int, uint64_t, size_t>> near;  // (−similarity, random tie, index)
    for (size_t i = 0; i < n; ++i)
      if (i != seed_roster) near.emplace_back(-similarity(maps[seed_roster], maps[i], blocks), rng.next(), i);
    std::sort(near.begin(), near.end());
    std::vector<size_t> freed{seed_roster};
    for (size_t i = 0; i + 1 < k; ++i) freed.push_back(std::get<2>(near[i]));
    std::sort(freed.begin(), freed.end());

    // The sub-problem over the freed rosters' tours.
    std::vector<int> sub_demand(static_cast<size_t>(num_types), 0);
    std::vector<Column> old_cols;
    for (size_t i : freed) {
      old_cols.push_back(rosters[i]);
      for (int b : rosters[i]) {
        const BlockPattern& bp = blocks[static_cast<size_t>(b)];
        for (int q = 0; q < bp.n; ++q) sub_demand[static_cast<size_t>(bp.types[static_cast<size_t>(q)])] += 1;
      }
    }
    std::vector<int> sub_blocks;
    for (int b : allowed) {
      const BlockPattern& bp = blocks[static_cast<size_t>(b)];
      bool ok = true;
      for (int q = 0; q < bp.n && ok; ++q) ok = sub_demand[static_cast<size_t>(bp.types[static_cast<size_t>(q)])] > 0;
      if (ok) sub_blocks.push_back(b);
    }
    std::vector<int> rows, dem;
    for (int t = 0; t < num_types; ++t)
      if (sub_demand[static_cast<size_t>(t)] > 0) {
        rows.push_back(t);
        dem.push_back(sub_demand[static_cast<size_t>(t)]);
      }
    // Partition master (over-covering would let columns claim work they lose again) with the
    // driver cap, started from the freed rosters; slack columns keep it feasible while diving.
    Pricer pricer(blocks, sub_blocks, p, cost);
    MasterLp lp(num_types, rows, dem, /*partition=*/true, static_cast<int>(freed.size()), kSlackCost);
    std::vector<double> costs;
    for (const Column& c : old_cols) costs.push_back(pricer.cost_of(c));
    lp.add_columns(old_cols, blocks, costs);
    for (int b : sub_blocks)
      if (blocks[static_cast<size_t>(b)].n == 1) lp.add_column(Column{b}, blocks, pricer.cost_of(Column{b}));
    const double old_cost = std::accumulate(costs.begin(), costs.end(), 0.0);
    // The LP first: when it cannot beat the freed rosters, neither can any integer solution.
    CgOptions cg;
    cg.max_rounds = opt.cg_rounds;
    cg.columns_per_round = opt.columns_per_round;
    cg.max_lp_iterations = 200000;
    cg.max_seconds = opt.max_seconds;
    CgResult cr = run_column_generation(lp, pricer, blocks, cg, stop);
    if (cr.stopped) {
      res.stopped = true;
      break;
    }
    if (cr.infeasible || cr.lp_value >= old_cost - kMinGain) {
      ++stagnation;
      continue;
    }
    DiveOptions dopt;
    dopt.cg_rounds_per_step = opt.dive_rounds;
    dopt.columns_per_round = opt.columns_per_round;
    dopt.max_lp_iterations = 200000;
    dopt.max_seconds = opt.max_seconds;
    dopt.certify_only = false;
    dopt.cutoff = old_cost;  // must beat the freed rosters under the same costs
    dopt.max_trials = opt.dive_trials;
    DiveResult dr = dive(lp, pricer, blocks, dopt, stop);
    if (dr.stopped) {
      res.stopped = true;
      break;
    }
    bool accepted = false;
    if (dr.ok) {
      std::vector<Column> new_cols =
          make_partition(expand_columns(lp, dr.chosen), sub_demand, blocks, index, p, opt.fte_minutes);
      const PlanScore before = score_rosters(old_cols, blocks, p, opt.fte_minutes);
      const PlanScore after = score_rosters(new_cols, blocks, p, opt.fte_minutes);
      bool feasible = std::all_of(new_cols.begin(), new_cols.end(),
                                  [&](const Column& c) { return column_feasible(c, blocks, p); });
      if (feasible && after < before) {
        std::vector<Column> next;
        size_t f = 0;
        for (size_t i = 0; i < n; ++i) {
          if (f < freed.size() && freed[f] == i) {
            ++f;
            continue;
          }
          next.push_back(std::move(rosters[i]));
        }
        for (Column& c : new_cols) next.push_back(std::move(c));
        std::sort(next.begin(), next.end());
        rosters = std::move(next);
        accepted = true;
        ++res.improvements;
        if (on_improve) on_improve(rosters);
      }
    }
    stagnation = accepted ? 0 : stagnation + 1;
  }
  res.rosters = std::move(rosters);
  return res;
}

}  // namespace so
