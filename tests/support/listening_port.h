// Reads the port a test child process announces on its stdout with one line
// "listening on 127.0.0.1:<port>" (ojs-emulator and ojsync serve both print it).
#pragma once

#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>

namespace ojsync::testing {

// Waits at most `timeout` for the line on `fd`; 0 when it does not come or is malformed.
inline int read_listening_port(int fd, std::chrono::seconds timeout = std::chrono::seconds(30)) {
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline && line.find('\n') == std::string::npos) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 500) <= 0) continue;
    char buf[256];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    line.append(buf, static_cast<std::size_t>(n));
  }
  const auto colon = line.rfind(':');
  if (line.rfind("listening on ", 0) != 0 || colon == std::string::npos) return 0;
  return std::atoi(line.c_str() + colon + 1);
}

}  // namespace ojsync::testing
