// The connection front (service/http_front) against hostile and slow clients, on a real server on
// loopback with raw sockets: chunked uploads over the limit, slowloris headers and bodies, the
// per-client connection cap, a second listener on the same port, malformed framing, and the
// media-type and Retry-After answers (issue 12).
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "service/http_front.hpp"
#include "service/openapi_check.hpp"
#include "service_test_util.hpp"

namespace so {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using test::LiveService;
using test::metric_value;

// A raw TCP client: what a browser library would never send.
class Raw {
 public:
  explicit Raw(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~Raw() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool connected() const { return connected_; }
  bool send(const std::string& s) { return ::send(fd_, s.data(), s.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(s.size()); }
  // Everything that arrives within `wait` (until the peer closes, or stops sending for `quiet`).
  std::string read(std::chrono::milliseconds wait, std::chrono::milliseconds quiet = 300ms) {
    std::string out;
    const auto end = Clock::now() + wait;
    while (Clock::now() < end) {
      pollfd p{fd_, POLLIN, 0};
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now());
      const int timeout = static_cast<int>(out.empty() ? left.count() : std::min(left, quiet).count());
      if (::poll(&p, 1, std::max(timeout, 1)) <= 0) break;
      char buf[8192];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }
  bool readable_now() {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, 0) > 0;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

int status_of(const std::string& response) {
  if (response.rfind("HTTP/1.1 ", 0) != 0 || response.size() < 12) return -1;
  return std::stoi(response.substr(9, 3));
}

// The status of a raw answer the front wrote itself (no routing, so no on_response hook), after
// checking it against the OpenAPI document like every routed answer.
int front_status(const std::string& response, const std::string& method, const std::string& path) {
  const size_t head_end = response.find("\r\n\r\n");
  if (head_end == std::string::npos) return status_of(response);
  std::string content_type;
  for (size_t i = response.find("\r\n") + 2; i < head_end;) {
    const size_t eol = response.find("\r\n", i);
    const std::string line = response.substr(i, eol - i);
    if (line.rfind("Content-Type: ", 0) == 0) content_type = line.substr(14);
    i = eol + 2;
  }
  const std::string body = response.substr(head_end + 4);
  const std::string why = test::openapi_mismatch(method, path, status_of(response), content_type, body);
  EXPECT_EQ(why, "") << response.substr(0, 300);
  return status_of(response);
}

// The time a fresh connection takes to get healthz answered.
double probe_seconds(int port) {
  const auto t0 = Clock::now();
  Raw c(port);
  c.send("GET /api/v1/healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const std::string r = c.read(5s);
  const double s = std::chrono::duration<double>(Clock::now() - t0).count();
  return status_of(r) == 200 ? s : 99.0;
}

// --- the framer alone ------------------------------------------------------------------------

RequestFramer::Limits small_limits() { return {1000, 4096, 512, 256}; }

TEST(RequestFramer, FindsTheEndOfEachPipelinedRequestByteByByte) {
  const std::string two = "POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"
                          "POST /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nxy\r\n0\r\n\r\n";
  RequestFramer f(small_limits());
  size_t at = 0;
  std::vector<std::string> targets;
  std::vector<size_t> ends;
  while (at < two.size()) {
    at += f.feed(two.data() + at, 1);  // one byte at a time: the worst split
    ASSERT_EQ(f.error_status(), 0) << f.error_detail();
    if (f.complete()) {
      targets.push_back(f.head().target);
      ends.push_back(at);
      EXPECT_EQ(f.body_bytes(), targets.size() == 1 ? 3u : 2u);
      f.reset();
    }
  }
  EXPECT_EQ(targets, (std::vector<std::string>{"/a", "/b"}));
  EXPECT_EQ(ends.front(), two.find("POST /b"));
  EXPECT_EQ(ends.back(), two.size());
}

TEST(RequestFramer, LimitsAndMalformedFramingHaveTheirStatus) {
  auto status = [](const std::string& req) {
    RequestFramer f(small_limits());
    f.feed(req.data(), req.size());
    return f.complete() ? 200 : f.error_status();
  };
  EXPECT_EQ(status("POST / HTTP/1.1\r\nContent-Length: 1001\r\n\r\n"), 413);
  EXPECT_EQ(status("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3e9\r\n" + std::string(1001, 'a')), 413);
  EXPECT_EQ(status("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"), 400);
  EXPECT_EQ(status("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"), 400);
  EXPECT_EQ(status("GET /" + std::string(300, 'p') + " HTTP/1.1\r\n\r\n"), 414);
  EXPECT_EQ(status("GET / HTTP/1.1\r\nX: " + std::string(600, 'v') + "\r\n\r\n"), 431);
  EXPECT_EQ(status("GET / HTTP/1.1\r\n\r\n"), 200);
  EXPECT_EQ(status("NONSENSE\r\n\r\n"), 400);
}

TEST(RequestFramer, TheHeadHookSeesTheHeadBeforeTheBodyAndCanStopIt) {
  int calls = 0;
  RequestFramer f(small_limits(), [&](const RequestHead& h) {
    ++calls;
    EXPECT_EQ(h.method, "POST");
    EXPECT_EQ(h.header("authorization"), "");
    EXPECT_EQ(h.header("CONTENT-TYPE"), "text/csv");
    return false;
  });
  const std::string req = "POST /x HTTP/1.1\r\nContent-Type: text/csv\r\nContent-Length: 5\r\n\r\nhello";
  const size_t used = f.feed(req.data(), req.size());
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(f.stopped_by_hook());
  EXPECT_FALSE(f.complete());
  EXPECT_LE(used, req.size() - 5) << "no body byte was taken";
}

// --- the front on a live service -------------------------------------------------------------

TEST(HttpFront, ChunkedUploadOverTheLimitIs413AtTheLimitNotAfterTheWholeBody) {
  LiveService svc([](ServerOptions& o) { o.max_body_bytes = 64 * 1024; });
  Raw c(svc.port());
  ASSERT_TRUE(c.connected());
  c.send("POST /api/v1/schedule HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n");
  const std::string chunk = "1000\r\n" + std::string(4096, 'a') + "\r\n";
  size_t sent = 0;
  std::string answer;
  // Up to 100 MB; the answer must come after about 64 KB.
  while (sent < 100u * 1024 * 1024) {
    if (!c.send(chunk)) break;  // the server stopped reading
    sent += 4096;
    if (sent % (64 * 1024) == 0 && c.readable_now()) break;
  }
  answer = c.read(3s);
  EXPECT_EQ(front_status(answer, "POST", "/api/v1/schedule"), 413) << answer.substr(0, 200);
  EXPECT_NE(answer.find("MAX_BODY_BYTES"), std::string::npos);
  EXPECT_LT(sent, 8u * 1024 * 1024) << "the server read far past the limit before answering";
  EXPECT_EQ(metric_value(svc.metrics(), "solver_api_error_total{endpoint=\"/api/v1/schedule\",error_type=\"payload_too_large\"}"), 1);
}

TEST(HttpFront, ContentLengthOverTheLimitIs413BeforeTheBodyAndNoTokenIs401BeforeTheBody) {
  LiveService svc([](ServerOptions& o) {
    o.max_body_bytes = 64 * 1024;
    o.api_token = "s3cret";
  });
  {
    Raw c(svc.port());
    c.send("POST /api/v1/schedule HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
           "Authorization: Bearer s3cret\r\nContent-Length: 400000000\r\n\r\n");
    EXPECT_EQ(front_status(c.read(2s), "POST", "/api/v1/schedule"), 413) << "answered from the headers, no body sent";
  }
  {
    Raw c(svc.port());
    c.send("POST /api/v1/schedule HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
           "Transfer-Encoding: chunked\r\n\r\n");
    const std::string r = c.read(2s);
    EXPECT_EQ(front_status(r, "POST", "/api/v1/schedule"), 401) << "a chunked upload without a token is refused before its body";
    EXPECT_NE(r.find("WWW-Authenticate: Bearer"), std::string::npos);
  }
}

TEST(HttpFront, SlowHeadersAndSlowBodiesNeitherStarveProbesNorLiveForever) {
  LiveService svc([](ServerOptions& o) { o.read_timeout_seconds = 3; });
  const int port = svc.port();
  std::atomic<bool> stop{false};
  std::vector<std::unique_ptr<Raw>> slow;
  for (int i = 0; i < 60; ++i) {
    slow.push_back(std::make_unique<Raw>(port));
    ASSERT_TRUE(slow.back()->connected());
    if (i % 2 == 0) slow.back()->send("GET /api/v1/runs HTTP/1.1\r\nHost: x\r\n");
    else slow.back()->send("POST /api/v1/schedule HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nContent-Length: 1000\r\n\r\n");
  }
  std::thread dripper([&] {
    for (int k = 0; k < 20 && !stop.load(); ++k) {
      for (size_t i = 0; i < slow.size(); ++i) slow[i]->send(i % 2 == 0 ? "X-Slow: 1\r\n" : "a");
      std::this_thread::sleep_for(250ms);
    }
  });
  double worst = 0;
  for (int i = 0; i < 8; ++i) {
    worst = std::max(worst, probe_seconds(port));
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_LT(worst, 1.0) << "healthz must stay responsive while 60 clients dribble";
  // An ordinary API call gets through too.
  auto c = svc.client(5);
  auto runs = c.Get("/api/v1/runs");
  ASSERT_TRUE(runs);
  EXPECT_EQ(runs->status, 200);
  // The total deadline (3 s) ends every dribbling request with 408, although bytes keep coming.
  std::this_thread::sleep_for(1500ms);
  int timed_out = 0;
  for (auto& s : slow) {
    const std::string r = s->read(2s);
    if (status_of(r) == 408) ++timed_out;
  }
  stop = true;
  dripper.join();
  EXPECT_EQ(timed_out, 60);
}

TEST(HttpFront, ConnectionsPerClientAreCapped) {
  LiveService svc([](ServerOptions& o) { o.max_connections_per_client = 4; });
  std::vector<std::unique_ptr<Raw>> held;
  for (int i = 0; i < 4; ++i) held.push_back(std::make_unique<Raw>(svc.port()));
  std::this_thread::sleep_for(100ms);
  Raw extra(svc.port());
  const std::string r = extra.read(2s);
  EXPECT_EQ(front_status(r, "GET", "/api/v1/healthz"), 429) << r;
  EXPECT_NE(r.find("MAX_CONNECTIONS_PER_CLIENT"), std::string::npos);
  held.clear();  // closed: room again
  std::this_thread::sleep_for(200ms);
  EXPECT_LT(probe_seconds(svc.port()), 1.0);
}

TEST(HttpFront, ASecondServiceOnTheSamePortFailsWithAddressInUse) {
  LiveService first;
  ServerOptions opt = test::test_options(":memory:");
  opt.port = first.port();
  Service second(opt);
  try {
    second.start();
    FAIL() << "the second service bound port " << first.port();
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("Address already in use"), std::string::npos) << e.what();
  }
  // The first one still answers every request.
  auto c = first.client(5);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(c.Get("/api/v1/healthz")->status, 200);
}

TEST(HttpFront, MalformedFramingIsAnsweredAtOnce) {
  LiveService svc;
  const auto t0 = Clock::now();
  {
    Raw c(svc.port());
    c.send("POST /api/v1/schedule HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: -1\r\n\r\n");
    const std::string r = c.read(3s);
    EXPECT_EQ(front_status(r, "POST", "/api/v1/schedule"), 400) << r;
    EXPECT_NE(r.find("content-length"), std::string::npos) << r;
  }
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - t0).count(), 2.0);
  {
    Raw c(svc.port());
    c.send("GET /api/v1/healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(100 * 1024, 'a') + "\r\n\r\n");
    EXPECT_EQ(front_status(c.read(3s), "GET", "/api/v1/healthz"), 431);
  }
  {
    Raw c(svc.port());
    std::string many = "GET /api/v1/healthz HTTP/1.1\r\nHost: x\r\n";
    for (int i = 0; i < 2000; ++i) many += "X-H" + std::to_string(i) + ": " + std::string(40, 'v') + "\r\n";
    c.send(many + "\r\n");
    EXPECT_EQ(front_status(c.read(3s), "GET", "/api/v1/healthz"), 431) << "many small headers add up";
  }
  {
    Raw c(svc.port());
    c.send("POST /api/v1/schedule HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n");
    EXPECT_EQ(front_status(c.read(3s), "POST", "/api/v1/schedule"), 400) << "both framings at once (request smuggling)";
  }
}

TEST(HttpFront, KeepAlivePipeliningAndExpectContinueStillWork) {
  LiveService svc;
  Raw c(svc.port());
  c.send("GET /api/v1/healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /api/v1/healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string two = c.read(3s);
  size_t count = 0;
  for (size_t at = two.find("HTTP/1.1 200"); at != std::string::npos; at = two.find("HTTP/1.1 200", at + 1)) ++count;
  EXPECT_EQ(count, 2u) << two;
  // The same connection serves a third request later.
  c.send("GET /api/v1/healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(status_of(c.read(3s)), 200);

  Raw e(svc.port());
  const std::string body = R"({"tours":[]})";
  e.send("POST /api/v1/forecast/preview HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n");
  const std::string interim = e.read(2s);
  EXPECT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
  e.send(body);
  const std::string final_answer = e.read(3s);
  EXPECT_EQ(final_answer.find("100 Continue"), std::string::npos) << "one interim answer, not two";
  EXPECT_GT(status_of(final_answer), 0);
}

TEST(HttpFront, BodiesNeedAJsonOrCsvContentType) {
  LiveService svc;
  auto c = svc.client(5);
  Raw none(svc.port());
  none.send("POST /api/v1/schedule HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\n\r\n{\"tours\":[]}");
  const std::string r = none.read(3s);
  EXPECT_EQ(front_status(r, "POST", "/api/v1/schedule"), 415) << r;
  EXPECT_NE(r.find("no Content-Type"), std::string::npos) << r;
  httplib::MultipartFormDataItems items{{"file", "Montag;Anzahl\n", "week.csv", "text/csv"}};
  auto multipart = c.Post("/api/v1/schedule", items);
  ASSERT_TRUE(multipart);
  EXPECT_EQ(multipart->status, 415) << multipart->body;
  auto form = c.Post("/api/v1/schedule", "a=b", "application/x-www-form-urlencoded");
  EXPECT_EQ(form->status, 415);
  // A POST without a body needs no type.
  auto cancel = c.Post("/api/v1/runs/nope/cancel", "", "");
  EXPECT_EQ(cancel->status, 404);
}

// A solve that takes `ms` milliseconds, or holds until released.
SolveFunction timed_solve(std::shared_ptr<std::atomic<bool>> hold) {
  return [hold](const SolveRequest& req, const SolveControl& ctl) {
    std::this_thread::sleep_for(10ms);
    while (hold->load() && !(ctl.cancel && ctl.cancel->load())) std::this_thread::sleep_for(5ms);
    PlanReport r;
    r.run_id = req.run_id;
    r.status = "OK";
    r.time_limit_seconds = req.time_limit_seconds;
    r.config = req.config_report;
    return r;
  };
}

TEST(HttpFront, RetryAfterFollowsHowLongRunsReallyTake) {
  auto hold = std::make_shared<std::atomic<bool>>(false);
  LiveService svc(
      [](ServerOptions& o) {
        o.max_concurrent_runs = 1;
        o.max_queued_runs = 0;
      },
      timed_solve(hold));
  auto c = svc.client(10);
  const std::string body = R"({"tours":[],"time_limit_seconds":60})";
  for (int i = 0; i < 3; ++i) ASSERT_EQ(c.Post("/api/v1/schedule", body, "application/json")->status, 200);
  hold->store(true);
  auto a = c.Post("/api/v1/runs", body, "application/json");
  ASSERT_EQ(a->status, 201);
  std::this_thread::sleep_for(100ms);
  auto full = c.Post("/api/v1/runs", body, "application/json");
  ASSERT_EQ(full->status, 429);
  EXPECT_LE(std::stoi(full->get_header_value("Retry-After")), 2) << "runs here take 10 ms, not their 60 s budget";
  hold->store(false);
}

}  // namespace
}  // namespace so
