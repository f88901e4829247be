#include "store/sqlite_db.h"

#include <algorithm>
#include <cassert>
#include <limits>
#include <string>

namespace ojsync {

StatusCode status_code_for_sqlite(int result_code) {
  switch (result_code) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return StatusCode::kAlreadyExists;
    default:
      break;
  }
  switch (result_code & 0xff) {
    case SQLITE_OK:
      return StatusCode::kOk;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_READONLY:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
      return StatusCode::kUnavailable;
    case SQLITE_FULL:
    case SQLITE_NOMEM:
      return StatusCode::kResourceExhausted;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return StatusCode::kDataLoss;
    case SQLITE_CONSTRAINT:
      return StatusCode::kFailedPrecondition;
    case SQLITE_TOOBIG:
      return StatusCode::kInvalidArgument;
    case SQLITE_INTERRUPT:
      return StatusCode::kCancelled;
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return StatusCode::kPermissionDenied;
    default:
      return StatusCode::kInternal;
  }
}

Status sqlite_status(int result_code, sqlite3* db, std::string_view context) {
  const StatusCode code = status_code_for_sqlite(result_code);
  if (code == StatusCode::kOk) return OkStatus();
  std::string message = "sqlite: ";
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(result_code);
  message += " (code " + std::to_string(result_code) + ")";
  if (!context.empty()) {
    message += " in: ";
    message += context;
  }
  return Status(code, std::move(message));
}

Result<Json> parse_stored_json(std::string_view text) {
  constexpr Json::ParseLimits kLimits{.max_bytes = std::numeric_limits<std::size_t>::max(), .max_depth = 256};
  Result<Json> parsed = Json::parse(text, kLimits);
  if (!parsed.ok()) return DataLoss("stored JSON does not parse: " + parsed.status().message());
  return parsed;
}

std::int64_t sql_limit(std::size_t limit) {
  constexpr auto kMax = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  return static_cast<std::int64_t>(std::min(limit, kMax));
}

// ---------------------------------------------------------------------------------- Query

Query::Query(Statement* statement) : statement_(statement) {
  assert(!statement_->in_use_ && "a cached statement was used while a Query of it was alive");
  statement_->in_use_ = true;
}

Query::~Query() {
  if (statement_ == nullptr) return;
  sqlite3_reset(statement_->get());
  sqlite3_clear_bindings(statement_->get());
  statement_->in_use_ = false;
}

void Query::check_bind(int rc) {
  if (rc != SQLITE_OK && bind_error_.ok()) {
    bind_error_ = sqlite_status(rc, statement_->db(), sqlite3_sql(statement_->get()));
  }
  ++next_index_;
}

void Query::bind_one(std::int64_t value) {
  check_bind(sqlite3_bind_int64(statement_->get(), next_index_, value));
}

void Query::bind_one(std::string_view value) {
  // SQLITE_TRANSIENT copies: callers often bind temporaries (a dump() of a document).
  check_bind(sqlite3_bind_text64(statement_->get(), next_index_, value.data(), value.size(),
                                 SQLITE_TRANSIENT, SQLITE_UTF8));
}

void Query::bind_one(Blob value) {
  // Static: a Blob is bound right before its statement runs, while the caller holds the bytes.
  check_bind(sqlite3_bind_blob64(statement_->get(), next_index_, value.bytes.data(), value.bytes.size(),
                                 SQLITE_STATIC));
}

void Query::bind_one(std::nullopt_t) { check_bind(sqlite3_bind_null(statement_->get(), next_index_)); }

void Query::bind_one(const std::optional<std::string>& value) {
  if (value) {
    bind_one(std::string_view(*value));
  } else {
    bind_one(std::nullopt);
  }
}

Result<bool> Query::step() {
  if (!bind_error_.ok()) return bind_error_;
  const int rc = sqlite3_step(statement_->get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return sqlite_status(rc, statement_->db(), sqlite3_sql(statement_->get()));
}

Status Query::run() {
  while (true) {
    OJSYNC_ASSIGN_OR_RETURN(const bool row, step());
    if (!row) return OkStatus();
  }
}

bool Query::is_null(int column) const {
  return sqlite3_column_type(statement_->get(), column) == SQLITE_NULL;
}

std::int64_t Query::int64(int column) const { return sqlite3_column_int64(statement_->get(), column); }

std::string Query::text(int column) const {
  const unsigned char* data = sqlite3_column_text(statement_->get(), column);
  if (data == nullptr) return {};
  const int size = sqlite3_column_bytes(statement_->get(), column);
  return std::string(reinterpret_cast<const char*>(data), static_cast<std::size_t>(size));
}

std::string_view Query::blob(int column) const {
  const void* data = sqlite3_column_blob(statement_->get(), column);
  if (data == nullptr) return {};
  const int size = sqlite3_column_bytes(statement_->get(), column);
  return std::string_view(static_cast<const char*>(data), static_cast<std::size_t>(size));
}

std::optional<std::string> Query::optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return text(column);
}

// ------------------------------------------------------------------------------- SqliteDb

namespace {

bool is_memory_path(const std::string& path) { return path == ":memory:" || path.empty(); }

// Applies the connection settings every ojsync database uses.
Status configure(SqliteDb& db, const SqliteOpenOptions& options) {
  sqlite3_extended_result_codes(db.handle(), 1);
  const auto timeout_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(options.busy_timeout).count();
  sqlite3_busy_timeout(db.handle(), static_cast<int>(timeout_ms));
  OJSYNC_RETURN_IF_ERROR(db.exec("PRAGMA foreign_keys = ON"));
  if (is_memory_path(options.path) || options.read_only) return OkStatus();

  OJSYNC_ASSIGN_OR_RETURN(Query mode, db.query("PRAGMA journal_mode = WAL"));
  OJSYNC_ASSIGN_OR_RETURN(const bool row, mode.step());
  if (!row || mode.text(0) != "wal") {
    return FailedPrecondition("sqlite: cannot enable WAL journaling for " + options.path);
  }
  OJSYNC_RETURN_IF_ERROR(db.exec("PRAGMA synchronous = NORMAL"));
  const std::string checkpoint_every =
      "PRAGMA wal_autocheckpoint = " + std::to_string(kWalCheckpointPages);
  return db.exec(checkpoint_every.c_str());
}

}  // namespace

Result<std::unique_ptr<SqliteDb>> SqliteDb::open(const SqliteOpenOptions& options) {
  const int flags = (options.read_only ? SQLITE_OPEN_READONLY
                                       : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                    SQLITE_OPEN_NOMUTEX;
  const std::string path = is_memory_path(options.path) ? ":memory:" : options.path;
  sqlite3* handle = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &handle, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status status = sqlite_status(rc, handle, "open " + path);
    sqlite3_close_v2(handle);  // A failed open may still allocate a handle.
    return status;
  }
  std::unique_ptr<SqliteDb> db(new SqliteDb(handle));
  OJSYNC_RETURN_IF_ERROR(configure(*db, options));
  return db;
}

SqliteDb::~SqliteDb() {
  statements_.clear();  // Finalize every statement before closing.
  sqlite3_close_v2(db_);
}

Status SqliteDb::exec(const char* sql) {
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  return sqlite_status(rc, db_, sql);
}

// VACUUM writes every page of the new file through the log; the TRUNCATE checkpoint copies
// them over the old pages, cuts the file to its new length and empties the log. Its first
// column is 1 when a reader kept it from finishing.
Status SqliteDb::purge_freed_space() {
  OJSYNC_RETURN_IF_ERROR(exec("VACUUM"));
  OJSYNC_ASSIGN_OR_RETURN(Query q, query("PRAGMA wal_checkpoint(TRUNCATE)"));
  OJSYNC_ASSIGN_OR_RETURN(const bool row, q.step());
  if (row && q.int64(0) != 0) {
    return Unavailable(
        "sqlite: another connection is reading, so the write-ahead log still holds old pages; "
        "try again when no other process has the file open");
  }
  return OkStatus();
}

Status SqliteDb::run(std::string_view sql) {
  OJSYNC_ASSIGN_OR_RETURN(Query q, query(sql));
  return q.run();
}

Result<Query> SqliteDb::query(std::string_view sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return sqlite_status(rc, db_, sql);
    it = statements_.emplace(std::string(sql), std::make_unique<Statement>(db_, stmt)).first;
  }
  return Query(it->second.get());
}

// ---------------------------------------------------------------------------- Transaction

Result<Transaction> Transaction::begin(SqliteDb& db, Mode mode) {
  OJSYNC_ASSIGN_OR_RETURN(Query q, db.query(mode == Mode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN"));
  OJSYNC_RETURN_IF_ERROR(q.run());
  return Transaction(&db);
}

Transaction::~Transaction() {
  // SQLite may already have rolled back on its own (e.g. SQLITE_FULL); ROLLBACK would then fail.
  if (db_ == nullptr || sqlite3_get_autocommit(db_->handle()) != 0) return;
  (void)db_->exec("ROLLBACK");
}

Status Transaction::commit() {
  OJSYNC_ASSIGN_OR_RETURN(Query q, db_->query("COMMIT"));
  OJSYNC_RETURN_IF_ERROR(q.run());  // On failure the destructor rolls back.
  db_ = nullptr;
  return OkStatus();
}

}  // namespace ojsync
