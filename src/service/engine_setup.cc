#include "service/engine_setup.h"

#include <fstream>
#include <sstream>

#include "ojsync/ojs_connector.h"

namespace ojsync::service {
namespace {

Status prefixed(std::string_view part, const Status& status) {
  return Status(status.code(), std::string(part) + ": " + status.message());
}

Result<OjsVersion> parse_ojs_version(std::string_view version) {
  if (version == "auto") return OjsVersion::kDetect;
  if (version == "3.3") return OjsVersion::k3_3;
  if (version == "3.4") return OjsVersion::k3_4;
  if (version == "3.5") return OjsVersion::k3_5;
  return InvalidArgument("ojs.version must be auto, 3.3, 3.4 or 3.5");
}

Result<std::unique_ptr<Connector>> open_ojs(const OjsSettings& s) {
  if (s.base_url.empty()) return InvalidArgument("ojs.base_url is not configured");
  OjsConnectorOptions o;
  o.base_url = s.base_url;
  o.journal_path = s.journal;
  o.use_index_php = s.index_php;
  // Exactly one token source: the file when configured, else the variable.
  if (!s.token_file.empty()) {
    o.api_token_file = s.token_file;
  } else {
    o.api_token_env = s.token_env;
  }
  OJSYNC_ASSIGN_OR_RETURN(o.version, parse_ojs_version(s.version));
  o.time_zone = s.time_zone;
  o.ca_path = s.ca_path;
  o.connect_timeout = s.connect_timeout;
  o.request_timeout = s.request_timeout;
  o.request_attempts = s.request_attempts;
  o.request_retry_max_wait = s.request_retry_max_wait;
  return make_ojs_connector(std::move(o));
}

}  // namespace

Result<std::optional<EncryptionOptions>> encryption_options(const EncryptionSettings& settings,
                                                            const EnvLookup& env) {
  if (!settings.enabled) return std::optional<EncryptionOptions>();
  std::string text;
  if (!settings.key_file.empty()) {
    std::ifstream in(settings.key_file);
    if (!in) return FailedPrecondition("encryption: cannot read the key file " + settings.key_file);
    std::stringstream contents;
    contents << in.rdbuf();
    text = contents.str();
  } else if (auto value = env(settings.key_env); value && !value->empty()) {
    text = *value;
  } else {
    return FailedPrecondition(
        "encryption: enabled, but no key: encryption.key_file is not set and " + settings.key_env +
        " is empty");
  }
  EncryptionOptions options;
  auto keys = parse_keyring(text);
  if (!keys.ok()) return prefixed("encryption", keys.status());
  options.keys = std::move(keys).value();
  if (!settings.fields.empty()) {
    auto fields = parse_sensitive_fields(settings.fields);
    if (!fields.ok()) return prefixed("encryption", fields.status());
    options.fields = std::move(fields).value();
  }
  return std::optional<EncryptionOptions>(std::move(options));
}

Result<std::unique_ptr<Store>> open_store(const DaemonConfig& config, const EnvLookup& env) {
  OJSYNC_ASSIGN_OR_RETURN(std::optional<EncryptionOptions> encryption,
                          encryption_options(config.encryption, env));
  SqliteStoreOptions options;
  options.path = config.store_path;
  options.encryption = std::move(encryption);
  auto store = open_sqlite_store(options);
  if (!store.ok()) return prefixed("store", store.status());
  if (auto version = (*store)->migrate(); !version.ok()) return prefixed("store", version.status());
  return std::move(store).value();
}

Result<Engine> open_engine(const DaemonConfig& config,
                           std::function<void(const SyncRecord&)> on_record,
                           const EnvLookup& process) {
  Engine engine;
  OJSYNC_ASSIGN_OR_RETURN(engine.store, open_store(config, process));
  EmbeddedStoreOptions agents_options;
  agents_options.path = config.agents_path;
  OJSYNC_ASSIGN_OR_RETURN(agents_options.encryption,
                          encryption_options(config.encryption, process));
  auto agents = EmbeddedDocumentStore::open(agents_options);
  if (!agents.ok()) return prefixed("agents' store", agents.status());
  engine.agents = std::move(agents).value();
  auto ojs = open_ojs(config.ojs);
  if (!ojs.ok()) return prefixed("ojs", ojs.status());
  engine.ojs = std::move(ojs).value();
  SyncEnv env;
  env.store = engine.store.get();
  env.ojs = engine.ojs.get();
  env.agents = engine.agents.get();
  env.on_record = std::move(on_record);
  auto manager = SyncManager::create(config.sync, env);
  if (!manager.ok()) return prefixed("sync", manager.status());
  engine.manager = std::move(manager).value();
  return engine;
}

}  // namespace ojsync::service
