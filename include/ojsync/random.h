// Injectable randomness (retry jitter, sampling), so order- and time-dependent rules can be
// replayed exactly from a seed.
#pragma once

#include <cstdint>
#include <mutex>

namespace ojsync {

class Random {
 public:
  virtual ~Random() = default;
  // Uniform over [0, 2^64). Implementations must be thread-safe.
  virtual std::uint64_t next() = 0;
  // Uniform over [0, bound); bound > 0.
  std::uint64_t uniform(std::uint64_t bound);
};

// SplitMix64: tiny, fast, and fully determined by its seed.
class SeededRandom final : public Random {
 public:
  explicit SeededRandom(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() override;

 private:
  std::mutex mu_;
  std::uint64_t state_;
};

}  // namespace ojsync
