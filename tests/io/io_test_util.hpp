#pragma once
// Helpers shared by the io tests.
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "core/tour.hpp"

namespace so::testing {

// "T0001 Mon 04:45-09:15" per tour (a "+1" after the end when the tour crosses midnight), joined by ", ".
inline std::string summarize(const std::vector<Tour>& tours) {
  std::string out;
  for (const Tour& t : tours) {
    if (!out.empty()) out += ", ";
    out += t.id + " " + std::string(day_short_name(t.day)) + " " + format_hhmm(t.start) + "-" + format_hhmm(t.end);
    if (t.crosses_midnight()) out += "+1";
  }
  return out;
}

// A fresh directory under the system temp dir, removed when the object goes out of scope.
struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& tag) {
    static int counter = 0;
    path = std::filesystem::temp_directory_path() /
           ("so_io_" + tag + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

}  // namespace so::testing
