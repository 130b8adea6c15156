// The Excel export (io/xlsx_export): the workbook is read back with a small zip reader (central
// directory + zlib raw inflate) and a minimal SpreadsheetML cell reader, then sheet names, row
// counts, specific cells, number values and block-type fills are checked.
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>
#include <map>
#include <stdexcept>
#include <thread>

#include "core/kpis.hpp"
#include "io/plan_json.hpp"
#include "io/xlsx_export.hpp"

namespace so {
namespace {

using nlohmann::json;

// ---- a minimal zip reader --------------------------------------------------------------------

uint32_t le(const std::string& b, size_t at, int bytes) {
  if (at + static_cast<size_t>(bytes) > b.size()) throw std::runtime_error("zip: truncated at " + std::to_string(at));
  uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(b[at + static_cast<size_t>(i)]);
  return v;
}

std::string inflate_raw(const std::string& in, size_t expected) {
  std::string out(expected, '\0');
  z_stream zs{};
  if (inflateInit2(&zs, -MAX_WBITS) != Z_OK) throw std::runtime_error("zlib: inflateInit2 failed");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&zs, Z_FINISH);
  inflateEnd(&zs);
  if (rc != Z_STREAM_END || zs.total_out != expected) throw std::runtime_error("zlib: inflate failed");
  return out;
}

// Every entry of a zip archive: name -> uncompressed content.
std::map<std::string, std::string> unzip(const std::string& zip) {
  size_t eocd = std::string::npos;
  for (size_t i = zip.size() >= 22 ? zip.size() - 22 : 0; i != std::string::npos && i + 22 <= zip.size(); --i) {
    if (le(zip, i, 4) == 0x06054b50) {
      eocd = i;
      break;
    }
    if (i == 0) break;
  }
  if (eocd == std::string::npos) throw std::runtime_error("zip: no end of central directory");
  const uint32_t entries = le(zip, eocd + 10, 2);
  size_t at = le(zip, eocd + 16, 4);
  std::map<std::string, std::string> files;
  for (uint32_t e = 0; e < entries; ++e) {
    if (le(zip, at, 4) != 0x02014b50) throw std::runtime_error("zip: bad central directory entry");
    const uint32_t method = le(zip, at + 10, 2), csize = le(zip, at + 20, 4), usize = le(zip, at + 24, 4);
    const uint32_t nlen = le(zip, at + 28, 2), xlen = le(zip, at + 30, 2), clen = le(zip, at + 32, 2);
    const uint32_t local = le(zip, at + 42, 4);
    const std::string name = zip.substr(at + 46, nlen);
    at += 46 + nlen + xlen + clen;
    if (le(zip, local, 4) != 0x04034b50) throw std::runtime_error("zip: bad local header for " + name);
    const size_t data = local + 30 + le(zip, local + 26, 2) + le(zip, local + 28, 2);
    const std::string raw = zip.substr(data, csize);
    if (method == 0) files[name] = raw;
    else if (method == 8) files[name] = inflate_raw(raw, usize);
    else throw std::runtime_error("zip: unsupported method " + std::to_string(method));
  }
  return files;
}

// ---- a minimal SpreadsheetML reader (a scanner, no regex: fast and stack-safe on big sheets) ------

std::string unescape_xml(std::string s) {
  const std::pair<std::string, std::string> ents[] = {{"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}};
  for (const auto& [from, to] : ents)
    for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
  return s;
}

// Every element <name …>…</name> or <name …/> in `xml` (elements of that name must not nest).
std::vector<std::string> elements(const std::string& xml, const std::string& name) {
  std::vector<std::string> out;
  const std::string open = "<" + name, close = "</" + name + ">";
  for (size_t p = xml.find(open); p != std::string::npos; p = xml.find(open, p + 1)) {
    const char next = p + open.size() < xml.size() ? xml[p + open.size()] : '\0';
    if (next != ' ' && next != '>' && next != '/') continue;
    const size_t gt = xml.find('>', p);
    if (gt == std::string::npos) break;
    if (xml[gt - 1] == '/') {
      out.push_back(xml.substr(p, gt + 1 - p));
      continue;
    }
    const size_t end = xml.find(close, gt);
    if (end == std::string::npos) break;
    out.push_back(xml.substr(p, end + close.size() - p));
  }
  return out;
}

// The value of an attribute of an element's start tag, "" when absent.
std::string attr(const std::string& element, const std::string& name) {
  const std::string tag = element.substr(0, element.find('>'));
  const std::string key = " " + name + "=\"";
  const size_t p = tag.find(key);
  if (p == std::string::npos) return {};
  const size_t b = p + key.size(), e = tag.find('"', b);
  return tag.substr(b, e - b);
}

// Text between an element's start and end tag ("" for an empty element).
std::string inner(const std::string& element) {
  const size_t gt = element.find('>');
  if (gt == std::string::npos || element[gt - 1] == '/') return {};
  const size_t lt = element.rfind("</");
  return element.substr(gt + 1, lt - gt - 1);
}

struct Cell {
  std::string value;  // text, or the number as written
  bool number = false;
  int style = 0;
};

struct Workbook {
  std::map<std::string, std::string> files;
  std::vector<std::string> sheet_names;
  std::vector<std::string> shared;
  std::vector<int> xf_fill;           // cellXfs index -> fillId
  std::vector<std::string> fill_rgb;  // fillId -> fgColor rgb ("" = none)

  explicit Workbook(const std::string& bytes) : files(unzip(bytes)) {
    for (const std::string& s : elements(files.at("xl/workbook.xml"), "sheet")) sheet_names.push_back(unescape_xml(attr(s, "name")));
    if (files.count("xl/sharedStrings.xml")) {
      for (const std::string& si : elements(files.at("xl/sharedStrings.xml"), "si")) {
        std::string text;
        for (const std::string& t : elements(si, "t")) text += inner(t);
        shared.push_back(unescape_xml(text));
      }
    }
    const std::string& st = files.at("xl/styles.xml");
    const auto xfs = elements(st, "cellXfs");
    if (!xfs.empty())
      for (const std::string& xf : elements(xfs[0], "xf"))
        xf_fill.push_back(attr(xf, "fillId").empty() ? 0 : std::stoi(attr(xf, "fillId")));
    const auto fills = elements(st, "fills");
    if (!fills.empty())
      for (const std::string& f : elements(fills[0], "fill")) {
        const auto fg = elements(f, "fgColor");
        fill_rgb.push_back(fg.empty() ? "" : attr(fg[0], "rgb"));
      }
  }

  // Cells of sheet `index` (1-based, workbook order) by reference ("B2").
  std::map<std::string, Cell> sheet(int index) const {
    std::map<std::string, Cell> cells;
    for (const std::string& c : elements(files.at("xl/worksheets/sheet" + std::to_string(index) + ".xml"), "c")) {
      Cell cell;
      const std::string s = attr(c, "s"), t = attr(c, "t");
      cell.style = s.empty() ? 0 : std::stoi(s);
      const auto v = elements(c, "v");
      const std::string v_text = v.empty() ? "" : inner(v[0]);
      if (t == "s") cell.value = shared.at(std::stoul(v_text));
      else if (t == "inlineStr") {
        for (const std::string& tt : elements(c, "t")) cell.value += unescape_xml(inner(tt));
      } else if (t == "str" || t == "b") cell.value = unescape_xml(v_text);
      else {
        cell.value = v_text;
        cell.number = !v.empty();
      }
      cells[attr(c, "r")] = cell;
    }
    return cells;
  }

  std::string fill_of(const Cell& c) const {
    if (c.style < 0 || static_cast<size_t>(c.style) >= xf_fill.size()) return "";
    const int f = xf_fill[static_cast<size_t>(c.style)];
    return f >= 0 && static_cast<size_t>(f) < fill_rgb.size() ? fill_rgb[static_cast<size_t>(f)] : "";
  }
};

// "B7" without `const char* + std::string` (GCC 12 warns falsely about that at -O3).
std::string cell_ref(char column, int row) {
  std::string ref(1, column);
  ref += std::to_string(row);
  return ref;
}

int rows_of(const std::map<std::string, Cell>& cells) {
  int max_row = 0;
  for (const auto& [ref, c] : cells) max_row = std::max(max_row, std::stoi(ref.substr(ref.find_first_of("0123456789"))));
  return max_row;
}

std::string text(const std::map<std::string, Cell>& cells, const std::string& ref) {
  auto it = cells.find(ref);
  return it == cells.end() ? "<missing " + ref + ">" : it->second.value;
}

// Row number whose column A holds `key`, or 0.
int row_with(const std::map<std::string, Cell>& cells, const std::string& key) {
  for (const auto& [ref, c] : cells)
    if (ref[0] == 'A' && std::isdigit(static_cast<unsigned char>(ref[1])) && c.value == key) return std::stoi(ref.substr(1));
  return 0;
}

// ---- a small plan with every block type, a tour over midnight and an unassigned tour ----------

struct Fixture {
  std::vector<Tour> tours;
  PlanReport report;
};

Fixture small_week() {
  auto hm = [](int h, int m) { return h * 60 + m; };
  Fixture f;
  f.tours = {make_tour("T0001", 0, hm(5, 0), hm(9, 30)),    make_tour("T0002", 0, hm(10, 0), hm(14, 30)),
             make_tour("T0003", 0, hm(15, 0), hm(19, 30)),  make_tour("T0004", 1, hm(4, 45), hm(9, 15)),
             make_tour("T0005", 1, hm(14, 0), hm(18, 30)),  make_tour("T0006", 2, hm(6, 0), hm(10, 30)),
             make_tour("T0007", 0, hm(6, 0), hm(10, 30)),   make_tour("T0008", 0, hm(11, 0), hm(15, 30)),
             make_tour("T0009", 5, hm(22, 0), hm(2, 30)),   make_tour("T0010", 3, hm(8, 0), hm(12, 0))};
  Plan& p = f.report.plan;
  p.rosters.push_back({"D001",
                       {{0, {0, 1, 2}, BlockKind::Three}, {1, {3, 4}, BlockKind::TwoSplit}, {2, {5}, BlockKind::One}}});
  p.rosters.push_back({"D002", {{0, {6, 7}, BlockKind::TwoRegular}, {5, {8}, BlockKind::One}}});
  p.unassigned.push_back({9, {"DRIVER_NOT_AVAILABLE", "NO_AVAILABLE_DRIVER"}});
  PlanReport& r = f.report;
  r.run_id = "run-xlsx";
  r.week_start = "2025-12-15";
  r.status = "INFEASIBLE";
  r.solution_signature = "sha256:" + std::string(64, 'b');
  r.lower_bounds = {1, 2, 2, 2, 2, 1.5, 2, "lp"};
  r.kpis = compute_kpis(f.tours, r.policy, p, r.lower_bounds.best);
  r.audit.ok = true;
  r.reason_codes = {"INFEASIBLE"};
  return f;
}

TEST(XlsxExport, SheetsInOrderAndAValidZip) {
  const Fixture f = small_week();
  const std::string bytes = roster_xlsx(f.report, f.tours);
  ASSERT_GE(bytes.size(), 4u);
  EXPECT_EQ(bytes.substr(0, 4), std::string("PK\x03\x04", 4));
  const Workbook wb(bytes);
  EXPECT_EQ(wb.sheet_names, (std::vector<std::string>{"Schichtplan", "Fahrer", "Touren", "Kennzahlen"}));
  EXPECT_TRUE(wb.files.count("[Content_Types].xml"));
}

TEST(XlsxExport, RosterMatrixCellsHoursTypeAndFills) {
  const Fixture f = small_week();
  const Workbook wb(roster_xlsx(f.report, f.tours));
  const auto s = wb.sheet(1);
  EXPECT_EQ(rows_of(s), 3);  // header + 2 drivers
  // The day headers carry the dates of the plan's week (week_start 2025-12-15, a Monday).
  const std::vector<std::string> head = {"Fahrer", "Montag 15.12.2025", "Dienstag 16.12.2025", "Mittwoch 17.12.2025",
                                         "Donnerstag 18.12.2025", "Freitag 19.12.2025", "Samstag 20.12.2025",
                                         "Sonntag 21.12.2025", "Stunden", "Typ"};
  for (size_t c = 0; c < head.size(); ++c) EXPECT_EQ(text(s, std::string(1, static_cast<char>('A' + c)) + "1"), head[c]);
  EXPECT_EQ(text(s, "A2"), "D001");
  EXPECT_EQ(text(s, "B2"), "05:00-09:30/10:00-14:30/15:00-19:30");
  EXPECT_EQ(text(s, "C2"), "04:45-09:15/14:00-18:30");
  EXPECT_EQ(text(s, "D2"), "06:00-10:30");
  EXPECT_EQ(text(s, "E2"), "-");
  EXPECT_EQ(text(s, "H2"), "-");
  // D001 works 6 tours of 4.5 h = 27 h: a number cell, and PT under the 40 h threshold.
  ASSERT_TRUE(s.at("I2").number);
  EXPECT_DOUBLE_EQ(std::stod(s.at("I2").value), 27.0);
  EXPECT_EQ(text(s, "J2"), "PT");
  EXPECT_EQ(text(s, "A3"), "D002");
  EXPECT_EQ(text(s, "B3"), "06:00-10:30/11:00-15:30");
  EXPECT_EQ(text(s, "G3"), "22:00-02:30");  // over midnight: the end is the next day's clock
  EXPECT_DOUBLE_EQ(std::stod(s.at("I3").value), 13.5);
  // Fill colour by block type; empty days and the id column have none.
  EXPECT_EQ(wb.fill_of(s.at("B2")), "FFC6EFCE");  // 3er
  EXPECT_EQ(wb.fill_of(s.at("C2")), "FFFFE699");  // 2er-split
  EXPECT_EQ(wb.fill_of(s.at("D2")), "FFF8CBAD");  // 1er
  EXPECT_EQ(wb.fill_of(s.at("B3")), "FFDDEBF7");  // 2er-regular
  EXPECT_EQ(wb.fill_of(s.at("E2")), "");
  EXPECT_EQ(wb.fill_of(s.at("A2")), "");
}

TEST(XlsxExport, DriverSheet) {
  const Fixture f = small_week();
  const auto s = Workbook(roster_xlsx(f.report, f.tours)).sheet(2);
  EXPECT_EQ(rows_of(s), 3);
  EXPECT_EQ(text(s, "A1") + ";" + text(s, "B1") + ";" + text(s, "C1") + ";" + text(s, "D1"), "Fahrer;Typ;Stunden;Arbeitstage");
  EXPECT_EQ(text(s, "A2") + ";" + text(s, "B2") + ";" + text(s, "C2") + ";" + text(s, "D2"), "D001;PT;27;3");
  EXPECT_EQ(text(s, "A3") + ";" + text(s, "B3") + ";" + text(s, "C3") + ";" + text(s, "D3"), "D002;PT;13.5;2");
}

TEST(XlsxExport, TourSheetOneRowPerTourInDayOrder) {
  const Fixture f = small_week();
  const auto s = Workbook(roster_xlsx(f.report, f.tours)).sheet(3);
  EXPECT_EQ(rows_of(s), 1 + 10);
  auto row = [&](int r) {
    std::string out;
    for (char c = 'A'; c <= 'G'; ++c) {
      auto it = s.find(cell_ref(c, r));
      out += (c == 'A' ? "" : ";") + (it == s.end() ? std::string() : it->second.value);
    }
    return out;
  };
  EXPECT_EQ(row(1), "Tour;Tag;Start;Ende;Fahrer;Block;Blocktyp");
  // Monday by start: T0001 05:00, T0007 06:00, T0002 10:00, T0008 11:00, T0003 15:00.
  EXPECT_EQ(row(2), "T0001;Montag;05:00;09:30;D001;D001-Mon;3er");
  EXPECT_EQ(row(3), "T0007;Montag;06:00;10:30;D002;D002-Mon;2er regul\xC3\xA4r");  // German block names
  EXPECT_EQ(row(4), "T0002;Montag;10:00;14:30;D001;D001-Mon;3er");
  EXPECT_EQ(row(6), "T0003;Montag;15:00;19:30;D001;D001-Mon;3er");
  EXPECT_EQ(row(7), "T0004;Dienstag;04:45;09:15;D001;D001-Tue;2er geteilt");
  EXPECT_EQ(row(9), "T0006;Mittwoch;06:00;10:30;D001;D001-Wed;1er");
  // The unassigned Thursday tour keeps its day and times, with the reasons instead of a driver.
  EXPECT_EQ(row(10), "T0010;Donnerstag;08:00;12:00;;;nicht zugeteilt: DRIVER_NOT_AVAILABLE, NO_AVAILABLE_DRIVER");
  EXPECT_EQ(row(11), "T0009;Samstag;22:00;02:30;D002;D002-Sat;1er");
}

TEST(XlsxExport, KpiSheetNamesValuesAndBounds) {
  const Fixture f = small_week();
  const Workbook wb(roster_xlsx(f.report, f.tours));
  const auto s = wb.sheet(4);
  auto value = [&](const std::string& key) {
    const int r = row_with(s, key);
    return r ? text(s, cell_ref('B', r)) : std::string("<no such row>");
  };
  EXPECT_EQ(text(s, "A1") + ";" + text(s, "B1") + ";" + text(s, "C1"), "Kennzahl;Wert;Bedeutung");
  EXPECT_EQ(value("run_id"), "run-xlsx");
  EXPECT_EQ(value("week_start"), "2025-12-15");
  EXPECT_EQ(value("status"), "INFEASIBLE");
  EXPECT_EQ(value("kpis.drivers_total"), std::to_string(f.report.kpis.drivers_total));
  EXPECT_EQ(f.report.kpis.drivers_total, 2);
  EXPECT_EQ(value("kpis.blocks_3er"), "1");
  EXPECT_EQ(value("kpis.blocks_2er_split"), "1");
  EXPECT_EQ(value("kpis.blocks_1er"), "2");
  EXPECT_EQ(value("kpis.tours_covered"), "9");
  EXPECT_DOUBLE_EQ(std::stod(value("kpis.coverage_rate")), 0.9);
  EXPECT_DOUBLE_EQ(std::stod(value("kpis.hours_max")), 27.0);
  EXPECT_EQ(value("lower_bounds.rest_concurrency"), "2");
  EXPECT_EQ(value("lower_bounds.lp"), "2");
  EXPECT_EQ(value("lower_bounds.best_name"), "lp");
  EXPECT_EQ(value("audit.ok"), "ja");
  EXPECT_EQ(value("audit.violations"), "0");
  EXPECT_EQ(value("reason_codes"), "INFEASIBLE");
  const int legend = row_with(s, "Legende Blocktyp");
  ASSERT_GT(legend, 0);
  EXPECT_EQ(text(s, cell_ref('A', legend + 4)), "3er");
  EXPECT_EQ(wb.fill_of(s.at(cell_ref('A', legend + 4))), "FFC6EFCE");
}

TEST(XlsxExport, DeterministicBytesAcrossTime) {
  const Fixture f = small_week();
  const std::string a = roster_xlsx(f.report, f.tours);
  // Past the 2-second resolution of zip time stamps and the 1-second one of document dates.
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  const std::string b = roster_xlsx(f.report, f.tours);
  EXPECT_TRUE(a == b) << "two exports of the same plan differ (" << a.size() << " vs " << b.size() << " bytes)";
  const Workbook wb(a);
  EXPECT_NE(wb.files.at("docProps/core.xml").find("2025-12-15T00:00:00Z"), std::string::npos)
      << wb.files.at("docProps/core.xml");
}

TEST(XlsxExport, FromStoredPlanJsonMatchesDirectExport) {
  Fixture f = small_week();
  f.report.plan.unassigned.clear();  // the plan JSON names unassigned tours by id only
  json plan = plan_report_to_json(f.report, f.tours);
  plan["lower_bounds"]["best_name"] = "lp";  // as in the stored report document
  EXPECT_TRUE(roster_xlsx_from_plan_json(plan) == roster_xlsx(f.report, f.tours));
  // Round trip through the stored text, as the service reads it back.
  EXPECT_TRUE(roster_xlsx_from_plan_json(json::parse(plan.dump())) == roster_xlsx(f.report, f.tours));
}

TEST(XlsxExport, EmptyPlanGivesHeadersOnly) {
  PlanReport r;
  r.week_start = "2025-12-15";
  const Workbook wb(roster_xlsx(r, {}));
  EXPECT_EQ(rows_of(wb.sheet(1)), 1);
  EXPECT_EQ(rows_of(wb.sheet(2)), 1);
  EXPECT_EQ(rows_of(wb.sheet(3)), 1);
  EXPECT_EQ(text(wb.sheet(1), "A1"), "Fahrer");
}

TEST(XlsxExport, MissingFieldsShowAsDashAndNonObjectsAreRejected) {
  const json plan = {{"drivers", {{{"driver_id", "X1"}, {"blocks", {{{"day", "Fri"}, {"block_type", "1er"},
                                                                      {"tours", {{{"id", "A"}, {"start_time", "07:00"}, {"end_time", "11:30"}}}}}}}}}}};
  const Workbook wb(roster_xlsx_from_plan_json(plan));
  const auto s = wb.sheet(1);
  EXPECT_EQ(text(s, "A2"), "X1");
  EXPECT_EQ(text(s, "F2"), "07:00-11:30");
  EXPECT_EQ(text(s, "I2"), "-");  // no hours given: not computed behind the plan's back
  EXPECT_EQ(text(s, "J2"), "-");
  const auto k = wb.sheet(4);
  EXPECT_EQ(text(k, cell_ref('B', row_with(k, "kpis.drivers_total"))), "-");
  EXPECT_THROW(roster_xlsx_from_plan_json(json::array()), std::invalid_argument);
  EXPECT_THROW(roster_xlsx_from_plan_json(json("x")), std::invalid_argument);
}

TEST(XlsxExport, BlockFillsAreDistinct) {
  EXPECT_EQ(xlsx_block_fill("3er"), 0xC6EFCEu);
  EXPECT_EQ(xlsx_block_fill("2er-regular"), 0xDDEBF7u);
  EXPECT_EQ(xlsx_block_fill("2er-split"), 0xFFE699u);
  EXPECT_EQ(xlsx_block_fill("1er"), 0xF8CBADu);
  EXPECT_EQ(xlsx_block_fill("bogus"), 0u);
}

// Driver mode: the dispatcher sees the real names (id kept beside them) and the pool figures.
TEST(XlsxExport, DriverModeShowsNamesAndPoolFigures) {
  const json plan = {
      {"drivers",
       {{{"driver_id", "D7"}, {"name", "Anna Berger"}, {"driver_type", "PT"}, {"hours", 4.5}, {"days_worked", 1},
         {"blocks", {{{"day", "Tue"}, {"block_type", "1er"}, {"block_id", "D7-Tue"},
                      {"tours", {{{"id", "T1"}, {"start_time", "06:00"}, {"end_time", "10:30"}}}}}}}},
        {{"driver_id", "D9"}, {"name", ""}, {"driver_type", "PT"}, {"hours", 0}, {"days_worked", 0}, {"blocks", json::array()}}}},
      {"unassigned_tours",
       {{{"tour_id", "T2"}, {"day", "Sat"}, {"start_time", "07:00"}, {"end_time", "11:00"},
         {"reason_codes", {"DRIVER_QUALIFICATION_MISSING", "NO_AVAILABLE_DRIVER"}}}}},
      {"kpis", {{"drivers_total", 1}, {"drivers_available", 2}, {"tours_uncovered", 1}}},
      {"lower_bounds", {{"best", 1}, {"uncovered_tours", 1}}},
      {"driver_mode", {{"drivers_available", 2}, {"locks_requested", 0}, {"locks_kept", 0}}}};
  const Workbook wb(roster_xlsx_from_plan_json(plan));
  const auto roster = wb.sheet(1);
  EXPECT_EQ(text(roster, "A2"), "Anna Berger (D7)");
  EXPECT_EQ(text(roster, "A3"), "D9");  // no name: the id alone, never an empty cell
  const auto tours = wb.sheet(3);
  const int t1 = row_with(tours, "T1"), t2 = row_with(tours, "T2");
  ASSERT_GT(t1, 0);
  ASSERT_GT(t2, 0);
  EXPECT_EQ(text(tours, cell_ref('E', t1)), "Anna Berger (D7)");
  EXPECT_NE(text(tours, cell_ref('G', t2)).find("DRIVER_QUALIFICATION_MISSING"), std::string::npos);
  const auto k = wb.sheet(4);
  ASSERT_GT(row_with(k, "kpis.drivers_available"), 0);
  EXPECT_EQ(text(k, cell_ref('B', row_with(k, "kpis.drivers_available"))), "2");
  EXPECT_EQ(text(k, cell_ref('B', row_with(k, "lower_bounds.uncovered_tours"))), "1");
  // Forecast-mode plans carry no driver-mode rows at all.
  const Workbook plain(roster_xlsx_from_plan_json({{"drivers", json::array()}}));
  EXPECT_EQ(row_with(plain.sheet(4), "kpis.drivers_available"), 0);
}

}  // namespace
}  // namespace so

namespace so {
namespace {

// Locked tours are marked in the matrix and the tour sheet; a re-plan adds its call list.
TEST(XlsxExport, LockedToursAndReplanChanges) {
  Fixture f = small_week();
  f.report.driver_mode.enabled = true;
  f.report.driver_mode.locks = {Lock{"D002", {"T0007"}}};
  ChangeReport c;
  c.frozen_until = 2 * 1440;
  c.drivers_affected = 2;
  c.per_driver = {DriverChange{"D001", "Anna", {"T0006"}, {}}, DriverChange{"D002", "Bernd", {}, {"T0006", "T0005"}}};
  f.report.changes = c;
  const Workbook wb(roster_xlsx(f.report, f.tours));
  EXPECT_EQ(wb.sheet_names, (std::vector<std::string>{"Schichtplan", "Fahrer", "Touren", "\xC3\x84nderungen", "Kennzahlen"}));
  const auto matrix = wb.sheet(1);
  EXPECT_EQ(text(matrix, "B3"), "06:00-10:30 (fest)/11:00-15:30");
  const auto tours = wb.sheet(3);
  EXPECT_EQ(text(tours, "H1"), "Fest");
  int locked_rows = 0;
  for (int r = 2; r <= 11; ++r)
    if (text(tours, "H" + std::to_string(r)) == "ja") {
      ++locked_rows;
      EXPECT_EQ(text(tours, "A" + std::to_string(r)), "T0007");
    }
  EXPECT_EQ(locked_rows, 1);
  const auto changes = wb.sheet(4);
  // "\xC3\xBCbernommen" was one hex escape \xBCbe (gcc truncated it, clang refused it): the header was garbled.
  EXPECT_EQ(text(changes, "A1") + ";" + text(changes, "B1") + ";" + text(changes, "C1") + ";" + text(changes, "D1"),
            "Fahrer;Name;Neu \xC3\xBC" "bernommen;Abgegeben");
  EXPECT_EQ(text(changes, "A2") + ";" + text(changes, "B2") + ";" + text(changes, "C2"), "D001;Anna;T0006");
  EXPECT_EQ(text(changes, "A3") + ";" + text(changes, "D3"), "D002;T0006, T0005");
  EXPECT_FALSE(changes.count("D2"));  // nothing lost: an empty cell
  EXPECT_FALSE(changes.count("C3"));
}

}  // namespace
}  // namespace so
