// apply_changes (changes.hpp): the re-plan's week from the base and the call list.
#include "core/changes.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace so {

namespace {

std::string tour_text(const Tour& t) {
  return "'" + t.id + "' (" + std::string(day_short_name(t.day)) + " " + format_hhmm(t.start) + "-" +
         format_hhmm(t.end) + ")";
}

}  // namespace

bool is_frozen(const Tour& t, Minutes frozen_until) { return t.week_start() < frozen_until; }

ApplyResult apply_changes(const std::vector<Tour>& base_tours, const std::vector<Driver>& base_drivers,
                          const std::vector<PreviousAssignment>& base_plan, Minutes frozen_until,
                          const ReplanChanges& changes) {
  ApplyResult out;
  auto fail = [&](std::string e) {
    out.error = std::move(e);
    return out;
  };
  std::map<std::string, size_t> tour_at, driver_at;
  for (size_t i = 0; i < base_tours.size(); ++i) tour_at.emplace(base_tours[i].id, i);
  for (size_t i = 0; i < base_drivers.size(); ++i) driver_at.emplace(base_drivers[i].id, i);
  std::map<std::string, std::string> base_driver_of;  // tour -> driver
  for (const PreviousAssignment& a : base_plan) {
    if (!tour_at.count(a.tour_id)) return fail("base plan: tour '" + a.tour_id + "' is not in the forecast");
    if (!driver_at.count(a.driver_id)) return fail("base plan: driver '" + a.driver_id + "' is not in the driver pool");
    if (!base_driver_of.emplace(a.tour_id, a.driver_id).second)
      return fail("base plan: tour '" + a.tour_id + "' is assigned twice");
  }

  ReplanWeek w;
  w.drivers = base_drivers;
  for (size_t i = 0; i < changes.drivers_added.size(); ++i) {
    const Driver& d = changes.drivers_added[i];
    if (d.id.empty()) return fail("changes.drivers_added[" + std::to_string(i) + "]: empty driver id");
    if (!driver_at.emplace(d.id, w.drivers.size()).second)
      return fail("changes.drivers_added[" + std::to_string(i) + "]: driver id '" + d.id + "' already exists");
    w.drivers.push_back(d);
  }

  // Cancelled and changed tours: known, unfrozen, named once.
  std::set<std::string> cancelled, touched;
  for (size_t i = 0; i < changes.tours_cancelled.size(); ++i) {
    const std::string& id = changes.tours_cancelled[i];
    const std::string item = "changes.tours_cancelled[" + std::to_string(i) + "]";
    auto it = tour_at.find(id);
    if (it == tour_at.end()) return fail(item + ": unknown tour '" + id + "'");
    const Tour& t = base_tours[it->second];
    if (is_frozen(t, frozen_until))
      return fail(item + ": tour " + tour_text(t) + " is frozen (starts before " + format_day_time(frozen_until) + ")");
    if (!touched.insert(id).second) return fail(item + ": tour '" + id + "' is changed twice");
    cancelled.insert(id);
  }
  std::map<std::string, const TourChange*> changed;
  for (size_t i = 0; i < changes.tours_changed.size(); ++i) {
    const TourChange& c = changes.tours_changed[i];
    const std::string item = "changes.tours_changed[" + std::to_string(i) + "]";
    auto it = tour_at.find(c.id);
    if (it == tour_at.end()) return fail(item + ": unknown tour '" + c.id + "'");
    const Tour& t = base_tours[it->second];
    if (is_frozen(t, frozen_until))
      return fail(item + ": tour " + tour_text(t) + " is frozen (starts before " + format_day_time(frozen_until) + ")");
    if (!touched.insert(c.id).second) return fail(item + ": tour '" + c.id + "' is changed twice");
    changed[c.id] = &c;
  }

  for (const Tour& t : base_tours) {
    if (cancelled.count(t.id)) continue;
    auto it = changed.find(t.id);
    if (it == changed.end()) {
      w.tours.push_back(t);
      continue;
    }
    const TourChange& c = *it->second;
    const int day = c.day.value_or(t.day);
    const Minutes start = c.start_clock.value_or(t.start);
    const Minutes end_clock = c.end_clock.value_or(t.end % kMinutesPerDay);
    if (start == end_clock)
      return fail("changes.tours_changed: tour '" + t.id + "': the new window " + format_hhmm(start) + "-" +
                  format_hhmm(end_clock) + " has no length");
    Tour n = make_tour(t.id, day, start, end_clock, t.location, t.required_qualifications);
    if (is_frozen(n, frozen_until))
      return fail("changes.tours_changed: tour '" + t.id + "' would start " + format_day_time(n.week_start()) +
                  ", before frozen_until " + format_day_time(frozen_until));
    w.tours.push_back(std::move(n));
  }
  for (size_t i = 0; i < changes.tours_added.size(); ++i) {
    const Tour& t = changes.tours_added[i];
    const std::string item = "changes.tours_added[" + std::to_string(i) + "]";
    if (t.id.empty()) return fail(item + ": empty tour id");
    if (tour_at.count(t.id) || std::any_of(changes.tours_added.begin(), changes.tours_added.begin() + static_cast<long>(i),
                                           [&](const Tour& o) { return o.id == t.id; }))
      return fail(item + ": tour id '" + t.id + "' already exists");
    if (is_frozen(t, frozen_until))
      return fail(item + ": tour " + tour_text(t) + " starts before frozen_until " + format_day_time(frozen_until));
    w.tours.push_back(t);
  }

  // Unavailability: a known driver, a window that ends after it starts, no frozen tour inside.
  for (size_t i = 0; i < changes.driver_unavailable.size(); ++i) {
    const DriverUnavailable& u = changes.driver_unavailable[i];
    const std::string item = "changes.driver_unavailable[" + std::to_string(i) + "]";
    auto it = driver_at.find(u.driver_id);
    if (it == driver_at.end()) return fail(item + ": unknown driver '" + u.driver_id + "'");
    if (u.to <= u.from)
      return fail(item + ": the window " + format_day_time(u.from) + " to " + format_day_time(u.to) + " ends before it starts");
    for (const Tour& t : base_tours) {
      auto bd = base_driver_of.find(t.id);
      if (bd == base_driver_of.end() || bd->second != u.driver_id || !is_frozen(t, frozen_until)) continue;
      if (t.week_start() < u.to && u.from < t.week_end())
        return fail(item + ": driver '" + u.driver_id + "' drives frozen tour " + tour_text(t) + " inside the window " +
                    format_day_time(u.from) + " to " + format_day_time(u.to));
    }
    Driver& d = w.drivers[it->second];
    d.unavailable.push_back(TimeWindow{u.from, u.to});
    std::stable_sort(d.unavailable.begin(), d.unavailable.end(),
                     [](const TimeWindow& a, const TimeWindow& b) { return a.start < b.start; });
  }

  // Base pairs on the new week; the frozen ones become locks (one per driver, tours in order).
  std::map<std::string, size_t> new_at;
  for (size_t i = 0; i < w.tours.size(); ++i) new_at.emplace(w.tours[i].id, i);
  std::map<std::string, std::vector<std::string>> frozen_of;  // driver -> tours (ordered: canonical)
  for (const PreviousAssignment& a : base_plan) {
    auto it = new_at.find(a.tour_id);
    if (it == new_at.end()) {
      w.cancelled.push_back(a);
      continue;
    }
    w.base.push_back(a);
    if (is_frozen(w.tours[it->second], frozen_until)) frozen_of[a.driver_id].push_back(a.tour_id);
  }
  for (const Driver& d : w.drivers)  // pool order
    if (auto it = frozen_of.find(d.id); it != frozen_of.end()) w.frozen.push_back(Lock{d.id, it->second});
  for (const Tour& t : w.tours) w.frozen_tours += is_frozen(t, frozen_until);
  out.week = std::move(w);
  return out;
}

}  // namespace so

namespace so {

ChangeReport change_report(const Plan& plan, const std::vector<Tour>& tours, const std::vector<Driver>& drivers,
                           const ReplanSpec& spec) {
  ChangeReport c;
  c.base_run_id = spec.base_run_id;
  c.frozen_until = spec.frozen_until;
  std::map<std::string, size_t> tour_at;
  for (size_t i = 0; i < tours.size(); ++i) {
    tour_at.emplace(tours[i].id, i);
    c.frozen_tours += is_frozen(tours[i], spec.frozen_until);
  }
  // Unfrozen tours per driver, before and after; tours keyed by their order in the week.
  using Set = std::set<std::pair<size_t, std::string>>;  // (tour index or past-the-end, id)
  std::map<std::string, Set> before, after;
  std::map<std::string, std::string> base_of, now_of;
  for (const PreviousAssignment& a : spec.base) {
    const size_t i = tour_at.at(a.tour_id);
    if (is_frozen(tours[i], spec.frozen_until)) continue;
    before[a.driver_id].emplace(i, a.tour_id);
    base_of[a.tour_id] = a.driver_id;
  }
  for (const PreviousAssignment& a : spec.cancelled) before[a.driver_id].emplace(tours.size(), a.tour_id);
  for (const Roster& r : plan.rosters)
    for (const Block& b : r.blocks)
      for (int t : b.tours) {
        const Tour& tour = tours[static_cast<size_t>(t)];
        if (is_frozen(tour, spec.frozen_until)) continue;
        after[r.driver_id].emplace(static_cast<size_t>(t), tour.id);
        now_of[tour.id] = r.driver_id;
      }
  for (const Tour& t : tours) {
    if (is_frozen(t, spec.frozen_until)) continue;
    auto b = base_of.find(t.id);
    auto n = now_of.find(t.id);
    const std::string was = b == base_of.end() ? std::string() : b->second;
    const std::string is = n == now_of.end() ? std::string() : n->second;
    c.assignments_changed += was != is;
  }
  for (const Driver& d : drivers) {  // pool order
    const Set& x = before[d.id];
    const Set& y = after[d.id];
    if (x == y) continue;
    DriverChange dc;
    dc.driver_id = d.id;
    dc.name = d.name;
    for (const auto& [i, id] : y)
      if (!x.count({i, id})) dc.gained.push_back(id);
    for (const auto& [i, id] : x)
      if (!y.count({i, id})) dc.lost.push_back(id);
    c.per_driver.push_back(std::move(dc));
  }
  c.drivers_affected = static_cast<int>(c.per_driver.size());
  return c;
}

}  // namespace so
