#pragma once
// Forecast parsing (domain.md §11): every format seen in the wild, detected automatically.
//
// Accepted formats (Forecast::format names them):
//   "csv-long"      German vertical CSV: day header `Montag;Anzahl`, rows `HH:MM-HH:MM;N`.
//   "csv-wide"      German wide CSV: header `Montag;Anzahl;Dienstag;Anzahl;…`, (window, count)
//                   pairs per day column.
//   Both: `;` or TAB separated, CRLF or LF, UTF-8 BOM or not, stray spaces in cells, German /
//   English / short day names (core parse_day; a header cell may carry more words after the day,
//   e.g. `Montag 15.12.`), blank and lone `;`/TAB lines skipped, no final newline needed. A row
//   inside a day whose first cell is not a time window and whose count is 0 or empty (e.g.
//   `Feiertag;0`) is skipped with a warning naming its line; with a positive count, or when the
//   cell holds a clock time (`Mi 06:00-10:00`), it is an error (those tours would be lost).
//   "csv-comma"     comma CSV with a header naming columns: [id|tour_id|external_id], day,
//                   start_time|start, end_time|end, [location], [qualifications|
//                   required_qualifications] (`;`, `|` or `,` inside a quoted cell), [count].
//                   One row = one tour (times N with a count column). Days by name.
//   "csv-canonical" the reference's per-tour CSV `tour_id,day,start_min,end_min[,duration_min]`,
//                   day 0..6 = Mon..Sun, minutes from the start day's 00:00 (end may exceed 1440).
//   "json"          {"tours":[{"id","day","start_time","end_time",["location"],
//                   ["required_qualifications"],["count"]}]} (the API shape), `start`/`end` for the
//                   times, `external_id` for the id; other top-level keys ignored.
//   "json-array"    a bare JSON array of such tour objects.
//   JSON days: a name (Mon, Monday, MONDAY, Montag, Mo) or an integer 1..7 with 1 = Monday (V3).
//   JSON ids: strings or integers; when no item has an id, ids T0001… are assigned in order;
//   an item with `count` N > 1 and id X becomes X-1 … X-N.
// Not accepted: the "Slack text" template (`Mo 06:00-14:00 3 Fahrer`, split shifts `A-B + C-D`)
// — a split shift is one driver's two-segment tour that the tour model cannot express, so such
// a file is rejected with an error naming the first such line rather than guessed at.
//
// CSV tour ids are T0001… in file order (day sections / wide columns in file order, rows top down,
// count expansion innermost), zero-padded to at least 4 digits. A tour whose end clock is not after
// its start crosses midnight (make_tour); equal clocks (zero length) are an error.
// Limits (fail fast, bounded memory): files over 16 MiB (refused before reading), lines over
// 64 KiB, counts over 10000, more than 200000 tours, JSON nested deeper than 64 levels, NUL bytes
// (binary input) and UTF-16 are errors. An empty file is an error ("empty file"), and so is a CSV
// without a single time row ("no tours found"); an explicitly empty JSON tours array is a valid
// empty forecast, as are CSV rows that all have count 0.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/tour.hpp"
#include "io/errors.hpp"
#include "io/text_input.hpp"

namespace so {

inline constexpr long long kMaxForecastBytes = kMaxInputBytes;
inline constexpr long long kMaxRowCount = 10000;
inline constexpr long long kMaxForecastTours = 200000;

struct ParseWarning {
  int line = 0;  // 1-based (0 for JSON inputs)
  std::string message;
};

struct Forecast {
  std::vector<Tour> tours;
  std::vector<ParseWarning> warnings;
  std::string format;  // csv-long | csv-wide | csv-comma | csv-canonical | json | json-array
};

// Throws InputError naming source_name, the line (or JSON path), the value and what was expected.
Forecast parse_forecast(std::string_view content, std::string_view source_name);

// Reads and parses a file; a missing, unreadable or oversized file is an InputError too. The
// source name in messages is the path as given.
Forecast read_forecast_file(const std::string& path);

// --- the HTTP layer (api.md §1, §3) ---------------------------------------------------------
// Converts a JSON tours array into tours, collecting ALL schema problems (wrong JSON types,
// missing fields, malformed times, bad counts) with FastAPI locations `loc_prefix + [i, field]`.
// Items with problems yield no tours. Semantic defects are NOT reported here but left in the
// tours for check_tours_semantics: an unknown day (day = -1) and a zero-length tour (end == start).
// `semantic_problem`, when given, receives the first semantic defect with its value, e.g.
// "tours[3] (id 'T4'): unknown day 'Funday' (expected …)" (check_tours_semantics only sees day -1).
std::vector<Tour> tours_from_json(const nlohmann::json& tours_array, std::vector<JsonProblem>& problems,
                                  const nlohmann::json& loc_prefix = nlohmann::json::array({"body", "tours"}),
                                  std::string* semantic_problem = nullptr);

// Semantic check of converted tours (400): duplicate id, unknown day, zero-length tour. Returns
// the first problem in tour order as a text naming the item, e.g.
// "duplicate tour id 'T7' (tours[2] and tours[5])"; nullopt when the tours are sound.
std::optional<std::string> check_tours_semantics(const std::vector<Tour>& tours);

}  // namespace so
