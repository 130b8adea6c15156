#pragma once
// The rule policy as JSON (domain.md §4–§5, api.md §3 "policy", §5 constraints / config-schema).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/policy.hpp"
#include "io/errors.hpp"

namespace so {

// Applies {"profile":"legacy-v2.0", "<rule>": value, …} on top of `base` (the profile, when
// given, replaces the base first, whatever the key order). Booleans must be JSON booleans,
// other rules JSON numbers (integers for integer rules). Collects every problem — unknown rule or
// profile, wrong type, fraction for an integer rule, out of bounds, inconsistent pair — as
// FastAPI-shaped problems with loc `loc_prefix + [rule]`; returns nullopt when there are any.
std::optional<Policy> policy_from_json_checked(const nlohmann::json& obj, std::vector<JsonProblem>& problems,
                                               const Policy& base = {},
                                               const nlohmann::json& loc_prefix = nlohmann::json::array({"body",
                                                                                                         "policy"}));

// The same, throwing an InputError (source "policy") whose message lists every problem.
Policy policy_from_json(const nlohmann::json& obj, Policy base = {});

// Policy JSON text (inline or a file's content) from `source`: InputError naming the source, the
// line (JSON errors) or every rule problem.
Policy parse_policy_text(std::string_view text, const std::string& source);

// A command-line --policy argument: inline JSON text (starts with '{'), a bare profile name
// ("default", "legacy-v2.0"), or a path to a JSON file holding such an object.
Policy load_policy_argument(const std::string& file_or_json);

// Every rule with its value (integers as JSON integers, booleans, fte_min_hours as a number);
// policy_from_json(policy_to_json(p)) == p.
nlohmann::json policy_to_json(const Policy& policy);

// Every rule in domain order: {"name","type":"integer|boolean|number","default","min","max",
// "description","section"}; min/max are null for booleans.
nlohmann::json policy_schema_json();

}  // namespace so
