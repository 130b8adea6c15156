#include "solver/driver_master.hpp"

#include <coin/ClpSimplex.hpp>

#include <algorithm>
#include <limits>

#include "solver/coin_guard.hpp"

namespace so {

namespace {

const double kInf = COIN_DBL_MAX;

}  // namespace

DriverMaster::DriverMaster(std::vector<int> demand, const std::vector<double>& slack_cost, std::vector<int> capacity)
    : model_(std::make_unique<ClpSimplex>()),
      demand_(std::move(demand)),
      capacity_(std::move(capacity)),
      slack_cost_(slack_cost) {
  ntypes_ = static_cast<int>(demand_.size());
  const int ncls = static_cast<int>(capacity_.size());
  guard_lp_slot(*model_, &stop_slot_);  // silent; polls the StopFn of the solve in progress
  model_->scaling(0);
  model_->resize(ntypes_ + ncls, 0);
  for (int t = 0; t < ntypes_; ++t) {
    model_->setRowLower(t, demand_[static_cast<size_t>(t)]);
    model_->setRowUpper(t, demand_[static_cast<size_t>(t)]);
  }
  for (int c = 0; c < ncls; ++c) {
    model_->setRowLower(ntypes_ + c, -kInf);
    model_->setRowUpper(ntypes_ + c, capacity_[static_cast<size_t>(c)]);
  }
  model_->setOptimizationDirection(1);
  for (int t = 0; t < ntypes_; ++t) {
    double one = 1.0;
    model_->addColumn(1, &t, &one, 0.0, kInf, slack_cost[static_cast<size_t>(t)]);
  }
}

DriverMaster::~DriverMaster() = default;

std::vector<int> DriverMaster::add_columns(const std::vector<Column>& cols, const std::vector<int>& cls,
                                           const std::vector<double>& costs, const std::vector<BlockPattern>& blocks) {
  std::vector<int> out;
  std::vector<CoinBigIndex> starts{0};
  std::vector<int> rows;
  std::vector<double> obj, lower, upper;
  for (size_t c = 0; c < cols.size(); ++c) {
    if (auto it = index_.find(cols[c]); it != index_.end()) {
      out.push_back(it->second);
      continue;
    }
    const size_t first = rows.size();
    for (int b : cols[c]) {
      const BlockPattern& bp = blocks[static_cast<size_t>(b)];
      for (int i = 0; i < bp.n; ++i) rows.push_back(bp.types[static_cast<size_t>(i)]);
    }
    rows.push_back(ntypes_ + cls[c]);
    std::sort(rows.begin() + static_cast<long>(first), rows.end());
    starts.push_back(static_cast<CoinBigIndex>(rows.size()));
    obj.push_back(costs[c]);
    lower.push_back(0.0);
    upper.push_back(kInf);
    const int idx = static_cast<int>(columns_.size());
    columns_.push_back(cols[c]);
    class_of_.push_back(cls[c]);
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

DriverMaster::Status DriverMaster::solve(const StopFn& stop, long max_iterations, double max_seconds) {
  stop_slot_ = &stop;
  model_->setMaximumIterations(static_cast<int>(std::min<long>(max_iterations, std::numeric_limits<int>::max())));
  model_->setMaximumSeconds(std::max(0.01, max_seconds));
  // Warm start: primal after new columns, dual after a right-hand-side change.
  if (!solved_once_ || rhs_changed_)
    model_->dual();
  else
    model_->primal(0);
  solved_once_ = true;
  rhs_changed_ = false;
  iterations_ += model_->numberIterations();
  int st = model_->status();
  if (st == 0) {
    stop_slot_ = nullptr;
    return Status::Optimal;
  }
  if (st == 3 || st == 5) {
    stop_slot_ = nullptr;
    return Status::Stopped;
  }
  // Numerical trouble: one clean retry from scratch (the slacks keep the model feasible).
  model_->allSlackBasis(true);
  model_->dual();
  iterations_ += model_->numberIterations();
  st = model_->status();
  stop_slot_ = nullptr;
  if (st == 0) return Status::Optimal;
  if (st == 3 || st == 5) return Status::Stopped;
  return Status::Failed;
}

double DriverMaster::objective() const { return model_->objectiveValue(); }

std::vector<double> DriverMaster::type_duals() const {
  const double* y = model_->dualRowSolution();
  return std::vector<double>(y, y + ntypes_);
}

std::vector<double> DriverMaster::class_duals() const {
  const double* y = model_->dualRowSolution();
  std::vector<double> d(capacity_.size());
  for (size_t c = 0; c < capacity_.size(); ++c) d[c] = std::min(0.0, y[static_cast<size_t>(ntypes_) + c]);
  return d;
}

std::vector<double> DriverMaster::values() const {
  const double* x = model_->primalColumnSolution();
  return std::vector<double>(x + ntypes_, x + ntypes_ + columns_.size());
}

std::vector<double> DriverMaster::slacks() const {
  const double* x = model_->primalColumnSolution();
  return std::vector<double>(x, x + ntypes_);
}

void DriverMaster::set_demand(int type, int demand) {
  demand_[static_cast<size_t>(type)] = demand;
  rhs_changed_ = true;
  model_->setRowLower(type, demand);
  model_->setRowUpper(type, demand);
}

void DriverMaster::set_capacity(int cls, int capacity) {
  capacity_[static_cast<size_t>(cls)] = capacity;
  rhs_changed_ = true;
  model_->setRowUpper(ntypes_ + cls, capacity);
}

int DriverMaster::remove_dead_columns(const std::vector<BlockPattern>& blocks) {
  std::vector<int> dead;  // LP column indices (the slacks come first)
  std::vector<char> keep(columns_.size(), 1);
  for (size_t j = 0; j < columns_.size(); ++j)
    for (int b : columns_[j]) {
      const BlockPattern& bp = blocks[static_cast<size_t>(b)];
      for (int i = 0; i < bp.n && keep[j]; ++i)
        if (demand_[static_cast<size_t>(bp.types[static_cast<size_t>(i)])] == 0) keep[j] = 0;
    }
  for (size_t j = 0; j < columns_.size(); ++j)
    if (!keep[j]) dead.push_back(ntypes_ + static_cast<int>(j));
  if (dead.empty()) return 0;
  model_->deleteColumns(static_cast<int>(dead.size()), dead.data());
  std::vector<Column> cols;
  std::vector<int> cls;
  std::vector<double> costs;
  index_.clear();
  for (size_t j = 0; j < columns_.size(); ++j) {
    if (!keep[j]) continue;
    index_.emplace(columns_[j], static_cast<int>(cols.size()));
    cols.push_back(std::move(columns_[j]));
    cls.push_back(class_of_[j]);
    costs.push_back(costs_[j]);
  }
  columns_ = std::move(cols);
  class_of_ = std::move(cls);
  costs_ = std::move(costs);
  return static_cast<int>(dead.size());
}

}  // namespace so
