// The re-plan's call list as JSON (changes_json.hpp).
#include "io/changes_json.hpp"

#include <set>

#include "io/drivers.hpp"
#include "io/forecast.hpp"
#include "io/json_input.hpp"
#include "io/text_input.hpp"

namespace so {

using nlohmann::json;

namespace {

json extend(const json& prefix, const json& key) {
  json l = prefix;
  l.push_back(key);
  return l;
}

std::string shown(const json& v) { return printable_value(v.is_string() ? v.get<std::string>() : v.dump()); }

// An id: a non-empty string without control characters, or an integer.
std::optional<std::string> id_of(const json& v) {
  if (v.is_string() && !v.get<std::string>().empty() && !text_defect(v.get<std::string>()))
    return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  return std::nullopt;
}

constexpr const char* kIdText = "an id: a non-empty string without control characters, or an integer";
constexpr const char* kWeekTime = "{\"day\": \"Mon\"…\"Sun\", \"time\": \"HH:MM\"}";

}  // namespace

std::optional<Minutes> week_time_from_json(const json& v) {
  if (!v.is_object() || !v.contains("day") || !v.contains("time") || !v["day"].is_string() || !v["time"].is_string())
    return std::nullopt;
  const std::optional<int> day = parse_day(v["day"].get<std::string>());
  const std::optional<Minutes> time = parse_hhmm(v["time"].get<std::string>());
  if (!day || !time) return std::nullopt;
  return week_minute(*day, *time);
}

ReplanBody replan_body_from_json(const json& body, std::vector<JsonProblem>& problems, const json& loc_prefix) {
  ReplanBody out;
  auto problem = [&](const json& loc, std::string msg, const char* type) { problems.push_back({loc, std::move(msg), type}); };
  if (!body.is_object()) {
    problem(loc_prefix, "value is not a valid dict", "type_error.dict");
    return out;
  }
  const json floc = extend(loc_prefix, "frozen_until");
  if (!body.contains("frozen_until") || body["frozen_until"].is_null()) {
    problem(floc, "field required (the moment up to which the base plan has been driven)", "value_error.missing");
  } else if (auto m = week_time_from_json(body["frozen_until"])) {
    out.frozen_until = *m;
  } else {
    problem(floc, "bad week time '" + shown(body["frozen_until"]) + "' (expected " + kWeekTime + ")", "value_error.week_time");
  }
  if (!body.contains("changes") || body["changes"].is_null()) return out;  // nothing changed: re-plan as is
  const json& ch = body["changes"];
  const json cloc = extend(loc_prefix, "changes");
  if (!ch.is_object()) {
    problem(cloc, "value is not a valid dict", "type_error.dict");
    return out;
  }
  static const std::set<std::string> known = {"driver_unavailable", "tours_cancelled", "tours_added", "tours_changed",
                                              "drivers_added"};
  for (const auto& [key, v] : ch.items())
    if (!known.count(key))
      problem(extend(cloc, key),
              "unknown change '" + key + "' (expected driver_unavailable, tours_cancelled, tours_added, tours_changed, drivers_added)",
              "value_error.extra");
  auto list = [&](const char* key) -> const json* {
    if (!ch.contains(key) || ch[key].is_null()) return nullptr;
    if (!ch[key].is_array()) {
      problem(extend(cloc, key), "value is not a valid list", "type_error.list");
      return nullptr;
    }
    return &ch[key];
  };
  if (const json* a = list("driver_unavailable"))
    for (size_t i = 0; i < a->size(); ++i) {
      const json& item = (*a)[i];
      const json iloc = extend(extend(cloc, "driver_unavailable"), static_cast<int>(i));
      if (!item.is_object()) {
        problem(iloc, "value is not a valid dict", "type_error.dict");
        continue;
      }
      DriverUnavailable u;
      bool ok = true;
      if (auto id = item.contains("driver_id") ? id_of(item["driver_id"]) : std::nullopt) u.driver_id = *id;
      else if (item.contains("driver_id"))
        ok = false, problem(extend(iloc, "driver_id"), "bad driver id '" + shown(item["driver_id"]) + "' (expected " + kIdText + ")", "value_error.id");
      else ok = false, problem(extend(iloc, "driver_id"), "field required (a driver id)", "value_error.missing");
      for (const char* end : {"from", "to"}) {
        std::optional<Minutes> m = item.contains(end) ? week_time_from_json(item[end]) : std::nullopt;
        if (!m) {
          ok = false;
          problem(extend(iloc, end),
                  item.contains(end) ? "bad week time '" + shown(item[end]) + "' (expected " + kWeekTime + ")"
                                     : std::string("field required (expected ") + kWeekTime + ")",
                  item.contains(end) ? "value_error.week_time" : "value_error.missing");
          continue;
        }
        (std::string(end) == "from" ? u.from : u.to) = *m;
      }
      if (item.contains("reason") && item["reason"].is_string()) u.reason = item["reason"].get<std::string>();
      if (ok) out.changes.driver_unavailable.push_back(std::move(u));
    }
  if (const json* a = list("tours_cancelled"))
    for (size_t i = 0; i < a->size(); ++i) {
      if (auto id = id_of((*a)[i])) out.changes.tours_cancelled.push_back(*id);
      else problem(extend(extend(cloc, "tours_cancelled"), static_cast<int>(i)), "bad tour id '" + shown((*a)[i]) + "' (expected " + kIdText + ")", "type_error.str");
    }
  if (const json* a = list("tours_added")) {
    std::string semantic;
    out.changes.tours_added = tours_from_json(*a, problems, extend(cloc, "tours_added"), &semantic);
    if (!semantic.empty()) problem(extend(cloc, "tours_added"), semantic, "value_error.tour");
  }
  if (const json* a = list("tours_changed"))
    for (size_t i = 0; i < a->size(); ++i) {
      const json& item = (*a)[i];
      const json iloc = extend(extend(cloc, "tours_changed"), static_cast<int>(i));
      if (!item.is_object()) {
        problem(iloc, "value is not a valid dict", "type_error.dict");
        continue;
      }
      TourChange c;
      bool ok = true;
      if (auto id = item.contains("id") ? id_of(item["id"]) : std::nullopt) c.id = *id;
      else if (item.contains("id"))
        ok = false, problem(extend(iloc, "id"), "bad tour id '" + shown(item["id"]) + "' (expected " + kIdText + ")", "value_error.id");
      else ok = false, problem(extend(iloc, "id"), "field required (the id of the tour to change)", "value_error.missing");
      if (item.contains("day")) {
        std::optional<int> d = item["day"].is_string() ? parse_day(item["day"].get<std::string>()) : std::nullopt;
        if (d) c.day = *d;
        else ok = false, problem(extend(iloc, "day"), "unknown day '" + shown(item["day"]) + "' (expected Mon…Sun)", "value_error.day");
      }
      for (const char* key : {"start_time", "end_time"}) {
        if (!item.contains(key)) continue;
        std::optional<Minutes> m = item[key].is_string() ? parse_hhmm(item[key].get<std::string>()) : std::nullopt;
        if (!m) {
          ok = false;
          problem(extend(iloc, key), "bad time '" + shown(item[key]) + "' (expected HH:MM, 00:00–23:59)", "value_error.time");
          continue;
        }
        (std::string(key) == "start_time" ? c.start_clock : c.end_clock) = *m;
      }
      if (ok && !c.day && !c.start_clock && !c.end_clock)
        ok = false, problem(iloc, "nothing to change for tour '" + c.id + "' (expected day, start_time or end_time)", "value_error.missing");
      if (ok) out.changes.tours_changed.push_back(std::move(c));
    }
  if (const json* a = list("drivers_added")) out.changes.drivers_added = drivers_from_json(*a, problems, extend(cloc, "drivers_added"));
  return out;
}

ReplanBody parse_changes(std::string_view content, const std::string& source) {
  const json doc = parse_json_input(content, source);
  std::vector<JsonProblem> problems;
  ReplanBody out = replan_body_from_json(doc, problems, json::array());
  if (!problems.empty()) throw InputError::at_path(source, json_path_string(problems.front().loc), problems.front().msg);
  return out;
}

ReplanBody read_changes_file(const std::string& path) {
  return parse_changes(read_input_file(path, "a changes JSON file"), path);
}

}  // namespace so
