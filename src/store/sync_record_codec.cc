#include "store/sync_record_codec.h"

#include <array>
#include <limits>

namespace ojsync {

namespace {

enum HashTag : std::uint8_t { kHashText = 0, kHashDigest = 1, kHashSameAs = 2 };
constexpr std::size_t kDigestBytes = 32;
constexpr int kHashCount = 4;

std::uint64_t zigzag(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
std::int64_t unzigzag(std::uint64_t v) {
  return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

void put_varint(std::uint64_t v, std::string& out) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void put_string(std::string_view s, std::string& out) {
  put_varint(s.size(), out);
  out.append(s);
}

// Hex digit values, -1 for anything else (upper case included: such text is kept as text).
constexpr std::array<std::int8_t, 256> kHexValues = [] {
  std::array<std::int8_t, 256> values{};
  values.fill(-1);
  for (int c = '0'; c <= '9'; ++c) values[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) values[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - 'a' + 10);
  return values;
}();

// The digest's bytes when `hash` is 64 lower-case hex digits.
bool digest_bytes(std::string_view hash, std::array<char, kDigestBytes>& digest) {
  if (hash.size() != 2 * kDigestBytes) return false;
  for (std::size_t i = 0; i < kDigestBytes; ++i) {
    const int high = kHexValues[static_cast<std::uint8_t>(hash[2 * i])];
    const int low = kHexValues[static_cast<std::uint8_t>(hash[2 * i + 1])];
    if ((high | low) < 0) return false;
    digest[i] = static_cast<char>(high << 4 | low);
  }
  return true;
}

void put_hash(const std::array<const std::string*, kHashCount>& hashes, int index, std::string& out) {
  const std::string& hash = *hashes[index];
  for (int k = 0; k < index; ++k) {
    if (*hashes[k] == hash) {
      out.push_back(static_cast<char>(kHashSameAs + k));
      return;
    }
  }
  std::array<char, kDigestBytes> digest;
  if (digest_bytes(hash, digest)) {
    out.push_back(static_cast<char>(kHashDigest));
    out.append(digest.data(), digest.size());
  } else {
    out.push_back(static_cast<char>(kHashText));
    put_string(hash, out);
  }
}

Status damaged(std::string_view what) {
  return DataLoss("a sync log block is damaged: " + std::string(what));
}

// Consumes from the front of a block, checking every length against what is left.
class Cursor {
 public:
  explicit Cursor(std::string_view& rest) : rest_(rest) {}

  Result<std::uint64_t> varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (rest_.empty()) return damaged("truncated number");
      const auto byte = static_cast<std::uint8_t>(rest_.front());
      rest_.remove_prefix(1);
      if (shift == 63 && (byte & 0x7e) != 0) return damaged("number out of range");
      v |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return v;
    }
    return damaged("number too long");
  }

  Result<std::uint8_t> byte() {
    if (rest_.empty()) return damaged("truncated record");
    const auto b = static_cast<std::uint8_t>(rest_.front());
    rest_.remove_prefix(1);
    return b;
  }

  Result<std::string_view> bytes(std::uint64_t n) {
    if (n > rest_.size()) return damaged("length beyond the block");
    std::string_view out = rest_.substr(0, n);
    rest_.remove_prefix(n);
    return out;
  }

  Status string(std::string& out) {
    OJSYNC_ASSIGN_OR_RETURN(const std::uint64_t n, varint());
    OJSYNC_ASSIGN_OR_RETURN(std::string_view s, bytes(n));
    out.assign(s);
    return OkStatus();
  }

  Status hash(const std::array<std::string*, kHashCount>& hashes, int index) {
    OJSYNC_ASSIGN_OR_RETURN(const std::uint8_t tag, byte());
    std::string& out = *hashes[index];
    if (tag == kHashText) return string(out);
    if (tag == kHashDigest) {
      static constexpr char kHex[] = "0123456789abcdef";
      OJSYNC_ASSIGN_OR_RETURN(std::string_view digest, bytes(kDigestBytes));
      out.resize(2 * kDigestBytes);
      for (std::size_t i = 0; i < kDigestBytes; ++i) {
        const auto b = static_cast<std::uint8_t>(digest[i]);
        out[2 * i] = kHex[b >> 4];
        out[2 * i + 1] = kHex[b & 0xf];
      }
      return OkStatus();
    }
    const int same_as = tag - kHashSameAs;
    if (same_as < 0 || same_as >= index) return damaged("hash refers to no earlier hash");
    out = *hashes[same_as];
    return OkStatus();
  }

 private:
  std::string_view& rest_;
};

}  // namespace

void start_record_block(std::string& block) {
  block.clear();
  block.push_back(static_cast<char>(kSyncRecordBlockFormat));
}

void encode_sync_record(const SyncRecord& r, std::int64_t id, std::int64_t first_id, std::string& out) {
  put_varint(static_cast<std::uint64_t>(id - first_id), out);
  put_string(r.key.type, out);
  put_string(r.key.id, out);
  out.push_back(static_cast<char>(r.direction));
  out.push_back(static_cast<char>(r.outcome));
  out.push_back(static_cast<char>((r.wrote_ojs ? 1 : 0) | (r.wrote_agents ? 2 : 0)));
  put_string(r.trigger, out);
  const std::array<const std::string*, kHashCount> hashes = {&r.base_hash_before, &r.base_hash_after,
                                                              &r.ojs_hash, &r.agents_hash};
  for (int i = 0; i < kHashCount; ++i) put_hash(hashes, i, out);
  put_varint(zigzag(r.duration.count()), out);
  put_varint(zigzag(r.retry_count), out);
  put_varint(zigzag(r.started_at.time_since_epoch().count()), out);
  put_string(r.error, out);
}

Result<SyncRecordReader> SyncRecordReader::open(std::string_view block, std::int64_t first_id) {
  if (block.empty() || static_cast<std::uint8_t>(block.front()) != kSyncRecordBlockFormat) {
    return damaged("unknown format");
  }
  return SyncRecordReader(block.substr(1), first_id);
}

Result<bool> SyncRecordReader::next(SyncRecord& r) {
  if (rest_.empty()) return false;
  Cursor in(rest_);
  OJSYNC_ASSIGN_OR_RETURN(const std::uint64_t offset, in.varint());
  if (offset > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max() - first_id_)) {
    return damaged("record id out of range");
  }
  r.id = first_id_ + static_cast<std::int64_t>(offset);
  OJSYNC_RETURN_IF_ERROR(in.string(r.key.type));
  OJSYNC_RETURN_IF_ERROR(in.string(r.key.id));
  OJSYNC_ASSIGN_OR_RETURN(const std::uint8_t direction, in.byte());
  OJSYNC_ASSIGN_OR_RETURN(const std::uint8_t outcome, in.byte());
  OJSYNC_ASSIGN_OR_RETURN(const std::uint8_t flags, in.byte());
  if (direction > static_cast<std::uint8_t>(Direction::kFromOjs)) return damaged("unknown direction");
  if (outcome > static_cast<std::uint8_t>(SyncOutcome::kFailed)) return damaged("unknown outcome");
  if (flags > 3) return damaged("unknown flags");
  r.direction = static_cast<Direction>(direction);
  r.outcome = static_cast<SyncOutcome>(outcome);
  r.wrote_ojs = (flags & 1) != 0;
  r.wrote_agents = (flags & 2) != 0;
  OJSYNC_RETURN_IF_ERROR(in.string(r.trigger));
  const std::array<std::string*, kHashCount> hashes = {&r.base_hash_before, &r.base_hash_after,
                                                        &r.ojs_hash, &r.agents_hash};
  for (int i = 0; i < kHashCount; ++i) OJSYNC_RETURN_IF_ERROR(in.hash(hashes, i));
  OJSYNC_ASSIGN_OR_RETURN(const std::uint64_t duration, in.varint());
  OJSYNC_ASSIGN_OR_RETURN(const std::uint64_t retry_count, in.varint());
  OJSYNC_ASSIGN_OR_RETURN(const std::uint64_t started_at, in.varint());
  const std::int64_t retries = unzigzag(retry_count);
  if (retries < std::numeric_limits<std::int32_t>::min() || retries > std::numeric_limits<std::int32_t>::max()) {
    return damaged("retry count out of range");
  }
  r.duration = Duration(unzigzag(duration));
  r.retry_count = static_cast<std::int32_t>(retries);
  r.started_at = Timestamp(Duration(unzigzag(started_at)));
  OJSYNC_RETURN_IF_ERROR(in.string(r.error));
  return true;
}

std::int64_t entity_key_hash(const EntityKey& key) {
  constexpr std::uint64_t kOffset = 14695981039346656037ull;
  constexpr std::uint64_t kPrime = 1099511628211ull;
  std::uint64_t h = kOffset;
  auto mix = [&](std::string_view s) {
    for (char c : s) {
      h ^= static_cast<std::uint8_t>(c);
      h *= kPrime;
    }
  };
  mix(key.type);
  mix(std::string_view("\0", 1));
  mix(key.id);
  return static_cast<std::int64_t>(h);
}

}  // namespace ojsync
