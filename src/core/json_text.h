// JSON text output shared by Json::dump() and the canonical serializer.
// Output escapes only what RFC 8259 requires ("\\", '"', controls), as RFC 8785 does, and
// writes numbers in one normal form: integral values as integers, other doubles in their
// shortest round-trip form. Both are machine-independent.
#pragma once

#include <string>
#include <string_view>

#include "ojsync/json.h"

namespace ojsync {

// Whether every byte of `s` is ASCII (below 0x80).
bool is_ascii(std::string_view s);

void append_json_string(std::string_view s, std::string& out);
void append_json_number(const Json& number, std::string& out);
void append_json_text(const Json& value, std::string& out);

}  // namespace ojsync
