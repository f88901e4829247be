// Export and erasure of one person across everything ojsync holds, on real files: the store and
// the agents' embedded store, with OJS in memory and the real engine syncing between them.
#include "service/privacy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ojsync/audit_chain.h"
#include "ojsync/canonical.h"
#include "ojsync/random.h"
#include "ojsync/sync_manager.h"
#include "store/testing/temp_dir.h"
#include "support/memory_connector.h"

namespace ojsync::service {
namespace {

Json doc(std::string_view text) { return Json::parse(text).value(); }

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Ann (the person erased) and Bob (who must stay untouched), as OJS holds them.
Json manuscript_1(std::string_view ann_given) {
  return doc(R"({"title":{"en":"Ozone"},"authors":[
    {"id":11,"seq":1,"email":"Ann.Zebrowska@X.org","givenName":{"en":")" +
             std::string(ann_given) +
             R"("},"familyName":{"en":"Zebrowska"},"orcid":"https://orcid.org/0000-0002-1825-0097"},
    {"id":12,"seq":2,"email":"bob@y.org","givenName":{"en":"Bob"},"familyName":{"en":"Bobson"}}]})");
}
Json manuscript_2(std::string_view title) {
  return doc(R"({"title":{"en":")" + std::string(title) + R"("},"authors":[
    {"id":21,"seq":1,"email":"ann.zebrowska@x.org","givenName":{"en":"Annelise"},"familyName":{"en":"Zebrowska"}}]})");
}
const char* const kAnnReviewer =
    R"({"userName":"azebrowska","email":"ann.zebrowska@x.org","givenName":{"en":"Annelise"},
        "familyName":{"en":"Zebrowska"},"biography":{"en":"Annelise studies ice."},"interests":["ice"],
        "orcid":"0000-0002-1825-0097","disabled":false})";
const char* const kBobReviewer =
    R"({"userName":"bbobson","email":"bob@y.org","givenName":{"en":"Bob"},"familyName":{"en":"Bobson"}})";
const char* const kDecision = R"({"submissionId":1,"decisionName":"accept","editorId":7})";

// What must be gone from every byte of both databases, and what must stay.
const std::vector<std::string> kAnn = {"ann.zebrowska@x.org", "annelise", "zebrowska",
                                       "0000-0002-1825-0097", "azebrowska"};
const std::vector<std::string> kBob = {"bob@y.org", "bobson", "bbobson"};

class PrivacyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = open_sqlite_store({dir_.file("ojsync.db")}).value();
    ASSERT_TRUE(store_->migrate().ok());
    agents_ = EmbeddedDocumentStore::open({dir_.file("agents.db"), "agents", &clock_}).value();
    SyncEnv env;
    env.store = store_.get();
    env.ojs = &ojs_;
    env.agents = agents_.get();
    env.clock = &clock_;
    env.random = &random_;
    env.sleep = [](Duration) {};
    SyncOptions options;
    options.workers = 1;
    options.conflict_resolution = "merge";
    options.merge_fallback = "latest_wins";
    options.field_policies = {{"title", "manual"}};
    manager_ = SyncManager::create(options, env).value();
  }

  void sync(const std::string& type, const std::string& id) {
    auto report = manager_->sync(type, id);
    ASSERT_TRUE(report.ok()) << type << "/" << id << ": " << report.status().to_string();
  }
  void tick() { clock_.advance(std::chrono::minutes(1)); }

  // Ann in every table: base documents, agents' documents, an open conflict, an audit payload
  // holding only her name (a field decided by latest_wins), a failed record's error, a job's error.
  void seed() {
    ojs_.put("manuscript", "1", manuscript_1("Annelise"));
    ojs_.put("manuscript", "2", manuscript_2("Ice"));
    ojs_.put("reviewer", "7", doc(kAnnReviewer));
    ojs_.put("reviewer", "8", doc(kBobReviewer));
    ojs_.put("decision", "1:5", doc(kDecision));
    for (auto [type, id] :
         {std::pair{"manuscript", "1"}, std::pair{"manuscript", "2"}, std::pair{"reviewer", "7"},
          std::pair{"reviewer", "8"}, std::pair{"decision", "1:5"}})
      sync(type, id);

    tick();
    ojs_.put("manuscript", "1", manuscript_1("Annelise-O"));
    tick();
    ASSERT_TRUE(agents_->put("manuscript", "1", manuscript_1("Annelise-A"), "").ok());
    sync("manuscript", "1");  // Both changed her given name: the later (agents') wins, audited.

    ojs_.put("manuscript", "2", manuscript_2("Ice (OJS)"));
    ASSERT_TRUE(agents_->put("manuscript", "2", manuscript_2("Ice (agents)"), "").ok());
    auto conflict = manager_->sync("manuscript", "2");
    ASSERT_TRUE(conflict.ok());
    ASSERT_EQ(conflict->outcome, SyncOutcome::kConflict);

    ojs_.poison(
        "9", Status(StatusCode::kPermissionDenied, "OJS refused the author ANN.Zebrowska@x.org"));
    EXPECT_FALSE(manager_->sync("manuscript", "9").ok());

    auto job = store_->enqueue({"reviewer", "7"}, Direction::kBoth, "api", clock_.now());
    ASSERT_TRUE(job.ok());
    ASSERT_TRUE(store_->claim_jobs("w", 1, clock_.now(), std::chrono::minutes(1)).ok());
    SyncCommit failed;
    failed.record.key = {"reviewer", "7"};
    failed.record.outcome = SyncOutcome::kFailed;
    failed.record.started_at = clock_.now();
    failed.failed_job = JobFailure{*job, "mail to ann.zebrowska@x.org bounced", clock_.now(), 5};
    ASSERT_TRUE(store_->commit_sync(failed).ok());
  }

  PrivacySources sources() { return {store_.get(), agents_.get(), &types_}; }
  static PersonMatcher ann() {
    return PersonMatcher::create({"Ann.Zebrowska@x.org", "7", ""}).value();
  }
  // After an erasure her reviewer record is still OJS user 7's, pseudonymised: found by the user
  // id, by design. What must be gone is everything that names her.
  static PersonMatcher ann_by_email() {
    return PersonMatcher::create({"ann.zebrowska@X.org", "", ""}).value();
  }
  static PersonMatcher bob() { return PersonMatcher::create({"BOB@y.org", "", ""}).value(); }

  // Every file of both databases (main file and write-ahead log), lower-cased.
  std::string raw_bytes() const {
    std::string all;
    for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
      const std::string name = entry.path().filename().string();
      if (name.find(".db") == std::string::npos || name.ends_with(".lock")) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream bytes;
      bytes << in.rdbuf();
      all += bytes.str();
    }
    return lower(all);
  }

  // Every document OJS holds, as text.
  std::string ojs_text() {
    std::string all;
    for (auto [type, id] :
         {std::pair{"manuscript", "1"}, std::pair{"manuscript", "2"}, std::pair{"reviewer", "7"},
          std::pair{"reviewer", "8"}, std::pair{"decision", "1:5"}})
      all += ojs_.get(type, id)->dump();
    return all;
  }

  ErasureCounts erase_ann() {
    auto counts = erase_person(sources(), ann(), {"t1", "cli:dpo", clock_.now()});
    EXPECT_TRUE(counts.ok()) << counts.status().to_string();
    return counts.ok() ? *counts : ErasureCounts{};
  }

  testing::TempDir dir_{"ojsync-privacy"};
  ManualClock clock_{Timestamp(std::chrono::seconds(1'767'225'600))};
  SeededRandom random_{1};
  testing::MemoryConnector ojs_{"ojs", clock_};
  EntityTypeRegistry types_ = EntityTypeRegistry::with_defaults();
  std::unique_ptr<Store> store_;
  std::unique_ptr<EmbeddedDocumentStore> agents_;
  std::unique_ptr<SyncManager> manager_;
};

TEST_F(PrivacyTest, ExportFindsThePersonInEveryTableAndNobodyElse) {
  seed();
  auto exported = export_person(sources(), ann());
  ASSERT_TRUE(exported.ok()) << exported.status().to_string();
  const Json& counts = *exported->find("counts");
  EXPECT_EQ(counts.get_int("sync_state"),
            4);  // Both manuscripts, her reviewer record, the decision.
  EXPECT_EQ(counts.get_int("agents.documents"), 4);
  EXPECT_EQ(counts.get_int("sync_conflicts"), 1);
  EXPECT_GE(counts.get_int("audit_log"), 1);
  EXPECT_EQ(counts.get_int("sync_records"), 1);
  EXPECT_EQ(counts.get_int("sync_jobs"), 1);

  const std::string text = lower(exported->dump());
  for (const char* ann_value : {"annelise-o", "annelise-a", "studies ice", "0000-0002-1825-0097"})
    EXPECT_NE(text.find(ann_value), std::string::npos) << ann_value;
  for (const std::string& bob_value : kBob)
    EXPECT_EQ(text.find(bob_value), std::string::npos) << bob_value;
  EXPECT_EQ(text.find("ozone"), std::string::npos);  // Context is the entity key and path only.

  bool decided_name = false, editor = false;
  for (const Json& f : exported->find("findings")->as_array()) {
    decided_name = decided_name || (f.get_string("table") == "audit_log" &&
                                    f.get_string("entity") == "manuscript/1");
    editor = editor || (f.get_string("entity") == "decision/1:5" &&
                        f.get_string("path") == "editorId" && f.get_string("match") == "user_id");
  }
  EXPECT_TRUE(decided_name);
  EXPECT_TRUE(editor);
}

// The documented procedure: OJS erased the person first (its own anonymisation), then ojsync's
// erase; the next syncs converge on OJS's version and nothing of her comes back.
TEST_F(PrivacyTest, EraseLeavesNoByteOfThePersonAndKeepsOthersAndTheChain) {
  seed();
  auto bob_before = export_person(sources(), bob());
  ASSERT_TRUE(bob_before.ok());
  const std::string before = raw_bytes();
  for (const std::string& v : kAnn)
    ASSERT_NE(before.find(v), std::string::npos) << v;  // The check can fail.

  ojs_.put("manuscript", "1", doc(R"({"title":{"en":"Ozone"},"authors":[
    {"id":11,"seq":1,"email":"deleted-11@journal.invalid","givenName":{"en":"Deleted"}},
    {"id":12,"seq":2,"email":"bob@y.org","givenName":{"en":"Bob"},"familyName":{"en":"Bobson"}}]})"));
  ojs_.put("reviewer", "7",
           doc(R"({"userName":"deleted7","email":"deleted-7@journal.invalid","disabled":true})"));
  ojs_.put("manuscript", "2", doc(R"j({"title":{"en":"Ice (OJS)"},"authors":[
    {"id":21,"seq":1,"email":"deleted-21@journal.invalid","givenName":{"en":"Deleted"}}]})j"));
  ojs_.put("decision", "1:5", doc(R"({"submissionId":1,"decisionName":"accept","editorId":1})"));

  const ErasureCounts counts = erase_ann();
  EXPECT_EQ(counts.states, 4);
  EXPECT_EQ(counts.agents_documents, 4);
  EXPECT_EQ(counts.conflicts, 1);
  EXPECT_EQ(counts.record_errors, 1);
  EXPECT_EQ(counts.job_errors, 1);

  const std::string after = raw_bytes();
  for (const std::string& v : kAnn) EXPECT_EQ(after.find(v), std::string::npos) << v;
  for (const std::string& v : kBob) EXPECT_NE(after.find(v), std::string::npos) << v;
  EXPECT_NE(after.find("erased-t1@invalid"), std::string::npos);
  EXPECT_EQ(std::filesystem::file_size(dir_.file("ojsync.db-wal")), 0u);

  auto verified = verify_audit_chain(*store_);
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok()) << verified->first_break->detail;
  EXPECT_GE(verified->redacted, 1);
  auto chain = store_->read_audit_chain(verified->head.last_id - 1, 1);
  ASSERT_TRUE(chain.ok());
  EXPECT_EQ(chain->front().entry.action, "privacy_erased");
  EXPECT_EQ(chain->front().entry.actor, "cli:dpo");
  EXPECT_EQ(chain->front().entry.key.type, "person");

  EXPECT_EQ(erase_ann().total(), 0);  // Done once: a second run finds nothing to change.

  auto bob_after = export_person(sources(), bob());
  ASSERT_TRUE(bob_after.ok());
  EXPECT_EQ(bob_after->find("findings")->dump(), bob_before->find("findings")->dump());
  auto gone = export_person(sources(), ann_by_email());
  ASSERT_TRUE(gone.ok());
  EXPECT_TRUE(gone->find("findings")->as_array().empty()) << gone->dump();

  // The agents' side stays "as last synced": its stored hash follows the erased copy.
  const SyncState reviewer = *store_->get_state({"reviewer", "7"}).value();
  const Json agents_copy = agents_->get("reviewer", "7").value()->snapshot.document;
  EXPECT_EQ(reviewer.agents_hash,
            content_hash(agents_copy, types_.find("reviewer")->canonical_options()));
  EXPECT_EQ(*reviewer.base, agents_copy);

  tick();
  for (auto [type, id] : {std::pair{"manuscript", "1"}, std::pair{"reviewer", "7"},
                          std::pair{"decision", "1:5"}, std::pair{"reviewer", "8"}})
    sync(type, id);
  EXPECT_EQ(manager_->sync("manuscript", "2")->outcome,
            SyncOutcome::kConflict);  // Titles still differ.
  EXPECT_EQ(agents_->get("reviewer", "7").value()->snapshot.document.get_string("email"),
            "deleted-7@journal.invalid");
  auto after_sync = export_person(sources(), ann_by_email());
  ASSERT_TRUE(after_sync.ok());
  EXPECT_TRUE(after_sync->find("findings")->as_array().empty()) << after_sync->dump();
  for (const std::string& v : kAnn) EXPECT_EQ(raw_bytes().find(v), std::string::npos) << v;
  EXPECT_EQ(ojs_text().find("erased-"), std::string::npos);  // No pseudonym ever reaches OJS.
  EXPECT_TRUE(verify_audit_chain(*store_).value().ok());
}

// The documented limit: while OJS still holds the person, the next sync of an entity naming
// them copies OJS's data to the agents' side again. It never writes a pseudonym to OJS.
TEST_F(PrivacyTest, AnEntityOjsStillHoldsComesBackFromOjsAndOjsIsNeverWritten) {
  seed();
  const std::string ojs_before = ojs_text();
  erase_ann();
  tick();
  sync("reviewer", "7");
  sync("manuscript", "1");
  EXPECT_EQ(ojs_text(), ojs_before);
  EXPECT_EQ(agents_->get("reviewer", "7").value()->snapshot.document, doc(kAnnReviewer));
  auto again = export_person(sources(), ann());
  ASSERT_TRUE(again.ok());
  EXPECT_GE(again->find("counts")->get_int("agents.documents"), 2);
}

TEST_F(PrivacyTest, NothingToEraseWritesNothing) {
  seed();
  const AuditHead head = store_->audit_head().value();
  auto counts = erase_person(sources(), PersonMatcher::create({"nobody@z.org", "", ""}).value(),
                             {"t2", "cli:dpo", clock_.now()});
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->total(), 0);
  EXPECT_EQ(store_->audit_head().value().last_id, head.last_id);
  EXPECT_FALSE(erase_person(sources(), ann(), {"Not A Tag", "cli:dpo", clock_.now()}).ok());
}

}  // namespace
}  // namespace ojsync::service
