#include "cli/progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>

#include <CLI/CLI.hpp>

#include "cli/interrupt.hpp"

namespace so::cli {

namespace {

constexpr auto kRedrawInterval = std::chrono::milliseconds(200);  // the line redraws at most 5 times a second
constexpr const char* kClearLine = "\r\033[K";

void write_all(const std::string& s) {
  const char* p = s.data();
  size_t left = s.size();
  while (left > 0) {
    const ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // stderr gone: progress is not worth failing the run for
    p += n;
    left -= static_cast<size_t>(n);
  }
}

size_t terminal_width() {
  winsize ws{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

std::string format(const char* fmt, auto... args) {
  char buf[128];
  std::snprintf(buf, sizeof buf, fmt, args...);
  return buf;
}

std::string count_or_dash(int n) { return n < 0 ? "-" : std::to_string(n); }

}  // namespace

void add_progress_options(CLI::App* sub, ProgressOptions& options, bool with_quiet) {
  const std::map<std::string, ProgressMode> modes = {
      {"auto", ProgressMode::Auto}, {"tty", ProgressMode::Tty}, {"plain", ProgressMode::Plain}, {"none", ProgressMode::None}};
  auto* progress = sub->add_option("--progress", options.mode,
                                   "progress on stderr: auto (a status line when stderr is a terminal and not --json), "
                                   "tty (the status line), plain (one line per event, for logs), none")
                       ->transform(CLI::CheckedTransformer(modes, CLI::ignore_case));
  if (!with_quiet) return;
  auto* quiet = sub->add_flag("--quiet,-q", options.quiet,
                              "print nothing but errors (no progress, summary or warnings); files are still "
                              "written, the exit code tells the outcome");
  quiet->excludes(progress);
  if (auto* json = sub->get_option_no_throw("--json")) quiet->excludes(json);
}

ProgressMode resolve_progress_mode(const ProgressOptions& options, bool json) {
  if (options.quiet) return ProgressMode::None;
  if (options.mode != ProgressMode::Auto) return options.mode;
  const char* term = std::getenv("TERM");
  const bool dumb = term && std::strcmp(term, "dumb") == 0;
  return !json && !dumb && ::isatty(STDERR_FILENO) ? ProgressMode::Tty : ProgressMode::None;
}

ProgressReporter::ProgressReporter(ProgressMode mode, std::string command, double budget_s, bool show_drivers,
                                   const std::atomic<bool>* cancel, bool quiet)
    : mode_(mode == ProgressMode::Auto ? ProgressMode::None : mode),
      command_(std::move(command)),
      budget_s_(budget_s),
      show_drivers_(show_drivers),
      cancel_(cancel),
      quiet_(quiet),
      start_(std::chrono::steady_clock::now()) {
  if (mode_ == ProgressMode::Plain) {
    std::string extra = "command=" + command_;
    if (budget_s_ > 0) extra += format(" budget=%gs", budget_s_);
    lines_.push_back(plain_line("run_started", 0.0, extra));
  }
  if (!quiet_) writer_ = std::thread([this] { writer_loop(); });
}

double ProgressReporter::elapsed() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void ProgressReporter::on_event(const ProgressEvent& ev) {
  if (mode_ == ProgressMode::None) return;
  std::lock_guard lock(mu_);
  if (!state_.apply(ev)) return;  // only news: a phase, or a move of incumbent, bound or coverage
  if (mode_ == ProgressMode::Plain) lines_.push_back(plain_line(ev.type, elapsed()));
  else if (ev.type == "phase_started") redraw_now_ = true;  // a phase change shows at once
  else {
    unshown_news_ = true;
    return;
  }
  cv_.notify_one();
}

std::string ProgressReporter::status_line(size_t width, double t) const {
  // Most telling first, so a narrow terminal cuts the least useful part.
  std::string s = cancel_seen_ ? "cancelling (Ctrl-C again quits) | " : "";
  s += state_.phase.empty() ? std::string("starting") : state_.phase;
  s += budget_s_ > 0 ? format(" %.1fs/%gs", t, budget_s_) : format(" %.1fs", t);
  if (show_drivers_) s += " | drivers " + count_or_dash(state_.incumbent_drivers);
  s += " | bound " + (state_.lower_bound > 0 ? std::to_string(state_.lower_bound) : std::string("-"));
  if (show_drivers_) s += " | gap " + gap_text();
  if (state_.tours_total >= 0) s += " | tours " + count_or_dash(state_.tours_covered) + "/" + std::to_string(state_.tours_total);
  // One column short of the width: a full last column would wrap on some terminals.
  if (width > 1 && s.size() > width - 1) s.resize(width - 1);
  return s;
}

std::string ProgressReporter::plain_line(const std::string& event, double t, const std::string& extra) const {
  std::string s = format("progress t=%.3fs event=", t) + event;
  if (!extra.empty()) return s + " " + extra + "\n";
  s += " phase=" + (state_.phase.empty() ? std::string("-") : state_.phase);
  if (show_drivers_) s += " drivers=" + count_or_dash(state_.incumbent_drivers);
  s += " bound=" + std::to_string(state_.lower_bound);
  if (show_drivers_) s += " gap=" + gap_text();
  if (state_.tours_total >= 0) s += " tours=" + count_or_dash(state_.tours_covered) + "/" + std::to_string(state_.tours_total);
  return s + "\n";
}

std::string ProgressReporter::gap_text() const {
  const auto gap = state_.gap();
  // With tours uncovered (driver mode) the gap to the full-coverage bound means nothing.
  const bool complete = state_.tours_total < 0 || state_.tours_covered == state_.tours_total;
  return gap && complete ? format("%.2f%%", 100.0 * *gap) : std::string("-");
}

void ProgressReporter::writer_loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait_for(lock, kRedrawInterval, [&] { return stop_ || redraw_now_ || !lines_.empty(); });
    std::string out;
    if (cancel_ && cancel_->load() && !cancel_seen_) {
      cancel_seen_ = true;
      if (mode_ == ProgressMode::Plain) lines_.push_back(plain_line("cancel_requested", elapsed(), "signal=SIGINT"));
      if (mode_ == ProgressMode::None) out += "cancelling: the best plan so far follows (Ctrl-C again quits at once)\n";
    }
    while (!lines_.empty()) {
      out += lines_.front();
      lines_.pop_front();
    }
    // The last news is drawn even when the run ends before the next tick, so the final state is seen.
    if (mode_ == ProgressMode::Tty && (!stop_ || unshown_news_)) {
      out += "\r" + status_line(terminal_width(), elapsed()) + "\033[K";
      line_shown_ = true;
      unshown_news_ = false;
    }
    redraw_now_ = false;
    const bool stopping = stop_;
    if (!out.empty()) {
      set_progress_line_shown(line_shown_);
      lock.unlock();
      write_all(out);
      lock.lock();
    }
    if (stopping) return;
  }
}

void ProgressReporter::stop() { finish({}, {}); }

void ProgressReporter::finish(const std::string& event, const std::string& fields) {
  {
    std::lock_guard lock(mu_);
    if (finished_) return;
    finished_ = true;
    stop_ = true;
  }
  cv_.notify_one();
  if (writer_.joinable()) writer_.join();  // the writer flushed its lines and drew its last line
  std::string out;
  if (line_shown_) out += kClearLine;  // the summary prints on a clean line, as without progress
  if (mode_ == ProgressMode::Plain && !event.empty() && !quiet_) out += plain_line(event, elapsed(), fields);
  write_all(out);
  line_shown_ = false;
  set_progress_line_shown(false);
}

void ProgressReporter::finish(const PlanReport& r) {
  const std::string& st = r.status;
  const char* event = st == "OK" || st == "INFEASIBLE" ? "run_completed" : (st == "CANCELLED" ? "run_cancelled" : "run_failed");
  std::string fields = "status=" + st + " drivers=" + std::to_string(r.kpis.drivers_total) +
                       " bound=" + std::to_string(r.lower_bounds.best) + " audit=" + (r.audit.ok ? "OK" : "FAILED");
  if (r.driver_mode.enabled) fields += " uncovered=" + std::to_string(r.plan.unassigned.size());
  finish(event, fields);
}

PlanReport solve_with_progress(const SolveRequest& request, const ProgressOptions& options, bool json,
                               const char* command, const std::atomic<bool>* cancel) {
  ProgressReporter reporter(resolve_progress_mode(options, json), command, request.time_limit_seconds, true, cancel,
                            options.quiet);
  SolveControl control;
  control.cancel = cancel;
  control.on_progress = [&reporter](const ProgressEvent& ev) { reporter.on_event(ev); };
  PlanReport report = solve(request, control);
  reporter.finish(report);
  return report;
}

}  // namespace so::cli
