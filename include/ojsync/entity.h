// Entities: what is synced, which side holds it, and in which direction it may flow.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "ojsync/json.h"
#include "ojsync/status.h"
#include "ojsync/time.h"

namespace ojsync {

// The two systems ojsync keeps in agreement.
enum class Side : std::uint8_t { kOjs, kAgents };
std::string_view side_name(Side side);  // "ojs" / "agents"
Result<Side> parse_side(std::string_view name);
inline Side other_side(Side side) { return side == Side::kOjs ? Side::kAgents : Side::kOjs; }

// Which sides a sync may write. The seed's BIDIRECTIONAL / TO_OJS / FROM_OJS.
enum class Direction : std::uint8_t { kBoth, kToOjs, kFromOjs };
std::string_view direction_name(Direction d);  // "both" / "to-ojs" / "from-ojs"
// Accepts the names above and the seed's spellings ("bidirectional", "to_ojs", "from_ojs").
Result<Direction> parse_direction(std::string_view name);
// True when a sync in direction `d` may write to `target`.
bool direction_writes(Direction d, Side target);

// Identifies an entity independently of either side's own id: (type, ojsync id).
struct EntityKey {
  std::string type;  // "manuscript", "reviewer", "decision", or any configured type
  std::string id;

  std::string to_string() const { return type + "/" + id; }
  friend auto operator<=>(const EntityKey&, const EntityKey&) = default;
};

// What one side holds for an entity at one moment.
struct Snapshot {
  Snapshot() = default;
  Snapshot(std::string id, Json doc, Timestamp modified_at, std::string created = {})
      : side_id(std::move(id)),
        document(std::move(doc)),
        modified(modified_at),
        created_by(std::move(created)) {}

  std::string side_id;   // The entity's id on that side.
  Json document;         // The entity as a JSON document (the connector's projection).
  Timestamp modified{};  // When that side last changed it, in UTC.
  // The idempotency key of the engine's create that made this document, when the side keeps
  // one with it (OJS: a stamp in the publication, docs/ojs-connector.md); "" otherwise. Lets the
  // engine recognise its own create whose reply never arrived (docs/invariants.md, G1).
  std::string created_by;
  // The side's token for this state of the document, when the side can make a write depend on
  // it (the embedded store: the document's etag); "" when it cannot (OJS). See
  // WriteRequest::expected_version.
  std::string version;
};

}  // namespace ojsync
