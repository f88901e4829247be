#include "request_stats.h"

#include <algorithm>

#include "api_path.h"

namespace ojsemu {

std::string route_label(std::string_view method, std::string_view path) {
  std::string label(method);
  label += ' ';
  const auto api = parse_api_path(path);
  if (!api) return label + std::string(path);
  label += "/" + api->entity;
  for (const auto& seg : api->segments) {
    const bool numeric = !seg.empty() && std::all_of(seg.begin(), seg.end(), [](char c) { return c >= '0' && c <= '9'; });
    label += numeric ? "/{id}" : "/" + seg;
  }
  return label;
}

void RequestStats::record_request(const std::string& label) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++total_;
  ++by_route_[label];
}

void RequestStats::record_fault(const std::string& kind) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++faults_[kind];
}

void RequestStats::reset() {
  std::lock_guard<std::mutex> lock(mutex_);
  total_ = 0;
  by_route_.clear();
  faults_.clear();
}

boost::json::object RequestStats::to_json() const {
  std::lock_guard<std::mutex> lock(mutex_);
  boost::json::object routes, faults;
  for (const auto& [k, v] : by_route_) routes[k] = v;
  for (const auto& [k, v] : faults_) faults[k] = v;
  return boost::json::object{{"total", total_}, {"byRoute", std::move(routes)}, {"faults", std::move(faults)}};
}

}  // namespace ojsemu
