// The Store contract for privacy scans and erasure, and per-table retention. Part of the shared
// conformance suite (store_conformance.h): only the Store interface is used.
#include "ojsync/audit_chain.h"
#include "store/store_conformance.h"

namespace ojsync::testing {
namespace {

Json parse(std::string_view text) { return Json::parse(text).value(); }

}  // namespace

TEST_P(StoreConformanceTest, EveryStateIsListedInKeyOrderPageByPage) {
  for (const EntityKey& key : {EntityKey{"reviewer", "2"}, EntityKey{"manuscript", "9"},
                               EntityKey{"manuscript", "10"}, EntityKey{"decision", "1:1"}}) {
    SyncCommit commit;
    commit.state = make_state(key, Json::object());
    commit.record = make_record(key, SyncOutcome::kApplied, at(1), Duration(0));
    OJSYNC_ASSERT_OK(store_->commit_sync(commit));
  }
  std::vector<std::string> seen;
  EntityKey after;
  while (true) {
    auto page = store_->list_all_states(after, 3);
    OJSYNC_ASSERT_OK(page);
    if (page->empty()) break;
    for (const SyncState& s : *page) seen.push_back(s.key.to_string());
    after = page->back().key;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"decision/1:1", "manuscript/10", "manuscript/9",
                                            "reviewer/2"}));
}

TEST_P(StoreConformanceTest, RecordsAndConflictsAreListedByIdAfterACursor) {
  std::vector<std::int64_t> records;
  for (int i = 0; i < 3; ++i) {
    auto r = commit_record({"manuscript", std::to_string(i)}, SyncOutcome::kFailed, at(10 - i));
    OJSYNC_ASSERT_OK(r);
    records.push_back(r->record_id);
  }
  auto after_first = store_->list_records_after(records[0], 10);
  OJSYNC_ASSERT_OK(after_first);
  ASSERT_EQ(after_first->size(), 2u);
  EXPECT_EQ((*after_first)[0].id, records[1]);
  EXPECT_EQ((*after_first)[1].id, records[2]);

  std::vector<std::int64_t> conflicts;
  for (const char* id : {"1", "2"}) {
    SyncCommit commit;
    commit.record = make_record({"manuscript", id}, SyncOutcome::kConflict, at(20), Duration(0));
    commit.open_conflict = make_conflict({"manuscript", id}, at(20));
    auto c = store_->commit_sync(commit);
    OJSYNC_ASSERT_OK(c);
    conflicts.push_back(c->conflict_id);
  }
  SyncCommit close;
  close.record = make_record({"manuscript", "1"}, SyncOutcome::kApplied, at(30), Duration(0));
  close.close_conflict = ConflictClosure{conflicts[0], "editor:ann", "manual", Json::object()};
  OJSYNC_ASSERT_OK(store_->commit_sync(close));
  auto all = store_->list_conflicts_after(0, 10);
  OJSYNC_ASSERT_OK(all);
  ASSERT_EQ(all->size(), 2u);  // Open and resolved alike.
  EXPECT_EQ((*all)[0].id, conflicts[0]);
  EXPECT_EQ((*all)[0].status, ConflictStatus::kResolved);
  auto later = store_->list_conflicts_after(conflicts[0], 10);
  OJSYNC_ASSERT_OK(later);
  ASSERT_EQ(later->size(), 1u);
  EXPECT_EQ((*later)[0].id, conflicts[1]);
}

TEST_P(StoreConformanceTest, AnErasureReplacesEverythingInOneTransactionAndTheChainVerifies) {
  const EntityKey key{"reviewer", "7"};
  SyncCommit commit;
  commit.state = make_state(key, parse(R"({"email":"ann@x.org"})"));
  commit.record = make_record(key, SyncOutcome::kConflict, at(1), Duration(0));
  commit.record.error = "ojs said: ann@x.org is taken";
  commit.open_conflict = make_conflict(key, at(1));
  commit.open_conflict->ojs = parse(R"({"email":"ann@x.org"})");
  commit.audit.push_back(make_audit(key, "write_agents", at(1)));
  commit.audit.back().details = parse(R"({"ojs":"ann@x.org"})");
  auto committed = store_->commit_sync(commit);
  OJSYNC_ASSERT_OK(committed);
  auto audit_id = store_->append_audit(make_audit(key, "write_ojs", at(2)));
  OJSYNC_ASSERT_OK(audit_id);
  auto job = enqueue_and_claim(key, at(3));
  OJSYNC_ASSERT_OK(job);
  SyncCommit failed;
  failed.record = make_record(key, SyncOutcome::kFailed, at(3), Duration(0));
  failed.failed_job = JobFailure{*job, "ann@x.org refused", at(4), 1};
  OJSYNC_ASSERT_OK(store_->commit_sync(failed));

  auto state = store_->get_state(key);
  auto conflict = store_->get_conflict(committed->conflict_id);
  OJSYNC_ASSERT_OK(state);
  OJSYNC_ASSERT_OK(conflict);
  PersonalDataErasure erasure;
  SyncState erased = **state;
  erased.base = parse(R"({"email":"erased@invalid"})");
  erased.base_hash = "hash-erased";
  erasure.states.push_back(erased);
  ConflictRecord c = **conflict;
  c.ojs = parse(R"({"email":"erased@invalid"})");
  c.fields = {FieldConflict{"email", std::nullopt, Json("erased@invalid"), Json("x")}};
  erasure.conflicts.push_back(c);
  auto chain = store_->read_audit_chain(0, 10);
  OJSYNC_ASSERT_OK(chain);
  erasure.redacted_audit_ids.push_back(chain->front().entry.id);
  erasure.record_errors.emplace_back(committed->record_id, "ojs said: erased@invalid is taken");
  erasure.job_errors.emplace_back(*job, "erased@invalid refused");
  erasure.audit.push_back(make_audit({"person", "h1"}, "privacy_erased", at(5)));
  OJSYNC_ASSERT_OK(store_->erase_personal_data(erasure));

  auto after = store_->get_state(key);
  OJSYNC_ASSERT_OK(after);
  EXPECT_EQ(*(*after)->base, *erased.base);
  EXPECT_EQ((*after)->base_hash, "hash-erased");
  EXPECT_EQ((*after)->version, erased.version + 1);
  auto conflict_after = store_->get_conflict(committed->conflict_id);
  OJSYNC_ASSERT_OK(conflict_after);
  EXPECT_EQ(*(*conflict_after)->ojs, *c.ojs);
  ASSERT_EQ((*conflict_after)->fields.size(), 1u);
  EXPECT_FALSE((*conflict_after)->fields[0].base.has_value());
  EXPECT_EQ((*conflict_after)->status, ConflictStatus::kOpen);  // Other columns kept.
  EXPECT_EQ((*conflict_after)->strategy, "manual");
  auto records = store_->list_records_after(0, 10);
  OJSYNC_ASSERT_OK(records);
  EXPECT_EQ(records->front().error, "ojs said: erased@invalid is taken");
  auto jobs = store_->list_jobs(std::nullopt, 10);
  OJSYNC_ASSERT_OK(jobs);
  EXPECT_EQ(jobs->front().last_error, "erased@invalid refused");
  auto chain_after = store_->read_audit_chain(0, 10);
  OJSYNC_ASSERT_OK(chain_after);
  ASSERT_EQ(chain_after->size(), 3u);
  EXPECT_TRUE((*chain_after)[0].redacted);
  EXPECT_TRUE((*chain_after)[0].entry.details.is_null());
  EXPECT_FALSE((*chain_after)[1].redacted);
  EXPECT_EQ((*chain_after)[2].entry.action, "privacy_erased");
  auto verified = verify_audit_chain(*store_);
  OJSYNC_ASSERT_OK(verified);
  EXPECT_TRUE(verified->ok());
  EXPECT_EQ(verified->redacted, 1);
  OJSYNC_ASSERT_OK(store_->purge_freed_space());
  auto still = store_->get_state(key);
  OJSYNC_ASSERT_OK(still);
  EXPECT_EQ(*(*still)->base, *erased.base);
}

TEST_P(StoreConformanceTest, AFailedErasureChangesNothing) {
  const EntityKey key{"reviewer", "7"};
  SyncCommit commit;
  commit.state = make_state(key, parse(R"({"email":"ann@x.org"})"));
  commit.record = make_record(key, SyncOutcome::kApplied, at(1), Duration(0));
  commit.audit.push_back(make_audit(key, "write_agents", at(1)));
  OJSYNC_ASSERT_OK(store_->commit_sync(commit));
  auto state = store_->get_state(key);
  OJSYNC_ASSERT_OK(state);
  const AuditHead head = store_->audit_head().value();

  PersonalDataErasure erasure;
  SyncState erased = **state;
  erased.base = parse(R"({"email":"erased@invalid"})");
  erasure.states.push_back(erased);
  erasure.redacted_audit_ids.push_back(head.last_id);
  ConflictRecord gone = make_conflict(key, at(1));
  gone.id = 999;  // No such conflict: the whole erasure is refused.
  erasure.conflicts.push_back(gone);
  erasure.audit.push_back(make_audit({"person", "h1"}, "privacy_erased", at(5)));
  EXPECT_EQ(store_->erase_personal_data(erasure).code(), StatusCode::kNotFound);

  auto after = store_->get_state(key);
  OJSYNC_ASSERT_OK(after);
  EXPECT_EQ(*(*after)->base, *(*state)->base);
  EXPECT_EQ((*after)->version, (*state)->version);
  auto chain = store_->read_audit_chain(0, 10);
  OJSYNC_ASSERT_OK(chain);
  ASSERT_EQ(chain->size(), 1u);
  EXPECT_FALSE(chain->front().redacted);

  // A state that moved on since it was read is refused too (another sync won the race).
  erasure.conflicts.clear();
  erasure.states[0].version = (*state)->version + 5;
  EXPECT_EQ(store_->erase_personal_data(erasure).code(), StatusCode::kAborted);
  EXPECT_EQ(store_->audit_head().value().last_id, head.last_id);
}

TEST_P(StoreConformanceTest, CleanupAppliesEachTablesOwnCutoff) {
  const EntityKey key{"manuscript", "1"};
  OJSYNC_ASSERT_OK(commit_record(key, SyncOutcome::kApplied, at(10)));
  OJSYNC_ASSERT_OK(store_->append_audit(make_audit(key, "write_ojs", at(10))));
  auto job = enqueue_and_claim({"manuscript", "2"}, at(10));
  OJSYNC_ASSERT_OK(job);
  SyncCommit dead;
  dead.record = make_record({"manuscript", "2"}, SyncOutcome::kFailed, at(10), Duration(0));
  dead.failed_job = JobFailure{*job, "gone", at(10), 1};
  OJSYNC_ASSERT_OK(store_->commit_sync(dead));
  ASSERT_EQ(find_job(*job)->state, JobState::kDead);

  RetentionCutoffs keep_records;
  keep_records.audit_payloads = at(100);
  auto first = store_->cleanup(keep_records);
  OJSYNC_ASSERT_OK(first);
  EXPECT_EQ(first->records, 0);
  EXPECT_EQ(first->audit_payloads, 1);
  EXPECT_EQ(first->dead_jobs, 0);
  EXPECT_TRUE(find_job(*job).has_value());

  RetentionCutoffs jobs_too;
  jobs_too.records = at(5);  // Older than every record: none goes.
  jobs_too.dead_jobs = at(100);
  auto second = store_->cleanup(jobs_too);
  OJSYNC_ASSERT_OK(second);
  EXPECT_EQ(second->records, 0);
  EXPECT_EQ(second->dead_jobs, 1);
  EXPECT_FALSE(find_job(*job).has_value());
  auto records = store_->list_records_after(0, 10);
  OJSYNC_ASSERT_OK(records);
  EXPECT_EQ(records->size(), 2u);
}

}  // namespace ojsync::testing
