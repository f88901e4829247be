// Per-agent settings kept in the store: auto-sync (the seed's enable_auto_sync /
// disable_auto_sync). With auto-sync on, an agent's write through the API queues a sync of
// the entity at once; with it off, the write waits for the next sweep of the agents' store.
// Thread-safe (the store is).
#pragma once

#include <string>
#include <string_view>

#include "ojsync/store.h"

namespace ojsync::service {

class AgentSettings {
 public:
  // `store` is borrowed. Agents never configured get `auto_sync_default`.
  AgentSettings(Store* store, bool auto_sync_default)
      : store_(store), default_(auto_sync_default) {}

  // Agent names follow the identifier rule ([A-Za-z0-9._:-], 1-128): kInvalidArgument otherwise.
  Result<bool> auto_sync(std::string_view agent) const;
  Status set_auto_sync(std::string_view agent, bool enabled) const;

 private:
  static Result<std::string> setting_name(std::string_view agent);

  Store* store_;
  bool default_;
};

}  // namespace ojsync::service
