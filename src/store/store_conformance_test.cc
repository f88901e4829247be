// The Store contract as tests (see store_conformance.h). Only the Store interface is used.
#include "store/store_conformance.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace ojsync::testing {

std::string store_factory_name(const ::testing::TestParamInfo<StoreFactory>& info) {
  return info.param.name;
}

void PrintTo(const StoreFactory& factory, std::ostream* os) { *os << factory.name; }

void StoreConformanceTest::SetUp() {
  store_ = GetParam().make();
  ASSERT_NE(store_, nullptr);
  OJSYNC_ASSERT_OK(store_->migrate());
}

Timestamp StoreConformanceTest::at(std::int64_t seconds) {
  return Timestamp(std::chrono::seconds(1'767'225'600 + seconds));  // 2026-01-01T00:00:00Z
}

SyncState StoreConformanceTest::make_state(const EntityKey& key, std::optional<Json> base) {
  SyncState state;
  state.key = key;
  state.ojs_id = "o-" + key.id;
  state.agents_id = "a-" + key.id;
  state.base_hash = base ? "hash-" + base->dump() : "";
  state.ojs_hash = state.base_hash;
  state.agents_hash = state.base_hash;
  state.base = std::move(base);
  state.updated_at = at(0);
  return state;
}

SyncRecord StoreConformanceTest::make_record(const EntityKey& key, SyncOutcome outcome, Timestamp started,
                                             Duration duration) {
  SyncRecord record;
  record.key = key;
  record.outcome = outcome;
  record.trigger = "api";
  record.started_at = started;
  record.duration = duration;
  return record;
}

ConflictRecord StoreConformanceTest::make_conflict(const EntityKey& key, Timestamp created) {
  ConflictRecord conflict;
  conflict.key = key;
  conflict.strategy = "manual";
  conflict.base = Json::object();
  conflict.ojs = Json(Json::Object{{"title", "from ojs"}});
  conflict.agents = Json(Json::Object{{"title", "from agents"}});
  conflict.fields = {FieldConflict{"title", Json(nullptr), Json("from ojs"), Json("from agents")}};
  conflict.created_at = created;
  conflict.updated_at = created;
  return conflict;
}

AuditEntry StoreConformanceTest::make_audit(const EntityKey& key, std::string action, Timestamp when) {
  AuditEntry entry;
  entry.at = when;
  entry.actor = "engine";
  entry.action = std::move(action);
  entry.key = key;
  entry.before_hash = "before";
  entry.after_hash = "after";
  entry.reason = "merged";
  entry.details = Json(Json::Object{{"field", "title.en"}, {"lost", "agents"}});
  return entry;
}

Result<CommitResult> StoreConformanceTest::commit_record(const EntityKey& key, SyncOutcome outcome,
                                                         Timestamp started, Duration duration) {
  SyncCommit commit;
  commit.record = make_record(key, outcome, started, duration);
  return store_->commit_sync(commit);
}

Result<std::int64_t> StoreConformanceTest::enqueue_and_claim(const EntityKey& key, Timestamp run_at) {
  OJSYNC_ASSIGN_OR_RETURN(const std::int64_t id, store_->enqueue(key, Direction::kBoth, "event", run_at));
  OJSYNC_ASSIGN_OR_RETURN(std::vector<Job> claimed,
                          store_->claim_jobs("w", 1000, run_at, std::chrono::seconds(60)));
  const bool leased = std::any_of(claimed.begin(), claimed.end(), [&](const Job& j) { return j.id == id; });
  if (!leased) return Internal("job " + std::to_string(id) + " was not claimed");
  return id;
}

std::optional<Job> StoreConformanceTest::find_job(std::int64_t id) {
  auto jobs = store_->list_jobs(std::nullopt, 100000);
  if (!jobs.ok()) return std::nullopt;
  for (Job& job : *jobs) {
    if (job.id == id) return job;
  }
  return std::nullopt;
}

namespace {

const EntityKey kKey{"manuscript", "42"};
const EntityKey kOther{"manuscript", "43"};

std::string text(const std::optional<Json>& document) { return document ? document->dump() : "<absent>"; }

Json parse(std::string_view json) { return Json::parse(json).value(); }

void expect_same_state(const SyncState& actual, const SyncState& expected) {
  EXPECT_EQ(actual.key, expected.key);
  EXPECT_EQ(actual.ojs_id, expected.ojs_id);
  EXPECT_EQ(actual.agents_id, expected.agents_id);
  EXPECT_EQ(text(actual.base), text(expected.base));
  EXPECT_EQ(actual.base_hash, expected.base_hash);
  EXPECT_EQ(actual.ojs_hash, expected.ojs_hash);
  EXPECT_EQ(actual.agents_hash, expected.agents_hash);
  EXPECT_EQ(actual.tombstone, expected.tombstone);
  EXPECT_EQ(actual.updated_at, expected.updated_at);
}

std::vector<std::string> ids_of(const std::vector<SyncState>& states) {
  std::vector<std::string> ids;
  for (const auto& s : states) ids.push_back(s.key.id);
  return ids;
}

std::vector<std::int64_t> ids_of(const std::vector<Job>& jobs) {
  std::vector<std::int64_t> ids;
  for (const auto& j : jobs) ids.push_back(j.id);
  return ids;
}

std::vector<std::int64_t> ids_of(const std::vector<ConflictRecord>& conflicts) {
  std::vector<std::int64_t> ids;
  for (const auto& c : conflicts) ids.push_back(c.id);
  return ids;
}


// ------------------------------------------------------------------------ schema, archive

TEST_P(StoreConformanceTest, MigrateIsIdempotent) {
  auto first = store_->migrate();
  auto second = store_->migrate();
  OJSYNC_ASSERT_OK(first);
  OJSYNC_ASSERT_OK(second);
  EXPECT_GE(*first, 1);
  EXPECT_EQ(*first, *second);
  OJSYNC_ASSERT_OK(store_->ping());
  auto state = store_->get_state(kKey);
  OJSYNC_ASSERT_OK(state);
  EXPECT_FALSE(state->has_value());
}

TEST_P(StoreConformanceTest, StateRoundTripsExactlyIncludingUnicode) {
  SyncState state = make_state(
      kKey, parse(R"({"title":{"en":"Über Straße — 日本語 🚀","fr":"é"},"n":1.5,"tags":["a",null,true,-7]})"));
  state.ojs_id = "42";
  state.agents_id = "a7";
  state.ojs_hash = "h-ojs";
  state.agents_hash = "h-agents";
  state.updated_at = at(5) + Duration(123);
  SyncCommit commit;
  commit.state = state;
  commit.record = make_record(kKey, SyncOutcome::kApplied, at(5), Duration(10));
  auto committed = store_->commit_sync(commit);
  OJSYNC_ASSERT_OK(committed);
  EXPECT_EQ(committed->state_version, 1);

  auto loaded = store_->get_state(kKey);
  OJSYNC_ASSERT_OK(loaded);
  ASSERT_TRUE(loaded->has_value());
  expect_same_state(**loaded, state);
  EXPECT_EQ((*loaded)->version, 1);
  EXPECT_TRUE(*(*loaded)->base == *state.base);
  auto other = store_->get_state(kOther);
  OJSYNC_ASSERT_OK(other);
  EXPECT_FALSE(other->has_value());
}

// A commit may bring its base's text (SyncState::base_text, the engine's canonical form):
// the base reads back the same as one the store serialized itself.
TEST_P(StoreConformanceTest, AStateWrittenWithItsBasesTextReadsBackTheSameBase) {
  SyncState state = make_state(kKey, parse(R"({"title":{"en":"Über — 日本語","fr":"é"},"n":1.5})"));
  state.base_text = state.base->dump();
  SyncCommit commit;
  commit.state = state;
  commit.record = make_record(kKey, SyncOutcome::kApplied, at(5), Duration(10));
  OJSYNC_ASSERT_OK(store_->commit_sync(commit));

  auto loaded = store_->get_state(kKey);
  OJSYNC_ASSERT_OK(loaded);
  ASSERT_TRUE(loaded->has_value());
  ASSERT_TRUE((*loaded)->base.has_value());
  EXPECT_EQ(*(*loaded)->base, *state.base);
  EXPECT_EQ((*loaded)->base_hash, state.base_hash);
  EXPECT_EQ((*loaded)->base_text, "");  // Never filled in on reading.
}

TEST_P(StoreConformanceTest, GetStatesReadsEveryKeyInItsOrder) {
  SyncState state = make_state(kKey, parse(R"({"title":{"en":"Über"}})"));
  state.ojs_id = "42";
  SyncCommit commit;
  commit.state = state;
  commit.record = make_record(kKey, SyncOutcome::kApplied, at(5), Duration(10));
  OJSYNC_ASSERT_OK(store_->commit_sync(commit));
  const std::vector<EntityKey> keys{kOther, kKey, kOther};
  auto states = store_->get_states(keys);
  OJSYNC_ASSERT_OK(states);
  ASSERT_EQ(states->size(), 3u);
  EXPECT_FALSE((*states)[0].has_value());
  ASSERT_TRUE((*states)[1].has_value());
  expect_same_state(*(*states)[1], state);  // Opened as get_state opens it.
  EXPECT_EQ((*states)[1]->version, 1);
  EXPECT_FALSE((*states)[2].has_value());
  auto none = store_->get_states({});
  OJSYNC_ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
}

TEST_P(StoreConformanceTest, StateWithoutBaseAndTombstoneRoundTrips) {
  SyncState state = make_state(kKey, std::nullopt);
  state.tombstone = true;
  state.ojs_hash = "";
  state.agents_hash = "";
  SyncCommit commit;
  commit.state = state;
  commit.record = make_record(kKey, SyncOutcome::kApplied, at(1), Duration(0));
  OJSYNC_ASSERT_OK(store_->commit_sync(commit));
  auto loaded = store_->get_state(kKey);
  OJSYNC_ASSERT_OK(loaded);
  ASSERT_TRUE(loaded->has_value());
  expect_same_state(**loaded, state);
  EXPECT_FALSE((*loaded)->base.has_value());
}

TEST_P(StoreConformanceTest, FindsStatesBySideId) {
  for (const EntityKey& key : {kKey, kOther}) {
    SyncCommit commit;
    commit.state = make_state(key, Json::object());
    commit.record = make_record(key, SyncOutcome::kApplied, at(1), Duration(0));
    OJSYNC_ASSERT_OK(store_->commit_sync(commit));
  }
  auto by_ojs = store_->find_state_by_side_id("manuscript", Side::kOjs, "o-43");
  auto by_agents = store_->find_state_by_side_id("manuscript", Side::kAgents, "a-42");
  OJSYNC_ASSERT_OK(by_ojs);
  OJSYNC_ASSERT_OK(by_agents);
  ASSERT_TRUE(by_ojs->has_value() && by_agents->has_value());
  EXPECT_EQ((*by_ojs)->key, kOther);
  EXPECT_EQ((*by_agents)->key, kKey);

  for (auto [type, side, id] : {std::tuple{"manuscript", Side::kAgents, "o-43"},  // wrong side
                                std::tuple{"reviewer", Side::kOjs, "o-43"},       // wrong type
                                std::tuple{"manuscript", Side::kOjs, ""},         // no id yet
                                std::tuple{"manuscript", Side::kOjs, "o-44"}}) {
    auto none = store_->find_state_by_side_id(type, side, id);
    OJSYNC_ASSERT_OK(none);
    EXPECT_FALSE(none->has_value()) << type << " " << id;
  }
}

TEST_P(StoreConformanceTest, FindsStatesBySideIdsInTheirOrder) {
  for (const EntityKey& key : {kKey, kOther}) {
    SyncCommit commit;
    commit.state = make_state(key, Json::object());
    commit.record = make_record(key, SyncOutcome::kApplied, at(1), Duration(0));
    OJSYNC_ASSERT_OK(store_->commit_sync(commit));
  }
  const std::vector<std::string> ids{"o-43", "o-44", "", "o-42", "o-43"};
  auto found = store_->find_states_by_side_ids("manuscript", Side::kOjs, ids);
  OJSYNC_ASSERT_OK(found);
  ASSERT_EQ(found->size(), ids.size());
  const std::vector<std::string> expected{kOther.id, "(none)", "(none)", kKey.id, kOther.id};
  for (std::size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ((*found)[i] ? (*found)[i]->key.id : "(none)", expected[i]) << ids[i];
  }
  auto by_agents = store_->find_states_by_side_ids("manuscript", Side::kAgents, ids);
  OJSYNC_ASSERT_OK(by_agents);
  for (const auto& state : *by_agents) EXPECT_FALSE(state.has_value());
  auto none = store_->find_states_by_side_ids("manuscript", Side::kOjs, {});
  OJSYNC_ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
}

// Two entities can name the same side id (one deleted, another created under the id since):
// a live entry wins over a tombstone, then the most recently updated.
TEST_P(StoreConformanceTest, FindingASharedSideIdPrefersLiveThenRecent) {
  const auto commit_state = [&](const std::string& id, bool tombstone, int updated_at) {
    SyncCommit commit;
    commit.state = make_state(EntityKey{"manuscript", id}, Json::object());
    commit.state->ojs_id = "o-shared";
    commit.state->tombstone = tombstone;
    commit.state->updated_at = at(updated_at);
    commit.record = make_record(commit.state->key, SyncOutcome::kApplied, at(1), Duration(0));
    OJSYNC_ASSERT_OK(store_->commit_sync(commit));
  };
  const auto found = [&] {
    auto state = store_->find_state_by_side_id("manuscript", Side::kOjs, "o-shared");
    return state.ok() && state->has_value() ? (*state)->key.id : std::string("(none)");
  };
  commit_state("gone-early", /*tombstone=*/true, 2);
  commit_state("gone-late", /*tombstone=*/true, 9);
  EXPECT_EQ(found(), "gone-late");
  commit_state("live-old", /*tombstone=*/false, 3);
  EXPECT_EQ(found(), "live-old");
  commit_state("live-new", /*tombstone=*/false, 5);
  commit_state("live-older", /*tombstone=*/false, 1);
  EXPECT_EQ(found(), "live-new");
}

// An entity that came from a side is keyed by its id there (the SQLite store finds those
// through the key, and only other ids through an index).
TEST_P(StoreConformanceTest, FindsStatesWhoseSideIdIsTheirKey) {
  const auto commit_state = [&](const std::string& id, const std::string& ojs_id,
                                bool tombstone, int updated_at) {
    SyncCommit commit;
    commit.state = make_state(EntityKey{"manuscript", id}, Json::object());
    commit.state->ojs_id = ojs_id;
    commit.state->agents_id = id;
    commit.state->tombstone = tombstone;
    commit.state->updated_at = at(updated_at);
    commit.record = make_record(commit.state->key, SyncOutcome::kApplied, at(1), Duration(0));
    OJSYNC_ASSERT_OK(store_->commit_sync(commit));
  };
  const auto found = [&](Side side, const std::string& side_id) {
    auto state = store_->find_state_by_side_id("manuscript", side, side_id);
    return state.ok() && state->has_value() ? (*state)->key.id : std::string("(none)");
  };
  commit_state("17", "17", /*tombstone=*/false, 1);
  EXPECT_EQ(found(Side::kOjs, "17"), "17");
  EXPECT_EQ(found(Side::kAgents, "17"), "17");
  EXPECT_EQ(found(Side::kOjs, "1"), "(none)");
  EXPECT_EQ(found(Side::kOjs, "170"), "(none)");

  // Id 5 deleted, then created again under another key: the live entry wins, whichever way
  // each is found.
  commit_state("5", "5", /*tombstone=*/true, 2);
  EXPECT_EQ(found(Side::kOjs, "5"), "5");
  commit_state("again-5", "5", /*tombstone=*/false, 1);
  EXPECT_EQ(found(Side::kOjs, "5"), "again-5");
  EXPECT_EQ(found(Side::kAgents, "5"), "5");
  EXPECT_EQ(found(Side::kAgents, "again-5"), "again-5");
}

TEST_P(StoreConformanceTest, ListsStatesOfOneTypeInIdOrder) {
  for (const EntityKey& key : {EntityKey{"manuscript", "b"}, EntityKey{"manuscript", "a"},
                               EntityKey{"manuscript", "c"}, EntityKey{"reviewer", "a"}}) {
    SyncCommit commit;
    commit.state = make_state(key, Json::object());
    commit.record = make_record(key, SyncOutcome::kApplied, at(1), Duration(0));
    OJSYNC_ASSERT_OK(store_->commit_sync(commit));
  }
  auto first = store_->list_states("manuscript", "", 2);
  OJSYNC_ASSERT_OK(first);
  EXPECT_EQ(ids_of(*first), (std::vector<std::string>{"a", "b"}));
  auto rest = store_->list_states("manuscript", "b", 2);
  OJSYNC_ASSERT_OK(rest);
  EXPECT_EQ(ids_of(*rest), (std::vector<std::string>{"c"}));
  auto past_end = store_->list_states("manuscript", "c", 10);
  OJSYNC_ASSERT_OK(past_end);
  EXPECT_TRUE(past_end->empty());
  auto reviewers = store_->list_states("reviewer", "", 10);
  OJSYNC_ASSERT_OK(reviewers);
  EXPECT_EQ(ids_of(*reviewers), (std::vector<std::string>{"a"}));
}

// ------------------------------------------------------------------ commit: versions, atomicity

TEST_P(StoreConformanceTest, EachCommitAdvancesTheVersionAndStaleOnesAbort) {
  SyncCommit commit;
  commit.state = make_state(kKey, parse(R"({"v":1})"));
  commit.record = make_record(kKey, SyncOutcome::kApplied, at(1), Duration(0));
  commit.expected_version = 0;
  auto v1 = store_->commit_sync(commit);
  OJSYNC_ASSERT_OK(v1);
  EXPECT_EQ(v1->state_version, 1);

  commit.state->base = parse(R"({"v":2})");
  commit.expected_version = 1;
  auto v2 = store_->commit_sync(commit);
  OJSYNC_ASSERT_OK(v2);
  EXPECT_EQ(v2->state_version, 2);

  for (std::int64_t stale : {0, 1, 3}) {
    commit.expected_version = stale;
    auto lost = store_->commit_sync(commit);
    EXPECT_EQ(lost.status().code(), StatusCode::kAborted) << "expected_version " << stale;
  }
  SyncCommit absent;
  absent.state = make_state(kOther, Json::object());
  absent.expected_version = 1;  // It does not exist: only 0 may create it.
  absent.record = make_record(kOther, SyncOutcome::kApplied, at(1), Duration(0));
  EXPECT_EQ(store_->commit_sync(absent).status().code(), StatusCode::kAborted);
  auto other = store_->get_state(kOther);
  OJSYNC_ASSERT_OK(other);
  EXPECT_FALSE(other->has_value());

  auto loaded = store_->get_state(kKey);
  OJSYNC_ASSERT_OK(loaded);
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ((*loaded)->version, 2);
  EXPECT_EQ(text((*loaded)->base), R"({"v":2})");
}

TEST_P(StoreConformanceTest, AWriteIntentStaysOnItsVersionUntilTheNextCommit) {
  SyncCommit commit;
  commit.state = make_state(kKey, parse(R"({"v":1})"));
  commit.record = make_record(kKey, SyncOutcome::kApplied, at(1), Duration(0));
  OJSYNC_ASSERT_OK(store_->commit_sync(commit));
  const WriteIntent intent{"ab12", /*writes_ojs=*/false, /*writes_agents=*/true};
  SyncState entry = *commit.state;
  EXPECT_EQ(store_->record_write_intent(entry, 2, intent).status().code(), StatusCode::kAborted);
  EXPECT_EQ(store_->record_write_intent(entry, 0, intent).status().code(), StatusCode::kAborted);
  auto recorded = store_->record_write_intent(entry, 1, intent);
  OJSYNC_ASSERT_OK(recorded);
  EXPECT_EQ(*recorded, 1);

  auto loaded = store_->get_state(kKey);
  OJSYNC_ASSERT_OK(loaded);
  ASSERT_TRUE((*loaded)->write_intent.has_value());
  EXPECT_EQ((*loaded)->version, 1);  // The sync that recorded it commits against version 1.
  EXPECT_EQ((*loaded)->write_intent->target_hash, "ab12");
  EXPECT_FALSE((*loaded)->write_intent->writes_ojs);
  EXPECT_TRUE((*loaded)->write_intent->writes_agents);

  commit.expected_version = 1;
  OJSYNC_ASSERT_OK(store_->commit_sync(commit));
  loaded = store_->get_state(kKey);
  OJSYNC_ASSERT_OK(loaded);
  EXPECT_FALSE((*loaded)->write_intent.has_value());

  // An entity without an entry gets one, without a base, to carry the intent.
  SyncState fresh;
  fresh.key = kOther;
  fresh.agents_id = "a-7";
  fresh.updated_at = at(2);
  recorded = store_->record_write_intent(fresh, 0, intent);
  OJSYNC_ASSERT_OK(recorded);
  EXPECT_EQ(*recorded, 1);
  loaded = store_->get_state(kOther);
  OJSYNC_ASSERT_OK(loaded);
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ((*loaded)->version, 1);
  EXPECT_FALSE((*loaded)->base.has_value());
  EXPECT_EQ((*loaded)->ojs_id, "");
  EXPECT_EQ((*loaded)->agents_id, "a-7");
  EXPECT_EQ((*loaded)->ojs_hash, "");
  ASSERT_TRUE((*loaded)->write_intent.has_value());
  EXPECT_EQ((*loaded)->write_intent->target_hash, "ab12");
  EXPECT_EQ(store_->record_write_intent(fresh, 0, intent).status().code(), StatusCode::kAborted);
}

TEST_P(StoreConformanceTest, PendingCreatesAreEntriesWhoseIntentWritesASideWithoutAnId) {
  const WriteIntent to_ojs{"ab12", /*writes_ojs=*/true, /*writes_agents=*/false};
  const WriteIntent to_agents{"cd34", /*writes_ojs=*/false, /*writes_agents=*/true};
  auto entry = [](const char* id, const char* ojs_id, const char* agents_id) {
    SyncState s;
    s.key = EntityKey{"manuscript", id};
    s.ojs_id = ojs_id;
    s.agents_id = agents_id;
    s.updated_at = at(1);
    return s;
  };
  // Two creates in OJS pending, one of them of another type; one write to OJS of an entity OJS
  // already named (not a create); one create on the agents' side.
  OJSYNC_ASSERT_OK(store_->record_write_intent(entry("b", "", "a-b"), 0, to_ojs));
  OJSYNC_ASSERT_OK(store_->record_write_intent(entry("a", "", "a-a"), 0, to_ojs));
  OJSYNC_ASSERT_OK(store_->record_write_intent(entry("c", "17", "a-c"), 0, to_ojs));
  OJSYNC_ASSERT_OK(store_->record_write_intent(entry("d", "18", ""), 0, to_agents));
  SyncState decision = entry("e", "", "a-e");
  decision.key.type = "decision";
  OJSYNC_ASSERT_OK(store_->record_write_intent(decision, 0, to_ojs));
  // An entry without an OJS id and without an intent (nothing was being written) is none.
  SyncCommit plain;
  plain.state = make_state(EntityKey{"manuscript", "f"}, parse(R"({"v":1})"));
  plain.state->ojs_id = "";
  plain.record = make_record(plain.state->key, SyncOutcome::kApplied, at(1), Duration(0));
  OJSYNC_ASSERT_OK(store_->commit_sync(plain));

  auto pending = store_->list_pending_creates("manuscript", Side::kOjs, 10);
  OJSYNC_ASSERT_OK(pending);
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ((*pending)[0].key.id, "a");
  EXPECT_EQ((*pending)[1].key.id, "b");
  ASSERT_TRUE((*pending)[0].write_intent.has_value());
  EXPECT_EQ((*pending)[0].write_intent->target_hash, "ab12");
  pending = store_->list_pending_creates("manuscript", Side::kOjs, 1);
  OJSYNC_ASSERT_OK(pending);
  EXPECT_EQ(pending->size(), 1u);
  pending = store_->list_pending_creates("manuscript", Side::kAgents, 10);
  OJSYNC_ASSERT_OK(pending);
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].key.id, "d");

  // The commit that records the created document's id ends the pending create.
  SyncCommit done;
  done.state = make_state(EntityKey{"manuscript", "a"}, parse(R"({"v":1})"));
  done.state->ojs_id = "19";
  done.expected_version = 1;
  done.record = make_record(done.state->key, SyncOutcome::kApplied, at(2), Duration(0));
  OJSYNC_ASSERT_OK(store_->commit_sync(done));
  pending = store_->list_pending_creates("manuscript", Side::kOjs, 10);
  OJSYNC_ASSERT_OK(pending);
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].key.id, "b");
}

TEST_P(StoreConformanceTest, WriteIntentsOfAGroupAreStoredEachOnItsOwn) {
  SyncCommit commit;
  commit.state = make_state(kKey, parse(R"({"v":1})"));
  commit.record = make_record(kKey, SyncOutcome::kApplied, at(1), Duration(0));
  OJSYNC_ASSERT_OK(store_->commit_sync(commit));
  const WriteIntent intent{"ab12", /*writes_ojs=*/false, /*writes_agents=*/true};
  std::vector<WriteIntentUpdate> updates(3);
  updates[0].key = kKey;
  updates[0].version = 1;
  updates[0].intent = intent;
  updates[1].key = kKey;  // Stale: this one alone is refused.
  updates[1].version = 2;
  updates[1].intent = intent;
  updates[2].key = kOther;  // New: an entry without a base is inserted to carry it.
  updates[2].agents_id = "a-7";
  updates[2].updated_at = at(2);
  updates[2].intent = intent;
  auto recorded = store_->record_write_intents(updates);
  OJSYNC_ASSERT_OK(recorded);
  ASSERT_EQ(recorded->size(), 3u);
  OJSYNC_ASSERT_OK((*recorded)[0]);
  EXPECT_EQ(*(*recorded)[0], 1);
  EXPECT_EQ((*recorded)[1].status().code(), StatusCode::kAborted);
  OJSYNC_ASSERT_OK((*recorded)[2]);
  EXPECT_EQ(*(*recorded)[2], 1);

  for (const EntityKey& key : {kKey, kOther}) {
    auto loaded = store_->get_state(key);
    OJSYNC_ASSERT_OK(loaded);
    ASSERT_TRUE(loaded->has_value());
    EXPECT_EQ((*loaded)->version, 1);
    ASSERT_TRUE((*loaded)->write_intent.has_value());
    EXPECT_EQ((*loaded)->write_intent->target_hash, "ab12");
    EXPECT_TRUE((*loaded)->write_intent->writes_agents);
  }
  auto fresh = store_->get_state(kOther);
  EXPECT_FALSE((*fresh)->base.has_value());
  EXPECT_EQ((*fresh)->agents_id, "a-7");
  EXPECT_EQ((*fresh)->ojs_id, "");
  auto none = store_->record_write_intents({});
  OJSYNC_ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
}

TEST_P(StoreConformanceTest, AbortedCommitWritesNothing) {
  SyncCommit first;
  first.state = make_state(kKey, parse(R"({"v":1})"));
  first.record = make_record(kKey, SyncOutcome::kApplied, at(1), Duration(0));
  OJSYNC_ASSERT_OK(store_->commit_sync(first));
  auto job = enqueue_and_claim(kKey, at(2));
  OJSYNC_ASSERT_OK(job);
  auto other_job = enqueue_and_claim(kOther, at(2));
  OJSYNC_ASSERT_OK(other_job);

  SyncCommit stale;
  stale.state = make_state(kKey, parse(R"({"v":99})"));
  stale.expected_version = 0;  // Another sync already created it.
  stale.record = make_record(kKey, SyncOutcome::kConflict, at(3), Duration(0));
  stale.open_conflict = make_conflict(kKey, at(3));
  stale.completed_job_id = *job;
  stale.failed_job = JobFailure{*other_job, "boom", at(10), 1};
  stale.audit = {make_audit(kKey, "write_ojs", at(3))};
  EXPECT_EQ(store_->commit_sync(stale).status().code(), StatusCode::kAborted);

  auto state = store_->get_state(kKey);
  OJSYNC_ASSERT_OK(state);
  ASSERT_TRUE(state->has_value());
  EXPECT_EQ((*state)->version, 1);
  EXPECT_EQ(text((*state)->base), R"({"v":1})");
  auto records = store_->list_records(kKey, 10);
  OJSYNC_ASSERT_OK(records);
  EXPECT_EQ(records->size(), 1u);
  auto conflict = store_->open_conflict_for(kKey);
  OJSYNC_ASSERT_OK(conflict);
  EXPECT_FALSE(conflict->has_value());
  auto audit = store_->list_audit(kKey, 10);
  OJSYNC_ASSERT_OK(audit);
  EXPECT_TRUE(audit->empty());
  for (std::int64_t id : {*job, *other_job}) {
    std::optional<Job> still = find_job(id);
    ASSERT_TRUE(still.has_value()) << id;
    EXPECT_EQ(still->state, JobState::kLeased);
    EXPECT_EQ(still->attempts, 0);
  }
  auto stats = store_->statistics(at(3));
  OJSYNC_ASSERT_OK(stats);
  EXPECT_EQ(stats->all_time.total, 1);
  EXPECT_EQ(stats->pending_conflicts, 0);
}

TEST_P(StoreConformanceTest, FailureLateInACommitRollsBackItsEarlierParts) {
  SyncCommit first;
  first.state = make_state(kKey, parse(R"({"v":1})"));
  first.record = make_record(kKey, SyncOutcome::kApplied, at(1), Duration(0));
  OJSYNC_ASSERT_OK(store_->commit_sync(first));
  auto job = enqueue_and_claim(kKey, at(2));
  OJSYNC_ASSERT_OK(job);

  SyncCommit commit;
  commit.state = make_state(kKey, parse(R"({"v":2})"));
  commit.expected_version = 1;  // Valid: the state would be written first...
  commit.record = make_record(kKey, SyncOutcome::kApplied, at(3), Duration(0));
  commit.completed_job_id = *job;
  commit.audit = {make_audit(kKey, "write_agents", at(3))};
  commit.close_conflict = ConflictClosure{987654, "engine", "converged", std::nullopt};  // ...not open
  EXPECT_EQ(store_->commit_sync(commit).status().code(), StatusCode::kFailedPrecondition);

  auto state = store_->get_state(kKey);
  OJSYNC_ASSERT_OK(state);
  ASSERT_TRUE(state->has_value());
  EXPECT_EQ((*state)->version, 1);
  EXPECT_EQ(text((*state)->base), R"({"v":1})");
  auto records = store_->list_records(kKey, 10);
  OJSYNC_ASSERT_OK(records);
  EXPECT_EQ(records->size(), 1u);
  auto audit = store_->list_audit(kKey, 10);
  OJSYNC_ASSERT_OK(audit);
  EXPECT_TRUE(audit->empty());
  EXPECT_TRUE(find_job(*job).has_value());
  auto stats = store_->statistics(at(3));
  OJSYNC_ASSERT_OK(stats);
  EXPECT_EQ(stats->all_time.total, 1);
}

TEST_P(StoreConformanceTest, OpenConflictsForReadsEachKeyInItsOrder) {
  SyncCommit commit;
  commit.state = make_state(kKey, Json::object());
  commit.record = make_record(kKey, SyncOutcome::kConflict, at(2), Duration(0));
  commit.open_conflict = make_conflict(kKey, at(2));
  auto committed = store_->commit_sync(commit);
  OJSYNC_ASSERT_OK(committed);
  const std::vector<EntityKey> keys{kOther, kKey, kKey};
  auto open = store_->open_conflicts_for(keys);
  OJSYNC_ASSERT_OK(open);
  ASSERT_EQ(open->size(), 3u);
  EXPECT_FALSE((*open)[0].has_value());
  for (std::size_t i : {1u, 2u}) {
    ASSERT_TRUE((*open)[i].has_value());
    EXPECT_EQ((*open)[i]->id, committed->conflict_id);
    EXPECT_EQ((*open)[i]->ojs, commit.open_conflict->ojs);  // Opened as open_conflict_for opens it.
  }
  auto none = store_->open_conflicts_for({});
  OJSYNC_ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
}

TEST_P(StoreConformanceTest, CommitStoresAllItsPartsTogether) {
  auto job = enqueue_and_claim(kKey, at(1));
  OJSYNC_ASSERT_OK(job);
  SyncCommit commit;
  commit.state = make_state(kKey, parse(R"({"title":"t"})"));
  commit.record = make_record(kKey, SyncOutcome::kConflict, at(2), Duration(500));
  commit.open_conflict = make_conflict(kKey, at(2));
  commit.completed_job_id = *job;
  commit.audit = {make_audit(kKey, "write_ojs", at(2)), make_audit(kKey, "field_overridden", at(2))};
  auto committed = store_->commit_sync(commit);
  OJSYNC_ASSERT_OK(committed);
  EXPECT_GT(committed->record_id, 0);
  EXPECT_GT(committed->conflict_id, 0);
  EXPECT_EQ(committed->state_version, 1);

  auto records = store_->list_records(kKey, 10);
  OJSYNC_ASSERT_OK(records);
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ(records->front().id, committed->record_id);
  auto conflict = store_->open_conflict_for(kKey);
  OJSYNC_ASSERT_OK(conflict);
  ASSERT_TRUE(conflict->has_value());
  EXPECT_EQ((*conflict)->id, committed->conflict_id);
  auto audit = store_->list_audit(kKey, 10);
  OJSYNC_ASSERT_OK(audit);
  ASSERT_EQ(audit->size(), 2u);
  EXPECT_EQ((*audit)[0].action, "field_overridden");
  EXPECT_EQ((*audit)[1].action, "write_ojs");
  EXPECT_FALSE(find_job(*job).has_value());
  auto state = store_->get_state(kKey);
  OJSYNC_ASSERT_OK(state);
  ASSERT_TRUE(state->has_value());
  EXPECT_EQ((*state)->version, 1);
}

TEST_P(StoreConformanceTest, RecordsRoundTripNewestFirst) {
  SyncRecord record = make_record(kKey, SyncOutcome::kFailed, at(10) + Duration(7), Duration(1234));
  record.direction = Direction::kToOjs;
  record.trigger = "event";
  record.base_hash_before = "b0";
  record.base_hash_after = "b1";
  record.ojs_hash = "o1";
  record.agents_hash = "a1";
  record.wrote_ojs = true;
  record.wrote_agents = false;
  record.retry_count = 2;
  record.error = "UNAVAILABLE: OJS answered 503 — «réessayer»";
  SyncCommit commit;
  commit.record = record;
  auto committed = store_->commit_sync(commit);
  OJSYNC_ASSERT_OK(committed);
  OJSYNC_ASSERT_OK(commit_record(kKey, SyncOutcome::kNoop, at(20)));
  OJSYNC_ASSERT_OK(commit_record(kKey, SyncOutcome::kApplied, at(5)));
  OJSYNC_ASSERT_OK(commit_record(kOther, SyncOutcome::kApplied, at(30)));

  // Newest first means the most recently committed first, whatever the start times say.
  auto records = store_->list_records(kKey, 10);
  OJSYNC_ASSERT_OK(records);
  ASSERT_EQ(records->size(), 3u);
  EXPECT_EQ((*records)[0].started_at, at(5));
  EXPECT_EQ((*records)[1].started_at, at(20));
  EXPECT_GT((*records)[0].id, (*records)[1].id);
  EXPECT_GT((*records)[1].id, (*records)[2].id);
  const SyncRecord& r = (*records)[2];
  EXPECT_EQ(r.id, committed->record_id);
  EXPECT_EQ(r.key, kKey);
  EXPECT_EQ(r.direction, Direction::kToOjs);
  EXPECT_EQ(r.outcome, SyncOutcome::kFailed);
  EXPECT_EQ(r.trigger, "event");
  EXPECT_EQ(r.base_hash_before, "b0");
  EXPECT_EQ(r.base_hash_after, "b1");
  EXPECT_EQ(r.ojs_hash, "o1");
  EXPECT_EQ(r.agents_hash, "a1");
  EXPECT_TRUE(r.wrote_ojs);
  EXPECT_FALSE(r.wrote_agents);
  EXPECT_EQ(r.duration, Duration(1234));
  EXPECT_EQ(r.retry_count, 2);
  EXPECT_EQ(r.error, record.error);
  EXPECT_EQ(r.started_at, at(10) + Duration(7));

  auto limited = store_->list_records(kKey, 1);
  OJSYNC_ASSERT_OK(limited);
  ASSERT_EQ(limited->size(), 1u);
  EXPECT_EQ(limited->front().started_at, at(5));
}

// A group commit of many entities, past any internal batching of the log: every record is
// found by its entity (newest first, limited) and by an id scan, and retention takes exactly
// the records older than its cutoff even when they were committed among newer ones.
TEST_P(StoreConformanceTest, ManyGroupCommittedRecordsAreFoundByEntityAndById) {
  constexpr int kEntities = 97;
  constexpr int kRounds = 70;  // 6,790 records in 7 group commits.
  std::vector<std::int64_t> ids;
  for (int round = 0; round < kRounds; round += 10) {
    std::vector<SyncCommit> commits;
    for (int r = round; r < round + 10; ++r) {
      for (int e = 0; e < kEntities; ++e) {
        SyncCommit c;
        // Even rounds start before the cutoff at 1,000 s, odd ones after it.
        c.record = make_record({"manuscript", std::to_string(e)}, SyncOutcome::kNoop,
                               at(r % 2 == 0 ? r : 1'000 + r), Duration(r));
        commits.push_back(std::move(c));
      }
    }
    auto results = store_->commit_syncs(commits);
    OJSYNC_ASSERT_OK(results);
    for (const auto& result : *results) {
      OJSYNC_ASSERT_OK(result);
      ids.push_back(result->record_id);
    }
  }
  ASSERT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  ASSERT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end());

  for (int e : {0, 42, kEntities - 1}) {
    auto records = store_->list_records({"manuscript", std::to_string(e)}, 1'000);
    OJSYNC_ASSERT_OK(records);
    ASSERT_EQ(records->size(), static_cast<std::size_t>(kRounds)) << e;
    for (int i = 0; i < kRounds; ++i) {
      const SyncRecord& r = (*records)[static_cast<std::size_t>(i)];
      EXPECT_EQ(r.key.id, std::to_string(e));
      EXPECT_EQ(r.duration, Duration(kRounds - 1 - i));  // Newest round first.
    }
    auto limited = store_->list_records({"manuscript", std::to_string(e)}, 3);
    OJSYNC_ASSERT_OK(limited);
    ASSERT_EQ(limited->size(), 3u);
    EXPECT_EQ(limited->back().duration, Duration(kRounds - 3));
  }
  std::vector<std::int64_t> scanned;
  for (std::int64_t after = 0;;) {
    auto page = store_->list_records_after(after, 500);
    OJSYNC_ASSERT_OK(page);
    if (page->empty()) break;
    for (const SyncRecord& r : *page) scanned.push_back(r.id);
    after = page->back().id;
  }
  EXPECT_EQ(scanned, ids);

  auto cleaned = store_->cleanup(RetentionCutoffs::uniform(at(1'000)));
  OJSYNC_ASSERT_OK(cleaned);
  EXPECT_EQ(cleaned->records, kEntities * kRounds / 2);
  auto kept = store_->list_records({"manuscript", "42"}, 1'000);
  OJSYNC_ASSERT_OK(kept);
  ASSERT_EQ(kept->size(), static_cast<std::size_t>(kRounds / 2));
  for (const SyncRecord& r : *kept) EXPECT_GE(r.started_at, at(1'000));
  auto stats = store_->statistics(at(1'000 + kRounds));
  OJSYNC_ASSERT_OK(stats);
  EXPECT_EQ(stats->last_24h.total, kEntities * kRounds / 2);
  EXPECT_EQ(stats->all_time.total, kEntities * kRounds);
}

// ----------------------------------------------------------------------------- conflicts

TEST_P(StoreConformanceTest, ConflictsKeepAbsentSidesApartFromNull) {
  ConflictRecord conflict = make_conflict(kKey, at(3));
  conflict.strategy = "field_policy:abstract";
  conflict.base = std::nullopt;
  conflict.ojs = parse(R"({"abstract":{"en":"Ozone — ∂x"},"authors":[{"id":12,"email":null}]})");
  conflict.agents = std::nullopt;
  conflict.fields = {FieldConflict{"abstract.en", Json("old"), Json("Ozone — ∂x"), std::nullopt},
                     FieldConflict{"authors[12].email", std::nullopt, Json(nullptr), Json("x@y.org")}};
  SyncCommit commit;
  commit.record = make_record(kKey, SyncOutcome::kConflict, at(3), Duration(0));
  commit.open_conflict = conflict;
  auto committed = store_->commit_sync(commit);
  OJSYNC_ASSERT_OK(committed);

  auto loaded = store_->get_conflict(committed->conflict_id);
  OJSYNC_ASSERT_OK(loaded);
  ASSERT_TRUE(loaded->has_value());
  const ConflictRecord& c = **loaded;
  EXPECT_EQ(c.id, committed->conflict_id);
  EXPECT_EQ(c.key, kKey);
  EXPECT_EQ(c.status, ConflictStatus::kOpen);
  EXPECT_EQ(c.strategy, "field_policy:abstract");
  EXPECT_EQ(text(c.base), "<absent>");
  EXPECT_EQ(text(c.ojs), text(conflict.ojs));
  EXPECT_EQ(text(c.agents), "<absent>");
  ASSERT_EQ(c.fields.size(), 2u);
  EXPECT_EQ(c.fields[0].path, "abstract.en");
  EXPECT_EQ(text(c.fields[0].base), R"("old")");
  EXPECT_EQ(text(c.fields[0].ojs), R"("Ozone — ∂x")");
  EXPECT_EQ(text(c.fields[0].agents), "<absent>");
  EXPECT_EQ(c.fields[1].path, "authors[12].email");
  EXPECT_EQ(text(c.fields[1].base), "<absent>");
  EXPECT_EQ(text(c.fields[1].ojs), "null");
  EXPECT_EQ(text(c.fields[1].agents), R"("x@y.org")");
  EXPECT_EQ(c.created_at, at(3));
  EXPECT_EQ(c.updated_at, at(3));
  EXPECT_FALSE(c.resolved_at.has_value());
  EXPECT_EQ(c.resolved_by, "");
  EXPECT_EQ(c.resolution, "");
  EXPECT_FALSE(c.resolved_document.has_value());

  auto missing = store_->get_conflict(committed->conflict_id + 1000);
  OJSYNC_ASSERT_OK(missing);
  EXPECT_FALSE(missing->has_value());
}

TEST_P(StoreConformanceTest, NewOpenConflictReplacesTheEntitysOpenOne) {
  SyncCommit commit;
  commit.record = make_record(kKey, SyncOutcome::kConflict, at(1), Duration(0));
  commit.open_conflict = make_conflict(kKey, at(1));
  auto first = store_->commit_sync(commit);
  OJSYNC_ASSERT_OK(first);

  ConflictRecord newer = make_conflict(kKey, at(10));
  newer.ojs = Json(Json::Object{{"title", "ojs again"}});
  newer.fields = {FieldConflict{"title", Json(nullptr), Json("ojs again"), Json("from agents")}};
  commit.record.started_at = at(10);
  commit.open_conflict = newer;
  auto second = store_->commit_sync(commit);
  OJSYNC_ASSERT_OK(second);
  EXPECT_EQ(second->conflict_id, first->conflict_id);

  auto loaded = store_->open_conflict_for(kKey);
  OJSYNC_ASSERT_OK(loaded);
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ((*loaded)->id, first->conflict_id);
  EXPECT_EQ(text((*loaded)->ojs), R"({"title":"ojs again"})");
  EXPECT_EQ(text((*loaded)->fields.at(0).ojs), R"("ojs again")");
  EXPECT_EQ((*loaded)->created_at, at(1));  // The conflict is as old as its first sighting.
  EXPECT_EQ((*loaded)->updated_at, at(10));

  commit.record.key = kOther;
  commit.open_conflict = make_conflict(kOther, at(11));
  auto other = store_->commit_sync(commit);
  OJSYNC_ASSERT_OK(other);
  EXPECT_NE(other->conflict_id, first->conflict_id);
  auto open = store_->list_conflicts(ConflictStatus::kOpen, 10);
  OJSYNC_ASSERT_OK(open);
  EXPECT_EQ(open->size(), 2u);
}

TEST_P(StoreConformanceTest, ClosingAConflictResolvesIt) {
  SyncCommit open;
  open.record = make_record(kKey, SyncOutcome::kConflict, at(1), Duration(0));
  open.open_conflict = make_conflict(kKey, at(1));
  auto opened = store_->commit_sync(open);
  OJSYNC_ASSERT_OK(opened);

  SyncCommit close;
  close.state = make_state(kKey, parse(R"({"title":"agreed"})"));
  close.record = make_record(kKey, SyncOutcome::kApplied, at(60), std::chrono::milliseconds(2));
  close.close_conflict = ConflictClosure{opened->conflict_id, "editor:alice", "manual",
                                         parse(R"({"title":"agreed"})")};
  auto closed = store_->commit_sync(close);
  OJSYNC_ASSERT_OK(closed);
  EXPECT_EQ(closed->conflict_id, 0);

  auto loaded = store_->get_conflict(opened->conflict_id);
  OJSYNC_ASSERT_OK(loaded);
  ASSERT_TRUE(loaded->has_value());
  const ConflictRecord& c = **loaded;
  EXPECT_EQ(c.status, ConflictStatus::kResolved);
  ASSERT_TRUE(c.resolved_at.has_value());
  EXPECT_EQ(*c.resolved_at, at(60) + std::chrono::milliseconds(2));  // The end of the closing sync.
  EXPECT_EQ(c.updated_at, *c.resolved_at);
  EXPECT_EQ(c.created_at, at(1));
  EXPECT_EQ(c.resolved_by, "editor:alice");
  EXPECT_EQ(c.resolution, "manual");
  EXPECT_EQ(text(c.resolved_document), R"({"title":"agreed"})");
  EXPECT_EQ(text(c.ojs), R"({"title":"from ojs"})");  // The evidence stays.
  // Who settled it is in the audit log, appended by the same commit.
  auto audit = store_->list_audit(kKey, 10);
  OJSYNC_ASSERT_OK(audit);
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ(audit->front().action, "conflict_resolved");
  EXPECT_EQ(audit->front().actor, "editor:alice");
  EXPECT_EQ(audit->front().reason, "manual");
  EXPECT_EQ(audit->front().at, *c.resolved_at);
  EXPECT_EQ(audit->front().after_hash, close.state->base_hash);
  EXPECT_EQ(audit->front().details.get_int("conflict_id"), opened->conflict_id);
  auto none = store_->open_conflict_for(kKey);
  OJSYNC_ASSERT_OK(none);
  EXPECT_FALSE(none->has_value());

  // Closing twice fails (and, being one transaction, records nothing).
  close.state.reset();
  EXPECT_EQ(store_->commit_sync(close).status().code(), StatusCode::kFailedPrecondition);
  auto records = store_->list_records(kKey, 10);
  OJSYNC_ASSERT_OK(records);
  EXPECT_EQ(records->size(), 2u);

  // A later conflict on the same entity is a new one.
  open.record.started_at = at(100);
  open.open_conflict = make_conflict(kKey, at(100));
  auto reopened = store_->commit_sync(open);
  OJSYNC_ASSERT_OK(reopened);
  EXPECT_NE(reopened->conflict_id, opened->conflict_id);
}

TEST_P(StoreConformanceTest, ListsConflictsNewestFirstByStatus) {
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 3; ++i) {
    const EntityKey key{"manuscript", std::to_string(i)};
    SyncCommit commit;
    commit.record = make_record(key, SyncOutcome::kConflict, at(i), Duration(0));
    commit.open_conflict = make_conflict(key, at(i));
    auto committed = store_->commit_sync(commit);
    OJSYNC_ASSERT_OK(committed);
    ids.push_back(committed->conflict_id);
  }
  SyncCommit close;
  close.record = make_record({"manuscript", "1"}, SyncOutcome::kApplied, at(5), Duration(0));
  close.close_conflict = ConflictClosure{ids[1], "engine", "converged", std::nullopt};
  OJSYNC_ASSERT_OK(store_->commit_sync(close));

  auto all = store_->list_conflicts(std::nullopt, 10);
  auto open = store_->list_conflicts(ConflictStatus::kOpen, 10);
  auto resolved = store_->list_conflicts(ConflictStatus::kResolved, 10);
  auto first_two = store_->list_conflicts(std::nullopt, 2);
  OJSYNC_ASSERT_OK(all);
  OJSYNC_ASSERT_OK(open);
  OJSYNC_ASSERT_OK(resolved);
  OJSYNC_ASSERT_OK(first_two);
  EXPECT_EQ(ids_of(*all), (std::vector<std::int64_t>{ids[2], ids[1], ids[0]}));
  EXPECT_EQ(ids_of(*open), (std::vector<std::int64_t>{ids[2], ids[0]}));
  EXPECT_EQ(ids_of(*resolved), (std::vector<std::int64_t>{ids[1]}));
  EXPECT_EQ(ids_of(*first_two), (std::vector<std::int64_t>{ids[2], ids[1]}));
}

// ------------------------------------------------------------------------------ job queue

TEST_P(StoreConformanceTest, EnqueueReusesThePendingJobAndKeepsTheEarliestRunAt) {
  auto first = store_->enqueue(kKey, Direction::kBoth, "event", at(10));
  auto earlier = store_->enqueue(kKey, Direction::kBoth, "sweep", at(5));
  auto later = store_->enqueue(kKey, Direction::kBoth, "api", at(20));
  auto other_direction = store_->enqueue(kKey, Direction::kToOjs, "api", at(20));
  auto other_key = store_->enqueue(kOther, Direction::kBoth, "api", at(20));
  for (const auto* r : {&first, &earlier, &later, &other_direction, &other_key}) OJSYNC_ASSERT_OK(*r);
  EXPECT_EQ(*earlier, *first);
  EXPECT_EQ(*later, *first);
  EXPECT_NE(*other_direction, *first);
  EXPECT_NE(*other_key, *first);
  EXPECT_NE(*other_key, *other_direction);

  std::optional<Job> job = find_job(*first);
  ASSERT_TRUE(job.has_value());
  EXPECT_EQ(job->key, kKey);
  EXPECT_EQ(job->direction, Direction::kBoth);
  EXPECT_EQ(job->trigger, "event");
  EXPECT_EQ(job->state, JobState::kPending);
  EXPECT_EQ(job->attempts, 0);
  EXPECT_EQ(job->run_at, at(5));
  EXPECT_EQ(job->created_at, at(10));
  EXPECT_EQ(job->leased_by, "");
  auto pending = store_->list_jobs(JobState::kPending, 10);
  OJSYNC_ASSERT_OK(pending);
  EXPECT_EQ(ids_of(*pending), (std::vector<std::int64_t>{*first, *other_direction, *other_key}));
}

// A sweep's page in one transaction: each key as enqueue() would queue it, a pending job reused.
TEST_P(StoreConformanceTest, EnqueueAllQueuesEachKeyAsEnqueueWould) {
  auto earlier = store_->enqueue(kKey, Direction::kBoth, "event", at(10));
  OJSYNC_ASSERT_OK(earlier);
  const std::vector<EntityKey> keys = {kOther, kKey, kOther};
  auto queued = store_->enqueue_all(keys, Direction::kBoth, "sweep", at(5));
  OJSYNC_ASSERT_OK(queued);
  ASSERT_EQ(queued->size(), 3u);
  EXPECT_EQ((*queued)[1], *earlier);
  EXPECT_EQ((*queued)[2], (*queued)[0]) << "a key twice in one page is one job";
  EXPECT_NE((*queued)[0], *earlier);
  std::optional<Job> reused = find_job(*earlier);
  ASSERT_TRUE(reused.has_value());
  EXPECT_EQ(reused->run_at, at(5));
  std::optional<Job> other = find_job((*queued)[0]);
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ(other->key, kOther);
  EXPECT_EQ(other->trigger, "sweep");
  auto none = store_->enqueue_all({}, Direction::kBoth, "sweep", at(5));
  OJSYNC_ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
}

// Only pending jobs due by `now` count, and the count stops at its bound.
TEST_P(StoreConformanceTest, CountDueJobsCountsPendingDueJobsUpToItsBound) {
  OJSYNC_ASSERT_OK(store_->enqueue(kKey, Direction::kBoth, "sweep", at(5)));
  OJSYNC_ASSERT_OK(store_->enqueue(kOther, Direction::kBoth, "sweep", at(5)));
  OJSYNC_ASSERT_OK(store_->enqueue(kOther, Direction::kToOjs, "sweep", at(50)));  // Not due yet.
  OJSYNC_ASSERT_OK(store_->enqueue({"manuscript", "44"}, Direction::kBoth, "sweep", at(6)));
  auto claimed = store_->claim_jobs("w", 1, at(10), std::chrono::minutes(1));  // Leased: not pending.
  OJSYNC_ASSERT_OK(claimed);
  ASSERT_EQ(claimed->size(), 1u);
  auto due = store_->count_due_jobs(at(10), 100);
  OJSYNC_ASSERT_OK(due);
  EXPECT_EQ(*due, 2u);
  EXPECT_EQ(store_->count_due_jobs(at(10), 1).value(), 1u);
  EXPECT_EQ(store_->count_due_jobs(at(60), 100).value(), 3u);
  EXPECT_EQ(store_->count_due_jobs(at(1), 100).value(), 0u);
}

TEST_P(StoreConformanceTest, EnqueueWhileLeasedQueuesAnotherJob) {
  auto leased = enqueue_and_claim(kKey, at(1));
  OJSYNC_ASSERT_OK(leased);
  auto again = store_->enqueue(kKey, Direction::kBoth, "event", at(2));
  OJSYNC_ASSERT_OK(again);
  EXPECT_NE(*again, *leased);  // The change seen during the running sync is not lost.
  auto pending = store_->list_jobs(JobState::kPending, 10);
  auto running = store_->list_jobs(JobState::kLeased, 10);
  OJSYNC_ASSERT_OK(pending);
  OJSYNC_ASSERT_OK(running);
  EXPECT_EQ(ids_of(*pending), (std::vector<std::int64_t>{*again}));
  EXPECT_EQ(ids_of(*running), (std::vector<std::int64_t>{*leased}));
}

TEST_P(StoreConformanceTest, ClaimLeasesDueJobsOldestFirst) {
  std::vector<std::int64_t> ids;
  for (auto [id, run_at] : {std::pair{"a", 30}, std::pair{"b", 10}, std::pair{"c", 20}, std::pair{"d", 100}}) {
    auto job = store_->enqueue({"manuscript", id}, Direction::kBoth, "sweep", at(run_at));
    OJSYNC_ASSERT_OK(job);
    ids.push_back(*job);
  }
  auto w1 = store_->claim_jobs("w1", 2, at(50), std::chrono::seconds(60));
  OJSYNC_ASSERT_OK(w1);
  EXPECT_EQ(ids_of(*w1), (std::vector<std::int64_t>{ids[1], ids[2]}));
  for (const Job& job : *w1) {
    EXPECT_EQ(job.state, JobState::kLeased);
    EXPECT_EQ(job.leased_by, "w1");
    EXPECT_EQ(job.lease_until, at(110));
    EXPECT_EQ(job.attempts, 0);
  }
  auto w2 = store_->claim_jobs("w2", 10, at(50), std::chrono::seconds(60));
  OJSYNC_ASSERT_OK(w2);
  EXPECT_EQ(ids_of(*w2), (std::vector<std::int64_t>{ids[0]}));
  auto none = store_->claim_jobs("w3", 10, at(50), std::chrono::seconds(60));
  OJSYNC_ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
  auto zero = store_->claim_jobs("w3", 0, at(500), std::chrono::seconds(60));
  OJSYNC_ASSERT_OK(zero);
  EXPECT_TRUE(zero->empty());
}

TEST_P(StoreConformanceTest, ExpiredLeasesAreReclaimedWithoutCountingAnAttempt) {
  auto id = store_->enqueue(kKey, Direction::kBoth, "event", at(0));
  OJSYNC_ASSERT_OK(id);
  auto w1 = store_->claim_jobs("w1", 10, at(0), std::chrono::seconds(30));
  OJSYNC_ASSERT_OK(w1);
  ASSERT_EQ(w1->size(), 1u);
  auto at_expiry = store_->claim_jobs("w2", 10, at(30), std::chrono::seconds(30));
  OJSYNC_ASSERT_OK(at_expiry);
  EXPECT_TRUE(at_expiry->empty());  // Reclaimable only after lease_until.
  const Timestamp later = at(30) + Duration(1);
  auto w2 = store_->claim_jobs("w2", 10, later, std::chrono::seconds(30));
  OJSYNC_ASSERT_OK(w2);
  ASSERT_EQ(w2->size(), 1u);
  EXPECT_EQ(w2->front().id, *id);
  EXPECT_EQ(w2->front().leased_by, "w2");
  EXPECT_EQ(w2->front().lease_until, later + std::chrono::seconds(30));
  EXPECT_EQ(w2->front().attempts, 0);
}

TEST_P(StoreConformanceTest, FailuresBackOffThenDeadLetterAtTheRetryLimit) {
  auto id = enqueue_and_claim(kKey, at(0));
  OJSYNC_ASSERT_OK(id);
  for (int attempt = 1; attempt <= 3; ++attempt) {
    SyncCommit failed;
    failed.record = make_record(kKey, SyncOutcome::kFailed, at(attempt * 100), Duration(0));
    failed.record.error = "boom " + std::to_string(attempt);
    failed.failed_job = JobFailure{*id, failed.record.error, at(attempt * 100 + 10), 3};
    OJSYNC_ASSERT_OK(store_->commit_sync(failed));

    std::optional<Job> job = find_job(*id);
    ASSERT_TRUE(job.has_value());
    EXPECT_EQ(job->attempts, attempt);
    EXPECT_EQ(job->last_error, "boom " + std::to_string(attempt));
    EXPECT_EQ(job->leased_by, "");
    if (attempt == 3) {
      EXPECT_EQ(job->state, JobState::kDead);
      break;
    }
    EXPECT_EQ(job->state, JobState::kPending);
    EXPECT_EQ(job->run_at, at(attempt * 100 + 10));
    auto early = store_->claim_jobs("w", 10, at(attempt * 100 + 9), std::chrono::seconds(60));
    OJSYNC_ASSERT_OK(early);
    EXPECT_TRUE(early->empty()) << "attempt " << attempt;
    auto due = store_->claim_jobs("w", 10, at(attempt * 100 + 10), std::chrono::seconds(60));
    OJSYNC_ASSERT_OK(due);
    EXPECT_EQ(ids_of(*due), (std::vector<std::int64_t>{*id}));
  }
  auto never = store_->claim_jobs("w", 10, at(100000), std::chrono::seconds(60));
  OJSYNC_ASSERT_OK(never);
  EXPECT_TRUE(never->empty());
  auto dead = store_->list_jobs(JobState::kDead, 10);
  OJSYNC_ASSERT_OK(dead);
  EXPECT_EQ(ids_of(*dead), (std::vector<std::int64_t>{*id}));
  auto stats = store_->statistics(at(400));
  OJSYNC_ASSERT_OK(stats);
  EXPECT_EQ(stats->dead_jobs, 1);
  EXPECT_EQ(stats->queue_depth, 0);
}

TEST_P(StoreConformanceTest, FailureMergesIntoAJobAlreadyPending) {
  auto leased = enqueue_and_claim(kKey, at(0));
  OJSYNC_ASSERT_OK(leased);
  auto pending = store_->enqueue(kKey, Direction::kBoth, "event", at(1));
  OJSYNC_ASSERT_OK(pending);
  SyncCommit failed;
  failed.record = make_record(kKey, SyncOutcome::kFailed, at(2), Duration(0));
  failed.failed_job = JobFailure{*leased, "timeout", at(10), 5};
  OJSYNC_ASSERT_OK(store_->commit_sync(failed));

  auto jobs = store_->list_jobs(std::nullopt, 10);
  OJSYNC_ASSERT_OK(jobs);
  ASSERT_EQ(jobs->size(), 1u);
  const Job& job = jobs->front();
  EXPECT_EQ(job.id, *pending);
  EXPECT_EQ(job.state, JobState::kPending);
  EXPECT_EQ(job.attempts, 1);
  EXPECT_EQ(job.run_at, at(10));  // The backoff holds.
  EXPECT_EQ(job.last_error, "timeout");
}

TEST_P(StoreConformanceTest, CompletingAJobDeletesItAndAnUnknownIdIsHarmless) {
  auto id = enqueue_and_claim(kKey, at(0));
  OJSYNC_ASSERT_OK(id);
  SyncCommit done;
  done.record = make_record(kKey, SyncOutcome::kNoop, at(1), Duration(0));
  done.completed_job_id = *id;
  OJSYNC_ASSERT_OK(store_->commit_sync(done));
  EXPECT_FALSE(find_job(*id).has_value());
  OJSYNC_ASSERT_OK(store_->commit_sync(done));  // Finished elsewhere after a lost lease.
  auto records = store_->list_records(kKey, 10);
  OJSYNC_ASSERT_OK(records);
  EXPECT_EQ(records->size(), 2u);
  auto reused = store_->enqueue(kKey, Direction::kBoth, "event", at(2));
  OJSYNC_ASSERT_OK(reused);
  EXPECT_NE(*reused, *id);  // Ids are never reused.
}

TEST_P(StoreConformanceTest, ReleasePutsALeasedJobBackWithoutCountingAnAttempt) {
  auto id = enqueue_and_claim(kKey, at(0));
  OJSYNC_ASSERT_OK(id);
  OJSYNC_ASSERT_OK(store_->release_job(*id));
  std::optional<Job> job = find_job(*id);
  ASSERT_TRUE(job.has_value());
  EXPECT_EQ(job->state, JobState::kPending);
  EXPECT_EQ(job->attempts, 0);
  EXPECT_EQ(job->leased_by, "");
  EXPECT_EQ(job->run_at, at(0));
  auto again = store_->claim_jobs("w2", 10, at(0), std::chrono::seconds(5));
  OJSYNC_ASSERT_OK(again);
  EXPECT_EQ(ids_of(*again), (std::vector<std::int64_t>{*id}));

  // Released next to a job queued meanwhile: the two become one pending job.
  auto queued = store_->enqueue(kKey, Direction::kBoth, "event", at(7));
  OJSYNC_ASSERT_OK(queued);
  OJSYNC_ASSERT_OK(store_->release_job(*id));
  auto jobs = store_->list_jobs(std::nullopt, 10);
  OJSYNC_ASSERT_OK(jobs);
  ASSERT_EQ(jobs->size(), 1u);
  EXPECT_EQ(jobs->front().state, JobState::kPending);
  EXPECT_EQ(jobs->front().run_at, at(0));

  EXPECT_EQ(store_->release_job(jobs->front().id).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->release_job(987654).code(), StatusCode::kNotFound);
}

TEST_P(StoreConformanceTest, DeferPutsALeasedJobBackForLaterWithoutCountingAnAttempt) {
  auto id = enqueue_and_claim(kKey, at(0));
  OJSYNC_ASSERT_OK(id);
  OJSYNC_ASSERT_OK(store_->defer_job(*id, at(30)));
  std::optional<Job> job = find_job(*id);
  ASSERT_TRUE(job.has_value());
  EXPECT_EQ(job->state, JobState::kPending);
  EXPECT_EQ(job->attempts, 0);
  EXPECT_EQ(job->run_at, at(30));
  auto early = store_->claim_jobs("w2", 10, at(29), std::chrono::seconds(5));
  OJSYNC_ASSERT_OK(early);
  EXPECT_TRUE(early->empty());
  auto due = store_->claim_jobs("w2", 10, at(30), std::chrono::seconds(5));
  OJSYNC_ASSERT_OK(due);
  EXPECT_EQ(ids_of(*due), (std::vector<std::int64_t>{*id}));

  // Deferred next to a job queued meanwhile: one pending job, which waits as long as asked.
  auto queued = store_->enqueue(kKey, Direction::kBoth, "event", at(31));
  OJSYNC_ASSERT_OK(queued);
  OJSYNC_ASSERT_OK(store_->defer_job(*id, at(60)));
  auto jobs = store_->list_jobs(std::nullopt, 10);
  OJSYNC_ASSERT_OK(jobs);
  ASSERT_EQ(jobs->size(), 1u);
  EXPECT_EQ(jobs->front().run_at, at(60));

  EXPECT_EQ(store_->defer_job(jobs->front().id, at(90)).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->defer_job(987654, at(90)).code(), StatusCode::kNotFound);
}

TEST_P(StoreConformanceTest, ReleaseLeasesFreesOneWorkersJobsAtOnce) {
  const EntityKey other{"manuscript", "other"}, third{"reviewer", "3"};
  ASSERT_TRUE(store_->enqueue(kKey, Direction::kBoth, "sweep", at(0)).ok());
  ASSERT_TRUE(store_->enqueue(other, Direction::kBoth, "sweep", at(0)).ok());
  auto mine = store_->claim_jobs("host-a", 2, at(0), std::chrono::minutes(5));
  OJSYNC_ASSERT_OK(mine);
  ASSERT_EQ(mine->size(), 2u);
  ASSERT_TRUE(store_->enqueue(third, Direction::kBoth, "sweep", at(0)).ok());
  auto theirs = store_->claim_jobs("host-b", 5, at(0), std::chrono::minutes(5));
  OJSYNC_ASSERT_OK(theirs);
  ASSERT_EQ(theirs->size(), 1u);
  // The same key queued again while leased: releasing merges into it.
  ASSERT_TRUE(store_->enqueue(kKey, Direction::kBoth, "event", at(9)).ok());

  auto released = store_->release_leases("host-a");
  OJSYNC_ASSERT_OK(released);
  EXPECT_EQ(*released, 2u);
  auto pending = store_->list_jobs(JobState::kPending, 10);
  OJSYNC_ASSERT_OK(pending);
  ASSERT_EQ(pending->size(), 2u);  // kKey (merged, run_at 0) and other.
  for (const Job& job : *pending) {
    EXPECT_EQ(job.attempts, 0);
    EXPECT_EQ(job.run_at, at(0));
  }
  auto leased = store_->list_jobs(JobState::kLeased, 10);
  OJSYNC_ASSERT_OK(leased);
  ASSERT_EQ(leased->size(), 1u);
  EXPECT_EQ(leased->front().leased_by, "host-b");  // Another worker's lease is left alone.
  EXPECT_EQ(store_->release_leases("host-a").value(), 0u);
}

TEST_P(StoreConformanceTest, ReplayRevivesADeadJobWithAttemptsReset) {
  auto id = enqueue_and_claim(kKey, at(0));
  OJSYNC_ASSERT_OK(id);
  EXPECT_EQ(store_->replay_dead_job(*id, at(1)).code(), StatusCode::kFailedPrecondition);
  SyncCommit failed;
  failed.record = make_record(kKey, SyncOutcome::kFailed, at(1), Duration(0));
  failed.failed_job = JobFailure{*id, "permanent", at(2), 1};
  OJSYNC_ASSERT_OK(store_->commit_sync(failed));
  ASSERT_EQ(find_job(*id)->state, JobState::kDead);

  OJSYNC_ASSERT_OK(store_->replay_dead_job(*id, at(100)));
  std::optional<Job> job = find_job(*id);
  ASSERT_TRUE(job.has_value());
  EXPECT_EQ(job->state, JobState::kPending);
  EXPECT_EQ(job->attempts, 0);
  EXPECT_EQ(job->run_at, at(100));
  auto early = store_->claim_jobs("w", 10, at(99), std::chrono::seconds(5));
  OJSYNC_ASSERT_OK(early);
  EXPECT_TRUE(early->empty());
  auto due = store_->claim_jobs("w", 10, at(100), std::chrono::seconds(5));
  OJSYNC_ASSERT_OK(due);
  EXPECT_EQ(ids_of(*due), (std::vector<std::int64_t>{*id}));
  EXPECT_EQ(store_->replay_dead_job(987654, at(1)).code(), StatusCode::kNotFound);
}

// ------------------------------------------------------------------- statistics, cleanup

TEST_P(StoreConformanceTest, StatisticsAreExactForAConstructedHistory) {
  const Timestamp now = at(30 * 86400);
  const auto ms = [](int n) { return Duration(std::chrono::milliseconds(n)); };
  // Outside the 24-hour window (now - 24h, now]: two old records and one on the boundary.
  OJSYNC_ASSERT_OK(commit_record(kKey, SyncOutcome::kApplied, now - std::chrono::hours(48), ms(500)));
  OJSYNC_ASSERT_OK(commit_record(kKey, SyncOutcome::kFailed, now - std::chrono::hours(25), ms(10000)));
  OJSYNC_ASSERT_OK(commit_record(kKey, SyncOutcome::kNoop, now - std::chrono::hours(24), ms(7000)));
  // Inside: 1..10 ms (5 applied, 3 noop, 1 conflict, 1 failed) and 20 ms exactly at `now`.
  const SyncOutcome outcomes[] = {SyncOutcome::kApplied, SyncOutcome::kNoop,     SyncOutcome::kApplied,
                                  SyncOutcome::kConflict, SyncOutcome::kApplied, SyncOutcome::kNoop,
                                  SyncOutcome::kFailed,  SyncOutcome::kApplied, SyncOutcome::kNoop,
                                  SyncOutcome::kApplied};
  for (int i = 0; i < 10; ++i) {
    const EntityKey key{"manuscript", std::to_string(i % 3)};
    OJSYNC_ASSERT_OK(commit_record(key, outcomes[i], now - std::chrono::hours(23) + std::chrono::minutes(i),
                                   ms(10 - i)));
  }
  OJSYNC_ASSERT_OK(commit_record(kOther, SyncOutcome::kApplied, now, ms(20)));
  // Two open conflicts and a resolved one; two pending jobs, one leased, one dead.
  for (const EntityKey& key : {EntityKey{"manuscript", "c1"}, EntityKey{"manuscript", "c2"},
                               EntityKey{"manuscript", "c3"}}) {
    SyncCommit commit;
    commit.record = make_record(key, SyncOutcome::kConflict, now - std::chrono::hours(100), Duration(0));
    commit.open_conflict = make_conflict(key, now - std::chrono::hours(100));
    auto committed = store_->commit_sync(commit);
    OJSYNC_ASSERT_OK(committed);
    if (key.id == "c3") {
      commit.open_conflict.reset();
      commit.close_conflict = ConflictClosure{committed->conflict_id, "engine", "converged", std::nullopt};
      OJSYNC_ASSERT_OK(store_->commit_sync(commit));
    }
  }
  OJSYNC_ASSERT_OK(store_->enqueue({"manuscript", "j1"}, Direction::kBoth, "api", now + std::chrono::hours(1)));
  OJSYNC_ASSERT_OK(store_->enqueue({"manuscript", "j2"}, Direction::kBoth, "api", now + std::chrono::hours(1)));
  OJSYNC_ASSERT_OK(enqueue_and_claim({"manuscript", "j3"}, now));
  auto doomed = enqueue_and_claim({"manuscript", "j4"}, now);
  OJSYNC_ASSERT_OK(doomed);
  SyncCommit failed;
  failed.record = make_record({"manuscript", "j4"}, SyncOutcome::kFailed, now - std::chrono::hours(200),
                              Duration(0));
  failed.failed_job = JobFailure{*doomed, "permanent", now, 1};
  OJSYNC_ASSERT_OK(store_->commit_sync(failed));
  // Totals so far: 14 history records + 4 conflict records + 1 failure = 19.

  auto stats = store_->statistics(now);
  OJSYNC_ASSERT_OK(stats);
  EXPECT_EQ(stats->all_time.total, 19);
  EXPECT_EQ(stats->all_time.applied, 7);
  EXPECT_EQ(stats->all_time.noop, 4);
  EXPECT_EQ(stats->all_time.conflict, 5);
  EXPECT_EQ(stats->all_time.failed, 3);
  EXPECT_EQ(stats->last_24h.total, 11);
  EXPECT_EQ(stats->last_24h.applied, 6);
  EXPECT_EQ(stats->last_24h.noop, 3);
  EXPECT_EQ(stats->last_24h.conflict, 1);
  EXPECT_EQ(stats->last_24h.failed, 1);
  // Nearest rank over 11 durations {1..10, 20} ms: p50 = 6th = 6 ms, p99 = 11th = 20 ms.
  EXPECT_EQ(stats->p50_duration_24h, ms(6));
  EXPECT_EQ(stats->p99_duration_24h, ms(20));
  EXPECT_EQ(stats->pending_conflicts, 2);
  EXPECT_EQ(stats->queue_depth, 3);
  EXPECT_EQ(stats->dead_jobs, 1);
  ASSERT_TRUE(stats->last_sync_at.has_value());
  EXPECT_EQ(*stats->last_sync_at, now);

  // Retention removes records but not the all-time totals.
  auto cleaned = store_->cleanup(RetentionCutoffs::uniform(now - std::chrono::hours(24)));
  OJSYNC_ASSERT_OK(cleaned);
  EXPECT_EQ(cleaned->records, 2 + 4 + 1);  // The two old ones, the conflict records, the failure.
  auto after = store_->statistics(now);
  OJSYNC_ASSERT_OK(after);
  EXPECT_EQ(after->all_time.total, 19);
  EXPECT_EQ(after->all_time.applied, 7);
  EXPECT_EQ(after->last_24h.total, 11);
  EXPECT_EQ(after->p50_duration_24h, ms(6));
  ASSERT_TRUE(after->last_sync_at.has_value());
  EXPECT_EQ(*after->last_sync_at, now);

  auto tomorrow = store_->statistics(now + std::chrono::hours(25));
  OJSYNC_ASSERT_OK(tomorrow);
  EXPECT_EQ(tomorrow->last_24h.total, 0);
  EXPECT_EQ(tomorrow->p50_duration_24h, Duration(0));
  EXPECT_EQ(tomorrow->p99_duration_24h, Duration(0));
  EXPECT_EQ(tomorrow->all_time.total, 19);
}

TEST_P(StoreConformanceTest, PercentilesUseTheNearestRank) {
  const Timestamp now = at(86400);
  std::vector<int> durations(100);
  for (int i = 0; i < 100; ++i) durations[i] = (i * 37) % 100 + 1;  // 1..100 ms, shuffled.
  for (int d : durations) {
    OJSYNC_ASSERT_OK(commit_record(kKey, SyncOutcome::kApplied, now - std::chrono::minutes(d),
                                   std::chrono::milliseconds(d)));
  }
  auto hundred = store_->statistics(now);
  OJSYNC_ASSERT_OK(hundred);
  EXPECT_EQ(hundred->p50_duration_24h, std::chrono::milliseconds(50));
  EXPECT_EQ(hundred->p99_duration_24h, std::chrono::milliseconds(99));
  OJSYNC_ASSERT_OK(commit_record(kKey, SyncOutcome::kApplied, now, std::chrono::seconds(1)));
  auto hundred_one = store_->statistics(now);  // ranks ceil(50.5) = 51 and ceil(99.99) = 100
  OJSYNC_ASSERT_OK(hundred_one);
  EXPECT_EQ(hundred_one->p50_duration_24h, std::chrono::milliseconds(51));
  EXPECT_EQ(hundred_one->p99_duration_24h, std::chrono::milliseconds(100));
}

TEST_P(StoreConformanceTest, EmptyStoreHasZeroStatistics) {
  auto stats = store_->statistics(at(0));
  OJSYNC_ASSERT_OK(stats);
  EXPECT_EQ(stats->all_time.total, 0);
  EXPECT_EQ(stats->last_24h.total, 0);
  EXPECT_EQ(stats->p50_duration_24h, Duration(0));
  EXPECT_EQ(stats->p99_duration_24h, Duration(0));
  EXPECT_EQ(stats->pending_conflicts, 0);
  EXPECT_EQ(stats->queue_depth, 0);
  EXPECT_EQ(stats->dead_jobs, 0);
  EXPECT_FALSE(stats->last_sync_at.has_value());
}

TEST_P(StoreConformanceTest, CleanupRemovesOldHistoryButKeepsOpenConflictsAndLiveStates) {
  const Timestamp cutoff = at(100);
  for (int t : {10, 50, 99, 100, 150})
    OJSYNC_ASSERT_OK(commit_record(kKey, SyncOutcome::kNoop, at(t)));
  // Conflicts: resolved before the cutoff (goes), resolved after (stays), open since long ago
  // (stays).
  std::vector<std::int64_t> conflicts;
  for (auto [id, closed_at] : {std::pair{"r1", 10}, std::pair{"r2", 120}, std::pair{"open", -1}}) {
    const EntityKey key{"manuscript", id};
    SyncCommit commit;
    commit.record = make_record(key, SyncOutcome::kConflict, at(1), Duration(0));
    commit.open_conflict = make_conflict(key, at(1));
    auto opened = store_->commit_sync(commit);
    OJSYNC_ASSERT_OK(opened);
    conflicts.push_back(opened->conflict_id);
    if (closed_at < 0) continue;
    SyncCommit close;
    close.record = make_record(key, SyncOutcome::kApplied, at(closed_at), Duration(0));
    close.close_conflict = ConflictClosure{opened->conflict_id, "engine", "converged", std::nullopt};
    OJSYNC_ASSERT_OK(store_->commit_sync(close));
  }
  // States: an old tombstone (goes), a recent one, a live old state, and an old tombstone whose
  // entity still has an open conflict (all stay).
  for (auto [id, tombstone, updated] : {std::tuple{"t-old", true, 50}, std::tuple{"t-new", true, 150},
                                        std::tuple{"live", false, 5}, std::tuple{"open", true, 5}}) {
    SyncCommit commit;
    commit.state = make_state({"manuscript", id}, tombstone ? std::nullopt : std::optional<Json>(Json::object()));
    commit.state->tombstone = tombstone;
    commit.state->updated_at = at(updated);
    commit.record = make_record({"manuscript", id}, SyncOutcome::kApplied, at(200), Duration(0));
    OJSYNC_ASSERT_OK(store_->commit_sync(commit));
  }
  OJSYNC_ASSERT_OK(store_->append_audit(make_audit(kKey, "write_ojs", at(1))));
  OJSYNC_ASSERT_OK(store_->enqueue(kKey, Direction::kBoth, "api", at(1)));

  auto counts = store_->cleanup(RetentionCutoffs::uniform(cutoff));
  OJSYNC_ASSERT_OK(counts);
  // Records before 100: 10, 50, 99 of kKey, three conflict openings at 1 and the close at 10.
  EXPECT_EQ(counts->records, 3 + 3 + 1);
  EXPECT_EQ(counts->conflicts, 1);
  EXPECT_EQ(counts->tombstones, 1);

  auto records = store_->list_records(kKey, 10);
  OJSYNC_ASSERT_OK(records);
  EXPECT_EQ(records->size(), 2u);
  auto gone = store_->get_conflict(conflicts[0]);
  auto kept = store_->get_conflict(conflicts[1]);
  auto open = store_->get_conflict(conflicts[2]);
  OJSYNC_ASSERT_OK(gone);
  OJSYNC_ASSERT_OK(kept);
  OJSYNC_ASSERT_OK(open);
  EXPECT_FALSE(gone->has_value());
  EXPECT_TRUE(kept->has_value());
  EXPECT_TRUE(open->has_value());
  for (auto [id, present] : {std::pair{"t-old", false}, std::pair{"t-new", true}, std::pair{"live", true},
                             std::pair{"open", true}}) {
    auto state = store_->get_state({"manuscript", id});
    OJSYNC_ASSERT_OK(state);
    EXPECT_EQ(state->has_value(), present) << id;
  }
  auto audit = store_->list_audit(kKey, 10);
  OJSYNC_ASSERT_OK(audit);
  EXPECT_EQ(audit->size(), 1u);
  auto jobs = store_->list_jobs(std::nullopt, 10);
  OJSYNC_ASSERT_OK(jobs);
  EXPECT_EQ(jobs->size(), 1u);

  auto again = store_->cleanup(RetentionCutoffs::uniform(cutoff));
  OJSYNC_ASSERT_OK(again);
  EXPECT_EQ(again->records, 0);
  EXPECT_EQ(again->conflicts, 0);
  EXPECT_EQ(again->tombstones, 0);
}

// -------------------------------------------------------------------------- audit, threads

TEST_P(StoreConformanceTest, AuditEntriesRoundTripNewestFirst) {
  std::vector<std::int64_t> ids;
  for (const char* action : {"write_ojs", "write_agents", "field_overridden"}) {
    AuditEntry entry = make_audit(kKey, action, at(static_cast<std::int64_t>(ids.size())));
    entry.details = parse(R"({"field":"title.fr","lost":{"agents":"Été — ça"},"n":[1,2.5]})");
    auto id = store_->append_audit(entry);
    OJSYNC_ASSERT_OK(id);
    if (!ids.empty()) {
      EXPECT_GT(*id, ids.back());
    }
    ids.push_back(*id);
  }
  OJSYNC_ASSERT_OK(store_->append_audit(make_audit(kOther, "delete_ojs", at(9))));

  auto entries = store_->list_audit(kKey, 10);
  OJSYNC_ASSERT_OK(entries);
  ASSERT_EQ(entries->size(), 3u);
  const AuditEntry& newest = entries->front();
  EXPECT_EQ(newest.id, ids[2]);
  EXPECT_EQ(newest.at, at(2));
  EXPECT_EQ(newest.actor, "engine");
  EXPECT_EQ(newest.action, "field_overridden");
  EXPECT_EQ(newest.key, kKey);
  EXPECT_EQ(newest.before_hash, "before");
  EXPECT_EQ(newest.after_hash, "after");
  EXPECT_EQ(newest.reason, "merged");
  EXPECT_EQ(newest.details.dump(), R"({"field":"title.fr","lost":{"agents":"Été — ça"},"n":[1,2.5]})");
  EXPECT_EQ((*entries)[2].id, ids[0]);
  auto two = store_->list_audit(kKey, 2);
  OJSYNC_ASSERT_OK(two);
  ASSERT_EQ(two->size(), 2u);
  EXPECT_EQ((*two)[1].id, ids[1]);
}

TEST_P(StoreConformanceTest, ConcurrentCommitsLetExactlyOneWinPerVersion) {
  SyncCommit first;
  first.state = make_state(kKey, Json::object());
  first.record = make_record(kKey, SyncOutcome::kApplied, at(0), Duration(0));
  OJSYNC_ASSERT_OK(store_->commit_sync(first));

  constexpr int kThreads = 4;
  constexpr int kPerThread = 25;
  std::atomic<int> won{0};
  std::atomic<int> aborted{0};
  std::atomic<int> other_errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      SyncCommit race;
      race.state = make_state(kKey, Json(Json::Object{{"winner", t}}));
      race.expected_version = 1;
      race.record = make_record(kKey, SyncOutcome::kApplied, at(1), Duration(0));
      auto r = store_->commit_sync(race);
      if (r.ok()) {
        ++won;
      } else if (r.status().code() == StatusCode::kAborted) {
        ++aborted;
      } else {
        ++other_errors;
      }
      const EntityKey own{"reviewer", std::to_string(t)};
      for (int i = 0; i < kPerThread; ++i) {
        SyncCommit commit;
        commit.state = make_state(own, Json(Json::Object{{"i", i}}));
        commit.expected_version = i;
        commit.record = make_record(own, SyncOutcome::kNoop, at(2), Duration(0));
        if (!store_->commit_sync(commit).ok()) ++other_errors;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(aborted.load(), kThreads - 1);
  EXPECT_EQ(other_errors.load(), 0);
  auto state = store_->get_state(kKey);
  OJSYNC_ASSERT_OK(state);
  EXPECT_EQ((*state)->version, 2);
  auto records = store_->list_records(kKey, 100);
  OJSYNC_ASSERT_OK(records);
  EXPECT_EQ(records->size(), 2u);
  for (int t = 0; t < kThreads; ++t) {
    auto own = store_->get_state({"reviewer", std::to_string(t)});
    OJSYNC_ASSERT_OK(own);
    ASSERT_TRUE(own->has_value());
    EXPECT_EQ((*own)->version, kPerThread);
  }
  auto stats = store_->statistics(at(2));
  OJSYNC_ASSERT_OK(stats);
  EXPECT_EQ(stats->all_time.total, 2 + kThreads * kPerThread);
}

}  // namespace
}  // namespace ojsync::testing

namespace ojsync::testing {

// Group commit: one transaction, each commit all-or-nothing on its own.
TEST_P(StoreConformanceTest, CommitSyncsIsolatesAFailedCommit) {
  const EntityKey a{"manuscript", "a"}, b{"manuscript", "b"}, c{"manuscript", "c"};
  std::vector<SyncCommit> batch(3);
  for (auto [i, key] : {std::pair{0, a}, std::pair{1, b}, std::pair{2, c}}) {
    batch[i].state = make_state(key, Json(Json::Object{{"t", Json(key.id)}}));
    batch[i].state->version = 1;
    batch[i].record = make_record(key, SyncOutcome::kApplied, at(i), std::chrono::milliseconds(1));
    batch[i].audit.push_back({0, at(i), "engine", "write_ojs", key, "", "h", "sync", Json()});
  }
  batch[1].expected_version = 7;  // b does not exist: this commit loses its version check.
  auto results = store_->commit_syncs(batch);
  OJSYNC_ASSERT_OK(results);
  ASSERT_EQ(results->size(), 3u);
  EXPECT_TRUE((*results)[0].ok());
  EXPECT_EQ((*results)[1].status().code(), StatusCode::kAborted);
  EXPECT_TRUE((*results)[2].ok());
  EXPECT_EQ((*results)[2].value().state_version, 1);
  EXPECT_TRUE(store_->get_state(a)->has_value());
  EXPECT_FALSE(store_->get_state(b)->has_value());
  EXPECT_TRUE(store_->get_state(c)->has_value());
  EXPECT_EQ(store_->list_records(b, 10)->size(), 0u);  // Its record and audit rolled back too.
  EXPECT_EQ(store_->list_audit(b, 10)->size(), 0u);
  EXPECT_EQ(store_->list_records(c, 10)->size(), 1u);
  auto stats = store_->statistics(at(10));
  OJSYNC_ASSERT_OK(stats);
  EXPECT_EQ(stats->all_time.applied, 2);
}

TEST_P(StoreConformanceTest, CommitSyncsOfNothingSucceeds) {
  auto results = store_->commit_syncs({});
  OJSYNC_ASSERT_OK(results);
  EXPECT_TRUE(results->empty());
}

}  // namespace ojsync::testing
