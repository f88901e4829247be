// Durable store throughput on an on-disk SQLite file (WAL): single commits as a sync makes
// them, and sync-log rows appended in group commits.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <vector>

#include "ojsync/canonical.h"
#include "ojsync/store.h"

namespace ojsync::bench {
namespace {

class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/ojsync-bench-XXXXXX";
    path_ = mkdtemp(pattern);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::unique_ptr<Store> open_store(const TempDir& dir,
                                  std::optional<EncryptionOptions> encryption = std::nullopt) {
  SqliteStoreOptions options;
  options.path = dir.file("bench.db");
  options.encryption = std::move(encryption);
  auto store = open_sqlite_store(options);
  if (!store.ok() || !(*store)->migrate().ok()) std::abort();
  return std::move(store).value();
}

SyncRecord record_for(std::int64_t i) {
  SyncRecord r;
  r.key = {"manuscript", std::to_string(i % 10'000)};
  r.outcome = i % 10 == 0 ? SyncOutcome::kApplied : SyncOutcome::kNoop;
  r.trigger = "sweep";
  r.base_hash_before = r.base_hash_after = r.ojs_hash = r.agents_hash = sha256_hex(r.key.id);
  r.duration = std::chrono::microseconds(800 + i % 300);
  r.started_at = Timestamp(std::chrono::seconds(1'800'000'000 + i / 1000));
  return r;
}

// What one applied sync commits: new state (version-checked), record, rollup, two audit rows.
void BM_CommitSyncApplied(benchmark::State& state) {
  TempDir dir;
  auto store = open_store(dir);
  std::int64_t i = 0;
  const Json base = Json(Json::Object{{"title", Json("A manuscript title")}, {"status", Json(1)}});
  for (auto _ : state) {
    SyncCommit c;
    c.record = record_for(i);
    c.record.key.id = std::to_string(i);
    c.state = SyncState{c.record.key, "1", "1", base, "h", "h", "h", false, c.record.started_at, 1, std::nullopt};
    c.expected_version = 0;
    c.audit.push_back({0, c.record.started_at, "engine", "write_agents", c.record.key, "", "h", "sync", Json()});
    if (!store->commit_sync(c).ok()) state.SkipWithError("commit failed");
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CommitSyncApplied)->UseRealTime();

// A manuscript as the OJS mapping projects it, with three authors: 15 sensitive values
// (e-mail, given and family name, affiliation, preferred name) under the default paths.
Json manuscript_with_authors(std::int64_t i) {
  Json doc = Json::object();
  doc["title"] = Json(Json::Object{{"en", Json("A manuscript title " + std::to_string(i))}});
  doc["abstract"] = Json(Json::Object{{"en", Json(std::string(600, 'a'))}});
  doc["status"] = 1;
  Json::Array authors;
  for (int a = 0; a < 3; ++a) {
    Json author = Json::object();
    author["id"] = static_cast<std::int64_t>(i * 3 + a);
    author["email"] = "author" + std::to_string(a) + "@example.org";
    author["givenName"] = Json(Json::Object{{"en", Json("Given")}});
    author["familyName"] = Json(Json::Object{{"en", Json("Family")}});
    author["preferredPublicName"] = Json(Json::Object{{"en", Json("Given Family")}});
    author["affiliation"] = Json(Json::Object{{"en", Json("University of Somewhere")}});
    author["seq"] = a;
    authors.push_back(std::move(author));
  }
  doc["authors"] = Json(std::move(authors));
  return doc;
}

EncryptionOptions bench_keyring() {
  EncryptionOptions options;
  options.keys = {EncryptionKey{"bench", std::string(32, 'k')}};
  return options;
}

// BM_CommitSyncApplied's commit with a manuscript holding personal data, stored in clear
// (range(0) = 0) or encrypted at rest (1): the cost encryption adds to a sync commit.
void BM_CommitSyncPersonalData(benchmark::State& state) {
  TempDir dir;
  auto store = open_store(dir, state.range(0) == 1 ? std::optional(bench_keyring()) : std::nullopt);
  std::int64_t i = 0;
  for (auto _ : state) {
    SyncCommit c;
    c.record = record_for(i);
    c.record.key.id = std::to_string(i);
    c.state = SyncState{c.record.key, "1", "1",   manuscript_with_authors(i), "h",
                        "h",          "h", false, c.record.started_at,        1, std::nullopt};
    c.expected_version = 0;
    c.audit.push_back(
        {0, c.record.started_at, "engine", "write_agents", c.record.key, "", "h", "sync", Json()});
    if (!store->commit_sync(c).ok()) state.SkipWithError("commit failed");
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CommitSyncPersonalData)->Arg(0)->Arg(1)->UseRealTime();

// Reading that manuscript's state back (decrypting its 15 values with range(0) = 1).
void BM_GetStatePersonalData(benchmark::State& state) {
  TempDir dir;
  auto store = open_store(dir, state.range(0) == 1 ? std::optional(bench_keyring()) : std::nullopt);
  constexpr std::int64_t kEntities = 1000;
  for (std::int64_t i = 0; i < kEntities; ++i) {
    SyncCommit c;
    c.record = record_for(i);
    c.record.key.id = std::to_string(i);
    c.state = SyncState{c.record.key, "1", "1",   manuscript_with_authors(i), "h",
                        "h",          "h", false, c.record.started_at,        1, std::nullopt};
    if (!store->commit_sync(c).ok()) state.SkipWithError("commit failed");
  }
  std::int64_t i = 0;
  for (auto _ : state) {
    auto got = store->get_state({"manuscript", std::to_string(i++ % kEntities)});
    if (!got.ok() || !got->has_value()) state.SkipWithError("read failed");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_GetStatePersonalData)->Arg(0)->Arg(1);

// The write intent an applied sync of a known entity commits before its first side write
// (docs/invariants.md, G2): one version-checked UPDATE in a transaction of its own.
void BM_RecordWriteIntent(benchmark::State& state) {
  TempDir dir;
  auto store = open_store(dir);
  constexpr std::int64_t kEntities = 1000;
  std::vector<SyncState> entries;
  for (std::int64_t i = 0; i < kEntities; ++i) {
    SyncCommit c;
    c.record = record_for(i);
    c.record.key.id = std::to_string(i);
    c.state = SyncState{c.record.key, "1", "1", Json::object(), "h", "h", "h", false,
                        c.record.started_at, 1, std::nullopt};
    if (!store->commit_sync(c).ok()) std::abort();
    entries.push_back(*c.state);
  }
  const WriteIntent intent{sha256_hex("target"), false, true};
  std::size_t i = 0;
  for (auto _ : state) {
    if (!store->record_write_intent(entries[i++ % entries.size()], 1, intent).ok())
      state.SkipWithError("intent failed");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RecordWriteIntent)->UseRealTime();

// Sync-log rows (record + statistics rollup) appended in group commits of range(0) rows.
// The records are made before the clock starts (their hashes cost a SHA-256 each): what is
// timed is the log's append. Ten rounds over 10,000 entities, then the rounds repeat.
void BM_SyncLogRowsBatched(benchmark::State& state) {
  TempDir dir;
  auto store = open_store(dir);
  const auto batch_size = static_cast<std::int64_t>(state.range(0));
  constexpr std::int64_t kRecords = 100'000;
  std::vector<std::vector<SyncCommit>> batches;
  for (std::int64_t i = 0; i < kRecords; i += batch_size) {
    std::vector<SyncCommit>& batch = batches.emplace_back(static_cast<std::size_t>(batch_size));
    for (std::int64_t j = 0; j < batch_size; ++j) batch[static_cast<std::size_t>(j)].record = record_for(i + j);
  }
  std::size_t next = 0;
  for (auto _ : state) {
    auto r = store->commit_syncs(batches[next]);
    if (!r.ok()) state.SkipWithError("group commit failed");
    next = (next + 1) % batches.size();
  }
  state.SetItemsProcessed(state.iterations() * batch_size);
}
BENCHMARK(BM_SyncLogRowsBatched)->Arg(100)->Arg(1000)->UseRealTime();

// status()'s history lookup in a log of a million records (10,000 entities, 100 records each
// spread over every bucket): the newest 10 of one entity.
void BM_ListRecordsOfAnEntity(benchmark::State& state) {
  TempDir dir;
  auto store = open_store(dir);
  constexpr std::int64_t kRecords = 1'000'000;
  std::vector<SyncCommit> batch(1000);
  for (std::int64_t i = 0; i < kRecords; i += 1000) {
    for (std::int64_t j = 0; j < 1000; ++j) {
      SyncRecord& r = batch[static_cast<std::size_t>(j)].record;
      r.key = {"manuscript", std::to_string((i + j) % 10'000)};
      r.trigger = "sweep";
      r.started_at = Timestamp(std::chrono::seconds(1'800'000'000 + (i + j) / 1000));
    }
    if (!store->commit_syncs(batch).ok()) state.SkipWithError("filling the log failed");
  }
  std::int64_t n = 0;
  for (auto _ : state) {
    auto records = store->list_records({"manuscript", std::to_string(n++ % 10'000)}, 10);
    if (!records.ok() || records->size() != 10) state.SkipWithError("lookup failed");
  }
}
BENCHMARK(BM_ListRecordsOfAnEntity)->Unit(benchmark::kMicrosecond);

// G1's question on every import of an unknown OJS document: which creates in OJS are pending?
// The store holds 10,000 entries the agents made that are not in OJS (no OJS id) and none of
// them has a write intent, as in a journal whose agents keep drafts to themselves.
void BM_ListPendingCreates(benchmark::State& state) {
  TempDir dir;
  auto store = open_store(dir);
  std::vector<SyncCommit> batch(1000);
  const Json base = Json(Json::Object{{"title", Json("A draft")}});
  for (std::int64_t i = 0; i < 10'000; i += 1000) {
    for (std::int64_t j = 0; j < 1000; ++j) {
      SyncCommit& c = batch[static_cast<std::size_t>(j)];
      c.record = record_for(i + j);
      c.record.key.id = "draft-" + std::to_string(i + j);
      c.state = SyncState{c.record.key, "", c.record.key.id, base, "h", "", "h", false,
                          c.record.started_at, 1, std::nullopt};
      c.expected_version = 0;
    }
    if (!store->commit_syncs(batch).ok()) state.SkipWithError("filling the store failed");
  }
  for (auto _ : state) {
    auto pending = store->list_pending_creates("manuscript", Side::kOjs, 100);
    if (!pending.ok() || !pending->empty()) state.SkipWithError("lookup failed");
  }
}
BENCHMARK(BM_ListPendingCreates)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace ojsync::bench
