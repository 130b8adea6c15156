// domain.md §9: KPIs on hand-computed plans.
#include <gtest/gtest.h>

#include <cmath>

#include "core/audit.hpp"
#include "core/kpis.hpp"
#include "core_fixtures.hpp"

namespace so {
namespace {

using test::dump;
using test::Week;

// D001: Mon–Fri 2er-regular 06:00–10:30 + 11:00–15:30 (5 × 540 = 45 h, rest 14:30).
// D002: Mon–Fri 2er-split 07:00–11:00 + 16:00–20:00 (5 × 480 = 40 h, rest 20:00 → 07:00 = 660 exactly ×4).
// D003: Mon 1er 06:00–10:30, Tue 3er 05:00–09:30/10:00–14:30/15:00–19:30 (270 + 810 = 18 h).
// Sat 06:00–10:30 unassigned (the only Saturday tour: it can only be a 1er).
// Mon has a valid 3er 06:00–10:30/11:00–15:30/16:00–20:00 (span 840), so D003's Monday 1er is a missed 3er.
Week hand_plan() {
  Week w;
  for (int d = Mon; d <= Fri; ++d) {
    w.work("D001", d, {"06:00", "10:30", "11:00", "15:30"}, BlockKind::TwoRegular);
    w.work("D002", d, {"07:00", "11:00", "16:00", "20:00"}, BlockKind::TwoSplit);
  }
  w.work("D003", Mon, {"06:00", "10:30"}, BlockKind::One);
  w.work("D003", Tue, {"05:00", "09:30", "10:00", "14:30", "15:00", "19:30"}, BlockKind::Three);
  w.unassign(w.tour(Sat, "06:00", "10:30"));
  return w;
}

TEST(Kpis, HandComputedPlan) {
  Week w = hand_plan();
  ASSERT_TRUE(audit_plan(w.tours, Policy{}, w.plan).ok) << dump(audit_plan(w.tours, Policy{}, w.plan));
  Kpis k = compute_kpis(w.tours, Policy{}, w.plan, 2);
  EXPECT_EQ(k.drivers_total, 3);
  EXPECT_EQ(k.drivers_fte, 2);  // 45 h and exactly 40 h
  EXPECT_EQ(k.drivers_pt, 1);
  EXPECT_DOUBLE_EQ(k.pt_ratio, 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(k.underfull_ratio, 0.5);  // D002 40 h < 42 h
  EXPECT_EQ(k.tours_total, 25);
  EXPECT_EQ(k.tours_covered, 24);
  EXPECT_DOUBLE_EQ(k.coverage_rate, 24.0 / 25.0);
  EXPECT_EQ(k.blocks_1er, 1);
  EXPECT_EQ(k.blocks_2er_regular, 5);
  EXPECT_EQ(k.blocks_2er_split, 5);
  EXPECT_EQ(k.blocks_3er, 1);
  EXPECT_DOUBLE_EQ(k.hours_all.min, 18.0);
  EXPECT_DOUBLE_EQ(k.hours_all.avg, (45.0 + 40.0 + 18.0) / 3.0);
  EXPECT_DOUBLE_EQ(k.hours_all.max, 45.0);
  EXPECT_DOUBLE_EQ(k.hours_fte.min, 40.0);
  EXPECT_DOUBLE_EQ(k.hours_fte.avg, 42.5);
  EXPECT_DOUBLE_EQ(k.hours_fte.max, 45.0);
  EXPECT_DOUBLE_EQ(k.hours_pt.min, 18.0);
  EXPECT_DOUBLE_EQ(k.hours_pt.avg, 18.0);
  EXPECT_DOUBLE_EQ(k.hours_pt.max, 18.0);
  EXPECT_EQ(k.tight_rest_count, 4);
  EXPECT_EQ(k.forced_1er_count, 1);
  EXPECT_EQ(k.missed_3er_opps, 1);
  EXPECT_EQ(k.lower_bound, 2);
  EXPECT_DOUBLE_EQ(k.gap_to_lb, 0.5);
}

TEST(Kpis, PolicyAndTargetChangeClasses) {
  Week w = hand_plan();
  Kpis legacy = compute_kpis(w.tours, test::legacy(), w.plan, 3);  // FTE threshold 42 h
  EXPECT_EQ(legacy.drivers_fte, 1);
  EXPECT_EQ(legacy.drivers_pt, 2);
  EXPECT_DOUBLE_EQ(legacy.underfull_ratio, 0.0);
  EXPECT_DOUBLE_EQ(legacy.gap_to_lb, 0.0);
  EXPECT_DOUBLE_EQ(legacy.hours_pt.avg, 29.0);
  Kpis strict = compute_kpis(w.tours, Policy{}, w.plan, 3, 46.0);
  EXPECT_DOUBLE_EQ(strict.underfull_ratio, 1.0);
  Policy rest = Policy{};
  rest.min_rest_minutes = 600;  // nothing is tight any more
  EXPECT_EQ(compute_kpis(w.tours, rest, w.plan, 3).tight_rest_count, 0);
  Policy singles;
  singles.max_tours_per_block = 1;
  Kpis s = compute_kpis(w.tours, singles, w.plan, 3);
  EXPECT_EQ(s.forced_1er_count, 25);
  EXPECT_EQ(s.missed_3er_opps, 0);
  Policy short3;
  short3.max_span_3er_minutes = 839;  // Monday's only 3er (span 840) disappears
  EXPECT_EQ(compute_kpis(w.tours, short3, w.plan, 3).missed_3er_opps, 0);
}

TEST(Kpis, TightRestAcrossWeekWrapAndAfter3er) {
  Week w;
  w.work("D001", Mon, {"10:00", "14:30"}, BlockKind::One);
  w.work("D001", Sun, {"18:30", "23:00"}, BlockKind::One);  // 23:00 → Mon 10:00 = 660
  EXPECT_EQ(compute_kpis(w.tours, Policy{}, w.plan, 1).tight_rest_count, 0);
  Policy wrap;
  wrap.week_wrap = true;
  EXPECT_EQ(compute_kpis(w.tours, wrap, w.plan, 1).tight_rest_count, 1);

  Week l;  // 18:30 → 08:30 = 840: tight only under legacy (840 after a 3er)
  l.work("D001", Mon, {"04:00", "08:30", "09:00", "13:30", "14:00", "18:30"}, BlockKind::Three);
  l.work("D001", Tue, {"08:30", "13:00"}, BlockKind::One);
  EXPECT_EQ(compute_kpis(l.tours, Policy{}, l.plan, 1).tight_rest_count, 0);
  EXPECT_EQ(compute_kpis(l.tours, test::legacy(), l.plan, 1).tight_rest_count, 1);
}

TEST(Kpis, EmptyForecastAndEmptyPlan) {
  Kpis k = compute_kpis({}, Policy{}, Plan{}, 0);
  EXPECT_EQ(k.drivers_total, 0);
  EXPECT_EQ(k.tours_total, 0);
  EXPECT_DOUBLE_EQ(k.coverage_rate, 1.0);
  EXPECT_DOUBLE_EQ(k.pt_ratio, 0.0);
  EXPECT_DOUBLE_EQ(k.underfull_ratio, 0.0);
  EXPECT_DOUBLE_EQ(k.gap_to_lb, 0.0);
  EXPECT_DOUBLE_EQ(k.hours_all.avg, 0.0);
  EXPECT_EQ(k.forced_1er_count, 0);

  Week w;  // tours but nobody assigned (and an unused driver in the roster list)
  w.tour(Mon, "06:00", "10:30");
  w.tour(Mon, "11:00", "15:30");
  w.plan.rosters.push_back(Roster{"D001", {}, {}});
  Kpis e = compute_kpis(w.tours, Policy{}, w.plan, 0);
  EXPECT_EQ(e.drivers_total, 0);
  EXPECT_EQ(e.tours_covered, 0);
  EXPECT_DOUBLE_EQ(e.coverage_rate, 0.0);
  EXPECT_EQ(e.forced_1er_count, 0);
  for (double v : {e.pt_ratio, e.underfull_ratio, e.gap_to_lb, e.hours_fte.avg, e.hours_pt.max})
    EXPECT_TRUE(std::isfinite(v));
}

}  // namespace
}  // namespace so
