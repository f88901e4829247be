#include "ojsync/random.h"

namespace ojsync {

__extension__ using Uint128 = unsigned __int128;

std::uint64_t Random::uniform(std::uint64_t bound) {
  // Lemire's multiply-shift; the bias for bounds far below 2^64 is negligible here.
  return static_cast<std::uint64_t>((static_cast<Uint128>(next()) * bound) >> 64);
}

std::uint64_t SeededRandom::next() {
  std::lock_guard lock(mu_);
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

}  // namespace ojsync
