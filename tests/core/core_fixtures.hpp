#pragma once
// Small builders for hand-made forecasts and plans in the core tests.
#include <algorithm>
#include <cstdio>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/audit.hpp"
#include "core/plan.hpp"
#include "core/policy.hpp"
#include "core/time.hpp"
#include "core/tour.hpp"

namespace so::test {

// Clock text -> minutes; a bad literal in a test is a test bug, so fail loudly.
inline Minutes hm(const char* text) {
  auto m = parse_hhmm(text);
  if (!m) throw std::invalid_argument(std::string("bad HH:MM in test: ") + text);
  return *m;
}

enum Day { Mon = 0, Tue, Wed, Thu, Fri, Sat, Sun };

// A forecast and a plan built side by side.
struct Week {
  std::vector<Tour> tours;
  Plan plan;

  // Adds a tour T0001… and returns its index.
  int tour(int day, const char* start, const char* end, const std::string& location = "DEFAULT") {
    char id[16];
    std::snprintf(id, sizeof id, "T%04zu", tours.size() + 1);
    tours.push_back(make_tour(id, day, hm(start), hm(end), location));
    return static_cast<int>(tours.size()) - 1;
  }

  Roster& roster(const std::string& driver) {
    for (Roster& r : plan.rosters)
      if (r.driver_id == driver) return r;
    plan.rosters.push_back(Roster{driver, {}, {}});
    return plan.rosters.back();
  }

  // Appends a block with an explicitly claimed kind.
  void block(const std::string& driver, int day, std::vector<int> idx, BlockKind kind) {
    roster(driver).blocks.push_back(Block{day, std::move(idx), kind});
  }

  // Adds the tours of one block and the block itself; windows as {"06:00","10:30", …} pairs.
  std::vector<int> work(const std::string& driver, int day, std::initializer_list<const char*> windows, BlockKind kind,
                        const std::string& location = "DEFAULT") {
    std::vector<int> idx;
    const char* start = nullptr;
    for (const char* w : windows) {
      if (!start) {
        start = w;
        continue;
      }
      idx.push_back(tour(day, start, w, location));
      start = nullptr;
    }
    block(driver, day, idx, kind);
    return idx;
  }

  void unassign(int tour_index, std::vector<std::string> reasons = {"INFEASIBLE"}) {
    plan.unassigned.push_back(UnassignedTour{tour_index, std::move(reasons), {}});
  }
};

inline std::vector<std::string> codes(const AuditResult& r) {
  std::vector<std::string> out;
  for (const Violation& v : r.violations) out.push_back(v.code);
  return out;
}

inline std::vector<std::string> sorted_codes(const AuditResult& r) {
  auto c = codes(r);
  std::sort(c.begin(), c.end());
  return c;
}

inline std::string dump(const AuditResult& r) {
  std::string s;
  for (const Violation& v : r.violations) s += v.code + " | " + v.message + "\n";
  return s.empty() ? "(no violations)" : s;
}

inline Policy legacy() { return *policy_profile("legacy-v2.0"); }

}  // namespace so::test

namespace so {
using enum test::Day;  // Mon … Sun in the core test files
}  // namespace so
