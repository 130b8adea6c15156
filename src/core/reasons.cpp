// Reason codes of unassigned tours (domain.md §7): every code is the result of a check, never a guess.
#include "core/reasons.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <tuple>

#include "core/block.hpp"
#include "core/rules.hpp"

namespace so {

namespace {

// The fixed precedence of driver_blockers: tour-alone reasons, then roster reasons, then INFEASIBLE.
// Span and weekly appear twice (alone and with the roster); a code is reported once, at its first slot.
enum Slot {
  sQualification,
  sNotAvailable,
  sAloneSpan,
  sAloneWeekly,
  sAloneTours,
  sAloneRest,  // the rest or working-day streak from last week (dispatch.md §3)
  sOverlap,
  sMaxTours,
  sSpan,
  sRest,
  sWeekly,
  sInfeasible,
  sSlots
};

const char* slot_code(int s) {
  switch (s) {
    case sQualification: return kDriverQualificationMissing;
    case sNotAvailable: return kDriverNotAvailable;
    case sAloneSpan: return kDriverDailySpanLimit;
    case sAloneWeekly: return kDriverWeeklyLimit;
    case sAloneTours: return kDriverMaxToursPerDay;
    case sAloneRest: return kDriverRestViolation;
    case sOverlap: return kTourOverlap;
    case sMaxTours: return kDriverMaxToursPerDay;
    case sSpan: return kDriverDailySpanLimit;
    case sRest: return kDriverRestViolation;
    case sWeekly: return kDriverWeeklyLimit;
    default: return kInfeasible;
  }
}

using Flags = std::array<bool, sSlots>;

std::vector<std::string> flags_to_codes(const Flags& f) {
  std::vector<std::string> out;
  for (int s = 0; s < sSlots; ++s)
    if (f[static_cast<size_t>(s)] && std::find(out.begin(), out.end(), slot_code(s)) == out.end())
      out.push_back(slot_code(s));
  return out;
}

// The tour on its own: what stops this driver from ever working it, whatever the roster.
void tour_alone_flags(const Driver& d, const DriverLimits& l, const Tour& t, Flags& f) {
  f[sQualification] = !holds_qualifications(d, t.required_qualifications);
  f[sNotAvailable] = !available_on_day(d, t.day) || !free_during(d, t.week_start(), t.week_end());
  f[sAloneSpan] = !within_daily_span(l, t.duration());
  f[sAloneWeekly] = !within_weekly_limit(l, t.duration());
  f[sAloneTours] = !within_tours_per_day(l, 1);
  f[sAloneRest] = !rested_from_previous_week(d, l, t.week_start()) || !within_working_streak(d, l, t.day == 0 ? 1 : 0);
}

std::vector<std::string> tour_alone_codes(const Driver& d, const DriverLimits& l, const Tour& t) {
  Flags f{};
  tour_alone_flags(d, l, t, f);
  return flags_to_codes(f);
}

// One working day of the roster (the tour under test excluded).
struct DayWork {
  std::vector<int> tours;  // sorted by (week start, week end, index)
  Minutes first_start = 0, last_end = 0;
};

bool known(int index, const std::vector<Tour>& tours) { return index >= 0 && index < static_cast<int>(tours.size()); }

void sort_by_start(std::vector<int>& idx, const std::vector<Tour>& tours) {
  std::sort(idx.begin(), idx.end(), [&](int a, int b) {
    const Tour& x = tours[static_cast<size_t>(a)];
    const Tour& y = tours[static_cast<size_t>(b)];
    return std::make_tuple(x.week_start(), x.week_end(), a) < std::make_tuple(y.week_start(), y.week_end(), b);
  });
}

DayWork make_day(std::vector<int> idx, const std::vector<Tour>& tours) {
  DayWork w;
  sort_by_start(idx, tours);
  w.tours = std::move(idx);
  w.first_start = tours[static_cast<size_t>(w.tours.front())].week_start();
  w.last_end = w.first_start;
  for (int t : w.tours) w.last_end = std::max(w.last_end, tours[static_cast<size_t>(t)].week_end());
  return w;
}

// The kind a day's tours stand for in the rest rules (the legacy 3er rules key on three tours).
BlockKind nominal_kind(const DayWork& w, const std::vector<Tour>& tours, const Policy& p) {
  const size_t n = w.tours.size();
  if (n >= 3) return BlockKind::Three;
  if (n == 2) {
    const Minutes gap = tours[static_cast<size_t>(w.tours[1])].week_start() - tours[static_cast<size_t>(w.tours[0])].week_end();
    return gap_zone(gap, p) == GapZone::Split ? BlockKind::TwoSplit : BlockKind::TwoRegular;
  }
  return BlockKind::One;
}

// Rest and fatigue from day `a` to the following day `b` (b shifted by `shift` for Sunday→Monday).
void link_flags(const DayWork& a, const DayWork& b, Minutes shift, const DriverLimits& l, const std::vector<Tour>& tours,
                const Policy& p, Flags& f) {
  const Minutes rest = rest_between(a.last_end, b.first_start + shift);
  const BlockKind ka = nominal_kind(a, tours, p), kb = nominal_kind(b, tours, p);
  // The personal (or policy) minimum rest is the driver's own rule; the legacy 3er rest and the
  // fatigue rules are policy rules that hold whoever drives.
  if (rest < l.min_rest_minutes) f[sRest] = true;
  // The legacy rest after a 3er day is a rule of its own only where it asks for more than the
  // driver's minimum rest (personal_policy tightens it to that minimum otherwise).
  const Minutes legacy = required_rest_after(ka, p);
  if (ka == BlockKind::Three && legacy > l.min_rest_minutes && rest < legacy) f[sInfeasible] = true;
  if (!fatigue_allows(ka, kb, static_cast<int>(b.tours.size()), p)) f[sInfeasible] = true;
}

}  // namespace

std::vector<std::string> driver_blockers(int tour, const Driver& driver, const Roster* roster,
                                         const std::vector<Tour>& tours, const Policy& p) {
  const Tour& t = tours[static_cast<size_t>(tour)];
  const DriverLimits l = driver_limits(driver, p);
  Flags f{};
  tour_alone_flags(driver, l, t, f);

  // The roster without this tour, by day (several blocks on a day are merged: one block per day).
  std::map<int, std::vector<int>> by_day;
  Minutes work = 0;
  std::set<std::string> locations;
  if (roster)
    for (const Block& b : roster->blocks)
      for (int x : b.tours) {
        if (!known(x, tours) || x == tour) continue;
        const Tour& u = tours[static_cast<size_t>(x)];
        by_day[u.day].push_back(x);
        work += u.duration();
        locations.insert(u.location);
      }
  std::map<int, DayWork> days;
  for (auto& [day, idx] : by_day) days.emplace(day, make_day(std::move(idx), tours));

  // The tour's day: the merged block.
  std::vector<int> merged_idx{tour};
  if (auto it = days.find(t.day); it != days.end())
    merged_idx.insert(merged_idx.end(), it->second.tours.begin(), it->second.tours.end());
  const DayWork merged = make_day(merged_idx, tours);
  const int n = static_cast<int>(merged.tours.size());
  bool overlap = false;
  for (int x : merged.tours)
    if (x != tour) {
      const Tour& u = tours[static_cast<size_t>(x)];
      if (u.week_start() < t.week_end() && t.week_start() < u.week_end()) overlap = true;
    }
  f[sOverlap] = overlap;
  f[sMaxTours] = !within_tours_per_day(l, n);
  f[sSpan] = !within_daily_span(l, merged.last_end - merged.first_start);
  if (n > 1 && !overlap && n <= 3) {
    // Policy block rules that are nobody's personal limit: gap zones, policy spans, a split in a
    // 3er, mixed locations. The size is judged above (DRIVER_MAX_TOURS_PER_DAY), so it is lifted here.
    Policy relaxed = p;
    relaxed.max_tours_per_block = 3;
    std::vector<TourWindow> windows;
    for (int x : merged.tours) {
      const Tour& u = tours[static_cast<size_t>(x)];
      windows.push_back(TourWindow{u.week_start(), u.week_end(), &u.location});
    }
    if (!classify_block(windows, relaxed)) f[sInfeasible] = true;
  } else if (n > 1 && !p.mix_locations_in_block) {
    for (int x : merged.tours)
      if (tours[static_cast<size_t>(x)].location != t.location) f[sInfeasible] = true;
  }

  // Rest and fatigue to the neighbouring working days.
  const Minutes week = kDaysPerWeek * kMinutesPerDay;
  auto neighbour = [&](int day) -> const DayWork* {
    auto it = days.find(day);
    return it == days.end() ? nullptr : &it->second;
  };
  if (t.day > 0) {
    if (const DayWork* prev = neighbour(t.day - 1)) link_flags(*prev, merged, 0, l, tours, p, f);
  } else if (p.week_wrap) {
    if (const DayWork* prev = neighbour(kDaysPerWeek - 1)) link_flags(*prev, merged, week, l, tours, p, f);
  }
  if (t.day < kDaysPerWeek - 1) {
    if (const DayWork* next = neighbour(t.day + 1)) link_flags(merged, *next, 0, l, tours, p, f);
  } else if (p.week_wrap) {
    if (const DayWork* next = neighbour(0)) link_flags(merged, *next, week, l, tours, p, f);
  }

  // Continuity from last week (dispatch.md §3): the rest from last week's end to the merged day,
  // and the working-day streak (a driver due a day off reads as a rest problem to a dispatcher).
  if (!rested_from_previous_week(driver, l, merged.first_start)) f[sRest] = true;
  {
    std::array<bool, 7> worked{};
    for (const auto& [day, w] : days)
      if (day >= 0 && day < kDaysPerWeek) worked[static_cast<size_t>(day)] = true;
    if (t.day >= 0 && t.day < kDaysPerWeek) worked[static_cast<size_t>(t.day)] = true;
    if (!within_working_streak(driver, l, leading_working_days(worked))) f[sRest] = true;
  }

  // Working days (a new day only), one location all week, weekly work.
  const int working_days = static_cast<int>(days.size()) + (days.count(t.day) ? 0 : 1);
  if (working_days > p.max_working_days) f[sInfeasible] = true;
  if (p.one_location_per_driver)
    for (const auto& loc : locations)
      if (loc != t.location) f[sInfeasible] = true;
  f[sWeekly] = !within_weekly_limit(l, work + t.duration());
  return flags_to_codes(f);
}

UnassignedExplanation explain_unassigned(int tour, const std::vector<Driver>& drivers, const Plan& plan,
                                         const std::vector<Tour>& tours, const Policy& p) {
  UnassignedExplanation e;
  std::map<std::string, const Roster*> roster_of;
  for (const Roster& r : plan.rosters) roster_of.emplace(r.driver_id, &r);
  const Tour& t = tours[static_cast<size_t>(tour)];
  std::set<std::string> codes;
  bool anyone_could = false;
  for (const Driver& d : drivers) {
    auto it = roster_of.find(d.id);
    const std::vector<std::string> b = driver_blockers(tour, d, it == roster_of.end() ? nullptr : it->second, tours, p);
    if (can_ever_work(d, driver_limits(d, p), t)) anyone_could = true;
    if (b.empty()) continue;  // nothing blocks this driver: no reason to report for it
    codes.insert(b.front());
    e.drivers_blocked[b.front()] += 1;
  }
  if (!anyone_could) codes.insert(kNoAvailableDriver);
  e.reason_codes.assign(codes.begin(), codes.end());
  return e;
}

std::vector<TourDiagnostics> diagnose_tours(const std::vector<Tour>& tours, const std::vector<Driver>& drivers,
                                            const Policy& p) {
  std::vector<TourDiagnostics> out(tours.size());
  // Valid block patterns per tour type, then per tour.
  const std::vector<TourType> types = aggregate_tour_types(tours);
  std::vector<int> patterns_of_type(types.size(), 0);
  for (const BlockPattern& b : enumerate_blocks(types, p)) {
    // A pattern holding one type twice (never emitted: successors start after the end) counts once.
    std::set<int> distinct;
    for (int k = 0; k < b.n; ++k) distinct.insert(b.types[static_cast<size_t>(k)]);
    for (int ty : distinct) patterns_of_type[static_cast<size_t>(ty)] += 1;
  }
  std::vector<DriverLimits> limits;
  limits.reserve(drivers.size());
  for (const Driver& d : drivers) limits.push_back(driver_limits(d, p));
  for (size_t ty = 0; ty < types.size(); ++ty)
    for (int i : types[ty].tours) out[static_cast<size_t>(i)].blocks = patterns_of_type[ty];
  for (size_t i = 0; i < tours.size(); ++i) {
    TourDiagnostics& dg = out[i];
    dg.tour = static_cast<int>(i);
    std::map<std::string, int> counts;
    for (size_t k = 0; k < drivers.size(); ++k) {
      const std::vector<std::string> codes = tour_alone_codes(drivers[k], limits[k], tours[i]);
      if (codes.empty()) ++dg.drivers_eligible;
      else counts[codes.front()] += 1;
    }
    dg.top_blockers.assign(counts.begin(), counts.end());
    std::stable_sort(dg.top_blockers.begin(), dg.top_blockers.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });  // map order breaks ties by code
  }
  return out;
}

}  // namespace so
