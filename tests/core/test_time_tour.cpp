// domain.md §2–§3: time parsing, tours, tour types.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

#include "core/time.hpp"
#include "core/tour.hpp"
#include "core_fixtures.hpp"

namespace so {
namespace {

TEST(ParseHhmm, AcceptsClockTimes) {
  EXPECT_EQ(parse_hhmm("00:00"), 0);
  EXPECT_EQ(parse_hhmm("07:05"), 425);
  EXPECT_EQ(parse_hhmm("7:05"), 425);  // one-digit hour is fine
  EXPECT_EQ(parse_hhmm("23:59"), 1439);
  EXPECT_EQ(parse_hhmm("12:00"), 720);
}

TEST(ParseHhmm, RejectsEverythingElse) {
  for (const char* bad : {"24:00", "7:5", "12:60", "", ":", "12:", ":30", "123:00", "12-30", " 7:05", "07:05 ", "-1:00",
                          "ab:cd", "12:3x", "1200", "07:05:00", "+7:05"})
    EXPECT_FALSE(parse_hhmm(bad).has_value()) << "'" << bad << "'";
}

TEST(FormatHhmm, PadsAndWrapsAtMidnight) {
  EXPECT_EQ(format_hhmm(0), "00:00");
  EXPECT_EQ(format_hhmm(425), "07:05");
  EXPECT_EQ(format_hhmm(1439), "23:59");
  EXPECT_EQ(format_hhmm(1440), "00:00");
  EXPECT_EQ(format_hhmm(1560), "02:00");  // end of a 22:00–02:00 tour
  for (Minutes m = 0; m < 1440; m += 7) EXPECT_EQ(parse_hhmm(format_hhmm(m)), m);
}

TEST(ParseDay, AllLanguagesAllDays) {
  const char* en_short[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  const char* en_long[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
  const char* de_long[] = {"Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"};
  const char* de_short[] = {"Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"};
  for (int d = 0; d < 7; ++d) {
    EXPECT_EQ(parse_day(en_short[d]), d) << en_short[d];
    EXPECT_EQ(parse_day(en_long[d]), d) << en_long[d];
    EXPECT_EQ(parse_day(de_long[d]), d) << de_long[d];
    EXPECT_EQ(parse_day(de_short[d]), d) << de_short[d];
    EXPECT_EQ(day_short_name(d), en_short[d]);
    EXPECT_EQ(day_german_name(d), de_long[d]);
  }
  EXPECT_EQ(parse_day("MONTAG"), 0);
  EXPECT_EQ(parse_day("freitag"), 4);
  EXPECT_EQ(parse_day("sUnDaY"), 6);
  EXPECT_FALSE(parse_day("Funday").has_value());
  EXPECT_FALSE(parse_day("").has_value());
  EXPECT_FALSE(parse_day("Montagabend").has_value());
}

TEST(MakeTour, SameDayTour) {
  Tour t = make_tour("T1", 2, 360, 630);
  EXPECT_EQ(t.duration(), 270);
  EXPECT_EQ(t.week_start(), 2 * 1440 + 360);
  EXPECT_EQ(t.week_end(), 2 * 1440 + 630);
  EXPECT_FALSE(t.crosses_midnight());
  EXPECT_EQ(t.location, "DEFAULT");
}

TEST(MakeTour, CrossMidnightBelongsToStartDayEndsNextDay) {
  Tour t = make_tour("T1", Mon, test::hm("22:00"), test::hm("02:00"));
  EXPECT_EQ(t.day, Mon);
  EXPECT_EQ(t.duration(), 240);  // 1440 - 1320 + 120
  EXPECT_TRUE(t.crosses_midnight());
  EXPECT_EQ(t.week_end(), 1440 + 120);  // Tue 02:00 week-linear
  // Ending exactly at midnight: the end clock 00:00 is not after the start, so it crosses (§2).
  Tour m = make_tour("T2", Sat, test::hm("20:00"), test::hm("00:00"));
  EXPECT_EQ(m.duration(), 240);
  EXPECT_TRUE(m.crosses_midnight());
  EXPECT_EQ(m.week_end(), 6 * 1440);  // Sun 00:00
}

TEST(MakeTour, NormalisesLocationAndQualifications) {
  Tour t = make_tour("T1", 0, 60, 120, "", {"b", "a", "b"});
  EXPECT_EQ(t.location, "DEFAULT");
  EXPECT_EQ(t.required_qualifications, (std::vector<std::string>{"a", "b"}));
}

TEST(AggregateTourTypes, CanonicalOrderIndependentOfInputOrder) {
  test::Week w;
  w.tour(Tue, "06:00", "10:30");
  w.tour(Mon, "11:00", "15:30");
  w.tour(Mon, "06:00", "10:30", "B");
  w.tour(Mon, "06:00", "10:30");
  w.tour(Tue, "06:00", "10:30");
  w.tour(Mon, "06:00", "10:30");
  w.tour(Mon, "06:00", "11:00");
  const auto types = aggregate_tour_types(w.tours);
  ASSERT_EQ(types.size(), 5u);
  // (day, start, end, location, quals)
  EXPECT_EQ(types[0].day, Mon);
  EXPECT_EQ(types[0].location, "B");  // "B" < "DEFAULT"
  EXPECT_EQ(types[1].location, "DEFAULT");
  EXPECT_EQ(types[1].tours, (std::vector<int>{3, 5}));  // ascending instance order
  EXPECT_EQ(types[2].end, test::hm("11:00"));
  EXPECT_EQ(types[3].start, test::hm("11:00"));
  EXPECT_EQ(types[4].day, Tue);
  EXPECT_EQ(types[4].count(), 2);

  // Shuffle the input: the same type sequence (by content and tour ids) must come out.
  auto describe = [](const std::vector<Tour>& tours, const std::vector<TourType>& ts) {
    std::vector<std::string> out;
    for (const auto& t : ts) {
      std::string s = std::to_string(t.day) + "/" + std::to_string(t.start) + "/" + std::to_string(t.end) + "/" +
                      t.location + ":";
      std::vector<std::string> ids;
      for (int i : t.tours) ids.push_back(tours[static_cast<size_t>(i)].id);
      std::sort(ids.begin(), ids.end());
      for (auto& id : ids) s += id + ",";
      out.push_back(s);
    }
    return out;
  };
  const auto expected = describe(w.tours, types);
  std::mt19937 rng(7);
  for (int round = 0; round < 10; ++round) {
    std::vector<Tour> shuffled = w.tours;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    auto ts = aggregate_tour_types(shuffled);
    EXPECT_EQ(describe(shuffled, ts), expected);
    for (const auto& t : ts) EXPECT_TRUE(std::is_sorted(t.tours.begin(), t.tours.end()));
  }
}

TEST(AggregateTourTypes, QualificationsSplitTypes) {
  std::vector<Tour> tours = {make_tour("A", 0, 60, 120, "DEFAULT", {"x"}), make_tour("B", 0, 60, 120),
                             make_tour("C", 0, 60, 120, "DEFAULT", {"x"})};
  auto types = aggregate_tour_types(tours);
  ASSERT_EQ(types.size(), 2u);
  EXPECT_TRUE(types[0].required_qualifications.empty());
  EXPECT_EQ(types[0].tours, (std::vector<int>{1}));
  EXPECT_EQ(types[1].tours, (std::vector<int>{0, 2}));
}

TEST(AggregateTourTypes, EmptyForecast) { EXPECT_TRUE(aggregate_tour_types({}).empty()); }

}  // namespace
}  // namespace so
