#pragma once
// Driver mode, lns: repair and improvement of the best plan, each bounded by work counts.
// restore_locks gives a locked driver exactly its locked tours should the plan not keep a lock;
// lns_repair frees the rosters around an unassigned tour and re-solves them (column generation
// and dive restricted to the freed tours and drivers); reduce_drivers empties weak rosters
// through direct moves and one-step ejection chains; hand_over_contracts swaps whole rosters so
// that contract minimums are met.
#include "solver/driver_mode_context.hpp"

namespace so::dm {

// A lock the plan does not keep (never expected): the driver gets exactly its locked tours, the
// rest of its roster goes back to the unassigned tours; then the greedy insertion.
void restore_locks(DriverModeContext& ctx, Plan& plan);

// LNS repair while tours stay uncovered above the bound; keeps lexicographically better plans.
void lns_repair(DriverModeContext& ctx, Plan& plan);

// Driver reduction of a complete plan above the bound (not when the locks were free).
void reduce_drivers(DriverModeContext& ctx, Plan& plan);

// Contract minimums (objective tier 3): rosters change hands when the total shortfall drops.
void hand_over_contracts(DriverModeContext& ctx, Plan& plan);

}  // namespace so::dm
