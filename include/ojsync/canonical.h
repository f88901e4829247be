// Canonical serialization and content hashing of documents.
//
// The canonical form is JSON text with: object keys sorted by Unicode code point, strings
// (keys and values) in Unicode NFC, numbers in one normal form (1.0 → 1, -0 → 0, shortest
// round-trip doubles), no insignificant whitespace, and the configured volatile top-level
// fields left out. The same document therefore hashes the same on every run and machine.
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "ojsync/json.h"

namespace ojsync {

struct CanonicalOptions {
  // Top-level fields that change without a meaningful edit (e.g. "lastModified").
  std::set<std::string, std::less<>> excluded_fields;
};

std::string canonical_json(const Json& document, const CanonicalOptions& options = {});

// The canonical form, and whether it is also the document's Json::dump() text (every string
// already in NFC, no member left out: nearly every document). A store that keeps documents as
// dump() text can then keep this text instead of serializing the document once more.
struct CanonicalForm {
  std::string text;
  bool same_as_dump = true;
};
CanonicalForm canonical_form(const Json& document, const CanonicalOptions& options = {});

// Lower-case hex SHA-256 of canonical_json(document, options).
std::string content_hash(const Json& document, const CanonicalOptions& options = {});

// The canonical form of one string value (quoted, escaped, in NFC), appended to `out`: for
// writing the canonical form of an object whose members are known without building it.
void append_canonical_string(std::string_view value, std::string& out);

// Lower-case hex SHA-256 of arbitrary bytes.
std::string sha256_hex(std::string_view bytes);

// Unicode NFC of UTF-8 text; ASCII input is returned unchanged without calling ICU.
std::string to_nfc(std::string_view utf8);

}  // namespace ojsync
