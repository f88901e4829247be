// An in-memory Connector for engine tests: documents in a map, a change log for
// list_changed, call counters, and scripted failures. A side that assigns ids keeps each
// create's key with the document it made, as OJS keeps the connector's stamp (find_created).
#pragma once

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "ojsync/connector.h"
#include "support/fetch_each.h"

namespace ojsync::testing {

// The ids an OJS-like side holds (for hold_only): numbers, as OJS's, and the "srv<n>" that a
// MemoryConnector assigning ids gives its creates.
inline bool ojs_like_id(std::string_view id) {
  if (id.starts_with("srv")) id.remove_prefix(3);
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; });
}

class MemoryConnector final : public Connector {
 public:
  MemoryConnector(std::string name, const Clock& clock, bool server_assigns_ids = false)
      : name_(std::move(name)), clock_(clock), server_assigns_ids_(server_assigns_ids) {}

  // --- direct manipulation, as a user of that side would do
  void put(const std::string& type, const std::string& id, Json doc) {
    std::lock_guard lock(mu_);
    docs_[{type, id}] = Snapshot{id, std::move(doc), clock_.now()};
    changes_.push_back({type, id});
  }
  void erase(const std::string& type, const std::string& id) {
    std::lock_guard lock(mu_);
    docs_.erase({type, id});
    stamps_.erase({type, id});
    changes_.push_back({type, id});
  }
  std::optional<Json> get(const std::string& type, const std::string& id) {
    std::lock_guard lock(mu_);
    auto it = docs_.find({type, id});
    return it == docs_.end() ? std::nullopt : std::optional<Json>(it->second.document);
  }
  // The next `n` calls of any kind fail with `status`.
  void fail_next(int n, Status status) {
    std::lock_guard lock(mu_);
    fail_count_ = n;
    fail_status_ = std::move(status);
  }
  // The next `n` writes or removes take effect but report `status`: the reply was lost.
  void lose_next_replies(int n, Status status) {
    std::lock_guard lock(mu_);
    lost_replies_ = n;
    lost_reply_status_ = std::move(status);
  }
  // Every call touching this id fails with `status` (a poisoned record).
  void poison(const std::string& id, Status status) {
    std::lock_guard lock(mu_);
    poisoned_[id] = std::move(status);
  }
  // Only ids `holds` accepts can name a document here, as OJS takes only its numbers: a call
  // about any other fails with kInvalidArgument, as the OJS connector's do (could_hold says so).
  void hold_only(std::function<bool(std::string_view)> holds) {
    std::lock_guard lock(mu_);
    holds_ = std::move(holds);
  }
  // Creates become two steps, as in OJS: the document appears unstamped, `between` runs
  // (without the connector's lock), then the stamp is added. `after_fetch` runs after every
  // fetch with the id read. Tests use them to stop a create halfway while another sync reads.
  void split_creates(std::function<void()> between) {
    std::lock_guard lock(mu_);
    between_create_and_stamp_ = std::move(between);
  }
  void on_fetch(std::function<void(std::string_view)> after_fetch) {
    std::lock_guard lock(mu_);
    after_fetch_ = std::move(after_fetch);
  }
  // The process holding this connector died: its memory of creates is gone (the side's
  // documents, and the keys they carry, stay).
  void restart() {
    std::lock_guard lock(mu_);
    created_by_key_.clear();
  }
  std::size_t size(const std::string& type) const {
    std::lock_guard lock(mu_);
    return static_cast<std::size_t>(std::count_if(
        docs_.begin(), docs_.end(), [&](const auto& doc) { return doc.first.first == type; }));
  }
  // fetch_batch calls so far.
  int batch_fetches() const {
    std::lock_guard lock(mu_);
    return batch_fetches_;
  }
  int writes() const {
    std::lock_guard lock(mu_);
    return writes_;
  }
  int removes() const {
    std::lock_guard lock(mu_);
    return removes_;
  }

  // --- Connector
  std::string_view name() const override { return name_; }

  bool could_hold(std::string_view, std::string_view id) const override {
    std::lock_guard lock(mu_);
    return !holds_ || holds_(id);
  }

  Result<std::optional<Snapshot>> fetch(std::string_view type, std::string_view id) override {
    std::function<void(std::string_view)> after_fetch;
    std::optional<Snapshot> found;
    {
      std::lock_guard lock(mu_);
      if (auto s = injected_failure(id); !s.ok()) return s;
      found = snapshot({std::string(type), std::string(id)});
      after_fetch = after_fetch_;
    }
    if (after_fetch) after_fetch(id);
    return found;
  }

  Result<std::vector<std::optional<Snapshot>>> fetch_batch(
      std::string_view type, std::span<const std::string> ids) override {
    {
      std::lock_guard lock(mu_);
      ++batch_fetches_;
    }
    return fetch_each(*this, type, ids);
  }

  Result<std::optional<Snapshot>> find_created(std::string_view type, std::string_view key,
                                               Timestamp) override {
    std::lock_guard lock(mu_);
    if (auto s = injected_failure(""); !s.ok()) return s;
    if (auto earlier = created_by_key_.find(std::string(type) + "/" + std::string(key));
        earlier != created_by_key_.end()) {
      return snapshot({std::string(type), earlier->second});
    }
    for (const auto& [doc, stamp] : stamps_) {
      if (doc.first == type && stamp == key) return snapshot(doc);
    }
    return std::optional<Snapshot>();
  }

  Result<ChangePage> list_changed(std::string_view type, std::string_view cursor,
                                  std::size_t limit) override {
    std::lock_guard lock(mu_);
    std::size_t pos = cursor.empty() ? 0 : std::stoul(std::string(cursor));
    ChangePage page;
    while (pos < changes_.size() && page.changes.size() < limit) {
      const auto& [t, id] = changes_[pos++];
      if (t == type) page.changes.push_back({id, clock_.now()});
    }
    page.next_cursor = std::to_string(pos);
    page.has_more = pos < changes_.size();
    return page;
  }

  Result<WriteResult> write(std::string_view type, std::string_view id, const Json& doc,
                            std::string_view key) override {
    std::unique_lock lock(mu_);
    if (auto s = injected_failure(id); !s.ok()) return s;
    std::string side_id(id);
    if (side_id.empty() || (server_assigns_ids_ && !docs_.count({std::string(type), side_id}))) {
      // A retried create finds its first effect by the idempotency key, as real connectors do.
      auto earlier = created_by_key_.find(std::string(type) + "/" + std::string(key));
      if (!key.empty() && earlier != created_by_key_.end() &&
          docs_.count({std::string(type), earlier->second})) {
        side_id = earlier->second;
      } else {
        side_id = "srv" + std::to_string(++next_id_);
        created_by_key_[std::string(type) + "/" + std::string(key)] = side_id;
        if (between_create_and_stamp_) {
          docs_[{std::string(type), side_id}] = Snapshot{side_id, Json::object(), clock_.now()};
          changes_.push_back({std::string(type), side_id});
          const auto between = between_create_and_stamp_;
          lock.unlock();
          between();
          lock.lock();
        }
        if (!key.empty()) stamps_[{std::string(type), side_id}] = std::string(key);
      }
    }
    ++writes_;
    docs_[{std::string(type), side_id}] = Snapshot{side_id, doc, clock_.now()};
    changes_.push_back({std::string(type), side_id});
    if (auto lost = lost_reply(); !lost.ok()) return lost;
    return WriteResult{*snapshot({std::string(type), side_id}), {}};
  }

  Status remove(std::string_view type, std::string_view id) override {
    std::lock_guard lock(mu_);
    if (auto s = injected_failure(id); !s.ok()) return s;
    ++removes_;
    docs_.erase({std::string(type), std::string(id)});
    stamps_.erase({std::string(type), std::string(id)});
    changes_.push_back({std::string(type), std::string(id)});
    return lost_reply();
  }

  Status ping() override {
    std::lock_guard lock(mu_);
    return injected_failure("");
  }

 private:
  std::optional<Snapshot> snapshot(const std::pair<std::string, std::string>& doc) const {
    auto it = docs_.find(doc);
    if (it == docs_.end()) return std::nullopt;
    Snapshot s = it->second;
    if (auto stamp = stamps_.find(doc); stamp != stamps_.end()) s.created_by = stamp->second;
    return s;
  }

  Status injected_failure(std::string_view id) {
    if (holds_ && !id.empty() && !holds_(id))
      return InvalidArgument("id must be one this side gives, got '" + std::string(id) + "'");
    if (auto it = poisoned_.find(std::string(id)); it != poisoned_.end()) return it->second;
    if (fail_count_ > 0) {
      --fail_count_;
      return fail_status_;
    }
    return OkStatus();
  }
  Status lost_reply() {
    if (lost_replies_ == 0) return OkStatus();
    --lost_replies_;
    return lost_reply_status_;
  }

  const std::string name_;
  const Clock& clock_;
  const bool server_assigns_ids_;
  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, Snapshot> docs_;
  std::deque<std::pair<std::string, std::string>> changes_;
  std::map<std::string, Status> poisoned_;
  std::map<std::string, std::string> created_by_key_;  // This process's memory of creates.
  std::map<std::pair<std::string, std::string>, std::string> stamps_;  // Kept by the side.
  int fail_count_ = 0;
  Status fail_status_;
  int lost_replies_ = 0;
  Status lost_reply_status_;
  std::function<void()> between_create_and_stamp_;
  std::function<void(std::string_view)> after_fetch_;
  int batch_fetches_ = 0;
  std::function<bool(std::string_view)> holds_;  // Empty: any id.
  int writes_ = 0;
  int removes_ = 0;
  int next_id_ = 0;
};

}  // namespace ojsync::testing
