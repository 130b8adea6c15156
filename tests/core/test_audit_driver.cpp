// domain.md §7–§8: the driver-mode audit, one case per code, and its independence.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/audit.hpp"
#include "core/driver.hpp"
#include "core_fixtures.hpp"

namespace so {
namespace {

using test::dump;
using test::hm;
using test::sorted_codes;
using test::Week;
using Codes = std::vector<std::string>;
constexpr auto One = BlockKind::One;
constexpr auto Reg = BlockKind::TwoRegular;

Driver drv(std::string id) {
  Driver d;
  d.id = std::move(id);
  return d;
}

AuditResult audit(const Week& w, const std::vector<Driver>& pool, const std::vector<Lock>& locks = {},
                  const Policy& p = Policy{}) {
  return audit_driver_plan(w.tours, p, pool, locks, w.plan);
}

TEST(AuditDriverIndependence, SourceCallsNoSolverOrDriverRuleHelper) {
  std::ifstream in(std::string(SO_SOURCE_DIR) + "/src/core/audit_driver.cpp");
  ASSERT_TRUE(in.good()) << "cannot read audit_driver.cpp under " << SO_SOURCE_DIR;
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string src = ss.str();
  for (const char* banned :
       {"core/rules.hpp", "core/block.hpp", "core/reasons.hpp", "gap_zone(", "classify_block(", "max_span(",
        "required_rest_after(", "fatigue_allows(", "block_start(", "block_end(", "block_work(", "roster_work(",
        "rest_between(", "enumerate_blocks(", "tours_in(", "driver_limits(", "personal_policy(",
        "holds_qualifications(", "available_on_day(", "free_during(", "within_daily_span(", "within_tours_per_day(",
        "within_weekly_limit(", "can_ever_work(", "driver_blockers(", "week_start(", "week_end(", "duration("})
    EXPECT_EQ(src.find(banned), std::string::npos) << "audit_driver.cpp uses " << banned;
}

TEST(AuditDriver, CleanPlanPasses) {
  Week w;
  w.work("A", Mon, {"06:00", "10:30", "11:00", "15:30"}, Reg);
  w.work("A", Tue, {"06:00", "10:30"}, One);
  w.unassign(w.tour(Wed, "06:00", "10:30"), {"NO_AVAILABLE_DRIVER"});
  Driver a = drv("A");
  a.max_weekly_minutes = 810;  // exactly the work
  a.max_daily_span_minutes = 570;  // exactly Monday's span
  a.max_tours_per_day = 2;
  a.min_rest_minutes = 870;  // Mon 15:30 -> Tue 06:00 is 14.5 h exactly
  a.unavailable = {TimeWindow{week_minute(Tue, hm("10:30")), week_minute(Tue, hm("12:00"))}};  // touching
  a.available_days[Wed] = false;
  const AuditResult r = audit(w, {a, drv("B")}, {Lock{"A", {"T0001", "T0003"}}});
  EXPECT_TRUE(r.ok) << dump(r);
}

TEST(AuditDriver, IncludesThePolicyAudit) {
  Week w;
  w.work("A", Mon, {"06:00", "10:30", "12:00", "16:30"}, Reg);  // 90-min gap
  const AuditResult r = audit(w, {drv("A")});
  EXPECT_EQ(sorted_codes(r), Codes{"BLOCK_GAP_FORBIDDEN"}) << dump(r);
}

TEST(AuditDriver, UnknownAndDuplicatedDriver) {
  Week w;
  w.work("A", Mon, {"06:00", "10:30"}, One);
  w.plan.rosters.push_back(Roster{"A", {Block{Tue, {w.tour(Tue, "06:00", "10:30")}, One}}, ""});
  w.work("X", Wed, {"06:00", "10:30"}, One);
  const AuditResult r = audit(w, {drv("A")});
  EXPECT_EQ(sorted_codes(r), (Codes{"DRIVER_DUPLICATED", "DRIVER_UNKNOWN"})) << dump(r);
  EXPECT_EQ(r.violations[0].driver_id, "A");
  EXPECT_FALSE(r.ok);
}

TEST(AuditDriver, QualificationMissing) {
  Week w;
  const auto idx = w.work("A", Mon, {"06:00", "10:30"}, One);
  w.tours[static_cast<size_t>(idx[0])].required_qualifications = {"ADR", "KUEHL"};
  Driver a = drv("A");
  a.qualifications = {"ADR"};
  const AuditResult r = audit(w, {a});
  EXPECT_EQ(sorted_codes(r), Codes{"DRIVER_QUALIFICATION_MISSING"}) << dump(r);
  EXPECT_EQ(r.violations[0].tour_id, "T0001");
  a.qualifications = {"ADR", "KUEHL"};
  EXPECT_TRUE(audit(w, {a}).ok);
}

TEST(AuditDriver, NotAvailableDayOffAndWindow) {
  Week w;
  w.work("A", Sat, {"06:00", "10:30"}, One);
  Driver a = drv("A");
  a.available_days[Sat] = false;
  EXPECT_EQ(sorted_codes(audit(w, {a})), Codes{"DRIVER_NOT_AVAILABLE"});
  Driver b = drv("A");
  b.unavailable = {TimeWindow{week_minute(Sat, hm("10:29")), week_minute(Sat, hm("11:00"))}};
  const AuditResult r = audit(w, {b});
  EXPECT_EQ(sorted_codes(r), Codes{"DRIVER_NOT_AVAILABLE"}) << dump(r);
  b.unavailable = {TimeWindow{week_minute(Sat, hm("04:00")), week_minute(Sat, hm("06:00"))}};  // touching
  EXPECT_TRUE(audit(w, {b}).ok);
}

TEST(AuditDriver, WeeklyLimitOnlyWhenTighterThanThePolicy) {
  Week w;
  w.work("A", Mon, {"06:00", "10:30"}, One);
  w.work("A", Tue, {"06:00", "10:30"}, One);
  Driver a = drv("A");
  a.max_weekly_minutes = 539;
  EXPECT_EQ(sorted_codes(audit(w, {a})), Codes{"DRIVER_WEEKLY_LIMIT"});
  a.max_weekly_minutes = 540;
  EXPECT_TRUE(audit(w, {a}).ok);
  // Looser than the policy: ignored, the policy's own code speaks.
  Policy p;
  p.max_weekly_minutes = 600;
  Week big;
  for (int day = Mon; day <= Wed; ++day) big.work("A", day, {"06:00", "10:30"}, One);  // 13.5 h
  a.max_weekly_minutes = 3000;
  EXPECT_EQ(sorted_codes(audit(big, {a}, {}, p)), Codes{"WEEKLY_HOURS_EXCEEDED"});
}

TEST(AuditDriver, MaxToursPerDay) {
  Week w;
  w.work("A", Mon, {"06:00", "10:30", "11:00", "15:30"}, Reg);
  Driver a = drv("A");
  a.max_tours_per_day = 1;
  const AuditResult r = audit(w, {a});
  EXPECT_EQ(sorted_codes(r), Codes{"DRIVER_MAX_TOURS_PER_DAY"}) << dump(r);
  EXPECT_EQ(r.violations[0].day, Mon);
  a.max_tours_per_day = 5;  // looser: ignored
  EXPECT_TRUE(audit(w, {a}).ok);
}

TEST(AuditDriver, DailySpanAppliesToEveryBlockInclusiveOneEr) {
  Week w;
  w.work("A", Mon, {"06:00", "10:30"}, One);
  Driver a = drv("A");
  a.max_daily_span_minutes = 269;
  const AuditResult r = audit(w, {a});
  EXPECT_EQ(sorted_codes(r), Codes{"DRIVER_DAILY_SPAN_LIMIT"}) << dump(r);
  a.max_daily_span_minutes = 270;
  EXPECT_TRUE(audit(w, {a}).ok);
}

TEST(AuditDriver, PersonalRest) {
  Week w;
  w.work("A", Mon, {"14:00", "18:30"}, One);
  w.work("A", Tue, {"06:00", "10:30"}, One);  // 11.5 h
  Driver a = drv("A");
  a.min_rest_minutes = 691;
  const AuditResult r = audit(w, {a});
  EXPECT_EQ(sorted_codes(r), Codes{"DRIVER_REST_VIOLATION"}) << dump(r);
  EXPECT_EQ(r.violations[0].day, Tue);
  a.min_rest_minutes = 690;
  EXPECT_TRUE(audit(w, {a}).ok);
  a.min_rest_minutes = 540;  // looser than the policy: ignored
  EXPECT_TRUE(audit(w, {a}).ok);
}

TEST(AuditDriver, PersonalRestAcrossTheWeekWrap) {
  Week w;
  w.work("A", Sun, {"14:00", "18:30"}, One);
  w.work("A", Mon, {"06:00", "10:30"}, One);
  Driver a = drv("A");
  a.min_rest_minutes = 720;
  EXPECT_TRUE(audit(w, {a}).ok);
  Policy wrap;
  wrap.week_wrap = true;
  EXPECT_EQ(sorted_codes(audit(w, {a}, {}, wrap)), Codes{"DRIVER_REST_VIOLATION"});
}

TEST(AuditDriver, LockViolated) {
  Week w;
  w.work("A", Mon, {"06:00", "10:30"}, One);  // T0001
  w.work("B", Tue, {"06:00", "10:30"}, One);  // T0002
  w.unassign(w.tour(Wed, "06:00", "10:30"), {"NO_AVAILABLE_DRIVER"});  // T0003
  const std::vector<Driver> pool = {drv("A"), drv("B")};
  EXPECT_TRUE(audit(w, pool, {Lock{"A", {"T0001"}}, Lock{"B", {"T0002"}}}).ok);
  const AuditResult r = audit(w, pool, {Lock{"A", {"T0001", "T0002", "T0003", "T0099"}}});
  EXPECT_EQ(sorted_codes(r), (Codes{"LOCK_VIOLATED", "LOCK_VIOLATED", "LOCK_VIOLATED"})) << dump(r);
  EXPECT_EQ(r.violations[0].tour_id, "T0002");
  EXPECT_EQ(r.violations[0].message, "tour 'T0002' is locked to driver 'A' but it is on driver 'B'");
  EXPECT_EQ(r.violations[1].message, "tour 'T0003' is locked to driver 'A' but it is unassigned");
  EXPECT_EQ(r.violations[2].tour_id, "T0099");
}

TEST(AuditDriver, UnassignedWithoutReason) {
  Week w;
  w.unassign(w.tour(Mon, "06:00", "10:30"), {});
  const AuditResult r = audit(w, {drv("A")});
  EXPECT_EQ(sorted_codes(r), Codes{"UNASSIGNED_WITHOUT_REASON"}) << dump(r);
  EXPECT_EQ(r.violations[0].tour_id, "T0001");
}

TEST(AuditDriver, UnusedPoolDriversAndEmptyRostersAreFine) {
  Week w;
  w.work("A", Mon, {"06:00", "10:30"}, One);
  w.plan.rosters.push_back(Roster{"B", {}, "Ben"});
  EXPECT_TRUE(audit(w, {drv("A"), drv("B"), drv("C")}).ok);
}

}  // namespace
}  // namespace so
