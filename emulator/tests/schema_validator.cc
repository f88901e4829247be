#include "schema_validator.h"

#include <boost/json/parse.hpp>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace ojsemu::testing {
namespace {

namespace json = boost::json;

std::optional<json::object> read_schema(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str()).as_object();
}

std::string lower_first(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

bool flag(const json::object& prop, const char* name) {
  const json::value* v = prop.if_contains(name);
  return v != nullptr && ((v->is_bool() && v->get_bool()) || (v->is_string() && v->get_string() == "true"));
}

std::string type_of(const json::object& prop) {
  const json::value* t = prop.if_contains("type");
  return t != nullptr && t->is_string() ? std::string(t->get_string()) : "";
}

bool type_matches(const std::string& type, const json::value& v) {
  if (type == "integer") return v.is_int64() || v.is_uint64();
  if (type == "number") return v.is_number();
  if (type == "string") return v.is_string();
  if (type == "boolean") return v.is_bool();
  if (type == "array") return v.is_array();
  if (type == "object" || type == "Object") return v.is_object();
  return true;  // untyped
}

}  // namespace

SchemaValidator::SchemaValidator(const std::string& version, std::vector<std::string> locales)
    : version_(version), locales_(std::move(locales)) {}

void SchemaValidator::allow(const std::string& key, const std::string& reason) { allowed_[key] = reason; }

const json::object& SchemaValidator::schema(const std::string& entity) const {
  auto it = schemas_.find(entity);
  if (it != schemas_.end()) return it->second;
  const std::filesystem::path dir = std::filesystem::path(OJSEMU_SPEC_DIR) / version_ / "schemas";
  auto merged = read_schema(dir / "pkp-lib" / (entity + ".json"));
  auto ojs = read_schema(dir / "ojs" / (entity + ".json"));
  if (!merged && !ojs) throw std::runtime_error("no schema for " + entity + " in " + version_);
  if (!merged) merged = json::object{{"properties", json::object()}};
  if (ojs) {
    auto& props = (*merged)["properties"].as_object();
    for (const auto& kv : ojs->at("properties").as_object()) props[kv.key()] = kv.value();
  }
  return schemas_.emplace(entity, std::move(*merged)).first->second;
}

void SchemaValidator::check_value(const std::string& entity, const std::string& path, const json::object& prop,
                                  const json::value& value, std::vector<std::string>& out) const {
  if (value.is_null()) return;
  if (allowed_.count(entity + "." + path) > 0) return;
  if (const json::value* ref = prop.if_contains("$ref"); ref != nullptr && ref->is_string()) {
    const std::string name(ref->get_string());
    const std::string target = lower_first(name.substr(name.rfind('/') + 1));
    if (target == "localeObject" || target == "userInterest") {
      if (!value.is_object() && !value.is_array()) out.push_back(entity + "." + path + ": object expected");
      return;
    }
    if (!value.is_object()) {
      out.push_back(entity + "." + path + ": object expected for " + target);
      return;
    }
    for (auto& p : validate(target, value.get_object(), SchemaView::kNested)) out.push_back(entity + "." + path + " → " + p);
    return;
  }
  const std::string type = type_of(prop);
  if (!type_matches(type, value)) {
    out.push_back(entity + "." + path + ": " + type + " expected");
    return;
  }
  if (type == "array") {
    if (const json::value* items = prop.if_contains("items"); items != nullptr && items->is_object()) {
      for (const auto& item : value.get_array()) check_value(entity, path + "[]", items->get_object(), item, out);
    }
  } else if (type == "object" && value.is_object()) {
    if (const json::value* props = prop.if_contains("properties"); props != nullptr && props->is_object()) {
      for (const auto& kv : value.get_object()) {
        if (const json::value* sub = props->get_object().if_contains(kv.key()); sub != nullptr && sub->is_object()) {
          check_value(entity, path + "." + std::string(kv.key()), sub->get_object(), kv.value(), out);
        }
      }
    }
  }
}

std::vector<std::string> SchemaValidator::validate(const std::string& entity, const json::object& value,
                                                   SchemaView view) const {
  std::vector<std::string> out;
  const auto& props = schema(entity).at("properties").as_object();
  for (const auto& kv : value) {
    const std::string name(kv.key());
    const json::value* decl = props.if_contains(name);
    if (decl == nullptr) {
      if (view != SchemaView::kNested && allowed_.count(entity + "+" + name) == 0) {
        out.push_back(entity + "." + name + ": not declared by the schema");
      }
      continue;
    }
    const auto& prop = decl->as_object();
    if (flag(prop, "writeOnly")) out.push_back(entity + "." + name + ": writeOnly property in a response");
    if (view == SchemaView::kSummary && !flag(prop, "apiSummary") && allowed_.count(entity + "+" + name) == 0) {
      out.push_back(entity + "." + name + ": not an apiSummary property but in a list item");
    }
    if (flag(prop, "multilingual") && !kv.value().is_null()) {
      if (!kv.value().is_object()) {
        out.push_back(entity + "." + name + ": multilingual value must be an object");
        continue;
      }
      for (const auto& lv : kv.value().get_object()) {
        if (std::find(locales_.begin(), locales_.end(), std::string(lv.key())) == locales_.end()) {
          out.push_back(entity + "." + name + ": unknown locale " + std::string(lv.key()));
        }
        check_value(entity, name, prop, lv.value(), out);
      }
      continue;
    }
    check_value(entity, name, prop, kv.value(), out);
  }
  if (view == SchemaView::kNested) return out;
  for (const auto& kv : props) {
    const auto& prop = kv.value().as_object();
    const std::string name(kv.key());
    const bool expected = view == SchemaView::kSummary ? flag(prop, "apiSummary") && !flag(prop, "writeOnly")
                                                       : !flag(prop, "writeOnly");
    if (expected && !value.contains(name) && allowed_.count(entity + "-" + name) == 0) {
      out.push_back(entity + "." + name + ": missing");
    }
  }
  return out;
}

}  // namespace ojsemu::testing
