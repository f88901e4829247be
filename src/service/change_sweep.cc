#include "service/change_sweep.h"

#include <chrono>
#include <thread>

#include "ojsync/canonical.h"
#include "ojsync/entity_type.h"
#include "service/http_status.h"
#include "service/json_log.h"

namespace ojsync::service {

ChangeSweep::ChangeSweep(Side side, Connector* connector, Store* store, SyncManager* manager,
                         std::vector<std::string> types, std::size_t page_size, bool skip_echoes,
                         std::function<void()> on_queued, std::size_t max_backlog)
    : side_(side),
      connector_(connector),
      store_(store),
      manager_(manager),
      types_(std::move(types)),
      page_size_(page_size),
      skip_echoes_(skip_echoes),
      on_queued_(std::move(on_queued)),
      max_backlog_(max_backlog) {}

SweepCounts ChangeSweep::run(const std::atomic<bool>& stopping) {
  SweepCounts counts;
  for (const std::string& type : types_) {
    if (stopping) break;
    if (!sweep_type(type, stopping, counts)) ++counts.failed_types;
  }
  return counts;
}

bool ChangeSweep::sweep_type(const std::string& type, const std::atomic<bool>& stopping,
                             SweepCounts& counts) {
  const std::string cursor_name = "cursor." + std::string(side_name(side_)) + "." + type;
  auto fail = [&](std::string_view step, const Status& status) {
    // A side that cannot list a type at all (decisions in OJS 3.3) is not a fault to repeat.
    const LogLevel level =
        status.code() == StatusCode::kUnimplemented ? LogLevel::kDebug : LogLevel::kWarn;
    log_event(level, "sweep_failed",
              Json(Json::Object{{"side", Json(side_name(side_))},
                                {"type", Json(type)},
                                {"step", Json(step)},
                                {"code", Json(error_code_for(status.code()))},
                                {"message", Json(status.message())}}));
    return false;
  };
  auto stored = store_->get_setting(cursor_name);
  if (!stored.ok()) return fail("read_cursor", stored.status());
  std::string cursor = stored->value_or("");
  while (!stopping) {
    auto page = manager_->list_changed(side_, type, cursor, page_size_);
    if (!page.ok()) return fail("list_changed", page.status());
    auto queued = queue_page(type, *page);
    if (!queued.ok()) return fail("enqueue", queued.status());
    ++counts.pages;
    counts.queued += *queued;
    counts.skipped += page->changes.size() - *queued;
    if (*queued > 0 && on_queued_) on_queued_();
    if (page->next_cursor != cursor) {
      if (Status saved = store_->put_setting(cursor_name, page->next_cursor); !saved.ok()) {
        return fail("save_cursor", saved);
      }
      cursor = page->next_cursor;
    }
    if (!page->has_more) break;
    if (*queued > 0) wait_for_backlog(stopping);
  }
  return true;
}

void ChangeSweep::wait_for_backlog(const std::atomic<bool>& stopping) {
  if (max_backlog_ == 0) return;
  // The job runner drains a backlog at hundreds to thousands of jobs a second: a short poll.
  constexpr auto kPoll = std::chrono::milliseconds(5);
  while (!stopping) {
    const Result<std::size_t> due = manager_->count_due_jobs(max_backlog_);
    if (!due.ok() || *due < max_backlog_) return;
    std::this_thread::sleep_for(kPoll);
  }
}

Result<bool> ChangeSweep::is_echo(const std::string& type, const SyncState& state,
                                  const std::string& side_id) {
  const EntityTypeConfig* config = manager_->options().entity_types.find(type);
  if (config == nullptr) return false;
  OJSYNC_ASSIGN_OR_RETURN(std::optional<Snapshot> held, connector_->fetch(type, side_id));
  const std::string hash = held ? content_hash(held->document, config->canonical_options()) : "";
  return hash == (side_ == Side::kOjs ? state.ojs_hash : state.agents_hash);
}

Result<std::size_t> ChangeSweep::queue_page(const std::string& type, const ChangePage& page) {
  std::vector<std::string> ids;  // Queued in one transaction: a page costs one commit.
  for (const ChangedEntity& change : page.changes) {
    OJSYNC_ASSIGN_OR_RETURN(std::optional<SyncState> state,
                            store_->find_state_by_side_id(type, side_, change.side_id));
    if (state && skip_echoes_) {
      OJSYNC_ASSIGN_OR_RETURN(const bool echo, is_echo(type, *state, change.side_id));
      if (echo) continue;
    }
    // An entity first seen here keeps this side's id as its ojsync id (docs/engine.md).
    const std::string id = state ? state->key.id : change.side_id;
    if (!is_valid_identifier(id))
      continue;  // Cannot be named, so cannot be synced; never
                 // blocks the rest.
    ids.push_back(id);
  }
  if (!ids.empty()) {
    OJSYNC_RETURN_IF_ERROR(manager_->enqueue_all(type, ids, Direction::kBoth, "sweep").status());
  }
  return ids.size();
}

}  // namespace ojsync::service
