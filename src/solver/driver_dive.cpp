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
// A total slack below this counts as none (x is integral within kIntegralityTolerance, colgen.hpp).
constexpr double kSlackTolerance = 1e-6;

}  // namespace

namespace {

using Fixes = std::vector<std::pair<int, int>>;  // (column, copies)

// Every column at its floor (x ≥ 1), and whether x is integral.
Fixes floor_fixes(const std::vector<double>& x, bool& integral) {
  Fixes fix;
  integral = true;
  for (int j = 0; j < static_cast<int>(x.size()); ++j) {
    const double v = x[static_cast<size_t>(j)];
    if (std::fabs(v - std::round(v)) > kIntegralityTolerance) integral = false;
    const int k = static_cast<int>(std::floor(v + kIntegralityTolerance));
    if (k > 0) fix.emplace_back(j, k);
  }
  return fix;
}

// The columns with x > 0, largest x first (ties by index).
std::vector<std::pair<double, int>> positive_by_size(const std::vector<double>& x) {
  std::vector<std::pair<double, int>> pos;  // (−x, column)
  for (int j = 0; j < static_cast<int>(x.size()); ++j)
    if (x[static_cast<size_t>(j)] > kIntegralityTolerance) pos.emplace_back(-x[static_cast<size_t>(j)], j);
  std::sort(pos.begin(), pos.end());
  return pos;
}

// Work used up: finish like the forecast dive, every column still in the LP solution is rounded
// up (largest x first); only the residual is re-priced.
Fixes round_up_all(const std::vector<double>& x) {
  Fixes fix;
  for (const auto& [negx, j] : positive_by_size(x)) fix.emplace_back(j, static_cast<int>(std::ceil(-negx - kIntegralityTolerance)));
  return fix;
}

// No column at x ≥ 1: round up every column with x ≥ kRoundupThreshold (largest first, at most
// kMaxRoundups; saves re-solves), else the largest one. Empty when no column has x > 0.
Fixes round_up_largest(const std::vector<double>& x) {
  Fixes fix;
  for (const auto& [negx, j] : positive_by_size(x)) {
    if (!fix.empty() && (-negx < kRoundupThreshold || static_cast<int>(fix.size()) >= kMaxRoundups)) break;
    fix.emplace_back(j, 1);
  }
  return fix;
}

// Fixes the columns: drafts for their class, demand and capacity shrink. Capacity and demand may
// have shrunk below k through an earlier fix of this step.
void fix_columns(DriverMaster& master, const std::vector<BlockPattern>& copies, const Fixes& fix,
                 std::vector<Draft>& drafts) {
  for (auto [j, k] : fix) {
    const int c = master.column_class(j);
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
}

int total_demand(const DriverMaster& master) {
  int dem = 0;
  for (int t = 0; t < master.num_types(); ++t) dem += master.demand(t);
  return dem;
}

}  // namespace

DiveOut dive_on(DriverModeContext& ctx, DriverMaster& master, const PricerList& pricers, long dive_iterations) {
  const std::vector<BlockPattern>& copies = ctx.model.copies;
  DiveOut res;
  const long it_start = master.iterations();
  for (int step = 0; step < kMaxDiveSteps; ++step) {
    const bool work_left = master.iterations() - it_start < dive_iterations;
    // Past the work limit the steps still re-price, briefly: fixing on a stale pool would
    // hand the residual to the slacks although drivers are left (the "42 uncovered" defect).
    const CgOut cg = run_cg_on(ctx, master, pricers, work_left ? kDiveRoundsPerStep : kDiveRoundsAfterWork,
                               work_left ? dive_iterations - (master.iterations() - it_start) : 0, kDiveGap);
    if (cg.stopped) {
      res.timeout = true;
      if (!ctx.budget.cancelled()) ctx.safety_net = true;
      break;
    }
    if (cg.failed) break;
    const std::vector<double> x = master.values();
    double slack = 0;
    for (double v : master.slacks()) slack += v;
    // The residual may go to the slacks only when the LP says so (converged) or no pricing is left.
    const bool settled = slack < kSlackTolerance || cg.converged || cg.rounds == 0;
    if (ctx.tracing())
      ctx.trace("[dm]  step %d conv %d rounds %d lp %.3f slack %.2f demand %d iters %ld\n", step, cg.converged,
                cg.rounds, master.objective(), slack, total_demand(master), master.iterations() - it_start);
    bool integral = true;
    Fixes fix = floor_fixes(x, integral);
    if (!work_left) fix = round_up_all(x);
    if (fix.empty()) {
      fix = round_up_largest(x);
      if (fix.empty()) {
        if (!settled) continue;  // price more before giving the residual up
        res.completed = true;    // the residual goes to the slacks
        break;
      }
    }
    fix_columns(master, copies, fix, res.drafts);
    master.remove_dead_columns(copies);
    if (integral && slack < kSlackTolerance) {
      res.completed = true;
      break;
    }
  }
  return res;
}

void dive_phase(DriverModeContext& ctx, DriverMaster& master) {
  const long dive_iterations = kDiveIterationsPerRow * ctx.model.nrows() + kIterationsBase;
  const long it_start = master.iterations();
  DiveOut dv = dive_on(ctx, master, all_pricers(ctx.model), dive_iterations);
  ctx.trace("[dm] dive: drafts %zu completed %d iters %ld t=%.2f\n", dv.drafts.size(), dv.completed,
            master.iterations() - it_start, ctx.budget.elapsed());
  ctx.rep.stats.set_partitioning_status = dv.timeout ? "timeout" : (dv.completed ? "success" : "fallback");
  ctx.offer(to_plan(ctx.in, ctx.model, std::move(dv.drafts)), Phase::Phase2);
}

}  // namespace so::dm
