#pragma once
// Driver mode, profiling: the model over tour types and driver classes. Tour types with locked
// instances are split off (split_lock_types); interchangeable drivers form classes
// (build_classes); per (class, location) a sub-class gets its own copies of the blocks the class
// may work, and a pricer under the class's personal policy and driver-week cost (class_cost).
#include <vector>

#include "solver/driver_mode_context.hpp"

namespace so::dm {

TypeSet split_lock_types(const std::vector<Tour>& tours, const std::vector<int>& lock_owner);

// Classes in order of their first member (request order); a driver with locks is a class of its own.
std::vector<DriverClass> build_classes(const std::vector<Driver>& drivers, const std::vector<char>& has_lock,
                                       const Policy& p, const std::vector<Tour>& tours);

// The cost of a driver-week of the class: 1 per driver plus contract shortfall and the secondary
// terms of domain.md §6, all below one driver.
CostModel class_cost(const DriverClass& c, const Policy& p, Minutes fte_minutes);
// The most any driver-week can cost under class_cost.
double max_column_cost();

// Fills the empty `m` in place (its pricers refer to m.copies): types, blocks, classes,
// sub-classes with their copies and pricers, and the master's rows (demand, slack cost,
// capacity). Counts the candidate blocks in `stats`.
void build_class_model(const DriverInput& in, SolveStats& stats, ClassModel& m);

}  // namespace so::dm
