// dispatch.md §3, continuity across weeks, as input: "previous_week" in the drivers JSON (API
// body and files), the drivers CSV columns previous_last_end / previous_streak, the echo of
// driver_to_json, and a previous plan's week, days and times (last week's plan).
#include <gtest/gtest.h>

#include <set>

#include "core/driver.hpp"
#include "io/drivers.hpp"
#include "io/plan_json.hpp"
#include "io_test_util.hpp"

namespace so {
namespace {

using nlohmann::json;

std::vector<JsonProblem> problems_of(const json& drivers) {
  std::vector<JsonProblem> p;
  drivers_from_json(drivers, p);
  return p;
}

std::string only_problem(const json& item) {
  auto p = problems_of(json::array({item}));
  if (p.size() != 1) return "expected 1 problem, got " + std::to_string(p.size());
  return p[0].loc.dump() + "|" + p[0].type;
}

std::string error_of(const std::string& content, const std::string& source) {
  try {
    parse_drivers(content, source);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(PreviousWeekJson, LastEndAndStreak) {
  std::vector<JsonProblem> p;
  auto ds = drivers_from_json(json::parse(R"([
      {"id": "A", "previous_week": {"last_end": {"day": "Sun", "time": "22:30"}, "consecutive_days_worked": 3}},
      {"id": "B", "previous_week": {"last_end": {"day": "Saturday", "time": "23:00"}}},
      {"id": "C", "previous_week": {"consecutive_days_worked": 6}},
      {"id": "D", "previous_week": {"last_end": {"day": "Mon", "time": "01:30", "week": "current"}}},
      {"id": "E", "previous_week": {}},
      {"id": "F", "previous_week": null},
      {"id": "G"}])"),
                              p);
  ASSERT_TRUE(p.empty()) << p[0].msg;
  ASSERT_EQ(ds.size(), 7u);
  EXPECT_EQ(ds[0].previous_last_end, std::optional<Minutes>(-90));
  EXPECT_EQ(ds[0].previous_streak, 3);
  EXPECT_EQ(ds[1].previous_last_end, std::optional<Minutes>(23 * 60 - 2 * 1440));
  EXPECT_EQ(ds[1].previous_streak, 0);
  EXPECT_EQ(ds[2].previous_last_end, std::nullopt);
  EXPECT_EQ(ds[2].previous_streak, 6);
  EXPECT_EQ(ds[3].previous_last_end, std::optional<Minutes>(90));
  for (size_t i = 4; i < 7; ++i) {  // empty, null, absent: no constraint
    EXPECT_EQ(ds[i].previous_last_end, std::nullopt) << i;
    EXPECT_EQ(ds[i].previous_streak, 0) << i;
  }
}

TEST(PreviousWeekJson, EveryErrorHasItsLocationAndType) {
  const std::string at = R"(["body","drivers",0,"previous_week")";
  EXPECT_EQ(only_problem(json::parse(R"({"id":"A","previous_week":3})")), at + "]|type_error.dict");
  EXPECT_EQ(only_problem(json::parse(R"({"id":"A","previous_week":{"last_end":"Sun 22:30"}})")),
            at + R"(,"last_end"]|type_error.dict)");
  EXPECT_EQ(only_problem(json::parse(R"({"id":"A","previous_week":{"last_end":{"day":"Sonntag?","time":"22:30"}}})")),
            at + R"(,"last_end","day"]|value_error.day)");
  EXPECT_EQ(only_problem(json::parse(R"({"id":"A","previous_week":{"last_end":{"time":"22:30"}}})")),
            at + R"(,"last_end","day"]|value_error.missing)");
  EXPECT_EQ(only_problem(json::parse(R"({"id":"A","previous_week":{"last_end":{"day":"Sun","time":"24:30"}}})")),
            at + R"(,"last_end","time"]|value_error.time)");
  EXPECT_EQ(only_problem(json::parse(R"({"id":"A","previous_week":{"last_end":{"day":"Sun","time":2230}}})")),
            at + R"(,"last_end","time"]|type_error.str)");
  EXPECT_EQ(only_problem(json::parse(R"({"id":"A","previous_week":{"last_end":{"day":"Sun"}}})")),
            at + R"(,"last_end","time"]|value_error.missing)");
  EXPECT_EQ(only_problem(json::parse(R"({"id":"A","previous_week":{"last_end":{"day":"Sun","time":"22:30","week":"next"}}})")),
            at + R"(,"last_end","week"]|value_error.enum)");
  EXPECT_EQ(only_problem(json::parse(R"({"id":"A","previous_week":{"last_end":{"day":"Tue","time":"01:00","week":"current"}}})")),
            at + R"(,"last_end","week"]|value_error.week)");
  EXPECT_EQ(only_problem(json::parse(R"({"id":"A","previous_week":{"consecutive_days_worked":-1}})")),
            at + R"(,"consecutive_days_worked"]|value_error.number.not_ge)");
  EXPECT_EQ(only_problem(json::parse(R"({"id":"A","previous_week":{"consecutive_days_worked":8}})")),
            at + R"(,"consecutive_days_worked"]|value_error.number.not_le)");
  EXPECT_EQ(only_problem(json::parse(R"({"id":"A","previous_week":{"consecutive_days_worked":"3"}})")),
            at + R"(,"consecutive_days_worked"]|type_error.integer)");
  EXPECT_EQ(only_problem(json::parse(R"({"id":"A","previous_week":{"consecutive_days_worked":2.5}})")),
            at + R"(,"consecutive_days_worked"]|type_error.integer)");
}

TEST(PreviousWeekJson, FileErrorsNameTheJsonPathAndValue) {
  EXPECT_EQ(error_of(R"({"drivers":[{"id":"D1"},{"id":"D2","previous_week":{"last_end":{"day":"Xday","time":"22:30"}}}]})",
                     "pool.json"),
            "pool.json: drivers[1].previous_week.last_end.day: unknown day 'Xday' (expected a day name (Mon…Sun, "
            "Monday…Sunday, Montag…Sonntag, Mo…So) or 1..7 (1 = Monday))");
  EXPECT_EQ(error_of(R"([{"id":"D1","previous_week":{"consecutive_days_worked":9}}])", "pool.json"),
            "pool.json: [0].previous_week.consecutive_days_worked: must be at most 7 '9' (expected a whole number of "
            "days 0..7)");
  EXPECT_EQ(error_of(R"([{"id":"D1","previous_week":{"last_end":{"day":"Sun","time":"7 pm"}}}])", "pool.json"),
            "pool.json: [0].previous_week.last_end.time: bad time '7 pm' (expected HH:MM, 00:00–23:59)");
}

TEST(PreviousWeekJson, RoundTripThroughDriverToJson) {
  Driver a;
  a.id = "A";
  a.previous_last_end = -90;
  a.previous_streak = 3;
  Driver b;
  b.id = "B";
  b.previous_streak = 6;
  Driver c;
  c.id = "C";
  c.previous_last_end = 90;  // this Monday 01:30
  Driver none;
  none.id = "N";
  const json ja = driver_to_json(a);
  EXPECT_EQ(ja["previous_week"],
            json::parse(R"({"last_end":{"day":"Sun","time":"22:30"},"consecutive_days_worked":3})"));
  EXPECT_EQ(driver_to_json(b)["previous_week"], json::parse(R"({"last_end":null,"consecutive_days_worked":6})"));
  EXPECT_EQ(driver_to_json(c)["previous_week"],
            json::parse(R"({"last_end":{"day":"Mon","time":"01:30","week":"current"},"consecutive_days_worked":0})"));
  EXPECT_TRUE(driver_to_json(none)["previous_week"].is_null());
  std::vector<JsonProblem> p;
  const auto back = drivers_from_json(
      json::array({ja, driver_to_json(b), driver_to_json(c), driver_to_json(none)}), p);
  ASSERT_TRUE(p.empty()) << p[0].msg;
  EXPECT_EQ(back, (std::vector<Driver>{a, b, c, none}));
}

TEST(PreviousWeekCsv, ColumnsAndErrors) {
  auto ds = parse_drivers(
      "id;previous_last_end;previous_streak\n"
      "A;Sun 22:30;3\n"
      "B;;6\n"
      "C;Mon 01:30 current;\n"
      "D;So 23:00;0\n"
      "E;;\n",
      "pool.csv");
  ASSERT_EQ(ds.size(), 5u);
  EXPECT_EQ(ds[0].previous_last_end, std::optional<Minutes>(-90));
  EXPECT_EQ(ds[0].previous_streak, 3);
  EXPECT_EQ(ds[1].previous_last_end, std::nullopt);
  EXPECT_EQ(ds[1].previous_streak, 6);
  EXPECT_EQ(ds[2].previous_last_end, std::optional<Minutes>(90));
  EXPECT_EQ(ds[3].previous_last_end, std::optional<Minutes>(-60));
  EXPECT_EQ(ds[4].previous_last_end, std::nullopt);
  EXPECT_EQ(ds[4].previous_streak, 0);
  // The alias column name of the JSON field.
  auto alias = parse_drivers("id,consecutive_days_worked\nA,2\n", "pool.csv");
  EXPECT_EQ(alias.at(0).previous_streak, 2);

  const std::string head = "id,previous_last_end,previous_streak\n";
  EXPECT_EQ(error_of(head + "A,Sun 25:00,\n", "pool.csv"),
            "pool.csv:2: previous_last_end: bad last end of the previous week 'Sun 25:00' (expected DAY HH:MM of last "
            "week, e.g. Sun 22:30 (or Mon 01:30 current))");
  EXPECT_NE(error_of(head + "A,Xyz 22:30,\n", "pool.csv").find("pool.csv:2: previous_last_end: bad last end"),
            std::string::npos);
  EXPECT_NE(error_of(head + "A,Tue 01:00 current,\n", "pool.csv").find("pool.csv:2: previous_last_end:"),
            std::string::npos);
  EXPECT_EQ(error_of(head + "A,,8\n", "pool.csv"),
            "pool.csv:2: previous_streak: out of range '8' (expected a whole number of days 0..7)");
  EXPECT_EQ(error_of(head + "A,,-1\n", "pool.csv"),
            "pool.csv:2: previous_streak: out of range '-1' (expected a whole number of days 0..7)");
  EXPECT_EQ(error_of(head + "A,,2.5\n", "pool.csv"),
            "pool.csv:2: previous_streak: not a whole number '2.5' (expected a whole number of days 0..7)");
}

TEST(PreviousPlanWeek, PlanJsonKeepsWeekDaysAndTimes) {
  std::vector<JsonProblem> p;
  auto a = previous_from_json(json::parse(R"({"week_start":"2025-02-24","drivers":[
      {"driver_id":"D1","blocks":[
         {"day":"Sun","start":"14:00","end":"22:30",
          "tours":[{"id":"T1","start_time":"14:00","end_time":"18:30"},{"id":"T2","start_time":"18:00","end_time":"22:30"}]},
         {"day":"Sat","start":"21:00","end":"01:00","tours":["T3"]}]}]})"),
                              p);
  ASSERT_TRUE(p.empty()) << p[0].msg;
  ASSERT_EQ(a.size(), 3u);
  for (const PreviousAssignment& x : a) EXPECT_EQ(x.week_start, "2025-02-24");
  EXPECT_EQ(a[1].day, 6);
  EXPECT_EQ(a[1].start, std::optional<Minutes>(18 * 60));
  EXPECT_EQ(a[1].end, std::optional<Minutes>(22 * 60 + 30));
  EXPECT_EQ(a[2].day, 5);  // a bare id takes its block's window
  EXPECT_EQ(a[2].start, std::optional<Minutes>(21 * 60));
  EXPECT_EQ(a[2].end, std::optional<Minutes>(60));
  // The report shape (plan under "plan") and the assignments form.
  a = previous_from_json(json::parse(R"({"plan":{"week_start":"2025-02-24","drivers":[{"driver_id":"D3","blocks":[{"day":"Sun","tours":["T9"]}]}]}})"), p);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].week_start, "2025-02-24");
  EXPECT_EQ(a[0].day, 6);
  EXPECT_EQ(a[0].end, std::nullopt);
  a = previous_from_json(json::parse(R"({"week_start":"2025-02-24","assignments":[
      {"driver_id":"D1","tour_id":"T5","day":"Sun","start_time":"18:00","end_time":"22:30"},{"driver_id":"D2","tour_id":"T6"}]})"),
                         p);
  ASSERT_TRUE(p.empty()) << p[0].msg;
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].day, 6);
  EXPECT_EQ(a[0].end, std::optional<Minutes>(22 * 60 + 30));
  EXPECT_EQ(a[1].day, -1);
  EXPECT_EQ(a[1].week_start, "2025-02-24");
  // A plan written by the CLI without --week-start says "" (not given); no week at all is fine.
  a = previous_from_json(json::parse(R"({"week_start":"","drivers":[{"driver_id":"D1","blocks":[{"day":"Mon","tours":["T1"]}]}]})"), p);
  ASSERT_TRUE(p.empty());
  EXPECT_EQ(a.at(0).week_start, "");
}

TEST(PreviousPlanWeek, MalformedWeekDayOrTimeIsNamed) {
  std::vector<JsonProblem> p;
  previous_from_json(json::parse(R"({"week_start":"24.02.2025","drivers":[
      {"driver_id":"D1","blocks":[{"day":"Xday","end":"25:00","tours":[{"id":"T1","end_time":"nope"}]}]}]})"),
                     p);
  std::set<std::string> locs;
  for (const auto& x : p) locs.insert(x.loc.dump() + "|" + x.type);
  EXPECT_EQ(locs, (std::set<std::string>{
                      R"(["body","previous_plan","week_start"]|value_error.date)",
                      R"(["body","previous_plan","drivers",0,"blocks",0,"day"]|value_error.day)",
                      R"(["body","previous_plan","drivers",0,"blocks",0,"end"]|value_error.time)",
                      R"(["body","previous_plan","drivers",0,"blocks",0,"tours",0,"end_time"]|value_error.time)"}));
}

TEST(PreviousPlanWeek, PlanJsonOfTheToolReadsBack) {
  // A plan as plan_report_to_json writes it is a valid last-week plan.
  std::vector<Tour> tours{make_tour("T1", 6, 18 * 60, 22 * 60 + 30)};
  PlanReport r;
  r.week_start = "2025-02-24";
  Roster ro;
  ro.driver_id = "D1";
  ro.blocks.push_back(Block{6, {0}, BlockKind::One});
  r.plan.rosters.push_back(ro);
  const json j = plan_report_to_json(r, tours);
  std::vector<JsonProblem> p;
  const auto a = previous_from_json(j, p);
  ASSERT_TRUE(p.empty()) << p[0].msg;
  ASSERT_EQ(a.size(), 1u);
  EXPECT_TRUE(is_last_weeks_plan(a, "2025-03-03"));
  Driver d;
  d.id = "D1";
  const std::vector<Driver> out = with_previous_week({d}, a, "2025-03-03");
  EXPECT_EQ(out[0].previous_last_end, std::optional<Minutes>(-90));
  EXPECT_EQ(out[0].previous_streak, 1);
}

}  // namespace
}  // namespace so
