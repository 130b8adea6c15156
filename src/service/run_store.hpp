#pragma once
// The run store (api.md §3, reliability): one SQLite file under DATA_DIR holding every run's
// request, status, timestamps, plan, report, exports and event log. Writes are transactional;
// runs survive a restart; the newest MAX_STORED_RUNS finished runs are kept.
#include <mutex>
#include <optional>
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
};

// Large per-run documents, fetched one at a time.
enum class RunDocument { Plan, Report, CanonicalReport, RosterCsv, ToursCsv };

class RunStore {
 public:
  // data_dir "" or ":memory:" -> an in-memory database (tests); otherwise <data_dir>/runs.sqlite3,
  // the folder created when missing. Throws std::runtime_error when the database cannot be opened.
  RunStore(const std::string& data_dir, int max_stored_runs);
  ~RunStore();
  RunStore(const RunStore&) = delete;
  RunStore& operator=(const RunStore&) = delete;

  const std::string& path() const { return path_; }

  // Start-up: runs left QUEUED/RUNNING by a previous process become FAILED / INTERRUPTED.
  // Returns their ids.
  std::vector<std::string> mark_interrupted(const std::string& now);

  void insert(const StoredRun& run);  // a new run (QUEUED)
  void mark_running(const std::string& id, const std::string& started_at, const std::string& summary_json);

  struct Finish {
    std::string id, status, reason, finished_at, summary_json, events_json;
    std::optional<std::string> plan, report, canonical_report, roster_csv, tours_csv;
  };
  void finish(const Finish& f);  // one transaction, then retention

  std::optional<StoredRun> get(const std::string& id, bool with_request = false) const;
  std::optional<std::string> document(const std::string& id, RunDocument doc) const;  // nullopt: no such run or no document
  // Newest first; status "" = any.
  std::vector<StoredRun> list(int limit, const std::string& status) const;
  long long count() const;

 private:
  void exec(const char* sql) const;
  void prune_locked();

  std::string path_;
  int max_stored_runs_;
  sqlite3* db_ = nullptr;
  mutable std::mutex mu_;
};

}  // namespace so
