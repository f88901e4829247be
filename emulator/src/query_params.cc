#include "query_params.h"

#include <limits>

namespace ojsemu {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    parts.push_back(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return parts;
}

}  // namespace

std::string url_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+' && plus_is_space) {
      out += ' ';
    } else if (c == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
               hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

QueryParams QueryParams::parse(std::string_view query) {
  QueryParams params;
  std::size_t start = 0;
  while (start <= query.size()) {
    std::size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view pair = query.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    std::string name = url_decode(pair.substr(0, eq), true);
    std::string value = eq == std::string_view::npos ? "" : url_decode(pair.substr(eq + 1), true);
    // PHP treats "name[...]" as an array element; the key inside the brackets is irrelevant to
    // every parameter OJS reads, so all bracket forms append.
    const std::size_t bracket = name.find('[');
    if (bracket != std::string::npos && bracket > 0 && name.back() == ']') {
      Value& v = params.values_[name.substr(0, bracket)];
      if (!v.is_list) v = Value{true, {}, {}};
      v.list.push_back(std::move(value));
    } else if (!name.empty()) {
      params.values_[name] = Value{false, std::move(value), {}};
    }
  }
  return params;
}

bool QueryParams::has(std::string_view name) const { return values_.find(name) != values_.end(); }

const QueryParams::Value* QueryParams::find(std::string_view name) const {
  const auto it = values_.find(name);
  return it == values_.end() ? nullptr : &it->second;
}

std::optional<std::string> QueryParams::scalar(std::string_view name) const {
  const Value* v = find(name);
  if (v == nullptr || v->is_list) return std::nullopt;
  return v->scalar;
}

std::int64_t php_int_cast(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' ||
                             text[i] == '\r' || text[i] == '\v' || text[i] == '\f')) {
    ++i;
  }
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  std::int64_t value = 0;
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    const int digit = text[i] - '0';
    if (value > (kMax - digit) / 10) return negative ? std::numeric_limits<std::int64_t>::min() : kMax;
    value = value * 10 + digit;
  }
  return negative ? -value : value;
}

std::vector<std::string> string_list_param(const QueryParams& params, std::string_view name) {
  const QueryParams::Value* v = params.find(name);
  if (v == nullptr) return {};
  return v->is_list ? v->list : split_commas(v->scalar);
}

std::vector<std::int64_t> int_list_param(const QueryParams& params, std::string_view name) {
  std::vector<std::int64_t> out;
  for (const std::string& s : string_list_param(params, name)) out.push_back(php_int_cast(s));
  return out;
}

}  // namespace ojsemu
