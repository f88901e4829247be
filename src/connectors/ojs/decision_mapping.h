// Editorial decisions (3.4+): append-only records under a submission. Side id
// "{submissionId}:{decisionId}".
//
// Document members: submissionId, decision (the 3.4+ code), decisionName (version-independent,
// decision_types.h), stageId, round, reviewRoundId, editorId, dateDecided (ISO 8601 UTC).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "connectors/ojs/time_zone.h"
#include "ojsync/json.h"
#include "ojsync/ojs_connector.h"
#include "ojsync/status.h"

namespace ojsync {

struct DecisionId {
  std::int64_t submission_id = 0;
  std::int64_t decision_id = 0;
  std::string to_string() const {
    return std::to_string(submission_id) + ":" + std::to_string(decision_id);
  }
};
// "12:34" → {12, 34}; kInvalidArgument otherwise.
Result<DecisionId> parse_decision_id(std::string_view side_id);

Json project_decision(const Json& raw, OjsVersion v, const TimeZone& zone);
Timestamp decision_modified(const Json& raw, const TimeZone& zone);

// What a document asks OJS to record.
struct DecisionIntent {
  std::int64_t submission_id = 0;
  int code = 0;                          // In the connected version's numbering.
  std::optional<std::int64_t> stage_id;  // Only compared when the document names it.
  std::optional<std::int64_t> review_round_id;
};
// Reads submissionId and decisionName (preferred) or decision from a document; the two must
// agree when both are present. kInvalidArgument otherwise.
Result<DecisionIntent> decision_intent(const Json& document, OjsVersion v);

// The earlier effect of `intent` in `decisions` (GET /submissions/{id}/decisions), if any: the
// most recent decision in the intent's stage and review round (by dateDecided, then id), when
// it has the intended code. A decision is never recorded twice in a row in one stage and round
// by this connector, so finding it there means an earlier attempt took effect.
std::optional<Json> find_recorded_decision(const Json& decisions, const DecisionIntent& intent);

// True when the stored decision already is what `intent` asks for.
bool decision_satisfies(const Json& raw, const DecisionIntent& intent);

}  // namespace ojsync
