// Individually timed tours (issue 10): the work limits that keep such weeks on budget must keep
// every answer valid and every claimed bound honest.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <set>
#include <vector>

#include "../bench/instance_gen.hpp"
#include "core/audit.hpp"
#include "core/block.hpp"
#include "core/policy.hpp"
#include "solver/colgen.hpp"
#include "solver/flow.hpp"
#include "solver/pricing.hpp"
#include "solver/solve.hpp"

namespace so {
namespace {

std::vector<Tour> timed_week(int n, uint64_t seed, int granularity = 1) {
  bench::TimedSpec t;
  t.tours = n;
  t.seed = seed;
  t.granularity = granularity;
  return bench::generate_timed_week(t);
}

TEST(TimedBlocks, ACappedEnumerationIsASubsetOfValidBlocksAndSaysSo) {
  const std::vector<TourType> types = aggregate_tour_types(timed_week(1500, 3));
  const Policy p;
  bool complete = false;
  const std::vector<BlockPattern> all = enumerate_blocks(types, p, SIZE_MAX, &complete);
  EXPECT_TRUE(complete);
  const size_t cap = all.size() / 4;
  bool capped_complete = true;
  const std::vector<BlockPattern> some = enumerate_blocks(types, p, cap, &capped_complete);
  EXPECT_FALSE(capped_complete);
  EXPECT_LE(some.size(), cap);
  EXPECT_GT(some.size(), types.size());  // every 1er, and still many multi-tour blocks
  auto key = [](const BlockPattern& b) { return std::make_tuple(b.types[0], b.types[1], b.types[2]); };
  std::set<std::tuple<int, int, int>> full;
  for (const BlockPattern& b : all) full.insert(key(b));
  for (const BlockPattern& b : some) EXPECT_TRUE(full.count(key(b))) << "a block the full enumeration does not know";
  // Every type keeps its 1er, so every tour stays coverable.
  size_t ones = std::count_if(some.begin(), some.end(), [](const BlockPattern& b) { return b.n == 1; });
  EXPECT_EQ(ones, types.size());
  // Same input, same cap: the same blocks in the same order.
  const std::vector<BlockPattern> again = enumerate_blocks(types, p, cap);
  ASSERT_EQ(again.size(), some.size());
  for (size_t i = 0; i < some.size(); ++i) EXPECT_EQ(key(again[i]), key(some[i]));
}

// 900 minute-exact tours, every block allowed, priced by driver count.
struct TimedPricingTest : ::testing::Test {
  const std::vector<TourType> types = aggregate_tour_types(timed_week(900, 5));
  const Policy p;
  const std::vector<BlockPattern> blocks = enumerate_blocks(types, p);
  const std::vector<int> allowed = [this] {
    std::vector<int> a(blocks.size());
    for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<int>(i);
    return a;
  }();
  const Pricer pricer{blocks, allowed, p, driver_count_cost()};
};

TEST_F(TimedPricingTest, CoarseMinutesStillGiveOnlyFeasibleColumnsAndNoBound) {
  ASSERT_FALSE(pricer.exact()) << "900 minute-exact tours should exceed the exact DP's state limit";
  EXPECT_GT(pricer.quantum(), 1);
  bench::SplitMix rng(11);
  for (int round = 0; round < 3; ++round) {
    std::vector<double> duals(types.size());
    for (double& d : duals) d = 0.05 + 0.3 * rng.unit();
    const PricingResult pr = pricer.price(duals, 0.0, 20);
    EXPECT_FALSE(pr.stopped);
    ASSERT_FALSE(pr.columns.empty());
    for (const PricedColumn& c : pr.columns) EXPECT_TRUE(column_feasible(c.blocks, blocks, p));
  }
  // Column generation over it proves nothing: no dual bound, flagged inexact.
  std::vector<int> rows, demand;
  for (int t = 0; t < static_cast<int>(types.size()); ++t) {
    rows.push_back(t);
    demand.push_back(types[static_cast<size_t>(t)].count());
  }
  MasterLp lp(static_cast<int>(types.size()), rows, demand, false);
  std::vector<Column> init;
  for (int b : allowed)
    if (blocks[static_cast<size_t>(b)].n == 1) init.push_back(Column{b});
  lp.add_columns(init, blocks, std::vector<double>(init.size(), 1.0));
  CgOptions cg;
  cg.max_rounds = 5;
  const CgResult cr = run_column_generation(lp, pricer, blocks, cg, {});
  EXPECT_FALSE(cr.exact_pricing);
  EXPECT_EQ(cr.dual_bound, 0.0);
}

TEST_F(TimedPricingTest, StopEndsALargeDpAndMarksTheResult) {
  const std::vector<double> duals(types.size(), 0.2);
  int polls = 0;
  const std::function<bool()> stop = [&polls] { return ++polls > 3; };
  const PricingResult pr = pricer.price(duals, 0.0, 10, 1e-9, &stop);
  EXPECT_TRUE(pr.stopped);
  EXPECT_TRUE(pr.columns.empty());
  EXPECT_GT(polls, 3);
}

TEST(TimedFlow, AWorkLimitEndsTheFlowWithAFeasibleSmallerValue) {
  // A layered graph whose max flow needs many augmentations.
  const int layers = 40, width = 60;
  auto build = [&](MaxFlow& f) {
    for (int w = 0; w < width; ++w) f.add_arc(0, 2 + w, 1);
    for (int l = 0; l + 1 < layers; ++l)
      for (int w = 0; w < width; ++w)
        for (int v = 0; v < width; v += 7) f.add_arc(2 + l * width + w, 2 + (l + 1) * width + (w + v) % width, 1);
    for (int w = 0; w < width; ++w) f.add_arc(2 + (layers - 1) * width + w, 1, 1);
  };
  MaxFlow full(2 + layers * width);
  build(full);
  const int64_t max_value = full.solve(0, 1);
  EXPECT_FALSE(full.stopped());
  EXPECT_EQ(max_value, width);
  MaxFlow limited(2 + layers * width);
  build(limited);
  const int64_t partial = limited.solve(0, 1, nullptr, 10);
  EXPECT_TRUE(limited.stopped());
  EXPECT_LE(partial, max_value);
}

TEST(TimedSolve, MinuteGranularWeekIsCertifiedByProofNotByTheClock) {
  SolveRequest req;
  req.tours = timed_week(800, 1);
  req.time_limit_seconds = 10;
  const auto t0 = std::chrono::steady_clock::now();
  const PlanReport a = solve(req);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const PlanReport b = solve(req);
  EXPECT_EQ(a.status, "OK");
  EXPECT_TRUE(audit_plan(req.tours, req.policy, a.plan).ok);
  const auto& codes = a.reason_codes;
  EXPECT_NE(std::find(codes.begin(), codes.end(), "OPTIMAL"), codes.end());
  EXPECT_EQ(std::find(codes.begin(), codes.end(), "TIME_LIMIT_REACHED"), codes.end());
  EXPECT_EQ(a.kpis.drivers_total, a.lower_bounds.best);
  // No converged exact LP here: the LP bound is absent, not an unconverged number.
  EXPECT_FALSE(a.lower_bounds.lp.has_value());
  EXPECT_EQ(a.solution_signature, b.solution_signature);
  EXPECT_LT(wall, 10.0);
}

}  // namespace
}  // namespace so
