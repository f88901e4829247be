#include "store/field_cipher.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cassert>
#include <set>

#include "ojsync/canonical.h"

namespace ojsync {
namespace {

constexpr std::size_t kKeyBytes = 32;
constexpr std::size_t kNonceBytes = 12;
constexpr std::size_t kTagBytes = 16;
constexpr std::string_view kEnvelopeVersion = "v1";
constexpr std::string_view kKeyCheckText = "ojsync key check";

using EvpContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// Standard base64 with padding; nullopt when malformed.
std::optional<std::string> unbase64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::string out(3 * text.size() / 4, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  std::size_t padding = 0;
  if (text.ends_with("==")) {
    padding = 2;
  } else if (text.ends_with('=')) {
    padding = 1;
  }
  out.resize(static_cast<std::size_t>(n) - padding);
  return out;
}

bool valid_key_id(std::string_view id) {
  if (id.empty() || id.size() > 32) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// "authors[].email" or "authors[12].email" → {"authors", "[]", "email"}; nullopt if malformed.
std::optional<std::vector<std::string>> split_path(std::string_view path) {
  std::vector<std::string> segments;
  while (!path.empty()) {
    const std::size_t dot = path.find('.');
    std::string_view part = path.substr(0, dot);
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
    if (dot != std::string_view::npos && path.empty()) return std::nullopt;
    const std::size_t bracket = part.find('[');
    const std::string_view name = part.substr(0, bracket);
    if (name.empty()) return std::nullopt;
    segments.emplace_back(name);
    if (bracket != std::string_view::npos) {
      if (!part.ends_with(']')) return std::nullopt;
      segments.emplace_back("[]");
    }
  }
  if (segments.empty()) return std::nullopt;
  return segments;
}

// A JSON Pointer reference token (RFC 6901): '~' → "~0", '/' → "~1".
void append_token(std::string& location, std::string_view token) {
  location += '/';
  for (char c : token) {
    if (c == '~') {
      location += "~0";
    } else if (c == '/') {
      location += "~1";
    } else {
      location += c;
    }
  }
}

std::string aad_prefix(const FieldPlace& place, std::string_view extra = {}) {
  std::string aad = "ojsync.field.v1";
  for (std::string_view part : {place.table, place.type, place.entity, place.column, extra}) {
    aad += '\0';
    aad += part;
  }
  aad += '\0';
  return aad;
}

std::string key_check_aad(std::string_view key_id) {
  return std::string("ojsync.keycheck.v1") + '\0' + std::string(key_id);
}

// Plaintext that already holds an envelope-shaped object would be taken for an encrypted value
// when read back and fail to open, making the row unreadable: such input is refused instead.
Status refuse_envelopes(const Json& node) {
  if (FieldCipher::is_envelope(node)) {
    return InvalidArgument(
        "a document may not hold an object shaped like an encrypted value ({\"$enc\", \"k\", "
        "\"n\", \"c\"})");
  }
  if (node.is_array()) {
    for (const Json& item : node.as_array()) OJSYNC_RETURN_IF_ERROR(refuse_envelopes(item));
  } else if (node.is_object()) {
    for (const auto& [name, member] : node.as_object())
      OJSYNC_RETURN_IF_ERROR(refuse_envelopes(member));
  }
  return OkStatus();
}

}  // namespace

Result<std::vector<EncryptionKey>> parse_keyring(std::string_view text) {
  std::vector<EncryptionKey> keys;
  std::set<std::string, std::less<>> ids;
  std::size_t entry_number = 0;
  while (!text.empty()) {
    const std::size_t end = text.find_first_of(",\n");
    std::string_view entry = trim(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (entry.empty() || entry.front() == '#') continue;
    ++entry_number;
    const std::string where = "keyring entry " + std::to_string(entry_number);
    const std::size_t colon = entry.find(':');
    if (colon == std::string_view::npos) {
      return InvalidArgument(where + " is not '<id>:<base64 key>'");
    }
    const std::string_view id = trim(entry.substr(0, colon));
    if (!valid_key_id(id)) {
      return InvalidArgument(where + " has an invalid key id (1..32 of [A-Za-z0-9._-])");
    }
    std::optional<std::string> material = unbase64(trim(entry.substr(colon + 1)));
    if (!material) return InvalidArgument("key '" + std::string(id) + "' is not valid base64");
    if (material->size() != kKeyBytes) {
      return InvalidArgument("key '" + std::string(id) + "' is " +
                             std::to_string(material->size()) +
                             " bytes; AES-256 needs 32 (make one with: openssl rand -base64 32)");
    }
    if (!ids.insert(std::string(id)).second) {
      return InvalidArgument("key id '" + std::string(id) + "' appears twice in the keyring");
    }
    keys.push_back(EncryptionKey{std::string(id), std::move(*material)});
  }
  if (keys.empty()) return InvalidArgument("the keyring holds no key");
  return keys;
}

SensitiveFields default_sensitive_fields() {
  return SensitiveFields{
      {"reviewer",
       {"email", "givenName", "familyName", "preferredPublicName", "affiliation", "biography"}},
      {"manuscript",
       {"authors[].email", "authors[].givenName", "authors[].familyName",
        "authors[].preferredPublicName", "authors[].affiliation", "authors[].affiliations"}},
      {"decision", {"comments"}},
      {"review", {"comments", "commentsForEditor"}},
  };
}

Result<SensitiveFields> parse_sensitive_fields(const std::vector<std::string>& entries) {
  SensitiveFields fields;
  for (const std::string& entry : entries) {
    const std::size_t colon = entry.find(':');
    if (colon == std::string::npos || colon == 0 || !split_path(entry.substr(colon + 1))) {
      return InvalidArgument("sensitive field '" + entry +
                             "' is not '<type>:<path>' (e.g. reviewer:email)");
    }
    fields[entry.substr(0, colon)].push_back(entry.substr(colon + 1));
  }
  return fields;
}

Result<std::shared_ptr<const FieldCipher>> FieldCipher::create(const EncryptionOptions& options) {
  if (options.keys.empty()) return InvalidArgument("encryption needs at least one key");
  std::set<std::string, std::less<>> ids;
  for (const EncryptionKey& k : options.keys) {
    if (!valid_key_id(k.id)) return InvalidArgument("invalid key id (1..32 of [A-Za-z0-9._-])");
    if (k.material.size() != kKeyBytes) {
      return InvalidArgument("key '" + k.id + "' is not 32 bytes");
    }
    if (!ids.insert(k.id).second) return InvalidArgument("key id '" + k.id + "' appears twice");
  }
  std::map<std::string, std::vector<Pattern>, std::less<>> patterns;
  std::string described = options.keys.back().id;
  for (const auto& [type, paths] : options.fields) {
    for (const std::string& path : paths) {
      std::optional<Pattern> pattern = split_path(path);
      if (!pattern) return InvalidArgument("invalid sensitive path '" + path + "' for " + type);
      patterns[type].push_back(std::move(*pattern));
      described += "\n" + type + ":" + path;
    }
  }
  return std::shared_ptr<const FieldCipher>(
      new FieldCipher(options.keys, std::move(patterns), sha256_hex(described)));
}

bool FieldCipher::has_key(std::string_view id) const { return key(id) != nullptr; }

const EncryptionKey* FieldCipher::key(std::string_view id) const {
  for (const EncryptionKey& k : keys_) {
    if (k.id == id) return &k;
  }
  return nullptr;
}

bool FieldCipher::is_envelope(const Json& value) {
  if (!value.is_object() || value.as_object().size() != 4) return false;
  const Json* version = value.find("$enc");
  const Json* k = value.find("k");
  const Json* n = value.find("n");
  const Json* c = value.find("c");
  return version != nullptr && version->is_string() && k != nullptr && k->is_string() &&
         n != nullptr && n->is_string() && c != nullptr && c->is_string();
}

Result<Json> FieldCipher::seal_text(std::string_view plaintext, std::string_view aad) const {
  const EncryptionKey& k = keys_.back();
  unsigned char nonce[kNonceBytes];
  if (RAND_bytes(nonce, sizeof nonce) != 1) return Internal("the random generator failed");
  EvpContext ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  std::string out(plaintext.size() + kTagBytes, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  int len = 0;
  int total = 0;
  const bool ok =
      ctx != nullptr &&
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                         reinterpret_cast<const unsigned char*>(k.material.data()), nonce) == 1 &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &len,
                        reinterpret_cast<const unsigned char*>(aad.data()),
                        static_cast<int>(aad.size())) == 1 &&
      EVP_EncryptUpdate(ctx.get(), o, &len,
                        reinterpret_cast<const unsigned char*>(plaintext.data()),
                        static_cast<int>(plaintext.size())) == 1 &&
      (total = len, EVP_EncryptFinal_ex(ctx.get(), o + total, &len) == 1) &&
      (total += len,
       EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, o + total) == 1);
  if (!ok) return Internal("AES-256-GCM encryption failed");
  out.resize(static_cast<std::size_t>(total) + kTagBytes);
  Json envelope = Json::object();
  envelope["$enc"] = std::string(kEnvelopeVersion);
  envelope["k"] = k.id;
  envelope["n"] = base64(std::string_view(reinterpret_cast<const char*>(nonce), sizeof nonce));
  envelope["c"] = base64(out);
  return envelope;
}

// Every failure is kDataLoss: the stored value was altered, moved, or is under a key the
// keyring does not hold. The messages name the key id, never any material.
Result<std::string> FieldCipher::open_text(const Json& envelope, std::string_view aad) const {
  if (!is_envelope(envelope) || envelope.find("$enc")->as_string() != kEnvelopeVersion) {
    return DataLoss("an encrypted value has an unknown format");
  }
  const std::string& id = envelope.find("k")->as_string();
  const EncryptionKey* k = key(id);
  if (k == nullptr)
    return DataLoss("a value is encrypted under key '" + id + "', which the keyring lacks");
  std::optional<std::string> nonce = unbase64(envelope.find("n")->as_string());
  std::optional<std::string> sealed = unbase64(envelope.find("c")->as_string());
  if (!nonce || nonce->size() != kNonceBytes || !sealed || sealed->size() < kTagBytes) {
    return DataLoss("an encrypted value is malformed");
  }
  const std::size_t text_bytes = sealed->size() - kTagBytes;
  EvpContext ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  std::string out(text_bytes, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  auto* s = reinterpret_cast<unsigned char*>(sealed->data());
  int len = 0;
  const bool ok =
      ctx != nullptr &&
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                         reinterpret_cast<const unsigned char*>(k->material.data()),
                         reinterpret_cast<const unsigned char*>(nonce->data())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len,
                        reinterpret_cast<const unsigned char*>(aad.data()),
                        static_cast<int>(aad.size())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), o, &len, s, static_cast<int>(text_bytes)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, s + text_bytes) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), o + len, &len) == 1;
  if (!ok) {
    return DataLoss("an encrypted value does not open with key '" + id +
                    "' (wrong key, altered, or moved from another place)");
  }
  return out;
}

const std::vector<FieldCipher::Pattern>* FieldCipher::patterns_for(std::string_view type) const {
  auto it = patterns_.find(type);
  return it == patterns_.end() ? nullptr : &it->second;
}

// Seals the value(s) `pattern[at..]` designates under `node`; `location` is node's.
Status FieldCipher::seal_at(Json& node, const Pattern& pattern, std::size_t at,
                            std::string& location, std::string_view prefix) const {
  if (at == pattern.size()) {
    if (node.is_null()) return OkStatus();
    OJSYNC_ASSIGN_OR_RETURN(node, seal_text(node.dump(), std::string(prefix) + location));
    return OkStatus();
  }
  const std::size_t mark = location.size();
  if (pattern[at] == "[]") {
    if (!node.is_array()) return OkStatus();
    Json::Array& items = node.as_array();
    for (std::size_t i = 0; i < items.size(); ++i) {
      append_token(location, std::to_string(i));
      Status sealed = seal_at(items[i], pattern, at + 1, location, prefix);
      location.resize(mark);
      OJSYNC_RETURN_IF_ERROR(sealed);
    }
    return OkStatus();
  }
  Json* member = node.find(pattern[at]);
  if (member == nullptr) return OkStatus();
  append_token(location, pattern[at]);
  Status sealed = seal_at(*member, pattern, at + 1, location, prefix);
  location.resize(mark);
  return sealed;
}

// Opens every envelope under `node`, wherever it is.
Status FieldCipher::open_all(Json& node, std::string& location, std::string_view prefix) const {
  if (is_envelope(node)) {
    OJSYNC_ASSIGN_OR_RETURN(std::string text, open_text(node, std::string(prefix) + location));
    OJSYNC_ASSIGN_OR_RETURN(node, Json::parse(text));
    return OkStatus();
  }
  const std::size_t mark = location.size();
  if (node.is_array()) {
    Json::Array& items = node.as_array();
    for (std::size_t i = 0; i < items.size(); ++i) {
      append_token(location, std::to_string(i));
      Status opened = open_all(items[i], location, prefix);
      location.resize(mark);
      OJSYNC_RETURN_IF_ERROR(opened);
    }
  } else if (node.is_object()) {
    for (auto& [name, member] : node.as_object()) {
      append_token(location, name);
      Status opened = open_all(member, location, prefix);
      location.resize(mark);
      OJSYNC_RETURN_IF_ERROR(opened);
    }
  }
  return OkStatus();
}

Status FieldCipher::seal_document(Json& document, const FieldPlace& place) const {
  OJSYNC_RETURN_IF_ERROR(refuse_envelopes(document));
  const std::vector<Pattern>* patterns = patterns_for(place.type);
  if (patterns == nullptr) return OkStatus();
  const std::string prefix = aad_prefix(place);
  std::string location;
  for (const Pattern& pattern : *patterns)
    OJSYNC_RETURN_IF_ERROR(seal_at(document, pattern, 0, location, prefix));
  return OkStatus();
}

Status FieldCipher::open_document(Json& document, const FieldPlace& place) const {
  std::string location;
  return open_all(document, location, aad_prefix(place));
}

// Calls `each(pattern, at)` for every sensitive pattern that meets the field: the field lies
// inside the sensitive value (the value is sensitive whole: at = pattern's end), or contains it
// (at = where the rest of the pattern starts, inside the value).
template <typename Each>
Status FieldCipher::each_pattern_in_field(std::string_view type, std::string_view field_path,
                                          Each&& each) const {
  const std::vector<Pattern>* patterns = patterns_for(type);
  if (patterns == nullptr) return OkStatus();
  const std::optional<Pattern> field = split_path(field_path);
  if (!field) return OkStatus();  // Not a document path: no sensitive field in it.
  for (const Pattern& pattern : *patterns) {
    const std::size_t common = std::min(field->size(), pattern.size());
    if (!std::equal(field->begin(), field->begin() + static_cast<std::ptrdiff_t>(common),
                    pattern.begin())) {
      continue;
    }
    OJSYNC_RETURN_IF_ERROR(each(pattern, common));
  }
  return OkStatus();
}

Status FieldCipher::seal_field_value(Json& value, std::string_view field_path,
                                     std::string_view slot, const FieldPlace& place) const {
  OJSYNC_RETURN_IF_ERROR(refuse_envelopes(value));
  const std::string prefix = aad_prefix(place, std::string(field_path) + '\0' + std::string(slot));
  std::string location;
  return each_pattern_in_field(place.type, field_path, [&](const Pattern& pattern, std::size_t at) {
    return seal_at(value, pattern, at, location, prefix);
  });
}

Status FieldCipher::open_field_value(Json& value, std::string_view field_path,
                                     std::string_view slot, const FieldPlace& place) const {
  std::string location;
  return open_all(value, location,
                  aad_prefix(place, std::string(field_path) + '\0' + std::string(slot)));
}

void FieldCipher::survey_at(const Json& node, const Pattern& pattern, std::size_t at,
                            KeyUsage& usage, bool& stale) const {
  if (at == pattern.size()) {
    if (!node.is_null() && !is_envelope(node)) {
      ++usage.plaintext_values;
      stale = true;
    }
    return;
  }
  if (pattern[at] == "[]") {
    if (!node.is_array()) return;
    for (const Json& item : node.as_array()) survey_at(item, pattern, at + 1, usage, stale);
    return;
  }
  if (const Json* member = node.find(pattern[at]); member != nullptr) {
    survey_at(*member, pattern, at + 1, usage, stale);
  }
}

void FieldCipher::survey_envelopes(const Json& node, KeyUsage& usage, bool& stale) const {
  if (is_envelope(node)) {
    const std::string& id = node.find("k")->as_string();
    ++usage.values_by_key[id];
    if (id != current_key_id()) stale = true;
    return;
  }
  if (node.is_array()) {
    for (const Json& item : node.as_array()) survey_envelopes(item, usage, stale);
  } else if (node.is_object()) {
    for (const auto& [name, member] : node.as_object()) survey_envelopes(member, usage, stale);
  }
}

bool FieldCipher::survey_document(const Json& stored, const FieldPlace& place,
                                  KeyUsage& usage) const {
  bool stale = false;
  survey_envelopes(stored, usage, stale);
  if (const std::vector<Pattern>* patterns = patterns_for(place.type)) {
    for (const Pattern& pattern : *patterns) survey_at(stored, pattern, 0, usage, stale);
  }
  return stale;
}

bool FieldCipher::survey_field_value(const Json& stored, std::string_view field_path,
                                     std::string_view type, KeyUsage& usage) const {
  bool stale = false;
  survey_envelopes(stored, usage, stale);
  (void)each_pattern_in_field(type, field_path, [&](const Pattern& pattern, std::size_t at) {
    survey_at(stored, pattern, at, usage, stale);
    return OkStatus();
  });
  return stale;
}

Result<std::string> FieldCipher::make_key_check() const {
  OJSYNC_ASSIGN_OR_RETURN(Json check, seal_text(kKeyCheckText, key_check_aad(current_key_id())));
  return check.dump();
}

Status FieldCipher::verify_key_check(std::string_view key_id, std::string_view check) const {
  if (!has_key(key_id)) {
    return FailedPrecondition("the store holds values encrypted under key '" + std::string(key_id) +
                              "', which the keyring lacks");
  }
  Result<Json> envelope = Json::parse(check);
  Result<std::string> text = envelope.ok() && envelope->get_string("k") == key_id
                                 ? open_text(*envelope, key_check_aad(key_id))
                                 : Result<std::string>(DataLoss("malformed key check"));
  if (!text.ok() || *text != kKeyCheckText) {
    return FailedPrecondition("key '" + std::string(key_id) +
                              "' in the keyring is not the key this store was encrypted with");
  }
  return OkStatus();
}

Result<std::string> sealed_text(const FieldCipher* cipher, const Json& document,
                                const FieldPlace& place, std::string_view dumped) {
  if (cipher == nullptr) {
    assert(dumped.empty() || dumped == document.dump());
    return dumped.empty() ? document.dump() : std::string(dumped);
  }
  Json sealed = document;
  OJSYNC_RETURN_IF_ERROR(cipher->seal_document(sealed, place));
  return sealed.dump();
}

Result<std::optional<std::string>> sealed_text(const FieldCipher* cipher,
                                               const std::optional<Json>& document,
                                               const FieldPlace& place, std::string_view dumped) {
  if (!document) return std::optional<std::string>();
  OJSYNC_ASSIGN_OR_RETURN(std::string text, sealed_text(cipher, *document, place, dumped));
  return std::optional<std::string>(std::move(text));
}

Status open_stored(const FieldCipher* cipher, std::optional<Json>& document,
                   const FieldPlace& place) {
  if (cipher == nullptr || !document) return OkStatus();
  return cipher->open_document(*document, place);
}

Status open_stored(const FieldCipher* cipher, Json& document, const FieldPlace& place) {
  if (cipher == nullptr) return OkStatus();
  return cipher->open_document(document, place);
}

}  // namespace ojsync
