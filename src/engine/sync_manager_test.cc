#include "ojsync/sync_manager.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <span>
#include <thread>

#include "ojsync/embedded_store.h"
#include "support/forwarding_connector.h"
#include "support/memory_connector.h"

namespace ojsync {
namespace {

using std::chrono::seconds;
using testing::MemoryConnector;

Json J(std::string_view text) {
  auto r = Json::parse(text);
  EXPECT_TRUE(r.ok()) << text;
  return r.ok() ? std::move(r).value() : Json();
}

class SyncManagerTest : public ::testing::Test {
 protected:
  void SetUp() override { start(SyncOptions{}); }

  void start(SyncOptions options) {
    manager_.reset();
    if (!store_) {
      auto store = open_sqlite_store({":memory:"});
      ASSERT_TRUE(store.ok()) << store.status().to_string();
      store_ = std::move(store).value();
      ASSERT_TRUE(store_->migrate().ok());
    }
    options.workers = 2;
    auto m = SyncManager::create(std::move(options), env());
    ASSERT_TRUE(m.ok()) << m.status().to_string();
    manager_ = std::move(m).value();
  }

  // What the fixture's managers run on: its store, sides, clock and resolvers.
  SyncEnv env() {
    SyncEnv env;
    env.store = store_.get();
    env.ojs = &ojs_;
    env.agents = agents_side_ != nullptr ? agents_side_ : &agents_;
    env.clock = &clock_;
    env.random = &random_;
    env.sleep = [this](Duration d) { sleeps_.push_back(d); };
    env.resolvers = resolvers_;
    env.on_record = [this](const SyncRecord& r) {
      std::lock_guard lock(observed_mu_);
      observed_.push_back(r.outcome);
    };
    return env;
  }

  SyncReport sync_ok(const std::string& id, Direction d = Direction::kBoth,
                     const std::string& type = "manuscript") {
    auto r = manager_->sync(type, id, d);
    EXPECT_TRUE(r.ok()) << r.status().to_string();
    return r.ok() ? *r : SyncReport{};
  }

  void tick() { clock_.advance(seconds(10)); }

  // Syncs the OJS submission `ojs_id`, an engine's create that no entry names yet: the sync
  // hands it to `owner` instead of importing it as a new entity.
  void expect_handed_to(const std::string& ojs_id, const std::string& owner) {
    const SyncReport swept = sync_ok(ojs_id);
    ASSERT_TRUE(swept.handed_to.has_value()) << "the submission was imported as a new entity";
    EXPECT_EQ(swept.handed_to->to_string(), owner);
    EXPECT_FALSE(agents_.get("manuscript", ojs_id).has_value()) << "a twin on the agents' side";
  }

  // Queues a job for each manuscript of `ids`, as a sweep does.
  void enqueue_sweep_of(const std::vector<std::string>& ids, Direction d) {
    for (const std::string& id : ids) {
      ASSERT_TRUE(manager_->enqueue("manuscript", id, d, "sweep").ok());
    }
  }

  // An agent's new manuscript `id` whose create in OJS takes effect while its reply, and the
  // engine's immediate second asking, are lost with `lost`: the sync fails (G1).
  void lose_create_of(const std::string& id, Json doc, Status lost) {
    agents_.put("manuscript", id, std::move(doc));
    ojs_.lose_next_replies(2, std::move(lost));
    EXPECT_FALSE(manager_->sync("manuscript", id).ok());
  }

  ManualClock clock_{Timestamp(seconds(1'800'000'000))};
  SeededRandom random_{42};
  MemoryConnector ojs_{"ojs", clock_, /*server_assigns_ids=*/true};
  MemoryConnector agents_{"agents", clock_};
  Connector* agents_side_ = nullptr;  // In front of agents_ when a test scripts it.
  ResolverRegistry resolvers_ = ResolverRegistry::with_builtins();
  std::vector<Duration> sleeps_;
  std::mutex observed_mu_;
  std::vector<SyncOutcome> observed_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<SyncManager> manager_;
};

TEST_F(SyncManagerTest, InitialSyncFromOjsCreatesOnAgentsThenIsIdempotent) {
  ojs_.put("manuscript", "42", J(R"({"title":{"en":"Soil"},"lastModified":"x"})"));
  auto first = sync_ok("42");
  EXPECT_EQ(first.outcome, SyncOutcome::kApplied);
  EXPECT_TRUE(first.wrote_agents);
  EXPECT_FALSE(first.wrote_ojs);
  // Volatile fields are not synced.
  EXPECT_EQ(agents_.get("manuscript", "42"), J(R"({"title":{"en":"Soil"}})"));

  const int ojs_writes = ojs_.writes(), agent_writes = agents_.writes();
  auto again = sync_ok("42");
  EXPECT_EQ(again.outcome, SyncOutcome::kNoop);
  EXPECT_EQ(ojs_.writes(), ojs_writes);
  EXPECT_EQ(agents_.writes(), agent_writes);

  auto status = manager_->status("manuscript", "42");
  ASSERT_TRUE(status.ok());
  ASSERT_TRUE(status->state.has_value());
  EXPECT_EQ(status->state->ojs_id, "42");
  EXPECT_EQ(status->state->agents_id, "42");
  EXPECT_EQ(status->state->ojs_hash, status->state->agents_hash);
  EXPECT_EQ(status->state->base_hash, status->state->ojs_hash);
  ASSERT_EQ(status->recent_records.size(), 2u);
  EXPECT_EQ(status->recent_records[0].outcome, SyncOutcome::kNoop);
  EXPECT_EQ(status->recent_records[1].outcome, SyncOutcome::kApplied);
}

TEST_F(SyncManagerTest, VolatileOnlyChangeIsNoop) {
  ojs_.put("manuscript", "1", J(R"({"t":"a","lastModified":"1"})"));
  sync_ok("1");
  ojs_.put("manuscript", "1", J(R"({"t":"a","lastModified":"2"})"));
  EXPECT_EQ(sync_ok("1").outcome, SyncOutcome::kNoop);
}

TEST_F(SyncManagerTest, AgentEditPropagatesWithoutEcho) {
  ojs_.put("manuscript", "1", J(R"({"t":"a","s":1})"));
  sync_ok("1");
  tick();
  agents_.put("manuscript", "1", J(R"({"t":"b","s":1})"));
  auto r = sync_ok("1");
  EXPECT_TRUE(r.wrote_ojs);
  EXPECT_FALSE(r.wrote_agents);
  EXPECT_EQ(ojs_.get("manuscript", "1"), J(R"({"t":"b","s":1})"));
  const int writes = ojs_.writes() + agents_.writes();
  EXPECT_EQ(sync_ok("1").outcome, SyncOutcome::kNoop);  // The write to OJS is not a new change.
  EXPECT_EQ(ojs_.writes() + agents_.writes(), writes);
}

TEST_F(SyncManagerTest, DifferentFieldsChangedOnBothSidesMerge) {
  ojs_.put("manuscript", "1", J(R"({"t":"a","s":1})"));
  sync_ok("1");
  ojs_.put("manuscript", "1", J(R"({"t":"b","s":1})"));
  agents_.put("manuscript", "1", J(R"({"t":"a","s":2})"));
  auto r = sync_ok("1");
  EXPECT_TRUE(r.wrote_ojs && r.wrote_agents);
  EXPECT_EQ(ojs_.get("manuscript", "1"), J(R"({"t":"b","s":2})"));
  EXPECT_EQ(agents_.get("manuscript", "1"), J(R"({"t":"b","s":2})"));
}

TEST_F(SyncManagerTest, LatestWinsTakesTheLaterSideAndAuditsTheLoser) {
  ojs_.put("manuscript", "1", J(R"({"t":"a"})"));
  sync_ok("1");
  tick();
  ojs_.put("manuscript", "1", J(R"({"t":"ojs edit"})"));
  tick();
  agents_.put("manuscript", "1", J(R"({"t":"agent edit"})"));
  sync_ok("1");
  EXPECT_EQ(ojs_.get("manuscript", "1"), J(R"({"t":"agent edit"})"));
  auto audit = store_->list_audit({"manuscript", "1"}, 50);
  ASSERT_TRUE(audit.ok());
  bool found = false;
  for (const auto& e : *audit) {
    if (e.action != "conflict_decided") continue;
    found = true;
    EXPECT_EQ(e.details.get_string("path"), "t");
    EXPECT_EQ(e.details.get_string("winner"), "agents");
    EXPECT_EQ(e.details.get_string("ojs"), "ojs edit");  // The losing edit is kept.
  }
  EXPECT_TRUE(found);
}

// Found by the simulation (seed 1): the winner was written, the reply lost, and the retry saw
// both sides agree, so the losing edit was on record nowhere.
TEST_F(SyncManagerTest, LosingEditIsAuditedEvenWhenTheWinningWritesReplyIsLost) {
  ojs_.put("manuscript", "1", J(R"({"t":"a"})"));
  sync_ok("1");
  tick();
  ojs_.put("manuscript", "1", J(R"({"t":"ojs edit"})"));
  tick();
  agents_.put("manuscript", "1", J(R"({"t":"agent edit"})"));
  ojs_.lose_next_replies(1, Unavailable("connection reset after the write"));
  sync_ok("1");  // The inline retry finds both sides holding the agents' edit.
  EXPECT_EQ(ojs_.get("manuscript", "1"), J(R"({"t":"agent edit"})"));
  auto audit = store_->list_audit({"manuscript", "1"}, 50);
  ASSERT_TRUE(audit.ok());
  bool found = false;
  for (const auto& e : *audit) {
    found = found || (e.action == "conflict_decided" && e.details.get_string("ojs") == "ojs edit");
  }
  EXPECT_TRUE(found) << "the losing OJS edit is on record";
}

// Found by the simulation (seeds 57, 344): a create's reply was lost, then the agent edited the
// document and a one-way sync committed, and the retry's idempotency key (the content hash, then
// the archive version) no longer named the first create.
TEST_F(SyncManagerTest, CreateRetriedAfterALostReplyAndAnEditMakesNoTwin) {
  SyncOptions options;
  options.retry_limit = 1;
  start(options);
  lose_create_of("a1", J(R"({"t":"first"})"), Unavailable("connection reset after the write"));
  ASSERT_TRUE(ojs_.get("manuscript", "srv1").has_value());
  agents_.put("manuscript", "a1", J(R"({"t":"edited"})"));
  sync_ok("a1", Direction::kFromOjs);
  sync_ok("a1");
  EXPECT_EQ(ojs_.get("manuscript", "srv1"), J(R"({"t":"edited"})"));
  EXPECT_FALSE(ojs_.get("manuscript", "srv2").has_value()) << "a twin was created";
  auto status = manager_->status("manuscript", "a1");
  ASSERT_TRUE(status.ok() && status->state.has_value());
  EXPECT_EQ(status->state->ojs_id, "srv1");
}

// G1 (docs/invariants.md): a create in OJS took effect, but its reply was lost twice and the
// process died before learning the id. The change listing then meets the new submission first,
// and the restarted process syncs the entity again: one submission, one entity, no twin.
TEST_F(SyncManagerTest, ACreateWhoseReplyNeverArrivedIsFoundAfterARestartAndNotImported) {
  SyncOptions options;
  options.retry_limit = 1;
  start(options);
  lose_create_of("a1", J(R"({"t":"first"})"), DeadlineExceeded("timeout after the write"));
  ASSERT_TRUE(ojs_.get("manuscript", "srv1").has_value());
  ojs_.restart();
  start(options);
  // The sweep (or an event) names the unknown submission by its own id.
  expect_handed_to("srv1", "manuscript/a1");
  EXPECT_FALSE(manager_->status("manuscript", "srv1")->state.has_value());
  sync_ok("a1");
  EXPECT_EQ(ojs_.size("manuscript"), 1u) << "the create was repeated";
  EXPECT_EQ(agents_.size("manuscript"), 1u);
  auto status = manager_->status("manuscript", "a1");
  ASSERT_TRUE(status.ok() && status->state.has_value());
  EXPECT_EQ(status->state->ojs_id, "srv1");
  EXPECT_FALSE(status->state->write_intent.has_value());
  EXPECT_EQ(sync_ok("a1").outcome, SyncOutcome::kNoop);
  // The queued sync of its owner finds nothing left to do either.
  auto jobs = manager_->run_due_jobs("test");
  ASSERT_TRUE(jobs.ok());
  EXPECT_EQ(jobs->claimed, 1u);
  EXPECT_EQ(ojs_.size("manuscript"), 1u);
}

// G1 through the bulk path: a batch that names the lost create's submission (a sweep's page, an
// API batch) hands it to its owner like a single sync, instead of importing it with its group.
TEST_F(SyncManagerTest, ABatchNamingALostCreateHandsItToItsOwner) {
  SyncOptions options;
  options.retry_limit = 1;
  start(options);
  lose_create_of("a1", J(R"({"t":"first"})"), DeadlineExceeded("timeout after the write"));
  ojs_.restart();
  start(options);
  ojs_.put("manuscript", "o9", J(R"({"t":"an editor's own"})"));
  const auto results = manager_->batch_sync("manuscript", {"srv1", "o9"});
  ASSERT_EQ(results.size(), 2u);
  ASSERT_TRUE(results[0].second.ok()) << results[0].second.status().to_string();
  ASSERT_TRUE(results[0].second->handed_to.has_value()) << "the create was imported with its group";
  EXPECT_EQ(results[0].second->handed_to->to_string(), "manuscript/a1");
  ASSERT_TRUE(results[1].second.ok());
  EXPECT_TRUE(results[1].second->wrote_agents);  // The group's ordinary import still happens.
  EXPECT_FALSE(agents_.get("manuscript", "srv1").has_value()) << "a twin on the agents' side";
  EXPECT_TRUE(agents_.get("manuscript", "o9").has_value());
}

// G1 with several workers: another sync reads the new submission between the create's first
// request and its stamp (an event or a sweep arriving at that moment). It must not import the
// engine's own create as a new entity: it waits for the create, reads again, and hands it over.
TEST_F(SyncManagerTest, ASyncReadingACreateBeforeItsStampDoesNotImportIt) {
  agents_.put("manuscript", "a1", J(R"({"t":"first"})"));
  std::promise<void> read_halfway;
  std::future<Result<SyncReport>> reader;
  ojs_.on_fetch([&](std::string_view id) {
    if (id == "srv1") read_halfway.set_value();
  });
  ojs_.split_creates([&] {
    ojs_.split_creates(nullptr);
    // The submission exists without its stamp: a second worker syncs it by its OJS id.
    reader = std::async(std::launch::async, [this] { return manager_->sync("manuscript", "srv1"); });
    read_halfway.get_future().wait();
    ojs_.on_fetch(nullptr);
  });
  const SyncReport created = sync_ok("a1");
  EXPECT_TRUE(created.wrote_ojs);
  ASSERT_TRUE(reader.valid());
  auto read = reader.get();
  ASSERT_TRUE(read.ok()) << read.status().to_string();
  ASSERT_TRUE(read->handed_to.has_value()) << "the create was imported as a new entity";
  EXPECT_EQ(read->handed_to->to_string(), "manuscript/a1");
  EXPECT_EQ(agents_.size("manuscript"), 1u) << "a twin on the agents' side";
  EXPECT_EQ(ojs_.size("manuscript"), 1u);
  EXPECT_FALSE(manager_->status("manuscript", "srv1")->state.has_value());
}

// G1: an editor edits the submission the lost create made before the engine learns its id. The
// retry finds it, and merges the edit against what the create wrote instead of overwriting it.
// An entity OJS does not hold records no OJS id, even after a sync that could not write OJS:
// its create there, until it is recorded, is then a pending create that a restarted process (or
// another worker) finds (G1), not an unknown submission to import. (It once recorded its own id
// as the OJS id; the simulation found the twin this made on the agents' side.)
TEST_F(SyncManagerTest, AnEntityOjsDoesNotHoldKeepsNoOjsIdSoItsPendingCreateIsFound) {
  SyncOptions options;
  options.retry_limit = 1;
  start(options);
  agents_.put("manuscript", "a1", J(R"({"t":"first"})"));
  EXPECT_EQ(sync_ok("a1", Direction::kFromOjs).outcome, SyncOutcome::kNoop);
  auto entry = manager_->status("manuscript", "a1");
  ASSERT_TRUE(entry.ok() && entry->state.has_value());
  EXPECT_EQ(entry->state->ojs_id, "");
  // Its create in OJS takes effect but no reply arrives; OJS stopped before stamping it (the
  // stamp is a second request). The process restarts.
  lose_create_of("a1", J(R"({"t":"first"})"), DeadlineExceeded("timeout after the write"));
  ASSERT_EQ(store_->list_pending_creates("manuscript", Side::kOjs, 10)->size(), 1u);
  ojs_.erase("manuscript", "srv1");
  ojs_.put("manuscript", "srv9", J(R"({"t":"first"})"));
  ojs_.restart();
  start(options);
  // A sweep names the unstamped submission by its own id.
  expect_handed_to("srv9", "manuscript/a1");
}

TEST_F(SyncManagerTest, AnOjsEditOfACreateWhoseReplyNeverArrivedSurvivesTheRetry) {
  SyncOptions options;
  options.retry_limit = 1;
  options.conflict_resolution = "manual";  // Any conflict would show; none is expected.
  start(options);
  lose_create_of("a1", J(R"({"t":"first","abstract":"one"})"), Unavailable("connection reset after the write"));
  ojs_.restart();
  start(options);
  tick();
  ojs_.put("manuscript", "srv1", J(R"({"t":"first","abstract":"edited in OJS"})"));
  const SyncReport report = sync_ok("a1");
  EXPECT_EQ(report.outcome, SyncOutcome::kApplied);
  EXPECT_EQ(agents_.get("manuscript", "a1"), J(R"({"t":"first","abstract":"edited in OJS"})"));
  EXPECT_EQ(ojs_.get("manuscript", "srv1"), J(R"({"t":"first","abstract":"edited in OJS"})"));
  EXPECT_EQ(ojs_.size("manuscript"), 1u);
  EXPECT_TRUE(manager_->pending_conflicts()->empty());
}

// Found by the simulation (seed 900): the first sync's write to the agents took effect but its
// reply was lost, so no base was committed; OJS then removed a locale, and the next sync took
// the engine's own earlier write for an agents' edit and put the locale back.
TEST_F(SyncManagerTest, WriteWhoseReplyWasLostIsConfirmedByLookingAtTheSide) {
  SyncOptions options;
  options.retry_limit = 1;
  start(options);
  ojs_.put("manuscript", "1", J(R"({"title":{"en":"Soil","fr_CA":"Sol"}})"));
  agents_.lose_next_replies(1, DeadlineExceeded("timeout after the write"));
  EXPECT_EQ(sync_ok("1").outcome, SyncOutcome::kApplied);  // The side holds what was written.
  tick();
  ojs_.put("manuscript", "1", J(R"({"title":{"en":"Soil"}})"));
  sync_ok("1");
  EXPECT_EQ(ojs_.get("manuscript", "1"), J(R"({"title":{"en":"Soil"}})"));
  EXPECT_EQ(agents_.get("manuscript", "1"), J(R"({"title":{"en":"Soil"}})"));
}

// The engine's write to the agents took effect, but its reply was lost and the look after it
// failed too, so that sync failed before its commit. OJS's user then edited the same field again.
// Taking the engine's own write for an agents' edit made two edits of one field: a conflict that
// was not one. The write intent recorded before the write tells them apart (G2 in
// docs/invariants.md, found by the simulation).
TEST_F(SyncManagerTest, AWriteOfUnknownOutcomeIsNotTakenForAnEditOfThatSide) {
  class LookFailsAfterAWrite : public testing::ForwardingConnector {
   public:
    using ForwardingConnector::ForwardingConnector;
    Result<WriteResult> write(std::string_view type, std::string_view id, const Json& document,
                              std::string_view key) override {
      Result<WriteResult> written = ForwardingConnector::write(type, id, document, key);
      look_fails_ = !written.ok();
      return written;
    }
    Result<std::optional<Snapshot>> fetch(std::string_view type, std::string_view id) override {
      if (std::exchange(look_fails_, false)) return Unavailable("the look failed too");
      return ForwardingConnector::fetch(type, id);
    }

   private:
    bool look_fails_ = false;
  } agents_side(&agents_);
  agents_side_ = &agents_side;
  SyncOptions options;
  options.retry_limit = 1;
  options.conflict_resolution = "manual";
  start(options);
  ojs_.put("manuscript", "1", J(R"({"title":"A"})"));
  sync_ok("1");
  tick();
  ojs_.put("manuscript", "1", J(R"({"title":"B"})"));
  agents_.lose_next_replies(1, DeadlineExceeded("timeout after the write"));
  EXPECT_FALSE(manager_->sync("manuscript", "1", Direction::kBoth).ok());
  EXPECT_EQ(agents_.get("manuscript", "1"), J(R"({"title":"B"})"));  // It took effect.
  tick();
  ojs_.put("manuscript", "1", J(R"({"title":"C"})"));
  EXPECT_EQ(sync_ok("1").outcome, SyncOutcome::kApplied);
  EXPECT_EQ(agents_.get("manuscript", "1"), J(R"({"title":"C"})"));
  EXPECT_TRUE(manager_->pending_conflicts().value().empty());
}

TEST_F(SyncManagerTest, DeleteWhoseReplyWasLostIsConfirmedByLookingAtTheSide) {
  ojs_.put("manuscript", "1", J(R"({"t":"a"})"));
  sync_ok("1");
  ojs_.erase("manuscript", "1");
  agents_.lose_next_replies(1, Unavailable("reset after the delete"));
  const auto r = sync_ok("1");
  EXPECT_EQ(r.retries, 0) << "the first attempt learned that the delete happened";
  EXPECT_FALSE(agents_.get("manuscript", "1").has_value());
}

// OJS numbers its submissions: an agent's new manuscript under an id of its own ("a1") cannot
// be looked up there (the OJS connector refuses such ids), so its first sync, alone or in a
// batch, creates it in OJS without asking.
TEST_F(SyncManagerTest, AnAgentsEntityUnderAnIdOjsCannotHoldIsCreatedThere) {
  ojs_.hold_only(testing::ojs_like_id);
  agents_.put("manuscript", "a1", J(R"({"t":"alone"})"));
  agents_.put("manuscript", "a2", J(R"({"t":"batched"})"));
  agents_.put("manuscript", "a3", J(R"({"t":"batched too"})"));
  EXPECT_EQ(sync_ok("a1").outcome, SyncOutcome::kApplied);
  for (const auto& [id, result] : manager_->batch_sync("manuscript", {"a2", "a3"})) {
    ASSERT_TRUE(result.ok()) << id << ": " << result.status().to_string();
    EXPECT_EQ(result->outcome, SyncOutcome::kApplied) << id;
  }
  const std::map<std::string, std::string> expected{
      {"a1", R"({"t":"alone"})"}, {"a2", R"({"t":"batched"})"}, {"a3", R"({"t":"batched too"})"}};
  for (const auto& [id, document] : expected) {
    auto status = manager_->status("manuscript", id);
    ASSERT_TRUE(status.ok() && status->state.has_value()) << id;
    EXPECT_TRUE(status->state->ojs_id.starts_with("srv")) << id << ": " << status->state->ojs_id;
    EXPECT_EQ(ojs_.get("manuscript", status->state->ojs_id), J(document)) << id;
  }
  EXPECT_EQ(ojs_.size("manuscript"), 3u);
}

// The agents' embedded store, where an agent edits a document right after the engine read it
// (once, when `edit` is set): the race between a sync's read and its write.
class AgentEditsAfterTheRead : public testing::ForwardingConnector {
 public:
  explicit AgentEditsAfterTheRead(EmbeddedDocumentStore* store)
      : ForwardingConnector(store), store_(store) {}
  Result<std::optional<Snapshot>> fetch(std::string_view type, std::string_view id) override {
    auto read = ForwardingConnector::fetch(type, id);
    if (edit) std::exchange(edit, nullptr)();
    return read;
  }
  Result<WriteResult> write_if_unchanged(std::string_view type, const WriteRequest& request) override {
    return store_->write_if_unchanged(type, request);
  }
  Result<std::vector<Result<WriteResult>>> write_batch(std::string_view type,
                                                       std::span<const WriteRequest> writes) override {
    return store_->write_batch(type, writes);
  }
  Status remove_if_unchanged(std::string_view type, std::string_view id,
                             const std::optional<std::string>& expected_version) override {
    return store_->remove_if_unchanged(type, id, expected_version);
  }
  std::function<void()> edit;

 private:
  EmbeddedDocumentStore* store_;
};

// The engine writes the agents' side only if it still holds what the sync read: an agent's edit
// made in between is refused overwriting, and the retry merges it with OJS's change, alone and
// on the bulk path (docs/invariants.md, 1).
TEST_F(SyncManagerTest, AnAgentsEditBetweenTheReadAndTheWriteIsMergedNotOverwritten) {
  auto store = EmbeddedDocumentStore::open({":memory:", "agents", &clock_}).value();
  AgentEditsAfterTheRead agents_side(store.get());
  agents_side_ = &agents_side;
  start(SyncOptions{});
  const std::vector<std::string> ids = {"1", "2", "3"};
  for (const std::string& id : ids) ojs_.put("manuscript", id, J(R"({"title":"t","abstract":"a"})"));
  for (const auto& [id, result] : manager_->batch_sync("manuscript", ids)) ASSERT_TRUE(result.ok()) << id;
  tick();
  const auto agent_edits = [&](const std::string& id) {
    return [&store, id] {
      const auto read = store->get("manuscript", id).value();
      ASSERT_TRUE(read.has_value());
      ASSERT_TRUE(store->put("manuscript", id, J(R"({"title":"t","abstract":"a from an agent"})"), read->etag).ok());
    };
  };
  for (const std::string& id : ids) ojs_.put("manuscript", id, J(R"({"title":"t from OJS","abstract":"a"})"));

  agents_side.edit = agent_edits("1");
  sync_ok("1");
  agents_side.edit = agent_edits("2");
  for (const auto& [id, result] : manager_->batch_sync("manuscript", {"2", "3"})) {
    ASSERT_TRUE(result.ok()) << id << ": " << result.status().to_string();
  }
  const Json both = J(R"({"title":"t from OJS","abstract":"a from an agent"})");
  for (const std::string id : {"1", "2"}) {
    EXPECT_EQ(store->get("manuscript", id).value()->snapshot.document, both) << id;
    EXPECT_EQ(ojs_.get("manuscript", id), both) << id;
  }
  EXPECT_EQ(ojs_.get("manuscript", "3"), J(R"({"title":"t from OJS","abstract":"a"})"));

  // Nor is a deletion in OJS carried out over it: the retry meets a deletion against an edit, a
  // conflict, decided (latest_wins, a tie won by OJS) with the agent's edit on record.
  tick();
  ojs_.erase("manuscript", "3");
  agents_side.edit = agent_edits("3");
  sync_ok("3");
  const std::vector<AuditEntry> audit = store_->list_audit({"manuscript", "3"}, 50).value();
  EXPECT_TRUE(std::any_of(audit.begin(), audit.end(), [](const AuditEntry& e) {
    return e.action == "conflict_decided" &&
           e.details.dump().find("a from an agent") != std::string::npos;
  })) << "the agent's edit was deleted without a trace";
}

// Found by the simulation: while a create's reply was lost, OJS's change listing found the new
// submission, unknown to the store, and imported it as an entity of its own (a twin on the
// agents' side). Asking again at once learns the id before anything else can look.
TEST_F(SyncManagerTest, CreateWhoseReplyWasLostIsAskedAgainAtOnce) {
  agents_.put("manuscript", "a1", J(R"({"t":"new"})"));
  ojs_.lose_next_replies(1, DeadlineExceeded("timeout after the create"));
  const auto r = sync_ok("a1");
  EXPECT_EQ(r.retries, 0) << "the first attempt learned the new id";
  auto mapped = store_->find_state_by_side_id("manuscript", Side::kOjs, "srv1");
  ASSERT_TRUE(mapped.ok() && mapped->has_value());
  EXPECT_EQ((*mapped)->key.id, "a1");
  EXPECT_FALSE(ojs_.get("manuscript", "srv2").has_value()) << "a twin was created";
}

TEST_F(SyncManagerTest, ManualConflictWritesNothingUntilResolved) {
  SyncOptions options;
  options.conflict_resolution = "manual";
  start(options);
  ojs_.put("manuscript", "1", J(R"({"title":"a","abstract":"x","pages":"1"})"));
  sync_ok("1");
  ojs_.put("manuscript", "1", J(R"({"title":"ojs","abstract":"x","pages":"2"})"));
  agents_.put("manuscript", "1", J(R"({"title":"agents","abstract":"y","pages":"1"})"));
  const int writes = ojs_.writes() + agents_.writes();
  auto r = sync_ok("1");
  EXPECT_EQ(r.outcome, SyncOutcome::kConflict);
  EXPECT_EQ(ojs_.writes() + agents_.writes(), writes);

  auto pending = manager_->pending_conflicts();
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 1u);
  const ConflictRecord& c = pending->front();
  EXPECT_EQ(c.id, r.conflict_id);
  ASSERT_EQ(c.fields.size(), 1u);
  EXPECT_EQ(c.fields[0].path, "title");
  EXPECT_EQ(*c.base, J(R"({"title":"a","abstract":"x","pages":"1"})"));

  // Syncing again while it is open changes nothing and keeps one conflict.
  EXPECT_EQ(sync_ok("1").outcome, SyncOutcome::kConflict);
  EXPECT_EQ(manager_->pending_conflicts()->size(), 1u);

  // Validation.
  EXPECT_EQ(manager_->resolve_conflict(c.id, J("[]"), "editor:ann").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(manager_->resolve_conflict(c.id, J(R"({"take":"nobody"})"), "editor:ann").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(manager_->resolve_conflict(999, J(R"({"title":"x"})"), "editor:ann").status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(manager_->resolve_conflict(c.id, J(R"({"pages":"3"})"), "editor:ann").status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(ojs_.writes() + agents_.writes(), writes);

  auto resolved = manager_->resolve_conflict(c.id, J(R"({"title":"Resolved Title"})"), "editor:ann");
  ASSERT_TRUE(resolved.ok()) << resolved.status().to_string();
  const Json expected = J(R"({"title":"Resolved Title","abstract":"y","pages":"2"})");
  EXPECT_EQ(ojs_.get("manuscript", "1"), expected);
  EXPECT_EQ(agents_.get("manuscript", "1"), expected);
  auto closed = store_->get_conflict(c.id);
  ASSERT_TRUE(closed.ok() && closed->has_value());
  EXPECT_EQ((*closed)->status, ConflictStatus::kResolved);
  EXPECT_EQ((*closed)->resolved_by, "editor:ann");
  EXPECT_TRUE(manager_->pending_conflicts()->empty());
  EXPECT_EQ(manager_->resolve_conflict(c.id, J(R"({"title":"x"})"), "editor:ann").status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(sync_ok("1").outcome, SyncOutcome::kNoop);
}

TEST_F(SyncManagerTest, ResolveByTakingOneSide) {
  SyncOptions options;
  options.conflict_resolution = "manual";
  start(options);
  ojs_.put("manuscript", "1", J(R"({"t":"a"})"));
  sync_ok("1");
  ojs_.put("manuscript", "1", J(R"({"t":"o"})"));
  agents_.put("manuscript", "1", J(R"({"t":"g"})"));
  auto r = sync_ok("1");
  ASSERT_EQ(r.outcome, SyncOutcome::kConflict);
  ASSERT_TRUE(manager_->resolve_conflict(r.conflict_id, J(R"({"take":"ojs"})"), "editor:bo").ok());
  EXPECT_EQ(agents_.get("manuscript", "1"), J(R"({"t":"o"})"));
}

TEST_F(SyncManagerTest, ConflictClosesItselfWhenSidesConverge) {
  SyncOptions options;
  options.conflict_resolution = "manual";
  start(options);
  ojs_.put("manuscript", "1", J(R"({"t":"a"})"));
  sync_ok("1");
  ojs_.put("manuscript", "1", J(R"({"t":"o"})"));
  agents_.put("manuscript", "1", J(R"({"t":"g"})"));
  auto r = sync_ok("1");
  agents_.put("manuscript", "1", J(R"({"t":"o"})"));  // Someone fixed it by hand.
  sync_ok("1");
  auto c = store_->get_conflict(r.conflict_id);
  EXPECT_EQ((*c)->status, ConflictStatus::kResolved);
  EXPECT_EQ((*c)->resolution, "converged");
}

// The bulk path asks for its group's open conflicts after fetching it: an entity whose sides
// converged while its conflict was open goes the per-entity way, which closes the conflict,
// instead of being committed with its group and leaving it open.
TEST_F(SyncManagerTest, ABatchLeavesAnEntityWithAnOpenConflictToItsOwnSync) {
  SyncOptions options;
  options.conflict_resolution = "manual";
  start(options);
  ojs_.put("manuscript", "1", J(R"({"t":"a"})"));
  ojs_.put("manuscript", "2", J(R"({"t":"b"})"));
  for (const auto& [id, result] : manager_->batch_sync("manuscript", {"1", "2"})) {
    ASSERT_TRUE(result.ok()) << id;
  }
  ojs_.put("manuscript", "1", J(R"({"t":"o"})"));
  agents_.put("manuscript", "1", J(R"({"t":"g"})"));
  const std::int64_t conflict = sync_ok("1").conflict_id;
  agents_.put("manuscript", "1", J(R"({"t":"o"})"));  // Someone fixed it by hand.
  ojs_.put("manuscript", "2", J(R"({"t":"b2"})"));
  for (const auto& [id, result] : manager_->batch_sync("manuscript", {"1", "2"})) {
    ASSERT_TRUE(result.ok()) << id << ": " << result.status().to_string();
  }
  auto closed = store_->get_conflict(conflict);
  ASSERT_TRUE(closed.ok() && closed->has_value());
  EXPECT_EQ((*closed)->status, ConflictStatus::kResolved);
  EXPECT_EQ((*closed)->resolution, "converged");
  EXPECT_EQ(agents_.get("manuscript", "2"), J(R"({"t":"b2"})"));  // The group's own write.
}

TEST_F(SyncManagerTest, OneWaySyncKeepsTheOtherSidesChangePending) {
  ojs_.put("manuscript", "1", J(R"({"t":"a","s":1})"));
  sync_ok("1");
  ojs_.put("manuscript", "1", J(R"({"t":"ojs","s":1})"));
  agents_.put("manuscript", "1", J(R"({"t":"a","s":2})"));
  auto r = sync_ok("1", Direction::kToOjs);
  EXPECT_TRUE(r.wrote_ojs);
  EXPECT_FALSE(r.wrote_agents);
  EXPECT_EQ(ojs_.get("manuscript", "1"), J(R"({"t":"ojs","s":2})"));
  EXPECT_EQ(agents_.get("manuscript", "1"), J(R"({"t":"a","s":2})"));
  // A later two-way sync still sees OJS's title change and brings it over, not back.
  sync_ok("1");
  EXPECT_EQ(agents_.get("manuscript", "1"), J(R"({"t":"ojs","s":2})"));
  EXPECT_EQ(ojs_.get("manuscript", "1"), J(R"({"t":"ojs","s":2})"));
}

TEST_F(SyncManagerTest, FromOjsNeverWritesOjs) {
  ojs_.put("manuscript", "1", J(R"({"t":"a"})"));
  sync_ok("1");
  agents_.put("manuscript", "1", J(R"({"t":"agents"})"));
  auto r = sync_ok("1", Direction::kFromOjs);
  EXPECT_FALSE(r.wrote_ojs);
  EXPECT_EQ(ojs_.get("manuscript", "1"), J(R"({"t":"a"})"));
  EXPECT_EQ(agents_.get("manuscript", "1"), J(R"({"t":"agents"})"));
}

TEST_F(SyncManagerTest, ReadOnlySideIsNeverWritten) {
  ojs_.put("reviewer", "7", J(R"({"name":"R"})"));
  sync_ok("7", Direction::kBoth, "reviewer");
  agents_.put("reviewer", "7", J(R"({"name":"R2"})"));
  auto r = sync_ok("7", Direction::kBoth, "reviewer");
  EXPECT_FALSE(r.wrote_ojs);
  EXPECT_EQ(ojs_.get("reviewer", "7"), J(R"({"name":"R"})"));
}

TEST_F(SyncManagerTest, DeletionPropagatesAndLeavesATombstone) {
  ojs_.put("manuscript", "1", J(R"({"t":"a"})"));
  sync_ok("1");
  agents_.erase("manuscript", "1");
  auto r = sync_ok("1");
  EXPECT_TRUE(r.wrote_ojs);
  EXPECT_FALSE(ojs_.get("manuscript", "1").has_value());
  auto status = manager_->status("manuscript", "1");
  ASSERT_TRUE(status->state.has_value());
  EXPECT_TRUE(status->state->tombstone);
  EXPECT_EQ(sync_ok("1").outcome, SyncOutcome::kNoop);
}

TEST_F(SyncManagerTest, DeleteVersusEditIsAConflictUnderManual) {
  SyncOptions options;
  options.conflict_resolution = "manual";
  start(options);
  ojs_.put("manuscript", "1", J(R"({"t":"a"})"));
  sync_ok("1");
  ojs_.erase("manuscript", "1");
  agents_.put("manuscript", "1", J(R"({"t":"b"})"));
  auto r = sync_ok("1");
  ASSERT_EQ(r.outcome, SyncOutcome::kConflict);
  auto c = store_->get_conflict(r.conflict_id);
  EXPECT_FALSE((*c)->ojs.has_value());
  EXPECT_EQ((*c)->fields.at(0).path, "");
}

TEST_F(SyncManagerTest, AgentCreatedEntityGetsOjsIdAndStaysMapped) {
  agents_.put("manuscript", "ms_001", J(R"({"t":"new"})"));
  auto r = sync_ok("ms_001");
  EXPECT_TRUE(r.wrote_ojs);
  auto status = manager_->status("manuscript", "ms_001");
  EXPECT_EQ(status->state->ojs_id, "srv1");
  EXPECT_EQ(ojs_.get("manuscript", "srv1"), J(R"({"t":"new"})"));
  auto by_side = store_->find_state_by_side_id("manuscript", Side::kOjs, "srv1");
  ASSERT_TRUE(by_side.ok() && by_side->has_value());
  EXPECT_EQ((*by_side)->key.id, "ms_001");
  EXPECT_EQ(sync_ok("ms_001").outcome, SyncOutcome::kNoop);
}

TEST_F(SyncManagerTest, RetriesRetryableErrorsWithJitteredBackoff) {
  SyncOptions options;
  options.retry_backoff_base = std::chrono::milliseconds(100);
  options.retry_limit = 5;
  start(options);
  ojs_.put("manuscript", "1", J(R"({"t":"a"})"));
  ojs_.fail_next(2, Unavailable("503 from OJS"));
  auto r = sync_ok("1");
  EXPECT_EQ(r.retries, 2);
  ASSERT_EQ(sleeps_.size(), 2u);
  EXPECT_LE(sleeps_[0], std::chrono::milliseconds(100));
  EXPECT_LE(sleeps_[1], std::chrono::milliseconds(200));
}

TEST_F(SyncManagerTest, PermanentErrorFailsAtOnceAndIsRecorded) {
  ojs_.put("manuscript", "1", J(R"({"t":"a"})"));
  ojs_.fail_next(1, PermissionDenied("403 from OJS"));
  auto r = manager_->sync("manuscript", "1");
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(sleeps_.empty());
  auto records = store_->list_records({"manuscript", "1"}, 10);
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ(records->front().outcome, SyncOutcome::kFailed);
  EXPECT_NE(records->front().error.find("403 from OJS"), std::string::npos);
}

TEST_F(SyncManagerTest, RejectsBadInput) {
  EXPECT_EQ(manager_->sync("spaceship", "1").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(manager_->sync("manuscript", "1; DROP TABLE x").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(manager_->sync("manuscript", "").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(manager_->sync("manuscript", "nowhere").status().code(), StatusCode::kNotFound);
  SyncOptions bad;
  bad.conflict_resolution = "coin_flip";
  SyncEnv env;
  env.store = store_.get();
  env.ojs = &ojs_;
  env.agents = &agents_;
  EXPECT_EQ(SyncManager::create(bad, env).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(SyncManagerTest, BatchSyncIsolatesAPoisonedRecord) {
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i) {
    ids.push_back(std::to_string(i));
    ojs_.put("manuscript", ids.back(), J(R"({"t":"x"})"));
  }
  ojs_.poison("7", Internal("corrupt submission"));
  auto results = manager_->batch_sync("manuscript", ids);
  ASSERT_EQ(results.size(), 20u);
  for (const auto& [id, result] : results) {
    if (id == "7") {
      EXPECT_FALSE(result.ok());
    } else {
      EXPECT_TRUE(result.ok()) << id;
      EXPECT_EQ(agents_.get("manuscript", id), J(R"({"t":"x"})"));
    }
  }
}

// Ids that come in pages end as batch_sync's do, each reported once, a poisoned one alone; the
// next page is asked for on the pool before the page before it is written (neither the pool nor
// the caller's thread waits for the listing between pages), and an error of the paging ends it
// after the ids taken before it.
TEST_F(SyncManagerTest, BatchSyncPagesSyncsEveryPageWithoutWaitingForTheLast) {
  std::vector<std::vector<std::string>> pages(2);  // A group's worth, then a few more.
  for (int i = 1; i <= 60; ++i) {
    pages[i <= 50 ? 0 : 1].push_back(std::to_string(i));
    ojs_.put("manuscript", std::to_string(i), J(R"({"t":"x"})"));
  }
  ojs_.poison("5", Internal("corrupt submission"));
  std::size_t pages_given = 0;
  std::mutex trace_mu;  // next runs on the pool, on_result on this thread.
  std::vector<std::string> trace;  // "page N" when a page is asked for, then ids as reported.
  std::vector<std::thread::id> asked_on;  // By page asked for.
  std::map<std::string, Status> outcomes;
  const auto next = [&]() -> Result<std::vector<std::string>> {
    {
      std::lock_guard lock(trace_mu);
      trace.push_back("page " + std::to_string(pages_given));
      asked_on.push_back(std::this_thread::get_id());
    }
    if (pages_given == pages.size()) return std::vector<std::string>{};
    return pages[pages_given++];
  };
  const auto on_result = [&](const std::string& id, Result<SyncReport> result) {
    {
      std::lock_guard lock(trace_mu);
      trace.push_back(id);
    }
    EXPECT_TRUE(outcomes.emplace(id, result.status()).second) << id << " reported twice";
  };
  ASSERT_TRUE(manager_->batch_sync_pages("manuscript", next, on_result).ok());
  ASSERT_EQ(outcomes.size(), 60u);
  ASSERT_EQ(asked_on.size(), 3u);
  for (std::size_t page = 1; page < asked_on.size(); ++page) {
    EXPECT_NE(asked_on[page], std::this_thread::get_id()) << "page " << page;
  }
  for (const auto& [id, status] : outcomes) {
    if (id == "5") {
      EXPECT_EQ(status.code(), StatusCode::kInternal);
    } else {
      EXPECT_TRUE(status.ok()) << id << ": " << status.to_string();
      EXPECT_EQ(agents_.get("manuscript", id), J(R"({"t":"x"})")) << id;
    }
  }
  // The second page (and the end) is asked for while the first is planned, before any of the
  // first page's outcomes.
  ASSERT_GE(trace.size(), 3u);
  EXPECT_EQ(std::vector<std::string>(trace.begin(), trace.begin() + 3),
            (std::vector<std::string>{"page 0", "page 1", "page 2"}));

  pages_given = 0;
  outcomes.clear();
  const auto fails_after_one_page = [&]() -> Result<std::vector<std::string>> {
    if (pages_given++ == 0) return std::vector<std::string>{"1", "2"};
    return Unavailable("listing failed");
  };
  const Status ended = manager_->batch_sync_pages("manuscript", fails_after_one_page, on_result);
  EXPECT_EQ(ended.code(), StatusCode::kUnavailable);
  EXPECT_EQ(outcomes.size(), 2u);
}

// The agents' side as the bulk path meets it: counts write_batch calls, and can fail one id's
// writes, lose a whole batch's reply (applied, or not), run something before a batch, and fail
// the looks that follow a lost batch.
class ScriptedBatchSide : public testing::ForwardingConnector {
 public:
  using ForwardingConnector::ForwardingConnector;

  Result<std::vector<Result<WriteResult>>> write_batch(
      std::string_view type, std::span<const WriteRequest> writes) override {
    ++batches;
    batch_sizes.push_back(writes.size());
    if (before_batch) std::exchange(before_batch, nullptr)();
    if (batch_lost) {
      if (batch_lost->applied) (void)Connector::write_batch(type, writes);
      looks_fail = batch_lost->looks_failing_after;
      return std::exchange(batch_lost, std::nullopt)->error;
    }
    return Connector::write_batch(type, writes);
  }
  Result<WriteResult> write(std::string_view type, std::string_view id, const Json& document,
                            std::string_view key) override {
    if (auto f = failing.find(std::string(id)); f != failing.end()) return f->second;
    return ForwardingConnector::write(type, id, document, key);
  }
  Result<std::optional<Snapshot>> fetch(std::string_view type, std::string_view id) override {
    if (looks_fail > 0) {
      --looks_fail;
      return Unavailable("the look failed too");
    }
    return ForwardingConnector::fetch(type, id);
  }

  struct LostBatch {
    Status error;
    bool applied = false;  // The side applied the batch before its reply was lost.
    int looks_failing_after = 0;
  };
  int batches = 0;
  std::vector<std::size_t> batch_sizes;
  std::map<std::string, Status> failing;  // Writes of these ids fail.
  std::optional<LostBatch> batch_lost;
  std::function<void()> before_batch;
  int looks_fail = 0;
};

std::vector<std::string> put_manuscripts(MemoryConnector& side, int n, std::string_view doc) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) {
    ids.push_back(std::to_string(i));
    side.put("manuscript", ids.back(), J(doc));
  }
  return ids;
}

TEST_F(SyncManagerTest, BatchSyncWritesEachGroupInOneBatchAndIsIdempotent) {
  ScriptedBatchSide agents_side(&agents_);
  agents_side_ = &agents_side;
  start(SyncOptions{});
  const std::vector<std::string> ids =
      put_manuscripts(ojs_, 250, R"({"t":"x","lastModified":"1"})");
  for (const auto& [id, result] : manager_->batch_sync("manuscript", ids, Direction::kFromOjs)) {
    ASSERT_TRUE(result.ok()) << id << ": " << result.status().to_string();
    EXPECT_EQ(result->outcome, SyncOutcome::kApplied);
    EXPECT_TRUE(result->wrote_agents);
    EXPECT_EQ(agents_.get("manuscript", id), J(R"({"t":"x"})"));
  }
  EXPECT_EQ(agents_side.batch_sizes, (std::vector<std::size_t>{50, 50, 50, 50, 50}));
  auto status = manager_->status("manuscript", "123");
  ASSERT_TRUE(status.ok() && status->state);
  EXPECT_EQ(status->state->base_hash, status->state->agents_hash);
  EXPECT_EQ(status->state->base_hash, status->state->ojs_hash);
  EXPECT_FALSE(status->state->write_intent) << "the group's commit clears its intents";
  ASSERT_EQ(store_->list_audit({"manuscript", "123"}, 10).value().size(), 1u);

  const int writes = agents_.writes();
  for (const auto& [id, result] : manager_->batch_sync("manuscript", ids)) {
    ASSERT_TRUE(result.ok()) << id;
    EXPECT_EQ(result->outcome, SyncOutcome::kNoop);
  }
  EXPECT_EQ(agents_.writes(), writes) << "a no-op sync writes nothing";
  EXPECT_EQ(agents_side.batches, 5);
}

// A side that reads in batches (fetch_batch) is read once per group of the bulk path, before
// its plans; what it holds is merged as a single read's would be.
TEST_F(SyncManagerTest, ABatchReadsTheAgentsSideOncePerGroup) {
  const std::vector<std::string> ids = put_manuscripts(ojs_, 120, R"({"t":"x","s":"1"})");
  ojs_.put("manuscript", "7", J(R"({"t":"x","s":"2"})"));
  ASSERT_TRUE(manager_->batch_sync("manuscript", {"7"})[0].second.ok());
  ojs_.put("manuscript", "7", J(R"({"t":"ojs","s":"2"})"));  // Both sides edit entity 7.
  agents_.put("manuscript", "7", J(R"({"t":"x","s":"agents"})"));
  const int batches_before = agents_.batch_fetches();
  for (const auto& [id, result] : manager_->batch_sync("manuscript", ids)) {
    ASSERT_TRUE(result.ok()) << id << ": " << result.status().to_string();
  }
  EXPECT_EQ(agents_.batch_fetches() - batches_before, 3);  // Groups of 50, 50 and 20.
  EXPECT_EQ(agents_.get("manuscript", "0"), J(R"({"t":"x","s":"1"})"));
  EXPECT_EQ(agents_.get("manuscript", "7"), J(R"({"t":"ojs","s":"agents"})"));
  EXPECT_EQ(ojs_.get("manuscript", "7"), J(R"({"t":"ojs","s":"agents"})"));
}

TEST_F(SyncManagerTest, OneBadWriteInAGroupGoesThePerEntityWayAlone) {
  ScriptedBatchSide agents_side(&agents_);
  agents_side_ = &agents_side;
  SyncOptions options;
  options.retry_limit = 2;
  start(options);
  const std::vector<std::string> ids = put_manuscripts(ojs_, 20, R"({"t":"x"})");
  agents_side.failing["7"] = Internal("the agents' store refuses this one");
  for (const auto& [id, result] : manager_->batch_sync("manuscript", ids)) {
    if (id == "7") {
      EXPECT_EQ(result.status().code(), StatusCode::kInternal);
      continue;
    }
    ASSERT_TRUE(result.ok()) << id << ": " << result.status().to_string();
    EXPECT_EQ(agents_.get("manuscript", id), J(R"({"t":"x"})"));
  }
  EXPECT_EQ(agents_side.batches, 1);
  EXPECT_FALSE(agents_.get("manuscript", "7").has_value());
  // The failure is recorded as a sync's would be, and the record heals on its own later.
  auto records = store_->list_records({"manuscript", "7"}, 10).value();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].outcome, SyncOutcome::kFailed);
  agents_side.failing.clear();
  EXPECT_EQ(sync_ok("7").outcome, SyncOutcome::kApplied);
  EXPECT_EQ(agents_.get("manuscript", "7"), J(R"({"t":"x"})"));
}

TEST_F(SyncManagerTest, AVersionRaceInsideAGroupIsLostByThatEntityAlone) {
  ScriptedBatchSide agents_side(&agents_);
  agents_side_ = &agents_side;
  start(SyncOptions{});
  const std::vector<std::string> ids = put_manuscripts(ojs_, 10, R"({"t":"x"})");
  // Between the group's intents and its commit, another sync of "3" commits first.
  agents_side.before_batch = [&] { EXPECT_EQ(sync_ok("3").outcome, SyncOutcome::kApplied); };
  for (const auto& [id, result] : manager_->batch_sync("manuscript", ids)) {
    ASSERT_TRUE(result.ok()) << id << ": " << result.status().to_string();
    EXPECT_EQ(result->outcome, id == "3" ? SyncOutcome::kNoop : SyncOutcome::kApplied) << id;
    EXPECT_EQ(agents_.get("manuscript", id), J(R"({"t":"x"})"));
  }
  auto records = store_->list_records({"manuscript", "3"}, 10).value();
  ASSERT_EQ(records.size(), 2u) << "the group's commit of 3 lost the race and wrote nothing";
  EXPECT_EQ(records[0].outcome, SyncOutcome::kNoop);
  EXPECT_EQ(records[1].outcome, SyncOutcome::kApplied);
  EXPECT_EQ(store_->list_records({"manuscript", "4"}, 10).value().size(), 1u);
}

TEST_F(SyncManagerTest, AHalfOpenBreakerLetsOneWriteOfAGroupThroughAsItsProbe) {
  ScriptedBatchSide agents_side(&agents_);
  agents_side_ = &agents_side;
  SyncOptions options;
  options.retry_limit = 1;
  options.breaker.failure_threshold = 2;
  options.breaker.open_duration = seconds(30);
  start(options);
  // Two records' outages open the agents' breaker.
  for (const char* id : {"p", "q"}) ojs_.put("manuscript", id, J(R"({"t":"x"})"));
  agents_side.looks_fail = 2;
  EXPECT_FALSE(manager_->sync("manuscript", "p").ok());
  EXPECT_FALSE(manager_->sync("manuscript", "q").ok());
  clock_.advance(seconds(31));
  // Entities not yet on the agents' side (no id there: nothing to fetch), so the group's batch
  // is the first call since the cool-down.
  const std::vector<std::string> ids = put_manuscripts(ojs_, 5, R"({"t":"y"})");
  for (const std::string& id : ids) {
    SyncCommit commit;
    commit.state = SyncState{};
    commit.state->key = {"manuscript", id};
    commit.state->ojs_id = id;
    commit.record.key = commit.state->key;
    ASSERT_TRUE(store_->commit_sync(commit).ok());
  }
  for (const auto& [id, result] : manager_->batch_sync("manuscript", ids)) {
    ASSERT_TRUE(result.ok()) << id << ": " << result.status().to_string();
    EXPECT_EQ(result->outcome, SyncOutcome::kApplied);
  }
  EXPECT_EQ(agents_side.batch_sizes, (std::vector<std::size_t>{1}));
  EXPECT_EQ(agents_.writes(), 5);
}

// A process that dies between the group's write intents and its writes (`applied` false), or
// after its writes but before its commit: the next sync must neither take the engine's writes
// for agents' edits nor miss them (docs/invariants.md, G2).
class BulkInterruptedTest : public SyncManagerTest, public ::testing::WithParamInterface<bool> {};

TEST_P(BulkInterruptedTest, AGroupStoppedBetweenItsIntentsAndItsCommitIsRecognisedLater) {
  const bool applied = GetParam();
  ScriptedBatchSide agents_side(&agents_);
  agents_side_ = &agents_side;
  SyncOptions options;
  options.retry_limit = 1;
  options.conflict_resolution = "manual";
  options.breaker.failure_threshold = 0;  // The outage here is staged: no breaker in the way.
  start(options);
  const std::vector<std::string> ids = put_manuscripts(ojs_, 5, R"({"title":"A"})");
  ASSERT_TRUE(manager_->batch_sync("manuscript", ids)[0].second.ok());
  tick();
  for (const auto& id : ids) ojs_.put("manuscript", id, J(R"({"title":"B"})"));
  // The batch's reply is lost and so is every look after it: each entity keeps its intent.
  agents_side.batch_lost =
      ScriptedBatchSide::LostBatch{Unavailable("the process died"), applied, 100};
  for (const auto& [id, result] : manager_->batch_sync("manuscript", ids)) {
    EXPECT_FALSE(result.ok()) << id;
    auto state = store_->get_state({"manuscript", id});
    ASSERT_TRUE(state.ok() && *state && (*state)->write_intent) << id;
  }
  EXPECT_EQ(agents_.get("manuscript", "2"), J(applied ? R"({"title":"B"})" : R"({"title":"A"})"));
  agents_side.looks_fail = 0;
  tick();
  for (const auto& id : ids) ojs_.put("manuscript", id, J(R"({"title":"C"})"));
  for (const auto& [id, result] : manager_->batch_sync("manuscript", ids)) {
    ASSERT_TRUE(result.ok()) << id << ": " << result.status().to_string();
    EXPECT_EQ(result->outcome, SyncOutcome::kApplied) << id;
    EXPECT_EQ(agents_.get("manuscript", id), J(R"({"title":"C"})"));
  }
  EXPECT_TRUE(manager_->pending_conflicts().value().empty())
      << "an engine write was taken for an agents' edit";
}

INSTANTIATE_TEST_SUITE_P(BeforeOrAfterTheWrites, BulkInterruptedTest, ::testing::Bool());

// A sweep's page is queued in one transaction, all or nothing: one id that is no key queues none.
TEST_F(SyncManagerTest, EnqueueAllQueuesAPageOrNothing) {
  auto refused = manager_->enqueue_all("manuscript", {"1", "not an id"}, Direction::kBoth, "sweep");
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(store_->list_jobs(std::nullopt, 10)->empty());
  auto queued = manager_->enqueue_all("manuscript", {"1", "2"}, Direction::kBoth, "sweep");
  ASSERT_TRUE(queued.ok()) << queued.status().to_string();
  EXPECT_EQ(queued->size(), 2u);
  EXPECT_EQ(store_->list_jobs(JobState::kPending, 10)->size(), 2u);
}

TEST_F(SyncManagerTest, QueuedJobsRetryThenDeadLetter) {
  SyncOptions options;
  options.retry_limit = 3;
  start(options);
  ojs_.put("manuscript", "1", J(R"({"t":"a"})"));
  ojs_.put("manuscript", "2", J(R"({"t":"b"})"));
  ojs_.poison("2", Unavailable("timeout"));
  ASSERT_TRUE(manager_->enqueue("manuscript", "1", Direction::kBoth, "event").ok());
  ASSERT_TRUE(manager_->enqueue("manuscript", "2", Direction::kBoth, "event").ok());
  auto run = manager_->run_due_jobs("w1");
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->claimed, 2u);
  EXPECT_EQ(run->succeeded, 1u);
  EXPECT_EQ(run->failed, 1u);
  EXPECT_EQ(agents_.get("manuscript", "1"), J(R"({"t":"a"})"));
  for (int i = 0; i < 2; ++i) {
    clock_.advance(std::chrono::minutes(10));  // Past any backoff.
    run = manager_->run_due_jobs("w1");
    ASSERT_TRUE(run.ok());
    EXPECT_EQ(run->claimed, 1u);
  }
  EXPECT_EQ(run->dead_lettered, 1u);
  auto dead = store_->list_jobs(JobState::kDead, 10);
  ASSERT_EQ(dead->size(), 1u);
  EXPECT_EQ(dead->front().key.id, "2");
  EXPECT_NE(dead->front().last_error.find("timeout"), std::string::npos);
  EXPECT_EQ(manager_->health().overall_status, HealthStatus::kDegraded);
}

// An import through the queue (a sweep's backlog) takes the bulk path: each group's writes
// to the agents share one batch, and each job ends in its group's commit.
TEST_F(SyncManagerTest, QueuedJobsOfOneTypeShareTheBulkPath) {
  ScriptedBatchSide agents_side(&agents_);
  agents_side_ = &agents_side;
  SyncOptions options;
  options.batch_size = 200;
  start(options);
  const std::vector<std::string> ids = put_manuscripts(ojs_, 120, R"({"t":"x"})");
  enqueue_sweep_of(ids, Direction::kFromOjs);
  ojs_.put("decision", "d1", J(R"({"decision":"accept"})"));
  ASSERT_TRUE(manager_->enqueue("decision", "d1", Direction::kBoth, "event").ok());

  auto run = manager_->run_due_jobs("w1");
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->claimed, 121u);
  EXPECT_EQ(run->succeeded, 121u);
  EXPECT_EQ(agents_side.batch_sizes, (std::vector<std::size_t>{50, 50, 20}));
  for (const std::string& id : ids) EXPECT_EQ(agents_.get("manuscript", id), J(R"({"t":"x"})"));
  EXPECT_EQ(agents_.get("decision", "d1"), J(R"({"decision":"accept"})")) << "a lone job";
  EXPECT_TRUE(store_->list_jobs(std::nullopt, 10)->empty());
  auto records = store_->list_records({"manuscript", "77"}, 10).value();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].trigger, "sweep");
  EXPECT_EQ(records[0].direction, Direction::kFromOjs);
}

// A backlog streams through the bulk path: after each full claim the next is made (when the
// caller makes room) while the groups before it are still planned, so the groups run on across
// claims (a claim of 100 here ends in a group of 50, not a partial one); another type's jobs in
// those claims run after, and a claim that is not full ends the stream.
TEST_F(SyncManagerTest, ABacklogStreamsThroughTheBulkPathClaimAfterClaim) {
  ScriptedBatchSide agents_side(&agents_);
  agents_side_ = &agents_side;
  start(SyncOptions{});
  const std::vector<std::string> ids = put_manuscripts(ojs_, 230, R"({"t":"x"})");
  enqueue_sweep_of(std::vector<std::string>(ids.begin(), ids.begin() + 150), Direction::kFromOjs);
  for (const std::string d : {"d1", "d2"}) {
    ojs_.put("decision", d, J(R"({"decision":"accept"})"));
    ASSERT_TRUE(manager_->enqueue("decision", d, Direction::kBoth, "event").ok());
  }
  enqueue_sweep_of(std::vector<std::string>(ids.begin() + 150, ids.end()), Direction::kFromOjs);

  std::size_t done = 0;
  std::size_t asked = 0;
  auto claimed = manager_->run_due_jobs_in_bulk(
      "w1", 100, [&](JobOutcome o) { done += o == JobOutcome::kSucceeded ? 1 : 0; },
      [&] { return ++asked > 0; });
  ASSERT_TRUE(claimed.ok()) << claimed.status().to_string();
  EXPECT_EQ(*claimed, 232u);
  EXPECT_EQ(asked, 2u) << "a claim after each full one, none after the one that was not";
  EXPECT_EQ(done, 232u) << "each job ended in its group, on this thread";
  // 100 + 100 + 32 claimed: 98 manuscripts of the second claim and 32 of the third join the
  // stream; the two decisions run after it, on their own bulk run.
  EXPECT_EQ(agents_side.batch_sizes, (std::vector<std::size_t>{50, 50, 50, 50, 30, 2}));
  for (const std::string& id : ids) EXPECT_EQ(agents_.get("manuscript", id), J(R"({"t":"x"})"));
  EXPECT_EQ(agents_.get("decision", "d2"), J(R"({"decision":"accept"})"));
  EXPECT_TRUE(store_->list_jobs(std::nullopt, 10)->empty());

  // A caller that makes no room gets one claim, as without a stream.
  enqueue_sweep_of(ids, Direction::kFromOjs);
  claimed = manager_->run_due_jobs_in_bulk("w1", 100, nullptr, [] { return false; });
  ASSERT_TRUE(claimed.ok());
  EXPECT_EQ(*claimed, 100u);
}

// A job whose read fails while its group is planned has had its attempt: it is charged once and
// backs off alone, without a second read in the same run, while the rest of its group lands.
TEST_F(SyncManagerTest, AJobFailingInItsGroupIsChargedOneAttemptAndBacksOffAlone) {
  struct CountingReads : testing::ForwardingConnector {
    using ForwardingConnector::ForwardingConnector;
    Result<std::optional<Snapshot>> fetch(std::string_view type, std::string_view id) override {
      reads_of_4 += id == "4";
      return ForwardingConnector::fetch(type, id);
    }
    std::atomic<int> reads_of_4{0};
  } agents_side(&agents_);
  agents_side_ = &agents_side;
  SyncOptions options;
  options.retry_limit = 3;
  start(options);
  const std::vector<std::string> ids = put_manuscripts(ojs_, 10, R"({"t":"x"})");
  enqueue_sweep_of(ids, Direction::kBoth);
  agents_.poison("4", Unavailable("timeout"));
  auto run = manager_->run_due_jobs("w1");
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->succeeded, 9u);
  EXPECT_EQ(run->failed, 1u);
  EXPECT_EQ(agents_side.reads_of_4, 1);
  auto jobs = store_->list_jobs(JobState::kPending, 10).value();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].key.id, "4");
  EXPECT_EQ(jobs[0].attempts, 1);
  EXPECT_GT(jobs[0].run_at, clock_.now());
  auto records = store_->list_records({"manuscript", "4"}, 10).value();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].outcome, SyncOutcome::kFailed);
}

TEST_F(SyncManagerTest, RetryAfterStretchesInlineAndQueuedRetries) {
  SyncOptions options;
  options.retry_backoff_base = std::chrono::milliseconds(100);
  options.retry_backoff_max = seconds(10);
  start(options);
  ojs_.put("manuscript", "1", J(R"({"t":"a"})"));
  ojs_.fail_next(1, ResourceExhausted("429 from OJS").set_retry_after(seconds(3)));
  sync_ok("1");
  ASSERT_EQ(sleeps_.size(), 1u);
  EXPECT_EQ(sleeps_[0], seconds(3));  // Not the ≤ 100 ms backoff.

  // A pause longer than retry_backoff_max ends inline retries; the error says when to return.
  ojs_.put("manuscript", "2", J(R"({"t":"b"})"));
  ojs_.fail_next(1, Unavailable("503 maintenance").set_retry_after(seconds(600)));
  auto inline_result = manager_->sync("manuscript", "2");
  EXPECT_EQ(inline_result.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(inline_result.status().retry_after(), seconds(600));
  EXPECT_EQ(sleeps_.size(), 1u);

  // A queued job is not retried before the remote's Retry-After.
  ASSERT_TRUE(manager_->enqueue("manuscript", "2", Direction::kBoth, "event").ok());
  ojs_.fail_next(1, Unavailable("503 maintenance").set_retry_after(seconds(600)));
  auto run = manager_->run_due_jobs("w1");
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->failed, 1u);
  auto jobs = store_->list_jobs(JobState::kPending, 10);
  ASSERT_EQ(jobs->size(), 1u);
  EXPECT_GE(jobs->front().run_at, clock_.now() + seconds(600));
  EXPECT_EQ(jobs->front().attempts, 1);
}

TEST_F(SyncManagerTest, OpenBreakerHoldsJobsAndALongOutageCostsOneAttemptPerCoolDown) {
  SyncOptions options;
  options.breaker.failure_threshold = 3;
  options.breaker.open_duration = seconds(30);
  options.retry_limit = 5;
  start(options);
  for (int i = 0; i < 10; ++i) ojs_.put("manuscript", std::to_string(i), J(R"({"t":"x"})"));
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(manager_->enqueue("manuscript", std::to_string(i), Direction::kBoth, "sweep").ok());
  }
  ojs_.fail_next(1'000'000, Unavailable("502 Bad Gateway"));

  auto run = manager_->run_due_jobs("w1");
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->claimed, 10u);
  EXPECT_EQ(run->dead_lettered, 0u);
  EXPECT_GE(run->failed, 3u);  // The outages that opened the breaker (plus calls in flight).
  EXPECT_GE(run->held, 1u);
  EXPECT_EQ(run->failed + run->held, 10u);
  const auto breakers = manager_->circuit_breakers();
  auto ojs_breaker = std::find_if(breakers.begin(), breakers.end(),
                                  [](const auto& b) { return b.endpoint == "ojs/manuscript"; });
  ASSERT_NE(ojs_breaker, breakers.end());
  EXPECT_EQ(ojs_breaker->state, BreakerState::kOpen);
  HealthReport health = manager_->health();
  EXPECT_EQ(health.overall_status, HealthStatus::kDegraded);
  EXPECT_TRUE(std::any_of(health.checks.begin(), health.checks.end(), [](const HealthCheck& c) {
    return c.name == "breaker:ojs/manuscript" && c.status == HealthStatus::kDegraded;
  }));

  // Ten minutes of outage: each cool-down lets one probe out, which fails and costs its job
  // one attempt; every other job waits without spending any.
  std::size_t dead = 0;
  for (int i = 0; i < 20; ++i) {
    clock_.advance(seconds(31));
    run = manager_->run_due_jobs("w1");
    ASSERT_TRUE(run.ok());
    EXPECT_EQ(run->failed + run->dead_lettered, 1u);  // The probe.
    dead += run->dead_lettered;
  }
  EXPECT_LE(dead, 20u / 5u);
  ojs_.fail_next(0, OkStatus());  // OJS is back.
  for (int i = 0; i < 50 && !store_->list_jobs(JobState::kPending, 1)->empty(); ++i) {
    clock_.advance(seconds(31));
    ASSERT_TRUE(manager_->run_due_jobs("w1").ok());
  }
  EXPECT_TRUE(store_->list_jobs(JobState::kPending, 1)->empty());
  const std::vector<Job> dead_jobs = store_->list_jobs(JobState::kDead, 20).value();
  EXPECT_EQ(dead_jobs.size(), dead);
  for (const Job& job : dead_jobs) {  // A person replays what the outage dead-lettered.
    ASSERT_TRUE(store_->replay_dead_job(job.id, clock_.now()).ok());
  }
  ASSERT_TRUE(manager_->run_due_jobs("w1").ok());
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(agents_.get("manuscript", std::to_string(i)), J(R"({"t":"x"})")) << i;
  }
  EXPECT_TRUE(store_->list_jobs(std::nullopt, 1)->empty());
}

TEST_F(SyncManagerTest, ARecordFailingAloneIsDeadLetteredAndDoesNotBlockItsEndpoint) {
  SyncOptions options;
  options.breaker.failure_threshold = 2;  // Lower than retry_limit: its failures open it.
  options.breaker.open_duration = seconds(30);
  options.retry_limit = 4;
  start(options);
  ojs_.put("manuscript", "poisoned", J(R"({"t":"p"})"));
  ojs_.put("manuscript", "fine", J(R"({"t":"f"})"));
  ojs_.poison("poisoned", DeadlineExceeded("this submission always times out"));
  ASSERT_TRUE(manager_->enqueue("manuscript", "poisoned", Direction::kBoth, "sweep").ok());
  for (int i = 0; i < 20 && store_->list_jobs(JobState::kDead, 1)->empty(); ++i) {
    ASSERT_TRUE(manager_->run_due_jobs("w1").ok());
    clock_.advance(seconds(31));
  }
  EXPECT_EQ(store_->list_jobs(JobState::kDead, 1)->size(), 1u);  // Not probing forever.
  ASSERT_TRUE(manager_->enqueue("manuscript", "fine", Direction::kBoth, "event").ok());
  for (int i = 0; i < 3 && !agents_.get("manuscript", "fine"); ++i) {
    ASSERT_TRUE(manager_->run_due_jobs("w1").ok());
    clock_.advance(seconds(31));
  }
  EXPECT_EQ(agents_.get("manuscript", "fine"), J(R"({"t":"f"})"));
}

// Found by the simulation (seed 984): two entities mapped to one OJS document (known gap G1)
// whose calls always fail are one failing record, not an outage of the endpoint.
TEST_F(SyncManagerTest, TwoEntitiesSharingOneFailingDocumentDoNotOpenTheBreaker) {
  SyncOptions options;
  options.breaker.failure_threshold = 2;
  options.retry_limit = 2;
  start(options);
  ojs_.put("manuscript", "7", J(R"({"t":"p"})"));
  for (const char* id : {"7", "a7"}) {
    SyncCommit commit;
    commit.state = SyncState{};
    commit.state->key = {"manuscript", id};
    commit.state->ojs_id = "7";
    commit.state->agents_id = id;
    commit.record.key = commit.state->key;
    ASSERT_TRUE(store_->commit_sync(commit).ok());
  }
  ojs_.poison("7", Unavailable("this submission always fails"));
  EXPECT_FALSE(manager_->sync("manuscript", "7").ok());
  EXPECT_FALSE(manager_->sync("manuscript", "a7").ok());
  for (const CircuitBreakerStatus& b : manager_->circuit_breakers()) {
    EXPECT_EQ(b.state, BreakerState::kClosed) << b.endpoint;
  }
}

TEST_F(SyncManagerTest, OpenBreakerEndsInlineRetriesAtOnce) {
  SyncOptions options;
  options.breaker.failure_threshold = 2;
  options.retry_limit = 5;
  start(options);
  ojs_.put("manuscript", "1", J(R"({"t":"a"})"));
  ojs_.put("manuscript", "2", J(R"({"t":"b"})"));
  ojs_.fail_next(1'000'000, Unavailable("connection refused"));
  // One record's outages, however many, do not open it (it might be that record's fault) ...
  EXPECT_EQ(manager_->sync("manuscript", "2").status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(sleeps_.size(), 4u);
  sleeps_.clear();
  // ... a second record's do.
  auto r = manager_->sync("manuscript", "1");
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("circuit breaker open for ojs/manuscript"),
            std::string::npos);
  EXPECT_EQ(r.status().retry_after(), seconds(30));
  EXPECT_EQ(sleeps_.size(), 1u);  // The first attempt's outage opened it; the second was refused.
}

TEST_F(SyncManagerTest, ListingsGoThroughTheBreakerSoAnIdleSweepClosesIt) {
  SyncOptions options;
  options.breaker.failure_threshold = 2;
  start(options);
  ojs_.put("manuscript", "1", J(R"({"t":"a"})"));
  ojs_.put("manuscript", "2", J(R"({"t":"b"})"));
  ojs_.poison("2", Unavailable("503"));
  EXPECT_FALSE(manager_->sync("manuscript", "2").ok());
  ojs_.fail_next(1, Unavailable("503"));
  EXPECT_FALSE(manager_->sync("manuscript", "1").ok());  // A second record's outage opens it.
  auto refused = manager_->list_changed(Side::kOjs, "manuscript", "", 10);
  EXPECT_NE(refused.status().message().find("circuit breaker open"), std::string::npos);
  EXPECT_EQ(manager_->health().overall_status, HealthStatus::kDegraded);
  clock_.advance(seconds(30));
  auto probe = manager_->list_changed(Side::kOjs, "manuscript", "", 10);  // OJS is back.
  ASSERT_TRUE(probe.ok());
  EXPECT_EQ(probe->changes.size(), 2u);
  EXPECT_EQ(manager_->health().overall_status, HealthStatus::kHealthy);
  EXPECT_EQ(manager_->list_changed(Side::kOjs, "spaceship", "", 10).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(SyncManagerTest, StatisticsCountOutcomes) {
  ojs_.put("manuscript", "1", J(R"({"t":"a"})"));
  sync_ok("1");
  sync_ok("1");
  ojs_.fail_next(1, PermissionDenied("no"));
  (void)manager_->sync("manuscript", "1");
  auto stats = manager_->statistics();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->store.all_time.total, 3);
  EXPECT_EQ(stats->store.all_time.applied, 1);
  EXPECT_EQ(stats->store.all_time.noop, 1);
  EXPECT_EQ(stats->store.all_time.failed, 1);
  EXPECT_DOUBLE_EQ(stats->success_rate, 2.0 / 3.0);
  EXPECT_EQ(stats->store.last_24h.total, 3);
  EXPECT_EQ(observed_, (std::vector<SyncOutcome>{SyncOutcome::kApplied, SyncOutcome::kNoop,
                                                 SyncOutcome::kFailed}));
}

TEST_F(SyncManagerTest, HealthReportsUnreachableConnector) {
  EXPECT_EQ(manager_->health().overall_status, HealthStatus::kHealthy);
  ojs_.fail_next(1, Unavailable("connection refused"));
  HealthReport h = manager_->health();
  EXPECT_EQ(h.overall_status, HealthStatus::kDegraded);
  EXPECT_EQ(h.checks[1].name, "ojs");
  EXPECT_EQ(h.checks[1].status, HealthStatus::kDegraded);
}

}  // namespace
}  // namespace ojsync
