#include "service/run_store.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <type_traits>
#include <utility>

#include "service/log.hpp"
#include "service/pg_run_store.hpp"

namespace so {

bool StoreError::disk_full() const { return code_ == SQLITE_FULL; }
bool StoreError::corrupt() const { return code_ == SQLITE_CORRUPT || code_ == SQLITE_NOTADB; }
bool StoreError::unavailable() const {
  switch (code_) {
    case SQLITE_FULL: case SQLITE_IOERR: case SQLITE_CORRUPT: case SQLITE_NOTADB: case SQLITE_READONLY:
    case SQLITE_CANTOPEN: case SQLITE_PERM: case SQLITE_NOLFS: case SQLITE_PROTOCOL:
      return true;
    default:
      return false;
  }
}

namespace {

// SQLite's last error on `db` as a StoreError (primary result code; the message names the statement).
StoreError sqlite_error(sqlite3* db, int rc, const std::string& what) {
  return StoreError(rc & 0xff, std::string(sqlite3_errmsg(db)) + " (" + what + ")");
}

// RAII prepared statement with positional text binding.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) : db_(db) {
    if (int rc = sqlite3_prepare_v2(db, sql, -1, &st_, nullptr); rc != SQLITE_OK)
      throw sqlite_error(db, rc, std::string("preparing ") + std::string(sql).substr(0, 40) + "…");
  }
  ~Stmt() { sqlite3_finalize(st_); }
  Stmt& text(int i, const std::string& v) {
    sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& opt_text(int i, const std::optional<std::string>& v) {
    if (v) return text(i, *v);
    sqlite3_bind_null(st_, i);
    return *this;
  }
  Stmt& integer(int i, long long v) {
    sqlite3_bind_int64(st_, i, v);
    return *this;
  }
  bool step() {
    int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw sqlite_error(db_, rc, std::string("running ") + std::string(sqlite3_sql(st_)).substr(0, 40) + "…");
  }
  std::string col(int i) const {
    const unsigned char* p = sqlite3_column_text(st_, i);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(st_, i)))
             : std::string();
  }
  bool is_null(int i) const { return sqlite3_column_type(st_, i) == SQLITE_NULL; }
  long long col_int(int i) const { return sqlite3_column_int64(st_, i); }

 private:
  sqlite3* db_;
  sqlite3_stmt* st_ = nullptr;
};

// A transaction that rolls back unless committed (an exception mid-write leaves no half run).
class Tx {
 public:
  explicit Tx(sqlite3* db) : db_(db) { run("BEGIN IMMEDIATE"); }
  ~Tx() {
    if (!done_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  void commit() {
    run("COMMIT");
    done_ = true;
  }

 private:
  void run(const char* sql) {
    if (int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr); rc != SQLITE_OK) throw sqlite_error(db_, rc, sql);
  }
  sqlite3* db_;
  bool done_ = false;
};

const char* kSummaryColumns = "id, seq, status, reason, created_at, started_at, finished_at, request_content_type, "
                              "summary_json, events_json, parent_run_id, kind, week, scope, publication, "
                              "published_at, superseded_by";
constexpr int kSummaryColumnCount = 17;

// Columns added after the first schema (dispatch.md §5), with their definitions: a store file of
// an older schema gets them at start-up (ALTER TABLE … ADD COLUMN).
const std::vector<std::pair<const char*, const char*>> kAddedColumns = {
    {"parent_run_id", "TEXT NOT NULL DEFAULT ''"},
    {"kind", "TEXT NOT NULL DEFAULT 'solve'"},
    {"week", "TEXT NOT NULL DEFAULT ''"},
    {"scope", "TEXT NOT NULL DEFAULT ''"},
    {"publication", "TEXT NOT NULL DEFAULT ''"},
    {"published_at", "TEXT NOT NULL DEFAULT ''"},
    {"superseded_by", "TEXT NOT NULL DEFAULT ''"},
    {"input_json", "TEXT"},
};

StoredRun read_summary(const Stmt& s) {
  StoredRun r;
  r.id = s.col(0);
  r.seq = s.col_int(1);
  r.status = s.col(2);
  r.reason = s.col(3);
  r.created_at = s.col(4);
  r.started_at = s.col(5);
  r.finished_at = s.col(6);
  r.request_content_type = s.col(7);
  r.summary_json = s.col(8);
  r.events_json = s.col(9);
  r.parent_run_id = s.col(10);
  r.kind = s.col(11);
  r.week = s.col(12);
  r.scope = s.col(13);
  r.publication = s.col(14);
  r.published_at = s.col(15);
  r.superseded_by = s.col(16);
  return r;
}

void bind_insert(Stmt& s, const StoredRun& run) {
  s.text(1, run.id)
      .text(2, run.status)
      .text(3, run.reason)
      .text(4, run.created_at)
      .text(5, run.request_content_type)
      .text(6, run.request_body)
      .text(7, run.summary_json.empty() ? "{}" : run.summary_json)
      .text(8, run.events_json.empty() ? "[]" : run.events_json)
      .text(9, run.parent_run_id)
      .text(10, run.kind.empty() ? "solve" : run.kind)
      .text(11, run.week)
      .opt_text(12, run.input_json.empty() ? std::nullopt : std::optional<std::string>(run.input_json));
}

const char* document_column(RunDocument doc) {
  switch (doc) {
    case RunDocument::Plan: return "plan_json";
    case RunDocument::Report: return "report_json";
    case RunDocument::CanonicalReport: return "canonical_report";
    case RunDocument::RosterCsv: return "roster_csv";
    case RunDocument::ToursCsv: return "tours_csv";
  }
  return "plan_json";
}

}  // namespace

SqliteRunStore::SqliteRunStore(const std::string& data_dir, int max_stored_runs) : max_stored_runs_(std::max(1, max_stored_runs)) {
  try {
    open(data_dir);
  } catch (...) {
    sqlite3_close(db_);  // the destructor does not run for a half-built store
    db_ = nullptr;
    throw;
  }
}

void SqliteRunStore::open(const std::string& data_dir) {
  namespace fs = std::filesystem;
  if (data_dir.empty() || data_dir == ":memory:") {
    path_ = ":memory:";
  } else {
    std::error_code ec;
    if (fs::exists(data_dir, ec) && !fs::is_directory(data_dir, ec))
      throw StoreError(SQLITE_CANTOPEN, "DATA_DIR " + data_dir + " is not a directory");
    fs::create_directories(data_dir, ec);
    if (ec) throw StoreError(SQLITE_CANTOPEN, "cannot create DATA_DIR " + data_dir + ": " + ec.message());
    // SQLite needs to create its -wal and -shm files next to the store (a read-only mount fails here, even for root).
    if (::access(data_dir.c_str(), W_OK | X_OK) != 0)
      throw StoreError(SQLITE_READONLY, "DATA_DIR " + data_dir + " is not writable: " + std::strerror(errno));
    path_ = (fs::path(data_dir) / "runs.sqlite3").string();
  }
  if (int rc = sqlite3_open_v2(path_.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                               nullptr);
      rc != SQLITE_OK)
    throw StoreError(rc & 0xff, "cannot open run store " + path_ + ": " + (db_ ? sqlite3_errmsg(db_) : "out of memory"));
  try {
    sqlite3_busy_timeout(db_, 5000);
    if (path_ != ":memory:") {
      check_integrity();
      // SQLite silently opens a write-protected file read-only; a store that cannot record runs must not start.
      if (sqlite3_db_readonly(db_, "main") == 1) throw StoreError(SQLITE_READONLY, "the file is read-only");
      // WAL + synchronous=NORMAL: a committed run survives a killed process (not necessarily a power cut).
      exec("PRAGMA journal_mode=WAL");
    }
    exec("PRAGMA synchronous=NORMAL");
    // Deleted runs hold personal data (issue 17): SQLite overwrites their bytes instead of leaving them in free pages.
    exec("PRAGMA secure_delete=ON");
    exec(
        "CREATE TABLE IF NOT EXISTS runs ("
        " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
        " id TEXT NOT NULL UNIQUE,"
        " status TEXT NOT NULL,"
        " reason TEXT NOT NULL DEFAULT '',"
        " created_at TEXT NOT NULL,"
        " started_at TEXT NOT NULL DEFAULT '',"
        " finished_at TEXT NOT NULL DEFAULT '',"
        " request_content_type TEXT NOT NULL DEFAULT '',"
        " request_body TEXT NOT NULL DEFAULT '',"
        " summary_json TEXT NOT NULL DEFAULT '{}',"
        " events_json TEXT NOT NULL DEFAULT '[]',"
        " plan_json TEXT, report_json TEXT, canonical_report TEXT, roster_csv TEXT, tours_csv TEXT)");
    exec("CREATE INDEX IF NOT EXISTS runs_status ON runs(status, seq)");
    migrate();
    exec("CREATE INDEX IF NOT EXISTS runs_parent ON runs(parent_run_id)");
    exec("CREATE INDEX IF NOT EXISTS runs_publication ON runs(week, scope, publication)");
    // One row that health() rewrites to find out whether the store takes writes again.
    exec("CREATE TABLE IF NOT EXISTS store_probe (id INTEGER PRIMARY KEY, at TEXT NOT NULL, pad BLOB)");
  } catch (const StoreError& e) {
    throw StoreError(e.code(), "run store " + path_ + ": " + e.what());
  }
}

// A damaged file is refused at start-up instead of failing every request later (PRAGMA quick_check
// reads every page once: about a second per few hundred MB).
void SqliteRunStore::check_integrity() {
  std::string problems;
  try {
    Stmt s(db_, "PRAGMA quick_check(3)");
    while (s.step()) {
      std::string line = s.col(0);
      std::replace(line.begin(), line.end(), '\n', ' ');  // one message line
      if (line != "ok") problems += (problems.empty() ? "" : "; ") + line;
    }
  } catch (const StoreError& e) {
    if (!e.corrupt()) throw;
    problems = e.what();
  }
  if (!problems.empty())
    throw StoreError(SQLITE_CORRUPT, "the file is corrupt (PRAGMA quick_check: " + problems +
                                         "); restore it from a backup, or move it away to start with an empty store");
}

void SqliteRunStore::migrate() {
  std::vector<std::string> have;
  {
    Stmt s(db_, "PRAGMA table_info(runs)");
    while (s.step()) have.push_back(s.col(1));
  }
  Tx tx(db_);
  bool added_week = false;
  for (const auto& [name, definition] : kAddedColumns) {
    if (std::find(have.begin(), have.end(), name) != have.end()) continue;
    const std::string sql = std::string("ALTER TABLE runs ADD COLUMN ") + name + " " + definition;
    exec(sql.c_str());
    added_week = added_week || std::string(name) == "week";
  }
  // Runs of the old schema: their week from the stored status view.
  if (added_week)
    exec("UPDATE runs SET week = COALESCE(json_extract(summary_json, '$.week_start'), '') "
         "WHERE week = '' AND json_valid(summary_json)");
  tx.commit();
}

SqliteRunStore::~SqliteRunStore() {
  if (db_) sqlite3_close(db_);
}

void SqliteRunStore::exec(const char* sql) const {
  if (int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr); rc != SQLITE_OK) throw sqlite_error(db_, rc, sql);
}

template <class F>
auto SqliteRunStore::locked(bool write, F&& f) const {
  std::lock_guard lock(mu_);
  // A successful write proves the store takes writes again (a corrupt file is never healed by one).
  auto healed = [&] {
    if (write && failure_ && !failure_->corrupt()) {
      service_log()->info("run store {} takes writes again (was: {})", path_, failure_->what());
      failure_.reset();
    }
  };
  try {
    if constexpr (std::is_void_v<std::invoke_result_t<F&>>) {
      f();
      healed();
    } else {
      auto result = f();
      healed();
      return result;
    }
  } catch (const StoreError& e) {
    StoreError named(e.code(), "run store " + path_ + ": " + e.what());
    if (named.unavailable() && !(failure_ && failure_->corrupt())) failure_ = named;
    throw named;
  }
}

StoreHealth SqliteRunStore::health(std::chrono::milliseconds probe_interval) {
  {
    std::lock_guard lock(mu_);
    if (!failure_) return {};
    const auto now = std::chrono::steady_clock::now();
    if (failure_->corrupt() || now - last_probe_ < probe_interval) return {false, failure_->what()};
    last_probe_ = now;
  }
  // A write of a few hundred KB, like a small finished run: it heals the state when it commits.
  try {
    locked(true, [&] {
      Tx tx(db_);
      Stmt s(db_, "INSERT OR REPLACE INTO store_probe (id, at, pad) VALUES (1, datetime('now'), zeroblob(262144))");
      s.step();
      tx.commit();
    });
  } catch (const StoreError&) {
  }
  std::lock_guard lock(mu_);
  return failure_ ? StoreHealth{false, failure_->what()} : StoreHealth{};
}

std::vector<std::string> SqliteRunStore::mark_interrupted(const std::string& now) {
  return locked(true, [&] {
    std::vector<std::string> ids;
    Tx tx(db_);
    {
      Stmt s(db_, "SELECT id FROM runs WHERE status IN ('QUEUED','RUNNING') ORDER BY seq");
      while (s.step()) ids.push_back(s.col(0));
    }
    {
      Stmt u(db_,
             "UPDATE runs SET status='FAILED', reason='INTERRUPTED', finished_at=?1,"
             " summary_json=json_set(summary_json, '$.status', 'FAILED', '$.reason', 'INTERRUPTED', '$.finished_at', ?1)"
             " WHERE status IN ('QUEUED','RUNNING')");
      u.text(1, now);
      u.step();
    }
    // The event log of an interrupted run (also of one marked by an older version) ends like any
    // finished run's: a run_failed event, so an SSE client learns that the run is over.
    Stmt e(db_,
           "UPDATE runs SET events_json = json_insert(events_json, '$[#]', json_object("
           " 'id', COALESCE(json_extract(events_json, '$[#-1].id'), 0) + 1, 'event', 'run_failed',"
           " 'data', json_object('run_id', id, 'status', 'FAILED', 'reason', 'INTERRUPTED', 'elapsed_s', NULL,"
           " 'result', NULL)))"
           " WHERE status='FAILED' AND reason='INTERRUPTED' AND json_valid(events_json)"
           " AND COALESCE(json_extract(events_json, '$[#-1].event'), '') NOT IN ('run_completed','run_failed','run_cancelled')");
    e.step();
    tx.commit();
    return ids;
  });
}

void SqliteRunStore::insert(const StoredRun& run) {
  locked(true, [&] {
    Tx tx(db_);
    Stmt s(db_,
           "INSERT INTO runs (id, status, reason, created_at, request_content_type, request_body, summary_json,"
           " events_json, parent_run_id, kind, week, input_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
    bind_insert(s, run);
    s.step();
    tx.commit();
  });
}

void SqliteRunStore::insert_finished(const StoredRun& run, const Finish& f) {
  locked(true, [&] {
    {
      Tx tx(db_);
      Stmt s(db_,
             "INSERT INTO runs (id, status, reason, created_at, request_content_type, request_body, summary_json,"
             " events_json, parent_run_id, kind, week, input_json, started_at, finished_at, plan_json, report_json,"
             " canonical_report, roster_csv, tours_csv)"
             " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)");
      bind_insert(s, run);
      s.text(13, run.started_at)
          .text(14, f.finished_at)
          .opt_text(15, f.plan)
          .opt_text(16, f.report)
          .opt_text(17, f.canonical_report)
          .opt_text(18, f.roster_csv)
          .opt_text(19, f.tours_csv);
      s.step();
      tx.commit();
    }
    prune_locked();
  });
}

std::vector<std::string> SqliteRunStore::publish(const std::string& id, const std::string& week, const std::string& scope,
                                           const std::string& now) {
  return locked(true, [&] {
    std::vector<std::string> superseded;
    Tx tx(db_);
    {
      Stmt s(db_, "SELECT id FROM runs WHERE week=?1 AND scope=?2 AND publication='published' AND id<>?3 ORDER BY seq");
      s.text(1, week).text(2, scope).text(3, id);
      while (s.step()) superseded.push_back(s.col(0));
    }
    {
      Stmt s(db_,
             "UPDATE runs SET publication='superseded', superseded_by=?3"
             " WHERE week=?1 AND scope=?2 AND publication='published' AND id<>?3");
      s.text(1, week).text(2, scope).text(3, id);
      s.step();
    }
    {
      Stmt s(db_,
             "UPDATE runs SET publication='published', published_at=?4, week=?2, scope=?3, superseded_by=''"
             " WHERE id=?1");
      s.text(1, id).text(2, week).text(3, scope).text(4, now);
      s.step();
    }
    tx.commit();
    return superseded;
  });
}

std::optional<StoredRun> SqliteRunStore::published(const std::string& week, const std::string& scope) const {
  return locked(false, [&]() -> std::optional<StoredRun> {
    std::string sql = std::string("SELECT ") + kSummaryColumns +
                      " FROM runs WHERE week=?1 AND scope=?2 AND publication='published' ORDER BY seq DESC LIMIT 1";
    Stmt s(db_, sql.c_str());
    s.text(1, week).text(2, scope);
    if (!s.step()) return std::nullopt;
    return read_summary(s);
  });
}

std::vector<StoredRun> SqliteRunStore::children(const std::string& id) const {
  return locked(false, [&] {
    std::string sql = std::string("SELECT ") + kSummaryColumns + " FROM runs WHERE parent_run_id=?1 ORDER BY seq";
    Stmt s(db_, sql.c_str());
    s.text(1, id);
    std::vector<StoredRun> out;
    while (s.step()) out.push_back(read_summary(s));
    return out;
  });
}

void SqliteRunStore::mark_running(const std::string& id, const std::string& started_at, const std::string& summary_json) {
  locked(true, [&] {
    Tx tx(db_);
    Stmt s(db_, "UPDATE runs SET status='RUNNING', started_at=?2, summary_json=?3 WHERE id=?1");
    s.text(1, id).text(2, started_at).text(3, summary_json);
    s.step();
    tx.commit();
  });
}

void SqliteRunStore::finish(const Finish& f) {
  locked(true, [&] {
    {
      Tx tx(db_);
      Stmt s(db_,
             "UPDATE runs SET status=?2, reason=?3, finished_at=?4, summary_json=?5, events_json=?6, plan_json=?7,"
             " report_json=?8, canonical_report=?9, roster_csv=?10, tours_csv=?11, request_body=request_body"
             " WHERE id=?1");
      s.text(1, f.id)
          .text(2, f.status)
          .text(3, f.reason)
          .text(4, f.finished_at)
          .text(5, f.summary_json)
          .text(6, f.events_json)
          .opt_text(7, f.plan)
          .opt_text(8, f.report)
          .opt_text(9, f.canonical_report)
          .opt_text(10, f.roster_csv)
          .opt_text(11, f.tours_csv);
      s.step();
      tx.commit();
    }
    prune_locked();
  });
}

void SqliteRunStore::prune_locked() {
  // Keep the newest max_stored_runs runs; a run still in flight, and the published plan of a
  // week, are never deleted.
  Tx tx(db_);
  Stmt s(db_,
         "DELETE FROM runs WHERE status NOT IN ('QUEUED','RUNNING') AND publication <> 'published' AND seq <= "
         "(SELECT seq FROM runs ORDER BY seq DESC LIMIT 1 OFFSET ?1)");
  s.integer(1, max_stored_runs_);
  s.step();
  count_pruned_ += sqlite3_changes(db_);
  tx.commit();
}

std::optional<StoredRun> SqliteRunStore::get(const std::string& id, bool with_request) const {
  return locked(false, [&]() -> std::optional<StoredRun> {
    std::string sql = std::string("SELECT ") + kSummaryColumns + (with_request ? ", request_body, input_json" : "") +
                      " FROM runs WHERE id=?1";
    Stmt s(db_, sql.c_str());
    s.text(1, id);
    if (!s.step()) return std::nullopt;
    StoredRun r = read_summary(s);
    if (with_request) {
      r.request_body = s.col(kSummaryColumnCount);
      r.input_json = s.col(kSummaryColumnCount + 1);
    }
    return r;
  });
}

std::optional<std::string> SqliteRunStore::document(const std::string& id, RunDocument doc) const {
  return locked(false, [&]() -> std::optional<std::string> {
    std::string sql = std::string("SELECT ") + document_column(doc) + " FROM runs WHERE id=?1";
    Stmt s(db_, sql.c_str());
    s.text(1, id);
    if (!s.step() || s.is_null(0)) return std::nullopt;
    return s.col(0);
  });
}

std::vector<std::optional<std::string>> SqliteRunStore::document_values(const std::string& id, RunDocument doc,
                                                                   const std::vector<std::string>& paths) const {
  std::vector<std::optional<std::string>> out(paths.size());
  if (paths.empty()) return out;
  return locked(false, [&] {
    const std::string col = document_column(doc);
    std::string sql = "SELECT ";
    for (size_t i = 0; i < paths.size(); ++i)
      sql += (i ? ", " : "") + std::string("json_quote(json_extract(") + col + ", ?" + std::to_string(i + 2) + "))";
    sql += " FROM runs WHERE id=?1 AND json_valid(" + col + ")";
    Stmt s(db_, sql.c_str());
    s.text(1, id);
    for (size_t i = 0; i < paths.size(); ++i) s.text(static_cast<int>(i) + 2, paths[i]);
    if (!s.step()) return out;
    for (size_t i = 0; i < paths.size(); ++i) {
      if (s.is_null(static_cast<int>(i))) continue;
      std::string v = s.col(static_cast<int>(i));
      if (v != "null") out[i] = std::move(v);
    }
    return out;
  });
}

std::vector<StoredRun> SqliteRunStore::list(int limit, const std::string& status) const {
  return locked(false, [&] {
    std::string sql = std::string("SELECT ") + kSummaryColumns + " FROM runs" + (status.empty() ? "" : " WHERE status=?2") +
                      " ORDER BY seq DESC LIMIT ?1";
    Stmt s(db_, sql.c_str());
    s.integer(1, limit);
    if (!status.empty()) s.text(2, status);
    std::vector<StoredRun> out;
    while (s.step()) out.push_back(read_summary(s));
    return out;
  });
}

long long SqliteRunStore::count() const {
  return locked(false, [&] {
    Stmt s(db_, "SELECT COUNT(*) FROM runs");
    s.step();
    return s.col_int(0);
  });
}

bool SqliteRunStore::delete_run(const std::string& id) {
  return locked(true, [&] {
    Tx tx(db_);
    Stmt s(db_, "DELETE FROM runs WHERE id=?1");  // events, plan, report and exports are columns of the row
    s.text(1, id);
    s.step();
    const bool deleted = sqlite3_changes(db_) > 0;
    tx.commit();
    return deleted;
  });
}

SweepResult SqliteRunStore::sweep(const std::string& cutoff) {
  return locked(true, [&] {
    SweepResult r;
    Tx tx(db_);
    const char* where = " WHERE status NOT IN ('QUEUED','RUNNING') AND publication <> 'published'"
                        " AND finished_at <> '' AND finished_at < ?1";
    {
      Stmt s(db_, (std::string("SELECT id FROM runs") + where + " ORDER BY seq").c_str());
      s.text(1, cutoff);
      while (s.step()) r.ids.push_back(s.col(0));
    }
    Stmt d(db_, (std::string("DELETE FROM runs") + where).c_str());
    d.text(1, cutoff);
    d.step();
    tx.commit();
    return r;
  });
}

void SqliteRunStore::reclaim_space() {
  locked(true, [&] {
    exec("VACUUM");
    // In WAL mode the old pages may still sit in the -wal file: fold it in and truncate it.
    if (path_ != ":memory:") exec("PRAGMA wal_checkpoint(TRUNCATE)");
  });
}

long long SqliteRunStore::take_count_pruned() {
  std::lock_guard lock(mu_);
  return std::exchange(count_pruned_, 0);
}

std::vector<std::string> SqliteRunStore::rewrite_all(const std::function<bool(RunTexts&)>& f) {
  return locked(true, [&] {
    std::vector<std::string> changed;
    Tx tx(db_);
    std::vector<std::string> ids;
    {
      Stmt s(db_, "SELECT id FROM runs ORDER BY seq");
      while (s.step()) ids.push_back(s.col(0));
    }
    for (const std::string& id : ids) {  // one run in memory at a time
      RunTexts t;
      {
        Stmt s(db_,
               "SELECT request_content_type, request_body, input_json, summary_json, events_json, plan_json,"
               " report_json, canonical_report, roster_csv, tours_csv FROM runs WHERE id=?1");
        s.text(1, id);
        if (!s.step()) continue;
        t.id = id;
        t.request_content_type = s.col(0);
        t.request_body = s.col(1);
        t.input_json = s.col(2);
        t.summary_json = s.col(3);
        t.events_json = s.col(4);
        auto opt = [&](int i) { return s.is_null(i) ? std::nullopt : std::optional<std::string>(s.col(i)); };
        t.plan = opt(5);
        t.report = opt(6);
        t.canonical_report = opt(7);
        t.roster_csv = opt(8);
        t.tours_csv = opt(9);
      }
      if (!f(t)) continue;
      Stmt u(db_,
             "UPDATE runs SET request_body=?2, input_json=?3, summary_json=?4, events_json=?5, plan_json=?6,"
             " report_json=?7, canonical_report=?8, roster_csv=?9, tours_csv=?10 WHERE id=?1");
      u.text(1, id)
          .text(2, t.request_body)
          .opt_text(3, t.input_json.empty() ? std::nullopt : std::optional<std::string>(t.input_json))
          .text(4, t.summary_json)
          .text(5, t.events_json)
          .opt_text(6, t.plan)
          .opt_text(7, t.report)
          .opt_text(8, t.canonical_report)
          .opt_text(9, t.roster_csv)
          .opt_text(10, t.tours_csv);
      u.step();
      changed.push_back(id);
    }
    tx.commit();
    return changed;
  });
}

// A one-process store has no shared queue: the run manager never calls these on it.
bool RunStore::insert_bounded(const StoredRun& run, long long) {
  insert(run);
  return true;
}
std::optional<RunStore::Claim> RunStore::claim(const std::string&, const std::string&, std::chrono::milliseconds,
                                               int, const std::vector<std::string>&, std::vector<std::string>*) {
  return std::nullopt;
}
std::optional<RunStore::Claim> RunStore::claim_queued(const std::string&, const std::string&, std::chrono::milliseconds) {
  return std::nullopt;
}
RunStore::Lease RunStore::renew(const std::string&, const std::string&, std::chrono::milliseconds, const std::string&,
                                const std::string&) {
  return {true, false};
}
bool RunStore::request_cancel(const std::string&) { return false; }
void RunStore::release(const std::string&, const std::string&) {}
RunStore::QueueCounts RunStore::queue_counts() const { return {}; }
void RunStore::set_on_change(std::function<void(const std::string&)>) {}

std::unique_ptr<RunStore> open_run_store(const std::string& data_dir, int max_stored_runs,
                                         const std::string& database_url) {
  if (!database_url.empty()) return open_pg_run_store(database_url, max_stored_runs);
  return std::make_unique<SqliteRunStore>(data_dir, max_stored_runs);
}

}  // namespace so
