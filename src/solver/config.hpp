#pragma once
// Solver tunables and feature flags (api.md §5, solver.md). Each has a type, default and bounds;
// overrides are clamped or rejected and reported, never failing the request.
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/report.hpp"

namespace so {

struct SolverConfig {
  bool enable_fill_to_target_greedy = false;
  bool enable_bad_block_mix_rerun = false;
  double fte_target_min_hours = 42.0;
  double fte_target_max_hours = 53.0;
  double fte_hours_target = 49.5;
  double pt_ratio_threshold = 0.25;
  double underfull_ratio_threshold = 0.15;
  double min_rerun_budget = 5.0;  // seconds that must remain for the bad-block-mix rerun
  double rerun_1er_penalty_multiplier = 3.0;
  // Work limits (determinism: the solve stops on these, never on the clock unless the safety net fires).
  int cg_max_rounds = 400;            // column-generation pricing rounds
  int cg_columns_per_round = 200;     // columns added per pricing round, at most
  int mip_node_limit = 2000;          // CBC nodes for the restricted master
  int lns_max_iterations = 200;       // LNS destroy/repair iterations

  bool operator==(const SolverConfig&) const = default;
};

enum class TunableKind { Boolean, Integer, Number };

struct TunableInfo {
  std::string_view name;
  TunableKind kind;
  double min, max;
  bool locked;  // cannot be overridden per request (reported as LOCKED_FIELD)
  std::string_view description;
};

const std::vector<TunableInfo>& tunables();

using TunableValue = std::variant<bool, double, std::string>;  // string = wrong JSON type for any tunable

// Applies one override: clamps out-of-bounds numbers (reported in `report.overrides_clamped`),
// rejects unknown (UNKNOWN_FIELD), locked (LOCKED_FIELD) and wrongly typed (TYPE_ERROR) keys.
void apply_override(SolverConfig& config, std::string_view key, const TunableValue& value, ConfigReport& report);

// Canonical JSON text of policy + config (sorted keys) and its hash (first 16 hex of SHA-256).
std::string effective_config_json(const SolverConfig& config, const Policy& policy);
std::string effective_config_hash(const SolverConfig& config, const Policy& policy);

// Process-wide defaults from the environment (ENABLE_FILL_TO_TARGET, ENABLE_BAD_BLOCK_MIX_RERUN).
SolverConfig config_from_environment();

}  // namespace so
