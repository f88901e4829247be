// Runs the real ojs-emulator binary for integration tests: spawns it with the given flags on
// 127.0.0.1 port 0, waits (bounded) for its "listening on 127.0.0.1:<port>" line and kills it
// when the object goes away.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace ojsemu::testing {

class EmulatorProcess {
 public:
  explicit EmulatorProcess(std::vector<std::string> flags,
                           std::chrono::milliseconds startup_timeout = std::chrono::seconds(20));
  ~EmulatorProcess();
  EmulatorProcess(const EmulatorProcess&) = delete;
  EmulatorProcess& operator=(const EmulatorProcess&) = delete;

  int port() const { return port_; }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace ojsemu::testing
