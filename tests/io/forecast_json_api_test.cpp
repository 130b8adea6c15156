// The HTTP layer's tour reader: every schema problem at once (422), semantic checks (400), and
// the same verdicts as the file parser's JSON path.
#include <gtest/gtest.h>

#include "io/forecast.hpp"
#include "io_test_util.hpp"

namespace so {
namespace {

using nlohmann::json;

TEST(ToursFromJson, ValidApiBody) {
  json body = json::parse(R"([{"id":"A","day":"Mon","start_time":"04:45","end_time":"09:15"},
                              {"id":"B","day":"friday","start_time":"22:00","end_time":"02:30","location":"Nord",
                               "required_qualifications":["adr"],"unknown_key":1}])");
  std::vector<JsonProblem> problems;
  auto tours = tours_from_json(body, problems);
  EXPECT_TRUE(problems.empty());
  EXPECT_EQ(so::testing::summarize(tours), "A Mon 04:45-09:15, B Fri 22:00-02:30+1");
  EXPECT_EQ(tours[1].location, "Nord");
  EXPECT_FALSE(check_tours_semantics(tours).has_value());
}

TEST(ToursFromJson, CollectsAllSchemaProblemsAtOnce) {
  json body = json::parse(R"([
    {"id":"A","day":"Mon","start_time":"25:00","end_time":"09:15"},
    {"id":7,"day":true,"end_time":"09:15"},
    "not an object",
    {"id":["x"],"day":"Tue","start_time":"08:00","end_time":930,"location":5,"required_qualifications":["a",3],"count":-2},
    {"id":"E","day":"Wed","start_time":"08:00","end_time":"12:00","required_qualifications":"adr","count":1.5}
  ])");
  std::vector<JsonProblem> problems;
  auto tours = tours_from_json(body, problems);
  std::vector<std::pair<std::string, std::string>> got;
  for (const auto& p : problems) {
    got.emplace_back(p.loc.dump(), p.type);
    EXPECT_FALSE(p.msg.empty());
    EXPECT_EQ(p.to_json()["loc"], p.loc);
  }
  std::vector<std::pair<std::string, std::string>> want = {
      {R"(["body","tours",0,"start_time"])", "value_error.time"},
      {R"(["body","tours",1,"day"])", "type_error.str"},
      {R"(["body","tours",1,"start_time"])", "value_error.missing"},
      {R"(["body","tours",2])", "type_error.dict"},
      {R"(["body","tours",3,"id"])", "type_error.str"},
      {R"(["body","tours",3,"end_time"])", "type_error.str"},
      {R"(["body","tours",3,"location"])", "type_error.str"},
      {R"(["body","tours",3,"required_qualifications",1])", "type_error.str"},
      {R"(["body","tours",3,"count"])", "value_error.number.not_ge"},
      {R"(["body","tours",4,"required_qualifications"])", "type_error.list"},
      {R"(["body","tours",4,"count"])", "type_error.integer"},
  };
  EXPECT_EQ(got, want);
  EXPECT_TRUE(tours.empty());  // every item had a schema problem
  EXPECT_NE(problems[0].msg.find("'25:00'"), std::string::npos) << problems[0].msg;
}

TEST(ToursFromJson, NotAList) {
  std::vector<JsonProblem> problems;
  tours_from_json(json::object(), problems);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].loc, json::parse(R"(["body","tours"])"));
  EXPECT_EQ(problems[0].type, "type_error.list");
}

TEST(ToursFromJson, EmptyArrayIsAValidEmptyForecast) {
  std::vector<JsonProblem> problems;
  EXPECT_TRUE(tours_from_json(json::array(), problems).empty());
  EXPECT_TRUE(problems.empty());
  EXPECT_FALSE(check_tours_semantics({}).has_value());
}

TEST(ToursSemantics, DuplicateIdNamesBothItems) {
  std::vector<JsonProblem> problems;
  auto tours = tours_from_json(json::parse(R"([{"id":"T1","day":"Mon","start_time":"08:00","end_time":"12:00"},
                                              {"id":"T2","day":"Mon","start_time":"08:00","end_time":"12:00"},
                                              {"id":"T1","day":"Tue","start_time":"08:00","end_time":"12:00"}])"),
                               problems);
  ASSERT_TRUE(problems.empty());
  auto msg = check_tours_semantics(tours);
  ASSERT_TRUE(msg.has_value());
  EXPECT_EQ(*msg, "duplicate tour id 'T1' (tours[0] and tours[2])");
}

TEST(ToursSemantics, ZeroLengthAndUnknownDayAreSemanticNotSchema) {
  std::vector<JsonProblem> problems;
  auto zero = tours_from_json(json::parse(R"([{"id":"Z","day":"Mon","start_time":"08:00","end_time":"08:00"}])"), problems);
  EXPECT_TRUE(problems.empty());
  ASSERT_EQ(zero.size(), 1u);
  auto m1 = check_tours_semantics(zero);
  ASSERT_TRUE(m1.has_value());
  EXPECT_NE(m1->find("tours[0] (id 'Z'): zero-length tour 08:00-08:00"), std::string::npos) << *m1;

  auto unknown = tours_from_json(json::parse(R"([{"id":"U","day":"Funday","start_time":"08:00","end_time":"12:00"}])"), problems);
  EXPECT_TRUE(problems.empty());
  auto m2 = check_tours_semantics(unknown);
  ASSERT_TRUE(m2.has_value());
  EXPECT_NE(m2->find("tours[0] (id 'U'): unknown day"), std::string::npos) << *m2;
}

// The file parser and the HTTP layer share one reader: for every broken item, the file error's
// JSON path is the first 422 location (minus "body"), and items the HTTP layer accepts parse to
// the same tours.
TEST(ToursFromJson, ConsistentWithParseForecast) {
  const std::vector<std::string> items = {
      R"({"id":"A","day":"Mon","start_time":"08:00","end_time":"12:00"})",
      R"({"id":"A","day":"Mon","start_time":"8:00","end_time":"12:00","count":2})",
      R"({"id":"A","day":2,"start":"22:00","end":"06:00"})",
      R"({"id":"A","day":"Mon","start_time":"08:00","end_time":"12:60"})",
      R"({"id":"A","day":"Mon","start_time":"08:00"})",
      R"({"id":"A","day":null,"start_time":"08:00","end_time":"12:00"})",
      R"({"id":"","day":"Mon","start_time":"08:00","end_time":"12:00"})",
      R"({"id":"A","day":"Mon","start_time":"08:00","end_time":"12:00","count":100000})",
      R"({"id":"A","day":"Mon","start_time":"08:00","end_time":"12:00","required_qualifications":[1]})",
      R"({"id":1.5,"day":"Mon","start_time":"08:00","end_time":"12:00"})",
  };
  for (const std::string& item : items) {
    std::string doc = R"({"tours":[{"id":"first","day":"Sun","start":"01:00","end":"02:00"},)" + item + "]}";
    std::vector<JsonProblem> problems;
    auto tours = tours_from_json(json::parse(doc)["tours"], problems);
    if (problems.empty()) {
      Forecast f = parse_forecast(doc, "x.json");
      EXPECT_EQ(so::testing::summarize(f.tours), so::testing::summarize(tours)) << item;
      continue;
    }
    try {
      parse_forecast(doc, "x.json");
      FAIL() << "accepted " << item;
    } catch (const InputError& e) {
      EXPECT_EQ(e.path, json_path_string(problems.front().loc)) << item << " -> " << e.what();
    }
  }
}

}  // namespace
}  // namespace so
