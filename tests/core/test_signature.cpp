// api.md §4 solution_signature and canonicalize_plan: independent of numbering and order.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/audit.hpp"
#include "core/signature.hpp"
#include "core_fixtures.hpp"

namespace so {
namespace {

using test::Week;

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(std::string_view("a\0b", 3)).size(), 64u);
  EXPECT_NE(sha256_hex(std::string_view("a\0b", 3)), sha256_hex("a"));
}

// D001: Mon 2er + Tue 1er; D002: Mon 1er; D003: Wed 1er; one tour unassigned.
Week sample() {
  Week w;
  w.work("D001", Mon, {"06:00", "10:30", "11:00", "15:30"}, BlockKind::TwoRegular);
  w.work("D001", Tue, {"06:00", "10:30"}, BlockKind::One);
  w.work("D002", Mon, {"06:00", "10:30"}, BlockKind::One);
  w.work("D003", Wed, {"12:00", "16:30"}, BlockKind::One);
  w.unassign(w.tour(Thu, "06:00", "10:30"), {"NO_AVAILABLE_DRIVER"});
  w.unassign(w.tour(Thu, "12:00", "16:30"), {"NO_AVAILABLE_DRIVER"});
  return w;
}

TEST(Signature, CanonicalTextShape) {
  Week w = sample();
  EXPECT_EQ(canonical_plan_text(w.tours, w.plan),
            "status:partial\n"
            "0:T0001,T0002;1:T0003\n"
            "0:T0004\n"
            "2:T0005\n"
            "unassigned:T0006,T0007\n");
  Week full;
  full.work("D001", Mon, {"06:00", "10:30"}, BlockKind::One);
  EXPECT_EQ(canonical_plan_text(full.tours, full.plan), "status:complete\n0:T0001\n");
}

TEST(Signature, Format) {
  Week w = sample();
  std::string s = solution_signature(w.tours, w.plan);
  ASSERT_EQ(s.size(), 7u + 64u);
  EXPECT_EQ(s.rfind("sha256:", 0), 0u);
  EXPECT_TRUE(std::all_of(s.begin() + 7, s.end(), [](char c) { return std::isxdigit(c) && !std::isupper(c); }));
  EXPECT_EQ(s, "sha256:" + sha256_hex(canonical_plan_text(w.tours, w.plan)));
}

TEST(Signature, InvariantUnderRenumberingAndReordering) {
  Week w = sample();
  const std::string base = solution_signature(w.tours, w.plan);
  Plan p = w.plan;
  std::reverse(p.rosters.begin(), p.rosters.end());
  const char* ids[] = {"Z9", "A1", "M5"};
  for (size_t i = 0; i < p.rosters.size(); ++i) {
    p.rosters[i].driver_id = ids[i];
    std::reverse(p.rosters[i].blocks.begin(), p.rosters[i].blocks.end());
    for (Block& b : p.rosters[i].blocks) std::reverse(b.tours.begin(), b.tours.end());
  }
  std::reverse(p.unassigned.begin(), p.unassigned.end());
  p.rosters.push_back(Roster{"UNUSED", {}, {}});  // an unused driver adds no content
  EXPECT_EQ(solution_signature(w.tours, p), base);
  canonicalize_plan(p, w.tours);
  EXPECT_EQ(solution_signature(w.tours, p), base);
}

TEST(Signature, ChangesWhenATourMoves) {
  Week w = sample();
  const std::string base = solution_signature(w.tours, w.plan);
  // Move D002's Monday tour into D003's roster (D003 now works Mon + Wed).
  Plan moved = w.plan;
  Block mon = moved.rosters[1].blocks[0];
  moved.rosters[1].blocks.clear();
  moved.rosters[2].blocks.insert(moved.rosters[2].blocks.begin(), mon);
  EXPECT_NE(solution_signature(w.tours, moved), base);
  // Swap which driver does which Monday tour (D001 keeps a 2er but with another first tour).
  Plan swapped = w.plan;
  std::swap(swapped.rosters[0].blocks[0].tours[0], swapped.rosters[1].blocks[0].tours[0]);
  EXPECT_NE(solution_signature(w.tours, swapped), base);
  // Assign an unassigned tour.
  Plan assigned = w.plan;
  assigned.unassigned.pop_back();
  assigned.rosters[2].blocks.push_back(Block{Thu, {6}, BlockKind::One});
  EXPECT_NE(solution_signature(w.tours, assigned), base);
  // Unassigned vs simply missing never collide either.
  Plan dropped = w.plan;
  dropped.unassigned.pop_back();
  EXPECT_NE(solution_signature(w.tours, dropped), base);
}

TEST(Signature, EmptyPlanIsStableAndDistinct) {
  const std::string empty = solution_signature({}, Plan{});
  EXPECT_EQ(empty, solution_signature({}, Plan{}));
  EXPECT_EQ(empty, "sha256:" + sha256_hex("status:complete\n"));
  Week one;
  one.unassign(one.tour(Mon, "06:00", "10:30"));
  EXPECT_NE(solution_signature(one.tours, one.plan), empty);
}

TEST(CanonicalizePlan, RenumbersByFirstBlockAndSorts) {
  Week w;
  int a = w.tour(Tue, "06:00", "10:30");
  int b = w.tour(Mon, "11:00", "15:30");
  int c = w.tour(Mon, "06:00", "10:30");
  int d = w.tour(Wed, "09:00", "13:30");
  int e = w.tour(Mon, "05:00", "09:30");
  w.block("X", Tue, {a}, BlockKind::One);
  w.block("X", Mon, {b, c}, BlockKind::TwoRegular);  // unsorted tours, blocks out of day order
  w.block("Y", Wed, {d}, BlockKind::One);
  w.block("Z", Mon, {e}, BlockKind::One);
  w.unassign(4);
  w.unassign(0);
  Plan p = w.plan;
  canonicalize_plan(p, w.tours);
  ASSERT_EQ(p.rosters.size(), 3u);
  EXPECT_EQ(p.rosters[0].driver_id, "D001");  // Z: Mon 05:00
  EXPECT_EQ(p.rosters[0].blocks[0].tours, std::vector<int>{e});
  EXPECT_EQ(p.rosters[1].driver_id, "D002");  // X: Mon 06:00
  ASSERT_EQ(p.rosters[1].blocks.size(), 2u);
  EXPECT_EQ(p.rosters[1].blocks[0].day, Mon);
  EXPECT_EQ(p.rosters[1].blocks[0].tours, (std::vector<int>{c, b}));
  EXPECT_EQ(p.rosters[1].blocks[1].day, Tue);
  EXPECT_EQ(p.rosters[2].driver_id, "D003");  // Y: Wed
  EXPECT_EQ(p.unassigned[0].tour, 0);
  EXPECT_EQ(p.unassigned[1].tour, 4);
  // Idempotent, and independent of the incoming roster order and ids.
  Plan again = p;
  canonicalize_plan(again, w.tours);
  Plan shuffled = w.plan;
  std::rotate(shuffled.rosters.begin(), shuffled.rosters.begin() + 1, shuffled.rosters.end());
  for (Roster& r : shuffled.rosters) r.driver_id = "?" + r.driver_id;
  canonicalize_plan(shuffled, w.tours);
  for (const Plan* q : {&again, &shuffled}) {
    ASSERT_EQ(q->rosters.size(), p.rosters.size());
    for (size_t i = 0; i < p.rosters.size(); ++i) {
      EXPECT_EQ(q->rosters[i].driver_id, p.rosters[i].driver_id);
      ASSERT_EQ(q->rosters[i].blocks.size(), p.rosters[i].blocks.size());
      for (size_t j = 0; j < p.rosters[i].blocks.size(); ++j)
        EXPECT_EQ(q->rosters[i].blocks[j].tours, p.rosters[i].blocks[j].tours);
    }
  }
}

}  // namespace
}  // namespace so
