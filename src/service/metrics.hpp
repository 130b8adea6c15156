#pragma once
// A small Prometheus registry: counter, gauge and histogram families with labels, rendered in the
// text exposition format 0.0.4 (what `promtool check metrics` and a Prometheus scrape accept).
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace so::metrics {

inline constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

enum class MetricType { Counter, Gauge, Histogram };

using LabelValues = std::vector<std::string>;

// One metric family. Series are kept in an ordered map so the exposition is deterministic.
class Family {
 public:
  Family(std::string name, std::string help, MetricType type, std::vector<std::string> label_names,
         std::vector<double> buckets = {});

  const std::string& name() const { return name_; }
  MetricType type() const { return type_; }

  void inc(const LabelValues& labels = {}, double by = 1.0);  // counter or gauge
  void set(const LabelValues& labels, double value);          // gauge (or a counter read from the OS)
  void observe(const LabelValues& labels, double value);      // histogram
  void touch(const LabelValues& labels);                      // export the series at 0 from now on

  // Read-back for tests and for derived answers: counter/gauge value, histogram count / sum.
  double value(const LabelValues& labels = {}) const;
  unsigned long long count(const LabelValues& labels = {}) const;
  double sum(const LabelValues& labels = {}) const;

  void render(std::string& out) const;

 private:
  struct Series {
    double value = 0;
    std::vector<unsigned long long> buckets;  // per bucket (not cumulative)
    unsigned long long count = 0;
    double sum = 0;
  };
  Series& series_locked(const LabelValues& labels);
  std::string label_text(const LabelValues& values, const std::string* le) const;

  std::string name_, help_;
  MetricType type_;
  std::vector<std::string> label_names_;
  std::vector<double> buckets_;
  mutable std::mutex mu_;
  std::map<LabelValues, Series> series_;
};

class Registry {
 public:
  Family& counter(std::string name, std::string help, std::vector<std::string> labels = {});
  Family& gauge(std::string name, std::string help, std::vector<std::string> labels = {});
  Family& histogram(std::string name, std::string help, std::vector<double> buckets,
                    std::vector<std::string> labels = {});

  // Called at the start of every render (e.g. to refresh process_* gauges from /proc).
  void on_collect(std::function<void()> hook);

  std::string render() const;

 private:
  Family& add(std::unique_ptr<Family> f);
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Family>> families_;  // registration order = exposition order
  std::vector<std::function<void()>> hooks_;
};

// Shortest round-trip text of a double, Prometheus-style (+Inf, -Inf, NaN).
std::string format_value(double v);
// Label value escaping of the text format: backslash, double quote, newline.
std::string escape_label_value(std::string_view v);

}  // namespace so::metrics
