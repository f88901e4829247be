// Fuzz target: the daemon's configuration loader (service/config.h, parse_config).
//
// Input: TOML text, as an operator's ojsync.toml. No environment variables are looked up, so
// a run depends on the input alone. The loader must answer every text with a DaemonConfig or
// a kInvalidArgument naming the problem: toml++'s exceptions are caught in the loader, and any
// other exception, crash or sanitizer report is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "service/config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const ojsync::service::EnvLookup no_env = [](const std::string&) -> std::optional<std::string> {
    return std::nullopt;
  };
  auto config = ojsync::service::parse_config(text, no_env);
  if (!config.ok() && config.status().code() != ojsync::StatusCode::kInvalidArgument) {
    std::fprintf(stderr, "config: unexpected error %s\n", config.status().to_string().c_str());
    std::abort();
  }
  return 0;
}
