#include "service/anti_entropy.h"

namespace ojsync::service {

Result<std::size_t> AntiEntropy::run(const std::atomic<bool>& stopping) {
  std::size_t queued = 0;
  for (const std::string& type : types_) {
    std::string after;
    while (!stopping) {
      OJSYNC_ASSIGN_OR_RETURN(std::vector<SyncState> states,
                              store_->list_states(type, after, page_size_));
      for (const SyncState& state : states) {
        if (state.tombstone) continue;
        OJSYNC_RETURN_IF_ERROR(
            manager_->enqueue(type, state.key.id, Direction::kBoth, "anti_entropy").status());
        ++queued;
      }
      if (!states.empty() && on_queued_) on_queued_();
      if (states.size() < page_size_) break;
      after = states.back().key.id;
    }
  }
  return queued;
}

}  // namespace ojsync::service
