#include "io/drivers.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>

#include "core/time.hpp"
#include "io/forecast.hpp"
#include "io/json_input.hpp"
#include "io/text_input.hpp"

namespace so {

namespace {

using nlohmann::json;

constexpr const char* kExpectDay = "a day name (Mon…Sun, Monday…Sunday, Montag…Sonntag, Mo…So) or 1..7 (1 = Monday)";
constexpr const char* kExpectTime = "HH:MM, 00:00–23:59";
constexpr const char* kExpectHours = "hours, a number > 0 and ≤ 168";
constexpr const char* kExpectMinHours = "hours, a number ≥ 0 and ≤ 168";
constexpr const char* kExpectToursPerDay = "a whole number 1..3";
constexpr const char* kExpectContract = "FTE or PT";
constexpr const char* kExpectId = "a driver id (string or integer)";
constexpr const char* kExpectTourId = "a tour id (string or integer)";
constexpr const char* kExpectStreak = "a whole number of days 0..7";
constexpr const char* kExpectWeek = "\"previous\" (default) or \"current\" (a Sunday block that ended after midnight: day Mon)";
constexpr const char* kExpectLastEnd = "{\"day\": \"Sun\", \"time\": \"22:30\"}";
constexpr const char* kExpectDate = "a date YYYY-MM-DD";
constexpr double kMaxHours = 168;

// One schema problem, kept structured so the HTTP layer (JsonProblem) and the file readers
// (InputError) can each phrase it their way.
struct Issue {
  json loc;
  std::string type;
  std::string problem;
  std::string value;
  std::string expected;
};

std::string compose_msg(const Issue& is) {
  std::string m = is.problem;
  if (!is.value.empty()) m += " '" + is.value + "'";
  if (!is.expected.empty()) m += " (expected " + is.expected + ")";
  return m;
}

void to_problems(const std::vector<Issue>& issues, std::vector<JsonProblem>& problems) {
  for (const Issue& is : issues) problems.push_back({is.loc, compose_msg(is), is.type});
}

[[noreturn]] void throw_issue(std::string_view source, const Issue& is) {
  throw InputError::at_path(std::string(source), json_path_string(is.loc), is.problem, is.value, is.expected);
}

std::string value_text(const json& v) { return printable_value(v.is_string() ? v.get<std::string>() : v.dump()); }

json extend(const json& prefix, const json& key) {
  json l = prefix;
  l.push_back(key);
  return l;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// ---------------------------------------------------------------- value rules (JSON and CSV)

// What is wrong with a value: {type, problem, expected}; nullopt when fine.
struct Bad {
  std::string type, problem, expected;
};

// Hours -> whole minutes (rounded). Limits must be > 0; a contract minimum may be 0 (= none).
std::optional<Bad> check_hours(double h, bool allow_zero) {
  const char* expected = allow_zero ? kExpectMinHours : kExpectHours;
  if (!std::isfinite(h)) return Bad{"type_error.number", "not a number", expected};
  if (allow_zero ? h < 0 : h <= 0)
    return Bad{allow_zero ? "value_error.number.not_ge" : "value_error.number.not_gt",
               allow_zero ? "must not be negative" : "must be greater than 0", expected};
  if (h > kMaxHours) return Bad{"value_error.number.not_le", "must be at most 168 hours", expected};
  return std::nullopt;
}

Minutes hours_to_minutes(double h) { return static_cast<Minutes>(std::lround(h * 60.0)); }

std::optional<Contract> contract_from(std::string_view s) {
  std::string l = lower(trim(s));
  if (l == "fte") return Contract::FTE;
  if (l == "pt") return Contract::PT;
  return std::nullopt;
}

std::optional<int> day_from_text(std::string_view s) {
  s = trim(s);
  if (s.size() == 1 && s[0] >= '1' && s[0] <= '7') return s[0] - '1';
  return s.size() <= 12 ? parse_day(s) : std::nullopt;
}

// An unavailable window from clock times: an end not after the start means the next day's clock
// time (like a tour); equal clocks stay a zero-length window for check_drivers to name (400).
TimeWindow window_from(int day, Minutes start, Minutes end) {
  TimeWindow w{week_minute(day, start), week_minute(day, end)};
  if (end < start) w.end += kMinutesPerDay;
  return w;
}

// Last week's end as week-linear minutes relative to this Monday 00:00: a day of last week
// (Sun 22:30 = -90), or this Monday's clock for a Sunday block that ended after midnight.
Minutes previous_end_minutes(int day, Minutes time, bool current_week) {
  return current_week ? week_minute(0, time) : week_minute(day, time) - kDaysPerWeek * kMinutesPerDay;
}

// "Sun 22:30" or "Mon 01:30 current" (the CSV cell of previous_last_end; nullopt: malformed).
std::optional<Minutes> previous_end_from_text(std::string_view cell) {
  std::vector<std::string> words;
  std::string cur;
  for (char c : cell) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!cur.empty()) words.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) words.push_back(cur);
  if (words.size() != 2 && words.size() != 3) return std::nullopt;
  auto day = day_from_text(words[0]);
  auto time = parse_hhmm(words[1]);
  bool current = false;
  if (words.size() == 3) {
    const std::string w = lower(words[2]);
    if (w == "current") current = true;
    else if (w != "previous") return std::nullopt;
  }
  if (!day || !time || (current && *day != 0)) return std::nullopt;
  return previous_end_minutes(*day, *time, current);
}

void normalize(Driver& d) {
  std::sort(d.qualifications.begin(), d.qualifications.end());
  d.qualifications.erase(std::unique(d.qualifications.begin(), d.qualifications.end()), d.qualifications.end());
  std::stable_sort(d.unavailable.begin(), d.unavailable.end(), [](const TimeWindow& a, const TimeWindow& b) {
    return a.start != b.start ? a.start < b.start : a.end < b.end;
  });
}

// ---------------------------------------------------------------- JSON items

// Field lookup with aliases; the first present non-null key wins. `used` names it for locations.
const json* field(const json& item, std::initializer_list<const char*> names, const char*& used) {
  for (const char* nm : names) {
    auto it = item.find(nm);
    if (it != item.end() && !it->is_null()) {
      used = nm;
      return &*it;
    }
  }
  used = *names.begin();
  return nullptr;
}

// An id: a string, or an integer written as its digits.
std::optional<std::string> id_value(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return v.dump();
  return std::nullopt;
}

// A control character (or invalid UTF-8) in an id, name or qualification is an issue at `loc`
// (true when found).
bool control_issue(const std::string& text, const json& loc, const char* what, std::vector<Issue>& issues) {
  const auto bad = text_defect(text);
  if (!bad) return false;
  issues.push_back({loc, bad->type, std::string(bad->problem) + " in " + what, printable_value(text), kExpectPrintable});
  return true;
}

std::optional<double> number_value(const json& v) {
  if (v.is_number()) return v.get<double>();
  return std::nullopt;
}

// An integer, or a float with an integral value (as pydantic accepts 2.0).
std::optional<long long> integer_value(const json& v) {
  if (v.is_number_integer()) return v.get<long long>();
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 1e15) return static_cast<long long>(d);
  }
  return std::nullopt;
}

std::optional<int> json_day(const json& v) {
  if (v.is_string()) return day_from_text(v.get<std::string>());
  if (v.is_number_integer()) {
    long long d = v.get<long long>();
    if (d >= 1 && d <= 7) return static_cast<int>(d - 1);
  }
  return std::nullopt;
}

std::optional<Driver> driver_from_item(const json& item, const json& iloc, std::vector<Issue>& issues) {
  const size_t before = issues.size();
  auto issue = [&](const json& loc, std::string type, std::string problem, std::string value, std::string expected) {
    issues.push_back({loc, std::move(type), std::move(problem), std::move(value), std::move(expected)});
  };
  if (!item.is_object()) {
    issue(iloc, "type_error.dict", "value is not a valid dict", value_text(item), "a driver object");
    return std::nullopt;
  }
  Driver d;
  const char* key = nullptr;

  if (const json* v = field(item, {"id", "driver_id"}, key)) {
    if (auto id = id_value(*v)) {
      if (!control_issue(*id, extend(iloc, key), "driver id", issues)) d.id = *id;  // empty: check_drivers (semantic)
    } else {
      issue(extend(iloc, key), "type_error.str", "driver id is not a string", value_text(*v), kExpectId);
    }
  } else {
    issue(extend(iloc, "id"), "value_error.missing", "field required", {}, kExpectId);
  }

  if (const json* v = field(item, {"name"}, key)) {
    if (!v->is_string()) issue(extend(iloc, key), "type_error.str", "name is not a string", value_text(*v), "a string");
    else if (!control_issue(v->get<std::string>(), extend(iloc, key), "name", issues)) d.name = v->get<std::string>();
  }

  if (const json* v = field(item, {"qualifications"}, key)) {
    json loc = extend(iloc, key);
    if (!v->is_array()) {
      issue(loc, "type_error.list", "value is not a valid list", value_text(*v), "a list of strings");
    } else {
      for (size_t k = 0; k < v->size(); ++k) {
        const json& q = (*v)[k];
        if (!q.is_string()) issue(extend(loc, k), "type_error.str", "qualification is not a string", value_text(q), "a string");
        else if (trim(q.get<std::string>()).empty())
          issue(extend(loc, k), "value_error.any_str.min_length", "empty qualification", {}, "a non-empty string");
        else if (!control_issue(q.get<std::string>(), extend(loc, k), "qualification", issues))
          d.qualifications.emplace_back(trim(q.get<std::string>()));
      }
    }
  }

  if (const json* v = field(item, {"available_days"}, key)) {
    json loc = extend(iloc, key);
    if (!v->is_array()) {
      issue(loc, "type_error.list", "value is not a valid list", value_text(*v), "a list of day names");
    } else {
      d.available_days.fill(false);  // listed days only
      for (size_t k = 0; k < v->size(); ++k) {
        if (auto day = json_day((*v)[k])) d.available_days[static_cast<size_t>(*day)] = true;
        else issue(extend(loc, k), "value_error.day", "unknown day", value_text((*v)[k]), kExpectDay);
      }
    }
  }

  if (const json* v = field(item, {"unavailable"}, key)) {
    json loc = extend(iloc, key);
    if (!v->is_array()) {
      issue(loc, "type_error.list", "value is not a valid list", value_text(*v), "a list of {day, start_time, end_time}");
    } else {
      for (size_t k = 0; k < v->size(); ++k) {
        const json& w = (*v)[k];
        json wloc = extend(loc, k);
        if (!w.is_object()) {
          issue(wloc, "type_error.dict", "value is not a valid dict", value_text(w), "{day, start_time, end_time}");
          continue;
        }
        const char* wk = nullptr;
        std::optional<int> day;
        if (const json* dv = field(w, {"day"}, wk)) {
          day = json_day(*dv);
          if (!day) issue(extend(wloc, wk), "value_error.day", "unknown day", value_text(*dv), kExpectDay);
        } else {
          issue(extend(wloc, "day"), "value_error.missing", "field required", {}, kExpectDay);
        }
        auto time_field = [&](const char* primary, const char* alias) -> std::optional<Minutes> {
          const char* tk = nullptr;
          if (const json* tv = field(w, {primary, alias}, tk)) {
            std::optional<Minutes> m = tv->is_string() ? parse_hhmm(tv->get<std::string>()) : std::nullopt;
            if (!tv->is_string()) issue(extend(wloc, tk), "type_error.str", "time is not a string", value_text(*tv), kExpectTime);
            else if (!m) issue(extend(wloc, tk), "value_error.time", "bad time", value_text(*tv), kExpectTime);
            return m;
          }
          issue(extend(wloc, primary), "value_error.missing", "field required", {}, kExpectTime);
          return std::nullopt;
        };
        auto s = time_field("start_time", "start");
        auto e = time_field("end_time", "end");
        if (day && s && e) d.unavailable.push_back(window_from(*day, *s, *e));
      }
    }
  }

  auto hours_field = [&](const char* name, bool allow_zero, std::optional<Minutes>& out) {
    const char* hk = nullptr;
    if (const json* v = field(item, {name}, hk)) {
      auto h = v->is_boolean() ? std::nullopt : number_value(*v);
      if (!h) {
        issue(extend(iloc, hk), "type_error.number", "value is not a valid number", value_text(*v),
              allow_zero ? kExpectMinHours : kExpectHours);
      } else if (auto bad = check_hours(*h, allow_zero)) {
        issue(extend(iloc, hk), bad->type, bad->problem, value_text(*v), bad->expected);
      } else {
        out = hours_to_minutes(*h);
      }
    }
  };
  hours_field("max_weekly_hours", false, d.max_weekly_minutes);
  hours_field("min_weekly_hours", true, d.min_weekly_minutes);
  hours_field("min_rest_hours", false, d.min_rest_minutes);
  hours_field("max_daily_span_hours", false, d.max_daily_span_minutes);

  if (const json* v = field(item, {"max_tours_per_day"}, key)) {
    auto n = v->is_boolean() ? std::nullopt : integer_value(*v);
    if (!n) issue(extend(iloc, key), "type_error.integer", "value is not a valid integer", value_text(*v), kExpectToursPerDay);
    else if (*n < 1) issue(extend(iloc, key), "value_error.number.not_ge", "must be at least 1", value_text(*v), kExpectToursPerDay);
    else if (*n > 3) issue(extend(iloc, key), "value_error.number.not_le", "must be at most 3", value_text(*v), kExpectToursPerDay);
    else d.max_tours_per_day = static_cast<int>(*n);
  }

  if (const json* v = field(item, {"contract"}, key)) {
    auto c = v->is_string() ? contract_from(v->get<std::string>()) : std::nullopt;
    if (!v->is_string()) issue(extend(iloc, key), "type_error.str", "contract is not a string", value_text(*v), kExpectContract);
    else if (!c) issue(extend(iloc, key), "value_error.enum", "unknown contract", value_text(*v), kExpectContract);
    else d.contract = *c;
  }

  // Continuity across weeks (dispatch.md §3):
  // "previous_week": {"last_end": {"day": "Sun", "time": "22:30"[, "week": "previous"|"current"]},
  //                   "consecutive_days_worked": 3} — both optional; null or {} = no constraint.
  if (const json* v = field(item, {"previous_week"}, key)) {
    const json ploc = extend(iloc, key);
    if (!v->is_object()) {
      issue(ploc, "type_error.dict", "value is not a valid dict", value_text(*v),
            "{\"last_end\": {\"day\", \"time\"}, \"consecutive_days_worked\"}");
    } else {
      const char* pk = nullptr;
      if (const json* le = field(*v, {"last_end"}, pk)) {
        const json lloc = extend(ploc, pk);
        if (!le->is_object()) {
          issue(lloc, "type_error.dict", "value is not a valid dict", value_text(*le), kExpectLastEnd);
        } else {
          const char* lk = nullptr;
          std::optional<int> day;
          std::optional<Minutes> time;
          bool current = false, week_ok = true;
          if (const json* dv = field(*le, {"day"}, lk)) {
            day = json_day(*dv);
            if (!day) issue(extend(lloc, lk), "value_error.day", "unknown day", value_text(*dv), kExpectDay);
          } else {
            issue(extend(lloc, "day"), "value_error.missing", "field required", {}, kExpectDay);
          }
          if (const json* tv = field(*le, {"time", "end_time"}, lk)) {
            time = tv->is_string() ? parse_hhmm(tv->get<std::string>()) : std::nullopt;
            if (!tv->is_string()) issue(extend(lloc, lk), "type_error.str", "time is not a string", value_text(*tv), kExpectTime);
            else if (!time) issue(extend(lloc, lk), "value_error.time", "bad time", value_text(*tv), kExpectTime);
          } else {
            issue(extend(lloc, "time"), "value_error.missing", "field required", {}, kExpectTime);
          }
          if (const json* wv = field(*le, {"week"}, lk)) {
            const std::string w = wv->is_string() ? lower(trim(wv->get<std::string>())) : std::string();
            if (w == "current") current = true;
            else if (w != "previous") {
              issue(extend(lloc, lk), "value_error.enum", "unknown week", value_text(*wv), kExpectWeek);
              week_ok = false;
            }
            if (current && day && *day != 0) {
              issue(extend(lloc, lk), "value_error.week", "only Monday can be in the current week", value_text(*wv),
                    kExpectWeek);
              week_ok = false;
            }
          }
          if (day && time && week_ok) d.previous_last_end = previous_end_minutes(*day, *time, current);
        }
      }
      if (const json* sv = field(*v, {"consecutive_days_worked"}, pk)) {
        std::optional<long long> n;
        if (!sv->is_boolean()) n = integer_value(*sv);
        const json sloc = extend(ploc, pk);
        if (!n) issue(sloc, "type_error.integer", "value is not a valid integer", value_text(*sv), kExpectStreak);
        else if (*n < 0) issue(sloc, "value_error.number.not_ge", "must not be negative", value_text(*sv), kExpectStreak);
        else if (*n > 7) issue(sloc, "value_error.number.not_le", "must be at most 7", value_text(*sv), kExpectStreak);
        else d.previous_streak = static_cast<int>(*n);
      }
    }
  }

  if (issues.size() != before) return std::nullopt;
  normalize(d);
  return d;
}

std::vector<Driver> drivers_from(const json& arr, const json& prefix, std::vector<Issue>& issues) {
  std::vector<Driver> out;
  if (!arr.is_array()) {
    issues.push_back({prefix, "type_error.list", "value is not a valid list", value_text(arr), "a list of drivers"});
    return out;
  }
  for (size_t i = 0; i < arr.size(); ++i)
    if (auto d = driver_from_item(arr[i], extend(prefix, i), issues)) out.push_back(std::move(*d));
  return out;
}

std::vector<Lock> locks_from(const json& arr, const json& prefix, std::vector<Issue>& issues) {
  std::vector<Lock> out;
  if (!arr.is_array()) {
    issues.push_back({prefix, "type_error.list", "value is not a valid list", value_text(arr),
                      "a list of {driver_id, tour_ids}"});
    return out;
  }
  for (size_t i = 0; i < arr.size(); ++i) {
    const json& item = arr[i];
    json iloc = extend(prefix, i);
    const size_t before = issues.size();
    if (!item.is_object()) {
      issues.push_back({iloc, "type_error.dict", "value is not a valid dict", value_text(item), "{driver_id, tour_ids}"});
      continue;
    }
    Lock lock;
    const char* key = nullptr;
    if (const json* v = field(item, {"driver_id", "driver"}, key)) {
      if (auto id = id_value(*v)) {
        if (!control_issue(*id, extend(iloc, key), "driver id", issues)) lock.driver_id = *id;
      } else issues.push_back({extend(iloc, key), "type_error.str", "driver id is not a string", value_text(*v), kExpectId});
    } else {
      issues.push_back({extend(iloc, "driver_id"), "value_error.missing", "field required", {}, kExpectId});
    }
    if (const json* v = field(item, {"tour_ids"}, key)) {
      json loc = extend(iloc, key);
      if (!v->is_array()) {
        issues.push_back({loc, "type_error.list", "value is not a valid list", value_text(*v), "a list of tour ids"});
      } else {
        for (size_t k = 0; k < v->size(); ++k) {
          if (auto id = id_value((*v)[k])) {
            if (!control_issue(*id, extend(loc, k), "tour id", issues)) lock.tour_ids.push_back(*id);
          } else issues.push_back({extend(loc, k), "type_error.str", "tour id is not a string", value_text((*v)[k]), kExpectTourId});
        }
      }
    } else {
      issues.push_back({extend(iloc, "tour_ids"), "value_error.missing", "field required", {}, "a list of tour ids"});
    }
    if (issues.size() == before) out.push_back(std::move(lock));
  }
  return out;
}

// When a previous plan's item ran, for continuity (dispatch.md §3): "day" and the clock times —
// a tour's (or an assignment's) "start_time"/"end_time", a block's "start"/"end" (as api.md §4
// writes them). Absent = unknown; present but malformed = an issue.
void read_when(const json& obj, const json& loc, PreviousAssignment& pa, std::vector<Issue>& issues,
               bool block_level = false) {
  const char* key = nullptr;
  if (const json* dv = field(obj, {"day"}, key)) {
    if (auto day = json_day(*dv)) pa.day = *day;
    else issues.push_back({extend(loc, key), "value_error.day", "unknown day", value_text(*dv), kExpectDay});
  }
  auto time_of = [&](std::initializer_list<const char*> names, std::optional<Minutes>& out) {
    const char* tk = nullptr;
    if (const json* tv = field(obj, names, tk)) {
      out = tv->is_string() ? parse_hhmm(tv->get<std::string>()) : std::nullopt;
      if (!out) issues.push_back({extend(loc, tk), "value_error.time", "bad time", value_text(*tv), kExpectTime});
    }
  };
  if (block_level) {
    time_of({"start"}, pa.start);
    time_of({"end"}, pa.end);
  } else {
    time_of({"start_time"}, pa.start);
    time_of({"end_time"}, pa.end);
  }
}

// A previous plan's "week_start" ("" or absent = not given; else a real YYYY-MM-DD date).
std::string read_week_start(const json& obj, const json& loc, std::vector<Issue>& issues) {
  auto it = obj.find("week_start");
  if (it == obj.end() || it->is_null()) return {};
  if (it->is_string() && it->get<std::string>().empty()) return {};
  if (it->is_string() && days_of_date(it->get<std::string>())) return it->get<std::string>();
  issues.push_back({extend(loc, "week_start"), "value_error.date", "not a date", value_text(*it), kExpectDate});
  return {};
}

// {"assignments":[{"driver_id","tour_id"}]} (or a bare array of them).
void assignments_from(const json& arr, const json& loc, std::vector<PreviousAssignment>& out, std::vector<Issue>& issues) {
  if (!arr.is_array()) {
    issues.push_back({loc, "type_error.list", "value is not a valid list", value_text(arr), "a list of {driver_id, tour_id}"});
    return;
  }
  for (size_t i = 0; i < arr.size(); ++i) {
    const json& a = arr[i];
    json iloc = extend(loc, i);
    if (!a.is_object()) {
      issues.push_back({iloc, "type_error.dict", "value is not a valid dict", value_text(a), "{driver_id, tour_id}"});
      continue;
    }
    const char* key = nullptr;
    std::optional<std::string> driver, tour;
    if (const json* v = field(a, {"driver_id"}, key)) {
      driver = id_value(*v);
      if (!driver) issues.push_back({extend(iloc, key), "type_error.str", "driver id is not a string", value_text(*v), kExpectId});
    } else {
      issues.push_back({extend(iloc, "driver_id"), "value_error.missing", "field required", {}, kExpectId});
    }
    if (const json* v = field(a, {"tour_id"}, key)) {
      tour = id_value(*v);
      if (!tour) issues.push_back({extend(iloc, key), "type_error.str", "tour id is not a string", value_text(*v), kExpectTourId});
    } else {
      issues.push_back({extend(iloc, "tour_id"), "value_error.missing", "field required", {}, kExpectTourId});
    }
    if (!driver || !tour) continue;
    PreviousAssignment pa(*driver, *tour);
    read_when(a, iloc, pa, issues);
    out.push_back(std::move(pa));
  }
}

// A plan of api.md §4: drivers[].driver_id, blocks[].tours[] (objects with "id" or id strings).
void plan_assignments_from(const json& drivers, const json& loc, std::vector<PreviousAssignment>& out,
                           std::vector<Issue>& issues) {
  if (!drivers.is_array()) {
    issues.push_back({loc, "type_error.list", "value is not a valid list", value_text(drivers), "a list of drivers"});
    return;
  }
  for (size_t i = 0; i < drivers.size(); ++i) {
    const json& d = drivers[i];
    json dloc = extend(loc, i);
    if (!d.is_object()) {
      issues.push_back({dloc, "type_error.dict", "value is not a valid dict", value_text(d), "{driver_id, blocks}"});
      continue;
    }
    const char* key = nullptr;
    std::optional<std::string> driver;
    if (const json* v = field(d, {"driver_id", "id"}, key)) {
      driver = id_value(*v);
      if (!driver) issues.push_back({extend(dloc, key), "type_error.str", "driver id is not a string", value_text(*v), kExpectId});
    } else {
      issues.push_back({extend(dloc, "driver_id"), "value_error.missing", "field required", {}, kExpectId});
    }
    const json* blocks = field(d, {"blocks"}, key);
    if (!blocks) continue;  // a driver without blocks has no assignments
    json bsloc = extend(dloc, "blocks");
    if (!blocks->is_array()) {
      issues.push_back({bsloc, "type_error.list", "value is not a valid list", value_text(*blocks), "a list of blocks"});
      continue;
    }
    for (size_t b = 0; b < blocks->size(); ++b) {
      const json& bj = (*blocks)[b];
      json bloc = extend(bsloc, b);
      if (!bj.is_object()) {
        issues.push_back({bloc, "type_error.dict", "value is not a valid dict", value_text(bj), "{day, tours}"});
        continue;
      }
      PreviousAssignment block_when;  // the block's day and clock window (a tour given as a bare id)
      read_when(bj, bloc, block_when, issues, /*block_level=*/true);
      const json* tl = field(bj, {"tours"}, key);
      if (!tl) continue;
      json tsloc = extend(bloc, "tours");
      if (!tl->is_array()) {
        issues.push_back({tsloc, "type_error.list", "value is not a valid list", value_text(*tl), "a list of tours"});
        continue;
      }
      for (size_t t = 0; t < tl->size(); ++t) {
        const json& tj = (*tl)[t];
        json tloc = extend(tsloc, t);
        std::optional<std::string> tour;
        PreviousAssignment when = block_when;
        if (tj.is_object()) {
          const char* tk = nullptr;
          if (const json* idv = field(tj, {"id", "tour_id"}, tk)) {
            tour = id_value(*idv);
            if (!tour) issues.push_back({extend(tloc, tk), "type_error.str", "tour id is not a string", value_text(*idv), kExpectTourId});
          } else {
            issues.push_back({extend(tloc, "id"), "value_error.missing", "field required", {}, kExpectTourId});
          }
          PreviousAssignment own;
          read_when(tj, tloc, own, issues);
          if (own.day >= 0) when.day = own.day;
          if (own.start || own.end) {
            when.start = own.start;
            when.end = own.end;
          }
        } else {
          tour = id_value(tj);
          if (!tour) issues.push_back({tloc, "type_error.str", "tour id is not a string", value_text(tj), kExpectTourId});
        }
        if (driver && tour) {
          when.driver_id = *driver;
          when.tour_id = *tour;
          out.push_back(std::move(when));
        }
      }
    }
  }
}

std::vector<PreviousAssignment> previous_from(const json& previous, const json& prefix, std::vector<Issue>& issues) {
  std::vector<PreviousAssignment> out;
  if (previous.is_array()) {
    assignments_from(previous, prefix, out, issues);
    return out;
  }
  if (!previous.is_object()) {
    issues.push_back({prefix, "type_error.dict", "value is not a valid dict", value_text(previous),
                      "a plan object (drivers[].blocks[].tours[]) or {\"assignments\":[…]}"});
    return out;
  }
  std::string week;  // the plan's week_start: marks last week's plan (continuity, dispatch.md §3)
  if (previous.contains("assignments") && !previous["assignments"].is_null()) {
    week = read_week_start(previous, prefix, issues);
    assignments_from(previous["assignments"], extend(prefix, "assignments"), out, issues);
  } else if (previous.contains("drivers") && !previous["drivers"].is_null()) {
    week = read_week_start(previous, prefix, issues);
    plan_assignments_from(previous["drivers"], extend(prefix, "drivers"), out, issues);
  } else if (previous.contains("plan") && previous["plan"].is_object() && previous["plan"].contains("drivers")) {
    week = read_week_start(previous["plan"], extend(prefix, "plan"), issues);
    if (week.empty()) week = read_week_start(previous, prefix, issues);
    plan_assignments_from(previous["plan"]["drivers"], extend(extend(prefix, "plan"), "drivers"), out, issues);
  } else {
    issues.push_back({extend(prefix, "drivers"), "value_error.missing", "field required", {},
                      "a plan object (drivers[].blocks[].tours[]) or {\"assignments\":[…]}"});
  }
  for (PreviousAssignment& pa : out) pa.week_start = week;
  return out;
}

// ---------------------------------------------------------------- files

std::string_view strip_bom(std::string_view s) {
  if (s.size() >= 3 && s.substr(0, 3) == "\xEF\xBB\xBF") s.remove_prefix(3);
  return s;
}

void check_text(std::string_view content, std::string_view source) {
  if (static_cast<long long>(content.size()) > kMaxForecastBytes)
    throw InputError::whole(std::string(source), "file too large", std::to_string(content.size()) + " bytes",
                            "at most " + std::to_string(kMaxForecastBytes) + " bytes");
  refuse_spreadsheet(content, std::string(source));
  if (content.find('\0') != std::string_view::npos)
    throw InputError::whole(std::string(source), "binary data (NUL byte)", {}, "a UTF-8 text file (CSV or JSON)");
}

json parse_json_text(std::string_view content, std::string_view source) {
  return parse_json_input(content, std::string(source));
}

bool looks_like_json(std::string_view content) {
  std::string_view t = trim(content);
  return !t.empty() && (t.front() == '[' || t.front() == '{');
}

std::string read_file(const std::string& path, const char* what) {
  std::string content = read_input_file(path, what);
  check_text(content, path);
  return content;
}

// --- drivers CSV

// Splits one CSV line (RFC 4180 quotes, "" inside quotes); `quoted[i]` tells whether cell i was quoted.
std::vector<std::string> split_csv_line(std::string_view line, char sep, std::vector<bool>& quoted, bool& unterminated) {
  std::vector<std::string> cells;
  quoted.clear();
  unterminated = false;
  std::string cur;
  bool in_quotes = false, was_quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          cur.push_back('"');
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        cur.push_back(c);
      }
    } else if (c == '"' && trim(cur).empty()) {
      cur.clear();
      in_quotes = was_quoted = true;
    } else if (c == sep) {
      cells.emplace_back(trim(cur));
      quoted.push_back(was_quoted);
      cur.clear();
      was_quoted = false;
    } else {
      cur.push_back(c);
    }
  }
  if (in_quotes) unterminated = true;
  cells.emplace_back(trim(cur));
  quoted.push_back(was_quoted);
  return cells;
}

char detect_separator(std::string_view header) {
  size_t commas = 0, semis = 0;
  bool in_quotes = false;
  for (char c : header) {
    if (c == '"') in_quotes = !in_quotes;
    else if (!in_quotes && c == ',') ++commas;
    else if (!in_quotes && c == ';') ++semis;
  }
  return semis > commas ? ';' : ',';
}

// A list cell: items separated by `|`, or by `,` / `;` inside a quoted cell (the reference's
// sample_drivers.csv writes "Standard,HeavyGoods"); an unquoted cell never holds the separator.
std::vector<std::string> split_list(std::string_view cell) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    std::string_view t = trim(cur);
    if (!t.empty()) out.emplace_back(t);
    cur.clear();
  };
  for (char c : cell) {
    if (c == '|' || c == ',' || c == ';') flush();
    else cur.push_back(c);
  }
  flush();
  return out;
}

std::optional<double> csv_number(std::string_view s) {
  std::string t(trim(s));
  if (t.find('.') == std::string::npos) std::replace(t.begin(), t.end(), ',', '.');  // German decimal comma
  if (t.empty()) return std::nullopt;
  char* end = nullptr;
  double d = std::strtod(t.c_str(), &end);
  if (end != t.c_str() + t.size()) return std::nullopt;
  return d;
}

enum class Col { Id, Name, Quals, Days, MaxWeekly, MinWeekly, MaxTours, MinRest, MaxSpan, Contract, Unavailable,
                 PrevLastEnd, PrevStreak };

std::optional<Col> column_of(std::string_view header_cell) {
  static const std::map<std::string, Col> names = {
      {"id", Col::Id},
      {"driver_id", Col::Id},
      {"name", Col::Name},
      {"qualifications", Col::Quals},
      {"available_days", Col::Days},
      {"max_weekly_hours", Col::MaxWeekly},
      {"min_weekly_hours", Col::MinWeekly},
      {"max_tours_per_day", Col::MaxTours},
      {"min_rest_hours", Col::MinRest},
      {"max_daily_span_hours", Col::MaxSpan},
      {"contract", Col::Contract},
      {"unavailable", Col::Unavailable},
      {"previous_last_end", Col::PrevLastEnd},
      {"previous_streak", Col::PrevStreak},
      {"consecutive_days_worked", Col::PrevStreak},
  };
  auto it = names.find(lower(trim(header_cell)));
  if (it == names.end()) return std::nullopt;
  return it->second;
}

std::vector<Driver> parse_drivers_csv(std::string_view content, const std::string& source) {
  std::vector<std::string_view> lines;
  for (size_t pos = 0; pos <= content.size();) {
    size_t nl = content.find('\n', pos);
    std::string_view line = content.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  auto blank = [](std::string_view l) {
    return std::all_of(l.begin(), l.end(), [](char c) { return c == ',' || c == ';' || std::isspace(static_cast<unsigned char>(c)); });
  };
  size_t h = 0;
  while (h < lines.size() && blank(lines[h])) ++h;
  if (h == lines.size()) throw InputError::whole(source, "empty file", {}, "a drivers CSV with a header row (id,name,…) or JSON");

  const char sep = detect_separator(lines[h]);
  const int header_line = static_cast<int>(h) + 1;
  std::vector<bool> quoted;
  bool unterminated = false;
  std::vector<std::string> header = split_csv_line(lines[h], sep, quoted, unterminated);
  if (unterminated) throw InputError::at_line(source, header_line, "unterminated quote in header", printable_value(lines[h]));
  std::vector<std::optional<Col>> cols;
  std::set<Col> seen;
  for (const std::string& name : header) {
    auto c = column_of(name);
    if (c && !seen.insert(*c).second)
      throw InputError::at_line(source, header_line, "duplicate column", printable_value(name), "each column once");
    cols.push_back(c);
  }
  if (!seen.count(Col::Id))
    throw InputError::at_line(source, header_line, "no 'id' column in the header", printable_value(lines[h]),
                              "a header row naming columns: id,name,qualifications,available_days,…");

  std::vector<Driver> out;
  for (size_t li = h + 1; li < lines.size(); ++li) {
    if (blank(lines[li])) continue;
    const int line = static_cast<int>(li) + 1;
    std::vector<std::string> cells = split_csv_line(lines[li], sep, quoted, unterminated);
    if (unterminated) throw InputError::at_line(source, line, "unterminated quote", printable_value(lines[li]));
    if (cells.size() > header.size()) {
      bool extra_empty = std::all_of(cells.begin() + static_cast<long>(header.size()), cells.end(),
                                     [](const std::string& c) { return c.empty(); });
      if (!extra_empty)
        throw InputError::at_line(source, line, "more cells than header columns",
                                  printable_value(cells[header.size()]), std::to_string(header.size()) + " columns");
    }
    auto fail = [&](const char* column, std::string problem, const std::string& value, std::string expected) {
      throw InputError(source, line, column, std::move(problem), printable_value(value), std::move(expected));
    };
    Driver d;
    bool has_id = false;
    for (size_t c = 0; c < header.size() && c < cells.size(); ++c) {
      if (!cols[c]) continue;
      const std::string& cell = cells[c];
      if (cell.empty()) continue;  // empty cell = not set
      if (auto bad = text_defect(cell)) fail(header[c].c_str(), bad->problem, cell, kExpectPrintable);
      auto hours = [&](const char* column, bool allow_zero, std::optional<Minutes>& target) {
        auto v = csv_number(cell);
        if (!v) fail(column, "not a number", cell, allow_zero ? kExpectMinHours : kExpectHours);
        if (auto bad = check_hours(*v, allow_zero)) fail(column, bad->problem, cell, bad->expected);
        target = hours_to_minutes(*v);
      };
      switch (*cols[c]) {
        case Col::Id:
          d.id = cell;
          has_id = true;
          break;
        case Col::Name: d.name = cell; break;
        case Col::Quals:
          for (auto& q : split_list(cell)) d.qualifications.push_back(q);
          break;
        case Col::Days:
          d.available_days.fill(false);
          for (auto& dn : split_list(cell)) {
            auto day = day_from_text(dn);
            if (!day) fail("available_days", "unknown day", dn, kExpectDay);
            d.available_days[static_cast<size_t>(*day)] = true;
          }
          break;
        case Col::MaxWeekly: hours("max_weekly_hours", false, d.max_weekly_minutes); break;
        case Col::MinWeekly: hours("min_weekly_hours", true, d.min_weekly_minutes); break;
        case Col::MinRest: hours("min_rest_hours", false, d.min_rest_minutes); break;
        case Col::MaxSpan: hours("max_daily_span_hours", false, d.max_daily_span_minutes); break;
        case Col::MaxTours: {
          auto v = csv_number(cell);
          if (!v || std::floor(*v) != *v) fail("max_tours_per_day", "not a whole number", cell, kExpectToursPerDay);
          if (*v < 1 || *v > 3) fail("max_tours_per_day", "out of range", cell, kExpectToursPerDay);
          d.max_tours_per_day = static_cast<int>(*v);
          break;
        }
        case Col::Contract: {
          auto k = contract_from(cell);
          if (!k) fail("contract", "unknown contract", cell, kExpectContract);
          d.contract = *k;
          break;
        }
        case Col::Unavailable:
          for (auto& item : split_list(cell)) {
            // "Sat 06:00-12:00": a day, white space, a clock window.
            std::string_view s = trim(item);
            size_t sp = s.find_first_of(" \t");
            constexpr const char* kExpectWindow = "DAY HH:MM-HH:MM, e.g. Sat 06:00-12:00";
            if (sp == std::string_view::npos) fail("unavailable", "bad unavailable window", item, kExpectWindow);
            auto day = day_from_text(s.substr(0, sp));
            std::string win;
            for (char ch : s.substr(sp)) if (!std::isspace(static_cast<unsigned char>(ch))) win.push_back(ch);
            size_t dash = win.find('-');
            std::optional<Minutes> st = dash == std::string::npos ? std::nullopt : parse_hhmm(win.substr(0, dash));
            std::optional<Minutes> en = dash == std::string::npos ? std::nullopt : parse_hhmm(win.substr(dash + 1));
            if (!day) fail("unavailable", "unknown day", item, kExpectWindow);
            if (!st || !en) fail("unavailable", "bad time window", item, kExpectWindow);
            d.unavailable.push_back(window_from(*day, *st, *en));
          }
          break;
        case Col::PrevLastEnd: {
          // "Sun 22:30" (a day of last week), or "Mon 01:30 current" (ended after midnight).
          auto v = previous_end_from_text(cell);
          if (!v) fail("previous_last_end", "bad last end of the previous week", cell,
                       "DAY HH:MM of last week, e.g. Sun 22:30 (or Mon 01:30 current)");
          d.previous_last_end = *v;
          break;
        }
        case Col::PrevStreak: {
          auto v = csv_number(cell);
          if (!v || std::floor(*v) != *v) fail("previous_streak", "not a whole number", cell, kExpectStreak);
          if (*v < 0 || *v > 7) fail("previous_streak", "out of range", cell, kExpectStreak);
          d.previous_streak = static_cast<int>(*v);
          break;
        }
      }
    }
    if (!has_id) fail("id", "missing driver id", {}, "a non-empty id in every row");
    normalize(d);
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace

// ---------------------------------------------------------------- public API

std::vector<Driver> drivers_from_json(const json& drivers_array, std::vector<JsonProblem>& problems, const json& loc_prefix) {
  std::vector<Issue> issues;
  auto out = drivers_from(drivers_array, loc_prefix, issues);
  to_problems(issues, problems);
  return out;
}

std::vector<Lock> locks_from_json(const json& locks_array, std::vector<JsonProblem>& problems, const json& loc_prefix) {
  std::vector<Issue> issues;
  auto out = locks_from(locks_array, loc_prefix, issues);
  to_problems(issues, problems);
  return out;
}

std::vector<PreviousAssignment> previous_from_json(const json& previous, std::vector<JsonProblem>& problems,
                                                   const json& loc_prefix) {
  std::vector<Issue> issues;
  auto out = previous_from(previous, loc_prefix, issues);
  to_problems(issues, problems);
  return out;
}

DriverInput parse_driver_input(std::string_view content, std::string_view source_name) {
  const std::string source(source_name);
  check_text(content, source);
  content = strip_bom(content);
  DriverInput in;
  if (!looks_like_json(content)) {
    in.drivers = parse_drivers_csv(content, source);
    return in;
  }
  json doc = parse_json_text(content, source);
  std::vector<Issue> issues;
  if (doc.is_array()) {
    in.drivers = drivers_from(doc, json::array(), issues);
  } else if (doc.is_object() && doc.contains("drivers")) {
    in.drivers = drivers_from(doc["drivers"], json::array({"drivers"}), issues);
    if (doc.contains("locks") && !doc["locks"].is_null()) {
      in.locks = locks_from(doc["locks"], json::array({"locks"}), issues);
      in.has_locks = true;
    }
    if (doc.contains("previous_plan") && !doc["previous_plan"].is_null()) {
      in.previous = previous_from(doc["previous_plan"], json::array({"previous_plan"}), issues);
      in.has_previous = true;
    }
  } else {
    throw InputError::whole(source, "not a drivers file", printable_value(doc.dump(), 60),
                            "a JSON array of drivers or {\"drivers\":[…]}");
  }
  if (!issues.empty()) throw_issue(source, issues.front());
  return in;
}

std::vector<Driver> parse_drivers(std::string_view content, std::string_view source_name) {
  return parse_driver_input(content, source_name).drivers;
}

DriverInput read_driver_input_file(const std::string& path) {
  return parse_driver_input(read_file(path, "a drivers file (CSV or JSON)"), path);
}

std::vector<Driver> read_drivers_file(const std::string& path) { return read_driver_input_file(path).drivers; }

std::vector<Lock> parse_locks(std::string_view content, std::string_view source_name) {
  const std::string source(source_name);
  check_text(content, source);
  json doc = parse_json_text(content, source);
  std::vector<Issue> issues;
  std::vector<Lock> out;
  if (doc.is_array()) out = locks_from(doc, json::array(), issues);
  else if (doc.is_object() && doc.contains("locks")) out = locks_from(doc["locks"], json::array({"locks"}), issues);
  else
    throw InputError::whole(source, "not a locks file", printable_value(doc.dump(), 60),
                            "a JSON array [{\"driver_id\",\"tour_ids\"}] or {\"locks\":[…]}");
  if (!issues.empty()) throw_issue(source, issues.front());
  return out;
}

std::vector<Lock> read_locks_file(const std::string& path) {
  return parse_locks(read_file(path, "a locks JSON file"), path);
}

std::vector<PreviousAssignment> parse_previous(std::string_view content, std::string_view source_name) {
  const std::string source(source_name);
  check_text(content, source);
  json doc = parse_json_text(content, source);
  std::vector<Issue> issues;
  auto out = previous_from(doc, json::array(), issues);
  if (!issues.empty()) throw_issue(source, issues.front());
  return out;
}

std::vector<PreviousAssignment> read_previous_file(const std::string& path) {
  return parse_previous(read_file(path, "a plan JSON file"), path);
}

json driver_to_json(const Driver& d) {
  auto hours = [](const std::optional<Minutes>& m) {
    if (!m) return json(nullptr);
    double h = std::round(*m * 100.0 / 60.0) / 100.0;
    return json(h);
  };
  json days = json::array();
  for (int day = 0; day < kDaysPerWeek; ++day)
    if (d.available_days[static_cast<size_t>(day)]) days.push_back(std::string(day_short_name(day)));
  json unavailable = json::array();
  for (const TimeWindow& w : d.unavailable) {
    int day = w.start >= 0 ? w.start / kMinutesPerDay : 0;
    unavailable.push_back({{"day", std::string(day_short_name(std::min(day, kDaysPerWeek - 1)))},
                           {"start_time", format_hhmm(w.start - week_minute(day, 0))},
                           {"end_time", format_hhmm(std::max(0, w.end - week_minute(day, 0)))}});
  }
  json j;
  j["id"] = d.id;
  j["name"] = d.name;
  j["qualifications"] = d.qualifications;
  j["available_days"] = std::move(days);
  j["unavailable"] = std::move(unavailable);
  j["max_weekly_hours"] = hours(d.max_weekly_minutes);
  j["min_weekly_hours"] = hours(d.min_weekly_minutes);
  j["max_tours_per_day"] = d.max_tours_per_day ? json(*d.max_tours_per_day) : json(nullptr);
  j["min_rest_hours"] = hours(d.min_rest_minutes);
  j["max_daily_span_hours"] = hours(d.max_daily_span_minutes);
  j["contract"] = d.contract == Contract::Unspecified ? json(nullptr) : json(contract_name(d.contract));
  // The shape drivers_from_json reads; null when the driver carries nothing from last week.
  if (d.previous_last_end || d.previous_streak > 0) {
    json pw;
    if (d.previous_last_end) {
      const Minutes v = *d.previous_last_end;
      if (v >= 0) {
        pw["last_end"] = {{"day", "Mon"}, {"time", format_hhmm(v % kMinutesPerDay)}, {"week", "current"}};
      } else {
        const Minutes w = std::max<Minutes>(0, v + kDaysPerWeek * kMinutesPerDay);
        pw["last_end"] = {{"day", std::string(day_short_name(w / kMinutesPerDay))}, {"time", format_hhmm(w % kMinutesPerDay)}};
      }
    } else {
      pw["last_end"] = nullptr;
    }
    pw["consecutive_days_worked"] = d.previous_streak;
    j["previous_week"] = std::move(pw);
  } else {
    j["previous_week"] = nullptr;
  }
  return j;
}

json diagnostics_to_json(const std::vector<TourDiagnostics>& diags, const std::vector<Tour>& tours, int drivers_total) {
  json items = json::array();
  int without = 0;
  for (const TourDiagnostics& dg : diags) {
    if (dg.tour < 0 || dg.tour >= static_cast<int>(tours.size())) continue;
    const Tour& t = tours[static_cast<size_t>(dg.tour)];
    if (dg.drivers_eligible == 0) ++without;
    json blockers = json::array();
    for (const auto& [reason, n] : dg.top_blockers) blockers.push_back({{"reason", reason}, {"drivers", n}});
    items.push_back({{"tour_id", t.id},
                     {"day", std::string(day_short_name(t.day))},
                     {"start_time", format_hhmm(t.start)},
                     {"end_time", format_hhmm(t.end)},
                     {"required_qualifications", t.required_qualifications},
                     {"blocks", dg.blocks},
                     {"drivers_eligible", dg.drivers_eligible},
                     {"top_blockers", std::move(blockers)}});
  }
  return {{"tours_total", tours.size()},
          {"drivers_total", drivers_total},
          {"tours_without_driver", without},
          {"tours", std::move(items)}};
}

}  // namespace so
