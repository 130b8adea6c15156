#pragma once
// POST /api/v1/replan (dispatch.md §2): the body names its base — "base_run_id" (a finished run
// of this service) or "base_plan" (a plan JSON of api.md §4, with the forecast's "tours" and,
// for driver mode, the pool's "drivers" next to it or inside it) — plus "frozen_until",
// "changes", "seed" and "time_limit_seconds". The answer is a SolveRequest whose `replan` is set
// (tours and drivers changed, frozen assignments as locks), or the HTTP error naming the item:
// 404 unknown base run, 409 a base run without a plan, 415 not JSON, 422 schema problems and
// bad changes (unknown driver or tour, a window ending before it starts, an id that exists, a
// change to a frozen tour, a base plan that does not match its forecast), 400 a frozen part that
// breaks a rule. Nothing is stored here.
#include <optional>
#include <string>

#include "service/dispatch.hpp"
#include "service/request.hpp"

namespace so {

class RunManager;
class RunStore;

struct ReplanParse {
  std::optional<SolveRequest> request;
  std::string parent_run_id;  // the base run, when the base came as base_run_id
  std::optional<HttpError> error;
};

ReplanParse parse_replan_request(const std::string& content_type, const std::string& body, RunStore& store,
                                 RunManager& runs, const SolverConfig& defaults, RunContextCache& cache,
                                 const std::string& default_week_start);

}  // namespace so
