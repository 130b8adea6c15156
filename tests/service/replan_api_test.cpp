// POST /api/v1/replan (dispatch.md §2) against the real solver on a loopback port: a re-plan of a
// finished driver-mode run around a sick driver (async like POST /runs, a version of its base,
// the call list in its plan and exports, check/candidates honour its frozen tours), a base
// given as a plan JSON, and bad bodies answered 4xx naming the item with nothing stored.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
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

json get_json(httplib::Client& c, const std::string& path) {
  auto r = c.Get(path.c_str());
  EXPECT_TRUE(r && r->status == 200) << path << ": " << (r ? r->body : "no answer");
  return r && r->status == 200 ? json::parse(r->body) : json();
}

// Six drivers, each with a fixed Mon–Fri 06:00–10:00 + 10:30–14:30 day would be too regular;
// a generated week: 3 tours a day Mon–Sat, D1–D5 in the pool (two spares beyond the plan's need).
json week_body() {
  json tours = json::array();
  const char* days[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  int n = 0;
  for (const char* d : days)
    for (const char* w : {"06:00-10:00", "10:30-14:30", "07:00-11:00"}) {
      const std::string win = w;
      char id[8];
      std::snprintf(id, sizeof id, "T%02d", ++n);
      tours.push_back({{"id", id}, {"day", d}, {"start_time", win.substr(0, 5)}, {"end_time", win.substr(6)}});
    }
  json drivers = json::array();
  for (int i = 1; i <= 5; ++i) drivers.push_back({{"id", "D" + std::to_string(i)}, {"name", "Fahrer " + std::to_string(i)}});
  return {{"tours", tours}, {"drivers", drivers}, {"seed", 3}, {"time_limit_seconds", 10}, {"week_start", "2030-01-07"}};
}

std::map<std::string, std::string> driver_of(const json& plan) {
  std::map<std::string, std::string> m;
  for (const auto& d : plan["drivers"])
    for (const auto& b : d["blocks"])
      for (const auto& t : b["tours"]) m[t["id"]] = d["driver_id"];
  return m;
}

class ReplanApi : public ::testing::Test {
 protected:
  void SetUp() override {
    svc = std::make_unique<LiveService>();
    c = std::make_unique<httplib::Client>(svc->client());
    auto r = post(*c, "/api/v1/runs", week_body());
    ASSERT_TRUE(r && r->status == 201) << (r ? r->body : "");
    base = json::parse(r->body)["run_id"];
    ASSERT_EQ(test::wait_final(*c, base), "COMPLETED");
    base_plan = get_json(*c, "/api/v1/runs/" + base + "/plan");
    // The sick driver: one with a Wednesday-or-later tour.
    for (const auto& [tour, d] : driver_of(base_plan))
      if (std::stoi(tour.substr(1)) > 6) sick = d;
    ASSERT_FALSE(sick.empty());
  }
  json sick_body() const {
    return {{"base_run_id", base},
            {"frozen_until", {{"day", "Wed"}, {"time", "00:00"}}},
            {"changes", {{"driver_unavailable", json::array({{{"driver_id", sick},
                                                              {"from", {{"day", "Wed"}, {"time", "00:00"}}},
                                                              {"to", {{"day", "Sun"}, {"time", "23:59"}}},
                                                              {"reason", "sick"}}})}}},
            {"time_limit_seconds", 10}};
  }
  std::unique_ptr<LiveService> svc;
  std::unique_ptr<httplib::Client> c;
  std::string base, sick;
  json base_plan;
};

TEST_F(ReplanApi, SickDriverReplanIsAVersionWithItsCallList) {
  auto r = post(*c, "/api/v1/replan", sick_body());
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  const json created = json::parse(r->body);
  const std::string id = created["run_id"];
  EXPECT_EQ(created["parent_run_id"], base);
  EXPECT_EQ(r->get_header_value("Location"), "/api/v1/runs/" + id);
  ASSERT_EQ(test::wait_final(*c, id), "COMPLETED");
  const json view = get_json(*c, "/api/v1/runs/" + id);
  EXPECT_EQ(view["kind"], "replan");
  EXPECT_EQ(view["parent_run_id"], base);
  const json plan = get_json(*c, "/api/v1/runs/" + id + "/plan");
  EXPECT_TRUE(plan["audit"]["ok"].get<bool>()) << plan["audit"].dump();
  const json& ch = plan["changes"];
  EXPECT_EQ(ch["base_run_id"], base);
  EXPECT_EQ(ch["frozen_until"], json::parse(R"({"day":"Wed","time":"00:00"})"));
  EXPECT_EQ(ch["frozen_tours"], 6);
  EXPECT_EQ(ch["drivers_affected"], 2) << ch.dump();
  // Monday and Tuesday stay with their base drivers; the sick driver keeps nothing after Wednesday.
  const auto before = driver_of(base_plan), after = driver_of(plan);
  int moved = 0;
  for (const auto& [tour, d] : before) {
    if (std::stoi(tour.substr(1)) <= 6) EXPECT_EQ(after.at(tour), d) << tour;
    if (after.at(tour) != d) {
      EXPECT_EQ(d, sick) << tour;
      ++moved;
    }
  }
  EXPECT_EQ(ch["assignments_changed"], moved);
  // The lineage and the exports carry it.
  const json versions = get_json(*c, "/api/v1/runs/" + id + "/versions");
  std::set<std::string> ids;
  for (const auto& v : versions["versions"]) ids.insert(v["run_id"].get<std::string>());
  EXPECT_TRUE(ids.count(base) && ids.count(id));
  auto csv = c->Get(("/api/v1/runs/" + id + "/export/roster.csv").c_str());
  ASSERT_TRUE(csv && csv->status == 200);
  EXPECT_NE(csv->body.find("\xC3\x84nderung"), std::string::npos);
  // Edits of the re-plan: a driven (frozen) tour is refused, an open one is checked.
  std::string monday_driver = after.at("T01");
  r = post(*c, "/api/v1/runs/" + id + "/check",
           {{"moves", json::array({{{"tour_id", "T01"}, {"to_driver", monday_driver == "D1" ? "D2" : "D1"}}})}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422) << r->body;
}

TEST_F(ReplanApi, BaseAsAPlanJsonWithItsTours) {
  json body = sick_body();
  body.erase("base_run_id");
  body["base_plan"] = base_plan;
  const json week = week_body();
  body["tours"] = week["tours"];
  body["drivers"] = week["drivers"];
  auto r = post(*c, "/api/v1/replan", body);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  const std::string id = json::parse(r->body)["run_id"];
  EXPECT_TRUE(json::parse(r->body)["parent_run_id"].is_null());
  ASSERT_EQ(test::wait_final(*c, id), "COMPLETED");
  const json plan = get_json(*c, "/api/v1/runs/" + id + "/plan");
  EXPECT_TRUE(plan["audit"]["ok"].get<bool>());
  EXPECT_EQ(plan["changes"]["drivers_affected"], 2);
  EXPECT_TRUE(plan["changes"]["base_run_id"].is_null());
}

TEST_F(ReplanApi, BadBodiesNameTheItemAndStoreNothing) {
  const int runs_before = get_json(*c, "/api/v1/runs")["count"];
  auto expect_problem = [&](const json& body, int status, const std::string& needle, const json& loc = nullptr) {
    auto r = post(*c, "/api/v1/replan", body);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, status) << body.dump().substr(0, 200) << " -> " << r->body;
    EXPECT_NE(r->body.find(needle), std::string::npos) << r->body;
    if (!loc.is_null()) EXPECT_EQ(json::parse(r->body)["detail"][0]["loc"], loc) << r->body;
  };
  json b = sick_body();
  b["changes"]["driver_unavailable"][0]["driver_id"] = "D99";
  expect_problem(b, 422, "unknown driver 'D99'", json::parse(R"(["body","changes","driver_unavailable",0])"));
  b = sick_body();
  b["changes"]["driver_unavailable"][0]["to"] = {{"day", "Tue"}, {"time", "00:00"}};
  expect_problem(b, 422, "ends before it starts");
  b = sick_body();
  b["changes"] = {{"tours_added", json::array({{{"id", "T03"}, {"day", "Thu"}, {"start_time", "06:00"}, {"end_time", "09:00"}}})}};
  expect_problem(b, 422, "tour id 'T03' already exists", json::parse(R"(["body","changes","tours_added",0])"));
  b["changes"] = {{"tours_cancelled", json::array({"T02"})}};  // Monday: driven
  expect_problem(b, 422, "is frozen");
  b["changes"] = {{"tours_changed", json::array({{{"id", "T42"}, {"start_time", "07:00"}}})}};
  expect_problem(b, 422, "unknown tour 'T42'");
  b["changes"] = {{"tours_canceled", json::array({"T10"})}};
  expect_problem(b, 422, "unknown change 'tours_canceled'");
  b = sick_body();
  b.erase("frozen_until");
  expect_problem(b, 422, "frozen_until");
  b = sick_body();
  b["base_run_id"] = "run_nope";
  expect_problem(b, 404, "run_nope");
  b = sick_body();
  b.erase("base_run_id");
  expect_problem(b, 422, "base_run_id");
  // A base plan that does not match its forecast.
  b = sick_body();
  b.erase("base_run_id");
  json wrong = base_plan;
  wrong["drivers"][0]["blocks"][0]["tours"][0]["id"] = "T77";
  b["base_plan"] = wrong;
  b["tours"] = week_body()["tours"];
  b["drivers"] = week_body()["drivers"];
  expect_problem(b, 422, "base plan: tour 'T77' is not in the forecast");
  auto r = c->Post("/api/v1/replan", "x", "text/csv");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 415);
  EXPECT_EQ(get_json(*c, "/api/v1/runs")["count"], runs_before);  // nothing half-stored
}

}  // namespace
}  // namespace so

namespace so {
namespace {

// Last week's plan (week_start 7 days earlier) carries D1's Sunday-night end into this week;
// a hand edit giving D1 a Monday-morning tour must be checked against that rest (dispatch.md §3, §4).
TEST(ReplanApiContinuity, EditsSeeTheRestFromLastWeeksPlan) {
  LiveService svc;
  httplib::Client c = svc.client();
  const json body = json::parse(R"({
    "tours": [{"id": "T1", "day": "Mon", "start_time": "06:00", "end_time": "10:00"},
              {"id": "T2", "day": "Mon", "start_time": "06:30", "end_time": "10:30"}],
    "drivers": [{"id": "D1"}, {"id": "D2"}, {"id": "D3"}],
    "previous_plan": {"week_start": "2029-12-31", "drivers": [{"driver_id": "D1", "blocks": [
        {"day": "Sun", "tours": [{"id": "L1", "start_time": "19:00", "end_time": "23:00"}]}]}]},
    "week_start": "2030-01-07", "seed": 1, "time_limit_seconds": 10})");
  auto r = post(c, "/api/v1/runs", body);
  ASSERT_TRUE(r && r->status == 201) << (r ? r->body : "");
  const std::string id = json::parse(r->body)["run_id"];
  ASSERT_EQ(test::wait_final(c, id), "COMPLETED");
  const auto held = driver_of(get_json(c, "/api/v1/runs/" + id + "/plan"));
  ASSERT_NE(held.at("T1"), "D1");  // the solver already kept D1 off Monday morning
  r = post(c, "/api/v1/runs/" + id + "/check", {{"moves", json::array({{{"tour_id", "T1"}, {"to_driver", "D1"}}})}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json check = json::parse(r->body);
  EXPECT_FALSE(check["ok"].get<bool>()) << r->body;
  bool rest = false;
  for (const auto& v : check["violations"]) rest = rest || (v["code"] == "DRIVER_REST_VIOLATION" && v["driver_id"] == "D1");
  EXPECT_TRUE(rest) << check["violations"].dump();
}

}  // namespace
}  // namespace so
