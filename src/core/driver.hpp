#pragma once
// Driver mode (domain.md §7): the real driver pool, locked assignments, a previous plan, and the
// per-driver rules. A personal limit only ever tightens the policy, never loosens it.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "core/policy.hpp"
#include "core/time.hpp"
#include "core/tour.hpp"

namespace so {

enum class Contract { Unspecified, FTE, PT };
const char* contract_name(Contract c);  // "", "FTE", "PT"

// A time window in week-linear minutes, half-open [start, end) (touching does not overlap).
struct TimeWindow {
  Minutes start = 0;
  Minutes end = 0;
  bool operator==(const TimeWindow&) const = default;
};

struct Driver {
  std::string id;    // unique in a request
  std::string name;  // display name (may be empty -> id is shown)
  std::vector<std::string> qualifications;  // sorted, unique
  std::array<bool, 7> available_days{true, true, true, true, true, true, true};  // Mon..Sun
  std::vector<TimeWindow> unavailable;      // sorted by start
  std::optional<Minutes> max_weekly_minutes;      // from max_weekly_hours
  std::optional<Minutes> min_weekly_minutes;      // contract minimum (soft), from min_weekly_hours
  std::optional<int> max_tours_per_day;
  std::optional<Minutes> min_rest_minutes;        // from min_rest_hours
  std::optional<Minutes> max_daily_span_minutes;  // from max_daily_span_hours
  Contract contract = Contract::Unspecified;
  bool operator==(const Driver&) const = default;
};

// Pins tours to a driver (e.g. from last week's published plan).
struct Lock {
  std::string driver_id;
  std::vector<std::string> tour_ids;
};

// One (driver, tour) pair of a previous plan, for stability (fewest changed assignments).
struct PreviousAssignment {
  std::string driver_id;
  std::string tour_id;
};

// The effective limits of one driver: the policy tightened by the driver's own values.
struct DriverLimits {
  Minutes max_weekly_minutes = 0;
  Minutes min_weekly_minutes = 0;  // 0 = no contract minimum
  int max_tours_per_day = 3;
  Minutes min_rest_minutes = 0;            // after any block
  Minutes min_rest_after_3er_minutes = 0;  // legacy rule, also tightened by the personal rest
  std::optional<Minutes> max_daily_span_minutes;  // applies to every block, 1er included
};

// A personal value looser than the policy is ignored (the policy value stays).
DriverLimits driver_limits(const Driver& d, const Policy& p);

// The policy as this driver experiences it: weekly cap, rest, tours per block tightened; the
// span limits of §4 capped at the personal span (the 1er span is not a policy rule: see
// within_daily_span).
Policy personal_policy(const Driver& d, const Policy& p);

// --- one function per driver-mode rule (used by the solver and the reason codes; the audit
// re-derives them on its own) ---
bool holds_qualifications(const Driver& d, const std::vector<std::string>& required);  // DRIVER_QUALIFICATION_MISSING
bool available_on_day(const Driver& d, int day);                                        // DRIVER_NOT_AVAILABLE
bool free_during(const Driver& d, Minutes week_start, Minutes week_end);               // DRIVER_NOT_AVAILABLE
bool within_daily_span(const DriverLimits& l, Minutes span);                           // DRIVER_DAILY_SPAN_LIMIT
bool within_tours_per_day(const DriverLimits& l, int tours);                           // DRIVER_MAX_TOURS_PER_DAY
bool within_weekly_limit(const DriverLimits& l, Minutes work);                         // DRIVER_WEEKLY_LIMIT
// Can the driver work this tour at all, looking at the tour alone (qualification, day,
// unavailable windows, a span / weekly limit shorter than the tour)?
bool can_ever_work(const Driver& d, const DriverLimits& l, const Tour& t);

// Semantic checks of a driver-mode request (400 in the API, exit 2 in the CLI). Each returns
// the first problem as a text naming the item and value, nullopt when sound:
//  - drivers: duplicate id, empty id, an unavailable window with end <= start, min weekly above
//    max weekly;
//  - locks: unknown driver, unknown tour, a tour locked twice (to one or two drivers);
//  - lock feasibility: the locked tours of each driver must form a legal roster for that driver
//    on their own (qualifications, availability, valid blocks of ≤ 1 per day, personal and
//    policy limits, rest), e.g. "lock of driver 'D7': tours 'T0003' and 'T0009' overlap on Mon".
std::optional<std::string> check_drivers(const std::vector<Driver>& drivers);
std::optional<std::string> check_locks(const std::vector<Lock>& locks, const std::vector<Driver>& drivers,
                                       const std::vector<Tour>& tours);
std::optional<std::string> check_lock_feasibility(const std::vector<Lock>& locks, const std::vector<Driver>& drivers,
                                                  const std::vector<Tour>& tours, const Policy& p);

// Reason codes of domain.md §7.
inline constexpr const char* kNoAvailableDriver = "NO_AVAILABLE_DRIVER";
inline constexpr const char* kDriverWeeklyLimit = "DRIVER_WEEKLY_LIMIT";
inline constexpr const char* kDriverDailySpanLimit = "DRIVER_DAILY_SPAN_LIMIT";
inline constexpr const char* kDriverMaxToursPerDay = "DRIVER_MAX_TOURS_PER_DAY";
inline constexpr const char* kDriverRestViolation = "DRIVER_REST_VIOLATION";
inline constexpr const char* kDriverQualificationMissing = "DRIVER_QUALIFICATION_MISSING";
inline constexpr const char* kDriverNotAvailable = "DRIVER_NOT_AVAILABLE";
inline constexpr const char* kTourOverlap = "TOUR_OVERLAP";
inline constexpr const char* kInfeasible = "INFEASIBLE";

}  // namespace so
