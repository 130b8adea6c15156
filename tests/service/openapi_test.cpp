// The OpenAPI document (issue 15): served as it is in the repository, with no token; each of
// its operations is a route of the service; and the check that every service test runs on every
// answer (test_options installs it) really catches an answer that breaks the document.
#include <gtest/gtest.h>
#include <gtest/gtest-spi.h>
#include <httplib.h>

#include "service/openapi.hpp"
#include "service/openapi_check.hpp"
#include "service_test_util.hpp"

namespace so {
namespace {

using json = nlohmann::json;
using test::LiveService;
using test::openapi_mismatch;

TEST(OpenApi, TheDocumentIsServedWithoutATokenAsItIsInTheRepository) {
  LiveService svc([](ServerOptions& o) { o.api_token = "s3cret"; });
  auto c = svc.client(10);
  auto r = c.Get("/api/v1/openapi.json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
  const json doc = json::parse(r->body);
  EXPECT_EQ(doc, json::parse(openapi_document()));
  EXPECT_EQ(doc["openapi"], "3.1.0");
  EXPECT_TRUE(doc["components"]["securitySchemes"].contains("bearer"));
  EXPECT_EQ(c.Get("/api/v1/runs")->status, 401) << "the other routes still need the token";
}

// Each documented operation is routed: a request to it is never 404 "Not Found" for the path or
// 405 for the method.
TEST(OpenApi, EveryDocumentedOperationIsARouteOfTheService) {
  LiveService svc;
  auto c = svc.client(10);
  const json doc = json::parse(openapi_document());
  int checked = 0;
  for (const auto& [tmpl, item] : doc["paths"].items()) {
    std::string path = tmpl;
    for (const char* p : {"{id}", "{tour_id}", "{driver_id}"})
      if (auto at = path.find(p); at != std::string::npos) path.replace(at, std::string(p).size(), "x1");
    for (const auto& [method, op] : item.items()) {
      if (tmpl == "/api/v1/docs") continue;  // a page of the web root (web_routes_test, tests/web/e2e.mjs)
      httplib::Request req;
      req.method = method == "get" ? "GET" : method == "post" ? "POST" : "DELETE";
      req.path = path;
      if (req.method == "POST") req.set_header("Content-Type", "application/json"), req.body = "{}";
      auto r = c.send(req);
      ASSERT_TRUE(r) << method << " " << path;
      EXPECT_NE(r->status, 405) << method << " " << path;
      EXPECT_FALSE(r->status == 404 && r->body == R"({"detail":"Not Found"})") << method << " " << path;
      ++checked;
    }
  }
  EXPECT_GE(checked, 27);
}

TEST(OpenApi, AnAnswerThatBreaksTheDocumentIsCaught) {
  LiveService svc;
  auto c = svc.client(10);
  auto r = c.Get("/api/v1/readyz");
  ASSERT_TRUE(r);
  const std::string ct = r->get_header_value("Content-Type");
  EXPECT_EQ(openapi_mismatch("GET", "/api/v1/readyz", r->status, ct, r->body), "") << "the real answer matches";

  json broken = json::parse(r->body);
  broken.erase("runs");
  EXPECT_NE(openapi_mismatch("GET", "/api/v1/readyz", 200, ct, broken.dump()).find("runs"), std::string::npos);
  broken = json::parse(r->body);
  broken["runs"]["running"] = "one";
  EXPECT_NE(openapi_mismatch("GET", "/api/v1/readyz", 200, ct, broken.dump()), "") << "a wrong type";
  broken = json::parse(r->body);
  broken["status"] = "sleepy";
  EXPECT_NE(openapi_mismatch("GET", "/api/v1/readyz", 200, ct, broken.dump()), "") << "a value outside the enum";
  EXPECT_NE(openapi_mismatch("GET", "/api/v1/readyz", 418, ct, r->body), "") << "an undocumented status";
  EXPECT_NE(openapi_mismatch("GET", "/api/v1/readyz", 200, "text/html", r->body), "") << "an undocumented media type";
  EXPECT_NE(openapi_mismatch("GET", "/api/v1/nowhere", 200, ct, r->body), "") << "an undocumented path";
  EXPECT_NE(openapi_mismatch("PUT", "/api/v1/readyz", 200, ct, r->body), "") << "an undocumented method";
  EXPECT_NE(openapi_mismatch("GET", "/api/v1/runs/x1", 404, ct, R"({"detail":["not a string"]})"), "");
  EXPECT_EQ(openapi_mismatch("GET", "/api/v1/runs/x1", 404, ct, R"({"detail":"run 'x1' not found"})"), "");
  EXPECT_EQ(openapi_mismatch("GET", "/api/v1/runs/compare", 422, ct,
                             R"({"detail":[{"loc":["query","a"],"msg":"field required","type":"value_error.missing"}]})"),
            "") << "/runs/compare is its own path, not /runs/{id}";
}

// The hook the service tests run fails the running test, naming the route and the problem.
TEST(OpenApi, TheServiceTestHookFailsTheTestOnAMismatch) {
  static httplib::Request req;
  static httplib::Response res;
  req.method = "GET";
  req.path = "/api/v1/healthz";
  res.status = 200;
  res.set_content(R"({"status":"alive"})", "application/json");  // no version
  EXPECT_NONFATAL_FAILURE(test::check_against_openapi(req, res), "GET /api/v1/healthz -> 200");
  res.set_content(R"({"status":"alive","version":"0.1.0"})", "application/json");
  test::check_against_openapi(req, res);  // passes
}

}  // namespace
}  // namespace so
