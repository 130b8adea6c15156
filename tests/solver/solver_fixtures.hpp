#pragma once
// Hand-made forecasts for solver tests: tours T1, T2, … added one window (times n) at a time.
#include <stdexcept>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "core/tour.hpp"

namespace so::fixtures {

enum Day { Mon = 0, Tue, Wed, Thu, Fri, Sat, Sun };

inline Minutes hm(const char* text) {
  auto m = parse_hhmm(text);
  if (!m) throw std::invalid_argument(std::string("bad HH:MM in test: ") + text);
  return *m;
}

struct Forecast {
  std::vector<Tour> tours;
  Forecast& add(int day, const char* start, const char* end, int n = 1, const std::string& location = "DEFAULT") {
    for (int k = 0; k < n; ++k)
      tours.push_back(make_tour("T" + std::to_string(tours.size() + 1), day, hm(start), hm(end), location));
    return *this;
  }
  std::vector<TourType> types() const { return aggregate_tour_types(tours); }
};

}  // namespace so::fixtures
