#include "solver/driver_profiling.hpp"

#include <algorithm>
#include <set>

#include "solver/bounds.hpp"
#include "solver/run_report.hpp"

namespace so::dm {

std::optional<RequestProblem> check_request(const DriverInput& in) {
  const std::vector<Tour>& tours = in.tours;
  const std::vector<Driver>& drivers = in.drivers;
  if (auto errors = check_policy(in.p); !errors.empty()) return RequestProblem{"INVALID_POLICY", errors.front()};
  std::set<std::string> ids;
  for (const Tour& t : tours) {
    if (!valid_tour(t)) return RequestProblem{"INVALID_INPUT", "tour '" + t.id + "' has an invalid time window"};
    if (!ids.insert(t.id).second) return RequestProblem{"INVALID_INPUT", "tour id '" + t.id + "' appears twice"};
  }
  if (auto e = check_drivers(drivers)) return RequestProblem{"INVALID_INPUT", *e};
  if (auto e = check_locks(in.req.locks, drivers, tours)) return RequestProblem{"INVALID_INPUT", *e};
  if (auto e = check_lock_feasibility(in.req.locks, drivers, tours, in.p)) return RequestProblem{"LOCK_INFEASIBLE", *e};
  return std::nullopt;
}

void index_request(DriverInput& in) {
  const std::vector<Tour>& tours = in.tours;
  const std::vector<Driver>& drivers = in.drivers;
  for (int i = 0; i < static_cast<int>(tours.size()); ++i) in.tour_index.emplace(tours[static_cast<size_t>(i)].id, i);
  for (int d = 0; d < in.ndrivers(); ++d) in.driver_index.emplace(drivers[static_cast<size_t>(d)].id, d);
  in.lock_owner.assign(tours.size(), -1);
  in.has_lock.assign(static_cast<size_t>(in.ndrivers()), 0);
  for (const Lock& l : in.req.locks) {
    const int d = in.driver_index.at(l.driver_id);
    for (const std::string& id : l.tour_ids) in.lock_owner[static_cast<size_t>(in.tour_index.at(id))] = d;
    if (!l.tour_ids.empty()) in.has_lock[static_cast<size_t>(d)] = 1;
  }
  in.any_lock = std::any_of(in.has_lock.begin(), in.has_lock.end(), [](char c) { return c != 0; });
  for (const Driver& d : drivers) in.limits.push_back(driver_limits(d, in.p));
  for (const PreviousAssignment& pa : in.req.previous) {
    auto di = in.driver_index.find(pa.driver_id);
    auto ti = in.tour_index.find(pa.tour_id);
    if (di != in.driver_index.end() && ti != in.tour_index.end()) in.prev_pair[{di->second, ti->second}] = 1;
  }
}

void profile_bounds(DriverModeContext& ctx) {
  const DriverInput& in = ctx.in;
  const Policy& p = in.p;
  const std::vector<Tour>& tours = in.tours;
  const int ndrivers = in.ndrivers();
  LowerBounds& lb = ctx.rep.lower_bounds;
  const std::vector<TourType>& base_types = ctx.model.base_types;
  // As in forecast mode: capped blocks, the per-day bound only over a complete block set, and the
  // run's deadline or a cancel polled inside the LP/MIP and the max flow (a big week took minutes here).
  bool blocks_complete = true;
  const std::vector<BlockPattern> base_blocks = enumerate_blocks(base_types, p, kMaxBlocksPerWeek, &blocks_complete);
  const StopFn run_stop = [&budget = ctx.budget] { return budget.must_stop(); };
  lb.hours = hours_bound(base_types, p);
  if (blocks_complete) lb.per_day = per_day_bound(base_types, base_blocks, p, &run_stop);
  lb.path_cover = path_cover_bound(base_types, p, &run_stop);
  lb.rest_concurrency = rest_concurrency_bound(base_types, p);
  ctx.best_bound = std::max({lb.hours, lb.per_day, lb.path_cover, lb.rest_concurrency});
  // Bound on uncovered tours: tours no driver can ever work; the rest-concurrency clique (its
  // tours pairwise exclude each other, so each driver covers at most one).
  int never = 0;
  for (int i = 0; i < static_cast<int>(tours.size()); ++i) {
    bool any = false;
    for (int d = 0; d < ndrivers && !any; ++d)
      any = can_ever_work(in.drivers[static_cast<size_t>(d)], in.limits[static_cast<size_t>(d)], tours[static_cast<size_t>(i)]);
    never += !any;
  }
  ctx.uncovered_bound = never;
  ctx.uncovered_name = "no_driver";
  if (lb.rest_concurrency - ndrivers > ctx.uncovered_bound) {
    ctx.uncovered_bound = lb.rest_concurrency - ndrivers;
    ctx.uncovered_name = "rest_concurrency";
  }
}

}  // namespace so::dm
