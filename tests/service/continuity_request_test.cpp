// dispatch.md §3 through the API request parsing (POST /schedule, /runs): drivers[].previous_week
// reaches the solve request, its errors are 422 with their JSON location, and a previous_plan
// keeps its week_start, days and times so a plan of the week before carries into this week.
#include <gtest/gtest.h>

#include "service/request.hpp"
#include "service_test_util.hpp"
#include "solver/solve.hpp"

namespace so {
namespace {

using json = nlohmann::json;

SolveParseResult parse(const json& body) {
  return parse_solve_request("application/json", body.dump(), {}, SolverConfig{}, "2030-01-07");
}

json monday_tour() {
  return json::array({{{"id", "T1"}, {"day", "Mon"}, {"start_time", "06:00"}, {"end_time", "10:30"}}});
}

TEST(ContinuityRequest, PreviousWeekReachesTheSolveRequest) {
  const json body = {{"tours", monday_tour()},
                     {"week_start", "2030-01-07"},
                     {"drivers", json::parse(R"([
                         {"id": "D1", "previous_week": {"last_end": {"day": "Sun", "time": "23:00"}, "consecutive_days_worked": 2}},
                         {"id": "D2"}])")}};
  auto r = parse(body);
  ASSERT_TRUE(r.solve) << r.error->body.dump();
  const SolveRequest& q = r.solve->request;
  ASSERT_EQ(q.drivers.size(), 2u);
  EXPECT_EQ(q.drivers[0].previous_last_end, std::optional<Minutes>(-60));
  EXPECT_EQ(q.drivers[0].previous_streak, 2);
  EXPECT_EQ(q.drivers[1].previous_last_end, std::nullopt);
  // Solved: the rested driver takes Monday 06:00.
  SolveRequest run = q;
  run.time_limit_seconds = 5;
  const PlanReport rep = solve(run);
  EXPECT_EQ(rep.status, "OK");
  ASSERT_EQ(rep.plan.rosters.size(), 1u);
  EXPECT_EQ(rep.plan.rosters[0].driver_id, "D2");
}

TEST(ContinuityRequest, PreviousWeekErrorsAre422WithTheirLocation) {
  const json body = {{"tours", monday_tour()},
                     {"drivers", json::parse(R"([
                         {"id": "D1", "previous_week": {"last_end": {"day": "Xyz", "time": "23:00"}}},
                         {"id": "D2", "previous_week": {"consecutive_days_worked": 9}}])")}};
  auto r = parse(body);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->status, 422);
  std::set<std::string> locs;
  for (const auto& p : r.error->body["detail"]) locs.insert(p["loc"].dump());
  EXPECT_EQ(locs, (std::set<std::string>{R"(["body","drivers",0,"previous_week","last_end","day"])",
                                         R"(["body","drivers",1,"previous_week","consecutive_days_worked"])"}));
}

TEST(ContinuityRequest, LastWeeksPlanCarriesIntoThisWeek) {
  const json body = {{"tours", monday_tour()},
                     {"week_start", "2030-01-07"},
                     {"drivers", json::parse(R"([{"id": "D1"}, {"id": "D2"}])")},
                     {"previous_plan", json::parse(R"({"week_start": "2029-12-31", "drivers": [
                         {"driver_id": "D1", "blocks": [{"day": "Sun", "start": "18:30", "end": "23:00",
                           "tours": [{"id": "T9", "start_time": "18:30", "end_time": "23:00"}]}]}]})")}};
  auto r = parse(body);
  ASSERT_TRUE(r.solve) << r.error->body.dump();
  SolveRequest q = r.solve->request;
  ASSERT_EQ(q.previous.size(), 1u);
  EXPECT_EQ(q.previous[0].week_start, "2029-12-31");
  q.time_limit_seconds = 5;
  const PlanReport rep = solve(q);
  EXPECT_EQ(rep.status, "OK");
  EXPECT_EQ(rep.driver_mode.previous_week_drivers, 1);
  ASSERT_EQ(rep.plan.rosters.size(), 1u);
  EXPECT_EQ(rep.plan.rosters[0].driver_id, "D2");  // D1 ended last Sunday 23:00: 7 h before 06:00
}

}  // namespace
}  // namespace so
