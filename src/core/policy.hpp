#pragma once
// The rule policy (domain.md §4–§5): every rule has a name, a default and bounds.
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/time.hpp"

namespace so {

struct Policy {
  // §4 block rules
  Minutes min_gap_minutes = 30;
  Minutes max_regular_gap_minutes = 60;
  Minutes split_gap_min_minutes = 240;
  Minutes split_gap_max_minutes = 360;
  bool allow_split = true;
  Minutes max_span_regular_minutes = 840;
  Minutes max_span_split_minutes = 960;
  Minutes max_span_3er_minutes = 930;
  int max_tours_per_block = 3;
  bool mix_locations_in_block = false;
  // §5 weekly roster rules
  int max_blocks_per_day = 1;
  Minutes max_weekly_minutes = 3300;
  Minutes min_rest_minutes = 660;
  bool allow_consecutive_3er = false;
  Minutes min_rest_after_3er_minutes = 660;
  int max_tours_after_3er_day = 3;
  int max_working_days = 6;
  bool one_location_per_driver = true;
  bool week_wrap = false;
  double fte_min_hours = 40.0;

  bool operator==(const Policy&) const = default;
};

enum class RuleKind { Integer, Boolean, Number };

using RuleValue = std::variant<bool, double>;

struct RuleInfo {
  std::string_view name;
  RuleKind kind;
  double min;  // inclusive bounds (unused for booleans)
  double max;
  std::string_view description;
  std::string_view section;  // "block" or "week"
};

// Every rule in a fixed, documented order (the order of domain.md §4–§5).
const std::vector<RuleInfo>& policy_rules();
const RuleInfo* find_rule(std::string_view name);

// Current value of a rule (bool for booleans, double otherwise). Precondition: the rule exists.
RuleValue get_rule(const Policy& policy, std::string_view name);

// Sets one rule. Returns an error message naming the rule, the value and the allowed range when
// the rule is unknown, the type is wrong, an integer rule gets a fraction, or the value is out of bounds.
std::optional<std::string> set_rule(Policy& policy, std::string_view name, const RuleValue& value);

// Cross-rule consistency (e.g. min_gap <= max_regular_gap); empty when consistent.
std::vector<std::string> check_policy(const Policy& policy);

// Named profiles: "default" and "legacy-v2.0" (rest after a 3er day >= 840, <= 2 tours the day
// after a 3er, FTE threshold 42 h). nullopt for an unknown name.
std::optional<Policy> policy_profile(std::string_view name);
std::vector<std::string> policy_profile_names();

}  // namespace so
