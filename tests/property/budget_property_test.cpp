// Randomized property test (issue 10): 50 random weeks of mixed shapes — slot-based, individually
// timed (minute and 5-minute grids), several depots, night and Sunday, tiny — each solved twice
// with a random budget of 1–5 s. Every run must answer within its budget + 0.25 s, return an
// audit-clean plan, and give the same signature twice unless the clock cut it
// (TIME_LIMIT_REACHED). Runs serially (RUN_SERIAL): the wall clock is part of what it checks.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "../../bench/instance_gen.hpp"
#include "core/audit.hpp"
#include "core/policy.hpp"
#include "solver/budget.hpp"
#include "solver/solve.hpp"

namespace {

struct Case {
  std::string shape;
  std::vector<so::Tour> tours;
  double budget = 1;
};

// The i-th random case; shapes rotate so that every kind appears ten times.
Case make_case(int i, so::bench::SplitMix& rng) {
  Case c;
  c.budget = 1 + rng.below(5);
  const uint64_t seed = 1000 + static_cast<uint64_t>(i);
  switch (i % 5) {
    case 0: {  // slot-based, one depot
      so::bench::GenSpec g;
      g.seed = seed;
      g.days = 5 + rng.below(3);
      g.slots_per_day = 10 + rng.below(30);
      g.max_count = 1 + rng.below(6);
      c.shape = "slots";
      c.tours = so::bench::generate_week(g);
      break;
    }
    case 1: {  // individually timed, minute grid
      so::bench::TimedSpec t;
      t.seed = seed;
      t.tours = 100 + rng.below(700);
      t.granularity = 1;
      c.shape = "timed-1min";
      c.tours = so::bench::generate_timed_week(t);
      break;
    }
    case 2: {  // individually timed, 5-minute grid, several depots
      so::bench::TimedSpec t;
      t.seed = seed;
      t.tours = 200 + rng.below(1000);
      t.granularity = 5;
      t.depots = 2 + rng.below(3);
      c.shape = "timed-5min-depots";
      c.tours = so::bench::generate_timed_week(t);
      break;
    }
    case 3: {  // night and Sunday, several depots, slot-based
      so::bench::GenSpec g;
      g.seed = seed;
      g.days = 7;
      g.depots = 1 + rng.below(3);
      g.slots_per_day = 8 + rng.below(20);
      g.night_share = 0.3;
      c.shape = "night-sunday";
      c.tours = so::bench::generate_week(g);
      break;
    }
    default: {  // tiny
      so::bench::TimedSpec t;
      t.seed = seed;
      t.tours = 1 + rng.below(25);
      t.night_share = 0.3;
      c.shape = "tiny";
      c.tours = so::bench::generate_timed_week(t);
      break;
    }
  }
  return c;
}

bool clock_cut(const so::PlanReport& r) {
  for (const std::string& code : r.reason_codes)
    if (code == "TIME_LIMIT_REACHED") return true;
  return false;
}

}  // namespace

TEST(BudgetProperty, FiftyRandomWeeksOnBudgetAuditCleanAndDeterministic) {
  so::bench::SplitMix rng(20261206);
  int cut = 0, optimal = 0;
  double total_wall = 0;
  for (int i = 0; i < 50; ++i) {
    const Case c = make_case(i, rng);
    so::SolveRequest req;
    req.tours = c.tours;
    req.seed = 42;
    req.time_limit_seconds = c.budget;
    std::string first_signature;
    bool first_cut = false;
    for (int run = 0; run < 2; ++run) {
      const auto t0 = std::chrono::steady_clock::now();
      const so::PlanReport rep = so::solve(req);
      const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      total_wall += wall;
      const std::string what = "case " + std::to_string(i) + " (" + c.shape + ", " + std::to_string(c.tours.size()) +
                               " tours, budget " + std::to_string(c.budget) + " s, run " + std::to_string(run) + ")";
      EXPECT_LE(wall, c.budget + so::kAnswerAllowanceSeconds) << what;
      EXPECT_EQ(rep.status, "OK") << what;
      EXPECT_TRUE(rep.audit.ok) << what;
      // The audit again, independently of the solver's own call.
      EXPECT_TRUE(so::audit_plan(req.tours, req.policy, rep.plan).ok) << what;
      if (run == 0) {
        first_signature = rep.solution_signature;
        first_cut = clock_cut(rep);
        cut += first_cut;
        for (const std::string& code : rep.reason_codes) optimal += code == "OPTIMAL";
      } else if (!first_cut && !clock_cut(rep)) {
        EXPECT_EQ(rep.solution_signature, first_signature) << what;
      }
    }
  }
  // The property is about every input; this only records how the 50 went.
  RecordProperty("clock_cut_runs", cut);
  RecordProperty("optimal_runs", optimal);
  RecordProperty("total_wall_s", std::to_string(total_wall));
  std::printf("property: %d of 50 weeks cut by the clock, %d optimal, %.1f s of solving\n", cut, optimal, total_wall);
}
