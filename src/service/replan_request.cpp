// POST /api/v1/replan body -> a re-plan SolveRequest (replan_request.hpp).
#include "service/replan_request.hpp"

#include "io/changes_json.hpp"
#include "io/drivers.hpp"

#include <set>

namespace so {

using nlohmann::json;

namespace {

HttpError problem(json loc, std::string msg, const char* type) {
  return validation_error(json::array({{{"loc", std::move(loc)}, {"msg", std::move(msg)}, {"type", type}}}));
}

// apply_changes names the item first ("changes.tours_cancelled[0]: …", "base plan: …"): that
// prefix becomes the FastAPI location.
HttpError change_error(const std::string& error) {
  json loc = json::array({"body"});
  const size_t colon = error.find(": ");
  std::string head = colon == std::string::npos ? std::string() : error.substr(0, colon);
  if (head == "base plan") loc.push_back("base_plan");
  else if (head.rfind("changes", 0) == 0) {
    size_t pos = 0;
    while (pos < head.size()) {
      const size_t next = head.find_first_of(".[", pos);
      const std::string part = head.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
      if (!part.empty()) {
        if (part.back() == ']') loc.push_back(std::stoi(part.substr(0, part.size() - 1)));
        else loc.push_back(part);
      }
      if (next == std::string::npos) break;
      pos = next + 1;
    }
  } else {
    loc.push_back("changes");
  }
  return problem(loc, error, "value_error.change");
}

}  // namespace

ReplanParse parse_replan_request(const std::string& content_type, const std::string& body, RunStore& store,
                                 RunManager& runs, const SolverConfig& defaults, RunContextCache& cache,
                                 const std::string& default_week_start) {
  ReplanParse out;
  if (body_kind(content_type) != BodyKind::Json) {
    out.error = http_error(415, "Content-Type '" + media_type(content_type) + "' is not accepted here (expected application/json)");
    return out;
  }
  json doc;
  if (auto err = parse_json_body(body, doc)) {
    out.error = *err;
    return out;
  }
  if (!doc.is_object()) {
    out.error = problem(json::array({"body"}), "value is not a valid dict", "type_error.dict");
    return out;
  }
  const bool by_run = doc.contains("base_run_id") && !doc["base_run_id"].is_null();
  const bool by_plan = doc.contains("base_plan") && !doc["base_plan"].is_null();
  if (by_run == by_plan) {
    out.error = problem(json::array({"body", by_run ? "base_plan" : "base_run_id"}),
                        by_run ? "give either base_run_id or base_plan, not both"
                               : "field required: base_run_id (a finished run) or base_plan (a plan JSON with its tours)",
                        by_run ? "value_error.conflict" : "value_error.missing");
    return out;
  }

  // The base: its week (tours, pool, policy, config) and its assignments.
  SolveRequest base;
  std::vector<PreviousAssignment> base_pairs;
  if (by_run) {
    if (!doc["base_run_id"].is_string()) {
      out.error = problem(json::array({"body", "base_run_id"}), "value is not a valid string", "type_error.str");
      return out;
    }
    out.parent_run_id = doc["base_run_id"].get<std::string>();
    ContextResult c = load_run_context(out.parent_run_id, store, runs, defaults, cache);
    if (c.error) {
      out.error = *c.error;
      return out;
    }
    base = c.ctx->request;
    for (const Roster& r : c.ctx->plan.rosters)
      for (const Block& b : r.blocks)
        for (int t : b.tours) base_pairs.push_back({r.driver_id, base.tours[static_cast<size_t>(t)].id});
  } else {
    const json& plan = doc["base_plan"];
    if (!plan.is_object()) {
      out.error = problem(json::array({"body", "base_plan"}), "value is not a valid dict (expected a plan JSON)", "type_error.dict");
      return out;
    }
    // The forecast and the pool travel next to the plan (or inside it); the base is parsed like a
    // POST /runs body, so it gets the same checks and messages.
    json week = json::object();
    for (const char* key : {"tours", "drivers", "policy", "week_start", "config"}) {
      if (doc.contains(key)) week[key] = doc[key];
      else if (plan.contains(key) && std::string(key) != "drivers") week[key] = plan[key];
    }
    if (!week.contains("tours")) {
      out.error = problem(json::array({"body", "tours"}), "field required: the base plan's forecast tours", "value_error.missing");
      return out;
    }
    std::vector<JsonProblem> problems;
    base_pairs = previous_from_json(plan, problems, json::array({"body", "base_plan"}));
    if (!problems.empty()) {
      json arr = json::array();
      for (const auto& p : problems) arr.push_back(p.to_json());
      out.error = validation_error(arr);
      return out;
    }
    SolveParseResult parsed = parse_solve_request("application/json", week.dump(), {}, defaults, default_week_start);
    if (parsed.error) {
      out.error = *parsed.error;
      return out;
    }
    base = std::move(parsed.solve->request);
  }
  if (base.drivers.empty()) {  // a forecast-mode base (run or plan): its roster ids are the drivers
    std::set<std::string> seen;
    for (const PreviousAssignment& a : base_pairs)
      if (seen.insert(a.driver_id).second) {
        Driver d;
        d.id = a.driver_id;
        base.drivers.push_back(std::move(d));
      }
  }

  // The call list, applied.
  std::vector<JsonProblem> problems;
  const ReplanBody rb = replan_body_from_json(doc, problems);
  if (doc.contains("seed") && !doc["seed"].is_number_unsigned())
    problems.push_back({json::array({"body", "seed"}), "value is not a valid non-negative integer", "type_error.integer"});
  if (doc.contains("time_limit_seconds") &&
      (!doc["time_limit_seconds"].is_number() || doc["time_limit_seconds"].get<double>() < 1 ||
       doc["time_limit_seconds"].get<double>() > 600))
    problems.push_back({json::array({"body", "time_limit_seconds"}), "ensure this value is between 1 and 600",
                        "value_error.number.not_in_range"});
  if (!problems.empty()) {
    json arr = json::array();
    for (const auto& p : problems) arr.push_back(p.to_json());
    out.error = validation_error(arr);
    return out;
  }
  ApplyResult applied = apply_changes(base.tours, base.drivers, base_pairs, rb.frozen_until, rb.changes);
  if (!applied.week) {
    out.error = change_error(applied.error);
    return out;
  }
  ReplanWeek& w = *applied.week;
  SolveRequest req = base;
  req.tours = std::move(w.tours);
  req.drivers = std::move(w.drivers);
  req.locks = std::move(w.frozen);
  req.previous.clear();
  req.run_id.clear();
  if (doc.contains("seed")) req.seed = doc["seed"].get<uint64_t>();
  req.time_limit_seconds = doc.contains("time_limit_seconds") ? doc["time_limit_seconds"].get<double>() : 30.0;
  req.replan = ReplanSpec{out.parent_run_id, rb.frozen_until, std::move(w.base), std::move(w.cancelled)};
  if (auto bad = check_driver_mode(req)) {
    out.error = http_error(400, "the frozen part of the base plan or an added driver breaks a rule: " + *bad);
    return out;
  }
  out.request = std::move(req);
  return out;
}

}  // namespace so
