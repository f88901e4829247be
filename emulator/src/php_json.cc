#include "php_json.h"

#include <boost/json/parse.hpp>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>

namespace ojsemu {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void append_u_escape(std::string& out, std::uint32_t unit) {
  out += "\\u";
  out += kHex[(unit >> 12) & 0xF];
  out += kHex[(unit >> 8) & 0xF];
  out += kHex[(unit >> 4) & 0xF];
  out += kHex[unit & 0xF];
}

void append_code_point(std::string& out, std::uint32_t cp) {
  if (cp < 0x10000) {
    append_u_escape(out, cp);
    return;
  }
  cp -= 0x10000;
  append_u_escape(out, 0xD800 + (cp >> 10));
  append_u_escape(out, 0xDC00 + (cp & 0x3FF));
}

// Decodes one UTF-8 sequence starting at s[i]; returns its length, or 0 when it is invalid
// (overlong forms, surrogates and values above U+10FFFF count as invalid, as in PHP).
std::size_t decode_utf8(std::string_view s, std::size_t i, std::uint32_t& cp) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  std::size_t len = 0;
  std::uint32_t min = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

bool needs_escape(unsigned char c) { return c < 0x20 || c >= 0x80 || c == '"' || c == '\\' || c == '/'; }

void append_string(std::string& out, std::string_view s) {
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    // Copy runs of plain ASCII in one go; most of a response is such text.
    std::size_t run = i;
    while (run < s.size() && !needs_escape(static_cast<unsigned char>(s[run]))) ++run;
    out.append(s.data() + i, run - i);
    i = run;
    if (i == s.size()) break;
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      std::uint32_t cp = 0;
      const std::size_t len = decode_utf8(s, i, cp);
      if (len == 0) {
        append_u_escape(out, 0xFFFD);
        ++i;
      } else {
        append_code_point(out, cp);
        i += len;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '/': out += "\\/"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          append_u_escape(out, c);
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
  out += '"';
}

// PHP (serialize_precision = -1) prints the shortest representation that round-trips and keeps a
// ".0" on integral values so that the type survives a decode.
void append_double(std::string& out, double d) {
  if (!std::isfinite(d)) {  // json_encode fails on INF/NAN; OJS never produces them.
    out += '0';
    return;
  }
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, d);
  std::string_view text(buf, static_cast<std::size_t>(res.ptr - buf));
  out += text;
  if (text.find_first_of(".eE") == std::string_view::npos) out += ".0";
}

}  // namespace

void append_php_json(std::string& out, const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::null: out += "null"; break;
    case boost::json::kind::bool_: out += value.get_bool() ? "true" : "false"; break;
    case boost::json::kind::int64: {
      char buf[24];
      const auto res = std::to_chars(buf, buf + sizeof buf, value.get_int64());
      out.append(buf, res.ptr);
      break;
    }
    case boost::json::kind::uint64: {
      char buf[24];
      const auto res = std::to_chars(buf, buf + sizeof buf, value.get_uint64());
      out.append(buf, res.ptr);
      break;
    }
    case boost::json::kind::double_: append_double(out, value.get_double()); break;
    case boost::json::kind::string: append_string(out, value.get_string()); break;
    case boost::json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& item : value.get_array()) {
        if (!first) out += ',';
        first = false;
        append_php_json(out, item);
      }
      out += ']';
      break;
    }
    case boost::json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& kv : value.get_object()) {
        if (!first) out += ',';
        first = false;
        append_string(out, kv.key());
        out += ':';
        append_php_json(out, kv.value());
      }
      out += '}';
      break;
    }
  }
}

std::string to_php_json(const boost::json::value& value) {
  std::string out;
  append_php_json(out, value);
  return out;
}

std::optional<boost::json::value> parse_json_body(std::string_view text, std::size_t max_depth) {
  boost::json::parse_options options;
  options.max_depth = max_depth;
  boost::system::error_code ec;
  auto value = boost::json::parse(text, ec, {}, options);
  if (ec) return std::nullopt;
  return value;
}

}  // namespace ojsemu
