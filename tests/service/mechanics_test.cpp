// Service mechanics that need exact control over a run's timing: the queue limit (429), SSE
// heartbeats and progress, a failing solve (500 with a correlation id), and JSON logs. The
// injected solve functions here are test doubles of the *solver*; the real-solver versions of
// these behaviours are in http_api_test.cpp (50 clients / 429, cancel, events) and process_test.cpp.
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include <spdlog/sinks/ostream_sink.h>

#include "service/log.hpp"
#include "service_test_util.hpp"

namespace so {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;
using test::LiveService;
using test::metric_value;

// A solve that reports progress and then holds until it is cancelled or `release` is set.
struct HeldSolve {
  std::shared_ptr<std::atomic<bool>> release = std::make_shared<std::atomic<bool>>(false);
  SolveFunction fn() const {
    auto rel = release;
    return [rel](const SolveRequest& req, const SolveControl& ctl) {
      if (ctl.on_progress) {
        ctl.on_progress({"phase_started", "profiling", -1, 0, 0.0});
        ctl.on_progress({"progress", "profiling", 12, 9, 0.01});
      }
      while (!rel->load() && !(ctl.cancel && ctl.cancel->load())) std::this_thread::sleep_for(5ms);
      PlanReport r;
      r.run_id = req.run_id;
      r.week_start = req.week_start;
      r.status = (ctl.cancel && ctl.cancel->load()) ? "CANCELLED" : "OK";
      r.time_limit_seconds = req.time_limit_seconds;
      r.config = req.config_report;
      return r;
    };
  }
};

json body_json(const httplib::Result& r) { return json::parse(r->body); }

TEST(ServiceMechanics, QueueLimitGives429WithRetryAfterAndCancelWorksOnQueuedRuns) {
  HeldSolve held;
  LiveService svc(
      [](ServerOptions& o) {
        o.max_concurrent_runs = 1;
        o.max_queued_runs = 1;
      },
      held.fn());
  auto c = svc.client();
  const std::string body = R"({"tours":[],"time_limit_seconds":20})";
  auto a = c.Post("/api/v1/runs", body, "application/json");
  auto b = c.Post("/api/v1/runs", body, "application/json");
  ASSERT_EQ(a->status, 201);
  ASSERT_EQ(b->status, 201);
  const std::string ida = body_json(a)["run_id"], idb = body_json(b)["run_id"];
  for (int i = 0; i < 200 && body_json(c.Get(("/api/v1/runs/" + ida).c_str()))["status"] != "RUNNING"; ++i)
    std::this_thread::sleep_for(10ms);
  auto full = c.Post("/api/v1/runs", body, "application/json");
  ASSERT_EQ(full->status, 429);
  const int retry = std::stoi(full->get_header_value("Retry-After"));
  EXPECT_GE(retry, 1);
  EXPECT_LE(retry, 20);
  EXPECT_NE(body_json(full)["detail"].get<std::string>().find("queue full"), std::string::npos);
  EXPECT_EQ(c.Post("/api/v1/schedule", body, "application/json")->status, 429);

  json ready = body_json(c.Get("/api/v1/readyz"));
  EXPECT_EQ(ready["runs"]["running"], 1);
  EXPECT_EQ(ready["runs"]["queued"], 1);
  std::string text = svc.metrics();
  EXPECT_EQ(metric_value(text, "solver_runs_in_flight"), 1);
  EXPECT_EQ(metric_value(text, "solver_runs_queued"), 1);
  EXPECT_EQ(metric_value(text, "solver_api_error_total{endpoint=\"/api/v1/runs\",error_type=\"queue_full\"}"), 1);
  EXPECT_EQ(metric_value(text, "solver_api_error_total{endpoint=\"/api/v1/schedule\",error_type=\"queue_full\"}"), 1);

  // A queued run is cancelled at once, without ever starting.
  auto cb = c.Post(("/api/v1/runs/" + idb + "/cancel").c_str(), "", "application/json");
  ASSERT_EQ(cb->status, 200);
  EXPECT_EQ(body_json(cb)["status"], "CANCELLED");
  EXPECT_TRUE(body_json(cb)["started_at"].is_null());
  auto ca = c.Post(("/api/v1/runs/" + ida + "/cancel").c_str(), "", "application/json");
  ASSERT_EQ(ca->status, 200);
  EXPECT_EQ(body_json(ca)["status"], "CANCELLED");
  text = svc.metrics();
  EXPECT_EQ(metric_value(text, "solver_runs_in_flight"), 0);
  EXPECT_EQ(metric_value(text, "solver_runs_queued"), 0);
  EXPECT_EQ(c.Post("/api/v1/runs", body, "application/json")->status, 201) << "slots free again";
  held.release->store(true);
}

TEST(ServiceMechanics, EventStreamHeartbeatsProgressAndClosesAfterTheTerminalEvent) {
  HeldSolve held;
  LiveService svc([](ServerOptions& o) { o.sse_heartbeat_seconds = 0.2; }, held.fn());
  auto c = svc.client();
  auto a = c.Post("/api/v1/runs", R"({"tours":[]})", "application/json");
  const std::string id = body_json(a)["run_id"];
  std::thread releaser([&] {
    std::this_thread::sleep_for(900ms);
    held.release->store(true);
  });
  std::string stream;
  auto r = c.Get(("/api/v1/runs/" + id + "/events").c_str(), httplib::Headers{}, [&](const char* d, size_t n) {
    stream.append(d, n);
    return true;
  });
  releaser.join();
  ASSERT_TRUE(r);
  EXPECT_NE(stream.find("event: heartbeat\n"), std::string::npos) << stream;
  std::regex progress("event: progress\ndata: (\\{[^\n]*\\})");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(stream, m, progress)) << stream;
  json p = json::parse(m[1].str());
  EXPECT_EQ(p["incumbent_drivers"], 12);
  EXPECT_EQ(p["lower_bound"], 9);
  EXPECT_EQ(stream.substr(stream.rfind("event: ")).rfind("event: run_completed", 0), 0u) << "terminal event last";
  // ids 1..n without gaps (heartbeats carry none).
  std::regex idre("id: (\\d+)\n");
  long expect = 1;
  for (auto it = std::sregex_iterator(stream.begin(), stream.end(), idre); it != std::sregex_iterator(); ++it)
    EXPECT_EQ(std::stol((*it)[1]), expect++);
  EXPECT_GE(expect, 4);  // run_started, phase_started, progress, run_completed
}

// Restores the quiet test logger when a test that captures logs ends.
struct CapturedLogs {
  std::ostringstream out;
  CapturedLogs() { configure_logging_to(std::make_shared<spdlog::sinks::ostream_sink_mt>(out), "info", "json"); }
  ~CapturedLogs() { configure_logging("warn", "text"); }
  std::vector<json> lines() const {
    std::vector<json> v;
    std::istringstream is(out.str());
    std::string line;
    while (std::getline(is, line)) v.push_back(json::parse(line));  // throws if a line is not one JSON object
    return v;
  }
};

TEST(ServiceMechanics, FailingSolveAnswers500WithACorrelationIdThatIsLogged) {
  CapturedLogs logs;
  LiveService svc({}, [](const SolveRequest&, const SolveControl&) -> PlanReport {
    throw std::runtime_error("solver exploded");
  });
  auto c = svc.client();
  auto r = c.Post("/api/v1/schedule", {{"X-Request-ID", "req-500-check"}}, R"({"tours":[]})", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  json b = body_json(r);
  EXPECT_EQ(b["correlation_id"], "req-500-check");
  EXPECT_NE(b["detail"].get<std::string>().find("req-500-check"), std::string::npos);
  EXPECT_EQ(r->get_header_value("X-Request-ID"), "req-500-check");
  EXPECT_EQ(c.Get("/api/v1/healthz")->status, 200);
  bool logged_error = false, logged_solver = false;
  for (const json& l : logs.lines()) {
    if (l.value("correlation_id", "") != "req-500-check") continue;
    if (l["level"] == "error" && l["msg"].get<std::string>().find("internal error") != std::string::npos) logged_error = true;
    if (l.contains("run_id") && l["msg"].get<std::string>().find("solver exploded") != std::string::npos) logged_solver = true;
  }
  EXPECT_TRUE(logged_error) << logs.out.str();
  EXPECT_TRUE(logged_solver) << logs.out.str();
  // The run itself is stored as FAILED with the reason.
  json list = body_json(c.Get("/api/v1/runs"));
  ASSERT_EQ(list["runs"].size(), 1u);
  EXPECT_EQ(list["runs"][0]["status"], "FAILED");
  EXPECT_NE(list["runs"][0]["reason"].get<std::string>().find("solver exploded"), std::string::npos);
  EXPECT_EQ(metric_value(svc.metrics(), "solver_api_error_total{endpoint=\"/api/v1/schedule\",error_type=\"internal_error\"}"), 1);
  EXPECT_EQ(metric_value(svc.metrics(), "solver_signature_runs_total"), 0);
}

TEST(ServiceMechanics, JsonLogLinesCarryRunIdAndCorrelationId) {
  CapturedLogs logs;
  std::string run_id;
  {
    LiveService svc;  // the real solver
    auto c = svc.client();
    auto r = c.Post("/api/v1/schedule", {{"X-Request-ID", "canary-1"}}, test::canary_body(), "application/json");
    ASSERT_EQ(r->status, 200);
    run_id = body_json(r)["run_id"];
    auto g = c.Get("/api/v1/runs");  // no X-Request-ID: one is generated and echoed
    EXPECT_EQ(g->get_header_value("X-Request-ID").size(), 16u);
  }
  bool run_line = false, access_line = false;
  for (const json& l : logs.lines()) {
    EXPECT_TRUE(l.contains("ts") && l.contains("level") && l.contains("msg")) << l.dump();
    if (l.value("run_id", "") == run_id && l.value("correlation_id", "") == "canary-1") run_line = true;
    if (l.value("correlation_id", "") == "canary-1" && l["msg"].get<std::string>().find("POST /api/v1/schedule -> 200") != std::string::npos)
      access_line = true;
  }
  EXPECT_TRUE(run_line) << logs.out.str();
  EXPECT_TRUE(access_line) << logs.out.str();
}

}  // namespace
}  // namespace so
