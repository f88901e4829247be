#include "commands.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "exit_codes.h"
#include "service/engine_setup.h"
#include "service/http_status.h"
#include "service/retention.h"
#include "service/views.h"

namespace ojsync::cli {
namespace {

constexpr std::size_t kMaxReplayAll = 1000;

std::string text(const Json* value) {
  if (value == nullptr || value->is_null()) return "-";
  return value->is_string() ? value->as_string() : value->dump();
}

// One line per sync report: "manuscript/42: applied [wrote agents] (3.1 ms)".
std::string report_line(const Json& r) {
  std::string line =
      r.get_string("type") + "/" + r.get_string("id") + ": " + r.get_string("outcome");
  if (const Json* w = r.find("wrote_ojs"); w != nullptr && w->as_bool()) line += " [wrote ojs]";
  if (const Json* w = r.find("wrote_agents"); w != nullptr && w->as_bool())
    line += " [wrote agents]";
  if (const Json* c = r.find("conflict_id")) line += " [conflict #" + c->dump() + "]";
  return line + " (" + text(r.find("duration_ms")) + " ms)";
}

void print_fields(const Json& object, std::initializer_list<const char*> names) {
  for (const char* name : names) std::cout << name << ": " << text(object.find(name)) << "\n";
}

// Prints `result` as JSON or through `as_text`; an error goes through fail().
template <typename AsText>
int print(const Printer& out, const Result<Json>& result, AsText as_text,
          int code_when_ok = kExitOk) {
  if (!result.ok()) return fail(out, result.status());
  if (out.json) {
    std::cout << result->dump() << "\n";
  } else {
    as_text(*result);
  }
  return code_when_ok;
}

void progress(std::size_t done, std::size_t total) {
  constexpr std::size_t kWidth = 30;
  const std::size_t filled = total == 0 ? kWidth : done * kWidth / total;
  std::cerr << "\r[" << std::string(filled, '#') << std::string(kWidth - filled, ' ') << "] "
            << done << "/" << total << std::flush;
}

}  // namespace

int fail(const Printer& out, const Status& status) {
  std::cerr << out.command << ": " << status.to_string() << "\n";
  if (out.json) std::cout << service::status_error_body(status).dump() << "\n";
  return exit_code_for(status.code());
}

int cmd_sync(Backend& backend, const Printer& out, const std::string& type, const std::string& id,
             Direction direction) {
  auto result = backend.sync(type, id, direction);
  const bool conflict = result.ok() && result->get_string("outcome") == "conflict";
  return print(
      out, result, [](const Json& r) { std::cout << report_line(r) << "\n"; },
      conflict ? kExitConflict : kExitOk);
}

int cmd_batch(Backend& backend, const Printer& out, const std::string& type,
              const std::vector<std::string>& ids, Direction direction) {
  const bool bar = !out.json && ::isatty(STDERR_FILENO) == 1;
  Json::Array results;
  std::int64_t failed = 0, conflicts = 0;
  for (std::size_t start = 0; start < ids.size(); start += backend.max_batch()) {
    const std::size_t end = std::min(ids.size(), start + backend.max_batch());
    auto chunk = backend.batch(type,
                               {ids.begin() + static_cast<std::ptrdiff_t>(start),
                                ids.begin() + static_cast<std::ptrdiff_t>(end)},
                               direction);
    if (!chunk.ok()) {
      if (bar) std::cerr << "\n";
      return fail(out, chunk.status());
    }
    for (Json& item : chunk->find("results")->as_array()) {
      const bool ok = item.find("ok")->as_bool();
      failed += ok ? 0 : 1;
      conflicts += ok && item.find("report")->get_string("outcome") == "conflict" ? 1 : 0;
      results.push_back(std::move(item));
    }
    if (bar) progress(end, ids.size());
  }
  if (bar) std::cerr << "\n";
  Json all = Json::object();
  all["type"] = type;
  all["direction"] = direction_name(direction);
  all["succeeded"] = static_cast<std::int64_t>(ids.size()) - failed;
  all["failed"] = failed;
  all["results"] = Json(std::move(results));
  const int code = failed > 0 ? kExitPartial : conflicts > 0 ? kExitConflict : kExitOk;
  return print(
      out, Result<Json>(std::move(all)),
      [](const Json& b) {
        for (const Json& item : b.find("results")->as_array()) {
          if (item.find("ok")->as_bool()) {
            std::cout << report_line(*item.find("report")) << "\n";
          } else {
            std::cout << b.get_string("type") << "/" << item.get_string("id") << ": FAILED "
                      << item.find("error")->get_string("message") << "\n";
          }
        }
        std::cout << b.get_int("succeeded") << " succeeded, " << b.get_int("failed") << " failed\n";
      },
      code);
}

int cmd_status(Backend& backend, const Printer& out, const std::string& type,
               const std::string& id) {
  return print(out, backend.status(type, id), [](const Json& s) {
    std::cout << s.get_string("type") << "/" << s.get_string("id") << "\n";
    if (const Json* state = s.find("state"); state != nullptr && !state->is_null()) {
      print_fields(*state,
                   {"in_sync", "ojs_id", "agents_id", "base_hash", "updated_at", "version"});
    }
    std::cout << "last_sync_at: " << text(s.find("last_sync_at")) << "\n";
    const Json* conflict = s.find("open_conflict");
    std::cout << "open_conflict: "
              << (conflict == nullptr || conflict->is_null() ? "-"
                                                             : "#" + text(conflict->find("id")))
              << "\n";
    for (const Json& r : s.find("recent_records")->as_array()) {
      std::cout << "  " << r.get_string("started_at") << " " << r.get_string("outcome") << " ("
                << r.get_string("trigger") << ", " << r.get_string("direction") << ")"
                << (r.find("error") ? " " + r.get_string("error") : "") << "\n";
    }
  });
}

int cmd_conflicts_list(Backend& backend, const Printer& out, std::optional<ConflictStatus> filter,
                       std::size_t limit) {
  return print(out, backend.conflicts(filter, limit), [](const Json& list) {
    for (const Json& c : list.find("conflicts")->as_array()) {
      std::string fields;
      for (const Json& f : c.find("fields")->as_array())
        fields += (fields.empty() ? "" : ", ") + f.get_string("path");
      std::cout << "#" << c.get_int("id") << " " << c.get_string("type") << "/"
                << c.get_string("entity_id") << " " << c.get_string("status") << " [" << fields
                << "] " << c.get_string("created_at") << "\n";
    }
    std::cout << list.get_int("count") << " conflict(s)\n";
  });
}

int cmd_conflicts_show(Backend& backend, const Printer& out, std::int64_t id) {
  return print(out, backend.conflict(id), [](const Json& c) {
    std::cout << "#" << c.get_int("id") << " " << c.get_string("type") << "/"
              << c.get_string("entity_id") << " (" << c.get_string("status") << ", "
              << c.get_string("strategy") << ")\n";
    for (const Json& f : c.find("fields")->as_array()) {
      std::cout << "  " << f.get_string("path") << "\n    base:   " << text(f.find("base"))
                << "\n    ojs:    " << text(f.find("ojs"))
                << "\n    agents: " << text(f.find("agents")) << "\n";
    }
  });
}

int cmd_conflicts_resolve(Backend& backend, const Printer& out, std::int64_t id,
                          const Json& resolution, const std::string& resolved_by) {
  return print(out, backend.resolve(id, resolution, resolved_by), [id](const Json& r) {
    std::cout << "conflict #" << id << " resolved: " << report_line(r) << "\n";
  });
}

int cmd_stats(Backend& backend, const Printer& out) {
  return print(out, backend.stats(), [](const Json& s) {
    print_fields(s, {"total_syncs", "successful_syncs", "failed_syncs", "success_rate",
                     "success_rate_24h", "p50_duration_ms_24h", "p99_duration_ms_24h",
                     "pending_conflicts", "queue_depth", "dead_jobs", "last_sync_at"});
  });
}

int cmd_health(Backend& backend, const Printer& out) {
  auto health = backend.health();
  int code = kExitOk;
  if (health.ok()) {
    const std::string status = health->get_string("status");
    code = status == "ok" ? kExitOk : status == "degraded" ? kExitPartial : kExitUnavailable;
  }
  return print(
      out, health,
      [](const Json& h) {
        std::cout << "overall_status: " << h.get_string("status") << "\n";
        for (const auto& [name, check] : h.find("checks")->as_object()) {
          std::cout << "  " << name << ": " << check.get_string("status") << " ("
                    << check.get_string("detail") << ")\n";
        }
      },
      code);
}

int cmd_dlq_list(Backend& backend, const Printer& out, std::size_t limit) {
  return print(out, backend.dead_jobs(limit), [](const Json& list) {
    for (const Json& j : list.find("jobs")->as_array()) {
      std::cout << "#" << j.get_int("id") << " " << j.get_string("type") << "/"
                << j.get_string("entity_id") << " after " << j.get_int("attempts")
                << " attempt(s): " << j.get_string("last_error") << "\n";
    }
    std::cout << list.get_int("count") << " dead-lettered job(s)\n";
  });
}

int cmd_dlq_replay(Backend& backend, const Printer& out, const std::vector<std::int64_t>& ids) {
  std::vector<std::int64_t> targets = ids;
  if (targets.empty()) {
    auto dead = backend.dead_jobs(kMaxReplayAll);
    if (!dead.ok()) return fail(out, dead.status());
    for (const Json& j : dead->find("jobs")->as_array()) targets.push_back(j.get_int("id"));
  }
  Json::Array replayed;
  for (std::int64_t id : targets) {
    auto result = backend.replay(id);
    if (!result.ok()) return fail(out, result.status());
    replayed.emplace_back(id);
  }
  Json all = Json(Json::Object{{"replayed", Json(std::move(replayed))}});
  return print(out, Result<Json>(std::move(all)), [](const Json& r) {
    std::cout << r.find("replayed")->as_array().size() << " job(s) queued again\n";
  });
}

int cmd_cleanup(const service::DaemonConfig& config, const Printer& out) {
  auto store = service::open_store(config);
  if (!store.ok()) return fail(out, store.status());
  auto pass = service::apply_retention(**store, config.retention, config.webhooks.dedupe_retention,
                                       SystemClock::instance().now());
  if (!pass.ok()) return fail(out, pass.status());
  Json result = service::to_json(pass->removed);
  result["event_ids"] = pass->event_ids;
  return print(out, Result<Json>(std::move(result)), [](const Json& c) {
    print_fields(
        c, {"records", "conflicts", "tombstones", "audit_payloads", "dead_jobs", "event_ids"});
  });
}

int cmd_migrate(const service::DaemonConfig& config, const Printer& out) {
  auto store = service::open_store(config);  // Migrates, with the keyring checked first.
  if (!store.ok()) return fail(out, store.status());
  auto version = (*store)->migrate();
  if (!version.ok()) return fail(out, version.status());
  Json result = Json(Json::Object{{"schema_version", Json(static_cast<std::int64_t>(*version))},
                                  {"store", Json(config.store_path)}});
  return print(out, Result<Json>(std::move(result)), [](const Json& m) {
    std::cout << m.get_string("store") << ": schema version " << m.get_int("schema_version")
              << "\n";
  });
}

}  // namespace ojsync::cli

namespace ojsync::cli {
namespace {

Json usage_json(const KeyUsage& usage) {
  Json by_key = Json::object();
  for (const auto& [id, count] : usage.values_by_key) by_key[id] = count;
  return Json(Json::Object{{"current_key", Json(usage.current_key)},
                           {"values_by_key", std::move(by_key)},
                           {"plaintext_values", Json(usage.plaintext_values)}});
}

}  // namespace

// Counts on the files directly (with the daemon running too: reads wait behind its commits).
int cmd_keys_status(const service::DaemonConfig& config, const Printer& out) {
  if (!config.encryption.enabled) {
    return fail(out, FailedPrecondition("encryption is not enabled ([encryption] enabled = true)"));
  }
  auto store = service::open_store(config);
  if (!store.ok()) return fail(out, store.status());
  auto store_usage = (*store)->key_usage();
  if (!store_usage.ok()) return fail(out, store_usage.status());
  EmbeddedStoreOptions agents_options;
  agents_options.path = config.agents_path;
  auto encryption = service::encryption_options(config.encryption, service::process_env());
  if (!encryption.ok()) return fail(out, encryption.status());
  agents_options.encryption = std::move(encryption).value();
  auto agents = EmbeddedDocumentStore::open(agents_options);
  if (!agents.ok())
    return fail(out, Status(agents.status().code(), "agents' store: " + agents.status().message()));
  auto agents_usage = (*agents)->key_usage();
  if (!agents_usage.ok()) return fail(out, agents_usage.status());
  Json result = Json(
      Json::Object{{"store", usage_json(*store_usage)}, {"agents", usage_json(*agents_usage)}});
  return print(out, Result<Json>(std::move(result)), [](const Json& r) {
    for (const char* part : {"store", "agents"}) {
      const Json& u = *r.find(part);
      std::cout << part << ": current key " << u.get_string("current_key") << "\n";
      for (const auto& [id, count] : u.find("values_by_key")->as_object()) {
        std::cout << "  " << id << ": " << count.as_int() << " value(s)\n";
      }
      std::cout << "  plaintext: " << u.get_int("plaintext_values") << " value(s)\n";
    }
  });
}

}  // namespace ojsync::cli
