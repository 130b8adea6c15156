// Deterministic, seeded generator of realistic weekly forecasts (German vertical CSV).
// It produces our own demo week (examples/demo_week.csv); the shape mirrors a last-mile depot:
// a strong morning wave, a midday second wave, evening tours, 4.5 h tours, Mon–Sat, busy Friday.
// `--timed N` instead writes a JSON week of N individually timed tours (minute or 5-minute starts
// and lengths, cross-midnight tours, Sunday, several depots), as routing software exports them.
#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "instance_gen.hpp"

namespace {

// splitmix64: fixed, portable arithmetic (std:: distributions differ between standard libraries).
struct Rng {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }
  // Poisson by inversion; small means only.
  int poisson(double mean) {
    double l = std::exp(-mean), p = 1.0;
    int k = 0;
    do {
      ++k;
      p *= uniform();
    } while (p > l);
    return k - 1;
  }
};

double bump(double x, double centre, double width) { return std::exp(-0.5 * std::pow((x - centre) / width, 2)); }

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Generate a realistic, deterministic weekly tour forecast (German vertical CSV)"};
  uint64_t seed = 7;
  double scale = 1.0;
  int duration = 270;
  std::string out = "-";
  bool sunday = false;
  app.add_option("--seed", seed, "random seed");
  app.add_option("--scale", scale, "multiplies every count (1.0 ≈ 650 tours)")->check(CLI::Range(0.01, 100.0));
  app.add_option("--duration", duration, "tour length in minutes")->check(CLI::Range(60, 720));
  app.add_option("--out", out, "output file ('-' = stdout)");
  app.add_flag("--sunday", sunday, "also generate a light Sunday");
  so::bench::TimedSpec timed;
  timed.tours = 0;
  app.add_option("--timed", timed.tours, "write N individually timed tours as JSON instead (500–50,000)")
      ->check(CLI::Range(1, 200000));
  app.add_option("--granularity", timed.granularity, "timed: start/length grid in minutes")->check(CLI::IsMember({1, 5}));
  app.add_option("--depots", timed.depots, "timed: number of depots")->check(CLI::Range(1, 100));
  app.add_option("--types", timed.types, "timed: draw tours from this many distinct windows (0 = each its own)")
      ->check(CLI::Range(0, 1000000));
  app.add_option("--night-share", timed.night_share, "timed: share of cross-midnight tours")->check(CLI::Range(0.0, 1.0));
  app.add_option("--days", timed.days, "timed: days Mon.. (7 = with Sunday)")->check(CLI::Range(1, 7));
  CLI11_PARSE(app, argc, argv);

  std::string text;
  if (timed.tours > 0) {
    timed.seed = seed;
    text = so::bench::tours_json(so::bench::generate_timed_week(timed));
  }

  Rng rng{seed};
  if (timed.tours == 0) {
  // Relative volume per weekday: busy Monday and Friday, quieter midweek, solid Saturday.
  const double day_factor[7] = {1.0, 0.8, 0.78, 0.76, 1.15, 0.95, 0.3};
  for (int day = 0; day < (sunday ? 7 : 6); ++day) {
    text += std::string(so::day_german_name(day)) + ";Anzahl\n";
    for (int start = 4 * 60 + 30; start <= 18 * 60 + 30; start += 15) {
      double h = start / 60.0;
      // Three waves: early morning (first tour of the day), late morning/midday, evening.
      double mean = 9.0 * bump(h, 5.4, 0.6) + 3.2 * bump(h, 10.2, 1.3) + 2.6 * bump(h, 15.6, 1.2);
      int count = rng.poisson(mean * day_factor[day] * scale);
      if (count == 0) continue;
      int end = start + duration;
      if (end >= 24 * 60) continue;  // the demo week keeps tours inside the day
      text += so::format_hhmm(start) + "-" + so::format_hhmm(end) + ";" + std::to_string(count) + "\n";
    }
    text += ";\n";
  }
  }
  if (out == "-") {
    std::cout << text;
  } else {
    std::ofstream f(out, std::ios::binary);
    f << text;
    if (!f) {
      std::cerr << "cannot write " << out << "\n";
      return 2;
    }
  }
  return 0;
}
