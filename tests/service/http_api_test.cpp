// The HTTP API against the real solver on a loopback ephemeral port (api.md §1–§6, runbook §0–§2).
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <regex>
#include <set>
#include <thread>

#include "service/service_metrics.hpp"
#include "service_test_util.hpp"

namespace so {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;
using test::LiveService;
using test::metric_value;

const httplib::Headers kNoHeaders;

json body_json(const httplib::Result& r) { return json::parse(r->body); }

// A forecast on which the solver spends seconds in its optimisation phases (column generation),
// where it checks the cancel flag (cancel / drain tests): 360 tours of many distinct types.
std::string long_run_body(double time_limit = 60) {
  return json{{"tours", test::synthetic_tours(60, 6, 5)}, {"seed", 1}, {"time_limit_seconds", time_limit}}.dump();
}

// Waits until the run is RUNNING past profiling (in one of the optimisation phases).
bool wait_optimising(httplib::Client& c, const std::string& id, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = c.Get(("/api/v1/runs/" + id).c_str());
    if (r && r->status == 200) {
      json v = json::parse(r->body);
      if (v["status"] != "RUNNING" && v["status"] != "QUEUED") return false;
      if (v["phase"].is_string() && v["phase"] != "profiling") return true;
    }
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Probes, metrics endpoint, configuration

TEST(HttpProbes, HealthReadyAndMetrics) {
  LiveService svc;
  auto c = svc.client();
  auto h = c.Get("/api/v1/healthz");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status, 200);
  EXPECT_EQ(h->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(body_json(h)["status"], "alive");
  EXPECT_EQ(body_json(h)["version"], build_info().version);
  EXPECT_FALSE(h->get_header_value("X-Request-ID").empty());

  auto r = c.Get("/api/v1/readyz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  json rb = body_json(r);
  EXPECT_EQ(rb["status"], "ready");
  EXPECT_EQ(rb["git_commit"], build_info().commit);
  EXPECT_EQ(rb["solver"]["lp"], build_info().lp);
  EXPECT_EQ(rb["solver"]["mip"], build_info().mip);
  EXPECT_EQ(rb["config"]["effective_hash"], effective_config_hash(SolverConfig{}, Policy{}));
  EXPECT_EQ(rb["config"]["config"]["enable_fill_to_target_greedy"], false);
  EXPECT_EQ(rb["flags"]["enable_bad_block_mix_rerun"], false);
  EXPECT_EQ(rb["runs"]["running"], 0);
  EXPECT_EQ(rb["runs"]["queued"], 0);
  EXPECT_EQ(rb["runs"]["capacity"], 2);

  auto m = c.Get("/api/v1/metrics");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->status, 200);
  EXPECT_EQ(m->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(m->body.rfind("# HELP solver_build_info", 0), 0u) << "curl … | head shows the catalogue";
  // The probe requests above are counted, by pattern.
  auto m2 = c.Get("/api/v1/metrics");
  EXPECT_EQ(metric_value(m2->body, "http_requests_total{method=\"GET\",route=\"/api/v1/healthz\",status=\"200\"}"), 1);
  EXPECT_EQ(metric_value(m2->body, "http_requests_total{method=\"GET\",route=\"/api/v1/readyz\",status=\"200\"}"), 1);
}

TEST(HttpProbes, FeatureFlagsFromEnvironmentShowInReadyz) {
  LiveService svc([](ServerOptions& o) { o.solver_defaults.enable_bad_block_mix_rerun = true; });
  auto c = svc.client();
  json rb = body_json(c.Get("/api/v1/readyz"));
  EXPECT_EQ(rb["flags"]["enable_bad_block_mix_rerun"], true);
  EXPECT_EQ(rb["config"]["config"]["enable_bad_block_mix_rerun"], true);
  SolverConfig flagged;
  flagged.enable_bad_block_mix_rerun = true;
  EXPECT_EQ(rb["config"]["effective_hash"], effective_config_hash(flagged, Policy{}));
}

TEST(HttpConfig, ConfigSchemaAndConstraints) {
  LiveService svc;
  auto c = svc.client();
  auto s = c.Get("/api/v1/config-schema");
  ASSERT_EQ(s->status, 200);
  json sb = body_json(s);
  EXPECT_EQ(sb["policy"].size(), policy_rules().size());
  EXPECT_EQ(sb["tunables"].size(), tunables().size());
  bool saw_locked = false;
  for (const auto& t : sb["tunables"]) {
    EXPECT_TRUE(t.contains("min") && t.contains("max") && t.contains("default") && t.contains("type")) << t.dump();
    if (t["locked"].get<bool>()) saw_locked = true;
  }
  EXPECT_TRUE(saw_locked);
  auto k = c.Get("/api/v1/constraints");
  ASSERT_EQ(k->status, 200);
  json kb = body_json(k);
  EXPECT_EQ(kb["min_rest_minutes"], 660);
  EXPECT_EQ(kb["max_weekly_minutes"], 3300);
  EXPECT_EQ(kb["allow_split"], true);
}

// ---------------------------------------------------------------------------------------------
// Routing and error statuses

TEST(HttpRouting, NotFoundMethodNotAllowedAndNoShadowing) {
  LiveService svc;
  auto c = svc.client();
  auto nf = c.Get("/api/v1/nope");
  EXPECT_EQ(nf->status, 404);
  EXPECT_EQ(body_json(nf)["detail"], "Not Found");
  EXPECT_EQ(c.Get("/api/v1/healthz/")->status, 404);

  auto m = c.Get("/api/v1/schedule");
  EXPECT_EQ(m->status, 405);
  EXPECT_EQ(m->get_header_value("Allow"), "OPTIONS, POST");
  EXPECT_EQ(body_json(m)["detail"], "Method Not Allowed");
  auto d = c.Delete("/api/v1/healthz");
  EXPECT_EQ(d->status, 405);
  EXPECT_EQ(d->get_header_value("Allow"), "GET, HEAD, OPTIONS");
  auto p = c.Put("/api/v1/runs", "{}", "application/json");
  EXPECT_EQ(p->status, 405);
  EXPECT_EQ(p->get_header_value("Allow"), "GET, HEAD, OPTIONS, POST");

  // /runs/{id}/… never swallows /runs itself and vice versa.
  auto unknown = c.Get("/api/v1/runs/run_x");
  EXPECT_EQ(unknown->status, 404);
  EXPECT_NE(body_json(unknown)["detail"].get<std::string>().find("run_x"), std::string::npos);
  EXPECT_EQ(c.Get("/api/v1/runs/run_x/plan")->status, 404);
  EXPECT_EQ(c.Get("/api/v1/runs/run_x/report/canonical")->status, 404);
  EXPECT_EQ(c.Post("/api/v1/runs/run_x/cancel", "", "application/json")->status, 404);
  EXPECT_EQ(c.Get("/api/v1/runs/run_x/cancel")->status, 405);
  EXPECT_EQ(c.Get("/api/v1/runs")->status, 200);

  const std::string text = svc.metrics();
  EXPECT_EQ(metric_value(text, "http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"}"), 2);
  EXPECT_EQ(metric_value(text, "http_requests_total{method=\"GET\",route=\"/api/v1/runs/{id}\",status=\"404\"}"), 1);
  EXPECT_EQ(metric_value(text, "solver_api_error_total{endpoint=\"/api/v1/schedule\",error_type=\"method_not_allowed\"}"), 1);
  EXPECT_EQ(text.find("run_x"), std::string::npos) << "raw ids never become labels";
}

TEST(HttpRouting, PostWithoutContentLengthHasAnEmptyBody) {
  // `curl -X POST …/cancel` sends neither Content-Length nor a body: answered at once, not after
  // the read timeout.
  LiveService svc;
  const auto t0 = std::chrono::steady_clock::now();
  const std::string resp = test::raw_http(
      svc.port(), "POST /api/v1/runs/run_nope/cancel HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 10s);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(resp.rfind("HTTP/1.1 404", 0), 0u) << resp;
  EXPECT_NE(resp.find("run 'run_nope' not found"), std::string::npos) << resp;
  EXPECT_LT(took, 2.0);
  const std::string bad = test::raw_http(svc.port(), "POST /api/v1/schedule HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n", 10s);
  EXPECT_EQ(bad.rfind("HTTP/1.1 422", 0), 0u) << bad;
  // A garbage request line gets a JSON 400 too.
  const std::string junk = test::raw_http(svc.port(), "BLAH\r\n\r\n", 10s);
  EXPECT_EQ(junk.rfind("HTTP/1.1 400", 0), 0u) << junk;
}

TEST(HttpRouting, SlowClientsAreCutOffByTheReadTimeout) {
  LiveService svc([](ServerOptions& o) { o.read_timeout_seconds = 1; });
  const auto t0 = std::chrono::steady_clock::now();
  // Headers that never end (slowloris): the server gives up after the read timeout.
  const std::string resp = test::raw_http(svc.port(), "GET /api/v1/healthz HTTP/1.1\r\nHost: x\r\n", 15s);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(took, 5.0) << resp;
  EXPECT_GE(took, 0.9);
  auto c = svc.client();
  EXPECT_EQ(c.Get("/api/v1/healthz")->status, 200);
}

TEST(HttpErrors, BadInputTableOverHttp) {
  LiveService svc;
  auto c = svc.client();
  struct Case {
    std::string name, body, content_type;
    int status;
    std::string must_mention;
  };
  json bad_types = {{"tours", json::array({{{"id", 1.5}, {"day", "Mon"}, {"start_time", 600}, {"end_time", "10:00"}}})},
                    {"seed", "x"},
                    {"time_limit_seconds", "fast"}};
  json unknown_day = {{"tours", test::synthetic_tours(1, 1)}};
  unknown_day["tours"][0]["day"] = "Funday";
  json h24 = {{"tours", test::synthetic_tours(1, 1)}};
  h24["tours"][0]["end_time"] = "24:00";
  json dup = {{"tours", test::synthetic_tours(2, 1)}};
  dup["tours"][1]["id"] = "T0001";
  const std::vector<Case> cases = {
      {"malformed JSON", "{\"tours\": [ {", "application/json", 422, "JSON decode error"},
      {"wrong types", bad_types.dump(), "application/json", 422, "\"seed\""},
      {"unknown day", unknown_day.dump(), "application/json", 400, "unknown day"},
      {"24:00", h24.dump(), "application/json", 422, "end_time"},
      {"duplicate ids", dup.dump(), "application/json", 400, "duplicate tour id 'T0001'"},
      {"deeply nested", "{\"tours\":" + std::string(200000, '[') + std::string(200000, ']') + "}", "application/json",
       422, "deeper than 64"},
      {"CSV broken line", "Montag;Anzahl\n06:00-10:30;2\n06:00-xx:30;1\n", "text/csv", 422, ":3"},
      {"plain text", "hello", "text/plain", 415, "text/plain"},
      {"not an object", "[1,2,3]", "application/json", 422, "type_error.dict"},
      {"policy out of bounds", json{{"tours", json::array()}, {"policy", {{"min_rest_minutes", 100}}}}.dump(),
       "application/json", 422, "min_rest_minutes"},
      {"bad week_start", json{{"tours", json::array()}, {"week_start", "2025-02-30"}}.dump(), "application/json", 422,
       "week_start"},
  };
  for (const Case& k : cases) {
    auto r = c.Post("/api/v1/schedule", k.body, k.content_type.c_str());
    ASSERT_TRUE(r) << k.name;
    EXPECT_EQ(r->status, k.status) << k.name << ": " << r->body.substr(0, 300);
    EXPECT_EQ(r->get_header_value("Content-Type"), "application/json") << k.name;
    EXPECT_NE(r->body.find(k.must_mention), std::string::npos) << k.name << ": " << r->body.substr(0, 300);
    json b = json::parse(r->body);
    if (k.status == 422) {
      ASSERT_TRUE(b["detail"].is_array()) << k.name;
      for (const auto& p : b["detail"]) EXPECT_TRUE(p.contains("loc") && p.contains("msg") && p.contains("type"));
    } else {
      EXPECT_TRUE(b["detail"].is_string()) << k.name;
    }
    EXPECT_EQ(c.Get("/api/v1/healthz")->status, 200) << "process stays up after " << k.name;
  }
  // The wrong-types case lists every problem.
  auto wt = c.Post("/api/v1/schedule", bad_types.dump(), "application/json");
  std::set<std::string> locs;
  const json wtb = body_json(wt);
  for (const auto& p : wtb["detail"]) locs.insert(p["loc"].dump());
  for (const char* l : {R"(["body","tours",0,"id"])", R"(["body","tours",0,"start_time"])", R"(["body","seed"])",
                        R"(["body","time_limit_seconds"])"})
    EXPECT_TRUE(locs.count(l)) << l << " in " << wt->body;

  const std::string text = svc.metrics();
  EXPECT_EQ(metric_value(text, "solver_api_error_total{endpoint=\"/api/v1/schedule\",error_type=\"validation_error\"}"), 9);
  EXPECT_EQ(metric_value(text, "solver_api_error_total{endpoint=\"/api/v1/schedule\",error_type=\"bad_request\"}"), 2);
  EXPECT_EQ(metric_value(text, "solver_api_error_total{endpoint=\"/api/v1/schedule\",error_type=\"unsupported_media_type\"}"), 1);
  EXPECT_EQ(metric_value(text, "solver_signature_runs_total"), 0);
}

TEST(HttpErrors, BodyOverTheLimitIs413) {
  LiveService svc([](ServerOptions& o) { o.max_body_bytes = 64 * 1024; });
  auto c = svc.client();
  const std::string big = json{{"tours", test::synthetic_tours(200, 7)}}.dump();
  ASSERT_GT(big.size(), 64u * 1024);
  auto r = c.Post("/api/v1/schedule", big, "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_NE(body_json(r)["detail"].get<std::string>().find("65536"), std::string::npos);
  auto c2 = svc.client();
  EXPECT_EQ(c2.Get("/api/v1/healthz")->status, 200);
  EXPECT_EQ(metric_value(svc.metrics(), "solver_api_error_total{endpoint=\"/api/v1/schedule\",error_type=\"payload_too_large\"}"), 1);
}

TEST(HttpErrors, BodyOverTheDefaultLimitIs413NamingTheLimit) {
  LiveService svc;
  auto c = svc.client();
  const std::string big = json{{"tours", test::synthetic_tours(19000, 7)}}.dump();  // 133,000 tours
  ASSERT_GT(big.size(), 8u * 1024 * 1024);
  auto r = c.Post("/api/v1/schedule", big, "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_NE(body_json(r)["detail"].get<std::string>().find("8388608 bytes (MAX_BODY_BYTES)"), std::string::npos);
  auto c2 = svc.client();
  EXPECT_EQ(c2.Get("/api/v1/healthz")->status, 200);
}

// 100,000 tours fit in the default body limit as JSON (~6.8 MB): parsed, solved and answered,
// with the process's memory staying bounded.
TEST(HttpScale, HundredThousandToursAreSolvedWithBoundedMemory) {
  LiveService svc;
  auto c = svc.client(300);
  // 4.5 h tours on a 15-minute grid: 100,002 tours of ~400 distinct types.
  const std::string body = json{{"tours", test::synthetic_tours(14286, 7, 7, 270)}, {"time_limit_seconds", 20}}.dump();
  ASSERT_LT(body.size(), 8u * 1024 * 1024);
  const double rss_before = *metric_value(svc.metrics(), "process_resident_memory_bytes");
  auto r = c.Post("/api/v1/schedule", body, "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body.substr(0, 300);
  json plan = body_json(r);
  EXPECT_EQ(plan["kpis"]["tours_total"], 14286 * 7);
  EXPECT_EQ(plan["kpis"]["coverage_rate"], 1.0);
  const double rss_after = *metric_value(svc.metrics(), "process_resident_memory_bytes");
  EXPECT_LT(rss_after - rss_before, 1.5e9) << "RSS grew by " << (rss_after - rss_before) / 1e6 << " MB";
  EXPECT_EQ(c.Get("/api/v1/healthz")->status, 200);
}

// ---------------------------------------------------------------------------------------------
// Auth and CORS

TEST(HttpAuth, BearerTokenOnEverythingButProbes) {
  LiveService svc([](ServerOptions& o) { o.api_token = "s3cret"; });
  auto c = svc.client();
  EXPECT_EQ(c.Get("/api/v1/healthz")->status, 200);
  EXPECT_EQ(c.Get("/api/v1/readyz")->status, 200);
  EXPECT_EQ(c.Get("/api/v1/metrics")->status, 200);
  auto no = c.Get("/api/v1/runs");
  EXPECT_EQ(no->status, 401);
  EXPECT_EQ(no->get_header_value("WWW-Authenticate"), "Bearer");
  EXPECT_EQ(body_json(no)["detail"], "Not authenticated");
  EXPECT_EQ(c.Get("/api/v1/runs", {{"Authorization", "Bearer wrong"}})->status, 401);
  EXPECT_EQ(c.Get("/api/v1/runs", {{"Authorization", "Basic s3cret"}})->status, 401);
  EXPECT_EQ(c.Post("/api/v1/schedule", test::canary_body(), "application/json")->status, 401);
  EXPECT_EQ(c.Get("/api/v1/runs", {{"Authorization", "Bearer s3cret"}})->status, 200);
  EXPECT_EQ(c.Get("/api/v1/constraints", {{"Authorization", "bearer s3cret"}})->status, 200);
  EXPECT_EQ(metric_value(svc.metrics(), "solver_api_error_total{endpoint=\"/api/v1/schedule\",error_type=\"unauthorized\"}"), 1);
}

TEST(HttpWebPage, StaticPageNeedsNoTokenButThePreviewDoes) {
  const std::string root = std::string(SO_SOURCE_DIR) + "/web";
  if (!std::filesystem::exists(root + "/index.html")) GTEST_SKIP() << "no web page in this checkout";
  ::setenv("WEB_ROOT", root.c_str(), 1);
  LiveService svc([](ServerOptions& o) { o.api_token = "s3cret"; });
  ::unsetenv("WEB_ROOT");
  auto c = svc.client();
  auto page = c.Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->get_header_value("Content-Type").rfind("text/html", 0), 0u);
  EXPECT_EQ(c.Get("/web/../CMakeLists.txt")->status, 404);
  const std::string csv = test::synthetic_csv(2, 3, 2);
  EXPECT_EQ(c.Post("/api/v1/forecast/preview", csv, "text/csv")->status, 401);
  auto pre = c.Post("/api/v1/forecast/preview", {{"Authorization", "Bearer s3cret"}}, csv, "text/csv");
  ASSERT_EQ(pre->status, 200) << pre->body.substr(0, 300);
  EXPECT_EQ(body_json(pre)["tours"], 12);
  const std::string text = svc.metrics();
  EXPECT_EQ(metric_value(text, "http_requests_total{method=\"GET\",route=\"/\",status=\"200\"}"), 1);
  EXPECT_EQ(metric_value(text, "http_requests_total{method=\"POST\",route=\"/api/v1/forecast/preview\",status=\"200\"}"), 1);
}

TEST(HttpAuth, NoTokenConfiguredMeansOpen) {
  LiveService svc;
  auto c = svc.client();
  EXPECT_EQ(c.Get("/api/v1/runs")->status, 200);
  EXPECT_EQ(c.Get("/api/v1/runs", {{"Authorization", "Bearer anything"}})->status, 200);
}

TEST(HttpCors, PreflightAndSimpleRequests) {
  LiveService svc([](ServerOptions& o) {
    o.cors_origins = {"https://ops.example", "http://localhost:3000"};
    o.api_token = "t";
  });
  auto c = svc.client();
  auto pre = c.Options("/api/v1/schedule", {{"Origin", "https://ops.example"},
                                            {"Access-Control-Request-Method", "POST"},
                                            {"Access-Control-Request-Headers", "authorization, content-type"}});
  ASSERT_TRUE(pre);
  EXPECT_EQ(pre->status, 204) << "preflight needs no token";
  EXPECT_EQ(pre->get_header_value("Access-Control-Allow-Origin"), "https://ops.example");
  EXPECT_EQ(pre->get_header_value("Access-Control-Allow-Methods"), "OPTIONS, POST");
  EXPECT_EQ(pre->get_header_value("Access-Control-Allow-Headers"),
            "Authorization, Content-Type, X-Request-ID, Last-Event-ID")
      << "the allowed headers are ours, not an echo of what was asked";
  EXPECT_EQ(pre->get_header_value("Vary"), "Origin");

  auto denied = c.Options("/api/v1/schedule", {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(denied->status, 400);
  EXPECT_EQ(denied->get_header_value("Access-Control-Allow-Origin"), "");

  auto simple = c.Get("/api/v1/healthz", {{"Origin", "http://localhost:3000"}});
  EXPECT_EQ(simple->get_header_value("Access-Control-Allow-Origin"), "http://localhost:3000");
  auto other = c.Get("/api/v1/healthz", {{"Origin", "https://evil.example"}});
  EXPECT_EQ(other->get_header_value("Access-Control-Allow-Origin"), "");
  EXPECT_EQ(c.Options("/api/v1/nope", {{"Origin", "https://ops.example"}})->status, 404);
}

TEST(HttpCors, AnyOriginWithATokenAnswersStarAndNeverAllowsNull) {
  LiveService svc([](ServerOptions& o) {
    o.cors_origins = {"*"};
    o.api_token = "t";
  });
  auto c = svc.client();
  auto r = c.Get("/api/v1/runs", {{"Origin", "https://anyone.example"}, {"Authorization", "Bearer t"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Access-Control-Allow-Origin"), "*") << "no origin is echoed";
  auto null_origin = c.Get("/api/v1/healthz", {{"Origin", "null"}});
  EXPECT_EQ(null_origin->get_header_value("Access-Control-Allow-Origin"), "");
  auto pre = c.Options("/api/v1/runs", {{"Origin", "null"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(pre->status, 400);
  auto evil = c.Options("/api/v1/runs", {{"Origin", "https://x.example"},
                                         {"Access-Control-Request-Method", "POST"},
                                         {"Access-Control-Request-Headers", "x-evil, cookie"}});
  EXPECT_EQ(evil->status, 204);
  EXPECT_EQ(evil->get_header_value("Access-Control-Allow-Headers").find("x-evil"), std::string::npos);
}

TEST(HttpAuth, LowercaseBearerSchemeIsAccepted) {
  LiveService svc([](ServerOptions& o) { o.api_token = "s3cret"; });
  auto c = svc.client();
  EXPECT_EQ(c.Get("/api/v1/runs", {{"Authorization", "bearer s3cret"}})->status, 200);
  EXPECT_EQ(c.Get("/api/v1/runs", {{"Authorization", "Bearer s3cre"}})->status, 401);
  EXPECT_EQ(c.Get("/api/v1/runs", {{"Authorization", "Bearer s3cret2"}})->status, 401);
  EXPECT_EQ(c.Get("/api/v1/runs", {{"Authorization", "Basic s3cret"}})->status, 401);
}

TEST(HttpCors, NoOriginsConfiguredMeansNoCorsHeaders) {
  LiveService svc;
  auto c = svc.client();
  auto r = c.Get("/api/v1/healthz", {{"Origin", "https://ops.example"}});
  EXPECT_EQ(r->get_header_value("Access-Control-Allow-Origin"), "");
  auto pre = c.Options("/api/v1/runs", {{"Origin", "https://ops.example"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(pre->status, 400);
}

// ---------------------------------------------------------------------------------------------
// Solving

TEST(HttpSchedule, RunbookCanaryIsDeterministicAndCountedOnce) {
  LiveService svc;
  auto c = svc.client();
  const std::string before = svc.metrics();
  const double runs0 = *metric_value(before, "solver_signature_runs_total");
  const double unique0 = *metric_value(before, "solver_signature_unique_total");
  std::set<std::string> signatures, canonical;
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    auto r = c.Post("/api/v1/schedule", test::canary_body(), "application/json");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body.substr(0, 400);
    json plan = body_json(r);
    EXPECT_EQ(plan["status"], "OK");
    EXPECT_TRUE(std::regex_match(plan["solution_signature"].get<std::string>(), std::regex("sha256:[0-9a-f]{64}")));
    EXPECT_EQ(plan["audit"]["ok"], true);
    EXPECT_EQ(plan["kpis"]["coverage_rate"], 1.0);
    EXPECT_EQ(plan["config"]["effective_hash"], effective_config_hash(SolverConfig{}, Policy{}));
    for (const char* k : {"run_id", "week_start", "drivers", "unassigned_tours", "kpis", "lower_bounds", "timing",
                          "reason_codes", "config"})
      EXPECT_TRUE(plan.contains(k)) << k;
    signatures.insert(plan["solution_signature"]);
    ids.push_back(plan["run_id"]);
    auto can = c.Get(("/api/v1/runs/" + ids.back() + "/report/canonical").c_str());
    ASSERT_EQ(can->status, 200);
    canonical.insert(can->body);
  }
  EXPECT_EQ(signatures.size(), 1u);
  EXPECT_EQ(canonical.size(), 1u) << "canonical report byte-identical";
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 3u);
  const std::string after = svc.metrics();
  EXPECT_EQ(*metric_value(after, "solver_signature_runs_total") - runs0, 3);
  EXPECT_EQ(*metric_value(after, "solver_signature_unique_total") - unique0, 1);
  EXPECT_EQ(metric_value(after, "solver_phase_duration_seconds_count{phase=\"total\"}"), 3);
  EXPECT_EQ(metric_value(after, "solver_budget_overrun_total{phase=\"total\"}"), 0);
  EXPECT_EQ(metric_value(after, "solver_driver_count_count{driver_type=\"total\"}"), 3);
  EXPECT_EQ(metric_value(after, "http_requests_total{method=\"POST\",route=\"/api/v1/schedule\",status=\"200\"}"), 3);
  double raw = 0;
  for (const char* s : {"1er", "2er", "3er"})
    raw += *metric_value(after, std::string("solver_candidates_raw_total{size=\"") + s + "\"}");
  EXPECT_GT(raw, 0);
  // The runs are stored, newest first.
  json list = body_json(c.Get("/api/v1/runs?limit=2"));
  ASSERT_EQ(list["runs"].size(), 2u);
  EXPECT_EQ(list["runs"][0]["run_id"], ids[2]);
  EXPECT_EQ(list["runs"][1]["run_id"], ids[1]);
  EXPECT_EQ(list["runs"][0]["status"], "COMPLETED");
}

TEST(HttpSchedule, SeedAndFlagsReachTheSolveAndTheConfigReport) {
  LiveService svc;
  auto c = svc.client();
  json body = json::parse(test::canary_body());
  body["config_overrides"] = {{"enable_fill_to_target_greedy", true}, {"unknown_knob", 3}, {"pt_ratio_threshold", 9}};
  auto r = c.Post("/api/v1/schedule", body.dump(), "application/json");
  ASSERT_EQ(r->status, 200) << r->body.substr(0, 300);
  json cfg = body_json(r)["config"];
  EXPECT_EQ(cfg["overrides_applied"], json::parse(R"({"enable_fill_to_target_greedy":true,"pt_ratio_threshold":1})"));
  EXPECT_EQ(cfg["overrides_rejected"]["unknown_knob"], "UNKNOWN_FIELD");
  EXPECT_EQ(cfg["overrides_clamped"]["pt_ratio_threshold"], "9 -> 1");
  SolverConfig expect;
  expect.enable_fill_to_target_greedy = true;
  expect.pt_ratio_threshold = 1;
  EXPECT_EQ(cfg["effective_hash"], effective_config_hash(expect, Policy{}));
  // The run's status view carries the same hash and rejected overrides.
  json view = body_json(c.Get(("/api/v1/runs/" + body_json(r)["run_id"].get<std::string>()).c_str()));
  EXPECT_EQ(view["config_effective_hash"], cfg["effective_hash"]);
  EXPECT_EQ(view["config"]["overrides_rejected"]["unknown_knob"], "UNKNOWN_FIELD");
}

TEST(HttpSchedule, EmptyTourListGivesAnEmptyPlan) {
  LiveService svc;
  auto c = svc.client();
  auto r = c.Post("/api/v1/schedule", R"({"tours":[],"week_start":"2030-01-07"})", "application/json");
  ASSERT_EQ(r->status, 200) << r->body;
  json plan = body_json(r);
  EXPECT_EQ(plan["drivers"].size(), 0u);
  EXPECT_EQ(plan["week_start"], "2030-01-07");
}

TEST(HttpRuns, AsyncLifecycleEventsAndDocuments) {
  LiveService svc;
  auto c = svc.client();
  auto created = c.Post("/api/v1/runs", test::canary_body(), "application/json");
  ASSERT_EQ(created->status, 201) << created->body;
  json cb = body_json(created);
  const std::string id = cb["run_id"];
  EXPECT_EQ(cb["status"], "QUEUED");
  EXPECT_EQ(cb["run_url"], "/api/v1/runs/" + id);
  EXPECT_EQ(cb["events_url"], "/api/v1/runs/" + id + "/events");
  EXPECT_EQ(created->get_header_value("Location"), "/api/v1/runs/" + id);

  // The event stream from the start: run_started … run_completed, then it closes.
  std::string stream;
  auto ev = c.Get(("/api/v1/runs/" + id + "/events").c_str(), kNoHeaders, [&](const char* d, size_t n) {
    stream.append(d, n);
    return true;
  });
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->status, 200);
  EXPECT_EQ(ev->get_header_value("Content-Type"), "text/event-stream");
  std::regex frame("id: (\\d+)\nevent: ([a-z_]+)\ndata: ([^\n]*)\n\n");
  std::vector<std::pair<long, std::string>> frames;
  json started;
  for (auto it = std::sregex_iterator(stream.begin(), stream.end(), frame); it != std::sregex_iterator(); ++it) {
    frames.emplace_back(std::stol((*it)[1]), (*it)[2]);
    if ((*it)[2] == "run_started") started = json::parse((*it)[3].str());
  }
  ASSERT_GE(frames.size(), 2u) << stream;
  EXPECT_EQ(frames.front().second, "run_started");
  EXPECT_EQ(frames.back().second, "run_completed");
  for (size_t i = 1; i < frames.size(); ++i) EXPECT_EQ(frames[i].first, frames[i - 1].first + 1);
  EXPECT_EQ(started["config_effective_hash"], effective_config_hash(SolverConfig{}, Policy{}));
  std::set<std::string> names;
  for (const auto& f : frames) names.insert(f.second);
  EXPECT_TRUE(names.count("phase_started")) << stream;

  // Resume after the first event: everything but it.
  std::string rest;
  c.Get(("/api/v1/runs/" + id + "/events").c_str(), {{"Last-Event-ID", "1"}}, [&](const char* d, size_t n) {
    rest.append(d, n);
    return true;
  });
  EXPECT_EQ(rest.find("event: run_started"), std::string::npos);
  EXPECT_EQ(rest.rfind("id: 2\n", 0), 0u) << rest.substr(0, 100);
  EXPECT_NE(rest.find("event: run_completed"), std::string::npos);

  json view = body_json(c.Get(("/api/v1/runs/" + id).c_str()));
  EXPECT_EQ(view["status"], "COMPLETED");
  EXPECT_EQ(view["result"]["plan_status"], "OK");
  EXPECT_TRUE(view["budget"]["slices_s"].contains("phase1"));
  EXPECT_GT(view["progress"]["best_drivers"].get<int>(), 0);

  auto plan = c.Get(("/api/v1/runs/" + id + "/plan").c_str());
  ASSERT_EQ(plan->status, 200);
  EXPECT_EQ(body_json(plan)["run_id"], id);
  EXPECT_EQ(body_json(plan)["solution_signature"], view["result"]["solution_signature"]);
  auto report = c.Get(("/api/v1/runs/" + id + "/report").c_str());
  ASSERT_EQ(report->status, 200);
  EXPECT_TRUE(body_json(report).contains("stats"));
  EXPECT_EQ(body_json(report)["seed"], 42);
  auto canon = c.Get(("/api/v1/runs/" + id + "/report/canonical").c_str());
  ASSERT_EQ(canon->status, 200);
  EXPECT_EQ(canon->body.find(id), std::string::npos) << "no run id in the canonical report";
  auto roster = c.Get(("/api/v1/runs/" + id + "/export/roster.csv").c_str());
  ASSERT_EQ(roster->status, 200);
  EXPECT_EQ(roster->get_header_value("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_EQ(roster->body.rfind("\xEF\xBB\xBF" "Fahrer;Montag;Dienstag", 0), 0u);
  auto tours = c.Get(("/api/v1/runs/" + id + "/export/tours.csv").c_str());
  ASSERT_EQ(tours->status, 200);
  EXPECT_EQ(tours->body.rfind("driver;day;block_id;block_type;tour_id;start;end", 0), 0u);
  EXPECT_EQ(std::count(tours->body.begin(), tours->body.end(), '\n'), 1 + 48);

  // Finished runs cannot be cancelled.
  EXPECT_EQ(c.Post(("/api/v1/runs/" + id + "/cancel").c_str(), "", "application/json")->status, 409);
}

TEST(HttpRuns, ListFiltersAndValidatesQuery) {
  LiveService svc;
  auto c = svc.client();
  EXPECT_EQ(c.Post("/api/v1/schedule", R"({"tours":[]})", "application/json")->status, 200);
  EXPECT_EQ(body_json(c.Get("/api/v1/runs?status=completed"))["runs"].size(), 1u);
  EXPECT_EQ(body_json(c.Get("/api/v1/runs?status=FAILED"))["runs"].size(), 0u);
  auto bad = c.Get("/api/v1/runs?limit=0&status=DONE");
  EXPECT_EQ(bad->status, 422);
  EXPECT_EQ(body_json(bad)["detail"].size(), 2u);
  EXPECT_EQ(c.Get("/api/v1/runs?limit=abc")->status, 422);
}

TEST(HttpRuns, CancelStopsALongRunWithinOneSecond) {
  LiveService svc;
  auto c = svc.client();
  auto created = c.Post("/api/v1/runs", long_run_body(120), "application/json");
  ASSERT_EQ(created->status, 201);
  const std::string id = body_json(created)["run_id"];
  ASSERT_TRUE(wait_optimising(c, id, 20s)) << "the run should be busy optimising";
  const auto t0 = std::chrono::steady_clock::now();
  auto cancel = c.Post(("/api/v1/runs/" + id + "/cancel").c_str(), "", "application/json");
  ASSERT_TRUE(cancel);
  EXPECT_EQ(test::wait_status(c, id, {"CANCELLED", "COMPLETED", "FAILED"}, 5s), "CANCELLED");
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(took, 1.0) << "cancel took " << took << " s";
  EXPECT_EQ(cancel->status, 200);
  json view = body_json(c.Get(("/api/v1/runs/" + id).c_str()));
  EXPECT_EQ(view["reason"], "CANCELLED_BY_CLIENT");
  // The best plan found so far is kept.
  auto plan = c.Get(("/api/v1/runs/" + id + "/plan").c_str());
  EXPECT_EQ(plan->status, 200) << plan->body.substr(0, 200);
  if (plan->status == 200) {
    EXPECT_EQ(body_json(plan)["status"], "CANCELLED");
  }
  // Cancelled runs are not finished solves.
  EXPECT_EQ(metric_value(svc.metrics(), "solver_signature_runs_total"), 0);
}

TEST(HttpConcurrency, FiftyClientsGetAPlanOr429NeverAHangOr500) {
  LiveService svc([](ServerOptions& o) {
    o.max_concurrent_runs = 1;
    o.max_queued_runs = 4;
  });
  std::vector<std::future<int>> results;
  std::atomic<int> retry_after_ok{0};
  for (int i = 0; i < 50; ++i) {
    results.push_back(std::async(std::launch::async, [&svc, &retry_after_ok, i] {
      auto c = svc.client(120);
      json body = json::parse(test::canary_body());
      body["seed"] = i % 3;
      auto r = c.Post("/api/v1/schedule", body.dump(), "application/json");
      if (!r) return -100 - static_cast<int>(r.error());
      if (r->status == 429 && std::stoi(r->get_header_value("Retry-After", 0)) >= 1) ++retry_after_ok;
      return r->status;
    }));
  }
  int ok = 0, busy = 0;
  for (auto& f : results) {
    ASSERT_EQ(f.wait_for(150s), std::future_status::ready) << "a client hung";
    const int s = f.get();
    EXPECT_TRUE(s == 200 || s == 429) << s;
    ok += s == 200;
    busy += s == 429;
  }
  EXPECT_GE(ok, 5);
  EXPECT_GE(busy, 1);
  EXPECT_EQ(retry_after_ok.load(), busy);
  const std::string text = svc.metrics();
  EXPECT_EQ(metric_value(text, "solver_signature_runs_total"), ok);
  EXPECT_GE(*metric_value(text, "solver_signature_unique_total"), 1);
  EXPECT_LE(*metric_value(text, "solver_signature_unique_total"), 3) << "three seeds, deterministic plans";
  EXPECT_EQ(metric_value(text, "solver_api_error_total{endpoint=\"/api/v1/schedule\",error_type=\"queue_full\"}"), busy);
  EXPECT_EQ(metric_value(text, "solver_runs_in_flight"), 0);
  EXPECT_EQ(metric_value(text, "solver_runs_queued"), 0);
}

TEST(HttpShutdown, DrainAnswers503ToNewRunsAndFinishesTheRunningOne) {
  test::TempDir dir;
  std::string id;
  {
    LiveService svc([](ServerOptions& o) { o.shutdown_grace_seconds = 30; }, {}, dir.str());
    auto c = svc.client();
    auto created = c.Post("/api/v1/runs", long_run_body(3), "application/json");
    ASSERT_EQ(created->status, 201);
    id = body_json(created)["run_id"];
    ASSERT_EQ(test::wait_status(c, id, {"RUNNING"}, 10s), "RUNNING");
    svc.service->request_shutdown();
    auto ready = c.Get("/api/v1/readyz");
    EXPECT_EQ(ready->status, 503);
    EXPECT_EQ(body_json(ready)["status"], "not_ready");
    EXPECT_EQ(c.Post("/api/v1/runs", test::canary_body(), "application/json")->status, 503);
    EXPECT_EQ(c.Post("/api/v1/schedule", test::canary_body(), "application/json")->status, 503);
    EXPECT_EQ(c.Get("/api/v1/healthz")->status, 200);
    EXPECT_EQ(metric_value(svc.metrics(), "solver_api_error_total{endpoint=\"/api/v1/runs\",error_type=\"unavailable\"}"), 1);
    EXPECT_EQ(svc.service->wait(), 0);
  }
  // The grace was long enough: the run finished within its own budget, and is stored.
  LiveService again({}, {}, dir.str());
  auto c2 = again.client();
  json view = body_json(c2.Get(("/api/v1/runs/" + id).c_str()));
  EXPECT_EQ(view["status"], "COMPLETED") << view.dump();
}

TEST(HttpRestart, FinishedRunsSurviveARestart) {
  test::TempDir dir;
  std::string id, plan;
  {
    LiveService svc({}, {}, dir.str());
    auto c = svc.client();
    auto r = c.Post("/api/v1/schedule", test::canary_body(), "application/json");
    ASSERT_EQ(r->status, 200);
    id = body_json(r)["run_id"];
    plan = c.Get(("/api/v1/runs/" + id + "/plan").c_str())->body;
  }
  LiveService svc({}, {}, dir.str());
  auto c = svc.client();
  auto v = c.Get(("/api/v1/runs/" + id).c_str());
  ASSERT_EQ(v->status, 200);
  EXPECT_EQ(body_json(v)["status"], "COMPLETED");
  EXPECT_EQ(c.Get(("/api/v1/runs/" + id + "/plan").c_str())->body, plan);
  std::string events;
  c.Get(("/api/v1/runs/" + id + "/events").c_str(), kNoHeaders, [&](const char* d, size_t n) {
    events.append(d, n);
    return true;
  });
  EXPECT_EQ(events.rfind("id: 1\nevent: run_started\n", 0), 0u);
  EXPECT_NE(events.find("event: run_completed"), std::string::npos);
}

}  // namespace
}  // namespace so
