// The audit chain against an intruder with the sqlite3 shell: each way of changing the log
// behind the store's back (edit a field, edit a payload, rewrite an entry with fresh hashes,
// delete one in the middle or at the end, append one) is found by verify_audit_chain, which
// names the first entry concerned. Also: the triggers refuse such changes to begin with, a
// sanctioned redaction passes, and a log written before the chain existed is chained by the
// migration.
#include <gtest/gtest.h>

#include "ojsync/audit_chain.h"
#include "store/sqlite_db.h"
#include "store/sqlite_store_schema.h"
#include "store/store_conformance.h"
#include "store/testing/raw_db.h"
#include "store/testing/temp_dir.h"

namespace ojsync::testing {
namespace {

constexpr int kEntries = 5;

class AuditTamperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = open_sqlite_store({path_}).value();
    OJSYNC_ASSERT_OK(store_->migrate());
    for (int i = 1; i <= kEntries; ++i) {
      AuditEntry e;
      e.at = Timestamp(std::chrono::seconds(1'767'225'600 + i));
      e.actor = "agent:bot";
      e.action = "agent_update";
      e.key = {"manuscript", std::to_string(i)};
      e.before_hash = "before-" + std::to_string(i);
      e.after_hash = "after-" + std::to_string(i);
      e.reason = "agent API";
      e.details = Json(Json::Object{{"n", Json(i)}});
      OJSYNC_ASSERT_OK(store_->append_audit(e));
    }
    ASSERT_TRUE(verify_audit_chain(*store_).value().ok());
  }

  // Runs `sql` on the file with the triggers out of the way, as an intruder would.
  void tamper(const std::string& sql) {
    RawDb raw(path_);
    ASSERT_EQ(raw.exec(("DROP TRIGGER IF EXISTS audit_log_no_update; "
                        "DROP TRIGGER IF EXISTS audit_log_no_delete; " +
                        sql)
                           .c_str()),
              SQLITE_OK);
  }

  void expect_break(AuditBreak::Kind kind, std::int64_t id) {
    auto verified = verify_audit_chain(*store_);
    OJSYNC_ASSERT_OK(verified);
    ASSERT_FALSE(verified->ok()) << "the change went unnoticed";
    EXPECT_EQ(audit_break_name(verified->first_break->kind), audit_break_name(kind))
        << verified->first_break->detail;
    EXPECT_EQ(verified->first_break->entry_id, id) << verified->first_break->detail;
  }

  // The stored hashes of entry `id`, as a ChainedAuditEntry.
  ChainedAuditEntry stored(std::int64_t id) {
    return store_->read_audit_chain(id - 1, 1).value()[0];
  }

  TempDir dir_{"ojsync-audit-tamper"};
  std::string path_ = dir_.file("ojsync.db");
  std::unique_ptr<Store> store_;
};

TEST_F(AuditTamperTest, TheTriggersRefuseEditsAndDeletes) {
  RawDb raw(path_);
  EXPECT_EQ(raw.exec("UPDATE audit_log SET actor = 'someone else' WHERE id = 2"),
            SQLITE_CONSTRAINT_TRIGGER);
  EXPECT_EQ(
      raw.exec("UPDATE audit_log SET details = 'null', redacted = 1, reason = 'x' WHERE id = 2"),
      SQLITE_CONSTRAINT_TRIGGER);  // Redaction may not carry other changes.
  EXPECT_EQ(raw.exec("DELETE FROM audit_log WHERE id = 5"), SQLITE_CONSTRAINT_TRIGGER);
  // Redacting a payload is allowed, and keeps the chain verifiable.
  EXPECT_EQ(raw.exec("UPDATE audit_log SET details = 'null', redacted = 1 WHERE id = 2"),
            SQLITE_OK);
  auto verified = verify_audit_chain(*store_);
  OJSYNC_ASSERT_OK(verified);
  EXPECT_TRUE(verified->ok());
  EXPECT_EQ(verified->redacted, 1);
}

TEST_F(AuditTamperTest, AnEditedFieldIsFound) {
  tamper("UPDATE audit_log SET actor = 'agent:innocent' WHERE id = 3");
  expect_break(AuditBreak::Kind::kAltered, 3);
}

TEST_F(AuditTamperTest, AnEditedPayloadIsFound) {
  tamper("UPDATE audit_log SET details = '{\"n\":99}' WHERE id = 2");
  expect_break(AuditBreak::Kind::kAltered, 2);
}

TEST_F(AuditTamperTest, AnEntryRewrittenWithFreshHashesBreaksTheNextLink) {
  ChainedAuditEntry forged = stored(3);
  forged.entry.reason = "nothing to see";
  forged.entry_hash = audit_entry_hash(forged);
  tamper("UPDATE audit_log SET reason = 'nothing to see', entry_hash = '" + forged.entry_hash +
         "' WHERE id = 3");
  expect_break(AuditBreak::Kind::kInserted, 4);  // Entry 4 no longer links to entry 3.
}

TEST_F(AuditTamperTest, ADeletedEntryIsFound) {
  tamper("DELETE FROM audit_log WHERE id = 2");
  expect_break(AuditBreak::Kind::kRemoved, 2);
}

TEST_F(AuditTamperTest, ADeletedLastEntryIsFoundThroughTheHead) {
  tamper("DELETE FROM audit_log WHERE id = 5");
  expect_break(AuditBreak::Kind::kRemoved, 5);
}

TEST_F(AuditTamperTest, AnAppendedEntryIsFound) {
  // Well-formed and correctly linked, but not written by the store: the head does not know it.
  ChainedAuditEntry extra = stored(5);
  extra.entry.id = 6;
  extra.prev_hash = stored(5).entry_hash;
  extra.entry_hash = audit_entry_hash(extra);
  tamper(
      "INSERT INTO audit_log SELECT 6, at, actor, action, type, entity_id, before_hash, "
      "after_hash, reason, details, '" +
      extra.prev_hash + "', payload_hash, '" + extra.entry_hash +
      "', 0 FROM audit_log WHERE id = 5");
  expect_break(AuditBreak::Kind::kInserted, 6);
}

TEST_F(AuditTamperTest, ASwappedInEntryIsFound) {
  // Entry 3 replaced by a different row with made-up hashes.
  tamper(
      "DELETE FROM audit_log WHERE id = 3; INSERT INTO audit_log VALUES (3, 0, 'x', 'y', "
      "'manuscript', '3', '', '', 'r', '{}', 'forged', 'forged', 'forged', 0)");
  expect_break(AuditBreak::Kind::kInserted, 3);
}

// A database written by schema version 2 (no chain yet) is chained by migration 3, ids kept.
TEST(AuditMigrationTest, EntriesFromBeforeTheChainAreChainedByTheMigration) {
  TempDir dir("ojsync-audit-migration");
  const std::string path = dir.file("old.db");
  {
    auto db = SqliteDb::open({path}).value();
    ASSERT_EQ(apply_migrations(*db, sqlite_store_migrations().first(2)).value(), 2);
    RawDb raw(path);
    for (int i = 1; i <= 3; ++i) {
      ASSERT_EQ(raw.exec(("INSERT INTO audit_log (at, actor, action, type, entity_id, before_hash, "
                          "after_hash, reason, details) VALUES (" +
                          std::to_string(i) +
                          ", 'engine', 'write_ojs', 'manuscript', '1', '', '', "
                          "'sync', '{\"i\":" +
                          std::to_string(i) + "}')")
                             .c_str()),
                SQLITE_OK);
    }
  }
  auto store = open_sqlite_store({path}).value();
  ASSERT_EQ(store->migrate().value(), 3);
  auto verified = verify_audit_chain(*store);
  OJSYNC_ASSERT_OK(verified);
  EXPECT_TRUE(verified->ok()) << verified->first_break->detail;
  EXPECT_EQ(verified->entries, 3);
  AuditEntry next;
  next.actor = "engine";
  next.action = "write_agents";
  next.key = {"manuscript", "1"};
  EXPECT_EQ(store->append_audit(next).value(), 4);
  EXPECT_TRUE(verify_audit_chain(*store).value().ok());
  EXPECT_EQ(store->read_audit_chain(0, 1).value()[0].entry.details.get_int("i"), 1);
}

}  // namespace
}  // namespace ojsync::testing
