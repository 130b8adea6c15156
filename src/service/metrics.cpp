#include "service/metrics.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace so::metrics {

std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

std::string escape_label_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out.push_back(c);
  }
  return out;
}

namespace {
std::string escape_help(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out.push_back(c);
  }
  return out;
}
const char* type_name(MetricType t) {
  switch (t) {
    case MetricType::Counter: return "counter";
    case MetricType::Gauge: return "gauge";
    case MetricType::Histogram: return "histogram";
  }
  return "untyped";
}
}  // namespace

Family::Family(std::string name, std::string help, MetricType type, std::vector<std::string> label_names,
               std::vector<double> buckets)
    : name_(std::move(name)), help_(std::move(help)), type_(type), label_names_(std::move(label_names)),
      buckets_(std::move(buckets)) {
  // Families without labels exist from start-up with one series at 0 (so rate() works at once).
  if (label_names_.empty()) series_locked({});
}

Family::Series& Family::series_locked(const LabelValues& labels) {
  if (labels.size() != label_names_.size())
    throw std::invalid_argument("metric " + name_ + ": expected " + std::to_string(label_names_.size()) + " labels");
  auto it = series_.find(labels);
  if (it == series_.end()) {
    Series s;
    if (type_ == MetricType::Histogram) s.buckets.assign(buckets_.size(), 0);
    it = series_.emplace(labels, std::move(s)).first;
  }
  return it->second;
}

void Family::inc(const LabelValues& labels, double by) {
  std::lock_guard lock(mu_);
  series_locked(labels).value += by;
}

void Family::set(const LabelValues& labels, double value) {
  std::lock_guard lock(mu_);
  series_locked(labels).value = value;
}

void Family::observe(const LabelValues& labels, double value) {
  std::lock_guard lock(mu_);
  Series& s = series_locked(labels);
  for (size_t i = 0; i < buckets_.size(); ++i)
    if (value <= buckets_[i]) {
      ++s.buckets[i];
      break;
    }
  ++s.count;
  s.sum += value;
}

void Family::touch(const LabelValues& labels) {
  std::lock_guard lock(mu_);
  series_locked(labels);
}

double Family::value(const LabelValues& labels) const {
  std::lock_guard lock(mu_);
  auto it = series_.find(labels);
  return it == series_.end() ? 0.0 : it->second.value;
}

unsigned long long Family::count(const LabelValues& labels) const {
  std::lock_guard lock(mu_);
  auto it = series_.find(labels);
  return it == series_.end() ? 0 : it->second.count;
}

double Family::sum(const LabelValues& labels) const {
  std::lock_guard lock(mu_);
  auto it = series_.find(labels);
  return it == series_.end() ? 0.0 : it->second.sum;
}

std::string Family::label_text(const LabelValues& values, const std::string* le) const {
  if (values.empty() && !le) return {};
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += label_names_[i];
    out += "=\"";
    out += escape_label_value(values[i]);
    out += '"';
  }
  if (le) {
    if (!values.empty()) out += ',';
    out += "le=\"";
    out += *le;
    out += '"';
  }
  out += '}';
  return out;
}

void Family::render(std::string& out) const {
  std::lock_guard lock(mu_);
  out += "# HELP " + name_ + " " + escape_help(help_) + "\n";
  out += "# TYPE " + name_ + " " + type_name(type_) + "\n";
  for (const auto& [labels, s] : series_) {
    if (type_ != MetricType::Histogram) {
      out += name_ + label_text(labels, nullptr) + " " + format_value(s.value) + "\n";
      continue;
    }
    unsigned long long cumulative = 0;
    for (size_t i = 0; i < buckets_.size(); ++i) {
      cumulative += s.buckets[i];
      std::string le = format_value(buckets_[i]);
      out += name_ + "_bucket" + label_text(labels, &le) + " " + std::to_string(cumulative) + "\n";
    }
    std::string inf = "+Inf";
    out += name_ + "_bucket" + label_text(labels, &inf) + " " + std::to_string(s.count) + "\n";
    out += name_ + "_sum" + label_text(labels, nullptr) + " " + format_value(s.sum) + "\n";
    out += name_ + "_count" + label_text(labels, nullptr) + " " + std::to_string(s.count) + "\n";
  }
}

Family& Registry::add(std::unique_ptr<Family> f) {
  std::lock_guard lock(mu_);
  for (const auto& existing : families_)
    if (existing->name() == f->name()) throw std::invalid_argument("metric registered twice: " + f->name());
  families_.push_back(std::move(f));
  return *families_.back();
}

Family& Registry::counter(std::string name, std::string help, std::vector<std::string> labels) {
  return add(std::make_unique<Family>(std::move(name), std::move(help), MetricType::Counter, std::move(labels)));
}

Family& Registry::gauge(std::string name, std::string help, std::vector<std::string> labels) {
  return add(std::make_unique<Family>(std::move(name), std::move(help), MetricType::Gauge, std::move(labels)));
}

Family& Registry::histogram(std::string name, std::string help, std::vector<double> buckets,
                            std::vector<std::string> labels) {
  return add(std::make_unique<Family>(std::move(name), std::move(help), MetricType::Histogram, std::move(labels),
                                      std::move(buckets)));
}

void Registry::on_collect(std::function<void()> hook) {
  std::lock_guard lock(mu_);
  hooks_.push_back(std::move(hook));
}

std::string Registry::render() const {
  std::vector<std::function<void()>> hooks;
  {
    std::lock_guard lock(mu_);
    hooks = hooks_;
  }
  for (const auto& h : hooks) h();
  std::string out;
  out.reserve(16384);
  std::lock_guard lock(mu_);
  for (const auto& f : families_) f->render(out);
  return out;
}

}  // namespace so::metrics
