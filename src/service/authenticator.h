// Authenticator: turns an "Authorization: Bearer <token>" header into the Principal behind it,
// and mints new tokens. Tokens are "ojs_" + 32 random bytes (OpenSSL RAND_bytes) in base64url;
// only their SHA-256 is ever stored or compared (a hash of 256 random bits needs no slow KDF).
//
// Thread-safe.
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "ojsync/store.h"
#include "ojsync/time.h"
#include "service/access_policy.h"

namespace ojsync::service {

struct MintedToken {
  std::string secret;  // Shown once to whoever created it; never stored or logged.
  std::string hash;    // token_hash(secret): what the store keeps.
};

// kInternal when the system's random source fails.
Result<MintedToken> mint_token();
std::string token_hash(std::string_view secret);

class Authenticator {
 public:
  // Borrowed pointers. Uses are written to the store at most once per `touch_interval` per
  // token, so a busy client does not turn every read into a write.
  Authenticator(Store* store, const Clock* clock,
                Duration touch_interval = std::chrono::seconds(60))
      : store_(store), clock_(clock), touch_interval_(touch_interval) {}

  // `authorization` is the header's value (nullptr when absent). kUnauthenticated when it is
  // missing, malformed, or names no token that is still valid (the message is the same for an
  // unknown and a revoked token); the store's error when it cannot be asked.
  Result<Principal> authenticate(const std::string* authorization) const;

  // Notes that `who` was let through (its last_used_at). Failures are logged, not returned:
  // a request is not refused because its use could not be recorded.
  void record_use(const Principal& who) const;

 private:
  Store* store_;
  const Clock* clock_;
  Duration touch_interval_;
  mutable std::mutex mu_;
  mutable std::unordered_map<std::int64_t, Timestamp> last_touch_;  // GUARDED_BY(mu_)
};

}  // namespace ojsync::service
