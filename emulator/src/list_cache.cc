#include "list_cache.h"

namespace ojsemu {

ListCache::Ids ListCache::find(const std::string& key, std::uint64_t generation) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->key == key && it->generation == generation) {
      entries_.splice(entries_.begin(), entries_, it);
      return entries_.front().ids;
    }
  }
  return nullptr;
}

void ListCache::store(const std::string& key, std::uint64_t generation, Ids ids) {
  std::lock_guard<std::mutex> lock(mutex_);
  entries_.remove_if([&](const Entry& e) { return e.key == key || e.generation != generation; });
  entries_.push_front({key, generation, std::move(ids)});
  if (entries_.size() > kCapacity) entries_.pop_back();
}

}  // namespace ojsemu
