// The sync log's record encoding: every field survives, hashes shrink as documented, and a
// damaged block is refused rather than misread.
#include "store/sync_record_codec.h"

#include <gtest/gtest.h>

#include "ojsync/canonical.h"

namespace ojsync {
namespace {

SyncRecord full_record() {
  SyncRecord r;
  r.key = {"manuscript", "sub-42 «é»"};
  r.direction = Direction::kToOjs;
  r.outcome = SyncOutcome::kFailed;
  r.trigger = "event";
  r.base_hash_before = sha256_hex("before");
  r.base_hash_after = sha256_hex("after");
  r.ojs_hash = "not a digest";
  r.agents_hash = "";
  r.wrote_ojs = true;
  r.wrote_agents = false;
  r.duration = Duration(-5);  // Clocks step back; the log keeps what it was given.
  r.retry_count = std::numeric_limits<std::int32_t>::max();
  r.error = "UNAVAILABLE: OJS answered 503 — «réessayer»";
  r.started_at = Timestamp(Duration(-1'000'000));  // Before 1970.
  return r;
}

std::vector<SyncRecord> decode(const std::string& block, std::int64_t first_id) {
  std::vector<SyncRecord> out;
  auto reader = SyncRecordReader::open(block, first_id);
  EXPECT_TRUE(reader.ok()) << reader.status().message();
  if (!reader.ok()) return out;
  SyncRecord r;
  while (true) {
    auto more = reader->next(r);
    EXPECT_TRUE(more.ok()) << more.status().message();
    if (!more.ok() || !*more) return out;
    out.push_back(r);
  }
}

void expect_same(const SyncRecord& a, const SyncRecord& b) {
  EXPECT_EQ(a.key, b.key);
  EXPECT_EQ(a.direction, b.direction);
  EXPECT_EQ(a.outcome, b.outcome);
  EXPECT_EQ(a.trigger, b.trigger);
  EXPECT_EQ(a.base_hash_before, b.base_hash_before);
  EXPECT_EQ(a.base_hash_after, b.base_hash_after);
  EXPECT_EQ(a.ojs_hash, b.ojs_hash);
  EXPECT_EQ(a.agents_hash, b.agents_hash);
  EXPECT_EQ(a.wrote_ojs, b.wrote_ojs);
  EXPECT_EQ(a.wrote_agents, b.wrote_agents);
  EXPECT_EQ(a.duration, b.duration);
  EXPECT_EQ(a.retry_count, b.retry_count);
  EXPECT_EQ(a.error, b.error);
  EXPECT_EQ(a.started_at, b.started_at);
}

TEST(SyncRecordCodecTest, EveryFieldRoundTripsWithItsId) {
  SyncRecord noop;
  noop.key = {"reviewer", "7"};
  noop.trigger = "sweep";
  noop.base_hash_before = noop.base_hash_after = noop.ojs_hash = noop.agents_hash = sha256_hex("x");
  noop.duration = Duration(800);
  noop.started_at = Timestamp(std::chrono::seconds(1'800'000'000));
  const SyncRecord failed = full_record();

  std::string block;
  start_record_block(block);
  encode_sync_record(failed, 100, 100, block);
  encode_sync_record(noop, 103, 100, block);  // Ids may leave gaps.
  const std::vector<SyncRecord> back = decode(block, 100);
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].id, 100);
  EXPECT_EQ(back[1].id, 103);
  expect_same(back[0], failed);
  expect_same(back[1], noop);
}

TEST(SyncRecordCodecTest, ANoopsFourEqualDigestsTakeOneDigest) {
  SyncRecord noop;
  noop.key = {"manuscript", "1"};
  noop.base_hash_before = noop.base_hash_after = noop.ojs_hash = noop.agents_hash = sha256_hex("x");
  std::string block;
  start_record_block(block);
  encode_sync_record(noop, 1, 1, block);
  // Format byte, offset, "manuscript", "1", three bytes, "", 1 + 32 + 3 hash bytes, three
  // one-byte numbers, "".
  EXPECT_EQ(block.size(), 1u + 1 + 11 + 2 + 3 + 1 + 36 + 3 + 1);
}

TEST(SyncRecordCodecTest, UpperCaseHexIsKeptAsTextNotNormalised) {
  SyncRecord r;
  r.base_hash_before = "AB" + sha256_hex("x").substr(2);
  std::string block;
  start_record_block(block);
  encode_sync_record(r, 1, 1, block);
  EXPECT_EQ(decode(block, 1).at(0).base_hash_before, r.base_hash_before);
}

TEST(SyncRecordCodecTest, EveryTruncationInsideARecordIsDataLoss) {
  std::string block;
  start_record_block(block);
  encode_sync_record(full_record(), 1, 1, block);
  for (std::size_t size = 2; size < block.size(); ++size) {
    auto reader = SyncRecordReader::open(std::string_view(block).substr(0, size), 1);
    ASSERT_TRUE(reader.ok());
    SyncRecord r;
    auto next = reader->next(r);
    ASSERT_FALSE(next.ok()) << "truncated to " << size << " bytes";
    EXPECT_EQ(next.status().code(), StatusCode::kDataLoss);
  }
}

TEST(SyncRecordCodecTest, UnknownFormatsAndValuesAreDataLoss) {
  EXPECT_EQ(SyncRecordReader::open("", 1).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(SyncRecordReader::open("\x02", 1).status().code(), StatusCode::kDataLoss);

  std::string block;
  start_record_block(block);
  SyncRecord r;
  r.key = {"m", "1"};
  encode_sync_record(r, 1, 1, block);
  // Layout: format, offset, "m", "1", direction at 6, outcome at 7, flags at 8, trigger at 9,
  // the first hash tag at 10.
  for (auto [at, value] : {std::pair{6, '\x03'}, std::pair{7, '\x04'}, std::pair{8, '\x04'}, std::pair{10, '\x02'}}) {
    std::string damaged = block;
    damaged[at] = value;
    auto reader = SyncRecordReader::open(damaged, 1);
    ASSERT_TRUE(reader.ok());
    SyncRecord out;
    EXPECT_EQ(reader->next(out).status().code(), StatusCode::kDataLoss) << "byte " << at;
  }
  // A number running past 64 bits.
  const std::string overlong = std::string(1, '\x01') + std::string(10, '\xff') + '\x01';
  auto reader = SyncRecordReader::open(overlong, 1);
  ASSERT_TRUE(reader.ok());
  SyncRecord out;
  EXPECT_EQ(reader->next(out).status().code(), StatusCode::kDataLoss);
}

// The entity index's hash is stored on disk: these values must never change. They come from an
// independent FNV-1a (64-bit) implementation, not from this one.
TEST(SyncRecordCodecTest, EntityKeyHashIsStable) {
  EXPECT_EQ(entity_key_hash({"manuscript", "1"}), entity_key_hash({"manuscript", "1"}));
  EXPECT_NE(entity_key_hash({"manuscript", "1"}), entity_key_hash({"manuscript1", ""}));
  EXPECT_EQ(entity_key_hash({"", ""}), static_cast<std::int64_t>(0xaf63bd4c8601b7dfull));
  EXPECT_EQ(entity_key_hash({"manuscript", "1"}), static_cast<std::int64_t>(0x34bf423a30baa6a2ull));
}

}  // namespace
}  // namespace ojsync
