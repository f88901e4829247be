#include "ojsync/json.h"

#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/value.hpp>
#include <charconv>
#include <cmath>

#include "core/json_text.h"

namespace ojsync {
namespace {

// Boost.JSON does the parsing (validated UTF-8, depth limit); we convert to our DOM. Boost
// reads a number beyond double's range (1e999) as infinity, which JSON cannot express and no
// serializer can write back; `out_of_range` is set when one is seen.
Json from_boost(const boost::json::value& v, bool& out_of_range) {
  switch (v.kind()) {
    case boost::json::kind::null: return Json();
    case boost::json::kind::bool_: return Json(v.get_bool());
    case boost::json::kind::int64: return Json(v.get_int64());
    case boost::json::kind::uint64: {
      const std::uint64_t u = v.get_uint64();
      if (u <= static_cast<std::uint64_t>(INT64_MAX)) return Json(static_cast<std::int64_t>(u));
      return Json(static_cast<double>(u));
    }
    case boost::json::kind::double_:
      if (!std::isfinite(v.get_double())) out_of_range = true;
      return Json(v.get_double());
    case boost::json::kind::string: return Json(std::string_view(v.get_string()));
    case boost::json::kind::array: {
      const auto& in = v.get_array();
      Json::Array out;
      out.reserve(in.size());
      for (const auto& e : in) out.push_back(from_boost(e, out_of_range));
      return Json(std::move(out));
    }
    case boost::json::kind::object: {
      Json::Object out;
      for (const auto& kv : v.get_object()) {
        out.insert_or_assign(std::string(kv.key()), from_boost(kv.value(), out_of_range));
      }
      return Json(std::move(out));
    }
  }
  return Json();
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
  auto& o = as_object();
  auto it = o.find(key);
  if (it == o.end()) it = o.emplace(std::string(key), Json()).first;
  return it->second;
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
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec, {}, options);
  if (ec) return InvalidArgument("invalid JSON: " + ec.message());
  bool out_of_range = false;
  Json parsed = from_boost(v, out_of_range);
  if (out_of_range) return InvalidArgument("invalid JSON: a number is out of range");
  return parsed;
}

bool operator==(const Json& a, const Json& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_int() && b.is_int()) return a.as_int() == b.as_int();
    return a.as_double() == b.as_double();
  }
  return a.v_ == b.v_;
}

}  // namespace ojsync
