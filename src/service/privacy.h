// Privacy requests about one person (`ojsync privacy export|erase`): everything ojsync holds
// about them, in its store and in the agents' embedded store, found by PersonMatcher
// (person_match.h) through the Store API only (documents decoded by the store).
//
// Where a person can appear, and what erase does there:
//   sync_state.base          pseudonymised in place; base_hash recomputed; agents_hash follows
//                            the agents' document when it was up to date (ojs_hash is kept)
//   sync_conflicts           base/ojs/agents/resolved_document and the field values
//                            pseudonymised (fields at the person's element paths too)
//   audit_log                payloads naming them redacted (the chain still verifies)
//   sync_records.error, sync_jobs.last_error   the address and ORCID replaced
//   agents' documents        pseudonymised in place (a change the agents' sweep will see)
// Pseudonyms: e-mail "erased-<tag>@invalid", other strings "[erased]", arrays emptied, numbers
// and booleans kept, user references removed; the same tag everywhere in one erasure so the
// base and the agents' copy stay equal and a merge sees no change between them.
//
// OJS is not written: OJS has no API to edit users, and author entries are the journal's
// record. The operator erases the person in OJS first (docs/operations.md); otherwise the next
// sync of an entity OJS still holds them in copies OJS's data to the agents' side again, as it
// would any OJS edit. Erase never writes a pseudonym to OJS: base and agents' copy are erased
// alike, so a three-way merge sees only OJS's values as changes.
//
// Not matched: names in free text, operator identities (audit actors, token names), audit
// entry headers (they hold keys, hashes and fixed reasons, no document values).
#pragma once

#include <cstdint>
#include <string>

#include "ojsync/embedded_store.h"
#include "ojsync/entity_type.h"
#include "ojsync/store.h"
#include "service/person_match.h"

namespace ojsync::service {

struct PrivacySources {
  Store* store = nullptr;                     // Required.
  EmbeddedDocumentStore* agents = nullptr;    // nullptr when the agents' side is not embedded.
  const EntityTypeRegistry* types = nullptr;  // For content hashes (volatile fields); required.
};

// The export: {"person": {...}, "findings": [{"table", "entity", "row"?, "column"?, "path",
// "match", "value"}...], "counts": {table: n}}. Only the person's own objects, references and
// the texts that mention them are included, each with where it is; other people's values in
// the same documents are not (the entity key and path give the context).
Result<Json> export_person(const PrivacySources& sources, const PersonMatcher& person);

struct ErasureCounts {
  std::int64_t states = 0;
  std::int64_t conflicts = 0;
  std::int64_t audit_payloads = 0;
  std::int64_t record_errors = 0;
  std::int64_t job_errors = 0;
  std::int64_t agents_documents = 0;
  std::int64_t total() const {
    return states + conflicts + audit_payloads + record_errors + job_errors + agents_documents;
  }
};

struct ErasureOptions {
  std::string tag;    // The pseudonym tag: [a-z0-9]{1,32}; random per erasure in the CLI.
  std::string actor;  // Who the audit entry names ("cli:alice").
  Timestamp at{};     // The audit entry's time.
};

// A fresh random pseudonym tag (16 lower-case hex digits from OpenSSL's generator), so one
// erasure's pseudonyms cannot be linked to another's.
Result<std::string> new_erasure_tag();

// Erases the person: first the store, in one transaction that also appends a "privacy_erased"
// audit entry holding only counts and a salted hash of the address ({"person", <hash>}), then
// the agents' store in one transaction, then each file is rewritten without the old values
// (purge_freed_space; also when nothing matched, so a run finishes an earlier one's purge).
// Store first: should the agents' step fail, the next sync sees the agents' copy differ from the
// erased base and converges on what both sides hold, never writing a pseudonym to OJS; running
// erase again finishes. Errors name the step ("store: ...", "agents' store: ...", "purge: ...").
// The daemon must not run meanwhile (the CLI holds the store lock).
Result<ErasureCounts> erase_person(const PrivacySources& sources, const PersonMatcher& person,
                                   const ErasureOptions& options);

}  // namespace ojsync::service
