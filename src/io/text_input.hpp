#pragma once
// Bounded, checked reading of input text, shared by every reader (forecasts, driver pools, locks,
// plans): one size limit, one JSON nesting guard, errors naming the file and line.
#include <string>
#include <string_view>

namespace so {

inline constexpr long long kMaxInputBytes = 16LL * 1024 * 1024;
inline constexpr int kMaxInputJsonDepth = 64;

// 1-based line of a byte offset.
int line_of_offset(std::string_view text, size_t offset);

// Reads a whole file of at most kMaxInputBytes (refused before reading when the size is known;
// reads at most one byte past the limit, so a growing file cannot exhaust memory). `what` names the
// expected file in errors ("a readable forecast file"). Throws InputError naming the path.
std::string read_input_file(const std::string& path, const std::string& what);

// Throws InputError at the line where JSON text nests deeper than kMaxInputJsonDepth (a cheap
// pre-scan so a hostile file never reaches the recursive parser).
void check_json_depth(std::string_view text, const std::string& source);

}  // namespace so
