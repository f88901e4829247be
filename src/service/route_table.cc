#include "service/route_table.h"

namespace ojsync::service {
namespace {

// "/v1/sync/x" → {"v1", "sync", "x"}. Empty segments (a doubled or trailing '/') are kept, so
// such paths match no pattern instead of being silently normalised.
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  if (path.empty() || path.front() != '/') return segments;
  path.remove_prefix(1);
  while (true) {
    const std::size_t slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) return segments;
    path.remove_prefix(slash + 1);
  }
}

bool is_capture(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

std::string_view PathParams::get(std::string_view name) const {
  for (const auto& [key, value] : values_) {
    if (key == name) return value;
  }
  return {};
}

std::size_t RouteTable::add(std::string method, std::string_view pattern) {
  Route route{std::move(method), std::string(pattern), {}};
  for (std::string_view segment : split_path(pattern)) route.segments.emplace_back(segment);
  routes_.push_back(std::move(route));
  return routes_.size() - 1;
}

bool RouteTable::match_segments(const Route& route, const std::vector<std::string_view>& segments,
                                PathParams* params) {
  if (route.segments.size() != segments.size()) return false;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string& want = route.segments[i];
    if (is_capture(want)) {
      if (segments[i].empty()) return false;
      if (params != nullptr) params->add(want.substr(1, want.size() - 2), std::string(segments[i]));
    } else if (want != segments[i]) {
      return false;
    }
  }
  return true;
}

std::optional<RouteMatch> RouteTable::match(std::string_view method, std::string_view path,
                                            bool& path_known) const {
  const std::vector<std::string_view> segments = split_path(path);
  path_known = false;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    if (!match_segments(routes_[i], segments, nullptr)) continue;
    path_known = true;
    if (routes_[i].method != method) continue;
    RouteMatch found;
    found.route = i;
    match_segments(routes_[i], segments, &found.params);
    return found;
  }
  return std::nullopt;
}

std::string RouteTable::allowed_methods(std::string_view path) const {
  const std::vector<std::string_view> segments = split_path(path);
  std::string allowed;
  for (const Route& route : routes_) {
    if (!match_segments(route, segments, nullptr) ||
        allowed.find(route.method) != std::string::npos)
      continue;
    if (!allowed.empty()) allowed += ", ";
    allowed += route.method;
  }
  return allowed;
}

std::vector<std::pair<std::string, std::string>> RouteTable::list() const {
  std::vector<std::pair<std::string, std::string>> all;
  for (const Route& route : routes_) all.emplace_back(route.method, route.pattern);
  return all;
}

}  // namespace ojsync::service
