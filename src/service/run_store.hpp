#pragma once
// The run store (api.md §3, reliability): one SQLite file under DATA_DIR holding every run's
// request, status, timestamps, plan, report, exports and event log, and its place among the
// versions (parent, kind, publication). Writes are transactional; runs survive a restart; the
// newest MAX_STORED_RUNS finished runs are kept, and a published plan is never deleted.
// A store file of an older schema gets the missing columns at start-up. Opening checks the file
// (PRAGMA quick_check): a corrupt store is refused, never served.
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

struct sqlite3;

namespace so {

struct StoredRun {
  std::string id;
  long long seq = 0;  // insertion order (newest = highest)
  std::string status;  // QUEUED | RUNNING | COMPLETED | FAILED | CANCELLED
  std::string reason;  // e.g. INTERRUPTED, SHUTDOWN, an error text
  std::string created_at, started_at, finished_at;  // ISO 8601 UTC, empty when not yet
  std::string request_content_type;
  std::string request_body;  // the request as received (only filled by get(..., with_request = true))
  std::string summary_json;  // the status view without live fields (api.md §3 GET /runs/{id})
  std::string events_json;   // the event log: [{"id","event","data"}…]
  // Versions (dispatch.md §5).
  std::string parent_run_id;  // "" for a root solve
  std::string kind = "solve";  // solve | replan | edit
  std::string week;           // the run's week_start (YYYY-MM-DD)
  std::string scope;          // set when published (see publish)
  std::string publication;    // "" | published | superseded
  std::string published_at;   // when it was last published
  std::string superseded_by;  // the run that superseded it
  // The effective solve input as a POST /runs JSON body (request.hpp solve_input_json), so an
  // edit or re-plan can be re-read whatever the original body was (only with_request = true).
  std::string input_json;
  // Shared store: the queue it waits in (RUN_QUEUE of the replica that took it): only replicas of
  // that queue claim it, so a canary track runs what was posted to it.
  std::string queue = "main";
};

// A failed SQLite call of the run store, with SQLite's primary result code; the message names the
// store file.
class StoreError : public std::runtime_error {
 public:
  StoreError(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
  int code() const { return code_; }
  bool disk_full() const;    // SQLITE_FULL: the file system is full (HTTP 507)
  bool unavailable() const;  // the store itself fails (full, I/O error, corrupt, read-only…; HTTP 503/507)
  bool corrupt() const;      // the file is damaged: no write will heal it

 private:
  int code_;
};

// Whether the store takes writes (readyz): `reason` names the file and the error when not.
struct StoreHealth {
  bool ok = true;
  std::string reason;
};

// Large per-run documents, fetched one at a time.
enum class RunDocument { Plan, Report, CanonicalReport, RosterCsv, ToursCsv };

// What a sweep removed: the ids, by reason (api.md: runs_deleted_total{reason}).
struct SweepResult {
  std::vector<std::string> ids;  // removed by age (finished before the cut-off)
};

// The run-store interface: the SQLite file store below implements it; a PostgreSQL store
// (issue 14) implements the same calls and passes the same tests (tests/service/store_test.cpp).
class RunStore {
 public:
  virtual ~RunStore() = default;

  virtual const std::string& path() const = 0;

  // Every call below throws StoreError when the store fails. A failure of the store itself (see
  // StoreError::unavailable) makes it unhealthy until a write succeeds again; health() then tries
  // a probe write at most once per `probe_interval` (a corrupt file stays unhealthy).
  virtual StoreHealth health(std::chrono::milliseconds probe_interval = std::chrono::seconds(1)) = 0;

  // Start-up: runs left QUEUED/RUNNING by a previous process become FAILED / INTERRUPTED, and their
  // event log ends with a run_failed event (like any finished run's). Returns their ids.
  virtual std::vector<std::string> mark_interrupted(const std::string& now) = 0;

  virtual void insert(const StoredRun& run) = 0;  // a new run (QUEUED)
  virtual void mark_running(const std::string& id, const std::string& started_at, const std::string& summary_json) = 0;

  struct Finish {
    std::string id, status, reason, finished_at, summary_json, events_json;
    std::optional<std::string> plan, report, canonical_report, roster_csv, tours_csv;
    std::string owner;  // shared store: only the lease holder may finish (else LeaseLost); "" = anyone
  };
  virtual void finish(const Finish& f) = 0;  // one transaction, then retention

  // An already finished run (a saved edit): the row and its documents in one transaction, then
  // retention. `run.status` is its final status.
  virtual void insert_finished(const StoredRun& run, const Finish& f) = 0;

  // Publishing (dispatch.md §5): marks `id` as the published plan of (week, scope) and every other
  // published run of that (week, scope) as superseded (superseded_by = id). Returns the ids it
  // superseded. Preconditions (a clean plan) are the caller's.
  virtual std::vector<std::string> publish(const std::string& id, const std::string& week, const std::string& scope,
                                           const std::string& now) = 0;
  // The published run of (week, scope), if any.
  virtual std::optional<StoredRun> published(const std::string& week, const std::string& scope) const = 0;

  // Runs whose parent_run_id is `id`, oldest first.
  virtual std::vector<StoredRun> children(const std::string& id) const = 0;

  virtual std::optional<StoredRun> get(const std::string& id, bool with_request = false) const = 0;
  // nullopt: no such run or no document
  virtual std::optional<std::string> document(const std::string& id, RunDocument doc) const = 0;
  // Values inside a JSON document (SQLite json_extract), without handing the whole document over:
  // one per path (e.g. "$.changes.frozen_until"), as JSON text, nullopt where absent or null.
  virtual std::vector<std::optional<std::string>> document_values(const std::string& id, RunDocument doc,
                                                                   const std::vector<std::string>& paths) const = 0;
  // Newest first; status "" = any.
  virtual std::vector<StoredRun> list(int limit, const std::string& status) const = 0;
  virtual long long count() const = 0;

  // Personal data (issue 17; README "Personal data").
  // Removes the run and everything stored with it (request, input, events, plan, report, exports)
  // in one transaction. Returns false when there is no such run. The caller checks that it is not
  // in flight and whether a published plan may go.
  virtual bool delete_run(const std::string& id) = 0;
  // Age retention: removes finished runs whose finished_at is before `cutoff` (ISO 8601 UTC). Runs
  // in flight and published plans are kept (deleting a published plan needs an explicit force).
  virtual SweepResult sweep(const std::string& cutoff) = 0;
  // Gives the space of deleted rows back and overwrites their bytes (SQLite: VACUUM).
  virtual void reclaim_space() = 0;
  // Runs deleted by the count limit (MAX_STORED_RUNS) since the last call (for the metrics).
  virtual long long take_count_pruned() = 0;
  // Every run's stored JSON/CSV text, for the eraser (service/personal_data.hpp): calls `f` with
  // each run's documents, and writes back in one transaction what `f` changed. Returns the ids of
  // the runs it changed.
  struct RunTexts {
    std::string id;
    std::string request_content_type, request_body, input_json, summary_json, events_json;
    std::optional<std::string> plan, report, canonical_report, roster_csv, tours_csv;
  };
  virtual std::vector<std::string> rewrite_all(const std::function<bool(RunTexts&)>& f) = 0;

  // --- The shared queue (issue 14; README "Running more than one replica") -----------------------
  // A store shared by replicas (PostgreSQL) is the queue: any replica inserts a run, any replica
  // claims it. The SQLite store is one process's: it answers shared() == false and the run manager
  // keeps its queue in memory; the calls below are then never made.
  virtual bool shared() const { return false; }

  // Inserts a new QUEUED run unless `max_queued` runs already wait in its queue (run.queue) in the
  // whole store (checked and inserted atomically across replicas). Returns false when it is full.
  virtual bool insert_bounded(const StoredRun& run, long long max_queued);
  // A claimed run: its row with the request and the event log so far (of an earlier attempt).
  struct Claim {
    StoredRun run;
    int attempt = 0;                // 1 for the first claim
    bool cancel_requested = false;  // cancelled while queued or while its owner was gone
  };
  // Claims the oldest QUEUED run of `queue`, or a RUNNING one whose lease expired (its owner died),
  // for `owner` with a lease of `lease`. A run whose lease expired after `max_attempts` claims is
  // failed (ATTEMPTS_EXHAUSTED, its id in `exhausted`) instead of claimed again. Runs in `held`
  // (the claimer's own, still in its hands though their leases lapsed in an outage) are left alone.
  virtual std::optional<Claim> claim(const std::string& owner, const std::string& queue, std::chrono::milliseconds lease,
                                     int max_attempts, const std::vector<std::string>& held,
                                     std::vector<std::string>* exhausted);
  // Claims one QUEUED run by id (to cancel it from any replica); nullopt when it is not queued.
  virtual std::optional<Claim> claim_queued(const std::string& id, const std::string& owner,
                                            std::chrono::milliseconds lease);
  // Renews `owner`'s lease on a running run and stores its live status view and event log so far
  // (events_json "" = unchanged since the last renewal).
  struct Lease {
    bool held = false;              // false: the lease expired and another replica may run it
    bool cancel_requested = false;  // a cancel arrived through another replica
  };
  virtual Lease renew(const std::string& id, const std::string& owner, std::chrono::milliseconds lease,
                      const std::string& summary_json, const std::string& events_json);
  // Asks the owner of a running run to cancel it (it sees the flag at its next renewal). Returns
  // false when the run is not running.
  virtual bool request_cancel(const std::string& id);
  // Gives a running run back to the queue (a replica shutting down): another replica re-runs it.
  virtual void release(const std::string& id, const std::string& owner);
  // Runs QUEUED and RUNNING in the whole store.
  struct QueueCounts {
    long long queued = 0, running = 0;
  };
  virtual QueueCounts queue_counts() const;
  // Called (on the store's listener thread) when another replica changed a run or queued one:
  // the run's id, or "" for "a run was queued".
  virtual void set_on_change(std::function<void(const std::string& id)> f);
};

// A finish whose run was claimed by another replica meanwhile (the lease had expired): nothing
// was written; the other replica's attempt is the run.
class LeaseLost : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The SQLite file store: one file under DATA_DIR.
class SqliteRunStore : public RunStore {
 public:
  // data_dir "" or ":memory:" -> an in-memory database (tests); otherwise <data_dir>/runs.sqlite3,
  // the folder created when missing. Throws StoreError naming the folder or file when it cannot be
  // used: not a directory, not writable, not a database, corrupt (quick_check) or read-only.
  SqliteRunStore(const std::string& data_dir, int max_stored_runs);
  ~SqliteRunStore() override;
  SqliteRunStore(const SqliteRunStore&) = delete;
  SqliteRunStore& operator=(const SqliteRunStore&) = delete;

  const std::string& path() const override { return path_; }
  StoreHealth health(std::chrono::milliseconds probe_interval = std::chrono::seconds(1)) override;
  std::vector<std::string> mark_interrupted(const std::string& now) override;
  void insert(const StoredRun& run) override;
  void mark_running(const std::string& id, const std::string& started_at, const std::string& summary_json) override;
  void finish(const Finish& f) override;
  void insert_finished(const StoredRun& run, const Finish& f) override;
  std::vector<std::string> publish(const std::string& id, const std::string& week, const std::string& scope,
                                   const std::string& now) override;
  std::optional<StoredRun> published(const std::string& week, const std::string& scope) const override;
  std::vector<StoredRun> children(const std::string& id) const override;
  std::optional<StoredRun> get(const std::string& id, bool with_request = false) const override;
  std::optional<std::string> document(const std::string& id, RunDocument doc) const override;
  std::vector<std::optional<std::string>> document_values(const std::string& id, RunDocument doc,
                                                           const std::vector<std::string>& paths) const override;
  std::vector<StoredRun> list(int limit, const std::string& status) const override;
  long long count() const override;
  bool delete_run(const std::string& id) override;
  SweepResult sweep(const std::string& cutoff) override;
  void reclaim_space() override;
  long long take_count_pruned() override;
  std::vector<std::string> rewrite_all(const std::function<bool(RunTexts&)>& f) override;

 private:
  void open(const std::string& data_dir);
  void exec(const char* sql) const;
  void check_integrity();
  void migrate();
  void prune_locked();
  // Runs `f` under the lock; a StoreError is re-thrown naming the file, and recorded in the health
  // state when the store fails; a successful write clears a failure that a write can heal.
  template <class F>
  auto locked(bool write, F&& f) const;

  std::string path_;
  int max_stored_runs_;
  sqlite3* db_ = nullptr;
  mutable std::mutex mu_;
  mutable std::optional<StoreError> failure_;  // the last failure of the store itself, while unhealed
  std::chrono::steady_clock::time_point last_probe_{};
  long long count_pruned_ = 0;  // under mu_
};

// The store: PostgreSQL when `database_url` is set (postgresql://… or postgres://…, service/
// pg_run_store.hpp), else the SQLite file under DATA_DIR.
std::unique_ptr<RunStore> open_run_store(const std::string& data_dir, int max_stored_runs,
                                         const std::string& database_url = "");

}  // namespace so
