// Names of the store's enumerations, as stored in the database and shown by the API.
#include "ojsync/store.h"

namespace ojsync {

std::string_view outcome_name(SyncOutcome outcome) {
  switch (outcome) {
    case SyncOutcome::kNoop: return "noop";
    case SyncOutcome::kApplied: return "applied";
    case SyncOutcome::kConflict: return "conflict";
    case SyncOutcome::kFailed: return "failed";
  }
  return "failed";
}

Result<SyncOutcome> parse_outcome(std::string_view name) {
  for (SyncOutcome outcome :
       {SyncOutcome::kNoop, SyncOutcome::kApplied, SyncOutcome::kConflict, SyncOutcome::kFailed}) {
    if (outcome_name(outcome) == name) return outcome;
  }
  return InvalidArgument("unknown sync outcome '" + std::string(name) + "'");
}

std::string_view job_state_name(JobState state) {
  switch (state) {
    case JobState::kPending: return "pending";
    case JobState::kLeased: return "leased";
    case JobState::kDead: return "dead";
  }
  return "dead";
}

}  // namespace ojsync
