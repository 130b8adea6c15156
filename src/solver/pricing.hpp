#pragma once
// The pricing problem of the roster column generation (solver.md phase1): find driver-weeks
// (at most one block per day) of most negative reduced cost, exactly, by a dynamic program over
// the days. Resources: weekly minutes (levels = the achievable sums of block work ≤ the weekly
// cap), the previous day's block (its end for the rest rule, whether it was a 3er for the
// fatigue rules), working days (only tracked when the limit can bind). With week_wrap the
// Sunday→Monday transition is enforced by one DP per group of Monday blocks.
#include <algorithm>
#include <array>
#include <optional>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "core/block.hpp"
#include "core/policy.hpp"
#include "core/tour.hpp"

namespace so {

// A driver-week over block patterns: global block indices, ascending by day.
using Column = std::vector<int>;

// The cost of one column. Pure driver counting (the certified bound) is {driver = 1, rest 0};
// the secondary objectives of domain.md §6 are the other terms.
struct CostModel {
  double driver = 1.0;              // per column
  double pt = 0.0;                  // if the column's weekly work < pt_threshold_minutes
  Minutes pt_threshold_minutes = 0;
  double block_1er = 0.0;           // per 1er block
  double block_split = 0.0;         // per split 2er block
  double tight_rest = 0.0;          // per consecutive-day rest exactly at the required minimum
  double per_minute = 0.0;          // per minute of work (negative = reward filling drivers up)
  // Driver mode: a contract minimum (soft) costs this much per minute the week falls short of it.
  double shortfall_per_minute = 0.0;
  Minutes shortfall_target_minutes = 0;
  bool operator==(const CostModel&) const = default;
};

inline CostModel driver_count_cost() { return CostModel{}; }

// Derived figures of a column (the solver's own view; the audit re-derives everything).
struct ColumnStats {
  Minutes minutes = 0;
  int working_days = 0;
  int blocks_1er = 0, blocks_split = 0, blocks_3er = 0, tight_rests = 0;
};
ColumnStats column_stats(const Column& col, const std::vector<BlockPattern>& blocks, const Policy& p);
double column_cost(const Column& col, const std::vector<BlockPattern>& blocks, const Policy& p, const CostModel& c);

// Does the column satisfy every weekly roster rule (domain.md §5) of the policy? Used by tests,
// assertions and repair moves; the DP enforces the same rules structurally. `day_off_by` ≥ 0
// (driver mode, the working-day streak from last week, dispatch.md §3): one of days
// 0..day_off_by must be off.
bool column_feasible(const Column& col, const std::vector<BlockPattern>& blocks, const Policy& p, int day_off_by = -1);

// May block `next` be worked on the day after block `prev` (rest incl. legacy rule, fatigue)?
bool consecutive_ok(const BlockPattern& prev, const BlockPattern& next, const Policy& p);
// Is that rest exactly at the required minimum (a "tight" rest, domain.md §6)?
bool rest_is_tight(const BlockPattern& prev, const BlockPattern& next, const Policy& p);

struct PricedColumn {
  Column blocks;
  double reduced_cost = 0;
};

struct PricingResult {
  bool stopped = false;               // the stop callback fired mid-DP: nothing here is valid
  std::vector<PricedColumn> columns;  // reduced cost < -tolerance, best first, at most max_columns
  double best_reduced_cost = 0;       // exact minimum over all feasible columns (+inf if none)
  double best_dual_value = 0;         // max over columns of Σ duals − (cost − driver): for Farley bounds
};

// Work limit of one pricing DP: Σ over days of blocks × weekly-minute levels × working-day
// states. Above it the weekly minutes are counted in coarser quanta (each block's work rounded
// up), so every column found is still feasible but the pricing is no longer exact (a week of
// individually timed tours has every minute as a level: 3,000 such tours needed 11 GB and 30 s
// for one exact DP).
inline constexpr long kMaxPricingStates = 24'000'000;

class Pricer {
 public:
  // `allowed`: the block indices this sub-problem may use (e.g. one location, or the types of an
  // LNS neighbourhood). Blocks must be valid (enumerate_blocks). `day_off_by` ≥ 0: every column
  // has a day off among days 0..day_off_by (the working-day streak from last week; the DP then
  // counts working days and drops a block on that day after an unbroken run from Monday).
  Pricer(const std::vector<BlockPattern>& blocks, std::vector<int> allowed, const Policy& p, CostModel cost,
         int day_off_by = -1);

  // duals: one per tour type (global type index); column_dual: dual of a "Σ x ≤ N" row (0 if none).
  // Reduced cost of column p = cost_p − Σ_t a_tp duals_t − column_dual.
  // `stop` is polled during the DP; when it fires the result is marked stopped.
  PricingResult price(std::span<const double> duals, double column_dual, int max_columns,
                      double tolerance = 1e-9, const std::function<bool()>* stop = nullptr) const;

  // Exact: the DP counts weekly minutes exactly, so best_reduced_cost is the true minimum (a
  // Lagrangian/Farley bound may rest on it). Otherwise minutes are counted in quanta of quantum().
  bool exact() const { return quantum_ == 1; }
  // Small enough to price at all (a few times the state limit even in the coarsest quanta).
  bool tractable() const { return states_ <= 4 * kMaxPricingStates; }
  Minutes quantum() const { return quantum_; }
  int levels() const { return static_cast<int>(level_minutes_.size()); }
  // The smallest weekly work total a column can reach that is ≥ m (nullopt if none ≤ the cap).
  std::optional<Minutes> min_level_at_least(Minutes m) const {
    if (quantum_ > 1) {  // coarse levels overstate totals: only m itself is safe
      if (m > policy_.max_weekly_minutes) return std::nullopt;
      return m;
    }
    auto it = std::lower_bound(level_minutes_.begin(), level_minutes_.end(), m);
    if (it == level_minutes_.end()) return std::nullopt;
    return *it;
  }
  int days_tracked() const { return kdim_; }  // working-day counter size (1 = not tracked)
  int day_off_by() const { return day_off_by_; }  // -1: no streak rule (or none that can bind)
  const CostModel& cost() const { return cost_; }
  const Policy& policy() const { return policy_; }
  double cost_of(const Column& col) const { return column_cost(col, blocks_, policy_, cost_); }
  const std::vector<int>& allowed() const { return allowed_; }

 private:
  struct DayBlocks {
    std::vector<int> ids;         // global block ids on this day, sorted by (end, start, id)
    std::vector<int> cls3;        // positions (into ids) of 3er blocks, sorted by end
    std::vector<int> clsN;        // positions of the other blocks, sorted by end
  };
  struct Candidate {
    double rc;
    int day, pos, level, k;
  };
  // One DP pass. mon_filter/sun_filter restrict day-0 / day-6 blocks (week wrap); sun_extra adds
  // a per-block cost on day 6 (tight wrap rest). Appends terminal candidates.
  // Returns false when `stop` fired (the candidates are then incomplete).
  bool run_dp(std::span<const double> duals, double column_dual, const std::vector<char>* mon_allowed,
              const std::vector<char>* sun_allowed, const std::vector<double>* sun_extra,
              std::vector<Candidate>& cands, std::vector<std::vector<int32_t>>& pred,
              std::vector<std::vector<int32_t>>& off_pred, double& best_value,
              const std::function<bool()>* stop) const;
  Column backtrack(const Candidate& c, const std::vector<std::vector<int32_t>>& pred,
                   const std::vector<std::vector<int32_t>>& off_pred) const;
  double block_value(int b, std::span<const double> duals) const;
  int level_of(Minutes m) const { return m >= 0 && m < static_cast<int>(level_index_.size()) ? level_index_[m] : -1; }
  // A block's weekly minutes as the DP counts them (rounded up to the quantum).
  Minutes dp_work(int b) const {
    const Minutes w = blocks_[static_cast<size_t>(b)].work;
    return quantum_ == 1 ? w : (w + quantum_ - 1) / quantum_ * quantum_;
  }

  struct Scratch {
    std::vector<double> off, prevF, curF, prefN, pref3, bestPred;
    std::vector<int32_t> prefN_arg, pref3_arg, bestArg;
    std::vector<Minutes> endsN, ends3;
    std::vector<std::vector<int32_t>> pred, off_pred;
  };
  mutable Scratch scratch_;  // reused between calls (a pricer is used by one thread at a time)

  const std::vector<BlockPattern>& blocks_;
  std::vector<int> allowed_;
  Policy policy_;
  CostModel cost_;
  std::array<DayBlocks, 7> days_;
  std::vector<Minutes> level_minutes_;  // achievable weekly work sums ≤ cap, ascending
  std::vector<int> level_index_;        // minutes -> level or -1
  int kdim_ = 1;                        // working-day counter size (1 = not tracked)
  Minutes quantum_ = 1;                 // minutes per DP work unit (1 = exact)
  long states_ = 0;                     // Σ blocks × levels × working-day states of one DP
  bool wrap_ = false;                   // Sunday→Monday transition active
  int day_off_by_ = -1;                 // a day in 0..day_off_by_ must be off (-1: no such rule)
  int count_until_ = 6;                 // working days are counted on days 0..count_until_
};

}  // namespace so
