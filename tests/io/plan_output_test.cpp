// Plan JSON (api.md §4), its canonical text, reading it back, and the CSV exports (domain.md §12),
// all on one small hand-built plan.
#include <gtest/gtest.h>

#include <sstream>

#include "io/csv_export.hpp"
#include "io/plan_json.hpp"

namespace so {
namespace {

using nlohmann::json;

std::vector<Tour> small_tours() {
  return {make_tour("T1", 0, 4 * 60 + 45, 9 * 60 + 15), make_tour("T2", 0, 9 * 60 + 45, 14 * 60 + 15),
          make_tour("T3", 1, 5 * 60, 9 * 60 + 30), make_tour("T4", 4, 22 * 60, 2 * 60 + 30),
          make_tour("T5", 2, 8 * 60, 12 * 60)};
}

Plan small_plan() {
  Plan p;
  p.rosters.push_back({"D001", {{0, {0, 1}, BlockKind::TwoRegular}, {1, {2}, BlockKind::One}}});
  p.rosters.push_back({"D002", {{4, {3}, BlockKind::One}}});
  p.unassigned.push_back({4, {"NO_AVAILABLE_DRIVER", "TOUR_OVERLAP"}});
  return p;
}

PlanReport small_report() {
  PlanReport r;
  r.run_id = "run-123";
  r.week_start = "2025-12-15";
  r.status = "INFEASIBLE";
  r.solution_signature = "sha256:" + std::string(64, 'a');
  r.plan = small_plan();
  r.kpis.drivers_total = 2;
  r.kpis.drivers_pt = 2;
  r.kpis.pt_ratio = 1.0;
  r.kpis.coverage_rate = 4.0 / 5.0;
  r.kpis.blocks_1er = 2;
  r.kpis.blocks_2er_regular = 1;
  r.kpis.hours_all = {4.5, 9.0, 13.5};
  r.kpis.hours_pt = {4.5, 9.0, 13.5};
  r.kpis.tours_total = 5;
  r.kpis.tours_covered = 4;
  r.kpis.lower_bound = 1;
  r.kpis.gap_to_lb = 1.0;
  r.lower_bounds = {1, 1, 1, 1, std::nullopt, std::nullopt, 1, "hours"};
  r.audit.ok = false;
  r.audit.violations.push_back({"TOUR_UNCOVERED", "", 2, "T5", "tour T5 is not covered"});
  r.timing = {0.0123, 1.5, 2.25, 0.5, 4.2639};
  r.reason_codes = {"INFEASIBLE"};
  r.config.effective_hash = "0123456789abcdef";
  r.config.overrides_applied = {"lns_max_iterations"};
  r.config.overrides_applied_values = {{"lns_max_iterations", "50"}};
  r.config.overrides_rejected = {{"bogus", "UNKNOWN_FIELD"}};
  r.config.overrides_clamped = {{"mip_node_limit", "999999 -> 100000"}};
  return r;
}

TEST(PlanJson, ShapeOfApiSection4) {
  auto tours = small_tours();
  json j = plan_report_to_json(small_report(), tours);
  for (const char* k : {"run_id", "week_start", "status", "solution_signature", "drivers", "unassigned_tours", "kpis",
                        "lower_bounds", "audit", "timing", "reason_codes", "config"})
    EXPECT_TRUE(j.contains(k)) << k;
  EXPECT_EQ(j.size(), 12u);
  EXPECT_EQ(j["status"], "INFEASIBLE");

  const json& d1 = j["drivers"][0];
  EXPECT_EQ(d1["driver_id"], "D001");
  EXPECT_EQ(d1["driver_type"], "PT");
  EXPECT_DOUBLE_EQ(d1["hours"].get<double>(), 13.5);
  EXPECT_EQ(d1["days_worked"], 2);
  const json& b = d1["blocks"][0];
  EXPECT_EQ(b, json::parse(R"({"block_id":"D001-Mon","day":"Mon","block_type":"2er-regular","start":"04:45","end":"14:15",
      "span_minutes":570,"work_minutes":540,"tours":[{"id":"T1","start_time":"04:45","end_time":"09:15"},
      {"id":"T2","start_time":"09:45","end_time":"14:15"}]})"));
  const json& night = j["drivers"][1]["blocks"][0];
  EXPECT_EQ(night["block_id"], "D002-Fri");
  EXPECT_EQ(night["start"], "22:00");
  EXPECT_EQ(night["end"], "02:30");  // crosses midnight: the next day's clock
  EXPECT_EQ(night["span_minutes"], 270);

  EXPECT_EQ(j["unassigned_tours"], json::parse(R"([{"tour_id":"T5","reason_codes":["NO_AVAILABLE_DRIVER","TOUR_OVERLAP"]}])"));
  EXPECT_EQ(j["lower_bounds"], json::parse(R"({"hours":1,"per_day":1,"path_cover":1,"rest_concurrency":1,"lp":null,"lagrangian":null,"best":1})"));
  EXPECT_EQ(j["audit"], json::parse(R"({"ok":false,"violations":[{"code":"TOUR_UNCOVERED","driver_id":null,"day":"Wed",
      "tour_id":"T5","message":"tour T5 is not covered"}]})"));
  EXPECT_DOUBLE_EQ(j["timing"]["total_s"].get<double>(), 4.264);
  EXPECT_EQ(j["reason_codes"], json::parse(R"(["INFEASIBLE"])"));
  EXPECT_EQ(j["config"], json::parse(R"({"effective_hash":"0123456789abcdef","overrides_applied":{"lns_max_iterations":50},
      "overrides_rejected":{"bogus":"UNKNOWN_FIELD"},"overrides_clamped":{"mip_node_limit":"999999 -> 100000"}})"));

  // Every KPI name of domain.md §9.
  for (const char* k : {"drivers_total", "drivers_fte", "drivers_pt", "pt_ratio", "underfull_ratio", "coverage_rate",
                        "blocks_1er", "blocks_2er_regular", "blocks_2er_split", "blocks_3er", "hours_min", "hours_avg",
                        "hours_max", "hours_fte_min", "hours_fte_avg", "hours_fte_max", "hours_pt_min", "hours_pt_avg",
                        "hours_pt_max", "tight_rest_count", "forced_1er_count", "missed_3er_opps", "lower_bound",
                        "gap_to_lb"})
    EXPECT_TRUE(j["kpis"].contains(k)) << k;
  EXPECT_DOUBLE_EQ(j["kpis"]["coverage_rate"].get<double>(), 0.8);
}

TEST(PlanJson, LpBoundAndFteClassification) {
  auto tours = small_tours();
  PlanReport r = small_report();
  r.lower_bounds.lp = 2;
  r.policy.fte_min_hours = 13.5;  // exactly D001's hours: FTE (>=)
  json j = plan_report_to_json(r, tours);
  EXPECT_EQ(j["lower_bounds"]["lp"], 2);
  EXPECT_EQ(j["drivers"][0]["driver_type"], "FTE");
  EXPECT_EQ(j["drivers"][1]["driver_type"], "PT");
}

void expect_same_plan(const Plan& a, const Plan& b) {
  ASSERT_EQ(a.rosters.size(), b.rosters.size());
  for (size_t i = 0; i < a.rosters.size(); ++i) {
    EXPECT_EQ(a.rosters[i].driver_id, b.rosters[i].driver_id);
    ASSERT_EQ(a.rosters[i].blocks.size(), b.rosters[i].blocks.size());
    for (size_t k = 0; k < a.rosters[i].blocks.size(); ++k) {
      const Block& x = a.rosters[i].blocks[k];
      const Block& y = b.rosters[i].blocks[k];
      EXPECT_EQ(x.day, y.day);
      EXPECT_EQ(x.tours, y.tours);
      EXPECT_EQ(x.kind, y.kind);
    }
  }
  ASSERT_EQ(a.unassigned.size(), b.unassigned.size());
  for (size_t i = 0; i < a.unassigned.size(); ++i) {
    EXPECT_EQ(a.unassigned[i].tour, b.unassigned[i].tour);
    EXPECT_EQ(a.unassigned[i].reason_codes, b.unassigned[i].reason_codes);
  }
}

TEST(PlanJson, RoundTrip) {
  auto tours = small_tours();
  PlanReport r = small_report();
  json j = plan_report_to_json(r, tours);
  expect_same_plan(plan_from_json(j, tours), r.plan);
  // Through text, and wrapped the way a run resource might carry it.
  expect_same_plan(plan_from_json(json::parse(j.dump(2)), tours), r.plan);
  expect_same_plan(plan_from_json(json{{"plan", j}}, tours), r.plan);
}

TEST(PlanJson, ReadsPlainIdListsAndEmptyPlans) {
  auto tours = small_tours();
  Plan p = plan_from_json(json::parse(R"({"drivers":[{"driver_id":"X","blocks":[{"day":"Monday","block_type":"2er-regular","tours":["T2","T1"]}]}]})"),
                          tours);
  ASSERT_EQ(p.rosters.size(), 1u);
  EXPECT_EQ(p.rosters[0].blocks[0].tours, (std::vector<int>{1, 0}));  // as written; the audit judges the order
  EXPECT_TRUE(plan_from_json(json::parse(R"({"drivers":[]})"), tours).rosters.empty());
}

struct BadPlan {
  const char* json_text;
  const char* path;
  const char* value;
  const char* problem;
};

TEST(PlanJson, MalformedPlansNameTheJsonPath) {
  auto tours = small_tours();
  const BadPlan cases[] = {
      {R"({"drivers":[{"driver_id":"D1","blocks":[{"day":"Mon","block_type":"1er","tours":[{"id":"T1"}]},{"day":"Tue","block_type":"1er","tours":[{"id":"T99"}]}]}]})",
       "drivers[0].blocks[1].tours[0].id", "T99", "unknown tour id"},
      {R"({"status":"OK"})", "drivers", "", "missing field"},
      {R"({"drivers":{}})", "drivers", "{}", "wrong type"},
      {R"({"drivers":[{"blocks":[]}]})", "drivers[0].driver_id", "", "missing field"},
      {R"({"drivers":[{"driver_id":"D1","blocks":[]},{"driver_id":"D2","blocks":[{"day":"Mon","block_type":"4er","tours":[]}]}]})",
       "drivers[1].blocks[0].block_type", "4er", "unknown block type"},
      {R"({"drivers":[{"driver_id":"D1","blocks":[{"day":"Caturday","block_type":"1er","tours":[]}]}]})",
       "drivers[0].blocks[0].day", "Caturday", "unknown day"},
      {R"({"drivers":[{"driver_id":"D1","blocks":[{"day":"Mon","block_type":"1er","tours":[7]}]}]})",
       "drivers[0].blocks[0].tours[0]", "7", "not an object"},
      {R"({"drivers":[{"driver_id":"D1","blocks":[]},{"driver_id":"D1","blocks":[]}]})", "drivers[1].driver_id", "D1",
       "duplicate driver id"},
      {R"({"drivers":[],"unassigned_tours":[{"tour_id":"nope"}]})", "unassigned_tours[0].tour_id", "nope", "unknown tour id"},
      {R"({"plan":{"drivers":[{"driver_id":"D1","blocks":[{"day":"Mon","block_type":"1er","tours":["T0"]}]}]}})",
       "plan.drivers[0].blocks[0].tours[0]", "T0", "unknown tour id"},
  };
  for (const BadPlan& c : cases) {
    SCOPED_TRACE(c.json_text);
    try {
      plan_from_json(json::parse(c.json_text), tours, "plan.json");
      ADD_FAILURE() << "accepted";
    } catch (const InputError& e) {
      EXPECT_EQ(e.source, "plan.json");
      EXPECT_EQ(e.path, c.path) << e.what();
      EXPECT_EQ(e.value, c.value) << e.what();
      EXPECT_NE(e.problem.find(c.problem), std::string::npos) << e.what();
      EXPECT_FALSE(e.expected.empty());
      EXPECT_EQ(std::string(e.what()).rfind(std::string("plan.json: ") + c.path + ": ", 0), 0u) << e.what();
    }
  }
}

TEST(CanonicalReport, StableUnderWallClockAndRunIdOnly) {
  auto tours = small_tours();
  PlanReport a = small_report();
  PlanReport b = small_report();
  b.run_id = "run-999";
  b.week_start = "2026-01-05";
  b.timing = {9, 9, 9, 9, 36};
  std::string ta = canonical_report_text(a, tours);
  EXPECT_EQ(ta, canonical_report_text(b, tours));
  EXPECT_EQ(ta.find("timing"), std::string::npos);
  EXPECT_EQ(ta.find("run-123"), std::string::npos);
  EXPECT_EQ(ta.find('\n'), std::string::npos);
  EXPECT_EQ(ta.find(": "), std::string::npos);
  EXPECT_EQ(ta.rfind("{\"audit\":", 0), 0u);  // keys sorted
  EXPECT_EQ(json::parse(ta).dump(), ta);     // sorted and compact: re-serialising changes nothing
  PlanReport c = small_report();
  std::swap(c.plan.rosters[0].blocks[0].tours[0], c.plan.rosters[0].blocks[0].tours[1]);
  EXPECT_NE(canonical_report_text(c, tours), ta);
  PlanReport d = small_report();
  d.config.effective_hash = "ffffffffffffffff";
  EXPECT_NE(canonical_report_text(d, tours), ta);
}

std::vector<std::vector<std::string>> cells(const std::string& csv) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(csv);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> row;
    size_t start = 0;
    for (size_t i = 0; i <= line.size(); ++i)
      if (i == line.size() || line[i] == ';') {
        row.push_back(line.substr(start, i - start));
        start = i + 1;
      }
    rows.push_back(row);
  }
  return rows;
}

TEST(CsvExport, RosterMatrixCellByCell) {
  auto tours = small_tours();
  Policy p;
  p.fte_min_hours = 10;
  std::string csv = roster_matrix_csv(small_plan(), tours, p);
  ASSERT_EQ(csv.rfind("\xEF\xBB\xBF", 0), 0u);
  auto rows = cells(csv.substr(3));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"Fahrer", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag",
                                               "Samstag", "Sonntag", "Stunden", "Typ"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"D001", "04:45-09:15/09:45-14:15 [2er-regular]", "05:00-09:30 [1er]", "-",
                                               "-", "-", "-", "-", "13.50", "FTE"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"D002", "-", "-", "-", "-", "22:00-02:30 [1er]", "-", "-", "4.50", "PT"}));
  EXPECT_EQ(csv, roster_matrix_csv(small_plan(), tours, p));  // deterministic
  PlanReport r = small_report();  // default policy: 40 h threshold, both PT
  EXPECT_EQ(cells(roster_matrix_csv(r, tours).substr(3))[1].back(), "PT");
}

TEST(CsvExport, ToursCsvCellByCell) {
  auto tours = small_tours();
  std::string csv = tours_csv(small_plan(), tours);
  EXPECT_NE(csv.rfind("\xEF\xBB\xBF", 0), 0u);  // no BOM: meant for machine import
  auto rows = cells(csv);
  std::vector<std::vector<std::string>> want = {
      {"driver", "day", "block_id", "block_type", "tour_id", "start", "end"},
      {"D001", "Mon", "D001-Mon", "2er-regular", "T1", "04:45", "09:15"},
      {"D001", "Mon", "D001-Mon", "2er-regular", "T2", "09:45", "14:15"},
      {"D001", "Tue", "D001-Tue", "1er", "T3", "05:00", "09:30"},
      {"D002", "Fri", "D002-Fri", "1er", "T4", "22:00", "02:30"},
      {"", "Wed", "", "unassigned", "T5", "08:00", "12:00"},
  };
  EXPECT_EQ(rows, want);
}

TEST(CsvExport, FieldsWithSeparatorsAreQuoted) {
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("a;b"), "\"a;b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  auto tours = small_tours();
  Plan p;
  p.rosters.push_back({"D;1", {{1, {2}, BlockKind::One}}});
  std::string csv = roster_matrix_csv(p, tours);
  EXPECT_NE(csv.find("\n\"D;1\";-;05:00-09:30 [1er];"), std::string::npos) << csv;
}

}  // namespace
}  // namespace so

namespace so {
namespace {

// Locked tours carry "locked": true (only they do); a re-plan carries its "changes" object.
TEST(PlanJson, LockedToursAndChanges) {
  PlanReport r = small_report();
  r.driver_mode.enabled = true;
  r.driver_mode.locks = {Lock{"D001", {"T2"}}};
  ChangeReport c;
  c.base_run_id = "run-base";
  c.frozen_until = 2 * 1440 + 6 * 60;
  c.frozen_tours = 3;
  c.drivers_affected = 2;
  c.assignments_changed = 1;
  c.per_driver = {DriverChange{"D002", "", {"T4"}, {}}};
  r.changes = c;
  const nlohmann::json j = plan_report_to_json(r, small_tours());
  int locked = 0;
  for (const auto& d : j["drivers"])
    for (const auto& b : d["blocks"])
      for (const auto& t : b["tours"])
        if (t.contains("locked")) {
          EXPECT_EQ(t["id"], "T2");
          EXPECT_EQ(t["locked"], true);
          ++locked;
        }
  EXPECT_EQ(locked, 1);
  const nlohmann::json& ch = j["changes"];
  EXPECT_EQ(ch["base_run_id"], "run-base");
  EXPECT_EQ(ch["frozen_until"], (nlohmann::json{{"day", "Wed"}, {"time", "06:00"}}));
  EXPECT_EQ(ch["frozen_tours"], 3);
  EXPECT_EQ(ch["drivers_affected"], 2);
  EXPECT_EQ(ch["assignments_changed"], 1);
  EXPECT_EQ(ch["per_driver"][0]["driver_id"], "D002");
  EXPECT_EQ(ch["per_driver"][0]["gained"], nlohmann::json::array({"T4"}));
  EXPECT_TRUE(ch["per_driver"][0]["name"].is_null());
  // Without locks or changes, neither key appears.
  const nlohmann::json plain = plan_report_to_json(small_report(), small_tours());
  EXPECT_FALSE(plain.contains("changes"));
  EXPECT_EQ(plain.dump().find("\"locked\""), std::string::npos);
}

}  // namespace
}  // namespace so
