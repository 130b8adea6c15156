// One run-store test suite, two implementations (issue 14): every RunStore call behaves the same on
// the SQLite file store and on the PostgreSQL store. The PostgreSQL-only part (migrations, the shared
// queue's claims, leases, cancel flags and notifications) follows.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "pg/pg_test_util.hpp"
#include "service/service_test_util.hpp"
#include "service/pg_run_store.hpp"
#include "service/run_store.hpp"

namespace so {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

StoredRun queued(const std::string& id, const std::string& week = "2026-12-07") {
  StoredRun r;
  r.id = id;
  r.status = "QUEUED";
  r.created_at = "2026-12-06T10:00:00Z";
  r.request_content_type = "application/json";
  r.request_body = R"({"tours":[]})";
  r.summary_json = json{{"run_id", id}, {"status", "QUEUED"}}.dump();
  r.events_json = "[]";
  r.week = week;
  r.input_json = R"({"tours":[],"seed":1})";
  return r;
}

RunStore::Finish finished(const std::string& id, const std::string& at = "2026-12-06T10:05:00Z") {
  RunStore::Finish f;
  f.id = id;
  f.status = "COMPLETED";
  f.finished_at = at;
  f.summary_json = json{{"run_id", id}, {"status", "COMPLETED"}}.dump();
  f.events_json = json::array({{{"id", 1}, {"event", "run_completed"}, {"data", {{"run_id", id}}}}}).dump();
  f.plan = json{{"drivers", json::array({{{"driver_id", "D001"}, {"name", "Anna Beispiel"}}})}}.dump();
  f.report = json{{"changes", {{"frozen_until", "2026-12-09"}}}, {"lower_bounds", {{"lp_value", 29.5}}}}.dump();
  f.canonical_report = "canonical";
  f.roster_csv = "driver;name\nD001;Anna Beispiel\n";
  f.tours_csv = "tour;driver\nT1;D001\n";
  return f;
}

// A store factory per implementation; the PostgreSQL one owns a fresh database per store.
struct StoreKind {
  std::string name;
  std::function<std::unique_ptr<RunStore>(int max_stored)> open;
};

class RunStoreContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgresql") {
      cluster_ = test::pg_cluster_url();
      if (!cluster_) GTEST_SKIP() << "no PostgreSQL test cluster (SO_PG_URL_FILE; scripts/pg-test-cluster.sh)";
    }
  }
  std::unique_ptr<RunStore> open(int max_stored = 100) {
    if (GetParam() == "sqlite") return std::make_unique<SqliteRunStore>("", max_stored);
    if (GetParam() == "sqlite_file") {
      dirs_.push_back(std::make_unique<test::TempDir>());
      return open_run_store(dirs_.back()->str(), max_stored);
    }
    dbs_.push_back(std::make_unique<test::TestDatabase>(*cluster_));
    return open_run_store("", max_stored, dbs_.back()->url());
  }
  std::optional<std::string> cluster_;
  std::vector<std::unique_ptr<test::TestDatabase>> dbs_;
  std::vector<std::unique_ptr<test::TempDir>> dirs_;
};

TEST_P(RunStoreContract, LifecycleKeepsRequestDocumentsAndEvents) {
  auto s = open();
  s->insert(queued("r1"));
  auto got = s->get("r1", true);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, "QUEUED");
  EXPECT_EQ(got->request_body, R"({"tours":[]})");
  EXPECT_EQ(got->input_json, R"({"tours":[],"seed":1})");
  EXPECT_EQ(got->week, "2026-12-07");
  EXPECT_EQ(got->kind, "solve");
  EXPECT_TRUE(s->get("r1", false)->request_body.empty()) << "the request only when asked for";
  EXPECT_FALSE(s->document("r1", RunDocument::Plan)) << "no plan before the end";

  s->mark_running("r1", "2026-12-06T10:00:01Z", json{{"status", "RUNNING"}}.dump());
  EXPECT_EQ(s->get("r1")->status, "RUNNING");
  EXPECT_EQ(s->get("r1")->started_at, "2026-12-06T10:00:01Z");

  s->finish(finished("r1"));
  got = s->get("r1");
  EXPECT_EQ(got->status, "COMPLETED");
  EXPECT_EQ(got->finished_at, "2026-12-06T10:05:00Z");
  EXPECT_EQ(json::parse(got->events_json)[0]["event"], "run_completed");
  EXPECT_EQ(*s->document("r1", RunDocument::RosterCsv), "driver;name\nD001;Anna Beispiel\n");
  EXPECT_EQ(*s->document("r1", RunDocument::CanonicalReport), "canonical");
  EXPECT_EQ(json::parse(*s->document("r1", RunDocument::Plan))["drivers"][0]["driver_id"], "D001");
  EXPECT_FALSE(s->get("nope"));
  EXPECT_FALSE(s->document("nope", RunDocument::Plan));
  EXPECT_EQ(s->count(), 1);
}

TEST_P(RunStoreContract, DocumentValuesReadPathsWithoutTheWholeDocument) {
  auto s = open();
  s->insert(queued("r1"));
  s->finish(finished("r1"));
  const auto v = s->document_values("r1", RunDocument::Report,
                                    {"$.changes.frozen_until", "$.edit.frozen_until", "$.lower_bounds.lp_value", "$.changes"});
  ASSERT_EQ(v.size(), 4u);
  ASSERT_TRUE(v[0]);
  EXPECT_EQ(json::parse(*v[0]), "2026-12-09");
  EXPECT_FALSE(v[1]) << "absent";
  ASSERT_TRUE(v[2]);
  EXPECT_DOUBLE_EQ(json::parse(*v[2]).get<double>(), 29.5);
  ASSERT_TRUE(v[3]);
  EXPECT_EQ(json::parse(*v[3]), json({{"frozen_until", "2026-12-09"}}));
  // No such run, or a document that is not JSON: nothing, not an error.
  EXPECT_FALSE(s->document_values("nope", RunDocument::Report, {"$.a"})[0]);
  EXPECT_FALSE(s->document_values("r1", RunDocument::RosterCsv, {"$.a"})[0]);
}

TEST_P(RunStoreContract, ListIsNewestFirstWithAStatusFilter) {
  auto s = open();
  for (int i = 1; i <= 5; ++i) s->insert(queued("r" + std::to_string(i)));
  s->finish(finished("r2"));
  s->finish(finished("r4"));
  const auto all = s->list(10, "");
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all.front().id, "r5");
  EXPECT_EQ(all.back().id, "r1");
  EXPECT_GT(all.front().seq, all.back().seq);
  const auto done = s->list(10, "COMPLETED");
  ASSERT_EQ(done.size(), 2u);
  EXPECT_EQ(done[0].id, "r4");
  EXPECT_EQ(done[1].id, "r2");
  EXPECT_EQ(s->list(2, "").size(), 2u);
}

TEST_P(RunStoreContract, CountRetentionKeepsTheNewestAndNeverRunsInFlight) {
  auto s = open(3);
  s->insert(queued("inflight"));
  for (int i = 1; i <= 5; ++i) {
    s->insert(queued("r" + std::to_string(i)));
    s->finish(finished("r" + std::to_string(i)));
  }
  EXPECT_TRUE(s->get("inflight")) << "a queued run is never pruned";
  EXPECT_FALSE(s->get("r1"));
  EXPECT_FALSE(s->get("r2"));
  EXPECT_TRUE(s->get("r3"));
  EXPECT_TRUE(s->get("r5"));
  EXPECT_EQ(s->count(), 4) << "the newest 3 runs, plus the older run still in flight";
  EXPECT_EQ(s->take_count_pruned(), 2);
  EXPECT_EQ(s->take_count_pruned(), 0);
}

TEST_P(RunStoreContract, PublishingSupersedesThePreviousPlanOfTheWeekAndScope) {
  auto s = open();
  for (const char* id : {"a", "b", "c", "other"}) {
    s->insert(queued(id));
    s->finish(finished(id));
  }
  EXPECT_TRUE(s->publish("a", "2026-12-07", "", "t1").empty());
  EXPECT_EQ(s->published("2026-12-07", "")->id, "a");
  EXPECT_TRUE(s->publish("other", "2026-12-07", "depot-2", "t1").empty()) << "another scope is its own plan";
  EXPECT_EQ(s->publish("b", "2026-12-07", "", "t2"), std::vector<std::string>{"a"});
  EXPECT_EQ(s->get("a")->publication, "superseded");
  EXPECT_EQ(s->get("a")->superseded_by, "b");
  EXPECT_EQ(s->get("b")->publication, "published");
  EXPECT_EQ(s->get("b")->published_at, "t2");
  EXPECT_EQ(s->published("2026-12-07", "depot-2")->id, "other");
  EXPECT_FALSE(s->published("2026-12-14", ""));
  // Versions: children in insertion order.
  StoredRun edit = queued("e1");
  edit.parent_run_id = "b";
  edit.kind = "edit";
  edit.status = "COMPLETED";
  s->insert_finished(edit, finished("e1"));
  StoredRun replan = queued("p1");
  replan.parent_run_id = "b";
  replan.kind = "replan";
  s->insert(replan);
  const auto kids = s->children("b");
  ASSERT_EQ(kids.size(), 2u);
  EXPECT_EQ(kids[0].id, "e1");
  EXPECT_EQ(kids[0].kind, "edit");
  EXPECT_EQ(kids[0].status, "COMPLETED");
  EXPECT_EQ(*s->document("e1", RunDocument::ToursCsv), "tour;driver\nT1;D001\n");
  EXPECT_EQ(kids[1].id, "p1");
}

TEST_P(RunStoreContract, DeleteRemovesTheRunAndEverythingStoredWithIt) {
  auto s = open();
  s->insert(queued("r1"));
  s->finish(finished("r1"));
  s->insert(queued("r2"));
  EXPECT_TRUE(s->delete_run("r1"));
  EXPECT_FALSE(s->get("r1"));
  EXPECT_FALSE(s->document("r1", RunDocument::Plan));
  EXPECT_FALSE(s->document("r1", RunDocument::RosterCsv));
  EXPECT_FALSE(s->delete_run("r1")) << "gone";
  EXPECT_EQ(s->count(), 1);
  s->reclaim_space();
  EXPECT_TRUE(s->get("r2")) << "reclaiming space keeps the rest";
}

TEST_P(RunStoreContract, SweepRemovesFinishedRunsOlderThanTheCutoffOnly) {
  auto s = open();
  s->insert(queued("old"));
  s->finish(finished("old", "2026-01-01T00:00:00Z"));
  s->insert(queued("old-published"));
  s->finish(finished("old-published", "2026-01-01T00:00:00Z"));
  s->publish("old-published", "2026-01-05", "", "2026-01-01T00:00:00Z");
  s->insert(queued("new"));
  s->finish(finished("new", "2026-12-01T00:00:00Z"));
  s->insert(queued("inflight"));
  const SweepResult r = s->sweep("2026-06-01T00:00:00Z");
  EXPECT_EQ(r.ids, std::vector<std::string>{"old"});
  EXPECT_FALSE(s->get("old"));
  EXPECT_TRUE(s->get("old-published"));
  EXPECT_TRUE(s->get("new"));
  EXPECT_TRUE(s->get("inflight"));
}

TEST_P(RunStoreContract, RewriteAllWritesBackOnlyWhatTheEraserChanged) {
  auto s = open();
  for (const char* id : {"r1", "r2"}) {
    s->insert(queued(id));
    s->finish(finished(id));
  }
  StoredRun plain = queued("r3");
  s->insert(plain);
  std::vector<std::string> seen;
  const auto changed = s->rewrite_all([&](RunStore::RunTexts& t) {
    seen.push_back(t.id);
    if (!t.roster_csv || t.id == "r2") return false;
    const auto at = t.roster_csv->find("Anna Beispiel");
    if (at == std::string::npos) return false;
    t.roster_csv->replace(at, std::string("Anna Beispiel").size(), "erased-D001");
    return true;
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"r1", "r2", "r3"}));
  EXPECT_EQ(changed, std::vector<std::string>{"r1"});
  EXPECT_EQ(*s->document("r1", RunDocument::RosterCsv), "driver;name\nD001;erased-D001\n");
  EXPECT_EQ(*s->document("r2", RunDocument::RosterCsv), "driver;name\nD001;Anna Beispiel\n");
  EXPECT_EQ(s->get("r3", true)->input_json, plain.input_json);
}

INSTANTIATE_TEST_SUITE_P(BothStores, RunStoreContract, ::testing::Values("sqlite", "sqlite_file", "postgresql"),
                         [](const auto& info) { return info.param; });

// ---------------------------------------------------------------------------------------------
// PostgreSQL only: migrations and the shared queue.

TEST(PgRunStore, SchemaIsMigratedOnceUnderTheAdvisoryLockEvenByReplicasStartingTogether) {
  REQUIRE_PG(cluster);
  test::TestDatabase db(*cluster);
  std::vector<std::thread> threads;
  std::atomic<int> opened{0};
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] {
      auto s = open_run_store("", 10, db.url());
      if (s->shared()) ++opened;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(opened, 4);
  EXPECT_EQ(db.query("SELECT COUNT(*) FROM so_schema_migrations"), std::to_string(pg_schema_version()));
  EXPECT_EQ(db.query("SELECT MAX(version) FROM so_schema_migrations"), std::to_string(pg_schema_version()));
  // A database of a newer schema is refused, naming both versions.
  db.query("INSERT INTO so_schema_migrations (version) VALUES (" + std::to_string(pg_schema_version() + 1) + ")");
  try {
    open_run_store("", 10, db.url());
    FAIL() << "a newer schema must be refused";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("newer than this build"), std::string::npos) << e.what();
  }
}

TEST(PgRunStore, BadUrlsAndUnreachableServersFailClearlyWithoutThePassword) {
  try {
    open_run_store("", 10, "mysql://user:pw@host/db");
    FAIL();
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("DATABASE_URL"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("pw@"), std::string::npos) << e.what();
  }
  try {
    open_run_store("", 10, "postgresql://so:s3cret@127.0.0.1:1/so");
    FAIL();
  } catch (const StoreError& e) {
    const std::string what = e.what();
    EXPECT_TRUE(e.unavailable()) << what;
    EXPECT_EQ(what.find("s3cret"), std::string::npos) << what;
    EXPECT_NE(what.find("postgresql://so:***@127.0.0.1:1/so"), std::string::npos) << what;
  }
  EXPECT_EQ(redact_database_url("postgresql://u:p@h:5/d"), "postgresql://u:***@h:5/d");
  EXPECT_EQ(redact_database_url("postgresql://u@h/d"), "postgresql://u@h/d");
}

TEST(PgRunStore, TheConnectionGivesUpOnAVanishedHostInSecondsUnlessTheUrlSaysOtherwise) {
  EXPECT_EQ(pg_connection_url("postgresql://u@h/d"),
            "postgresql://u@h/d?connect_timeout=5&keepalives_idle=30&keepalives_interval=10&keepalives_count=3");
  EXPECT_EQ(pg_connection_url("postgresql://u@h/d?sslmode=require&connect_timeout=20"),
            "postgresql://u@h/d?sslmode=require&connect_timeout=20&keepalives_idle=30&keepalives_interval=10&keepalives_count=3")
      << "what the operator set stays";
  EXPECT_EQ(pg_connection_url("postgresql://u@h/d?keepalives_count=9&keepalives_idle=1&keepalives_interval=2&connect_timeout=1"),
            "postgresql://u@h/d?keepalives_count=9&keepalives_idle=1&keepalives_interval=2&connect_timeout=1");
  // The options are real libpq options: the test cluster takes the URL.
  REQUIRE_PG(cluster);
  test::TestDatabase db(*cluster);
  EXPECT_NO_THROW((void)open_run_store("", 10, db.url()));
}

TEST(PgRunStore, ClaimsTakeTheOldestRunOnceAndLeasesDecideWhoFinishes) {
  REQUIRE_PG(cluster);
  test::TestDatabase db(*cluster);
  auto a = open_run_store("", 100, db.url());
  auto b = open_run_store("", 100, db.url());
  a->insert(queued("r1"));
  b->insert(queued("r2"));
  auto c1 = a->claim("A", "main", 10s, 3, {}, nullptr);
  ASSERT_TRUE(c1);
  EXPECT_EQ(c1->run.id, "r1") << "oldest first";
  EXPECT_EQ(c1->attempt, 1);
  EXPECT_EQ(c1->run.input_json, R"({"tours":[],"seed":1})") << "a claim carries the input to solve";
  auto c2 = b->claim("B", "main", 10s, 3, {}, nullptr);
  ASSERT_TRUE(c2);
  EXPECT_EQ(c2->run.id, "r2");
  EXPECT_FALSE(b->claim("B", "main", 10s, 3, {}, nullptr)) << "nothing left";
  EXPECT_EQ(a->queue_counts().running, 2);
  EXPECT_EQ(a->queue_counts().queued, 0);

  // Renewals: the owner's live view and events reach the other replica; a stranger holds nothing.
  const std::string events = json::array({{{"id", 1}, {"event", "run_started"}, {"data", json::object()}}}).dump();
  EXPECT_TRUE(a->renew("r1", "A", 10s, R"({"status":"RUNNING","phase":"phase1"})", events).held);
  EXPECT_EQ(json::parse(b->get("r1")->summary_json)["phase"], "phase1");
  EXPECT_EQ(b->get("r1")->events_json, events);
  EXPECT_FALSE(b->renew("r1", "B", 10s, "{}", "[]").held);

  // A cancel through B reaches A at its next renewal.
  EXPECT_TRUE(b->request_cancel("r1"));
  EXPECT_TRUE(a->renew("r1", "A", 10s, "{}", events).cancel_requested);
  EXPECT_TRUE(a->renew("r1", "A", 10s, "{}", "").held);
  EXPECT_EQ(b->get("r1")->events_json, events) << "an unchanged event log is not sent again";

  // Only the lease holder finishes: B's finish of A's run is refused.
  RunStore::Finish f = finished("r1");
  f.owner = "B";
  EXPECT_THROW(b->finish(f), LeaseLost);
  EXPECT_EQ(a->get("r1")->status, "RUNNING");
  f.owner = "A";
  a->finish(f);
  EXPECT_EQ(b->get("r1")->status, "COMPLETED");
  EXPECT_FALSE(b->request_cancel("r1")) << "finished";

  // A released run goes back to the queue without using up an attempt.
  b->release("r2", "B");
  EXPECT_EQ(a->get("r2")->status, "QUEUED");
  auto again = a->claim("A", "main", 10s, 3, {}, nullptr);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->run.id, "r2");
  EXPECT_EQ(again->attempt, 1);
}

TEST(PgRunStore, ReplicasClaimOnlyFromTheirOwnNamedQueue) {
  REQUIRE_PG(cluster);
  test::TestDatabase db(*cluster);
  auto s = open_run_store("", 100, db.url());
  StoredRun canary = queued("for-canary");
  canary.queue = "canary";
  s->insert(canary);
  s->insert(queued("for-main"));
  auto c = s->claim("C", "canary", 10s, 3, {}, nullptr);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->run.id, "for-canary") << "the canary track takes the runs posted to it, older or not";
  EXPECT_FALSE(s->claim("C", "canary", 10s, 3, {}, nullptr)) << "never a run of another queue";
  auto m = s->claim("M", "main", 10s, 3, {}, nullptr);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->run.id, "for-main");
  // The queue limit is per queue.
  StoredRun more = queued("c2");
  more.queue = "canary";
  EXPECT_TRUE(s->insert_bounded(more, 1));
  more.id = "c3";
  EXPECT_FALSE(s->insert_bounded(more, 1));
  EXPECT_TRUE(s->insert_bounded(queued("m2"), 1)) << "the main queue has its own place";
}

TEST(PgRunStore, AnExpiredLeaseIsReclaimedThenFailsAfterMaxAttempts) {
  REQUIRE_PG(cluster);
  test::TestDatabase db(*cluster);
  auto a = open_run_store("", 100, db.url());
  auto b = open_run_store("", 100, db.url());
  a->insert(queued("r1"));
  ASSERT_TRUE(a->claim("A", "main", 50ms, 2, {}, nullptr));
  EXPECT_FALSE(b->claim("B", "main", 10s, 2, {}, nullptr)) << "the lease still runs";
  std::this_thread::sleep_for(150ms);  // A "died": no renewal
  auto c = b->claim("B", "main", 50ms, 2, {}, nullptr);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->run.id, "r1");
  EXPECT_EQ(c->attempt, 2);
  RunStore::Finish late = finished("r1");
  late.owner = "A";
  EXPECT_THROW(a->finish(late), LeaseLost) << "A's late result is not written over B's attempt";
  std::this_thread::sleep_for(150ms);  // B died too: the second attempt was the last
  std::vector<std::string> exhausted;
  EXPECT_FALSE(a->claim("A", "main", 10s, 2, {}, &exhausted));
  EXPECT_EQ(exhausted, std::vector<std::string>{"r1"});
  const auto r = a->get("r1");
  EXPECT_EQ(r->status, "FAILED");
  EXPECT_NE(r->reason.find("ATTEMPTS_EXHAUSTED"), std::string::npos) << r->reason;
  const json ev = json::parse(r->events_json);
  ASSERT_FALSE(ev.empty());
  EXPECT_EQ(ev.back()["event"], "run_failed") << "the event stream ends";
  EXPECT_EQ(json::parse(r->summary_json)["status"], "FAILED");
}

// An outage let the lease of a run lapse while its replica still has it in hand (its end waits to
// be stored): that replica neither re-claims it nor fails it as exhausted; any other replica may.
TEST(PgRunStore, ARunStillHeldByItsClaimerIsNotReclaimedByItWhenItsLeaseLapsed) {
  REQUIRE_PG(cluster);
  test::TestDatabase db(*cluster);
  auto a = open_run_store("", 100, db.url());
  auto b = open_run_store("", 100, db.url());
  a->insert(queued("held"));
  ASSERT_TRUE(a->claim("A", "main", 50ms, 1, {}, nullptr));
  std::this_thread::sleep_for(150ms);
  std::vector<std::string> exhausted;
  EXPECT_FALSE(a->claim("A", "main", 10s, 1, {"held", "some\"other"}, &exhausted)) << "its own run, even at its last attempt";
  EXPECT_TRUE(exhausted.empty());
  EXPECT_EQ(a->get("held")->status, "RUNNING");
  RunStore::Finish end = finished("held");
  end.owner = "A";
  EXPECT_NO_THROW(a->finish(end)) << "its end is still A's to store";
  EXPECT_EQ(a->get("held")->status, "COMPLETED");
  // The same lapse seen by another replica: the run is failed as exhausted (max 1 attempt).
  b->insert(queued("other"));
  ASSERT_TRUE(b->claim("B", "main", 50ms, 1, {}, nullptr));
  std::this_thread::sleep_for(150ms);
  EXPECT_FALSE(a->claim("A", "main", 10s, 1, {"held"}, &exhausted));
  EXPECT_EQ(exhausted, std::vector<std::string>{"other"});
}

TEST(PgRunStore, TheQueueLimitHoldsAcrossReplicasInsertingAtOnce) {
  REQUIRE_PG(cluster);
  test::TestDatabase db(*cluster);
  auto a = open_run_store("", 100, db.url());
  auto b = open_run_store("", 100, db.url());
  std::atomic<int> accepted{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 12; ++i)
    threads.emplace_back([&, i] {
      RunStore& s = i % 2 ? *a : *b;
      if (s.insert_bounded(queued("r" + std::to_string(i)), 5)) ++accepted;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(accepted, 5);
  EXPECT_EQ(a->queue_counts().queued, 5);
  ASSERT_TRUE(a->claim("A", "main", 10s, 3, {}, nullptr));
  EXPECT_TRUE(b->insert_bounded(queued("late"), 5)) << "a claimed run frees its place in the queue";
  EXPECT_FALSE(b->insert_bounded(queued("later"), 5));
}

TEST(PgRunStore, OtherReplicasHearOfQueuedChangedAndCancelledRuns) {
  REQUIRE_PG(cluster);
  test::TestDatabase db(*cluster);
  auto a = open_run_store("", 100, db.url());
  auto b = open_run_store("", 100, db.url());
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> heard;
  b->set_on_change([&](const std::string& payload) {
    std::lock_guard lock(mu);
    heard.push_back(payload);
    cv.notify_all();
  });
  auto wait_for = [&](const std::string& payload) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, 5s, [&] { return std::find(heard.begin(), heard.end(), payload) != heard.end(); });
  };
  std::this_thread::sleep_for(300ms);  // B's LISTEN connection is up
  {
    std::lock_guard lock(mu);
    heard.clear();
  }
  a->insert(queued("r1"));
  EXPECT_TRUE(wait_for("")) << "a queued run wakes the other replicas' workers";
  ASSERT_TRUE(a->claim("A", "main", 10s, 3, {}, nullptr));
  a->renew("r1", "A", 10s, "{}", "[]");
  EXPECT_TRUE(wait_for("r1")) << "progress wakes the other replicas' mirrors";
  a->request_cancel("r1");
  EXPECT_TRUE(wait_for("cancel:r1")) << "a cancel wakes the owner at once";
  b->set_on_change(nullptr);
}

}  // namespace
}  // namespace so
