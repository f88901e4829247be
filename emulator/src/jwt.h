// HS256 JSON Web Tokens as OJS issues and checks them (firebase/php-jwt). OJS signs the user's
// API key with [security] api_key_secret: the payload is a bare JSON string in 3.3/3.4 and a
// one-element JSON array in 3.5. Decoding reproduces php-jwt's checks in order, including its
// exception messages, because OJS 3.3/3.4 echo them in the 403 body.
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <string_view>

namespace ojsemu {

std::string base64url_encode(std::string_view bytes);
// php-jwt's urlsafeB64Decode: pads, maps -_ to +/, then PHP's lenient base64_decode (characters
// outside the alphabet are skipped).
std::string base64url_decode_lenient(std::string_view text);

// Signs `payload` (any JSON value, serialised PHP-style) with header {"typ":"JWT","alg":"HS256"}.
std::string jwt_encode_hs256(const boost::json::value& payload, std::string_view secret);

struct JwtDecoded {
  enum class Outcome {
    kOk,
    kMalformed,     // php-jwt UnexpectedValueException / DomainException
    kBadSignature,  // php-jwt SignatureInvalidException
  };
  Outcome outcome = Outcome::kMalformed;
  std::string error;            // php-jwt's exception message when not kOk
  boost::json::value payload;   // decoded claims when kOk
};

// Decodes and verifies like php-jwt 5.x JWT::decode($jwt, $secret, ['HS256']) (OJS 3.3/3.4).
JwtDecoded jwt_decode_hs256(std::string_view token, std::string_view secret, std::int64_t unix_now);

// Only the payload segment, parsed like php-jwt's jsonDecode (no signature check). OJS 3.5's
// PKPJwt looks at it first to accept legacy string payloads.
JwtDecoded jwt_peek_payload(std::string_view token);

}  // namespace ojsemu
