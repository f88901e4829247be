// FieldCipher: the field-level AES-256-GCM codec of encryption at rest (ojsync/encryption.h),
// shared by the SQLite store and the embedded document store.
//
// seal_* replaces each value at a sensitive path by an envelope
//   {"$enc": "v1", "k": "<key id>", "n": "<base64 96-bit nonce>", "c": "<base64 ciphertext+tag>"}
// encrypted under the current key with a fresh random nonce (OpenSSL RAND_bytes); the plaintext
// is the value's compact JSON text. open_* replaces every envelope found anywhere in a value by
// its plaintext, whatever the configured paths are now, so changing the configuration never
// strands a value. The associated data is FieldPlace plus the value's location inside the
// document ("/authors/0/email"): a ciphertext copied to another row, column or position fails
// to open (kDataLoss), as does a tampered one or one under an unknown key.
//
// Thread safety: immutable after create(); every method is const and may be called from any
// thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ojsync/encryption.h"
#include "ojsync/json.h"
#include "ojsync/status.h"

namespace ojsync {

// Where a value is stored: it becomes the associated data, with the value's location.
struct FieldPlace {
  std::string_view table;   // "sync_state", "sync_conflicts", "audit_log", "documents" ...
  std::string_view type;    // Entity type: selects the sensitive paths.
  std::string_view entity;  // Entity id.
  std::string_view column;  // "base", "ojs", "details" ...
};

class FieldCipher {
 public:
  // kInvalidArgument for an empty keyring, a key not 32 bytes, a bad key id or path.
  static Result<std::shared_ptr<const FieldCipher>> create(const EncryptionOptions& options);

  const std::string& current_key_id() const { return keys_.back().id; }
  bool has_key(std::string_view id) const;
  // Identifies the current key and the sensitive paths: when it changes, stored rows may need
  // re-encrypting (a new current key, or a newly sensitive path).
  const std::string& fingerprint() const { return fingerprint_; }

  // A whole entity document. kInvalidArgument, sealing nothing, when the plaintext holds an
  // object shaped like an envelope (it could not be told from one when read back).
  Status seal_document(Json& document, const FieldPlace& place) const;
  Status open_document(Json& document, const FieldPlace& place) const;

  // One value of a field-level record: a conflicting field, or an audit entry's decision,
  // whose dotted `field_path` ("authors[12].email") says where in the document it was taken.
  // `slot` ("base", "ojs", "agents") tells the values of one field apart. Only the parts of
  // `value` that lie at or under a sensitive path are sealed.
  Status seal_field_value(Json& value, std::string_view field_path, std::string_view slot,
                          const FieldPlace& place) const;
  Status open_field_value(Json& value, std::string_view field_path, std::string_view slot,
                          const FieldPlace& place) const;

  // Counts, in a stored document (as sealed), the envelopes per key id and the plaintext
  // values left at sensitive paths. Returns true when the document needs resealing (an
  // envelope under another key than the current one, or plaintext at a sensitive path).
  bool survey_document(const Json& stored, const FieldPlace& place, KeyUsage& usage) const;
  bool survey_field_value(const Json& stored, std::string_view field_path, std::string_view type,
                          KeyUsage& usage) const;

  // Key-check values, stored beside the data so that a wrong key is found at start: the
  // current key's check, and whether `check` was made with the key of id `key_id`.
  Result<std::string> make_key_check() const;
  Status verify_key_check(std::string_view key_id, std::string_view check) const;

  // The raw codec. `aad` binds the ciphertext to its place.
  Result<Json> seal_text(std::string_view plaintext, std::string_view aad) const;
  Result<std::string> open_text(const Json& envelope, std::string_view aad) const;
  static bool is_envelope(const Json& value);

 private:
  using Pattern = std::vector<std::string>;  // Member names; "[]" = every array element.

  FieldCipher(std::vector<EncryptionKey> keys,
              std::map<std::string, std::vector<Pattern>, std::less<>> patterns,
              std::string fingerprint)
      : keys_(std::move(keys)),
        patterns_(std::move(patterns)),
        fingerprint_(std::move(fingerprint)) {}

  const std::vector<Pattern>* patterns_for(std::string_view type) const;
  template <typename Each>
  Status each_pattern_in_field(std::string_view type, std::string_view field_path,
                               Each&& each) const;
  Status seal_at(Json& node, const Pattern& pattern, std::size_t at, std::string& location,
                 std::string_view aad_prefix) const;
  Status open_all(Json& node, std::string& location, std::string_view aad_prefix) const;
  void survey_at(const Json& node, const Pattern& pattern, std::size_t at, KeyUsage& usage,
                 bool& stale) const;
  void survey_envelopes(const Json& node, KeyUsage& usage, bool& stale) const;
  const EncryptionKey* key(std::string_view id) const;

  std::vector<EncryptionKey> keys_;  // Last = current.
  std::map<std::string, std::vector<Pattern>, std::less<>> patterns_;
  std::string fingerprint_;
};

// Helpers for the stores, where no cipher (nullptr) means encryption is off.
// A document's stored text, sealed when `cipher` is set. `dumped` is document.dump() when the
// caller has it (else ""): without a cipher, that is the text, and the document is not
// serialized again.
Result<std::string> sealed_text(const FieldCipher* cipher, const Json& document,
                                const FieldPlace& place, std::string_view dumped = {});
// The same for a document that may be absent: NULL (nullopt) then.
Result<std::optional<std::string>> sealed_text(const FieldCipher* cipher,
                                               const std::optional<Json>& document,
                                               const FieldPlace& place,
                                               std::string_view dumped = {});
// Opens a document read back; a no-op without a cipher (a store that holds envelopes has key
// checks, so it is not opened without a keyring: key_checks.h).
Status open_stored(const FieldCipher* cipher, std::optional<Json>& document,
                   const FieldPlace& place);
Status open_stored(const FieldCipher* cipher, Json& document, const FieldPlace& place);

}  // namespace ojsync
