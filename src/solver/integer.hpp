#pragma once
// Phase 2: integer rosters from the column-generation master. Two methods, the better wins:
//  - diving with re-pricing (the cutting-stock residual heuristic): fix columns with x ≥ 1 at
//    their floor, else round up fractional ones, re-run column generation on the residual demand,
//    repeat; a round-up that worsens the projected outcome (fixed + ⌈residual LP⌉) is undone and
//    the next candidate tried (limited look-ahead);
//  - the restricted master as a MIP (COIN-OR CBC on OsiClp) under a node limit, cutoff = the
//    incumbent, started from it.
// Covering solutions are turned into exact partitions by removing over-covered tours where the
// shortened block stays valid, and expanded to concrete tours in instance order.
#include <array>
#include <map>
#include <optional>
#include <unordered_map>
#include <cstdint>
#include <utility>
#include <vector>

#include "core/block.hpp"
#include "core/plan.hpp"
#include "core/policy.hpp"
#include "core/tour.hpp"
#include "solver/colgen.hpp"
#include "solver/pricing.hpp"

namespace so {

// (day, types sorted by start) -> block index, for blocks given by their tours.
class BlockIndex {
 public:
  explicit BlockIndex(const std::vector<BlockPattern>& blocks);
  int find(int day, std::span<const int> types) const;  // -1 if no such valid block
 private:
  static uint64_t key(int day, int t0, int t1, int t2);
  std::unordered_map<uint64_t, int> index_;  // lookups only, never iterated
};

// A chosen column and how many drivers work it.
using ColumnCount = std::pair<int, int>;  // (column index in the master, multiplicity)

struct DiveOptions {
  int max_steps = 100000;
  int cg_rounds_per_step = 25;
  int columns_per_round = 10;
  long max_lp_iterations = 2'000'000;  // over the whole dive; then completed by rounding up
  double smoothing = 0.5;
  bool certify_only = true;  // per step, stop re-pricing once ⌈LP⌉ of the residual is proven
  // Per step, first try rounding up every column with x ≥ roundup_threshold at once (at most
  // max_roundups; saves re-solves), then single columns.
  int max_roundups = 8;
  double roundup_threshold = 0.5;
  // Round-up candidates tried per step before accepting the least bad (1 = plain diving).
  int max_trials = 3;
  double cutoff = 1e300;  // abandon the dive once its projected outcome cannot beat this
  double max_seconds = 1e9;
};

struct DiveResult {
  bool ok = false;        // a complete integer cover was found
  bool stopped = false;   // cancel / deadline
  bool pruned = false;    // abandoned by the cutoff
  bool rounded_out = false;  // the work limit ended it; completed by rounding the LP up
  std::vector<ColumnCount> chosen;
  double objective = 0;   // Σ cost × multiplicity
  int steps = 0;
  long lp_iterations = 0;
  int columns_added = 0;
};

// Dives on the master's current demand (restored afterwards). Costs are the pricer's. With a
// driver cap (Σ x ≤ N) the cap shrinks by every fixed column. The projected outcome of a state is
// fixed cost + ⌈residual LP bound⌉ for pure driver counting, fixed cost + residual LP otherwise.
DiveResult dive(MasterLp& lp, const Pricer& pricer, const std::vector<BlockPattern>& blocks, const DiveOptions& opt,
                const StopFn& stop);

struct MipOptions {
  int node_limit = 2000;
  double max_seconds = 1e9;            // safety net only
  std::optional<double> stop_at;       // stop as soon as a solution with objective ≤ this exists
};

struct MipResult {
  bool ok = false;             // a solution (possibly the start) is available
  bool improved = false;       // better than the start
  bool proven_optimal = false;
  bool stopped = false;        // cancel / deadline
  std::vector<ColumnCount> chosen;
  double objective = 0;
  long nodes = 0;
};

// The restricted master over all columns of `lp` as a MIP (rows and cardinality as in lp).
MipResult solve_restricted_master(const MasterLp& lp, const std::vector<BlockPattern>& blocks,
                                  const std::vector<ColumnCount>& start, const MipOptions& opt, const StopFn& stop);

// Expands chosen columns into one column per driver, canonical order.
std::vector<Column> expand_columns(const MasterLp& lp, const std::vector<ColumnCount>& chosen);

// Covering → exact partition: removes over-covered type occurrences (demand by global type id)
// from the rosters, only where the shortened block is still a valid block (first/last tour, a
// 1er, or a middle tour whose removal leaves a valid 2er), preferring removals that keep drivers
// FTE, avoid new 1er and split blocks. An occurrence that cannot be removed validly is resolved by
// moving the block's last tour to a new roster (never happens with equality rows).
std::vector<Column> make_partition(std::vector<Column> rosters, const std::vector<int>& demand,
                                   const std::vector<BlockPattern>& blocks, const BlockIndex& index,
                                   const Policy& p, Minutes fte_minutes);

// Rosters over types -> a Plan over concrete tours (tour instances of a type in ascending index
// order, rosters in canonical order), canonicalised.
Plan build_plan(const std::vector<Column>& rosters, const std::vector<Tour>& tours, const std::vector<TourType>& types,
                const std::vector<BlockPattern>& blocks);

// A concrete plan (e.g. the baseline) as type-level rosters; nullopt if some block is not a valid
// block pattern.
std::optional<std::vector<Column>> rosters_from_plan(const Plan& plan, const std::vector<Tour>& tours,
                                                     const std::vector<int>& type_of_tour, const BlockIndex& index);

// The lexicographic objective of domain.md §6 over type-level rosters (smaller is better).
struct PlanScore {
  int drivers = 0, pt = 0, blocks_1er = 0, blocks_split = 0, tight_rests = 0;
  auto tie() const { return std::tie(drivers, pt, blocks_1er, blocks_split, tight_rests); }
  bool operator<(const PlanScore& o) const { return tie() < o.tie(); }
  bool operator==(const PlanScore& o) const { return tie() == o.tie(); }
};
PlanScore score_rosters(const std::vector<Column>& rosters, const std::vector<BlockPattern>& blocks, const Policy& p,
                        Minutes fte_minutes);

}  // namespace so
