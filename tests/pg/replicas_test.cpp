// Two real replicas (`shift-optimizer serve` child processes) on one PostgreSQL database (issue 14):
// any replica serves any run, a replica killed mid-run is replaced by the other with the same
// signature as a direct solve, a cancel reaches the replica that runs the run, and the queue limit
// is the whole store's; and a replica that loses its database for a while says so and carries on.
#include <gtest/gtest.h>

#include <signal.h>

#include <future>
#include <set>
#include <sstream>

#include "pg/pg_test_util.hpp"
#include "service/request.hpp"
#include "service/service_test_util.hpp"
#include "solver/solve.hpp"

namespace so {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

// Seconds of column generation (360 tours of many types; see tests/service/http_api_test.cpp):
// with a 20 s limit the solve ends on its own after about 10 s on this machine.
std::string long_body(double limit) {
  return json{{"tours", test::synthetic_tours(60, 6, 5)}, {"seed", 5}, {"time_limit_seconds", limit}}.dump();
}

struct Replica {
  Replica(const std::string& name, const std::string& database_url,
          std::vector<std::pair<std::string, std::string>> extra = {}) {
    std::vector<std::pair<std::string, std::string>> env = {{"DATABASE_URL", database_url},
                                                            {"REPLICA_ID", name},
                                                            {"RUN_LEASE_SECONDS", "2"},
                                                            {"MAX_CONCURRENT_RUNS", "1"},
                                                            {"SHUTDOWN_GRACE_SECONDS", "1"}};
    for (auto& kv : extra) env.push_back(std::move(kv));
    process = std::make_unique<test::ServeProcess>(dir.str(), env);
  }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", process->port());
    c.set_read_timeout(60, 0);
    c.set_connection_timeout(2, 0);
    return c;
  }
  // Whether this replica's log shows it starting the run.
  bool ran(const std::string& id) const {
    std::istringstream lines(process->log());
    for (std::string l; std::getline(lines, l);)
      if (l.find(id) != std::string::npos && l.find("run started") != std::string::npos) return true;
    return false;
  }
  test::TempDir dir;
  std::unique_ptr<test::ServeProcess> process;
};

json get_json(httplib::Client& c, const std::string& path) {
  auto r = c.Get(path.c_str());
  if (!r || r->status != 200) return json();
  return json::parse(r->body, nullptr, false);
}

std::string post_run(httplib::Client& c, const std::string& body) {
  auto r = c.Post("/api/v1/runs", body, "application/json");
  if (!r || r->status != 201) return "";
  return json::parse(r->body)["run_id"];
}

// Posts a run and waits until a replica runs it; its id, or "" when it never got there.
std::string post_running(httplib::Client& c, const std::string& body) {
  const std::string id = post_run(c, body);
  return !id.empty() && test::wait_status(c, id, {"RUNNING"}, 10s) == "RUNNING" ? id : "";
}

// The signature of solving `body` directly in this process (started now, read with get()).
std::future<std::string> direct_signature(const std::string& body, const std::string& week) {
  return std::async(std::launch::async, [body, week] {
    SolveParseResult p = parse_solve_request("application/json", body, {}, SolverConfig{}, week);
    if (!p.solve) return std::string("parse error");
    return solve(p.solve->request, SolveControl{}).solution_signature;
  });
}

// The SSE frames of a (finished) run's stream: id and event of each.
std::vector<std::pair<long long, std::string>> sse_events(const std::string& text) {
  std::vector<std::pair<long long, std::string>> out;
  std::istringstream lines(text);
  long long id = -1;
  for (std::string l; std::getline(lines, l);) {
    if (l.rfind("id: ", 0) == 0) id = std::stoll(l.substr(4));
    if (l.rfind("event: ", 0) == 0) out.emplace_back(id, l.substr(7));
  }
  return out;
}

void expect_strictly_increasing_ids(const std::vector<std::pair<long long, std::string>>& events) {
  for (size_t i = 1; i < events.size(); ++i)
    EXPECT_GT(events[i].first, events[i - 1].first) << "event " << i << " (" << events[i].second << ")";
}

#define REQUIRE_BINARY() \
  if (!test::binary_available()) GTEST_SKIP() << "the CLI binary is not built: " << SO_BINARY_PATH

TEST(TwoReplicas, ARunPostedToAIsFollowedLiveAndServedByB) {
  REQUIRE_BINARY();
  REQUIRE_PG(cluster);
  test::TestDatabase db(*cluster);
  Replica a("A", db.url()), b("B", db.url());
  ASSERT_TRUE(a.process->wait_ready(30s)) << a.process->log();
  ASSERT_TRUE(b.process->wait_ready(30s)) << b.process->log();
  auto ca = a.client(), cb = b.client();
  const std::string id = post_run(ca, long_body(3));
  ASSERT_FALSE(id.empty());
  // B streams the run's events live (from the store, woken by NOTIFY) until its end.
  std::string stream;
  auto res = cb.Get(("/api/v1/runs/" + id + "/events").c_str(), [&](const char* data, size_t n) {
    stream.append(data, n);
    return true;
  });
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  const auto events = sse_events(stream);
  ASSERT_GE(events.size(), 3u) << stream;
  EXPECT_EQ(events.front().second, "run_started");
  EXPECT_EQ(events.back().second, "run_completed") << stream;
  expect_strictly_increasing_ids(events);
  // Status, plan, report and exports from either replica are the same stored documents.
  EXPECT_EQ(test::wait_status(cb, id, {"COMPLETED"}, 5s), "COMPLETED");
  for (const std::string doc : {"/plan", "/report", "/export/roster.csv", "/export/tours.csv"}) {
    auto ra = ca.Get(("/api/v1/runs/" + id + doc).c_str());
    auto rb = cb.Get(("/api/v1/runs/" + id + doc).c_str());
    ASSERT_TRUE(ra && rb) << doc;
    EXPECT_EQ(rb->status, 200) << doc << ": " << rb->body.substr(0, 300);
    EXPECT_EQ(ra->body, rb->body) << doc;
  }
  const json listed = get_json(cb, "/api/v1/runs?limit=5");
  ASSERT_TRUE(listed.is_object());
  EXPECT_EQ(listed["runs"][0]["run_id"], id);
  // The synchronous canary works through the shared queue too, on either replica, same signature.
  auto s1 = ca.Post("/api/v1/schedule", test::canary_body(), "application/json");
  auto s2 = cb.Post("/api/v1/schedule", test::canary_body(), "application/json");
  ASSERT_TRUE(s1 && s2);
  ASSERT_EQ(s1->status, 200) << s1->body.substr(0, 300);
  ASSERT_EQ(s2->status, 200) << s2->body.substr(0, 300);
  EXPECT_EQ(json::parse(s1->body)["solution_signature"], json::parse(s2->body)["solution_signature"]);
}

TEST(TwoReplicas, WhenTheReplicaRunningARunIsKilledTheOtherFinishesItWithTheDirectSolvesSignature) {
  REQUIRE_BINARY();
  REQUIRE_PG(cluster);
  test::TestDatabase db(*cluster);
  auto a = std::make_unique<Replica>("A", db.url());
  ASSERT_TRUE(a->process->wait_ready(30s)) << a->process->log();
  auto ca = a->client();
  const std::string body = long_body(20);
  const std::string id = post_running(ca, body);
  ASSERT_FALSE(id.empty());
  const std::string week = get_json(ca, "/api/v1/runs/" + id)["week_start"];
  // The direct solve of the same input, meanwhile, in this process.
  auto direct = direct_signature(body, week);
  Replica b("B", db.url());
  ASSERT_TRUE(b.process->wait_ready(30s)) << b.process->log();
  auto cb = b.client();
  EXPECT_EQ(test::wait_status(cb, id, {"RUNNING"}, 5s), "RUNNING") << "B sees A's run";
  std::this_thread::sleep_for(1s);
  ASSERT_TRUE(a->ran(id)) << a->process->log();
  a->process->signal(SIGKILL);
  ASSERT_TRUE(a->process->wait_exit(10s));
  // B re-claims the run when A's lease (2 s) expires and solves it from scratch.
  ASSERT_EQ(test::wait_status(cb, id, {"COMPLETED", "FAILED", "CANCELLED"}, 90s), "COMPLETED") << b.process->log();
  EXPECT_TRUE(b.ran(id)) << b.process->log();
  EXPECT_NE(b.process->log().find("re-claimed by B (attempt 2 of 3)"), std::string::npos) << b.process->log();
  const json view = get_json(cb, "/api/v1/runs/" + id);
  EXPECT_EQ(view["result"]["solution_signature"], direct.get()) << "determinism makes the re-run safe";
  EXPECT_TRUE(view["result"]["audit_ok"].get<bool>());
  // One event stream across both attempts: ids never repeat, two starts, one end.
  auto res = cb.Get(("/api/v1/runs/" + id + "/events").c_str());
  ASSERT_TRUE(res);
  const auto events = sse_events(res->body);
  expect_strictly_increasing_ids(events);
  EXPECT_EQ(std::count_if(events.begin(), events.end(), [](auto& e) { return e.second == "run_started"; }), 2);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().second, "run_completed");
}

TEST(TwoReplicas, AReplicaStoppedWithSigtermGivesItsRunningRunBackToTheQueue) {
  REQUIRE_BINARY();
  REQUIRE_PG(cluster);
  test::TestDatabase db(*cluster);
  Replica a("A", db.url());
  ASSERT_TRUE(a.process->wait_ready(30s)) << a.process->log();
  auto ca = a.client();
  const std::string id = post_running(ca, long_body(20));
  ASSERT_FALSE(id.empty());
  Replica b("B", db.url());
  ASSERT_TRUE(b.process->wait_ready(30s)) << b.process->log();
  auto cb = b.client();
  a.process->signal(SIGTERM);  // a rolling deploy: grace 1 s, then the run goes back to the queue
  const auto rc = a.process->wait_exit(30s);
  ASSERT_TRUE(rc) << a.process->log();
  EXPECT_EQ(*rc, 0) << a.process->log();
  EXPECT_NE(a.process->log().find("given back to the queue"), std::string::npos) << a.process->log();
  // B takes it at once (no lease to wait for) and finishes it; it was not cancelled.
  EXPECT_EQ(test::wait_status(cb, id, {"COMPLETED", "CANCELLED", "FAILED"}, 90s), "COMPLETED") << b.process->log();
  EXPECT_TRUE(b.ran(id)) << b.process->log();
  EXPECT_EQ(b.process->log().find("re-claimed"), std::string::npos) << "a released run is not a failed attempt";
}

TEST(TwoReplicas, ACanaryReplicaSolvesWhatWasPostedToItAndServesEverything) {
  REQUIRE_BINARY();
  REQUIRE_PG(cluster);
  test::TestDatabase db(*cluster);
  Replica a("A", db.url()), c("C", db.url(), {{"RUN_QUEUE", "canary"}});
  ASSERT_TRUE(a.process->wait_ready(30s)) << a.process->log();
  ASSERT_TRUE(c.process->wait_ready(30s)) << c.process->log();
  auto ca = a.client(), cc = c.client();
  for (int i = 0; i < 3; ++i) {  // either replica is idle each time: only the queue decides
    const std::string to_canary = post_run(cc, test::canary_body());
    const std::string to_main = post_run(ca, test::canary_body());
    ASSERT_EQ(test::wait_status(ca, to_canary, {"COMPLETED"}, 30s), "COMPLETED");
    ASSERT_EQ(test::wait_status(cc, to_main, {"COMPLETED"}, 30s), "COMPLETED");
    EXPECT_TRUE(c.ran(to_canary));
    EXPECT_FALSE(a.ran(to_canary));
    EXPECT_TRUE(a.ran(to_main));
    EXPECT_FALSE(c.ran(to_main));
  }
}

TEST(TwoReplicas, ACancelThroughBStopsTheRunRunningOnA) {
  REQUIRE_BINARY();
  REQUIRE_PG(cluster);
  test::TestDatabase db(*cluster);
  Replica a("A", db.url());
  ASSERT_TRUE(a.process->wait_ready(30s)) << a.process->log();
  auto ca = a.client();
  const std::string id = post_running(ca, long_body(120));
  ASSERT_FALSE(id.empty());
  Replica b("B", db.url());
  ASSERT_TRUE(b.process->wait_ready(30s)) << b.process->log();
  auto cb = b.client();
  const auto t0 = std::chrono::steady_clock::now();
  auto r = cb.Post(("/api/v1/runs/" + id + "/cancel").c_str(), "", "application/json");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->status == 200 || r->status == 202) << r->status << " " << r->body;
  EXPECT_EQ(test::wait_status(cb, id, {"CANCELLED", "COMPLETED", "FAILED"}, 10s), "CANCELLED") << a.process->log();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s) << "NOTIFY wakes the owner; no lease period to wait";
  EXPECT_TRUE(a.ran(id));
  EXPECT_FALSE(b.ran(id));
  const json view = get_json(ca, "/api/v1/runs/" + id);
  EXPECT_EQ(view["reason"], "CANCELLED_BY_CLIENT");
  auto res = cb.Get(("/api/v1/runs/" + id + "/events").c_str());
  ASSERT_TRUE(res);
  const auto events = sse_events(res->body);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().second, "run_cancelled");
}

TEST(TwoReplicas, TheQueueLimitIsTheWholeStoresAndAQueuedRunIsCancelledFromAnyReplica) {
  REQUIRE_BINARY();
  REQUIRE_PG(cluster);
  test::TestDatabase db(*cluster);
  Replica a("A", db.url(), {{"MAX_QUEUED_RUNS", "1"}}), b("B", db.url(), {{"MAX_QUEUED_RUNS", "1"}});
  ASSERT_TRUE(a.process->wait_ready(30s)) << a.process->log();
  ASSERT_TRUE(b.process->wait_ready(30s)) << b.process->log();
  auto ca = a.client(), cb = b.client();
  const std::string r1 = post_running(ca, long_body(120));
  ASSERT_FALSE(r1.empty());
  const std::string r2 = post_running(cb, long_body(120));
  ASSERT_FALSE(r2.empty()) << "the idle replica claims it";
  EXPECT_TRUE(a.ran(r1) != a.ran(r2)) << "one run per replica (MAX_CONCURRENT_RUNS=1)";
  // Both replicas busy: one run may wait in the store; the next is refused by either replica.
  const std::string r3 = post_run(ca, test::canary_body());
  ASSERT_FALSE(r3.empty());
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(get_json(cb, "/api/v1/runs/" + r3)["status"], "QUEUED");
  auto full = cb.Post("/api/v1/runs", test::canary_body(), "application/json");
  ASSERT_TRUE(full);
  EXPECT_EQ(full->status, 429) << full->body;
  EXPECT_GE(std::stoi(full->get_header_value("Retry-After", 0)), 1);
  EXPECT_EQ(ca.Post("/api/v1/runs", test::canary_body(), "application/json")->status, 429);
  // Each replica's queued gauge is the store's (the HPA's metric), its running gauge its own.
  std::this_thread::sleep_for(1500ms);
  for (Replica* r : {&a, &b}) {
    auto c = r->client();
    const std::string metrics = c.Get("/api/v1/metrics")->body;
    EXPECT_EQ(test::metric_value(metrics, "solver_runs_queued"), 1.0) << metrics.substr(0, 2000);
    EXPECT_EQ(test::metric_value(metrics, "solver_runs_in_flight"), 1.0);
  }
  // A queued run is cancelled through a replica that does not run it, at once.
  auto cancelled = cb.Post(("/api/v1/runs/" + r3 + "/cancel").c_str(), "", "application/json");
  ASSERT_TRUE(cancelled);
  EXPECT_EQ(cancelled->status, 200) << cancelled->body;
  EXPECT_EQ(json::parse(cancelled->body)["status"], "CANCELLED");
  EXPECT_EQ(test::wait_status(ca, r3, {"CANCELLED"}, 5s), "CANCELLED");
  EXPECT_EQ(post_run(cb, test::canary_body()).empty(), false) << "its place in the queue is free again";
}

// The database goes away for a few seconds under a replica that runs a run (a failover, a network
// cut): the replica says it is not ready and refuses new runs with 503 while it is alive and keeps
// solving; when the database is back it takes writes again without a restart and the run ends
// stored, with the same signature as a direct solve.
TEST(StoreOutage, AReplicaIsNotReadyWhileItsDatabaseIsGoneAndFinishesItsRunWhenItIsBack) {
  REQUIRE_BINARY();
  REQUIRE_PG(cluster);
  test::TestDatabase db(*cluster);
  Replica a("A", db.url());
  ASSERT_TRUE(a.process->wait_ready(30s)) << a.process->log();
  auto ca = a.client();
  ca.set_read_timeout(10, 0);
  const std::string body = long_body(12);
  const std::string id = post_running(ca, body);
  ASSERT_FALSE(id.empty());
  const std::string week = get_json(ca, "/api/v1/runs/" + id)["week_start"];
  auto direct = direct_signature(body, week);
  db.refuse_connections();  // the outage
  const auto readyz_status = [&] {
    auto r = ca.Get("/api/v1/readyz");
    return r ? r->status : -1;
  };
  const auto wait_readyz = [&](int want, std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline && readyz_status() != want) std::this_thread::sleep_for(100ms);
    return readyz_status();
  };
  EXPECT_EQ(wait_readyz(503, 10s), 503) << a.process->log();
  auto not_ready = ca.Get("/api/v1/readyz");
  ASSERT_TRUE(not_ready);
  EXPECT_NE(json::parse(not_ready->body).value("reason", "").find("run store"), std::string::npos) << not_ready->body;
  auto alive = ca.Get("/api/v1/healthz");
  ASSERT_TRUE(alive);
  EXPECT_EQ(alive->status, 200) << "liveness does not depend on the database: a restart would not bring it back";
  auto refused = ca.Post("/api/v1/runs", test::canary_body(), "application/json");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503) << refused->body;
  const json live = get_json(ca, "/api/v1/runs/" + id);
  ASSERT_TRUE(live.is_object()) << "the run in flight is still answered from memory";
  EXPECT_EQ(live["status"], "RUNNING");
  std::this_thread::sleep_for(3s);  // longer than the lease (2 s)
  db.allow_connections();
  EXPECT_EQ(wait_readyz(200, 15s), 200) << a.process->log();
  EXPECT_NE(a.process->log().find("takes writes again"), std::string::npos) << a.process->log();
  ASSERT_EQ(test::wait_status(ca, id, {"COMPLETED", "FAILED", "CANCELLED"}, 90s), "COMPLETED") << a.process->log();
  const json view = get_json(ca, "/api/v1/runs/" + id);
  EXPECT_EQ(view["result"]["solution_signature"], direct.get());
  EXPECT_TRUE(view["result"]["audit_ok"].get<bool>());
  // Stored: a fresh look in the database, not the replica's memory.
  EXPECT_EQ(db.query("SELECT status FROM runs WHERE id = '" + id + "'"), "COMPLETED");
  auto plan = ca.Get(("/api/v1/runs/" + id + "/plan").c_str());
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->status, 200);
  EXPECT_EQ(post_run(ca, test::canary_body()).empty(), false) << "new runs are taken again";
}

// The run ends while the database is gone: its end waits in memory and is stored when the
// database is back (no FAILED end, no second solve — though its lease lapsed, and the replica has
// a free worker that could claim it).
TEST(StoreOutage, ARunThatEndsDuringTheOutageIsStoredWhenTheDatabaseIsBack) {
  REQUIRE_BINARY();
  REQUIRE_PG(cluster);
  test::TestDatabase db(*cluster);
  Replica a("A", db.url(), {{"MAX_CONCURRENT_RUNS", "2"}});
  ASSERT_TRUE(a.process->wait_ready(30s)) << a.process->log();
  auto ca = a.client();
  ca.set_read_timeout(10, 0);
  const std::string id = post_running(ca, long_body(2));
  ASSERT_FALSE(id.empty());
  db.refuse_connections();
  std::this_thread::sleep_for(6s);  // the run's 2 s end falls into the outage
  const json during = get_json(ca, "/api/v1/runs/" + id);
  ASSERT_TRUE(during.is_object());
  EXPECT_EQ(during["status"], "RUNNING") << "an end that is not stored is not told";
  EXPECT_EQ(during["phase"], "storing_result") << during.dump().substr(0, 400);
  db.allow_connections();
  EXPECT_EQ(test::wait_status(ca, id, {"COMPLETED", "FAILED", "CANCELLED"}, 60s), "COMPLETED") << a.process->log();
  EXPECT_NE(a.process->log().find("its end is stored now that the run store is back"), std::string::npos) << a.process->log();
  EXPECT_EQ(db.query("SELECT status FROM runs WHERE id = '" + id + "'"), "COMPLETED");
  EXPECT_EQ(a.process->log().find("re-claimed"), std::string::npos) << "solved once: " << a.process->log();
  auto plan = ca.Get(("/api/v1/runs/" + id + "/plan").c_str());
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->status, 200) << plan->body.substr(0, 300);
}

}  // namespace
}  // namespace so
