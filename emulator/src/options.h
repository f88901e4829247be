// Command-line flags of ojs-emulator (see usage() and emulator/README.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "emulator_config.h"
#include "fault_injector.h"
#include "http_server.h"

namespace ojsemu {

struct Options {
  ServerConfig server;
  EmulatorConfig emulator;
  FaultConfig faults;
  std::string journal = "testj";
  std::string dataset;  // empty: generate seeded data
  std::uint64_t seed = 1;
  int submissions = 50;
  int reviewers = 10;
  std::optional<std::string> admin_api_key;
  std::optional<std::int64_t> start_unix;  // --start-time: the clock starts at this UTC instant
  std::int64_t clock_offset_seconds = 0;
  bool help = false;
};

// The parsed options, or an error message for the user.
std::variant<Options, std::string> parse_options(const std::vector<std::string>& args);
std::string usage();

}  // namespace ojsemu
