#include "service/personal_data.hpp"

#include <cctype>
#include <set>

#include <nlohmann/json.hpp>

#include "service/log.hpp"
#include "service/metrics.hpp"
#include "service/util.hpp"

namespace so {

std::string retention_cutoff(std::chrono::system_clock::time_point now, int retention_days) {
  return iso_utc(now - std::chrono::hours(24) * retention_days);
}

size_t sweep_retention(RunStore& store, int retention_days, metrics::Family* deleted_total,
                       std::chrono::system_clock::time_point now) {
  size_t by_age = 0;
  if (retention_days > 0) {
    const std::string cutoff = retention_cutoff(now, retention_days);
    by_age = store.sweep(cutoff).ids.size();
    if (by_age > 0) store.reclaim_space();  // VACUUM rewrites the file: only when something went
    service_log()->info("retention sweep: {} run(s) finished before {} deleted ({} days), {} stored", by_age, cutoff,
                        retention_days, store.count());
  }
  const long long by_count = store.take_count_pruned();
  if (deleted_total) {
    if (by_age) deleted_total->inc({"retention_age"}, static_cast<double>(by_age));
    if (by_count) deleted_total->inc({"retention_count"}, static_cast<double>(by_count));
  }
  return by_age;
}

RetentionSweeper::RetentionSweeper(RunStore& store, int retention_days, std::chrono::milliseconds interval,
                                   metrics::Family* deleted_total) {
  thread_ = std::thread([this, &store, retention_days, interval, deleted_total] {
    std::unique_lock lock(mu_);
    while (!stop_) {
      lock.unlock();
      try {
        sweep_retention(store, retention_days, deleted_total);
      } catch (const std::exception& e) {  // a failing store must not end the service: the next sweep retries
        service_log()->error("retention sweep failed: {}", e.what());
      }
      lock.lock();
      cv_.wait_for(lock, interval, [&] { return stop_; });
    }
  });
}

RetentionSweeper::~RetentionSweeper() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

namespace {

using json = nlohmann::ordered_json;  // keeps the stored key order: a rewritten document differs only in the names

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || (c & 0x80); }  // UTF-8 letters too

// Pseudonymises the driver objects of `driver_id` in `j`, collecting the names it replaced.
void erase_in(json& j, const std::string& driver_id, const std::string& pseudonym, std::set<std::string>& names) {
  if (j.is_object()) {
    auto id_of = [&](const char* key) { return j.contains(key) && j[key].is_string() && j[key] == driver_id; };
    if ((id_of("id") || id_of("driver_id"))) {
      for (const char* key : {"name", "driver_name"})
        if (j.contains(key) && j[key].is_string() && j[key] != pseudonym) {
          if (!j[key].get<std::string>().empty()) names.insert(j[key].get<std::string>());
          j[key] = pseudonym;
        }
    }
    for (auto& [k, v] : j.items()) erase_in(v, driver_id, pseudonym, names);
  } else if (j.is_array()) {
    for (auto& v : j) erase_in(v, driver_id, pseudonym, names);
  }
}

// Every string value mentioning a name (e.g. a message) gets the pseudonym instead.
void replace_in_strings(json& j, const std::set<std::string>& names, const std::string& pseudonym) {
  if (j.is_string()) {
    std::string s = j.get<std::string>();
    for (const auto& n : names) s = replace_whole_word(s, n, pseudonym);
    if (s != j.get<std::string>()) j = s;
  } else if (j.is_structured()) {
    for (auto& v : j) replace_in_strings(v, names, pseudonym);
  }
}

}  // namespace

std::string replace_whole_word(const std::string& text, const std::string& word, const std::string& by) {
  if (word.empty()) return text;
  std::string out;
  size_t from = 0;
  for (size_t at; (at = text.find(word, from)) != std::string::npos;) {
    const bool starts = at == 0 || !word_char(text[at - 1]);
    const bool ends = at + word.size() == text.size() || !word_char(text[at + word.size()]);
    out.append(text, from, at - from).append(starts && ends ? by : word);
    from = at + word.size();
  }
  return out.append(text, from, std::string::npos);
}

std::vector<std::string> erase_driver(RunStore& store, const std::string& driver_id, const std::string& pseudonym) {
  return store.rewrite_all([&](RunStore::RunTexts& t) {
    // Pass 1: the driver objects, structurally; this learns the names this run knew the driver by.
    std::set<std::string> names;
    std::vector<std::pair<std::string*, json>> docs;
    std::vector<std::string*> texts;
    auto parse = [&](std::string* text) {
      if (text->empty()) return;
      json j = json::parse(*text, nullptr, false);
      if (j.is_discarded()) return texts.push_back(text);  // a CSV request or a text report: words below
      erase_in(j, driver_id, pseudonym, names);
      docs.emplace_back(text, std::move(j));
    };
    parse(&t.request_body);
    parse(&t.input_json);
    parse(&t.summary_json);
    parse(&t.events_json);
    for (auto* doc : {&t.plan, &t.report, &t.canonical_report})
      if (*doc) parse(&**doc);
    if (names.empty()) return false;  // the driver is not in this run
    // Pass 2: the same names wherever else they appear (messages, CSV cells).
    bool changed = false;
    for (auto& [text, j] : docs) {
      replace_in_strings(j, names, pseudonym);
      std::string dumped = j.dump();
      if (dumped != *text) {
        *text = std::move(dumped);
        changed = true;
      }
    }
    for (auto* csv : {&t.roster_csv, &t.tours_csv})
      if (*csv) texts.push_back(&**csv);
    for (std::string* text : texts) {
      std::string s = *text;
      for (const auto& n : names) s = replace_whole_word(s, n, pseudonym);
      if (s != *text) {
        *text = std::move(s);
        changed = true;
      }
    }
    return changed;
  });
}

}  // namespace so
