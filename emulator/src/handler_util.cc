#include "handler_util.h"

#include "query_params.h"
#include "responses.h"

namespace ojsemu {

boost::json::object body_params(const ApiCall& call, Entity entity) {
  return coerce_to_schema(call.version(), entity, parse_body_params(call.http, call.config.max_json_depth));
}

HttpResponse list_response(std::int64_t items_max, boost::json::array items) {
  boost::json::object o;
  o.emplace("itemsMax", items_max);
  o.emplace("items", std::move(items));
  return json_response(200, o);
}

HttpResponse validation_failure(const ValidationErrors& errors) { return json_response(400, errors.json()); }

std::int64_t int_param(const ApiCall& call, const char* name) {
  const std::string* v = call.param(name);
  return v == nullptr ? 0 : php_int_cast(*v);
}

std::variant<Publication*, HttpResponse> route_publication(ApiCall& call) {
  const std::int64_t id = int_param(call, "publicationId");
  const auto owner = call.db.publication_owner.find(static_cast<int>(id));
  if (id <= 0 || id > INT32_MAX || owner == call.db.publication_owner.end()) {
    return api_error(call.version(), 404, "api.404.resourceNotFound");
  }
  if (owner->second != call.submission->id) {
    return api_error(call.version(), 403, "api.publications.403.submissionsDidNotMatch");
  }
  for (auto& p : call.submission->publications) {
    if (p.id == id) return &p;
  }
  return api_error(call.version(), 404, "api.404.resourceNotFound");
}

std::vector<std::string> journal_locale_codes(const ApiCall& call) { return call.db.journal.locales; }

std::string publication_primary_locale(const ApiCall& call) {
  if (call.submission != nullptr && call.submission->locale) return *call.submission->locale;
  return call.db.journal.locales.front();
}

}  // namespace ojsemu
