#pragma once
// Excel export of a plan (domain.md §12, for dispatchers who take the roster to Excel).
//
// The workbook has four sheets, in this order:
//   Schichtplan  header Fahrer;Montag…Sonntag;Stunden;Typ, one row per driver in plan order, a day
//                cell is the tour windows `HH:MM-HH:MM` joined by `/` (empty day `-`), filled with
//                the colour of its block type (xlsx_block_fill); Stunden a number (0.00), Typ FTE|PT.
//   Fahrer       Fahrer;Typ;Stunden;Arbeitstage, one row per driver.
//   Touren       Tour;Tag;Start;Ende;Fahrer;Block;Blocktyp, one row per tour ordered by (day, start,
//                end, tour id); Tag the German day name; unassigned tours (driver mode) with empty
//                Fahrer/Block and Blocktyp `nicht zugeteilt` plus their reason codes.
//   Kennzahlen   Kennzahl;Wert;Bedeutung: run facts, every KPI of domain.md §9, the lower bounds
//                (and the best bound's name when known), the audit result, and a colour legend.
// Deterministic: identical plans give byte-identical files (the document date is the plan's
// week_start, never the wall clock; zip entries carry no time stamps of their own).
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/report.hpp"
#include "core/tour.hpp"

namespace so {

inline constexpr const char* kXlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

// The .xlsx bytes of a solved plan. Throws std::runtime_error when the workbook cannot be written
// (temporary directory not writable).
std::string roster_xlsx(const PlanReport& report, const std::vector<Tour>& tours);

// The same workbook from a plan JSON (api.md §4) or a report JSON (plan + "lower_bounds.best_name"),
// e.g. the document a finished run has stored. Missing fields are shown as `-`, never guessed;
// unassigned tours without day/start_time/end_time keep those cells empty. Throws
// std::invalid_argument when `plan` is not a JSON object.
std::string roster_xlsx_from_plan_json(const nlohmann::json& plan);

// Cell fill (0xRRGGBB) of a block type: 3er green, 2er-regular blue, 2er-split yellow, 1er salmon;
// 0 for an unknown type (no fill). The web page uses the same colours.
uint32_t xlsx_block_fill(const std::string& block_type);

}  // namespace so
