// Status and Result<T>: the error values every ojsync module boundary returns.
//
// The codes follow the canonical set (gRPC / Abseil). Each code documents whether a
// caller should retry; `is_retryable()` is the single place that decision is made.
#pragma once

#include <cassert>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace ojsync {

enum class StatusCode : int {
  kOk = 0,
  kCancelled = 1,           // The caller gave up. Retry: caller's choice.
  kUnknown = 2,             // An error with no better code. Retry: no.
  kInvalidArgument = 3,     // Bad input; the same call fails again. Retry: no.
  kDeadlineExceeded = 4,    // Timed out; the effect may or may not have happened. Retry: yes.
  kNotFound = 5,            // The named thing does not exist. Retry: no.
  kAlreadyExists = 6,       // A create found the thing already there. Retry: no.
  kPermissionDenied = 7,    // Authenticated but not allowed. Retry: no.
  kResourceExhausted = 8,   // Rate limit or quota (e.g. HTTP 429). Retry: yes, after a delay.
  kFailedPrecondition = 9,  // State does not allow it (stale ETag, open conflict). Retry: no.
  kAborted = 10,            // Lost a race (concurrent update). Retry: yes, re-read first.
  kOutOfRange = 11,         // Past the end (cursor, offset). Retry: no.
  kUnimplemented = 12,      // The peer does not support the operation. Retry: no.
  kInternal = 13,           // A broken invariant. Retry: no.
  kUnavailable = 14,        // Transient outage (5xx, connection reset). Retry: yes.
  kDataLoss = 15,           // Corrupt or lost data. Retry: no.
  kUnauthenticated = 16,    // Missing or bad credentials. Retry: no.
};

std::string_view status_code_name(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok_status() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // True when the same operation may succeed if tried again later.
  bool is_retryable() const;

  // How long the failing peer asked callers to wait before trying again (HTTP Retry-After,
  // an open circuit breaker); nullopt when it said nothing. Retries wait at least this long.
  std::optional<std::chrono::microseconds> retry_after() const {
    if (retry_after_us_ < 0) return std::nullopt;
    return std::chrono::microseconds(retry_after_us_);
  }
  Status& set_retry_after(std::chrono::microseconds wait) & {
    retry_after_us_ = wait.count() < 0 ? 0 : wait.count();
    return *this;
  }
  Status&& set_retry_after(std::chrono::microseconds wait) && {
    return std::move(set_retry_after(wait));
  }

  // The same error (code and retry hint) with another message, e.g. with context prepended.
  Status with_message(std::string message) const {
    Status copy = *this;
    copy.message_ = std::move(message);
    return copy;
  }

  // "NOT_FOUND: manuscript/42 is unknown" (or "OK").
  std::string to_string() const;

  // Code and message; the retry hint is advice, not identity.
  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::int64_t retry_after_us_ = -1;  // < 0: no hint.
};

inline Status OkStatus() { return Status(); }
inline Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
inline Status FailedPrecondition(std::string m) {
  return {StatusCode::kFailedPrecondition, std::move(m)};
}
inline Status Aborted(std::string m) { return {StatusCode::kAborted, std::move(m)}; }
inline Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
inline Status DataLoss(std::string m) { return {StatusCode::kDataLoss, std::move(m)}; }
inline Status DeadlineExceeded(std::string m) {
  return {StatusCode::kDeadlineExceeded, std::move(m)};
}
inline Status ResourceExhausted(std::string m) {
  return {StatusCode::kResourceExhausted, std::move(m)};
}
inline Status PermissionDenied(std::string m) {
  return {StatusCode::kPermissionDenied, std::move(m)};
}
inline Status Unauthenticated(std::string m) {
  return {StatusCode::kUnauthenticated, std::move(m)};
}
inline Status Unimplemented(std::string m) { return {StatusCode::kUnimplemented, std::move(m)}; }

// Either a value or a non-OK Status. Accessing value() of an error is a bug (asserts).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : data_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(data_).ok() && "Result built from an OK status has no value");
  }

  bool ok() const { return std::holds_alternative<T>(data_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(data_);
  }

  T& value() & {
    assert(ok());
    return std::get<T>(data_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<T>(data_);
  }
  // By value: `for (auto& x : f().value())` then iterates a value that lives as long as the
  // loop, not one inside the temporary Result (which a reference would leave dangling).
  T value() && {
    assert(ok());
    return std::get<T>(std::move(data_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace ojsync

#define OJSYNC_CONCAT_INNER_(a, b) a##b
#define OJSYNC_CONCAT_(a, b) OJSYNC_CONCAT_INNER_(a, b)

// Returns the Status from the enclosing function when `expr` is not OK.
#define OJSYNC_RETURN_IF_ERROR(expr)                       \
  do {                                                     \
    ::ojsync::Status ojsync_status_ = (expr);              \
    if (!ojsync_status_.ok()) return ojsync_status_;       \
  } while (false)

// `OJSYNC_ASSIGN_OR_RETURN(auto x, f());` declares x from a Result or returns its error.
#define OJSYNC_ASSIGN_OR_RETURN(lhs, expr) \
  OJSYNC_ASSIGN_OR_RETURN_IMPL_(OJSYNC_CONCAT_(ojsync_result_, __LINE__), lhs, expr)
#define OJSYNC_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return tmp.status();                 \
  lhs = std::move(tmp).value()
