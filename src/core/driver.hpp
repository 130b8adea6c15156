#pragma once
// Driver mode (domain.md §7): the real driver pool, locked assignments, a previous plan, and the
// per-driver rules. A personal limit only ever tightens the policy, never loosens it.
#include <array>
#include <optional>
#include <string>
#include <utility>
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
  // What the previous week left behind (dispatch.md §3, JSON "previous_week"); missing = no rule.
  // previous_last_end: the end of the driver's last block of last week, week-linear minutes
  // relative to THIS week's Monday 00:00 (last Sunday 22:30 = -90; a Sunday block that ran past
  // midnight ends at >= 0). previous_streak: consecutive days worked up to and including last
  // Sunday (0 when last Sunday was off), 0..7.
  std::optional<Minutes> previous_last_end;
  int previous_streak = 0;
  bool operator==(const Driver&) const = default;
};

// Pins tours to a driver (e.g. from last week's published plan).
struct Lock {
  std::string driver_id;
  std::vector<std::string> tour_ids;
};

// One (driver, tour) pair of a previous plan, for stability (fewest changed assignments). When
// the plan says when it ran (its week_start, the block's day, the tour's clock times), a plan of
// LAST week also carries each driver's last end and Sunday streak into this week (continuity,
// dispatch.md §3; see with_previous_week).
struct PreviousAssignment {
  PreviousAssignment() = default;
  PreviousAssignment(std::string driver, std::string tour) : driver_id(std::move(driver)), tour_id(std::move(tour)) {}
  std::string driver_id;
  std::string tour_id;
  std::string week_start;  // YYYY-MM-DD of the plan ("" = not given)
  int day = -1;            // 0 = Mon … 6 = Sun, -1 = not given
  std::optional<Minutes> start, end;  // clock minutes of the tour (end not after start = past midnight)
};

// The effective limits of one driver: the policy tightened by the driver's own values.
struct DriverLimits {
  Minutes max_weekly_minutes = 0;
  Minutes min_weekly_minutes = 0;  // 0 = no contract minimum
  int max_tours_per_day = 3;
  Minutes min_rest_minutes = 0;            // after any block
  Minutes min_rest_after_3er_minutes = 0;  // legacy rule, also tightened by the personal rest
  std::optional<Minutes> max_daily_span_minutes;  // applies to every block, 1er included
  int max_working_days = 7;  // the policy's (no personal value): the streak from last week counts against it
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
// Continuity across weeks (dispatch.md §3). Both report DRIVER_REST_VIOLATION when broken.
// Rest from last week: a block starting at week-linear `start` must start at least the driver's
// minimum rest (policy min_rest_minutes tightened by min_rest_hours) after previous_last_end; it
// only binds where that point lies after this Monday 00:00. No previous_last_end: always true.
bool rested_from_previous_week(const Driver& d, const DriverLimits& l, Minutes start);
// The earliest week-linear start that rule allows (nullopt: it binds nothing this week).
std::optional<Minutes> earliest_start_after_previous_week(const Driver& d, const DriverLimits& l);
// Working-day streak: the run of consecutive worked days at the start of this week (Mon, Tue, …
// up to the first day off; `leading_days`) plus previous_streak must not exceed
// max_working_days. previous_streak 0: always true (the weekly max_working_days rule is separate).
bool within_working_streak(const Driver& d, const DriverLimits& l, int leading_days);
// The same rule as "one of days 0..k must be off": k, or nullopt when the streak binds nothing.
std::optional<int> day_off_due_by(const Driver& d, const DriverLimits& l);
// Consecutive worked days from Monday (worked[0], worked[1], … up to the first false).
int leading_working_days(const std::array<bool, 7>& worked);

// Can the driver work this tour at all, looking at the tour alone (qualification, day,
// unavailable windows, a span / weekly limit shorter than the tour, the rest and streak from
// last week)?
bool can_ever_work(const Driver& d, const DriverLimits& l, const Tour& t);

// A previous plan is LAST week's plan when its week_start is exactly 7 days before `week_start`
// (both YYYY-MM-DD; false when either is missing or not a date, or the plan's assignments name
// different weeks). Then each pool driver the plan names and who carries no previous_week of its
// own gets previous_last_end (the latest end of its tours with known times) and previous_streak
// (its worked days counted back from last Sunday). A same-week plan (or one without a
// week_start) changes no driver: it only steers stability, as before.
bool is_last_weeks_plan(const std::vector<PreviousAssignment>& previous, const std::string& week_start);
std::vector<Driver> with_previous_week(std::vector<Driver> drivers, const std::vector<PreviousAssignment>& previous,
                                       const std::string& week_start);
// Days since 1970-01-01 of a YYYY-MM-DD date (nullopt: not a real date).
std::optional<long> days_of_date(const std::string& ymd);

// Semantic checks of a driver-mode request (400 in the API, exit 2 in the CLI). Each returns
// the first problem as a text naming the item and value, nullopt when sound:
//  - drivers: duplicate id, empty id, an unavailable window with end <= start, min weekly above
//    max weekly, a previous_streak outside 0..7;
//  - locks: unknown driver, unknown tour, a tour locked twice (to one or two drivers);
//  - lock feasibility: the locked tours of each driver must form a legal roster for that driver
//    on their own (qualifications, availability, valid blocks of ≤ 1 per day, personal and
//    policy limits, rest, the rest and streak from last week), e.g. "lock of driver 'D7': tours 'T0003' and 'T0009' overlap on Mon".
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
