#pragma once
// Time in integer minutes (domain.md §2). Day index Mon=0 … Sun=6; week-linear = day*1440 + minute.
#include <optional>
#include <string>
#include <string_view>

namespace so {

using Minutes = int;
inline constexpr Minutes kMinutesPerDay = 1440;
inline constexpr int kDaysPerWeek = 7;

inline constexpr Minutes week_minute(int day, Minutes minute_of_day) { return day * kMinutesPerDay + minute_of_day; }

// "HH:MM" -> minutes 0..1439; nullopt for anything else (24:00, 7:5, 12:60, …).
std::optional<Minutes> parse_hhmm(std::string_view text);
// minutes (any non-negative value) -> "HH:MM" of the clock (wraps at midnight).
std::string format_hhmm(Minutes minutes);

// Day names: short English (Mon), full English (Monday), German (Montag), German short (Mo),
// case-insensitive. nullopt when unknown.
std::optional<int> parse_day(std::string_view text);
std::string_view day_short_name(int day);   // "Mon"
// A week-linear minute as "Wed 06:00" (days before Mon / after Sun clamp to the week).
std::string format_day_time(Minutes week_minute_value);
std::string_view day_german_name(int day);  // "Montag"

}  // namespace so
