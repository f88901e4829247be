// HttpTransport: the one door through which connectors talk HTTP. The OJS connector builds
// requests and interprets responses; a transport only moves bytes, so tests swap in a
// replaying or scripted fake and production uses libcurl (curl_transport.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ojsync/status.h"

namespace ojsync {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;  // "GET", "POST", "PUT", "DELETE", "HEAD"
  std::string url;     // Absolute; may carry a secret query parameter, so never log it.
  HttpHeaders headers;
  std::string body;  // Sent as is when non-empty (or for POST/PUT even when empty).
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;  // As received, in order (names keep their case).
  std::string body;     // Decoded (gzip already undone by the transport).

  // The first header named `name` (ASCII case-insensitive), or nullptr.
  const std::string* header(std::string_view name) const;
};

// Sends one request and returns the response, whatever its HTTP status. A non-OK Status means
// no usable response arrived: kUnavailable (connection refused/reset, DNS failure),
// kDeadlineExceeded (timeout; the request may have taken effect), kFailedPrecondition (TLS
// verification failed, response larger than the configured cap), kInvalidArgument (malformed
// URL). Messages never contain the URL's query or any header value.
//
// Implementations must be safe to call from several threads at once.
class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  virtual Result<HttpResponse> send(const HttpRequest& request) = 0;
};

// ASCII case-insensitive equality, as HTTP header names compare.
bool header_name_equals(std::string_view a, std::string_view b);

}  // namespace ojsync
