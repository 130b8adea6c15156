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

class ClpSimplex;

namespace so {

// Tolerances of the LP bound (named, explicit).
inline constexpr double kBoundEpsilon = 1e-6;      // ⌈z − ε⌉: z within ε of an integer counts as that integer
inline constexpr double kPricingTolerance = 1e-9;  // a column enters when its reduced cost < −tolerance
inline constexpr double kIntegralityTolerance = 1e-6;
// Iteration cap of one CLP solve: the run's work limit is checked between solves.
inline constexpr long kMinSolveIterations = 50000;

int certified_ceil(double z);  // ⌈z − kBoundEpsilon⌉, at least 0


class MasterLp {
 public:
  enum class Status { Optimal, Infeasible, Stopped, Failed };

  // row_types: global type ids (one row each); demand per row. artificial_cost > 0 adds one
  // slack column per row at that cost (keeps partition masters feasible while diving).
  MasterLp(int num_types, std::vector<int> row_types, std::vector<int> demand, bool partition,
           std::optional<int> max_drivers = std::nullopt, double artificial_cost = 0.0);
  ~MasterLp();
  MasterLp(const MasterLp&) = delete;
  MasterLp& operator=(const MasterLp&) = delete;

  // Adds a column unless present; returns its index (artificial columns are not indexed here).
  int add_column(const Column& col, const std::vector<BlockPattern>& blocks, double cost);
  std::vector<int> add_columns(const std::vector<Column>& cols, const std::vector<BlockPattern>& blocks,
                               const std::vector<double>& costs);
  int find(const Column& col) const;

  Status solve(const StopFn& stop, long max_iterations, double max_seconds);

  double objective() const;
  std::vector<double> type_duals() const;  // by global type id; clipped at 0 for covering rows
  double driver_dual() const;              // dual of Σ x ≤ N (≤ 0), 0 without that row
  std::vector<double> values() const;      // x of the real columns
  double artificial_total() const;         // Σ of artificial slacks (0 = a true solution)
  void set_demand(int row, int demand);
  void set_max_drivers(std::optional<int> n);

  int num_columns() const { return static_cast<int>(columns_.size()); }
  const Column& column(int i) const { return columns_[static_cast<size_t>(i)]; }
  double cost(int i) const { return costs_[static_cast<size_t>(i)]; }
  long iterations() const { return iterations_; }
  const std::vector<int>& row_types() const { return row_types_; }
  const std::vector<int>& demand() const { return demand_; }
  int row_of_type(int type) const { return type_row_[static_cast<size_t>(type)]; }
  bool partition() const { return partition_; }
  std::optional<int> max_drivers() const { return max_drivers_; }
  int num_types() const { return num_types_; }

 private:
  int lp_index(int col) const { return n_art_ + col; }
  std::unique_ptr<ClpSimplex> model_;
  int num_types_;
  std::vector<int> row_types_, demand_, type_row_;
  bool partition_;
  std::optional<int> max_drivers_;
  int n_art_ = 0;
  int card_row_ = -1;
  std::vector<Column> columns_;
  std::vector<double> costs_;
  std::map<Column, int> index_;
  long iterations_ = 0;
  bool solved_once_ = false;
  bool rhs_changed_ = false;  // next solve: dual simplex (the basis stays dual feasible)
  const StopFn* stop_slot_ = nullptr;  // read by the CLP event handler during solve()
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
