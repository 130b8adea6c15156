// The baseline planner (issue 2): always a valid plan (checked by the independent audit), quick,
// deterministic; hand-made cases for each weekly rule, random weeks under several policies, and
// the reference weeks.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "core/audit.hpp"
#include "core/block.hpp"
#include "core/policy.hpp"
#include "core/signature.hpp"
#include "core/tour.hpp"
#include "io/forecast.hpp"
#include "solver/solver_fixtures.hpp"
#include "solver/baseline.hpp"
#include "solver/bounds.hpp"

namespace so {
namespace {

using fixtures::Day;
using fixtures::Forecast;
using fixtures::hm;
using enum fixtures::Day;

Plan plan_for(const std::vector<Tour>& tours, const Policy& p, uint64_t seed = 42,
              const std::atomic<bool>* stop = nullptr) {
  const auto types = aggregate_tour_types(tours);
  return baseline_plan(tours, types, enumerate_blocks(types, p), p, seed, stop);
}

std::string audit_text(const AuditResult& a) {
  std::string out;
  for (size_t i = 0; i < a.violations.size() && i < 5; ++i) out += a.violations[i].code + ": " + a.violations[i].message + "\n";
  return out;
}

// The plan passes the audit and accounts for every tour without unassigned ones.
void expect_valid(const std::vector<Tour>& tours, const Policy& p, const Plan& plan) {
  const AuditResult a = audit_plan(tours, p, plan);
  EXPECT_TRUE(a.ok) << audit_text(a);
  EXPECT_TRUE(plan.unassigned.empty());
  size_t assigned = 0;
  for (const Roster& r : plan.rosters)
    for (const Block& b : r.blocks) assigned += b.tours.size();
  EXPECT_EQ(assigned, tours.size());
}

int drivers(const std::vector<Tour>& tours, const Policy& p) {
  const Plan plan = plan_for(tours, p);
  expect_valid(tours, p, plan);
  return static_cast<int>(plan.rosters.size());
}

// ---- hand-made cases, one rule each ------------------------------------------------------

TEST(Baseline, EmptyForecastGivesEmptyPlan) {
  const Plan plan = plan_for({}, Policy{});
  EXPECT_TRUE(plan.rosters.empty());
  EXPECT_TRUE(plan.unassigned.empty());
}

TEST(Baseline, PrefersOne3erOverSmallerBlocks) {
  Forecast f;
  f.add(Mon, "06:00", "10:00").add(Mon, "10:30", "14:30").add(Mon, "15:00", "19:00");
  const Plan plan = plan_for(f.tours, Policy{});
  expect_valid(f.tours, Policy{}, plan);
  ASSERT_EQ(plan.rosters.size(), 1u);
  ASSERT_EQ(plan.rosters[0].blocks.size(), 1u);
  EXPECT_EQ(plan.rosters[0].blocks[0].kind, BlockKind::Three);
  EXPECT_EQ(plan.rosters[0].driver_id, "D001");
}

TEST(Baseline, PrefersRegularOverSplit2er) {
  // B can pair with A (gap 30, regular) or C (gap 240, split); one block is impossible (no 3er:
  // split gap), so two blocks either way: {A,B} regular + {C}, not {A} + {B,C} split.
  Forecast f;
  f.add(Mon, "06:00", "10:00").add(Mon, "10:30", "14:30").add(Mon, "18:30", "22:00");
  const Plan plan = plan_for(f.tours, Policy{});
  expect_valid(f.tours, Policy{}, plan);
  int split = 0, regular = 0;
  for (const Roster& r : plan.rosters)
    for (const Block& b : r.blocks) {
      split += b.kind == BlockKind::TwoSplit;
      regular += b.kind == BlockKind::TwoRegular;
    }
  EXPECT_EQ(regular, 1);
  EXPECT_EQ(split, 0);
}

TEST(Baseline, RestBetweenDaysExactlyAtTheMinimumIsShared) {
  Forecast short_rest, exact_rest;
  short_rest.add(Mon, "14:00", "22:00").add(Tue, "08:59", "12:00");  // 10:59 rest
  exact_rest.add(Mon, "14:00", "22:00").add(Tue, "09:00", "12:00");  // 11:00 rest
  EXPECT_EQ(drivers(short_rest.tours, Policy{}), 2);
  EXPECT_EQ(drivers(exact_rest.tours, Policy{}), 1);
}

TEST(Baseline, CrossMidnightRestUsesTheNextDaysEnd) {
  Forecast too_soon, ok;
  too_soon.add(Mon, "22:00", "06:00").add(Tue, "16:59", "21:00");  // ends Tue 06:00, rest 10:59
  ok.add(Mon, "22:00", "06:00").add(Tue, "17:00", "21:00");
  EXPECT_EQ(drivers(too_soon.tours, Policy{}), 2);
  EXPECT_EQ(drivers(ok.tours, Policy{}), 1);
}

TEST(Baseline, WeekWrapSundayToMonday) {
  Forecast f;
  f.add(Sun, "18:00", "23:00").add(Mon, "06:00", "10:00");  // Sun 23:00 -> Mon 06:00 = 7 h
  Policy p;
  EXPECT_EQ(drivers(f.tours, p), 1);
  p.week_wrap = true;
  EXPECT_EQ(drivers(f.tours, p), 2);
}

TEST(Baseline, WeeklyCap) {
  Forecast f;
  for (int d = Mon; d <= Sat; ++d) f.add(d, "08:00", "18:00");  // 6 × 600 = 3600 min
  Policy p;  // 3300
  EXPECT_EQ(drivers(f.tours, p), 2);
  p.max_weekly_minutes = 3600;
  EXPECT_EQ(drivers(f.tours, p), 1);
}

TEST(Baseline, WorkingDays) {
  Forecast f;
  for (int d = Mon; d <= Sun; ++d) f.add(d, "08:00", "12:00");
  Policy p;  // 6 working days
  EXPECT_EQ(drivers(f.tours, p), 2);
  p.max_working_days = 7;
  EXPECT_EQ(drivers(f.tours, p), 1);
  p.max_working_days = 3;
  EXPECT_EQ(drivers(f.tours, p), 3);
}

TEST(Baseline, NoConsecutive3erUnlessAllowed) {
  Forecast f;
  for (int d = Mon; d <= Tue; ++d) f.add(d, "06:00", "10:00").add(d, "10:30", "14:30").add(d, "15:00", "19:00");
  Policy p;  // rest 19:00 -> 06:00 is 11 h, but two 3er in a row are not allowed
  EXPECT_EQ(drivers(f.tours, p), 2);
  p.allow_consecutive_3er = true;
  EXPECT_EQ(drivers(f.tours, p), 1);
}

TEST(Baseline, LegacyRestAfter3er) {
  Forecast f;
  f.add(Mon, "06:00", "10:00").add(Mon, "10:30", "14:30").add(Mon, "15:00", "19:00");
  f.add(Tue, "08:00", "12:00");  // 13 h after the 3er: enough by default, not under legacy-v2.0 (14 h)
  EXPECT_EQ(drivers(f.tours, Policy{}), 1);
  EXPECT_EQ(drivers(f.tours, *policy_profile("legacy-v2.0")), 2);
}

TEST(Baseline, ToursAfter3erDay) {
  Forecast f;
  f.add(Mon, "06:00", "10:00").add(Mon, "10:30", "14:30").add(Mon, "15:00", "19:00");
  f.add(Wed, "06:00", "10:00").add(Wed, "10:30", "14:30");  // Wednesday: no rule after Monday
  f.add(Tue, "09:00", "12:00").add(Tue, "12:30", "15:00");  // a 2er the day after the 3er
  Policy p;
  p.max_tours_after_3er_day = 1;
  EXPECT_EQ(drivers(f.tours, p), 2);
  p.max_tours_after_3er_day = 2;
  EXPECT_EQ(drivers(f.tours, p), 1);
}

TEST(Baseline, OneLocationPerDriver) {
  Forecast f;
  f.add(Mon, "06:00", "10:00", 1, "L1").add(Tue, "06:00", "10:00", 1, "L2");
  Policy p;
  EXPECT_EQ(drivers(f.tours, p), 2);
  p.one_location_per_driver = false;
  EXPECT_EQ(drivers(f.tours, p), 1);
}

TEST(Baseline, MixedLocationBlocksAreNotUsedWhenDriversKeepOneLocation) {
  // Mixing depots inside a block is allowed, but a driver keeps one depot all week: the block
  // L1 06:00 + L2 10:30 would move its driver, so the baseline must not use it.
  Forecast f;
  f.add(Mon, "06:00", "10:00", 1, "L1").add(Mon, "10:30", "14:30", 1, "L2").add(Tue, "06:00", "10:00", 1, "L1");
  Policy p;
  p.mix_locations_in_block = true;
  EXPECT_EQ(drivers(f.tours, p), 2);
  p.one_location_per_driver = false;
  EXPECT_EQ(drivers(f.tours, p), 1);
}

TEST(Baseline, TourLongerThanTheWeeklyCapIsReportedUnassignedQuickly) {
  // A 12 h tour under a 10 h weekly cap fits no driver-week; before the fix the repair loop spun
  // for over a minute on such a week. Now it is left out with its reasons, the rest planned.
  Forecast f;
  f.add(Mon, "06:00", "18:00").add(Tue, "06:00", "10:00", 3).add(Wed, "06:00", "10:00", 2);
  Policy p;
  p.max_weekly_minutes = 600;
  const Plan plan = plan_for(f.tours, p);
  ASSERT_EQ(plan.unassigned.size(), 1u);
  EXPECT_EQ(plan.unassigned[0].tour, 0);
  EXPECT_EQ(plan.unassigned[0].reason_codes, (std::vector<std::string>{"DRIVER_WEEKLY_LIMIT", "INFEASIBLE"}));
  const AuditResult a = audit_plan(f.tours, p, plan);
  EXPECT_TRUE(a.ok) << audit_text(a);
  EXPECT_EQ(plan.rosters.size(), 3u);  // Tue needs three drivers; Wed fits on two of them
}

TEST(Baseline, BlockSizeAndSplitPolicies) {
  Forecast three, split;
  three.add(Mon, "06:00", "10:00").add(Mon, "10:30", "14:30").add(Mon, "15:00", "19:00");
  split.add(Mon, "06:00", "10:00").add(Mon, "14:00", "18:00");
  Policy p;
  EXPECT_EQ(drivers(split.tours, p), 1);
  p.max_tours_per_block = 1;
  EXPECT_EQ(drivers(three.tours, p), 3);
  p = Policy{};
  p.allow_split = false;
  EXPECT_EQ(drivers(split.tours, p), 2);
}

TEST(Baseline, PatternsOfAnotherPolicyAreRechecked) {
  // Blocks enumerated under the default policy, planned under max_tours_per_block = 1: the
  // planner must not use the 3er pattern it was handed.
  Forecast f;
  f.add(Mon, "06:00", "10:00").add(Mon, "10:30", "14:30").add(Mon, "15:00", "19:00");
  const auto types = aggregate_tour_types(f.tours);
  Policy p;
  p.max_tours_per_block = 1;
  const Plan plan = baseline_plan(f.tours, types, enumerate_blocks(types, Policy{}), p);
  expect_valid(f.tours, p, plan);
  EXPECT_EQ(plan.rosters.size(), 3u);
  // No patterns at all: every tour still gets a (1er) block.
  const Plan bare = baseline_plan(f.tours, types, {}, Policy{});
  expect_valid(f.tours, Policy{}, bare);
}

// ---- random weeks ---------------------------------------------------------------------------

// A random week: windows of 3–8 h (15 min steps), mostly daytime starts, some evening starts
// crossing midnight, all seven days, 1–4 identical tours per window, one or two locations.
std::vector<Tour> random_week(uint64_t seed, int n_tours, int locations) {
  std::mt19937_64 rng(seed);
  auto uni = [&](int a, int b) { return std::uniform_int_distribution<int>(a, b)(rng); };
  std::vector<Tour> out;
  while (static_cast<int>(out.size()) < n_tours) {
    const int day = uni(Mon, Sun);
    const int duration = uni(12, 32) * 15;
    const int start = uni(0, 9) == 0 ? uni(72, 95) * 15 : uni(16, 64) * 15;
    const std::string loc = locations > 1 ? "L" + std::to_string(uni(1, locations)) : "DEFAULT";
    for (int k = uni(1, 4); k > 0 && static_cast<int>(out.size()) < n_tours; --k)
      out.push_back(make_tour("R" + std::to_string(out.size() + 1), day, start, (start + duration) % kMinutesPerDay, loc));
  }
  return out;
}

struct NamedPolicy {
  const char* name;
  Policy policy;
};

std::vector<NamedPolicy> policies() {
  std::vector<NamedPolicy> out{{"default", Policy{}}, {"legacy-v2.0", *policy_profile("legacy-v2.0")}};
  Policy p;
  p.max_tours_per_block = 1;
  out.push_back({"max_tours_per_block=1", p});
  p = Policy{};
  p.allow_split = false;
  out.push_back({"allow_split=false", p});
  p = Policy{};
  p.max_working_days = 3;
  out.push_back({"max_working_days=3", p});
  p = Policy{};
  p.week_wrap = true;
  out.push_back({"week_wrap", p});
  p = Policy{};
  p.one_location_per_driver = false;
  out.push_back({"any_location", p});
  p = Policy{};
  p.max_weekly_minutes = 2400;
  p.min_rest_minutes = 720;
  p.allow_consecutive_3er = true;
  out.push_back({"tight_cap_long_rest", p});
  return out;
}

TEST(Baseline, RandomWeeksAreValidAndCloseToTheBounds) {
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    const auto tours = random_week(seed, 80 + static_cast<int>(seed) * 30, 1 + static_cast<int>(seed % 2));
    const auto types = aggregate_tour_types(tours);
    for (const NamedPolicy& np : policies()) {
      SCOPED_TRACE(std::string(np.name) + " seed " + std::to_string(seed));
      const Policy& p = np.policy;
      const auto blocks = enumerate_blocks(types, p);
      const Plan plan = baseline_plan(tours, types, blocks, p, seed);
      expect_valid(tours, p, plan);
      const int n = static_cast<int>(plan.rosters.size());
      // A valid plan can never beat a valid lower bound, and the baseline stays near them.
      const int lb = std::max({hours_bound(types, p), per_day_bound(types, blocks, p), path_cover_bound(types, p),
                               rest_concurrency_bound(types, p)});
      EXPECT_GE(n, lb);
      EXPECT_LE(n, lb + 3 + lb / 10);
    }
  }
}

TEST(Baseline, DeterministicForTheSameSeed) {
  const auto tours = random_week(99, 300, 2);
  const Policy p;
  const Plan a = plan_for(tours, p, 7);
  const Plan b = plan_for(tours, p, 7);
  EXPECT_EQ(solution_signature(tours, a), solution_signature(tours, b));
  ASSERT_EQ(a.rosters.size(), b.rosters.size());
  for (size_t i = 0; i < a.rosters.size(); ++i) {
    EXPECT_EQ(a.rosters[i].driver_id, b.rosters[i].driver_id);
    ASSERT_EQ(a.rosters[i].blocks.size(), b.rosters[i].blocks.size());
    for (size_t k = 0; k < a.rosters[i].blocks.size(); ++k)
      EXPECT_EQ(a.rosters[i].blocks[k].tours, b.rosters[i].blocks[k].tours);
  }
}

TEST(Baseline, StopRequestStillGivesAValidPlan) {
  const auto tours = random_week(5, 250, 1);
  const Policy p;
  std::atomic<bool> stop{true};
  const Plan plan = plan_for(tours, p, 42, &stop);
  expect_valid(tours, p, plan);
  EXPECT_FALSE(plan.rosters.empty());
}

// ---- reference weeks ------------------------------------------------------------------------

std::vector<Tour> reference_tours(const std::string& name) {
  const std::filesystem::path path = std::filesystem::path(SO_SHARED_DIR) / "data" / "reference" / name;
  if (!std::filesystem::exists(path)) return {};
  return read_forecast_file(path.string()).tours;
}

// Plans a reference week, checks it with the audit and reports the driver count and time.
int plan_reference(const std::string& name, const std::vector<Tour>& tours, const Policy& p = Policy{}) {
  const auto types = aggregate_tour_types(tours);
  const auto blocks = enumerate_blocks(types, p);
  const auto t0 = std::chrono::steady_clock::now();
  const Plan plan = baseline_plan(tours, types, blocks, p);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  std::printf("[ baseline ] %s: %zu tours, %zu drivers in %.1f ms\n", name.c_str(), tours.size(), plan.rosters.size(), ms);
  expect_valid(tours, p, plan);
  EXPECT_LT(ms, 2000.0);  // target < 200 ms; generous against loaded test machines
  EXPECT_EQ(plan_for(tours, p).rosters.size(), plan.rosters.size());
  EXPECT_EQ(solution_signature(tours, plan_for(tours, p)), solution_signature(tours, plan));
  return static_cast<int>(plan.rosters.size());
}

TEST(Baseline, ReferenceWeek) {
  const auto tours = reference_tours("forecast_input.csv");
  if (tours.empty()) GTEST_SKIP() << "reference data not found under " << SO_SHARED_DIR;
  const int n = plan_reference("forecast_input.csv", tours);
  EXPECT_GE(n, 142);  // the proven lower bound
  EXPECT_LE(n, 143);  // issue 2 asks for <= 145; the construction reaches the bound
}

TEST(Baseline, ReferenceWeekLegacyProfile) {
  const auto tours = reference_tours("forecast_input.csv");
  if (tours.empty()) GTEST_SKIP() << "reference data not found under " << SO_SHARED_DIR;
  // 14 h rest and at most 2 tours after a 3er day: preferring 3er costs drivers here, so the
  // planner also tries a partition that avoids them.
  const int n = plan_reference("forecast_input.csv legacy-v2.0", tours, *policy_profile("legacy-v2.0"));
  EXPECT_GE(n, 142);
  EXPECT_LE(n, 150);
}

TEST(Baseline, Kw51) {
  const auto tours = reference_tours("forecast_kw51.csv");
  if (tours.empty()) GTEST_SKIP() << "reference data not found under " << SO_SHARED_DIR;
  const int n = plan_reference("forecast_kw51.csv", tours);
  EXPECT_GE(n, 225);  // path-cover bound
  EXPECT_LE(n, 228);
}

}  // namespace
}  // namespace so
