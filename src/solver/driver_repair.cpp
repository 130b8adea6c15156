#include "solver/driver_repair.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <map>
#include <set>
#include <tuple>

#include "core/reasons.hpp"
#include "solver/driver_classes.hpp"
#include "solver/driver_colgen.hpp"
#include "solver/driver_dive.hpp"
#include "solver/driver_plan.hpp"
#include "solver/integer.hpp"

namespace so::dm {

namespace {

// LNS repair: rosters freed around an unassigned tour, CG rounds of the sub-problem, and the
// iterations without improvement after which it stops.
constexpr int kLnsNeighbourhood = 20;
constexpr int kLnsCgRounds = 60;
constexpr int kLnsStagnation = 16;
// Driver reduction: rounds (one driver fewer each) at most, weakest rosters tried per round, and
// roster checks in all (work limit).
constexpr int kReduceRounds = 8;
constexpr int kReduceTargets = 8;
constexpr long kReduceChecks = 400'000;
// Contract-minimum hand-over: roster/driver pairs examined at most (work limit).
constexpr long kMaxHandoverChecks = 5'000'000;

// The sub-problem of one LNS step: the tours of the freed rosters plus the unassigned ones, on
// the freed and idle drivers.
struct FreedProblem {
  std::vector<char> is_freed;                  // per roster of the plan
  std::vector<std::vector<int>> inst;          // per type: its tour instances, ascending
  std::vector<std::vector<int>> free_drivers;  // per class, request order
  std::vector<int> class_of_driver;
  std::vector<int> demand, capacity;           // rows of the sub-master: per type, per class
};

FreedProblem freed_problem(const DriverInput& in, const ClassModel& model, const Plan& plan,
                           const std::vector<int>& freed) {
  const TypeSet& ts = model.ts;
  const int ndrivers = in.ndrivers(), ntypes = model.ntypes(), nclasses = model.nclasses();
  FreedProblem fp;
  fp.is_freed.assign(plan.rosters.size(), 0);
  for (int r : freed) fp.is_freed[static_cast<size_t>(r)] = 1;
  fp.inst.resize(static_cast<size_t>(ntypes));
  fp.free_drivers.resize(static_cast<size_t>(nclasses));
  fp.class_of_driver.assign(static_cast<size_t>(ndrivers), -1);
  std::vector<char> busy(static_cast<size_t>(ndrivers), 0);
  for (int c = 0; c < nclasses; ++c)
    for (int d : model.classes[static_cast<size_t>(c)].members) fp.class_of_driver[static_cast<size_t>(d)] = c;
  for (int r = 0; r < static_cast<int>(plan.rosters.size()); ++r) {
    const int d = in.driver_of_id(plan.rosters[static_cast<size_t>(r)].driver_id);
    if (!fp.is_freed[static_cast<size_t>(r)]) {
      busy[static_cast<size_t>(d)] = 1;
      continue;
    }
    for (const Block& b : plan.rosters[static_cast<size_t>(r)].blocks)
      for (int t : b.tours) fp.inst[static_cast<size_t>(ts.type_of_tour[static_cast<size_t>(t)])].push_back(t);
  }
  for (const UnassignedTour& x : plan.unassigned)
    fp.inst[static_cast<size_t>(ts.type_of_tour[static_cast<size_t>(x.tour)])].push_back(x.tour);
  for (int d = 0; d < ndrivers; ++d)
    if (!busy[static_cast<size_t>(d)])
      fp.free_drivers[static_cast<size_t>(fp.class_of_driver[static_cast<size_t>(d)])].push_back(d);
  fp.demand.assign(static_cast<size_t>(ntypes), 0);
  fp.capacity.assign(static_cast<size_t>(nclasses), 0);
  for (int t = 0; t < ntypes; ++t) {
    std::sort(fp.inst[static_cast<size_t>(t)].begin(), fp.inst[static_cast<size_t>(t)].end());
    fp.demand[static_cast<size_t>(t)] = static_cast<int>(fp.inst[static_cast<size_t>(t)].size());
  }
  for (int c = 0; c < nclasses; ++c)
    fp.capacity[static_cast<size_t>(c)] = static_cast<int>(fp.free_drivers[static_cast<size_t>(c)].size());
  return fp;
}

// Pricers of the sub-problem (the list points into `own`).
struct SubPricers {
  std::vector<std::unique_ptr<Pricer>> own;
  PricerList list;
};

// Per sub-class with a free driver, a pricer over its blocks of freed types only.
SubPricers freed_pricers(const DriverInput& in, const ClassModel& model, const FreedProblem& fp) {
  const std::vector<DriverClass>& classes = model.classes;
  const std::vector<BlockPattern>& copies = model.copies;
  SubPricers out;
  for (const SubClass& sc : model.subs) {
    if (fp.capacity[static_cast<size_t>(sc.cls)] == 0) continue;
    std::vector<int> allowed;
    for (int id : sc.copies) {
      const BlockPattern& bp = copies[static_cast<size_t>(id)];
      bool ok = true;
      for (int i = 0; i < bp.n && ok; ++i) ok = fp.demand[static_cast<size_t>(bp.types[static_cast<size_t>(i)])] > 0;
      if (ok) allowed.push_back(id);
    }
    if (allowed.empty()) continue;
    out.own.push_back(std::make_unique<Pricer>(copies, std::move(allowed), classes[static_cast<size_t>(sc.cls)].policy,
                                               class_cost(classes[static_cast<size_t>(sc.cls)], in.p, in.fte_minutes),
                                               classes[static_cast<size_t>(sc.cls)].day_off_by));
    out.list.emplace_back(out.own.back().get(), sc.cls);
  }
  return out;
}

// Warm start: the freed rosters themselves are columns of the sub-problem (as copies of every
// sub-class of their driver's class that may work all their blocks).
void seed_freed_rosters(const DriverInput& in, const ClassModel& model, const BlockIndex& global_index,
                        const Plan& plan, const std::vector<int>& freed, const FreedProblem& fp, DriverMaster& sm) {
  std::vector<Column> cols;
  std::vector<int> cl;
  std::vector<double> costs;
  for (int r : freed) {
    const Roster& ro = plan.rosters[static_cast<size_t>(r)];
    const int c = fp.class_of_driver[static_cast<size_t>(in.driver_of_id(ro.driver_id))];
    for (const SubClass& sc : model.subs) {
      if (sc.cls != c) continue;
      Column col;
      for (const Block& b : ro.blocks) {
        std::vector<int> tt;
        for (int t : b.tours) tt.push_back(model.ts.type_of_tour[static_cast<size_t>(t)]);
        std::sort(tt.begin(), tt.end());
        const int g = global_index.find(b.day, tt);
        const int id = g >= 0 ? sc.copy_of_block[static_cast<size_t>(g)] : -1;
        if (id < 0) break;
        col.push_back(id);
      }
      if (col.size() != ro.blocks.size() || col.empty()) continue;
      cols.push_back(col);
      cl.push_back(c);
      costs.push_back(sc.pricer->cost_of(col));
    }
  }
  sm.add_columns(cols, cl, costs, model.copies);
}

// Kept rosters + the sub-solution's drafts on the freed / idle drivers (class order, instances
// ascending per type), then the greedy insertion of what is left.
Plan assemble(const DriverInput& in, const ClassModel& model, const Plan& plan, const FreedProblem& fp,
              std::vector<Draft> drafts) {
  const std::vector<Driver>& drivers = in.drivers;
  const std::vector<BlockPattern>& copies = model.copies;
  Plan cand;
  for (int r = 0; r < static_cast<int>(plan.rosters.size()); ++r)
    if (!fp.is_freed[static_cast<size_t>(r)]) cand.rosters.push_back(plan.rosters[static_cast<size_t>(r)]);
  std::sort(drafts.begin(), drafts.end());
  std::vector<size_t> next_driver(static_cast<size_t>(model.nclasses()), 0), next_inst(static_cast<size_t>(model.ntypes()), 0);
  for (const Draft& dr : drafts) {
    size_t& nd = next_driver[static_cast<size_t>(dr.cls)];
    if (nd >= fp.free_drivers[static_cast<size_t>(dr.cls)].size()) continue;
    const int d = fp.free_drivers[static_cast<size_t>(dr.cls)][nd++];
    Roster ro;
    ro.driver_id = drivers[static_cast<size_t>(d)].id;
    ro.driver_name = drivers[static_cast<size_t>(d)].name;
    for (int b : dr.col) {
      const BlockPattern& bp = copies[static_cast<size_t>(b)];
      Block blk;
      blk.day = bp.day;
      blk.kind = bp.kind;
      for (int i = 0; i < bp.n; ++i) {
        const int t = bp.types[static_cast<size_t>(i)];
        size_t& ni = next_inst[static_cast<size_t>(t)];
        if (ni < fp.inst[static_cast<size_t>(t)].size()) blk.tours.push_back(fp.inst[static_cast<size_t>(t)][ni++]);
      }
      if (static_cast<int>(blk.tours.size()) == bp.n) ro.blocks.push_back(std::move(blk));
    }
    std::sort(ro.blocks.begin(), ro.blocks.end(), [](const Block& a, const Block& b) { return a.day < b.day; });
    if (!ro.blocks.empty()) cand.rosters.push_back(std::move(ro));
  }
  std::set<int> covered;
  for (const Roster& ro : cand.rosters)
    for (const Block& b : ro.blocks) covered.insert(b.tours.begin(), b.tours.end());
  for (int i = 0; i < static_cast<int>(in.tours.size()); ++i)
    if (!covered.count(i)) cand.unassigned.push_back(UnassignedTour{i, {}, {}});
  insert_unassigned(in, cand);
  return cand;
}

std::vector<int> tours_of(const Roster& r) {
  std::vector<int> v;
  for (const Block& b : r.blocks) v.insert(v.end(), b.tours.begin(), b.tours.end());
  return v;
}

// Moves tour t onto another working roster of `rs`: directly to the first one (index order) that
// takes it as is, else through a chain — t replaces a same-day unlocked tour x of roster a, and
// x goes directly to roster b. Each rebuild counts one check. Whether it was placed.
bool place_elsewhere(const DriverInput& in, std::vector<Roster>& rs, int t, long& checks) {
  const std::vector<Tour>& tours = in.tours;
  const std::vector<int>& lock_owner = in.lock_owner;
  bool placed = false;
  // Direct: the first working roster (index order) that takes t as is.
  for (int a = 0; a < static_cast<int>(rs.size()) && !placed; ++a) {
    if (rs[static_cast<size_t>(a)].blocks.empty()) continue;
    ++checks;
    std::vector<int> la = tours_of(rs[static_cast<size_t>(a)]);
    la.push_back(t);
    if (auto ra = rebuild(in, in.driver_of_id(rs[static_cast<size_t>(a)].driver_id), la)) {
      rs[static_cast<size_t>(a)] = std::move(*ra);
      placed = true;
    }
  }
  // Chain: t replaces a same-day tour x of roster a, x goes directly to roster b.
  const int day = tours[static_cast<size_t>(t)].day;
  for (int a = 0; a < static_cast<int>(rs.size()) && !placed && checks < kReduceChecks; ++a) {
    const std::vector<int> la = tours_of(rs[static_cast<size_t>(a)]);
    for (int x : la) {
      if (placed || tours[static_cast<size_t>(x)].day != day || lock_owner[static_cast<size_t>(x)] >= 0) continue;
      std::vector<int> na;
      for (int y : la)
        if (y != x) na.push_back(y);
      na.push_back(t);
      ++checks;
      auto ra = rebuild(in, in.driver_of_id(rs[static_cast<size_t>(a)].driver_id), na);
      if (!ra) continue;
      for (int b = 0; b < static_cast<int>(rs.size()) && !placed; ++b) {
        if (b == a || rs[static_cast<size_t>(b)].blocks.empty()) continue;
        ++checks;
        std::vector<int> lb = tours_of(rs[static_cast<size_t>(b)]);
        lb.push_back(x);
        if (auto rb = rebuild(in, in.driver_of_id(rs[static_cast<size_t>(b)].driver_id), lb)) {
          rs[static_cast<size_t>(a)] = std::move(*ra);
          rs[static_cast<size_t>(b)] = std::move(*rb);
          placed = true;
        }
      }
    }
  }
  return placed;
}

// The rosters an LNS step frees around unassigned tour u: by distance of their nearest tour
// (same or adjacent day) to u; more of them while the repair stagnates, and a few nearest ones
// skipped on later tries (deterministic diversification).
std::vector<int> lns_neighbourhood(const DriverInput& in, const Plan& plan, int u, int it, int stagnation) {
  const std::vector<Tour>& tours = in.tours;
  const Tour& tu = tours[static_cast<size_t>(u)];
  std::vector<std::tuple<Minutes, int>> near;
  for (int r = 0; r < static_cast<int>(plan.rosters.size()); ++r) {
    Minutes dist = std::numeric_limits<Minutes>::max();
    for (const Block& b : plan.rosters[static_cast<size_t>(r)].blocks)
      if (std::abs(b.day - tu.day) <= 1)
        for (int t : b.tours)
          dist = std::min(dist, std::abs(tours[static_cast<size_t>(t)].week_start() - tu.week_start()));
    if (dist != std::numeric_limits<Minutes>::max()) near.emplace_back(dist, r);
  }
  std::sort(near.begin(), near.end());
  const int k = std::min<int>(static_cast<int>(near.size()), kLnsNeighbourhood + 10 * (stagnation % 4));
  const int skip = std::min<int>(static_cast<int>(near.size()) - k, (it / 3) % 4);
  std::vector<int> freed;
  for (int i = 0; i < k; ++i) freed.push_back(std::get<1>(near[static_cast<size_t>(skip + i)]));
  return freed;
}

// Whether driver d (-1: nobody, always) may legally work roster r: rebuilt tour by tour in time
// order with the reason-code checks (every prefix of a valid block is valid), so every personal
// rule is seen.
bool may_take(const DriverInput& in, int d, const Roster& r) {
  if (d < 0) return true;
  const std::vector<Tour>& tours = in.tours;
  const std::vector<Driver>& drivers = in.drivers;
  std::vector<int> order;
  for (const Block& b : r.blocks) order.insert(order.end(), b.tours.begin(), b.tours.end());
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    return std::make_pair(tours[static_cast<size_t>(a)].week_start(), a) < std::make_pair(tours[static_cast<size_t>(b)].week_start(), b);
  });
  Roster built;
  built.driver_id = drivers[static_cast<size_t>(d)].id;
  for (int t : order) {
    if (!driver_blockers(t, drivers[static_cast<size_t>(d)], &built, tours, in.p).empty()) return false;
    const int day = tours[static_cast<size_t>(t)].day;
    auto it = std::find_if(built.blocks.begin(), built.blocks.end(), [&](const Block& b) { return b.day == day; });
    if (it == built.blocks.end()) {
      built.blocks.push_back(Block{day, {t}, BlockKind::One});
      std::sort(built.blocks.begin(), built.blocks.end(), [](const Block& a, const Block& b) { return a.day < b.day; });
    } else {
      it->tours.push_back(t);
    }
  }
  return true;
}

// Re-solves the tours of the freed rosters (plus the unassigned ones) on the freed and idle
// drivers: the driver-mode CG + dive restricted to them, kept rosters unchanged; nullopt when
// the clock (safety net) stopped the dive.
std::optional<Plan> resolve_freed(DriverModeContext& ctx, const BlockIndex& global_index, const Plan& plan,
                                  std::vector<int> freed) {
  const DriverInput& in = ctx.in;
  const ClassModel& model = ctx.model;
  std::sort(freed.begin(), freed.end());
  const FreedProblem fp = freed_problem(in, model, plan, freed);
  const SubPricers pricers = freed_pricers(in, model, fp);
  DriverMaster sm(fp.demand, model.slack_cost, fp.capacity);
  seed_freed_rosters(in, model, global_index, plan, freed, fp, sm);
  long sub_rows = model.nclasses();
  for (int d : fp.demand) sub_rows += d > 0;
  const CgOut sub_cg = run_cg_on(ctx, sm, pricers.list, kLnsCgRounds, kCgIterationsPerRow * sub_rows + kIterationsBase);
  ctx.trace("[dm]   sub cg: conv %d rounds %d lp %.4f lag %.4f freed %zu\n", sub_cg.converged, sub_cg.rounds,
            sub_cg.lp, sub_cg.lagrangian, freed.size());
  DiveOut dv = dive_on(ctx, sm, pricers.list, kDiveIterationsPerRow * sub_rows + kIterationsBase);
  if (dv.timeout) return std::nullopt;
  return assemble(in, model, plan, fp, std::move(dv.drafts));
}

}  // namespace

void restore_locks(DriverModeContext& ctx, Plan& plan) {
  const DriverInput& in = ctx.in;
  const std::vector<Tour>& tours = in.tours;
  const std::vector<Driver>& drivers = in.drivers;
  const Policy& p = in.p;
  const int ndrivers = in.ndrivers();
  const std::vector<int>& lock_owner = in.lock_owner;
  const std::vector<char>& has_lock = in.has_lock;
  // A lock the plan does not keep (never expected): the driver gets exactly its locked tours,
  // the rest of its roster goes back to the unassigned tours.
  for (int d = 0; d < ndrivers; ++d) {
    if (!has_lock[static_cast<size_t>(d)]) continue;
    std::vector<int> locked;
    for (int i = 0; i < static_cast<int>(tours.size()); ++i)
      if (lock_owner[static_cast<size_t>(i)] == d) locked.push_back(i);
    auto it = std::find_if(plan.rosters.begin(), plan.rosters.end(),
                           [&](const Roster& r) { return r.driver_id == drivers[static_cast<size_t>(d)].id; });
    std::set<int> have;
    if (it != plan.rosters.end())
      for (const Block& b : it->blocks) have.insert(b.tours.begin(), b.tours.end());
    if (std::all_of(locked.begin(), locked.end(), [&](int t) { return have.count(t) > 0; })) continue;
    if (it != plan.rosters.end()) {
      for (int t : have) plan.unassigned.push_back(UnassignedTour{t, {}, {}});
      plan.rosters.erase(it);
    }
    std::erase_if(plan.unassigned, [&](const UnassignedTour& u) { return lock_owner[static_cast<size_t>(u.tour)] == d; });
    Roster r;
    r.driver_id = drivers[static_cast<size_t>(d)].id;
    r.driver_name = drivers[static_cast<size_t>(d)].name;
    std::map<int, std::vector<int>> by_day;
    for (int t : locked) by_day[tours[static_cast<size_t>(t)].day].push_back(t);
    for (auto& [day, day_tours] : by_day) {
      Block b;
      b.day = day;
      b.tours = day_tours;
      b.kind = kind_of(b.tours, tours, p).value_or(BlockKind::One);
      r.blocks.push_back(std::move(b));
    }
    plan.rosters.push_back(std::move(r));
  }
  std::sort(plan.unassigned.begin(), plan.unassigned.end(),
            [](const UnassignedTour& a, const UnassignedTour& b) { return a.tour < b.tour; });
  insert_unassigned(in, plan);
}

// LNS repair (work-limited): free the rosters nearest to an unassigned tour, re-solve that
// sub-problem (the same master, restricted to the freed tours and drivers) and keep the result
// when the plan gets lexicographically better.
void lns_repair(DriverModeContext& ctx, Plan& plan) {
  const DriverInput& in = ctx.in;
  const SolverConfig& cfg = in.cfg;
  const BlockIndex global_index(ctx.model.blocks);
  DmScore cur = score_plan(in, plan);
  int stagnation = 0;
  const int max_it = std::max(0, cfg.lns_max_iterations);
  for (int it = 0; it < max_it && !plan.unassigned.empty() && cur.uncovered > ctx.uncovered_bound; ++it) {
    if (ctx.budget.should_stop()) {
      ctx.safety_net = ctx.safety_net || !ctx.budget.cancelled();
      break;
    }
    if (stagnation >= kLnsStagnation) break;
    const int u = plan.unassigned[static_cast<size_t>(it) % plan.unassigned.size()].tour;
    const std::vector<int> freed = lns_neighbourhood(in, plan, u, it, stagnation);
    std::optional<Plan> got = resolve_freed(ctx, global_index, plan, freed);
    if (!got) {
      if (!ctx.budget.cancelled()) ctx.safety_net = true;
      break;
    }
    Plan cand = std::move(*got);
    const DmScore cs = score_plan(in, cand);
    ctx.trace("[dm] lns it %d tour %d freed %zu -> uncovered %d drivers %d (cur %d/%d) t=%.2f\n", it, u, freed.size(), cs.uncovered, cs.drivers, cur.uncovered, cur.drivers, ctx.budget.elapsed());
    if (cs < cur) {
      plan = std::move(cand);
      cur = cs;
      stagnation = 0;
      ctx.incumbent_drivers = cur.drivers;
      ctx.rep.stats.time_to_best_s = ctx.budget.elapsed();
      ctx.emit("progress", Phase::Lns);
    } else {
      ++stagnation;
    }
  }
}

// Driver reduction (work-limited): a complete plan above the bound tries to empty one of its
// weakest rosters (fewest minutes): each of its tours goes to another working driver directly,
// or through an ejection chain of length one (it replaces a same-day tour of roster A, which
// goes directly to roster B). Checks are driver_blockers (every rule) and block kinds; the
// changed rosters are rebuilt tour by tour before a move is kept. Counts end it, never the clock.
void reduce_drivers(DriverModeContext& ctx, Plan& plan) {
  const DriverInput& in = ctx.in;
  const std::vector<Tour>& tours = in.tours;
  const std::vector<char>& has_lock = in.has_lock;
  long checks = 0;
  DmScore cur = score_plan(in, plan);
  for (int round = 0; round < kReduceRounds && cur.uncovered == 0 && cur.drivers > ctx.best_bound && !ctx.locks_free; ++round) {
    if (ctx.budget.should_stop()) {
      ctx.safety_net = ctx.safety_net || !ctx.budget.cancelled();
      break;
    }
    std::vector<std::pair<Minutes, int>> weak;  // (work, roster): ties by roster index
    for (int r = 0; r < static_cast<int>(plan.rosters.size()); ++r)
      weak.emplace_back(roster_work(plan.rosters[static_cast<size_t>(r)], tours), r);
    std::sort(weak.begin(), weak.end());
    bool reduced = false;
    for (int w = 0; w < std::min<int>(kReduceTargets, static_cast<int>(weak.size())) && !reduced && checks < kReduceChecks; ++w) {
      const int target = weak[static_cast<size_t>(w)].second;
      if (has_lock[static_cast<size_t>(in.driver_of_id(plan.rosters[static_cast<size_t>(target)].driver_id))]) continue;
      std::vector<Roster> rs = plan.rosters;  // working copy
      std::vector<int> pending = tours_of(rs[static_cast<size_t>(target)]);
      rs[static_cast<size_t>(target)].blocks.clear();
      bool ok = true;
      for (int t : pending)
        if (checks >= kReduceChecks || !place_elsewhere(in, rs, t, checks)) {
          ok = false;
          break;
        }
      ctx.trace("[dm] reduce round %d target %d (%zu tours) -> %s checks %ld t=%.2f\n", round, target, pending.size(), ok ? "emptied" : "failed", checks, ctx.budget.elapsed());
      if (!ok) continue;
      Plan cand;
      for (Roster& r : rs)
        if (!r.blocks.empty()) cand.rosters.push_back(std::move(r));
      const DmScore cs = score_plan(in, cand);
      if (cs < cur) {
        plan = std::move(cand);
        cur = cs;
        reduced = true;
        ctx.incumbent_drivers = cur.drivers;
        ctx.rep.stats.time_to_best_s = ctx.budget.elapsed();
        ctx.emit("progress", Phase::Lns);
      }
    }
    if (!reduced) break;
  }
}

// Contract minimums (objective tier 3): whole rosters change hands between drivers (or go to an
// unused one) when both may legally work what they get and the total shortfall drops. The
// legality test rebuilds the roster tour by tour in time order with the reason-code checks
// (every prefix of a valid block is valid), so it sees every personal rule. Locked drivers keep theirs.
void hand_over_contracts(DriverModeContext& ctx, Plan& plan) {
  const DriverInput& in = ctx.in;
  const std::vector<Tour>& tours = in.tours;
  const std::vector<Driver>& drivers = in.drivers;
  const int ndrivers = in.ndrivers();
  const std::vector<char>& has_lock = in.has_lock;
  const std::vector<DriverLimits>& limits = in.limits;
  auto shortfall_of = [&](int d, Minutes work) {
    return d < 0 ? Minutes{0} : std::max<Minutes>(0, limits[static_cast<size_t>(d)].min_weekly_minutes - work);
  };
  bool any_minimum = false;
  for (const DriverLimits& l : limits) any_minimum = any_minimum || l.min_weekly_minutes > 0;
  std::vector<int> roster_of_driver(static_cast<size_t>(ndrivers), -1);
  for (size_t i = 0; i < plan.rosters.size(); ++i)
    roster_of_driver[static_cast<size_t>(in.driver_of_id(plan.rosters[i].driver_id))] = static_cast<int>(i);
  long checks = 0;
  // Bounded passes and checks (work, not time): each accepted move lowers the total shortfall.
  for (int pass = 0; any_minimum && pass < 4 && checks < kMaxHandoverChecks; ++pass) {
    bool moved = false;
    for (size_t i = 0; i < plan.rosters.size(); ++i) {
      const int di = in.driver_of_id(plan.rosters[i].driver_id);
      if (has_lock[static_cast<size_t>(di)]) continue;
      const Minutes wi = roster_work(plan.rosters[i], tours);
      if (shortfall_of(di, wi) == 0) continue;
      // Partners: another used roster (swap) or an unused driver (hand over), in request order.
      bool handed = false;
      for (int dj = 0; dj < ndrivers && !handed && ++checks < kMaxHandoverChecks; ++dj) {
        if (dj == di || has_lock[static_cast<size_t>(dj)]) continue;
        const int j = roster_of_driver[static_cast<size_t>(dj)];
        const Roster* rj = j >= 0 ? &plan.rosters[static_cast<size_t>(j)] : nullptr;
        const Minutes wj = rj ? roster_work(*rj, tours) : 0;
        const Minutes before = shortfall_of(di, wi) + shortfall_of(dj, wj);
        const Minutes after = shortfall_of(dj, wi) + (rj ? shortfall_of(di, wj) : 0);
        if (after >= before) continue;
        if (!may_take(in, dj, plan.rosters[i]) || (rj && !may_take(in, di, *rj))) continue;
        const Driver &a = drivers[static_cast<size_t>(di)], &b = drivers[static_cast<size_t>(dj)];
        if (rj) {
          Roster& other = plan.rosters[static_cast<size_t>(j)];
          other.driver_id = a.id;
          other.driver_name = a.name;
        }
        roster_of_driver[static_cast<size_t>(di)] = j;
        roster_of_driver[static_cast<size_t>(dj)] = static_cast<int>(i);
        plan.rosters[i].driver_id = b.id;
        plan.rosters[i].driver_name = b.name;
        handed = moved = true;
      }
    }
    if (!moved) break;
  }
}

}  // namespace so::dm
