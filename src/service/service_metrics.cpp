#include "service/service_metrics.hpp"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include <coin/CbcConfig.h>
#include <coin/ClpConfig.h>

#ifndef SO_VERSION
#define SO_VERSION "0.0.0"
#endif
#ifndef SO_GIT_COMMIT
#define SO_GIT_COMMIT "unknown"
#endif

namespace so {

BuildInfo build_info() {
  return BuildInfo{SO_VERSION, SO_GIT_COMMIT, std::string("CLP ") + CLP_VERSION, std::string("CBC ") + CBC_VERSION};
}

const std::vector<std::string>& metric_phases() {
  static const std::vector<std::string> kPhases = {"profiling", "phase1", "phase2", "lns", "total"};
  return kPhases;
}

std::string error_type_for_status(int status) {
  switch (status) {
    case 400: return "bad_request";
    case 401: return "unauthorized";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 408: return "timeout";
    case 409: return "conflict";
    case 413: return "payload_too_large";
    case 414: return "uri_too_long";
    case 415: return "unsupported_media_type";
    case 422: return "validation_error";
    case 429: return "queue_full";
    case 500: return "internal_error";
    case 503: return "unavailable";
    case 507: return "insufficient_storage";
    default: return status >= 500 ? "server_error" : "client_error";
  }
}

namespace {

const std::vector<std::string> kSizes = {"1er", "2er", "3er"};
const std::vector<std::string> kSpStatuses = {"success", "fallback", "timeout"};
const std::vector<std::string> kDriverTypes = {"fte", "pt", "total"};
const std::vector<std::string> kSolveErrorTypes = {"bad_request",        "unauthorized",         "not_found",
                                                   "method_not_allowed", "payload_too_large",
                                                   "unsupported_media_type", "validation_error", "queue_full",
                                                   "unavailable",        "internal_error"};

// process_* figures from /proc/self (Linux); zero where unavailable.
struct ProcessFigures {
  double cpu_seconds = 0, resident_bytes = 0, start_time = 0, open_fds = 0;
};

ProcessFigures read_process_figures() {
  ProcessFigures f;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  std::ifstream stat("/proc/self/stat");
  std::string line;
  if (std::getline(stat, line)) {
    // Fields after the ")" of the command name: state is field 3; utime 14, stime 15, starttime 22.
    auto close = line.rfind(')');
    if (close != std::string::npos) {
      std::istringstream is(line.substr(close + 2));
      std::vector<std::string> fields;
      std::string tok;
      while (is >> tok) fields.push_back(tok);
      auto field = [&](int n) { return static_cast<size_t>(n - 3) < fields.size() ? std::stod(fields[n - 3]) : 0.0; };
      f.cpu_seconds = (field(14) + field(15)) / ticks;
      double boot = 0;
      std::ifstream pstat("/proc/stat");
      std::string key;
      while (pstat >> key) {
        if (key == "btime") {
          pstat >> boot;
          break;
        }
        std::getline(pstat, key);
      }
      f.start_time = boot + field(22) / ticks;
    }
  }
  std::ifstream statm("/proc/self/statm");
  double size = 0, resident = 0;
  if (statm >> size >> resident) f.resident_bytes = resident * page;
  if (DIR* d = opendir("/proc/self/fd")) {
    int n = 0;
    while (dirent* e = readdir(d))
      if (e->d_name[0] != '.') ++n;
    closedir(d);
    f.open_fds = n - 1;  // the directory handle itself
  }
  return f;
}

}  // namespace

ServiceMetrics::ServiceMetrics(const std::vector<std::string>& solve_endpoints, size_t signature_window)
    : lru_(signature_window) {
  auto& r = registry_;
  build_info = &r.gauge("solver_build_info", "Build of the running service (value is always 1)",
                        {"version", "commit", "lp", "mip"});
  const BuildInfo bi = so::build_info();
  build_info->set({bi.version, bi.commit, bi.lp, bi.mip}, 1);

  signature_runs = &r.counter("solver_signature_runs_total", "Finished solves (success or infeasible)");
  signature_unique = &r.counter("solver_signature_unique_total",
                                "Finished solves whose solution_signature was not among the last 5000 seen");
  budget_overrun = &r.counter("solver_budget_overrun_total",
                              "Solves in which a phase took longer than its slice, or the run longer than its budget",
                              {"phase"});
  phase_duration = &r.histogram("solver_phase_duration_seconds", "Wall time per solver phase (phase=total: the run)",
                                {0.5, 1, 2, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300}, {"phase"});
  for (const auto& p : metric_phases()) {
    budget_overrun->touch({p});
    phase_duration->touch({p});
  }
  infeasible = &r.counter("solver_infeasible_total", "Solves that ended with tours they could not cover");
  set_partitioning = &r.counter("solver_set_partitioning_total", "Roster set-partitioning phase outcomes", {"status"});
  for (const auto& s : kSpStatuses) set_partitioning->touch({s});
  candidates_raw = &r.counter("solver_candidates_raw_total", "Blocks generated, by size", {"size"});
  candidates_kept = &r.counter("solver_candidates_kept_total", "Blocks kept for the optimizer, by size", {"size"});
  for (const auto& s : kSizes) {
    candidates_raw->touch({s});
    candidates_kept->touch({s});
  }
  driver_count = &r.histogram("solver_driver_count", "Drivers in a finished plan, by class",
                              {50, 75, 100, 125, 150, 175, 200, 250, 300}, {"driver_type"});
  for (const auto& d : kDriverTypes) driver_count->touch({d});
  const std::vector<double> ratio_buckets = {0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5};
  pt_ratio = &r.histogram("solver_pt_ratio", "PT drivers / drivers of a finished plan", ratio_buckets);
  underfull_ratio = &r.histogram("solver_underfull_ratio", "Underfull FTE / FTE of a finished plan", ratio_buckets);
  coverage_rate = &r.histogram("solver_coverage_rate", "Tours covered / tours of a finished plan",
                               {0.9, 0.92, 0.94, 0.96, 0.98, 0.99, 0.995, 1});
  gap_to_lower_bound = &r.histogram("solver_gap_to_lower_bound", "(drivers - lower bound) / lower bound",
                                    {0, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2});
  api_errors = &r.counter("solver_api_error_total", "Error answers (4xx/5xx) by endpoint pattern and error type",
                          {"endpoint", "error_type"});
  for (const auto& e : solve_endpoints)
    for (const auto& t : kSolveErrorTypes) api_errors->touch({e, t});
  http_requests = &r.counter("http_requests_total", "HTTP requests by method, route pattern and status",
                             {"method", "route", "status"});
  http_duration = &r.histogram("http_request_duration_seconds", "HTTP request latency by method, route and status",
                               {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600},
                               {"method", "route", "status"});
  runs_in_flight = &r.gauge("solver_runs_in_flight", "Solves running now");
  runs_queued = &r.gauge("solver_runs_queued", "Solves waiting for a worker now");
  runs_deleted = &r.counter("solver_runs_deleted_total",
                            "Stored runs deleted, by reason (retention_age, retention_count, api)", {"reason"});
  for (const char* reason : {"retention_age", "retention_count", "api"}) runs_deleted->touch({reason});

  auto* cpu = &r.counter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds");
  auto* rss = &r.gauge("process_resident_memory_bytes", "Resident memory size in bytes");
  auto* start = &r.gauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds");
  auto* fds = &r.gauge("process_open_fds", "Number of open file descriptors");
  start->set({}, read_process_figures().start_time);
  r.on_collect([cpu, rss, fds] {
    ProcessFigures f = read_process_figures();
    cpu->set({}, f.cpu_seconds);
    rss->set({}, f.resident_bytes);
    fds->set({}, f.open_fds);
  });
}

void ServiceMetrics::record_http(const std::string& method, const std::string& route, int status, double seconds) {
  const std::vector<std::string> labels = {method, route, std::to_string(status)};
  http_requests->inc(labels);
  http_duration->observe(labels, seconds);
}

void ServiceMetrics::record_api_error(const std::string& endpoint, const std::string& error_type) {
  api_errors->inc({endpoint, error_type});
}

void ServiceMetrics::set_runs(int in_flight, int queued) {
  runs_in_flight->set({}, in_flight);
  runs_queued->set({}, queued);
}

void ServiceMetrics::record_solve(const PlanReport& report, double wall_seconds) {
  signature_runs->inc();
  if (!report.solution_signature.empty() && lru_.is_new(report.solution_signature)) signature_unique->inc();

  const PhaseTiming& t = report.timing;
  const double total = std::max(t.total_s, wall_seconds);
  const std::vector<std::pair<std::string, double>> phases = {
      {"profiling", t.profiling_s}, {"phase1", t.phase1_s}, {"phase2", t.phase2_s}, {"lns", t.lns_s}, {"total", total}};
  for (const auto& [phase, seconds] : phases) {
    phase_duration->observe({phase}, seconds);
    auto it = report.stats.phase_overrun.find(phase);
    bool overrun = it != report.stats.phase_overrun.end() && it->second;
    // The run's budget is the request's whole wall-clock budget (solver.md): measured here too.
    if (phase == "total" && total > report.time_limit_seconds) overrun = true;
    if (overrun) budget_overrun->inc({phase});
  }

  if (report.status == "INFEASIBLE" || !report.plan.unassigned.empty() || report.kpis.coverage_rate < 1.0)
    infeasible->inc();

  std::string sp = report.stats.set_partitioning_status;
  if (std::find(kSpStatuses.begin(), kSpStatuses.end(), sp) == kSpStatuses.end()) sp = "fallback";
  set_partitioning->inc({sp});

  for (int i = 0; i < 3; ++i) {
    candidates_raw->inc({kSizes[static_cast<size_t>(i)]}, report.stats.candidates_raw[i]);
    candidates_kept->inc({kSizes[static_cast<size_t>(i)]}, report.stats.candidates_kept[i]);
  }

  const Kpis& k = report.kpis;
  driver_count->observe({"fte"}, k.drivers_fte);
  driver_count->observe({"pt"}, k.drivers_pt);
  driver_count->observe({"total"}, k.drivers_total);
  pt_ratio->observe({}, k.pt_ratio);
  underfull_ratio->observe({}, k.underfull_ratio);
  coverage_rate->observe({}, k.coverage_rate);
  // The driver bound holds for full coverage; a plan with uncovered tours would show a false (negative) gap.
  if (k.tours_uncovered == 0) gap_to_lower_bound->observe({}, k.gap_to_lb);
}

}  // namespace so
