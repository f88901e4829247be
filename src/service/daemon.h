// Daemon: what `ojsync serve` runs. It assembles the store, the agents' embedded store, the OJS
// connector and the engine, serves the HTTP API, and runs the background service:
//   - a job runner draining the durable queue (woken by events, agents' writes and sweeps);
//   - a sweep of OJS's changes every sync_interval (from a cursor kept in the store), and the
//     same for the agents' store;
//   - an anti-entropy pass every anti_entropy_interval (every known entity, hashes compared);
//   - retention cleanup every cleanup_interval (records, resolved conflicts, event ids).
// Logs are JSON lines on stderr (json_log.h); secrets and document bodies are never logged.
#pragma once

#include <cstdint>
#include <memory>

#include "service/config.h"

namespace ojsync::service {

class Daemon {
 public:
  // Opens and migrates the store, opens the agents' store and the OJS connector (its token from
  // ojs.token_file or the variable named by ojs.token_env), reads the webhook secrets (files,
  // else webhooks.secret_env; none = event intake answers 503), then starts the engine, the
  // background tasks and the HTTP server. Errors name the part that could not start; nothing
  // is left running then.
  static Result<std::unique_ptr<Daemon>> start(const DaemonConfig& config, const EnvLookup& env);
  ~Daemon();  // stop()
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // The bound port (the configured one, or the one picked for port 0).
  std::uint16_t port() const;

  // Graceful shutdown: stops intake (the HTTP server finishes requests in flight), the sweeps
  // and passes, then the job runner once the jobs it claimed have finished. Jobs not claimed
  // stay queued for the next start. Idempotent.
  void stop();

 private:
  struct Parts;
  explicit Daemon(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace ojsync::service
