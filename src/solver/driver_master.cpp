#include "solver/driver_master.hpp"

#include <algorithm>
#include <numeric>

namespace so {

namespace {

// Tour-type rows = demand, then class-capacity rows ≤ capacity.
std::vector<RestrictedMaster::RowBounds> driver_rows(const std::vector<int>& demand, const std::vector<int>& capacity) {
  std::vector<RestrictedMaster::RowBounds> rows;
  for (int d : demand) rows.push_back({static_cast<double>(d), static_cast<double>(d)});
  for (int c : capacity) rows.push_back({-kLpInfinity, static_cast<double>(c)});
  return rows;
}

}  // namespace

DriverMaster::DriverMaster(std::vector<int> demand, const std::vector<double>& slack_cost, std::vector<int> capacity)
    : demand_(std::move(demand)),
      capacity_(std::move(capacity)),
      slack_cost_(slack_cost),
      ntypes_(static_cast<int>(demand_.size())),
      lp_(driver_rows(demand_, capacity_), /*slacks_keep_feasible=*/true) {
  std::vector<int> type_rows(static_cast<size_t>(ntypes_));
  std::iota(type_rows.begin(), type_rows.end(), 0);
  lp_.add_slacks(type_rows, std::vector<double>(slack_cost.begin(), slack_cost.begin() + ntypes_));
}

std::vector<int> DriverMaster::add_columns(const std::vector<Column>& cols, const std::vector<int>& cls,
                                           const std::vector<double>& costs, const std::vector<BlockPattern>& blocks) {
  std::vector<int> out = lp_.add_columns(cols, costs, [&](size_t c, std::vector<int>& rows) {
    for (int b : cols[c]) {
      const BlockPattern& bp = blocks[static_cast<size_t>(b)];
      for (int i = 0; i < bp.n; ++i) rows.push_back(bp.types[static_cast<size_t>(i)]);
    }
    rows.push_back(class_row(cls[c]));
  });
  // New columns got the next indices in batch order; a repeat points back to an earlier one.
  for (size_t c = 0; c < out.size(); ++c)
    if (out[c] == static_cast<int>(class_of_.size())) class_of_.push_back(cls[c]);
  return out;
}

std::vector<double> DriverMaster::type_duals() const {
  std::vector<double> d(static_cast<size_t>(ntypes_));
  for (int t = 0; t < ntypes_; ++t) d[static_cast<size_t>(t)] = lp_.row_dual(t);
  return d;
}

std::vector<double> DriverMaster::class_duals() const {
  std::vector<double> d(capacity_.size());
  for (size_t c = 0; c < capacity_.size(); ++c) d[c] = std::min(0.0, lp_.row_dual(class_row(static_cast<int>(c))));
  return d;
}

void DriverMaster::set_demand(int type, int demand) {
  demand_[static_cast<size_t>(type)] = demand;
  lp_.set_row_bounds(type, demand, demand);
}

void DriverMaster::set_capacity(int cls, int capacity) {
  capacity_[static_cast<size_t>(cls)] = capacity;
  lp_.set_row_upper(class_row(cls), capacity);
}

int DriverMaster::remove_dead_columns(const std::vector<BlockPattern>& blocks) {
  std::vector<char> keep(static_cast<size_t>(lp_.num_columns()), 1);
  for (int j = 0; j < lp_.num_columns(); ++j)
    for (int b : lp_.column(j)) {
      const BlockPattern& bp = blocks[static_cast<size_t>(b)];
      for (int i = 0; i < bp.n && keep[static_cast<size_t>(j)]; ++i)
        if (demand_[static_cast<size_t>(bp.types[static_cast<size_t>(i)])] == 0) keep[static_cast<size_t>(j)] = 0;
    }
  const int removed = lp_.remove_columns(keep);
  if (removed > 0) {
    std::vector<int> cls;
    for (size_t j = 0; j < keep.size(); ++j)
      if (keep[j]) cls.push_back(class_of_[j]);
    class_of_ = std::move(cls);
  }
  return removed;
}

}  // namespace so
