// Candidates for a tour (dispatch.md §4): the ranking (extends a block < new day < new driver,
// then headroom, then driver order; direct before one-ejection), the hand-over, and the promise
// that every candidate's moves give an audit-clean plan exactly when it says so — checked by
// applying the moves and running the full audit, on hand-made weeks and on solved generated weeks.
#include <gtest/gtest.h>

#include <algorithm>

#include "../../bench/instance_gen.hpp"
#include "core/audit.hpp"
#include "core/candidates.hpp"
#include "core_fixtures.hpp"
#include "solver/solve.hpp"

namespace so {
namespace {

using test::Week;
constexpr auto One = BlockKind::One;
constexpr auto Reg = BlockKind::TwoRegular;
constexpr auto Three = BlockKind::Three;

const std::vector<Driver> kNoDrivers;
const std::vector<Lock> kNoLocks;

std::vector<std::string> ids(const CandidateList& l) {
  std::vector<std::string> out;
  for (const Candidate& c : l.candidates) out.push_back(c.driver_id);
  return out;
}

// Applies a candidate's moves to the plan and runs the full audit of the context's mode.
AuditResult audit_after(const Plan& plan, const Candidate& c, const EditContext& ctx) {
  Edits e;
  e.moves = c.moves;
  AppliedEdits a = apply_edits(plan, e, ctx);
  EXPECT_FALSE(a.error) << (a.error ? a.error->message : "");
  return audit_in_context(a.plan, ctx);
}

TEST(Candidates, DirectRankingExtendsThenNewDayByHeadroomThenNewDriver) {
  Week w;
  w.work("D001", Wed, {"06:00", "10:30"}, One);  // T0001: the tour asked about
  w.work("D002", Wed, {"11:00", "15:30"}, One);  // extends to a 2er-regular
  w.work("D003", Mon, {"06:00", "10:30"}, One);  // new day, 9 h worked
  w.work("D003", Tue, {"06:00", "10:30"}, One);
  w.work("D004", Thu, {"06:00", "10:30"}, One);  // new day, 4.5 h worked: more headroom than D003
  Policy p;
  const EditContext ctx{w.tours, p, kNoDrivers, kNoLocks, std::nullopt};
  const CandidateList l = find_candidates(0, w.plan, ctx, 10);
  EXPECT_EQ(l.current_driver, "D001");
  EXPECT_TRUE(l.owner_clean_after);
  EXPECT_EQ(ids(l), (std::vector<std::string>{"D002", "D004", "D003", "D005"}));
  ASSERT_EQ(l.candidates.size(), 4u);
  EXPECT_EQ(l.direct_found, 4);
  const Candidate& c0 = l.candidates[0];
  EXPECT_TRUE(c0.direct);
  EXPECT_EQ(c0.change, CandidateChange::ExtendsBlock);
  EXPECT_EQ(c0.block_kind, Reg);
  EXPECT_EQ(c0.weekly_minutes, 540);
  EXPECT_EQ(c0.headroom_minutes, 3300 - 540);
  EXPECT_EQ(l.candidates[1].change, CandidateChange::NewDay);
  EXPECT_EQ(l.candidates[1].block_kind, One);
  EXPECT_EQ(l.candidates[3].change, CandidateChange::NewDriver);  // the next free virtual id
  for (const Candidate& c : l.candidates) {
    EXPECT_TRUE(c.audit_clean);
    ASSERT_EQ(c.moves.size(), 1u);
    EXPECT_EQ(c.moves[0].tour_id, "T0001");
    EXPECT_EQ(*c.moves[0].to_driver, c.driver_id);
    const AuditResult a = audit_after(w.plan, c, ctx);
    EXPECT_TRUE(a.ok) << c.driver_id << ": " << test::dump(a);
  }
  // The limit caps the list, keeping the best.
  EXPECT_EQ(ids(find_candidates(0, w.plan, ctx, 2)), (std::vector<std::string>{"D002", "D004"}));
}

TEST(Candidates, OneEjectionNamesTheHandOverAndComesAfterTheDirectOnes) {
  Week w;
  w.work("D001", Wed, {"06:00", "10:30"}, One);  // T0001: the tour asked about
  w.work("D002", Mon, {"06:00", "10:30"}, One);  // T0002
  w.work("D002", Wed, {"07:00", "11:30"}, One);  // T0003 overlaps T0001
  w.work("D003", Wed, {"12:00", "16:30"}, One);  // T0004: 90 min after T0001 (forbidden), 30 after T0003
  Policy p;
  const EditContext ctx{w.tours, p, kNoDrivers, kNoLocks, std::nullopt};
  const CandidateList l = find_candidates(0, w.plan, ctx, 10);
  // Direct: only a new driver. Then D002 (hands T0003 to D003: a new day for D002), then D003
  // (hands T0004 to D002: D003 is left with T0001 alone, i.e. like a new driver).
  EXPECT_EQ(ids(l), (std::vector<std::string>{"D004", "D002", "D003"}));
  ASSERT_EQ(l.candidates.size(), 3u);
  EXPECT_TRUE(l.candidates[0].direct);
  EXPECT_EQ(l.direct_found, 1);
  EXPECT_EQ(l.ejection_found, 2);
  const Candidate& e = l.candidates[1];
  EXPECT_FALSE(e.direct);
  ASSERT_TRUE(e.handover);
  EXPECT_EQ(w.tours[static_cast<size_t>(e.handover->tour)].id, "T0003");
  EXPECT_EQ(e.handover->to_driver, "D003");
  EXPECT_EQ(e.handover->block_kind, Reg);
  EXPECT_EQ(e.handover->weekly_minutes, 540);
  EXPECT_EQ(e.change, CandidateChange::NewDay);
  EXPECT_EQ(e.weekly_minutes, 540);
  ASSERT_EQ(e.moves.size(), 2u);
  EXPECT_EQ(e.moves[0].tour_id, "T0003");
  EXPECT_EQ(*e.moves[0].to_driver, "D003");
  EXPECT_EQ(e.moves[1].tour_id, "T0001");
  EXPECT_EQ(*e.moves[1].to_driver, "D002");
  EXPECT_EQ(l.candidates[2].change, CandidateChange::NewDriver);
  for (const Candidate& c : l.candidates) {
    EXPECT_TRUE(c.audit_clean);
    const AuditResult a = audit_after(w.plan, c, ctx);
    EXPECT_TRUE(a.ok) << c.driver_id << ": " << test::dump(a);
  }
}

TEST(Candidates, NoHandOverOfATourIdenticalToTheOneAskedAbout) {
  Week w;
  w.work("D001", Wed, {"06:00", "10:30"}, One);  // T0001: the tour asked about
  w.work("D002", Mon, {"06:00", "10:30"}, One);  // T0002
  w.work("D002", Wed, {"06:00", "10:30"}, One);  // T0003: identical to T0001
  w.work("D003", Wed, {"07:00", "11:30"}, One);  // T0004: overlaps, and differs
  w.work("D003", Thu, {"06:00", "10:30"}, One);  // T0005
  Policy p;
  const EditContext ctx{w.tours, p, kNoDrivers, kNoLocks, std::nullopt};
  const CandidateList l = find_candidates(0, w.plan, ctx, 10);
  // D002 handing T0003 to D001 to take T0001 would only renumber two identical tours; D003 handing
  // T0004 to D001 is a real exchange.
  ASSERT_EQ(l.ejection_found, 1) << l.candidates.size();
  const Candidate& e = l.candidates.back();
  EXPECT_EQ(e.driver_id, "D003");
  ASSERT_TRUE(e.handover);
  EXPECT_EQ(w.tours[static_cast<size_t>(e.handover->tour)].id, "T0004");
  EXPECT_EQ(e.handover->to_driver, "D001");
  EXPECT_TRUE(audit_after(w.plan, e, ctx).ok);
}

TEST(Candidates, AnOwnerLeftBrokenMakesNoCandidateClean) {
  Week w;
  w.work("D001", Mon, {"06:00", "09:00", "09:30", "12:00", "12:30", "15:00"}, Three);  // T0002 in the middle
  w.work("D002", Mon, {"12:30", "15:00"}, One);  // T0004: T0002 (ends 12:00) would fit 30 min before
  Policy p;
  const EditContext ctx{w.tours, p, kNoDrivers, kNoLocks, std::nullopt};
  const CandidateList l = find_candidates(1, w.plan, ctx, 10);
  EXPECT_FALSE(l.owner_clean_after);
  ASSERT_FALSE(l.owner_violations.empty());
  EXPECT_EQ(l.owner_violations[0].code, "BLOCK_GAP_FORBIDDEN");
  ASSERT_FALSE(l.candidates.empty());
  for (const Candidate& c : l.candidates) {
    EXPECT_FALSE(c.audit_clean) << c.driver_id;
    EXPECT_FALSE(audit_after(w.plan, c, ctx).ok) << c.driver_id;
  }
}

TEST(Candidates, FrozenAndLockedToursGetNone) {
  Week w;
  w.work("F1", Mon, {"06:00", "10:30"}, One);
  w.work("F2", Thu, {"06:00", "10:30"}, One);
  Policy p;
  EditContext frozen_ctx{w.tours, p, kNoDrivers, kNoLocks, week_minute(Wed, 0)};
  CandidateList l = find_candidates(0, w.plan, frozen_ctx, 10);
  EXPECT_TRUE(l.frozen);
  EXPECT_TRUE(l.candidates.empty());
  EXPECT_FALSE(find_candidates(1, w.plan, frozen_ctx, 10).candidates.empty());  // Thursday is free

  Driver f1, f2;
  f1.id = "F1";
  f2.id = "F2";
  const std::vector<Driver> pool{f1, f2};
  const std::vector<Lock> locks{Lock{"F1", {"T0001"}}};
  const EditContext locked_ctx{w.tours, p, pool, locks, std::nullopt};
  l = find_candidates(0, w.plan, locked_ctx, 10);
  EXPECT_EQ(l.locked_to, "F1");
  EXPECT_TRUE(l.candidates.empty());
  // A locked tour is never handed over either: F1 cannot give T0001 away to take T0002.
  for (const Candidate& c : find_candidates(1, w.plan, locked_ctx, 10).candidates)
    if (c.handover) {
      EXPECT_NE(c.handover->tour, 0);
    }
}

TEST(Candidates, DriverModeRespectsPersonalLimitsAndOffersIdleDrivers) {
  Week w;
  w.work("F1", Wed, {"06:00", "10:30"}, One);
  w.work("F2", Mon, {"06:00", "10:30"}, One);
  Policy p;
  Driver f1, f2, f3, f4;
  f1.id = "F1";
  f2.id = "F2";
  f2.name = "Berta";
  f3.id = "F3";                        // idle
  f4.id = "F4";                        // idle, but never on Wednesday
  f4.available_days[static_cast<size_t>(Wed)] = false;
  const std::vector<Driver> pool{f1, f2, f3, f4};
  const EditContext ctx{w.tours, p, pool, kNoLocks, std::nullopt};
  const CandidateList l = find_candidates(0, w.plan, ctx, 10);
  EXPECT_EQ(ids(l), (std::vector<std::string>{"F2", "F3"}));
  ASSERT_EQ(l.candidates.size(), 2u);
  EXPECT_EQ(l.candidates[0].driver_name, "Berta");
  EXPECT_EQ(l.candidates[1].change, CandidateChange::NewDriver);
  for (const Candidate& c : l.candidates) EXPECT_TRUE(audit_after(w.plan, c, ctx).ok) << c.driver_id;
}

// Every candidate, on solved generated weeks (forecast and driver mode): applying its moves gives an
// audit-clean plan exactly when it says audit_clean; direct ones come first; the owner is never one.
TEST(Candidates, EveryCandidateIsWhatItClaimsOnSolvedWeeks) {
  for (int driver_mode = 0; driver_mode <= 1; ++driver_mode) {
    bench::GenSpec g;
    g.seed = 11 + static_cast<uint64_t>(driver_mode);
    g.days = 4;
    g.slots_per_day = 12;
    g.max_count = 3;
    SolveRequest req;
    req.tours = bench::generate_week(g);
    req.time_limit_seconds = 5;
    if (driver_mode) req.drivers = bench::driver_pool(60, true);
    const PlanReport rep = solve(req);
    ASSERT_TRUE(rep.audit.ok);
    const EditContext ctx{req.tours, req.policy, req.drivers, req.locks, std::nullopt};
    int checked = 0, clean = 0, ejections = 0;
    for (size_t t = 0; t < req.tours.size(); t += 7) {
      const CandidateList l = find_candidates(static_cast<int>(t), rep.plan, ctx, 8);
      bool seen_ejection = false;
      for (const Candidate& c : l.candidates) {
        EXPECT_NE(c.driver_id, l.current_driver);
        if (!c.direct) seen_ejection = true;
        else EXPECT_FALSE(seen_ejection) << "a direct candidate after an ejection";
        const AuditResult a = audit_after(rep.plan, c, ctx);
        EXPECT_EQ(a.ok, c.audit_clean) << req.tours[t].id << " -> " << c.driver_id << ": " << test::dump(a);
        ++checked;
        clean += a.ok;
        ejections += !c.direct;
      }
    }
    EXPECT_GT(checked, 20) << "mode " << driver_mode;
    EXPECT_GT(clean, 10) << "mode " << driver_mode;
    std::printf("[candidates] mode %d: %d candidates checked, %d clean, %d one-ejection\n", driver_mode, checked, clean,
                ejections);
  }
}

}  // namespace
}  // namespace so
