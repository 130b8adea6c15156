// The SQLite run store: lifecycle, documents, listing, retention, restart recovery.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "service/run_store.hpp"
#include "service_test_util.hpp"

namespace so {
namespace {

StoredRun queued(const std::string& id) {
  StoredRun r;
  r.id = id;
  r.status = "QUEUED";
  r.created_at = "2030-01-01T00:00:00.000Z";
  r.request_content_type = "application/json";
  r.request_body = "{\"tours\":[]}";
  r.summary_json = nlohmann::json{{"run_id", id}, {"status", "QUEUED"}}.dump();
  return r;
}

RunStore::Finish finished(const std::string& id, const std::string& status = "COMPLETED") {
  RunStore::Finish f;
  f.id = id;
  f.status = status;
  f.finished_at = "2030-01-01T00:00:05.000Z";
  f.summary_json = nlohmann::json{{"run_id", id}, {"status", status}}.dump();
  f.events_json = "[]";
  if (status == "COMPLETED") {
    f.plan = "{\"plan\":\"" + id + "\"}";
    f.report = "{}";
    f.canonical_report = "{}";
    f.roster_csv = "Fahrer\n";
    f.tours_csv = "driver\n";
  }
  return f;
}

TEST(RunStore, LifecycleAndDocuments) {
  test::TempDir dir;
  SqliteRunStore s(dir.str(), 10);
  s.insert(queued("a"));
  s.mark_running("a", "2030-01-01T00:00:01.000Z", "{\"run_id\":\"a\",\"status\":\"RUNNING\"}");
  EXPECT_EQ(s.get("a")->status, "RUNNING");
  EXPECT_EQ(s.get("a")->started_at, "2030-01-01T00:00:01.000Z");
  EXPECT_FALSE(s.document("a", RunDocument::Plan));
  s.finish(finished("a"));
  auto a = s.get("a", true);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->status, "COMPLETED");
  EXPECT_EQ(a->request_body, "{\"tours\":[]}");
  EXPECT_EQ(*s.document("a", RunDocument::Plan), "{\"plan\":\"a\"}");
  EXPECT_EQ(*s.document("a", RunDocument::RosterCsv), "Fahrer\n");
  EXPECT_FALSE(s.get("nope"));
  EXPECT_FALSE(s.document("nope", RunDocument::Plan));
}

TEST(RunStore, ListNewestFirstWithStatusFilter) {
  SqliteRunStore s("", 100);  // in memory
  for (const char* id : {"r1", "r2", "r3", "r4"}) s.insert(queued(id));
  s.finish(finished("r1"));
  s.finish(finished("r3", "CANCELLED"));
  auto all = s.list(10, "");
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].id, "r4");
  EXPECT_EQ(all[3].id, "r1");
  auto two = s.list(2, "");
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[1].id, "r3");
  auto q = s.list(10, "QUEUED");
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(q[0].id, "r4");
  EXPECT_EQ(q[1].id, "r2");
  EXPECT_EQ(s.list(10, "CANCELLED").size(), 1u);
}

TEST(RunStore, RetentionKeepsTheNewestAndNeverDropsRunsInFlight) {
  SqliteRunStore s("", 3);
  s.insert(queued("inflight"));  // oldest, but still queued
  for (int i = 0; i < 6; ++i) {
    const std::string id = "done" + std::to_string(i);
    s.insert(queued(id));
    s.finish(finished(id));
  }
  EXPECT_TRUE(s.get("inflight"));
  EXPECT_FALSE(s.get("done0"));
  EXPECT_FALSE(s.get("done2"));
  EXPECT_TRUE(s.get("done3"));
  EXPECT_TRUE(s.get("done5"));
  EXPECT_EQ(s.count(), 4);
}

TEST(RunStore, SurvivesReopenAndMarksInterruptedRuns) {
  test::TempDir dir;
  {
    SqliteRunStore s(dir.str(), 10);
    s.insert(queued("done"));
    s.finish(finished("done"));
    s.insert(queued("running"));
    s.mark_running("running", "t", "{\"run_id\":\"running\",\"status\":\"RUNNING\"}");
    s.insert(queued("waiting"));
  }
  SqliteRunStore s(dir.str(), 10);
  auto ids = s.mark_interrupted("2030-01-02T00:00:00.000Z");
  EXPECT_EQ(ids, (std::vector<std::string>{"running", "waiting"}));
  EXPECT_EQ(s.get("done")->status, "COMPLETED");
  EXPECT_EQ(*s.document("done", RunDocument::Plan), "{\"plan\":\"done\"}");
  auto r = s.get("running");
  EXPECT_EQ(r->status, "FAILED");
  EXPECT_EQ(r->reason, "INTERRUPTED");
  auto summary = nlohmann::json::parse(r->summary_json);
  EXPECT_EQ(summary["status"], "FAILED");
  EXPECT_EQ(summary["reason"], "INTERRUPTED");
  EXPECT_EQ(summary["finished_at"], "2030-01-02T00:00:00.000Z");
  EXPECT_TRUE(s.mark_interrupted("later").empty());
}

TEST(RunStore, UnwritableFolderFailsClearly) {
  EXPECT_THROW(SqliteRunStore("/proc/so-cannot-create-here", 10), std::exception);
}

TEST(RunStore, AnInterruptedRunsEventLogEndsWithRunFailedOnce) {
  test::TempDir dir;
  {
    SqliteRunStore s(dir.str(), 10);
    s.insert(queued("running"));
    s.mark_running("running", "t", "{}");
    s.insert(queued("old"));
    // A run marked by an older version: FAILED/INTERRUPTED with the live events but no end.
    RunStore::Finish f = finished("old", "FAILED");
    f.reason = "INTERRUPTED";
    f.events_json = R"([{"id":1,"event":"run_started","data":{}},{"id":2,"event":"progress","data":{}}])";
    s.finish(f);
  }
  SqliteRunStore s(dir.str(), 10);
  s.mark_interrupted("later");
  s.mark_interrupted("even later");  // idempotent
  auto running = nlohmann::json::parse(s.get("running")->events_json);
  ASSERT_EQ(running.size(), 1u);
  EXPECT_EQ(running[0]["id"], 1);
  EXPECT_EQ(running[0]["event"], "run_failed");
  EXPECT_EQ(running[0]["data"], nlohmann::json::parse(R"({"run_id":"running","status":"FAILED","reason":"INTERRUPTED",
                                                         "elapsed_s":null,"result":null})"));
  auto old = nlohmann::json::parse(s.get("old")->events_json);
  ASSERT_EQ(old.size(), 3u);
  EXPECT_EQ(old[2]["id"], 3);
  EXPECT_EQ(old[2]["event"], "run_failed");
}

TEST(RunStore, OpeningNamesWhatIsWrong) {
  test::TempDir dir;
  auto message = [](const std::string& data_dir) {
    try {
      SqliteRunStore s(data_dir, 10);
    } catch (const StoreError& e) {
      return std::string(e.what());
    }
    return std::string("opened");
  };
  std::ofstream(dir.str() + "/file") << "x";
  EXPECT_EQ(message(dir.str() + "/file"), "DATA_DIR " + dir.str() + "/file is not a directory");
  EXPECT_EQ(message(dir.str() + "/file/below"), "cannot create DATA_DIR " + dir.str() + "/file/below: Not a directory");
  std::filesystem::create_directories(dir.str() + "/junk");
  std::ofstream(dir.str() + "/junk/runs.sqlite3") << std::string(8192, 'j');
  const std::string junk = message(dir.str() + "/junk");
  EXPECT_EQ(junk.rfind("run store " + dir.str() + "/junk/runs.sqlite3: the file is corrupt (PRAGMA quick_check: file is not a database", 0), 0u) << junk;
}

}  // namespace
}  // namespace so
