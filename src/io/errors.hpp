#pragma once
// Input errors of the parsers (domain.md §11: "a malformed line is an error that names the line
// number and what is wrong; nothing is guessed") and the FastAPI-shaped schema problems of the
// HTTP layer (api.md §1).
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace so {

// A malformed input. Message shapes:
//   forecast.csv:17: bad time window '25:00-09:30' (expected HH:MM-HH:MM, 00:00–23:59)
//   forecast.json: tours[3].start_time: bad time '25:00' (expected HH:MM, 00:00–23:59)
//   forecast.csv: empty file (expected a forecast: CSV or JSON)
struct InputError : std::runtime_error {
  std::string source;    // file name or "request", "policy", …
  int line = 0;          // 1-based line, 0 when the error is not line-based
  std::string path;      // JSON path like tours[3].start_time, empty for line-based errors
  std::string problem;   // what is wrong, e.g. "bad time window"
  std::string value;     // the offending value as it appeared (escaped, truncated); may be empty
  std::string expected;  // what would have been accepted; may be empty

  InputError(std::string source, int line, std::string path, std::string problem, std::string value,
             std::string expected);

  static InputError at_line(std::string source, int line, std::string problem, std::string value = {},
                            std::string expected = {}) {
    return InputError(std::move(source), line, {}, std::move(problem), std::move(value), std::move(expected));
  }
  static InputError at_path(std::string source, std::string path, std::string problem, std::string value = {},
                            std::string expected = {}) {
    return InputError(std::move(source), 0, std::move(path), std::move(problem), std::move(value),
                      std::move(expected));
  }
  static InputError whole(std::string source, std::string problem, std::string value = {},
                          std::string expected = {}) {
    return InputError(std::move(source), 0, {}, std::move(problem), std::move(value), std::move(expected));
  }
};

// The offending value as shown in messages: control and non-ASCII-garbage bytes as \xNN, cut
// after 60 characters (so binary junk or a 50 MB line never floods a log).
std::string printable_value(std::string_view raw, size_t max_chars = 60);

// One schema problem in the shape FastAPI clients parse (api.md §1, 422):
// {"loc":["body","tours",3,"start_time"],"msg":"…","type":"value_error.time"}.
struct JsonProblem {
  nlohmann::json loc;  // array of keys (strings) and indices (integers)
  std::string msg;
  std::string type;  // value_error.missing, type_error.str, type_error.integer, value_error.time, …

  nlohmann::json to_json() const { return {{"loc", loc}, {"msg", msg}, {"type", type}}; }
};

// Ids, names, qualifications and locations end up in JSON, CSV, XLSX, logs and terminals: a
// control character (C0 or DEL: a NUL from JSON "\u0000", an escape sequence) does harm there, and
// bytes that are not UTF-8 (a Latin-1 CSV export) cannot even be written as JSON. nullopt: fine.
struct TextDefect {
  const char* problem;  // "control character" | "invalid UTF-8"
  const char* type;     // value_error.str.control | value_error.str.utf8
};
std::optional<TextDefect> text_defect(std::string_view text);
inline constexpr const char* kExpectPrintable = "printable UTF-8 text without control characters";

// loc ["body","tours",3,"start_time"] -> "tours[3].start_time" (the leading "body" dropped).
std::string json_path_string(const nlohmann::json& loc);

}  // namespace so
