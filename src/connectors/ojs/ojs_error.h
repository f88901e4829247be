// The one place where an OJS HTTP response becomes a canonical Status. OJS's error shapes
// differ by version (3.3/3.4: 403 {"error": key, "errorMessage": text}; 3.5: 401/400
// {"error": translated text}; unknown submissions: an HTML "<h1>404 Not Found</h1>" in
// 3.3/3.4, JSON in 3.5), so this branches on the HTTP status first and treats the body as a
// hint, as spec/ojs-api/NOTES.md §2.4 advises.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "connectors/http/http_transport.h"
#include "ojsync/status.h"
#include "ojsync/time.h"

namespace ojsync {

struct OjsError {
  Status status;    // OK for 2xx.
  std::string key;  // OJS's error key when one is known ("api.403.unauthorized"), else "".
  // A 404 that means "this submission/publication/user does not exist" (as opposed to a wrong
  // URL, an unknown endpoint or an unknown journal, which must never read as a deletion).
  bool resource_absent = false;
  // OJS answered as if no API token arrived (the Authorization header may have been stripped).
  bool token_not_received = false;
  std::optional<Duration> retry_after;  // From Retry-After on 429/503.
};

// Mapping (retryable codes marked *):
//   2xx → OK;  3xx → kFailedPrecondition (moved: check base_url);
//   400 → kInvalidArgument with OJS's field errors ("title.en_US: This field is required."),
//         or kUnauthenticated for 3.5's token errors;
//   401 → kUnauthenticated;  403 → by key: token problems → kUnauthenticated, state problems
//         (published, not accepting) → kFailedPrecondition, unknown route → kUnimplemented,
//         unknown journal → kNotFound, otherwise kPermissionDenied;
//   404 → kNotFound (resource_absent only for OJS's own "no such entity" answers), unknown
//         endpoint → kUnimplemented;  405/501 → kUnimplemented;  408*/504* → kDeadlineExceeded;
//   409* → kAborted;  413 → kInvalidArgument;  429* → kResourceExhausted ("retry after Ns");
//   other 5xx* → kUnavailable;  other 4xx → kFailedPrecondition.
// `what` names the call for the message ("GET /submissions/5"); it must not contain secrets.
OjsError classify_ojs_response(const HttpResponse& response, std::string_view what, Timestamp now);

}  // namespace ojsync
