#include "service/api_call.h"

#include <charconv>
#include <string>

namespace ojsync::service {
namespace {

Result<std::int64_t> parse_positive(std::string_view text, std::string_view what) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value <= 0) {
    return InvalidArgument(std::string(what) + " must be a positive integer");
  }
  return value;
}

}  // namespace

Result<Json> ApiCall::json_object_body() const {
  if (request.body.empty()) return InvalidArgument("the request needs a JSON object body");
  Json::ParseLimits parse_limits;
  parse_limits.max_bytes = request.body.size();  // The server already bounded the body.
  parse_limits.max_depth = limits.max_json_depth;
  OJSYNC_ASSIGN_OR_RETURN(Json body, Json::parse(request.body, parse_limits));
  if (!body.is_object()) return InvalidArgument("the request body must be a JSON object");
  return body;
}

Result<std::size_t> ApiCall::list_limit() const {
  const std::string* raw = request.query_param("limit");
  if (raw == nullptr) return limits.default_list;
  auto value = parse_positive(*raw, "limit");
  if (!value.ok() || static_cast<std::size_t>(*value) > limits.max_list) {
    return InvalidArgument("limit must be between 1 and " + std::to_string(limits.max_list));
  }
  return static_cast<std::size_t>(*value);
}

Result<Direction> ApiCall::direction() const {
  const std::string* raw = request.query_param("direction");
  if (raw == nullptr) return Direction::kBoth;
  return parse_direction(*raw);
}

Result<std::int64_t> ApiCall::positive_id(std::string_view name) const {
  return parse_positive(params.get(name), name);
}

}  // namespace ojsync::service
