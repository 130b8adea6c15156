// Driver mode (domain.md §7): personal limits, one function per driver rule, request checks.
#include "core/driver.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>

#include "core/block.hpp"
#include "core/rules.hpp"

namespace so {

const char* contract_name(Contract c) {
  switch (c) {
    case Contract::Unspecified: return "";
    case Contract::FTE: return "FTE";
    case Contract::PT: return "PT";
  }
  return "";
}

DriverLimits driver_limits(const Driver& d, const Policy& p) {
  DriverLimits l;
  // Each personal value only tightens: the stricter of policy and personal wins.
  l.max_weekly_minutes = d.max_weekly_minutes ? std::min(p.max_weekly_minutes, *d.max_weekly_minutes) : p.max_weekly_minutes;
  l.min_weekly_minutes = d.min_weekly_minutes ? std::max(0, *d.min_weekly_minutes) : 0;
  const int policy_tours = std::min(3, p.max_tours_per_block);
  l.max_tours_per_day = d.max_tours_per_day ? std::min(policy_tours, *d.max_tours_per_day) : policy_tours;
  l.min_rest_minutes = d.min_rest_minutes ? std::max(p.min_rest_minutes, *d.min_rest_minutes) : p.min_rest_minutes;
  l.min_rest_after_3er_minutes = std::max(p.min_rest_after_3er_minutes, l.min_rest_minutes);
  l.max_daily_span_minutes = d.max_daily_span_minutes;
  return l;
}

Policy personal_policy(const Driver& d, const Policy& p) {
  Policy q = p;
  const DriverLimits l = driver_limits(d, p);
  q.max_weekly_minutes = l.max_weekly_minutes;
  q.min_rest_minutes = l.min_rest_minutes;
  q.min_rest_after_3er_minutes = std::max(p.min_rest_after_3er_minutes, l.min_rest_minutes);
  q.max_tours_per_block = std::max(0, std::min(p.max_tours_per_block, l.max_tours_per_day));
  if (l.max_daily_span_minutes) {
    const Minutes s = *l.max_daily_span_minutes;
    q.max_span_regular_minutes = std::min(q.max_span_regular_minutes, s);
    q.max_span_split_minutes = std::min(q.max_span_split_minutes, s);
    q.max_span_3er_minutes = std::min(q.max_span_3er_minutes, s);
  }
  return q;
}

bool holds_qualifications(const Driver& d, const std::vector<std::string>& required) {
  for (const auto& q : required)
    if (std::find(d.qualifications.begin(), d.qualifications.end(), q) == d.qualifications.end()) return false;
  return true;
}

bool available_on_day(const Driver& d, int day) {
  return day >= 0 && day < kDaysPerWeek && d.available_days[static_cast<size_t>(day)];
}

bool free_during(const Driver& d, Minutes week_start, Minutes week_end) {
  // Half-open windows: touching (end == start) is not an overlap.
  for (const TimeWindow& w : d.unavailable)
    if (week_start < w.end && w.start < week_end) return false;
  return true;
}

bool within_daily_span(const DriverLimits& l, Minutes span) {
  return !l.max_daily_span_minutes || span <= *l.max_daily_span_minutes;
}

bool within_tours_per_day(const DriverLimits& l, int tours) { return tours <= l.max_tours_per_day; }

bool within_weekly_limit(const DriverLimits& l, Minutes work) { return work <= l.max_weekly_minutes; }

bool can_ever_work(const Driver& d, const DriverLimits& l, const Tour& t) {
  return holds_qualifications(d, t.required_qualifications) && available_on_day(d, t.day) &&
         free_during(d, t.week_start(), t.week_end()) && within_daily_span(l, t.duration()) &&
         within_weekly_limit(l, t.duration()) && within_tours_per_day(l, 1);
}

// ---- request checks -------------------------------------------------------------------------

namespace {

std::string quoted(const std::string& s) { return "'" + s + "'"; }

std::string hours(Minutes m) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f h", m / 60.0);
  return buf;
}

std::string day_name(int day) {
  static const char* kNames[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  return day >= 0 && day < 7 ? kNames[day] : "day " + std::to_string(day);
}

std::string clock(Minutes week_minute_value) {
  return format_hhmm(((week_minute_value % kMinutesPerDay) + kMinutesPerDay) % kMinutesPerDay);
}

std::string tour_list(const std::vector<const Tour*>& ts) {
  std::string out;
  for (size_t i = 0; i < ts.size(); ++i) {
    if (i) out += i + 1 == ts.size() ? " and " : ", ";
    out += quoted(ts[i]->id);
  }
  return out;
}

// The block kind a sorted day of tours claims by size and gaps (used for rest rules when the
// tours are known to form a valid block).
BlockKind nominal_kind(const std::vector<const Tour*>& ts, const Policy& p) {
  if (ts.size() >= 3) return BlockKind::Three;
  if (ts.size() == 2)
    return gap_zone(ts[1]->week_start() - ts[0]->week_end(), p) == GapZone::Split ? BlockKind::TwoSplit
                                                                                   : BlockKind::TwoRegular;
  return BlockKind::One;
}

// Why the tours of one day (sorted, no overlap, size within limits) are not a valid block.
std::string block_problem(const std::vector<const Tour*>& ts, const Policy& q) {
  for (size_t i = 1; i < ts.size(); ++i)
    if (!q.mix_locations_in_block && ts[i]->location != ts[0]->location)
      return "tours " + quoted(ts[0]->id) + " and " + quoted(ts[i]->id) + " on " + day_name(ts[0]->day) +
             " are at different locations (" + ts[0]->location + ", " + ts[i]->location + ")";
  bool any_split = false;
  for (size_t i = 1; i < ts.size(); ++i) {
    const Minutes gap = ts[i]->week_start() - ts[i - 1]->week_end();
    const GapZone z = gap_zone(gap, q);
    if (z == GapZone::Forbidden)
      return "the gap of " + std::to_string(gap) + " min between tours " + quoted(ts[i - 1]->id) + " and " +
             quoted(ts[i]->id) + " on " + day_name(ts[0]->day) + " is not allowed in a block";
    any_split = any_split || z == GapZone::Split;
  }
  if (ts.size() == 3 && any_split)
    return "tours " + tour_list(ts) + " on " + day_name(ts[0]->day) + " would be a 3er with a split gap";
  const BlockKind kind = nominal_kind(ts, q);
  const Minutes span = ts.back()->week_end() - ts.front()->week_start();
  return "tours " + tour_list(ts) + " on " + day_name(ts[0]->day) + " span " + hours(span) + ", above the " +
         block_kind_name(kind) + " limit of " + hours(max_span(kind, q)) + " for this driver";
}

struct LockedDay {
  std::vector<const Tour*> tours;  // sorted by (start, end, id)
  BlockKind kind = BlockKind::One;
  Minutes first_start = 0, last_end = 0;
};

// Every rule for one driver's locked tours alone; the first problem as text.
std::optional<std::string> check_driver_locks(const Driver& d, std::vector<const Tour*> ts, const Policy& p) {
  const std::string who = "lock of driver " + quoted(d.id) + ": ";
  const DriverLimits l = driver_limits(d, p);
  const Policy q = personal_policy(d, p);
  std::sort(ts.begin(), ts.end(), [](const Tour* a, const Tour* b) {
    return std::make_tuple(a->week_start(), a->week_end(), a->id) < std::make_tuple(b->week_start(), b->week_end(), b->id);
  });
  // Tour-alone rules first: they name the single tour at fault.
  for (const Tour* t : ts) {
    for (const auto& qual : t->required_qualifications)
      if (!holds_qualifications(d, {qual}))
        return who + "tour " + quoted(t->id) + " needs qualification " + quoted(qual) +
               " which the driver does not hold";
    if (!available_on_day(d, t->day))
      return who + "tour " + quoted(t->id) + " is on " + day_name(t->day) + " when the driver is not available";
    for (const TimeWindow& w : d.unavailable)
      if (t->week_start() < w.end && w.start < t->week_end())
        return who + "tour " + quoted(t->id) + " (" + day_name(t->day) + " " + clock(t->week_start()) + "-" +
               clock(t->week_end()) + ") overlaps the driver's unavailable window " + day_name(w.start / kMinutesPerDay) +
               " " + clock(w.start) + "-" + clock(w.end);
    if (!within_daily_span(l, t->duration()))
      return who + "tour " + quoted(t->id) + " lasts " + hours(t->duration()) + ", above the driver's daily span limit of " +
             hours(*l.max_daily_span_minutes);
  }
  std::map<int, LockedDay> days;  // ordered: Mon→Sun
  for (const Tour* t : ts) days[t->day].tours.push_back(t);
  for (auto& [day, ld] : days) {
    const auto& dt = ld.tours;
    for (size_t i = 0; i < dt.size(); ++i)
      for (size_t j = i + 1; j < dt.size(); ++j)
        if (dt[j]->week_start() < dt[i]->week_end())
          return who + "tours " + quoted(dt[i]->id) + " and " + quoted(dt[j]->id) + " on " + day_name(day) + " overlap";
    const int n = static_cast<int>(dt.size());
    if (!within_tours_per_day(l, n))
      return who + std::to_string(n) + " tours on " + day_name(day) + " (" + tour_list(dt) +
             ") exceed the driver's limit of " + std::to_string(l.max_tours_per_day) + " tours per day";
    ld.first_start = dt.front()->week_start();
    ld.last_end = dt.front()->week_end();
    for (const Tour* t : dt) ld.last_end = std::max(ld.last_end, t->week_end());
    const Minutes span = ld.last_end - ld.first_start;
    if (!within_daily_span(l, span))
      return who + "tours " + tour_list(dt) + " on " + day_name(day) + " span " + hours(span) +
             ", above the driver's daily span limit of " + hours(*l.max_daily_span_minutes);
    std::vector<TourWindow> windows;
    for (const Tour* t : dt) windows.push_back(TourWindow{t->week_start(), t->week_end(), &t->location});
    const auto kind = classify_block(windows, q);
    if (!kind) return who + block_problem(dt, q);
    ld.kind = *kind;
  }
  Minutes work = 0;
  for (const Tour* t : ts) work += t->duration();
  if (!within_weekly_limit(l, work))
    return who + hours(work) + " of locked work exceeds the driver's weekly limit of " + hours(l.max_weekly_minutes);
  // Rest and fatigue between consecutive locked days (Sunday→Monday only with week_wrap).
  for (const auto& [day, prev] : days) {
    int next_day = day + 1;
    Minutes shift = 0;
    if (day == kDaysPerWeek - 1) {
      if (!p.week_wrap) continue;
      next_day = 0;
      shift = kDaysPerWeek * kMinutesPerDay;
    }
    auto it = days.find(next_day);
    if (it == days.end()) continue;
    const LockedDay& next = it->second;
    const Minutes rest = rest_between(prev.last_end, next.first_start + shift);
    const Minutes required = required_rest_after(prev.kind, q);
    if (rest < required)
      return who + "rest from " + day_name(day) + " (" + quoted(prev.tours.back()->id) + " ends " + clock(prev.last_end) +
             ") to " + day_name(next_day) + " (" + quoted(next.tours.front()->id) + " starts " +
             clock(next.first_start) + ") is " + hours(rest) + ", below the required " + hours(required);
    if (!fatigue_allows(prev.kind, next.kind, static_cast<int>(next.tours.size()), q))
      return who + "the " + block_kind_name(next.kind) + " on " + day_name(next_day) + " (" + tour_list(next.tours) +
             ") may not follow the 3er on " + day_name(day);
  }
  if (static_cast<int>(days.size()) > p.max_working_days)
    return who + std::to_string(days.size()) + " locked working days exceed the limit of " +
           std::to_string(p.max_working_days);
  if (p.one_location_per_driver)
    for (const Tour* t : ts)
      if (t->location != ts.front()->location)
        return who + "tours " + quoted(ts.front()->id) + " (" + ts.front()->location + ") and " + quoted(t->id) + " (" +
               t->location + ") are at different locations";
  return std::nullopt;
}

}  // namespace

std::optional<std::string> check_drivers(const std::vector<Driver>& drivers) {
  std::set<std::string> seen;
  for (size_t i = 0; i < drivers.size(); ++i) {
    const Driver& d = drivers[i];
    if (d.id.empty()) return "driver #" + std::to_string(i + 1) + " has an empty id";
    if (!seen.insert(d.id).second) return "driver id " + quoted(d.id) + " appears more than once";
    for (const TimeWindow& w : d.unavailable)
      if (w.end <= w.start)
        return "driver " + quoted(d.id) + ": unavailable window " + day_name(w.start / kMinutesPerDay) + " " +
               clock(w.start) + " ends at or before its start";
    if (d.min_weekly_minutes && d.max_weekly_minutes && *d.min_weekly_minutes > *d.max_weekly_minutes)
      return "driver " + quoted(d.id) + ": min_weekly_hours " + hours(*d.min_weekly_minutes) +
             " is above max_weekly_hours " + hours(*d.max_weekly_minutes);
  }
  return std::nullopt;
}

std::optional<std::string> check_locks(const std::vector<Lock>& locks, const std::vector<Driver>& drivers,
                                       const std::vector<Tour>& tours) {
  std::set<std::string> driver_ids, tour_ids;
  for (const Driver& d : drivers) driver_ids.insert(d.id);
  for (const Tour& t : tours) tour_ids.insert(t.id);
  std::map<std::string, std::string> locked_to;  // tour id -> driver id
  for (const Lock& l : locks) {
    if (!driver_ids.count(l.driver_id)) return "lock names unknown driver " + quoted(l.driver_id);
    for (const auto& tid : l.tour_ids) {
      if (!tour_ids.count(tid)) return "lock of driver " + quoted(l.driver_id) + " names unknown tour " + quoted(tid);
      auto [it, fresh] = locked_to.emplace(tid, l.driver_id);
      if (!fresh)
        return it->second == l.driver_id
                   ? "tour " + quoted(tid) + " is locked twice to driver " + quoted(l.driver_id)
                   : "tour " + quoted(tid) + " is locked to two drivers (" + quoted(it->second) + " and " +
                         quoted(l.driver_id) + ")";
    }
  }
  return std::nullopt;
}

std::optional<std::string> check_lock_feasibility(const std::vector<Lock>& locks, const std::vector<Driver>& drivers,
                                                  const std::vector<Tour>& tours, const Policy& p) {
  std::map<std::string, const Tour*> tour_by_id;
  for (const Tour& t : tours) tour_by_id.emplace(t.id, &t);
  // All locks of one driver together, drivers in the request's order.
  for (const Driver& d : drivers) {
    std::vector<const Tour*> ts;
    std::set<std::string> ids;
    for (const Lock& l : locks)
      if (l.driver_id == d.id)
        for (const auto& tid : l.tour_ids) {
          auto it = tour_by_id.find(tid);
          if (it != tour_by_id.end() && ids.insert(tid).second) ts.push_back(it->second);
        }
    if (ts.empty()) continue;
    if (auto problem = check_driver_locks(d, std::move(ts), p)) return problem;
  }
  return std::nullopt;
}

}  // namespace so
