#include "service/dispatch.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>
#include <map>
#include <set>

#include "core/signature.hpp"
#include "io/errors.hpp"
#include "io/plan_json.hpp"
#include "service/documents.hpp"
#include "service/run_manager.hpp"
#include "service/util.hpp"

namespace so {

using json = nlohmann::json;

namespace {

json or_null(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

double round_to(double v, int decimals) {
  const double f = std::pow(10.0, decimals);
  const double r = std::round(v * f) / f;
  return r == 0.0 ? 0.0 : r;
}

json day_json(int day) { return day >= 0 && day < kDaysPerWeek ? json(std::string(day_short_name(day))) : json(nullptr); }

json violation_json(const Violation& v) {
  return {{"code", v.code},
          {"driver_id", or_null(v.driver_id)},
          {"day", day_json(v.day)},
          {"tour_id", or_null(v.tour_id)},
          {"message", v.message}};
}

json violations_json(const std::vector<Violation>& vs) {
  json out = json::array();
  for (const Violation& v : vs) out.push_back(violation_json(v));
  return out;
}

// Lower bounds as the plan (and report) wrote them.
LowerBounds lower_bounds_from(const json& plan, const json& report) {
  LowerBounds lb;
  const json lbj = plan.value("lower_bounds", json::object());
  auto int_of = [&](const char* k) { return lbj.contains(k) && lbj[k].is_number_integer() ? lbj[k].get<int>() : 0; };
  lb.hours = int_of("hours");
  lb.per_day = int_of("per_day");
  lb.path_cover = int_of("path_cover");
  lb.rest_concurrency = int_of("rest_concurrency");
  lb.best = int_of("best");
  if (lbj.contains("lp") && lbj["lp"].is_number_integer()) lb.lp = lbj["lp"].get<int>();
  if (lbj.contains("lagrangian") && lbj["lagrangian"].is_number_integer()) lb.lagrangian = lbj["lagrangian"].get<int>();
  if (lbj.contains("uncovered_tours") && lbj["uncovered_tours"].is_number_integer())
    lb.uncovered_tours = lbj["uncovered_tours"].get<int>();
  if (lbj.contains("uncovered_tours_name") && lbj["uncovered_tours_name"].is_string())
    lb.uncovered_tours_name = lbj["uncovered_tours_name"].get<std::string>();
  if (report.is_object() && report.contains("lower_bounds")) {
    const json& r = report["lower_bounds"];
    if (r.contains("lp_value") && r["lp_value"].is_number()) lb.lp_value = r["lp_value"].get<double>();
    if (r.contains("best_name") && r["best_name"].is_string()) lb.best_name = r["best_name"].get<std::string>();
  }
  return lb;
}

// frozen_until of a re-plan (report "changes") or of a version edited from one (report "edit"),
// read defensively: anything missing or malformed means nothing is frozen.
void read_frozen(const json& report, RunContext& ctx) {
  if (!report.is_object()) return;
  for (const char* section : {"changes", "edit"}) {
    if (!report.contains(section) || !report[section].is_object()) continue;
    const json& f = report[section].value("frozen_until", json());
    if (!f.is_object() || !f.contains("day") || !f["day"].is_string()) continue;
    const std::string day_text = f["day"].get<std::string>();
    const int day = day_text.size() <= 12 ? parse_day(day_text).value_or(-1) : -1;
    Minutes time = 0;
    if (f.contains("time")) time = f["time"].is_string() ? parse_hhmm(f["time"].get<std::string>()).value_or(-1) : -1;
    if (day < 0 || time < 0) continue;
    ctx.frozen_until = week_minute(day, time);
    ctx.frozen_until_json = {{"day", std::string(day_short_name(day))}, {"time", format_hhmm(time)}};
    return;
  }
}

std::string plan_status(const Plan& plan, const AuditResult& audit) {
  if (!audit.ok) return "DRAFT_WITH_VIOLATIONS";
  return plan.unassigned.empty() ? "OK" : "INFEASIBLE";
}

json week_json(const Roster* r, const std::vector<Tour>& tours) {
  if (!r) return nullptr;
  json blocks = json::array();
  int days = 0;
  for (const Block& b : r->blocks) {
    if (b.tours.empty()) continue;
    ++days;
    json ids = json::array();
    for (int t : b.tours) ids.push_back(tours[static_cast<size_t>(t)].id);
    blocks.push_back({{"day", day_json(b.day)},
                      {"block_type", block_kind_name(b.kind)},
                      {"start", format_hhmm(block_start(b, tours) % kMinutesPerDay)},
                      {"end", format_hhmm(block_end(b, tours) % kMinutesPerDay)},
                      {"tours", std::move(ids)}});
  }
  return {{"hours", round_to(roster_work(*r, tours) / 60.0, 2)}, {"days_worked", days}, {"blocks", std::move(blocks)}};
}

const Roster* roster_of(const Plan& p, const std::string& id) {
  for (const Roster& r : p.rosters)
    if (r.driver_id == id) return &r;
  return nullptr;
}

std::string driver_name(const RunContext& ctx, const std::string& id) {
  for (const Driver& d : ctx.request.drivers)
    if (d.id == id) return d.name;
  return "";
}

json kpi_value(double v, bool integral, const std::string& name) {
  if (integral) return static_cast<long long>(std::llround(v));
  return round_to(v, name.rfind("hours", 0) == 0 || name.find("_hours") != std::string::npos ? 2 : 4);
}

json kpis_delta_json(const Kpis& before, const Kpis& after) {
  json b = json::object(), a = json::object(), d = json::object();
  for (const KpiDelta& k : kpi_deltas(before, after)) {
    b[k.name] = kpi_value(k.before, k.integral, k.name);
    a[k.name] = kpi_value(k.after, k.integral, k.name);
    d[k.name] = kpi_value(k.delta(), k.integral, k.name);
  }
  return {{"before", b}, {"after", a}, {"delta", d}};
}

json moves_json(const std::vector<TourMove>& moves) {
  json out = json::array();
  for (const TourMove& m : moves)
    out.push_back({{"tour_id", m.tour_id}, {"to_driver", m.to_driver ? json(*m.to_driver) : json(nullptr)}});
  return out;
}

// "moves[0].tour_id" -> ["body","moves",0,"tour_id"].
json loc_of_item(const std::string& item) {
  json loc = json::array({"body"});
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) loc.push_back(cur);
    cur.clear();
  };
  for (size_t i = 0; i < item.size(); ++i) {
    const char c = item[i];
    if (c == '.') flush();
    else if (c == '[') {
      flush();
      const size_t end = item.find(']', i);
      if (end == std::string::npos) break;
      loc.push_back(std::stoi(item.substr(i + 1, end - i - 1)));
      i = end;
    } else cur.push_back(c);
  }
  flush();
  return loc;
}

std::string default_scope(const std::vector<Tour>& tours) {
  std::set<std::string> locations;
  for (const Tour& t : tours) locations.insert(t.location);
  std::string out;
  for (const auto& l : locations) out += (out.empty() ? "" : "+") + l;
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Context

EditContext RunContext::edit_context() const {
  EditContext c{request.tours, request.policy, request.drivers, request.locks, frozen_until};
  c.fte_target_min_hours = request.config.fte_target_min_hours;
  c.lower_bound = lower_bounds.best;
  return c;
}

std::shared_ptr<const RunContext> RunContextCache::get(const std::string& id) {
  std::lock_guard lock(mu_);
  for (auto it = items_.begin(); it != items_.end(); ++it)
    if (it->first == id) {
      items_.splice(items_.begin(), items_, it);
      return items_.front().second;
    }
  return nullptr;
}

void RunContextCache::put(const std::string& id, std::shared_ptr<const RunContext> ctx) {
  std::lock_guard lock(mu_);
  items_.remove_if([&](const auto& p) { return p.first == id; });
  items_.emplace_front(id, std::move(ctx));
  while (items_.size() > capacity_) items_.pop_back();
}

void RunContextCache::erase(const std::string& id) {
  std::lock_guard lock(mu_);
  items_.remove_if([&](const auto& p) { return p.first == id; });
}

ContextResult load_run_context(const std::string& id, RunStore& store, RunManager& runs, const SolverConfig& defaults,
                               RunContextCache& cache) {
  if (auto live = runs.live(id); live && !live->finished())
    return {nullptr, http_error(409, "run '" + id + "' is " + live->status() + "; its plan can be edited once it has finished")};
  else if (live && !live->store_error().empty())  // the store still has it RUNNING
    return {nullptr, http_error(409, "run '" + id + "' ended FAILED (its result could not be stored) without a plan")};
  // A cached context stands for the run only while the run is stored (retention may remove it).
  if (auto c = cache.get(id); c && store.get(id)) return {c, std::nullopt};
  auto stored = store.get(id, true);
  if (!stored) return {nullptr, http_error(404, "run '" + id + "' not found")};
  auto plan_text = store.document(id, RunDocument::Plan);
  if (!plan_text)
    return {nullptr, http_error(409, "run '" + id + "' is " + stored->status +
                                         (stored->reason.empty() ? "" : " (" + stored->reason + ")") + " without a plan")};
  auto ctx = std::make_shared<RunContext>();
  ctx->summary = json::parse(stored->summary_json, nullptr, false);
  if (!ctx->summary.is_object()) ctx->summary = json::object();
  // The input: the normalized body when stored, else the request as received (older runs), with
  // the week, seed and time limit the run used (a CSV body kept them in its query string).
  const std::string week = ctx->summary.value("week_start", stored->week);
  SolveParseResult parsed;
  if (!stored->input_json.empty()) {
    parsed = parse_solve_request("application/json", stored->input_json, {}, defaults, week);
  } else {
    QueryParams query;
    if (ctx->summary.contains("seed") && ctx->summary["seed"].is_number_unsigned())
      query.emplace("seed", std::to_string(ctx->summary["seed"].get<uint64_t>()));
    if (ctx->summary.contains("time_limit_seconds") && ctx->summary["time_limit_seconds"].is_number())
      query.emplace("time_limit_seconds", json(ctx->summary["time_limit_seconds"]).dump());
    if (!week.empty()) query.emplace("week_start", week);
    parsed = parse_solve_request(stored->request_content_type, stored->request_body, query, defaults, week);
  }
  if (parsed.error) {
    const json& d = parsed.error->body.value("detail", json());
    return {nullptr, http_error(409, "run '" + id + "': its stored input cannot be read back (" +
                                         (d.is_string() ? d.get<std::string>() : d.dump()) + ")")};
  }
  ctx->request = std::move(parsed.solve->request);
  ctx->input_format = parsed.solve->input_format;
  ctx->input_text = stored->input_json.empty() ? solve_input_json(ctx->request).dump() : std::move(stored->input_json);
  // Last week's end and streak as the solve saw them (derived from a last-week plan when the
  // drivers carry none; solve_input_json writes them out), so edits, candidates and re-plans
  // check the same rules (dispatch.md §3).
  ctx->request.drivers = with_previous_week(std::move(ctx->request.drivers), ctx->request.previous, ctx->request.week_start);
  const json plan_json = json::parse(*plan_text, nullptr, false);
  if (!plan_json.is_object()) return {nullptr, http_error(409, "run '" + id + "': its stored plan is not a JSON object")};
  ctx->plan_kpis = plan_json.value("kpis", json::object());
  // Only a few values of the report (a full parse would cost more than the rest of the load).
  json report = json::object();
  {
    static const std::vector<std::string> kPaths = {"$.changes.frozen_until", "$.edit.frozen_until",
                                                    "$.lower_bounds.lp_value", "$.lower_bounds.best_name"};
    const auto v = store.document_values(id, RunDocument::Report, kPaths);
    auto value = [&](size_t i) { return v[i] ? json::parse(*v[i], nullptr, false) : json(); };
    report["changes"]["frozen_until"] = value(0);
    report["edit"]["frozen_until"] = value(1);
    report["lower_bounds"]["lp_value"] = value(2);
    report["lower_bounds"]["best_name"] = value(3);
  }
  try {
    ctx->plan = plan_from_json(plan_json, ctx->request.tours, "plan of run " + id);
  } catch (const std::exception& e) {
    return {nullptr, http_error(409, "run '" + id + "': its stored plan does not match its input (" + e.what() + ")")};
  }
  ctx->lower_bounds = lower_bounds_from(plan_json, report);
  read_frozen(report, *ctx);
  for (int i = 0; i < static_cast<int>(ctx->request.tours.size()); ++i)
    ctx->tour_index.emplace(ctx->request.tours[static_cast<size_t>(i)].id, i);
  const EditContext ec = ctx->edit_context();
  ctx->audit = audit_in_context(ctx->plan, ec);
  ctx->kpis = kpis_in_context(ctx->plan, ec);
  stored->request_body.clear();
  ctx->run = std::move(*stored);
  cache.put(id, ctx);
  return {ctx, std::nullopt};
}

// ---------------------------------------------------------------------------------------------
// Edits

std::optional<HttpError> parse_edit_body(const std::string& content_type, const std::string& body, EditBody& out) {
  if (body_kind(content_type) != BodyKind::Json)
    return http_error(415, "unsupported Content-Type '" + printable_value(content_type) + "' (expected application/json)");
  json doc = json::object();
  if (body.find_first_not_of(" \t\r\n") != std::string::npos)
    if (auto err = parse_json_body(body, doc)) return err;
  std::vector<JsonProblem> problems;
  auto problem = [&](json loc, std::string msg, std::string type) {
    problems.push_back(JsonProblem{std::move(loc), std::move(msg), std::move(type)});
  };
  if (!doc.is_object()) return validation_error(json::array({{{"loc", json::array({"body"})},
                                                               {"msg", "value is not a valid dict"},
                                                               {"type", "type_error.dict"}}}));
  auto string_field = [&](const json& obj, const char* key, const json& loc, bool nullable,
                          bool* was_null = nullptr) -> std::optional<std::string> {
    json l = loc;
    l.push_back(key);
    if (!obj.contains(key)) {
      problem(l, "field required", "value_error.missing");
      return std::nullopt;
    }
    const json& v = obj[key];
    if (v.is_null() && nullable) {
      if (was_null) *was_null = true;
      return std::nullopt;
    }
    if (!v.is_string() || v.get<std::string>().empty()) {
      problem(l, v.is_string() ? "ensure this value has at least 1 character" : "str type expected",
              v.is_string() ? "value_error.any_str.min_length" : "type_error.str");
      return std::nullopt;
    }
    return v.get<std::string>();
  };
  auto list_of = [&](const char* key) -> const json* {
    if (!doc.contains(key) || doc[key].is_null()) return nullptr;
    if (!doc[key].is_array()) {
      problem(json::array({"body", key}), "value is not a valid list", "type_error.list");
      return nullptr;
    }
    return &doc[key];
  };
  if (const json* moves = list_of("moves"))
    for (size_t i = 0; i < moves->size(); ++i) {
      const json& m = (*moves)[i];
      const json loc = json::array({"body", "moves", i});
      if (!m.is_object()) {
        problem(loc, "value is not a valid dict", "type_error.dict");
        continue;
      }
      bool unassign = false;
      auto tour = string_field(m, "tour_id", loc, false);
      auto to = string_field(m, "to_driver", loc, true, &unassign);
      if (tour && (to || unassign)) out.edits.moves.push_back(TourMove{*tour, to});
    }
  if (const json* swaps = list_of("swaps"))
    for (size_t i = 0; i < swaps->size(); ++i) {
      const json& s = (*swaps)[i];
      const json loc = json::array({"body", "swaps", i});
      if (!s.is_object()) {
        problem(loc, "value is not a valid dict", "type_error.dict");
        continue;
      }
      auto a = string_field(s, "driver_a", loc, false);
      auto b = string_field(s, "driver_b", loc, false);
      std::vector<std::string> days;
      bool days_ok = true;
      if (s.contains("days") && !s["days"].is_null()) {
        const json& d = s["days"];
        if (!d.is_array()) {
          problem(json::array({"body", "swaps", i, "days"}), "value is not a valid list", "type_error.list");
          days_ok = false;
        } else {
          for (size_t k = 0; k < d.size(); ++k) {
            if (d[k].is_string()) days.push_back(d[k].get<std::string>());
            else {
              problem(json::array({"body", "swaps", i, "days", k}), "str type expected", "type_error.str");
              days_ok = false;
            }
          }
        }
      }
      if (a && b && days_ok) out.edits.swaps.push_back(DriverSwap{*a, *b, std::move(days)});
    }
  if (doc.contains("save") && !doc["save"].is_null()) {
    if (!doc["save"].is_boolean()) problem(json::array({"body", "save"}), "value could not be parsed to a boolean", "type_error.bool");
    else out.save = doc["save"].get<bool>();
  }
  if (!problems.empty()) {
    json arr = json::array();
    for (const auto& p : problems) arr.push_back(p.to_json());
    return validation_error(arr);
  }
  out.raw = {{"moves", doc.value("moves", json::array())}, {"swaps", doc.value("swaps", json::array())}};
  if (out.raw["moves"].is_null()) out.raw["moves"] = json::array();
  if (out.raw["swaps"].is_null()) out.raw["swaps"] = json::array();
  return std::nullopt;
}

HttpError edit_error_answer(const EditError& e) {
  if (e.kind == EditError::Kind::Frozen)
    return validation_error(json::array({{{"loc", loc_of_item(e.item)}, {"msg", e.message}, {"type", "value_error.frozen"}}}));
  return http_error(400, e.message);
}

json check_json(const RunContext& ctx, const EditCheck& c, const Edits& edits) {
  const std::vector<Tour>& tours = ctx.request.tours;
  const Plan& after = c.applied.plan;
  json violations = json::array();
  int fresh = 0;
  for (const Violation& v : c.audit.violations) {
    json j = violation_json(v);
    const bool is_new = !violation_in(v, c.audit_before);
    j["new"] = is_new;
    fresh += is_new;
    violations.push_back(std::move(j));
  }
  json drivers = json::array();
  for (const std::string& id : c.applied.changed_drivers) {
    const Roster* b = roster_of(ctx.plan, id);
    const Roster* a = roster_of(after, id);
    drivers.push_back({{"driver_id", id},
                       {"name", or_null(driver_name(ctx, id))},
                       {"before", week_json(b, tours)},
                       {"after", week_json(a, tours)}});
  }
  json unassigned = json::array();
  for (const UnassignedTour& u : after.unassigned) unassigned.push_back(tours[static_cast<size_t>(u.tour)].id);
  const bool driver_mode = ctx.driver_mode();
  return {{"source_run_id", ctx.run.id},
          {"ok", c.audit.ok},
          {"violations", std::move(violations)},
          {"violations_new", fresh},
          {"kpis", kpis_delta_json(c.kpis_before, c.kpis_after)},
          {"edits",
           {{"moves", edits.moves.size()},
            {"swaps", edits.swaps.size()},
            {"changed_drivers", c.applied.changed_drivers},
            {"new_drivers", c.applied.new_drivers},
            {"noops", c.applied.noops}}},
          {"drivers", std::move(drivers)},
          {"plan",
           {{"status", plan_status(after, c.audit)},
            {"drivers_total", c.kpis_after.drivers_total},
            {"tours_total", static_cast<int>(tours.size())},
            {"tours_uncovered", static_cast<int>(after.unassigned.size())},
            {"unassigned_tours", std::move(unassigned)},
            {"solution_signature", solution_signature(tours, after, driver_mode)}}},
          {"frozen_until", ctx.frozen_until_json}};
}

SavedVersion save_edit(RunStore& store, const RunContext& ctx, const EditCheck& c, const EditBody& body,
                       RunContextCache& cache) {
  const SolveRequest& req = ctx.request;
  const bool driver_mode = ctx.driver_mode();
  PlanReport rep;
  rep.run_id = new_run_id();
  rep.week_start = req.week_start;
  rep.plan = c.applied.plan;
  rep.audit = c.audit;
  rep.status = plan_status(rep.plan, rep.audit);
  rep.kpis = c.kpis_after;
  rep.lower_bounds = ctx.lower_bounds;
  rep.reason_codes = {"MANUAL_EDIT"};
  rep.config = req.config_report;
  rep.policy = req.policy;
  rep.seed = req.seed;
  rep.time_limit_seconds = req.time_limit_seconds;
  rep.solution_signature = solution_signature(req.tours, rep.plan, driver_mode);
  if (driver_mode) {
    DriverModeReport& dm = rep.driver_mode;
    dm.enabled = true;
    dm.drivers = req.drivers;
    std::set<std::pair<std::string, std::string>> pairs;  // (driver, tour id) in the edited plan
    for (const Roster& r : rep.plan.rosters)
      for (const Block& b : r.blocks)
        for (int t : b.tours) pairs.emplace(r.driver_id, req.tours[static_cast<size_t>(t)].id);
    for (const Lock& l : req.locks)
      for (const auto& t : l.tour_ids) {
        ++dm.locks_requested;
        dm.locks_kept += pairs.count({l.driver_id, t}) > 0;
      }
    dm.previous_assignments = req.previous.empty() ? -1 : static_cast<int>(req.previous.size());
    for (const PreviousAssignment& p : req.previous) dm.kept_assignments += pairs.count({p.driver_id, p.tour_id}) > 0;
  }
  RunDocuments docs = render_documents(rep, req.tours);
  json report = json::parse(docs.report_json);
  report["edit"] = {{"parent_run_id", ctx.run.id},
                    {"moves", body.raw.value("moves", json::array())},
                    {"swaps", body.raw.value("swaps", json::array())},
                    {"frozen_until", ctx.frozen_until_json}};
  docs.report_json = report.dump();

  const std::string status = c.audit.ok ? "COMPLETED" : "DRAFT_WITH_VIOLATIONS";
  const std::string now = now_iso_utc();
  const std::string url = "/api/v1/runs/" + rep.run_id;
  json result = {{"plan_status", rep.status},
                 {"solution_signature", rep.solution_signature},
                 {"drivers_total", rep.kpis.drivers_total},
                 {"drivers_fte", rep.kpis.drivers_fte},
                 {"drivers_pt", rep.kpis.drivers_pt},
                 {"lower_bound", rep.lower_bounds.best},
                 {"coverage_rate", rep.kpis.coverage_rate},
                 {"audit_ok", rep.audit.ok},
                 {"violations", rep.audit.violations.size()},
                 {"reason_codes", rep.reason_codes}};
  // The status view: the source's (seed, budget, config, …) with this version's own facts.
  json view = ctx.summary;
  view["run_id"] = rep.run_id;
  view["status"] = status;
  view["reason"] = nullptr;
  view["phase"] = nullptr;
  view["created_at"] = now;
  view["started_at"] = now;
  view["finished_at"] = now;
  view["kind"] = "edit";
  view["parent_run_id"] = ctx.run.id;
  view["progress"] = {{"best_drivers", rep.kpis.drivers_total}, {"lower_bound", rep.lower_bounds.best}, {"elapsed_s", 0.0}};
  view["result"] = result;
  view["run_url"] = url;
  view["events_url"] = url + "/events";
  view["plan_url"] = url + "/plan";
  view["report_url"] = url + "/report";
  view["edit"] = {{"moves", body.edits.moves.size()}, {"swaps", body.edits.swaps.size()}};
  view.erase("publication");
  view.erase("published_at");
  view.erase("superseded_by");
  view.erase("scope");
  const json event = {{"id", 1},
                      {"event", "run_completed"},
                      {"data", {{"run_id", rep.run_id}, {"status", status}, {"reason", nullptr}, {"elapsed_s", 0.0}, {"result", result}}}};

  StoredRun row;
  row.id = rep.run_id;
  row.status = status;
  row.created_at = now;
  row.started_at = now;
  row.request_content_type = "application/json";
  row.request_body = ctx.input_text;
  row.input_json = row.request_body;
  row.summary_json = view.dump();
  row.events_json = json::array({event}).dump();
  row.parent_run_id = ctx.run.id;
  row.kind = "edit";
  row.week = req.week_start;
  RunStore::Finish f;
  f.id = rep.run_id;
  f.status = status;
  f.finished_at = now;
  f.summary_json = row.summary_json;
  f.events_json = row.events_json;
  f.plan = docs.plan_json;
  f.report = docs.report_json;
  f.canonical_report = docs.canonical_report;
  f.roster_csv = docs.roster_csv;
  f.tours_csv = docs.tours_csv;
  store.insert_finished(row, f);

  // The version's context is the source's input with the edited plan: no need to read it back.
  auto next = std::make_shared<RunContext>(ctx);
  row.request_body.clear();
  row.input_json.clear();
  next->run = std::move(row);
  next->summary = std::move(view);
  next->plan = rep.plan;
  next->audit = rep.audit;
  next->kpis = rep.kpis;
  next->plan_kpis = json::parse(docs.plan_json).value("kpis", json::object());
  cache.put(rep.run_id, std::move(next));
  return {rep.run_id, status};
}

// ---------------------------------------------------------------------------------------------
// Candidates

json candidates_json(const RunContext& ctx, const CandidateList& list, size_t limit) {
  const std::vector<Tour>& tours = ctx.request.tours;
  const Tour& t = tours[static_cast<size_t>(list.tour)];
  json items = json::array();
  int rank = 0;
  for (const Candidate& c : list.candidates) {
    json handover = nullptr;
    if (c.handover) {
      const Tour& x = tours[static_cast<size_t>(c.handover->tour)];
      handover = {{"tour_id", x.id},
                  {"day", day_json(x.day)},
                  {"start_time", format_hhmm(x.start)},
                  {"end_time", format_hhmm(x.end)},
                  {"to_driver", c.handover->to_driver},
                  {"to_driver_name", or_null(driver_name(ctx, c.handover->to_driver))},
                  {"change", candidate_change_name(c.handover->change)},
                  {"block_type", block_kind_name(c.handover->block_kind)},
                  {"weekly_hours", round_to(c.handover->weekly_minutes / 60.0, 2)}};
    }
    items.push_back({{"rank", ++rank},
                     {"type", c.direct ? "direct" : "ejection"},
                     {"driver_id", c.driver_id},
                     {"name", or_null(c.driver_name)},
                     {"change", candidate_change_name(c.change)},
                     {"day", day_json(t.day)},
                     {"block_type", block_kind_name(c.block_kind)},
                     {"weekly_hours", round_to(c.weekly_minutes / 60.0, 2)},
                     {"headroom_hours", round_to(c.headroom_minutes / 60.0, 2)},
                     {"handover", std::move(handover)},
                     {"moves", moves_json(c.moves)},
                     {"audit_clean", c.audit_clean}});
  }
  json owner = nullptr;
  if (!list.current_driver.empty())
    owner = {{"driver_id", list.current_driver},
             {"ok", list.owner_clean_after},
             {"violations", violations_json(list.owner_violations)}};
  return {{"run_id", ctx.run.id},
          {"tour",
           {{"tour_id", t.id},
            {"day", day_json(t.day)},
            {"start_time", format_hhmm(t.start)},
            {"end_time", format_hhmm(t.end)},
            {"location", t.location},
            {"current_driver", or_null(list.current_driver)},
            {"locked_to", or_null(list.locked_to)},
            {"frozen", list.frozen}}},
          {"owner_after_removal", std::move(owner)},
          {"limit", limit},
          {"direct_found", list.direct_found},
          {"ejection_found", list.ejection_found},
          {"candidates", std::move(items)}};
}

// ---------------------------------------------------------------------------------------------
// Versions and publishing

void add_version_fields(json& view, const StoredRun& r) {
  view["kind"] = r.kind.empty() ? "solve" : r.kind;
  view["parent_run_id"] = or_null(r.parent_run_id);
  view["publication"] = or_null(r.publication);
  view["published_at"] = or_null(r.published_at);
  view["superseded_by"] = or_null(r.superseded_by);
  view["scope"] = r.publication.empty() ? json(nullptr) : json(r.scope);
}

std::optional<json> versions_json(const std::string& id, RunStore& store, RunManager& runs) {
  auto self = store.get(id);
  if (!self) return std::nullopt;
  auto item = [&](const StoredRun& r, const char* relation, int depth) {
    json summary = json::parse(r.summary_json, nullptr, false);
    std::string status = r.status;
    if (auto live = runs.live(r.id); live && !live->finished()) status = live->status();
    json drivers = nullptr;
    if (summary.is_object() && summary.contains("result") && summary["result"].is_object())
      drivers = summary["result"].value("drivers_total", json());
    json j = {{"run_id", r.id},
              {"relation", relation},
              {"depth", depth},
              {"status", status},
              {"created_at", r.created_at},
              {"week", or_null(r.week)},
              {"drivers_total", drivers}};
    add_version_fields(j, r);
    return j;
  };
  std::deque<json> chain;
  bool truncated = false;
  std::string cur = self->parent_run_id;
  std::set<std::string> seen{id};
  while (!cur.empty() && seen.insert(cur).second) {
    auto p = store.get(cur);
    if (!p) {
      truncated = true;  // the ancestor was removed by retention
      break;
    }
    chain.push_front(item(*p, "ancestor", 0));
    cur = p->parent_run_id;
  }
  json versions = json::array();
  const int ancestors = static_cast<int>(chain.size());
  for (int i = 0; i < ancestors; ++i) {
    chain[static_cast<size_t>(i)]["depth"] = i - ancestors;
    versions.push_back(chain[static_cast<size_t>(i)]);
  }
  versions.push_back(item(*self, "self", 0));
  std::deque<std::pair<std::string, int>> queue{{id, 0}};
  while (!queue.empty()) {
    auto [parent, depth] = queue.front();
    queue.pop_front();
    for (const StoredRun& child : store.children(parent)) {
      if (!seen.insert(child.id).second) continue;
      versions.push_back(item(child, "descendant", depth + 1));
      queue.emplace_back(child.id, depth + 1);
    }
  }
  const std::string root = ancestors > 0 ? versions[0]["run_id"].get<std::string>() : id;
  return json{{"run_id", id},
              {"root_run_id", truncated ? json(nullptr) : json(root)},
              {"lineage_truncated", truncated},
              {"count", versions.size()},
              {"versions", std::move(versions)}};
}

PublishAnswer publish_run(const std::string& id, const std::string& content_type, const std::string& body,
                          RunStore& store, RunManager& runs, const SolverConfig& defaults, RunContextCache& cache) {
  auto conflict = [&](std::string why) { return PublishAnswer{409, {{"detail", std::move(why)}}}; };
  std::optional<std::string> scope;
  if (body.find_first_not_of(" \t\r\n") != std::string::npos) {
    if (body_kind(content_type) != BodyKind::Json)
      return {415, {{"detail", "unsupported Content-Type '" + printable_value(content_type) + "' (expected application/json)"}}};
    json doc;
    if (auto err = parse_json_body(body, doc)) return {err->status, err->body};
    if (!doc.is_object())
      return {422, {{"detail", json::array({{{"loc", json::array({"body"})}, {"msg", "value is not a valid dict"}, {"type", "type_error.dict"}}})}}};
    if (doc.contains("scope") && !doc["scope"].is_null()) {
      if (!doc["scope"].is_string())
        return {422, {{"detail", json::array({{{"loc", json::array({"body", "scope"})}, {"msg", "str type expected"}, {"type", "type_error.str"}}})}}};
      scope = doc["scope"].get<std::string>();
    }
  }
  if (auto live = runs.live(id); live && !live->finished())
    return conflict("run '" + id + "' is " + live->status() + "; only a finished, audit-clean plan can be published");
  auto run = store.get(id);
  if (!run) return {404, {{"detail", "run '" + id + "' not found"}}};
  if (run->status == "DRAFT_WITH_VIOLATIONS")
    return conflict("run '" + id + "' is a draft with violations (DRAFT_WITH_VIOLATIONS): a draft is never published; "
                    "fix the violations and save the edit again");
  if (run->status != "COMPLETED")
    return conflict("run '" + id + "' ended " + run->status + (run->reason.empty() ? "" : " (" + run->reason + ")") +
                    "; only a completed, audit-clean plan can be published");
  auto plan_text = store.document(id, RunDocument::Plan);
  if (!plan_text) return conflict("run '" + id + "' has no plan to publish");
  const json plan = json::parse(*plan_text, nullptr, false);
  const json audit = plan.is_object() ? plan.value("audit", json::object()) : json::object();
  if (!audit.value("ok", false)) {
    std::string first;
    if (audit.contains("violations") && audit["violations"].is_array() && !audit["violations"].empty())
      first = ": " + audit["violations"][0].value("code", std::string()) + " — " +
              audit["violations"][0].value("message", std::string());
    return conflict("run '" + id + "': its plan does not pass the audit" + first);
  }
  const std::string plan_status_text = plan.value("status", std::string());
  if (plan_status_text != "OK" && plan_status_text != "INFEASIBLE")
    return conflict("run '" + id + "': plan status " + plan_status_text + " cannot be published");
  if (!scope) {
    ContextResult c = load_run_context(id, store, runs, defaults, cache);
    if (c.error) return {c.error->status, c.error->body};
    scope = default_scope(c.ctx->request.tours);
  }
  std::string week = run->week;
  if (week.empty()) {
    const json summary = json::parse(run->summary_json, nullptr, false);
    if (summary.is_object()) week = summary.value("week_start", std::string());
  }
  const bool already = run->publication == "published" && run->scope == *scope;
  const std::string now = now_iso_utc();
  std::vector<std::string> superseded = store.publish(id, week, *scope, now);
  return {200,
          {{"run_id", id},
           {"publication", "published"},
           {"week", week},
           {"scope", *scope},
           {"published_at", now},
           {"already_published", already},
           {"superseded", superseded},
           {"tours_uncovered", plan.value("unassigned_tours", json::array()).size()}}};
}

// ---------------------------------------------------------------------------------------------
// Compare

std::string hours_text(double hours) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", hours);
  std::string s = buf;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s + " h";
}

namespace {

json effective_config(const RunContext& ctx) {
  const json input = json::parse(ctx.input_text, nullptr, false);
  if (input.is_object() && input.contains("effective_config") && input["effective_config"].is_object())
    return input["effective_config"];
  return json::parse(effective_config_json(ctx.request.config, ctx.request.policy));
}

// A value of a rule or tunable as the page shows it: hours where the rule is in minutes or hours.
std::pair<const char*, json> shown(const std::string& name, const json& v) {
  const bool minutes = name.size() > 8 && name.ends_with("_minutes");
  const bool hours = name.ends_with("_hours");
  if (v.is_number() && (minutes || hours)) {
    const double h = minutes ? v.get<double>() / 60.0 : v.get<double>();
    return {"h", hours_text(h)};
  }
  if (v.is_boolean()) return {nullptr, v.get<bool>() ? "yes" : "no"};
  return {nullptr, v.is_string() ? v.get<std::string>() : v.dump()};
}

void diff_section(const json& a, const json& b, const char* section, const std::vector<std::string>& order, json& out) {
  for (const std::string& name : order) {
    const json va = a.is_object() ? a.value(name, json()) : json();
    const json vb = b.is_object() ? b.value(name, json()) : json();
    if (va == vb) continue;
    auto [unit, ta] = shown(name, va);
    auto [unit_b, tb] = shown(name, vb);
    json item = {{"name", name}, {"section", section}, {"a", va}, {"b", vb}, {"a_text", ta}, {"b_text", tb}};
    item["unit"] = unit ? json(unit) : (unit_b ? json(unit_b) : json(nullptr));
    if (va.is_number() && vb.is_number()) {
      const double d = vb.get<double>() - va.get<double>();
      if (va.is_number_integer() && vb.is_number_integer()) item["delta"] = vb.get<long long>() - va.get<long long>();
      else item["delta"] = d;
      if (unit || unit_b) {
        const bool minutes = name.ends_with("_minutes");
        item["delta_text"] = (d > 0 ? "+" : (d < 0 ? "-" : "")) + hours_text(std::abs(minutes ? d / 60.0 : d));
      }
    }
    out.push_back(std::move(item));
  }
}

json run_brief(const RunContext& c) {
  return {{"run_id", c.run.id},
          {"kind", c.run.kind.empty() ? "solve" : c.run.kind},
          {"parent_run_id", or_null(c.run.parent_run_id)},
          {"status", c.run.status},
          {"week_start", c.request.week_start},
          {"tours", c.request.tours.size()},
          {"mode", c.driver_mode() ? "driver" : "forecast"},
          {"drivers_total", c.kpis.drivers_total},
          {"config_effective_hash", c.request.config_report.effective_hash}};
}

}  // namespace

json compare_json(const RunContext& a, const RunContext& b) {
  // 1. Effective configuration, rule by rule.
  const json ca = effective_config(a), cb = effective_config(b);
  json differences = json::array();
  std::vector<std::string> rules;
  for (const RuleInfo& r : policy_rules()) rules.emplace_back(r.name);
  diff_section(ca.value("policy", json::object()), cb.value("policy", json::object()), "policy", rules, differences);
  std::set<std::string> tunable_names;
  for (const auto& src : {ca.value("config", json::object()), cb.value("config", json::object())})
    for (auto it = src.begin(); it != src.end(); ++it) tunable_names.insert(it.key());
  diff_section(ca.value("config", json::object()), cb.value("config", json::object()), "tunable",
               std::vector<std::string>(tunable_names.begin(), tunable_names.end()), differences);
  const json run_a = {{"seed", a.request.seed}, {"time_limit_seconds", a.request.time_limit_seconds},
                      {"week_start", a.request.week_start}, {"tours", a.request.tours.size()},
                      {"drivers_available", a.request.drivers.size()}, {"locks", a.request.locks.size()}};
  const json run_b = {{"seed", b.request.seed}, {"time_limit_seconds", b.request.time_limit_seconds},
                      {"week_start", b.request.week_start}, {"tours", b.request.tours.size()},
                      {"drivers_available", b.request.drivers.size()}, {"locks", b.request.locks.size()}};
  diff_section(run_a, run_b, "run", {"week_start", "tours", "drivers_available", "locks", "seed", "time_limit_seconds"},
               differences);

  // 2. KPIs as each plan reports them.
  json kpis = json::object();
  const json& ka = a.plan_kpis;
  const json& kb = b.plan_kpis;
  std::set<std::string> kpi_names;
  for (const json* k : {&ka, &kb})
    for (auto it = k->begin(); it != k->end(); ++it) kpi_names.insert(it.key());
  for (const std::string& name : kpi_names) {
    const json va = ka.value(name, json()), vb = kb.value(name, json());
    json item = {{"a", va}, {"b", vb}};
    if (va.is_number_integer() && vb.is_number_integer()) item["delta"] = vb.get<long long>() - va.get<long long>();
    else if (va.is_number() && vb.is_number()) item["delta"] = round_to(vb.get<double>() - va.get<double>(), 4);
    else item["delta"] = nullptr;
    kpis[name] = std::move(item);
  }

  // 3. Per driver: tours gained and lost (by tour id, so runs over different inputs compare too).
  auto assignment = [](const RunContext& c) {
    std::map<std::string, std::string> driver_of;  // tour id -> driver ("" unassigned)
    std::vector<std::string> order;
    std::map<std::string, std::set<std::string>> tours_of;
    for (const Roster& r : c.plan.rosters) {
      order.push_back(r.driver_id);
      for (const Block& bl : r.blocks)
        for (int t : bl.tours) {
          const std::string& id = c.request.tours[static_cast<size_t>(t)].id;
          driver_of[id] = r.driver_id;
          tours_of[r.driver_id].insert(id);
        }
    }
    for (const UnassignedTour& u : c.plan.unassigned) driver_of[c.request.tours[static_cast<size_t>(u.tour)].id] = "";
    return std::make_tuple(driver_of, order, tours_of);
  };
  auto [da, order_a, ta] = assignment(a);
  auto [db, order_b, tb] = assignment(b);
  std::vector<std::string> order = order_a;
  for (const auto& id : order_b)
    if (!ta.count(id)) order.push_back(id);
  json changed = json::array(), only_a = json::array(), only_b = json::array();
  int unchanged = 0;
  for (const std::string& id : order) {
    const std::set<std::string> empty;
    const auto& sa = ta.count(id) ? ta.at(id) : empty;
    const auto& sb = tb.count(id) ? tb.at(id) : empty;
    if (!ta.count(id)) only_b.push_back(id);
    if (!tb.count(id)) only_a.push_back(id);
    json gained = json::array(), lost = json::array();
    for (const auto& t : sb)
      if (!sa.count(t)) gained.push_back(t);
    for (const auto& t : sa)
      if (!sb.count(t)) lost.push_back(t);
    if (gained.empty() && lost.empty()) {
      ++unchanged;
      continue;
    }
    std::string name = driver_name(b, id);
    if (name.empty()) name = driver_name(a, id);
    changed.push_back({{"driver_id", id}, {"name", or_null(name)}, {"gained", gained}, {"lost", lost}});
  }
  int moved = 0;
  json un_a = json::array(), un_b = json::array();
  for (const auto& [tour, driver] : da) {
    auto it = db.find(tour);
    if (it != db.end() && it->second != driver) ++moved;
    if (driver.empty() && (it == db.end() || !it->second.empty())) un_a.push_back(tour);
  }
  for (const auto& [tour, driver] : db) {
    auto it = da.find(tour);
    if (driver.empty() && (it == da.end() || !it->second.empty())) un_b.push_back(tour);
  }
  const size_t changed_count = changed.size();
  return {{"a", run_brief(a)},
          {"b", run_brief(b)},
          {"config", {{"same", differences.empty()}, {"differences", std::move(differences)}}},
          {"kpis", std::move(kpis)},
          {"drivers",
           {{"changed", std::move(changed)},
            {"changed_count", changed_count},
            {"unchanged_count", unchanged},
            {"only_in_a", std::move(only_a)},
            {"only_in_b", std::move(only_b)}}},
          {"tours_moved", moved},
          {"unassigned", {{"only_in_a", std::move(un_a)}, {"only_in_b", std::move(un_b)}}}};
}

}  // namespace so
