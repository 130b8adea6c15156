#pragma once
// Small graph algorithms for bounds and the baseline: Dinic max-flow with integer capacities.
// Deterministic: arcs are explored in insertion order.
#include <cstdint>
#include <vector>

namespace so {

class MaxFlow {
 public:
  explicit MaxFlow(int nodes);
  // Adds an arc u -> v with capacity cap (>= 0); returns its index for flow_on().
  int add_arc(int u, int v, int64_t cap);
  int64_t solve(int source, int sink);  // max flow value (call once)
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
};

}  // namespace so
