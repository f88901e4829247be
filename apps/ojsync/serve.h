// `ojsync serve --config FILE`: runs the daemon until SIGTERM or SIGINT, then shuts down
// gracefully and exits 0. Once the API is bound it prints exactly one line to stdout,
// "listening on <host>:<port>", so a supervisor or a test started with port 0 learns the port.
#pragma once

#include <string>

namespace ojsync::cli {

int run_serve(const std::string& config_path);

}  // namespace ojsync::cli
