#include "json_compare.h"

#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>
#include <regex>
#include <set>

namespace ojsemu::testing {
namespace {

namespace json = boost::json;

bool is_locale_key(std::string_view k) {
  static const std::regex kLocale("^[a-z]{2}(_[A-Z]{2})?$");
  return std::regex_match(std::string(k), kLocale);
}

bool is_locale_map(const json::object& o) {
  if (o.empty()) return false;
  for (const auto& kv : o) {
    if (!is_locale_key(kv.key())) return false;
  }
  return true;
}

std::string normalize_string(std::string s, bool ids) {
  static const std::regex kDateTime("^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$");
  static const std::regex kDate("^\\d{4}-\\d{2}-\\d{2}$");
  if (std::regex_match(s, kDateTime)) return "<datetime>";
  if (std::regex_match(s, kDate)) return "<date>";
  if (ids) {
    static const std::regex kUrlIds(
        "(/submissions/|/publications/|/article/view/|/version/|/workflow/access/|/authorDashboard/submission/|"
        "submissionId=|/contributors/|/decisions/)\\d+");
    s = std::regex_replace(s, kUrlIds, "$010");
  }
  return s;
}

void add(std::vector<std::string>& out, const std::string& path, const std::string& what) {
  if (out.size() < 20) out.push_back(path + ": " + what);
}

std::string brief(const json::value& v) {
  std::string s = json::serialize(v);
  return s.size() > 120 ? s.substr(0, 120) + "…" : s;
}

void diff_into(const json::value& e, const json::value& a, const std::string& path, std::vector<std::string>& out) {
  if (e.kind() != a.kind() && !(e.is_number() && a.is_number())) {
    add(out, path, "expected " + brief(e) + " got " + brief(a));
    return;
  }
  if (e.is_object()) {
    const auto& eo = e.get_object();
    const auto& ao = a.get_object();
    std::vector<std::string> ek, ak;
    for (const auto& kv : eo) ek.emplace_back(kv.key());
    for (const auto& kv : ao) ak.emplace_back(kv.key());
    if (ek != ak) {
      const bool same_set = std::set<std::string>(ek.begin(), ek.end()) == std::set<std::string>(ak.begin(), ak.end());
      if (!same_set || !is_locale_map(eo)) {
        add(out, path, "keys differ: expected " + brief(json::value_from(ek)) + " got " + brief(json::value_from(ak)));
      }
    }
    for (const auto& kv : eo) {
      if (const auto* av = ao.if_contains(kv.key())) diff_into(kv.value(), *av, path + "/" + std::string(kv.key()), out);
    }
  } else if (e.is_array()) {
    const auto& ea = e.get_array();
    const auto& aa = a.get_array();
    if (ea.size() != aa.size()) add(out, path, "array size " + std::to_string(ea.size()) + " vs " + std::to_string(aa.size()));
    for (std::size_t i = 0; i < std::min(ea.size(), aa.size()); ++i) diff_into(ea[i], aa[i], path + "/" + std::to_string(i), out);
  } else if (e != a) {
    add(out, path, "expected " + brief(e) + " got " + brief(a));
  }
}

bool same_shape(const json::value& e, const json::value& a);

bool arrays_same_shape(const json::array& e, const json::array& a) {
  if (e.empty() || a.empty()) return e.empty() == a.empty();
  const auto covered = [](const json::array& from, const json::array& by) {
    for (const auto& x : from) {
      bool found = false;
      for (const auto& y : by) found = found || same_shape(x, y);
      if (!found) return false;
    }
    return true;
  };
  return covered(a, e) && covered(e, a);
}

bool same_shape(const json::value& e, const json::value& a) {
  if (e.is_null() || a.is_null()) return true;
  if (e.is_number() && a.is_number()) return e.is_double() == a.is_double();
  if (e.kind() != a.kind()) return false;
  if (e.is_object()) {
    const auto& eo = e.get_object();
    const auto& ao = a.get_object();
    if (eo.size() != ao.size()) return false;
    for (const auto& kv : eo) {
      const auto* av = ao.if_contains(kv.key());
      if (av == nullptr || !same_shape(kv.value(), *av)) return false;
    }
    return true;
  }
  if (e.is_array()) return arrays_same_shape(e.get_array(), a.get_array());
  return true;
}

void shape_into(const json::value& e, const json::value& a, const std::string& path, std::vector<std::string>& out) {
  if (same_shape(e, a)) return;
  if (e.is_object() && a.is_object()) {
    for (const auto& kv : e.get_object()) {
      const auto* av = a.get_object().if_contains(kv.key());
      if (av == nullptr) {
        add(out, path, "missing key " + std::string(kv.key()));
      } else {
        shape_into(kv.value(), *av, path + "/" + std::string(kv.key()), out);
      }
    }
    for (const auto& kv : a.get_object()) {
      if (!e.get_object().contains(kv.key())) add(out, path, "unexpected key " + std::string(kv.key()));
    }
    return;
  }
  add(out, path, "shape differs: expected " + brief(e) + " got " + brief(a));
}

}  // namespace

json::value normalize(const json::value& v, bool ids) {
  static const std::set<std::string> kIdKeys = {"id", "submissionId", "publicationId", "currentPublicationId",
                                                "primaryContactId"};
  if (v.is_string()) return json::string(normalize_string(std::string(v.get_string()), ids));
  if (v.is_array()) {
    json::array out;
    for (const auto& x : v.get_array()) out.push_back(normalize(x, ids));
    return out;
  }
  if (v.is_object()) {
    json::object out;
    for (const auto& kv : v.get_object()) {
      const bool id_key = ids && kIdKeys.count(std::string(kv.key())) > 0 && kv.value().is_int64();
      out.emplace(kv.key(), id_key ? json::value(0) : normalize(kv.value(), ids));
    }
    return out;
  }
  return v;
}

std::vector<std::string> diff(const json::value& expected, const json::value& actual) {
  std::vector<std::string> out;
  diff_into(expected, actual, "", out);
  return out;
}

std::vector<std::string> shape_diff(const json::value& expected, const json::value& actual) {
  std::vector<std::string> out;
  shape_into(expected, actual, "", out);
  return out;
}

}  // namespace ojsemu::testing
