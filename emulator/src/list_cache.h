// Remembers the last few sorted GET /submissions selections so that paging through 100,000
// submissions (count=100, offset=0,100,…) sorts once instead of once per page. Entries are only
// valid for the database generation they were computed in.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace ojsemu {

class ListCache {
 public:
  using Ids = std::shared_ptr<const std::vector<int>>;

  Ids find(const std::string& key, std::uint64_t generation);
  void store(const std::string& key, std::uint64_t generation, Ids ids);

 private:
  struct Entry {
    std::string key;
    std::uint64_t generation;
    Ids ids;
  };
  static constexpr std::size_t kCapacity = 8;
  std::mutex mutex_;
  std::list<Entry> entries_;  // most recently used first
};

}  // namespace ojsemu
