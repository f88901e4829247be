#include "ojsync/json.h"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/error.hpp>
#include <boost/json/parse_options.hpp>
#include <charconv>
#include <cmath>
#include <vector>

#include "core/json_text.h"

namespace ojsync {

// Growing or inserting into a vector of members moves them only if Json moves without
// throwing; otherwise the vector copies every member (and its subtree).
static_assert(std::is_nothrow_move_constructible_v<Json>);

namespace {

// Boost.JSON's parser checks the syntax (validated UTF-8, depth limit) and hands each value to
// this handler, which builds our DOM directly. Numbers with a fraction or exponent are read
// from their text with std::from_chars, which rounds correctly: Boost 1.81's own conversion
// may be off by an ulp, so the shortest text a double prints as (json_text.h) could read back
// as another double and a document's canonical form would change on a round trip.
class DomBuilder {
 public:
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);

  using error_code = boost::system::error_code;
  using string_view = boost::json::string_view;

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_array_begin(error_code&) {
    stack_.push_back({Json::array(), 0});
    return true;
  }
  bool on_array_end(std::size_t, error_code&) {
    Json done = std::move(stack_.back().array);
    stack_.pop_back();
    return add(std::move(done));
  }
  bool on_object_begin(error_code&) {
    stack_.push_back({Json(), members_.size()});
    return true;
  }
  bool on_object_end(std::size_t, error_code&);
  bool on_string_part(string_view s, std::size_t, error_code&) { return append(text_, s); }
  bool on_string(string_view s, std::size_t, error_code&) {
    append(text_, s);
    add(Json(std::move(text_)));
    text_.clear();
    return true;
  }
  bool on_key_part(string_view s, std::size_t, error_code&) { return append(key_, s); }
  bool on_key(string_view s, std::size_t, error_code&) {
    append(key_, s);
    members_.emplace_back(std::move(key_), Json());
    key_.clear();
    return true;
  }
  bool on_number_part(string_view s, error_code&) { return append(number_, s); }
  bool on_int64(std::int64_t i, string_view, error_code&) {
    number_.clear();
    return add(Json(i));
  }
  bool on_uint64(std::uint64_t u, string_view, error_code&) {
    number_.clear();
    if (u <= static_cast<std::uint64_t>(INT64_MAX)) return add(Json(static_cast<std::int64_t>(u)));
    return add(Json(static_cast<double>(u)));
  }
  bool on_double(double d, string_view s, error_code& error) {
    append(number_, s);
    double exact = 0;
    const auto [end, ec] = std::from_chars(number_.data(), number_.data() + number_.size(), exact);
    const bool read = ec == std::errc() && end == number_.data() + number_.size();
    number_.clear();
    if (read) return add(Json(exact));
    // Too large for a double (1e400): no value can stand for it (JSON has no infinity).
    if (std::isinf(d)) {
      error = boost::json::error::exponent_overflow;
      return false;
    }
    return add(Json(d));  // Too small (1e-400): zero, as Boost reads it.
  }
  bool on_bool(bool b, error_code&) { return add(Json(b)); }
  bool on_null(error_code&) { return add(Json()); }
  bool on_comment_part(string_view, error_code&) { return true; }
  bool on_comment(string_view, error_code&) { return true; }

  Json take() { return std::move(root_); }

 private:
  // An array or object being filled. An object's members are the last ones of members_, from
  // first_member on (its nested objects have taken theirs at their end): they are collected
  // there and moved into the object once, at its end.
  struct Open {
    Json array;                // Arrays: the elements so far; objects: null.
    std::size_t first_member;  // Objects: where their members start in members_.
  };

  static bool append(std::string& to, string_view s) {
    to.append(s.data(), s.size());
    return true;
  }
  // A finished value: the root, the next element of the open array, or the value of the open
  // object's member whose key came last.
  bool add(Json value) {
    if (stack_.empty()) {
      root_ = std::move(value);
    } else if (Open& top = stack_.back(); top.array.is_array()) {
      top.array.as_array().push_back(std::move(value));
    } else {
      members_.back().second = std::move(value);
    }
    return true;
  }

  std::vector<Open> stack_;
  std::vector<Json::Object::value_type> members_;
  std::string key_, text_, number_;
  Json root_;
};

// The members are moved once, into the object's storage; a repeated key keeps its last value.
bool DomBuilder::on_object_end(std::size_t, error_code&) {
  const auto first = members_.begin() + static_cast<std::ptrdiff_t>(stack_.back().first_member);
  Json object(Json::Object::from_members(std::span(first, members_.end())));
  members_.erase(first, members_.end());
  stack_.pop_back();
  return add(std::move(object));
}

}  // namespace

double Json::as_double() const {
  if (is_int()) return static_cast<double>(as_int());
  return std::get<double>(v_);
}

const Json* Json::find(std::string_view key) const {
  if (!is_object()) return nullptr;
  const auto& o = as_object();
  auto it = o.find(key);
  return it == o.end() ? nullptr : &it->second;
}

Json* Json::find(std::string_view key) {
  return const_cast<Json*>(static_cast<const Json*>(this)->find(key));
}

Json& Json::operator[](std::string_view key) {
  if (is_null()) v_ = Object{};
  return as_object()[key];
}

std::string Json::get_string(std::string_view key, std::string_view fallback) const {
  const Json* v = find(key);
  return v != nullptr && v->is_string() ? v->as_string() : std::string(fallback);
}

std::int64_t Json::get_int(std::string_view key, std::int64_t fallback) const {
  const Json* v = find(key);
  if (v == nullptr) return fallback;
  if (v->is_int()) return v->as_int();
  return fallback;
}

std::string Json::dump() const {
  std::string out;
  append_json_text(*this, out);
  return out;
}

Result<Json> Json::parse(std::string_view text, const ParseLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return InvalidArgument("JSON document of " + std::to_string(text.size()) +
                           " bytes exceeds the limit of " + std::to_string(limits.max_bytes));
  }
  boost::json::parse_options options;
  options.max_depth = limits.max_depth;
  boost::json::basic_parser<DomBuilder> parser(options);
  boost::system::error_code ec;
  const std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
  if (!ec && used < text.size()) ec = boost::json::error::extra_data;
  if (ec) return InvalidArgument("invalid JSON: " + ec.message());
  return parser.handler().take();
}

bool operator==(const Json& a, const Json& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_int() && b.is_int()) return a.as_int() == b.as_int();
    return a.as_double() == b.as_double();
  }
  return a.v_ == b.v_;
}

}  // namespace ojsync
