#pragma once
// The dispatcher web page (web/): static files served by the service, and the forecast preview
// the page shows before a run is started (POST /api/v1/forecast/preview).
//
// URL layout: `/` and `/index.html` serve <web_root>/index.html; `/web/<path>` serves
// <web_root>/<path>. The page uses relative URLs only (web/js/app.js, api/v1/…), so it also
// works behind a reverse proxy under a prefix. Static files need no bearer token: they hold no
// data, and the page must load before the user can type the token.
#include <filesystem>
#include <stdexcept>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace httplib {
class Server;
}

namespace so {

// The folder holding index.html: $WEB_ROOT when set; else the first of <exe dir>/../web,
// <exe dir>/web, <exe dir>/../share/shift-optimizer/web, <SO_SOURCE_DIR>/web (when compiled with
// that macro) and ./web that contains an index.html; else "./web".
std::string find_web_root();

// The file a URL path maps to, or nullopt (→ 404) when the path is not a page URL, names a
// hidden file, contains `.`/`..`/empty segments or characters outside [A-Za-z0-9._-], or
// resolves (through symlinks) outside web_root, or is not a regular file.
std::optional<std::filesystem::path> resolve_web_path(const std::string& web_root, std::string_view url_path);

// Content-Type by file extension (text types with charset=utf-8; JavaScript as text/javascript,
// which module scripts require); application/octet-stream for anything unknown.
std::string web_content_type(std::string_view file_name);

// Registers GET (and so HEAD) handlers for `/`, `/index.html` and `/web/...`. httplib tries
// handlers in registration order, so call this BEFORE any catch-all (".*") handler.
void register_web_routes(httplib::Server& server, const std::string& web_root);

// --- POST /api/v1/forecast/preview ----------------------------------------------------------
// Body: the raw forecast file (CSV vertical / wide / comma / canonical, or JSON; detected from the
// content like the CLI does). Answer 200:
//   {"format":"csv-long","tours":N,"total_hours":H,
//    "per_day":[{"day":"Mon","tours":N,"hours":H,"first_start":"HH:MM"|null,"last_end":"HH:MM"|null,
//                "last_end_next_day":bool (the day's last tour ends after midnight)}, … 7 days],
//    "locations":["DEFAULT",…],
//    "warnings":[{"line":17,"message":"…"}],
//    "tours_json":[{"id","day","start_time","end_time"[,"location"][,"required_qualifications"]}, …]}
// tours_json is the api.md §3 tour shape: the page submits it unchanged as the run's "tours".
// Throws so::InputError when the file cannot be parsed (naming the line or JSON path) or its
// tours are unsound (duplicate id, zero length), and UnsupportedMediaType for a body type that is
// no forecast (multipart uploads, forms, images, …).
struct UnsupportedMediaType : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};
nlohmann::json forecast_preview_json(std::string_view body, std::string_view content_type);

// The whole HTTP answer of the preview route: 200 with forecast_preview_json; 415 {"detail"} for
// an unsupported Content-Type; 422 {"detail":[{"loc":["body","line",N] | ["body",<json path…>],
// "msg","type":"value_error.forecast"}]} for a problem located in the file (a malformed line, a
// JSON field, a duplicate id); 400 {"detail"} for a problem of the whole file (empty, binary,
// UTF-16, …).
struct PreviewAnswer {
  int status = 200;
  nlohmann::json body;
};
PreviewAnswer forecast_preview_answer(std::string_view body, std::string_view content_type);

}  // namespace so

namespace so {
// --- POST /api/v1/drivers/preview -----------------------------------------------------------
// Body: the raw drivers file (CSV or JSON, as the CLI's --drivers reads it; a JSON object may also
// carry "locks"). Answer 200:
//   {"drivers":N,"drivers_json":[…api.md driver objects…],"locks_json":[…],"locks":N,
//    "qualifications":[{"name","drivers"}],"available_per_day":[{"day","drivers"}, … 7],
//    "with_limits":N (drivers with at least one personal limit),"contracts":{"FTE":n,"PT":n,"":n}}
// The page submits drivers_json / locks_json unchanged with the run. Errors as the forecast preview.
nlohmann::json drivers_preview_json(std::string_view body, std::string_view content_type);
PreviewAnswer drivers_preview_answer(std::string_view body, std::string_view content_type);
}  // namespace so
