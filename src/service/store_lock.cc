#include "service/store_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace ojsync::service {

Result<StoreLock> StoreLock::acquire(const std::string& store_path) {
  if (store_path.empty() || store_path == ":memory:") return StoreLock(-1);
  const std::string path = store_path + ".lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Unavailable("cannot open " + path + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    ::close(fd);
    if (error == EWOULDBLOCK) {
      return FailedPrecondition("another `ojsync serve` is using the store " + store_path +
                                " (" + path + " is locked)");
    }
    return Unavailable("cannot lock " + path + ": " + std::strerror(error));
  }
  return StoreLock(fd);
}

StoreLock& StoreLock::operator=(StoreLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

StoreLock::~StoreLock() {
  if (fd_ >= 0) ::close(fd_);  // Closing the descriptor drops the flock.
}

}  // namespace ojsync::service
