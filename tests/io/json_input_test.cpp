// The one JSON reader (io/json_input): nesting limit, number overflow with its path, errors naming
// the source and line; and every JSON input of the program going through it (issue 12 items 4, 8).
#include <gtest/gtest.h>

#include <fstream>
#include <functional>

#include "io/changes_json.hpp"
#include "io/drivers.hpp"
#include "io/forecast.hpp"
#include "io/json_input.hpp"
#include "io/plan_json.hpp"
#include "io/policy_json.hpp"
#include "io_test_util.hpp"

namespace so {
namespace {

using nlohmann::json;
using Kind = JsonInputError::Kind;

JsonInputError refused(std::string_view text, const std::string& source = "in.json") {
  try {
    (void)parse_json_input(text, source);
  } catch (const JsonInputError& e) {
    return e;
  }
  ADD_FAILURE() << "accepted: " << text.substr(0, 80);
  return JsonInputError(Kind::Invalid, "", 0, json::array(), 0, "", "", "");
}

std::string nested(int levels, const std::string& inner = "") {
  return std::string(static_cast<size_t>(levels), '[') + inner + std::string(static_cast<size_t>(levels), ']');
}

TEST(JsonInput, NestingStopsAtSixtyFourLevels) {
  EXPECT_NO_THROW((void)parse_json_input(nested(kMaxJsonDepth), "in.json"));
  EXPECT_NO_THROW((void)parse_json_input(R"({"a":")" + std::string(1000, '[') + "\"}", "in.json"));  // in a string
  JsonInputError e = refused("{\"x\":\n" + nested(kMaxJsonDepth) + "}");  // 65 levels, the 65th on line 2
  EXPECT_EQ(e.kind, Kind::TooDeep);
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.byte, 6u + kMaxJsonDepth - 1);
  EXPECT_EQ(std::string(e.what()), "in.json:2: JSON nested too deeply (expected at most 64 levels)");
  // What crashed the CLI (rc 139): the parser is iterative, dumping the value in a message was not.
  EXPECT_EQ(refused(nested(1000000)).kind, Kind::TooDeep);
  std::string objects;
  for (int i = 0; i < 200000; ++i) objects += "{\"a\":";
  EXPECT_EQ(refused(objects).kind, Kind::TooDeep);
}

TEST(JsonInput, NumberOverflowNamesThePathAndLine) {
  JsonInputError e = refused("{\"tours\": [\n  {\"id\": \"A\"},\n  {\"id\": \"B\", \"count\": 1e400}\n]}", "week.json");
  EXPECT_EQ(e.kind, Kind::NumberOverflow);
  EXPECT_EQ(e.loc, json::array({"tours", 1, "count"}));
  EXPECT_EQ(e.line, 3);
  EXPECT_EQ(std::string(e.what()),
            "week.json:3: tours[1].count: number out of range '1e400' (expected a finite number, within ±1.8e308)");
  EXPECT_EQ(refused("[1, 2, -1e309]").loc, json::array({2}));
  EXPECT_EQ(refused(R"({"a": {"b": [[0], [1, 9e999]]}})").loc, json::array({"a", "b", 1, 1}));
  EXPECT_EQ(refused("1e400").loc, json::array());
  // A key named "body" is a key like any other (the HTTP layer's prefix is added elsewhere).
  EXPECT_EQ(refused(R"({"body": 1e400})").path, "body");
  // Big but finite numbers are fine; so are integers beyond 64 bits (read as doubles).
  EXPECT_DOUBLE_EQ(parse_json_input("1e308", "x").get<double>(), 1e308);
  EXPECT_TRUE(parse_json_input("123456789012345678901234567890", "x").is_number_float());
}

TEST(JsonInput, SyntaxErrorsNameTheLineSizeAndBomAreHandled) {
  JsonInputError e = refused("{\n  \"a\": 1,\n  \"b\": x\n}");
  EXPECT_EQ(e.kind, Kind::Invalid);
  EXPECT_EQ(e.line, 3);
  EXPECT_EQ(e.problem, "invalid JSON");
  EXPECT_EQ(e.value.find("[json.exception"), std::string::npos) << e.value;
  EXPECT_EQ(refused("").kind, Kind::Invalid);
  EXPECT_EQ(refused("{} x").kind, Kind::Invalid);
  EXPECT_EQ(parse_json_input("\xEF\xBB\xBF{\"a\":1}", "x")["a"], 1);
  try {
    (void)parse_json_input("[1,2,3]", "small.json", 5);
    FAIL();
  } catch (const JsonInputError& e2) {
    EXPECT_EQ(e2.kind, Kind::TooLarge);
    EXPECT_EQ(std::string(e2.what()), "small.json: too large '7 bytes' (expected at most 5 bytes)");
  }
}

// Every reader of JSON input refuses a nesting bomb and an overflowing number with its source.
TEST(JsonInput, EveryJsonReaderUsesIt) {
  const std::vector<Tour> tours = {make_tour("T1", 0, 360, 600)};
  const std::vector<std::pair<std::string, std::function<void(const std::string&)>>> readers = {
      {"forecast", [](const std::string& t) { (void)parse_forecast(t, "src.json"); }},
      {"drivers", [](const std::string& t) { (void)parse_driver_input(t, "src.json"); }},
      {"locks", [](const std::string& t) { (void)parse_locks(t, "src.json"); }},
      {"previous plan", [](const std::string& t) { (void)parse_previous(t, "src.json"); }},
      {"policy", [](const std::string& t) { (void)parse_policy_text(t, "src.json"); }},
      {"changes", [](const std::string& t) { (void)parse_changes(t, "src.json"); }},
      {"plan", [&](const std::string& t) { (void)plan_from_json(parse_json_input(t, "src.json"), tours, "src.json"); }},
  };
  for (const auto& [name, read] : readers) {
    SCOPED_TRACE(name);
    for (const std::string& text : {"{\"x\": " + nested(200000) + "}", nested(200000),
                                    std::string("{\"drivers\": [{\"id\": \"D1\", \"max_weekly_hours\":\n 1e400}]}")}) {
      try {
        read(text);
        ADD_FAILURE() << "accepted";
      } catch (const InputError& e) {
        EXPECT_EQ(e.source, "src.json") << e.what();
        EXPECT_TRUE(e.problem == "JSON nested too deeply" || e.problem == "number out of range") << e.what();
        EXPECT_GE(e.line, 1) << e.what();
      }
    }
  }
}

TEST(JsonInput, FilesAreCappedLikeForecasts) {
  so::testing::TempDir dir("json_input");
  const auto big = dir.path / "big.json";
  {
    std::ofstream f(big, std::ios::binary);
    f << "[";
    const std::string chunk(1 << 20, ' ');
    for (long long i = 0; i <= kMaxInputBytes / (1 << 20); ++i) f << chunk;
    f << "]";
  }
  try {
    (void)read_json_file(big.string(), "a plan JSON file");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.source, big.string());
    EXPECT_NE(e.problem.find("too large"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)read_json_file((dir.path / "missing.json").string(), "a plan JSON file"), InputError);
}

}  // namespace
}  // namespace so
