// The "decision" entity on OJS 3.4+: editorial decisions, append-only. OJS 3.3 has no decision
// API, so every operation there is kUnimplemented (nothing is inferred from submission status).
#pragma once

#include <optional>
#include <string_view>

#include "connectors/ojs/ojs_context.h"
#include "ojsync/connector.h"

namespace ojsync {

Result<std::optional<Snapshot>> fetch_decision(const OjsContext& ctx, std::string_view side_id);

// The decision an earlier create under `key` recorded, as this process remembers it. A decision
// has no member to stamp: after a restart, write_decision finds it by its content instead.
Result<std::optional<Snapshot>> find_created_decision(const OjsContext& ctx, std::string_view key);

// Every decision of every submission whose activity changed (a decision bumps its
// submission's last activity), via the manuscript change scan.
Result<ChangePage> list_changed_decisions(const OjsContext& ctx, std::string_view cursor,
                                          std::size_t limit);

// Creates a decision at most once (see find_recorded_decision and docs/ojs-connector.md):
// before POSTing it looks for the effect of an earlier attempt with the same idempotency key
// (this process) or the same content (the submission's latest decision in that stage and round).
// With a side id, succeeds only when OJS already holds that decision as asked (no edits).
Result<WriteResult> write_decision(const OjsContext& ctx, std::string_view side_id,
                                   const Json& document, std::string_view idempotency_key);

// An absent decision is success; OJS cannot delete one (kFailedPrecondition).
Status remove_decision(const OjsContext& ctx, std::string_view side_id);

}  // namespace ojsync
