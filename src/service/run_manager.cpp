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
#include "solver/progress.hpp"

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

std::vector<RunEvent> events_from_json(const std::string& text) {
  std::vector<RunEvent> out;
  const json events = json::parse(text, nullptr, false);
  if (events.is_array())
    for (const json& e : events) out.push_back(RunEvent{e.value("id", 0LL), e.value("event", ""), e.value("data", json::object())});
  return out;
}

json events_to_json(const std::vector<RunEvent>& events) {
  json arr = json::array();
  for (const RunEvent& ev : events) arr.push_back({{"id", ev.id}, {"event", ev.event}, {"data", ev.data}});
  return arr;
}

bool is_terminal_event(const std::string& event) {
  return event == "run_completed" || event == "run_failed" || event == "run_cancelled";
}

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

Run::Run(const StoredRun& stored) : id_(stored.id), mirror_(true) {
  created_at_ = stored.created_at;
  status_ = stored.status;
  reason_ = stored.reason;
  mirror_view_ = json::parse(stored.summary_json, nullptr, false);
  if (!mirror_view_.is_object()) mirror_view_ = {{"run_id", id_}, {"status", status_}};
  time_limit_ = mirror_view_.value("time_limit_seconds", 30.0);
  kind_ = stored.kind;
  parent_run_id_ = stored.parent_run_id;
  events_ = events_from_json(stored.events_json);
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
  if (mirror_) return mirror_view_;
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

std::string Run::store_error(bool* disk_full) const {
  std::lock_guard lock(mu_);
  if (disk_full) *disk_full = store_full_;
  return store_error_;
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

bool RunManager::shared() const { return store_.shared(); }

void RunManager::start() {
  std::lock_guard lock(mu_);
  if (!workers_.empty()) return;
  if (shared()) {
    if (!load_spec_) throw std::logic_error("RunManager: a shared store needs a spec loader");
    store_.set_on_change([this](const std::string& id) { on_store_change(id); });
    for (int i = 0; i < options_.max_concurrent_runs; ++i) workers_.emplace_back([this] { shared_worker_loop(); });
    lease_thread_ = std::thread([this] { lease_loop(); });
    mirror_thread_ = std::thread([this] { mirror_loop(); });
  } else {
    for (int i = 0; i < options_.max_concurrent_runs; ++i) workers_.emplace_back([this] { worker_loop(); });
  }
  update_gauges_locked();
}

void RunManager::update_gauges_locked() {
  // With a shared store the queue is global: every replica reports the store's count (the HPA's metric).
  metrics_.set_runs(static_cast<int>(running_runs_.size()),
                    static_cast<int>(shared() ? global_queued_ : static_cast<long long>(queue_.size())));
}

int RunManager::running() const {
  std::lock_guard lock(mu_);
  return static_cast<int>(running_runs_.size());
}

int RunManager::queued() const {
  std::lock_guard lock(mu_);
  return static_cast<int>(shared() ? global_queued_ : static_cast<long long>(queue_.size()));
}

// The store row of a run just submitted (QUEUED), beside its input_json.
void RunManager::queued_row(const Run& run, StoredRun& stored) {
  stored.id = run.id_;
  stored.status = "QUEUED";
  stored.created_at = run.created_at_;
  stored.request_content_type = run.spec_->content_type;
  stored.request_body = run.spec_->body;
  stored.summary_json = run.view().dump();
  stored.kind = run.kind_;
  stored.parent_run_id = run.parent_run_id_;
  stored.week = run.week_start_;
}

RunManager::Submitted RunManager::submit(RunSpec spec) {
  Submitted out;
  const std::string id = new_run_id();
  if (shared()) return submit_shared(id, std::move(spec));
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
      const std::optional<double> typical = typical_duration_s();
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
  queued_row(*run, stored);
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
  std::shared_ptr<Run> run;
  {
    std::lock_guard lock(mu_);
    auto it = live_.find(id);
    if (it != live_.end()) run = it->second;
  }
  if (!run) return shared() ? mirror(id) : nullptr;
  // A run whose end is being stored: another replica may already serve that end (it reads the
  // store), so this one waits the few milliseconds until it shows it too.
  std::unique_lock rl(run->mu_);
  if (run->finishing_) run->cv_.wait_for(rl, std::chrono::seconds(5), [&] { return run->finished_; });
  return run;
}

RunManager::CancelOutcome RunManager::cancel(const std::string& id) {
  std::shared_ptr<Run> run;
  bool was_queued = false;
  {
    std::lock_guard lock(mu_);
    auto it = live_.find(id);
    if (it != live_.end()) {
      run = it->second;
      auto q = std::find(queue_.begin(), queue_.end(), run);
      if (q != queue_.end()) {
        queue_.erase(q);
        was_queued = true;
        running_runs_.push_back(run);  // accounted as finishing until finish_run removes it
        update_gauges_locked();
      }
    }
  }
  if (!run) return shared() ? cancel_elsewhere(id) : CancelOutcome::NotFound;
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

// Shared store: a run not executing here is queued (claimed here to end it) or runs on another
// replica (which sees the cancel flag at its next renewal; the NOTIFY makes that at once).
RunManager::CancelOutcome RunManager::cancel_elsewhere(const std::string& id) {
  const auto stored = store_.get(id);
  if (!stored) return CancelOutcome::NotFound;
  if (stored->status != "QUEUED" && stored->status != "RUNNING") return CancelOutcome::AlreadyFinished;
  if (stored->status == "QUEUED") {
    if (auto claim = store_.claim_queued(id, options_.replica_id, options_.lease)) {
      claim->cancel_requested = true;
      adopt(*claim);  // ends it CANCELLED
      return CancelOutcome::Cancelled;
    }
  }
  return store_.request_cancel(id) ? CancelOutcome::Requested : CancelOutcome::AlreadyFinished;
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
  cv_.notify_all();  // shared store: the workers stop claiming
  // Queued runs never started: they end CANCELLED (reason SHUTDOWN) so clients know to resubmit.
  // (A shared store's queued runs are not this replica's: the other replicas run them.)
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
  if (shared()) store_.set_on_change(nullptr);  // waits for a notification being handled
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  lease_cv_.notify_all();
  {
    std::lock_guard lock(mirrors_mu_);
  }
  mirror_cv_.notify_all();
  for (auto& t : workers_)
    if (t.joinable()) t.join();
  workers_.clear();
  if (lease_thread_.joinable()) lease_thread_.join();
  if (mirror_thread_.joinable()) mirror_thread_.join();
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
  control.on_progress = [run, &last_progress, state = ProgressState{}](const ProgressEvent& ev) mutable {
    std::lock_guard rl(run->mu_);
    const bool news = state.apply(ev);  // the same fold as the CLI's progress line
    run->elapsed_s_ = state.elapsed_s;
    if (!state.phase.empty()) run->phase_ = state.phase;
    run->incumbent_ = state.incumbent_drivers;
    run->lower_bound_ = state.lower_bound;
    if (ev.type == "phase_started") {
      run->emit_locked("phase_started", {{"run_id", run->id_}, {"phase", ev.phase}, {"elapsed_s", ev.elapsed_s}});
      return;
    }
    const auto now = std::chrono::steady_clock::now();
    // Progress events when the incumbent, bound or coverage moves, else at most one per second.
    if (news || now - last_progress >= std::chrono::seconds(1)) {
      last_progress = now;
      json data = {{"run_id", run->id_},
                   {"phase", run->phase_},
                   {"incumbent_drivers", run->incumbent_ < 0 ? json() : json(run->incumbent_)},
                   {"lower_bound", run->lower_bound_},
                   {"elapsed_s", ev.elapsed_s}};
      if (state.tours_total >= 0) {  // driver mode
        data["tours_covered"] = state.tours_covered < 0 ? json() : json(state.tours_covered);
        data["tours_total"] = state.tours_total;
      }
      run->emit_locked("progress", std::move(data));
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
  status = finish_run(run, status, reason, shared, have_docs ? &docs : nullptr);
  if (on_finished_) {
    try {
      on_finished_(run->id(), status, tours);
    } catch (const std::exception& e) {
      service_log()->warn("run {}: after-finish hook failed: {}", run->id(), e.what());
    }
  }
}

std::string RunManager::finish_run(const std::shared_ptr<Run>& run, const std::string& status,
                                   const std::string& reason, std::shared_ptr<const PlanReport> report, const RunDocuments* docs) {
  // What the store gets and, once it has it, what everyone sees.
  struct End {
    std::string status, reason;
    json result;
    RunStore::Finish store;
    RunEvent terminal;
  };
  std::string finished_at = now_iso_utc();
  // Under run->mu_: the end as stored, with the events so far and the terminal event.
  auto describe = [&](const std::string& st, const std::string& why, json result) {
    End e{st, why, std::move(result), {}, {}};
    e.terminal.id = static_cast<long long>(run->events_.size()) + 1;
    e.terminal.event = st == "COMPLETED" ? "run_completed" : (st == "CANCELLED" ? "run_cancelled" : "run_failed");
    e.terminal.data = {{"run_id", run->id_}, {"status", st}, {"reason", null_if_empty(why)},
                       {"elapsed_s", run->elapsed_s_}, {"result", e.result}};
    json events = events_to_json(run->events_);
    events.push_back({{"id", e.terminal.id}, {"event", e.terminal.event}, {"data", e.terminal.data}});
    json view = run->view_locked();
    view["status"] = st;
    view["reason"] = null_if_empty(why);
    view["phase"] = nullptr;
    view["finished_at"] = finished_at;
    view["result"] = e.result;
    e.store.id = run->id_;
    e.store.status = st;
    e.store.reason = why;
    e.store.finished_at = finished_at;
    e.store.summary_json = view.dump();
    e.store.events_json = events.dump();
    return e;
  };
  End end;
  {
    std::lock_guard rl(run->mu_);
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
      for (const auto& [k, v] : report->stats.phase_budget_s) run->budget_slices_[k] = v;
      if (!report->config.effective_hash.empty()) run->config_ = report->config;
      if (report->kpis.drivers_total > 0 || report->status == "OK") run->incumbent_ = report->kpis.drivers_total;
      run->lower_bound_ = std::max(run->lower_bound_, report->lower_bounds.best);
    }
    if (run->elapsed_s_ > 0) {
      std::lock_guard dl(durations_mu_);  // a leaf lock: nothing is taken while it is held
      recent_durations_s_.push_back(run->elapsed_s_);
      if (recent_durations_s_.size() > 32) recent_durations_s_.pop_front();
    }
    end = describe(status, reason, std::move(result));
    run->spec_.reset();  // the tours and request are no longer needed in memory
    run->finishing_ = true;
  }
  if (docs) {
    end.store.plan = docs->plan_json;
    end.store.report = docs->report_json;
    end.store.canonical_report = docs->canonical_report;
    end.store.roster_csv = docs->roster_csv;
    end.store.tours_csv = docs->tours_csv;
  }
  const std::string owner = shared() ? options_.replica_id : std::string();
  end.store.owner = owner;
  if (shared()) {
    bool lease_lost = false;
    {
      std::lock_guard rl(run->mu_);
      lease_lost = run->lease_lost_;
    }
    if (lease_lost) return abandon(run, "LEASE_LOST");
    if (reason == "SHUTDOWN") {  // this replica leaves: another one re-runs the run from scratch
      try {
        store_.release(run->id(), owner);
        service_log()->info("run {} given back to the queue (this replica is shutting down)", run->id());
      } catch (const std::exception& e) {
        service_log()->error("run store: cannot give run {} back to the queue: {}", run->id(), e.what());
      }
      return abandon(run, "RELEASED");
    }
  }
  // Persist before anyone is told the run finished: a client that saw the end finds it after a crash.
  struct Stored {
    bool ok = true, lease_lost = false, full = false;
    bool gone = false;  // a shared store that cannot be reached (failover, network): it comes back
    std::string error;
  };
  auto store_end = [&](const RunStore::Finish& f) {
    Stored s;
    try {
      store_.finish(f);
    } catch (const LeaseLost& e) {
      s = {false, true, false, false, e.what()};
    } catch (const std::exception& e) {
      s = {false, false, false, false, e.what()};
      if (auto* se = dynamic_cast<const StoreError*>(&e)) {
        s.full = se->disk_full();
        s.gone = shared() && se->unavailable() && !s.full;
      }
    }
    return s;
  };
  Stored stored = store_end(end.store);
  if (stored.gone) {
    // The end waits here and the run stays RUNNING to everyone until the store is back: a finished
    // solve is not thrown away for an outage. Another replica that re-claimed the run meanwhile
    // wins (LeaseLost); a replica that stops first leaves it to the lease.
    service_log()->warn("run {}: its end ({}) waits until the run store is back: {}", run->id(), status, stored.error);
    auto set_finishing = [&](bool on, const char* phase) {
      std::lock_guard rl(run->mu_);
      run->finishing_ = on;  // off while waiting: readers must not wait on it meanwhile
      if (phase) run->phase_ = phase;
    };
    set_finishing(false, "storing_result");
    while (stored.gone && !stopping_) {
      for (int i = 0; i < 4 && !stopping_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(250));
      if (stopping_) break;
      set_finishing(true, nullptr);
      stored = store_end(end.store);
      if (stored.gone) set_finishing(false, nullptr);
    }
    if (stored.ok) service_log()->info("run {}: its end is stored now that the run store is back", run->id());
  }
  if (stored.lease_lost) {
    service_log()->warn("run {}: {}; this attempt's result is dropped", run->id(), stored.error);
    return abandon(run, "LEASE_LOST");
  }
  if (stored.gone) {
    service_log()->error("run {}: this replica stops before the run store is back; its lease hands the run to another replica",
                         run->id());
    return abandon(run, "STORE_UNAVAILABLE");
  }
  const std::string store_error = stored.error;
  bool persisted = true;
  if (!stored.ok) {
    service_log()->error("run store: cannot store the end of run {} ({}): {}", run->id(), status, store_error);
    // What was not stored is not reported: the run ends FAILED, without documents (a smaller write
    // that may still fit; if not, the run stays FAILED in memory and is INTERRUPTED after a restart).
    {
      std::lock_guard rl(run->mu_);
      end = describe("FAILED", "STORE_WRITE_FAILED: " + store_error, json());
      end.store.owner = owner;
    }
    const Stored failed = store_end(end.store);
    if (failed.lease_lost) return abandon(run, "LEASE_LOST");
    if (!failed.ok) {
      persisted = false;
      service_log()->error("run store: cannot store run {} as FAILED either: {}", run->id(), failed.error);
    }
  }
  // Free the slot before anyone hears of the end: a client that got its answer and asks again
  // (or scrapes the gauges) must find the capacity back.
  {
    std::lock_guard lock(mu_);
    running_runs_.erase(std::remove(running_runs_.begin(), running_runs_.end(), run), running_runs_.end());
    if (persisted) live_.erase(run->id());  // the store has the run now
    update_gauges_locked();
  }
  {
    std::lock_guard rl(run->mu_);
    run->status_ = end.status;
    run->reason_ = end.reason;
    run->finished_at_ = finished_at;
    run->phase_.clear();
    run->result_ = end.result;
    if (docs && store_error.empty()) run->plan_json_ = docs->plan_json;
    run->store_error_ = store_error;
    run->store_full_ = stored.full;
    run->events_.push_back(end.terminal);
    run->finished_ = true;
  }
  run->cv_.notify_all();
  idle_cv_.notify_all();
  if (shared()) {  // a mirror of this run here (its submitter's /schedule waits on it) learns the end now
    std::shared_ptr<Run> m;
    {
      std::lock_guard lock(mirrors_mu_);
      if (auto it = mirrors_.find(run->id()); it != mirrors_.end()) m = it->second;
    }
    if (m) refresh_mirror(m);
  }
  return end.status;
}

// ---------------------------------------------------------------------------------------------
// The shared store (PostgreSQL): the queue, leases and mirrors

std::string RunManager::abandon(const std::shared_ptr<Run>& run, const std::string& what) {
  // The run goes on elsewhere (released, or re-claimed by another replica): nothing more is stored
  // from here, and routes on this replica see it through a mirror from now on.
  {
    std::lock_guard lock(mu_);
    running_runs_.erase(std::remove(running_runs_.begin(), running_runs_.end(), run), running_runs_.end());
    live_.erase(run->id());
    update_gauges_locked();
  }
  {
    std::lock_guard rl(run->mu_);
    run->spec_.reset();
    run->finished_ = true;
  }
  run->cv_.notify_all();
  idle_cv_.notify_all();
  return what;
}

std::optional<double> RunManager::typical_duration_s() {
  std::lock_guard dl(durations_mu_);
  if (recent_durations_s_.empty()) return std::nullopt;
  std::vector<double> d(recent_durations_s_.begin(), recent_durations_s_.end());
  std::nth_element(d.begin(), d.begin() + static_cast<long>(d.size() / 2), d.end());
  return d[d.size() / 2];
}

RunManager::Submitted RunManager::submit_shared(const std::string& id, RunSpec spec) {
  Submitted out;
  if (draining_) {
    out.error = SubmitError::ShuttingDown;
    return out;
  }
  StoredRun stored;
  stored.input_json = solve_input_json(spec.request).dump();
  auto run = std::make_shared<Run>(id, std::move(spec), now_iso_utc());
  queued_row(*run, stored);
  stored.queue = options_.queue;
  // The queue is the store's: full means MAX_QUEUED_RUNS waiting in the whole store (at least one
  // may wait, so a run can be taken by whichever replica is free).
  if (!store_.insert_bounded(stored, std::max(1, options_.max_queued_runs))) {
    out.error = SubmitError::QueueFull;
    out.retry_after_s = std::max(1, static_cast<int>(std::ceil(typical_duration_s().value_or(5))));
    return out;
  }
  {
    std::lock_guard rl(run->mu_);
    run->mirror_view_ = run->view_locked();
    run->mirror_ = true;  // whichever replica claims it, this one follows it through the store
    run->spec_.reset();
    run->mirror_seen_ = std::chrono::steady_clock::now();
  }
  {
    std::lock_guard lock(mirrors_mu_);
    mirrors_[id] = run;
  }
  {
    std::lock_guard lock(mu_);
    ++wake_seq_;
  }
  cv_.notify_all();
  out.run = run;
  return out;
}

void RunManager::shared_worker_loop() {
  for (;;) {
    uint64_t seen = 0;
    std::optional<RunStore::Claim> claim;
    std::vector<std::string> exhausted, held;
    {
      std::lock_guard lock(mu_);
      if (stopping_ || draining_) return;
      seen = wake_seq_;
      for (const auto& r : running_runs_) held.push_back(r->id());  // ours, even if an outage let their leases lapse
    }
    try {
      claim = store_.claim(options_.replica_id, options_.queue, options_.lease, options_.max_attempts, held, &exhausted);
    } catch (const std::exception& e) {
      service_log()->warn("run store: cannot claim a run: {}", e.what());
    }
    std::shared_ptr<Run> run = claim ? adopt(*claim) : nullptr;
    if (run) {
      try {
        execute(run);
      } catch (const std::exception& e) {
        service_log()->error("run {}: unexpected error in the run manager: {}", run->id(), e.what());
        if (!run->finished()) finish_run(run, "FAILED", std::string("INTERNAL_ERROR: ") + e.what(), nullptr, nullptr);
      }
      continue;
    }
    if (claim) continue;  // ended at once (cancelled while queued, or unreadable): look for the next
    // Nothing to claim: wait for a NOTIFY of a queued run, or look again in a second (a lease may expire).
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_ || draining_ || wake_seq_ != seen; });
  }
}

std::shared_ptr<Run> RunManager::adopt(RunStore::Claim& claim) {
  const StoredRun& stored = claim.run;
  std::shared_ptr<Run> run;
  std::string error;
  if (!claim.cancel_requested) {
    try {
      RunSpec spec = load_spec_(stored);
      run = std::make_shared<Run>(stored.id, std::move(spec), stored.created_at);
      // The event log goes on from an earlier attempt's, so a resumed SSE stream never sees an id twice.
      run->events_ = events_from_json(stored.events_json);
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  if (!run) run = std::make_shared<Run>(stored);
  {
    std::lock_guard lock(mu_);
    live_[stored.id] = run;
    running_runs_.push_back(run);
    update_gauges_locked();
  }
  if (claim.cancel_requested) {
    finish_run(run, "CANCELLED", "CANCELLED_BY_CLIENT", nullptr, nullptr);
    return nullptr;
  }
  if (!error.empty()) {
    service_log()->error("run {}: its stored request cannot be read back: {}", stored.id, error);
    finish_run(run, "FAILED", "INVALID_STORED_REQUEST: " + error, nullptr, nullptr);
    return nullptr;
  }
  if (claim.attempt > 1)
    service_log()->warn("run {} re-claimed by {} (attempt {} of {}): its replica stopped; solving it from scratch",
                        stored.id, options_.replica_id, claim.attempt, options_.max_attempts);
  return run;
}

void RunManager::lease_loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lease_cv_.wait_for(lock, options_.renew_interval, [&] { return stopping_.load() || renew_now_; });
    renew_now_ = false;
    if (stopping_) break;
    const std::vector<std::shared_ptr<Run>> runs = running_runs_;
    lock.unlock();
    for (const auto& run : runs) {
      std::string view, events;
      {
        std::lock_guard rl(run->mu_);
        if (run->finished_ || run->mirror_ || run->status_ != "RUNNING") continue;
        view = run->view_locked().dump();
        // The event log only when it grew ("" keeps the stored one): it can be thousands of events.
        if (run->events_.size() != run->events_renewed_) {
          events = events_to_json(run->events_).dump();
          run->events_renewed_ = run->events_.size();
        }
      }
      try {
        const RunStore::Lease l = store_.renew(run->id(), options_.replica_id, options_.lease, view, events);
        std::lock_guard rl(run->mu_);
        if (!l.held) {
          if (!run->lease_lost_)
            service_log()->warn("run {}: lease lost (another replica re-claimed it); stopping this attempt", run->id());
          run->lease_lost_ = true;
          if (run->cancel_reason_.empty()) run->cancel_reason_ = "LEASE_LOST";
          run->cancel_.store(true);
        } else if (l.cancel_requested) {
          if (run->cancel_reason_.empty()) run->cancel_reason_ = "CANCELLED_BY_CLIENT";
          run->cancel_.store(true);
        }
      } catch (const std::exception& e) {
        service_log()->warn("run {}: cannot renew its lease: {}", run->id(), e.what());
      }
    }
    long long queued = -1;
    try {
      queued = store_.queue_counts().queued;
    } catch (const std::exception&) {
    }
    lock.lock();
    if (queued >= 0) {
      global_queued_ = queued;
      update_gauges_locked();
    }
  }
}

void RunManager::on_store_change(const std::string& payload) {
  if (payload.empty()) {  // a run was queued (or the listener re-connected): idle workers look
    {
      std::lock_guard lock(mu_);
      ++wake_seq_;
    }
    cv_.notify_all();
    return;
  }
  static const std::string kCancel = "cancel:";
  if (payload.rfind(kCancel, 0) == 0) {  // a cancel for a run that may be ours: renew (and see the flag) now
    const std::string id = payload.substr(kCancel.size());
    {
      std::lock_guard lock(mu_);
      if (live_.count(id) == 0) return;
      renew_now_ = true;
    }
    lease_cv_.notify_all();
    return;
  }
  {
    std::lock_guard lock(mirrors_mu_);
    if (mirrors_.count(payload) == 0) return;
    changed_.push_back(payload);
  }
  mirror_cv_.notify_all();
}

std::shared_ptr<Run> RunManager::mirror(const std::string& id) const {
  std::shared_ptr<Run> known;
  {
    std::lock_guard lock(mirrors_mu_);
    if (auto it = mirrors_.find(id); it != mirrors_.end()) known = it->second;
  }
  if (known) {
    // Read through to the store: a route here never answers older news than another replica just gave.
    refresh_mirror(known);
    std::lock_guard rl(known->mu_);
    if (known->finished_) return nullptr;  // the store has it now
    known->mirror_seen_ = std::chrono::steady_clock::now();
    return known;
  }
  std::optional<StoredRun> stored;
  try {
    stored = store_.get(id);
  } catch (const std::exception&) {
    return nullptr;  // the route reads the store itself and answers its error
  }
  if (!stored || (stored->status != "QUEUED" && stored->status != "RUNNING")) return nullptr;
  auto run = std::make_shared<Run>(*stored);
  run->mirror_seen_ = std::chrono::steady_clock::now();
  std::lock_guard lock(mirrors_mu_);
  auto [it, inserted] = mirrors_.emplace(id, run);
  return it->second;
}

void RunManager::refresh_mirror(const std::shared_ptr<Run>& run) const {
  std::optional<StoredRun> stored;
  std::optional<std::string> plan;
  try {
    stored = store_.get(run->id());
    if (stored && stored->status != "QUEUED" && stored->status != "RUNNING") plan = store_.document(run->id(), RunDocument::Plan);
  } catch (const std::exception&) {
    return;  // the store is unwell: look again next time
  }
  {
    std::lock_guard rl(run->mu_);
    if (run->finished_) return;
    if (!stored) {  // deleted meanwhile
      run->status_ = "FAILED";
      run->reason_ = "DELETED";
      run->finished_ = true;
    } else {
      json view = json::parse(stored->summary_json, nullptr, false);
      if (view.is_object()) run->mirror_view_ = std::move(view);
      run->status_ = stored->status;
      run->reason_ = stored->reason;
      std::vector<RunEvent> events = events_from_json(stored->events_json);
      if (events.size() > run->events_.size()) run->events_ = std::move(events);
      if (stored->status != "QUEUED" && stored->status != "RUNNING") {
        run->finished_at_ = stored->finished_at;
        run->result_ = run->mirror_view_.value("result", json());
        run->plan_json_ = plan.value_or("");
        run->finished_ = true;
      }
    }
  }
  run->cv_.notify_all();
}

void RunManager::mirror_loop() {
  auto last_full = std::chrono::steady_clock::now();
  std::unique_lock lock(mirrors_mu_);
  while (!stopping_) {
    mirror_cv_.wait_for(lock, std::chrono::milliseconds(250), [&] { return stopping_.load() || !changed_.empty(); });
    if (stopping_) break;
    const auto now = std::chrono::steady_clock::now();
    const bool all = now - last_full >= std::chrono::milliseconds(500);  // a missed NOTIFY costs half a second
    if (all) last_full = now;
    std::vector<std::shared_ptr<Run>> todo;
    for (const auto& [id, run] : mirrors_)
      if (all || std::find(changed_.begin(), changed_.end(), id) != changed_.end()) todo.push_back(run);
    changed_.clear();
    lock.unlock();
    for (const auto& run : todo) refresh_mirror(run);
    lock.lock();
    // Finished mirrors leave (the store serves them); so do those nobody asked for in a minute.
    for (auto it = mirrors_.begin(); it != mirrors_.end();) {
      bool drop = false;
      {
        std::lock_guard rl(it->second->mu_);
        drop = it->second->finished_ ||
               (it->second.use_count() == 1 && now - it->second->mirror_seen_ > std::chrono::minutes(1));
      }
      if (drop) it = mirrors_.erase(it);
      else ++it;
    }
  }
}

}  // namespace so
