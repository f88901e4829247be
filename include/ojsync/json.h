// Json: the document value ojsync syncs. A small, owning JSON DOM whose objects keep their
// keys sorted (so iteration order is canonical) and whose numbers compare by value
// (1 == 1.0), matching the canonical hash. An object is a sorted vector of members
// (json_object.h): inserting into or erasing from it invalidates references into it.
//
// Thread safety: a Json is a value; concurrent reads are safe, writes need external sync.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ojsync/json_object.h"
#include "ojsync/status.h"

namespace ojsync {

class Json {
 public:
  using Array = std::vector<Json>;
  using Object = JsonObject<Json>;
  enum class Kind : std::uint8_t { kNull, kBool, kInt, kDouble, kString, kArray, kObject };

  Json() = default;
  Json(std::nullptr_t) {}                                  // NOLINT
  Json(bool b) : v_(b) {}                                  // NOLINT
  Json(int i) : v_(static_cast<std::int64_t>(i)) {}        // NOLINT
  Json(std::int64_t i) : v_(i) {}                          // NOLINT
  Json(double d) : v_(d) {}                                // NOLINT
  Json(const char* s) : v_(std::string(s)) {}              // NOLINT
  Json(std::string s) : v_(std::move(s)) {}                // NOLINT
  Json(std::string_view s) : v_(std::string(s)) {}         // NOLINT
  Json(Array a) : v_(std::move(a)) {}                      // NOLINT
  Json(Object o) : v_(std::move(o)) {}                     // NOLINT

  static Json object() { return Json(Object{}); }
  static Json array() { return Json(Array{}); }

  Kind kind() const { return static_cast<Kind>(v_.index()); }
  bool is_null() const { return kind() == Kind::kNull; }
  bool is_bool() const { return kind() == Kind::kBool; }
  bool is_int() const { return kind() == Kind::kInt; }
  bool is_double() const { return kind() == Kind::kDouble; }
  bool is_number() const { return is_int() || is_double(); }
  bool is_string() const { return kind() == Kind::kString; }
  bool is_array() const { return kind() == Kind::kArray; }
  bool is_object() const { return kind() == Kind::kObject; }

  // Typed access. Calling the wrong accessor for the kind is a bug (std::bad_variant_access).
  bool as_bool() const { return std::get<bool>(v_); }
  std::int64_t as_int() const { return std::get<std::int64_t>(v_); }
  double as_double() const;  // Either number kind, as double.
  const std::string& as_string() const { return std::get<std::string>(v_); }
  std::string& as_string() { return std::get<std::string>(v_); }
  const Array& as_array() const { return std::get<Array>(v_); }
  Array& as_array() { return std::get<Array>(v_); }
  const Object& as_object() const { return std::get<Object>(v_); }
  Object& as_object() { return std::get<Object>(v_); }

  // Object member lookup; nullptr when this is not an object or has no such key.
  const Json* find(std::string_view key) const;
  Json* find(std::string_view key);
  // Object member access that creates the member (and turns null into an object).
  Json& operator[](std::string_view key);

  // Convenience readers with a fallback for absent or mistyped members.
  std::string get_string(std::string_view key, std::string_view fallback = {}) const;
  std::int64_t get_int(std::string_view key, std::int64_t fallback = 0) const;

  // Compact JSON text; object keys come out sorted.
  std::string dump() const;

  struct ParseLimits {
    std::size_t max_bytes = 16 * 1024 * 1024;
    std::size_t max_depth = 64;
  };
  // Parses RFC 8259 JSON (UTF-8 validated). Doubles are read correctly rounded, so the text
  // dump() writes reads back as the same value; a number beyond a double's range (1e400) is an
  // error. A repeated object key keeps its last value. Errors are kInvalidArgument with the
  // reason.
  static Result<Json> parse(std::string_view text, const ParseLimits& limits);
  static Result<Json> parse(std::string_view text) { return parse(text, ParseLimits{}); }

  friend bool operator==(const Json& a, const Json& b);

 private:
  std::variant<std::nullptr_t, bool, std::int64_t, double, std::string, Array, Object> v_;
};

}  // namespace ojsync
