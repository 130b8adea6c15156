#include "io/csv_german.hpp"

#include <array>
#include <chrono>
#include <cstdio>
#include <map>
#include <vector>

#include "io/csv_export.hpp"

namespace so {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::array<std::string_view, 7> kShort = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
constexpr std::array<std::string_view, 7> kGermanShort = {"Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"};
constexpr std::array<std::string_view, 7> kGerman = {"Montag", "Dienstag", "Mittwoch", "Donnerstag",
                                                     "Freitag", "Samstag", "Sonntag"};

// One `;`-CSV line into fields (RFC 4180 quotes, as csv_field writes them).
std::vector<std::string> split_line(std::string_view line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') { out.back() += '"'; ++i; }
      else if (c == '"') quoted = false;
      else out.back() += c;
    } else if (c == '"') quoted = true;
    else if (c == ';') out.emplace_back();
    else out.back() += c;
  }
  return out;
}

// Lines of a CSV text; a quoted field may hold a line break, so lines are cut outside quotes only.
std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> out;
  bool quoted = false;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '"') quoted = !quoted;
    else if (text[i] == '\n' && !quoted) { out.push_back(text.substr(start, i - start)); start = i + 1; }
  }
  if (start < text.size()) out.push_back(text.substr(start));
  return out;
}

std::string join_fields(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) out.append(i ? ";" : "").append(csv_field(fields[i]));
  return out;
}

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
}

std::string block_german(std::string_view kind) {
  if (kind == "2er-regular") return "2er regulär";
  if (kind == "2er-split") return "2er geteilt";
  if (kind == "unassigned") return "nicht zugeteilt";
  return std::string(kind);
}

// "dd.mm.yyyy" of week day `day` (0 = Monday) of the week starting on `week_start`; "" when unknown.
std::string date_of(std::string_view week_start, int day) {
  int y = 0;
  unsigned m = 0, d = 0;
  if (day < 0 || week_start.size() != 10 ||
      std::sscanf(std::string(week_start).c_str(), "%4d-%2u-%2u", &y, &m, &d) != 3)
    return {};
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
  if (!ymd.ok()) return {};
  const std::chrono::year_month_day at{std::chrono::sys_days{ymd} + std::chrono::days{day}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02u.%02u.%04d", static_cast<unsigned>(at.day()), static_cast<unsigned>(at.month()),
                static_cast<int>(at.year()));
  return buf;
}

int day_of(std::string_view name) {
  for (size_t d = 0; d < kShort.size(); ++d)
    if (kShort[d] == name) return static_cast<int>(d);
  return -1;
}

}  // namespace

std::string german_date_of_day(std::string_view week_start, int day) { return date_of(week_start, day); }

std::string roster_csv_german(std::string_view csv, std::string_view week_start) {
  if (csv.substr(0, kBom.size()) == kBom) csv.remove_prefix(kBom.size());
  std::string out(kBom);
  const std::vector<std::string_view> lines = split_lines(csv);
  size_t hours_col = std::string::npos;
  for (size_t n = 0; n < lines.size(); ++n) {
    std::vector<std::string> f = split_line(lines[n]);
    if (n == 0) {
      for (size_t i = 0; i < f.size(); ++i) {
        if (f[i] == "Stunden") hours_col = i;
        for (size_t d = 0; d < kGerman.size(); ++d) {
          const std::string date = date_of(week_start, static_cast<int>(d));
          if (f[i] == kGerman[d] && !date.empty()) f[i].append(" ").append(date);
        }
      }
    } else {
      for (size_t i = 1; i < f.size(); ++i) {
        if (i == hours_col) replace_all(f[i], ".", ",");
        replace_all(f[i], "[2er-regular]", "[2er regulär]");
        replace_all(f[i], "[2er-split]", "[2er geteilt]");
      }
    }
    out.append(join_fields(f)).append("\n");
  }
  return out;
}

std::string tours_csv_german(std::string_view csv, std::string_view week_start) {
  const bool dated = !date_of(week_start, 0).empty();
  static const std::map<std::string, std::string> kHeader = {
      {"driver", "Fahrer"}, {"driver_name", "Name"}, {"day", "Tag"},       {"block_id", "Block"},
      {"block_type", "Blocktyp"}, {"tour_id", "Tour"}, {"start", "Beginn"}, {"end", "Ende"},
      {"reason_codes", "Gründe"}, {"locked", "fest"}, {"changed_from", "vorher_bei"}};
  std::string out(kBom);
  const std::vector<std::string_view> lines = split_lines(csv);
  std::map<std::string, size_t> col;
  for (size_t n = 0; n < lines.size(); ++n) {
    std::vector<std::string> f = split_line(lines[n]);
    if (n == 0) {
      for (size_t i = 0; i < f.size(); ++i) {
        col[f[i]] = i;
        if (auto it = kHeader.find(f[i]); it != kHeader.end()) f[i] = it->second;
      }
      if (dated && col.count("day")) f.insert(f.begin() + static_cast<std::ptrdiff_t>(col["day"]) + 1, "Datum");
      out.append(join_fields(f)).append("\n");
      continue;
    }
    auto at = [&](const char* name) -> std::string* {
      auto it = col.find(name);
      return it != col.end() && it->second < f.size() ? &f[it->second] : nullptr;
    };
    int day = -1;
    if (std::string* d = at("day")) {
      day = day_of(*d);
      if (day >= 0) *d = std::string(kGerman[static_cast<size_t>(day)]);
    }
    if (std::string* b = at("block_id"); b && day >= 0) {
      const std::string suffix = "-" + std::string(kShort[static_cast<size_t>(day)]);
      if (b->size() > suffix.size() && b->compare(b->size() - suffix.size(), suffix.size(), suffix) == 0)
        b->replace(b->size() - suffix.size(), suffix.size(), "-" + std::string(kGermanShort[static_cast<size_t>(day)]));
    }
    if (std::string* k = at("block_type")) *k = block_german(*k);
    if (std::string* l = at("locked"); l && *l == "yes") *l = "ja";
    if (std::string* c = at("changed_from"); c && *c == "new") *c = "neu";
    if (dated && col.count("day") && col["day"] < f.size())
      f.insert(f.begin() + static_cast<std::ptrdiff_t>(col["day"]) + 1, date_of(week_start, day));
    out.append(join_fields(f)).append("\n");
  }
  return out;
}

}  // namespace so
