#include "io/text_input.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "io/errors.hpp"

namespace so {

int line_of_offset(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  int line = 1;
  for (size_t i = 0; i < offset; ++i)
    if (text[i] == '\n') ++line;
  return line;
}

std::string read_input_file(const std::string& path, const std::string& what) {
  namespace fs = std::filesystem;
  std::error_code ec;
  auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) throw InputError::whole(path, "cannot open file (not found)", {}, what);
  if (fs::is_directory(status)) throw InputError::whole(path, "is a directory", {}, what);
  auto size = fs::file_size(path, ec);
  if (!ec && size > static_cast<uintmax_t>(kMaxInputBytes))
    throw InputError::whole(path, "file too large", std::to_string(size) + " bytes",
                            "at most " + std::to_string(kMaxInputBytes) + " bytes");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError::whole(path, "cannot open file", {}, what);
  std::string content(static_cast<size_t>(ec ? kMaxInputBytes + 1 : std::min<uintmax_t>(size + 1, kMaxInputBytes + 1)),
                      '\0');
  in.read(content.data(), static_cast<std::streamsize>(content.size()));
  content.resize(static_cast<size_t>(in.gcount()));
  if (static_cast<long long>(content.size()) > kMaxInputBytes)
    throw InputError::whole(path, "file too large", "more than " + std::to_string(kMaxInputBytes) + " bytes",
                            "at most " + std::to_string(kMaxInputBytes) + " bytes");
  if (in.bad()) throw InputError::whole(path, "read error", {}, what);
  return content;
}

void refuse_spreadsheet(std::string_view content, const std::string& source) {
  const bool xlsx = content.substr(0, 4) == std::string_view("PK\x03\x04", 4);
  const bool xls = content.substr(0, 8) == std::string_view("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
  if (xlsx || xls)  // at line 1, as the NUL-byte error it replaces (HTTP 422, not 400)
    throw InputError::at_line(source, 1, std::string("looks like an Excel file (") + (xlsx ? "XLSX" : "XLS") + "), not text", {},
                            "a CSV or JSON file: in Excel use File > Save As > CSV UTF-8 and upload that");
}

}  // namespace so
