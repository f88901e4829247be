#include "ojsync/audit_chain.h"

#include "ojsync/canonical.h"

namespace ojsync {
namespace {

AuditBreak make_break(AuditBreak::Kind kind, std::int64_t id, std::string detail) {
  return AuditBreak{kind, id, std::move(detail)};
}

std::string entry_name(std::int64_t id) { return "entry " + std::to_string(id); }

// What is wrong with `c` following the entry `last_id` whose hash is `last_hash`, if anything.
std::optional<AuditBreak> check_entry(const ChainedAuditEntry& c, std::int64_t last_id,
                                      const std::string& last_hash) {
  const std::int64_t id = c.entry.id;
  if (id != last_id + 1) {
    return make_break(AuditBreak::Kind::kRemoved, last_id + 1,
                      entry_name(last_id + 1) + " is missing (the next entry present is " +
                          std::to_string(id) + ")");
  }
  if (c.prev_hash != last_hash) {
    return make_break(AuditBreak::Kind::kInserted, id,
                      entry_name(id) + " does not link to " + entry_name(last_id) +
                          " (one of them was rewritten, or it was put in its place)");
  }
  const bool payload_ok = c.redacted || audit_payload_hash(c.entry.details) == c.payload_hash;
  if (!payload_ok || audit_entry_hash(c) != c.entry_hash) {
    return make_break(
        AuditBreak::Kind::kAltered, id,
        entry_name(id) + (payload_ok ? "'s fields" : "'s payload") + " no longer match its hash");
  }
  return std::nullopt;
}

}  // namespace

std::string audit_payload_hash(const Json& details) { return content_hash(details); }

// The previous hash, a newline and the canonical form of the header object {action, actor,
// after_hash, at, before_hash, entity_id, id, payload_hash, prev_hash, reason, type}, written
// member by member in the canonical (byte) order of its keys instead of built as a Json first:
// this runs for every entry appended (audit_chain_test.cc pins it to that definition).
std::string audit_entry_hash(const ChainedAuditEntry& c) {
  const AuditEntry& e = c.entry;
  std::string text;
  text.reserve(512 + e.actor.size() + e.reason.size() + e.key.id.size());
  text += c.prev_hash;
  text += '\n';
  auto member = [&](std::string_view key, std::string_view value) {
    text += key;
    append_canonical_string(value, text);
  };
  member("{\"action\":", e.action);
  member(",\"actor\":", e.actor);
  member(",\"after_hash\":", e.after_hash);
  text += ",\"at\":";
  text += std::to_string(e.at.time_since_epoch().count());
  member(",\"before_hash\":", e.before_hash);
  member(",\"entity_id\":", e.key.id);
  text += ",\"id\":";
  text += std::to_string(e.id);
  member(",\"payload_hash\":", c.payload_hash);
  member(",\"prev_hash\":", c.prev_hash);
  member(",\"reason\":", e.reason);
  member(",\"type\":", e.key.type);
  text += '}';
  return sha256_hex(text);
}

std::string_view audit_break_name(AuditBreak::Kind kind) {
  switch (kind) {
    case AuditBreak::Kind::kAltered:
      return "altered";
    case AuditBreak::Kind::kRemoved:
      return "removed";
    case AuditBreak::Kind::kInserted:
      return "inserted";
  }
  return "altered";
}

// Each entry is checked in three ways: its id follows the previous one (else entries were
// removed), its prev_hash is the previous entry's hash (else one of the two was rewritten or
// it was slipped in), and its own hashes recompute (else it was edited in place). The head is
// read after the walk, and the walk resumes while the head is ahead of it: a writer appends an
// entry and moves the head in one transaction, so a log verified while the daemon runs is not
// reported broken, and an entry beyond the head can only have been put there by hand.
Result<AuditVerification> verify_audit_chain(Store& store, std::size_t page) {
  AuditVerification result;
  std::int64_t last_id = 0;
  std::string last_hash;
  auto walk = [&]() -> Status {
    while (!result.first_break) {
      OJSYNC_ASSIGN_OR_RETURN(std::vector<ChainedAuditEntry> entries,
                              store.read_audit_chain(last_id, std::max<std::size_t>(1, page)));
      if (entries.empty()) return OkStatus();
      for (const ChainedAuditEntry& c : entries) {
        if (std::optional<AuditBreak> broken = check_entry(c, last_id, last_hash)) {
          result.first_break = std::move(broken);
          return OkStatus();
        }
        ++result.entries;
        if (c.redacted) ++result.redacted;
        last_id = c.entry.id;
        last_hash = c.entry_hash;
      }
    }
    return OkStatus();
  };
  while (true) {
    OJSYNC_RETURN_IF_ERROR(walk());
    if (result.first_break) return result;
    OJSYNC_ASSIGN_OR_RETURN(result.head, store.audit_head());
    if (result.head.last_id <= last_id) break;
    const std::int64_t before = last_id;
    OJSYNC_RETURN_IF_ERROR(walk());
    if (result.first_break) return result;
    if (last_id == before) {  // Nothing more to read, yet the head is further on.
      result.first_break =
          make_break(AuditBreak::Kind::kRemoved, last_id + 1,
                     "the log ends at " + entry_name(last_id) + " but its recorded head is " +
                         entry_name(result.head.last_id));
      return result;
    }
  }
  if (last_id > result.head.last_id) {
    result.first_break =
        make_break(AuditBreak::Kind::kInserted, result.head.last_id + 1,
                   entry_name(result.head.last_id + 1) + " lies beyond the recorded head (" +
                       entry_name(result.head.last_id) + ")");
  } else if (last_hash != result.head.last_hash) {
    result.first_break = make_break(AuditBreak::Kind::kAltered, last_id,
                                    entry_name(last_id) + " does not match the recorded head");
  }
  return result;
}

Result<std::optional<AuditBreak>> check_audit_anchor(Store& store, const AuditHead& anchor) {
  if (anchor.last_id <= 0) return std::optional<AuditBreak>();
  OJSYNC_ASSIGN_OR_RETURN(std::vector<ChainedAuditEntry> found,
                          store.read_audit_chain(anchor.last_id - 1, 1));
  if (found.empty() || found.front().entry.id != anchor.last_id) {
    return std::optional<AuditBreak>(
        make_break(AuditBreak::Kind::kRemoved, anchor.last_id,
                   entry_name(anchor.last_id) + ", named by the anchor, is missing"));
  }
  if (found.front().entry_hash != anchor.last_hash) {
    return std::optional<AuditBreak>(
        make_break(AuditBreak::Kind::kAltered, anchor.last_id,
                   entry_name(anchor.last_id) +
                       " no longer has the anchor's hash: the log up to it was rewritten"));
  }
  return std::optional<AuditBreak>();
}

}  // namespace ojsync
