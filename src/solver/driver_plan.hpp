#pragma once
// Driver mode: plans on the real pool. Drafts (driver-weeks of a class over block copies) become
// a plan on named drivers and concrete tours (to_plan, with stability matching against a
// previous plan), plans are scored lexicographically (score_plan), unassigned tours are inserted
// greedily, and a driver's roster is rebuilt tour by tour under every rule (rebuild, kind_of).
// Pure functions of the run's input and class model.
#include <optional>
#include <vector>

#include "solver/driver_mode_context.hpp"

namespace so::dm {

// Drafts -> a concrete plan on real drivers. With a previous plan, rosters are matched to the
// class's drivers and tour instances to rosters to keep the most previous pairs.
Plan to_plan(const DriverInput& in, const ClassModel& model, std::vector<Draft> drafts);

// The lexicographic score of a plan (DmScore).
DmScore score_plan(const DriverInput& in, const Plan& plan);

// Greedy insertion: an unassigned tour goes to the first driver nothing blocks (drivers already
// working first, so no driver is added while a working one can take it). `stop` (a cancel) leaves
// the tours not yet tried unassigned: a week of 10,000 tours takes seconds here.
void insert_unassigned(const DriverInput& in, Plan& plan, const StopFn* stop = nullptr);

// The roster of driver d holding exactly `list`, rebuilt in time order (nullopt: some rule breaks).
std::optional<Roster> rebuild(const DriverInput& in, int d, std::vector<int> list);

// The kind of a block of concrete tours under the policy (nullopt: not a valid block); sorts
// block_tours by (start, end, index).
std::optional<BlockKind> kind_of(std::vector<int>& block_tours, const std::vector<Tour>& tours, const Policy& p);

// Maximum-weight assignment rows → columns (rows ≤ columns): row i gets column result[i].
std::vector<int> max_weight_assignment(const std::vector<std::vector<long>>& w, int ncols);

}  // namespace so::dm
