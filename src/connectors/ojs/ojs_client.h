// OjsClient: authenticated JSON calls to one journal's REST API. It attaches the token
// (Bearer header, or ?apiToken= when the server strips the header), sends through the
// HttpTransport, classifies the answer (ojs_error.h) and parses the JSON body.
//
// The token appears in no Status message: every message passes through redact().
// Thread-safe (the fallback switch is an atomic; everything else is immutable).
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "connectors/http/http_transport.h"
#include "connectors/ojs/ojs_error.h"
#include "connectors/ojs/ojs_url.h"
#include "ojsync/json.h"
#include "ojsync/ojs_connector.h"

namespace ojsync {

struct ApiCall {
  std::string method = "GET";
  std::string path;  // Below /api/v1, e.g. "/submissions/5".
  QueryParams query;
  std::optional<Json> body;  // Sent as application/json.

  std::string what() const { return method + " " + path; }  // For messages: no query, no token.
};

struct ApiReply {
  int http_status = 0;
  OjsError error;  // status OK on 2xx.
  Json body;       // Parsed JSON; null when the body was empty or not JSON.
  bool body_is_json = false;
};

// How often an idempotent request meeting a transient failure is tried (OjsConnectorOptions).
struct RequestRetries {
  int attempts = 1;
  Duration max_wait{0};
};

class OjsClient {
 public:
  OjsClient(OjsUrl url, std::string token, OjsAuthMode mode,
            std::shared_ptr<HttpTransport> transport, const Clock& clock,
            std::size_t max_body_bytes, RequestRetries retries = {});

  // The raw exchange: a non-OK Result only for transport failures; HTTP errors are in the reply.
  Result<ApiReply> exchange(const ApiCall& call) const;
  // 2xx → the JSON body; otherwise the classified error. A 2xx body that is not JSON is
  // kFailedPrecondition (something other than OJS answered).
  Result<Json> call(const ApiCall& call) const;
  // Like call(), but OJS's "no such entity" 404 gives std::nullopt.
  Result<std::optional<Json>> call_optional(const ApiCall& call) const;
  // A list endpoint's `items` ({"itemsMax": n, "items": [...]}); an answer without them is
  // kFailedPrecondition.
  Result<Json::Array> call_list(const ApiCall& call) const;

  const Clock& clock() const { return clock_; }
  // Replaces the token (raw or percent-encoded) in `text` by "<redacted>".
  std::string redact(std::string text) const;

 private:
  HttpRequest build(const ApiCall& call, bool token_in_query) const;
  Result<ApiReply> send_once(const ApiCall& call, bool token_in_query) const;
  // send_once, tried again on transient failures of idempotent requests (RequestRetries).
  Result<ApiReply> send(const ApiCall& call, bool token_in_query) const;
  Status redacted(const Status& s) const;

  const OjsUrl url_;
  const std::string token_;
  const OjsAuthMode mode_;
  const std::shared_ptr<HttpTransport> transport_;
  const Clock& clock_;
  const std::size_t max_body_bytes_;
  const RequestRetries retries_;
  mutable std::atomic<bool> token_in_query_;
};

}  // namespace ojsync
