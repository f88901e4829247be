#include "service/retention.h"

namespace ojsync::service {
namespace {

std::optional<Timestamp> cutoff(std::int32_t days, Timestamp now) {
  if (days <= 0) return std::nullopt;
  return now - std::chrono::hours(24) * days;
}

}  // namespace

RetentionCutoffs retention_cutoffs(const RetentionSettings& settings, Timestamp now) {
  RetentionCutoffs c;
  c.records = cutoff(settings.records_days, now);
  c.resolved_conflicts = cutoff(settings.resolved_conflicts_days, now);
  c.tombstones = cutoff(settings.tombstones_days, now);
  c.audit_payloads = cutoff(settings.audit_payload_days, now);
  c.dead_jobs = cutoff(settings.dead_jobs_days, now);
  return c;
}

Result<RetentionPass> apply_retention(Store& store, const RetentionSettings& settings,
                                      Duration event_id_retention, Timestamp now) {
  RetentionPass pass;
  OJSYNC_ASSIGN_OR_RETURN(pass.removed, store.cleanup(retention_cutoffs(settings, now)));
  OJSYNC_ASSIGN_OR_RETURN(pass.event_ids, store.forget_events(now - event_id_retention));
  return pass;
}

}  // namespace ojsync::service
