#include "solver/config.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/signature.hpp"

namespace so {

namespace {

using Member = std::variant<bool SolverConfig::*, int SolverConfig::*, double SolverConfig::*>;

struct TunableEntry {
  TunableInfo info;
  Member member;
};

// Work limits are locked: the capacity plan (runs per core) and the determinism guarantee rest on
// them, so a request may not raise them; quality knobs and feature flags stay per-request.
const std::vector<TunableEntry>& entries() {
  static const std::vector<TunableEntry> kEntries = {
      {{"enable_fill_to_target_greedy", TunableKind::Boolean, 0, 1, false,
        "rebalance work so FTE drivers reach the target band once the driver count is fixed"},
       &SolverConfig::enable_fill_to_target_greedy},
      {{"enable_bad_block_mix_rerun", TunableKind::Boolean, 0, 1, false,
        "rerun phase2+lns with heavier 1er/PT penalties when the PT or underfull ratio is too high"},
       &SolverConfig::enable_bad_block_mix_rerun},
      {{"fte_target_min_hours", TunableKind::Number, 0, 60, false,
        "FTE drivers below this weekly work count as underfull"},
       &SolverConfig::fte_target_min_hours},
      {{"fte_target_max_hours", TunableKind::Number, 0, 60, false, "upper end of the FTE target band"},
       &SolverConfig::fte_target_max_hours},
      {{"fte_hours_target", TunableKind::Number, 0, 60, false, "weekly hours fill-to-target aims at"},
       &SolverConfig::fte_hours_target},
      {{"pt_ratio_threshold", TunableKind::Number, 0, 1, false, "PT ratio above which the bad-block-mix rerun fires"},
       &SolverConfig::pt_ratio_threshold},
      {{"underfull_ratio_threshold", TunableKind::Number, 0, 1, false,
        "underfull ratio above which the bad-block-mix rerun fires"},
       &SolverConfig::underfull_ratio_threshold},
      {{"min_rerun_budget", TunableKind::Number, 0, 600, false,
        "seconds that must remain for the bad-block-mix rerun"},
       &SolverConfig::min_rerun_budget},
      {{"rerun_1er_penalty_multiplier", TunableKind::Number, 1, 20, false,
        "penalty multiplier on 1er blocks and PT drivers in the rerun"},
       &SolverConfig::rerun_1er_penalty_multiplier},
      {{"cg_max_rounds", TunableKind::Integer, 1, 5000, true, "column-generation pricing rounds (work limit)"},
       &SolverConfig::cg_max_rounds},
      {{"cg_columns_per_round", TunableKind::Integer, 1, 2000, true, "columns added per pricing round (work limit)"},
       &SolverConfig::cg_columns_per_round},
      {{"mip_node_limit", TunableKind::Integer, 0, 100000, true, "CBC nodes for the restricted master (work limit)"},
       &SolverConfig::mip_node_limit},
      {{"lns_max_iterations", TunableKind::Integer, 0, 10000, true, "LNS destroy/repair iterations (work limit)"},
       &SolverConfig::lns_max_iterations},
  };
  return kEntries;
}

const TunableEntry* find_entry(std::string_view name) {
  for (const auto& e : entries())
    if (e.info.name == name) return &e;
  return nullptr;
}

std::string fmt_number(double v) {
  std::ostringstream os;
  os.precision(15);
  os << v;
  return os.str();
}

// Booleans from the environment: true/1/yes/on (any case) switch a flag on.
bool env_flag(const char* name) {
  const char* raw = std::getenv(name);
  if (!raw) return false;
  std::string v(raw);
  for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return v == "true" || v == "1" || v == "yes" || v == "on";
}

}  // namespace

const std::vector<TunableInfo>& tunables() {
  static const std::vector<TunableInfo> kInfos = [] {
    std::vector<TunableInfo> out;
    for (const auto& e : entries()) out.push_back(e.info);
    return out;
  }();
  return kInfos;
}

void apply_override(SolverConfig& config, std::string_view key, const TunableValue& value, ConfigReport& report) {
  const TunableEntry* e = find_entry(key);
  if (!e) {
    report.overrides_rejected.emplace_back(std::string(key), "UNKNOWN_FIELD");
    return;
  }
  if (e->info.locked) {
    report.overrides_rejected.emplace_back(std::string(key), "LOCKED_FIELD");
    return;
  }
  if (e->info.kind == TunableKind::Boolean) {
    if (!std::holds_alternative<bool>(value)) {
      report.overrides_rejected.emplace_back(std::string(key), "TYPE_ERROR");
      return;
    }
    config.*std::get<bool SolverConfig::*>(e->member) = std::get<bool>(value);
    report.overrides_applied.emplace_back(key);
    report.overrides_applied_values.emplace_back(std::string(key), std::get<bool>(value) ? "true" : "false");
    return;
  }
  // Numbers: a boolean, a string or a non-finite value is a type error; an integer tunable
  // needs an integral value (a fraction is a type error, not silently rounded).
  if (!std::holds_alternative<double>(value)) {
    report.overrides_rejected.emplace_back(std::string(key), "TYPE_ERROR");
    return;
  }
  const double requested = std::get<double>(value);
  if (!std::isfinite(requested) || (e->info.kind == TunableKind::Integer && std::floor(requested) != requested)) {
    report.overrides_rejected.emplace_back(std::string(key), "TYPE_ERROR");
    return;
  }
  const double used = std::clamp(requested, e->info.min, e->info.max);
  if (used != requested)
    report.overrides_clamped.emplace_back(std::string(key), fmt_number(requested) + " -> " + fmt_number(used));
  if (e->info.kind == TunableKind::Integer) config.*std::get<int SolverConfig::*>(e->member) = static_cast<int>(used);
  else config.*std::get<double SolverConfig::*>(e->member) = used;
  report.overrides_applied.emplace_back(key);
  report.overrides_applied_values.emplace_back(std::string(key), fmt_number(used));
}

std::string effective_config_json(const SolverConfig& config, const Policy& policy) {
  // nlohmann::json objects are std::map-backed: keys come out sorted, so the text is canonical.
  nlohmann::json tun = nlohmann::json::object();
  for (const auto& e : entries()) {
    std::visit(
        [&](auto member) {
          using T = std::decay_t<decltype(config.*member)>;
          tun[std::string(e.info.name)] = static_cast<T>(config.*member);
        },
        e.member);
  }
  nlohmann::json pol = nlohmann::json::object();
  for (const RuleInfo& r : policy_rules()) {
    RuleValue v = get_rule(policy, r.name);
    if (r.kind == RuleKind::Boolean) pol[std::string(r.name)] = std::get<bool>(v);
    else if (r.kind == RuleKind::Integer) pol[std::string(r.name)] = static_cast<long long>(std::get<double>(v));
    else pol[std::string(r.name)] = std::get<double>(v);
  }
  nlohmann::json out = {{"config", tun}, {"policy", pol}};
  return out.dump();
}

std::string effective_config_hash(const SolverConfig& config, const Policy& policy) {
  return sha256_hex(effective_config_json(config, policy)).substr(0, 16);
}

SolverConfig config_from_environment() {
  SolverConfig c;
  c.enable_fill_to_target_greedy = env_flag("ENABLE_FILL_TO_TARGET");
  c.enable_bad_block_mix_rerun = env_flag("ENABLE_BAD_BLOCK_MIX_RERUN");
  return c;
}

}  // namespace so
