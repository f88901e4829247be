#include "service/webhook_verifier.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>

namespace ojsync::service {
namespace {

constexpr std::size_t kMaxIdBytes = 256;
constexpr std::size_t kMaxSignatureHeaderBytes = 1024;

std::string base64(const unsigned char* data, std::size_t n) {
  std::string out(4 * ((n + 2) / 3), '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(n));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

Result<std::string> decode_base64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return InvalidArgument("not base64");
  std::string out(3 * text.size() / 4, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return InvalidArgument("not base64");
  std::size_t padding = 0;
  for (std::size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) ++padding;
  out.resize(static_cast<std::size_t>(n) - padding);
  return out;
}

// base64(HMAC-SHA256(key, id.timestamp.body)) without building the concatenation.
std::string signature_for(const std::string& key, std::string_view id, std::string_view timestamp,
                          std::string_view body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  EVP_MAC* hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(hmac);
  char digest_name[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest_name, 0), OSSL_PARAM_construct_end()};
  std::size_t out_len = 0;
  const auto update = [&](std::string_view part) {
    EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(part.data()), part.size());
  };
  if (EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(key.data()), key.size(), params) == 1) {
    update(id);
    update(".");
    update(timestamp);
    update(".");
    update(body);
    EVP_MAC_final(ctx, mac, &out_len, sizeof mac);
    mac_len = static_cast<unsigned int>(out_len);
  }
  EVP_MAC_CTX_free(ctx);
  EVP_MAC_free(hmac);
  return base64(mac, mac_len);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

Result<WebhookVerifier> WebhookVerifier::create(const std::vector<std::string>& secrets, Duration tolerance) {
  if (secrets.empty() || secrets.size() > 2) {
    return InvalidArgument("configure one or two webhook secrets (two while rotating)");
  }
  std::vector<std::string> keys;
  for (const auto& secret : secrets) {
    if (secret.rfind("whsec_", 0) == 0) {
      auto key = decode_base64(std::string_view(secret).substr(6));
      if (!key.ok() || key->size() < 16) {
        return InvalidArgument("a webhook secret starting with whsec_ must carry at least 16 base64 bytes");
      }
      keys.push_back(std::move(key).value());
    } else {
      if (secret.size() < 24) return InvalidArgument("a webhook secret must be at least 24 bytes long");
      keys.push_back(secret);
    }
  }
  return WebhookVerifier(std::move(keys), tolerance);
}

Status WebhookVerifier::verify(const WebhookHeaders& h, std::string_view body, Timestamp now) const {
  if (h.id.empty() || h.timestamp.empty() || h.signature.empty()) {
    return Unauthenticated("missing webhook headers (webhook-id, webhook-timestamp, webhook-signature)");
  }
  if (h.id.size() > kMaxIdBytes || h.signature.size() > kMaxSignatureHeaderBytes) {
    return Unauthenticated("webhook headers too long");
  }
  std::int64_t seconds = 0;
  auto [end, ec] = std::from_chars(h.timestamp.data(), h.timestamp.data() + h.timestamp.size(), seconds);
  if (ec != std::errc() || end != h.timestamp.data() + h.timestamp.size()) {
    return Unauthenticated("webhook-timestamp is not a unix time in seconds");
  }
  // First in whole seconds (never stricter than the exact check below): a huge number would
  // overflow the conversion to a Timestamp.
  const std::int64_t now_seconds =
      std::chrono::floor<std::chrono::seconds>(now).time_since_epoch().count();
  const std::int64_t tolerance_seconds =
      std::chrono::ceil<std::chrono::seconds>(tolerance_).count();
  if (seconds < now_seconds - tolerance_seconds || seconds > now_seconds + tolerance_seconds) {
    return Unauthenticated("webhook-timestamp is outside the tolerance window");
  }
  const auto sent = Timestamp(std::chrono::seconds(seconds));
  if (sent < now - tolerance_ || sent > now + tolerance_) {
    return Unauthenticated("webhook-timestamp is outside the tolerance window");
  }
  bool matched = false;
  for (const auto& key : keys_) {
    const std::string expected = signature_for(key, h.id, h.timestamp, body);
    std::string_view rest = h.signature;
    while (!rest.empty()) {
      const auto space = rest.find(' ');
      std::string_view candidate = rest.substr(0, space);
      rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
      if (candidate.rfind("v1,", 0) != 0) continue;
      // Evaluate every candidate: the time taken does not tell which one matched.
      matched |= constant_time_equal(candidate.substr(3), expected);
    }
  }
  if (!matched) return Unauthenticated("no matching webhook signature");
  return OkStatus();
}

std::string WebhookVerifier::sign(std::string_view id, std::string_view timestamp, std::string_view body) const {
  return "v1," + signature_for(keys_.front(), id, timestamp, body);
}

}  // namespace ojsync::service
