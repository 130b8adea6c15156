#pragma once
// Tours and tour types (domain.md §2–§3).
#include <string>
#include <vector>

#include "core/time.hpp"

namespace so {

struct Tour {
  std::string id;
  int day = 0;             // start day, Mon=0 … Sun=6
  Minutes start = 0;       // minute of the start day, 0..1439
  Minutes end = 0;         // minutes after the start day's 00:00; start < end <= start + 1440 (>= 1440 crosses midnight)
  std::string location = "DEFAULT";
  std::vector<std::string> required_qualifications;  // sorted, unique

  Minutes duration() const { return end - start; }
  Minutes week_start() const { return week_minute(day, start); }
  Minutes week_end() const { return week_minute(day, end); }
  // domain.md §2: the end clock is not after the start clock, so an end at 00:00 (== 1440) crosses too.
  bool crosses_midnight() const { return end >= kMinutesPerDay; }
};

// Builds a tour from clock times; an end clock time not after the start crosses midnight.
// Returns nullopt-equivalent via `ok=false` for a zero-length tour (start == end is invalid input).
Tour make_tour(std::string id, int day, Minutes start_clock, Minutes end_clock, std::string location = "DEFAULT",
               std::vector<std::string> quals = {});

// Identical tours (day, start, end, location, qualifications) aggregated with a count.
struct TourType {
  int day = 0;
  Minutes start = 0;
  Minutes end = 0;
  std::string location;
  std::vector<std::string> required_qualifications;
  std::vector<int> tours;  // indices into the tour list, ascending (instance order breaks ties)

  int count() const { return static_cast<int>(tours.size()); }
  Minutes duration() const { return end - start; }
};

// Canonical order: (day, start, end, location, qualifications). Deterministic for any input order.
std::vector<TourType> aggregate_tour_types(const std::vector<Tour>& tours);

}  // namespace so
