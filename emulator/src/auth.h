// API-token authentication as OJS performs it (ApiTokenDecodingMiddleware in 3.3/3.4,
// DecodeApiTokenWithValidation + PKPJwt in 3.5): where the token is read from, how it is decoded
// and which user it resolves to. Errors carry the status and locale key of the version.
#pragma once

#include <optional>
#include <string>

#include "http_types.h"
#include "messages.h"
#include "model.h"
#include "ojs_version.h"
#include "query_params.h"

namespace ojsemu {

// getJWT()/getApiToken(): a non-empty Authorization header is split on commas and the first
// clause that is exactly "Bearer <token>" wins (no fallback to ?apiToken= when the header exists
// but has no such clause); without the header, the apiToken query parameter is used.
std::optional<std::string> extract_api_token(const HttpRequest& request, const QueryParams& query);

struct AuthResult {
  // A token was sent and decoded (OJS then skips its CSRF check even if no user matched).
  bool token_decoded = false;
  const User* user = nullptr;
  // Set when the request must be refused right away.
  std::optional<int> error_status;
  std::string error_key;
  MessageParams error_params;
};

AuthResult authenticate(OjsVersion version, const std::string& api_key_secret, const HttpRequest& request,
                        const QueryParams& query, const Database& db, std::int64_t unix_now);

}  // namespace ojsemu
