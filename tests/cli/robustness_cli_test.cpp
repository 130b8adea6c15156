// Hostile input to the real binary (issue 12 items 4, 8, 10): exit code 2 and a message naming the
// file, line and field — never a crash (the deeply nested plan file was rc 139).
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "cli_test_util.hpp"

namespace fs = std::filesystem;


namespace {

using so::test::CmdResult;
CmdResult run(const std::string& args) { return so::test::run_cli(args); }

class CliRobustness : public so::test::CliFixture {};

std::string nested(int levels) { return std::string(static_cast<size_t>(levels), '[') + std::string(static_cast<size_t>(levels), ']'); }

#define EXPECT_USAGE_ERROR(r, text)                                              \
  do {                                                                           \
    EXPECT_EQ((r).exit_code, 2) << (r).output;                                   \
    EXPECT_NE((r).output.find(text), std::string::npos) << (r).output;           \
  } while (0)

TEST_F(CliRobustness, DeeplyNestedPlanAndPolicyFilesExitTwoNamingTheFile) {
  const std::string plan = write("deep_plan.json", nested(200000));
  const std::string plan_in_key = write("deep_drivers.json", "{\"drivers\": " + nested(200000) + "}");
  const std::string policy = write("deep_policy.json", "{\"max_working_days\":\n" + nested(200000) + "}");
  EXPECT_USAGE_ERROR(run("validate " + demo() + " " + plan), plan + ":1: JSON nested too deeply (expected at most 64 levels)");
  EXPECT_USAGE_ERROR(run("validate " + demo() + " " + plan_in_key), plan_in_key + ":1: JSON nested too deeply");
  EXPECT_USAGE_ERROR(run("bounds " + demo() + " --policy " + policy), policy + ":2: JSON nested too deeply");
  EXPECT_USAGE_ERROR(run("bounds " + demo() + " --policy '{\"profile\":" + nested(5000) + "}'"), "--policy:1: JSON nested too deeply");
  const std::string drivers = write("deep_pool.json", nested(200000));
  EXPECT_USAGE_ERROR(run("diagnose " + demo() + " --drivers " + drivers), drivers + ":1: JSON nested too deeply");
  const std::string forecast = write("deep_week.json", "{\"tours\":" + nested(200000) + "}");
  EXPECT_USAGE_ERROR(run("bounds " + forecast), forecast + ":1: JSON nested too deeply");
}

TEST_F(CliRobustness, PlanFilesHaveTheForecastSizeCap) {
  const fs::path big = dir / "big_plan.json";
  {
    std::ofstream f(big, std::ios::binary);
    f << "{\"drivers\": [";
    const std::string chunk(1 << 20, ' ');
    for (int i = 0; i < 17; ++i) f << chunk;
    f << "]}";
  }
  const auto t0 = std::chrono::steady_clock::now();
  CmdResult r = run("validate " + demo() + " " + big.string());
  EXPECT_USAGE_ERROR(r, big.string() + ": file too large");
  EXPECT_NE(r.output.find("at most 16777216 bytes"), std::string::npos) << r.output;
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 5.0);
}

TEST_F(CliRobustness, OverflowingNumbersNameFileLineAndField) {
  const std::string pool = write("pool.json", "[\n  {\"id\": \"D1\"},\n  {\"id\": \"D2\", \"max_weekly_hours\": 1e400}\n]\n");
  EXPECT_USAGE_ERROR(run("diagnose " + demo() + " --drivers " + pool),
                     "error: " + pool + ":3: [1].max_weekly_hours: number out of range '1e400'");
  const std::string plan = write("plan.json", "{\"drivers\": [], \"kpis\": {\"hours_max\": -1e999}}");
  EXPECT_USAGE_ERROR(run("validate " + demo() + " " + plan), plan + ":1: kpis.hours_max: number out of range '-1e999'");
  const std::string policy = write("policy.json", "{\"min_rest_minutes\": 1e309}");
  EXPECT_USAGE_ERROR(run("bounds " + demo() + " --policy " + policy), policy + ":1: min_rest_minutes: number out of range");
  const std::string changes = write("changes.json", "{\"frozen_until\": {\"day\": \"Mon\", \"time\": \"00:00\"}, \"x\": 1e400}");
  const std::string base = write("base.json", "{\"drivers\": []}");
  EXPECT_USAGE_ERROR(run("replan " + demo() + " --drivers " + demo_drivers() + " --base " + base + " --changes " + changes),
                     changes + ":1: x: number out of range");
}

TEST_F(CliRobustness, MeaninglessNumericOptionsExitTwo) {
  for (const char* bad : {"--time-limit nan", "--time-limit inf", "--time-limit -5", "--time-limit 0x10", "--time-limit 601",
                          "--seed -1", "--seed 1e3", "--seed 18446744073709551616", "--seed nan"}) {
    SCOPED_TRACE(bad);
    CmdResult r = run("solve " + demo() + " " + bad);
    const std::string option = std::string(bad).substr(0, std::string(bad).find(' '));
    EXPECT_USAGE_ERROR(r, option + ": '");
  }
  EXPECT_USAGE_ERROR(run("replan " + demo() + " --drivers a --base b --changes c --seed -1"), "--seed: '-1' is not a whole number");
  EXPECT_USAGE_ERROR(run("replan " + demo() + " --drivers a --base b --changes c --time-limit nan"), "--time-limit: 'nan'");
  EXPECT_USAGE_ERROR(run("diagnose " + demo() + " --drivers " + demo_drivers() + " --top -1"), "--top: '-1'");
  EXPECT_USAGE_ERROR(run("serve --port -1"), "--port: '-1'");
  EXPECT_USAGE_ERROR(run("serve --port 65536"), "--port: '65536'");
  // Decimal means decimal: --top 010 shows ten tours, not octal eight.
  CmdResult top = run("diagnose " + demo() + " --drivers " + demo_drivers() + " --top 010");
  EXPECT_EQ(top.exit_code, 0) << top.output;
  EXPECT_NE(top.output.find("… 649 more tours"), std::string::npos) << top.output;
}

TEST_F(CliRobustness, ControlCharactersAndSpreadsheetsExitTwo) {
  const std::string week = write("week.json", R"({"tours":[{"id":"T\u00001","day":"Mon","start_time":"08:00","end_time":"12:00"}]})");
  EXPECT_USAGE_ERROR(run("bounds " + week), week + ": tours[0].id: control character in tour id 'T\\x001'");
  const std::string xlsx = write("week.xlsx", std::string("PK\x03\x04\x14\x00\x06\x00", 8) + std::string(64, '\0'));
  EXPECT_USAGE_ERROR(run("bounds " + xlsx), xlsx + ":1: looks like an Excel file (XLSX), not text (expected a CSV or JSON file");
  const std::string pool = write("pool.csv", "id,name\nD1,Anna\x1b[31m\n");
  EXPECT_USAGE_ERROR(run("diagnose " + demo() + " --drivers " + pool), pool + ":2: name: control character 'Anna\\x1b[31m'");
  // A Latin-1 export: solve used to fail only when writing the plan ("invalid JSON: type_error.316").
  const std::string latin1 = write("latin1.csv", "id,name\nF001,J\xFCrgen\n");
  EXPECT_USAGE_ERROR(run("solve " + demo() + " --drivers " + latin1 + " --time-limit 1 --json"),
                     latin1 + ":2: name: invalid UTF-8 'J\\xfcrgen'");
}

}  // namespace
