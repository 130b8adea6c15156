// Issue 16: live progress of the real binary. stderr on a pseudo-terminal (forkpty) shows the
// self-updating status line; piped it shows nothing unless --progress=plain; --quiet shows
// nothing; Ctrl-C cancels the solve, keeps the best audited plan and exits 130.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "../../bench/instance_gen.hpp"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream os;
  os << f.rdbuf();
  return os.str();
}

// The summary without its timing line (the only line that differs between two runs).
std::string without_time_line(const std::string& s) {
  std::istringstream in(s);
  std::string line, out;
  while (std::getline(in, line))
    if (line.rfind("  time          :", 0) != 0) out += line + "\n";
  return out;
}

struct PtyRun {
  int exit_code = -1;
  std::string tty;     // all the terminal received: stderr (stdout goes to a file)
  std::string stdout_text;
  double seconds_after_interrupt = -1;  // from the first Ctrl-C to the exit
};

// Runs the binary with stdin/stderr on a new pseudo-terminal `cols` wide and stdout in a file.
// `on_output` sees the terminal output so far and may return bytes to type (e.g. "\x03", Ctrl-C:
// the terminal sends SIGINT to the foreground process, as for a person at the keyboard).
PtyRun run_on_pty(const std::vector<std::string>& args, const fs::path& stdout_file, unsigned short cols = 100,
                  std::function<std::string(const std::string&)> on_output = {}) {
  PtyRun r;
  winsize ws{};
  ws.ws_row = 24;
  ws.ws_col = cols;
  int master = -1;
  const pid_t pid = forkpty(&master, nullptr, nullptr, &ws);
  if (pid < 0) return r;
  if (pid == 0) {
    const int fd = ::open(stdout_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, STDOUT_FILENO);
    ::setenv("TERM", "xterm", 1);  // the test runner's TERM may be unset or dumb
    std::vector<char*> argv;
    std::string bin = SO_BINARY_PATH;
    argv.push_back(bin.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  Clock::time_point interrupted{};
  char buf[4096];
  for (;;) {
    pollfd p{master, POLLIN, 0};
    const int ready = ::poll(&p, 1, 50);
    if (ready > 0) {
      const ssize_t n = ::read(master, buf, sizeof buf);
      if (n <= 0) break;  // EIO: the child closed the terminal (it exited)
      r.tty.append(buf, static_cast<size_t>(n));
    }
    if (on_output) {
      const std::string keys = on_output(r.tty);
      for (size_t k = 0; k < keys.size(); ++k) {
        if (interrupted == Clock::time_point{}) interrupted = Clock::now();
        // Keys 10 ms apart, as fast as a person types: two Ctrl-C make two signals, not one.
        if (k > 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        ssize_t ignored = ::write(master, &keys[k], 1);
        (void)ignored;
      }
    }
    if (Clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      break;
    }
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (interrupted != Clock::time_point{})
    r.seconds_after_interrupt = std::chrono::duration<double>(Clock::now() - interrupted).count();
  ::close(master);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.stdout_text = slurp(stdout_file);
  return r;
}

// The status lines as drawn: the terminal output cut at each carriage return, "erase to end of
// line" removed.
std::vector<std::string> drawn_lines(const std::string& tty) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : tty) {
    if (c == '\r' || c == '\n') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  for (auto& l : out)
    for (size_t k; (k = l.find("\033[K")) != std::string::npos;) l.erase(k, 3);
  std::erase(out, std::string());  // the final clear draws nothing
  return out;
}

struct Piped {
  int exit_code = -1;
  std::string out, err;
};

class ProgressTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("so_progress_" + std::to_string(::getpid()) + "_" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }

  Piped piped(const std::string& args) {
    const fs::path out = dir / "stdout.txt", err = dir / "stderr.txt";
    const std::string cmd = std::string(SO_BINARY_PATH) + " " + args + " > " + out.string() + " 2> " + err.string();
    const int status = std::system(cmd.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
  }
  std::string timed_week() {
    so::bench::TimedSpec spec;  // 3,000 individually timed tours: a solve that uses its whole budget
    spec.seed = 2;
    spec.tours = 3000;
    spec.depots = 3;
    const fs::path p = dir / "timed.json";
    std::ofstream(p) << so::bench::tours_json(so::bench::generate_timed_week(spec));
    return p.string();
  }
  static std::string demo() { return std::string(SO_SOURCE_DIR) + "/examples/demo_week.csv"; }
  static std::string pool() { return std::string(SO_SOURCE_DIR) + "/examples/demo_drivers.csv"; }
  fs::path dir;
};

const std::regex kStatusLine(R"(^(profiling|phase1|phase2|lns|audit) \d+\.\ds/30s \| drivers (\d+|-) \| bound (\d+|-) \| gap (\d+\.\d\d%|-)( \| tours (\d+|-)/\d+)?$)");

}  // namespace

TEST_F(ProgressTest, TerminalShowsAStatusLineCutToItsWidthThenClearsIt) {
  const PtyRun r = run_on_pty({"solve", demo()}, dir / "out.txt", 60);
  ASSERT_EQ(r.exit_code, 0) << r.tty;
  const std::vector<std::string> lines = drawn_lines(r.tty);
  ASSERT_FALSE(lines.empty());
  bool with_incumbent = false;
  for (const std::string& l : lines) {
    EXPECT_LE(l.size(), 59u) << "wider than the terminal: " << l;
    with_incumbent = with_incumbent || (l.find("drivers 80 | bound 80") != std::string::npos);
  }
  EXPECT_TRUE(with_incumbent) << r.tty;
  // Each full line (not cut at 59 columns here) is phase, time/budget, drivers, bound, gap.
  EXPECT_TRUE(std::regex_match(lines.front(), std::regex(R"(^profiling 0\.\ds/30s \| drivers - \| bound - \| gap -$)")))
      << lines.front();
  // Cleared at the end: the terminal's last bytes erase the line, nothing is left on it.
  ASSERT_GE(r.tty.size(), 4u);
  EXPECT_EQ(r.tty.substr(r.tty.size() - 4), "\r\033[K");
  // The summary on stdout is what a piped run prints (progress changes no result).
  const Piped p = piped("solve " + demo());
  ASSERT_EQ(p.exit_code, 0);
  EXPECT_EQ(without_time_line(r.stdout_text), without_time_line(p.out));
  EXPECT_NE(r.stdout_text.find("signature     : sha256:"), std::string::npos);
}

TEST_F(ProgressTest, DriverModeLineShowsToursCovered) {
  const PtyRun r = run_on_pty({"solve", demo(), "--drivers", pool()}, dir / "out.txt", 120);
  ASSERT_EQ(r.exit_code, 0) << r.tty;
  bool covered = false;
  for (const std::string& l : drawn_lines(r.tty)) {
    EXPECT_TRUE(std::regex_match(l, kStatusLine)) << l;
    covered = covered || l.find("| tours 659/659") != std::string::npos;
  }
  EXPECT_TRUE(covered) << r.tty;
}

TEST_F(ProgressTest, BoundsShowTheBestBoundSoFar) {
  const PtyRun r = run_on_pty({"bounds", demo()}, dir / "out.txt", 100);
  ASSERT_EQ(r.exit_code, 0) << r.tty;
  const std::vector<std::string> lines = drawn_lines(r.tty);
  ASSERT_FALSE(lines.empty());
  for (const std::string& l : lines)
    EXPECT_TRUE(std::regex_match(l, std::regex(R"(^(blocks|hours|per_day|path_cover|rest_concurrency) \d+\.\ds \| bound (\d+|-)$)")))
        << l;
  EXPECT_EQ(r.tty.substr(r.tty.size() - 4), "\r\033[K");
  EXPECT_NE(r.stdout_text.find("  best             80"), std::string::npos) << r.stdout_text;
}

TEST_F(ProgressTest, NothingOnStderrWhenPipedOrWithJson) {
  const Piped p = piped("solve " + demo());
  EXPECT_EQ(p.exit_code, 0);
  EXPECT_EQ(p.err, "");
  EXPECT_EQ(p.out.rfind("shift-optimizer ", 0), 0u) << p.out;
  // --json on a terminal: stdout is for the document, stderr stays quiet too.
  const PtyRun r = run_on_pty({"solve", demo(), "--json"}, dir / "out.json", 100);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.tty, "");
  EXPECT_TRUE(nlohmann::json::accept(r.stdout_text));
}

TEST_F(ProgressTest, PlainPrintsOneGreppableLinePerEvent) {
  const Piped p = piped("solve " + demo() + " --drivers " + pool() + " --progress=plain");
  ASSERT_EQ(p.exit_code, 0) << p.err;
  std::istringstream in(p.err);
  std::vector<std::string> events;
  double last_t = 0;
  const std::regex line(R"(^progress t=(\d+\.\d{3})s event=(\w+)( .*)?$)");
  for (std::string l; std::getline(in, l);) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(l, m, line)) << l;
    const double t = std::stod(m[1]);
    EXPECT_GE(t, last_t) << l;
    last_t = t;
    events.push_back(m[2]);
  }
  ASSERT_GE(events.size(), 4u) << p.err;
  EXPECT_EQ(events.front(), "run_started");
  EXPECT_EQ(events.back(), "run_completed");
  EXPECT_NE(p.err.find("event=run_started command=solve budget=30s\n"), std::string::npos) << p.err;
  EXPECT_NE(p.err.find("event=phase_started phase=profiling drivers=- bound=0 gap=- tours=-/659\n"), std::string::npos)
      << p.err;
  EXPECT_NE(p.err.find(" drivers=80 bound=80 gap=0.00% tours=659/659\n"), std::string::npos) << p.err;
  EXPECT_NE(p.err.find("event=run_completed status=OK drivers=80 bound=80 audit=OK uncovered=0\n"), std::string::npos)
      << p.err;
  // stdout as without progress.
  const Piped none = piped("solve " + demo() + " --drivers " + pool() + " --progress=none");
  EXPECT_EQ(none.err, "");
  EXPECT_EQ(without_time_line(p.out), without_time_line(none.out));
}

TEST_F(ProgressTest, ReplanPlainEventsAndQuietOutput) {
  const std::string base = (dir / "base.json").string();
  ASSERT_EQ(piped("solve " + demo() + " --drivers " + pool() + " --quiet --out " + base).exit_code, 0);
  const fs::path changes = dir / "changes.json";
  std::ofstream(changes) << R"({"frozen_until": {"day": "Wed", "time": "00:00"},
    "changes": {"driver_unavailable": [{"driver_id": "F003", "from": {"day": "Wed", "time": "00:00"},
                                        "to": {"day": "Sun", "time": "23:59"}, "reason": "sick"}]}})";
  const std::string args = "replan " + demo() + " --drivers " + pool() + " --base " + base + " --changes " + changes.string();
  const Piped p = piped(args + " --progress=plain");
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_NE(p.err.find("event=run_started command=replan"), std::string::npos) << p.err;
  EXPECT_TRUE(std::regex_search(p.err, std::regex(R"(event=progress phase=phase2 drivers=\d+ bound=\d+ gap=\S+ tours=659/659\n)")))
      << p.err;
  EXPECT_NE(p.out.find("re-plan       : frozen until Wed 00:00"), std::string::npos);
  const Piped q = piped(args + " --quiet");
  EXPECT_EQ(q.exit_code, 0);
  EXPECT_EQ(q.out + q.err, "");
}

TEST_F(ProgressTest, QuietPrintsNothingButErrors) {
  const std::string plan = (dir / "plan.json").string();
  const Piped ok = piped("solve " + demo() + " --quiet --out " + plan);
  EXPECT_EQ(ok.exit_code, 0);
  EXPECT_EQ(ok.out, "");
  EXPECT_EQ(ok.err, "");
  EXPECT_TRUE(nlohmann::json::parse(slurp(plan))["audit"]["ok"].get<bool>());  // files are still written
  // On a terminal too.
  const PtyRun r = run_on_pty({"solve", demo(), "--quiet"}, dir / "out.txt", 100);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.tty, "");
  EXPECT_EQ(r.stdout_text, "");
  // A failed outcome says why in one line on stderr; exit codes are unchanged.
  const fs::path two = dir / "two.csv";
  std::ofstream(two) << "id,name\nF1,Anna\nF2,Bernd\n";
  const Piped short_pool = piped("solve " + demo() + " --drivers " + two.string() + " --quiet");
  EXPECT_EQ(short_pool.exit_code, 1);
  EXPECT_EQ(short_pool.out, "");
  EXPECT_TRUE(std::regex_match(short_pool.err, std::regex(R"(^error: plan INFEASIBLE[^\n]*; audit OK \(0 violations\); \d+ tours uncovered\n$)")))
      << short_pool.err;
  const Piped bad = piped("solve " + (dir / "missing.csv").string() + " --quiet");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err.rfind("error: ", 0), 0u) << bad.err;
  // --quiet refuses what asks for output.
  EXPECT_EQ(piped("solve " + demo() + " --quiet --json").exit_code, 2);
  EXPECT_EQ(piped("solve " + demo() + " --quiet --progress=plain").exit_code, 2);
  EXPECT_EQ(piped("solve " + demo() + " --progress=loud").exit_code, 2);
}

TEST_F(ProgressTest, CtrlCCancelsAndWritesTheBestAuditedPlan) {
  const std::string week = timed_week();
  const std::string plan = (dir / "plan.json").string();
  bool pressed = false;
  // Ctrl-C once the solve has a plan and is in column generation (budget 120 s: far from done).
  const PtyRun r = run_on_pty({"solve", week, "--time-limit", "120", "--out", plan}, dir / "out.txt", 100,
                              [&](const std::string& tty) -> std::string {
                                if (pressed || !std::regex_search(tty, std::regex(R"(phase1 \S+ \| drivers \d+)"))) return "";
                                pressed = true;
                                return "\x03";
                              });
  ASSERT_TRUE(pressed) << r.tty;
  EXPECT_EQ(r.exit_code, 130) << r.tty;
  EXPECT_LT(r.seconds_after_interrupt, 5.0);
  EXPECT_NE(r.tty.find("cancelling (Ctrl-C again quits)"), std::string::npos) << r.tty;
  EXPECT_EQ(r.tty.substr(r.tty.size() - 4), "\r\033[K");
  EXPECT_NE(r.stdout_text.find("  status        : CANCELLED CANCELLED\n"), std::string::npos) << r.stdout_text;
  EXPECT_NE(r.stdout_text.find("  audit         : OK (0 violations)\n"), std::string::npos) << r.stdout_text;
  const nlohmann::json j = nlohmann::json::parse(slurp(plan));
  EXPECT_EQ(j["status"], "CANCELLED");
  EXPECT_NE(std::find(j["reason_codes"].begin(), j["reason_codes"].end(), "CANCELLED"), j["reason_codes"].end());
  EXPECT_EQ(j["kpis"]["tours_covered"], 3000);
  EXPECT_FALSE(fs::exists(plan + ".tmp"));
  // The independent audit agrees.
  const Piped v = piped("validate " + week + " " + plan);
  EXPECT_EQ(v.exit_code, 0) << v.out;
  EXPECT_NE(v.out.find(": OK, 0 violations"), std::string::npos) << v.out;
}

// Driver mode with a pool too small for the week (the demo week on its first 70 drivers: the solve
// searches its whole budget): Ctrl-C keeps the incumbent, its uncovered tours with their reasons.
TEST_F(ProgressTest, CtrlCInDriverModeKeepsTheIncumbentWithReasons) {
  std::ifstream all(pool());
  std::string text, line;
  for (int i = 0; i <= 70 && std::getline(all, line); ++i) text += line + "\n";  // header + 70 drivers
  const fs::path small = dir / "pool70.csv";
  std::ofstream(small) << text;
  const std::string plan = (dir / "plan.json").string();
  bool pressed = false;
  const PtyRun r = run_on_pty({"solve", demo(), "--drivers", small.string(), "--out", plan}, dir / "out.txt", 120,
                              [&](const std::string& tty) -> std::string {
                                if (pressed || !std::regex_search(tty, std::regex(R"(\| tours \d+/659)"))) return "";
                                pressed = true;
                                return "\x03";
                              });
  ASSERT_TRUE(pressed) << r.tty;
  EXPECT_EQ(r.exit_code, 130) << r.stdout_text;
  EXPECT_LT(r.seconds_after_interrupt, 5.0);
  const nlohmann::json j = nlohmann::json::parse(slurp(plan));
  EXPECT_EQ(j["status"], "CANCELLED");
  EXPECT_TRUE(j["audit"]["ok"].get<bool>()) << j["audit"].dump().substr(0, 300);
  ASSERT_FALSE(j["unassigned_tours"].empty());
  for (const auto& u : j["unassigned_tours"]) EXPECT_FALSE(u["reason_codes"].empty()) << u.dump();
  const Piped v = piped("validate " + demo() + " " + plan + " --drivers " + small.string());
  EXPECT_EQ(v.exit_code, 0) << v.out;
}

TEST_F(ProgressTest, SigintWhenPipedCancelsToo) {
  const std::string week = timed_week();
  const fs::path out = dir / "stdout.txt", err = dir / "stderr.txt", plan = dir / "plan.json";
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(o, STDOUT_FILENO);
    ::dup2(e, STDERR_FILENO);
    ::execl(SO_BINARY_PATH, SO_BINARY_PATH, "solve", week.c_str(), "--time-limit", "120", "--json", "--out", plan.c_str(),
            "--progress=plain", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Wait for the first plan (a plain progress line with drivers=N), then SIGINT as `kill -INT` would.
  const auto give_up = Clock::now() + std::chrono::seconds(30);
  while (!std::regex_search(slurp(err), std::regex(R"(drivers=\d)")) && Clock::now() < give_up)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ::kill(pid, SIGINT);
  const auto sent = Clock::now();
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - sent).count(), 5.0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  const std::string e = slurp(err);
  EXPECT_NE(e.find("event=cancel_requested signal=SIGINT\n"), std::string::npos) << e;
  EXPECT_NE(e.find("event=run_cancelled status=CANCELLED"), std::string::npos) << e;
  // stdout is the cancelled plan's JSON, the same document as the file.
  const nlohmann::json printed = nlohmann::json::parse(slurp(out));
  EXPECT_EQ(printed["status"], "CANCELLED");
  EXPECT_EQ(printed, nlohmann::json::parse(slurp(plan)));
}

TEST_F(ProgressTest, SecondCtrlCExitsAtOnceWithoutHalfWrittenFiles) {
  const std::string week = timed_week();
  const std::string plan = (dir / "plan.json").string();
  // Two presses 10 ms apart once a plan exists: the second lands in the cancel, the audit or a file
  // write. On a loaded machine the two signals may merge into one (the run then ends cancelled,
  // in order): up to three tries to see the hard exit, every try must leave whole files only.
  bool hard_exit_seen = false;
  for (int attempt = 0; attempt < 3 && !hard_exit_seen; ++attempt) {
    fs::remove(plan);
    bool pressed = false;
    const PtyRun r = run_on_pty({"solve", week, "--time-limit", "120", "--out", plan, "--xlsx", (dir / "plan.xlsx").string()},
                                dir / "out.txt", 100, [&](const std::string& tty) -> std::string {
                                  if (pressed || !std::regex_search(tty, std::regex(R"(drivers \d)"))) return "";
                                  pressed = true;
                                  return "\x03\x03";
                                });
    ASSERT_TRUE(pressed) << r.tty;
    EXPECT_EQ(r.exit_code, 130) << r.tty;
    EXPECT_LT(r.seconds_after_interrupt, 3.0);
    hard_exit_seen = r.stdout_text.empty();  // ended before its summary
    // Each file is either complete or absent; no temporary file is left behind.
    if (fs::exists(plan)) {
      EXPECT_EQ(nlohmann::json::parse(slurp(plan))["status"], "CANCELLED");
    }
    for (const auto& entry : fs::directory_iterator(dir)) EXPECT_NE(entry.path().extension(), ".tmp") << entry.path();
    // The status line did not stay on the screen (the terminal echoes the presses as ^C).
    std::string tty = r.tty;
    for (size_t k; (k = tty.find("^C")) != std::string::npos;) tty.erase(k, 2);
    EXPECT_EQ(tty.substr(tty.size() - 4), "\r\033[K") << r.tty;
  }
  EXPECT_TRUE(hard_exit_seen) << "the second Ctrl-C never ended a run before its summary";
}
