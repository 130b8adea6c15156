// Re-planning from a published plan (replan.hpp): projection, absorption, one ejection, and a
// coverage fallback, in the order of the re-plan objective.
#include "solver/replan.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "core/audit.hpp"
#include "core/block.hpp"
#include "core/kpis.hpp"
#include "core/reasons.hpp"
#include "core/signature.hpp"
#include "solver/bounds.hpp"
#include "solver/budget.hpp"
#include "solver/driver_mode.hpp"
#include "solver/locks.hpp"
#include "solver/run_report.hpp"

namespace so {

namespace {

// Share of what the run has left that the coverage fallback (driver mode) may use.
constexpr double kFallbackShare = 0.8;
// Roster checks the one-ejection search may spend in all (a work limit: pools of thousands of
// drivers would otherwise cost orphans × drivers² checks).
constexpr long kMaxEjectionChecks = 400'000;

// The re-plan objective (smaller is better), dispatch.md §2.
struct ReplanScore {
  int uncovered = 0, affected = 0, changed = 0, drivers = 0;
  auto key() const { return std::tie(uncovered, affected, changed, drivers); }
  bool operator<(const ReplanScore& o) const { return key() < o.key(); }
};

std::vector<int> tours_of(const Roster& r) {
  std::vector<int> v;
  for (const Block& b : r.blocks) v.insert(v.end(), b.tours.begin(), b.tours.end());
  return v;
}

class Replanner {
 public:
  Replanner(const SolveRequest& req, Budget& budget) : req_(req), budget_(budget), tours_(req.tours), drivers_(req.drivers) {
    for (int i = 0; i < static_cast<int>(tours_.size()); ++i) tour_index_.emplace(tours_[static_cast<size_t>(i)].id, i);
    for (int d = 0; d < static_cast<int>(drivers_.size()); ++d) driver_index_.emplace(drivers_[static_cast<size_t>(d)].id, d);
    base_driver_.assign(tours_.size(), -1);
    for (const PreviousAssignment& a : req.replan->base)
      base_driver_[static_cast<size_t>(tour_index_.at(a.tour_id))] = driver_index_.at(a.driver_id);
    base_unfrozen_.assign(drivers_.size(), {});
    for (int t = 0; t < static_cast<int>(tours_.size()); ++t)
      if (base_driver_[static_cast<size_t>(t)] >= 0 && !frozen(t))
        base_unfrozen_[static_cast<size_t>(base_driver_[static_cast<size_t>(t)])].insert(t);
    for (const PreviousAssignment& a : req.replan->cancelled)
      if (auto it = driver_index_.find(a.driver_id); it != driver_index_.end()) lost_cancelled_.insert(it->second);
  }

  bool frozen(int t) const { return is_frozen(tours_[static_cast<size_t>(t)], req_.replan->frozen_until); }

  // 1. Every driver keeps its frozen tours and, in time order, each unfrozen base tour that
  //    still fits; the rest are orphans.
  void project() {
    lists_.assign(drivers_.size(), {});
    std::vector<std::vector<int>> base(drivers_.size());
    for (int t = 0; t < static_cast<int>(tours_.size()); ++t)
      if (base_driver_[static_cast<size_t>(t)] >= 0) base[static_cast<size_t>(base_driver_[static_cast<size_t>(t)])].push_back(t);
    for (size_t d = 0; d < drivers_.size(); ++d) {
      std::vector<int>& mine = base[d];
      std::sort(mine.begin(), mine.end(), [&](int a, int b) { return by_time(a, b); });
      for (int t : mine)
        if (frozen(t)) lists_[d].push_back(t);
      for (int t : mine) {
        if (frozen(t)) continue;
        std::vector<int> trial = lists_[d];
        trial.push_back(t);
        if (fits(static_cast<int>(d), trial)) lists_[d] = std::move(trial);
        else orphans_.push_back(t);
      }
    }
    for (int t = 0; t < static_cast<int>(tours_.size()); ++t)
      if (base_driver_[static_cast<size_t>(t)] < 0 && !frozen(t)) orphans_.push_back(t);
    std::sort(orphans_.begin(), orphans_.end(), [&](int a, int b) { return by_time(a, b); });
  }

  // 2. Absorption: drivers already affected take what they can (free); then, repeatedly, the
  //    driver taking the most orphans (ties: a driver already working, then pool order).
  void absorb() {
    while (!orphans_.empty() && !budget_.should_stop()) {
      int best = -1;
      std::vector<int> best_taken;
      bool best_free = false, best_working = false;
      for (int d = 0; d < static_cast<int>(drivers_.size()); ++d) {
        std::vector<int> taken = absorbable(d, orphans_);
        if (taken.empty()) continue;
        const bool is_free = affected(d), working = !lists_[static_cast<size_t>(d)].empty();
        const auto key = std::make_tuple(is_free, taken.size(), working);
        if (best < 0 || key > std::make_tuple(best_free, best_taken.size(), best_working)) {
          best = d;
          best_taken = std::move(taken);
          best_free = is_free;
          best_working = working;
        }
      }
      if (best < 0) break;
      take(best, best_taken);
    }
  }

  // 3. One ejection: orphan o replaces an unfrozen tour x of driver d, and x goes to a driver e
  //    who takes it as is. Fewest newly affected drivers first (d and e already affected: none).
  void eject() {
    bool progress = true;
    long checks = 0;
    while (progress && !orphans_.empty() && !budget_.should_stop() && checks < kMaxEjectionChecks) {
      progress = false;
      for (size_t k = 0; k < orphans_.size() && !progress; ++k) {
        const int o = orphans_[k];
        const int day = tours_[static_cast<size_t>(o)].day;
        std::tuple<int, int, int, int> best{3, 0, -1, -1};  // (new affected, _, d, x)
        int best_e = -1;
        for (int d = 0; d < static_cast<int>(drivers_.size()); ++d) {
          for (int x : lists_[static_cast<size_t>(d)]) {
            if (frozen(x) || tours_[static_cast<size_t>(x)].day != day) continue;
            std::vector<int> nd;
            for (int y : lists_[static_cast<size_t>(d)])
              if (y != x) nd.push_back(y);
            nd.push_back(o);
            if (++checks > kMaxEjectionChecks || budget_.should_stop()) break;
            if (!fits(d, nd)) continue;
            const bool d_affected = affected(d);
            for (int e = 0; e < static_cast<int>(drivers_.size()) && checks <= kMaxEjectionChecks; ++e) {
              if (e == d) continue;
              const int cost = (d_affected ? 0 : 1) + (affected(e) ? 0 : 1);
              if (cost >= std::get<0>(best)) continue;
              std::vector<int> ne = lists_[static_cast<size_t>(e)];
              ne.push_back(x);
              ++checks;
              if (!fits(e, ne)) continue;
              best = {cost, 0, d, x};
              best_e = e;
            }
          }
        }
        if (best_e < 0) continue;
        const int d = std::get<2>(best), x = std::get<3>(best);
        std::erase(lists_[static_cast<size_t>(d)], x);
        lists_[static_cast<size_t>(d)].push_back(o);
        lists_[static_cast<size_t>(best_e)].push_back(x);
        touched_.insert(d);
        touched_.insert(best_e);
        orphans_.erase(orphans_.begin() + static_cast<long>(k));
        progress = true;
      }
    }
  }

  Plan plan() const {
    Plan p;
    for (size_t d = 0; d < drivers_.size(); ++d) {
      if (lists_[d].empty()) continue;
      std::optional<Roster> r = roster_for(drivers_[d], lists_[d], tours_, req_.policy);
      if (r) p.rosters.push_back(std::move(*r));
    }
    std::set<int> covered;
    for (const Roster& r : p.rosters)
      for (int t : tours_of(r)) covered.insert(t);
    for (int t = 0; t < static_cast<int>(tours_.size()); ++t)
      if (!covered.count(t)) p.unassigned.push_back(UnassignedTour{t, {}, {}});
    return p;
  }

  ReplanScore score(const Plan& p) const {
    ReplanScore s;
    s.uncovered = static_cast<int>(p.unassigned.size());
    const ChangeReport c = change_report(p, tours_, drivers_, *req_.replan);
    s.affected = c.drivers_affected;
    s.changed = c.assignments_changed;
    for (const Roster& r : p.rosters) s.drivers += !r.blocks.empty();
    return s;
  }

  size_t orphans_left() const { return orphans_.size(); }

 private:
  bool by_time(int a, int b) const {
    return std::make_pair(tours_[static_cast<size_t>(a)].week_start(), a) <
           std::make_pair(tours_[static_cast<size_t>(b)].week_start(), b);
  }
  bool fits(int d, const std::vector<int>& list) const {
    return roster_for(drivers_[static_cast<size_t>(d)], list, tours_, req_.policy).has_value();
  }
  // Affected already: lost or gained an unfrozen tour against the base (or touched by a move).
  bool affected(int d) const {
    if (touched_.count(d) || lost_cancelled_.count(d)) return true;
    std::set<int> now;
    for (int t : lists_[static_cast<size_t>(d)])
      if (!frozen(t)) now.insert(t);
    return now != base_unfrozen_[static_cast<size_t>(d)];
  }
  std::vector<int> absorbable(int d, const std::vector<int>& candidates) const {
    std::vector<int> cur = lists_[static_cast<size_t>(d)], taken;
    for (int o : candidates) {
      cur.push_back(o);
      if (fits(d, cur)) taken.push_back(o);
      else cur.pop_back();
    }
    return taken;
  }
  void take(int d, const std::vector<int>& taken) {
    std::vector<int>& l = lists_[static_cast<size_t>(d)];
    l.insert(l.end(), taken.begin(), taken.end());
    for (int t : taken) std::erase(orphans_, t);
    touched_.insert(d);
  }

  const SolveRequest& req_;
  Budget& budget_;
  const std::vector<Tour>& tours_;
  const std::vector<Driver>& drivers_;
  std::map<std::string, int> tour_index_, driver_index_;
  std::vector<int> base_driver_;
  std::vector<std::set<int>> base_unfrozen_;  // per driver: its base tours after frozen_until
  std::set<int> lost_cancelled_, touched_;
  std::vector<std::vector<int>> lists_;
  std::vector<int> orphans_;
};

}  // namespace

PlanReport solve_replan(const SolveRequest& req, const SolveControl& control) {
  Budget budget(req.time_limit_seconds, control.cancel);
  const Policy& p = req.policy;
  const std::vector<Tour>& tours = req.tours;
  const std::vector<Driver>& drivers = req.drivers;
  PlanReport rep = open_report(req, budget);
  rep.driver_mode.enabled = true;
  rep.driver_mode.drivers = drivers;
  rep.driver_mode.locks = req.locks;
  for (const Lock& l : req.locks) rep.driver_mode.locks_requested += static_cast<int>(l.tour_ids.size());
  rep.driver_mode.previous_assignments = static_cast<int>(req.replan->base.size());
  bool safety_net = false;
  int incumbent = -1, bound = 0, covered = -1;
  auto emit = [&](const char* type, Phase ph) {
    if (!control.on_progress) return;
    ProgressEvent e;
    e.type = type;
    e.phase = phase_name(ph);
    e.incumbent_drivers = incumbent;
    e.lower_bound = bound;
    e.elapsed_s = budget.elapsed();
    e.tours_covered = covered;
    e.tours_total = static_cast<int>(tours.size());
    control.on_progress(e);
  };
  auto start_phase = [&](Phase ph) {
    budget.start_phase(ph);
    emit("phase_started", ph);
  };
  std::vector<std::string> driver_order;
  for (const Driver& d : drivers) driver_order.push_back(d.id);
  auto finish = [&](Plan plan, std::string status) {
    start_phase(Phase::Audit);
    for (UnassignedTour& u : plan.unassigned) {
      if (!u.reason_codes.empty()) continue;
      UnassignedExplanation e = explain_unassigned(u.tour, drivers, plan, tours, p);
      u.reason_codes = std::move(e.reason_codes);
      u.drivers_blocked = std::move(e.drivers_blocked);
    }
    order_driver_plan(plan, driver_order);
    rep.audit = audit_driver_plan(tours, p, drivers, req.locks, plan);
    rep.changes = change_report(plan, tours, drivers, *req.replan);
    rep.plan = std::move(plan);
    if (!rep.audit.ok && (status == "OK" || status == "INFEASIBLE")) status = "FAILED";
    rep.status = status;
    name_best_bound(rep.lower_bounds);
    rep.kpis = compute_kpis(tours, p, rep.plan, rep.lower_bounds.best, req.config.fte_target_min_hours);
    add_driver_kpis(rep.kpis, tours, drivers, rep.plan);
    rep.solution_signature = solution_signature(tours, rep.plan, true);
    std::set<std::pair<std::string, std::string>> pairs;
    for (const Roster& r : rep.plan.rosters)
      for (const Block& b : r.blocks)
        for (int t : b.tours) pairs.emplace(r.driver_id, tours[static_cast<size_t>(t)].id);
    for (const Lock& l : req.locks)
      for (const std::string& id : l.tour_ids) rep.driver_mode.locks_kept += pairs.count({l.driver_id, id}) > 0;
    for (const PreviousAssignment& a : req.replan->base) rep.driver_mode.kept_assignments += pairs.count({a.driver_id, a.tour_id}) > 0;
    close_report(rep, budget, safety_net);
    return rep;
  };
  auto fail = [&](const char* code, std::string message) {
    add_reason(rep, code);
    rep.driver_mode.error = std::move(message);
    budget.end_phase(Phase::Profiling);
    return finish(Plan{}, "FAILED");
  };

  // ----------------------------------------------------------------------------- profiling
  start_phase(Phase::Profiling);
  if (auto errors = check_policy(p); !errors.empty()) return fail("INVALID_POLICY", errors.front());
  {
    std::set<std::string> ids;
    for (const Tour& t : tours) {
      if (!valid_tour(t)) return fail("INVALID_INPUT", "tour '" + t.id + "' has an invalid time window");
      if (!ids.insert(t.id).second) return fail("INVALID_INPUT", "tour id '" + t.id + "' appears twice");
    }
  }
  if (auto e = check_drivers(drivers)) return fail("INVALID_INPUT", *e);
  if (auto e = check_locks(req.locks, drivers, tours)) return fail("INVALID_INPUT", *e);
  if (auto e = check_lock_feasibility(req.locks, drivers, tours, p)) return fail("LOCK_INFEASIBLE", "frozen " + *e);
  {
    const std::vector<TourType> types = aggregate_tour_types(tours);
    rep.lower_bounds.hours = hours_bound(types, p);
    // The run's deadline or a cancel ends the bounds' LP/MIP and max flow (as in forecast mode).
    const StopFn run_stop = [&budget] { return budget.must_stop(); };
    bool blocks_complete = true;
    const std::vector<BlockPattern> blocks = enumerate_blocks(types, p, kMaxBlocksPerWeek, &blocks_complete);
    if (blocks_complete) rep.lower_bounds.per_day = per_day_bound(types, blocks, p, &run_stop);
    rep.lower_bounds.path_cover = path_cover_bound(types, p, &run_stop);
    rep.lower_bounds.rest_concurrency = rest_concurrency_bound(types, p);
    int never = 0;
    for (const Tour& t : tours) {
      bool any = false;
      for (const Driver& d : drivers) any = any || can_ever_work(d, driver_limits(d, p), t);
      never += !any;
    }
    rep.lower_bounds.uncovered_tours = never;
    rep.lower_bounds.uncovered_tours_name = "no_driver";
  }
  name_best_bound(rep.lower_bounds);
  bound = rep.lower_bounds.best;
  budget.end_phase(Phase::Profiling);

  // ----------------------------------------------------------------------------- phase 1
  start_phase(Phase::Phase1);
  Replanner rp(req, budget);
  rp.project();
  rp.absorb();
  budget.end_phase(Phase::Phase1);
  start_phase(Phase::Phase2);
  rp.eject();
  Plan plan = rp.plan();
  ReplanScore best = rp.score(plan);
  incumbent = best.drivers;
  covered = static_cast<int>(tours.size()) - best.uncovered;
  rep.stats.time_to_first_plan_s = rep.stats.time_to_best_s = budget.elapsed();
  emit("progress", Phase::Phase2);
  budget.end_phase(Phase::Phase2);

  // ----------------------------------------------------------------------------- lns
  start_phase(Phase::Lns);
  if (best.uncovered > *rep.lower_bounds.uncovered_tours && !budget.should_stop()) {
    SolveRequest dm = req;
    dm.replan.reset();
    dm.previous = req.replan->base;
    dm.time_limit_seconds = std::max(0.1, kFallbackShare * budget.seconds_left_in_run());
    SolveControl dc;
    dc.cancel = control.cancel;
    const PlanReport fr = solve_driver_mode(dm, dc);
    if (std::find(fr.reason_codes.begin(), fr.reason_codes.end(), "TIME_LIMIT_REACHED") != fr.reason_codes.end())
      safety_net = true;
    if (fr.audit.ok && (fr.status == "OK" || fr.status == "INFEASIBLE")) {
      Plan cand = fr.plan;
      for (UnassignedTour& u : cand.unassigned) u.reason_codes.clear();
      const ReplanScore s = rp.score(cand);
      if (s.uncovered < best.uncovered) {
        plan = std::move(cand);
        best = s;
        incumbent = best.drivers;
        covered = static_cast<int>(tours.size()) - best.uncovered;
        rep.stats.time_to_best_s = budget.elapsed();
        emit("progress", Phase::Lns);
      }
    }
  }
  budget.end_phase(Phase::Lns);
  if (budget.cancelled()) return finish(std::move(plan), "CANCELLED");
  return finish(std::move(plan), best.uncovered == 0 ? "OK" : "INFEASIBLE");
}

}  // namespace so
