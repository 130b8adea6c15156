// domain.md §7: driver limits (only ever tighter), one function per driver rule, request checks,
// and the driver-mode plan helpers (order_driver_plan, signature with driver ids, driver KPIs).
#include <gtest/gtest.h>

#include "core/driver.hpp"
#include "core/kpis.hpp"
#include "core/signature.hpp"
#include "core_fixtures.hpp"

namespace so {
namespace {

using test::hm;
using test::Week;

// "T" + to_string(n) without operator+ (GCC 12 warns falsely with -Wrestrict on literal + temporary).
std::string named(const char* prefix, size_t n) {
  std::string s = prefix;
  s += std::to_string(n);
  return s;
}

Driver drv(std::string id) {
  Driver d;
  d.id = std::move(id);
  return d;
}

Tour tour(std::string id, int day, const char* s, const char* e, std::vector<std::string> quals = {},
          std::string loc = "DEFAULT") {
  return make_tour(std::move(id), day, hm(s), hm(e), std::move(loc), std::move(quals));
}

// ---- limits ---------------------------------------------------------------------------------

TEST(DriverLimits, NoPersonalValuesIsThePolicy) {
  const Policy p;
  const DriverLimits l = driver_limits(drv("D1"), p);
  EXPECT_EQ(l.max_weekly_minutes, 3300);
  EXPECT_EQ(l.min_weekly_minutes, 0);
  EXPECT_EQ(l.max_tours_per_day, 3);
  EXPECT_EQ(l.min_rest_minutes, 660);
  EXPECT_EQ(l.min_rest_after_3er_minutes, 660);
  EXPECT_FALSE(l.max_daily_span_minutes.has_value());
  EXPECT_EQ(personal_policy(drv("D1"), p), p);
}

TEST(DriverLimits, TighterPersonalValuesAreHonoured) {
  Driver d = drv("D1");
  d.max_weekly_minutes = 2400;
  d.min_weekly_minutes = 1200;
  d.max_tours_per_day = 2;
  d.min_rest_minutes = 720;
  d.max_daily_span_minutes = 600;
  const Policy p;
  const DriverLimits l = driver_limits(d, p);
  EXPECT_EQ(l.max_weekly_minutes, 2400);
  EXPECT_EQ(l.min_weekly_minutes, 1200);
  EXPECT_EQ(l.max_tours_per_day, 2);
  EXPECT_EQ(l.min_rest_minutes, 720);
  EXPECT_EQ(l.min_rest_after_3er_minutes, 720);  // the personal rest also lifts the legacy 3er rest
  EXPECT_EQ(l.max_daily_span_minutes, 600);

  const Policy q = personal_policy(d, p);
  EXPECT_EQ(q.max_weekly_minutes, 2400);
  EXPECT_EQ(q.min_rest_minutes, 720);
  EXPECT_EQ(q.min_rest_after_3er_minutes, 720);
  EXPECT_EQ(q.max_tours_per_block, 2);
  EXPECT_EQ(q.max_span_regular_minutes, 600);
  EXPECT_EQ(q.max_span_split_minutes, 600);
  EXPECT_EQ(q.max_span_3er_minutes, 600);
  EXPECT_EQ(q.min_gap_minutes, p.min_gap_minutes);  // not a personal rule
  EXPECT_EQ(q.max_working_days, p.max_working_days);
}

TEST(DriverLimits, LooserPersonalValuesAreIgnored) {
  Driver d = drv("D1");
  d.max_weekly_minutes = 4000;
  d.max_tours_per_day = 5;
  d.min_rest_minutes = 540;
  d.max_daily_span_minutes = 1200;  // above every policy span
  const Policy p;
  const DriverLimits l = driver_limits(d, p);
  EXPECT_EQ(l.max_weekly_minutes, 3300);
  EXPECT_EQ(l.max_tours_per_day, 3);
  EXPECT_EQ(l.min_rest_minutes, 660);
  EXPECT_EQ(l.min_rest_after_3er_minutes, 660);
  EXPECT_EQ(personal_policy(d, p), p);
}

TEST(DriverLimits, SpanCapOnlyLowersTheSpansAboveIt) {
  Driver d = drv("D1");
  d.max_daily_span_minutes = 900;  // between 3er (930) / split (960) and regular (840)
  const Policy q = personal_policy(d, Policy{});
  EXPECT_EQ(q.max_span_regular_minutes, 840);
  EXPECT_EQ(q.max_span_3er_minutes, 900);
  EXPECT_EQ(q.max_span_split_minutes, 900);
}

TEST(DriverLimits, LegacyThreeErRestKeepsTheHigherValue) {
  const Policy legacy = test::legacy();  // rest after a 3er day 840
  Driver d = drv("D1");
  d.min_rest_minutes = 720;
  EXPECT_EQ(driver_limits(d, legacy).min_rest_after_3er_minutes, 840);
  EXPECT_EQ(personal_policy(d, legacy).min_rest_after_3er_minutes, 840);
  d.min_rest_minutes = 900;
  EXPECT_EQ(driver_limits(d, legacy).min_rest_after_3er_minutes, 900);
  EXPECT_EQ(personal_policy(d, legacy).min_rest_after_3er_minutes, 900);
  EXPECT_EQ(personal_policy(d, legacy).min_rest_minutes, 900);
}

TEST(DriverLimits, PolicyTourCapBelowPersonal) {
  Policy p;
  p.max_tours_per_block = 2;
  Driver d = drv("D1");
  d.max_tours_per_day = 3;
  EXPECT_EQ(driver_limits(d, p).max_tours_per_day, 2);
  EXPECT_EQ(personal_policy(d, p).max_tours_per_block, 2);
}

// ---- rule functions -------------------------------------------------------------------------

TEST(DriverRules, Qualifications) {
  Driver d = drv("D1");
  d.qualifications = {"ADR", "KUEHL"};
  EXPECT_TRUE(holds_qualifications(d, {}));
  EXPECT_TRUE(holds_qualifications(d, {"ADR"}));
  EXPECT_TRUE(holds_qualifications(d, {"ADR", "KUEHL"}));
  EXPECT_FALSE(holds_qualifications(d, {"ADR", "XL"}));
  EXPECT_FALSE(holds_qualifications(drv("D2"), {"ADR"}));
}

TEST(DriverRules, AvailableDaysAndWindowsAreHalfOpen) {
  Driver d = drv("D1");
  d.available_days[Sat] = false;
  EXPECT_TRUE(available_on_day(d, Fri));
  EXPECT_FALSE(available_on_day(d, Sat));
  EXPECT_FALSE(available_on_day(d, 7));
  d.unavailable = {TimeWindow{week_minute(Mon, hm("12:00")), week_minute(Mon, hm("14:00"))}};
  EXPECT_TRUE(free_during(d, week_minute(Mon, hm("06:00")), week_minute(Mon, hm("12:00"))));   // touches the start
  EXPECT_TRUE(free_during(d, week_minute(Mon, hm("14:00")), week_minute(Mon, hm("18:30"))));   // touches the end
  EXPECT_FALSE(free_during(d, week_minute(Mon, hm("08:00")), week_minute(Mon, hm("12:01"))));
  EXPECT_FALSE(free_during(d, week_minute(Mon, hm("13:59")), week_minute(Mon, hm("18:00"))));
  EXPECT_FALSE(free_during(d, week_minute(Mon, hm("12:30")), week_minute(Mon, hm("13:00"))));  // inside
  EXPECT_FALSE(free_during(d, week_minute(Mon, hm("10:00")), week_minute(Mon, hm("16:00"))));  // around
  EXPECT_TRUE(free_during(d, week_minute(Tue, hm("12:00")), week_minute(Tue, hm("14:00"))));   // other day
}

TEST(DriverRules, LimitsAreInclusive) {
  Driver d = drv("D1");
  d.max_daily_span_minutes = 600;
  d.max_weekly_minutes = 2400;
  d.max_tours_per_day = 2;
  const DriverLimits l = driver_limits(d, Policy{});
  EXPECT_TRUE(within_daily_span(l, 600));
  EXPECT_FALSE(within_daily_span(l, 601));
  EXPECT_TRUE(within_weekly_limit(l, 2400));
  EXPECT_FALSE(within_weekly_limit(l, 2401));
  EXPECT_TRUE(within_tours_per_day(l, 2));
  EXPECT_FALSE(within_tours_per_day(l, 3));
  EXPECT_TRUE(within_daily_span(driver_limits(drv("D2"), Policy{}), 5000));  // no personal span: no limit
}

TEST(DriverRules, CanEverWorkChecksTheTourAlone) {
  const Tour t = tour("T1", Tue, "06:00", "10:30", {"ADR"});
  Driver d = drv("D1");
  d.qualifications = {"ADR"};
  EXPECT_TRUE(can_ever_work(d, driver_limits(d, Policy{}), t));
  Driver x = d;
  x.qualifications = {};
  EXPECT_FALSE(can_ever_work(x, driver_limits(x, Policy{}), t));
  x = d;
  x.available_days[Tue] = false;
  EXPECT_FALSE(can_ever_work(x, driver_limits(x, Policy{}), t));
  x = d;
  x.unavailable = {TimeWindow{week_minute(Tue, hm("10:00")), week_minute(Tue, hm("11:00"))}};
  EXPECT_FALSE(can_ever_work(x, driver_limits(x, Policy{}), t));
  x = d;
  x.max_daily_span_minutes = 269;  // the tour lasts 270
  EXPECT_FALSE(can_ever_work(x, driver_limits(x, Policy{}), t));
  x.max_daily_span_minutes = 270;
  EXPECT_TRUE(can_ever_work(x, driver_limits(x, Policy{}), t));
  x = d;
  x.max_weekly_minutes = 240;
  EXPECT_FALSE(can_ever_work(x, driver_limits(x, Policy{}), t));
}

TEST(DriverRules, ContractNames) {
  EXPECT_STREQ(contract_name(Contract::Unspecified), "");
  EXPECT_STREQ(contract_name(Contract::FTE), "FTE");
  EXPECT_STREQ(contract_name(Contract::PT), "PT");
}

// ---- request checks -------------------------------------------------------------------------

TEST(CheckDrivers, SoundPoolPasses) {
  Driver a = drv("A"), b = drv("B");
  a.min_weekly_minutes = 1200;
  a.max_weekly_minutes = 2400;
  b.unavailable = {TimeWindow{100, 200}};
  EXPECT_EQ(check_drivers({a, b}), std::nullopt);
  EXPECT_EQ(check_drivers({}), std::nullopt);
}

TEST(CheckDrivers, EachProblemIsNamed) {
  EXPECT_EQ(check_drivers({drv("A"), drv("")}), "driver #2 has an empty id");
  EXPECT_EQ(check_drivers({drv("A"), drv("B"), drv("A")}), "driver id 'A' appears more than once");
  Driver w = drv("W");
  w.unavailable = {TimeWindow{week_minute(Tue, hm("14:00")), week_minute(Tue, hm("14:00"))}};
  EXPECT_EQ(check_drivers({w}), "driver 'W': unavailable window Tue 14:00 ends at or before its start");
  Driver m = drv("M");
  m.min_weekly_minutes = 2700;
  m.max_weekly_minutes = 2400;
  EXPECT_EQ(check_drivers({m}), "driver 'M': min_weekly_hours 45.0 h is above max_weekly_hours 40.0 h");
}

TEST(CheckLocks, EachProblemIsNamed) {
  const std::vector<Tour> tours = {tour("T1", Mon, "06:00", "10:30"), tour("T2", Mon, "11:00", "15:30")};
  const std::vector<Driver> pool = {drv("A"), drv("B")};
  EXPECT_EQ(check_locks({Lock{"A", {"T1"}}, Lock{"B", {"T2"}}}, pool, tours), std::nullopt);
  EXPECT_EQ(check_locks({Lock{"Z", {"T1"}}}, pool, tours), "lock names unknown driver 'Z'");
  EXPECT_EQ(check_locks({Lock{"A", {"T9"}}}, pool, tours), "lock of driver 'A' names unknown tour 'T9'");
  EXPECT_EQ(check_locks({Lock{"A", {"T1", "T1"}}}, pool, tours), "tour 'T1' is locked twice to driver 'A'");
  EXPECT_EQ(check_locks({Lock{"A", {"T1"}}, Lock{"A", {"T1"}}}, pool, tours), "tour 'T1' is locked twice to driver 'A'");
  EXPECT_EQ(check_locks({Lock{"A", {"T1"}}, Lock{"B", {"T1"}}}, pool, tours),
            "tour 'T1' is locked to two drivers ('A' and 'B')");
}

// ---- lock feasibility -----------------------------------------------------------------------

std::optional<std::string> feas(const std::vector<Tour>& tours, const Driver& d, std::vector<std::string> ids,
                                 const Policy& p = Policy{}) {
  return check_lock_feasibility({Lock{d.id, std::move(ids)}}, {d}, tours, p);
}

TEST(LockFeasibility, LegalLocksPass) {
  const std::vector<Tour> tours = {tour("T1", Mon, "06:00", "10:30"), tour("T2", Mon, "11:00", "15:30"),
                                   tour("T3", Tue, "06:00", "10:30", {"ADR"})};
  Driver d = drv("D1");
  d.qualifications = {"ADR"};
  EXPECT_EQ(feas(tours, d, {"T1", "T2", "T3"}), std::nullopt);
  EXPECT_EQ(check_lock_feasibility({}, {d}, tours, Policy{}), std::nullopt);
  // Two locks of one driver are judged together.
  EXPECT_EQ(check_lock_feasibility({Lock{"D1", {"T1"}}, Lock{"D1", {"T2"}}}, {d}, tours, Policy{}), std::nullopt);
}

TEST(LockFeasibility, Overlap) {
  std::vector<Tour> tours;
  for (int i = 1; i <= 9; ++i) tours.push_back(tour(named("T000", static_cast<size_t>(i)), Tue, "06:00", "07:00"));
  tours[2] = tour("T0003", Mon, "06:00", "10:30");
  tours[8] = tour("T0009", Mon, "10:00", "14:30");
  EXPECT_EQ(feas(tours, drv("D7"), {"T0009", "T0003"}), "lock of driver 'D7': tours 'T0003' and 'T0009' on Mon overlap");
}

TEST(LockFeasibility, Qualification) {
  const std::vector<Tour> tours = {tour("T0100", Wed, "06:00", "10:30", {"ADR"})};
  EXPECT_EQ(feas(tours, drv("D2"), {"T0100"}),
            "lock of driver 'D2': tour 'T0100' needs qualification 'ADR' which the driver does not hold");
}

TEST(LockFeasibility, WeeklyLimit) {
  // Six days of two 4:40 tours = 56.0 h, the driver's cap is 40 h.
  std::vector<Tour> tours;
  std::vector<std::string> ids;
  for (int day = Mon; day <= Sat; ++day) {
    for (const auto& [s, e] : {std::pair{"06:00", "10:40"}, std::pair{"11:10", "15:50"}}) {
      tours.push_back(tour(named("T", static_cast<size_t>(tours.size() + 1)), day, s, e));
      ids.push_back(tours.back().id);
    }
  }
  Driver d = drv("D2");
  d.max_weekly_minutes = 2400;
  EXPECT_EQ(feas(tours, d, ids), "lock of driver 'D2': 56.0 h of locked work exceeds the driver's weekly limit of 40.0 h");
  EXPECT_EQ(feas(tours, drv("D2"), ids),  // the policy cap of 55 h binds too
            "lock of driver 'D2': 56.0 h of locked work exceeds the driver's weekly limit of 55.0 h");
  ids.pop_back();
  ids.pop_back();
  EXPECT_EQ(feas(tours, drv("D2"), ids), std::nullopt);
}

TEST(LockFeasibility, DayOffAndWindow) {
  const std::vector<Tour> tours = {tour("T1", Sat, "06:00", "10:30"), tour("T2", Mon, "06:00", "10:30")};
  Driver d = drv("D3");
  d.available_days[Sat] = false;
  d.unavailable = {TimeWindow{week_minute(Mon, hm("10:00")), week_minute(Mon, hm("12:00"))}};
  EXPECT_EQ(feas(tours, d, {"T1"}), "lock of driver 'D3': tour 'T1' is on Sat when the driver is not available");
  EXPECT_EQ(feas(tours, d, {"T2"}),
            "lock of driver 'D3': tour 'T2' (Mon 06:00-10:30) overlaps the driver's unavailable window Mon 10:00-12:00");
  d.unavailable = {TimeWindow{week_minute(Mon, hm("10:30")), week_minute(Mon, hm("12:00"))}};  // touching
  EXPECT_EQ(feas(tours, d, {"T2"}), std::nullopt);
}

TEST(LockFeasibility, PersonalSpanAlsoForASingleTour) {
  const std::vector<Tour> tours = {tour("T1", Mon, "06:00", "10:30"), tour("T2", Mon, "11:00", "15:30")};
  Driver d = drv("D4");
  d.max_daily_span_minutes = 240;
  EXPECT_EQ(feas(tours, d, {"T1"}),
            "lock of driver 'D4': tour 'T1' lasts 4.5 h, above the driver's daily span limit of 4.0 h");
  d.max_daily_span_minutes = 480;
  EXPECT_EQ(feas(tours, d, {"T1", "T2"}),
            "lock of driver 'D4': tours 'T1' and 'T2' on Mon span 9.5 h, above the driver's daily span limit of 8.0 h");
}

TEST(LockFeasibility, ToursPerDay) {
  const std::vector<Tour> tours = {tour("T1", Mon, "06:00", "10:30"), tour("T2", Mon, "11:00", "15:30")};
  Driver d = drv("D5");
  d.max_tours_per_day = 1;
  EXPECT_EQ(feas(tours, d, {"T1", "T2"}),
            "lock of driver 'D5': 2 tours on Mon ('T1' and 'T2') exceed the driver's limit of 1 tours per day");
}

TEST(LockFeasibility, InvalidBlock) {
  const std::vector<Tour> tours = {tour("T1", Mon, "06:00", "10:30"), tour("T2", Mon, "12:00", "16:30"),
                                   tour("T3", Mon, "11:00", "15:30"), tour("T4", Mon, "20:00", "23:00"),
                                   tour("T5", Tue, "06:00", "08:00"), tour("T6", Tue, "08:30", "10:00"),
                                   tour("T7", Tue, "14:00", "16:00"), tour("T8", Wed, "06:00", "10:30", {}, "B"),
                                   tour("T9", Wed, "11:00", "15:30", {}, "C")};
  EXPECT_EQ(feas(tours, drv("D6"), {"T1", "T2"}),
            "lock of driver 'D6': the gap of 90 min between tours 'T1' and 'T2' on Mon is not allowed in a block");
  EXPECT_EQ(feas(tours, drv("D6"), {"T5", "T6", "T7"}),
            "lock of driver 'D6': tours 'T5', 'T6' and 'T7' on Tue would be a 3er with a split gap");
  EXPECT_EQ(feas(tours, drv("D6"), {"T8", "T9"}),
            "lock of driver 'D6': tours 'T8' and 'T9' on Wed are at different locations (B, C)");
  // A split 2er of 17 h span: over the 16 h split limit.
  const std::vector<Tour> split = {tour("S1", Mon, "05:00", "10:00"), tour("S2", Mon, "16:00", "22:00")};
  EXPECT_EQ(feas(split, drv("D6"), {"S1", "S2"}),
            "lock of driver 'D6': tours 'S1' and 'S2' on Mon span 17.0 h, above the 2er-split limit of 16.0 h for this driver");
}

TEST(LockFeasibility, RestAndFatigue) {
  const std::vector<Tour> tours = {tour("T1", Mon, "14:00", "18:30"), tour("T2", Tue, "05:00", "09:30"),
                                   tour("T3", Mon, "06:00", "08:00"), tour("T4", Mon, "08:30", "10:30"),
                                   tour("T5", Tue, "06:00", "08:00"), tour("T6", Tue, "08:30", "10:30"),
                                   tour("T7", Tue, "11:00", "13:00"), tour("T8", Mon, "11:00", "13:00")};
  EXPECT_EQ(feas(tours, drv("D8"), {"T1", "T2"}),
            "lock of driver 'D8': rest from Mon ('T1' ends 18:30) to Tue ('T2' starts 05:00) is 10.5 h, below the "
            "required 11.0 h");
  Driver strict = drv("D8");
  strict.min_rest_minutes = 720;
  const std::vector<Tour> ok = {tour("A", Mon, "14:00", "18:30"), tour("B", Tue, "06:00", "10:30")};  // 11.5 h
  EXPECT_EQ(feas(ok, drv("D8"), {"A", "B"}), std::nullopt);
  EXPECT_EQ(feas(ok, strict, {"A", "B"}),
            "lock of driver 'D8': rest from Mon ('A' ends 18:30) to Tue ('B' starts 06:00) is 11.5 h, below the "
            "required 12.0 h");
  // Two 3er on consecutive days (allow_consecutive_3er = false); the rest of 17 h is fine.
  EXPECT_EQ(feas(tours, drv("D8"), {"T3", "T4", "T8", "T5", "T6", "T7"}),
            "lock of driver 'D8': the 3er on Tue ('T5', 'T6' and 'T7') may not follow the 3er on Mon");
}

TEST(LockFeasibility, WorkingDaysAndLocation) {
  std::vector<Tour> tours;
  std::vector<std::string> ids;
  for (int day = Mon; day <= Sun; ++day) {
    tours.push_back(tour(named("T", static_cast<size_t>(day + 1)), day, "06:00", "10:30"));
    ids.push_back(tours.back().id);
  }
  EXPECT_EQ(feas(tours, drv("D9"), ids), "lock of driver 'D9': 7 locked working days exceed the limit of 6");
  const std::vector<Tour> locs = {tour("A", Mon, "06:00", "10:30", {}, "X"), tour("B", Tue, "06:00", "10:30", {}, "Y")};
  EXPECT_EQ(feas(locs, drv("D9"), {"A", "B"}), "lock of driver 'D9': tours 'A' (X) and 'B' (Y) are at different locations");
  Policy p;
  p.one_location_per_driver = false;
  EXPECT_EQ(feas(locs, drv("D9"), {"A", "B"}, p), std::nullopt);
}

// ---- plan helpers ---------------------------------------------------------------------------

TEST(OrderDriverPlan, RequestOrderThenDayThenTour) {
  Plan plan;
  plan.rosters = {Roster{"C", {Block{Tue, {3}, BlockKind::One}, Block{Mon, {1}, BlockKind::One}}, "Carl"},
                  Roster{"Z", {}, ""}, Roster{"A", {Block{Wed, {0}, BlockKind::One}}, "Anna"},
                  Roster{"B", {Block{Mon, {2}, BlockKind::One}}, "Ben"}};
  plan.unassigned = {UnassignedTour{5, {"INFEASIBLE"}, {}}, UnassignedTour{4, {"INFEASIBLE"}, {}}};
  order_driver_plan(plan, {"A", "B", "C"});
  ASSERT_EQ(plan.rosters.size(), 4u);
  EXPECT_EQ(plan.rosters[0].driver_id, "A");
  EXPECT_EQ(plan.rosters[1].driver_id, "B");
  EXPECT_EQ(plan.rosters[2].driver_id, "C");
  EXPECT_EQ(plan.rosters[2].driver_name, "Carl");  // real ids and names are kept
  EXPECT_EQ(plan.rosters[3].driver_id, "Z");       // not in the order: last
  EXPECT_EQ(plan.rosters[2].blocks[0].day, Mon);
  EXPECT_EQ(plan.rosters[2].blocks[1].day, Tue);
  EXPECT_EQ(plan.unassigned[0].tour, 4);
  EXPECT_EQ(plan.unassigned[1].tour, 5);
}

TEST(DriverSignature, DriverIdsMatterOnlyWhenAsked) {
  Week a;
  a.work("D1", Mon, {"06:00", "10:30"}, BlockKind::One);
  a.work("D2", Tue, {"06:00", "10:30"}, BlockKind::One);
  Week b = a;  // same work, the drivers swapped
  b.plan.rosters[0].driver_id = "D2";
  b.plan.rosters[1].driver_id = "D1";
  EXPECT_EQ(solution_signature(a.tours, a.plan), solution_signature(b.tours, b.plan));
  EXPECT_EQ(solution_signature(a.tours, a.plan, false), solution_signature(a.tours, a.plan));
  EXPECT_EQ(canonical_plan_text(a.tours, a.plan, false), canonical_plan_text(a.tours, a.plan));
  EXPECT_NE(solution_signature(a.tours, a.plan, true), solution_signature(b.tours, b.plan, true));
  EXPECT_EQ(canonical_plan_text(a.tours, a.plan, true), "status:complete\nD1=0:T0001\nD2=1:T0002\n");
  // Roster order does not matter, and an unused driver adds nothing.
  Week c = a;
  std::swap(c.plan.rosters[0], c.plan.rosters[1]);
  c.plan.rosters.push_back(Roster{"D3", {}, "idle"});
  EXPECT_EQ(solution_signature(a.tours, a.plan, true), solution_signature(c.tours, c.plan, true));
}

TEST(DriverKpis, ShortfallOverUsedDriversOnly) {
  Week w;
  w.work("A", Mon, {"06:00", "10:30", "11:00", "15:30"}, BlockKind::TwoRegular);  // 9 h
  w.work("B", Tue, {"06:00", "10:30"}, BlockKind::One);                           // 4.5 h
  w.work("C", Wed, {"06:00", "10:30"}, BlockKind::One);                           // 4.5 h, no minimum
  w.unassign(w.tour(Thu, "06:00", "10:30"), {"NO_AVAILABLE_DRIVER"});
  w.unassign(w.tour(Thu, "07:00", "11:30"), {"NO_AVAILABLE_DRIVER"});
  Driver a = drv("A"), b = drv("B"), c = drv("C"), idle = drv("I");
  a.min_weekly_minutes = 600;   // 1 h short
  b.min_weekly_minutes = 240;   // met
  idle.min_weekly_minutes = 1200;  // unused: not counted
  Kpis k = compute_kpis(w.tours, Policy{}, w.plan, 3);
  EXPECT_FALSE(k.driver_mode);
  add_driver_kpis(k, w.tours, {a, b, c, idle}, w.plan);
  EXPECT_TRUE(k.driver_mode);
  EXPECT_EQ(k.drivers_available, 4);
  EXPECT_EQ(k.tours_uncovered, 2);
  EXPECT_DOUBLE_EQ(k.contract_shortfall_hours, 1.0);
  EXPECT_EQ(k.drivers_below_contract_min, 1);
  EXPECT_EQ(k.drivers_total, 3);  // compute_kpis' own fields untouched
}

}  // namespace
}  // namespace so
