#pragma once
// The run store (api.md §3, reliability): one SQLite file under DATA_DIR holding every run's
// request, status, timestamps, plan, report, exports and event log, and its place among the
// versions (parent, kind, publication). Writes are transactional; runs survive a restart; the
// newest MAX_STORED_RUNS finished runs are kept, and a published plan is never deleted.
// A store file of an older schema gets the missing columns at start-up. Opening checks the file
// (PRAGMA quick_check): a corrupt store is refused, never served.
#include <chrono>
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

class RunStore {
 public:
  // data_dir "" or ":memory:" -> an in-memory database (tests); otherwise <data_dir>/runs.sqlite3,
  // the folder created when missing. Throws StoreError naming the folder or file when it cannot be
  // used: not a directory, not writable, not a database, corrupt (quick_check) or read-only.
  RunStore(const std::string& data_dir, int max_stored_runs);
  ~RunStore();
  RunStore(const RunStore&) = delete;
  RunStore& operator=(const RunStore&) = delete;

  const std::string& path() const { return path_; }

  // Every call below throws StoreError when SQLite fails. A failure of the store itself (see
  // StoreError::unavailable) makes it unhealthy until a write succeeds again; health() then tries
  // a probe write at most once per `probe_interval` (a corrupt file stays unhealthy).
  StoreHealth health(std::chrono::milliseconds probe_interval = std::chrono::seconds(1));

  // Start-up: runs left QUEUED/RUNNING by a previous process become FAILED / INTERRUPTED, and their
  // event log ends with a run_failed event (like any finished run's). Returns their ids.
  std::vector<std::string> mark_interrupted(const std::string& now);

  void insert(const StoredRun& run);  // a new run (QUEUED)
  void mark_running(const std::string& id, const std::string& started_at, const std::string& summary_json);

  struct Finish {
    std::string id, status, reason, finished_at, summary_json, events_json;
    std::optional<std::string> plan, report, canonical_report, roster_csv, tours_csv;
  };
  void finish(const Finish& f);  // one transaction, then retention

  // An already finished run (a saved edit): the row and its documents in one transaction, then
  // retention. `run.status` is its final status.
  void insert_finished(const StoredRun& run, const Finish& f);

  // Publishing (dispatch.md §5): marks `id` as the published plan of (week, scope) and every other
  // published run of that (week, scope) as superseded (superseded_by = id). Returns the ids it
  // superseded. Preconditions (a clean plan) are the caller's.
  std::vector<std::string> publish(const std::string& id, const std::string& week, const std::string& scope,
                                   const std::string& now);
  // The published run of (week, scope), if any.
  std::optional<StoredRun> published(const std::string& week, const std::string& scope) const;

  // Runs whose parent_run_id is `id`, oldest first.
  std::vector<StoredRun> children(const std::string& id) const;

  std::optional<StoredRun> get(const std::string& id, bool with_request = false) const;
  std::optional<std::string> document(const std::string& id, RunDocument doc) const;  // nullopt: no such run or no document
  // Values inside a JSON document (SQLite json_extract), without handing the whole document over:
  // one per path (e.g. "$.changes.frozen_until"), as JSON text, nullopt where absent or null.
  std::vector<std::optional<std::string>> document_values(const std::string& id, RunDocument doc,
                                                           const std::vector<std::string>& paths) const;
  // Newest first; status "" = any.
  std::vector<StoredRun> list(int limit, const std::string& status) const;
  long long count() const;

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
};

}  // namespace so
