#include "connectors/ojs/ojs_client.h"

#include <spdlog/spdlog.h>

namespace ojsync {

OjsClient::OjsClient(OjsUrl url, std::string token, OjsAuthMode mode,
                     std::shared_ptr<HttpTransport> transport, const Clock& clock,
                     std::size_t max_body_bytes)
    : url_(std::move(url)),
      token_(std::move(token)),
      mode_(mode),
      transport_(std::move(transport)),
      clock_(clock),
      max_body_bytes_(max_body_bytes),
      token_in_query_(mode == OjsAuthMode::kQueryParameter) {}

std::string OjsClient::redact(std::string text) const {
  for (const std::string& secret : {token_, percent_encode(token_)}) {
    if (secret.empty()) continue;
    for (auto pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos)) {
      text.replace(pos, secret.size(), "<redacted>");
    }
  }
  return text;
}

Status OjsClient::redacted(const Status& s) const { return s.with_message(redact(s.message())); }

HttpRequest OjsClient::build(const ApiCall& call, bool token_in_query) const {
  HttpRequest request;
  request.method = call.method;
  QueryParams query = call.query;
  if (token_in_query) query.emplace_back("apiToken", token_);
  request.url = url_.api(call.path, query);
  request.headers.emplace_back("Accept", "application/json");
  if (!token_in_query) request.headers.emplace_back("Authorization", "Bearer " + token_);
  if (call.body) {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = call.body->dump();
  }
  return request;
}

Result<ApiReply> OjsClient::send_once(const ApiCall& call, bool token_in_query) const {
  auto response = transport_->send(build(call, token_in_query));
  if (!response.ok()) {
    return response.status().with_message(call.what() + ": " + redact(response.status().message()));
  }
  ApiReply reply;
  reply.http_status = response->status;
  reply.error = classify_ojs_response(*response, call.what(), clock_.now());
  reply.error.status = redacted(reply.error.status);
  if (!response->body.empty()) {
    auto parsed = Json::parse(response->body, Json::ParseLimits{max_body_bytes_, 64});
    if (parsed.ok()) {
      reply.body = std::move(parsed).value();
      reply.body_is_json = true;
    }
  }
  return reply;
}

Result<ApiReply> OjsClient::exchange(const ApiCall& call) const {
  const bool in_query = token_in_query_.load();
  OJSYNC_ASSIGN_OR_RETURN(ApiReply reply, send_once(call, in_query));
  if (in_query || mode_ != OjsAuthMode::kBearerWithQueryFallback || !reply.error.token_not_received)
    return reply;
  // OJS rejected the request before acting on it, as if no token had arrived: retry once with
  // the token in the query, and keep that transport if the server accepts it.
  OJSYNC_ASSIGN_OR_RETURN(ApiReply retry, send_once(call, true));
  if (!retry.error.token_not_received) {
    if (!token_in_query_.exchange(true)) {
      spdlog::warn(
          "OJS ignored the Authorization header (a web server that strips it, e.g. Apache without "
          "CGIPassAuth On); sending the API token as the apiToken query parameter from now on");
    }
  }
  return retry;
}

Result<Json> OjsClient::call(const ApiCall& call) const {
  OJSYNC_ASSIGN_OR_RETURN(ApiReply reply, exchange(call));
  if (!reply.error.status.ok()) return reply.error.status;
  if (!reply.body_is_json && reply.http_status != 204) {
    return FailedPrecondition(call.what() + ": HTTP " + std::to_string(reply.http_status) +
                              " with a body that is not JSON (is base_url an OJS installation?)");
  }
  return std::move(reply.body);
}

Result<Json::Array> OjsClient::call_list(const ApiCall& call) const {
  OJSYNC_ASSIGN_OR_RETURN(Json body, this->call(call));
  Json* items = body.find("items");
  if (items == nullptr || !items->is_array()) {
    return FailedPrecondition(call.what() + ": no items list in the answer");
  }
  return std::move(items->as_array());
}

Result<std::optional<Json>> OjsClient::call_optional(const ApiCall& call) const {
  OJSYNC_ASSIGN_OR_RETURN(ApiReply reply, exchange(call));
  if (reply.error.resource_absent) return std::optional<Json>();
  if (!reply.error.status.ok()) return reply.error.status;
  if (!reply.body_is_json) {
    return FailedPrecondition(call.what() + ": HTTP " + std::to_string(reply.http_status) +
                              " with a body that is not JSON (is base_url an OJS installation?)");
  }
  return std::optional<Json>(std::move(reply.body));
}

}  // namespace ojsync
