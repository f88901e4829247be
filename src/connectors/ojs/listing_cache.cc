#include "connectors/ojs/listing_cache.h"

namespace ojsync {

void ListingCache::put(std::int64_t id, Json submission, Timestamp now) {
  if (max_age_ <= Duration::zero() || capacity_ == 0) return;
  std::lock_guard lock(mu_);
  entries_.insert_or_assign(id, Entry{std::move(submission), now});
  order_.emplace_back(id, now);
  // The order queue may hold stale pairs (taken or replaced entries); an entry is dropped only
  // when its own (id, time) pair reaches the front.
  while (entries_.size() > capacity_ || order_.size() > 2 * capacity_) {
    const auto [old_id, old_time] = order_.front();
    order_.pop_front();
    if (auto it = entries_.find(old_id); it != entries_.end() && it->second.listed_at == old_time) {
      entries_.erase(it);
    }
  }
}

std::optional<Json> ListingCache::take(std::int64_t id, Timestamp now) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return std::nullopt;
  Entry entry = std::move(it->second);
  entries_.erase(it);
  if (now - entry.listed_at >= max_age_ || now < entry.listed_at) return std::nullopt;
  return std::move(entry.submission);
}

}  // namespace ojsync
