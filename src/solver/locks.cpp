// Locks that cost nothing (locks.hpp): re-deal the unlocked plan's rosters so every lock holds.
#include "solver/locks.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "core/reasons.hpp"
#include "core/block.hpp"
#include "core/rules.hpp"

namespace so {

namespace {

// Tours of one window are interchangeable for every rule (driver mode included).
using WindowKey = std::tuple<int, Minutes, Minutes, std::string, std::vector<std::string>>;

WindowKey window_of(const Tour& t) { return {t.day, t.start, t.end, t.location, t.required_qualifications}; }

std::vector<int> tours_of(const Roster& r) {
  std::vector<int> v;
  for (const Block& b : r.blocks) v.insert(v.end(), b.tours.begin(), b.tours.end());
  return v;
}

// Kuhn's augmenting paths, adjacency in preference order: a deterministic maximum matching of
// rows to columns that keeps the earlier preferences where the cardinality allows.
class Matching {
 public:
  Matching(int rows, int cols) : adj_(static_cast<size_t>(rows)), col_row_(static_cast<size_t>(cols), -1) {}
  void add(int row, int col) { adj_[static_cast<size_t>(row)].push_back(col); }
  bool augment(int row) {
    seen_.assign(col_row_.size(), 0);
    return try_row(row);
  }
  int row_of(int col) const { return col_row_[static_cast<size_t>(col)]; }

 private:
  bool try_row(int row) {
    for (int c : adj_[static_cast<size_t>(row)]) {
      if (seen_[static_cast<size_t>(c)]) continue;
      seen_[static_cast<size_t>(c)] = 1;
      if (col_row_[static_cast<size_t>(c)] < 0 || try_row(col_row_[static_cast<size_t>(c)])) {
        col_row_[static_cast<size_t>(c)] = row;
        return true;
      }
    }
    return false;
  }
  std::vector<std::vector<int>> adj_;
  std::vector<int> col_row_;
  std::vector<char> seen_;
};

}  // namespace

std::optional<Roster> roster_for(const Driver& driver, std::vector<int> list, const std::vector<Tour>& tours,
                                 const Policy& p) {
  std::sort(list.begin(), list.end(), [&](int a, int b) {
    return std::make_pair(tours[static_cast<size_t>(a)].week_start(), a) <
           std::make_pair(tours[static_cast<size_t>(b)].week_start(), b);
  });
  Roster built;
  built.driver_id = driver.id;
  built.driver_name = driver.name;
  for (int t : list) {
    if (!driver_blockers(t, driver, &built, tours, p).empty()) return std::nullopt;
    const int day = tours[static_cast<size_t>(t)].day;
    auto it = std::find_if(built.blocks.begin(), built.blocks.end(), [&](const Block& b) { return b.day == day; });
    if (it == built.blocks.end()) {
      built.blocks.push_back(Block{day, {}, BlockKind::One});
      std::sort(built.blocks.begin(), built.blocks.end(), [](const Block& a, const Block& b) { return a.day < b.day; });
      it = std::find_if(built.blocks.begin(), built.blocks.end(), [&](const Block& b) { return b.day == day; });
    }
    it->tours.push_back(t);
    std::vector<TourWindow> w;
    for (int x : it->tours)
      w.push_back(TourWindow{tours[static_cast<size_t>(x)].week_start(), tours[static_cast<size_t>(x)].week_end(),
                             &tours[static_cast<size_t>(x)].location});
    const std::optional<BlockKind> kind = classify_block(w, p);
    if (!kind) return std::nullopt;
    it->kind = *kind;
  }
  return built;
}

HonouredLocks honour_locks(const Plan& free_plan, const std::vector<Tour>& tours, const std::vector<Driver>& drivers,
                           const std::vector<Lock>& locks, const Policy& p) {
  HonouredLocks out;
  const int ndrivers = static_cast<int>(drivers.size());
  std::map<std::string, int> driver_index, tour_index;
  for (int d = 0; d < ndrivers; ++d) driver_index.emplace(drivers[static_cast<size_t>(d)].id, d);
  for (int i = 0; i < static_cast<int>(tours.size()); ++i) tour_index.emplace(tours[static_cast<size_t>(i)].id, i);

  // Windows, and per locked driver the tours it must hold.
  std::map<WindowKey, int> key_id;
  std::vector<int> key_of(tours.size());
  for (size_t i = 0; i < tours.size(); ++i)
    key_of[i] = key_id.emplace(window_of(tours[i]), static_cast<int>(key_id.size())).first->second;
  std::vector<int> owner(tours.size(), -1);
  std::map<int, std::vector<int>> locked_tours;  // driver -> tours (ordered: canonical)
  for (const Lock& l : locks)
    for (const std::string& id : l.tour_ids) {
      const int d = driver_index.at(l.driver_id), t = tour_index.at(id);
      owner[static_cast<size_t>(t)] = d;
      locked_tours[d].push_back(t);
    }
  out.locked_drivers = static_cast<int>(locked_tours.size());

  std::vector<Roster> rosters = free_plan.rosters;
  const int nr = static_cast<int>(rosters.size());
  std::vector<int> current(static_cast<size_t>(nr), -1);
  for (int r = 0; r < nr; ++r) {
    auto it = driver_index.find(rosters[static_cast<size_t>(r)].driver_id);
    if (it != driver_index.end()) current[static_cast<size_t>(r)] = it->second;
  }
  // Window counts per roster; a roster fits a lock when it holds at least the locked windows.
  std::vector<std::map<int, int>> slots(static_cast<size_t>(nr));
  for (int r = 0; r < nr; ++r)
    for (int t : tours_of(rosters[static_cast<size_t>(r)])) slots[static_cast<size_t>(r)][key_of[static_cast<size_t>(t)]] += 1;
  auto holds_lock = [&](int r, int d) {
    std::map<int, int> need;
    for (int t : locked_tours.at(d)) need[key_of[static_cast<size_t>(t)]] += 1;
    for (auto [k, n] : need) {
      auto it = slots[static_cast<size_t>(r)].find(k);
      if (it == slots[static_cast<size_t>(r)].end() || it->second < n) return false;
    }
    return true;
  };
  auto legal = [&](int r, int d) {
    return roster_for(drivers[static_cast<size_t>(d)], tours_of(rosters[static_cast<size_t>(r)]), tours, p).has_value();
  };

  // 1. Locked drivers to distinct rosters that hold their locks (their own roster first).
  std::vector<int> locked_list;
  for (const auto& [d, list] : locked_tours) locked_list.push_back(d);
  const int nl = static_cast<int>(locked_list.size());
  Matching lock_match(nl, nr);
  for (int i = 0; i < nl; ++i) {
    const int d = locked_list[static_cast<size_t>(i)];
    std::vector<int> order;
    for (int r = 0; r < nr; ++r)
      if (current[static_cast<size_t>(r)] == d) order.push_back(r);
    for (int r = 0; r < nr; ++r)
      if (current[static_cast<size_t>(r)] != d) order.push_back(r);
    for (int r : order)
      if (holds_lock(r, d) && legal(r, d)) lock_match.add(i, r);
    lock_match.augment(i);
  }
  std::vector<int> driver_of(static_cast<size_t>(nr), -1);
  std::vector<char> driver_busy(static_cast<size_t>(ndrivers), 0);
  std::vector<char> pinned(static_cast<size_t>(ndrivers), 0);
  for (int r = 0; r < nr; ++r)
    if (const int i = lock_match.row_of(r); i >= 0) {
      driver_of[static_cast<size_t>(r)] = locked_list[static_cast<size_t>(i)];
      driver_busy[static_cast<size_t>(locked_list[static_cast<size_t>(i)])] = 1;
      ++out.matched;
    }
  for (int d : locked_list)
    if (!driver_busy[static_cast<size_t>(d)]) {
      pinned[static_cast<size_t>(d)] = 1;
      driver_busy[static_cast<size_t>(d)] = 1;
      ++out.pinned;
    }
  // 2. The other rosters keep their driver when that driver is free; the displaced ones go to
  //    free drivers (a maximum matching, drivers in request order).
  for (int r = 0; r < nr; ++r) {
    const int d = current[static_cast<size_t>(r)];
    if (driver_of[static_cast<size_t>(r)] < 0 && d >= 0 && !driver_busy[static_cast<size_t>(d)]) {
      driver_of[static_cast<size_t>(r)] = d;
      driver_busy[static_cast<size_t>(d)] = 1;
    }
  }
  std::vector<int> displaced, free_drivers;
  for (int r = 0; r < nr; ++r)
    if (driver_of[static_cast<size_t>(r)] < 0) displaced.push_back(r);
  for (int d = 0; d < ndrivers; ++d)
    if (!driver_busy[static_cast<size_t>(d)]) free_drivers.push_back(d);
  Matching spare(static_cast<int>(displaced.size()), static_cast<int>(free_drivers.size()));
  for (size_t i = 0; i < displaced.size(); ++i) {
    for (size_t j = 0; j < free_drivers.size(); ++j)
      if (legal(displaced[i], free_drivers[j])) spare.add(static_cast<int>(i), static_cast<int>(j));
    spare.augment(static_cast<int>(i));
  }
  for (size_t j = 0; j < free_drivers.size(); ++j)
    if (const int i = spare.row_of(static_cast<int>(j)); i >= 0) driver_of[static_cast<size_t>(displaced[static_cast<size_t>(i)])] = free_drivers[j];

  // 3. Tour instances per window: locked tours into their drivers' slots, then every other slot
  //    keeps its tour where it can (fewest changes), then the rest in index order. A pinned
  //    driver's locked tours leave the pool: the roster losing that slot is rebuilt without it.
  std::vector<std::vector<std::pair<int, int>>> key_slots(key_id.size());  // (roster, tour) per window
  for (int r = 0; r < nr; ++r) {
    if (driver_of[static_cast<size_t>(r)] < 0) {
      ++out.rosters_dropped;
      continue;
    }
    for (int t : tours_of(rosters[static_cast<size_t>(r)])) key_slots[static_cast<size_t>(key_of[static_cast<size_t>(t)])].emplace_back(r, t);
  }
  std::map<std::pair<int, int>, int> slot_tour;  // (roster, original tour) -> tour now, -1 = slot removed
  std::vector<char> placed(tours.size(), 0);
  std::vector<std::vector<int>> key_tours(key_id.size());
  for (int i = 0; i < static_cast<int>(tours.size()); ++i) key_tours[static_cast<size_t>(key_of[static_cast<size_t>(i)])].push_back(i);
  for (size_t k = 0; k < key_id.size(); ++k) {
    std::vector<std::pair<int, int>>& ks = key_slots[k];
    std::vector<char> filled(ks.size(), 0);
    // Locked tours: matched drivers' slots; pinned drivers take theirs out of the pool.
    int pinned_here = 0;
    for (int t : key_tours[k]) {
      const int o = owner[static_cast<size_t>(t)];
      if (o < 0) continue;
      if (pinned[static_cast<size_t>(o)]) {
        placed[static_cast<size_t>(t)] = 1;
        ++pinned_here;
        continue;
      }
      for (size_t s = 0; s < ks.size(); ++s)
        if (!filled[s] && driver_of[static_cast<size_t>(ks[s].first)] == o) {
          slot_tour[ks[s]] = t;
          filled[s] = 1;
          placed[static_cast<size_t>(t)] = 1;
          break;
        }
    }
    // Keep original tours (not locked to someone else).
    for (size_t s = 0; s < ks.size(); ++s) {
      const int t = ks[s].second;
      if (filled[s] || placed[static_cast<size_t>(t)] || owner[static_cast<size_t>(t)] >= 0) continue;
      slot_tour[ks[s]] = t;
      filled[s] = 1;
      placed[static_cast<size_t>(t)] = 1;
    }
    // The rest, in index order; slots beyond the free tours are removed (a pinned lock took them).
    size_t next = 0;
    const std::vector<int>& kt = key_tours[k];
    for (size_t s = 0; s < ks.size(); ++s) {
      if (filled[s]) continue;
      while (next < kt.size() && (placed[static_cast<size_t>(kt[next])] || owner[static_cast<size_t>(kt[next])] >= 0)) ++next;
      if (next < kt.size()) {
        slot_tour[ks[s]] = kt[next];
        placed[static_cast<size_t>(kt[next])] = 1;
      } else {
        slot_tour[ks[s]] = -1;
      }
    }
    (void)pinned_here;
  }

  // 4. Assemble; a roster that lost a slot (or whose new tour order breaks nothing, but check
  //    anyway) is rebuilt tour by tour, dropping what no longer fits.
  Plan plan;
  std::vector<char> covered(tours.size(), 0);
  for (int r = 0; r < nr; ++r) {
    const int d = driver_of[static_cast<size_t>(r)];
    if (d < 0) continue;
    std::vector<int> list;
    for (int t : tours_of(rosters[static_cast<size_t>(r)])) {
      const int now = slot_tour.at({r, t});
      if (now >= 0) list.push_back(now);
    }
    std::optional<Roster> built = roster_for(drivers[static_cast<size_t>(d)], list, tours, p);
    if (!built) {
      // Keep the longest legal prefix in time order, locked tours of this driver first.
      std::vector<int> keep;
      std::vector<int> order = list;
      std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        return (owner[static_cast<size_t>(a)] == d) > (owner[static_cast<size_t>(b)] == d);
      });
      for (int t : order) {
        keep.push_back(t);
        if (!roster_for(drivers[static_cast<size_t>(d)], keep, tours, p)) keep.pop_back();
      }
      built = roster_for(drivers[static_cast<size_t>(d)], keep, tours, p);
    }
    if (!built || built->blocks.empty()) continue;
    for (int t : tours_of(*built)) covered[static_cast<size_t>(t)] = 1;
    plan.rosters.push_back(std::move(*built));
  }
  for (int d : locked_list) {
    if (!pinned[static_cast<size_t>(d)]) continue;
    std::optional<Roster> built = roster_for(drivers[static_cast<size_t>(d)], locked_tours.at(d), tours, p);
    if (!built) continue;  // cannot happen after check_lock_feasibility; the repair then reports it
    for (int t : tours_of(*built)) covered[static_cast<size_t>(t)] = 1;
    plan.rosters.push_back(std::move(*built));
  }
  for (int i = 0; i < static_cast<int>(tours.size()); ++i)
    if (!covered[static_cast<size_t>(i)]) plan.unassigned.push_back(UnassignedTour{i, {}, {}});
  out.plan = std::move(plan);
  return out;
}

}  // namespace so
