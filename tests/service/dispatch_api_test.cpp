// The dispatcher's week over HTTP (dispatch.md §4–§5) against the real solver on a loopback
// ephemeral port: /check (clean move, broken rule, unknown items, frozen tours), saving versions,
// drafts, publishing and superseding, retention keeping the published plan, versions, compare,
// and candidates whose every suggestion is verified by /check.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <set>
#include <thread>

#include "service_test_util.hpp"

namespace so {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;
using test::LiveService;

httplib::Result post(httplib::Client& c, const std::string& path, const json& body) {
  return c.Post(path.c_str(), body.dump(), "application/json");
}

json get_json(httplib::Client& c, const std::string& path, int expect = 200) {
  auto r = c.Get(path.c_str());
  EXPECT_TRUE(r) << path;
  if (!r) return nullptr;
  EXPECT_EQ(r->status, expect) << path << ": " << r->body;
  return json::parse(r->body, nullptr, false);
}

// Submits a run and waits until it has finished; returns its id.
std::string solve_run(httplib::Client& c, const json& body) {
  auto r = post(c, "/api/v1/runs", body);
  EXPECT_TRUE(r);
  if (!r) return "";
  EXPECT_EQ(r->status, 201) << r->body;
  const std::string id = json::parse(r->body)["run_id"];
  for (int i = 0; i < 1200; ++i) {
    auto v = c.Get(("/api/v1/runs/" + id).c_str());
    if (v && v->status == 200) {
      const std::string s = json::parse(v->body)["status"];
      if (s == "COMPLETED" || s == "FAILED" || s == "CANCELLED") return id;
    }
    std::this_thread::sleep_for(50ms);
  }
  ADD_FAILURE() << "run " << id << " did not finish";
  return id;
}

// Monday has two forced 2er (T1+T3 from 05:00, T2+T4 from 06:00: any other pairing overlaps or
// leaves a forbidden gap), so the optimal plan is D001 = {T1, T3 …}, D002 = {T2, T4 …}; T5 on
// Tuesday can go to either.
json dispatch_week() {
  return json::parse(R"([
    {"id":"T1","day":"Mon","start_time":"05:00","end_time":"09:00"},
    {"id":"T2","day":"Mon","start_time":"06:00","end_time":"10:30"},
    {"id":"T3","day":"Mon","start_time":"09:30","end_time":"13:30"},
    {"id":"T4","day":"Mon","start_time":"11:00","end_time":"15:30"},
    {"id":"T5","day":"Tue","start_time":"08:00","end_time":"12:00"}])");
}

json week_body(json tours = dispatch_week()) {
  return {{"tours", std::move(tours)}, {"seed", 3}, {"time_limit_seconds", 10}, {"week_start", "2030-01-07"}};
}

// driver id -> tour ids of a plan JSON.
std::map<std::string, std::set<std::string>> rosters(const json& plan) {
  std::map<std::string, std::set<std::string>> out;
  for (const auto& d : plan["drivers"])
    for (const auto& b : d["blocks"])
      for (const auto& t : b["tours"]) out[d["driver_id"]].insert(t["id"].get<std::string>());
  return out;
}

std::string driver_of(const json& plan, const std::string& tour) {
  for (const auto& [d, ts] : rosters(plan))
    if (ts.count(tour)) return d;
  return "";
}

json moves(std::initializer_list<std::pair<std::string, std::string>> ms) {
  json out = json::array();
  for (const auto& [t, d] : ms) out.push_back({{"tour_id", t}, {"to_driver", d}});
  return out;
}

// One SQL statement on a store file (WAL: a service may keep it open meanwhile).
void store_sql(const std::string& data_dir, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((data_dir + "/runs.sqlite3").c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "") << " in " << sql;
  sqlite3_free(err);
  sqlite3_close(db);
}

// The report of a finished run rewritten as a re-plan's (dispatch.md §2: "changes.frozen_until"),
// straight in the store file, as the re-plan route will write it. The service must be restarted
// on the file afterwards (it reads a finished run back as soon as it finishes).
void mark_replan(const std::string& data_dir, const std::string& id, const std::string& day, const std::string& time) {
  store_sql(data_dir, "UPDATE runs SET report_json = json_set(report_json, '$.changes', json('{\"frozen_until\":{\"day\":\"" +
                     day + "\",\"time\":\"" + time + "\"}}')) WHERE id='" + id + "'");
}

class DispatchApi : public ::testing::Test {
 protected:
  void SetUp() override {
    svc = std::make_unique<LiveService>(nullptr, nullptr, dir.str());
    c = std::make_unique<httplib::Client>(svc->client());
    run = solve_run(*c, week_body());
    plan = get_json(*c, "/api/v1/runs/" + run + "/plan");
    ASSERT_EQ(plan["status"], "OK");
    ASSERT_EQ(plan["drivers"].size(), 2u);
    ASSERT_EQ(driver_of(plan, "T1"), "D001");
    ASSERT_EQ(driver_of(plan, "T3"), "D001");
    ASSERT_EQ(driver_of(plan, "T2"), "D002");
    ASSERT_EQ(driver_of(plan, "T4"), "D002");
    t5_driver = driver_of(plan, "T5");
    t5_other = t5_driver == "D001" ? "D002" : "D001";
  }
  std::string check_url() const { return "/api/v1/runs/" + run + "/check"; }
  // A new service process on the same store file (nothing cached).
  void restart() {
    c.reset();
    svc.reset();
    svc = std::make_unique<LiveService>(nullptr, nullptr, dir.str());
    c = std::make_unique<httplib::Client>(svc->client());
  }

  test::TempDir dir;
  std::unique_ptr<LiveService> svc;
  std::unique_ptr<httplib::Client> c;
  std::string run, t5_driver, t5_other;
  json plan;
};

TEST_F(DispatchApi, CheckACleanMoveAnswersTheAuditAndKpiDeltasAndStoresNothing) {
  const long long runs_before = json::parse(c->Get("/api/v1/runs")->body)["count"];
  auto r = post(*c, check_url(), {{"moves", moves({{"T5", t5_other}})}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json a = json::parse(r->body);
  EXPECT_EQ(a["source_run_id"], run);
  EXPECT_EQ(a["ok"], true);
  EXPECT_TRUE(a["violations"].empty());
  EXPECT_EQ(a["kpis"]["delta"]["drivers_total"], 0);
  EXPECT_EQ(a["kpis"]["before"]["drivers_total"], 2);
  EXPECT_EQ(a["kpis"]["after"]["drivers_total"], 2);
  EXPECT_EQ(a["plan"]["status"], "OK");
  EXPECT_NE(a["plan"]["solution_signature"], plan["solution_signature"]);
  EXPECT_EQ(a["edits"]["changed_drivers"], json::array({t5_driver, t5_other}));
  ASSERT_EQ(a["drivers"].size(), 2u);
  for (const auto& d : a["drivers"]) {
    const bool gains = d["driver_id"] == t5_other;
    const json& after = d["after"];
    bool has_t5 = false;
    for (const auto& b : after["blocks"])
      for (const auto& t : b["tours"]) has_t5 = has_t5 || t == "T5";
    EXPECT_EQ(has_t5, gains) << d.dump();
    EXPECT_EQ(after["days_worked"], gains ? 2 : 1);
  }
  // Nothing stored: the run list is unchanged and the run's plan is untouched.
  EXPECT_EQ(json::parse(c->Get("/api/v1/runs")->body)["count"], runs_before);
  EXPECT_EQ(get_json(*c, "/api/v1/runs/" + run + "/plan")["solution_signature"], plan["solution_signature"]);
}

TEST_F(DispatchApi, CheckAMoveThatBreaksARuleNamesCodeDriverAndDay) {
  // T4 (Mon 11:00–15:30) onto D001 overlaps T3 (Mon 09:30–13:30).
  auto r = post(*c, check_url(), {{"moves", moves({{"T4", "D001"}})}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json a = json::parse(r->body);
  EXPECT_EQ(a["ok"], false);
  EXPECT_EQ(a["plan"]["status"], "DRAFT_WITH_VIOLATIONS");
  bool found = false;
  for (const auto& v : a["violations"])
    if (v["code"] == "TOUR_OVERLAP") {
      found = true;
      EXPECT_EQ(v["driver_id"], "D001");
      EXPECT_EQ(v["day"], "Mon");
      EXPECT_EQ(v["new"], true);
      EXPECT_NE(v["message"].get<std::string>().find("T4"), std::string::npos) << v.dump();
    }
  EXPECT_TRUE(found) << a["violations"].dump();
  EXPECT_GE(a["violations_new"], 1);
  // A swap of Monday exchanges both 2er: clean again.
  r = post(*c, check_url(), {{"swaps", json::array({{{"driver_a", "D001"}, {"driver_b", "D002"}, {"days", {"Mon"}}}})}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(json::parse(r->body)["ok"], true);
}

TEST_F(DispatchApi, BadEditsGet4xxNamingTheItem) {
  auto r = post(*c, check_url(), {{"moves", moves({{"T999", "D001"}})}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(json::parse(r->body)["detail"].get<std::string>().find("'T999'"), std::string::npos) << r->body;

  r = post(*c, check_url(), {{"moves", moves({{"T1", "D09"}})}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(json::parse(r->body)["detail"].get<std::string>().find("'D09'"), std::string::npos) << r->body;

  r = post(*c, check_url(), {{"swaps", json::array({{{"driver_a", "D001"}, {"driver_b", "D002"}, {"days", {"Mon", "Caturday"}}}})}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(json::parse(r->body)["detail"].get<std::string>().find("swaps[0].days[1]"), std::string::npos) << r->body;

  r = post(*c, check_url(), {{"moves", json::array({{{"to_driver", "D001"}}, {{"tour_id", 5}, {"to_driver", "D001"}}})}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422);
  const json d = json::parse(r->body)["detail"];
  std::set<std::string> locs;
  for (const auto& p : d) locs.insert(p["loc"].dump());
  EXPECT_TRUE(locs.count(R"(["body","moves",0,"tour_id"])")) << d.dump();
  EXPECT_TRUE(locs.count(R"(["body","moves",1,"tour_id"])")) << d.dump();

  r = c->Post(check_url().c_str(), "x", "text/plain");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 415);

  r = post(*c, "/api/v1/runs/run_nope/check", json::object());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_NE(r->body.find("run_nope"), std::string::npos);
}

TEST_F(DispatchApi, AFrozenTourOfAReplanIsRejectedWith422) {
  mark_replan(dir.str(), run, "Tue", "00:00");  // Monday (T1–T4) has been driven; T5 (Tue) has not
  restart();
  auto r = post(*c, check_url(), {{"moves", moves({{"T5", t5_other}, {"T3", "D002"}})}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 422) << r->body;
  const json p = json::parse(r->body)["detail"][0];
  EXPECT_EQ(p["loc"], json::parse(R"(["body","moves",1,"tour_id"])"));
  EXPECT_EQ(p["type"], "value_error.frozen");
  EXPECT_NE(p["msg"].get<std::string>().find("'T3'"), std::string::npos) << p.dump();
  EXPECT_NE(p["msg"].get<std::string>().find("Tue 00:00"), std::string::npos) << p.dump();
  // A swap of Monday takes driven tours along.
  r = post(*c, check_url(), {{"swaps", json::array({{{"driver_a", "D001"}, {"driver_b", "D002"}, {"days", {"Mon"}}}})}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422) << r->body;
  get_json(*c, "/api/v1/runs/" + run + "/tours/T1/candidates", 422);
  get_json(*c, "/api/v1/runs/" + run + "/tours/T5/candidates");

  // Tuesday is free; the check reports the frozen boundary, and a saved version keeps it.
  r = post(*c, check_url(), {{"moves", moves({{"T5", t5_other}})}, {"save", true}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  EXPECT_EQ(json::parse(r->body)["frozen_until"], json::parse(R"({"day":"Tue","time":"00:00"})"));
  const std::string edit = json::parse(r->body)["run_id"];
  for (int round = 0; round < 2; ++round) {  // from the cached version, then read back cold
    r = post(*c, "/api/v1/runs/" + edit + "/check", {{"moves", moves({{"T1", "D002"}})}});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 422) << "round " << round << ": " << r->body;
    restart();
  }
}

TEST_F(DispatchApi, SaveStoresAVersionCleanOrDraftAndEveryDocumentRouteServesIt) {
  auto r = post(*c, check_url(), {{"moves", moves({{"T5", t5_other}})}, {"save", true}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  const json a = json::parse(r->body);
  const std::string edit = a["run_id"];
  EXPECT_NE(edit, run);
  EXPECT_EQ(a["status"], "COMPLETED");
  EXPECT_EQ(a["parent_run_id"], run);
  EXPECT_EQ(r->get_header_value("Location"), "/api/v1/runs/" + edit);

  const json view = get_json(*c, "/api/v1/runs/" + edit);
  EXPECT_EQ(view["status"], "COMPLETED");
  EXPECT_EQ(view["kind"], "edit");
  EXPECT_EQ(view["parent_run_id"], run);
  EXPECT_EQ(view["week_start"], "2030-01-07");
  EXPECT_EQ(view["result"]["audit_ok"], true);
  const json eplan = get_json(*c, "/api/v1/runs/" + edit + "/plan");
  EXPECT_EQ(eplan["status"], "OK");
  EXPECT_EQ(driver_of(eplan, "T5"), t5_other);
  EXPECT_EQ(eplan["audit"]["ok"], true);
  const json report = get_json(*c, "/api/v1/runs/" + edit + "/report");
  EXPECT_EQ(report["edit"]["parent_run_id"], run);
  EXPECT_EQ(report["edit"]["moves"], moves({{"T5", t5_other}}));
  for (const char* doc : {"/report/canonical", "/export/roster.csv", "/export/tours.csv", "/export/roster.xlsx", "/events"}) {
    auto d = c->Get(("/api/v1/runs/" + edit + doc).c_str());
    ASSERT_TRUE(d);
    EXPECT_EQ(d->status, 200) << doc << ": " << d->body.substr(0, 200);
  }
  // The version can be edited again (and answers from its own plan).
  r = post(*c, "/api/v1/runs/" + edit + "/check", {{"moves", moves({{"T5", t5_driver}})}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(json::parse(r->body)["plan"]["solution_signature"], plan["solution_signature"]);

  // A plan with violations is saved as a draft, which is never published.
  r = post(*c, check_url(), {{"moves", moves({{"T4", "D001"}})}, {"save", true}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  const std::string draft = json::parse(r->body)["run_id"];
  EXPECT_EQ(json::parse(r->body)["status"], "DRAFT_WITH_VIOLATIONS");
  EXPECT_EQ(get_json(*c, "/api/v1/runs/" + draft)["status"], "DRAFT_WITH_VIOLATIONS");
  EXPECT_EQ(get_json(*c, "/api/v1/runs/" + draft + "/plan")["status"], "DRAFT_WITH_VIOLATIONS");
  EXPECT_EQ(get_json(*c, "/api/v1/runs?status=DRAFT_WITH_VIOLATIONS")["count"], 1);
  r = c->Post(("/api/v1/runs/" + draft + "/publish").c_str(), "", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 409);
  EXPECT_NE(r->body.find("draft"), std::string::npos) << r->body;
}

TEST_F(DispatchApi, PublishSupersedesThePreviousPlanOfTheSameWeekAndScope) {
  auto r = c->Post(("/api/v1/runs/" + run + "/publish").c_str(), "", "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json a = json::parse(r->body);
  EXPECT_EQ(a["publication"], "published");
  EXPECT_EQ(a["week"], "2030-01-07");
  EXPECT_EQ(a["scope"], "DEFAULT");  // the tours' location(s)
  EXPECT_TRUE(a["superseded"].empty());
  EXPECT_EQ(get_json(*c, "/api/v1/runs/" + run)["publication"], "published");

  r = post(*c, check_url(), {{"moves", moves({{"T5", t5_other}})}, {"save", true}});
  ASSERT_TRUE(r);
  const std::string edit = json::parse(r->body)["run_id"];
  r = c->Post(("/api/v1/runs/" + edit + "/publish").c_str(), "", "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  a = json::parse(r->body);
  EXPECT_EQ(a["superseded"], json::array({run}));
  const json old = get_json(*c, "/api/v1/runs/" + run);
  EXPECT_EQ(old["publication"], "superseded");
  EXPECT_EQ(old["superseded_by"], edit);
  EXPECT_EQ(get_json(*c, "/api/v1/runs/" + edit)["publication"], "published");

  // Another scope of the same week is its own publication.
  const std::string other = solve_run(*c, week_body());
  r = post(*c, "/api/v1/runs/" + other + "/publish", {{"scope", "depot-nord"}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_TRUE(json::parse(r->body)["superseded"].empty());
  EXPECT_EQ(get_json(*c, "/api/v1/runs/" + edit)["publication"], "published");

  r = c->Post("/api/v1/runs/run_nope/publish", "", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
}

TEST_F(DispatchApi, VersionsListTheLineage) {
  auto r = post(*c, check_url(), {{"moves", moves({{"T5", t5_other}})}, {"save", true}});
  const std::string e1 = json::parse(r->body)["run_id"];
  r = post(*c, "/api/v1/runs/" + e1 + "/check", {{"moves", moves({{"T5", "new"}})}, {"save", true}});
  ASSERT_EQ(r->status, 201) << r->body;
  const std::string e2 = json::parse(r->body)["run_id"];
  r = post(*c, check_url(), {{"moves", moves({{"T5", t5_other}})}, {"save", true}});
  const std::string sibling = json::parse(r->body)["run_id"];

  json v = get_json(*c, "/api/v1/runs/" + e1 + "/versions");
  EXPECT_EQ(v["root_run_id"], run);
  ASSERT_EQ(v["versions"].size(), 3u) << v.dump();  // root, e1, e2 (the sibling is not in e1's lineage)
  EXPECT_EQ(v["versions"][0]["run_id"], run);
  EXPECT_EQ(v["versions"][0]["kind"], "solve");
  EXPECT_EQ(v["versions"][0]["relation"], "ancestor");
  EXPECT_TRUE(v["versions"][0]["parent_run_id"].is_null());
  EXPECT_EQ(v["versions"][1]["run_id"], e1);
  EXPECT_EQ(v["versions"][1]["relation"], "self");
  EXPECT_EQ(v["versions"][1]["kind"], "edit");
  EXPECT_EQ(v["versions"][1]["parent_run_id"], run);
  EXPECT_EQ(v["versions"][2]["run_id"], e2);
  EXPECT_EQ(v["versions"][2]["relation"], "descendant");
  EXPECT_EQ(v["versions"][2]["parent_run_id"], e1);
  EXPECT_EQ(v["versions"][2]["drivers_total"], 3);  // T5 went to a new driver
  for (const auto& item : v["versions"]) {
    EXPECT_EQ(item["status"], "COMPLETED");
    EXPECT_TRUE(item.contains("created_at"));
    EXPECT_TRUE(item.contains("publication"));
  }
  v = get_json(*c, "/api/v1/runs/" + run + "/versions");
  std::set<std::string> ids;
  for (const auto& item : v["versions"]) ids.insert(item["run_id"]);
  EXPECT_EQ(ids, (std::set<std::string>{run, e1, e2, sibling}));
  get_json(*c, "/api/v1/runs/run_nope/versions", 404);
}

TEST_F(DispatchApi, CompareShowsConfigInHoursKpiDeltasAndPerDriverDifferences) {
  json body = week_body();
  body["policy"] = {{"max_weekly_minutes", 3000}, {"min_rest_minutes", 690}};
  const std::string other = solve_run(*c, body);
  json cmp = get_json(*c, "/api/v1/runs/compare?a=" + run + "&b=" + other);
  EXPECT_EQ(cmp["a"]["run_id"], run);
  EXPECT_EQ(cmp["b"]["run_id"], other);
  EXPECT_EQ(cmp["config"]["same"], false);
  std::map<std::string, json> diffs;
  for (const auto& d : cmp["config"]["differences"]) diffs[d["name"]] = d;
  ASSERT_TRUE(diffs.count("max_weekly_minutes")) << cmp["config"].dump();
  EXPECT_EQ(diffs["max_weekly_minutes"]["a_text"], "55 h");
  EXPECT_EQ(diffs["max_weekly_minutes"]["b_text"], "50 h");
  EXPECT_EQ(diffs["max_weekly_minutes"]["unit"], "h");
  EXPECT_EQ(diffs["max_weekly_minutes"]["delta_text"], "-5 h");
  EXPECT_EQ(diffs["min_rest_minutes"]["b_text"], "11.5 h");
  EXPECT_FALSE(diffs.count("max_span_3er_minutes"));  // unchanged rules are not listed

  // An edit that gives T5 to a new driver: one more driver, T5 moved.
  auto r = post(*c, check_url(), {{"moves", moves({{"T5", "new"}})}, {"save", true}});
  ASSERT_EQ(r->status, 201) << r->body;
  const std::string edit = json::parse(r->body)["run_id"];
  cmp = get_json(*c, "/api/v1/runs/compare?a=" + run + "&b=" + edit);
  EXPECT_EQ(cmp["config"]["same"], true);
  EXPECT_EQ(cmp["kpis"]["drivers_total"]["a"], 2);
  EXPECT_EQ(cmp["kpis"]["drivers_total"]["b"], 3);
  EXPECT_EQ(cmp["kpis"]["drivers_total"]["delta"], 1);
  EXPECT_EQ(cmp["tours_moved"], 1);
  std::map<std::string, json> changed;
  for (const auto& d : cmp["drivers"]["changed"]) changed[d["driver_id"]] = d;
  ASSERT_EQ(changed.size(), 2u) << cmp["drivers"].dump();
  EXPECT_EQ(changed[t5_driver]["lost"], json::array({"T5"}));
  EXPECT_TRUE(changed[t5_driver]["gained"].empty());
  EXPECT_EQ(changed["D003"]["gained"], json::array({"T5"}));
  EXPECT_EQ(cmp["drivers"]["only_in_b"], json::array({"D003"}));
  EXPECT_EQ(cmp["drivers"]["unchanged_count"], 1);

  // Route order: /runs/compare is the comparison, not a run called "compare".
  r = c->Get("/api/v1/runs/compare?a=" + run);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422) << r->body;
  EXPECT_NE(r->body.find("\"b\""), std::string::npos);
  get_json(*c, "/api/v1/runs/compare?a=" + run + "&b=run_nope", 404);
}

TEST_F(DispatchApi, CandidatesAreRankedAndEachOneChecksAsItClaims) {
  json l = get_json(*c, "/api/v1/runs/" + run + "/tours/T5/candidates?limit=5");
  EXPECT_EQ(l["tour"]["tour_id"], "T5");
  EXPECT_EQ(l["tour"]["current_driver"], t5_driver);
  ASSERT_GE(l["candidates"].size(), 2u) << l.dump();
  // The other driver takes it on a new working day; a new virtual driver comes after.
  EXPECT_EQ(l["candidates"][0]["driver_id"], t5_other);
  EXPECT_EQ(l["candidates"][0]["type"], "direct");
  EXPECT_EQ(l["candidates"][0]["change"], "new_day");
  EXPECT_EQ(l["candidates"][0]["block_type"], "1er");
  EXPECT_EQ(l["candidates"][0]["rank"], 1);
  EXPECT_EQ(l["candidates"][1]["driver_id"], "D003");
  EXPECT_EQ(l["candidates"][1]["change"], "new_driver");
  for (const auto& cand : l["candidates"]) {
    auto r = post(*c, check_url(), {{"moves", cand["moves"]}});
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(json::parse(r->body)["ok"], cand["audit_clean"]) << cand.dump();
  }
  get_json(*c, "/api/v1/runs/" + run + "/tours/T77/candidates", 404);
  get_json(*c, "/api/v1/runs/" + run + "/tours/T5/candidates?limit=0", 422);
}

// A larger solved week: every candidate of many tours (direct and one-ejection) is verified by
// /check with exactly its moves; direct ones come first.
TEST(DispatchApiWeek, EveryCandidateOfASolvedWeekIsVerifiedByCheck) {
  LiveService svc;
  auto c = svc.client();
  for (int driver_mode = 0; driver_mode <= 1; ++driver_mode) {
    json body = {{"tours", test::synthetic_tours(14, 4, 5 + driver_mode)}, {"seed", 1}, {"time_limit_seconds", 10}};
    if (driver_mode) {
      json drivers = json::array();
      for (int i = 1; i <= 30; ++i) {
        std::string id = "F", name = "Fahrer ";  // appended: GCC 12 warns falsely (-Wrestrict) on "F" + to_string
        id += std::to_string(i);
        name += std::to_string(i);
        drivers.push_back({{"id", id}, {"name", name}});
      }
      body["drivers"] = drivers;
    }
    const std::string run = solve_run(c, body);
    int checked = 0, ejections = 0;
    for (int t = 1; t <= 56; t += 5) {
      char tid[16];
      std::snprintf(tid, sizeof tid, "T%04d", t);
      const json l = get_json(c, "/api/v1/runs/" + run + "/tours/" + tid + "/candidates?limit=6");
      bool seen_ejection = false;
      for (const auto& cand : l["candidates"]) {
        if (cand["type"] == "ejection") {
          seen_ejection = true;
          ++ejections;
          ASSERT_EQ(cand["moves"].size(), 2u);
          EXPECT_EQ(cand["moves"][0]["tour_id"], cand["handover"]["tour_id"]);
          EXPECT_EQ(cand["moves"][0]["to_driver"], cand["handover"]["to_driver"]);
        } else {
          EXPECT_FALSE(seen_ejection) << "direct after ejection: " << l.dump();
        }
        EXPECT_NE(cand["driver_id"], l["tour"]["current_driver"]);
        auto r = post(c, "/api/v1/runs/" + run + "/check", {{"moves", cand["moves"]}});
        ASSERT_TRUE(r);
        ASSERT_EQ(r->status, 200) << r->body;
        const json a = json::parse(r->body);
        EXPECT_EQ(a["ok"], cand["audit_clean"]) << tid << " " << cand.dump() << "\n" << a["violations"].dump();
        ++checked;
      }
    }
    EXPECT_GT(checked, 15);
    std::printf("[candidates-http] mode %d: %d checked, %d one-ejection\n", driver_mode, checked, ejections);
  }
}

TEST(DispatchApiStore, RetentionKeepsThePublishedPlanWhilePruningOthers) {
  LiveService svc([](ServerOptions& o) { o.max_stored_runs = 2; });
  auto c = svc.client();
  const std::string published = solve_run(c, week_body());
  auto r = c.Post(("/api/v1/runs/" + published + "/publish").c_str(), "", "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const std::string plain = solve_run(c, week_body());
  std::vector<std::string> later;
  for (int i = 0; i < 3; ++i) later.push_back(solve_run(c, week_body()));
  get_json(c, "/api/v1/runs/" + published);            // kept: published
  get_json(c, "/api/v1/runs/" + published + "/plan");  // with its documents
  get_json(c, "/api/v1/runs/" + plain, 404);           // pruned
  get_json(c, "/api/v1/runs/" + later.back());
}

TEST(DispatchApiStore, RunsWithoutAPlanAnswer409) {
  LiveService svc({}, [](const SolveRequest&, const SolveControl&) -> PlanReport {
    throw std::runtime_error("boom");
  });
  auto c = svc.client();
  const std::string failed = solve_run(c, week_body());
  EXPECT_EQ(get_json(c, "/api/v1/runs/" + failed)["status"], "FAILED");
  auto r = post(c, "/api/v1/runs/" + failed + "/check", json::object());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 409) << r->body;
  EXPECT_NE(r->body.find("without a plan"), std::string::npos) << r->body;
  get_json(c, "/api/v1/runs/" + failed + "/tours/T1/candidates", 409);
  r = c.Post(("/api/v1/runs/" + failed + "/publish").c_str(), "", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 409);
}

// A CSV run (week, seed and time limit in the query string) is re-read with what it ran with, also
// when it was stored before the normalized input existed (input_json NULL: the body is re-parsed).
TEST(DispatchApiStore, ACsvRunCanBeEdited) {
  test::TempDir dir;
  std::string id;
  {
    LiveService first(nullptr, nullptr, dir.str());
    auto c = first.client();
    auto r = c.Post("/api/v1/runs?seed=5&time_limit_seconds=10&week_start=2030-02-04", test::synthetic_csv(3, 2, 2), "text/csv");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 201) << r->body;
    id = json::parse(r->body)["run_id"];
    for (int i = 0; i < 400 && get_json(c, "/api/v1/runs/" + id)["status"] != "COMPLETED"; ++i) std::this_thread::sleep_for(50ms);
  }
  store_sql(dir.str(), "UPDATE runs SET input_json = NULL WHERE id='" + id + "'");
  LiveService svc(nullptr, nullptr, dir.str());  // a new process on the old row: nothing cached
  auto c = svc.client();
  auto r = post(c, "/api/v1/runs/" + id + "/check", {{"moves", moves({{"T0001", "new"}})}, {"save", true}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  const json v = get_json(c, "/api/v1/runs/" + json::parse(r->body)["run_id"].get<std::string>());
  EXPECT_EQ(v["week_start"], "2030-02-04");
  EXPECT_EQ(v["seed"], 5);
}

}  // namespace
}  // namespace so
