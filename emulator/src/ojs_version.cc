#include "ojs_version.h"

namespace ojsemu {

std::optional<OjsVersion> parse_ojs_version(std::string_view text) {
  if (text == "3.3") return OjsVersion::k3_3;
  if (text == "3.4") return OjsVersion::k3_4;
  if (text == "3.5") return OjsVersion::k3_5;
  return std::nullopt;
}

std::string_view to_string(OjsVersion version) {
  switch (version) {
    case OjsVersion::k3_3: return "3.3";
    case OjsVersion::k3_4: return "3.4";
    case OjsVersion::k3_5: return "3.5";
  }
  return "3.3";
}

}  // namespace ojsemu
