#include "service/request.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "core/policy.hpp"
#include "core/driver.hpp"
#include "io/drivers.hpp"
#include "io/errors.hpp"
#include "io/forecast.hpp"
#include "io/json_input.hpp"
#include "io/plan_json.hpp"
#include "io/policy_json.hpp"
#include "service/util.hpp"

namespace so {

using json = nlohmann::json;

HttpError http_error(int status, std::string detail) { return HttpError{status, json{{"detail", std::move(detail)}}, {}}; }

HttpError validation_error(const json& problems) { return HttpError{422, json{{"detail", problems}}, {}}; }

std::string media_type(const std::string& content_type) {
  std::string out;
  for (char c : content_type) {
    if (c == ';') break;
    if (!std::isspace(static_cast<unsigned char>(c))) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

BodyKind body_kind(const std::string& content_type) {
  const std::string mt = media_type(content_type);
  if (mt.empty() || mt == "application/json" || (mt.size() > 5 && mt.ends_with("+json"))) return BodyKind::Json;
  if (mt == "text/csv" || mt == "application/csv" || mt == "text/comma-separated-values") return BodyKind::Csv;
  return BodyKind::Unsupported;
}

std::optional<HttpError> parse_json_body(const std::string& body, json& out) {
  try {
    out = parse_json_input(body, "request body", std::numeric_limits<size_t>::max());  // MAX_BODY_BYTES bounds it
  } catch (const JsonInputError& e) {
    using Kind = JsonInputError::Kind;
    json loc = json::array({"body"});
    std::string msg, type;
    if (e.kind == Kind::NumberOverflow) {  // names the field: loc ["body","seed"]
      for (const auto& part : e.loc) loc.push_back(part);
      msg = (e.path.empty() ? std::string() : e.path + ": ") + e.problem + " '" + e.value + "' (expected " + e.expected + ")";
      type = "value_error.number.overflow";
    } else if (e.kind == Kind::TooDeep) {
      loc.push_back(e.byte);
      msg = "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels (at byte " + std::to_string(e.byte) +
            ", line " + std::to_string(e.line) + ")";
      type = "value_error.json_too_deep";
    } else {
      loc.push_back(e.byte);
      msg = "JSON decode error: " + e.value;  // nlohmann's text names line and column
      type = "json_invalid";
    }
    return validation_error(json::array({{{"loc", loc}, {"msg", msg}, {"type", type}}}));
  }
  return std::nullopt;
}

namespace {

json loc_of(std::initializer_list<json> parts) {
  json loc = json::array({"body"});
  for (const auto& p : parts) loc.push_back(p);
  return loc;
}

void add_problem(std::vector<JsonProblem>& problems, json loc, std::string msg, std::string type) {
  problems.push_back(JsonProblem{std::move(loc), std::move(msg), std::move(type)});
}

// seed: a non-negative integer (an integral float like 42.0 is accepted, as pydantic does).
std::optional<uint64_t> read_seed(const json& v, const json& loc, std::vector<JsonProblem>& problems) {
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  if (v.is_number_integer()) {
    add_problem(problems, loc, "ensure this value is greater than or equal to 0", "value_error.number.not_ge");
    return std::nullopt;
  }
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (std::floor(d) == d && d >= 0 && d < 1.8e19) return static_cast<uint64_t>(d);
  }
  add_problem(problems, loc, "value is not a valid integer", "type_error.integer");
  return std::nullopt;
}

// time_limit_seconds / time_budget_seconds: a number in [1, 600].
std::optional<double> read_time_limit(const json& v, const json& loc, std::vector<JsonProblem>& problems) {
  if (!v.is_number()) {
    add_problem(problems, loc, "value is not a valid number", "type_error.number");
    return std::nullopt;
  }
  const double d = v.get<double>();
  if (d < 1) {
    add_problem(problems, loc, "ensure this value is greater than or equal to 1", "value_error.number.not_ge");
    return std::nullopt;
  }
  if (d > 600) {
    add_problem(problems, loc, "ensure this value is less than or equal to 600", "value_error.number.not_le");
    return std::nullopt;
  }
  return d;
}

std::optional<std::string> read_week_start(const json& v, const json& loc, std::vector<JsonProblem>& problems) {
  if (!v.is_string()) {
    add_problem(problems, loc, "str type expected", "type_error.str");
    return std::nullopt;
  }
  const std::string s = v.get<std::string>();
  if (!is_real_date(s)) {
    add_problem(problems, loc, "invalid date '" + printable_value(s) + "' (expected a real calendar date YYYY-MM-DD)",
                "value_error.date");
    return std::nullopt;
  }
  return s;
}

TunableValue tunable_value(const json& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number()) return v.get<double>();
  return v.dump();  // any other JSON type: reported as TYPE_ERROR by apply_override
}

void apply_overrides(const json& overrides, SolverConfig& config, ConfigReport& report) {
  for (auto it = overrides.begin(); it != overrides.end(); ++it)  // sorted keys: deterministic report
    apply_override(config, it.key(), tunable_value(it.value()), report);
}

std::vector<JsonProblem> csv_problem(const InputError& e) {
  json loc = e.line > 0 ? json::array({"body", "line", e.line}) : json::array({"body"});
  return {JsonProblem{loc, e.what(), "value_error.csv"}};
}

json problems_json(const std::vector<JsonProblem>& problems) {
  json out = json::array();
  for (const auto& p : problems) out.push_back(p.to_json());
  return out;
}

std::optional<std::string> query_value(const QueryParams& q, const std::string& key) {
  auto it = q.find(key);
  if (it == q.end()) return std::nullopt;
  return it->second;
}

void finish_config(ParsedSolve& out, const SolverConfig& defaults, const json& overrides) {
  out.request.config = defaults;
  if (!overrides.is_null()) apply_overrides(overrides, out.request.config, out.request.config_report);
  out.request.config_report.effective_hash = effective_config_hash(out.request.config, out.request.policy);
}

SolveParseResult parse_csv_request(const std::string& body, const QueryParams& query, const SolverConfig& defaults,
                                   const std::string& default_week_start) {
  ParsedSolve out;
  out.input_format = "csv";
  std::vector<JsonProblem> problems;
  try {
    Forecast f = parse_forecast(body, "request.csv");
    out.request.tours = std::move(f.tours);
  } catch (const InputError& e) {
    problems = csv_problem(e);
  }
  out.request.week_start = default_week_start;
  if (auto s = query_value(query, "seed")) {
    const bool digits = !s->empty() && s->size() <= 19 &&
                        std::all_of(s->begin(), s->end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    if (digits) out.request.seed = std::stoull(*s);
    else add_problem(problems, json::array({"query", "seed"}), "value is not a valid non-negative integer", "type_error.integer");
  }
  if (auto s = query_value(query, "time_limit_seconds")) {
    char* end = nullptr;
    const double d = std::strtod(s->c_str(), &end);
    if (s->empty() || end != s->c_str() + s->size() || !std::isfinite(d))
      add_problem(problems, json::array({"query", "time_limit_seconds"}), "value is not a valid number", "type_error.number");
    else if (auto v = read_time_limit(json(d), json::array({"query", "time_limit_seconds"}), problems))
      out.request.time_limit_seconds = *v;
  }
  if (auto s = query_value(query, "week_start"))
    if (auto v = read_week_start(json(*s), json::array({"query", "week_start"}), problems)) out.request.week_start = *v;
  if (!problems.empty()) return {std::nullopt, validation_error(problems_json(problems))};
  if (auto bad = check_tours_semantics(out.request.tours)) return {std::nullopt, http_error(400, *bad)};
  finish_config(out, defaults, json());
  return {std::move(out), std::nullopt};
}

}  // namespace

std::optional<std::string> check_driver_mode(const SolveRequest& r) {
  if (r.drivers.empty()) return std::nullopt;
  if (auto bad = check_drivers(r.drivers)) return bad;
  if (auto bad = check_locks(r.locks, r.drivers, r.tours)) return bad;
  // An impossible lock is refused before solving, with the problem named.
  if (auto bad = check_lock_feasibility(r.locks, r.drivers, r.tours, r.policy)) return bad;
  return std::nullopt;
}

SolveParseResult parse_solve_request(const std::string& content_type, const std::string& body,
                                     const QueryParams& query, const SolverConfig& defaults,
                                     const std::string& default_week_start) {
  switch (body_kind(content_type)) {
    case BodyKind::Unsupported:
      return {std::nullopt, http_error(415, "unsupported Content-Type '" + printable_value(content_type) +
                                                "' (expected application/json or text/csv)")};
    case BodyKind::Csv: return parse_csv_request(body, query, defaults, default_week_start);
    case BodyKind::Json: break;
  }

  json doc;
  if (auto err = parse_json_body(body, doc)) return {std::nullopt, *err};
  if (!doc.is_object())
    return {std::nullopt, validation_error(json::array({{{"loc", json::array({"body"})},
                                                         {"msg", "value is not a valid dict"},
                                                         {"type", "type_error.dict"}}}))};

  ParsedSolve out;
  out.input_format = "json";
  std::vector<JsonProblem> problems;
  std::string tour_semantics;  // the first semantic tour defect, with its value (400)

  if (!doc.contains("tours") || doc["tours"].is_null())
    add_problem(problems, loc_of({"tours"}), "field required", "value_error.missing");
  else
    out.request.tours = tours_from_json(doc["tours"], problems, json::array({"body", "tours"}), &tour_semantics);

  // Driver mode (domain.md §7): a non-empty "drivers" list; locks and a previous plan need it.
  if (doc.contains("drivers") && !doc["drivers"].is_null())
    out.request.drivers = drivers_from_json(doc["drivers"], problems, loc_of({"drivers"}));
  const bool driver_pool = doc.contains("drivers") && doc["drivers"].is_array() && !doc["drivers"].empty();
  for (const char* key : {"locks", "previous_plan"}) {
    if (!doc.contains(key) || doc[key].is_null()) continue;
    const json& v = doc[key];
    if (v.is_array() && v.empty()) continue;  // nothing requested
    if (!driver_pool) {
      add_problem(problems, loc_of({key}),
                  std::string(key) + " needs driver mode: send a non-empty \"drivers\" list with it",
                  "value_error.missing_drivers");
      continue;
    }
    if (std::string(key) == "locks") out.request.locks = locks_from_json(v, problems, loc_of({key}));
    else out.request.previous = previous_from_json(v, problems, loc_of({key}));
  }

  // The `run` compatibility object fills in what the top level does not set.
  json compat_overrides;
  std::optional<uint64_t> run_seed;
  std::optional<double> run_budget;
  if (doc.contains("run") && !doc["run"].is_null()) {
    const json& r = doc["run"];
    if (!r.is_object()) {
      add_problem(problems, loc_of({"run"}), "value is not a valid dict", "type_error.dict");
    } else {
      if (r.contains("seed") && !r["seed"].is_null()) run_seed = read_seed(r["seed"], loc_of({"run", "seed"}), problems);
      if (r.contains("time_budget_seconds") && !r["time_budget_seconds"].is_null())
        run_budget = read_time_limit(r["time_budget_seconds"], loc_of({"run", "time_budget_seconds"}), problems);
      if (r.contains("config_overrides") && r["config_overrides"].is_object()) compat_overrides = r["config_overrides"];
    }
  }

  out.request.seed = 42;
  if (doc.contains("seed") && !doc["seed"].is_null()) {
    if (auto s = read_seed(doc["seed"], loc_of({"seed"}), problems)) out.request.seed = *s;
  } else if (run_seed) {
    out.request.seed = *run_seed;
  }

  out.request.time_limit_seconds = 30;
  if (doc.contains("time_limit_seconds") && !doc["time_limit_seconds"].is_null()) {
    if (auto t = read_time_limit(doc["time_limit_seconds"], loc_of({"time_limit_seconds"}), problems))
      out.request.time_limit_seconds = *t;
  } else if (run_budget) {
    out.request.time_limit_seconds = *run_budget;
  }

  out.request.week_start = default_week_start;
  if (doc.contains("week_start") && !doc["week_start"].is_null())
    if (auto w = read_week_start(doc["week_start"], loc_of({"week_start"}), problems)) out.request.week_start = *w;

  if (doc.contains("policy") && !doc["policy"].is_null()) {
    const json& p = doc["policy"];
    if (!p.is_object()) add_problem(problems, loc_of({"policy"}), "value is not a valid dict", "type_error.dict");
    else if (auto pol = policy_from_json_checked(p, problems)) out.request.policy = *pol;
  }

  if (!problems.empty()) return {std::nullopt, validation_error(problems_json(problems))};
  if (!tour_semantics.empty()) return {std::nullopt, http_error(400, tour_semantics)};
  if (auto bad = check_tours_semantics(out.request.tours)) return {std::nullopt, http_error(400, *bad)};
  if (auto bad = check_driver_mode(out.request)) return {std::nullopt, http_error(400, *bad)};

  // config_overrides never fail the request: a non-object is itself reported as a rejected override.
  json overrides = compat_overrides.is_object() ? compat_overrides : json::object();
  bool overrides_type_error = false;
  if (doc.contains("config_overrides") && !doc["config_overrides"].is_null()) {
    if (doc["config_overrides"].is_object()) overrides.update(doc["config_overrides"]);
    else overrides_type_error = true;
  }
  finish_config(out, defaults, overrides);
  if (overrides_type_error) out.request.config_report.overrides_rejected.emplace_back("config_overrides", "TYPE_ERROR");
  return {std::move(out), std::nullopt};
}

namespace {

// Unavailable windows that read back exactly: a window shorter than a day as {day, start, end}
// (an end clock not after the start is the next day's, as drivers_from_json reads it); a longer
// one (a re-plan's "off from Wed to Sun") cut at every half day, since a 24-hour piece would have
// equal clocks.
json unavailable_json(const std::vector<TimeWindow>& windows) {
  json out = json::array();
  auto piece = [&](Minutes s, Minutes e) {
    const int day = std::clamp(s / kMinutesPerDay, 0, kDaysPerWeek - 1);
    out.push_back({{"day", std::string(day_short_name(day))},
                   {"start_time", format_hhmm(s - week_minute(day, 0))},
                   {"end_time", format_hhmm(e - week_minute(day, 0))}});
  };
  for (const TimeWindow& w : windows) {
    if (w.end - w.start < kMinutesPerDay || w.start < 0) {
      piece(w.start, w.end);
      continue;
    }
    Minutes s = w.start;
    while (s < w.end) {
      const Minutes cut = std::min(w.end, (s / (kMinutesPerDay / 2) + 1) * (kMinutesPerDay / 2));
      piece(s, cut);
      s = cut;
    }
  }
  return out;
}

}  // namespace

json solve_input_json(const SolveRequest& r) {
  json tours = json::array();
  for (const Tour& t : r.tours)
    tours.push_back({{"id", t.id},
                     {"day", std::string(day_short_name(t.day))},
                     {"start_time", format_hhmm(t.start)},
                     {"end_time", format_hhmm(t.end)},
                     {"location", t.location},
                     {"required_qualifications", t.required_qualifications}});
  json body = {{"tours", std::move(tours)},
               {"week_start", r.week_start},
               {"seed", r.seed},
               {"time_limit_seconds", r.time_limit_seconds},
               {"policy", policy_to_json(r.policy)},
               {"config_overrides", applied_overrides_json(r.config_report)},
               {"effective_config", json::parse(effective_config_json(r.config, r.policy))}};
  if (!r.drivers.empty()) {
    json drivers = json::array();
    // Last week's end and streak derived from a last-week previous plan are written out per
    // driver: the assignments below keep no days or times (dispatch.md §3).
    for (const Driver& d : with_previous_week(r.drivers, r.previous, r.week_start)) {
      json j = driver_to_json(d);
      j["unavailable"] = unavailable_json(d.unavailable);
      drivers.push_back(std::move(j));
    }
    body["drivers"] = std::move(drivers);
    json locks = json::array();
    for (const Lock& l : r.locks) locks.push_back({{"driver_id", l.driver_id}, {"tour_ids", l.tour_ids}});
    body["locks"] = std::move(locks);
    if (!r.previous.empty()) {
      json a = json::array();
      for (const PreviousAssignment& p : r.previous) a.push_back({{"driver_id", p.driver_id}, {"tour_id", p.tour_id}});
      body["previous_plan"] = {{"assignments", std::move(a)}};
    }
  }
  return body;
}

}  // namespace so
