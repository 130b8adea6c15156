// Request validation of POST /schedule and POST /runs (api.md §1, §3): 422 with every problem,
// 400 naming the offending item, 415, CSV bodies, the `run` compatibility object.
#include <gtest/gtest.h>

#include <chrono>

#include "service/request.hpp"
#include "service/util.hpp"
#include "service_test_util.hpp"

namespace so {
namespace {

using json = nlohmann::json;

SolveParseResult parse(const json& body, const std::string& ct = "application/json") {
  return parse_solve_request(ct, body.dump(), {}, SolverConfig{}, "2030-01-07");
}

std::set<std::string> locs(const HttpError& e) {
  std::set<std::string> out;
  for (const auto& p : e.body["detail"]) out.insert(p["loc"].dump());
  return out;
}

TEST(SolveRequestParsing, MinimalBodyGetsTheDefaults) {
  auto r = parse({{"tours", test::synthetic_tours(2, 2)}});
  ASSERT_TRUE(r.solve) << r.error->body.dump();
  const SolveRequest& q = r.solve->request;
  EXPECT_EQ(q.tours.size(), 4u);
  EXPECT_EQ(q.seed, 42u);
  EXPECT_EQ(q.time_limit_seconds, 30);
  EXPECT_EQ(q.week_start, "2030-01-07");
  EXPECT_EQ(q.policy, Policy{});
  EXPECT_EQ(q.config, SolverConfig{});
  EXPECT_EQ(q.config_report.effective_hash, effective_config_hash(SolverConfig{}, Policy{}));
  EXPECT_EQ(r.solve->input_format, "json");
}

TEST(SolveRequestParsing, EmptyTourListIsValid) {
  auto r = parse({{"tours", json::array()}});
  ASSERT_TRUE(r.solve);
  EXPECT_TRUE(r.solve->request.tours.empty());
}

TEST(SolveRequestParsing, AllSchemaProblemsAtOnce) {
  json tours = test::synthetic_tours(1, 3);
  tours[0]["start_time"] = "24:00";
  tours[1].erase("end_time");
  tours[2]["day"] = 5.5;
  json body = {{"tours", tours},
               {"seed", -1},
               {"time_limit_seconds", 601},
               {"week_start", "2025-02-29"},
               {"policy", {{"min_rest_minutes", 100}, {"no_such_rule", 1}}}};
  auto r = parse(body);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->status, 422);
  const auto l = locs(*r.error);
  for (const char* want :
       {R"(["body","tours",0,"start_time"])", R"(["body","tours",1,"end_time"])", R"(["body","tours",2,"day"])",
        R"(["body","seed"])", R"(["body","time_limit_seconds"])", R"(["body","week_start"])",
        R"(["body","policy","min_rest_minutes"])", R"(["body","policy","no_such_rule"])"})
    EXPECT_TRUE(l.count(want)) << want << " missing in " << r.error->body.dump();
  for (const auto& p : r.error->body["detail"]) {
    EXPECT_FALSE(p["msg"].get<std::string>().empty());
    EXPECT_FALSE(p["type"].get<std::string>().empty());
  }
}

TEST(SolveRequestParsing, MissingToursAndWrongRootType) {
  auto r = parse(json::object());
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->status, 422);
  EXPECT_EQ(r.error->body["detail"][0]["loc"], json::array({"body", "tours"}));
  EXPECT_EQ(r.error->body["detail"][0]["type"], "value_error.missing");
  auto a = parse(json::array({1, 2}));
  ASSERT_TRUE(a.error);
  EXPECT_EQ(a.error->status, 422);
  EXPECT_EQ(a.error->body["detail"][0]["type"], "type_error.dict");
}

TEST(SolveRequestParsing, SemanticProblemsAre400NamingTheItem) {
  json tours = test::synthetic_tours(1, 3);
  tours[2]["id"] = tours[0]["id"];
  auto dup = parse({{"tours", tours}});
  ASSERT_TRUE(dup.error);
  EXPECT_EQ(dup.error->status, 400);
  EXPECT_NE(dup.error->body["detail"].get<std::string>().find("duplicate tour id 'T0001'"), std::string::npos);

  json t2 = test::synthetic_tours(1, 2);
  t2[1]["day"] = "Caturday";
  auto day = parse({{"tours", t2}});
  ASSERT_TRUE(day.error);
  EXPECT_EQ(day.error->status, 400);
  // The message names the item and the bad value, not only the kind of problem.
  EXPECT_NE(day.error->body["detail"].get<std::string>().find("tours[1]"), std::string::npos);
  EXPECT_NE(day.error->body["detail"].get<std::string>().find("unknown day 'Caturday'"), std::string::npos)
      << day.error->body.dump();

  json t3 = test::synthetic_tours(1, 1);
  t3[0]["end_time"] = t3[0]["start_time"];
  auto zero = parse({{"tours", t3}});
  ASSERT_TRUE(zero.error);
  EXPECT_EQ(zero.error->status, 400);
  EXPECT_NE(zero.error->body["detail"].get<std::string>().find("zero-length"), std::string::npos);
}

TEST(SolveRequestParsing, MalformedAndDeeplyNestedJson) {
  auto bad = parse_solve_request("application/json", "{\"tours\": [", {}, SolverConfig{}, "2030-01-07");
  ASSERT_TRUE(bad.error);
  EXPECT_EQ(bad.error->status, 422);
  EXPECT_EQ(bad.error->body["detail"][0]["type"], "json_invalid");

  std::string deep = "{\"tours\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  auto d = parse_solve_request("application/json", deep, {}, SolverConfig{}, "2030-01-07");
  ASSERT_TRUE(d.error);
  EXPECT_EQ(d.error->status, 422);
  EXPECT_EQ(d.error->body["detail"][0]["type"], "value_error.json_too_deep");
  EXPECT_NE(d.error->body["detail"][0]["msg"].get<std::string>().find("deeper than 64"), std::string::npos);
  // Brackets inside strings do not count; 64 levels are fine, 65 are not.
  json doc;
  EXPECT_FALSE(parse_json_body("{\"a\":\"" + std::string(1000, '[') + "\"}", doc));
  EXPECT_FALSE(parse_json_body(std::string(64, '[') + std::string(64, ']'), doc));
  auto deep65 = parse_json_body(std::string(65, '[') + std::string(65, ']'), doc);
  ASSERT_TRUE(deep65);
  EXPECT_EQ(deep65->body["detail"][0]["loc"], json::array({"body", 64})) << deep65->body.dump();
}

TEST(SolveRequestParsing, NumberOverflowIs422NamingTheField) {
  // nlohmann throws out_of_range (not parse_error) for 1e400: this was an HTTP 500.
  auto tours = test::synthetic_tours(1, 1).dump();
  for (auto [field, literal] : {std::pair{"seed", "1e400"}, std::pair{"time_limit_seconds", "1e309"},
                                std::pair{"time_limit_seconds", "-1e309"}}) {
    SCOPED_TRACE(field);
    const std::string body = "{\"tours\":" + tours + ",\"" + field + "\": " + literal + "}";
    auto r = parse_solve_request("application/json", body, {}, SolverConfig{}, "2030-01-07");
    ASSERT_TRUE(r.error);
    EXPECT_EQ(r.error->status, 422);
    const json& p = r.error->body["detail"][0];
    EXPECT_EQ(p["loc"], json::array({"body", field})) << r.error->body.dump();
    EXPECT_EQ(p["type"], "value_error.number.overflow");
    EXPECT_NE(p["msg"].get<std::string>().find(literal), std::string::npos) << p.dump();
  }
  // Deeper down, the location is the whole path.
  const std::string nested = R"({"tours":[{"id":"A","day":"Mon","start_time":"08:00","end_time":"12:00"},)"
                             R"({"id":"B","day":"Mon","start_time":"08:00","end_time":"12:00","count":2e999}]})";
  auto r = parse_solve_request("application/json", nested, {}, SolverConfig{}, "2030-01-07");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->status, 422);
  EXPECT_EQ(r.error->body["detail"][0]["loc"], json::array({"body", "tours", 1, "count"})) << r.error->body.dump();
  // A finite but absurd seed is still an ordinary 422 of the field.
  auto big = parse_solve_request("application/json", "{\"tours\":" + tours + ",\"seed\":1e300}", {}, SolverConfig{},
                                 "2030-01-07");
  ASSERT_TRUE(big.error);
  EXPECT_EQ(big.error->status, 422);
  EXPECT_EQ(big.error->body["detail"][0]["loc"], json::array({"body", "seed"}));
}

TEST(SolveRequestParsing, UnsupportedContentTypeIs415) {
  auto r = parse_solve_request("application/x-www-form-urlencoded", "tours=1", {}, SolverConfig{}, "2030-01-07");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->status, 415);
  EXPECT_EQ(body_kind("Application/JSON; charset=utf-8"), BodyKind::Json);
  EXPECT_EQ(body_kind("text/csv;charset=UTF-8"), BodyKind::Csv);
  EXPECT_EQ(body_kind(""), BodyKind::Json);
  EXPECT_EQ(body_kind("text/plain"), BodyKind::Unsupported);
}

TEST(SolveRequestParsing, CsvBodyWithQueryParameters) {
  QueryParams q{{"seed", "7"}, {"time_limit_seconds", "12.5"}, {"week_start", "2030-02-04"}};
  auto r = parse_solve_request("text/csv", test::synthetic_csv(3, 2, 2), q, SolverConfig{}, "2030-01-07");
  ASSERT_TRUE(r.solve) << r.error->body.dump();
  EXPECT_EQ(r.solve->request.tours.size(), 12u);
  EXPECT_EQ(r.solve->request.seed, 7u);
  EXPECT_EQ(r.solve->request.time_limit_seconds, 12.5);
  EXPECT_EQ(r.solve->request.week_start, "2030-02-04");
  EXPECT_EQ(r.solve->input_format, "csv");

  QueryParams bad{{"seed", "-3"}, {"time_limit_seconds", "0"}};
  auto e = parse_solve_request("text/csv", test::synthetic_csv(1, 1, 1), bad, SolverConfig{}, "2030-01-07");
  ASSERT_TRUE(e.error);
  EXPECT_EQ(e.error->status, 422);
  EXPECT_EQ(locs(*e.error), (std::set<std::string>{R"(["query","seed"])", R"(["query","time_limit_seconds"])"}));
}

TEST(SolveRequestParsing, CsvWithABrokenLineNamesTheLine) {
  const std::string csv = "Montag;Anzahl\n06:00-10:30;2\n25:00-09:30;1\n";
  auto r = parse_solve_request("text/csv", csv, {}, SolverConfig{}, "2030-01-07");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->status, 422);
  EXPECT_EQ(r.error->body["detail"][0]["loc"], json::array({"body", "line", 3}));
  EXPECT_NE(r.error->body["detail"][0]["msg"].get<std::string>().find(":3"), std::string::npos);
}

TEST(SolveRequestParsing, RunCompatibilityObjectFillsInAndTopLevelWins) {
  json body = {{"tours", test::synthetic_tours(1, 1)},
               {"run", {{"seed", 9}, {"time_budget_seconds", 45}, {"config_overrides", {{"fte_hours_target", 47}}}}}};
  auto r = parse(body);
  ASSERT_TRUE(r.solve);
  EXPECT_EQ(r.solve->request.seed, 9u);
  EXPECT_EQ(r.solve->request.time_limit_seconds, 45);
  EXPECT_EQ(r.solve->request.config.fte_hours_target, 47);
  body["seed"] = 11;
  body["config_overrides"] = {{"fte_hours_target", 48}};
  auto t = parse(body);
  ASSERT_TRUE(t.solve);
  EXPECT_EQ(t.solve->request.seed, 11u);
  EXPECT_EQ(t.solve->request.config.fte_hours_target, 48);
  EXPECT_EQ(t.solve->request.config_report.overrides_applied, std::vector<std::string>{"fte_hours_target"});
}

TEST(SolveRequestParsing, ConfigOverridesNeverFail) {
  auto r = parse({{"tours", json::array()},
                  {"config_overrides",
                   {{"enable_fill_to_target_greedy", true}, {"bogus", 1}, {"pt_ratio_threshold", 3}, {"mip_node_limit", 1}}}});
  ASSERT_TRUE(r.solve);
  const ConfigReport& c = r.solve->request.config_report;
  EXPECT_TRUE(r.solve->request.config.enable_fill_to_target_greedy);
  EXPECT_EQ(c.overrides_rejected.size(), 2u);
  EXPECT_EQ(c.overrides_clamped.size(), 1u);
  EXPECT_EQ(c.effective_hash, effective_config_hash(r.solve->request.config, Policy{}));
  EXPECT_NE(c.effective_hash, effective_config_hash(SolverConfig{}, Policy{}));

  auto w = parse({{"tours", json::array()}, {"config_overrides", "fast please"}});
  ASSERT_TRUE(w.solve);
  ASSERT_EQ(w.solve->request.config_report.overrides_rejected.size(), 1u);
  EXPECT_EQ(w.solve->request.config_report.overrides_rejected[0].second, "TYPE_ERROR");
}

TEST(SolveRequestParsing, PolicyProfileAndRules) {
  auto r = parse({{"tours", json::array()}, {"policy", {{"profile", "legacy-v2.0"}, {"max_working_days", 5}}}});
  ASSERT_TRUE(r.solve) << r.error->body.dump();
  EXPECT_EQ(r.solve->request.policy.min_rest_after_3er_minutes, 840);
  EXPECT_EQ(r.solve->request.policy.max_working_days, 5);
}

TEST(SolveRequestParsing, DriverPoolIsAcceptedAndAMalformedOneRefused) {
  auto ok = parse({{"tours", json::array()}, {"drivers", json::array({{{"id", "D1"}}})}});
  ASSERT_TRUE(ok.solve) << ok.error->body.dump();
  ASSERT_EQ(ok.solve->request.drivers.size(), 1u);
  EXPECT_EQ(ok.solve->request.drivers[0].id, "D1");
  auto r = parse({{"tours", json::array()}, {"drivers", "D1"}});
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->status, 422);
  EXPECT_EQ(r.error->body["detail"][0]["loc"], json::array({"body", "drivers"}));
  EXPECT_TRUE(parse({{"tours", json::array()}, {"drivers", json::array()}}).solve);
}

TEST(ServiceUtil, DatesAndIds) {
  EXPECT_TRUE(is_real_date("2024-02-29"));
  EXPECT_FALSE(is_real_date("2025-02-29"));
  EXPECT_FALSE(is_real_date("2025-13-01"));
  EXPECT_FALSE(is_real_date("2025-1-01"));
  using namespace std::chrono;
  // 2025-01-06 is a Monday: the next Monday is a week later; from Sunday 2025-01-12 it is the 13th.
  EXPECT_EQ(next_monday(sys_days{year{2025} / 1 / 6} + hours{10}), "2025-01-13");
  EXPECT_EQ(next_monday(sys_days{year{2025} / 1 / 12} + hours{23}), "2025-01-13");
  EXPECT_EQ(next_monday(sys_days{year{2024} / 12 / 31}), "2025-01-06");
  EXPECT_NE(new_run_id(), new_run_id());
  EXPECT_EQ(sanitize_request_id("abc-123_x.y:z"), std::optional<std::string>("abc-123_x.y:z"));
  EXPECT_FALSE(sanitize_request_id("a b"));
  EXPECT_FALSE(sanitize_request_id(std::string(200, 'a')));
}

}  // namespace
}  // namespace so
