#include "solver/restricted_master.hpp"

#include <coin/ClpSimplex.hpp>

#include <algorithm>
#include <limits>
#include <optional>

namespace so {

namespace {

// CLP's status codes after a simplex run (ClpModel::status()).
constexpr int kClpOptimal = 0;
constexpr int kClpPrimalInfeasible = 1;
constexpr int kClpStoppedOnLimits = 3;  // iterations or seconds
constexpr int kClpStoppedByEvent = 5;   // our stop guard

}  // namespace

RestrictedMaster::RestrictedMaster(const std::vector<RowBounds>& rows, bool slacks_keep_feasible)
    : model_(std::make_unique<ClpSimplex>()), slacks_keep_feasible_(slacks_keep_feasible) {
  guard_lp_slot(*model_, &stop_slot_);  // silent; polls the StopFn of the solve in progress
  model_->scaling(0);                   // all coefficients are 1: scaling only costs time
  model_->setPrimalTolerance(kPrimalFeasibilityTolerance);
  model_->setDualTolerance(kDualFeasibilityTolerance);
  const int nrows = static_cast<int>(rows.size());
  model_->resize(nrows, 0);
  for (int r = 0; r < nrows; ++r) {
    model_->setRowLower(r, rows[static_cast<size_t>(r)].lower);
    model_->setRowUpper(r, rows[static_cast<size_t>(r)].upper);
  }
  model_->setOptimizationDirection(1);
}

RestrictedMaster::~RestrictedMaster() = default;

void RestrictedMaster::add_slacks(const std::vector<int>& rows, const std::vector<double>& costs) {
  for (size_t i = 0; i < rows.size(); ++i) {
    int row = rows[i];
    double one = 1.0;
    model_->addColumn(1, &row, &one, 0.0, kLpInfinity, costs[i]);
  }
  n_slacks_ += static_cast<int>(rows.size());
}

int RestrictedMaster::find(const Column& col) const {
  auto it = index_.find(col);
  return it == index_.end() ? -1 : it->second;
}

std::vector<int> RestrictedMaster::add_columns(const std::vector<Column>& cols, const std::vector<double>& costs,
                                               const RowsOf& rows_of) {
  std::vector<int> out;
  std::vector<CoinBigIndex> starts{0};
  std::vector<int> rows;
  std::vector<double> obj, lower, upper;
  for (size_t c = 0; c < cols.size(); ++c) {
    if (const int known = find(cols[c]); known >= 0) {  // also a repeat within this batch
      out.push_back(known);
      continue;
    }
    const size_t first = rows.size();
    rows_of(c, rows);
    std::sort(rows.begin() + static_cast<long>(first), rows.end());
    starts.push_back(static_cast<CoinBigIndex>(rows.size()));
    obj.push_back(costs[c]);
    lower.push_back(0.0);
    upper.push_back(kLpInfinity);
    const int idx = static_cast<int>(columns_.size());
    columns_.push_back(cols[c]);
    costs_.push_back(costs[c]);
    index_.emplace(cols[c], idx);
    out.push_back(idx);
  }
  const int added = static_cast<int>(obj.size());
  if (added == 0) return out;
  std::vector<double> ones(rows.size(), 1.0);
  const int before = model_->numberColumns();
  model_->addColumns(added, lower.data(), upper.data(), obj.data(), starts.data(), rows.data(), ones.data());
  if (solved_once_)
    for (int j = before; j < before + added; ++j) model_->setColumnStatus(j, ClpSimplex::atLowerBound);
  return out;
}

RestrictedMaster::Status RestrictedMaster::solve(const StopFn& stop, long max_iterations, double max_seconds) {
  stop_slot_ = &stop;
  model_->setMaximumIterations(static_cast<int>(std::min<long>(max_iterations, std::numeric_limits<int>::max())));
  model_->setMaximumSeconds(std::max(kMinSolveSeconds, max_seconds));
  // Warm start: primal after new columns (the old basis stays primal feasible), dual after a
  // right-hand-side change (the old basis stays dual feasible). CLP picks from the status arrays.
  if (!solved_once_ || rhs_changed_)
    model_->dual();
  else
    model_->primal(0);
  solved_once_ = true;
  rhs_changed_ = false;
  iterations_ += model_->numberIterations();
  // A final answer, or nullopt for numerical trouble.
  auto settled = [&](int clp_status) -> std::optional<Status> {
    if (clp_status == kClpOptimal) return Status::Optimal;
    if (clp_status == kClpPrimalInfeasible && !slacks_keep_feasible_) return Status::Infeasible;
    if (clp_status == kClpStoppedOnLimits || clp_status == kClpStoppedByEvent) return Status::Stopped;
    return std::nullopt;
  };
  std::optional<Status> st = settled(model_->status());
  if (!st) {
    // Numerical trouble: one clean retry from scratch.
    model_->allSlackBasis(true);
    model_->dual();
    iterations_ += model_->numberIterations();
    st = settled(model_->status()).value_or(Status::Failed);
  }
  stop_slot_ = nullptr;
  return *st;
}

double RestrictedMaster::objective() const { return model_->objectiveValue(); }

double RestrictedMaster::row_dual(int row) const { return model_->dualRowSolution()[row]; }

std::vector<double> RestrictedMaster::values() const {
  const double* x = model_->primalColumnSolution();
  return std::vector<double>(x + lp_index(0), x + lp_index(num_columns()));
}

std::vector<double> RestrictedMaster::slack_values() const {
  const double* x = model_->primalColumnSolution();
  return std::vector<double>(x, x + n_slacks_);
}

void RestrictedMaster::set_row_bounds(int row, double lower, double upper) {
  rhs_changed_ = true;
  model_->setRowLower(row, lower);
  model_->setRowUpper(row, upper);
}

void RestrictedMaster::set_row_upper(int row, double upper) {
  rhs_changed_ = true;
  model_->setRowUpper(row, upper);
}

int RestrictedMaster::remove_columns(const std::vector<char>& keep) {
  std::vector<int> dead;  // LP column indices (the slacks come first)
  for (int j = 0; j < num_columns(); ++j)
    if (!keep[static_cast<size_t>(j)]) dead.push_back(lp_index(j));
  if (dead.empty()) return 0;
  model_->deleteColumns(static_cast<int>(dead.size()), dead.data());
  std::vector<Column> cols;
  std::vector<double> costs;
  index_.clear();
  for (size_t j = 0; j < columns_.size(); ++j) {
    if (!keep[j]) continue;
    index_.emplace(columns_[j], static_cast<int>(cols.size()));
    cols.push_back(std::move(columns_[j]));
    costs.push_back(costs_[j]);
  }
  columns_ = std::move(cols);
  costs_ = std::move(costs);
  return static_cast<int>(dead.size());
}

}  // namespace so
