#pragma once
// Phases, budget slices, work accounting and the wall-clock safety net (solver.md "Determinism
// and budgets"). Decisions are driven by work counters; the clock only ever stops work early
// (reported as TIME_LIMIT_REACHED), and cancellation stops it within well under a second.
#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <string>

namespace so {

enum class Phase { Profiling = 0, Phase1 = 1, Phase2 = 2, Lns = 3, Audit = 4 };
inline constexpr int kPhases = 5;
const char* phase_name(Phase p);  // "profiling", "phase1", "phase2", "lns", "audit"

// Slices of time_limit_seconds (solver.md): profiling 2 %, phase1 50 %, phase2 15 %, lns 28 %,
// buffer 5 % (audit, KPIs, answering). Deadlines are cumulative, so an early phase that finishes
// early passes its time on.
inline constexpr std::array<double, 4> kPhaseSlices = {0.02, 0.50, 0.15, 0.28};
inline constexpr double kBufferSlice = 0.05;
// Answering may take at most this much past time_limit_seconds (solver.md).
inline constexpr double kAnswerAllowanceSeconds = 0.25;

class Budget {
 public:
  using Clock = std::chrono::steady_clock;
  Budget(double time_limit_seconds, const std::atomic<bool>* cancel);

  double time_limit() const { return limit_; }
  double elapsed() const;
  // The slice a phase gets by schedule, and its cumulative deadline (seconds since the start).
  double slice(Phase p) const;
  double phase_deadline(Phase p) const;
  // Budget left by *schedule* after the given phase ends (deterministic; used for decisions such
  // as the bad-block-mix rerun, never the measured clock).
  double scheduled_remaining_after(Phase p) const;

  // Time kept back for the audit, KPIs and answering when that needs more than the buffer slice
  // (it grows with the tours: ~0.75 s for 50,000); every phase deadline ends that much earlier.
  void reserve_for_answer(double seconds) { reserve_ = std::max(0.0, seconds); }

  void start_phase(Phase p);
  void end_phase(Phase p);  // once per start_phase: a second call does nothing
  Phase current() const { return current_; }
  double phase_seconds(Phase p) const { return spent_[static_cast<int>(p)]; }
  // The phase ended after its cumulative deadline (its slice plus what earlier phases passed on).
  bool phase_overran(Phase p) const;

  bool cancelled() const { return cancel_ && cancel_->load(std::memory_order_relaxed); }
  // The safety net: true once the current phase's deadline (or the run's) has passed. Records
  // that the clock, not the work limits, ended some work.
  bool phase_deadline_passed() const;
  bool run_deadline_passed() const;
  bool should_stop() const { return cancelled() || phase_deadline_passed(); }
  bool must_stop() const { return cancelled() || run_deadline_passed(); }
  // Seconds left until the current phase's deadline (≥ 0) — the max-seconds given to CLP/CBC.
  double seconds_left_in_phase() const;
  double seconds_left_in_run() const;
  bool hit_wall_clock() const { return hit_clock_.load(std::memory_order_relaxed); }

 private:
  Clock::time_point start_;
  double limit_;
  const std::atomic<bool>* cancel_;
  Phase current_ = Phase::Profiling;
  std::array<double, kPhases> phase_start_{};
  std::array<double, kPhases> spent_{};
  std::array<double, kPhases> ended_at_{};
  std::array<bool, kPhases> open_{};  // started and not yet ended
  mutable std::atomic<bool> hit_clock_{false};
  double reserve_ = 0;
};

}  // namespace so
