#include "service/pg_run_store.hpp"

#include <sqlite3.h>  // StoreError carries SQLite's result codes: the HTTP mapping is the same for both stores

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <regex>
#include <thread>
#include <type_traits>
#include <utility>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "service/log.hpp"
#include "service/util.hpp"

namespace so {

using json = nlohmann::json;

namespace {

// The NOTIFY channel: payload "" = a run was queued, else the id of a run that changed.
constexpr const char* kChannel = "so_runs";
// Any constant: the advisory lock that serialises migrations and the queue-capacity check.
constexpr long long kMigrationLock = 0x5348494654'01LL;  // "SHIFT" 01
constexpr long long kQueueLock = 0x5348494654'02LL;

// Versioned migrations: index i is version i + 1. Never edit a shipped one; append.
const std::vector<const char*> kMigrations = {
    // 1: the runs table of the SQLite store, plus the shared queue's owner, lease, attempts and cancel flag.
    "CREATE TABLE runs ("
    " seq BIGSERIAL PRIMARY KEY,"
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
    " plan_json TEXT, report_json TEXT, canonical_report TEXT, roster_csv TEXT, tours_csv TEXT,"
    " parent_run_id TEXT NOT NULL DEFAULT '',"
    " kind TEXT NOT NULL DEFAULT 'solve',"
    " week TEXT NOT NULL DEFAULT '',"
    " scope TEXT NOT NULL DEFAULT '',"
    " publication TEXT NOT NULL DEFAULT '',"
    " published_at TEXT NOT NULL DEFAULT '',"
    " superseded_by TEXT NOT NULL DEFAULT '',"
    " input_json TEXT,"
    " owner TEXT NOT NULL DEFAULT '',"
    " lease_until TIMESTAMPTZ,"
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " cancel_requested BOOLEAN NOT NULL DEFAULT FALSE);"
    "CREATE INDEX runs_status ON runs(status, seq);"
    "CREATE INDEX runs_parent ON runs(parent_run_id);"
    "CREATE INDEX runs_publication ON runs(week, scope, publication);"
    "CREATE TABLE store_probe (id INTEGER PRIMARY KEY, at TIMESTAMPTZ NOT NULL);",
    // 2: named queues (RUN_QUEUE): a canary track claims only the runs posted to it.
    "ALTER TABLE runs ADD COLUMN queue TEXT NOT NULL DEFAULT 'main';"
    "CREATE INDEX runs_queue ON runs(queue, status, seq);",
};

const char* kSummaryColumns = "id, seq, status, reason, created_at, started_at, finished_at, request_content_type, "
                              "summary_json, events_json, parent_run_id, kind, week, scope, publication, "
                              "published_at, superseded_by";
constexpr int kSummaryColumnCount = 17;

StoredRun read_summary(const pqxx::row& r) {
  StoredRun s;
  s.id = r[0].as<std::string>();
  s.seq = r[1].as<long long>();
  s.status = r[2].as<std::string>();
  s.reason = r[3].as<std::string>();
  s.created_at = r[4].as<std::string>();
  s.started_at = r[5].as<std::string>();
  s.finished_at = r[6].as<std::string>();
  s.request_content_type = r[7].as<std::string>();
  s.summary_json = r[8].as<std::string>();
  s.events_json = r[9].as<std::string>();
  s.parent_run_id = r[10].as<std::string>();
  s.kind = r[11].as<std::string>();
  s.week = r[12].as<std::string>();
  s.scope = r[13].as<std::string>();
  s.publication = r[14].as<std::string>();
  s.published_at = r[15].as<std::string>();
  s.superseded_by = r[16].as<std::string>();
  return s;
}

std::optional<std::string> opt_col(const pqxx::field& f) {
  return f.is_null() ? std::nullopt : std::optional<std::string>(f.as<std::string>());
}

// A NULL parameter for an absent document (libpqxx 6 sends a null const char* as SQL NULL).
const char* opt_param(const std::optional<std::string>& v) { return v ? v->c_str() : nullptr; }

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

// "$.a.b[0]" (the SQLite JSON path the interface speaks) -> PostgreSQL's text[] path "{a,b,0}".
std::string pg_json_path(const std::string& path) {
  std::string out = "{";
  std::string cur;
  bool first = true;
  auto flush = [&] {
    if (cur.empty()) return;
    out += (first ? "" : ",") + std::string("\"") + cur + "\"";
    first = false;
    cur.clear();
  };
  for (size_t i = path.rfind('$', 0) == 0 ? 1 : 0; i < path.size(); ++i) {
    const char c = path[i];
    if (c == '.' || c == '[' || c == ']') flush();
    else if (c == '"' || c == '\\') cur += std::string("\\") + c;
    else cur += c;
  }
  flush();
  return out + "}";
}

// A PostgreSQL text[] literal of run ids ({"a","b"}).
std::string text_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (const std::string& item : items) {
    if (out.size() > 1) out += ",";
    out += "\"";
    for (const char c : item) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += "\"";
  }
  return out + "}";
}

long long millis(std::chrono::milliseconds d) { return static_cast<long long>(d.count()); }

// A PostgreSQL failure as a StoreError with the SQLite code of the same meaning (HTTP 507/503/500).
StoreError pg_error(const std::exception& e, const std::string& where) {
  if (dynamic_cast<const pqxx::broken_connection*>(&e) || dynamic_cast<const pqxx::in_doubt_error*>(&e))
    return StoreError(SQLITE_IOERR, std::string("connection lost: ") + e.what() + " (" + where + ")");
  if (auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    const std::string state = sql->sqlstate();
    std::string what = std::string(e.what());
    while (!what.empty() && (what.back() == '\n' || what.back() == ' ')) what.pop_back();
    what += " [SQLSTATE " + state + "] (" + where + ")";
    if (state == "53100") return StoreError(SQLITE_FULL, what);  // disk_full
    // insufficient resources, operator intervention (shutdown), connection exceptions, read-only
    if (state.rfind("53", 0) == 0 || state.rfind("57", 0) == 0 || state.rfind("08", 0) == 0 || state == "25006")
      return StoreError(SQLITE_IOERR, what);
    return StoreError(SQLITE_ERROR, what);
  }
  return StoreError(SQLITE_ERROR, std::string(e.what()) + " (" + where + ")");
}

class Receiver : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& c, std::function<void(const std::string&)> f)
      : pqxx::notification_receiver(c, kChannel), f_(std::move(f)) {}
  void operator()(const std::string& payload, int) override {
    if (f_) f_(payload);
  }

 private:
  std::function<void(const std::string&)> f_;
};

class PgRunStore final : public RunStore {
 private:
  void connection() const {
    if (!conn_ || !conn_->is_open()) conn_ = std::make_unique<pqxx::connection>(url_);
  }

  // Runs `f` in a transaction under the connection lock; failures become StoreError (recorded in
  // the health state when the store itself fails), and a lost connection is re-opened next time.
  template <class F>
  auto run(bool write, const char* what, F&& f) const {
    std::lock_guard lock(mu_);
    auto healed = [&] {
      if (write && failure_) {
        service_log()->info("run store {} takes writes again (was: {})", path_, failure_->what());
        failure_.reset();
      }
    };
    try {
      connection();
      pqxx::work tx(*conn_);
      if constexpr (std::is_void_v<std::invoke_result_t<F&, pqxx::work&>>) {
        f(tx);
        tx.commit();
        healed();
      } else {
        auto result = f(tx);
        tx.commit();
        healed();
        return result;
      }
    } catch (const LeaseLost&) {
      throw;
    } catch (const StoreError& e) {
      throw;
    } catch (const std::exception& e) {
      StoreError se = pg_error(e, what);
      StoreError named(se.code(), "run store " + path_ + ": " + se.what());
      if (dynamic_cast<const pqxx::broken_connection*>(&e)) conn_.reset();
      if (named.unavailable()) failure_ = named;
      throw named;
    }
  }


 public:
  PgRunStore(const std::string& url, int max_stored_runs)
      : url_(pg_connection_url(url)), path_(redact_database_url(url)), max_stored_runs_(std::max(1, max_stored_runs)) {
    try {
      conn_ = std::make_unique<pqxx::connection>(url_);
      migrate();
    } catch (const StoreError& e) {
      throw StoreError(e.code(), "run store " + path_ + ": " + e.what());
    } catch (const std::exception& e) {
      StoreError se = pg_error(e, "opening");
      throw StoreError(se.code(), "run store " + path_ + ": " + se.what());
    }
    listener_ = std::thread([this] { listen_loop(); });
  }

  ~PgRunStore() override {
    {
      std::lock_guard lock(listen_mu_);
      stop_ = true;
    }
    listen_cv_.notify_all();
    if (listener_.joinable()) listener_.join();
  }

  const std::string& path() const override { return path_; }
  bool shared() const override { return true; }

  StoreHealth health(std::chrono::milliseconds probe_interval) override {
    {
      std::lock_guard lock(mu_);
      if (!failure_) return {};
      const auto now = std::chrono::steady_clock::now();
      if (now - last_probe_ < probe_interval) return {false, failure_->what()};
      last_probe_ = now;
    }
    try {
      run(true, "probe", [&](pqxx::work& tx) {
        tx.exec("INSERT INTO store_probe (id, at) VALUES (1, now()) ON CONFLICT (id) DO UPDATE SET at = now()");
      });
    } catch (const StoreError&) {
    }
    std::lock_guard lock(mu_);
    return failure_ ? StoreHealth{false, failure_->what()} : StoreHealth{};
  }

  // Runs of a replica that died are re-claimed through their expired leases, not failed at start-up.
  std::vector<std::string> mark_interrupted(const std::string&) override { return {}; }

  void insert(const StoredRun& r) override {
    run(true, "insert", [&](pqxx::work& tx) {
      insert_row(tx, r);
      tx.exec_params("SELECT pg_notify($1, '')", kChannel);
    });
  }

  bool insert_bounded(const StoredRun& r, long long max_queued) override {
    return run(true, "insert", [&](pqxx::work& tx) {
      // One replica at a time checks and inserts: the limit holds across replicas.
      tx.exec_params("SELECT pg_advisory_xact_lock($1)", kQueueLock);
      const long long queued =
          tx.exec_params("SELECT COUNT(*) FROM runs WHERE status = 'QUEUED' AND queue = $1", r.queue)[0][0].as<long long>();
      if (queued >= max_queued) return false;
      insert_row(tx, r);
      tx.exec_params("SELECT pg_notify($1, '')", kChannel);
      return true;
    });
  }

  void mark_running(const std::string& id, const std::string& started_at, const std::string& summary_json) override {
    run(true, "mark_running", [&](pqxx::work& tx) {
      tx.exec_params("UPDATE runs SET status = 'RUNNING', started_at = $2, summary_json = $3 WHERE id = $1", id,
                     started_at, summary_json);
      tx.exec_params("SELECT pg_notify($1, $2)", kChannel, id);
    });
  }

  void finish(const Finish& f) override {
    run(true, "finish", [&](pqxx::work& tx) {
      const pqxx::result r = tx.exec_params(
          "UPDATE runs SET status = $2, reason = $3, finished_at = $4, summary_json = $5, events_json = $6,"
          " plan_json = $7, report_json = $8, canonical_report = $9, roster_csv = $10, tours_csv = $11,"
          " owner = '', lease_until = NULL"
          " WHERE id = $1 AND ($12 = '' OR (owner = $12 AND status = 'RUNNING'))",
          f.id, f.status, f.reason, f.finished_at, f.summary_json, f.events_json, opt_param(f.plan),
          opt_param(f.report), opt_param(f.canonical_report), opt_param(f.roster_csv), opt_param(f.tours_csv), f.owner);
      if (r.affected_rows() == 0 && !f.owner.empty())
        throw LeaseLost("run " + f.id + " is no longer held by " + f.owner + ": another replica re-claimed it");
      tx.exec_params("SELECT pg_notify($1, $2)", kChannel, f.id);
      prune(tx);
    });
  }

  void insert_finished(const StoredRun& r, const Finish& f) override {
    run(true, "insert_finished", [&](pqxx::work& tx) {
      tx.exec_params(
          "INSERT INTO runs (id, status, reason, created_at, request_content_type, request_body, summary_json,"
          " events_json, parent_run_id, kind, week, input_json, started_at, finished_at, plan_json, report_json,"
          " canonical_report, roster_csv, tours_csv)"
          " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
          r.id, r.status, r.reason, r.created_at, r.request_content_type, r.request_body,
          r.summary_json.empty() ? "{}" : r.summary_json, r.events_json.empty() ? "[]" : r.events_json,
          r.parent_run_id, r.kind.empty() ? "solve" : r.kind, r.week,
          r.input_json.empty() ? nullptr : r.input_json.c_str(), r.started_at, f.finished_at, opt_param(f.plan),
          opt_param(f.report), opt_param(f.canonical_report), opt_param(f.roster_csv), opt_param(f.tours_csv));
      prune(tx);
    });
  }

  std::vector<std::string> publish(const std::string& id, const std::string& week, const std::string& scope,
                                   const std::string& now) override {
    return run(true, "publish", [&](pqxx::work& tx) {
      std::vector<std::pair<long long, std::string>> by_seq;
      for (const auto& row : tx.exec_params(
               "UPDATE runs SET publication = 'superseded', superseded_by = $3"
               " WHERE week = $1 AND scope = $2 AND publication = 'published' AND id <> $3 RETURNING seq, id",
               week, scope, id))
        by_seq.emplace_back(row[0].as<long long>(), row[1].as<std::string>());
      tx.exec_params(
          "UPDATE runs SET publication = 'published', published_at = $4, week = $2, scope = $3, superseded_by = ''"
          " WHERE id = $1",
          id, week, scope, now);
      std::sort(by_seq.begin(), by_seq.end());
      std::vector<std::string> superseded;
      for (auto& [seq, sid] : by_seq) superseded.push_back(std::move(sid));
      return superseded;
    });
  }

  std::optional<StoredRun> published(const std::string& week, const std::string& scope) const override {
    return run(false, "published", [&](pqxx::work& tx) -> std::optional<StoredRun> {
      const pqxx::result r = tx.exec_params(std::string("SELECT ") + kSummaryColumns +
                                                " FROM runs WHERE week = $1 AND scope = $2 AND publication = 'published'"
                                                " ORDER BY seq DESC LIMIT 1",
                                            week, scope);
      if (r.empty()) return std::nullopt;
      return read_summary(r[0]);
    });
  }

  std::vector<StoredRun> children(const std::string& id) const override {
    return run(false, "children", [&](pqxx::work& tx) {
      std::vector<StoredRun> out;
      for (const auto& row :
           tx.exec_params(std::string("SELECT ") + kSummaryColumns + " FROM runs WHERE parent_run_id = $1 ORDER BY seq", id))
        out.push_back(read_summary(row));
      return out;
    });
  }

  std::optional<StoredRun> get(const std::string& id, bool with_request) const override {
    return run(false, "get", [&](pqxx::work& tx) -> std::optional<StoredRun> {
      const pqxx::result r = tx.exec_params(std::string("SELECT ") + kSummaryColumns +
                                                (with_request ? ", request_body, input_json" : "") +
                                                " FROM runs WHERE id = $1",
                                            id);
      if (r.empty()) return std::nullopt;
      StoredRun s = read_summary(r[0]);
      if (with_request) {
        s.request_body = r[0][kSummaryColumnCount].as<std::string>();
        s.input_json = opt_col(r[0][kSummaryColumnCount + 1]).value_or("");
      }
      return s;
    });
  }

  std::optional<std::string> document(const std::string& id, RunDocument doc) const override {
    return run(false, "document", [&](pqxx::work& tx) -> std::optional<std::string> {
      const pqxx::result r =
          tx.exec_params(std::string("SELECT ") + document_column(doc) + " FROM runs WHERE id = $1", id);
      if (r.empty()) return std::nullopt;
      return opt_col(r[0][0]);
    });
  }

  std::vector<std::optional<std::string>> document_values(const std::string& id, RunDocument doc,
                                                          const std::vector<std::string>& paths) const override {
    std::vector<std::optional<std::string>> out(paths.size());
    if (paths.empty()) return out;
    return run(false, "document_values", [&](pqxx::work& tx) {
      const std::string col = document_column(doc);
      // Only a valid JSON document is read (like SQLite's json_valid guard): a cast error answers nothing.
      std::string sql = "SELECT ";
      for (size_t i = 0; i < paths.size(); ++i)
        sql += (i ? ", " : "") + std::string("((") + col + ")::jsonb #> '" + pg_json_path(paths[i]) + "')::text";
      sql += " FROM runs WHERE id = $1 AND " + col + " IS NOT NULL";
      pqxx::subtransaction sub(tx, "values");
      pqxx::result r;
      try {
        r = sub.exec_params(sql, id);
        sub.commit();
      } catch (const pqxx::data_exception&) {
        return out;  // not JSON
      }
      if (r.empty()) return out;
      for (size_t i = 0; i < paths.size(); ++i) {
        const auto v = opt_col(r[0][static_cast<int>(i)]);
        if (v && *v != "null") out[i] = *v;
      }
      return out;
    });
  }

  std::vector<StoredRun> list(int limit, const std::string& status) const override {
    return run(false, "list", [&](pqxx::work& tx) {
      std::vector<StoredRun> out;
      const std::string sql = std::string("SELECT ") + kSummaryColumns + " FROM runs" +
                              (status.empty() ? " WHERE $2 = ''" : " WHERE status = $2") + " ORDER BY seq DESC LIMIT $1";
      for (const auto& row : tx.exec_params(sql, limit, status)) out.push_back(read_summary(row));
      return out;
    });
  }

  long long count() const override {
    return run(false, "count", [&](pqxx::work& tx) { return tx.exec("SELECT COUNT(*) FROM runs")[0][0].as<long long>(); });
  }

  bool delete_run(const std::string& id) override {
    return run(true, "delete", [&](pqxx::work& tx) {
      return tx.exec_params("DELETE FROM runs WHERE id = $1", id).affected_rows() > 0;
    });
  }

  SweepResult sweep(const std::string& cutoff) override {
    return run(true, "sweep", [&](pqxx::work& tx) {
      std::vector<std::pair<long long, std::string>> by_seq;
      for (const auto& row : tx.exec_params(
               "DELETE FROM runs WHERE status NOT IN ('QUEUED', 'RUNNING') AND publication <> 'published'"
               " AND finished_at <> '' AND finished_at < $1 RETURNING seq, id",
               cutoff))
        by_seq.emplace_back(row[0].as<long long>(), row[1].as<std::string>());
      std::sort(by_seq.begin(), by_seq.end());  // in insertion order, as the SQLite store lists them
      SweepResult r;
      for (auto& [seq, id] : by_seq) r.ids.push_back(std::move(id));
      return r;
    });
  }

  // PostgreSQL's VACUUM marks the dead rows' space free for reuse; their bytes are gone from the
  // table once overwritten (VACUUM FULL would rewrite the table, but locks it: not on a live service).
  void reclaim_space() override {
    std::lock_guard lock(mu_);
    try {
      connection();
      pqxx::nontransaction ntx(*conn_);
      ntx.exec("VACUUM runs");
    } catch (const std::exception& e) {
      service_log()->warn("run store {}: VACUUM failed: {}", path_, e.what());
    }
  }

  long long take_count_pruned() override {
    std::lock_guard lock(mu_);
    return std::exchange(count_pruned_, 0);
  }

  std::vector<std::string> rewrite_all(const std::function<bool(RunTexts&)>& f) override {
    return run(true, "rewrite_all", [&](pqxx::work& tx) {
      std::vector<std::string> ids, changed;
      for (const auto& row : tx.exec("SELECT id FROM runs ORDER BY seq FOR UPDATE")) ids.push_back(row[0].as<std::string>());
      for (const std::string& id : ids) {  // one run in memory at a time
        const pqxx::result r = tx.exec_params(
            "SELECT request_content_type, request_body, input_json, summary_json, events_json, plan_json,"
            " report_json, canonical_report, roster_csv, tours_csv FROM runs WHERE id = $1",
            id);
        if (r.empty()) continue;
        RunTexts t;
        t.id = id;
        t.request_content_type = r[0][0].as<std::string>();
        t.request_body = r[0][1].as<std::string>();
        t.input_json = opt_col(r[0][2]).value_or("");
        t.summary_json = r[0][3].as<std::string>();
        t.events_json = r[0][4].as<std::string>();
        t.plan = opt_col(r[0][5]);
        t.report = opt_col(r[0][6]);
        t.canonical_report = opt_col(r[0][7]);
        t.roster_csv = opt_col(r[0][8]);
        t.tours_csv = opt_col(r[0][9]);
        if (!f(t)) continue;
        tx.exec_params(
            "UPDATE runs SET request_body = $2, input_json = $3, summary_json = $4, events_json = $5, plan_json = $6,"
            " report_json = $7, canonical_report = $8, roster_csv = $9, tours_csv = $10 WHERE id = $1",
            id, t.request_body, t.input_json.empty() ? nullptr : t.input_json.c_str(), t.summary_json, t.events_json,
            opt_param(t.plan), opt_param(t.report), opt_param(t.canonical_report), opt_param(t.roster_csv),
            opt_param(t.tours_csv));
        changed.push_back(id);
      }
      return changed;
    });
  }

  // --- the shared queue ------------------------------------------------------------------------

  std::optional<Claim> claim(const std::string& owner, const std::string& queue, std::chrono::milliseconds lease,
                             int max_attempts, const std::vector<std::string>& held,
                             std::vector<std::string>* exhausted) override {
    const std::string held_ids = text_array(held);
    return run(true, "claim", [&](pqxx::work& tx) -> std::optional<Claim> {
      // Runs whose owner died too often end FAILED instead of taking a replica down with them again.
      for (const auto& row : tx.exec_params(
               "SELECT id, summary_json, events_json FROM runs WHERE status = 'RUNNING' AND lease_until < now()"
               " AND attempts >= $1 AND queue = $2 AND NOT (id = ANY($3::text[])) ORDER BY seq FOR UPDATE SKIP LOCKED",
               max_attempts, queue, held_ids)) {
        const std::string id = row[0].as<std::string>();
        fail_exhausted(tx, id, row[1].as<std::string>(), row[2].as<std::string>(), max_attempts);
        if (exhausted) exhausted->push_back(id);
      }
      const pqxx::result r = tx.exec_params(
          std::string("UPDATE runs SET status = 'RUNNING', owner = $1, attempts = attempts + 1,"
                      " lease_until = now() + $2::bigint * interval '1 millisecond'"
                      " WHERE id = (SELECT id FROM runs WHERE queue = $3 AND (status = 'QUEUED'"
                      " OR (status = 'RUNNING' AND lease_until < now() AND NOT (id = ANY($4::text[]))))"
                      " ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED)"
                      " RETURNING ") + kSummaryColumns + ", request_body, input_json, attempts, cancel_requested",
          owner, millis(lease), queue, held_ids);
      if (r.empty()) return std::nullopt;
      return read_claim(r[0]);
    });
  }

  std::optional<Claim> claim_queued(const std::string& id, const std::string& owner,
                                    std::chrono::milliseconds lease) override {
    return run(true, "claim", [&](pqxx::work& tx) -> std::optional<Claim> {
      const pqxx::result r = tx.exec_params(
          std::string("UPDATE runs SET status = 'RUNNING', owner = $2, attempts = attempts + 1,"
                      " lease_until = now() + $3::bigint * interval '1 millisecond'"
                      " WHERE id = $1 AND status = 'QUEUED' RETURNING ") +
              kSummaryColumns + ", request_body, input_json, attempts, cancel_requested",
          id, owner, millis(lease));
      if (r.empty()) return std::nullopt;
      return read_claim(r[0]);
    });
  }

  Lease renew(const std::string& id, const std::string& owner, std::chrono::milliseconds lease,
              const std::string& summary_json, const std::string& events_json) override {
    return run(true, "renew", [&](pqxx::work& tx) {
      const pqxx::result r = tx.exec_params(
          "UPDATE runs SET lease_until = now() + $3::bigint * interval '1 millisecond', summary_json = $4,"
          " events_json = CASE WHEN $5 = '' THEN events_json ELSE $5 END"
          " WHERE id = $1 AND owner = $2 AND status = 'RUNNING' RETURNING cancel_requested",
          id, owner, millis(lease), summary_json, events_json);
      if (r.empty()) return Lease{false, false};
      tx.exec_params("SELECT pg_notify($1, $2)", kChannel, id);
      return Lease{true, r[0][0].as<bool>()};
    });
  }

  bool request_cancel(const std::string& id) override {
    return run(true, "cancel", [&](pqxx::work& tx) {
      const bool running =
          tx.exec_params("UPDATE runs SET cancel_requested = TRUE WHERE id = $1 AND status IN ('QUEUED', 'RUNNING')", id)
              .affected_rows() > 0;
      if (running) tx.exec_params("SELECT pg_notify($1, $2)", kChannel, "cancel:" + id);
      return running;
    });
  }

  void release(const std::string& id, const std::string& owner) override {
    run(true, "release", [&](pqxx::work& tx) {
      // Back to the queue without counting the attempt: the run did not fail, its replica left.
      tx.exec_params(
          "UPDATE runs SET status = 'QUEUED', owner = '', lease_until = NULL, attempts = GREATEST(attempts - 1, 0)"
          " WHERE id = $1 AND owner = $2 AND status = 'RUNNING'",
          id, owner);
      tx.exec_params("SELECT pg_notify($1, '')", kChannel);
    });
  }

  QueueCounts queue_counts() const override {
    return run(false, "queue_counts", [&](pqxx::work& tx) {
      const pqxx::row r = tx.exec(
          "SELECT COUNT(*) FILTER (WHERE status = 'QUEUED'), COUNT(*) FILTER (WHERE status = 'RUNNING')"
          " FROM runs WHERE status IN ('QUEUED', 'RUNNING')")[0];
      return QueueCounts{r[0].as<long long>(), r[1].as<long long>()};
    });
  }

  void set_on_change(std::function<void(const std::string&)> f) override {
    std::lock_guard lock(callback_mu_);
    on_change_ = std::move(f);
  }

 private:
  void migrate() {
    pqxx::work tx(*conn_);
    tx.exec_params("SELECT pg_advisory_xact_lock($1)", kMigrationLock);
    tx.exec("CREATE TABLE IF NOT EXISTS so_schema_migrations (version INTEGER PRIMARY KEY,"
            " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
    const int have = tx.exec("SELECT COALESCE(MAX(version), 0) FROM so_schema_migrations")[0][0].as<int>();
    if (have > static_cast<int>(kMigrations.size()))
      throw StoreError(SQLITE_ERROR, "the database has schema version " + std::to_string(have) +
                                         ", newer than this build's " + std::to_string(kMigrations.size()) +
                                         " (an older binary against a newer store)");
    for (int v = have + 1; v <= static_cast<int>(kMigrations.size()); ++v) {
      tx.exec(kMigrations[static_cast<size_t>(v - 1)]);
      tx.exec_params("INSERT INTO so_schema_migrations (version) VALUES ($1)", v);
      service_log()->info("run store {}: schema migrated to version {}", path_, v);
    }
    tx.commit();
  }

  static void insert_row(pqxx::work& tx, const StoredRun& r) {
    tx.exec_params(
        "INSERT INTO runs (id, status, reason, created_at, request_content_type, request_body, summary_json,"
        " events_json, parent_run_id, kind, week, input_json, queue)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        r.id, r.status, r.reason, r.created_at, r.request_content_type, r.request_body,
        r.summary_json.empty() ? "{}" : r.summary_json, r.events_json.empty() ? "[]" : r.events_json, r.parent_run_id,
        r.kind.empty() ? "solve" : r.kind, r.week, r.input_json.empty() ? nullptr : r.input_json.c_str(),
        r.queue.empty() ? "main" : r.queue);
  }

  void prune(pqxx::work& tx) const {
    // Keep the newest max_stored_runs runs; runs in flight and published plans are never deleted.
    count_pruned_ += static_cast<long long>(
        tx.exec_params("DELETE FROM runs WHERE status NOT IN ('QUEUED', 'RUNNING') AND publication <> 'published'"
                       " AND seq <= (SELECT seq FROM runs ORDER BY seq DESC LIMIT 1 OFFSET $1)",
                       max_stored_runs_)
            .affected_rows());
  }

  static Claim read_claim(const pqxx::row& row) {
    Claim c;
    c.run = read_summary(row);
    c.run.request_body = row[kSummaryColumnCount].as<std::string>();
    c.run.input_json = opt_col(row[kSummaryColumnCount + 1]).value_or("");
    c.attempt = row[kSummaryColumnCount + 2].as<int>();
    c.cancel_requested = row[kSummaryColumnCount + 3].as<bool>();
    return c;
  }

  static void fail_exhausted(pqxx::work& tx, const std::string& id, const std::string& summary_text,
                             const std::string& events_text, int max_attempts) {
    const std::string now = now_iso_utc();
    const std::string reason = "ATTEMPTS_EXHAUSTED: its replica stopped " + std::to_string(max_attempts) + " times";
    json summary = json::parse(summary_text, nullptr, false);
    if (!summary.is_object()) summary = json::object();
    summary["status"] = "FAILED";
    summary["reason"] = reason;
    summary["phase"] = nullptr;
    summary["finished_at"] = now;
    json events = json::parse(events_text, nullptr, false);
    if (!events.is_array()) events = json::array();
    const long long next = events.empty() ? 1 : events.back().value("id", 0LL) + 1;
    events.push_back({{"id", next},
                      {"event", "run_failed"},
                      {"data", {{"run_id", id}, {"status", "FAILED"}, {"reason", reason}, {"elapsed_s", nullptr},
                                {"result", nullptr}}}});
    tx.exec_params(
        "UPDATE runs SET status = 'FAILED', reason = $2, finished_at = $3, summary_json = $4, events_json = $5,"
        " owner = '', lease_until = NULL WHERE id = $1",
        id, reason, now, summary.dump(), events.dump());
    tx.exec_params("SELECT pg_notify($1, $2)", kChannel, id);
    service_log()->error("run {} failed: {}", id, reason);
  }

  // LISTEN on its own connection; re-connects after a second when the server goes away.
  void listen_loop() {
    for (;;) {
      try {
        pqxx::connection c(url_);
        Receiver rx(c, [this](const std::string& payload) {
          std::lock_guard lock(callback_mu_);
          if (on_change_) on_change_(payload);
        });
        {
          std::lock_guard lock(callback_mu_);  // a reconnect may have missed changes: wake everyone
          if (on_change_) on_change_("");
        }
        for (;;) {
          {
            std::lock_guard lock(listen_mu_);
            if (stop_) return;
          }
          c.await_notification(0, 250000);
        }
      } catch (const std::exception& e) {
        service_log()->warn("run store {}: LISTEN connection failed ({}); retrying in 1 s", path_, e.what());
      }
      std::unique_lock lock(listen_mu_);
      if (listen_cv_.wait_for(lock, std::chrono::seconds(1), [&] { return stop_; })) return;
    }
  }

  const std::string url_;
  const std::string path_;
  const int max_stored_runs_;
  mutable std::mutex mu_;
  mutable std::unique_ptr<pqxx::connection> conn_;  // under mu_
  mutable std::optional<StoreError> failure_;      // under mu_
  std::chrono::steady_clock::time_point last_probe_{};
  mutable long long count_pruned_ = 0;  // under mu_

  std::mutex callback_mu_;
  std::function<void(const std::string&)> on_change_;
  std::mutex listen_mu_;
  std::condition_variable listen_cv_;
  bool stop_ = false;
  std::thread listener_;
};

}  // namespace

std::string redact_database_url(const std::string& url) {
  static const std::regex password(R"(^([a-z]+://[^:/@]*:)[^@]*@)");
  return std::regex_replace(url, password, "$1***@");
}

std::string pg_connection_url(const std::string& url) {
  static const std::pair<const char*, const char*> kDefaults[] = {
      {"connect_timeout", "5"}, {"keepalives_idle", "30"}, {"keepalives_interval", "10"}, {"keepalives_count", "3"}};
  const size_t query = url.find('?');
  std::string out = url;
  for (const auto& [key, value] : kDefaults) {
    const std::string k = std::string(key) + "=";
    const bool set = query != std::string::npos && (url.find("?" + k, query) != std::string::npos ||
                                                    url.find("&" + k, query) != std::string::npos);
    if (set) continue;
    out += (out.find('?') == std::string::npos ? "?" : "&") + k + value;
  }
  return out;
}

int pg_schema_version() { return static_cast<int>(kMigrations.size()); }

std::unique_ptr<RunStore> open_pg_run_store(const std::string& database_url, int max_stored_runs) {
  if (database_url.rfind("postgresql://", 0) != 0 && database_url.rfind("postgres://", 0) != 0)
    throw StoreError(SQLITE_CANTOPEN, "DATABASE_URL: expected postgresql://user:password@host:port/database, got '" +
                                          redact_database_url(database_url) + "'");
  return std::make_unique<PgRunStore>(database_url, max_stored_runs);
}

}  // namespace so
