#include "dataset_loader.h"

#include <map>

namespace ojsemu {
namespace {

namespace json = boost::json;

class Reader {
 public:
  Reader(const Journal& journal, OjsVersion version) : journal_(journal), version_(version) {}

  static const json::object& obj(const json::value& v, const char* what) {
    if (!v.is_object()) throw DatasetError(std::string(what) + " must be an object");
    return v.get_object();
  }
  static const json::value* field(const json::object& o, const char* key) {
    const json::value* v = o.if_contains(key);
    return v == nullptr || v->is_null() ? nullptr : v;
  }
  static int integer(const json::object& o, const char* key, int fallback = 0) {
    const json::value* v = field(o, key);
    if (v == nullptr) return fallback;
    if (!v->is_int64()) throw DatasetError(std::string(key) + " must be an integer");
    return static_cast<int>(v->get_int64());
  }
  static std::optional<int> opt_integer(const json::object& o, const char* key) {
    if (field(o, key) == nullptr) return std::nullopt;
    return integer(o, key);
  }
  static bool boolean(const json::object& o, const char* key, bool fallback = false) {
    const json::value* v = field(o, key);
    if (v == nullptr) return fallback;
    if (!v->is_bool()) throw DatasetError(std::string(key) + " must be a boolean");
    return v->get_bool();
  }
  static std::optional<std::string> opt_string(const json::object& o, const char* key) {
    const json::value* v = field(o, key);
    if (v == nullptr) return std::nullopt;
    if (!v->is_string()) throw DatasetError(std::string(key) + " must be a string");
    return std::string(v->get_string());
  }
  static std::string string(const json::object& o, const char* key) {
    return opt_string(o, key).value_or("");
  }
  static std::optional<NaiveTime> opt_time(const json::object& o, const char* key) {
    const auto s = opt_string(o, key);
    if (!s) return std::nullopt;
    if (auto t = parse_datetime(*s)) return t;
    if (auto d = parse_date(*s)) return d;
    throw DatasetError(std::string(key) + " is not a Y-m-d[ H:i:s] timestamp: " + *s);
  }
  static NaiveTime time(const json::object& o, const char* key) { return opt_time(o, key).value_or(0); }
  static std::vector<int> int_list(const json::object& o, const char* key) {
    std::vector<int> out;
    if (const json::value* v = field(o, key)) {
      for (const auto& item : v->as_array()) out.push_back(static_cast<int>(item.as_int64()));
    }
    return out;
  }

  LocaleIndex locale(std::string_view code33) const {
    const std::string code = locale_code_for_version(code33, version_);
    for (std::size_t i = 0; i < journal_.locales.size(); ++i) {
      if (journal_.locales[i] == code) return static_cast<LocaleIndex>(i);
    }
    throw DatasetError("locale " + std::string(code33) + " is not a journal locale");
  }
  LocalizedText text(const json::object& o, const char* key) const {
    LocalizedText out;
    if (const json::value* v = field(o, key)) {
      for (const auto& kv : obj(*v, key)) {
        if (kv.value().is_string()) out.set(locale(kv.key()), std::string(kv.value().get_string()));
      }
    }
    return out;
  }
  LocalizedList list(const json::object& o, const char* key) const {
    LocalizedList out;
    if (const json::value* v = field(o, key)) {
      for (const auto& kv : obj(*v, key)) {
        std::vector<std::string> items;
        for (const auto& item : kv.value().as_array()) items.emplace_back(item.as_string());
        out.set(locale(kv.key()), std::move(items));
      }
    }
    return out;
  }

 private:
  const Journal& journal_;
  OjsVersion version_;
};

Journal read_journal(const json::object& o, OjsVersion version) {
  Journal j;
  j.id = Reader::integer(o, "id", 1);
  j.path = Reader::string(o, "path");
  for (const auto& code : o.at("locales").as_array()) {
    j.locales.push_back(locale_code_for_version(code.as_string(), version));
  }
  const Reader r(j, version);
  j.name = r.text(o, "name");
  j.disable_submissions = Reader::boolean(o, "disableSubmissions");
  if (const auto* sections = Reader::field(o, "sections")) {
    for (const auto& sv : sections->as_array()) {
      const auto& so = Reader::obj(sv, "section");
      Section s;
      s.id = Reader::integer(so, "id");
      s.title = r.text(so, "title");
      s.abbrev = r.text(so, "abbrev");
      s.abstracts_not_required = Reader::boolean(so, "abstractsNotRequired");
      s.editor_restricted = Reader::boolean(so, "editorRestricted");
      s.is_inactive = Reader::boolean(so, "isInactive");
      s.seq = Reader::integer(so, "seq");
      j.sections.push_back(std::move(s));
    }
  }
  if (const auto* issues = Reader::field(o, "issues")) {
    for (const auto& iv : issues->as_array()) {
      const auto& io = Reader::obj(iv, "issue");
      Issue i;
      i.id = Reader::integer(io, "id");
      i.volume = Reader::integer(io, "volume");
      i.number = Reader::integer(io, "number");
      i.year = Reader::integer(io, "year");
      i.published = Reader::boolean(io, "published");
      i.date_published = Reader::opt_time(io, "datePublished");
      i.title = r.text(io, "title");
      j.issues.push_back(std::move(i));
    }
  }
  return j;
}

Author read_author(const Reader& r, const json::object& o, int publication_id) {
  Author a;
  a.id = Reader::integer(o, "id");
  a.publication_id = publication_id;
  a.seq = Reader::integer(o, "seq");
  a.email = Reader::string(o, "email");
  a.given_name = r.text(o, "givenName");
  a.family_name = r.text(o, "familyName");
  a.preferred_public_name = r.text(o, "preferredPublicName");
  a.affiliation = r.text(o, "affiliation");
  a.biography = r.text(o, "biography");
  a.competing_interests = r.text(o, "competingInterests");
  a.country = Reader::opt_string(o, "country");
  a.orcid = Reader::opt_string(o, "orcid");
  a.url = Reader::opt_string(o, "url");
  a.include_in_browse = Reader::boolean(o, "includeInBrowse", true);
  a.user_group_id = Reader::integer(o, "userGroupId");
  return a;
}

Publication read_publication(const Reader& r, const json::object& o, int submission_id) {
  Publication p;
  p.id = Reader::integer(o, "id");
  p.submission_id = submission_id;
  p.version = Reader::integer(o, "version", 1);
  p.status = Reader::integer(o, "status", 1);
  p.seq = Reader::integer(o, "seq");
  p.date_published = Reader::opt_time(o, "datePublished");
  p.last_modified = Reader::time(o, "lastModified");
  p.section_id = Reader::opt_integer(o, "sectionId");
  p.issue_id = Reader::opt_integer(o, "issueId");
  p.primary_contact_id = Reader::opt_integer(o, "primaryContactId");
  p.copyright_year = Reader::opt_integer(o, "copyrightYear");
  p.access_status = Reader::field(o, "accessStatus") ? Reader::opt_integer(o, "accessStatus") : 0;
  if (Reader::field(o, "hideAuthor")) p.hide_author = Reader::boolean(o, "hideAuthor");
  p.pages = Reader::opt_string(o, "pages");
  p.url_path = Reader::opt_string(o, "urlPath");
  p.license_url = Reader::opt_string(o, "licenseUrl");
  p.citations_raw = Reader::opt_string(o, "citationsRaw");
  p.publisher_id = Reader::opt_string(o, "pub-id::publisher-id");
  p.category_ids = Reader::int_list(o, "categoryIds");
  p.title = r.text(o, "title");
  p.subtitle = r.text(o, "subtitle");
  p.prefix = r.text(o, "prefix");
  p.abstract = r.text(o, "abstract");
  p.coverage = r.text(o, "coverage");
  p.type = r.text(o, "type");
  p.source = r.text(o, "source");
  p.rights = r.text(o, "rights");
  p.copyright_holder = r.text(o, "copyrightHolder");
  p.data_availability = r.text(o, "dataAvailability");
  p.keywords = r.list(o, "keywords");
  p.subjects = r.list(o, "subjects");
  p.disciplines = r.list(o, "disciplines");
  p.languages = r.list(o, "languages");
  p.supporting_agencies = r.list(o, "supportingAgencies");
  if (const auto* authors = Reader::field(o, "authors")) {
    for (const auto& av : authors->as_array()) {
      p.authors.push_back(read_author(r, Reader::obj(av, "author"), p.id));
    }
  }
  return p;
}

ReviewAssignment read_review_assignment(const json::object& o) {
  ReviewAssignment a;
  a.id = Reader::integer(o, "id");
  a.review_round_id = Reader::integer(o, "reviewRoundId");
  a.reviewer_id = Reader::integer(o, "reviewerId");
  a.stage_id = Reader::integer(o, "stageId", 3);
  a.round = Reader::integer(o, "round", 1);
  a.date_assigned = Reader::time(o, "dateAssigned");
  a.date_notified = Reader::opt_time(o, "dateNotified");
  a.date_confirmed = Reader::opt_time(o, "dateConfirmed");
  a.date_completed = Reader::opt_time(o, "dateCompleted");
  a.date_acknowledged = Reader::opt_time(o, "dateAcknowledged");
  a.date_due = Reader::opt_time(o, "dateDue");
  a.date_response_due = Reader::opt_time(o, "dateResponseDue");
  a.declined = Reader::boolean(o, "declined");
  a.cancelled = Reader::boolean(o, "cancelled");
  a.considered = Reader::boolean(o, "considered");
  a.recommendation = Reader::opt_integer(o, "recommendation");
  a.review_method = Reader::integer(o, "reviewMethod", 2);
  return a;
}

Submission read_submission(const Reader& r, const json::object& o) {
  Submission s;
  s.id = Reader::integer(o, "id");
  s.context_id = Reader::integer(o, "contextId", 1);
  s.locale = Reader::opt_string(o, "locale");
  s.date_submitted = Reader::opt_time(o, "dateSubmitted");
  s.date_last_activity = Reader::time(o, "dateLastActivity");
  s.last_modified = Reader::time(o, "lastModified");
  s.stage_id = Reader::integer(o, "stageId", 1);
  s.status = Reader::integer(o, "status", 1);
  s.submission_progress = Reader::integer(o, "submissionProgress");
  s.current_publication_id = Reader::opt_integer(o, "currentPublicationId");
  s.comments_for_the_editors = Reader::opt_string(o, "commentsForTheEditors");
  if (const auto* pubs = Reader::field(o, "publications")) {
    for (const auto& pv : pubs->as_array()) {
      s.publications.push_back(read_publication(r, Reader::obj(pv, "publication"), s.id));
    }
  }
  if (const auto* rounds = Reader::field(o, "reviewRounds")) {
    for (const auto& rv : rounds->as_array()) {
      const auto& ro = Reader::obj(rv, "reviewRound");
      s.review_rounds.push_back({Reader::integer(ro, "id"), Reader::integer(ro, "stageId", 3),
                                 Reader::integer(ro, "round", 1), Reader::integer(ro, "status")});
    }
  }
  if (const auto* assignments = Reader::field(o, "reviewAssignments")) {
    for (const auto& av : assignments->as_array()) {
      s.review_assignments.push_back(read_review_assignment(Reader::obj(av, "reviewAssignment")));
    }
  }
  if (const auto* stage_assignments = Reader::field(o, "stageAssignments")) {
    for (const auto& av : stage_assignments->as_array()) {
      const auto& ao = Reader::obj(av, "stageAssignment");
      s.stage_assignments.push_back({Reader::integer(ao, "userId"), Reader::integer(ao, "userGroupId"),
                                     Reader::boolean(ao, "recommendOnly")});
    }
  }
  return s;
}

User read_user(const Reader& r, const json::object& o) {
  User u;
  u.id = Reader::integer(o, "id");
  u.user_name = Reader::string(o, "userName");
  u.email = Reader::string(o, "email");
  u.given_name = r.text(o, "givenName");
  u.family_name = r.text(o, "familyName");
  u.preferred_public_name = r.text(o, "preferredPublicName");
  u.affiliation = r.text(o, "affiliation");
  u.biography = r.text(o, "biography");
  u.signature = r.text(o, "signature");
  u.gossip = Reader::opt_string(o, "gossip");
  u.country = Reader::opt_string(o, "country");
  u.orcid = Reader::opt_string(o, "orcid");
  u.url = Reader::opt_string(o, "url");
  u.phone = Reader::opt_string(o, "phone");
  u.mailing_address = Reader::opt_string(o, "mailingAddress");
  u.billing_address = Reader::opt_string(o, "billingAddress");
  u.date_registered = Reader::time(o, "dateRegistered");
  u.date_validated = Reader::opt_time(o, "dateValidated");
  u.date_last_login = Reader::opt_time(o, "dateLastLogin");
  u.disabled = Reader::boolean(o, "disabled");
  u.disabled_reason = Reader::opt_string(o, "disabledReason");
  u.must_change_password = Reader::boolean(o, "mustChangePassword");
  u.site_admin = Reader::boolean(o, "siteAdmin");
  u.group_ids = Reader::int_list(o, "groups");
  u.api_key = Reader::opt_string(o, "apiKey");
  u.api_key_enabled = Reader::boolean(o, "apiKeyEnabled");
  if (const auto* interests = Reader::field(o, "interests")) {
    for (const auto& i : interests->as_array()) u.interests.emplace_back(i.as_string());
  }
  return u;
}

}  // namespace

std::string locale_code_for_version(std::string_view code_3_3, OjsVersion version) {
  if (version == OjsVersion::k3_3) return std::string(code_3_3);
  static const std::map<std::string_view, std::string_view> kMerged = {
      {"en_US", "en"}, {"es_ES", "es"}, {"ru_RU", "ru"}, {"ja_JP", "ja"}, {"ar_IQ", "ar"}, {"de_DE", "de"}};
  const auto it = kMerged.find(code_3_3);
  return std::string(it == kMerged.end() ? code_3_3 : it->second);
}

Database load_dataset(const json::value& dataset, OjsVersion version) {
  try {
    const auto& root = Reader::obj(dataset, "dataset");
    Database db;
    db.journal = read_journal(Reader::obj(root.at("journal"), "journal"), version);
    const Reader r(db.journal, version);
    for (const auto& gv : root.at("userGroups").as_array()) {
      const auto& go = Reader::obj(gv, "userGroup");
      UserGroup g;
      g.id = Reader::integer(go, "id");
      g.role_id = Reader::integer(go, "roleId");
      g.name = r.text(go, "name");
      g.abbrev = r.text(go, "abbrev");
      g.show_title = Reader::boolean(go, "showTitle");
      g.permit_self_registration = Reader::boolean(go, "permitSelfRegistration");
      g.permit_metadata_edit = Reader::boolean(go, "permitMetadataEdit");
      g.recommend_only = Reader::boolean(go, "recommendOnly");
      g.stages = Reader::int_list(go, "stages");
      db.user_groups.push_back(std::move(g));
    }
    for (const auto& uv : root.at("users").as_array()) {
      User u = read_user(r, Reader::obj(uv, "user"));
      db.users.emplace(u.id, std::move(u));
    }
    for (const auto& sv : root.at("submissions").as_array()) {
      Submission s = read_submission(r, Reader::obj(sv, "submission"));
      if (s.locale) s.locale = locale_code_for_version(*s.locale, version);
      db.submissions.emplace(s.id, std::move(s));
    }
    if (const auto* next = Reader::field(root, "nextIds")) {
      const auto& no = Reader::obj(*next, "nextIds");
      db.next_ids = {Reader::integer(no, "submission", 1), Reader::integer(no, "publication", 1),
                     Reader::integer(no, "author", 1), Reader::integer(no, "reviewRound", 1),
                     Reader::integer(no, "reviewAssignment", 1), Reader::integer(no, "decision", 1)};
    }
    db.reindex();
    return db;
  } catch (const DatasetError&) {
    throw;
  } catch (const std::exception& e) {
    throw DatasetError(std::string("malformed dataset: ") + e.what());
  }
}

}  // namespace ojsemu
