// The pricing DP against brute force: every driver-week of tiny instances is enumerated and the
// best reduced cost compared, for random duals, several policies and cost models.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "../bench/instance_gen.hpp"
#include "core/block.hpp"
#include "core/policy.hpp"
#include "core/tour.hpp"
#include "solver/pricing.hpp"

namespace so {
namespace {

// "T" + number, built by appending (GCC 12 warns falsely on operator+ with a temporary).
std::string tour_id(const char* prefix, long n) {
  std::string s = prefix;
  s += std::to_string(n);
  return s;
}

// 3–4 tours a day from a grid that makes 2er, 3er (gaps 30–60 min), split 2er, rests just
// above / below the minimum (late ends, early starts) and cross-midnight tours all likely.
std::vector<Tour> tiny_week(uint64_t seed) {
  static const Minutes kStarts[] = {270, 300, 330, 570, 600, 630, 870, 900, 930, 1110, 1170, 1260};
  static const Minutes kDurations[] = {240, 270, 300};
  bench::SplitMix rng(seed);
  std::vector<Tour> tours;
  for (int day = 0; day < 7; ++day) {
    const int n = 3 + rng.below(2);
    for (int i = 0; i < n; ++i) {
      const Minutes start = kStarts[rng.below(12)];
      const Minutes dur = kDurations[rng.below(3)];
      tours.push_back(make_tour(tour_id("T", tours.size()), day, start, (start + dur) % 1440));
    }
  }
  return tours;
}

struct Brute {
  double best_rc = std::numeric_limits<double>::infinity();
  long columns = 0;
};

// Every column: per day off or one allowed block; feasibility by the column rules.
void enumerate(const std::vector<BlockPattern>& blocks, const std::vector<std::vector<int>>& by_day, int day,
               Column& cur, const Policy& p, const CostModel& cost, const std::vector<double>& duals, double mu,
               Brute& out) {
  if (day == 7) {
    if (cur.empty() || !column_feasible(cur, blocks, p)) return;
    ++out.columns;
    double rc = column_cost(cur, blocks, p, cost) - mu;
    for (int b : cur)
      for (int i = 0; i < blocks[static_cast<size_t>(b)].n; ++i)
        rc -= duals[static_cast<size_t>(blocks[static_cast<size_t>(b)].types[static_cast<size_t>(i)])];
    out.best_rc = std::min(out.best_rc, rc);
    return;
  }
  enumerate(blocks, by_day, day + 1, cur, p, cost, duals, mu, out);
  for (int b : by_day[static_cast<size_t>(day)]) {
    cur.push_back(b);
    // Prune partial columns that already break a rule (keeps the enumeration small).
    if (column_feasible(cur, blocks, p))
      enumerate(blocks, by_day, day + 1, cur, p, cost, duals, mu, out);
    cur.pop_back();
  }
}

double reduced_cost(const Column& c, const std::vector<BlockPattern>& blocks, const Policy& p, const CostModel& cost,
                    const std::vector<double>& duals, double mu) {
  double rc = column_cost(c, blocks, p, cost) - mu;
  for (int b : c)
    for (int i = 0; i < blocks[static_cast<size_t>(b)].n; ++i)
      rc -= duals[static_cast<size_t>(blocks[static_cast<size_t>(b)].types[static_cast<size_t>(i)])];
  return rc;
}

struct Case {
  std::string name;
  Policy policy;
  CostModel cost;
};

std::vector<Case> cases() {
  std::vector<Case> out;
  Policy def;
  out.push_back({"default", def, driver_count_cost()});
  out.push_back({"legacy", *policy_profile("legacy-v2.0"), driver_count_cost()});
  Policy wrap = def;
  wrap.week_wrap = true;
  out.push_back({"week_wrap", wrap, driver_count_cost()});
  Policy days = def;
  days.max_working_days = 3;
  out.push_back({"working_days_3", days, driver_count_cost()});
  Policy cap = def;
  cap.max_weekly_minutes = 1500;
  out.push_back({"weekly_cap_25h", cap, driver_count_cost()});
  Policy fatigue = def;
  fatigue.allow_consecutive_3er = true;
  fatigue.max_tours_after_3er_day = 1;
  fatigue.min_rest_after_3er_minutes = 900;
  out.push_back({"fatigue", fatigue, driver_count_cost()});
  CostModel sec;
  sec.pt = 0.3;
  sec.pt_threshold_minutes = 1200;
  sec.block_1er = 0.05;
  sec.block_split = 0.02;
  sec.tight_rest = 0.07;
  sec.per_minute = -0.0001;
  out.push_back({"secondary_costs", def, sec});
  out.push_back({"secondary_costs_wrap", wrap, sec});
  return out;
}

TEST(PricingDp, MatchesBruteForceOnTinyWeeks) {
  int compared = 0;
  long total_columns = 0;
  for (const Case& c : cases()) {
    for (uint64_t seed = 1; seed <= 6; ++seed) {
      const std::vector<Tour> tours = tiny_week(seed * 31 + static_cast<uint64_t>(compared));
      const std::vector<TourType> types = aggregate_tour_types(tours);
      const std::vector<BlockPattern> blocks = enumerate_blocks(types, c.policy);
      std::vector<int> allowed;
      std::vector<std::vector<int>> by_day(7);
      for (int b = 0; b < static_cast<int>(blocks.size()); ++b) {
        if (blocks[static_cast<size_t>(b)].work > c.policy.max_weekly_minutes) continue;
        allowed.push_back(b);
        by_day[static_cast<size_t>(blocks[static_cast<size_t>(b)].day)].push_back(b);
      }
      Pricer pricer(blocks, allowed, c.policy, c.cost);
      bench::SplitMix rng(seed * 977 + 3);
      for (int trial = 0; trial < 4; ++trial) {
        std::vector<double> duals(types.size());
        for (double& d : duals) d = 0.6 * rng.unit() - (trial == 3 ? 0.1 : 0.0);  // trial 3: some negative (partition)
        const double mu = trial == 2 ? -0.2 : 0.0;
        Brute brute;
        Column cur;
        enumerate(blocks, by_day, 0, cur, c.policy, c.cost, duals, mu, brute);
        PricingResult pr = pricer.price(duals, mu, 50, 1e-9);
        ASSERT_GT(brute.columns, 0);
        total_columns += brute.columns;
        EXPECT_NEAR(pr.best_reduced_cost, brute.best_rc, 1e-9) << c.name << " seed " << seed << " trial " << trial;
        // Every returned column is feasible and its reported reduced cost is exact.
        for (const PricedColumn& pc : pr.columns) {
          EXPECT_TRUE(column_feasible(pc.blocks, blocks, c.policy)) << c.name;
          EXPECT_NEAR(pc.reduced_cost, reduced_cost(pc.blocks, blocks, c.policy, c.cost, duals, mu), 1e-9) << c.name;
          EXPECT_LT(pc.reduced_cost, 0.0);
        }
        if (brute.best_rc < -1e-6) {
          EXPECT_FALSE(pr.columns.empty()) << c.name;
        }
        ++compared;
      }
    }
  }
  EXPECT_EQ(compared, static_cast<int>(cases().size()) * 6 * 4);
  EXPECT_GT(total_columns, 100000);  // the instances are not trivial
}

TEST(PricingDp, ReturnsManyDistinctColumnsBestFirst) {
  bench::GenSpec g;
  g.seed = 5;
  g.days = 6;
  g.slots_per_day = 8;
  const std::vector<Tour> tours = bench::generate_week(g);
  const std::vector<TourType> types = aggregate_tour_types(tours);
  Policy p;
  const std::vector<BlockPattern> blocks = enumerate_blocks(types, p);
  std::vector<int> allowed(blocks.size());
  for (size_t i = 0; i < blocks.size(); ++i) allowed[i] = static_cast<int>(i);
  Pricer pricer(blocks, allowed, p, driver_count_cost());
  std::vector<double> duals(types.size(), 0.2);
  PricingResult pr = pricer.price(duals, 0.0, 30, 1e-9);
  ASSERT_EQ(pr.columns.size(), 30u);
  for (size_t i = 1; i < pr.columns.size(); ++i) {
    EXPECT_LE(pr.columns[i - 1].reduced_cost, pr.columns[i].reduced_cost);
    EXPECT_NE(pr.columns[i - 1].blocks, pr.columns[i].blocks);
  }
  EXPECT_DOUBLE_EQ(pr.columns[0].reduced_cost, pr.best_reduced_cost);
}

// Minute levels: 270-min tours under a 55 h cap give the 13 totals 0, 270, …, 3240.
TEST(PricingDp, MinuteLevelsAreTheReachableWeeklyTotals) {
  std::vector<Tour> tours;
  for (int d = 0; d < 6; ++d)
    for (int s = 0; s < 3; ++s)
      tours.push_back(make_tour(tour_id("T", d * 3 + s), d, 300 + s * 300, 300 + s * 300 + 270));
  const std::vector<TourType> types = aggregate_tour_types(tours);
  Policy p;
  const std::vector<BlockPattern> blocks = enumerate_blocks(types, p);
  std::vector<int> allowed(blocks.size());
  for (size_t i = 0; i < blocks.size(); ++i) allowed[i] = static_cast<int>(i);
  Pricer pricer(blocks, allowed, p, driver_count_cost());
  EXPECT_EQ(pricer.levels(), 13);
  EXPECT_EQ(pricer.min_level_at_least(2400).value(), 2430);
  EXPECT_EQ(pricer.days_tracked(), 1);  // 6 working days never bind
}

}  // namespace
}  // namespace so
