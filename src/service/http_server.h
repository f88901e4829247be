// A small HTTP/1.1 server (keep-alive, bounded requests, graceful stop) for the daemon's
// API. No Boost types here: Beast stays in http_server.cc, which is slow to compile.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ojsync/json.h"
#include "ojsync/status.h"
#include "ojsync/time.h"

namespace ojsync::service {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // Percent-decoded path, without the query.
  std::vector<std::pair<std::string, std::string>> query;  // Decoded, in order.
  std::map<std::string, std::string> headers;              // Lower-case names.
  std::string body;
  std::string remote_address;

  // First value of a query parameter, or nullptr.
  const std::string* query_param(std::string_view name) const;
  // A header value (name in lower case), or nullptr.
  const std::string* header(std::string_view lower_name) const;
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type = "application/json";

  void set_json(int status_code, const Json& body_json);
  // {"error": code, "message": message}: the one error shape of the API.
  void set_error(int status_code, std::string_view code, std::string_view message);
};

// Called on a server thread for every request. It may block (it runs the engine), but
// should not for long: the server has `threads` of them.
using HttpHandler = std::function<void(const HttpRequest&, HttpResponse&)>;

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0 = any free port; see HttpServer::port().
  std::size_t threads = 4;
  std::size_t max_body_bytes = 1024 * 1024;
  std::size_t max_header_bytes = 16 * 1024;
  Duration idle_timeout = std::chrono::seconds(30);
};

// Thread-safe. The destructor stops the server (as stop()).
class HttpServer {
 public:
  // Binds and starts serving. Errors: kUnavailable when the address cannot be bound.
  static Result<std::unique_ptr<HttpServer>> start(const HttpServerOptions& options, HttpHandler handler);
  ~HttpServer();

  std::uint16_t port() const;
  // Stops accepting, lets in-flight requests finish, closes idle connections, joins threads.
  void stop();

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ojsync::service
