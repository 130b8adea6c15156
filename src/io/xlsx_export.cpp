#include "io/xlsx_export.hpp"

#include <stdlib.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <tuple>
#include <stdexcept>

#include "core/time.hpp"
#include "io/csv_german.hpp"
#include "io/plan_json.hpp"

namespace so {

using nlohmann::json;

namespace {

constexpr int kNoDay = kDaysPerWeek;  // sorts tours without a known day last

// ---- the workbook's content, read from the plan JSON -------------------------------------------

struct DayCell {
  std::string text;        // "04:45-09:15/09:45-14:15"
  std::string block_type;  // of the (first) block that day
};

struct DriverRow {
  std::string id, type;
  std::optional<double> hours;
  std::optional<int> days;
  std::array<DayCell, kDaysPerWeek> cells;
};

struct TourRow {
  std::string id;
  int day = kNoDay;
  std::string start, end, driver, block_id, block_type;
  bool locked = false;
  Minutes start_min = 0, end_min = 0;  // for the canonical order; end > start (crossing midnight adds a day)
};

struct Model {
  std::vector<DriverRow> drivers;
  std::vector<TourRow> tours;
  bool any_locked = false;
  json plan;  // the source, for the Kennzahlen sheet
};

std::string text_of(const json& obj, const char* key) {
  if (!obj.is_object()) return {};
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return {};
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

std::optional<double> number_of(const json& obj, const char* key) {
  if (!obj.is_object()) return std::nullopt;
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

int day_index(const json& obj, const char* key) {
  auto d = parse_day(text_of(obj, key));
  return d ? *d : kNoDay;
}

const json& array_of(const json& obj, const char* key) {
  static const json empty = json::array();
  if (!obj.is_object()) return empty;
  auto it = obj.find(key);
  return (it != obj.end() && it->is_array()) ? *it : empty;
}

// Minutes of "HH:MM" for sorting; unparsable times sort first (0) but still show as given.
Minutes clock_of(const std::string& hhmm) { return parse_hhmm(hhmm).value_or(0); }

void set_order_keys(TourRow& t) {
  t.start_min = clock_of(t.start);
  t.end_min = clock_of(t.end);
  if (t.end_min <= t.start_min) t.end_min += kMinutesPerDay;  // crosses midnight (domain.md §2)
}

Model model_from_plan(const json& plan) {
  Model m;
  m.plan = plan;
  for (const json& d : array_of(plan, "drivers")) {
    DriverRow row;
    // Driver mode names the real driver; the id stays next to it so two equal names never merge.
    const std::string name = text_of(d, "name");
    row.id = name.empty() || name == text_of(d, "driver_id") ? text_of(d, "driver_id")
                                                             : name + " (" + text_of(d, "driver_id") + ")";
    row.type = text_of(d, "driver_type");
    row.hours = number_of(d, "hours");
    if (auto days = number_of(d, "days_worked")) row.days = static_cast<int>(*days);
    for (const json& b : array_of(d, "blocks")) {
      const int day = day_index(b, "day");
      const std::string type = text_of(b, "block_type");
      std::string windows;
      for (const json& t : array_of(b, "tours")) {
        TourRow tr;
        tr.id = t.is_string() ? t.get<std::string>() : text_of(t, "id");
        tr.day = day;
        tr.start = text_of(t, "start_time");
        tr.end = text_of(t, "end_time");
        tr.driver = row.id;
        tr.block_id = text_of(b, "block_id");
        tr.block_type = type;
        tr.locked = t.is_object() && t.value("locked", false);
        m.any_locked = m.any_locked || tr.locked;
        set_order_keys(tr);
        if (!windows.empty()) windows += "/";
        windows += tr.start + "-" + tr.end + (tr.locked ? " (fest)" : "");
        m.tours.push_back(std::move(tr));
      }
      if (day == kNoDay || windows.empty()) continue;
      DayCell& cell = row.cells[static_cast<size_t>(day)];
      if (cell.text.empty()) cell.block_type = type;
      cell.text += (cell.text.empty() ? "" : " + ") + windows;  // two blocks a day break a rule: shown, not hidden
    }
    m.drivers.push_back(std::move(row));
  }
  for (const json& u : array_of(plan, "unassigned_tours")) {
    TourRow tr;
    tr.id = text_of(u, "tour_id");
    tr.day = day_index(u, "day");
    tr.start = text_of(u, "start_time");
    tr.end = text_of(u, "end_time");
    tr.block_type = "nicht zugeteilt";
    std::string reasons;
    for (const json& r : array_of(u, "reason_codes")) reasons += (reasons.empty() ? "" : ", ") + (r.is_string() ? r.get<std::string>() : r.dump());
    if (!reasons.empty()) tr.block_type += ": " + reasons;
    set_order_keys(tr);
    m.tours.push_back(std::move(tr));
  }
  // Canonical order for the per-tour sheet: day, start, end, then the id as the final tie-break.
  std::stable_sort(m.tours.begin(), m.tours.end(), [](const TourRow& a, const TourRow& b) {
    return std::tie(a.day, a.start_min, a.end_min, a.id) < std::tie(b.day, b.start_min, b.end_min, b.id);
  });
  return m;
}

// ---- writing ---------------------------------------------------------------------------------------

// Width in characters of UTF-8 text (continuation bytes do not count).
size_t display_width(const std::string& s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

struct Formats {
  lxw_format* header = nullptr;
  lxw_format* hours = nullptr;
  lxw_format* integer = nullptr;
  lxw_format* ratio = nullptr;
  lxw_format* empty_day = nullptr;
  lxw_format* fill[4] = {nullptr, nullptr, nullptr, nullptr};  // 1er, 2er-regular, 2er-split, 3er
};

const std::array<const char*, 4> kBlockTypes = {"1er", "2er-regular", "2er-split", "3er"};

lxw_format* fill_format(const Formats& f, const std::string& type) {
  for (size_t i = 0; i < kBlockTypes.size(); ++i)
    if (type == kBlockTypes[i]) return f.fill[i];
  return nullptr;
}

Formats make_formats(lxw_workbook* wb) {
  Formats f;
  f.header = workbook_add_format(wb);
  format_set_bold(f.header);
  format_set_bottom(f.header, LXW_BORDER_THIN);
  format_set_bg_color(f.header, 0xE7E6E6);
  format_set_pattern(f.header, LXW_PATTERN_SOLID);
  f.hours = workbook_add_format(wb);
  format_set_num_format(f.hours, "0.00");
  f.integer = workbook_add_format(wb);
  format_set_num_format(f.integer, "0");
  f.ratio = workbook_add_format(wb);
  format_set_num_format(f.ratio, "0.00%");
  f.empty_day = workbook_add_format(wb);
  format_set_align(f.empty_day, LXW_ALIGN_CENTER);
  format_set_font_color(f.empty_day, 0x808080);
  for (size_t i = 0; i < kBlockTypes.size(); ++i) {
    f.fill[i] = workbook_add_format(wb);
    format_set_pattern(f.fill[i], LXW_PATTERN_SOLID);
    format_set_bg_color(f.fill[i], xlsx_block_fill(kBlockTypes[i]));
  }
  return f;
}

// Tracks each column's widest text so the sheet opens readable.
class SheetWriter {
 public:
  SheetWriter(lxw_worksheet* ws, size_t columns) : ws_(ws), widths_(columns, 6) {}
  void text(int row, int col, const std::string& s, lxw_format* fmt = nullptr) {
    worksheet_write_string(ws_, static_cast<lxw_row_t>(row), static_cast<lxw_col_t>(col), s.c_str(), fmt);
    widen(col, display_width(s));
  }
  void number(int row, int col, double v, lxw_format* fmt, size_t shown_width = 8) {
    worksheet_write_number(ws_, static_cast<lxw_row_t>(row), static_cast<lxw_col_t>(col), v, fmt);
    widen(col, shown_width);
  }
  void header(const std::vector<std::string>& names, lxw_format* fmt) {
    for (size_t c = 0; c < names.size(); ++c) text(0, static_cast<int>(c), names[c], fmt);
  }
  void finish(int max_width = 60) {
    for (size_t c = 0; c < widths_.size(); ++c)
      worksheet_set_column(ws_, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c),
                           static_cast<double>(std::min<size_t>(widths_[c] + 2, static_cast<size_t>(max_width))), nullptr);
  }
  lxw_worksheet* sheet() const { return ws_; }

 private:
  void widen(int col, size_t w) {
    if (col >= 0 && static_cast<size_t>(col) < widths_.size()) widths_[static_cast<size_t>(col)] = std::max(widths_[static_cast<size_t>(col)], w);
  }
  lxw_worksheet* ws_;
  std::vector<size_t> widths_;
};

// The block type as the German sheet shows it ("2er-regular" -> "2er regulär"); other texts as they are.
std::string block_name_german(const std::string& kind) {
  if (kind == "2er-regular") return "2er regul\xC3\xA4r";
  if (kind == "2er-split") return "2er geteilt";
  return kind;
}

void write_roster_sheet(lxw_workbook* wb, const Formats& f, const Model& m, const std::string& week) {
  SheetWriter w(workbook_add_worksheet(wb, "Schichtplan"), 10);
  std::vector<std::string> head = {"Fahrer"};
  for (int d = 0; d < kDaysPerWeek; ++d) {  // "Montag 15.12.2025" when the plan names its week
    const std::string date = german_date_of_day(week, d);
    head.emplace_back(std::string(day_german_name(d)) + (date.empty() ? "" : " " + date));
  }
  head.emplace_back("Stunden");
  head.emplace_back("Typ");
  w.header(head, f.header);
  int row = 1;
  for (const DriverRow& d : m.drivers) {
    w.text(row, 0, d.id);
    for (int day = 0; day < kDaysPerWeek; ++day) {
      const DayCell& c = d.cells[static_cast<size_t>(day)];
      if (c.text.empty()) w.text(row, 1 + day, "-", f.empty_day);
      else w.text(row, 1 + day, c.text, fill_format(f, c.block_type));
    }
    if (d.hours) w.number(row, 8, *d.hours, f.hours);
    else w.text(row, 8, "-");
    w.text(row, 9, d.type.empty() ? "-" : d.type);
    ++row;
  }
  worksheet_freeze_panes(w.sheet(), 1, 1);
  worksheet_autofilter(w.sheet(), 0, 0, static_cast<lxw_row_t>(std::max(0, row - 1)), 9);
  w.finish();
}

void write_driver_sheet(lxw_workbook* wb, const Formats& f, const Model& m) {
  SheetWriter w(workbook_add_worksheet(wb, "Fahrer"), 4);
  w.header({"Fahrer", "Typ", "Stunden", "Arbeitstage"}, f.header);
  int row = 1;
  for (const DriverRow& d : m.drivers) {
    w.text(row, 0, d.id);
    w.text(row, 1, d.type.empty() ? "-" : d.type);
    if (d.hours) w.number(row, 2, *d.hours, f.hours);
    else w.text(row, 2, "-");
    if (d.days) w.number(row, 3, *d.days, f.integer);
    else w.text(row, 3, "-");
    ++row;
  }
  worksheet_freeze_panes(w.sheet(), 1, 0);
  worksheet_autofilter(w.sheet(), 0, 0, static_cast<lxw_row_t>(std::max(0, row - 1)), 3);
  w.finish();
}

void write_tour_sheet(lxw_workbook* wb, const Formats& f, const Model& m) {
  const int cols = m.any_locked ? 8 : 7;
  SheetWriter w(workbook_add_worksheet(wb, "Touren"), cols);
  std::vector<std::string> head = {"Tour", "Tag", "Start", "Ende", "Fahrer", "Block", "Blocktyp"};
  if (m.any_locked) head.emplace_back("Fest");
  w.header(head, f.header);
  int row = 1;
  for (const TourRow& t : m.tours) {
    w.text(row, 0, t.id);
    w.text(row, 1, t.day == kNoDay ? std::string() : std::string(day_german_name(t.day)));
    w.text(row, 2, t.start);
    w.text(row, 3, t.end);
    w.text(row, 4, t.driver);
    w.text(row, 5, t.block_id);
    w.text(row, 6, block_name_german(t.block_type), fill_format(f, t.block_type));  // "2er regulär", the fill by kind
    if (m.any_locked) w.text(row, 7, t.locked ? "ja" : "");
    ++row;
  }
  worksheet_freeze_panes(w.sheet(), 1, 0);
  worksheet_autofilter(w.sheet(), 0, 0, static_cast<lxw_row_t>(std::max(0, row - 1)), static_cast<lxw_col_t>(cols - 1));
  w.finish();
}

// A re-plan's call list (dispatch.md §2): one row per affected driver.
void write_changes_sheet(lxw_workbook* wb, const Formats& f, const json& changes) {
  SheetWriter w(workbook_add_worksheet(wb, "\xC3\x84nderungen"), 4);
  w.header({"Fahrer", "Name", "Neu \xC3\xBC" "bernommen", "Abgegeben"}, f.header);
  auto ids = [](const json& list) {
    std::string out;
    for (const json& t : list) out += (out.empty() ? "" : ", ") + (t.is_string() ? t.get<std::string>() : t.dump());
    return out;
  };
  int row = 1;
  for (const json& d : array_of(changes, "per_driver")) {
    w.text(row, 0, text_of(d, "driver_id"));
    w.text(row, 1, text_of(d, "name"));
    w.text(row, 2, ids(array_of(d, "gained")));
    w.text(row, 3, ids(array_of(d, "lost")));
    ++row;
  }
  worksheet_freeze_panes(w.sheet(), 1, 0);
  w.finish();
}

enum class Shown { Text, Integer, Hours, Ratio };

struct KpiRow {
  const char* section;  // top-level object ("" = the plan itself)
  const char* key;
  Shown shown;
  const char* meaning;
};

// Every figure of the plan a dispatcher or controller may ask for, in a fixed order.
const std::vector<KpiRow>& kpi_rows() {
  static const std::vector<KpiRow> rows = {
      {"", "run_id", Shown::Text, "Lauf"},
      {"", "week_start", Shown::Text, "Wochenbeginn (Montag)"},
      {"", "status", Shown::Text, "Ergebnis des Laufs"},
      {"", "solution_signature", Shown::Text, "Signatur der Lösung (gleiche Eingabe = gleiche Signatur)"},
      {"kpis", "drivers_total", Shown::Integer, "Fahrer gesamt"},
      {"kpis", "drivers_fte", Shown::Integer, "Fahrer Vollzeit (FTE)"},
      {"kpis", "drivers_pt", Shown::Integer, "Fahrer Teilzeit (PT)"},
      {"kpis", "pt_ratio", Shown::Ratio, "Anteil Teilzeit (PT / gesamt)"},
      {"kpis", "underfull_ratio", Shown::Ratio, "Anteil FTE unter den Zielstunden"},
      {"kpis", "coverage_rate", Shown::Ratio, "Abdeckung (zugeteilte Touren / Touren)"},
      {"kpis", "tours_total", Shown::Integer, "Touren"},
      {"kpis", "tours_covered", Shown::Integer, "Touren zugeteilt"},
      {"kpis", "blocks_3er", Shown::Integer, "Blöcke 3er"},
      {"kpis", "blocks_2er_regular", Shown::Integer, "Blöcke 2er regulär"},
      {"kpis", "blocks_2er_split", Shown::Integer, "Blöcke 2er geteilt (Split)"},
      {"kpis", "blocks_1er", Shown::Integer, "Blöcke 1er"},
      {"kpis", "hours_min", Shown::Hours, "Wochenstunden je Fahrer: Minimum"},
      {"kpis", "hours_avg", Shown::Hours, "Wochenstunden je Fahrer: Durchschnitt"},
      {"kpis", "hours_max", Shown::Hours, "Wochenstunden je Fahrer: Maximum"},
      {"kpis", "hours_fte_min", Shown::Hours, "Wochenstunden FTE: Minimum"},
      {"kpis", "hours_fte_avg", Shown::Hours, "Wochenstunden FTE: Durchschnitt"},
      {"kpis", "hours_fte_max", Shown::Hours, "Wochenstunden FTE: Maximum"},
      {"kpis", "hours_pt_min", Shown::Hours, "Wochenstunden PT: Minimum"},
      {"kpis", "hours_pt_avg", Shown::Hours, "Wochenstunden PT: Durchschnitt"},
      {"kpis", "hours_pt_max", Shown::Hours, "Wochenstunden PT: Maximum"},
      {"kpis", "tight_rest_count", Shown::Integer, "Ruhezeiten genau am Minimum"},
      {"kpis", "forced_1er_count", Shown::Integer, "Touren, die nur als 1er fahrbar sind"},
      {"kpis", "missed_3er_opps", Shown::Integer, "Touren im 1er, obwohl ein 3er möglich wäre"},
      {"kpis", "lower_bound", Shown::Integer, "Untere Schranke (beste bewiesene)"},
      {"kpis", "gap_to_lb", Shown::Ratio, "Abstand zur unteren Schranke ((Fahrer - Schranke) / Schranke)"},
      {"lower_bounds", "hours", Shown::Integer, "Schranke Stundensumme (Arbeit / max. Wochenarbeitszeit)"},
      {"lower_bounds", "per_day", Shown::Integer, "Schranke Blöcke je Tag"},
      {"lower_bounds", "path_cover", Shown::Integer, "Schranke Pfadüberdeckung"},
      {"lower_bounds", "rest_concurrency", Shown::Integer, "Schranke Ruhezeit-Engpass zweier Folgetage"},
      {"lower_bounds", "lp", Shown::Integer, "Schranke LP-Relaxation (aufgerundet)"},
      {"lower_bounds", "best", Shown::Integer, "Beste Schranke"},
      {"lower_bounds", "best_name", Shown::Text, "Name der besten Schranke"},
      {"audit", "ok", Shown::Text, "Regelprüfung bestanden"},
      {"audit", "violations", Shown::Integer, "Regelverstöße"},
      {"", "reason_codes", Shown::Text, "Hinweiscodes"},
  };
  return rows;
}

// Driver mode only (a plan with a "driver_mode" object): the pool and what stayed open.
const std::vector<KpiRow>& driver_mode_rows() {
  static const std::vector<KpiRow> rows = {
      {"kpis", "drivers_available", Shown::Integer, "Fahrer in der Fahrerliste"},
      {"kpis", "tours_uncovered", Shown::Integer, "Nicht zugeteilte Touren"},
      {"lower_bounds", "uncovered_tours", Shown::Integer, "Schranke: so viele Touren bleiben mit dieser Fahrerliste mindestens offen"},
      {"kpis", "contract_shortfall_hours", Shown::Hours, "Fehlstunden zur vertraglichen Mindestarbeitszeit (Summe)"},
      {"kpis", "drivers_below_contract_min", Shown::Integer, "Fahrer unter ihrer vertraglichen Mindestarbeitszeit"},
      {"driver_mode", "locks_requested", Shown::Integer, "Feste Zuordnungen (Fahrer, Tour) angefragt"},
      {"driver_mode", "locks_kept", Shown::Integer, "Feste Zuordnungen eingehalten"},
      {"driver_mode", "kept_assignments", Shown::Integer, "Zuordnungen aus dem Vorplan beibehalten"},
  };
  return rows;
}

std::string join_texts(const json& arr) {
  std::string out;
  for (const json& v : arr) out += (out.empty() ? "" : ", ") + (v.is_string() ? v.get<std::string>() : v.dump());
  return out;
}

void write_kpi_sheet(lxw_workbook* wb, const Formats& f, const Model& m) {
  SheetWriter w(workbook_add_worksheet(wb, "Kennzahlen"), 3);
  w.header({"Kennzahl", "Wert", "Bedeutung"}, f.header);
  int row = 1;
  std::vector<KpiRow> rows = kpi_rows();
  if (m.plan.contains("driver_mode") && m.plan["driver_mode"].is_object())
    rows.insert(rows.begin() + 3, driver_mode_rows().begin(), driver_mode_rows().end());
  for (const KpiRow& k : rows) {
    const json& obj = *k.section ? (m.plan.contains(k.section) ? m.plan[k.section] : json()) : m.plan;
    const json v = obj.is_object() && obj.contains(k.key) ? obj[k.key] : json();
    w.text(row, 0, *k.section ? std::string(k.section) + "." + k.key : std::string(k.key));
    if (v.is_array() && k.shown == Shown::Integer) w.number(row, 1, static_cast<double>(v.size()), f.integer);
    else if (v.is_array()) w.text(row, 1, v.empty() ? "-" : join_texts(v));
    else if (v.is_boolean()) w.text(row, 1, v.get<bool>() ? "ja" : "nein");
    else if (v.is_number() && k.shown != Shown::Text) {
      lxw_format* fmt = k.shown == Shown::Ratio ? f.ratio : (k.shown == Shown::Hours ? f.hours : f.integer);
      w.number(row, 1, v.get<double>(), fmt);
    } else if (v.is_null() || (v.is_string() && v.get<std::string>().empty())) w.text(row, 1, "-");
    else w.text(row, 1, v.is_string() ? v.get<std::string>() : v.dump());
    w.text(row, 2, k.meaning);
    ++row;
  }
  ++row;  // a blank row, then the colour legend of the Schichtplan sheet
  w.text(row++, 0, "Legende Blocktyp", f.header);
  const std::array<const char*, 4> meaning = {"1 Tour am Tag", "2 Touren, Pause 30-60 min",
                                              "2 Touren mit langer Pause (geteilter Dienst)", "3 Touren am Tag"};
  for (size_t i = 0; i < kBlockTypes.size(); ++i) {
    w.text(row, 0, kBlockTypes[i], f.fill[i]);
    w.text(row, 2, meaning[i]);
    ++row;
  }
  worksheet_freeze_panes(w.sheet(), 1, 0);
  w.finish(70);
}

// The document date: the plan's week start at 00:00 UTC, so the file never depends on the clock.
time_t document_date(const std::string& week_start) {
  std::tm tm{};
  int y = 0, mo = 0, d = 0;
  if (week_start.size() == 10 && std::sscanf(week_start.c_str(), "%4d-%2d-%2d", &y, &mo, &d) == 3 && y >= 1980 &&
      y <= 9999 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31) {
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    return timegm(&tm);
  }
  return 946857600;  // 2000-01-03 (a Monday): a fixed date when the plan has none
}

// A private temporary directory, removed with everything in it when the object dies.
class ScratchDir {
 public:
  ScratchDir() {
    std::error_code ec;
    std::filesystem::path base = std::filesystem::temp_directory_path(ec);
    if (ec) base = "/tmp";
    std::string pattern = (base / "so-xlsx-XXXXXX").string();
    if (!::mkdtemp(pattern.data()))
      throw std::runtime_error("roster_xlsx: cannot create a temporary directory under " + base.string());
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace

uint32_t xlsx_block_fill(const std::string& block_type) {
  if (block_type == "3er") return 0xC6EFCE;
  if (block_type == "2er-regular") return 0xDDEBF7;
  if (block_type == "2er-split") return 0xFFE699;
  if (block_type == "1er") return 0xF8CBAD;
  return 0;
}

std::string roster_xlsx_from_plan_json(const json& plan) {
  if (!plan.is_object()) throw std::invalid_argument("roster_xlsx: the plan must be a JSON object");
  const Model m = model_from_plan(plan);

  ScratchDir dir;
  const std::string file = dir.path() + "/roster.xlsx";
  lxw_workbook_options options{};
  options.constant_memory = LXW_FALSE;
  options.tmpdir = const_cast<char*>(dir.path().c_str());
  options.use_zip64 = LXW_FALSE;
  lxw_workbook* wb = workbook_new_opt(file.c_str(), &options);
  if (!wb) throw std::runtime_error("roster_xlsx: cannot create a workbook in " + dir.path());

  const std::string week = text_of(plan, "week_start");
  std::string title = "Schichtplan" + (week.empty() ? std::string() : " Woche ab " + week);
  lxw_doc_properties props{};
  props.title = title.data();
  props.author = const_cast<char*>("shift-optimizer");
  props.created = document_date(week);
  workbook_set_properties(wb, &props);

  const Formats f = make_formats(wb);
  write_roster_sheet(wb, f, m, week);
  write_driver_sheet(wb, f, m);
  write_tour_sheet(wb, f, m);
  if (plan.contains("changes") && plan["changes"].is_object()) write_changes_sheet(wb, f, plan["changes"]);
  write_kpi_sheet(wb, f, m);

  if (lxw_error err = workbook_close(wb); err != LXW_NO_ERROR)
    throw std::runtime_error(std::string("roster_xlsx: cannot write the workbook: ") + lxw_strerror(err));
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("roster_xlsx: cannot read back " + file);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string roster_xlsx(const PlanReport& report, const std::vector<Tour>& tours) {
  json plan = plan_report_to_json(report, tours);
  if (!report.lower_bounds.best_name.empty()) plan["lower_bounds"]["best_name"] = report.lower_bounds.best_name;
  // The plan JSON names unassigned tours only by id; the sheet shows their day and times too.
  json& un = plan["unassigned_tours"];
  for (size_t i = 0; i < report.plan.unassigned.size() && i < un.size(); ++i) {
    const Tour& t = tours.at(static_cast<size_t>(report.plan.unassigned[i].tour));
    un[i]["day"] = std::string(day_short_name(t.day));
    un[i]["start_time"] = format_hhmm(t.start);
    un[i]["end_time"] = format_hhmm(t.end);
  }
  return roster_xlsx_from_plan_json(plan);
}

}  // namespace so
