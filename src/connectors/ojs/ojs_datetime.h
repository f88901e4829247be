// OJS's date-time strings: "Y-m-d H:i:s" (and "Y-m-d" for publication dates), zoneless
// wall-clock times of the journal's configured zone, one-second precision.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "connectors/ojs/time_zone.h"
#include "ojsync/time.h"

namespace ojsync {

// "2026-11-25 13:35:41" (or "2026-11-25", read as midnight) → wall-clock seconds.
// std::nullopt for anything else (including OJS's null dates, which callers check first).
std::optional<LocalSeconds> parse_ojs_datetime(std::string_view text);
std::string format_ojs_datetime(LocalSeconds local);

inline Timestamp timestamp_from_utc(UtcSeconds s) { return Timestamp(std::chrono::seconds(s)); }
inline UtcSeconds utc_from_timestamp(Timestamp t) {
  return std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count();
}

// An OJS date-time of zone `zone` as an ISO 8601 UTC string ("2026-11-25T04:35:41Z"), or
// std::nullopt when `text` is not one.
std::optional<std::string> ojs_datetime_to_iso_utc(std::string_view text, const TimeZone& zone);

}  // namespace ojsync
