// Small pieces shared by the endpoint handlers.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "api_call.h"
#include "http_types.h"
#include "validation.h"

namespace ojsemu {

// The request body as OJS reads it, already coerced with convertStringsToSchema().
boost::json::object body_params(const ApiCall& call, Entity entity);

// {"itemsMax": total, "items": [...]}.
HttpResponse list_response(std::int64_t items_max, boost::json::array items);
HttpResponse validation_failure(const ValidationErrors& errors);

// The publication named by the {publicationId} route parameter, or the response OJS gives when
// it is unknown (404 resourceNotFound) or belongs to another submission (403).
std::variant<Publication*, HttpResponse> route_publication(ApiCall& call);

std::vector<std::string> journal_locale_codes(const ApiCall& call);
// The primary locale of a publication: its submission's locale (the journal's when unset).
std::string publication_primary_locale(const ApiCall& call);

// Integer value of a route parameter as PHP's (int) cast reads it.
std::int64_t int_param(const ApiCall& call, const char* name);

// Page of `ids` for a list limit/offset; a missing limit means every row.
template <typename T>
std::vector<T> page_of(const std::vector<T>& all, std::int64_t offset, std::optional<std::int64_t> limit) {
  std::vector<T> out;
  const auto begin = std::min<std::size_t>(all.size(), static_cast<std::size_t>(std::max<std::int64_t>(0, offset)));
  auto end = all.size();
  if (limit) end = std::min<std::size_t>(end, begin + static_cast<std::size_t>(std::max<std::int64_t>(0, *limit)));
  out.assign(all.begin() + static_cast<std::ptrdiff_t>(begin), all.begin() + static_cast<std::ptrdiff_t>(end));
  return out;
}

}  // namespace ojsemu
