// The CLI as a user runs it: the real binary, real files, exit codes 0 / 1 / 2.
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <sys/wait.h>

#include "../../bench/instance_gen.hpp"
#include "core/time.hpp"

#include "cli_test_util.hpp"

namespace fs = std::filesystem;


namespace {

using so::test::CmdResult;
CmdResult run(const std::string& args) { return so::test::run_cli(args); }

class CliTest : public so::test::CliFixture {};

// A small week with a known answer: Mon and Tue one 3er each, same driver possible.
const char* kSmallWeek =
    "Montag;Anzahl\n06:00-10:00;1\n10:30-14:30;1\n15:00-19:00;1\n"
    "Dienstag;Anzahl\n06:00-10:00;1\n10:30-14:30;1\n";

}  // namespace

TEST_F(CliTest, HelpOnEverySubcommandExitsZero) {
  for (const char* sub : {"", "solve", "validate", "bounds", "serve"}) {
    CmdResult r = run(std::string(sub) + " --help");
    EXPECT_EQ(r.exit_code, 0) << sub << ": " << r.output;
    EXPECT_NE(r.output.find("Usage"), std::string::npos) << sub;
  }
}

TEST_F(CliTest, UsageErrorsExitTwo) {
  EXPECT_EQ(run("").exit_code, 2);
  EXPECT_EQ(run("frobnicate").exit_code, 2);
  EXPECT_EQ(run("solve").exit_code, 2);                     // missing forecast
  EXPECT_EQ(run("solve x.csv --time-limit 0").exit_code, 2);  // out of range
}

TEST_F(CliTest, BadForecastExitsTwoNamingLineAndValue) {
  std::string f = write("bad.csv", "Montag;Anzahl\n06:00-10:00;2\n25:00-09:30;1\n");
  CmdResult r = run("solve " + f);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find(":3"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("25:00"), std::string::npos) << r.output;
  CmdResult missing = run("solve " + (dir / "nope.csv").string());
  EXPECT_EQ(missing.exit_code, 2);
}

TEST_F(CliTest, BadPolicyExitsTwoNamingTheRule) {
  std::string f = write("w.csv", kSmallWeek);
  CmdResult r = run("solve " + f + " --policy '{\"min_rest_minutes\": 100}'");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("min_rest_minutes"), std::string::npos) << r.output;
  CmdResult u = run("solve " + f + " --policy '{\"no_such_rule\": 1}'");
  EXPECT_EQ(u.exit_code, 2) << u.output;
  EXPECT_NE(u.output.find("no_such_rule"), std::string::npos) << u.output;
}

TEST_F(CliTest, SolveWritesPlanRosterAndToursAndValidatePassesIt) {
  std::string f = write("w.csv", kSmallWeek);
  std::string plan = (dir / "plan.json").string(), roster = (dir / "roster.csv").string(),
              tours = (dir / "tours.csv").string(), xlsx = (dir / "roster.xlsx").string();
  CmdResult r = run("solve " + f + " --time-limit 5 --out " + plan + " --roster " + roster + " --tours-csv " + tours +
                    " --xlsx " + xlsx);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("drivers       : 1 "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("audit         : OK"), std::string::npos) << r.output;
  std::ifstream in(plan);
  nlohmann::json j = nlohmann::json::parse(in);
  EXPECT_EQ(j["drivers"].size(), 1u);
  EXPECT_EQ(j["solution_signature"].get<std::string>().rfind("sha256:", 0), 0u);
  EXPECT_TRUE(j["audit"]["ok"].get<bool>());
  std::ifstream rin(roster);
  std::string header;
  std::getline(rin, header);
  EXPECT_NE(header.find("Fahrer;Montag;Dienstag"), std::string::npos);
  EXPECT_TRUE(fs::file_size(tours) > 0);
  std::ifstream xin(xlsx, std::ios::binary);
  std::string magic(2, '\0');
  xin.read(magic.data(), 2);
  EXPECT_EQ(magic, "PK");  // a zip container: the workbook itself is checked in tests/io/xlsx_export_test.cpp
  CmdResult v = run("validate " + f + " " + plan);
  EXPECT_EQ(v.exit_code, 0) << v.output;
}

TEST_F(CliTest, ValidateCatchesHandBrokenPlans) {
  std::string f = write("w.csv", kSmallWeek);
  std::string plan = (dir / "plan.json").string();
  ASSERT_EQ(run("solve " + f + " --time-limit 5 --out " + plan).exit_code, 0);
  nlohmann::json j = nlohmann::json::parse(std::ifstream(plan));
  // One tour removed: the first tour of the first block disappears.
  nlohmann::json broken = j;
  auto& blocks = broken["drivers"][0]["blocks"];
  blocks[0]["tours"].erase(0);
  std::ofstream(dir / "broken.json") << broken.dump();
  CmdResult v = run("validate " + f + " " + (dir / "broken.json").string());
  EXPECT_EQ(v.exit_code, 1) << v.output;
  EXPECT_NE(v.output.find("TOUR_UNCOVERED"), std::string::npos) << v.output;
  // An unknown tour id is bad input, not an audit finding.
  nlohmann::json unknown = j;
  unknown["drivers"][0]["blocks"][0]["tours"][0]["id"] = "T9999";
  std::ofstream(dir / "unknown.json") << unknown.dump();
  CmdResult u = run("validate " + f + " " + (dir / "unknown.json").string());
  EXPECT_EQ(u.exit_code, 2) << u.output;
  EXPECT_NE(u.output.find("T9999"), std::string::npos) << u.output;
}

TEST_F(CliTest, ValidateCatchesRestViolationAndWeeklyHours) {
  // Mon 19:00-23:00 then Tue 09:00-13:00: rest 10 h < 11 h. Six days of 9.5 h + … > 55 h for one driver.
  std::string f = write("w.csv",
                        "Montag;Anzahl\n19:00-23:00;1\nDienstag;Anzahl\n09:00-13:00;1\n");
  nlohmann::json plan = {{"drivers",
                          {{{"driver_id", "D001"},
                            {"blocks",
                             {{{"day", "Mon"}, {"block_type", "1er"}, {"tours", {{{"id", "T0001"}}}}},
                              {{"day", "Tue"}, {"block_type", "1er"}, {"tours", {{{"id", "T0002"}}}}}}}}}}};
  std::ofstream(dir / "p.json") << plan.dump();
  CmdResult v = run("validate " + f + " " + (dir / "p.json").string());
  EXPECT_EQ(v.exit_code, 1) << v.output;
  EXPECT_NE(v.output.find("REST_VIOLATION"), std::string::npos) << v.output;

  // 56 h: seven days would exceed working days too, so 6 days of 2x 4h40 = 56 h.
  std::string week;
  nlohmann::json blocks = nlohmann::json::array();
  const char* days[] = {"Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"};
  const char* short_days[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  int id = 1;
  for (int d = 0; d < 6; ++d) {
    week += std::string(days[d]) + ";Anzahl\n06:00-10:40;1\n11:10-15:50;1\n";
    char a[8], b[8];
    std::snprintf(a, sizeof a, "T%04d", id++);
    std::snprintf(b, sizeof b, "T%04d", id++);
    blocks.push_back({{"day", short_days[d]}, {"block_type", "2er-regular"}, {"tours", {{{"id", a}}, {{"id", b}}}}});
  }
  std::string f2 = write("w56.csv", week);
  nlohmann::json p56 = {{"drivers", {{{"driver_id", "D001"}, {"blocks", blocks}}}}};
  std::ofstream(dir / "p56.json") << p56.dump();
  CmdResult w = run("validate " + f2 + " " + (dir / "p56.json").string());
  EXPECT_EQ(w.exit_code, 1) << w.output;
  EXPECT_NE(w.output.find("WEEKLY_HOURS_EXCEEDED"), std::string::npos) << w.output;
}

TEST_F(CliTest, BoundsOnSmallWeek) {
  std::string f = write("w.csv", kSmallWeek);
  CmdResult r = run("bounds " + f);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("best             1"), std::string::npos) << r.output;
}

TEST_F(CliTest, DemoWeekSolvesAuditClean) {
  std::string plan = (dir / "plan.json").string();
  CmdResult r = run("solve " + demo() + " --time-limit 20 --out " + plan);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  nlohmann::json j = nlohmann::json::parse(std::ifstream(plan));
  EXPECT_TRUE(j["audit"]["ok"].get<bool>());
  EXPECT_DOUBLE_EQ(j["kpis"]["coverage_rate"].get<double>(), 1.0);
  EXPECT_GE(j["kpis"]["drivers_total"].get<int>(), j["lower_bounds"]["best"].get<int>());
}

// The bundled pool (examples/demo_drivers.csv) covers the demo week under every personal limit
// it carries (days off, an unavailable window, weekly caps, tours per day): what scripts/demo.sh runs.
TEST_F(CliTest, DemoWeekOntoTheBundledDriverPool) {
  const std::string plan = (dir / "plan_drivers.json").string();
  const std::string pool = std::string(SO_SOURCE_DIR) + "/examples/demo_drivers.csv";
  CmdResult r = run("solve " + demo() + " --drivers " + pool + " --time-limit 20 --out " + plan);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  nlohmann::json j = nlohmann::json::parse(std::ifstream(plan));
  EXPECT_TRUE(j["audit"]["ok"].get<bool>()) << j["audit"].dump();
  EXPECT_EQ(j["kpis"]["tours_uncovered"], 0);
  EXPECT_EQ(j["driver_mode"]["drivers_available"], 84);
  // Ten drivers have a 40 h contract minimum; with 69 rosters of 40 h or more every used one meets it.
  EXPECT_EQ(j["kpis"]["drivers_below_contract_min"], 0) << j["kpis"].dump();
  std::set<std::string> ids;
  for (const auto& d : j["drivers"]) {
    EXPECT_FALSE(d["name"].get<std::string>().empty());
    EXPECT_EQ(d["driver_id"].get<std::string>().rfind("F", 0), 0u) << "only pool ids";
    ids.insert(d["driver_id"].get<std::string>());
  }
  EXPECT_EQ(ids.size(), j["drivers"].size());
  EXPECT_LE(ids.size(), 84u);
}

// ---- driver mode (issue 6): solve --drivers / --locks / --previous, diagnose

namespace {

// Mon: two tours one driver can chain; Tue: a tour needing ADR that nobody holds; Wed: one tour.
const char* kDriverWeek = R"({"tours":[
  {"id":"T1","day":"Mon","start_time":"06:00","end_time":"10:00"},
  {"id":"T2","day":"Mon","start_time":"10:30","end_time":"14:30"},
  {"id":"T3","day":"Tue","start_time":"06:00","end_time":"10:00","required_qualifications":["ADR"]},
  {"id":"T4","day":"Wed","start_time":"07:00","end_time":"11:00"}]})";

const char* kPoolCsv =
    "id,name,qualifications,available_days,contract\n"
    "D1,Anna Adler,KRAN,,FTE\n"
    "D2,Ben Berg,,,PT\n"
    "D3,Cem Cakir,,Mon,\n";

}  // namespace

TEST_F(CliTest, SolveWithDriversAssignsOnlyToThePoolAndExplainsUncoveredTours) {
  std::string f = write("week.json", kDriverWeek);
  std::string pool = write("pool.csv", kPoolCsv);
  std::string plan = (dir / "plan.json").string(), tours = (dir / "tours.csv").string();
  CmdResult r = run("solve " + f + " --drivers " + pool + " --time-limit 10 --out " + plan + " --tours-csv " + tours);
  EXPECT_EQ(r.exit_code, 1) << r.output;  // a tour stays uncovered: not OK
  EXPECT_NE(r.output.find("of 3 drivers used; 1 of 4 tours uncovered"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("T3 Tue 06:00-10:00 [ADR]"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("DRIVER_QUALIFICATION_MISSING, NO_AVAILABLE_DRIVER"), std::string::npos) << r.output;

  nlohmann::json j = nlohmann::json::parse(std::ifstream(plan));
  std::set<std::string> names;
  for (const auto& d : j["drivers"]) names.insert(d["name"].get<std::string>());
  for (const auto& n : names) EXPECT_TRUE(n == "Anna Adler" || n == "Ben Berg" || n == "Cem Cakir") << n;
  EXPECT_FALSE(names.empty());
  EXPECT_EQ(j["driver_mode"]["drivers_available"], 3);
  EXPECT_EQ(j["unassigned_tours"][0]["tour_id"], "T3");
  std::ifstream tin(tours);
  std::string header;
  std::getline(tin, header);
  EXPECT_EQ(header, "driver;driver_name;day;block_id;block_type;tour_id;start;end;reason_codes;locked;changed_from");

  // Give Anna ADR: everything is covered, exit 0, and the plan validates.
  std::string pool2 = write("pool2.csv", "id,name,qualifications\nD1,Anna Adler,ADR|KRAN\nD2,Ben Berg,\n");
  CmdResult ok = run("solve " + f + " --drivers " + pool2 + " --time-limit 10 --out " + plan);
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_NE(ok.output.find("0 of 4 tours uncovered"), std::string::npos) << ok.output;
  CmdResult v = run("validate " + f + " " + plan);
  EXPECT_EQ(v.exit_code, 0) << v.output;
  CmdResult vd = run("validate " + f + " " + plan + " --drivers " + pool2);
  EXPECT_EQ(vd.exit_code, 0) << vd.output;

  // Against the first pool (nobody holds ADR) the same plan breaks a driver-mode rule: only the
  // driver-mode audit can see that, the plain audit cannot.
  CmdResult bad = run("validate " + f + " " + plan + " --drivers " + pool);
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
  EXPECT_NE(bad.output.find("DRIVER_QUALIFICATION_MISSING"), std::string::npos) << bad.output;
  std::string lock_bad = write("lock_bad.json", R"([{"driver_id":"D2","tour_ids":["T3"]}])");
  CmdResult lk = run("validate " + f + " " + plan + " --drivers " + pool2 + " --locks " + lock_bad);
  EXPECT_EQ(lk.exit_code, 1) << lk.output;  // T3 is on Anna (the only ADR holder), not on Ben
  EXPECT_NE(lk.output.find("LOCK_VIOLATED"), std::string::npos) << lk.output;
  EXPECT_EQ(run("validate " + f + " " + plan + " --locks " + lock_bad).exit_code, 2);  // locks need a pool
}

TEST_F(CliTest, SolveWithLocksKeepsThemAndRefusesImpossibleOnes) {
  std::string f = write("week.json", kDriverWeek);
  std::string pool = write("pool.csv", kPoolCsv);
  std::string plan = (dir / "plan.json").string();
  std::string locks = write("locks.json", R"([{"driver_id":"D2","tour_ids":["T4"]}])");
  CmdResult r = run("solve " + f + " --drivers " + pool + " --locks " + locks + " --time-limit 10 --out " + plan);
  EXPECT_EQ(r.exit_code, 1) << r.output;  // T3 still uncovered
  EXPECT_NE(r.output.find("locks         : 1 of 1 kept"), std::string::npos) << r.output;
  nlohmann::json j = nlohmann::json::parse(std::ifstream(plan));
  std::string holder;
  for (const auto& d : j["drivers"])
    for (const auto& b : d["blocks"])
      for (const auto& t : b["tours"])
        if (t["id"] == "T4") holder = d["driver_id"];
  EXPECT_EQ(holder, "D2");

  // The same lock carried by a drivers JSON file, with a previous plan.
  std::string pool_json = write("pool.json", R"({"drivers":[{"id":"D1","name":"Anna"},{"id":"D2","name":"Ben"}],
      "locks":[{"driver_id":"D1","tour_ids":["T4"]}],
      "previous_plan":{"assignments":[{"driver_id":"D2","tour_id":"T1"}]}})");
  CmdResult rj = run("solve " + f + " --drivers " + pool_json + " --time-limit 10 --out " + plan);
  EXPECT_EQ(rj.exit_code, 1) << rj.output;
  EXPECT_NE(rj.output.find("locks         : 1 of 1 kept"), std::string::npos) << rj.output;
  EXPECT_NE(rj.output.find("previous plan : "), std::string::npos) << rj.output;

  // D3 works Mondays only: a Wednesday lock is impossible -> exit 2 naming the lock.
  std::string bad = write("bad_locks.json", R"({"locks":[{"driver_id":"D3","tour_ids":["T4"]}]})");
  CmdResult e = run("solve " + f + " --drivers " + pool + " --locks " + bad);
  EXPECT_EQ(e.exit_code, 2) << e.output;
  EXPECT_NE(e.output.find("bad_locks.json: lock of driver 'D3'"), std::string::npos) << e.output;
  std::string unknown = write("unknown.json", R"([{"driver_id":"D9","tour_ids":["T1"]}])");
  CmdResult u = run("solve " + f + " --drivers " + pool + " --locks " + unknown);
  EXPECT_EQ(u.exit_code, 2) << u.output;
  EXPECT_NE(u.output.find("D9"), std::string::npos) << u.output;
  CmdResult nd = run("solve " + f + " --locks " + locks);
  EXPECT_EQ(nd.exit_code, 2) << nd.output;
  EXPECT_NE(nd.output.find("--locks: needs --drivers"), std::string::npos) << nd.output;
}

TEST_F(CliTest, BadDriverFilesExitTwoWithTheLocation) {
  std::string f = write("week.json", kDriverWeek);
  std::string pool = write("pool.csv", "id,max_weekly_hours\nD1,40\nD2,zero\n");
  CmdResult r = run("solve " + f + " --drivers " + pool);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("pool.csv:3: max_weekly_hours: not a number 'zero'"), std::string::npos) << r.output;
  std::string dup = write("dup.csv", "id\nD1\nD1\n");
  CmdResult d = run("solve " + f + " --drivers " + dup);
  EXPECT_EQ(d.exit_code, 2) << d.output;
  EXPECT_NE(d.output.find("D1"), std::string::npos) << d.output;
  std::string js = write("pool.json", R"([{"id":"D1","contract":"Minijob"}])");
  CmdResult j = run("diagnose " + f + " --drivers " + js);
  EXPECT_EQ(j.exit_code, 2) << j.output;
  EXPECT_NE(j.output.find("pool.json: [0].contract: unknown contract 'Minijob'"), std::string::npos) << j.output;
  CmdResult missing = run("diagnose " + f + " --drivers " + (dir / "nope.csv").string());
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  EXPECT_NE(missing.output.find("nope.csv: cannot open file"), std::string::npos) << missing.output;
  CmdResult no_pool = run("diagnose " + f);
  EXPECT_EQ(no_pool.exit_code, 2) << no_pool.output;
}

TEST_F(CliTest, DiagnoseListsTheWorstToursFirst) {
  std::string f = write("week.json", kDriverWeek);
  std::string pool = write("pool.csv", kPoolCsv);
  CmdResult r = run("diagnose " + f + " --drivers " + pool);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("4 tours, 3 drivers, 1 tours without any eligible driver"), std::string::npos) << r.output;
  // The ADR tour (no eligible driver) is the first row, then the Wednesday tour (2 eligible).
  size_t t3 = r.output.find("T3 Tue 06:00-10:00 [ADR]"), t4 = r.output.find("T4 Wed 07:00-11:00"),
         t1 = r.output.find("T1 Mon 06:00-10:00");
  ASSERT_NE(t3, std::string::npos) << r.output;
  ASSERT_NE(t4, std::string::npos) << r.output;
  ASSERT_NE(t1, std::string::npos) << r.output;
  EXPECT_LT(t3, t4);
  EXPECT_LT(t4, t1);
  EXPECT_NE(r.output.find("DRIVER_QUALIFICATION_MISSING 3"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("DRIVER_NOT_AVAILABLE 1"), std::string::npos) << r.output;

  CmdResult top = run("diagnose " + f + " --drivers " + pool + " --top 1");
  ASSERT_EQ(top.exit_code, 0) << top.output;
  EXPECT_EQ(top.output.find("T4 Wed"), std::string::npos) << top.output;
  EXPECT_NE(top.output.find("3 more tours"), std::string::npos) << top.output;

  CmdResult js = run("diagnose " + f + " --drivers " + pool + " --json");
  ASSERT_EQ(js.exit_code, 0) << js.output;
  nlohmann::json j = nlohmann::json::parse(js.output);
  EXPECT_EQ(j["tours_total"], 4);
  EXPECT_EQ(j["drivers_total"], 3);
  EXPECT_EQ(j["tours_without_driver"], 1);
  EXPECT_EQ(j["tours"].size(), 4u);
}

// Issue 10: a week of 3,000 individually timed tours over the CLI. The answer comes within the
// budget (+0.25 s for the solver, a little more for reading and writing files), and stdout of
// `--json` is one parseable JSON document: COIN-OR never writes there.
TEST_F(CliTest, TimedWeekOfThreeThousandToursOnBudgetWithCleanJsonOnStdout) {
  so::bench::TimedSpec spec;
  spec.seed = 2;
  spec.tours = 3000;
  spec.depots = 3;
  const std::string text = so::bench::tours_json(so::bench::generate_timed_week(spec));
  const std::string week = write("timed.json", text);
  const auto t0 = std::chrono::steady_clock::now();
  const std::string cmd = std::string(SO_BINARY_PATH) + " solve " + week + " --time-limit 2 --json 2>/dev/null";
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  const int status = pclose(p);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << out.substr(0, 300);
  nlohmann::json plan;
  ASSERT_NO_THROW(plan = nlohmann::json::parse(out)) << "stdout is not one JSON document: " << out.substr(0, 200);
  EXPECT_TRUE(plan["audit"]["ok"].get<bool>());
  EXPECT_EQ(plan["kpis"]["tours_covered"], 3000);
  EXPECT_LE(plan["timing"]["total_s"].get<double>(), 2.25);
  EXPECT_LE(wall, 3.0) << "the command took " << wall << " s";
}

// Issue 11's first report: one valid lock on the demo week (a Monday 2er to F010) gave a FAILED
// plan with T0001 and T0063 on two drivers. Every incumbent is now audited: whatever the plan's
// quality, it holds each tour once, keeps the lock, and passes the audit.
TEST_F(CliTest, OneLockOnTheDemoWeekNeverDuplicatesATour) {
  const std::string pool = std::string(SO_SOURCE_DIR) + "/examples/demo_drivers.csv";
  const std::string locks = write("locks.json", R"([{"driver_id":"F010","tour_ids":["T0001","T0063"]}])");
  const std::string plan = (dir / "plan.json").string();
  CmdResult r = run("solve " + demo() + " --drivers " + pool + " --locks " + locks + " --time-limit 5 --out " + plan);
  EXPECT_NE(r.output.find("locks         : 2 of 2 kept"), std::string::npos) << r.output;
  nlohmann::json j = nlohmann::json::parse(std::ifstream(plan));
  EXPECT_TRUE(j["audit"]["ok"].get<bool>()) << j["audit"].dump().substr(0, 400);
  EXPECT_NE(j["status"], "FAILED");
  std::map<std::string, std::vector<std::string>> holders;
  for (const auto& d : j["drivers"])
    for (const auto& b : d["blocks"])
      for (const auto& t : b["tours"]) holders[t["id"].get<std::string>()].push_back(d["driver_id"].get<std::string>());
  for (const auto& [tour, who] : holders) EXPECT_EQ(who.size(), 1u) << tour << " is on " << who.size() << " drivers";
  EXPECT_EQ(holders["T0001"], std::vector<std::string>{"F010"});
  EXPECT_EQ(holders["T0063"], std::vector<std::string>{"F010"});
  // The lock costs nothing (dispatch.md §1): 80 drivers, everything covered, the tours marked.
  EXPECT_EQ(j["status"], "OK");
  EXPECT_EQ(j["kpis"]["drivers_total"], 80);
  int marked = 0;
  for (const auto& d : j["drivers"])
    for (const auto& b : d["blocks"])
      for (const auto& t : b["tours"]) marked += t.value("locked", false);
  EXPECT_EQ(marked, 2);
}

// Re-planning (dispatch.md §2) as a dispatcher runs it: solve, then replan around a sick driver.
TEST_F(CliTest, ReplanAroundASickDriverOnTheDemoWeek) {
  const std::string pool = std::string(SO_SOURCE_DIR) + "/examples/demo_drivers.csv";
  const std::string base = (dir / "base.json").string();
  ASSERT_EQ(run("solve " + demo() + " --drivers " + pool + " --out " + base).exit_code, 0);
  const std::string changes = write("changes.json", R"({"frozen_until": {"day": "Wed", "time": "00:00"},
    "changes": {"driver_unavailable": [{"driver_id": "F003", "from": {"day": "Wed", "time": "00:00"},
                                        "to": {"day": "Sun", "time": "23:59"}, "reason": "sick"}],
                "tours_added": [{"id": "X1", "day": "Thu", "start_time": "06:00", "end_time": "10:30"}]}})");
  const std::string out = (dir / "new.json").string();
  const std::string xlsx = (dir / "new.xlsx").string();
  CmdResult r = run("replan " + demo() + " --drivers " + pool + " --base " + base + " --changes " + changes +
                    " --out " + out + " --xlsx " + xlsx + " --time-limit 10");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("re-plan       : frozen until Wed 00:00"), std::string::npos) << r.output;
  nlohmann::json j = nlohmann::json::parse(std::ifstream(out));
  EXPECT_TRUE(j["audit"]["ok"].get<bool>());
  const nlohmann::json& c = j["changes"];
  EXPECT_EQ(c["frozen_until"], (nlohmann::json{{"day", "Wed"}, {"time", "00:00"}}));
  EXPECT_GE(c["drivers_affected"].get<int>(), 2);
  bool sick_listed = false;
  std::set<std::string> gained;
  for (const auto& d : c["per_driver"]) {
    if (d["driver_id"] == "F003") {
      sick_listed = true;
      EXPECT_TRUE(d["gained"].empty());
    }
    for (const auto& t : d["gained"]) gained.insert(t.get<std::string>());
  }
  EXPECT_TRUE(sick_listed);
  EXPECT_TRUE(gained.count("X1"));
  // F003 keeps Mon/Tue and drives nothing from Wednesday on.
  for (const auto& d : j["drivers"]) {
    if (d["driver_id"] != "F003") continue;
    for (const auto& blk : d["blocks"]) EXPECT_TRUE(blk["day"] == "Mon" || blk["day"] == "Tue") << blk.dump();
  }
  EXPECT_TRUE(fs::file_size(xlsx) > 0);
  // Bad changes: exit 2 naming the item.
  const std::string unknown = write("bad1.json", R"({"frozen_until": {"day": "Wed", "time": "00:00"},
    "changes": {"driver_unavailable": [{"driver_id": "F999", "from": {"day": "Wed", "time": "00:00"}, "to": {"day": "Thu", "time": "00:00"}}]}})");
  r = run("replan " + demo() + " --drivers " + pool + " --base " + base + " --changes " + unknown);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("unknown driver 'F999'"), std::string::npos) << r.output;
  const std::string frozen = write("bad2.json", R"({"frozen_until": {"day": "Wed", "time": "00:00"}, "changes": {"tours_cancelled": ["T0001"]}})");
  r = run("replan " + demo() + " --drivers " + pool + " --base " + base + " --changes " + frozen);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("tour 'T0001' (Mon"), std::string::npos) << r.output;
  const std::string typo = write("bad3.json", R"({"frozen_until": {"day": "Wed", "time": "00:00"}, "changes": {"tours_canceled": ["T0500"]}})");
  r = run("replan " + demo() + " --drivers " + pool + " --base " + base + " --changes " + typo);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("unknown change 'tours_canceled'"), std::string::npos) << r.output;
}
