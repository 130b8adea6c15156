#include "service_test_util.hpp"

#include "service/openapi_check.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "core/time.hpp"
#include "service/log.hpp"

namespace so::test {

namespace {
// Quiet service logs in tests unless SO_TEST_LOG_LEVEL asks for them.
const bool kQuietLogs = [] {
  const char* lv = std::getenv("SO_TEST_LOG_LEVEL");
  configure_logging(lv ? lv : "warn", "text");
  return true;
}();
}  // namespace

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "so-svc-test-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

json synthetic_tours(int per_day, int days, unsigned seed, int fixed_minutes) {
  json tours = json::array();
  unsigned state = seed;
  auto next = [&] {
    state = state * 1103515245u + 12345u;
    return (state >> 8) & 0xFFFF;
  };
  int n = 0;
  for (int d = 0; d < days; ++d) {
    for (int i = 0; i < per_day; ++i) {
      const int start = 4 * 60 + static_cast<int>(next() % 57) * 15;  // 04:00 … 18:00
      const int random_dur = 210 + static_cast<int>(next() % 5) * 15;   // 3.5 … 4.5 h
      const int dur = fixed_minutes > 0 ? fixed_minutes : random_dur;
      char id[16];
      std::snprintf(id, sizeof id, "T%04d", ++n);
      tours.push_back({{"id", id},
                       {"day", std::string(day_short_name(d))},
                       {"start_time", format_hhmm(start)},
                       {"end_time", format_hhmm(start + dur)}});
    }
  }
  return tours;
}

std::string canary_body() {
  return json{{"tours", synthetic_tours(8, 6, 42)}, {"seed", 42}, {"time_limit_seconds", 30}}.dump();
}

std::string synthetic_csv(int windows_per_day, int count_per_window, int days) {
  std::string out;
  for (int d = 0; d < days; ++d) {
    out += std::string(day_german_name(d)) + ";Anzahl\n";
    for (int w = 0; w < windows_per_day; ++w) {
      const int start = 5 * 60 + w * 30;
      out += format_hhmm(start) + "-" + format_hhmm(start + 270) + ";" + std::to_string(count_per_window) + "\n";
    }
  }
  return out;
}

namespace {

// Polls the run's status until `done` says so or the timeout passes; the last status seen.
std::string poll_status(httplib::Client& c, const std::string& id, std::chrono::milliseconds timeout,
                        const std::function<bool(const std::string&)>& done) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string last;
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto r = c.Get(("/api/v1/runs/" + id).c_str()); r && r->status == 200) {
      const json v = json::parse(r->body, nullptr, false);
      if (v.is_object() && v["status"].is_string()) last = v["status"];
      if (!last.empty() && done(last)) return last;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return last;
}

}  // namespace

std::string wait_status(httplib::Client& c, const std::string& id, const std::set<std::string>& want,
                        std::chrono::milliseconds timeout) {
  return poll_status(c, id, timeout, [&](const std::string& s) { return want.count(s) > 0; });
}

std::string wait_final(httplib::Client& c, const std::string& id, std::chrono::milliseconds timeout) {
  return poll_status(c, id, timeout, [](const std::string& s) { return s != "QUEUED" && s != "RUNNING"; });
}

std::optional<double> metric_value(const std::string& text, const std::string& series) {
  std::istringstream is(text);
  std::string line;
  while (std::getline(is, line)) {
    if (line.rfind(series, 0) == 0 && line.size() > series.size() && line[series.size()] == ' ')
      return std::stod(line.substr(series.size() + 1));
  }
  return std::nullopt;
}

ServerOptions test_options(const std::string& data_dir) {
  ServerOptions o;
  o.host = "127.0.0.1";
  o.port = 0;
  o.data_dir = data_dir;
  o.log_level = "warn";
  o.max_concurrent_runs = 2;
  o.max_queued_runs = 16;
  o.shutdown_grace_seconds = 10;
  o.on_response = check_against_openapi;  // every answer a service test receives matches the document
  return o;
}

LiveService::LiveService(std::function<void(ServerOptions&)> tweak, SolveFunction solve, std::string data_dir) {
  if (data_dir.empty()) {
    dir = std::make_unique<TempDir>();
    data_dir = dir->str();
  }
  ServerOptions opt = test_options(data_dir);
  if (tweak) tweak(opt);
  service = std::make_unique<Service>(opt, std::move(solve));
  service->start();
}

LiveService::~LiveService() {
  service.reset();
  dir.reset();
}

httplib::Client LiveService::client(int read_timeout_s) const {
  httplib::Client c("127.0.0.1", service->port());
  c.set_read_timeout(read_timeout_s, 0);
  c.set_connection_timeout(5, 0);
  return c;
}

std::string LiveService::metrics() {
  auto c = client();
  auto r = c.Get("/api/v1/metrics");
  return r ? r->body : std::string();
}

int free_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

std::string raw_http(int port, const std::string& request, std::chrono::milliseconds timeout) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return {};
  }
  timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string out;
  char buf[4096];
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
    // One response is enough: stop once headers and the announced body are in.
    const auto end = out.find("\r\n\r\n");
    if (end != std::string::npos) {
      const auto cl = out.find("Content-Length: ");
      if (cl != std::string::npos && cl < end &&
          out.size() >= end + 4 + std::stoul(out.substr(cl + 16, out.find("\r\n", cl) - cl - 16)))
        break;
    }
  }
  ::close(fd);
  return out;
}

bool binary_available() { return std::filesystem::exists(SO_BINARY_PATH); }

ServeProcess::ServeProcess(const std::string& data_dir, const std::vector<std::pair<std::string, std::string>>& env,
                           const std::string& log_path) {
  port_ = free_loopback_port();
  log_path_ = log_path.empty() ? data_dir + "/serve.log" : log_path;
  if (log_path.empty()) std::filesystem::create_directories(data_dir);
  pid_ = ::fork();
  if (pid_ == 0) {
    int fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
    const std::string port = std::to_string(port_);
    ::execl(SO_BINARY_PATH, SO_BINARY_PATH, "serve", "--host", "127.0.0.1", "--port", port.c_str(), "--data-dir",
            data_dir.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
}

ServeProcess::~ServeProcess() {
  if (pid_ > 0 && !exited_) {
    ::kill(pid_, SIGKILL);
    int st = 0;
    ::waitpid(pid_, &st, 0);
  }
}

bool ServeProcess::wait_ready(std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  httplib::Client c("127.0.0.1", port_);
  c.set_connection_timeout(1, 0);
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto r = c.Get("/api/v1/readyz"); r && r->status == 200) return true;
    int st = 0;
    if (::waitpid(pid_, &st, WNOHANG) == pid_) {
      exited_ = true;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

void ServeProcess::signal(int sig) { ::kill(pid_, sig); }

std::optional<int> ServeProcess::wait_exit(std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int st = 0;
    if (::waitpid(pid_, &st, WNOHANG) == pid_) {
      exited_ = true;
      if (WIFEXITED(st)) return WEXITSTATUS(st);
      if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return std::nullopt;
}

std::string ServeProcess::log() const {
  std::ifstream f(log_path_);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace so::test
