// Connector: one side of the sync (OJS, or the agents' store) behind one interface.
// The engine knows nothing else about either side.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ojsync/entity.h"
#include "ojsync/status.h"

namespace ojsync {

// One entry of an incremental change listing.
struct ChangedEntity {
  std::string side_id;
  Timestamp modified;
};

struct ChangePage {
  std::vector<ChangedEntity> changes;
  // Opaque position to pass to the next call; resuming from it never skips a change
  // (it may repeat some, which the engine tolerates).
  std::string next_cursor;
  bool has_more = false;
};

struct WriteResult {
  Snapshot stored;  // What the side holds after the write (its id may be new on create).
  // Fields the side refused to store (e.g. not writable through OJS's API), reported so the
  // engine can record them instead of silently losing them.
  std::vector<std::string> rejected_fields;
  // The side holds the request's document exactly as given: `stored.document` is then left
  // null instead of holding a copy, the caller having the document (WriteRequest::document).
  bool stored_as_requested = false;
};

// One write of Connector::write_batch: what write() takes for one entity. The document is
// borrowed and must outlive the call.
struct WriteRequest {
  std::string side_id;  // Empty = create.
  const Json* document = nullptr;
  std::string idempotency_key;
  // What the write requires the side to hold still: the Snapshot::version the engine read, or
  // "" for a document that was absent then; nullopt = nothing. A side that versions its
  // documents (the embedded store) refuses the write with kAborted, changing nothing, when the
  // document changed since, so that an edit made there meanwhile is merged by the next attempt
  // instead of overwritten; writing what the side already holds succeeds whatever it requires.
  // A side that cannot (OJS: its API has no conditional update) ignores it.
  std::optional<std::string> expected_version;
  // content_hash(*document) when the caller knows it already, else "": a side that hashes what
  // it stores (the embedded store's etag) takes it instead of serializing the document again.
  std::string document_hash = {};
  // document->dump() when the caller has it at hand, else "": a side that stores documents as
  // that text (the embedded store) takes it instead of serializing the document again.
  std::string_view document_text = {};
};

// Implementations must be safe to call from several threads at once.
// Errors use the canonical codes; retryable ones (kUnavailable, kDeadlineExceeded,
// kResourceExhausted, kAborted) are retried by the engine with backoff.
class Connector {
 public:
  virtual ~Connector() = default;

  // A short name for logs and metrics ("ojs", "embedded").
  virtual std::string_view name() const = 0;

  // The entity as the side holds it now; std::nullopt when it does not exist (or was deleted).
  virtual Result<std::optional<Snapshot>> fetch(std::string_view type, std::string_view side_id) = 0;

  // fetch() of each of `side_ids`, in their order, read at once (the engine's bulk import asks
  // for a group's documents on the agents' side this way). kUnimplemented by default: the
  // engine then fetches each document on its own, as for a side (OJS) whose reads are best
  // made concurrently. A side that can read many documents in one transaction should (the
  // embedded store does).
  virtual Result<std::vector<std::optional<Snapshot>>> fetch_batch(
      std::string_view type, std::span<const std::string> side_ids);

  // False when `side_id` cannot name an entity of `type` here (OJS numbers its submissions
  // and users). The engine looks an entity it has no entry for up under its key on each side
  // that could hold it; elsewhere the entity is absent without a call, and a first sync creates
  // it there. So the ids a side could hold are that side's own: an entity created elsewhere
  // under one would be paired with the side's entity of that id. Default: any id could be.
  virtual bool could_hold(std::string_view type, std::string_view side_id) const {
    (void)type;
    (void)side_id;
    return true;
  }

  // Entities of `type` changed since `cursor` ("" = from the beginning), at most `limit`.
  virtual Result<ChangePage> list_changed(std::string_view type, std::string_view cursor,
                                          std::size_t limit) = 0;

  // Makes the side hold `document` for the entity. `side_id` empty means create. Writing a
  // value the side already holds must be harmless. `idempotency_key` is stable across retries
  // of the same intended write: for append-only types a connector must use it (or the
  // content) to find an earlier effect before creating again.
  virtual Result<WriteResult> write(std::string_view type, std::string_view side_id,
                                    const Json& document, std::string_view idempotency_key) = 0;

  // The document an earlier create under `idempotency_key` made, if it exists: a side that names
  // the documents the engine creates there (OJS) returns a create whose reply never arrived, so
  // the engine adopts it instead of creating a twin (docs/invariants.md, G1). The create was asked
  // for after `since` (engine clock), which bounds the search. nullopt when there is none. A side
  // whose ids the engine chooses needs no search: the default finds nothing.
  virtual Result<std::optional<Snapshot>> find_created(std::string_view type,
                                                       std::string_view idempotency_key,
                                                       Timestamp since) {
    (void)type;
    (void)idempotency_key;
    (void)since;
    return std::optional<Snapshot>();
  }

  // write() of `request`, refused (kAborted) when the side versions its documents and no longer
  // holds the one request.expected_version names (see WriteRequest). The default ignores it,
  // for a side that cannot (OJS).
  virtual Result<WriteResult> write_if_unchanged(std::string_view type, const WriteRequest& request) {
    return write(type, request.side_id, *request.document, request.idempotency_key);
  }

  // Several writes of `type` at once (the engine's bulk import), in the order given. Each is
  // all-or-nothing on its own, as write() would make it, and reported in its slot: one that
  // fails leaves the others to happen. The outer Result fails only when the batch as a whole
  // could not be done; then each write may or may not have taken effect (a reply lost). The
  // default calls write_if_unchanged() for each; a side that can apply many writes in one
  // transaction should (the embedded store does).
  virtual Result<std::vector<Result<WriteResult>>> write_batch(
      std::string_view type, std::span<const WriteRequest> writes);

  // Deletes the entity; deleting an absent entity succeeds.
  virtual Status remove(std::string_view type, std::string_view side_id) = 0;

  // remove(), refused (kAborted) when the side versions its documents and no longer holds the
  // one `expected_version` names (as WriteRequest's; nullopt = nothing), so that an edit made
  // since the engine read it is not deleted. The default ignores it, for a side that cannot.
  virtual Status remove_if_unchanged(std::string_view type, std::string_view side_id,
                                     const std::optional<std::string>& expected_version) {
    (void)expected_version;
    return remove(type, side_id);
  }

  // Cheap reachability check for health reporting.
  virtual Status ping() = 0;
};

}  // namespace ojsync
