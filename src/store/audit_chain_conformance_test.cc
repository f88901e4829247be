// The Store contract for the hash-chained audit log. Part of the shared conformance suite
// (store_conformance.h): only the Store interface is used, so every backend chains the same way.
#include <string>
#include <vector>

#include "ojsync/audit_chain.h"
#include "store/store_conformance.h"

namespace ojsync::testing {
namespace {

const EntityKey kKey{"manuscript", "42"};

TEST_P(StoreConformanceTest, AuditEntriesAreChainedFromOneWithoutGaps) {
  auto empty = verify_audit_chain(*store_);
  OJSYNC_ASSERT_OK(empty);
  EXPECT_TRUE(empty->ok());
  EXPECT_EQ(empty->entries, 0);
  EXPECT_EQ(empty->head.last_id, 0);

  for (int i = 0; i < 5; ++i)
    OJSYNC_ASSERT_OK(store_->append_audit(make_audit(kKey, "agent_update", at(i))));
  SyncCommit commit;
  commit.record = make_record(kKey, SyncOutcome::kApplied, at(10), Duration(0));
  commit.audit = {make_audit(kKey, "write_ojs", at(10)), make_audit(kKey, "write_agents", at(10))};
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
  OJSYNC_ASSERT_OK(store_->append_audit(make_audit(kKey, "agent_create", at(0))));
  SyncCommit stale;
  stale.state = make_state(kKey, Json::object());
  stale.expected_version = 5;  // Does not exist: the commit fails.
  stale.record = make_record(kKey, SyncOutcome::kApplied, at(1), Duration(0));
  stale.audit = {make_audit(kKey, "write_ojs", at(1))};
  EXPECT_FALSE(store_->commit_sync(stale).ok());
  OJSYNC_ASSERT_OK(store_->append_audit(make_audit(kKey, "agent_update", at(2))));
  auto verified = verify_audit_chain(*store_);
  OJSYNC_ASSERT_OK(verified);
  EXPECT_TRUE(verified->ok());
  EXPECT_EQ(verified->entries, 2);
  EXPECT_EQ(verified->head.last_id, 2);
}

// A group commit chains its entries one after the other, the entries of a commit that fails
// in the group are not in the chain, and the chain goes on from the group's last entry.
TEST_P(StoreConformanceTest, AGroupCommitChainsItsEntriesAndLeavesAFailedOnesOut) {
  OJSYNC_ASSERT_OK(store_->append_audit(make_audit(kKey, "agent_create", at(0))));
  std::vector<SyncCommit> group;
  for (int i = 0; i < 4; ++i) {
    const EntityKey key{"manuscript", "g" + std::to_string(i)};
    SyncCommit commit;
    commit.state = make_state(key, Json::object());
    commit.expected_version = i == 2 ? 5 : 0;  // The third names a version that is not there.
    commit.record = make_record(key, SyncOutcome::kApplied, at(1), Duration(0));
    commit.audit = {make_audit(key, "write_ojs", at(1)), make_audit(key, "write_agents", at(1))};
    group.push_back(std::move(commit));
  }
  auto results = store_->commit_syncs(group);
  OJSYNC_ASSERT_OK(results);
  EXPECT_FALSE((*results)[2].ok());
  OJSYNC_ASSERT_OK(store_->append_audit(make_audit(kKey, "agent_update", at(2))));

  auto verified = verify_audit_chain(*store_, 4);
  OJSYNC_ASSERT_OK(verified);
  EXPECT_TRUE(verified->ok()) << verified->first_break->detail;
  EXPECT_EQ(verified->entries, 8);  // 1 + 3 commits x 2 + 1.
  EXPECT_EQ(verified->head.last_id, 8);
  auto chain = store_->read_audit_chain(0, 100);
  OJSYNC_ASSERT_OK(chain);
  for (const ChainedAuditEntry& c : *chain) EXPECT_NE(c.entry.key.id, "g2");
}

TEST_P(StoreConformanceTest, RetentionRedactsOldPayloadsAndTheChainStillVerifies) {
  OJSYNC_ASSERT_OK(store_->append_audit(make_audit(kKey, "agent_create", at(0))));
  OJSYNC_ASSERT_OK(store_->append_audit(make_audit(kKey, "agent_update", at(100))));
  auto before = store_->read_audit_chain(0, 10);
  OJSYNC_ASSERT_OK(before);

  auto cleaned = store_->cleanup(RetentionCutoffs::uniform(at(50)));
  OJSYNC_ASSERT_OK(cleaned);
  EXPECT_EQ(cleaned->audit_payloads, 1);
  auto again = store_->cleanup(RetentionCutoffs::uniform(at(50)));
  OJSYNC_ASSERT_OK(again);
  EXPECT_EQ(again->audit_payloads, 0);  // Already redacted.

  auto after = store_->read_audit_chain(0, 10);
  OJSYNC_ASSERT_OK(after);
  ASSERT_EQ(after->size(), 2u);
  const ChainedAuditEntry& old = (*after)[0];
  EXPECT_TRUE(old.redacted);
  EXPECT_TRUE(old.entry.details.is_null());
  EXPECT_EQ(old.entry.reason, "merged");  // Who, what, when and why stay.
  EXPECT_EQ(old.payload_hash, (*before)[0].payload_hash);
  EXPECT_EQ(old.entry_hash, (*before)[0].entry_hash);
  EXPECT_FALSE((*after)[1].redacted);
  EXPECT_EQ((*after)[1].entry.details.get_string("lost"), "agents");

  auto verified = verify_audit_chain(*store_);
  OJSYNC_ASSERT_OK(verified);
  EXPECT_TRUE(verified->ok());
  EXPECT_EQ(verified->redacted, 1);

  // An entry stamped before the one ahead of it is redacted once a cleanup gets past that one.
  OJSYNC_ASSERT_OK(store_->append_audit(make_audit(kKey, "agent_update", at(60))));
  auto later = store_->cleanup(RetentionCutoffs::uniform(at(80)));
  OJSYNC_ASSERT_OK(later);
  EXPECT_EQ(later->audit_payloads, 0);  // Entry 2 (at 100) still holds entry 3 (at 60) back.
  auto past = store_->cleanup(RetentionCutoffs::uniform(at(150)));
  OJSYNC_ASSERT_OK(past);
  EXPECT_EQ(past->audit_payloads, 2);
  EXPECT_EQ(verify_audit_chain(*store_).value().redacted, 3);
}

}  // namespace
}  // namespace ojsync::testing
