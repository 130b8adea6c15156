// Hand edits of a finished plan (dispatch.md §4). See edits.hpp for the semantics.
#include "core/edits.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include "core/audit.hpp"
#include "core/block.hpp"
#include "core/kpis.hpp"
#include "core/reasons.hpp"
#include "core/rules.hpp"

namespace so {

namespace {

// A value named in a message: quoted, cut after 60 characters (a request may send anything).
std::string q(const std::string& s) { return "'" + (s.size() > 60 ? s.substr(0, 60) + "…" : s) + "'"; }

bool is_new_keyword(const std::string& s) {
  if (s.size() != 3) return false;
  std::string l;
  for (char c : s) l.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return l == "new";
}

// Where a tour is in the plan: roster index and block index, or -1 / -1.
struct Where {
  int roster = -1;
  int block = -1;
};

Where find_tour(const Plan& p, int tour) {
  for (size_t r = 0; r < p.rosters.size(); ++r)
    for (size_t b = 0; b < p.rosters[r].blocks.size(); ++b) {
      const auto& ts = p.rosters[r].blocks[b].tours;
      if (std::find(ts.begin(), ts.end(), tour) != ts.end()) return {static_cast<int>(r), static_cast<int>(b)};
    }
  return {};
}

int find_roster(const Plan& p, const std::string& id) {
  for (size_t r = 0; r < p.rosters.size(); ++r)
    if (p.rosters[r].driver_id == id) return static_cast<int>(r);
  return -1;
}

bool has_work(const Roster& r) {
  for (const Block& b : r.blocks)
    if (!b.tours.empty()) return true;
  return false;
}

class Editor {
 public:
  Editor(const Plan& plan, const EditContext& ctx) : ctx_(ctx) {
    out_.plan = plan;
    for (int i = 0; i < static_cast<int>(ctx.tours.size()); ++i) tour_index_.emplace(ctx.tours[static_cast<size_t>(i)].id, i);
    for (const Driver& d : ctx.drivers) pool_.emplace(d.id, &d);
  }

  AppliedEdits run(const Edits& edits) {
    for (size_t i = 0; i < edits.moves.size() && !out_.error; ++i) move(edits.moves[i], "moves[" + std::to_string(i) + "]");
    for (size_t i = 0; i < edits.swaps.size() && !out_.error; ++i) swap(edits.swaps[i], "swaps[" + std::to_string(i) + "]");
    if (out_.error) return std::move(out_);
    Plan& p = out_.plan;
    p.rosters.erase(std::remove_if(p.rosters.begin(), p.rosters.end(), [](const Roster& r) { return !has_work(r); }),
                    p.rosters.end());
    if (ctx_.driver_mode()) {
      std::vector<std::string> order;
      for (const Driver& d : ctx_.drivers) order.push_back(d.id);
      order_driver_plan(p, order);
      explain_unassigned_tours(p, ctx_);
    }
    return std::move(out_);
  }

 private:
  void fail(EditError::Kind kind, std::string item, std::string message) {
    out_.error = EditError{kind, std::move(item), std::move(message)};
  }

  std::optional<int> tour_of(const std::string& id, const std::string& item) {
    auto it = tour_index_.find(id);
    if (it != tour_index_.end()) return it->second;
    fail(EditError::Kind::UnknownItem, item, item + ": unknown tour id " + q(id) + " (not a tour of this run)");
    return std::nullopt;
  }

  bool frozen(int t) const {
    return ctx_.frozen_until && ctx_.tours[static_cast<size_t>(t)].week_start() < *ctx_.frozen_until;
  }

  std::string frozen_text() const { return "frozen_until " + format_day_time(*ctx_.frozen_until); }

  void touched(const std::string& driver) {
    if (std::find(out_.changed_drivers.begin(), out_.changed_drivers.end(), driver) == out_.changed_drivers.end())
      out_.changed_drivers.push_back(driver);
  }

  // The roster of a driver named by an edit, created for a pool driver (or a new virtual driver)
  // without one; -1 (and the error set) for an unknown driver.
  int roster_for(const std::string& id, const std::string& item, bool allow_new) {
    Plan& p = out_.plan;
    if (ctx_.driver_mode()) {
      auto it = pool_.find(id);
      if (it == pool_.end()) {
        fail(EditError::Kind::UnknownItem, item, item + ": unknown driver " + q(id) + " (not in the run's driver pool)");
        return -1;
      }
      int r = find_roster(p, id);
      if (r >= 0) return r;
      p.rosters.push_back(Roster{id, {}, it->second->name});
      return static_cast<int>(p.rosters.size()) - 1;
    }
    int r = find_roster(p, id);
    if (r >= 0) return r;
    const std::string next = next_virtual_driver_id(p);
    if (allow_new && (is_new_keyword(id) || id == next)) {
      p.rosters.push_back(Roster{next, {}, ""});
      out_.new_drivers.push_back(next);
      return static_cast<int>(p.rosters.size()) - 1;
    }
    fail(EditError::Kind::UnknownItem, item,
         item + ": unknown driver " + q(id) + " (forecast mode: a driver id of the plan" +
             (allow_new ? ", or 'new' / " + q(next) + " for a new driver)" : ")"));
    return -1;
  }

  void remove_from_roster(int r, int t) {
    Roster& ro = out_.plan.rosters[static_cast<size_t>(r)];
    for (Block& b : ro.blocks) b.tours.erase(std::remove(b.tours.begin(), b.tours.end(), t), b.tours.end());
    rebuild_roster(ro, ctx_.tours, ctx_.policy);
    touched(ro.driver_id);
  }

  void add_to_roster(int r, int t) {
    Roster& ro = out_.plan.rosters[static_cast<size_t>(r)];
    Block b;
    b.day = ctx_.tours[static_cast<size_t>(t)].day;
    b.tours = {t};
    ro.blocks.push_back(std::move(b));
    rebuild_roster(ro, ctx_.tours, ctx_.policy);
    touched(ro.driver_id);
  }

  void move(const TourMove& m, const std::string& item) {
    Plan& p = out_.plan;
    auto t = tour_of(m.tour_id, item + ".tour_id");
    if (!t) return;
    const Where from = find_tour(p, *t);
    auto unassigned_it = std::find_if(p.unassigned.begin(), p.unassigned.end(),
                                      [&](const UnassignedTour& u) { return u.tour == *t; });
    if (!m.to_driver) {
      if (!ctx_.driver_mode())
        return fail(EditError::Kind::UnknownItem, item + ".to_driver",
                    item + ".to_driver: a driver id is required (forecast mode covers every tour; tour " + q(m.tour_id) +
                        " cannot be unassigned)");
      if (from.roster < 0) {
        out_.noops.push_back(item + ": tour " + q(m.tour_id) + " is already unassigned");
        return;
      }
      if (frozen(*t)) return frozen_fail(item + ".tour_id", *t, "unassigned");
      remove_from_roster(from.roster, *t);
      if (unassigned_it == p.unassigned.end()) p.unassigned.push_back(UnassignedTour{*t, {}, {}});
      return;
    }
    const std::string& to = *m.to_driver;
    // A no-op needs no driver lookup beyond the name: the tour's current driver.
    if (from.roster >= 0 && p.rosters[static_cast<size_t>(from.roster)].driver_id == to) {
      out_.noops.push_back(item + ": tour " + q(m.tour_id) + " is already on driver " + q(to));
      return;
    }
    if (ctx_.driver_mode() && !pool_.count(to)) {
      roster_for(to, item + ".to_driver", false);  // sets the error
      return;
    }
    if (!ctx_.driver_mode() && find_roster(p, to) < 0 && !is_new_keyword(to) && to != next_virtual_driver_id(p)) {
      roster_for(to, item + ".to_driver", true);  // sets the error
      return;
    }
    if (frozen(*t)) return frozen_fail(item + ".tour_id", *t, "moved");
    const int target = roster_for(to, item + ".to_driver", true);
    if (target < 0) return;
    if (from.roster >= 0) remove_from_roster(from.roster, *t);
    if (unassigned_it != p.unassigned.end()) p.unassigned.erase(unassigned_it);
    add_to_roster(target, *t);
  }

  void frozen_fail(const std::string& item, int t, const char* verb) {
    const Tour& tour = ctx_.tours[static_cast<size_t>(t)];
    fail(EditError::Kind::Frozen, item,
         item + ": tour " + q(tour.id) + " starts " + format_day_time(tour.week_start()) + ", before " + frozen_text() +
             " (it has been driven); it cannot be " + verb);
  }

  void swap(const DriverSwap& s, const std::string& item) {
    std::set<int> days;
    for (size_t i = 0; i < s.days.size(); ++i) {
      const std::string& name = s.days[i];
      auto d = name.size() <= 12 ? parse_day(name) : std::nullopt;
      const std::string di = item + ".days[" + std::to_string(i) + "]";
      if (!d) return fail(EditError::Kind::UnknownItem, di, di + ": unknown day " + q(name) + " (expected Mon…Sun)");
      days.insert(*d);
    }
    if (s.days.empty())
      for (int d = 0; d < kDaysPerWeek; ++d) days.insert(d);
    // Both drivers must exist (no new virtual drivers through a swap).
    for (const auto& [id, field] : {std::pair{&s.driver_a, "driver_a"}, std::pair{&s.driver_b, "driver_b"}}) {
      const bool known = ctx_.driver_mode() ? pool_.count(*id) > 0 : find_roster(out_.plan, *id) >= 0;
      if (!known) {
        roster_for(*id, item + "." + field, false);  // sets the error
        return;
      }
    }
    if (s.driver_a == s.driver_b) {
      out_.noops.push_back(item + ": driver " + q(s.driver_a) + " swapped with itself");
      return;
    }
    const int a = roster_for(s.driver_a, item + ".driver_a", false);
    const int b = roster_for(s.driver_b, item + ".driver_b", false);
    if (a < 0 || b < 0) return;
    Roster* ra = &out_.plan.rosters[static_cast<size_t>(a)];
    Roster* rb = &out_.plan.rosters[static_cast<size_t>(b)];
    // Frozen tours in the exchanged blocks: named, nothing applied.
    for (const Roster* r : {ra, rb})
      for (const Block& bl : r->blocks)
        if (days.count(bl.day))
          for (int t : bl.tours)
            if (frozen(t)) {
              const Tour& tour = ctx_.tours[static_cast<size_t>(t)];
              return fail(EditError::Kind::Frozen, item,
                          item + ": tour " + q(tour.id) + " of driver " + q(r->driver_id) + " starts " +
                              format_day_time(tour.week_start()) + ", before " + frozen_text() +
                              " (it has been driven); its day cannot be swapped");
            }
    auto take = [&](Roster& r) {
      std::vector<Block> out, keep;
      for (Block& bl : r.blocks) (days.count(bl.day) ? out : keep).push_back(std::move(bl));
      r.blocks = std::move(keep);
      return out;
    };
    std::vector<Block> from_a = take(*ra), from_b = take(*rb);
    if (from_a.empty() && from_b.empty()) {
      out_.noops.push_back(item + ": neither " + q(s.driver_a) + " nor " + q(s.driver_b) + " works on the swapped days");
      return;
    }
    for (Block& bl : from_a) rb->blocks.push_back(std::move(bl));
    for (Block& bl : from_b) ra->blocks.push_back(std::move(bl));
    rebuild_roster(*ra, ctx_.tours, ctx_.policy);
    rebuild_roster(*rb, ctx_.tours, ctx_.policy);
    touched(ra->driver_id);
    touched(rb->driver_id);
  }

  const EditContext& ctx_;
  AppliedEdits out_;
  std::unordered_map<std::string, int> tour_index_;
  std::map<std::string, const Driver*> pool_;
};

}  // namespace

BlockKind derived_block_kind(const std::vector<int>& ts, const std::vector<Tour>& tours, const Policy& p) {
  const size_t n = ts.size();
  if (n <= 1) return BlockKind::One;
  std::vector<TourWindow> w;
  w.reserve(n);
  for (int t : ts) {
    const Tour& u = tours[static_cast<size_t>(t)];
    w.push_back(TourWindow{u.week_start(), u.week_end(), &u.location});
  }
  if (auto k = classify_block(w, p)) return *k;
  if (n >= 3) return BlockKind::Three;
  const Minutes gap = w[1].start - w[0].end;
  if (gap >= p.min_gap_minutes && gap <= p.max_regular_gap_minutes) return BlockKind::TwoRegular;
  if (gap >= p.split_gap_min_minutes && gap <= p.split_gap_max_minutes) return BlockKind::TwoSplit;
  return BlockKind::TwoRegular;  // a forbidden gap: the audit reports the gap, not the kind
}

void rebuild_roster(Roster& r, const std::vector<Tour>& tours, const Policy& p) {
  std::map<int, std::vector<int>> by_day;
  for (const Block& b : r.blocks)
    for (int t : b.tours) by_day[tours[static_cast<size_t>(t)].day].push_back(t);
  r.blocks.clear();
  for (auto& [day, ts] : by_day) {
    std::sort(ts.begin(), ts.end(), [&](int a, int b) {
      const Tour& x = tours[static_cast<size_t>(a)];
      const Tour& y = tours[static_cast<size_t>(b)];
      return std::tie(x.start, x.end, a) < std::tie(y.start, y.end, b);
    });
    ts.erase(std::unique(ts.begin(), ts.end()), ts.end());
    Block b;
    b.day = day;
    b.kind = derived_block_kind(ts, tours, p);
    b.tours = std::move(ts);
    r.blocks.push_back(std::move(b));
  }
}

std::string next_virtual_driver_id(const Plan& plan) {
  long highest = 0;
  for (const Roster& r : plan.rosters) {
    const std::string& id = r.driver_id;
    if (id.size() < 2 || id.size() > 10 || id[0] != 'D') continue;
    if (!std::all_of(id.begin() + 1, id.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) continue;
    highest = std::max(highest, std::stol(id.substr(1)));
  }
  char buf[24];
  std::snprintf(buf, sizeof buf, "D%03ld", highest + 1);
  return buf;
}

AuditResult audit_in_context(const Plan& plan, const EditContext& ctx) {
  if (ctx.driver_mode()) return audit_driver_plan(ctx.tours, ctx.policy, ctx.drivers, ctx.locks, plan);
  return audit_plan(ctx.tours, ctx.policy, plan);
}

Kpis kpis_in_context(const Plan& plan, const EditContext& ctx) {
  Kpis k = compute_kpis(ctx.tours, ctx.policy, plan, ctx.lower_bound, ctx.fte_target_min_hours);
  if (ctx.driver_mode()) add_driver_kpis(k, ctx.tours, ctx.drivers, plan);
  return k;
}

void explain_unassigned_tours(Plan& plan, const EditContext& ctx) {
  std::sort(plan.unassigned.begin(), plan.unassigned.end(),
            [](const UnassignedTour& a, const UnassignedTour& b) { return a.tour < b.tour; });
  plan.unassigned.erase(std::unique(plan.unassigned.begin(), plan.unassigned.end(),
                                    [](const UnassignedTour& a, const UnassignedTour& b) { return a.tour == b.tour; }),
                        plan.unassigned.end());
  for (UnassignedTour& u : plan.unassigned) {
    UnassignedExplanation e = explain_unassigned(u.tour, ctx.drivers, plan, ctx.tours, ctx.policy);
    // Nothing blocks anybody: the tour is unassigned only because an edit took it off.
    if (e.reason_codes.empty()) e.reason_codes = {kUnassignedByEdit};
    u.reason_codes = std::move(e.reason_codes);
    u.drivers_blocked = std::move(e.drivers_blocked);
  }
}

AppliedEdits apply_edits(const Plan& plan, const Edits& edits, const EditContext& ctx) {
  return Editor(plan, ctx).run(edits);
}

std::vector<KpiDelta> kpi_deltas(const Kpis& b, const Kpis& a) {
  std::vector<KpiDelta> out = {
      {"drivers_total", double(b.drivers_total), double(a.drivers_total), true},
      {"drivers_fte", double(b.drivers_fte), double(a.drivers_fte), true},
      {"drivers_pt", double(b.drivers_pt), double(a.drivers_pt), true},
      {"pt_ratio", b.pt_ratio, a.pt_ratio, false},
      {"underfull_ratio", b.underfull_ratio, a.underfull_ratio, false},
      {"coverage_rate", b.coverage_rate, a.coverage_rate, false},
      {"tours_covered", double(b.tours_covered), double(a.tours_covered), true},
      {"blocks_1er", double(b.blocks_1er), double(a.blocks_1er), true},
      {"blocks_2er_regular", double(b.blocks_2er_regular), double(a.blocks_2er_regular), true},
      {"blocks_2er_split", double(b.blocks_2er_split), double(a.blocks_2er_split), true},
      {"blocks_3er", double(b.blocks_3er), double(a.blocks_3er), true},
      {"hours_min", b.hours_all.min, a.hours_all.min, false},
      {"hours_avg", b.hours_all.avg, a.hours_all.avg, false},
      {"hours_max", b.hours_all.max, a.hours_all.max, false},
      {"tight_rest_count", double(b.tight_rest_count), double(a.tight_rest_count), true},
      {"missed_3er_opps", double(b.missed_3er_opps), double(a.missed_3er_opps), true},
      {"gap_to_lb", b.gap_to_lb, a.gap_to_lb, false},
  };
  if (a.driver_mode || b.driver_mode) {
    out.push_back({"tours_uncovered", double(b.tours_uncovered), double(a.tours_uncovered), true});
    out.push_back({"contract_shortfall_hours", b.contract_shortfall_hours, a.contract_shortfall_hours, false});
    out.push_back({"drivers_below_contract_min", double(b.drivers_below_contract_min),
                   double(a.drivers_below_contract_min), true});
  }
  return out;
}

EditCheck check_edits(const Plan& plan, const Edits& edits, const EditContext& ctx, const AuditResult* before_audit,
                      const Kpis* before_kpis) {
  EditCheck c;
  c.applied = apply_edits(plan, edits, ctx);
  if (c.applied.error) return c;
  c.audit = audit_in_context(c.applied.plan, ctx);
  c.audit_before = before_audit ? *before_audit : audit_in_context(plan, ctx);
  c.kpis_before = before_kpis ? *before_kpis : kpis_in_context(plan, ctx);
  c.kpis_after = kpis_in_context(c.applied.plan, ctx);
  return c;
}

bool violation_in(const Violation& v, const AuditResult& before) {
  return std::any_of(before.violations.begin(), before.violations.end(), [&](const Violation& w) {
    return w.code == v.code && w.driver_id == v.driver_id && w.day == v.day && w.tour_id == v.tour_id;
  });
}

}  // namespace so
