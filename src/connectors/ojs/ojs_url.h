// Builds OJS API URLs: {base}[/index.php]/{journal}/api/v1{path}?{query}.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ojsync/status.h"

namespace ojsync {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// RFC 3986 percent-encoding of everything but unreserved characters.
std::string percent_encode(std::string_view s);

class OjsUrl {
 public:
  // `base_url`: http(s)://host[:port][/path], without query or fragment (a trailing '/' is
  // dropped). `journal_path`: OJS's journal path, [A-Za-z0-9._-]. kInvalidArgument otherwise.
  static Result<OjsUrl> make(std::string_view base_url, std::string_view journal_path,
                             bool use_index_php);

  // `path` starts with '/' and is below /api/v1 ("/submissions/5"). Parameters keep their order.
  std::string api(std::string_view path, const QueryParams& query = {}) const;

 private:
  std::string prefix_;  // Everything up to and including "/api/v1".
};

}  // namespace ojsync
