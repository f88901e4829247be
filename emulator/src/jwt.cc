#include "jwt.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <vector>

#include "php_json.h"

namespace ojsemu {
namespace {

constexpr char kB64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int b64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

std::string hmac_sha256(std::string_view key, std::string_view message) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest.data(), &len);
  return std::string(reinterpret_cast<const char*>(digest.data()), len);
}

bool has_invalid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >= 0xC2 && c <= 0xDF) ? 2 : (c >= 0xE0 && c <= 0xEF) ? 3
                                    : (c >= 0xF0 && c <= 0xF4) ? 4 : 0;
    if (len == 0 || i + len > s.size()) return true;
    for (std::size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return true;
    }
    i += len;
  }
  return false;
}

// php-jwt's jsonDecode(): json_decode() and a DomainException carrying PHP's error text.
bool php_json_decode(std::string_view text, boost::json::value& out, std::string& error) {
  if (auto v = parse_json_body(text, 512)) {
    out = std::move(*v);
    return true;
  }
  if (has_invalid_utf8(text)) {
    error = "Malformed UTF-8 characters";
  } else if (text.find_first_of(std::string_view("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f"
                                                  "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b"
                                                  "\x1c\x1d\x1e\x1f", 29)) != std::string_view::npos) {
    error = "Unexpected control character found";
  } else {
    error = "Syntax error, malformed JSON";
  }
  return false;
}

JwtDecoded failure(JwtDecoded::Outcome outcome, std::string message) {
  JwtDecoded d;
  d.outcome = outcome;
  d.error = std::move(message);
  return d;
}

bool is_supported_alg(std::string_view alg) {
  static constexpr std::string_view kAlgs[] = {"ES384", "ES256", "HS256", "HS384", "HS512",
                                               "RS256", "RS384", "RS512", "EdDSA"};
  for (auto a : kAlgs) {
    if (a == alg) return true;
  }
  return false;
}

std::vector<std::string_view> split_dots(std::string_view token) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = token.find('.', start);
    parts.push_back(token.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) return parts;
    start = dot + 1;
  }
}

// Claims are only checked when the payload is an object, as in php-jwt (isset($payload->exp)).
std::string time_claim_error(const boost::json::value& payload, std::int64_t now) {
  if (!payload.is_object()) return {};
  const auto& o = payload.get_object();
  const auto number = [&](const char* key, std::int64_t& out) {
    const auto* v = o.if_contains(key);
    if (v == nullptr || !(v->is_int64() || v->is_double())) return false;
    out = v->is_int64() ? v->get_int64() : static_cast<std::int64_t>(v->get_double());
    return true;
  };
  std::int64_t t = 0;
  if (number("nbf", t) && t > now) return "Cannot handle token prior to " + std::to_string(t);
  if (number("iat", t) && t > now) return "Cannot handle token prior to " + std::to_string(t);
  if (number("exp", t) && now >= t) return "Expired token";
  return {};
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kB64Url[(buffer >> bits) & 0x3F];
    }
  }
  if (bits > 0) out += kB64Url[(buffer << (6 - bits)) & 0x3F];
  return out;
}

std::string base64url_decode_lenient(std::string_view text) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const int v = b64_value(c);
    if (v < 0) continue;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

std::string jwt_encode_hs256(const boost::json::value& payload, std::string_view secret) {
  const std::string signing_input = base64url_encode(R"({"typ":"JWT","alg":"HS256"})") + "." +
                                    base64url_encode(to_php_json(payload));
  return signing_input + "." + base64url_encode(hmac_sha256(secret, signing_input));
}

JwtDecoded jwt_peek_payload(std::string_view token) {
  const auto parts = split_dots(token);
  if (parts.size() != 3) return failure(JwtDecoded::Outcome::kMalformed, "Wrong number of segments");
  JwtDecoded d;
  std::string error;
  if (!php_json_decode(base64url_decode_lenient(parts[1]), d.payload, error)) {
    return failure(JwtDecoded::Outcome::kMalformed, error);
  }
  if (d.payload.is_null()) return failure(JwtDecoded::Outcome::kMalformed, "Invalid claims encoding");
  d.outcome = JwtDecoded::Outcome::kOk;
  return d;
}

JwtDecoded jwt_decode_hs256(std::string_view token, std::string_view secret, std::int64_t unix_now) {
  using Outcome = JwtDecoded::Outcome;
  const auto parts = split_dots(token);
  if (parts.size() != 3) return failure(Outcome::kMalformed, "Wrong number of segments");
  std::string error;
  boost::json::value header;
  if (!php_json_decode(base64url_decode_lenient(parts[0]), header, error)) {
    return failure(Outcome::kMalformed, error);
  }
  if (header.is_null()) return failure(Outcome::kMalformed, "Invalid header encoding");
  JwtDecoded d;
  if (!php_json_decode(base64url_decode_lenient(parts[1]), d.payload, error)) {
    return failure(Outcome::kMalformed, error);
  }
  if (d.payload.is_null()) return failure(Outcome::kMalformed, "Invalid claims encoding");
  const auto* alg = header.is_object() ? header.get_object().if_contains("alg") : nullptr;
  if (alg == nullptr || alg->is_null() || (alg->is_string() && alg->get_string().empty())) {
    return failure(Outcome::kMalformed, "Empty algorithm");
  }
  if (!alg->is_string() || !is_supported_alg(alg->get_string())) {
    return failure(Outcome::kMalformed, "Algorithm not supported");
  }
  if (alg->get_string() != "HS256") return failure(Outcome::kMalformed, "Algorithm not allowed");
  const std::string signing_input = std::string(parts[0]) + "." + std::string(parts[1]);
  const std::string expected = hmac_sha256(secret, signing_input);
  const std::string given = base64url_decode_lenient(parts[2]);
  if (given.size() != expected.size() ||
      CRYPTO_memcmp(given.data(), expected.data(), expected.size()) != 0) {
    return failure(Outcome::kBadSignature, "Signature verification failed");
  }
  if (std::string claim_error = time_claim_error(d.payload, unix_now); !claim_error.empty()) {
    return failure(Outcome::kMalformed, claim_error);
  }
  d.outcome = Outcome::kOk;
  return d;
}

}  // namespace ojsemu
