#include "solver/driver_colgen.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "solver/colgen.hpp"

namespace so::dm {

namespace {

// Columns per pricing round and sub-class.
constexpr int kColumnsPerRound = 10;
// Wentges dual smoothing factor of the column generation (0 = off), and the dual of a tour type
// without residual demand (closes it to pricing).
constexpr double kSmoothing = 0.5;
constexpr double kClosedDual = 1e6;
// Pricing rounds of the pure driver-count master that certifies the LP bound.
constexpr int kPureBoundRounds = 60;
// CLP's time limit of a master solve is never below this (the phase deadline is the safety net).
constexpr double kMinCgSolveSeconds = 0.05;

}  // namespace

PricerList all_pricers(const ClassModel& model) {
  PricerList all;
  for (const SubClass& s : model.subs) all.emplace_back(s.pricer.get(), s.cls);
  return all;
}

bool exact_pricing(const ClassModel& model) {
  return std::all_of(model.subs.begin(), model.subs.end(), [](const SubClass& s) { return s.pricer->exact(); });
}

namespace {

// One pricing pass over every pricer at the separation duals (sep, sep_mu). A column is taken
// when it also improves the current duals (pi, mu); at most per_round per pricer, four times
// that many candidates while smoothing.
struct PricingPass {
  std::vector<Column> cols;
  std::vector<int> cls;
  std::vector<double> costs;
  std::vector<double> rc0;  // per class: the least reduced cost at the separation duals, ≤ 0
  bool any_priced = false;  // some pricer found a column improving the separation duals
  bool stopped = false;     // the clock or a cancel: no bound from a partial pricing
};

PricingPass price_all(const DriverModeContext& ctx, const PricerList& pricers, const std::vector<double>& sep,
                      const std::vector<double>& sep_mu, const std::vector<double>& pi, const std::vector<double>& mu,
                      int per_round, bool smoothed, int nclasses) {
  const std::vector<BlockPattern>& copies = ctx.model.copies;
  PricingPass pass;
  pass.rc0.assign(static_cast<size_t>(nclasses), 0.0);
  for (const auto& [pricer, cls] : pricers) {
    const double m = sep_mu[static_cast<size_t>(cls)];
    const PricingResult pr = pricer->price(sep, m, smoothed ? 4 * per_round : per_round, kPricingTolerance, &ctx.stop);
    if (pr.stopped) {
      pass.stopped = true;
      break;
    }
    if (std::isfinite(pr.best_reduced_cost))
      pass.rc0[static_cast<size_t>(cls)] = std::min(pass.rc0[static_cast<size_t>(cls)], pr.best_reduced_cost + m);
    pass.any_priced = pass.any_priced || !pr.columns.empty();
    int taken = 0;
    for (const PricedColumn& pc : pr.columns) {
      if (taken >= per_round) break;
      const double cost = pricer->cost_of(pc.blocks);
      double rc = cost - mu[static_cast<size_t>(cls)];
      for (int b : pc.blocks) {
        const BlockPattern& bp = copies[static_cast<size_t>(b)];
        for (int i = 0; i < bp.n; ++i) rc -= pi[static_cast<size_t>(bp.types[static_cast<size_t>(i)])];
      }
      if (rc < -kPricingTolerance) {
        pass.cols.push_back(pc.blocks);
        pass.cls.push_back(cls);
        pass.costs.push_back(cost);
        ++taken;
      }
    }
  }
  return pass;
}

// The Lagrangian bound of the separation duals sep with the per-class least reduced costs rc0.
double lagrangian(const DriverMaster& master, const std::vector<double>& sep, const std::vector<double>& rc0) {
  double lag = 0;
  for (int t = 0; t < master.num_types(); ++t)
    if (master.demand(t) > 0) lag += master.demand(t) * std::min(sep[static_cast<size_t>(t)], master.slack_cost(t));
  for (int c = 0; c < master.num_classes(); ++c) lag += master.capacity(c) * std::min(0.0, rc0[static_cast<size_t>(c)]);
  return lag;
}

}  // namespace

CgOut run_cg_on(DriverModeContext& ctx, DriverMaster& master, const PricerList& pricers, int max_rounds,
                long max_iterations, double gap, bool certify) {
  const int per_round = std::max(1, std::min(ctx.in.cfg.cg_columns_per_round, kColumnsPerRound));
  CgOut out;
  const long it0 = master.iterations();
  const int nt = master.num_types(), nc = master.num_classes();
  std::vector<double> center, center_mu;  // the duals of the best Lagrangian so far
  while (true) {
    if (ctx.budget.should_stop()) {
      out.stopped = true;
      break;
    }
    const long left = max_iterations - (master.iterations() - it0);
    if (left <= 0 && out.rounds > 0) break;
    const DriverMaster::Status st = master.solve(ctx.stop, std::max(left, kMinSolveIterations),
                                                 std::max(kMinCgSolveSeconds, ctx.budget.seconds_left_in_phase()));
    if (st != DriverMaster::Status::Optimal) {
      if (st == DriverMaster::Status::Stopped) out.stopped = true;
      else out.failed = true;
      break;
    }
    out.lp = master.objective();
    if (out.rounds >= max_rounds) break;
    std::vector<double> pi = master.type_duals();
    const std::vector<double> mu = master.class_duals();
    for (int t = 0; t < nt; ++t)
      if (master.demand(t) == 0) pi[static_cast<size_t>(t)] = -kClosedDual;
    PricingPass pass;
    bool converged = false;
    for (int attempt = 0; attempt < 2 && pass.cols.empty() && !converged; ++attempt) {
      const double alpha = (attempt == 0 && !center.empty()) ? kSmoothing : 0.0;
      std::vector<double> sep = pi, sep_mu = mu;
      if (alpha > 0) {
        for (int t = 0; t < nt; ++t)
          if (master.demand(t) > 0)
            sep[static_cast<size_t>(t)] = alpha * center[static_cast<size_t>(t)] + (1 - alpha) * pi[static_cast<size_t>(t)];
        for (int c = 0; c < nc; ++c)
          sep_mu[static_cast<size_t>(c)] = alpha * center_mu[static_cast<size_t>(c)] + (1 - alpha) * mu[static_cast<size_t>(c)];
      }
      pass = price_all(ctx, pricers, sep, sep_mu, pi, mu, per_round, alpha > 0, nc);
      if (pass.stopped) {
        out.stopped = true;
        break;  // the columns found so far are still added
      }
      const double lag = lagrangian(master, sep, pass.rc0);
      if (lag > out.lagrangian) {
        out.lagrangian = lag;
        center = sep;
        center_mu = sep_mu;
      }
      if (alpha == 0 && !pass.any_priced) converged = true;
      if (out.lagrangian >= out.lp - gap) converged = true;  // the duals prove the LP optimal (up to gap)
      // Pure driver counting: done once the integer bound ⌈Lagrangian⌉ reaches ⌈LP⌉.
      if (certify && certified_ceil(out.lagrangian) >= certified_ceil(out.lp)) converged = true;
    }
    if (ctx.tracing() && std::getenv("SO_DM_DEBUG_CG"))
      ctx.trace("[dm]   round %d lp %.4f lag %.4f cols %zu t=%.2f\n", out.rounds, out.lp, out.lagrangian, pass.cols.size(),
                ctx.budget.elapsed());
    if (converged) {
      out.converged = true;
      break;
    }
    if (pass.cols.empty()) break;  // cannot happen: a mis-price re-prices at the current duals
    const int before = master.num_columns();
    master.add_columns(pass.cols, pass.cls, pass.costs, ctx.model.copies);
    ctx.rep.stats.columns_generated += master.num_columns() - before;
    if (master.num_columns() == before) {
      out.converged = true;  // only known columns priced out: the LP is optimal up to tolerance
      break;
    }
    ++out.rounds;
  }
  ctx.rep.stats.lp_iterations += static_cast<int>(master.iterations() - it0);
  return out;
}

void root_column_generation(DriverModeContext& ctx, DriverMaster& master) {
  const DriverInput& in = ctx.in;
  const ClassModel& model = ctx.model;
  const SolverConfig& cfg = in.cfg;
  const int ndrivers = in.ndrivers();
  const std::vector<DriverClass>& classes = model.classes;
  const int nclasses = model.nclasses();
  const std::vector<SubClass>& subs = model.subs;
  const std::vector<BlockPattern>& copies = model.copies;
  const std::vector<int>& capacity = model.capacity;
  const std::vector<double>& slack_cost = model.slack_cost;
  const long nrows = model.nrows();
  // Bounds from the duals need exact pricing (a quantised DP only finds columns; pricing.hpp).
  const bool exact = exact_pricing(model);
  const CgOut root = run_cg_on(ctx, master, all_pricers(model), cfg.cg_max_rounds, kCgIterationsPerRow * nrows + kIterationsBase,
                               kLagrangianGap, false);
  if (root.stopped && !ctx.budget.cancelled()) ctx.safety_net = true;
  ctx.trace("[dm] root cg: conv %d rounds %d lp %.4f cols %d iters %ld t=%.2f subs %zu classes %d\n", root.converged, root.rounds, master.objective(), master.num_columns(), master.iterations(), ctx.budget.elapsed(), subs.size(), nclasses);
  if (!root.stopped && !root.failed && !in.any_lock && exact) {
    // LP bound on uncovered tours: M Σu + Σ cost x ≥ LP ≥ Lagrangian and Σ cost x ≤ pool × max column cost.
    const int lp_unc = certified_ceil((root.lagrangian - ndrivers * model.max_column_cost) / model.big_m);
    if (lp_unc > ctx.uncovered_bound) {
      ctx.uncovered_bound = lp_unc;
      ctx.uncovered_name = "lp";
    }
  }
  // Certified bound on drivers for full coverage: the pure driver-count master (cost 1 per
  // column, slack M), warm-started from the root pool, until ⌈Lagrangian⌉ = ⌈LP⌉ or its work
  // limit. Valid: every full-coverage plan is a solution of it without slack, and the
  // Lagrangian bounds its LP from below for any duals.
  if (!root.stopped && !ctx.budget.should_stop() && exact) {
    DriverMaster pure(model.demand, slack_cost, capacity);
    std::vector<Column> cols;
    std::vector<int> cl;
    for (int j = 0; j < master.num_columns(); ++j) {
      cols.push_back(master.column(j));
      cl.push_back(master.column_class(j));
    }
    pure.add_columns(cols, cl, std::vector<double>(cols.size(), 1.0), copies);
    std::vector<std::unique_ptr<Pricer>> own;
    PricerList pl;
    for (const SubClass& sc : subs) {
      own.push_back(std::make_unique<Pricer>(copies, sc.copies, classes[static_cast<size_t>(sc.cls)].policy,
                                             driver_count_cost(), classes[static_cast<size_t>(sc.cls)].day_off_by));
      pl.emplace_back(own.back().get(), sc.cls);
    }
    const CgOut pc = run_cg_on(ctx, pure, pl, kPureBoundRounds, kCgIterationsPerRow * nrows + kIterationsBase,
                               kLagrangianGap, /*certify=*/true);
    // A value above the pool size prices uncovered-tour slack: it only says that this pool cannot
    // cover the week (lower_bounds.uncovered_tours says by how much), not how many drivers a
    // plan needs — e.g. 831 "drivers" for 150 on the reference week with last week's rest.
    if (!pc.stopped && !pc.failed && certified_ceil(pc.lagrangian) <= ndrivers) {
      const int lb = certified_ceil(pc.lagrangian);
      ctx.trace("[dm] pure bound: lp %.4f lag %.4f -> %d rounds %d t=%.2f\n", pc.lp, pc.lagrangian, lb, pc.rounds, ctx.budget.elapsed());
      // ⌈LP⌉ only when the duals proved it (converged); otherwise the value is a Lagrangian
      // bound and is reported under that name.
      if (pc.converged && lb > ctx.rep.lower_bounds.lp.value_or(-1)) {
        ctx.rep.lower_bounds.lp = lb;
        ctx.rep.lower_bounds.lp_value = pc.lagrangian;
      } else if (!pc.converged && lb > ctx.rep.lower_bounds.lp.value_or(-1) && lb > ctx.rep.lower_bounds.lagrangian.value_or(-1)) {
        ctx.rep.lower_bounds.lagrangian = lb;
      }
      ctx.best_bound = std::max(ctx.best_bound, lb);
    }
  }
}

}  // namespace so::dm
