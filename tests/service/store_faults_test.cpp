// The run store's faults and the start-up / exit behaviour of the real binary (issue 12, items 5,
// 6, 7, 9 and SIGTERM), each reproduced on a real `shift-optimizer serve` child process:
// - a start-up failure (DATA_DIR a file, below a file, read-only; a read-only or corrupt store)
//   exits 1 with a message naming what is wrong, never with a signal;
// - a corrupt store is refused at start-up; corruption found at run time is answered 503 and
//   readyz turns 503 with the reason;
// - a full disk (a small tmpfs: root is not stopped by permissions) answers 507, readyz is 503
//   until writes succeed again, and a run whose end cannot be stored is FAILED, never COMPLETED;
// - an interrupted run's event stream ends with a run_failed event;
// - SIGTERM during a driver-mode solve of minutes exits 0 right after the grace period.
// The mount-based tests skip, with the reason, where the container may not mount.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <linux/fs.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <future>
#include <regex>
#include <set>

#include "../../bench/instance_gen.hpp"
#include "service/run_store.hpp"
#include "service_test_util.hpp"

namespace so {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

#define REQUIRE_BINARY() \
  if (!test::binary_available()) GTEST_SKIP() << "the CLI binary is not built: " << SO_BINARY_PATH

httplib::Client client_for(int port) {
  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(120, 0);
  c.set_connection_timeout(2, 0);
  return c;
}

// Seconds of column generation (see process_test.cpp).
std::string long_body(double limit) {
  return json{{"tours", test::synthetic_tours(60, 6, 5)}, {"seed", 5}, {"time_limit_seconds", limit}}.dump();
}

std::string canary(int seed) {
  return json{{"tours", test::synthetic_tours(8, 6, 42)}, {"seed", seed}, {"time_limit_seconds", 30}}.dump();
}

// A mount for the length of a test (MNT_DETACH on the way out). Root in a container may lack
// CAP_SYS_ADMIN: then error() says why and the test skips.
class Mount {
 public:
  Mount(const std::string& source, const std::string& target, const char* type, unsigned long flags, const char* data)
      : target_(target) {
    fs::create_directories(target);
    mounted_ = ::mount(source.c_str(), target.c_str(), type, flags, data) == 0;
    if (!mounted_) error_ = std::strerror(errno);
  }
  ~Mount() {
    if (mounted_) ::umount2(target_.c_str(), MNT_DETACH);
  }
  const std::string& error() const { return error_; }
  void remount_read_only() {
    if (error_.empty() && ::mount(nullptr, target_.c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY, nullptr) != 0)
      error_ = std::strerror(errno);
  }

 private:
  std::string target_, error_;
  bool mounted_ = false;
};

std::unique_ptr<Mount> tmpfs(const std::string& target, const std::string& size) {
  return std::make_unique<Mount>("tmpfs", target, "tmpfs", 0, ("size=" + size).c_str());
}

// A read-only view of `source` at `target` (bind mount, then remounted read-only).
std::unique_ptr<Mount> read_only_bind(const std::string& source, const std::string& target) {
  auto m = std::make_unique<Mount>(source, target, nullptr, MS_BIND, nullptr);
  m->remount_read_only();
  return m;
}

// Fills the file system of `dir` to the last byte (ENOSPC); returns the filler's path.
std::string fill_disk(const std::string& dir) {
  const std::string path = dir + "/filler";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char> chunk(64 * 1024, 'x');
  for (size_t size = chunk.size(); size > 0; size /= 2)
    while (::write(fd, chunk.data(), size) == static_cast<ssize_t>(size)) {
    }
  ::close(fd);
  return path;
}

// Overwrites `len` bytes at `offset` with fixed garbage (a seeded LCG: the same bytes every run).
void write_garbage(const std::string& path, std::streamoff offset, size_t len) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  ASSERT_TRUE(f) << path;
  f.seekp(offset);
  uint32_t x = 12345;
  for (size_t i = 0; i < len; ++i) {
    x = x * 1103515245u + 12345u;
    f.put(static_cast<char>(x >> 16));
  }
}

// The binary run to its end with `data_dir`; returns (exit code, output).
std::pair<int, std::string> failed_start(const std::string& data_dir, const std::string& log_path) {
  test::ServeProcess p(data_dir, {}, log_path);
  auto rc = p.wait_exit(30s);
  return {rc ? *rc : -1, p.log()};
}

// A real store: three runs solved by the real binary, which then exits cleanly.
std::string make_real_store(const test::TempDir& dir) {
  const std::string data = dir.str() + "/data";
  test::ServeProcess p(data);
  EXPECT_TRUE(p.wait_ready(20s)) << p.log();
  auto c = client_for(p.port());
  for (int seed : {1, 2, 3}) EXPECT_EQ(c.Post("/api/v1/schedule", canary(seed), "application/json")->status, 200);
  p.signal(SIGTERM);
  EXPECT_EQ(p.wait_exit(20s), 0);
  return data + "/runs.sqlite3";
}

std::string sse_of(httplib::Client& c, const std::string& id, const std::string& last_event_id = "") {
  httplib::Headers h;
  if (!last_event_id.empty()) h.emplace("Last-Event-ID", last_event_id);
  std::string out;
  auto r = c.Get(("/api/v1/runs/" + id + "/events").c_str(), h, [&](const char* d, size_t n) {
    out.append(d, n);
    return true;
  });
  EXPECT_TRUE(r && r->status == 200);
  return out;
}

// The SSE frames of a stream: (id, event, data).
std::vector<std::tuple<long, std::string, json>> frames(const std::string& stream) {
  std::vector<std::tuple<long, std::string, json>> out;
  std::regex frame("id: (\\d+)\nevent: ([a-z_]+)\ndata: ([^\n]*)\n\n");
  for (auto it = std::sregex_iterator(stream.begin(), stream.end(), frame); it != std::sregex_iterator(); ++it)
    out.emplace_back(std::stol((*it)[1]), (*it)[2], json::parse((*it)[3].str()));
  return out;
}

std::set<std::string> keys_of(const json& j) {
  std::set<std::string> k;
  for (auto it = j.begin(); it != j.end(); ++it) k.insert(it.key());
  return k;
}

json get_json(httplib::Client& c, const std::string& path) {
  auto r = c.Get(path.c_str());
  json j = r ? json::parse(r->body, nullptr, false) : json();
  return j.is_object() ? j : json::object();
}

// --- item 5: start-up failures exit 1 with a message, never a signal --------------------------

TEST(StartupFailure, DataDirThatIsAFileExitsOneNamingIt) {
  REQUIRE_BINARY();
  test::TempDir dir;
  const std::string file = dir.str() + "/not-a-dir";
  std::ofstream(file) << "x";
  auto [rc, log] = failed_start(file, dir.str() + "/serve.log");
  EXPECT_EQ(rc, 1) << log;
  EXPECT_NE(log.find("cannot start: DATA_DIR " + file + " is not a directory"), std::string::npos) << log;
}

TEST(StartupFailure, DataDirBelowAFileExitsOneNamingIt) {
  REQUIRE_BINARY();
  test::TempDir dir;
  std::ofstream(dir.str() + "/file") << "x";
  const std::string data = dir.str() + "/file/data";
  auto [rc, log] = failed_start(data, dir.str() + "/serve.log");
  EXPECT_EQ(rc, 1) << log;
  EXPECT_NE(log.find("cannot create DATA_DIR " + data + ": Not a directory"), std::string::npos) << log;
}

TEST(StartupFailure, ReadOnlyDataDirExitsOneNamingIt) {
  REQUIRE_BINARY();
  test::TempDir dir;
  const std::string data = dir.str() + "/data", ro = dir.str() + "/ro";
  fs::create_directories(data);
  auto mount = read_only_bind(data, ro);
  if (!mount->error().empty()) GTEST_SKIP() << "cannot make a read-only bind mount here (root ignores chmod): " << mount->error();
  ASSERT_FALSE(std::ofstream(ro + "/probe")) << "the bind mount is writable";
  auto [rc, log] = failed_start(ro, dir.str() + "/serve.log");
  EXPECT_EQ(rc, 1) << log;
  EXPECT_NE(log.find("DATA_DIR " + ro + " is not writable: Read-only file system"), std::string::npos) << log;
}

TEST(StartupFailure, ReadOnlyStoreFileExitsOneNamingIt) {
  REQUIRE_BINARY();
  test::TempDir dir;
  const std::string store = make_real_store(dir);
  // The immutable attribute stops root too (chmod does not).
  const int fd = ::open(store.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0) << store;
  int flags = 0;
  bool immutable = ::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
  if (immutable) {
    flags |= FS_IMMUTABLE_FL;
    immutable = ::ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
  }
  if (!immutable) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    GTEST_SKIP() << "cannot set the immutable attribute on " << store << ": " << why;
  }
  auto [rc, log] = failed_start(fs::path(store).parent_path().string(), dir.str() + "/serve.log");
  flags &= ~FS_IMMUTABLE_FL;
  ::ioctl(fd, FS_IOC_SETFLAGS, &flags);  // or the temp folder could not be removed
  ::close(fd);
  EXPECT_EQ(rc, 1) << log;
  EXPECT_NE(log.find("run store " + store + ": the file is read-only"), std::string::npos) << log;
}

// --- item 6: a corrupt store is refused at start-up, and found at run time -------------------

TEST(StoreCorruption, GarbageInTheTailTheMiddleOrTheHeaderIsRefusedAtStartUp) {
  REQUIRE_BINARY();
  test::TempDir dir;
  const std::string store = make_real_store(dir);
  const std::string good = dir.str() + "/good.sqlite3";
  fs::copy_file(store, good);
  const auto size = static_cast<std::streamoff>(fs::file_size(good));
  ASSERT_GE(size, 16 * 4096) << "a store of a few pages";
  const std::vector<std::pair<std::string, std::pair<std::streamoff, size_t>>> cases = {
      {"tail", {size - 16384, 16384}}, {"middle", {size / 2 / 4096 * 4096, 4096}}, {"header", {0, 100}}};
  for (const auto& [where, range] : cases) {
    SCOPED_TRACE(where);
    fs::copy_file(good, store, fs::copy_options::overwrite_existing);
    write_garbage(store, range.first, range.second);
    auto [rc, log] = failed_start(fs::path(store).parent_path().string(), dir.str() + "/serve-" + where + ".log");
    EXPECT_EQ(rc, 1) << log;
    EXPECT_NE(log.find("cannot start: run store " + store + ": the file is corrupt"), std::string::npos) << log;
    EXPECT_NE(log.find("restore it from a backup"), std::string::npos) << log;
  }
  // The undamaged copy still serves its three runs.
  fs::copy_file(good, store, fs::copy_options::overwrite_existing);
  test::ServeProcess p(fs::path(store).parent_path().string());
  ASSERT_TRUE(p.wait_ready(20s)) << p.log();
  auto c = client_for(p.port());
  EXPECT_EQ(get_json(c, "/api/v1/runs")["count"], 3);
}

TEST(StoreCorruption, FoundAtRunTimeAnswers503AndReadyzTurns503WithTheReason) {
  REQUIRE_BINARY();
  test::TempDir dir;
  const std::string data = dir.str() + "/data", store = data + "/runs.sqlite3";
  test::ServeProcess p(data);
  ASSERT_TRUE(p.wait_ready(20s)) << p.log();
  auto c = client_for(p.port());
  for (int seed : {1, 2, 3}) ASSERT_EQ(c.Post("/api/v1/schedule", canary(seed), "application/json")->status, 200);
  ASSERT_EQ(c.Get("/api/v1/runs")->status, 200);
  // Behind the server's back: everything into the main file, every page but the first (the
  // header and schema) overwritten, then a change the server's connection notices (its cached
  // pages are dropped and read again from the damaged file).
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(store.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr), SQLITE_OK);
  const auto size = static_cast<std::streamoff>(fs::file_size(store));
  write_garbage(store, 4096, static_cast<size_t>(size - 4096));
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 7", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);

  auto list = c.Get("/api/v1/runs");
  ASSERT_TRUE(list);
  EXPECT_EQ(list->status, 503) << list->body;
  const std::string detail = json::parse(list->body)["detail"];
  EXPECT_NE(detail.find("run store " + store + ": database disk image is malformed"), std::string::npos) << detail;
  auto ready = c.Get("/api/v1/readyz");
  EXPECT_EQ(ready->status, 503);
  json body = json::parse(ready->body);
  EXPECT_EQ(body["status"], "not_ready");
  EXPECT_NE(body["reason"].get<std::string>().find("malformed"), std::string::npos) << body.dump();
  EXPECT_EQ(c.Post("/api/v1/runs", canary(4), "application/json")->status, 503);
  std::this_thread::sleep_for(1100ms);  // past the probe interval: corruption is not healed by a write
  EXPECT_EQ(c.Get("/api/v1/readyz")->status, 503);
  EXPECT_EQ(c.Get("/api/v1/healthz")->status, 200) << "alive, not ready";
  EXPECT_EQ(p.log().find("internal error"), std::string::npos) << "no 500s:\n" << p.log();
}

// --- item 7: a full disk ------------------------------------------------------------------------

TEST(FullDisk, WritesAnswer507ReadyzIs503UntilWritesSucceedAgain) {
  REQUIRE_BINARY();
  test::TempDir dir;
  const std::string data = dir.str() + "/data";
  auto mount = tmpfs(data, "8m");
  if (!mount->error().empty()) GTEST_SKIP() << "cannot mount a tmpfs to fill (needs CAP_SYS_ADMIN): " << mount->error();
  test::ServeProcess p(data, {}, dir.str() + "/serve.log");
  ASSERT_TRUE(p.wait_ready(20s)) << p.log();
  auto c = client_for(p.port());
  ASSERT_EQ(c.Post("/api/v1/schedule", canary(1), "application/json")->status, 200);

  const std::string filler = fill_disk(data);
  auto r = c.Post("/api/v1/schedule", canary(2), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 507) << r->body;
  EXPECT_NE(json::parse(r->body)["detail"].get<std::string>().find("run store " + data +
                                                                   "/runs.sqlite3: database or disk is full"),
            std::string::npos)
      << r->body;
  EXPECT_EQ(c.Post("/api/v1/runs", canary(3), "application/json")->status, 507);
  auto ready = c.Get("/api/v1/readyz");
  EXPECT_EQ(ready->status, 503);
  EXPECT_NE(json::parse(ready->body)["reason"].get<std::string>().find("disk is full"), std::string::npos) << ready->body;
  json runs = get_json(c, "/api/v1/runs");
  EXPECT_EQ(runs["count"], 1) << "reads still work; nothing half-written";
  std::this_thread::sleep_for(1100ms);
  EXPECT_EQ(c.Get("/api/v1/readyz")->status, 503) << "the probe write fails too while the disk is full";

  fs::remove(filler);
  int status = 0;
  for (int i = 0; i < 50 && status != 200; ++i, std::this_thread::sleep_for(100ms)) status = c.Get("/api/v1/readyz")->status;
  EXPECT_EQ(status, 200) << "readyz recovers once a probe write succeeds";
  EXPECT_EQ(c.Post("/api/v1/schedule", canary(4), "application/json")->status, 200);
  runs = get_json(c, "/api/v1/runs");
  EXPECT_EQ(runs["count"], 2);
  for (const auto& v : runs["runs"]) EXPECT_EQ(v["status"], "COMPLETED");
  p.signal(SIGTERM);
  EXPECT_EQ(p.wait_exit(20s), 0);
}

TEST(FullDisk, ARunWhoseEndCannotBeStoredIsFailedNeverCompleted) {
  REQUIRE_BINARY();
  test::TempDir dir;
  const std::string data = dir.str() + "/data";
  auto mount = tmpfs(data, "8m");
  if (!mount->error().empty()) GTEST_SKIP() << "cannot mount a tmpfs to fill (needs CAP_SYS_ADMIN): " << mount->error();
  std::string id;
  std::string filler;
  {
    test::ServeProcess p(data, {{"MAX_CONCURRENT_RUNS", "1"}}, dir.str() + "/serve.log");
    ASSERT_TRUE(p.wait_ready(20s)) << p.log();
    // A synchronous solve of a few seconds; the disk fills while it runs.
    auto answer = std::async(std::launch::async, [&] {
      auto c = client_for(p.port());
      auto r = c.Post("/api/v1/schedule", long_body(4), "application/json");
      return r ? std::make_pair(r->status, r->body) : std::make_pair(-1, std::string());
    });
    auto c = client_for(p.port());
    for (int i = 0; i < 250 && id.empty(); ++i, std::this_thread::sleep_for(20ms)) {
      const json running = get_json(c, "/api/v1/runs?status=RUNNING").value("runs", json::array());
      if (!running.empty()) id = running[0]["run_id"];
    }
    ASSERT_FALSE(id.empty()) << "the run never showed RUNNING\n" << p.log();
    filler = fill_disk(data);
    const auto [status, body] = answer.get();
    EXPECT_EQ(status, 507) << body;
    json err = json::parse(body, nullptr, false);
    EXPECT_EQ(err["run_id"], id) << body;
    EXPECT_NE(err["detail"].get<std::string>().find("its result could not be stored"), std::string::npos) << body;

    json view = get_json(c, "/api/v1/runs/" + id);
    EXPECT_EQ(view["status"], "FAILED") << view.dump();
    EXPECT_EQ(view["reason"].get<std::string>().rfind("STORE_WRITE_FAILED: run store " + data, 0), 0u) << view.dump();
    auto plan = c.Get(("/api/v1/runs/" + id + "/plan").c_str());
    EXPECT_EQ(plan->status, 409);
    EXPECT_NE(plan->body.find("STORE_WRITE_FAILED"), std::string::npos) << plan->body;
    auto evs = frames(sse_of(c, id));
    ASSERT_FALSE(evs.empty());
    EXPECT_EQ(std::get<1>(evs.back()), "run_failed");
    EXPECT_EQ(std::get<2>(evs.back())["status"], "FAILED");
    EXPECT_TRUE(get_json(c, "/api/v1/runs?status=COMPLETED")["runs"].empty()) << "nothing COMPLETED that was not stored";
    EXPECT_EQ(c.Get("/api/v1/readyz")->status, 503);

    fs::remove(filler);
    int ready = 0;
    for (int i = 0; i < 50 && ready != 200; ++i, std::this_thread::sleep_for(100ms)) ready = c.Get("/api/v1/readyz")->status;
    EXPECT_EQ(ready, 200);
    EXPECT_EQ(get_json(c, "/api/v1/runs/" + id)["status"], "FAILED") << "the run stays FAILED";
    p.signal(SIGTERM);
    EXPECT_EQ(p.wait_exit(20s), 0) << p.log();
  }
  // After a restart the run is FAILED too (its stored row never got past RUNNING: INTERRUPTED).
  test::ServeProcess again(data, {}, dir.str() + "/serve2.log");
  ASSERT_TRUE(again.wait_ready(20s)) << again.log();
  auto c = client_for(again.port());
  json view = get_json(c, "/api/v1/runs/" + id);
  EXPECT_EQ(view["status"], "FAILED") << view.dump();
  EXPECT_EQ(c.Get(("/api/v1/runs/" + id + "/plan").c_str())->status, 409);
}

// --- item 9: the events of an interrupted run end with a terminal event -----------------------

TEST(InterruptedRun, EventStreamEndsWithRunFailedLikeAnyFinishedRun) {
  REQUIRE_BINARY();
  test::TempDir dir;
  const std::string data = dir.str() + "/data";
  {
    // The row a killed process leaves behind: RUNNING, with an empty event log.
    SqliteRunStore store(data, 100);
    StoredRun r;
    r.id = "run_killed";
    r.status = "QUEUED";
    r.created_at = "2030-01-01T00:00:00.000Z";
    r.request_content_type = "application/json";
    r.request_body = canary(1);
    r.summary_json = json{{"run_id", "run_killed"}, {"status", "QUEUED"}}.dump();
    store.insert(r);
    store.mark_running("run_killed", "2030-01-01T00:00:01.000Z",
                       json{{"run_id", "run_killed"}, {"status", "RUNNING"}}.dump());
  }
  test::ServeProcess p(data);
  ASSERT_TRUE(p.wait_ready(20s)) << p.log();
  auto c = client_for(p.port());
  EXPECT_EQ(get_json(c, "/api/v1/runs/run_killed")["reason"], "INTERRUPTED");
  auto evs = frames(sse_of(c, "run_killed"));
  ASSERT_EQ(evs.size(), 1u);
  const auto& [eid, event, d] = evs[0];
  EXPECT_EQ(event, "run_failed");
  EXPECT_EQ(d["run_id"], "run_killed");
  EXPECT_EQ(d["status"], "FAILED");
  EXPECT_EQ(d["reason"], "INTERRUPTED");
  // The same shape as the terminal event of a run that finished here.
  auto done = c.Post("/api/v1/schedule", canary(2), "application/json");
  ASSERT_EQ(done->status, 200);
  auto done_evs = frames(sse_of(c, json::parse(done->body)["run_id"]));
  ASSERT_FALSE(done_evs.empty());
  EXPECT_EQ(std::get<1>(done_evs.back()), "run_completed");
  EXPECT_EQ(keys_of(d), keys_of(std::get<2>(done_evs.back())));
  // A client of the killed process resumes with the ids it saw: it still learns the run is over.
  auto resumed = frames(sse_of(c, "run_killed", "7"));
  ASSERT_EQ(resumed.size(), 1u);
  EXPECT_EQ(std::get<1>(resumed[0]), "run_failed");
  p.signal(SIGTERM);
  EXPECT_EQ(p.wait_exit(20s), 0);
  // A second restart adds nothing.
  test::ServeProcess again(data);
  ASSERT_TRUE(again.wait_ready(20s)) << again.log();
  auto c2 = client_for(again.port());
  EXPECT_EQ(frames(sse_of(c2, "run_killed")).size(), 1u);
}

// --- SIGTERM during a solve that would run for minutes ------------------------------------------

TEST(Sigterm, DuringADriverModeSolveOfMinutesExitsZeroRightAfterTheGrace) {
  REQUIRE_BINARY();
  // 10,000 individually timed tours at one depot and 1,150 drivers: the driver-mode per-day
  // bound alone is a minute and a half of LP/MIP, which used to ignore the cancel (exit 1 after
  // the grace + 10 s, the run left RUNNING).
  bench::TimedSpec spec;
  spec.seed = 4;
  spec.tours = 10000;
  json body = json::parse(bench::tours_json(bench::generate_timed_week(spec)));
  body["drivers"] = json::array();
  for (int i = 1; i <= 1150; ++i) body["drivers"].push_back({{"id", "F" + std::to_string(10000 + i)}});
  body["seed"] = 1;
  body["time_limit_seconds"] = 600;
  test::TempDir dir;
  std::string id;
  const double grace = 2;
  {
    test::ServeProcess p(dir.str(), {{"SHUTDOWN_GRACE_SECONDS", "2"}, {"MAX_CONCURRENT_RUNS", "1"}});
    ASSERT_TRUE(p.wait_ready(20s)) << p.log();
    auto c = client_for(p.port());
    auto created = c.Post("/api/v1/runs", body.dump(), "application/json");
    ASSERT_EQ(created->status, 201) << created->body;
    id = json::parse(created->body)["run_id"];
    std::string status;
    for (int i = 0; i < 200 && status != "RUNNING"; ++i, std::this_thread::sleep_for(50ms))
      status = get_json(c, "/api/v1/runs/" + id).value("status", "");
    ASSERT_EQ(status, "RUNNING");
    std::this_thread::sleep_for(1s);
    const auto t0 = std::chrono::steady_clock::now();
    p.signal(SIGTERM);
    auto rc = p.wait_exit(30s);
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_TRUE(rc) << "did not exit\n" << p.log();
    EXPECT_EQ(*rc, 0) << p.log();
    EXPECT_LT(took, grace + 15) << "cancelled after the grace, stopped within seconds\n" << p.log();
    EXPECT_EQ(p.log().find("did not stop"), std::string::npos) << p.log();
  }
  // Stored as the drain ended it: CANCELLED because of the shutdown (api.md §7), not INTERRUPTED.
  test::ServeProcess again(dir.str());
  ASSERT_TRUE(again.wait_ready(20s)) << again.log();
  auto c = client_for(again.port());
  json view = get_json(c, "/api/v1/runs/" + id);
  EXPECT_EQ(view["status"], "CANCELLED") << view.dump();
  EXPECT_EQ(view["reason"], "SHUTDOWN");
  auto evs = frames(sse_of(c, id));
  ASSERT_FALSE(evs.empty());
  EXPECT_EQ(std::get<1>(evs.back()), "run_cancelled");
}

}  // namespace
}  // namespace so
