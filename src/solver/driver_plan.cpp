#include "solver/driver_plan.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <tuple>

#include "core/reasons.hpp"
#include "core/rules.hpp"

namespace so::dm {

namespace {

// Stability matching: rows² × columns above this use the greedy assignment (about a second of work).
constexpr double kMaxAssignmentWork = 1e9;

}  // namespace

std::vector<int> max_weight_assignment(const std::vector<std::vector<long>>& w, int ncols) {
  const int n = static_cast<int>(w.size());
  const int m = ncols;
  if (n == 0) return {};
  // Very large classes (thousands of interchangeable drivers): the cubic method would take
  // seconds, so pairs go greedily by weight (ties by row, column), the rest in order.
  if (static_cast<double>(n) * n * m > kMaxAssignmentWork) {
    std::vector<std::tuple<long, int, int>> pairs;
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < m; ++j)
        if (w[static_cast<size_t>(i)][static_cast<size_t>(j)] > 0) pairs.emplace_back(-w[static_cast<size_t>(i)][static_cast<size_t>(j)], i, j);
    std::sort(pairs.begin(), pairs.end());
    std::vector<int> a(static_cast<size_t>(n), -1);
    std::vector<char> col_used(static_cast<size_t>(m), 0);
    for (const auto& [negw, i, j] : pairs)
      if (a[static_cast<size_t>(i)] < 0 && !col_used[static_cast<size_t>(j)]) {
        a[static_cast<size_t>(i)] = j;
        col_used[static_cast<size_t>(j)] = 1;
      }
    int next = 0;
    for (int i = 0; i < n; ++i) {
      if (a[static_cast<size_t>(i)] >= 0) continue;
      while (col_used[static_cast<size_t>(next)]) ++next;
      a[static_cast<size_t>(i)] = next;
      col_used[static_cast<size_t>(next)] = 1;
    }
    return a;
  }
  const long INF = std::numeric_limits<long>::max() / 4;
  std::vector<long> u(static_cast<size_t>(n) + 1, 0), v(static_cast<size_t>(m) + 1, 0);
  std::vector<int> pcol(static_cast<size_t>(m) + 1, 0), way(static_cast<size_t>(m) + 1, 0);
  for (int i = 1; i <= n; ++i) {
    pcol[0] = i;
    int j0 = 0;
    std::vector<long> minv(static_cast<size_t>(m) + 1, INF);
    std::vector<char> used(static_cast<size_t>(m) + 1, 0);
    do {
      used[static_cast<size_t>(j0)] = 1;
      const int i0 = pcol[static_cast<size_t>(j0)];
      long delta = INF;
      int j1 = 0;
      for (int j = 1; j <= m; ++j) {
        if (used[static_cast<size_t>(j)]) continue;
        const long cur = -w[static_cast<size_t>(i0 - 1)][static_cast<size_t>(j - 1)] - u[static_cast<size_t>(i0)] -
                         v[static_cast<size_t>(j)];
        if (cur < minv[static_cast<size_t>(j)]) {
          minv[static_cast<size_t>(j)] = cur;
          way[static_cast<size_t>(j)] = j0;
        }
        if (minv[static_cast<size_t>(j)] < delta) {
          delta = minv[static_cast<size_t>(j)];
          j1 = j;
        }
      }
      for (int j = 0; j <= m; ++j) {
        if (used[static_cast<size_t>(j)]) {
          u[static_cast<size_t>(pcol[static_cast<size_t>(j)])] += delta;
          v[static_cast<size_t>(j)] -= delta;
        } else {
          minv[static_cast<size_t>(j)] -= delta;
        }
      }
      j0 = j1;
    } while (pcol[static_cast<size_t>(j0)] != 0);
    do {
      const int j1 = way[static_cast<size_t>(j0)];
      pcol[static_cast<size_t>(j0)] = pcol[static_cast<size_t>(j1)];
      j0 = j1;
    } while (j0);
  }
  std::vector<int> row_to_col(static_cast<size_t>(n), -1);
  for (int j = 1; j <= m; ++j)
    if (pcol[static_cast<size_t>(j)] > 0) row_to_col[static_cast<size_t>(pcol[static_cast<size_t>(j)] - 1)] = j - 1;
  return row_to_col;
}

std::optional<BlockKind> kind_of(std::vector<int>& block_tours, const std::vector<Tour>& tours, const Policy& p) {
  std::sort(block_tours.begin(), block_tours.end(), [&](int a, int b) {
    const Tour& x = tours[static_cast<size_t>(a)];
    const Tour& y = tours[static_cast<size_t>(b)];
    return std::tie(x.start, x.end, a) < std::tie(y.start, y.end, b);
  });
  std::vector<TourWindow> w;
  for (int t : block_tours) {
    const Tour& x = tours[static_cast<size_t>(t)];
    w.push_back(TourWindow{x.week_start(), x.week_end(), &x.location});
  }
  return classify_block(w, p);
}

Plan to_plan(const DriverInput& in, const ClassModel& model, std::vector<Draft> drafts) {
  const std::vector<Tour>& tours = in.tours;
  const std::vector<Driver>& drivers = in.drivers;
  const std::map<std::pair<int, int>, char>& prev_pair = in.prev_pair;
  const std::vector<DriverClass>& classes = model.classes;
  const std::vector<BlockPattern>& copies = model.copies;
  const std::vector<TourType>& types = model.types();
  const int ntypes = model.ntypes(), nclasses = model.nclasses();
  std::sort(drafts.begin(), drafts.end());
  std::vector<int> driver_of(drafts.size(), -1);
  for (int c = 0; c < nclasses; ++c) {
    std::vector<int> mine;
    for (int i = 0; i < static_cast<int>(drafts.size()); ++i)
      if (drafts[static_cast<size_t>(i)].cls == c) mine.push_back(i);
    const std::vector<int>& members = classes[static_cast<size_t>(c)].members;
    const int n = std::min<int>(static_cast<int>(mine.size()), static_cast<int>(members.size()));
    if (prev_pair.empty() || n == 0) {
      for (int k = 0; k < n; ++k) driver_of[static_cast<size_t>(mine[static_cast<size_t>(k)])] = members[static_cast<size_t>(k)];
      continue;
    }
    // Weight: the draft's types some instance of which the driver had before.
    std::vector<std::vector<long>> w(static_cast<size_t>(n), std::vector<long>(members.size(), 0));
    for (int k = 0; k < n; ++k)
      for (int b : drafts[static_cast<size_t>(mine[static_cast<size_t>(k)])].col) {
        const BlockPattern& bp = copies[static_cast<size_t>(b)];
        for (int i = 0; i < bp.n; ++i)
          for (int tour : types[static_cast<size_t>(bp.types[static_cast<size_t>(i)])].tours)
            for (size_t m = 0; m < members.size(); ++m)
              if (prev_pair.count({members[m], tour})) w[static_cast<size_t>(k)][m] += 1;
      }
    const std::vector<int> a = max_weight_assignment(w, static_cast<int>(members.size()));
    for (int k = 0; k < n; ++k) driver_of[static_cast<size_t>(mine[static_cast<size_t>(k)])] = members[static_cast<size_t>(a[static_cast<size_t>(k)])];
  }
  // Instances: first the instance the roster's driver had before, then in instance order.
  std::vector<std::vector<int>> holders(static_cast<size_t>(ntypes));  // draft indices per type
  for (int i = 0; i < static_cast<int>(drafts.size()); ++i) {
    if (driver_of[static_cast<size_t>(i)] < 0) continue;
    for (int b : drafts[static_cast<size_t>(i)].col) {
      const BlockPattern& bp = copies[static_cast<size_t>(b)];
      for (int k = 0; k < bp.n; ++k) holders[static_cast<size_t>(bp.types[static_cast<size_t>(k)])].push_back(i);
    }
  }
  std::map<std::pair<int, int>, int> inst;  // (draft, type) -> tour
  std::vector<char> taken(tours.size(), 0);
  for (int t = 0; t < ntypes; ++t) {
    const std::vector<int>& list = types[static_cast<size_t>(t)].tours;
    std::vector<int>& hs = holders[static_cast<size_t>(t)];
    std::vector<char> done(hs.size(), 0);
    for (size_t h = 0; h < hs.size(); ++h)
      for (int tour : list)
        if (!taken[static_cast<size_t>(tour)] && prev_pair.count({driver_of[static_cast<size_t>(hs[h])], tour})) {
          inst[{hs[h], t}] = tour;
          taken[static_cast<size_t>(tour)] = 1;
          done[h] = 1;
          break;
        }
    size_t next = 0;
    for (size_t h = 0; h < hs.size(); ++h) {
      if (done[h]) continue;
      while (next < list.size() && taken[static_cast<size_t>(list[next])]) ++next;
      if (next == list.size()) break;  // over-covered type (cannot happen with equality rows)
      inst[{hs[h], t}] = list[next];
      taken[static_cast<size_t>(list[next])] = 1;
    }
  }
  Plan plan;
  for (int i = 0; i < static_cast<int>(drafts.size()); ++i) {
    const int d = driver_of[static_cast<size_t>(i)];
    if (d < 0) continue;
    Roster r;
    r.driver_id = drivers[static_cast<size_t>(d)].id;
    r.driver_name = drivers[static_cast<size_t>(d)].name;
    for (int b : drafts[static_cast<size_t>(i)].col) {
      const BlockPattern& bp = copies[static_cast<size_t>(b)];
      Block blk;
      blk.day = bp.day;
      blk.kind = bp.kind;
      for (int k = 0; k < bp.n; ++k) {
        auto it = inst.find({i, bp.types[static_cast<size_t>(k)]});
        if (it != inst.end()) blk.tours.push_back(it->second);
      }
      if (static_cast<int>(blk.tours.size()) != bp.n) {
        // Lost an instance: keep what is left only if it is still a valid block.
        for (int t : blk.tours) taken[static_cast<size_t>(t)] = 0;
        continue;
      }
      r.blocks.push_back(std::move(blk));
    }
    std::sort(r.blocks.begin(), r.blocks.end(), [](const Block& a, const Block& b) { return a.day < b.day; });
    if (!r.blocks.empty()) plan.rosters.push_back(std::move(r));
  }
  for (int i = 0; i < static_cast<int>(tours.size()); ++i)
    if (!taken[static_cast<size_t>(i)]) plan.unassigned.push_back(UnassignedTour{i, {}, {}});
  return plan;
}

DmScore score_plan(const DriverInput& in, const Plan& plan) {
  const std::vector<Tour>& tours = in.tours;
  const Policy& p = in.p;
  const std::map<std::pair<int, int>, char>& prev_pair = in.prev_pair;
  DmScore s;
  s.uncovered = static_cast<int>(plan.unassigned.size());
  for (const Roster& r : plan.rosters) {
    if (r.blocks.empty()) continue;
    const DriverLimits& lim = in.limits[static_cast<size_t>(in.driver_of_id(r.driver_id))];
    s.drivers += 1;
    const Minutes work = roster_work(r, tours);
    s.shortfall += std::max<Minutes>(0, lim.min_weekly_minutes - work);
    s.pt += work < in.fte_minutes;
    for (size_t i = 0; i < r.blocks.size(); ++i) {
      const Block& b = r.blocks[i];
      s.blocks_1er += b.kind == BlockKind::One;
      s.blocks_split += b.kind == BlockKind::TwoSplit;
      if (i > 0 && r.blocks[i - 1].day + 1 == b.day &&
          rest_between(block_end(r.blocks[i - 1], tours), block_start(b, tours)) ==
              required_rest_after(r.blocks[i - 1].kind, p))
        s.tight += 1;
    }
  }
  if (!prev_pair.empty()) {
    int kept = 0;
    for (const Roster& r : plan.rosters) {
      const int d = in.driver_of_id(r.driver_id);
      for (const Block& b : r.blocks)
        for (int t : b.tours) kept += prev_pair.count({d, t}) > 0;
    }
    s.changed = static_cast<int>(prev_pair.size()) - kept;
  }
  return s;
}

void insert_unassigned(const DriverInput& in, Plan& plan, const StopFn* stop) {
  const std::vector<Tour>& tours = in.tours;
  const std::vector<Driver>& drivers = in.drivers;
  const Policy& p = in.p;
  const int ndrivers = in.ndrivers();
  std::map<std::string, int> roster_of;
  for (int i = 0; i < static_cast<int>(plan.rosters.size()); ++i) roster_of[plan.rosters[static_cast<size_t>(i)].driver_id] = i;
  std::vector<UnassignedTour> still;
  for (const UnassignedTour& u : plan.unassigned) {
    bool placed = false;
    if (stop && (*stop)()) {
      still.push_back(u);
      continue;
    }
    for (int pass = 0; pass < 2 && !placed; ++pass)
      for (int d = 0; d < ndrivers && !placed; ++d) {
        const Driver& dr = drivers[static_cast<size_t>(d)];
        auto it = roster_of.find(dr.id);
        const bool working = it != roster_of.end() && !plan.rosters[static_cast<size_t>(it->second)].blocks.empty();
        if ((pass == 0) != working) continue;
        // A locked tour goes to its driver or nowhere.
        if (const int o = in.lock_owner[static_cast<size_t>(u.tour)]; o >= 0 && o != d) continue;
        const Roster* r = it != roster_of.end() ? &plan.rosters[static_cast<size_t>(it->second)] : nullptr;
        if (!driver_blockers(u.tour, dr, r, tours, p).empty()) continue;
        if (it == roster_of.end()) {
          Roster fresh;
          fresh.driver_id = dr.id;
          fresh.driver_name = dr.name;
          plan.rosters.push_back(std::move(fresh));
          it = roster_of.emplace(dr.id, static_cast<int>(plan.rosters.size()) - 1).first;
        }
        Roster& ro = plan.rosters[static_cast<size_t>(it->second)];
        const int day = tours[static_cast<size_t>(u.tour)].day;
        auto bit = std::find_if(ro.blocks.begin(), ro.blocks.end(), [&](const Block& b) { return b.day == day; });
        if (bit == ro.blocks.end()) {
          Block b;
          b.day = day;
          b.tours = {u.tour};
          b.kind = BlockKind::One;
          ro.blocks.push_back(std::move(b));
          std::sort(ro.blocks.begin(), ro.blocks.end(), [](const Block& a, const Block& b) { return a.day < b.day; });
          placed = true;
        } else {
          std::vector<int> tt = bit->tours;
          tt.push_back(u.tour);
          if (auto k = kind_of(tt, tours, p)) {
            bit->tours = tt;
            bit->kind = *k;
            placed = true;
          }
        }
      }
    if (!placed) still.push_back(u);
  }
  plan.unassigned = std::move(still);
  std::erase_if(plan.rosters, [](const Roster& r) { return r.blocks.empty(); });
}

std::optional<Roster> rebuild(const DriverInput& in, int d, std::vector<int> list) {
  const std::vector<Tour>& tours = in.tours;
  const std::vector<Driver>& drivers = in.drivers;
  const Policy& p = in.p;
  std::sort(list.begin(), list.end(), [&](int a, int b) {
    return std::make_pair(tours[static_cast<size_t>(a)].week_start(), a) < std::make_pair(tours[static_cast<size_t>(b)].week_start(), b);
  });
  Roster built;
  built.driver_id = drivers[static_cast<size_t>(d)].id;
  built.driver_name = drivers[static_cast<size_t>(d)].name;
  for (int t : list) {
    if (!driver_blockers(t, drivers[static_cast<size_t>(d)], &built, tours, p).empty()) return std::nullopt;
    const int day = tours[static_cast<size_t>(t)].day;
    auto it = std::find_if(built.blocks.begin(), built.blocks.end(), [&](const Block& b) { return b.day == day; });
    if (it == built.blocks.end()) {
      built.blocks.push_back(Block{day, {t}, BlockKind::One});
      std::sort(built.blocks.begin(), built.blocks.end(), [](const Block& a, const Block& b) { return a.day < b.day; });
    } else {
      std::vector<int> tt = it->tours;
      tt.push_back(t);
      const auto k = kind_of(tt, tours, p);
      if (!k) return std::nullopt;
      it->tours = tt;
      it->kind = *k;
    }
  }
  return built;
}

}  // namespace so::dm
