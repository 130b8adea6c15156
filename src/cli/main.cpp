// shift-optimizer command line: solve | replan | validate | diagnose | bounds | serve.
// Exit codes: 0 ok, 1 audit failed / infeasible, 2 bad input or usage, 130 cancelled by Ctrl-C.
#include <CLI/CLI.hpp>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "service/server.hpp"

namespace {

// Numeric options are checked as text first: CLI11 reads "-1" into a uint64_t as 2^64-1, takes
// "010" as octal and lets "nan" through a Range (every comparison with NaN is false).
bool decimal_chars(const std::string& s, bool fraction) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c)) && !(fraction && std::strchr(".eE+-", c))) return false;
  return true;
}

// A whole number 0..max written in decimal digits.
CLI::Validator whole_number(unsigned long long max) {
  const std::string expected = "a whole number 0.." + std::to_string(max);
  return CLI::Validator(
      [max, expected](std::string& s) -> std::string {
        errno = 0;
        const unsigned long long v = decimal_chars(s, false) ? std::strtoull(s.c_str(), nullptr, 10) : 0;
        if (!decimal_chars(s, false) || errno == ERANGE || v > max) return "'" + s + "' is not " + expected;
        s = std::to_string(v);  // "010" is ten, not CLI11's octal eight
        return {};
      },
      "INT in [0 - " + std::to_string(max) + "]");
}

// A finite decimal number in [lo, hi].
CLI::Validator finite_number(double lo, double hi) {
  char range[64];
  std::snprintf(range, sizeof range, "%g–%g", lo, hi);
  const std::string expected = std::string("a finite number ") + range;
  return CLI::Validator(
      [lo, hi, expected](std::string& s) -> std::string {
        char* end = nullptr;
        const double v = decimal_chars(s, true) ? std::strtod(s.c_str(), &end) : 0;
        if (!decimal_chars(s, true) || end != s.c_str() + s.size() || !std::isfinite(v) || v < lo || v > hi)
          return "'" + s + "' is not " + expected;
        return {};
      },
      std::string("NUMBER in [") + range + "]");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"shift-optimizer — weekly driver rosters with the fewest drivers the rules allow"};
  app.set_version_flag("--version", std::string(SO_VERSION) + " (" + SO_GIT_COMMIT + ")");
  app.require_subcommand(1);

  so::cli::SolveArgs solve_args;
  auto* solve = app.add_subcommand("solve", "Solve a forecast and print a summary; write plan/roster files");
  solve->add_option("forecast", solve_args.forecast, "forecast file (CSV vertical/wide, JSON)")->required();
  solve->add_option("--seed", solve_args.seed, "random seed (default 42)")->transform(whole_number(UINT64_MAX));
  solve->add_option("--time-limit", solve_args.time_limit, "wall-clock budget in seconds (1–600, default 30)")
      ->check(finite_number(1, 600));
  solve->add_option("--policy", solve_args.policy,
                    "rule policy: a JSON file, inline JSON, or a profile name (default, legacy-v2.0)");
  solve->add_option("--set", solve_args.overrides, "tunable or feature flag override KEY=VALUE (repeatable)");
  solve->add_option("--out", solve_args.out, "write the plan JSON (api.md §4) here");
  solve->add_option("--roster", solve_args.roster, "write the roster matrix CSV (Schichtplan) here");
  solve->add_option("--tours-csv", solve_args.tours_csv, "write the per-tour CSV here");
  solve->add_option("--xlsx", solve_args.xlsx, "write the Excel workbook (Schichtplan, Fahrer, Touren, Kennzahlen) here");
  solve->add_flag("--json", solve_args.json, "print the plan JSON instead of the summary");
  solve->add_option("--drivers", solve_args.drivers,
                    "driver mode: the driver pool, CSV or JSON (a JSON {\"drivers\",\"locks\",\"previous_plan\"} too)");
  solve->add_option("--locks", solve_args.locks, "driver mode: locked assignments JSON [{\"driver_id\",\"tour_ids\"}]");
  solve->add_option("--previous", solve_args.previous, "driver mode: a previous plan JSON (keep its assignments where possible)");
  solve->add_option("--week-start", solve_args.week_start,
                    "the week's Monday YYYY-MM-DD; a previous plan of the week before also carries last week's rest and working-day streak");
  so::cli::add_progress_options(solve, solve_args.progress, true);

  so::cli::ReplanArgs replan_args;
  auto* replan = app.add_subcommand("replan", "Re-plan a published plan around the week's changes (sick drivers, tours added, cancelled, re-timed)");
  replan->add_option("forecast", replan_args.forecast, "the base week's forecast file")->required();
  replan->add_option("--drivers", replan_args.drivers, "the driver pool of the base plan, CSV or JSON")->required();
  replan->add_option("--base", replan_args.base, "the base plan JSON (as written by solve --out or the API)")->required();
  replan->add_option("--changes", replan_args.changes,
                     "the call list JSON {\"frozen_until\": {\"day\",\"time\"}, \"changes\": {…}}")->required();
  replan->add_option("--policy", replan_args.policy, "rule policy (file, inline JSON or profile name)");
  replan->add_option("--seed", replan_args.seed, "random seed (default 42)")->transform(whole_number(UINT64_MAX));
  replan->add_option("--time-limit", replan_args.time_limit, "wall-clock budget in seconds (1–600, default 30)")
      ->check(finite_number(1, 600));
  replan->add_option("--out", replan_args.out, "write the new plan JSON (with its \"changes\") here");
  replan->add_option("--roster", replan_args.roster, "write the roster matrix CSV here");
  replan->add_option("--tours-csv", replan_args.tours_csv, "write the per-tour CSV here");
  replan->add_option("--xlsx", replan_args.xlsx, "write the Excel workbook (with the sheet Änderungen) here");
  replan->add_flag("--json", replan_args.json, "print the plan JSON instead of the summary");
  so::cli::add_progress_options(replan, replan_args.progress, true);

  so::cli::DiagnoseArgs diagnose_args;
  auto* diagnose = app.add_subcommand("diagnose", "Driver mode: per tour, how many blocks and drivers could take it (no solving)");
  diagnose->add_option("forecast", diagnose_args.forecast, "forecast file")->required();
  diagnose->add_option("--drivers", diagnose_args.drivers, "the driver pool, CSV or JSON")->required();
  diagnose->add_option("--policy", diagnose_args.policy, "rule policy (file, inline JSON or profile name)");
  diagnose->add_option("--top", diagnose_args.top, "tours shown, fewest eligible drivers first (default 20)")
      ->transform(whole_number(1000000));
  diagnose->add_flag("--json", diagnose_args.json, "print the diagnostics JSON (as POST /api/v1/diagnostics) instead");

  so::cli::ValidateArgs validate_args;
  auto* validate = app.add_subcommand("validate", "Audit a plan JSON against a forecast; exit 1 on violations");
  validate->add_option("forecast", validate_args.forecast, "forecast file")->required();
  validate->add_option("plan", validate_args.plan, "plan JSON (as written by solve --out or the API)")->required();
  validate->add_option("--policy", validate_args.policy, "rule policy (file, inline JSON or profile name)");
  validate->add_option("--drivers", validate_args.drivers, "driver mode: the pool the plan was made for (CSV or JSON); audits every driver-mode rule");
  validate->add_option("--locks", validate_args.locks, "driver mode: locked assignments JSON the plan must keep");

  so::cli::BoundsArgs bounds_args;
  auto* bounds = app.add_subcommand("bounds", "Print the lower bounds on the number of drivers");
  bounds->add_option("forecast", bounds_args.forecast, "forecast file")->required();
  bounds->add_option("--policy", bounds_args.policy, "rule policy (file, inline JSON or profile name)");
  so::cli::add_progress_options(bounds, bounds_args.progress, false);

  so::cli::ServeArgs serve_args;
  auto* serve = app.add_subcommand("serve", "Run the HTTP service (environment: HOST, PORT, DATA_DIR, …)");
  serve->add_option("--host", serve_args.host, "listen address (default $HOST or 0.0.0.0)");
  serve->add_option("--port", serve_args.port, "listen port (default $PORT or 8000)")->transform(whole_number(65535));
  serve->add_option("--data-dir", serve_args.data_dir, "run store folder (default $DATA_DIR or ./data)");
  {
    std::string footer = "Environment:\n";
    for (const so::EnvironmentVariable& v : so::recognised_environment()) {
      const std::string name = v.name;
      footer += "  " + name + std::string(name.size() < 28 ? 28 - name.size() : 1, ' ') + v.meaning + "\n";
    }
    serve->footer(footer);
  }

  so::cli::RunsDeleteArgs runs_delete_args;
  auto* runs_cmd = app.add_subcommand("runs", "Stored runs in the data dir (operators)");
  runs_cmd->require_subcommand(1);
  auto* runs_delete = runs_cmd->add_subcommand(
      "delete", "Delete a stored run and everything stored with it, then vacuum the file. Stop the service on that "
                "data dir first (SQLite locking keeps it safe, but the service caches recent runs)");
  runs_delete->add_option("id", runs_delete_args.id, "run id")->required();
  runs_delete->add_option("--data-dir", runs_delete_args.data_dir, "run store folder (default $DATA_DIR or ./data)");
  runs_delete->add_flag("--force", runs_delete_args.force, "also delete a published plan");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return so::cli::kExitUsage;
  }

  if (*solve) return so::cli::run_solve(solve_args);
  if (*validate) return so::cli::run_validate(validate_args);
  if (*replan) return so::cli::run_replan(replan_args);
  if (*diagnose) return so::cli::run_diagnose(diagnose_args);
  if (*bounds) return so::cli::run_bounds(bounds_args);
  if (*serve) return so::cli::run_serve(serve_args);
  if (*runs_delete) return so::cli::run_runs_delete(runs_delete_args);
  return so::cli::kExitUsage;
}
