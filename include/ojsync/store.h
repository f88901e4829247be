// Store: ojsync's durable state. SQLite by default; PostgreSQL later, behind this interface.
//
// Every method is one transaction: it either happens entirely or not at all. Implementations
// must be safe to call from several threads at once. The conformance suite
// (src/store/store_conformance.h) states the contract as tests; every backend passes it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "ojsync/api_token.h"
#include "ojsync/encryption.h"
#include "ojsync/entity.h"
#include "ojsync/json.h"
#include "ojsync/status.h"
#include "ojsync/time.h"

namespace ojsync {

// The Unison-style archive entry of one entity: the last agreed version and the content
// hash last seen on each side. A side whose hash differs from what is stored has changed.
// What a sync is about to write, committed before its first side write so that a write whose
// outcome the engine never learns (a reply lost and the look after it failing too, or the
// process dying before its commit) is recognised as the engine's own on the next sync instead
// of being taken for an edit of that side (docs/invariants.md, G2). Recorded only when every side
// ends holding the same document: the sides written and the sides already holding it.
struct WriteIntent {
  std::string target_hash;  // What every side holds once the writes are done; "" = deleted.
  bool writes_ojs = false;
  bool writes_agents = false;
};

// One write intent of a group (Store::record_write_intents): what record_write_intent takes,
// without the archive entry's documents, which it never reads.
struct WriteIntentUpdate {
  EntityKey key;
  // The version the sync read; 0 = the entity has no entry yet, and one is inserted at
  // version 1 with the side ids and updated_at below (no base) to carry the intent.
  std::int64_t version = 0;
  std::string ojs_id;      // Read only when version is 0.
  std::string agents_id;   // Read only when version is 0.
  Timestamp updated_at{};  // Read only when version is 0.
  WriteIntent intent;
};

struct SyncState {
  EntityKey key;
  std::string ojs_id;     // The entity's id in OJS ("" = not there yet).
  std::string agents_id;  // The entity's id on the agents' side ("" = not there yet).
  std::optional<Json> base;  // Last agreed document; nullopt = none (new, or deleted).
  std::string base_hash;     // content_hash(*base), "" when there is no base.
  std::string ojs_hash;      // Hash of what OJS held after the last sync, "" = absent.
  std::string agents_hash;   // Same for the agents' side.
  bool tombstone = false;    // Deleted on both sides; kept until retention.
  Timestamp updated_at{};
  // Incremented by every commit; commits name the version they read (optimistic locking).
  std::int64_t version = 0;
  // Set by Store::record_write_intent, cleared by the next commit of a state.
  std::optional<WriteIntent> write_intent;
  // base->dump() when the writer has it at hand (its canonical form, CanonicalForm), else "":
  // a store keeping the base as that text takes it instead of serializing the base again.
  // Stores never fill it in on reading.
  std::string base_text = {};
};

enum class SyncOutcome : std::uint8_t {
  kNoop,      // Nothing changed anywhere; nothing written.
  kApplied,   // Changes written to one or both sides.
  kConflict,  // An unresolved conflict was stored; nothing written.
  kFailed,    // An error stopped the sync; see `error`.
};
std::string_view outcome_name(SyncOutcome outcome);  // "noop", "applied", "conflict", "failed"
Result<SyncOutcome> parse_outcome(std::string_view name);

// One entry of the sync log: every sync operation, successful or not.
struct SyncRecord {
  std::int64_t id = 0;  // Assigned by the store.
  EntityKey key;
  Direction direction = Direction::kBoth;
  SyncOutcome outcome = SyncOutcome::kNoop;
  std::string trigger;  // "api", "cli", "sweep", "event", "job", "conflict" ...
  std::string base_hash_before;
  std::string base_hash_after;
  std::string ojs_hash;     // After the sync.
  std::string agents_hash;  // After the sync.
  bool wrote_ojs = false;
  bool wrote_agents = false;
  Duration duration{0};
  std::int32_t retry_count = 0;
  std::string error;  // Empty unless kFailed.
  Timestamp started_at{};
};

// A field both sides changed differently. Absent values (deleted) are nullopt.
struct FieldConflict {
  std::string path;  // Dotted path; array elements as name[key], e.g. "authors[12].email".
  std::optional<Json> base;
  std::optional<Json> ojs;
  std::optional<Json> agents;
};

enum class ConflictStatus : std::uint8_t { kOpen, kResolved };

struct ConflictRecord {
  std::int64_t id = 0;  // Assigned by the store.
  EntityKey key;
  ConflictStatus status = ConflictStatus::kOpen;
  std::string strategy;  // What left it unresolved ("manual", a field policy ...).
  std::optional<Json> base;
  std::optional<Json> ojs;     // nullopt = deleted on that side.
  std::optional<Json> agents;  // nullopt = deleted on that side.
  std::vector<FieldConflict> fields;
  Timestamp created_at{};
  Timestamp updated_at{};
  std::optional<Timestamp> resolved_at;
  std::string resolved_by;  // Who resolved it ("editor:alice", "engine").
  std::string resolution;   // How ("manual", "ojs", "agents", "converged" ...).
  std::optional<Json> resolved_document;
};

// Resolving an open conflict as part of a commit.
struct ConflictClosure {
  std::int64_t conflict_id = 0;
  std::string resolved_by;
  std::string resolution;
  std::optional<Json> resolved_document;
};

enum class JobState : std::uint8_t { kPending, kLeased, kDead };
std::string_view job_state_name(JobState state);  // "pending", "leased", "dead"

// A durable request to sync one entity.
struct Job {
  std::int64_t id = 0;
  EntityKey key;
  Direction direction = Direction::kBoth;
  std::string trigger;
  JobState state = JobState::kPending;
  std::int32_t attempts = 0;  // Failed attempts so far.
  Timestamp run_at{};         // Not claimed before this time.
  Timestamp lease_until{};    // While leased: reclaimable by others after this time.
  std::string leased_by;
  std::string last_error;
  Timestamp created_at{};
};

struct JobFailure {
  std::int64_t job_id = 0;
  std::string error;
  Timestamp retry_at{};       // When to try again if attempts remain.
  std::int32_t retry_limit = 0;  // attempts reaching this moves the job to dead-letter.
};

// Append-only, hash-chained trail of every write (ojsync/audit_chain.h).
struct AuditEntry {
  std::int64_t id = 0;  // Assigned by the store: 1, 2, 3 ... without gaps.
  Timestamp at{};
  std::string actor;   // "engine", "agent:<name>", "token:<name>", "cli:<user>" ...
  std::string action;  // "write_ojs", "write_agents", "conflict_resolved", "token_created" ...
  EntityKey key;       // What was written ({"api_token", name} for a token change).
  std::string before_hash;
  std::string after_hash;
  std::string reason;
  Json details;  // The payload: structured context (e.g. the field that lost and why).
};

// An audit entry as stored, with its place in the hash chain (all assigned by the store).
struct ChainedAuditEntry {
  AuditEntry entry;
  std::string prev_hash;     // The previous entry's entry_hash; "" for entry 1.
  std::string payload_hash;  // Of entry.details as appended; kept when the payload is redacted.
  std::string entry_hash;
  bool redacted = false;  // Retention removed the payload: entry.details is null.
};

// The head of the audit log: the highest id the store ever gave an entry (kept apart from the
// entries, so removing the last one shows) and that entry's hash ("" when it is gone);
// {0, ""} before the first append.
struct AuditHead {
  std::int64_t last_id = 0;
  std::string last_hash;
};

// Everything one sync decides, committed in ONE transaction so that base, records, conflicts,
// queue and audit always move together.
struct SyncCommit {
  // New archive entry; when set, the stored version must equal `expected_version`
  // (0 = must not exist yet) or the commit fails with kAborted and changes nothing. The store
  // assigns the new version, expected_version + 1 (state.version is not read).
  std::optional<SyncState> state;
  std::int64_t expected_version = 0;
  SyncRecord record;
  // Inserted, or replacing the entity's existing open conflict (at most one is open per entity);
  // a replacement keeps the open conflict's id and created_at. Its `status` is not read.
  std::optional<ConflictRecord> open_conflict;
  // Must name an open conflict, else the commit fails with kFailedPrecondition. Applied before
  // open_conflict. resolved_at becomes the end of this sync: record.started_at + duration.
  std::optional<ConflictClosure> close_conflict;
  // Deleted from the queue. An unknown id is not an error (another worker may have finished
  // the job after this one's lease expired).
  std::optional<std::int64_t> completed_job_id;
  // Counts one attempt: at retry_limit the job is dead-lettered, else it is pending again at
  // retry_at. If a pending job for the same key and direction exists, the two merge into it
  // (later run_at, higher attempts). Unknown and dead jobs are left alone.
  std::optional<JobFailure> failed_job;
  std::vector<AuditEntry> audit;
};

struct CommitResult {
  std::int64_t record_id = 0;
  std::int64_t conflict_id = 0;  // The open conflict stored, if any.
  std::int64_t state_version = 0;  // The new version when a state was written.
};

struct OutcomeCounts {
  std::int64_t total = 0;
  std::int64_t noop = 0;
  std::int64_t applied = 0;
  std::int64_t conflict = 0;
  std::int64_t failed = 0;
  std::int64_t successful() const { return noop + applied; }
};

struct StoreStatistics {
  OutcomeCounts all_time;   // From sync_statistics, which survives record retention.
  OutcomeCounts last_24h;
  Duration p50_duration_24h{0};
  Duration p99_duration_24h{0};
  std::int64_t pending_conflicts = 0;
  std::int64_t queue_depth = 0;  // Pending + leased jobs.
  std::int64_t dead_jobs = 0;
  std::optional<Timestamp> last_sync_at;
};

struct CleanupCounts {
  std::int64_t records = 0;
  std::int64_t conflicts = 0;
  std::int64_t tombstones = 0;
  std::int64_t audit_payloads = 0;  // Audit entries whose payload was redacted.
  std::int64_t dead_jobs = 0;
};

// What Store::cleanup removes, table by table: rows older than their table's cutoff. nullopt
// keeps that table's rows however old.
struct RetentionCutoffs {
  std::optional<Timestamp> records;             // Sync records, by started_at.
  std::optional<Timestamp> resolved_conflicts;  // By resolved_at.
  std::optional<Timestamp> tombstones;          // States deleted on both sides, by updated_at.
  std::optional<Timestamp> audit_payloads;      // Payloads redacted; the entries stay.
  std::optional<Timestamp> dead_jobs;           // Dead-lettered jobs, by their last run_at.

  // One cutoff for records, resolved conflicts, tombstones and audit payloads (dead jobs kept).
  static RetentionCutoffs uniform(Timestamp cutoff) {
    return RetentionCutoffs{cutoff, cutoff, cutoff, cutoff, std::nullopt};
  }
};

// One privacy erasure (Store::erase_personal_data): every stored value it replaces, computed by
// the caller from documents it read through this interface.
struct PersonalDataErasure {
  // Each replaces the stored state of its key, which must still be at `state.version` (else
  // kAborted and nothing is written); the new version is state.version + 1.
  std::vector<SyncState> states;
  // Each replaces the documents (base, ojs, agents, fields, resolved_document) of the conflict
  // with its id; every other column is kept. kNotFound (nothing written) when one is gone.
  std::vector<ConflictRecord> conflicts;
  // Audit entries whose payload is redacted, as retention does: the entry and its hashes stay,
  // so the chain still verifies. Already redacted ones are left alone.
  std::vector<std::int64_t> redacted_audit_ids;
  // New error texts of sync records and jobs, by id (rows gone meanwhile are skipped).
  std::vector<std::pair<std::int64_t, std::string>> record_errors;
  std::vector<std::pair<std::int64_t, std::string>> job_errors;
  // Appended after the changes (the erasure's own entry, which must not hold the person's data).
  std::vector<AuditEntry> audit;
};

// A sync to queue together with an accepted event (Store::accept_event).
struct QueuedSync {
  EntityKey key;
  Direction direction = Direction::kBoth;
  std::string trigger;
};

class Store {
 public:
  virtual ~Store() = default;

  // Brings the schema to the newest version; safe to call on every start. Returns it.
  virtual Result<int> migrate() = 0;
  // OK when the store answers and can write. After a write failed for want of storage (disk
  // full, read-only database, I/O error) it probes with a small write, so health reports the
  // store unhealthy until it can write again.
  virtual Status ping() = 0;

  // --- archive (sync_state)
  virtual Result<std::optional<SyncState>> get_state(const EntityKey& key) = 0;
  // The entries of `keys`, in their order (nullopt where there is none), read as one snapshot:
  // a group of the bulk path asks once instead of once per entity.
  virtual Result<std::vector<std::optional<SyncState>>> get_states(
      std::span<const EntityKey> keys) = 0;
  // An empty side_id matches nothing.
  virtual Result<std::optional<SyncState>> find_state_by_side_id(std::string_view type, Side side,
                                                                 std::string_view side_id) = 0;
  // find_state_by_side_id of each of `side_ids`, in their order, read as one snapshot.
  virtual Result<std::vector<std::optional<SyncState>>> find_states_by_side_ids(
      std::string_view type, Side side, std::span<const std::string> side_ids) = 0;
  // States of `type` ordered by id, after `after_id`, at most `limit` (anti-entropy scans).
  // Tombstones are included.
  virtual Result<std::vector<SyncState>> list_states(std::string_view type, std::string_view after_id,
                                                     std::size_t limit) = 0;
  // States of every type ordered by (type, id), after `after` ({"", ""} = from the first), at
  // most `limit` (privacy scans). Tombstones are included.
  virtual Result<std::vector<SyncState>> list_all_states(const EntityKey& after,
                                                         std::size_t limit) = 0;

  // --- the one write path of a sync
  // Stores `intent` on the entity's archive entry at `version` without changing the version.
  // Version 0 means the entity has no entry yet: `state` (its key and side ids; no base) is
  // inserted at version 1 to carry the intent. Returns the version the sync's commit names.
  // kAborted when the entry is no longer at `version` (or, for 0, exists).
  virtual Result<std::int64_t> record_write_intent(const SyncState& state, std::int64_t version,
                                                   const WriteIntent& intent) = 0;
  // The same for a group of entities (a bulk import) in ONE transaction, so they share one WAL
  // write. Each update is all-or-nothing on its own and reported in its slot (the version its
  // sync's commit names, or kAborted as above) while the others are stored. The outer Result
  // fails only when the transaction itself cannot begin or commit (then nothing is stored).
  virtual Result<std::vector<Result<std::int64_t>>> record_write_intents(
      std::span<const WriteIntentUpdate> updates) = 0;
  virtual Result<CommitResult> commit_sync(const SyncCommit& commit) = 0;
  // Entries of `type` without an id on `side` whose write intent writes that side: creates there
  // whose reply may never have arrived (docs/invariants.md, G1). Ordered by id, at most `limit`.
  virtual Result<std::vector<SyncState>> list_pending_creates(std::string_view type, Side side,
                                                              std::size_t limit) = 0;

  // Group commit: several commits in ONE transaction, so they share one WAL write. Each is
  // all-or-nothing on its own: one that fails, e.g. a lost version race, is rolled back alone
  // (or, as the entry's version check comes first, fails before writing) and reported in its
  // slot while the others commit. The outer Result fails when the transaction itself cannot
  // begin or commit, or when a commit that needs no savepoint (an entry, its audit and record)
  // fails after writing, which only a failing store does; then nothing is written.
  virtual Result<std::vector<Result<CommitResult>>> commit_syncs(std::span<const SyncCommit> commits) = 0;

  // --- history (newest first)
  // The entity's records, the most recently committed first (ids ascend in commit order).
  virtual Result<std::vector<SyncRecord>> list_records(const EntityKey& key, std::size_t limit) = 0;
  // Every entity's records ordered by id, after `after_id`, at most `limit` (privacy scans).
  virtual Result<std::vector<SyncRecord>> list_records_after(std::int64_t after_id,
                                                             std::size_t limit) = 0;
  virtual Result<std::vector<AuditEntry>> list_audit(const EntityKey& key, std::size_t limit) = 0;
  // Appends outside a sync (e.g. an agent's direct write, an editor's replay). Every append,
  // here or in a commit, extends the hash chain and the head in the same transaction.
  virtual Result<std::int64_t> append_audit(const AuditEntry& entry) = 0;
  // The whole log in id order, after `after_id`, at most `limit` entries, exactly as stored
  // (hashes included), for verification. A row that cannot be decoded is kDataLoss.
  virtual Result<std::vector<ChainedAuditEntry>> read_audit_chain(std::int64_t after_id,
                                                                  std::size_t limit) = 0;
  virtual Result<AuditHead> audit_head() = 0;

  // --- conflicts
  virtual Result<std::optional<ConflictRecord>> get_conflict(std::int64_t id) = 0;
  virtual Result<std::optional<ConflictRecord>> open_conflict_for(const EntityKey& key) = 0;
  // open_conflict_for each of `keys`, in their order, read as one snapshot.
  virtual Result<std::vector<std::optional<ConflictRecord>>> open_conflicts_for(
      std::span<const EntityKey> keys) = 0;
  // Newest first (by created_at); `status` nullopt = both.
  virtual Result<std::vector<ConflictRecord>> list_conflicts(std::optional<ConflictStatus> status,
                                                             std::size_t limit) = 0;
  // Open and resolved conflicts ordered by id, after `after_id`, at most `limit` (privacy scans).
  virtual Result<std::vector<ConflictRecord>> list_conflicts_after(std::int64_t after_id,
                                                                   std::size_t limit) = 0;

  // --- durable job queue
  // Queues a sync. A pending job for the same key and direction is reused (its run_at moves
  // earlier if needed), so bursts of events collapse; a leased one is not, so a change seen
  // while a job runs is not lost. Returns the job id.
  virtual Result<std::int64_t> enqueue(const EntityKey& key, Direction direction,
                                       std::string_view trigger, Timestamp run_at) = 0;
  // enqueue() for each of `keys` in ONE transaction (a sweep's page): all are queued or none.
  // Returns the job ids in the order of `keys`.
  virtual Result<std::vector<std::int64_t>> enqueue_all(std::span<const EntityKey> keys,
                                                        Direction direction,
                                                        std::string_view trigger,
                                                        Timestamp run_at) = 0;
  // Leases up to `max` jobs due at `now` (pending with run_at <= now, or leased with
  // lease_until < now), oldest run_at first (then id). Each claim counts nothing against attempts.
  virtual Result<std::vector<Job>> claim_jobs(std::string_view worker, std::size_t max, Timestamp now,
                                              Duration lease) = 0;
  // Puts a leased job back to pending without counting an attempt (graceful shutdown).
  // kNotFound for an unknown job, kFailedPrecondition when it is not leased. Merges into a job
  // already pending for the same key and direction (keeping the earlier run_at).
  virtual Status release_job(std::int64_t job_id) = 0;
  // Puts a leased job back to pending at `run_at` without counting an attempt (the remote's
  // circuit breaker is open: waiting is not failing). Errors like release_job; merging into a
  // pending job keeps the later run_at.
  virtual Status defer_job(std::int64_t job_id, Timestamp run_at) = 0;
  // Puts every job leased by `worker` back to pending without counting an attempt, and returns
  // how many. A worker calls it when it starts: leases still held under its name were taken by
  // its previous run, which died (kill -9, power loss) before finishing them, and would
  // otherwise wait out job_lease. Merges like release_job.
  virtual Result<std::size_t> release_leases(std::string_view worker) = 0;
  // Ordered by run_at, then id; `state` nullopt = all.
  virtual Result<std::vector<Job>> list_jobs(std::optional<JobState> state, std::size_t limit) = 0;
  // How many pending jobs are due at `now`, counted up to `up_to` (a bounded look, whatever the
  // queue holds).
  virtual Result<std::size_t> count_due_jobs(Timestamp now, std::size_t up_to) = 0;
  // Dead-lettered job back to pending, attempts reset. kNotFound for an unknown job,
  // kFailedPrecondition when it is not dead; merges like release_job.
  virtual Status replay_dead_job(std::int64_t job_id, Timestamp run_at) = 0;

  // The 24-hour figures cover records with started_at in (now - 24 h, now]; percentiles use
  // the nearest rank (the duration at rank ceil(p/100 × N) in ascending order, 0 when N = 0).
  // last_sync_at is the newest record's started_at ever committed.
  virtual Result<StoreStatistics> statistics(Timestamp now) = 0;

  // Deletes, each table by its own cutoff (RetentionCutoffs): records and resolved conflicts
  // older than it, tombstones deleted before it (unless their entity has an open conflict) and
  // dead-lettered jobs whose last attempt was before it; and redacts the payload (details) of
  // the audit entries older than it: those in id order up to the first entry at or after the
  // cutoff (an entry stamped out of order waits for a later cleanup). Open conflicts, live
  // states, the audit entries themselves (with their hashes, so the chain still verifies), the
  // statistics rollup and the pending and leased jobs are kept.
  virtual Result<CleanupCounts> cleanup(const RetentionCutoffs& cutoffs) = 0;

  // --- privacy (ojsync privacy erase; docs/operations.md)
  // Applies `erasure` in ONE transaction: everything or, on any error, nothing.
  virtual Status erase_personal_data(const PersonalDataErasure& erasure) = 0;
  // Rewrites the store's files so that values replaced or deleted before are no longer in them
  // (free pages, write-ahead log). kUnavailable when another connection keeps it from
  // finishing; the data is intact either way and a later call finishes the job.
  virtual Status purge_freed_space() = 0;

  // --- the service's own durable state
  // Small named values kept across restarts (change-scan cursors, per-agent settings).
  // get_setting: nullopt when `name` was never put. put_setting replaces the value.
  virtual Result<std::optional<std::string>> get_setting(std::string_view name) = 0;
  virtual Status put_setting(std::string_view name, std::string_view value) = 0;

  // Signed-event intake: remembers `event_id` and queues `syncs` (each as enqueue() would, at
  // `received_at`) in ONE transaction, so a delivery is kept with its jobs or not at all.
  // Returns false and writes nothing when the id was remembered before (a replay).
  virtual Result<bool> accept_event(std::string_view event_id, Timestamp received_at,
                                    std::span<const QueuedSync> syncs) = 0;
  // Forgets event ids received before `cutoff`; returns how many.
  virtual Result<std::int64_t> forget_events(Timestamp cutoff) = 0;

  // --- API tokens (ojsync/api_token.h). Only hashes are stored. Creating and revoking append
  // an audit entry by `actor` ({"api_token", name}) in the same transaction.
  // Stores `token` (id, last_used_at and revoked_at are not read) and returns it with its id.
  // kInvalidArgument for a bad name or hash, kAlreadyExists when a token that is not revoked
  // has the name or the hash.
  virtual Result<ApiToken> create_token(const ApiToken& token, std::string_view actor) = 0;
  // The token whose hash is `token_hash`, revoked or not; nullopt when none.
  virtual Result<std::optional<ApiToken>> find_token(std::string_view token_hash) = 0;
  // Every token, revoked ones included, by id.
  virtual Result<std::vector<ApiToken>> list_tokens() = 0;
  // Revokes the token named `name_or_id` (a decimal id, else the name of a token not revoked)
  // at `at`. kNotFound when there is none, kFailedPrecondition when it is revoked already.
  virtual Result<ApiToken> revoke_token(std::string_view name_or_id, Timestamp at,
                                        std::string_view actor) = 0;
  // Records a use (not audited: a read is not a write). kNotFound for an unknown id.
  virtual Status touch_token(std::int64_t id, Timestamp at) = 0;

  // --- encryption at rest (ojsync/encryption.h). Both fail with kFailedPrecondition when the
  // store was opened without encryption.
  // How many stored values are under each key, and how many sensitive ones are still plaintext.
  // Reads every document (an operator's command, not a hot path).
  virtual Result<KeyUsage> key_usage() = 0;
  // One step of the re-encryption pass: examines up to `max_rows` rows, rewriting those under an
  // older key or with plaintext at a sensitive path, in one transaction. The pass resumes where
  // the previous step stopped; once it has gone through every row, keys other than the current
  // one protect nothing and their key checks are dropped (they may leave the keyring).
  virtual Result<ResealProgress> reseal(std::size_t max_rows) = 0;
};

struct SqliteStoreOptions {
  std::string path;  // File path, or ":memory:" for tests.
  Duration busy_timeout = std::chrono::seconds(5);
  // Set: sensitive values are encrypted at rest. Unset: none are, and a store that holds
  // encrypted values refuses to migrate().
  std::optional<EncryptionOptions> encryption = std::nullopt;
};

// Opens (creating if needed) a SQLite store in WAL mode. Call migrate() before use: it also
// checks the keyring against the key checks stored in the file, and fails with
// kFailedPrecondition, before changing anything, when a key is missing or wrong.
Result<std::unique_ptr<Store>> open_sqlite_store(const SqliteStoreOptions& options);

}  // namespace ojsync
