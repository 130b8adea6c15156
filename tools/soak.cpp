// Soak test of the service (issue 12): `shift-optimizer serve` as a child process on loopback under
// mixed traffic for a while — canary solves, async runs with their event streams, cancels, bad
// requests, oversized and malformed uploads, slow clients and probes — sampling the server's
// RSS, open fds and threads. It fails (exit 1) when they do not stay flat.
//
//   cmake --build build --target so-soak && ./build/so-soak --seconds 600 [--binary build/shift-optimizer]
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

struct Sample {
  double t = 0;
  long rss_kb = 0;
  int fds = 0;
  int threads = 0;
};

Sample sample(int pid, double t) {
  Sample s;
  s.t = t;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) s.rss_kb = std::stol(line.substr(6));
    if (line.rfind("Threads:", 0) == 0) s.threads = std::stoi(line.substr(8));
  }
  std::error_code ec;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec))
    ++s.fds;
  return s;
}

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

int raw_connect(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Counters {
  std::mutex mu;
  std::map<std::string, long> by_kind;
  long server_errors = 0;  // 5xx or no answer where one was due
  double worst_probe_s = 0;
  void add(const std::string& kind, int status) {
    std::lock_guard lock(mu);
    ++by_kind[kind + " " + std::to_string(status)];
    if (status >= 500 || status < 0) ++server_errors;
  }
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Soak test: mixed traffic against `shift-optimizer serve`, RSS/fds/threads must stay flat"};
  int seconds = 600;
  std::string binary = "build/shift-optimizer", forecast = "examples/demo_week.csv";
  app.add_option("--seconds", seconds, "how long the traffic runs")->check(CLI::Range(30, 86400));
  app.add_option("--binary", binary, "the shift-optimizer binary");
  app.add_option("--forecast", forecast, "the week the solves use");
  CLI11_PARSE(app, argc, argv);
  const std::string week = read_file(forecast);
  if (week.empty()) {
    std::cerr << "cannot read " << forecast << "\n";
    return 2;
  }

  const int port = free_port();
  const std::string data_dir = std::filesystem::temp_directory_path() / ("so-soak-" + std::to_string(::getpid()));
  std::filesystem::create_directories(data_dir);
  const int pid = ::fork();
  if (pid == 0) {
    ::setenv("PORT", std::to_string(port).c_str(), 1);
    ::setenv("HOST", "127.0.0.1", 1);
    ::setenv("DATA_DIR", data_dir.c_str(), 1);
    ::setenv("LOG_LEVEL", "warn", 1);
    ::setenv("MAX_BODY_BYTES", "1048576", 1);
    ::setenv("READ_TIMEOUT_SECONDS", "5", 1);
    ::setenv("MAX_STORED_RUNS", "200", 1);
    ::execl(binary.c_str(), binary.c_str(), "serve", static_cast<char*>(nullptr));
    std::perror("exec");
    std::_Exit(127);
  }
  httplib::Client probe("127.0.0.1", port);
  probe.set_connection_timeout(1, 0);
  bool up = false;
  for (int i = 0; i < 100 && !up; ++i) {
    auto r = probe.Get("/api/v1/readyz");
    up = r && r->status == 200;
    if (!up) std::this_thread::sleep_for(100ms);
  }
  if (!up) {
    std::cerr << "the server did not become ready\n";
    ::kill(pid, SIGKILL);
    return 2;
  }

  Counters counters;
  std::atomic<bool> stop{false};
  std::vector<std::thread> traffic;
  const auto pace = [&](std::chrono::milliseconds every) {
    for (auto t = every; t > 0ms && !stop.load(); t -= 50ms) std::this_thread::sleep_for(50ms);
  };
  // 1. The runbook's canary: a synchronous solve of the same week.
  traffic.emplace_back([&] {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(60, 0);
    while (!stop.load()) {
      auto r = c.Post("/api/v1/schedule?time_limit_seconds=2&seed=42", week, "text/csv");
      counters.add("canary", r ? r->status : -1);
      pace(2000ms);
    }
  });
  // 2. Async runs followed through their event stream to the plan.
  traffic.emplace_back([&] {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(60, 0);
    while (!stop.load()) {
      auto r = c.Post("/api/v1/runs?time_limit_seconds=2", week, "text/csv");
      counters.add("async", r ? r->status : -1);
      if (r && r->status == 201) {
        const std::string id = nlohmann::json::parse(r->body)["run_id"];
        std::string events;
        auto ev = c.Get(("/api/v1/runs/" + id + "/events").c_str(), httplib::Headers{}, [&](const char* d, size_t n) {
          events.append(d, n);
          return true;
        });
        counters.add("events", ev ? ev->status : -1);
        auto plan = c.Get(("/api/v1/runs/" + id + "/plan").c_str());
        counters.add("plan", plan ? plan->status : -1);
      }
      pace(1000ms);
    }
  });
  // 3. Runs cancelled soon after they start.
  traffic.emplace_back([&] {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(30, 0);
    while (!stop.load()) {
      auto r = c.Post("/api/v1/runs?time_limit_seconds=30", week, "text/csv");
      counters.add("cancel-submit", r ? r->status : -1);
      if (r && r->status == 201) {
        const std::string id = nlohmann::json::parse(r->body)["run_id"];
        std::this_thread::sleep_for(200ms);
        auto x = c.Post(("/api/v1/runs/" + id + "/cancel").c_str(), "", "application/json");
        counters.add("cancel", x ? x->status : -1);
      }
      pace(1500ms);
    }
  });
  // 4. Bad requests: they must all be 4xx, never 5xx.
  traffic.emplace_back([&] {
    httplib::Client c("127.0.0.1", port);
    int k = 0;
    while (!stop.load()) {
      auto send = [&](int which) -> httplib::Result {
        switch (which) {
          case 0: return c.Post("/api/v1/schedule", "{\"tours\": [", "application/json");
          case 1: return c.Post("/api/v1/schedule", "a=b", "application/x-www-form-urlencoded");
          case 2: return c.Post("/api/v1/schedule", std::string(2 * 1024 * 1024, 'x'), "text/csv");
          case 3: return c.Get("/api/v1/runs/does-not-exist/plan");
          case 4: return c.Post("/api/v1/schedule", "{\"seed\": \"x\", \"tours\": []}", "application/json");
          default: return c.Delete("/api/v1/healthz");
        }
      };
      auto r = send(k++ % 6);
      const int status = r ? r->status : -1;
      counters.add("bad", status >= 400 && status < 500 ? 400 : (status < 0 ? -1 : 500));
      pace(100ms);
    }
  });
  // 5. Slow and broken clients: dribbled headers, chunked uploads over the limit, bad framing.
  traffic.emplace_back([&] {
    while (!stop.load()) {
      std::vector<int> fds;
      for (int i = 0; i < 10; ++i)
        if (int fd = raw_connect(port); fd >= 0) fds.push_back(fd);
      for (int fd : fds) ::send(fd, "GET /api/v1/runs HTTP/1.1\r\nHost: x\r\n", 36, MSG_NOSIGNAL);
      for (int s = 0; s < 3 && !stop.load(); ++s) {
        for (int fd : fds) ::send(fd, "X-Slow: 1\r\n", 11, MSG_NOSIGNAL);
        std::this_thread::sleep_for(1s);
      }
      for (int fd : fds) ::close(fd);
      if (int fd = raw_connect(port); fd >= 0) {
        const std::string head = "POST /api/v1/schedule HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n";
        ::send(fd, head.data(), head.size(), MSG_NOSIGNAL);
        const std::string chunk = "4000\r\n" + std::string(0x4000, 'a') + "\r\n";
        for (int i = 0; i < 200; ++i)
          if (::send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL) < 0) break;
        ::close(fd);
      }
      if (int fd = raw_connect(port); fd >= 0) {
        const std::string bad = "POST /api/v1/schedule HTTP/1.1\r\nContent-Length: -1\r\n\r\n";
        ::send(fd, bad.data(), bad.size(), MSG_NOSIGNAL);
        char buf[512];
        ::recv(fd, buf, sizeof buf, 0);
        ::close(fd);
      }
    }
  });
  // 6. Probes, as the orchestrator sends them.
  traffic.emplace_back([&] {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(5, 0);
    while (!stop.load()) {
      const auto t0 = Clock::now();
      auto r = c.Get("/api/v1/healthz");
      const double s = std::chrono::duration<double>(Clock::now() - t0).count();
      counters.add("probe", r ? r->status : -1);
      {
        std::lock_guard lock(counters.mu);
        counters.worst_probe_s = std::max(counters.worst_probe_s, s);
      }
      pace(500ms);
    }
  });

  std::vector<Sample> samples;
  const auto start = Clock::now();
  std::printf("%8s %10s %6s %8s\n", "t (s)", "RSS (MB)", "fds", "threads");
  while (std::chrono::duration<double>(Clock::now() - start).count() < seconds) {
    std::this_thread::sleep_for(10s);
    samples.push_back(sample(pid, std::chrono::duration<double>(Clock::now() - start).count()));
    const Sample& s = samples.back();
    std::printf("%8.0f %10.1f %6d %8d\n", s.t, s.rss_kb / 1024.0, s.fds, s.threads);
    std::fflush(stdout);
  }
  stop = true;
  for (auto& t : traffic) t.join();
  std::this_thread::sleep_for(8s);  // keep-alive and request deadlines expire
  const Sample quiet = sample(pid, std::chrono::duration<double>(Clock::now() - start).count());
  std::printf("%8.0f %10.1f %6d %8d  (traffic stopped)\n", quiet.t, quiet.rss_kb / 1024.0, quiet.fds, quiet.threads);

  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  std::filesystem::remove_all(data_dir);

  std::printf("\nrequests:\n");
  for (const auto& [k, n] : counters.by_kind) std::printf("  %-22s %ld\n", k.c_str(), n);
  std::printf("worst probe: %.3f s, server errors: %ld, exit: %d\n", counters.worst_probe_s, counters.server_errors,
              WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));

  // Flat: after a warm-up third, RSS grows by less than 20 % (and 32 MB); fds and threads come
  // back to where they were once the traffic stops.
  const size_t warm = samples.size() / 3;
  const Sample& base = samples[warm];
  long rss_max_late = 0;
  for (size_t i = warm; i < samples.size(); ++i) rss_max_late = std::max(rss_max_late, samples[i].rss_kb);
  const Sample& first = samples.front();
  bool ok = true;
  auto check = [&](bool cond, const std::string& what) {
    std::printf("%s %s\n", cond ? "ok  " : "FAIL", what.c_str());
    ok = ok && cond;
  };
  check(rss_max_late < base.rss_kb * 1.2 + 32 * 1024,
        "RSS after warm-up: " + std::to_string(base.rss_kb / 1024) + " MB -> max " + std::to_string(rss_max_late / 1024) + " MB");
  check(quiet.fds <= first.fds + 4 || quiet.fds <= base.fds,
        "open fds once quiet: " + std::to_string(quiet.fds) + " (first sample " + std::to_string(first.fds) + ")");
  check(quiet.threads <= base.threads, "threads once quiet: " + std::to_string(quiet.threads) + " (after warm-up " +
                                           std::to_string(base.threads) + ")");
  check(counters.server_errors == 0, "no 5xx and no missing answer");
  check(counters.worst_probe_s < 1.0, "every probe under 1 s");
  check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "SIGTERM: exit 0");
  return ok ? 0 : 1;
}
