// Retry-After (RFC 9110 §10.2.3): how long a 429/503 asks the client to wait.
#pragma once

#include <optional>
#include <string_view>

#include "ojsync/time.h"

namespace ojsync {

// Parses delta-seconds ("120") or an HTTP-date in any of the three RFC 9110 forms
// ("Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
// "Sun Nov  6 08:49:37 1994") relative to `now`. A date in the past gives zero.
// std::nullopt for anything else (the header is then ignored, never guessed).
std::optional<Duration> parse_retry_after(std::string_view value, Timestamp now);

}  // namespace ojsync
