// Opaque cursors: a small JSON state wrapped as "c1.<base64url(json)>". The engine stores them
// verbatim; only this connector reads them back, so the format may change with the "c1" tag.
#pragma once

#include <string>
#include <string_view>

#include "ojsync/json.h"
#include "ojsync/status.h"

namespace ojsync {

constexpr std::size_t kMaxCursorBytes = 64u << 10;

std::string encode_cursor(const Json& state);
// kInvalidArgument for anything encode_cursor did not produce (or longer than kMaxCursorBytes).
Result<Json> decode_cursor(std::string_view cursor);

}  // namespace ojsync
