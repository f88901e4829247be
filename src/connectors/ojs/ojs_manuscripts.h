// The "manuscript" entity on OJS: fetch, incremental listing, write (update or create) and
// remove, over /submissions and /submissions/{id}/publications[/{pid}/contributors].
#pragma once

#include <optional>
#include <string_view>

#include "connectors/ojs/ojs_context.h"
#include "ojsync/connector.h"

namespace ojsync {

Result<std::optional<Snapshot>> fetch_manuscript(const OjsContext& ctx, std::string_view side_id);

// Submissions by last activity, newest first (change_scan.h). ChangedEntity.modified is the
// activity time in UTC.
Result<ChangePage> list_changed_manuscripts(const OjsContext& ctx, std::string_view cursor,
                                            std::size_t limit);

// Update when `side_id` is set, else create (see docs/ojs-connector.md for what each version
// accepts). WriteResult::stored is re-read from OJS after the calls.
Result<WriteResult> write_manuscript(const OjsContext& ctx, std::string_view side_id,
                                     const Json& document, std::string_view idempotency_key);

// The submission an earlier create under `key` made: this process's memory of it, else the
// submission whose publication carries the create's stamp, among those active since `since`
// (less an allowance for clock skew). nullopt when there is none.
Result<std::optional<Snapshot>> find_created_manuscript(const OjsContext& ctx, std::string_view key,
                                                        Timestamp since);

// DELETE /submissions/{id}; an absent submission is success.
Status remove_manuscript(const OjsContext& ctx, std::string_view side_id);

// One page of submissions in last-activity order (shared with the decision listing).
Result<std::vector<ListedItem>> fetch_activity_page(const OjsContext& ctx, std::int64_t offset,
                                                    int count);

}  // namespace ojsync
