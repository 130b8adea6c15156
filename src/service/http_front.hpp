#pragma once
// The connection front of the service: it owns the listening socket and every client connection,
// and hands httplib only complete requests.
//
// Why: httplib 0.11 gives each connection a pool thread that blocks while the client sends its
// headers and body, with an idle timeout per read but no total deadline and no body limit for
// chunked uploads. Sixty slow clients starved the pool (probes timed out) and a 400 MB chunked
// upload was read whole. Here one event thread reads every connection without blocking, frames
// each request with http-parser (Content-Length and chunked alike), enforces the limits while the
// bytes arrive (total deadline, header and body size, connections per client, buffered bytes in
// all) and only then queues the request for a worker, which runs httplib's routing on the
// buffered bytes and writes the answer to the socket. Probes have their own workers.
#include <httplib.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

struct http_parser;  // http_parser.h (libhttp-parser-dev), kept out of this header

namespace so {

struct FrontOptions {
  std::string host = "0.0.0.0";
  int port = 0;                                   // 0 = an ephemeral port
  size_t max_body_bytes = 8u * 1024 * 1024;       // decoded body (Content-Length or chunked)
  size_t max_header_bytes = 64 * 1024;            // request line and headers together
  size_t max_header_line_bytes = 8 * 1024;        // one header line (httplib's own limit is 8192)
  std::chrono::milliseconds request_timeout{30000};    // first byte to last byte of one request
  std::chrono::milliseconds keep_alive_timeout{5000};  // idle time between requests
  std::chrono::milliseconds write_timeout{30000};      // the client must take the answer this fast
  std::chrono::milliseconds linger{2000};              // reading the rest after an early error
  int max_connections = 512;             // all clients; keeps fds below FD_SETSIZE for httplib
  int max_connections_per_client = 64;   // per peer address
  size_t max_buffered_bytes = 256u * 1024 * 1024;  // request bytes held for all connections
  int max_requests_per_connection = 1000;
  int workers = 16;        // routes (a synchronous solve or an event stream holds one)
  int probe_workers = 2;   // healthz / readyz / metrics only
};

// What the front knows of a request once its headers are in.
struct RequestHead {
  std::string method;
  std::string target;  // path and query as sent
  std::vector<std::pair<std::string, std::string>> headers;
  bool has_body = false;  // Content-Length > 0 or chunked
  std::string header(const std::string& name) const;  // case-insensitive; "" when absent
};

// Frames one HTTP/1.1 request at a time from the bytes of a connection (http-parser): where it
// ends (Content-Length or chunked), its head, and whether it breaks a limit. Pure: no sockets,
// so the fuzz target and the tests drive it directly.
class RequestFramer {
 public:
  struct Limits {
    size_t max_body_bytes = 8u * 1024 * 1024;
    size_t max_header_bytes = 64 * 1024;
    size_t max_header_line_bytes = 8 * 1024;
    size_t max_target_bytes = 8 * 1024;
  };
  // Called once the head is complete and before the body; false stops the framer (the caller
  // answers the request itself, e.g. 401 before the body is read).
  using HeadHook = std::function<bool(const RequestHead&)>;

  explicit RequestFramer(Limits limits, HeadHook on_head = {});
  ~RequestFramer();
  RequestFramer(const RequestFramer&) = delete;
  RequestFramer& operator=(const RequestFramer&) = delete;

  void reset();  // for the next request on the connection
  // Consumes bytes of the current request; returns how many. Stops at the end of the request
  // (pipelined bytes stay with the caller), at an error, or when the head hook said no.
  size_t feed(const char* data, size_t n);

  bool complete() const { return complete_; }
  bool stopped_by_hook() const { return stopped_by_hook_; }
  int error_status() const { return error_status_; }  // 0, or 400/413/414/431
  const std::string& error_detail() const { return error_detail_; }
  bool head_complete() const { return head_complete_; }
  const RequestHead& head() const { return head_; }
  bool keep_alive() const { return keep_alive_; }
  size_t body_bytes() const { return body_bytes_; }

 private:
  struct Callbacks;
  int fail(int status, std::string detail);
  int check_line();

  Limits limits_;
  HeadHook on_head_;
  std::unique_ptr<::http_parser> parser_;
  RequestHead head_;
  std::string field_, value_;
  bool in_value_ = false, head_complete_ = false, complete_ = false, keep_alive_ = true, stopped_by_hook_ = false;
  size_t body_bytes_ = 0;
  int error_status_ = 0;
  std::string error_detail_;
};

// An answer the front writes itself (the connection is closed after it).
struct FrontAnswer {
  int status = 400;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // JSON
};

struct FrontHooks {
  // Called when the headers are complete and a body is still to come; an answer rejects the
  // request before its body is read (e.g. 401 without a token).
  std::function<std::optional<FrontAnswer>(const RequestHead&)> admit;
  // Builds the answer to a request the front rejects itself (400, 408, 413, 429, 431, 503);
  // `head` is null when the request line was never complete. The default is a JSON {"detail"}.
  std::function<FrontAnswer(int status, const std::string& detail, const RequestHead* head)> reject;
  // Every answer the front wrote itself, for logs and metrics.
  std::function<void(const FrontAnswer&, const RequestHead* head, const std::string& peer, double seconds)> on_rejected;
  // GET/HEAD targets served by the probe workers.
  std::vector<std::string> probe_paths;
};

// httplib's server with one entry point for a request that is already buffered.
class FrontServer : public httplib::Server {
 public:
  // Runs routing for the single request in `strm`; false when the connection must close.
  bool serve(httplib::Stream& strm, bool close_connection);
  void set_running_socket(socket_t s) { svr_sock_ = s; }  // httplib's streams end when it is invalid
};

class HttpFront {
 public:
  HttpFront(FrontOptions options, FrontServer& app, FrontHooks hooks);
  ~HttpFront();
  HttpFront(const HttpFront&) = delete;
  HttpFront& operator=(const HttpFront&) = delete;

  // Binds and listens (no SO_REUSEPORT: a second process on the port fails with "address in
  // use"); throws std::runtime_error naming the address and the system error.
  void bind();
  int port() const { return port_; }
  void start();  // the event thread and the workers
  // Stops accepting, closes idle connections, lets the workers finish their requests; blocks.
  void stop();

  struct Stats {
    int connections = 0;
    size_t buffered_bytes = 0;
  };
  Stats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

// Reason phrase of a status code ("Payload Too Large").
const char* status_reason(int status);

}  // namespace so
