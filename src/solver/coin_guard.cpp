#include "solver/coin_guard.hpp"

#include <coin/CbcEventHandler.hpp>
#include <coin/CbcModel.hpp>
#include <coin/ClpEventHandler.hpp>
#include <coin/ClpSimplex.hpp>
#include <coin/CoinMessageHandler.hpp>
#include <coin/OsiClpSolverInterface.hpp>

namespace so {

namespace {

class QuietHandler : public CoinMessageHandler {
 public:
  QuietHandler() { setLogLevel(0); }
  int print() override { return 0; }
  CoinMessageHandler* clone() const override { return new QuietHandler(*this); }
};

// Polls the stop callback every kPollIterations simplex iterations (the clock read is cheap, but
// not free on tiny LPs that run thousands of solves).
constexpr long kPollIterations = 32;

// Polls either a fixed stop callback or the one a slot points at when the event fires (a
// long-lived model whose caller changes the callback per solve).
class LpStop : public ClpEventHandler {
 public:
  LpStop(const StopFn* stop, const StopFn* const* slot) : stop_(stop), slot_(slot) {}
  int event(Event e) override {
    if (e != endOfIteration || ++count_ % kPollIterations != 0) return -1;
    const StopFn* stop = slot_ ? *slot_ : stop_;
    return (stop && *stop && (*stop)()) ? 0 : -1;
  }
  ClpEventHandler* clone() const override { return new LpStop(*this); }

 private:
  const StopFn* stop_;
  const StopFn* const* slot_;
  long count_ = 0;
};

class MipStop : public CbcEventHandler {
 public:
  explicit MipStop(const StopFn* stop) : stop_(stop) {}
  CbcAction event(CbcEvent) override { return (stop_ && *stop_ && (*stop_)()) ? stop : noAction; }
  CbcEventHandler* clone() const override { return new MipStop(*this); }

 private:
  const StopFn* stop_;
};

}  // namespace

CoinMessageHandler* quiet_coin_messages() {
  thread_local QuietHandler handler;
  return &handler;
}

void guard_lp(ClpSimplex& model, const StopFn* stop) {
  model.passInMessageHandler(quiet_coin_messages());
  model.setLogLevel(0);
  if (stop && *stop) {
    LpStop handler(stop, nullptr);
    model.passInEventHandler(&handler);  // CLP keeps a clone
  }
}

void guard_lp_slot(ClpSimplex& model, const StopFn* const* slot) {
  model.passInMessageHandler(quiet_coin_messages());
  model.setLogLevel(0);
  LpStop handler(nullptr, slot);
  model.passInEventHandler(&handler);  // CLP keeps a clone
}

void guard_lp(OsiClpSolverInterface& solver, const StopFn* stop) {
  solver.passInMessageHandler(quiet_coin_messages());
  solver.messageHandler()->setLogLevel(0);
  guard_lp(*solver.getModelPtr(), stop);
}

void solve_lp(OsiClpSolverInterface& solver) {
  if (solver.getNumCols() < kLargeLpColumns) {
    solver.initialSolve();
    return;
  }
  solver.getModelPtr()->dual(0);
}

void guard_mip(CbcModel& model, const StopFn* stop) {
  model.passInMessageHandler(quiet_coin_messages());
  model.setLogLevel(0);
  model.setPrintFrequency(0);
  if (auto* osi = dynamic_cast<OsiClpSolverInterface*>(model.solver())) guard_lp(*osi, stop);
  if (stop && *stop) {
    MipStop handler(stop);
    model.passInEventHandler(&handler);  // CBC keeps a clone
  }
}

}  // namespace so
