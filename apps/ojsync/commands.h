// The CLI's commands. Each prints its result (JSON with `json`, else text for people) and
// returns an exit code (exit_codes.h). Errors go to stderr, and also to stdout as the API's
// error shape with `json`, so a script always gets JSON.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "backend.h"
#include "service/person_match.h"

namespace ojsync::cli {

struct Printer {
  std::string command;  // For error messages: "ojsync sync".
  bool json = false;
};

int cmd_sync(Backend& backend, const Printer& out, const std::string& type, const std::string& id,
             Direction direction);
// Runs the ids in chunks of backend.max_batch(), with a progress bar on a terminal.
int cmd_batch(Backend& backend, const Printer& out, const std::string& type,
              const std::vector<std::string>& ids, Direction direction);
int cmd_status(Backend& backend, const Printer& out, const std::string& type,
               const std::string& id);
int cmd_conflicts_list(Backend& backend, const Printer& out, std::optional<ConflictStatus> filter,
                       std::size_t limit);
int cmd_conflicts_show(Backend& backend, const Printer& out, std::int64_t id);
int cmd_conflicts_resolve(Backend& backend, const Printer& out, std::int64_t id,
                          const Json& resolution, const std::string& resolved_by);
int cmd_stats(Backend& backend, const Printer& out);
int cmd_health(Backend& backend, const Printer& out);
int cmd_dlq_list(Backend& backend, const Printer& out, std::size_t limit);
// Replays the given jobs, or every dead-lettered job when `ids` is empty.
int cmd_dlq_replay(Backend& backend, const Printer& out, const std::vector<std::int64_t>& ids);
// On the store only (the daemon has no route for these).
int cmd_cleanup(const service::DaemonConfig& config, const Printer& out);
int cmd_migrate(const service::DaemonConfig& config, const Printer& out);
// Encrypted values per key id and sensitive values still plaintext, in the store and the agents'
// store: an older key may leave the keyring once no value is under it.
int cmd_keys_status(const service::DaemonConfig& config, const Printer& out);

// API tokens and the audit log, on the store only (access_commands.cc). `actor` is who the
// audit log names ("cli:$USER").
struct TokenRequest {
  std::string name;
  std::string role;
  std::string types;  // Comma-separated; agent tokens only.
};
// Prints the new token's secret once (the store keeps only its hash).
int cmd_token_create(const service::DaemonConfig& config, const Printer& out,
                     const TokenRequest& request, const std::string& actor);
int cmd_token_list(const service::DaemonConfig& config, const Printer& out);
int cmd_token_revoke(const service::DaemonConfig& config, const Printer& out,
                     const std::string& name_or_id, const std::string& actor);
// Exit 0 when the chain is intact (and, with an `anchor` "<id>:<hash>" kept from an earlier
// run, entry <id> still has that hash), 1 (failed) at the first altered, inserted or removed
// entry.
int cmd_audit_verify(const service::DaemonConfig& config, const Printer& out,
                     const std::string& anchor);

// A person's data (privacy_commands.cc), on the store and the agents' store only. Export prints
// the JSON (or writes it to a new owner-only file `out_path`); erase refuses without
// `confirmed` (exit 2) and while the daemon holds the store lock (exit 4).
int cmd_privacy_export(const service::DaemonConfig& config, const Printer& out,
                       const service::PersonSelector& selector, const std::string& out_path);
int cmd_privacy_erase(const service::DaemonConfig& config, const Printer& out,
                      const service::PersonSelector& selector, bool confirmed,
                      const std::string& actor);

// Prints `status` as the command's error and returns its exit code.
int fail(const Printer& out, const Status& status);

}  // namespace ojsync::cli
