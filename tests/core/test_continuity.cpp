// dispatch.md §3, continuity across weeks: the rest from last week's end and the working-day
// streak reach into this week. The rule functions, driver_blockers (greedy insertion, reasons,
// diagnostics), the lock check, the independent audit (a hand-made plan breaking each rule), a
// randomized cross-check of driver_blockers against the audit, and the derivation from last
// week's plan.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include "core/audit.hpp"
#include "core/block.hpp"
#include "core/driver.hpp"
#include "core/reasons.hpp"
#include "core_fixtures.hpp"

namespace so {
namespace {

using test::hm;
using test::Week;
using Codes = std::vector<std::string>;
constexpr auto One = BlockKind::One;
constexpr auto Reg = BlockKind::TwoRegular;

Driver drv(std::string id) {
  Driver d;
  d.id = std::move(id);
  return d;
}

// Last Sunday at a clock time, relative to this Monday 00:00.
Minutes last_sun(const char* clock) { return hm(clock) - kMinutesPerDay; }

Driver after_sunday(const char* clock, const std::string& id = "D1") {
  Driver d = drv(id);
  d.previous_last_end = last_sun(clock);
  return d;
}

Driver with_streak(int days, const std::string& id = "D1") {
  Driver d = drv(id);
  d.previous_streak = days;
  return d;
}

Codes blockers(const Week& w, int cand, const Driver& d, const Policy& p = Policy{}) {
  const Roster* r = nullptr;
  for (const Roster& x : w.plan.rosters)
    if (x.driver_id == d.id) r = &x;
  return driver_blockers(cand, d, r, w.tours, p);
}

bool has_code(const AuditResult& r, const std::string& code) {
  for (const Violation& v : r.violations)
    if (v.code == code) return true;
  return false;
}

// ---- the rule functions ------------------------------------------------------------------------

TEST(ContinuityRules, RestFromLastWeekUsesThePersonalMinimumRest) {
  const Policy p;  // 11 h
  Driver d = after_sunday("22:30");  // -90
  const DriverLimits l = driver_limits(d, p);
  EXPECT_EQ(earliest_start_after_previous_week(d, l), std::optional<Minutes>(hm("09:30")));
  EXPECT_FALSE(rested_from_previous_week(d, l, hm("09:29")));
  EXPECT_TRUE(rested_from_previous_week(d, l, hm("09:30")));  // exactly the minimum is legal
  EXPECT_TRUE(rested_from_previous_week(d, l, week_minute(Tue, hm("05:00"))));
  d.min_rest_minutes = 12 * 60;  // personal, stricter
  EXPECT_FALSE(rested_from_previous_week(d, driver_limits(d, p), hm("10:00")));
  EXPECT_TRUE(rested_from_previous_week(d, driver_limits(d, p), hm("10:30")));
  d.min_rest_minutes = 9 * 60;  // looser: ignored
  EXPECT_FALSE(rested_from_previous_week(d, driver_limits(d, p), hm("09:00")));
}

TEST(ContinuityRules, RestOnlyBindsWhenItReachesIntoThisWeek) {
  const Policy p;
  Driver d = drv("D1");
  d.previous_last_end = week_minute(Sat, hm("20:00")) - 7 * kMinutesPerDay;  // last Saturday 20:00
  EXPECT_EQ(earliest_start_after_previous_week(d, driver_limits(d, p)), std::nullopt);
  EXPECT_TRUE(rested_from_previous_week(d, driver_limits(d, p), 0));
  d.previous_last_end = last_sun("13:00");  // ends 11 h before Monday 00:00 exactly
  EXPECT_EQ(earliest_start_after_previous_week(d, driver_limits(d, p)), std::nullopt);
  d.previous_last_end = hm("01:30");  // a Sunday night block that ended this Monday 01:30
  EXPECT_EQ(earliest_start_after_previous_week(d, driver_limits(d, p)), std::optional<Minutes>(hm("12:30")));
  EXPECT_TRUE(rested_from_previous_week(drv("none"), driver_limits(drv("none"), p), 0));  // missing = no rule
}

TEST(ContinuityRules, StreakCountsTheLeadingRunOfThisWeek) {
  const Policy p;  // max_working_days 6
  const Driver d = with_streak(3);
  const DriverLimits l = driver_limits(d, p);
  EXPECT_TRUE(within_working_streak(d, l, 0));
  EXPECT_TRUE(within_working_streak(d, l, 3));   // Mon–Wed: 6 in a row
  EXPECT_FALSE(within_working_streak(d, l, 4));  // Mon–Thu: 7 in a row
  EXPECT_EQ(day_off_due_by(d, l), std::optional<int>(3));  // one of Mon..Thu off
  const Driver six = with_streak(6);
  EXPECT_FALSE(within_working_streak(six, driver_limits(six, p), 1));
  EXPECT_EQ(day_off_due_by(six, driver_limits(six, p)), std::optional<int>(0));  // Monday off
  const Driver seven = with_streak(7);
  EXPECT_EQ(day_off_due_by(seven, driver_limits(seven, p)), std::optional<int>(0));
  const Driver none = drv("none");
  EXPECT_TRUE(within_working_streak(none, driver_limits(none, p), 7));  // missing = no rule
  EXPECT_EQ(day_off_due_by(none, driver_limits(none, p)), std::nullopt);
  Policy seven_days;
  seven_days.max_working_days = 7;
  const Driver one = with_streak(1);
  EXPECT_EQ(day_off_due_by(one, driver_limits(one, seven_days)), std::optional<int>(6));
  EXPECT_FALSE(within_working_streak(one, driver_limits(one, seven_days), 7));
}

TEST(ContinuityRules, LeadingWorkingDays) {
  EXPECT_EQ(leading_working_days({false, true, true, true, true, true, true}), 0);
  EXPECT_EQ(leading_working_days({true, true, false, true, true, true, true}), 2);
  EXPECT_EQ(leading_working_days({true, true, true, true, true, true, true}), 7);
}

TEST(ContinuityRules, CanEverWorkSeesBothRules) {
  Week w;
  const int mon6 = w.tour(Mon, "06:00", "10:30");
  const int mon12 = w.tour(Mon, "12:00", "16:30");
  const int tue6 = w.tour(Tue, "06:00", "10:30");
  const Policy p;
  const Driver late = after_sunday("23:00");
  EXPECT_FALSE(can_ever_work(late, driver_limits(late, p), w.tours[static_cast<size_t>(mon6)]));
  EXPECT_TRUE(can_ever_work(late, driver_limits(late, p), w.tours[static_cast<size_t>(mon12)]));
  const Driver six = with_streak(6);
  EXPECT_FALSE(can_ever_work(six, driver_limits(six, p), w.tours[static_cast<size_t>(mon12)]));
  EXPECT_TRUE(can_ever_work(six, driver_limits(six, p), w.tours[static_cast<size_t>(tue6)]));
}

// ---- driver_blockers ----------------------------------------------------------------------------

TEST(ContinuityBlockers, RestFromLastWeekIsDriverRestViolation) {
  Week w;
  const int mon6 = w.tour(Mon, "06:00", "10:30");
  const int mon10 = w.tour(Mon, "10:00", "14:30");
  EXPECT_EQ(blockers(w, mon6, after_sunday("23:00")), Codes{kDriverRestViolation});
  EXPECT_EQ(blockers(w, mon6, after_sunday("19:00")), Codes{});  // 11 h exactly
  EXPECT_EQ(blockers(w, mon10, after_sunday("23:00")), Codes{});
  EXPECT_EQ(blockers(w, mon6, drv("D1")), Codes{});  // missing data: no constraint
}

TEST(ContinuityBlockers, StreakIsDriverRestViolationOnlyWhereTheRunReachesIt) {
  Week w;
  w.work("D1", Tue, {"06:00", "10:30"}, One);
  w.work("D1", Wed, {"06:00", "10:30"}, One);
  w.work("D1", Thu, {"06:00", "10:30"}, One);
  const int mon = w.tour(Mon, "06:00", "10:30");
  const int fri = w.tour(Fri, "06:00", "10:30");
  // 3 days up to last Sunday + Mon–Thu = 7 in a row: Monday is blocked, Friday is not (Monday off).
  EXPECT_EQ(blockers(w, mon, with_streak(3)), Codes{kDriverRestViolation});
  EXPECT_EQ(blockers(w, fri, with_streak(3)), Codes{});
  EXPECT_EQ(blockers(w, mon, with_streak(2)), Codes{});  // 2 + 4 = 6
  EXPECT_EQ(blockers(w, mon, drv("D1")), Codes{});
  // A streak of 6 with max_working_days 6: Monday alone is already too much.
  Week empty;
  const int m = empty.tour(Mon, "12:00", "16:30");
  EXPECT_EQ(blockers(empty, m, with_streak(6)), Codes{kDriverRestViolation});
}

TEST(ContinuityBlockers, ExplainUnassignedAndDiagnosticsSeeIt) {
  Week w;
  const int mon6 = w.tour(Mon, "06:00", "10:30");
  const std::vector<Driver> pool{after_sunday("23:00", "A"), with_streak(6, "B")};
  const UnassignedExplanation e = explain_unassigned(mon6, pool, w.plan, w.tours, Policy{});
  EXPECT_EQ(e.reason_codes, (Codes{kDriverRestViolation, kNoAvailableDriver}));
  EXPECT_EQ(e.drivers_blocked.at(kDriverRestViolation), 2);
  const std::vector<TourDiagnostics> dg = diagnose_tours(w.tours, pool, Policy{});
  ASSERT_EQ(dg.size(), 1u);
  EXPECT_EQ(dg[0].drivers_eligible, 0);
  ASSERT_EQ(dg[0].top_blockers.size(), 1u);
  EXPECT_EQ(dg[0].top_blockers[0], (std::pair<std::string, int>{kDriverRestViolation, 2}));
}

// ---- locks -------------------------------------------------------------------------------------

TEST(ContinuityLocks, LockFeasibilityNamesTheRestAndTheStreak) {
  Week w;
  w.tour(Mon, "06:00", "10:30");  // T0001
  w.tour(Tue, "06:00", "10:30");  // T0002
  const Policy p;
  auto problem = check_lock_feasibility({Lock{"D1", {"T0001"}}}, {after_sunday("22:30")}, w.tours, p);
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(*problem,
            "lock of driver 'D1': first locked block Mon 06:00 ('T0001') starts 7 h 30 min after last week's end "
            "Sun 22:30; 11 h rest required");
  problem = check_lock_feasibility({Lock{"D1", {"T0001", "T0002"}}}, {with_streak(5)}, w.tours, p);
  ASSERT_TRUE(problem.has_value());
  EXPECT_NE(problem->find("7 days in a row, above max_working_days 6"), std::string::npos) << *problem;
  EXPECT_FALSE(check_lock_feasibility({Lock{"D1", {"T0002"}}}, {with_streak(6)}, w.tours, p).has_value());
  EXPECT_FALSE(check_lock_feasibility({Lock{"D1", {"T0001"}}}, {drv("D1")}, w.tours, p).has_value());
}

TEST(ContinuityLocks, CheckDriversRejectsAStreakOutsideTheWeek) {
  EXPECT_TRUE(check_drivers({with_streak(8)}).has_value());
  EXPECT_TRUE(check_drivers({with_streak(-1)}).has_value());
  EXPECT_FALSE(check_drivers({with_streak(7)}).has_value());
}

// ---- the audit ---------------------------------------------------------------------------------

TEST(ContinuityAudit, CatchesAFirstBlockTooSoonAfterLastWeek) {
  Week w;
  w.work("D1", Mon, {"06:00", "10:30"}, One);
  w.work("D1", Tue, {"06:00", "10:30"}, One);
  const AuditResult r = audit_driver_plan(w.tours, Policy{}, {after_sunday("22:30")}, {}, w.plan);
  ASSERT_EQ(r.violations.size(), 1u) << test::dump(r);
  const Violation& v = r.violations[0];
  EXPECT_EQ(v.code, "DRIVER_REST_VIOLATION");
  EXPECT_EQ(v.driver_id, "D1");
  EXPECT_EQ(v.day, Mon);
  EXPECT_EQ(v.message,
            "driver 'D1' first block Mon 06:00 starts 7 h 30 min after last week's end Sun 22:30; 11 h rest required");
  // Exactly the minimum is clean; the personal rest is the one required.
  EXPECT_TRUE(audit_driver_plan(w.tours, Policy{}, {after_sunday("19:00")}, {}, w.plan).ok);
  Driver strict = after_sunday("19:00");
  strict.min_rest_minutes = 12 * 60;
  const AuditResult s = audit_driver_plan(w.tours, Policy{}, {strict}, {}, w.plan);
  ASSERT_FALSE(s.ok);
  EXPECT_NE(s.violations[0].message.find("12 h rest required"), std::string::npos) << test::dump(s);
  EXPECT_TRUE(audit_driver_plan(w.tours, Policy{}, {drv("D1")}, {}, w.plan).ok);  // missing data
}

TEST(ContinuityAudit, FirstBlockLaterInTheWeekAndAnEndAfterMidnight) {
  Week w;
  w.work("D1", Mon, {"11:00", "15:30"}, One);
  Driver d = drv("D1");
  d.previous_last_end = hm("01:30");  // a Sunday night block that ended this Monday 01:30
  const AuditResult r = audit_driver_plan(w.tours, Policy{}, {d}, {}, w.plan);
  ASSERT_EQ(r.violations.size(), 1u) << test::dump(r);
  EXPECT_EQ(r.violations[0].message,
            "driver 'D1' first block Mon 11:00 starts 9 h 30 min after last week's end Mon 01:30 (this week); 11 h "
            "rest required");
  Week tue;
  tue.work("D1", Tue, {"06:00", "10:30"}, One);
  EXPECT_TRUE(audit_driver_plan(tue.tours, Policy{}, {after_sunday("23:59")}, {}, tue.plan).ok);
}

TEST(ContinuityAudit, CatchesAStreakAcrossTheWeekBoundary) {
  Week w;
  for (int day : {Mon, Tue, Wed, Thu}) w.work("D1", day, {"06:00", "10:30"}, One);
  w.work("D1", Sat, {"06:00", "10:30"}, One);
  const AuditResult r = audit_driver_plan(w.tours, Policy{}, {with_streak(3)}, {}, w.plan);
  ASSERT_EQ(r.violations.size(), 1u) << test::dump(r);
  const Violation& v = r.violations[0];
  EXPECT_EQ(v.code, "WORKING_DAYS_EXCEEDED");
  EXPECT_EQ(v.driver_id, "D1");
  EXPECT_EQ(v.day, Thu);  // the day the run goes past the limit
  EXPECT_EQ(v.message, "driver 'D1' works Mon–Thu after 3 days worked up to last Sunday: 7 days in a row > "
                       "max_working_days 6");
  EXPECT_TRUE(audit_driver_plan(w.tours, Policy{}, {with_streak(2)}, {}, w.plan).ok);
  EXPECT_TRUE(audit_driver_plan(w.tours, Policy{}, {drv("D1")}, {}, w.plan).ok);
  // Streak 6 and max_working_days 6: a Monday block alone is too much.
  Week mon;
  mon.work("D1", Mon, {"12:00", "16:30"}, One);
  EXPECT_TRUE(has_code(audit_driver_plan(mon.tours, Policy{}, {with_streak(6)}, {}, mon.plan), "WORKING_DAYS_EXCEEDED"));
}

TEST(ContinuityAudit, SourceCallsNoContinuityRuleHelper) {
  std::ifstream in(std::string(SO_SOURCE_DIR) + "/src/core/audit_driver.cpp");
  ASSERT_TRUE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  for (const char* banned : {"rested_from_previous_week(", "earliest_start_after_previous_week(",
                             "within_working_streak(", "day_off_due_by(", "leading_working_days(", "driver_limits("})
    EXPECT_EQ(ss.str().find(banned), std::string::npos) << "audit_driver.cpp uses " << banned;
}

// ---- driver_blockers against the audit, randomized ---------------------------------------------

Plan with_inserted(const Plan& base, int t, const std::vector<Tour>& tours, const Policy& p) {
  Plan plan = base;
  Roster& r = plan.rosters[0];
  std::erase_if(plan.unassigned, [&](const UnassignedTour& u) { return u.tour == t; });
  Block* day = nullptr;
  for (Block& b : r.blocks)
    if (b.day == tours[static_cast<size_t>(t)].day) day = &b;
  if (!day) {
    r.blocks.push_back(Block{tours[static_cast<size_t>(t)].day, {}, One});
    day = &r.blocks.back();
  }
  day->tours.push_back(t);
  std::sort(day->tours.begin(), day->tours.end(), [&](int x, int y) {
    return std::make_pair(tours[static_cast<size_t>(x)].week_start(), x) <
           std::make_pair(tours[static_cast<size_t>(y)].week_start(), y);
  });
  std::vector<TourWindow> win;
  for (int x : day->tours)
    win.push_back(TourWindow{tours[static_cast<size_t>(x)].week_start(), tours[static_cast<size_t>(x)].week_end(),
                             &tours[static_cast<size_t>(x)].location});
  if (auto k = classify_block(win, p)) day->kind = *k;
  else day->kind = win.size() == 3 ? BlockKind::Three : (win.size() == 2 ? Reg : One);
  return plan;
}

TEST(ContinuityBlockersVsAudit, NoBlockerExactlyWhenTheInsertedPlanIsAuditClean) {
  std::mt19937 rng(20250311);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  int inserted = 0, rest_rejections = 0;
  for (int instance = 0; instance < 400; ++instance) {
    Policy p;
    p.max_working_days = pick(3, 7);
    p.week_wrap = pick(0, 4) == 0;
    std::vector<Tour> tours;
    const int n = pick(8, 20);
    for (int i = 0; i < n; ++i) {
      const int day = pick(0, 2) ? pick(0, 3) : pick(4, 6);
      const Minutes start = pick(0, 92) * 15;
      const Minutes len = pick(8, 20) * 15;
      std::string id = "T";
      id += std::to_string(i);
      tours.push_back(make_tour(id, day, start, (start + len) % 1440));
    }
    Driver d = drv("D1");
    if (pick(0, 2)) d.previous_last_end = pick(-36, 8) * 30;  // last Sat 06:00 .. this Mon 04:00
    if (pick(0, 2)) d.previous_streak = pick(0, 7);
    if (pick(0, 2) == 0) d.min_rest_minutes = pick(11, 14) * 60;
    Plan plan;
    plan.rosters.push_back(Roster{"D1", {}, ""});
    for (int i = 0; i < n; ++i) plan.unassigned.push_back(UnassignedTour{i, {"TEST"}, {}});
    std::vector<int> order(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) order[static_cast<size_t>(i)] = i;
    std::shuffle(order.begin(), order.end(), rng);
    for (int t : order) {
      const Codes b = driver_blockers(t, d, &plan.rosters[0], tours, p);
      const Plan next = with_inserted(plan, t, tours, p);
      const AuditResult audit = audit_driver_plan(tours, p, {d}, {}, next);
      ASSERT_EQ(b.empty(), audit.ok) << "instance " << instance << " tour " << tours[static_cast<size_t>(t)].id
                                     << " blockers " << ::testing::PrintToString(b) << "\n"
                                     << test::dump(audit);
      if (b.empty()) {
        plan = next;
        ++inserted;
      } else if (std::find(b.begin(), b.end(), kDriverRestViolation) != b.end()) {
        ++rest_rejections;
      }
    }
  }
  EXPECT_GT(inserted, 800);
  EXPECT_GT(rest_rejections, 300);
}

// ---- last week's plan -----------------------------------------------------------------------

PreviousAssignment ran(const std::string& driver, const std::string& tour, const std::string& week, int day,
                       const char* start, const char* end) {
  PreviousAssignment pa{driver, tour};
  pa.week_start = week;
  pa.day = day;
  pa.start = hm(start);
  pa.end = hm(end);
  return pa;
}

TEST(ContinuityFromLastWeeksPlan, DatesAndTheSevenDayRule) {
  EXPECT_EQ(days_of_date("1970-01-01"), std::optional<long>(0));
  EXPECT_EQ(*days_of_date("2025-03-03") - *days_of_date("2025-02-24"), 7);
  EXPECT_EQ(*days_of_date("2024-03-04") - *days_of_date("2024-02-26"), 7);  // over a leap day
  EXPECT_EQ(days_of_date("2025-02-29"), std::nullopt);
  EXPECT_EQ(days_of_date("2025-13-01"), std::nullopt);
  EXPECT_EQ(days_of_date("next monday"), std::nullopt);
  const std::vector<PreviousAssignment> last{ran("D1", "T1", "2025-02-24", Sun, "18:00", "22:30")};
  EXPECT_TRUE(is_last_weeks_plan(last, "2025-03-03"));
  EXPECT_FALSE(is_last_weeks_plan(last, "2025-02-24"));  // same week: stability only
  EXPECT_FALSE(is_last_weeks_plan(last, "2025-03-10"));  // two weeks ago
  EXPECT_FALSE(is_last_weeks_plan(last, ""));            // the request names no week
  std::vector<PreviousAssignment> undated{PreviousAssignment{"D1", "T1"}};
  EXPECT_FALSE(is_last_weeks_plan(undated, "2025-03-03"));
}

TEST(ContinuityFromLastWeeksPlan, DerivesEndAndStreakForDriversWithoutTheirOwn) {
  const std::string week = "2025-02-24";
  const std::vector<PreviousAssignment> prev{
      ran("A", "T1", week, Fri, "06:00", "10:30"), ran("A", "T2", week, Sat, "06:00", "10:30"),
      ran("A", "T3", week, Sun, "14:00", "18:30"), ran("A", "T4", week, Sun, "19:00", "22:30"),
      ran("B", "T5", week, Sat, "20:00", "23:00"),   // Sunday off: streak 0, end Sat 23:00
      ran("C", "T6", week, Sun, "21:00", "02:00"),   // ran past midnight: ends this Monday 02:00
      ran("D", "T7", week, Sun, "06:00", "10:30")};  // carries its own previous_week: kept
  std::vector<Driver> pool{drv("A"), drv("B"), drv("C"), with_streak(1, "D"), drv("E")};
  const std::vector<Driver> out = with_previous_week(pool, prev, "2025-03-03");
  EXPECT_EQ(out[0].previous_last_end, std::optional<Minutes>(-90));
  EXPECT_EQ(out[0].previous_streak, 3);
  EXPECT_EQ(out[1].previous_last_end, std::optional<Minutes>(hm("23:00") - 2 * kMinutesPerDay));
  EXPECT_EQ(out[1].previous_streak, 0);
  EXPECT_EQ(out[2].previous_last_end, std::optional<Minutes>(hm("02:00")));
  EXPECT_EQ(out[2].previous_streak, 1);
  EXPECT_EQ(out[3], pool[3]);
  EXPECT_EQ(out[4], pool[4]);  // not in last week's plan: nothing carried
  // The same plan as this week's (or with no week named) changes nobody.
  EXPECT_EQ(with_previous_week(pool, prev, week), pool);
  EXPECT_EQ(with_previous_week(pool, prev, ""), pool);
}

}  // namespace
}  // namespace so
