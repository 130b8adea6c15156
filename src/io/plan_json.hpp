#pragma once
// The plan as JSON (api.md §4) and back (for `shift-optimizer validate FORECAST PLAN.json`).
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/plan.hpp"
#include "core/report.hpp"
#include "core/tour.hpp"
#include "io/errors.hpp"

namespace so {

// Exactly the plan shape of api.md §4:
// {"run_id","week_start","status","solution_signature",
//  "drivers":[{"driver_id","driver_type":"FTE|PT","hours","days_worked",
//              "blocks":[{"block_id":"D001-Mon","day":"Mon","block_type","start":"HH:MM","end":"HH:MM",
//                         "span_minutes","work_minutes","tours":[{"id","start_time","end_time"}]}]}],
//  "unassigned_tours":[{"tour_id","reason_codes":[…]}],
//  "kpis":{drivers_total, drivers_fte, drivers_pt, pt_ratio, underfull_ratio, coverage_rate,
//          blocks_1er, blocks_2er_regular, blocks_2er_split, blocks_3er,
//          hours_min/avg/max, hours_fte_min/avg/max, hours_pt_min/avg/max, tight_rest_count,
//          forced_1er_count, missed_3er_opps, tours_total, tours_covered, lower_bound, gap_to_lb},
//  "lower_bounds":{"hours","per_day","path_cover","rest_concurrency","lp" (null unless the LP converged),
//                  "lagrangian" (the dual bound of an unconverged column generation, or null),"best"},
//  "audit":{"ok","violations":[{"code","driver_id","day","tour_id","message"}]} (absent driver/day/tour: null),
//  "timing":{"profiling_s","phase1_s","phase2_s","lns_s","total_s"},
//  "reason_codes":[…],
//  "config":{"effective_hash","overrides_applied":{key:value applied},"overrides_rejected":{key:reason},
//            "overrides_clamped":{key:"requested -> used"}}}
// Hours are rounded to 2 decimals, ratios to 4, seconds to 3. A driver is FTE when the weekly
// work reaches report.policy.fte_min_hours. A block's end is the clock time (next day's for a
// block that crosses midnight).
//
// Driver mode (report.driver_mode.enabled; forecast-mode JSON carries none of these keys):
//  - drivers[] lists only drivers with work, each also with "name" (null if none), "contract"
//    ("FTE"|"PT"|null) and "min_weekly_hours" (null if none); unused pool drivers are counted;
//  - unassigned_tours[] items: {"tour_id","day","start_time","end_time","required_qualifications",
//    "reason_codes","drivers_blocked":{code:n}};
//  - "driver_mode":{"drivers_available","drivers_used","locks_requested","locks_kept",
//    "previous_assignments" (null: no previous plan),"kept_assignments","previous_week_drivers" (drivers
//    carrying last week's end or streak, dispatch.md §3),"error" (null)};
//  - kpis + "drivers_available","tours_uncovered","contract_shortfall_hours","drivers_below_contract_min";
//  - lower_bounds + "uncovered_tours" (null when unproven), "uncovered_tours_name".
// {"enable_fill_to_target_greedy": true, "fte_hours_target": 48}: each applied override and the
// value it took (after clamping), in the order given.
nlohmann::json applied_overrides_json(const ConfigReport& c);

nlohmann::json plan_report_to_json(const PlanReport& report, const std::vector<Tour>& tours);

// /report/canonical: the same JSON without "timing", "run_id" and "week_start" (defaults to the
// next Monday, i.e. depends on the date), keys sorted, compact: byte-identical for identical
// input, seed and config.
std::string canonical_report_text(const PlanReport& report, const std::vector<Tour>& tours);

// Reads a plan JSON (a plan/report object, or an object holding it under "plan") back into a Plan
// over `tours`: drivers[].driver_id, blocks[].day / block_type / tours[].id (or plain id strings),
// unassigned_tours[].tour_id / reason_codes; drivers[].name (driver mode) into driver_name. Rule checks are left to the audit; a malformed
// structure or an unknown tour id is an InputError naming the JSON path, e.g.
// "plan.json: drivers[3].blocks[0].tours[1].id: unknown tour id 'T9999' (expected a tour id of the forecast)".
Plan plan_from_json(const nlohmann::json& plan, const std::vector<Tour>& tours, std::string_view source = "plan");

}  // namespace so
