#pragma once
// The restricted master LP of column generation, shared by forecast mode (colgen.hpp: MasterLp)
// and driver mode (driver_master.hpp: DriverMaster). It owns the COIN-OR CLP model and
// everything both modes do with it the same way:
//
//   - rows with bounds the owner chooses (tour types, a driver-count row, class-capacity rows);
//   - slack columns first (one unit entry in one row each, own cost), then generated columns:
//     driver-weeks keyed by their block ids, deduplicated, added in one CLP call per batch;
//   - the warm-started solve under the run's stop guard (coin_guard.hpp), with one clean retry
//     from a slack basis on numerical trouble;
//   - objective, row duals, column values, right-hand-side changes, column removal.
//
// The owners only say which rows a column covers and read the duals with their own sign
// conventions. Every numerical setting is named below (HiGHS style), CLP's feasibility
// tolerances included (set explicitly, at CLP's default values).
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <vector>

#include "solver/coin_guard.hpp"
#include "solver/pricing.hpp"

class ClpSimplex;

namespace so {

// An unbounded row or column side: CLP's COIN_DBL_MAX (CoinFinite.hpp), the largest double.
inline constexpr double kLpInfinity = std::numeric_limits<double>::max();
// Iteration cap of one CLP solve: the run's work limit is checked between solves.
inline constexpr long kMinSolveIterations = 50000;
// CLP's time limit of one solve is never set below this (the safety net, not a work limit).
inline constexpr double kMinSolveSeconds = 0.01;
// A basis is primal (dual) feasible when no row or column bound (reduced cost) is violated by more
// than this. CLP's defaults; every coefficient is 1, so no scaling is needed to meet them.
inline constexpr double kPrimalFeasibilityTolerance = 1e-7;
inline constexpr double kDualFeasibilityTolerance = 1e-7;

class RestrictedMaster {
 public:
  enum class Status { Optimal, Infeasible, Stopped, Failed };
  struct RowBounds {
    double lower = 0;
    double upper = kLpInfinity;
  };
  // Appends the rows (any order) of the new column at `batch_index` of an add_columns batch.
  using RowsOf = std::function<void(size_t batch_index, std::vector<int>& rows)>;

  // `slacks_keep_feasible`: every right-hand side the owner sets stays feasible through the
  // slack columns, so a CLP "infeasible" can only be numerical trouble and gets the clean retry
  // (driver mode); otherwise it is reported as Infeasible (forecast mode).
  RestrictedMaster(const std::vector<RowBounds>& rows, bool slacks_keep_feasible);
  ~RestrictedMaster();
  RestrictedMaster(const RestrictedMaster&) = delete;
  RestrictedMaster& operator=(const RestrictedMaster&) = delete;

  // One slack column per entry: coefficient 1 in rows[i], bounds [0, ∞), cost costs[i]. Only
  // before the first generated column (slacks keep the LP column indices below the columns').
  void add_slacks(const std::vector<int>& rows, const std::vector<double>& costs);

  // Adds the columns not present yet (one CLP call for the batch: CLP copies its matrix on every
  // add); returns every column's index. After the first solve new columns start at their lower
  // bound, so the old basis stays primal feasible.
  std::vector<int> add_columns(const std::vector<Column>& cols, const std::vector<double>& costs,
                               const RowsOf& rows_of);
  int find(const Column& col) const;  // -1 when absent

  // Warm start: primal simplex after new columns, dual simplex after a right-hand-side change.
  Status solve(const StopFn& stop, long max_iterations, double max_seconds);

  double objective() const;
  double row_dual(int row) const;
  std::vector<double> values() const;        // x of the generated columns
  std::vector<double> slack_values() const;  // in add_slacks order
  // Right-hand-side changes: the next solve starts with the dual simplex.
  void set_row_bounds(int row, double lower, double upper);
  void set_row_upper(int row, double upper);
  // Deletes the generated columns with keep[j] == 0; the others keep their order (indices shift).
  // Returns how many went.
  int remove_columns(const std::vector<char>& keep);

  int num_columns() const { return static_cast<int>(columns_.size()); }
  const Column& column(int i) const { return columns_[static_cast<size_t>(i)]; }
  double cost(int i) const { return costs_[static_cast<size_t>(i)]; }
  int num_slacks() const { return n_slacks_; }
  long iterations() const { return iterations_; }

 private:
  int lp_index(int col) const { return n_slacks_ + col; }
  std::unique_ptr<ClpSimplex> model_;
  bool slacks_keep_feasible_;
  int n_slacks_ = 0;
  std::vector<Column> columns_;
  std::vector<double> costs_;
  std::map<Column, int> index_;
  long iterations_ = 0;
  bool solved_once_ = false;
  bool rhs_changed_ = false;           // next solve: dual simplex (the basis stays dual feasible)
  const StopFn* stop_slot_ = nullptr;  // read by the CLP event handler during solve()
};

}  // namespace so
