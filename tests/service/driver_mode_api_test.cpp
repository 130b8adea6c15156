// Driver mode over HTTP (issue 6, api.md §3 plus driver mode) against the real solver on a
// loopback ephemeral port: /schedule and /runs with a driver pool, POST /api/v1/diagnostics,
// 400 for impossible locks and other semantic problems, 422 with locations for schema errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <set>
#include <thread>

#include "service/request.hpp"
#include "service_test_util.hpp"

namespace so {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;
using test::LiveService;
using test::metric_value;

// Mon: two tours one driver can chain; Tue: a tour needing ADR that nobody holds; Wed: one tour.
json small_tours() {
  return json::parse(R"([
    {"id":"T1","day":"Mon","start_time":"06:00","end_time":"10:00"},
    {"id":"T2","day":"Mon","start_time":"10:30","end_time":"14:30"},
    {"id":"T3","day":"Tue","start_time":"06:00","end_time":"10:00","required_qualifications":["ADR"]},
    {"id":"T4","day":"Wed","start_time":"07:00","end_time":"11:00"}])");
}

json small_drivers() {
  return json::parse(R"([
    {"id":"D1","name":"Anna Adler","qualifications":["KRAN"],"contract":"FTE","min_weekly_hours":20},
    {"id":"D2","name":"Ben Berg","contract":"PT"},
    {"id":"D3","name":"Cem Cakir","available_days":["Mon"]}])");
}

json small_body() {
  return {{"tours", small_tours()}, {"drivers", small_drivers()}, {"seed", 7}, {"time_limit_seconds", 10}};
}

httplib::Result post(httplib::Client& c, const std::string& path, const json& body) {
  return c.Post(path.c_str(), body.dump(), "application/json");
}

std::set<std::string> locs(const json& detail) {
  std::set<std::string> out;
  for (const auto& p : detail) out.insert(p["loc"].dump());
  return out;
}

TEST(DriverModeApi, ScheduleAssignsOnlyToThePoolAndExplainsTheUncoveredTour) {
  LiveService svc;
  auto c = svc.client();
  auto r = post(c, "/api/v1/schedule", small_body());
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;  // an infeasible driver-mode run is a normal answer
  json plan = json::parse(r->body);
  EXPECT_EQ(plan["status"], "INFEASIBLE");

  // Every listed driver is from the pool, with its name; T1, T2, T4 are covered.
  const std::map<std::string, std::string> names = {{"D1", "Anna Adler"}, {"D2", "Ben Berg"}, {"D3", "Cem Cakir"}};
  std::set<std::string> covered;
  ASSERT_FALSE(plan["drivers"].empty());
  for (const auto& d : plan["drivers"]) {
    const std::string id = d["driver_id"];
    ASSERT_TRUE(names.count(id)) << "driver outside the pool: " << id;
    EXPECT_EQ(d["name"], names.at(id));
    EXPECT_TRUE(d.contains("contract"));
    EXPECT_TRUE(d.contains("min_weekly_hours"));
    for (const auto& b : d["blocks"])
      for (const auto& t : b["tours"]) covered.insert(t["id"]);
    if (id == "D3")  // available on Monday only
      for (const auto& b : d["blocks"]) EXPECT_EQ(b["day"], "Mon");
  }
  EXPECT_EQ(covered, (std::set<std::string>{"T1", "T2", "T4"}));

  ASSERT_EQ(plan["unassigned_tours"].size(), 1u);
  const json& u = plan["unassigned_tours"][0];
  EXPECT_EQ(u["tour_id"], "T3");
  EXPECT_EQ(u["day"], "Tue");
  EXPECT_EQ(u["start_time"], "06:00");
  EXPECT_EQ(u["end_time"], "10:00");
  EXPECT_EQ(u["required_qualifications"], json::array({"ADR"}));
  EXPECT_EQ(u["reason_codes"], json::parse(R"(["DRIVER_QUALIFICATION_MISSING","NO_AVAILABLE_DRIVER"])"));
  EXPECT_EQ(u["drivers_blocked"], json::parse(R"({"DRIVER_QUALIFICATION_MISSING":3})"));

  const json& dm = plan["driver_mode"];
  EXPECT_EQ(dm["drivers_available"], 3);
  EXPECT_EQ(dm["drivers_used"], plan["drivers"].size());
  EXPECT_TRUE(dm["previous_assignments"].is_null());
  EXPECT_TRUE(dm["error"].is_null());
  EXPECT_EQ(plan["kpis"]["drivers_available"], 3);
  EXPECT_EQ(plan["kpis"]["tours_uncovered"], 1);
  EXPECT_TRUE(plan["lower_bounds"].contains("uncovered_tours"));
  // The tour nobody can take is certainly uncovered: a bound of at least 1 when one is proven.
  if (!plan["lower_bounds"]["uncovered_tours"].is_null()) EXPECT_GE(plan["lower_bounds"]["uncovered_tours"], 1);
}

TEST(DriverModeApi, RunsServeDriverModeDocumentsAndALockIsKept) {
  LiveService svc;
  auto c = svc.client();
  json body = small_body();
  body["locks"] = json::parse(R"([{"driver_id":"D2","tour_ids":["T4"]}])");
  body["previous_plan"] = json::parse(R"({"assignments":[{"driver_id":"D1","tour_id":"T1"}]})");
  auto r = post(c, "/api/v1/runs", body);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  const std::string id = json::parse(r->body)["run_id"];
  ASSERT_EQ(test::wait_final(c, id, 15s), "COMPLETED");

  auto p = c.Get(("/api/v1/runs/" + id + "/plan").c_str());
  ASSERT_TRUE(p);
  ASSERT_EQ(p->status, 200);
  json plan = json::parse(p->body);
  bool lock_kept = false;
  for (const auto& d : plan["drivers"])
    for (const auto& b : d["blocks"])
      for (const auto& t : b["tours"])
        if (t["id"] == "T4") lock_kept = d["driver_id"] == "D2";
  EXPECT_TRUE(lock_kept) << p->body;
  EXPECT_EQ(plan["driver_mode"]["locks_requested"], 1);
  EXPECT_EQ(plan["driver_mode"]["locks_kept"], 1);
  EXPECT_EQ(plan["driver_mode"]["previous_assignments"], 1);

  auto t = c.Get(("/api/v1/runs/" + id + "/export/tours.csv").c_str());
  ASSERT_TRUE(t);
  ASSERT_EQ(t->status, 200);
  EXPECT_EQ(t->body.substr(0, t->body.find('\n')), "driver;driver_name;day;block_id;block_type;tour_id;start;end;reason_codes;locked;changed_from");
  EXPECT_NE(t->body.find("D2;Ben Berg;Wed;D2-Wed;1er;T4;07:00;11:00;;yes;\n"), std::string::npos) << t->body;
  EXPECT_NE(t->body.find(";;Tue;;unassigned;T3;06:00;10:00;DRIVER_QUALIFICATION_MISSING|NO_AVAILABLE_DRIVER;;\n"),
            std::string::npos)
      << t->body;
  auto m = c.Get(("/api/v1/runs/" + id + "/export/roster.csv").c_str());
  ASSERT_TRUE(m);
  EXPECT_NE(m->body.find("\nBen Berg;"), std::string::npos) << m->body;  // Fahrer = name

  auto canon = c.Get(("/api/v1/runs/" + id + "/report/canonical").c_str());
  ASSERT_TRUE(canon);
  EXPECT_TRUE(json::parse(canon->body).contains("driver_mode"));
}

// ?lang=de on the CSV exports (the dispatcher page's downloads): German names and a decimal
// comma; without it (or with lang=en) the bytes are exactly the stored default.
TEST(DriverModeApi, CsvExportsInGermanOnRequestAndTheDefaultIsUnchanged) {
  LiveService svc;
  auto c = svc.client();
  auto r = post(c, "/api/v1/runs", small_body());
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  const std::string id = json::parse(r->body)["run_id"];
  ASSERT_EQ(test::wait_final(c, id, 15s), "COMPLETED");
  auto get = [&](const std::string& path) {
    auto res = c.Get(("/api/v1/runs/" + id + path).c_str());
    EXPECT_TRUE(res);
    return res ? std::make_pair(res->status, res->body) : std::make_pair(0, std::string());
  };
  const auto tours = get("/export/tours.csv");
  ASSERT_EQ(tours.first, 200);
  EXPECT_EQ(get("/export/tours.csv?lang=en"), tours);
  EXPECT_EQ(tours.second.rfind("driver;driver_name;day;", 0), 0u) << tours.second;
  const auto de = get("/export/tours.csv?lang=de");
  ASSERT_EQ(de.first, 200);
  EXPECT_EQ(de.second.substr(0, de.second.find('\n')),
            "\xEF\xBB\xBF" "Fahrer;Name;Tag;Datum;Block;Blocktyp;Tour;Beginn;Ende;Gr\xC3\xBCnde;fest;vorher_bei");
  // The date of Tuesday in the run's week (week_start is a Monday).
  const std::string week = json::parse(c.Get(("/api/v1/runs/" + id).c_str())->body)["week_start"];
  ASSERT_EQ(week.size(), 10u) << week;
  const std::chrono::year_month_day monday{std::chrono::year{std::stoi(week.substr(0, 4))},
                                           std::chrono::month{static_cast<unsigned>(std::stoi(week.substr(5, 2)))},
                                           std::chrono::day{static_cast<unsigned>(std::stoi(week.substr(8, 2)))}};
  const std::chrono::year_month_day tuesday{std::chrono::sys_days{monday} + std::chrono::days{1}};
  char tue[16];
  std::snprintf(tue, sizeof tue, "%02u.%02u.%04d", static_cast<unsigned>(tuesday.day()),
                static_cast<unsigned>(tuesday.month()), static_cast<int>(tuesday.year()));
  EXPECT_NE(de.second.find(";Mittwoch;"), std::string::npos) << de.second;
  EXPECT_EQ(de.second.find(";Wed;"), std::string::npos) << de.second;
  EXPECT_NE(de.second.find(std::string(";;Dienstag;") + tue +
                           ";;nicht zugeteilt;T3;06:00;10:00;DRIVER_QUALIFICATION_MISSING|NO_AVAILABLE_DRIVER;;\n"),
            std::string::npos) << de.second;
  // The same rows, only renamed: one line per tour in both.
  EXPECT_EQ(std::count(de.second.begin(), de.second.end(), '\n'), std::count(tours.second.begin(), tours.second.end(), '\n'));

  const auto roster = get("/export/roster.csv");
  ASSERT_EQ(roster.first, 200);
  EXPECT_EQ(get("/export/roster.csv?lang=en"), roster);
  const auto rde = get("/export/roster.csv?lang=de");
  ASSERT_EQ(rde.first, 200);
  // Every "Stunden" cell: "9.00" in the default, "9,00" in the German form; nothing else differs
  // but the block names.
  std::string expected = roster.second;
  // The day headers carry the dates of the run's week: "Montag 07.01.2030".
  for (const char* day : {"Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"}) {
    const size_t at = expected.find(std::string(";") + day + ";");
    ASSERT_NE(at, std::string::npos) << day;
    const size_t header_at = rde.second.find(std::string(";") + day + " ");
    ASSERT_NE(header_at, std::string::npos) << rde.second.substr(0, 200);
    const std::string dated = rde.second.substr(header_at + 1, std::string(day).size() + 11);
    expected.replace(at + 1, std::string(day).size(), dated);
  }
  EXPECT_NE(rde.second.find(std::string(";Dienstag ") + tue + ";"), std::string::npos) << rde.second.substr(0, 200);
  for (size_t at = expected.find("[2er-regular]"); at != std::string::npos; at = expected.find("[2er-regular]"))
    expected.replace(at, 13, "[2er regul\xC3\xA4r]");
  size_t hours_seen = 0;
  for (size_t line = expected.find('\n') + 1; line < expected.size(); line = expected.find('\n', line) + 1) {
    const size_t end = expected.find('\n', line);
    const size_t typ = expected.rfind(';', end);
    const size_t hours = expected.rfind(';', typ - 1) + 1;
    const size_t dot = expected.find('.', hours);
    ASSERT_LT(dot, typ) << expected.substr(line, end - line);
    expected[dot] = ',';
    ++hours_seen;
  }
  EXPECT_GE(hours_seen, 1u);
  EXPECT_EQ(rde.second, expected);
  EXPECT_NE(rde.second.find("[2er regul\xC3\xA4r]"), std::string::npos) << rde.second;

  const auto bad = get("/export/tours.csv?lang=fr");
  EXPECT_EQ(bad.first, 400);
  EXPECT_NE(bad.second.find("lang"), std::string::npos) << bad.second;
}

TEST(DriverModeApi, DiagnosticsCountBlocksAndDriversWithoutSolving) {
  LiveService svc;
  auto c = svc.client();
  auto r = post(c, "/api/v1/diagnostics", small_body());
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json d = json::parse(r->body);
  EXPECT_EQ(d["tours_total"], 4);
  EXPECT_EQ(d["drivers_total"], 3);
  EXPECT_EQ(d["tours_without_driver"], 1);
  ASSERT_EQ(d["tours"].size(), 4u);
  std::map<std::string, json> by_id;
  for (const auto& t : d["tours"]) by_id[t["tour_id"]] = t;
  EXPECT_EQ(by_id["T3"]["drivers_eligible"], 0);
  EXPECT_EQ(by_id["T3"]["required_qualifications"], json::array({"ADR"}));
  EXPECT_EQ(by_id["T3"]["top_blockers"], json::parse(R"([{"reason":"DRIVER_QUALIFICATION_MISSING","drivers":3}])"));
  EXPECT_EQ(by_id["T4"]["drivers_eligible"], 2);  // D3 works Mondays only
  EXPECT_EQ(by_id["T4"]["top_blockers"], json::parse(R"([{"reason":"DRIVER_NOT_AVAILABLE","drivers":1}])"));
  EXPECT_EQ(by_id["T1"]["drivers_eligible"], 3);
  EXPECT_EQ(by_id["T1"]["top_blockers"], json::array());
  for (const auto& [id, t] : by_id) EXPECT_GE(t["blocks"].get<int>(), 1) << id;  // a 1er at least
  EXPECT_EQ(by_id["T4"]["day"], "Wed");
  EXPECT_EQ(by_id["T4"]["start_time"], "07:00");

  // Nothing was solved: no run exists.
  auto runs = c.Get("/api/v1/runs");
  ASSERT_TRUE(runs);
  EXPECT_EQ(json::parse(runs->body)["count"], 0);

  // Drivers are required; the same 415 / 422 / 400 answers as /schedule.
  auto no_drivers = post(c, "/api/v1/diagnostics", {{"tours", small_tours()}});
  ASSERT_TRUE(no_drivers);
  EXPECT_EQ(no_drivers->status, 422);
  EXPECT_EQ(json::parse(no_drivers->body)["detail"][0]["loc"], json::array({"body", "drivers"}));
  auto csv = c.Post("/api/v1/diagnostics", test::synthetic_csv(2, 1, 2), "text/csv");
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->status, 422);
  auto plain = c.Post("/api/v1/diagnostics", "x", "text/plain");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->status, 415);
  json dup = small_body();
  dup["drivers"][1]["id"] = "D1";
  auto bad = post(c, "/api/v1/diagnostics", dup);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(json::parse(bad->body)["detail"].get<std::string>().find("D1"), std::string::npos) << bad->body;

  std::string text = svc.metrics();
  EXPECT_EQ(metric_value(text, "http_requests_total{method=\"POST\",route=\"/api/v1/diagnostics\",status=\"200\"}"), 1);
  EXPECT_EQ(metric_value(text, "http_requests_total{method=\"POST\",route=\"/api/v1/diagnostics\",status=\"422\"}"), 2);
  EXPECT_EQ(metric_value(text, "solver_api_error_total{endpoint=\"/api/v1/diagnostics\",error_type=\"validation_error\"}"), 2);
  EXPECT_EQ(metric_value(text, "solver_api_error_total{endpoint=\"/api/v1/diagnostics\",error_type=\"bad_request\"}"), 1);
}

TEST(DriverModeApi, ImpossibleLockAndOtherSemanticProblemsAre400BeforeSolving) {
  LiveService svc;
  auto c = svc.client();
  auto expect_400 = [&](const json& body, const std::string& needle) {
    auto r = post(c, "/api/v1/schedule", body);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << r->body;
    const std::string detail = json::parse(r->body)["detail"];
    EXPECT_NE(detail.find(needle), std::string::npos) << detail;
  };
  json b = small_body();
  b["locks"] = json::parse(R"([{"driver_id":"D3","tour_ids":["T4"]}])");  // D3 does not work Wednesdays
  expect_400(b, "lock of driver 'D3'");
  b["locks"] = json::parse(R"([{"driver_id":"D1","tour_ids":["T3"]}])");  // D1 lacks ADR
  expect_400(b, "lock of driver 'D1'");
  b["locks"] = json::parse(R"([{"driver_id":"D9","tour_ids":["T1"]}])");
  expect_400(b, "D9");
  b["locks"] = json::parse(R"([{"driver_id":"D1","tour_ids":["T99"]}])");
  expect_400(b, "T99");
  b = small_body();
  b["drivers"][2]["id"] = "D2";
  expect_400(b, "D2");

  // None of them reached the solver.
  auto runs = c.Get("/api/v1/runs");
  ASSERT_TRUE(runs);
  EXPECT_EQ(json::parse(runs->body)["count"], 0);
}

TEST(DriverModeApi, SchemaErrorsAre422WithEveryLocation) {
  LiveService svc;
  auto c = svc.client();
  json b = small_body();
  b["drivers"][0]["max_weekly_hours"] = 0;
  b["drivers"][1]["contract"] = "Minijob";
  b["drivers"][2]["available_days"] = json::array({"Funday"});
  b["locks"] = json::parse(R"([{"driver_id":"D1"}])");
  auto r = post(c, "/api/v1/schedule", b);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 422) << r->body;
  EXPECT_EQ(locs(json::parse(r->body)["detail"]),
            (std::set<std::string>{R"(["body","drivers",0,"max_weekly_hours"])", R"(["body","drivers",1,"contract"])",
                                   R"(["body","drivers",2,"available_days",0])", R"(["body","locks",0,"tour_ids"])"}));

  // Locks or a previous plan without drivers: 422 naming the field.
  auto no_pool = post(c, "/api/v1/schedule",
                      {{"tours", small_tours()}, {"locks", json::parse(R"([{"driver_id":"D1","tour_ids":["T1"]}])")},
                       {"previous_plan", json::parse(R"({"assignments":[]})")}});
  ASSERT_TRUE(no_pool);
  ASSERT_EQ(no_pool->status, 422) << no_pool->body;
  EXPECT_EQ(locs(json::parse(no_pool->body)["detail"]),
            (std::set<std::string>{R"(["body","locks"])", R"(["body","previous_plan"])"}));
}

// The reference's old REST request body (1385 tours, 138 named drivers, extra keys ignored).
TEST(DriverModeApi, ReferenceRequestBodyIsDriverModeAndDiagnosable) {
  const std::string path = std::string(SO_SHARED_DIR) + "/data/reference/test_request.json";
  std::ifstream in(path);
  if (!in) GTEST_SKIP() << "reference data not available: " << path;
  const std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto parsed = parse_solve_request("application/json", body, {}, SolverConfig{}, "2030-01-07");
  ASSERT_TRUE(parsed.solve) << parsed.error->body.dump();
  EXPECT_EQ(parsed.solve->request.tours.size(), 1385u);
  ASSERT_EQ(parsed.solve->request.drivers.size(), 138u);
  EXPECT_EQ(parsed.solve->request.drivers[0].name, "Fahrer 1");

  LiveService svc;
  auto c = svc.client();
  auto r = c.Post("/api/v1/diagnostics", body, "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body.substr(0, 500);
  json d = json::parse(r->body);
  EXPECT_EQ(d["tours_total"], 1385);
  EXPECT_EQ(d["drivers_total"], 138);
  EXPECT_EQ(d["tours_without_driver"], 0);  // generic drivers: every tour is open to all of them
  for (const auto& t : d["tours"]) EXPECT_EQ(t["drivers_eligible"], 138) << t.dump();
}

TEST(DriverModeRequest, ParsedIntoTheSolveRequest) {
  json b = small_body();
  b["locks"] = json::parse(R"([{"driver_id":"D2","tour_ids":["T4"]}])");
  b["previous_plan"] = json::parse(R"({"drivers":[{"driver_id":"D1","blocks":[{"day":"Mon","tours":["T1","T2"]}]}]})");
  auto r = parse_solve_request("application/json", b.dump(), {}, SolverConfig{}, "2030-01-07");
  ASSERT_TRUE(r.solve) << r.error->body.dump();
  const SolveRequest& q = r.solve->request;
  ASSERT_EQ(q.drivers.size(), 3u);
  EXPECT_EQ(q.drivers[0].name, "Anna Adler");
  EXPECT_EQ(q.drivers[0].min_weekly_minutes, 1200);
  EXPECT_EQ(q.drivers[2].available_days, (std::array<bool, 7>{true, false, false, false, false, false, false}));
  ASSERT_EQ(q.locks.size(), 1u);
  EXPECT_EQ(q.locks[0].driver_id, "D2");
  ASSERT_EQ(q.previous.size(), 2u);
  EXPECT_EQ(q.previous[1].tour_id, "T2");
  // An empty pool stays forecast mode; a CSV body is forecast mode.
  auto f = parse_solve_request("application/json", json{{"tours", small_tours()}, {"drivers", json::array()}}.dump(), {},
                               SolverConfig{}, "2030-01-07");
  ASSERT_TRUE(f.solve);
  EXPECT_TRUE(f.solve->request.drivers.empty());
}

}  // namespace
}  // namespace so
