// The independent audit (domain.md §8). Every rule is re-derived here from the Tour fields and the
// Policy values only: no call into rules.hpp / block.hpp / plan.cpp, so a bug in the optimizer's
// feasibility helpers cannot hide itself by being used to check its own output.
#include "core/audit.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace so {

namespace {

constexpr int kWeekMinutes = 7 * 1440;

// Duration as [-]H:MM (hours may exceed 24, e.g. weekly work 56:00).
std::string fmt_duration(Minutes m) {
  std::string sign = m < 0 ? "-" : "";
  int a = std::abs(m);
  std::string mm = std::to_string(a % 60);
  if (mm.size() < 2) mm = "0" + mm;
  return sign + std::to_string(a / 60) + ":" + mm;
}

// Clock time of a week-linear minute (wraps at midnight); own copy, not format_hhmm's rules.
std::string fmt_clock(Minutes week_minute_value) {
  int m = ((week_minute_value % 1440) + 1440) % 1440;
  std::string out = std::to_string(m / 60);
  if (out.size() < 2) out = "0" + out;
  std::string mm = std::to_string(m % 60);
  if (mm.size() < 2) mm = "0" + mm;
  return out + ":" + mm;
}

std::string day_label(int day) {
  static const char* kNames[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  if (day >= 0 && day < 7) return kNames[day];
  return "day" + std::to_string(day);
}

std::string who(const std::string& driver) { return driver.empty() ? std::string("(no id)") : driver; }

// Audit-local block kinds, named like api.md ("1er", …) so messages match the rest of the product.
enum class Kind { One, TwoRegular, TwoSplit, Three };

const char* kind_label(Kind k) {
  switch (k) {
    case Kind::One: return "1er";
    case Kind::TwoRegular: return "2er-regular";
    case Kind::TwoSplit: return "2er-split";
    case Kind::Three: return "3er";
  }
  return "?";
}

// The claimed kind as an audit-local value (BlockKind values are fixed by plan.hpp: 0..3).
Kind claimed_kind(const Block& b) { return static_cast<Kind>(static_cast<int>(b.kind)); }

struct Sink {
  std::vector<Violation>& out;
  void add(std::string code, const std::string& driver, int day, std::string tour_id, std::string message) {
    out.push_back(Violation{std::move(code), driver, day, std::move(tour_id), std::move(message)});
  }
};

bool known(int index, const std::vector<Tour>& tours) { return index >= 0 && index < static_cast<int>(tours.size()); }

// ---- coverage -------------------------------------------------------------------------------

// Each tour exactly once across all rosters and plan.unassigned; out-of-range indices are unknown.
void audit_coverage(const std::vector<Tour>& tours, const Plan& plan, Sink& sink) {
  std::vector<std::vector<std::string>> seen(tours.size());  // where each tour was found
  for (const Roster& r : plan.rosters)
    for (const Block& b : r.blocks)
      for (int t : b.tours) {
        if (!known(t, tours)) {
          sink.add("TOUR_UNKNOWN", r.driver_id, b.day, "",
                   who(r.driver_id) + " " + day_label(b.day) + " block references unknown tour index " +
                       std::to_string(t) + " (forecast has " + std::to_string(tours.size()) + " tours)");
          continue;
        }
        seen[static_cast<size_t>(t)].push_back(who(r.driver_id) + " " + day_label(b.day));
      }
  for (const UnassignedTour& u : plan.unassigned) {
    if (!known(u.tour, tours)) {
      sink.add("TOUR_UNKNOWN", "", -1, "",
               "unassigned list references unknown tour index " + std::to_string(u.tour) + " (forecast has " +
                   std::to_string(tours.size()) + " tours)");
      continue;
    }
    seen[static_cast<size_t>(u.tour)].push_back("unassigned");
  }
  for (size_t i = 0; i < tours.size(); ++i) {
    const Tour& t = tours[i];
    if (seen[i].empty()) {
      sink.add("TOUR_UNCOVERED", "", t.day, t.id,
               "tour " + t.id + " (" + day_label(t.day) + " " + fmt_clock(t.week_start()) + "-" +
                   fmt_clock(t.week_end()) + ") is neither assigned nor reported unassigned");
    } else if (seen[i].size() > 1) {
      std::string where;
      for (const auto& w : seen[i]) where += (where.empty() ? "" : ", ") + w;
      sink.add("TOUR_DUPLICATED", "", t.day, t.id,
               "tour " + t.id + " appears " + std::to_string(seen[i].size()) + " times (" + where + ")");
    }
  }
}

// ---- one block ------------------------------------------------------------------------------

// What the week-level checks need to know about a block, derived by the audit itself.
struct BlockFacts {
  int day = 0;
  int tour_count = 0;                // known tours
  Minutes first_start = 0;           // week-linear
  Minutes last_end = 0;              // week-linear
  Minutes work = 0;
  std::vector<const Tour*> sorted;   // known tours by (week start, week end, id)
};

BlockFacts block_facts(const Block& b, const std::vector<Tour>& tours) {
  BlockFacts f;
  f.day = b.day;
  for (int t : b.tours)
    if (known(t, tours)) f.sorted.push_back(&tours[static_cast<size_t>(t)]);
  std::stable_sort(f.sorted.begin(), f.sorted.end(), [](const Tour* a, const Tour* c) {
    return std::make_tuple(a->week_start(), a->week_end(), a->id) < std::make_tuple(c->week_start(), c->week_end(), c->id);
  });
  f.tour_count = static_cast<int>(f.sorted.size());
  if (!f.sorted.empty()) {
    f.first_start = f.sorted.front()->week_start();
    f.last_end = f.sorted.front()->week_end();
    for (const Tour* t : f.sorted) {
      f.last_end = std::max(f.last_end, t->week_end());
      f.work += t->end - t->start;
    }
  }
  return f;
}

// A block belongs to one weekday and each of its tours starts on that day.
void audit_block_day(const std::string& driver, const Block& b, const BlockFacts& f, Sink& sink) {
  if (b.day < 0 || b.day > 6) {
    sink.add("BLOCK_WRONG_DAY", driver, b.day, "",
             who(driver) + " block day " + std::to_string(b.day) + " is not a weekday (0..6)");
    return;
  }
  for (const Tour* t : f.sorted)
    if (t->day != b.day)
      sink.add("BLOCK_WRONG_DAY", driver, b.day, t->id,
               who(driver) + " " + day_label(b.day) + " block holds tour " + t->id + " which starts on " +
                   day_label(t->day));
}

// No two tours of a block overlap (touching end == start is fine).
void audit_block_overlap(const std::string& driver, const BlockFacts& f, Sink& sink) {
  for (size_t i = 0; i < f.sorted.size(); ++i)
    for (size_t j = i + 1; j < f.sorted.size(); ++j) {
      const Tour& a = *f.sorted[i];
      const Tour& c = *f.sorted[j];
      if (c.week_start() < a.week_end())
        sink.add("TOUR_OVERLAP", driver, f.day, c.id,
                 who(driver) + " " + day_label(f.day) + " tour " + c.id + " (" + fmt_clock(c.week_start()) + "-" +
                     fmt_clock(c.week_end()) + ") overlaps " + a.id + " (" + fmt_clock(a.week_start()) + "-" +
                     fmt_clock(a.week_end()) + ")");
    }
}

bool in_regular_window(Minutes gap, const Policy& p) {
  return gap >= p.min_gap_minutes && gap <= p.max_regular_gap_minutes;
}
bool in_split_window(Minutes gap, const Policy& p) {
  return gap >= p.split_gap_min_minutes && gap <= p.split_gap_max_minutes;
}

// Gap zones: each gap regular, or split (2er only, only when allowed); everything else forbidden.
// Returns the kind the gaps imply, or nothing when the tours cannot form any block.
std::optional<Kind> audit_block_gaps(const std::string& driver, const BlockFacts& f, const Policy& p, Sink& sink) {
  const int n = f.tour_count;
  bool valid = n >= 1 && n <= 3;
  bool any_split = false;
  for (int i = 1; i < n; ++i) {
    const Tour& a = *f.sorted[static_cast<size_t>(i - 1)];
    const Tour& c = *f.sorted[static_cast<size_t>(i)];
    const Minutes gap = c.week_start() - a.week_end();
    if (gap < 0) {  // reported by audit_block_overlap
      valid = false;
      continue;
    }
    const std::string where = who(driver) + " " + day_label(f.day) + " gap " + a.id + "→" + c.id + " " +
                              std::to_string(gap) + " min";
    if (in_regular_window(gap, p)) continue;  // regular wins where the windows overlap
    if (in_split_window(gap, p)) {
      any_split = true;
      if (!p.allow_split)
        sink.add("BLOCK_SPLIT_NOT_ALLOWED", driver, f.day, c.id, where + " is a split gap but allow_split is false");
      else if (n >= 3)
        sink.add("BLOCK_SPLIT_IN_3ER", driver, f.day, c.id,
                 where + " is a split gap inside a block of " + std::to_string(n) + " tours (3er gaps must be regular)");
      continue;
    }
    valid = false;
    std::string msg = where + " is outside regular [" + std::to_string(p.min_gap_minutes) + ", " +
                      std::to_string(p.max_regular_gap_minutes) + "]";
    if (p.allow_split)
      msg += " and split [" + std::to_string(p.split_gap_min_minutes) + ", " + std::to_string(p.split_gap_max_minutes) + "]";
    sink.add("BLOCK_GAP_FORBIDDEN", driver, f.day, c.id, msg);
  }
  if (!valid) return std::nullopt;
  if (n == 1) return Kind::One;
  if (n == 3) return Kind::Three;
  return any_split ? Kind::TwoSplit : Kind::TwoRegular;
}

// Span (last end − first start) within the limit of the derived kind; a 1er has no span rule.
void audit_block_span(const std::string& driver, const BlockFacts& f, Kind kind, const Policy& p, Sink& sink) {
  Minutes limit = 0;
  switch (kind) {
    case Kind::One: return;
    case Kind::TwoRegular: limit = p.max_span_regular_minutes; break;
    case Kind::TwoSplit: limit = p.max_span_split_minutes; break;
    case Kind::Three: limit = p.max_span_3er_minutes; break;
  }
  const Minutes span = f.last_end - f.first_start;
  if (span > limit)
    sink.add("BLOCK_SPAN_EXCEEDED", driver, f.day, "",
             who(driver) + " " + day_label(f.day) + " " + kind_label(kind) + " span " + fmt_duration(span) + " (" +
                 std::to_string(span) + " min) > " + std::to_string(limit) + " min");
}

void audit_block_size(const std::string& driver, const BlockFacts& f, const Policy& p, Sink& sink) {
  const int limit = std::min(3, p.max_tours_per_block);
  if (f.tour_count > limit)
    sink.add("BLOCK_TOO_MANY_TOURS", driver, f.day, "",
             who(driver) + " " + day_label(f.day) + " block has " + std::to_string(f.tour_count) + " tours > " +
                 std::to_string(limit));
}

void audit_block_locations(const std::string& driver, const BlockFacts& f, const Policy& p, Sink& sink) {
  if (p.mix_locations_in_block || f.sorted.empty()) return;
  for (const Tour* t : f.sorted)
    if (t->location != f.sorted.front()->location) {
      sink.add("BLOCK_MIXED_LOCATIONS", driver, f.day, t->id,
               who(driver) + " " + day_label(f.day) + " block mixes locations " + f.sorted.front()->location + " (" +
                   f.sorted.front()->id + ") and " + t->location + " (" + t->id + ")");
      return;  // one report per block is enough
    }
}

void audit_block_kind(const std::string& driver, const Block& b, const BlockFacts& f, Kind derived, Sink& sink) {
  if (claimed_kind(b) != derived)
    sink.add("BLOCK_TYPE_MISMATCH", driver, f.day, "",
             who(driver) + " " + day_label(f.day) + " block claimed " + kind_label(claimed_kind(b)) +
                 " but its tours form a " + kind_label(derived));
}

// ---- one driver's week ----------------------------------------------------------------------

struct DayFacts {
  int blocks = 0;
  int tours = 0;
  bool has_3er = false;  // a block of exactly three tours that day
  Minutes first_start = 0, last_end = 0;
};

void audit_blocks_per_day(const std::string& driver, const std::map<int, DayFacts>& days, const Policy& p, Sink& sink) {
  for (const auto& [day, d] : days)
    if (d.blocks > p.max_blocks_per_day)
      sink.add("MULTIPLE_BLOCKS_PER_DAY", driver, day, "",
               who(driver) + " " + day_label(day) + " has " + std::to_string(d.blocks) + " blocks > " +
                   std::to_string(p.max_blocks_per_day));
}

// Rest between consecutive working days, and the fatigue rules keyed on a 3er the day before.
void audit_consecutive_days(const std::string& driver, const std::map<int, DayFacts>& days, const Policy& p,
                            Sink& sink) {
  for (const auto& [day, prev] : days) {
    int next_day = day + 1;
    Minutes shift = 0;
    if (day == 6) {
      if (!p.week_wrap) continue;
      next_day = 0;
      shift = kWeekMinutes;  // next Monday, week-linear
    }
    auto it = days.find(next_day);
    if (it == days.end()) continue;
    const DayFacts& next = it->second;
    const std::string pair = who(driver) + " " + day_label(day) + "→" + day_label(next_day);

    const Minutes rest = next.first_start + shift - prev.last_end;
    const Minutes required = prev.has_3er ? std::max(p.min_rest_minutes, p.min_rest_after_3er_minutes) : p.min_rest_minutes;
    if (rest < required)
      sink.add("REST_VIOLATION", driver, next_day, "",
               pair + " rest " + fmt_duration(rest) + " (" + std::to_string(rest) + " min) < " +
                   std::to_string(required) + " min" + (prev.has_3er ? " (after a 3er day)" : ""));

    if (!prev.has_3er) continue;
    if (next.has_3er && !p.allow_consecutive_3er)
      sink.add("CONSECUTIVE_3ER", driver, next_day, "", pair + " 3er on two consecutive days");
    if (next.tours > p.max_tours_after_3er_day)
      sink.add("TOURS_AFTER_3ER_EXCEEDED", driver, next_day, "",
               pair + " " + std::to_string(next.tours) + " tours on the day after a 3er > " +
                   std::to_string(p.max_tours_after_3er_day));
  }
}

void audit_weekly_work(const std::string& driver, Minutes work, const Policy& p, Sink& sink) {
  if (work > p.max_weekly_minutes)
    sink.add("WEEKLY_HOURS_EXCEEDED", driver, -1, "",
             who(driver) + " weekly work " + fmt_duration(work) + " (" + std::to_string(work) + " min) > " +
                 std::to_string(p.max_weekly_minutes) + " min");
}

void audit_working_days(const std::string& driver, const std::map<int, DayFacts>& days, const Policy& p, Sink& sink) {
  const int n = static_cast<int>(days.size());
  if (n > p.max_working_days)
    sink.add("WORKING_DAYS_EXCEEDED", driver, -1, "",
             who(driver) + " works " + std::to_string(n) + " days > " + std::to_string(p.max_working_days));
}

// One location all week: reported once, at the first tour (in day order) away from the first location.
void audit_driver_location(const std::string& driver, const std::vector<BlockFacts>& blocks, const Policy& p,
                           Sink& sink) {
  if (!p.one_location_per_driver) return;
  const Tour* first = nullptr;
  std::set<std::string> all;
  const Tour* differing = nullptr;
  int differing_day = -1;
  for (const BlockFacts& f : blocks)
    for (const Tour* t : f.sorted) {
      all.insert(t->location);
      if (!first) first = t;
      else if (!differing && t->location != first->location) {
        differing = t;
        differing_day = f.day;
      }
    }
  if (!differing) return;
  std::string list;
  for (const auto& l : all) list += (list.empty() ? "" : ", ") + l;
  sink.add("LOCATION_CHANGE", driver, differing_day, differing->id,
           who(driver) + " works at " + std::to_string(all.size()) + " locations (" + list + "): " +
               day_label(differing_day) + " tour " + differing->id + " at " + differing->location + ", first tour " +
               first->id + " at " + first->location);
}

void audit_roster(const std::vector<Tour>& tours, const Policy& p, const Roster& r, Sink& sink) {
  const std::string& driver = r.driver_id;
  // Blocks in day order (stable: equal days keep plan order) so reports read like the roster.
  std::vector<size_t> order(r.blocks.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return r.blocks[a].day < r.blocks[b].day; });

  std::vector<BlockFacts> facts;
  std::map<int, DayFacts> days;  // ordered: weekly checks run Mon→Sun
  Minutes work = 0;
  for (size_t i : order) {
    const Block& b = r.blocks[i];
    if (b.tours.empty()) {
      sink.add("BLOCK_EMPTY", driver, b.day, "", who(driver) + " " + day_label(b.day) + " block has no tours");
      continue;
    }
    BlockFacts f = block_facts(b, tours);
    audit_block_day(driver, b, f, sink);
    if (f.tour_count == 0) continue;  // only unknown tours: already reported
    audit_block_size(driver, f, p, sink);
    audit_block_locations(driver, f, p, sink);
    audit_block_overlap(driver, f, sink);
    if (auto kind = audit_block_gaps(driver, f, p, sink)) {
      audit_block_span(driver, f, *kind, p, sink);
      audit_block_kind(driver, b, f, *kind, sink);
    }
    work += f.work;
    if (b.day >= 0 && b.day <= 6) {
      auto [it, fresh] = days.try_emplace(b.day);
      DayFacts& d = it->second;
      d.first_start = fresh ? f.first_start : std::min(d.first_start, f.first_start);
      d.last_end = fresh ? f.last_end : std::max(d.last_end, f.last_end);
      d.blocks += 1;
      d.tours += f.tour_count;
      d.has_3er = d.has_3er || f.tour_count == 3;
    }
    facts.push_back(std::move(f));
  }
  audit_blocks_per_day(driver, days, p, sink);
  audit_consecutive_days(driver, days, p, sink);
  audit_weekly_work(driver, work, p, sink);
  audit_working_days(driver, days, p, sink);
  audit_driver_location(driver, facts, p, sink);
}

}  // namespace

AuditResult audit_plan(const std::vector<Tour>& tours, const Policy& policy, const Plan& plan) {
  AuditResult result;
  Sink sink{result.violations};
  audit_coverage(tours, plan, sink);
  for (const Roster& r : plan.rosters) audit_roster(tours, policy, r, sink);
  result.ok = result.violations.empty();
  return result;
}

}  // namespace so
