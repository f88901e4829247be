#include "ojsync/canonical.h"

#include <openssl/evp.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "core/json_text.h"

namespace ojsync {
namespace {



// `utf8` in NFC: `utf8` itself when it is already (nearly every string), else its normal form,
// kept in `scratch`. The check reads the UTF-8 as it is; only a string it changes goes through
// ICU's UTF-16.
std::string_view nfc_view(std::string_view utf8, std::string& scratch) {
  if (is_ascii(utf8)) return utf8;
  UErrorCode error = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(error);
  if (U_FAILURE(error)) return utf8;
  const icu::StringPiece piece(utf8.data(), static_cast<int32_t>(utf8.size()));
  if (nfc->isNormalizedUTF8(piece, error) && U_SUCCESS(error)) return utf8;
  error = U_ZERO_ERROR;
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(piece);
  if (nfc->isNormalized(text, error) && U_SUCCESS(error)) return utf8;
  error = U_ZERO_ERROR;
  icu::UnicodeString normalized = nfc->normalize(text, error);
  if (U_FAILURE(error)) return utf8;
  scratch.clear();
  normalized.toUTF8String(scratch);
  return scratch;
}

// `same_as_dump` is cleared when the form written differs from Json::dump()'s text: a string
// NFC changed, or a member left out.
void append_canonical(const Json& value, std::string& out, const CanonicalOptions* top_level,
                      bool& same_as_dump);

void append_canonical_string(std::string_view value, std::string& out, bool& same_as_dump) {
  std::string scratch;
  const std::string_view nfc = nfc_view(value, scratch);
  if (nfc.data() != value.data()) same_as_dump = false;
  append_json_string(nfc, out);
}

// A member as written: its key in NFC, unless another key of the object has the same NFC (then
// both keep their own spelling, see append_canonical_object).
struct CanonicalMember {
  std::string nfc;
  std::string_view raw;
  const Json* value;
};

void append_canonical_object(const Json::Object& object, std::string& out,
                             const CanonicalOptions* top_level, bool& same_as_dump) {
  // Keys are stored sorted by bytes, which is code-point order for UTF-8. Only a key that
  // NFC changes can move, so the common all-ASCII object is written straight through.
  const bool needs_normalizing = std::any_of(object.begin(), object.end(),
                                             [](const auto& member) { return !is_ascii(member.first); });
  std::vector<CanonicalMember> normalized;
  if (needs_normalizing) {
    normalized.reserve(object.size());
    for (const auto& [key, member] : object) normalized.push_back({to_nfc(key), key, &member});
    std::sort(normalized.begin(), normalized.end(), [](const auto& a, const auto& b) {
      return a.nfc != b.nfc ? a.nfc < b.nfc : a.raw < b.raw;
    });
  }
  out.push_back('{');
  bool first = true;
  auto emit = [&](std::string_view key, const Json& member) {
    if (top_level != nullptr && top_level->excluded_fields.contains(key)) {
      same_as_dump = false;
      return;
    }
    if (!first) out.push_back(',');
    first = false;
    append_json_string(key, out);
    out.push_back(':');
    append_canonical(member, out, nullptr, same_as_dump);
  };
  if (needs_normalizing) {
    // Keys that differ only by normalization ("ċ" and "c" + U+0307) are distinct members: in
    // NFC both would be one key written twice, which no reader takes back as it was (found by
    // the canonical_json fuzzer). They keep their own spelling, so the form stays a function
    // of the document and reads back unchanged.
    for (std::size_t i = 0; i < normalized.size(); ++i) {
      const bool shared = (i > 0 && normalized[i - 1].nfc == normalized[i].nfc) ||
                          (i + 1 < normalized.size() && normalized[i + 1].nfc == normalized[i].nfc);
      // A key NFC changes sorts by its NFC, even where it keeps its own spelling: the order
      // may then not be dump()'s.
      if (normalized[i].nfc != normalized[i].raw) same_as_dump = false;
      emit(shared ? normalized[i].raw : std::string_view(normalized[i].nfc), *normalized[i].value);
    }
  } else {
    for (const auto& [key, member] : object) emit(key, member);
  }
  out.push_back('}');
}

void append_canonical(const Json& value, std::string& out, const CanonicalOptions* top_level,
                      bool& same_as_dump) {
  switch (value.kind()) {
    case Json::Kind::kString:
      append_canonical_string(value.as_string(), out, same_as_dump);
      return;
    case Json::Kind::kArray: {
      out.push_back('[');
      bool first = true;
      for (const auto& e : value.as_array()) {
        if (!first) out.push_back(',');
        first = false;
        append_canonical(e, out, nullptr, same_as_dump);
      }
      out.push_back(']');
      return;
    }
    case Json::Kind::kObject:
      append_canonical_object(value.as_object(), out, top_level, same_as_dump);
      return;
    default:
      append_json_text(value, out);
  }
}

}  // namespace

std::string to_nfc(std::string_view utf8) {
  std::string scratch;
  const std::string_view nfc = nfc_view(utf8, scratch);
  return nfc.data() == scratch.data() ? std::move(scratch) : std::string(nfc);
}

void append_canonical_string(std::string_view value, std::string& out) {
  bool same_as_dump = true;
  append_canonical_string(value, out, same_as_dump);
}

CanonicalForm canonical_form(const Json& document, const CanonicalOptions& options) {
  CanonicalForm form;
  form.text.reserve(256);
  append_canonical(document, form.text, &options, form.same_as_dump);
  return form;
}

std::string canonical_json(const Json& document, const CanonicalOptions& options) {
  return canonical_form(document, options).text;
}

std::string sha256_hex(std::string_view bytes) {
  // Fetched once: EVP_sha256() makes each EVP_Digest look the implementation up again, which
  // cost as much as hashing 300 bytes.
  static EVP_MD* const kSha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length,
             kSha256 != nullptr ? kSha256 : EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(static_cast<std::size_t>(length) * 2, '0');
  for (unsigned int i = 0; i < length; ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 0xF];
  }
  return out;
}

std::string content_hash(const Json& document, const CanonicalOptions& options) {
  return sha256_hex(canonical_json(document, options));
}

}  // namespace ojsync
