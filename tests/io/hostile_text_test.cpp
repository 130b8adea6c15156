// Control characters in ids and names, and spreadsheets uploaded as forecasts (issue 12 item 10).
#include <gtest/gtest.h>

#include <functional>

#include "io/changes_json.hpp"
#include "io/drivers.hpp"
#include "io/forecast.hpp"
#include "io/json_input.hpp"
#include "io/plan_json.hpp"

namespace so {
namespace {

using nlohmann::json;

InputError error_of(const std::function<void()>& parse) {
  try {
    parse();
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "accepted";
  return InputError::whole("", "");
}

TEST(ControlCharacters, NulInATourIdIsRefusedNamingFieldAndEscapedValue) {
  // JSON "\u0000" decodes to a real NUL byte inside the id.
  InputError e = error_of([] {
    (void)parse_forecast(R"({"tours":[{"id":"T\u00001","day":"Mon","start_time":"08:00","end_time":"12:00"}]})", "week.json");
  });
  EXPECT_EQ(e.path, "tours[0].id");
  EXPECT_EQ(e.problem, "control character in tour id");
  EXPECT_EQ(e.value, "T\\x001");
  EXPECT_EQ(std::string(e.what()),
            "week.json: tours[0].id: control character in tour id 'T\\x001' (expected printable UTF-8 text without control characters)");
  // Location and qualifications too; an escape sequence as much as a NUL.
  EXPECT_EQ(error_of([] {
              (void)parse_forecast(R"([{"day":"Mon","start":"08:00","end":"12:00","location":"A\u001b[2J"}])", "w.json");
            }).path,
            "[0].location");
  EXPECT_EQ(error_of([] {
              (void)parse_forecast(R"([{"day":"Mon","start":"08:00","end":"12:00","required_qualifications":["ADR","K\u007f"]}])", "w.json");
            }).path,
            "[0].required_qualifications[1]");
}

TEST(ControlCharacters, CommaCsvCellsNameLineAndColumn) {
  InputError e = error_of([] { (void)parse_forecast("id,day,start,end\nA,Mon,08:00,12:00\nB\x01X,Tue,08:00,12:00\n", "w.csv"); });
  EXPECT_EQ(e.line, 3);
  EXPECT_EQ(e.problem, "control character in column 'id'");
  EXPECT_EQ(e.value, "B\\x01X");
  EXPECT_EQ(error_of([] { (void)parse_forecast("tour_id,day,start_min,end_min\nX\x1f,0,300,500\n", "c.csv"); }).line, 2);
}

TEST(ControlCharacters, DriversLocksAndChangesRefuseThem) {
  InputError name = error_of([] { (void)parse_driver_input(R"([{"id":"D1","name":"Anna\u0000"}])", "pool.json"); });
  EXPECT_EQ(name.path, "[0].name");
  EXPECT_EQ(name.value, "Anna\\x00");
  EXPECT_EQ(error_of([] { (void)parse_driver_input(R"([{"id":"D\n1"}])", "pool.json"); }).path, "[0].id");
  InputError csv = error_of([] { (void)parse_driver_input("id,name\nD1,Anna\nD2,Ben\x07\n", "pool.csv"); });
  EXPECT_EQ(csv.line, 3);
  EXPECT_EQ(csv.path, "name");
  EXPECT_EQ(csv.value, "Ben\\x07");
  EXPECT_EQ(error_of([] { (void)parse_locks(R"([{"driver_id":"D1","tour_ids":["T1","T\u00002"]}])", "locks.json"); }).path,
            "[0].tour_ids[1]");
  InputError ch = error_of([] {
    (void)parse_changes(R"({"frozen_until":{"day":"Mon","time":"00:00"},"changes":{"tours_cancelled":["T\u0000"]}})", "c.json");
  });
  EXPECT_EQ(ch.path, "changes.tours_cancelled[0]");
  EXPECT_NE(ch.problem.find("T\\x00"), std::string::npos) << ch.what();
  EXPECT_NE(ch.problem.find("control characters"), std::string::npos) << ch.what();
  const std::vector<Tour> tours = {make_tour("T1", 0, 360, 600)};
  InputError plan = error_of([&] {
    (void)plan_from_json(json::parse(R"({"drivers":[{"driver_id":"D\u00001","blocks":[]}]})"), tours, "plan.json");
  });
  EXPECT_EQ(plan.path, "drivers[0].driver_id");
}

// A Latin-1 (Windows-1252) CSV export: "\xC4rger" is not UTF-8. The id or name reached the plan and
// writing its JSON failed after the solve ("invalid JSON: type_error.316", HTTP 500 for a CSV body).
TEST(ControlCharacters, CsvTextThatIsNotUtf8IsRefusedWhereItWouldReachTheOutput) {
  InputError tour = error_of([] { (void)parse_forecast("id,day,start,end,location\nA,Mon,08:00,12:00,K\xF6ln\n", "w.csv"); });
  EXPECT_EQ(tour.line, 2);
  EXPECT_EQ(tour.problem, "invalid UTF-8 in column 'location'");
  EXPECT_EQ(tour.value, "K\\xf6ln");
  EXPECT_NE(tour.expected.find("UTF-8"), std::string::npos);
  InputError driver = error_of([] { (void)parse_driver_input("id,name\nD1,\xC4rger\n", "pool.csv"); });
  EXPECT_EQ(driver.line, 2);
  EXPECT_EQ(driver.path, "name");
  EXPECT_EQ(driver.problem, "invalid UTF-8");
  // A label that never reaches an output stays tolerated in a Latin-1 file (a skipped row).
  const Forecast f = parse_forecast("Montag;Anzahl\nFr\xFChdienst;0\n06:00-10:30;1\n", "w.csv");
  EXPECT_EQ(f.tours.size(), 1u);
  EXPECT_EQ(f.warnings.size(), 1u);
  // Proper UTF-8 is fine.
  EXPECT_EQ(parse_driver_input("id,name\nD1,\xC3\x84rger\n", "pool.csv").drivers.at(0).name, "\xC3\x84rger");
}

// Byte sequences that look like UTF-8 but are not well formed (RFC 3629): the fuzzer found an
// overlong "\xC0\x8A" (a disguised newline) in a driver name that passed the check and then made
// the JSON writer throw. Each must be refused like any other broken text.
TEST(ControlCharacters, IllFormedUtf8ThatLooksLikeUtf8IsRefusedToo) {
  const std::vector<std::string> ill_formed = {
      "\xC0\x8A",          // overlong newline (two bytes)
      "\xC1\xBF",          // overlong '\x7f'
      "\xE0\x80\xAF",      // overlong '/' (three bytes)
      "\xF0\x80\x80\xAF",  // overlong '/' (four bytes)
      "\xED\xA0\x80",      // UTF-16 surrogate U+D800
      "\xF4\x90\x80\x80",  // U+110000, above Unicode
      "\xF5\x80\x80\x80",  // lead byte that never starts a sequence
      "\xC3",              // truncated
  };
  for (const std::string& bad : ill_formed) {
    SCOPED_TRACE(printable_value(bad));
    const auto defect = text_defect("Anna " + bad);
    ASSERT_TRUE(defect.has_value());
    EXPECT_EQ(std::string(defect->type), "value_error.str.utf8");
    InputError e = error_of([&] { (void)parse_driver_input("id,name\nD1,Anna " + bad + "\n", "pool.csv"); });
    EXPECT_EQ(e.line, 2);
    EXPECT_EQ(e.path, "name");
  }
  // The edges of the valid ranges stay valid: U+0080, U+07FF, U+0800, U+D7FF, U+E000, U+10000, U+10FFFF.
  for (const std::string good : {"\xC2\x80", "\xDF\xBF", "\xE0\xA0\x80", "\xED\x9F\xBF", "\xEE\x80\x80", "\xF0\x90\x80\x80",
                                 "\xF4\x8F\xBF\xBF"}) {
    SCOPED_TRACE(printable_value(good));
    EXPECT_FALSE(text_defect(good).has_value());
    EXPECT_NO_THROW((void)json(good).dump());  // what the writer accepts
  }
}

TEST(ControlCharacters, TheHttpLayerReportsThemAs422Problems) {
  std::vector<JsonProblem> problems;
  json tours = json::parse(R"([{"id":"T\u00001","day":"Mon","start_time":"08:00","end_time":"12:00"}])");
  EXPECT_TRUE(tours_from_json(tours, problems).empty());
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].loc, json::array({"body", "tours", 0, "id"}));
  EXPECT_EQ(problems[0].type, "value_error.str.control");
  EXPECT_NE(problems[0].msg.find("T\\x001"), std::string::npos) << problems[0].msg;
  // Printable Unicode stays fine.
  problems.clear();
  json ok = json::parse(R"([{"id":"Tour Ä–1","day":"Mon","start_time":"08:00","end_time":"12:00","location":"Köln"}])");
  EXPECT_EQ(tours_from_json(ok, problems).size(), 1u);
  EXPECT_TRUE(problems.empty());
}

TEST(Spreadsheets, AnXlsxForecastSaysSoAndHowToFixIt) {
  const std::string xlsx = std::string("PK\x03\x04\x14\x00\x06\x00", 8) + std::string(200, '\0') + "[Content_Types].xml";
  InputError e = error_of([&] { (void)parse_forecast(xlsx, "Forecast KW51.xlsx"); });
  EXPECT_EQ(e.problem, "looks like an Excel file (XLSX), not text");
  EXPECT_NE(e.expected.find("CSV UTF-8"), std::string::npos) << e.what();
  EXPECT_EQ(std::string(e.what()).rfind("Forecast KW51.xlsx:1: ", 0), 0u) << e.what();
  const std::string xls = std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(100, '\0');
  EXPECT_EQ(error_of([&] { (void)parse_forecast(xls, "f.xls"); }).problem, "looks like an Excel file (XLS), not text");
  EXPECT_EQ(error_of([&] { (void)parse_driver_input(xlsx, "drivers.xlsx"); }).problem,
            "looks like an Excel file (XLSX), not text");
  // Other binary content keeps its message.
  EXPECT_NE(error_of([] { (void)parse_forecast(std::string("ab\0cd", 5), "f.bin"); }).problem.find("NUL byte"),
            std::string::npos);
}

}  // namespace
}  // namespace so
