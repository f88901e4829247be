// The commands on the store directly. Reading commands open only the store; the ones that
// sync (sync, batch, resolve, stats, health) open the whole engine, OJS included.
#include "backend.h"
#include "service/engine_setup.h"
#include "service/views.h"

namespace ojsync::cli {
namespace {

using service::list_view;
using service::to_json;

class LocalBackend final : public Backend {
 public:
  explicit LocalBackend(service::DaemonConfig config) : config_(std::move(config)) {}

  Result<Json> sync(const std::string& type, const std::string& id, Direction direction) override {
    OJSYNC_ASSIGN_OR_RETURN(SyncManager * manager, engine());
    OJSYNC_ASSIGN_OR_RETURN(SyncReport report, manager->sync(type, id, direction, "cli"));
    return to_json(report);
  }

  Result<Json> batch(const std::string& type, const std::vector<std::string>& ids,
                     Direction direction) override {
    OJSYNC_ASSIGN_OR_RETURN(SyncManager * manager, engine());
    return service::batch_view(type, direction, manager->batch_sync(type, ids, direction, "cli"));
  }

  Result<Json> status(const std::string& type, const std::string& id) override {
    OJSYNC_ASSIGN_OR_RETURN(Store * s, store());
    const EntityKey key{type, id};
    EntityStatus status;
    OJSYNC_ASSIGN_OR_RETURN(status.state, s->get_state(key));
    OJSYNC_ASSIGN_OR_RETURN(status.recent_records, s->list_records(key, 10));
    OJSYNC_ASSIGN_OR_RETURN(status.open_conflict, s->open_conflict_for(key));
    if (service::is_unknown(status)) return NotFound("nothing is known about " + key.to_string());
    return service::entity_status_view(type, id, status);
  }

  Result<Json> conflicts(std::optional<ConflictStatus> filter, std::size_t limit) override {
    OJSYNC_ASSIGN_OR_RETURN(Store * s, store());
    OJSYNC_ASSIGN_OR_RETURN(auto conflicts, s->list_conflicts(filter, limit));
    return list_view("conflicts", conflicts);
  }

  Result<Json> conflict(std::int64_t id) override {
    OJSYNC_ASSIGN_OR_RETURN(Store * s, store());
    OJSYNC_ASSIGN_OR_RETURN(auto conflict, s->get_conflict(id));
    if (!conflict) return NotFound("conflict " + std::to_string(id) + " does not exist");
    return to_json(*conflict);
  }

  Result<Json> resolve(std::int64_t id, const Json& resolution,
                       const std::string& resolved_by) override {
    OJSYNC_ASSIGN_OR_RETURN(SyncManager * manager, engine());
    OJSYNC_ASSIGN_OR_RETURN(SyncReport report,
                            manager->resolve_conflict(id, resolution, resolved_by));
    return to_json(report);
  }

  Result<Json> stats() override {
    OJSYNC_ASSIGN_OR_RETURN(SyncManager * manager, engine());
    OJSYNC_ASSIGN_OR_RETURN(SyncStatistics stats, manager->statistics());
    return to_json(stats);
  }

  Result<Json> health() override {
    OJSYNC_ASSIGN_OR_RETURN(SyncManager * manager, engine());
    return service::readiness_view(manager->health(), manager->circuit_breakers());
  }

  Result<Json> dead_jobs(std::size_t limit) override {
    OJSYNC_ASSIGN_OR_RETURN(Store * s, store());
    OJSYNC_ASSIGN_OR_RETURN(auto jobs, s->list_jobs(JobState::kDead, limit));
    return list_view("jobs", jobs);
  }

  Result<Json> replay(std::int64_t job_id) override {
    OJSYNC_ASSIGN_OR_RETURN(Store * s, store());
    OJSYNC_RETURN_IF_ERROR(s->replay_dead_job(job_id, SystemClock::instance().now()));
    return Json(Json::Object{{"replayed", Json(job_id)}});
  }

  std::size_t max_batch() const override { return config_.sync.batch_size; }

 private:
  Result<Store*> store() {
    if (engine_.store) return engine_.store.get();
    if (!store_) {
      OJSYNC_ASSIGN_OR_RETURN(store_, service::open_store(config_));
    }
    return store_.get();
  }

  Result<SyncManager*> engine() {
    if (!engine_.manager) {
      store_.reset();  // The engine opens its own: one connection to the file per process.
      OJSYNC_ASSIGN_OR_RETURN(engine_, service::open_engine(config_, {}));
    }
    return engine_.manager.get();
  }

  service::DaemonConfig config_;
  std::unique_ptr<Store> store_;
  service::Engine engine_;
};

}  // namespace

std::unique_ptr<Backend> make_local_backend(service::DaemonConfig config) {
  return std::make_unique<LocalBackend>(std::move(config));
}

}  // namespace ojsync::cli
