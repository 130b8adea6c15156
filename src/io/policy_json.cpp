#include "io/policy_json.hpp"

#include <cctype>
#include <cmath>
#include <filesystem>

#include "io/json_input.hpp"

namespace so {

namespace {

using nlohmann::json;

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
  return out;
}

json rule_value_json(const RuleInfo& info, const RuleValue& v) {
  if (std::holds_alternative<bool>(v)) return std::get<bool>(v);
  double d = std::get<double>(v);
  if (info.kind == RuleKind::Integer) return static_cast<long long>(d);
  return d;
}

json extend(const json& prefix, const std::string& key) {
  json l = prefix;
  l.push_back(key);
  return l;
}

}  // namespace

std::optional<Policy> policy_from_json_checked(const json& obj, std::vector<JsonProblem>& problems, const Policy& base,
                                               const json& loc_prefix) {
  size_t before = problems.size();
  if (obj.is_null()) return base;
  if (!obj.is_object()) {
    problems.push_back({loc_prefix, "policy must be an object of rule names to values", "type_error.dict"});
    return std::nullopt;
  }
  Policy p = base;
  if (auto it = obj.find("profile"); it != obj.end()) {
    std::optional<Policy> prof = it->is_string() ? policy_profile(it->get<std::string>()) : std::nullopt;
    if (prof) {
      p = *prof;
    } else {
      problems.push_back({extend(loc_prefix, "profile"),
                          "unknown profile " + it->dump() + " (expected one of: " + join(policy_profile_names(), ", ") + ")",
                          it->is_string() ? "value_error.profile" : "type_error.str"});
    }
  }
  for (const auto& [key, value] : obj.items()) {  // sorted keys: deterministic problem order
    if (key == "profile") continue;
    const RuleInfo* info = find_rule(key);
    if (!info) {
      problems.push_back({extend(loc_prefix, key), "unknown rule '" + key + "'", "value_error.unknown_rule"});
      continue;
    }
    bool want_bool = info->kind == RuleKind::Boolean;
    if (want_bool ? !value.is_boolean() : !value.is_number()) {
      problems.push_back({extend(loc_prefix, key),
                          "rule '" + key + "' expects " + (want_bool ? "true or false" : "a number") + ", got " +
                              value.dump(),
                          want_bool ? "type_error.bool" : "type_error.number"});
      continue;
    }
    RuleValue rv = want_bool ? RuleValue(value.get<bool>()) : RuleValue(value.get<double>());
    if (auto e = set_rule(p, key, rv)) {
      double d = want_bool ? 0.0 : value.get<double>();
      bool fraction = info->kind == RuleKind::Integer && std::isfinite(d) && std::floor(d) != d;
      problems.push_back({extend(loc_prefix, key), *e, fraction ? "type_error.integer" : "value_error.number.out_of_bounds"});
    }
  }
  if (problems.size() == before)
    for (const std::string& e : check_policy(p)) problems.push_back({loc_prefix, e, "value_error.policy"});
  if (problems.size() != before) return std::nullopt;
  return p;
}

Policy policy_from_json(const json& obj, Policy base) {
  std::vector<JsonProblem> problems;
  auto p = policy_from_json_checked(obj, problems, base, json::array());
  if (p) return *p;
  std::vector<std::string> msgs;
  for (const auto& pr : problems) {
    std::string where = json_path_string(pr.loc);
    msgs.push_back(where.empty() ? pr.msg : where + ": " + pr.msg);
  }
  throw InputError::whole("policy", "invalid policy: " + join(msgs, "; "), {},
                          "rule names of domain.md §4–§5 within their bounds");
}

Policy parse_policy_text(std::string_view text, const std::string& source) {
  const json j = parse_json_input(text, source);
  try {
    return policy_from_json(j);
  } catch (const InputError& e) {
    throw InputError::whole(source, e.problem, e.value, e.expected);
  }
}

Policy load_policy_argument(const std::string& arg) {
  std::string s = arg;
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.erase(s.begin());
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  if (!s.empty() && s.front() == '{') return parse_policy_text(s, "--policy");
  if (auto p = policy_profile(s)) return *p;
  std::error_code ec;
  if (!s.empty() && std::filesystem::is_regular_file(s, ec))
    return parse_policy_text(read_input_file(s, "a policy JSON file"), s);
  throw InputError::whole("policy", "policy argument is neither JSON, a profile name nor a readable file", arg,
                          "inline JSON {...}, one of: " + join(policy_profile_names(), ", ") + ", or a JSON file path");
}

json policy_to_json(const Policy& policy) {
  json out = json::object();
  for (const RuleInfo& r : policy_rules()) out[std::string(r.name)] = rule_value_json(r, get_rule(policy, r.name));
  return out;
}

json policy_schema_json() {
  const Policy defaults;
  json rules = json::array();
  for (const RuleInfo& r : policy_rules()) {
    json e;
    e["name"] = std::string(r.name);
    e["type"] = r.kind == RuleKind::Boolean ? "boolean" : r.kind == RuleKind::Integer ? "integer" : "number";
    e["default"] = rule_value_json(r, get_rule(defaults, r.name));
    if (r.kind == RuleKind::Boolean) {
      e["min"] = nullptr;
      e["max"] = nullptr;
    } else if (r.kind == RuleKind::Integer) {
      e["min"] = static_cast<long long>(r.min);
      e["max"] = static_cast<long long>(r.max);
    } else {
      e["min"] = r.min;
      e["max"] = r.max;
    }
    e["description"] = std::string(r.description);
    e["section"] = std::string(r.section);
    rules.push_back(std::move(e));
  }
  return rules;
}

}  // namespace so
