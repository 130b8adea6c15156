#pragma once
// Driver mode, profiling: the request is checked (check_request), indexed (index_request), and
// the cheap bounds are computed on drivers for full coverage and on tours left uncovered
// (profile_bounds). The class model is driver_classes.hpp's.
#include <optional>
#include <string>

#include "solver/driver_mode_context.hpp"

namespace so::dm {

// Why a request cannot be solved: a reason code (INVALID_POLICY, INVALID_INPUT, LOCK_INFEASIBLE)
// and the problem in words for the report's driver_mode.error.
struct RequestProblem {
  const char* code;
  std::string message;
};
std::optional<RequestProblem> check_request(const DriverInput& in);

// Tour and driver indices, lock owners, personal limits, previous-plan pairs (a valid request).
void index_request(DriverInput& in);

// The forecast-mode bounds on drivers (personal limits only tighten, so they hold) into the
// report and ctx.best_bound; the bound on uncovered tours into ctx.uncovered_bound.
void profile_bounds(DriverModeContext& ctx);

}  // namespace so::dm
