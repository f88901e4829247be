// The daemon's configuration: a TOML file (see ojsync.example.toml), every key overridable
// by an environment variable OJSYNC_<SECTION>_<KEY> (e.g. OJSYNC_SYNC_BATCH_SIZE=50).
// Secrets are never values in the file: they come from files or environment variables.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ojsync/options.h"
#include "service/http_server.h"

namespace ojsync::service {

struct OjsSettings {
  std::string base_url;          // e.g. "https://journal.example.org" (empty: no OJS configured)
  std::string journal;           // the journal's URL path, e.g. "jpk"
  std::string version = "auto";  // "3.3", "3.4", "3.5" or "auto" (detected once)
  bool index_php = true;         // URLs carry /index.php/ (false with restful_urls = On)
  std::string token_file;        // API token in a file ...
  std::string token_env = "OJSYNC_OJS_TOKEN";  // ... or in this environment variable.
  std::string time_zone = "UTC";               // The journal's [general] time_zone.
  std::string ca_path;                         // Extra CA bundle; TLS verification is always on.
  Duration connect_timeout = std::chrono::seconds(5);
  Duration request_timeout = std::chrono::seconds(30);
  int request_attempts = 3;  // Tries of an idempotent request on a transient failure.
  Duration request_retry_max_wait = std::chrono::milliseconds(500);  // Longer: the engine's.
};

struct WebhookSettings {
  std::vector<std::string> secret_files;             // One or two (two while rotating).
  std::string secret_env = "OJSYNC_WEBHOOK_SECRET";  // Used when no file is configured.
  Duration tolerance = std::chrono::minutes(5);
  // How long accepted event ids are remembered to ignore redeliveries. Senders retry a failed
  // delivery with the same id for up to about a day (Standard Webhooks: 5 s ... 10 h apart).
  Duration dedupe_retention = std::chrono::hours(72);
  // Events are authenticated by their signature. With this on, POST /v1/events also needs an
  // ojs-events (or admin) API token, for a sender that can send both.
  bool require_token = false;
};

// How long each table keeps its rows, in days ([retention]; 0 = forever). The background
// cleanup enforces it (retention.h). Keys left out take sync.retention_days, except
// dead_jobs_days: a dead-lettered job waits for an operator's replay until it is removed.
// Accepted webhook event ids follow webhooks.dedupe_retention.
struct RetentionSettings {
  std::int32_t records_days = 30;             // sync_records
  std::int32_t resolved_conflicts_days = 30;  // sync_conflicts once resolved
  std::int32_t tombstones_days = 30;          // sync_state of entities deleted on both sides
  std::int32_t audit_payload_days = 30;       // audit_log payloads (entries and hashes stay)
  std::int32_t dead_jobs_days = 0;            // sync_jobs dead-lettered
};

// Encryption at rest (ojsync/encryption.h). The keyring is never a value in the file: it comes
// from key_file, else from the variable named key_env ("<id>:<base64 32 bytes>" entries; the
// last is current). Enabled without a keyring, the daemon and every command refuse to start.
struct EncryptionSettings {
  bool enabled = false;
  std::string key_file;
  std::string key_env = "OJSYNC_ENCRYPTION_KEYS";
  // "type:path" entries replacing the default sensitive fields when not empty.
  std::vector<std::string> fields;
  // The background re-encryption: one step of at most reseal_batch rows every reseal_interval.
  Duration reseal_interval = std::chrono::seconds(10);
  std::int64_t reseal_batch = 200;
};

struct DaemonConfig {
  std::string store_path = "ojsync.db";
  std::string agents_path = "agents.db";
  // Auto-sync of agents never configured through PUT /v1/agents/{agent}/auto-sync.
  bool auto_sync_default = true;
  SyncOptions sync;
  HttpServerOptions server;
  // Requests per second each client address may make on /v1/ routes (events excepted), in
  // bursts of up to rate_burst; 0 = unlimited.
  std::int64_t rate_limit = 0;
  std::int64_t rate_burst = 50;
  OjsSettings ojs;
  WebhookSettings webhooks;
  RetentionSettings retention;
  EncryptionSettings encryption;
  Duration anti_entropy_interval = std::chrono::hours(1);
  Duration cleanup_interval = std::chrono::hours(1);
  std::string log_level = "info";
};

// Looks an environment variable up; injected so tests do not touch the real environment.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup process_env();

// Parses TOML text (empty text = all defaults) and applies environment overrides. Unknown
// keys, wrong types and out-of-range values are kInvalidArgument naming the key.
Result<DaemonConfig> parse_config(std::string_view toml_text, const EnvLookup& env);
Result<DaemonConfig> load_config_file(const std::string& path, const EnvLookup& env);

// "250ms", "30s", "5m", "2h", "1d", or a bare number of seconds.
Result<Duration> parse_duration(std::string_view text);

}  // namespace ojsync::service
