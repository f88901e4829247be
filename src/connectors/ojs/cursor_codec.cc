#include "connectors/ojs/cursor_codec.h"

namespace ojsync {
namespace {

constexpr std::string_view kTag = "c1.";
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

}  // namespace

std::string encode_cursor(const Json& state) {
  const std::string raw = state.dump();
  std::string out(kTag);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : raw) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(buffer >> bits) & 0x3f];
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (6 - bits)) & 0x3f];
  return out;
}

Result<Json> decode_cursor(std::string_view cursor) {
  auto bad = [] { return InvalidArgument("not a cursor of the OJS connector"); };
  if (cursor.size() > kMaxCursorBytes || !cursor.starts_with(kTag)) return bad();
  cursor.remove_prefix(kTag.size());
  std::string raw;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : cursor) {
    const int v = sextet(c);
    if (v < 0) return bad();
    buffer = (buffer << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      raw += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  auto state = Json::parse(raw, Json::ParseLimits{kMaxCursorBytes, 8});
  if (!state.ok() || !state->is_object()) return bad();
  return state;
}

}  // namespace ojsync
