// AntiEntropy: the periodic repair pass. It queues a sync of every entity the store knows
// (paging through list_states), so each one's content is hashed on both sides and compared
// with its base: a change that reached neither an event nor a sweep (a missed webhook, a
// cursor reset, an edit straight in OJS's database) is found within one interval.
// Tombstones (deleted on both sides) are skipped. Not thread-safe: one pass at a time.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "ojsync/store.h"
#include "ojsync/sync_manager.h"

namespace ojsync::service {

class AntiEntropy {
 public:
  AntiEntropy(Store* store, SyncManager* manager, std::vector<std::string> types,
              std::size_t page_size, std::function<void()> on_queued)
      : store_(store),
        manager_(manager),
        types_(std::move(types)),
        page_size_(page_size),
        on_queued_(std::move(on_queued)) {}

  // Returns how many syncs were queued; stops early on `stopping` or a store error.
  Result<std::size_t> run(const std::atomic<bool>& stopping);

 private:
  Store* store_;
  SyncManager* manager_;
  const std::vector<std::string> types_;
  const std::size_t page_size_;
  const std::function<void()> on_queued_;
};

}  // namespace ojsync::service
