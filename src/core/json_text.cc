#include "core/json_text.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace ojsync {

namespace {

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;

// Whether any of the 8 bytes in `w` is zero (exact as a whole, the usual bit trick).
constexpr bool has_zero_byte(std::uint64_t w) { return ((w - kOnes) & ~w & kHighBits) != 0; }

// Whether any of the 8 bytes at `p` needs escaping in a JSON string: a control character
// (< 0x20), '"' or '\\'. Bytes from 0x80 up (UTF-8) never do.
bool needs_escape8(const char* p) {
  std::uint64_t w;
  std::memcpy(&w, p, sizeof w);
  const bool control = ((w - kOnes * 0x20) & ~w & kHighBits) != 0;
  return control || has_zero_byte(w ^ (kOnes * '"')) || has_zero_byte(w ^ (kOnes * '\\'));
}

}  // namespace

bool is_ascii(std::string_view s) {
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, sizeof w);
    if ((w & kHighBits) != 0) return false;
  }
  for (; i < s.size(); ++i) {
    if (static_cast<unsigned char>(s[i]) >= 0x80) return false;
  }
  return true;
}

void append_json_string(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t run_start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    // Most text needs no escape: it is skipped eight bytes at a time.
    while (i + 8 <= s.size() && !needs_escape8(s.data() + i)) i += 8;
    if (i == s.size()) break;
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run_start, i - run_start);
    run_start = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
    }
  }
  out.append(s.data() + run_start, s.size() - run_start);
  out.push_back('"');
}

void append_json_number(const Json& number, std::string& out) {
  char buf[32];
  if (number.is_int()) {
    auto r = std::to_chars(buf, buf + sizeof buf, number.as_int());
    out.append(buf, r.ptr);
    return;
  }
  double d = number.as_double();
  // 2^53: beyond it not every integer is representable, so keep the double form.
  constexpr double kExactIntegerLimit = 9007199254740992.0;
  if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) < kExactIntegerLimit) {
    auto r = std::to_chars(buf, buf + sizeof buf, static_cast<std::int64_t>(d));  // -0 → 0
    out.append(buf, r.ptr);
    return;
  }
  if (!std::isfinite(d)) {  // JSON has no NaN/Inf; they cannot come from parsing.
    out += "null";
    return;
  }
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  out.append(buf, r.ptr);
}

void append_json_text(const Json& value, std::string& out) {
  switch (value.kind()) {
    case Json::Kind::kNull: out += "null"; break;
    case Json::Kind::kBool: out += value.as_bool() ? "true" : "false"; break;
    case Json::Kind::kInt:
    case Json::Kind::kDouble: append_json_number(value, out); break;
    case Json::Kind::kString: append_json_string(value.as_string(), out); break;
    case Json::Kind::kArray: {
      out.push_back('[');
      bool first = true;
      for (const auto& e : value.as_array()) {
        if (!first) out.push_back(',');
        first = false;
        append_json_text(e, out);
      }
      out.push_back(']');
      break;
    }
    case Json::Kind::kObject: {
      out.push_back('{');
      bool first = true;
      for (const auto& [k, v] : value.as_object()) {
        if (!first) out.push_back(',');
        first = false;
        append_json_string(k, out);
        out.push_back(':');
        append_json_text(v, out);
      }
      out.push_back('}');
      break;
    }
  }
}

}  // namespace ojsync
