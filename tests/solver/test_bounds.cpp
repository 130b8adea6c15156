// Lower bounds (domain.md §10, issue 3): hand-computed small cases, the boundaries of "running
// at" and of the rest window, and the reference week.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/block.hpp"
#include "core/policy.hpp"
#include "core/tour.hpp"
#include "io/forecast.hpp"
#include "solver/solver_fixtures.hpp"
#include "solver/bounds.hpp"
#include "solver/flow.hpp"

namespace so {
namespace {

using fixtures::Day;
using fixtures::Forecast;
using fixtures::hm;
using enum fixtures::Day;

int per_day(const Forecast& f, const Policy& p) {
  const auto types = f.types();
  return per_day_bound(types, enumerate_blocks(types, p), p);
}
int path_cover(const Forecast& f, const Policy& p) { return path_cover_bound(f.types(), p); }
int rest_concurrency(const Forecast& f, const Policy& p) { return rest_concurrency_bound(f.types(), p); }

// ---- max flow helper ----------------------------------------------------------------------

TEST(MaxFlow, ClassicSmallNetwork) {
  // 0 -> 1 (3), 0 -> 2 (2), 1 -> 2 (1), 1 -> 3 (2), 2 -> 3 (3): max flow 5.
  MaxFlow f(4);
  const int a01 = f.add_arc(0, 1, 3);
  f.add_arc(0, 2, 2);
  f.add_arc(1, 2, 1);
  const int a13 = f.add_arc(1, 3, 2);
  const int a23 = f.add_arc(2, 3, 3);
  EXPECT_EQ(f.solve(0, 3), 5);
  EXPECT_EQ(f.flow_on(a01), 3);
  EXPECT_EQ(f.flow_on(a13), 2);
  EXPECT_EQ(f.flow_on(a23), 3);
}

TEST(MaxFlow, BottleneckAndDisconnectedSink) {
  MaxFlow f(5);
  f.add_arc(0, 1, 10);
  f.add_arc(1, 2, 1);
  f.add_arc(2, 3, 10);
  EXPECT_EQ(f.solve(0, 3), 1);
  MaxFlow g(3);
  g.add_arc(0, 1, 4);
  EXPECT_EQ(g.solve(0, 2), 0);
}

// ---- hours --------------------------------------------------------------------------------

TEST(HoursBound, CeilingOfTotalWorkOverWeeklyCap) {
  Policy p;  // 3300 min
  Forecast f;
  EXPECT_EQ(hours_bound(f.types(), p), 0);
  f.add(Mon, "06:00", "10:30", 10);  // 10 × 270 = 2700
  EXPECT_EQ(hours_bound(f.types(), p), 1);
  f.add(Tue, "06:00", "16:00");  // + 600 = 3300 exactly: still one driver's worth
  EXPECT_EQ(hours_bound(f.types(), p), 1);
  f.add(Wed, "06:00", "06:01");  // + 1 minute
  EXPECT_EQ(hours_bound(f.types(), p), 2);
  p.max_weekly_minutes = 600;  // 3301 / 600 = 5.5
  EXPECT_EQ(hours_bound(f.types(), p), 6);
}

TEST(HoursBound, CrossMidnightTourCountsItsFullDuration) {
  Policy p;
  p.max_weekly_minutes = 600;
  Forecast f;
  f.add(Sun, "20:00", "06:00");  // 600 min
  EXPECT_EQ(hours_bound(f.types(), p), 1);
  f.add(Sun, "20:00", "06:01");
  EXPECT_EQ(hours_bound(f.types(), p), 3);  // 1201 / 600
}

// ---- per day ------------------------------------------------------------------------------

TEST(PerDayBound, ThreeChainableToursAreOneBlock) {
  Policy p;
  Forecast f;
  f.add(Mon, "06:00", "10:00").add(Mon, "10:30", "14:30").add(Mon, "15:00", "19:00");  // gaps 30, 30; span 13 h
  EXPECT_EQ(per_day(f, p), 1);
  p.max_tours_per_block = 2;
  EXPECT_EQ(per_day(f, p), 2);
  p.max_tours_per_block = 1;
  EXPECT_EQ(per_day(f, p), 3);
}

TEST(PerDayBound, MaximumOverDays) {
  Policy p;
  Forecast f;
  f.add(Mon, "06:00", "10:00").add(Mon, "10:30", "14:30");  // one 2er
  f.add(Tue, "06:00", "10:00", 3);                          // three overlapping tours
  EXPECT_EQ(per_day(f, p), 3);
}

TEST(PerDayBound, FractionalLpNeedsBranching) {
  // Every pair of A, B, C is a valid 2er (AB, BC regular; AC split, 780 min span ≤ 960) but the
  // 3er is too long for max_span_3er 600: LP = 1.5 (each pair at ½), the integer optimum is 2.
  Policy p;
  p.max_span_3er_minutes = 600;
  Forecast f;
  f.add(Mon, "06:00", "10:00").add(Mon, "10:30", "14:30").add(Mon, "15:00", "19:00");
  EXPECT_EQ(per_day(f, p), 2);
}

TEST(PerDayBound, WorkingDaysLimitSpreadsBlocksOverDrivers) {
  Policy p;
  Forecast f;
  for (int d = Mon; d <= Fri; ++d) f.add(d, "08:00", "12:00");  // one block per day, 5 days
  EXPECT_EQ(per_day(f, p), 1);
  p.max_working_days = 2;  // 5 blocks, at most 2 per driver
  EXPECT_EQ(per_day(f, p), 3);
}

TEST(PerDayBound, SummedPerLocationWhenDriversKeepOneLocation) {
  Policy p;
  Forecast f;
  f.add(Mon, "08:00", "12:00", 2, "L1").add(Tue, "08:00", "12:00", 2, "L2");
  EXPECT_EQ(per_day(f, p), 4);  // L1 needs 2 drivers, L2 another 2
  p.one_location_per_driver = false;
  EXPECT_EQ(per_day(f, p), 2);
}

// ---- path cover ---------------------------------------------------------------------------

TEST(PathCoverBound, SameDayFollowsOnlyThroughAllowedGaps) {
  Policy p;
  Forecast regular, forbidden, split, overlap;
  regular.add(Mon, "06:00", "10:00").add(Mon, "11:00", "15:00");    // gap 60: regular
  forbidden.add(Mon, "06:00", "10:00").add(Mon, "11:01", "15:00");  // gap 61: forbidden
  split.add(Mon, "06:00", "10:00").add(Mon, "14:00", "18:00");      // gap 240: split, span 720
  overlap.add(Mon, "06:00", "10:00").add(Mon, "09:59", "12:00");
  EXPECT_EQ(path_cover(regular, p), 1);
  EXPECT_EQ(path_cover(forbidden, p), 2);
  EXPECT_EQ(path_cover(split, p), 1);
  EXPECT_EQ(path_cover(overlap, p), 2);
  p.allow_split = false;
  EXPECT_EQ(path_cover(split, p), 2);
  p = Policy{};
  p.max_tours_per_block = 1;
  EXPECT_EQ(path_cover(regular, p), 2);
}

TEST(PathCoverBound, SameDaySpanLimit) {
  Policy p;
  p.max_span_split_minutes = 600;  // 06:00–18:00 split = 720 min span
  Forecast split;
  split.add(Mon, "06:00", "10:00").add(Mon, "14:00", "18:00");
  EXPECT_EQ(path_cover(split, p), 2);
}

TEST(PathCoverBound, NextDayNeedsMinimumRestExactlyEnough) {
  Policy p;  // 660 min
  Forecast short_rest, exact_rest, later_day;
  short_rest.add(Mon, "14:00", "22:00").add(Tue, "08:59", "12:00");  // 10:59 rest
  exact_rest.add(Mon, "14:00", "22:00").add(Tue, "09:00", "12:00");  // 11:00 rest
  later_day.add(Mon, "14:00", "22:00").add(Wed, "00:00", "04:00");   // day off in between
  EXPECT_EQ(path_cover(short_rest, p), 2);
  EXPECT_EQ(path_cover(exact_rest, p), 1);
  EXPECT_EQ(path_cover(later_day, p), 1);
}

TEST(PathCoverBound, CrossMidnightRestUsesWeekLinearEnd) {
  Policy p;
  Forecast too_soon, ok;
  too_soon.add(Mon, "20:00", "04:00").add(Tue, "14:59", "18:00");  // ends Tue 04:00, rest 10:59
  ok.add(Mon, "20:00", "04:00").add(Tue, "15:00", "18:00");        // rest 11:00
  EXPECT_EQ(path_cover(too_soon, p), 2);
  EXPECT_EQ(path_cover(ok, p), 1);
}

TEST(PathCoverBound, CountsAreCapacities) {
  Policy p;
  Forecast f;
  f.add(Mon, "06:00", "10:00", 3).add(Tue, "06:00", "10:00", 5);
  EXPECT_EQ(path_cover(f, p), 5);
  // Paths: three 06:00 → 10:30 → Tue, one 10:30 → Tue, one Tue alone (12 tours − 7 links).
  f.add(Mon, "10:30", "14:30", 4);
  EXPECT_EQ(path_cover(f, p), 5);
}

TEST(PathCoverBound, LocationsNeverFollowEachOtherWhenDriversKeepOne) {
  Policy p;
  Forecast f;
  f.add(Mon, "06:00", "10:00", 1, "L1").add(Tue, "06:00", "10:00", 1, "L2");
  EXPECT_EQ(path_cover(f, p), 2);
  p.one_location_per_driver = false;
  EXPECT_EQ(path_cover(f, p), 1);
}

// ---- rest concurrency ----------------------------------------------------------------------

TEST(RestConcurrencyBound, RunningAtExcludesTheEndMinute) {
  Policy p;  // min rest 660
  // A ends Mon 20:00; B starts Tue 07:00: rest exactly 11 h, one driver can do both. A runs at
  // x <= 19:59, so y + 24 h <= x + 11 h allows y <= 06:59, before B runs: the bound stays 1.
  Forecast legal;
  legal.add(Mon, "15:30", "20:00").add(Tue, "07:00", "11:00");
  EXPECT_EQ(rest_concurrency(legal, p), 1);
  // B at 06:59: x = 19:59, y = 06:59 with y + 24 h = x + 11 h exactly, so both count.
  Forecast tight;
  tight.add(Mon, "15:30", "20:00").add(Tue, "06:59", "11:00");
  EXPECT_EQ(rest_concurrency(tight, p), 2);
}

TEST(RestConcurrencyBound, TakesTheBestTimeAndDayPair) {
  Policy p;
  Forecast f;
  f.add(Thu, "16:00", "21:00", 3);                        // 3 running at 20:59 on Thu
  f.add(Fri, "07:00", "11:00", 4).add(Fri, "06:00", "07:30", 2);  // 6 running at Fri 07:00
  f.add(Fri, "12:00", "16:00", 5);                        // 5 at noon
  // x = Thu 20:59 allows Fri y <= 07:59: 3 + 6 = 9. Alone, Friday noon has 5 running.
  EXPECT_EQ(rest_concurrency(f, p), 9);
  p.min_rest_minutes = 600;  // now y <= 06:59: 3 + the two 06:00 tours = 5; Friday 07:00 alone: 6
  EXPECT_EQ(rest_concurrency(f, p), 6);
}

TEST(RestConcurrencyBound, OnlyConsecutiveDays) {
  Policy p;
  Forecast f;
  f.add(Mon, "16:00", "22:00", 2).add(Wed, "05:00", "09:00", 3);  // Tuesday off in between
  EXPECT_EQ(rest_concurrency(f, p), 3);
}

TEST(RestConcurrencyBound, CrossMidnightTourRunsIntoTheNextDay) {
  Policy p;
  Forecast f;
  // Monday's 22:00–06:00 tour still runs at Tue 05:00 and its driver cannot take Tuesday's tour
  // at 14:00 (rest 8 h): x = Tue 05:59 (week-linear, by start day Mon) allows y <= Tue 16:59.
  f.add(Mon, "22:00", "06:00").add(Tue, "14:00", "18:00");
  EXPECT_EQ(rest_concurrency(f, p), 2);
  EXPECT_EQ(path_cover(f, p), 2);
}

TEST(RestConcurrencyBound, SummedPerLocationWhenDriversKeepOne) {
  Policy p;
  Forecast f;
  f.add(Mon, "08:00", "12:00", 2, "L1").add(Mon, "14:00", "18:00", 2, "L2");
  EXPECT_EQ(rest_concurrency(f, p), 4);  // 2 concurrent at each location, drivers disjoint
  p.one_location_per_driver = false;
  EXPECT_EQ(rest_concurrency(f, p), 2);
}

TEST(RestConcurrencyBound, WeekWrapAddsSundayToMonday) {
  Forecast f;
  f.add(Sun, "18:00", "23:00").add(Mon, "06:00", "10:00");  // Sun 23:00 -> Mon 06:00 is 7 h
  Policy p;
  EXPECT_EQ(rest_concurrency(f, p), 1);
  p.week_wrap = true;
  EXPECT_EQ(rest_concurrency(f, p), 2);
  // Path cover ignores the wrap (Monday then Sunday is a valid chain): here rest-concurrency wins.
  EXPECT_EQ(path_cover(f, p), 1);
}

TEST(Bounds, PathCoverBeatsRestConcurrencyWhenGapsForbidChaining) {
  Policy p;
  Forecast f;
  f.add(Mon, "06:00", "10:00").add(Mon, "11:30", "15:30");  // gap 90: neither regular nor split
  EXPECT_EQ(rest_concurrency(f, p), 1);
  EXPECT_EQ(path_cover(f, p), 2);
}

TEST(Bounds, EmptyForecastIsZeroEverywhere) {
  Policy p;
  Forecast f;
  EXPECT_EQ(hours_bound(f.types(), p), 0);
  EXPECT_EQ(per_day(f, p), 0);
  EXPECT_EQ(path_cover(f, p), 0);
  EXPECT_EQ(rest_concurrency(f, p), 0);
}

// ---- reference week -----------------------------------------------------------------------

std::vector<Tour> reference_tours(const std::string& name) {
  const std::filesystem::path path = std::filesystem::path(SO_SHARED_DIR) / "data" / "reference" / name;
  if (!std::filesystem::exists(path)) return {};
  return read_forecast_file(path.string()).tours;
}

TEST(Bounds, ReferenceWeek) {
  const auto tours = reference_tours("forecast_input.csv");
  if (tours.empty()) GTEST_SKIP() << "reference data not found under " << SO_SHARED_DIR;
  ASSERT_EQ(tours.size(), 1385u);
  Policy p;
  const auto types = aggregate_tour_types(tours);
  EXPECT_EQ(hours_bound(types, p), 114);
  EXPECT_EQ(path_cover_bound(types, p), 142);
  EXPECT_EQ(rest_concurrency_bound(types, p), 142);  // 61 running Fri 20:30 + 81 running Sat 07:30
  // Friday's 297 tours need 133 blocks (the busiest day).
  EXPECT_EQ(per_day_bound(types, enumerate_blocks(types, p), p), 133);
}

TEST(Bounds, Kw51) {
  const auto tours = reference_tours("forecast_kw51.csv");
  if (tours.empty()) GTEST_SKIP() << "reference data not found under " << SO_SHARED_DIR;
  ASSERT_EQ(tours.size(), 1272u);
  Policy p;
  const auto types = aggregate_tour_types(tours);
  EXPECT_EQ(path_cover_bound(types, p), 225);
  EXPECT_LE(rest_concurrency_bound(types, p), 225);
  EXPECT_LE(per_day_bound(types, enumerate_blocks(types, p), p), 225);
}

}  // namespace
}  // namespace so
