#pragma once
// Driver-mode input (domain.md §7): the driver pool, locks and a previous plan, as JSON (the API
// body's "drivers" / "locks" / "previous_plan") or as files for the CLI (`--drivers drivers.csv|json`).
//
// Driver JSON object: {"id" (string or integer; "driver_id" accepted), "name",
//   "qualifications":[…], "available_days":["Mon",…] (day names as for tours; default all seven),
//   "unavailable":[{"day","start_time"|"start","end_time"|"end"}] (end not after start = to the
//   next day's clock time, like a tour), "max_weekly_hours", "min_weekly_hours",
//   "max_tours_per_day", "min_rest_hours", "max_daily_span_hours" (numbers > 0; hours are
//   converted to whole minutes, rounded), "contract": "FTE"|"PT",
//   "previous_week": {"last_end": {"day": "Sun", "time": "22:30"}, "consecutive_days_worked": 3}
//   (dispatch.md §3; both optional, null / {} = no constraint; last_end's day is a day of LAST
//   week, or "week": "current" with day "Mon" for a Sunday block that ended after midnight;
//   consecutive_days_worked 0..7 = days worked in a row up to last Sunday)}. Unknown keys are ignored.
// Drivers CSV (`,` or `;` separated, header row naming columns, UTF-8 BOM tolerated):
//   id,name,qualifications,available_days,max_weekly_hours,min_weekly_hours,max_tours_per_day,
//   min_rest_hours,max_daily_span_hours,contract,unavailable,previous_last_end,previous_streak
//   — only `id` is required; list cells separated by `|` (or `,` / `;` inside a quoted cell, as
//   the reference's sample_drivers.csv writes "Standard,HeavyGoods"); `unavailable` as
//   `Sat 06:00-12:00|Mon 00:00-08:00`; `previous_last_end` as `Sun 22:30` (or `Mon 01:30 current`),
//   `previous_streak` (alias `consecutive_days_worked`) 0..7; empty cell = not set. Hours may use
//   a decimal comma.
// Locks JSON: [{"driver_id","tour_ids":[…]}]. Previous plan JSON: a plan/report object of api.md
// §4 (drivers[].driver_id, blocks[].tours[].id or plain id strings) or
// {"assignments":[{"driver_id","tour_id"}]}. Its "week_start" and each block's "day" and tour's
// "start_time"/"end_time" (or the block's "start"/"end"; in the assignments form "day",
// "start_time", "end_time" per item) are kept: a plan of the week before the request's
// week_start carries last week's end and streak into this week (with_previous_week, driver.hpp).
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/driver.hpp"
#include "core/reasons.hpp"
#include "core/report.hpp"
#include "core/tour.hpp"
#include "io/errors.hpp"

namespace so {

// The HTTP layer: collects ALL schema problems with FastAPI locations (loc_prefix + [i, field]).
std::vector<Driver> drivers_from_json(const nlohmann::json& drivers_array, std::vector<JsonProblem>& problems,
                                      const nlohmann::json& loc_prefix = nlohmann::json::array({"body", "drivers"}));
std::vector<Lock> locks_from_json(const nlohmann::json& locks_array, std::vector<JsonProblem>& problems,
                                  const nlohmann::json& loc_prefix = nlohmann::json::array({"body", "locks"}));
std::vector<PreviousAssignment> previous_from_json(const nlohmann::json& previous, std::vector<JsonProblem>& problems,
                                                   const nlohmann::json& loc_prefix = nlohmann::json::array({"body", "previous_plan"}));

// Files for the CLI: throws InputError naming the file, line / JSON path, field and value.
// A .json file may hold a bare array or {"drivers":[…]} (then also "locks" / "previous_plan").
std::vector<Driver> parse_drivers(std::string_view content, std::string_view source_name);
std::vector<Driver> read_drivers_file(const std::string& path);
std::vector<Lock> parse_locks(std::string_view content, std::string_view source_name);  // JSON array or {"locks":[…]}
std::vector<Lock> read_locks_file(const std::string& path);
std::vector<PreviousAssignment> parse_previous(std::string_view content, std::string_view source_name);  // a plan JSON
std::vector<PreviousAssignment> read_previous_file(const std::string& path);

// Everything a drivers file may carry (a .json `{"drivers","locks","previous_plan"}`; CSV: drivers
// only). has_locks / has_previous tell whether the file named them. Errors as parse_drivers.
struct DriverInput {
  std::vector<Driver> drivers;
  std::vector<Lock> locks;
  std::vector<PreviousAssignment> previous;
  bool has_locks = false;
  bool has_previous = false;
};
DriverInput parse_driver_input(std::string_view content, std::string_view source_name);
DriverInput read_driver_input_file(const std::string& path);

// Driver JSON as written in reports (the same shape drivers_from_json reads).
nlohmann::json driver_to_json(const Driver& d);

// The body of POST /api/v1/diagnostics:
// {"tours_total","drivers_total","tours_without_driver":n,
//  "tours":[{"tour_id","day","start_time","end_time","required_qualifications",
//            "blocks","drivers_eligible","top_blockers":[{"reason","drivers"}]}]}
nlohmann::json diagnostics_to_json(const std::vector<TourDiagnostics>& diags, const std::vector<Tour>& tours,
                                   int drivers_total);

}  // namespace so
