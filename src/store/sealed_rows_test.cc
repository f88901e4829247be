// Encryption at rest in the SQLite store: what reaches the file, what the API returns, the key
// checks at start, and the re-encryption pass.
#include "store/sealed_rows.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "ojsync/audit_chain.h"
#include "store/store_conformance.h"
#include "store/testing/raw_db.h"
#include "store/testing/temp_dir.h"

namespace ojsync {
namespace {

using testing::RawDb;
using testing::TempDir;

constexpr std::string_view kEmail = "ada.lovelace@example.org";
constexpr std::string_view kSurname = "Lovelace-Byron";

EncryptionKey key(std::string id, char fill) {
  return EncryptionKey{std::move(id), std::string(32, fill)};
}

EncryptionOptions keyring(std::vector<EncryptionKey> keys) {
  EncryptionOptions options;
  options.keys = std::move(keys);
  return options;
}

Json reviewer() {
  Json doc = Json::object();
  doc["email"] = kEmail;
  doc["familyName"] = Json(Json::Object{{"en", Json(kSurname)}});
  doc["country"] = "GB";
  return doc;
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// Everything SQLite has on disk for `path`: the database and its write-ahead log.
std::string disk_bytes(const std::string& path) {
  return file_bytes(path) + file_bytes(path + "-wal");
}

class EncryptedStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<Store> open(std::optional<EncryptionOptions> encryption) {
    SqliteStoreOptions options;
    options.path = path_;
    options.encryption = std::move(encryption);
    auto store = open_sqlite_store(options);
    if (!store.ok()) return nullptr;
    return std::move(store).value();
  }

  // A reviewer's state, an open conflict on its e-mail and the engine's decision in the audit.
  static void write_reviewer(Store& store) {
    const EntityKey key{"reviewer", "7"};
    SyncCommit commit;
    commit.state = SyncState{key, "7", "a7", reviewer(), "h", "h", "h", false, {}, 0, std::nullopt};
    commit.record.key = key;
    commit.record.outcome = SyncOutcome::kConflict;
    ConflictRecord conflict;
    conflict.key = key;
    conflict.strategy = "manual";
    conflict.base = reviewer();
    conflict.ojs = reviewer();
    conflict.agents = reviewer();
    conflict.fields.push_back(
        FieldConflict{"email", Json(kEmail), Json(kEmail), Json("other@example.org")});
    commit.open_conflict = conflict;
    Json decision = Json::object();
    decision["path"] = "familyName";
    decision["ojs"] = Json(Json::Object{{"en", Json(kSurname)}});
    decision["agents"] = Json(Json::Object{{"en", Json("Byron")}});
    commit.audit.push_back(
        AuditEntry{0, {}, "engine", "conflict_decided", key, "", "", "latest", decision});
    ASSERT_TRUE(store.commit_sync(commit).ok());
  }

  TempDir dir_{"ojsync-encrypted"};
  std::string path_ = dir_.file("ojsync.db");
};

TEST_F(EncryptedStoreTest, TheFileHoldsNoPlaintextWhileTheApiReturnsIt) {
  auto store = open(keyring({key("k1", 'a')}));
  ASSERT_NE(store, nullptr);
  OJSYNC_ASSERT_OK(store->migrate());
  write_reviewer(*store);

  const std::string bytes = disk_bytes(path_);
  EXPECT_EQ(bytes.find(kEmail), std::string::npos);
  EXPECT_EQ(bytes.find(kSurname), std::string::npos);
  EXPECT_EQ(bytes.find("other@example.org"), std::string::npos);
  RawDb raw(path_);
  EXPECT_NE(raw.scalar("SELECT base FROM sync_state").find("\"$enc\":\"v1\""), std::string::npos);
  EXPECT_NE(raw.scalar("SELECT base FROM sync_state").find("\"country\":\"GB\""),
            std::string::npos);

  auto state = store->get_state({"reviewer", "7"});
  OJSYNC_ASSERT_OK(state);
  EXPECT_EQ(*(*state)->base, reviewer());
  auto conflict = store->open_conflict_for({"reviewer", "7"});
  OJSYNC_ASSERT_OK(conflict);
  EXPECT_EQ(*(*conflict)->agents, reviewer());
  EXPECT_EQ(*(*conflict)->fields.front().agents, Json("other@example.org"));
  auto audit = store->list_audit({"reviewer", "7"}, 10);
  OJSYNC_ASSERT_OK(audit);
  EXPECT_EQ(audit->front().details.find("ojs")->get_string("en"), kSurname);
  // The chain hashes the plaintext payload, so it verifies.
  auto verified = verify_audit_chain(*store);
  OJSYNC_ASSERT_OK(verified);
  EXPECT_TRUE(verified->ok());
}

TEST_F(EncryptedStoreTest, AStoreWithEncryptedValuesRefusesAMissingOrWrongKeyAndStaysUntouched) {
  {
    auto store = open(keyring({key("k1", 'a')}));
    OJSYNC_ASSERT_OK(store->migrate());
    write_reviewer(*store);
  }
  const std::string before = disk_bytes(path_);

  auto without = open(std::nullopt);
  auto refused = without->migrate();
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("encryption is not configured"), std::string::npos);

  auto wrong = open(keyring({key("k1", 'b')}));
  refused = wrong->migrate();
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("not the key this store was encrypted with"),
            std::string::npos);

  auto lacking = open(keyring({key("k2", 'b')}));
  refused = lacking->migrate();
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("'k1'"), std::string::npos);
  EXPECT_EQ(disk_bytes(path_), before);
}

TEST_F(EncryptedStoreTest, RotationMovesEveryValueToTheNewKeySoTheOldOneCanGo) {
  {
    auto store = open(keyring({key("k1", 'a')}));
    OJSYNC_ASSERT_OK(store->migrate());
    write_reviewer(*store);
  }
  auto store = open(keyring({key("k1", 'a'), key("k2", 'b')}));
  OJSYNC_ASSERT_OK(store->migrate());
  auto usage = store->key_usage();
  OJSYNC_ASSERT_OK(usage);
  EXPECT_EQ(usage->current_key, "k2");
  EXPECT_GT(usage->values_by_key["k1"], 0);

  // Steps of one row: the pass resumes where it stopped, across the three tables.
  ResealProgress total;
  for (int step = 0; step < 20 && !total.complete; ++step) {
    auto progress = store->reseal(1);
    OJSYNC_ASSERT_OK(progress);
    total.rows_rewritten += progress->rows_rewritten;
    total.complete = progress->complete;
  }
  EXPECT_TRUE(total.complete);
  EXPECT_EQ(total.rows_rewritten, 3);  // The state, the conflict, the audit entry.
  usage = store->key_usage();
  OJSYNC_ASSERT_OK(usage);
  EXPECT_FALSE(usage->values_by_key.contains("k1"));
  EXPECT_GT(usage->values_by_key["k2"], 0);
  auto again = store->reseal(100);
  OJSYNC_ASSERT_OK(again);
  EXPECT_TRUE(again->complete);
  EXPECT_EQ(again->rows_examined, 0);  // Finished for this keyring: nothing to read.
  auto verified = verify_audit_chain(*store);
  OJSYNC_ASSERT_OK(verified);
  EXPECT_TRUE(verified->ok());
  store.reset();

  // k1 may leave the keyring now.
  auto rotated = open(keyring({key("k2", 'b')}));
  OJSYNC_ASSERT_OK(rotated->migrate());
  auto state = rotated->get_state({"reviewer", "7"});
  OJSYNC_ASSERT_OK(state);
  EXPECT_EQ(*(*state)->base, reviewer());
}

TEST_F(EncryptedStoreTest, SwitchingEncryptionOnSealsAnExistingPlaintextStore) {
  {
    auto store = open(std::nullopt);
    OJSYNC_ASSERT_OK(store->migrate());
    write_reviewer(*store);
  }
  auto store = open(keyring({key("k1", 'a')}));
  OJSYNC_ASSERT_OK(store->migrate());
  auto usage = store->key_usage();
  OJSYNC_ASSERT_OK(usage);
  EXPECT_GT(usage->plaintext_values, 0);
  auto state = store->get_state({"reviewer", "7"});  // Plaintext reads as it is meanwhile.
  OJSYNC_ASSERT_OK(state);
  EXPECT_EQ(*(*state)->base, reviewer());
  auto progress = store->reseal(100);
  OJSYNC_ASSERT_OK(progress);
  EXPECT_TRUE(progress->complete);
  usage = store->key_usage();
  OJSYNC_ASSERT_OK(usage);
  EXPECT_EQ(usage->plaintext_values, 0);
  RawDb raw(path_);
  EXPECT_EQ(raw.scalar("SELECT base FROM sync_state").find(kEmail), std::string::npos);
  EXPECT_EQ(raw.scalar("SELECT fields FROM sync_conflicts").find(kEmail), std::string::npos);
  EXPECT_EQ(raw.scalar("SELECT details FROM audit_log").find(kSurname), std::string::npos);
}

}  // namespace
}  // namespace ojsync
