// The German CSV form (io/csv_german): renames and decimal commas only, quotes kept intact.
#include <gtest/gtest.h>

#include "io/csv_german.hpp"

namespace so {
namespace {

TEST(CsvGerman, RosterGetsDecimalCommaAndGermanBlockNamesOnlyWhereMeant) {
  const std::string csv =
      "\xEF\xBB\xBF" "Fahrer;Montag;Dienstag;Mittwoch;Donnerstag;Freitag;Samstag;Sonntag;Stunden;Typ\n"
      "\"Dr. A; B\";04:45-09:15/09:45-14:15 [2er-regular];-;-;-;-;-;-;9.00;PT\n"
      "D2;05:00-09:30 [1er];06:00-10:00/15:00-19:00 [2er-split];-;-;-;-;-;8.50;PT\n";
  EXPECT_EQ(roster_csv_german(csv),
            "\xEF\xBB\xBF" "Fahrer;Montag;Dienstag;Mittwoch;Donnerstag;Freitag;Samstag;Sonntag;Stunden;Typ\n"
            "\"Dr. A; B\";04:45-09:15/09:45-14:15 [2er regul\xC3\xA4r];-;-;-;-;-;-;9,00;PT\n"
            "D2;05:00-09:30 [1er];06:00-10:00/15:00-19:00 [2er geteilt];-;-;-;-;-;8,50;PT\n");
}

TEST(CsvGerman, ToursGetGermanHeaderDaysBlockIdsAndABom) {
  const std::string csv =
      "driver;driver_name;day;block_id;block_type;tour_id;start;end;reason_codes;locked;changed_from\n"
      "F1;\"Ott; Carla\";Wed;F1-Wed;2er-split;T4;07:00;11:00;;yes;new\n"
      ";;Tue;;unassigned;T3;06:00;10:00;NO_AVAILABLE_DRIVER;;\n";
  EXPECT_EQ(tours_csv_german(csv),
            "\xEF\xBB\xBF" "Fahrer;Name;Tag;Block;Blocktyp;Tour;Beginn;Ende;Gr\xC3\xBCnde;fest;vorher_bei\n"
            "F1;\"Ott; Carla\";Mittwoch;F1-Mi;2er geteilt;T4;07:00;11:00;;ja;neu\n"
            ";;Dienstag;;nicht zugeteilt;T3;06:00;10:00;NO_AVAILABLE_DRIVER;;\n");
}

TEST(CsvGerman, WithTheWeekTheDaysCarryTheirDates) {
  const std::string roster =
      "\xEF\xBB\xBF" "Fahrer;Montag;Dienstag;Mittwoch;Donnerstag;Freitag;Samstag;Sonntag;Stunden;Typ\n"
      "D1;-;-;-;-;-;-;05:00-09:30 [1er];4.50;PT\n";
  EXPECT_EQ(roster_csv_german(roster, "2029-12-31"),
            "\xEF\xBB\xBF" "Fahrer;Montag 31.12.2029;Dienstag 01.01.2030;Mittwoch 02.01.2030;Donnerstag 03.01.2030;"
            "Freitag 04.01.2030;Samstag 05.01.2030;Sonntag 06.01.2030;Stunden;Typ\n"
            "D1;-;-;-;-;-;-;05:00-09:30 [1er];4,50;PT\n");
  const std::string tours = "driver;day;block_id;block_type;tour_id;start;end\nD1;Sun;D1-Sun;1er;T1;05:00;09:30\n";
  EXPECT_EQ(tours_csv_german(tours, "2029-12-31"),
            "\xEF\xBB\xBF" "Fahrer;Tag;Datum;Block;Blocktyp;Tour;Beginn;Ende\nD1;Sonntag;06.01.2030;D1-So;1er;T1;05:00;09:30\n");
  EXPECT_EQ(tours_csv_german(tours, "not-a-date"), tours_csv_german(tours));  // no week: no Datum column
}

}  // namespace
}  // namespace so
