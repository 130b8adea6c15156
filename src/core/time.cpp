#include "core/time.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace so {

std::optional<Minutes> parse_hhmm(std::string_view s) {
  // Accept H:MM and HH:MM; hours 0..23, minutes 00..59.
  auto colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 2 || s.size() != colon + 3) return std::nullopt;
  int h = 0;
  for (size_t i = 0; i < colon; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
    h = h * 10 + (s[i] - '0');
  }
  if (!std::isdigit(static_cast<unsigned char>(s[colon + 1])) || !std::isdigit(static_cast<unsigned char>(s[colon + 2])))
    return std::nullopt;
  int m = (s[colon + 1] - '0') * 10 + (s[colon + 2] - '0');
  if (h > 23 || m > 59) return std::nullopt;
  return h * 60 + m;
}

std::string format_hhmm(Minutes minutes) {
  int m = ((minutes % kMinutesPerDay) + kMinutesPerDay) % kMinutesPerDay;
  std::string out(5, '0');
  out[0] = static_cast<char>('0' + m / 600);
  out[1] = static_cast<char>('0' + (m / 60) % 10);
  out[2] = ':';
  out[3] = static_cast<char>('0' + (m % 60) / 10);
  out[4] = static_cast<char>('0' + m % 10);
  return out;
}

namespace {
constexpr std::array<std::string_view, 7> kShort = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
constexpr std::array<std::string_view, 7> kLong = {"monday", "tuesday", "wednesday", "thursday",
                                                    "friday", "saturday", "sunday"};
constexpr std::array<std::string_view, 7> kGerman = {"montag", "dienstag", "mittwoch", "donnerstag",
                                                      "freitag", "samstag", "sonntag"};
constexpr std::array<std::string_view, 7> kGermanShort = {"mo", "di", "mi", "do", "fr", "sa", "so"};
constexpr std::array<std::string_view, 7> kShortOut = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
constexpr std::array<std::string_view, 7> kGermanOut = {"Montag", "Dienstag", "Mittwoch", "Donnerstag",
                                                         "Freitag", "Samstag", "Sonntag"};
}  // namespace

std::optional<int> parse_day(std::string_view text) {
  std::string lower;
  lower.reserve(text.size());
  for (char c : text) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  for (int d = 0; d < kDaysPerWeek; ++d) {
    if (lower == kShort[d] || lower == kLong[d] || lower == kGerman[d] || lower == kGermanShort[d]) return d;
  }
  return std::nullopt;
}

std::string_view day_short_name(int day) { return kShortOut.at(static_cast<size_t>(day)); }
std::string_view day_german_name(int day) { return kGermanOut.at(static_cast<size_t>(day)); }

std::string format_day_time(Minutes week_minute_value) {
  const int day = std::clamp(week_minute_value / kMinutesPerDay, 0, kDaysPerWeek - 1);
  return std::string(day_short_name(day)) + " " + format_hhmm(week_minute_value - day * kMinutesPerDay);
}

}  // namespace so
