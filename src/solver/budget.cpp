#include "solver/budget.hpp"

#include <algorithm>

namespace so {

const char* phase_name(Phase p) {
  switch (p) {
    case Phase::Profiling: return "profiling";
    case Phase::Phase1: return "phase1";
    case Phase::Phase2: return "phase2";
    case Phase::Lns: return "lns";
    case Phase::Audit: return "audit";
  }
  return "?";
}

Budget::Budget(double time_limit_seconds, const std::atomic<bool>* cancel)
    : start_(Clock::now()), limit_(std::max(0.0, time_limit_seconds)), cancel_(cancel) {}

double Budget::elapsed() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

double Budget::slice(Phase p) const {
  int i = static_cast<int>(p);
  if (i < 4) return kPhaseSlices[static_cast<size_t>(i)] * limit_;
  return kBufferSlice * limit_;
}

double Budget::phase_deadline(Phase p) const {
  double frac = 0;
  for (int i = 0; i <= std::min(static_cast<int>(p), 3); ++i) frac += kPhaseSlices[static_cast<size_t>(i)];
  if (p == Phase::Audit) return limit_;
  return std::min(frac * limit_, std::max(0.0, limit_ - reserve_));
}

double Budget::scheduled_remaining_after(Phase p) const { return std::max(0.0, limit_ - phase_deadline(p)); }

void Budget::start_phase(Phase p) {
  current_ = p;
  phase_start_[static_cast<size_t>(p)] = elapsed();
  open_[static_cast<size_t>(p)] = true;
}

void Budget::end_phase(Phase p) {
  // A cancel right after a phase ended ends it again: count its time once.
  if (!open_[static_cast<size_t>(p)]) return;
  open_[static_cast<size_t>(p)] = false;
  const double now = elapsed();
  spent_[static_cast<size_t>(p)] += now - phase_start_[static_cast<size_t>(p)];
  ended_at_[static_cast<size_t>(p)] = now;
}

bool Budget::phase_overran(Phase p) const { return ended_at_[static_cast<size_t>(p)] > phase_deadline(p) + 1e-9; }

bool Budget::phase_deadline_passed() const {
  if (elapsed() < phase_deadline(current_)) return false;
  hit_clock_.store(true, std::memory_order_relaxed);
  return true;
}

bool Budget::run_deadline_passed() const {
  if (elapsed() < phase_deadline(Phase::Lns)) return false;  // the buffer is for audit and answering
  hit_clock_.store(true, std::memory_order_relaxed);
  return true;
}

double Budget::seconds_left_in_phase() const { return std::max(0.0, phase_deadline(current_) - elapsed()); }
double Budget::seconds_left_in_run() const { return std::max(0.0, phase_deadline(Phase::Lns) - elapsed()); }

}  // namespace so
