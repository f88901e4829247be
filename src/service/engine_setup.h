// Opens what the engine runs on, from the daemon's configuration: the store (migrated), the
// agents' embedded store, the OJS connector and the SyncManager. Shared by `ojsync serve` and
// the CLI's commands that work on the store directly.
#pragma once

#include <functional>
#include <memory>

#include "ojsync/embedded_store.h"
#include "ojsync/store.h"
#include "ojsync/sync_manager.h"
#include "service/config.h"

namespace ojsync::service {

// Declaration order is construction order: the manager is destroyed before what it uses.
struct Engine {
  std::unique_ptr<Store> store;
  std::unique_ptr<EmbeddedDocumentStore> agents;
  std::unique_ptr<Connector> ojs;
  std::unique_ptr<SyncManager> manager;
};

// The encryption options [encryption] asks for: nullopt when not enabled. The keyring comes from
// key_file, else the variable named key_env; neither holding one is kFailedPrecondition (the
// daemon must not start and write plaintext, nor be unable to read what it wrote). Errors never
// contain key material. Prefixed "encryption: ".
Result<std::optional<EncryptionOptions>> encryption_options(const EncryptionSettings& settings,
                                                            const EnvLookup& env);

// The store alone, migrated to the newest schema, encrypted as configured. Errors are prefixed
// "store: " (a missing or wrong key included: the store is then left untouched).
Result<std::unique_ptr<Store>> open_store(const DaemonConfig& config,
                                          const EnvLookup& env = process_env());

// Everything. The OJS token comes from ojs.token_file, else the variable named ojs.token_env,
// and is never logged. `on_record` is the engine's observer (may be empty). Errors name the
// part that could not be opened ("encryption: ...", "store: ...", "agents' store: ...",
// "ojs: ...").
Result<Engine> open_engine(const DaemonConfig& config,
                           std::function<void(const SyncRecord&)> on_record,
                           const EnvLookup& process = process_env());

}  // namespace ojsync::service
