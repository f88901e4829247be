#include "store/sqlite_readers.h"

#include <utility>

namespace ojsync {

SqliteReaders::SqliteReaders(std::string path, Duration busy_timeout, std::size_t max)
    : path_(std::move(path)),
      busy_timeout_(busy_timeout),
      max_(path_.empty() || path_ == ":memory:" ? 0 : max) {}

SqliteReaders::Lease SqliteReaders::acquire() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      std::unique_ptr<SqliteDb> db = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(db));
    }
    if (open_ >= max_) return Lease();
    ++open_;
  }
  Result<std::unique_ptr<SqliteDb>> opened =
      SqliteDb::open(SqliteOpenOptions{path_, busy_timeout_, /*read_only=*/true});
  if (!opened.ok()) {
    std::lock_guard lock(mu_);
    --open_;
    return Lease();
  }
  return Lease(this, std::move(opened).value());
}

SqliteReaders::Lease::~Lease() {
  if (db_ == nullptr) return;
  std::lock_guard lock(owner_->mu_);
  owner_->idle_.push_back(std::move(db_));
}

}  // namespace ojsync
