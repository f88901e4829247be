// `ojsync privacy export|erase`: a person's data in the store and the agents' embedded store
// (src/service/privacy.h). They work on the files the configuration names, never through the
// daemon. Erase takes the store lock, so it refuses to run beside `ojsync serve`: a sync in
// flight could otherwise write back what it read before the erasure, and the purge needs the
// files to itself. Export only reads and may run while the daemon does.
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "commands.h"
#include "exit_codes.h"
#include "service/engine_setup.h"
#include "service/privacy.h"
#include "service/store_lock.h"

namespace ojsync::cli {
namespace {

struct Opened {
  std::unique_ptr<Store> store;
  std::unique_ptr<EmbeddedDocumentStore> agents;
};

Result<Opened> open_both(const service::DaemonConfig& config) {
  Opened opened;
  OJSYNC_ASSIGN_OR_RETURN(opened.store, service::open_store(config));
  auto agents = EmbeddedDocumentStore::open({config.agents_path, "embedded", nullptr});
  if (!agents.ok()) {
    return Status(agents.status().code(), "agents' store: " + agents.status().message());
  }
  opened.agents = std::move(agents).value();
  return opened;
}

// Writes `text` to a new file readable by its owner only (it holds personal data); an existing
// file is not overwritten.
Status write_private_file(const std::string& path, const std::string& text) {
  const mode_t old_mask = ::umask(077);
  std::FILE* file = std::fopen(path.c_str(), "wx");
  ::umask(old_mask);
  if (file == nullptr) return InvalidArgument("cannot create " + path + " (it must not exist yet)");
  const bool written = std::fwrite(text.data(), 1, text.size(), file) == text.size();
  const bool closed = std::fclose(file) == 0;
  if (!written || !closed) {
    std::remove(path.c_str());
    return Unavailable("cannot write " + path);
  }
  return OkStatus();
}

}  // namespace

int cmd_privacy_export(const service::DaemonConfig& config, const Printer& out,
                       const service::PersonSelector& selector, const std::string& out_path) {
  auto person = service::PersonMatcher::create(selector);
  if (!person.ok()) return fail(out, person.status());
  auto opened = open_both(config);
  if (!opened.ok()) return fail(out, opened.status());
  auto exported = service::export_person(
      {opened->store.get(), opened->agents.get(), &config.sync.entity_types}, *person);
  if (!exported.ok()) return fail(out, exported.status());
  const std::string text = exported->dump() + "\n";
  if (out_path.empty()) {
    std::cout << text;
    return kExitOk;
  }
  if (Status written = write_private_file(out_path, text); !written.ok()) return fail(out, written);
  const Json* findings = exported->find("findings");
  std::cerr << findings->as_array().size() << " finding(s) written to " << out_path << "\n";
  return kExitOk;
}

int cmd_privacy_erase(const service::DaemonConfig& config, const Printer& out,
                      const service::PersonSelector& selector, bool confirmed,
                      const std::string& actor) {
  auto person = service::PersonMatcher::create(selector);
  if (!person.ok()) return fail(out, person.status());
  if (!confirmed) {
    return fail(out,
                InvalidArgument("erasing cannot be undone: add --yes to confirm (`ojsync privacy "
                                "export` shows what would change)"));
  }
  auto lock = service::StoreLock::acquire(config.store_path);
  if (!lock.ok()) {
    return fail(out,
                Status(lock.status().code(), lock.status().message() + ": stop the daemon first"));
  }
  auto opened = open_both(config);
  if (!opened.ok()) return fail(out, opened.status());
  auto tag = service::new_erasure_tag();
  if (!tag.ok()) return fail(out, tag.status());
  auto counts =
      service::erase_person({opened->store.get(), opened->agents.get(), &config.sync.entity_types},
                            *person, {*tag, actor, SystemClock::instance().now()});
  if (!counts.ok()) return fail(out, counts.status());
  Json result = Json(Json::Object{{"sync_state", Json(counts->states)},
                                  {"sync_conflicts", Json(counts->conflicts)},
                                  {"audit_log", Json(counts->audit_payloads)},
                                  {"sync_records", Json(counts->record_errors)},
                                  {"sync_jobs", Json(counts->job_errors)},
                                  {"agents.documents", Json(counts->agents_documents)}});
  if (out.json) {
    std::cout << result.dump() << "\n";
  } else if (counts->total() == 0) {
    std::cout << "nothing held about that person\n";
  } else {
    for (const auto& [table, n] : result.as_object())
      std::cout << table << ": " << n.as_int() << "\n";
  }
  return kExitOk;
}

}  // namespace ojsync::cli
