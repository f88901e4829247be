// Query-string and form-body parameters as PHP sees them. OJS reads `$_GET`/Slim params, where
// `status[]=3&status[]=5` is a list, `status=3,5` is a string the handler splits, a repeated
// scalar keeps its last value, and `+` means a space. The emulator reproduces those rules so that
// odd client encodings behave as on a real server.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ojsemu {

// Percent-decodes `text`; with `plus_is_space` a '+' becomes ' ' (query strings and form bodies).
// Malformed escapes are kept literally, as PHP's urldecode() does.
std::string url_decode(std::string_view text, bool plus_is_space);

class QueryParams {
 public:
  struct Value {
    bool is_list = false;
    std::string scalar;
    std::vector<std::string> list;
  };

  static QueryParams parse(std::string_view query);

  bool has(std::string_view name) const;
  const Value* find(std::string_view name) const;
  // The scalar value of `name`; nullopt when absent or sent as a list.
  std::optional<std::string> scalar(std::string_view name) const;
  const std::map<std::string, Value, std::less<>>& all() const { return values_; }

 private:
  std::map<std::string, Value, std::less<>> values_;
};

// PHP's (int) cast of a string: optional leading whitespace and sign, then digits up to the first
// non-digit; "abc" is 0 and overflow saturates.
std::int64_t php_int_cast(std::string_view text);

// The integer-list convention of OJS list endpoints: a list is used as is, a string is split on
// commas; every element goes through (int). Absent → empty.
std::vector<std::int64_t> int_list_param(const QueryParams& params, std::string_view name);

// The string-list variant (comma split for scalars), used e.g. for `roleIds` and `status` names.
std::vector<std::string> string_list_param(const QueryParams& params, std::string_view name);

}  // namespace ojsemu
