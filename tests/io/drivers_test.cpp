// Driver-mode input (io/drivers.hpp): the driver pool, locks and a previous plan as API JSON and
// as CLI files (CSV / JSON), every schema error path with its location; the diagnostics JSON;
// and the driver-mode parts of the plan JSON and the CSV exports.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "core/driver.hpp"
#include "io/csv_export.hpp"
#include "io/drivers.hpp"
#include "io/plan_json.hpp"
#include "io_test_util.hpp"

namespace so {
namespace {

// A driver with nothing but an id (every other field at its default).
Driver driver_with_id(std::string id) {
  Driver d;
  d.id = std::move(id);
  return d;
}

using nlohmann::json;

std::vector<JsonProblem> problems_of(const json& drivers) {
  std::vector<JsonProblem> p;
  drivers_from_json(drivers, p);
  return p;
}

// The one problem of a single bad driver item, as "loc|type".
std::string only_problem(const json& item) {
  auto p = problems_of(json::array({item}));
  if (p.size() != 1) return "expected 1 problem, got " + std::to_string(p.size()) + ": " + json(p.size() ? p[0].msg : "").dump();
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

TEST(DriversJson, FullRecord) {
  std::vector<JsonProblem> p;
  auto ds = drivers_from_json(json::parse(R"([{
      "id": 7, "name": "Anna Schmidt", "qualifications": ["ADR", "Kühl", "ADR"],
      "available_days": ["Mon", "tuesday", "Mittwoch", 4, "Sa"],
      "unavailable": [{"day": "Fri", "start_time": "22:00", "end_time": "06:00"},
                      {"day": "Mon", "start": "08:00", "end": "12:30"}],
      "max_weekly_hours": 40.5, "min_weekly_hours": 30, "max_tours_per_day": 2,
      "min_rest_hours": 12, "max_daily_span_hours": 10, "contract": "fte", "extra": "ignored"}])"),
                              p);
  ASSERT_TRUE(p.empty()) << p[0].msg;
  ASSERT_EQ(ds.size(), 1u);
  const Driver& d = ds[0];
  EXPECT_EQ(d.id, "7");
  EXPECT_EQ(d.name, "Anna Schmidt");
  EXPECT_EQ(d.qualifications, (std::vector<std::string>{"ADR", "Kühl"}));  // sorted, unique
  EXPECT_EQ(d.available_days, (std::array<bool, 7>{true, true, true, true, false, true, false}));
  ASSERT_EQ(d.unavailable.size(), 2u);  // sorted by start
  EXPECT_EQ(d.unavailable[0], (TimeWindow{8 * 60, 12 * 60 + 30}));
  // Fri 22:00 -> 06:00 ends on Saturday (end before start = next day, like a tour).
  EXPECT_EQ(d.unavailable[1], (TimeWindow{4 * 1440 + 22 * 60, 5 * 1440 + 6 * 60}));
  EXPECT_EQ(d.max_weekly_minutes, 2430);
  EXPECT_EQ(d.min_weekly_minutes, 1800);
  EXPECT_EQ(d.max_tours_per_day, 2);
  EXPECT_EQ(d.min_rest_minutes, 720);
  EXPECT_EQ(d.max_daily_span_minutes, 600);
  EXPECT_EQ(d.contract, Contract::FTE);
}

TEST(DriversJson, DefaultsWhenOnlyAnIdIsGiven) {
  std::vector<JsonProblem> p;
  auto ds = drivers_from_json(json::parse(R"([{"driver_id": "D1", "name": null, "contract": null}])"), p);
  ASSERT_TRUE(p.empty());
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0], (driver_with_id("D1")));
  EXPECT_TRUE(ds[0].available_days[6]);  // default: all seven days
}

TEST(DriversJson, EveryFieldErrorHasItsLocationAndType) {
  EXPECT_EQ(only_problem(json::parse(R"({"name":"x"})")), R"(["body","drivers",0,"id"]|value_error.missing)");
  EXPECT_EQ(only_problem(json::parse(R"({"id":true})")), R"(["body","drivers",0,"id"]|type_error.str)");
  EXPECT_EQ(only_problem(json::parse(R"({"id":"a","name":5})")), R"(["body","drivers",0,"name"]|type_error.str)");
  EXPECT_EQ(only_problem(json::parse(R"({"id":"a","qualifications":"ADR"})")),
            R"(["body","drivers",0,"qualifications"]|type_error.list)");
  EXPECT_EQ(only_problem(json::parse(R"({"id":"a","qualifications":["ADR",3]})")),
            R"(["body","drivers",0,"qualifications",1]|type_error.str)");
  EXPECT_EQ(only_problem(json::parse(R"({"id":"a","qualifications":[" "]})")),
            R"(["body","drivers",0,"qualifications",0]|value_error.any_str.min_length)");
  EXPECT_EQ(only_problem(json::parse(R"({"id":"a","available_days":["Mon","Funday"]})")),
            R"(["body","drivers",0,"available_days",1]|value_error.day)");
  EXPECT_EQ(only_problem(json::parse(R"({"id":"a","available_days":[8]})")),
            R"(["body","drivers",0,"available_days",0]|value_error.day)");
  EXPECT_EQ(only_problem(json::parse(R"({"id":"a","available_days":"Mon"})")),
            R"(["body","drivers",0,"available_days"]|type_error.list)");
  EXPECT_EQ(only_problem(json::parse(R"({"id":"a","unavailable":{}})")),
            R"(["body","drivers",0,"unavailable"]|type_error.list)");
  EXPECT_EQ(only_problem(json::parse(R"({"id":"a","unavailable":["Mon 06:00-08:00"]})")),
            R"(["body","drivers",0,"unavailable",0]|type_error.dict)");
  EXPECT_EQ(only_problem(json::parse(R"({"id":"a","unavailable":[{"start_time":"06:00","end_time":"08:00"}]})")),
            R"(["body","drivers",0,"unavailable",0,"day"]|value_error.missing)");
  EXPECT_EQ(only_problem(json::parse(R"({"id":"a","unavailable":[{"day":"Mon","start_time":"24:00","end_time":"08:00"}]})")),
            R"(["body","drivers",0,"unavailable",0,"start_time"]|value_error.time)");
  EXPECT_EQ(only_problem(json::parse(R"({"id":"a","unavailable":[{"day":"Mon","start":"06:00","end":800}]})")),
            R"(["body","drivers",0,"unavailable",0,"end"]|type_error.str)");
  EXPECT_EQ(only_problem(json::parse(R"({"id":"a","unavailable":[{"day":"Mon","start":"06:00"}]})")),
            R"(["body","drivers",0,"unavailable",0,"end_time"]|value_error.missing)");
  EXPECT_EQ(only_problem(json::parse(R"({"id":"a","max_weekly_hours":0})")),
            R"(["body","drivers",0,"max_weekly_hours"]|value_error.number.not_gt)");
  EXPECT_EQ(only_problem(json::parse(R"({"id":"a","max_weekly_hours":168.5})")),
            R"(["body","drivers",0,"max_weekly_hours"]|value_error.number.not_le)");
  EXPECT_EQ(only_problem(json::parse(R"({"id":"a","min_rest_hours":"11"})")),
            R"(["body","drivers",0,"min_rest_hours"]|type_error.number)");
  EXPECT_EQ(only_problem(json::parse(R"({"id":"a","max_daily_span_hours":true})")),
            R"(["body","drivers",0,"max_daily_span_hours"]|type_error.number)");
  EXPECT_EQ(only_problem(json::parse(R"({"id":"a","min_weekly_hours":-1})")),
            R"(["body","drivers",0,"min_weekly_hours"]|value_error.number.not_ge)");
  EXPECT_EQ(only_problem(json::parse(R"({"id":"a","max_tours_per_day":0})")),
            R"(["body","drivers",0,"max_tours_per_day"]|value_error.number.not_ge)");
  EXPECT_EQ(only_problem(json::parse(R"({"id":"a","max_tours_per_day":4})")),
            R"(["body","drivers",0,"max_tours_per_day"]|value_error.number.not_le)");
  EXPECT_EQ(only_problem(json::parse(R"({"id":"a","max_tours_per_day":2.5})")),
            R"(["body","drivers",0,"max_tours_per_day"]|type_error.integer)");
  EXPECT_EQ(only_problem(json::parse(R"({"id":"a","contract":"Minijob"})")),
            R"(["body","drivers",0,"contract"]|value_error.enum)");
  EXPECT_EQ(only_problem(json::parse(R"({"id":"a","contract":1})")), R"(["body","drivers",0,"contract"]|type_error.str)");
  EXPECT_EQ(only_problem(json::parse(R"("D1")")), R"(["body","drivers",0]|type_error.dict)");

  std::vector<JsonProblem> p;
  drivers_from_json(json::object(), p);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].loc, json::array({"body", "drivers"}));
  EXPECT_EQ(p[0].type, "type_error.list");
}

TEST(DriversJson, AllProblemsAtOnceAndMessagesNameTheValue) {
  auto p = problems_of(json::parse(R"([{"id":"a","max_weekly_hours":200,"contract":"XX"},
                                       {"id":"b"},
                                       {"max_tours_per_day":9}])"));
  std::set<std::string> locs;
  for (const auto& x : p) locs.insert(x.loc.dump());
  EXPECT_EQ(locs, (std::set<std::string>{R"(["body","drivers",0,"max_weekly_hours"])", R"(["body","drivers",0,"contract"])",
                                         R"(["body","drivers",2,"id"])", R"(["body","drivers",2,"max_tours_per_day"])"}));
  for (const auto& x : p) {
    if (x.loc.back() == "contract") {
      EXPECT_EQ(x.msg, "unknown contract 'XX' (expected FTE or PT)");
    }
  }
  // Good items still come through; bad ones yield no driver.
  std::vector<JsonProblem> q;
  auto ds = drivers_from_json(json::parse(R"([{"id":"ok"},{"id":"bad","max_tours_per_day":9}])"), q);
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].id, "ok");
}

TEST(DriversJson, EqualWindowClocksAreLeftForTheSemanticCheck) {
  // Like a zero-length tour: not a schema problem but a 400 naming the driver (check_drivers).
  std::vector<JsonProblem> p;
  auto ds = drivers_from_json(json::parse(R"([{"id":"D1","unavailable":[{"day":"Tue","start":"06:00","end":"06:00"}]}])"), p);
  ASSERT_TRUE(p.empty());
  ASSERT_EQ(ds[0].unavailable.size(), 1u);
  EXPECT_EQ(ds[0].unavailable[0].start, ds[0].unavailable[0].end);
  auto bad = check_drivers(ds);
  ASSERT_TRUE(bad);
  EXPECT_NE(bad->find("D1"), std::string::npos) << *bad;
}

TEST(DriversJson, RoundTripThroughDriverToJson) {
  Driver d;
  d.id = "D9";
  d.name = "Jörg";
  d.qualifications = {"ADR", "KRAN"};
  d.available_days = {true, false, true, true, true, true, false};
  d.unavailable = {{2 * 1440 + 6 * 60, 2 * 1440 + 9 * 60}, {6 * 1440 + 22 * 60, 7 * 1440 + 2 * 60}};
  d.max_weekly_minutes = 2400;
  d.min_weekly_minutes = 1200;
  d.max_tours_per_day = 2;
  d.min_rest_minutes = 690;
  d.max_daily_span_minutes = 615;
  d.contract = Contract::PT;
  json j = driver_to_json(d);
  EXPECT_EQ(j["available_days"], json::parse(R"(["Mon","Wed","Thu","Fri","Sat"])"));
  EXPECT_EQ(j["unavailable"][1], json::parse(R"({"day":"Sun","start_time":"22:00","end_time":"02:00"})"));
  EXPECT_EQ(j["contract"], "PT");
  std::vector<JsonProblem> p;
  auto back = drivers_from_json(json::array({j}), p);
  ASSERT_TRUE(p.empty()) << p[0].msg;
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0], d);
  // Unset values are null and read back as unset.
  json bare = driver_to_json(driver_with_id("X"));
  EXPECT_TRUE(bare["max_weekly_hours"].is_null());
  EXPECT_TRUE(bare["contract"].is_null());
  back = drivers_from_json(json::array({bare}), p);
  EXPECT_EQ(back.at(0), driver_with_id("X"));
}

TEST(LocksJson, ParsedAndErrorsLocated) {
  std::vector<JsonProblem> p;
  auto locks = locks_from_json(json::parse(R"([{"driver_id":"D1","tour_ids":["T1",2]},{"driver_id":3,"tour_ids":[]}])"), p);
  ASSERT_TRUE(p.empty());
  ASSERT_EQ(locks.size(), 2u);
  EXPECT_EQ(locks[0].driver_id, "D1");
  EXPECT_EQ(locks[0].tour_ids, (std::vector<std::string>{"T1", "2"}));
  EXPECT_EQ(locks[1].driver_id, "3");

  locks_from_json(json::parse(R"([{"tour_ids":["T1"]},{"driver_id":"D1","tour_ids":"T1"},{"driver_id":"D1","tour_ids":[null]},7])"), p);
  std::set<std::string> locs;
  for (const auto& x : p) locs.insert(x.loc.dump() + "|" + x.type);
  EXPECT_EQ(locs, (std::set<std::string>{R"(["body","locks",0,"driver_id"]|value_error.missing)",
                                         R"(["body","locks",1,"tour_ids"]|type_error.list)",
                                         R"(["body","locks",2,"tour_ids",0]|type_error.str)",
                                         R"(["body","locks",3]|type_error.dict)"}));
  p.clear();
  locks_from_json(json::object(), p);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].type, "type_error.list");
}

TEST(PreviousJson, PlanShapesAndAssignments) {
  std::vector<JsonProblem> p;
  // The plan of api.md §4: tours as objects or plain id strings.
  auto a = previous_from_json(json::parse(R"({"status":"OK","drivers":[
      {"driver_id":"D1","blocks":[{"day":"Mon","tours":[{"id":"T1","start_time":"06:00"},"T2"]}]},
      {"driver_id":"D2","blocks":[]}]})"),
                              p);
  ASSERT_TRUE(p.empty()) << p[0].msg;
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].driver_id, "D1");
  EXPECT_EQ(a[0].tour_id, "T1");
  EXPECT_EQ(a[1].tour_id, "T2");
  // A report object holding the plan under "plan", and the plain assignments form.
  a = previous_from_json(json::parse(R"({"plan":{"drivers":[{"driver_id":"D3","blocks":[{"tours":["T9"]}]}]}})"), p);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].driver_id, "D3");
  a = previous_from_json(json::parse(R"({"assignments":[{"driver_id":"D1","tour_id":"T5"},{"driver_id":2,"tour_id":6}]})"), p);
  ASSERT_TRUE(p.empty());
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[1].driver_id, "2");
  EXPECT_EQ(a[1].tour_id, "6");

  previous_from_json(json::parse(R"({"drivers":[{"blocks":[{"tours":[{"start":"x"},false]}]}]})"), p);
  std::set<std::string> locs;
  for (const auto& x : p) locs.insert(x.loc.dump());
  EXPECT_EQ(locs, (std::set<std::string>{R"(["body","previous_plan","drivers",0,"driver_id"])",
                                         R"(["body","previous_plan","drivers",0,"blocks",0,"tours",0,"id"])",
                                         R"(["body","previous_plan","drivers",0,"blocks",0,"tours",1])"}));
  p.clear();
  previous_from_json(json::parse(R"({"something":1})"), p);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].type, "value_error.missing");
  p.clear();
  previous_from_json(json("T1"), p);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].type, "type_error.dict");
}

TEST(DriversCsv, CommaFileWithListsAndWindows) {
  const std::string csv =
      "\xEF\xBB\xBFid,name,qualifications,available_days,max_weekly_hours,min_weekly_hours,max_tours_per_day,"
      "min_rest_hours,max_daily_span_hours,contract,unavailable,comment\r\n"
      "D1,\"Müller, Hans\",ADR|KRAN,Mon|Tue|Wed,40,30,2,12,10.5,FTE,Sat 06:00-12:00|Mon 22:00-02:00,hi\r\n"
      "\r\n"
      "D2,Eva,\"ADR;KUEHL\",,,,,,,pt,,\r\n"
      "D3\r\n";
  auto ds = parse_drivers(csv, "drivers.csv");
  ASSERT_EQ(ds.size(), 3u);
  EXPECT_EQ(ds[0].id, "D1");
  EXPECT_EQ(ds[0].name, "Müller, Hans");
  EXPECT_EQ(ds[0].qualifications, (std::vector<std::string>{"ADR", "KRAN"}));
  EXPECT_EQ(ds[0].available_days, (std::array<bool, 7>{true, true, true, false, false, false, false}));
  EXPECT_EQ(ds[0].max_weekly_minutes, 2400);
  EXPECT_EQ(ds[0].min_weekly_minutes, 1800);
  EXPECT_EQ(ds[0].max_tours_per_day, 2);
  EXPECT_EQ(ds[0].min_rest_minutes, 720);
  EXPECT_EQ(ds[0].max_daily_span_minutes, 630);
  EXPECT_EQ(ds[0].contract, Contract::FTE);
  ASSERT_EQ(ds[0].unavailable.size(), 2u);
  EXPECT_EQ(ds[0].unavailable[0], (TimeWindow{22 * 60, 1440 + 2 * 60}));
  EXPECT_EQ(ds[0].unavailable[1], (TimeWindow{5 * 1440 + 6 * 60, 5 * 1440 + 12 * 60}));
  EXPECT_EQ(ds[1].qualifications, (std::vector<std::string>{"ADR", "KUEHL"}));
  EXPECT_EQ(ds[1].contract, Contract::PT);
  EXPECT_FALSE(ds[1].max_weekly_minutes);  // empty cell = not set
  EXPECT_EQ(ds[2], (driver_with_id("D3")));
}

TEST(DriversCsv, SemicolonFileWithGermanDecimalComma) {
  auto ds = parse_drivers("driver_id;Name;max_weekly_hours;available_days\nA7;Ute;38,5;Mo|Di|Sa\n", "d.csv");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].id, "A7");
  EXPECT_EQ(ds[0].name, "Ute");
  EXPECT_EQ(ds[0].max_weekly_minutes, 2310);
  EXPECT_EQ(ds[0].available_days, (std::array<bool, 7>{true, true, false, false, false, true, false}));
}

TEST(DriversCsv, ErrorsNameFileLineFieldAndValue) {
  const std::string head = "id,max_weekly_hours,max_tours_per_day,contract,available_days,unavailable\n";
  EXPECT_EQ(error_of(head + "D1,40,,,,\nD2,0,,,,\n", "drivers.csv"),
            "drivers.csv:3: max_weekly_hours: must be greater than 0 '0' (expected hours, a number > 0 and ≤ 168)")
      << "value 0";
  EXPECT_EQ(error_of(head + "D1,abc,,,,\n", "drivers.csv"),
            "drivers.csv:2: max_weekly_hours: not a number 'abc' (expected hours, a number > 0 and ≤ 168)");
  EXPECT_EQ(error_of(head + "D1,200,,,,\n", "drivers.csv"),
            "drivers.csv:2: max_weekly_hours: must be at most 168 hours '200' (expected hours, a number > 0 and ≤ 168)");
  EXPECT_EQ(error_of(head + "D1,,4,,,\n", "drivers.csv"),
            "drivers.csv:2: max_tours_per_day: out of range '4' (expected a whole number 1..3)");
  EXPECT_EQ(error_of(head + "D1,,,Minijob,,\n", "drivers.csv"),
            "drivers.csv:2: contract: unknown contract 'Minijob' (expected FTE or PT)");
  EXPECT_NE(error_of(head + "D1,,,,Mon|Xyz,\n", "drivers.csv").find("drivers.csv:2: available_days: unknown day 'Xyz'"),
            std::string::npos);
  EXPECT_NE(error_of(head + "D1,,,,,Mon 25:00-08:00\n", "drivers.csv").find("drivers.csv:2: unavailable: bad time window 'Mon 25:00-08:00'"),
            std::string::npos);
  EXPECT_NE(error_of(head + "D1,,,,,Monday\n", "drivers.csv").find("drivers.csv:2: unavailable: bad unavailable window 'Monday'"),
            std::string::npos);
  EXPECT_NE(error_of(head + ",40,,,,\n", "drivers.csv").find("drivers.csv:2: id: missing driver id"), std::string::npos);
  EXPECT_NE(error_of(head + "D1,40,,,,,surplus\n", "drivers.csv").find("drivers.csv:2: more cells than header columns 'surplus'"),
            std::string::npos);
  EXPECT_NE(error_of(head + "\"D1,40,,,,\n", "drivers.csv").find("drivers.csv:2: unterminated quote"), std::string::npos);
  EXPECT_NE(error_of("name,contract\nAnna,FTE\n", "drivers.csv").find("drivers.csv:1: no 'id' column"), std::string::npos);
  EXPECT_NE(error_of("id,name,ID\n", "drivers.csv").find("drivers.csv:1: duplicate column 'ID'"), std::string::npos);
  EXPECT_EQ(error_of("\n \n", "drivers.csv"),
            "drivers.csv: empty file (expected a drivers CSV with a header row (id,name,…) or JSON)");
  EXPECT_NE(error_of(std::string("id\nD1\0\n", 8), "drivers.csv").find("binary data"), std::string::npos);
}

TEST(DriversCsv, ReferenceSampleDriversFile) {
  const std::string path = std::string(SO_SHARED_DIR) + "/data/reference/sample_drivers.csv";
  if (!std::ifstream(path)) GTEST_SKIP() << "reference data not available: " << path;
  auto ds = read_drivers_file(path);
  ASSERT_EQ(ds.size(), 4u);
  EXPECT_EQ(ds[0].id, "D-001");
  EXPECT_EQ(ds[0].name, "Max Mustermann");
  EXPECT_EQ(ds[0].qualifications, (std::vector<std::string>{"HeavyGoods", "Standard"}));  // quoted comma list
  EXPECT_EQ(ds[0].max_weekly_minutes, 55 * 60);
  EXPECT_EQ(ds[0].max_daily_span_minutes, 870);  // 14.5 h
  EXPECT_EQ(ds[3].max_weekly_minutes, 40 * 60);
  EXPECT_FALSE(check_drivers(ds));
}

TEST(DriversFile, JsonFileWithLocksAndPreviousPlan) {
  auto in = parse_driver_input(R"({"drivers":[{"id":"D1"},{"id":"D2","qualifications":["ADR"]}],
      "locks":[{"driver_id":"D1","tour_ids":["T0001"]}],
      "previous_plan":{"assignments":[{"driver_id":"D2","tour_id":"T0002"}]}})",
                               "pool.json");
  ASSERT_EQ(in.drivers.size(), 2u);
  EXPECT_TRUE(in.has_locks);
  EXPECT_TRUE(in.has_previous);
  ASSERT_EQ(in.locks.size(), 1u);
  EXPECT_EQ(in.locks[0].tour_ids, std::vector<std::string>{"T0001"});
  ASSERT_EQ(in.previous.size(), 1u);
  EXPECT_EQ(in.previous[0].driver_id, "D2");
  // A bare array is drivers only.
  auto bare = parse_driver_input(R"([{"id":"D1"}])", "pool.json");
  EXPECT_EQ(bare.drivers.size(), 1u);
  EXPECT_FALSE(bare.has_locks);
}

TEST(DriversFile, JsonErrorsNameTheJsonPath) {
  EXPECT_EQ(error_of(R"({"drivers":[{"id":"D1"},{"id":"D2","max_weekly_hours":"viel"}]})", "pool.json"),
            "pool.json: drivers[1].max_weekly_hours: value is not a valid number 'viel' (expected hours, a number > 0 and ≤ 168)");
  EXPECT_EQ(error_of(R"([{"id":"D1","contract":"x"}])", "pool.json"),
            "pool.json: [0].contract: unknown contract 'x' (expected FTE or PT)");
  EXPECT_NE(error_of(R"({"drivers":[{"id":"D1"}],"locks":[{"driver_id":"D1"}]})", "pool.json").find("pool.json: locks[0].tour_ids: field required"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"drivers":[)", "pool.json").find("pool.json:1: invalid JSON"), std::string::npos);
  EXPECT_NE(error_of(R"({"pool":[]})", "pool.json").find("pool.json: not a drivers file"), std::string::npos);
  EXPECT_NE(error_of(std::string(100, '[') + std::string(100, ']'), "pool.json").find("nested too deeply"), std::string::npos);
}

TEST(DriversFile, ReadsFilesAndNamesMissingOnes) {
  testing::TempDir dir("drivers");
  const std::string csv = (dir.path / "pool.csv").string();
  std::ofstream(csv) << "id,name\nD1,Anna\nD2,Ben\n";
  auto ds = read_drivers_file(csv);
  ASSERT_EQ(ds.size(), 2u);
  EXPECT_EQ(ds[1].name, "Ben");

  const std::string locks = (dir.path / "locks.json").string();
  std::ofstream(locks) << R"({"locks":[{"driver_id":"D1","tour_ids":["T0001","T0002"]}]})";
  auto ls = read_locks_file(locks);
  ASSERT_EQ(ls.size(), 1u);
  EXPECT_EQ(ls[0].tour_ids.size(), 2u);

  const std::string prev = (dir.path / "prev.json").string();
  std::ofstream(prev) << R"({"drivers":[{"driver_id":"D2","blocks":[{"day":"Tue","tours":[{"id":"T0003"}]}]}]})";
  auto pv = read_previous_file(prev);
  ASSERT_EQ(pv.size(), 1u);
  EXPECT_EQ(pv[0].tour_id, "T0003");

  try {
    read_drivers_file((dir.path / "nope.csv").string());
    FAIL() << "no error for a missing file";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("nope.csv: cannot open file (not found)"), std::string::npos) << e.what();
  }
  std::ofstream(locks) << R"([{"driver_id":"D1","tour_ids":[1.5]}])";
  try {
    read_locks_file(locks);
    FAIL() << "no error for a bad lock";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("locks.json: [0].tour_ids[0]: tour id is not a string '1.5'"), std::string::npos)
        << e.what();
  }
}

TEST(DiagnosticsJson, Shape) {
  std::vector<Tour> tours = {make_tour("T1", 0, 6 * 60, 10 * 60, "DEFAULT", {"ADR"}), make_tour("T2", 5, 22 * 60, 2 * 60)};
  std::vector<TourDiagnostics> diags(2);
  diags[0] = {0, 4, 0, {{"DRIVER_QUALIFICATION_MISSING", 3}, {"DRIVER_NOT_AVAILABLE", 1}}};
  diags[1] = {1, 2, 3, {}};
  json j = diagnostics_to_json(diags, tours, 4);
  EXPECT_EQ(j, json::parse(R"({"tours_total":2,"drivers_total":4,"tours_without_driver":1,"tours":[
      {"tour_id":"T1","day":"Mon","start_time":"06:00","end_time":"10:00","required_qualifications":["ADR"],
       "blocks":4,"drivers_eligible":0,
       "top_blockers":[{"reason":"DRIVER_QUALIFICATION_MISSING","drivers":3},{"reason":"DRIVER_NOT_AVAILABLE","drivers":1}]},
      {"tour_id":"T2","day":"Sat","start_time":"22:00","end_time":"02:00","required_qualifications":[],
       "blocks":2,"drivers_eligible":3,"top_blockers":[]}]})"));
}

// ---- the plan in driver mode

std::vector<Tour> dm_tours() {
  return {make_tour("T1", 0, 6 * 60, 10 * 60), make_tour("T2", 0, 10 * 60 + 30, 14 * 60 + 30),
          make_tour("T3", 1, 6 * 60, 10 * 60, "DEFAULT", {"ADR"})};
}

PlanReport dm_report() {
  PlanReport r;
  r.run_id = "r1";
  r.week_start = "2030-01-07";
  r.status = "INFEASIBLE";
  r.solution_signature = "sha256:" + std::string(64, 'b');
  r.plan.rosters.push_back({"D2", {{0, {0, 1}, BlockKind::TwoRegular}}, "Berta"});
  r.plan.rosters.push_back({"D1", {}, ""});  // an unused pool driver
  UnassignedTour u;
  u.tour = 2;
  u.reason_codes = {"DRIVER_QUALIFICATION_MISSING", "NO_AVAILABLE_DRIVER"};
  u.drivers_blocked = {{"DRIVER_QUALIFICATION_MISSING", 3}};
  r.plan.unassigned.push_back(u);
  r.kpis.drivers_total = 1;
  r.kpis.tours_total = 3;
  r.kpis.tours_covered = 2;
  r.kpis.driver_mode = true;
  r.kpis.drivers_available = 3;
  r.kpis.tours_uncovered = 1;
  r.kpis.contract_shortfall_hours = 22.0;
  r.kpis.drivers_below_contract_min = 1;
  r.lower_bounds.uncovered_tours = 1;
  r.lower_bounds.uncovered_tours_name = "qualification";
  r.driver_mode.enabled = true;
  Driver anton = driver_with_id("D1"), berta = driver_with_id("D2");
  anton.name = "Anton";
  berta.name = "Berta";
  berta.min_weekly_minutes = 1800;
  berta.contract = Contract::FTE;
  r.driver_mode.drivers = {anton, berta, driver_with_id("D3")};
  r.driver_mode.locks_requested = 2;
  r.driver_mode.locks_kept = 2;
  r.config.effective_hash = "0123456789abcdef";
  return r;
}

TEST(PlanJsonDriverMode, NamesUnassignedDetailsAndDriverModeObject) {
  auto tours = dm_tours();
  json j = plan_report_to_json(dm_report(), tours);
  ASSERT_EQ(j["drivers"].size(), 1u) << "unused pool drivers are counted, not listed";
  const json& d = j["drivers"][0];
  EXPECT_EQ(d["driver_id"], "D2");
  EXPECT_EQ(d["name"], "Berta");
  EXPECT_EQ(d["contract"], "FTE");
  EXPECT_EQ(d["min_weekly_hours"], 30.0);
  EXPECT_EQ(j["unassigned_tours"], json::parse(R"([{"tour_id":"T3","day":"Tue","start_time":"06:00","end_time":"10:00",
      "required_qualifications":["ADR"],"reason_codes":["DRIVER_QUALIFICATION_MISSING","NO_AVAILABLE_DRIVER"],
      "drivers_blocked":{"DRIVER_QUALIFICATION_MISSING":3}}])"));
  EXPECT_EQ(j["driver_mode"], json::parse(R"({"drivers_available":3,"drivers_used":1,"locks_requested":2,"locks_kept":2,
      "previous_assignments":null,"kept_assignments":0,"previous_week_drivers":0,"error":null})"));
  EXPECT_EQ(j["kpis"]["drivers_available"], 3);
  EXPECT_EQ(j["kpis"]["tours_uncovered"], 1);
  EXPECT_EQ(j["kpis"]["contract_shortfall_hours"], 22.0);
  EXPECT_EQ(j["kpis"]["drivers_below_contract_min"], 1);
  EXPECT_EQ(j["lower_bounds"]["uncovered_tours"], 1);
  EXPECT_EQ(j["lower_bounds"]["uncovered_tours_name"], "qualification");

  // A name missing on the roster comes from the pool; none at all is null; a previous plan counts.
  PlanReport r = dm_report();
  r.plan.rosters[0].driver_name.clear();
  r.plan.rosters.push_back({"D3", {{1, {2}, BlockKind::One}}, ""});
  r.driver_mode.previous_assignments = 5;
  r.driver_mode.kept_assignments = 4;
  r.driver_mode.error = "lock of driver 'D7': …";
  j = plan_report_to_json(r, tours);
  ASSERT_EQ(j["drivers"].size(), 2u);
  EXPECT_EQ(j["drivers"][0]["name"], "Berta");
  EXPECT_TRUE(j["drivers"][1]["name"].is_null());
  EXPECT_TRUE(j["drivers"][1]["contract"].is_null());
  EXPECT_TRUE(j["drivers"][1]["min_weekly_hours"].is_null());
  EXPECT_EQ(j["driver_mode"]["drivers_used"], 2);
  EXPECT_EQ(j["driver_mode"]["previous_assignments"], 5);
  EXPECT_EQ(j["driver_mode"]["kept_assignments"], 4);
  EXPECT_EQ(j["driver_mode"]["error"], "lock of driver 'D7': …");
}

TEST(PlanJsonDriverMode, ForecastModeKeepsExactlyItsKeys) {
  auto tours = dm_tours();
  PlanReport r = dm_report();
  r.driver_mode = DriverModeReport{};
  r.kpis.driver_mode = false;
  r.lower_bounds.uncovered_tours.reset();
  r.plan.rosters[0].driver_name.clear();
  json j = plan_report_to_json(r, tours);
  EXPECT_FALSE(j.contains("driver_mode"));
  EXPECT_EQ(j["drivers"].size(), 2u);  // forecast mode lists every roster, as before
  EXPECT_FALSE(j["drivers"][0].contains("name"));
  EXPECT_EQ(j["unassigned_tours"][0].size(), 2u);  // tour_id, reason_codes
  for (const char* k : {"drivers_available", "tours_uncovered", "contract_shortfall_hours", "drivers_below_contract_min"})
    EXPECT_FALSE(j["kpis"].contains(k)) << k;
  EXPECT_FALSE(j["lower_bounds"].contains("uncovered_tours"));
  EXPECT_EQ(j["lower_bounds"].size(), 7u);
}

TEST(PlanJsonDriverMode, CanonicalReportIsDeterministicAndCarriesDriverMode) {
  auto tours = dm_tours();
  PlanReport a = dm_report(), b = dm_report();
  b.run_id = "other";
  b.timing.total_s = 9.9;
  EXPECT_EQ(canonical_report_text(a, tours), canonical_report_text(b, tours));
  json c = json::parse(canonical_report_text(a, tours));
  EXPECT_EQ(c["driver_mode"]["drivers_available"], 3);
  EXPECT_EQ(c["drivers"][0]["name"], "Berta");
}

TEST(PlanJsonDriverMode, PlanFromJsonReadsTheNameBack) {
  auto tours = dm_tours();
  json j = plan_report_to_json(dm_report(), tours);
  Plan p = plan_from_json(j, tours, "plan.json");
  ASSERT_EQ(p.rosters.size(), 1u);
  EXPECT_EQ(p.rosters[0].driver_id, "D2");
  EXPECT_EQ(p.rosters[0].driver_name, "Berta");
  ASSERT_EQ(p.unassigned.size(), 1u);
  EXPECT_EQ(p.unassigned[0].reason_codes.size(), 2u);
  j["drivers"][0]["name"] = 5;
  try {
    plan_from_json(j, tours, "plan.json");
    FAIL() << "a non-string name must be an error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("plan.json: drivers[0].name: wrong type '5'"), std::string::npos) << e.what();
  }
}

TEST(CsvDriverMode, RosterMatrixShowsNamesAndToursCsvReasons) {
  auto tours = dm_tours();
  PlanReport r = dm_report();
  std::string m = roster_matrix_csv(r, tours);
  EXPECT_EQ(m,
            "\xEF\xBB\xBF"
            "Fahrer;Montag;Dienstag;Mittwoch;Donnerstag;Freitag;Samstag;Sonntag;Stunden;Typ\n"
            "Berta;06:00-10:00/10:30-14:30 [2er-regular];-;-;-;-;-;-;8.00;PT\n");
  std::string t = tours_csv(r, tours);
  EXPECT_EQ(t,
            "driver;driver_name;day;block_id;block_type;tour_id;start;end;reason_codes;locked;changed_from\n"
            "D2;Berta;Mon;D2-Mon;2er-regular;T1;06:00;10:00;;;\n"
            "D2;Berta;Mon;D2-Mon;2er-regular;T2;10:30;14:30;;;\n"
            ";;Tue;;unassigned;T3;06:00;10:00;DRIVER_QUALIFICATION_MISSING|NO_AVAILABLE_DRIVER;;\n");
  // A locked tour and a re-plan's changes are marked in both exports (dispatch.md §1, §2).
  {
    PlanReport lr = r;
    lr.driver_mode.locks = {Lock{"D2", {"T2"}}};
    ChangeReport c;
    c.per_driver = {DriverChange{"D1", "Anna", {}, {"T1"}}, DriverChange{"D2", "Berta", {"T1", "X9"}, {}}};
    lr.changes = c;
    const std::string lm = roster_matrix_csv(lr, tours);
    EXPECT_NE(lm.find(";Typ;\xC3\x84nderung\n"), std::string::npos) << lm;
    EXPECT_NE(lm.find("06:00-10:00/10:30-14:30 (fest) [2er-regular]"), std::string::npos) << lm;
    EXPECT_NE(lm.find(";PT;+T1 +X9\n"), std::string::npos) << lm;
    const std::string lt = tours_csv(lr, tours);
    EXPECT_NE(lt.find("T1;06:00;10:00;;;D1\n"), std::string::npos) << lt;
    EXPECT_NE(lt.find("T2;10:30;14:30;;yes;\n"), std::string::npos) << lt;
  }
  // Forecast mode: the per-tour CSV keeps its header and the matrix shows ids.
  r.driver_mode = DriverModeReport{};
  r.plan.rosters[0].driver_name.clear();
  EXPECT_EQ(tours_csv(r, tours).substr(0, tours_csv(r, tours).find('\n')), "driver;day;block_id;block_type;tour_id;start;end");
  EXPECT_NE(roster_matrix_csv(r, tours).find("\nD2;06:00-10:00"), std::string::npos);
}

}  // namespace
}  // namespace so
