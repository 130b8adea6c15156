// libFuzzer: the forecast parser, every format it detects (CSV long / wide / comma / canonical,
// `;`/TAB/`,`, BOM, CRLF; JSON object and bare array). Accepted input must give tours the solver
// can rely on: a day of the week, 0 < length <= 24 h, a unique printable id, texts JSON can hold.
#include <set>

#include "fuzz_week.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace so;
  try {
    const Forecast f = parse_forecast(fuzz::text_of(data, size), "fuzz.csv");
    std::set<std::string> ids;
    nlohmann::json out = nlohmann::json::array();
    for (const Tour& t : f.tours) {
      out.push_back({t.id, t.location, t.required_qualifications});
      fuzz::require(t.day >= 0 && t.day < kDaysPerWeek);
      fuzz::require(t.duration() > 0 && t.duration() <= kMinutesPerDay);
      fuzz::require(!t.id.empty() && !text_defect(t.id));
      fuzz::require(ids.insert(t.id).second);
    }
    fuzz::require(!check_tours_semantics(f.tours));
    (void)out.dump();  // every text can be written as JSON (throws on bytes that are not UTF-8)
  } catch (const InputError&) {
  }
  return 0;
}
