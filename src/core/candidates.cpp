// Who could take a tour, ranked (dispatch.md §4). See candidates.hpp for the ranking.
#include "core/candidates.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include "core/audit.hpp"
#include "core/reasons.hpp"

namespace so {

const char* candidate_change_name(CandidateChange c) {
  switch (c) {
    case CandidateChange::ExtendsBlock: return "extends_block";
    case CandidateChange::NewDay: return "new_day";
    case CandidateChange::NewDriver: return "new_driver";
  }
  return "?";
}

AuditResult audit_rosters(const std::vector<const Roster*>& rosters, const EditContext& ctx) {
  std::vector<Tour> sub;
  std::unordered_map<int, int> remap;
  Plan plan;
  std::set<std::string> tour_ids, driver_ids;
  for (const Roster* r : rosters) {
    Roster copy{r->driver_id, {}, r->driver_name};
    driver_ids.insert(r->driver_id);
    for (const Block& b : r->blocks) {
      Block nb{b.day, {}, b.kind};
      for (int t : b.tours) {
        auto [it, fresh] = remap.emplace(t, static_cast<int>(sub.size()));
        if (fresh) {
          sub.push_back(ctx.tours[static_cast<size_t>(t)]);
          tour_ids.insert(sub.back().id);
        }
        nb.tours.push_back(it->second);
      }
      copy.blocks.push_back(std::move(nb));
    }
    plan.rosters.push_back(std::move(copy));
  }
  if (!ctx.driver_mode()) return audit_plan(sub, ctx.policy, plan);
  std::vector<Driver> pool;
  for (const Driver& d : ctx.drivers)
    if (driver_ids.count(d.id)) pool.push_back(d);
  std::vector<Lock> locks;
  for (const Lock& l : ctx.locks) {
    Lock k{l.driver_id, {}};
    // A lock on one of these tours, whoever holds it; or a lock of one of these drivers on a tour
    // they no longer hold (then it is a violation in the whole plan too).
    for (const auto& id : l.tour_ids)
      if (tour_ids.count(id) || driver_ids.count(l.driver_id)) k.tour_ids.push_back(id);
    if (!k.tour_ids.empty()) locks.push_back(std::move(k));
  }
  return audit_driver_plan(sub, ctx.policy, pool, locks, plan);
}

namespace {

struct Slot {
  std::string id;
  std::string name;
  const Driver* driver = nullptr;  // driver mode
  int roster = -1;                 // index into plan.rosters, -1: no work yet
  Minutes work = 0;
  Minutes limit = 0;  // weekly limit (policy, or the personal one)
  int order = 0;
};

bool has_day(const Roster* r, int day) {
  if (!r) return false;
  for (const Block& b : r->blocks)
    if (b.day == day && !b.tours.empty()) return true;
  return false;
}

bool has_work(const Roster* r) {
  if (!r) return false;
  for (const Block& b : r->blocks)
    if (!b.tours.empty()) return true;
  return false;
}

Roster without(const Roster& r, int tour, const EditContext& ctx) {
  Roster out = r;
  for (Block& b : out.blocks) b.tours.erase(std::remove(b.tours.begin(), b.tours.end(), tour), b.tours.end());
  rebuild_roster(out, ctx.tours, ctx.policy);
  return out;
}

Roster with(const Roster* r, const std::string& id, int tour, const EditContext& ctx) {
  Roster out = r ? *r : Roster{id, {}, ""};
  out.blocks.push_back(Block{ctx.tours[static_cast<size_t>(tour)].day, {tour}, BlockKind::One});
  rebuild_roster(out, ctx.tours, ctx.policy);
  return out;
}

BlockKind kind_on(const Roster& r, int day) {
  for (const Block& b : r.blocks)
    if (b.day == day) return b.kind;
  return BlockKind::One;
}

// The outcome of giving `tour` to a driver whose week is `base` (nullptr: no work yet).
struct Take {
  bool ok = false;
  CandidateChange change = CandidateChange::ExtendsBlock;
  BlockKind kind = BlockKind::One;
  Minutes weekly = 0, headroom = 0;
};

class Finder {
 public:
  Finder(int tour, const Plan& plan, const EditContext& ctx) : tour_(tour), plan_(plan), ctx_(ctx) {
    const Policy& p = ctx.policy;
    std::map<std::string, int> roster_of;
    for (size_t r = 0; r < plan.rosters.size(); ++r) roster_of.emplace(plan.rosters[r].driver_id, static_cast<int>(r));
    auto work_of = [&](int r) { return r < 0 ? 0 : roster_work(plan.rosters[static_cast<size_t>(r)], ctx.tours); };
    if (ctx.driver_mode()) {
      for (const Driver& d : ctx.drivers) {
        auto it = roster_of.find(d.id);
        const int r = it == roster_of.end() ? -1 : it->second;
        slots_.push_back(Slot{d.id, d.name, &d, r, work_of(r), driver_limits(d, p).max_weekly_minutes,
                              static_cast<int>(slots_.size())});
      }
    } else {
      for (size_t r = 0; r < plan.rosters.size(); ++r)
        slots_.push_back(Slot{plan.rosters[r].driver_id, "", nullptr, static_cast<int>(r),
                              work_of(static_cast<int>(r)), p.max_weekly_minutes, static_cast<int>(slots_.size())});
      // One new virtual driver, last.
      slots_.push_back(Slot{next_virtual_driver_id(plan), "", nullptr, -1, 0, p.max_weekly_minutes,
                            static_cast<int>(slots_.size())});
    }
    for (const Lock& l : ctx.locks)
      for (const auto& id : l.tour_ids) locked_to_.emplace(id, l.driver_id);
  }

  const Driver& driver(const Slot& s) {
    if (s.driver) return *s.driver;
    virtual_driver_.id = s.id;
    return virtual_driver_;
  }
  const Roster* roster(const Slot& s) const {
    return s.roster < 0 ? nullptr : &plan_.rosters[static_cast<size_t>(s.roster)];
  }
  // Identical tours (same day, times, location, qualifications): handing one over to take the
  // other changes nothing but instance numbers (it is the direct move of T to the receiver).
  bool interchangeable(int a, int b) const {
    const Tour& x = ctx_.tours[static_cast<size_t>(a)];
    const Tour& y = ctx_.tours[static_cast<size_t>(b)];
    return x.day == y.day && x.start == y.start && x.end == y.end && x.location == y.location &&
           x.required_qualifications == y.required_qualifications;
  }
  bool frozen(int t) const {
    return ctx_.frozen_until && ctx_.tours[static_cast<size_t>(t)].week_start() < *ctx_.frozen_until;
  }
  std::string locked_to(int t) const {
    auto it = locked_to_.find(ctx_.tours[static_cast<size_t>(t)].id);
    return it == locked_to_.end() ? std::string() : it->second;
  }

  // Can the driver of slot `s`, whose week is `base`, take tour `t` with nothing broken?
  // driver_blockers first (cheap), then the audit of the new week (the last word).
  Take take(const Slot& s, const Roster* base, int t) {
    Take out;
    if (!driver_blockers(t, driver(s), base, ctx_.tours, ctx_.policy).empty()) return out;
    Roster after = with(base, s.id, t, ctx_);
    if (!audit_rosters({&after}, ctx_).ok) return out;
    const Tour& tour = ctx_.tours[static_cast<size_t>(t)];
    out.ok = true;
    out.change = has_day(base, tour.day) ? CandidateChange::ExtendsBlock
                                         : (has_work(base) ? CandidateChange::NewDay : CandidateChange::NewDriver);
    out.kind = kind_on(after, tour.day);
    out.weekly = roster_work(after, ctx_.tours);
    out.headroom = s.limit - out.weekly;
    return out;
  }

  static bool better(const Take& a, int order_a, const Take& b, int order_b) {
    return std::make_tuple(static_cast<int>(a.change), -a.headroom, order_a) <
           std::make_tuple(static_cast<int>(b.change), -b.headroom, order_b);
  }

  CandidateList run(size_t limit) {
    CandidateList out;
    out.tour = tour_;
    const Tour& T = ctx_.tours[static_cast<size_t>(tour_)];
    out.locked_to = locked_to(tour_);
    int owner_slot = -1;
    for (const Slot& s : slots_)
      if (const Roster* r = roster(s))
        for (const Block& b : r->blocks)
          if (std::find(b.tours.begin(), b.tours.end(), tour_) != b.tours.end()) owner_slot = s.order;
    if (owner_slot >= 0) out.current_driver = slots_[static_cast<size_t>(owner_slot)].id;
    if (frozen(tour_)) {
      out.frozen = true;
      return out;
    }
    // A locked tour goes nowhere else without breaking its lock: unlock it first.
    if (!out.locked_to.empty()) return out;
    // The current driver's week without T.
    std::optional<Roster> owner_after;
    if (owner_slot >= 0) {
      owner_after = without(*roster(slots_[static_cast<size_t>(owner_slot)]), tour_, ctx_);
      AuditResult a = audit_rosters({&*owner_after}, ctx_);
      out.owner_clean_after = a.ok;
      out.owner_violations = std::move(a.violations);
    }

    // 1. Direct.
    struct Ranked {
      Take take;
      int order;
    };
    std::vector<Ranked> direct;
    std::set<int> direct_slots;
    for (const Slot& s : slots_) {
      if (s.order == owner_slot) continue;
      Take tk = take(s, roster(s), tour_);
      if (!tk.ok) continue;
      direct.push_back({tk, s.order});
      direct_slots.insert(s.order);
    }
    std::sort(direct.begin(), direct.end(),
              [](const Ranked& a, const Ranked& b) { return better(a.take, a.order, b.take, b.order); });
    out.direct_found = static_cast<int>(direct.size());
    for (const Ranked& r : direct) {
      if (out.candidates.size() >= limit) break;
      const Slot& s = slots_[static_cast<size_t>(r.order)];
      Candidate c;
      c.driver_id = s.id;
      c.driver_name = s.name;
      c.direct = true;
      c.change = r.take.change;
      c.block_kind = r.take.kind;
      c.weekly_minutes = r.take.weekly;
      c.headroom_minutes = r.take.headroom;
      c.moves = {TourMove{T.id, s.id}};
      c.audit_clean = out.owner_clean_after;
      out.candidates.push_back(std::move(c));
    }
    if (out.candidates.size() >= limit) return out;

    // 2. One ejection: D gives X to E, then takes T.
    struct Pair {
      Take take;
      int d;  // slot
      int x;  // tour
    };
    std::vector<Pair> pairs;
    for (const Slot& s : slots_) {
      if (s.order == owner_slot || direct_slots.count(s.order) || !has_work(roster(s))) continue;
      const Roster* rd = roster(s);
      for (const Block& b : rd->blocks)
        for (int x : b.tours) {
          if (x == tour_ || frozen(x) || !locked_to(x).empty() || interchangeable(x, tour_)) continue;
          Roster rest = without(*rd, x, ctx_);
          Take tk = take(s, &rest, tour_);
          if (tk.ok) pairs.push_back({tk, s.order, x});
        }
    }
    std::stable_sort(pairs.begin(), pairs.end(),
                     [](const Pair& a, const Pair& b) { return better(a.take, a.d, b.take, b.d); });
    std::set<int> d_done;
    for (const Pair& pr : pairs) {
      if (out.candidates.size() >= limit) break;
      if (d_done.count(pr.d)) continue;
      const Tour& X = ctx_.tours[static_cast<size_t>(pr.x)];
      // The best receiver E of X: a driver with work, not D; T's owner judged without T.
      std::optional<Take> best;
      int best_e = -1;
      for (const Slot& e : slots_) {
        if (e.order == pr.d || !has_work(roster(e))) continue;
        const Roster* base = e.order == owner_slot ? &*owner_after : roster(e);
        const Minutes base_work = e.order == owner_slot ? roster_work(*owner_after, ctx_.tours) : e.work;
        if (base_work + X.duration() > e.limit) continue;  // cheap pre-filter: weekly work
        Take tk = take(e, base, pr.x);
        if (!tk.ok) continue;
        if (!best || better(tk, e.order, *best, best_e)) {
          best = tk;
          best_e = e.order;
        }
      }
      if (!best) continue;
      d_done.insert(pr.d);
      const Slot& d = slots_[static_cast<size_t>(pr.d)];
      const Slot& e = slots_[static_cast<size_t>(best_e)];
      Candidate c;
      c.driver_id = d.id;
      c.driver_name = d.name;
      c.direct = false;
      c.change = pr.take.change;
      c.block_kind = pr.take.kind;
      c.weekly_minutes = pr.take.weekly;
      c.headroom_minutes = pr.take.headroom;
      c.handover = Handover{pr.x, e.id, best->change, best->kind, best->weekly};
      c.moves = {TourMove{X.id, e.id}, TourMove{T.id, d.id}};
      // T's owner is audited with its new week when it is the receiver; otherwise as without T.
      c.audit_clean = best_e == owner_slot || out.owner_clean_after;
      out.candidates.push_back(std::move(c));
      ++out.ejection_found;
    }
    return out;
  }

 private:
  int tour_;
  const Plan& plan_;
  const EditContext& ctx_;
  std::vector<Slot> slots_;
  std::map<std::string, std::string> locked_to_;
  Driver virtual_driver_;
};

}  // namespace

CandidateList find_candidates(int tour, const Plan& plan, const EditContext& ctx, size_t limit) {
  return Finder(tour, plan, ctx).run(limit);
}

}  // namespace so
