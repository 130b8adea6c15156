#include "service/http_front.hpp"

#include <arpa/inet.h>
#include <http_parser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <unordered_map>

#include <nlohmann/json.hpp>

namespace so {

namespace {

using Clock = std::chrono::steady_clock;

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

bool icontains(std::string_view hay, std::string_view needle) {
  if (needle.size() > hay.size()) return false;
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i)
    if (iequals(hay.substr(i, needle.size()), needle)) return true;
  return false;
}

int millis(Clock::duration d) {
  return static_cast<int>(std::max<long long>(0, std::chrono::duration_cast<std::chrono::milliseconds>(d).count()));
}

// Best effort on a non-blocking socket: what does not fit into the socket buffer now is dropped.
void send_now(int fd, std::string_view bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n > 0) done += static_cast<size_t>(n);
    else if (n < 0 && errno == EINTR) continue;
    else break;
  }
}

// The buffered request as httplib reads it; the answer goes straight to the socket.
class BufferedStream final : public httplib::Stream {
 public:
  BufferedStream(int fd, std::string_view request, const std::string& peer_ip, int peer_port,
                 std::chrono::milliseconds write_timeout, bool continue_sent)
      : fd_(fd), data_(request), peer_ip_(peer_ip), peer_port_(peer_port), write_timeout_(write_timeout),
        continue_sent_(continue_sent) {}

  bool is_readable() const override { return pos_ < data_.size(); }
  bool is_writable() const override {
    pollfd p{fd_, POLLOUT, 0};
    return ::poll(&p, 1, static_cast<int>(write_timeout_.count())) > 0 && !(p.revents & (POLLERR | POLLHUP));
  }
  ssize_t read(char* ptr, size_t size) override {
    const size_t n = std::min(size, data_.size() - pos_);
    std::memcpy(ptr, data_.data() + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, size_t size) override {
    if (!head_written_) {
      const std::string_view s(ptr, size);
      if (continue_sent_ && s.starts_with("HTTP/1.1 100 ")) return static_cast<ssize_t>(size);  // already sent
      head_written_ = true;
      close_asked_ = icontains(s.substr(0, s.find("\r\n\r\n") + 2), "\r\nConnection: close\r\n");
    }
    const auto deadline = Clock::now() + write_timeout_;
    size_t done = 0;
    while (done < size) {
      const ssize_t n = ::send(fd_, ptr + done, size - done, MSG_NOSIGNAL);
      if (n > 0) {
        done += static_cast<size_t>(n);
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        pollfd p{fd_, POLLOUT, 0};
        const int left = millis(deadline - Clock::now());
        if (left <= 0 || ::poll(&p, 1, left) <= 0) return -1;  // the client does not take the answer
      } else {
        return -1;
      }
    }
    return static_cast<ssize_t>(size);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = peer_ip_;
    port = peer_port_;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage addr{};
    socklen_t len = sizeof(addr);
    if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return;
    char host[NI_MAXHOST], serv[NI_MAXSERV];
    if (::getnameinfo(reinterpret_cast<sockaddr*>(&addr), len, host, sizeof host, serv, sizeof serv,
                      NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
      ip = host;
      port = std::atoi(serv);
    }
  }
  socket_t socket() const override { return fd_; }
  bool close_asked() const { return close_asked_; }

 private:
  int fd_;
  std::string_view data_;
  size_t pos_ = 0;
  std::string peer_ip_;
  int peer_port_;
  std::chrono::milliseconds write_timeout_;
  bool continue_sent_;
  bool head_written_ = false;
  bool close_asked_ = false;
};

std::string target_path(const std::string& target) { return target.substr(0, target.find('?')); }

std::string body_limit_detail(size_t max_body) {
  return "request body larger than the limit of " + std::to_string(max_body) + " bytes (MAX_BODY_BYTES)";
}

}  // namespace

std::string RequestHead::header(const std::string& name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return v;
  return {};
}

// --- RequestFramer -------------------------------------------------------------------------------

struct RequestFramer::Callbacks {
  static RequestFramer& self(http_parser* p) { return *static_cast<RequestFramer*>(p->data); }
  static int on_url(http_parser* p, const char* at, size_t n) {
    RequestFramer& f = self(p);
    f.head_.target.append(at, n);
    if (f.head_.target.size() > f.limits_.max_target_bytes)
      return f.fail(414, "request target longer than " + std::to_string(f.limits_.max_target_bytes) + " bytes");
    return 0;
  }
  static int on_header_field(http_parser* p, const char* at, size_t n) {
    RequestFramer& f = self(p);
    if (f.in_value_) {
      f.head_.headers.emplace_back(std::move(f.field_), std::move(f.value_));
      f.field_.clear();
      f.value_.clear();
      f.in_value_ = false;
    }
    f.field_.append(at, n);
    return f.check_line();
  }
  static int on_header_value(http_parser* p, const char* at, size_t n) {
    RequestFramer& f = self(p);
    f.value_.append(at, n);
    f.in_value_ = true;
    return f.check_line();
  }
  static int on_headers_complete(http_parser* p) {
    RequestFramer& f = self(p);
    if (f.in_value_ || !f.field_.empty()) f.head_.headers.emplace_back(std::move(f.field_), std::move(f.value_));
    f.field_.clear();
    f.value_.clear();
    f.in_value_ = false;
    f.head_complete_ = true;
    f.head_.method = http_method_str(static_cast<http_method>(p->method));
    f.head_.has_body = (p->flags & F_CHUNKED) || p->content_length > 0;
    f.keep_alive_ = http_should_keep_alive(p) != 0;
    if ((p->flags & F_CONTENTLENGTH) && p->content_length > f.limits_.max_body_bytes)
      return f.fail(413, body_limit_detail(f.limits_.max_body_bytes));
    if (f.head_.has_body && f.on_head_ && !f.on_head_(f.head_)) {
      f.stopped_by_hook_ = true;
      return -1;  // stops the parser before the body
    }
    return 0;
  }
  static int on_body(http_parser* p, const char*, size_t n) {
    RequestFramer& f = self(p);
    f.body_bytes_ += n;
    if (f.body_bytes_ > f.limits_.max_body_bytes) return f.fail(413, body_limit_detail(f.limits_.max_body_bytes));
    return 0;
  }
  static int on_message_complete(http_parser* p) {
    self(p).complete_ = true;
    http_parser_pause(p, 1);  // one request at a time: pipelined bytes stay with the caller
    return 0;
  }
  static const http_parser_settings& settings() {
    static const http_parser_settings s = [] {
      http_parser_settings x;
      http_parser_settings_init(&x);
      x.on_url = on_url;
      x.on_header_field = on_header_field;
      x.on_header_value = on_header_value;
      x.on_headers_complete = on_headers_complete;
      x.on_body = on_body;
      x.on_message_complete = on_message_complete;
      return x;
    }();
    return s;
  }
};

RequestFramer::RequestFramer(Limits limits, HeadHook on_head)
    : limits_(limits), on_head_(std::move(on_head)), parser_(std::make_unique<http_parser>()) {
  // http-parser keeps this limit process-wide; every framer of the process uses the same one.
  http_parser_set_max_header_size(static_cast<uint32_t>(limits_.max_header_bytes));
  reset();
}

RequestFramer::~RequestFramer() = default;

void RequestFramer::reset() {
  http_parser_init(parser_.get(), HTTP_REQUEST);
  parser_->data = this;
  head_ = RequestHead{};
  field_.clear();
  value_.clear();
  in_value_ = head_complete_ = complete_ = stopped_by_hook_ = false;
  keep_alive_ = true;
  body_bytes_ = 0;
  error_status_ = 0;
  error_detail_.clear();
}

int RequestFramer::fail(int status, std::string detail) {
  error_status_ = status;
  error_detail_ = std::move(detail);
  return -1;
}

int RequestFramer::check_line() {
  if (field_.size() + value_.size() + 2 > limits_.max_header_line_bytes)
    return fail(431, "header line '" + field_.substr(0, 64) + "' longer than " +
                         std::to_string(limits_.max_header_line_bytes) + " bytes");
  return 0;
}

size_t RequestFramer::feed(const char* data, size_t n) {
  if (complete_ || error_status_ != 0 || stopped_by_hook_ || n == 0) return 0;
  const size_t used = http_parser_execute(parser_.get(), &Callbacks::settings(), data, n);
  const auto err = HTTP_PARSER_ERRNO(parser_.get());
  if (complete_ || stopped_by_hook_ || error_status_ != 0 || err == HPE_OK) return used;
  if (err == HPE_HEADER_OVERFLOW)
    error_status_ = 431, error_detail_ = "request headers larger than " + std::to_string(limits_.max_header_bytes) + " bytes";
  else
    error_status_ = 400, error_detail_ = std::string("malformed HTTP request: ") + http_errno_description(err);
  return used;
}

const char* status_reason(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 408: return "Request Timeout";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Error";
  }
}

bool FrontServer::serve(httplib::Stream& strm, bool close_connection) {
  bool closed = false;
  const bool ok = process_request(strm, close_connection, closed, nullptr);
  return ok && !closed;
}

struct HttpFront::Impl {
  enum class Phase { Idle, Reading, Dispatched, Lingering };

  struct Conn {
    int fd = -1;
    std::string peer_ip;
    int peer_port = 0;
    Phase phase = Phase::Idle;
    Clock::time_point deadline, request_start;
    bool in_epoll = false;
    int served = 0;
    std::string buf;  // received, not yet handed over
    size_t parsed = 0;
    std::unique_ptr<RequestFramer> framer;
    bool continue_sent = false, probe = false;
    std::optional<FrontAnswer> early;  // from the admission hook
    // Handed to a worker.
    std::string request;
    bool keep_after = false;

    void reset_request() {
      framer->reset();
      continue_sent = probe = false;
      early.reset();
    }
  };

  FrontOptions opt;
  FrontServer& app;
  FrontHooks hooks;
  int listen_fd = -1, epoll_fd = -1, wake_fd = -1;
  std::thread event_thread;
  std::atomic<bool> started{false}, stopping{false};
  std::atomic<int> connection_count{0};
  std::atomic<size_t> buffered{0};
  std::unordered_map<int, std::unique_ptr<Conn>> conns;  // event thread only
  std::map<std::string, int> per_client;                  // event thread only
  int dispatched = 0;                                      // event thread only

  struct Lane {
    std::mutex mu;
    std::condition_variable cv;
    std::deque<Conn*> queue;
    std::vector<std::thread> threads;
    bool stop = false;
  };
  Lane api, probes;
  std::mutex returned_mu;
  std::vector<Conn*> returned;

  Impl(FrontOptions o, FrontServer& a, FrontHooks h) : opt(std::move(o)), app(a), hooks(std::move(h)) {}

  RequestFramer::Limits limits() const {
    return {opt.max_body_bytes, opt.max_header_bytes, opt.max_header_line_bytes, CPPHTTPLIB_REQUEST_URI_MAX_LENGTH};
  }

  // The head is in and a body is to come: admit it (or answer now), and say "100 Continue".
  bool on_head(Conn& c, const RequestHead& head) {
    if (hooks.admit) {
      if (auto answer = hooks.admit(head)) {
        c.early = std::move(*answer);
        return false;
      }
    }
    if (iequals(head.header("Expect"), "100-continue")) {
      send_now(c.fd, "HTTP/1.1 100 Continue\r\n\r\n");
      c.continue_sent = true;
    }
    return true;
  }

  ~Impl() {
    for (int fd : {listen_fd, epoll_fd, wake_fd})
      if (fd >= 0) ::close(fd);
  }

  // --- the event thread ------------------------------------------------------------------------
  void wake() {
    const uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wake_fd, &one, sizeof one);
  }

  void watch(Conn& c) {
    if (c.in_epoll) return;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.fd = c.fd;
    ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, c.fd, &ev);
    c.in_epoll = true;
  }
  void unwatch(Conn& c) {
    if (!c.in_epoll) return;
    ::epoll_ctl(epoll_fd, EPOLL_CTL_DEL, c.fd, nullptr);
    c.in_epoll = false;
  }

  void close_conn(int fd) {
    auto it = conns.find(fd);
    if (it == conns.end()) return;
    Conn& c = *it->second;
    unwatch(c);
    ::close(c.fd);
    buffered -= c.buf.size();
    if (--per_client[c.peer_ip] <= 0) per_client.erase(c.peer_ip);
    conns.erase(it);
    --connection_count;
  }

  std::string render(const FrontAnswer& a) const {
    std::string out = "HTTP/1.1 " + std::to_string(a.status) + " " + status_reason(a.status) + "\r\n";
    out += "Content-Type: application/json\r\nContent-Length: " + std::to_string(a.body.size()) + "\r\n";
    for (const auto& [k, v] : a.headers) out += k + ": " + v + "\r\n";
    out += "Connection: close\r\n\r\n";
    return out + a.body;
  }

  FrontAnswer make_reject(int status, const std::string& detail, const RequestHead* head) const {
    if (hooks.reject) return hooks.reject(status, detail, head);
    return FrontAnswer{status, {}, nlohmann::json{{"detail", detail}}.dump()};
  }

  // Answers, stops writing and reads what the client still sends for a moment, so the answer is
  // not lost to a reset (closing with unread data sends RST).
  void answer_and_linger(Conn& c, const FrontAnswer& a) {
    const RequestHead* head = c.framer->head_complete() ? &c.framer->head() : nullptr;
    const double seconds =
        c.phase == Phase::Reading ? std::chrono::duration<double>(Clock::now() - c.request_start).count() : 0.0;
    send_now(c.fd, render(a));
    if (hooks.on_rejected) hooks.on_rejected(a, head, c.peer_ip, seconds);
    ::shutdown(c.fd, SHUT_WR);
    buffered -= c.buf.size();
    c.buf.clear();
    c.buf.shrink_to_fit();
    c.phase = Phase::Lingering;
    c.deadline = Clock::now() + opt.linger;
    watch(c);
  }

  void reject(Conn& c, int status, const std::string& detail) {
    answer_and_linger(c, make_reject(status, detail, c.framer->head_complete() ? &c.framer->head() : nullptr));
  }

  void accept_all() {
    for (;;) {
      sockaddr_storage addr{};
      socklen_t len = sizeof addr;
      const int fd = ::accept4(listen_fd, reinterpret_cast<sockaddr*>(&addr), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        return;  // EAGAIN, or out of fds (EMFILE): the backlog waits for the next round
      }
      char host[NI_MAXHOST] = "", serv[NI_MAXSERV] = "0";
      ::getnameinfo(reinterpret_cast<sockaddr*>(&addr), len, host, sizeof host, serv, sizeof serv,
                    NI_NUMERICHOST | NI_NUMERICSERV);
      const std::string peer = host;
      if (stopping.load() || connection_count.load() >= opt.max_connections) {
        send_now(fd, render(make_reject(503, stopping.load() ? "the service is shutting down"
                                                             : "too many open connections (MAX_CONNECTIONS)",
                                        nullptr)));
        ::close(fd);
        if (hooks.on_rejected) hooks.on_rejected(make_reject(503, "", nullptr), nullptr, peer, 0);
        continue;
      }
      if (per_client[peer] >= opt.max_connections_per_client) {
        const FrontAnswer a = make_reject(
            429, "too many open connections from " + peer + " (MAX_CONNECTIONS_PER_CLIENT = " +
                     std::to_string(opt.max_connections_per_client) + ")",
            nullptr);
        send_now(fd, render(a));
        ::close(fd);
        if (hooks.on_rejected) hooks.on_rejected(a, nullptr, peer, 0);
        continue;
      }
      const int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // small JSON answers must not wait for Nagle
      auto c = std::make_unique<Conn>();
      c->fd = fd;
      c->peer_ip = peer;
      c->peer_port = std::atoi(serv);
      Conn* raw = c.get();
      c->framer = std::make_unique<RequestFramer>(limits(), [this, raw](const RequestHead& h) { return on_head(*raw, h); });
      c->deadline = Clock::now() + opt.request_timeout;  // a new connection owes its first request
      ++per_client[peer];
      ++connection_count;
      watch(*c);
      conns.emplace(fd, std::move(c));
    }
  }

  void on_readable(Conn& c) {
    char chunk[64 * 1024];
    for (;;) {
      const ssize_t n = ::recv(c.fd, chunk, sizeof chunk, 0);
      if (n == 0) return close_conn(c.fd);  // the client is gone (or done after an early answer)
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return;
        return close_conn(c.fd);
      }
      if (c.phase == Phase::Lingering) continue;  // discarded
      if (c.phase == Phase::Idle) {
        c.phase = Phase::Reading;
        c.request_start = Clock::now();
        c.deadline = c.request_start + opt.request_timeout;
      }
      // Raw bytes in flight: the decoded-body and header limits apply in the parser; this bounds
      // chunk framing and pipelining, and all connections together.
      const size_t raw_cap = opt.max_header_bytes + 2 * opt.max_body_bytes + 4096;
      if (c.buf.size() + static_cast<size_t>(n) > raw_cap)
        return reject(c, 413, body_limit_detail(opt.max_body_bytes));
      if (buffered.load() + static_cast<size_t>(n) > opt.max_buffered_bytes)
        return reject(c, 503, "the service holds too many request bytes right now; retry shortly");
      c.buf.append(chunk, static_cast<size_t>(n));
      buffered += static_cast<size_t>(n);
      if (!parse(c)) return;  // answered, dispatched or closed
    }
  }

  // Feeds the new bytes to the framer; false once the connection left the reading phase.
  bool parse(Conn& c) {
    if (c.parsed >= c.buf.size()) return true;
    c.parsed += c.framer->feed(c.buf.data() + c.parsed, c.buf.size() - c.parsed);
    if (c.framer->complete()) {
      const RequestHead& h = c.framer->head();
      c.probe = (h.method == "GET" || h.method == "HEAD") &&
                std::find(hooks.probe_paths.begin(), hooks.probe_paths.end(), target_path(h.target)) !=
                    hooks.probe_paths.end();
      dispatch(c);
      return false;
    }
    if (c.framer->stopped_by_hook() && c.early) {
      answer_and_linger(c, *c.early);
      return false;
    }
    if (c.framer->error_status() == 0) return true;
    reject(c, c.framer->error_status(), c.framer->error_detail());
    return false;
  }

  void dispatch(Conn& c) {
    unwatch(c);
    c.request = c.buf.substr(0, c.parsed);
    c.buf.erase(0, c.parsed);  // a pipelined next request stays
    c.parsed = 0;
    c.phase = Phase::Dispatched;
    ++dispatched;
    Lane& lane = c.probe ? probes : api;
    {
      std::lock_guard lock(lane.mu);
      lane.queue.push_back(&c);
    }
    lane.cv.notify_one();
  }

  // A worker is done with a connection: keep it for the next request or close it.
  void take_back(Conn* c) {
    --dispatched;
    buffered -= c->request.size();
    c->request.clear();
    c->request.shrink_to_fit();
    ++c->served;
    if (!c->keep_after || stopping.load()) return close_conn(c->fd);
    const bool more = !c->buf.empty();
    c->reset_request();
    c->phase = more ? Phase::Reading : Phase::Idle;
    c->request_start = Clock::now();
    c->deadline = Clock::now() + (more ? opt.request_timeout : opt.keep_alive_timeout);
    watch(*c);
    if (more) parse(*c);
  }

  void expire(Clock::time_point now) {
    std::vector<int> idle, late;
    for (auto& [fd, c] : conns) {
      if (c->phase == Phase::Dispatched || now < c->deadline) continue;
      (c->phase == Phase::Reading ? late : idle).push_back(fd);
    }
    for (int fd : idle) close_conn(fd);
    for (int fd : late) {
      Conn& c = *conns.at(fd);
      reject(c, 408, "request not complete within " + std::to_string(opt.request_timeout.count() / 1000) +
                         " s (READ_TIMEOUT_SECONDS)");
    }
  }

  void run_events() {
    epoll_event events[128];
    bool listening = true;
    for (;;) {
      if (stopping.load()) {
        if (listening) {
          ::epoll_ctl(epoll_fd, EPOLL_CTL_DEL, listen_fd, nullptr);
          ::close(listen_fd);
          listen_fd = -1;
          listening = false;
        }
        std::vector<int> open;
        for (auto& [fd, c] : conns)
          if (c->phase != Phase::Dispatched) open.push_back(fd);
        for (int fd : open) close_conn(fd);
      }
      {
        std::vector<Conn*> back;
        {
          std::lock_guard lock(returned_mu);
          back.swap(returned);
        }
        for (Conn* c : back) take_back(c);
      }
      if (stopping.load() && dispatched == 0) return;
      const int n = ::epoll_wait(epoll_fd, events, 128, 100);
      for (int i = 0; i < n; ++i) {
        const int fd = events[i].data.fd;
        if (fd == wake_fd) {
          uint64_t v;
          [[maybe_unused]] auto r = ::read(wake_fd, &v, sizeof v);
        } else if (fd == listen_fd) {
          accept_all();
        } else if (auto it = conns.find(fd); it != conns.end()) {
          on_readable(*it->second);
        }
      }
      expire(Clock::now());
    }
  }

  // --- workers ---------------------------------------------------------------------------------
  void run_worker(Lane& lane) {
    for (;;) {
      Conn* c = nullptr;
      {
        std::unique_lock lock(lane.mu);
        lane.cv.wait(lock, [&] { return lane.stop || !lane.queue.empty(); });
        if (lane.queue.empty()) return;
        c = lane.queue.front();
        lane.queue.pop_front();
      }
      const bool last = stopping.load() || !c->framer->keep_alive() || c->served + 1 >= opt.max_requests_per_connection;
      BufferedStream strm(c->fd, c->request, c->peer_ip, c->peer_port, opt.write_timeout, c->continue_sent);
      const bool open = app.serve(strm, last);
      c->keep_after = open && !last && !strm.close_asked();
      {
        std::lock_guard lock(returned_mu);
        returned.push_back(c);
      }
      wake();
    }
  }
};

HttpFront::HttpFront(FrontOptions options, FrontServer& app, FrontHooks hooks)
    : impl_(std::make_unique<Impl>(std::move(options), app, std::move(hooks))) {}

HttpFront::~HttpFront() { stop(); }

void HttpFront::bind() {
  Impl& f = *impl_;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  const std::string where = f.opt.host + ":" + std::to_string(f.opt.port);
  if (int rc = ::getaddrinfo(f.opt.host.empty() ? nullptr : f.opt.host.c_str(), std::to_string(f.opt.port).c_str(),
                             &hints, &found);
      rc != 0)
    throw std::runtime_error("cannot listen on " + where + ": " + ::gai_strerror(rc));
  int last_error = 0;
  for (addrinfo* ai = found; ai && f.listen_fd < 0; ai = ai->ai_next) {
    const int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      last_error = errno;
      continue;
    }
    // SO_REUSEADDR only: a restart may bind over TIME_WAIT, a second live listener may not.
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || ::listen(fd, 1024) != 0) {
      last_error = errno;
      ::close(fd);
      continue;
    }
    f.listen_fd = fd;
  }
  ::freeaddrinfo(found);
  if (f.listen_fd < 0) throw std::runtime_error("cannot listen on " + where + ": " + std::strerror(last_error));
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  ::getsockname(f.listen_fd, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port
                                           : reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
}

void HttpFront::start() {
  Impl& f = *impl_;
  if (f.listen_fd < 0) throw std::logic_error("HttpFront::start before bind");
  if (f.started.exchange(true)) throw std::logic_error("HttpFront::start called twice");
  f.epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
  f.wake_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (f.epoll_fd < 0 || f.wake_fd < 0) throw std::runtime_error(std::string("epoll/eventfd: ") + std::strerror(errno));
  for (int fd : {f.listen_fd, f.wake_fd}) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    ::epoll_ctl(f.epoll_fd, EPOLL_CTL_ADD, fd, &ev);
  }
  f.app.set_running_socket(f.listen_fd);
  for (int i = 0; i < std::max(1, f.opt.workers); ++i) f.api.threads.emplace_back([&f] { f.run_worker(f.api); });
  for (int i = 0; i < std::max(1, f.opt.probe_workers); ++i)
    f.probes.threads.emplace_back([&f] { f.run_worker(f.probes); });
  f.event_thread = std::thread([&f] { f.run_events(); });
}

void HttpFront::stop() {
  Impl& f = *impl_;
  if (!f.started.load() || f.stopping.exchange(true)) return;
  f.app.set_running_socket(INVALID_SOCKET);  // httplib's chunked streams end
  f.wake();
  if (f.event_thread.joinable()) f.event_thread.join();
  for (Impl::Lane* lane : {&f.api, &f.probes}) {
    {
      std::lock_guard lock(lane->mu);
      lane->stop = true;
    }
    lane->cv.notify_all();
    for (auto& t : lane->threads) t.join();
    lane->threads.clear();
  }
}

HttpFront::Stats HttpFront::stats() const { return {impl_->connection_count.load(), impl_->buffered.load()}; }

}  // namespace so
