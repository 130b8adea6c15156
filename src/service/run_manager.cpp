#include "service/run_manager.hpp"

#include <algorithm>
#include <cmath>

#include <spdlog/spdlog.h>

#include "io/plan_json.hpp"
#include "service/log.hpp"
#include "service/request.hpp"
#include "service/run_store.hpp"
#include "service/service_metrics.hpp"
#include "service/util.hpp"

namespace so {

using json = nlohmann::json;

namespace {

constexpr size_t kMaxEventsPerRun = 5000;  // progress events beyond this are dropped (bounded memory)

// The same shape as the plan's "config" (io/plan_json.hpp).
json config_report_json(const ConfigReport& c) {
  json rejected = json::object(), clamped = json::object();
  for (const auto& [k, why] : c.overrides_rejected) rejected[k] = why;
  for (const auto& [k, change] : c.overrides_clamped) clamped[k] = change;
  return {{"effective_hash", c.effective_hash},
          {"overrides_applied", applied_overrides_json(c)},
          {"overrides_rejected", rejected},
          {"overrides_clamped", clamped}};
}

json null_if_empty(const std::string& s) { return s.empty() ? json() : json(s); }

}  // namespace

std::map<std::string, double> nominal_budget_slices(double t) {
  return {{"profiling", 0.02 * t}, {"phase1", 0.50 * t}, {"phase2", 0.15 * t}, {"lns", 0.28 * t},
          {"buffer", 0.05 * t},    {"total", t}};
}

// ---------------------------------------------------------------------------------------------
// Run

Run::Run(std::string id, RunSpec spec, std::string created_at)
    : id_(std::move(id)), correlation_id_(spec.correlation_id), spec_(std::make_unique<RunSpec>(std::move(spec))) {
  created_at_ = std::move(created_at);
  seed_ = spec_->request.seed;
  time_limit_ = spec_->request.time_limit_seconds;
  week_start_ = spec_->request.week_start;
  input_format_ = spec_->input_format;
  kind_ = spec_->kind.empty() ? "solve" : spec_->kind;
  parent_run_id_ = spec_->parent_run_id;
  tours_ = static_cast<int>(spec_->request.tours.size());
  config_ = spec_->request.config_report;
  budget_slices_ = nominal_budget_slices(time_limit_);
  spec_->request.run_id = id_;
}

std::string Run::status() const {
  std::lock_guard lock(mu_);
  return status_;
}

bool Run::finished() const {
  std::lock_guard lock(mu_);
  return finished_;
}

json Run::view() const {
  std::lock_guard lock(mu_);
  return view_locked();
}

json Run::view_locked() const {
  const std::string base = "/api/v1/runs/" + id_;
  json progress = {{"best_drivers", incumbent_ < 0 ? json() : json(incumbent_)},
                   {"lower_bound", lower_bound_},
                   {"elapsed_s", elapsed_s_}};
  return {{"run_id", id_},
          {"status", status_},
          {"reason", null_if_empty(reason_)},
          {"phase", null_if_empty(phase_)},
          {"created_at", created_at_},
          {"started_at", null_if_empty(started_at_)},
          {"finished_at", null_if_empty(finished_at_)},
          {"seed", seed_},
          {"time_limit_seconds", time_limit_},
          {"week_start", week_start_},
          {"tours", tours_},
          {"input_format", input_format_},
          {"kind", kind_},
          {"parent_run_id", null_if_empty(parent_run_id_)},
          {"budget", {{"time_limit_seconds", time_limit_}, {"slices_s", budget_slices_}}},
          {"progress", progress},
          {"config", config_report_json(config_)},
          {"config_effective_hash", config_.effective_hash},
          {"result", result_},
          {"run_url", base},
          {"events_url", base + "/events"},
          {"plan_url", base + "/plan"},
          {"report_url", base + "/report"}};
}

void Run::emit_locked(std::string event, json data) {
  if (event == "progress" && events_.size() >= kMaxEventsPerRun) {
    events_capped_ = true;
    return;
  }
  RunEvent e;
  e.id = static_cast<long long>(events_.size()) + 1;
  e.event = std::move(event);
  e.data = std::move(data);
  events_.push_back(std::move(e));
  cv_.notify_all();
}

std::vector<RunEvent> Run::events_after(long long after, bool* terminal) const {
  std::lock_guard lock(mu_);
  if (terminal) *terminal = finished_;
  std::vector<RunEvent> out;
  for (const RunEvent& e : events_)
    if (e.id > after) out.push_back(e);
  return out;
}

bool Run::wait_for_event(long long after, std::chrono::milliseconds timeout, const std::function<bool()>& wake) const {
  std::unique_lock lock(mu_);
  auto has_news = [&] { return finished_ || static_cast<long long>(events_.size()) > after; };
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  // Wake up at least every 200 ms to ask `wake` (e.g. server shutting down, client gone).
  while (!has_news()) {
    if (wake && wake()) return false;
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    cv_.wait_for(lock, std::min<std::chrono::steady_clock::duration>(deadline - now, std::chrono::milliseconds(200)));
  }
  return true;
}

bool Run::wait_finished(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return finished_; });
}

std::string Run::plan_json() const {
  std::lock_guard lock(mu_);
  return plan_json_;
}

// ---------------------------------------------------------------------------------------------
// RunManager

RunManager::RunManager(RunManagerOptions options, RunStore& store, ServiceMetrics& metrics, SolveFunction solve,
                       DocumentRenderer render)
    : options_(options), store_(store), metrics_(metrics), solve_(std::move(solve)), render_(std::move(render)) {
  options_.max_concurrent_runs = std::max(1, options_.max_concurrent_runs);
  options_.max_queued_runs = std::max(0, options_.max_queued_runs);
}

RunManager::~RunManager() {
  begin_drain();
  cancel_running();
  stop();
}

void RunManager::start() {
  std::lock_guard lock(mu_);
  if (!workers_.empty()) return;
  for (int i = 0; i < options_.max_concurrent_runs; ++i) workers_.emplace_back([this] { worker_loop(); });
  update_gauges_locked();
}

void RunManager::update_gauges_locked() {
  metrics_.set_runs(static_cast<int>(running_runs_.size()), static_cast<int>(queue_.size()));
}

int RunManager::running() const {
  std::lock_guard lock(mu_);
  return static_cast<int>(running_runs_.size());
}

int RunManager::queued() const {
  std::lock_guard lock(mu_);
  return static_cast<int>(queue_.size());
}

RunManager::Submitted RunManager::submit(RunSpec spec) {
  Submitted out;
  const std::string id = new_run_id();
  {
    std::lock_guard lock(mu_);
    if (draining_) {
      out.error = SubmitError::ShuttingDown;
      return out;
    }
    const size_t limit = static_cast<size_t>(options_.max_concurrent_runs + options_.max_queued_runs);
    if (running_runs_.size() + queue_.size() + static_cast<size_t>(reserved_) >= limit) {
      // Retry-After: when the soonest running run is expected to end: as long as recent runs
      // took (their median), never later than its remaining budget.
      std::optional<double> typical;
      {
        std::lock_guard dl(durations_mu_);
        if (!recent_durations_s_.empty()) {
          std::vector<double> d(recent_durations_s_.begin(), recent_durations_s_.end());
          std::nth_element(d.begin(), d.begin() + static_cast<long>(d.size() / 2), d.end());
          typical = d[d.size() / 2];
        }
      }
      double soonest = 0;
      bool any = false;
      const auto now = std::chrono::steady_clock::now();
      for (const auto& r : running_runs_) {
        std::lock_guard rl(r->mu_);
        const double elapsed = std::chrono::duration<double>(now - r->started_mono_).count();
        double left = r->time_limit_ - elapsed;
        if (typical) left = std::min(left, std::max(0.0, *typical - elapsed));
        soonest = any ? std::min(soonest, left) : left;
        any = true;
      }
      out.error = SubmitError::QueueFull;
      out.retry_after_s = std::max(1, static_cast<int>(std::ceil(soonest)));
      return out;
    }
    ++reserved_;  // the slot is ours while the request is written to the store
  }
  StoredRun stored;
  try {
    stored.input_json = solve_input_json(spec.request).dump();
  } catch (const std::exception& e) {
    std::lock_guard lock(mu_);
    --reserved_;
    throw;
  }
  auto run = std::make_shared<Run>(id, std::move(spec), now_iso_utc());
  stored.id = id;
  stored.status = "QUEUED";
  stored.created_at = run->created_at_;
  stored.request_content_type = run->spec_->content_type;
  stored.request_body = run->spec_->body;
  stored.summary_json = run->view().dump();
  stored.kind = run->kind_;
  stored.parent_run_id = run->parent_run_id_;
  stored.week = run->week_start_;
  try {
    store_.insert(stored);
  } catch (const std::exception& e) {
    std::lock_guard lock(mu_);
    --reserved_;
    throw;
  }
  run->spec_->body.clear();  // stored; the solve only needs the parsed request
  run->spec_->body.shrink_to_fit();
  {
    std::lock_guard lock(mu_);
    --reserved_;
    live_[id] = run;
    queue_.push_back(run);
    update_gauges_locked();
  }
  cv_.notify_one();
  out.run = run;
  return out;
}

std::shared_ptr<Run> RunManager::live(const std::string& id) const {
  std::lock_guard lock(mu_);
  auto it = live_.find(id);
  return it == live_.end() ? nullptr : it->second;
}

RunManager::CancelOutcome RunManager::cancel(const std::string& id) {
  std::shared_ptr<Run> run;
  bool was_queued = false;
  {
    std::lock_guard lock(mu_);
    auto it = live_.find(id);
    if (it == live_.end()) return CancelOutcome::NotFound;
    run = it->second;
    auto q = std::find(queue_.begin(), queue_.end(), run);
    if (q != queue_.end()) {
      queue_.erase(q);
      was_queued = true;
      running_runs_.push_back(run);  // accounted as finishing until finish_run removes it
      update_gauges_locked();
    }
  }
  if (was_queued) {
    finish_run(run, "CANCELLED", "CANCELLED_BY_CLIENT", nullptr, nullptr);
    return CancelOutcome::Cancelled;
  }
  {
    std::lock_guard rl(run->mu_);
    if (run->finished_) return CancelOutcome::AlreadyFinished;
    if (run->cancel_reason_.empty()) run->cancel_reason_ = "CANCELLED_BY_CLIENT";
  }
  run->cancel_.store(true);
  return CancelOutcome::Requested;
}

void RunManager::begin_drain() {
  std::vector<std::shared_ptr<Run>> queued;
  {
    std::lock_guard lock(mu_);
    if (draining_.exchange(true)) return;
    queued.assign(queue_.begin(), queue_.end());
    queue_.clear();
    for (const auto& r : queued) running_runs_.push_back(r);
    update_gauges_locked();
  }
  // Queued runs never started: they end CANCELLED (reason SHUTDOWN) so clients know to resubmit.
  for (const auto& r : queued) finish_run(r, "CANCELLED", "SHUTDOWN", nullptr, nullptr);
}

bool RunManager::wait_running_done(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mu_);
  return idle_cv_.wait_until(lock, deadline, [&] { return running_runs_.empty() && reserved_ == 0; });
}

void RunManager::cancel_running() {
  std::lock_guard lock(mu_);
  for (const auto& r : running_runs_) {
    {
      std::lock_guard rl(r->mu_);
      if (r->cancel_reason_.empty()) r->cancel_reason_ = "SHUTDOWN";
    }
    r->cancel_.store(true);
  }
}

void RunManager::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : workers_)
    if (t.joinable()) t.join();
  workers_.clear();
}

void RunManager::worker_loop() {
  for (;;) {
    std::shared_ptr<Run> run;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and nothing left
      run = queue_.front();
      queue_.pop_front();
      running_runs_.push_back(run);
      update_gauges_locked();
    }
    try {
      execute(run);
    } catch (const std::exception& e) {
      // Never let a run take the worker down; the run ends FAILED.
      service_log()->error("run {}: unexpected error in the run manager: {}", run->id(), e.what());
      if (!run->finished()) finish_run(run, "FAILED", std::string("INTERNAL_ERROR: ") + e.what(), nullptr, nullptr);
    }
  }
}

void RunManager::execute(const std::shared_ptr<Run>& run) {
  ScopedLogContext log_ctx(run->correlation_id(), run->id());
  RunSpec* spec = nullptr;
  std::string started_view;
  {
    std::lock_guard rl(run->mu_);
    spec = run->spec_.get();
    run->status_ = "RUNNING";
    run->started_at_ = now_iso_utc();
    run->started_mono_ = std::chrono::steady_clock::now();
    run->phase_ = "profiling";
    run->emit_locked("run_started", {{"run_id", run->id_},
                                     {"status", "RUNNING"},
                                     {"config_effective_hash", run->config_.effective_hash},
                                     {"seed", run->seed_},
                                     {"time_limit_seconds", run->time_limit_},
                                     {"tours", run->tours_},
                                     {"week_start", run->week_start_},
                                     {"budget_slices_s", run->budget_slices_}});
    started_view = run->view_locked().dump();
  }
  try {
    store_.mark_running(run->id(), run->started_at_, started_view);
  } catch (const std::exception& e) {
    service_log()->error("run store: cannot mark run running: {}", e.what());
  }
  service_log()->info("run started: {} tours, seed {}, time limit {} s, config {}", spec->request.tours.size(),
                      spec->request.seed, spec->request.time_limit_seconds,
                      spec->request.config_report.effective_hash);

  SolveControl control;
  control.cancel = &run->cancel_;
  auto last_progress = std::chrono::steady_clock::time_point{};
  control.on_progress = [run, &last_progress](const ProgressEvent& ev) {
    std::lock_guard rl(run->mu_);
    run->elapsed_s_ = ev.elapsed_s;
    if (ev.type == "phase_started") {
      run->phase_ = ev.phase;
      if (ev.incumbent_drivers >= 0) run->incumbent_ = ev.incumbent_drivers;
      run->lower_bound_ = std::max(run->lower_bound_, ev.lower_bound);
      run->emit_locked("phase_started", {{"run_id", run->id_}, {"phase", ev.phase}, {"elapsed_s", ev.elapsed_s}});
      return;
    }
    const bool changed = (ev.incumbent_drivers >= 0 && ev.incumbent_drivers != run->incumbent_) ||
                         ev.lower_bound > run->lower_bound_;
    if (ev.incumbent_drivers >= 0) run->incumbent_ = ev.incumbent_drivers;
    run->lower_bound_ = std::max(run->lower_bound_, ev.lower_bound);
    if (!ev.phase.empty()) run->phase_ = ev.phase;
    const auto now = std::chrono::steady_clock::now();
    // Progress events when the incumbent or bound moves, else at most one per second.
    if (changed || now - last_progress >= std::chrono::seconds(1)) {
      last_progress = now;
      run->emit_locked("progress", {{"run_id", run->id_},
                                    {"phase", run->phase_},
                                    {"incumbent_drivers", run->incumbent_ < 0 ? json() : json(run->incumbent_)},
                                    {"lower_bound", run->lower_bound_},
                                    {"elapsed_s", ev.elapsed_s}});
    }
  };

  const auto t0 = std::chrono::steady_clock::now();
  PlanReport report;
  std::string error;
  try {
    report = solve_(spec->request, control);
  } catch (const std::exception& e) {
    error = e.what();
  } catch (...) {
    error = "unknown exception";
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!error.empty()) {
    service_log()->error("solve failed: {}", error);
    finish_run(run, "FAILED", "SOLVER_ERROR: " + error, nullptr, nullptr);
    return;
  }

  std::string status, reason;
  if (report.status == "OK" || report.status == "INFEASIBLE") {
    status = "COMPLETED";
  } else if (report.status == "CANCELLED") {
    status = "CANCELLED";
    std::lock_guard rl(run->mu_);
    reason = run->cancel_reason_.empty() ? "CANCELLED" : run->cancel_reason_;
  } else {
    status = "FAILED";
    reason = report.audit.ok ? "SOLVER_FAILED" : "AUDIT_FAILED";
  }
  RunDocuments docs;
  bool have_docs = true;
  try {
    docs = render_(report, spec->request.tours);
  } catch (const std::exception& e) {
    service_log()->error("cannot render the run's documents: {}", e.what());
    have_docs = false;
    status = "FAILED";
    reason = std::string("RENDER_ERROR: ") + e.what();
  }
  if (status == "COMPLETED") metrics_.record_solve(report, wall);
  service_log()->info("run {}: plan {} with {} drivers (lower bound {}), {:.3f} s, signature {}", status,
                      report.status, report.kpis.drivers_total, report.lower_bounds.best, wall,
                      report.solution_signature);
  auto shared = std::make_shared<const PlanReport>(std::move(report));
  const size_t tours = spec->request.tours.size();
  finish_run(run, status, reason, shared, have_docs ? &docs : nullptr);
  if (on_finished_) {
    try {
      on_finished_(run->id(), status, tours);
    } catch (const std::exception& e) {
      service_log()->warn("run {}: after-finish hook failed: {}", run->id(), e.what());
    }
  }
}

void RunManager::finish_run(const std::shared_ptr<Run>& run, const std::string& status, const std::string& reason,
                            std::shared_ptr<const PlanReport> report, const RunDocuments* docs) {
  RunStore::Finish f;
  RunEvent terminal;
  {
    std::lock_guard rl(run->mu_);
    run->status_ = status;
    run->reason_ = reason;
    run->finished_at_ = now_iso_utc();
    run->phase_.clear();
    if (run->started_mono_ != std::chrono::steady_clock::time_point{})
      run->elapsed_s_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - run->started_mono_).count();
    json result;
    if (report) {
      result = {{"plan_status", report->status},
                {"solution_signature", report->solution_signature},
                {"drivers_total", report->kpis.drivers_total},
                {"drivers_fte", report->kpis.drivers_fte},
                {"drivers_pt", report->kpis.drivers_pt},
                {"lower_bound", report->lower_bounds.best},
                {"coverage_rate", report->kpis.coverage_rate},
                {"audit_ok", report->audit.ok},
                {"reason_codes", report->reason_codes}};
      if (!report->stats.phase_budget_s.empty()) {
        for (const auto& [k, v] : report->stats.phase_budget_s) run->budget_slices_[k] = v;
      }
      if (!report->config.effective_hash.empty()) run->config_ = report->config;
      if (report->kpis.drivers_total > 0 || report->status == "OK") run->incumbent_ = report->kpis.drivers_total;
      run->lower_bound_ = std::max(run->lower_bound_, report->lower_bounds.best);
    }
    run->result_ = result;
    if (docs) run->plan_json_ = docs->plan_json;
    if (run->elapsed_s_ > 0) {
      std::lock_guard dl(durations_mu_);  // a leaf lock: nothing is taken while it is held
      recent_durations_s_.push_back(run->elapsed_s_);
      if (recent_durations_s_.size() > 32) recent_durations_s_.pop_front();
    }

    terminal.id = static_cast<long long>(run->events_.size()) + 1;
    terminal.event = status == "COMPLETED" ? "run_completed" : (status == "CANCELLED" ? "run_cancelled" : "run_failed");
    terminal.data = {{"run_id", run->id_},
                     {"status", status},
                     {"reason", null_if_empty(reason)},
                     {"elapsed_s", run->elapsed_s_},
                     {"result", result}};
    json events = json::array();
    for (const RunEvent& e : run->events_) events.push_back({{"id", e.id}, {"event", e.event}, {"data", e.data}});
    events.push_back({{"id", terminal.id}, {"event", terminal.event}, {"data", terminal.data}});

    f.id = run->id_;
    f.status = status;
    f.reason = reason;
    f.finished_at = run->finished_at_;
    f.summary_json = run->view_locked().dump();
    f.events_json = events.dump();
    run->spec_.reset();  // the tours and request are no longer needed in memory
  }
  if (docs) {
    f.plan = docs->plan_json;
    f.report = docs->report_json;
    f.canonical_report = docs->canonical_report;
    f.roster_csv = docs->roster_csv;
    f.tours_csv = docs->tours_csv;
  }
  // Persist before anyone is told the run finished: a client that saw the end finds it after a crash.
  bool persisted = true;
  try {
    store_.finish(f);
  } catch (const std::exception& e) {
    persisted = false;
    service_log()->error("run store: cannot store the finished run {}: {}", run->id(), e.what());
  }
  // Free the slot before anyone hears of the end: a client that got its answer and asks again
  // (or scrapes the gauges) must find the capacity back.
  {
    std::lock_guard lock(mu_);
    running_runs_.erase(std::remove(running_runs_.begin(), running_runs_.end(), run), running_runs_.end());
    if (persisted) live_.erase(run->id());
    update_gauges_locked();
  }
  {
    std::lock_guard rl(run->mu_);
    run->events_.push_back(terminal);
    run->finished_ = true;
  }
  run->cv_.notify_all();
  idle_cv_.notify_all();
}

}  // namespace so
