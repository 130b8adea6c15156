#pragma once
// The driver-mode master LP (driver_mode.hpp): tour-type rows with an uncovered slack each, and
// one capacity row per driver class. Columns are driver-weeks over class-specific block copies.
//
//   min  Σ_t s_t u_t + Σ_p c_p x_p
//   s.t. Σ_p a_tp x_p + u_t = d_t      (t: tour types)
//        Σ_{p ∈ class c} x_p ≤ n_c     (c: driver classes)
#include <vector>

#include "core/block.hpp"
#include "solver/colgen.hpp"
#include "solver/pricing.hpp"
#include "solver/restricted_master.hpp"

namespace so {

// The CLP handling is RestrictedMaster's; this class maps tour types and classes to its rows
// (types first, then classes) and its slacks (one per type, in type order).
class DriverMaster {
 public:
  using Status = RestrictedMaster::Status;  // never Infeasible: the slacks keep every demand feasible

  // demand and slack_cost per tour type; capacity per class.
  DriverMaster(std::vector<int> demand, const std::vector<double>& slack_cost, std::vector<int> capacity);

  // Adds columns (block ids into `blocks`) of class `cls[i]`; known columns are skipped.
  // Returns the column indices.
  std::vector<int> add_columns(const std::vector<Column>& cols, const std::vector<int>& cls,
                               const std::vector<double>& costs, const std::vector<BlockPattern>& blocks);

  Status solve(const StopFn& stop, long max_iterations, double max_seconds) {
    return lp_.solve(stop, max_iterations, max_seconds);
  }

  double objective() const { return lp_.objective(); }
  std::vector<double> type_duals() const;   // per tour type
  std::vector<double> class_duals() const;  // per class, ≤ 0
  std::vector<double> values() const { return lp_.values(); }         // x of the real columns
  std::vector<double> slacks() const { return lp_.slack_values(); }   // u per tour type
  void set_demand(int type, int demand);
  void set_capacity(int cls, int capacity);
  // Deletes the columns that hold a tour type without demand (their rows force them to 0: they
  // only slow the simplex down while diving). Column indices change; returns how many went.
  int remove_dead_columns(const std::vector<BlockPattern>& blocks);

  int num_columns() const { return lp_.num_columns(); }
  const Column& column(int i) const { return lp_.column(i); }
  int column_class(int i) const { return class_of_[static_cast<size_t>(i)]; }
  double cost(int i) const { return lp_.cost(i); }
  int demand(int type) const { return demand_[static_cast<size_t>(type)]; }
  int capacity(int cls) const { return capacity_[static_cast<size_t>(cls)]; }
  double slack_cost(int type) const { return slack_cost_[static_cast<size_t>(type)]; }
  int num_types() const { return ntypes_; }
  int num_classes() const { return static_cast<int>(capacity_.size()); }
  long iterations() const { return lp_.iterations(); }

 private:
  int class_row(int cls) const { return ntypes_ + cls; }
  std::vector<int> demand_, capacity_;
  std::vector<double> slack_cost_;
  int ntypes_ = 0;
  std::vector<int> class_of_;  // per column
  RestrictedMaster lp_;
};

}  // namespace so
