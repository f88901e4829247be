// StoreLock: one `ojsync serve` per embedded store. The daemon takes an exclusive advisory lock
// (flock) on "<store>.lock" for its lifetime; a second daemon on the same store is refused at
// start instead of sharing the queue. The kernel drops the lock when the process dies, however
// it dies, so a daemon restarting after kill -9 may treat every lease still held under its
// worker name as left by its dead predecessor.
//
// CLI commands do not take it: they are short transactions that SQLite serialises.
#pragma once

#include <string>

#include "ojsync/status.h"

namespace ojsync::service {

class StoreLock {
 public:
  // kFailedPrecondition when another process holds it; kUnavailable when the lock file cannot
  // be opened. An in-memory store (":memory:") needs no lock.
  static Result<StoreLock> acquire(const std::string& store_path);

  StoreLock(StoreLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  StoreLock& operator=(StoreLock&& other) noexcept;
  StoreLock(const StoreLock&) = delete;
  StoreLock& operator=(const StoreLock&) = delete;
  ~StoreLock();

 private:
  explicit StoreLock(int fd) : fd_(fd) {}
  int fd_ = -1;  // -1: nothing held.
};

}  // namespace ojsync::service
