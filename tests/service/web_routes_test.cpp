// The web page's server side (service/web_routes): the forecast preview the page shows before a
// run (and whose tours_json it submits), static file resolution without traversal, content
// types, the web root lookup, and route registration ahead of a catch-all handler.
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "io/forecast.hpp"
#include "io/drivers.hpp"
#include "service/web_routes.hpp"

namespace so {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "so-web-test-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = fs::canonical(pattern);
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  void write(const std::string& rel, const std::string& content) const {
    fs::create_directories((path_ / rel).parent_path());
    std::ofstream(path_ / rel, std::ios::binary) << content;
  }

 private:
  fs::path path_;
};

// ---- preview ------------------------------------------------------------------------------------

const char* kVertical =
    "Montag;Anzahl\n"
    "04:45-09:15;2\n"
    "09:45-14:15;1\n"
    ";\n"
    "Donnerstag;Anzahl\n"
    "Feiertag;0\n"
    ";\n"
    "Freitag;Anzahl\n"
    "22:00-02:30;1\n";

TEST(ForecastPreview, VerticalCsvPerDayWarningsAndApiTours) {
  const json p = forecast_preview_json(kVertical, "text/csv; charset=utf-8");
  EXPECT_EQ(p["format"], "csv-long");
  EXPECT_EQ(p["tours"], 4);
  EXPECT_DOUBLE_EQ(p["total_hours"].get<double>(), 18.0);
  ASSERT_EQ(p["per_day"].size(), 7u);  // every day, so the page can show the empty ones
  EXPECT_EQ(p["per_day"][0], json({{"day", "Mon"}, {"tours", 3}, {"hours", 13.5}, {"first_start", "04:45"},
                                   {"last_end", "14:15"}, {"last_end_next_day", false}}));
  EXPECT_EQ(p["per_day"][3]["tours"], 0);
  EXPECT_TRUE(p["per_day"][3]["first_start"].is_null());
  EXPECT_EQ(p["per_day"][4]["last_end"], "02:30");
  EXPECT_EQ(p["per_day"][4]["last_end_next_day"], true);
  ASSERT_EQ(p["warnings"].size(), 1u);
  EXPECT_EQ(p["warnings"][0]["line"], 6);  // the Feiertag row
  EXPECT_EQ(p["locations"], json::array({"DEFAULT"}));
  ASSERT_EQ(p["tours_json"].size(), 4u);
  EXPECT_EQ(p["tours_json"][0], json({{"id", "T0001"}, {"day", "Mon"}, {"start_time", "04:45"}, {"end_time", "09:15"}}));
  EXPECT_EQ(p["tours_json"][3], json({{"id", "T0004"}, {"day", "Fri"}, {"start_time", "22:00"}, {"end_time", "02:30"}}));
}

TEST(ForecastPreview, ToursJsonIsExactlyWhatTheRunEndpointReadsBack) {
  // The page submits tours_json as the run body's "tours": it must mean the same tours.
  const std::string input = R"({"tours":[
      {"id":"A","day":"Sat","start_time":"05:00","end_time":"09:30","location":"Nord","required_qualifications":["ADR"]},
      {"id":"B","day":"Sun","start_time":"21:00","end_time":"01:00"},
      {"id":"C","day":"Mon","start_time":"06:15","end_time":"10:45","count":2}]})";
  const json p = forecast_preview_json(input, "application/json");
  EXPECT_EQ(p["format"], "json");
  const Forecast direct = parse_forecast(input, "x.json");
  std::vector<JsonProblem> problems;
  const std::vector<Tour> back = tours_from_json(p["tours_json"], problems);
  ASSERT_TRUE(problems.empty()) << problems.front().msg;
  ASSERT_EQ(back.size(), direct.tours.size());
  for (size_t i = 0; i < back.size(); ++i) {
    EXPECT_EQ(back[i].id, direct.tours[i].id);
    EXPECT_EQ(back[i].day, direct.tours[i].day);
    EXPECT_EQ(back[i].start, direct.tours[i].start);
    EXPECT_EQ(back[i].end, direct.tours[i].end);
    EXPECT_EQ(back[i].location, direct.tours[i].location);
    EXPECT_EQ(back[i].required_qualifications, direct.tours[i].required_qualifications);
  }
  EXPECT_EQ(p["locations"], json::array({"DEFAULT", "Nord"}));
  EXPECT_EQ(p["per_day"][6]["last_end_next_day"], true);
}

TEST(ForecastPreview, WideCsvIsDetected) {
  const json p = forecast_preview_json("Montag;Anzahl;Dienstag;Anzahl\n04:45-09:15;2;05:00-09:30;1\n", "text/csv");
  EXPECT_EQ(p["format"], "csv-wide");
  EXPECT_EQ(p["per_day"][0]["tours"], 2);
  EXPECT_EQ(p["per_day"][1]["tours"], 1);
}

TEST(ForecastPreviewAnswer, LineErrorIs422WithTheLine) {
  const PreviewAnswer a = forecast_preview_answer("Montag;Anzahl\n04:45-09:15;6\n25:00-09:30;2\n", "text/csv");
  EXPECT_EQ(a.status, 422);
  ASSERT_TRUE(a.body["detail"].is_array());
  EXPECT_EQ(a.body["detail"][0]["loc"], json::array({"body", "line", 3}));
  const std::string msg = a.body["detail"][0]["msg"];
  EXPECT_NE(msg.find(":3:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("25:00-09:30"), std::string::npos) << msg;
}

TEST(ForecastPreviewAnswer, JsonErrorIs422WithItsPath) {
  const PreviewAnswer a =
      forecast_preview_answer(R"({"tours":[{"id":"A","day":"Mon","start_time":"25:00","end_time":"09:00"}]})", "application/json");
  EXPECT_EQ(a.status, 422);
  EXPECT_EQ(a.body["detail"][0]["loc"], json::array({"body", "tours", 0, "start_time"})) << a.body.dump();
}

TEST(ForecastPreviewAnswer, WholeFileProblemsAre400) {
  const PreviewAnswer empty = forecast_preview_answer("  \n", "text/csv");
  EXPECT_EQ(empty.status, 400);
  EXPECT_NE(empty.body["detail"].get<std::string>().find("empty"), std::string::npos) << empty.body.dump();
  const PreviewAnswer utf16 = forecast_preview_answer(std::string("\xFF\xFEM\0o\0", 6), "text/csv");
  EXPECT_EQ(utf16.status, 400);
  EXPECT_NE(utf16.body["detail"].get<std::string>().find("UTF-16"), std::string::npos) << utf16.body.dump();
}

TEST(ForecastPreviewAnswer, DuplicateIdsNameBothItems) {
  const PreviewAnswer dup = forecast_preview_answer(
      R"({"tours":[{"id":"T1","day":"Mon","start_time":"05:00","end_time":"09:00"},
                   {"id":"T1","day":"Tue","start_time":"05:00","end_time":"09:00"}]})", "application/json");
  EXPECT_EQ(dup.status, 422);
  EXPECT_EQ(dup.body["detail"][0]["loc"], json::array({"body", "tours", 1, "id"})) << dup.body.dump();
  const std::string msg = dup.body["detail"][0]["msg"];
  EXPECT_NE(msg.find("duplicate tour id 'T1'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("tours[0]"), std::string::npos) << msg;
}

TEST(ForecastPreviewAnswer, MediaTypes) {
  EXPECT_EQ(forecast_preview_answer(kVertical, "image/png").status, 415);
  EXPECT_EQ(forecast_preview_answer(kVertical, "multipart/form-data; boundary=x").status, 415);
  EXPECT_EQ(forecast_preview_answer(kVertical, "").status, 200);                          // detected from content
  EXPECT_EQ(forecast_preview_answer(kVertical, "application/vnd.ms-excel").status, 200);  // a .csv on Windows
  EXPECT_EQ(forecast_preview_answer(kVertical, "TEXT/CSV ; charset=UTF-8").status, 200);
  EXPECT_THROW(forecast_preview_json(kVertical, "image/png"), UnsupportedMediaType);
  EXPECT_EQ(forecast_preview_answer(kVertical, "text/csv").body["tours"], 4);
}

// ---- static files -------------------------------------------------------------------------------

struct WebRootFixture : ::testing::Test {
  ScratchDir root, outside;
  void SetUp() override {
    root.write("index.html", "<!doctype html><title>x</title>");
    root.write("js/app.js", "export const x = 1;");
    root.write(".secret", "no");
    root.write("js/.env", "no");
    outside.write("passwd", "no");
    fs::create_symlink(outside.path() / "passwd", root.path() / "js" / "link.js");
    fs::create_symlink(root.path() / "js" / "app.js", root.path() / "js" / "inner.js");
  }
  std::optional<fs::path> at(std::string_view url) { return resolve_web_path(root.path().string(), url); }
};

TEST_F(WebRootFixture, PageUrlsMapIntoTheRoot) {
  EXPECT_EQ(at("/"), root.path() / "index.html");
  EXPECT_EQ(at("/index.html"), root.path() / "index.html");
  EXPECT_EQ(at("/web/js/app.js"), root.path() / "js" / "app.js");
  EXPECT_EQ(at("/web/index.html"), root.path() / "index.html");
  EXPECT_EQ(at("/web/js/inner.js"), root.path() / "js" / "app.js");  // a link inside the root is fine
}

TEST_F(WebRootFixture, EverythingElseIsRefused) {
  for (const char* url : {"/web/../x", "/web/js/../../x", "/web/./js/app.js", "/web/.secret", "/web/js/.env", "/web/",
                          "/web//js/app.js", "/web/js", "/web/js/", "/web/js/missing.js", "/web/js/link.js",
                          "/web/js/app.js/", "/web/js\\app.js", "/web/js/app.js%00", "/api/v1/healthz", "/other.html",
                          "", "web/js/app.js"})
    EXPECT_FALSE(at(url).has_value()) << url;
  EXPECT_FALSE(resolve_web_path((root.path() / "nope").string(), "/").has_value());
  EXPECT_FALSE(resolve_web_path("", "/").has_value());
}

TEST(WebContentType, ByExtension) {
  EXPECT_EQ(web_content_type("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(web_content_type("app.js"), "text/javascript; charset=utf-8");  // module scripts need a JS type
  EXPECT_EQ(web_content_type("APP.CSS"), "text/css; charset=utf-8");
  EXPECT_EQ(web_content_type("favicon.svg"), "image/svg+xml");
  EXPECT_EQ(web_content_type("data.bin"), "application/octet-stream");
  EXPECT_EQ(web_content_type("js"), "application/octet-stream");
}

struct EnvGuard {
  std::optional<std::string> saved;
  fs::path cwd = fs::current_path();
  EnvGuard() {
    if (const char* v = std::getenv("WEB_ROOT")) saved = v;
  }
  ~EnvGuard() {
    if (saved) ::setenv("WEB_ROOT", saved->c_str(), 1);
    else ::unsetenv("WEB_ROOT");
    fs::current_path(cwd);
  }
};

TEST(FindWebRoot, EnvironmentFirstThenAFolderWithAnIndex) {
  EnvGuard guard;
  ::setenv("WEB_ROOT", "/srv/page", 1);
  EXPECT_EQ(find_web_root(), "/srv/page");
  ::unsetenv("WEB_ROOT");
  ScratchDir work;
  work.write("web/index.html", "<!doctype html>");
  fs::current_path(work.path());
  const std::string found = find_web_root();
  EXPECT_TRUE(fs::exists(fs::path(found) / "index.html")) << found;
}

TEST(RegisterWebRoutes, ServedAheadOfACatchAll) {
  ScratchDir root;
  root.write("index.html", "<!doctype html><p>Schichtplanung</p>");
  root.write("js/app.js", "export const x = 1;");
  httplib::Server server;
  register_web_routes(server, root.path().string());
  server.Get(".*", [](const httplib::Request&, httplib::Response& res) {
    res.status = 418;
    res.set_content("api", "text/plain");
  });
  const int port = server.bind_to_any_port("127.0.0.1");
  ASSERT_GT(port, 0);
  std::thread listener([&] { server.listen_after_bind(); });
  while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  httplib::Client client("127.0.0.1", port);
  auto page = client.Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(page->get_header_value("Content-Security-Policy").find("default-src 'self'"), std::string::npos);
  EXPECT_NE(page->body.find("Schichtplanung"), std::string::npos);
  auto js = client.Get("/web/js/app.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->status, 200);
  EXPECT_EQ(js->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(js->get_header_value("X-Content-Type-Options"), "nosniff");
  auto missing = client.Get("/web/js/none.js");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->body, R"({"detail":"Not Found"})");
  auto head = client.Head("/web/js/app.js");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  auto api = client.Get("/api/v1/healthz");
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 418);  // not swallowed by the page routes
  server.stop();
  listener.join();
}

// ---- POST /api/v1/drivers/preview ---------------------------------------------------------

TEST(DriversPreview, CsvPoolSummaryAndApiDrivers) {
  const std::string csv =
      "id;name;qualifications;available_days;max_weekly_hours\n"
      "F1;Anna;ADR|Kuehl;;40\n"
      "F2;Bernd;ADR;Mon|Tue|Wed|Thu|Fri;\n"
      "F3;Carla;;;\n";
  const PreviewAnswer a = drivers_preview_answer(csv, "text/csv");
  ASSERT_EQ(a.status, 200) << a.body.dump();
  EXPECT_EQ(a.body["drivers"], 3);
  EXPECT_EQ(a.body["qualifications"], json::parse(R"([{"name":"ADR","drivers":2},{"name":"Kuehl","drivers":1}])"));
  EXPECT_EQ(a.body["available_per_day"][5], json::parse(R"({"day":"Sat","drivers":2})"));  // Bernd is off
  EXPECT_EQ(a.body["available_per_day"][0]["drivers"], 3);
  EXPECT_EQ(a.body["with_limits"], 1);  // Anna's weekly cap (days off are counted per day above)
  ASSERT_EQ(a.body["drivers_json"].size(), 3u);
  // What the page sends back as the run's "drivers" must read back to the same pool.
  std::vector<JsonProblem> problems;
  const std::vector<Driver> again = drivers_from_json(a.body["drivers_json"], problems);
  EXPECT_TRUE(problems.empty());
  EXPECT_EQ(again, parse_drivers(csv, "x"));
}

TEST(DriversPreview, JsonFileWithLocks) {
  const PreviewAnswer a = drivers_preview_answer(
      R"({"drivers":[{"id":"F1","name":"Anna"}],"locks":[{"driver_id":"F1","tour_ids":["T0001"]}]})", "application/json");
  ASSERT_EQ(a.status, 200) << a.body.dump();
  EXPECT_EQ(a.body["locks"], 1);
  EXPECT_EQ(a.body["locks_json"], json::parse(R"([{"driver_id":"F1","tour_ids":["T0001"]}])"));
  EXPECT_TRUE(a.body["previous_json"].is_null());
}

// Issue 11: a previous_plan inside the drivers file was silently dropped; the preview now hands
// it back so the page sends it with the run.
TEST(DriversPreview, JsonFileWithPreviousPlan) {
  const PreviewAnswer a = drivers_preview_answer(
      R"({"drivers":[{"id":"F1"},{"id":"F2"}],
          "previous_plan":{"drivers":[{"driver_id":"F2","blocks":[{"day":"Mon","tours":[{"id":"T0001"},{"id":"T0002"}]}]}]}})",
      "application/json");
  ASSERT_EQ(a.status, 200) << a.body.dump();
  EXPECT_EQ(a.body["previous_assignments"], 2);
  EXPECT_EQ(a.body["previous_json"],
            json::parse(R"({"assignments":[{"driver_id":"F2","tour_id":"T0001"},{"driver_id":"F2","tour_id":"T0002"}]})"));
  // What the page sends back as the run's previous_plan reads back to the same pairs.
  std::vector<JsonProblem> problems;
  EXPECT_EQ(previous_from_json(a.body["previous_json"], problems).size(), 2u);
  EXPECT_TRUE(problems.empty());
}

TEST(DriversPreview, ErrorsNameTheLineOrTheProblem) {
  const PreviewAnswer bad = drivers_preview_answer("id;max_weekly_hours\nF1;viel\n", "text/csv");
  EXPECT_EQ(bad.status, 422) << bad.body.dump();
  EXPECT_EQ(bad.body["detail"][0]["loc"], json::parse(R"(["body","line",2])"));
  EXPECT_NE(bad.body["detail"][0]["msg"].get<std::string>().find("viel"), std::string::npos);
  const PreviewAnswer dup = drivers_preview_answer("id\nF1\nF1\n", "text/csv");
  EXPECT_EQ(dup.status, 400) << dup.body.dump();
  EXPECT_NE(dup.body["detail"].get<std::string>().find("F1"), std::string::npos);
  EXPECT_EQ(drivers_preview_answer("id\nF1\n", "image/png").status, 415);
}

}  // namespace
}  // namespace so
