// The HTTP/1.1 front end (Boost.Beast, one thread per connection, keep-alive). It turns wire
// requests into HttpRequest values, applies fault injection to API requests, routes
// /__emulator/ to the control endpoints and everything else to the Emulator. This and main.cc
// are the only files that include Beast/Asio.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "emulator.h"
#include "fault_injector.h"
#include "request_stats.h"

namespace ojsemu {

struct ServerConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: pick an ephemeral port
  std::size_t max_body_bytes = 1 << 20;
  int idle_timeout_seconds = 120;
  bool control_endpoints = true;
};

class HttpServer {
 public:
  HttpServer(ServerConfig config, Emulator& emulator, FaultInjector& faults, RequestStats& stats);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens; returns the bound port (useful with port 0). Throws on failure.
  std::uint16_t bind();
  // Accepts connections until the process ends.
  void run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ojsemu
