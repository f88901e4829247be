// The OJS release line being emulated. Behaviour that differs between 3.3, 3.4 and 3.5 (auth
// status codes, locale codes, list defaults, decisions, error shapes…) branches on this value.
#pragma once

#include <optional>
#include <string_view>

namespace ojsemu {

enum class OjsVersion { k3_3, k3_4, k3_5 };

std::optional<OjsVersion> parse_ojs_version(std::string_view text);
std::string_view to_string(OjsVersion version);

}  // namespace ojsemu
