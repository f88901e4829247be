// SqliteDb: a thin RAII layer over the sqlite3 C API, shared by the SQLite store and the
// embedded document store. It owns one connection, caches prepared statements, binds values
// (never concatenates them into SQL) and turns every SQLite error into a Status in one place.
//
// Thread safety: none. A SqliteDb and its statements are used by one thread at a time; the
// owners (SqliteStore, EmbeddedDocumentStore) guard theirs with a mutex. The connection is
// opened with SQLITE_OPEN_NOMUTEX because that mutex already serializes every call.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "ojsync/json.h"
#include "ojsync/status.h"
#include "ojsync/time.h"

namespace ojsync {

// The one mapping from SQLite result codes (extended or primary) to Status codes:
// BUSY/LOCKED/READONLY/IOERR/CANTOPEN → kUnavailable (retryable), FULL/NOMEM →
// kResourceExhausted, CORRUPT/NOTADB → kDataLoss, UNIQUE/PRIMARYKEY constraint →
// kAlreadyExists, other constraints (CHECK, NOT NULL, FOREIGN KEY, trigger) →
// kFailedPrecondition, TOOBIG → kInvalidArgument, INTERRUPT → kCancelled, PERM/AUTH →
// kPermissionDenied, anything else (misuse, SQL errors) → kInternal.
StatusCode status_code_for_sqlite(int result_code);

// A Status for `result_code`, with SQLite's message and `context` (what was being done).
Status sqlite_status(int result_code, sqlite3* db, std::string_view context);

// Microseconds since the Unix epoch: how every timestamp is stored.
inline std::int64_t to_micros(Timestamp t) { return t.time_since_epoch().count(); }
inline Timestamp from_micros(std::int64_t us) { return Timestamp(Duration(us)); }

// Parses JSON text read back from a column. It was accepted once already, so the limits are
// generous (a stored document never becomes unreadable because of request limits); text that
// does not parse means a damaged or hand-edited file: kDataLoss.
Result<Json> parse_stored_json(std::string_view text);

// Bytes bound as a BLOB (a string_view binds as TEXT).
struct Blob {
  std::string_view bytes;
};

// A size_t limit as an SQL LIMIT value (clamped to INT64_MAX).
std::int64_t sql_limit(std::size_t limit);

// A cached prepared statement. Owned by its SqliteDb; use it through Query.
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  sqlite3* db() const { return db_; }
  sqlite3_stmt* get() const { return stmt_; }

 private:
  friend class Query;

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  bool in_use_ = false;  // A Query of it is alive; a second one would reset the first.
};

// One use of a cached statement: binds parameters, steps, reads columns, and on destruction
// resets the statement and clears its bindings so the next use starts clean.
// Bind errors are remembered and returned by the next step()/run(). At most one Query per
// statement may be alive at a time (asserted): do not run the same SQL nested inside a loop
// over its own rows.
class Query {
 public:
  explicit Query(Statement* statement);
  ~Query();
  Query(Query&& other) noexcept
      : statement_(std::exchange(other.statement_, nullptr)),
        next_index_(other.next_index_),
        bind_error_(std::move(other.bind_error_)) {}
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  Query& operator=(Query&&) = delete;

  // Binds the values to parameters 1, 2, ... in order (continuing after earlier bind calls).
  template <typename... Values>
  Query& bind(const Values&... values) {
    (bind_one(values), ...);
    return *this;
  }

  // Advances one row: true when a row is available, false when done.
  Result<bool> step();
  // Steps to completion, ignoring any rows (for INSERT/UPDATE/DELETE without RETURNING).
  Status run();

  bool is_null(int column) const;
  std::int64_t int64(int column) const;
  bool boolean(int column) const { return int64(column) != 0; }
  std::string text(int column) const;
  std::optional<std::string> optional_text(int column) const;
  // The column's bytes, valid until the next step() or the Query's end.
  std::string_view blob(int column) const;
  Timestamp timestamp(int column) const { return from_micros(int64(column)); }

 private:
  void bind_one(std::int64_t value);
  void bind_one(std::int32_t value) { bind_one(static_cast<std::int64_t>(value)); }
  void bind_one(bool value) { bind_one(static_cast<std::int64_t>(value ? 1 : 0)); }
  void bind_one(Timestamp value) { bind_one(to_micros(value)); }
  void bind_one(Duration value) { bind_one(static_cast<std::int64_t>(value.count())); }
  void bind_one(std::string_view value);
  void bind_one(const std::string& value) { bind_one(std::string_view(value)); }
  void bind_one(const char* value) { bind_one(std::string_view(value)); }
  void bind_one(Blob value);
  void bind_one(std::nullopt_t);
  void bind_one(const std::optional<std::string>& value);
  void check_bind(int rc);

  Statement* statement_;
  int next_index_ = 1;
  Status bind_error_;
};

// Pages the write-ahead log may hold before a commit copies them into the database (SQLite's
// default is 1,000). A checkpoint runs on the committing thread and syncs both files, so it
// stalls that commit; at 100,000 imported submissions 4,000 pages (16 MiB at 4 KiB per page)
// made 226 file syncs instead of 859 and took 2.6 % less CPU (bench/RESULTS.md). The log stays this
// large on disk between checkpoints. Only the writer checkpoints: a second connection
// checkpointing while the writer resets the log is SQLite 3.40's WAL-reset race (STACK.md).
inline constexpr int kWalCheckpointPages = 4000;

struct SqliteOpenOptions {
  std::string path;  // File path or ":memory:".
  Duration busy_timeout = std::chrono::seconds(5);
  // A connection that only reads an existing database (SqliteReaders): it never writes, so it
  // never checkpoints, and it leaves the journal mode as the writer set it.
  bool read_only = false;
};

class SqliteDb {
 public:
  // Opens (creating if needed) the database, with extended result codes, the busy
  // timeout, foreign keys on, and — for files — WAL journaling with synchronous=NORMAL and a
  // checkpoint every kWalCheckpointPages.
  //
  // Why NORMAL is durable enough: in WAL mode NORMAL never corrupts the database; a
  // committed transaction survives a crash of the process (the WAL frames are written
  // before COMMIT returns) and only a power loss or OS crash can roll back the last few
  // commits. ojsync tolerates that: the base is then older than both sides, the next sync
  // sees equal documents on both sides and converges without writing, and a job whose
  // completion was lost simply runs again (writes are idempotent, append-only writes are
  // found by their idempotency key). FULL would fsync the WAL on every commit.
  static Result<std::unique_ptr<SqliteDb>> open(const SqliteOpenOptions& options);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Runs one or more statements that take no parameters (schema, pragmas).
  Status exec(const char* sql);
  // Rebuilds the file from its live rows (VACUUM), then checkpoints the write-ahead log into it
  // and truncates the log, so values deleted or replaced before are in neither file. Outside
  // any transaction. kUnavailable when a reader of another connection keeps the log from being
  // truncated (nothing is lost: a later call finishes).
  Status purge_freed_space();
  // A Query over the statement for `sql`, prepared once and cached for the connection's life.
  Result<Query> query(std::string_view sql);
  // Runs one cached statement that takes no parameters and returns no rows (the savepoints of
  // a group's writes, where exec's parse each time would show).
  Status run(std::string_view sql);
  // Rows changed by the most recent INSERT/UPDATE/DELETE.
  std::int64_t changes() const { return sqlite3_changes64(db_); }
  // Rows changed by every INSERT/UPDATE/DELETE that completed since the connection opened (a
  // statement that failed and was undone counts none).
  std::int64_t total_changes() const { return sqlite3_total_changes64(db_); }
  // Row id of the most recent successful INSERT. Preferred over RETURNING in hot paths:
  // SQLite materialises RETURNING rows in an ephemeral table, which costs more than the insert.
  std::int64_t last_insert_id() const { return sqlite3_last_insert_rowid(db_); }
  sqlite3* handle() const { return db_; }

 private:
  explicit SqliteDb(sqlite3* db) : db_(db) {}

  // Looked up by the caller's string_view, without building a std::string per query.
  struct SqlHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view sql) const { return std::hash<std::string_view>{}(sql); }
  };
  sqlite3* db_;
  std::unordered_map<std::string, std::unique_ptr<Statement>, SqlHash, std::equal_to<>> statements_;
};

// A transaction that rolls back unless commit() succeeds. Immediate transactions take the
// write lock at BEGIN, so a read-then-write inside them never fails with SQLITE_BUSY halfway.
class Transaction {
 public:
  enum class Mode : std::uint8_t { kRead, kWrite };

  static Result<Transaction> begin(SqliteDb& db, Mode mode);
  ~Transaction();
  Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Transaction& operator=(Transaction&&) = delete;

  Status commit();

 private:
  explicit Transaction(SqliteDb* db) : db_(db) {}

  SqliteDb* db_;  // nullptr once committed or rolled back.
};

// Runs one step of a batch (a function returning a Result) inside the caller's write
// transaction without a savepoint, for a step that fails, when it does, before it changes a
// row: its failure is then its own, given back to be reported in its slot while the batch
// goes on. A step that failed after changing rows cannot be undone alone; its error is
// returned as the batch's, and the caller's transaction rolls back whole.
template <typename Step>
Result<std::invoke_result_t<Step>> run_step_without_savepoint(SqliteDb& db, Step&& step) {
  const std::int64_t changes_before = db.total_changes();
  std::invoke_result_t<Step> result = std::forward<Step>(step)();
  if (!result.ok() && db.total_changes() != changes_before) return result.status();
  return result;
}

}  // namespace ojsync
