// Every file of the reference data folder (SO_SHARED_DIR/data/reference, read in place, never
// copied) is either a forecast that parses to the documented tour counts, or is rejected with a
// clear error. SOURCES.md there documents the counts.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <map>
#include <tuple>

#include "io/forecast.hpp"

namespace so {
namespace {

namespace fs = std::filesystem;

fs::path reference_dir() { return fs::path(SO_SHARED_DIR) / "data" / "reference"; }

#define REQUIRE_REFERENCE_DATA()                                                                             \
  if (!fs::is_directory(reference_dir()))                                                                    \
  GTEST_SKIP() << "reference data not available at " << reference_dir() << " (SO_SHARED_DIR); skipping"

using Key = std::tuple<int, Minutes, Minutes>;

std::vector<Key> multiset(const std::vector<Tour>& tours) {
  std::vector<Key> keys;
  for (const Tour& t : tours) keys.emplace_back(t.day, t.start, t.end);
  std::sort(keys.begin(), keys.end());
  return keys;
}

std::array<int, 7> per_day(const std::vector<Tour>& tours) {
  std::array<int, 7> n{};
  for (const Tour& t : tours) ++n[static_cast<size_t>(t.day)];
  return n;
}

Forecast read(const std::string& name) { return read_forecast_file((reference_dir() / name).string()); }

struct Expect {
  size_t tours;
  std::string format;
  std::array<int, 7> per_day;  // all -1 = not checked
  size_t warnings;
};

constexpr std::array<int, 7> kAny = {-1, -1, -1, -1, -1, -1, -1};
constexpr std::array<int, 7> kRefWeek = {259, 201, 196, 191, 297, 241, 0};
constexpr std::array<int, 7> kKw51 = {290, 394, 266, 0, 322, 0, 0};

const std::map<std::string, Expect>& forecasts() {
  static const std::map<std::string, Expect> m = {
      {"forecast_input.csv", {1385, "csv-long", kRefWeek, 0}},
      {"forecast_test.csv", {1385, "csv-long", kRefWeek, 0}},
      {"forecast-test.txt", {1385, "csv-long", kRefWeek, 0}},
      {"forecast_input_neu.csv", {1385, "csv-wide", kRefWeek, 0}},
      {"forecast-test.json", {1385, "json", kRefWeek, 0}},
      {"test_request.json", {1385, "json", kRefWeek, 0}},
      {"forecast_kw51.csv", {1272, "csv-long", kKw51, 1}},
      {"forecast_kw51_filtered.csv", {1272, "csv-long", kKw51, 0}},
      {"forecast_kw51_converted.csv", {1272, "csv-canonical", kKw51, 0}},
      {"forecast_ci_test_v1_769tours.csv", {769, "csv-long", {112, 101, 115, 116, 199, 126, 0}, 0}},
      {"forecast_ci_test_v2_89tours.csv", {89, "csv-comma", {15, 14, 15, 14, 18, 13, 0}, 0}},
      {"sample_tours.csv", {15, "csv-comma", kAny, 0}},
      {"example-easy.json", {6, "json-array", {3, 3, 0, 0, 0, 0, 0}, 0}},
      {"example-complex.json", {18, "json-array", {0, 0, 8, 6, 4, 0, 0}, 0}},
      {"forecast_small.json", {10, "json", {2, 2, 2, 2, 2, 0, 0}, 0}},
      {"forecast_medium.json", {30, "json", {5, 5, 5, 5, 5, 5, 0}, 0}},
      {"forecast_large.json", {80, "json", {12, 12, 12, 12, 12, 10, 10}, 0}},
      {"gurkerl_small_input.json", {10, "json", {3, 3, 3, 1, 0, 0, 0}, 0}},
      {"gurkerl_test_input.json", {10, "json", {3, 3, 3, 1, 0, 0, 0}, 0}},
  };
  return m;
}

// Files that are not forecasts (or a format we reject on purpose) and the problem they must report.
const std::map<std::string, std::string>& rejected() {
  static const std::map<std::string, std::string> m = {
      {"forecast_template_slack.txt", "Slack text forecast format is not supported"},
      {"parser_fixtures_slack.json", "no tours in JSON"},
      {"sample_drivers.csv", "unrecognised CSV header"},
  };
  return m;
}

TEST(ReferenceData, EveryFileIsClassifiedAndParsesAsDocumented) {
  REQUIRE_REFERENCE_DATA();
  int seen = 0;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(reference_dir())) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const fs::path& p : files) {
    std::string name = p.filename().string();
    if (name == "SOURCES.md") continue;
    ++seen;
    SCOPED_TRACE(name);
    if (auto it = forecasts().find(name); it != forecasts().end()) {
      Forecast f = read(name);
      EXPECT_EQ(f.tours.size(), it->second.tours);
      EXPECT_EQ(f.format, it->second.format);
      EXPECT_EQ(f.warnings.size(), it->second.warnings);
      if (it->second.per_day != kAny) {
        EXPECT_EQ(per_day(f.tours), it->second.per_day);
      }
      for (const Tour& t : f.tours) EXPECT_GT(t.duration(), 0);
    } else if (auto r = rejected().find(name); r != rejected().end()) {
      try {
        read(name);
        ADD_FAILURE() << "accepted";
      } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find(r->second), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
      }
    } else {
      ADD_FAILURE() << "reference file not classified by this test";
    }
  }
  EXPECT_EQ(seen, static_cast<int>(forecasts().size() + rejected().size()));
}

TEST(ReferenceData, ReferenceWeekFilesGiveIdenticalTourMultisets) {
  REQUIRE_REFERENCE_DATA();
  auto base = multiset(read("forecast_input.csv").tours);
  ASSERT_EQ(base.size(), 1385u);
  for (const char* other : {"forecast_test.csv", "forecast-test.txt", "forecast_input_neu.csv", "forecast-test.json",
                            "test_request.json"})
    EXPECT_EQ(multiset(read(other).tours), base) << other;
  Minutes work = 0;
  for (const Tour& t : read("forecast_input.csv").tours) work += t.duration();
  EXPECT_EQ(work, 6232 * 60 + 30);  // 6232.5 h (SOURCES.md)
}

TEST(ReferenceData, CsvIdsFollowFileOrderLikeTheReferenceJson) {
  // forecast-test.json numbers the tours of forecast_input.csv row by row: T0001…T1385.
  REQUIRE_REFERENCE_DATA();
  auto csv = read("forecast_input.csv").tours;
  auto json = read("forecast-test.json").tours;
  ASSERT_EQ(csv.size(), json.size());
  for (size_t i = 0; i < csv.size(); ++i) {
    ASSERT_EQ(csv[i].id, json[i].id) << i;
    ASSERT_EQ(std::tie(csv[i].day, csv[i].start, csv[i].end), std::tie(json[i].day, json[i].start, json[i].end)) << i;
  }
  EXPECT_EQ(csv.front().id, "T0001");
  EXPECT_EQ(csv.back().id, "T1385");
  // The TAB/CRLF variant numbers identically.
  auto txt = read("forecast-test.txt").tours;
  for (size_t i = 0; i < csv.size(); ++i) ASSERT_EQ(txt[i].id + format_hhmm(txt[i].start), csv[i].id + format_hhmm(csv[i].start));
}

TEST(ReferenceData, Kw51HolidayWarningAndConvertedExpansion) {
  REQUIRE_REFERENCE_DATA();
  Forecast f = read("forecast_kw51.csv");
  ASSERT_EQ(f.warnings.size(), 1u);
  EXPECT_EQ(f.warnings[0].line, 179);
  EXPECT_NE(f.warnings[0].message.find("Feiertag"), std::string::npos);
  EXPECT_EQ(multiset(f.tours), multiset(read("forecast_kw51_filtered.csv").tours));
  EXPECT_EQ(multiset(f.tours), multiset(read("forecast_kw51_converted.csv").tours));
  int ending_2359 = 0;
  for (const Tour& t : f.tours) ending_2359 += t.end == 23 * 60 + 59;
  EXPECT_EQ(ending_2359, 13);
}

TEST(ReferenceData, GurkerlIntegerDaysAndIds) {
  REQUIRE_REFERENCE_DATA();
  auto small = read("gurkerl_small_input.json").tours;
  auto test = read("gurkerl_test_input.json").tours;
  ASSERT_EQ(small.size(), 10u);
  EXPECT_EQ(small[0].id, "1");
  EXPECT_EQ(test[0].id, "T001");
  EXPECT_EQ(multiset(small), multiset(test));
  EXPECT_EQ(small[9].day, 3);  // day 4 = Thursday
}

}  // namespace
}  // namespace so
