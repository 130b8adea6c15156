#pragma once
// The production service (api.md): one process serving the HTTP API of §2–§5, the metrics of §6
// and the operations of §7 (env configuration, bearer auth, CORS, body limits, graceful SIGTERM).
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "service/run_manager.hpp"
#include "solver/config.hpp"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace so {

class ServiceMetrics;

struct ServerOptions {
  std::string host = "0.0.0.0";
  int port = 8000;                 // 0 = an ephemeral port (tests)
  std::string data_dir = "./data";  // run store folder; "" or ":memory:" = in memory
  // postgresql://… : the PostgreSQL run store and queue shared by replicas (then DATA_DIR is unused).
  std::string database_url;
  std::string replica_id;      // this replica's name as lease owner; "" = <hostname>-<pid>
  std::string run_queue = "main";  // shared store: the named queue this replica's runs go to and come from
  double run_lease_seconds = 10;  // a dead replica's running runs are re-claimed after this
  int max_concurrent_runs = default_max_concurrent_runs();
  int max_queued_runs = 16;
  size_t max_body_bytes = 8u * 1024 * 1024;
  std::string api_token;                  // empty = no auth
  std::vector<std::string> cors_origins;  // empty = no CORS; "*" = any origin
  std::string log_level = "info";
  std::string log_format = "text";  // text | json
  int max_stored_runs = 1000;
  int retention_days = 90;                // finished runs older than this are deleted; 0 = keep forever
  double retention_sweep_seconds = 3600;  // how often the retention sweep runs (also once at start-up)
  double shutdown_grace_seconds = 25;  // running solves get this long to finish before they are cancelled
  int read_timeout_seconds = 30;       // the whole request (headers and body) must arrive in this time
  int max_connections = 512;           // open client connections in all
  int max_connections_per_client = 64; // open connections from one address
  int http_threads = 0;                // 0 = max(16, concurrent + queued + 32)
  double sse_heartbeat_seconds = 5;
  SolverConfig solver_defaults;  // process-wide tunables (feature flags from the environment)
  // Tests only: sees every answer the routing layer writes, just before it is sent (the service
  // tests validate each one against the OpenAPI document). Called from the HTTP threads.
  std::function<void(const httplib::Request&, const httplib::Response&)> on_response;

  static int default_max_concurrent_runs();  // max(1, cores / 2)
};

// Reads HOST, PORT, DATA_DIR, DATABASE_URL, REPLICA_ID, RUN_LEASE_SECONDS, MAX_CONCURRENT_RUNS, MAX_QUEUED_RUNS, MAX_BODY_BYTES, API_TOKEN,
// CORS_ORIGINS, LOG_LEVEL, LOG_FORMAT, MAX_STORED_RUNS, RETENTION_DAYS, RETENTION_SWEEP_SECONDS, SHUTDOWN_GRACE_SECONDS,
// READ_TIMEOUT_SECONDS, MAX_CONNECTIONS, MAX_CONNECTIONS_PER_CLIENT and the feature flags (ENABLE_FILL_TO_TARGET, ENABLE_BAD_BLOCK_MIX_RERUN).
// Throws std::invalid_argument naming the variable when a value is malformed.
ServerOptions options_from_environment();

// One environment variable the service reads.
struct EnvironmentVariable {
  const char* name;
  const char* meaning;
};

// Every environment variable `serve` reads (api.md §7, README "Operations"): shown by
// `shift-optimizer serve --help`, and the list the deploy tests check deploy/k8s against (a test
// also checks that src/ reads no other variable). Includes DATABASE_URL, the PostgreSQL run store
// of issue 14, listed ahead of its reader.
const std::vector<EnvironmentVariable>& recognised_environment();

// Configures logging, starts the service, blocks until SIGTERM/SIGINT, drains, and returns the
// exit code (0 after a clean drain, 1 when the service could not start). A second signal during
// the drain cancels the running solves at once.
int run_server(const ServerOptions& options);

// The service in-process (tests, run_server).
class Service {
 public:
  // `solve` defaults to so::solve; tests of pure service mechanics may inject another.
  explicit Service(ServerOptions options, SolveFunction solve = {});
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  void start();  // opens the store, starts the workers, binds and listens; throws on failure
  int port() const;
  bool ready() const;

  void request_shutdown();  // non-blocking: readyz 503, new runs 503, drain in the background
  void force_shutdown();    // cancel running solves now (a second signal)
  bool stopped() const;     // the drain finished and the listener is closed
  int wait();               // blocks until stopped; returns the exit code

  ServiceMetrics& metrics();
  RunManager& runs();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace so
