// The emulator's own test-only endpoints under /__emulator/ (not part of any OJS API; they never
// count as API requests and are never subject to fault injection):
//   GET  /__emulator/health                → {"ok":true,"ojsVersion":"3.3"}
//   GET  /__emulator/stats                 → {"total":n,"byRoute":{"GET /submissions":n,…},"faults":{…}}
//   POST /__emulator/stats/reset           → {"ok":true}
//   GET  /__emulator/token?user=<userName> → {"token":"<JWT>"} as OJS would show it in the profile
#pragma once

#include <optional>

#include "emulator.h"
#include "http_types.h"
#include "request_stats.h"

namespace ojsemu {

inline constexpr std::string_view kControlPrefix = "/__emulator/";

// nullopt when the request is not for a control endpoint.
std::optional<HttpResponse> handle_control(const HttpRequest& request, Emulator& emulator, RequestStats& stats);

}  // namespace ojsemu
