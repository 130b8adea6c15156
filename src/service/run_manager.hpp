#pragma once
// The run manager (api.md §3): a bounded worker pool (MAX_CONCURRENT_RUNS) in front of a bounded
// queue (MAX_QUEUED_RUNS), real cancellation, per-run event logs for SSE, and persistence of
// every state change in the run store. POST /schedule and POST /runs both go through it.
//
// With a shared store (PostgreSQL, RunStore::shared()) the queue is the store's (issue 14): a
// submit inserts a QUEUED run, the workers of every replica claim runs from the store under a
// lease that a renewal thread extends (storing the live view and events as it goes), a run of a
// replica that died is re-claimed when its lease expires, and runs executing elsewhere are seen
// here as mirrors: Run objects refreshed from the store, so every route serves every run.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/report.hpp"
#include "service/run_store.hpp"
#include "solver/solve.hpp"

namespace so {

class ServiceMetrics;

struct RunEvent {
  long long id = 0;   // 1, 2, 3, … per run (SSE `id:`)
  std::string event;  // run_started | phase_started | progress | run_completed | run_failed | run_cancelled
  nlohmann::json data;
};

// A stored event log ([{"id","event","data"}…]) and back; a text that is not one gives no events.
std::vector<RunEvent> events_from_json(const std::string& text);
nlohmann::json events_to_json(const std::vector<RunEvent>& events);

// run_completed, run_failed and run_cancelled end a run's event stream.
bool is_terminal_event(const std::string& event);

// What a run solves, plus what the store keeps of the request.
struct RunSpec {
  SolveRequest request;
  std::string content_type;  // of the request body as received
  std::string body;          // the request body as received
  std::string input_format;  // json | csv
  std::string correlation_id;
  // Versions (dispatch.md §5): what made the run and from which run. A re-plan sets
  // kind = "replan" and parent_run_id = the base run; both are stored, shown in the run view and
  // in GET /runs/{id}/versions.
  std::string kind = "solve";  // solve | replan | edit
  std::string parent_run_id;   // "" for a root solve
};

// The documents a finished run serves (api.md §3–§4).
struct RunDocuments {
  std::string plan_json, report_json, canonical_report, roster_csv, tours_csv;
};

// Renders a finished report. Injected so the manager does not depend on the output formats.
using DocumentRenderer = std::function<RunDocuments(const PlanReport&, const std::vector<Tour>&)>;
// The solver. Injected for the same reason (the service always passes so::solve).
using SolveFunction = std::function<PlanReport(const SolveRequest&, const SolveControl&)>;

class Run {
 public:
  Run(std::string id, RunSpec spec, std::string created_at);
  // A mirror (shared store): a run known only through its stored row.
  explicit Run(const StoredRun& stored);

  const std::string& id() const { return id_; }
  const std::string& correlation_id() const { return correlation_id_; }
  std::string status() const;
  bool finished() const;

  // The status view of GET /runs/{id} (api.md §3).
  nlohmann::json view() const;

  // Events with id > after; `terminal` tells whether the run has finished (no more events).
  std::vector<RunEvent> events_after(long long after, bool* terminal) const;
  // Blocks until an event with id > after exists, the run finished, `wake` returns true, or the
  // timeout passed. Returns true when there is something new (event or finish).
  bool wait_for_event(long long after, std::chrono::milliseconds timeout, const std::function<bool()>& wake) const;
  // Blocks until the run finished or the timeout passed; true when finished.
  bool wait_finished(std::chrono::milliseconds timeout) const;

  // Set when finished: the plan JSON text (empty when the run produced none).
  std::string plan_json() const;

  // Set when the run's end could not be stored (the run then ends FAILED, reason STORE_WRITE_FAILED,
  // without documents): the store's error; `disk_full` tells a full disk. Empty otherwise.
  std::string store_error(bool* disk_full = nullptr) const;

 private:
  friend class RunManager;
  void emit_locked(std::string event, nlohmann::json data);
  nlohmann::json view_locked() const;

  const std::string id_;
  const std::string correlation_id_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::atomic<bool> cancel_{false};
  std::string cancel_reason_;  // CANCELLED_BY_CLIENT | SHUTDOWN
  bool finished_ = false;      // persisted and final: waiters and SSE streams may finish
  std::unique_ptr<RunSpec> spec_;  // dropped when finished (bounded memory)
  // view fields
  std::string status_ = "QUEUED", reason_, phase_;
  std::string created_at_, started_at_, finished_at_;
  std::chrono::steady_clock::time_point started_mono_{};
  uint64_t seed_ = 42;
  double time_limit_ = 30;
  std::string week_start_, input_format_;
  std::string kind_, parent_run_id_;
  int tours_ = 0;
  ConfigReport config_;
  int incumbent_ = -1, lower_bound_ = 0;
  double elapsed_s_ = 0;
  nlohmann::json result_;  // null until finished
  std::map<std::string, double> budget_slices_;
  std::vector<RunEvent> events_;
  bool events_capped_ = false;
  std::string plan_json_;
  std::string store_error_;
  bool store_full_ = false;
  // Shared store: a run executing on another replica (or not yet claimed), seen through the store.
  bool mirror_ = false;
  nlohmann::json mirror_view_;  // its stored status view
  std::chrono::steady_clock::time_point mirror_seen_{};  // last time a route asked for it
  bool lease_lost_ = false;  // another replica re-claimed it: this attempt writes nothing more
  size_t events_renewed_ = 0;  // events stored by the last lease renewal
  bool finishing_ = false;   // its end is being stored: the store may already say what this does not yet
};

// Rebuilds a claimed run's solve from its stored row (shared store; the server parses input_json).
using SpecLoader = std::function<RunSpec(const StoredRun&)>;

struct RunManagerOptions {
  int max_concurrent_runs = 1;
  int max_queued_runs = 16;
  // Shared store only.
  std::string replica_id;                                 // the lease owner's name
  std::string queue = "main";                             // the named queue this replica takes runs into and from
  std::chrono::milliseconds lease{10000};                 // a dead replica's runs are re-claimed after this
  std::chrono::milliseconds renew_interval{1000};         // also how often remote viewers see progress
  int max_attempts = 3;                                   // claims of one run before it fails
};

class RunManager {
 public:
  RunManager(RunManagerOptions options, RunStore& store, ServiceMetrics& metrics, SolveFunction solve,
             DocumentRenderer render);
  ~RunManager();
  RunManager(const RunManager&) = delete;
  RunManager& operator=(const RunManager&) = delete;

  void start();  // spawns the workers

  // Called on the worker thread after a solve has finished and been stored, with its final status
  // and tour count (the service prepares what the dispatcher routes need). Set before start();
  // exceptions are logged and ignored.
  using FinishedHook = std::function<void(const std::string& run_id, const std::string& status, size_t tours)>;
  void set_on_finished(FinishedHook hook) { on_finished_ = std::move(hook); }
  // Shared store: how a claimed run's solve is rebuilt from the store (before start()).
  void set_spec_loader(SpecLoader loader) { load_spec_ = std::move(loader); }

  enum class SubmitError { None, QueueFull, ShuttingDown };
  struct Submitted {
    std::shared_ptr<Run> run;
    SubmitError error = SubmitError::None;
    int retry_after_s = 0;  // for QueueFull: when a slot is expected to free up
  };
  Submitted submit(RunSpec spec);

  std::shared_ptr<Run> live(const std::string& id) const;  // queued, running or just finished

  enum class CancelOutcome { Cancelled, Requested, AlreadyFinished, NotFound };
  CancelOutcome cancel(const std::string& id);

  // Shutdown: refuse new runs and cancel the queued ones; then wait for the running ones until the
  // deadline, cancel what is left, wait for those to stop; then stop the workers.
  void begin_drain();
  bool wait_running_done(std::chrono::steady_clock::time_point deadline);
  void cancel_running();
  void stop();
  bool draining() const { return draining_.load(); }
  bool stopping() const { return stopping_.load(); }

  int running() const;
  int queued() const;
  int capacity() const { return options_.max_concurrent_runs; }
  int queue_capacity() const { return options_.max_queued_runs; }

 private:
  void worker_loop();
  void execute(const std::shared_ptr<Run>& run);
  // Shared store.
  bool shared() const;
  void shared_worker_loop();
  std::shared_ptr<Run> adopt(RunStore::Claim& claim);  // a claimed run, ready to execute (or finished)
  void lease_loop();
  void mirror_loop();
  void refresh_mirror(const std::shared_ptr<Run>& run) const;
  std::shared_ptr<Run> mirror(const std::string& id) const;  // creates one for a run in flight elsewhere
  void on_store_change(const std::string& id);
  Submitted submit_shared(const std::string& id, RunSpec spec);
  CancelOutcome cancel_elsewhere(const std::string& id);
  std::string abandon(const std::shared_ptr<Run>& run, const std::string& what);
  std::optional<double> typical_duration_s();  // the median duration of recent runs, if any
  static void queued_row(const Run& run, StoredRun& stored);
  // Stores the run's end, then shows it (status, waiters, SSE); returns the status shown, which is
  // FAILED (STORE_WRITE_FAILED) when the store refused the result: nothing is reported that was not stored.
  std::string finish_run(const std::shared_ptr<Run>& run, const std::string& status, const std::string& reason,
                         std::shared_ptr<const PlanReport> report, const RunDocuments* docs);
  void update_gauges_locked();

  RunManagerOptions options_;
  RunStore& store_;
  ServiceMetrics& metrics_;
  SolveFunction solve_;
  DocumentRenderer render_;
  FinishedHook on_finished_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::shared_ptr<Run>> queue_;
  std::map<std::string, std::shared_ptr<Run>> live_;
  std::vector<std::shared_ptr<Run>> running_runs_;  // executing (or being finished)
  int reserved_ = 0;  // slots taken by submits still writing to the store
  std::mutex durations_mu_;
  std::deque<double> recent_durations_s_;  // of the last finished runs, for Retry-After
  std::condition_variable idle_cv_;
  std::vector<std::thread> workers_;
  std::atomic<bool> draining_{false}, stopping_{false};

  // Shared store.
  SpecLoader load_spec_;
  uint64_t wake_seq_ = 0;          // under mu_: bumped when a run was queued anywhere
  long long global_queued_ = 0;    // under mu_: QUEUED in the whole store (the gauge, the HPA's metric)
  mutable std::mutex mirrors_mu_;  // taken after mu_, never before
  mutable std::map<std::string, std::shared_ptr<Run>> mirrors_;
  std::condition_variable mirror_cv_;
  std::vector<std::string> changed_;  // under mirrors_mu_: runs another replica changed
  std::condition_variable lease_cv_;  // under mu_
  bool renew_now_ = false;            // under mu_
  std::thread lease_thread_, mirror_thread_;
};

// Nominal budget slices of solver.md (profiling 2 %, phase1 50 %, phase2 15 %, lns 28 %, buffer 5 %).
std::map<std::string, double> nominal_budget_slices(double time_limit_seconds);

}  // namespace so
