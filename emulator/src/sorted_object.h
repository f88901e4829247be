// Builds a JSON object whose keys come out in PHP ksort() order (byte-wise), as OJS sorts every
// entity it returns. Values are collected first and sorted once in take().
#pragma once

#include <algorithm>
#include <boost/json/object.hpp>
#include <string>
#include <utility>
#include <vector>

namespace ojsemu {

class SortedObject {
 public:
  template <typename T>
  void add(std::string key, T&& value) {
    entries_.emplace_back(std::move(key), boost::json::value(std::forward<T>(value)));
  }
  boost::json::object take() {
    std::sort(entries_.begin(), entries_.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    boost::json::object out;
    out.reserve(entries_.size());
    for (auto& [k, v] : entries_) out.emplace(k, std::move(v));
    entries_.clear();
    return out;
  }

 private:
  std::vector<std::pair<std::string, boost::json::value>> entries_;
};

}  // namespace ojsemu
