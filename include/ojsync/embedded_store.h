// EmbeddedDocumentStore: the default agents' side. Documents live in a local SQLite file;
// agents read and write them (through the daemon's API or directly), and ojsync syncs them
// with OJS like any other connector.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ojsync/connector.h"
#include "ojsync/encryption.h"
#include "ojsync/time.h"

namespace ojsync {

struct EmbeddedStoreOptions {
  std::string path;              // SQLite file, or ":memory:".
  std::string name = "embedded";  // Connector name in logs and metrics.
  const Clock* clock = nullptr;   // Modification times; nullptr = SystemClock.
  // Set: sensitive values of the documents are encrypted at rest, as in the SQLite store
  // (ojsync/store.h), and open() fails with kFailedPrecondition, changing nothing, when the
  // file's key checks name a key the keyring lacks or holds differently. Unset: a file holding
  // encrypted values is refused the same way.
  std::optional<EncryptionOptions> encryption = std::nullopt;
};

// A stored document with its entity tag: the content hash, for optimistic concurrency.
struct EmbeddedDocument {
  Snapshot snapshot;
  std::string etag;
};

// A live document with its type (EmbeddedDocumentStore::list_documents).
struct TypedDocument {
  std::string type;
  EmbeddedDocument document;
};

// Replace one document, if it still has `expected_etag` (EmbeddedDocumentStore::replace_all).
struct DocumentReplacement {
  std::string type;
  std::string id;
  Json document;
  std::string expected_etag;
};

// Thread-safe. Deletions leave a tombstone so that list_changed reports them.
class EmbeddedDocumentStore final : public Connector {
 public:
  static Result<std::unique_ptr<EmbeddedDocumentStore>> open(const EmbeddedStoreOptions& options);
  ~EmbeddedDocumentStore() override;

  // --- agent-facing access. `expected_etag` empty = unconditional; otherwise a mismatch
  // (or an absent document) fails with kFailedPrecondition and changes nothing.
  Result<std::optional<EmbeddedDocument>> get(std::string_view type, std::string_view id);
  Result<EmbeddedDocument> put(std::string_view type, std::string_view id, const Json& document,
                               std::string_view expected_etag);
  Status erase(std::string_view type, std::string_view id, std::string_view expected_etag);

  // --- privacy (ojsync privacy export / erase)
  // Live documents of every type ordered by (type, id), after (after_type, after_id) ("", "" =
  // from the first), at most `limit`.
  Result<std::vector<TypedDocument>> list_documents(std::string_view after_type,
                                                    std::string_view after_id, std::size_t limit);
  // Writes every replacement in ONE transaction, as put() would (a change listed by
  // list_changed); kFailedPrecondition, and nothing written, when one no longer has its etag.
  Status replace_all(std::span<const DocumentReplacement> replacements);
  // Rewrites the file so that replaced or deleted content is no longer in it (Store's contract).
  Status purge_freed_space();

  // --- Connector. The cursor is the store's change sequence number; write() with an empty
  // side_id creates a document under a new id.
  std::string_view name() const override;
  Result<std::optional<Snapshot>> fetch(std::string_view type, std::string_view side_id) override;
  // In ONE read transaction (one snapshot).
  Result<std::vector<std::optional<Snapshot>>> fetch_batch(
      std::string_view type, std::span<const std::string> side_ids) override;
  Result<ChangePage> list_changed(std::string_view type, std::string_view cursor,
                                  std::size_t limit) override;
  Result<WriteResult> write(std::string_view type, std::string_view side_id, const Json& document,
                            std::string_view idempotency_key) override;
  // The document's etag is its Snapshot::version.
  Result<WriteResult> write_if_unchanged(std::string_view type, const WriteRequest& request) override;
  // In ONE transaction; each write all-or-nothing on its own (Connector's contract): a write
  // fails before it changes a row, so it needs no savepoint.
  Result<std::vector<Result<WriteResult>>> write_batch(
      std::string_view type, std::span<const WriteRequest> writes) override;
  Status remove(std::string_view type, std::string_view side_id) override;
  Status remove_if_unchanged(std::string_view type, std::string_view side_id,
                             const std::optional<std::string>& expected_version) override;
  Status ping() override;

  // Encryption at rest, as Store::key_usage and Store::reseal (kFailedPrecondition without
  // encryption).
  Result<KeyUsage> key_usage();
  Result<ResealProgress> reseal(std::size_t max_rows);

 private:
  struct Impl;
  explicit EmbeddedDocumentStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ojsync
