// The run store's versions columns (dispatch.md §5): migration of a store file of the old schema,
// finished inserts (saved edits), publish / supersede, lineage children, and retention that never
// deletes the published plan of a week.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include "service/run_store.hpp"
#include "service_test_util.hpp"

namespace so {
namespace {

using json = nlohmann::json;

StoredRun row(const std::string& id, const std::string& parent = "", const std::string& kind = "solve") {
  StoredRun r;
  r.id = id;
  r.status = "QUEUED";
  r.created_at = "2030-01-01T00:00:00.000Z";
  r.request_content_type = "application/json";
  r.request_body = "{\"tours\":[]}";
  r.summary_json = json{{"run_id", id}, {"status", "QUEUED"}, {"week_start", "2030-01-07"}}.dump();
  r.parent_run_id = parent;
  r.kind = kind;
  r.week = "2030-01-07";
  r.input_json = "{\"tours\":[],\"week_start\":\"2030-01-07\"}";
  return r;
}

RunStore::Finish done(const std::string& id) {
  RunStore::Finish f;
  f.id = id;
  f.status = "COMPLETED";
  f.finished_at = "2030-01-01T00:00:05.000Z";
  f.summary_json = json{{"run_id", id}, {"status", "COMPLETED"}}.dump();
  f.events_json = "[]";
  f.plan = "{\"plan\":\"" + id + "\"}";
  f.report = "{}";
  f.canonical_report = "{}";
  f.roster_csv = "Fahrer\n";
  f.tours_csv = "driver\n";
  return f;
}

void exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "") << " in " << sql;
  sqlite3_free(err);
}

// A store file exactly as the first schema wrote it, with one finished run in it.
void write_old_store(const std::string& path) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  exec(db,
       "CREATE TABLE runs ("
       " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
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
       " plan_json TEXT, report_json TEXT, canonical_report TEXT, roster_csv TEXT, tours_csv TEXT)");
  exec(db, "CREATE INDEX runs_status ON runs(status, seq)");
  exec(db,
       "INSERT INTO runs (id, status, created_at, request_content_type, request_body, summary_json, plan_json)"
       " VALUES ('run_old', 'COMPLETED', '2029-12-30T10:00:00.000Z', 'application/json', '{\"tours\":[]}',"
       " '{\"run_id\":\"run_old\",\"status\":\"COMPLETED\",\"week_start\":\"2029-12-31\"}', '{\"drivers\":[]}')");
  sqlite3_close(db);
}

TEST(StoreVersions, AnOldStoreFileGetsTheNewColumnsAndKeepsItsRuns) {
  test::TempDir dir;
  write_old_store(dir.str() + "/runs.sqlite3");
  {
    SqliteRunStore s(dir.str(), 10);
    auto old = s.get("run_old", true);
    ASSERT_TRUE(old);
    EXPECT_EQ(old->status, "COMPLETED");
    EXPECT_EQ(old->kind, "solve");
    EXPECT_EQ(old->parent_run_id, "");
    EXPECT_EQ(old->publication, "");
    EXPECT_EQ(old->week, "2029-12-31");  // backfilled from the stored status view
    EXPECT_EQ(old->input_json, "");      // none: the request body is re-parsed
    EXPECT_EQ(old->request_body, "{\"tours\":[]}");
    EXPECT_EQ(*s.document("run_old", RunDocument::Plan), "{\"drivers\":[]}");
    // The new columns work on the migrated file.
    s.insert(row("run_new", "run_old", "edit"));
    EXPECT_EQ(s.children("run_old").size(), 1u);
    EXPECT_TRUE(s.publish("run_old", "2029-12-31", "DEFAULT", "2030-01-01T00:00:00.000Z").empty());
  }
  // Opening it again (already migrated) changes nothing.
  SqliteRunStore again(dir.str(), 10);
  EXPECT_EQ(again.get("run_old")->publication, "published");
  EXPECT_EQ(again.get("run_new")->kind, "edit");
  EXPECT_EQ(again.count(), 2);
}

TEST(StoreVersions, FinishedInsertParentsAndInput) {
  SqliteRunStore s("", 100);
  s.insert(row("a"));
  s.finish(done("a"));
  StoredRun e = row("e", "a", "edit");
  e.status = "DRAFT_WITH_VIOLATIONS";
  e.started_at = "2030-01-01T00:01:00.000Z";
  RunStore::Finish f = done("e");
  f.status = "DRAFT_WITH_VIOLATIONS";
  s.insert_finished(e, f);
  auto got = s.get("e", true);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, "DRAFT_WITH_VIOLATIONS");
  EXPECT_EQ(got->parent_run_id, "a");
  EXPECT_EQ(got->kind, "edit");
  EXPECT_EQ(got->started_at, "2030-01-01T00:01:00.000Z");
  EXPECT_EQ(got->finished_at, "2030-01-01T00:00:05.000Z");
  EXPECT_EQ(got->input_json, e.input_json);
  EXPECT_EQ(*s.document("e", RunDocument::Plan), "{\"plan\":\"e\"}");
  auto kids = s.children("a");
  ASSERT_EQ(kids.size(), 1u);
  EXPECT_EQ(kids[0].id, "e");
  EXPECT_TRUE(s.children("e").empty());
  EXPECT_EQ(s.list(10, "DRAFT_WITH_VIOLATIONS").size(), 1u);
}

TEST(StoreVersions, PublishSupersedesOnlyTheSameWeekAndScope) {
  SqliteRunStore s("", 100);
  for (const char* id : {"a", "b", "c", "d"}) {
    s.insert(row(id));
    s.finish(done(id));
  }
  EXPECT_TRUE(s.publish("a", "2030-01-07", "DEFAULT", "t1").empty());
  EXPECT_TRUE(s.publish("c", "2030-01-07", "NORD", "t2").empty());      // another scope
  EXPECT_TRUE(s.publish("d", "2030-01-14", "DEFAULT", "t3").empty());   // another week
  EXPECT_EQ(s.publish("b", "2030-01-07", "DEFAULT", "t4"), (std::vector<std::string>{"a"}));
  EXPECT_EQ(s.get("a")->publication, "superseded");
  EXPECT_EQ(s.get("a")->superseded_by, "b");
  EXPECT_EQ(s.get("b")->publication, "published");
  EXPECT_EQ(s.get("b")->published_at, "t4");
  EXPECT_EQ(s.get("c")->publication, "published");
  EXPECT_EQ(s.get("d")->publication, "published");
  EXPECT_EQ(s.published("2030-01-07", "DEFAULT")->id, "b");
  EXPECT_FALSE(s.published("2030-01-21", "DEFAULT"));
  // Publishing the superseded one again makes it current again.
  EXPECT_EQ(s.publish("a", "2030-01-07", "DEFAULT", "t5"), (std::vector<std::string>{"b"}));
  EXPECT_EQ(s.get("a")->publication, "published");
  EXPECT_EQ(s.get("a")->superseded_by, "");
}

TEST(StoreVersions, RetentionNeverDeletesAPublishedPlan) {
  SqliteRunStore s("", 2);
  s.insert(row("p"));
  s.finish(done("p"));
  s.publish("p", "2030-01-07", "DEFAULT", "t");
  for (const char* id : {"x", "y", "z", "w"}) {
    s.insert(row(id));
    s.finish(done(id));
  }
  EXPECT_TRUE(s.get("p"));  // published: kept although it is the oldest
  EXPECT_TRUE(s.document("p", RunDocument::Plan));
  EXPECT_FALSE(s.get("x"));
  EXPECT_FALSE(s.get("y"));
  EXPECT_TRUE(s.get("z"));
  EXPECT_TRUE(s.get("w"));
  // Once superseded, it is an ordinary old run again.
  s.insert(row("q"));
  s.finish(done("q"));
  s.publish("q", "2030-01-07", "DEFAULT", "t2");
  s.insert(row("r"));
  s.finish(done("r"));
  EXPECT_FALSE(s.get("p"));
  EXPECT_TRUE(s.get("q"));
}

}  // namespace
}  // namespace so
