// The metrics registry, the api.md §6 catalogue and the signature LRU.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <set>

#include "service/metrics.hpp"
#include "service/service_metrics.hpp"
#include "service/signature_lru.hpp"
#include "service_test_util.hpp"

namespace so {
namespace {

using test::metric_value;

TEST(MetricsRegistry, CounterGaugeHistogramExposition) {
  metrics::Registry r;
  auto& c = r.counter("demo_events_total", "Events", {"kind"});
  auto& g = r.gauge("demo_level", "Level");
  auto& h = r.histogram("demo_seconds", "Durations", {0.5, 1, 2}, {"phase"});
  c.inc({"a"});
  c.inc({"a"}, 2);
  c.touch({"b"});
  g.set({}, 7.25);
  h.observe({"x"}, 0.2);
  h.observe({"x"}, 1.0);   // le is inclusive
  h.observe({"x"}, 1.5);
  h.observe({"x"}, 99);    // only +Inf
  const std::string text = r.render();

  EXPECT_NE(text.find("# HELP demo_events_total Events\n# TYPE demo_events_total counter\n"), std::string::npos);
  EXPECT_EQ(metric_value(text, "demo_events_total{kind=\"a\"}"), 3);
  EXPECT_EQ(metric_value(text, "demo_events_total{kind=\"b\"}"), 0);
  EXPECT_EQ(metric_value(text, "demo_level"), 7.25);
  EXPECT_EQ(metric_value(text, "demo_seconds_bucket{phase=\"x\",le=\"0.5\"}"), 1);
  EXPECT_EQ(metric_value(text, "demo_seconds_bucket{phase=\"x\",le=\"1\"}"), 2);
  EXPECT_EQ(metric_value(text, "demo_seconds_bucket{phase=\"x\",le=\"2\"}"), 3);
  EXPECT_EQ(metric_value(text, "demo_seconds_bucket{phase=\"x\",le=\"+Inf\"}"), 4);
  EXPECT_EQ(metric_value(text, "demo_seconds_count{phase=\"x\"}"), 4);
  EXPECT_DOUBLE_EQ(*metric_value(text, "demo_seconds_sum{phase=\"x\"}"), 0.2 + 1.0 + 1.5 + 99);
  // Registration order is exposition order.
  EXPECT_LT(text.find("demo_events_total"), text.find("demo_level"));
  EXPECT_LT(text.find("demo_level"), text.find("demo_seconds"));
}

TEST(MetricsRegistry, LabelValuesAreEscapedAndWrongArityThrows) {
  metrics::Registry r;
  auto& c = r.counter("demo_total", "x", {"path"});
  c.inc({"a\"b\\c\nd"});
  EXPECT_NE(r.render().find("demo_total{path=\"a\\\"b\\\\c\\nd\"} 1"), std::string::npos);
  EXPECT_THROW(c.inc({}), std::invalid_argument);
  EXPECT_THROW(r.counter("demo_total", "again"), std::invalid_argument);
}

TEST(MetricsRegistry, ValueFormatting) {
  EXPECT_EQ(metrics::format_value(3), "3");
  EXPECT_EQ(metrics::format_value(0.005), "0.005");
  EXPECT_EQ(metrics::format_value(1.0 / 0.0), "+Inf");
  EXPECT_EQ(metrics::format_value(1.5e21), "1.5e+21");
}

// The exact catalogue of api.md §6 — nothing missing, nothing extra.
TEST(ServiceMetricsCatalogue, ExactlyTheDocumentedFamiliesWithKnownLabelsAtZero) {
  ServiceMetrics m({"/api/v1/schedule", "/api/v1/runs"});
  const std::string text = m.render();
  std::set<std::string> families;
  std::regex type_re("^# TYPE ([a-z_]+) ([a-z]+)$");
  std::istringstream is(text);
  std::string line;
  std::map<std::string, std::string> types;
  while (std::getline(is, line)) {
    std::smatch mm;
    if (std::regex_match(line, mm, type_re)) types[mm[1]] = mm[2];
  }
  const std::map<std::string, std::string> expected = {
      {"solver_build_info", "gauge"},
      {"solver_signature_runs_total", "counter"},
      {"solver_signature_unique_total", "counter"},
      {"solver_budget_overrun_total", "counter"},
      {"solver_phase_duration_seconds", "histogram"},
      {"solver_infeasible_total", "counter"},
      {"solver_set_partitioning_total", "counter"},
      {"solver_candidates_raw_total", "counter"},
      {"solver_candidates_kept_total", "counter"},
      {"solver_driver_count", "histogram"},
      {"solver_pt_ratio", "histogram"},
      {"solver_underfull_ratio", "histogram"},
      {"solver_coverage_rate", "histogram"},
      {"solver_gap_to_lower_bound", "histogram"},
      {"solver_api_error_total", "counter"},
      {"http_requests_total", "counter"},
      {"http_request_duration_seconds", "histogram"},
      {"solver_runs_in_flight", "gauge"},
      {"solver_runs_queued", "gauge"},
      {"solver_runs_deleted_total", "counter"},  // issue 17, beyond the api.md §6 catalogue
      {"process_cpu_seconds_total", "counter"},
      {"process_resident_memory_bytes", "gauge"},
      {"process_start_time_seconds", "gauge"},
      {"process_open_fds", "gauge"},
  };
  EXPECT_EQ(types, expected);

  for (const char* p : {"profiling", "phase1", "phase2", "lns", "total"}) {
    EXPECT_EQ(metric_value(text, std::string("solver_budget_overrun_total{phase=\"") + p + "\"}"), 0) << p;
    EXPECT_EQ(metric_value(text, std::string("solver_phase_duration_seconds_count{phase=\"") + p + "\"}"), 0) << p;
  }
  for (const char* s : {"success", "fallback", "timeout"})
    EXPECT_EQ(metric_value(text, std::string("solver_set_partitioning_total{status=\"") + s + "\"}"), 0);
  for (const char* s : {"1er", "2er", "3er"}) {
    EXPECT_EQ(metric_value(text, std::string("solver_candidates_raw_total{size=\"") + s + "\"}"), 0);
    EXPECT_EQ(metric_value(text, std::string("solver_candidates_kept_total{size=\"") + s + "\"}"), 0);
  }
  for (const char* d : {"fte", "pt", "total"})
    EXPECT_EQ(metric_value(text, std::string("solver_driver_count_count{driver_type=\"") + d + "\"}"), 0);
  EXPECT_EQ(metric_value(text, "solver_signature_runs_total"), 0);
  EXPECT_EQ(metric_value(text, "solver_api_error_total{endpoint=\"/api/v1/schedule\",error_type=\"validation_error\"}"), 0);
  const BuildInfo bi = build_info();
  EXPECT_EQ(metric_value(text, "solver_build_info{version=\"" + bi.version + "\",commit=\"" + bi.commit + "\",lp=\"" +
                                   bi.lp + "\",mip=\"" + bi.mip + "\"}"),
            1);
  EXPECT_EQ(bi.lp.rfind("CLP 1.", 0), 0u);
  EXPECT_EQ(bi.mip.rfind("CBC 2.", 0), 0u);
  EXPECT_GT(*metric_value(text, "process_start_time_seconds"), 1.6e9);
  EXPECT_GT(*metric_value(text, "process_resident_memory_bytes"), 1e5);
  EXPECT_GT(*metric_value(text, "process_open_fds"), 2);
}

PlanReport sample_report(const std::string& signature) {
  PlanReport r;
  r.status = "OK";
  r.solution_signature = signature;
  r.time_limit_seconds = 30;
  r.timing = PhaseTiming{0.1, 3.0, 1.0, 0.5, 4.7};
  r.stats.candidates_raw[0] = 10;
  r.stats.candidates_raw[1] = 20;
  r.stats.candidates_raw[2] = 30;
  r.stats.candidates_kept[0] = 5;
  r.stats.candidates_kept[1] = 6;
  r.stats.candidates_kept[2] = 7;
  r.stats.set_partitioning_status = "timeout";
  r.stats.phase_overrun["phase1"] = true;
  r.kpis.drivers_total = 142;
  r.kpis.drivers_fte = 130;
  r.kpis.drivers_pt = 12;
  r.kpis.pt_ratio = 12.0 / 142;
  r.kpis.underfull_ratio = 0.02;
  r.kpis.coverage_rate = 1.0;
  r.kpis.gap_to_lb = 0.0;
  return r;
}

TEST(ServiceMetricsCatalogue, DriverModeRunWithUncoveredToursObservesNoGap) {
  // 140 drivers for a week that needs 142: 2 tours uncovered, "gap" (140 - 142) / 142 < 0 means nothing.
  ServiceMetrics m({});
  PlanReport r = sample_report("sha256:cc");
  r.status = "INFEASIBLE";
  r.kpis.driver_mode = true;
  r.kpis.tours_uncovered = 2;
  r.kpis.coverage_rate = 0.9986;
  r.kpis.gap_to_lb = -0.0141;
  m.record_solve(r, 1.0);
  m.record_solve(sample_report("sha256:dd"), 1.0);
  const std::string text = m.render();
  EXPECT_EQ(metric_value(text, "solver_infeasible_total"), 1);
  EXPECT_EQ(metric_value(text, "solver_gap_to_lower_bound_count"), 1);  // only the complete plan
  EXPECT_EQ(metric_value(text, "solver_coverage_rate_count"), 2);
}

TEST(ServiceMetricsCatalogue, RecordSolveMovesEverySolverSeries) {
  ServiceMetrics m({});
  m.record_solve(sample_report("sha256:aa"), 4.8);
  m.record_solve(sample_report("sha256:aa"), 4.8);
  PlanReport late = sample_report("sha256:bb");
  late.status = "INFEASIBLE";
  late.kpis.coverage_rate = 0.95;
  m.record_solve(late, 31.0);  // over the 30 s budget: a total overrun measured by the service
  const std::string text = m.render();
  EXPECT_EQ(metric_value(text, "solver_signature_runs_total"), 3);
  EXPECT_EQ(metric_value(text, "solver_signature_unique_total"), 2);
  EXPECT_EQ(metric_value(text, "solver_budget_overrun_total{phase=\"phase1\"}"), 3);
  EXPECT_EQ(metric_value(text, "solver_budget_overrun_total{phase=\"total\"}"), 1);
  EXPECT_EQ(metric_value(text, "solver_budget_overrun_total{phase=\"lns\"}"), 0);
  EXPECT_EQ(metric_value(text, "solver_phase_duration_seconds_count{phase=\"total\"}"), 3);
  EXPECT_EQ(metric_value(text, "solver_phase_duration_seconds_bucket{phase=\"total\",le=\"5\"}"), 2);
  EXPECT_EQ(metric_value(text, "solver_phase_duration_seconds_bucket{phase=\"total\",le=\"30\"}"), 2);
  EXPECT_EQ(metric_value(text, "solver_phase_duration_seconds_bucket{phase=\"total\",le=\"45\"}"), 3);
  EXPECT_EQ(metric_value(text, "solver_infeasible_total"), 1);
  EXPECT_EQ(metric_value(text, "solver_set_partitioning_total{status=\"timeout\"}"), 3);
  EXPECT_EQ(metric_value(text, "solver_candidates_raw_total{size=\"2er\"}"), 60);
  EXPECT_EQ(metric_value(text, "solver_candidates_kept_total{size=\"3er\"}"), 21);
  EXPECT_EQ(metric_value(text, "solver_driver_count_bucket{driver_type=\"total\",le=\"150\"}"), 3);
  EXPECT_EQ(metric_value(text, "solver_driver_count_bucket{driver_type=\"total\",le=\"125\"}"), 0);
  EXPECT_EQ(metric_value(text, "solver_driver_count_bucket{driver_type=\"pt\",le=\"50\"}"), 3);
  EXPECT_EQ(metric_value(text, "solver_pt_ratio_bucket{le=\"0.1\"}"), 3);
  EXPECT_EQ(metric_value(text, "solver_coverage_rate_bucket{le=\"0.96\"}"), 1);
  EXPECT_EQ(metric_value(text, "solver_gap_to_lower_bound_bucket{le=\"0\"}"), 3);
  m.set_runs(2, 5);
  m.record_http("GET", "/api/v1/runs/{id}", 404, 0.003);
  m.record_api_error("/api/v1/runs/{id}", error_type_for_status(404));
  const std::string t2 = m.render();
  EXPECT_EQ(metric_value(t2, "solver_runs_in_flight"), 2);
  EXPECT_EQ(metric_value(t2, "solver_runs_queued"), 5);
  EXPECT_EQ(metric_value(t2, "http_requests_total{method=\"GET\",route=\"/api/v1/runs/{id}\",status=\"404\"}"), 1);
  EXPECT_EQ(metric_value(t2, "solver_api_error_total{endpoint=\"/api/v1/runs/{id}\",error_type=\"not_found\"}"), 1);
}

TEST(ServiceMetricsCatalogue, PromtoolAcceptsTheExposition) {
  if (!std::filesystem::exists("/usr/bin/promtool")) GTEST_SKIP() << "promtool not installed (scripts/install-deps.sh)";
  ServiceMetrics m({"/api/v1/schedule"});
  m.record_solve(sample_report("sha256:cc"), 4.8);
  m.record_http("POST", "/api/v1/schedule", 200, 4.9);
  test::TempDir dir;
  const std::string file = dir.str() + "/metrics.txt";
  std::ofstream(file) << m.render();
  const std::string cmd = "/usr/bin/promtool check metrics < " + file + " > " + dir.str() + "/out.txt 2>&1";
  const int rc = std::system(cmd.c_str());
  std::ifstream out(dir.str() + "/out.txt");
  std::string msg((std::istreambuf_iterator<char>(out)), std::istreambuf_iterator<char>());
  EXPECT_EQ(rc, 0) << msg;
  EXPECT_EQ(msg, "") << msg;
}

TEST(SignatureLru, WindowOfDistinctSignatures) {
  SignatureLru lru(3);
  EXPECT_TRUE(lru.is_new("a"));
  EXPECT_TRUE(lru.is_new("b"));
  EXPECT_FALSE(lru.is_new("a"));  // refreshes a: window (most recent first) a, b
  EXPECT_TRUE(lru.is_new("c"));
  EXPECT_TRUE(lru.is_new("d"));   // evicts b (least recent)
  EXPECT_FALSE(lru.is_new("a"));
  EXPECT_TRUE(lru.is_new("b"));
  EXPECT_EQ(lru.size(), 3u);
}

TEST(SignatureLru, DefaultWindowIsFiveThousand) {
  SignatureLru lru;
  EXPECT_EQ(lru.capacity(), 5000u);
  EXPECT_TRUE(lru.is_new("first"));
  auto key = [](char prefix, int i) { return std::string(1, prefix) + std::to_string(i); };
  for (int i = 0; i < 4999; ++i) ASSERT_TRUE(lru.is_new(key('s', i)));
  EXPECT_FALSE(lru.is_new("first"));  // still inside the window of 5000 …
  for (int i = 0; i < 5000; ++i) lru.is_new(key('t', i));
  EXPECT_TRUE(lru.is_new("first"));   // … pushed out by 5000 newer ones
}

}  // namespace
}  // namespace so
