// ChangeSweep: one side's incremental scan. For each entity type it pages the connector's
// list_changed from the cursor kept in the store ("cursor.<side>.<type>"), queues a sync for
// every entity reported, and saves the cursor after each page's jobs are queued, so a crash
// re-reads at most one page and never skips one. An empty cursor lists everything: the first
// sweep of a new installation imports the whole journal.
//
// With `skip_echoes` (for a side whose fetch is cheap: the local agents' store), an entity whose
// content hash still equals the hash the store recorded for that side is not queued: it is
// ojsync's own write coming back (or a change already synced), and a sync would be a no-op.
//
// With a `max_backlog`, the sweep lists no further page while that many queued jobs are due: it
// keeps pace with the job runner instead of queueing a whole journal at once, so the syncs read
// what the listing just returned (the OJS connector's listing reuse keeps 1,000 submissions for
// 5 s; a sweep far ahead made every sync fetch its submission again).
//
// Not thread-safe: one sweep runs at a time (its PeriodicTask).
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "ojsync/connector.h"
#include "ojsync/store.h"
#include "ojsync/sync_manager.h"

namespace ojsync::service {

struct SweepCounts {
  std::size_t pages = 0;
  std::size_t queued = 0;
  std::size_t skipped = 0;       // Echoes of synced content, and ids that cannot be named.
  std::size_t failed_types = 0;  // Types whose scan stopped on an error (retried next pass).
};

class ChangeSweep {
 public:
  // Pointers are borrowed. `connector` is the manager's connector for `side`: listings go
  // through the manager (so through the endpoint's circuit breaker), echo checks fetch from the
  // connector directly. `on_queued` is told after each page that queued jobs. `max_backlog` 0
  // lets the sweep run ahead of the queue without bound.
  ChangeSweep(Side side, Connector* connector, Store* store, SyncManager* manager,
              std::vector<std::string> types, std::size_t page_size, bool skip_echoes,
              std::function<void()> on_queued, std::size_t max_backlog = 0);

  // One pass over every type, each to the end of its listing (or until `stopping`).
  SweepCounts run(const std::atomic<bool>& stopping);

 private:
  // Scans one type; false when it stopped on an error.
  bool sweep_type(const std::string& type, const std::atomic<bool>& stopping, SweepCounts& counts);
  // Queues the page's entities; returns how many were queued.
  Result<std::size_t> queue_page(const std::string& type, const ChangePage& page);
  // Returns once fewer than max_backlog jobs are due, or when stopping (or when the store cannot
  // tell: the sweep then goes on rather than stall).
  void wait_for_backlog(const std::atomic<bool>& stopping);
  // True when the side still holds exactly what the store recorded for it.
  Result<bool> is_echo(const std::string& type, const SyncState& state, const std::string& side_id);

  const Side side_;
  Connector* connector_;
  Store* store_;
  SyncManager* manager_;
  const std::vector<std::string> types_;
  const std::size_t page_size_;
  const bool skip_echoes_;
  const std::function<void()> on_queued_;
  const std::size_t max_backlog_;
};

}  // namespace ojsync::service
