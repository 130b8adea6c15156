#include "io/plan_json.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "core/time.hpp"

namespace so {

namespace {

using nlohmann::json;

double round_to(double v, int decimals) {
  double f = std::pow(10.0, decimals);
  double r = std::round(v * f) / f;
  return r == 0.0 ? 0.0 : r;  // never "-0.0"
}

json or_null(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

json tours_json(const Block& b, const std::vector<Tour>& tours, const std::set<std::string>& locked) {
  json out = json::array();
  for (int t : b.tours) {
    const Tour& tour = tours.at(static_cast<size_t>(t));
    json o = {{"id", tour.id}, {"start_time", format_hhmm(tour.start)}, {"end_time", format_hhmm(tour.end)}};
    if (locked.count(tour.id)) o["locked"] = true;  // dispatch.md §1: only locked tours carry the key
    out.push_back(std::move(o));
  }
  return out;
}

json block_json(const std::string& driver_id, const Block& b, const std::vector<Tour>& tours,
                const std::set<std::string>& locked) {
  json j;
  j["block_id"] = driver_id + "-" + std::string(day_short_name(b.day));
  j["day"] = std::string(day_short_name(b.day));
  j["block_type"] = block_kind_name(b.kind);
  if (b.tours.empty()) {
    j["start"] = nullptr;
    j["end"] = nullptr;
    j["span_minutes"] = 0;
  } else {
    Minutes s = block_start(b, tours), e = block_end(b, tours);
    j["start"] = format_hhmm(s);
    j["end"] = format_hhmm(e);
    j["span_minutes"] = e - s;
  }
  j["work_minutes"] = block_work(b, tours);
  j["tours"] = tours_json(b, tours, locked);
  return j;
}

json kpis_json(const Kpis& k) {
  json j;
  j["drivers_total"] = k.drivers_total;
  j["drivers_fte"] = k.drivers_fte;
  j["drivers_pt"] = k.drivers_pt;
  j["pt_ratio"] = round_to(k.pt_ratio, 4);
  j["underfull_ratio"] = round_to(k.underfull_ratio, 4);
  j["coverage_rate"] = round_to(k.coverage_rate, 4);
  j["blocks_1er"] = k.blocks_1er;
  j["blocks_2er_regular"] = k.blocks_2er_regular;
  j["blocks_2er_split"] = k.blocks_2er_split;
  j["blocks_3er"] = k.blocks_3er;
  auto hours = [&](const std::string& prefix, const HoursStats& h) {
    j[prefix + "_min"] = round_to(h.min, 2);
    j[prefix + "_avg"] = round_to(h.avg, 2);
    j[prefix + "_max"] = round_to(h.max, 2);
  };
  hours("hours", k.hours_all);
  hours("hours_fte", k.hours_fte);
  hours("hours_pt", k.hours_pt);
  j["tight_rest_count"] = k.tight_rest_count;
  j["forced_1er_count"] = k.forced_1er_count;
  j["missed_3er_opps"] = k.missed_3er_opps;
  j["tours_total"] = k.tours_total;
  j["tours_covered"] = k.tours_covered;
  j["lower_bound"] = k.lower_bound;
  j["gap_to_lb"] = round_to(k.gap_to_lb, 4);
  if (k.driver_mode) {  // forecast-mode JSON keeps exactly its keys
    j["drivers_available"] = k.drivers_available;
    j["tours_uncovered"] = k.tours_uncovered;
    j["contract_shortfall_hours"] = round_to(k.contract_shortfall_hours, 2);
    j["drivers_below_contract_min"] = k.drivers_below_contract_min;
  }
  return j;
}

// Driver mode: the pool's entry of a roster's driver (nullptr when not in the pool).
const Driver* pool_driver(const DriverModeReport& dm, const std::string& id) {
  for (const Driver& d : dm.drivers)
    if (d.id == id) return &d;
  return nullptr;
}

bool has_work(const Roster& r) {
  for (const Block& b : r.blocks)
    if (!b.tours.empty()) return true;
  return false;
}

json hours_or_null(const std::optional<Minutes>& m) { return m ? json(round_to(*m / 60.0, 2)) : json(nullptr); }

json driver_mode_json(const PlanReport& r, int drivers_used) {
  const DriverModeReport& dm = r.driver_mode;
  return {{"drivers_available", static_cast<int>(dm.drivers.size())},
          {"drivers_used", drivers_used},
          {"locks_requested", dm.locks_requested},
          {"locks_kept", dm.locks_kept},
          {"previous_assignments", dm.previous_assignments < 0 ? json(nullptr) : json(dm.previous_assignments)},
          {"kept_assignments", dm.kept_assignments},
          {"previous_week_drivers", dm.previous_week_drivers},
          {"error", or_null(dm.error)}};
}

// A week-linear minute as {"day": "Wed", "time": "00:00"} (dispatch.md §2).
json week_time_json(Minutes m) {
  const int day = std::clamp(static_cast<int>(m / kMinutesPerDay), 0, kDaysPerWeek - 1);
  return {{"day", std::string(day_short_name(day))}, {"time", format_hhmm(m - day * kMinutesPerDay)}};
}

json changes_json(const ChangeReport& c) {
  json per = json::array();
  for (const DriverChange& d : c.per_driver)
    per.push_back({{"driver_id", d.driver_id}, {"name", or_null(d.name)}, {"gained", d.gained}, {"lost", d.lost}});
  return {{"base_run_id", or_null(c.base_run_id)},
          {"frozen_until", week_time_json(c.frozen_until)},
          {"frozen_tours", c.frozen_tours},
          {"drivers_affected", c.drivers_affected},
          {"assignments_changed", c.assignments_changed},
          {"per_driver", std::move(per)}};
}

json pairs_object(const std::vector<std::pair<std::string, std::string>>& pairs) {
  json o = json::object();
  for (const auto& [k, v] : pairs) o[k] = v;
  return o;
}

// ---- reading back

[[noreturn]] void fail(std::string_view source, const std::string& path, std::string problem, const json* value,
                       std::string expected) {
  throw InputError::at_path(std::string(source), path, std::move(problem),
                            value ? printable_value(value->is_string() ? value->get<std::string>() : value->dump()) : "",
                            std::move(expected));
}

const json& member(const json& obj, const char* key, std::string_view source, const std::string& path,
                   bool (json::*is)() const noexcept, const char* expected) {
  std::string p = path.empty() ? key : path + "." + key;
  auto it = obj.find(key);
  if (it == obj.end()) fail(source, p, "missing field", nullptr, expected);
  if (!((*it).*is)()) fail(source, p, "wrong type", &*it, expected);
  return *it;
}

std::optional<BlockKind> kind_from_name(const std::string& s) {
  for (int k = 0; k < kBlockKinds; ++k)
    if (s == block_kind_name(static_cast<BlockKind>(k))) return static_cast<BlockKind>(k);
  return std::nullopt;
}

}  // namespace

json applied_overrides_json(const ConfigReport& c) {
  json out = json::object();
  for (const auto& [key, literal] : c.overrides_applied_values) out[key] = json::parse(literal, nullptr, false);
  return out;
}

json plan_report_to_json(const PlanReport& r, const std::vector<Tour>& tours) {
  json j;
  j["run_id"] = r.run_id;
  j["week_start"] = r.week_start;
  j["status"] = r.status;
  j["solution_signature"] = r.solution_signature;
  const bool driver_mode = r.driver_mode.enabled;
  const std::set<std::string> locked = locked_tour_ids(r.driver_mode);
  json drivers = json::array();
  int drivers_used = 0;
  for (const Roster& ro : r.plan.rosters) {
    if (driver_mode && !has_work(ro)) continue;  // unused pool drivers are counted, not listed
    ++drivers_used;
    Minutes work = roster_work(ro, tours);
    json d;
    d["driver_id"] = ro.driver_id;
    if (driver_mode) {
      const Driver* pd = pool_driver(r.driver_mode, ro.driver_id);
      std::string name = !ro.driver_name.empty() ? ro.driver_name : (pd ? pd->name : std::string());
      d["name"] = or_null(name);
      d["contract"] = pd && pd->contract != Contract::Unspecified ? json(contract_name(pd->contract)) : json(nullptr);
      d["min_weekly_hours"] = pd ? hours_or_null(pd->min_weekly_minutes) : json(nullptr);
    }
    d["driver_type"] = work >= static_cast<Minutes>(std::lround(r.policy.fte_min_hours * 60)) ? "FTE" : "PT";
    d["hours"] = round_to(work / 60.0, 2);
    int days = 0;
    json blocks = json::array();
    for (const Block& b : ro.blocks) {
      if (!b.tours.empty()) ++days;
      blocks.push_back(block_json(ro.driver_id, b, tours, locked));
    }
    d["days_worked"] = days;
    d["blocks"] = std::move(blocks);
    drivers.push_back(std::move(d));
  }
  j["drivers"] = std::move(drivers);
  json un = json::array();
  for (const UnassignedTour& u : r.plan.unassigned) {
    const Tour& t = tours.at(static_cast<size_t>(u.tour));
    if (!driver_mode) {
      un.push_back({{"tour_id", t.id}, {"reason_codes", u.reason_codes}});
      continue;
    }
    json blocked = json::object();
    for (const auto& [code, n] : u.drivers_blocked) blocked[code] = n;
    un.push_back({{"tour_id", t.id},
                  {"day", std::string(day_short_name(t.day))},
                  {"start_time", format_hhmm(t.start)},
                  {"end_time", format_hhmm(t.end)},
                  {"required_qualifications", t.required_qualifications},
                  {"reason_codes", u.reason_codes},
                  {"drivers_blocked", std::move(blocked)}});
  }
  j["unassigned_tours"] = std::move(un);
  if (driver_mode) j["driver_mode"] = driver_mode_json(r, drivers_used);
  if (r.changes) j["changes"] = changes_json(*r.changes);
  j["kpis"] = kpis_json(r.kpis);
  const LowerBounds& lb = r.lower_bounds;
  j["lower_bounds"] = {{"hours", lb.hours},
                       {"per_day", lb.per_day},
                       {"path_cover", lb.path_cover},
                       {"rest_concurrency", lb.rest_concurrency},
                       {"lp", lb.lp ? json(*lb.lp) : json(nullptr)},
                       {"lagrangian", lb.lagrangian ? json(*lb.lagrangian) : json(nullptr)},
                       {"best", lb.best}};
  if (driver_mode) {
    j["lower_bounds"]["uncovered_tours"] = lb.uncovered_tours ? json(*lb.uncovered_tours) : json(nullptr);
    j["lower_bounds"]["uncovered_tours_name"] = or_null(lb.uncovered_tours_name);
  }
  json viol = json::array();
  for (const Violation& v : r.audit.violations)
    viol.push_back({{"code", v.code},
                    {"driver_id", or_null(v.driver_id)},
                    {"day", v.day >= 0 && v.day < kDaysPerWeek ? json(std::string(day_short_name(v.day))) : json(nullptr)},
                    {"tour_id", or_null(v.tour_id)},
                    {"message", v.message}});
  j["audit"] = {{"ok", r.audit.ok}, {"violations", std::move(viol)}};
  const PhaseTiming& t = r.timing;
  j["timing"] = {{"profiling_s", round_to(t.profiling_s, 3)}, {"phase1_s", round_to(t.phase1_s, 3)},
                 {"phase2_s", round_to(t.phase2_s, 3)},       {"lns_s", round_to(t.lns_s, 3)},
                 {"total_s", round_to(t.total_s, 3)}};
  j["reason_codes"] = r.reason_codes;
  j["config"] = {{"effective_hash", r.config.effective_hash},
                 {"overrides_applied", applied_overrides_json(r.config)},
                 {"overrides_rejected", pairs_object(r.config.overrides_rejected)},
                 {"overrides_clamped", pairs_object(r.config.overrides_clamped)}};
  return j;
}

std::string canonical_report_text(const PlanReport& report, const std::vector<Tour>& tours) {
  json j = plan_report_to_json(report, tours);
  j.erase("timing");      // wall clock
  j.erase("run_id");      // differs per run
  j.erase("week_start");  // its default depends on today's date
  return j.dump();        // nlohmann::json objects keep keys sorted; dump() is compact
}

Plan plan_from_json(const json& root, const std::vector<Tour>& tours, std::string_view source) {
  std::map<std::string, int> index;
  for (int i = 0; i < static_cast<int>(tours.size()); ++i)
    if (!index.emplace(tours[static_cast<size_t>(i)].id, i).second)
      throw InputError::whole(std::string(source), "forecast has a duplicate tour id",
                              printable_value(tours[static_cast<size_t>(i)].id), "unique tour ids");
  if (!root.is_object()) fail(source, "", "plan is not an object", &root, "a plan JSON object with \"drivers\"");
  const json* plan = &root;
  std::string base;
  if (!root.contains("drivers") && root.contains("plan") && root["plan"].is_object()) {
    plan = &root["plan"];
    base = "plan";
  }
  auto at = [&](const std::string& p, const std::string& tail) { return p.empty() ? tail : p + tail; };
  auto tour_index = [&](const json& id, const std::string& path) {
    if (!id.is_string()) fail(source, path, "tour id is not a string", &id, "a string");
    auto it = index.find(id.get<std::string>());
    if (it == index.end()) fail(source, path, "unknown tour id", &id, "a tour id of the forecast");
    return it->second;
  };
  Plan out;
  std::set<std::string> driver_ids;
  const json& drivers = member(*plan, "drivers", source, base, &json::is_array, "an array of drivers");
  for (size_t di = 0; di < drivers.size(); ++di) {
    std::string dpath = at(base, (base.empty() ? "" : ".") + std::string("drivers[") + std::to_string(di) + "]");
    const json& d = drivers[di];
    if (!d.is_object()) fail(source, dpath, "driver is not an object", &d, "{\"driver_id\",\"blocks\"}");
    Roster ro;
    const json& did = member(d, "driver_id", source, dpath, &json::is_string, "a driver id string");
    ro.driver_id = did.get<std::string>();
    if (auto bad = text_defect(ro.driver_id))
      fail(source, dpath + ".driver_id", std::string(bad->problem) + " in driver id", &did, kExpectPrintable);
    if (auto nm = d.find("name"); nm != d.end() && !nm->is_null()) {
      if (!nm->is_string()) fail(source, dpath + ".name", "wrong type", &*nm, "a driver name string");
      if (auto bad = text_defect(nm->get<std::string>()))
        fail(source, dpath + ".name", std::string(bad->problem) + " in name", &*nm, kExpectPrintable);
      ro.driver_name = nm->get<std::string>();
    }
    if (!driver_ids.insert(ro.driver_id).second)
      fail(source, dpath + ".driver_id", "duplicate driver id", &did, "one entry per driver");
    const json& blocks = member(d, "blocks", source, dpath, &json::is_array, "an array of blocks");
    for (size_t bi = 0; bi < blocks.size(); ++bi) {
      std::string bpath = dpath + ".blocks[" + std::to_string(bi) + "]";
      const json& bj = blocks[bi];
      if (!bj.is_object()) fail(source, bpath, "block is not an object", &bj, "{\"day\",\"block_type\",\"tours\"}");
      Block b;
      const json& day = member(bj, "day", source, bpath, &json::is_string, "a day name (Mon…Sun)");
      auto dd = day.get<std::string>().size() <= 12 ? parse_day(day.get<std::string>()) : std::nullopt;
      if (!dd) fail(source, bpath + ".day", "unknown day", &day, "a day name (Mon…Sun)");
      b.day = *dd;
      const json& kind = member(bj, "block_type", source, bpath, &json::is_string, "1er, 2er-regular, 2er-split or 3er");
      auto k = kind_from_name(kind.get<std::string>());
      if (!k) fail(source, bpath + ".block_type", "unknown block type", &kind, "1er, 2er-regular, 2er-split or 3er");
      b.kind = *k;
      const json& tl = member(bj, "tours", source, bpath, &json::is_array, "an array of tours");
      for (size_t ti = 0; ti < tl.size(); ++ti) {
        std::string tpath = bpath + ".tours[" + std::to_string(ti) + "]";
        const json& tj = tl[ti];
        if (tj.is_string()) b.tours.push_back(tour_index(tj, tpath));
        else if (tj.is_object()) b.tours.push_back(tour_index(member(tj, "id", source, tpath, &json::is_string, "a tour id"), tpath + ".id"));
        else fail(source, tpath, "tour is not an object", &tj, "{\"id\",…} or an id string");
      }
      ro.blocks.push_back(std::move(b));
    }
    out.rosters.push_back(std::move(ro));
  }
  if (auto it = plan->find("unassigned_tours"); it != plan->end() && !it->is_null()) {
    std::string upath = at(base, (base.empty() ? "" : ".") + std::string("unassigned_tours"));
    if (!it->is_array()) fail(source, upath, "wrong type", &*it, "an array");
    for (size_t ui = 0; ui < it->size(); ++ui) {
      std::string p = upath + "[" + std::to_string(ui) + "]";
      const json& u = (*it)[ui];
      if (!u.is_object()) fail(source, p, "unassigned tour is not an object", &u, "{\"tour_id\",\"reason_codes\"}");
      UnassignedTour ut;
      ut.tour = tour_index(member(u, "tour_id", source, p, &json::is_string, "a tour id"), p + ".tour_id");
      if (auto rc = u.find("reason_codes"); rc != u.end() && !rc->is_null()) {
        if (!rc->is_array()) fail(source, p + ".reason_codes", "wrong type", &*rc, "an array of strings");
        for (size_t ri = 0; ri < rc->size(); ++ri) {
          if (!(*rc)[ri].is_string())
            fail(source, p + ".reason_codes[" + std::to_string(ri) + "]", "wrong type", &(*rc)[ri], "a string");
          ut.reason_codes.push_back((*rc)[ri].get<std::string>());
        }
      }
      out.unassigned.push_back(std::move(ut));
    }
  }
  return out;
}

}  // namespace so
