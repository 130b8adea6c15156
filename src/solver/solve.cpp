// The solve pipeline (solver.md): profiling -> phase1 (column generation, the LP bound) ->
// phase2 (diving / restricted-master MIP) -> lns (rebalancing, neighbourhood re-optimisation,
// feature flags) -> audit. Limits are work counters; the wall clock is only the safety net.
#include "solver/solve.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <thread>

#include "core/audit.hpp"
#include "core/block.hpp"
#include "core/kpis.hpp"
#include "core/signature.hpp"
#include "solver/baseline.hpp"
#include "solver/bounds.hpp"
#include "solver/budget.hpp"
#include "solver/colgen.hpp"
#include "solver/driver_mode.hpp"
#include "solver/replan.hpp"
#include "solver/integer.hpp"
#include "solver/lns.hpp"
#include "solver/pricing.hpp"
#include "solver/run_report.hpp"

namespace so {

namespace {

// Columns per pricing round (capped by config.cg_columns_per_round): measured on the reference
// week, few diverse columns per round keep the restricted master small and CLP fast
// (10 columns: 0.2 s CPU to the LP optimum; 200 columns: 2.5 s for the same bound).
constexpr int kColumnsPerRound = 10;
// Simplex-iteration work limits (CLP) per master row: column generation and the dive. Measured:
// reference week 2.9 k (CG) + 4–9 k (dive) for 277 rows; a 345-row generated week 11 k + 35–90 k.
constexpr long kCgIterationsPerRow = 200;
constexpr long kDiveIterationsPerRow = 200;
constexpr long kIterationsBase = 10000;
// The restricted-master MIP (CBC) only on small masters: on large ones a node costs more than
// the dive with re-pricing gains (measured: 500 nodes = 10 s on the reference week, no gain).
constexpr int kMipMaxRows = 150;
constexpr int kMipMaxColumns = 3000;
// Diving work: re-pricing rounds per step and steps per driver of the bound.
constexpr int kDiveRoundsPerStep = 10;
// Candidates per step of the second, careful dive (after the first missed the bound).
constexpr int kCarefulDiveTrials = 6;
// Penalty weights of the bad-block-mix rerun before the multiplier.
constexpr double kRerunBase1er = 0.01;
constexpr double kRerunBasePt = 0.05;
// Audit, KPIs, signature and answering per tour, with the first plan's own audit when the clock
// stops its construction (measured: 20,000 dense timed tours ≈ 0.3 s), kept back from the
// budget when more than its 5 % buffer.
constexpr double kAnswerSecondsPerTour = 20e-6;

struct Component {
  std::string location;     // empty when drivers may change location
  std::vector<int> types;   // global type ids
  std::vector<int> blocks;  // usable block ids
};

// One component's solve state.
struct CompState {
  int bound = 0;                 // ⌈LP⌉ (dual-certified) of the component
  double lp_value = 0;
  bool lp_converged = false;
  std::unique_ptr<MasterLp> lp;  // phase-1 master (covering, pure driver count)
  std::unique_ptr<Pricer> pricer;
  std::vector<Column> rosters;   // incumbent (partition)
  std::vector<Column> baseline;  // baseline rosters of this component
};

}  // namespace

PlanReport solve(const SolveRequest& req, const SolveControl& control) {
  // Driver mode (domain.md §7) validates the same way and more (drivers, locks).
  if (req.replan) return solve_replan(req, control);
  if (!req.drivers.empty()) return solve_driver_mode(req, control);
  Budget budget(req.time_limit_seconds, control.cancel);
  budget.reserve_for_answer(kAnswerSecondsPerTour * static_cast<double>(req.tours.size()));
  const Policy& p = req.policy;
  const SolverConfig& cfg = req.config;
  PlanReport rep = open_report(req, budget);

  const Minutes fte_minutes = hours_to_minutes_threshold(p.fte_min_hours);
  int incumbent_drivers = -1;
  int best_bound = 0;
  bool safety_net = false;
  auto emit = [&](const char* type, Phase ph) {
    if (!control.on_progress) return;
    ProgressEvent e;
    e.type = type;
    e.phase = phase_name(ph);
    e.incumbent_drivers = incumbent_drivers;
    e.lower_bound = best_bound;
    e.elapsed_s = budget.elapsed();
    control.on_progress(e);
  };
  auto start_phase = [&](Phase ph) {
    budget.start_phase(ph);
    emit("phase_started", ph);
  };
  const StopFn stop = [&budget] { return budget.should_stop(); };

  // Final assembly: plan, audit, KPIs, signature, timing (also for early exits).
  auto finish = [&](Plan plan, const std::string& status) {
    budget.start_phase(Phase::Audit);
    emit("phase_started", Phase::Audit);
    canonicalize_plan(plan, req.tours);
    rep.audit = audit_plan(req.tours, p, plan);
    rep.plan = std::move(plan);
    rep.status = status;
    if (!rep.audit.ok && (status == "OK" || status == "INFEASIBLE")) rep.status = "FAILED";
    name_best_bound(rep.lower_bounds);
    rep.kpis = compute_kpis(req.tours, p, rep.plan, rep.lower_bounds.best, cfg.fte_target_min_hours);
    rep.solution_signature = solution_signature(req.tours, rep.plan);
    close_report(rep, budget, safety_net);
    return rep;
  };

  // ----------------------------------------------------------------------------- profiling
  start_phase(Phase::Profiling);
  if (auto errors = check_policy(p); !errors.empty()) {
    add_reason(rep, "INVALID_POLICY");
    budget.end_phase(Phase::Profiling);
    return finish(Plan{}, "FAILED");
  }
  {
    std::set<std::string> ids;
    for (const Tour& t : req.tours)
      if (!valid_tour(t) || !ids.insert(t.id).second) {
        add_reason(rep, "INVALID_INPUT");
        budget.end_phase(Phase::Profiling);
        return finish(Plan{}, "FAILED");
      }
  }
  const std::vector<Tour>& tours = req.tours;
  const std::vector<TourType> types = aggregate_tour_types(tours);
  const int ntypes = static_cast<int>(types.size());
  std::vector<int> type_of_tour(tours.size(), -1);
  for (int t = 0; t < ntypes; ++t)
    for (int i : types[static_cast<size_t>(t)].tours) type_of_tour[static_cast<size_t>(i)] = t;
  // Dense weeks of individually timed tours restrict the blocks (enumerate_blocks): then no
  // bound resting on the full block set (per-day, LP) is claimed.
  bool blocks_complete = true;
  const std::vector<BlockPattern> blocks = enumerate_blocks(types, p, kMaxBlocksPerWeek, &blocks_complete);
  const BlockIndex block_index(blocks);

  // Usable blocks: within the weekly cap, one location when drivers keep theirs.
  std::vector<char> usable(blocks.size(), 0);
  for (size_t b = 0; b < blocks.size(); ++b) {
    const BlockPattern& bp = blocks[b];
    rep.stats.candidates_raw[bp.n - 1] += 1;
    bool ok = bp.work <= p.max_weekly_minutes;
    if (p.one_location_per_driver)
      for (int i = 1; i < bp.n && ok; ++i)
        ok = types[static_cast<size_t>(bp.types[static_cast<size_t>(i)])].location ==
             types[static_cast<size_t>(bp.types[0])].location;
    usable[b] = ok;
    if (ok) rep.stats.candidates_kept[bp.n - 1] += 1;
  }
  // Tours no driver can ever work (a single tour above the weekly cap).
  std::vector<char> coverable(static_cast<size_t>(ntypes), 0);
  for (size_t b = 0; b < blocks.size(); ++b)
    if (usable[b] && blocks[b].n == 1) coverable[static_cast<size_t>(blocks[b].types[0])] = 1;
  std::vector<UnassignedTour> unassigned;
  for (int t = 0; t < ntypes; ++t)
    if (!coverable[static_cast<size_t>(t)])
      for (int i : types[static_cast<size_t>(t)].tours) unassigned.push_back(UnassignedTour{i, {"DRIVER_WEEKLY_LIMIT", "INFEASIBLE"}, {}});

  // Components: independent sub-problems (one per location when drivers keep their location).
  std::vector<Component> comps;
  {
    std::map<std::string, int> by_loc;  // ordered: deterministic
    for (int t = 0; t < ntypes; ++t) {
      if (!coverable[static_cast<size_t>(t)]) continue;
      const std::string key = p.one_location_per_driver ? types[static_cast<size_t>(t)].location : std::string();
      auto [it, fresh] = by_loc.emplace(key, static_cast<int>(comps.size()));
      if (fresh) comps.push_back(Component{key, {}, {}});
      comps[static_cast<size_t>(it->second)].types.push_back(t);
    }
    for (size_t b = 0; b < blocks.size(); ++b) {
      if (!usable[b]) continue;
      const BlockPattern& bp = blocks[b];
      bool ok = true;
      for (int i = 0; i < bp.n && ok; ++i) ok = coverable[static_cast<size_t>(bp.types[static_cast<size_t>(i)])];
      if (!ok) continue;
      const std::string key = p.one_location_per_driver ? types[static_cast<size_t>(bp.types[0])].location : std::string();
      comps[static_cast<size_t>(by_loc.at(key))].blocks.push_back(static_cast<int>(b));
    }
  }
  auto comp_of_roster = [&](const Column& c) -> int {
    if (comps.size() == 1) return 0;
    const std::string& loc = types[static_cast<size_t>(blocks[static_cast<size_t>(c[0])].types[0])].location;
    for (size_t i = 0; i < comps.size(); ++i)
      if (comps[i].location == loc) return static_cast<int>(i);
    return -1;
  };

  // Cheap bounds.
  rep.lower_bounds.hours = hours_bound(types, p);
  const StopFn run_stop = [&budget] { return budget.must_stop(); };  // the run's deadline, not the phase's
  if (blocks_complete) rep.lower_bounds.per_day = per_day_bound(types, blocks, p, &run_stop);
  rep.lower_bounds.path_cover = path_cover_bound(types, p, &run_stop);
  rep.lower_bounds.rest_concurrency = rest_concurrency_bound(types, p);
  best_bound = std::max({rep.lower_bounds.hours, rep.lower_bounds.per_day, rep.lower_bounds.path_cover,
                         rep.lower_bounds.rest_concurrency});

  std::vector<CompState> cs(comps.size());
  // The best complete plan so far (type level, all components) and its audited concrete plan.
  auto assemble = [&](const std::vector<CompState>& st) {
    std::vector<Column> all;
    for (const CompState& c : st)
      for (const Column& col : c.rosters) all.push_back(col);
    Plan plan = build_plan(all, tours, types, blocks);
    plan.unassigned = unassigned;
    return plan;
  };
  const std::string ok_status = unassigned.empty() ? "OK" : "INFEASIBLE";
  std::optional<Plan> best_plan;  // audited
  PlanScore best_score;
  auto offer = [&](const std::vector<CompState>& st, Phase ph) {
    std::vector<Column> all;
    for (const CompState& c : st)
      for (const Column& col : c.rosters) all.push_back(col);
    PlanScore sc = score_rosters(all, blocks, p, fte_minutes);
    if (best_plan && !(sc < best_score)) return false;
    Plan plan = assemble(st);
    if (!audit_plan(tours, p, plan).ok) return false;
    const bool first = !best_plan.has_value();
    best_plan = std::move(plan);
    best_score = sc;
    incumbent_drivers = sc.drivers;
    if (first) rep.stats.time_to_first_plan_s = budget.elapsed();
    rep.stats.time_to_best_s = budget.elapsed();
    emit("progress", ph);
    return true;
  };

  // Baseline: the first incumbent. It watches a stop flag set when the run must end. It is only
  // asked for fully coverable weeks (it is not built for tours no driver may work).
  if (unassigned.empty()) {
    std::atomic<bool> stop_flag{false};
    std::atomic<bool> done{false};
    std::thread watchdog([&] {
      while (!done.load()) {
        if (budget.must_stop()) {
          stop_flag.store(true);
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    });
    Plan base;
    try {
      base = baseline_plan(tours, types, blocks, p, req.seed, &stop_flag,
                           std::max({rep.lower_bounds.hours, rep.lower_bounds.rest_concurrency, rep.lower_bounds.path_cover}));
    } catch (const std::exception&) {
      base = Plan{};
    }
    done.store(true);
    watchdog.join();
    if (stop_flag.load()) safety_net = true;
    if (!base.rosters.empty()) {
      if (auto rs = rosters_from_plan(base, tours, type_of_tour, block_index)) {
        bool ok = true;
        for (const Column& c : *rs) {
          int ci = comp_of_roster(c);
          if (ci < 0) {
            ok = false;
            break;
          }
          cs[static_cast<size_t>(ci)].baseline.push_back(c);
        }
        if (ok) {
          for (CompState& c : cs) c.rosters = c.baseline;
          if (!offer(cs, Phase::Profiling))
            for (CompState& c : cs) c.baseline.clear(), c.rosters.clear();
        } else {
          for (CompState& c : cs) c.baseline.clear();
        }
      }
    }
  }
  budget.end_phase(Phase::Profiling);

  auto cancelled_exit = [&]() {
    budget.end_phase(budget.current());
    Plan plan = best_plan ? *best_plan : Plan{};
    if (!best_plan) plan.unassigned = unassigned;
    return finish(std::move(plan), "CANCELLED");
  };
  if (budget.cancelled()) return cancelled_exit();

  // Pricers first: whether their DP is exact decides what phase 1 can prove.
  bool exact_pricing = true;
  for (size_t ci = 0; ci < comps.size() && !budget.must_stop(); ++ci) {
    cs[ci].pricer = std::make_unique<Pricer>(blocks, comps[ci].blocks, p, driver_count_cost());
    exact_pricing = exact_pricing && cs[ci].pricer->exact() && blocks_complete;
  }
  // Out of time before the pricers existed (huge input, tiny budget): no phase below may price.
  const bool pricers_ready = std::all_of(cs.begin(), cs.end(), [](const CompState& c) { return c.pricer != nullptr; });
  if (!pricers_ready) {
    safety_net = true;
    Plan plan = best_plan ? *best_plan : Plan{};
    if (!best_plan) plan.unassigned = unassigned;
    return finish(std::move(plan), budget.cancelled() ? "CANCELLED" : (best_plan ? ok_status : "FAILED"));
  }
  // A first plan already at the cheap bound has a certified driver count. Without exact pricing
  // phase 1 could add no certified LP, and phases 1–2 only chase the driver count: go straight to
  // the LNS for the secondary objectives, which ends by proof (no PT above its bound), not by the
  // clock (individually timed weeks often reach the per-day bound with the first plan).
  const bool count_certified_early = !exact_pricing && best_plan && best_score.drivers == best_bound;
  if (count_certified_early)
    for (CompState& c : cs) c.bound = static_cast<int>(c.rosters.size());  // no component can do with fewer

  // ----------------------------------------------------------------------------- phase 1
  start_phase(Phase::Phase1);
  const int per_round = std::max(1, std::min(cfg.cg_columns_per_round, kColumnsPerRound));
  // lower_bounds.lp only when every component's LP converged under exact pricing (the LP optimum,
  // certified by its duals); otherwise the sum of the components' dual bounds (each valid, 0
  // where nothing was proved) is reported under its own name (lagrangian), never as "lp".
  int lp_bound_sum = 0, dual_bound_sum = 0;
  double lp_value_sum = 0;
  bool lp_converged_all = true;
  for (size_t ci = 0; ci < comps.size(); ++ci) {
    const Component& comp = comps[ci];
    CompState& st = cs[ci];
    // Nothing to do (count certified), or a DP too large even in coarse quanta (dense weeks):
    // this component keeps its first plan for the LNS, which prices only small neighbourhoods.
    if (count_certified_early || !st.pricer->tractable()) {
      lp_converged_all = false;
      continue;
    }
    std::vector<int> dem;
    for (int t : comp.types) dem.push_back(types[static_cast<size_t>(t)].count());
    st.lp = std::make_unique<MasterLp>(ntypes, comp.types, dem, /*partition=*/false);
    // Start columns: every tour type as a 1er (feasibility), the baseline's driver-weeks.
    std::vector<Column> init;
    std::vector<double> costs;
    for (int b : comp.blocks)
      if (blocks[static_cast<size_t>(b)].n == 1) init.push_back(Column{b});
    for (const Column& c : st.baseline) init.push_back(c);
    costs.assign(init.size(), 1.0);
    st.lp->add_columns(init, blocks, costs);
    CgOptions cg;
    cg.max_rounds = cfg.cg_max_rounds;
    cg.columns_per_round = per_round;
    cg.max_lp_iterations = kCgIterationsPerRow * static_cast<long>(comp.types.size()) + kIterationsBase;
    cg.max_seconds = std::max(0.05, budget.seconds_left_in_phase());
    CgResult cr = run_column_generation(*st.lp, *st.pricer, blocks, cg, stop);
    rep.stats.columns_generated += cr.columns_added;
    rep.stats.lp_iterations += static_cast<int>(cr.lp_iterations);
    const bool certified = cr.converged && cr.exact_pricing && blocks_complete && !cr.stopped;
    st.lp_converged = certified;
    st.lp_value = certified ? cr.lp_value : cr.dual_bound;
    st.bound = blocks_complete ? certified_ceil(cr.dual_bound) : 0;  // 0 unless the pricing was exact
    if (certified) st.bound = std::max(st.bound, certified_ceil(std::min(cr.lp_value, cr.dual_bound + 1e-7)));
    lp_bound_sum += certified ? st.bound : 0;
    lp_value_sum += certified ? cr.lp_value : 0.0;
    dual_bound_sum += st.bound;
    lp_converged_all = lp_converged_all && certified;
    if (cr.stopped) safety_net = safety_net || !budget.cancelled();
    if (budget.cancelled()) break;
  }
  if (comps.empty()) {
    rep.lower_bounds.lp = 0;
    rep.lower_bounds.lp_value = 0.0;
  } else if (lp_converged_all) {
    rep.lower_bounds.lp = lp_bound_sum;
    rep.lower_bounds.lp_value = lp_value_sum;
  } else {
    rep.lower_bounds.lp.reset();
    rep.lower_bounds.lp_value.reset();
    if (dual_bound_sum > 0) rep.lower_bounds.lagrangian = dual_bound_sum;
  }
  best_bound = std::max(best_bound, dual_bound_sum);
  // Per-component targets: the component LP bounds (other bounds are global).
  emit("progress", Phase::Phase1);
  budget.end_phase(Phase::Phase1);
  if (budget.cancelled()) return cancelled_exit();

  // ----------------------------------------------------------------------------- phase 2
  start_phase(Phase::Phase2);
  bool phase2_ok = true, phase2_timeout = false;
  auto run_phase2 = [&](const CostModel* rerun_cost) {
    for (size_t ci = 0; ci < comps.size(); ++ci) {
      CompState& st = cs[ci];
      if (!st.lp) continue;
      const Pricer* pricer = st.pricer.get();
      MasterLp* lp = st.lp.get();
      std::unique_ptr<Pricer> own_pricer;
      std::unique_ptr<MasterLp> own_lp;
      if (rerun_cost) {
        // Re-costed master over the phase-1 pool.
        own_pricer = std::make_unique<Pricer>(blocks, comps[ci].blocks, p, *rerun_cost);
        own_lp = std::make_unique<MasterLp>(ntypes, st.lp->row_types(), st.lp->demand(), false);
        std::vector<Column> cols;
        std::vector<double> costs;
        for (int j = 0; j < st.lp->num_columns(); ++j) {
          cols.push_back(st.lp->column(j));
          costs.push_back(own_pricer->cost_of(st.lp->column(j)));
        }
        own_lp->add_columns(cols, blocks, costs);
        pricer = own_pricer.get();
        lp = own_lp.get();
      }
      DiveOptions dopt;
      dopt.cg_rounds_per_step = kDiveRoundsPerStep;
      dopt.columns_per_round = per_round;
      dopt.max_lp_iterations = kDiveIterationsPerRow * static_cast<long>(comps[ci].types.size()) + kIterationsBase;
      dopt.max_seconds = std::max(0.05, budget.seconds_left_in_phase());
      if (!rerun_cost && !st.rosters.empty()) dopt.cutoff = static_cast<double>(st.rosters.size());
      DiveResult dr = dive(*lp, *pricer, blocks, dopt, stop);
      rep.stats.columns_generated += dr.columns_added;
      rep.stats.lp_iterations += static_cast<int>(dr.lp_iterations);
      // Missed the bound: a second, more careful dive (one column per step, more candidates),
      // when the first one left at least 60 % of its simplex budget (a work, not time, rule).
      if (!rerun_cost && !dr.stopped && !(dr.ok && dr.objective <= st.bound + 1e-9) &&
          dr.lp_iterations * 5 < dopt.max_lp_iterations * 2 && !budget.should_stop()) {
        DiveOptions careful = dopt;
        careful.max_roundups = 1;
        careful.max_trials = kCarefulDiveTrials;
        careful.max_lp_iterations = dopt.max_lp_iterations - dr.lp_iterations;
        if (dr.ok) careful.cutoff = std::min(careful.cutoff, dr.objective);
        DiveResult again = dive(*lp, *pricer, blocks, careful, stop);
        rep.stats.columns_generated += again.columns_added;
        rep.stats.lp_iterations += static_cast<int>(again.lp_iterations);
        if (again.ok && (!dr.ok || again.objective < dr.objective - 1e-9)) dr = std::move(again);
        else dr.stopped = dr.stopped || again.stopped;
      }
      if (dr.stopped && !budget.cancelled()) phase2_timeout = safety_net = true;
      std::vector<ColumnCount> chosen = dr.chosen;
      // The restricted master as a MIP when the dive missed the bound (small masters only: CBC
      // nodes on a large master cost more than they return).
      const bool small_master = static_cast<int>(lp->row_types().size()) <= kMipMaxRows && lp->num_columns() <= kMipMaxColumns;
      if (dr.ok && !rerun_cost && dr.objective > st.bound + 1e-9 && cfg.mip_node_limit > 0 && small_master &&
          !budget.should_stop()) {
        MipOptions mo;
        mo.node_limit = cfg.mip_node_limit;
        mo.max_seconds = std::max(0.05, budget.seconds_left_in_phase());
        mo.stop_at = st.bound;
        MipResult mr = solve_restricted_master(*lp, blocks, chosen, mo, stop);
        if (mr.ok && mr.improved) chosen = mr.chosen;
        if (mr.stopped && !budget.cancelled()) phase2_timeout = safety_net = true;
      }
      if (!dr.ok) {
        // Pruned = the incumbent is provably as good as anything this dive could find.
        if (!dr.pruned) phase2_ok = false;
        if (budget.cancelled()) return;
        continue;
      }
      std::vector<int> demand(static_cast<size_t>(ntypes), 0);
      for (int t : comps[ci].types) demand[static_cast<size_t>(t)] = types[static_cast<size_t>(t)].count();
      std::vector<Column> rosters =
          make_partition(expand_columns(*lp, chosen), demand, blocks, block_index, p, fte_minutes);
      const PlanScore mine = score_rosters(rosters, blocks, p, fte_minutes);
      if (st.rosters.empty() || mine < score_rosters(st.rosters, blocks, p, fte_minutes)) st.rosters = std::move(rosters);
      if (budget.cancelled()) return;
    }
  };
  run_phase2(nullptr);
  const bool all_have = std::all_of(cs.begin(), cs.end(), [](const CompState& s) { return !s.rosters.empty(); });
  if (all_have) offer(cs, Phase::Phase2);
  rep.stats.set_partitioning_status = phase2_timeout ? "timeout" : (phase2_ok && all_have ? "success" : "fallback");
  budget.end_phase(Phase::Phase2);
  if (budget.cancelled()) return cancelled_exit();

  // ----------------------------------------------------------------------------- lns
  start_phase(Phase::Lns);
  // A lower bound on PT drivers for a component with n drivers: every FTE works at least the
  // smallest reachable weekly total ≥ the threshold, every PT at least the shortest tour.
  auto pt_lower_bound = [&](size_t ci, int n) {
    const CompState& st = cs[ci];
    const std::optional<Minutes> m_fte = st.pricer->min_level_at_least(fte_minutes);
    if (!m_fte) return n;
    long work = 0;
    Minutes d_min = kMinutesPerDay;
    for (int t : comps[ci].types) {
      work += static_cast<long>(types[static_cast<size_t>(t)].duration()) * types[static_cast<size_t>(t)].count();
      d_min = std::min(d_min, types[static_cast<size_t>(t)].duration());
    }
    if (*m_fte <= d_min) return 0;
    const long fte_max = std::max(0L, (work - static_cast<long>(n) * d_min) / (*m_fte - d_min));
    return static_cast<int>(std::max(0L, n - fte_max));
  };
  auto component_optimal = [&](size_t ci) {
    const CompState& st = cs[ci];
    const PlanScore sc = score_rosters(st.rosters, blocks, p, fte_minutes);
    return sc.drivers <= st.bound && sc.pt <= pt_lower_bound(ci, sc.drivers);
  };
  // Rebalancing, then LNS unless the component is provably done (or `lns_cost` forces it).
  auto improve = [&](bool fill, const CostModel* lns_cost) {
    for (size_t ci = 0; ci < comps.size(); ++ci) {
      CompState& st = cs[ci];
      if (st.rosters.empty()) continue;
      RebalanceOptions ro;
      ro.fte_minutes = fte_minutes;
      ro.fill_to_target = fill;
      ro.target_min = hours_to_minutes_threshold(cfg.fte_target_min_hours);
      ro.target_max = static_cast<Minutes>(std::floor(cfg.fte_target_max_hours * 60.0 + 1e-9));
      ro.target_aim = static_cast<Minutes>(std::lround(cfg.fte_hours_target * 60.0));
      RebalanceResult rr = rebalance_rosters(st.rosters, blocks, block_index, p, ro, stop);
      if (score_rosters(rr.rosters, blocks, p, fte_minutes) < score_rosters(st.rosters, blocks, p, fte_minutes) ||
          (fill && rr.moves > 0))
        st.rosters = std::move(rr.rosters);
      if (budget.should_stop()) return;
      if ((component_optimal(ci) && !lns_cost) || cfg.lns_max_iterations <= 0) continue;
      LnsOptions lo;
      lo.max_iterations = cfg.lns_max_iterations;
      lo.seed = req.seed;
      lo.fte_minutes = fte_minutes;
      lo.driver_target = st.bound;
      lo.columns_per_round = per_round;
      lo.max_seconds = std::max(0.05, budget.seconds_left_in_phase());
      if (lns_cost) {
        lo.cost = *lns_cost;
        lo.stagnation_limit = cfg.lns_max_iterations;  // the rerun spends its whole iteration budget
      }
      LnsResult lr = run_lns(st.rosters, blocks, comps[ci].blocks, block_index, ntypes, p, lo, stop,
                             [&](const std::vector<Column>& r) {
                               st.rosters = r;
                               offer(cs, Phase::Lns);
                             });
      st.rosters = std::move(lr.rosters);
      if (lr.stopped && !budget.cancelled()) safety_net = true;
      if (budget.should_stop()) return;
    }
  };
  if (all_have) {
    improve(false, nullptr);
    offer(cs, Phase::Lns);
  }
  // Feature flag: fill FTE drivers into the target band (driver count fixed).
  if (cfg.enable_fill_to_target_greedy && all_have && !budget.should_stop()) {
    std::vector<std::vector<Column>> before;
    for (const CompState& st : cs) before.push_back(st.rosters);
    improve(true, nullptr);
    add_reason(rep, "FILL_TO_TARGET_APPLIED");
    // Accept even when the lexicographic score is equal (the band is the flag's objective).
    std::vector<Column> all;
    for (const CompState& st : cs) all.insert(all.end(), st.rosters.begin(), st.rosters.end());
    const PlanScore sc = score_rosters(all, blocks, p, fte_minutes);
    Plan plan = assemble(cs);
    // The band is this flag's objective: accept unless drivers or PT got worse.
    const bool no_worse = std::tie(sc.drivers, sc.pt) <= std::tie(best_score.drivers, best_score.pt);
    if (no_worse && audit_plan(tours, p, plan).ok) {
      best_plan = std::move(plan);
      best_score = sc;
      rep.stats.time_to_best_s = budget.elapsed();
    } else {
      for (size_t i = 0; i < cs.size(); ++i) cs[i].rosters = before[i];
    }
  }
  // Feature flag: rerun phase 2 + lns with heavier 1er / PT penalties on a bad block mix. The
  // budget test is by schedule (deterministic), never by the measured clock.
  if (cfg.enable_bad_block_mix_rerun && best_plan && !budget.should_stop()) {
    const Kpis k = compute_kpis(tours, p, *best_plan, best_bound, cfg.fte_target_min_hours);
    const double scheduled = budget.slice(Phase::Phase2) + budget.slice(Phase::Lns);
    if ((k.pt_ratio > cfg.pt_ratio_threshold || k.underfull_ratio > cfg.underfull_ratio_threshold) &&
        scheduled >= cfg.min_rerun_budget) {
      add_reason(rep, "BAD_BLOCK_MIX_RERUN");
      CostModel heavy;
      heavy.driver = 1.0;
      heavy.block_1er = kRerunBase1er * cfg.rerun_1er_penalty_multiplier;
      heavy.pt = kRerunBasePt * cfg.rerun_1er_penalty_multiplier;
      heavy.pt_threshold_minutes = fte_minutes;
      CostModel heavy_lns = secondary_cost_model(fte_minutes);
      heavy_lns.block_1er *= cfg.rerun_1er_penalty_multiplier;
      heavy_lns.pt *= cfg.rerun_1er_penalty_multiplier;
      std::vector<std::vector<Column>> before;
      for (CompState& st : cs) {
        before.push_back(st.rosters);
        st.rosters.clear();
      }
      run_phase2(&heavy);
      bool complete = std::all_of(cs.begin(), cs.end(), [](const CompState& s) { return !s.rosters.empty(); });
      if (complete) {
        improve(cfg.enable_fill_to_target_greedy, &heavy_lns);
        offer(cs, Phase::Lns);  // kept only if lexicographically better
      }
      // The rerun's LNS also continues from the kept plan with the heavy costs.
      for (size_t i = 0; i < cs.size(); ++i) cs[i].rosters = before[i];
      improve(cfg.enable_fill_to_target_greedy, &heavy_lns);
      offer(cs, Phase::Lns);
    }
  }
  budget.end_phase(Phase::Lns);

  // ----------------------------------------------------------------------------- result
  if (budget.cancelled()) return cancelled_exit();
  if (!best_plan) {
    Plan plan;
    plan.unassigned = unassigned;
    return finish(std::move(plan), "FAILED");
  }
  if (best_score.drivers == best_bound) add_reason(rep, "OPTIMAL");  // the driver count is certified
  return finish(*best_plan, ok_status);
}

}  // namespace so
