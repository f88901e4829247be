// RouteTable: matches a method and a path against patterns such as "/v1/sync/{type}/{id}".
// A pattern segment in braces captures the request's segment under that name; every other
// segment must be equal. Immutable once built; match() is thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ojsync::service {

class PathParams {
 public:
  // The captured segment, or "" when the pattern has no such name.
  std::string_view get(std::string_view name) const;
  void add(std::string name, std::string value) {
    values_.emplace_back(std::move(name), std::move(value));
  }
  const std::vector<std::pair<std::string, std::string>>& all() const { return values_; }

 private:
  std::vector<std::pair<std::string, std::string>> values_;
};

struct RouteMatch {
  std::size_t route = 0;  // Index of the route, in the order added.
  PathParams params;
};

class RouteTable {
 public:
  // Adds a route; returns its index. Patterns start with '/'.
  std::size_t add(std::string method, std::string_view pattern);

  // The first route matching both; nullopt when none does. `path_known` tells a wrong method
  // (405) from an unknown path (404).
  std::optional<RouteMatch> match(std::string_view method, std::string_view path,
                                  bool& path_known) const;

  // The methods of the routes whose pattern matches `path` ("GET, PUT"), for the Allow header.
  std::string allowed_methods(std::string_view path) const;
  const std::string& pattern(std::size_t route) const { return routes_[route].pattern; }
  // Every route as (method, pattern), in the order added.
  std::vector<std::pair<std::string, std::string>> list() const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
  };
  static bool match_segments(const Route& route, const std::vector<std::string_view>& segments,
                             PathParams* params);

  std::vector<Route> routes_;
};

}  // namespace ojsync::service
