// Audit entries for the API's own writes (a replayed job, an auto-sync switch) that happen
// outside a sync commit.
#pragma once

#include "ojsync/store.h"

namespace ojsync::service {

// Appends `entry`. The write it records has happened already, so a failure cannot undo it:
// it is logged (action and code, no payload) and counted as an error-level event instead.
void audit_or_log(Store& store, const AuditEntry& entry);

}  // namespace ojsync::service
