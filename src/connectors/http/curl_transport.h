// The libcurl HttpTransport used against real OJS servers.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "connectors/http/http_transport.h"
#include "ojsync/time.h"

namespace ojsync {

struct CurlTransportOptions {
  // A CA bundle file or a hashed certificate directory; empty uses the system store. TLS peer
  // and host verification are always on: a journal reached over HTTPS must prove who it is.
  std::string ca_path;
  Duration connect_timeout = std::chrono::seconds(10);
  Duration total_timeout = std::chrono::seconds(60);  // Whole exchange, body included.
  // Larger bodies are refused (kFailedPrecondition); OJS pages of 100 submissions are ~1 MB.
  std::size_t max_response_bytes = 32u << 20;
  // Easy handles (each with its keep-alive connections) kept for reuse between calls; more
  // concurrent callers get a fresh handle that is dropped after use.
  std::size_t max_idle_handles = 8;
  std::string user_agent = "ojsync";
};

// Proxies come from the environment as curl reads them (http_proxy, https_proxy, no_proxy).
// Requests advertise gzip and the body is decoded before it is returned. Redirects are not
// followed: the caller sees the 3xx (a moved journal is a configuration problem, and a POST must
// never be replayed elsewhere). Thread-safe.
Result<std::unique_ptr<HttpTransport>> make_curl_transport(CurlTransportOptions options);

}  // namespace ojsync
