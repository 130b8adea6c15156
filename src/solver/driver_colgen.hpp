#pragma once
// Driver mode, phase 1: column generation of the driver-mode master (driver_master.hpp) with
// exact pricing per sub-class and Wentges dual smoothing (run_cg_on, shared by the root, the
// dive and the LNS repair), and the root: the column generation on the full master, the LP bound
// on uncovered tours and the certified bound on drivers from the pure driver-count master
// (root_column_generation).
#include "solver/driver_master.hpp"
#include "solver/driver_mode_context.hpp"

namespace so::dm {

// Simplex work per master row and its base (the work limits of CG, dive and repair).
inline constexpr long kCgIterationsPerRow = 300;
inline constexpr long kIterationsBase = 20000;
// The Lagrangian proves the restricted LP optimal when within this of it.
inline constexpr double kLagrangianGap = 1e-7;
// The Lagrangian before any pricing: no bound (finite, so ⌈·⌉ stays defined).
inline constexpr double kNoLagrangian = -1e300;

struct CgOut {
  bool converged = false, stopped = false, failed = false;
  int rounds = 0;
  double lp = 0;                        // objective of the last restricted-master solve
  double lagrangian = kNoLagrangian;   // best valid lower bound on the full master LP (weak duality)
};

// Every sub-class's pricer with its class.
PricerList all_pricers(const ClassModel& model);
// Bounds from the duals need exact pricing (a quantised DP only finds columns; pricing.hpp).
bool exact_pricing(const ClassModel& model);

// Column generation on `master` until convergence (up to `gap`), max_rounds, the simplex work
// limit, or the stop. Price at a convex combination of the best-Lagrangian duals and the current
// ones; on a mis-price, at the current ones. Types with no residual demand are closed to pricing
// (their rows force x = 0 anyway). Lagrangian of duals (π, μ):
//   Σ_t d_t min(π_t, s_t) + Σ_c n_c min(0, min_{p∈c} cost_p − a_p π),
// valid for any π (u_t ≤ d_t, Σ_{p∈c} x_p ≤ n_c). `certify`: pure driver counting, stop once
// ⌈Lagrangian⌉ reaches ⌈LP⌉. Counts columns and iterations in the report.
CgOut run_cg_on(DriverModeContext& ctx, DriverMaster& master, const PricerList& pricers, int max_rounds,
                long max_iterations, double gap = kLagrangianGap, bool certify = false);

// The root column generation on the full master, then the LP bound on uncovered tours and the
// certified bound on drivers for full coverage (into ctx and the report's lower bounds).
void root_column_generation(DriverModeContext& ctx, DriverMaster& master);

}  // namespace so::dm
