// A Store that can die: every call of the engine's path is a crash point before it reaches the
// real store and, for writes, after it committed (the process dies before it sees the reply).
// Each real call is one transaction, so a crash between calls is a crash at any instruction as
// far as the store's state is concerned (crashes inside a transaction are the SQLite store's own
// crash tests). Calls the engine never makes during a sync are forwarded without crash points.
#pragma once

#include "ojsync/store.h"
#include "simulation/sim_side.h"

namespace ojsync::simulation {

class CrashingStore final : public Store {
 public:
  CrashingStore(Store& real, CrashSwitch& crash) : real_(real), crash_(crash) {}

  Result<int> migrate() override { return real_.migrate(); }
  Status ping() override { return real_.ping(); }

  Result<std::optional<SyncState>> get_state(const EntityKey& key) override {
    crash_.point();
    return real_.get_state(key);
  }
  Result<std::vector<std::optional<SyncState>>> get_states(
      std::span<const EntityKey> keys) override {
    crash_.point();
    return real_.get_states(keys);
  }
  Result<std::optional<SyncState>> find_state_by_side_id(std::string_view type, Side side,
                                                         std::string_view side_id) override {
    crash_.point();
    return real_.find_state_by_side_id(type, side, side_id);
  }
  Result<std::vector<std::optional<SyncState>>> find_states_by_side_ids(
      std::string_view type, Side side, std::span<const std::string> side_ids) override {
    crash_.point();
    return real_.find_states_by_side_ids(type, side, side_ids);
  }
  Result<std::vector<SyncState>> list_states(std::string_view type, std::string_view after_id,
                                             std::size_t limit) override {
    return real_.list_states(type, after_id, limit);
  }
  Result<std::vector<SyncState>> list_pending_creates(std::string_view type, Side side,
                                                      std::size_t limit) override {
    crash_.point();
    return real_.list_pending_creates(type, side, limit);
  }
  Result<CommitResult> commit_sync(const SyncCommit& commit) override {
    crash_.point();
    auto result = real_.commit_sync(commit);
    crash_.point();
    return result;
  }
  Result<std::vector<Result<CommitResult>>> commit_syncs(
      std::span<const SyncCommit> commits) override {
    crash_.point();
    auto result = real_.commit_syncs(commits);
    crash_.point();
    return result;
  }
  Result<std::vector<SyncRecord>> list_records(const EntityKey& key, std::size_t limit) override {
    return real_.list_records(key, limit);
  }
  Result<std::vector<AuditEntry>> list_audit(const EntityKey& key, std::size_t limit) override {
    return real_.list_audit(key, limit);
  }
  Result<std::int64_t> append_audit(const AuditEntry& entry) override {
    crash_.point();
    auto result = real_.append_audit(entry);
    crash_.point();
    return result;
  }
  Result<std::vector<ChainedAuditEntry>> read_audit_chain(std::int64_t after_id,
                                                          std::size_t limit) override {
    return real_.read_audit_chain(after_id, limit);
  }
  Result<AuditHead> audit_head() override { return real_.audit_head(); }
  Result<std::optional<ConflictRecord>> get_conflict(std::int64_t id) override {
    crash_.point();
    return real_.get_conflict(id);
  }
  Result<std::optional<ConflictRecord>> open_conflict_for(const EntityKey& key) override {
    crash_.point();
    return real_.open_conflict_for(key);
  }
  Result<std::vector<std::optional<ConflictRecord>>> open_conflicts_for(
      std::span<const EntityKey> keys) override {
    crash_.point();
    return real_.open_conflicts_for(keys);
  }
  Result<std::vector<ConflictRecord>> list_conflicts(std::optional<ConflictStatus> status,
                                                     std::size_t limit) override {
    return real_.list_conflicts(status, limit);
  }
  Result<std::int64_t> enqueue(const EntityKey& key, Direction direction, std::string_view trigger,
                               Timestamp run_at) override {
    crash_.point();
    auto result = real_.enqueue(key, direction, trigger, run_at);
    crash_.point();
    return result;
  }
  Result<std::vector<std::int64_t>> enqueue_all(std::span<const EntityKey> keys,
                                                Direction direction, std::string_view trigger,
                                                Timestamp run_at) override {
    crash_.point();
    auto result = real_.enqueue_all(keys, direction, trigger, run_at);
    crash_.point();
    return result;
  }
  Result<std::vector<Job>> claim_jobs(std::string_view worker, std::size_t max, Timestamp now,
                                      Duration lease) override {
    crash_.point();
    auto result = real_.claim_jobs(worker, max, now, lease);
    crash_.point();
    return result;
  }
  Status release_job(std::int64_t job_id) override { return real_.release_job(job_id); }
  Result<std::int64_t> record_write_intent(const SyncState& state, std::int64_t version,
                                           const WriteIntent& intent) override {
    crash_.point();
    auto result = real_.record_write_intent(state, version, intent);
    crash_.point();
    return result;
  }
  Result<std::vector<Result<std::int64_t>>> record_write_intents(
      std::span<const WriteIntentUpdate> updates) override {
    crash_.point();
    auto result = real_.record_write_intents(updates);
    crash_.point();
    return result;
  }
  Result<std::size_t> release_leases(std::string_view worker) override {
    return real_.release_leases(worker);
  }
  Status defer_job(std::int64_t job_id, Timestamp run_at) override {
    crash_.point();
    Status status = real_.defer_job(job_id, run_at);
    crash_.point();
    return status;
  }
  Result<std::vector<Job>> list_jobs(std::optional<JobState> state, std::size_t limit) override {
    return real_.list_jobs(state, limit);
  }
  Result<std::size_t> count_due_jobs(Timestamp now, std::size_t up_to) override {
    return real_.count_due_jobs(now, up_to);
  }
  Status replay_dead_job(std::int64_t job_id, Timestamp run_at) override {
    return real_.replay_dead_job(job_id, run_at);
  }
  Result<StoreStatistics> statistics(Timestamp now) override { return real_.statistics(now); }
  Result<CleanupCounts> cleanup(const RetentionCutoffs& cutoffs) override {
    return real_.cleanup(cutoffs);
  }
  Result<std::vector<SyncState>> list_all_states(const EntityKey& after,
                                                 std::size_t limit) override {
    return real_.list_all_states(after, limit);
  }
  Result<std::vector<SyncRecord>> list_records_after(std::int64_t after_id,
                                                     std::size_t limit) override {
    return real_.list_records_after(after_id, limit);
  }
  Result<std::vector<ConflictRecord>> list_conflicts_after(std::int64_t after_id,
                                                           std::size_t limit) override {
    return real_.list_conflicts_after(after_id, limit);
  }
  Status erase_personal_data(const PersonalDataErasure& erasure) override {
    return real_.erase_personal_data(erasure);
  }
  Status purge_freed_space() override { return real_.purge_freed_space(); }
  Result<std::optional<std::string>> get_setting(std::string_view name) override {
    return real_.get_setting(name);
  }
  Status put_setting(std::string_view name, std::string_view value) override {
    return real_.put_setting(name, value);
  }
  Result<bool> accept_event(std::string_view event_id, Timestamp received_at,
                            std::span<const QueuedSync> syncs) override {
    return real_.accept_event(event_id, received_at, syncs);
  }
  Result<ApiToken> create_token(const ApiToken& token, std::string_view actor) override {
    return real_.create_token(token, actor);
  }
  Result<std::optional<ApiToken>> find_token(std::string_view token_hash) override {
    return real_.find_token(token_hash);
  }
  Result<std::vector<ApiToken>> list_tokens() override { return real_.list_tokens(); }
  Result<ApiToken> revoke_token(std::string_view name_or_id, Timestamp at,
                                std::string_view actor) override {
    return real_.revoke_token(name_or_id, at, actor);
  }
  Status touch_token(std::int64_t id, Timestamp at) override { return real_.touch_token(id, at); }
  Result<std::int64_t> forget_events(Timestamp cutoff) override {
    return real_.forget_events(cutoff);
  }
  Result<KeyUsage> key_usage() override { return real_.key_usage(); }
  Result<ResealProgress> reseal(std::size_t max_rows) override { return real_.reseal(max_rows); }

 private:
  Store& real_;
  CrashSwitch& crash_;
};

}  // namespace ojsync::simulation
