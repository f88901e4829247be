#include "ojsync/connector.h"

namespace ojsync {

Result<std::vector<std::optional<Snapshot>>> Connector::fetch_batch(
    std::string_view type, std::span<const std::string>) {
  return Unimplemented(std::string(name()) + " reads " + std::string(type) + " one at a time");
}

// One write() after another: each succeeds or fails alone, so the batch as a whole never fails.
Result<std::vector<Result<WriteResult>>> Connector::write_batch(
    std::string_view type, std::span<const WriteRequest> writes) {
  std::vector<Result<WriteResult>> results;
  results.reserve(writes.size());
  for (const WriteRequest& w : writes) {
    results.push_back(write_if_unchanged(type, w));
  }
  return results;
}

}  // namespace ojsync
