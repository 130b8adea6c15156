#pragma once
// Re-planning from a published plan (dispatch.md §2). The request carries the changed week
// (core/changes.hpp: apply_changes), the frozen assignments as locks and the base in
// `request.replan`. Objective, in this order: most tours covered; fewest drivers affected
// (roster after frozen_until differs from the base); fewest changed assignments; fewest drivers
// used. The search follows that order:
//   1. projection — every driver keeps its base tours that still fit (frozen ones always);
//   2. absorption — the tours left over (a sick driver's, added, re-timed) go first to drivers
//      already affected, then to the one driver who takes the most of them (a spare who takes
//      all of a sick driver's week: 2 drivers affected), greedily, tour by tour in time order;
//   3. one ejection — a tour still left takes the place of a tour that another driver takes over;
//   4. coverage fallback — if tours are still uncovered, driver mode with the frozen locks and the
//      base as the previous plan; it wins only by covering more.
// Every plan is audited (frozen tours are locks: they stay with their base driver).
#include "solver/solve.hpp"

namespace so {

PlanReport solve_replan(const SolveRequest& request, const SolveControl& control);

}  // namespace so
