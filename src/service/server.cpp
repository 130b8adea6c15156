#include "service/server.hpp"

#include <httplib.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <thread>

#include <spdlog/spdlog.h>

#include "core/policy.hpp"
#include "core/reasons.hpp"
#include "core/signature.hpp"
#include "io/csv_german.hpp"
#include "io/drivers.hpp"
#include "io/policy_json.hpp"
#include "service/dispatch.hpp"
#include "service/documents.hpp"
#include "service/http_front.hpp"
#include "service/log.hpp"
#include "service/openapi.hpp"
#include "service/replan_request.hpp"
#include "service/request.hpp"
#include "service/personal_data.hpp"
#include "service/run_store.hpp"
#include "service/service_metrics.hpp"
#include "service/util.hpp"
#include "service/web_routes.hpp"
#include "io/xlsx_export.hpp"
#include "solver/config.hpp"
#include "solver/solve.hpp"

#ifndef SO_VERSION
#define SO_VERSION "0.0.0"
#endif
#ifndef SO_GIT_COMMIT
#define SO_GIT_COMMIT "unknown"
#endif

namespace so {

using json = nlohmann::json;

// ---------------------------------------------------------------------------------------------
// Options

int ServerOptions::default_max_concurrent_runs() {
  const unsigned cores = std::thread::hardware_concurrency();
  return std::max(1, static_cast<int>(cores / 2));
}

namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return (v && *v) ? std::string(v) : fallback;
}

long long env_int(const char* name, long long fallback, long long min, long long max) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  char* end = nullptr;
  errno = 0;
  long long x = std::strtoll(v, &end, 10);
  if (errno != 0 || *end != '\0' || x < min || x > max)
    throw std::invalid_argument(std::string(name) + ": expected an integer in [" + std::to_string(min) + ", " +
                                std::to_string(max) + "], got '" + v + "'");
  return x;
}

double env_double(const char* name, double fallback, double min, double max) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  char* end = nullptr;
  double x = std::strtod(v, &end);
  if (*end != '\0' || !(x >= min && x <= max))
    throw std::invalid_argument(std::string(name) + ": expected a number in [" + std::to_string(min) + ", " +
                                std::to_string(max) + "], got '" + v + "'");
  return x;
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    size_t a = cur.find_first_not_of(" \t"), b = cur.find_last_not_of(" \t");
    if (a != std::string::npos) out.push_back(cur.substr(a, b - a + 1));
    cur.clear();
  };
  for (char c : s) {
    if (c == ',') flush();
    else cur.push_back(c);
  }
  flush();
  return out;
}

// The lease owner's name when REPLICA_ID is not set: the host (the pod's name under Kubernetes) and pid.
std::string default_replica_id() {
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') std::snprintf(host, sizeof host, "replica");
  return std::string(host) + "-" + std::to_string(::getpid());
}

}  // namespace

ServerOptions options_from_environment() {
  ServerOptions o;
  o.host = env_or("HOST", o.host);
  o.port = static_cast<int>(env_int("PORT", o.port, 0, 65535));
  o.data_dir = env_or("DATA_DIR", o.data_dir);
  o.database_url = env_or("DATABASE_URL", "");
  o.replica_id = env_or("REPLICA_ID", "");
  o.run_queue = env_or("RUN_QUEUE", o.run_queue);
  if (o.run_queue.empty() || o.run_queue.size() > 40 ||
      o.run_queue.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos)
    throw std::invalid_argument("RUN_QUEUE: expected 1-40 of a-z, 0-9, _ and -, got '" + o.run_queue + "'");
  o.run_lease_seconds = env_double("RUN_LEASE_SECONDS", o.run_lease_seconds, 1, 3600);
  o.max_concurrent_runs = static_cast<int>(env_int("MAX_CONCURRENT_RUNS", o.max_concurrent_runs, 1, 1024));
  o.max_queued_runs = static_cast<int>(env_int("MAX_QUEUED_RUNS", o.max_queued_runs, 0, 100000));
  o.max_body_bytes = static_cast<size_t>(
      env_int("MAX_BODY_BYTES", static_cast<long long>(o.max_body_bytes), 1024, 1024LL * 1024 * 1024));
  o.api_token = env_or("API_TOKEN", "");
  o.cors_origins = split_list(env_or("CORS_ORIGINS", ""));
  o.log_level = env_or("LOG_LEVEL", o.log_level);
  for (char& c : o.log_level) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  o.log_format = env_or("LOG_FORMAT", o.log_format);
  for (char& c : o.log_format) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (o.log_format != "text" && o.log_format != "json")
    throw std::invalid_argument("LOG_FORMAT: expected text or json, got '" + o.log_format + "'");
  o.max_stored_runs = static_cast<int>(env_int("MAX_STORED_RUNS", o.max_stored_runs, 1, 100000000));
  o.retention_days = static_cast<int>(env_int("RETENTION_DAYS", o.retention_days, 0, 100000));
  o.retention_sweep_seconds = env_double("RETENTION_SWEEP_SECONDS", o.retention_sweep_seconds, 0.01, 366.0 * 86400);
  o.shutdown_grace_seconds = env_double("SHUTDOWN_GRACE_SECONDS", o.shutdown_grace_seconds, 0, 3600);
  o.read_timeout_seconds = static_cast<int>(env_int("READ_TIMEOUT_SECONDS", o.read_timeout_seconds, 1, 3600));
  // At most 900 connections: httplib 0.11 answers 500 on sockets numbered FD_SETSIZE (1024) or above.
  o.max_connections = static_cast<int>(env_int("MAX_CONNECTIONS", o.max_connections, 1, 900));
  o.max_connections_per_client =
      static_cast<int>(env_int("MAX_CONNECTIONS_PER_CLIENT", o.max_connections_per_client, 1, 900));
  o.solver_defaults = config_from_environment();
  return o;
}

const std::vector<EnvironmentVariable>& recognised_environment() {
  static const std::vector<EnvironmentVariable> kVars = {
      {"HOST", "listen address (default 0.0.0.0)"},
      {"PORT", "listen port (default 8000)"},
      {"DATA_DIR", "SQLite run store folder (default ./data)"},
      {"DATABASE_URL", "postgresql://user:password@host:port/db: the PostgreSQL run store and queue shared by "
                       "replicas, instead of DATA_DIR (default: none)"},
      {"REPLICA_ID", "this replica's name as owner of its runs' leases (default <hostname>-<pid>)"},
      {"RUN_QUEUE", "the named queue of the shared store this replica takes runs into and from, e.g. canary (default main)"},
      {"RUN_LEASE_SECONDS", "a dead replica's running runs are re-claimed this long after its last renewal (default 10)"},
      {"MAX_CONCURRENT_RUNS", "solves at once (default one per two cores)"},
      {"MAX_QUEUED_RUNS", "queued solves before 429 (default 16)"},
      {"MAX_BODY_BYTES", "request body limit (default 8 MiB)"},
      {"MAX_STORED_RUNS", "runs kept in the store (default 1000)"},
      {"RETENTION_DAYS", "finished runs older than this are deleted, 0 = never (default 90)"},
      {"RETENTION_SWEEP_SECONDS", "retention sweep interval (default 3600)"},
      {"API_TOKEN", "when set, every route but healthz, readyz and metrics needs Bearer auth"},
      {"CORS_ORIGINS", "comma list of allowed origins (default none)"},
      {"LOG_LEVEL", "trace|debug|info|warn|error|critical|off (default info)"},
      {"LOG_FORMAT", "text|json (default text)"},
      {"SHUTDOWN_GRACE_SECONDS", "SIGTERM drain grace before running solves are cancelled (default 25)"},
      {"READ_TIMEOUT_SECONDS", "a request must arrive within this (default 30)"},
      {"MAX_CONNECTIONS", "open connections in all, at most 900 (default 512)"},
      {"MAX_CONNECTIONS_PER_CLIENT", "open connections from one address (default 64)"},
      {"ENABLE_FILL_TO_TARGET", "feature flag enable_fill_to_target_greedy process-wide (default false)"},
      {"ENABLE_BAD_BLOCK_MIX_RERUN", "feature flag enable_bad_block_mix_rerun process-wide (default false)"},
      {"WEB_ROOT", "folder of the dispatcher page (default: found next to the binary)"},
  };
  return kVars;
}

// ---------------------------------------------------------------------------------------------
// Routing

namespace {

constexpr const char* kJson = "application/json";
constexpr const char* kUnmatched = "unmatched";

const std::vector<std::string> kRunStatuses = {"QUEUED", "RUNNING", "COMPLETED", "FAILED", "CANCELLED",
                                               "DRAFT_WITH_VIOLATIONS"};

using Params = std::map<std::string, std::string>;
using Handler = std::function<void(const httplib::Request&, httplib::Response&, const Params&)>;

struct Route {
  std::string method;   // GET | POST
  std::string pattern;  // e.g. /api/v1/runs/{id}/events (the metrics label)
  bool auth = true;     // needs the bearer token when API_TOKEN is set
  Handler handler;
  std::vector<std::string> segments;
};

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  size_t i = 0;
  if (path.empty() || path[0] != '/') return {"\x01"};  // never matches
  while (i < path.size()) {
    size_t j = path.find('/', i + 1);
    if (j == std::string::npos) j = path.size();
    out.push_back(path.substr(i + 1, j - i - 1));
    i = j;
  }
  return out;
}

bool id_segment_ok(const std::string& s) {
  if (s.empty() || s.size() > 128) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

// Segment-wise match; `{name}` matches one non-empty id-like segment. Where a fixed segment and a
// parameter compete at the same depth (/runs/compare vs /runs/{id}), the route with fewer
// parameters wins (most_specific).
bool match_route(const Route& r, const std::vector<std::string>& segs, Params* params) {
  if (segs.size() != r.segments.size()) return false;
  for (size_t i = 0; i < segs.size(); ++i) {
    const std::string& want = r.segments[i];
    if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
      if (!id_segment_ok(segs[i])) return false;
      if (params) (*params)[want.substr(1, want.size() - 2)] = segs[i];
    } else if (want != segs[i]) {
      return false;
    }
  }
  return true;
}

int parameter_count(const Route& r) {
  return static_cast<int>(std::count_if(r.segments.begin(), r.segments.end(), [](const std::string& s) {
    return s.size() > 2 && s.front() == '{' && s.back() == '}';
  }));
}

// The routes of a path that are most specific (fewest parameters): /api/v1/runs/compare is the
// comparison, never a run called "compare".
std::vector<const Route*> most_specific(std::vector<const Route*> rs) {
  if (rs.empty()) return rs;
  int best = INT32_MAX;
  for (const Route* r : rs) best = std::min(best, parameter_count(*r));
  rs.erase(std::remove_if(rs.begin(), rs.end(), [&](const Route* r) { return parameter_count(*r) != best; }), rs.end());
  return rs;
}

// Per-request state of the connection thread: set by the pre-routing hook, read by the handler,
// the error handler and the logger (httplib runs all of them on the same thread).
struct RequestState {
  bool active = false;
  std::chrono::steady_clock::time_point start;
  std::string correlation_id;
  std::string route = kUnmatched;
};
thread_local RequestState t_request;

std::string sse_frame(const RunEvent& e) {
  return "id: " + std::to_string(e.id) + "\nevent: " + e.event + "\ndata: " + e.data.dump() + "\n\n";
}

std::string reason_phrase(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 416: return "Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 431: return "Request Header Fields Too Large";
    default: return status >= 500 ? "Internal Server Error" : "Client Error";
  }
}

// Compares digests, not the strings: the time taken tells nothing about the token's length or
// how much of a guess was right.
bool constant_time_equal(const std::string& a, const std::string& b) {
  const std::string da = sha256_hex(a), db = sha256_hex(b);
  unsigned char diff = 0;
  for (size_t i = 0; i < da.size(); ++i) diff |= static_cast<unsigned char>(da[i] ^ db[i]);
  return diff == 0;
}

void send_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), kJson);
}

void send_error(httplib::Response& res, const HttpError& e) {
  for (const auto& [k, v] : e.headers) res.set_header(k.c_str(), v);
  send_json(res, e.status, e.body);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Service

struct Service::Impl {
  ServerOptions opt;
  SolveFunction solve;
  std::vector<Route> routes;
  std::unique_ptr<ServiceMetrics> metrics;
  std::unique_ptr<RunStore> store;
  std::unique_ptr<RetentionSweeper> sweeper;  // RETENTION_DAYS (service/personal_data.hpp)
  // Finished runs the dispatcher routes work on (service/dispatch.hpp); declared before `runs`,
  // whose workers fill it, so it outlives them.
  RunContextCache contexts{8};
  static constexpr size_t kWarmContextMaxTours = 5000;  // larger weeks are read back on first use
  std::unique_ptr<RunManager> runs;
  FrontServer http;                  // routing (httplib)
  std::unique_ptr<HttpFront> front;  // sockets, limits and deadlines (service/http_front)
  std::thread drain_thread;
  std::atomic<bool> ready{false}, shutting_down{false}, http_stopping{false}, started{false};
  int bound_port = 0;
  std::mutex mu;
  std::condition_variable cv;
  bool stopped = false;
  bool stuck = false;  // a solve ignored cancellation during the drain
  int exit_code = 0;

  explicit Impl(ServerOptions o, SolveFunction s) : opt(std::move(o)), solve(std::move(s)) {
    if (!solve) solve = [](const SolveRequest& r, const SolveControl& c) { return so::solve(r, c); };
    build_routes();
  }

  // --- routes ----------------------------------------------------------------------------------
  void add(std::string method, std::string pattern, bool auth, Handler h) {
    Route r{std::move(method), std::move(pattern), auth, std::move(h), {}};
    r.segments = split_path(r.pattern);
    routes.push_back(std::move(r));
  }

  void build_routes() {
    using namespace std::placeholders;
    add("GET", "/api/v1/healthz", false, [this](auto& q, auto& s, auto& p) { healthz(q, s, p); });
    add("GET", "/api/v1/readyz", false, [this](auto& q, auto& s, auto& p) { readyz(q, s, p); });
    add("GET", "/api/v1/metrics", false, [this](auto& q, auto& s, auto& p) { metrics_text(q, s, p); });
    add("GET", "/api/v1/openapi.json", false, [](auto&, auto& s, auto&) { s.set_content(std::string(openapi_document()), kJson); });
    add("GET", "/api/v1/config-schema", true, [this](auto& q, auto& s, auto& p) { config_schema(q, s, p); });
    add("GET", "/api/v1/constraints", true, [this](auto& q, auto& s, auto& p) { constraints(q, s, p); });
    add("POST", "/api/v1/schedule", true, [this](auto& q, auto& s, auto& p) { schedule(q, s, p); });
    add("POST", "/api/v1/runs", true, [this](auto& q, auto& s, auto& p) { create_run(q, s, p); });
    add("POST", "/api/v1/replan", true, [this](auto& q, auto& s, auto& p) { replan(q, s, p); });
    add("POST", "/api/v1/diagnostics", true, [this](auto& q, auto& s, auto& p) { diagnostics(q, s, p); });
    add("GET", "/api/v1/runs", true, [this](auto& q, auto& s, auto& p) { list_runs(q, s, p); });
    add("GET", "/api/v1/runs/{id}", true, [this](auto& q, auto& s, auto& p) { get_run(q, s, p); });
    add("GET", "/api/v1/runs/{id}/events", true, [this](auto& q, auto& s, auto& p) { events(q, s, p); });
    add("GET", "/api/v1/runs/{id}/plan", true,
        [this](auto& q, auto& s, auto& p) { document(q, s, p, RunDocument::Plan); });
    add("GET", "/api/v1/runs/{id}/report", true,
        [this](auto& q, auto& s, auto& p) { document(q, s, p, RunDocument::Report); });
    add("GET", "/api/v1/runs/{id}/report/canonical", true,
        [this](auto& q, auto& s, auto& p) { document(q, s, p, RunDocument::CanonicalReport); });
    add("GET", "/api/v1/runs/{id}/export/roster.csv", true,
        [this](auto& q, auto& s, auto& p) { document(q, s, p, RunDocument::RosterCsv); });
    add("GET", "/api/v1/runs/{id}/export/tours.csv", true,
        [this](auto& q, auto& s, auto& p) { document(q, s, p, RunDocument::ToursCsv); });
    add("POST", "/api/v1/runs/{id}/cancel", true, [this](auto& q, auto& s, auto& p) { cancel_run(q, s, p); });
    add("DELETE", "/api/v1/runs/{id}", true, [this](auto& q, auto& s, auto& p) { delete_run(q, s, p); });
    add("POST", "/api/v1/drivers/{driver_id}/erase", true, [this](auto& q, auto& s, auto& p) { erase_driver(q, s, p); });
    add("POST", "/api/v1/forecast/preview", true, [this](auto& q, auto& s, auto& p) { forecast_preview(q, s, p); });
    add("POST", "/api/v1/drivers/preview", true, [this](auto& q, auto& s, auto& p) { drivers_preview(q, s, p); });
    add("GET", "/api/v1/runs/{id}/export/roster.xlsx", true, [this](auto& q, auto& s, auto& p) { roster_xlsx_export(q, s, p); });
    // The dispatcher's week (dispatch.md §4–§5).
    add("POST", "/api/v1/runs/{id}/check", true, [this](auto& q, auto& s, auto& p) { check_run(q, s, p); });
    add("GET", "/api/v1/runs/{id}/tours/{tour_id}/candidates", true, [this](auto& q, auto& s, auto& p) { candidates(q, s, p); });
    add("GET", "/api/v1/runs/{id}/versions", true, [this](auto& q, auto& s, auto& p) { versions(q, s, p); });
    add("POST", "/api/v1/runs/{id}/publish", true, [this](auto& q, auto& s, auto& p) { publish(q, s, p); });
    add("GET", "/api/v1/runs/compare", true, [this](auto& q, auto& s, auto& p) { compare(q, s, p); });
  }

  std::vector<std::string> route_patterns() const {
    std::vector<std::string> out;
    for (const auto& r : routes)
      if (std::find(out.begin(), out.end(), r.pattern) == out.end()) out.push_back(r.pattern);
    return out;
  }

  // The pattern of the path (any method), or "unmatched": the label never carries a raw id.
  std::string route_label(const std::string& path) const {
    const auto segs = split_path(path);
    std::vector<const Route*> matched;
    for (const auto& r : routes)
      if (match_route(r, segs, nullptr)) matched.push_back(&r);
    if (!matched.empty()) return most_specific(matched).front()->pattern;
    // The static web page (service/web_routes), registered with httplib directly.
    if (path == "/" || path == "/index.html" || path == "/api/v1/docs") return path;
    if (path.rfind("/web/", 0) == 0) return "/web/{path}";
    return kUnmatched;
  }

  // --- middleware ----------------------------------------------------------------------------
  // "*" allows any real origin but never the opaque "null" (sandboxed frames, file: pages),
  // which has to be listed literally.
  bool origin_allowed(const std::string& origin) const {
    if (origin.empty()) return false;
    for (const auto& o : opt.cors_origins)
      if ((o == "*" && origin != "null") || o == origin) return true;
    return false;
  }

  std::vector<std::pair<std::string, std::string>> cors_headers(const std::string& origin) const {
    if (!origin_allowed(origin)) return {};
    const bool any = std::find(opt.cors_origins.begin(), opt.cors_origins.end(), "*") != opt.cors_origins.end();
    // The token travels in a header, not a cookie: "*" works with it, so nothing is echoed.
    return {{"Access-Control-Allow-Origin", any ? "*" : origin},
            {"Vary", "Origin"},
            {"Access-Control-Expose-Headers", "X-Request-ID, Retry-After, Location"}};
  }

  void add_cors_headers(const httplib::Request& req, httplib::Response& res) const {
    for (const auto& [k, v] : cors_headers(req.get_header_value("Origin"))) res.set_header(k.c_str(), v);
  }

  void dispatch(const httplib::Request& req, httplib::Response& res) {
    const std::string method = req.method == "HEAD" ? "GET" : req.method;
    const auto segs = split_path(req.path);
    std::vector<const Route*> path_routes;
    for (const auto& r : routes)
      if (match_route(r, segs, nullptr)) path_routes.push_back(&r);
    path_routes = most_specific(std::move(path_routes));

    add_cors_headers(req, res);
    if (req.method == "OPTIONS") return options(req, res, path_routes);
    if (path_routes.empty()) return send_json(res, 404, {{"detail", "Not Found"}});

    const Route* route = nullptr;
    for (const Route* r : path_routes)
      if (r->method == method) route = r;
    if (!route) {
      res.set_header("Allow", allow_header(path_routes));
      return send_json(res, 405, {{"detail", "Method Not Allowed"}});
    }
    if (route->auth && !opt.api_token.empty() && !authorized(req)) {
      res.set_header("WWW-Authenticate", "Bearer");
      return send_json(res, 401, {{"detail", "Not authenticated"}});
    }
    Params params;
    match_route(*route, segs, &params);
    try {
      route->handler(req, res, params);
    } catch (const StoreError& e) {
      if (!e.unavailable()) return internal_error(res, e.what());
      store_failed(res, e.disk_full(), e.what());
    } catch (const std::exception& e) {
      internal_error(res, e.what());
    }
  }

  // The run store cannot take the request (disk full: 507, else 503); the body names the file and error.
  void store_failed(httplib::Response& res, bool disk_full, const std::string& what, const std::string& run_id = "") {
    service_log()->error("run store failure answered {}: {}", disk_full ? 507 : 503, what);
    res.headers.erase("Content-Type");
    json body = {{"detail", what}};
    if (!run_id.empty()) body["run_id"] = run_id;
    send_json(res, disk_full ? 507 : 503, body);
  }

  static std::string allow_header(const std::vector<const Route*>& rs) {
    std::vector<std::string> methods;
    for (const Route* r : rs) {
      methods.push_back(r->method);
      if (r->method == "GET") methods.push_back("HEAD");
    }
    methods.push_back("OPTIONS");
    std::sort(methods.begin(), methods.end());
    methods.erase(std::unique(methods.begin(), methods.end()), methods.end());
    std::string out;
    for (const auto& m : methods) out += (out.empty() ? "" : ", ") + m;
    return out;
  }

  void options(const httplib::Request& req, httplib::Response& res, const std::vector<const Route*>& rs) {
    if (rs.empty()) return send_json(res, 404, {{"detail", "Not Found"}});
    const std::string origin = req.get_header_value("Origin");
    const bool preflight = !origin.empty() && req.has_header("Access-Control-Request-Method");
    if (preflight && !origin_allowed(origin)) return send_json(res, 400, {{"detail", "Disallowed CORS origin"}});
    res.set_header("Allow", allow_header(rs));
    if (preflight) {
      res.set_header("Access-Control-Allow-Methods", allow_header(rs));
      res.set_header("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Request-ID, Last-Event-ID");
      res.set_header("Access-Control-Max-Age", "600");
    }
    res.status = 204;
  }

  bool authorized(const httplib::Request& req) const { return authorized(req.get_header_value("Authorization")); }

  // The scheme is case-insensitive (RFC 9110 §11.1): "bearer" works too.
  bool authorized(const std::string& h) const {
    const std::string prefix = "Bearer ";
    if (h.size() <= prefix.size()) return false;
    std::string scheme = h.substr(0, prefix.size());
    for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return scheme == "bearer " && constant_time_equal(h.substr(prefix.size()), opt.api_token);
  }

  void internal_error(httplib::Response& res, const std::string& what) {
    const std::string cid = t_request.correlation_id;
    service_log()->error("internal error (correlation id {}): {}", cid, what);
    res.headers.erase("Content-Type");
    send_json(res, 500, {{"detail", "internal server error (correlation id " + cid + ")"}, {"correlation_id", cid}});
  }

  // --- probes ----------------------------------------------------------------------------------
  void healthz(const httplib::Request&, httplib::Response& res, const Params&) {
    send_json(res, 200, {{"status", "alive"}, {"version", SO_VERSION}});
  }

  json effective_defaults() const {
    json cfg = json::parse(effective_config_json(opt.solver_defaults, Policy{}));
    cfg["effective_hash"] = effective_config_hash(opt.solver_defaults, Policy{});
    return cfg;
  }

  void readyz(const httplib::Request&, httplib::Response& res, const Params&) {
    const StoreHealth store_health = store->health();  // not ready while the store cannot take writes
    const bool ok = ready.load() && !shutting_down.load() && store_health.ok;
    const BuildInfo bi = build_info();
    json body = {
        {"status", ok ? "ready" : "not_ready"},
        {"version", SO_VERSION},
        {"git_commit", SO_GIT_COMMIT},
        {"solver", {{"lp", bi.lp}, {"mip", bi.mip}}},
        {"config", effective_defaults()},
        {"flags",
         {{"enable_fill_to_target_greedy", opt.solver_defaults.enable_fill_to_target_greedy},
          {"enable_bad_block_mix_rerun", opt.solver_defaults.enable_bad_block_mix_rerun},
          {"env", {{"ENABLE_FILL_TO_TARGET", env_or("ENABLE_FILL_TO_TARGET", "")},
                   {"ENABLE_BAD_BLOCK_MIX_RERUN", env_or("ENABLE_BAD_BLOCK_MIX_RERUN", "")}}}}},
        {"runs",
         {{"running", runs->running()},
          {"queued", runs->queued()},
          {"capacity", runs->capacity()},
          {"queue_capacity", runs->queue_capacity()}}},
    };
    if (shutting_down.load()) body["reason"] = "draining";
    else if (!store_health.ok) body["reason"] = store_health.reason;
    send_json(res, ok ? 200 : 503, body);
  }

  void metrics_text(const httplib::Request&, httplib::Response& res, const Params&) {
    res.status = 200;
    res.set_content(metrics->render(), metrics::kContentType);
  }

  // --- configuration ---------------------------------------------------------------------------
  void config_schema(const httplib::Request&, httplib::Response& res, const Params&) {
    json tun = json::array();
    const json defaults = json::parse(effective_config_json(SolverConfig{}, Policy{}))["config"];
    for (const TunableInfo& t : tunables()) {
      const char* type = t.kind == TunableKind::Boolean ? "boolean" : (t.kind == TunableKind::Integer ? "integer" : "number");
      json item = {{"name", t.name},       {"type", type},     {"default", defaults[std::string(t.name)]},
                   {"locked", t.locked},   {"description", t.description}};
      item["min"] = t.kind == TunableKind::Boolean ? json() : json(t.min);
      item["max"] = t.kind == TunableKind::Boolean ? json() : json(t.max);
      tun.push_back(item);
    }
    send_json(res, 200,
              {{"policy", policy_schema_json()},
               {"policy_profiles", policy_profile_names()},
               {"tunables", tun},
               {"feature_flags",
                {{{"name", "enable_fill_to_target_greedy"}, {"env", "ENABLE_FILL_TO_TARGET"}},
                 {{"name", "enable_bad_block_mix_rerun"}, {"env", "ENABLE_BAD_BLOCK_MIX_RERUN"}}}},
               {"overrides",
                {{"clamped", "a value out of bounds is clamped and reported in config.overrides_clamped"},
                 {"rejected", json::array({"UNKNOWN_FIELD", "LOCKED_FIELD", "TYPE_ERROR"})}}}});
  }

  void constraints(const httplib::Request&, httplib::Response& res, const Params&) {
    send_json(res, 200, policy_to_json(Policy{}));
  }

  // The web page's forecast preview (service/web_routes.hpp).
  void forecast_preview(const httplib::Request& req, httplib::Response& res, const Params&) {
    PreviewAnswer a = forecast_preview_answer(req.body, req.get_header_value("Content-Type"));
    send_json(res, a.status, a.body);
  }
  // The web page's driver-list preview (service/web_routes.hpp).
  void drivers_preview(const httplib::Request& req, httplib::Response& res, const Params&) {
    PreviewAnswer a = drivers_preview_answer(req.body, req.get_header_value("Content-Type"));
    send_json(res, a.status, a.body);
  }

  // --- solving ---------------------------------------------------------------------------------
  // Parses and submits; on failure the error answer is already written and nullptr returned.
  std::shared_ptr<Run> submit(const httplib::Request& req, httplib::Response& res) {
    if (shutting_down.load()) {
      send_json(res, 503, {{"detail", "service is shutting down; not accepting new runs"}});
      return nullptr;
    }
    QueryParams query(req.params.begin(), req.params.end());
    SolveParseResult parsed = parse_solve_request(req.get_header_value("Content-Type"), req.body, query,
                                                  opt.solver_defaults, next_monday());
    if (parsed.error) {
      send_error(res, *parsed.error);
      return nullptr;
    }
    RunSpec spec;
    spec.request = std::move(parsed.solve->request);
    spec.input_format = parsed.solve->input_format;
    spec.content_type = req.get_header_value("Content-Type");
    spec.body = req.body;
    spec.correlation_id = t_request.correlation_id;
    return enqueue(std::move(spec), res);
  }

  // Queues a prepared run: 503 while shutting down, 429 with Retry-After when the queue is full.
  std::shared_ptr<Run> enqueue(RunSpec spec, httplib::Response& res) {
    RunManager::Submitted sub = runs->submit(std::move(spec));
    if (sub.error == RunManager::SubmitError::ShuttingDown) {
      send_json(res, 503, {{"detail", "service is shutting down; not accepting new runs"}});
      return nullptr;
    }
    if (sub.error == RunManager::SubmitError::QueueFull) {
      res.set_header("Retry-After", std::to_string(sub.retry_after_s));
      send_json(res, 429, {{"detail", "run queue full (" + std::to_string(runs->capacity()) + " running, " +
                                          std::to_string(runs->queue_capacity()) + " queued); retry after " +
                                          std::to_string(sub.retry_after_s) + " s"}});
      return nullptr;
    }
    return sub.run;
  }

  void schedule(const httplib::Request& req, httplib::Response& res, const Params&) {
    auto run = submit(req, res);
    if (!run) return;
    ScopedLogContext ctx(t_request.correlation_id, run->id());
    while (!run->wait_finished(std::chrono::seconds(1))) {
      // Shared store: a run this replica does not finish (another replica has it) must not hold the shutdown.
      if (http_stopping.load())
        return send_json(res, 503, {{"detail", "this replica is shutting down; run " + run->id() +
                                                   " goes on: GET /api/v1/runs/" + run->id() + " for its result"}});
    }
    std::string plan = run->plan_json();
    bool disk_full = false;
    if (const std::string err = run->store_error(&disk_full); !err.empty())
      return store_failed(res, disk_full, "run " + run->id() + " ended FAILED: its result could not be stored: " + err,
                          run->id());
    if (plan.empty()) {
      const json v = run->view();
      internal_error(res, "run " + run->id() + " ended " + v.value("status", "") + " without a plan: " +
                              v["reason"].dump());
      return;
    }
    res.status = 200;
    res.set_content(std::move(plan), kJson);
  }

  // POST /api/v1/diagnostics: the /schedule body (same 415/422/400 answers), drivers required;
  // per tour, how many blocks and drivers could take it and the top blockers, without solving.
  void diagnostics(const httplib::Request& req, httplib::Response& res, const Params&) {
    QueryParams query(req.params.begin(), req.params.end());
    SolveParseResult parsed = parse_solve_request(req.get_header_value("Content-Type"), req.body, query,
                                                  opt.solver_defaults, next_monday());
    if (parsed.error) return send_error(res, *parsed.error);
    const SolveRequest& r = parsed.solve->request;
    if (r.drivers.empty())
      return send_error(res, validation_error(json::array(
                                 {{{"loc", json::array({"body", "drivers"})},
                                   {"msg", "field required: diagnostics need a non-empty \"drivers\" list (a JSON body)"},
                                   {"type", "value_error.missing"}}})));
    const auto diags = diagnose_tours(r.tours, r.drivers, r.policy);
    send_json(res, 200, diagnostics_to_json(diags, r.tours, static_cast<int>(r.drivers.size())));
  }

  void create_run(const httplib::Request& req, httplib::Response& res, const Params&) {
    auto run = submit(req, res);
    if (!run) return;
    const std::string url = "/api/v1/runs/" + run->id();
    res.set_header("Location", url);
    send_json(res, 201, {{"run_id", run->id()}, {"status", "QUEUED"}, {"events_url", url + "/events"}, {"run_url", url}});
  }

  // POST /api/v1/replan (dispatch.md §2): async like POST /runs; the run is a version of its base.
  void replan(const httplib::Request& req, httplib::Response& res, const Params&) {
    if (shutting_down.load()) return send_json(res, 503, {{"detail", "service is shutting down; not accepting new runs"}});
    ReplanParse parsed = parse_replan_request(req.get_header_value("Content-Type"), req.body, *store, *runs,
                                              opt.solver_defaults, contexts, next_monday());
    if (parsed.error) return send_error(res, *parsed.error);
    RunSpec spec;
    spec.request = std::move(*parsed.request);
    spec.input_format = "json";
    spec.content_type = req.get_header_value("Content-Type");
    spec.body = req.body;
    spec.correlation_id = t_request.correlation_id;
    spec.kind = "replan";
    spec.parent_run_id = parsed.parent_run_id;
    auto run = enqueue(std::move(spec), res);
    if (!run) return;
    const std::string url = "/api/v1/runs/" + run->id();
    res.set_header("Location", url);
    send_json(res, 201, {{"run_id", run->id()}, {"status", "QUEUED"}, {"events_url", url + "/events"}, {"run_url", url},
                         {"parent_run_id", parsed.parent_run_id.empty() ? json(nullptr) : json(parsed.parent_run_id)}});
  }

  std::optional<json> run_view(const std::string& id) {
    if (auto live = runs->live(id)) return live->view();
    if (auto stored = store->get(id)) return stored_view(*stored);
    return std::nullopt;
  }

  // A stored run's status view with its place among the versions (kind, parent, publication).
  static json stored_view(const StoredRun& r) {
    json v = json::parse(r.summary_json);
    add_version_fields(v, r);
    return v;
  }

  void list_runs(const httplib::Request& req, httplib::Response& res, const Params&) {
    std::vector<JsonProblem> problems;
    int limit = 50;
    if (req.has_param("limit")) {
      const std::string s = req.get_param_value("limit");
      char* end = nullptr;
      long v = std::strtol(s.c_str(), &end, 10);
      if (s.empty() || *end != '\0') problems.push_back({json::array({"query", "limit"}), "value is not a valid integer", "type_error.integer"});
      else if (v < 1 || v > 1000)
        problems.push_back({json::array({"query", "limit"}), "ensure this value is between 1 and 1000", "value_error.number.not_in_range"});
      else limit = static_cast<int>(v);
    }
    std::string status;
    if (req.has_param("status")) {
      status = req.get_param_value("status");
      for (char& c : status) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (std::find(kRunStatuses.begin(), kRunStatuses.end(), status) == kRunStatuses.end())
        problems.push_back({json::array({"query", "status"}),
                            "unknown status '" + req.get_param_value("status") +
                                "' (expected QUEUED, RUNNING, COMPLETED, FAILED, CANCELLED or DRAFT_WITH_VIOLATIONS)",
                            "value_error.enum"});
    }
    if (!problems.empty()) {
      json arr = json::array();
      for (const auto& p : problems) arr.push_back(p.to_json());
      return send_error(res, validation_error(arr));
    }
    json items = json::array();
    for (const StoredRun& r : store->list(limit, status)) {
      // Live progress beats the stored copy (asked only for runs in flight: with a shared store, a
      // finished run's lookup would cost one more query per listed run).
      const bool in_flight = r.status == "QUEUED" || r.status == "RUNNING";
      if (auto live = in_flight ? runs->live(r.id) : nullptr) items.push_back(live->view());
      else items.push_back(stored_view(r));
    }
    send_json(res, 200, {{"runs", items}, {"count", items.size()}, {"limit", limit}, {"status", status.empty() ? json() : json(status)}});
  }

  void get_run(const httplib::Request&, httplib::Response& res, const Params& p) {
    const std::string& id = p.at("id");
    auto v = run_view(id);
    if (!v) return send_json(res, 404, {{"detail", "run '" + id + "' not found"}});
    send_json(res, 200, *v);
  }

  void document(const httplib::Request& req, httplib::Response& res, const Params& p, RunDocument doc) {
    const std::string& id = p.at("id");
    // ?lang=de on the CSV exports: the German form (the page's downloads); absent or "en": as stored.
    const bool csv = doc == RunDocument::RosterCsv || doc == RunDocument::ToursCsv;
    const std::string lang = csv && req.has_param("lang") ? req.get_param_value("lang") : "en";
    if (lang != "en" && lang != "de")
      return send_json(res, 400, {{"detail", "lang: unknown language '" + lang + "' (expected de or en)"}});
    if (auto live = runs->live(id); live && !live->finished()) {
      return send_json(res, 409, {{"detail", "run '" + id + "' is " + live->status() +
                                                 "; its documents exist once it has finished"}});
    } else if (live && !live->store_error().empty()) {  // its end could not be stored: no documents
      const json v = live->view();
      const std::string reason = v["reason"].is_string() ? " (" + v["reason"].get<std::string>() + ")" : "";
      return send_json(res, 409, {{"detail", "run '" + id + "' ended " + v.value("status", "") + reason + " without a plan"}});
    }
    auto stored = store->get(id);
    if (!stored) return send_json(res, 404, {{"detail", "run '" + id + "' not found"}});
    auto text = store->document(id, doc);
    if (!text) {
      return send_json(res, 409, {{"detail", "run '" + id + "' ended " + stored->status +
                                                 (stored->reason.empty() ? "" : " (" + stored->reason + ")") +
                                                 " without a plan"}});
    }
    res.status = 200;
    switch (doc) {
      case RunDocument::Plan:
      case RunDocument::Report:
      case RunDocument::CanonicalReport: res.set_content(std::move(*text), kJson); break;
      case RunDocument::RosterCsv:
        res.set_header("Content-Disposition", "attachment; filename=\"" + id + "_roster.csv\"");
        res.set_content(lang == "de" ? roster_csv_german(*text, stored->week) : std::move(*text), "text/csv; charset=utf-8");
        break;
      case RunDocument::ToursCsv:
        res.set_header("Content-Disposition", "attachment; filename=\"" + id + "_tours.csv\"");
        res.set_content(lang == "de" ? tours_csv_german(*text, stored->week) : std::move(*text), "text/csv; charset=utf-8");
        break;
    }
  }

  // GET /api/v1/runs/{id}/export/roster.xlsx: rendered on demand from the stored report document
  // (io/xlsx_export), so the run store needs no binary column.
  void roster_xlsx_export(const httplib::Request&, httplib::Response& res, const Params& p) {
    const std::string& id = p.at("id");
    if (auto live = runs->live(id); live && !live->finished())
      return send_json(res, 409, {{"detail", "run '" + id + "' is " + live->status() + "; its documents exist once it has finished"}});
    auto stored = store->get(id);
    if (!stored) return send_json(res, 404, {{"detail", "run '" + id + "' not found"}});
    auto report = store->document(id, RunDocument::Report);
    if (!report)
      return send_json(res, 409, {{"detail", "run '" + id + "' ended " + stored->status + " without a plan"}});
    res.status = 200;
    res.set_header("Content-Disposition", "attachment; filename=\"" + id + "_roster.xlsx\"");
    res.set_content(roster_xlsx_from_plan_json(json::parse(*report)), kXlsxContentType);
  }

  // --- the dispatcher's week (service/dispatch.hpp) ---------------------------------------------
  // POST /api/v1/runs/{id}/check: the edits applied to the run's plan, audited; "save": true
  // stores the edited plan as a new run (a version).
  void check_run(const httplib::Request& req, httplib::Response& res, const Params& p) {
    const std::string& id = p.at("id");
    ContextResult c = load_run_context(id, *store, *runs, opt.solver_defaults, contexts);
    if (c.error) return send_error(res, *c.error);
    EditBody body;
    if (auto err = parse_edit_body(req.get_header_value("Content-Type"), req.body, body)) return send_error(res, *err);
    const RunContext& ctx = *c.ctx;
    const EditCheck check = check_edits(ctx.plan, body.edits, ctx.edit_context(), &ctx.audit, &ctx.kpis);
    if (check.applied.error) return send_error(res, edit_error_answer(*check.applied.error));
    json answer = check_json(ctx, check, body.edits);
    if (!body.save) return send_json(res, 200, answer);
    const SavedVersion saved = save_edit(*store, ctx, check, body, contexts);
    const std::string url = "/api/v1/runs/" + saved.run_id;
    answer["run_id"] = saved.run_id;
    answer["status"] = saved.status;
    answer["parent_run_id"] = id;
    answer["run_url"] = url;
    res.set_header("Location", url);
    send_json(res, 201, answer);
  }

  // GET /api/v1/runs/{id}/tours/{tour_id}/candidates?limit=10
  void candidates(const httplib::Request& req, httplib::Response& res, const Params& p) {
    const std::string& id = p.at("id");
    const std::string& tour_id = p.at("tour_id");
    size_t limit = 10;
    if (req.has_param("limit")) {
      const std::string s = req.get_param_value("limit");
      char* end = nullptr;
      const long v = std::strtol(s.c_str(), &end, 10);
      if (s.empty() || *end != '\0' || v < 1 || v > 100)
        return send_error(res, validation_error(json::array({{{"loc", json::array({"query", "limit"})},
                                                              {"msg", "ensure this value is an integer between 1 and 100"},
                                                              {"type", "value_error.number.not_in_range"}}})));
      limit = static_cast<size_t>(v);
    }
    ContextResult c = load_run_context(id, *store, *runs, opt.solver_defaults, contexts);
    if (c.error) return send_error(res, *c.error);
    const RunContext& ctx = *c.ctx;
    auto it = ctx.tour_index.find(tour_id);
    if (it == ctx.tour_index.end())
      return send_json(res, 404, {{"detail", "tour '" + tour_id + "' is not a tour of run '" + id + "'"}});
    const CandidateList list = find_candidates(it->second, ctx.plan, ctx.edit_context(), limit);
    if (list.frozen) {
      const Tour& t = ctx.request.tours[static_cast<size_t>(it->second)];
      return send_error(res, validation_error(json::array(
                                 {{{"loc", json::array({"path", "tour_id"})},
                                   {"msg", "tour '" + tour_id + "' starts " + std::string(day_short_name(t.day)) + " " +
                                               format_hhmm(t.start) + ", before frozen_until " +
                                               ctx.frozen_until_json.value("day", "") + " " +
                                               ctx.frozen_until_json.value("time", "") +
                                               " (it has been driven); it cannot be moved"},
                                   {"type", "value_error.frozen"}}})));
    }
    send_json(res, 200, candidates_json(ctx, list, limit));
  }

  // GET /api/v1/runs/{id}/versions: ancestors up to the root, the run, its descendants.
  void versions(const httplib::Request&, httplib::Response& res, const Params& p) {
    const std::string& id = p.at("id");
    auto v = versions_json(id, *store, *runs);
    if (!v) return send_json(res, 404, {{"detail", "run '" + id + "' not found"}});
    send_json(res, 200, *v);
  }

  // POST /api/v1/runs/{id}/publish [{"scope": "…"}]
  void publish(const httplib::Request& req, httplib::Response& res, const Params& p) {
    PublishAnswer a = publish_run(p.at("id"), req.get_header_value("Content-Type"), req.body, *store, *runs,
                                  opt.solver_defaults, contexts);
    send_json(res, a.status, a.body);
  }

  // GET /api/v1/runs/compare?a=…&b=…
  void compare(const httplib::Request& req, httplib::Response& res, const Params&) {
    json problems = json::array();
    for (const char* k : {"a", "b"})
      if (!req.has_param(k) || req.get_param_value(k).empty())
        problems.push_back({{"loc", json::array({"query", k})}, {"msg", "field required"}, {"type", "value_error.missing"}});
    if (!problems.empty()) return send_error(res, validation_error(problems));
    ContextResult a = load_run_context(req.get_param_value("a"), *store, *runs, opt.solver_defaults, contexts);
    if (a.error) return send_error(res, *a.error);
    ContextResult b = load_run_context(req.get_param_value("b"), *store, *runs, opt.solver_defaults, contexts);
    if (b.error) return send_error(res, *b.error);
    send_json(res, 200, compare_json(*a.ctx, *b.ctx));
  }

  void cancel_run(const httplib::Request&, httplib::Response& res, const Params& p) {
    const std::string& id = p.at("id");
    auto live = runs->live(id);
    switch (runs->cancel(id)) {
      case RunManager::CancelOutcome::NotFound:
      case RunManager::CancelOutcome::AlreadyFinished: {
        auto v = run_view(id);
        if (!v) return send_json(res, 404, {{"detail", "run '" + id + "' not found"}});
        return send_json(res, 409, {{"detail", "run '" + id + "' already ended " + v->value("status", "")}, {"run", *v}});
      }
      case RunManager::CancelOutcome::Cancelled: break;
      case RunManager::CancelOutcome::Requested:
        // The solver stops within a second; answer with the final state when it has.
        if (live) live->wait_finished(std::chrono::milliseconds(1500));
        break;
    }
    auto v = run_view(id);
    if (!v) return send_json(res, 404, {{"detail", "run '" + id + "' not found"}});
    const bool done = v->value("status", "") == "CANCELLED" || v->value("status", "") == "COMPLETED" ||
                      v->value("status", "") == "FAILED";
    send_json(res, done ? 200 : 202, *v);
  }

  // DELETE /runs/{id} (issue 17): a queued or running run is cancelled first and deleted once it has ended.
  void delete_run(const httplib::Request& req, httplib::Response& res, const Params& p) {
    const std::string& id = p.at("id");
    if (auto live = runs->live(id); live && !live->finished()) {
      runs->cancel(id);
      if (!live->wait_finished(std::chrono::seconds(10)))
        return send_json(res, 409, {{"detail", "run '" + id + "' was cancelled but has not stopped yet; retry the DELETE"}});
    }
    auto run = store->get(id);
    if (!run) return send_json(res, 404, {{"detail", "run '" + id + "' not found"}});
    const bool force = req.get_param_value("force") == "true";
    if (run->publication == "published" && !force)
      return send_json(res, 409, {{"detail", "run '" + id + "' is the published plan of week " + run->week +
                                                 (run->scope.empty() ? "" : " scope " + run->scope) +
                                                 "; add ?force=true to delete it"}});
    if (!store->delete_run(id)) return send_json(res, 404, {{"detail", "run '" + id + "' not found"}});
    contexts.erase(id);
    store->reclaim_space();  // the request and plan hold personal data: their bytes leave the file now
    metrics->runs_deleted->inc({"api"});
    service_log()->info("run {} deleted{}", id, run->publication == "published" ? " (published plan, forced)" : "");
    res.status = 204;
  }

  // POST /drivers/{driver_id}/erase (issue 17): the driver's name becomes a pseudonym in every stored run.
  void erase_driver(const httplib::Request& req, httplib::Response& res, const Params& p) {
    const std::string& driver_id = p.at("driver_id");
    std::string pseudonym = "erased-" + driver_id;
    if (!req.body.empty()) {
      json b = json::parse(req.body, nullptr, false);
      if (!b.is_object() || (b.contains("pseudonym") && (!b["pseudonym"].is_string() || b["pseudonym"] == "")))
        return send_json(res, 400, {{"detail", "body: expected {\"pseudonym\": \"<non-empty text>\"} or no body"}});
      pseudonym = b.value("pseudonym", pseudonym);
    }
    std::vector<std::string> ids = so::erase_driver(*store, driver_id, pseudonym);
    for (const auto& id : ids) contexts.erase(id);
    if (!ids.empty()) store->reclaim_space();  // the old names leave the file's free pages and WAL
    service_log()->info("driver {} erased: pseudonymised in {} stored run(s)", driver_id, ids.size());
    send_json(res, 200, {{"driver_id", driver_id}, {"pseudonym", pseudonym}, {"runs_touched", ids.size()}, {"run_ids", ids}});
  }

  void events(const httplib::Request& req, httplib::Response& res, const Params& p) {
    const std::string& id = p.at("id");
    long long last = 0;
    std::string last_header = req.get_header_value("Last-Event-ID");
    if (last_header.empty() && req.has_param("last_event_id")) last_header = req.get_param_value("last_event_id");
    if (!last_header.empty()) {
      char* end = nullptr;
      long long v = std::strtoll(last_header.c_str(), &end, 10);
      if (*end != '\0' || v < 0)
        return send_json(res, 400, {{"detail", "Last-Event-ID must be a non-negative integer, got '" + last_header + "'"}});
      last = v;
    }
    res.set_header("Cache-Control", "no-cache");
    res.set_header("X-Accel-Buffering", "no");
    auto live = runs->live(id);
    if (!live) {
      auto stored = store->get(id);
      if (!stored) return send_json(res, 404, {{"detail", "run '" + id + "' not found"}});
      // A finished run: replay its stored event log after `last`, then close.
      std::string body;
      RunEvent ev;
      for (RunEvent& e : events_from_json(stored->events_json)) {
        ev = std::move(e);
        if (ev.id > last) body += sse_frame(ev);
      }
      // The stream ends with the terminal event even when resumed past it (an interrupted run's log
      // restarts at the restart, below the ids its client saw).
      if (body.empty() && is_terminal_event(ev.event)) body = sse_frame(ev);
      res.status = 200;
      res.set_content(std::move(body), "text/event-stream");
      return;
    }
    struct StreamState {
      long long last;
      std::chrono::steady_clock::time_point last_write;
    };
    auto state = std::make_shared<StreamState>(StreamState{last, std::chrono::steady_clock::now()});
    const auto heartbeat = std::chrono::milliseconds(static_cast<long long>(opt.sse_heartbeat_seconds * 1000));
    const std::string cid = t_request.correlation_id;
    res.status = 200;
    res.set_chunked_content_provider(
        "text/event-stream", [this, live, state, heartbeat, cid](size_t, httplib::DataSink& sink) {
          bool terminal = false;
          auto evs = live->events_after(state->last, &terminal);
          if (!evs.empty()) {
            std::string out;
            for (const auto& e : evs) out += sse_frame(e);
            if (!sink.write(out.data(), out.size())) return false;  // client gone
            state->last = evs.back().id;
            state->last_write = std::chrono::steady_clock::now();
            return true;
          }
          if (terminal || http_stopping.load()) {
            sink.done();  // the stream closes after the terminal event
            return true;
          }
          const auto due = state->last_write + heartbeat;
          const auto now = std::chrono::steady_clock::now();
          if (now >= due) {
            const std::string hb = "event: heartbeat\ndata: {\"ts\":\"" + now_iso_utc() + "\"}\n\n";
            if (!sink.write(hb.data(), hb.size())) return false;
            state->last_write = now;
            return true;
          }
          live->wait_for_event(state->last, std::chrono::duration_cast<std::chrono::milliseconds>(due - now),
                               [this] { return http_stopping.load(); });
          return true;
        });
  }

  // --- lifecycle -------------------------------------------------------------------------------
  // A body must say what it is: JSON or CSV. Checked before httplib reads it (it would parse
  // multipart itself and answer a bare 400).
  static std::optional<std::string> body_media_type_problem(const httplib::Request& req) {
    const bool has_body = req.has_header("Transfer-Encoding") ||
                          (req.has_header("Content-Length") && req.get_header_value("Content-Length") != "0");
    if (!has_body) return std::nullopt;
    const std::string type = req.get_header_value("Content-Type");
    if (type.empty())
      return "the request has a body but no Content-Type: send application/json, or text/csv for a forecast";
    if (body_kind(type) == BodyKind::Unsupported)
      return "unsupported Content-Type '" + printable_value(type) + "' (expected application/json or text/csv)";
    return std::nullopt;
  }

  FrontOptions front_options() const {
    FrontOptions f;
    f.host = opt.host;
    f.port = opt.port;
    f.max_body_bytes = opt.max_body_bytes;
    f.request_timeout = std::chrono::seconds(opt.read_timeout_seconds);
    f.max_connections = opt.max_connections;
    f.max_connections_per_client = opt.max_connections_per_client;
    f.workers = opt.http_threads > 0 ? opt.http_threads : std::max(16, opt.max_concurrent_runs + opt.max_queued_runs + 32);
    return f;
  }

  FrontHooks front_hooks() {
    FrontHooks h;
    h.probe_paths = {"/api/v1/healthz", "/api/v1/readyz", "/api/v1/metrics"};
    // No token, no body: a 401 is answered before the body is read.
    h.admit = [this](const RequestHead& head) -> std::optional<FrontAnswer> {
      if (opt.api_token.empty() || authorized(head.header("Authorization"))) return std::nullopt;
      const auto segs = split_path(head.target.substr(0, head.target.find('?')));
      bool needs_auth = false;
      for (const auto& r : routes)
        if (r.method == head.method && r.auth && match_route(r, segs, nullptr)) needs_auth = true;
      if (!needs_auth) return std::nullopt;
      FrontAnswer a{401, cors_headers(head.header("Origin")), json{{"detail", "Not authenticated"}}.dump()};
      a.headers.emplace_back("WWW-Authenticate", "Bearer");
      return a;
    };
    h.reject = [this](int status, const std::string& detail, const RequestHead* head) {
      FrontAnswer a{status, head ? cors_headers(head->header("Origin")) : decltype(FrontAnswer::headers){},
                    json{{"detail", detail}}.dump(-1, ' ', false, json::error_handler_t::replace)};
      if (status == 503 || status == 429) a.headers.emplace_back("Retry-After", "1");
      return a;
    };
    h.on_rejected = [this](const FrontAnswer& a, const RequestHead* head, const std::string& peer, double seconds) {
      const std::string method = head ? head->method : "UNKNOWN";
      const std::string route = head ? route_label(head->target.substr(0, head->target.find('?'))) : kUnmatched;
      metrics->record_http(method, route, a.status, seconds);
      // A refused connection (no request yet) is not an API error of any endpoint.
      if (head) metrics->record_api_error(route, error_type_for_status(a.status));
      service_log()->info("{} {} from {} -> {} (answered by the connection front)", method,
                          head ? route : std::string("-"), peer, a.status);
    };
    return h;
  }

  void setup_http() {
    http.set_payload_max_length(opt.max_body_bytes);
    http.set_keep_alive_max_count(1000);  // the Keep-Alive header; the front closes after as many
    http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      t_request.active = true;
      t_request.start = std::chrono::steady_clock::now();
      auto given = sanitize_request_id(req.get_header_value("X-Request-ID"));
      t_request.correlation_id = given ? *given : random_hex(16);
      t_request.route = route_label(req.path);
      res.set_header("X-Request-ID", t_request.correlation_id);
      // httplib 0.11 reads a POST without Content-Length or chunked encoding "until the connection
      // closes" (i.e. until the read timeout); RFC 9112 says such a request has no body. `curl -X
      // POST …/cancel` sends exactly that. The request object is httplib's own non-const local.
      if ((req.method == "POST" || req.method == "PUT" || req.method == "PATCH" || req.method == "DELETE") &&
          !req.has_header("Content-Length") && !req.has_header("Transfer-Encoding"))
        const_cast<httplib::Request&>(req).set_header("Content-Length", "0");
      if (auto problem = body_media_type_problem(req)) {
        add_cors_headers(req, res);
        send_json(res, 415, {{"detail", *problem}});
        return httplib::Server::HandlerResponse::Handled;
      }
      return httplib::Server::HandlerResponse::Unhandled;
    });
    auto handler = [this](const httplib::Request& req, httplib::Response& res) {
      ScopedLogContext ctx(t_request.correlation_id, "");
      dispatch(req, res);
    };
    // The static page first: httplib tries handlers in registration order, the catch-alls last.
    register_web_routes(http, find_web_root());
    for (const char* m : {"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
      const std::string method = m;
      if (method == "GET") http.Get(".*", handler);
      else if (method == "POST") http.Post(".*", handler);
      else if (method == "PUT") http.Put(".*", handler);
      else if (method == "DELETE") http.Delete(".*", handler);
      else if (method == "PATCH") http.Patch(".*", handler);
      else http.Options(".*", handler);
    }
    // Errors httplib answers itself (413 body too large, 400 unparsable request, …): JSON bodies too.
    http.set_error_handler(httplib::Server::HandlerWithResponse([this](const httplib::Request&, httplib::Response& res) {
      if (!res.body.empty() || res.content_provider_) return httplib::Server::HandlerResponse::Unhandled;
      std::string detail = reason_phrase(res.status);
      if (res.status == 413)
        detail = "request body larger than the limit of " + std::to_string(opt.max_body_bytes) + " bytes (MAX_BODY_BYTES)";
      if (res.status == 404) detail = "Not Found";
      if (res.status >= 500) {
        internal_error(res, "httplib answered " + std::to_string(res.status));
        return httplib::Server::HandlerResponse::Handled;
      }
      send_json(res, res.status, {{"detail", detail}});
      return httplib::Server::HandlerResponse::Handled;
    }));
    http.set_exception_handler([this](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
      std::string what = "unknown exception";
      try {
        if (ep) std::rethrow_exception(ep);
      } catch (const std::exception& e) {
        what = e.what();
      } catch (...) {
      }
      internal_error(res, what);
    });
    // Counted just before the answer is written (httplib's post-routing hook), so a client that
    // has its answer always finds it in the next scrape. A stream counts at its first byte.
    http.set_post_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      double seconds = 0;
      std::string route = kUnmatched;
      if (t_request.active) {
        seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_request.start).count();
        route = t_request.route;
      }
      const std::string method = req.method.empty() ? "UNKNOWN" : req.method;
      metrics->record_http(method, route, res.status, seconds);
      if (res.status >= 400) metrics->record_api_error(route, error_type_for_status(res.status));
      if (opt.on_response) opt.on_response(req, res);
    });
    http.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
      double seconds = 0;
      std::string route = kUnmatched;
      if (t_request.active) {
        seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_request.start).count();
        route = t_request.route;
      }
      const std::string method = req.method.empty() ? "UNKNOWN" : req.method;
      {
        ScopedLogContext ctx(t_request.correlation_id, "");
        const bool probe = route == "/api/v1/healthz" || route == "/api/v1/readyz" || route == "/api/v1/metrics";
        const auto level = res.status >= 500 ? spdlog::level::err : (probe ? spdlog::level::debug : spdlog::level::info);
        service_log()->log(level, "{} {} -> {} in {:.1f} ms (route {})", method, req.path, res.status, seconds * 1000,
                           route);
      }
      t_request = RequestState{};
    });
  }

  void start() {
    if (started.exchange(true)) throw std::logic_error("Service::start called twice");
    ::signal(SIGPIPE, SIG_IGN);  // a client that hangs up must not kill the process
    metrics = std::make_unique<ServiceMetrics>(
        std::vector<std::string>{"/api/v1/schedule", "/api/v1/runs", "/api/v1/replan", "/api/v1/diagnostics"});
    store = open_run_store(opt.data_dir, opt.max_stored_runs, opt.database_url);
    for (const auto& id : store->mark_interrupted(now_iso_utc()))
      service_log()->warn("run {} was in flight when the previous process stopped: now FAILED (INTERRUPTED)", id);
    RunManagerOptions run_options{opt.max_concurrent_runs, opt.max_queued_runs};
    run_options.replica_id = opt.replica_id.empty() ? default_replica_id() : opt.replica_id;
    run_options.queue = opt.run_queue;
    run_options.lease = std::chrono::milliseconds(static_cast<long long>(opt.run_lease_seconds * 1000));
    run_options.renew_interval = std::min(std::chrono::milliseconds(1000), run_options.lease / 3);
    runs = std::make_unique<RunManager>(run_options, *store, *metrics, solve,
                                        [](const PlanReport& r, const std::vector<Tour>& t) { return render_documents(r, t); });
    // A run claimed from the shared queue is solved from its stored input (solve_input_json), which
    // parses back to the same request: the same signature on whichever replica runs it.
    runs->set_spec_loader([this](const StoredRun& r) {
      SolveParseResult parsed =
          parse_solve_request("application/json", r.input_json, {}, opt.solver_defaults, r.week.empty() ? next_monday() : r.week);
      if (parsed.error) throw std::runtime_error(parsed.error->body.dump());
      RunSpec spec;
      spec.request = std::move(parsed.solve->request);
      const json view = json::parse(r.summary_json, nullptr, false);
      spec.input_format = view.is_object() ? view.value("input_format", "json") : "json";
      spec.content_type = r.request_content_type;
      spec.kind = r.kind;
      spec.parent_run_id = r.parent_run_id;
      return spec;
    });
    // A finished plan is usually looked at and edited next: read it back for the dispatcher routes
    // now, on the worker, so the first check or candidates call is as fast as the next ones.
    runs->set_on_finished([this](const std::string& id, const std::string& status, size_t tours) {
      if (status == "COMPLETED" && tours <= kWarmContextMaxTours)
        load_run_context(id, *store, *runs, opt.solver_defaults, contexts);
    });
    runs->start();
    sweeper = std::make_unique<RetentionSweeper>(
        *store, opt.retention_days,
        std::chrono::milliseconds(static_cast<long long>(opt.retention_sweep_seconds * 1000)), metrics->runs_deleted);
    setup_http();
    front = std::make_unique<HttpFront>(front_options(), http, front_hooks());
    front->bind();
    bound_port = front->port();
    front->start();
    ready = true;
    service_log()->info(
        "shift-optimizer {} ({}) listening on {}:{}; {} concurrent runs, {} queued, store {}, body limit {} bytes, auth {}",
        SO_VERSION, SO_GIT_COMMIT, opt.host, bound_port, runs->capacity(), runs->queue_capacity(), store->path(),
        opt.max_body_bytes, opt.api_token.empty() ? "off" : "on");
  }

  void request_shutdown() {
    if (!started.load() || shutting_down.exchange(true)) return;
    service_log()->info("shutdown requested: not accepting new runs, draining {} running solve(s) (grace {} s)",
                        runs->running(), opt.shutdown_grace_seconds);
    drain_thread = std::thread([this] { drain(); });
  }

  void drain() {
    runs->begin_drain();
    const auto grace = std::chrono::steady_clock::now() +
                       std::chrono::milliseconds(static_cast<long long>(opt.shutdown_grace_seconds * 1000));
    if (!runs->wait_running_done(grace)) {
      service_log()->warn("grace period over: cancelling {} running solve(s)", runs->running());
      runs->cancel_running();
      if (!runs->wait_running_done(std::chrono::steady_clock::now() + std::chrono::seconds(10))) {
        // A solve that ignores its cancel flag must not keep the process alive forever.
        service_log()->critical("{} solve(s) did not stop within 10 s of cancellation; exiting without them",
                                runs->running());
        stuck = true;
        exit_code = 1;
      }
    }
    // Give waiting POST /schedule handlers a moment to write their answers before the listener closes.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    http_stopping = true;
    if (front) front->stop();
    sweeper.reset();
    if (!stuck) runs->stop();
    service_log()->info("shutdown complete");
    {
      std::lock_guard lock(mu);
      stopped = true;
    }
    cv.notify_all();
  }

  // A start that threw: stop what it had started, so that the Service destructs as one never started.
  void abort_start() {
    if (runs) {
      runs->begin_drain();
      runs->cancel_running();
      runs->stop();
    }
    front.reset();  // stops it if it had started, closes the listening socket
    sweeper.reset();
    runs.reset();
    store.reset();
    ready = false;
    started = false;
  }

  int wait() {
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return stopped; });
    }
    if (drain_thread.joinable()) drain_thread.join();
    return exit_code;
  }
};

Service::Service(ServerOptions options, SolveFunction solve) : impl_(std::make_unique<Impl>(std::move(options), std::move(solve))) {}

Service::~Service() {
  if (impl_->started.load()) {
    if (!impl_->shutting_down.load()) {
      impl_->opt.shutdown_grace_seconds = 0;  // destruction without a drain request: cancel at once
      impl_->request_shutdown();
    }
    impl_->wait();
  }
}

void Service::start() {
  try {
    impl_->start();
  } catch (...) {
    impl_->abort_start();
    throw;
  }
}
int Service::port() const { return impl_->bound_port; }
bool Service::ready() const { return impl_->ready.load() && !impl_->shutting_down.load(); }
void Service::request_shutdown() { impl_->request_shutdown(); }
void Service::force_shutdown() {
  if (impl_->runs) impl_->runs->cancel_running();
}
bool Service::stopped() const {
  std::lock_guard lock(impl_->mu);
  return impl_->stopped;
}
int Service::wait() { return impl_->wait(); }
ServiceMetrics& Service::metrics() { return *impl_->metrics; }
RunManager& Service::runs() { return *impl_->runs; }

// ---------------------------------------------------------------------------------------------

int run_server(const ServerOptions& options) {
  configure_logging(options.log_level, options.log_format);
  // Signals are taken synchronously by this thread: block them before any thread exists.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  Service service(options);
  try {
    service.start();
  } catch (const std::exception& e) {
    service_log()->critical("cannot start: {}", e.what());
    return 1;
  }
  int signals = 0;
  while (!service.stopped()) {
    timespec timeout{0, 200 * 1000 * 1000};
    siginfo_t info;
    const int sig = sigtimedwait(&set, &info, &timeout);
    if (sig <= 0) continue;
    ++signals;
    if (signals == 1) {
      service_log()->info("received {}: draining", sig == SIGTERM ? "SIGTERM" : "SIGINT");
      service.request_shutdown();
    } else {
      service_log()->warn("received a second signal: cancelling running solves now");
      service.force_shutdown();
    }
  }
  const int rc = service.wait();
  service_log()->flush();
  // A stuck solve thread cannot be joined: leave without running destructors that would wait on it.
  if (rc != 0) std::_Exit(rc);
  return rc;
}

}  // namespace so
