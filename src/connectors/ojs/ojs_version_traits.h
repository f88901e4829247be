// What changes between OJS 3.3, 3.4 and 3.5 as far as the connector is concerned. Every
// version-dependent choice goes through one of these functions, so a new OJS version is one
// place to teach.
#pragma once

#include <string_view>

#include "ojsync/ojs_connector.h"

namespace ojsync {

std::string_view version_name(OjsVersion v);  // "3.3", "3.4", "3.5" ("detect")

// The submissions-list orderBy value for "last activity". OJS silently ignores an unknown value
// and falls back to dateSubmitted order, so the wrong one would break change detection.
std::string_view activity_order_by(OjsVersion v);  // "dateLastActivity" (3.3) / "lastActivity"

// 3.3 keys locales as en_US; 3.4 renamed them (en_US → en) in its upgrade.
std::string_view version_default_locale(OjsVersion v);

// 3.3 has no decision endpoints; 3.4+ have GET/POST /submissions/{id}/decisions.
bool has_decision_api(OjsVersion v);
// 3.4+ edit authors through /publications/{id}/contributors; 3.3 has no author API at all.
bool has_contributor_api(OjsVersion v);
// 3.3 lets PUT /submissions/{id} set status and stageId; 3.4+ flag them writeDisabledInApi.
bool submission_workflow_writable(OjsVersion v);
// 3.4+ create the first publication with the submission; 3.3 needs POST .../publications.
bool creates_publication_with_submission(OjsVersion v);
// 3.5 turned keywords into controlled-vocabulary objects {name, identifier, source}.
bool keywords_are_objects(OjsVersion v);
// 3.5 replaced an author's multilingual `affiliation` by a read-only `affiliations` list.
bool has_affiliation_objects(OjsVersion v);

}  // namespace ojsync
