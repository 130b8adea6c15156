#include "service/web_routes.hpp"

#include <httplib.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <set>

#include "core/time.hpp"
#include "io/errors.hpp"
#include "io/drivers.hpp"
#include "io/forecast.hpp"

namespace so {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kWebPrefix = "/web/";
constexpr size_t kMaxStaticBytes = 16u * 1024 * 1024;  // the page's files are small; never stream a huge file

// One URL path segment of a static asset: no hidden files, no `.`/`..`, a conservative alphabet.
bool safe_segment(std::string_view s) {
  if (s.empty() || s.size() > 128 || s.front() == '.') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
}

bool has_index(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "index.html", ec);
}

fs::path exe_dir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe.parent_path();
}

bool within(const fs::path& root, const fs::path& p) {
  auto r = root.begin(), q = p.begin();
  for (; r != root.end(); ++r, ++q)
    if (q == p.end() || *r != *q) return false;
  return q != p.end();  // strictly below the root
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string media_type_of(std::string_view content_type) {
  std::string m = lower(content_type.substr(0, content_type.find(';')));
  const auto a = m.find_first_not_of(" \t"), b = m.find_last_not_of(" \t");
  return a == std::string::npos ? std::string() : m.substr(a, b - a + 1);
}

bool forecast_media_type(const std::string& m) {
  static const std::set<std::string> ok = {"",
                                           "text/csv",
                                           "text/plain",
                                           "text/tab-separated-values",
                                           "text/x-csv",
                                           "application/csv",
                                           "application/x-csv",
                                           "application/json",
                                           "application/vnd.ms-excel",  // what Windows browsers call a .csv
                                           "application/octet-stream"};
  return ok.count(m) > 0;
}

double hours_2dp(Minutes minutes) { return std::round(minutes * 100.0 / 60.0) / 100.0; }

json tour_api_json(const Tour& t) {
  json j = {{"id", t.id},
            {"day", std::string(day_short_name(t.day))},
            {"start_time", format_hhmm(t.start)},
            {"end_time", format_hhmm(t.end)}};
  if (t.location != "DEFAULT") j["location"] = t.location;
  if (!t.required_qualifications.empty()) j["required_qualifications"] = t.required_qualifications;
  return j;
}

// "tours[3].start_time" -> ["body","tours",3,"start_time"] (the FastAPI location of a JSON problem).
json loc_of_path(const std::string& path) {
  json loc = json::array({"body"});
  std::string key;
  auto flush = [&] {
    if (!key.empty()) loc.push_back(key);
    key.clear();
  };
  for (size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    if (c == '.') {
      flush();
    } else if (c == '[') {
      flush();
      const size_t close = path.find(']', i);
      const std::string idx = path.substr(i + 1, close == std::string::npos ? std::string::npos : close - i - 1);
      const bool digits = !idx.empty() && std::all_of(idx.begin(), idx.end(), [](char d) { return std::isdigit(static_cast<unsigned char>(d)); });
      if (digits && idx.size() < 10) loc.push_back(std::stoll(idx));
      else loc.push_back(idx);
      if (close == std::string::npos) break;
      i = close;
    } else {
      key.push_back(c);
    }
  }
  flush();
  return loc;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return {};
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void not_found(httplib::Response& res) {
  res.status = 404;
  res.set_content(R"({"detail":"Not Found"})", "application/json");
}

}  // namespace

std::string find_web_root() {
  if (const char* env = std::getenv("WEB_ROOT"); env && *env) return env;
  std::vector<fs::path> candidates;
  if (const fs::path dir = exe_dir(); !dir.empty()) {
    candidates.push_back(dir / ".." / "web");
    candidates.push_back(dir / "web");
    candidates.push_back(dir / ".." / "share" / "shift-optimizer" / "web");
  }
#ifdef SO_SOURCE_DIR
  candidates.push_back(fs::path(SO_SOURCE_DIR) / "web");
#endif
  candidates.push_back(fs::path("web"));
  for (const fs::path& c : candidates)
    if (has_index(c)) {
      std::error_code ec;
      const fs::path canon = fs::canonical(c, ec);
      return (ec ? c : canon).string();
    }
  return "./web";
}

std::optional<fs::path> resolve_web_path(const std::string& web_root, std::string_view url_path) {
  if (web_root.empty()) return std::nullopt;
  std::string rel;
  if (url_path == "/" || url_path == "/index.html") {
    rel = "index.html";
  } else if (url_path == "/api/v1/docs") {
    rel = "docs.html";  // Swagger UI on /api/v1/openapi.json
  } else if (url_path.size() > kWebPrefix.size() && url_path.substr(0, kWebPrefix.size()) == kWebPrefix) {
    std::string_view rest = url_path.substr(kWebPrefix.size());
    if (rest.size() > 512) return std::nullopt;
    int segments = 0;
    while (true) {
      const size_t slash = rest.find('/');
      const std::string_view seg = rest.substr(0, slash);
      if (!safe_segment(seg) || ++segments > 8) return std::nullopt;
      rel.append(rel.empty() ? "" : "/").append(seg);
      if (slash == std::string_view::npos) break;
      rest.remove_prefix(slash + 1);
    }
  } else {
    return std::nullopt;
  }
  std::error_code ec;
  const fs::path root = fs::canonical(web_root, ec);
  if (ec) return std::nullopt;
  const fs::path file = fs::canonical(root / rel, ec);  // resolves symlinks: a link out of the root is refused below
  if (ec || !within(root, file) || !fs::is_regular_file(file, ec)) return std::nullopt;
  return file;
}

std::string web_content_type(std::string_view file_name) {
  static const std::array<std::pair<std::string_view, std::string_view>, 14> types = {{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".csv", "text/csv; charset=utf-8"},
      {".map", "application/json"},
      {".webmanifest", "application/manifest+json"},
  }};
  const std::string name = lower(file_name);
  for (const auto& [ext, type] : types)
    if (name.size() >= ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0) return std::string(type);
  return "application/octet-stream";
}

void register_web_routes(httplib::Server& server, const std::string& web_root) {
  auto handler = [web_root](const httplib::Request& req, httplib::Response& res) {
    const auto file = resolve_web_path(web_root, req.path);
    std::error_code ec;
    if (!file || fs::file_size(*file, ec) > kMaxStaticBytes || ec) return not_found(res);
    const std::string type = web_content_type(file->filename().string());
    res.status = 200;
    res.set_header("Cache-Control", "no-cache");  // revalidate: a new release must never run with a stale page
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Referrer-Policy", "no-referrer");
    if (type.rfind("text/html", 0) == 0) {
      res.set_header("Content-Security-Policy",
                     "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
                     "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'");
      res.set_header("X-Frame-Options", "DENY");
    }
    res.set_content(read_file(*file), type);
  };
  server.Get("/", handler);
  server.Get("/index.html", handler);
  server.Get("/api/v1/docs", handler);
  server.Get(R"(/web/[^?#]*)", handler);
}

json forecast_preview_json(std::string_view body, std::string_view content_type) {
  const std::string media = media_type_of(content_type);
  if (!forecast_media_type(media))
    throw UnsupportedMediaType("Content-Type '" + media +
                               "' is not a forecast (expected text/csv or application/json: the raw file as the body)");
  const Forecast fc = parse_forecast(body, "forecast");
  if (auto problem = check_tours_semantics(fc.tours)) throw InputError::whole("forecast", *problem);

  struct DayFacts {
    int tours = 0;
    Minutes work = 0, first_start = -1, last_end = -1;  // last_end in minutes after the day's 00:00 (may pass 24:00)
  };
  std::array<DayFacts, kDaysPerWeek> days{};
  std::set<std::string> locations;
  Minutes total = 0;
  json tours = json::array();
  for (const Tour& t : fc.tours) {
    DayFacts& d = days.at(static_cast<size_t>(t.day));
    ++d.tours;
    d.work += t.duration();
    d.first_start = d.first_start < 0 ? t.start : std::min(d.first_start, t.start);
    d.last_end = std::max(d.last_end, t.end);
    total += t.duration();
    locations.insert(t.location);
    tours.push_back(tour_api_json(t));
  }
  json per_day = json::array();
  for (int i = 0; i < kDaysPerWeek; ++i) {
    const DayFacts& d = days[static_cast<size_t>(i)];
    per_day.push_back({{"day", std::string(day_short_name(i))},
                       {"tours", d.tours},
                       {"hours", hours_2dp(d.work)},
                       {"first_start", d.tours ? json(format_hhmm(d.first_start)) : json(nullptr)},
                       {"last_end", d.tours ? json(format_hhmm(d.last_end)) : json(nullptr)},
                       {"last_end_next_day", d.last_end >= kMinutesPerDay}});
  }
  json warnings = json::array();
  for (const ParseWarning& w : fc.warnings) warnings.push_back({{"line", w.line}, {"message", w.message}});
  return {{"format", fc.format},
          {"tours", fc.tours.size()},
          {"total_hours", hours_2dp(total)},
          {"per_day", per_day},
          {"locations", json(std::vector<std::string>(locations.begin(), locations.end()))},
          {"warnings", warnings},
          {"tours_json", tours}};
}

namespace {
// The HTTP answer of a file preview: 200 with make(), else 415 / 422 (located) / 400 (whole file).
template <class Make>
PreviewAnswer preview_answer(Make&& make, const char* error_type) {
  try {
    return {200, make()};
  } catch (const UnsupportedMediaType& e) {
    return {415, {{"detail", e.what()}}};
  } catch (const InputError& e) {
    if (e.line > 0 || !e.path.empty()) {
      json loc = e.line > 0 ? json::array({"body", "line", e.line}) : loc_of_path(e.path);
      return {422, {{"detail", json::array({{{"loc", loc}, {"msg", e.what()}, {"type", error_type}}})}}};
    }
    return {400, {{"detail", e.what()}}};
  }
}
}  // namespace

PreviewAnswer forecast_preview_answer(std::string_view body, std::string_view content_type) {
  return preview_answer([&] { return forecast_preview_json(body, content_type); }, "value_error.forecast");
}

json drivers_preview_json(std::string_view body, std::string_view content_type) {
  const std::string media = media_type_of(content_type);
  if (!forecast_media_type(media))
    throw UnsupportedMediaType("Content-Type '" + media +
                               "' is not a drivers file (expected text/csv or application/json: the raw file as the body)");
  const DriverInput in = parse_driver_input(body, "drivers");
  const std::vector<Driver>& drivers = in.drivers;
  if (auto problem = check_drivers(drivers)) throw InputError::whole("drivers", *problem);
  // Locks travel in a JSON drivers file ({"drivers":[…],"locks":[…]}); checked against the tours at run time.
  json locks = json::array();
  for (const Lock& l : in.locks) locks.push_back({{"driver_id", l.driver_id}, {"tour_ids", l.tour_ids}});
  // A previous plan in the file travels with the run too (issue 11: it was silently dropped).
  json previous = json::array();
  for (const PreviousAssignment& a : in.previous) previous.push_back({{"driver_id", a.driver_id}, {"tour_id", a.tour_id}});
  json list = json::array();
  std::map<std::string, int> quals;
  std::array<int, kDaysPerWeek> per_day{};
  std::map<std::string, int> contracts{{"FTE", 0}, {"PT", 0}, {"", 0}};
  int with_limits = 0;
  for (const Driver& d : drivers) {
    list.push_back(driver_to_json(d));
    for (const std::string& q : d.qualifications) ++quals[q];
    for (int i = 0; i < kDaysPerWeek; ++i) per_day[static_cast<size_t>(i)] += d.available_days[static_cast<size_t>(i)] ? 1 : 0;
    ++contracts[contract_name(d.contract)];
    const bool limited = d.max_weekly_minutes || d.min_weekly_minutes || d.max_tours_per_day || d.min_rest_minutes ||
                         d.max_daily_span_minutes || !d.unavailable.empty();
    with_limits += limited ? 1 : 0;
  }
  json q = json::array();
  for (const auto& [name, n] : quals) q.push_back({{"name", name}, {"drivers", n}});
  json days = json::array();
  for (int i = 0; i < kDaysPerWeek; ++i)
    days.push_back({{"day", std::string(day_short_name(i))}, {"drivers", per_day[static_cast<size_t>(i)]}});
  return json{{"drivers", drivers.size()}, {"drivers_json", list},     {"locks", locks.size()},
              {"locks_json", locks},       {"qualifications", q},      {"available_per_day", days},
              {"with_limits", with_limits}, {"contracts", contracts},
              {"previous_assignments", previous.size()},
              {"previous_json", in.has_previous ? json{{"assignments", previous}} : json(nullptr)}};
}

PreviewAnswer drivers_preview_answer(std::string_view body, std::string_view content_type) {
  return preview_answer([&] { return drivers_preview_json(body, content_type); }, "value_error.drivers");
}

}  // namespace so
