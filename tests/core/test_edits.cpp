// Hand edits (dispatch.md §4): moves, swaps, no-ops, errors naming the item, frozen tours, the
// audit and KPI deltas of the edited plan.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/audit.hpp"
#include "core/edits.hpp"
#include "core/kpis.hpp"
#include "core_fixtures.hpp"

namespace so {
namespace {

using test::Week;
constexpr auto One = BlockKind::One;
constexpr auto Reg = BlockKind::TwoRegular;
constexpr auto Split = BlockKind::TwoSplit;
constexpr auto Three = BlockKind::Three;

const std::vector<Driver> kNoDrivers;
const std::vector<Lock> kNoLocks;

EditContext forecast_ctx(const Week& w, const Policy& p, std::optional<Minutes> frozen = std::nullopt) {
  return EditContext{w.tours, p, kNoDrivers, kNoLocks, frozen};
}

const Roster* roster(const Plan& p, const std::string& id) {
  for (const Roster& r : p.rosters)
    if (r.driver_id == id) return &r;
  return nullptr;
}

std::vector<std::string> ids_of(const Roster& r, const std::vector<Tour>& tours) {
  std::vector<std::string> out;
  for (const Block& b : r.blocks)
    for (int t : b.tours) out.push_back(tours[static_cast<size_t>(t)].id);
  return out;
}

Edits moves(std::initializer_list<std::pair<const char*, const char*>> ms) {
  Edits e;
  for (auto [t, d] : ms) e.moves.push_back(TourMove{t, d ? std::optional<std::string>(d) : std::nullopt});
  return e;
}

const Violation* find_code(const AuditResult& a, const std::string& code) {
  for (const Violation& v : a.violations)
    if (v.code == code) return &v;
  return nullptr;
}

TEST(Edits, MoveExtendsABlockRederivesItsKindAndDropsTheEmptiedDriver) {
  Week w;
  w.work("D001", Mon, {"06:00", "10:30"}, One);  // T0001
  w.work("D002", Mon, {"11:00", "15:30"}, One);  // T0002
  Policy p;
  const EditCheck c = check_edits(w.plan, moves({{"T0002", "D001"}}), forecast_ctx(w, p));
  ASSERT_FALSE(c.applied.error);
  EXPECT_TRUE(c.audit.ok) << test::dump(c.audit);
  ASSERT_EQ(c.applied.plan.rosters.size(), 1u);
  const Roster& d1 = c.applied.plan.rosters[0];
  ASSERT_EQ(d1.blocks.size(), 1u);
  EXPECT_EQ(d1.blocks[0].kind, Reg);
  EXPECT_EQ(ids_of(d1, w.tours), (std::vector<std::string>{"T0001", "T0002"}));
  EXPECT_EQ(c.applied.changed_drivers, (std::vector<std::string>{"D002", "D001"}));
  EXPECT_EQ(c.kpis_before.drivers_total, 2);
  EXPECT_EQ(c.kpis_after.drivers_total, 1);
  bool saw = false;
  for (const KpiDelta& k : kpi_deltas(c.kpis_before, c.kpis_after))
    if (k.name == "drivers_total") {
      saw = true;
      EXPECT_EQ(k.delta(), -1);
    }
  EXPECT_TRUE(saw);
}

TEST(Edits, AMoveThatBreaksARuleIsAViolationWithCodeDriverAndDay) {
  Week w;
  w.work("D001", Mon, {"18:00", "22:30"}, One);  // T0001
  w.work("D002", Tue, {"06:00", "10:30"}, One);  // T0002: 7.5 h after D001's Monday
  w.work("D003", Mon, {"12:00", "16:00"}, One);  // T0003: 90 min after… nothing; alone
  Policy p;
  // Rest: Mon 22:30 -> Tue 06:00 is 7:30 < 11 h.
  EditCheck c = check_edits(w.plan, moves({{"T0002", "D001"}}), forecast_ctx(w, p));
  ASSERT_FALSE(c.applied.error);
  EXPECT_FALSE(c.audit.ok);
  const Violation* v = find_code(c.audit, "REST_VIOLATION");
  ASSERT_NE(v, nullptr) << test::dump(c.audit);
  EXPECT_EQ(v->driver_id, "D001");
  EXPECT_EQ(v->day, Tue);
  EXPECT_NE(v->message.find("rest"), std::string::npos);
  EXPECT_FALSE(violation_in(*v, c.audit_before));

  // A forbidden gap (T0003 ends 16:00, T0001 starts 18:00: 120 min) is reported as the gap, not as
  // a block type mismatch.
  c = check_edits(w.plan, moves({{"T0003", "D001"}}), forecast_ctx(w, p));
  ASSERT_FALSE(c.applied.error);
  const Violation* g = find_code(c.audit, "BLOCK_GAP_FORBIDDEN");
  ASSERT_NE(g, nullptr) << test::dump(c.audit);
  EXPECT_EQ(g->driver_id, "D001");
  EXPECT_EQ(g->day, Mon);
  EXPECT_EQ(find_code(c.audit, "BLOCK_TYPE_MISMATCH"), nullptr) << test::dump(c.audit);
}

TEST(Edits, TakingTheMiddleTourOfA3erLeavesAForbiddenGapNotAMismatch) {
  Week w;
  w.work("D001", Mon, {"06:00", "09:00", "09:30", "12:00", "12:30", "15:00"}, Three);
  w.work("D002", Tue, {"06:00", "10:00"}, One);
  Policy p;
  const EditCheck c = check_edits(w.plan, moves({{"T0002", "D002"}}), forecast_ctx(w, p));
  ASSERT_FALSE(c.applied.error);
  EXPECT_FALSE(c.audit.ok);
  EXPECT_EQ(test::sorted_codes(c.audit), (std::vector<std::string>{"BLOCK_GAP_FORBIDDEN"})) << test::dump(c.audit);
}

TEST(Edits, ErrorsNameTheItem) {
  Week w;
  w.work("D001", Mon, {"06:00", "10:30"}, One);
  w.work("D002", Tue, {"06:00", "10:30"}, One);
  Policy p;
  const EditContext ctx = forecast_ctx(w, p);

  AppliedEdits a = apply_edits(w.plan, moves({{"T0001", "D002"}, {"T9999", "D001"}}), ctx);
  ASSERT_TRUE(a.error);
  EXPECT_EQ(a.error->kind, EditError::Kind::UnknownItem);
  EXPECT_EQ(a.error->item, "moves[1].tour_id");
  EXPECT_NE(a.error->message.find("'T9999'"), std::string::npos) << a.error->message;

  a = apply_edits(w.plan, moves({{"T0001", "D01"}}), ctx);
  ASSERT_TRUE(a.error);
  EXPECT_EQ(a.error->item, "moves[0].to_driver");
  EXPECT_NE(a.error->message.find("'D01'"), std::string::npos) << a.error->message;
  EXPECT_NE(a.error->message.find("'D003'"), std::string::npos) << "names the next free id: " << a.error->message;

  a = apply_edits(w.plan, moves({{"T0001", nullptr}}), ctx);  // forecast mode cannot unassign
  ASSERT_TRUE(a.error);
  EXPECT_EQ(a.error->item, "moves[0].to_driver");

  Edits s;
  s.swaps.push_back(DriverSwap{"D001", "D002", {"Mon", "Funday"}});
  a = apply_edits(w.plan, s, ctx);
  ASSERT_TRUE(a.error);
  EXPECT_EQ(a.error->item, "swaps[0].days[1]");
  EXPECT_NE(a.error->message.find("'Funday'"), std::string::npos);

  s.swaps = {DriverSwap{"D001", "D777", {}}};
  a = apply_edits(w.plan, s, ctx);
  ASSERT_TRUE(a.error);
  EXPECT_EQ(a.error->item, "swaps[0].driver_b");
  EXPECT_NE(a.error->message.find("'D777'"), std::string::npos);
}

TEST(Edits, NoOpsChangeNothing) {
  Week w;
  w.work("D001", Mon, {"06:00", "10:30"}, One);
  w.work("D002", Tue, {"06:00", "10:30"}, One);
  Policy p;
  Edits e = moves({{"T0001", "D001"}});
  e.swaps.push_back(DriverSwap{"D002", "D002", {}});
  e.swaps.push_back(DriverSwap{"D001", "D002", {"Sun"}});  // nobody works Sunday
  const AppliedEdits a = apply_edits(w.plan, e, forecast_ctx(w, p));
  ASSERT_FALSE(a.error);
  EXPECT_EQ(a.noops.size(), 3u);
  EXPECT_TRUE(a.changed_drivers.empty());
  ASSERT_EQ(a.plan.rosters.size(), 2u);
  EXPECT_EQ(ids_of(a.plan.rosters[0], w.tours), (std::vector<std::string>{"T0001"}));
}

TEST(Edits, ANewVirtualDriverByKeywordOrNextFreeId) {
  Week w;
  w.work("D001", Mon, {"06:00", "10:30", "11:00", "15:30"}, Reg);
  w.work("D002", Tue, {"06:00", "10:30"}, One);
  Policy p;
  AppliedEdits a = apply_edits(w.plan, moves({{"T0002", "new"}}), forecast_ctx(w, p));
  ASSERT_FALSE(a.error) << a.error->message;
  EXPECT_EQ(a.new_drivers, (std::vector<std::string>{"D003"}));
  ASSERT_NE(roster(a.plan, "D003"), nullptr);
  EXPECT_EQ(ids_of(*roster(a.plan, "D003"), w.tours), (std::vector<std::string>{"T0002"}));
  EXPECT_EQ(roster(a.plan, "D001")->blocks[0].kind, One);
  // The id the candidates list offers works too, and a second move may then name it.
  a = apply_edits(w.plan, moves({{"T0002", "D003"}, {"T0003", "D003"}}), forecast_ctx(w, p));
  ASSERT_FALSE(a.error) << a.error->message;
  EXPECT_EQ(ids_of(*roster(a.plan, "D003"), w.tours), (std::vector<std::string>{"T0002", "T0003"}));
  EXPECT_EQ(roster(a.plan, "D002"), nullptr);  // emptied: dropped
}

TEST(Edits, SwapExchangesTheGivenDaysOrTheWholeWeek) {
  Week w;
  w.work("D001", Mon, {"06:00", "10:30"}, One);  // T0001
  w.work("D001", Wed, {"06:00", "10:30"}, One);  // T0002
  w.work("D002", Wed, {"12:00", "16:30"}, One);  // T0003
  w.work("D002", Thu, {"12:00", "16:30"}, One);  // T0004
  Policy p;
  Edits e;
  e.swaps.push_back(DriverSwap{"D001", "D002", {"Wednesday"}});
  AppliedEdits a = apply_edits(w.plan, e, forecast_ctx(w, p));
  ASSERT_FALSE(a.error);
  EXPECT_EQ(ids_of(*roster(a.plan, "D001"), w.tours), (std::vector<std::string>{"T0001", "T0003"}));
  EXPECT_EQ(ids_of(*roster(a.plan, "D002"), w.tours), (std::vector<std::string>{"T0002", "T0004"}));
  for (const Roster& r : a.plan.rosters)
    EXPECT_TRUE(std::is_sorted(r.blocks.begin(), r.blocks.end(), [](const Block& x, const Block& y) { return x.day < y.day; }));

  e.swaps = {DriverSwap{"D001", "D002", {}}};
  a = apply_edits(w.plan, e, forecast_ctx(w, p));
  ASSERT_FALSE(a.error);
  EXPECT_EQ(ids_of(*roster(a.plan, "D001"), w.tours), (std::vector<std::string>{"T0003", "T0004"}));
  EXPECT_EQ(ids_of(*roster(a.plan, "D002"), w.tours), (std::vector<std::string>{"T0001", "T0002"}));
  EXPECT_EQ(a.changed_drivers, (std::vector<std::string>{"D001", "D002"}));
}

TEST(Edits, FrozenToursCannotBeMovedOrSwapped) {
  Week w;
  w.work("D001", Mon, {"06:00", "10:30"}, One);  // T0001, driven
  w.work("D001", Thu, {"06:00", "10:30"}, One);  // T0002
  w.work("D002", Thu, {"12:00", "16:30"}, One);  // T0003
  Policy p;
  const EditContext ctx = forecast_ctx(w, p, week_minute(Wed, 0));
  AppliedEdits a = apply_edits(w.plan, moves({{"T0001", "D002"}}), ctx);
  ASSERT_TRUE(a.error);
  EXPECT_EQ(a.error->kind, EditError::Kind::Frozen);
  EXPECT_EQ(a.error->item, "moves[0].tour_id");
  EXPECT_NE(a.error->message.find("'T0001'"), std::string::npos);
  EXPECT_NE(a.error->message.find("Wed 00:00"), std::string::npos) << a.error->message;

  a = apply_edits(w.plan, moves({{"T0002", "D002"}}), ctx);  // Thursday: free to move
  EXPECT_FALSE(a.error);

  Edits e;
  e.swaps.push_back(DriverSwap{"D001", "D002", {"Thu"}});
  EXPECT_FALSE(apply_edits(w.plan, e, ctx).error);
  e.swaps = {DriverSwap{"D001", "D002", {}}};  // the whole week takes Monday's driven tour along
  a = apply_edits(w.plan, e, ctx);
  ASSERT_TRUE(a.error);
  EXPECT_EQ(a.error->kind, EditError::Kind::Frozen);
  EXPECT_NE(a.error->message.find("'T0001'"), std::string::npos);
}

TEST(Edits, DriverModeUnassignsWithReasonsAndGivesAnIdleDriverARoster) {
  Week w;
  w.work("F1", Mon, {"06:00", "10:30"}, One);  // T0001
  const int t2 = w.tour(Tue, "06:00", "10:30");
  w.unassign(t2, {"DRIVER_NOT_AVAILABLE"});
  Policy p;
  Driver f1, f2;
  f1.id = "F1";
  f2.id = "F2";
  f2.name = "Zoe";
  const std::vector<Driver> pool{f1, f2};
  const EditContext ctx{w.tours, p, pool, kNoLocks, std::nullopt};

  EditCheck c = check_edits(w.plan, moves({{"T0002", "F2"}, {"T0001", nullptr}}), ctx);
  ASSERT_FALSE(c.applied.error) << c.applied.error->message;
  EXPECT_TRUE(c.audit.ok) << test::dump(c.audit);
  const Roster* r2 = roster(c.applied.plan, "F2");
  ASSERT_NE(r2, nullptr);
  EXPECT_EQ(r2->driver_name, "Zoe");
  EXPECT_EQ(roster(c.applied.plan, "F1"), nullptr);
  ASSERT_EQ(c.applied.plan.unassigned.size(), 1u);
  EXPECT_EQ(c.applied.plan.unassigned[0].tour, 0);
  // F2 could take it as it is: the only reason is the edit itself.
  EXPECT_EQ(c.applied.plan.unassigned[0].reason_codes, (std::vector<std::string>{"UNASSIGNED_BY_EDIT"}));
  EXPECT_EQ(c.kpis_before.tours_uncovered, 1);
  EXPECT_EQ(c.kpis_after.tours_uncovered, 1);

  AppliedEdits a = apply_edits(w.plan, moves({{"T0001", "F9"}}), ctx);
  ASSERT_TRUE(a.error);
  EXPECT_NE(a.error->message.find("'F9'"), std::string::npos);
  EXPECT_NE(a.error->message.find("pool"), std::string::npos);
}

TEST(Edits, DriverModeLockedTourMovedIsALockViolation) {
  Week w;
  w.work("F1", Mon, {"06:00", "10:30"}, One);
  Policy p;
  Driver f1, f2;
  f1.id = "F1";
  f2.id = "F2";
  const std::vector<Driver> pool{f1, f2};
  const std::vector<Lock> locks{Lock{"F1", {"T0001"}}};
  const EditContext ctx{w.tours, p, pool, locks, std::nullopt};
  const EditCheck c = check_edits(w.plan, moves({{"T0001", "F2"}}), ctx);
  ASSERT_FALSE(c.applied.error);
  const Violation* v = find_code(c.audit, "LOCK_VIOLATED");
  ASSERT_NE(v, nullptr) << test::dump(c.audit);
  EXPECT_EQ(v->driver_id, "F1");
}

TEST(Edits, DerivedBlockKind) {
  Week w;
  const int a = w.tour(Mon, "06:00", "10:00");
  const int b = w.tour(Mon, "10:30", "14:30");   // regular after a
  const int c = w.tour(Mon, "15:00", "18:00");   // regular after b
  const int s = w.tour(Mon, "15:00", "19:00");   // after a: 300 min = split
  const int f = w.tour(Mon, "12:00", "13:00");   // after a: 120 min = forbidden
  Policy p;
  EXPECT_EQ(derived_block_kind({a}, w.tours, p), One);
  EXPECT_EQ(derived_block_kind({a, b}, w.tours, p), Reg);
  EXPECT_EQ(derived_block_kind({a, s}, w.tours, p), Split);
  EXPECT_EQ(derived_block_kind({a, b, c}, w.tours, p), Three);
  EXPECT_EQ(derived_block_kind({a, f}, w.tours, p), Reg);  // invalid: named by the audit, not the kind
  p.max_span_regular_minutes = 480;                          // a 2er over its span keeps its gap kind
  EXPECT_EQ(derived_block_kind({a, b}, w.tours, p), Reg);
}

TEST(Edits, NextVirtualDriverId) {
  Plan p;
  EXPECT_EQ(next_virtual_driver_id(p), "D001");
  p.rosters.push_back(Roster{"D007", {}, ""});
  p.rosters.push_back(Roster{"X12", {}, ""});
  p.rosters.push_back(Roster{"D142", {}, ""});
  EXPECT_EQ(next_virtual_driver_id(p), "D143");
}

}  // namespace
}  // namespace so
