#pragma once
// Live progress of solve / replan / bounds on stderr, from the solver's progress events (the same
// ones the service turns into run events): a self-updating status line on a terminal, or one
// line per event (--progress=plain), or nothing.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "core/report.hpp"
#include "solver/progress.hpp"
#include "solver/solve.hpp"

namespace CLI {
class App;
}

namespace so::cli {

enum class ProgressMode { Auto, Tty, Plain, None };

struct ProgressOptions {
  ProgressMode mode = ProgressMode::Auto;
  bool quiet = false;  // nothing but errors: no progress, no summary, no warnings
};

// --progress=auto|tty|plain|none, and --quiet when with_quiet (mutually exclusive with --json
// and --progress: each asks for output --quiet refuses).
void add_progress_options(CLI::App* sub, ProgressOptions& options, bool with_quiet);

// auto: the status line when stderr is a terminal (TERM not "dumb") and stdout is not --json.
ProgressMode resolve_progress_mode(const ProgressOptions& options, bool json);

// Formats and writes the progress. The solving thread only updates the state under a mutex; a
// writer thread does all the writing, so a slow terminal or a full pipe never stalls the solve.
class ProgressReporter {
 public:
  // budget_s 0: no time limit shown (bounds). show_drivers false: the bound only (bounds).
  ProgressReporter(ProgressMode mode, std::string command, double budget_s, bool show_drivers,
                   const std::atomic<bool>* cancel, bool quiet);
  ~ProgressReporter() { stop(); }
  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;

  void on_event(const ProgressEvent& ev);  // any thread
  // The run ended: stops the writer and clears the line; plain mode writes the final event line
  // (`event` run_completed | run_cancelled | run_failed, then `fields`).
  void finish(const std::string& event, const std::string& fields);
  void finish(const PlanReport& report);  // the final event and its fields from the report
  void stop();                            // ends without a final event (an error was thrown)


 private:
  // The tty status line cut to `width`, and a plain event line (the caller holds mu_).
  std::string status_line(size_t width, double elapsed_s) const;
  std::string plain_line(const std::string& event, double elapsed_s, const std::string& extra = {}) const;
  std::string gap_text() const;
  double elapsed() const;
  void writer_loop();

  const ProgressMode mode_;
  const std::string command_;
  const double budget_s_;
  const bool show_drivers_;
  const std::atomic<bool>* const cancel_;
  const bool quiet_;
  const std::chrono::steady_clock::time_point start_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  ProgressState state_;
  std::deque<std::string> lines_;  // plain: lines waiting for the writer
  bool redraw_now_ = false, unshown_news_ = false, stop_ = false, cancel_seen_ = false, finished_ = false, line_shown_ = false;
  std::thread writer_;
};

// solve() with the progress display and Ctrl-C cancelling it (the flag of an InterruptGuard).
PlanReport solve_with_progress(const SolveRequest& request, const ProgressOptions& options, bool json,
                               const char* command, const std::atomic<bool>* cancel);

}  // namespace so::cli
