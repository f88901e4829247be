// Response builders with the exact status/header/body shapes OJS uses. Two families exist in
// 3.3/3.4: responses that go through Slim (with Access-Control-Allow-Origin: *) and early exits
// of APIRouter::handleAuthorizationFailure() and the 404 paths (no CORS header). 3.5 errors put
// the translated text in "error".
#pragma once

#include <boost/json/value.hpp>
#include <string>

#include "http_types.h"
#include "messages.h"
#include "ojs_version.h"

namespace ojsemu {

HttpResponse json_response(int status, const boost::json::value& body);

// A handler-level error ($response->withJsonError()): {"error": key, "errorMessage": text} in
// 3.3/3.4, {"error": text} in 3.5.
HttpResponse api_error(OjsVersion version, int status, const std::string& key, const MessageParams& params = {});

// handleAuthorizationFailure(): always {"error": key, "errorMessage": text}, no CORS header.
// `translated` is false where OJS 3.3 prints the untranslated "##key##" (locale file not loaded).
HttpResponse authorization_failure(OjsVersion version, int status, const std::string& key,
                                   const MessageParams& params = {}, bool translated = true);

// 3.5 middleware errors: {"error": text}.
HttpResponse text_error(OjsVersion version, int status, const std::string& key, const MessageParams& params = {});

// Dispatcher::handle404(): an HTML page, not JSON.
HttpResponse html_not_found();

HttpResponse redirect(const std::string& location);

}  // namespace ojsemu
