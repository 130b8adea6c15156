#include "core/plan.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <tuple>

namespace so {

Minutes block_start(const Block& b, const std::vector<Tour>& tours) {
  Minutes s = INT32_MAX;
  for (int t : b.tours) s = std::min(s, tours[static_cast<size_t>(t)].week_start());
  return s;
}

Minutes block_end(const Block& b, const std::vector<Tour>& tours) {
  Minutes e = INT32_MIN;
  for (int t : b.tours) e = std::max(e, tours[static_cast<size_t>(t)].week_end());
  return e;
}

Minutes block_work(const Block& b, const std::vector<Tour>& tours) {
  Minutes w = 0;
  for (int t : b.tours) w += tours[static_cast<size_t>(t)].duration();
  return w;
}

Minutes roster_work(const Roster& r, const std::vector<Tour>& tours) {
  Minutes w = 0;
  for (const Block& b : r.blocks) w += block_work(b, tours);
  return w;
}

void canonicalize_plan(Plan& plan, const std::vector<Tour>& tours) {
  for (Roster& r : plan.rosters) {
    for (Block& b : r.blocks)
      std::sort(b.tours.begin(), b.tours.end(), [&](int x, int y) {
        const Tour& a = tours[static_cast<size_t>(x)];
        const Tour& c = tours[static_cast<size_t>(y)];
        return std::tie(a.start, a.end, x) < std::tie(c.start, c.end, y);
      });
    std::sort(r.blocks.begin(), r.blocks.end(), [](const Block& a, const Block& b) { return a.day < b.day; });
  }
  auto key = [&](const Roster& r) {
    // First block's (day, start, first tour index), then the whole roster as tie-break.
    std::vector<std::tuple<int, Minutes, int>> k;
    for (const Block& b : r.blocks)
      for (int t : b.tours) k.emplace_back(b.day, tours[static_cast<size_t>(t)].start, t);
    return k;
  };
  std::stable_sort(plan.rosters.begin(), plan.rosters.end(),
                   [&](const Roster& a, const Roster& b) { return key(a) < key(b); });
  char buf[32];
  for (size_t i = 0; i < plan.rosters.size(); ++i) {
    std::snprintf(buf, sizeof buf, "D%03zu", i + 1);
    plan.rosters[i].driver_id = buf;
  }
  std::sort(plan.unassigned.begin(), plan.unassigned.end(),
            [](const UnassignedTour& a, const UnassignedTour& b) { return a.tour < b.tour; });
}

void order_driver_plan(Plan& plan, const std::vector<std::string>& driver_order) {
  std::map<std::string, size_t> rank;  // first occurrence wins
  for (size_t i = 0; i < driver_order.size(); ++i) rank.emplace(driver_order[i], i);
  // Drivers missing from the order (should not happen) go last, by id, so the order stays canonical.
  auto key = [&](const Roster& r) {
    auto it = rank.find(r.driver_id);
    return std::make_tuple(it == rank.end() ? driver_order.size() : it->second, r.driver_id);
  };
  std::stable_sort(plan.rosters.begin(), plan.rosters.end(),
                   [&](const Roster& a, const Roster& b) { return key(a) < key(b); });
  for (Roster& r : plan.rosters)
    std::stable_sort(r.blocks.begin(), r.blocks.end(), [](const Block& a, const Block& b) { return a.day < b.day; });
  std::stable_sort(plan.unassigned.begin(), plan.unassigned.end(),
                   [](const UnassignedTour& a, const UnassignedTour& b) { return a.tour < b.tour; });
}

}  // namespace so
