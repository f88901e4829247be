#include "connectors/ojs/author_mapping.h"

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include "connectors/ojs/multilingual.h"
#include "connectors/ojs/ojs_version_traits.h"

namespace ojsync {
namespace {

constexpr std::array<std::string_view, 4> kTextFields = {"givenName", "familyName",
                                                         "preferredPublicName", "affiliation"};
constexpr std::array<std::string_view, 4> kStringFields = {"email", "orcid", "country", "url"};
constexpr std::array<std::string_view, 2> kIntFields = {"seq", "userGroupId"};

bool in(const auto& list, std::string_view key) {
  return std::find(list.begin(), list.end(), key) != list.end();
}

Json project_affiliations(const Json& raw) {
  Json out = Json::array();
  if (!raw.is_array()) return out;
  for (const auto& a : raw.as_array()) {
    Json entry = Json::object();
    Json name = normalize_multilingual(a.find("name") ? *a.find("name") : Json());
    if (!name.as_object().empty()) entry["name"] = std::move(name);
    if (const Json* ror = a.find("ror");
        ror != nullptr && ror->is_string() && !ror->as_string().empty()) {
      entry["ror"] = *ror;
    }
    if (!entry.as_object().empty()) out.as_array().push_back(std::move(entry));
  }
  return out;
}

std::string lower_ascii(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

// The fields of `desired` that differ from `current`, as a contributor PUT/POST body.
Json field_changes(const Json& desired, const Json& current, std::vector<std::string>& rejected,
                   OjsVersion v) {
  Json body = Json::object();
  const Json none;
  auto get = [&](const Json& o, std::string_view k) -> const Json& {
    const Json* p = o.find(k);
    return p != nullptr ? *p : none;
  };
  std::set<std::string, std::less<>> keys;
  for (const auto& [k, _] : desired.as_object()) keys.insert(k);
  for (const auto& [k, _] : current.as_object()) keys.insert(k);
  for (const auto& key : keys) {
    const Json& d = get(desired, key);
    const Json& c = get(current, key);
    if (d == c || key == "id") continue;
    const bool affiliation_text = key == "affiliation" && !has_affiliation_objects(v);
    if (in(kTextFields, key) && (key != "affiliation" || affiliation_text)) {
      body[key] = multilingual_patch(d, c, false);
    } else if (in(kStringFields, key)) {
      body[key] = d;  // null clears it.
    } else if (in(kIntFields, key) || key == "includeInBrowse") {
      if (!d.is_null()) body[key] = d;  // Required by OJS: left out means "keep", never "clear".
    } else if (!is_empty_value(d) || !is_empty_value(c)) {
      rejected.push_back("authors." + key);  // 3.5 affiliations (read-only) or unknown members.
    }
  }
  return body;
}

// Document order: by seq, then id (OJS lists authors that way; equal seqs are common in 3.3).
void sort_by_position(Json& authors) {
  std::stable_sort(authors.as_array().begin(), authors.as_array().end(),
                   [](const Json& a, const Json& b) {
                     return std::pair(a.get_int("seq"), a.get_int("id")) <
                            std::pair(b.get_int("seq"), b.get_int("id"));
                   });
}

}  // namespace

Json project_author(Json raw, OjsVersion v) {
  Json out = Json::object();
  if (const Json* id = raw.find("id"); id != nullptr && id->is_int()) out["id"] = *id;
  for (auto field : kTextFields) {
    if (field == "affiliation" && has_affiliation_objects(v)) continue;
    Json* text = raw.find(field);
    Json normal = normalize_multilingual(text != nullptr ? std::move(*text) : Json());
    if (!normal.as_object().empty()) out[field] = std::move(normal);
  }
  if (has_affiliation_objects(v)) {
    Json affiliations =
        project_affiliations(raw.find("affiliations") ? *raw.find("affiliations") : Json());
    if (!affiliations.as_array().empty()) out["affiliations"] = std::move(affiliations);
  }
  for (auto field : kStringFields) {
    if (Json* s = raw.find(field); s != nullptr && s->is_string() && !s->as_string().empty())
      out[field] = std::move(*s);
  }
  for (auto field : kIntFields) {
    if (const Json* n = raw.find(field); n != nullptr && n->is_int()) out[field] = *n;
  }
  if (const Json* b = raw.find("includeInBrowse"); b != nullptr && b->is_bool())
    out["includeInBrowse"] = *b;
  return out;
}

Json project_authors(Json raw_authors, OjsVersion v) {
  Json out = Json::array();
  if (!raw_authors.is_array()) return out;
  for (auto& a : raw_authors.as_array()) {
    if (a.is_object()) out.as_array().push_back(project_author(std::move(a), v));
  }
  sort_by_position(out);
  return out;
}

Result<Json> normalize_authors(const Json& desired) {
  if (desired.is_null()) return Json::array();
  if (!desired.is_array())
    return InvalidArgument("manuscript field 'authors' must be an array of objects");
  Json out = Json::array();
  for (const auto& a : desired.as_array()) {
    if (!a.is_object())
      return InvalidArgument("manuscript field 'authors' must be an array of objects");
    Json author = Json::object();
    for (const auto& [key, value] : a.as_object()) {
      const bool text = in(kTextFields, key);
      const bool bad_type =
          (text && !value.is_null() && !value.is_object()) ||
          (in(kStringFields, key) && !value.is_null() && !value.is_string()) ||
          ((in(kIntFields, key) || key == "id") && !value.is_null() && !value.is_int()) ||
          (key == "includeInBrowse" && !value.is_null() && !value.is_bool());
      if (bad_type)
        return InvalidArgument("manuscript field 'authors." + key + "' has the wrong type");
      Json normal = text ? normalize_multilingual(value) : value;
      if (!is_empty_value(normal)) author[key] = std::move(normal);
    }
    out.as_array().push_back(std::move(author));
  }
  sort_by_position(out);
  return out;
}

AuthorPlan plan_author_changes(const Json& desired, const Json& current,
                               std::int64_t publication_id, OjsVersion v) {
  AuthorPlan plan;
  std::map<std::int64_t, const Json*> by_id;
  for (const auto& c : current.as_array()) by_id[c.get_int("id")] = &c;
  std::set<std::int64_t> claimed;
  for (const auto& d : desired.as_array()) {
    if (by_id.count(d.get_int("id", -1)) != 0) claimed.insert(d.get_int("id"));
  }
  auto match_by_email = [&](const Json& d) -> const Json* {
    const std::string email = lower_ascii(d.get_string("email"));
    if (email.empty()) return nullptr;
    for (const auto& [id, c] : by_id) {
      if (claimed.count(id) == 0 && lower_ascii(c->get_string("email")) == email) return c;
    }
    return nullptr;
  };

  std::vector<AuthorOp> updates, creates;
  for (const auto& d : desired.as_array()) {
    const Json* c =
        by_id.count(d.get_int("id", -1)) != 0 ? by_id[d.get_int("id")] : match_by_email(d);
    if (c != nullptr) {
      claimed.insert(c->get_int("id"));
      Json body = field_changes(d, *c, plan.rejected_fields, v);
      if (!body.as_object().empty())
        updates.push_back({AuthorOp::Kind::kUpdate, c->get_int("id"), std::move(body)});
      continue;
    }
    Json body = field_changes(d, Json::object(), plan.rejected_fields, v);
    if (body.find("userGroupId") == nullptr && !current.as_array().empty()) {
      if (const Json* group = current.as_array().front().find("userGroupId"))
        body["userGroupId"] = *group;
    }
    if (body.find("userGroupId") == nullptr) {
      plan.rejected_fields.push_back(
          "authors");  // OJS requires a contributor role to add an author.
      continue;
    }
    body["publicationId"] = publication_id;
    creates.push_back({AuthorOp::Kind::kCreate, 0, std::move(body)});
  }
  for (const auto& [id, c] : by_id) {
    if (claimed.count(id) == 0) plan.ops.push_back({AuthorOp::Kind::kDelete, id, Json()});
  }
  for (auto& op : updates) plan.ops.push_back(std::move(op));
  for (auto& op : creates) plan.ops.push_back(std::move(op));
  std::sort(plan.rejected_fields.begin(), plan.rejected_fields.end());
  plan.rejected_fields.erase(std::unique(plan.rejected_fields.begin(), plan.rejected_fields.end()),
                             plan.rejected_fields.end());
  return plan;
}

}  // namespace ojsync
