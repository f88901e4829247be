// EmbeddedDocumentStore: documents in their own SQLite file.
//
// Every change (create, content change, deletion) takes the next value of one global change
// sequence and stamps it on the document's row, so "changed since cursor N" is "seq > N" and
// a resumed listing never skips a change. Writing content equal to what is stored (same
// content_hash) changes nothing: no new sequence number, no new modification time, so the
// engine's own writes do not come back to it as changes.
//
// Thread safety: one connection behind one mutex; every operation is one transaction.
#include "ojsync/embedded_store.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cstdint>
#include <mutex>
#include <type_traits>

#include "ojsync/canonical.h"
#include "ojsync/entity_type.h"
#include "store/field_cipher.h"
#include "store/key_checks.h"
#include "store/sqlite_db.h"
#include "store/sqlite_migrations.h"
#include "store/sqlite_readers.h"

namespace ojsync {

namespace {

// Read-only connections for get(): the engine's planning threads and the agents' API at once.
constexpr std::size_t kReaders = 8;

// create_key is the idempotency key of the write() that created the document, so a retried
// create finds its earlier effect instead of creating a second document.
constexpr const char* kV1Schema = R"sql(
CREATE TABLE documents (
  type       TEXT NOT NULL,
  id         TEXT NOT NULL,
  body       TEXT,
  etag       TEXT NOT NULL,
  modified   INTEGER NOT NULL,
  deleted    INTEGER NOT NULL CHECK (deleted IN (0, 1)),
  seq        INTEGER NOT NULL UNIQUE,
  create_key TEXT,
  PRIMARY KEY (type, id),
  CHECK ((deleted = 1) = (body IS NULL))
) STRICT, WITHOUT ROWID;
CREATE INDEX documents_by_seq ON documents (type, seq);
CREATE UNIQUE INDEX documents_by_create_key ON documents (type, create_key) WHERE create_key IS NOT NULL;
CREATE TABLE counters (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) STRICT;
INSERT INTO counters (name, value) VALUES ('seq', 0), ('id', 0);
)sql";

// Named values of the store itself: the key checks of encryption at rest (store/key_checks.h).
constexpr const char* kV2Schema = R"sql(
CREATE TABLE settings (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT, WITHOUT ROWID;
)sql";

// Documents as a rowid table: SQLite keeps little more than 1 KB of a WITHOUT ROWID row in its
// leaf and spills the rest into overflow pages, while a rowid table keeps a document of up to a
// page in one page and adds new ones at its end (bench/RESULTS.md). Columns, key and indexes
// are those of version 1.
constexpr const char* kV3Schema = R"sql(
CREATE TABLE documents_v3 (
  type       TEXT NOT NULL,
  id         TEXT NOT NULL,
  body       TEXT,
  etag       TEXT NOT NULL,
  modified   INTEGER NOT NULL,
  deleted    INTEGER NOT NULL CHECK (deleted IN (0, 1)),
  seq        INTEGER NOT NULL UNIQUE,
  create_key TEXT,
  PRIMARY KEY (type, id),
  CHECK ((deleted = 1) = (body IS NULL))
) STRICT;
INSERT INTO documents_v3 (type, id, body, etag, modified, deleted, seq, create_key)
  SELECT type, id, body, etag, modified, deleted, seq, create_key FROM documents ORDER BY seq;
DROP TABLE documents;
ALTER TABLE documents_v3 RENAME TO documents;
CREATE INDEX documents_by_seq ON documents (type, seq);
CREATE UNIQUE INDEX documents_by_create_key ON documents (type, create_key) WHERE create_key IS NOT NULL;
)sql";

constexpr Migration kMigrations[] = {{1, "documents with change sequence", kV1Schema},
                                     {2, "settings (key checks)", kV2Schema},
                                     {3, "documents in a rowid table", kV3Schema}};

FieldPlace body_place(std::string_view type, std::string_view id) {
  return FieldPlace{"documents", type, id, "body"};
}

// One row of `documents`.
struct Row {
  std::string id;
  std::optional<Json> document;  // nullopt once deleted.
  std::string etag;
  Timestamp modified;
  std::int64_t seq = 0;
};

Status check_identifier(std::string_view what, std::string_view value) {
  if (is_valid_identifier(value)) return OkStatus();
  return InvalidArgument("invalid " + std::string(what) + " '" + std::string(value) +
                         "' (expected 1..128 of [A-Za-z0-9._:-])");
}

Status check_key(std::string_view type, std::string_view id) {
  OJSYNC_RETURN_IF_ERROR(check_identifier("type", type));
  return check_identifier("id", id);
}

// A write's type and, unless it creates, its id.
Status check_write(std::string_view type, std::string_view side_id) {
  OJSYNC_RETURN_IF_ERROR(check_identifier("type", type));
  return side_id.empty() ? OkStatus() : check_identifier("id", side_id);
}

Result<std::optional<Row>> read_row(Query& q) {
  OJSYNC_ASSIGN_OR_RETURN(const bool found, q.step());
  if (!found) return std::optional<Row>();
  Row row;
  row.id = q.text(0);
  if (!q.is_null(1)) {
    OJSYNC_ASSIGN_OR_RETURN(row.document, parse_stored_json(q.text(1)));
  }
  row.etag = q.text(2);
  row.modified = q.timestamp(3);
  row.seq = q.int64(4);
  return std::optional<Row>(std::move(row));
}

Result<std::optional<Row>> load(SqliteDb& db, std::string_view type, std::string_view id) {
  OJSYNC_ASSIGN_OR_RETURN(Query q, db.query("SELECT id, body, etag, modified, seq FROM documents "
                                            "WHERE type = ? AND id = ?"));
  q.bind(type, id);
  return read_row(q);
}

Result<std::optional<Row>> load_by_create_key(SqliteDb& db, std::string_view type, std::string_view key) {
  OJSYNC_ASSIGN_OR_RETURN(Query q, db.query("SELECT id, body, etag, modified, seq FROM documents "
                                            "WHERE type = ? AND create_key = ?"));
  q.bind(type, key);
  return read_row(q);
}

// An UPDATE and then a SELECT, both inside the caller's write transaction: UPDATE ... RETURNING
// would materialise its row in an ephemeral table, which took three times as long.
Result<std::int64_t> next_counter(SqliteDb& db, std::string_view name) {
  OJSYNC_ASSIGN_OR_RETURN(Query bump, db.query("UPDATE counters SET value = value + 1 WHERE name = ?"));
  OJSYNC_RETURN_IF_ERROR(bump.bind(name).run());
  if (db.changes() != 1) return DataLoss("embedded store counter '" + std::string(name) + "' is missing");
  OJSYNC_ASSIGN_OR_RETURN(Query read, db.query("SELECT value FROM counters WHERE name = ?"));
  OJSYNC_ASSIGN_OR_RETURN(const bool row, read.bind(name).step());
  if (!row) return DataLoss("embedded store counter '" + std::string(name) + "' is missing");
  return read.int64(0);
}

// "a1", "a2", ...: the first of these not yet taken (an agent may have chosen one itself).
Result<std::string> new_id(SqliteDb& db, std::string_view type) {
  while (true) {
    OJSYNC_ASSIGN_OR_RETURN(const std::int64_t n, next_counter(db, "id"));
    std::string id = "a" + std::to_string(n);
    OJSYNC_ASSIGN_OR_RETURN(std::optional<Row> taken, load(db, type, id));
    if (!taken) return id;
  }
}

// A document as returned to callers; its snapshot's version is its etag.
EmbeddedDocument embedded_document(std::string id, Json document, Timestamp modified, std::string etag) {
  Snapshot snapshot{std::move(id), std::move(document), modified};
  snapshot.version = etag;
  return EmbeddedDocument{std::move(snapshot), std::move(etag)};
}

// A live row as returned to callers: decrypted.
Result<EmbeddedDocument> to_document(const FieldCipher* cipher, std::string_view type, Row row) {
  OJSYNC_RETURN_IF_ERROR(open_stored(cipher, row.document, body_place(type, row.id)));
  return embedded_document(std::move(row.id), std::move(*row.document), row.modified,
                           std::move(row.etag));
}

}  // namespace

struct EmbeddedDocumentStore::Impl {
  std::string name;
  const Clock* clock = nullptr;
  std::mutex mu;
  std::unique_ptr<SqliteDb> db;  // GUARDED_BY(mu)
  // Reads of one document do not wait for write transactions (store/sqlite_readers.h).
  std::unique_ptr<SqliteReaders> readers;
  std::shared_ptr<const FieldCipher> cipher;  // nullptr: no encryption at rest.
  std::string reseal_type;  // GUARDED_BY(mu): the re-encryption pass's last (type, id) done.
  std::string reseal_id;
  // The change counter ("seq") of the write transaction under way, once a document took a
  // number: read from its row at the first, advanced here for the next ones, and written back
  // once before the commit (transact). A batch of 50 documents then reads and writes the row
  // once instead of 50 times. GUARDED_BY(mu)
  std::optional<std::int64_t> seq;

  template <typename Read>
  std::invoke_result_t<Read, SqliteDb&> on_reader(Read&& read);
  Result<std::optional<EmbeddedDocument>> live(std::string_view type, std::optional<Row> row);

  // The next change number of the transaction under way.
  Result<std::int64_t> next_seq() {
    if (!seq) {
      OJSYNC_ASSIGN_OR_RETURN(Query read, db->query("SELECT value FROM counters WHERE name = 'seq'"));
      OJSYNC_ASSIGN_OR_RETURN(const bool row, read.step());
      if (!row) return DataLoss("embedded store counter 'seq' is missing");
      seq = read.int64(0);
    }
    return ++*seq;
  }

  // What store() leaves: the document's row, whose document is left null when it is the
  // caller's as given (`is_callers_document`), which the caller has: an engine's import does
  // not need a copy of every document it writes.
  struct Stored {
    EmbeddedDocument row;
    bool is_callers_document = false;
  };

  // Makes (type, id) hold `document`, unless it already does. `document_hash` and
  // `document_text` are its content_hash and dump() when the caller knows them ("" else).
  // `create_key` is recorded only when this creates the row. `expected_version` as
  // WriteRequest's (kAborted when the row changed since the caller read it). Runs inside the
  // caller's write transaction.
  Result<Stored> store(std::string_view type, std::string_view id, const Json& document,
                       std::string_view document_hash, std::string_view document_text,
                       const std::optional<std::string>& create_key,
                       const std::optional<std::string>& expected_version) {
    assert(document_hash.empty() || document_hash == content_hash(document));
    const std::string etag =
        document_hash.empty() ? content_hash(document) : std::string(document_hash);
    OJSYNC_ASSIGN_OR_RETURN(std::optional<Row> existing, load(*db, type, id));
    const bool live = existing && existing->document;
    if (live && existing->etag == etag) {
      OJSYNC_ASSIGN_OR_RETURN(EmbeddedDocument held,
                              to_document(cipher.get(), type, std::move(*existing)));
      return Stored{std::move(held), false};
    }
    if (expected_version &&
        (expected_version->empty() ? live : !live || existing->etag != *expected_version)) {
      return Aborted(std::string(type) + "/" + std::string(id) +
                     " changed since it was read; read it again");
    }
    OJSYNC_ASSIGN_OR_RETURN(const std::string body,
                            sealed_text(cipher.get(), document, body_place(type, id), document_text));
    OJSYNC_ASSIGN_OR_RETURN(const std::int64_t change, next_seq());
    const Timestamp now = clock->now();
    OJSYNC_ASSIGN_OR_RETURN(
        Query q, db->query("INSERT INTO documents (type, id, body, etag, modified, deleted, seq, create_key) "
                           "VALUES (?, ?, ?, ?, ?, 0, ?, ?) ON CONFLICT (type, id) DO UPDATE SET "
                           "body = excluded.body, etag = excluded.etag, modified = excluded.modified, "
                           "deleted = 0, seq = excluded.seq"));
    OJSYNC_RETURN_IF_ERROR(q.bind(type, id, body, etag, now, change, create_key).run());
    return Stored{embedded_document(std::string(id), Json(), now, etag), true};
  }

  // With an empty side_id this creates a document under a new id, unless a document created
  // with the same idempotency key exists: then that one is written instead (a retried create).
  // Runs inside the caller's write transaction.
  Result<WriteResult> write_one(std::string_view type, const WriteRequest& request) {
    std::string id(request.side_id);
    std::optional<std::string> create_key;
    if (id.empty() && !request.idempotency_key.empty()) {
      OJSYNC_ASSIGN_OR_RETURN(std::optional<Row> earlier,
                              load_by_create_key(*db, type, request.idempotency_key));
      if (earlier) {
        id = earlier->id;
      } else {
        create_key = request.idempotency_key;
      }
    }
    if (id.empty()) {
      OJSYNC_ASSIGN_OR_RETURN(id, new_id(*db, type));
    }
    OJSYNC_ASSIGN_OR_RETURN(Stored stored,
                            store(type, id, *request.document, request.document_hash,
                                  request.document_text, create_key, request.expected_version));
    return WriteResult{std::move(stored.row.snapshot), {}, stored.is_callers_document};
  }

  // Runs `body` in one write transaction under the mutex; commits only when it succeeded.
  template <typename Body>
  std::invoke_result_t<Body> transact(Body&& body) {
    std::lock_guard lock(mu);
    OJSYNC_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(*db, Transaction::Mode::kWrite));
    seq.reset();
    auto result = body();
    if (!result.ok()) return result;
    if (seq) {
      // Outside any savepoint of the body: numbers taken by writes it rolled back stay
      // unused, and the counter never goes back.
      OJSYNC_ASSIGN_OR_RETURN(Query save,
                              db->query("UPDATE counters SET value = ? WHERE name = 'seq'"));
      OJSYNC_RETURN_IF_ERROR(save.bind(*seq).run());
    }
    OJSYNC_RETURN_IF_ERROR(tx.commit());
    return result;
  }
};

Result<std::unique_ptr<EmbeddedDocumentStore>> EmbeddedDocumentStore::open(const EmbeddedStoreOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->name = options.name;
  impl->clock = options.clock != nullptr ? options.clock : &SystemClock::instance();
  if (options.encryption) {
    OJSYNC_ASSIGN_OR_RETURN(impl->cipher, FieldCipher::create(*options.encryption));
  }
  OJSYNC_ASSIGN_OR_RETURN(impl->db, SqliteDb::open(SqliteOpenOptions{options.path}));
  impl->readers = std::make_unique<SqliteReaders>(options.path, SqliteOpenOptions{}.busy_timeout,
                                                  kReaders);
  // The keyring is checked before any migration, so a refused file is left as it was.
  {
    OJSYNC_ASSIGN_OR_RETURN(Transaction tx,
                            Transaction::begin(*impl->db, Transaction::Mode::kRead));
    OJSYNC_RETURN_IF_ERROR(verify_key_checks(*impl->db, "settings", impl->cipher.get()));
  }
  OJSYNC_RETURN_IF_ERROR(apply_migrations(*impl->db, kMigrations).status());
  if (impl->cipher != nullptr) {
    OJSYNC_RETURN_IF_ERROR(
        impl->transact([&]() { return record_key_check(*impl->db, "settings", *impl->cipher); }));
  }
  return std::unique_ptr<EmbeddedDocumentStore>(new EmbeddedDocumentStore(std::move(impl)));
}

EmbeddedDocumentStore::EmbeddedDocumentStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EmbeddedDocumentStore::~EmbeddedDocumentStore() = default;

// `read` on a reader connection, or on the writer (under its mutex) when none is free.
template <typename Read>
std::invoke_result_t<Read, SqliteDb&> EmbeddedDocumentStore::Impl::on_reader(Read&& read) {
  if (SqliteReaders::Lease reader = readers->acquire()) return read(*reader);
  std::lock_guard lock(mu);
  return read(*db);
}

// The live document of a row read, if there is one.
Result<std::optional<EmbeddedDocument>> EmbeddedDocumentStore::Impl::live(std::string_view type,
                                                                          std::optional<Row> row) {
  if (!row || !row->document) return std::optional<EmbeddedDocument>();
  OJSYNC_ASSIGN_OR_RETURN(EmbeddedDocument document, to_document(cipher.get(), type, std::move(*row)));
  return std::optional<EmbeddedDocument>(std::move(document));
}

Result<std::optional<EmbeddedDocument>> EmbeddedDocumentStore::get(std::string_view type, std::string_view id) {
  OJSYNC_RETURN_IF_ERROR(check_key(type, id));
  OJSYNC_ASSIGN_OR_RETURN(std::optional<Row> row,
                          impl_->on_reader([&](SqliteDb& db) { return load(db, type, id); }));
  return impl_->live(type, std::move(row));
}

Result<EmbeddedDocument> EmbeddedDocumentStore::put(std::string_view type, std::string_view id,
                                                    const Json& document, std::string_view expected_etag) {
  OJSYNC_RETURN_IF_ERROR(check_key(type, id));
  return impl_->transact([&]() -> Result<EmbeddedDocument> {
    if (!expected_etag.empty()) {
      OJSYNC_ASSIGN_OR_RETURN(std::optional<Row> existing, load(*impl_->db, type, id));
      if (!existing || !existing->document || existing->etag != expected_etag) {
        return FailedPrecondition(std::string(type) + "/" + std::string(id) + " does not have etag " +
                                  std::string(expected_etag));
      }
    }
    OJSYNC_ASSIGN_OR_RETURN(Impl::Stored stored,
                            impl_->store(type, id, document, "", "", std::nullopt, std::nullopt));
    if (stored.is_callers_document) stored.row.snapshot.document = document;
    return std::move(stored.row);
  });
}

Status EmbeddedDocumentStore::erase(std::string_view type, std::string_view id, std::string_view expected_etag) {
  OJSYNC_RETURN_IF_ERROR(check_key(type, id));
  return impl_->transact([&]() -> Status {
    OJSYNC_ASSIGN_OR_RETURN(std::optional<Row> existing, load(*impl_->db, type, id));
    const bool live = existing && existing->document;
    if (!expected_etag.empty() && (!live || existing->etag != expected_etag)) {
      return FailedPrecondition(std::string(type) + "/" + std::string(id) + " does not have etag " +
                                std::string(expected_etag));
    }
    if (!live) return OkStatus();  // Already absent: nothing changes, no sequence number.
    OJSYNC_ASSIGN_OR_RETURN(const std::int64_t change, impl_->next_seq());
    OJSYNC_ASSIGN_OR_RETURN(Query q, impl_->db->query("UPDATE documents SET body = NULL, etag = '', "
                                                      "deleted = 1, modified = ?, seq = ? "
                                                      "WHERE type = ? AND id = ?"));
    return q.bind(impl_->clock->now(), change, type, id).run();
  });
}

Result<std::vector<TypedDocument>> EmbeddedDocumentStore::list_documents(
    std::string_view after_type, std::string_view after_id, std::size_t limit) {
  std::lock_guard lock(impl_->mu);
  OJSYNC_ASSIGN_OR_RETURN(
      Query q, impl_->db->query("SELECT id, body, etag, modified, seq, type FROM documents "
                                "WHERE deleted = 0 AND (type, id) > (?, ?) "
                                "ORDER BY type, id LIMIT ?"));
  q.bind(after_type, after_id, sql_limit(limit));
  std::vector<TypedDocument> page;
  while (true) {
    OJSYNC_ASSIGN_OR_RETURN(std::optional<Row> row, read_row(q));
    if (!row) return page;
    std::string type = q.text(5);
    OJSYNC_ASSIGN_OR_RETURN(EmbeddedDocument document,
                            to_document(impl_->cipher.get(), type, std::move(*row)));
    page.push_back(TypedDocument{std::move(type), std::move(document)});
  }
}

Status EmbeddedDocumentStore::replace_all(std::span<const DocumentReplacement> replacements) {
  for (const DocumentReplacement& r : replacements) OJSYNC_RETURN_IF_ERROR(check_key(r.type, r.id));
  return impl_->transact([&]() -> Status {
    for (const DocumentReplacement& r : replacements) {
      OJSYNC_ASSIGN_OR_RETURN(std::optional<Row> existing, load(*impl_->db, r.type, r.id));
      if (!existing || !existing->document || existing->etag != r.expected_etag) {
        return FailedPrecondition(r.type + "/" + r.id + " changed since it was read");
      }
      OJSYNC_RETURN_IF_ERROR(
          impl_->store(r.type, r.id, r.document, "", "", std::nullopt, std::nullopt).status());
    }
    return OkStatus();
  });
}

Status EmbeddedDocumentStore::purge_freed_space() {
  std::lock_guard lock(impl_->mu);
  return impl_->db->purge_freed_space();
}

std::string_view EmbeddedDocumentStore::name() const { return impl_->name; }

namespace {

std::optional<Snapshot> snapshot_of(std::optional<EmbeddedDocument> document) {
  if (!document) return std::nullopt;
  return std::move(document->snapshot);
}

}  // namespace

Result<std::optional<Snapshot>> EmbeddedDocumentStore::fetch(std::string_view type, std::string_view side_id) {
  OJSYNC_ASSIGN_OR_RETURN(std::optional<EmbeddedDocument> document, get(type, side_id));
  return snapshot_of(std::move(document));
}

Result<std::vector<std::optional<Snapshot>>> EmbeddedDocumentStore::fetch_batch(
    std::string_view type, std::span<const std::string> side_ids) {
  for (const std::string& id : side_ids) OJSYNC_RETURN_IF_ERROR(check_key(type, id));
  OJSYNC_ASSIGN_OR_RETURN(
      std::vector<std::optional<Row>> rows,
      impl_->on_reader([&](SqliteDb& db) -> Result<std::vector<std::optional<Row>>> {
        OJSYNC_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(db, Transaction::Mode::kRead));
        std::vector<std::optional<Row>> read;
        read.reserve(side_ids.size());
        for (const std::string& id : side_ids) {
          OJSYNC_ASSIGN_OR_RETURN(std::optional<Row> row, load(db, type, id));
          read.push_back(std::move(row));
        }
        return read;
      }));
  std::vector<std::optional<Snapshot>> snapshots;
  snapshots.reserve(rows.size());
  for (std::optional<Row>& row : rows) {
    OJSYNC_ASSIGN_OR_RETURN(std::optional<EmbeddedDocument> document,
                            impl_->live(type, std::move(row)));
    snapshots.push_back(snapshot_of(std::move(document)));
  }
  return snapshots;
}

// The cursor is the decimal sequence number of the last change returned ("" = 0); deletions
// are listed too (fetch then reports the document absent).
Result<ChangePage> EmbeddedDocumentStore::list_changed(std::string_view type, std::string_view cursor,
                                                       std::size_t limit) {
  OJSYNC_RETURN_IF_ERROR(check_identifier("type", type));
  if (limit == 0) return InvalidArgument("list_changed needs a limit of at least 1");
  std::int64_t after = 0;
  if (!cursor.empty()) {
    const auto [end, ec] = std::from_chars(cursor.data(), cursor.data() + cursor.size(), after);
    if (ec != std::errc() || end != cursor.data() + cursor.size() || after < 0) {
      return InvalidArgument("invalid change cursor '" + std::string(cursor) + "'");
    }
  }
  std::lock_guard lock(impl_->mu);
  OJSYNC_ASSIGN_OR_RETURN(Query q, impl_->db->query("SELECT id, modified, seq FROM documents "
                                                    "WHERE type = ? AND seq > ? ORDER BY seq LIMIT ?"));
  q.bind(type, after, sql_limit(std::min(limit, SIZE_MAX - 1) + 1));  // One more: is there more?
  ChangePage page;
  std::int64_t last = after;
  while (true) {
    OJSYNC_ASSIGN_OR_RETURN(const bool row, q.step());
    if (!row) break;
    if (page.changes.size() == limit) {
      page.has_more = true;
      break;
    }
    page.changes.push_back(ChangedEntity{q.text(0), q.timestamp(1)});
    last = q.int64(2);
  }
  page.next_cursor = std::to_string(last);
  return page;
}

Result<WriteResult> EmbeddedDocumentStore::write(std::string_view type, std::string_view side_id,
                                                 const Json& document, std::string_view idempotency_key) {
  WriteRequest request;
  request.side_id = side_id;
  request.document = &document;
  request.idempotency_key = idempotency_key;
  return write_if_unchanged(type, request);
}

Result<WriteResult> EmbeddedDocumentStore::write_if_unchanged(std::string_view type,
                                                              const WriteRequest& request) {
  OJSYNC_RETURN_IF_ERROR(check_write(type, request.side_id));
  return impl_->transact([&]() { return impl_->write_one(type, request); });
}

// One transaction for the whole batch, so a bulk import pays one commit (one WAL sync) instead
// of one per document. A write that fails is reported in its slot while the others commit: it
// fails at its checks, before its one statement that changes a row (store), so it runs without
// a savepoint (run_step_without_savepoint).
Result<std::vector<Result<WriteResult>>> EmbeddedDocumentStore::write_batch(
    std::string_view type, std::span<const WriteRequest> writes) {
  return impl_->transact([&]() -> Result<std::vector<Result<WriteResult>>> {
    SqliteDb& db = *impl_->db;
    std::vector<Result<WriteResult>> results;
    results.reserve(writes.size());
    for (const WriteRequest& w : writes) {
      if (Status valid = check_write(type, w.side_id); !valid.ok()) {
        results.emplace_back(std::move(valid));
        continue;
      }
      OJSYNC_ASSIGN_OR_RETURN(Result<WriteResult> written, run_step_without_savepoint(db, [&] {
                                return impl_->write_one(type, w);
                              }));
      results.push_back(std::move(written));
    }
    return results;
  });
}

Status EmbeddedDocumentStore::remove(std::string_view type, std::string_view side_id) {
  return erase(type, side_id, "");
}

Status EmbeddedDocumentStore::remove_if_unchanged(std::string_view type, std::string_view side_id,
                                                  const std::optional<std::string>& expected_version) {
  if (!expected_version || expected_version->empty()) return remove(type, side_id);
  Status erased = erase(type, side_id, *expected_version);
  if (erased.code() != StatusCode::kFailedPrecondition) return erased;
  // Gone already (what was asked), or changed since it was read (kept, for the retry to merge).
  OJSYNC_ASSIGN_OR_RETURN(std::optional<EmbeddedDocument> now, get(type, side_id));
  if (!now) return OkStatus();
  return Aborted(std::string(type) + "/" + std::string(side_id) +
                 " changed since it was read; read it again");
}

Status EmbeddedDocumentStore::ping() {
  std::lock_guard lock(impl_->mu);
  OJSYNC_ASSIGN_OR_RETURN(Query q, impl_->db->query("SELECT 1"));
  return q.run();
}

}  // namespace ojsync

namespace ojsync {

Result<KeyUsage> EmbeddedDocumentStore::key_usage() {
  if (impl_->cipher == nullptr)
    return FailedPrecondition("the agents' store was opened without encryption");
  const FieldCipher& cipher = *impl_->cipher;
  std::lock_guard lock(impl_->mu);
  OJSYNC_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(*impl_->db, Transaction::Mode::kRead));
  OJSYNC_ASSIGN_OR_RETURN(
      Query q, impl_->db->query("SELECT type, id, body FROM documents WHERE body IS NOT NULL"));
  KeyUsage usage;
  usage.current_key = cipher.current_key_id();
  while (true) {
    OJSYNC_ASSIGN_OR_RETURN(const bool row, q.step());
    if (!row) return usage;
    OJSYNC_ASSIGN_OR_RETURN(Json body, parse_stored_json(q.text(2)));
    const std::string type = q.text(0);
    const std::string id = q.text(1);
    cipher.survey_document(body, body_place(type, id), usage);
  }
}

// Rewrites stale bodies in place: the content is the same, so no change sequence number, and
// the engine sees no change.
Result<ResealProgress> EmbeddedDocumentStore::reseal(std::size_t max_rows) {
  if (impl_->cipher == nullptr)
    return FailedPrecondition("the agents' store was opened without encryption");
  const FieldCipher& cipher = *impl_->cipher;
  std::string last_type;  // Where the step stopped, kept once it has committed.
  std::string last_id;
  Result<ResealProgress> progress = impl_->transact([&]() -> Result<ResealProgress> {
    SqliteDb& db = *impl_->db;
    last_type = impl_->reseal_type;
    last_id = impl_->reseal_id;
    ResealProgress p;
    OJSYNC_ASSIGN_OR_RETURN(const bool finished, reseal_finished(db, "settings", cipher));
    if (finished) {
      p.complete = true;
      return p;
    }
    struct Stored {
      std::string type, id;
      Json body;
    };
    std::vector<Stored> rows;
    {
      OJSYNC_ASSIGN_OR_RETURN(
          Query q, db.query("SELECT type, id, body FROM documents WHERE (type, id) > (?, ?) "
                            "AND body IS NOT NULL ORDER BY type, id LIMIT ?"));
      q.bind(last_type, last_id, sql_limit(max_rows));
      while (true) {
        OJSYNC_ASSIGN_OR_RETURN(const bool row, q.step());
        if (!row) break;
        OJSYNC_ASSIGN_OR_RETURN(Json body, parse_stored_json(q.text(2)));
        rows.push_back(Stored{q.text(0), q.text(1), std::move(body)});
      }
    }
    for (Stored& row : rows) {
      KeyUsage ignored;
      const FieldPlace place = body_place(row.type, row.id);
      if (cipher.survey_document(row.body, place, ignored)) {
        OJSYNC_RETURN_IF_ERROR(cipher.open_document(row.body, place));
        OJSYNC_RETURN_IF_ERROR(cipher.seal_document(row.body, place));
        OJSYNC_ASSIGN_OR_RETURN(
            Query u, db.query("UPDATE documents SET body = ? WHERE type = ? AND id = ?"));
        OJSYNC_RETURN_IF_ERROR(u.bind(row.body.dump(), row.type, row.id).run());
        ++p.rows_rewritten;
      }
      last_type = row.type;
      last_id = row.id;
    }
    p.rows_examined = static_cast<std::int64_t>(rows.size());
    if (rows.size() < max_rows) {
      OJSYNC_RETURN_IF_ERROR(finish_reseal(db, "settings", cipher));
      last_type.clear();
      last_id.clear();
      p.complete = true;
    }
    return p;
  });
  if (progress.ok()) {  // The cursor moves only once the step has committed.
    std::lock_guard lock(impl_->mu);
    impl_->reseal_type = last_type;
    impl_->reseal_id = last_id;
  }
  return progress;
}

}  // namespace ojsync
