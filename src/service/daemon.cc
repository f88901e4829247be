#include "service/daemon.h"

#include <unistd.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <vector>

#include "service/anti_entropy.h"
#include "service/api.h"
#include "service/change_sweep.h"
#include "service/engine_setup.h"
#include "service/http_status.h"
#include "service/job_runner.h"
#include "service/json_log.h"
#include "service/periodic_task.h"
#include "service/retention.h"
#include "service/store_lock.h"

namespace ojsync::service {
namespace {

constexpr std::size_t kSweepPageSize = 100;
// A sweep lists no further page while this many jobs are due: a few bulk claims' worth, so the
// job runner's claims stay full, and well inside what the OJS connector keeps of a listing
// (1,000 submissions for 5 s), so each sync reads its submission from the listing.
constexpr std::size_t kSweepMaxBacklog = 500;
constexpr Duration kJobPollInterval = std::chrono::seconds(1);
constexpr std::size_t kMaxRateClients = 10'000;

Result<std::string> read_secret_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound("cannot read the secret file " + path);
  std::stringstream text;
  text << in.rdbuf();
  std::string secret = text.str();
  while (!secret.empty() &&
         (secret.back() == '\n' || secret.back() == '\r' || secret.back() == ' '))
    secret.pop_back();
  return secret;
}

// The active webhook secrets: the files when configured, else the variable; none = no intake.
Result<std::vector<std::string>> webhook_secrets(const WebhookSettings& s, const EnvLookup& env) {
  std::vector<std::string> secrets;
  for (const std::string& path : s.secret_files) {
    OJSYNC_ASSIGN_OR_RETURN(std::string secret, read_secret_file(path));
    secrets.push_back(std::move(secret));
  }
  if (secrets.empty()) {
    if (auto value = env(s.secret_env); value && !value->empty()) secrets.push_back(*value);
  }
  return secrets;
}

// The name this daemon leases jobs under. It is the same after a restart, so the next run can
// release what a killed one held (StoreLock makes it the only daemon on its store).
std::string worker_name() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return host[0] != '\0' ? std::string(host) : std::string("ojsync");
}

void log_record(const SyncRecord& r) {
  const LogLevel level = r.outcome == SyncOutcome::kFailed ? LogLevel::kWarn
                         : r.outcome == SyncOutcome::kNoop ? LogLevel::kDebug
                                                           : LogLevel::kInfo;
  Json fields = Json::object();
  fields["type"] = r.key.type;
  fields["id"] = r.key.id;
  fields["outcome"] = outcome_name(r.outcome);
  fields["trigger"] = r.trigger;
  fields["direction"] = direction_name(r.direction);
  fields["wrote_ojs"] = r.wrote_ojs;
  fields["wrote_agents"] = r.wrote_agents;
  fields["duration_ms"] = static_cast<double>(r.duration.count()) / 1000.0;
  if (!r.error.empty()) fields["error"] = r.error;
  log_event(level, "sync", std::move(fields));
}

Json counts_json(std::initializer_list<std::pair<const char*, std::int64_t>> counts) {
  Json out = Json::object();
  for (const auto& [name, value] : counts) out[name] = value;
  return out;
}

}  // namespace

// Declaration order is construction order; destruction runs backwards, so everything that
// uses a part is gone before the part.
struct Daemon::Parts {
  DaemonConfig config;
  std::optional<StoreLock> store_lock;  // First in, last out: held while anything runs.
  Metrics metrics;  // Before the engine: its observer records here.
  Engine engine;
  Store* store = nullptr;  // Shorthands into `engine`.
  SyncManager* manager = nullptr;
  std::unique_ptr<WebhookVerifier> verifier;
  std::unique_ptr<EventIntake> intake;
  std::unique_ptr<AgentSettings> agent_settings;
  std::unique_ptr<JobRunner> jobs;
  std::unique_ptr<RateLimiter> limiter;
  std::unique_ptr<Authenticator> authenticator;
  ApiContext context;
  std::unique_ptr<ApiRouter> router;
  std::unique_ptr<ChangeSweep> ojs_sweep;
  std::unique_ptr<ChangeSweep> agents_sweep;
  std::unique_ptr<AntiEntropy> anti_entropy;
  std::vector<std::unique_ptr<PeriodicTask>> tasks;
  std::unique_ptr<HttpServer> server;
  bool stopped = false;

  Status open(const EnvLookup& env);
  void warn_without_tokens() const;
  void start_tasks();
  void cleanup_pass() const;
  void reseal_pass(const std::atomic<bool>& stopping) const;
};

Status Daemon::Parts::open(const EnvLookup& env) {
  OJSYNC_ASSIGN_OR_RETURN(StoreLock lock, StoreLock::acquire(config.store_path));
  store_lock.emplace(std::move(lock));
  OJSYNC_ASSIGN_OR_RETURN(engine, open_engine(
                                      config,
                                      [this](const SyncRecord& r) {
                                        metrics.record_sync(r);
                                        log_record(r);
                                      },
                                      env));
  store = engine.store.get();
  manager = engine.manager.get();

  OJSYNC_ASSIGN_OR_RETURN(std::vector<std::string> secrets, webhook_secrets(config.webhooks, env));
  if (!secrets.empty()) {
    auto made = WebhookVerifier::create(secrets, config.webhooks.tolerance);
    if (!made.ok()) return Status(made.status().code(), "webhooks: " + made.status().message());
    verifier = std::make_unique<WebhookVerifier>(std::move(made).value());
    intake = std::make_unique<EventIntake>(verifier.get(), store, &manager->options().entity_types);
  } else {
    log_event(LogLevel::kWarn, "webhooks_disabled",
              Json(Json::Object{
                  {"reason", Json("no webhook secret configured; POST /v1/events answers 503")}}));
  }
  agent_settings = std::make_unique<AgentSettings>(store, config.auto_sync_default);
  const std::string worker = worker_name();
  OJSYNC_ASSIGN_OR_RETURN(const std::size_t released, store->release_leases(worker));
  if (released > 0) {
    log_event(LogLevel::kWarn, "leases_released",
              Json(Json::Object{{"jobs", Json(static_cast<std::int64_t>(released))},
                                {"reason", Json("left leased by a previous run that died")}}));
  }
  jobs = std::make_unique<JobRunner>(manager, worker, kJobPollInterval, manager->options().workers);

  context.manager = manager;
  context.store = store;
  context.agents = engine.agents.get();
  context.events = intake.get();
  context.agent_settings = agent_settings.get();
  context.metrics = &metrics;
  if (config.rate_limit > 0) {
    limiter =
        std::make_unique<RateLimiter>(static_cast<double>(config.rate_limit),
                                      static_cast<double>(config.rate_burst), kMaxRateClients);
    context.limiter = limiter.get();
  }
  context.clock = &SystemClock::instance();
  authenticator = std::make_unique<Authenticator>(store, context.clock);
  context.authenticator = authenticator.get();
  context.events_require_token = config.webhooks.require_token;
  context.on_enqueued = [this] { jobs->wake(); };
  router = std::make_unique<ApiRouter>(&context);
  warn_without_tokens();
  return OkStatus();
}

// Every /v1/ route needs a token, so a daemon without one serves only its probes.
void Daemon::Parts::warn_without_tokens() const {
  auto tokens = store->list_tokens();
  if (!tokens.ok()) return;
  for (const ApiToken& token : *tokens) {
    if (!token.revoked()) return;
  }
  log_event(LogLevel::kWarn, "no_api_tokens",
            Json(Json::Object{{"reason", Json("every /v1/ route needs a token: create one with "
                                              "ojsync token create --config ... --role admin")}}));
}

void Daemon::Parts::cleanup_pass() const {
  auto pass = apply_retention(*store, config.retention, config.webhooks.dedupe_retention,
                              SystemClock::instance().now());
  if (!pass.ok()) {
    log_event(LogLevel::kWarn, "cleanup_failed",
              Json(Json::Object{{"code", Json(error_code_for(pass.status().code()))}}));
    return;
  }
  log_event(LogLevel::kInfo, "cleanup",
            counts_json({{"records", pass->removed.records},
                         {"conflicts", pass->removed.conflicts},
                         {"tombstones", pass->removed.tombstones},
                         {"audit_payloads", pass->removed.audit_payloads},
                         {"dead_jobs", pass->removed.dead_jobs},
                         {"event_ids", pass->event_ids}}));
}

void Daemon::Parts::start_tasks() {
  const std::vector<std::string> types = manager->options().entity_types.names();
  auto wake = [this] { jobs->wake(); };
  // Echoes are skipped on the agents' side only: its fetch is a local read, while checking an
  // OJS entity would cost the same requests as the sync it might save.
  ojs_sweep = std::make_unique<ChangeSweep>(Side::kOjs, engine.ojs.get(), store, manager, types,
                                            kSweepPageSize, /*skip_echoes=*/false, wake,
                                            kSweepMaxBacklog);
  agents_sweep = std::make_unique<ChangeSweep>(Side::kAgents, engine.agents.get(), store, manager,
                                               types, kSweepPageSize, /*skip_echoes=*/true, wake,
                                               kSweepMaxBacklog);
  anti_entropy = std::make_unique<AntiEntropy>(store, manager, types, kSweepPageSize, wake);
  auto sweep_task = [](ChangeSweep* sweep, const char* side) {
    return [sweep, side](const std::atomic<bool>& stopping) {
      const SweepCounts c = sweep->run(stopping);
      log_event(
          c.queued > 0 || c.failed_types > 0 ? LogLevel::kInfo : LogLevel::kDebug, "sweep",
          Json(Json::Object{{"side", Json(side)},
                            {"pages", Json(static_cast<std::int64_t>(c.pages))},
                            {"queued", Json(static_cast<std::int64_t>(c.queued))},
                            {"skipped", Json(static_cast<std::int64_t>(c.skipped))},
                            {"failed_types", Json(static_cast<std::int64_t>(c.failed_types))}}));
    };
  };
  const Duration interval = config.sync.sync_interval;
  tasks.push_back(
      std::make_unique<PeriodicTask>(interval, Duration(0), sweep_task(ojs_sweep.get(), "ojs")));
  tasks.push_back(std::make_unique<PeriodicTask>(interval, Duration(0),
                                                 sweep_task(agents_sweep.get(), "agents")));
  tasks.push_back(std::make_unique<PeriodicTask>(
      config.anti_entropy_interval, config.anti_entropy_interval,
      [this](const std::atomic<bool>& stopping) {
        auto queued = anti_entropy->run(stopping);
        log_event(queued.ok() ? LogLevel::kInfo : LogLevel::kWarn, "anti_entropy",
                  queued.ok()
                      ? counts_json({{"queued", static_cast<std::int64_t>(*queued)}})
                      : Json(Json::Object{{"code", Json(error_code_for(queued.status().code()))}}));
      }));
  tasks.push_back(std::make_unique<PeriodicTask>(
      config.cleanup_interval, Duration(0), [this](const std::atomic<bool>&) { cleanup_pass(); }));
  if (config.encryption.enabled) {
    tasks.push_back(std::make_unique<PeriodicTask>(
        config.encryption.reseal_interval, Duration(0),
        [this](const std::atomic<bool>& stopping) { reseal_pass(stopping); }));
  }
}

// Re-encrypts rows still under an older key (or plaintext at a sensitive path) in both stores,
// one small transaction at a time so syncs wait behind at most one step. Once both are done it
// costs one settings read per store per interval.
void Daemon::Parts::reseal_pass(const std::atomic<bool>& stopping) const {
  const auto batch = static_cast<std::size_t>(config.encryption.reseal_batch);
  auto run = [&](std::string_view which, auto& target) {
    std::int64_t rewritten = 0;
    while (!stopping) {
      auto step = target.reseal(batch);
      if (!step.ok()) {
        log_event(LogLevel::kWarn, "reseal",
                  Json(Json::Object{{"store", Json(which)},
                                    {"code", Json(error_code_for(step.status().code()))},
                                    {"error", Json(step.status().message())}}));
        return;
      }
      rewritten += step->rows_rewritten;
      if (step->complete) break;
    }
    if (rewritten > 0) {
      log_event(LogLevel::kInfo, "reseal",
                Json(Json::Object{{"store", Json(which)},
                                  {"rows_rewritten", Json(rewritten)},
                                  {"complete", Json(!stopping)}}));
    }
  };
  run("store", *store);
  run("agents", *engine.agents);
}

Result<std::unique_ptr<Daemon>> Daemon::start(const DaemonConfig& config, const EnvLookup& env) {
  auto parts = std::make_unique<Parts>();
  parts->config = config;
  OJSYNC_RETURN_IF_ERROR(parts->open(env));
  Parts* p = parts.get();
  auto server = HttpServer::start(config.server, [p](const HttpRequest& req, HttpResponse& res) {
    p->router->handle(req, res);
  });
  if (!server.ok()) return Status(server.status().code(), "server: " + server.status().message());
  parts->server = std::move(server).value();
  parts->start_tasks();
  log_event(LogLevel::kInfo, "started",
            Json(Json::Object{{"host", Json(config.server.host)},
                              {"port", Json(static_cast<std::int64_t>(parts->server->port()))},
                              {"store", Json(config.store_path)},
                              {"agents", Json(config.agents_path)},
                              {"webhooks", Json(parts->intake != nullptr)}}));
  return std::unique_ptr<Daemon>(new Daemon(std::move(parts)));
}

Daemon::Daemon(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

Daemon::~Daemon() { stop(); }

std::uint16_t Daemon::port() const { return parts_->server->port(); }

void Daemon::stop() {
  if (parts_->stopped) return;
  parts_->stopped = true;
  log_event(LogLevel::kInfo, "stopping");
  parts_->server->stop();
  for (auto& task : parts_->tasks) task->stop();
  parts_->jobs->stop();
  log_event(LogLevel::kInfo, "stopped");
}

}  // namespace ojsync::service
