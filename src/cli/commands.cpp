#include "cli/commands.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/interrupt.hpp"
#include "cli/progress.hpp"
#include "core/audit.hpp"
#include "core/block.hpp"
#include "core/driver.hpp"
#include "core/reasons.hpp"
#include "io/changes_json.hpp"
#include "io/drivers.hpp"
#include "io/csv_export.hpp"
#include "io/errors.hpp"
#include "io/forecast.hpp"
#include "io/json_input.hpp"
#include "io/plan_json.hpp"
#include "io/xlsx_export.hpp"
#include "io/policy_json.hpp"
#include "service/run_store.hpp"
#include "service/server.hpp"
#include "solver/bounds.hpp"
#include "solver/config.hpp"
#include "solver/solve.hpp"

namespace so::cli {

namespace {

Policy policy_or_default(const std::string& arg) { return arg.empty() ? Policy{} : load_policy_argument(arg); }


// KEY=VALUE -> a typed override: true/false, a number, or a string (reported as TYPE_ERROR).
void apply_cli_override(SolverConfig& config, const std::string& kv, ConfigReport& report) {
  auto eq = kv.find('=');
  if (eq == std::string::npos || eq == 0) throw InputError::whole("--set", "expected KEY=VALUE", kv);
  std::string key = kv.substr(0, eq), value = kv.substr(eq + 1);
  TunableValue v = value;
  if (value == "true") v = true;
  else if (value == "false") v = false;
  else {
    char* end = nullptr;
    double d = std::strtod(value.c_str(), &end);
    if (end && *end == '\0' && !value.empty()) v = d;
  }
  apply_override(config, key, v, report);
}

std::string fmt_hours(double h) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", h);
  return buf;
}

void print_summary(const std::string& source, const std::vector<Tour>& tours, const PlanReport& r) {
  const Kpis& k = r.kpis;
  const LowerBounds& b = r.lower_bounds;
  std::printf("shift-optimizer %s — %s: %zu tours\n", SO_VERSION, source.c_str(), tours.size());
  std::printf("  status        : %s", r.status.c_str());
  for (const auto& c : r.reason_codes) std::printf(" %s", c.c_str());
  std::printf("\n  drivers       : %d (FTE %d, PT %d)\n", k.drivers_total, k.drivers_fte, k.drivers_pt);
  std::printf("  blocks        : 3er %d, 2er-regular %d, 2er-split %d, 1er %d\n", k.blocks_3er, k.blocks_2er_regular,
              k.blocks_2er_split, k.blocks_1er);
  std::printf("  hours/driver  : min %s, avg %s, max %s\n", fmt_hours(k.hours_all.min).c_str(),
              fmt_hours(k.hours_all.avg).c_str(), fmt_hours(k.hours_all.max).c_str());
  std::printf("  lower bounds  : hours %d, per-day %d, path cover %d, rest-concurrency %d, LP %s -> best %d (%s)\n",
              b.hours, b.per_day, b.path_cover, b.rest_concurrency, b.lp ? std::to_string(*b.lp).c_str() : "-", b.best,
              b.best_name.c_str());
  // With tours left uncovered (driver mode) the gap to the full-coverage bound means nothing.
  if (r.plan.unassigned.empty()) std::printf("  gap to bound  : %.2f %%\n", 100.0 * k.gap_to_lb);
  std::printf("  audit         : %s (%zu violations)\n", r.audit.ok ? "OK" : "FAILED", r.audit.violations.size());
  for (size_t i = 0; i < r.audit.violations.size() && i < 20; ++i)
    std::printf("    %s %s\n", r.audit.violations[i].code.c_str(), r.audit.violations[i].message.c_str());
  std::printf("  time          : %.2f s (profiling %.2f, phase1 %.2f, phase2 %.2f, lns %.2f)\n", r.timing.total_s,
              r.timing.profiling_s, r.timing.phase1_s, r.timing.phase2_s, r.timing.lns_s);
  std::printf("  signature     : %s\n", r.solution_signature.c_str());
}

std::string tour_label(const Tour& t) {
  std::string s = t.id + " " + std::string(day_short_name(t.day)) + " " + format_hhmm(t.start) + "-" + format_hhmm(t.end);
  if (!t.required_qualifications.empty()) {
    s += " [";
    for (size_t i = 0; i < t.required_qualifications.size(); ++i) s += (i ? "," : "") + t.required_qualifications[i];
    s += "]";
  }
  return s;
}

std::string joined(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

// Driver mode lines of the text summary: pool use, locks, stability, contract minimum, and
// every uncovered tour with its reasons (the first 30).
void print_driver_mode_summary(const std::vector<Tour>& tours, const PlanReport& r) {
  const DriverModeReport& dm = r.driver_mode;
  const Kpis& k = r.kpis;
  int used = 0;
  for (const Roster& ro : r.plan.rosters)
    for (const Block& b : ro.blocks)
      if (!b.tours.empty()) {
        ++used;
        break;
      }
  std::printf("  driver mode   : %d of %zu drivers used; %zu of %zu tours uncovered", used, dm.drivers.size(),
              r.plan.unassigned.size(), tours.size());
  if (r.lower_bounds.uncovered_tours)
    std::printf(" (bound %d, %s)", *r.lower_bounds.uncovered_tours, r.lower_bounds.uncovered_tours_name.c_str());
  std::printf("\n");
  if (dm.locks_requested > 0) std::printf("  locks         : %d of %d kept\n", dm.locks_kept, dm.locks_requested);
  if (dm.previous_assignments >= 0)
    std::printf("  previous plan : %d of %d assignments kept\n", dm.kept_assignments, dm.previous_assignments);
  if (k.drivers_below_contract_min > 0 || k.contract_shortfall_hours > 0)
    std::printf("  contract min  : %d drivers below, shortfall %s h\n", k.drivers_below_contract_min,
                fmt_hours(k.contract_shortfall_hours).c_str());
  if (dm.previous_week_drivers > 0)
    std::printf("  last week     : %d drivers carry last week's end or working-day streak\n", dm.previous_week_drivers);
  if (!dm.error.empty()) std::printf("  error         : %s\n", dm.error.c_str());
  const size_t shown = std::min<size_t>(r.plan.unassigned.size(), 30);
  if (shown) std::printf("  uncovered     :\n");
  for (size_t i = 0; i < shown; ++i) {
    const UnassignedTour& u = r.plan.unassigned[i];
    std::string blocked;
    for (const auto& [code, n] : u.drivers_blocked) blocked += (blocked.empty() ? "" : ", ") + code + " " + std::to_string(n);
    std::printf("    %-32s %s%s\n", tour_label(tours.at(static_cast<size_t>(u.tour))).c_str(),
                joined(u.reason_codes, ", ").c_str(), blocked.empty() ? "" : (" (drivers blocked: " + blocked + ")").c_str());
  }
  if (r.plan.unassigned.size() > shown) std::printf("    … %zu more\n", r.plan.unassigned.size() - shown);
}

// The driver-mode inputs of `solve` / `diagnose`, checked like the API checks them (exit 2).
void load_driver_mode(const SolveArgs& args, SolveRequest& req) {
  if (args.drivers.empty()) {
    if (!args.locks.empty()) throw InputError::whole("--locks", "needs --drivers (locks pin tours to listed drivers)");
    if (!args.previous.empty()) throw InputError::whole("--previous", "needs --drivers (stability is per listed driver)");
    return;
  }
  DriverInput in = read_driver_input_file(args.drivers);
  if (in.drivers.empty()) throw InputError::whole(args.drivers, "no drivers in the file", {}, "at least one driver");
  req.drivers = std::move(in.drivers);
  req.locks = args.locks.empty() ? std::move(in.locks) : read_locks_file(args.locks);
  req.previous = args.previous.empty() ? std::move(in.previous) : read_previous_file(args.previous);
  if (auto bad = check_drivers(req.drivers)) throw InputError::whole(args.drivers, *bad);
  if (auto bad = check_locks(req.locks, req.drivers, req.tours))
    throw InputError::whole(args.locks.empty() ? args.drivers : args.locks, *bad);
  if (auto bad = check_lock_feasibility(req.locks, req.drivers, req.tours, req.policy))
    throw InputError::whole(args.locks.empty() ? args.drivers : args.locks, *bad);
}

// A cancelled run may end before its first plan: then there is nothing worth writing.
bool has_plan(const PlanReport& r) {
  if (r.status != "CANCELLED") return true;
  const bool any_roster = std::any_of(r.plan.rosters.begin(), r.plan.rosters.end(), [](const Roster& ro) {
    return std::any_of(ro.blocks.begin(), ro.blocks.end(), [](const Block& b) { return !b.tours.empty(); });
  });
  return r.audit.ok && any_roster;
}

// The files of solve / replan, each written whole or not at all (also when cancelled).
void write_outputs(const PlanReport& report, const std::vector<Tour>& tours, const std::string& out,
                   const std::string& roster, const std::string& tours_path, const std::string& xlsx, bool quiet) {
  if (!has_plan(report)) {
    if (!quiet && !(out + roster + tours_path + xlsx).empty())
      std::fprintf(stderr, "warning: cancelled before a first plan was found; no files written\n");
    return;
  }
  if (!out.empty()) write_file_atomically(out, plan_report_to_json(report, tours).dump(2) + "\n");
  if (!roster.empty()) write_file_atomically(roster, roster_matrix_csv(report, tours));
  if (!tours_path.empty()) write_file_atomically(tours_path, tours_csv(report, tours));
  if (!xlsx.empty()) write_file_atomically(xlsx, roster_xlsx(report, tours));
}

// 130 for a cancelled run (its best plan was still written and printed); under --quiet a failed
// or infeasible run says why in one line on stderr, since nothing else tells.
int solve_exit_code(const PlanReport& r, bool quiet) {
  if (r.status == "CANCELLED") return kExitInterrupted;
  if (r.status == "OK" && r.audit.ok) return kExitOk;
  if (quiet)
    std::fprintf(stderr, "error: plan %s%s%s; audit %s (%zu violations); %zu tours uncovered\n", r.status.c_str(),
                 r.reason_codes.empty() ? "" : " ", joined(r.reason_codes, " ").c_str(), r.audit.ok ? "OK" : "FAILED",
                 r.audit.violations.size(), r.plan.unassigned.size());
  return kExitFailed;
}

template <typename F>
int guarded(F&& body) {
  try {
    return body();
  } catch (const InputError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return kExitUsage;
  } catch (const nlohmann::json::exception& e) {
    std::fprintf(stderr, "error: invalid JSON: %s\n", e.what());
    return kExitUsage;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return kExitFailed;
  }
}

}  // namespace

int run_solve(const SolveArgs& args) {
  return guarded([&] {
    const bool quiet = args.progress.quiet;
    Forecast forecast = read_forecast_file(args.forecast);
    for (const auto& w : forecast.warnings)
      if (!quiet) std::fprintf(stderr, "warning: %s: %s\n", args.forecast.c_str(), w.message.c_str());
    SolveRequest req;
    req.tours = std::move(forecast.tours);
    req.policy = policy_or_default(args.policy);
    req.config = config_from_environment();
    for (const auto& kv : args.overrides) apply_cli_override(req.config, kv, req.config_report);
    for (const auto& [key, why] : req.config_report.overrides_rejected)
      if (!quiet) std::fprintf(stderr, "warning: override '%s' rejected: %s\n", key.c_str(), why.c_str());
    req.config_report.effective_hash = effective_config_hash(req.config, req.policy);
    req.seed = args.seed;
    req.time_limit_seconds = args.time_limit;
    req.run_id = "cli";
    if (!args.week_start.empty() && !days_of_date(args.week_start))
      throw InputError::whole("--week-start", "not a date", args.week_start, "YYYY-MM-DD");
    req.week_start = args.week_start;
    load_driver_mode(args, req);
    InterruptGuard interrupts;  // from here on Ctrl-C cancels the solve instead of killing the process
    PlanReport report = solve_with_progress(req, args.progress, args.json, "solve", interrupts.cancel_flag());
    write_outputs(report, req.tours, args.out, args.roster, args.tours_csv, args.xlsx, quiet);
    if (args.json) std::cout << plan_report_to_json(report, req.tours).dump(2) << "\n";
    else if (!quiet) {
      print_summary(args.forecast, req.tours, report);
      if (report.driver_mode.enabled || !req.drivers.empty()) print_driver_mode_summary(req.tours, report);
    }
    return solve_exit_code(report, quiet);
  });
}

// The call list of a re-plan, one line per affected driver.
void print_changes(const std::vector<Tour>& tours, const ChangeReport& c) {
  (void)tours;
  std::printf("  re-plan       : frozen until %s, %d frozen tours; %d drivers affected, %d assignments changed\n",
              format_day_time(c.frozen_until).c_str(),
              c.frozen_tours, c.drivers_affected, c.assignments_changed);
  for (const DriverChange& d : c.per_driver)
    std::printf("    %-10s %-20s +[%s] -[%s]\n", d.driver_id.c_str(), d.name.c_str(), joined(d.gained, " ").c_str(),
                joined(d.lost, " ").c_str());
}

int run_replan(const ReplanArgs& args) {
  return guarded([&] {
    const bool quiet = args.progress.quiet;
    Forecast forecast = read_forecast_file(args.forecast);
    for (const auto& w : forecast.warnings)
      if (!quiet) std::fprintf(stderr, "warning: %s: %s\n", args.forecast.c_str(), w.message.c_str());
    DriverInput in = read_driver_input_file(args.drivers);
    if (in.drivers.empty()) throw InputError::whole(args.drivers, "no drivers in the file", {}, "at least one driver");
    if (auto bad = check_drivers(in.drivers)) throw InputError::whole(args.drivers, *bad);
    const std::vector<PreviousAssignment> base = read_previous_file(args.base);
    const ReplanBody body = read_changes_file(args.changes);
    ApplyResult applied = apply_changes(forecast.tours, in.drivers, base, body.frozen_until, body.changes);
    if (!applied.week) throw InputError::whole(applied.error.rfind("base plan", 0) == 0 ? args.base : args.changes, applied.error);
    ReplanWeek& w = *applied.week;
    SolveRequest req;
    req.tours = std::move(w.tours);
    req.drivers = std::move(w.drivers);
    req.locks = std::move(w.frozen);
    req.policy = policy_or_default(args.policy);
    req.config = config_from_environment();
    req.config_report.effective_hash = effective_config_hash(req.config, req.policy);
    req.seed = args.seed;
    req.time_limit_seconds = args.time_limit;
    req.run_id = "cli";
    req.replan = ReplanSpec{"", body.frozen_until, std::move(w.base), std::move(w.cancelled)};
    if (auto bad = check_drivers(req.drivers)) throw InputError::whole(args.changes, *bad);
    if (auto bad = check_lock_feasibility(req.locks, req.drivers, req.tours, req.policy))
      throw InputError::whole(args.base, "the frozen part of the base plan breaks a rule: " + *bad);
    InterruptGuard interrupts;  // from here on Ctrl-C cancels the re-plan instead of killing the process
    PlanReport report = solve_with_progress(req, args.progress, args.json, "replan", interrupts.cancel_flag());
    write_outputs(report, req.tours, args.out, args.roster, args.tours_csv, args.xlsx, quiet);
    if (args.json) std::cout << plan_report_to_json(report, req.tours).dump(2) << "\n";
    else if (!quiet) {
      print_summary(args.forecast, req.tours, report);
      print_driver_mode_summary(req.tours, report);
      if (report.changes) print_changes(req.tours, *report.changes);
    }
    return solve_exit_code(report, quiet);
  });
}

int run_validate(const ValidateArgs& args) {
  return guarded([&] {
    Forecast forecast = read_forecast_file(args.forecast);
    Policy policy = policy_or_default(args.policy);
    const nlohmann::json plan_json = read_json_file(args.plan, "a plan JSON file");
    Plan plan = plan_from_json(plan_json, forecast.tours, args.plan);
    AuditResult audit;
    if (args.drivers.empty()) {
      if (!args.locks.empty()) throw InputError::whole(args.locks, "--locks needs --drivers", {}, "a driver pool");
      audit = audit_plan(forecast.tours, policy, plan);
    } else {
      DriverInput in = read_driver_input_file(args.drivers);
      if (auto bad = check_drivers(in.drivers)) throw InputError::whole(args.drivers, *bad);
      if (!args.locks.empty()) in.locks = read_locks_file(args.locks);
      if (auto bad = check_locks(in.locks, in.drivers, forecast.tours)) throw InputError::whole(args.locks.empty() ? args.drivers : args.locks, *bad);
      audit = audit_driver_plan(forecast.tours, policy, in.drivers, in.locks, plan);
    }
    std::printf("audit of %s against %s (%zu tours, %zu drivers): %s, %zu violations\n", args.plan.c_str(),
                args.forecast.c_str(), forecast.tours.size(), plan.rosters.size(), audit.ok ? "OK" : "FAILED",
                audit.violations.size());
    for (const auto& v : audit.violations) std::printf("  %-26s %s\n", v.code.c_str(), v.message.c_str());
    return audit.ok ? kExitOk : kExitFailed;
  });
}

int run_diagnose(const DiagnoseArgs& args) {
  return guarded([&] {
    Forecast forecast = read_forecast_file(args.forecast);
    Policy policy = policy_or_default(args.policy);
    std::vector<Driver> drivers = read_drivers_file(args.drivers);
    if (drivers.empty()) throw InputError::whole(args.drivers, "no drivers in the file", {}, "at least one driver");
    if (auto bad = check_drivers(drivers)) throw InputError::whole(args.drivers, *bad);
    const auto diags = diagnose_tours(forecast.tours, drivers, policy);
    if (args.json) {
      std::cout << diagnostics_to_json(diags, forecast.tours, static_cast<int>(drivers.size())).dump(2) << "\n";
      return kExitOk;
    }
    // Worst first: fewest eligible drivers, then fewest blocks, then tour order.
    std::vector<const TourDiagnostics*> order;
    for (const auto& d : diags) order.push_back(&d);
    std::stable_sort(order.begin(), order.end(), [](const TourDiagnostics* a, const TourDiagnostics* b) {
      if (a->drivers_eligible != b->drivers_eligible) return a->drivers_eligible < b->drivers_eligible;
      if (a->blocks != b->blocks) return a->blocks < b->blocks;
      return a->tour < b->tour;
    });
    int without = 0;
    for (const auto& d : diags) without += d.drivers_eligible == 0 ? 1 : 0;
    std::printf("diagnostics of %s with %s: %zu tours, %zu drivers, %d tours without any eligible driver\n",
                args.forecast.c_str(), args.drivers.c_str(), forecast.tours.size(), drivers.size(), without);
    const size_t shown = std::min(order.size(), static_cast<size_t>(std::max(0, args.top)));
    if (shown) std::printf("  %-32s %7s %9s  %s\n", "tour", "blocks", "eligible", "top blockers (drivers)");
    for (size_t i = 0; i < shown; ++i) {
      const TourDiagnostics& d = *order[i];
      std::string blockers;
      for (const auto& [code, n] : d.top_blockers) blockers += (blockers.empty() ? "" : ", ") + code + " " + std::to_string(n);
      std::printf("  %-32s %7d %9d  %s\n", tour_label(forecast.tours.at(static_cast<size_t>(d.tour))).c_str(), d.blocks,
                  d.drivers_eligible, blockers.empty() ? "-" : blockers.c_str());
    }
    if (order.size() > shown) std::printf("  … %zu more tours (--top N shows more, --json all)\n", order.size() - shown);
    return kExitOk;
  });
}

int run_bounds(const BoundsArgs& args) {
  return guarded([&] {
    Forecast forecast = read_forecast_file(args.forecast);
    Policy policy = policy_or_default(args.policy);
    InterruptGuard interrupts(/*exit_at_once=*/true);  // nothing to cancel: Ctrl-C clears the line and exits 130
    ProgressReporter progress(resolve_progress_mode(args.progress, false), "bounds", 0, false, nullptr, false);
    const auto t0 = std::chrono::steady_clock::now();
    int best_so_far = 0;
    // Each bound is a phase of the progress display, showing the best bound so far.
    auto phase = [&](const char* name) {
      progress.on_event({"phase_started", name, -1, best_so_far,
                         std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()});
    };
    auto found = [&](int bound) { return best_so_far = std::max(best_so_far, bound), bound; };
    phase("blocks");
    auto types = aggregate_tour_types(forecast.tours);
    auto blocks = enumerate_blocks(types, policy);
    phase("hours");
    const int hours = found(hours_bound(types, policy));
    phase("per_day");
    const int per_day = found(per_day_bound(types, blocks, policy));
    phase("path_cover");
    const int path = found(path_cover_bound(types, policy));
    phase("rest_concurrency");
    const int rest = found(rest_concurrency_bound(types, policy));
    progress.finish("run_completed", "bound=" + std::to_string(best_so_far));
    std::printf("%s: %zu tours, %zu tour types, %zu blocks\n", args.forecast.c_str(), forecast.tours.size(),
                types.size(), blocks.size());
    std::printf("  hours            %d\n  per-day          %d\n  path cover       %d\n  rest-concurrency %d\n", hours,
                per_day, path, rest);
    int best = std::max({hours, per_day, path, rest});
    std::printf("  best             %d\n", best);
    return kExitOk;
  });
}

int run_serve(const ServeArgs& args) {
  return guarded([&] {
    ServerOptions options = options_from_environment();
    if (args.host) options.host = *args.host;
    if (args.port) options.port = *args.port;
    if (args.data_dir) options.data_dir = *args.data_dir;
    return run_server(options);
  });
}

int run_runs_delete(const RunsDeleteArgs& args) {
  return guarded([&] {
    const std::string dir = args.data_dir ? *args.data_dir : options_from_environment().data_dir;
    const std::string file = dir + "/runs.sqlite3";
    // Opening would create an empty store: a mistyped folder must say so instead.
    if (!std::ifstream(file)) {
      std::cerr << "error: no run store at " << file << " (--data-dir or $DATA_DIR)\n";
      return kExitUsage;
    }
    SqliteRunStore store(dir, 1000000000);
    auto run = store.get(args.id);
    if (!run) {
      std::cerr << "error: run '" << args.id << "' not found in " << file << "\n";
      return kExitFailed;
    }
    if (run->status == "QUEUED" || run->status == "RUNNING") {
      std::cerr << "error: run '" << args.id << "' is " << run->status
                << " in " << file << "; cancel it through the service, or stop the service first\n";
      return kExitFailed;
    }
    if (run->publication == "published" && !args.force) {
      std::cerr << "error: run '" << args.id << "' is the published plan of week " << run->week
                << "; add --force to delete it\n";
      return kExitFailed;
    }
    store.delete_run(args.id);
    store.reclaim_space();
    std::cout << "deleted run " << args.id << " from " << file << "\n";
    return kExitOk;
  });
}

}  // namespace so::cli
