#include "clock.h"

#include <chrono>

namespace ojsemu {

std::int64_t SystemClock::unix_now() const {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::seconds>(now).count() + offset_;
}

}  // namespace ojsemu
