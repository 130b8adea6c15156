// The rule policy as JSON: profiles, per-rule overrides, every problem reported at once.
#include <gtest/gtest.h>

#include <fstream>

#include "io/policy_json.hpp"
#include "io_test_util.hpp"

namespace so {
namespace {

using nlohmann::json;

TEST(PolicyJson, ProfileThenRulesWhateverTheKeyOrder) {
  Policy p = policy_from_json(json::parse(R"({"min_rest_minutes":700,"profile":"legacy-v2.0","allow_split":false})"));
  EXPECT_EQ(p.min_rest_minutes, 700);
  EXPECT_FALSE(p.allow_split);
  EXPECT_EQ(p.min_rest_after_3er_minutes, 840);  // from the legacy profile
  EXPECT_EQ(p.max_tours_after_3er_day, 2);
  EXPECT_DOUBLE_EQ(p.fte_min_hours, 42.0);
}

TEST(PolicyJson, BaseIsKeptForRulesNotMentioned) {
  Policy base;
  base.max_working_days = 5;
  Policy p = policy_from_json(json::parse(R"({"fte_min_hours":38.5})"), base);
  EXPECT_EQ(p.max_working_days, 5);
  EXPECT_DOUBLE_EQ(p.fte_min_hours, 38.5);
  EXPECT_EQ(policy_from_json(json::object(), base), base);
}

TEST(PolicyJson, CollectsEveryProblem) {
  json bad = json::parse(R"({"min_gap_minutes":200,"no_such_rule":1,"allow_split":"yes",
                              "max_weekly_minutes":3300.5,"min_rest_minutes":true,"profile":"nope"})");
  std::vector<JsonProblem> problems;
  EXPECT_FALSE(policy_from_json_checked(bad, problems).has_value());
  std::vector<std::pair<std::string, std::string>> got;
  for (const auto& p : problems) got.emplace_back(json_path_string(p.loc), p.type);
  std::vector<std::pair<std::string, std::string>> want = {
      {"policy.profile", "value_error.profile"},
      {"policy.allow_split", "type_error.bool"},
      {"policy.max_weekly_minutes", "type_error.integer"},
      {"policy.min_gap_minutes", "value_error.number.out_of_bounds"},
      {"policy.min_rest_minutes", "type_error.number"},
      {"policy.no_such_rule", "value_error.unknown_rule"},
  };
  EXPECT_EQ(got, want);
  try {
    policy_from_json(bad);
    FAIL();
  } catch (const InputError& e) {
    std::string m = e.what();
    for (const char* needle : {"unknown rule 'no_such_rule'", "min_gap_minutes", "200", "[0, 120]", "allow_split",
                               "true or false", "nope", "legacy-v2.0", "3300.5"})
      EXPECT_NE(m.find(needle), std::string::npos) << needle << " missing in: " << m;
  }
}

TEST(PolicyJson, CrossRuleConsistency) {
  std::vector<JsonProblem> problems;
  EXPECT_FALSE(policy_from_json_checked(json::parse(R"({"min_gap_minutes":90,"max_regular_gap_minutes":60})"), problems));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].type, "value_error.policy");
  EXPECT_NE(problems[0].msg.find("max_regular_gap_minutes"), std::string::npos);
}

TEST(PolicyJson, NotAnObject) {
  EXPECT_THROW(policy_from_json(json::array()), InputError);
  EXPECT_EQ(policy_from_json(json(nullptr)), Policy{});  // absent policy = defaults
}

TEST(PolicyJson, RoundTripAndEveryRule) {
  Policy p = *policy_profile("legacy-v2.0");
  p.allow_consecutive_3er = true;
  p.max_span_3er_minutes = 900;
  json j = policy_to_json(p);
  EXPECT_EQ(j.size(), policy_rules().size());
  EXPECT_TRUE(j["max_span_3er_minutes"].is_number_integer());
  EXPECT_TRUE(j["allow_split"].is_boolean());
  EXPECT_EQ(policy_from_json(j), p);
  EXPECT_EQ(policy_from_json(policy_to_json(Policy{})), Policy{});
}

TEST(PolicyJson, SchemaListsEveryRuleWithBoundsAndDefault) {
  json s = policy_schema_json();
  ASSERT_EQ(s.size(), policy_rules().size());
  const Policy defaults;
  for (size_t i = 0; i < s.size(); ++i) {
    const RuleInfo& r = policy_rules()[i];
    SCOPED_TRACE(std::string(r.name));
    EXPECT_EQ(s[i]["name"], std::string(r.name));
    for (const char* k : {"type", "default", "min", "max", "description"}) EXPECT_TRUE(s[i].contains(k)) << k;
    EXPECT_FALSE(s[i]["description"].get<std::string>().empty());
    if (r.kind == RuleKind::Boolean) {
      EXPECT_EQ(s[i]["type"], "boolean");
      EXPECT_TRUE(s[i]["min"].is_null());
    } else {
      EXPECT_DOUBLE_EQ(s[i]["min"].get<double>(), r.min);
      EXPECT_DOUBLE_EQ(s[i]["max"].get<double>(), r.max);
      double d = s[i]["default"].get<double>();
      EXPECT_GE(d, r.min);
      EXPECT_LE(d, r.max);
    }
  }
  EXPECT_EQ(s[0]["name"], "min_gap_minutes");
  EXPECT_EQ(s[0]["default"], 30);
  EXPECT_EQ(s[0]["type"], "integer");
}

TEST(PolicyJson, LoadPolicyArgument) {
  EXPECT_EQ(load_policy_argument("legacy-v2.0"), *policy_profile("legacy-v2.0"));
  EXPECT_EQ(load_policy_argument(" default "), Policy{});
  EXPECT_EQ(load_policy_argument(R"({"max_working_days":5})").max_working_days, 5);
  so::testing::TempDir dir("policy");
  auto file = dir.path / "policy.json";
  std::ofstream(file) << "\xEF\xBB\xBF{\"profile\":\"legacy-v2.0\",\"week_wrap\":true}\n";
  Policy p = load_policy_argument(file.string());
  EXPECT_TRUE(p.week_wrap);
  EXPECT_EQ(p.max_tours_after_3er_day, 2);
  auto bad = dir.path / "bad.json";
  std::ofstream(bad) << "{\"max_working_days\": 9}";
  try {
    load_policy_argument(bad.string());
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.source, bad.string());
    EXPECT_NE(std::string(e.what()).find("max_working_days"), std::string::npos) << e.what();
  }
  EXPECT_THROW(load_policy_argument("{not json"), InputError);
  EXPECT_THROW(load_policy_argument("no-such-profile-or-file"), InputError);
}

}  // namespace
}  // namespace so
