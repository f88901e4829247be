// `ojsync demo`: the engine end to end between an OJS journal (in `make demo`, an ojs-emulator
// started by scripts/demo.sh) and the agents' embedded store. It prints what happens and checks
// every step, so a step that does not do what it says makes the command fail.
#pragma once

#include <string>

namespace ojsync::cli {

struct DemoOptions {
  std::string dir;      // Where the demo's databases go (recreated on each run).
  std::string ojs_url;  // The OJS installation, e.g. http://127.0.0.1:8085.
  std::string journal = "testj";
  std::string token_file;           // Holds the OJS API token of a journal manager.
  std::string ojs_version = "3.3";  // 3.3, 3.4 or 3.5.
};

// Runs the demo, printing what happens; returns a process exit code (0 when every step did
// what it announced).
int run_demo(const DemoOptions& options);

}  // namespace ojsync::cli
