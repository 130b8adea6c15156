#include "cli/interrupt.hpp"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <thread>

#include "io/errors.hpp"

namespace so::cli {

namespace {

// A sigwait thread, not a signal handler, takes SIGINT: it may then lock, unlink and write freely.
std::atomic<bool> g_cancel{false};
std::atomic<bool> g_line_shown{false};
std::mutex g_tmp_mu;
std::string g_tmp_path;  // the temporary file being written ("" = none), removed on a hard exit
std::atomic<bool> g_stopping{false};
std::thread g_waiter;
sigset_t g_old_mask;

void hard_exit() {
  std::lock_guard lock(g_tmp_mu);  // no rename can start while we remove its temporary file
  if (g_line_shown.load()) {
    const char clear[] = "\r\033[K";
    ssize_t ignored = ::write(STDERR_FILENO, clear, sizeof clear - 1);
    (void)ignored;
  }
  if (!g_tmp_path.empty()) ::unlink(g_tmp_path.c_str());
  std::_Exit(130);
}

}  // namespace

InterruptGuard::InterruptGuard(bool exit_at_once) {
  g_cancel.store(false);
  g_stopping.store(false);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  // Blocked here, before any solver thread exists, so every later thread inherits the mask and
  // SIGINT only ever reaches the waiter below.
  pthread_sigmask(SIG_BLOCK, &set, &g_old_mask);
  g_waiter = std::thread([set, exit_at_once] {
    for (int presses = 0;;) {
      int sig = 0;
      if (sigwait(&set, &sig) != 0) continue;
      if (g_stopping.load()) return;
      if (++presses == 1 && !exit_at_once) {
        g_cancel.store(true);
        continue;
      }
      hard_exit();
    }
  });
}

InterruptGuard::~InterruptGuard() {
  g_stopping.store(true);
  pthread_kill(g_waiter.native_handle(), SIGINT);  // wakes the waiter, which sees g_stopping
  g_waiter.join();
  pthread_sigmask(SIG_SETMASK, &g_old_mask, nullptr);
}

const std::atomic<bool>* InterruptGuard::cancel_flag() const { return &g_cancel; }

void set_progress_line_shown(bool shown) { g_line_shown.store(shown); }

void write_file_atomically(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".tmp";
  {
    std::lock_guard lock(g_tmp_mu);
    g_tmp_path = tmp;
  }
  auto forget_tmp = [] {
    std::lock_guard lock(g_tmp_mu);
    g_tmp_path.clear();
  };
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) {
      forget_tmp();
      throw InputError::whole(path, "cannot open for writing");
    }
    f << content;
    f.flush();
    if (!f) {
      f.close();
      std::remove(tmp.c_str());
      forget_tmp();
      throw InputError::whole(path, "write failed");
    }
  }
  std::lock_guard lock(g_tmp_mu);  // a hard exit waits: the file is renamed whole or removed
  g_tmp_path.clear();
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw InputError::whole(path, "cannot rename temporary file into place");
  }
}

}  // namespace so::cli
