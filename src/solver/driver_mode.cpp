// Driver mode (domain.md §7, driver_mode.hpp): the pipeline. Each step is a function of the run's
// context (driver_mode_context.hpp) in a file named after it; this file only orders them.
#include "solver/driver_mode.hpp"

#include <algorithm>
#include <set>

#include "core/audit.hpp"
#include "core/kpis.hpp"
#include "core/reasons.hpp"
#include "core/signature.hpp"
#include "solver/driver_classes.hpp"
#include "solver/driver_colgen.hpp"
#include "solver/driver_dive.hpp"
#include "solver/driver_incumbents.hpp"
#include "solver/driver_master.hpp"
#include "solver/driver_mode_context.hpp"
#include "solver/driver_plan.hpp"
#include "solver/driver_profiling.hpp"
#include "solver/driver_repair.hpp"
#include "solver/run_report.hpp"

namespace so {

namespace {

using dm::DriverModeContext;

// Audit, KPIs and signature of the final plan; closes the report.
PlanReport finish(DriverModeContext& ctx, Plan plan, const std::string& status) {
  const dm::DriverInput& in = ctx.in;
  PlanReport& rep = ctx.rep;
  ctx.start_phase(Phase::Audit);
  std::vector<std::string> driver_order;
  for (const Driver& d : in.drivers) driver_order.push_back(d.id);
  order_driver_plan(plan, driver_order);
  rep.audit = audit_driver_plan(in.tours, in.p, in.drivers, in.req.locks, plan);
  rep.plan = std::move(plan);
  rep.status = status;
  if (!rep.audit.ok && (status == "OK" || status == "INFEASIBLE")) rep.status = "FAILED";
  name_best_bound(rep.lower_bounds);
  rep.kpis = compute_kpis(in.tours, in.p, rep.plan, rep.lower_bounds.best, in.cfg.fte_target_min_hours);
  add_driver_kpis(rep.kpis, in.tours, in.drivers, rep.plan);
  rep.solution_signature = solution_signature(in.tours, rep.plan, true);
  close_report(rep, ctx.budget, ctx.safety_net);
  return std::move(rep);
}

PlanReport fail(DriverModeContext& ctx, const dm::RequestProblem& problem) {
  add_reason(ctx.rep, problem.code);
  ctx.rep.driver_mode.error = problem.message;
  ctx.budget.end_phase(Phase::Profiling);
  return finish(ctx, Plan{}, "FAILED");
}

// True reasons for every tour left over, computed against the final plan.
void explain_leftovers(const dm::DriverInput& in, Plan& plan) {
  for (UnassignedTour& u : plan.unassigned) {
    UnassignedExplanation e = explain_unassigned(u.tour, in.drivers, plan, in.tours, in.p);
    u.reason_codes = std::move(e.reason_codes);
    u.drivers_blocked = std::move(e.drivers_blocked);
  }
}

// Locks kept and previous-plan pairs kept (stability) into the report.
void count_kept_assignments(DriverModeContext& ctx, const Plan& plan) {
  const dm::DriverInput& in = ctx.in;
  std::set<std::pair<int, int>> pairs;  // (driver, tour) in the plan
  for (const Roster& r : plan.rosters)
    for (const Block& b : r.blocks)
      for (int t : b.tours) pairs.emplace(in.driver_of_id(r.driver_id), t);
  int kept_locks = 0;
  for (int i = 0; i < static_cast<int>(in.tours.size()); ++i)
    if (in.lock_owner[static_cast<size_t>(i)] >= 0 && pairs.count({in.lock_owner[static_cast<size_t>(i)], i})) ++kept_locks;
  ctx.rep.driver_mode.locks_kept = kept_locks;
  int kept = 0;
  for (const auto& [dt, one] : in.prev_pair) kept += pairs.count(dt) > 0;
  ctx.rep.driver_mode.kept_assignments = kept;
}

// The best plan so far, its leftovers explained as at the normal end: a cancelled incumbent passes
// the same audit (it failed UNASSIGNED_WITHOUT_REASON, so the CLI had no plan to keep on Ctrl-C).
PlanReport cancelled_exit(DriverModeContext& ctx, Plan plan) {
  ctx.budget.end_phase(ctx.budget.current());
  for (UnassignedTour& u : plan.unassigned) {
    if (!u.reason_codes.empty()) continue;  // explained already (the LNS end, or all-unassigned)
    UnassignedExplanation e = explain_unassigned(u.tour, ctx.in.drivers, plan, ctx.in.tours, ctx.in.p);
    u.reason_codes = std::move(e.reason_codes);
    u.drivers_blocked = std::move(e.drivers_blocked);
  }
  count_kept_assignments(ctx, plan);
  return finish(ctx, std::move(plan), "CANCELLED");
}

}  // namespace

PlanReport solve_driver_mode(const SolveRequest& req, const SolveControl& control) {
  DriverModeContext ctx(req, control);
  Budget& budget = ctx.budget;

  // ----------------------------------------------------------------------------- profiling
  ctx.start_phase(Phase::Profiling);
  if (auto problem = dm::check_request(ctx.in)) return fail(ctx, *problem);
  dm::index_request(ctx.in);
  dm::build_class_model(ctx.in, ctx.rep.stats, ctx.model);
  dm::profile_bounds(ctx);
  budget.end_phase(Phase::Profiling);
  if (budget.cancelled()) return cancelled_exit(ctx, ctx.all_unassigned());

  // ----------------------------------------------------------------------------- phase 1
  // Incumbents first (locks re-dealt, previous plan, forecast-mode plans), then the root column
  // generation and the bounds — skipped when an incumbent makes them pointless.
  ctx.start_phase(Phase::Phase1);
  DriverMaster master(ctx.model.demand, ctx.model.slack_cost, ctx.model.capacity);
  dm::offer_honoured_locks(ctx);
  dm::offer_previous_plan(ctx);
  dm::offer_forecast_incumbents(ctx, master);
  if (budget.cancelled()) return cancelled_exit(ctx, ctx.best_or_all_unassigned());
  if (ctx.search_needed()) dm::root_column_generation(ctx, master);
  ctx.emit("progress", Phase::Phase1);
  budget.end_phase(Phase::Phase1);
  if (budget.cancelled()) return cancelled_exit(ctx, ctx.best_or_all_unassigned());

  // ----------------------------------------------------------------------------- phase 2
  ctx.start_phase(Phase::Phase2);
  if (ctx.search_needed()) dm::dive_phase(ctx, master);
  budget.end_phase(Phase::Phase2);
  if (budget.cancelled()) return cancelled_exit(ctx, ctx.best_or_all_unassigned());

  // ----------------------------------------------------------------------------- lns
  ctx.start_phase(Phase::Lns);
  Plan plan = ctx.best_or_all_unassigned();
  dm::restore_locks(ctx, plan);
  dm::lns_repair(ctx, plan);
  dm::reduce_drivers(ctx, plan);
  dm::hand_over_contracts(ctx, plan);
  explain_leftovers(ctx.in, plan);
  const dm::DmScore final_score = dm::score_plan(ctx.in, plan);
  ctx.incumbent_drivers = final_score.drivers;
  count_kept_assignments(ctx, plan);
  ctx.rep.lower_bounds.uncovered_tours = ctx.uncovered_bound;
  ctx.rep.lower_bounds.uncovered_tours_name = ctx.uncovered_name;
  budget.end_phase(Phase::Lns);

  // ----------------------------------------------------------------------------- audit
  if (budget.cancelled()) return cancelled_exit(ctx, std::move(plan));
  if (final_score.uncovered <= ctx.uncovered_bound && final_score.uncovered == 0 &&
      final_score.drivers <= std::max(ctx.best_bound, ctx.rep.lower_bounds.lp.value_or(0)))
    add_reason(ctx.rep, "OPTIMAL");
  return finish(ctx, std::move(plan), final_score.uncovered == 0 ? "OK" : "INFEASIBLE");
}

}  // namespace so
