// The "reviewer" entity on OJS: read-only (OJS 3.3–3.5 have no user create/edit API).
#pragma once

#include <optional>
#include <string_view>

#include "connectors/ojs/ojs_context.h"
#include "ojsync/connector.h"

namespace ojsync {

// GET /users/{id}; a user without the reviewer role reads as absent.
Result<std::optional<Snapshot>> fetch_reviewer(const OjsContext& ctx, std::string_view side_id);

// Every reviewer, by id (newest first), one full pass per scan: OJS keeps no modification time
// for users, so each pass lists them all (with the listing time as `modified`) and the engine's
// content hashes tell which changed.
Result<ChangePage> list_changed_reviewers(const OjsContext& ctx, std::string_view cursor,
                                          std::size_t limit);

// kFailedPrecondition: OJS cannot create, edit or delete users through its API.
Status reviewer_write_refused();

}  // namespace ojsync
