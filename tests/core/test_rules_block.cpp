// domain.md §4–§5 as implemented by the solver-side helpers (rules.hpp, block.hpp).
#include <gtest/gtest.h>

#include "core/block.hpp"
#include "core/rules.hpp"
#include "core_fixtures.hpp"

namespace so {
namespace {

using test::hm;

TEST(GapZone, InclusiveBoundaries) {
  Policy p;
  EXPECT_EQ(gap_zone(-1, p), GapZone::Forbidden);
  EXPECT_EQ(gap_zone(0, p), GapZone::Forbidden);
  EXPECT_EQ(gap_zone(29, p), GapZone::Forbidden);
  EXPECT_EQ(gap_zone(30, p), GapZone::Regular);
  EXPECT_EQ(gap_zone(60, p), GapZone::Regular);
  EXPECT_EQ(gap_zone(61, p), GapZone::Forbidden);
  EXPECT_EQ(gap_zone(239, p), GapZone::Forbidden);
  EXPECT_EQ(gap_zone(240, p), GapZone::Split);
  EXPECT_EQ(gap_zone(360, p), GapZone::Split);
  EXPECT_EQ(gap_zone(361, p), GapZone::Forbidden);
  p.allow_split = false;
  EXPECT_EQ(gap_zone(240, p), GapZone::Forbidden);
  EXPECT_EQ(gap_zone(300, p), GapZone::Forbidden);
  EXPECT_EQ(gap_zone(60, p), GapZone::Regular);
}

TEST(GapZone, TouchingToursOnlyWithMinGapZero) {
  Policy p;
  EXPECT_EQ(gap_zone(0, p), GapZone::Forbidden);
  p.min_gap_minutes = 0;
  EXPECT_EQ(gap_zone(0, p), GapZone::Regular);
  EXPECT_EQ(gap_zone(-1, p), GapZone::Forbidden);  // overlap is never a gap
}

TEST(GapZone, RegularWinsWhereWindowsOverlap) {
  Policy p;
  p.max_regular_gap_minutes = 180;
  p.split_gap_min_minutes = 120;
  EXPECT_EQ(gap_zone(150, p), GapZone::Regular);
  EXPECT_EQ(gap_zone(181, p), GapZone::Split);
}

TEST(Rules, SpanRestFatigue) {
  Policy p;
  EXPECT_EQ(max_span(BlockKind::TwoRegular, p), 840);
  EXPECT_EQ(max_span(BlockKind::TwoSplit, p), 960);
  EXPECT_EQ(max_span(BlockKind::Three, p), 930);
  EXPECT_EQ(rest_between(week_minute(0, hm("18:30")), week_minute(1, hm("05:30"))), 660);
  EXPECT_EQ(required_rest_after(BlockKind::Three, p), 660);
  EXPECT_EQ(required_rest_after(BlockKind::Three, test::legacy()), 840);
  EXPECT_EQ(required_rest_after(BlockKind::TwoSplit, test::legacy()), 660);
  EXPECT_FALSE(fatigue_allows(BlockKind::Three, BlockKind::Three, 3, p));
  EXPECT_TRUE(fatigue_allows(BlockKind::Three, BlockKind::TwoRegular, 2, p));
  EXPECT_TRUE(fatigue_allows(BlockKind::TwoRegular, BlockKind::Three, 3, p));
  p.allow_consecutive_3er = true;
  EXPECT_TRUE(fatigue_allows(BlockKind::Three, BlockKind::Three, 3, p));
  EXPECT_TRUE(fatigue_allows(BlockKind::Three, BlockKind::TwoRegular, 2, test::legacy()));
  EXPECT_FALSE(fatigue_allows(BlockKind::Three, BlockKind::Three, 3, test::legacy()));
  Policy q = test::legacy();
  q.allow_consecutive_3er = true;
  EXPECT_FALSE(fatigue_allows(BlockKind::Three, BlockKind::Three, 3, q));  // 3 tours > 2 after a 3er
  EXPECT_STREQ(block_kind_name(BlockKind::One), "1er");
  EXPECT_STREQ(block_kind_name(BlockKind::TwoRegular), "2er-regular");
  EXPECT_STREQ(block_kind_name(BlockKind::TwoSplit), "2er-split");
  EXPECT_STREQ(block_kind_name(BlockKind::Three), "3er");
}

// Windows on Monday from clock pairs.
std::vector<TourWindow> windows(std::initializer_list<std::pair<const char*, const char*>> w,
                                const std::string* loc) {
  std::vector<TourWindow> out;
  for (auto [s, e] : w) {
    Minutes start = hm(s), end = hm(e);
    if (end <= start) end += 1440;
    out.push_back(TourWindow{start, end, loc});
  }
  return out;
}

TEST(ClassifyBlock, GapBoundaries) {
  const std::string loc = "DEFAULT";
  Policy p;
  // First tour 06:00–10:30; the second starts after a gap g.
  auto two = [&](Minutes g) {
    std::vector<TourWindow> w = {TourWindow{360, 630, &loc}, TourWindow{630 + g, 630 + g + 270, &loc}};
    return classify_block(w, p);
  };
  EXPECT_EQ(two(29), std::nullopt);
  EXPECT_EQ(two(30), BlockKind::TwoRegular);
  EXPECT_EQ(two(60), BlockKind::TwoRegular);
  EXPECT_EQ(two(61), std::nullopt);
  EXPECT_EQ(two(239), std::nullopt);
  EXPECT_EQ(two(240), BlockKind::TwoSplit);
  EXPECT_EQ(two(360), BlockKind::TwoSplit);
  EXPECT_EQ(two(361), std::nullopt);
  EXPECT_EQ(two(0), std::nullopt);    // touching: gap 0 < min_gap
  EXPECT_EQ(two(-30), std::nullopt);  // overlap
  p.min_gap_minutes = 0;
  EXPECT_EQ(two(0), BlockKind::TwoRegular);
  EXPECT_EQ(two(-1), std::nullopt);
}

TEST(ClassifyBlock, ThreeNeedsBothGapsRegularAndSpan) {
  const std::string loc = "DEFAULT";
  Policy p;
  EXPECT_EQ(classify_block(windows({{"05:00", "09:30"}, {"10:30", "15:00"}, {"16:00", "20:30"}}, &loc), p),
            BlockKind::Three);  // span 930 exactly
  EXPECT_EQ(classify_block(windows({{"05:00", "09:30"}, {"10:30", "15:00"}, {"16:00", "20:31"}}, &loc), p),
            std::nullopt);  // span 931
  EXPECT_EQ(classify_block(windows({{"04:00", "07:00"}, {"07:30", "10:30"}, {"14:30", "17:30"}}, &loc), p),
            std::nullopt);  // split gap in a 3er
  EXPECT_EQ(classify_block(windows({{"06:00", "12:30"}, {"13:30", "20:00"}}, &loc), p), BlockKind::TwoRegular);  // 840
  EXPECT_EQ(classify_block(windows({{"06:00", "12:30"}, {"13:30", "20:01"}}, &loc), p), std::nullopt);  // 841
  EXPECT_EQ(classify_block(windows({{"04:00", "09:00"}, {"15:00", "20:00"}}, &loc), p), BlockKind::TwoSplit);  // 960
  EXPECT_EQ(classify_block(windows({{"04:00", "09:00"}, {"15:00", "20:01"}}, &loc), p), std::nullopt);  // 961
  p.max_tours_per_block = 2;
  EXPECT_EQ(classify_block(windows({{"05:00", "09:30"}, {"10:30", "15:00"}, {"16:00", "20:30"}}, &loc), p),
            std::nullopt);
}

TEST(ClassifyBlock, LocationsAndSize) {
  const std::string a = "A", b = "B";
  Policy p;
  std::vector<TourWindow> w = {TourWindow{360, 630, &a}, TourWindow{660, 930, &b}};
  EXPECT_EQ(classify_block(w, p), std::nullopt);
  p.mix_locations_in_block = true;
  EXPECT_EQ(classify_block(w, p), BlockKind::TwoRegular);
  EXPECT_EQ(classify_block(std::span<const TourWindow>{}, p), std::nullopt);
  std::vector<TourWindow> four = {TourWindow{0, 60, &a}, TourWindow{90, 150, &a}, TourWindow{180, 240, &a},
                                  TourWindow{270, 330, &a}};
  EXPECT_EQ(classify_block(four, p), std::nullopt);
}

// Mon: A 06:00–10:30, D 07:00–11:30, B 11:00–15:30, C 16:00–20:30; Tue: E 06:00–10:30.
// By hand: 1er ×5; A-B regular, B-C regular, A-C split (330, span 870), D-C split (270, span 810);
// A-D, D-B overlap; one 3er A-B-C (gaps 30/30, span 870).
struct SmallInstance : ::testing::Test {
  test::Week w;
  std::vector<TourType> types;
  void SetUp() override {
    w.tour(Mon, "16:00", "20:30");  // C (input order deliberately scrambled)
    w.tour(Tue, "06:00", "10:30");  // E
    w.tour(Mon, "06:00", "10:30");  // A
    w.tour(Mon, "11:00", "15:30");  // B
    w.tour(Mon, "07:00", "11:30");  // D
    w.tour(Mon, "06:00", "10:30");  // A again (same type, count 2)
    types = aggregate_tour_types(w.tours);
  }
  static std::array<int, 4> count_kinds(const std::vector<BlockPattern>& bs) {
    std::array<int, 4> c{};
    for (const auto& b : bs) ++c[static_cast<size_t>(b.kind)];
    return c;
  }
};

TEST_F(SmallInstance, EnumerateBlocksCountsByHand) {
  ASSERT_EQ(types.size(), 5u);  // canonical: A, D, B, C, E
  EXPECT_EQ(types[0].count(), 2);
  Policy p;
  auto blocks = enumerate_blocks(types, p);
  EXPECT_EQ(blocks.size(), 10u);
  EXPECT_EQ(count_kinds(blocks), (std::array<int, 4>{5, 2, 2, 1}));
  // Deterministic order: day, then first/second/third type index.
  std::vector<std::vector<int>> seq;
  for (const auto& b : blocks) {
    std::vector<int> ids;
    for (int k = 0; k < b.n; ++k) ids.push_back(b.types[static_cast<size_t>(k)]);
    seq.push_back(ids);
  }
  EXPECT_EQ(seq, (std::vector<std::vector<int>>{{0}, {0, 2}, {0, 2, 3}, {0, 3}, {1}, {1, 3}, {2}, {2, 3}, {3}, {4}}));
  const BlockPattern& three = blocks[2];
  EXPECT_EQ(three.kind, BlockKind::Three);
  EXPECT_EQ(three.day, Mon);
  EXPECT_EQ(three.start, hm("06:00"));
  EXPECT_EQ(three.end, hm("20:30"));
  EXPECT_EQ(three.span(), 870);
  EXPECT_EQ(three.work, 810);
  EXPECT_EQ(blocks[3].kind, BlockKind::TwoSplit);
  EXPECT_EQ(blocks[9].day, Tue);
  EXPECT_EQ(blocks[9].start, 1440 + hm("06:00"));
}

TEST_F(SmallInstance, EnumerateBlocksUnderOtherPolicies) {
  Policy no_split;
  no_split.allow_split = false;
  EXPECT_EQ(count_kinds(enumerate_blocks(types, no_split)), (std::array<int, 4>{5, 2, 0, 1}));
  Policy two_max;
  two_max.max_tours_per_block = 2;
  EXPECT_EQ(count_kinds(enumerate_blocks(types, two_max)), (std::array<int, 4>{5, 2, 2, 0}));
  Policy one_max;
  one_max.max_tours_per_block = 1;
  EXPECT_EQ(count_kinds(enumerate_blocks(types, one_max)), (std::array<int, 4>{5, 0, 0, 0}));
  Policy short3;
  short3.max_span_3er_minutes = 869;
  EXPECT_EQ(count_kinds(enumerate_blocks(types, short3)), (std::array<int, 4>{5, 2, 2, 0}));
  EXPECT_TRUE(enumerate_blocks({}, Policy{}).empty());
}

TEST(EnumerateBlocks, CrossMidnightTourAsLastOfBlock) {
  test::Week w;
  w.tour(Mon, "18:00", "21:30");
  w.tour(Mon, "22:00", "02:00");  // ends Tue 02:00 but belongs to Monday
  w.tour(Tue, "03:00", "07:00");  // Tuesday: never in a Monday block
  auto blocks = enumerate_blocks(aggregate_tour_types(w.tours), Policy{});
  ASSERT_EQ(blocks.size(), 4u);
  EXPECT_EQ(blocks[1].kind, BlockKind::TwoRegular);
  EXPECT_EQ(blocks[1].end, 1440 + hm("02:00"));
  EXPECT_EQ(blocks[1].span(), 480);
  EXPECT_EQ(blocks[3].day, Tue);
}

}  // namespace
}  // namespace so
