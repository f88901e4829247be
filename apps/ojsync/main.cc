// ojsync: command-line entry point. Every command but `serve`, `demo`, `migrate`, `cleanup`,
// `token`, `audit` and `privacy` runs either on the store directly (--config FILE) or against a
// running daemon (--server URL, with an API token from --token-file or OJSYNC_TOKEN).
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "commands.h"
#include "demo.h"
#include "exit_codes.h"
#include "serve.h"

namespace {

using namespace ojsync;
using namespace ojsync::cli;

constexpr const char* kExitCodes =
    "Exit codes: 0 done, 1 failed, 2 usage or configuration, 3 not found, 4 conflict,\n"
    "5 partial (some ids failed; health degraded), 6 unavailable (health unhealthy).\n"
    "`audit verify` exits 1 when the chain is broken.";

// Where a command runs, and how it prints.
struct Target {
  std::string config;
  std::string server;
  std::string token_file;
  bool json = false;
};

void add_target(CLI::App* command, Target& target, bool server_allowed = true) {
  command->add_option("--config", target.config, "Configuration file (work on the store directly)");
  if (server_allowed) {
    command->add_option("--server", target.server, "A running daemon, e.g. http://127.0.0.1:8080");
    command->add_option("--token-file", target.token_file,
                        "File holding the API token for --server (default: $OJSYNC_TOKEN)");
  }
  command->add_flag("--json", target.json, "Print JSON");
}

// The API token for --server: the file's first line, else $OJSYNC_TOKEN, else none.
Result<std::string> api_token(const Target& target) {
  if (target.token_file.empty()) {
    const char* env = std::getenv("OJSYNC_TOKEN");
    return std::string(env != nullptr ? env : "");
  }
  std::ifstream in(target.token_file);
  if (!in) return InvalidArgument("cannot read the token file " + target.token_file);
  std::string token;
  std::getline(in, token);
  while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
  if (token.empty()) return InvalidArgument("the token file " + target.token_file + " is empty");
  return token;
}

Result<service::DaemonConfig> load(const Target& target) {
  if (target.config.empty()) return InvalidArgument("--config is required");
  return service::load_config_file(target.config, service::process_env());
}

Result<std::unique_ptr<Backend>> backend_for(const Target& target) {
  if (!target.server.empty() && !target.config.empty())
    return InvalidArgument("use --config or --server, not both");
  if (!target.server.empty()) {
    OJSYNC_ASSIGN_OR_RETURN(std::string token, api_token(target));
    return make_remote_backend(target.server, std::move(token));
  }
  if (target.config.empty()) return InvalidArgument("--config FILE or --server URL is required");
  OJSYNC_ASSIGN_OR_RETURN(service::DaemonConfig config, load(target));
  return make_local_backend(std::move(config));
}

Result<Direction> direction_of(const std::string& name) { return parse_direction(name); }

// The resolution of `conflicts resolve`: {"take": side} or a JSON object of field values.
Result<Json> resolution_of(const std::string& take, const std::string& fields) {
  if (take.empty() == fields.empty())
    return InvalidArgument("give exactly one of --take or --fields");
  if (!take.empty()) return Json(Json::Object{{"take", Json(take)}});
  return Json::parse(fields);
}

std::string default_resolver() {
  const char* user = std::getenv("USER");
  return std::string("cli:") + (user != nullptr && *user != '\0' ? user : "unknown");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ojsync — keeps Open Journal Systems and an agents framework in sync"};
  app.footer(kExitCodes);
  app.set_version_flag("--version", "ojsync 0.1.0");
  app.require_subcommand(1);

  ojsync::cli::DemoOptions demo;
  demo.dir = "ojsync-demo";
  auto* demo_cmd = app.add_subcommand(
      "demo", "Sync an OJS journal with the agents' embedded store, step by step (make demo)");
  demo_cmd->add_option("--dir", demo.dir, "Directory for the demo databases (recreated)");
  demo_cmd->add_option("--ojs-url", demo.ojs_url, "OJS base URL, e.g. http://127.0.0.1:8085")
      ->required();
  demo_cmd->add_option("--journal", demo.journal, "Journal URL path (default testj)");
  demo_cmd
      ->add_option("--token-file", demo.token_file, "File holding a journal manager's API token")
      ->required();
  demo_cmd->add_option("--ojs-version", demo.ojs_version, "3.3, 3.4 or 3.5")
      ->check(CLI::IsMember({"3.3", "3.4", "3.5"}));

  std::string serve_config;
  auto* serve_cmd =
      app.add_subcommand("serve", "Run the daemon: HTTP API, event intake, background sync");
  serve_cmd->add_option("--config", serve_config, "Configuration file")->required();

  Target t;  // Only one subcommand runs, so they share the target options.
  std::string type, id, direction_name = "both";
  std::vector<std::string> ids;
  auto* sync_cmd = app.add_subcommand("sync", "Sync one entity now");
  sync_cmd->add_option("type", type, "Entity type (manuscript, reviewer, decision)")->required();
  sync_cmd->add_option("id", id, "Entity id")->required();
  sync_cmd->add_option("--direction", direction_name, "both, to-ojs or from-ojs");
  add_target(sync_cmd, t);

  auto* batch_cmd = app.add_subcommand("batch", "Sync many entities of one type");
  batch_cmd->add_option("type", type, "Entity type")->required();
  batch_cmd->add_option("ids", ids, "Entity ids")->required();
  batch_cmd->add_option("--direction", direction_name, "both, to-ojs or from-ojs");
  add_target(batch_cmd, t);

  auto* status_cmd = app.add_subcommand("status", "Sync status of one entity");
  status_cmd->add_option("type", type, "Entity type")->required();
  status_cmd->add_option("id", id, "Entity id")->required();
  add_target(status_cmd, t);

  auto* conflicts_cmd = app.add_subcommand("conflicts", "List, show and resolve conflicts");
  conflicts_cmd->require_subcommand(1);
  std::string conflict_filter = "open";
  std::size_t limit = 100;
  std::int64_t conflict_id = 0;
  std::string take, fields, resolved_by = default_resolver();
  auto* list_cmd = conflicts_cmd->add_subcommand("list", "List conflicts");
  list_cmd->add_option("--status", conflict_filter, "open, resolved or all")
      ->check(CLI::IsMember({"open", "resolved", "all"}));
  list_cmd->add_option("--limit", limit, "At most this many")->check(CLI::Range(1, 1000));
  add_target(list_cmd, t);
  auto* show_cmd = conflicts_cmd->add_subcommand("show", "Show one conflict with its fields");
  show_cmd->add_option("id", conflict_id, "Conflict id")->required()->check(CLI::PositiveNumber);
  add_target(show_cmd, t);
  auto* resolve_cmd = conflicts_cmd->add_subcommand(
      "resolve", "Resolve a conflict and write the result to both sides");
  resolve_cmd->add_option("id", conflict_id, "Conflict id")->required()->check(CLI::PositiveNumber);
  resolve_cmd->add_option("--take", take, "Take one side whole: ojs or agents")
      ->check(CLI::IsMember({"ojs", "agents"}));
  resolve_cmd->add_option("--fields", fields,
                          "JSON object of field values, e.g. '{\"title\":{\"en\":\"T\"}}'");
  resolve_cmd->add_option("--by", resolved_by, "Who resolves (default cli:$USER)");
  add_target(resolve_cmd, t);

  auto* stats_cmd = app.add_subcommand("stats", "Sync statistics");
  add_target(stats_cmd, t);
  auto* health_cmd =
      app.add_subcommand("health", "Health: ok, degraded or unhealthy, with reasons");
  add_target(health_cmd, t);
  auto* cleanup_cmd =
      app.add_subcommand("cleanup", "Remove records and resolved conflicts past retention");
  add_target(cleanup_cmd, t, false);
  auto* migrate_cmd = app.add_subcommand("migrate", "Bring the store's schema to this version");
  add_target(migrate_cmd, t, false);

  auto* keys_cmd = app.add_subcommand("keys", "Encryption at rest (on the stores)");
  keys_cmd->require_subcommand(1);
  auto* keys_status_cmd = keys_cmd->add_subcommand(
      "status", "Values under each key id, and sensitive values still plaintext");
  add_target(keys_status_cmd, t, false);

  auto* dlq_cmd = app.add_subcommand("dlq", "Dead-lettered jobs");
  dlq_cmd->require_subcommand(1);
  std::vector<std::int64_t> job_ids;
  auto* dlq_list_cmd = dlq_cmd->add_subcommand("list", "List dead-lettered jobs");
  dlq_list_cmd->add_option("--limit", limit, "At most this many")->check(CLI::Range(1, 1000));
  add_target(dlq_list_cmd, t);
  auto* dlq_replay_cmd =
      dlq_cmd->add_subcommand("replay", "Queue dead-lettered jobs again (all when no id is given)");
  dlq_replay_cmd->add_option("ids", job_ids, "Job ids")->check(CLI::PositiveNumber);
  add_target(dlq_replay_cmd, t);

  auto* token_cmd =
      app.add_subcommand("token", "API tokens for the daemon's HTTP API (on the store)");
  token_cmd->require_subcommand(1);
  TokenRequest token_request;
  auto* token_create_cmd = token_cmd->add_subcommand(
      "create", "Create a token; it is printed once, only its hash is kept");
  token_create_cmd
      ->add_option("--name", token_request.name, "Token name (an agent token: the agent's)")
      ->required();
  token_create_cmd
      ->add_option("--role", token_request.role, "admin, editor, agent, viewer or ojs-events")
      ->required()
      ->check(CLI::IsMember({"admin", "editor", "agent", "viewer", "ojs-events"}));
  token_create_cmd->add_option(
      "--types", token_request.types,
      "Agent tokens: the entity types it may read and write, e.g. manuscript,reviewer");
  add_target(token_create_cmd, t, false);
  auto* token_list_cmd = token_cmd->add_subcommand("list", "List tokens (never their secrets)");
  add_target(token_list_cmd, t, false);
  std::string token_ref;
  auto* token_revoke_cmd = token_cmd->add_subcommand("revoke", "Revoke a token at once");
  token_revoke_cmd->add_option("token", token_ref, "Token name or id")->required();
  add_target(token_revoke_cmd, t, false);

  auto* audit_cmd = app.add_subcommand("audit", "The hash-chained audit log (on the store)");
  audit_cmd->require_subcommand(1);
  auto* audit_verify_cmd = audit_cmd->add_subcommand(
      "verify", "Walk the chain; exit 1 naming the first altered, inserted or removed entry");
  std::string anchor;
  audit_verify_cmd->add_option("--anchor", anchor,
                               "<id>:<hash> of an earlier run's head, kept elsewhere: the log up "
                               "to it must be unchanged");
  add_target(audit_verify_cmd, t, false);

  auto* privacy_cmd = app.add_subcommand(
      "privacy", "A person's data in the store and the agents' store (docs/operations.md)");
  privacy_cmd->require_subcommand(1);
  service::PersonSelector person;
  std::string privacy_out;
  bool confirmed = false;
  auto add_person = [&](CLI::App* command) {
    command->add_option("email", person.email, "The person's e-mail address (any case)")
        ->required();
    command->add_option("--ojs-user-id", person.ojs_user_id,
                        "Their OJS user id: their reviewer record and the decisions naming them");
    command->add_option("--orcid", person.orcid, "Their ORCID: objects and texts holding it");
    add_target(command, t, false);
  };
  auto* privacy_export_cmd = privacy_cmd->add_subcommand(
      "export", "Everything held about a person, as JSON (may run beside the daemon)");
  add_person(privacy_export_cmd);
  privacy_export_cmd->add_option("--out", privacy_out,
                                 "Write to this new file (owner-only) instead of stdout");
  auto* privacy_erase_cmd = privacy_cmd->add_subcommand(
      "erase", "Pseudonymise a person everywhere; the daemon must be stopped");
  add_person(privacy_erase_cmd);
  privacy_erase_cmd->add_flag("--yes", confirmed, "Confirm: erasing cannot be undone");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }

  if (demo_cmd->parsed()) return run_demo(demo);
  if (serve_cmd->parsed()) return run_serve(serve_config);

  CLI::App* chosen = app.get_subcommands().front();
  Printer out{"ojsync " + chosen->get_name(), t.json};
  if (cleanup_cmd->parsed() || migrate_cmd->parsed() || token_cmd->parsed() ||
      audit_cmd->parsed() || privacy_cmd->parsed() || keys_cmd->parsed()) {
    const CLI::App* leaf =
        chosen->get_subcommands().empty() ? chosen : chosen->get_subcommands().front();
    out.command += leaf == chosen ? "" : " " + leaf->get_name();
    auto config = load(t);
    if (!config.ok()) return fail(out, config.status());
    if (cleanup_cmd->parsed()) return cmd_cleanup(*config, out);
    if (migrate_cmd->parsed()) return cmd_migrate(*config, out);
    if (keys_status_cmd->parsed()) return cmd_keys_status(*config, out);
    if (token_create_cmd->parsed())
      return cmd_token_create(*config, out, token_request, default_resolver());
    if (token_list_cmd->parsed()) return cmd_token_list(*config, out);
    if (privacy_export_cmd->parsed()) return cmd_privacy_export(*config, out, person, privacy_out);
    if (privacy_erase_cmd->parsed())
      return cmd_privacy_erase(*config, out, person, confirmed, default_resolver());
    if (token_revoke_cmd->parsed())
      return cmd_token_revoke(*config, out, token_ref, default_resolver());
    return cmd_audit_verify(*config, out, anchor);
  }
  auto backend = backend_for(t);
  if (!backend.ok()) return fail(out, backend.status());
  Backend& b = **backend;
  auto direction = direction_of(direction_name);
  if (!direction.ok()) return fail(out, direction.status());

  if (sync_cmd->parsed()) return cmd_sync(b, out, type, id, *direction);
  if (batch_cmd->parsed()) return cmd_batch(b, out, type, ids, *direction);
  if (status_cmd->parsed()) return cmd_status(b, out, type, id);
  if (stats_cmd->parsed()) return cmd_stats(b, out);
  if (health_cmd->parsed()) return cmd_health(b, out);
  if (list_cmd->parsed()) {
    std::optional<ConflictStatus> filter;
    if (conflict_filter != "all")
      filter = conflict_filter == "open" ? ConflictStatus::kOpen : ConflictStatus::kResolved;
    return cmd_conflicts_list(b, out, filter, limit);
  }
  if (show_cmd->parsed()) return cmd_conflicts_show(b, out, conflict_id);
  if (resolve_cmd->parsed()) {
    auto resolution = resolution_of(take, fields);
    if (!resolution.ok()) return fail(out, resolution.status());
    return cmd_conflicts_resolve(b, out, conflict_id, *resolution, resolved_by);
  }
  if (dlq_list_cmd->parsed()) return cmd_dlq_list(b, out, limit);
  if (dlq_replay_cmd->parsed()) return cmd_dlq_replay(b, out, job_ids);
  return kExitUsage;
}
