// Locks hold and cost nothing (dispatch.md §1, issue 11) — as a property: random lock sets taken
// from the unlocked plan (whole rosters, single blocks, or a mix; to the same driver or to an
// interchangeable one) on generated weeks (slot-based, individually timed, a qualification /
// availability mix) and on the reference week. Every locked run must be audit-clean, keep every
// lock, and use no more drivers and leave no more tours uncovered than the unlocked run.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "../../bench/instance_gen.hpp"
#include "core/audit.hpp"
#include "core/driver.hpp"
#include "io/drivers.hpp"
#include "io/forecast.hpp"
#include "solver/locks.hpp"
#include "solver/solve.hpp"

namespace so {
namespace {

// Drivers that differ only in id and name are interchangeable.
bool interchangeable(Driver a, Driver b) {
  a.id = b.id;
  a.name = b.name;
  return a == b;
}

std::vector<Lock> random_locks(const Plan& plan, const std::vector<Tour>& tours, const std::vector<Driver>& drivers,
                               bench::SplitMix& rng, std::string* shape) {
  std::vector<int> order(plan.rosters.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[static_cast<size_t>(rng.below(static_cast<int>(i)))]);
  const int k = 1 + rng.below(std::min<int>(15, static_cast<int>(plan.rosters.size())));
  const int mode = rng.below(3);  // 0 whole rosters, 1 single blocks, 2 mixed
  const bool same = rng.below(3) == 0;
  *shape = std::string(mode == 0 ? "whole" : mode == 1 ? "block" : "mixed") + (same ? "/same" : "/other") + "/k=" +
           std::to_string(k);
  std::map<std::string, const Driver*> by_id;
  for (const Driver& d : drivers) by_id[d.id] = &d;
  std::set<std::string> taken;
  std::vector<Lock> locks;
  for (int i = 0; i < k; ++i) {
    const Roster& r = plan.rosters[static_cast<size_t>(order[static_cast<size_t>(i)])];
    const Driver& own = *by_id.at(r.driver_id);
    // The target: the roster's own driver, or a random interchangeable one not yet locked.
    std::string target = own.id;
    if (!same) {
      std::vector<std::string> options;
      for (const Driver& d : drivers)
        if (!taken.count(d.id) && interchangeable(d, own)) options.push_back(d.id);
      if (!options.empty()) target = options[static_cast<size_t>(rng.below(static_cast<int>(options.size())))];
    }
    if (!taken.insert(target).second) continue;
    Lock l;
    l.driver_id = target;
    const bool whole = mode == 0 || (mode == 2 && rng.below(2) == 0);
    if (whole) {
      for (const Block& b : r.blocks)
        for (int t : b.tours) l.tour_ids.push_back(tours[static_cast<size_t>(t)].id);
    } else {
      const Block& b = r.blocks[static_cast<size_t>(rng.below(static_cast<int>(r.blocks.size())))];
      for (int t : b.tours) l.tour_ids.push_back(tours[static_cast<size_t>(t)].id);
    }
    locks.push_back(std::move(l));
  }
  return locks;
}

// Solves unlocked once, then `trials` random lock sets; checks the property for each.
void check_lock_property(const std::string& name, const std::vector<Tour>& tours, const std::vector<Driver>& drivers,
                         int trials, uint64_t seed, double time_limit = 30) {
  SolveRequest req;
  req.tours = tours;
  req.drivers = drivers;
  req.time_limit_seconds = time_limit;
  const PlanReport free = solve(req);
  ASSERT_TRUE(free.audit.ok) << name;
  ASSERT_FALSE(free.plan.rosters.empty()) << name;
  bench::SplitMix rng(seed);
  for (int trial = 0; trial < trials; ++trial) {
    std::string shape;
    SolveRequest locked = req;
    locked.locks = random_locks(free.plan, tours, drivers, rng, &shape);
    const std::string what = name + " trial " + std::to_string(trial) + " (" + shape + ")";
    ASSERT_FALSE(check_locks(locked.locks, drivers, tours).has_value()) << what;
    ASSERT_FALSE(check_lock_feasibility(locked.locks, drivers, tours, req.policy).has_value()) << what;
    const PlanReport rep = solve(locked);
    ASSERT_TRUE(rep.audit.ok) << what << ": " << (rep.audit.violations.empty() ? "" : rep.audit.violations[0].message);
    EXPECT_EQ(rep.status, free.status) << what;
    EXPECT_LE(rep.kpis.drivers_total, free.kpis.drivers_total) << what;
    EXPECT_LE(rep.plan.unassigned.size(), free.plan.unassigned.size()) << what;
    EXPECT_EQ(rep.driver_mode.locks_kept, rep.driver_mode.locks_requested) << what;
    // Every locked tour sits with its driver, independently of the report's own count.
    std::map<int, std::string> holder;
    for (const Roster& r : rep.plan.rosters)
      for (const Block& b : r.blocks)
        for (int t : b.tours) holder[t] = r.driver_id;
    std::map<std::string, int> index;
    for (size_t i = 0; i < tours.size(); ++i) index[tours[i].id] = static_cast<int>(i);
    for (const Lock& l : locked.locks)
      for (const std::string& id : l.tour_ids) EXPECT_EQ(holder[index.at(id)], l.driver_id) << what << ": tour " << id;
  }
}

TEST(LockProperty, SlotWeeksGenericPool) {
  for (uint64_t s = 1; s <= 3; ++s) {
    bench::GenSpec g;
    g.seed = 40 + s;
    g.slots_per_day = 12 + 6 * static_cast<int>(s);
    g.max_count = 3;
    const std::vector<Tour> tours = bench::generate_week(g);
    check_lock_property("slots seed " + std::to_string(g.seed), tours, bench::driver_pool(60), 8, 100 + s);
  }
}

TEST(LockProperty, TimedWeeksGenericPool) {
  // Individually timed weeks reach their driver count in a second or two and then spend the
  // budget on the secondary terms, so a short budget keeps the test quick without changing counts.
  for (uint64_t s = 1; s <= 3; ++s) {
    bench::TimedSpec t;
    t.seed = 70 + s;
    t.tours = 90 + 20 * static_cast<int>(s);
    t.granularity = s == 2 ? 5 : 1;
    t.depots = s == 3 ? 2 : 1;
    t.types = s == 1 ? 0 : 50;
    const std::vector<Tour> tours = bench::generate_timed_week(t);
    check_lock_property("timed seed " + std::to_string(t.seed), tours, bench::driver_pool(50), 4, 200 + s, 5);
  }
}

TEST(LockProperty, QualificationAvailabilityMix) {
  bench::GenSpec g;
  g.seed = 11;
  g.slots_per_day = 20;
  g.max_count = 3;
  const std::vector<Tour> tours = bench::with_adr_share(bench::generate_week(g));
  check_lock_property("mix", tours, bench::driver_pool(70, /*mix=*/true), 10, 300);
}

TEST(LockProperty, ReferenceWeek145Drivers) {
  const std::filesystem::path f = std::filesystem::path(SO_SHARED_DIR) / "data/reference/forecast_input.csv";
  if (!std::filesystem::exists(f)) GTEST_SKIP() << "reference week not available under " << SO_SHARED_DIR;
  check_lock_property("reference", read_forecast_file(f.string()).tours, bench::driver_pool(145), 12, 400);
}

// The first report: a valid Monday 2er lock on the demo week (bundled pool) used all 84
// drivers and left tours uncovered; it must cost nothing.
TEST(Locks, OneLockOnTheDemoWeekCostsNothing) {
  const std::filesystem::path dir = std::filesystem::path(SO_SOURCE_DIR) / "examples";
  SolveRequest req;
  req.tours = read_forecast_file((dir / "demo_week.csv").string()).tours;
  req.drivers = read_drivers_file((dir / "demo_drivers.csv").string());
  const PlanReport free = solve(req);
  req.locks = {Lock{"F010", {"T0001", "T0063"}}};
  const PlanReport rep = solve(req);
  ASSERT_TRUE(rep.audit.ok);
  EXPECT_EQ(rep.status, "OK");
  EXPECT_EQ(rep.kpis.drivers_total, free.kpis.drivers_total);
  EXPECT_EQ(rep.driver_mode.locks_kept, 2);
}

// honour_locks alone: a lock to a driver no roster of the plan fits is pinned (its locked tours
// alone), and the tour it takes out of another roster is left for the repair, never duplicated.
TEST(Locks, PinnedLockNeverDuplicatesATour) {
  std::vector<Tour> tours = {make_tour("A", 0, 6 * 60, 10 * 60), make_tour("B", 0, 10 * 60 + 30, 14 * 60),
                             make_tour("C", 1, 6 * 60, 10 * 60)};
  std::vector<Driver> drivers = bench::driver_pool(2);
  Plan free;
  free.rosters.push_back(Roster{"D001", {Block{0, {0, 1}, BlockKind::TwoRegular}, Block{1, {2}, BlockKind::One}}, ""});
  const HonouredLocks h = honour_locks(free, tours, drivers, {Lock{"D002", {"B"}}}, Policy{});
  // No roster holds B alone... but D001's roster holds B's window, so D002 takes it whole.
  EXPECT_EQ(h.matched, 1);
  EXPECT_EQ(h.pinned, 0);
  ASSERT_EQ(h.plan.rosters.size(), 1u);
  EXPECT_EQ(h.plan.rosters[0].driver_id, "D002");
  // A lock of A and C split over two drivers: D001 keeps a fitting roster, D002 is pinned to C.
  const HonouredLocks h2 = honour_locks(free, tours, drivers, {Lock{"D001", {"A"}}, Lock{"D002", {"C"}}}, Policy{});
  EXPECT_EQ(h2.matched, 1);
  EXPECT_EQ(h2.pinned, 1);
  std::map<int, int> seen;
  for (const Roster& r : h2.plan.rosters)
    for (const Block& b : r.blocks)
      for (int t : b.tours) seen[t] += 1;
  for (const UnassignedTour& u : h2.plan.unassigned) seen[u.tour] += 1;
  for (int t = 0; t < 3; ++t) EXPECT_EQ(seen[t], 1) << tours[static_cast<size_t>(t)].id;
  const AuditResult a = audit_driver_plan(tours, Policy{}, drivers, {Lock{"D001", {"A"}}, Lock{"D002", {"C"}}}, h2.plan);
  for (const Violation& v : a.violations) EXPECT_EQ(v.code, "UNASSIGNED_WITHOUT_REASON") << v.message;
}

}  // namespace
}  // namespace so
