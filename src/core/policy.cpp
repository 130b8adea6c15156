#include "core/policy.hpp"

#include <cmath>
#include <sstream>

namespace so {

namespace {

using Member = std::variant<int Policy::*, bool Policy::*, double Policy::*>;

struct RuleEntry {
  RuleInfo info;
  Member member;
};

const std::vector<RuleEntry>& entries() {
  static const std::vector<RuleEntry> kEntries = {
      {{"min_gap_minutes", RuleKind::Integer, 0, 120, "smallest gap inside a block", "block"}, &Policy::min_gap_minutes},
      {{"max_regular_gap_minutes", RuleKind::Integer, 30, 180, "largest regular gap", "block"},
       &Policy::max_regular_gap_minutes},
      {{"split_gap_min_minutes", RuleKind::Integer, 120, 600, "split gap window start (2er only)", "block"},
       &Policy::split_gap_min_minutes},
      {{"split_gap_max_minutes", RuleKind::Integer, 120, 600, "split gap window end (2er only)", "block"},
       &Policy::split_gap_max_minutes},
      {{"allow_split", RuleKind::Boolean, 0, 1, "split shifts allowed", "block"}, &Policy::allow_split},
      {{"max_span_regular_minutes", RuleKind::Integer, 480, 960, "max span, 2er regular", "block"},
       &Policy::max_span_regular_minutes},
      {{"max_span_split_minutes", RuleKind::Integer, 480, 1080, "max span, 2er split", "block"},
       &Policy::max_span_split_minutes},
      {{"max_span_3er_minutes", RuleKind::Integer, 480, 1080, "max span, 3er", "block"}, &Policy::max_span_3er_minutes},
      {{"max_tours_per_block", RuleKind::Integer, 1, 3, "most tours in a block", "block"}, &Policy::max_tours_per_block},
      {{"mix_locations_in_block", RuleKind::Boolean, 0, 1, "tours of different locations in one block", "block"},
       &Policy::mix_locations_in_block},
      {{"max_blocks_per_day", RuleKind::Integer, 1, 1, "blocks per driver per day", "week"}, &Policy::max_blocks_per_day},
      {{"max_weekly_minutes", RuleKind::Integer, 600, 3600, "weekly work", "week"}, &Policy::max_weekly_minutes},
      {{"min_rest_minutes", RuleKind::Integer, 540, 720, "rest between blocks on consecutive days", "week"},
       &Policy::min_rest_minutes},
      {{"allow_consecutive_3er", RuleKind::Boolean, 0, 1, "3er on two consecutive days", "week"},
       &Policy::allow_consecutive_3er},
      {{"min_rest_after_3er_minutes", RuleKind::Integer, 660, 960, "rest after a 3er day", "week"},
       &Policy::min_rest_after_3er_minutes},
      {{"max_tours_after_3er_day", RuleKind::Integer, 1, 3, "tours on the day after a 3er", "week"},
       &Policy::max_tours_after_3er_day},
      {{"max_working_days", RuleKind::Integer, 1, 7, "working days per week", "week"}, &Policy::max_working_days},
      {{"one_location_per_driver", RuleKind::Boolean, 0, 1, "a driver works at one location all week", "week"},
       &Policy::one_location_per_driver},
      {{"week_wrap", RuleKind::Boolean, 0, 1, "Sunday->Monday counts as consecutive", "week"}, &Policy::week_wrap},
      {{"fte_min_hours", RuleKind::Number, 0, 55, "FTE threshold (weekly hours)", "week"}, &Policy::fte_min_hours},
  };
  return kEntries;
}

const RuleEntry* find_entry(std::string_view name) {
  for (const auto& e : entries())
    if (e.info.name == name) return &e;
  return nullptr;
}

std::string fmt_number(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

}  // namespace

const std::vector<RuleInfo>& policy_rules() {
  static const std::vector<RuleInfo> kInfos = [] {
    std::vector<RuleInfo> out;
    for (const auto& e : entries()) out.push_back(e.info);
    return out;
  }();
  return kInfos;
}

const RuleInfo* find_rule(std::string_view name) {
  const RuleEntry* e = find_entry(name);
  return e ? &e->info : nullptr;
}

RuleValue get_rule(const Policy& policy, std::string_view name) {
  const RuleEntry* e = find_entry(name);
  if (!e) return 0.0;
  return std::visit(
      [&](auto member) -> RuleValue {
        using T = std::decay_t<decltype(policy.*member)>;
        if constexpr (std::is_same_v<T, bool>) return policy.*member;
        else return static_cast<double>(policy.*member);
      },
      e->member);
}

std::optional<std::string> set_rule(Policy& policy, std::string_view name, const RuleValue& value) {
  const RuleEntry* e = find_entry(name);
  if (!e) return "unknown rule '" + std::string(name) + "'";
  const RuleInfo& info = e->info;
  if (info.kind == RuleKind::Boolean) {
    if (!std::holds_alternative<bool>(value))
      return "rule '" + std::string(name) + "' expects true or false";
    policy.*std::get<bool Policy::*>(e->member) = std::get<bool>(value);
    return std::nullopt;
  }
  if (!std::holds_alternative<double>(value))
    return "rule '" + std::string(name) + "' expects a number, got a boolean";
  double v = std::get<double>(value);
  if (!std::isfinite(v)) return "rule '" + std::string(name) + "' expects a finite number";
  if (info.kind == RuleKind::Integer && std::floor(v) != v)
    return "rule '" + std::string(name) + "' expects an integer, got " + fmt_number(v);
  if (v < info.min || v > info.max)
    return "rule '" + std::string(name) + "' = " + fmt_number(v) + " is out of bounds [" + fmt_number(info.min) + ", " +
           fmt_number(info.max) + "]";
  if (info.kind == RuleKind::Integer) policy.*std::get<int Policy::*>(e->member) = static_cast<int>(v);
  else policy.*std::get<double Policy::*>(e->member) = v;
  return std::nullopt;
}

std::vector<std::string> check_policy(const Policy& p) {
  std::vector<std::string> out;
  if (p.min_gap_minutes > p.max_regular_gap_minutes)
    out.push_back("min_gap_minutes (" + std::to_string(p.min_gap_minutes) + ") must not exceed max_regular_gap_minutes (" +
                  std::to_string(p.max_regular_gap_minutes) + ")");
  if (p.split_gap_min_minutes > p.split_gap_max_minutes)
    out.push_back("split_gap_min_minutes (" + std::to_string(p.split_gap_min_minutes) +
                  ") must not exceed split_gap_max_minutes (" + std::to_string(p.split_gap_max_minutes) + ")");
  return out;
}

std::optional<Policy> policy_profile(std::string_view name) {
  if (name == "default") return Policy{};
  if (name == "legacy-v2.0") {
    Policy p;
    p.min_rest_after_3er_minutes = 840;
    p.max_tours_after_3er_day = 2;
    p.fte_min_hours = 42.0;
    return p;
  }
  return std::nullopt;
}

std::vector<std::string> policy_profile_names() { return {"default", "legacy-v2.0"}; }

}  // namespace so
