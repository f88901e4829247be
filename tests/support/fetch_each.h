// Connector::fetch_batch for test connectors: fetch() of each id in turn, so a batch meets the
// same faults, hooks and crash points as single reads; the first error fails the batch (the
// engine then reads each document on its own).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ojsync/connector.h"

namespace ojsync::testing {

inline Result<std::vector<std::optional<Snapshot>>> fetch_each(Connector& side,
                                                               std::string_view type,
                                                               std::span<const std::string> ids) {
  std::vector<std::optional<Snapshot>> read;
  read.reserve(ids.size());
  for (const std::string& id : ids) {
    OJSYNC_ASSIGN_OR_RETURN(std::optional<Snapshot> one, side.fetch(type, id));
    read.push_back(std::move(one));
  }
  return read;
}

}  // namespace ojsync::testing
