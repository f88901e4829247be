// The audit log's hash chain: how an entry's hashes are computed and how a whole log is
// verified. Shared by every Store backend, so a chain written by one verifies the same way
// everywhere.
//
// Each entry stores
//   payload_hash = SHA-256(canonical_json(details))
//   entry_hash   = SHA-256(prev_hash + "\n" + canonical_json(header))
// where prev_hash is the previous entry's entry_hash ("" for entry 1) and the header holds
// every column except the payload: id, at, actor, action, type, entity_id, before_hash,
// after_hash, reason, payload_hash, prev_hash. Because the header names the payload only by
// its hash, retention can redact an old payload (details becomes null, `redacted` is set) and
// the chain still verifies. Ids are consecutive from 1 and never reused, and the store keeps
// the head (the highest id given) apart from the entries, so a removed entry — the last one
// included — is found.
//
// What the chain proves: nobody changed, inserted or removed an entry without recomputing
// every later hash and the head. Someone with write access to the file can still rewrite the
// whole tail consistently; keep the head `ojsync audit verify` prints somewhere else (a ticket,
// another machine) and compare later to catch that too.
#pragma once

#include <cstdint>
#include <string>

#include "ojsync/store.h"

namespace ojsync {

std::string audit_payload_hash(const Json& details);
// Uses the entry's id and header fields, payload_hash and prev_hash (not entry_hash).
std::string audit_entry_hash(const ChainedAuditEntry& chained);

struct AuditBreak {
  enum class Kind : std::uint8_t {
    kAltered,   // The entry's content no longer matches its own hashes.
    kRemoved,   // The entry is missing (a gap in the ids, or the log ends before its head).
    kInserted,  // The entry does not link to the one before it, or lies beyond the head.
  };
  Kind kind = Kind::kAltered;
  std::int64_t entry_id = 0;
  std::string detail;
};
std::string_view audit_break_name(AuditBreak::Kind kind);  // "altered", "removed", "inserted"

struct AuditVerification {
  std::int64_t entries = 0;   // Entries read.
  std::int64_t redacted = 0;  // Of which with their payload redacted.
  AuditHead head;             // As recorded by the store.
  std::optional<AuditBreak> first_break;
  bool ok() const { return !first_break.has_value(); }
};

// Walks the whole log through Store::read_audit_chain in pages of `page` entries, stopping at
// the first break. Errors are the store's (a break is a result, not an error).
Result<AuditVerification> verify_audit_chain(Store& store, std::size_t page = 1000);

// Compares a head kept elsewhere (`anchor`: an id and the hash verify reported for it then)
// with the log: nullopt when entry anchor.last_id still has that hash, else the break (kRemoved
// when the entry is gone, kAltered when its hash differs: the history up to it was rewritten).
Result<std::optional<AuditBreak>> check_audit_anchor(Store& store, const AuditHead& anchor);

}  // namespace ojsync
