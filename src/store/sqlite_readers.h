// Read-only connections to one SQLite database file, each lent to one caller at a time, so that
// reads do not queue behind the writer connection's transactions.
//
// Why: a store has one writer connection behind a mutex (STACK.md: one writer per database).
// Reads through it waited for every write transaction, and the engine's planning threads spent
// a fifth of their time there during an import (bench/RESULTS.md). In WAL mode a reader sees
// the last committed state and neither blocks the writer nor waits for it. Readers never
// write, so they never checkpoint.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ojsync/time.h"
#include "store/sqlite_db.h"

namespace ojsync {

class SqliteReaders {
 public:
  // At most `max` connections, opened when first needed. None for ":memory:" (every connection
  // to it is a database of its own).
  SqliteReaders(std::string path, Duration busy_timeout, std::size_t max);

  // A reader for the lease's lifetime; empty when none can be had (all `max` lent, ":memory:",
  // or opening one failed): the caller then reads through its writer.
  class Lease {
   public:
    Lease() = default;
    Lease(SqliteReaders* owner, std::unique_ptr<SqliteDb> db) : owner_(owner), db_(std::move(db)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    explicit operator bool() const { return db_ != nullptr; }
    SqliteDb& operator*() const { return *db_; }

   private:
    SqliteReaders* owner_ = nullptr;
    std::unique_ptr<SqliteDb> db_;
  };
  Lease acquire();

 private:
  const std::string path_;
  const Duration busy_timeout_;
  const std::size_t max_;
  std::mutex mu_;
  std::vector<std::unique_ptr<SqliteDb>> idle_;  // GUARDED_BY(mu_)
  std::size_t open_ = 0;                         // GUARDED_BY(mu_): idle and lent.
};

}  // namespace ojsync
