// Junk must fail fast and with bounded memory: a 50 MB file of random bytes or of random text,
// generated here.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <chrono>
#include <fstream>
#include <random>

#include "io/forecast.hpp"
#include "io_test_util.hpp"

namespace so {
namespace {

constexpr size_t kJunkBytes = 50u * 1024 * 1024;

long peak_rss_kb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;  // kilobytes on Linux
}

// Writes `bytes` of junk in 1 MiB chunks (the test never holds the whole file in memory).
void write_junk(const std::filesystem::path& path, size_t bytes, bool printable, uint32_t seed) {
  std::mt19937 rng(seed);
  std::ofstream out(path, std::ios::binary);
  std::string chunk(1u << 20, '\0');
  const std::string alphabet = "abcdefghijklmnopqrstuvwxyz;:-0123456789 \n\t";
  for (size_t written = 0; written < bytes; written += chunk.size()) {
    for (char& c : chunk)
      c = printable ? alphabet[rng() % alphabet.size()] : static_cast<char>(rng() & 0xFF);
    out.write(chunk.data(), static_cast<std::streamsize>(std::min(chunk.size(), bytes - written)));
  }
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

TEST(JunkInput, FiftyMegabyteFilesFailFastWithoutBeingRead) {
  so::testing::TempDir dir("junk");
  for (bool printable : {false, true}) {
    auto path = dir.path / (printable ? "junk.txt" : "junk.bin");
    write_junk(path, kJunkBytes, printable, 7);
    long rss_before = peak_rss_kb();
    auto t0 = std::chrono::steady_clock::now();
    try {
      read_forecast_file(path.string());
      FAIL() << "accepted 50 MB of junk";
    } catch (const InputError& e) {
      EXPECT_NE(e.problem.find("too large"), std::string::npos) << e.what();
      EXPECT_NE(e.value.find(std::to_string(kJunkBytes)), std::string::npos) << e.what();
      EXPECT_NE(e.expected.find(std::to_string(kMaxForecastBytes)), std::string::npos) << e.what();
    }
    EXPECT_LT(seconds_since(t0), 1.0);
    EXPECT_LT(peak_rss_kb() - rss_before, 8 * 1024) << "the file must not be loaded";
  }
}

TEST(JunkInput, FiftyMegabytesInMemoryFailFast) {
  // The HTTP layer hands bodies to parse_forecast directly; junk must fail at its first line.
  uint64_t x = 88172645463325252ull;  // xorshift: generating 50 MB must not dominate the test
  auto next = [&] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  auto timed_parse = [](const std::string& junk) -> InputError {
    auto t0 = std::chrono::steady_clock::now();
    try {
      parse_forecast(junk, "body");
    } catch (const InputError& e) {
      EXPECT_LT(seconds_since(t0), 1.0) << e.what();
      return e;
    }
    ADD_FAILURE() << "accepted 50 MB of junk";
    return InputError::whole("", "");
  };
  std::string junk(kJunkBytes, '\0');
  for (char& c : junk) c = static_cast<char>('a' + next() % 26);  // one 50 MB "line" of letters
  InputError letters = timed_parse(junk);
  EXPECT_EQ(letters.line, 1);
  EXPECT_NE(letters.problem.find("line too long"), std::string::npos) << letters.what();
  EXPECT_LE(letters.value.size(), 64u);  // the offending value is cut, not echoed in full

  for (size_t i = 0; i < junk.size(); ++i) junk[i] = (i % 80 == 79) ? '\n' : static_cast<char>('a' + next() % 26);
  InputError lines = timed_parse(junk);  // 50 MB of random text lines: the first line is no day header
  EXPECT_EQ(lines.line, 1);
  EXPECT_NE(lines.problem.find("expected a day header"), std::string::npos) << lines.what();

  for (char& c : junk) c = static_cast<char>(next() & 0xFF);  // random bytes (a NUL comes early)
  junk[0] = 'x';
  EXPECT_NE(timed_parse(junk).problem.find("binary"), std::string::npos);

  junk.assign(kJunkBytes, '[');  // a JSON nesting bomb
  EXPECT_NE(timed_parse(junk).problem.find("nested too deeply"), std::string::npos);

  junk = "Montag;Anzahl\n";  // 50 MB of rows: fails at the row where the tour limit is passed
  while (junk.size() < kJunkBytes) junk += "04:45-09:15;9999\n";
  InputError rows = timed_parse(junk);
  EXPECT_NE(rows.problem.find("too many tours"), std::string::npos) << rows.what();
  EXPECT_EQ(rows.line, 22);
}

TEST(JunkInput, MutatedForecastsNeverCrash) {
  // Fuzz-style: valid forecasts of every flavour, mutated by a few random edits, either parse to
  // sane tours or raise InputError — never anything else.
  const std::vector<std::string> seeds = {
      "Montag;Anzahl\n04:45-09:15;2\n;\nDienstag;Anzahl\n05:00-09:30;1\n22:00-02:00;3\n",
      "Montag\tAnzahl\r\n04:45-09:15\t2\r\n\t\r\nFreitag \tAnzahl\r\nFeiertag\t0\r\n",
      "Montag;Anzahl;Dienstag;Anzahl\n04:45-09:15;2;05:00-09:30;1\n09:45-14:15;1;;\n",
      "day,start_time,end_time,location\nMon,08:00,12:00,A\nTue,22:00,02:00,\"x,y\"\n",
      R"({"tours":[{"id":"A","day":"Mon","start_time":"08:00","end_time":"12:00","count":2}]})",
      R"([{"day":"Mon","start":"08:00","end":"12:00"},{"day":3,"start":"23:00","end":"01:00"}])",
  };
  const std::vector<std::string> pieces = {";", "\n", "\r\n", "\t", "-", ":", "0", "9", "25", "99999", "Montag", "Feiertag",
                                           "{", "}", "[", "]", "\"", ",", " ", "\xEF\xBB\xBF", "\xC3", "x", "24:00"};
  std::mt19937 rng(3);
  int parsed = 0, rejected = 0;
  for (int i = 0; i < 5000; ++i) {
    std::string s = seeds[rng() % seeds.size()];
    int edits = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < edits; ++k) {
      size_t at = rng() % (s.size() + 1);
      switch (rng() % 3) {
        case 0: s.insert(at, pieces[rng() % pieces.size()]); break;
        case 1: s.erase(at, 1 + rng() % 3); break;
        default: s.replace(at, 1, pieces[rng() % pieces.size()]); break;
      }
    }
    try {
      Forecast f = parse_forecast(s, "fuzz");
      ++parsed;
      for (const Tour& t : f.tours) {
        ASSERT_GE(t.day, 0) << s;
        ASSERT_LT(t.day, 7) << s;
        ASSERT_GT(t.duration(), 0) << s;
        ASSERT_LE(t.duration(), kMinutesPerDay) << s;
        ASSERT_FALSE(t.id.empty()) << s;
      }
    } catch (const InputError& e) {
      ++rejected;
      ASSERT_NE(std::string(e.what()).rfind("fuzz", 0), std::string::npos);
    }
  }
  EXPECT_GT(parsed, 200);
  EXPECT_GT(rejected, 1000);
}

}  // namespace
}  // namespace so
