// domain.md §8: the independent audit, boundary by boundary.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/audit.hpp"
#include "core/block.hpp"
#include "core_fixtures.hpp"

namespace so {
namespace {

using test::codes;
using test::dump;
using test::hm;
using test::sorted_codes;
using test::Week;
using Codes = std::vector<std::string>;
constexpr auto One = BlockKind::One;
constexpr auto Reg = BlockKind::TwoRegular;
constexpr auto Split = BlockKind::TwoSplit;
constexpr auto Three = BlockKind::Three;

AuditResult audit(const Week& w, const Policy& p = Policy{}) { return audit_plan(w.tours, p, w.plan); }

// ---- independence ---------------------------------------------------------------------------

TEST(AuditIndependence, SourceCallsNoSolverFeasibilityHelper) {
  std::ifstream in(std::string(SO_SOURCE_DIR) + "/src/core/audit.cpp");
  ASSERT_TRUE(in.good()) << "cannot read audit.cpp under " << SO_SOURCE_DIR;
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string src = ss.str();
  for (const char* banned : {"core/rules.hpp", "core/block.hpp", "gap_zone(", "classify_block(", "max_span(",
                             "required_rest_after(", "fatigue_allows(", "block_start(", "block_end(", "block_work(",
                             "roster_work(", "rest_between(", "enumerate_blocks(", "tours_in("})
    EXPECT_EQ(src.find(banned), std::string::npos) << "audit.cpp uses " << banned;
}

// ---- coverage -------------------------------------------------------------------------------

TEST(AuditCoverage, ValidPlanIsOk) {
  Week w;
  w.work("D001", Mon, {"06:00", "10:30", "11:00", "15:30"}, Reg);
  w.work("D002", Mon, {"06:00", "10:30"}, One);
  auto r = audit(w);
  EXPECT_TRUE(r.ok) << dump(r);
  EXPECT_TRUE(r.violations.empty());
}

TEST(AuditCoverage, EmptyForecastAndEmptyPlan) {
  Week w;
  EXPECT_TRUE(audit(w).ok);
  w.plan.rosters.push_back(Roster{"D001", {}, {}});  // an unused driver is fine
  EXPECT_TRUE(audit(w).ok);
  w.tour(Mon, "06:00", "10:30");
  w.plan.rosters.clear();
  auto r = audit(w);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(codes(r), Codes{"TOUR_UNCOVERED"});
  EXPECT_EQ(r.violations[0].tour_id, "T0001");
  EXPECT_EQ(r.violations[0].day, Mon);
}

TEST(AuditCoverage, UnassignedCountsAsAccountedFor) {
  Week w;
  int t = w.tour(Mon, "06:00", "10:30");
  w.unassign(t);
  EXPECT_TRUE(audit(w).ok);
  w.block("D001", Mon, {t}, One);  // now both assigned and unassigned
  auto r = audit(w);
  EXPECT_EQ(codes(r), Codes{"TOUR_DUPLICATED"}) << dump(r);
  EXPECT_EQ(r.violations[0].tour_id, "T0001");
}

TEST(AuditCoverage, DuplicatedAndUnknown) {
  Week w;
  int a = w.tour(Mon, "06:00", "10:30");
  int b = w.tour(Tue, "06:00", "10:30");
  w.block("D001", Mon, {a}, One);
  w.block("D002", Mon, {a}, One);
  w.block("D002", Tue, {b, 99}, One);
  w.unassign(-1);
  auto r = audit(w);
  EXPECT_EQ(codes(r), (Codes{"TOUR_UNKNOWN", "TOUR_UNKNOWN", "TOUR_DUPLICATED"})) << dump(r);
  EXPECT_EQ(r.violations[0].driver_id, "D002");
  EXPECT_EQ(r.violations[0].day, Tue);
  EXPECT_NE(r.violations[0].message.find("99"), std::string::npos);
  EXPECT_EQ(r.violations[2].tour_id, "T0001");
  EXPECT_NE(r.violations[2].message.find("2 times"), std::string::npos) << r.violations[2].message;
}

// ---- block rules ----------------------------------------------------------------------------

// A 2er 06:00–10:30 + (10:30 + gap, 4.5 h), claimed as `kind`.
Week two_with_gap(Minutes gap, BlockKind kind) {
  Week w;
  w.tours.push_back(make_tour("T0001", Mon, hm("06:00"), hm("10:30")));
  w.tours.push_back(make_tour("T0002", Mon, hm("10:30") + gap, hm("10:30") + gap + 270));
  w.block("D001", Mon, {0, 1}, kind);
  return w;
}

TEST(AuditBlock, GapBoundaries) {
  struct Case {
    Minutes gap;
    BlockKind claim;
    Codes expected;
  };
  for (const Case& c : std::vector<Case>{{29, Reg, {"BLOCK_GAP_FORBIDDEN"}},
                                         {30, Reg, {}},
                                         {60, Reg, {}},
                                         {61, Reg, {"BLOCK_GAP_FORBIDDEN"}},
                                         {239, Split, {"BLOCK_GAP_FORBIDDEN"}},
                                         {240, Split, {}},
                                         {360, Split, {}},
                                         {361, Split, {"BLOCK_GAP_FORBIDDEN"}}}) {
    auto r = audit(two_with_gap(c.gap, c.claim));
    EXPECT_EQ(codes(r), c.expected) << "gap " << c.gap << "\n" << dump(r);
    EXPECT_EQ(r.ok, c.expected.empty());
  }
  auto r = audit(two_with_gap(61, Reg));
  EXPECT_EQ(r.violations[0].tour_id, "T0002");
  EXPECT_NE(r.violations[0].message.find("61 min"), std::string::npos) << r.violations[0].message;
}

TEST(AuditBlock, SplitNotAllowed) {
  Policy p;
  p.allow_split = false;
  EXPECT_EQ(codes(audit(two_with_gap(300, Split), p)), Codes{"BLOCK_SPLIT_NOT_ALLOWED"});
  EXPECT_TRUE(audit(two_with_gap(60, Reg), p).ok);
}

TEST(AuditBlock, SplitGapInside3er) {
  Week w;
  w.work("D001", Mon, {"04:00", "07:00", "07:30", "10:30", "14:30", "17:30"}, Three);  // gaps 30 / 240
  auto r = audit(w);
  EXPECT_EQ(codes(r), Codes{"BLOCK_SPLIT_IN_3ER"}) << dump(r);
  EXPECT_EQ(r.violations[0].tour_id, "T0003");
}

TEST(AuditBlock, TouchingToursDoNotOverlapButNeedMinGap) {
  Week w;
  w.work("D001", Mon, {"06:00", "10:30", "10:30", "15:00"}, Reg);
  EXPECT_EQ(codes(audit(w)), Codes{"BLOCK_GAP_FORBIDDEN"});  // gap 0 < 30, but no TOUR_OVERLAP
  Policy p;
  p.min_gap_minutes = 0;
  EXPECT_TRUE(audit(w, p).ok) << dump(audit(w, p));
}

TEST(AuditBlock, Overlap) {
  Week w;
  w.work("D001", Mon, {"06:00", "10:30", "10:29", "15:00"}, Reg);
  auto r = audit(w);
  EXPECT_EQ(codes(r), Codes{"TOUR_OVERLAP"}) << dump(r);
  EXPECT_EQ(r.violations[0].tour_id, "T0002");
  // A long tour overlapping both later ones, which are fine with each other.
  Week v;
  v.work("D001", Mon, {"06:00", "20:00", "07:00", "09:00", "09:30", "11:00"}, Three);
  EXPECT_EQ(codes(audit(v)), (Codes{"TOUR_OVERLAP", "TOUR_OVERLAP"})) << dump(audit(v));
}

TEST(AuditBlock, SpansPerKind) {
  struct Case {
    std::vector<const char*> w;
    BlockKind kind;
    bool ok;
  };
  for (const Case& c : std::vector<Case>{
           {{"06:00", "12:30", "13:30", "20:00"}, Reg, true},    // 840
           {{"06:00", "12:30", "13:30", "20:01"}, Reg, false},   // 841
           {{"04:00", "09:00", "15:00", "20:00"}, Split, true},  // 960
           {{"04:00", "09:00", "15:00", "20:01"}, Split, false},  // 961
           {{"05:00", "09:30", "10:30", "15:00", "16:00", "20:30"}, Three, true},   // 930
           {{"05:00", "09:30", "10:30", "15:00", "16:00", "20:31"}, Three, false},  // 931
       }) {
    Week w;
    for (size_t i = 0; i < c.w.size(); i += 2) w.tour(Mon, c.w[i], c.w[i + 1]);
    std::vector<int> idx(w.tours.size());
    for (size_t i = 0; i < idx.size(); ++i) idx[i] = static_cast<int>(i);
    w.block("D001", Mon, idx, c.kind);
    auto r = audit(w);
    EXPECT_EQ(codes(r), c.ok ? Codes{} : Codes{"BLOCK_SPAN_EXCEEDED"}) << dump(r);
  }
  Week w;
  w.work("D007", Mon, {"05:00", "09:30", "10:30", "15:00", "16:00", "20:31"}, Three);
  EXPECT_EQ(audit(w).violations.at(0).message, "D007 Mon 3er span 15:31 (931 min) > 930 min");
}

TEST(AuditBlock, TooManyTours) {
  Week w;
  w.work("D001", Mon, {"04:00", "06:00", "06:30", "08:30", "09:00", "11:00", "11:30", "13:30"}, Three);
  auto r = audit(w);
  EXPECT_EQ(codes(r), Codes{"BLOCK_TOO_MANY_TOURS"}) << dump(r);  // 4 tours: no kind to compare or span to check
  Week v;
  v.work("D001", Mon, {"05:00", "09:30", "10:30", "15:00", "16:00", "20:30"}, Three);
  Policy p;
  p.max_tours_per_block = 2;
  EXPECT_EQ(codes(audit(v, p)), Codes{"BLOCK_TOO_MANY_TOURS"});
  EXPECT_TRUE(audit(v).ok);
}

TEST(AuditBlock, MixedLocations) {
  Week w;
  w.tour(Mon, "06:00", "10:30", "A");
  w.tour(Mon, "11:00", "15:30", "B");
  w.block("D001", Mon, {0, 1}, Reg);
  EXPECT_EQ(sorted_codes(audit(w)), (Codes{"BLOCK_MIXED_LOCATIONS", "LOCATION_CHANGE"}));
  Policy p;
  p.mix_locations_in_block = true;
  EXPECT_EQ(codes(audit(w, p)), Codes{"LOCATION_CHANGE"});
  p.one_location_per_driver = false;
  EXPECT_TRUE(audit(w, p).ok);
}

TEST(AuditBlock, TypeMismatch) {
  Week w;
  w.work("D001", Mon, {"06:00", "10:30", "11:00", "15:30"}, Three);
  auto r = audit(w);
  EXPECT_EQ(codes(r), Codes{"BLOCK_TYPE_MISMATCH"});
  EXPECT_NE(r.violations[0].message.find("claimed 3er"), std::string::npos) << r.violations[0].message;
  EXPECT_NE(r.violations[0].message.find("2er-regular"), std::string::npos) << r.violations[0].message;
  EXPECT_EQ(codes(audit(two_with_gap(300, Reg))), Codes{"BLOCK_TYPE_MISMATCH"});  // a split claimed regular
  EXPECT_EQ(codes(audit(two_with_gap(30, Split))), Codes{"BLOCK_TYPE_MISMATCH"});
  Week one;
  one.work("D001", Mon, {"06:00", "10:30"}, Reg);
  EXPECT_EQ(codes(audit(one)), Codes{"BLOCK_TYPE_MISMATCH"});
}

TEST(AuditBlock, EmptyBlockAndWrongDay) {
  Week w;
  w.block("D001", Mon, {}, One);
  EXPECT_EQ(codes(audit(w)), Codes{"BLOCK_EMPTY"});
  Week v;
  int t = v.tour(Tue, "06:00", "10:30");
  v.block("D001", Mon, {t}, One);
  auto r = audit(v);
  EXPECT_EQ(codes(r), Codes{"BLOCK_WRONG_DAY"}) << dump(r);
  EXPECT_EQ(r.violations[0].tour_id, "T0001");
  Week bad_day;
  bad_day.block("D001", 7, {bad_day.tour(Sun, "06:00", "10:30")}, One);
  EXPECT_EQ(codes(audit(bad_day)), Codes{"BLOCK_WRONG_DAY"});
}

TEST(AuditBlock, UnsortedBlockTourListIsJudgedByTimes) {
  Week w;
  int a = w.tour(Mon, "11:00", "15:30");
  int b = w.tour(Mon, "06:00", "10:30");
  w.block("D001", Mon, {a, b}, Reg);
  EXPECT_TRUE(audit(w).ok) << dump(audit(w));
}

// Differential check against the solver's classifier: over a grid of gaps and durations the two
// independent implementations must agree on validity and kind.
TEST(AuditBlock, AgreesWithClassifyBlockOnAGrid) {
  const std::string loc = "DEFAULT";
  Policy p;
  int checked = 0;
  for (Minutes g1 : {-10, 0, 29, 30, 45, 60, 61, 200, 239, 240, 300, 360, 361})
    for (Minutes g2 : {-1, 29, 30, 60, 61, 240, 361})
      for (Minutes len : {120, 270, 330})
        for (int n : {2, 3}) {
          Week w;
          Minutes s1 = 240, e1 = s1 + len, s2 = e1 + g1, e2 = s2 + len, s3 = e2 + g2, e3 = s3 + len;
          w.tours.push_back(make_tour("T1", Mon, s1, e1));
          w.tours.push_back(make_tour("T2", Mon, s2, e2));
          std::vector<TourWindow> win = {TourWindow{s1, e1, &loc}, TourWindow{s2, e2, &loc}};
          if (n == 3) {
            if (s3 >= 1440) continue;  // the third tour must still start on Monday
            w.tours.push_back(make_tour("T3", Mon, s3, e3 % 1440));
            win.push_back(TourWindow{s3, e3, &loc});
          }
          std::vector<int> idx;
          for (int i = 0; i < n; ++i) idx.push_back(i);
          auto kind = classify_block(win, p);
          w.block("D001", Mon, idx, kind.value_or(n == 3 ? Three : Reg));
          auto r = audit(w);
          EXPECT_EQ(r.ok, kind.has_value()) << "g1=" << g1 << " g2=" << g2 << " len=" << len << " n=" << n << "\n"
                                            << dump(r);
          ++checked;
        }
  EXPECT_GT(checked, 400);
}

// ---- weekly rules ---------------------------------------------------------------------------

TEST(AuditWeek, RestExactlyElevenHoursVsOneMinuteLess) {
  Week ok;
  ok.work("D001", Mon, {"14:00", "18:30"}, One);
  ok.work("D001", Tue, {"05:30", "10:00"}, One);
  EXPECT_TRUE(audit(ok).ok) << dump(audit(ok));
  Week bad;
  bad.work("D007", Fri, {"14:00", "18:30"}, One);
  bad.work("D007", Sat, {"05:29", "10:00"}, One);
  auto r = audit(bad);
  ASSERT_EQ(codes(r), Codes{"REST_VIOLATION"});
  EXPECT_EQ(r.violations[0].driver_id, "D007");
  EXPECT_EQ(r.violations[0].day, Sat);
  EXPECT_EQ(r.violations[0].message, "D007 Fri→Sat rest 10:59 (659 min) < 660 min");
  Week ten;  // 20:00 → 06:00 is 10 h
  ten.work("D001", Wed, {"15:30", "20:00"}, One);
  ten.work("D001", Thu, {"06:00", "10:30"}, One);
  EXPECT_EQ(codes(audit(ten)), Codes{"REST_VIOLATION"});
}

TEST(AuditWeek, CrossMidnightRestUsesWeekLinearEnd) {
  // Mon 22:00–02:00 ends Tue 02:00; 11 h later is Tue 13:00.
  Week ok;
  ok.work("D001", Mon, {"22:00", "02:00"}, One);
  ok.work("D001", Tue, {"13:00", "17:30"}, One);
  EXPECT_TRUE(audit(ok).ok) << dump(audit(ok));
  Week bad;
  bad.work("D001", Mon, {"22:00", "02:00"}, One);
  bad.work("D001", Tue, {"12:59", "17:30"}, One);
  auto r = audit(bad);
  EXPECT_EQ(codes(r), Codes{"REST_VIOLATION"});
  EXPECT_NE(r.violations[0].message.find("(659 min)"), std::string::npos) << r.violations[0].message;
}

TEST(AuditWeek, NonAdjacentDaysCarryNoRestRule) {
  Week w;
  w.work("D001", Mon, {"20:00", "04:00"}, One);  // ends Tue 04:00
  w.work("D001", Wed, {"03:00", "07:00"}, One);
  w.work("D001", Fri, {"18:00", "23:00"}, One);
  w.work("D001", Sun, {"00:00", "04:00"}, One);
  EXPECT_TRUE(audit(w).ok) << dump(audit(w));
}

TEST(AuditWeek, WeekWrapSundayToMonday) {
  Week w;
  w.work("D001", Mon, {"06:00", "10:30"}, One);
  w.work("D001", Sun, {"18:30", "23:00"}, One);
  EXPECT_TRUE(audit(w).ok);
  Policy p;
  p.week_wrap = true;
  auto r = audit(w, p);
  EXPECT_EQ(codes(r), Codes{"REST_VIOLATION"}) << dump(r);
  EXPECT_EQ(r.violations[0].day, Mon);
  EXPECT_NE(r.violations[0].message.find("Sun→Mon rest 7:00 (420 min)"), std::string::npos) << r.violations[0].message;
  Week fine;  // 23:00 Sun → 10:00 Mon is exactly 11 h
  fine.work("D001", Mon, {"10:00", "14:30"}, One);
  fine.work("D001", Sun, {"18:30", "23:00"}, One);
  EXPECT_TRUE(audit(fine, p).ok) << dump(audit(fine, p));
  Week three;  // with the wrap, a 3er on Sun and Mon is consecutive
  three.work("D001", Mon, {"10:00", "13:00", "13:30", "16:30", "17:00", "20:00"}, Three);
  three.work("D001", Sun, {"04:00", "07:00", "07:30", "10:30", "11:00", "14:00"}, Three);
  EXPECT_TRUE(audit(three).ok);
  EXPECT_EQ(codes(audit(three, p)), Codes{"CONSECUTIVE_3ER"});
}

TEST(AuditWeek, WeeklyWorkExactly55hVsOver) {
  auto week = [](const char* second_end) {
    Week w;
    for (int d = Mon; d <= Sat; ++d) w.work("D001", d, {"06:00", "10:35", "11:05", second_end}, Reg);  // 275 + …
    return w;
  };
  EXPECT_TRUE(audit(week("15:40")).ok) << dump(audit(week("15:40")));  // 6 × 550 = 3300
  auto r = audit(week("15:41"));                                        // 6 × 551 = 3306
  EXPECT_EQ(codes(r), Codes{"WEEKLY_HOURS_EXCEEDED"});
  EXPECT_EQ(r.violations[0].message, "D001 weekly work 55:06 (3306 min) > 3300 min");
  Policy p;
  p.max_weekly_minutes = 3306;
  EXPECT_TRUE(audit(week("15:41"), p).ok);
}

TEST(AuditWeek, WorkingDays) {
  Week w;
  for (int d = Mon; d <= Sun; ++d) w.work("D001", d, {"06:00", "10:30"}, One);
  auto r = audit(w);
  EXPECT_EQ(codes(r), Codes{"WORKING_DAYS_EXCEEDED"});
  EXPECT_NE(r.violations[0].message.find("7 days > 6"), std::string::npos);
  Policy p;
  p.max_working_days = 7;
  EXPECT_TRUE(audit(w, p).ok);
  p.max_working_days = 1;
  EXPECT_EQ(codes(audit(w, p)), Codes{"WORKING_DAYS_EXCEEDED"});
}

TEST(AuditWeek, LocationChange) {
  Week w;
  w.work("D001", Mon, {"06:00", "10:30"}, One, "A");
  w.work("D001", Tue, {"06:00", "10:30"}, One, "B");
  w.work("D001", Wed, {"06:00", "10:30"}, One, "A");
  auto r = audit(w);
  EXPECT_EQ(codes(r), Codes{"LOCATION_CHANGE"});
  EXPECT_EQ(r.violations[0].day, Tue);
  EXPECT_EQ(r.violations[0].tour_id, "T0002");
  Policy p;
  p.one_location_per_driver = false;
  EXPECT_TRUE(audit(w, p).ok);
  Week two_drivers;  // different drivers at different locations is fine
  two_drivers.work("D001", Mon, {"06:00", "10:30"}, One, "A");
  two_drivers.work("D002", Mon, {"06:00", "10:30"}, One, "B");
  EXPECT_TRUE(audit(two_drivers).ok);
}

TEST(AuditWeek, MultipleBlocksPerDay) {
  Week w;
  w.work("D001", Mon, {"06:00", "10:30"}, One);
  w.work("D001", Mon, {"16:00", "20:30"}, One);
  auto r = audit(w);
  EXPECT_EQ(codes(r), Codes{"MULTIPLE_BLOCKS_PER_DAY"});
  EXPECT_EQ(r.violations[0].day, Mon);
}

// Mon 3er ending 18:30, then Tue.
Week after_3er(std::initializer_list<const char*> tuesday, BlockKind tue_kind) {
  Week w;
  w.work("D001", Mon, {"04:00", "08:30", "09:00", "13:30", "14:00", "18:30"}, Three);
  w.work("D001", Tue, tuesday, tue_kind);
  return w;
}

TEST(AuditWeek, Consecutive3er) {
  Week w = after_3er({"05:30", "10:00", "10:30", "15:00", "15:30", "20:00"}, Three);
  EXPECT_EQ(codes(audit(w)), Codes{"CONSECUTIVE_3ER"});
  EXPECT_EQ(audit(w).violations[0].day, Tue);
  Policy p;
  p.allow_consecutive_3er = true;
  EXPECT_TRUE(audit(w, p).ok);
  // Legacy v2.0: 840 min rest after a 3er day and ≤ 2 tours the next day are broken too.
  EXPECT_EQ(codes(audit(w, test::legacy())),
            (Codes{"REST_VIOLATION", "CONSECUTIVE_3ER", "TOURS_AFTER_3ER_EXCEEDED"}))
      << dump(audit(w, test::legacy()));
  // A 3er two days apart is not consecutive.
  Week gap;
  gap.work("D001", Mon, {"04:00", "08:30", "09:00", "13:30", "14:00", "18:30"}, Three);
  gap.work("D001", Wed, {"04:00", "08:30", "09:00", "13:30", "14:00", "18:30"}, Three);
  EXPECT_TRUE(audit(gap).ok);
}

TEST(AuditWeek, LegacyProfileAfter3erDay) {
  Policy legacy = test::legacy();
  // 18:30 → 08:30 = 840 exactly, 2 tours: legal under legacy.
  Week ok = after_3er({"08:30", "13:00", "13:30", "18:00"}, Reg);
  EXPECT_TRUE(audit(ok, legacy).ok) << dump(audit(ok, legacy));
  EXPECT_TRUE(audit(ok).ok);
  Week early = after_3er({"08:29", "13:00", "13:30", "18:00"}, Reg);
  auto r = audit(early, legacy);
  EXPECT_EQ(codes(r), Codes{"REST_VIOLATION"});
  EXPECT_EQ(r.violations[0].message, "D001 Mon→Tue rest 13:59 (839 min) < 840 min (after a 3er day)");
  EXPECT_TRUE(audit(early).ok);  // default: 660 after a 3er too
  // Default policy: the after-3er rest is max(min_rest, min_rest_after_3er).
  Policy p;
  p.min_rest_minutes = 700;
  Week r700 = after_3er({"06:10", "10:00"}, One);  // 18:30 → 06:10 = 700
  EXPECT_TRUE(audit(r700, p).ok);
  p.min_rest_after_3er_minutes = 701;
  EXPECT_EQ(codes(audit(r700, p)), Codes{"REST_VIOLATION"});
  // Tours after a 3er day.
  Policy one_after = legacy;
  ASSERT_EQ(set_rule(one_after, "max_tours_after_3er_day", 1.0), std::nullopt);
  EXPECT_EQ(codes(audit(ok, one_after)), Codes{"TOURS_AFTER_3ER_EXCEEDED"});
  // Three tours on the day after a 3er in legacy are too many even when consecutive 3ers are allowed.
  Week three = after_3er({"09:00", "12:00", "12:30", "15:30", "16:00", "19:00"}, Three);
  Policy l2 = legacy;
  l2.allow_consecutive_3er = true;
  EXPECT_EQ(codes(audit(three, l2)), Codes{"TOURS_AFTER_3ER_EXCEEDED"});
}

TEST(AuditWeek, DeterministicOrder) {
  Week w;
  w.work("D002", Mon, {"06:00", "10:30", "11:00", "15:30"}, Three);
  w.work("D001", Tue, {"05:00", "09:30"}, One);
  w.work("D001", Mon, {"14:00", "23:00"}, One);
  int lost = w.tour(Sat, "06:00", "10:30");
  (void)lost;
  auto a = audit(w);
  auto b = audit(w);
  ASSERT_EQ(a.violations.size(), b.violations.size());
  for (size_t i = 0; i < a.violations.size(); ++i) EXPECT_EQ(a.violations[i].message, b.violations[i].message);
  // Coverage first, then rosters in plan order, each Mon→Sun.
  EXPECT_EQ(codes(a), (Codes{"TOUR_UNCOVERED", "BLOCK_TYPE_MISMATCH", "REST_VIOLATION"})) << dump(a);
  EXPECT_EQ(a.violations[1].driver_id, "D002");
  EXPECT_EQ(a.violations[2].driver_id, "D001");
}

// ---- the hand-broken plan -------------------------------------------------------------------

// Three drivers, each legal: D001 Mon–Sat 2er 06:00–15:40 (3300 min exactly), D002 3er + 1er +
// 2er-split, D003 four 1ers.
Week valid_week() {
  Week w;
  for (int d = Mon; d <= Sat; ++d) w.work("D001", d, {"06:00", "10:35", "11:05", "15:40"}, Reg);
  w.work("D002", Mon, {"04:00", "08:30", "09:00", "13:30", "14:00", "18:30"}, Three);
  w.work("D002", Tue, {"05:30", "10:00"}, One);
  w.work("D002", Thu, {"07:00", "11:00", "16:00", "20:00"}, Split);
  for (int d : {Mon, Tue, Wed, Fri}) w.work("D003", d, {"12:00", "16:30"}, One);
  return w;
}

TEST(AuditHandBroken, ValidWeekPasses) {
  auto r = audit(valid_week());
  EXPECT_TRUE(r.ok) << dump(r);
}

TEST(AuditHandBroken, CaughtWithExactlyTheRightCodes) {
  Week w = valid_week();
  // 1) Drop D003's Wednesday block: its tour is now covered nowhere.
  Roster& d3 = w.roster("D003");
  const int dropped = d3.blocks[2].tours[0];
  d3.blocks.erase(d3.blocks.begin() + 2);
  // 2) D002 starts Tuesday one minute early: 18:30 → 05:29.
  const int tue = w.roster("D002").blocks[1].tours[0];
  w.tours[static_cast<size_t>(tue)].start = hm("05:29");
  // 3) D001 works 10 more minutes each day: 6 × 560 = 3360 min = 56 h.
  for (const Block& b : w.roster("D001").blocks) w.tours[static_cast<size_t>(b.tours[1])].end += 10;

  auto r = audit(w);
  EXPECT_FALSE(r.ok);
  ASSERT_EQ(codes(r), (Codes{"TOUR_UNCOVERED", "WEEKLY_HOURS_EXCEEDED", "REST_VIOLATION"})) << dump(r);
  EXPECT_EQ(r.violations[0].tour_id, w.tours[static_cast<size_t>(dropped)].id);
  EXPECT_EQ(r.violations[1].driver_id, "D001");
  EXPECT_EQ(r.violations[1].message, "D001 weekly work 56:00 (3360 min) > 3300 min");
  EXPECT_EQ(r.violations[2].driver_id, "D002");
  EXPECT_EQ(r.violations[2].day, Tue);
  EXPECT_EQ(r.violations[2].message, "D002 Mon→Tue rest 10:59 (659 min) < 660 min (after a 3er day)");
}

}  // namespace
}  // namespace so
