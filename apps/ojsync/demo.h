// `ojsync demo`: the engine end to end on the embedded default, with nothing to set up.
#pragma once

#include <string>

namespace ojsync::cli {

struct DemoOptions {
  std::string dir;  // Where the demo's databases go (recreated on each run).
  int manuscripts = 5;
};

// Runs the demo, printing what happens; returns a process exit code.
int run_demo(const DemoOptions& options);

}  // namespace ojsync::cli
