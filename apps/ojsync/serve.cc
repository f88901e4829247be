#include "serve.h"

#include <signal.h>

#include <cstdio>
#include <iostream>

#include "exit_codes.h"
#include "service/daemon.h"
#include "service/json_log.h"

namespace ojsync::cli {

int run_serve(const std::string& config_path) {
  auto config = service::load_config_file(config_path, service::process_env());
  if (!config.ok()) {
    std::cerr << "ojsync serve: " << config.status().message() << "\n";
    return kExitUsage;
  }
  if (Status log = service::init_json_log(config->log_level); !log.ok()) {
    std::cerr << "ojsync serve: " << log.message() << "\n";
    return kExitUsage;
  }
  // A file-size limit (RLIMIT_FSIZE) must make a write fail (SQLite: disk full), which the
  // store reports and recovers from, not kill the daemon.
  ::signal(SIGXFSZ, SIG_IGN);
  // Block the stop signals before any thread starts, so every thread inherits the mask and
  // only sigwait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto daemon = service::Daemon::start(*config, service::process_env());
  if (!daemon.ok()) {
    service::log_event(service::LogLevel::kError, "start_failed",
                       Json(Json::Object{{"message", Json(daemon.status().to_string())}}));
    return exit_code_for(daemon.status().code());
  }
  std::printf("listening on %s:%u\n", config->server.host.c_str(),
              static_cast<unsigned>((*daemon)->port()));
  std::fflush(stdout);

  int received = 0;
  sigwait(&stop_signals, &received);
  service::log_event(
      service::LogLevel::kInfo, "signal",
      Json(Json::Object{{"signal", Json(received == SIGTERM ? "SIGTERM" : "SIGINT")}}));
  (*daemon)->stop();
  return kExitOk;
}

}  // namespace ojsync::cli
