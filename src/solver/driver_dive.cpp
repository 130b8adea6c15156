#include "solver/driver_dive.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "solver/colgen.hpp"
#include "solver/driver_plan.hpp"

namespace so::dm {

namespace {

// Dive: pricing rounds per step (the residual LP must be re-priced until the slacks are gone,
// else the residual is handed to the slacks with drivers left), and per step past the work limit.
constexpr int kDiveRoundsPerStep = 30;
constexpr int kDiveRoundsAfterWork = 5;
// Per dive step without columns at x ≥ 1: round up every column with x ≥ the threshold, at most this many.
constexpr double kRoundupThreshold = 0.3;
constexpr int kMaxRoundups = 8;
constexpr int kMaxDiveSteps = 5000;
// While diving, a residual LP within this of its Lagrangian bound is good enough to fix from.
constexpr double kDiveGap = 0.2;
constexpr double kEps = 1e-6;

}  // namespace

DiveOut dive_on(DriverModeContext& ctx, DriverMaster& master, const PricerList& pricers, long dive_iterations) {
  const ClassModel& model = ctx.model;
  const std::vector<BlockPattern>& copies = model.copies;
  DiveOut res;
  bool& completed = res.completed;
  bool& timeout = res.timeout;
  std::vector<Draft>& drafts = res.drafts;
  const long it_start = master.iterations();
  for (int step = 0; step < kMaxDiveSteps; ++step) {
    const bool work_left = master.iterations() - it_start < dive_iterations;
    // Past the work limit the steps still re-price, briefly: fixing on a stale pool would
    // hand the residual to the slacks although drivers are left (the "42 uncovered" defect).
    const CgOut cg = run_cg_on(ctx, master, pricers, work_left ? kDiveRoundsPerStep : kDiveRoundsAfterWork,
                               work_left ? dive_iterations - (master.iterations() - it_start) : 0, kDiveGap);
    if (cg.stopped) {
      timeout = true;
      if (!ctx.budget.cancelled()) ctx.safety_net = true;
      break;
    }
    if (cg.failed) break;
    const std::vector<double> x = master.values();
    double slack = 0;
    for (double v : master.slacks()) slack += v;
    // The residual may go to the slacks only when the LP says so (converged) or no pricing is left.
    const bool settled = slack < kEps || cg.converged || cg.rounds == 0;
    if (ctx.tracing()) { int dem=0; for(int t=0;t<master.num_types();++t) dem+=master.demand(t); ctx.trace("[dm]  step %d conv %d rounds %d lp %.3f slack %.2f demand %d iters %ld\n", step, cg.converged, cg.rounds, master.objective(), slack, dem, master.iterations()-it_start); }
    std::vector<std::pair<int, int>> fix;  // (column, copies)
    bool integral = true;
    for (int j = 0; j < static_cast<int>(x.size()); ++j) {
      const double v = x[static_cast<size_t>(j)];
      if (std::fabs(v - std::round(v)) > kEps) integral = false;
      const int k = static_cast<int>(std::floor(v + kEps));
      if (k > 0) fix.emplace_back(j, k);
    }
    if (!work_left) {
      // Work used up: finish like the forecast dive, every column still in the LP solution is
      // rounded up (largest x first, ties by index); only the residual is re-priced.
      fix.clear();
      std::vector<std::pair<double, int>> pos;
      for (int j = 0; j < static_cast<int>(x.size()); ++j)
        if (x[static_cast<size_t>(j)] > kEps) pos.emplace_back(-x[static_cast<size_t>(j)], j);
      std::sort(pos.begin(), pos.end());
      for (const auto& [negx, j] : pos) fix.emplace_back(j, static_cast<int>(std::ceil(-negx - kEps)));
    }
    if (fix.empty()) {
      // Round up: every column with x ≥ kRoundupThreshold (largest first, at most
      // kMaxRoundups; saves re-solves), else the largest one. Ties by column index.
      std::vector<std::pair<double, int>> frac;
      for (int j = 0; j < static_cast<int>(x.size()); ++j)
        if (x[static_cast<size_t>(j)] > kEps) frac.emplace_back(-x[static_cast<size_t>(j)], j);
      std::sort(frac.begin(), frac.end());
      if (frac.empty()) {
        if (!settled) continue;  // price more before giving the residual up
        completed = true;  // the residual goes to the slacks
        break;
      }
      for (const auto& [negx, j] : frac) {
        if (!fix.empty() && (-negx < kRoundupThreshold || static_cast<int>(fix.size()) >= kMaxRoundups)) break;
        fix.emplace_back(j, 1);
      }
    }
    for (auto [j, k] : fix) {
      const int c = master.column_class(j);
      // Capacity and demand may have shrunk below k through an earlier fix of this step.
      int kk = std::min(k, master.capacity(c));
      for (int b : master.column(j)) {
        const BlockPattern& bp = copies[static_cast<size_t>(b)];
        for (int i = 0; i < bp.n; ++i) kk = std::min(kk, master.demand(bp.types[static_cast<size_t>(i)]));
      }
      if (kk <= 0) continue;
      for (int b : master.column(j)) {
        const BlockPattern& bp = copies[static_cast<size_t>(b)];
        for (int i = 0; i < bp.n; ++i) {
          const int t = bp.types[static_cast<size_t>(i)];
          master.set_demand(t, master.demand(t) - kk);
        }
      }
      master.set_capacity(c, master.capacity(c) - kk);
      for (int r = 0; r < kk; ++r) drafts.push_back(Draft{c, master.column(j)});
    }
    master.remove_dead_columns(copies);
    if (integral && slack < kEps) {
      completed = true;
      break;
    }
  }
  return res;
}

void dive_phase(DriverModeContext& ctx, DriverMaster& master) {
  const DriverInput& in = ctx.in;
  const ClassModel& model = ctx.model;
  // Dive: fix columns with x ≥ 1 at their floor, else round the largest fractional one up;
  // demand and class capacity shrink; re-price on the residual; repeat.
  const long dive_iterations = kDiveIterationsPerRow * model.nrows() + kIterationsBase;
  const long it_start = master.iterations();
  DiveOut dv = dive_on(ctx, master, all_pricers(model), dive_iterations);
  std::vector<Draft>& drafts = dv.drafts;
  const bool completed = dv.completed;
  const bool phase2_timeout = dv.timeout;
  ctx.trace("[dm] dive: drafts %zu completed %d iters %ld t=%.2f\n", drafts.size(), completed, master.iterations() - it_start, ctx.budget.elapsed());
  ctx.rep.stats.set_partitioning_status = phase2_timeout ? "timeout" : (completed ? "success" : "fallback");
  ctx.offer(to_plan(in, model, std::move(drafts)), Phase::Phase2);
}

}  // namespace so::dm
