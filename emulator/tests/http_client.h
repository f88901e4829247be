// A minimal libcurl client for integration tests: one handle (so connections are reused, as
// our connector does), any method, raw bodies, response headers kept.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ojsemu::testing {

struct ClientResponse {
  long status = 0;  // 0 when the transfer failed (e.g. connection closed without an answer)
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string error;

  const std::string* header(const std::string& name) const;
};

class HttpClient {
 public:
  explicit HttpClient(std::string base);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  ClientResponse request(const std::string& method, const std::string& target,
                         const std::vector<std::pair<std::string, std::string>>& headers = {},
                         const std::optional<std::string>& body = std::nullopt);
  ClientResponse get(const std::string& target, const std::string& token = "");
  ClientResponse send_json(const std::string& method, const std::string& target, const std::string& token,
                           const std::string& json_body);

  long timeout_ms = 20000;
  // One connection per request. libcurl silently re-sends a request once when a reused
  // connection closes without an answer, which hides injected drops from a test.
  bool fresh_connections = false;

 private:
  std::string base_;
  void* curl_;
};

}  // namespace ojsemu::testing
