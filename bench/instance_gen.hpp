#pragma once
// Deterministic generator of synthetic forecast weeks for the benchmark and the solver tests:
// mixed tour lengths, cross-midnight tours, Sunday work, several depots. Header-only, seeded by
// splitmix64 (portable: no std distributions, whose output differs between libraries).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "core/driver.hpp"
#include "core/time.hpp"
#include "core/tour.hpp"

namespace so::bench {

struct GenSpec {
  std::string name = "gen";
  uint64_t seed = 1;
  int days = 6;               // Mon.. (7 = with Sunday)
  int depots = 1;             // locations DEPOT1..
  int slots_per_day = 40;     // distinct time windows per day and depot
  int max_count = 6;          // tours per window: 1..max_count
  Minutes min_duration = 180;  // tour lengths in 30-min steps between these
  Minutes max_duration = 480;
  Minutes first_start = 240;  // 04:00
  Minutes last_start = 1200;  // 20:00
  double night_share = 0.0;   // share of windows starting 20:00–23:45 and crossing midnight
};

class SplitMix {
 public:
  explicit SplitMix(uint64_t seed) : s_(seed) {}
  uint64_t next() {
    uint64_t z = (s_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  int below(int n) { return n <= 0 ? 0 : static_cast<int>(next() % static_cast<uint64_t>(n)); }
  double unit() { return static_cast<double>(next() >> 11) / 9007199254740992.0; }

 private:
  uint64_t s_;
};

// Tours of one generated week; ids G00001… in generation order (day, depot, window, copy).
inline std::vector<Tour> generate_week(const GenSpec& g) {
  SplitMix rng(g.seed * 0x9E3779B97F4A7C15ULL + 7);
  std::vector<Tour> tours;
  int next_id = 1;
  const int dur_steps = std::max(0, (g.max_duration - g.min_duration) / 30);
  for (int day = 0; day < g.days; ++day) {
    for (int dep = 0; dep < g.depots; ++dep) {
      const std::string loc = g.depots == 1 ? "DEFAULT" : "DEPOT" + std::to_string(dep + 1);
      for (int s = 0; s < g.slots_per_day; ++s) {
        Minutes start, duration = g.min_duration + 30 * rng.below(dur_steps + 1);
        if (rng.unit() < g.night_share) {
          start = 1200 + 15 * rng.below(16);  // 20:00–23:45
          duration = std::max(duration, 1440 - start + 60);  // ends after midnight
          duration = std::min(duration, 600);
        } else {
          // Two peaks (morning, afternoon) like a delivery depot.
          const int span = std::max(1, (g.last_start - g.first_start) / 15);
          const int a = rng.below(span + 1), b = rng.below(span + 1);
          start = g.first_start + 15 * (rng.unit() < 0.6 ? std::min(a, b) : std::max(a, b));
        }
        const int count = 1 + rng.below(g.max_count);
        for (int c = 0; c < count; ++c) {
          char id[16];
          std::snprintf(id, sizeof id, "G%05d", next_id++);
          tours.push_back(make_tour(id, day, start, (start + duration) % 1440, loc));
        }
      }
    }
  }
  return tours;
}

// A week of individually timed tours, as routing software exports them (issue 10): every tour
// has its own start and length on a `granularity`-minute grid (1 or 5), over `days` days and
// `depots` depots, with a share of cross-midnight tours. With `types` > 0 the tours are drawn
// from that many distinct (day, depot, start, length) windows instead of each on its own, so a
// large week keeps a realistic number of tour types. Ids I000001… in generation order.
struct TimedSpec {
  uint64_t seed = 1;
  int tours = 800;
  int granularity = 1;           // minutes
  int days = 7;                  // Mon.. (7 = with Sunday)
  int depots = 1;
  int types = 0;                 // 0: every tour drawn on its own
  Minutes min_duration = 150;
  Minutes max_duration = 540;
  double night_share = 0.08;     // tours starting 20:00–23:59 and crossing midnight
  double sunday_factor = 0.35;   // Sunday volume relative to a weekday
};

inline std::vector<Tour> generate_timed_week(const TimedSpec& g) {
  SplitMix rng(g.seed * 0xD1B54A32D192ED03ULL + 11);
  const int gran = std::max(1, g.granularity);
  auto on_grid = [&](int lo, int hi) { return lo + gran * rng.below((hi - lo) / gran + 1); };
  struct Window {
    int day, depot;
    Minutes start, duration;
  };
  // Day weights: Sunday lighter; the day of a tour is drawn by weight.
  std::vector<double> weight(static_cast<size_t>(std::max(1, g.days)), 1.0);
  if (g.days == 7) weight[6] = g.sunday_factor;
  double total_weight = 0;
  for (double w : weight) total_weight += w;
  auto draw = [&]() {
    Window w{};
    double u = rng.unit() * total_weight;
    w.day = 0;
    while (w.day + 1 < static_cast<int>(weight.size()) && u >= weight[static_cast<size_t>(w.day)])
      u -= weight[static_cast<size_t>(w.day++)];
    w.depot = rng.below(std::max(1, g.depots));
    w.duration = on_grid(g.min_duration, g.max_duration);
    if (rng.unit() < g.night_share) {
      w.start = on_grid(1200, 1439);                                  // 20:00–23:59
      w.duration = std::max<Minutes>(w.duration, 1440 - w.start + gran);  // ends after midnight
      w.duration = std::min<Minutes>(w.duration, 600);
    } else {
      // Two peaks (early morning, early afternoon) and a flat floor, like a delivery depot.
      const double r = rng.unit();
      Minutes centre = r < 0.55 ? 330 : (r < 0.85 ? 690 : 240 + rng.below(900));
      const Minutes spread = r < 0.55 ? 90 : 150;
      Minutes s = centre + static_cast<Minutes>((rng.unit() + rng.unit() - 1.0) * spread);
      s = std::clamp<Minutes>(s, 180, 1180);
      w.start = s / gran * gran;
      // Day tours end by 23:59 (the night share covers cross-midnight ones).
      w.duration = std::min<Minutes>(w.duration, (1439 - w.start) / gran * gran);
    }
    return w;
  };
  std::vector<Window> pool;
  for (int k = 0; k < g.types; ++k) pool.push_back(draw());
  std::vector<Tour> tours;
  tours.reserve(static_cast<size_t>(g.tours));
  for (int i = 0; i < g.tours; ++i) {
    const Window w = pool.empty() ? draw() : pool[static_cast<size_t>(rng.below(static_cast<int>(pool.size())))];
    const std::string loc = g.depots == 1 ? "DEFAULT" : "DEPOT" + std::to_string(w.depot + 1);
    char id[16];
    std::snprintf(id, sizeof id, "I%06d", i + 1);
    tours.push_back(make_tour(id, w.day, w.start, (w.start + w.duration) % 1440, loc));
  }
  return tours;
}

// Tours as an API forecast body {"tours":[{"id","day","start_time","end_time","location"},…]},
// one tour a line (gen-forecast --timed, and the tests that send a generated week).
inline std::string tours_json(const std::vector<Tour>& tours) {
  std::string text = "{\"tours\":[\n";
  for (size_t i = 0; i < tours.size(); ++i) {
    const Tour& t = tours[i];
    text += "{\"id\":\"" + t.id + "\",\"day\":\"" + std::string(day_short_name(t.day)) + "\",\"start_time\":\"" +
            format_hhmm(t.start) + "\",\"end_time\":\"" + format_hhmm(t.end % kMinutesPerDay) + "\",\"location\":\"" +
            t.location + "\"}" + (i + 1 < tours.size() ? ",\n" : "\n");
  }
  return text + "]}\n";
}

// Every tour's window repeated k times (the "reference ×k" scaling: same types, k× the counts).
inline std::vector<Tour> scale_week(const std::vector<Tour>& tours, int k) {
  std::vector<Tour> out;
  out.reserve(tours.size() * static_cast<size_t>(k));
  for (int r = 0; r < k; ++r)
    for (Tour t : tours) {
      if (k > 1) {
        t.id += '-';
        t.id += std::to_string(r + 1);
      }
      out.push_back(std::move(t));
    }
  return out;
}

// Driver mode (issue 6): a pool of n generic drivers D001…, optionally a qualification /
// availability mix: drivers i with i % 10 < 3 hold ADR (30 %), i % 10 == 5 are off on
// Saturday (10 %).
inline std::vector<Driver> driver_pool(int n, bool mix = false) {
  std::vector<Driver> out;
  for (int i = 0; i < n; ++i) {
    Driver d;
    char id[16];
    std::snprintf(id, sizeof id, "D%03d", i + 1);
    d.id = id;
    if (mix && i % 10 < 3) d.qualifications = {"ADR"};
    if (mix && i % 10 == 5) d.available_days[5] = false;
    out.push_back(std::move(d));
  }
  return out;
}

// Every fifth tour (20 %) requires ADR.
inline std::vector<Tour> with_adr_share(std::vector<Tour> tours) {
  for (size_t i = 0; i < tours.size(); ++i)
    if (i % 5 == 2) tours[i].required_qualifications = {"ADR"};
  return tours;
}

}  // namespace so::bench

