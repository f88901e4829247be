// Reviewers: OJS users holding the reviewer role (roleId 4096). Read-only on the OJS side:
// OJS 3.3–3.5 have no API to create or edit users.
//
// Document members (empty ones left out): userName, email, givenName{}, familyName{},
// preferredPublicName{}, affiliation{}, biography{}, orcid, country, url, disabled,
// interests [text], dateRegistered and dateLastLogin (ISO 8601 UTC; dateLastLogin volatile).
#pragma once

#include "connectors/ojs/time_zone.h"
#include "ojsync/json.h"
#include "ojsync/time.h"

namespace ojsync {

constexpr int kReviewerRoleId = 4096;

// True when one of the user's groups has the reviewer role.
bool has_reviewer_role(const Json& user);

Json project_reviewer(const Json& user, const TimeZone& zone);

// OJS records no modification time for users: the newest of dateLastLogin, dateValidated and
// dateRegistered (profile edits need a login, so this bounds most edits), else the epoch.
Timestamp reviewer_modified(const Json& user, const TimeZone& zone);

}  // namespace ojsync
