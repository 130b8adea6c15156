#include "io/csv_export.hpp"

#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "core/time.hpp"

namespace so {

namespace {

std::string hours_text(Minutes work) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", std::round(work * 100.0 / 60.0) / 100.0);
  return buf;
}

std::string day_cell(const Block& b, const std::vector<Tour>& tours, const std::set<std::string>& locked) {
  std::string cell;
  for (size_t i = 0; i < b.tours.size(); ++i) {
    const Tour& t = tours.at(static_cast<size_t>(b.tours[i]));
    if (i) cell.append("/");
    cell.append(format_hhmm(t.start)).append("-").append(format_hhmm(t.end));
    if (locked.count(t.id)) cell.append(" (fest)");  // a locked tour (dispatch.md §1)
  }
  cell.append(" [").append(block_kind_name(b.kind)).append("]");
  return cell;
}

// Driver mode: the rosters with work, each with its display name (roster's, else the pool's).
Plan named_driver_plan(const PlanReport& report) {
  std::map<std::string, std::string> names;
  for (const Driver& d : report.driver_mode.drivers) names.emplace(d.id, d.name);
  Plan p;
  p.unassigned = report.plan.unassigned;
  for (const Roster& r : report.plan.rosters) {
    bool work = false;
    for (const Block& b : r.blocks) work = work || !b.tours.empty();
    if (!work) continue;
    Roster copy = r;
    if (copy.driver_name.empty())
      if (auto it = names.find(r.driver_id); it != names.end()) copy.driver_name = it->second;
    p.rosters.push_back(std::move(copy));
  }
  return p;
}

std::string join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const auto& s : items) out.append(out.empty() ? "" : sep).append(s);
  return out;
}

}  // namespace

std::string csv_field(const std::string& v) {
  if (v.find_first_of(";\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string roster_matrix_csv(const Plan& plan, const std::vector<Tour>& tours, const Policy& policy,
                              const std::set<std::string>& locked, const ChangeReport* changes) {
  std::map<std::string, std::string> change_of;  // driver -> "+T1 +T2 −T3"
  if (changes)
    for (const DriverChange& c : changes->per_driver) {
      std::string text;
      for (const std::string& t : c.gained) text.append(text.empty() ? "" : " ").append("+").append(t);
      for (const std::string& t : c.lost) text.append(text.empty() ? "" : " ").append("\xE2\x88\x92").append(t);
      change_of[c.driver_id] = text;
    }
  std::string out = "\xEF\xBB\xBF";
  out += "Fahrer";
  for (int d = 0; d < kDaysPerWeek; ++d) out.append(";").append(day_german_name(d));
  out.append(";Stunden;Typ").append(changes ? ";\xC3\x84nderung" : "").append("\n");
  Minutes fte_minutes = static_cast<Minutes>(std::lround(policy.fte_min_hours * 60));
  for (const Roster& r : plan.rosters) {
    std::array<std::string, kDaysPerWeek> cells;
    for (const Block& b : r.blocks) {
      if (b.tours.empty() || b.day < 0 || b.day >= kDaysPerWeek) continue;
      auto& c = cells[static_cast<size_t>(b.day)];
      c.append(c.empty() ? "" : " + ").append(day_cell(b, tours, locked));  // >1 block a day is invalid, but shown, not hidden
    }
    Minutes work = roster_work(r, tours);
    out.append(csv_field(r.driver_name.empty() ? r.driver_id : r.driver_name));
    for (const auto& c : cells) out.append(";").append(c.empty() ? std::string("-") : csv_field(c));
    out.append(";").append(hours_text(work)).append(";").append(work >= fte_minutes ? "FTE" : "PT");
    if (changes) out.append(";").append(csv_field(change_of[r.driver_id]));
    out.append("\n");
  }
  return out;
}

std::string roster_matrix_csv(const PlanReport& report, const std::vector<Tour>& tours) {
  if (!report.driver_mode.enabled) return roster_matrix_csv(report.plan, tours, report.policy);
  return roster_matrix_csv(named_driver_plan(report), tours, report.policy, locked_tour_ids(report.driver_mode),
                           report.changes ? &*report.changes : nullptr);
}

std::string tours_csv(const Plan& plan, const std::vector<Tour>& tours) {
  std::string out = "driver;day;block_id;block_type;tour_id;start;end\n";
  for (const Roster& r : plan.rosters)
    for (const Block& b : r.blocks) {
      std::string day(day_short_name(b.day));
      for (int ti : b.tours) {
        const Tour& t = tours.at(static_cast<size_t>(ti));
        out.append(csv_field(r.driver_id)).append(";").append(day).append(";");
        out.append(csv_field(r.driver_id + "-" + day)).append(";").append(block_kind_name(b.kind)).append(";");
        out.append(csv_field(t.id)).append(";").append(format_hhmm(t.start)).append(";").append(format_hhmm(t.end));
        out.append("\n");
      }
    }
  for (const UnassignedTour& u : plan.unassigned) {
    const Tour& t = tours.at(static_cast<size_t>(u.tour));
    out.append(";").append(day_short_name(t.day)).append(";;unassigned;").append(csv_field(t.id)).append(";");
    out.append(format_hhmm(t.start)).append(";").append(format_hhmm(t.end)).append("\n");
  }
  return out;
}

std::string tours_csv(const PlanReport& report, const std::vector<Tour>& tours) {
  if (!report.driver_mode.enabled) return tours_csv(report.plan, tours);
  Plan plan = named_driver_plan(report);
  const std::set<std::string> locked = locked_tour_ids(report.driver_mode);
  // A re-plan: the base driver of every tour that changed hands ("new" for a tour the base lacked).
  std::map<std::string, std::string> from;
  if (report.changes) {
    for (const DriverChange& c : report.changes->per_driver)
      for (const std::string& t : c.gained) from.emplace(t, "new");
    for (const DriverChange& c : report.changes->per_driver)
      for (const std::string& t : c.lost) from[t] = c.driver_id;
  }
  auto tail = [&](const Tour& t) {
    auto it = from.find(t.id);
    return std::string(locked.count(t.id) ? ";yes;" : ";;") + (it == from.end() ? "" : csv_field(it->second));
  };
  std::string out = "driver;driver_name;day;block_id;block_type;tour_id;start;end;reason_codes;locked;changed_from\n";
  for (const Roster& r : plan.rosters)
    for (const Block& b : r.blocks) {
      std::string day(day_short_name(b.day));
      for (int ti : b.tours) {
        const Tour& t = tours.at(static_cast<size_t>(ti));
        out.append(csv_field(r.driver_id)).append(";").append(csv_field(r.driver_name)).append(";");
        out.append(day).append(";").append(csv_field(r.driver_id + "-" + day)).append(";");
        out.append(block_kind_name(b.kind)).append(";").append(csv_field(t.id)).append(";");
        out.append(format_hhmm(t.start)).append(";").append(format_hhmm(t.end)).append(";").append(tail(t)).append("\n");
      }
    }
  for (const UnassignedTour& u : plan.unassigned) {
    const Tour& t = tours.at(static_cast<size_t>(u.tour));
    out.append(";;").append(day_short_name(t.day)).append(";;unassigned;").append(csv_field(t.id)).append(";");
    out.append(format_hhmm(t.start)).append(";").append(format_hhmm(t.end)).append(";");
    out.append(csv_field(join(u.reason_codes, "|"))).append(tail(t)).append("\n");
  }
  return out;
}

}  // namespace so
