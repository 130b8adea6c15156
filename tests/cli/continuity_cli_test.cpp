// dispatch.md §3 on the command line: `solve --week-start` with last week's plan in the drivers
// file carries last week's rest into Monday; a CSV pool with previous_last_end does the same; a
// bad --week-start is exit 2.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_test_util.hpp"

namespace fs = std::filesystem;


namespace {

using so::test::CmdResult;
CmdResult run(const std::string& args) { return so::test::run_cli(args); }

class ContinuityCli : public so::test::CliFixture {};

// Monday: one early tour.
const char* kWeek = R"({"tours":[{"id":"T1","day":"Mon","start_time":"06:00","end_time":"10:30"}]})";

// D1 drove last Sunday until 23:00 (last week's plan); D2 did not work last week.
const char* kPoolWithLastWeek = R"({"drivers":[{"id":"D1"},{"id":"D2"}],
  "previous_plan":{"week_start":"2025-02-24","drivers":[{"driver_id":"D1","blocks":[
    {"day":"Sun","start":"18:30","end":"23:00","tours":[{"id":"X1","start_time":"18:30","end_time":"23:00"}]}]}]}})";

std::string driver_of_t1(const std::string& plan_path) {
  const nlohmann::json j = nlohmann::json::parse(std::ifstream(plan_path));
  for (const auto& d : j["drivers"])
    for (const auto& b : d["blocks"])
      for (const auto& t : b["tours"])
        if (t["id"] == "T1") return d["driver_id"].get<std::string>();
  return "";
}

TEST_F(ContinuityCli, LastWeeksPlanInTheDriversFileWithWeekStart) {
  const std::string week = write("week.json", kWeek), pool = write("pool.json", kPoolWithLastWeek);
  const std::string plan = (dir / "plan.json").string();
  CmdResult r = run("solve " + week + " --drivers " + pool + " --week-start 2025-03-03 --time-limit 5 --out " + plan);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(driver_of_t1(plan), "D2");
  EXPECT_NE(r.output.find("last week     : 1 drivers"), std::string::npos) << r.output;
  const nlohmann::json j = nlohmann::json::parse(std::ifstream(plan));
  EXPECT_EQ(j["week_start"], "2025-03-03");
  EXPECT_EQ(j["driver_mode"]["previous_week_drivers"], 1);
  // Without the week the plan is a same-week stability hint: nothing carries over.
  r = run("solve " + week + " --drivers " + pool + " --time-limit 5 --out " + plan);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(nlohmann::json::parse(std::ifstream(plan))["driver_mode"]["previous_week_drivers"], 0);
}

TEST_F(ContinuityCli, CsvPoolWithPreviousLastEnd) {
  const std::string week = write("week.json", kWeek);
  const std::string pool = write("pool.csv", "id,previous_last_end,previous_streak\nD1,Sun 23:00,1\n");
  const std::string plan = (dir / "plan.json").string();
  CmdResult r = run("solve " + week + " --drivers " + pool + " --time-limit 5 --out " + plan);
  EXPECT_EQ(r.exit_code, 1) << r.output;  // the only driver may not start before Mon 10:00
  EXPECT_NE(r.output.find("DRIVER_REST_VIOLATION"), std::string::npos) << r.output;
  // The independent audit of a plan that gives D1 the tour anyway names the rest.
  const std::string forced = write("forced.json", R"({"drivers":[{"driver_id":"D1","blocks":[{"day":"Mon","block_type":"1er","tours":["T1"]}]}]})");
  r = run("validate " + week + " " + forced + " --drivers " + pool);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("first block Mon 06:00 starts 7 h after last week's end Sun 23:00; 11 h rest required"),
            std::string::npos)
      << r.output;
}

TEST_F(ContinuityCli, BadWeekStartIsExit2) {
  const std::string week = write("week.json", kWeek), pool = write("pool.json", kPoolWithLastWeek);
  const CmdResult r = run("solve " + week + " --drivers " + pool + " --week-start 2025-02-30");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--week-start"), std::string::npos) << r.output;
}

}  // namespace
