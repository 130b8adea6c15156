#include "solver/driver_classes.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>

namespace so::dm {

namespace {

// Cost weights of a driver-week (all below one driver; the lexicographic comparison of plans is
// exact, these only steer the LP).
constexpr double kShortfallWeight = 0.4;  // a full week of contract shortfall costs 0.4 driver
constexpr double kPtCost = 0.05;
constexpr double k1erCost = 0.01;
constexpr double kSplitCost = 0.002;
constexpr double kTightCost = 0.0005;
// An uncovered locked tour breaks a lock: its slack costs this many uncovered free tours.
constexpr double kLockedSlackFactor = 10.0;

// The previous week (dispatch.md §3) as this week's tours see it: how many distinct tour starts
// lie before the earliest start the rest from last week allows (0: it binds nothing), and the
// day by which a day off is due (-1: none, or a day without tours comes before it anyway).
std::pair<int, int> previous_week_key(const Driver& d, const DriverLimits& l, const std::vector<Minutes>& starts,
                                      const std::array<bool, 7>& tour_days) {
  int before = 0;
  if (const auto earliest = earliest_start_after_previous_week(d, l))
    before = static_cast<int>(std::lower_bound(starts.begin(), starts.end(), *earliest) - starts.begin());
  int off_by = day_off_due_by(d, l).value_or(-1);
  for (int day = 0; day <= off_by; ++day)
    if (!tour_days[static_cast<size_t>(day)]) off_by = -1;
  return {before, off_by};
}

auto limits_key(const DriverLimits& l) {
  return std::make_tuple(l.max_weekly_minutes, l.min_weekly_minutes, l.max_tours_per_day, l.min_rest_minutes,
                         l.min_rest_after_3er_minutes, l.max_daily_span_minutes.value_or(-1));
}

}  // namespace

TypeSet split_lock_types(const std::vector<Tour>& tours, const std::vector<int>& lock_owner) {
  TypeSet ts;
  ts.type_of_tour.assign(tours.size(), -1);
  for (const TourType& base : aggregate_tour_types(tours)) {
    TourType free_part = base;
    free_part.tours.clear();
    std::map<int, std::vector<int>> owned;  // ordered by driver index: canonical
    for (int i : base.tours) {
      const int o = lock_owner[static_cast<size_t>(i)];
      if (o < 0) free_part.tours.push_back(i);
      else owned[o].push_back(i);
    }
    auto emit = [&](TourType t, int o) {
      for (int i : t.tours) ts.type_of_tour[static_cast<size_t>(i)] = static_cast<int>(ts.types.size());
      ts.types.push_back(std::move(t));
      ts.owner.push_back(o);
    };
    if (!free_part.tours.empty()) emit(std::move(free_part), -1);
    for (auto& [o, list] : owned) {
      TourType t = base;
      t.tours = list;
      emit(std::move(t), o);
    }
  }
  return ts;
}

std::vector<DriverClass> build_classes(const std::vector<Driver>& drivers, const std::vector<char>& has_lock,
                                       const Policy& p, const std::vector<Tour>& tours) {
  using Key = std::tuple<std::vector<std::string>, std::array<bool, 7>, std::vector<std::pair<Minutes, Minutes>>,
                         decltype(limits_key(DriverLimits{})), std::pair<int, int>>;
  std::vector<Minutes> starts;
  std::array<bool, 7> tour_days{};
  for (const Tour& t : tours) {
    starts.push_back(t.week_start());
    if (t.day >= 0 && t.day < kDaysPerWeek) tour_days[static_cast<size_t>(t.day)] = true;
  }
  std::sort(starts.begin(), starts.end());
  starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
  std::map<Key, int> by_key;
  std::vector<DriverClass> classes;
  for (int d = 0; d < static_cast<int>(drivers.size()); ++d) {
    const Driver& dr = drivers[static_cast<size_t>(d)];
    const DriverLimits lim = driver_limits(dr, p);
    const std::pair<int, int> prev = previous_week_key(dr, lim, starts, tour_days);
    if (has_lock[static_cast<size_t>(d)]) {
      classes.push_back(DriverClass{{d}, d, lim, personal_policy(dr, p), prev.second});
      continue;
    }
    std::vector<std::pair<Minutes, Minutes>> un;
    for (const TimeWindow& w : dr.unavailable) un.emplace_back(w.start, w.end);
    Key key{dr.qualifications, dr.available_days, un, limits_key(lim), prev};
    auto [it, fresh] = by_key.emplace(key, static_cast<int>(classes.size()));
    if (fresh) classes.push_back(DriverClass{{}, -1, lim, personal_policy(dr, p), prev.second});
    classes[static_cast<size_t>(it->second)].members.push_back(d);
  }
  return classes;
}

CostModel class_cost(const DriverClass& c, const Policy& p, Minutes fte_minutes) {
  const double shortfall_w = kShortfallWeight / std::max<double>(1.0, p.max_weekly_minutes);
  CostModel m;
  m.driver = 1.0;
  m.pt = kPtCost;
  m.pt_threshold_minutes = fte_minutes;
  m.block_1er = k1erCost;
  m.block_split = kSplitCost;
  m.tight_rest = kTightCost;
  m.shortfall_per_minute = c.limits.min_weekly_minutes > 0 ? shortfall_w : 0.0;
  m.shortfall_target_minutes = c.limits.min_weekly_minutes;
  return m;
}

double max_column_cost() {
  return 1.0 + kPtCost + kShortfallWeight + kDaysPerWeek * (std::max(k1erCost, kSplitCost) + kTightCost);
}

namespace {

// Which classes may work which blocks (every driver-mode rule a single block can break).
// lock_day_types: the locked types per (owner, day); the owner's block on that day must hold all of them.
bool block_allowed(const DriverInput& in, const TypeSet& ts, const std::map<std::pair<int, int>, std::vector<int>>& lock_day_types,
                   const DriverClass& c, const BlockPattern& bp) {
  const std::vector<Driver>& drivers = in.drivers;
  const Policy& p = in.p;
  const std::vector<TourType>& types = ts.types;
  const Driver& rep_d = drivers[static_cast<size_t>(c.members[0])];
  std::vector<std::string> quals;
  for (int i = 0; i < bp.n; ++i) {
    const int t = bp.types[static_cast<size_t>(i)];
    const int o = ts.owner[static_cast<size_t>(t)];
    if (o >= 0 && o != c.lock_owner) return false;  // a locked tour only goes to its driver
    const TourType& tt = types[static_cast<size_t>(t)];
    if (!free_during(rep_d, week_minute(tt.day, tt.start), week_minute(tt.day, tt.end))) return false;
    quals.insert(quals.end(), tt.required_qualifications.begin(), tt.required_qualifications.end());
    if (p.one_location_per_driver && tt.location != types[static_cast<size_t>(bp.types[0])].location) return false;
  }
  std::sort(quals.begin(), quals.end());
  quals.erase(std::unique(quals.begin(), quals.end()), quals.end());
  if (!holds_qualifications(rep_d, quals) || !available_on_day(rep_d, bp.day)) return false;
  if (!within_daily_span(c.limits, bp.span()) || !within_tours_per_day(c.limits, bp.n) ||
      !within_weekly_limit(c.limits, bp.work) || !rested_from_previous_week(rep_d, c.limits, bp.start))
    return false;
  if (c.lock_owner >= 0) {
    auto it = lock_day_types.find({c.lock_owner, bp.day});
    if (it != lock_day_types.end())
      for (int t : it->second)
        if (std::find(bp.types.begin(), bp.types.begin() + bp.n, t) == bp.types.begin() + bp.n) return false;
  }
  return true;
}

// Per class and location (one location per driver), a sub-class with its own copies of the blocks
// the class may work; counts the candidate blocks kept.
void build_sub_classes(const DriverInput& in, ClassModel& m, SolveStats& stats) {
  const Policy& p = in.p;
  const TypeSet& ts = m.ts;
  const std::vector<TourType>& types = m.types();
  const std::vector<BlockPattern>& blocks = m.blocks;
  const std::vector<DriverClass>& classes = m.classes;
  const int ntypes = m.ntypes(), nclasses = m.nclasses();
  // Locked types per (owner, day): the owner's block on that day must hold all of them.
  std::map<std::pair<int, int>, std::vector<int>> lock_day_types;
  for (int t = 0; t < ntypes; ++t)
    if (ts.owner[static_cast<size_t>(t)] >= 0)
      lock_day_types[{ts.owner[static_cast<size_t>(t)], types[static_cast<size_t>(t)].day}].push_back(t);
  std::vector<BlockPattern>& copies = m.copies;
  std::vector<SubClass>& subs = m.subs;
  std::vector<char> block_used(blocks.size(), 0);
  for (int c = 0; c < nclasses; ++c) {
    const DriverClass& dc = classes[static_cast<size_t>(c)];
    // A locked driver works where its locked tours are.
    std::optional<std::string> lock_loc;
    if (dc.lock_owner >= 0 && p.one_location_per_driver)
      for (int t = 0; t < ntypes && !lock_loc; ++t)
        if (ts.owner[static_cast<size_t>(t)] == dc.lock_owner) lock_loc = types[static_cast<size_t>(t)].location;
    std::map<std::string, int> sub_of_loc;  // ordered: canonical
    std::vector<std::pair<int, std::string>> allowed;
    for (size_t b = 0; b < blocks.size(); ++b) {
      const BlockPattern& bp = blocks[b];
      if (!block_allowed(in, ts, lock_day_types, dc, bp)) continue;
      const std::string loc = p.one_location_per_driver ? types[static_cast<size_t>(bp.types[0])].location : std::string();
      if (lock_loc && loc != *lock_loc) continue;
      allowed.emplace_back(static_cast<int>(b), loc);
      sub_of_loc.emplace(loc, 0);
    }
    int k = static_cast<int>(subs.size());
    for (auto& [loc, idx] : sub_of_loc) {
      idx = k++;
      SubClass s;
      s.cls = c;
      s.location = loc;
      s.copy_of_block.assign(blocks.size(), -1);
      subs.push_back(std::move(s));
    }
    for (auto& [b, loc] : allowed) {
      SubClass& s = subs[static_cast<size_t>(sub_of_loc.at(loc))];
      const int id = static_cast<int>(copies.size());
      copies.push_back(blocks[static_cast<size_t>(b)]);
      s.copies.push_back(id);
      s.copy_of_block[static_cast<size_t>(b)] = id;
      block_used[static_cast<size_t>(b)] = 1;
    }
  }
  for (size_t b = 0; b < blocks.size(); ++b) {
    stats.candidates_raw[blocks[b].n - 1] += 1;
    if (block_used[b]) stats.candidates_kept[blocks[b].n - 1] += 1;
  }
}

}  // namespace

void build_class_model(const DriverInput& in, SolveStats& stats, ClassModel& m) {
  const Policy& p = in.p;
  m.ts = split_lock_types(in.tours, in.lock_owner);
  m.blocks = enumerate_blocks(m.ts.types, p);
  m.classes = build_classes(in.drivers, in.has_lock, p, in.tours);
  build_sub_classes(in, m, stats);
  m.max_column_cost = max_column_cost();
  m.big_m = static_cast<double>(in.ndrivers()) * m.max_column_cost + 1.0;
  for (SubClass& s : m.subs)
    s.pricer = std::make_unique<Pricer>(m.copies, s.copies, m.classes[static_cast<size_t>(s.cls)].policy,
                                        class_cost(m.classes[static_cast<size_t>(s.cls)], p, in.fte_minutes),
                                        m.classes[static_cast<size_t>(s.cls)].day_off_by);
  m.base_types = aggregate_tour_types(in.tours);
  m.demand.resize(static_cast<size_t>(m.ntypes()));
  m.slack_cost.resize(static_cast<size_t>(m.ntypes()));
  for (int t = 0; t < m.ntypes(); ++t) {
    m.demand[static_cast<size_t>(t)] = m.types()[static_cast<size_t>(t)].count();
    // A locked tour left uncovered breaks a lock: far worse than any free tour.
    m.slack_cost[static_cast<size_t>(t)] = m.ts.owner[static_cast<size_t>(t)] >= 0 ? kLockedSlackFactor * m.big_m : m.big_m;
  }
  for (const DriverClass& c : m.classes) m.capacity.push_back(static_cast<int>(c.members.size()));
}

}  // namespace so::dm
