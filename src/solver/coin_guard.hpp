#pragma once
// Every COIN-OR call runs under a guard (issue 10): the stop callback (deadline, cancel) is
// polled during CLP iterations and at CBC events, so no LP or MIP can outrun the run's clock or
// ignore a cancel; and COIN never prints — its messages go to a handler that drops them (the
// solver reports through our own logs and progress events).
#include <functional>

class ClpSimplex;
class CbcModel;
class OsiClpSolverInterface;
class CoinMessageHandler;

namespace so {

using StopFn = std::function<bool()>;

// A message handler that prints nothing; one per thread (a handler keeps per-message state).
CoinMessageHandler* quiet_coin_messages();

// Silences the model and, when `stop` is given, installs an event handler that ends the simplex
// once (*stop)() is true (polled every few iterations). `stop` must outlive the model's solves.
void guard_lp(ClpSimplex& model, const StopFn* stop);
void guard_lp(OsiClpSolverInterface& solver, const StopFn* stop);
// The same for a long-lived model whose callback changes per solve: the handler reads *slot
// (null = no stop) each time it polls. `slot` must outlive the model.
void guard_lp_slot(ClpSimplex& model, const StopFn* const* slot);
// initialSolve(), except that large LPs (dense weeks: 10^5 columns and more) skip CLP's
// presolve and "idiot" crash, which poll no event handler (seconds without a stop check); the
// dual simplex alone checks the guard every few iterations.
void solve_lp(OsiClpSolverInterface& solver);
inline constexpr int kLargeLpColumns = 50000;

// The same for a MIP: CBC's own events end the search, and its LP solver is guarded as above.
// The guard object is owned by the model (CbcModel clones event handlers).
void guard_mip(CbcModel& model, const StopFn* stop);

}  // namespace so
