// so-bench: the optimizer benchmark (issue 3). Runs every instance three times in a fresh child
// process each (twice plain, once next to a busy-loop process), checks that the three solution
// signatures agree, and writes a Markdown table (bench/RESULTS.md).
//
//   cmake --build build --target bench && ./build/bench/so-bench --out bench/RESULTS.md
//
// Options: --shared DIR (the shared folder with data/reference; default ../shared next to the
// source tree), --out FILE, --only SUBSTRING (instances whose name contains it), --skip-x20.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "core/policy.hpp"
#include "core/changes.hpp"
#include "io/drivers.hpp"
#include "io/forecast.hpp"
#include "instance_gen.hpp"
#include "solver/solve.hpp"

// Everything from this line on in RESULTS.md belongs to other benchmark scripts (so-bench keeps it).
constexpr const char* kKeptSectionsMarker = "<!-- sections below: other benchmark scripts (so-bench keeps them) -->";

namespace {

using so::Tour;

struct Instance {
  std::string name;
  std::string note;
  std::function<std::vector<Tour>()> tours;
  so::Policy policy;
  double time_limit = 30;
  std::function<std::vector<so::Driver>()> drivers = {};  // driver mode when set (issue 6)
  // Locks / re-plans (issue 11): turns the plain request into the measured one; its own solves
  // (the base plan the locks or changes come from) are not timed.
  std::function<void(so::SolveRequest&)> prepare = {};
};

// One run's figures, passed from the child process as one text line.
struct RunResult {
  bool ok = false;
  std::string status;
  int tours = 0, drivers = 0, pt = 0, lb = 0, lp = -1;
  std::string lb_name;
  double gap = 0, first = 0, best = 0, total = 0, wall = 0;
  long maxrss_kb = 0;
  bool audit = false;
  std::string signature, codes;
  int uncovered = -1, uncovered_bound = -1;  // driver mode only
  std::string extra = "-";                   // locks kept, re-plan figures (no spaces)
};

std::string serialize(const RunResult& r) {
  std::ostringstream o;
  o << r.status << ' ' << r.tours << ' ' << r.drivers << ' ' << r.pt << ' ' << r.lb << ' ' << r.lp << ' '
    << (r.lb_name.empty() ? "-" : r.lb_name) << ' ' << r.gap << ' ' << r.first << ' ' << r.best << ' ' << r.total
    << ' ' << r.wall << ' ' << r.maxrss_kb << ' ' << r.audit << ' ' << r.signature << ' '
    << (r.codes.empty() ? "-" : r.codes) << ' ' << r.uncovered << ' ' << r.uncovered_bound << ' ' << r.extra;
  return o.str();
}

RunResult deserialize(const std::string& line) {
  RunResult r;
  std::istringstream i(line);
  if (i >> r.status >> r.tours >> r.drivers >> r.pt >> r.lb >> r.lp >> r.lb_name >> r.gap >> r.first >> r.best >>
      r.total >> r.wall >> r.maxrss_kb >> r.audit >> r.signature >> r.codes >> r.uncovered >> r.uncovered_bound >> r.extra)
    r.ok = true;
  return r;
}

RunResult run_once(const Instance& inst) {
  RunResult r;
  so::SolveRequest req;
  req.tours = inst.tours();
  req.policy = inst.policy;
  req.time_limit_seconds = inst.time_limit;
  req.run_id = "bench";
  if (inst.drivers) req.drivers = inst.drivers();
  if (inst.prepare) inst.prepare(req);
  const auto t0 = std::chrono::steady_clock::now();
  so::PlanReport rep = so::solve(req);
  r.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.status = rep.status;
  r.tours = static_cast<int>(req.tours.size());
  r.drivers = rep.kpis.drivers_total;
  r.pt = rep.kpis.drivers_pt;
  r.lb = rep.lower_bounds.best;
  r.lp = rep.lower_bounds.lp.value_or(-1);
  r.lb_name = rep.lower_bounds.best_name;
  r.gap = rep.kpis.gap_to_lb;
  r.first = rep.stats.time_to_first_plan_s;
  r.best = rep.stats.time_to_best_s;
  r.total = rep.timing.total_s;
  r.audit = rep.audit.ok;
  if (rep.driver_mode.enabled) {
    r.uncovered = static_cast<int>(rep.plan.unassigned.size());
    r.uncovered_bound = rep.lower_bounds.uncovered_tours.value_or(-1);
  }
  if (rep.driver_mode.locks_requested > 0)
    r.extra = "locks_kept=" + std::to_string(rep.driver_mode.locks_kept) + "/" + std::to_string(rep.driver_mode.locks_requested);
  if (rep.changes)
    r.extra = "affected=" + std::to_string(rep.changes->drivers_affected) + ",changed=" +
              std::to_string(rep.changes->assignments_changed) + ",frozen=" + std::to_string(rep.changes->frozen_tours);
  r.signature = rep.solution_signature.empty() ? "-" : rep.solution_signature.substr(7, 12);
  for (const auto& c : rep.reason_codes) {
    if (!r.codes.empty()) r.codes += ',';
    r.codes += c;
  }
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  r.maxrss_kb = ru.ru_maxrss;
  return r;
}

// Runs the instance in a child process (own peak memory; a crash costs one row, not the bench).
RunResult run_in_child(const Instance& inst, bool under_load) {
  pid_t busy = -1;
  if (under_load) {  // forked before the pipe exists, so it never holds the pipe open
    busy = fork();
    if (busy == 0) {
      volatile unsigned long x = 0;
      for (;;) x = x + 1;  // one core fully busy until killed
    }
  }
  int fds[2];
  if (pipe(fds) != 0) return {};
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    std::string line = serialize(run_once(inst)) + "\n";
    ssize_t w = write(fds[1], line.data(), line.size());
    (void)w;
    close(fds[1]);
    _exit(0);
  }
  close(fds[1]);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int st = 0;
  waitpid(pid, &st, 0);
  if (busy > 0) {
    kill(busy, SIGKILL);
    waitpid(busy, nullptr, 0);
  }
  return deserialize(out);
}

std::string shell(const char* cmd) {
  std::string out;
  if (FILE* f = popen(cmd, "r")) {
    char buf[512];
    while (fgets(buf, sizeof buf, f)) out += buf;
    pclose(f);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

std::string fmt(double v, int prec = 2) {
  char b[32];
  std::snprintf(b, sizeof b, "%.*f", prec, v);
  return b;
}

}  // namespace

int main(int argc, char** argv) {
  std::string shared = std::string(SO_SOURCE_DIR) + "/../shared";
  std::string out_path, only;
  bool skip_x20 = false;
  std::string command;
  for (int i = 0; i < argc; ++i) {
    if (i) command += ' ';
    command += argv[i];
  }
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--shared" && i + 1 < argc) shared = argv[++i];
    else if (a == "--out" && i + 1 < argc) out_path = argv[++i];
    else if (a == "--only" && i + 1 < argc) only = argv[++i];
    else if (a == "--skip-x20") skip_x20 = true;
    else {
      std::fprintf(stderr, "usage: so-bench [--shared DIR] [--out FILE] [--only NAME] [--skip-x20]\n");
      return 2;
    }
  }
  const std::string ref = shared + "/data/reference/";
  auto file = [&](std::string name) { return [p = ref + name] { return so::read_forecast_file(p).tours; }; };
  auto scaled = [&](std::string name, int k) {
    return [p = ref + name, k] { return so::bench::scale_week(so::read_forecast_file(p).tours, k); };
  };
  auto gen = [](so::bench::GenSpec g) { return [g] { return so::bench::generate_week(g); }; };
  const so::Policy def;
  const so::Policy legacy = *so::policy_profile("legacy-v2.0");

  std::vector<Instance> all;
  all.push_back({"reference", "forecast_input.csv", file("forecast_input.csv"), def});
  all.push_back({"reference-legacy-v2.0", "forecast_input.csv, legacy-v2.0 profile", file("forecast_input.csv"), legacy});
  all.push_back({"kw51", "forecast_kw51.csv (holiday Thursday)", file("forecast_kw51.csv"), def});
  all.push_back({"reference-wide", "forecast_input_neu.csv (same week, wide CSV)", file("forecast_input_neu.csv"), def});
  all.push_back({"reference-tab", "forecast-test.txt (same week, TAB/CRLF)", file("forecast-test.txt"), def});
  all.push_back({"ci-769", "forecast_ci_test_v1_769tours.csv", file("forecast_ci_test_v1_769tours.csv"), def});
  all.push_back({"ci-89", "forecast_ci_test_v2_89tours.csv", file("forecast_ci_test_v2_89tours.csv"), def});
  all.push_back({"large-json", "forecast_large.json (80 tours, Sunday)", file("forecast_large.json"), def});
  {
    so::bench::GenSpec g;
    g.name = "gen-mixed";
    g.seed = 101;
    g.slots_per_day = 45;
    g.max_count = 6;
    all.push_back({"gen-mixed", "6 days, 3–8 h tours, 1 depot", gen(g), def});
    g.seed = 202;
    g.days = 7;
    g.night_share = 0.25;
    all.push_back({"gen-night-sunday", "7 days, 3–8 h, 25 % cross-midnight", gen(g), def});
    g.seed = 303;
    g.depots = 3;
    g.slots_per_day = 25;
    g.night_share = 0.1;
    all.push_back({"gen-3-depots", "7 days, 3 depots, 10 % cross-midnight", gen(g), def});
    g.seed = 404;
    g.depots = 1;
    g.days = 6;
    g.slots_per_day = 60;
    g.max_count = 10;
    g.night_share = 0.05;
    all.push_back({"gen-large", "6 days, 60 windows/day, up to 10 tours each", gen(g), def});
    g.seed = 505;
    g.days = 7;
    g.slots_per_day = 35;
    g.max_count = 6;
    g.night_share = 0.2;
    so::Policy wrap = def;
    wrap.week_wrap = true;
    all.push_back({"gen-week-wrap", "7 days, week_wrap (Sun→Mon rest)", gen(g), wrap});
    g.seed = 606;
    all.push_back({"gen-legacy", "7 days, legacy-v2.0 profile", gen(g), legacy});
  }
  // Individually timed tours (issue 10): every tour its own start and length.
  {
    auto timed = [](so::bench::TimedSpec t) { return [t] { return so::bench::generate_timed_week(t); }; };
    so::bench::TimedSpec t;
    t.seed = 1;
    t.tours = 800;
    all.push_back({"timed-800", "800 tours, minute grid, 1 depot, Mon–Sun, 8 % cross-midnight", timed(t), def, 5});
    t.seed = 2;
    t.tours = 3000;
    t.depots = 3;
    all.push_back({"timed-3000-5s", "3,000 tours, minute grid, 3 depots, 5 s budget", timed(t), def, 5});
    all.push_back({"timed-3000-30s", "the same with 30 s", timed(t), def, 30});
    t.seed = 3;
    t.depots = 1;
    t.granularity = 5;
    all.push_back({"timed-3000-5min-5s", "3,000 tours, 5-minute grid, 1 depot, 5 s budget", timed(t), def, 5});
    t.seed = 4;
    t.tours = 40000;
    t.types = 2000;
    t.depots = 10;
    t.granularity = 1;
    all.push_back({"timed-40k-2000types", "40,000 tours in 2,000 timed types, 10 depots, 60 s budget", timed(t), def, 60});
    t.seed = 10;
    t.tours = 20000;
    t.types = 0;
    t.depots = 1;
    t.granularity = 5;
    all.push_back({"timed-20k-dense-10s", "20,000 tours each timed, 5-minute grid, 1 depot, 10 s budget", timed(t), def, 10});
  }
  all.push_back({"reference-x5", "each slot count ×5 (6,925 tours)", scaled("forecast_input.csv", 5), def, 30});
  all.push_back({"reference-x5-5s", "×5 with a 5 s budget", scaled("forecast_input.csv", 5), def, 5});
  // Driver mode (issue 6): the real pool; drivers = drivers used.
  {
    Instance i145{"driver-ref-145", "forecast_input.csv, driver mode, 145 generic drivers", file("forecast_input.csv"), def};
    i145.drivers = [] { return so::bench::driver_pool(145); };
    all.push_back(i145);
    Instance i140{"driver-ref-140", "forecast_input.csv, driver mode, 140 generic drivers", file("forecast_input.csv"), def};
    i140.drivers = [] { return so::bench::driver_pool(140); };
    all.push_back(i140);
    so::bench::GenSpec g;
    g.seed = 11;
    g.slots_per_day = 30;
    g.max_count = 4;
    Instance mix{"driver-gen-mix", "6 days, driver mode: 20 % tours ADR, 30 % of 80 drivers ADR, 10 % off Sat",
                 [g] { return so::bench::with_adr_share(so::bench::generate_week(g)); }, def};
    mix.drivers = [] { return so::bench::driver_pool(80, true); };
    all.push_back(mix);
    // The reference week with the same mix on a pool of 160 (the example mix at full scale).
    Instance refmix{"driver-ref-mix", "forecast_input.csv, driver mode: 20 % tours ADR, 30 % of 160 drivers ADR, 10 % off Sat",
                    [load = file("forecast_input.csv")] { return so::bench::with_adr_share(load()); }, def};
    refmix.drivers = [] { return so::bench::driver_pool(160, true); };
    all.push_back(refmix);
  }
  // Locks and re-planning (issue 11). The base plan comes from the same pool, unlocked.
  {
    const std::string examples = std::string(SO_SOURCE_DIR) + "/examples/";
    auto base_plan = [](const so::SolveRequest& req) {
      so::SolveRequest b = req;
      b.locks.clear();
      return so::solve(b).plan;
    };
    // Ten whole rosters (every 14th) locked to the drivers of the rosters seven places on.
    auto lock_rosters = [base_plan](so::SolveRequest& req) {
      const so::Plan plan = base_plan(req);
      const size_t n = plan.rosters.size();
      for (size_t k = 0; k < 10 && k * 14 < n; ++k) {
        const so::Roster& r = plan.rosters[k * 14];
        so::Lock l{plan.rosters[(k * 14 + 7) % n].driver_id, {}};
        for (const so::Block& b : r.blocks)
          for (int t : b.tours) l.tour_ids.push_back(req.tours[static_cast<size_t>(t)].id);
        req.locks.push_back(std::move(l));
      }
    };
    // The driver with the most Wed–Sat tours off sick from Wed 00:00 (dispatch.md §2).
    auto sick_from_wednesday = [base_plan](so::SolveRequest& req) {
      const so::Plan plan = base_plan(req);
      std::string sick;
      size_t most = 0;
      std::vector<so::PreviousAssignment> base;
      for (const so::Roster& r : plan.rosters) {
        size_t n = 0;
        for (const so::Block& b : r.blocks) {
          if (b.day >= 2 && b.day <= 5) n += b.tours.size();
          for (int t : b.tours) base.push_back({r.driver_id, req.tours[static_cast<size_t>(t)].id});
        }
        if (n > most) most = n, sick = r.driver_id;
      }
      const so::Minutes wed = so::week_minute(2, 0);
      so::ReplanChanges c;
      c.driver_unavailable = {{sick, wed, so::week_minute(6, 23 * 60 + 59), "sick"}};
      so::ApplyResult a = so::apply_changes(req.tours, req.drivers, base, wed, c);
      req.tours = a.week->tours;
      req.drivers = a.week->drivers;
      req.locks = a.week->frozen;
      req.replan = so::ReplanSpec{"bench-base", wed, a.week->base, a.week->cancelled};
    };
    auto demo_pool = [examples] { return so::read_drivers_file(examples + "demo_drivers.csv"); };
    auto demo_week = [examples] { return so::read_forecast_file(examples + "demo_week.csv").tours; };
    Instance demo_lock{"lock-demo-F010", "demo week, bundled pool, lock F010: T0001+T0063 (the issue's Monday 2er)", demo_week, def};
    demo_lock.drivers = demo_pool;
    demo_lock.prepare = [](so::SolveRequest& req) { req.locks = {so::Lock{"F010", {"T0001", "T0063"}}}; };
    all.push_back(demo_lock);
    Instance ref_lock{"lock-ref-10-rosters", "forecast_input.csv, 145 generic drivers, 10 whole rosters of the unlocked plan locked to 10 other drivers",
                      file("forecast_input.csv"), def};
    ref_lock.drivers = [] { return so::bench::driver_pool(145); };
    ref_lock.prepare = lock_rosters;
    all.push_back(ref_lock);
    Instance demo_sick{"replan-demo-sick", "demo week, bundled pool: the driver with the most Wed–Sat tours sick from Wed 00:00",
                       demo_week, def};
    demo_sick.drivers = demo_pool;
    demo_sick.prepare = sick_from_wednesday;
    all.push_back(demo_sick);
    Instance ref_sick{"replan-ref-sick", "forecast_input.csv, 145 generic drivers: the driver with the most Wed–Sat tours sick from Wed 00:00",
                      file("forecast_input.csv"), def};
    ref_sick.drivers = [] { return so::bench::driver_pool(145); };
    ref_sick.prepare = sick_from_wednesday;
    all.push_back(ref_sick);
  }
  if (!skip_x20) all.push_back({"reference-x20", "each slot count ×20 (27,700 tours)", scaled("forecast_input.csv", 20), def, 600});

  std::ostringstream md;
  md << "# Optimizer benchmark\n\n";
  md << "Command: `" << command << "`  \n";
  md << "Machine: " << shell("lscpu | sed -n 's/^Model name: *//p' | head -1") << ", "
     << shell("nproc") << " cores, " << shell("free -g | awk '/Mem:/{print $2}'") << " GiB RAM  \n";
  md << "Build: " << shell("git -C " SO_SOURCE_DIR " rev-parse --short=12 HEAD 2>/dev/null") << " (plus uncommitted work)\n\n";
  md << "Each instance ran three times, each in a fresh process: twice plain, once next to a busy-loop process "
        "(CPU load on one of the cores). Times are from the first run; *stable* = the three solution "
        "signatures are identical. Default policy and seed 42 unless noted; time limit 30 s unless noted.\n\n";
  md << "| instance | tours | drivers | lower bound (best, which) | LP bound | gap | PT | first plan s | best s | total s "
        "| wall s | peak MiB | uncovered (bound) | status / reason codes | stable |\n";
  md << "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n";
  std::ostringstream notes;
  bool all_stable = true;
  for (const Instance& inst : all) {
    if (!only.empty() && inst.name.find(only) == std::string::npos) continue;
    if (inst.note.find(".csv") != std::string::npos || inst.note.find(".json") != std::string::npos ||
        inst.note.find(".txt") != std::string::npos) {
      std::string f = inst.note.substr(0, inst.note.find_first_of(" ,"));
      if (!std::filesystem::exists(ref + f)) {
        std::fprintf(stderr, "skip %s: %s not found\n", inst.name.c_str(), (ref + f).c_str());
        continue;
      }
    }
    std::fprintf(stderr, "%s ...\n", inst.name.c_str());
    RunResult a = run_in_child(inst, false);
    RunResult b = run_in_child(inst, false);
    RunResult c = run_in_child(inst, true);
    const bool stable = a.ok && b.ok && c.ok && a.signature == b.signature && a.signature == c.signature;
    all_stable = all_stable && stable;
    std::fprintf(stderr, "  %s drivers %d lb %d (%s) pt %d total %.2fs wall %.2fs  %s %s %s\n", a.status.c_str(),
                 a.drivers, a.lb, a.lb_name.c_str(), a.pt, a.total, a.wall, a.signature.c_str(), b.signature.c_str(),
                 c.signature.c_str());
    md << "| " << inst.name << " | " << a.tours << " | " << a.drivers << " | " << a.lb << " (" << a.lb_name << ") | "
       << (a.lp >= 0 ? std::to_string(a.lp) : "–") << " | "
       // The driver bound holds for full coverage only: no gap for a plan with uncovered tours.
       << (a.uncovered > 0 ? std::string("–") : fmt(100 * a.gap, 2) + " %") << " | " << a.pt << " | "
       << fmt(a.first) << " | " << fmt(a.best) << " | " << fmt(a.total) << " | " << fmt(a.wall) << " | "
       << fmt(a.maxrss_kb / 1024.0, 0) << " | "
       << (a.uncovered >= 0 ? std::to_string(a.uncovered) + " (" + std::to_string(a.uncovered_bound) + ")" : "–")
       << " | " << a.status << (a.audit ? "" : " AUDIT-FAIL") << " "
       << (a.codes == "-" ? "" : a.codes) << (a.extra == "-" ? "" : " " + a.extra) << " | ";
    if (stable)
      md << "yes";
    else
      md << "NO (" << a.signature << "/" << b.signature << "/" << c.signature << ")";
    md << " |\n";
    notes << "- **" << inst.name << "**: " << inst.note;
    if (inst.time_limit != 30) notes << ", time limit " << fmt(inst.time_limit, 0) << " s";
    notes << "; under load: total " << fmt(c.total) << " s, " << c.drivers << " drivers, " << c.status << " "
          << (c.codes == "-" ? "" : c.codes) << "\n";
  }
  md << "\nInstances:\n\n" << notes.str();
  md << "\nAll signatures stable: " << (all_stable ? "yes" : "NO") << "\n";
  md << "\nHow to read: *lower bound* is the best proven bound (hours, per-day, path cover, rest-concurrency, "
        "LP = ⌈column-generation LP⌉ certified from the duals); *gap* = (drivers − bound) / bound, 0 % = "
        "certified optimal driver count (reason code OPTIMAL). *first plan* = the baseline plan audited; *best* = "
        "the last improvement. *peak MiB* = ru_maxrss of the child process that ran the solve. "
        "TIME_LIMIT_REACHED marks a run cut by the wall-clock safety net (its plan may then differ between runs).\n";
  std::cout << md.str();
  if (!out_path.empty()) {
    // Sections other benchmarks write (bench/replicas.sh) follow the marker: kept as they are.
    std::string kept;
    {
      std::ifstream old(out_path);
      const std::string text((std::istreambuf_iterator<char>(old)), std::istreambuf_iterator<char>());
      if (const auto at = text.find(kKeptSectionsMarker); at != std::string::npos) kept = "\n" + text.substr(at);
    }
    std::ofstream f(out_path);
    f << md.str() << kept;
  }
  return 0;
}
