#pragma once
// The German form of the CSV exports (`?lang=de` on the export routes, for the dispatcher page):
// German column names, day names and block names, a decimal comma, a UTF-8 BOM so Excel opens
// it as UTF-8. The default exports (csv_export.hpp) stay as they are for API clients and scripts.
#include <string>
#include <string_view>

namespace so {

// Roster matrix (roster_matrix_csv): headers are already German; the Stunden column gets a decimal
// comma ("49,50"), block types in brackets their German names ("[2er regulär]"), Typ stays FTE/PT.
// With the run's week (`week_start` YYYY-MM-DD) the day headers carry the date ("Montag 07.01.2030").
std::string roster_csv_german(std::string_view csv, std::string_view week_start = {});

// Tours list (tours_csv): header `Fahrer;Tag;Block;Blocktyp;Tour;Beginn;Ende` (driver mode:
// `Fahrer;Name;Tag;Block;Blocktyp;Tour;Beginn;Ende;Gründe;fest;vorher_bei`), day `Montag`…,
// block id `F001-Mo`, block type German (`nicht zugeteilt` for open tours), `fest` ja, a BOM.
// With the run's week a column `Datum` (dd.mm.yyyy) follows `Tag`.
std::string tours_csv_german(std::string_view csv, std::string_view week_start = {});

// "dd.mm.yyyy" of week day `day` (0 = Monday) in the week starting on `week_start` (YYYY-MM-DD);
// "" when the week is not a date. Also used for the XLSX day headers.
std::string german_date_of_day(std::string_view week_start, int day);

}  // namespace so
