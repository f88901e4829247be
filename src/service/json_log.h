// Structured logs: one JSON object per line on stderr, e.g.
//   {"event":"sync_done","level":"info","ts":"2026-11-25T13:39:38.123456Z","type":"manuscript",...}
// Callers pass ids, counts, codes and durations; never a secret, a token or a document body.
// spdlog stays in json_log.cc. Thread-safe.
#pragma once

#include <string_view>

#include "ojsync/json.h"
#include "ojsync/status.h"

namespace ojsync::service {

enum class LogLevel : std::uint8_t { kDebug, kInfo, kWarn, kError };

// Sends the process's log to stderr as JSON lines from `level` ("debug", "info", "warn",
// "error") up. kInvalidArgument for another level name.
Status init_json_log(std::string_view level);

// Writes {"ts", "level", "event", ...fields} (fields must be an object; others are dropped).
void log_event(LogLevel level, std::string_view event, Json fields = Json::object());

}  // namespace ojsync::service
