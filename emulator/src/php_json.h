// PHP-compatible JSON text. OJS answers with PHP's json_encode() output (default flags), which
// differs from most C++ writers: '/' is escaped as "\/", every non-ASCII character becomes a
// lower-case "\uXXXX" escape (astral characters as UTF-16 surrogate pairs) and floats use the
// shortest round-trip form with a ".0" suffix for integral values. Clients that compare bytes
// (and our golden tests) need exactly that, so responses are always written through here.
#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace ojsemu {

// Appends the PHP json_encode() form of `value` to `out`. Object keys keep their insertion order
// (PHP arrays are ordered too). Invalid UTF-8 never reaches here in practice (request parsing
// rejects it); if it does, each bad byte is written as U+FFFD so the output stays valid JSON.
void append_php_json(std::string& out, const boost::json::value& value);

std::string to_php_json(const boost::json::value& value);

// Parses a request body the way the emulator accepts JSON: strict RFC 8259, valid UTF-8, at most
// `max_depth` nested containers. Returns nullopt on any error; callers decide what OJS would do
// with a malformed body (3.3 treats it as "no parameters").
std::optional<boost::json::value> parse_json_body(std::string_view text, std::size_t max_depth);

}  // namespace ojsemu
