// The Store contract for the hash-chained audit log. Part of the shared conformance suite
// (store_conformance.h): only the Store interface is used, so every backend chains the same way.
#include <vector>

#include "ojsync/audit_chain.h"
#include "store/store_conformance.h"

namespace ojsync::testing {
namespace {

const EntityKey kKey{"manuscript", "42"};

AuditEntry entry(std::string action, Timestamp when) {
  AuditEntry e;
  e.at = when;
  e.actor = "agent:reviewer_bot";
  e.action = std::move(action);
  e.key = kKey;
  e.before_hash = "b";
  e.after_hash = "a";
  e.reason = "agent API";
  e.details = Json(Json::Object{{"email", Json("someone@example.org")}});
  return e;
}

TEST_P(StoreConformanceTest, AuditEntriesAreChainedFromOneWithoutGaps) {
  auto empty = verify_audit_chain(*store_);
  OJSYNC_ASSERT_OK(empty);
  EXPECT_TRUE(empty->ok());
  EXPECT_EQ(empty->entries, 0);
  EXPECT_EQ(empty->head.last_id, 0);

  for (int i = 0; i < 5; ++i) OJSYNC_ASSERT_OK(store_->append_audit(entry("agent_update", at(i))));
  SyncCommit commit;
  commit.record = make_record(kKey, SyncOutcome::kApplied, at(10), Duration(0));
  commit.audit = {entry("write_ojs", at(10)), entry("write_agents", at(10))};
  OJSYNC_ASSERT_OK(store_->commit_sync(commit));

  auto chain = store_->read_audit_chain(0, 100);
  OJSYNC_ASSERT_OK(chain);
  ASSERT_EQ(chain->size(), 7u);
  std::string prev;
  for (std::size_t i = 0; i < chain->size(); ++i) {
    const ChainedAuditEntry& c = (*chain)[i];
    EXPECT_EQ(c.entry.id, static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(c.prev_hash, prev);
    EXPECT_EQ(c.payload_hash, audit_payload_hash(c.entry.details));
    EXPECT_EQ(c.entry_hash, audit_entry_hash(c));
    EXPECT_FALSE(c.redacted);
    prev = c.entry_hash;
  }
  auto head = store_->audit_head();
  OJSYNC_ASSERT_OK(head);
  EXPECT_EQ(head->last_id, 7);
  EXPECT_EQ(head->last_hash, prev);

  auto page = store_->read_audit_chain(5, 1);
  OJSYNC_ASSERT_OK(page);
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ(page->front().entry.action, "write_ojs");

  auto verified = verify_audit_chain(*store_, 3);  // Pages of 3: the walk crosses pages.
  OJSYNC_ASSERT_OK(verified);
  EXPECT_TRUE(verified->ok()) << verified->first_break->detail;
  EXPECT_EQ(verified->entries, 7);
}

TEST_P(StoreConformanceTest, ALostCommitAppendsNothingToTheChain) {
  OJSYNC_ASSERT_OK(store_->append_audit(entry("agent_create", at(0))));
  SyncCommit stale;
  stale.state = make_state(kKey, Json::object());
  stale.expected_version = 5;  // Does not exist: the commit fails.
  stale.record = make_record(kKey, SyncOutcome::kApplied, at(1), Duration(0));
  stale.audit = {entry("write_ojs", at(1))};
  EXPECT_FALSE(store_->commit_sync(stale).ok());
  OJSYNC_ASSERT_OK(store_->append_audit(entry("agent_update", at(2))));
  auto verified = verify_audit_chain(*store_);
  OJSYNC_ASSERT_OK(verified);
  EXPECT_TRUE(verified->ok());
  EXPECT_EQ(verified->entries, 2);
  EXPECT_EQ(verified->head.last_id, 2);
}

TEST_P(StoreConformanceTest, ClosingAConflictAuditsWhoResolvedIt) {
  SyncCommit opened;
  opened.record = make_record(kKey, SyncOutcome::kConflict, at(1), Duration(0));
  opened.open_conflict = make_conflict(kKey, at(1));
  auto conflict = store_->commit_sync(opened);
  OJSYNC_ASSERT_OK(conflict);

  SyncCommit closing;
  closing.state = make_state(kKey, Json(Json::Object{{"title", Json("settled")}}));
  closing.record = make_record(kKey, SyncOutcome::kApplied, at(2), std::chrono::seconds(1));
  closing.record.base_hash_before = "";
  closing.close_conflict = ConflictClosure{conflict->conflict_id, "token:alice", "manual", Json()};
  OJSYNC_ASSERT_OK(store_->commit_sync(closing));

  auto audit = store_->list_audit(kKey, 10);
  OJSYNC_ASSERT_OK(audit);
  ASSERT_EQ(audit->size(), 1u);
  const AuditEntry& resolved = audit->front();
  EXPECT_EQ(resolved.action, "conflict_resolved");
  EXPECT_EQ(resolved.actor, "token:alice");
  EXPECT_EQ(resolved.reason, "manual");
  EXPECT_EQ(resolved.at, at(3));  // The end of the sync that closed it.
  EXPECT_EQ(resolved.after_hash, closing.state->base_hash);
  EXPECT_EQ(resolved.details.get_int("conflict_id"), conflict->conflict_id);
}

TEST_P(StoreConformanceTest, RetentionRedactsOldPayloadsAndTheChainStillVerifies) {
  OJSYNC_ASSERT_OK(store_->append_audit(entry("agent_create", at(0))));
  OJSYNC_ASSERT_OK(store_->append_audit(entry("agent_update", at(100))));
  auto before = store_->read_audit_chain(0, 10);
  OJSYNC_ASSERT_OK(before);

  auto cleaned = store_->cleanup(at(50));
  OJSYNC_ASSERT_OK(cleaned);
  EXPECT_EQ(cleaned->audit_payloads, 1);
  auto again = store_->cleanup(at(50));
  OJSYNC_ASSERT_OK(again);
  EXPECT_EQ(again->audit_payloads, 0);  // Already redacted.

  auto after = store_->read_audit_chain(0, 10);
  OJSYNC_ASSERT_OK(after);
  ASSERT_EQ(after->size(), 2u);
  const ChainedAuditEntry& old = (*after)[0];
  EXPECT_TRUE(old.redacted);
  EXPECT_TRUE(old.entry.details.is_null());
  EXPECT_EQ(old.entry.actor, "agent:reviewer_bot");  // Who, what and when stay.
  EXPECT_EQ(old.payload_hash, (*before)[0].payload_hash);
  EXPECT_EQ(old.entry_hash, (*before)[0].entry_hash);
  EXPECT_FALSE((*after)[1].redacted);
  EXPECT_EQ((*after)[1].entry.details.get_string("email"), "someone@example.org");

  auto verified = verify_audit_chain(*store_);
  OJSYNC_ASSERT_OK(verified);
  EXPECT_TRUE(verified->ok());
  EXPECT_EQ(verified->redacted, 1);
}

}  // namespace
}  // namespace ojsync::testing
