// The driver-mode audit (domain.md §7–§8). Like audit.cpp it re-derives every rule from the Tour
// fields, the Driver fields and the Policy values alone: driver.hpp is included for the types
// only, none of its rule functions (nor rules.hpp / block.hpp) is called, so a bug in the
// optimizer's driver rules cannot certify its own output.
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/audit.hpp"
#include "core/driver.hpp"

namespace so {

namespace {

constexpr int kWeek = 7 * 1440;

std::string day_label(int day) {
  static const char* kNames[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  if (day >= 0 && day < 7) return kNames[day];
  return "day" + std::to_string(day);
}

std::string clock_text(Minutes week_minute_value) {
  const int m = ((week_minute_value % 1440) + 1440) % 1440;
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", m / 60, m % 60);
  return buf;
}

std::string hours_text(Minutes m) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f h (%d min)", m / 60.0, m);
  return buf;
}

std::string q(const std::string& s) { return "'" + s + "'"; }

// "7 h 30 min", "11 h".
std::string hm_text(Minutes m) {
  const std::string sign = m < 0 ? "-" : "";
  m = m < 0 ? -m : m;
  std::string out = sign + std::to_string(m / 60) + " h";
  if (m % 60) out += " " + std::to_string(m % 60) + " min";
  return out;
}

// Last week's end, relative to this Monday 00:00: "Sun 22:30", or "Mon 01:30 (this week)".
std::string previous_end_label(Minutes v) {
  if (v >= 0) return day_label(v / 1440) + " " + clock_text(v) + " (this week)";
  const Minutes w = v + kWeek;
  return day_label(w < 0 ? 0 : w / 1440) + " " + clock_text(w);
}

struct Sink {
  std::vector<Violation>& out;
  void add(const char* code, const std::string& driver, int day, const std::string& tour_id, std::string message) {
    out.push_back(Violation{code, driver, day, tour_id, std::move(message)});
  }
};

bool known(int index, const std::vector<Tour>& tours) { return index >= 0 && index < static_cast<int>(tours.size()); }

// One working day of a roster as the audit sees it (all blocks of that day together).
struct Day {
  int tours = 0;
  Minutes first_start = 0, last_end = 0;
};

// Roster identity: every roster belongs to one pool driver, each driver has at most one roster.
void audit_roster_identity(const Plan& plan, const std::map<std::string, const Driver*>& pool, Sink& sink) {
  std::map<std::string, int> seen;
  for (const Roster& r : plan.rosters) {
    if (!pool.count(r.driver_id))
      sink.add("DRIVER_UNKNOWN", r.driver_id, -1, "", "roster for driver " + q(r.driver_id) + " who is not in the pool");
    if (++seen[r.driver_id] == 2)
      sink.add("DRIVER_DUPLICATED", r.driver_id, -1, "", "driver " + q(r.driver_id) + " has more than one roster");
  }
}

// Qualifications, days off and unavailable windows, per tour.
void audit_tour_fit(const Driver& d, const Tour& t, Sink& sink) {
  for (const auto& need : t.required_qualifications)
    if (std::find(d.qualifications.begin(), d.qualifications.end(), need) == d.qualifications.end())
      sink.add("DRIVER_QUALIFICATION_MISSING", d.id, t.day, t.id,
               "driver " + q(d.id) + " works tour " + q(t.id) + " which needs " + q(need) + " (driver holds none such)");
  if (t.day < 0 || t.day > 6 || !d.available_days[static_cast<size_t>(t.day)])
    sink.add("DRIVER_NOT_AVAILABLE", d.id, t.day, t.id,
             "driver " + q(d.id) + " works tour " + q(t.id) + " on " + day_label(t.day) + ", a day off");
  const Minutes s = t.day * 1440 + t.start, e = t.day * 1440 + t.end;  // week-linear, own derivation
  for (const TimeWindow& w : d.unavailable)
    if (s < w.end && w.start < e)  // half-open: touching is fine
      sink.add("DRIVER_NOT_AVAILABLE", d.id, t.day, t.id,
               "driver " + q(d.id) + " works tour " + q(t.id) + " (" + day_label(t.day) + " " + clock_text(s) + "-" +
                   clock_text(e) + ") inside an unavailable window " + day_label(w.start / 1440) + " " +
                   clock_text(w.start) + "-" + clock_text(w.end));
}

// The personal limits: tours per day, span of every block (1er too), weekly work, rest.
void audit_driver_roster(const Driver& d, const Roster& r, const std::vector<Tour>& tours, const Policy& p, Sink& sink) {
  std::map<int, Day> days;  // by block day, Mon→Sun
  Minutes work = 0;
  for (const Block& b : r.blocks) {
    bool any = false;
    Minutes first = 0, last = 0;
    int n = 0;
    for (int x : b.tours) {
      if (!known(x, tours)) continue;
      const Tour& t = tours[static_cast<size_t>(x)];
      audit_tour_fit(d, t, sink);
      const Minutes s = t.day * 1440 + t.start, e = t.day * 1440 + t.end;
      first = any ? std::min(first, s) : s;
      last = any ? std::max(last, e) : e;
      any = true;
      work += t.end - t.start;
      ++n;
    }
    if (!any) continue;
    if (d.max_daily_span_minutes && last - first > *d.max_daily_span_minutes)
      sink.add("DRIVER_DAILY_SPAN_LIMIT", d.id, b.day, "",
               "driver " + q(d.id) + " " + day_label(b.day) + " block spans " + hours_text(last - first) +
                   " > personal limit " + hours_text(*d.max_daily_span_minutes));
    auto [it, fresh] = days.try_emplace(b.day);
    Day& day = it->second;
    day.first_start = fresh ? first : std::min(day.first_start, first);
    day.last_end = fresh ? last : std::max(day.last_end, last);
    day.tours += n;
  }
  // A personal value matters only where it is stricter than the policy (looser ones are ignored).
  const int policy_tours = std::min(3, p.max_tours_per_block);
  if (d.max_tours_per_day && *d.max_tours_per_day < policy_tours)
    for (const auto& [day, f] : days)
      if (f.tours > *d.max_tours_per_day)
        sink.add("DRIVER_MAX_TOURS_PER_DAY", d.id, day, "",
                 "driver " + q(d.id) + " " + day_label(day) + " has " + std::to_string(f.tours) +
                     " tours > personal limit " + std::to_string(*d.max_tours_per_day));
  if (d.max_weekly_minutes && *d.max_weekly_minutes < p.max_weekly_minutes && work > *d.max_weekly_minutes)
    sink.add("DRIVER_WEEKLY_LIMIT", d.id, -1, "",
             "driver " + q(d.id) + " works " + hours_text(work) + " > personal weekly limit " +
                 hours_text(*d.max_weekly_minutes));
  if (d.min_rest_minutes && *d.min_rest_minutes > p.min_rest_minutes)
    for (const auto& [day, prev] : days) {
      int next_day = day + 1;
      Minutes shift = 0;
      if (day == 6) {
        if (!p.week_wrap) continue;
        next_day = 0;
        shift = kWeek;
      }
      auto nx = days.find(next_day);
      if (nx == days.end()) continue;
      const Minutes rest = nx->second.first_start + shift - prev.last_end;
      if (rest < *d.min_rest_minutes)
        sink.add("DRIVER_REST_VIOLATION", d.id, next_day, "",
                 "driver " + q(d.id) + " " + day_label(day) + "→" + day_label(next_day) + " rest " + hours_text(rest) +
                     " < personal minimum " + hours_text(*d.min_rest_minutes));
    }
  // Continuity from last week (dispatch.md §3): the first block of the week starts at least the
  // driver's minimum rest after last week's end; the days worked in a row from Monday plus the
  // days worked up to last Sunday stay within max_working_days.
  if (!days.empty()) {
    const auto& [first_day, first] = *days.begin();
    const Minutes required = std::max(p.min_rest_minutes, d.min_rest_minutes.value_or(0));
    if (d.previous_last_end && first.first_start - *d.previous_last_end < required)
      sink.add("DRIVER_REST_VIOLATION", d.id, first_day, "",
               "driver " + q(d.id) + " first block " + day_label(first_day) + " " + clock_text(first.first_start) +
                   " starts " + hm_text(first.first_start - *d.previous_last_end) + " after last week's end " +
                   previous_end_label(*d.previous_last_end) + "; " + hm_text(required) + " rest required");
    int run = 0;
    while (run < 7 && days.count(run)) ++run;
    if (d.previous_streak > 0 && d.previous_streak + run > p.max_working_days)
      sink.add("WORKING_DAYS_EXCEEDED", d.id, std::max(0, p.max_working_days - d.previous_streak), "",
               "driver " + q(d.id) + " works Mon" + (run > 1 ? "–" + day_label(run - 1) : std::string()) + " after " +
                   std::to_string(d.previous_streak) + " days worked up to last Sunday: " +
                   std::to_string(d.previous_streak + run) + " days in a row > max_working_days " +
                   std::to_string(p.max_working_days));
  }
}

// Every locked tour is on its driver's roster.
void audit_locks(const std::vector<Lock>& locks, const std::vector<Tour>& tours, const Plan& plan, Sink& sink) {
  std::map<std::string, int> index_of;
  for (int i = 0; i < static_cast<int>(tours.size()); ++i) index_of.emplace(tours[static_cast<size_t>(i)].id, i);
  std::map<int, std::vector<std::string>> holders;  // tour index -> drivers whose roster holds it
  for (const Roster& r : plan.rosters)
    for (const Block& b : r.blocks)
      for (int x : b.tours) holders[x].push_back(r.driver_id);
  std::set<int> unassigned;
  for (const UnassignedTour& u : plan.unassigned) unassigned.insert(u.tour);
  for (const Lock& l : locks)
    for (const auto& tid : l.tour_ids) {
      auto it = index_of.find(tid);
      if (it == index_of.end()) {
        sink.add("LOCK_VIOLATED", l.driver_id, -1, tid,
                 "lock of driver " + q(l.driver_id) + " names tour " + q(tid) + " which is not in the forecast");
        continue;
      }
      const auto& h = holders[it->second];
      if (std::find(h.begin(), h.end(), l.driver_id) != h.end()) continue;
      std::string where = unassigned.count(it->second) ? "it is unassigned" : "it is not assigned";
      if (!h.empty()) where = "it is on driver " + q(h.front());
      sink.add("LOCK_VIOLATED", l.driver_id, tours[static_cast<size_t>(it->second)].day, tid,
               "tour " + q(tid) + " is locked to driver " + q(l.driver_id) + " but " + where);
    }
}

void audit_unassigned_reasons(const std::vector<Tour>& tours, const Plan& plan, Sink& sink) {
  for (const UnassignedTour& u : plan.unassigned)
    if (u.reason_codes.empty()) {
      const bool ok = known(u.tour, tours);
      std::string name = "#";  // appended, not operator+: GCC 12 warns falsely (-Wrestrict) on "#" + to_string
      name += std::to_string(u.tour);
      if (ok) name = q(tours[static_cast<size_t>(u.tour)].id);
      sink.add("UNASSIGNED_WITHOUT_REASON", "", ok ? tours[static_cast<size_t>(u.tour)].day : -1,
               ok ? tours[static_cast<size_t>(u.tour)].id : "",
               "unassigned tour " + name + " carries no reason code");
    }
}

}  // namespace

AuditResult audit_driver_plan(const std::vector<Tour>& tours, const Policy& policy, const std::vector<Driver>& drivers,
                              const std::vector<Lock>& locks, const Plan& plan) {
  AuditResult result = audit_plan(tours, policy, plan);
  Sink sink{result.violations};
  std::map<std::string, const Driver*> pool;
  for (const Driver& d : drivers) pool.emplace(d.id, &d);
  audit_roster_identity(plan, pool, sink);
  for (const Roster& r : plan.rosters)
    if (auto it = pool.find(r.driver_id); it != pool.end()) audit_driver_roster(*it->second, r, tours, policy, sink);
  audit_locks(locks, tours, plan, sink);
  audit_unassigned_reasons(tours, plan, sink);
  result.ok = result.violations.empty();
  return result;
}

}  // namespace so
