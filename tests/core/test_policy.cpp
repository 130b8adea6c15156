// domain.md §4–§5: the rule policy, its bounds and profiles.
#include <gtest/gtest.h>

#include <set>

#include "core/policy.hpp"

namespace so {
namespace {

TEST(Policy, DefaultsMatchDomainTables) {
  Policy p;
  EXPECT_EQ(p.min_gap_minutes, 30);
  EXPECT_EQ(p.max_regular_gap_minutes, 60);
  EXPECT_EQ(p.split_gap_min_minutes, 240);
  EXPECT_EQ(p.split_gap_max_minutes, 360);
  EXPECT_TRUE(p.allow_split);
  EXPECT_EQ(p.max_span_regular_minutes, 840);
  EXPECT_EQ(p.max_span_split_minutes, 960);
  EXPECT_EQ(p.max_span_3er_minutes, 930);
  EXPECT_EQ(p.max_tours_per_block, 3);
  EXPECT_FALSE(p.mix_locations_in_block);
  EXPECT_EQ(p.max_blocks_per_day, 1);
  EXPECT_EQ(p.max_weekly_minutes, 3300);
  EXPECT_EQ(p.min_rest_minutes, 660);
  EXPECT_FALSE(p.allow_consecutive_3er);
  EXPECT_EQ(p.min_rest_after_3er_minutes, 660);
  EXPECT_EQ(p.max_tours_after_3er_day, 3);
  EXPECT_EQ(p.max_working_days, 6);
  EXPECT_TRUE(p.one_location_per_driver);
  EXPECT_FALSE(p.week_wrap);
  EXPECT_DOUBLE_EQ(p.fte_min_hours, 40.0);
  EXPECT_TRUE(check_policy(p).empty());
}

TEST(Policy, RuleListInDomainOrderWithDefaultsInsideBounds) {
  const auto& rules = policy_rules();
  ASSERT_EQ(rules.size(), 20u);
  EXPECT_EQ(rules.front().name, "min_gap_minutes");
  EXPECT_EQ(rules[9].name, "mix_locations_in_block");
  EXPECT_EQ(rules[10].name, "max_blocks_per_day");
  EXPECT_EQ(rules.back().name, "fte_min_hours");
  std::set<std::string_view> names;
  Policy p;
  for (const auto& r : rules) {
    EXPECT_TRUE(names.insert(r.name).second) << "duplicate " << r.name;
    ASSERT_NE(find_rule(r.name), nullptr) << r.name;
    EXPECT_EQ(find_rule(r.name)->name, r.name);
    EXPECT_EQ(find_rule(r.name)->max, r.max);
    EXPECT_TRUE(r.section == "block" || r.section == "week");
    RuleValue v = get_rule(p, r.name);
    if (r.kind == RuleKind::Boolean) {
      EXPECT_TRUE(std::holds_alternative<bool>(v)) << r.name;
    } else {
      ASSERT_TRUE(std::holds_alternative<double>(v)) << r.name;
      EXPECT_GE(std::get<double>(v), r.min) << r.name;
      EXPECT_LE(std::get<double>(v), r.max) << r.name;
    }
    // Setting a rule to its own value is always accepted and changes nothing.
    Policy q;
    EXPECT_EQ(set_rule(q, r.name, v), std::nullopt) << r.name;
    EXPECT_EQ(q, p);
  }
  EXPECT_EQ(find_rule("nope"), nullptr);
}

TEST(SetRule, AcceptsBoundsInclusive) {
  Policy p;
  EXPECT_EQ(set_rule(p, "min_gap_minutes", 0.0), std::nullopt);
  EXPECT_EQ(p.min_gap_minutes, 0);
  EXPECT_EQ(set_rule(p, "min_gap_minutes", 120.0), std::nullopt);
  EXPECT_EQ(p.min_gap_minutes, 120);
  EXPECT_EQ(set_rule(p, "max_weekly_minutes", 3600.0), std::nullopt);
  EXPECT_EQ(p.max_weekly_minutes, 3600);
  EXPECT_EQ(set_rule(p, "allow_split", false), std::nullopt);
  EXPECT_FALSE(p.allow_split);
  EXPECT_EQ(set_rule(p, "fte_min_hours", 37.5), std::nullopt);  // a Number rule takes fractions
  EXPECT_DOUBLE_EQ(p.fte_min_hours, 37.5);
  EXPECT_EQ(std::get<double>(get_rule(p, "fte_min_hours")), 37.5);
}

TEST(SetRule, UnknownRule) {
  Policy p;
  auto err = set_rule(p, "max_gap", 10.0);
  ASSERT_TRUE(err.has_value());
  EXPECT_NE(err->find("unknown rule"), std::string::npos) << *err;
  EXPECT_NE(err->find("max_gap"), std::string::npos) << *err;
  EXPECT_EQ(p, Policy{});
}

TEST(SetRule, OutOfBoundsNamesRuleValueAndRange) {
  Policy p;
  auto err = set_rule(p, "min_gap_minutes", 121.0);
  ASSERT_TRUE(err.has_value());
  EXPECT_NE(err->find("min_gap_minutes"), std::string::npos) << *err;
  EXPECT_NE(err->find("121"), std::string::npos) << *err;
  EXPECT_NE(err->find("[0, 120]"), std::string::npos) << *err;
  EXPECT_TRUE(set_rule(p, "min_gap_minutes", -1.0).has_value());
  EXPECT_TRUE(set_rule(p, "max_weekly_minutes", 3601.0).has_value());
  EXPECT_TRUE(set_rule(p, "min_rest_minutes", 539.0).has_value());
  EXPECT_TRUE(set_rule(p, "max_blocks_per_day", 2.0).has_value());  // bounds 1..1
  EXPECT_TRUE(set_rule(p, "fte_min_hours", 55.5).has_value());
  EXPECT_TRUE(set_rule(p, "max_tours_per_block", 4.0).has_value());
  EXPECT_EQ(p, Policy{});  // a rejected value never sticks
}

TEST(SetRule, NonIntegerForIntegerRule) {
  Policy p;
  auto err = set_rule(p, "min_rest_minutes", 660.5);
  ASSERT_TRUE(err.has_value());
  EXPECT_NE(err->find("integer"), std::string::npos) << *err;
  EXPECT_EQ(p.min_rest_minutes, 660);
  EXPECT_TRUE(set_rule(p, "min_rest_minutes", std::numeric_limits<double>::quiet_NaN()).has_value());
  EXPECT_TRUE(set_rule(p, "min_rest_minutes", std::numeric_limits<double>::infinity()).has_value());
}

TEST(SetRule, WrongType) {
  Policy p;
  auto e1 = set_rule(p, "allow_split", 1.0);
  ASSERT_TRUE(e1.has_value());
  EXPECT_NE(e1->find("allow_split"), std::string::npos);
  auto e2 = set_rule(p, "min_gap_minutes", true);
  ASSERT_TRUE(e2.has_value());
  EXPECT_NE(e2->find("min_gap_minutes"), std::string::npos);
  EXPECT_EQ(p, Policy{});
}

TEST(CheckPolicy, CrossRuleConsistency) {
  Policy p;
  ASSERT_EQ(set_rule(p, "min_gap_minutes", 90.0), std::nullopt);  // in its own bounds, but > max_regular_gap 60
  auto issues = check_policy(p);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_NE(issues[0].find("min_gap_minutes (90)"), std::string::npos) << issues[0];
  ASSERT_EQ(set_rule(p, "split_gap_min_minutes", 400.0), std::nullopt);
  ASSERT_EQ(set_rule(p, "split_gap_max_minutes", 300.0), std::nullopt);
  EXPECT_EQ(check_policy(p).size(), 2u);
  Policy q;
  q.min_gap_minutes = 60;  // equal is consistent
  EXPECT_TRUE(check_policy(q).empty());
}

TEST(PolicyProfile, BothProfiles) {
  auto names = policy_profile_names();
  EXPECT_EQ(names, (std::vector<std::string>{"default", "legacy-v2.0"}));
  auto d = policy_profile("default");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(*d, Policy{});
  auto l = policy_profile("legacy-v2.0");
  ASSERT_TRUE(l.has_value());
  EXPECT_EQ(l->min_rest_after_3er_minutes, 840);
  EXPECT_EQ(l->max_tours_after_3er_day, 2);
  EXPECT_DOUBLE_EQ(l->fte_min_hours, 42.0);
  // Everything else is the default.
  Policy rest = *l;
  rest.min_rest_after_3er_minutes = 660;
  rest.max_tours_after_3er_day = 3;
  rest.fte_min_hours = 40.0;
  EXPECT_EQ(rest, Policy{});
  EXPECT_TRUE(check_policy(*l).empty());
  EXPECT_FALSE(policy_profile("legacy").has_value());
  EXPECT_FALSE(policy_profile("").has_value());
}

}  // namespace
}  // namespace so
