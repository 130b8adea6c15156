#pragma once
// The CLI subcommands as plain functions (testable without a process).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/progress.hpp"

namespace so::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;  // audit failed / infeasible
inline constexpr int kExitUsage = 2;   // bad input or usage
inline constexpr int kExitInterrupted = 130;  // Ctrl-C (128 + SIGINT, as shells report it)

struct SolveArgs {
  std::string forecast;
  uint64_t seed = 42;
  double time_limit = 30;
  std::string policy;
  std::vector<std::string> overrides;
  std::string out, roster, tours_csv, xlsx;
  bool json = false;
  // Driver mode (domain.md §7): a drivers CSV/JSON (a .json may carry locks / previous_plan too);
  // --locks / --previous replace what the drivers file carries.
  std::string drivers, locks, previous;
  // The Monday of the week (YYYY-MM-DD, copied to the plan); a previous plan whose week_start is
  // 7 days earlier carries last week's end and streak into this week (dispatch.md §3).
  std::string week_start;
  ProgressOptions progress;  // --progress, --quiet
};
// `replan FORECAST --drivers POOL --base PLAN.json --changes CHANGES.json` (dispatch.md §2).
struct ReplanArgs {
  std::string forecast, drivers, base, changes, policy;
  uint64_t seed = 42;
  double time_limit = 30;
  std::string out, roster, tours_csv, xlsx;
  bool json = false;
  ProgressOptions progress;  // --progress, --quiet
};
// `diagnose FORECAST --drivers FILE`: per tour, the blocks and drivers that could take it.
struct DiagnoseArgs {
  std::string forecast, drivers, policy;
  bool json = false;
  int top = 20;  // tours shown in the table (fewest eligible drivers first)
};
struct ValidateArgs {
  std::string forecast, plan, policy;
  std::string drivers, locks;  // driver mode: also audit every driver-mode rule (and the locks)
};
struct BoundsArgs {
  std::string forecast, policy;
  ProgressOptions progress;  // --progress (no --quiet: the bounds are the output)
};
struct ServeArgs {
  std::optional<std::string> host;
  std::optional<int> port;
  std::optional<std::string> data_dir;
};

int run_solve(const SolveArgs& args);
int run_validate(const ValidateArgs& args);
int run_replan(const ReplanArgs& args);
int run_diagnose(const DiagnoseArgs& args);
int run_bounds(const BoundsArgs& args);
int run_serve(const ServeArgs& args);

// `runs delete ID`: deletes a stored run from the data dir (issue 17), for operators.
struct RunsDeleteArgs {
  std::string id;
  std::optional<std::string> data_dir;
  bool force = false;  // also a published plan
};
int run_runs_delete(const RunsDeleteArgs& args);

}  // namespace so::cli
