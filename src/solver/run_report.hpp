#pragma once
// The frame every solve pipeline puts around its plan (forecast mode in solve.cpp, driver mode in
// driver_mode.cpp): run facts and budget slices up front; bound naming, reason codes, timing and
// overrun flags at the end. One place, so both modes report identically.
#include <string>

#include "core/report.hpp"
#include "core/time.hpp"
#include "core/tour.hpp"
#include "solver/budget.hpp"
#include "solver/solve.hpp"

namespace so {

// "weekly work < h" in whole minutes: m < ceil(60 h).
Minutes hours_to_minutes_threshold(double hours);

// Day 0..6, start inside the day, positive length of at most a day.
bool valid_tour(const Tour& t);

// Adds a reason code once (close_report sorts them).
void add_reason(PlanReport& r, const std::string& code);

// A report carrying the request's facts, the effective config hash and the phase budgets.
PlanReport open_report(const SolveRequest& req, const Budget& budget);

// best = the largest bound; its name, ties to the LP (the optimizer's own certificate), then the
// combinatorial bounds from strongest-in-general to weakest.
void name_best_bound(LowerBounds& lb);

// TIME_LIMIT_REACHED / CANCELLED codes (sorted, unique), ends the audit phase, timing and the
// per-phase overrun flags. Call last, after audit, KPIs and signature.
void close_report(PlanReport& rep, Budget& budget, bool safety_net);

}  // namespace so
