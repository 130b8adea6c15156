// Personal data (issue 17): deleting a run (store, DELETE /runs/{id}, `runs delete`), age
// retention, and the store file keeping no bytes of what was deleted.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include <spdlog/sinks/ostream_sink.h>

#include "service/log.hpp"
#include "service/metrics.hpp"
#include "service/web_routes.hpp"
#include "service/personal_data.hpp"
#include "service/run_store.hpp"
#include "service/service_metrics.hpp"
#include "service_test_util.hpp"

namespace so {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

StoredRun queued(const std::string& id, const std::string& marker = "") {
  StoredRun r;
  r.id = id;
  r.status = "QUEUED";
  r.created_at = "2030-01-01T00:00:00.000Z";
  r.request_content_type = "application/json";
  r.request_body = json{{"drivers", {{{"id", "D1"}, {"name", marker.empty() ? "Anna Adler" : marker}}}}}.dump();
  r.summary_json = json{{"run_id", id}, {"status", "QUEUED"}}.dump();
  return r;
}

RunStore::Finish finished(const std::string& id, const std::string& finished_at, const std::string& marker = "") {
  RunStore::Finish f;
  f.id = id;
  f.status = "COMPLETED";
  f.finished_at = finished_at;
  f.summary_json = json{{"run_id", id}, {"status", "COMPLETED"}}.dump();
  f.events_json = json::array({{{"id", 1}, {"event", "run_completed"}, {"data", {{"run_id", id}}}}}).dump();
  f.plan = json{{"drivers", {{{"driver_id", "D1"}, {"name", marker}}}}}.dump();
  f.report = "{}";
  f.canonical_report = "{}";
  f.roster_csv = "Fahrer;Name\nD1;" + marker + "\n";
  f.tours_csv = "tour;driver\nT1;" + marker + "\n";
  return f;
}

void add_finished(RunStore& s, const std::string& id, const std::string& finished_at, const std::string& marker = "") {
  s.insert(queued(id, marker));
  s.finish(finished(id, finished_at, marker));
}

std::string file_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The store file and its WAL, as bytes.
std::string store_bytes(const std::filesystem::path& dir) {
  return file_bytes(dir / "runs.sqlite3") + file_bytes(dir / "runs.sqlite3-wal");
}

// Delete, sweep and count retention of every store implementation (SQLite in memory and on file,
// PostgreSQL): one contract suite, tests/pg/store_contract_test.cpp.

TEST(PersonalData, DeletedRunLeavesNoBytesInTheStoreFileAfterTheVacuum) {
  test::TempDir dir;
  SqliteRunStore s(dir.str(), 100);
  add_finished(s, "keep", "2030-01-01T00:00:05.000Z", "Kurt Bleibtreu");
  add_finished(s, "gone", "2030-01-01T00:00:06.000Z", "Zora Qxmarkerfrau");
  s.reclaim_space();
  ASSERT_NE(store_bytes(dir.path()).find("Qxmarkerfrau"), std::string::npos);  // the check can see the marker
  ASSERT_TRUE(s.delete_run("gone"));
  s.reclaim_space();
  const std::string bytes = store_bytes(dir.path());
  EXPECT_EQ(bytes.find("Qxmarkerfrau"), std::string::npos);
  EXPECT_NE(bytes.find("Bleibtreu"), std::string::npos);
}

TEST(PersonalData, RetentionSweepDeletesRunsOlderThanTheRetentionAgeAndCountsThem) {
  ServiceMetrics m(std::vector<std::string>{});
  SqliteRunStore s("", 100);
  add_finished(s, "ancient", "2030-01-01T00:00:00.000Z");
  add_finished(s, "recent", "2030-03-20T00:00:00.000Z");
  const auto now = std::chrono::sys_days{std::chrono::year{2030} / 4 / 1};  // 90 days after 2030-01-01 = 2030-04-01
  EXPECT_EQ(retention_cutoff(now, 90), "2030-01-01T00:00:00.000Z");
  EXPECT_EQ(sweep_retention(s, 0, m.runs_deleted, now + std::chrono::hours(24 * 365)), 0u);  // 0 = keep forever
  EXPECT_TRUE(s.get("ancient"));
  EXPECT_EQ(sweep_retention(s, 90, m.runs_deleted, now + 1s), 1u);
  EXPECT_FALSE(s.get("ancient"));
  EXPECT_TRUE(s.get("recent"));
  EXPECT_EQ(m.runs_deleted->value({"retention_age"}), 1);
}

// --- HTTP ----------------------------------------------------------------------------------------

json driver_body(const std::string& name, double time_limit = 10) {
  json tours = json::parse(R"([
    {"id":"T1","day":"Mon","start_time":"06:00","end_time":"10:00"},
    {"id":"T2","day":"Tue","start_time":"06:00","end_time":"10:00"}])");
  json drivers = json::array({{{"id", "D1"}, {"name", name}}, {{"id", "D2"}, {"name", "Ben Berg"}}});
  return {{"tours", tours}, {"drivers", drivers}, {"seed", 7}, {"time_limit_seconds", time_limit}};
}

std::string post_run(httplib::Client& c, const json& body) {
  auto r = c.Post("/api/v1/runs", body.dump(), "application/json");
  if (!r || r->status != 201) return "";
  return json::parse(r->body)["run_id"];
}

const std::vector<std::string> kRunRoutes = {"", "/plan", "/report", "/report/canonical", "/export/roster.csv",
                                             "/export/tours.csv", "/events", "/versions"};

TEST(PersonalDataApi, DeleteRemovesTheRunFromEveryRouteAndTheStoreFile) {
  test::LiveService svc;
  auto c = svc.client();
  const std::string id = post_run(c, driver_body("Zora Qxmarkerfrau"));
  ASSERT_FALSE(id.empty());
  const std::string other = post_run(c, driver_body("Kurt Bleibtreu"));
  ASSERT_EQ(test::wait_final(c, id), "COMPLETED");
  ASSERT_EQ(test::wait_final(c, other), "COMPLETED");
  for (const auto& route : kRunRoutes) {
    if (route == "/events") continue;  // a stream; checked by status below
    auto r = c.Get(("/api/v1/runs/" + id + route).c_str());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << route;
  }
  ASSERT_NE(store_bytes(svc.dir->path()).find("Qxmarkerfrau"), std::string::npos);

  auto d = c.Delete(("/api/v1/runs/" + id).c_str());
  ASSERT_TRUE(d);
  EXPECT_EQ(d->status, 204) << d->body;
  for (const auto& route : kRunRoutes) {
    auto r = c.Get(("/api/v1/runs/" + id + route).c_str());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 404) << route << ": " << r->body;
  }
  auto list = c.Get("/api/v1/runs?limit=100");
  ASSERT_TRUE(list);
  EXPECT_EQ(list->body.find(id), std::string::npos);
  EXPECT_NE(list->body.find(other), std::string::npos);
  const std::string bytes = store_bytes(svc.dir->path());
  EXPECT_EQ(bytes.find("Qxmarkerfrau"), std::string::npos);
  EXPECT_NE(bytes.find("Bleibtreu"), std::string::npos);

  auto again = c.Delete(("/api/v1/runs/" + id).c_str());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 404);
  EXPECT_NE(again->body.find(id), std::string::npos);
  EXPECT_EQ(test::metric_value(svc.metrics(), "solver_runs_deleted_total{reason=\"api\"}"), 1.0);
}

TEST(PersonalDataApi, DeletingARunningRunCancelsItFirst) {
  test::LiveService svc;
  auto c = svc.client();
  json body = {{"tours", test::synthetic_tours(60, 6, 5)}, {"seed", 1}, {"time_limit_seconds", 60}};
  const std::string id = post_run(c, body);
  ASSERT_FALSE(id.empty());
  const auto t0 = std::chrono::steady_clock::now();
  auto d = c.Delete(("/api/v1/runs/" + id).c_str());
  ASSERT_TRUE(d);
  EXPECT_EQ(d->status, 204) << d->body;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 30s);  // cancelled, not waited out
  auto g = c.Get(("/api/v1/runs/" + id).c_str());
  ASSERT_TRUE(g);
  EXPECT_EQ(g->status, 404);
}

TEST(PersonalDataApi, DeleteNeedsTheToken) {
  test::LiveService svc([](ServerOptions& o) { o.api_token = "s3cret"; });
  auto c = svc.client();
  auto d = c.Delete("/api/v1/runs/whatever");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->status, 401);
}

TEST(PersonalDataApi, TheStartUpSweepDeletesRunsOlderThanRetentionDays) {
  test::TempDir dir;
  {
    SqliteRunStore s(dir.str(), 100);
    add_finished(s, "from-2020", "2020-01-01T00:00:00.000Z", "Olga Altdaten");
  }
  test::LiveService svc([](ServerOptions& o) {
    o.retention_days = 90;
    o.retention_sweep_seconds = 0.05;
  }, {}, dir.str());
  auto c = svc.client();
  int status = 0;
  for (int i = 0; i < 200 && status != 404; ++i, std::this_thread::sleep_for(20ms))
    if (auto r = c.Get("/api/v1/runs/from-2020")) status = r->status;
  EXPECT_EQ(status, 404);
  // The sweep counts after its delete committed: a GET may see the 404 first.
  const std::string series = "solver_runs_deleted_total{reason=\"retention_age\"}";
  for (int i = 0; i < 100 && test::metric_value(svc.metrics(), series) != 1.0; ++i) std::this_thread::sleep_for(20ms);
  EXPECT_EQ(test::metric_value(svc.metrics(), series), 1.0);
  for (int i = 0; i < 100 && store_bytes(dir.path()).find("Altdaten") != std::string::npos; ++i)
    std::this_thread::sleep_for(20ms);  // the vacuum follows the delete
  EXPECT_EQ(store_bytes(dir.path()).find("Altdaten"), std::string::npos);
}

TEST(PersonalDataApi, APublishedPlanIsDeletedOnlyWithForce) {
  test::TempDir dir;
  {
    SqliteRunStore s(dir.str(), 100);
    add_finished(s, "pub", "2020-01-01T00:00:00.000Z");
    s.publish("pub", "2020-01-06", "", "2020-01-01T00:00:01.000Z");
  }
  test::LiveService svc({}, {}, dir.str());  // default retention: 90 days, the published plan stays
  auto c = svc.client();
  auto refused = c.Delete("/api/v1/runs/pub");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 409);
  EXPECT_NE(refused->body.find("published plan of week 2020-01-06"), std::string::npos) << refused->body;
  EXPECT_NE(refused->body.find("force=true"), std::string::npos) << refused->body;
  EXPECT_EQ(c.Get("/api/v1/runs/pub")->status, 200);
  auto forced = c.Delete("/api/v1/runs/pub?force=true");
  ASSERT_TRUE(forced);
  EXPECT_EQ(forced->status, 204);
  EXPECT_EQ(c.Get("/api/v1/runs/pub")->status, 404);
}

TEST(PersonalDataCli, RunsDeleteRemovesARunFromTheDataDir) {
  if (!test::binary_available()) GTEST_SKIP() << "the shift-optimizer binary is not built";
  test::TempDir dir;
  {
    SqliteRunStore s(dir.str(), 100);
    add_finished(s, "a", "2030-01-01T00:00:00.000Z", "Zora Qxmarkerfrau");
    add_finished(s, "p", "2030-01-01T00:00:00.000Z");
    s.publish("p", "2030-01-07", "", "2030-01-01T00:00:01.000Z");
  }
  const std::string bin = SO_BINARY_PATH;
  auto run = [&](const std::string& args) {
    return WEXITSTATUS(std::system((bin + " runs delete " + args + " --data-dir " + dir.str() + " 2>/dev/null").c_str()));
  };
  EXPECT_EQ(run("a"), 0);
  EXPECT_EQ(run("a"), 1);  // gone
  EXPECT_EQ(run("p"), 1);  // published: needs --force
  EXPECT_EQ(run("p --force"), 0);
  SqliteRunStore s(dir.str(), 100);
  EXPECT_EQ(s.count(), 0);
  EXPECT_EQ(store_bytes(dir.path()).find("Qxmarkerfrau"), std::string::npos);
  EXPECT_EQ(WEXITSTATUS(std::system((bin + " runs delete a --data-dir " + dir.str() + "/nope 2>/dev/null").c_str())), 2);
}

// --- the demo pool: names in logs and metrics, erasing a driver --------------------------------

std::string read_text(const std::string& path) { return file_bytes(path); }

// The demo week and pool as the web page submits them (the preview routes' tours_json / drivers_json).
json demo_body(double time_limit) {
  const std::string dir = std::string(SO_SOURCE_DIR) + "/examples/";
  json tours = forecast_preview_json(read_text(dir + "demo_week.csv"), "text/csv")["tours_json"];
  json drivers = drivers_preview_json(read_text(dir + "demo_drivers.csv"), "text/csv")["drivers_json"];
  return {{"tours", tours}, {"drivers", drivers}, {"seed", 7}, {"time_limit_seconds", time_limit}};
}

struct CapturedLogs {
  std::ostringstream out;
  CapturedLogs() { configure_logging_to(std::make_shared<spdlog::sinks::ostream_sink_mt>(out), "debug", "json"); }
  ~CapturedLogs() { configure_logging("warn", "text"); }
};

TEST(PersonalDataApi, LogsAndMetricsOfADemoSolveNameNoDriver) {
  CapturedLogs logs;
  test::LiveService svc;
  auto c = svc.client();
  const json body = demo_body(5);
  ASSERT_GT(body["drivers"].size(), 50u);
  const std::string id = post_run(c, body);
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(test::wait_final(c, id), "COMPLETED");
  auto plan = c.Get(("/api/v1/runs/" + id + "/plan").c_str());
  ASSERT_TRUE(plan);
  ASSERT_NE(plan->body.find(body["drivers"][0]["name"].get<std::string>()), std::string::npos);  // names are in the plan
  auto erase = c.Post("/api/v1/drivers/F001/erase", "", "application/json");  // the erase is logged too
  ASSERT_TRUE(erase);
  const std::string text = logs.out.str(), metrics = svc.metrics();
  ASSERT_NE(text.find(id), std::string::npos);  // the run was logged, by id
  ASSERT_NE(text.find("F001"), std::string::npos);  // the erase was logged, by driver id
  for (const auto& d : body["drivers"]) {
    const std::string name = d["name"];
    EXPECT_EQ(text.find(name), std::string::npos) << name << " in the logs";
    EXPECT_EQ(metrics.find(name), std::string::npos) << name << " in the metrics";
  }
}

TEST(PersonalDataApi, AnErasedDriverIsNowhereInTheStoreAndThePlanStillPassesTheAudit) {
  if (!test::binary_available()) GTEST_SKIP() << "the shift-optimizer binary is not built";
  test::LiveService svc;
  auto c = svc.client();
  const json body = demo_body(5);
  const std::string id = post_run(c, body);
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(test::wait_final(c, id), "COMPLETED");
  const json before = json::parse(c.Get(("/api/v1/runs/" + id + "/plan").c_str())->body);
  ASSERT_FALSE(before["drivers"].empty());
  const std::string driver = before["drivers"][0]["driver_id"], name = before["drivers"][0]["name"];
  ASSERT_NE(store_bytes(svc.dir->path()).find(name), std::string::npos);

  auto r = c.Post(("/api/v1/drivers/" + driver + "/erase").c_str(), R"({"pseudonym":"Fahrer X"})", "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(json::parse(r->body)["runs_touched"], 1);

  EXPECT_EQ(store_bytes(svc.dir->path()).find(name), std::string::npos) << name << " still in the store file";
  for (const auto& route : kRunRoutes) {
    if (route == "/events") continue;
    auto g = c.Get(("/api/v1/runs/" + id + route).c_str());
    ASSERT_TRUE(g);
    EXPECT_EQ(g->body.find(name), std::string::npos) << route;
  }
  const json after = json::parse(c.Get(("/api/v1/runs/" + id + "/plan").c_str())->body);
  EXPECT_EQ(after["drivers"][0]["driver_id"], driver);
  EXPECT_EQ(after["drivers"][0]["name"], "Fahrer X");
  EXPECT_EQ(after["kpis"], before["kpis"]);
  EXPECT_EQ(after.value("signature", json()), before.value("signature", json()));
  EXPECT_EQ(after["drivers"].size(), before["drivers"].size());
  // The other drivers keep their names.
  EXPECT_EQ(after["drivers"][1]["name"], before["drivers"][1]["name"]);

  // The pseudonymised plan passes the driver-mode audit against the week and the pool.
  test::TempDir tmp;
  const std::string plan_path = tmp.str() + "/plan.json";
  std::ofstream(plan_path) << after.dump();
  const std::string ex = std::string(SO_SOURCE_DIR) + "/examples/";
  const std::string cmd = std::string(SO_BINARY_PATH) + " validate " + ex + "demo_week.csv " + plan_path +
                          " --drivers " + ex + "demo_drivers.csv > " + tmp.str() + "/audit.txt 2>&1";
  EXPECT_EQ(WEXITSTATUS(std::system(cmd.c_str())), 0) << file_bytes(tmp.str() + "/audit.txt");

  // A second erase finds nothing left to change.
  auto again = c.Post(("/api/v1/drivers/" + driver + "/erase").c_str(), R"({"pseudonym":"Fahrer X"})", "application/json");
  ASSERT_TRUE(again);
  EXPECT_EQ(json::parse(again->body)["runs_touched"], 0);
}

TEST(PersonalData, ReplaceWholeWordLeavesLongerWordsAlone) {
  EXPECT_EQ(replace_whole_word("Li;Lieferung;Li Wu;xLi", "Li", "P"), "P;Lieferung;P Wu;xLi");
  EXPECT_EQ(replace_whole_word("Jörg Müller,Müllers", "Müller", "P"), "Jörg P,Müllers");
}

}  // namespace
}  // namespace so
