// The SQLite store: the shared conformance suite (in memory and on disk), plus what only
// SQLite can show (the schema itself, raw SQL against the file, error mapping).
#include <signal.h>
#include <sqlite3.h>
#include <sys/resource.h>

#include <atomic>
#include <string>

#include "ojsync/store.h"
#include "store/sqlite_db.h"
#include "store/sqlite_migrations.h"
#include "store/sqlite_store_schema.h"
#include "store/store_conformance.h"
#include "store/testing/raw_db.h"
#include "store/testing/temp_dir.h"

namespace ojsync::testing {
namespace {

std::unique_ptr<Store> open_or_null(const std::string& path) {
  auto store = open_sqlite_store({path});
  return store.ok() ? std::move(store).value() : nullptr;
}

// Every on-disk conformance test gets its own file; the directory goes when the process ends.
std::unique_ptr<Store> open_on_disk() {
  static TempDir dir("ojsync-conformance");
  static std::atomic<int> count{0};
  return open_or_null(dir.file("store-" + std::to_string(count++) + ".db"));
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformanceTest,
                         ::testing::Values(StoreFactory{"memory", [] { return open_or_null(":memory:"); }},
                                           StoreFactory{"file", open_on_disk}),
                         store_factory_name);

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = open_or_null(path_);
    ASSERT_NE(store_, nullptr);
    OJSYNC_ASSERT_OK(store_->migrate());
  }

  void reopen() {
    store_.reset();
    SetUp();
  }

  TempDir dir_{"ojsync-sqlite"};
  std::string path_ = dir_.file("ojsync.db");
  std::unique_ptr<Store> store_;
};

AuditEntry audit_entry() {
  AuditEntry entry;
  entry.at = Timestamp(std::chrono::seconds(1'767'225'600));
  entry.actor = "editor:alice";
  entry.action = "write_ojs";
  entry.key = {"manuscript", "1"};
  entry.reason = "manual resolution";
  entry.details = Json::object();
  return entry;
}

SyncCommit state_commit(const EntityKey& key, std::int64_t expected_version) {
  SyncCommit commit;
  SyncState state;
  state.key = key;
  state.base = Json(Json::Object{{"v", expected_version + 1}});
  state.base_hash = "h" + std::to_string(expected_version + 1);
  commit.state = state;
  commit.expected_version = expected_version;
  commit.record.key = key;
  commit.record.outcome = SyncOutcome::kApplied;
  return commit;
}

TEST(SqliteErrorMappingTest, MapsEachResultCodeToItsStatus) {
  EXPECT_EQ(status_code_for_sqlite(SQLITE_OK), StatusCode::kOk);
  EXPECT_EQ(status_code_for_sqlite(SQLITE_BUSY), StatusCode::kUnavailable);
  EXPECT_EQ(status_code_for_sqlite(SQLITE_BUSY_SNAPSHOT), StatusCode::kUnavailable);
  EXPECT_EQ(status_code_for_sqlite(SQLITE_LOCKED), StatusCode::kUnavailable);
  EXPECT_EQ(status_code_for_sqlite(SQLITE_READONLY), StatusCode::kUnavailable);
  EXPECT_EQ(status_code_for_sqlite(SQLITE_IOERR_FSYNC), StatusCode::kUnavailable);
  EXPECT_EQ(status_code_for_sqlite(SQLITE_CANTOPEN), StatusCode::kUnavailable);
  EXPECT_EQ(status_code_for_sqlite(SQLITE_FULL), StatusCode::kResourceExhausted);
  EXPECT_EQ(status_code_for_sqlite(SQLITE_NOMEM), StatusCode::kResourceExhausted);
  EXPECT_EQ(status_code_for_sqlite(SQLITE_CORRUPT), StatusCode::kDataLoss);
  EXPECT_EQ(status_code_for_sqlite(SQLITE_NOTADB), StatusCode::kDataLoss);
  EXPECT_EQ(status_code_for_sqlite(SQLITE_CONSTRAINT_UNIQUE), StatusCode::kAlreadyExists);
  EXPECT_EQ(status_code_for_sqlite(SQLITE_CONSTRAINT_PRIMARYKEY), StatusCode::kAlreadyExists);
  EXPECT_EQ(status_code_for_sqlite(SQLITE_CONSTRAINT_CHECK), StatusCode::kFailedPrecondition);
  EXPECT_EQ(status_code_for_sqlite(SQLITE_CONSTRAINT_TRIGGER), StatusCode::kFailedPrecondition);
  EXPECT_EQ(status_code_for_sqlite(SQLITE_CONSTRAINT_FOREIGNKEY), StatusCode::kFailedPrecondition);
  EXPECT_EQ(status_code_for_sqlite(SQLITE_TOOBIG), StatusCode::kInvalidArgument);
  EXPECT_EQ(status_code_for_sqlite(SQLITE_INTERRUPT), StatusCode::kCancelled);
  EXPECT_EQ(status_code_for_sqlite(SQLITE_AUTH), StatusCode::kPermissionDenied);
  EXPECT_EQ(status_code_for_sqlite(SQLITE_MISUSE), StatusCode::kInternal);
  EXPECT_EQ(status_code_for_sqlite(SQLITE_ERROR), StatusCode::kInternal);
  EXPECT_TRUE(sqlite_status(SQLITE_BUSY, nullptr, "commit").is_retryable());
  EXPECT_FALSE(sqlite_status(SQLITE_CORRUPT, nullptr, "read").is_retryable());
}

TEST_F(SqliteStoreTest, AuditLogRefusesUpdateAndDelete) {
  auto id = store_->append_audit(audit_entry());
  OJSYNC_ASSERT_OK(id);
  RawDb raw(path_);
  const int update = raw.exec("UPDATE audit_log SET reason = 'rewritten'");
  const int erase = raw.exec("DELETE FROM audit_log");
  EXPECT_EQ(update, SQLITE_CONSTRAINT_TRIGGER);
  EXPECT_EQ(erase, SQLITE_CONSTRAINT_TRIGGER);
  EXPECT_EQ(status_code_for_sqlite(update), StatusCode::kFailedPrecondition);
  auto entries = store_->list_audit({"manuscript", "1"}, 10);
  OJSYNC_ASSERT_OK(entries);
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ(entries->front().reason, "manual resolution");
}

// A group's commits that take no savepoint (an entry, its audit and its record) never leave one
// half-written: should one fail after its entry was written (here a trigger refuses its audit
// entry), the whole group fails and nothing of it is stored.
TEST_F(SqliteStoreTest, AGroupCommitThatFailsAfterAWriteStoresNothing) {
  RawDb raw(path_);
  ASSERT_EQ(raw.exec("CREATE TRIGGER refuse_b BEFORE INSERT ON audit_log WHEN NEW.entity_id = 'b' "
                     "BEGIN SELECT RAISE(ABORT, 'refused'); END"),
            SQLITE_OK);
  std::vector<SyncCommit> group;
  for (const char* id : {"a", "b", "c"}) {
    SyncCommit commit = state_commit({"manuscript", id}, 0);
    AuditEntry entry = audit_entry();
    entry.key = commit.record.key;
    commit.audit.push_back(std::move(entry));
    group.push_back(std::move(commit));
  }
  EXPECT_FALSE(store_->commit_syncs(group).ok());
  for (const char* id : {"a", "b", "c"}) {
    const EntityKey key{"manuscript", id};
    EXPECT_FALSE(store_->get_state(key)->has_value()) << id;
    EXPECT_TRUE(store_->list_records(key, 10)->empty()) << id;
    EXPECT_TRUE(store_->list_audit(key, 10)->empty()) << id;
  }
  // Without the refusal the same group commits whole.
  ASSERT_EQ(raw.exec("DROP TRIGGER refuse_b"), SQLITE_OK);
  auto results = store_->commit_syncs(group);
  OJSYNC_ASSERT_OK(results);
  for (const Result<CommitResult>& result : *results) EXPECT_TRUE(result.ok());
}

TEST_F(SqliteStoreTest, SchemaIsVersionedStrictAndInWalMode) {
  RawDb raw(path_);
  EXPECT_EQ(raw.scalar("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(raw.scalar("SELECT group_concat(version) FROM schema_migrations"), "1,2,3,4,5,6,7,8,9,10");
  auto again = store_->migrate();
  OJSYNC_ASSERT_OK(again);
  EXPECT_EQ(*again, 10);
  EXPECT_EQ(raw.scalar("SELECT COUNT(*) FROM schema_migrations"), "10");
  // Entries hold whole documents: a rowid table keeps each in one page (migration 9).
  EXPECT_EQ(raw.scalar("SELECT wr FROM pragma_table_list WHERE name = 'sync_state'"), "0");
  // A side's id index leaves out the entries keyed by their id there (migration 10).
  EXPECT_EQ(raw.scalar("SELECT COUNT(*) FROM sqlite_master WHERE name IN ('sync_state_by_ojs_id', "
                       "'sync_state_by_agents_id') AND sql LIKE '%_id <> entity_id'"),
            "2");
  EXPECT_EQ(raw.scalar("SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_table_list "
                       "WHERE schema = 'main' AND strict = 1 AND name <> 'schema_migrations' ORDER BY name)"),
            "api_tokens,audit_log,received_events,service_settings,sync_conflicts,sync_jobs,"
            "sync_record_blocks,sync_record_entities,sync_state,sync_statistics");
  // The invariants the store relies on are in the schema, not only in code.
  EXPECT_EQ(raw.exec("INSERT INTO sync_jobs (type, entity_id, direction, triggered_by, state, attempts, "
                     "run_at, lease_until, leased_by, last_error, created_at) "
                     "VALUES ('m', '1', 'both', 't', 'pending', 0, 0, NULL, '', '', 0)"),
            SQLITE_OK);
  EXPECT_EQ(raw.exec("INSERT INTO sync_jobs (type, entity_id, direction, triggered_by, state, attempts, "
                     "run_at, lease_until, leased_by, last_error, created_at) "
                     "VALUES ('m', '1', 'both', 't', 'pending', 0, 0, NULL, '', '', 0)"),
            SQLITE_CONSTRAINT_UNIQUE);
  const char* open_conflict =
      "INSERT INTO sync_conflicts (type, entity_id, status, strategy, fields, created_at, "
      "updated_at, "
      "resolved_by, resolution) VALUES ('m', '1', 'open', 'manual', '[]', 0, 0, '', '')";
  EXPECT_EQ(raw.exec(open_conflict), SQLITE_OK);
  EXPECT_EQ(raw.exec(open_conflict), SQLITE_CONSTRAINT_UNIQUE);
  EXPECT_EQ(raw.exec("UPDATE sync_jobs SET state = 'running'"), SQLITE_CONSTRAINT_CHECK);
}

// The settings are per connection, so they are read back through the one that set them.
TEST(SqliteDbTest, AFileIsWrittenAheadAndCheckpointedEveryFewThousandPages) {
  TempDir dir("ojsync-sqlite-settings");
  auto db = SqliteDb::open({dir.file("settings.db")}).value();
  const auto setting = [&](const char* pragma) {
    auto q = db->query(pragma).value();
    return q.step().value() ? q.text(0) : std::string();
  };
  EXPECT_EQ(setting("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(setting("PRAGMA synchronous"), "1");  // NORMAL
  EXPECT_EQ(setting("PRAGMA wal_autocheckpoint"), std::to_string(kWalCheckpointPages));
}

// Migration 9 moves the entries of a version 8 file into a rowid table: every column, the key
// and every index the reads name come along.
TEST(SqliteStoreMigrationTest, EntriesMoveWholeIntoTheRowidTable) {
  TempDir dir("ojsync-migration-9");
  const std::string path = dir.file("v8.db");
  {
    auto db = SqliteDb::open({path}).value();
    ASSERT_EQ(apply_migrations(*db, sqlite_store_migrations().first(8)).value(), 8);
    RawDb raw(path);
    ASSERT_EQ(raw.exec("INSERT INTO sync_state (type, entity_id, ojs_id, agents_id, base, base_hash, "
                       "ojs_hash, agents_hash, tombstone, updated_at, version, write_intent) VALUES "
                       "('manuscript', '7', '70', 'a7', '{\"t\":\"agreed\"}', 'b', 'o', 'a', 0, 5, 3, NULL), "
                       "('manuscript', 'new', '', 'new', NULL, '', '', '', 0, 6, 1, "
                       "'{\"hash\":\"h\",\"ojs\":true,\"agents\":false}')"),
              SQLITE_OK);
  }
  auto store = open_or_null(path);
  ASSERT_NE(store, nullptr);
  ASSERT_EQ(store->migrate().value(), 10);
  const auto agreed = store->get_state({"manuscript", "7"}).value();
  ASSERT_TRUE(agreed.has_value());
  EXPECT_EQ(agreed->ojs_id, "70");
  EXPECT_EQ(agreed->agents_id, "a7");
  EXPECT_EQ(agreed->base->get_string("t"), "agreed");
  EXPECT_EQ(agreed->base_hash, "b");
  EXPECT_EQ(agreed->ojs_hash, "o");
  EXPECT_EQ(agreed->agents_hash, "a");
  EXPECT_EQ(agreed->version, 3);
  EXPECT_FALSE(agreed->write_intent.has_value());
  const auto by_ojs_id = store->find_state_by_side_id("manuscript", Side::kOjs, "70").value();
  ASSERT_TRUE(by_ojs_id.has_value());
  EXPECT_EQ(by_ojs_id->key.id, "7");
  const auto pending = store->list_pending_creates("manuscript", Side::kOjs, 10).value();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].key.id, "new");
  ASSERT_TRUE(pending[0].write_intent.has_value());
  EXPECT_EQ(pending[0].write_intent->target_hash, "h");

  RawDb raw(path);
  EXPECT_EQ(raw.scalar("SELECT wr FROM pragma_table_list WHERE name = 'sync_state'"), "0");
  EXPECT_EQ(raw.scalar("SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master "
                       "WHERE type = 'index' AND tbl_name = 'sync_state' AND sql IS NOT NULL "
                       "ORDER BY name)"),
            "sync_state_by_agents_id,sync_state_by_ojs_id,sync_state_pending_agents_creates,"
            "sync_state_pending_ojs_creates,sync_state_tombstones");
  // The key still refuses a second entry of one entity.
  EXPECT_EQ(raw.exec("INSERT INTO sync_state (type, entity_id, ojs_id, agents_id, base_hash, "
                     "ojs_hash, agents_hash, tombstone, updated_at, version) VALUES "
                     "('manuscript', '7', '', '', '', '', '', 0, 0, 1)"),
            SQLITE_CONSTRAINT_PRIMARYKEY);
}

TEST_F(SqliteStoreTest, RefusesADatabaseWrittenByANewerBuild) {
  {
    RawDb raw(path_);
    ASSERT_EQ(raw.exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 0)"),
              SQLITE_OK);
  }
  store_.reset();
  auto reopened = open_sqlite_store({path_});
  OJSYNC_ASSERT_OK(reopened);
  EXPECT_EQ((*reopened)->migrate().status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(SqliteStoreTest, DataSurvivesReopening) {
  OJSYNC_ASSERT_OK(store_->commit_sync(state_commit({"manuscript", "7"}, 0)));
  OJSYNC_ASSERT_OK(store_->enqueue({"manuscript", "8"}, Direction::kFromOjs, "sweep", Timestamp{}));
  reopen();
  auto state = store_->get_state({"manuscript", "7"});
  OJSYNC_ASSERT_OK(state);
  ASSERT_TRUE(state->has_value());
  EXPECT_EQ((*state)->version, 1);
  EXPECT_EQ((*state)->base->dump(), R"({"v":1})");
  auto jobs = store_->list_jobs(JobState::kPending, 10);
  OJSYNC_ASSERT_OK(jobs);
  ASSERT_EQ(jobs->size(), 1u);
  EXPECT_EQ(jobs->front().direction, Direction::kFromOjs);
}

TEST_F(SqliteStoreTest, ALockedDatabaseIsUnavailableNotAnError) {
  store_.reset();
  auto opened = open_sqlite_store({path_, std::chrono::milliseconds(50)});
  OJSYNC_ASSERT_OK(opened);
  store_ = std::move(opened).value();
  RawDb other_process(path_);
  ASSERT_EQ(other_process.exec("BEGIN IMMEDIATE"), SQLITE_OK);
  auto blocked = store_->commit_sync(state_commit({"manuscript", "1"}, 0));
  EXPECT_EQ(blocked.status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(blocked.status().is_retryable());
  ASSERT_EQ(other_process.exec("ROLLBACK"), SQLITE_OK);
  auto retried = store_->commit_sync(state_commit({"manuscript", "1"}, 0));
  OJSYNC_ASSERT_OK(retried);
  EXPECT_EQ(retried->state_version, 1);
}

TEST_F(SqliteStoreTest, UndecodableRowsAreDataLoss) {
  OJSYNC_ASSERT_OK(store_->commit_sync(state_commit({"manuscript", "1"}, 0)));
  RawDb raw(path_);
  ASSERT_EQ(raw.exec("UPDATE sync_state SET base = '{\"unterminated'"), SQLITE_OK);
  EXPECT_EQ(store_->get_state({"manuscript", "1"}).status().code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace ojsync::testing

namespace ojsync::testing {
namespace {

// The files may not grow (RLIMIT_FSIZE, as a full disk): writes fail, ping() says why, and once
// the limit is lifted ping()'s probe write succeeds and the store writes again, nothing lost.
TEST(SqliteStoreFullDiskTest, PingFailsWhileTheStoreCannotWriteAndRecoversAfter) {
  TempDir dir("ojsync-full");
  auto store = open_or_null(dir.file("full.db"));
  ASSERT_NE(store, nullptr);
  OJSYNC_ASSERT_OK(store->migrate());
  const EntityKey before{"manuscript", "before"};
  OJSYNC_ASSERT_OK(store->enqueue(before, Direction::kBoth, "test", Timestamp{}).status());

  ::signal(SIGXFSZ, SIG_IGN);  // Writes past the limit fail with EFBIG instead.
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  rlimit full = saved;
  full.rlim_cur = 1;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &full), 0);
  std::string payload(256 * 1024, 'x');  // More than any page already in the files.
  const Status failed = store->put_setting("big", payload);
  const Status ping_while_full = store->ping();
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &saved), 0);

  EXPECT_FALSE(failed.ok());
  EXPECT_FALSE(ping_while_full.ok());
  EXPECT_NE(ping_while_full.message().find("the store cannot write"), std::string::npos)
      << ping_while_full.to_string();
  OJSYNC_ASSERT_OK(store->ping());  // The probe write goes through: healthy again.
  OJSYNC_ASSERT_OK(store->put_setting("big", payload));
  auto jobs = store->list_jobs(std::nullopt, 10);
  OJSYNC_ASSERT_OK(jobs);
  ASSERT_EQ(jobs->size(), 1u);  // What was written before the failure is still there.
  EXPECT_EQ(jobs->front().key.id, "before");
}

}  // namespace
}  // namespace ojsync::testing
