#include "service/log.hpp"
#include "service/util.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

#include <nlohmann/json.hpp>
#include <spdlog/formatter.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace so {

LogContext& log_context() {
  thread_local LogContext ctx;
  return ctx;
}

ScopedLogContext::ScopedLogContext(std::string correlation_id, std::string run_id) : saved_(log_context()) {
  log_context() = LogContext{std::move(correlation_id), std::move(run_id)};
}

ScopedLogContext::~ScopedLogContext() { log_context() = std::move(saved_); }

namespace {


// One JSON object per line: ts, level, logger, msg, and run_id / correlation_id when set.
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    nlohmann::json j;
    j["ts"] = iso_utc(msg.time);
    auto lv = spdlog::level::to_string_view(msg.level);
    j["level"] = std::string(lv.data(), lv.size());
    j["logger"] = std::string(msg.logger_name.data(), msg.logger_name.size());
    j["msg"] = std::string(msg.payload.data(), msg.payload.size());
    const LogContext& ctx = log_context();
    if (!ctx.run_id.empty()) j["run_id"] = ctx.run_id;
    if (!ctx.correlation_id.empty()) j["correlation_id"] = ctx.correlation_id;
    j["thread"] = msg.thread_id;
    // Invalid UTF-8 in a message must never break a line: replace it.
    std::string line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    line.push_back('\n');
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonFormatter>(); }
};

// %* in the text pattern: " [run=… cid=…]" when the thread has a context.
class ContextFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg&, const std::tm&, spdlog::memory_buf_t& dest) override {
    const LogContext& ctx = log_context();
    std::string s;
    if (!ctx.run_id.empty()) s += " run=" + ctx.run_id;
    if (!ctx.correlation_id.empty()) s += " cid=" + ctx.correlation_id;
    if (!s.empty()) s = " [" + s.substr(1) + "]";
    dest.append(s.data(), s.data() + s.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<ContextFlag>(); }
};

std::mutex g_log_mu;
std::shared_ptr<spdlog::logger> g_logger;

std::shared_ptr<spdlog::logger> make_logger(std::shared_ptr<spdlog::sinks::sink> sink, const std::string& level,
                                            const std::string& format) {
  auto logger = std::make_shared<spdlog::logger>("shift-optimizer", std::move(sink));
  if (format == "json") {
    logger->set_formatter(std::make_unique<JsonFormatter>());
  } else {
    auto f = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
    f->add_flag<ContextFlag>('*').set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l%* %v");
    logger->set_formatter(std::move(f));
  }
  auto lv = spdlog::level::from_str(level.empty() ? "info" : level);
  // from_str maps unknown names to off; an operator typo must not silence the service.
  if (lv == spdlog::level::off && level != "off") lv = spdlog::level::info;
  logger->set_level(lv);
  logger->flush_on(spdlog::level::warn);
  return logger;
}

}  // namespace

std::shared_ptr<spdlog::logger> service_log() {
  std::lock_guard lock(g_log_mu);
  if (!g_logger) g_logger = make_logger(std::make_shared<spdlog::sinks::stderr_sink_mt>(), "info", "text");
  return g_logger;
}

void configure_logging_to(std::shared_ptr<spdlog::sinks::sink> sink, const std::string& level,
                          const std::string& format) {
  auto logger = make_logger(std::move(sink), level, format);
  {
    std::lock_guard lock(g_log_mu);
    g_logger = logger;
  }
  spdlog::set_default_logger(logger);
}

void configure_logging(const std::string& level, const std::string& format) {
  configure_logging_to(std::make_shared<spdlog::sinks::stderr_sink_mt>(), level, format);
}

}  // namespace so
