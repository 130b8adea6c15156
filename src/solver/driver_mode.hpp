#pragma once
// Driver mode (domain.md §7): roster the week onto the real driver pool. The column generation
// of phase 1 is extended to driver *classes* (drivers with identical qualifications,
// availability, personal limits and contract minimum are interchangeable; a locked driver, or
// one named in the previous plan, is a class of its own):
//
//   min  M Σ_t u_t + Σ_{c,p} cost_cp x_cp
//   s.t. Σ_{c,p} a_tp x_cp + u_t = d_t      (tour types; locked tours are their own types,
//                                             coverable only by their driver, without u)
//        Σ_p x_cp ≤ n_c                     (class capacity; = 1 for a locked driver)
//
// cost_cp = 1 (a driver used) + contract-minimum shortfall + the secondary terms of §6, all
// below one driver; M exceeds every possible driver cost, so coverage comes first. Pricing is
// the exact DP of pricing.hpp per class, over the blocks that class may work, under the class's
// personal policy. Phase 2 dives with re-pricing on the residual; unassigned tours get their
// true reasons (core/reasons.hpp); stability: rosters are matched to interchangeable drivers
// (and tour instances to drivers) to keep the most previous assignments.
#include "solver/solve.hpp"

namespace so {

// Called by solve() when request.drivers is non-empty. Same contract as solve(): always a
// report; status OK (audit clean, every tour covered), INFEASIBLE (a plan with unassigned tours
// and their reasons), CANCELLED or FAILED (e.g. an impossible lock: reason code LOCK_INFEASIBLE
// and the problem in the report's driver_mode.error).
PlanReport solve_driver_mode(const SolveRequest& request, const SolveControl& control);

}  // namespace so
