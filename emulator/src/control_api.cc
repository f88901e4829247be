#include "control_api.h"

#include "query_params.h"
#include "responses.h"

namespace ojsemu {

std::optional<HttpResponse> handle_control(const HttpRequest& request, Emulator& emulator, RequestStats& stats) {
  const std::string_view path = request.path();
  if (path.substr(0, kControlPrefix.size()) != kControlPrefix) return std::nullopt;
  const std::string_view name = path.substr(kControlPrefix.size());
  if (name == "health" && request.method == "GET") {
    return json_response(200, boost::json::object{{"ok", true},
                                                  {"ojsVersion", to_string(emulator.config().version)}});
  }
  if (name == "stats" && request.method == "GET") return json_response(200, stats.to_json());
  if (name == "stats/reset" && request.method == "POST") {
    stats.reset();
    return json_response(200, boost::json::object{{"ok", true}});
  }
  if (name == "token" && request.method == "GET") {
    const auto user = QueryParams::parse(request.query()).scalar("user").value_or("");
    if (auto token = emulator.token_for(user)) return json_response(200, boost::json::object{{"token", *token}});
    return json_response(404, boost::json::object{{"error", "no user with an API key named '" + user + "'"}});
  }
  return json_response(404, boost::json::object{{"error", "unknown control endpoint"}});
}

}  // namespace ojsemu
