#include "solver/run_report.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "solver/config.hpp"

namespace so {

Minutes hours_to_minutes_threshold(double hours) { return static_cast<Minutes>(std::ceil(hours * 60.0 - 1e-9)); }

bool valid_tour(const Tour& t) {
  return t.day >= 0 && t.day < kDaysPerWeek && t.start >= 0 && t.start < kMinutesPerDay && t.end > t.start &&
         t.end <= t.start + kMinutesPerDay;
}

void add_reason(PlanReport& r, const std::string& code) {
  if (std::find(r.reason_codes.begin(), r.reason_codes.end(), code) == r.reason_codes.end())
    r.reason_codes.push_back(code);
}

PlanReport open_report(const SolveRequest& req, const Budget& budget) {
  PlanReport rep;
  rep.run_id = req.run_id;
  rep.week_start = req.week_start;
  rep.policy = req.policy;
  rep.seed = req.seed;
  rep.time_limit_seconds = req.time_limit_seconds;
  rep.config = req.config_report;
  if (rep.config.effective_hash.empty()) rep.config.effective_hash = effective_config_hash(req.config, req.policy);
  for (int ph = 0; ph < 4; ++ph) rep.stats.phase_budget_s[phase_name(static_cast<Phase>(ph))] = budget.slice(static_cast<Phase>(ph));
  rep.stats.phase_budget_s["total"] = budget.time_limit();
  return rep;
}

void name_best_bound(LowerBounds& lb) {
  lb.best = std::max({lb.hours, lb.per_day, lb.path_cover, lb.rest_concurrency, lb.lp.value_or(0), lb.lagrangian.value_or(0)});
  const std::pair<const char*, int> named[] = {{"lp", lb.lp.value_or(-1)},
                                               {"lagrangian", lb.lagrangian.value_or(-1)},
                                               {"rest_concurrency", lb.rest_concurrency},
                                               {"path_cover", lb.path_cover},
                                               {"per_day", lb.per_day},
                                               {"hours", lb.hours}};
  for (auto [name, v] : named)
    if (v == lb.best) {
      lb.best_name = name;
      break;
    }
}

void close_report(PlanReport& rep, Budget& budget, bool safety_net) {
  if (budget.hit_wall_clock() || safety_net) {
    rep.stats.hit_wall_clock = true;
    if (rep.status != "CANCELLED") add_reason(rep, "TIME_LIMIT_REACHED");
  }
  if (rep.status == "CANCELLED") add_reason(rep, "CANCELLED");
  std::sort(rep.reason_codes.begin(), rep.reason_codes.end());
  rep.reason_codes.erase(std::unique(rep.reason_codes.begin(), rep.reason_codes.end()), rep.reason_codes.end());
  budget.end_phase(Phase::Audit);
  rep.timing.profiling_s = budget.phase_seconds(Phase::Profiling);
  rep.timing.phase1_s = budget.phase_seconds(Phase::Phase1);
  rep.timing.phase2_s = budget.phase_seconds(Phase::Phase2);
  rep.timing.lns_s = budget.phase_seconds(Phase::Lns);
  rep.timing.total_s = budget.elapsed();
  for (int ph = 0; ph < 4; ++ph)
    rep.stats.phase_overrun[phase_name(static_cast<Phase>(ph))] = budget.phase_overran(static_cast<Phase>(ph));
  rep.stats.phase_overrun["total"] = rep.timing.total_s > budget.time_limit();
}

}  // namespace so
