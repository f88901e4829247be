#include "connectors/ojs/reviewer_mapping.h"

#include "connectors/ojs/multilingual.h"
#include "connectors/ojs/ojs_datetime.h"

namespace ojsync {

bool has_reviewer_role(const Json& user) {
  const Json* groups = user.find("groups");
  if (groups == nullptr || !groups->is_array()) return false;
  for (const auto& g : groups->as_array()) {
    if (g.get_int("roleId") == kReviewerRoleId) return true;
  }
  return false;
}

Json project_reviewer(const Json& user, const TimeZone& zone) {
  Json doc = Json::object();
  for (auto field : {"userName", "email", "orcid", "country", "url"}) {
    if (const Json* v = user.find(field); v != nullptr && v->is_string() && !v->as_string().empty())
      doc[field] = *v;
  }
  for (auto field :
       {"givenName", "familyName", "preferredPublicName", "affiliation", "biography"}) {
    const Json* v = user.find(field);
    Json text = normalize_multilingual(v != nullptr ? *v : Json());
    if (!text.as_object().empty()) doc[field] = std::move(text);
  }
  if (const Json* v = user.find("disabled"); v != nullptr && v->is_bool()) doc["disabled"] = *v;
  if (const Json* interests = user.find("interests");
      interests != nullptr && interests->is_array()) {
    Json names = Json::array();
    for (const auto& i : interests->as_array()) {
      const Json* text = i.is_string() ? &i : i.find("interest");
      if (text != nullptr && text->is_string() && !text->as_string().empty())
        names.as_array().push_back(*text);
    }
    if (!names.as_array().empty()) doc["interests"] = std::move(names);
  }
  for (auto field : {"dateRegistered", "dateLastLogin"}) {
    const Json* v = user.find(field);
    if (v == nullptr || !v->is_string()) continue;
    if (auto iso = ojs_datetime_to_iso_utc(v->as_string(), zone)) doc[field] = *iso;
  }
  return doc;
}

Timestamp reviewer_modified(const Json& user, const TimeZone& zone) {
  Timestamp newest;
  for (auto field : {"dateLastLogin", "dateValidated", "dateRegistered"}) {
    const Json* v = user.find(field);
    if (v == nullptr || !v->is_string()) continue;
    if (auto local = parse_ojs_datetime(v->as_string())) {
      newest = std::max(newest, timestamp_from_utc(zone.to_utc(*local)));
    }
  }
  return newest;
}

}  // namespace ojsync
