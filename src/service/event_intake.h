// EventIntake: POST /v1/events. A signed OJS event is verified, read, turned into the syncs
// it calls for, and queued together with its id in one store transaction, so the answer can
// go out in about a millisecond: the sync itself runs later on the job runner. Events are
// hints; the sweep of OJS stays the source of truth.
//
// Event body: {"event": "<name>", "submission_id": ..., "user_id": ..., "decision_id": ...,
// "reviewer_id": ...} (ids as strings or integers; the seed's "event_type" is accepted for
// "event"). What each name queues is in event_intake.cc (kRules) and docs/operations.md.
//
// Thread-safe (the verifier and the store are).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "ojsync/entity_type.h"
#include "ojsync/store.h"
#include "ojsync/time.h"
#include "service/webhook_verifier.h"

namespace ojsync::service {

struct EventReceipt {
  enum class Outcome : std::uint8_t {
    kQueued,         // New event: its syncs are queued.
    kDuplicate,      // Its id was accepted before: nothing written.
    kUnprocessable,  // Authentic and well-formed, but names no event we handle: nothing written.
  };
  Outcome outcome = Outcome::kQueued;
  std::string event;       // The event's name, when it had one.
  std::size_t queued = 0;  // Syncs queued (kQueued).
  std::string problem;     // kUnprocessable: what is wrong, for the sender.
};

class EventIntake {
 public:
  // Borrowed pointers; they must outlive the intake.
  EventIntake(const WebhookVerifier* verifier, Store* store, const EntityTypeRegistry* types,
              std::size_t max_json_depth = 16)
      : verifier_(verifier), store_(store), types_(types), max_json_depth_(max_json_depth) {}

  // Errors: kUnauthenticated (missing headers, stale timestamp, no matching signature; checked
  // before anything is read or written), kInvalidArgument (a malformed id header or body), or
  // the store's error (then nothing was written and the sender should retry).
  Result<EventReceipt> receive(const WebhookHeaders& headers, std::string_view body,
                               Timestamp now) const;

 private:
  Result<std::string> entity_id(std::string_view type, std::string_view ojs_id) const;

  const WebhookVerifier* verifier_;
  Store* store_;
  const EntityTypeRegistry* types_;
  std::size_t max_json_depth_;
};

}  // namespace ojsync::service
