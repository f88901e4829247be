#include "service/retention.h"

#include <gtest/gtest.h>

#include "ojsync/audit_chain.h"

namespace ojsync::service {
namespace {

// The clock is the `now` each pass is given: days pass without waiting.
class RetentionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = open_sqlite_store({":memory:"}).value();
    ASSERT_TRUE(store_->migrate().ok());
  }

  static Timestamp day(int n) { return Timestamp(std::chrono::hours(24) * (20'000 + n)); }

  // On day `n`: a record, an audit entry, a conflict opened and resolved, an accepted event, and
  // a job dead-lettered.
  void activity(int n) {
    const EntityKey key{"manuscript", std::to_string(n)};
    SyncCommit open;
    open.record.key = key;
    open.record.outcome = SyncOutcome::kConflict;
    open.record.started_at = day(n);
    open.open_conflict = ConflictRecord{};
    open.open_conflict->key = key;
    open.open_conflict->created_at = open.open_conflict->updated_at = day(n);
    auto opened = store_->commit_sync(open);
    ASSERT_TRUE(opened.ok()) << opened.status().to_string();
    SyncCommit close;
    close.record = open.record;
    close.record.outcome = SyncOutcome::kApplied;
    close.close_conflict =
        ConflictClosure{opened->conflict_id, "engine", "converged", std::nullopt};
    AuditEntry entry;
    entry.at = day(n);
    entry.actor = "engine";
    entry.action = "write_ojs";
    entry.key = key;
    entry.details = Json(Json::Object{{"ojs", Json("ann@x.org")}});
    close.audit.push_back(entry);
    ASSERT_TRUE(store_->commit_sync(close).ok());
    ASSERT_TRUE(store_->accept_event("event-" + std::to_string(n), day(n), {}).ok());
    auto job = store_->enqueue(key, Direction::kBoth, "api", day(n));
    ASSERT_TRUE(job.ok());
    ASSERT_TRUE(store_->claim_jobs("w", 1, day(n), std::chrono::minutes(1)).ok());
    SyncCommit failed;
    failed.record = open.record;
    failed.record.outcome = SyncOutcome::kFailed;
    failed.failed_job = JobFailure{*job, "down", day(n), 1};
    ASSERT_TRUE(store_->commit_sync(failed).ok());
  }

  std::unique_ptr<Store> store_;
};

TEST_F(RetentionTest, EachTableKeepsItsOwnNumberOfDays) {
  activity(0);
  activity(10);
  RetentionSettings settings;
  settings.records_days = 5;
  settings.resolved_conflicts_days = 25;
  settings.tombstones_days = 5;
  settings.audit_payload_days = 5;
  settings.dead_jobs_days = 0;  // Kept.

  auto pass = apply_retention(*store_, settings, std::chrono::hours(24) * 3, day(12));
  ASSERT_TRUE(pass.ok()) << pass.status().to_string();
  EXPECT_EQ(pass->removed.records, 3);  // Day 0's conflict, applied and failed records.
  EXPECT_EQ(pass->removed.conflicts, 0);
  EXPECT_EQ(pass->removed.audit_payloads, 2);  // Day 0's write and conflict_resolved entries.
  EXPECT_EQ(pass->removed.dead_jobs, 0);
  EXPECT_EQ(pass->event_ids, 1);
  EXPECT_EQ(store_->list_jobs(JobState::kDead, 10)->size(), 2u);

  settings.dead_jobs_days = 30;
  auto later = apply_retention(*store_, settings, std::chrono::hours(24) * 3, day(31));
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->removed.records, 3);
  EXPECT_EQ(later->removed.conflicts, 1);  // Day 0's, resolved more than 25 days before.
  EXPECT_EQ(later->removed.dead_jobs, 1);
  EXPECT_EQ(later->event_ids, 1);
  EXPECT_EQ(store_->list_conflicts(std::nullopt, 10)->size(), 1u);
  auto verified = verify_audit_chain(*store_);
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok());
  EXPECT_EQ(verified->redacted, 4);
}

TEST_F(RetentionTest, ZeroDaysKeepsEverything) {
  activity(0);
  RetentionSettings keep{0, 0, 0, 0, 0};
  auto pass = apply_retention(*store_, keep, std::chrono::hours(1), day(1000));
  ASSERT_TRUE(pass.ok());
  EXPECT_EQ(pass->removed.records + pass->removed.conflicts + pass->removed.tombstones +
                pass->removed.audit_payloads + pass->removed.dead_jobs,
            0);
}

}  // namespace
}  // namespace ojsync::service
