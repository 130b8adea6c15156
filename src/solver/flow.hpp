#pragma once
// Small graph algorithms for bounds and the baseline: Dinic max-flow with integer capacities.
// Deterministic: arcs are explored in insertion order.
#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

namespace so {

class MaxFlow {
 public:
  explicit MaxFlow(int nodes);
  // Adds an arc u -> v with capacity cap (>= 0); returns its index for flow_on().
  int add_arc(int u, int v, int64_t cap);
  // Adds k nodes; returns the index of the first.
  int add_nodes(int k);
  // Max flow value (call once). `stop` is polled, and the work (arcs scanned) compared with
  // max_work, between phases and every 1,024 augmentations; past either the flow so far is
  // returned (feasible, not maximum) and stopped() is true.
  int64_t solve(int source, int sink, const std::function<bool()>* stop = nullptr,
                long max_work = std::numeric_limits<long>::max());
  bool stopped() const { return stopped_; }
  long work() const { return work_; }
  int64_t flow_on(int arc) const;       // flow on an arc added with add_arc
  int nodes() const { return static_cast<int>(head_.size()); }

 private:
  struct Arc {
    int to;
    int next;
    int64_t cap;  // residual capacity
  };
  bool bfs(int s, int t);
  int64_t blocking_flow(int s, int t);
  std::vector<int> head_, level_, it_;
  std::vector<Arc> arcs_;
  std::vector<int64_t> original_;
  const std::function<bool()>* stop_ = nullptr;
  bool stopped_ = false;
  long augmentations_ = 0;
  long work_ = 0, max_work_ = 0;
};

}  // namespace so
