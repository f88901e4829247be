// Fuzz target: the JSON parser and the canonical form (include/ojsync/canonical.h).
//
// Input: JSON text, as an agent's document or an OJS answer would bring it. Besides "no crash,
// no sanitizer report", a parsed document must satisfy the properties content hashing rests
// on; a violation aborts so that libFuzzer reports it:
//   - the canonical text parses, and canonicalising it again gives the same text (so a
//     document read back from its canonical form hashes the same);
//   - content_hash is the SHA-256 of that text, with and without excluded top-level fields;
//   - dump() parses back to an equal document.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ojsync/canonical.h"
#include "ojsync/json.h"

namespace {

[[noreturn]] void property_failed(const char* what, std::string_view a, std::string_view b) {
  std::fprintf(stderr, "canonical_json property failed: %s\n  first:  %.*s\n  second: %.*s\n", what,
               static_cast<int>(a.size()), a.data(), static_cast<int>(b.size()), b.data());
  std::abort();
}

void check_idempotent(const ojsync::Json& document, const ojsync::CanonicalOptions& options) {
  const std::string canonical = ojsync::canonical_json(document, options);
  auto reparsed = ojsync::Json::parse(canonical);
  if (!reparsed.ok())
    property_failed("canonical text does not parse", canonical, reparsed.status().message());
  const std::string again = ojsync::canonical_json(*reparsed, options);
  if (again != canonical) property_failed("canonical form is not idempotent", canonical, again);
  if (ojsync::content_hash(document, options) != ojsync::sha256_hex(canonical)) {
    property_failed("content_hash is not the hash of the canonical text", canonical, "");
  }
  if (ojsync::content_hash(*reparsed, options) != ojsync::content_hash(document, options)) {
    property_failed("hash changes when read back from the canonical text", canonical, again);
  }
  // Stores keep a form that says so as the document's own text.
  const ojsync::CanonicalForm form = ojsync::canonical_form(document, options);
  if (form.text != canonical) property_failed("canonical_form's text differs", form.text, canonical);
  if (form.same_as_dump && form.text != document.dump()) {
    property_failed("canonical form taken for the dump differs from it", form.text, document.dump());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto document = ojsync::Json::parse(text);
  if (!document.ok()) return 0;

  check_idempotent(*document, {});
  ojsync::CanonicalOptions volatile_fields;
  volatile_fields.excluded_fields = {"lastModified", "dateLastActivity"};
  check_idempotent(*document, volatile_fields);

  const std::string dumped = document->dump();
  auto round_trip = ojsync::Json::parse(dumped);
  if (!round_trip.ok() || !(*round_trip == *document)) {
    property_failed("dump() does not parse back to the same document", text, dumped);
  }
  return 0;
}
