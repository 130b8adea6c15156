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
//
// Where things are (namespace so::dm; each phase is a free function of one DriverModeContext,
// the pure parts take only the request view DriverInput and the model ClassModel):
//
//   driver_mode.cpp          the pipeline, in order: profiling → incumbents → column generation →
//                            dive → repair → reasons → audit (nothing else)
//   driver_mode_context.*    the shared state: DriverInput (tours, drivers, limits, lock owners,
//                            previous-plan pairs), ClassModel (tour types, blocks, classes,
//                            sub-classes with their pricers, block copies, master rows), budget,
//                            report, bounds, the incumbent and offer(), the SO_DM_TRACE trace
//   driver_profiling.*       check_request, index_request, profile_bounds (cheap bounds)
//   driver_classes.*         split_lock_types, build_classes, sub-classes and block copies, class_cost
//   driver_plan.*            drafts → plan (to_plan, stability matching), score_plan, greedy
//                            insert_unassigned, rebuild / kind_of
//   driver_incumbents.*      first plans: honoured locks (locks.hpp), previous plan projected,
//                            forecast plan matched / relabelled / layered / on a reduced week
//   driver_colgen.*          run_cg_on (pricing, smoothing, Lagrangian), root CG, pure driver bound
//   driver_dive.*            dive_on (fix, round, re-price), phase 2
//   driver_repair.*          restore_locks, LNS (resolve_freed), driver reduction, contract hand-over
//   driver_master.*          the master LP's rows; the CLP handling is restricted_master.hpp's,
//                            shared with forecast mode's MasterLp (colgen.hpp)
//
// Re-planning from a published plan is replan.hpp (solve_replan; its coverage fallback is a
// driver-mode run with the frozen tours as locks).
// Traces of the search: build with -DSO_DM_TRACE, run with SO_DM_DEBUG=1 (SO_DM_DEBUG_CG=1 adds
// every pricing round); they go to stderr.
#include "solver/solve.hpp"

namespace so {

// Called by solve() when request.drivers is non-empty. Same contract as solve(): always a
// report; status OK (audit clean, every tour covered), INFEASIBLE (a plan with unassigned tours
// and their reasons), CANCELLED or FAILED (e.g. an impossible lock: reason code LOCK_INFEASIBLE
// and the problem in the report's driver_mode.error).
PlanReport solve_driver_mode(const SolveRequest& request, const SolveControl& control);

}  // namespace so
