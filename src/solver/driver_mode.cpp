// Driver mode (domain.md §7, driver_mode.hpp): column generation over driver classes, a dive
// with re-pricing on the residual, a second incumbent from the forecast-mode plan matched to
// real drivers, greedy insertion, true reasons for what stays unassigned, stability matching.
#include "solver/driver_mode.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <set>
#include <tuple>
#include <cstdio>
#include <cstdlib>

#include "core/audit.hpp"
#include "core/block.hpp"
#include "core/kpis.hpp"
#include "core/reasons.hpp"
#include "core/signature.hpp"
#include "solver/bounds.hpp"
#include "solver/budget.hpp"
#include "solver/driver_master.hpp"
#include "solver/flow.hpp"
#include "solver/integer.hpp"
#include "solver/locks.hpp"
#include "solver/pricing.hpp"
#include "solver/run_report.hpp"

namespace so {

namespace {

// Cost weights of a driver-week (all below one driver; the lexicographic comparison of plans is
// exact, these only steer the LP).
constexpr double kShortfallWeight = 0.4;  // a full week of contract shortfall costs 0.4 driver
constexpr double kPtCost = 0.05;
constexpr double k1erCost = 0.01;
constexpr double kSplitCost = 0.002;
constexpr double kTightCost = 0.0005;
// Columns per pricing round and sub-class; simplex work per master row (CG / dive).
constexpr int kColumnsPerRound = 10;
constexpr long kCgIterationsPerRow = 300;
constexpr long kDiveIterationsPerRow = 600;
constexpr long kIterationsBase = 20000;
// Dive: pricing rounds per step (the residual LP must be re-priced until the slacks are gone,
// else the residual is handed to the slacks with drivers left), and per step past the work limit.
constexpr int kDiveRoundsPerStep = 30;
constexpr int kDiveRoundsAfterWork = 5;
// Per dive step without columns at x ≥ 1: round up every column with x ≥ the threshold, at most this many.
constexpr double kRoundupThreshold = 0.3;
constexpr int kMaxRoundups = 8;
constexpr int kMaxDiveSteps = 5000;
// Share of the time the run has left that a forecast-mode sub-run may use (its own work limits end it sooner).
constexpr double kForecastShare = 0.6;
constexpr double kEps = 1e-6;
// Stability matching: rows² × columns above this use the greedy assignment (about a second of work).
constexpr double kMaxAssignmentWork = 1e9;
// Contract-minimum hand-over: roster/driver pairs examined at most (work limit).
constexpr long kMaxHandoverChecks = 5'000'000;
// Wentges dual smoothing factor of the column generation (0 = off), and the dual of a tour type
// without residual demand (closes it to pricing).
constexpr double kSmoothing = 0.5;
constexpr double kClosedDual = 1e6;
// The Lagrangian proves the restricted LP optimal when within this of it.
constexpr double kLagrangianGap = 1e-7;
// Pricing rounds of the pure driver-count master that certifies the LP bound.
constexpr int kPureBoundRounds = 60;
// While diving, a residual LP within this of its Lagrangian bound is good enough to fix from.
constexpr double kDiveGap = 0.2;
// LNS repair: rosters freed around an unassigned tour, CG rounds of the sub-problem, and the
// iterations without improvement after which it stops.
constexpr int kLnsNeighbourhood = 20;
constexpr int kLnsCgRounds = 60;
constexpr int kLnsStagnation = 16;
// Driver reduction: rounds (one driver fewer each) at most, weakest rosters tried per round, and
// roster checks in all (work limit).
constexpr int kReduceRounds = 8;
constexpr int kReduceTargets = 8;
constexpr long kReduceChecks = 400'000;
// A complete plan within this many drivers of the bound skips the root column generation (a count
// rule; a tailing-off stop for it was measured and dropped: it cost driver-gen-mix 2 drivers).
constexpr int kGoodEnoughGap = 1;

// Tour types with locked instances split off into types of their own (owner = driver index).
struct TypeSet {
  std::vector<TourType> types;
  std::vector<int> owner;         // per type: -1 free, else the lock owner's driver index
  std::vector<int> type_of_tour;  // per tour
};

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

// Interchangeable drivers: identical qualifications, availability, effective limits, contract
// minimum and previous week (as far as this week's tours can tell); a driver with locks is a
// class of its own.
struct DriverClass {
  std::vector<int> members;  // driver indices, request order
  int lock_owner = -1;       // driver index when the class is one locked driver
  DriverLimits limits;
  Policy policy;  // personal policy of the members
  int day_off_by = -1;  // the working-day streak from last week: a day in 0..day_off_by is off (-1: none)
};

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

// One (class, location) pair: its own copies of the blocks it may work and its pricer.
struct SubClass {
  int cls = 0;
  std::string location;
  std::vector<int> copies;           // ids into the concatenated copy vector
  std::vector<int> copy_of_block;    // global block -> copy id or -1
  std::unique_ptr<Pricer> pricer;
};

// A driver-week chosen for a class: copy ids (any sub-class of the class).
struct Draft {
  int cls = 0;
  Column col;  // copy ids
  bool operator<(const Draft& o) const { return std::tie(cls, col) < std::tie(o.cls, o.col); }
};

// Lexicographic objective of driver mode (smaller is better).
struct DmScore {
  int uncovered = 0, drivers = 0;
  long shortfall = 0;
  int pt = 0, blocks_1er = 0, blocks_split = 0, tight = 0;
  int changed = 0;  // previous-plan (driver, tour) pairs not kept: stability, the last tier
  auto tie() const { return std::tie(uncovered, drivers, shortfall, pt, blocks_1er, blocks_split, tight, changed); }
  bool operator<(const DmScore& o) const { return tie() < o.tie(); }
};

// Maximum-weight assignment rows → columns (rows ≤ columns), Hungarian method on costs −w.
std::vector<int> max_weight_assignment(const std::vector<std::vector<long>>& w, int ncols) {
  const int n = static_cast<int>(w.size());
  const int m = ncols;
  if (n == 0) return {};
  // Very large classes (thousands of interchangeable drivers): the cubic method would take
  // seconds, so pairs go greedily by weight (ties by row, column), the rest in order.
  if (static_cast<double>(n) * n * m > kMaxAssignmentWork) {
    std::vector<std::tuple<long, int, int>> pairs;
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < m; ++j)
        if (w[static_cast<size_t>(i)][static_cast<size_t>(j)] > 0) pairs.emplace_back(-w[static_cast<size_t>(i)][static_cast<size_t>(j)], i, j);
    std::sort(pairs.begin(), pairs.end());
    std::vector<int> a(static_cast<size_t>(n), -1);
    std::vector<char> col_used(static_cast<size_t>(m), 0);
    for (const auto& [negw, i, j] : pairs)
      if (a[static_cast<size_t>(i)] < 0 && !col_used[static_cast<size_t>(j)]) {
        a[static_cast<size_t>(i)] = j;
        col_used[static_cast<size_t>(j)] = 1;
      }
    int next = 0;
    for (int i = 0; i < n; ++i) {
      if (a[static_cast<size_t>(i)] >= 0) continue;
      while (col_used[static_cast<size_t>(next)]) ++next;
      a[static_cast<size_t>(i)] = next;
      col_used[static_cast<size_t>(next)] = 1;
    }
    return a;
  }
  const long INF = std::numeric_limits<long>::max() / 4;
  std::vector<long> u(static_cast<size_t>(n) + 1, 0), v(static_cast<size_t>(m) + 1, 0);
  std::vector<int> pcol(static_cast<size_t>(m) + 1, 0), way(static_cast<size_t>(m) + 1, 0);
  for (int i = 1; i <= n; ++i) {
    pcol[0] = i;
    int j0 = 0;
    std::vector<long> minv(static_cast<size_t>(m) + 1, INF);
    std::vector<char> used(static_cast<size_t>(m) + 1, 0);
    do {
      used[static_cast<size_t>(j0)] = 1;
      const int i0 = pcol[static_cast<size_t>(j0)];
      long delta = INF;
      int j1 = 0;
      for (int j = 1; j <= m; ++j) {
        if (used[static_cast<size_t>(j)]) continue;
        const long cur = -w[static_cast<size_t>(i0 - 1)][static_cast<size_t>(j - 1)] - u[static_cast<size_t>(i0)] -
                         v[static_cast<size_t>(j)];
        if (cur < minv[static_cast<size_t>(j)]) {
          minv[static_cast<size_t>(j)] = cur;
          way[static_cast<size_t>(j)] = j0;
        }
        if (minv[static_cast<size_t>(j)] < delta) {
          delta = minv[static_cast<size_t>(j)];
          j1 = j;
        }
      }
      for (int j = 0; j <= m; ++j) {
        if (used[static_cast<size_t>(j)]) {
          u[static_cast<size_t>(pcol[static_cast<size_t>(j)])] += delta;
          v[static_cast<size_t>(j)] -= delta;
        } else {
          minv[static_cast<size_t>(j)] -= delta;
        }
      }
      j0 = j1;
    } while (pcol[static_cast<size_t>(j0)] != 0);
    do {
      const int j1 = way[static_cast<size_t>(j0)];
      pcol[static_cast<size_t>(j0)] = pcol[static_cast<size_t>(j1)];
      j0 = j1;
    } while (j0);
  }
  std::vector<int> row_to_col(static_cast<size_t>(n), -1);
  for (int j = 1; j <= m; ++j)
    if (pcol[static_cast<size_t>(j)] > 0) row_to_col[static_cast<size_t>(pcol[static_cast<size_t>(j)] - 1)] = j - 1;
  return row_to_col;
}

// The kind of a block of concrete tours under the policy (nullopt: not a valid block).
std::optional<BlockKind> kind_of(std::vector<int>& block_tours, const std::vector<Tour>& tours, const Policy& p) {
  std::sort(block_tours.begin(), block_tours.end(), [&](int a, int b) {
    const Tour& x = tours[static_cast<size_t>(a)];
    const Tour& y = tours[static_cast<size_t>(b)];
    return std::tie(x.start, x.end, a) < std::tie(y.start, y.end, b);
  });
  std::vector<TourWindow> w;
  for (int t : block_tours) {
    const Tour& x = tours[static_cast<size_t>(t)];
    w.push_back(TourWindow{x.week_start(), x.week_end(), &x.location});
  }
  return classify_block(w, p);
}

}  // namespace

PlanReport solve_driver_mode(const SolveRequest& req, const SolveControl& control) {
  Budget budget(req.time_limit_seconds, control.cancel);
  const Policy& p = req.policy;
  const SolverConfig& cfg = req.config;
  const std::vector<Tour>& tours = req.tours;
  // Continuity across weeks (dispatch.md §3): a previous_plan of last week gives the drivers
  // without a previous_week of their own last week's end and streak.
  const std::vector<Driver> drivers = with_previous_week(req.drivers, req.previous, req.week_start);
  const int ndrivers = static_cast<int>(drivers.size());
  PlanReport rep = open_report(req, budget);
  rep.driver_mode.enabled = true;
  rep.driver_mode.drivers = drivers;
  for (const Lock& l : req.locks) rep.driver_mode.locks_requested += static_cast<int>(l.tour_ids.size());
  rep.driver_mode.locks = req.locks;
  rep.driver_mode.previous_assignments = req.previous.empty() ? -1 : static_cast<int>(req.previous.size());
  rep.driver_mode.previous_week_drivers = static_cast<int>(std::count_if(
      drivers.begin(), drivers.end(), [](const Driver& d) { return d.previous_last_end || d.previous_streak > 0; }));

  const Minutes fte_minutes = hours_to_minutes_threshold(p.fte_min_hours);
  int incumbent_drivers = -1;
  int best_bound = 0;
  bool safety_net = false;
  auto emit = [&](const char* type, Phase ph) {
    if (!control.on_progress) return;
    ProgressEvent e;
    e.type = type;
    e.phase = phase_name(ph);
    e.incumbent_drivers = incumbent_drivers;
    e.lower_bound = best_bound;
    e.elapsed_s = budget.elapsed();
    control.on_progress(e);
  };
  auto start_phase = [&](Phase ph) {
    budget.start_phase(ph);
    emit("phase_started", ph);
  };
  const StopFn stop = [&budget] { return budget.should_stop(); };
  std::vector<std::string> driver_order;
  for (const Driver& d : drivers) driver_order.push_back(d.id);

  auto finish = [&](Plan plan, const std::string& status) {
    budget.start_phase(Phase::Audit);
    emit("phase_started", Phase::Audit);
    order_driver_plan(plan, driver_order);
    rep.audit = audit_driver_plan(tours, p, drivers, req.locks, plan);
    rep.plan = std::move(plan);
    rep.status = status;
    if (!rep.audit.ok && (status == "OK" || status == "INFEASIBLE")) rep.status = "FAILED";
    name_best_bound(rep.lower_bounds);
    rep.kpis = compute_kpis(tours, p, rep.plan, rep.lower_bounds.best, cfg.fte_target_min_hours);
    add_driver_kpis(rep.kpis, tours, drivers, rep.plan);
    rep.solution_signature = solution_signature(tours, rep.plan, true);
    close_report(rep, budget, safety_net);
    return rep;
  };
  auto fail = [&](const char* code, std::string message) {
    add_reason(rep, code);
    rep.driver_mode.error = std::move(message);
    budget.end_phase(Phase::Profiling);
    return finish(Plan{}, "FAILED");
  };

  // ----------------------------------------------------------------------------- profiling
  start_phase(Phase::Profiling);
  if (auto errors = check_policy(p); !errors.empty()) return fail("INVALID_POLICY", errors.front());
  {
    std::set<std::string> ids;
    for (const Tour& t : tours) {
      if (!valid_tour(t)) return fail("INVALID_INPUT", "tour '" + t.id + "' has an invalid time window");
      if (!ids.insert(t.id).second) return fail("INVALID_INPUT", "tour id '" + t.id + "' appears twice");
    }
  }
  if (auto e = check_drivers(drivers)) return fail("INVALID_INPUT", *e);
  if (auto e = check_locks(req.locks, drivers, tours)) return fail("INVALID_INPUT", *e);
  if (auto e = check_lock_feasibility(req.locks, drivers, tours, p)) return fail("LOCK_INFEASIBLE", *e);

  std::map<std::string, int> tour_index, driver_index;
  for (int i = 0; i < static_cast<int>(tours.size()); ++i) tour_index.emplace(tours[static_cast<size_t>(i)].id, i);
  for (int d = 0; d < ndrivers; ++d) driver_index.emplace(drivers[static_cast<size_t>(d)].id, d);
  std::vector<int> lock_owner(tours.size(), -1);
  std::vector<char> has_lock(static_cast<size_t>(ndrivers), 0);
  for (const Lock& l : req.locks) {
    const int d = driver_index.at(l.driver_id);
    for (const std::string& id : l.tour_ids) lock_owner[static_cast<size_t>(tour_index.at(id))] = d;
    if (!l.tour_ids.empty()) has_lock[static_cast<size_t>(d)] = 1;
  }
  const bool any_lock = std::any_of(has_lock.begin(), has_lock.end(), [](char c) { return c != 0; });
  std::vector<DriverLimits> limits;
  for (const Driver& d : drivers) limits.push_back(driver_limits(d, p));

  const TypeSet ts = split_lock_types(tours, lock_owner);
  const std::vector<TourType>& types = ts.types;
  const int ntypes = static_cast<int>(types.size());
  const std::vector<BlockPattern> blocks = enumerate_blocks(types, p);
  const std::vector<DriverClass> classes = build_classes(drivers, has_lock, p, tours);
  const int nclasses = static_cast<int>(classes.size());

  // Locked types per (owner, day): the owner's block on that day must hold all of them.
  std::map<std::pair<int, int>, std::vector<int>> lock_day_types;
  for (int t = 0; t < ntypes; ++t)
    if (ts.owner[static_cast<size_t>(t)] >= 0)
      lock_day_types[{ts.owner[static_cast<size_t>(t)], types[static_cast<size_t>(t)].day}].push_back(t);

  // Which classes may work which blocks (every driver-mode rule a single block can break).
  auto block_allowed = [&](const DriverClass& c, const BlockPattern& bp) {
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
  };
  std::vector<BlockPattern> copies;
  std::vector<int> copy_sub, copy_orig;
  std::vector<SubClass> subs;
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
      if (!block_allowed(dc, bp)) continue;
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
      copy_sub.push_back(sub_of_loc.at(loc));
      copy_orig.push_back(b);
      s.copies.push_back(id);
      s.copy_of_block[static_cast<size_t>(b)] = id;
      block_used[static_cast<size_t>(b)] = 1;
    }
  }
  for (size_t b = 0; b < blocks.size(); ++b) {
    rep.stats.candidates_raw[blocks[b].n - 1] += 1;
    if (block_used[b]) rep.stats.candidates_kept[blocks[b].n - 1] += 1;
  }
  const double shortfall_w = kShortfallWeight / std::max<double>(1.0, p.max_weekly_minutes);
  auto class_cost = [&](const DriverClass& c) {
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
  };
  // The most a driver-week can cost: uncovered tours cost more than the whole pool.
  const double max_column_cost =
      1.0 + kPtCost + kShortfallWeight + kDaysPerWeek * (std::max(k1erCost, kSplitCost) + kTightCost);
  const double big_m = static_cast<double>(ndrivers) * max_column_cost + 1.0;
  for (SubClass& s : subs)
    s.pricer = std::make_unique<Pricer>(copies, s.copies, classes[static_cast<size_t>(s.cls)].policy,
                                        class_cost(classes[static_cast<size_t>(s.cls)]),
                                        classes[static_cast<size_t>(s.cls)].day_off_by);

  // Bounds on drivers for full coverage (personal limits only tighten: the forecast-mode bounds hold).
  const std::vector<TourType> base_types = aggregate_tour_types(tours);
  {
    const std::vector<BlockPattern> base_blocks = enumerate_blocks(base_types, p);
    rep.lower_bounds.hours = hours_bound(base_types, p);
    rep.lower_bounds.per_day = per_day_bound(base_types, base_blocks, p);
    rep.lower_bounds.path_cover = path_cover_bound(base_types, p);
    rep.lower_bounds.rest_concurrency = rest_concurrency_bound(base_types, p);
  }
  best_bound = std::max({rep.lower_bounds.hours, rep.lower_bounds.per_day, rep.lower_bounds.path_cover,
                         rep.lower_bounds.rest_concurrency});
  // Bound on uncovered tours: tours no driver can ever work; the rest-concurrency clique (its
  // tours pairwise exclude each other, so each driver covers at most one).
  int never = 0;
  for (int i = 0; i < static_cast<int>(tours.size()); ++i) {
    bool any = false;
    for (int d = 0; d < ndrivers && !any; ++d)
      any = can_ever_work(drivers[static_cast<size_t>(d)], limits[static_cast<size_t>(d)], tours[static_cast<size_t>(i)]);
    never += !any;
  }
  int uncovered_bound = never;
  std::string uncovered_name = "no_driver";
  if (rep.lower_bounds.rest_concurrency - ndrivers > uncovered_bound) {
    uncovered_bound = rep.lower_bounds.rest_concurrency - ndrivers;
    uncovered_name = "rest_concurrency";
  }
  budget.end_phase(Phase::Profiling);

  auto cancelled_exit = [&](Plan plan) {
    budget.end_phase(budget.current());
    return finish(std::move(plan), "CANCELLED");
  };
  auto all_unassigned = [&]() {
    Plan plan;
    for (int i = 0; i < static_cast<int>(tours.size()); ++i) plan.unassigned.push_back(UnassignedTour{i, {kInfeasible}, {}});
    return plan;
  };
  if (budget.cancelled()) return cancelled_exit(all_unassigned());

  // ----------------------------------------------------------------------------- helpers
  // Drafts -> a concrete plan on real drivers. With a previous plan, rosters are matched to the
  // class's drivers and tour instances to rosters to keep the most previous pairs.
  std::map<std::pair<int, int>, char> prev_pair;  // (driver, tour) of the previous plan
  for (const PreviousAssignment& pa : req.previous) {
    auto di = driver_index.find(pa.driver_id);
    auto ti = tour_index.find(pa.tour_id);
    if (di != driver_index.end() && ti != tour_index.end()) prev_pair[{di->second, ti->second}] = 1;
  }
  auto to_plan = [&](std::vector<Draft> drafts) {
    std::sort(drafts.begin(), drafts.end());
    std::vector<int> driver_of(drafts.size(), -1);
    for (int c = 0; c < nclasses; ++c) {
      std::vector<int> mine;
      for (int i = 0; i < static_cast<int>(drafts.size()); ++i)
        if (drafts[static_cast<size_t>(i)].cls == c) mine.push_back(i);
      const std::vector<int>& members = classes[static_cast<size_t>(c)].members;
      const int n = std::min<int>(static_cast<int>(mine.size()), static_cast<int>(members.size()));
      if (prev_pair.empty() || n == 0) {
        for (int k = 0; k < n; ++k) driver_of[static_cast<size_t>(mine[static_cast<size_t>(k)])] = members[static_cast<size_t>(k)];
        continue;
      }
      // Weight: the draft's types some instance of which the driver had before.
      std::vector<std::vector<long>> w(static_cast<size_t>(n), std::vector<long>(members.size(), 0));
      for (int k = 0; k < n; ++k)
        for (int b : drafts[static_cast<size_t>(mine[static_cast<size_t>(k)])].col) {
          const BlockPattern& bp = copies[static_cast<size_t>(b)];
          for (int i = 0; i < bp.n; ++i)
            for (int tour : types[static_cast<size_t>(bp.types[static_cast<size_t>(i)])].tours)
              for (size_t m = 0; m < members.size(); ++m)
                if (prev_pair.count({members[m], tour})) w[static_cast<size_t>(k)][m] += 1;
        }
      const std::vector<int> a = max_weight_assignment(w, static_cast<int>(members.size()));
      for (int k = 0; k < n; ++k) driver_of[static_cast<size_t>(mine[static_cast<size_t>(k)])] = members[static_cast<size_t>(a[static_cast<size_t>(k)])];
    }
    // Instances: first the instance the roster's driver had before, then in instance order.
    std::vector<std::vector<int>> holders(static_cast<size_t>(ntypes));  // draft indices per type
    for (int i = 0; i < static_cast<int>(drafts.size()); ++i) {
      if (driver_of[static_cast<size_t>(i)] < 0) continue;
      for (int b : drafts[static_cast<size_t>(i)].col) {
        const BlockPattern& bp = copies[static_cast<size_t>(b)];
        for (int k = 0; k < bp.n; ++k) holders[static_cast<size_t>(bp.types[static_cast<size_t>(k)])].push_back(i);
      }
    }
    std::map<std::pair<int, int>, int> inst;  // (draft, type) -> tour
    std::vector<char> taken(tours.size(), 0);
    for (int t = 0; t < ntypes; ++t) {
      const std::vector<int>& list = types[static_cast<size_t>(t)].tours;
      std::vector<int>& hs = holders[static_cast<size_t>(t)];
      std::vector<char> done(hs.size(), 0);
      for (size_t h = 0; h < hs.size(); ++h)
        for (int tour : list)
          if (!taken[static_cast<size_t>(tour)] && prev_pair.count({driver_of[static_cast<size_t>(hs[h])], tour})) {
            inst[{hs[h], t}] = tour;
            taken[static_cast<size_t>(tour)] = 1;
            done[h] = 1;
            break;
          }
      size_t next = 0;
      for (size_t h = 0; h < hs.size(); ++h) {
        if (done[h]) continue;
        while (next < list.size() && taken[static_cast<size_t>(list[next])]) ++next;
        if (next == list.size()) break;  // over-covered type (cannot happen with equality rows)
        inst[{hs[h], t}] = list[next];
        taken[static_cast<size_t>(list[next])] = 1;
      }
    }
    Plan plan;
    for (int i = 0; i < static_cast<int>(drafts.size()); ++i) {
      const int d = driver_of[static_cast<size_t>(i)];
      if (d < 0) continue;
      Roster r;
      r.driver_id = drivers[static_cast<size_t>(d)].id;
      r.driver_name = drivers[static_cast<size_t>(d)].name;
      for (int b : drafts[static_cast<size_t>(i)].col) {
        const BlockPattern& bp = copies[static_cast<size_t>(b)];
        Block blk;
        blk.day = bp.day;
        blk.kind = bp.kind;
        for (int k = 0; k < bp.n; ++k) {
          auto it = inst.find({i, bp.types[static_cast<size_t>(k)]});
          if (it != inst.end()) blk.tours.push_back(it->second);
        }
        if (static_cast<int>(blk.tours.size()) != bp.n) {
          // Lost an instance: keep what is left only if it is still a valid block.
          for (int t : blk.tours) taken[static_cast<size_t>(t)] = 0;
          continue;
        }
        r.blocks.push_back(std::move(blk));
      }
      std::sort(r.blocks.begin(), r.blocks.end(), [](const Block& a, const Block& b) { return a.day < b.day; });
      if (!r.blocks.empty()) plan.rosters.push_back(std::move(r));
    }
    for (int i = 0; i < static_cast<int>(tours.size()); ++i)
      if (!taken[static_cast<size_t>(i)]) plan.unassigned.push_back(UnassignedTour{i, {}, {}});
    return plan;
  };
  auto driver_of_id = [&](const std::string& id) { return driver_index.at(id); };
  auto score_plan = [&](const Plan& plan) {
    DmScore s;
    s.uncovered = static_cast<int>(plan.unassigned.size());
    for (const Roster& r : plan.rosters) {
      if (r.blocks.empty()) continue;
      const DriverLimits& lim = limits[static_cast<size_t>(driver_of_id(r.driver_id))];
      s.drivers += 1;
      const Minutes work = roster_work(r, tours);
      s.shortfall += std::max<Minutes>(0, lim.min_weekly_minutes - work);
      s.pt += work < fte_minutes;
      for (size_t i = 0; i < r.blocks.size(); ++i) {
        const Block& b = r.blocks[i];
        s.blocks_1er += b.kind == BlockKind::One;
        s.blocks_split += b.kind == BlockKind::TwoSplit;
        if (i > 0 && r.blocks[i - 1].day + 1 == b.day &&
            rest_between(block_end(r.blocks[i - 1], tours), block_start(b, tours)) ==
                required_rest_after(r.blocks[i - 1].kind, p))
          s.tight += 1;
      }
    }
    if (!prev_pair.empty()) {
      int kept = 0;
      for (const Roster& r : plan.rosters) {
        const int d = driver_of_id(r.driver_id);
        for (const Block& b : r.blocks)
          for (int t : b.tours) kept += prev_pair.count({d, t}) > 0;
      }
      s.changed = static_cast<int>(prev_pair.size()) - kept;
    }
    return s;
  };
  // Greedy insertion: an unassigned tour goes to the first driver nothing blocks (drivers already
  // working first, so no driver is added while a working one can take it).
  auto insert_unassigned = [&](Plan& plan) {
    std::map<std::string, int> roster_of;
    for (int i = 0; i < static_cast<int>(plan.rosters.size()); ++i) roster_of[plan.rosters[static_cast<size_t>(i)].driver_id] = i;
    std::vector<UnassignedTour> still;
    for (const UnassignedTour& u : plan.unassigned) {
      bool placed = false;
      for (int pass = 0; pass < 2 && !placed; ++pass)
        for (int d = 0; d < ndrivers && !placed; ++d) {
          const Driver& dr = drivers[static_cast<size_t>(d)];
          auto it = roster_of.find(dr.id);
          const bool working = it != roster_of.end() && !plan.rosters[static_cast<size_t>(it->second)].blocks.empty();
          if ((pass == 0) != working) continue;
          // A locked tour goes to its driver or nowhere.
          if (const int o = lock_owner[static_cast<size_t>(u.tour)]; o >= 0 && o != d) continue;
          const Roster* r = it != roster_of.end() ? &plan.rosters[static_cast<size_t>(it->second)] : nullptr;
          if (!driver_blockers(u.tour, dr, r, tours, p).empty()) continue;
          if (it == roster_of.end()) {
            Roster fresh;
            fresh.driver_id = dr.id;
            fresh.driver_name = dr.name;
            plan.rosters.push_back(std::move(fresh));
            it = roster_of.emplace(dr.id, static_cast<int>(plan.rosters.size()) - 1).first;
          }
          Roster& ro = plan.rosters[static_cast<size_t>(it->second)];
          const int day = tours[static_cast<size_t>(u.tour)].day;
          auto bit = std::find_if(ro.blocks.begin(), ro.blocks.end(), [&](const Block& b) { return b.day == day; });
          if (bit == ro.blocks.end()) {
            Block b;
            b.day = day;
            b.tours = {u.tour};
            b.kind = BlockKind::One;
            ro.blocks.push_back(std::move(b));
            std::sort(ro.blocks.begin(), ro.blocks.end(), [](const Block& a, const Block& b) { return a.day < b.day; });
            placed = true;
          } else {
            std::vector<int> tt = bit->tours;
            tt.push_back(u.tour);
            if (auto k = kind_of(tt, tours, p)) {
              bit->tours = tt;
              bit->kind = *k;
              placed = true;
            }
          }
        }
      if (!placed) still.push_back(u);
    }
    plan.unassigned = std::move(still);
    std::erase_if(plan.rosters, [](const Roster& r) { return r.blocks.empty(); });
  };
  // The roster of driver d holding exactly `list`, rebuilt in time order (nullopt: some rule breaks).
  auto rebuild = [&](int d, std::vector<int> list) -> std::optional<Roster> {
    std::sort(list.begin(), list.end(), [&](int a, int b) {
      return std::make_pair(tours[static_cast<size_t>(a)].week_start(), a) < std::make_pair(tours[static_cast<size_t>(b)].week_start(), b);
    });
    Roster built;
    built.driver_id = drivers[static_cast<size_t>(d)].id;
    built.driver_name = drivers[static_cast<size_t>(d)].name;
    for (int t : list) {
      if (!driver_blockers(t, drivers[static_cast<size_t>(d)], &built, tours, p).empty()) return std::nullopt;
      const int day = tours[static_cast<size_t>(t)].day;
      auto it = std::find_if(built.blocks.begin(), built.blocks.end(), [&](const Block& b) { return b.day == day; });
      if (it == built.blocks.end()) {
        built.blocks.push_back(Block{day, {t}, BlockKind::One});
        std::sort(built.blocks.begin(), built.blocks.end(), [](const Block& a, const Block& b) { return a.day < b.day; });
      } else {
        std::vector<int> tt = it->tours;
        tt.push_back(t);
        const auto k = kind_of(tt, tours, p);
        if (!k) return std::nullopt;
        it->tours = tt;
        it->kind = *k;
      }
    }
    return built;
  };
  // Stderr traces of the search (SO_DM_DEBUG=1), compiled in only with -DSO_DM_TRACE.
#ifdef SO_DM_TRACE
  const bool dbg = std::getenv("SO_DM_DEBUG") != nullptr;
#else
  constexpr bool dbg = false;
#endif
  // The forecast plan with its qualified tours moved to rosters for the qualified drivers (one
  // qualification set only; nullopt when the windows cannot be covered that way).
  auto relabel_forecast = [&](const Plan& fp) -> std::optional<Plan> {
    std::optional<std::vector<std::string>> qset;
    for (const Tour& t : tours) {
      if (t.required_qualifications.empty()) continue;
      if (qset && *qset != t.required_qualifications) return std::nullopt;
      qset = t.required_qualifications;
    }
    if (!qset) return std::nullopt;
    int nq = 0;
    for (const Driver& d : drivers) nq += holds_qualifications(d, *qset);
    using Window = std::tuple<int, Minutes, Minutes, std::string>;
    std::map<Window, int> window_id;  // ordered: canonical
    std::vector<int> window_of(tours.size(), -1);
    for (int i = 0; i < static_cast<int>(tours.size()); ++i) {
      const Tour& t = tours[static_cast<size_t>(i)];
      window_of[static_cast<size_t>(i)] = window_id.emplace(Window{t.day, t.start, t.end, t.location}, static_cast<int>(window_id.size())).first->second;
    }
    const int nw = static_cast<int>(window_id.size()), nr = static_cast<int>(fp.rosters.size());
    std::vector<int> deficit(static_cast<size_t>(nw), 0);
    for (int i = 0; i < static_cast<int>(tours.size()); ++i)
      deficit[static_cast<size_t>(window_of[static_cast<size_t>(i)])] += !tours[static_cast<size_t>(i)].required_qualifications.empty();
    std::vector<std::map<int, int>> slots(static_cast<size_t>(nr));  // per roster: window -> tours
    for (int r = 0; r < nr; ++r)
      for (const Block& b : fp.rosters[static_cast<size_t>(r)].blocks)
        for (int t : b.tours) slots[static_cast<size_t>(r)][window_of[static_cast<size_t>(t)]] += 1;
    // Greedy multi-cover: the roster covering most of the remaining qualified demand (ties by index).
    std::vector<char> chosen(static_cast<size_t>(nr), 0);
    int left = std::accumulate(deficit.begin(), deficit.end(), 0);
    for (int k = 0; k < nq && left > 0; ++k) {
      int best = -1, best_gain = 0;
      for (int r = 0; r < nr; ++r) {
        if (chosen[static_cast<size_t>(r)]) continue;
        int gain = 0;
        for (auto [w, n] : slots[static_cast<size_t>(r)]) gain += std::min(n, deficit[static_cast<size_t>(w)]);
        if (gain > best_gain) best_gain = gain, best = r;
      }
      if (best < 0) break;
      chosen[static_cast<size_t>(best)] = 1;
      for (auto [w, n] : slots[static_cast<size_t>(best)]) {
        const int take = std::min(n, deficit[static_cast<size_t>(w)]);
        deficit[static_cast<size_t>(w)] -= take;
        left -= take;
      }
    }
    if (left > 0) return std::nullopt;
    // Per window: qualified tours first into the chosen rosters' slots, then the rest.
    std::vector<std::vector<int>> wtours(static_cast<size_t>(nw)), wslots(static_cast<size_t>(nw));
    for (int i = 0; i < static_cast<int>(tours.size()); ++i) wtours[static_cast<size_t>(window_of[static_cast<size_t>(i)])].push_back(i);
    for (auto& v : wtours)
      std::stable_sort(v.begin(), v.end(), [&](int a, int b) {
        return !tours[static_cast<size_t>(a)].required_qualifications.empty() && tours[static_cast<size_t>(b)].required_qualifications.empty();
      });
    for (int pass = 0; pass < 2; ++pass)
      for (int r = 0; r < nr; ++r)
        if ((chosen[static_cast<size_t>(r)] != 0) == (pass == 0))
          for (const Block& b : fp.rosters[static_cast<size_t>(r)].blocks)
            for (int t : b.tours) wslots[static_cast<size_t>(window_of[static_cast<size_t>(t)])].push_back(r);
    std::vector<std::vector<int>> lists(static_cast<size_t>(nr));
    for (int w = 0; w < nw; ++w)
      for (size_t k = 0; k < wslots[static_cast<size_t>(w)].size() && k < wtours[static_cast<size_t>(w)].size(); ++k)
        lists[static_cast<size_t>(wslots[static_cast<size_t>(w)][k])].push_back(wtours[static_cast<size_t>(w)][k]);
    // Drivers: chosen rosters first; each roster to the first unused driver who may work it,
    // unqualified drivers first for the rest (ties by index).
    std::vector<int> dorder(static_cast<size_t>(ndrivers));
    std::iota(dorder.begin(), dorder.end(), 0);
    std::stable_sort(dorder.begin(), dorder.end(), [&](int a, int b) {
      return drivers[static_cast<size_t>(a)].qualifications.size() < drivers[static_cast<size_t>(b)].qualifications.size();
    });
    std::vector<char> used(static_cast<size_t>(ndrivers), 0);
    Plan out;
    std::vector<char> covered(tours.size(), 0);
    for (int pass = 0; pass < 2; ++pass)
      for (int r = 0; r < nr; ++r) {
        if ((chosen[static_cast<size_t>(r)] != 0) != (pass == 0) || lists[static_cast<size_t>(r)].empty()) continue;
        for (int d : dorder) {
          if (used[static_cast<size_t>(d)]) continue;
          auto ro = rebuild(d, lists[static_cast<size_t>(r)]);
          if (!ro) continue;
          used[static_cast<size_t>(d)] = 1;
          for (int t : lists[static_cast<size_t>(r)]) covered[static_cast<size_t>(t)] = 1;
          out.rosters.push_back(std::move(*ro));
          break;
        }
      }
    for (int i = 0; i < static_cast<int>(tours.size()); ++i)
      if (!covered[static_cast<size_t>(i)]) out.unassigned.push_back(UnassignedTour{i, {}, {}});
    if (dbg) std::fprintf(stderr, "[dm] relabel: %d chosen of %d qualified drivers, %zu rosters, %zu uncovered\n",
                          static_cast<int>(std::count(chosen.begin(), chosen.end(), 1)), nq, out.rosters.size(), out.unassigned.size());
    return out;
  };
  std::optional<Plan> best_plan;
  DmScore best_score;
  auto offer = [&](Plan plan, Phase ph) {
    // Every candidate gets its greedy insertion first: a plan one tour short may beat a complete one after it.
    if (!plan.unassigned.empty()) insert_unassigned(plan);
    const DmScore sc = score_plan(plan);
    if (dbg) std::fprintf(stderr, "[dm] offer phase %s: uncovered %d drivers %d shortfall %ld t=%.2f\n", phase_name(ph), sc.uncovered, sc.drivers, sc.shortfall, budget.elapsed());
    if (best_plan && !(sc < best_score)) return false;
    // Only audited plans become the incumbent: a candidate that breaks a rule (or holds a tour
    // twice) is dropped here, never returned (issue 11: a lock once produced TOUR_DUPLICATED).
    // (Reason codes of unassigned tours are computed once, for the final plan.)
    const AuditResult a = audit_driver_plan(tours, p, drivers, req.locks, plan);
    const auto breach = std::find_if(a.violations.begin(), a.violations.end(),
                                     [](const Violation& v) { return v.code != "UNASSIGNED_WITHOUT_REASON"; });
    if (breach != a.violations.end()) {
      if (dbg) std::fprintf(stderr, "[dm] offer phase %s rejected by the audit: %s\n", phase_name(ph), breach->message.c_str());
      return false;
    }
    const bool first = !best_plan.has_value();
    best_plan = std::move(plan);
    best_score = sc;
    incumbent_drivers = sc.drivers;
    if (first) rep.stats.time_to_first_plan_s = budget.elapsed();
    rep.stats.time_to_best_s = budget.elapsed();
    emit("progress", ph);
    return true;
  };
  auto is_optimal = [&](const DmScore& s) {
    return s.uncovered <= uncovered_bound && (s.uncovered > 0 || s.drivers <= best_bound);
  };
  // Complete and within kGoodEnoughGap drivers of the bound: the column generation and dive are
  // skipped (a count rule, not the clock). Measured on driver-ref-mix: the layered incumbent had
  // 143 drivers against 142 at 2 s and the CG needs more than its 15 s slice to try for 142 (the
  // relabelled forecast plan now reaches 142 at 1.6 s).
  auto good_enough = [&](const DmScore& s) {
    return is_optimal(s) || (s.uncovered == 0 && s.drivers <= best_bound + kGoodEnoughGap);
  };

  // ----------------------------------------------------------------------------- phase 1
  start_phase(Phase::Phase1);
  std::vector<int> demand(static_cast<size_t>(ntypes));
  std::vector<double> slack_cost(static_cast<size_t>(ntypes));
  for (int t = 0; t < ntypes; ++t) {
    demand[static_cast<size_t>(t)] = types[static_cast<size_t>(t)].count();
    // A locked tour left uncovered breaks a lock: far worse than any free tour.
    slack_cost[static_cast<size_t>(t)] = ts.owner[static_cast<size_t>(t)] >= 0 ? 10.0 * big_m : big_m;
  }
  std::vector<int> capacity;
  for (const DriverClass& c : classes) capacity.push_back(static_cast<int>(c.members.size()));
  DriverMaster master(demand, slack_cost, capacity);
  const long nrows = ntypes + nclasses;

  // Locks cost nothing (locks.hpp): the plan of the same pool without the locks, its rosters
  // re-dealt so that every lock holds. Its bounds hold here too (a lock only restricts), and a
  // re-dealt plan as good as the unlocked one needs no column generation.
  bool locks_free = false;
  if (any_lock && !budget.should_stop()) {
    SolveRequest free_req = req;
    free_req.locks.clear();
    free_req.time_limit_seconds = std::max(0.1, kForecastShare * budget.seconds_left_in_run());
    SolveControl fc;
    fc.cancel = control.cancel;
    const PlanReport fr = solve_driver_mode(free_req, fc);
    if (std::find(fr.reason_codes.begin(), fr.reason_codes.end(), "TIME_LIMIT_REACHED") != fr.reason_codes.end())
      safety_net = true;
    rep.stats.columns_generated += fr.stats.columns_generated;
    rep.stats.lp_iterations += fr.stats.lp_iterations;
    const LowerBounds& fb = fr.lower_bounds;
    for (auto [mine, theirs] : {std::pair{&rep.lower_bounds.lp, &fb.lp}, std::pair{&rep.lower_bounds.lagrangian, &fb.lagrangian}})
      if (theirs->has_value() && theirs->value() > mine->value_or(-1)) *mine = *theirs;
    if (fb.lp == rep.lower_bounds.lp) rep.lower_bounds.lp_value = fb.lp_value;
    best_bound = std::max({best_bound, fb.lp.value_or(0), fb.lagrangian.value_or(0)});
    if (fb.uncovered_tours.value_or(0) > uncovered_bound) {
      uncovered_bound = *fb.uncovered_tours;
      uncovered_name = fb.uncovered_tours_name;
    }
    if (fr.audit.ok && (fr.status == "OK" || fr.status == "INFEASIBLE")) {
      HonouredLocks h = honour_locks(fr.plan, tours, drivers, req.locks, p);
      if (dbg) std::fprintf(stderr, "[dm] locks: unlocked %zu rosters %zu uncovered; matched %d pinned %d dropped %d t=%.2f\n",
                            fr.plan.rosters.size(), fr.plan.unassigned.size(), h.matched, h.pinned, h.rosters_dropped, budget.elapsed());
      if (offer(std::move(h.plan), Phase::Phase1)) {
        DmScore unlocked;
        unlocked.uncovered = static_cast<int>(fr.plan.unassigned.size());
        unlocked.drivers = fr.kpis.drivers_total;
        locks_free = best_score.uncovered <= unlocked.uncovered &&
                     (best_score.uncovered < unlocked.uncovered || best_score.drivers <= unlocked.drivers);
      }
    }
  }

  // Stability candidate: the previous plan projected on this week — each previous driver's tours
  // that still exist, rebuilt in time order and kept only where the reason-code checks allow them
  // (every prefix of a valid block is valid), then gap-filled. Offered like any plan, it wins only
  // where the higher tiers tie; with locks it is skipped (it ignores them).
  if (!prev_pair.empty() && !any_lock) {
    std::map<int, std::vector<int>> wanted;  // driver -> tours (ordered: canonical)
    for (const auto& [dt, one] : prev_pair) wanted[dt.first].push_back(dt.second);
    Plan cand;
    std::vector<char> taken(tours.size(), 0);
    for (auto& [d, list] : wanted) {
      std::sort(list.begin(), list.end(), [&](int a, int b) {
        return std::make_pair(tours[static_cast<size_t>(a)].week_start(), a) <
               std::make_pair(tours[static_cast<size_t>(b)].week_start(), b);
      });
      Roster r;
      r.driver_id = drivers[static_cast<size_t>(d)].id;
      r.driver_name = drivers[static_cast<size_t>(d)].name;
      for (int t : list) {
        if (taken[static_cast<size_t>(t)] || !driver_blockers(t, drivers[static_cast<size_t>(d)], &r, tours, p).empty()) continue;
        const int day = tours[static_cast<size_t>(t)].day;
        auto it = std::find_if(r.blocks.begin(), r.blocks.end(), [&](const Block& b) { return b.day == day; });
        if (it == r.blocks.end()) {
          r.blocks.push_back(Block{day, {}, BlockKind::One});
          it = r.blocks.end() - 1;
        }
        it->tours.push_back(t);
        std::vector<TourWindow> w;
        for (int x : it->tours)
          w.push_back(TourWindow{tours[static_cast<size_t>(x)].week_start(), tours[static_cast<size_t>(x)].week_end(),
                                 &tours[static_cast<size_t>(x)].location});
        it->kind = classify_block(w, p).value_or(BlockKind::One);
        taken[static_cast<size_t>(t)] = 1;
        std::sort(r.blocks.begin(), r.blocks.end(), [](const Block& a, const Block& b) { return a.day < b.day; });
      }
      if (!r.blocks.empty()) cand.rosters.push_back(std::move(r));
    }
    for (int i = 0; i < static_cast<int>(tours.size()); ++i)
      if (!taken[static_cast<size_t>(i)]) cand.unassigned.push_back(UnassignedTour{i, {}, {}});
    offer(std::move(cand), Phase::Phase1);
  }

  // Matches forecast-mode rosters (global block ids) to drivers and offers the plan.
  auto match_forecast = [&](const std::vector<Column>& forecast_cols, bool seed = true) {
    if (forecast_cols.empty()) return;
    {
      // Legal classes per roster: every block allowed for one sub-class, the week feasible under
      // the class's personal policy.
      const int nr = static_cast<int>(forecast_cols.size());
      std::vector<std::vector<std::pair<int, Column>>> legal(static_cast<size_t>(nr));  // (sub, copy column)
      for (int r = 0; r < nr; ++r)
        for (int s = 0; s < static_cast<int>(subs.size()); ++s) {
          Column cc;
          for (int b : forecast_cols[static_cast<size_t>(r)]) {
            const int id = subs[static_cast<size_t>(s)].copy_of_block[static_cast<size_t>(b)];
            if (id < 0) break;
            cc.push_back(id);
          }
          if (cc.size() != forecast_cols[static_cast<size_t>(r)].size()) continue;
          const DriverClass& dc = classes[static_cast<size_t>(subs[static_cast<size_t>(s)].cls)];
          if (!column_feasible(cc, copies, dc.policy, dc.day_off_by)) continue;
          legal[static_cast<size_t>(r)].emplace_back(s, std::move(cc));
        }
      // Seed the master with every legal copy of the forecast rosters, and per sub-class with the
      // part of each roster it may work (whole days dropped: a roster without some of its days
      // stays feasible). Without these the first rounds only price the slacks out.
      if (seed) {
        std::vector<Column> cols;
        std::vector<int> cl;
        std::vector<double> costs;
        for (int r = 0; r < nr; ++r)
          for (auto& [s, cc] : legal[static_cast<size_t>(r)]) {
            cols.push_back(cc);
            cl.push_back(subs[static_cast<size_t>(s)].cls);
            costs.push_back(subs[static_cast<size_t>(s)].pricer->cost_of(cc));
          }
        for (int r = 0; r < nr; ++r)
          for (int s = 0; s < static_cast<int>(subs.size()); ++s) {
            const SubClass& sc = subs[static_cast<size_t>(s)];
            Column cc;
            for (int b : forecast_cols[static_cast<size_t>(r)])
              if (const int id = sc.copy_of_block[static_cast<size_t>(b)]; id >= 0) cc.push_back(id);
            if (cc.empty() || cc.size() == forecast_cols[static_cast<size_t>(r)].size()) continue;
            if (!column_feasible(cc, copies, classes[static_cast<size_t>(sc.cls)].policy,
                                 classes[static_cast<size_t>(sc.cls)].day_off_by))
              continue;
            cols.push_back(cc);
            cl.push_back(sc.cls);
            costs.push_back(sc.pricer->cost_of(cc));
          }
        master.add_columns(cols, cl, costs, copies);
      }
      // Greedy on the transversal matroid: rosters by most tours first, kept while all kept
      // rosters can still be matched to distinct drivers (max flow) — a max-weight matching.
      std::vector<int> order(static_cast<size_t>(nr));
      std::iota(order.begin(), order.end(), 0);
      auto ntours = [&](int r) {
        int n = 0;
        for (int b : forecast_cols[static_cast<size_t>(r)]) n += blocks[static_cast<size_t>(b)].n;
        return n;
      };
      std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return ntours(a) > ntours(b); });
      std::vector<int> kept;
      auto matching = [&](const std::vector<int>& rs, std::vector<int>* sub_of) {
        const int n = static_cast<int>(rs.size());
        MaxFlow f(n + nclasses + 2);
        const int src = n + nclasses, snk = src + 1;
        std::vector<std::vector<std::pair<int, int>>> arcs(static_cast<size_t>(n));  // (arc, legal index)
        for (int i = 0; i < n; ++i) {
          f.add_arc(src, i, 1);
          const auto& lg = legal[static_cast<size_t>(rs[static_cast<size_t>(i)])];
          std::set<int> seen;
          for (int k = 0; k < static_cast<int>(lg.size()); ++k) {
            const int c = subs[static_cast<size_t>(lg[static_cast<size_t>(k)].first)].cls;
            if (!seen.insert(c).second) continue;
            arcs[static_cast<size_t>(i)].emplace_back(f.add_arc(i, n + c, 1), k);
          }
        }
        for (int c = 0; c < nclasses; ++c) f.add_arc(n + c, snk, capacity[static_cast<size_t>(c)]);
        const int64_t flow = f.solve(src, snk);
        if (sub_of) {
          sub_of->assign(static_cast<size_t>(n), -1);
          for (int i = 0; i < n; ++i)
            for (auto [a, k] : arcs[static_cast<size_t>(i)])
              if (f.flow_on(a) > 0) (*sub_of)[static_cast<size_t>(i)] = k;
        }
        return flow == n;
      };
      for (int r : order) {
        if (legal[static_cast<size_t>(r)].empty()) continue;
        kept.push_back(r);
        if (!matching(kept, nullptr)) kept.pop_back();
      }
      std::vector<int> pick;
      matching(kept, &pick);
      std::vector<Draft> drafts;
      for (size_t i = 0; i < kept.size(); ++i) {
        const auto& [s, cc] = legal[static_cast<size_t>(kept[i])][static_cast<size_t>(pick[i])];
        drafts.push_back(Draft{subs[static_cast<size_t>(s)].cls, cc});
      }
      offer(to_plan(std::move(drafts)), Phase::Phase1);
    }
  };

  // Second incumbent first: the forecast-mode plan (fewest drivers, policy rules), its rosters
  // matched to drivers who may legally work them whole. Skipped with locks (it ignores them).
  // Forecast-mode sub-solves stop on their own work limits; their wall-clock budget is only their
  // safety net, so it is a generous share of what the run has left (a share of the time limit
  // made the safety net fire on short budgets: 5 s on driver-ref-mix).
  auto sub_solve_limit = [&] { return std::max(0.1, kForecastShare * budget.seconds_left_in_run()); };
  std::vector<Column> forecast_cols;  // global block ids
  if (!any_lock && !budget.should_stop()) {
    SolveRequest sub;
    sub.tours = tours;
    sub.policy = p;
    sub.config = cfg;
    sub.config_report = req.config_report;
    sub.seed = req.seed;
    sub.time_limit_seconds = sub_solve_limit();
    SolveControl sc;
    sc.cancel = control.cancel;
    const PlanReport fr = solve(sub, sc);
    if (std::find(fr.reason_codes.begin(), fr.reason_codes.end(), "TIME_LIMIT_REACHED") != fr.reason_codes.end())
      safety_net = true;
    if (fr.lower_bounds.lp) {
      rep.lower_bounds.lp = fr.lower_bounds.lp;
      rep.lower_bounds.lp_value = fr.lower_bounds.lp_value;
      best_bound = std::max(best_bound, *fr.lower_bounds.lp);
    }
    rep.stats.columns_generated += fr.stats.columns_generated;
    rep.stats.lp_iterations += fr.stats.lp_iterations;
    if (fr.audit.ok && !fr.plan.rosters.empty()) {
      const BlockIndex index(blocks);
      if (auto cols = rosters_from_plan(fr.plan, tours, ts.type_of_tour, index)) forecast_cols = *cols;
    }
    match_forecast(forecast_cols);
    // Qualified tours relabelled inside the forecast plan: tours of one time window (day, start,
    // end, location) are interchangeable for every policy rule, so the qualified ones may move to
    // the few rosters chosen for the qualified drivers (greedy multi-cover of the qualified tours'
    // windows), the unqualified ones to the rest. A full-week plan at the forecast driver count.
    if (fr.audit.ok && !fr.plan.rosters.empty() && nclasses > 1 && best_plan && best_score.uncovered > uncovered_bound)
      if (auto relabelled = relabel_forecast(fr.plan)) offer(std::move(*relabelled), Phase::Phase1);
    // Scarce qualifications (e.g. ADR held by 30 % of the pool): the week's forecast rosters mix
    // them into almost every roster, so few are legal for anyone. Layered instead: the tours only
    // a minority of the pool may work are rostered on their own, the rest on their own, and both
    // roster sets are matched to drivers (and seed the master): a near-complete first plan that
    // spares the column generation its long slack-pricing start.
    if (nclasses > 1 && best_plan && best_score.uncovered > uncovered_bound && !budget.should_stop()) {
      std::vector<char> scarce(tours.size(), 0);
      int nscarce = 0;
      for (int i = 0; i < static_cast<int>(tours.size()); ++i) {
        int able = 0;
        for (const DriverClass& c : classes)
          if (can_ever_work(drivers[static_cast<size_t>(c.members[0])], c.limits, tours[static_cast<size_t>(i)]))
            able += static_cast<int>(c.members.size());
        scarce[static_cast<size_t>(i)] = able > 0 && 2 * able < ndrivers;
        nscarce += scarce[static_cast<size_t>(i)];
      }
      if (nscarce > 0 && nscarce < static_cast<int>(tours.size())) {
        Plan layered;
        bool ok = true;
        // Incumbent only, no seeds: measured on driver-gen-mix, its columns steer the root LP
        // to a basis the dive rounds to 59 instead of 57.
        constexpr bool seed_layered = false;
        for (int layer = 0; layer < 2 && ok && !budget.should_stop(); ++layer) {
          SolveRequest sl = sub;
          sl.tours.clear();
          std::vector<int> orig;
          for (int i = 0; i < static_cast<int>(tours.size()); ++i)
            if ((scarce[static_cast<size_t>(i)] != 0) == (layer == 0)) {
              sl.tours.push_back(tours[static_cast<size_t>(i)]);
              orig.push_back(i);
            }
          sl.time_limit_seconds = sub_solve_limit();
          const PlanReport lr = solve(sl, sc);
          if (std::find(lr.reason_codes.begin(), lr.reason_codes.end(), "TIME_LIMIT_REACHED") != lr.reason_codes.end())
            safety_net = true;
          rep.stats.columns_generated += lr.stats.columns_generated;
          rep.stats.lp_iterations += lr.stats.lp_iterations;
          ok = lr.audit.ok && !lr.plan.rosters.empty();
          for (Roster r : lr.plan.rosters) {
            for (Block& b : r.blocks)
              for (int& t : b.tours) t = orig[static_cast<size_t>(t)];
            layered.rosters.push_back(std::move(r));
          }
        }
        const BlockIndex index(blocks);
        if (ok)
          if (auto cols = rosters_from_plan(layered, tours, ts.type_of_tour, index)) match_forecast(*cols, seed_layered);
        if (dbg) std::fprintf(stderr, "[dm] layered forecast: %d scarce tours, %zu rosters, t=%.2f\n", nscarce,
                              layered.rosters.size(), budget.elapsed());
      }
    }
    // Pool smaller than the forecast plan: leave out tours of the rest-concurrency clique (each
    // driver covers at most one of them) until that bound fits the pool, then re-solve the week
    // without them; those tours are the certified minimum left uncovered when it works out.
    if (!forecast_cols.empty() && best_plan && best_score.uncovered > uncovered_bound && nclasses == 1 &&
        !budget.should_stop()) {
      std::vector<TourType> rt = base_types;
      std::vector<char> removed(tours.size(), 0);
      for (int guard = 0; guard < static_cast<int>(tours.size()); ++guard) {
        const int now = rest_concurrency_bound(rt, p);
        if (now <= ndrivers) break;
        int pick = -1, pick_bound = now;
        for (int t = 0; t < static_cast<int>(rt.size()); ++t) {
          if (rt[static_cast<size_t>(t)].tours.empty()) continue;
          std::vector<TourType> trial = rt;
          trial[static_cast<size_t>(t)].tours.pop_back();
          if (trial[static_cast<size_t>(t)].tours.empty()) trial.erase(trial.begin() + t);
          const int v = rest_concurrency_bound(trial, p);
          if (v < pick_bound) {
            pick_bound = v;
            pick = t;
          }
        }
        if (pick < 0) break;
        removed[static_cast<size_t>(rt[static_cast<size_t>(pick)].tours.back())] = 1;
        rt[static_cast<size_t>(pick)].tours.pop_back();
        if (rt[static_cast<size_t>(pick)].tours.empty()) rt.erase(rt.begin() + pick);
      }
      SolveRequest sub2 = sub;
      sub2.tours.clear();
      std::vector<int> orig;
      for (int i = 0; i < static_cast<int>(tours.size()); ++i)
        if (!removed[static_cast<size_t>(i)]) {
          sub2.tours.push_back(tours[static_cast<size_t>(i)]);
          orig.push_back(i);
        }
      sub2.time_limit_seconds = sub_solve_limit();
      PlanReport fr2 = solve(sub2, sc);
      if (std::find(fr2.reason_codes.begin(), fr2.reason_codes.end(), "TIME_LIMIT_REACHED") != fr2.reason_codes.end())
        safety_net = true;
      if (fr2.audit.ok && !fr2.plan.rosters.empty()) {
        for (Roster& r : fr2.plan.rosters)
          for (Block& b : r.blocks)
            for (int& t : b.tours) t = orig[static_cast<size_t>(t)];
        fr2.plan.unassigned.clear();
        const BlockIndex index(blocks);
        if (auto cols = rosters_from_plan(fr2.plan, tours, ts.type_of_tour, index)) match_forecast(*cols);
      }
      if (dbg) std::fprintf(stderr, "[dm] reduced week: %d tours left out, %d drivers, t=%.2f\n",
                            static_cast<int>(tours.size() - sub2.tours.size()), fr2.kpis.drivers_total, budget.elapsed());
    }
  }
  if (budget.cancelled()) return cancelled_exit(best_plan ? *best_plan : all_unassigned());

  // Column generation of the driver-mode master (per-class exact pricing).
  const int per_round = std::max(1, std::min(cfg.cg_columns_per_round, kColumnsPerRound));
  struct CgOut {
    bool converged = false, stopped = false, failed = false;
    int rounds = 0;
    double lp = 0;            // objective of the last restricted-master solve
    double lagrangian = -1e300;  // best valid lower bound on the full master LP (weak duality)
  };
  using PricerList = std::vector<std::pair<const Pricer*, int>>;  // (pricer, class)
  PricerList all_pricers;
  for (const SubClass& s : subs) all_pricers.emplace_back(s.pricer.get(), s.cls);
  // Bounds from the duals need exact pricing (a quantised DP only finds columns; pricing.hpp).
  const bool exact_pricing = std::all_of(subs.begin(), subs.end(), [](const SubClass& s) { return s.pricer->exact(); });
  // Column generation with Wentges dual smoothing (as colgen.cpp): price at a convex combination
  // of the best-Lagrangian duals and the current ones; on a mis-price, at the current ones.
  // Types with no residual demand are closed to pricing (their rows force x = 0 anyway).
  // Lagrangian of duals (π, μ): Σ_t d_t min(π_t, s_t) + Σ_c n_c min(0, min_p∈c cost_p − a_p π),
  // valid for any π (u_t ≤ d_t, Σ_{p∈c} x_p ≤ n_c).
  auto run_cg_on = [&](DriverMaster& master, const PricerList& pricers, int max_rounds, long max_iterations,
                       double gap = kLagrangianGap, bool certify = false) {
    CgOut out;
    const long it0 = master.iterations();
    const int nt = master.num_types(), nc = master.num_classes();
    std::vector<double> center, center_mu;
    while (true) {
      if (budget.should_stop()) {
        out.stopped = true;
        break;
      }
      const long left = max_iterations - (master.iterations() - it0);
      if (left <= 0 && out.rounds > 0) break;
      const DriverMaster::Status st = master.solve(stop, std::max(left, kMinSolveIterations), std::max(0.05, budget.seconds_left_in_phase()));
      if (st != DriverMaster::Status::Optimal) {
        if (st == DriverMaster::Status::Stopped) out.stopped = true;
        else out.failed = true;
        break;
      }
      out.lp = master.objective();
      if (out.rounds >= max_rounds) break;
      std::vector<double> pi = master.type_duals();
      const std::vector<double> mu = master.class_duals();
      for (int t = 0; t < nt; ++t)
        if (master.demand(t) == 0) pi[static_cast<size_t>(t)] = -kClosedDual;
      std::vector<Column> cols;
      std::vector<int> cl;
      std::vector<double> costs;
      bool converged = false;
      for (int attempt = 0; attempt < 2 && cols.empty() && !converged; ++attempt) {
        const double alpha = (attempt == 0 && !center.empty()) ? kSmoothing : 0.0;
        std::vector<double> sep = pi, sep_mu = mu;
        if (alpha > 0) {
          for (int t = 0; t < nt; ++t)
            if (master.demand(t) > 0)
              sep[static_cast<size_t>(t)] = alpha * center[static_cast<size_t>(t)] + (1 - alpha) * pi[static_cast<size_t>(t)];
          for (int c = 0; c < nc; ++c)
            sep_mu[static_cast<size_t>(c)] = alpha * center_mu[static_cast<size_t>(c)] + (1 - alpha) * mu[static_cast<size_t>(c)];
        }
        std::vector<double> rc0(static_cast<size_t>(nc), 0.0);
        bool any_priced = false, pricing_stopped = false;
        for (const auto& [pricer, cls] : pricers) {
          const double m = sep_mu[static_cast<size_t>(cls)];
          const PricingResult pr = pricer->price(sep, m, alpha > 0 ? 4 * per_round : per_round, kPricingTolerance, &stop);
          if (pr.stopped) {  // the clock or a cancel: no bound from a partial pricing
            pricing_stopped = true;
            break;
          }
          if (std::isfinite(pr.best_reduced_cost))
            rc0[static_cast<size_t>(cls)] = std::min(rc0[static_cast<size_t>(cls)], pr.best_reduced_cost + m);
          any_priced = any_priced || !pr.columns.empty();
          int taken = 0;
          for (const PricedColumn& pc : pr.columns) {
            if (taken >= per_round) break;
            const double cost = pricer->cost_of(pc.blocks);
            double rc = cost - mu[static_cast<size_t>(cls)];
            for (int b : pc.blocks) {
              const BlockPattern& bp = copies[static_cast<size_t>(b)];
              for (int i = 0; i < bp.n; ++i) rc -= pi[static_cast<size_t>(bp.types[static_cast<size_t>(i)])];
            }
            if (rc < -kPricingTolerance) {
              cols.push_back(pc.blocks);
              cl.push_back(cls);
              costs.push_back(cost);
              ++taken;
            }
          }
        }
        if (pricing_stopped) {
          out.stopped = true;
          break;
        }
        double lag = 0;
        for (int t = 0; t < nt; ++t)
          if (master.demand(t) > 0)
            lag += master.demand(t) * std::min(sep[static_cast<size_t>(t)], master.slack_cost(t));
        for (int c = 0; c < nc; ++c) lag += master.capacity(c) * std::min(0.0, rc0[static_cast<size_t>(c)]);
        if (lag > out.lagrangian) {
          out.lagrangian = lag;
          center = sep;
          center_mu = sep_mu;
        }
        if (alpha == 0 && !any_priced) converged = true;
        if (out.lagrangian >= out.lp - gap) converged = true;  // the duals prove the LP optimal (up to gap)
        // Pure driver counting: stop once the integer bound ⌈Lagrangian⌉ reaches ⌈LP⌉.
        if (certify && certified_ceil(out.lagrangian) >= certified_ceil(out.lp)) converged = true;
      }
      if (dbg && std::getenv("SO_DM_DEBUG_CG")) std::fprintf(stderr, "[dm]   round %d lp %.4f lag %.4f cols %zu t=%.2f\n", out.rounds, out.lp, out.lagrangian, cols.size(), budget.elapsed());
      if (converged) {
        out.converged = true;
        break;
      }
      if (cols.empty()) break;  // cannot happen: a mis-price re-prices at the current duals
      const int before = master.num_columns();
      master.add_columns(cols, cl, costs, copies);
      rep.stats.columns_generated += master.num_columns() - before;
      if (master.num_columns() == before) {
        out.converged = true;  // only known columns priced out: the LP is optimal up to tolerance
        break;
      }
      ++out.rounds;
    }
    rep.stats.lp_iterations += static_cast<int>(master.iterations() - it0);
    return out;
  };
  bool phase2_timeout = false;
  if (!(best_plan && (locks_free || good_enough(best_score)))) {
    const CgOut root = run_cg_on(master, all_pricers, cfg.cg_max_rounds, kCgIterationsPerRow * nrows + kIterationsBase,
                                 kLagrangianGap, false);
    if (root.stopped && !budget.cancelled()) safety_net = true;
    if (dbg) std::fprintf(stderr, "[dm] root cg: conv %d rounds %d lp %.4f cols %d iters %ld t=%.2f subs %zu classes %d\n", root.converged, root.rounds, master.objective(), master.num_columns(), master.iterations(), budget.elapsed(), subs.size(), nclasses);
    if (!root.stopped && !root.failed && !any_lock && exact_pricing) {
      // LP bound on uncovered tours: M Σu + Σ cost x ≥ LP ≥ Lagrangian and Σ cost x ≤ pool × max column cost.
      const int lp_unc = certified_ceil((root.lagrangian - ndrivers * max_column_cost) / big_m);
      if (lp_unc > uncovered_bound) {
        uncovered_bound = lp_unc;
        uncovered_name = "lp";
      }
    }
    // Certified bound on drivers for full coverage: the pure driver-count master (cost 1 per
    // column, slack M), warm-started from the root pool, until ⌈Lagrangian⌉ = ⌈LP⌉ or its work
    // limit. Valid: every full-coverage plan is a solution of it without slack, and the
    // Lagrangian bounds its LP from below for any duals.
    if (!root.stopped && !budget.should_stop() && exact_pricing) {
      DriverMaster pure(demand, slack_cost, capacity);
      std::vector<Column> cols;
      std::vector<int> cl;
      for (int j = 0; j < master.num_columns(); ++j) {
        cols.push_back(master.column(j));
        cl.push_back(master.column_class(j));
      }
      pure.add_columns(cols, cl, std::vector<double>(cols.size(), 1.0), copies);
      std::vector<std::unique_ptr<Pricer>> own;
      PricerList pl;
      for (const SubClass& sc : subs) {
        own.push_back(std::make_unique<Pricer>(copies, sc.copies, classes[static_cast<size_t>(sc.cls)].policy,
                                               driver_count_cost(), classes[static_cast<size_t>(sc.cls)].day_off_by));
        pl.emplace_back(own.back().get(), sc.cls);
      }
      const CgOut pc = run_cg_on(pure, pl, kPureBoundRounds, kCgIterationsPerRow * nrows + kIterationsBase,
                                 kLagrangianGap, /*certify=*/true);
      // A value above the pool size prices uncovered-tour slack: it only says that this pool cannot
      // cover the week (lower_bounds.uncovered_tours says by how much), not how many drivers a
      // plan needs — e.g. 831 "drivers" for 150 on the reference week with last week's rest.
      if (!pc.stopped && !pc.failed && certified_ceil(pc.lagrangian) <= ndrivers) {
        const int lb = certified_ceil(pc.lagrangian);
        if (dbg) std::fprintf(stderr, "[dm] pure bound: lp %.4f lag %.4f -> %d rounds %d t=%.2f\n", pc.lp, pc.lagrangian, lb, pc.rounds, budget.elapsed());
        // ⌈LP⌉ only when the duals proved it (converged); otherwise the value is a Lagrangian
        // bound and is reported under that name.
        if (pc.converged && lb > rep.lower_bounds.lp.value_or(-1)) {
          rep.lower_bounds.lp = lb;
          rep.lower_bounds.lp_value = pc.lagrangian;
        } else if (!pc.converged && lb > rep.lower_bounds.lp.value_or(-1) && lb > rep.lower_bounds.lagrangian.value_or(-1)) {
          rep.lower_bounds.lagrangian = lb;
        }
        best_bound = std::max(best_bound, lb);
      }
    }
  }
  emit("progress", Phase::Phase1);
  budget.end_phase(Phase::Phase1);
  if (budget.cancelled()) return cancelled_exit(best_plan ? *best_plan : all_unassigned());

  // Dive: fix columns with x ≥ 1 at their floor, else round up (see kRoundupThreshold); demand
  // and class capacity shrink; re-price on the residual; repeat. Returns the drafts.
  struct DiveOut {
    std::vector<Draft> drafts;
    bool completed = false, timeout = false;
  };
  auto dive_on = [&](DriverMaster& master, const PricerList& pricers, long dive_iterations) {
    DiveOut res;
    bool& completed = res.completed;
    bool& phase2_timeout = res.timeout;
    std::vector<Draft>& drafts = res.drafts;
    
    const long it_start = master.iterations();
    for (int step = 0; step < kMaxDiveSteps; ++step) {
      const bool work_left = master.iterations() - it_start < dive_iterations;
      // Past the work limit the steps still re-price, briefly: fixing on a stale pool would
      // hand the residual to the slacks although drivers are left (the "42 uncovered" defect).
      const CgOut cg = run_cg_on(master, pricers, work_left ? kDiveRoundsPerStep : kDiveRoundsAfterWork,
                                 work_left ? dive_iterations - (master.iterations() - it_start) : 0, kDiveGap);
      if (cg.stopped) {
        phase2_timeout = true;
        if (!budget.cancelled()) safety_net = true;
        break;
      }
      if (cg.failed) break;
      const std::vector<double> x = master.values();
      double slack = 0;
      for (double v : master.slacks()) slack += v;
      // The residual may go to the slacks only when the LP says so (converged) or no pricing is left.
      const bool settled = slack < kEps || cg.converged || cg.rounds == 0;
      if (dbg) { int dem=0; for(int t=0;t<master.num_types();++t) dem+=master.demand(t); std::fprintf(stderr, "[dm]  step %d conv %d rounds %d lp %.3f slack %.2f demand %d iters %ld\n", step, cg.converged, cg.rounds, master.objective(), slack, dem, master.iterations()-it_start); }
      std::vector<std::pair<int, int>> fix;  // (column, copies)
      bool integral = true;
      for (int j = 0; j < static_cast<int>(x.size()); ++j) {
        const double v = x[static_cast<size_t>(j)];
        if (std::fabs(v - std::round(v)) > kEps) integral = false;
        const int k = static_cast<int>(std::floor(v + kEps));
        if (k > 0) fix.emplace_back(j, k);
      }
      if (!work_left) {
        // Work used up: finish like the forecast dive, every column still in the LP solution is
        // rounded up (largest x first, ties by index); only the residual is re-priced.
        fix.clear();
        std::vector<std::pair<double, int>> pos;
        for (int j = 0; j < static_cast<int>(x.size()); ++j)
          if (x[static_cast<size_t>(j)] > kEps) pos.emplace_back(-x[static_cast<size_t>(j)], j);
        std::sort(pos.begin(), pos.end());
        for (const auto& [negx, j] : pos) fix.emplace_back(j, static_cast<int>(std::ceil(-negx - kEps)));
      }
      if (fix.empty()) {
        // Round up: every column with x ≥ kRoundupThreshold (largest first, at most
        // kMaxRoundups; saves re-solves), else the largest one. Ties by column index.
        std::vector<std::pair<double, int>> frac;
        for (int j = 0; j < static_cast<int>(x.size()); ++j)
          if (x[static_cast<size_t>(j)] > kEps) frac.emplace_back(-x[static_cast<size_t>(j)], j);
        std::sort(frac.begin(), frac.end());
        if (frac.empty()) {
          if (!settled) continue;  // price more before giving the residual up
          completed = true;  // the residual goes to the slacks
          break;
        }
        for (const auto& [negx, j] : frac) {
          if (!fix.empty() && (-negx < kRoundupThreshold || static_cast<int>(fix.size()) >= kMaxRoundups)) break;
          fix.emplace_back(j, 1);
        }
      }
      for (auto [j, k] : fix) {
        const int c = master.column_class(j);
        // Capacity and demand may have shrunk below k through an earlier fix of this step.
        int kk = std::min(k, master.capacity(c));
        for (int b : master.column(j)) {
          const BlockPattern& bp = copies[static_cast<size_t>(b)];
          for (int i = 0; i < bp.n; ++i) kk = std::min(kk, master.demand(bp.types[static_cast<size_t>(i)]));
        }
        if (kk <= 0) continue;
        for (int b : master.column(j)) {
          const BlockPattern& bp = copies[static_cast<size_t>(b)];
          for (int i = 0; i < bp.n; ++i) {
            const int t = bp.types[static_cast<size_t>(i)];
            master.set_demand(t, master.demand(t) - kk);
          }
        }
        master.set_capacity(c, master.capacity(c) - kk);
        for (int r = 0; r < kk; ++r) drafts.push_back(Draft{c, master.column(j)});
      }
      master.remove_dead_columns(copies);
      if (integral && slack < kEps) {
        completed = true;
        break;
      }
    }
    return res;
  };

  // ----------------------------------------------------------------------------- phase 2
  start_phase(Phase::Phase2);
  if (!(best_plan && (locks_free || good_enough(best_score)))) {
    // Dive: fix columns with x ≥ 1 at their floor, else round the largest fractional one up;
    // demand and class capacity shrink; re-price on the residual; repeat.
    const long dive_iterations = kDiveIterationsPerRow * nrows + kIterationsBase;
    const long it_start = master.iterations();
    DiveOut dv = dive_on(master, all_pricers, dive_iterations);
    std::vector<Draft>& drafts = dv.drafts;
    const bool completed = dv.completed;
    phase2_timeout = dv.timeout;
    if (dbg) std::fprintf(stderr, "[dm] dive: drafts %zu completed %d iters %ld t=%.2f\n", drafts.size(), completed, master.iterations() - it_start, budget.elapsed());
    rep.stats.set_partitioning_status = phase2_timeout ? "timeout" : (completed ? "success" : "fallback");
    offer(to_plan(std::move(drafts)), Phase::Phase2);
  }
  budget.end_phase(Phase::Phase2);
  if (budget.cancelled()) return cancelled_exit(best_plan ? *best_plan : all_unassigned());

  // ----------------------------------------------------------------------------- lns
  start_phase(Phase::Lns);
  Plan plan = best_plan ? *best_plan : all_unassigned();
  // A lock the plan does not keep (never expected): the driver gets exactly its locked tours,
  // the rest of its roster goes back to the unassigned tours.
  for (int d = 0; d < ndrivers; ++d) {
    if (!has_lock[static_cast<size_t>(d)]) continue;
    std::vector<int> locked;
    for (int i = 0; i < static_cast<int>(tours.size()); ++i)
      if (lock_owner[static_cast<size_t>(i)] == d) locked.push_back(i);
    auto it = std::find_if(plan.rosters.begin(), plan.rosters.end(),
                           [&](const Roster& r) { return r.driver_id == drivers[static_cast<size_t>(d)].id; });
    std::set<int> have;
    if (it != plan.rosters.end())
      for (const Block& b : it->blocks) have.insert(b.tours.begin(), b.tours.end());
    if (std::all_of(locked.begin(), locked.end(), [&](int t) { return have.count(t) > 0; })) continue;
    if (it != plan.rosters.end()) {
      for (int t : have) plan.unassigned.push_back(UnassignedTour{t, {}, {}});
      plan.rosters.erase(it);
    }
    std::erase_if(plan.unassigned, [&](const UnassignedTour& u) { return lock_owner[static_cast<size_t>(u.tour)] == d; });
    Roster r;
    r.driver_id = drivers[static_cast<size_t>(d)].id;
    r.driver_name = drivers[static_cast<size_t>(d)].name;
    std::map<int, std::vector<int>> by_day;
    for (int t : locked) by_day[tours[static_cast<size_t>(t)].day].push_back(t);
    for (auto& [day, ts_] : by_day) {
      Block b;
      b.day = day;
      b.tours = ts_;
      b.kind = kind_of(b.tours, tours, p).value_or(BlockKind::One);
      r.blocks.push_back(std::move(b));
    }
    plan.rosters.push_back(std::move(r));
  }
  std::sort(plan.unassigned.begin(), plan.unassigned.end(),
            [](const UnassignedTour& a, const UnassignedTour& b) { return a.tour < b.tour; });
  insert_unassigned(plan);

  const BlockIndex global_index(blocks);
  // Re-solves the tours of the freed rosters (plus the unassigned ones) on the freed and idle
  // drivers: the driver-mode CG + dive restricted to them, kept rosters unchanged; nullopt when
  // the clock (safety net) stopped the dive.
  auto resolve_freed = [&](const Plan& plan, std::vector<int> freed) -> std::optional<Plan> {
    std::sort(freed.begin(), freed.end());
    std::vector<char> is_freed(plan.rosters.size(), 0);
    for (int r : freed) is_freed[static_cast<size_t>(r)] = 1;
    // Freed tours and drivers (plus idle drivers).
    std::vector<std::vector<int>> inst(static_cast<size_t>(ntypes));
    std::vector<char> busy(static_cast<size_t>(ndrivers), 0);
    std::vector<std::vector<int>> free_drivers(static_cast<size_t>(nclasses));
    std::vector<int> class_of_driver(static_cast<size_t>(ndrivers), -1);
    for (int c = 0; c < nclasses; ++c)
      for (int d : classes[static_cast<size_t>(c)].members) class_of_driver[static_cast<size_t>(d)] = c;
    for (int r = 0; r < static_cast<int>(plan.rosters.size()); ++r) {
      const int d = driver_of_id(plan.rosters[static_cast<size_t>(r)].driver_id);
      if (!is_freed[static_cast<size_t>(r)]) {
        busy[static_cast<size_t>(d)] = 1;
        continue;
      }
      for (const Block& b : plan.rosters[static_cast<size_t>(r)].blocks)
        for (int t : b.tours) inst[static_cast<size_t>(ts.type_of_tour[static_cast<size_t>(t)])].push_back(t);
    }
    for (const UnassignedTour& x : plan.unassigned) inst[static_cast<size_t>(ts.type_of_tour[static_cast<size_t>(x.tour)])].push_back(x.tour);
    for (int d = 0; d < ndrivers; ++d)
      if (!busy[static_cast<size_t>(d)]) free_drivers[static_cast<size_t>(class_of_driver[static_cast<size_t>(d)])].push_back(d);
    std::vector<int> sdem(static_cast<size_t>(ntypes), 0), scap(static_cast<size_t>(nclasses), 0);
    for (int t = 0; t < ntypes; ++t) {
      std::sort(inst[static_cast<size_t>(t)].begin(), inst[static_cast<size_t>(t)].end());
      sdem[static_cast<size_t>(t)] = static_cast<int>(inst[static_cast<size_t>(t)].size());
    }
    for (int c = 0; c < nclasses; ++c) scap[static_cast<size_t>(c)] = static_cast<int>(free_drivers[static_cast<size_t>(c)].size());
    // Pricers over the blocks of freed types only.
    std::vector<std::unique_ptr<Pricer>> own;
    PricerList pl;
    for (const SubClass& sc : subs) {
      if (scap[static_cast<size_t>(sc.cls)] == 0) continue;
      std::vector<int> allowed;
      for (int id : sc.copies) {
        const BlockPattern& bp = copies[static_cast<size_t>(id)];
        bool ok = true;
        for (int i = 0; i < bp.n && ok; ++i) ok = sdem[static_cast<size_t>(bp.types[static_cast<size_t>(i)])] > 0;
        if (ok) allowed.push_back(id);
      }
      if (allowed.empty()) continue;
      own.push_back(std::make_unique<Pricer>(copies, std::move(allowed), classes[static_cast<size_t>(sc.cls)].policy,
                                             class_cost(classes[static_cast<size_t>(sc.cls)]),
                                             classes[static_cast<size_t>(sc.cls)].day_off_by));
      pl.emplace_back(own.back().get(), sc.cls);
    }
    DriverMaster sm(sdem, slack_cost, scap);
    {
      // Warm start: the freed rosters themselves are columns of the sub-problem.
      std::vector<Column> cols;
      std::vector<int> cl;
      std::vector<double> costs;
      for (int r : freed) {
        const Roster& ro = plan.rosters[static_cast<size_t>(r)];
        const int c = class_of_driver[static_cast<size_t>(driver_of_id(ro.driver_id))];
        for (const SubClass& sc : subs) {
          if (sc.cls != c) continue;
          Column col;
          for (const Block& b : ro.blocks) {
            std::vector<int> tt;
            for (int t : b.tours) tt.push_back(ts.type_of_tour[static_cast<size_t>(t)]);
            std::sort(tt.begin(), tt.end());
            const int g = global_index.find(b.day, tt);
            const int id = g >= 0 ? sc.copy_of_block[static_cast<size_t>(g)] : -1;
            if (id < 0) break;
            col.push_back(id);
          }
          if (col.size() != ro.blocks.size() || col.empty()) continue;
          cols.push_back(col);
          cl.push_back(c);
          costs.push_back(sc.pricer->cost_of(col));
        }
      }
      sm.add_columns(cols, cl, costs, copies);
    }
    long sub_rows = nclasses;
    for (int t = 0; t < ntypes; ++t) sub_rows += sdem[static_cast<size_t>(t)] > 0;
    const CgOut sub_cg = run_cg_on(sm, pl, kLnsCgRounds, kCgIterationsPerRow * sub_rows + kIterationsBase);
    if (dbg) std::fprintf(stderr, "[dm]   sub cg: conv %d rounds %d lp %.4f lag %.4f freed %zu\n", sub_cg.converged, sub_cg.rounds, sub_cg.lp, sub_cg.lagrangian, freed.size());
    DiveOut dv = dive_on(sm, pl, kDiveIterationsPerRow * sub_rows + kIterationsBase);
    if (dv.timeout) return std::nullopt;
    // Assemble: kept rosters + the sub-solution on the freed / idle drivers.
    Plan cand;
    for (int r = 0; r < static_cast<int>(plan.rosters.size()); ++r)
      if (!is_freed[static_cast<size_t>(r)]) cand.rosters.push_back(plan.rosters[static_cast<size_t>(r)]);
    std::sort(dv.drafts.begin(), dv.drafts.end());
    std::vector<size_t> next_driver(static_cast<size_t>(nclasses), 0), next_inst(static_cast<size_t>(ntypes), 0);
    for (const Draft& dr : dv.drafts) {
      size_t& nd = next_driver[static_cast<size_t>(dr.cls)];
      if (nd >= free_drivers[static_cast<size_t>(dr.cls)].size()) continue;
      const int d = free_drivers[static_cast<size_t>(dr.cls)][nd++];
      Roster ro;
      ro.driver_id = drivers[static_cast<size_t>(d)].id;
      ro.driver_name = drivers[static_cast<size_t>(d)].name;
      for (int b : dr.col) {
        const BlockPattern& bp = copies[static_cast<size_t>(b)];
        Block blk;
        blk.day = bp.day;
        blk.kind = bp.kind;
        for (int i = 0; i < bp.n; ++i) {
          const int t = bp.types[static_cast<size_t>(i)];
          size_t& ni = next_inst[static_cast<size_t>(t)];
          if (ni < inst[static_cast<size_t>(t)].size()) blk.tours.push_back(inst[static_cast<size_t>(t)][ni++]);
        }
        if (static_cast<int>(blk.tours.size()) == bp.n) ro.blocks.push_back(std::move(blk));
      }
      std::sort(ro.blocks.begin(), ro.blocks.end(), [](const Block& a, const Block& b) { return a.day < b.day; });
      if (!ro.blocks.empty()) cand.rosters.push_back(std::move(ro));
    }
    std::set<int> covered;
    for (const Roster& ro : cand.rosters)
      for (const Block& b : ro.blocks) covered.insert(b.tours.begin(), b.tours.end());
    for (int i = 0; i < static_cast<int>(tours.size()); ++i)
      if (!covered.count(i)) cand.unassigned.push_back(UnassignedTour{i, {}, {}});
    insert_unassigned(cand);
    return cand;
  };
  // LNS repair (work-limited): free the rosters nearest to an unassigned tour, re-solve that
  // sub-problem (the same master, restricted to the freed tours and drivers) and keep the result
  // when the plan gets lexicographically better.
  {
    DmScore cur = score_plan(plan);
    int stagnation = 0;
    const int max_it = std::max(0, cfg.lns_max_iterations);
    for (int it = 0; it < max_it && !plan.unassigned.empty() && cur.uncovered > uncovered_bound; ++it) {
      if (budget.should_stop()) {
        safety_net = safety_net || !budget.cancelled();
        break;
      }
      if (stagnation >= kLnsStagnation) break;
      const int u = plan.unassigned[static_cast<size_t>(it) % plan.unassigned.size()].tour;
      const Tour& tu = tours[static_cast<size_t>(u)];
      // Rosters by distance of their nearest tour (same or adjacent day) to the unassigned one.
      std::vector<std::tuple<Minutes, int>> near;
      for (int r = 0; r < static_cast<int>(plan.rosters.size()); ++r) {
        Minutes dist = std::numeric_limits<Minutes>::max();
        for (const Block& b : plan.rosters[static_cast<size_t>(r)].blocks)
          if (std::abs(b.day - tu.day) <= 1)
            for (int t : b.tours)
              dist = std::min(dist, std::abs(tours[static_cast<size_t>(t)].week_start() - tu.week_start()));
        if (dist != std::numeric_limits<Minutes>::max()) near.emplace_back(dist, r);
      }
      std::sort(near.begin(), near.end());
      const int k = std::min<int>(static_cast<int>(near.size()), kLnsNeighbourhood + 10 * (stagnation % 4));
      // Skip a few nearest ones on later tries (deterministic diversification).
      const int skip = std::min<int>(static_cast<int>(near.size()) - k, (it / 3) % 4);
      std::vector<int> freed;
      for (int i = 0; i < k; ++i) freed.push_back(std::get<1>(near[static_cast<size_t>(skip + i)]));
      std::optional<Plan> got = resolve_freed(plan, freed);
      if (!got) {
        if (!budget.cancelled()) safety_net = true;
        break;
      }
      Plan cand = std::move(*got);
      const DmScore cs = score_plan(cand);
      if (dbg) std::fprintf(stderr, "[dm] lns it %d tour %d freed %zu -> uncovered %d drivers %d (cur %d/%d) t=%.2f\n", it, u, freed.size(), cs.uncovered, cs.drivers, cur.uncovered, cur.drivers, budget.elapsed());
      if (cs < cur) {
        plan = std::move(cand);
        cur = cs;
        stagnation = 0;
        incumbent_drivers = cur.drivers;
        rep.stats.time_to_best_s = budget.elapsed();
        emit("progress", Phase::Lns);
      } else {
        ++stagnation;
      }
    }
  }
  // Driver reduction (work-limited): a complete plan above the bound tries to empty one of its
  // weakest rosters (fewest minutes): each of its tours goes to another working driver directly,
  // or through an ejection chain of length one (it replaces a same-day tour of roster A, which
  // goes directly to roster B). Checks are driver_blockers (every rule) and block kinds; the
  // changed rosters are rebuilt tour by tour before a move is kept. Counts end it, never the clock.
  {
    auto tours_of = [](const Roster& r) {
      std::vector<int> v;
      for (const Block& b : r.blocks) v.insert(v.end(), b.tours.begin(), b.tours.end());
      return v;
    };
    long checks = 0;
    DmScore cur = score_plan(plan);
    for (int round = 0; round < kReduceRounds && cur.uncovered == 0 && cur.drivers > best_bound && !locks_free; ++round) {
      if (budget.should_stop()) {
        safety_net = safety_net || !budget.cancelled();
        break;
      }
      std::vector<std::pair<Minutes, int>> weak;  // (work, roster): ties by roster index
      for (int r = 0; r < static_cast<int>(plan.rosters.size()); ++r)
        weak.emplace_back(roster_work(plan.rosters[static_cast<size_t>(r)], tours), r);
      std::sort(weak.begin(), weak.end());
      bool reduced = false;
      for (int w = 0; w < std::min<int>(kReduceTargets, static_cast<int>(weak.size())) && !reduced && checks < kReduceChecks; ++w) {
        const int target = weak[static_cast<size_t>(w)].second;
        if (has_lock[static_cast<size_t>(driver_of_id(plan.rosters[static_cast<size_t>(target)].driver_id))]) continue;
        std::vector<Roster> rs = plan.rosters;  // working copy
        std::vector<int> pending = tours_of(rs[static_cast<size_t>(target)]);
        rs[static_cast<size_t>(target)].blocks.clear();
        bool ok = true;
        for (int t : pending) {
          if (checks >= kReduceChecks) {
            ok = false;
            break;
          }
          bool placed = false;
          // Direct: the first working roster (index order) that takes t as is.
          for (int a = 0; a < static_cast<int>(rs.size()) && !placed; ++a) {
            if (rs[static_cast<size_t>(a)].blocks.empty()) continue;
            ++checks;
            std::vector<int> la = tours_of(rs[static_cast<size_t>(a)]);
            la.push_back(t);
            if (auto ra = rebuild(driver_of_id(rs[static_cast<size_t>(a)].driver_id), la)) {
              rs[static_cast<size_t>(a)] = std::move(*ra);
              placed = true;
            }
          }
          // Chain: t replaces a same-day tour x of roster a, x goes directly to roster b.
          const int day = tours[static_cast<size_t>(t)].day;
          for (int a = 0; a < static_cast<int>(rs.size()) && !placed && checks < kReduceChecks; ++a) {
            const std::vector<int> la = tours_of(rs[static_cast<size_t>(a)]);
            for (int x : la) {
              if (placed || tours[static_cast<size_t>(x)].day != day || lock_owner[static_cast<size_t>(x)] >= 0) continue;
              std::vector<int> na;
              for (int y : la)
                if (y != x) na.push_back(y);
              na.push_back(t);
              ++checks;
              auto ra = rebuild(driver_of_id(rs[static_cast<size_t>(a)].driver_id), na);
              if (!ra) continue;
              for (int b = 0; b < static_cast<int>(rs.size()) && !placed; ++b) {
                if (b == a || rs[static_cast<size_t>(b)].blocks.empty()) continue;
                ++checks;
                std::vector<int> lb = tours_of(rs[static_cast<size_t>(b)]);
                lb.push_back(x);
                if (auto rb = rebuild(driver_of_id(rs[static_cast<size_t>(b)].driver_id), lb)) {
                  rs[static_cast<size_t>(a)] = std::move(*ra);
                  rs[static_cast<size_t>(b)] = std::move(*rb);
                  placed = true;
                }
              }
            }
          }
          if (!placed) {
            ok = false;
            break;
          }
        }
        if (dbg) std::fprintf(stderr, "[dm] reduce round %d target %d (%zu tours) -> %s checks %ld t=%.2f\n", round, target, pending.size(), ok ? "emptied" : "failed", checks, budget.elapsed());
        if (!ok) continue;
        Plan cand;
        for (Roster& r : rs)
          if (!r.blocks.empty()) cand.rosters.push_back(std::move(r));
        const DmScore cs = score_plan(cand);
        if (cs < cur) {
          plan = std::move(cand);
          cur = cs;
          reduced = true;
          incumbent_drivers = cur.drivers;
          rep.stats.time_to_best_s = budget.elapsed();
          emit("progress", Phase::Lns);
        }
      }
      if (!reduced) break;
    }
  }
  // Contract minimums (objective tier 3): whole rosters change hands between drivers (or go to an
  // unused one) when both may legally work what they get and the total shortfall drops. The
  // legality test rebuilds the roster tour by tour in time order with the reason-code checks
  // (every prefix of a valid block is valid), so it sees every personal rule. Locked drivers keep theirs.
  {
    auto shortfall_of = [&](int d, Minutes work) {
      return d < 0 ? Minutes{0} : std::max<Minutes>(0, limits[static_cast<size_t>(d)].min_weekly_minutes - work);
    };
    auto fits = [&](int d, const Roster& r) {
      if (d < 0) return true;
      std::vector<int> order;
      for (const Block& b : r.blocks) order.insert(order.end(), b.tours.begin(), b.tours.end());
      std::sort(order.begin(), order.end(), [&](int a, int b) {
        return std::make_pair(tours[static_cast<size_t>(a)].week_start(), a) < std::make_pair(tours[static_cast<size_t>(b)].week_start(), b);
      });
      Roster built;
      built.driver_id = drivers[static_cast<size_t>(d)].id;
      for (int t : order) {
        if (!driver_blockers(t, drivers[static_cast<size_t>(d)], &built, tours, p).empty()) return false;
        const int day = tours[static_cast<size_t>(t)].day;
        auto it = std::find_if(built.blocks.begin(), built.blocks.end(), [&](const Block& b) { return b.day == day; });
        if (it == built.blocks.end()) {
          built.blocks.push_back(Block{day, {t}, BlockKind::One});
          std::sort(built.blocks.begin(), built.blocks.end(), [](const Block& a, const Block& b) { return a.day < b.day; });
        } else {
          it->tours.push_back(t);
        }
      }
      return true;
    };
    bool any_minimum = false;
    for (const DriverLimits& l : limits) any_minimum = any_minimum || l.min_weekly_minutes > 0;
    std::vector<int> roster_of_driver(static_cast<size_t>(ndrivers), -1);
    for (size_t i = 0; i < plan.rosters.size(); ++i)
      roster_of_driver[static_cast<size_t>(driver_of_id(plan.rosters[i].driver_id))] = static_cast<int>(i);
    long checks = 0;
    // Bounded passes and checks (work, not time): each accepted move lowers the total shortfall.
    for (int pass = 0; any_minimum && pass < 4 && checks < kMaxHandoverChecks; ++pass) {
      bool moved = false;
      for (size_t i = 0; i < plan.rosters.size(); ++i) {
        const int di = driver_of_id(plan.rosters[i].driver_id);
        if (has_lock[static_cast<size_t>(di)]) continue;
        const Minutes wi = roster_work(plan.rosters[i], tours);
        if (shortfall_of(di, wi) == 0) continue;
        // Partners: another used roster (swap) or an unused driver (hand over), in request order.
        bool handed = false;
        for (int dj = 0; dj < ndrivers && !handed && ++checks < kMaxHandoverChecks; ++dj) {
          if (dj == di || has_lock[static_cast<size_t>(dj)]) continue;
          const int j = roster_of_driver[static_cast<size_t>(dj)];
          const Roster* rj = j >= 0 ? &plan.rosters[static_cast<size_t>(j)] : nullptr;
          const Minutes wj = rj ? roster_work(*rj, tours) : 0;
          const Minutes before = shortfall_of(di, wi) + shortfall_of(dj, wj);
          const Minutes after = shortfall_of(dj, wi) + (rj ? shortfall_of(di, wj) : 0);
          if (after >= before) continue;
          if (!fits(dj, plan.rosters[i]) || (rj && !fits(di, *rj))) continue;
          const Driver &a = drivers[static_cast<size_t>(di)], &b = drivers[static_cast<size_t>(dj)];
          if (rj) {
            Roster& other = plan.rosters[static_cast<size_t>(j)];
            other.driver_id = a.id;
            other.driver_name = a.name;
          }
          roster_of_driver[static_cast<size_t>(di)] = j;
          roster_of_driver[static_cast<size_t>(dj)] = static_cast<int>(i);
          plan.rosters[i].driver_id = b.id;
          plan.rosters[i].driver_name = b.name;
          handed = moved = true;
        }
      }
      if (!moved) break;
    }
  }
  // True reasons for every tour left over, computed against the final plan.
  for (UnassignedTour& u : plan.unassigned) {
    UnassignedExplanation e = explain_unassigned(u.tour, drivers, plan, tours, p);
    u.reason_codes = std::move(e.reason_codes);
    u.drivers_blocked = std::move(e.drivers_blocked);
  }
  const DmScore final_score = score_plan(plan);
  incumbent_drivers = final_score.drivers;
  // Locks and stability figures.
  {
    std::set<std::pair<int, int>> pairs;  // (driver, tour) in the plan
    for (const Roster& r : plan.rosters)
      for (const Block& b : r.blocks)
        for (int t : b.tours) pairs.emplace(driver_of_id(r.driver_id), t);
    int kept_locks = 0;
    for (int i = 0; i < static_cast<int>(tours.size()); ++i)
      if (lock_owner[static_cast<size_t>(i)] >= 0 && pairs.count({lock_owner[static_cast<size_t>(i)], i})) ++kept_locks;
    rep.driver_mode.locks_kept = kept_locks;
    int kept = 0;
    for (const auto& [dt, one] : prev_pair) kept += pairs.count(dt) > 0;
    rep.driver_mode.kept_assignments = kept;
  }
  rep.lower_bounds.uncovered_tours = uncovered_bound;
  rep.lower_bounds.uncovered_tours_name = uncovered_name;
  budget.end_phase(Phase::Lns);

  if (budget.cancelled()) return cancelled_exit(std::move(plan));
  if (final_score.uncovered <= uncovered_bound && final_score.uncovered == 0 &&
      final_score.drivers <= std::max(best_bound, rep.lower_bounds.lp.value_or(0)))
    add_reason(rep, "OPTIMAL");
  return finish(std::move(plan), final_score.uncovered == 0 ? "OK" : "INFEASIBLE");
}

}  // namespace so
