#pragma once
// The signature window of solver_signature_unique_total (api.md §6; runbook §5): a signature
// counts as unique when it is not among the last `capacity` distinct signatures seen.
#include <cstddef>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

namespace so {

class SignatureLru {
 public:
  explicit SignatureLru(size_t capacity = 5000) : capacity_(capacity == 0 ? 1 : capacity) {}

  // True when `sig` was not in the window; either way it becomes the most recent entry.
  bool is_new(const std::string& sig) {
    std::lock_guard lock(mu_);
    auto it = index_.find(sig);
    if (it != index_.end()) {
      order_.splice(order_.begin(), order_, it->second);
      return false;
    }
    order_.push_front(sig);
    index_.emplace(sig, order_.begin());
    if (order_.size() > capacity_) {
      index_.erase(order_.back());
      order_.pop_back();
    }
    return true;
  }

  size_t size() const {
    std::lock_guard lock(mu_);
    return order_.size();
  }
  size_t capacity() const { return capacity_; }

 private:
  size_t capacity_;
  mutable std::mutex mu_;
  std::list<std::string> order_;  // most recent first
  std::unordered_map<std::string, std::list<std::string>::iterator> index_;  // lookup only, never iterated
};

}  // namespace so
