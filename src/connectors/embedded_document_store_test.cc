#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "ojsync/canonical.h"
#include "ojsync/embedded_store.h"
#include "store/testing/raw_db.h"
#include "store/testing/temp_dir.h"

namespace ojsync {
namespace {

#define ASSERT_OK(expr)                                   \
  do {                                                    \
    const auto& ok_ = (expr);                             \
    ASSERT_TRUE(ok_.ok()) << status_text(ok_);            \
  } while (false)

std::string status_text(const Status& s) { return s.to_string(); }
template <typename T>
std::string status_text(const Result<T>& r) {
  return r.status().to_string();
}

Json doc(std::string_view text) { return Json::parse(text).value(); }

// A write of `document` to `side_id` (a create when "") under `key`, requiring `expected`.
WriteRequest write_of(std::string side_id, const Json& document, std::string key,
                      std::optional<std::string> expected = std::nullopt) {
  WriteRequest w;
  w.side_id = std::move(side_id);
  w.document = &document;
  w.idempotency_key = std::move(key);
  w.expected_version = std::move(expected);
  return w;
}

std::vector<std::string> ids_of(const ChangePage& page) {
  std::vector<std::string> ids;
  for (const auto& change : page.changes) ids.push_back(change.side_id);
  return ids;
}

class EmbeddedDocumentStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { open(":memory:"); }

  void open(const std::string& path) {
    store_.reset();
    auto opened = EmbeddedDocumentStore::open({path, "agents", &clock_});
    ASSERT_OK(opened);
    store_ = std::move(opened).value();
  }

  ManualClock clock_{Timestamp(std::chrono::seconds(1'767'225'600))};
  std::unique_ptr<EmbeddedDocumentStore> store_;
};

TEST_F(EmbeddedDocumentStoreTest, PutThenGetReturnsTheDocumentWithItsContentHashAsEtag) {
  const Json manuscript = doc(R"({"title":{"en":"Ozone — ∂x"},"authors":[{"id":1}]})");
  auto put = store_->put("manuscript", "1", manuscript, "");
  ASSERT_OK(put);
  EXPECT_EQ(put->etag, content_hash(manuscript));
  EXPECT_EQ(put->snapshot.side_id, "1");
  EXPECT_EQ(put->snapshot.modified, clock_.now());

  auto got = store_->get("manuscript", "1");
  ASSERT_OK(got);
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->etag, put->etag);
  EXPECT_EQ((*got)->snapshot.document.dump(), manuscript.dump());
  EXPECT_EQ((*got)->snapshot.modified, clock_.now());
  auto fetched = store_->fetch("manuscript", "1");
  ASSERT_OK(fetched);
  ASSERT_TRUE(fetched->has_value());
  EXPECT_EQ((*fetched)->document.dump(), manuscript.dump());

  auto absent = store_->get("manuscript", "2");
  ASSERT_OK(absent);
  EXPECT_FALSE(absent->has_value());
  auto other_type = store_->fetch("reviewer", "1");
  ASSERT_OK(other_type);
  EXPECT_FALSE(other_type->has_value());
}

TEST_F(EmbeddedDocumentStoreTest, WritingEqualContentChangesNothing) {
  ASSERT_OK(store_->put("manuscript", "1", doc(R"({"a":1,"b":"é"})"), ""));
  const Timestamp created = clock_.now();
  clock_.advance(std::chrono::seconds(10));
  // Same content, other key order and a decomposed "é": the canonical hash is the same.
  auto again = store_->put("manuscript", "1", doc(R"({"b":"e\u0301","a":1.0})"), "");
  ASSERT_OK(again);
  EXPECT_EQ(again->snapshot.modified, created);
  auto written = store_->write("manuscript", "1", doc(R"({"a":1,"b":"é"})"), "k");
  ASSERT_OK(written);
  EXPECT_EQ(written->stored.modified, created);
  auto page = store_->list_changed("manuscript", "", 10);
  ASSERT_OK(page);
  EXPECT_EQ(ids_of(*page), std::vector<std::string>{"1"});
  EXPECT_EQ(page->next_cursor, "1");  // One change, one sequence number.

  clock_.advance(std::chrono::seconds(1));
  auto changed = store_->put("manuscript", "1", doc(R"({"a":2})"), "");
  ASSERT_OK(changed);
  EXPECT_EQ(changed->snapshot.modified, clock_.now());
  auto next = store_->list_changed("manuscript", "1", 10);
  ASSERT_OK(next);
  EXPECT_EQ(next->next_cursor, "2");
}

TEST_F(EmbeddedDocumentStoreTest, StaleEtagIsRejectedAndChangesNothing) {
  auto first = store_->put("manuscript", "1", doc(R"({"v":1})"), "");
  ASSERT_OK(first);
  auto second = store_->put("manuscript", "1", doc(R"({"v":2})"), first->etag);
  ASSERT_OK(second);
  auto stale = store_->put("manuscript", "1", doc(R"({"v":3})"), first->etag);
  EXPECT_EQ(stale.status().code(), StatusCode::kFailedPrecondition);
  auto absent = store_->put("manuscript", "9", doc(R"({"v":3})"), first->etag);
  EXPECT_EQ(absent.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->erase("manuscript", "1", first->etag).code(), StatusCode::kFailedPrecondition);

  auto got = store_->get("manuscript", "1");
  ASSERT_OK(got);
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->snapshot.document.dump(), R"({"v":2})");
  auto missing = store_->get("manuscript", "9");
  ASSERT_OK(missing);
  EXPECT_FALSE(missing->has_value());
}

TEST_F(EmbeddedDocumentStoreTest, FetchBatchReadsEachDocumentInItsOrder) {
  ASSERT_OK(store_->put("manuscript", "1", doc(R"({"v":1})"), ""));
  auto second = store_->put("manuscript", "2", doc(R"({"v":2})"), "");
  ASSERT_OK(second);
  ASSERT_OK(store_->erase("manuscript", "2", second->etag));
  const std::vector<std::string> ids{"1", "3", "2", "1"};
  auto read = store_->fetch_batch("manuscript", ids);
  ASSERT_OK(read);
  ASSERT_EQ(read->size(), ids.size());
  for (std::size_t i : {0u, 3u}) {
    ASSERT_TRUE((*read)[i].has_value()) << i;
    EXPECT_EQ((*read)[i]->document, doc(R"({"v":1})"));
    EXPECT_EQ((*read)[i]->side_id, "1");
  }
  EXPECT_FALSE((*read)[1].has_value());  // Never written.
  EXPECT_FALSE((*read)[2].has_value());  // Deleted.
  auto none = store_->fetch_batch("manuscript", {});
  ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
  const std::vector<std::string> bad{"1", "not an id"};
  EXPECT_EQ(store_->fetch_batch("manuscript", bad).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(EmbeddedDocumentStoreTest, DeletionLeavesATombstoneThatIsListedOnce) {
  auto put = store_->put("manuscript", "1", doc(R"({"v":1})"), "");
  ASSERT_OK(put);
  clock_.advance(std::chrono::seconds(5));
  ASSERT_OK(store_->erase("manuscript", "1", put->etag));
  auto got = store_->get("manuscript", "1");
  ASSERT_OK(got);
  EXPECT_FALSE(got->has_value());
  auto fetched = store_->fetch("manuscript", "1");
  ASSERT_OK(fetched);
  EXPECT_FALSE(fetched->has_value());

  auto page = store_->list_changed("manuscript", "1", 10);
  ASSERT_OK(page);
  ASSERT_EQ(ids_of(*page), std::vector<std::string>{"1"});
  EXPECT_EQ(page->changes.front().modified, clock_.now());
  EXPECT_EQ(page->next_cursor, "2");

  // Deleting what is absent succeeds and is not a change; with an etag it is a failed precondition.
  ASSERT_OK(store_->remove("manuscript", "1"));
  ASSERT_OK(store_->remove("manuscript", "never-existed"));
  EXPECT_EQ(store_->erase("manuscript", "1", put->etag).code(), StatusCode::kFailedPrecondition);
  auto after = store_->list_changed("manuscript", "2", 10);
  ASSERT_OK(after);
  EXPECT_TRUE(after->changes.empty());
  EXPECT_EQ(after->next_cursor, "2");

  // Writing it again revives it as a new change.
  auto revived = store_->put("manuscript", "1", doc(R"({"v":1})"), "");
  ASSERT_OK(revived);
  EXPECT_EQ(revived->etag, put->etag);
  auto revived_page = store_->list_changed("manuscript", "2", 10);
  ASSERT_OK(revived_page);
  EXPECT_EQ(revived_page->next_cursor, "3");
}

TEST_F(EmbeddedDocumentStoreTest, ListChangedPagesInSequenceOrder) {
  for (const char* id : {"e", "d", "c", "b", "a"}) ASSERT_OK(store_->put("manuscript", id, doc(R"({})"), ""));
  ASSERT_OK(store_->put("reviewer", "r", doc(R"({})"), ""));
  ASSERT_OK(store_->put("manuscript", "d", doc(R"({"edited":true})"), ""));  // Moves to the end.

  auto first = store_->list_changed("manuscript", "", 2);
  ASSERT_OK(first);
  EXPECT_EQ(ids_of(*first), (std::vector<std::string>{"e", "c"}));
  EXPECT_TRUE(first->has_more);
  auto second = store_->list_changed("manuscript", first->next_cursor, 2);
  ASSERT_OK(second);
  EXPECT_EQ(ids_of(*second), (std::vector<std::string>{"b", "a"}));
  EXPECT_TRUE(second->has_more);
  auto third = store_->list_changed("manuscript", second->next_cursor, 2);
  ASSERT_OK(third);
  EXPECT_EQ(ids_of(*third), (std::vector<std::string>{"d"}));
  EXPECT_FALSE(third->has_more);
  EXPECT_EQ(third->next_cursor, "7");
  auto exact = store_->list_changed("manuscript", "", 5);
  ASSERT_OK(exact);
  EXPECT_EQ(exact->changes.size(), 5u);
  EXPECT_FALSE(exact->has_more);
  auto reviewers = store_->list_changed("reviewer", "", 10);
  ASSERT_OK(reviewers);
  EXPECT_EQ(ids_of(*reviewers), std::vector<std::string>{"r"});
  EXPECT_EQ(reviewers->next_cursor, "6");

  for (const char* bad : {"x", "-1", "1x", " 1"}) {
    EXPECT_EQ(store_->list_changed("manuscript", bad, 10).status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(store_->list_changed("manuscript", "", 0).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(EmbeddedDocumentStoreTest, WriteCreatesUnderNewIdsOrUpsertsAGivenOne) {
  auto first = store_->write("manuscript", "", doc(R"({"n":1})"), "");
  ASSERT_OK(first);
  EXPECT_EQ(first->stored.side_id, "a1");
  // What was written is held as given: the result names it instead of copying it.
  EXPECT_TRUE(first->stored_as_requested);
  EXPECT_TRUE(first->stored.document.is_null());
  EXPECT_EQ(store_->get("manuscript", "a1").value()->snapshot.document.dump(), R"({"n":1})");
  EXPECT_EQ(first->stored.modified, clock_.now());
  EXPECT_TRUE(first->rejected_fields.empty());
  ASSERT_OK(store_->put("manuscript", "a2", doc(R"({"chosen":"by an agent"})"), ""));
  auto second = store_->write("manuscript", "", doc(R"({"n":2})"), "");
  ASSERT_OK(second);
  EXPECT_EQ(second->stored.side_id, "a3");  // a2 was taken.

  auto upsert = store_->write("manuscript", "ojs-17", doc(R"({"n":17})"), "");
  ASSERT_OK(upsert);
  EXPECT_EQ(upsert->stored.side_id, "ojs-17");
  auto update = store_->write("manuscript", "ojs-17", doc(R"({"n":18})"), "");
  ASSERT_OK(update);
  auto got = store_->get("manuscript", "ojs-17");
  ASSERT_OK(got);
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->snapshot.document.dump(), R"({"n":18})");
}

TEST_F(EmbeddedDocumentStoreTest, RetriedCreateWithTheSameIdempotencyKeyFindsTheFirst) {
  auto first = store_->write("decision", "", doc(R"({"decision":"accept"})"), "sync:decision/9");
  ASSERT_OK(first);
  auto retried = store_->write("decision", "", doc(R"({"decision":"accept"})"), "sync:decision/9");
  ASSERT_OK(retried);
  EXPECT_EQ(retried->stored.side_id, first->stored.side_id);
  auto other = store_->write("decision", "", doc(R"({"decision":"accept"})"), "sync:decision/10");
  ASSERT_OK(other);
  EXPECT_NE(other->stored.side_id, first->stored.side_id);
  auto page = store_->list_changed("decision", "", 10);
  ASSERT_OK(page);
  EXPECT_EQ(page->changes.size(), 2u);
}

TEST_F(EmbeddedDocumentStoreTest, RejectsInvalidTypesAndIds) {
  const Json d = doc("{}");
  for (auto [type, id] : {std::pair{"bad type", "1"}, std::pair{"manuscript", ""},
                          std::pair{"manuscript", "a/b"}, std::pair{"", "1"}}) {
    EXPECT_EQ(store_->put(type, id, d, "").status().code(), StatusCode::kInvalidArgument) << type << id;
    EXPECT_EQ(store_->get(type, id).status().code(), StatusCode::kInvalidArgument) << type << id;
    EXPECT_EQ(store_->erase(type, id, "").code(), StatusCode::kInvalidArgument) << type << id;
    EXPECT_EQ(store_->fetch(type, id).status().code(), StatusCode::kInvalidArgument) << type << id;
  }
  EXPECT_EQ(store_->write("bad type", "", d, "").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->write("manuscript", "a b", d, "").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->list_changed("bad/type", "", 10).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(EmbeddedDocumentStoreTest, NameAndPing) {
  EXPECT_EQ(store_->name(), "agents");
  ASSERT_OK(store_->ping());
}

TEST_F(EmbeddedDocumentStoreTest, DocumentsAndSequencePersistAcrossReopening) {
  testing::TempDir dir("ojsync-embedded");
  open(dir.file("agents.db"));
  ASSERT_OK(store_->put("manuscript", "1", doc(R"({"title":"kept"})"), ""));
  ASSERT_OK(store_->write("manuscript", "", doc(R"({"title":"created"})"), ""));
  open(dir.file("agents.db"));
  auto got = store_->get("manuscript", "1");
  ASSERT_OK(got);
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->snapshot.document.dump(), R"({"title":"kept"})");
  ASSERT_OK(store_->put("manuscript", "2", doc("{}"), ""));
  auto page = store_->list_changed("manuscript", "2", 10);
  ASSERT_OK(page);
  EXPECT_EQ(ids_of(*page), std::vector<std::string>{"2"});
  EXPECT_EQ(page->next_cursor, "3");
  auto created = store_->write("manuscript", "", doc("{}"), "");
  ASSERT_OK(created);
  EXPECT_EQ(created->stored.side_id, "a2");  // The id counter survived too.
}

// A file of schema version 2 (documents in a WITHOUT ROWID table) is moved into the rowid table
// of version 3 whole: documents, deletions, change sequence and the keys of earlier creates.
TEST_F(EmbeddedDocumentStoreTest, AVersion2FileKeepsEverythingInTheRowidTable) {
  testing::TempDir dir("ojsync-embedded");
  const std::string path = dir.file("agents.db");
  {
    testing::RawDb raw(path);
    ASSERT_EQ(raw.exec(R"sql(
      CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
                                      applied_at INTEGER NOT NULL) STRICT;
      INSERT INTO schema_migrations VALUES (1, 'documents with change sequence', 0),
                                           (2, 'settings (key checks)', 0);
      CREATE TABLE documents (
        type TEXT NOT NULL, id TEXT NOT NULL, body TEXT, etag TEXT NOT NULL,
        modified INTEGER NOT NULL, deleted INTEGER NOT NULL CHECK (deleted IN (0, 1)),
        seq INTEGER NOT NULL UNIQUE, create_key TEXT, PRIMARY KEY (type, id),
        CHECK ((deleted = 1) = (body IS NULL))) STRICT, WITHOUT ROWID;
      CREATE INDEX documents_by_seq ON documents (type, seq);
      CREATE UNIQUE INDEX documents_by_create_key ON documents (type, create_key)
        WHERE create_key IS NOT NULL;
      CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT;
      INSERT INTO counters (name, value) VALUES ('seq', 3), ('id', 1);
      CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT, WITHOUT ROWID;
      INSERT INTO documents VALUES
        ('manuscript', '1', '{"title":"kept"}', 'e1', 10, 0, 1, NULL),
        ('manuscript', 'a1', '{"title":"created"}', 'e2', 11, 0, 2, 'create-key'),
        ('manuscript', '2', NULL, '', 12, 1, 3, NULL);
    )sql"),
              SQLITE_OK);
  }
  open(path);
  testing::RawDb raw(path);
  EXPECT_EQ(raw.scalar("SELECT wr FROM pragma_table_list WHERE name = 'documents'"), "0");
  EXPECT_EQ(raw.scalar("SELECT MAX(version) FROM schema_migrations"), "3");
  auto kept = store_->get("manuscript", "1");
  ASSERT_OK(kept);
  ASSERT_TRUE(kept->has_value());
  EXPECT_EQ((*kept)->snapshot.document.dump(), R"({"title":"kept"})");
  EXPECT_EQ((*kept)->etag, "e1");
  EXPECT_FALSE(store_->get("manuscript", "2")->has_value());
  auto page = store_->list_changed("manuscript", "1", 10);
  ASSERT_OK(page);
  EXPECT_EQ(ids_of(*page), (std::vector<std::string>{"a1", "2"}));
  // A retried create still finds the document its key made, and new ones continue the counters.
  auto retried = store_->write("manuscript", "", doc(R"({"title":"created"})"), "create-key");
  ASSERT_OK(retried);
  EXPECT_EQ(retried->stored.side_id, "a1");
  auto created = store_->write("manuscript", "", doc("{}"), "");
  ASSERT_OK(created);
  EXPECT_EQ(created->stored.side_id, "a2");
  // (The retried create rewrote a1: its stored etag was not its content's hash.)
  EXPECT_EQ(ids_of(store_->list_changed("manuscript", "3", 10).value()),
            (std::vector<std::string>{"a1", "a2"}));
}

TEST_F(EmbeddedDocumentStoreTest, ConcurrentWritersEachGetTheirOwnChange) {
  constexpr int kThreads = 4;
  constexpr int kEach = 50;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const std::string id = std::to_string(t) + "-" + std::to_string(i);
        if (!store_->put("manuscript", id, Json(Json::Object{{"i", i}}), "").ok()) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  auto page = store_->list_changed("manuscript", "", 1000);
  ASSERT_OK(page);
  EXPECT_EQ(page->changes.size(), static_cast<std::size_t>(kThreads * kEach));
  const std::vector<std::string> ids = ids_of(*page);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
  EXPECT_EQ(page->next_cursor, std::to_string(kThreads * kEach));
}

TEST_F(EmbeddedDocumentStoreTest, ListDocumentsPagesThroughEveryTypeSkippingDeletions) {
  ASSERT_OK(store_->put("reviewer", "r1", doc(R"({"email":"a@x"})"), ""));
  ASSERT_OK(store_->put("manuscript", "2", doc(R"({"t":2})"), ""));
  ASSERT_OK(store_->put("manuscript", "1", doc(R"({"t":1})"), ""));
  ASSERT_OK(store_->put("manuscript", "3", doc(R"({"t":3})"), ""));
  ASSERT_OK(store_->erase("manuscript", "3", ""));
  std::vector<std::string> seen;
  std::string type, id;
  while (true) {
    auto page = store_->list_documents(type, id, 2);
    ASSERT_OK(page);
    if (page->empty()) break;
    for (const auto& d : *page) seen.push_back(d.type + "/" + d.document.snapshot.side_id);
    type = page->back().type;
    id = page->back().document.snapshot.side_id;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"manuscript/1", "manuscript/2", "reviewer/r1"}));
}

TEST_F(EmbeddedDocumentStoreTest, ReplaceAllWritesEveryDocumentOrNone) {
  auto a = store_->put("reviewer", "r1", doc(R"({"email":"a@x"})"), "");
  auto b = store_->put("reviewer", "r2", doc(R"({"email":"b@x"})"), "");
  ASSERT_OK(a);
  ASSERT_OK(b);
  std::vector<DocumentReplacement> stale = {
      {"reviewer", "r1", doc(R"({"email":"erased@invalid"})"), a->etag},
      {"reviewer", "r2", doc(R"({"email":"erased@invalid"})"), "not-the-etag"}};
  EXPECT_EQ(store_->replace_all(stale).code(), StatusCode::kFailedPrecondition);
  auto kept = store_->get("reviewer", "r1");
  ASSERT_OK(kept);
  EXPECT_EQ((*kept)->etag, a->etag);

  stale[1].expected_etag = b->etag;
  auto before = store_->list_changed("reviewer", "", 10);
  ASSERT_OK(before);
  ASSERT_OK(store_->replace_all(stale));
  for (const char* id : {"r1", "r2"}) {
    auto got = store_->get("reviewer", id);
    ASSERT_OK(got);
    EXPECT_EQ((*got)->snapshot.document, doc(R"({"email":"erased@invalid"})"));
  }
  auto changed = store_->list_changed("reviewer", before->next_cursor, 10);
  ASSERT_OK(changed);
  EXPECT_EQ(ids_of(*changed), (std::vector<std::string>{"r1", "r2"}));  // Listed as changes.
  ASSERT_OK(store_->purge_freed_space());
}

// The engine writes what it merged from the version it read: a document an agent changed
// since is refused (kAborted) and kept, so the next attempt merges the agent's edit.
TEST_F(EmbeddedDocumentStoreTest, AWriteExpectingAVersionLeavesANewerDocumentAlone) {
  ASSERT_OK(store_->put("manuscript", "m1", doc(R"({"t":"read"})"), ""));
  auto read = store_->fetch("manuscript", "m1");
  ASSERT_OK(read);
  ASSERT_TRUE(read->has_value());
  const std::string version = (*read)->version;
  EXPECT_EQ(version, store_->get("manuscript", "m1").value()->etag);
  ASSERT_OK(store_->put("manuscript", "m1", doc(R"({"t":"agent's edit"})"), ""));

  const Json merged = doc(R"({"t":"merged"})");
  const Json edit = doc(R"({"t":"agent's edit"})");
  const std::vector<WriteRequest> writes = {
      write_of("m1", merged, "k1", version),  // Stale: refused.
      write_of("m1", edit, "k2", version),    // Stale, but what the side holds: nothing to refuse.
      write_of("m2", merged, "k3", ""),       // Absent when read, and still: created.
      write_of("m1", merged, "k4", "")};      // Absent when read, but made since: refused.
  auto results = store_->write_batch("manuscript", writes);
  ASSERT_OK(results);
  EXPECT_EQ((*results)[0].status().code(), StatusCode::kAborted);
  ASSERT_OK((*results)[1]);
  ASSERT_OK((*results)[2]);
  EXPECT_EQ((*results)[3].status().code(), StatusCode::kAborted);
  EXPECT_EQ(store_->get("manuscript", "m1").value()->snapshot.document, edit);
  EXPECT_EQ(store_->get("manuscript", "m2").value()->snapshot.document, merged);

  const std::string current = store_->fetch("manuscript", "m1").value()->version;
  const std::vector<WriteRequest> fresh = {write_of("m1", merged, "k5", current)};
  auto written = store_->write_batch("manuscript", fresh);
  ASSERT_OK(written);
  ASSERT_OK((*written)[0]);
  EXPECT_EQ(store_->get("manuscript", "m1").value()->snapshot.document, merged);
}

// A write the database refuses (here a trigger, as a full disk or a constraint would) leaves
// nothing of itself and is reported in its slot; the batch's other writes commit.
TEST_F(EmbeddedDocumentStoreTest, WriteBatchReportsAWriteTheDatabaseRefusedAlone) {
  testing::TempDir dir("ojsync-embedded");
  const std::string path = dir.file("agents.db");
  open(path);
  testing::RawDb raw(path);
  ASSERT_EQ(raw.exec("CREATE TRIGGER refuse_m2 BEFORE INSERT ON documents WHEN NEW.id = 'm2' "
                     "BEGIN SELECT RAISE(ABORT, 'refused'); END"),
            SQLITE_OK);
  const Json created = doc(R"({"t":"created"})");
  const std::vector<WriteRequest> writes = {write_of("m1", created, "k-m1"),
                                            write_of("m2", created, "k-m2"),
                                            write_of("m3", created, "k-m3")};
  auto results = store_->write_batch("manuscript", writes);
  ASSERT_OK(results);
  ASSERT_OK((*results)[0]);
  EXPECT_FALSE((*results)[1].ok());
  ASSERT_OK((*results)[2]);
  EXPECT_TRUE(store_->get("manuscript", "m1")->has_value());
  EXPECT_FALSE(store_->get("manuscript", "m2")->has_value());
  EXPECT_TRUE(store_->get("manuscript", "m3")->has_value());
  auto changed = store_->list_changed("manuscript", "", 10);
  ASSERT_OK(changed);
  EXPECT_EQ(ids_of(*changed), (std::vector<std::string>{"m1", "m3"}));
}

TEST_F(EmbeddedDocumentStoreTest, WriteBatchReportsEachWriteInItsSlot) {
  ASSERT_OK(store_->put("manuscript", "m1", doc(R"({"t":"old"})"), ""));
  const Json updated = doc(R"({"t":"new"})");
  const Json created = doc(R"({"t":"created"})");
  const Json refused = doc(R"({"t":"refused"})");
  const std::vector<WriteRequest> writes = {write_of("m1", updated, "k-m1"),
                                            write_of("bad id!", refused, "k-bad"),
                                            write_of("", created, "k-create"),
                                            write_of("m2", created, "k-m2")};
  auto results = store_->write_batch("manuscript", writes);
  ASSERT_OK(results);
  ASSERT_EQ(results->size(), 4u);
  ASSERT_OK((*results)[0]);
  EXPECT_TRUE((*results)[0]->stored_as_requested);
  EXPECT_EQ((*results)[1].status().code(), StatusCode::kInvalidArgument);
  ASSERT_OK((*results)[2]);
  const std::string new_id = (*results)[2]->stored.side_id;
  EXPECT_FALSE(new_id.empty());
  ASSERT_OK((*results)[3]);
  EXPECT_EQ(store_->get("manuscript", "m1")->value().snapshot.document, updated);
  EXPECT_EQ(store_->get("manuscript", "m2")->value().snapshot.document, created);
  EXPECT_EQ(store_->get("manuscript", new_id)->value().snapshot.document, created);

  // A retried batch finds its creates by their keys and changes nothing.
  auto before = store_->list_changed("manuscript", "", 10);
  ASSERT_OK(before);
  auto again = store_->write_batch("manuscript", writes);
  ASSERT_OK(again);
  ASSERT_OK((*again)[2]);
  EXPECT_EQ((*again)[2]->stored.side_id, new_id);
  auto changed = store_->list_changed("manuscript", before->next_cursor, 10);
  ASSERT_OK(changed);
  EXPECT_TRUE(changed->changes.empty());
}

// A batch numbers its changes in memory and saves the counter once: the changes of every
// batch are listed after the ones before, in write order, and a write the batch refused (or
// rolled back) takes no place in the listing.
TEST_F(EmbeddedDocumentStoreTest, ChangesOfBatchesAreListedInWriteOrderAfterEarlierOnes) {
  const Json one = doc(R"({"v":1})");
  const Json two = doc(R"({"v":2})");
  ASSERT_OK(store_->write_batch("manuscript", std::vector<WriteRequest>{
                                                  write_of("b", one, "k1"), write_of("a", one, "k2"),
                                                  write_of("c", one, "k3")}));
  ASSERT_OK(store_->put("manuscript", "d", one, ""));
  auto first = store_->list_changed("manuscript", "", 10);
  ASSERT_OK(first);
  EXPECT_EQ(ids_of(*first), (std::vector<std::string>{"b", "a", "c", "d"}));

  const std::string stale = "not-the-etag";
  auto second = store_->write_batch(
      "manuscript", std::vector<WriteRequest>{write_of("c", two, "k4"),
                                              write_of("a", two, "k5", stale),  // Refused.
                                              write_of("e", two, "k6")});
  ASSERT_OK(second);
  EXPECT_EQ((*second)[1].status().code(), StatusCode::kAborted);
  ASSERT_OK(store_->remove("manuscript", "b"));
  auto after = store_->list_changed("manuscript", first->next_cursor, 10);
  ASSERT_OK(after);
  EXPECT_EQ(ids_of(*after), (std::vector<std::string>{"c", "e", "b"}));
}

// A write that brings its document's hash and text (the engine's) is stored under the etag a
// write without them gets, reads back as the same document, and is still recognised as
// unchanged content afterwards.
TEST_F(EmbeddedDocumentStoreTest, AWriteWithItsDocumentsHashAndTextIsStoredTheSame) {
  const Json document = doc(R"({"title":{"en":"Caf\u00e9"},"authors":[{"id":1}]})");
  const std::vector<WriteRequest> plain = {write_of("m1", document, "k1")};
  const std::string text = document.dump();
  WriteRequest hint = write_of("m2", document, "k2");
  hint.document_hash = content_hash(document);
  hint.document_text = text;
  const std::vector<WriteRequest> hinted = {hint};
  auto without = store_->write_batch("manuscript", plain);
  auto with = store_->write_batch("manuscript", hinted);
  ASSERT_OK(without);
  ASSERT_OK(with);
  ASSERT_OK((*with)[0]);
  EXPECT_EQ((*with)[0]->stored.version, (*without)[0]->stored.version);
  EXPECT_EQ((*with)[0]->stored.version, content_hash(document));
  EXPECT_EQ(store_->get("manuscript", "m2").value()->snapshot.document, document);

  auto before = store_->list_changed("manuscript", "", 10);
  ASSERT_OK(before);
  ASSERT_OK(store_->write_batch("manuscript", hinted));
  auto changed = store_->list_changed("manuscript", before->next_cursor, 10);
  ASSERT_OK(changed);
  EXPECT_TRUE(changed->changes.empty());
}

// Content the side holds already (the same canonical form) is left as it is: the result is
// the document held, not the one asked for.
TEST_F(EmbeddedDocumentStoreTest, AWriteOfContentHeldAlreadyReturnsTheDocumentHeld) {
  const Json composed = doc(R"({"b":"\u00e9"})");
  const Json decomposed = doc(R"({"b":"e\u0301"})");
  ASSERT_OK(store_->write("manuscript", "m1", composed, ""));
  auto again = store_->write("manuscript", "m1", decomposed, "");
  ASSERT_OK(again);
  EXPECT_FALSE(again->stored_as_requested);
  EXPECT_EQ(again->stored.document, composed);
}

// Encryption at rest: the agents' store holds the same personal data as ojsync's store.
std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

Result<std::unique_ptr<EmbeddedDocumentStore>> open_encrypted(const std::string& path,
                                                              std::vector<EncryptionKey> keys) {
  EmbeddedStoreOptions options;
  options.path = path;
  if (!keys.empty())
    options.encryption = EncryptionOptions{std::move(keys), default_sensitive_fields()};
  return EmbeddedDocumentStore::open(options);
}

TEST(EmbeddedEncryptionTest, DocumentsAreSealedOnDiskAndRotateToTheNewKey) {
  testing::TempDir dir("ojsync-embedded-enc");
  const std::string path = dir.file("agents.db");
  const Json reviewer = Json::parse(R"({"email": "grace@example.org", "givenName": {"en": "Grace"},
                                        "country": "US"})")
                            .value();
  const EncryptionKey k1{"k1", std::string(32, 'a')};
  const EncryptionKey k2{"k2", std::string(32, 'b')};
  std::string etag;
  {
    auto store = open_encrypted(path, {k1});
    ASSERT_OK(store);
    auto put = (*store)->put("reviewer", "r1", reviewer, "");
    ASSERT_OK(put);
    etag = put->etag;
    EXPECT_EQ(put->etag, content_hash(reviewer));  // The etag is the plaintext's hash.
  }
  const std::string bytes = file_bytes(path) + file_bytes(path + "-wal");
  EXPECT_EQ(bytes.find("grace@example.org"), std::string::npos);
  EXPECT_EQ(bytes.find("Grace"), std::string::npos);

  // Without the keyring, or with another key under k1, the file is refused and left as it is.
  auto refused = open_encrypted(path, {});
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  refused = open_encrypted(path, {EncryptionKey{"k1", std::string(32, 'z')}});
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(file_bytes(path) + file_bytes(path + "-wal"), bytes);

  {
    auto store = open_encrypted(path, {k1, k2});
    ASSERT_OK(store);
    auto usage = (*store)->key_usage();
    ASSERT_OK(usage);
    EXPECT_EQ(usage->values_by_key["k1"], 2);
    auto changes_before = (*store)->list_changed("reviewer", "", 10);
    ASSERT_OK(changes_before);
    auto progress = (*store)->reseal(10);
    ASSERT_OK(progress);
    EXPECT_TRUE(progress->complete);
    EXPECT_EQ(progress->rows_rewritten, 1);
    usage = (*store)->key_usage();
    ASSERT_OK(usage);
    EXPECT_FALSE(usage->values_by_key.contains("k1"));
    EXPECT_EQ(usage->values_by_key["k2"], 2);
    // Re-encrypting is not a change: no new sequence number for the engine to pick up.
    auto changes_after = (*store)->list_changed("reviewer", "", 10);
    ASSERT_OK(changes_after);
    EXPECT_EQ(changes_after->next_cursor, changes_before->next_cursor);
  }
  auto store = open_encrypted(path, {k2});  // k1 may go.
  ASSERT_OK(store);
  auto got = (*store)->get("reviewer", "r1");
  ASSERT_OK(got);
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->snapshot.document, reviewer);
  EXPECT_EQ((*got)->etag, etag);
}

}  // namespace
}  // namespace ojsync
