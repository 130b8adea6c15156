#include "solver/flow.hpp"

#include <algorithm>
#include <limits>

namespace so {

MaxFlow::MaxFlow(int nodes) : head_(static_cast<size_t>(nodes), -1) {}

int MaxFlow::add_nodes(int k) {
  const int first = nodes();
  head_.resize(head_.size() + static_cast<size_t>(k), -1);
  level_.resize(head_.size(), 0);
  it_.resize(head_.size(), 0);
  return first;
}

int MaxFlow::add_arc(int u, int v, int64_t cap) {
  int id = static_cast<int>(arcs_.size());
  arcs_.push_back({v, head_[static_cast<size_t>(u)], cap});
  head_[static_cast<size_t>(u)] = id;
  arcs_.push_back({u, head_[static_cast<size_t>(v)], 0});
  head_[static_cast<size_t>(v)] = id + 1;
  original_.push_back(cap);
  return id / 2;
}

bool MaxFlow::bfs(int s, int t) {
  level_.assign(head_.size(), -1);
  std::vector<int> queue{s};
  level_[static_cast<size_t>(s)] = 0;
  for (size_t q = 0; q < queue.size(); ++q) {
    int u = queue[q];
    for (int a = head_[static_cast<size_t>(u)]; a != -1; a = arcs_[static_cast<size_t>(a)].next) {
      ++work_;
      const Arc& arc = arcs_[static_cast<size_t>(a)];
      if (arc.cap > 0 && level_[static_cast<size_t>(arc.to)] < 0) {
        level_[static_cast<size_t>(arc.to)] = level_[static_cast<size_t>(u)] + 1;
        queue.push_back(arc.to);
      }
    }
  }
  return level_[static_cast<size_t>(t)] >= 0;
}

// Blocking flow on the level graph by an iterative DFS (no recursion: hub chains can be long).
int64_t MaxFlow::blocking_flow(int s, int t) {
  int64_t total = 0;
  std::vector<int> path;  // arcs from s to u
  int u = s;
  for (;;) {
    if (u == t) {
      int64_t f = std::numeric_limits<int64_t>::max();
      for (int a : path) f = std::min(f, arcs_[static_cast<size_t>(a)].cap);
      for (int a : path) {
        arcs_[static_cast<size_t>(a)].cap -= f;
        arcs_[static_cast<size_t>(a ^ 1)].cap += f;
      }
      total += f;
      // Retreat to the tail of the first saturated arc only: a restart from s would walk the same
      // arcs again (long hub chains made that quadratic), so the augmentations are the same.
      size_t keep = 0;
      while (keep < path.size() && arcs_[static_cast<size_t>(path[keep])].cap > 0) ++keep;
      path.resize(keep);
      u = keep == 0 ? s : arcs_[static_cast<size_t>(path.back())].to;
      if (++augmentations_ % 1024 == 0 && (work_ > max_work_ || (stop_ && (*stop_)()))) {
        stopped_ = true;
        return total;
      }
      continue;
    }
    int& a = it_[static_cast<size_t>(u)];
    while (a != -1) {
      ++work_;
      const Arc& arc = arcs_[static_cast<size_t>(a)];
      if (arc.cap > 0 && level_[static_cast<size_t>(arc.to)] == level_[static_cast<size_t>(u)] + 1) break;
      a = arc.next;
    }
    if (a != -1) {
      path.push_back(a);
      u = arcs_[static_cast<size_t>(a)].to;
      continue;
    }
    // Dead end: retreat and never enter u again in this phase.
    level_[static_cast<size_t>(u)] = -1;
    if (path.empty()) break;
    const int back = path.back();
    path.pop_back();
    u = arcs_[static_cast<size_t>(back ^ 1)].to;
    it_[static_cast<size_t>(u)] = arcs_[static_cast<size_t>(back)].next;
  }
  return total;
}

int64_t MaxFlow::solve(int source, int sink, const std::function<bool()>* stop, long max_work) {
  int64_t total = 0;
  if (source == sink) return 0;
  stop_ = stop && *stop ? stop : nullptr;
  max_work_ = max_work;
  while (bfs(source, sink)) {
    if (stopped_ || work_ > max_work_ || (stop_ && (*stop_)())) {
      stopped_ = true;
      break;
    }
    it_ = head_;
    total += blocking_flow(source, sink);
  }
  return total;
}

int64_t MaxFlow::flow_on(int arc) const {
  return original_[static_cast<size_t>(arc)] - arcs_[static_cast<size_t>(2 * arc)].cap;
}

}  // namespace so
