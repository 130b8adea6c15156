// Solver tunables and feature flags (src/solver/config.cpp; api.md §5).
#include <gtest/gtest.h>

#include <cstdlib>

#include <nlohmann/json.hpp>

#include "solver/config.hpp"

namespace so {
namespace {

TEST(SolverConfigTunables, EveryTunableHasBoundsAroundItsDefault) {
  const SolverConfig defaults;
  const auto doc = nlohmann::json::parse(effective_config_json(defaults, Policy{}));
  ASSERT_FALSE(tunables().empty());
  bool any_locked = false, any_open = false;
  for (const TunableInfo& t : tunables()) {
    ASSERT_TRUE(doc["config"].contains(std::string(t.name))) << t.name;
    if (t.kind != TunableKind::Boolean) {
      const double v = doc["config"][std::string(t.name)].get<double>();
      EXPECT_LE(t.min, v) << t.name;
      EXPECT_GE(t.max, v) << t.name;
    }
    (t.locked ? any_locked : any_open) = true;
  }
  EXPECT_TRUE(any_locked);
  EXPECT_TRUE(any_open);
  EXPECT_EQ(doc["config"].size(), tunables().size());
}

TEST(SolverConfigTunables, OverrideAppliesClampsAndRejects) {
  SolverConfig c;
  ConfigReport r;
  apply_override(c, "enable_fill_to_target_greedy", true, r);
  apply_override(c, "pt_ratio_threshold", 5.0, r);          // bounds 0–1: clamped to 1
  apply_override(c, "fte_hours_target", 48.0, r);
  apply_override(c, "no_such_knob", 1.0, r);
  apply_override(c, "mip_node_limit", 10.0, r);             // locked work limit
  apply_override(c, "enable_bad_block_mix_rerun", 1.0, r);  // number for a boolean
  apply_override(c, "min_rerun_budget", true, r);           // boolean for a number
  apply_override(c, "rerun_1er_penalty_multiplier", std::string("\"high\""), r);  // a JSON string
  EXPECT_TRUE(c.enable_fill_to_target_greedy);
  EXPECT_FALSE(c.enable_bad_block_mix_rerun);
  EXPECT_EQ(c.pt_ratio_threshold, 1.0);
  EXPECT_EQ(c.fte_hours_target, 48.0);
  EXPECT_EQ(c.mip_node_limit, SolverConfig{}.mip_node_limit);
  EXPECT_EQ(c.min_rerun_budget, SolverConfig{}.min_rerun_budget);
  EXPECT_EQ(r.overrides_applied,
            (std::vector<std::string>{"enable_fill_to_target_greedy", "pt_ratio_threshold", "fte_hours_target"}));
  using P = std::pair<std::string, std::string>;
  EXPECT_EQ(r.overrides_clamped, (std::vector<P>{{"pt_ratio_threshold", "5 -> 1"}}));
  EXPECT_EQ(r.overrides_rejected, (std::vector<P>{{"no_such_knob", "UNKNOWN_FIELD"},
                                                  {"mip_node_limit", "LOCKED_FIELD"},
                                                  {"enable_bad_block_mix_rerun", "TYPE_ERROR"},
                                                  {"min_rerun_budget", "TYPE_ERROR"},
                                                  {"rerun_1er_penalty_multiplier", "TYPE_ERROR"}}));
}

TEST(SolverConfigTunables, ValueBelowTheLowerBoundIsClamped) {
  SolverConfig c;
  ConfigReport r;
  apply_override(c, "fte_target_min_hours", -3.0, r);  // below 0: clamped
  EXPECT_EQ(c.fte_target_min_hours, 0.0);
  EXPECT_EQ(r.overrides_clamped.front().second, "-3 -> 0");
}

TEST(SolverConfigHash, CanonicalSortedAndSensitiveToEveryValue) {
  const SolverConfig c;
  const Policy p;
  const std::string text = effective_config_json(c, p);
  const std::string hash = effective_config_hash(c, p);
  ASSERT_EQ(hash.size(), 16u);
  EXPECT_EQ(hash.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(effective_config_hash(SolverConfig{}, Policy{}), hash);  // stable
  // Keys sorted at every level (nlohmann object order), no whitespace.
  const auto doc = nlohmann::json::parse(text);
  EXPECT_EQ(doc.dump(), text);
  EXPECT_LT(text.find("\"config\""), text.find("\"policy\""));
  EXPECT_LT(text.find("\"cg_max_rounds\""), text.find("\"enable_bad_block_mix_rerun\""));

  SolverConfig flagged;
  flagged.enable_bad_block_mix_rerun = true;
  EXPECT_NE(effective_config_hash(flagged, p), hash);
  Policy legacy = *policy_profile("legacy-v2.0");
  EXPECT_NE(effective_config_hash(c, legacy), hash);
  SolverConfig tuned;
  tuned.fte_hours_target = 49.0;
  EXPECT_NE(effective_config_hash(tuned, p), hash);
}

TEST(SolverConfigEnvironment, FeatureFlagsFromEnvironment) {
  ::setenv("ENABLE_FILL_TO_TARGET", "true", 1);
  ::setenv("ENABLE_BAD_BLOCK_MIX_RERUN", "0", 1);
  SolverConfig a = config_from_environment();
  EXPECT_TRUE(a.enable_fill_to_target_greedy);
  EXPECT_FALSE(a.enable_bad_block_mix_rerun);
  ::setenv("ENABLE_FILL_TO_TARGET", "no", 1);
  ::setenv("ENABLE_BAD_BLOCK_MIX_RERUN", "TRUE", 1);
  SolverConfig b = config_from_environment();
  EXPECT_FALSE(b.enable_fill_to_target_greedy);
  EXPECT_TRUE(b.enable_bad_block_mix_rerun);
  ::unsetenv("ENABLE_FILL_TO_TARGET");
  ::unsetenv("ENABLE_BAD_BLOCK_MIX_RERUN");
  EXPECT_EQ(config_from_environment(), SolverConfig{});
}

}  // namespace
}  // namespace so
