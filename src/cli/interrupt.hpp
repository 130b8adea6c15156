#pragma once
// Ctrl-C for the long-running subcommands, and output files written whole or not at all.
#include <atomic>
#include <string>

namespace so::cli {

// While alive, SIGINT no longer kills the process: the first one sets cancel_flag() (the solve
// stops and returns its best audited plan), a second one exits at once with 130 (clearing the
// progress line and removing a half-written temporary file first). With exit_at_once the first
// SIGINT already does that (for work that cannot be cancelled, e.g. `bounds`).
class InterruptGuard {
 public:
  explicit InterruptGuard(bool exit_at_once = false);
  ~InterruptGuard();  // restores the previous SIGINT disposition
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  const std::atomic<bool>* cancel_flag() const;
  bool interrupted() const { return cancel_flag()->load(); }
};

// Tells the SIGINT handler whether a progress line is on stderr (it clears it before exiting).
void set_progress_line_shown(bool shown);

// Writes a file completely or not at all (temporary file + rename): never a half-written output,
// even when a second Ctrl-C ends the process during the write.
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace so::cli
