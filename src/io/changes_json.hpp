#pragma once
// The re-plan's call list as JSON (dispatch.md §2), the same fields in the API body and in the
// CLI's CHANGES.json:
//   {"frozen_until": {"day": "Wed", "time": "00:00"},
//    "changes": {"driver_unavailable": [{"driver_id", "from": {day,time}, "to": {day,time}, "reason"}],
//                "tours_cancelled": ["T0412"],
//                "tours_added": [tour objects as in a forecast JSON],
//                "tours_changed": [{"id", "day"?, "start_time"?, "end_time"?}],
//                "drivers_added": [driver objects as in a drivers JSON]}}
// Every list is optional; an unknown key inside "changes" is an error (a misspelt change must
// never be ignored silently). Semantic checks (unknown ids, frozen tours) are apply_changes'.
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/changes.hpp"
#include "io/errors.hpp"

namespace so {

struct ReplanBody {
  Minutes frozen_until = 0;
  ReplanChanges changes;
};

// The HTTP layer: collects all schema problems with FastAPI locations (loc_prefix + keys).
ReplanBody replan_body_from_json(const nlohmann::json& body, std::vector<JsonProblem>& problems,
                                 const nlohmann::json& loc_prefix = nlohmann::json::array({"body"}));

// The CLI's CHANGES.json: throws InputError naming the file, the JSON path and the value.
ReplanBody parse_changes(std::string_view content, const std::string& source);
ReplanBody read_changes_file(const std::string& path);

// {"day": "Wed", "time": "06:00"} -> week-linear minutes; nullopt when malformed.
std::optional<Minutes> week_time_from_json(const nlohmann::json& v);

}  // namespace so
