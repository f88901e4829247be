// Manuscripts: an OJS submission with its current publication, as one JSON document.
//
// Document members (empty ones left out): title, subtitle, abstract (locale → text),
// keywords (locale → [text]), authors ([author], author_mapping.h), sectionId, status,
// stageId, locale, publicationId, and the dates dateSubmitted, lastModified and
// dateLastActivity as ISO 8601 UTC (lastModified/dateLastActivity are volatile).
#pragma once

#include <string>
#include <vector>

#include "connectors/ojs/time_zone.h"
#include "ojsync/json.h"
#include "ojsync/ojs_connector.h"
#include "ojsync/status.h"

namespace ojsync {

// `submission`: GET /submissions/{id} (or a list item); `publication`: the full current
// publication, nullopt when the submission has none (3.3 creates none with the submission).
// The publication's members are moved into the document: a caller done with it moves it in.
Json project_manuscript(const Json& submission, std::optional<Json> publication, OjsVersion v,
                        const TimeZone& zone);

// When OJS last saw activity on the submission (dateLastActivity, else lastModified), in UTC;
// the epoch when neither is readable.
Timestamp manuscript_modified(const Json& submission, const TimeZone& zone);

struct ManuscriptPlan {
  Json submission_patch = Json::object();    // PUT /submissions/{id}
  Json publication_patch = Json::object();   // PUT /submissions/{id}/publications/{pid}
  bool authors_differ = false;               // Contributor calls needed (3.4+).
  Json desired_authors = Json::array();      // Normalized.
  std::vector<std::string> rejected_fields;  // Sorted, unique.
};

// What to send so OJS holds `desired`, given what it holds (`current`, a projection, and the
// raw publication for 3.5 vocabulary objects; nullptr if none). Fields OJS cannot store through
// its API in version `v` go to rejected_fields: status/stageId in 3.4+ (writeDisabledInApi),
// authors in 3.3 (no author API), read-only dateSubmitted/publicationId when the document
// asks for another value, and members that are not part of the projection. Volatile dates are
// ignored. kInvalidArgument when a member has the wrong type.
Result<ManuscriptPlan> plan_manuscript_update(const Json& desired, const Json& current,
                                              const Json* raw_publication, OjsVersion v);

}  // namespace ojsync
