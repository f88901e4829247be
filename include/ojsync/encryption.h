// Encryption at rest: the personal data in ojsync's stores (reviewers' e-mail addresses and
// names, authors' contact details, free-text comments) is encrypted field by field with
// AES-256-GCM before it reaches disk, and decrypted when it is read back. Everything above the
// stores (hashing, merging, the API) sees plaintext.
//
// Which values are sensitive is configured per entity type as paths into the entity's document
// (SensitiveFields); each value at such a path is replaced in the stored JSON by an envelope
// {"$enc": "v1", "k": key id, "n": nonce, "c": ciphertext and tag} whose associated data names
// where it is stored (table, entity, column, path), so a value moved elsewhere does not open.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ojsync/status.h"

namespace ojsync {

// One AES-256 key: `material` holds exactly 32 raw bytes.
struct EncryptionKey {
  std::string id;  // 1..32 of [A-Za-z0-9._-]; stored beside each value it encrypts.
  std::string material;
};

// Parses a keyring: entries "<id>:<base64 of 32 bytes>" separated by newlines or commas;
// blank lines and lines starting with '#' are ignored. The LAST entry is the current key (the
// one new values are encrypted with); earlier ones only decrypt. kInvalidArgument for a
// malformed entry, a key that is not 32 bytes, or a repeated id; messages never contain key
// material.
Result<std::vector<EncryptionKey>> parse_keyring(std::string_view text);

// Paths of sensitive values by entity type. A path is dotted member names, "[]" standing for
// every element of an array: "email", "authors[].email". The value at a path is encrypted whole
// (a multilingual {"en": ...} object becomes one envelope).
using SensitiveFields = std::map<std::string, std::vector<std::string>, std::less<>>;

// Reviewers' e-mail, names, affiliation and biography; manuscript authors' e-mail, names and
// affiliations; decisions' and reviews' free-text comments.
SensitiveFields default_sensitive_fields();

// Parses "type:path" entries (the configuration's form) into SensitiveFields.
Result<SensitiveFields> parse_sensitive_fields(const std::vector<std::string>& entries);

struct EncryptionOptions {
  std::vector<EncryptionKey> keys;  // Non-empty; the last is current.
  SensitiveFields fields = default_sensitive_fields();
};

// Where a store's sensitive values stand with respect to the keyring (`ojsync keys status`).
struct KeyUsage {
  std::string current_key;
  std::map<std::string, std::int64_t> values_by_key;  // Encrypted values per key id.
  std::int64_t plaintext_values = 0;  // Values at sensitive paths not encrypted yet.
};

// One step of the background re-encryption (Store::reseal).
struct ResealProgress {
  std::int64_t rows_examined = 0;
  std::int64_t rows_rewritten = 0;
  // Every row is under the current key and no plaintext is left at a sensitive path; key
  // checks of older keys were removed, so those keys may leave the keyring.
  bool complete = false;
};

}  // namespace ojsync
