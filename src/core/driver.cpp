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
  l.max_working_days = p.max_working_days;
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

std::optional<Minutes> earliest_start_after_previous_week(const Driver& d, const DriverLimits& l) {
  if (!d.previous_last_end) return std::nullopt;
  const Minutes earliest = *d.previous_last_end + l.min_rest_minutes;
  if (earliest <= 0) return std::nullopt;  // the rest is over before this Monday 00:00
  return earliest;
}

bool rested_from_previous_week(const Driver& d, const DriverLimits& l, Minutes start) {
  const auto earliest = earliest_start_after_previous_week(d, l);
  return !earliest || start >= *earliest;
}

// Interpretation (dispatch.md §3): the days worked in a row up to last Sunday continue into this
// week's leading run (Mon, Tue, … without a day off); together at most max_working_days.
bool within_working_streak(const Driver& d, const DriverLimits& l, int leading_days) {
  return d.previous_streak <= 0 || d.previous_streak + leading_days <= l.max_working_days;
}

std::optional<int> day_off_due_by(const Driver& d, const DriverLimits& l) {
  if (d.previous_streak <= 0) return std::nullopt;
  const int k = l.max_working_days - d.previous_streak;  // leading run ≤ k: a day in 0..k is off
  if (k >= kDaysPerWeek) return std::nullopt;
  return std::max(0, k);
}

int leading_working_days(const std::array<bool, 7>& worked) {
  int n = 0;
  while (n < kDaysPerWeek && worked[static_cast<size_t>(n)]) ++n;
  return n;
}

bool can_ever_work(const Driver& d, const DriverLimits& l, const Tour& t) {
  return holds_qualifications(d, t.required_qualifications) && available_on_day(d, t.day) &&
         free_during(d, t.week_start(), t.week_end()) && within_daily_span(l, t.duration()) &&
         within_weekly_limit(l, t.duration()) && within_tours_per_day(l, 1) &&
         rested_from_previous_week(d, l, t.week_start()) && within_working_streak(d, l, t.day == 0 ? 1 : 0);
}

// ---- continuity from last week's plan --------------------------------------------------------

std::optional<long> days_of_date(const std::string& ymd) {
  if (ymd.size() != 10 || ymd[4] != '-' || ymd[7] != '-') return std::nullopt;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (ymd[i] < '0' || ymd[i] > '9') return std::nullopt;
  const long y = std::stol(ymd.substr(0, 4));
  const unsigned m = static_cast<unsigned>(std::stoi(ymd.substr(5, 2)));
  const unsigned dd = static_cast<unsigned>(std::stoi(ymd.substr(8, 2)));
  static const unsigned kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || dd < 1) return std::nullopt;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (dd > kDays[m - 1] + (m == 2 && leap ? 1u : 0u)) return std::nullopt;
  // Howard Hinnant's days_from_civil.
  const long yy = m <= 2 ? y - 1 : y;
  const long era = (yy >= 0 ? yy : yy - 399) / 400;
  const long yoe = yy - era * 400;
  const long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + dd - 1;
  const long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool is_last_weeks_plan(const std::vector<PreviousAssignment>& previous, const std::string& week_start) {
  const auto now = days_of_date(week_start);
  if (!now || previous.empty()) return false;
  const std::string& plan_week = previous.front().week_start;
  for (const PreviousAssignment& pa : previous)
    if (pa.week_start != plan_week) return false;
  const auto then = days_of_date(plan_week);
  return then && *now - *then == kDaysPerWeek;
}

std::vector<Driver> with_previous_week(std::vector<Driver> drivers, const std::vector<PreviousAssignment>& previous,
                                       const std::string& week_start) {
  if (!is_last_weeks_plan(previous, week_start)) return drivers;
  struct LastWeek {
    std::array<bool, 7> worked{};
    std::optional<Minutes> last_end;  // week-linear in LAST week
  };
  std::map<std::string, LastWeek> by_driver;  // ordered: deterministic
  for (const PreviousAssignment& pa : previous) {
    if (pa.day < 0 || pa.day >= kDaysPerWeek) continue;
    LastWeek& lw = by_driver[pa.driver_id];
    lw.worked[static_cast<size_t>(pa.day)] = true;
    if (pa.start && pa.end) {
      Minutes end = week_minute(pa.day, *pa.end);
      if (*pa.end <= *pa.start) end += kMinutesPerDay;  // past midnight, like a tour (domain.md §2)
      lw.last_end = lw.last_end ? std::max(*lw.last_end, end) : end;
    }
  }
  for (Driver& d : drivers) {
    if (d.previous_last_end || d.previous_streak > 0) continue;  // the driver's own previous_week wins
    auto it = by_driver.find(d.id);
    if (it == by_driver.end()) continue;
    const LastWeek& lw = it->second;
    if (lw.last_end) d.previous_last_end = *lw.last_end - kDaysPerWeek * kMinutesPerDay;
    int streak = 0;
    while (streak < kDaysPerWeek && lw.worked[static_cast<size_t>(kDaysPerWeek - 1 - streak)]) ++streak;
    d.previous_streak = streak;
  }
  return drivers;
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

// "7 h 30 min", "11 h" (a rest, possibly negative).
std::string duration_text(Minutes m) {
  const std::string sign = m < 0 ? "-" : "";
  m = m < 0 ? -m : m;
  std::string out = sign + std::to_string(m / 60) + " h";
  if (m % 60) out += " " + std::to_string(m % 60) + " min";
  return out;
}

// Last week's end as a dispatcher writes it: "Sun 22:30" (a day of last week), or "Mon 01:30
// (this week)" for a Sunday block that ran past midnight.
std::string previous_end_text(Minutes v) {
  if (v >= 0) return day_name(v / kMinutesPerDay) + " " + clock(v) + " (this week)";
  const Minutes w = v + kDaysPerWeek * kMinutesPerDay;
  return day_name(std::max<Minutes>(0, w) / kMinutesPerDay) + " " + clock(w);
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
  // Continuity from last week (dispatch.md §3): the first locked block and the leading run.
  if (!days.empty()) {
    const auto& [first_day, first] = *days.begin();
    if (!rested_from_previous_week(d, l, first.first_start))
      return who + "first locked block " + day_name(first_day) + " " + clock(first.first_start) + " (" +
             quoted(first.tours.front()->id) + ") starts " + duration_text(first.first_start - *d.previous_last_end) +
             " after last week's end " + previous_end_text(*d.previous_last_end) + "; " +
             duration_text(l.min_rest_minutes) + " rest required";
    std::array<bool, 7> worked{};
    for (const auto& [day, ld] : days) worked[static_cast<size_t>(day)] = true;
    const int lead = leading_working_days(worked);
    if (!within_working_streak(d, l, lead))
      return who + "locked work Mon" + (lead > 1 ? "–" + day_name(lead - 1) : std::string()) + " follows " +
             std::to_string(d.previous_streak) + " days worked up to last Sunday: " +
             std::to_string(d.previous_streak + lead) + " days in a row, above max_working_days " +
             std::to_string(l.max_working_days);
  }
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
    if (d.previous_streak < 0 || d.previous_streak > kDaysPerWeek)
      return "driver " + quoted(d.id) + ": previous_week consecutive_days_worked " + std::to_string(d.previous_streak) +
             " is outside 0..7";
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
