// What only the SQLite layout of the sync log can show: records written by schema version 6
// keep their ids through the migration to packed blocks, group commits share rows, the entity
// index survives a foreign or dangling entry, and a damaged block is reported, not misread.
#include "store/sqlite_sync_log.h"

#include <gtest/gtest.h>

#include "store/sqlite_store_schema.h"
#include "store/store_conformance.h"
#include "store/sync_record_codec.h"
#include "store/testing/raw_db.h"
#include "store/testing/temp_dir.h"

namespace ojsync::testing {
namespace {

SyncRecord record_of(const std::string& id, std::int64_t second) {
  SyncRecord r;
  r.key = {"manuscript", id};
  r.trigger = "sweep";
  r.started_at = Timestamp(std::chrono::seconds(1'800'000'000 + second));
  r.duration = Duration(second);
  return r;
}

class SqliteSyncLogTest : public ::testing::Test {
 protected:
  void open() {
    auto store = open_sqlite_store({path_});
    ASSERT_TRUE(store.ok());
    store_ = std::move(store).value();
    OJSYNC_ASSERT_OK(store_->migrate());
  }

  TempDir dir_{"ojsync-sync-log"};
  std::string path_ = dir_.file("ojsync.db");
  std::unique_ptr<Store> store_;
};

TEST_F(SqliteSyncLogTest, RecordsOfVersion6KeepTheirIdsAndIdsAreNeverReused) {
  {
    auto db = SqliteDb::open({path_}).value();
    ASSERT_EQ(apply_migrations(*db, sqlite_store_migrations().first(6)).value(), 6);
    RawDb raw(path_);
    // Ids 5, 9 and 10 remain of 12 ever given (retention took the others).
    for (int id : {5, 9, 10}) {
      const std::string sql =
          "INSERT INTO sync_records (id, type, entity_id, direction, outcome, triggered_by, "
          "base_hash_before, base_hash_after, ojs_hash, agents_hash, wrote_ojs, wrote_agents, "
          "duration_us, retry_count, error, started_at) VALUES (" +
          std::to_string(id) + ", 'manuscript', '" + (id == 9 ? "b" : "a") +
          "', 'to-ojs', 'failed', 'event', 'h0', 'h1', 'h2', 'h3', 1, 0, 77, 2, 'boom', " + std::to_string(id) + ")";
      ASSERT_EQ(raw.exec(sql.c_str()), SQLITE_OK);
    }
    ASSERT_EQ(raw.exec("UPDATE sqlite_sequence SET seq = 12 WHERE name = 'sync_records'"), SQLITE_OK);
  }
  open();
  auto all = store_->list_records_after(0, 10);
  OJSYNC_ASSERT_OK(all);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].id, 5);
  EXPECT_EQ((*all)[1].id, 9);
  EXPECT_EQ((*all)[2].id, 10);
  const SyncRecord& r = (*all)[1];
  EXPECT_EQ(r.key, (EntityKey{"manuscript", "b"}));
  EXPECT_EQ(r.direction, Direction::kToOjs);
  EXPECT_EQ(r.outcome, SyncOutcome::kFailed);
  EXPECT_EQ(r.trigger, "event");
  EXPECT_EQ(r.base_hash_before, "h0");
  EXPECT_EQ(r.agents_hash, "h3");
  EXPECT_TRUE(r.wrote_ojs);
  EXPECT_FALSE(r.wrote_agents);
  EXPECT_EQ(r.duration, Duration(77));
  EXPECT_EQ(r.retry_count, 2);
  EXPECT_EQ(r.error, "boom");
  EXPECT_EQ(r.started_at, Timestamp(Duration(9)));
  auto of_a = store_->list_records({"manuscript", "a"}, 10);
  OJSYNC_ASSERT_OK(of_a);
  ASSERT_EQ(of_a->size(), 2u);
  EXPECT_EQ((*of_a)[0].id, 10);

  SyncCommit next;
  next.record = record_of("a", 1);
  auto committed = store_->commit_sync(next);
  OJSYNC_ASSERT_OK(committed);
  EXPECT_EQ(committed->record_id, 13);
  RawDb raw(path_);
  EXPECT_EQ(raw.scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'sync_records'"), "0");
  EXPECT_EQ(raw.scalar("SELECT COUNT(*) FROM sqlite_sequence WHERE name = 'sync_records'"), "0");
}

TEST_F(SqliteSyncLogTest, AGroupCommitSharesRowsAndASingleCommitIsOneRow) {
  open();
  std::vector<SyncCommit> commits(kRecordsPerBlock * 2 + 1);
  for (std::size_t i = 0; i < commits.size(); ++i) commits[i].record = record_of(std::to_string(i), 1);
  OJSYNC_ASSERT_OK(store_->commit_syncs(commits));
  SyncCommit one;
  one.record = record_of("x", 2);
  OJSYNC_ASSERT_OK(store_->commit_sync(one));
  RawDb raw(path_);
  EXPECT_EQ(raw.scalar("SELECT group_concat(count) FROM sync_record_blocks"),
            std::to_string(kRecordsPerBlock) + "," + std::to_string(kRecordsPerBlock) + ",1,1");
  EXPECT_EQ(raw.scalar("SELECT COUNT(*) FROM sync_record_entities"), std::to_string(commits.size() + 1));
}

TEST_F(SqliteSyncLogTest, AnIndexEntryPointingElsewhereOrNowhereIsSkipped) {
  open();
  SyncCommit of_a;
  of_a.record = record_of("a", 1);
  SyncCommit of_b;
  of_b.record = record_of("b", 2);
  OJSYNC_ASSERT_OK(store_->commit_sync(of_a));
  const std::int64_t b_id = store_->commit_sync(of_b).value().record_id;
  {
    // As a hash collision would: a's hash naming b's record, and one naming no record.
    RawDb raw(path_);
    const std::string a_hash = std::to_string(entity_key_hash({"manuscript", "a"}));
    const std::string sql = "INSERT INTO sync_record_entities VALUES (0, " + a_hash + ", " + std::to_string(b_id) +
                            "), (0, " + a_hash + ", 4000)";
    ASSERT_EQ(raw.exec(sql.c_str()), SQLITE_OK);
  }
  auto records = store_->list_records({"manuscript", "a"}, 10);
  OJSYNC_ASSERT_OK(records);
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ(records->front().key.id, "a");
}

TEST_F(SqliteSyncLogTest, ADamagedBlockIsDataLoss) {
  open();
  SyncCommit c;
  c.record = record_of("a", 1);
  OJSYNC_ASSERT_OK(store_->commit_sync(c));
  {
    RawDb raw(path_);
    ASSERT_EQ(raw.exec("UPDATE sync_record_blocks SET records = substr(records, 1, 12)"), SQLITE_OK);
  }
  auto records = store_->list_records({"manuscript", "a"}, 10);
  ASSERT_FALSE(records.ok());
  EXPECT_EQ(records.status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(store_->statistics(c.record.started_at).status().code(), StatusCode::kDataLoss);
}

TEST_F(SqliteSyncLogTest, RetentionDropsTheIndexEntriesOfBucketsItEmptied) {
  open();
  std::vector<SyncCommit> commits((std::size_t{1} << kEntityBucketBits) + 10);
  for (std::size_t i = 0; i < commits.size(); ++i) {
    commits[i].record = record_of(std::to_string(i % 50), i < 4'096 ? 1 : 100);
  }
  OJSYNC_ASSERT_OK(store_->commit_syncs(commits));
  RawDb raw(path_);
  EXPECT_EQ(raw.scalar("SELECT COUNT(DISTINCT bucket) FROM sync_record_entities"), "2");
  auto cleaned = store_->cleanup(RetentionCutoffs::uniform(record_of("", 50).started_at));
  OJSYNC_ASSERT_OK(cleaned);
  EXPECT_EQ(cleaned->records, 4'096);
  // Ids start at 1, so bucket 0 held ids 1-4,095 and bucket 1 the rest.
  EXPECT_EQ(raw.scalar("SELECT COUNT(*) FROM sync_record_entities"), "11");
  auto records = store_->list_records({"manuscript", std::to_string(4'096 % 50)}, 100);
  OJSYNC_ASSERT_OK(records);
  for (const SyncRecord& r : *records) EXPECT_EQ(r.duration, Duration(100));
  EXPECT_EQ(records->size(), 1u);
}

}  // namespace
}  // namespace ojsync::testing
