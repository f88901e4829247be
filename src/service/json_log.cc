#include "service/json_log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <string>

#include "ojsync/time.h"

namespace ojsync::service {
namespace {

spdlog::level::level_enum spdlog_level(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return spdlog::level::debug;
    case LogLevel::kInfo:
      return spdlog::level::info;
    case LogLevel::kWarn:
      return spdlog::level::warn;
    case LogLevel::kError:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

std::string_view level_name(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

}  // namespace

Status init_json_log(std::string_view level) {
  LogLevel parsed;
  if (level == "debug") {
    parsed = LogLevel::kDebug;
  } else if (level == "info") {
    parsed = LogLevel::kInfo;
  } else if (level == "warn") {
    parsed = LogLevel::kWarn;
  } else if (level == "error") {
    parsed = LogLevel::kError;
  } else {
    return InvalidArgument("log level must be debug, info, warn or error");
  }
  // The line is complete JSON already (log_event builds it), so the pattern adds nothing.
  auto logger =
      std::make_shared<spdlog::logger>("ojsync", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  logger->set_pattern("%v");
  logger->set_level(spdlog_level(parsed));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(std::move(logger));
  return OkStatus();
}

void log_event(LogLevel level, std::string_view event, Json fields) {
  const auto spd_level = spdlog_level(level);
  if (!spdlog::should_log(spd_level)) return;
  Json line = fields.is_object() ? std::move(fields) : Json::object();
  line["ts"] = format_timestamp(SystemClock::instance().now());
  line["level"] = level_name(level);
  line["event"] = event;
  spdlog::log(spd_level, "{}", line.dump());
}

}  // namespace ojsync::service
