#pragma once
// The driver-mode master LP (driver_mode.hpp): tour-type rows with an uncovered slack each, and
// one capacity row per driver class. Columns are driver-weeks over class-specific block copies.
//
//   min  Σ_t s_t u_t + Σ_p c_p x_p
//   s.t. Σ_p a_tp x_p + u_t = d_t      (t: tour types)
//        Σ_{p ∈ class c} x_p ≤ n_c     (c: driver classes)
#include <map>
#include <memory>
#include <vector>

#include "core/block.hpp"
#include "solver/colgen.hpp"
#include "solver/pricing.hpp"

class ClpSimplex;

namespace so {

class DriverMaster {
 public:
  enum class Status { Optimal, Stopped, Failed };

  // demand and slack_cost per tour type; capacity per class.
  DriverMaster(std::vector<int> demand, const std::vector<double>& slack_cost, std::vector<int> capacity);
  ~DriverMaster();
  DriverMaster(const DriverMaster&) = delete;
  DriverMaster& operator=(const DriverMaster&) = delete;

  // Adds columns (block ids into `blocks`) of class `cls[i]`; known columns are skipped.
  // Returns the column indices.
  std::vector<int> add_columns(const std::vector<Column>& cols, const std::vector<int>& cls,
                               const std::vector<double>& costs, const std::vector<BlockPattern>& blocks);

  Status solve(const StopFn& stop, long max_iterations, double max_seconds);

  double objective() const;
  std::vector<double> type_duals() const;   // per tour type
  std::vector<double> class_duals() const;  // per class, ≤ 0
  std::vector<double> values() const;       // x of the real columns
  std::vector<double> slacks() const;       // u per tour type
  void set_demand(int type, int demand);
  void set_capacity(int cls, int capacity);
  // Deletes the columns that hold a tour type without demand (their rows force them to 0: they
  // only slow the simplex down while diving). Column indices change; returns how many went.
  int remove_dead_columns(const std::vector<BlockPattern>& blocks);

  int num_columns() const { return static_cast<int>(columns_.size()); }
  const Column& column(int i) const { return columns_[static_cast<size_t>(i)]; }
  int column_class(int i) const { return class_of_[static_cast<size_t>(i)]; }
  double cost(int i) const { return costs_[static_cast<size_t>(i)]; }
  int demand(int type) const { return demand_[static_cast<size_t>(type)]; }
  int capacity(int cls) const { return capacity_[static_cast<size_t>(cls)]; }
  double slack_cost(int type) const { return slack_cost_[static_cast<size_t>(type)]; }
  int num_types() const { return ntypes_; }
  int num_classes() const { return static_cast<int>(capacity_.size()); }
  long iterations() const { return iterations_; }

 private:
  std::unique_ptr<ClpSimplex> model_;
  std::vector<int> demand_, capacity_;
  std::vector<double> slack_cost_;
  int ntypes_ = 0;
  std::vector<Column> columns_;
  std::vector<int> class_of_;
  std::vector<double> costs_;
  std::map<Column, int> index_;
  long iterations_ = 0;
  bool solved_once_ = false;
  bool rhs_changed_ = false;
  const StopFn* stop_slot_ = nullptr;
};

}  // namespace so
