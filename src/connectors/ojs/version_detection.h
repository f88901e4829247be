// Tells OJS 3.3, 3.4 and 3.5 apart from their answers (they do not report their version).
#pragma once

#include "connectors/ojs/ojs_client.h"
#include "ojsync/ojs_connector.h"

namespace ojsync {

// From a submission as listed or fetched: submissionProgress is an integer in 3.3 and a string
// in 3.4+; 3.5 adds summary flags (editorAssigned, recommendationsIn, ...). kDetect when the
// object says nothing.
OjsVersion version_from_submission(const Json& submission);

// From GET /submissions/0/decisions: 3.3 has no such route (403 api.404.endpointNotFound); 3.4
// answers the unknown submission with its HTML 404; 3.5 with a JSON 404.
OjsVersion version_from_decisions_probe(const ApiReply& reply);

// Asks OJS: one list request, plus the probe when the journal has no submission yet. Errors
// from OJS (authentication, network) are returned as is; kFailedPrecondition when the answers
// fit no known version.
Result<OjsVersion> detect_ojs_version(const OjsClient& client);

}  // namespace ojsync
