#pragma once
// Driver mode, phase 2: the dive. Columns with x ≥ 1 are fixed at their floor, else rounded up
// (kRoundupThreshold); demand and class capacity shrink; the residual is re-priced; repeat
// (dive_on, shared with the LNS repair). dive_phase dives on the root master and offers the plan.
#include <vector>

#include "solver/driver_colgen.hpp"
#include "solver/driver_master.hpp"
#include "solver/driver_mode_context.hpp"

namespace so::dm {

// Simplex work per master row of a dive.
inline constexpr long kDiveIterationsPerRow = 600;

struct DiveOut {
  std::vector<Draft> drafts;
  bool completed = false;  // integral and slack-free, or the residual settled on the slacks
  bool timeout = false;    // the clock (safety net) or a cancel stopped a pricing
};

DiveOut dive_on(DriverModeContext& ctx, DriverMaster& master, const PricerList& pricers, long dive_iterations);

// Phase 2: dives on the root master (its columns from phase 1) and offers the drafts as a plan.
void dive_phase(DriverModeContext& ctx, DriverMaster& master);

}  // namespace so::dm
