#pragma once
// Driver mode, phase 1: the first plans (incumbents), offered before any column generation.
// - offer_honoured_locks: with locks, the plan of the same pool without them, its rosters
//   re-dealt by honour_locks (locks.hpp) so that every lock holds; sets ctx.locks_free.
// - offer_previous_plan: the previous plan projected on this week (stability).
// - offer_forecast_incumbents: the forecast-mode plan matched to drivers who may work its rosters
//   whole (match_forecast, which also seeds the master), its qualified tours relabelled onto
//   the qualified drivers (relabel_forecast), the layered plan for scarce qualifications, and
//   for a pool smaller than the plan the week re-solved without a rest-concurrency clique.
#include "solver/driver_master.hpp"
#include "solver/driver_mode_context.hpp"

namespace so::dm {

void offer_honoured_locks(DriverModeContext& ctx);
void offer_previous_plan(DriverModeContext& ctx);
void offer_forecast_incumbents(DriverModeContext& ctx, DriverMaster& master);

}  // namespace so::dm
