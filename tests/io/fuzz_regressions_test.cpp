// Every input the fuzz targets (fuzz/, scripts/fuzz.sh) found to break an invariant or crash,
// kept as a regression test of the normal suite.
#include <gtest/gtest.h>

#include "io/forecast.hpp"

namespace so {
namespace {

InputError forecast_error(const std::string& text) {
  try {
    const Forecast f = parse_forecast(text, "f.csv");
    ADD_FAILURE() << "accepted " << f.tours.size() << " tours";
  } catch (const InputError& e) {
    return e;
  }
  return InputError::whole("", "");
}

// fuzz_forecast: a comma CSV row with a count made ids that another row wrote out too,
// giving two tours with the same id (the JSON reader already refused this).
TEST(FuzzRegressions, CountExpandedIdsMeetingWrittenIdsAreDuplicates) {
  InputError later = forecast_error("id,day,start,end,count\nA,Mon,08:00,12:00,2\nA-1,Tue,08:00,12:00,1\n");
  EXPECT_EQ(later.line, 3);
  EXPECT_EQ(later.problem, "duplicate tour id");
  EXPECT_EQ(later.value, "A-1");
  EXPECT_NE(later.expected.find("line 2"), std::string::npos) << later.what();
  InputError earlier = forecast_error("id,day,start,end,count\nA-2,Tue,08:00,12:00,1\nA,Mon,08:00,12:00,3\n");
  EXPECT_EQ(earlier.line, 3);
  EXPECT_EQ(earlier.value, "A-2");
  EXPECT_NE(earlier.expected.find("line 2"), std::string::npos) << earlier.what();
  // Distinct ids stay fine.
  EXPECT_EQ(parse_forecast("id,day,start,end,count\nA,Mon,08:00,12:00,2\nB-1,Tue,08:00,12:00,1\n", "f.csv").tours.size(), 3u);
}

}  // namespace
}  // namespace so
