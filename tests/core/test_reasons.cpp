// domain.md §7: reason codes of unassigned tours are computed by checking, never guessed.
// Every code has a tiny case with a known answer, and a randomized cross-check against the
// independent audit: "no blocker" holds exactly when inserting the tour keeps the plan audit-clean.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <set>

#include "core/audit.hpp"
#include "core/block.hpp"
#include "core/driver.hpp"
#include "core/reasons.hpp"
#include "io/forecast.hpp"
#include "core_fixtures.hpp"

namespace so {
namespace {

using test::hm;
using test::Week;
using Codes = std::vector<std::string>;
constexpr auto One = BlockKind::One;
constexpr auto Reg = BlockKind::TwoRegular;
constexpr auto Split = BlockKind::TwoSplit;
constexpr auto Three = BlockKind::Three;

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

// One driver "D1" with a roster (possibly empty) in w, and a candidate tour `cand`.
Codes blockers(const Week& w, int cand, const Driver& d, const Policy& p = Policy{}) {
  const Roster* r = nullptr;
  for (const Roster& x : w.plan.rosters)
    if (x.driver_id == d.id) r = &x;
  return driver_blockers(cand, d, r, w.tours, p);
}

// ---- driver_blockers: one case per code -----------------------------------------------------

TEST(DriverBlockers, NothingBlocksAnInsertableTour) {
  Week w;
  w.work("D1", Mon, {"06:00", "10:30"}, One);
  const int c = w.tour(Mon, "11:00", "15:30");
  EXPECT_EQ(blockers(w, c, drv("D1")), Codes{});
  EXPECT_EQ(driver_blockers(c, drv("D1"), nullptr, w.tours, Policy{}), Codes{});  // no roster at all
}

TEST(DriverBlockers, QualificationMissing) {
  Week w;
  const int c = w.tour(Mon, "06:00", "10:30");
  w.tours[static_cast<size_t>(c)].required_qualifications = {"ADR"};
  EXPECT_EQ(blockers(w, c, drv("D1")), Codes{kDriverQualificationMissing});
  Driver adr = drv("D1");
  adr.qualifications = {"ADR"};
  EXPECT_EQ(blockers(w, c, adr), Codes{});
}

TEST(DriverBlockers, NotAvailableDayOrWindow) {
  Week w;
  const int c = w.tour(Sat, "06:00", "10:30");
  Driver off = drv("D1");
  off.available_days[Sat] = false;
  EXPECT_EQ(blockers(w, c, off), Codes{kDriverNotAvailable});
  Driver window = drv("D1");
  window.unavailable = {TimeWindow{week_minute(Sat, hm("10:00")), week_minute(Sat, hm("11:00"))}};
  EXPECT_EQ(blockers(w, c, window), Codes{kDriverNotAvailable});
  window.unavailable = {TimeWindow{week_minute(Sat, hm("10:30")), week_minute(Sat, hm("11:00"))}};  // touching
  EXPECT_EQ(blockers(w, c, window), Codes{});
}

TEST(DriverBlockers, SpanShorterThanTheTourAlone) {
  Week w;
  const int c = w.tour(Mon, "06:00", "10:30");
  Driver d = drv("D1");
  d.max_daily_span_minutes = 269;
  EXPECT_EQ(blockers(w, c, d), Codes{kDriverDailySpanLimit});
  d.max_daily_span_minutes = 270;
  EXPECT_EQ(blockers(w, c, d), Codes{});
}

TEST(DriverBlockers, WeeklyLimitShorterThanTheTourAlone) {
  Week w;
  const int c = w.tour(Mon, "06:00", "10:30");
  Driver d = drv("D1");
  d.max_weekly_minutes = 240;
  EXPECT_EQ(blockers(w, c, d), Codes{kDriverWeeklyLimit});
}

TEST(DriverBlockers, TourOverlap) {
  Week w;
  w.work("D1", Mon, {"06:00", "10:30"}, One);
  const int c = w.tour(Mon, "08:00", "12:30");
  EXPECT_EQ(blockers(w, c, drv("D1")), Codes{kTourOverlap});
  const int touching = w.tour(Mon, "10:30", "12:30");  // touching is no overlap, but a 0-min gap is not a block
  EXPECT_EQ(blockers(w, touching, drv("D1")), Codes{kInfeasible});
}

TEST(DriverBlockers, MaxToursPerDayPersonalAndPolicy) {
  Week w;
  w.work("D1", Mon, {"06:00", "10:30"}, One);
  const int c = w.tour(Mon, "11:00", "15:30");
  Driver d = drv("D1");
  d.max_tours_per_day = 1;
  EXPECT_EQ(blockers(w, c, d), Codes{kDriverMaxToursPerDay});
  Policy two;
  two.max_tours_per_block = 2;  // the policy's own cap reports the same code
  Week x;
  x.work("D1", Tue, {"06:00", "08:00", "08:30", "10:30"}, Reg);
  const int third = x.tour(Tue, "11:00", "13:00");
  EXPECT_EQ(blockers(x, third, drv("D1"), two), Codes{kDriverMaxToursPerDay});
  EXPECT_EQ(blockers(x, third, drv("D1")), Codes{});
  Week y;
  y.work("D1", Tue, {"06:00", "08:00", "08:30", "10:30", "11:00", "13:00"}, Three);
  const int fourth = y.tour(Tue, "13:30", "15:00");
  EXPECT_EQ(blockers(y, fourth, drv("D1")), Codes{kDriverMaxToursPerDay});
}

TEST(DriverBlockers, DailySpanOfTheMergedBlock) {
  Week w;
  w.work("D1", Mon, {"06:00", "10:30"}, One);
  const int c = w.tour(Mon, "11:00", "15:30");  // merged span 9.5 h
  Driver d = drv("D1");
  d.max_daily_span_minutes = 569;
  EXPECT_EQ(blockers(w, c, d), Codes{kDriverDailySpanLimit});
  d.max_daily_span_minutes = 570;
  EXPECT_EQ(blockers(w, c, d), Codes{});
}

TEST(DriverBlockers, RestPolicyAndPersonalBothDirections) {
  Week w;
  w.work("D1", Mon, {"14:00", "18:30"}, One);
  const int early = w.tour(Tue, "05:00", "09:30");  // 10.5 h
  const int later = w.tour(Tue, "06:00", "10:30");  // 11.5 h
  EXPECT_EQ(blockers(w, early, drv("D1")), Codes{kDriverRestViolation});
  EXPECT_EQ(blockers(w, later, drv("D1")), Codes{});
  Driver d = drv("D1");
  d.min_rest_minutes = 720;
  EXPECT_EQ(blockers(w, later, d), Codes{kDriverRestViolation});
  Week next;  // the candidate before a roster day
  next.work("D1", Tue, {"05:00", "09:30"}, One);
  const int before = next.tour(Mon, "14:00", "18:30");
  EXPECT_EQ(blockers(next, before, drv("D1")), Codes{kDriverRestViolation});
}

TEST(DriverBlockers, RestAcrossTheWeekWrapOnlyWhenEnabled) {
  Week w;
  w.work("D1", Sun, {"14:00", "18:30"}, One);
  const int c = w.tour(Mon, "05:00", "09:30");
  Policy wrap;
  wrap.week_wrap = true;
  EXPECT_EQ(blockers(w, c, drv("D1")), Codes{});
  EXPECT_EQ(blockers(w, c, drv("D1"), wrap), Codes{kDriverRestViolation});
}

TEST(DriverBlockers, WeeklyLimitWithTheRoster) {
  Week w;
  w.work("D1", Mon, {"06:00", "10:30"}, One);
  const int c = w.tour(Tue, "06:00", "10:30");
  Driver d = drv("D1");
  d.max_weekly_minutes = 539;
  EXPECT_EQ(blockers(w, c, d), Codes{kDriverWeeklyLimit});
  d.max_weekly_minutes = 540;
  EXPECT_EQ(blockers(w, c, d), Codes{});
}

TEST(DriverBlockers, InfeasibleForPolicyRulesNobodyOwns) {
  {  // forbidden gap (90 min)
    Week w;
    w.work("D1", Mon, {"06:00", "10:30"}, One);
    EXPECT_EQ(blockers(w, w.tour(Mon, "12:00", "16:30"), drv("D1")), Codes{kInfeasible});
  }
  {  // split gap inside a 3er
    Week w;
    w.work("D1", Mon, {"06:00", "08:00", "08:30", "10:30"}, Reg);
    EXPECT_EQ(blockers(w, w.tour(Mon, "14:30", "16:00"), drv("D1")), Codes{kInfeasible});
  }
  {  // policy span of a split 2er (17 h > 16 h); a personal span on top is reported as well
    Week w;
    w.work("D1", Mon, {"05:00", "10:00"}, One);
    const int c = w.tour(Mon, "16:00", "22:00");
    EXPECT_EQ(blockers(w, c, drv("D1")), Codes{kInfeasible});
    Driver d = drv("D1");
    d.max_daily_span_minutes = 600;
    EXPECT_EQ(blockers(w, c, d), (Codes{kDriverDailySpanLimit, kInfeasible}));
  }
  {  // working days
    Week w;
    w.work("D1", Mon, {"06:00", "10:30"}, One);
    Policy p;
    p.max_working_days = 1;
    EXPECT_EQ(blockers(w, w.tour(Wed, "06:00", "10:30"), drv("D1"), p), Codes{kInfeasible});
    EXPECT_EQ(blockers(w, w.tour(Mon, "11:00", "15:30"), drv("D1"), p), Codes{});  // same day: no new day
  }
  {  // one location all week, and no mixed block
    Week w;
    w.work("D1", Mon, {"06:00", "10:30"}, One, "X");
    EXPECT_EQ(blockers(w, w.tour(Wed, "06:00", "10:30", "Y"), drv("D1")), Codes{kInfeasible});
    Policy p;
    p.one_location_per_driver = false;
    EXPECT_EQ(blockers(w, w.tour(Wed, "06:00", "10:30", "Y"), drv("D1"), p), Codes{});
    EXPECT_EQ(blockers(w, w.tour(Mon, "11:00", "15:30", "Y"), drv("D1"), p), Codes{kInfeasible});
  }
  {  // two 3er on consecutive days
    Week w;
    w.work("D1", Mon, {"06:00", "08:00", "08:30", "10:30", "11:00", "13:00"}, Three);
    w.work("D1", Tue, {"06:00", "08:00", "08:30", "10:30"}, Reg);
    EXPECT_EQ(blockers(w, w.tour(Tue, "11:00", "13:00"), drv("D1")), Codes{kInfeasible});
  }
}

TEST(DriverBlockers, LegacyThreeErRestIsInfeasibleUnlessThePersonalRestFails) {
  const Policy legacy = test::legacy();  // 14 h after a 3er day
  Week w;
  w.work("D1", Mon, {"12:00", "14:00", "14:30", "16:30", "17:00", "18:30"}, Three);
  const int c = w.tour(Tue, "07:00", "11:30");  // 12.5 h: above 11 h, below 14 h
  EXPECT_EQ(blockers(w, c, drv("D1")), Codes{});
  EXPECT_EQ(blockers(w, c, drv("D1"), legacy), Codes{kInfeasible});
  Driver d = drv("D1");
  d.min_rest_minutes = 900;  // the driver's own 15 h is the rule that fails now
  EXPECT_EQ(blockers(w, c, d, legacy), Codes{kDriverRestViolation});
  d.min_rest_minutes = 780;  // 13 h: fails too, and the 14 h legacy rule independently
  EXPECT_EQ(blockers(w, c, d, legacy), (Codes{kDriverRestViolation, kInfeasible}));
}

TEST(DriverBlockers, AllCodesInPrecedenceOrder) {
  Week w;
  w.work("D1", Mon, {"14:00", "18:30"}, One);
  w.work("D1", Tue, {"06:00", "10:30"}, One, "X");
  const int c = w.tour(Tue, "08:00", "12:30", "Y");  // overlaps; rest from Mon 13.5 h fine
  w.tours[static_cast<size_t>(c)].required_qualifications = {"ADR"};
  Driver d = drv("D1");
  d.available_days[Tue] = false;
  d.max_tours_per_day = 1;
  d.max_daily_span_minutes = 300;
  d.max_weekly_minutes = 600;
  d.min_rest_minutes = 900;  // Mon 18:30 -> Tue 06:00 is 11.5 h
  EXPECT_EQ(blockers(w, c, d), (Codes{kDriverQualificationMissing, kDriverNotAvailable, kTourOverlap,
                                      kDriverMaxToursPerDay, kDriverDailySpanLimit, kDriverRestViolation,
                                      kDriverWeeklyLimit, kInfeasible}));
}

TEST(DriverBlockers, TheTourItselfOnTheRosterIsIgnored) {
  Week w;
  const auto idx = w.work("D1", Mon, {"06:00", "10:30", "11:00", "15:30"}, Reg);
  EXPECT_EQ(blockers(w, idx[1], drv("D1")), Codes{});
}

// ---- explain_unassigned ---------------------------------------------------------------------

TEST(ExplainUnassigned, EachDriverContributesItsPrimaryBlocker) {
  Week w;
  w.work("C", Mon, {"08:00", "12:30"}, One);
  w.work("D", Sun, {"20:00", "23:00"}, One);
  w.work("E", Tue, {"06:00", "10:30"}, One);
  const int c = w.tour(Mon, "06:00", "10:30");
  w.tours[static_cast<size_t>(c)].required_qualifications = {"ADR"};
  Driver a = drv("A"), b = drv("B"), cc = drv("C"), d = drv("D"), e = drv("E");
  b.qualifications = cc.qualifications = d.qualifications = e.qualifications = {"ADR"};
  b.available_days[Mon] = false;
  e.min_rest_minutes = 720;  // Mon 10:30 -> Tue 06:00 is 19.5 h: fine
  e.max_weekly_minutes = 500;
  // A: qualification; B: day off; C: overlap; D: nothing (no week wrap) -> not counted; E: weekly.
  const UnassignedExplanation x = explain_unassigned(c, {a, b, cc, d, e}, w.plan, w.tours, Policy{});
  EXPECT_EQ(x.reason_codes, (Codes{kDriverNotAvailable, kDriverQualificationMissing, kDriverWeeklyLimit, kTourOverlap}));
  EXPECT_EQ(x.drivers_blocked, (std::map<std::string, int>{{kDriverNotAvailable, 1},
                                                           {kDriverQualificationMissing, 1},
                                                           {kDriverWeeklyLimit, 1},
                                                           {kTourOverlap, 1}}));
}

TEST(ExplainUnassigned, NoAvailableDriverWhenTourAloneBlocksEveryone) {
  Week w;
  const int c = w.tour(Sat, "06:00", "10:30");
  w.tours[static_cast<size_t>(c)].required_qualifications = {"ADR"};
  Driver a = drv("A"), b = drv("B"), z = drv("Z");
  b.qualifications = {"ADR"};
  b.available_days[Sat] = false;
  const UnassignedExplanation x = explain_unassigned(c, {a, b, z}, w.plan, w.tours, Policy{});
  EXPECT_EQ(x.reason_codes, (Codes{kDriverNotAvailable, kDriverQualificationMissing, kNoAvailableDriver}));
  EXPECT_EQ(x.drivers_blocked,
            (std::map<std::string, int>{{kDriverNotAvailable, 1}, {kDriverQualificationMissing, 2}}));
  const UnassignedExplanation empty = explain_unassigned(c, {}, w.plan, w.tours, Policy{});
  EXPECT_EQ(empty.reason_codes, Codes{kNoAvailableDriver});
  EXPECT_TRUE(empty.drivers_blocked.empty());
}

// Every code alone, through explain_unassigned with a one-driver pool.
TEST(ExplainUnassigned, KnownAnswerForEveryCode) {
  struct Case {
    std::string code;
    Week w;
    int cand;
    Driver d;
    Policy p;
    bool tour_alone;
  };
  std::vector<Case> cases;
  auto add = [&](std::string code, Week w, int cand, Driver d, Policy p, bool alone) {
    cases.push_back(Case{std::move(code), std::move(w), cand, std::move(d), p, alone});
  };
  {
    Week w;
    int c = w.tour(Mon, "06:00", "10:30");
    w.tours[static_cast<size_t>(c)].required_qualifications = {"ADR"};
    add(kDriverQualificationMissing, w, c, drv("D1"), Policy{}, true);
  }
  {
    Week w;
    int c = w.tour(Mon, "06:00", "10:30");
    Driver d = drv("D1");
    d.available_days[Mon] = false;
    add(kDriverNotAvailable, w, c, d, Policy{}, true);
  }
  {
    Week w;
    w.work("D1", Mon, {"06:00", "10:30"}, One);
    int c = w.tour(Mon, "11:00", "15:30");
    Driver d = drv("D1");
    d.max_daily_span_minutes = 480;
    add(kDriverDailySpanLimit, w, c, d, Policy{}, false);
  }
  {
    Week w;
    w.work("D1", Mon, {"06:00", "10:30"}, One);
    int c = w.tour(Thu, "06:00", "10:30");
    Driver d = drv("D1");
    d.max_weekly_minutes = 400;
    add(kDriverWeeklyLimit, w, c, d, Policy{}, false);
  }
  {
    Week w;
    w.work("D1", Mon, {"06:00", "10:30"}, One);
    int c = w.tour(Mon, "11:00", "15:30");
    Driver d = drv("D1");
    d.max_tours_per_day = 1;
    add(kDriverMaxToursPerDay, w, c, d, Policy{}, false);
  }
  {
    Week w;
    w.work("D1", Mon, {"14:00", "18:30"}, One);
    add(kDriverRestViolation, w, w.tour(Tue, "05:00", "09:30"), drv("D1"), Policy{}, false);
  }
  {
    Week w;
    w.work("D1", Mon, {"06:00", "10:30"}, One);
    add(kTourOverlap, w, w.tour(Mon, "10:00", "14:30"), drv("D1"), Policy{}, false);
  }
  {
    Week w;
    w.work("D1", Mon, {"06:00", "10:30"}, One);
    add(kInfeasible, w, w.tour(Mon, "12:00", "16:30"), drv("D1"), Policy{}, false);
  }
  for (const Case& k : cases) {
    SCOPED_TRACE(k.code);
    EXPECT_EQ(blockers(k.w, k.cand, k.d, k.p), Codes{k.code});
    const UnassignedExplanation x = explain_unassigned(k.cand, {k.d}, k.w.plan, k.w.tours, k.p);
    Codes expected{k.code};
    if (k.tour_alone) expected.push_back(kNoAvailableDriver);
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(x.reason_codes, expected);
    EXPECT_EQ(x.drivers_blocked, (std::map<std::string, int>{{k.code, 1}}));
  }
}

// ---- diagnose_tours -------------------------------------------------------------------------

TEST(DiagnoseTours, BlocksEligibleDriversAndTopBlockers) {
  Week w;
  const int a = w.tour(Mon, "06:00", "10:30");
  const int b = w.tour(Mon, "11:00", "15:30");
  const int c = w.tour(Mon, "16:00", "20:30");
  const int d = w.tour(Mon, "06:00", "10:30");
  w.tours[static_cast<size_t>(d)].required_qualifications = {"ADR"};
  const int e = w.tour(Tue, "06:00", "10:30");
  Driver p1 = drv("P1"), p2 = drv("P2"), p3 = drv("P3"), p4 = drv("P4"), p6 = drv("P6"), p7 = drv("P7");
  p1.qualifications = p3.qualifications = {"ADR"};
  p3.available_days[Mon] = false;
  p4.available_days[Mon] = false;  // and no ADR: the qualification comes first
  p6.max_daily_span_minutes = 200;
  p7.max_weekly_minutes = 200;
  const auto diag = diagnose_tours(w.tours, {p1, p2, p3, p4, p6, p7}, Policy{});
  ASSERT_EQ(diag.size(), 5u);
  // Types: A(06:00), D(06:00, ADR), B(11:00), C(16:00). Valid: 4×1er; A-B, D-B, B-C regular;
  // A-C, D-C split (330 min, span 14.5 h); A-B-C, D-B-C 3er (span 14.5 h).
  EXPECT_EQ(diag[static_cast<size_t>(a)].blocks, 4);
  EXPECT_EQ(diag[static_cast<size_t>(d)].blocks, 4);
  EXPECT_EQ(diag[static_cast<size_t>(b)].blocks, 6);
  EXPECT_EQ(diag[static_cast<size_t>(c)].blocks, 6);
  EXPECT_EQ(diag[static_cast<size_t>(e)].blocks, 1);
  for (size_t i = 0; i < diag.size(); ++i) EXPECT_EQ(diag[i].tour, static_cast<int>(i));

  using Top = std::vector<std::pair<std::string, int>>;
  EXPECT_EQ(diag[static_cast<size_t>(a)].drivers_eligible, 2);  // P1, P2
  EXPECT_EQ(diag[static_cast<size_t>(a)].top_blockers,
            (Top{{kDriverNotAvailable, 2}, {kDriverDailySpanLimit, 1}, {kDriverWeeklyLimit, 1}}));
  EXPECT_EQ(diag[static_cast<size_t>(d)].drivers_eligible, 1);  // P1
  EXPECT_EQ(diag[static_cast<size_t>(d)].top_blockers, (Top{{kDriverQualificationMissing, 4}, {kDriverNotAvailable, 1}}));
  EXPECT_EQ(diag[static_cast<size_t>(e)].drivers_eligible, 4);
  EXPECT_EQ(diag[static_cast<size_t>(e)].top_blockers, (Top{{kDriverDailySpanLimit, 1}, {kDriverWeeklyLimit, 1}}));
  EXPECT_TRUE(diagnose_tours({}, {p1}, Policy{}).empty());
  EXPECT_EQ(diagnose_tours(w.tours, {}, Policy{})[0].drivers_eligible, 0);
}

// The reference week (read from SO_SHARED_DIR, never copied): 145 generic drivers, 15 of them off
// on Saturday. Every tour sits in some valid block; only Saturday tours lose drivers, to the day off.
TEST(DiagnoseTours, ReferenceWeekWithSaturdayOff) {
  const std::filesystem::path path = std::filesystem::path(SO_SHARED_DIR) / "data" / "reference" / "forecast_input.csv";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "reference data not found under " << SO_SHARED_DIR;
  const std::vector<Tour> tours = read_forecast_file(path.string()).tours;
  ASSERT_EQ(tours.size(), 1385u);
  std::vector<Driver> pool;
  for (int i = 0; i < 145; ++i) {
    pool.push_back(drv(named("D", static_cast<size_t>(i))));
    if (i % 10 == 0) pool.back().available_days[Sat] = false;
  }
  const auto t0 = std::chrono::steady_clock::now();
  const auto diag = diagnose_tours(tours, pool, Policy{});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  RecordProperty("diagnose_seconds", std::to_string(seconds));
  ASSERT_EQ(diag.size(), tours.size());
  using Top = std::vector<std::pair<std::string, int>>;
  for (size_t i = 0; i < tours.size(); ++i) {
    EXPECT_GE(diag[i].blocks, 1) << tours[i].id;
    if (tours[i].day == Sat) {
      EXPECT_EQ(diag[i].drivers_eligible, 130) << tours[i].id;
      EXPECT_EQ(diag[i].top_blockers, (Top{{kDriverNotAvailable, 15}})) << tours[i].id;
    } else {
      EXPECT_EQ(diag[i].drivers_eligible, 145) << tours[i].id;
      EXPECT_TRUE(diag[i].top_blockers.empty()) << tours[i].id;
    }
  }
  EXPECT_LT(seconds, 5.0);  // diagnostics answer without solving
}

// ---- cross-check with the independent audit -------------------------------------------------

// Insert tour `t` into driver D1's roster the way a solver would (claimed kind from classify_block).
Plan with_inserted(const Plan& base, int t, const std::vector<Tour>& tours, const Policy& p) {
  Plan plan = base;
  Roster& r = plan.rosters[0];
  plan.unassigned.erase(std::remove_if(plan.unassigned.begin(), plan.unassigned.end(),
                                       [&](const UnassignedTour& u) { return u.tour == t; }),
                        plan.unassigned.end());
  Block* day = nullptr;
  for (Block& b : r.blocks)
    if (b.day == tours[static_cast<size_t>(t)].day) day = &b;
  if (!day) {
    r.blocks.push_back(Block{tours[static_cast<size_t>(t)].day, {}, BlockKind::One});
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
  else day->kind = win.size() == 3 ? Three : (win.size() == 2 ? Reg : One);
  return plan;
}

TEST(DriverBlockersVsAudit, NoBlockerExactlyWhenTheInsertedPlanIsAuditClean) {
  std::mt19937 rng(20240606);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  int inserted = 0, rejected = 0;
  std::set<std::string> seen;  // every code was produced somewhere
  for (int instance = 0; instance < 600; ++instance) {
    Policy p = pick(0, 2) == 0 ? test::legacy() : Policy{};
    p.week_wrap = pick(0, 3) == 0;
    p.max_working_days = pick(2, 6);
    p.one_location_per_driver = pick(0, 4) != 0;
    p.allow_consecutive_3er = pick(0, 3) == 0;
    std::vector<Tour> tours;
    const int n = pick(10, 24);
    for (int i = 0; i < n; ++i) {
      const int day = pick(0, 1) ? pick(0, 2) : pick(5, 6);
      const Minutes start = pick(16, 84) * 15;  // 04:00 .. 21:00
      const Minutes len = pick(4, 20) * 15;     // 1 h .. 5 h
      std::vector<std::string> q;
      if (pick(0, 4) == 0) q.push_back("ADR");
      tours.push_back(make_tour(named("T", static_cast<size_t>(i)), day, start, (start + len) % 1440, pick(0, 6) ? "A" : "B", q));
    }
    Driver d = drv("D1");
    if (pick(0, 1)) d.qualifications = {"ADR"};
    if (pick(0, 3) == 0) d.available_days[static_cast<size_t>(pick(0, 6))] = false;
    if (pick(0, 3) == 0) {
      const Minutes s = pick(0, 6) * 1440 + pick(0, 80) * 15;
      d.unavailable = {TimeWindow{s, s + pick(1, 16) * 15}};
    }
    if (pick(0, 1)) d.max_weekly_minutes = pick(8, 40) * 60;
    if (pick(0, 2) == 0) d.max_tours_per_day = pick(1, 3);
    if (pick(0, 2) == 0) d.min_rest_minutes = pick(9, 15) * 60;
    if (pick(0, 2) == 0) d.max_daily_span_minutes = pick(5, 16) * 60;

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
      } else {
        ++rejected;
        seen.insert(b.begin(), b.end());
      }
    }
  }
  RecordProperty("inserted", inserted);
  RecordProperty("rejected", rejected);
  EXPECT_GT(inserted, 1200);  // both directions were really exercised
  EXPECT_GT(rejected, 4000);
  EXPECT_EQ(seen, (std::set<std::string>{kDriverQualificationMissing, kDriverNotAvailable, kDriverDailySpanLimit,
                                         kDriverWeeklyLimit, kDriverMaxToursPerDay, kTourOverlap, kDriverRestViolation,
                                         kInfeasible}));
}

}  // namespace
}  // namespace so
