// Editorial decision codes. The same number means different decisions in 3.3 and 3.4+ (4 is
// DECLINE in 3.3 but PENDING_REVISIONS in 3.4), so documents carry a version-independent name
// ("decline") next to the code, and writes translate the name for the connected version.
#pragma once

#include <optional>
#include <string_view>

#include "ojsync/ojs_connector.h"

namespace ojsync {

// The code of decision `name` in version `v`; std::nullopt when that version has no such
// decision (or the name is unknown).
std::optional<int> decision_code(std::string_view name, OjsVersion v);
// The name of code `code` in version `v`; std::nullopt when unknown.
std::optional<std::string_view> decision_name(int code, OjsVersion v);

}  // namespace ojsync
