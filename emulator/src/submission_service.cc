#include "submission_service.h"

#include <algorithm>

#include "naive_time.h"
#include "ojs_constants.h"

namespace ojsemu {
namespace {

namespace json = boost::json;

std::optional<LocaleIndex> locale_index(const Database& db, std::string_view code) {
  const auto& locales = db.journal.locales;
  for (std::size_t i = 0; i < locales.size(); ++i) {
    if (locales[i] == code) return static_cast<LocaleIndex>(i);
  }
  return std::nullopt;
}

void merge_text(const Database& db, LocalizedText& target, const json::value& value) {
  if (!value.is_object()) return;
  for (const auto& kv : value.get_object()) {
    const auto loc = locale_index(db, kv.key());
    if (!loc) continue;
    if (kv.value().is_string()) {
      target.set(*loc, std::string(kv.value().get_string()));
    } else if (kv.value().is_null()) {
      target.erase(*loc);
    }
  }
}

std::string list_item_text(const json::value& item) {
  if (item.is_string()) return std::string(item.get_string());
  if (item.is_object()) {  // 3.5 vocabulary entry {"name": …}
    if (const auto* name = item.get_object().if_contains("name"); name && name->is_string()) {
      return std::string(name->get_string());
    }
  }
  return {};
}

void merge_list(const Database& db, LocalizedList& target, const json::value& value) {
  if (!value.is_object()) return;
  for (const auto& kv : value.get_object()) {
    const auto loc = locale_index(db, kv.key());
    if (!loc) continue;
    if (kv.value().is_array()) {
      std::vector<std::string> items;
      for (const auto& item : kv.value().get_array()) {
        std::string text = list_item_text(item);
        if (!text.empty()) items.push_back(std::move(text));
      }
      target.set(*loc, std::move(items));
    } else if (kv.value().is_null()) {
      target.erase(*loc);
    }
  }
}

std::optional<int> opt_int(const json::value& v) {
  if (v.is_int64()) return static_cast<int>(v.get_int64());
  return std::nullopt;
}

std::optional<std::string> opt_string(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  return std::nullopt;
}

int progress_step(const json::value& v, OjsVersion version) {
  if (version == OjsVersion::k3_3) return v.is_int64() ? static_cast<int>(v.get_int64()) : 0;
  static constexpr std::string_view kNames[] = {"", "start", "details", "files", "contributors", "editors", "review"};
  const std::string_view name = v.is_string() ? std::string_view(v.get_string()) : "";
  for (int i = 0; i < 7; ++i) {
    if (kNames[i] == name) return i;
  }
  return 0;
}

}  // namespace

Submission& create_submission(Database& db, NaiveTime now) {
  Submission s;
  s.id = db.next_ids.submission++;
  s.context_id = db.journal.id;
  s.date_submitted = now;
  s.date_last_activity = now;
  s.last_modified = now;
  s.submission_progress = 1;
  return db.submissions.emplace(s.id, std::move(s)).first->second;
}

Publication& create_publication(Database& db, Submission& s, NaiveTime now) {
  Publication p;
  p.id = db.next_ids.publication++;
  p.submission_id = s.id;
  p.last_modified = now;
  s.publications.push_back(std::move(p));
  db.publication_owner[s.publications.back().id] = s.id;
  if (!s.current_publication_id) s.current_publication_id = s.publications.back().id;
  return s.publications.back();
}

Publication& copy_publication_as_new_version(Database& db, Submission& s, const Publication& source, NaiveTime now) {
  Publication copy = source;
  copy.id = db.next_ids.publication++;
  copy.version = 1;
  for (const auto& p : s.publications) copy.version = std::max(copy.version, p.version + 1);
  copy.status = status::kQueued;
  copy.date_published.reset();
  copy.last_modified = now;
  std::optional<int> new_primary;
  for (auto& a : copy.authors) {
    const int old_id = a.id;
    a.id = db.next_ids.author++;
    a.publication_id = copy.id;
    if (source.primary_contact_id && *source.primary_contact_id == old_id) new_primary = a.id;
  }
  copy.primary_contact_id = new_primary;
  s.publications.push_back(std::move(copy));
  db.publication_owner[s.publications.back().id] = s.id;
  return s.publications.back();
}

void delete_submission(Database& db, int submission_id) {
  Submission* s = db.submission(submission_id);
  if (s == nullptr) return;
  for (const auto& p : s->publications) db.publication_owner.erase(p.id);
  db.submissions.erase(submission_id);
}

void delete_publication(Database& db, Submission& s, int publication_id) {
  s.publications.erase(std::remove_if(s.publications.begin(), s.publications.end(),
                                      [&](const Publication& p) { return p.id == publication_id; }),
                       s.publications.end());
  db.publication_owner.erase(publication_id);
  if (s.current_publication_id == publication_id) {
    s.current_publication_id.reset();
    if (!s.publications.empty()) s.current_publication_id = s.publications.back().id;
  }
}

void apply_submission_params(Submission& s, const json::object& params, OjsVersion v) {
  for (const auto& kv : params) {
    const std::string_view k = kv.key();
    const json::value& val = kv.value();
    if (k == "locale") {
      s.locale = opt_string(val);
    } else if (k == "commentsForTheEditors" && v != OjsVersion::k3_3) {
      s.comments_for_the_editors = opt_string(val);
    } else if (v != OjsVersion::k3_3) {
      continue;  // everything else is readOnly or writeDisabledInApi from 3.4 on
    } else if (k == "stageId" && val.is_int64()) {
      s.stage_id = static_cast<int>(val.get_int64());
    } else if (k == "status" && val.is_int64()) {
      s.status = static_cast<int>(val.get_int64());
    } else if (k == "submissionProgress") {
      s.submission_progress = progress_step(val, v);
    } else if (k == "currentPublicationId") {
      s.current_publication_id = opt_int(val);
    } else if (k == "dateSubmitted") {
      s.date_submitted = val.is_string() ? parse_datetime(val.get_string()) : std::nullopt;
    } else if (k == "dateLastActivity" && val.is_string()) {
      if (auto t = parse_datetime(val.get_string())) s.date_last_activity = *t;
    } else if (k == "lastModified" && val.is_string()) {
      if (auto t = parse_datetime(val.get_string())) s.last_modified = *t;
    }
  }
}

void apply_publication_params(const Database& db, Publication& p, const json::object& params, OjsVersion v) {
  const bool v35 = v == OjsVersion::k3_5;
  for (const auto& kv : params) {
    const std::string_view k = kv.key();
    const json::value& val = kv.value();
    if (k == "title") merge_text(db, p.title, val);
    else if (k == "subtitle") merge_text(db, p.subtitle, val);
    else if (k == "prefix") merge_text(db, p.prefix, val);
    else if (k == "abstract") merge_text(db, p.abstract, val);
    else if (k == "coverage") merge_text(db, p.coverage, val);
    else if (k == "type") merge_text(db, p.type, val);
    else if (k == "source") merge_text(db, p.source, val);
    else if (k == "rights") merge_text(db, p.rights, val);
    else if (k == "copyrightHolder") merge_text(db, p.copyright_holder, val);
    else if (k == "dataAvailability" && v != OjsVersion::k3_3) merge_text(db, p.data_availability, val);
    else if (k == "keywords") merge_list(db, p.keywords, val);
    else if (k == "subjects") merge_list(db, p.subjects, val);
    else if (k == "disciplines") merge_list(db, p.disciplines, val);
    else if (k == "languages" && !v35) merge_list(db, p.languages, val);
    else if (k == "supportingAgencies") merge_list(db, p.supporting_agencies, val);
    else if (k == "version" && val.is_int64()) p.version = static_cast<int>(val.get_int64());
    else if (k == "seq") p.seq = opt_int(val).value_or(0);
    else if (k == "datePublished") p.date_published = val.is_string() ? parse_date(val.get_string()) : std::nullopt;
    else if (k == "lastModified" && val.is_string()) { if (auto t = parse_datetime(val.get_string())) p.last_modified = *t; }
    else if (k == "sectionId") p.section_id = opt_int(val);
    else if (k == "issueId") p.issue_id = opt_int(val);
    else if (k == "primaryContactId") p.primary_contact_id = opt_int(val);
    else if (k == "copyrightYear") p.copyright_year = opt_int(val);
    else if (k == "accessStatus") p.access_status = opt_int(val);
    else if (k == "hideAuthor") p.hide_author = val.is_bool() ? std::optional<bool>(val.get_bool()) : std::nullopt;
    else if (k == "pages") p.pages = opt_string(val);
    else if (k == "urlPath") p.url_path = opt_string(val);
    else if (k == "licenseUrl") p.license_url = opt_string(val);
    else if (k == "citationsRaw" && !v35) p.citations_raw = opt_string(val);
    else if (k == "pub-id::publisher-id") p.publisher_id = opt_string(val);
    else if (k == "categoryIds" && !v35 && val.is_array()) {
      p.category_ids.clear();
      for (const auto& c : val.get_array()) {
        if (c.is_int64()) p.category_ids.push_back(static_cast<int>(c.get_int64()));
      }
    }
  }
}

void apply_author_params(const Database& db, Author& a, const json::object& params, OjsVersion v) {
  for (const auto& kv : params) {
    const std::string_view k = kv.key();
    const json::value& val = kv.value();
    if (k == "givenName") merge_text(db, a.given_name, val);
    else if (k == "familyName") merge_text(db, a.family_name, val);
    else if (k == "preferredPublicName") merge_text(db, a.preferred_public_name, val);
    else if (k == "affiliation" && v != OjsVersion::k3_5) merge_text(db, a.affiliation, val);
    else if (k == "biography") merge_text(db, a.biography, val);
    else if (k == "competingInterests") merge_text(db, a.competing_interests, val);
    else if (k == "email" && val.is_string()) a.email = std::string(val.get_string());
    else if (k == "country") a.country = opt_string(val);
    else if (k == "orcid") a.orcid = opt_string(val);
    else if (k == "url") a.url = opt_string(val);
    else if (k == "includeInBrowse" && val.is_bool()) a.include_in_browse = val.get_bool();
    else if (k == "seq") a.seq = opt_int(val).value_or(0);
    else if (k == "userGroupId") a.user_group_id = opt_int(val).value_or(a.user_group_id);
  }
}

void update_submission_status(Submission& s) {
  const Publication* newest_published = nullptr;
  bool scheduled = false;
  for (const auto& p : s.publications) {
    if (p.status == status::kPublished && (newest_published == nullptr || p.version >= newest_published->version)) {
      newest_published = &p;
    }
    if (p.status == status::kScheduled) scheduled = true;
  }
  if (s.status != status::kDeclined) {
    s.status = newest_published ? status::kPublished : scheduled ? status::kScheduled : status::kQueued;
  }
  if (newest_published != nullptr) {
    s.current_publication_id = newest_published->id;
  } else if (!s.publications.empty()) {
    s.current_publication_id = s.publications.back().id;
  }
}

}  // namespace ojsemu
