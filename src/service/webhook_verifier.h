// Verifies signed event deliveries (Standard Webhooks): the sender signs
// "<webhook-id>.<webhook-timestamp>.<body>" with HMAC-SHA256 and sends
//   webhook-id: <id>   webhook-timestamp: <unix seconds>   webhook-signature: v1,<base64> [v1,<base64> ...]
// Two secrets may be active at once so a secret can be rotated without downtime.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ojsync/status.h"
#include "ojsync/time.h"

namespace ojsync::service {

struct WebhookHeaders {
  std::string_view id;
  std::string_view timestamp;
  std::string_view signature;
};

// Immutable after creation; verify() is thread-safe.
class WebhookVerifier {
 public:
  // Secrets as "whsec_<base64>" (the Standard Webhooks form) or raw text of at least 24 bytes.
  // One or two secrets. Errors: kInvalidArgument (without echoing the secret).
  static Result<WebhookVerifier> create(const std::vector<std::string>& secrets,
                                        Duration tolerance = std::chrono::minutes(5));

  // OK when a signature made with any active secret matches and the timestamp is within the
  // tolerance of `now`. Errors are kUnauthenticated with a reason that reveals nothing about
  // the secrets ("missing webhook headers", "timestamp outside the tolerance",
  // "no matching signature"). Comparisons are constant-time.
  Status verify(const WebhookHeaders& headers, std::string_view body, Timestamp now) const;

  // The header value a sender would put in webhook-signature, with the first secret.
  std::string sign(std::string_view id, std::string_view timestamp, std::string_view body) const;

 private:
  explicit WebhookVerifier(std::vector<std::string> keys, Duration tolerance)
      : keys_(std::move(keys)), tolerance_(tolerance) {}
  std::vector<std::string> keys_;  // Raw key bytes.
  Duration tolerance_;
};

}  // namespace ojsync::service
