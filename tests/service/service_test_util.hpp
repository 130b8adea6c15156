#pragma once
// Shared helpers of the service tests: temp folders, synthetic forecasts, an in-process service
// on a loopback ephemeral port, metrics text lookup, and a child-process runner for `serve`.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "service/server.hpp"

namespace so::test {

using json = nlohmann::json;

// A fresh folder under the system temp dir, removed with everything in it at scope end.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

// A deterministic synthetic week: `per_day` tours per day on `days` days (Mon…), starts spread
// over the day in 15-minute steps by a fixed LCG, durations 3.5–4.5 h (or all `fixed_minutes`
// long: few distinct tour types, like a real depot). Ids T0001…
json synthetic_tours(int per_day, int days = 6, unsigned seed = 7, int fixed_minutes = 0);

// The runbook's synthetic canary body: {"tours":[…],"seed":42,"time_limit_seconds":30}.
std::string canary_body();

// The same week as a vertical German forecast CSV ("Montag;Anzahl", "HH:MM-HH:MM;N").
std::string synthetic_csv(int windows_per_day, int count_per_window, int days = 6);

// Value of one sample line of a Prometheus text exposition, e.g.
// metric_value(text, "solver_budget_overrun_total{phase=\"total\"}"); nullopt when absent.
std::optional<double> metric_value(const std::string& text, const std::string& series);

// Polls GET /api/v1/runs/{id} until its status is one of `want`; returns the last status seen
// ("" when the run never answered 200).
std::string wait_status(httplib::Client& c, const std::string& id, const std::set<std::string>& want,
                        std::chrono::milliseconds timeout = std::chrono::seconds(60));
// The same until the run has ended (any status but QUEUED and RUNNING).
std::string wait_final(httplib::Client& c, const std::string& id,
                       std::chrono::milliseconds timeout = std::chrono::seconds(60));

// A service on 127.0.0.1:<ephemeral> with test_options() on a temp data dir (or `data_dir`),
// adjusted by `tweak`.
struct LiveService {
  explicit LiveService(std::function<void(ServerOptions&)> tweak = {}, SolveFunction solve = {},
                       std::string data_dir = {});
  ~LiveService();
  httplib::Client client(int read_timeout_s = 120) const;
  int port() const { return service->port(); }
  std::string metrics();

  std::unique_ptr<TempDir> dir;
  std::unique_ptr<Service> service;
};

ServerOptions test_options(const std::string& data_dir);

// The `shift-optimizer serve` binary as a child process (SO_BINARY_PATH). Its output goes to
// <data_dir>/serve.log, or to `log_path` when given (then data_dir is left as it is: the start-up
// failure tests hand it a file or a read-only folder).
class ServeProcess {
 public:
  ServeProcess(const std::string& data_dir, const std::vector<std::pair<std::string, std::string>>& env = {},
               const std::string& log_path = {});
  ~ServeProcess();
  int port() const { return port_; }
  int pid() const { return pid_; }
  bool wait_ready(std::chrono::seconds timeout);
  void signal(int sig);
  // Waits for the process to exit; returns the exit code (or 128 + signal), nullopt on timeout.
  std::optional<int> wait_exit(std::chrono::seconds timeout);
  std::string log() const;  // what the process wrote to stderr/stdout

 private:
  int pid_ = -1;
  int port_ = 0;
  std::string log_path_;
  bool exited_ = false;
};

int free_loopback_port();

// Sends raw bytes to 127.0.0.1:port and returns everything read until the peer closes or the
// timeout passes (for requests httplib::Client would never send).
std::string raw_http(int port, const std::string& request, std::chrono::milliseconds timeout);
bool binary_available();

}  // namespace so::test
