// Hostile JSON bodies against a live service on loopback (issue 12 items 4, 8, 10): an overflowing
// number was an HTTP 500; every JSON route now answers 422 naming the field, deep nesting 422,
// control characters in ids 422, an XLSX uploaded as a forecast 422 saying so.
#include <gtest/gtest.h>

#include <thread>

#include "service_test_util.hpp"

namespace so {
namespace {

using json = nlohmann::json;
using test::LiveService;

struct Answer {
  int status = 0;
  json body;
};

Answer post(httplib::Client& c, const std::string& path, const std::string& body,
            const std::string& type = "application/json") {
  auto r = c.Post(path.c_str(), body, type.c_str());
  if (!r) return {};
  return {r->status, json::parse(r->body, nullptr, false)};
}

std::string tours_json() { return test::synthetic_tours(2, 1).dump(); }

TEST(HostileJsonApi, OverflowingNumbersAre422NamingTheFieldOnEveryJsonRoute) {
  LiveService svc;
  httplib::Client c = svc.client();
  const std::string tours = tours_json();
  // A finished run for the dispatcher routes.
  Answer created = post(c, "/api/v1/runs", "{\"tours\":" + tours + ",\"time_limit_seconds\":2}");
  ASSERT_EQ(created.status, 201) << created.body.dump();
  const std::string id = created.body["run_id"];
  for (int i = 0; i < 300; ++i) {
    auto r = c.Get(("/api/v1/runs/" + id).c_str());
    if (r && json::parse(r->body)["status"] == "COMPLETED") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  struct Case {
    std::string path, body;
    json loc;
  };
  const std::vector<Case> cases = {
      {"/api/v1/schedule", "{\"tours\":" + tours + ",\"seed\": 1e400}", json::array({"body", "seed"})},
      {"/api/v1/runs", "{\"tours\":" + tours + ",\"time_limit_seconds\": 1e309}", json::array({"body", "time_limit_seconds"})},
      {"/api/v1/diagnostics", "{\"tours\":" + tours + ",\"drivers\":[{\"id\":\"D1\",\"max_weekly_hours\":-1e999}]}",
       json::array({"body", "drivers", 0, "max_weekly_hours"})},
      {"/api/v1/replan", "{\"base_run_id\":\"" + id + "\",\"frozen_until\":{\"day\":\"Mon\",\"time\":\"00:00\"},\"seed\":1e400}",
       json::array({"body", "seed"})},
      {"/api/v1/runs/" + id + "/check", "{\"moves\":[{\"tour_id\":\"T0001\",\"to_driver\":1e400}]}",
       json::array({"body", "moves", 0, "to_driver"})},
      {"/api/v1/runs/" + id + "/publish", "{\"scope\": 1e400}", json::array({"body", "scope"})},
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(k.path);
    Answer a = post(c, k.path, k.body);
    EXPECT_EQ(a.status, 422) << a.body.dump();
    ASSERT_TRUE(a.body.contains("detail")) << a.body.dump();
    EXPECT_EQ(a.body["detail"][0]["loc"], k.loc) << a.body.dump();
    EXPECT_EQ(a.body["detail"][0]["type"], "value_error.number.overflow") << a.body.dump();
  }
  // Nothing of it was stored: the one run is still the only one.
  auto list = c.Get("/api/v1/runs");
  ASSERT_TRUE(list);
  EXPECT_EQ(json::parse(list->body)["count"], 1) << list->body;
}

TEST(HostileJsonApi, DeepNestingControlCharactersAndSpreadsheets) {
  LiveService svc;
  httplib::Client c = svc.client();
  const std::string deep = "{\"tours\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  for (const char* path : {"/api/v1/schedule", "/api/v1/diagnostics", "/api/v1/replan"}) {
    SCOPED_TRACE(path);
    Answer a = post(c, path, deep);
    EXPECT_EQ(a.status, 422) << a.body.dump();
    EXPECT_EQ(a.body["detail"][0]["type"], "value_error.json_too_deep") << a.body.dump();
  }
  Answer preview = post(c, "/api/v1/forecast/preview", deep);
  EXPECT_EQ(preview.status, 422) << preview.body.dump();
  EXPECT_NE(preview.body.dump().find("nested too deeply"), std::string::npos) << preview.body.dump();

  const std::string nul_id =
      R"({"tours":[{"id":"T\u00001","day":"Mon","start_time":"08:00","end_time":"12:00"}],"time_limit_seconds":1})";
  Answer a = post(c, "/api/v1/schedule", nul_id);
  EXPECT_EQ(a.status, 422) << a.body.dump();
  EXPECT_EQ(a.body["detail"][0]["loc"], json::array({"body", "tours", 0, "id"})) << a.body.dump();
  EXPECT_NE(a.body["detail"][0]["msg"].get<std::string>().find("T\\x001"), std::string::npos) << a.body.dump();

  const std::string xlsx = std::string("PK\x03\x04\x14\x00\x06\x00", 8) + std::string(300, '\0');
  Answer x = post(c, "/api/v1/forecast/preview", xlsx, "text/csv");
  EXPECT_EQ(x.status, 422) << x.body.dump();
  EXPECT_NE(x.body.dump().find("Excel"), std::string::npos) << x.body.dump();
  Answer s = post(c, "/api/v1/schedule", xlsx, "text/csv");
  EXPECT_EQ(s.status, 422) << s.body.dump();
  EXPECT_NE(s.body.dump().find("Save As > CSV UTF-8"), std::string::npos) << s.body.dump();
}

}  // namespace
}  // namespace so
