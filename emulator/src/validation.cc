#include "validation.h"

#include <algorithm>
#include <map>
#include <regex>

#include "messages.h"
#include "naive_time.h"
#include "php_json.h"
#include "query_params.h"

namespace ojsemu {
namespace {

namespace json = boost::json;

bool php_empty(const json::value& v) {
  if (v.is_null()) return true;
  if (v.is_string()) return v.get_string().empty() || v.get_string() == "0";
  if (v.is_array()) return v.get_array().empty();
  if (v.is_object()) return v.get_object().empty();
  if (v.is_int64()) return v.get_int64() == 0;
  if (v.is_bool()) return !v.get_bool();
  return false;
}

std::string scalar_text(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_bool()) return v.get_bool() ? "1" : "";
  return to_php_json(v);
}

bool regex_match(const std::string& name, const std::string& text) {
  static const std::map<std::string, std::regex> kPatterns = {
      {"/^[a-z]{2}_[A-Z]{2}(@[a-z]{0,})?$/", std::regex("^[a-z]{2}_[A-Z]{2}(@[a-z]{0,})?$")},
      {"/^([a-z]{2})((_[A-Z][a-zA-Z]{0,3})?)(@[a-z]{0,})?$/",
       std::regex("^([a-z]{2})((_[A-Z][a-zA-Z]{0,3})?)(@[a-z]{0,})?$")},
      {"bcp47", std::regex("^([A-Za-z]{2,4})([_-]([A-Za-z]{4,5}|[0-9]{4}))?([_-]([A-Za-z]{2}|[0-9]{3}))?(@[a-z]{2,30})?$")},
      {"urlPath", std::regex("^[a-zA-Z0-9]+([.\\-_][a-zA-Z0-9]+)*$")},
  };
  const auto it = kPatterns.find(name);
  return it != kPatterns.end() && std::regex_match(text, it->second);
}

bool valid_url(const std::string& text) {
  static const std::regex kUrl("^[a-zA-Z][a-zA-Z0-9+.\\-]*://[^\\s/?#]+[^\\s]*$");
  return std::regex_match(text, kUrl);
}

bool valid_email(const std::string& text) {
  static const std::regex kEmail("^[^@\\s]+@([^@\\s.]+\\.)*[^@\\s.]+$");
  return std::regex_match(text, kEmail);
}

bool valid_orcid(const std::string& text) {
  static const std::regex kOrcid("^https?://(sandbox\\.)?orcid\\.org/[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]$");
  return std::regex_match(text, kOrcid);
}

// The message of the first failed type check or rule, empty when the value passes.
std::string check_value(OjsVersion v, const PropSpec& spec, PropType type, const json::value& value) {
  if (value.is_null()) return {};
  switch (type) {
    case PropType::kInteger:
      if (!value.is_int64() && !value.is_uint64()) return translate(v, "validator.integer");
      break;
    case PropType::kString:
      if (!value.is_string()) return translate(v, "validator.string");
      break;
    case PropType::kBoolean:
      if (!value.is_bool()) return translate(v, "validator.boolean");
      break;
    case PropType::kArray:
      if (!value.is_array()) return translate(v, "validator.array");
      for (const auto& item : value.get_array()) {
        if (std::string m = check_value(v, spec, spec.item_type, item); !m.empty()) return m;
      }
      return {};
    case PropType::kObject:
      if (!value.is_object()) return translate(v, "validator.array");
      return {};
  }
  const std::string text = scalar_text(value);
  for (const auto& rule : spec.rules) {
    const std::size_t colon = rule.find(':');
    const std::string name = rule.substr(0, colon);
    const std::string arg = colon == std::string::npos ? "" : rule.substr(colon + 1);
    if (name == "min" && value.is_int64() && value.get_int64() < std::stoll(arg)) {
      return translate(v, "validator.min.numeric", {{"min", arg}});
    }
    if (name == "max" && value.is_int64() && value.get_int64() > std::stoll(arg)) {
      return translate(v, "validator.max.numeric", {{"max", arg}});
    }
    if (name == "in") {
      std::vector<std::string> allowed;
      std::size_t start = 0;
      while (start <= arg.size()) {
        std::size_t comma = arg.find(',', start);
        if (comma == std::string::npos) comma = arg.size();
        allowed.push_back(arg.substr(start, comma - start));
        start = comma + 1;
      }
      if (std::find(allowed.begin(), allowed.end(), text) == allowed.end()) {
        return translate(v, "validator.in", {{"attribute", spec.name}});
      }
    }
    if (name == "regex" && !regex_match(arg, text)) {
      return translate(v, arg == "urlPath" ? "validator.urlPath" : "validator.regex");
    }
    if (name == "url" && !valid_url(text)) return translate(v, "validator.url");
    if (name == "email_or_localhost" && !valid_email(text)) return translate(v, "validator.email");
    if (name == "orcid" && !valid_orcid(text)) return translate(v, "validator.regex");
    if (name == "date_format") {
      const bool ok = arg == "Y-m-d" ? parse_date(text).has_value() : parse_datetime(text).has_value();
      if (!ok) {
        return arg == "Y-m-d" ? translate(v, "validator.date_format.Y-m-d")
                              : translate(v, "validator.date_format", {{"format", arg}});
      }
    }
    if (name == "date" && !parse_datetime(text) && !parse_date(text)) return translate(v, "validator.date");
  }
  return {};
}

json::value coerce_value(const json::value& value, PropType type, PropType item_type) {
  if (value.is_string() && value.get_string().empty()) {
    return type == PropType::kArray ? json::value(json::array()) : json::value(nullptr);
  }
  if (value.is_string()) {
    const std::string s(value.get_string());
    if (type == PropType::kBoolean) {
      if (s == "true" || s == "1") return true;
      if (s == "false" || s == "0") return false;
    }
    if (type == PropType::kInteger && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return php_int_cast(s);
    }
  }
  if (type == PropType::kArray && value.is_array()) {
    json::array out;
    for (const auto& item : value.get_array()) out.push_back(coerce_value(item, item_type, PropType::kString));
    return out;
  }
  return value;
}

// parse_str() for "a=1&b[]=2&c[en_US]=3": one bracket level, which covers every OJS prop.
json::object parse_form(std::string_view body) {
  json::object out;
  std::size_t start = 0;
  while (start <= body.size()) {
    std::size_t end = body.find('&', start);
    if (end == std::string_view::npos) end = body.size();
    const std::string_view pair = body.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    const std::string name = url_decode(pair.substr(0, eq), true);
    const std::string value = eq == std::string_view::npos ? "" : url_decode(pair.substr(eq + 1), true);
    const std::size_t open = name.find('[');
    if (open == std::string::npos || open == 0 || name.back() != ']') {
      out[name] = json::string(value);
      continue;
    }
    const std::string base = name.substr(0, open);
    const std::string key = name.substr(open + 1, name.size() - open - 2);
    if (key.empty()) {
      if (!out[base].is_array()) out[base] = json::array();
      out[base].get_array().push_back(json::string(value));
    } else {
      if (!out[base].is_object()) out[base] = json::object();
      out[base].get_object()[key] = json::string(value);
    }
  }
  return out;
}

}  // namespace

void ValidationErrors::add(const std::string& prop, const std::string& message) {
  json::value& slot = errors_[prop];
  if (!slot.is_array()) slot = json::array();
  slot.get_array().push_back(json::string(message));
}

void ValidationErrors::add_localized(const std::string& prop, const std::string& locale, const std::string& message) {
  json::value& slot = errors_[prop];
  if (!slot.is_object()) slot = json::object();
  json::value& list = slot.get_object()[locale];
  if (!list.is_array()) list = json::array();
  list.get_array().push_back(json::string(message));
}

void ValidationErrors::set_plain(const std::string& prop, const std::string& message) {
  errors_[prop] = json::string(message);
}

json::object parse_body_params(const HttpRequest& request, std::size_t max_depth) {
  const std::string* type = request.header("Content-Type");
  const std::string media = type == nullptr ? "" : type->substr(0, type->find(';'));
  if (iequals(media, "application/x-www-form-urlencoded")) return parse_form(request.body);
  if (!iequals(media, "application/json")) return {};
  auto parsed = parse_json_body(request.body, max_depth);
  if (!parsed || !parsed->is_object()) return {};
  return std::move(parsed->get_object());
}

json::object coerce_to_schema(OjsVersion version, Entity entity, const json::object& params) {
  json::object out;
  for (const auto& kv : params) {
    const PropSpec* spec = find_prop(version, entity, kv.key());
    if (spec == nullptr) {
      out.emplace(kv.key(), kv.value());
    } else if (spec->multilingual && kv.value().is_object()) {
      json::object per_locale;
      for (const auto& lv : kv.value().get_object()) {
        per_locale.emplace(lv.key(), coerce_value(lv.value(), spec->type, spec->item_type));
      }
      out.emplace(kv.key(), std::move(per_locale));
    } else {
      out.emplace(kv.key(), coerce_value(kv.value(), spec->type, spec->item_type));
    }
  }
  return out;
}

ValidationErrors write_disabled_errors(OjsVersion version, Entity entity, const json::object& params) {
  ValidationErrors errors;
  if (version == OjsVersion::k3_3) return errors;
  for (const auto& kv : params) {
    const PropSpec* spec = find_prop(version, entity, kv.key());
    if (spec != nullptr && spec->write_disabled) {
      errors.add(spec->name, translate(version, "api.400.propReadOnly", {{"prop", spec->name}}));
    }
  }
  return errors;
}

ValidationErrors validate_props(const ValidationInput& in) {
  ValidationErrors errors;
  const auto& schema = write_schema(in.version, in.entity);
  // 1. Type and rule checks, in schema order.
  for (const auto& spec : schema) {
    if (spec.read_only) continue;
    const json::value* value = in.params.if_contains(spec.name);
    if (value == nullptr) continue;
    if (!spec.multilingual) {
      if (std::string m = check_value(in.version, spec, spec.type, *value); !m.empty()) errors.add(spec.name, m);
      continue;
    }
    if (!value->is_object() && !value->is_null()) {
      errors.add(spec.name, translate(in.version, "validator.localeExpected"));
      continue;
    }
    if (value->is_null()) continue;
    for (const auto& lv : value->get_object()) {
      if (std::string m = check_value(in.version, spec, spec.type, lv.value()); !m.empty()) {
        errors.add_localized(spec.name, std::string(lv.key()), m);
      }
    }
  }
  // 2. Required props: all of them when adding, the ones sent when editing.
  for (const auto& spec : schema) {
    if (!spec.required) continue;
    const json::value* value = in.params.if_contains(spec.name);
    if (in.action == WriteAction::kEdit && value == nullptr) continue;
    if (spec.multilingual) {
      if (value != nullptr && !value->is_object() && !value->is_null()) continue;  // already reported
      const json::value* primary =
          value != nullptr && value->is_object() ? value->get_object().if_contains(in.primary_locale) : nullptr;
      // Editing merges per locale, so only an explicitly emptied primary locale is an error
      // (captured 087 vs 089); adding needs a value in the primary locale.
      const bool missing = in.action == WriteAction::kAdd ? primary == nullptr || php_empty(*primary)
                                                          : primary != nullptr && php_empty(*primary);
      if (missing) {
        errors.add_localized(spec.name, in.primary_locale,
                             translate(in.version, "form.requirePrimaryLocale",
                                       {{"language", locale_display_name(in.primary_locale)}}));
      }
    } else if (value == nullptr || php_empty(*value)) {
      errors.add(spec.name, translate(in.version, "validator.required"));
    }
  }
  // 3. Locale keys must be among the journal's submission locales.
  for (const auto& spec : schema) {
    if (!spec.multilingual || spec.read_only) continue;
    const json::value* value = in.params.if_contains(spec.name);
    if (value == nullptr || !value->is_object()) continue;
    for (const auto& lv : value->get_object()) {
      const std::string code(lv.key());
      if (std::find(in.allowed_locales.begin(), in.allowed_locales.end(), code) == in.allowed_locales.end()) {
        errors.add_localized(spec.name, code, translate(in.version, "validator.locale"));
      }
    }
  }
  return errors;
}

std::string locale_display_name(const std::string& code) {
  static const std::map<std::string, std::string> kNames = {
      {"en_US", "English"}, {"en", "English"}, {"fr_CA", "Français (Canada)"}, {"es_ES", "Español (España)"},
      {"es", "Español"}, {"ru_RU", "Русский"}, {"ru", "Русский"}, {"ja_JP", "日本語"}, {"ja", "日本語"},
      {"ar_IQ", "العربية"}, {"ar", "العربية"}, {"de_DE", "Deutsch"}, {"de", "Deutsch"}};
  const auto it = kNames.find(code);
  return it == kNames.end() ? code : it->second;
}

}  // namespace ojsemu
