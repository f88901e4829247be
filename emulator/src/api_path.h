// Splits a request path into OJS's API URL parts: /[index.php/]{context}/api/{version}/{entity}/…
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ojsemu {

struct ApiPath {
  bool has_index_php = false;
  std::string context;                // journal path, "index" or "_" for site-wide
  std::string version;                // "v1" in every OJS release
  std::string entity;                 // e.g. "submissions"
  std::vector<std::string> segments;  // percent-decoded segments after the entity
  bool trailing_slash = false;
};

// nullopt when the path is not an API path (segment after the context is not "api").
std::optional<ApiPath> parse_api_path(std::string_view path);

}  // namespace ojsemu
