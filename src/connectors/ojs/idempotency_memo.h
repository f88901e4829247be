// Remembers which side id an idempotency key produced, so a create retried after a lost
// response (timeout, reset) in the same process finds its first effect instead of creating a
// twin. Bounded: the oldest entries are forgotten first. Thread-safe.
#pragma once

#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace ojsync {

class IdempotencyMemo {
 public:
  explicit IdempotencyMemo(std::size_t capacity = 10000) : capacity_(capacity) {}

  // No-op for an empty key.
  void remember(std::string_view type, std::string_view key, std::string side_id);
  void forget(std::string_view type, std::string_view key);
  std::optional<std::string> lookup(std::string_view type, std::string_view key) const;

 private:
  static std::string slot(std::string_view type, std::string_view key);

  const std::size_t capacity_;
  mutable std::mutex mu_;
  std::map<std::string, std::string, std::less<>> ids_;  // GUARDED_BY(mu_)
  std::deque<std::string> order_;                        // GUARDED_BY(mu_), oldest first
};

}  // namespace ojsync
