#pragma once
// The one JSON reader for every input: forecast, drivers, locks, previous plan, policy, plan and
// changes files, and the HTTP request bodies. nlohmann's parser and destructor are iterative, but
// copying or dumping a value recurses once per level, and our error messages dump values: a file of
// 100,000 '[' overflowed the stack (rc 139). So nesting stops at kMaxJsonDepth while parsing,
// numbers beyond a double are refused with their JSON path, and every error names the source
// and line.
#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "io/errors.hpp"
#include "io/text_input.hpp"

namespace so {

inline constexpr int kMaxJsonDepth = 64;

// A refused JSON text: an InputError (source, line, JSON path, problem, value, expected) that also
// carries what the HTTP layer answers with (422): the FastAPI location inside the document
// (["seed"], ["tours", 3, "count"]; empty when the text is broken before any value) and its type.
struct JsonInputError : InputError {
  enum class Kind { Invalid, TooDeep, NumberOverflow, TooLarge };
  Kind kind;
  size_t byte;          // offset of the problem in the text
  nlohmann::json loc;   // array of keys and indices

  JsonInputError(Kind kind, std::string source, int line, nlohmann::json loc, size_t byte, std::string problem,
                 std::string value, std::string expected);
};

// Parses JSON text of at most max_bytes (a UTF-8 BOM is skipped). Throws JsonInputError, e.g.
//   plan.json:3: drivers[0].hours: number out of range '1e400' (expected a finite number, within ±1.8e308)
//   policy.json:1: JSON nested too deeply (expected at most 64 levels)
//   pool.json:2: invalid JSON 'syntax error while parsing value …' (expected valid JSON)
nlohmann::json parse_json_input(std::string_view text, const std::string& source,
                                size_t max_bytes = static_cast<size_t>(kMaxInputBytes));

// A whole JSON file: read_input_file (size cap, naming the path) then parse_json_input.
nlohmann::json read_json_file(const std::string& path, const std::string& what);

}  // namespace so
