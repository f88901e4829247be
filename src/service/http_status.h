// The one mapping from a Status to the HTTP answer of the API. Every handler that fails with
// a Status answers through set_status_error, so a code means the same HTTP status everywhere.
#pragma once

#include <string>

#include "ojsync/json.h"
#include "ojsync/status.h"
#include "service/http_server.h"

namespace ojsync::service {

// `conditional` is true when the request carried a condition (If-Match): then a failed
// precondition means that condition failed (412); otherwise it is a state conflict (409).
int http_status_for(StatusCode code, bool conditional = false);

// The error member of the API's error shape: the code's name in lower case ("not_found").
std::string error_code_for(StatusCode code);

// {"error": error_code_for(code), "message": ...}: the API's error shape. Server-side faults
// (internal, data loss, unknown) get a generic message: their details may name files or SQL
// and belong in the log, not in a response.
Json status_error_body(const Status& status);

// Answers status_error_body(status) with http_status_for(code); logs server-side faults.
void set_status_error(HttpResponse& response, const Status& status, bool conditional = false);

}  // namespace ojsync::service
