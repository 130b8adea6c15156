// libFuzzer target: the HTTP request decoding of the service. The bytes arrive in pieces (the
// first byte chooses the piece size) at the connection front's framer (service/http_front); each
// request it frames completely then goes through httplib's request parsing and routing, as a
// worker would run it. Nothing may crash, hang or read past a request.
#include <httplib.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "service/http_front.hpp"

namespace {

// The framed request as httplib reads it; the answer is collected, not sent.
class MemoryStream final : public httplib::Stream {
 public:
  explicit MemoryStream(std::string_view in) : in_(in) {}
  bool is_readable() const override { return pos_ < in_.size(); }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    const size_t n = std::min(size, in_.size() - pos_);
    std::memcpy(ptr, in_.data() + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, size_t size) override {
    out.append(ptr, size);
    return static_cast<ssize_t>(size);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 1;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 2;
  }
  socket_t socket() const override { return 0; }
  std::string out;

 private:
  std::string_view in_;
  size_t pos_ = 0;
};

so::FrontServer& server() {
  static so::FrontServer* s = [] {
    auto* srv = new so::FrontServer;
    srv->set_running_socket(0);
    srv->set_payload_max_length(4096);
    const auto echo = [](const httplib::Request& req, httplib::Response& res) {
      res.set_content(req.method + " " + req.path + " " + std::to_string(req.body.size()), "text/plain");
    };
    srv->Get(".*", echo);
    srv->Post(".*", echo);
    srv->Put(".*", echo);
    srv->Delete(".*", echo);
    srv->Options(".*", echo);
    return srv;
  }();
  return *s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t piece = 1 + data[0] % 64;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  so::RequestFramer framer({4096, 2048, 512, 512}, [](const so::RequestHead& h) { return h.method != "PUT"; });
  std::string buffer;
  size_t parsed = 0;
  for (size_t at = 0; at < bytes.size(); at += piece) {
    buffer.append(bytes.substr(at, piece));
    for (;;) {
      const size_t used = framer.feed(buffer.data() + parsed, buffer.size() - parsed);
      parsed += used;
      if (parsed > buffer.size()) __builtin_trap();  // never past what it was given
      if (framer.complete()) {
        MemoryStream strm(std::string_view(buffer).substr(0, parsed));
        server().serve(strm, false);
        if (strm.out.rfind("HTTP/1.1 ", 0) != 0) __builtin_trap();  // every framed request is answered
        buffer.erase(0, parsed);
        parsed = 0;
        framer.reset();
        continue;
      }
      if (framer.error_status() != 0 || framer.stopped_by_hook()) return 0;  // the front answers and closes
      break;
    }
  }
  return 0;
}
