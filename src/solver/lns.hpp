#pragma once
// Improvement after phase 2 (solver.md "lns"): the driver count first, then the secondary
// objectives of domain.md §6 (PT drivers, 1er blocks, split blocks, tight rests).
//  - rebalance_rosters: local search over pairs of drivers: swap one day's blocks, swap the week
//    tails from a day on, or re-block one day (the pair's tours of that day split anew into at
//    most two valid blocks). Moves work to PT / underfull drivers first, then reduces 1er, split
//    and tight rests; every candidate is checked against the weekly rules.
//  - run_lns: frees a few rosters (PT, fewest hours, around the peak day, seeded random) and
//    re-optimises that sub-problem: column generation over the freed tour types with the
//    lexicographic costs and at most as many drivers, then diving (integer.hpp) and the exact
//    partition. Only lexicographic improvements are kept.
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "core/block.hpp"
#include "core/policy.hpp"
#include "solver/colgen.hpp"
#include "solver/integer.hpp"
#include "solver/pricing.hpp"

namespace so {

struct RebalanceOptions {
  Minutes fte_minutes = 2400;  // below = PT
  bool fill_to_target = false;  // enable_fill_to_target_greedy: also lift FTEs into the band
  Minutes target_min = 2520, target_max = 3180, target_aim = 2970;
  int max_passes = 50;
  long max_checks = 20'000'000;  // work limit (candidate rosters checked)
  int max_partners = 200;         // partner drivers tried per needy driver and pass
};

struct RebalanceResult {
  std::vector<Column> rosters;
  int moves = 0;
  int passes = 0;
  bool stopped = false;
};

// Rosters of one component (a driver may take any of them). Deterministic: drivers in canonical
// order, first improving move in a fixed scan order.
RebalanceResult rebalance_rosters(std::vector<Column> rosters, const std::vector<BlockPattern>& blocks,
                                  const BlockIndex& index, const Policy& p, const RebalanceOptions& opt,
                                  const StopFn& stop);

// The lexicographic objective as costs for the sub-problems (not strictly lexicographic: only
// used to steer; acceptance compares PlanScore exactly).
CostModel secondary_cost_model(Minutes fte_minutes);

struct LnsOptions {
  int max_iterations = 200;
  int neighbourhood = 8;        // rosters freed per iteration
  int cg_rounds = 30;           // pricing rounds of the sub-problem LP
  int dive_rounds = 5;          // re-pricing rounds per dive step
  int dive_trials = 1;          // round-up candidates tried per dive step
  int columns_per_round = 10;
  int stagnation_limit = 15;    // stop after this many iterations without improvement
  uint64_t seed = 42;
  Minutes fte_minutes = 2400;
  int driver_target = 0;        // ⌈bound⌉ of the component: below it no driver can be saved
  double max_seconds = 1e9;     // CLP/CBC safety net
  std::optional<CostModel> cost;  // sub-problem costs; default secondary_cost_model(fte_minutes)
};

struct LnsResult {
  std::vector<Column> rosters;
  int iterations = 0;
  int improvements = 0;
  bool stopped = false;
};

// blocks: all block patterns; allowed: the component's usable blocks. on_improve is called with
// the new rosters after every accepted improvement.
LnsResult run_lns(std::vector<Column> rosters, const std::vector<BlockPattern>& blocks, const std::vector<int>& allowed,
                  const BlockIndex& index, int num_types, const Policy& p, const LnsOptions& opt, const StopFn& stop,
                  const std::function<void(const std::vector<Column>&)>& on_improve = {});

}  // namespace so
