#pragma once
// Service logging (spdlog): text or one JSON object per line, each line carrying the run id and
// correlation id of the request or run that the logging thread is working for.
#include <memory>
#include <string>

#include <spdlog/logger.h>

namespace so {

// Per-thread context stamped onto every log line written by that thread.
struct LogContext {
  std::string correlation_id;
  std::string run_id;
};

LogContext& log_context();

// Sets the thread's context for a scope and restores the previous one afterwards.
class ScopedLogContext {
 public:
  ScopedLogContext(std::string correlation_id, std::string run_id);
  ~ScopedLogContext();
  ScopedLogContext(const ScopedLogContext&) = delete;
  ScopedLogContext& operator=(const ScopedLogContext&) = delete;

 private:
  LogContext saved_;
};

// The service logger (a stderr logger named "shift-optimizer"; created on first use at "info").
std::shared_ptr<spdlog::logger> service_log();

// Configures the service logger: level trace|debug|info|warn|error|critical|off, format text|json.
// Unknown values fall back to info / text. Makes it spdlog's default logger too.
void configure_logging(const std::string& level, const std::string& format);

// Like configure_logging, but writes to the given sink (tests capture lines this way).
void configure_logging_to(std::shared_ptr<spdlog::sinks::sink> sink, const std::string& level,
                          const std::string& format);

}  // namespace so
