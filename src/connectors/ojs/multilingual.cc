#include "connectors/ojs/multilingual.h"

namespace ojsync {

bool is_empty_value(const Json& v) {
  return v.is_null() || (v.is_string() && v.as_string().empty()) ||
         (v.is_array() && v.as_array().empty()) || (v.is_object() && v.as_object().empty());
}

Json normalize_multilingual(Json value) {
  if (!value.is_object()) return Json::object();
  erase_if(value.as_object(), [](const auto& member) { return is_empty_value(member.second); });
  return value;
}

Status check_multilingual(const Json& value, std::string_view field, bool list_valued) {
  const std::string expected =
      list_valued ? "an object of locale → array of strings" : "an object of locale → string";
  auto bad = [&] {
    return InvalidArgument("manuscript field '" + std::string(field) + "' must be " + expected);
  };
  if (value.is_null()) return OkStatus();
  if (!value.is_object()) return bad();
  for (const auto& [locale, v] : value.as_object()) {
    if (locale.empty() || locale.size() > 32) return bad();
    if (v.is_null()) continue;
    if (!list_valued && !v.is_string()) return bad();
    if (list_valued) {
      if (!v.is_array()) return bad();
      for (const auto& item : v.as_array()) {
        if (!item.is_string()) return bad();
      }
    }
  }
  return OkStatus();
}

Json multilingual_patch(const Json& desired, const Json& current, bool list_valued) {
  Json patch = desired.is_object() ? desired : Json::object();
  if (current.is_object()) {
    for (const auto& [locale, v] : current.as_object()) {
      if (patch.find(locale) == nullptr)
        patch.as_object().emplace(locale, list_valued ? Json::array() : Json());
    }
  }
  return patch;
}

Json vocabulary_names(const Json& value) {
  Json out = Json::object();
  if (!value.is_object()) return out;
  for (const auto& [locale, list] : value.as_object()) {
    if (!list.is_array()) continue;
    Json names = Json::array();
    for (const auto& item : list.as_array()) {
      if (item.is_string()) {
        names.as_array().push_back(item);
      } else if (const Json* name = item.find("name"); name != nullptr && name->is_string()) {
        names.as_array().push_back(*name);
      }
    }
    if (!names.as_array().empty()) out.as_object().emplace(locale, std::move(names));
  }
  return out;
}

Json vocabulary_objects(const Json& names_patch, const Json& stored_objects) {
  Json out = Json::object();
  for (const auto& [locale, names] : names_patch.as_object()) {
    Json list = Json::array();
    const Json* stored = stored_objects.find(locale);
    for (const auto& name : names.is_array() ? names.as_array() : Json::Array{}) {
      Json entry = Json::object();
      entry["name"] = name;
      if (stored != nullptr && stored->is_array()) {
        for (const auto& object : stored->as_array()) {
          if (const Json* n = object.find("name"); n != nullptr && *n == name) entry = object;
        }
      }
      list.as_array().push_back(std::move(entry));
    }
    out.as_object().emplace(locale, std::move(list));
  }
  return out;
}

}  // namespace ojsync
