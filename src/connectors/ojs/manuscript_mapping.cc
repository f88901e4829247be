#include "connectors/ojs/manuscript_mapping.h"

#include <algorithm>
#include <array>

#include "connectors/ojs/author_mapping.h"
#include "connectors/ojs/multilingual.h"
#include "connectors/ojs/ojs_datetime.h"
#include "connectors/ojs/ojs_version_traits.h"

namespace ojsync {
namespace {

constexpr std::array<std::string_view, 3> kTextFields = {"title", "subtitle", "abstract"};
constexpr std::array<std::string_view, 3> kDateFields = {"dateSubmitted", "lastModified",
                                                         "dateLastActivity"};
constexpr std::array<std::string_view, 13> kKnownFields = {
    "title",         "subtitle",     "abstract",        "keywords", "authors",
    "sectionId",     "status",       "stageId",         "locale",   "publicationId",
    "dateSubmitted", "lastModified", "dateLastActivity"};

const Json& member(const Json& o, std::string_view key) {
  static const Json kNull;
  const Json* p = o.find(key);
  return p != nullptr ? *p : kNull;
}

// The member `key` of `o`, moved out (null when absent).
Json taken(Json& o, std::string_view key) {
  Json* p = o.find(key);
  return p != nullptr ? std::move(*p) : Json();
}

bool in(const auto& list, std::string_view key) {
  return std::find(list.begin(), list.end(), key) != list.end();
}

void put_int(Json& doc, std::string_view key, const Json& value) {
  if (value.is_int()) doc[key] = value;
}

Status check_int(const Json& desired, std::string_view key) {
  const Json& v = member(desired, key);
  if (!v.is_null() && !v.is_int())
    return InvalidArgument("manuscript field '" + std::string(key) + "' must be an integer");
  return OkStatus();
}

}  // namespace

Json project_manuscript(const Json& submission, std::optional<Json> publication, OjsVersion v,
                        const TimeZone& zone) {
  Json doc = Json::object();
  if (const Json& locale = member(submission, "locale");
      locale.is_string() && !locale.as_string().empty()) {
    doc["locale"] = locale;
  }
  put_int(doc, "status", member(submission, "status"));
  put_int(doc, "stageId", member(submission, "stageId"));
  put_int(doc, "publicationId", member(submission, "currentPublicationId"));
  for (auto field : kDateFields) {
    const Json& raw = member(submission, field);
    if (!raw.is_string()) continue;
    if (auto iso = ojs_datetime_to_iso_utc(raw.as_string(), zone)) doc[field] = *iso;
  }
  if (!publication) return doc;
  for (auto field : kTextFields) {
    Json text = normalize_multilingual(taken(*publication, field));
    if (!text.as_object().empty()) doc[field] = std::move(text);
  }
  Json keywords = keywords_are_objects(v) ? vocabulary_names(member(*publication, "keywords"))
                                          : normalize_multilingual(taken(*publication, "keywords"));
  if (!keywords.as_object().empty()) doc["keywords"] = std::move(keywords);
  put_int(doc, "sectionId", member(*publication, "sectionId"));
  Json authors = project_authors(taken(*publication, "authors"), v);
  if (!authors.as_array().empty()) doc["authors"] = std::move(authors);
  return doc;
}

Timestamp manuscript_modified(const Json& submission, const TimeZone& zone) {
  for (auto field : {"dateLastActivity", "lastModified"}) {
    const Json& raw = member(submission, field);
    if (!raw.is_string()) continue;
    if (auto local = parse_ojs_datetime(raw.as_string()))
      return timestamp_from_utc(zone.to_utc(*local));
  }
  return Timestamp();
}

Result<ManuscriptPlan> plan_manuscript_update(const Json& desired, const Json& current,
                                              const Json* raw_publication, OjsVersion v) {
  if (!desired.is_object()) return InvalidArgument("a manuscript document must be a JSON object");
  ManuscriptPlan plan;
  for (const auto& [key, value] : desired.as_object()) {
    if (!in(kKnownFields, key) && !is_empty_value(value)) plan.rejected_fields.push_back(key);
  }
  for (auto field : kTextFields) {
    OJSYNC_RETURN_IF_ERROR(check_multilingual(member(desired, field), field, false));
    const Json d = normalize_multilingual(member(desired, field));
    const Json c = normalize_multilingual(member(current, field));
    if (d != c) plan.publication_patch[field] = multilingual_patch(d, c, false);
  }
  OJSYNC_RETURN_IF_ERROR(check_multilingual(member(desired, "keywords"), "keywords", true));
  const Json dk = normalize_multilingual(member(desired, "keywords"));
  const Json ck = normalize_multilingual(member(current, "keywords"));
  if (dk != ck) {
    Json patch = multilingual_patch(dk, ck, true);
    if (keywords_are_objects(v)) {
      patch = vocabulary_objects(
          patch, raw_publication ? member(*raw_publication, "keywords") : Json::object());
    }
    plan.publication_patch["keywords"] = std::move(patch);
  }

  for (auto key : {"sectionId", "status", "stageId", "publicationId"})
    OJSYNC_RETURN_IF_ERROR(check_int(desired, key));
  const Json& section = member(desired, "sectionId");
  if (section.is_int() && section != member(current, "sectionId"))
    plan.publication_patch["sectionId"] = section;
  for (auto key : {"status", "stageId"}) {
    const Json& d = member(desired, key);
    if (!d.is_int() || d == member(current, key)) continue;
    if (submission_workflow_writable(v)) {
      plan.submission_patch[key] = d;
    } else {
      plan.rejected_fields.push_back(
          key);  // writeDisabledInApi: only editorial decisions move them.
    }
  }
  const Json& locale = member(desired, "locale");
  if (!locale.is_null() && !locale.is_string())
    return InvalidArgument("manuscript field 'locale' must be a string");
  if (locale.is_string() && !locale.as_string().empty() && locale != member(current, "locale")) {
    plan.submission_patch["locale"] = locale;
  }
  for (auto key : {"dateSubmitted", "publicationId"}) {
    const Json& d = member(desired, key);
    if (!d.is_null() && d != member(current, key))
      plan.rejected_fields.push_back(key);  // Read-only in OJS.
  }

  OJSYNC_ASSIGN_OR_RETURN(plan.desired_authors, normalize_authors(member(desired, "authors")));
  const Json& current_authors = member(current, "authors");
  plan.authors_differ =
      plan.desired_authors != (current_authors.is_array() ? current_authors : Json::array());
  if (plan.authors_differ && !has_contributor_api(v)) {
    plan.rejected_fields.push_back("authors");
    plan.authors_differ = false;
  }
  std::sort(plan.rejected_fields.begin(), plan.rejected_fields.end());
  plan.rejected_fields.erase(std::unique(plan.rejected_fields.begin(), plan.rejected_fields.end()),
                             plan.rejected_fields.end());
  return plan;
}

}  // namespace ojsync
