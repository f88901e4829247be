#include "service/audit_trail.h"

#include "service/http_status.h"
#include "service/json_log.h"

namespace ojsync::service {

void audit_or_log(Store& store, const AuditEntry& entry) {
  auto appended = store.append_audit(entry);
  if (appended.ok()) return;
  log_event(LogLevel::kError, "audit_append_failed",
            Json(Json::Object{{"action", Json(entry.action)},
                              {"code", Json(error_code_for(appended.status().code()))}}));
}

}  // namespace ojsync::service
