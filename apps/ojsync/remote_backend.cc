// The commands against a running daemon, over its HTTP API.
#include <string>

#include "backend.h"
#include "connectors/http/curl_transport.h"
#include "service/http_status.h"

namespace ojsync::cli {
namespace {

// The status an API error stands for: its "error" member names the code (http_status.h);
// route-level errors without a code fall back to the HTTP status.
StatusCode code_of_error(const Json& body, int http_status) {
  const std::string name = body.get_string("error");
  for (int c = 1; c <= static_cast<int>(StatusCode::kUnauthenticated); ++c) {
    if (service::error_code_for(static_cast<StatusCode>(c)) == name)
      return static_cast<StatusCode>(c);
  }
  if (http_status == 404) return StatusCode::kNotFound;
  if (http_status == 503) return StatusCode::kUnavailable;
  return http_status >= 500 ? StatusCode::kInternal : StatusCode::kInvalidArgument;
}

std::string query_limit(std::size_t limit) { return "limit=" + std::to_string(limit); }

class RemoteBackend final : public Backend {
 public:
  RemoteBackend(std::string base_url, std::string token, std::unique_ptr<HttpTransport> transport)
      : base_url_(std::move(base_url)),
        token_(std::move(token)),
        transport_(std::move(transport)) {}

  Result<Json> sync(const std::string& type, const std::string& id, Direction direction) override {
    return call("POST", "/v1/sync/" + type + "/" + id +
                            "?direction=" + std::string(direction_name(direction)));
  }

  Result<Json> batch(const std::string& type, const std::vector<std::string>& ids,
                     Direction direction) override {
    Json::Array id_list;
    for (const std::string& id : ids) id_list.emplace_back(id);
    Json body = Json::object();
    body["type"] = type;
    body["ids"] = Json(std::move(id_list));
    body["direction"] = direction_name(direction);
    return call("POST", "/v1/sync/batch", body.dump());
  }

  Result<Json> status(const std::string& type, const std::string& id) override {
    return call("GET", "/v1/sync/" + type + "/" + id);
  }

  Result<Json> conflicts(std::optional<ConflictStatus> filter, std::size_t limit) override {
    const std::string status = !filter                            ? "all"
                               : *filter == ConflictStatus::kOpen ? "open"
                                                                  : "resolved";
    return call("GET", "/v1/conflicts?status=" + status + "&" + query_limit(limit));
  }

  Result<Json> conflict(std::int64_t id) override {
    return call("GET", "/v1/conflicts/" + std::to_string(id));
  }

  Result<Json> resolve(std::int64_t id, const Json& resolution,
                       const std::string& resolved_by) override {
    Json body = Json::object();
    body["resolution"] = resolution;
    body["resolved_by"] = resolved_by;
    return call("POST", "/v1/conflicts/" + std::to_string(id) + "/resolve", body.dump());
  }

  Result<Json> stats() override { return call("GET", "/v1/stats"); }

  // /readyz answers 503 with the full report when unhealthy: that is a result, not an error.
  Result<Json> health() override { return call("GET", "/readyz", "", /*accept_503=*/true); }

  Result<Json> dead_jobs(std::size_t limit) override {
    return call("GET", "/v1/dlq?" + query_limit(limit));
  }

  Result<Json> replay(std::int64_t job_id) override {
    return call("POST", "/v1/dlq/" + std::to_string(job_id) + "/replay");
  }

  std::size_t max_batch() const override { return 100; }  // The daemon's default bound per request.

 private:
  Result<Json> call(std::string method, const std::string& path_and_query, std::string body = "",
                    bool accept_503 = false) {
    HttpRequest request{std::move(method), base_url_ + path_and_query, {}, std::move(body)};
    if (!request.body.empty()) request.headers.emplace_back("Content-Type", "application/json");
    if (!token_.empty()) request.headers.emplace_back("Authorization", "Bearer " + token_);
    auto response = transport_->send(request);
    if (!response.ok()) {
      return Status(response.status().code(),
                    "cannot reach the daemon at " + base_url_ + ": " + response.status().message());
    }
    auto parsed = Json::parse(response->body);
    if (!parsed.ok())
      return Internal("the daemon answered HTTP " + std::to_string(response->status) +
                      " without JSON");
    const bool ok = (response->status >= 200 && response->status < 300) ||
                    (accept_503 && response->status == 503);
    if (!ok) return Status(code_of_error(*parsed, response->status), parsed->get_string("message"));
    return std::move(parsed).value();
  }

  const std::string base_url_;
  const std::string token_;  // Never logged or printed.
  std::unique_ptr<HttpTransport> transport_;
};

}  // namespace

Result<std::unique_ptr<Backend>> make_remote_backend(const std::string& base_url,
                                                     std::string token) {
  if (!base_url.starts_with("http://") && !base_url.starts_with("https://")) {
    return InvalidArgument("--server must be an http:// or https:// URL");
  }
  std::string base = base_url;
  while (base.ends_with("/")) base.pop_back();
  CurlTransportOptions options;
  options.total_timeout =
      std::chrono::minutes(5);  // A batch or a resolve runs syncs before answering.
  OJSYNC_ASSIGN_OR_RETURN(std::unique_ptr<HttpTransport> transport, make_curl_transport(options));
  return std::unique_ptr<Backend>(
      std::make_unique<RemoteBackend>(std::move(base), std::move(token), std::move(transport)));
}

}  // namespace ojsync::cli
