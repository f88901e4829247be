#include "connectors/ojs/idempotency_memo.h"

#include <algorithm>

namespace ojsync {

std::string IdempotencyMemo::slot(std::string_view type, std::string_view key) {
  std::string s(type);
  s += '\n';
  s += key;
  return s;
}

void IdempotencyMemo::remember(std::string_view type, std::string_view key, std::string side_id) {
  if (key.empty()) return;
  std::lock_guard lock(mu_);
  auto s = slot(type, key);
  if (ids_.insert_or_assign(s, std::move(side_id)).second) order_.push_back(std::move(s));
  while (order_.size() > capacity_) {
    ids_.erase(order_.front());
    order_.pop_front();
  }
}

void IdempotencyMemo::forget(std::string_view type, std::string_view key) {
  std::lock_guard lock(mu_);
  const auto s = slot(type, key);
  ids_.erase(s);
  order_.erase(std::remove(order_.begin(), order_.end(), s), order_.end());
}

std::optional<std::string> IdempotencyMemo::lookup(std::string_view type,
                                                   std::string_view key) const {
  if (key.empty()) return std::nullopt;
  std::lock_guard lock(mu_);
  auto it = ids_.find(slot(type, key));
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

}  // namespace ojsync
