// solution_signature (api.md §4): SHA-256 of a canonical plan text.
#include "core/signature.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <stdexcept>

namespace so {

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr) != 1 || len != 32)
    throw std::runtime_error("SHA-256 (OpenSSL EVP_Digest) failed");
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xF]);
  }
  return out;
}

namespace {

// Tours are named by id (stable across runs); an out-of-range index still gets a distinct name.
std::string tour_name(int index, const std::vector<Tour>& tours) {
  if (index >= 0 && index < static_cast<int>(tours.size())) return tours[static_cast<size_t>(index)].id;
  std::string name = "#";  // appended, not operator+: GCC 12 warns falsely (-Wrestrict) on "#" + to_string
  name += std::to_string(index);
  return name;
}

std::string join(std::vector<std::string> items, char sep) {
  std::sort(items.begin(), items.end());
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out.push_back(sep);
    out += items[i];
  }
  return out;
}

}  // namespace

std::string canonical_plan_text(const std::vector<Tour>& tours, const Plan& plan) {
  return canonical_plan_text(tours, plan, false);
}

std::string canonical_plan_text(const std::vector<Tour>& tours, const Plan& plan, bool with_driver_ids) {
  // Forecast mode: driver ids and roster/block/tour order are left out, only who-works-what
  // counts. Driver mode: the ids are real people, so they are part of the content.
  std::vector<std::string> lines;
  for (const Roster& r : plan.rosters) {
    std::vector<const Block*> blocks;
    for (const Block& b : r.blocks)
      if (!b.tours.empty()) blocks.push_back(&b);
    if (blocks.empty()) continue;  // an unused driver carries no solution content
    std::stable_sort(blocks.begin(), blocks.end(), [](const Block* a, const Block* b) { return a->day < b->day; });
    std::vector<std::string> parts;
    for (const Block* b : blocks) {
      std::vector<std::string> ids;
      for (int t : b->tours) ids.push_back(tour_name(t, tours));
      parts.push_back(std::to_string(b->day) + ":" + join(std::move(ids), ','));
    }
    // Blocks by day; blocks sharing a day (invalid, but must still hash canonically) sorted by text.
    std::stable_sort(parts.begin(), parts.end(), [](const std::string& a, const std::string& b) {
      const int da = std::stoi(a.substr(0, a.find(':'))), db = std::stoi(b.substr(0, b.find(':')));
      return da != db ? da < db : a < b;
    });
    std::string line = with_driver_ids ? r.driver_id + "=" : std::string();
    for (size_t i = 0; i < parts.size(); ++i) line += (i ? ";" : "") + parts[i];
    lines.push_back(std::move(line));
  }
  std::sort(lines.begin(), lines.end());
  std::vector<std::string> unassigned;
  for (const UnassignedTour& u : plan.unassigned) unassigned.push_back(tour_name(u.tour, tours));
  // The status line keeps a plan with unassigned tours from ever colliding with a complete one.
  std::string text = unassigned.empty() ? "status:complete\n" : "status:partial\n";
  for (const auto& l : lines) text += l + "\n";
  if (!unassigned.empty()) text += "unassigned:" + join(std::move(unassigned), ',') + "\n";
  return text;
}

std::string solution_signature(const std::vector<Tour>& tours, const Plan& plan) {
  return "sha256:" + sha256_hex(canonical_plan_text(tours, plan));
}

std::string solution_signature(const std::vector<Tour>& tours, const Plan& plan, bool with_driver_ids) {
  return "sha256:" + sha256_hex(canonical_plan_text(tours, plan, with_driver_ids));
}

}  // namespace so
