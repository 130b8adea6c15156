#pragma once
// The live state of a solve, folded from its ProgressEvents (solve.hpp). The service's run events
// and the CLI's progress line both read it, so they always agree on phase, incumbent and bound.
#include <algorithm>
#include <optional>
#include <string>

#include "solver/solve.hpp"

namespace so {

struct ProgressState {
  std::string phase;           // "" until the first phase starts
  int incumbent_drivers = -1;  // -1 until a plan exists
  int lower_bound = 0;         // best bound on drivers so far (never goes down)
  int tours_covered = -1, tours_total = -1;  // driver mode only
  double elapsed_s = 0;

  // Folds one event in; true when it is news: a phase started, or the incumbent, the bound or the
  // coverage moved.
  bool apply(const ProgressEvent& ev) {
    elapsed_s = ev.elapsed_s;
    const bool moved = (ev.incumbent_drivers >= 0 && ev.incumbent_drivers != incumbent_drivers) ||
                       ev.lower_bound > lower_bound || (ev.tours_covered >= 0 && ev.tours_covered != tours_covered);
    if (ev.incumbent_drivers >= 0) incumbent_drivers = ev.incumbent_drivers;
    lower_bound = std::max(lower_bound, ev.lower_bound);
    if (ev.tours_covered >= 0) tours_covered = ev.tours_covered;
    if (ev.tours_total >= 0) tours_total = ev.tours_total;
    if (!ev.phase.empty()) phase = ev.phase;
    return ev.type == "phase_started" || moved;
  }

  // (incumbent - bound) / bound, as the plan's KPI gap_to_lb; none without both.
  std::optional<double> gap() const {
    if (incumbent_drivers < 0 || lower_bound <= 0) return std::nullopt;
    return static_cast<double>(incumbent_drivers - lower_bound) / lower_bound;
  }
};

}  // namespace so
