#include "solver/driver_incumbents.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <numeric>
#include <set>
#include <tuple>

#include "core/reasons.hpp"
#include "solver/bounds.hpp"
#include "solver/driver_mode.hpp"
#include "solver/driver_plan.hpp"
#include "solver/flow.hpp"
#include "solver/integer.hpp"
#include "solver/locks.hpp"

namespace so::dm {

namespace {

// Share of the time the run has left that a sub-run may use (its own work limits end it sooner),
// and the least it gets.
constexpr double kForecastShare = 0.6;
constexpr double kMinSubSolveSeconds = 0.1;
// Incumbent only, no seeds, for the layered plan: measured on driver-gen-mix, its columns steer
// the root LP to a basis the dive rounds to 59 instead of 57.
constexpr bool kSeedLayered = false;

// Sub-solves stop on their own work limits; their wall-clock budget is only their safety net, so
// it is a generous share of what the run has left (a share of the time limit made the safety net
// fire on short budgets: 5 s on driver-ref-mix).
double sub_solve_limit(const DriverModeContext& ctx) {
  return std::max(kMinSubSolveSeconds, kForecastShare * ctx.budget.seconds_left_in_run());
}

bool hit_time_limit(const PlanReport& r) {
  return std::find(r.reason_codes.begin(), r.reason_codes.end(), "TIME_LIMIT_REACHED") != r.reason_codes.end();
}

// The work of a sub-solve counts as the run's.
void add_work(SolveStats& stats, const PlanReport& sub) {
  stats.columns_generated += sub.stats.columns_generated;
  stats.lp_iterations += sub.stats.lp_iterations;
}

// A forecast-mode solve of the tours of `take` (all when empty) under the run's policy, config
// and seed; its rosters are mapped back to this week's tour indices. A sub-run cut by its clock
// marks the run's safety net.
PlanReport solve_forecast(DriverModeContext& ctx, const std::vector<char>& take = {}) {
  const DriverInput& in = ctx.in;
  SolveRequest sub;
  std::vector<int> orig;  // sub-request tour -> this week's tour
  for (int i = 0; i < static_cast<int>(in.tours.size()); ++i)
    if (take.empty() || take[static_cast<size_t>(i)]) {
      sub.tours.push_back(in.tours[static_cast<size_t>(i)]);
      orig.push_back(i);
    }
  sub.policy = in.p;
  sub.config = in.cfg;
  sub.config_report = in.req.config_report;
  sub.seed = in.req.seed;
  sub.time_limit_seconds = sub_solve_limit(ctx);
  SolveControl sc;
  sc.cancel = ctx.control.cancel;
  PlanReport fr = solve(sub, sc);
  if (hit_time_limit(fr)) ctx.safety_net = true;
  if (!take.empty())
    for (Roster& r : fr.plan.rosters)
      for (Block& b : r.blocks)
        for (int& t : b.tours) t = orig[static_cast<size_t>(t)];
  return fr;
}

// The rosters of a forecast-mode plan of this week as columns of global block ids (nullopt when
// some block is not one of the model's, e.g. it mixes a locked and a free instance).
std::optional<std::vector<Column>> forecast_columns(const ClassModel& model, const std::vector<Tour>& tours,
                                                    const Plan& plan) {
  const BlockIndex index(model.blocks);
  return rosters_from_plan(plan, tours, model.ts.type_of_tour, index);
}

// The tours only a minority of the pool may work (fewer than half of the drivers, but some).
std::vector<char> scarce_tours(const DriverInput& in, const ClassModel& model) {
  const std::vector<Tour>& tours = in.tours;
  std::vector<char> scarce(tours.size(), 0);
  for (int i = 0; i < static_cast<int>(tours.size()); ++i) {
    int able = 0;
    for (const DriverClass& c : model.classes)
      if (can_ever_work(in.drivers[static_cast<size_t>(c.members[0])], c.limits, tours[static_cast<size_t>(i)]))
        able += static_cast<int>(c.members.size());
    scarce[static_cast<size_t>(i)] = able > 0 && 2 * able < in.ndrivers();
  }
  return scarce;
}

// Tours of the rest-concurrency clique left out (greedily, the one that lowers the bound most,
// ties by type order) until that bound fits the pool: each driver covers at most one of them.
std::vector<char> rest_clique_tours(const DriverInput& in, const ClassModel& model) {
  const std::vector<Tour>& tours = in.tours;
  const Policy& p = in.p;
  std::vector<TourType> rt = model.base_types;
  std::vector<char> removed(tours.size(), 0);
  for (int guard = 0; guard < static_cast<int>(tours.size()); ++guard) {
    const int now = rest_concurrency_bound(rt, p);
    if (now <= in.ndrivers()) break;
    int pick = -1, pick_bound = now;
    for (int t = 0; t < static_cast<int>(rt.size()); ++t) {
      if (rt[static_cast<size_t>(t)].tours.empty()) continue;
      std::vector<TourType> trial = rt;
      trial[static_cast<size_t>(t)].tours.pop_back();
      if (trial[static_cast<size_t>(t)].tours.empty()) trial.erase(trial.begin() + t);
      const int v = rest_concurrency_bound(trial, p);
      if (v < pick_bound) {
        pick_bound = v;
        pick = t;
      }
    }
    if (pick < 0) break;
    removed[static_cast<size_t>(rt[static_cast<size_t>(pick)].tours.back())] = 1;
    rt[static_cast<size_t>(pick)].tours.pop_back();
    if (rt[static_cast<size_t>(pick)].tours.empty()) rt.erase(rt.begin() + pick);
  }
  return removed;
}

// The forecast plan with its qualified tours moved to rosters for the qualified drivers (one
// qualification set only; nullopt when the windows cannot be covered that way).
std::optional<Plan> relabel_forecast(const DriverModeContext& ctx, const Plan& fp) {
  const DriverInput& in = ctx.in;
  const std::vector<Tour>& tours = in.tours;
  const std::vector<Driver>& drivers = in.drivers;
  const int ndrivers = in.ndrivers();
  std::optional<std::vector<std::string>> qset;
  for (const Tour& t : tours) {
    if (t.required_qualifications.empty()) continue;
    if (qset && *qset != t.required_qualifications) return std::nullopt;
    qset = t.required_qualifications;
  }
  if (!qset) return std::nullopt;
  int nq = 0;
  for (const Driver& d : drivers) nq += holds_qualifications(d, *qset);
  using Window = std::tuple<int, Minutes, Minutes, std::string>;
  std::map<Window, int> window_id;  // ordered: canonical
  std::vector<int> window_of(tours.size(), -1);
  for (int i = 0; i < static_cast<int>(tours.size()); ++i) {
    const Tour& t = tours[static_cast<size_t>(i)];
    window_of[static_cast<size_t>(i)] = window_id.emplace(Window{t.day, t.start, t.end, t.location}, static_cast<int>(window_id.size())).first->second;
  }
  const int nw = static_cast<int>(window_id.size()), nr = static_cast<int>(fp.rosters.size());
  std::vector<int> deficit(static_cast<size_t>(nw), 0);
  for (int i = 0; i < static_cast<int>(tours.size()); ++i)
    deficit[static_cast<size_t>(window_of[static_cast<size_t>(i)])] += !tours[static_cast<size_t>(i)].required_qualifications.empty();
  std::vector<std::map<int, int>> slots(static_cast<size_t>(nr));  // per roster: window -> tours
  for (int r = 0; r < nr; ++r)
    for (const Block& b : fp.rosters[static_cast<size_t>(r)].blocks)
      for (int t : b.tours) slots[static_cast<size_t>(r)][window_of[static_cast<size_t>(t)]] += 1;
  // Greedy multi-cover: the roster covering most of the remaining qualified demand (ties by index).
  std::vector<char> chosen(static_cast<size_t>(nr), 0);
  int left = std::accumulate(deficit.begin(), deficit.end(), 0);
  for (int k = 0; k < nq && left > 0; ++k) {
    int best = -1, best_gain = 0;
    for (int r = 0; r < nr; ++r) {
      if (chosen[static_cast<size_t>(r)]) continue;
      int gain = 0;
      for (auto [w, n] : slots[static_cast<size_t>(r)]) gain += std::min(n, deficit[static_cast<size_t>(w)]);
      if (gain > best_gain) best_gain = gain, best = r;
    }
    if (best < 0) break;
    chosen[static_cast<size_t>(best)] = 1;
    for (auto [w, n] : slots[static_cast<size_t>(best)]) {
      const int take = std::min(n, deficit[static_cast<size_t>(w)]);
      deficit[static_cast<size_t>(w)] -= take;
      left -= take;
    }
  }
  if (left > 0) return std::nullopt;
  // Per window: qualified tours first into the chosen rosters' slots, then the rest.
  std::vector<std::vector<int>> wtours(static_cast<size_t>(nw)), wslots(static_cast<size_t>(nw));
  for (int i = 0; i < static_cast<int>(tours.size()); ++i) wtours[static_cast<size_t>(window_of[static_cast<size_t>(i)])].push_back(i);
  for (auto& v : wtours)
    std::stable_sort(v.begin(), v.end(), [&](int a, int b) {
      return !tours[static_cast<size_t>(a)].required_qualifications.empty() && tours[static_cast<size_t>(b)].required_qualifications.empty();
    });
  for (int pass = 0; pass < 2; ++pass)
    for (int r = 0; r < nr; ++r)
      if ((chosen[static_cast<size_t>(r)] != 0) == (pass == 0))
        for (const Block& b : fp.rosters[static_cast<size_t>(r)].blocks)
          for (int t : b.tours) wslots[static_cast<size_t>(window_of[static_cast<size_t>(t)])].push_back(r);
  std::vector<std::vector<int>> lists(static_cast<size_t>(nr));
  for (int w = 0; w < nw; ++w)
    for (size_t k = 0; k < wslots[static_cast<size_t>(w)].size() && k < wtours[static_cast<size_t>(w)].size(); ++k)
      lists[static_cast<size_t>(wslots[static_cast<size_t>(w)][k])].push_back(wtours[static_cast<size_t>(w)][k]);
  // Drivers: chosen rosters first; each roster to the first unused driver who may work it,
  // unqualified drivers first for the rest (ties by index).
  std::vector<int> dorder(static_cast<size_t>(ndrivers));
  std::iota(dorder.begin(), dorder.end(), 0);
  std::stable_sort(dorder.begin(), dorder.end(), [&](int a, int b) {
    return drivers[static_cast<size_t>(a)].qualifications.size() < drivers[static_cast<size_t>(b)].qualifications.size();
  });
  std::vector<char> used(static_cast<size_t>(ndrivers), 0);
  Plan out;
  std::vector<char> covered(tours.size(), 0);
  for (int pass = 0; pass < 2; ++pass)
    for (int r = 0; r < nr; ++r) {
      if ((chosen[static_cast<size_t>(r)] != 0) != (pass == 0) || lists[static_cast<size_t>(r)].empty()) continue;
      for (int d : dorder) {
        if (used[static_cast<size_t>(d)]) continue;
        auto ro = rebuild(in, d, lists[static_cast<size_t>(r)]);
        if (!ro) continue;
        used[static_cast<size_t>(d)] = 1;
        for (int t : lists[static_cast<size_t>(r)]) covered[static_cast<size_t>(t)] = 1;
        out.rosters.push_back(std::move(*ro));
        break;
      }
    }
  for (int i = 0; i < static_cast<int>(tours.size()); ++i)
    if (!covered[static_cast<size_t>(i)]) out.unassigned.push_back(UnassignedTour{i, {}, {}});
  ctx.trace("[dm] relabel: %d chosen of %d qualified drivers, %zu rosters, %zu uncovered\n",
                        static_cast<int>(std::count(chosen.begin(), chosen.end(), 1)), nq, out.rosters.size(), out.unassigned.size());
  return out;
}

// Per forecast roster, its legal copies: (sub-class, copy column) for every sub-class that may
// work each of its blocks, the week feasible under the class's personal policy.
using LegalCopies = std::vector<std::vector<std::pair<int, Column>>>;

LegalCopies legal_copies(const ClassModel& model, const std::vector<Column>& forecast_cols) {
  const std::vector<SubClass>& subs = model.subs;
  const int nr = static_cast<int>(forecast_cols.size());
  LegalCopies legal(static_cast<size_t>(nr));
  for (int r = 0; r < nr; ++r)
    for (int s = 0; s < static_cast<int>(subs.size()); ++s) {
      Column cc;
      for (int b : forecast_cols[static_cast<size_t>(r)]) {
        const int id = subs[static_cast<size_t>(s)].copy_of_block[static_cast<size_t>(b)];
        if (id < 0) break;
        cc.push_back(id);
      }
      if (cc.size() != forecast_cols[static_cast<size_t>(r)].size()) continue;
      const DriverClass& dc = model.classes[static_cast<size_t>(subs[static_cast<size_t>(s)].cls)];
      if (!column_feasible(cc, model.copies, dc.policy, dc.day_off_by)) continue;
      legal[static_cast<size_t>(r)].emplace_back(s, std::move(cc));
    }
  return legal;
}

// Seeds the master with every legal copy of the forecast rosters, and per sub-class with the
// part of each roster it may work (whole days dropped: a roster without some of its days stays
// feasible). Without these the first rounds only price the slacks out.
void seed_master(const ClassModel& model, DriverMaster& master, const std::vector<Column>& forecast_cols,
                 const LegalCopies& legal) {
  const std::vector<SubClass>& subs = model.subs;
  const std::vector<DriverClass>& classes = model.classes;
  const int nr = static_cast<int>(forecast_cols.size());
  std::vector<Column> cols;
  std::vector<int> cl;
  std::vector<double> costs;
  for (int r = 0; r < nr; ++r)
    for (auto& [s, cc] : legal[static_cast<size_t>(r)]) {
      cols.push_back(cc);
      cl.push_back(subs[static_cast<size_t>(s)].cls);
      costs.push_back(subs[static_cast<size_t>(s)].pricer->cost_of(cc));
    }
  for (int r = 0; r < nr; ++r)
    for (int s = 0; s < static_cast<int>(subs.size()); ++s) {
      const SubClass& sc = subs[static_cast<size_t>(s)];
      Column cc;
      for (int b : forecast_cols[static_cast<size_t>(r)])
        if (const int id = sc.copy_of_block[static_cast<size_t>(b)]; id >= 0) cc.push_back(id);
      if (cc.empty() || cc.size() == forecast_cols[static_cast<size_t>(r)].size()) continue;
      if (!column_feasible(cc, model.copies, classes[static_cast<size_t>(sc.cls)].policy,
                           classes[static_cast<size_t>(sc.cls)].day_off_by))
        continue;
      cols.push_back(cc);
      cl.push_back(sc.cls);
      costs.push_back(sc.pricer->cost_of(cc));
    }
  master.add_columns(cols, cl, costs, model.copies);
}

// Whether the rosters `rs` can go to distinct drivers (a max flow rosters → classes with the
// class sizes as capacities); with `sub_of`, which legal copy each roster gets.
bool match_rosters(const ClassModel& model, const LegalCopies& legal, const std::vector<int>& rs,
                   std::vector<int>* sub_of) {
  const int nclasses = model.nclasses();
  const int n = static_cast<int>(rs.size());
  MaxFlow f(n + nclasses + 2);
  const int src = n + nclasses, snk = src + 1;
  std::vector<std::vector<std::pair<int, int>>> arcs(static_cast<size_t>(n));  // (arc, legal index)
  for (int i = 0; i < n; ++i) {
    f.add_arc(src, i, 1);
    const auto& lg = legal[static_cast<size_t>(rs[static_cast<size_t>(i)])];
    std::set<int> seen;
    for (int k = 0; k < static_cast<int>(lg.size()); ++k) {
      const int c = model.subs[static_cast<size_t>(lg[static_cast<size_t>(k)].first)].cls;
      if (!seen.insert(c).second) continue;
      arcs[static_cast<size_t>(i)].emplace_back(f.add_arc(i, n + c, 1), k);
    }
  }
  for (int c = 0; c < nclasses; ++c) f.add_arc(n + c, snk, model.capacity[static_cast<size_t>(c)]);
  const int64_t flow = f.solve(src, snk);
  if (sub_of) {
    sub_of->assign(static_cast<size_t>(n), -1);
    for (int i = 0; i < n; ++i)
      for (auto [a, k] : arcs[static_cast<size_t>(i)])
        if (f.flow_on(a) > 0) (*sub_of)[static_cast<size_t>(i)] = k;
  }
  return flow == n;
}

// Matches forecast-mode rosters (global block ids) to drivers who may legally work them whole and
// offers the plan; `seed`: their copies also seed the master.
void match_forecast(DriverModeContext& ctx, DriverMaster& master, const std::vector<Column>& forecast_cols,
                    bool seed = true) {
  const ClassModel& model = ctx.model;
  if (forecast_cols.empty()) return;
  const LegalCopies legal = legal_copies(model, forecast_cols);
  if (seed) seed_master(model, master, forecast_cols, legal);
  // Greedy on the transversal matroid: rosters by most tours first, kept while all kept
  // rosters can still be matched to distinct drivers (max flow) — a max-weight matching.
  const int nr = static_cast<int>(forecast_cols.size());
  std::vector<int> order(static_cast<size_t>(nr));
  std::iota(order.begin(), order.end(), 0);
  auto ntours = [&](int r) {
    int n = 0;
    for (int b : forecast_cols[static_cast<size_t>(r)]) n += model.blocks[static_cast<size_t>(b)].n;
    return n;
  };
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return ntours(a) > ntours(b); });
  std::vector<int> kept;
  for (int r : order) {
    if (ctx.budget.cancelled()) break;  // one max flow per roster: seconds on a pool of 1,000 drivers
    if (legal[static_cast<size_t>(r)].empty()) continue;
    kept.push_back(r);
    if (!match_rosters(model, legal, kept, nullptr)) kept.pop_back();
  }
  std::vector<int> pick;
  match_rosters(model, legal, kept, &pick);
  std::vector<Draft> drafts;
  for (size_t i = 0; i < kept.size(); ++i) {
    const auto& [s, cc] = legal[static_cast<size_t>(kept[i])][static_cast<size_t>(pick[i])];
    drafts.push_back(Draft{model.subs[static_cast<size_t>(s)].cls, cc});
  }
  ctx.offer(to_plan(ctx.in, model, std::move(drafts)), Phase::Phase1);
}

// Scarce qualifications (e.g. ADR held by 30 % of the pool): the week's forecast rosters mix
// them into almost every roster, so few are legal for anyone. Layered instead: the tours only a
// minority of the pool may work are rostered on their own, the rest on their own, and both
// roster sets are matched to drivers: a near-complete first plan that spares the column
// generation its long slack-pricing start.
void offer_layered_forecast(DriverModeContext& ctx, DriverMaster& master) {
  const std::vector<Tour>& tours = ctx.in.tours;
  const std::vector<char> scarce = scarce_tours(ctx.in, ctx.model);
  const int nscarce = static_cast<int>(std::count(scarce.begin(), scarce.end(), 1));
  if (nscarce == 0 || nscarce == static_cast<int>(tours.size())) return;
  Plan layered;
  bool ok = true;
  for (int layer = 0; layer < 2 && ok && !ctx.budget.should_stop(); ++layer) {
    std::vector<char> take(tours.size());
    for (size_t i = 0; i < tours.size(); ++i) take[i] = (scarce[i] != 0) == (layer == 0);
    const PlanReport lr = solve_forecast(ctx, take);
    add_work(ctx.rep.stats, lr);
    ok = lr.audit.ok && !lr.plan.rosters.empty();
    for (const Roster& r : lr.plan.rosters) layered.rosters.push_back(r);
  }
  if (ok)
    if (auto cols = forecast_columns(ctx.model, tours, layered)) match_forecast(ctx, master, *cols, kSeedLayered);
  ctx.trace("[dm] layered forecast: %d scarce tours, %zu rosters, t=%.2f\n", nscarce, layered.rosters.size(),
            ctx.budget.elapsed());
}

// Pool smaller than the forecast plan: leave out tours of the rest-concurrency clique until that
// bound fits the pool, then re-solve the week without them; those tours are the certified
// minimum left uncovered when it works out.
void offer_reduced_week(DriverModeContext& ctx, DriverMaster& master) {
  const std::vector<Tour>& tours = ctx.in.tours;
  const std::vector<char> removed = rest_clique_tours(ctx.in, ctx.model);
  std::vector<char> take(tours.size());
  for (size_t i = 0; i < tours.size(); ++i) take[i] = !removed[i];
  PlanReport fr = solve_forecast(ctx, take);
  if (fr.audit.ok && !fr.plan.rosters.empty()) {
    fr.plan.unassigned.clear();  // indices of the reduced week; the left-out tours stay uncovered
    if (auto cols = forecast_columns(ctx.model, tours, fr.plan)) match_forecast(ctx, master, *cols);
  }
  ctx.trace("[dm] reduced week: %d tours left out, %d drivers, t=%.2f\n",
            static_cast<int>(std::count(removed.begin(), removed.end(), 1)), fr.kpis.drivers_total, ctx.budget.elapsed());
}

}  // namespace

void offer_honoured_locks(DriverModeContext& ctx) {
  const DriverInput& in = ctx.in;
  if (!in.any_lock || ctx.budget.should_stop()) return;
  SolveRequest free_req = in.req;
  free_req.locks.clear();
  free_req.time_limit_seconds = sub_solve_limit(ctx);
  SolveControl fc;
  fc.cancel = ctx.control.cancel;
  const PlanReport fr = solve_driver_mode(free_req, fc);
  if (hit_time_limit(fr)) ctx.safety_net = true;
  add_work(ctx.rep.stats, fr);
  // Its bounds hold here too: a lock only restricts.
  LowerBounds& lb = ctx.rep.lower_bounds;
  const LowerBounds& fb = fr.lower_bounds;
  for (auto [mine, theirs] : {std::pair{&lb.lp, &fb.lp}, std::pair{&lb.lagrangian, &fb.lagrangian}})
    if (theirs->has_value() && theirs->value() > mine->value_or(-1)) *mine = *theirs;
  if (fb.lp == lb.lp) lb.lp_value = fb.lp_value;
  ctx.best_bound = std::max({ctx.best_bound, fb.lp.value_or(0), fb.lagrangian.value_or(0)});
  if (fb.uncovered_tours.value_or(0) > ctx.uncovered_bound) {
    ctx.uncovered_bound = *fb.uncovered_tours;
    ctx.uncovered_name = fb.uncovered_tours_name;
  }
  if (!fr.audit.ok || (fr.status != "OK" && fr.status != "INFEASIBLE")) return;
  HonouredLocks h = honour_locks(fr.plan, in.tours, in.drivers, in.req.locks, in.p);
  ctx.trace("[dm] locks: unlocked %zu rosters %zu uncovered; matched %d pinned %d dropped %d t=%.2f\n",
            fr.plan.rosters.size(), fr.plan.unassigned.size(), h.matched, h.pinned, h.rosters_dropped, ctx.budget.elapsed());
  if (ctx.offer(std::move(h.plan), Phase::Phase1)) {
    // As good as the unlocked plan: a re-dealt plan like that needs no column generation.
    DmScore unlocked;
    unlocked.uncovered = static_cast<int>(fr.plan.unassigned.size());
    unlocked.drivers = fr.kpis.drivers_total;
    ctx.locks_free = ctx.best_score.uncovered <= unlocked.uncovered &&
                     (ctx.best_score.uncovered < unlocked.uncovered || ctx.best_score.drivers <= unlocked.drivers);
  }
}

// Stability candidate: the previous plan projected on this week — each previous driver's tours
// that still exist, rebuilt in time order and kept only where the reason-code checks allow them
// (every prefix of a valid block is valid), then gap-filled. Offered like any plan, it wins only
// where the higher tiers tie.
void offer_previous_plan(DriverModeContext& ctx) {
  const DriverInput& in = ctx.in;
  const std::vector<Tour>& tours = in.tours;
  const std::vector<Driver>& drivers = in.drivers;
  const Policy& p = in.p;
  const std::map<std::pair<int, int>, char>& prev_pair = in.prev_pair;
  if (prev_pair.empty() || in.any_lock) return;  // with locks skipped: it ignores them
  std::map<int, std::vector<int>> wanted;  // driver -> tours (ordered: canonical)
  for (const auto& [dt, one] : prev_pair) wanted[dt.first].push_back(dt.second);
  Plan cand;
  std::vector<char> taken(tours.size(), 0);
  for (auto& [d, list] : wanted) {
    std::sort(list.begin(), list.end(), [&](int a, int b) {
      return std::make_pair(tours[static_cast<size_t>(a)].week_start(), a) <
             std::make_pair(tours[static_cast<size_t>(b)].week_start(), b);
    });
    Roster r;
    r.driver_id = drivers[static_cast<size_t>(d)].id;
    r.driver_name = drivers[static_cast<size_t>(d)].name;
    for (int t : list) {
      if (taken[static_cast<size_t>(t)] || !driver_blockers(t, drivers[static_cast<size_t>(d)], &r, tours, p).empty()) continue;
      const int day = tours[static_cast<size_t>(t)].day;
      auto it = std::find_if(r.blocks.begin(), r.blocks.end(), [&](const Block& b) { return b.day == day; });
      if (it == r.blocks.end()) {
        r.blocks.push_back(Block{day, {}, BlockKind::One});
        it = r.blocks.end() - 1;
      }
      it->tours.push_back(t);
      std::vector<TourWindow> w;
      for (int x : it->tours)
        w.push_back(TourWindow{tours[static_cast<size_t>(x)].week_start(), tours[static_cast<size_t>(x)].week_end(),
                               &tours[static_cast<size_t>(x)].location});
      it->kind = classify_block(w, p).value_or(BlockKind::One);
      taken[static_cast<size_t>(t)] = 1;
      std::sort(r.blocks.begin(), r.blocks.end(), [](const Block& a, const Block& b) { return a.day < b.day; });
    }
    if (!r.blocks.empty()) cand.rosters.push_back(std::move(r));
  }
  for (int i = 0; i < static_cast<int>(tours.size()); ++i)
    if (!taken[static_cast<size_t>(i)]) cand.unassigned.push_back(UnassignedTour{i, {}, {}});
  ctx.offer(std::move(cand), Phase::Phase1);
}

void offer_forecast_incumbents(DriverModeContext& ctx, DriverMaster& master) {
  const DriverInput& in = ctx.in;
  const ClassModel& model = ctx.model;
  // Skipped with locks: forecast mode ignores them.
  if (in.any_lock || ctx.budget.should_stop()) return;
  // The forecast-mode plan (fewest drivers, policy rules) and its LP bound.
  const PlanReport fr = solve_forecast(ctx);
  if (fr.lower_bounds.lp) {
    ctx.rep.lower_bounds.lp = fr.lower_bounds.lp;
    ctx.rep.lower_bounds.lp_value = fr.lower_bounds.lp_value;
    ctx.best_bound = std::max(ctx.best_bound, *fr.lower_bounds.lp);
  }
  add_work(ctx.rep.stats, fr);
  const bool have_plan = fr.audit.ok && !fr.plan.rosters.empty();
  std::vector<Column> forecast_cols;  // global block ids
  if (have_plan)
    if (auto cols = forecast_columns(model, in.tours, fr.plan)) forecast_cols = *cols;
  match_forecast(ctx, master, forecast_cols);
  auto short_of_bound = [&] { return ctx.best_plan && ctx.best_score.uncovered > ctx.uncovered_bound; };
  // Qualified tours relabelled inside the forecast plan: tours of one time window (day, start,
  // end, location) are interchangeable for every policy rule, so the qualified ones may move to
  // the few rosters chosen for the qualified drivers (greedy multi-cover of the qualified tours'
  // windows), the unqualified ones to the rest. A full-week plan at the forecast driver count.
  if (have_plan && model.nclasses() > 1 && short_of_bound())
    if (auto relabelled = relabel_forecast(ctx, fr.plan)) ctx.offer(std::move(*relabelled), Phase::Phase1);
  if (model.nclasses() > 1 && short_of_bound() && !ctx.budget.should_stop()) offer_layered_forecast(ctx, master);
  if (!forecast_cols.empty() && short_of_bound() && model.nclasses() == 1 && !ctx.budget.should_stop())
    offer_reduced_week(ctx, master);
}

}  // namespace so::dm
