#pragma once
// CSV exports of a plan (domain.md §12). Deterministic: rows in plan order (canonical driver
// order after canonicalize_plan), blocks by day, tours in block order; LF line ends.
#include <set>
#include <string>
#include <vector>

#include "core/plan.hpp"
#include "core/policy.hpp"
#include "core/report.hpp"
#include "core/tour.hpp"

namespace so {

// Roster matrix ("Schichtplan"): UTF-8 BOM, `;`-separated, header
// `Fahrer;Montag;Dienstag;Mittwoch;Donnerstag;Freitag;Samstag;Sonntag;Stunden;Typ`, one row per
// driver; a day cell is the tour windows `HH:MM-HH:MM` joined by `/` plus the block type in
// brackets (`04:45-09:15/09:45-14:15 [2er-regular]`), an empty day `-`; Stunden with a decimal
// POINT and two decimals (`49.50`: unambiguous for scripts; German spreadsheets import it
// as text-free numbers with "decimal separator ." set); Typ `FTE` (work >= fte_min_hours) or `PT`.
// Locked tours are marked "(fest)"; with a re-plan's changes a last column "Änderung" lists
// each driver's gained (+) and lost (−) tours.
std::string roster_matrix_csv(const Plan& plan, const std::vector<Tour>& tours, const Policy& policy = {},
                              const std::set<std::string>& locked = {}, const ChangeReport* changes = nullptr);
// The Fahrer cell is the driver's name when it has one (driver mode), else the id. The report
// form in driver mode lists only drivers with work and takes missing names from the pool.
std::string roster_matrix_csv(const PlanReport& report, const std::vector<Tour>& tours);

// One row per tour, header `driver;day;block_id;block_type;tour_id;start;end` (no BOM: meant for
// machine import), day `Mon`…`Sun`, block_id `D001-Mon`, times `HH:MM`. Unassigned tours
// (driver mode) follow with empty driver and block_id and block_type `unassigned`.
std::string tours_csv(const Plan& plan, const std::vector<Tour>& tours);
// The report form: as above in forecast mode; in driver mode the header is
// `driver;driver_name;day;block_id;block_type;tour_id;start;end;reason_codes`, unassigned rows
// carry their reason codes joined by `|` (empty for assigned tours).
std::string tours_csv(const PlanReport& report, const std::vector<Tour>& tours);

// A `;`-CSV field, quoted (RFC 4180) when it holds `;`, `"`, CR or LF.
std::string csv_field(const std::string& value);

}  // namespace so
