#pragma once
// Personal data of drivers (issue 17, README "Personal data"): age retention of stored runs
// (RETENTION_DAYS) by a periodic sweep, and the deletion counter runs_deleted_total{reason}.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "service/run_store.hpp"

namespace so {

namespace metrics {
class Family;
}

// The cut-off of age retention: runs finished before it are swept (ISO 8601 UTC, like finished_at).
std::string retention_cutoff(std::chrono::system_clock::time_point now, int retention_days);

// Removes runs finished more than `retention_days` ago (0 = never), then reclaims the space; also
// counts what the count limit (MAX_STORED_RUNS) removed since the last sweep. Logs counts only.
// Returns how many runs it removed by age.
size_t sweep_retention(RunStore& store, int retention_days, metrics::Family* deleted_total,
                       std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// Runs sweep_retention at start and then every `interval` on its own thread, until destroyed.
class RetentionSweeper {
 public:
  RetentionSweeper(RunStore& store, int retention_days, std::chrono::milliseconds interval,
                   metrics::Family* deleted_total);
  ~RetentionSweeper();
  RetentionSweeper(const RetentionSweeper&) = delete;
  RetentionSweeper& operator=(const RetentionSweeper&) = delete;

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

// Erasing a driver (POST /drivers/{driver_id}/erase): in every stored run, each driver object of
// that id ({"id"|"driver_id": driver_id, "name": …} anywhere in the request, input, status view,
// events, plan and reports) gets `pseudonym` as its name, and every other occurrence of the names
// found that way (whole words in JSON strings and CSV exports) becomes the pseudonym too. Ids,
// qualifications, availability and hours stay: the plan keeps its structure and still passes the
// audit. Returns the ids of the runs it changed; the caller reclaims the space.
std::vector<std::string> erase_driver(RunStore& store, const std::string& driver_id, const std::string& pseudonym);

// `text` with every whole-word occurrence of `word` (not inside a longer word or number) replaced.
std::string replace_whole_word(const std::string& text, const std::string& word, const std::string& by);

}  // namespace so
