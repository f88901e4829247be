#include "api_path.h"

#include "query_params.h"

namespace ojsemu {

std::optional<ApiPath> parse_api_path(std::string_view path) {
  std::vector<std::string> parts;
  std::size_t start = path.empty() || path[0] != '/' ? 0 : 1;
  bool trailing_slash = false;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view seg = path.substr(start, end - start);
    if (end == path.size()) {
      trailing_slash = seg.empty() && !parts.empty();
      if (!seg.empty()) parts.push_back(url_decode(seg, false));
      break;
    }
    parts.push_back(url_decode(seg, false));
    start = end + 1;
  }
  ApiPath out;
  std::size_t i = 0;
  if (!parts.empty() && parts[0] == "index.php") {
    out.has_index_php = true;
    i = 1;
  }
  if (parts.size() < i + 4 || parts[i + 1] != "api") return std::nullopt;
  out.context = parts[i];
  out.version = parts[i + 2];
  out.entity = parts[i + 3];
  out.segments.assign(parts.begin() + static_cast<std::ptrdiff_t>(i + 4), parts.end());
  out.trailing_slash = trailing_slash;
  return out;
}

}  // namespace ojsemu
