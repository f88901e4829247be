// What every per-entity part of the OJS connector needs for one call. Built by the connector
// once the OJS version is known; borrowed references, valid for the call only.
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

#include "connectors/ojs/change_scan.h"
#include "connectors/ojs/idempotency_memo.h"
#include "connectors/ojs/listing_cache.h"
#include "connectors/ojs/ojs_client.h"
#include "connectors/ojs/ojs_datetime.h"
#include "connectors/ojs/time_zone.h"
#include "ojsync/ojs_connector.h"

namespace ojsync {

struct OjsContext {
  const OjsClient& client;
  const TimeZone& zone;
  OjsVersion version;
  const ScanSettings& scan;
  std::string default_locale;  // For creates whose document names none.
  IdempotencyMemo& memo;
  ListingCache& listing;  // Submissions the activity listing just returned.

  UtcSeconds now() const { return utc_from_timestamp(client.clock().now()); }
};

// Side ids of submissions and users are OJS's positive integer ids; anything else would be
// pasted into a URL, so it is refused (kInvalidArgument).
inline Result<std::int64_t> parse_ojs_id(std::string_view side_id, std::string_view what) {
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(side_id.data(), side_id.data() + side_id.size(), v);
  if (side_id.empty() || side_id.size() > 18 || ec != std::errc() ||
      ptr != side_id.data() + side_id.size() || v <= 0) {
    return InvalidArgument(std::string(what) + " id must be a positive integer, got '" +
                           std::string(side_id) + "'");
  }
  return v;
}

}  // namespace ojsync
