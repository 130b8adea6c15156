#pragma once
// The solve request of api.md §3 (POST /schedule and POST /runs): a JSON body or a text/csv
// forecast, validated into a SolveRequest. Schema problems are all collected (422), semantic
// problems name the offending item (400), config overrides never fail.
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/json_input.hpp"
#include "solver/config.hpp"
#include "solver/solve.hpp"

namespace so {

// An HTTP error answer: status, JSON body ({"detail": …}) and extra headers.
struct HttpError {
  int status = 400;
  nlohmann::json body;
  std::vector<std::pair<std::string, std::string>> headers;
};

HttpError http_error(int status, std::string detail);                              // {"detail":"…"}
HttpError validation_error(const nlohmann::json& problems);                        // 422 {"detail":[…]}

// "application/json; charset=utf-8" -> "application/json" (lower case, parameters dropped).
std::string media_type(const std::string& content_type);

enum class BodyKind { Json, Csv, Unsupported };
BodyKind body_kind(const std::string& content_type);  // no Content-Type at all counts as JSON

// Parses a JSON body with io/json_input (nesting limit kMaxJsonDepth); on failure returns the 422
// error: json_invalid or value_error.json_too_deep at ["body", byte], value_error.number.overflow
// at the field (["body", "seed"]).
std::optional<HttpError> parse_json_body(const std::string& body, nlohmann::json& out);

struct ParsedSolve {
  SolveRequest request;
  std::string input_format;  // json | csv
};

using QueryParams = std::multimap<std::string, std::string>;

// Validates a solve request. `defaults` is the process-wide config (feature flags from the
// environment); `default_week_start` the next Monday. Returns the request or the HTTP error.
struct SolveParseResult {
  std::optional<ParsedSolve> solve;
  std::optional<HttpError> error;
};
// Driver mode semantics (400): check_drivers, check_locks, check_lock_feasibility of core, in
// that order; nullopt in forecast mode or when sound.
std::optional<std::string> check_driver_mode(const SolveRequest& request);

// A JSON body: "drivers" (non-empty = driver mode), "locks" and "previous_plan" (422 naming the
// field when sent without drivers) are parsed with io/drivers; a text/csv body is forecast mode.
SolveParseResult parse_solve_request(const std::string& content_type, const std::string& body,
                                     const QueryParams& query, const SolverConfig& defaults,
                                     const std::string& default_week_start);

// The effective solve input as a POST /runs JSON body, whatever form the request came in (a CSV
// forecast, a re-plan): parse_solve_request of it gives back the same tours, drivers, locks,
// previous assignments, policy, seed, time limit, week and applied config overrides. It also
// carries "effective_config" (effective_config_json: every policy rule and tunable as used, the
// process-wide flags included), which the parser ignores and the run comparison reads.
nlohmann::json solve_input_json(const SolveRequest& request);

}  // namespace so
