#include "solver/pricing.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <tuple>

#include "core/rules.hpp"

namespace so {

namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();
constexpr Minutes kWeekMinutes = kDaysPerWeek * kMinutesPerDay;

bool is_3er(const BlockPattern& b) { return b.kind == BlockKind::Three; }

}  // namespace

// ---------------------------------------------------------------------------------------------
// Column-level rules (the reference the DP is tested against).

bool consecutive_ok(const BlockPattern& prev, const BlockPattern& next, const Policy& p) {
  if (rest_between(prev.end, next.start) < required_rest_after(prev.kind, p)) return false;
  return fatigue_allows(prev.kind, next.kind, next.n, p);
}

bool rest_is_tight(const BlockPattern& prev, const BlockPattern& next, const Policy& p) {
  return rest_between(prev.end, next.start) == required_rest_after(prev.kind, p);
}

// Sunday → next Monday (week_wrap): the Monday block is shifted by one week.
static BlockPattern shifted_one_week(BlockPattern b) {
  b.start += kWeekMinutes;
  b.end += kWeekMinutes;
  return b;
}

ColumnStats column_stats(const Column& col, const std::vector<BlockPattern>& blocks, const Policy& p) {
  ColumnStats s;
  for (size_t i = 0; i < col.size(); ++i) {
    const BlockPattern& b = blocks[static_cast<size_t>(col[i])];
    s.minutes += b.work;
    s.working_days += 1;
    s.blocks_1er += b.kind == BlockKind::One;
    s.blocks_split += b.kind == BlockKind::TwoSplit;
    s.blocks_3er += b.kind == BlockKind::Three;
    if (i > 0) {
      const BlockPattern& a = blocks[static_cast<size_t>(col[i - 1])];
      if (b.day == a.day + 1 && rest_is_tight(a, b, p)) s.tight_rests += 1;
    }
  }
  if (p.week_wrap && col.size() >= 2) {
    const BlockPattern& first = blocks[static_cast<size_t>(col.front())];
    const BlockPattern& last = blocks[static_cast<size_t>(col.back())];
    if (first.day == 0 && last.day == 6 && rest_is_tight(last, shifted_one_week(first), p)) s.tight_rests += 1;
  }
  return s;
}

double column_cost(const Column& col, const std::vector<BlockPattern>& blocks, const Policy& p, const CostModel& c) {
  ColumnStats s = column_stats(col, blocks, p);
  double cost = c.driver + c.block_1er * s.blocks_1er + c.block_split * s.blocks_split + c.tight_rest * s.tight_rests +
                c.per_minute * s.minutes;
  if (s.minutes < c.pt_threshold_minutes) cost += c.pt;
  cost += c.shortfall_per_minute * static_cast<double>(std::max<Minutes>(0, c.shortfall_target_minutes - s.minutes));
  return cost;
}

bool column_feasible(const Column& col, const std::vector<BlockPattern>& blocks, const Policy& p, int day_off_by) {
  if (col.empty()) return false;
  if (day_off_by >= 0 && static_cast<int>(col.size()) > day_off_by) {
    bool unbroken = true;  // blocks on every day 0..day_off_by
    for (int i = 0; i <= day_off_by && unbroken; ++i) unbroken = blocks[static_cast<size_t>(col[static_cast<size_t>(i)])].day == i;
    if (unbroken) return false;
  }
  Minutes minutes = 0;
  for (size_t i = 0; i < col.size(); ++i) {
    const BlockPattern& b = blocks[static_cast<size_t>(col[i])];
    minutes += b.work;
    if (i > 0) {
      const BlockPattern& a = blocks[static_cast<size_t>(col[i - 1])];
      if (b.day <= a.day) return false;  // at most one block per day, sorted by day
      if (b.day == a.day + 1 && !consecutive_ok(a, b, p)) return false;
    }
  }
  if (minutes > p.max_weekly_minutes) return false;
  if (static_cast<int>(col.size()) > p.max_working_days) return false;
  if (p.week_wrap && col.size() >= 2) {
    const BlockPattern& first = blocks[static_cast<size_t>(col.front())];
    const BlockPattern& last = blocks[static_cast<size_t>(col.back())];
    if (first.day == 0 && last.day == 6 && !consecutive_ok(last, shifted_one_week(first), p)) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// The DP.

Pricer::Pricer(const std::vector<BlockPattern>& blocks, std::vector<int> allowed, const Policy& p, CostModel cost,
               int day_off_by)
    : blocks_(blocks), allowed_(std::move(allowed)), policy_(p), cost_(cost), day_off_by_(day_off_by) {
  std::sort(allowed_.begin(), allowed_.end());
  allowed_.erase(std::unique(allowed_.begin(), allowed_.end()), allowed_.end());
  // Blocks heavier than the weekly cap can never be used.
  std::erase_if(allowed_, [&](int b) { return blocks_[static_cast<size_t>(b)].work > p.max_weekly_minutes; });
  for (int b : allowed_) days_[static_cast<size_t>(blocks_[static_cast<size_t>(b)].day)].ids.push_back(b);
  int days_with_blocks = 0;
  for (DayBlocks& db : days_) {
    std::sort(db.ids.begin(), db.ids.end(), [&](int x, int y) {
      const BlockPattern& a = blocks_[static_cast<size_t>(x)];
      const BlockPattern& c = blocks_[static_cast<size_t>(y)];
      return std::tie(a.end, a.start, x) < std::tie(c.end, c.start, y);
    });
    for (int i = 0; i < static_cast<int>(db.ids.size()); ++i)
      (is_3er(blocks_[static_cast<size_t>(db.ids[static_cast<size_t>(i)])]) ? db.cls3 : db.clsN).push_back(i);
    days_with_blocks += !db.ids.empty();
  }
  // Minute levels: every weekly work total a column can reach (exact, and few when durations
  // share a large common divisor or take few values). When blocks × levels would exceed the DP
  // work limit, minutes are counted in the smallest quantum that fits (see kMaxPricingStates).
  const Minutes cap = p.max_weekly_minutes;
  // Working days only need tracking when the limit can bind.
  kdim_ = days_with_blocks > p.max_working_days ? p.max_working_days + 1 : 1;
  // The streak from last week binds only when every day 0..day_off_by has blocks; then the DP
  // counts working days (an unbroken run from Monday through day d is exactly d + 1 days by day
  // d). When the weekly limit does not need the count, only days 0..day_off_by are counted.
  if (day_off_by_ >= kDaysPerWeek) day_off_by_ = -1;
  for (int d = 0; d <= day_off_by_; ++d)
    if (days_[static_cast<size_t>(d)].ids.empty()) day_off_by_ = -1;
  if (day_off_by_ >= 0 && kdim_ == 1) {
    kdim_ = day_off_by_ + 2;
    count_until_ = day_off_by_;
  }
  long nblocks = 0;
  for (const DayBlocks& db : days_) nblocks += static_cast<long>(db.ids.size());
  // Each day's distinct block work minutes, sorted, found once: a timed week has millions of
  // blocks but few distinct works (a set insert per block and quantum took seconds, unpolled).
  std::array<std::vector<Minutes>, 7> day_works;
  for (size_t d = 0; d < days_.size(); ++d) {
    for (int b : days_[d].ids) day_works[d].push_back(blocks_[static_cast<size_t>(b)].work);
    std::sort(day_works[d].begin(), day_works[d].end());
    day_works[d].erase(std::unique(day_works[d].begin(), day_works[d].end()), day_works[d].end());
  }
  auto reachable = [&](Minutes q) {
    quantum_ = q;
    std::vector<char> reach(static_cast<size_t>(cap) + 1, 0);
    reach[0] = 1;
    for (const std::vector<Minutes>& raw : day_works) {
      std::vector<Minutes> works;  // dp_work of the day's blocks: rounded up to q (order kept), distinct
      for (Minutes w : raw) works.push_back(q == 1 ? w : (w + q - 1) / q * q);
      works.erase(std::unique(works.begin(), works.end()), works.end());
      std::vector<char> next = reach;
      for (Minutes m = 0; m <= cap; m += q) {
        if (!reach[static_cast<size_t>(m)]) continue;
        for (Minutes w : works) {
          if (m + w > cap) break;
          next[static_cast<size_t>(m + w)] = 1;
        }
      }
      reach.swap(next);
    }
    return reach;
  };
  std::vector<char> reach;
  for (Minutes q : {1, 2, 3, 5, 10, 15, 20, 30, 60}) {
    reach = reachable(q);
    const long levels = std::count(reach.begin(), reach.end(), 1);
    states_ = nblocks * levels * kdim_;
    if (states_ <= kMaxPricingStates) break;
  }
  level_index_.assign(static_cast<size_t>(cap) + 1, -1);
  for (Minutes m = 0; m <= cap; ++m)
    if (reach[static_cast<size_t>(m)]) {
      level_index_[static_cast<size_t>(m)] = static_cast<int>(level_minutes_.size());
      level_minutes_.push_back(m);
    }
  wrap_ = p.week_wrap && !days_[0].ids.empty() && !days_[6].ids.empty();
}

double Pricer::block_value(int b, std::span<const double> duals) const {
  const BlockPattern& bp = blocks_[static_cast<size_t>(b)];
  double v = 0;
  for (int i = 0; i < bp.n; ++i) v += duals[static_cast<size_t>(bp.types[static_cast<size_t>(i)])];
  if (bp.kind == BlockKind::One) v -= cost_.block_1er;
  if (bp.kind == BlockKind::TwoSplit) v -= cost_.block_split;
  v -= cost_.per_minute * bp.work;
  return v;
}

bool Pricer::run_dp(std::span<const double> duals, double column_dual, const std::vector<char>* mon_allowed,
                    const std::vector<char>* sun_allowed, const std::vector<double>* sun_extra,
                    std::vector<Candidate>& cands, std::vector<std::vector<int32_t>>& pred,
                    std::vector<std::vector<int32_t>>& off_pred, double& best_value,
                    const std::function<bool()>* stop) const {
  const int L = levels();
  const int K = kdim_;
  const int LK = L * K;
  const bool track_k = K > 1;
  const Policy& p = policy_;
  const double tight_pen = cost_.tight_rest;
  const Minutes rest_n = required_rest_after(BlockKind::One, p);
  const Minutes rest_3 = required_rest_after(BlockKind::Three, p);

  pred.resize(7);
  off_pred.resize(8);
  // Scratch arrays live in the pricer and keep their capacity between calls (no page faults).
  Scratch& sc = scratch_;
  std::vector<double>& off = sc.off;  // O_d: partials on days ≤ d-2 (day d-1 not worked)
  off.assign(static_cast<size_t>(LK), kNegInf);
  off[0] = 0;  // the empty partial week
  std::vector<double>& prevF = sc.prevF;  // F_{d-1}
  std::vector<double>& curF = sc.curF;    // F_d
  int prev_n = 0;
  // Prefix maxima over F_{d-1} per class in end order.
  std::vector<double>& prefN = sc.prefN;
  std::vector<double>& pref3 = sc.pref3;
  std::vector<int32_t>& prefN_arg = sc.prefN_arg;
  std::vector<int32_t>& pref3_arg = sc.pref3_arg;

  auto build_prefix = [&](const std::vector<int>& cls, std::vector<double>& pref, std::vector<int32_t>& arg) {
    const size_t n = cls.size();
    pref.assign((n + 1) * static_cast<size_t>(LK), kNegInf);
    arg.assign((n + 1) * static_cast<size_t>(LK), -1);
    for (size_t i = 0; i < n; ++i) {
      const double* src = &prevF[static_cast<size_t>(cls[i]) * static_cast<size_t>(LK)];
      const double* a = &pref[i * static_cast<size_t>(LK)];
      const int32_t* aa = &arg[i * static_cast<size_t>(LK)];
      double* o = &pref[(i + 1) * static_cast<size_t>(LK)];
      int32_t* oa = &arg[(i + 1) * static_cast<size_t>(LK)];
      for (int s = 0; s < LK; ++s) {
        // Ties keep the earlier block (canonical: end order, then start, then id).
        if (src[s] > a[s]) {
          o[s] = src[s];
          oa[s] = cls[i];
        } else {
          o[s] = a[s];
          oa[s] = aa[s];
        }
      }
    }
  };

  std::vector<double>& bestPred = sc.bestPred;
  std::vector<int32_t>& bestArg = sc.bestArg;
  bestPred.resize(static_cast<size_t>(LK));
  bestArg.resize(static_cast<size_t>(LK));
  std::vector<Minutes>& endsN = sc.endsN;
  std::vector<Minutes>& ends3 = sc.ends3;

  for (int d = 0; d < 7; ++d) {
    const DayBlocks& db = days_[static_cast<size_t>(d)];
    const DayBlocks* pdb = d > 0 ? &days_[static_cast<size_t>(d - 1)] : nullptr;
    // O_d = max(O_{d-1}, F_{d-2}) was formed at the end of the previous iteration.
    const int n = static_cast<int>(db.ids.size());
    curF.assign(static_cast<size_t>(n) * static_cast<size_t>(LK), kNegInf);
    pred[static_cast<size_t>(d)].assign(static_cast<size_t>(n) * static_cast<size_t>(LK), -1);
    const bool have_prev = pdb && prev_n > 0;
    if (have_prev) {
      build_prefix(pdb->clsN, prefN, prefN_arg);
      build_prefix(pdb->cls3, pref3, pref3_arg);
      endsN.clear();
      ends3.clear();
      for (int i : pdb->clsN) endsN.push_back(blocks_[static_cast<size_t>(pdb->ids[static_cast<size_t>(i)])].end);
      for (int i : pdb->cls3) ends3.push_back(blocks_[static_cast<size_t>(pdb->ids[static_cast<size_t>(i)])].end);
    }
    // Polled every 256 blocks: a large DP must not hold up a cancel or the deadline.
    if (stop && *stop && (*stop)()) return false;
    for (int j = 0; j < n; ++j) {
      if ((j & 255) == 255 && stop && *stop && (*stop)()) return false;
      const int b = db.ids[static_cast<size_t>(j)];
      if (d == 0 && mon_allowed && !(*mon_allowed)[static_cast<size_t>(j)]) continue;
      if (d == 6 && sun_allowed && !(*sun_allowed)[static_cast<size_t>(j)]) continue;
      const BlockPattern& bp = blocks_[static_cast<size_t>(b)];
      double v = block_value(b, duals);
      if (d == 6 && sun_extra) v -= (*sun_extra)[static_cast<size_t>(j)];
      // Best predecessor value per (level, k): a day off before, or a compatible block.
      for (int s = 0; s < LK; ++s) {
        bestPred[static_cast<size_t>(s)] = off[static_cast<size_t>(s)];
        bestArg[static_cast<size_t>(s)] = -1;
      }
      if (have_prev) {
        auto merge_class = [&](const std::vector<int>& cls, const std::vector<Minutes>& ends,
                               const std::vector<double>& pref, const std::vector<int32_t>& arg, Minutes rest) {
          const Minutes thr = bp.start - rest;  // predecessor end must be ≤ thr
          size_t ub = static_cast<size_t>(std::upper_bound(ends.begin(), ends.end(), thr) - ends.begin());
          size_t lb = ub;
          if (tight_pen != 0.0) lb = static_cast<size_t>(std::lower_bound(ends.begin(), ends.end(), thr) - ends.begin());
          const double* pv = &pref[lb * static_cast<size_t>(LK)];
          const int32_t* pa = &arg[lb * static_cast<size_t>(LK)];
          for (int s = 0; s < LK; ++s)
            if (pv[s] > bestPred[static_cast<size_t>(s)]) {
              bestPred[static_cast<size_t>(s)] = pv[s];
              bestArg[static_cast<size_t>(s)] = pa[s];
            }
          // Blocks ending exactly at thr: rest exactly at the minimum, penalised.
          for (size_t q = lb; q < ub; ++q) {
            const double* src = &prevF[static_cast<size_t>(cls[q]) * static_cast<size_t>(LK)];
            for (int s = 0; s < LK; ++s) {
              double val = src[s] - tight_pen;
              if (val > bestPred[static_cast<size_t>(s)]) {
                bestPred[static_cast<size_t>(s)] = val;
                bestArg[static_cast<size_t>(s)] = cls[q];
              }
            }
          }
        };
        merge_class(pdb->clsN, endsN, prefN, prefN_arg, rest_n);
        if (fatigue_allows(BlockKind::Three, bp.kind, bp.n, p)) merge_class(pdb->cls3, ends3, pref3, pref3_arg, rest_3);
      }
      double* out = &curF[static_cast<size_t>(j) * static_cast<size_t>(LK)];
      int32_t* po = &pred[static_cast<size_t>(d)][static_cast<size_t>(j) * static_cast<size_t>(LK)];
      for (int l = 0; l < L; ++l) {
        const Minutes total = level_minutes_[static_cast<size_t>(l)] + dp_work(b);
        if (total > p.max_weekly_minutes) break;  // levels ascend: every higher level overflows too
        const int l2 = level_of(total);
        if (l2 < 0) continue;  // not reachable with this day's block (the state is empty anyway)
        for (int k = 0; k < K; ++k) {
          const int k2 = track_k ? (d <= count_until_ ? k + 1 : k) : 0;
          if (k2 >= K && track_k) break;
          if (d == day_off_by_ && k2 == d + 1) continue;  // days 0..d all worked: a day off was due
          const double val = bestPred[static_cast<size_t>(l * K + k)];
          if (val == kNegInf) continue;
          const size_t o = static_cast<size_t>(l2 * K + k2);
          // Distinct (l, k) map to distinct (l2, k2): no collision, plain assignment.
          out[o] = val + v;
          po[o] = bestArg[static_cast<size_t>(l * K + k)];
        }
      }
      // Terminal: this block is the driver's last one in the week.
      double best = kNegInf;
      int bl = -1, bk = -1;
      for (int l = 0; l < L; ++l) {
        const Minutes lm = level_minutes_[static_cast<size_t>(l)];
        // Terminal costs depend on the weekly total only: PT below the threshold, contract shortfall.
        const double term = (lm < cost_.pt_threshold_minutes ? cost_.pt : 0.0) +
                            cost_.shortfall_per_minute * static_cast<double>(std::max<Minutes>(0, cost_.shortfall_target_minutes - lm));
        for (int k = 0; k < K; ++k) {
          const double val = out[static_cast<size_t>(l * K + k)];
          if (val == kNegInf) continue;
          if (val - term > best) {
            best = val - term;
            bl = l;
            bk = k;
          }
        }
      }
      if (bl >= 0) {
        const double rc = cost_.driver - column_dual - best;
        cands.push_back(Candidate{rc, d, j, bl, bk});
        best_value = std::max(best_value, best);
      }
    }
    // O_{d+1} = max(O_d, F_{d-1}); recorded with its back-pointers.
    std::vector<int32_t>& op = off_pred[static_cast<size_t>(d + 1)];
    op.assign(static_cast<size_t>(LK), -1);
    if (have_prev) {
      for (int j = 0; j < prev_n; ++j) {
        const double* src = &prevF[static_cast<size_t>(j) * static_cast<size_t>(LK)];
        for (int s = 0; s < LK; ++s)
          if (src[s] > off[static_cast<size_t>(s)]) {
            off[static_cast<size_t>(s)] = src[s];
            op[static_cast<size_t>(s)] = j;
          }
      }
    }
    prevF.swap(curF);
    prev_n = n;
  }
  return true;
}

Column Pricer::backtrack(const Candidate& c, const std::vector<std::vector<int32_t>>& pred,
                         const std::vector<std::vector<int32_t>>& off_pred) const {
  const int K = kdim_;
  const int L = levels();
  const bool track_k = K > 1;
  Column col;
  int d = c.day, j = c.pos, l = c.level, k = c.k;
  while (true) {
    const int b = days_[static_cast<size_t>(d)].ids[static_cast<size_t>(j)];
    col.push_back(b);
    const int32_t pj = pred[static_cast<size_t>(d)][static_cast<size_t>((j * L + l) * K + k)];
    const int lp = level_of(level_minutes_[static_cast<size_t>(l)] - dp_work(b));
    const int kp = track_k ? (d <= count_until_ ? k - 1 : k) : 0;
    l = lp;
    k = kp;
    if (pj >= 0) {  // a block on day d-1
      d = d - 1;
      j = pj;
      continue;
    }
    // A day off before day d: walk the off states O_d, O_{d-1}, … back to a block or the start.
    int e = d;
    bool found = false;
    while (e >= 2) {
      const int32_t q = off_pred[static_cast<size_t>(e)][static_cast<size_t>(l * K + k)];
      if (q >= 0) {
        d = e - 2;
        j = q;
        found = true;
        break;
      }
      --e;
    }
    if (!found) break;  // reached the empty start state
  }
  std::reverse(col.begin(), col.end());
  return col;
}

PricingResult Pricer::price(std::span<const double> duals, double column_dual, int max_columns,
                            double tolerance, const std::function<bool()>* stop) const {
  PricingResult res;
  res.best_reduced_cost = std::numeric_limits<double>::infinity();
  double best_value = kNegInf;
  std::vector<std::vector<int32_t>>& pred = scratch_.pred;
  std::vector<std::vector<int32_t>>& off_pred = scratch_.off_pred;
  std::vector<std::pair<double, Column>> found;  // (rc, column)

  auto harvest = [&](std::vector<Candidate>& cands) {
    // Best per last block first; ties by (day, position) — canonical.
    std::sort(cands.begin(), cands.end(), [](const Candidate& a, const Candidate& b) {
      return std::tie(a.rc, a.day, a.pos) < std::tie(b.rc, b.day, b.pos);
    });
    for (const Candidate& c : cands) {
      res.best_reduced_cost = std::min(res.best_reduced_cost, c.rc);
      if (c.rc >= -tolerance) break;
      if (static_cast<int>(found.size()) >= max_columns && !wrap_) break;
      found.emplace_back(c.rc, backtrack(c, pred, off_pred));
    }
  };

  if (!wrap_) {
    std::vector<Candidate> cands;
    if (!run_dp(duals, column_dual, nullptr, nullptr, nullptr, cands, pred, off_pred, best_value, stop)) {
      res.stopped = true;
      return res;
    }
    harvest(cands);
  } else {
    // Week wrap: the Sunday→Monday rule depends on the Monday block's start, kind (3er or not)
    // and size. Monday blocks are grouped by the Sunday blocks they admit (and the tight-rest
    // costs that come with them); one DP per group, plus one with Monday off.
    const DayBlocks& mon = days_[0];
    const DayBlocks& sun = days_[6];
    std::map<std::pair<std::vector<char>, std::vector<double>>, std::vector<char>> groups;  // ordered
    for (size_t j = 0; j < mon.ids.size(); ++j) {
      const BlockPattern monb = shifted_one_week(blocks_[static_cast<size_t>(mon.ids[j])]);
      std::vector<char> sun_ok(sun.ids.size(), 0);
      std::vector<double> sun_pen(sun.ids.size(), 0.0);
      for (size_t q = 0; q < sun.ids.size(); ++q) {
        const BlockPattern& sb = blocks_[static_cast<size_t>(sun.ids[q])];
        sun_ok[q] = consecutive_ok(sb, monb, policy_);
        if (sun_ok[q] && rest_is_tight(sb, monb, policy_)) sun_pen[q] = cost_.tight_rest;
      }
      auto& mask = groups[{std::move(sun_ok), std::move(sun_pen)}];
      if (mask.empty()) mask.assign(mon.ids.size(), 0);
      mask[j] = 1;
    }
    {
      std::vector<char> none(mon.ids.size(), 0);
      std::vector<Candidate> cands;
      if (!run_dp(duals, column_dual, &none, nullptr, nullptr, cands, pred, off_pred, best_value, stop)) {
        res.stopped = true;
        return res;
      }
      harvest(cands);
    }
    for (auto& [sunday, mask] : groups) {
      std::vector<Candidate> cands;
      if (!run_dp(duals, column_dual, &mask, &sunday.first, &sunday.second, cands, pred, off_pred, best_value, stop)) {
        res.stopped = true;
        return res;
      }
      harvest(cands);
    }
  }
  // Canonical order, duplicates removed (week-wrap runs can find the same column twice).
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end(),
                          [](const auto& a, const auto& b) { return a.second == b.second; }),
              found.end());
  std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::set<Column> seen;
  for (auto& [rc, col] : found) {
    if (static_cast<int>(res.columns.size()) >= max_columns) break;
    if (!seen.insert(col).second) continue;
    res.columns.push_back(PricedColumn{std::move(col), rc});
  }
  res.best_dual_value = best_value == kNegInf ? 0.0 : best_value;
  return res;
}

}  // namespace so
