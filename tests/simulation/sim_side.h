// The simulated world around the engine: two sides (a server's state that survives a crash of
// ojsync) and the connectors a running ojsync process holds to them (whose memory does not
// survive). Faults and crashes are injected at every call, from seeded randomness, so a run is
// replayed exactly from its seed.
//
// Thread safety: the engine calls connectors from its worker thread while the harness waits, so
// nothing runs concurrently; the mutexes only make that assumption unnecessary to prove.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "ojsync/canonical.h"
#include "ojsync/connector.h"
#include "ojsync/random.h"
#include "ojsync/time.h"
#include "support/fetch_each.h"

namespace ojsync::simulation {

// Thrown at a crash point: the ojsync process dies there. Whatever the sides or the store did
// before stays done; nothing after happens. The harness catches it, throws the process away and
// restarts on the same store file.
struct SimulatedCrash {};

// Counts crash points down to a crash; once crashed, every later point throws too, so work the
// dying process had queued (other jobs of the same batch) never takes effect. A throw on a
// worker thread ends that job without telling anyone, so those are counted for the harness.
class CrashSwitch {
 public:
  CrashSwitch() : harness_thread_(std::this_thread::get_id()) {}

  void arm(int points_from_now) {
    std::lock_guard lock(mu_);
    countdown_ = points_from_now;
  }
  void point() {
    std::lock_guard lock(mu_);
    if (countdown_ > 0 && --countdown_ == 0) dead_ = true;
    if (!dead_) return;
    if (std::this_thread::get_id() != harness_thread_) ++worker_crashes_;
    throw SimulatedCrash{};
  }
  // Jobs ended by a crash so far.
  std::size_t worker_crashes() const {
    std::lock_guard lock(mu_);
    return worker_crashes_;
  }
  bool dead() const {
    std::lock_guard lock(mu_);
    return dead_;
  }
  void restart() {
    std::lock_guard lock(mu_);
    dead_ = false;
    countdown_ = 0;
  }

 private:
  const std::thread::id harness_thread_;
  mutable std::mutex mu_;
  int countdown_ = 0;
  bool dead_ = false;
  std::size_t worker_crashes_ = 0;
};

// When a side call fails. `after_effect` faults are the nasty ones: the write happened but the
// reply was lost (a timeout or reset after the server committed).
class FaultPlan {
 public:
  explicit FaultPlan(std::uint64_t seed) : random_(seed) {}

  void set_rate(double rate) { rate_permille_ = static_cast<std::uint64_t>(rate * 1000); }
  std::uint64_t injected() const { return injected_; }

  // A retryable error to return instead of calling the side, or OK.
  Status before_effect() {
    return draw({Unavailable("simulated 503"), ResourceExhausted("simulated 429 Too Many Requests"),
                 DeadlineExceeded("simulated timeout before the request")});
  }
  // A lost reply after the side applied the write, or OK.
  Status after_effect() {
    return draw({DeadlineExceeded("simulated timeout: the reply was lost"),
                 Unavailable("simulated connection reset after the write")});
  }

 private:
  Status draw(std::initializer_list<Status> kinds) {
    if (rate_permille_ == 0 || random_.uniform(1000) >= rate_permille_) return OkStatus();
    ++injected_;
    return *(kinds.begin() + random_.uniform(kinds.size()));
  }

  SeededRandom random_;
  std::uint64_t rate_permille_ = 0;
  std::uint64_t injected_ = 0;
};

struct SideChange {
  std::string type;
  std::string side_id;
};

// A side's own state: what its server holds. Survives ojsync crashes.
class SimSide {
 public:
  // `skew` shifts this side's clock against the engine's. A side that assigns ids (OJS) names
  // documents the engine creates there; the other takes the id the engine chooses, and versions
  // its documents, as the embedded store's etags do: it refuses a write or delete whose
  // document changed since the engine read it (SimConnector).
  SimSide(Side side, const ManualClock& clock, Duration skew, bool assigns_ids)
      : side_(side), clock_(clock), skew_(skew), assigns_ids_(assigns_ids) {}

  Side side() const { return side_; }
  bool assigns_ids() const { return assigns_ids_; }
  bool versions_documents() const { return !assigns_ids_; }
  Timestamp now() const { return clock_.now() + skew_; }

  // A new id as this side would name a document a user created here.
  std::string new_id() { return std::string(id_prefix()) + std::to_string(++next_id_); }
  // A side that assigns ids (OJS) holds no others, as OJS takes only its numbers; the other
  // holds any id the engine chooses.
  bool could_hold(std::string_view id) const { return !assigns_ids_ || id.starts_with(id_prefix()); }

  std::optional<Snapshot> get(const std::string& type, const std::string& id) const {
    auto it = docs_.find({type, id});
    if (it == docs_.end()) return std::nullopt;
    Snapshot snapshot = it->second;
    if (auto stamp = stamps_.find({type, id}); stamp != stamps_.end())
      snapshot.created_by = stamp->second;
    return snapshot;
  }
  // Keeps the key of the engine's create with the document, as OJS keeps the connector's stamp in
  // the publication: user edits leave it, a deletion takes it away.
  void stamp(const std::string& type, const std::string& id, std::string key) {
    stamps_[{type, id}] = std::move(key);
  }
  // The document stamped with `key`, if any.
  std::optional<std::string> stamped(const std::string& type, const std::string& key) const {
    for (const auto& [doc, stamp] : stamps_) {
      if (doc.first == type && stamp == key) return doc.second;
    }
    return std::nullopt;
  }
  std::vector<std::string> ids(const std::string& type) const {
    std::vector<std::string> out;
    for (const auto& [key, snapshot] : docs_) {
      if (key.first == type) out.push_back(key.second);
    }
    return out;
  }
  const std::map<std::pair<std::string, std::string>, Snapshot>& docs() const { return docs_; }

  // Stores `doc` (nullopt = deletes) as a user or the engine would; every change is announced.
  void put(const std::string& type, const std::string& id, std::optional<Json> doc) {
    if (doc) {
      if (side_ == Side::kOjs && type == "manuscript")
        (*doc)["lastModified"] = format_timestamp(now());
      Snapshot& stored = docs_[{type, id}] = Snapshot{id, std::move(*doc), now()};
      if (versions_documents()) stored.version = std::to_string(++revisions_);
    } else {
      docs_.erase({type, id});
      stamps_.erase({type, id});
    }
    changes_.push_back({type, id});
  }

  // Changes announced since the last call (webhooks, change listings): hints, not facts.
  std::vector<SideChange> take_changes() { return std::exchange(changes_, {}); }

  // Told of every engine call's effect and injected fault (tracing one seed).
  std::function<void(const std::string&)> trace;
  // Called after each of the engine's reads of a document (present or not), before the reply:
  // a user may change it then, between the engine's read and its write.
  std::function<void(const std::string& type, const std::string& id)> after_read;
  // Calls touching these ids always fail (a record the side refuses to serve).
  std::set<std::string> poisoned;
  // Writes and removes the engine made, per (type, id).
  std::map<std::pair<std::string, std::string>, int> engine_writes;
  int engine_writes_total = 0;

 private:
  std::string_view id_prefix() const { return side_ == Side::kOjs ? "o" : "a"; }

  const Side side_;
  const ManualClock& clock_;
  const Duration skew_;
  const bool assigns_ids_;
  int next_id_ = 0;
  std::uint64_t revisions_ = 0;  // Versions given so far, so none is given twice.
  std::map<std::pair<std::string, std::string>, Snapshot> docs_;
  std::map<std::pair<std::string, std::string>, std::string> stamps_;
  std::vector<SideChange> changes_;
};

// The connector an ojsync process holds to a side. Like the real OJS connector, it remembers
// which id a create's idempotency key produced only in memory (lost in a crash), finds an
// append-only document (a decision) by its content before creating it again, and, on a side
// that names what the engine creates there, stamps every other created document with the
// create's key and finds it by that key after a restart (find_created).
// `idempotent_creates` false and `drop_field` are sabotage: a connector that breaks its contract.
class SimConnector final : public Connector {
 public:
  SimConnector(SimSide& side, FaultPlan& faults, CrashSwitch& crash,
               const std::set<std::string, std::less<>>& append_only_types, bool idempotent_creates,
               std::string drop_field)
      : side_(side),
        faults_(faults),
        crash_(crash),
        append_only_(append_only_types),
        idempotent_creates_(idempotent_creates),
        drop_field_(std::move(drop_field)) {}

  std::string_view name() const override { return side_name(side_.side()); }

  Result<std::optional<Snapshot>> fetch(std::string_view type, std::string_view side_id) override {
    std::lock_guard lock(mu_);
    OJSYNC_RETURN_IF_ERROR(enter(side_id));
    std::optional<Snapshot> read = side_.get(std::string(type), std::string(side_id));
    if (side_.after_read) side_.after_read(std::string(type), std::string(side_id));
    return read;
  }

  Result<std::vector<std::optional<Snapshot>>> fetch_batch(
      std::string_view type, std::span<const std::string> side_ids) override {
    return testing::fetch_each(*this, type, side_ids);
  }

  Result<ChangePage> list_changed(std::string_view, std::string_view, std::size_t) override {
    return Unimplemented("the simulation announces changes as events");
  }

  Result<WriteResult> write(std::string_view type, std::string_view id, const Json& doc,
                            std::string_view key) override {
    return write_checked(type, id, doc, key, std::nullopt);
  }

  Result<WriteResult> write_if_unchanged(std::string_view type, const WriteRequest& request) override {
    return write_checked(type, request.side_id, *request.document, request.idempotency_key,
                         request.expected_version);
  }

  Result<std::optional<Snapshot>> find_created(std::string_view type_view, std::string_view key,
                                               Timestamp) override {
    std::lock_guard lock(mu_);
    OJSYNC_RETURN_IF_ERROR(enter(""));
    const std::string type(type_view);
    if (!idempotent_creates_) return std::optional<Snapshot>();
    if (auto it = memo_.find({type, std::string(key)}); it != memo_.end()) {
      return side_.get(type, it->second);
    }
    if (!stamps(type)) return std::optional<Snapshot>();
    const std::optional<std::string> id = side_.stamped(type, std::string(key));
    return id ? side_.get(type, *id) : std::optional<Snapshot>();
  }

  Status remove(std::string_view type, std::string_view side_id) override {
    return remove_if_unchanged(type, side_id, std::nullopt);
  }

  Status remove_if_unchanged(std::string_view type, std::string_view side_id,
                             const std::optional<std::string>& expected_version) override {
    std::lock_guard lock(mu_);
    OJSYNC_RETURN_IF_ERROR(enter(side_id));
    OJSYNC_RETURN_IF_ERROR(
        check_unchanged(std::string(type), std::string(side_id), expected_version));
    if (side_.get(std::string(type), std::string(side_id))) {
      if (side_.trace)
        side_.trace("  engine removed " + std::string(name()) + " " + std::string(type) + "/" +
                    std::string(side_id));
      side_.put(std::string(type), std::string(side_id), std::nullopt);
      ++side_.engine_writes[{std::string(type), std::string(side_id)}];
      ++side_.engine_writes_total;
    }
    return leave();
  }

  Status ping() override { return OkStatus(); }

  bool could_hold(std::string_view, std::string_view side_id) const override {
    return side_.could_hold(side_id);
  }

 private:
  // write() and write_if_unchanged(): `expected_version` as WriteRequest's.
  Result<WriteResult> write_checked(std::string_view type_view, std::string_view id_view,
                                    const Json& doc, std::string_view key,
                                    const std::optional<std::string>& expected_version) {
    std::lock_guard lock(mu_);
    OJSYNC_RETURN_IF_ERROR(enter(id_view));
    const std::string type(type_view);
    std::string id(id_view);
    OJSYNC_RETURN_IF_ERROR(check_unchanged(type, id, expected_version));
    bool created = false;
    if (id.empty() || (side_.assigns_ids() && !side_.get(type, id))) {
      id = find_earlier_create(type, doc, std::string(key));
      if (id.empty()) {
        id = side_.new_id();
        created = true;
      }
      memo_[{type, std::string(key)}] = id;
    }
    Json stored = doc;
    if (!drop_field_.empty() && stored.is_object()) stored.as_object().erase(drop_field_);
    if (side_.trace)
      side_.trace("  engine wrote " + std::string(name()) + " " + type + "/" + id +
                  " := " + stored.dump());
    side_.put(type, id, std::move(stored));
    ++side_.engine_writes[{type, id}];
    ++side_.engine_writes_total;
    if (created && stamps(type)) side_.stamp(type, id, std::string(key));
    OJSYNC_RETURN_IF_ERROR(leave());
    return WriteResult{*side_.get(type, id), {}};
  }

  // A crash point, then a fault before the request reaches the side.
  Status enter(std::string_view side_id) {
    if (!side_id.empty() && !side_.could_hold(side_id))
      return InvalidArgument("simulated side refuses the id '" + std::string(side_id) + "'");
    crash_.point();
    if (side_.poisoned.count(std::string(side_id)) != 0)
      return Unavailable("simulated poisoned record");
    return traced(faults_.before_effect());
  }
  // A crash point with the effect done, then a lost reply: either way the engine does not know
  // the outcome, unless it looks at the document next.
  Status leave() {
    crash_.point();
    return traced(faults_.after_effect());
  }
  // On a side that versions its documents, kAborted (nothing done) when (type, id) no longer
  // holds the version the engine read ("" = it was absent), as the embedded store refuses.
  Status check_unchanged(const std::string& type, const std::string& id,
                         const std::optional<std::string>& expected_version) {
    if (!expected_version || !side_.versions_documents() || id.empty()) return OkStatus();
    const std::optional<Snapshot> held = side_.get(type, id);
    if (expected_version->empty() ? !held : held && held->version == *expected_version) {
      return OkStatus();
    }
    return traced(Aborted("simulated: " + type + "/" + id + " changed since it was read"));
  }
  Status traced(Status s) {
    if (!s.ok() && side_.trace)
      side_.trace("  fault " + std::string(name()) + ": " + s.to_string());
    return s;
  }

  // Types whose created documents carry the create's key: on a side that names documents (OJS),
  // every type but the append-only ones (OJS decisions have no member to hold it).
  bool stamps(const std::string& type) const {
    return side_.assigns_ids() && append_only_.count(type) == 0;
  }

  // The id an earlier attempt of this create produced: this process's memory, or for an
  // append-only type a document with the same content (as the OJS connector finds decisions).
  std::string find_earlier_create(const std::string& type, const Json& doc,
                                  const std::string& key) {
    if (!idempotent_creates_) return {};
    if (auto it = memo_.find({type, key}); it != memo_.end() && side_.get(type, it->second)) {
      return it->second;
    }
    if (append_only_.count(type) == 0) return {};
    const std::string wanted = content_hash(doc);
    for (const auto& id : side_.ids(type)) {
      if (content_hash(side_.get(type, id)->document) == wanted) return id;
    }
    return {};
  }

  std::mutex mu_;
  SimSide& side_;
  FaultPlan& faults_;
  CrashSwitch& crash_;
  const std::set<std::string, std::less<>>& append_only_;
  const bool idempotent_creates_;
  const std::string drop_field_;
  std::map<std::pair<std::string, std::string>, std::string> memo_;
};

}  // namespace ojsync::simulation
