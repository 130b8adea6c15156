#include "io/forecast.hpp"

#include <array>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include "core/time.hpp"
#include "io/json_input.hpp"
#include "io/text_input.hpp"

namespace so {

namespace {

using nlohmann::json;

constexpr const char* kExpectWindow = "HH:MM-HH:MM, 00:00–23:59";
constexpr const char* kExpectRow = "HH:MM-HH:MM;N (time window; count)";
constexpr const char* kExpectTime = "HH:MM, 00:00–23:59";
constexpr const char* kExpectCount = "a whole number 0..10000";
constexpr const char* kExpectDay = "a day name: Mon…Sun, Monday…Sunday, Montag…Sonntag or Mo…So";
constexpr const char* kExpectJsonDay = "a day name (Mon…Sun, Monday…Sunday, Montag…Sonntag, Mo…So) or 1..7 (1 = Monday)";
constexpr const char* kExpectZero = "an end different from the start (an end before the start crosses midnight)";

// ---------------------------------------------------------------- text helpers

bool is_space_byte(unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

// Trims ASCII white space and UTF-8 no-break spaces (spreadsheet exports leave both).
std::string_view trim(std::string_view s) {
  for (;;) {
    if (!s.empty() && is_space_byte(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    else if (s.size() >= 2 && s.substr(0, 2) == "\xC2\xA0") s.remove_prefix(2);
    else break;
  }
  for (;;) {
    if (!s.empty() && is_space_byte(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    else if (s.size() >= 2 && s.substr(s.size() - 2) == "\xC2\xA0") s.remove_suffix(2);
    else break;
  }
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// string_view::find_first_of calls memchr once per character: far too slow on a 50 MB line.
size_t find_any(std::string_view s, std::string_view set, size_t pos = 0) {
  for (size_t i = pos; i < s.size(); ++i)
    for (char c : set)
      if (s[i] == c) return i;
  return std::string_view::npos;
}

bool starts_with_digit(std::string_view s) { return !s.empty() && std::isdigit(static_cast<unsigned char>(s[0])); }

std::string pad_id(long long n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "T%04lld", n);
  return buf;
}

// Iterates lines ending in LF, CRLF or a lone CR, without copying the content. A line longer
// than kMaxLineBytes is junk in every line-based format: it fails at once instead of being scanned.
constexpr size_t kMaxLineBytes = 64 * 1024;

class LineReader {
 public:
  LineReader(std::string_view text, std::string source) : text_(text), source_(std::move(source)) {}
  bool next(std::string_view& line) {
    if (pos_ >= text_.size()) return false;
    ++number_;
    std::string_view window = text_.substr(pos_, kMaxLineBytes + 1);
    size_t end = find_any(window, "\r\n");
    if (end == std::string_view::npos) {
      if (window.size() > kMaxLineBytes)
        throw InputError::at_line(source_, number_, "line too long", printable_value(window),
                                  "at most " + std::to_string(kMaxLineBytes) + " bytes per line");
      line = window;
      pos_ = text_.size();
    } else {
      line = window.substr(0, end);
      pos_ += end + 1;
      if (window[end] == '\r' && pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
    }
    return true;
  }
  int number() const { return number_; }

 private:
  std::string_view text_;
  std::string source_;
  size_t pos_ = 0;
  int number_ = 0;
};

// Cells of a `;`/TAB line, trimmed; trailing empty cells dropped.
std::vector<std::string_view> split_cells(std::string_view line) {
  std::vector<std::string_view> cells;
  size_t start = 0;
  for (size_t i = 0; i <= line.size(); ++i) {
    if (i == line.size() || line[i] == ';' || line[i] == '\t') {
      cells.push_back(trim(line.substr(start, i - start)));
      start = i + 1;
    }
  }
  while (!cells.empty() && cells.back().empty()) cells.pop_back();
  return cells;
}

// Cells of a comma CSV line (RFC 4180 quotes), trimmed; trailing empty cells dropped.
std::vector<std::string> split_comma(std::string_view line, bool& unterminated) {
  std::vector<std::string> cells;
  std::string cur;
  bool quoted = false;
  unterminated = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cur.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cur.push_back(c);
      }
    } else if (c == '"' && trim(cur).empty()) {
      cur.clear();
      quoted = true;
    } else if (c == ',') {
      cells.emplace_back(trim(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  unterminated = quoted;
  cells.emplace_back(trim(cur));
  while (!cells.empty() && cells.back().empty()) cells.pop_back();
  return cells;
}

// Day named by the first word of a header cell ("Montag", "Freitag ", "Montag 15.12."); the
// length guard keeps a 50 MB junk "word" from being copied.
// A rest holding a clock time ("Mi 06:00-10:00") makes the cell a tour row, never a header.
std::optional<int> header_day(std::string_view cell) {
  std::string_view head = cell.substr(0, 13);
  std::string_view word = head.substr(0, find_any(head, " \t"));
  if (word.empty() || word.size() > 12) return std::nullopt;
  if (word.size() < cell.size() && cell.substr(word.size(), 64).find(':') != std::string_view::npos) return std::nullopt;
  return parse_day(word);
}

// A cell that holds a clock time somewhere ("Mo 06:00-14:00", "ab 06:00") is a mangled time
// window, not a label like "Feiertag": it must fail, not be skipped.
bool mentions_clock_time(std::string_view cell) {
  cell = cell.substr(0, 256);
  for (size_t i = 1; i < cell.size(); ++i)
    if (cell[i] == ':' && std::isdigit(static_cast<unsigned char>(cell[i - 1]))) return true;
  return false;
}

bool is_count_label(std::string_view cell) {
  std::string l = lower(cell);
  return l.empty() || l == "anzahl" || l == "count" || l == "menge" || l == "n";
}

struct Window {
  Minutes start, end;
};

// "HH:MM-HH:MM" (spaces around the dash tolerated) -> clock minutes; nullopt when malformed.
std::optional<Window> parse_window(std::string_view cell) {
  size_t dash = cell.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto a = parse_hhmm(trim(cell.substr(0, dash)));
  auto b = parse_hhmm(trim(cell.substr(dash + 1)));
  if (!a || !b) return std::nullopt;
  return Window{*a, *b};
}

// A count cell: digits only, 0..kMaxRowCount; nullopt otherwise.
std::optional<long long> parse_count(std::string_view cell) {
  if (cell.empty() || cell.size() > 9) return std::nullopt;
  long long v = 0;
  for (char c : cell) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v > kMaxRowCount) return std::nullopt;
  return v;
}

// ---------------------------------------------------------------- CSV forecasts with counts

struct Slot {
  int day;
  Window w;
  long long count;
  int line;
};

class Emitter {
 public:
  explicit Emitter(std::string source) : source_(std::move(source)) {}
  void add(int day, Window w, long long count, int line) {
    total_ += count;
    if (total_ > kMaxForecastTours)
      throw InputError::at_line(source_, line, "too many tours", std::to_string(total_) + " so far",
                                "at most " + std::to_string(kMaxForecastTours) + " tours in one forecast");
    for (long long k = 0; k < count; ++k) {
      tours_.push_back(make_tour(pad_id(static_cast<long long>(tours_.size()) + 1), day, w.start, w.end));
    }
  }
  std::vector<Tour> take() { return std::move(tours_); }

 private:
  std::string source_;
  long long total_ = 0;
  std::vector<Tour> tours_;
};

class CsvParser {
 public:
  CsvParser(std::string_view text, std::string source) : text_(text), source_(std::move(source)) {}

  InputError err(int line, std::string problem, std::string_view value, std::string expected) const {
    return InputError::at_line(source_, line, std::move(problem), printable_value(value), std::move(expected));
  }

  // One (window cell, count cell) pair of a day; returns the slot or records a warning for a
  // non-window label with no tours (e.g. `Feiertag;0`).
  std::optional<Slot> slot(int day, std::string_view wcell, std::string_view ccell, bool has_count, int line,
                           std::string_view raw_line, std::vector<ParseWarning>& warnings) const {
    if (!starts_with_digit(wcell) && !mentions_clock_time(wcell)) {
      if (has_count) {
        auto n = parse_count(ccell);
        if (n && *n > 0)
          throw err(line, "row has a count but no time window", raw_line, kExpectRow);
      }
      warnings.push_back({line, "line " + std::to_string(line) + ": skipped row '" + printable_value(trim(raw_line)) +
                                    "' in the " + std::string(day_german_name(day)) +
                                    " section (first cell is not a time window; no tours)"});
      return std::nullopt;
    }
    auto w = parse_window(wcell);
    if (!w) throw err(line, "bad time window", wcell, kExpectWindow);
    if (w->start == w->end) throw err(line, "zero-length time window", wcell, kExpectZero);
    if (!has_count) throw err(line, "missing count after time window", wcell, kExpectRow);
    auto n = parse_count(ccell);
    if (!n) throw err(line, "bad count", ccell, kExpectCount);
    return Slot{day, *w, *n, line};
  }

  Forecast long_format() {
    Forecast f;
    f.format = "csv-long";
    Emitter emit(source_);
    std::array<int, kDaysPerWeek> section_line{};
    int day = -1;
    int rows = 0;
    LineReader lr(text_, source_);
    std::string_view line;
    while (lr.next(line)) {
      int n = lr.number();
      auto cells = split_cells(line);
      if (cells.empty()) continue;  // blank line or a lone `;` / TAB
      std::string_view c0 = cells[0];
      if (auto d = header_day(c0)) {
        if (section_line[*d])
          throw err(n, "second section for day", c0,
                    "each day once (" + std::string(day_german_name(*d)) + " starts at line " +
                        std::to_string(section_line[*d]) + ")");
        if (cells.size() > 2 || (cells.size() == 2 && !is_count_label(cells[1])))
          throw err(n, "bad day header", trim(line), std::string(day_german_name(*d)) + ";Anzahl");
        section_line[*d] = n;
        day = *d;
        continue;
      }
      if (day < 0) {
        if (starts_with_digit(c0))
          throw err(n, "time row before any day header", c0, "a day header like Montag;Anzahl first");
        throw err(n, "expected a day header", trim(line), "a day name followed by Anzahl, e.g. Montag;Anzahl");
      }
      if (cells.size() > 2) throw err(n, "unexpected extra cell", cells[2], kExpectRow);
      auto s = slot(day, c0, cells.size() > 1 ? cells[1] : std::string_view{}, cells.size() > 1, n, line, f.warnings);
      if (!s) continue;
      ++rows;
      emit.add(s->day, s->w, s->count, n);
    }
    if (rows == 0) throw InputError::whole(source_, "no tours found", {}, "rows HH:MM-HH:MM;N after a day header");
    f.tours = emit.take();
    return f;
  }

  Forecast wide_format(int header_line_no) {
    Forecast f;
    f.format = "csv-wide";
    LineReader lr(text_, source_);
    std::string_view line;
    std::vector<int> days;  // day of column pair k
    std::vector<std::vector<Slot>> columns;
    int rows = 0;
    while (lr.next(line)) {
      int n = lr.number();
      if (n < header_line_no) continue;
      auto cells = split_cells(line);
      if (n == header_line_no) {
        for (size_t i = 0; i < cells.size(); i += 2) {
          auto d = header_day(cells[i]);
          if (!d)
            throw err(n, "bad wide header cell " + std::to_string(i + 1), cells[i],
                      "day/Anzahl column pairs, e.g. Montag;Anzahl;Dienstag;Anzahl");
          for (size_t k = 0; k < days.size(); ++k)
            if (days[k] == *d)
              throw err(n, "day appears twice in wide header", cells[i], "each day once");
          if (i + 1 >= cells.size() || cells[i + 1].empty() || !is_count_label(cells[i + 1]))
            throw err(n, "bad wide header cell " + std::to_string(i + 2),
                      i + 1 < cells.size() ? cells[i + 1] : std::string_view{},
                      "'Anzahl' after the day name " + std::string(cells[i]));
          days.push_back(*d);
        }
        columns.resize(days.size());
        continue;
      }
      if (cells.empty()) continue;
      if (cells.size() > 2 * days.size())
        throw err(n, "cell beyond the header's day columns", cells[2 * days.size()],
                  std::to_string(2 * days.size()) + " cells at most");
      for (size_t k = 0; k < days.size(); ++k) {
        std::string_view w = 2 * k < cells.size() ? cells[2 * k] : std::string_view{};
        std::string_view c = 2 * k + 1 < cells.size() ? cells[2 * k + 1] : std::string_view{};
        if (w.empty() && c.empty()) continue;
        if (w.empty()) throw err(n, "count without a time window in column " + std::to_string(2 * k + 2), c, kExpectWindow);
        std::string pair_text = std::string(w) + ";" + std::string(c);
        auto s = slot(days[k], w, c, !c.empty(), n, pair_text, f.warnings);
        if (!s) continue;
        ++rows;
        columns[k].push_back(*s);
      }
    }
    if (rows == 0) throw InputError::whole(source_, "no tours found", {}, "rows of HH:MM-HH:MM;N pairs under the header");
    Emitter emit(source_);
    for (const auto& col : columns)  // day columns in file order, rows top down (domain.md §11)
      for (const Slot& s : col) emit.add(s.day, s.w, s.count, s.line);
    f.tours = emit.take();
    return f;
  }

 private:
  std::string_view text_;
  std::string source_;
};

// ---------------------------------------------------------------- comma CSV with a header

struct CommaColumns {
  int id = -1, day = -1, start = -1, end = -1, location = -1, quals = -1, count = -1, duration = -1;
  bool canonical = false;  // start_min/end_min and day 0..6
};

std::optional<CommaColumns> comma_columns(const std::vector<std::string>& header) {
  CommaColumns c;
  bool start_min = false, end_min = false;
  for (int i = 0; i < static_cast<int>(header.size()); ++i) {
    std::string h = lower(header[static_cast<size_t>(i)]);
    if (h == "id" || h == "tour_id" || h == "external_id") c.id = i;
    else if (h == "day") c.day = i;
    else if (h == "start_time" || h == "start") c.start = i;
    else if (h == "end_time" || h == "end") c.end = i;
    else if (h == "start_min") c.start = i, start_min = true;
    else if (h == "end_min") c.end = i, end_min = true;
    else if (h == "duration_min") c.duration = i;
    else if (h == "location" || h == "depot") c.location = i;
    else if (h == "qualifications" || h == "required_qualifications") c.quals = i;
    else if (h == "count" || h == "anzahl") c.count = i;
  }
  if (c.day < 0 || c.start < 0 || c.end < 0 || start_min != end_min) return std::nullopt;
  c.canonical = start_min;
  return c;
}

std::optional<long long> parse_int(std::string_view s) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  long long v = 0;
  for (char ch : s) {
    if (!std::isdigit(static_cast<unsigned char>(ch))) return std::nullopt;
    v = v * 10 + (ch - '0');
  }
  return v;
}

std::vector<std::string> split_list(std::string_view cell) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= cell.size(); ++i) {
    if (i == cell.size() || cell[i] == ',' || cell[i] == ';' || cell[i] == '|') {
      auto part = trim(cell.substr(start, i - start));
      if (!part.empty()) out.emplace_back(part);
      start = i + 1;
    }
  }
  return out;
}

Forecast parse_comma_csv(std::string_view text, const std::string& source, int header_line_no,
                         const std::vector<std::string>& header, const CommaColumns& col) {
  Forecast f;
  f.format = col.canonical ? "csv-canonical" : "csv-comma";
  auto err = [&](int line, std::string problem, std::string_view value, std::string expected) {
    return InputError::at_line(source, line, std::move(problem), printable_value(value), std::move(expected));
  };
  std::map<std::string, int> id_line;        // ids as written -> line
  std::map<std::string, int> expanded_line;  // X-1 … X-N of rows with a count -> line
  long long total = 0;
  LineReader lr(text, source);
  std::string_view line;
  int rows = 0;
  while (lr.next(line)) {
    int n = lr.number();
    if (n <= header_line_no || trim(line).empty()) continue;
    bool unterminated = false;
    auto cells = split_comma(line, unterminated);
    if (cells.empty()) continue;  // a line of bare commas
    if (unterminated) throw err(n, "unterminated quote", line, "a closing '\"' on the same line");
    if (cells.size() > header.size())
      throw err(n, "cell beyond the header's columns", cells[header.size()],
                std::to_string(header.size()) + " cells at most");
    auto cell = [&](int i) -> std::string_view {
      return i >= 0 && i < static_cast<int>(cells.size()) ? std::string_view(cells[static_cast<size_t>(i)]) : "";
    };
    auto need = [&](int i) -> std::string_view {
      std::string_view v = cell(i);
      if (v.empty()) throw err(n, "missing value in column '" + header[static_cast<size_t>(i)] + "'", trim(line), "a value");
      return v;
    };
    int day = -1;
    Minutes start = 0, end = 0;
    if (col.canonical) {
      auto d = parse_int(need(col.day));
      if (!d || *d > 6) throw err(n, "bad day", cell(col.day), "0..6 (0 = Monday)");
      auto s = parse_int(need(col.start));
      if (!s || *s > 1439) throw err(n, "bad start minute", cell(col.start), "0..1439");
      auto e = parse_int(need(col.end));
      if (!e || *e <= *s || *e > *s + kMinutesPerDay)
        throw err(n, "bad end minute", cell(col.end), "start_min+1 .. start_min+1440");
      day = static_cast<int>(*d);
      start = static_cast<Minutes>(*s);
      end = static_cast<Minutes>(*e);
      if (col.duration >= 0 && !cell(col.duration).empty()) {
        auto du = parse_int(cell(col.duration));
        if (!du || *du != end - start)
          throw err(n, "duration does not match start and end", cell(col.duration), std::to_string(end - start));
      }
    } else {
      std::string_view dn = need(col.day);
      auto d = dn.size() <= 12 ? parse_day(dn) : std::nullopt;
      if (!d) throw err(n, "unknown day", cell(col.day), kExpectDay);
      auto s = parse_hhmm(need(col.start));
      if (!s) throw err(n, "bad start time", cell(col.start), kExpectTime);
      auto e = parse_hhmm(need(col.end));
      if (!e) throw err(n, "bad end time", cell(col.end), kExpectTime);
      if (*s == *e) throw err(n, "zero-length tour", std::string(cell(col.start)) + "-" + std::string(cell(col.end)), kExpectZero);
      day = *d;
      start = *s;
      end = *e > *s ? *e : *e + kMinutesPerDay;
    }
    long long count = 1;
    if (col.count >= 0) {
      auto c = parse_count(need(col.count));
      if (!c) throw err(n, "bad count", cell(col.count), kExpectCount);
      count = *c;
    }
    total += count;
    if (total > kMaxForecastTours)
      throw err(n, "too many tours", std::to_string(total) + " so far", "at most " + std::to_string(kMaxForecastTours));
    for (int c : {col.id, col.location, col.quals})
      if (auto bad = c >= 0 ? text_defect(cell(c)) : std::nullopt)
        throw err(n, std::string(bad->problem) + " in column '" + header[static_cast<size_t>(c)] + "'", cell(c),
                  kExpectPrintable);
    std::string location(cell(col.location));
    auto quals = col.quals >= 0 ? split_list(cell(col.quals)) : std::vector<std::string>{};
    std::string base_id;
    if (col.id >= 0) {
      base_id = need(col.id);
      auto [it, fresh] = id_line.emplace(base_id, n);
      if (!fresh) throw err(n, "duplicate tour id", base_id, "unique ids (first at line " + std::to_string(it->second) + ")");
      if (auto e = expanded_line.find(base_id); e != expanded_line.end())
        throw err(n, "duplicate tour id", base_id, "unique ids (a count on line " + std::to_string(e->second) + " made it)");
    }
    ++rows;
    for (long long k = 1; k <= count; ++k) {
      std::string id = col.id < 0 ? pad_id(static_cast<long long>(f.tours.size()) + 1)
                       : count == 1 ? base_id
                                    : base_id + "-" + std::to_string(k);
      // A count's X-1 … X-N may meet an id written out on another row (found by fuzz_forecast).
      if (col.id >= 0 && count > 1)
        if (auto [it, fresh] = expanded_line.emplace(id, n); !fresh || id_line.count(id))
          throw err(n, "duplicate tour id", id,
                    "unique ids (" + id + " from count " + std::to_string(count) + " of '" + base_id + "' is also on line " +
                        std::to_string(fresh ? id_line.at(id) : it->second) + ")");
      Tour t = make_tour(std::move(id), day, start, end % kMinutesPerDay, location, quals);
      t.end = end;  // the exact end (the canonical CSV may state a full 24 h tour)
      f.tours.push_back(std::move(t));
    }
  }
  if (rows == 0) throw InputError::whole(source, "no tours found", {}, "rows under the CSV header");
  return f;
}

// ---------------------------------------------------------------- JSON tours

struct ItemIssue {
  json loc;
  std::string type;
  std::string problem;
  std::string value;
  std::string expected;
  bool semantic = false;  // 400 in the API (unknown day, zero length); left in the tours
};

std::string compose_msg(const ItemIssue& is) {
  std::string m = is.problem;
  if (!is.value.empty()) m += " '" + is.value + "'";
  if (!is.expected.empty()) m += " (expected " + is.expected + ")";
  return m;
}

// "tours[3] (id 'T4')" — how a semantic tour problem names its item.
std::string tour_item(size_t i, const std::string* id) {
  std::string item = "tours[" + std::to_string(i) + "]";
  if (id) item += " (id '" + printable_value(*id) + "')";
  return item;
}

std::string json_value_text(const json& v) {
  return printable_value(v.is_string() ? v.get<std::string>() : v.dump());
}

json extend(const json& prefix, const json& key) {
  json l = prefix;
  l.push_back(key);
  return l;
}

struct Converted {
  std::vector<Tour> tours;
  std::vector<size_t> item_of_tour;  // JSON array index of each tour
};

// The one JSON tour reader: the HTTP layer (tours_from_json) and the file parser both use it.
Converted convert_tours(const json& arr, const json& prefix, std::vector<ItemIssue>& issues) {
  Converted out;
  bool any_id = false;
  for (const auto& item : arr)
    if (item.is_object() && ((item.contains("id") && !item["id"].is_null()) ||
                             (item.contains("external_id") && !item["external_id"].is_null())))
      any_id = true;
  long long total = 0;
  for (size_t i = 0; i < arr.size(); ++i) {
    const json& item = arr[i];
    json iloc = extend(prefix, static_cast<long long>(i));
    size_t before = issues.size();
    auto issue = [&](const char* field, std::string type, std::string problem, std::string value = {},
                     std::string expected = {}, bool semantic = false) {
      issues.push_back({field ? extend(iloc, field) : iloc, std::move(type), std::move(problem), std::move(value),
                        std::move(expected), semantic});
    };
    if (!item.is_object()) {
      issue(nullptr, "type_error.dict", "value is not a valid dict", json_value_text(item), "a tour object");
      continue;
    }
    // Field lookup with an alias; the first present (non-null) key wins.
    auto field = [&](std::initializer_list<const char*> names, const char*& used) -> const json* {
      for (const char* nm : names) {
        auto it = item.find(nm);
        if (it != item.end() && !it->is_null()) {
          used = nm;
          return &*it;
        }
      }
      used = *names.begin();
      return nullptr;
    };
    const char* key = nullptr;

    std::string id;
    if (const json* v = field({"id", "external_id"}, key)) {
      if (v->is_string()) {
        id = v->get<std::string>();
        if (id.empty()) issue(key, "value_error.any_str.min_length", "empty tour id", {}, "a non-empty id");
        else if (auto bad = text_defect(id))
          issue(key, bad->type, std::string(bad->problem) + " in tour id", printable_value(id), kExpectPrintable);
      } else if (v->is_number_integer()) {
        id = v->dump();
      } else {
        issue(key, "type_error.str", "tour id is not a string", json_value_text(*v), "a string");
      }
    } else if (any_id) {
      issue("id", "value_error.missing", "field required", {}, "an id (every tour or none)");
    }

    int day = -1;
    if (const json* v = field({"day"}, key)) {
      if (v->is_string()) {
        std::string s = v->get<std::string>();
        auto d = s.size() <= 12 ? parse_day(s) : std::nullopt;
        if (d) day = *d;
        else issue(key, "value_error.day", "unknown day", printable_value(s), kExpectJsonDay, true);
      } else if (v->is_number_integer()) {
        long long d = v->get<long long>();
        if (d >= 1 && d <= 7) day = static_cast<int>(d - 1);
        else issue(key, "value_error.day", "unknown day", v->dump(), kExpectJsonDay, true);
      } else {
        issue(key, "type_error.str", "day is not a string", json_value_text(*v), kExpectJsonDay);
      }
    } else {
      issue("day", "value_error.missing", "field required", {}, kExpectJsonDay);
    }

    auto time_field = [&](const char* primary, const char* alias) -> std::optional<Minutes> {
      if (const json* v = field({primary, alias}, key)) {
        if (!v->is_string()) {
          issue(key, "type_error.str", "time is not a string", json_value_text(*v), kExpectTime);
          return std::nullopt;
        }
        std::string s = v->get<std::string>();
        auto m = parse_hhmm(s);
        if (!m) issue(key, "value_error.time", "bad time", printable_value(s), kExpectTime);
        return m;
      }
      issue(primary, "value_error.missing", "field required", {}, kExpectTime);
      return std::nullopt;
    };
    auto start = time_field("start_time", "start");
    auto end = time_field("end_time", "end");

    std::string location;
    if (const json* v = field({"location"}, key)) {
      if (!v->is_string()) issue(key, "type_error.str", "location is not a string", json_value_text(*v), "a string");
      else if (auto bad = text_defect(v->get<std::string>()))
        issue(key, bad->type, std::string(bad->problem) + " in location", json_value_text(*v), kExpectPrintable);
      else location = v->get<std::string>();
    }

    std::vector<std::string> quals;
    if (const json* v = field({"required_qualifications", "qualifications"}, key)) {
      if (!v->is_array()) {
        issue(key, "type_error.list", "value is not a valid list", json_value_text(*v), "a list of strings");
      } else {
        for (size_t k = 0; k < v->size(); ++k) {
          const json& q = (*v)[k];
          if (auto bad = q.is_string() ? text_defect(q.get<std::string>()) : std::nullopt)
            issues.push_back({extend(extend(iloc, key), static_cast<long long>(k)), bad->type,
                              std::string(bad->problem) + " in qualification", json_value_text(q), kExpectPrintable});
          else if (q.is_string()) quals.push_back(q.get<std::string>());
          else
            issues.push_back({extend(extend(iloc, key), static_cast<long long>(k)), "type_error.str",
                              "qualification is not a string", json_value_text(q), "a string"});
        }
      }
    }

    long long count = 1;
    if (const json* v = field({"count"}, key)) {
      if (!v->is_number_integer()) {
        issue(key, "type_error.integer", "count is not an integer", json_value_text(*v), kExpectCount);
      } else if (v->is_number_unsigned() ? v->get<unsigned long long>() > static_cast<unsigned long long>(kMaxRowCount)
                                         : v->get<long long>() > kMaxRowCount) {
        issue(key, "value_error.number.not_le", "count too large", v->dump(), kExpectCount);
      } else if (!v->is_number_unsigned() && v->get<long long>() < 0) {
        issue(key, "value_error.number.not_ge", "negative count", v->dump(), kExpectCount);
      } else {
        count = v->get<long long>();
      }
    }

    // Only semantic issues (kept in the tours for the 400 check) may remain for the item to yield tours.
    bool schema_ok = true;
    for (size_t k = before; k < issues.size(); ++k)
      if (!issues[k].semantic) schema_ok = false;
    if (!schema_ok) continue;

    total += count;
    if (total > kMaxForecastTours) {
      issue("count", "value_error.number.not_le", "too many tours", std::to_string(total) + " so far",
            "at most " + std::to_string(kMaxForecastTours) + " tours in one request");
      break;
    }
    bool zero = *start == *end;
    if (zero)
      issue("end_time", "value_error.zero_length", "zero-length tour",
            format_hhmm(*start) + "-" + format_hhmm(*end), kExpectZero, true);
    for (long long k = 1; k <= count; ++k) {
      std::string tid = id.empty() ? std::string() : count == 1 ? id : id + "-" + std::to_string(k);
      Tour t = make_tour(std::move(tid), day, *start, *end, location, quals);
      if (zero) t.end = t.start;  // kept zero-length so check_tours_semantics reports it (make_tour would wrap it to 24 h)
      out.tours.push_back(std::move(t));
      out.item_of_tour.push_back(i);
    }
  }
  if (!any_id)
    for (size_t k = 0; k < out.tours.size(); ++k) out.tours[k].id = pad_id(static_cast<long long>(k) + 1);
  return out;
}

Forecast parse_json_forecast(std::string_view text, const std::string& source) {
  // No size cap here: files are capped by read_input_file, request bodies by MAX_BODY_BYTES.
  json j = parse_json_input(text, source, std::numeric_limits<size_t>::max());
  Forecast f;
  json prefix = json::array();
  const json* arr = nullptr;
  if (j.is_array()) {
    f.format = "json-array";
    arr = &j;
  } else if (j.is_object() && j.contains("tours")) {
    f.format = "json";
    arr = &j["tours"];
    prefix.push_back("tours");
    if (!arr->is_array())
      throw InputError::at_path(source, "tours", "not a list", json_value_text(*arr), "an array of tour objects");
  } else {
    throw InputError::whole(source, "no tours in JSON", printable_value(j.dump(), 60),
                            "an object with a \"tours\" array, or an array of tour objects");
  }
  std::vector<ItemIssue> issues;
  Converted c = convert_tours(*arr, prefix, issues);
  if (!issues.empty()) {
    const ItemIssue& is = issues.front();
    std::string problem = is.problem;
    if (issues.size() > 1) problem += " (first of " + std::to_string(issues.size()) + " problems)";
    throw InputError::at_path(source, json_path_string(is.loc), problem, is.value, is.expected);
  }
  std::map<std::string, size_t> first_item;
  for (size_t k = 0; k < c.tours.size(); ++k) {
    size_t item = c.item_of_tour[k];
    auto [it, fresh] = first_item.emplace(c.tours[k].id, item);
    if (!fresh) {
      json loc = extend(extend(prefix, static_cast<long long>(item)), "id");
      throw InputError::at_path(source, json_path_string(loc), "duplicate tour id", printable_value(c.tours[k].id),
                                "unique ids (first at " + json_path_string(extend(prefix, static_cast<long long>(it->second))) + ")");
    }
  }
  f.tours = std::move(c.tours);
  return f;
}

// ---------------------------------------------------------------- detection

// A "Slack text" line: `Mo 06:00-14:00 …` (a day word, a space, then a time).
bool looks_like_slack(std::string_view line) {
  line = trim(line);
  size_t sp = line.find(' ');
  if (sp == std::string_view::npos || find_any(line, ";\t") != std::string_view::npos) return false;
  return header_day(line.substr(0, sp)).has_value() && starts_with_digit(trim(line.substr(sp)));
}

}  // namespace

Forecast parse_forecast(std::string_view content, std::string_view source_name) {
  std::string source(source_name);
  if (content.size() >= 2 && (content.substr(0, 2) == "\xFF\xFE" || content.substr(0, 2) == "\xFE\xFF"))
    throw InputError::whole(source, "UTF-16 encoded file", {}, "UTF-8 text (save as CSV UTF-8)");
  refuse_spreadsheet(content, source);
  if (content.size() >= 3 && content.substr(0, 3) == "\xEF\xBB\xBF") content.remove_prefix(3);
  if (const void* nul = std::memchr(content.data(), '\0', content.size())) {
    size_t off = static_cast<size_t>(static_cast<const char*>(nul) - content.data());
    throw InputError::at_line(source, line_of_offset(content, off), "binary content (NUL byte)",
                              "offset " + std::to_string(off), "a text forecast (CSV or JSON)");
  }
  std::string_view body = trim(content);
  if (body.empty()) throw InputError::whole(source, "empty file", {}, "a forecast: CSV rows or JSON tours");
  if (body.front() == '{' || body.front() == '[') return parse_json_forecast(content, source);

  // The first line that carries content decides the CSV flavour.
  LineReader lr(content, source);
  std::string_view line;
  int first_no = 0, first_content_no = 0;
  std::string_view first, first_content;
  while (lr.next(line)) {
    if (trim(line).empty() || split_cells(line).empty()) continue;
    if (!first_no) first_no = lr.number(), first = line;
    if (trim(line).front() == '#') continue;
    first_content_no = lr.number();
    first_content = line;
    break;
  }
  if (first_content_no && looks_like_slack(first_content))
    throw InputError::at_line(source, first_content_no, "Slack text forecast format is not supported",
                              printable_value(trim(first_content)),
                              "a ';'/TAB forecast CSV (Montag;Anzahl / HH:MM-HH:MM;N), a comma CSV with a header, "
                              "or JSON tours");
  CsvParser csv(content, source);
  bool semicolon_or_tab = find_any(first, ";\t") != std::string_view::npos;
  if (!semicolon_or_tab && first.find(',') != std::string_view::npos) {
    bool unterminated = false;
    auto header = split_comma(first, unterminated);
    auto cols = comma_columns(header);
    if (!cols)
      throw InputError::at_line(source, first_no, "unrecognised CSV header", printable_value(trim(first)),
                                "columns day,start_time,end_time[,id][,location][,qualifications][,count] "
                                "or tour_id,day,start_min,end_min");
    return parse_comma_csv(content, source, first_no, header, *cols);
  }
  auto cells = split_cells(first);
  int day_cells = 0;
  for (auto c : cells)
    if (header_day(c)) ++day_cells;
  if (!cells.empty() && header_day(cells[0]) && day_cells >= 2) return csv.wide_format(first_no);
  return csv.long_format();
}

Forecast read_forecast_file(const std::string& path) {
  return parse_forecast(read_input_file(path, "a readable forecast file"), path);
}

std::vector<Tour> tours_from_json(const nlohmann::json& tours_array, std::vector<JsonProblem>& problems,
                                  const nlohmann::json& loc_prefix, std::string* semantic_problem) {
  if (!tours_array.is_array()) {
    problems.push_back({loc_prefix, "value is not a valid list", "type_error.list"});
    return {};
  }
  std::vector<ItemIssue> issues;
  Converted c = convert_tours(tours_array, loc_prefix, issues);
  for (const ItemIssue& is : issues) {
    if (!is.semantic) {
      problems.push_back({is.loc, compose_msg(is), is.type});
    } else if (semantic_problem && semantic_problem->empty() && is.loc.size() > loc_prefix.size()) {
      // "tours[3] (id 'T4'): unknown day 'Funday' (expected …)", like check_tours_semantics.
      const json& idx = is.loc[loc_prefix.size()];
      if (!idx.is_number_integer() || idx.get<long long>() < 0) continue;
      const json& it = tours_array[idx.get<size_t>()];
      const bool has_id = it.is_object() && it.contains("id") && it["id"].is_string();
      const std::string id = has_id ? it["id"].get<std::string>() : std::string();
      *semantic_problem = tour_item(idx.get<size_t>(), has_id ? &id : nullptr) + ": " + compose_msg(is);
    }
  }
  return std::move(c.tours);
}

std::optional<std::string> check_tours_semantics(const std::vector<Tour>& tours) {
  std::map<std::string, size_t> first;
  for (size_t i = 0; i < tours.size(); ++i) {
    const Tour& t = tours[i];
    std::string item = tour_item(i, &t.id);
    if (t.id.empty()) return "tours[" + std::to_string(i) + "]: empty tour id";
    if (t.day < 0 || t.day >= kDaysPerWeek) return item + ": unknown day (expected " + kExpectJsonDay + ")";
    if (t.duration() <= 0)
      return item + ": zero-length tour " + format_hhmm(t.start) + "-" + format_hhmm(t.end) + " (expected " + kExpectZero + ")";
    auto [it, fresh] = first.emplace(t.id, i);
    if (!fresh)
      return "duplicate tour id '" + printable_value(t.id) + "' (tours[" + std::to_string(it->second) + "] and tours[" +
             std::to_string(i) + "])";
  }
  return std::nullopt;
}

}  // namespace so
