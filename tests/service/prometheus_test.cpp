// The runbook against a REAL Prometheus: /usr/bin/prometheus scrapes the service (scrape and
// evaluation interval 1 s, the alert rules of deploy/alerts.yml loaded) while it solves the
// synthetic canary; every PromQL expression of canary-stage0-runbook.md, copied verbatim, is
// evaluated through the HTTP API with the values the runs imply. Also promtool on live output.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "service_test_util.hpp"

namespace so {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

const char* kPrometheus = "/usr/bin/prometheus";
const char* kPromtool = "/usr/bin/promtool";

// --- the runbook's expressions, verbatim (canary-stage0-runbook.md §1) ----------------------
const char* kWarnOverrun = R"(increase(solver_budget_overrun_total{phase="total"}[30m]) > 0)";
const char* kStopOverrunRate = R"((
  increase(solver_budget_overrun_total{phase="total"}[60m])
  /
  clamp_min(increase(solver_signature_runs_total[60m]), 1)
) > 0.02)";
const char* kStopP95 = R"(histogram_quantile(0.95,
  sum by (le) (rate(solver_phase_duration_seconds_bucket{phase="total"}[10m]))
) > 126)";
const char* kStopSafety = R"(increase(solver_budget_overrun_total{phase="total"}[60m]) >= 3)";
const char* kGuardInfeasible =
    R"(increase(solver_infeasible_total[10m]) / clamp_min(increase(solver_signature_runs_total[10m]), 1))";
const char* kGuardUniqueness =
    R"(increase(solver_signature_unique_total[10m]) / clamp_min(increase(solver_signature_runs_total[10m]), 1))";
const char* kGuardSetPartitioning = R"(increase(solver_set_partitioning_total{status=~"timeout|fallback"}[10m]))";

class PrometheusProcess {
 public:
  PrometheusProcess(const std::string& dir, int target_port, const std::string& rules_file) {
    port_ = test::free_loopback_port();
    const std::string cfg = dir + "/prometheus.yml";
    std::ofstream(cfg) << "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                       << "rule_files:\n  - " << rules_file << "\n"
                       << "scrape_configs:\n  - job_name: \"shift-optimizer\"\n"
                       << "    metrics_path: \"/api/v1/metrics\"\n"
                       << "    static_configs:\n      - targets: [\"127.0.0.1:" << target_port << "\"]\n";
    log_ = dir + "/prometheus.log";
    const std::string data = dir + "/tsdb";
    pid_ = ::fork();
    if (pid_ == 0) {
      int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      const std::string a1 = "--config.file=" + cfg, a2 = "--storage.tsdb.path=" + data,
                        a3 = "--web.listen-address=127.0.0.1:" + std::to_string(port_);
      ::execl(kPrometheus, kPrometheus, a1.c_str(), a2.c_str(), a3.c_str(), "--log.level=warn",
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
  }
  ~PrometheusProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int st = 0;
      for (int i = 0; i < 100 && ::waitpid(pid_, &st, WNOHANG) == 0; ++i) std::this_thread::sleep_for(50ms);
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &st, 0);
    }
  }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(10, 0);
    c.set_connection_timeout(1, 0);
    return c;
  }
  bool wait_ready(std::chrono::seconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto c = client();
      if (auto r = c.Get("/-/ready"); r && r->status == 200) return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }
  // The instant query's result (status must be success; the error otherwise fails the test).
  json query(const std::string& expr) const {
    auto c = client();
    auto r = c.Get("/api/v1/query", httplib::Params{{"query", expr}}, httplib::Headers{});
    EXPECT_TRUE(r) << expr;
    if (!r) return json::array();
    json b = json::parse(r->body);
    EXPECT_EQ(b["status"], "success") << expr << "\n" << r->body;
    EXPECT_FALSE(b.contains("error")) << expr << "\n" << r->body;
    return b["data"]["result"];
  }
  std::string log() const {
    std::ifstream f(log_);
    return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  }

 private:
  int pid_ = -1, port_ = 0;
  std::string log_;
};

double value_of(const json& sample) { return std::stod(sample["value"][1].get<std::string>()); }

// Polls until `expr` has one series with `value`, or the timeout passes.
bool wait_value(const PrometheusProcess& p, const std::string& expr, double value, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    json r = p.query(expr);
    if (r.size() == 1 && value_of(r[0]) == value) return true;
    std::this_thread::sleep_for(200ms);
  }
  return false;
}

TEST(RealPrometheus, RunbookRulesEvaluateAgainstTheScrapedService) {
  if (!std::filesystem::exists(kPrometheus)) GTEST_SKIP() << "prometheus not installed (scripts/install-deps.sh installs it)";
  test::TempDir dir;
  test::LiveService svc;
  PrometheusProcess prom(dir.str(), svc.port(), std::string(SO_SOURCE_DIR) + "/deploy/alerts.yml");
  ASSERT_TRUE(prom.wait_ready(30s)) << prom.log();
  ASSERT_TRUE(wait_value(prom, R"(up{job="shift-optimizer"})", 1, 20s)) << prom.log();
  // Two scrapes of the pre-exported zeros first, so increase() sees every counter start at 0.
  std::this_thread::sleep_for(2500ms);

  const int kRuns = 3;
  auto c = svc.client();
  int fallback_or_timeout = 0;
  for (int i = 0; i < kRuns; ++i) {
    auto r = c.Post("/api/v1/schedule", test::canary_body(), "application/json");
    ASSERT_EQ(r->status, 200) << r->body.substr(0, 300);
    const std::string id = json::parse(r->body)["run_id"];
    const std::string sp = json::parse(c.Get(("/api/v1/runs/" + id + "/report").c_str())->body)["stats"]["set_partitioning_status"];
    fallback_or_timeout += sp == "fallback" || sp == "timeout";
  }
  EXPECT_EQ(c.Post("/api/v1/schedule", "{", "application/json")->status, 422);  // one API error
  ASSERT_TRUE(wait_value(prom, "solver_signature_runs_total", kRuns, 15s));
  std::this_thread::sleep_for(2500ms);  // samples after the runs, and a rule evaluation on them

  // Runs count N, overrun 0.
  EXPECT_TRUE(wait_value(prom, R"(solver_budget_overrun_total{phase="total"})", 0, 2s));
  EXPECT_TRUE(wait_value(prom, "solver_signature_unique_total", 1, 2s));

  // §1A WARN and §1B STOP: no overrun, nothing slow -> no series.
  EXPECT_EQ(prom.query(kWarnOverrun).size(), 0u);
  EXPECT_EQ(prom.query(kStopOverrunRate).size(), 0u);
  EXPECT_EQ(prom.query(kStopP95).size(), 0u);
  EXPECT_EQ(prom.query(kStopSafety).size(), 0u);

  // The STOP-rate ratio as written cannot match: its numerator carries phase="total", the
  // denominator has no labels. With ignoring(phase) (deploy/alerts.yml) it yields the rate 0.
  const std::string ratio_verbatim =
      R"(increase(solver_budget_overrun_total{phase="total"}[60m]) / clamp_min(increase(solver_signature_runs_total[60m]), 1))";
  EXPECT_EQ(prom.query(ratio_verbatim).size(), 0u) << "runbook defect reproduced";
  json fixed = prom.query(
      R"(increase(solver_budget_overrun_total{phase="total"}[60m]) / ignoring(phase) clamp_min(increase(solver_signature_runs_total[60m]), 1))");
  ASSERT_EQ(fixed.size(), 1u);
  EXPECT_EQ(value_of(fixed[0]), 0.0);
  // The P95 itself exists and is far below the budget (the canary is small).
  json p95 = prom.query(R"(histogram_quantile(0.95, sum by (le) (rate(solver_phase_duration_seconds_bucket{phase="total"}[10m]))))");
  ASSERT_EQ(p95.size(), 1u);
  EXPECT_LE(value_of(p95[0]), 30.0);

  // §1C guardrails.
  json infeasible = prom.query(kGuardInfeasible);
  ASSERT_EQ(infeasible.size(), 1u);
  EXPECT_EQ(value_of(infeasible[0]), 0.0);
  json uniqueness = prom.query(kGuardUniqueness);
  ASSERT_EQ(uniqueness.size(), 1u);
  EXPECT_NEAR(value_of(uniqueness[0]), 1.0 / kRuns, 1e-9) << "3 identical canary runs, one unique signature";
  json sp = prom.query(kGuardSetPartitioning);
  ASSERT_EQ(sp.size(), 2u);  // timeout and fallback, pre-exported
  double sp_sum = 0;
  for (const auto& s : sp) sp_sum += value_of(s);
  if (fallback_or_timeout == 0) {
    EXPECT_EQ(sp_sum, 0.0);
  } else {
    EXPECT_GE(sp_sum, fallback_or_timeout);
  }

  // §4 API errors: rate > 0 shows the one 422.
  json errors = prom.query("rate(solver_api_error_total[5m]) > 0");
  ASSERT_EQ(errors.size(), 1u) << errors.dump();
  EXPECT_EQ(errors[0]["metric"]["endpoint"], "/api/v1/schedule");
  EXPECT_EQ(errors[0]["metric"]["error_type"], "validation_error");

  // Every rule of deploy/alerts.yml was evaluated and is healthy; nothing fires.
  auto pc = prom.client();
  json rules;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  bool all_evaluated = false;
  while (!all_evaluated && std::chrono::steady_clock::now() < deadline) {
    rules = json::parse(pc.Get("/api/v1/rules")->body);
    all_evaluated = true;
    for (const auto& g : rules["data"]["groups"])
      for (const auto& r : g["rules"])
        if (r.value("lastEvaluation", "").rfind("0001-", 0) == 0) all_evaluated = false;
    if (!all_evaluated) std::this_thread::sleep_for(200ms);
  }
  int n = 0;
  for (const auto& g : rules["data"]["groups"])
    for (const auto& r : g["rules"]) {
      ++n;
      EXPECT_EQ(r["health"], "ok") << r.dump();
      EXPECT_EQ(r.value("lastError", ""), "") << r.dump();
      if (r["type"] != "alerting" || r["name"] == "SolverApiErrors") continue;  // API errors: pending (for: 10m)
      // The set-partitioning guardrail fires exactly when the solver reported fallback/timeout.
      const bool should_fire = r["name"] == "SolverSetPartitioningFallbackFrequent" && fallback_or_timeout > 0;
      EXPECT_EQ(r["state"], should_fire ? "firing" : "inactive") << r.dump();
    }
  EXPECT_EQ(n, 13);
}

TEST(RealPrometheus, PromtoolAcceptsTheLiveExposition) {
  if (!std::filesystem::exists(kPromtool)) GTEST_SKIP() << "promtool not installed";
  test::LiveService svc;
  auto c = svc.client();
  ASSERT_EQ(c.Post("/api/v1/schedule", test::canary_body(), "application/json")->status, 200);
  ASSERT_EQ(c.Get("/api/v1/runs/nope")->status, 404);
  test::TempDir dir;
  const std::string file = dir.str() + "/live.txt", out = dir.str() + "/out.txt";
  std::ofstream(file) << svc.metrics();
  const int rc = std::system((std::string(kPromtool) + " check metrics < " + file + " > " + out + " 2>&1").c_str());
  std::ifstream o(out);
  std::string msg((std::istreambuf_iterator<char>(o)), std::istreambuf_iterator<char>());
  EXPECT_EQ(rc, 0) << msg;
  EXPECT_EQ(msg, "");
}

TEST(DeployFiles, RulesConfigDockerfileAndDashboard) {
  const std::string root = SO_SOURCE_DIR;
  if (std::filesystem::exists(kPromtool)) {
    EXPECT_EQ(std::system((std::string(kPromtool) + " check rules " + root + "/deploy/alerts.yml > /dev/null").c_str()), 0);
    EXPECT_EQ(std::system((std::string(kPromtool) + " check config " + root + "/deploy/prometheus.yml > /dev/null").c_str()), 0);
  }
  auto read = [](const std::string& p) {
    std::ifstream f(p);
    return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  };
  const std::string prom = read(root + "/deploy/prometheus.yml");
  EXPECT_NE(prom.find("metrics_path: \"/api/v1/metrics\""), std::string::npos);
  // The runbook builds with `docker build -t shift-optimizer:<version> .` in the repository root:
  // one Dockerfile, there (deploy/image-smoke.sh builds and smoke-tests it for real).
  const std::string docker = read(root + "/Dockerfile");
  EXPECT_FALSE(std::filesystem::exists(root + "/deploy/Dockerfile")) << "one Dockerfile, at the root";
  for (const char* must : {"FROM debian:12 AS build", "USER app", "HEALTHCHECK", "/api/v1/healthz", "EXPOSE 8000",
                           "CMD [\"serve\"]", "libpqxx-dev", "libpqxx-6.4", "org.opencontainers.image.version"})
    EXPECT_NE(docker.find(must), std::string::npos) << must;
  // The image version is the project version.
  std::smatch m;
  const std::string cmake = read(root + "/CMakeLists.txt");
  ASSERT_TRUE(std::regex_search(cmake, m, std::regex(R"(project\(shift_optimizer VERSION ([0-9.]+))")));
  const std::string version = m[1];
  EXPECT_NE(docker.find("ARG SO_VERSION=" + version + "\n"), std::string::npos) << "Dockerfile ARG SO_VERSION != " << version;
  EXPECT_NE(docker.find("shift-optimizer:" + version + " ."), std::string::npos) << "the build example tags " << version;
  // Every ENV of the image is a variable serve reads.
  std::set<std::string> names;
  for (const EnvironmentVariable& v : recognised_environment()) names.insert(v.name);
  const size_t env_at = docker.find("\nENV HOST=");
  ASSERT_NE(env_at, std::string::npos);
  std::string env_block;  // the ENV instruction: its lines up to the first without a trailing backslash
  for (size_t at = env_at + 1; at < docker.size();) {
    const size_t eol = docker.find('\n', at);
    const std::string line = docker.substr(at, eol - at);
    env_block += line + "\n";
    if (line.empty() || line.back() != '\\' || eol == std::string::npos) break;
    at = eol + 1;
  }
  const std::regex assign(R"(([A-Z][A-Z0-9_]*)=)");
  int n = 0;
  for (auto it = std::sregex_iterator(env_block.begin(), env_block.end(), assign); it != std::sregex_iterator(); ++it, ++n)
    EXPECT_TRUE(names.count((*it)[1])) << (*it)[1] << " in the Dockerfile's ENV is not read by serve";
  EXPECT_GE(n, 5) << env_block;
  const json dash = json::parse(read(root + "/deploy/grafana-dashboard.json"));
  std::string exprs;
  for (const auto& p : dash["panels"])
    if (p.contains("targets"))
      for (const auto& t : p["targets"]) exprs += t["expr"].get<std::string>() + "\n";
  for (const char* e : {kGuardInfeasible, kGuardUniqueness, kGuardSetPartitioning})
    EXPECT_NE(exprs.find(e), std::string::npos) << e;
}

}  // namespace
}  // namespace so
