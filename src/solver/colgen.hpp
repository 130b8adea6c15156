#pragma once
// Phase 1: the restricted master LP over driver-week columns (COIN-OR CLP) and the column
// generation loop around the exact pricing DP (pricing.hpp).
//
//   min Σ_p c_p x_p   s.t.  Σ_p a_tp x_p ≥ d_t  (covering)  or  = d_t  (partition),
//                           Σ_p x_p ≤ N         (optional: driver count fixed, secondary objectives)
//
// Rows are tour types; a_tp ∈ {0,1} (a driver-week holds a type at most once: types belong to one day).
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "core/block.hpp"
#include "solver/coin_guard.hpp"
#include "solver/pricing.hpp"
#include "solver/restricted_master.hpp"

namespace so {

// Tolerances of the LP bound (named, explicit).
inline constexpr double kBoundEpsilon = 1e-6;      // ⌈z − ε⌉: z within ε of an integer counts as that integer
inline constexpr double kPricingTolerance = 1e-9;  // a column enters when its reduced cost < −tolerance
inline constexpr double kIntegralityTolerance = 1e-6;

int certified_ceil(double z);  // ⌈z − kBoundEpsilon⌉, at least 0


// The forecast-mode master: one row per tour type of the component, the driver-count row, and
// optionally an artificial slack per row. The CLP handling is RestrictedMaster's.
class MasterLp {
 public:
  using Status = RestrictedMaster::Status;

  // row_types: global type ids (one row each); demand per row. artificial_cost > 0 adds one
  // slack column per row at that cost (keeps partition masters feasible while diving).
  MasterLp(int num_types, std::vector<int> row_types, std::vector<int> demand, bool partition,
           std::optional<int> max_drivers = std::nullopt, double artificial_cost = 0.0);

  // Adds a column unless present; returns its index (artificial columns are not indexed here).
  int add_column(const Column& col, const std::vector<BlockPattern>& blocks, double cost);
  std::vector<int> add_columns(const std::vector<Column>& cols, const std::vector<BlockPattern>& blocks,
                               const std::vector<double>& costs);
  int find(const Column& col) const { return lp_.find(col); }

  Status solve(const StopFn& stop, long max_iterations, double max_seconds) {
    return lp_.solve(stop, max_iterations, max_seconds);
  }

  double objective() const { return lp_.objective(); }
  std::vector<double> type_duals() const;  // by global type id; clipped at 0 for covering rows
  double driver_dual() const;              // dual of Σ x ≤ N (≤ 0), 0 without that row
  std::vector<double> values() const { return lp_.values(); }  // x of the real columns
  double artificial_total() const;         // Σ of artificial slacks (0 = a true solution)
  void set_demand(int row, int demand);
  void set_max_drivers(std::optional<int> n);

  int num_columns() const { return lp_.num_columns(); }
  const Column& column(int i) const { return lp_.column(i); }
  double cost(int i) const { return lp_.cost(i); }
  long iterations() const { return lp_.iterations(); }
  const std::vector<int>& row_types() const { return row_types_; }
  const std::vector<int>& demand() const { return demand_; }
  int row_of_type(int type) const { return type_row_[static_cast<size_t>(type)]; }
  bool partition() const { return partition_; }
  std::optional<int> max_drivers() const { return max_drivers_; }
  int num_types() const { return num_types_; }

 private:
  int num_types_;
  std::vector<int> row_types_, demand_, type_row_;
  bool partition_;
  std::optional<int> max_drivers_;
  int card_row_ = -1;
  RestrictedMaster lp_;
};

struct CgOptions {
  int max_rounds = 400;
  int columns_per_round = 200;
  long max_lp_iterations = 5'000'000;
  double max_seconds = 1e9;          // safety net for CLP
  bool stop_when_certified = false;  // stop once ⌈dual bound⌉ = ⌈LP⌉ (pure driver count only)
  double smoothing = 0.5;            // Wentges dual smoothing factor (0 = off)
};

struct CgResult {
  bool converged = false;   // pricing found no improving column (a proof only with exact_pricing)
  bool exact_pricing = true;  // the pricer counted weekly minutes exactly (Pricer::exact)
  bool stopped = false;     // cancel / deadline
  bool infeasible = false;
  bool work_limited = false;  // stopped by max_rounds / max_lp_iterations (the master is solved)
  bool failed = false;        // a single solve hit kMinSolveIterations or failed numerically
  double lp_value = 0;      // objective of the last restricted-master solve
  double dual_bound = 0;    // valid lower bound on the full LP optimum (pure driver cost), else 0
  int rounds = 0, columns_added = 0;
  long lp_iterations = 0;
};

// Column generation until convergence, a work limit, or stop(). The dual bound is computed from
// the (clipped) duals and the exact pricing optimum: Σ d π / max_p Σ a_p π, valid for any duals.
CgResult run_column_generation(MasterLp& lp, const Pricer& pricer, const std::vector<BlockPattern>& blocks,
                               const CgOptions& opt, const StopFn& stop);

}  // namespace so
