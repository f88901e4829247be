// Run-time settings of one emulated OJS instance (mirrors the relevant config.inc.php entries).
#pragma once

#include <cstddef>
#include <string>

#include "naive_time.h"
#include "ojs_version.h"

namespace ojsemu {

struct EmulatorConfig {
  OjsVersion version = OjsVersion::k3_3;
  // [general] base_url; empty means "http://<host>:<port>" of the listening socket.
  std::string base_url;
  // [security] api_key_secret; empty (the OJS default) makes every API token fail.
  std::string api_key_secret;
  // [general] time_zone: timestamps are written as naive wall-clock time of this zone.
  TimeZone time_zone = TimeZone::utc();
  std::size_t max_json_depth = 64;
};

}  // namespace ojsemu
