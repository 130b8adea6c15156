// KPIs of a plan (domain.md §9). Unlike the audit, KPIs may use the solver's rule helpers.
#include "core/kpis.hpp"

#include <algorithm>
#include <map>
#include <string>

#include "core/block.hpp"
#include "core/rules.hpp"

namespace so {

namespace {

bool known(int index, const std::vector<Tour>& tours) { return index >= 0 && index < static_cast<int>(tours.size()); }

HoursStats hours_stats(const std::vector<double>& hours) {
  HoursStats s;
  if (hours.empty()) return s;  // empty class: all zero, never a division by zero
  s.min = *std::min_element(hours.begin(), hours.end());
  s.max = *std::max_element(hours.begin(), hours.end());
  double sum = 0;
  for (double h : hours) sum += h;
  s.avg = sum / static_cast<double>(hours.size());
  return s;
}

double ratio(int num, int den) { return den > 0 ? static_cast<double>(num) / den : 0.0; }

// Per tour: can it be in some valid 2er/3er, and in some valid 3er (forecast-level, plan-independent).
struct TourOptions {
  std::vector<char> in_multi, in_3er;
};

TourOptions tour_options(const std::vector<Tour>& tours, const Policy& policy) {
  TourOptions o{std::vector<char>(tours.size(), 0), std::vector<char>(tours.size(), 0)};
  const std::vector<TourType> types = aggregate_tour_types(tours);
  std::vector<char> type_multi(types.size(), 0), type_3er(types.size(), 0);
  // The same work limit as the solver's enumeration: complete on every week but dense timed
  // ones, where a type whose only multi blocks are beyond its nearest successors counts as none.
  for (const BlockPattern& b : enumerate_blocks(types, policy, kMaxBlocksPerWeek)) {
    if (b.n < 2) continue;
    for (int k = 0; k < b.n; ++k) {
      type_multi[static_cast<size_t>(b.types[static_cast<size_t>(k)])] = 1;
      if (b.n == 3) type_3er[static_cast<size_t>(b.types[static_cast<size_t>(k)])] = 1;
    }
  }
  for (size_t ty = 0; ty < types.size(); ++ty)
    for (int t : types[ty].tours) {
      o.in_multi[static_cast<size_t>(t)] = type_multi[ty];
      o.in_3er[static_cast<size_t>(t)] = type_3er[ty];
    }
  return o;
}

struct DaySummary {
  Minutes first_start = 0, last_end = 0;
  bool has_3er = false;
};

// Rests exactly at the required minimum (no slack) between consecutive working days of one roster.
int tight_rests(const Roster& r, const std::vector<Tour>& tours, const Policy& policy) {
  std::map<int, DaySummary> days;
  for (const Block& b : r.blocks) {
    Minutes s = INT32_MAX, e = INT32_MIN;
    for (int t : b.tours) {
      if (!known(t, tours)) continue;
      s = std::min(s, tours[static_cast<size_t>(t)].week_start());
      e = std::max(e, tours[static_cast<size_t>(t)].week_end());
    }
    if (s == INT32_MAX) continue;
    auto [it, fresh] = days.try_emplace(b.day);
    it->second.first_start = fresh ? s : std::min(it->second.first_start, s);
    it->second.last_end = fresh ? e : std::max(it->second.last_end, e);
    it->second.has_3er = it->second.has_3er || b.kind == BlockKind::Three;
  }
  int count = 0;
  for (const auto& [day, d] : days) {
    int next = day + 1;
    Minutes shift = 0;
    if (day == kDaysPerWeek - 1) {
      if (!policy.week_wrap) continue;
      next = 0;
      shift = kDaysPerWeek * kMinutesPerDay;
    }
    auto it = days.find(next);
    if (it == days.end()) continue;
    const Minutes rest = rest_between(d.last_end, it->second.first_start + shift);
    if (rest == required_rest_after(d.has_3er ? BlockKind::Three : BlockKind::One, policy)) ++count;
  }
  return count;
}

}  // namespace

Kpis compute_kpis(const std::vector<Tour>& tours, const Policy& policy, const Plan& plan, int lower_bound,
                  double fte_target_min_hours) {
  Kpis k;
  k.tours_total = static_cast<int>(tours.size());
  const TourOptions options = tour_options(tours, policy);
  for (size_t i = 0; i < tours.size(); ++i)
    if (!options.in_multi[i]) ++k.forced_1er_count;

  std::vector<char> covered(tours.size(), 0);
  std::vector<double> all, fte, pt;
  int underfull = 0;  // FTE drivers below the target hours
  for (const Roster& r : plan.rosters) {
    Minutes work = 0;
    int tour_count = 0;
    for (const Block& b : r.blocks) {
      int n = 0;
      for (int t : b.tours) {
        if (!known(t, tours)) continue;
        covered[static_cast<size_t>(t)] = 1;
        work += tours[static_cast<size_t>(t)].duration();
        ++n;
      }
      if (n == 0) continue;
      tour_count += n;
      switch (b.kind) {  // the claimed kind: a mismatch is the audit's business
        case BlockKind::One: ++k.blocks_1er; break;
        case BlockKind::TwoRegular: ++k.blocks_2er_regular; break;
        case BlockKind::TwoSplit: ++k.blocks_2er_split; break;
        case BlockKind::Three: ++k.blocks_3er; break;
      }
      if (n == 1)
        for (int t : b.tours)
          if (known(t, tours) && options.in_3er[static_cast<size_t>(t)]) ++k.missed_3er_opps;
    }
    if (tour_count == 0) continue;  // an unused driver (driver mode) is not a driver of the plan
    const double hours = work / 60.0;
    all.push_back(hours);
    // FTE threshold compared in minutes so 40 h exactly is FTE without floating-point doubt.
    if (work >= policy.fte_min_hours * 60.0) {
      fte.push_back(hours);
      if (work < fte_target_min_hours * 60.0) ++underfull;
    } else {
      pt.push_back(hours);
    }
    k.tight_rest_count += tight_rests(r, tours, policy);
  }
  k.drivers_total = static_cast<int>(all.size());
  k.drivers_fte = static_cast<int>(fte.size());
  k.drivers_pt = static_cast<int>(pt.size());
  k.pt_ratio = ratio(k.drivers_pt, k.drivers_total);
  k.underfull_ratio = ratio(underfull, k.drivers_fte);
  for (char c : covered) k.tours_covered += c;
  k.coverage_rate = k.tours_total > 0 ? static_cast<double>(k.tours_covered) / k.tours_total : 1.0;
  k.hours_all = hours_stats(all);
  k.hours_fte = hours_stats(fte);
  k.hours_pt = hours_stats(pt);
  k.lower_bound = lower_bound;
  k.gap_to_lb = lower_bound > 0 ? static_cast<double>(k.drivers_total - lower_bound) / lower_bound : 0.0;
  return k;
}

void add_driver_kpis(Kpis& k, const std::vector<Tour>& tours, const std::vector<Driver>& drivers, const Plan& plan) {
  k.driver_mode = true;
  k.drivers_available = static_cast<int>(drivers.size());
  std::map<std::string, const Driver*> by_id;
  for (const Driver& d : drivers) by_id.emplace(d.id, &d);
  std::vector<char> covered(tours.size(), 0);
  Minutes shortfall = 0;
  int below = 0;
  for (const Roster& r : plan.rosters) {
    Minutes work = 0;
    int n = 0;
    for (const Block& b : r.blocks)
      for (int t : b.tours) {
        if (!known(t, tours)) continue;
        covered[static_cast<size_t>(t)] = 1;
        work += tours[static_cast<size_t>(t)].duration();
        ++n;
      }
    if (n == 0) continue;  // unused driver: no contract shortfall counted
    auto it = by_id.find(r.driver_id);
    if (it == by_id.end() || !it->second->min_weekly_minutes) continue;
    const Minutes missing = std::max(0, *it->second->min_weekly_minutes - work);
    shortfall += missing;
    if (missing > 0) ++below;
  }
  int covered_count = 0;
  for (char c : covered) covered_count += c;
  k.tours_uncovered = static_cast<int>(tours.size()) - covered_count;
  k.contract_shortfall_hours = shortfall / 60.0;
  k.drivers_below_contract_min = below;
}

}  // namespace so
