// Counters behind GET /__emulator/stats: requests per route template (numeric path segments
// folded into {id}) and the faults injected, so that tests can assert e.g. "no retry storm".
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace ojsemu {

// "GET /submissions/{id}/publications" for "/index.php/testj/api/v1/submissions/2/publications";
// non-API paths are kept as they are.
std::string route_label(std::string_view method, std::string_view path);

class RequestStats {
 public:
  void record_request(const std::string& label);
  void record_fault(const std::string& kind);  // "drop" or a status such as "503"
  void reset();
  boost::json::object to_json() const;

 private:
  mutable std::mutex mutex_;
  std::uint64_t total_ = 0;
  std::map<std::string, std::uint64_t> by_route_;
  std::map<std::string, std::uint64_t> faults_;
};

}  // namespace ojsemu
