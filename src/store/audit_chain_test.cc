// audit_entry_hash is part of every stored chain: a change to its output would make every
// existing entry fail `audit verify`. These tests pin it to its definition.
#include "ojsync/audit_chain.h"

#include <gtest/gtest.h>

#include "ojsync/canonical.h"

namespace ojsync {
namespace {

ChainedAuditEntry entry(std::string actor, std::string reason, std::string entity_id) {
  ChainedAuditEntry c;
  c.entry.id = 42;
  c.entry.at = Timestamp(std::chrono::milliseconds(1764547200123));
  c.entry.actor = std::move(actor);
  c.entry.action = "write_agents";
  c.entry.key = EntityKey{"manuscript", std::move(entity_id)};
  c.entry.before_hash = "";
  c.entry.after_hash = std::string(64, 'a');
  c.entry.reason = std::move(reason);
  c.payload_hash = std::string(64, 'b');
  c.prev_hash = std::string(64, 'c');
  return c;
}

// The definition: the previous hash, a newline, and the canonical form of the header object.
std::string hash_by_definition(const ChainedAuditEntry& c) {
  const AuditEntry& e = c.entry;
  Json header = Json::object();
  header["id"] = e.id;
  header["at"] = static_cast<std::int64_t>(e.at.time_since_epoch().count());
  header["actor"] = e.actor;
  header["action"] = e.action;
  header["type"] = e.key.type;
  header["entity_id"] = e.key.id;
  header["before_hash"] = e.before_hash;
  header["after_hash"] = e.after_hash;
  header["reason"] = e.reason;
  header["payload_hash"] = c.payload_hash;
  header["prev_hash"] = c.prev_hash;
  return sha256_hex(c.prev_hash + "\n" + canonical_json(header));
}

TEST(AuditChainTest, AnEntrysHashIsTheOneStoredChainsWereWrittenWith) {
  EXPECT_EQ(audit_entry_hash(entry("engine", "sync from-ojs", "m-1")),
            "7126ab691cc5d45524008c90cb9a3efd0672a3c5a11766703820133a2247b9fc");
}

TEST(AuditChainTest, AnEntrysHashIsOfItsCanonicalHeaderWhateverItsText) {
  const std::string decomposed = "Cafe\xCC\x81";  // "e" + U+0301: NFC makes it U+00E9.
  for (const ChainedAuditEntry& c :
       {entry("engine", "sync both", "m-1"), entry("agent:\xE6\x9D\x8E", decomposed, "a.b:c-9"),
        entry("cli:\"quoted\"\\", "line\nbreak\ttab\x01", "x"), entry("", "", "0")}) {
    EXPECT_EQ(audit_entry_hash(c), hash_by_definition(c))
        << c.entry.actor << " / " << c.entry.reason;
  }
  ChainedAuditEntry first = entry("engine", "r", "m");
  first.prev_hash.clear();
  first.entry.id = 1;
  first.entry.at = Timestamp(std::chrono::milliseconds(-5));
  EXPECT_EQ(audit_entry_hash(first), hash_by_definition(first));
}

}  // namespace
}  // namespace ojsync
