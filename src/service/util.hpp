#pragma once
// Small helpers of the service: timestamps, ids, dates.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace so {

// ISO 8601 UTC with milliseconds, e.g. 2025-01-06T08:30:00.123Z.
std::string iso_utc(std::chrono::system_clock::time_point tp);
inline std::string now_iso_utc() { return iso_utc(std::chrono::system_clock::now()); }

// `n` random lowercase hex digits (from std::random_device; ids only, never results).
std::string random_hex(size_t n);

// A run id: "run_" + 8-digit UTC date + "_" + 16 hex, sortable by day and unique.
std::string new_run_id();

// True for "YYYY-MM-DD" naming a real calendar date (2025-02-29 is not).
bool is_real_date(std::string_view text);

// The Monday strictly after the UTC day of `now` as YYYY-MM-DD (api.md §3 default week_start).
std::string next_monday(std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// An X-Request-ID as given when it is 1–128 characters of [A-Za-z0-9._:-], else nullopt.
std::optional<std::string> sanitize_request_id(std::string_view raw);

}  // namespace so
