// Every accepted forecast format (built here, byte by byte) and every rejected one, each error
// naming the line or JSON path, the offending value and what was expected.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "io/forecast.hpp"
#include "io_test_util.hpp"

namespace so {
namespace {

using so::testing::summarize;

const std::string kBom = "\xEF\xBB\xBF";

struct Accepted {
  std::string name;
  std::string content;
  std::string format;
  std::string tours;               // summarize() of the expected tours
  std::vector<int> warning_lines;  // lines of the expected warnings
};

std::vector<Accepted> accepted_cases() {
  const std::string two_days = "T0001 Mon 04:45-09:15, T0002 Mon 04:45-09:15, T0003 Mon 09:45-14:15, T0004 Tue 05:00-09:30";
  return {
      {"long_lf", "Montag;Anzahl\n04:45-09:15;2\n09:45-14:15;1\n;\nDienstag;Anzahl\n05:00-09:30;1\n", "csv-long",
       two_days, {}},
      {"long_crlf_bom_no_final_newline",
       kBom + "Montag;Anzahl\r\n04:45-09:15;2\r\n09:45-14:15;1\r\n;\r\nDienstag;Anzahl\r\n05:00-09:30;1", "csv-long",
       two_days, {}},
      {"long_tab_crlf_stray_spaces",
       "Montag\tAnzahl\r\n04:45-09:15\t2\r\n 09:45-14:15 \t 1 \r\n\t\r\nDienstag\t Anzahl\r\n05:00-09:30\t1\r\n\t\r\n",
       "csv-long", two_days, {}},
      {"long_header_spaces_and_trailing_semicolons",
       "Montag ;Anzahl;\n04:45-09:15;2;\n09:45-14:15;1;;\n;;\n\n  \nDienstag; Anzahl\n05:00-09:30;1\n", "csv-long",
       two_days, {}},
      {"long_cr_only_line_ends", "Montag;Anzahl\r04:45-09:15;2\r09:45-14:15;1\rDienstag;Anzahl\r05:00-09:30;1\r",
       "csv-long", two_days, {}},
      {"long_english_days", "Monday;Count\n04:45-09:15;2\n09:45-14:15;1\nTUESDAY;count\n05:00-09:30;1\n", "csv-long",
       two_days, {}},
      {"long_short_days", "Mo;Anzahl\n04:45-09:15;2\n09:45-14:15;1\nTue\n05:00-09:30;1\n", "csv-long", two_days, {}},
      {"long_day_header_with_date", "Montag 15.12.;Anzahl\n04:45-09:15;2\n09:45-14:15;1\nDienstag 16.12.\n05:00-09:30;1\n",
       "csv-long", two_days, {}},
      {"long_single_digit_hours", "Montag;Anzahl\n4:45-9:15;2\n9:45-14:15;1\nDienstag;Anzahl\n5:00 - 9:30;1\n", "csv-long",
       two_days, {}},
      {"long_zero_count_row", "Montag;Anzahl\n04:45-09:15;2\n06:00-10:30;0\n09:45-14:15;1\nDienstag;Anzahl\n05:00-09:30;1\n",
       "csv-long", two_days, {}},
      {"long_feiertag_warning",
       "Montag;Anzahl\n04:45-09:15;2\n09:45-14:15;1\n;\nDonnerstag;Anzahl\nFeiertag;0\n;\nDienstag;Anzahl\n05:00-09:30;1\n",
       "csv-long", two_days, {6}},
      {"long_feiertag_without_count", "Montag;Anzahl\n04:45-09:15;2\n09:45-14:15;1\nFeiertag\nDienstag;Anzahl\n05:00-09:30;1\n",
       "csv-long", two_days, {4}},
      {"long_cross_midnight", "Freitag;Anzahl\n22:00-02:30;1\n23:59-00:01;1\n", "csv-long",
       "T0001 Fri 22:00-02:30+1, T0002 Fri 23:59-00:01+1", {}},
      {"long_sunday_and_day_order_kept", "Sonntag;Anzahl\n08:00-12:00;1\nMontag;Anzahl\n08:00-12:00;1\n", "csv-long",
       "T0001 Sun 08:00-12:00, T0002 Mon 08:00-12:00", {}},
      {"wide_semicolon", "Montag;Anzahl;Dienstag; Anzahl\n04:45-09:15;2;05:00-09:30;1\n09:45-14:15;1;;\n", "csv-wide",
       two_days, {}},
      {"wide_tab_crlf_bom_padding",
       kBom + "Montag\tAnzahl\tDienstag\tAnzahl\r\n04:45-09:15\t2\t\t\r\n09:45-14:15\t1\t05:00-09:30\t1\r\n\t\t\t\r\n", "csv-wide",
       two_days, {}},
      {"wide_feiertag_column",
       "Montag;Anzahl;Donnerstag;Anzahl;Dienstag;Anzahl\n04:45-09:15;2;Feiertag;0;05:00-09:30;1\n09:45-14:15;1;;;;\n",
       "csv-wide", two_days, {2}},
      {"comma_with_ids_and_location", "id,day,start_time,end_time,location\nA-1,MONDAY,06:00,10:00,Warehouse A\nA-2,tuesday,22:00,02:00,\n",
       "csv-comma", "A-1 Mon 06:00-10:00, A-2 Tue 22:00-02:00+1", {}},
      {"comma_without_ids_crlf_quoted_quals",
       "day,start_time,end_time,location,qualifications\r\nMon,04:45,09:15,Vienna,\r\nTue,05:00,09:30,Vienna,\"adr, forklift\"\r\n",
       "csv-comma", "T0001 Mon 04:45-09:15, T0002 Tue 05:00-09:30", {}},
      {"comma_with_count", "day,start,end,count\nMon,04:45,09:15,2\nMon,09:45,14:15,1\nTue,05:00,09:30,1\n", "csv-comma",
       two_days, {}},
      {"canonical_minutes", "tour_id,day,start_min,end_min,duration_min\nT_0_210_1,0,210,480,270\nT_4_1170_1,4,1170,1439,269\n",
       "csv-canonical", "T_0_210_1 Mon 03:30-08:00, T_4_1170_1 Fri 19:30-23:59", {}},
      {"json_api_shape",
       R"({"tours":[{"id":"A","day":"Mon","start_time":"08:00","end_time":"12:00","location":"Nord","required_qualifications":["b","a"]},
                    {"id":"B","day":"sunday","start_time":"22:00","end_time":"06:00"}],"drivers":[],"seed":42})",
       "json", "A Mon 08:00-12:00, B Sun 22:00-06:00+1", {}},
      {"json_start_end_shape", kBom + R"({"description":"x","tours":[{"id":"T001","day":"Tue","start":"06:00","end":"10:00"}]})",
       "json", "T001 Tue 06:00-10:00", {}},
      {"json_bare_array_without_ids", R"([ {"day":"Mon","start":"08:00","end":"12:00"}, {"day":"Montag","start":"12:30","end":"16:30"} ])",
       "json-array", "T0001 Mon 08:00-12:00, T0002 Mon 12:30-16:30", {}},
      {"json_integer_day_and_count", R"({"tours":[{"id":1,"day":1,"start":"08:00","end":"16:00","count":3},{"id":2,"day":7,"start":"08:00","end":"16:00","count":0}]})",
       "json", "1-1 Mon 08:00-16:00, 1-2 Mon 08:00-16:00, 1-3 Mon 08:00-16:00", {}},
      {"json_external_id", R"({"tours":[{"external_id":"T001","day":3,"start_time":"08:00","end_time":"16:00"}]})", "json",
       "T001 Wed 08:00-16:00", {}},
      {"json_count_without_ids", R"([{"day":"Fri","start":"23:00","end":"03:30","count":2},{"day":"Sat","start":"05:00","end":"09:30"}])",
       "json-array", "T0001 Fri 23:00-03:30+1, T0002 Fri 23:00-03:30+1, T0003 Sat 05:00-09:30", {}},
      {"json_empty_tours_array", R"({"tours":[]})", "json", "", {}},
  };
}

void PrintTo(const Accepted& c, std::ostream* os) { *os << c.name; }  // readable ctest names

class AcceptedFormat : public ::testing::TestWithParam<Accepted> {};

TEST_P(AcceptedFormat, ParsesToTheExpectedTours) {
  const Accepted& c = GetParam();
  Forecast f = parse_forecast(c.content, "case.csv");
  EXPECT_EQ(f.format, c.format);
  EXPECT_EQ(summarize(f.tours), c.tours);
  std::vector<int> lines;
  for (const auto& w : f.warnings) {
    lines.push_back(w.line);
    EXPECT_NE(w.message.find("line " + std::to_string(w.line)), std::string::npos) << w.message;
  }
  EXPECT_EQ(lines, c.warning_lines);
  for (const Tour& t : f.tours) {
    EXPECT_GT(t.duration(), 0);
    EXPECT_LE(t.duration(), kMinutesPerDay);
  }
}

INSTANTIATE_TEST_SUITE_P(Table, AcceptedFormat, ::testing::ValuesIn(accepted_cases()),
                         [](const auto& info) { return info.param.name; });

TEST(ForecastDetails, FeiertagWarningNamesLineAndRow) {
  Forecast f = parse_forecast("Montag;Anzahl\n04:45-09:15;1\n;\nDonnerstag;Anzahl\nFeiertag;0\n", "kw.csv");
  ASSERT_EQ(f.warnings.size(), 1u);
  EXPECT_EQ(f.warnings[0].line, 5);
  EXPECT_NE(f.warnings[0].message.find("Feiertag;0"), std::string::npos) << f.warnings[0].message;
  EXPECT_NE(f.warnings[0].message.find("Donnerstag"), std::string::npos) << f.warnings[0].message;
}

TEST(ForecastDetails, JsonLocationAndQualificationsAreKeptSortedUnique) {
  Forecast f = parse_forecast(
      R"({"tours":[{"id":"A","day":"Mon","start_time":"08:00","end_time":"12:00","location":"Nord","required_qualifications":["b","a","b"]},
                   {"id":"B","day":"Mon","start_time":"08:00","end_time":"12:00"}]})",
      "r.json");
  ASSERT_EQ(f.tours.size(), 2u);
  EXPECT_EQ(f.tours[0].location, "Nord");
  EXPECT_EQ(f.tours[0].required_qualifications, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(f.tours[1].location, "DEFAULT");
  EXPECT_TRUE(f.tours[1].required_qualifications.empty());
}

TEST(ForecastDetails, CommaCsvQualificationsAndLocation) {
  Forecast f = parse_forecast("day,start_time,end_time,location,qualifications\nMon,04:45,09:15,Vienna,\"adr, forklift\"\n",
                              "v2.csv");
  ASSERT_EQ(f.tours.size(), 1u);
  EXPECT_EQ(f.tours[0].location, "Vienna");
  EXPECT_EQ(f.tours[0].required_qualifications, (std::vector<std::string>{"adr", "forklift"}));
}

TEST(ForecastDetails, IdsArePaddedToAtLeastFourDigits) {
  std::string csv = "Montag;Anzahl\n04:45-09:15;10000\n08:00-12:00;2\n";
  Forecast f = parse_forecast(csv, "big.csv");
  ASSERT_EQ(f.tours.size(), 10002u);
  EXPECT_EQ(f.tours[0].id, "T0001");
  EXPECT_EQ(f.tours[9998].id, "T9999");
  EXPECT_EQ(f.tours[9999].id, "T10000");
  EXPECT_EQ(f.tours[10001].id, "T10002");
  EXPECT_EQ(f.tours[10001].start, 8 * 60);
}

// ------------------------------------------------------------------ rejected inputs

struct Rejected {
  std::string name;
  std::string content;
  int line;              // expected InputError::line (0 = not line-based)
  std::string path;      // expected InputError::path ("" = none)
  std::string value;     // must occur in InputError::value
  std::string expected;  // must occur in InputError::expected
  std::string problem;   // must occur in InputError::problem
};

std::vector<Rejected> rejected_cases() {
  const std::string h = "Montag;Anzahl\n04:45-09:15;1\n";
  return {
      {"hour_25", h + "25:00-09:30;2\n", 3, "", "25:00-09:30", "HH:MM-HH:MM", "bad time window"},
      {"hour_24", h + "20:00-24:00;1\n", 3, "", "20:00-24:00", "00:00–23:59", "bad time window"},
      {"minute_60", h + "08:60-12:00;1\n", 3, "", "08:60-12:00", "HH:MM-HH:MM", "bad time window"},
      {"malformed_window", h + "4:5-9:15;1\n", 3, "", "4:5-9:15", "HH:MM-HH:MM", "bad time window"},
      {"no_dash", h + "0445;1\n", 3, "", "0445", "HH:MM-HH:MM", "bad time window"},
      {"zero_length", h + "08:00-08:00;1\n", 3, "", "08:00-08:00", "end different from the start", "zero-length"},
      {"negative_count", h + "05:00-09:30;-3\n", 3, "", "-3", "whole number 0..10000", "bad count"},
      {"non_numeric_count", h + "05:00-09:30;zwei\n", 3, "", "zwei", "whole number", "bad count"},
      {"fraction_count", h + "05:00-09:30;1.5\n", 3, "", "1.5", "whole number", "bad count"},
      {"absurd_count", h + "05:00-09:30;10001\n", 3, "", "10001", "0..10000", "bad count"},
      {"huge_count", h + "05:00-09:30;99999999999999999999\n", 3, "", "99999999999999999999", "0..10000", "bad count"},
      {"missing_count", h + "05:00-09:30\n", 3, "", "05:00-09:30", "HH:MM-HH:MM;N", "missing count"},
      {"extra_cell", h + "05:00-09:30;1;7\n", 3, "", "7", "HH:MM-HH:MM;N", "extra cell"},
      {"time_row_before_header", "04:45-09:15;1\nMontag;Anzahl\n", 1, "", "04:45-09:15", "day header", "before any day header"},
      {"junk_first_line", "Hallo Welt\nMontag;Anzahl\n04:45-09:15;1\n", 1, "", "Hallo Welt", "Montag;Anzahl", "expected a day header"},
      {"unknown_day_header", "Funday;Anzahl\n04:45-09:15;1\n", 1, "", "Funday;Anzahl", "Montag;Anzahl", "expected a day header"},
      {"second_section_same_day", h + "Montag;Anzahl\n05:00-09:30;1\n", 3, "", "Montag", "line 1", "second section"},
      {"bad_day_header_label", "Montag;Fahrer\n04:45-09:15;1\n", 1, "", "Montag;Fahrer", "Montag;Anzahl", "bad day header"},
      {"slack_row_inside_csv", h + "Mi 06:00-10:00\n", 3, "", "Mi 06:00-10:00", "HH:MM-HH:MM", "bad time window"},
      {"worded_time_row", h + "ab 06:00;1\n", 3, "", "ab 06:00", "HH:MM-HH:MM", "bad time window"},
      {"label_row_with_positive_count", h + "Sonderschicht;5\n", 3, "", "Sonderschicht;5", "HH:MM-HH:MM", "no time window"},
      {"header_only", "Montag;Anzahl\n;\n", 0, "", "", "HH:MM-HH:MM;N", "no tours found"},
      {"empty_file", "", 0, "", "", "forecast", "empty file"},
      {"whitespace_file", kBom + " \r\n\n\t\n", 0, "", "", "forecast", "empty file"},
      {"binary_garbage", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16), 3, "", "offset 8", "text forecast", "binary"},
      {"utf16", std::string("\xFF\xFEM\0o\0", 6), 0, "", "", "UTF-8", "UTF-16"},
      {"wide_odd_header_missing_label", "Montag;Anzahl;Dienstag\n04:45-09:15;1;05:00-09:30;1\n", 1, "", "", "Anzahl",
       "bad wide header cell 4"},
      {"wide_header_non_day", "Montag;Anzahl;Foo;Anzahl;Dienstag;Anzahl\n04:45-09:15;1;;;;\n", 1, "", "Foo", "day/Anzahl",
       "bad wide header cell 3"},
      {"wide_header_duplicate_day", "Montag;Anzahl;Montag;Anzahl\n04:45-09:15;1;;\n", 1, "", "Montag", "each day once",
       "twice"},
      {"wide_cell_beyond_header", "Montag;Anzahl;Dienstag;Anzahl\n04:45-09:15;1;05:00-09:30;1;x\n", 2, "", "x",
       "4 cells at most", "beyond"},
      {"wide_bad_count", "Montag;Anzahl;Dienstag;Anzahl\n04:45-09:15;1;05:00-09:30;-1\n", 2, "", "-1", "whole number",
       "bad count"},
      {"wide_bad_window", "Montag;Anzahl;Dienstag;Anzahl\n04:45-09:15;1\n;;05:00-24:30;1\n", 3, "", "05:00-24:30",
       "HH:MM-HH:MM", "bad time window"},
      {"wide_count_without_window", "Montag;Anzahl;Dienstag;Anzahl\n04:45-09:15;1;;3\n", 2, "", "3", "HH:MM-HH:MM",
       "count without a time window"},
      {"comma_unknown_header", "foo,bar,baz\n1,2,3\n", 1, "", "foo,bar,baz", "day,start_time,end_time", "unrecognised CSV header"},
      {"comma_unknown_day", "day,start_time,end_time\nFunday,08:00,12:00\n", 2, "", "Funday", "Mon…Sun", "unknown day"},
      {"comma_bad_time", "day,start_time,end_time\nMon,08:00,24:00\n", 2, "", "24:00", "HH:MM", "bad end time"},
      {"comma_missing_value", "day,start_time,end_time\nMon,,12:00\n", 2, "", "Mon,,12:00", "a value", "missing value"},
      {"comma_duplicate_id", "id,day,start,end\nA,Mon,08:00,12:00\nA,Tue,08:00,12:00\n", 3, "", "A", "first at line 2",
       "duplicate tour id"},
      {"comma_zero_length", "day,start,end\nMon,08:00,08:00\n", 2, "", "08:00-08:00", "end different", "zero-length"},
      {"canonical_duration_mismatch", "tour_id,day,start_min,end_min,duration_min\nX,0,210,480,200\n", 2, "", "200", "270",
       "duration"},
      {"canonical_day_out_of_range", "tour_id,day,start_min,end_min\nX,7,210,480\n", 2, "", "7", "0..6", "bad day"},
      {"slack_text", "# Template\n\nMo 06:00-14:00 3 Fahrer\n", 3, "", "Mo 06:00-14:00 3 Fahrer", "Montag;Anzahl",
       "Slack text"},
      {"line_too_long", h + std::string(70000, '7') + "\n", 3, "", "7777777", "65536 bytes", "line too long"},
      {"json_invalid", "{\"tours\": [\n {\"id\": \"A\",\n ", 3, "", "parse error", "valid JSON", "invalid JSON"},
      {"json_bad_time", R"({"tours":[{"id":"A","day":"Mon","start_time":"08:00","end_time":"12:00"},{"id":"B","day":"Mon","start_time":"25:00","end_time":"12:00"}]})",
       0, "tours[1].start_time", "25:00", "HH:MM", "bad time"},
      {"json_24_00", R"({"tours":[{"id":"A","day":"Mon","start":"20:00","end":"24:00"}]})", 0, "tours[0].end", "24:00",
       "00:00–23:59", "bad time"},
      {"json_missing_end", R"({"tours":[{"id":"A","day":"Mon","start_time":"08:00"}]})", 0, "tours[0].end_time", "",
       "HH:MM", "field required"},
      {"json_time_not_string", R"({"tours":[{"id":"A","day":"Mon","start_time":800,"end_time":"12:00"}]})", 0,
       "tours[0].start_time", "800", "HH:MM", "not a string"},
      {"json_duplicate_id", R"({"tours":[{"id":"A","day":"Mon","start":"08:00","end":"12:00"},{"id":"B","day":"Mon","start":"08:00","end":"12:00"},{"id":"A","day":"Tue","start":"08:00","end":"12:00"}]})",
       0, "tours[2].id", "A", "first at tours[0]", "duplicate tour id"},
      {"json_unknown_day", R"({"tours":[{"id":"A","day":"Funday","start":"08:00","end":"12:00"}]})", 0, "tours[0].day",
       "Funday", "1..7", "unknown day"},
      {"json_day_out_of_range", R"({"tours":[{"id":"A","day":8,"start":"08:00","end":"12:00"}]})", 0, "tours[0].day", "8",
       "1..7", "unknown day"},
      {"json_negative_count", R"({"tours":[{"id":"A","day":"Mon","start":"08:00","end":"12:00","count":-1}]})", 0,
       "tours[0].count", "-1", "0..10000", "negative count"},
      {"json_absurd_count", R"({"tours":[{"id":"A","day":"Mon","start":"08:00","end":"12:00","count":10001}]})", 0,
       "tours[0].count", "10001", "0..10000", "too large"},
      {"json_count_string", R"({"tours":[{"id":"A","day":"Mon","start":"08:00","end":"12:00","count":"3"}]})", 0,
       "tours[0].count", "3", "whole number", "not an integer"},
      {"json_zero_length", R"([{"day":"Mon","start":"08:00","end":"08:00"}])", 0, "[0].end_time", "08:00-08:00",
       "end different", "zero-length"},
      {"json_tours_not_array", R"({"tours":{"id":"A"}})", 0, "tours", "id", "array of tour objects", "not a list"},
      {"json_no_tours", R"({"drivers":[]})", 0, "", "drivers", "\"tours\" array", "no tours in JSON"},
      {"json_item_not_object", R"({"tours":[{"id":"A","day":"Mon","start":"08:00","end":"12:00"}, 42]})", 0, "tours[1]",
       "42", "tour object", "not a valid dict"},
      {"json_some_ids_missing", R"({"tours":[{"id":"A","day":"Mon","start":"08:00","end":"12:00"},{"day":"Mon","start":"08:00","end":"12:00"}]})",
       0, "tours[1].id", "", "every tour or none", "field required"},
      {"json_too_deep", std::string(100, '[') + std::string(100, ']'), 1, "", "", "at most 64 levels", "nested too deeply"},
  };
}

void PrintTo(const Rejected& c, std::ostream* os) { *os << c.name; }

class RejectedInput : public ::testing::TestWithParam<Rejected> {};

TEST_P(RejectedInput, ErrorNamesWhereWhatAndExpectation) {
  const Rejected& c = GetParam();
  try {
    Forecast f = parse_forecast(c.content, "forecast.csv");
    FAIL() << "accepted: " << f.tours.size() << " tours";
  } catch (const InputError& e) {
    std::string msg = e.what();
    EXPECT_EQ(e.source, "forecast.csv");
    EXPECT_EQ(e.line, c.line) << msg;
    EXPECT_EQ(e.path, c.path) << msg;
    EXPECT_NE(e.value.find(c.value), std::string::npos) << "value '" << e.value << "' in: " << msg;
    EXPECT_NE(e.expected.find(c.expected), std::string::npos) << "expected '" << e.expected << "' in: " << msg;
    EXPECT_NE(e.problem.find(c.problem), std::string::npos) << "problem '" << e.problem << "' in: " << msg;
    // The message itself carries all of it: "forecast.csv:17: …" or "forecast.csv: tours[3].x: …".
    std::string where = c.line > 0 ? "forecast.csv:" + std::to_string(c.line) + ": " : "forecast.csv: ";
    EXPECT_EQ(msg.rfind(where, 0), 0u) << msg;
    if (!c.path.empty()) {
      EXPECT_NE(msg.find(c.path + ": "), std::string::npos) << msg;
    }
    if (!e.value.empty()) {
      EXPECT_NE(msg.find("'" + e.value + "'"), std::string::npos) << msg;
    }
    if (!e.expected.empty()) {
      EXPECT_NE(msg.find("(expected " + e.expected + ")"), std::string::npos) << msg;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Table, RejectedInput, ::testing::ValuesIn(rejected_cases()),
                         [](const auto& info) { return info.param.name; });

TEST(ForecastErrors, MessageShapeForBadTimeWindow) {
  try {
    std::string csv = "Montag;Anzahl\n";
    for (int i = 0; i < 15; ++i) csv += "04:45-09:15;1\n";
    csv += "25:00-09:30;1\n";
    parse_forecast(csv, "forecast.csv");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "forecast.csv:17: bad time window '25:00-09:30' (expected HH:MM-HH:MM, 00:00–23:59)");
  }
}

TEST(ForecastErrors, TooManyToursFailsAtTheRowThatExceedsTheLimit) {
  // A count bomb: 10000 tours per row would reach 200000 tours at row 21 (line 22).
  std::string csv = "Montag;Anzahl\n";
  for (int i = 0; i < 100; ++i) csv += "04:45-09:15;10000\n";
  try {
    parse_forecast(csv, "bomb.csv");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.line, 22) << e.what();
    EXPECT_NE(e.problem.find("too many tours"), std::string::npos);
  }
}

TEST(ForecastErrors, MissingFileAndDirectory) {
  EXPECT_THROW(read_forecast_file("/nonexistent/forecast.csv"), InputError);
  so::testing::TempDir dir("dir");
  try {
    read_forecast_file(dir.path.string());
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.source, dir.path.string());
    EXPECT_NE(std::string(e.what()).find("directory"), std::string::npos);
  }
}

}  // namespace
}  // namespace so
