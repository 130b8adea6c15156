// The real binary (`shift-optimizer serve`, SO_BINARY_PATH) as a child process: SIGTERM drains
// and exits 0; kill -9 mid-run then a restart on the same DATA_DIR keeps the finished runs and
// reports the interrupted one FAILED / INTERRUPTED; environment configuration.
#include <gtest/gtest.h>

#include <signal.h>

#include "service_test_util.hpp"

namespace so {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

// Seconds of column generation for the solver (see http_api_test.cpp long_run_body).
std::string long_body(double limit) {
  return json{{"tours", test::synthetic_tours(60, 6, 5)}, {"seed", 5}, {"time_limit_seconds", limit}}.dump();
}

httplib::Client client_for(int port) {
  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(120, 0);
  c.set_connection_timeout(2, 0);
  return c;
}

#define REQUIRE_BINARY() \
  if (!test::binary_available()) GTEST_SKIP() << "the CLI binary is not built: " << SO_BINARY_PATH

TEST(ServeProcess, SigtermDuringARunDrainsAndExitsZero) {
  REQUIRE_BINARY();
  test::TempDir dir;
  std::string id;
  {
    test::ServeProcess p(dir.str(), {{"SHUTDOWN_GRACE_SECONDS", "2"}, {"MAX_CONCURRENT_RUNS", "1"}, {"LOG_FORMAT", "json"}});
    ASSERT_TRUE(p.wait_ready(20s)) << p.log();
    auto c = client_for(p.port());
    auto created = c.Post("/api/v1/runs", long_body(120), "application/json");
    ASSERT_EQ(created->status, 201);
    id = json::parse(created->body)["run_id"];
    ASSERT_EQ(test::wait_status(c, id, {"RUNNING"}, 10s), "RUNNING");
    std::this_thread::sleep_for(500ms);
    const auto t0 = std::chrono::steady_clock::now();
    p.signal(SIGTERM);
    std::this_thread::sleep_for(200ms);
    auto ready = c.Get("/api/v1/readyz");
    ASSERT_TRUE(ready);
    EXPECT_EQ(ready->status, 503);
    EXPECT_EQ(c.Post("/api/v1/runs", test::canary_body(), "application/json")->status, 503);
    EXPECT_EQ(c.Get("/api/v1/healthz")->status, 200);
    auto rc = p.wait_exit(20s);
    ASSERT_TRUE(rc) << "did not exit\n" << p.log();
    EXPECT_EQ(*rc, 0) << p.log();
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_LT(took, 2 + 1 + 6) << "grace 2 s + cancel within 1 s + keep-alive close";
    // JSON log lines, one object each, with the run id on the run's lines.
    const std::string log = p.log();
    EXPECT_NE(log.find("\"run_id\":\"" + id + "\""), std::string::npos) << log;
    EXPECT_NE(log.find("shutdown complete"), std::string::npos) << log;
  }
  // Restart on the same store: the run was cancelled by the drain (grace 2 s < its 120 s budget).
  test::ServeProcess again(dir.str());
  ASSERT_TRUE(again.wait_ready(20s)) << again.log();
  auto c = client_for(again.port());
  json view = json::parse(c.Get(("/api/v1/runs/" + id).c_str())->body);
  EXPECT_EQ(view["status"], "CANCELLED") << view.dump();
  EXPECT_EQ(view["reason"], "SHUTDOWN");
  EXPECT_EQ(c.Get(("/api/v1/runs/" + id + "/plan").c_str())->status, 200) << "best plan so far is kept";
  again.signal(SIGTERM);
  EXPECT_EQ(again.wait_exit(20s), 0);
}

TEST(ServeProcess, KillNineMidRunThenRestartKeepsFinishedRunsAndFailsTheInterruptedOne) {
  REQUIRE_BINARY();
  test::TempDir dir;
  std::string done_id, killed_id, done_plan;
  {
    test::ServeProcess p(dir.str());
    ASSERT_TRUE(p.wait_ready(20s)) << p.log();
    auto c = client_for(p.port());
    auto r = c.Post("/api/v1/schedule", test::canary_body(), "application/json");
    ASSERT_EQ(r->status, 200);
    done_id = json::parse(r->body)["run_id"];
    done_plan = r->body;
    auto created = c.Post("/api/v1/runs", long_body(120), "application/json");
    ASSERT_EQ(created->status, 201);
    killed_id = json::parse(created->body)["run_id"];
    ASSERT_EQ(test::wait_status(c, killed_id, {"RUNNING"}, 10s), "RUNNING");
    p.signal(SIGKILL);
    EXPECT_EQ(p.wait_exit(10s), 128 + SIGKILL);
  }
  test::ServeProcess p(dir.str());
  ASSERT_TRUE(p.wait_ready(20s)) << p.log();
  auto c = client_for(p.port());
  json done = json::parse(c.Get(("/api/v1/runs/" + done_id).c_str())->body);
  EXPECT_EQ(done["status"], "COMPLETED");
  EXPECT_EQ(c.Get(("/api/v1/runs/" + done_id + "/plan").c_str())->body, done_plan);
  json killed = json::parse(c.Get(("/api/v1/runs/" + killed_id).c_str())->body);
  EXPECT_EQ(killed["status"], "FAILED");
  EXPECT_EQ(killed["reason"], "INTERRUPTED");
  EXPECT_EQ(c.Get(("/api/v1/runs/" + killed_id + "/plan").c_str())->status, 409);
  json failed = json::parse(c.Get("/api/v1/runs?status=FAILED")->body);
  ASSERT_EQ(failed["runs"].size(), 1u);
  EXPECT_EQ(failed["runs"][0]["run_id"], killed_id);
  EXPECT_NE(p.log().find(killed_id), std::string::npos) << "the restart logs the interrupted run";
  p.signal(SIGTERM);
  EXPECT_EQ(p.wait_exit(20s), 0);
}

TEST(ServeProcess, EnvironmentConfiguresAuthLimitsAndFlags) {
  REQUIRE_BINARY();
  test::TempDir dir;
  test::ServeProcess p(dir.str(), {{"API_TOKEN", "tok"},
                                   {"MAX_BODY_BYTES", "2048"},
                                   {"MAX_CONCURRENT_RUNS", "3"},
                                   {"MAX_QUEUED_RUNS", "5"},
                                   {"CORS_ORIGINS", "https://a.example, https://b.example"},
                                   {"ENABLE_FILL_TO_TARGET", "true"}});
  ASSERT_TRUE(p.wait_ready(20s)) << p.log();
  auto c = client_for(p.port());
  json ready = json::parse(c.Get("/api/v1/readyz")->body);
  EXPECT_EQ(ready["runs"]["capacity"], 3);
  EXPECT_EQ(ready["runs"]["queue_capacity"], 5);
  EXPECT_EQ(ready["flags"]["enable_fill_to_target_greedy"], true);
  EXPECT_EQ(c.Get("/api/v1/runs")->status, 401);
  const httplib::Headers auth = {{"Authorization", "Bearer tok"}};
  EXPECT_EQ(c.Get("/api/v1/runs", auth)->status, 200);
  EXPECT_EQ(c.Post("/api/v1/schedule", auth, std::string(4096, ' '), "application/json")->status, 413);
  auto cors = c.Get("/api/v1/healthz", {{"Origin", "https://b.example"}});
  EXPECT_EQ(cors->get_header_value("Access-Control-Allow-Origin"), "https://b.example");
  p.signal(SIGINT);
  EXPECT_EQ(p.wait_exit(20s), 0);
}

TEST(ServeProcess, MalformedEnvironmentFailsFast) {
  REQUIRE_BINARY();
  test::TempDir dir;
  test::ServeProcess p(dir.str(), {{"MAX_CONCURRENT_RUNS", "lots"}});
  auto rc = p.wait_exit(20s);
  ASSERT_TRUE(rc);
  EXPECT_NE(*rc, 0);
  EXPECT_NE(p.log().find("MAX_CONCURRENT_RUNS"), std::string::npos) << p.log();
}

}  // namespace
}  // namespace so
