#include "service/authenticator.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>

#include "ojsync/canonical.h"
#include "service/http_status.h"
#include "service/json_log.h"

namespace ojsync::service {
namespace {

constexpr std::size_t kTokenBytes = 32;

std::string base64url(const unsigned char* data, std::size_t n) {
  std::string out(4 * ((n + 2) / 3) + 1, '\0');
  const int written =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(n));
  out.resize(static_cast<std::size_t>(written));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

// The token of "Bearer <token>" (the scheme is case-insensitive, RFC 9110), or "".
std::string_view bearer_token(std::string_view header) {
  constexpr std::string_view kScheme = "bearer ";
  if (header.size() <= kScheme.size()) return {};
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) != kScheme[i]) return {};
  }
  std::string_view token = header.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  return token;
}

}  // namespace

Result<MintedToken> mint_token() {
  std::array<unsigned char, kTokenBytes> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
    return Internal("the system's random source failed");
  MintedToken minted;
  minted.secret = "ojs_" + base64url(bytes.data(), bytes.size());
  OPENSSL_cleanse(bytes.data(), bytes.size());
  minted.hash = token_hash(minted.secret);
  return minted;
}

std::string token_hash(std::string_view secret) { return sha256_hex(secret); }

Result<Principal> Authenticator::authenticate(const std::string* authorization) const {
  if (authorization == nullptr)
    return Unauthenticated("this route needs an Authorization: Bearer <token> header");
  const std::string_view secret = bearer_token(*authorization);
  if (secret.empty()) return Unauthenticated("the Authorization header is not Bearer <token>");
  const std::string hash = token_hash(secret);
  OJSYNC_ASSIGN_OR_RETURN(std::optional<ApiToken> token, store_->find_token(hash));
  // The lookup was by hash already; the constant-time compare keeps it so should the store
  // ever match loosely (a case-insensitive collation, a prefix index).
  const bool valid = token && !token->revoked() && token->token_hash.size() == hash.size() &&
                     CRYPTO_memcmp(token->token_hash.data(), hash.data(), hash.size()) == 0;
  if (!valid) return Unauthenticated("unknown or revoked token");
  return Principal{token->id, token->name, token->role, token->entity_types};
}

void Authenticator::record_use(const Principal& who) const {
  const Timestamp now = clock_->now();
  {
    std::lock_guard lock(mu_);
    auto [it, fresh] = last_touch_.try_emplace(who.token_id, now);
    if (!fresh) {
      if (now - it->second < touch_interval_) return;
      it->second = now;
    }
  }
  if (Status touched = store_->touch_token(who.token_id, now); !touched.ok()) {
    log_event(LogLevel::kWarn, "token_use_not_recorded",
              Json(Json::Object{{"token", Json(who.name)},
                                {"code", Json(error_code_for(touched.code()))}}));
  }
}

}  // namespace ojsync::service
