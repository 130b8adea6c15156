#pragma once
// Bounded, checked reading of input text, shared by every reader (forecasts, driver pools, locks,
// plans, policies, changes): one size limit, errors naming the file and line. JSON text goes on to
// io/json_input (the nesting limit).
#include <string>
#include <string_view>

namespace so {

inline constexpr long long kMaxInputBytes = 16LL * 1024 * 1024;

// 1-based line of a byte offset.
int line_of_offset(std::string_view text, size_t offset);

// Reads a whole file of at most kMaxInputBytes (refused before reading when the size is known;
// reads at most one byte past the limit, so a growing file cannot exhaust memory). `what` names the
// expected file in errors ("a readable forecast file"). Throws InputError naming the path.
std::string read_input_file(const std::string& path, const std::string& what);

// Throws InputError when the content is an Excel workbook (XLSX is a zip: "PK\x03\x04"; old XLS
// an OLE2 file) — people upload the spreadsheet they keep the forecast in; tell them to save it as CSV.
void refuse_spreadsheet(std::string_view content, const std::string& source);

}  // namespace so
