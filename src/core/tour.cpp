#include "core/tour.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace so {

Tour make_tour(std::string id, int day, Minutes start_clock, Minutes end_clock, std::string location,
               std::vector<std::string> quals) {
  Tour t;
  t.id = std::move(id);
  t.day = day;
  t.start = start_clock;
  t.end = end_clock > start_clock ? end_clock : end_clock + kMinutesPerDay;
  t.location = location.empty() ? "DEFAULT" : std::move(location);
  std::sort(quals.begin(), quals.end());
  quals.erase(std::unique(quals.begin(), quals.end()), quals.end());
  t.required_qualifications = std::move(quals);
  return t;
}

std::vector<TourType> aggregate_tour_types(const std::vector<Tour>& tours) {
  using Key = std::tuple<int, Minutes, Minutes, std::string, std::vector<std::string>>;
  std::map<Key, std::vector<int>> groups;  // ordered map: canonical, never hash order
  for (int i = 0; i < static_cast<int>(tours.size()); ++i) {
    const Tour& t = tours[static_cast<size_t>(i)];
    groups[Key{t.day, t.start, t.end, t.location, t.required_qualifications}].push_back(i);
  }
  std::vector<TourType> out;
  out.reserve(groups.size());
  for (auto& [key, idx] : groups) {
    TourType tt;
    std::tie(tt.day, tt.start, tt.end, tt.location, tt.required_qualifications) = key;
    tt.tours = std::move(idx);
    out.push_back(std::move(tt));
  }
  return out;
}

}  // namespace so
