#include "ojsync/sync_manager.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <iterator>
#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <utility>

#include "engine/create_gate.h"
#include "engine/strategy_decider.h"
#include "engine/thread_pool.h"
#include "engine/three_way_merge.h"

namespace ojsync {
namespace {

// One side as a sync sees it: the projected snapshot (volatile fields removed) and its hash.
struct SideView {
  std::optional<Snapshot> snapshot;
  std::string hash;  // "" when absent.
  // Set when the side stored a write's document as given (WriteResult::stored_as_requested):
  // the document it holds is that one, which the sync owns until its commit, and `snapshot`
  // holds no copy of it.
  const Json* written = nullptr;
  // The document's dump() when view_of's hash left it at hand (CanonicalForm), else "": for
  // the stores to take when this document is written or becomes the base.
  std::string text = {};
  const Json* doc() const {
    return written != nullptr ? written : snapshot ? &snapshot->document : nullptr;
  }
  // The document, taken out of the view (a copy when it is the sync's own).
  Json take_document() { return written != nullptr ? *written : std::move(snapshot->document); }
};

// Whether `document` holds one of the type's volatile fields, which the engine's hashes leave
// out and its views drop: only a document without any hashes the same in full.
bool holds_volatile_field(const EntityTypeConfig& type, const Json& document) {
  return std::any_of(type.volatile_fields.begin(), type.volatile_fields.end(),
                     [&](const std::string& field) { return document.find(field) != nullptr; });
}

// `known`, when given, is a document whose hash is known (what was just written): a snapshot
// equal to it takes that hash instead of serializing the document again.
SideView view_of(std::optional<Snapshot> snapshot, const EntityTypeConfig& type,
                 const Json* known = nullptr, const std::string& known_hash = {}) {
  SideView view;
  if (snapshot) {
    if (snapshot->document.is_object()) {
      for (const auto& field : type.volatile_fields) snapshot->document.as_object().erase(field);
    }
    if (known != nullptr && snapshot->document == *known) {
      view.hash = known_hash;
    } else {
      CanonicalForm form = canonical_form(snapshot->document, type.canonical_options());
      view.hash = sha256_hex(form.text);
      if (form.same_as_dump) view.text = std::move(form.text);
    }
    view.snapshot = std::move(snapshot);
  }
  return view;
}

std::string hash_of(const std::optional<Json>& doc, const EntityTypeConfig& type) {
  return doc ? content_hash(*doc, type.canonical_options()) : std::string();
}

// The top-level field a conflict path belongs to: "title.en" → "title", "authors[3]" → "authors".
std::string_view top_level_field(std::string_view path) {
  return path.substr(0, std::min(path.find('.'), path.find('[')));
}

// Why and how an open conflict is being settled by a person.
struct ConflictSettlement {
  std::int64_t conflict_id = 0;
  std::optional<Side> take;  // {"take": side}
  const Json::Object* fields = nullptr;  // Field values otherwise.
  std::string resolved_by;
  std::string how;
};

// Settles leaf conflicts as the person said; defers to the strategy for anything else.
class SettlementDecider final : public ConflictDecider {
 public:
  SettlementDecider(const ConflictDecider& strategy, const ConflictSettlement& settlement)
      : strategy_(strategy), settlement_(settlement) {}
  Resolution decide(const LeafConflict& conflict, std::string& resolver_name) const override {
    resolver_name = "resolution";
    const std::string reason = "resolved by " + settlement_.resolved_by;
    if (settlement_.take) return Resolution::take(*settlement_.take, reason);
    if (settlement_.fields->count(std::string(top_level_field(conflict.path))) != 0) {
      return Resolution::take(Side::kOjs, reason);  // Overwritten by the given value afterwards.
    }
    return strategy_.decide(conflict, resolver_name);
  }

 private:
  const ConflictDecider& strategy_;
  const ConflictSettlement& settlement_;
};

struct SyncRequest {
  EntityKey key;
  Direction direction = Direction::kBoth;
  std::string trigger;
  std::optional<std::int64_t> job_id;
  const ConflictSettlement* settlement = nullptr;
  std::int32_t retries = 0;
  // Set by the attempt when a circuit breaker refused a call: the endpoint is down, not this
  // record, so a queued job waits instead of spending an attempt.
  bool held_by_breaker = false;
};

const Status& status_of(const Status& status) { return status; }
template <typename T>
const Status& status_of(const Result<T>& result) {
  return result.status();
}

// A create's idempotency key names the entity and the base it starts from, not the content: a
// retry after a lost reply finds the first create even when the document was edited or synced
// one way in between (the base moves only when both sides agree, so not before the side holds
// the entity; else a twin, found by the simulation), while a re-creation after a later delete
// starts from a newer base.
std::string create_key(const EntityKey& key, const std::string& base_hash) {
  return key.to_string() + ":create:" + base_hash;
}

// An update's idempotency key is its content.
std::string update_key(const EntityKey& key, const std::string& target_hash) {
  return key.to_string() + ":" + target_hash;
}

// The entity a create key names; nullopt for any other text (or none).
std::optional<EntityKey> entity_of_create_key(std::string_view text) {
  const std::size_t mark = text.find(":create:");
  if (mark == std::string_view::npos) return std::nullopt;
  const std::string_view name = text.substr(0, mark);
  const std::size_t slash = name.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == name.size())
    return std::nullopt;
  return EntityKey{std::string(name.substr(0, slash)), std::string(name.substr(slash + 1))};
}

// How many pending creates of a type an import compares with (they are the creates whose reply
// never arrived and that no retry has found yet: normally none).
constexpr std::size_t kPendingCreatesCompared = 100;

// "ojs/manuscript": one remote endpoint (OJS's /submissions), one circuit breaker.
std::string endpoint_name(Side side, std::string_view type) {
  return std::string(side_name(side)) + "/" + std::string(type);
}

}  // namespace

std::string_view health_status_name(HealthStatus s) {
  switch (s) {
    case HealthStatus::kHealthy: return "healthy";
    case HealthStatus::kDegraded: return "degraded";
    case HealthStatus::kUnhealthy: return "unhealthy";
  }
  return "unhealthy";
}

struct SyncManager::Impl {
  Impl(SyncOptions o, SyncEnv e)
      : options(std::move(o)),
        env(std::move(e)),
        clock(env.clock != nullptr ? env.clock : &SystemClock::instance()),
        owned_random(env.random == nullptr
                         ? std::make_unique<SeededRandom>(static_cast<std::uint64_t>(
                               clock->now().time_since_epoch().count()))
                         : nullptr),
        random(env.random != nullptr ? env.random : owned_random.get()),
        pool(options.workers) {
    for (const std::string& type : options.entity_types.names()) {
      for (Side side : {Side::kOjs, Side::kAgents}) {
        std::string endpoint = endpoint_name(side, type);
        breakers.emplace(endpoint,
                         std::make_unique<CircuitBreaker>(endpoint, options.breaker, *clock));
      }
    }
  }

  SyncOptions options;
  SyncEnv env;
  const Clock* clock;
  std::unique_ptr<Random> owned_random;
  Random* random;
  // Built once for every known type and side, so lookups need no lock.
  std::map<std::string, std::unique_ptr<CircuitBreaker>, std::less<>> breakers;
  CreateGate ojs_creates;  // Creates in OJS this process has in flight (G1).
  // Last, so destroyed first: its destructor finishes the tasks still queued or running, which
  // use every member above (declared before it, the breakers and the create gate were destroyed
  // under running syncs: ThreadSanitizer, simulation seeds 3001-3400).
  ThreadPool pool;

  Result<const EntityTypeConfig*> check_key(const EntityKey& key) const {
    const EntityTypeConfig* type = options.entity_types.find(key.type);
    if (type == nullptr) return InvalidArgument("unknown entity type '" + key.type + "'");
    if (!is_valid_identifier(key.id)) {
      return InvalidArgument("invalid entity id (allowed: " + std::string(kIdentifierRule) + ")");
    }
    return type;
  }

  Connector& connector(Side side) const { return side == Side::kOjs ? *env.ojs : *env.agents; }

  // Where the entity is looked for on `side`: the id its entry names; without an entry, its
  // key, if the side could hold that id, else nowhere ("": absent, and a write there creates it).
  std::string side_id_for(Side side, const std::optional<SyncState>& state,
                          const EntityKey& key) const {
    if (state) return side == Side::kOjs ? state->ojs_id : state->agents_id;
    return connector(side).could_hold(key.type, key.id) ? key.id : std::string();
  }

  // Calls a side through its endpoint's circuit breaker. A refused call is charged to the
  // endpoint's outage rather than to the record: it marks the request held. (A failed probe
  // is an attempt like any other, so a record whose own failures keep the breaker open is
  // still dead-lettered instead of blocking its endpoint.) `side_id` names the side's document
  // the call is about ("" for a create).
  template <typename Call>
  auto guarded(Side side, const EntityTypeConfig& type, SyncRequest& request,
               std::string_view side_id, Call&& call) -> decltype(call()) {
    CircuitBreaker& breaker = *breakers.find(endpoint_name(side, type.name))->second;
    Result<BreakerCall> admitted = breaker.allow();
    if (!admitted.ok()) {
      request.held_by_breaker = true;
      return admitted.status();
    }
    auto result = call();
    breaker.record(status_of(result), breaker_subject(request.key, side_id));
    return result;
  }

  // The record a call's outcome is charged to: the side's document when known, so that two
  // entities sharing one failing document (known gap G1) still count as one record (found by
  // the simulation, seed 984); else the entity; none for a sweep's listing (the endpoint's).
  static std::string breaker_subject(const EntityKey& key, std::string_view side_id) {
    if (key.id.empty()) return "";
    return side_id.empty() ? key.to_string() : std::string(side_id);
  }

  bool writable(const EntityTypeConfig& type, Direction direction, Side side) const {
    return direction_writes(direction, side) && !type.read_only_sides.contains(side);
  }

  // How long until both sides' breakers for `type` let calls through (0 when they do now).
  Duration breakers_closed_in(std::string_view type) const {
    const Timestamp now = clock->now();
    Duration wait{0};
    for (Side side : {Side::kOjs, Side::kAgents}) {
      const auto it = breakers.find(endpoint_name(side, type));
      if (it == breakers.end()) continue;
      const CircuitBreakerStatus b = it->second->status();
      if (b.state == BreakerState::kOpen) wait = std::max(wait, b.open_until - now);
    }
    return wait;
  }

  // How long to wait before trying again after `error`: the backoff, or longer when the remote
  // asked for it (Retry-After, an open breaker).
  Duration retry_delay(std::int32_t attempt, const Status& error) const {
    return std::max(backoff(attempt), error.retry_after().value_or(Duration(0)));
  }

  Duration backoff(std::int32_t attempt) const {
    Duration cap = options.retry_backoff_base;
    for (std::int32_t i = 0; i < attempt && cap < options.retry_backoff_max; ++i) cap *= 2;
    cap = std::min(cap, options.retry_backoff_max);
    if (cap.count() <= 0) return Duration(0);
    return Duration(static_cast<Duration::rep>(random->uniform(static_cast<std::uint64_t>(cap.count()) + 1)));
  }

  void sleep(Duration d) const {
    if (env.sleep) {
      env.sleep(d);
    } else {
      std::this_thread::sleep_for(d);
    }
  }

  Result<SideView> fetch_side(Side side, const EntityTypeConfig& type, const std::string& side_id,
                              SyncRequest& request) {
    if (side_id.empty()) return SideView{};
    OJSYNC_ASSIGN_OR_RETURN(auto snapshot, guarded(side, type, request, side_id, [&] {
                              return connector(side).fetch(type.name, side_id);
                            }));
    return view_of(std::move(snapshot), type);
  }

  // Errors after which a request may have been applied: a timeout, or a connection lost.
  static bool reply_may_be_lost(const Status& error) {
    return error.code() == StatusCode::kDeadlineExceeded ||
           error.code() == StatusCode::kUnavailable;
  }

  // A write or delete that failed with a retryable error may have taken effect (a timeout or
  // reset after the side applied it). One look tells: the caller goes on as if the reply had
  // arrived when the side holds what was asked. Otherwise the retry would take the engine's own
  // write for an edit of that side and could undo an edit made meanwhile on the other side
  // (found by the simulation, seed 900). nullopt when the look fails too.
  std::optional<SideView> look_after_lost_reply(Side side, const EntityTypeConfig& type,
                                                const std::string& side_id, SyncRequest& request) {
    auto held = fetch_side(side, type, side_id, request);
    if (!held.ok()) return std::nullopt;
    return std::move(held).value();
  }

  // What a write requires the side to hold still (WriteRequest::expected_version): the version
  // of the document the sync read, "" for a document that was absent then, nothing from a side
  // without versions. A side that versions its documents then refuses to overwrite an edit made
  // since (kAborted, retried: the next attempt merges it).
  static std::optional<std::string> version_read(const SideView& view) {
    if (!view.snapshot) return std::string();
    if (view.snapshot->version.empty()) return std::nullopt;
    return view.snapshot->version;
  }

  // The write that makes `side` (read as `view`) hold `target`: the side's document, or a create
  // under `known_side_id` where the side lets the engine choose (agents), else under a new id;
  // a create keyed by the base it starts from, an update by its content. `target_text` is the
  // target's dump() when at hand, else "".
  static WriteRequest write_request(Side side, const EntityTypeConfig& type, const EntityKey& key,
                                    const SideView& view, const std::string& known_side_id,
                                    const Json& target, const std::string& base_hash,
                                    const std::string& target_hash,
                                    std::string_view target_text = {}) {
    WriteRequest w;
    w.side_id = view.snapshot ? view.snapshot->side_id
                              : (side == Side::kAgents ? known_side_id : std::string());
    w.document = &target;
    w.idempotency_key =
        w.side_id.empty() ? create_key(key, base_hash) : update_key(key, target_hash);
    w.expected_version = version_read(view);
    // The engine's documents hold no volatile field (view_of drops them), so the target's
    // hash is its hash in full.
    if (!holds_volatile_field(type, target)) w.document_hash = target_hash;
    w.document_text = target_text;
    return w;
  }

  // Makes one side hold `target` (absent = deleted) unless it already does.
  Status apply_to_side(Side side, const EntityTypeConfig& type, const EntityKey& key,
                       const std::string& known_side_id, const std::optional<Json>& target,
                       const std::string& target_hash, const std::string& base_hash, SideView& view,
                       SyncReport& report, std::vector<AuditEntry>& audit, Timestamp now,
                       SyncRequest& request) {
    const std::string before = view.hash;
    if (target_hash == view.hash) return OkStatus();
    const std::string side_label(side_name(side));
    if (!target) {
      Status removed = guarded(side, type, request, view.snapshot->side_id, [&] {
        return connector(side).remove_if_unchanged(type.name, view.snapshot->side_id,
                                                   version_read(view));
      });
      if (!removed.ok() && removed.is_retryable()) {
        auto held = look_after_lost_reply(side, type, view.snapshot->side_id, request);
        if (held && !held->snapshot) removed = OkStatus();
      }
      OJSYNC_RETURN_IF_ERROR(removed);
      view = SideView{};
      audit.push_back({0, now, "engine", "delete_" + side_label, key, before, "", "deleted on the other side", Json()});
    } else {
      const WriteRequest asked =
          write_request(side, type, key, view, known_side_id, *target, base_hash, target_hash);
      const std::string& side_id = asked.side_id;
      auto write = [&] {
        return guarded(side, type, request, side_id,
                       [&] { return connector(side).write_if_unchanged(type.name, asked); });
      };
      // A create in OJS holds a ticket until its reply (or its retry's) is in: see CreateGate.
      std::optional<CreateGate::Ticket> creating;
      if (side == Side::kOjs && side_id.empty()) creating.emplace(ojs_creates.begin_create());
      Result<WriteResult> attempted = write();
      if (!attempted.ok() && attempted.status().is_retryable() && !side_id.empty()) {
        auto held = look_after_lost_reply(side, type, side_id, request);
        if (held && held->hash == target_hash) {
          attempted = WriteResult{std::move(*held->snapshot), {}};
        }
      } else if (!attempted.ok() && reply_may_be_lost(attempted.status())) {
        // A create whose reply may be lost has no id to look at. Asking again under the same
        // key returns the first create (the Connector contract) and learns its id at once,
        // before a change listing finds the new document (docs/invariants.md, G1; found by the
        // simulation). Should this reply be lost too, the next sync finds the create by its key
        // (find_lost_create).
        attempted = write();
      }
      OJSYNC_ASSIGN_OR_RETURN(WriteResult written, std::move(attempted));
      take_written(side, type, key, std::move(written), asked, target_hash, view, report, audit,
                   now);
      return OkStatus();
    }
    (side == Side::kOjs ? report.wrote_ojs : report.wrote_agents) = true;
    return OkStatus();
  }

  // What a side holds after the write `asked`: its view, the report and the audit entry of the
  // write (with the fields the side refused to store).
  static void take_written(Side side, const EntityTypeConfig& type, const EntityKey& key,
                           WriteResult written, const WriteRequest& asked,
                           const std::string& target_hash,
                           SideView& view, SyncReport& report, std::vector<AuditEntry>& audit,
                           Timestamp now) {
    const std::string side_label(side_name(side));
    Json details = Json::object();
    if (!written.rejected_fields.empty()) {
      Json::Array rejected;
      for (const auto& f : written.rejected_fields) {
        rejected.emplace_back(f);
        report.rejected_fields.push_back(side_label + ":" + f);
      }
      details["rejected_fields"] = Json(std::move(rejected));
    }
    std::string before = std::move(view.hash);
    const Json& target = *asked.document;
    // write_request gave the side the target's hash only when it is the hash in full (the
    // target holds no volatile field): the side then holds what the view would keep.
    if (written.stored_as_requested && !asked.document_hash.empty()) {
      view = SideView{std::move(written.stored), target_hash, &target};
    } else {
      if (written.stored_as_requested) written.stored.document = target;
      view = view_of(std::move(written.stored), type, &target, target_hash);
    }
    audit.push_back({0, now, "engine", "write_" + side_label, key, std::move(before), view.hash,
                     "sync " + std::string(direction_name(report.direction)), std::move(details)});
    (side == Side::kOjs ? report.wrote_ojs : report.wrote_agents) = true;
  }

  // A sync whose writes were under way when it stopped without committing (a reply lost and
  // the look after it failed, or the process died) left its intent on the archive entry. When
  // every side it was to write now holds its target, those writes took effect: the entry is
  // brought to where that sync's commit would have left it (every side at the target, which is
  // the base), so its writes are not taken for edits of those sides (docs/invariants.md, G2).
  // Otherwise nothing is assumed and the old base stands. Returns whether it adopted.
  //
  // A create in OJS found by its key (find_lost_create) took effect even when its document no
  // longer holds the target: a user may have edited it before the engine learned its id. What the
  // create wrote is then read from the other side if that still holds it, and becomes the base,
  // so the user's edit is merged as an edit of OJS (docs/invariants.md, G1).
  static bool adopt_write_intent(SyncState& state, const SideView& ojs, const SideView& agents,
                                 bool found_create) {
    if (!state.write_intent) return false;
    const WriteIntent& intent = *state.write_intent;
    const bool ojs_written = ojs.hash == intent.target_hash || (found_create && intent.writes_ojs);
    if ((intent.writes_ojs && !ojs_written) ||
        (intent.writes_agents && agents.hash != intent.target_hash)) {
      return false;
    }
    const SideView* written = ojs.hash == intent.target_hash      ? &ojs
                              : agents.hash == intent.target_hash ? &agents
                                                                  : nullptr;
    if (written == nullptr) return false;  // What was written is on neither side any more.
    state.base = written->doc() != nullptr ? std::optional<Json>(*written->doc()) : std::nullopt;
    state.base_hash = intent.target_hash;
    state.ojs_hash = intent.target_hash;
    state.agents_hash = intent.target_hash;
    state.tombstone = !written->snapshot;
    state.write_intent.reset();
    return true;
  }

  // A sync that was creating the entity in OJS stopped without learning the new document's id
  // (the reply was lost twice, or the process died): OJS may hold a document the store does not
  // know. The connector looks for it by the create's key; when found it becomes the entity's OJS
  // side (`ojs`, and the entry's ojs_id), so it is neither created again nor left as a twin, and
  // an edit made on it meanwhile is merged (docs/invariants.md, G1). Returns whether it found one.
  Result<bool> find_lost_create(const EntityTypeConfig& type, SyncRequest& request,
                                SyncState& state, SideView& ojs) {
    if (!state.write_intent || !state.write_intent->writes_ojs ||
        state.write_intent->target_hash.empty() || ojs.snapshot) {
      return false;  // Not a create in OJS (a deletion has nothing to find).
    }
    const std::string wanted = create_key(state.key, state.base_hash);
    OJSYNC_ASSIGN_OR_RETURN(std::optional<Snapshot> found, guarded(Side::kOjs, type, request, "", [&] {
                              return env.ojs->find_created(type.name, wanted, state.updated_at);
                            }));
    if (!found) return false;
    state.ojs_id = found->side_id;
    ojs = view_of(std::move(found), type);
    return true;
  }

  // When `state` carries the intent of a sync that stopped after its writes took effect
  // (adopt_write_intent), commits what that sync would have: the entry at its target, and the
  // writes in the audit log. A commit of its own, before this sync records anything, so that a
  // failure of this sync cannot lose it. `state` becomes the committed entry.
  // A create found by its key is committed even when nothing else can be adopted: its id is
  // then known, and the old base stands.
  Status complete_interrupted_sync(const SyncRequest& request, SyncState& state,
                                   const SideView& ojs, const SideView& agents, bool found_create,
                                   Timestamp now) {
    const WriteIntent intent = *state.write_intent;
    const std::string base_hash_before = state.base_hash;
    const std::string side_hash_before[] = {state.ojs_hash, state.agents_hash};
    if (!adopt_write_intent(state, ojs, agents, found_create)) {
      if (!found_create) return OkStatus();
      state.write_intent.reset();
    }
    SyncCommit completion;
    completion.record = new_record(request, now);
    completion.record.outcome = SyncOutcome::kNoop;
    completion.record.base_hash_before = base_hash_before;
    completion.record.base_hash_after = state.base_hash;
    completion.record.ojs_hash = ojs.hash;
    completion.record.agents_hash = agents.hash;
    for (Side side : {Side::kOjs, Side::kAgents}) {
      if (!(side == Side::kOjs ? intent.writes_ojs : intent.writes_agents)) continue;
      const bool found = found_create && side == Side::kOjs;
      completion.audit.push_back({0, now, "engine", "write_" + std::string(side_name(side)),
                                  state.key, side_hash_before[side == Side::kOjs ? 0 : 1],
                                  found ? ojs.hash : state.base_hash,
                                  found ? "a create whose reply never arrived, found by its key"
                                        : "completes a sync interrupted after its write",
                                  Json()});
    }
    state.updated_at = now;
    completion.state = state;
    completion.expected_version = state.version;
    OJSYNC_ASSIGN_OR_RETURN(CommitResult committed, env.store->commit_sync(completion));
    notify(completion.record);
    state.version = committed.state_version;
    return OkStatus();
  }

  // Commits, before the first side write, what this sync is about to write (see
  // adopt_write_intent), when every side ends at `target_hash`: a side it may not write must
  // already hold it. A new entity gets an archive entry without a base to carry the intent; its
  // side ids are the ones it has (OJS names its documents, so a document not there yet has
  // none). Returns the version the commit names.
  Result<std::int64_t> record_write_intent(const EntityKey& key, const std::optional<SyncState>& state,
                                           const EntityTypeConfig& type, Direction direction,
                                           const std::string& target_hash, const SideView& ojs,
                                           const SideView& agents, const std::string& agents_id,
                                           Timestamp now) {
    const std::int64_t version = state ? state->version : 0;
    WriteIntent intent{target_hash, false, false};
    for (Side side : {Side::kOjs, Side::kAgents}) {
      if ((side == Side::kOjs ? ojs : agents).hash == target_hash) continue;
      if (!writable(type, direction, side)) return version;
      (side == Side::kOjs ? intent.writes_ojs : intent.writes_agents) = true;
    }
    if (!intent.writes_ojs && !intent.writes_agents) return version;
    if (state) return env.store->record_write_intent(*state, version, intent);
    SyncState entry;
    entry.key = key;
    entry.ojs_id = ojs.snapshot ? ojs.snapshot->side_id : "";
    entry.agents_id = agents.snapshot ? agents.snapshot->side_id : agents_id;
    entry.updated_at = now;
    return env.store->record_write_intent(entry, 0, intent);
  }

  // An OJS document nobody names, imported under `key`.
  struct UnrecordedCreate {
    const EntityKey* key;
    const SideView* ojs;
  };

  // The entity an OJS document first seen under its own id belongs to, when it is the result of
  // a create whose reply never arrived: another entry names it already (the create was found
  // after this sync was queued), the document names that create (a side that keeps the key with
  // it, as OJS's stamp), or, where the side cannot keep it (decisions), it holds exactly what a
  // pending create of the type was to write. nullopt when it is a document of its own.
  Result<std::optional<EntityKey>> owner_of_unrecorded_create(const EntityTypeConfig& type,
                                                              const EntityKey& key,
                                                              const SideView& ojs) {
    const UnrecordedCreate document{&key, &ojs};
    OJSYNC_ASSIGN_OR_RETURN(std::vector<std::optional<EntityKey>> owners,
                            owners_of_unrecorded_creates(type, {&document, 1}));
    return std::move(owners.front());
  }

  // owner_of_unrecorded_create of each of `documents`, in their order, in three reads of the
  // store whatever their number (a bulk group asks once). The pending creates are read first:
  // a create records its intent before it writes to OJS and clears it in the commit that
  // records the OJS id, so a create whose document was fetched is seen pending by the first
  // read or by its OJS id in the second, even when it commits between them.
  Result<std::vector<std::optional<EntityKey>>> owners_of_unrecorded_creates(
      const EntityTypeConfig& type, std::span<const UnrecordedCreate> documents) {
    std::vector<std::optional<EntityKey>> owners(documents.size());
    if (documents.empty()) return owners;
    OJSYNC_ASSIGN_OR_RETURN(
        const std::vector<SyncState> pending,
        env.store->list_pending_creates(type.name, Side::kOjs, kPendingCreatesCompared));
    constexpr std::size_t kNoStamp = std::numeric_limits<std::size_t>::max();
    std::vector<std::string> ojs_ids;
    std::vector<EntityKey> stamped;     // The other entities the documents' stamps name.
    std::vector<std::size_t> stamp_of;  // By document: its stamp's index in `stamped`.
    ojs_ids.reserve(documents.size());
    stamp_of.reserve(documents.size());
    for (const UnrecordedCreate& d : documents) {
      ojs_ids.push_back(d.ojs->snapshot->side_id);
      std::optional<EntityKey> named = entity_of_create_key(d.ojs->snapshot->created_by);
      stamp_of.push_back(named && *named != *d.key ? stamped.size() : kNoStamp);
      if (stamp_of.back() != kNoStamp) stamped.push_back(std::move(*named));
    }
    OJSYNC_ASSIGN_OR_RETURN(
        const std::vector<std::optional<SyncState>> recorded,
        env.store->find_states_by_side_ids(type.name, Side::kOjs, ojs_ids));
    std::vector<std::optional<SyncState>> stamped_entries;
    if (!stamped.empty()) {
      OJSYNC_ASSIGN_OR_RETURN(stamped_entries, env.store->get_states(stamped));
    }
    for (std::size_t i = 0; i < documents.size(); ++i) {
      const EntityKey& key = *documents[i].key;
      const std::size_t stamp = stamp_of[i];
      if (recorded[i] && recorded[i]->key != key) {
        owners[i] = recorded[i]->key;
      } else if (stamp != kNoStamp && stamped_entries[stamp]) {
        // A stamp no entry explains (another installation's, or older than this store) is data.
        owners[i] = stamped[stamp];
      } else {
        const auto same_document = [&](const SyncState& entry) {
          return entry.key != key && entry.write_intent->target_hash == documents[i].ojs->hash;
        };
        const auto found = std::find_if(pending.begin(), pending.end(), same_document);
        if (found != pending.end()) owners[i] = found->key;
      }
    }
    return owners;
  }

  // The archive entry after a sync's writes: the per-field agreement of both sides as the base
  // (docs/engine.md, step 7), and the hash each side now holds. `recorded_ojs_id` is the OJS id
  // the entry held before (empty for a new entry): OJS names what is created there, so an
  // entity OJS does not hold keeps no OJS id of its own and a create of it still pending is
  // found as one (Store::list_pending_creates, G1). When both sides hold the same document, the
  // base takes OJS's instead of a copy: callers read the views' hashes after this, never their
  // documents.
  static SyncState next_state(const EntityKey& key, const EntityTypeConfig& type,
                              const std::string& recorded_ojs_id, const std::string& agents_id,
                              SideView& ojs, const SideView& agents, const Json* base,
                              Timestamp now, std::int64_t expected_version) {
    SyncState next;
    next.key = key;
    next.ojs_id = ojs.snapshot ? ojs.snapshot->side_id : recorded_ojs_id;
    next.agents_id = agents.snapshot ? agents.snapshot->side_id : agents_id;
    if (ojs.snapshot && agents.snapshot && ojs.hash == agents.hash &&
        (ojs.doc() == agents.doc() || *ojs.doc() == *agents.doc())) {
      // Both sides hold the same document: it is the base (as agreed_base would find), and
      // its hash is known without serializing it again.
      next.base = ojs.take_document();
      next.base_hash = ojs.hash;
      next.base_text = std::move(ojs.text);
    } else {
      next.base = agreed_base(ojs.doc(), agents.doc(), base);
      next.base_hash = hash_of(next.base, type);
    }
    next.ojs_hash = ojs.hash;
    next.agents_hash = agents.hash;
    next.tombstone = !ojs.snapshot && !agents.snapshot;
    next.updated_at = now;
    next.version = expected_version + 1;
    return next;
  }

  // Records every conflict a resolver settled against one side's edit.
  static void audit_decisions(const MergeOutcome& merge, const EntityKey& key, Timestamp now,
                              std::vector<AuditEntry>& audit) {
    for (const auto& d : merge.decided) {
      Json details = Json::object();
      details["path"] = d.field.path;
      details["resolver"] = d.resolver;
      auto put = [&](const char* name, const std::optional<Json>& v) {
        details[name] = v ? *v : Json();
        details[std::string(name) + "_present"] = v.has_value();
      };
      put("ojs", d.field.ojs);
      put("agents", d.field.agents);
      details["winner"] = d.kind == Resolution::Kind::kTakeOjs      ? "ojs"
                          : d.kind == Resolution::Kind::kTakeAgents ? "agents"
                                                                     : "combined";
      audit.push_back({0, now, "engine", "conflict_decided", key, "", "", d.reason, std::move(details)});
    }
  }

  SyncRecord new_record(const SyncRequest& request, Timestamp start) const {
    SyncRecord record;
    record.key = request.key;
    record.direction = request.direction;
    record.trigger = request.trigger;
    record.started_at = start;
    record.retry_count = request.retries;
    return record;
  }

  // One attempt at syncing one entity. Never writes a side while a conflict is unresolved.
  Result<SyncReport> attempt(SyncRequest& request) {
    const EntityKey& key = request.key;
    OJSYNC_ASSIGN_OR_RETURN(const EntityTypeConfig* type, check_key(key));
    const Timestamp start = clock->now();
    SyncReport report;
    report.key = key;
    report.direction = request.direction;
    report.retries = request.retries;

    OJSYNC_ASSIGN_OR_RETURN(std::optional<SyncState> state, env.store->get_state(key));
    const std::string ojs_id = side_id_for(Side::kOjs, state, key);
    const std::string agents_id = side_id_for(Side::kAgents, state, key);
    const CreateGate::Mark creates_before_read = ojs_creates.mark();
    OJSYNC_ASSIGN_OR_RETURN(SideView ojs, fetch_side(Side::kOjs, *type, ojs_id, request));
    OJSYNC_ASSIGN_OR_RETURN(SideView agents, fetch_side(Side::kAgents, *type, agents_id, request));
    OJSYNC_ASSIGN_OR_RETURN(std::optional<ConflictRecord> open, env.store->open_conflict_for(key));
    if (!state && !ojs.snapshot && !agents.snapshot) {
      return NotFound(key.to_string() + " exists on neither side");
    }
    if (request.settlement != nullptr && (!open || open->id != request.settlement->conflict_id)) {
      return FailedPrecondition("conflict " + std::to_string(request.settlement->conflict_id) +
                                " is no longer open");
    }

    SyncCommit commit;
    commit.record = new_record(request, start);
    commit.completed_job_id = request.job_id;
    if (state && state->write_intent) {
      OJSYNC_ASSIGN_OR_RETURN(const bool found, find_lost_create(*type, request, *state, ojs));
      OJSYNC_RETURN_IF_ERROR(complete_interrupted_sync(request, *state, ojs, agents, found, start));
    }
    std::int64_t expected_version = state ? state->version : 0;
    auto finish = [&](SyncOutcome outcome) -> Result<SyncReport> {
      commit.record.outcome = outcome;
      commit.record.wrote_ojs = report.wrote_ojs;
      commit.record.wrote_agents = report.wrote_agents;
      commit.record.ojs_hash = ojs.hash;
      commit.record.agents_hash = agents.hash;
      commit.record.base_hash_before = state ? state->base_hash : "";
      commit.record.base_hash_after = commit.state ? commit.state->base_hash : commit.record.base_hash_before;
      commit.record.duration = clock->now() - start;
      OJSYNC_ASSIGN_OR_RETURN(CommitResult committed, env.store->commit_sync(commit));
      notify(commit.record);
      report.outcome = outcome;
      report.record_id = committed.record_id;
      report.conflict_id = committed.conflict_id;
      report.duration = commit.record.duration;
      return report;
    };

    // An OJS document first seen here that the engine created for another entity is that
    // entity's: its sync adopts it (find_lost_create). Importing it would make a twin.
    if (!state && ojs.snapshot) {
      OJSYNC_ASSIGN_OR_RETURN(std::optional<EntityKey> owner,
                              owner_of_unrecorded_create(*type, key, ojs));
      // Unstamped and read while one of this process's creates was in flight: it may be that
      // create's before the stamp. Read it again once those creates are done.
      if (!owner && ojs.snapshot->created_by.empty() && ojs_creates.overlapped(creates_before_read)) {
        ojs_creates.wait_for_creates_begun_so_far();
        OJSYNC_ASSIGN_OR_RETURN(ojs, fetch_side(Side::kOjs, *type, ojs_id, request));
        if (!ojs.snapshot && !agents.snapshot) return NotFound(key.to_string() + " exists on neither side");
        if (ojs.snapshot) {
          OJSYNC_ASSIGN_OR_RETURN(owner, owner_of_unrecorded_create(*type, key, ojs));
        }
      }
      if (owner) {
        OJSYNC_RETURN_IF_ERROR(
            env.store->enqueue(*owner, Direction::kBoth, request.trigger, start).status());
        report.handed_to = *owner;
        return finish(SyncOutcome::kNoop);
      }
    }

    // Both sides agree and neither changed since the last sync: nothing to do.
    if (state && !open && ojs.hash == state->ojs_hash && agents.hash == state->agents_hash &&
        ojs.hash == agents.hash) {
      return finish(SyncOutcome::kNoop);
    }

    const Timestamp now = clock->now();
    const Json* base = state && state->base ? &*state->base : nullptr;
    StrategyDecider strategy(options, *type, env.resolvers, key,
                             ojs.snapshot ? ojs.snapshot->modified : now,
                             agents.snapshot ? agents.snapshot->modified : now);
    std::optional<SettlementDecider> settlement;
    if (request.settlement != nullptr) settlement.emplace(strategy, *request.settlement);
    const ConflictDecider& decider = settlement ? static_cast<const ConflictDecider&>(*settlement) : strategy;
    MergeOutcome merge = three_way_merge(*type, decider, base, ojs.doc(), agents.doc());

    if (!merge.unresolved.empty()) {
      if (request.settlement != nullptr) {
        std::string fields;
        for (const auto& f : merge.unresolved) fields += (fields.empty() ? "" : ", ") + f.path;
        return FailedPrecondition("the resolution does not cover the conflicting fields: " + fields);
      }
      ConflictRecord conflict;
      conflict.key = key;
      conflict.strategy = merge.unresolved_by;
      conflict.base = base != nullptr ? std::optional<Json>(*base) : std::nullopt;
      if (ojs.snapshot) conflict.ojs = *ojs.doc();
      if (agents.snapshot) conflict.agents = *agents.doc();
      conflict.fields = std::move(merge.unresolved);
      conflict.created_at = open ? open->created_at : now;
      conflict.updated_at = now;
      commit.open_conflict = std::move(conflict);
      return finish(SyncOutcome::kConflict);
    }

    if (request.settlement != nullptr && request.settlement->fields != nullptr) {
      if (!merge.merged) merge.merged = Json::object();
      for (const auto& [field, value] : *request.settlement->fields) (*merge.merged)[field] = value;
    }
    // Losing edits go on record before any side is written: if a write's reply is lost or the
    // process dies before the commit, the retry finds both sides agreeing and would never learn
    // that an edit lost (docs/invariants.md, no lost update). A retry may record it again.
    std::vector<AuditEntry> decisions;
    audit_decisions(merge, key, now, decisions);
    for (const AuditEntry& entry : decisions) {
      OJSYNC_RETURN_IF_ERROR(env.store->append_audit(entry).status());
    }
    const std::string target_hash = hash_of(merge.merged, *type);
    OJSYNC_ASSIGN_OR_RETURN(expected_version,
                            record_write_intent(key, state, *type, request.direction, target_hash,
                                                ojs, agents, agents_id, now));
    for (Side side : {Side::kOjs, Side::kAgents}) {
      if (!writable(*type, request.direction, side)) continue;
      SideView& view = side == Side::kOjs ? ojs : agents;
      OJSYNC_RETURN_IF_ERROR(apply_to_side(side, *type, key, side == Side::kOjs ? ojs_id : agents_id,
                                           merge.merged, target_hash, state ? state->base_hash : "",
                                           view, report, commit.audit, now, request));
    }

    commit.state =
        next_state(key, *type, state ? state->ojs_id : std::string(), agents_id, ojs, agents, base,
                   now, expected_version);
    commit.expected_version = expected_version;
    if (open) {
      ConflictClosure closure;
      closure.conflict_id = open->id;
      if (request.settlement != nullptr) {
        closure.resolved_by = request.settlement->resolved_by;
        closure.resolution = request.settlement->how;
      } else {
        closure.resolved_by = "engine";
        closure.resolution = "converged";
      }
      closure.resolved_document = merge.merged;
      commit.close_conflict = std::move(closure);
    }
    return finish(report.wrote_ojs || report.wrote_agents ? SyncOutcome::kApplied : SyncOutcome::kNoop);
  }

  // Records a failed attempt (and reschedules or dead-letters its job) in one commit.
  void record_failure(const SyncRequest& request, const Status& error, Timestamp start,
                      std::optional<JobFailure> job_failure) {
    SyncCommit commit;
    commit.record = new_record(request, start);
    commit.record.outcome = SyncOutcome::kFailed;
    commit.record.error = error.to_string();
    commit.record.duration = clock->now() - start;
    commit.failed_job = std::move(job_failure);
    // If the store itself is failing there is nowhere to record this; the caller still
    // receives the original error (and observers still hear of it).
    (void)env.store->commit_sync(commit);
    notify(commit.record);
  }

  void notify(const SyncRecord& record) const {
    if (env.on_record) env.on_record(record);
  }

  // The sync a claimed job asks for.
  static SyncRequest job_request(const Job& job) {
    SyncRequest request;
    request.key = job.key;
    request.direction = job.direction;
    request.trigger = job.trigger;
    request.job_id = job.id;
    request.retries = job.attempts;
    return request;
  }

  // Runs one claimed job and settles it in the queue: done, rescheduled with backoff,
  // dead-lettered, or held for an open circuit breaker.
  JobOutcome run_job(const Job& job) {
    SyncRequest request = job_request(job);
    const Timestamp start = clock->now();
    Result<SyncReport> result = attempt(request);
    if (result.ok()) return JobOutcome::kSucceeded;
    return settle_failed_job(job, request, result.status(), start);
  }

  Result<std::vector<Job>> claim_due_jobs(std::string_view worker, std::size_t max) {
    return env.store->claim_jobs(worker, max, clock->now(), options.job_lease);
  }

  // Runs `job` on the pool and tells `done` how it ended.
  void start_job(Job job, const std::shared_ptr<std::function<void(JobOutcome)>>& done) {
    (void)pool.submit([this, job = std::move(job), done] {
      const JobOutcome outcome = run_job(job);
      if (*done) (*done)(outcome);
    });
  }

  // A job whose attempt (`request`, started at `start`) failed with `error`.
  JobOutcome settle_failed_job(const Job& job, SyncRequest& request, const Status& error,
                               Timestamp start) {
    if (request.held_by_breaker) {
      // Wait for the breaker without spending an attempt. Should the store fail here, the
      // lease expires and the job runs again: nothing is lost.
      const Duration hold = error.retry_after().value_or(options.breaker.open_duration);
      (void)env.store->defer_job(job.id, clock->now() + hold);
      return JobOutcome::kHeld;
    }
    JobFailure failure;
    failure.job_id = job.id;
    failure.error = error.to_string();
    // After the type's breakers let calls through again, plus the backoff: a failed probe then
    // waits its turn behind the jobs held meanwhile, so a long outage spreads its probes (and
    // the attempts they cost) over the queue instead of dead-lettering the first job.
    failure.retry_at =
        clock->now() + breakers_closed_in(job.key.type) + retry_delay(job.attempts, error);
    // Permanent errors cannot heal by waiting: dead-letter them now.
    failure.retry_limit = error.is_retryable() ? options.retry_limit : job.attempts + 1;
    const bool dead = job.attempts + 1 >= failure.retry_limit;
    request.job_id.reset();
    record_failure(request, error, start, std::move(failure));
    return dead ? JobOutcome::kDeadLettered : JobOutcome::kRescheduled;
  }

  // ------------------------------------------------------------------ bulk import
  // batch_sync takes its ids in groups: each entity of a group is fetched and merged on the
  // pool as a sync would, then the group shares ONE transaction for its write intents, ONE
  // write_batch per side and ONE commit_syncs. Whatever is not an ordinary write (an open
  // conflict or one the merge cannot settle, a decision to audit, a delete, a create where the
  // side names the id, an unfinished earlier sync) and every entity whose step fails in the
  // group (a fetch, a version race, a write) goes the per-entity way, sync() with its retries,
  // after the group: nothing of it was written that the next sync does not recognise (its
  // write intent, docs/invariants.md G2), and it holds up no one.

  // One entity of a group: what its attempt read and decided before any write.
  struct BulkItem {
    SyncRequest request;
    const EntityTypeConfig* type = nullptr;
    Timestamp start{};
    std::optional<SyncState> state;
    bool state_read = false;  // `state` holds the group's read of the entry.
    // The group's read of the agents' side (read_group_agents), when `agents_read`.
    std::optional<Snapshot> agents_snapshot;
    bool agents_read = false;
    std::string ojs_id;
    std::string agents_id;
    CreateGate::Mark creates_before_read;  // Where the engine's creates stood before the fetch.
    SideView ojs;
    SideView agents;
    // What every side is to hold: the merge's result, or, when only OJS holds the entity and
    // there is no base (an import), OJS's document as it is, which the merge would only copy.
    std::optional<Json> merged;
    bool target_is_ojs = false;
    std::string target_hash;
    std::optional<WriteIntent> intent;
    std::int64_t expected_version = 0;
    bool writes[2] = {false, false};  // By side: kOjs, kAgents.
    SyncReport report;
    std::vector<AuditEntry> audit;
    bool per_entity = false;  // Leaves the group for sync().
    Status failed;            // Why it left while planning, when an error made it leave.
    std::optional<Result<SyncReport>> result;

    bool has_target() const { return merged || target_is_ojs; }
    const Json& target() const { return target_is_ojs ? *ojs.doc() : *merged; }
  };

  // Half a listing page: a page's two groups overlap (bulk_sync), and each still shares one
  // transaction per store among 50 entities.
  static constexpr std::size_t kBulkGroup = 50;
  // Groups the pool plans while the caller's thread writes one. With one, the pool sat idle
  // whenever it had planned the next group before the caller had committed the last: two made
  // the 100,000-submission import 3-14 % faster (bench/RESULTS.md); three, no faster again.
  static constexpr std::size_t kGroupsPlannedAhead = 2;
  static int side_index(Side side) { return side == Side::kOjs ? 0 : 1; }

  // Reads and merges one entity of a group; marks it per_entity for anything but an ordinary
  // write or no-op. Runs on the pool; touches nothing but `item` (and the store's reads). What
  // the store says of its documents is asked for the whole group afterwards (screen_group).
  void plan_bulk(BulkItem& item) {
    const EntityKey& key = item.request.key;
    auto leave = [&item] { item.per_entity = true; };
    auto fail = [&item](Status error) {  // The attempt's outcome: nothing was written.
      item.per_entity = true;
      item.failed = std::move(error);
    };
    item.start = clock->now();
    Result<const EntityTypeConfig*> type = check_key(key);
    if (!type.ok()) return fail(type.status());
    item.type = *type;
    item.report.key = key;
    item.report.direction = item.request.direction;
    if (!item.state_read) {
      Result<std::optional<SyncState>> state = env.store->get_state(key);
      if (!state.ok()) return fail(state.status());
      item.state = std::move(state).value();
    }
    if (item.state && item.state->write_intent) return leave();
    item.ojs_id = side_id_for(Side::kOjs, item.state, key);
    item.agents_id = side_id_for(Side::kAgents, item.state, key);
    item.creates_before_read = ojs_creates.mark();
    Result<SideView> ojs = fetch_side(Side::kOjs, *item.type, item.ojs_id, item.request);
    if (!ojs.ok()) return fail(ojs.status());
    Result<SideView> agents =
        item.agents_read
            ? Result<SideView>(view_of(std::move(item.agents_snapshot), *item.type))
            : fetch_side(Side::kAgents, *item.type, item.agents_id, item.request);
    if (!agents.ok()) return fail(agents.status());
    item.ojs = std::move(ojs).value();
    item.agents = std::move(agents).value();
    if (!item.state && !item.ojs.snapshot && !item.agents.snapshot) return leave();
    item.expected_version = item.state ? item.state->version : 0;
    if (item.state && item.ojs.hash == item.state->ojs_hash &&
        item.agents.hash == item.state->agents_hash && item.ojs.hash == item.agents.hash) {
      return;  // The fast path: a no-op, recorded with the group.
    }
    const Json* base = item.state && item.state->base ? &*item.state->base : nullptr;
    if (base == nullptr && item.ojs.snapshot && !item.agents.snapshot) {
      item.target_is_ojs = true;
      item.target_hash = item.ojs.hash;
    } else if (!merge_planned(item, base)) {
      return leave();
    }
    WriteIntent intent{item.target_hash, false, false};
    bool every_side_ends_at_target = true;
    for (Side side : {Side::kOjs, Side::kAgents}) {
      const SideView& view = side == Side::kOjs ? item.ojs : item.agents;
      if (view.hash == item.target_hash) continue;
      if (!writable(*item.type, item.request.direction, side)) {
        every_side_ends_at_target = false;
        continue;
      }
      // OJS names the documents created there: such a create goes the per-entity way, which
      // asks again at once when its reply is lost (known gap G1).
      if (!view.snapshot && side == Side::kOjs) return leave();
      item.writes[side_index(side)] = true;
      (side == Side::kOjs ? intent.writes_ojs : intent.writes_agents) = true;
    }
    if (every_side_ends_at_target && (intent.writes_ojs || intent.writes_agents)) {
      item.intent = intent;
    }
  }

  // Merges one entity of a group into item.merged; false when the merge needs the per-entity
  // way (a conflict, a resolver's decision, a delete).
  bool merge_planned(BulkItem& item, const Json* base) const {
    const Timestamp now = clock->now();
    StrategyDecider strategy(options, *item.type, env.resolvers, item.request.key,
                             item.ojs.snapshot ? item.ojs.snapshot->modified : now,
                             item.agents.snapshot ? item.agents.snapshot->modified : now);
    MergeOutcome merge =
        three_way_merge(*item.type, strategy, base, item.ojs.doc(), item.agents.doc());
    if (!merge.unresolved.empty() || !merge.decided.empty() || !merge.merged) return false;
    // The merged document is often one side's as it is: its hash is known.
    if (item.ojs.snapshot && *merge.merged == *item.ojs.doc()) {
      item.target_hash = item.ojs.hash;
    } else if (item.agents.snapshot && *merge.merged == *item.agents.doc()) {
      item.target_hash = item.agents.hash;
    } else {
      item.target_hash = hash_of(merge.merged, *item.type);
    }
    item.merged = std::move(merge.merged);
    return true;
  }

  // What the store says of a planned group, asked once for it after every fetch of it: an
  // entity with an open conflict, and an OJS document nobody names that is one of the engine's
  // creates (G1) or may be one still in flight, go the per-entity way (which hands the document
  // to its owner, or waits for the create, instead of importing it). Should a read fail, the
  // entities it was for fail their attempt with its error.
  void screen_group(std::vector<BulkItem>& group) {
    std::vector<EntityKey> keys;
    std::vector<BulkItem*> items;
    std::vector<UnrecordedCreate> unrecorded;
    std::vector<BulkItem*> unrecorded_items;
    for (BulkItem& item : group) {
      if (item.per_entity) continue;
      keys.push_back(item.request.key);
      items.push_back(&item);
      if (!item.state && item.ojs.snapshot) {
        unrecorded.push_back({&item.request.key, &item.ojs});
        unrecorded_items.push_back(&item);
      }
    }
    if (items.empty()) return;
    const auto fail_all = [](std::span<BulkItem* const> failed, const Status& error) {
      for (BulkItem* item : failed) {
        item->per_entity = true;
        item->failed = error;
      }
    };
    const EntityTypeConfig& type = *items.front()->type;
    Result<std::vector<std::optional<EntityKey>>> made_by =
        owners_of_unrecorded_creates(type, unrecorded);
    if (!made_by.ok()) {
      fail_all(unrecorded_items, made_by.status());
    } else {
      for (std::size_t i = 0; i < unrecorded.size(); ++i) {
        BulkItem& item = *unrecorded_items[i];
        if ((*made_by)[i] || (item.ojs.snapshot->created_by.empty() &&
                              ojs_creates.overlapped(item.creates_before_read))) {
          item.per_entity = true;
        }
      }
    }
    Result<std::vector<std::optional<ConflictRecord>>> open = env.store->open_conflicts_for(keys);
    if (!open.ok()) return fail_all(items, open.status());
    for (std::size_t i = 0; i < items.size(); ++i) {
      if ((*open)[i]) items[i]->per_entity = true;
    }
  }

  // The group's write intents in one transaction (record_write_intent, one per entity).
  void record_bulk_intents(std::vector<BulkItem>& group) {
    std::vector<WriteIntentUpdate> updates;
    std::vector<BulkItem*> owners;
    for (BulkItem& item : group) {
      if (item.per_entity || !item.intent) continue;
      WriteIntentUpdate u;
      u.key = item.request.key;
      u.version = item.expected_version;
      if (!item.state) {
        u.ojs_id = item.ojs.snapshot ? item.ojs.snapshot->side_id : "";
        u.agents_id = item.agents.snapshot ? item.agents.snapshot->side_id : item.agents_id;
        u.updated_at = item.start;
      }
      u.intent = *item.intent;
      updates.push_back(std::move(u));
      owners.push_back(&item);
    }
    if (updates.empty()) return;
    Result<std::vector<Result<std::int64_t>>> recorded = env.store->record_write_intents(updates);
    for (std::size_t i = 0; i < owners.size(); ++i) {
      if (recorded.ok() && (*recorded)[i].ok()) {
        owners[i]->expected_version = *(*recorded)[i];
      } else {
        owners[i]->per_entity = true;  // Nothing written yet: the per-entity way starts over.
      }
    }
  }

  // Every write of the group to one side through the side's breaker: the agents' side in ONE
  // write_batch (the embedded store applies it in one transaction); OJS, whose API has no
  // transactions, in one write_batch per worker on the pool, as concurrent as single syncs.
  void write_bulk(Side side, std::string_view type_name, std::vector<BulkItem>& group) {
    std::vector<WriteRequest> requests;
    std::vector<std::string> subjects;  // Of the circuit breaker, by request.
    std::vector<BulkItem*> owners;
    for (BulkItem& item : group) {
      if (item.per_entity || !item.writes[side_index(side)]) continue;
      const SideView& view = side == Side::kOjs ? item.ojs : item.agents;
      // An import's target is OJS's document, whose text its view may hold.
      WriteRequest w =
          write_request(side, *item.type, item.request.key, view, item.agents_id, item.target(),
                        item.state ? item.state->base_hash : "", item.target_hash,
                        item.target_is_ojs ? std::string_view(item.ojs.text) : std::string_view());
      subjects.push_back(breaker_subject(item.request.key, w.side_id));
      requests.push_back(std::move(w));
      owners.push_back(&item);
    }
    if (requests.empty()) return;
    CircuitBreaker& breaker = *breakers.find(endpoint_name(side, type_name))->second;
    const Result<BreakerCall> admitted = breaker.allow();
    if (!admitted.ok()) {
      for (BulkItem* item : owners) item->per_entity = true;  // Held there, as a sync would be.
      return;
    }
    if (*admitted == BreakerCall::kProbe) {
      // A half-open breaker lets one call through: the first write is the probe, the others
      // wait for its verdict the per-entity way.
      for (std::size_t i = 1; i < owners.size(); ++i) owners[i]->per_entity = true;
      requests.resize(1);
      subjects.resize(1);
      owners.resize(1);
    }
    const std::size_t chunks = side == Side::kOjs ? std::min(options.workers, requests.size()) : 1;
    // Chunk c holds requests [chunk_end(c - 1), chunk_end(c)).
    auto chunk_end = [&](std::size_t c) { return requests.size() * (c + 1) / chunks; };
    std::vector<std::future<Result<std::vector<Result<WriteResult>>>>> written;
    for (std::size_t c = 0; c < chunks; ++c) {
      const std::size_t from = c == 0 ? 0 : chunk_end(c - 1);
      const std::span<const WriteRequest> chunk(requests.data() + from, chunk_end(c) - from);
      if (chunks == 1) {
        std::promise<Result<std::vector<Result<WriteResult>>>> now;
        now.set_value(connector(side).write_batch(type_name, chunk));
        written.push_back(now.get_future());
      } else {
        written.push_back(pool.submit([this, side, type_name, chunk] {
          return connector(side).write_batch(type_name, chunk);
        }));
      }
    }
    wait_all(written);
    for (std::size_t c = 0, i = 0; c < chunks; ++c) {
      Result<std::vector<Result<WriteResult>>> results = written[c].get();
      // A batch that failed as a whole is the endpoint's outage, not one record's.
      if (!results.ok()) breaker.record(results.status());
      for (std::size_t k = 0; i < chunk_end(c); ++i, ++k) {
        BulkItem& item = *owners[i];
        if (!results.ok() || !(*results)[k].ok()) {
          if (results.ok()) breaker.record((*results)[k].status(), subjects[i]);
          // Its outcome may be unknown (a lost reply): the per-entity way looks at the side, and
          // the write intent tells it whether the write took effect.
          item.per_entity = true;
          continue;
        }
        breaker.record(OkStatus(), subjects[i]);
        SideView& view = side == Side::kOjs ? item.ojs : item.agents;
        take_written(side, *item.type, item.request.key, std::move(*(*results)[k]), requests[i],
                     item.target_hash, view, item.report, item.audit, clock->now());
      }
    }
  }

  // Waits for every future before any is read, so that none still runs on what the caller
  // owns when a read throws (the simulation's crash).
  template <typename T>
  static void wait_all(std::vector<std::future<T>>& futures) {
    for (auto& f : futures) {
      if (f.valid()) f.wait();
    }
  }

  // The group's commits in one transaction; an entity whose commit fails (a version race)
  // goes the per-entity way.
  void commit_bulk(std::vector<BulkItem>& group) {
    std::vector<SyncCommit> commits;
    std::vector<BulkItem*> owners;
    for (BulkItem& item : group) {
      if (item.per_entity) continue;
      SyncCommit commit;
      commit.record = new_record(item.request, item.start);
      commit.completed_job_id = item.request.job_id;
      const bool wrote = item.report.wrote_ojs || item.report.wrote_agents;
      const bool noop_fast_path = !item.has_target();
      commit.record.outcome = wrote ? SyncOutcome::kApplied : SyncOutcome::kNoop;
      commit.record.wrote_ojs = item.report.wrote_ojs;
      commit.record.wrote_agents = item.report.wrote_agents;
      commit.record.ojs_hash = item.ojs.hash;
      commit.record.agents_hash = item.agents.hash;
      commit.record.base_hash_before = item.state ? item.state->base_hash : "";
      if (!noop_fast_path) {
        const Json* base = item.state && item.state->base ? &*item.state->base : nullptr;
        commit.state = next_state(item.request.key, *item.type,
                                  item.state ? item.state->ojs_id : std::string(), item.agents_id,
                                  item.ojs, item.agents, base, clock->now(), item.expected_version);
        commit.expected_version = item.expected_version;
      }
      commit.record.base_hash_after =
          commit.state ? commit.state->base_hash : commit.record.base_hash_before;
      commit.record.duration = clock->now() - item.start;
      commit.audit = std::move(item.audit);
      commits.push_back(std::move(commit));
      owners.push_back(&item);
    }
    if (commits.empty()) return;
    Result<std::vector<Result<CommitResult>>> committed = env.store->commit_syncs(commits);
    for (std::size_t i = 0; i < owners.size(); ++i) {
      BulkItem& item = *owners[i];
      if (!committed.ok() || !(*committed)[i].ok()) {
        item.per_entity = true;
        continue;
      }
      notify(commits[i].record);
      item.report.outcome = commits[i].record.outcome;
      item.report.record_id = (*committed)[i]->record_id;
      item.report.duration = commits[i].record.duration;
      item.result = std::move(item.report);
    }
  }

  // The group's archive entries in one read; should it fail, each plan reads its own (and fails
  // alone if the store is down).
  void read_group_states(std::vector<BulkItem>& group) {
    std::vector<EntityKey> keys;
    std::vector<BulkItem*> owners;
    for (BulkItem& item : group) {
      if (item.per_entity) continue;
      keys.push_back(item.request.key);
      owners.push_back(&item);
    }
    Result<std::vector<std::optional<SyncState>>> states = env.store->get_states(keys);
    if (!states.ok()) return;
    for (std::size_t i = 0; i < owners.size(); ++i) {
      owners[i]->state = std::move((*states)[i]);
      owners[i]->state_read = true;
    }
  }

  // The group's documents on the agents' side in one read, when that side reads in batches
  // and its breaker is closed (a batch is no probe); otherwise, or should the read fail, each
  // plan fetches its own through the breaker. Read before OJS's, while a sync reads OJS first:
  // either way each write names the version it was merged from, so an agent's edit made after
  // the read is refused, not overwritten, and a side whose document is left as read keeps its
  // edit for the next sync to merge (docs/invariants.md, 1).
  void read_group_agents(std::string_view type, std::vector<BulkItem>& group) {
    const auto found = breakers.find(endpoint_name(Side::kAgents, type));
    if (found == breakers.end() || found->second->status().state != BreakerState::kClosed) return;
    CircuitBreaker& breaker = *found->second;
    std::vector<std::string> ids;
    std::vector<BulkItem*> owners;
    for (BulkItem& item : group) {
      if (item.per_entity || !item.state_read || (item.state && item.state->write_intent)) continue;
      std::string id = side_id_for(Side::kAgents, item.state, item.request.key);
      if (id.empty()) continue;
      ids.push_back(std::move(id));
      owners.push_back(&item);
    }
    if (ids.empty()) return;
    Result<std::vector<std::optional<Snapshot>>> read = connector(Side::kAgents).fetch_batch(type, ids);
    if (!read.ok() || read->size() != ids.size()) return;
    breaker.record(OkStatus());
    for (std::size_t i = 0; i < owners.size(); ++i) {
      owners[i]->agents_snapshot = std::move((*read)[i]);
      owners[i]->agents_read = true;
    }
  }

  // Reads the group's entries and its agents' documents, then starts planning each entity of
  // `group` on the pool.
  std::vector<std::future<void>> start_planning(std::string_view type, std::vector<BulkItem>& group) {
    read_group_states(group);
    read_group_agents(type, group);
    std::vector<std::future<void>> planned;
    planned.reserve(group.size());
    for (BulkItem& item : group) planned.push_back(pool.submit([this, &item] { plan_bulk(item); }));
    return planned;
  }

  // Where run_bulk takes its requests from: each call gives the next ones, none when there are
  // no more. An error ends the run (what was taken before still runs) and is its result.
  using NextRequests = std::function<Result<std::vector<SyncRequest>>()>;

  // run_bulk's requests, taken a group at a time from their source.
  class RequestFeed {
   public:
    explicit RequestFeed(const NextRequests& next) : next_(next) {}

    // Up to `n` requests, fewer only at the end of the source.
    std::vector<SyncRequest> take(std::size_t n) {
      while (buffered_.size() < n && !ended_) {
        Result<std::vector<SyncRequest>> more = next_();
        if (!more.ok()) error_ = more.status();
        ended_ = !more.ok() || more->empty();
        if (more.ok()) std::move(more->begin(), more->end(), std::back_inserter(buffered_));
      }
      const std::size_t count = std::min(n, buffered_.size());
      std::vector<SyncRequest> taken(std::make_move_iterator(buffered_.begin()),
                                     std::make_move_iterator(buffered_.begin() + count));
      buffered_.erase(buffered_.begin(), buffered_.begin() + count);
      return taken;
    }
    const Status& error() const { return error_; }

   private:
    const NextRequests& next_;
    std::deque<SyncRequest> buffered_;
    bool ended_ = false;
    Status error_;
  };

  // Runs the requests `next` gives, all of type `type`, on the bulk path. Groups are pipelined:
  // while the caller's thread takes the next requests (a listing page, a claim), then records,
  // writes and commits one group, the pool already fetches and merges the next two (an id in
  // two groups is safe: the second's version check sends it the per-entity way), so the pool
  // does not drain between the source's pages, nor while the caller writes a group. The caller
  // waits for the pool, so it must not be one of the pool's threads. Requests are numbered in
  // the order taken. A request its group does not settle is handed to `leave` with its number
  // as soon as that group is done, with the error that made it leave while it was planned
  // (then nothing of it was written and that error is the outcome of its attempt, started at
  // the time given), or OK; the others go to `settle` with their outcome, a group at a time.
  using LeaveGroup = std::function<void(std::size_t, SyncRequest, const Status&, Timestamp)>;
  using SettleGroup = std::function<void(std::size_t, Result<SyncReport>)>;
  Status run_bulk(std::string_view type, const NextRequests& next, const LeaveGroup& leave,
                  const SettleGroup& settle) {
    RequestFeed feed(next);
    // The group being written and those planned meanwhile; a deque keeps each item where its
    // planning task writes while the other groups come and go.
    std::deque<std::vector<BulkItem>> groups;
    std::deque<std::vector<std::future<void>>> planned;
    // Should a step throw (the simulation's crash), no task it started may outlive the groups
    // it writes to, nor run on into the manager's destruction.
    struct JoinAll {
      std::deque<std::vector<std::future<void>>>& planned;
      ~JoinAll() {
        for (auto& group : planned) wait_all(group);
      }
    } join_all{planned};
    const auto plan_next_group = [&] {
      std::vector<SyncRequest> requests = feed.take(kBulkGroup);
      if (requests.empty()) return;
      std::vector<BulkItem>& group = groups.emplace_back(requests.size());
      std::set<std::string_view> seen;
      for (std::size_t i = 0; i < group.size(); ++i) {
        BulkItem& item = group[i];
        item.request = std::move(requests[i]);
        // The same id twice in a group would race itself: the second goes the per-entity way.
        item.per_entity = !seen.insert(item.request.key.id).second;
      }
      planned.push_back(start_planning(type, group));
    };
    for (std::size_t ahead = 0; ahead < kGroupsPlannedAhead; ++ahead) plan_next_group();
    for (std::size_t first = 0; !groups.empty(); groups.pop_front(), planned.pop_front()) {
      plan_next_group();
      for (auto& f : planned.front()) f.get();
      std::vector<BulkItem>& group = groups.front();
      screen_group(group);
      record_bulk_intents(group);
      for (Side side : {Side::kOjs, Side::kAgents}) write_bulk(side, type, group);
      commit_bulk(group);
      for (std::size_t i = 0; i < group.size(); ++i) {
        BulkItem& item = group[i];
        if (item.per_entity) {
          leave(first + i, std::move(item.request), item.failed, item.start);
        } else {
          settle(first + i, std::move(*item.result));
        }
      }
      first += group.size();
    }
    return feed.error();
  }

  // run_bulk for requests all known at once.
  static NextRequests all_at_once(std::vector<SyncRequest>& requests) {
    return [&requests]() -> Result<std::vector<SyncRequest>> { return std::exchange(requests, {}); };
  }

  static SyncRequest bulk_request(std::string_view type, const std::string& id, Direction direction,
                           std::string_view trigger) {
    SyncRequest request;
    request.key = EntityKey{std::string(type), id};
    request.direction = direction;
    request.trigger = std::string(trigger);
    return request;
  }

  // sync() retries what left its group, a failure met while planning included.
  std::future<Result<SyncReport>> sync_alone(SyncRequest request) {
    return pool.submit([this, request = std::move(request)]() mutable {
      request.held_by_breaker = false;
      return sync_with_retries(std::move(request));
    });
  }

  std::vector<std::pair<std::string, Result<SyncReport>>> bulk_sync(
      std::string_view type, const std::vector<std::string>& ids, Direction direction,
      std::string_view trigger) {
    std::vector<SyncRequest> requests;
    requests.reserve(ids.size());
    for (const std::string& id : ids) requests.push_back(bulk_request(type, id, direction, trigger));
    std::vector<std::future<Result<SyncReport>>> per_entity(ids.size());
    struct JoinAll {  // As run_bulk's, for the syncs it hands over.
      std::vector<std::future<Result<SyncReport>>>& per_entity;
      ~JoinAll() { wait_all(per_entity); }
    } join_all{per_entity};
    std::vector<std::optional<Result<SyncReport>>> settled(ids.size());
    (void)run_bulk(
        type, all_at_once(requests),
        [&](std::size_t at, SyncRequest request, const Status&, Timestamp) {
          per_entity[at] = sync_alone(std::move(request));
        },
        [&](std::size_t at, Result<SyncReport> result) { settled[at] = std::move(result); });
    std::vector<std::pair<std::string, Result<SyncReport>>> results;
    results.reserve(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) {
      results.emplace_back(ids[i], settled[i] ? std::move(*settled[i]) : per_entity[i].get());
    }
    return results;
  }

  // next_ids, asked on the pool for the page after the one it gives while that one is synced:
  // the listing's round trip and parse then leave the caller's thread, which writes the groups
  // and is what an import waited for (bench/RESULTS.md). One page ahead at most; the pages come
  // in order, and next_ids is never asked twice at once.
  class PageAhead {
   public:
    PageAhead(const SyncManager::NextIds& next_ids, ThreadPool& pool)
        : next_ids_(next_ids), pool_(pool) {}
    PageAhead(const PageAhead&) = delete;
    PageAhead& operator=(const PageAhead&) = delete;
    // A page still being asked for when the run ends (it threw) must not outlive next_ids.
    ~PageAhead() {
      if (ahead_.valid()) ahead_.wait();
    }

    Result<std::vector<std::string>> next() {
      Result<std::vector<std::string>> page = ahead_.valid() ? ahead_.get() : next_ids_();
      if (page.ok() && !page->empty()) ahead_ = pool_.submit([this] { return next_ids_(); });
      return page;
    }

   private:
    const SyncManager::NextIds& next_ids_;
    ThreadPool& pool_;
    std::future<Result<std::vector<std::string>>> ahead_;
  };

  Status paged_bulk_sync(std::string_view type, const SyncManager::NextIds& next_ids,
                         const SyncManager::OnResult& on_result, Direction direction,
                         std::string_view trigger) {
    PageAhead pages(next_ids, pool);
    std::map<std::size_t, std::string> ids;  // By number, until the outcome is given.
    std::size_t taken = 0;
    std::map<std::size_t, std::future<Result<SyncReport>>> alone;
    struct JoinAll {  // As run_bulk's, for the syncs it hands over.
      std::map<std::size_t, std::future<Result<SyncReport>>>& alone;
      ~JoinAll() {
        for (auto& [at, f] : alone) f.wait();
      }
    } join_all{alone};
    const auto give = [&](std::size_t at, Result<SyncReport> result) {
      const auto id = ids.find(at);
      on_result(id->second, std::move(result));
      ids.erase(id);
    };
    // Gives the outcomes of the syncs handed over that are done, so that neither they nor their
    // ids wait for the end of the source.
    const auto give_finished_alone = [&](bool wait) {
      for (auto it = alone.begin(); it != alone.end();) {
        if (!wait && it->second.wait_for(Duration::zero()) != std::future_status::ready) {
          ++it;
          continue;
        }
        give(it->first, it->second.get());
        it = alone.erase(it);
      }
    };
    const NextRequests next = [&]() -> Result<std::vector<SyncRequest>> {
      give_finished_alone(false);
      OJSYNC_ASSIGN_OR_RETURN(std::vector<std::string> page, pages.next());
      std::vector<SyncRequest> requests;
      requests.reserve(page.size());
      for (std::string& id : page) {
        requests.push_back(bulk_request(type, id, direction, trigger));
        ids.emplace(taken++, std::move(id));
      }
      return requests;
    };
    Status ended = run_bulk(
        type, next,
        [&](std::size_t at, SyncRequest request, const Status&, Timestamp) {
          alone.emplace(at, sync_alone(std::move(request)));
        },
        give);
    give_finished_alone(true);
    return ended;
  }

  Result<SyncReport> sync_with_retries(SyncRequest request) {
    const Timestamp start = clock->now();
    Status last;
    for (std::int32_t attempt_no = 0; attempt_no < std::max<std::int32_t>(1, options.retry_limit);
         ++attempt_no) {
      request.retries = attempt_no;
      Result<SyncReport> result = attempt(request);
      if (result.ok()) return result;
      last = result.status();
      if (last.code() == StatusCode::kInvalidArgument) return last;  // Nothing to record.
      // An open breaker will not close while this caller waits in line for it.
      if (request.held_by_breaker) break;
      if (!last.is_retryable() || attempt_no + 1 >= options.retry_limit) break;
      const Duration wait = retry_delay(attempt_no, last);
      // The caller is waiting: a remote asking for a longer pause than one backoff may last
      // ends the inline retries (the error says when to come back).
      if (wait > options.retry_backoff_max) break;
      sleep(wait);
    }
    if (last.code() != StatusCode::kFailedPrecondition || request.settlement == nullptr) {
      record_failure(request, last, start, std::nullopt);
    }
    return last;
  }
};

SyncManager::SyncManager(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SyncManager::~SyncManager() = default;

Result<std::unique_ptr<SyncManager>> SyncManager::create(SyncOptions options, SyncEnv env) {
  if (env.store == nullptr || env.ojs == nullptr || env.agents == nullptr) {
    return InvalidArgument("SyncEnv needs a store and both connectors");
  }
  if (options.batch_size == 0) return InvalidArgument("batch_size must be at least 1");
  if (options.retry_limit < 1) return InvalidArgument("retry_limit must be at least 1");
  if (options.workers == 0) return InvalidArgument("workers must be at least 1");
  if (options.retention_days < 1) return InvalidArgument("retention_days must be at least 1");
  if (options.clock_skew_tolerance < Duration(0)) {
    return InvalidArgument("clock_skew_tolerance must not be negative");
  }
  OJSYNC_RETURN_IF_ERROR(validate_strategy(options, env.resolvers));
  return std::unique_ptr<SyncManager>(
      new SyncManager(std::make_unique<Impl>(std::move(options), std::move(env))));
}

const SyncOptions& SyncManager::options() const { return impl_->options; }

Result<SyncReport> SyncManager::sync(std::string_view type, std::string_view id, Direction direction,
                                     std::string_view trigger) {
  SyncRequest request;
  request.key = EntityKey{std::string(type), std::string(id)};
  request.direction = direction;
  request.trigger = std::string(trigger);
  return impl_->sync_with_retries(std::move(request));
}

std::vector<std::pair<std::string, Result<SyncReport>>> SyncManager::batch_sync(
    std::string_view type, const std::vector<std::string>& ids, Direction direction,
    std::string_view trigger) {
  return impl_->bulk_sync(type, ids, direction, trigger);
}

Status SyncManager::batch_sync_pages(std::string_view type, const NextIds& next_ids,
                                     const OnResult& on_result, Direction direction,
                                     std::string_view trigger) {
  return impl_->paged_bulk_sync(type, next_ids, on_result, direction, trigger);
}

Result<EntityStatus> SyncManager::status(std::string_view type, std::string_view id, std::size_t records) {
  const EntityKey key{std::string(type), std::string(id)};
  OJSYNC_RETURN_IF_ERROR(impl_->check_key(key).status());
  EntityStatus status;
  OJSYNC_ASSIGN_OR_RETURN(status.state, impl_->env.store->get_state(key));
  OJSYNC_ASSIGN_OR_RETURN(status.recent_records, impl_->env.store->list_records(key, records));
  OJSYNC_ASSIGN_OR_RETURN(status.open_conflict, impl_->env.store->open_conflict_for(key));
  return status;
}

Result<std::vector<ConflictRecord>> SyncManager::pending_conflicts(std::size_t limit) {
  return impl_->env.store->list_conflicts(ConflictStatus::kOpen, limit);
}

Result<SyncReport> SyncManager::resolve_conflict(std::int64_t conflict_id, const Json& resolution,
                                                 std::string_view resolved_by) {
  if (!resolution.is_object() || resolution.as_object().empty()) {
    return InvalidArgument("a resolution is a non-empty JSON object");
  }
  if (resolved_by.empty()) return InvalidArgument("resolved_by must name who resolves");
  OJSYNC_ASSIGN_OR_RETURN(auto conflict, impl_->env.store->get_conflict(conflict_id));
  if (!conflict) return NotFound("conflict " + std::to_string(conflict_id) + " does not exist");
  if (conflict->status != ConflictStatus::kOpen) {
    return FailedPrecondition("conflict " + std::to_string(conflict_id) + " is already resolved");
  }
  ConflictSettlement settlement;
  settlement.conflict_id = conflict_id;
  settlement.resolved_by = std::string(resolved_by);
  if (const Json* take = resolution.find("take")) {
    if (resolution.as_object().size() != 1 || !take->is_string()) {
      return InvalidArgument("{\"take\": ...} must be the only member and name a side");
    }
    OJSYNC_ASSIGN_OR_RETURN(Side side, parse_side(take->as_string()));
    settlement.take = side;
    settlement.how = "take:" + std::string(side_name(side));
  } else {
    settlement.fields = &resolution.as_object();
    settlement.how = "fields";
  }
  SyncRequest request;
  request.key = conflict->key;
  request.trigger = "conflict";
  request.settlement = &settlement;
  return impl_->sync_with_retries(std::move(request));
}

Result<SyncStatistics> SyncManager::statistics() {
  SyncStatistics stats;
  OJSYNC_ASSIGN_OR_RETURN(stats.store, impl_->env.store->statistics(impl_->clock->now()));
  auto rate = [](const OutcomeCounts& c) {
    return c.total == 0 ? 1.0 : static_cast<double>(c.successful()) / static_cast<double>(c.total);
  };
  stats.success_rate = rate(stats.store.all_time);
  stats.success_rate_24h = rate(stats.store.last_24h);
  return stats;
}

HealthReport SyncManager::health() {
  HealthReport report;
  auto add = [&](std::string name, HealthStatus status, std::string detail) {
    report.overall_status = std::max(report.overall_status, status);
    report.checks.push_back({std::move(name), status, std::move(detail)});
  };
  Status store = impl_->env.store->ping();
  add("store", store.ok() ? HealthStatus::kHealthy : HealthStatus::kUnhealthy,
      store.ok() ? "reachable" : store.to_string());
  for (Side side : {Side::kOjs, Side::kAgents}) {
    Status s = impl_->connector(side).ping();
    add(std::string(side_name(side)), s.ok() ? HealthStatus::kHealthy : HealthStatus::kDegraded,
        s.ok() ? "reachable" : s.to_string());
  }
  for (const CircuitBreakerStatus& b : circuit_breakers()) {
    if (b.state == BreakerState::kClosed) continue;
    // Half-open is not yet proven up: degraded until a call gets through.
    add("breaker:" + b.endpoint, HealthStatus::kDegraded,
        std::string(breaker_state_name(b.state)) + " after " +
            std::to_string(b.consecutive_failures) + " outages in a row");
  }
  if (store.ok()) {
    if (auto stats = impl_->env.store->statistics(impl_->clock->now()); stats.ok()) {
      add("dead_letter", stats->dead_jobs > 0 ? HealthStatus::kDegraded : HealthStatus::kHealthy,
          std::to_string(stats->dead_jobs) + " dead-lettered jobs");
      add("conflicts", HealthStatus::kHealthy,
          std::to_string(stats->pending_conflicts) + " pending conflicts");
      add("queue", HealthStatus::kHealthy, std::to_string(stats->queue_depth) + " queued jobs");
    }
  }
  return report;
}

Status SyncManager::check_new_agents_entity(std::string_view type, std::string_view id) {
  const EntityKey key{std::string(type), std::string(id)};
  OJSYNC_RETURN_IF_ERROR(impl_->check_key(key).status());
  if (!impl_->env.ojs->could_hold(type, id)) return OkStatus();
  Store& store = *impl_->env.store;
  OJSYNC_ASSIGN_OR_RETURN(const std::optional<SyncState> state, store.get_state(key));
  if (state) return OkStatus();
  OJSYNC_ASSIGN_OR_RETURN(const std::optional<SyncState> owner,
                          store.find_state_by_side_id(type, Side::kAgents, id));
  if (owner) return OkStatus();
  return FailedPrecondition(
      key.to_string() + " is not known to ojsync yet, and OJS could hold a " + key.type +
      " under that id: its first sync would pair this document with OJS's. Sync it from OJS "
      "first (POST /v1/sync/" + key.to_string() + "), or create the new " + key.type +
      " under an id OJS does not give (one with a letter)");
}

Result<std::int64_t> SyncManager::enqueue(std::string_view type, std::string_view id,
                                          Direction direction, std::string_view trigger) {
  const EntityKey key{std::string(type), std::string(id)};
  OJSYNC_RETURN_IF_ERROR(impl_->check_key(key).status());
  return impl_->env.store->enqueue(key, direction, trigger, impl_->clock->now());
}

Result<std::vector<std::int64_t>> SyncManager::enqueue_all(std::string_view type,
                                                           const std::vector<std::string>& ids,
                                                           Direction direction,
                                                           std::string_view trigger) {
  std::vector<EntityKey> keys;
  keys.reserve(ids.size());
  for (const std::string& id : ids) {
    keys.push_back(EntityKey{std::string(type), id});
    OJSYNC_RETURN_IF_ERROR(impl_->check_key(keys.back()).status());
  }
  return impl_->env.store->enqueue_all(keys, direction, trigger, impl_->clock->now());
}

Result<std::size_t> SyncManager::count_due_jobs(std::size_t up_to) {
  return impl_->env.store->count_due_jobs(impl_->clock->now(), up_to);
}

Result<std::size_t> SyncManager::start_due_jobs(std::string_view worker, std::size_t max,
                                                std::function<void(JobOutcome)> done) {
  Impl& impl = *impl_;
  OJSYNC_ASSIGN_OR_RETURN(std::vector<Job> jobs, impl.claim_due_jobs(worker, max));
  auto shared_done = std::make_shared<std::function<void(JobOutcome)>>(std::move(done));
  for (const Job& job : jobs) impl.start_job(job, shared_done);
  return jobs.size();
}

Result<std::size_t> SyncManager::run_due_jobs_in_bulk(std::string_view worker, std::size_t max,
                                                      std::function<void(JobOutcome)> done,
                                                      const std::function<bool()>& claim_more) {
  Impl& impl = *impl_;
  const Timestamp start = impl.clock->now();
  OJSYNC_ASSIGN_OR_RETURN(std::vector<Job> first, impl.claim_due_jobs(worker, max));
  std::size_t claimed = first.size();
  auto shared_done = std::make_shared<std::function<void(JobOutcome)>>(std::move(done));
  auto report = [&shared_done](JobOutcome outcome) {
    if (*shared_done) (*shared_done)(outcome);
  };
  struct Numbered {  // A claimed job and its place in claim order.
    std::size_t number;
    Job job;
  };
  std::size_t numbered = 0;
  // Jobs to run alone after the groups, by claim order, so that with one worker the run is the
  // same whatever the timing (the simulation's seeds).
  std::map<std::size_t, Job> alone;
  std::vector<Numbered> set_aside;  // Other types' jobs claimed for a streamed type.
  // A further claim for the streamed type while its groups run: only after a full claim, while
  // the caller makes room, while few jobs wait to run alone or for their type, and while the
  // first claim is well inside its lease (the jobs set aside wait until the stream ends).
  bool last_claim_full = claimed > 0 && claimed == max;
  const auto may_claim_more = [&] {
    return last_claim_full && alone.size() + set_aside.size() < max &&
           impl.clock->now() - start < impl.options.job_lease / 2 && claim_more();
  };
  // Runs one type's jobs on the bulk path; `stream` takes that type's further jobs from more
  // claims. What its group does not settle ends as run_job would end it: a failure met while
  // planning is its attempt's (it backs off, dead-letters or waits for a breaker alone);
  // anything else runs again from the start, alone.
  const auto run_type = [&](const std::string& type, std::vector<Numbered> jobs, bool stream) {
    std::map<std::size_t, Numbered> running;  // By run_bulk's number, until settled.
    std::size_t given = 0;
    bool taken = false;
    const Impl::NextRequests next = [&]() -> Result<std::vector<SyncRequest>> {
      std::vector<Numbered> batch;
      if (!taken) {
        batch = std::move(jobs);
        taken = true;
      } else if (stream && may_claim_more()) {
        OJSYNC_ASSIGN_OR_RETURN(std::vector<Job> more, impl.claim_due_jobs(worker, max));
        claimed += more.size();
        last_claim_full = more.size() == max;
        for (Job& job : more) {
          Numbered n{numbered++, std::move(job)};
          (n.job.key.type == type ? batch : set_aside).push_back(std::move(n));
        }
      }
      std::vector<SyncRequest> requests;
      requests.reserve(batch.size());
      for (Numbered& n : batch) {
        requests.push_back(Impl::job_request(n.job));
        running.emplace(given++, std::move(n));
      }
      return requests;
    };
    const auto leave = [&](std::size_t at, SyncRequest request, const Status& failed,
                           Timestamp started) {
      auto node = running.extract(at);
      Numbered& n = node.mapped();
      if (failed.ok()) {
        alone.emplace(n.number, std::move(n.job));
      } else {
        report(impl.settle_failed_job(n.job, request, failed, started));
      }
    };
    // A claim that fails ends the stream; its jobs stay due for the next.
    (void)impl.run_bulk(type, next, leave, [&](std::size_t at, Result<SyncReport>) {
      running.erase(at);
      report(JobOutcome::kSucceeded);
    });
  };
  // By type: a group shares one type's endpoints. A lone job of its type has nothing to share.
  const auto run_by_type = [&](std::vector<Numbered> jobs, const std::string& streamed) {
    std::map<std::string, std::vector<Numbered>> by_type;
    for (Numbered& n : jobs) by_type[n.job.key.type].push_back(std::move(n));
    for (auto& [type, of_type] : by_type) {
      if (of_type.size() == 1 && type != streamed) {
        alone.emplace(of_type.front().number, std::move(of_type.front().job));
      } else {
        run_type(type, std::move(of_type), type == streamed);
      }
    }
  };
  // A full claim is likely a backlog (an import, a sweep's pages): with `claim_more`, the type
  // of its last job streams on through further claims.
  const std::string streamed = claim_more && last_claim_full ? first.back().key.type : "";
  std::vector<Numbered> jobs;
  jobs.reserve(first.size());
  for (Job& job : first) jobs.push_back({numbered++, std::move(job)});
  run_by_type(std::move(jobs), streamed);
  run_by_type(std::move(set_aside), "");
  for (auto& [number, job] : alone) impl.start_job(std::move(job), shared_done);
  return claimed;
}

Result<JobRunSummary> SyncManager::run_due_jobs(std::string_view worker) {
  std::mutex mu;
  std::condition_variable cv;
  JobRunSummary summary;
  std::size_t finished = 0;
  OJSYNC_ASSIGN_OR_RETURN(
      summary.claimed,
      run_due_jobs_in_bulk(worker, impl_->options.batch_size, [&](JobOutcome outcome) {
        std::lock_guard lock(mu);
        switch (outcome) {
          case JobOutcome::kSucceeded:
            ++summary.succeeded;
            break;
          case JobOutcome::kRescheduled:
            ++summary.failed;
            break;
          case JobOutcome::kDeadLettered:
            ++summary.dead_lettered;
            break;
          case JobOutcome::kHeld:
            ++summary.held;
            break;
        }
        ++finished;
        cv.notify_one();
      }));
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return finished == summary.claimed; });
  return summary;
}

Result<ChangePage> SyncManager::list_changed(Side side, std::string_view type,
                                             std::string_view cursor, std::size_t limit) {
  const EntityTypeConfig* config = impl_->options.entity_types.find(type);
  if (config == nullptr) return InvalidArgument("unknown entity type '" + std::string(type) + "'");
  SyncRequest request;  // Only carries the breaker's verdict, which a sweep does not need.
  return impl_->guarded(side, *config, request, "",
                        [&] { return impl_->connector(side).list_changed(type, cursor, limit); });
}

std::vector<CircuitBreakerStatus> SyncManager::circuit_breakers() const {
  std::vector<CircuitBreakerStatus> out;
  out.reserve(impl_->breakers.size());
  for (const auto& [endpoint, breaker] : impl_->breakers) out.push_back(breaker->status());
  return out;
}

Result<CleanupCounts> SyncManager::cleanup() {
  const Timestamp cutoff = impl_->clock->now() - std::chrono::hours(24) * impl_->options.retention_days;
  return impl_->env.store->cleanup(RetentionCutoffs::uniform(cutoff));
}

}  // namespace ojsync
