#include "auth.h"

#include "jwt.h"
#include "php_json.h"

namespace ojsemu {
namespace {

std::string trim(std::string_view s) {
  const std::size_t b = s.find_first_not_of(" \t\n\r\v\f");
  if (b == std::string_view::npos) return "";
  const std::size_t e = s.find_last_not_of(" \t\n\r\v\f");
  return std::string(s.substr(b, e - b + 1));
}

AuthResult refuse(int status, std::string key, MessageParams params = {}) {
  AuthResult r;
  r.error_status = status;
  r.error_key = std::move(key);
  r.error_params = std::move(params);
  return r;
}

// Compatibility with old API keys (pkp-lib#6462): a key stored JSON-encoded is decoded once.
std::string unwrap_legacy_key(std::string key) {
  if (key.rfind("\"\"", 0) == 0) {
    if (auto v = parse_json_body(key, 8); v && v->is_string()) return std::string(v->get_string());
  }
  return key;
}

const User* user_for_key(const Database& db, const std::optional<std::string>& key) {
  if (!key) return nullptr;
  const User* u = db.user_by_api_key(*key);
  return u != nullptr && u->api_key_enabled ? u : nullptr;
}

AuthResult authenticate_3_3(const std::string& secret, const std::string& token, const Database& db,
                            std::int64_t now) {
  if (secret.empty()) return refuse(403, "api.500.apiSecretKeyMissing");
  const JwtDecoded d = jwt_decode_hs256(token, secret, now);
  if (d.outcome == JwtDecoded::Outcome::kBadSignature) return refuse(403, "api.400.invalidApiToken");
  if (d.outcome == JwtDecoded::Outcome::kMalformed) {
    return refuse(403, "api.400.tokenCouldNotBeDecoded", {{"error", d.error}});
  }
  AuthResult r;
  r.token_decoded = true;
  if (d.payload.is_string()) r.user = user_for_key(db, unwrap_legacy_key(std::string(d.payload.get_string())));
  return r;
}

AuthResult authenticate_3_5(const std::string& secret, const std::string& token, const Database& db,
                            std::int64_t now) {
  if (secret.empty()) return refuse(403, "api.500.apiSecretKeyMissing");
  const JwtDecoded peek = jwt_peek_payload(token);
  if (peek.outcome != JwtDecoded::Outcome::kOk) return refuse(400, "api.400.tokenCouldNotBeDecoded");
  std::optional<std::string> key;
  if (peek.payload.is_string()) {
    // PKPJwt re-signs a legacy string payload with the server secret before verifying it, so
    // the token's own signature is never checked (quirk kept on purpose).
    key = std::string(peek.payload.get_string());
  } else {
    const JwtDecoded d = jwt_decode_hs256(token, secret, now);
    if (d.outcome == JwtDecoded::Outcome::kBadSignature) return refuse(400, "api.400.invalidApiToken");
    if (d.outcome == JwtDecoded::Outcome::kMalformed) return refuse(400, "api.400.tokenCouldNotBeDecoded");
    if (d.payload.is_array() && !d.payload.get_array().empty() && d.payload.get_array()[0].is_string()) {
      key = std::string(d.payload.get_array()[0].get_string());
    }
  }
  AuthResult r;
  r.token_decoded = true;
  r.user = key ? user_for_key(db, unwrap_legacy_key(*key)) : nullptr;
  if (r.user == nullptr) return refuse(401, "api.403.unauthorized");
  return r;
}

}  // namespace

std::optional<std::string> extract_api_token(const HttpRequest& request, const QueryParams& query) {
  const std::string* header = request.header("Authorization");
  if (header != nullptr && !header->empty()) {
    std::size_t start = 0;
    while (start <= header->size()) {
      std::size_t comma = header->find(',', start);
      if (comma == std::string::npos) comma = header->size();
      const std::string clause = trim(std::string_view(*header).substr(start, comma - start));
      const std::size_t space = clause.find(' ');
      if (space != std::string::npos && clause.find(' ', space + 1) == std::string::npos &&
          clause.substr(0, space) == "Bearer") {
        return clause.substr(space + 1);
      }
      start = comma + 1;
    }
    return std::nullopt;
  }
  auto token = query.scalar("apiToken");
  if (token && token->empty()) return std::nullopt;
  return token;
}

AuthResult authenticate(OjsVersion version, const std::string& api_key_secret, const HttpRequest& request,
                        const QueryParams& query, const Database& db, std::int64_t unix_now) {
  const auto token = extract_api_token(request, query);
  if (!token) return {};
  if (version == OjsVersion::k3_5) return authenticate_3_5(api_key_secret, *token, db, unix_now);
  return authenticate_3_3(api_key_secret, *token, db, unix_now);
}

}  // namespace ojsemu
