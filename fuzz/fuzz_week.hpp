#pragma once
// The small fixed week the plan, changes and drivers targets check their inputs against: eight
// tours T0001…T0008 (one across midnight on Sunday) and a pool of three drivers.
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "core/driver.hpp"
#include "core/tour.hpp"
#include "io/drivers.hpp"
#include "io/forecast.hpp"

namespace so::fuzz {

inline std::string_view text_of(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

inline const std::vector<Tour>& week() {
  static const std::vector<Tour> tours =
      parse_forecast("Montag;Anzahl\n06:00-10:30;2\n10:45-15:15;1\n22:00-02:30;1\n"
                     "Dienstag;Anzahl\n06:00-10:30;2\n11:00-15:30;1\nSonntag;Anzahl\n20:00-00:30;1\n",
                     "fuzz week")
          .tours;
  return tours;
}

inline const std::vector<Driver>& pool() {
  static const std::vector<Driver> drivers =
      parse_drivers("id,name,qualifications,available_days,max_weekly_hours,previous_last_end,previous_streak\n"
                    "D1,Anna,ADR,Mon|Tue,40,Sun 22:30,3\nD2,Ben,,,,,\nD3,Cem,Kühl,Sun,20,,\n",
                    "fuzz pool");
  return drivers;
}

// A broken invariant is a crash libFuzzer reports (with the input that caused it).
inline void require(bool ok) {
  if (!ok) std::abort();
}

}  // namespace so::fuzz
