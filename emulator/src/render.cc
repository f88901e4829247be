#include "render.h"

#include <algorithm>

#include "messages.h"
#include "ojs_constants.h"
#include "reviewer_stats.h"
#include "sorted_object.h"
#include "workflow.h"

namespace ojsemu {
namespace {

namespace json = boost::json;

json::value opt(const std::optional<int>& v) { return v ? json::value(*v) : json::value(nullptr); }
json::value opt(const std::optional<std::string>& v) { return v ? json::value(*v) : json::value(nullptr); }
json::value opt(const std::optional<bool>& v) { return v ? json::value(*v) : json::value(nullptr); }
json::value opt_datetime(const std::optional<NaiveTime>& t) {
  return t ? json::value(format_datetime(*t)) : json::value(nullptr);
}
json::value opt_date(const std::optional<NaiveTime>& t) {
  return t ? json::value(format_date(*t)) : json::value(nullptr);
}

enum class Fill { kEmptyString, kNull };

// Stored locales first, then every other journal locale with a filler (addMissingMultilingualValues).
json::object expand(const RenderContext& ctx, const LocalizedText& text, Fill fill) {
  json::object out;
  for (const auto& [loc, value] : text.entries()) out.emplace(ctx.locale_code(loc), value);
  for (std::size_t i = 0; i < ctx.db.journal.locales.size(); ++i) {
    const auto& code = ctx.db.journal.locales[i];
    if (!out.contains(code)) {
      out.emplace(code, fill == Fill::kNull ? json::value(nullptr) : json::value(""));
    }
  }
  return out;
}

json::value list_item(const RenderContext& ctx, const std::string& item) {
  // 3.5 turned keywords, subjects… into controlled-vocabulary entries.
  if (ctx.version == OjsVersion::k3_5) return json::object{{"name", item}};
  return json::value(item);
}

json::object expand(const RenderContext& ctx, const LocalizedList& list) {
  json::object out;
  for (const auto& [loc, items] : list.entries()) {
    json::array arr;
    for (const auto& item : items) arr.push_back(list_item(ctx, item));
    out.emplace(ctx.locale_code(loc), std::move(arr));
  }
  for (const auto& code : ctx.db.journal.locales) {
    if (!out.contains(code)) out.emplace(code, json::array());
  }
  return out;
}

// 3.3 user objects show only the stored locales, or null when there are none.
json::value stored_only(const RenderContext& ctx, const LocalizedText& text) {
  if (text.empty()) return nullptr;
  json::object out;
  for (const auto& [loc, value] : text.entries()) out.emplace(ctx.locale_code(loc), value);
  return out;
}

json::value user_text(const RenderContext& ctx, const LocalizedText& text) {
  if (ctx.version == OjsVersion::k3_3) return stored_only(ctx, text);
  return expand(ctx, text, Fill::kEmptyString);
}

std::string full_title(const Publication& p, LocaleIndex loc) {
  std::string title;
  if (const auto* t = p.title.get(loc)) title = *t;
  if (const auto* prefix = p.prefix.get(loc); prefix != nullptr && !prefix->empty()) {
    title = *prefix + " " + title;
  }
  if (const auto* sub = p.subtitle.get(loc); sub != nullptr && !sub->empty()) title += ": " + *sub;
  return title;
}

json::object full_titles(const RenderContext& ctx, const Publication& p) {
  LocalizedText titles;
  for (const auto& [loc, t] : p.title.entries()) {
    if (!t.empty()) titles.set(loc, full_title(p, loc));
  }
  return expand(ctx, titles, Fill::kEmptyString);
}

std::string author_family_or_given(const Author& a, LocaleIndex preferred, LocaleIndex fallback) {
  std::string family = localized_value(a.family_name, preferred, fallback);
  return family.empty() ? localized_value(a.given_name, preferred, fallback) : family;
}

std::string authors_string(const Publication& p, LocaleIndex fallback, bool include_in_browse_only) {
  std::string out;
  for (const auto& a : p.authors) {
    if (include_in_browse_only && !a.include_in_browse) continue;
    if (!out.empty()) out += ", ";
    out += author_full_name(a, 0, fallback);
  }
  return out;
}

std::string authors_string_short(const Publication& p, LocaleIndex fallback) {
  if (p.authors.empty()) return "";
  const std::string first = author_family_or_given(p.authors.front(), 0, fallback);
  return p.authors.size() > 1 ? first + " et al." : first;
}

std::string user_group_name(const RenderContext& ctx, int group_id) {
  const UserGroup* g = ctx.db.user_group(group_id);
  return g == nullptr ? "" : localized_value(g->name, 0, 0);
}

json::array groups_of(const RenderContext& ctx, const User& u) {
  json::array groups;
  for (int gid : u.group_ids) {
    const UserGroup* g = ctx.db.user_group(gid);
    if (g == nullptr || g->role_id == role::kSiteAdmin) continue;  // site-level group, not in the journal
    json::object o;
    o.emplace("id", g->id);
    o.emplace("name", stored_only(ctx, g->name));
    o.emplace("abbrev", stored_only(ctx, g->abbrev));
    o.emplace("roleId", g->role_id);
    o.emplace("showTitle", g->show_title);
    o.emplace("permitSelfRegistration", g->permit_self_registration);
    o.emplace("permitMetadataEdit", g->permit_metadata_edit);
    o.emplace("recommendOnly", g->recommend_only);
    groups.push_back(std::move(o));
  }
  return groups;
}

json::array interests_of(const User& u) {
  json::array out;
  int id = 1;
  for (const auto& i : u.interests) out.push_back(json::object{{"id", id++}, {"interest", i}});
  return out;
}

bool viewer_can_gossip(const RenderContext& ctx, const User& u) {
  if (ctx.viewer == nullptr || ctx.viewer->id == u.id) return false;
  return has_any_role(ctx.viewer_roles(), {role::kSiteAdmin, role::kManager, role::kSubEditor});
}

std::string progress_name(int step) {
  static constexpr const char* kNames[] = {"", "start", "details", "files", "contributors", "editors", "review"};
  return step >= 0 && step < 7 ? kNames[step] : "start";
}

json::array review_rounds_json(const RenderContext& ctx, const Submission& s) {
  json::array out;
  for (const auto& r : s.review_rounds) {
    const int st = review_round_status(ctx.db, s, r, ctx.now);
    out.push_back(json::object{{"id", r.id}, {"round", r.round}, {"stageId", r.stage_id}, {"statusId", st},
                               {"status", review_round_status_text(st)}});
  }
  return out;
}

json::array review_assignments_json(const RenderContext& ctx, const Submission& s) {
  json::array out;
  const bool editor_view = ctx.viewer != nullptr &&
                           has_any_role(ctx.viewer_roles(),
                                        {role::kSiteAdmin, role::kManager, role::kSubEditor});
  for (const auto& a : s.review_assignments) {
    const int st = review_assignment_status(a, ctx.now);
    const bool hidden = a.declined || a.cancelled;
    // 3.3/3.4 never list declined or cancelled reviews; 3.5 shows them to editors.
    if (hidden && (ctx.version != OjsVersion::k3_5 || !editor_view)) continue;
    const bool mine = ctx.viewer != nullptr && ctx.viewer->id == a.reviewer_id;
    json::object o;
    o.emplace("id", a.id);
    o.emplace("isCurrentUserAssigned", mine);
    o.emplace("statusId", st);
    o.emplace("status", review_assignment_status_text(st));
    if (ctx.version == OjsVersion::k3_5) {
      const User* reviewer = ctx.db.user(a.reviewer_id);
      o.emplace("dateDue", opt_date(a.date_due));
      o.emplace("dateResponseDue", opt_date(a.date_response_due));
      o.emplace("dateConfirmed", opt_date(a.date_confirmed));
      o.emplace("dateCompleted", opt_date(a.date_completed));
      o.emplace("dateConsidered", nullptr);
      o.emplace("dateAssigned", format_date(a.date_assigned));
      o.emplace("competingInterests", nullptr);
      o.emplace("round", a.round);
      o.emplace("roundId", a.review_round_id);
      o.emplace("recommendation", opt(a.recommendation));
      o.emplace("dateCancelled", nullptr);
      // Anonymous reviewers are hidden from everyone but editors (anonymization for the viewer).
      const bool show_reviewer = editor_view || mine;
      o.emplace("reviewerId", show_reviewer ? json::value(a.reviewer_id) : json::value(nullptr));
      o.emplace("reviewerFullName", show_reviewer && reviewer ? json::value(user_full_name(*reviewer)) : json::value(""));
      o.emplace("reviewMethod", a.review_method);
      o.emplace("canLoginAs", false);
      o.emplace("canGossip", editor_view);
      o.emplace("reviewerDisplayInitials", "");
      o.emplace("reviewerHasOrcid", reviewer != nullptr && reviewer->orcid.has_value());
    } else {
      o.emplace("due", opt_date(a.date_due));
      o.emplace("responseDue", opt_date(a.date_response_due));
      o.emplace("round", a.round);
      o.emplace("roundId", a.review_round_id);
    }
    out.push_back(std::move(o));
  }
  return out;
}

// The "stages" array of a full submission (PKPSubmissionService::getWorkflowStages).
json::array stages_json(const RenderContext& ctx, const Submission& s) {
  json::array out;
  const int viewer_id = ctx.viewer ? ctx.viewer->id : 0;
  for (int stage_id : {stage::kSubmission, stage::kExternalReview, stage::kEditing, stage::kProduction}) {
    json::object o;
    o.emplace("id", stage_id);
    o.emplace("label", stage_label(stage_id));
    o.emplace("isActiveStage", s.stage_id == stage_id);
    o.emplace("queries", json::array());
    json::array roles;
    for (int r : assigned_roles_in_stage(ctx.db, s, viewer_id, stage_id)) roles.push_back(r);
    o.emplace("currentUserAssignedRoles", std::move(roles));
    if (stage_id == stage::kSubmission) {
      if (!editor_assigned_to_stage(ctx.db, s, stage_id)) {
        o.emplace("statusId", 1);
        o.emplace("status", "No editor has been assigned to this submission.");
      }
      o.emplace("files", json::object{{"count", 0}});
    } else if (stage_id == stage::kExternalReview) {
      if (const ReviewRound* round = last_review_round(s, stage_id)) {
        const int st = review_round_status(ctx.db, s, *round, ctx.now);
        o.emplace("statusId", st);
        o.emplace("status", review_round_status_text(st));
        o.emplace("files", json::object{{"count", 0}});
        o.emplace("currentUserCanRecommendOnly", user_recommend_only_in_stage(ctx.db, s, viewer_id, stage_id));
      } else {
        o.emplace("files", json::object{{"count", 0}});
      }
    } else {
      o.emplace("files", json::object{{"count", 0}});
    }
    out.push_back(std::move(o));
  }
  return out;
}

// Decision types an editor may take in the submission's current stage (3.5 list).
json::array available_decisions(const RenderContext& ctx, const Submission& s) {
  json::array out;
  std::vector<int> ids;
  if (s.status == status::kDeclined) {
    ids = s.stage_id == stage::kSubmission ? std::vector<int>{16} : std::vector<int>{15};
  } else if (s.stage_id == stage::kSubmission) {
    ids = {3, 17, 8};
  } else if (s.stage_id == stage::kExternalReview) {
    ids = {4, 5, 2, 6, 14, 31};
  } else if (s.stage_id == stage::kEditing) {
    ids = {7, 30};
  } else if (s.stage_id == stage::kProduction) {
    ids = {29};
  }
  for (int id : ids) {
    out.push_back(json::object{{"stageId", s.stage_id}, {"id", id}, {"label", decision_label(ctx.version, id)}});
  }
  return out;
}

json::array participants_json(const RenderContext& ctx, const Submission& s) {
  json::array out;
  std::vector<int> seen;
  for (const auto& a : s.stage_assignments) {
    if (std::find(seen.begin(), seen.end(), a.user_id) != seen.end()) continue;
    seen.push_back(a.user_id);
    if (const User* u = ctx.db.user(a.user_id)) {
      out.push_back(json::object{{"id", u->id}, {"fullName", user_full_name(*u)}, {"canLoginAs", false}});
    }
  }
  return out;
}

void add_3_5_submission_flags(const RenderContext& ctx, const Submission& s, SortedObject& o) {
  const bool editor = editor_assigned_to_stage(ctx.db, s, s.stage_id);
  const ReviewRound* round = last_review_round(s, stage::kExternalReview);
  const int round_st = round ? review_round_status(ctx.db, s, *round, ctx.now) : 0;
  o.add("editorAssigned", editor);
  o.add("recommendationsIn", round ? json::value(round_st == round_status::kRecommendationsCompleted)
                                   : json::value(nullptr));
  o.add("reviewersNotAssigned", s.stage_id == stage::kExternalReview && round_st == round_status::kPendingReviewers);
  o.add("revisionsRequested", round_st == round_status::kRevisionsRequested);
  o.add("revisionsSubmitted", round_st == round_status::kRevisionsSubmitted);
  const Publication* p = current_publication(s);
  const Issue* issue = nullptr;
  if (p != nullptr && p->issue_id) {
    for (const auto& i : ctx.db.journal.issues) {
      if (i.id == *p->issue_id) issue = &i;
    }
  }
  o.add("scheduledIn", s.status == status::kScheduled && issue ? json::value(issue->id) : json::value(nullptr));
  if (issue != nullptr && !issue->published) {
    o.add("issueToBePublished",
          json::object{{"id", issue->id},
                       {"label", "Vol. " + std::to_string(issue->volume) + " No. " + std::to_string(issue->number) +
                                     " (" + std::to_string(issue->year) + ")"}});
  } else {
    o.add("issueToBePublished", nullptr);
  }
}

// getWorkflowUrlByUserRoles(): editors (and unassigned managers) get the editorial workflow,
// an author assigned to the submission the author dashboard, a reviewer the review page.
std::string workflow_url_for_viewer(const RenderContext& ctx, const Submission& s) {
  const std::string sid = std::to_string(s.id);
  const std::string editorial = ctx.journal_url() + "/workflow/access/" + sid;
  if (ctx.viewer == nullptr) return editorial;
  bool author = false;
  for (const auto& a : s.stage_assignments) {
    const UserGroup* g = ctx.db.user_group(a.user_group_id);
    if (a.user_id != ctx.viewer->id || g == nullptr) continue;
    if (g->role_id == role::kAuthor) {
      author = true;
    } else if (g->role_id != role::kReviewer) {
      return editorial;
    }
  }
  if (has_any_role(ctx.viewer_roles(), {role::kSiteAdmin, role::kManager})) return editorial;
  if (author) return ctx.journal_url() + "/authorDashboard/submission/" + sid;
  for (const auto& r : s.review_assignments) {
    if (r.reviewer_id == ctx.viewer->id) return ctx.journal_url() + "/reviewer/submission/" + sid;
  }
  return editorial;
}

}  // namespace

RenderContext::RenderContext(OjsVersion v, const Database& database, const std::string& base_url, const User* user,
                             NaiveTime now_naive)
    : version(v),
      db(database),
      viewer(user),
      now(now_naive),
      journal_url_(base_url + "/index.php/" + database.journal.path),
      api_url_(journal_url_ + "/api/v1") {
  if (user != nullptr) viewer_roles_ = user_roles(database, *user);
}

std::string localized_value(const LocalizedText& text, LocaleIndex preferred, LocaleIndex fallback) {
  if (const auto* v = text.get(preferred); v != nullptr && !v->empty()) return *v;
  if (const auto* v = text.get(fallback); v != nullptr && !v->empty()) return *v;
  for (const auto& [loc, v] : text.entries()) {
    if (!v.empty()) return v;
  }
  return "";
}

std::string author_full_name(const Author& a, LocaleIndex preferred, LocaleIndex fallback) {
  const std::string preferred_name = localized_value(a.preferred_public_name, preferred, fallback);
  if (!preferred_name.empty()) return preferred_name;
  const std::string given = localized_value(a.given_name, preferred, fallback);
  const std::string family = localized_value(a.family_name, preferred, fallback);
  if (family.empty()) return given;
  return given.empty() ? family : given + " " + family;
}

std::string user_full_name(const User& u) {
  const std::string given = localized_value(u.given_name, 0, 0);
  const std::string family = localized_value(u.family_name, 0, 0);
  if (family.empty()) return given;
  return given.empty() ? family : given + " " + family;
}

LocaleIndex submission_locale_index(const Database& db, const Submission& s) {
  if (s.locale) {
    for (std::size_t i = 0; i < db.journal.locales.size(); ++i) {
      if (db.journal.locales[i] == *s.locale) return static_cast<LocaleIndex>(i);
    }
  }
  return 0;
}

const Publication* current_publication(const Submission& s) {
  for (const auto& p : s.publications) {
    if (s.current_publication_id && p.id == *s.current_publication_id) return &p;
  }
  return s.publications.empty() ? nullptr : &s.publications.back();
}

json::object render_author(const RenderContext& ctx, const Submission& s, const Author& a) {
  const LocaleIndex sub_loc = submission_locale_index(ctx.db, s);
  SortedObject o;
  o.add("email", a.email);
  o.add("familyName", expand(ctx, a.family_name, Fill::kEmptyString));
  o.add("givenName", expand(ctx, a.given_name, Fill::kEmptyString));
  o.add("id", a.id);
  o.add("includeInBrowse", a.include_in_browse);
  o.add("orcid", opt(a.orcid));
  o.add("preferredPublicName", expand(ctx, a.preferred_public_name, Fill::kEmptyString));
  o.add("publicationId", a.publication_id);
  o.add("seq", a.seq);
  o.add("userGroupId", a.user_group_id);
  if (ctx.version == OjsVersion::k3_3) {
    o.add("affiliation", expand(ctx, a.affiliation, Fill::kEmptyString));
    o.add("submissionLocale", opt(s.locale));
    return o.take();
  }
  o.add("country", opt(a.country));
  o.add("fullName", author_full_name(a, 0, sub_loc));
  o.add("userGroupName", user_group_name(ctx, a.user_group_id));
  if (ctx.version == OjsVersion::k3_4) {
    o.add("affiliation", expand(ctx, a.affiliation, Fill::kEmptyString));
    o.add("locale", opt(s.locale));
    return o.take();
  }
  json::array affiliations;
  if (!a.affiliation.empty()) {
    affiliations.push_back(json::object{{"id", a.id},
                                        {"authorId", a.id},
                                        {"ror", nullptr},
                                        {"rorObject", nullptr},
                                        {"name", expand(ctx, a.affiliation, Fill::kEmptyString)}});
  }
  o.add("affiliations", std::move(affiliations));
  o.add("submissionLocale", opt(s.locale));
  for (const char* k : {"orcidSandbox", "orcidAccessToken", "orcidAccessScope", "orcidRefreshToken",
                        "orcidAccessExpiresOn", "orcidAccessDenied", "orcidEmailToken", "orcidWorkPutCode"}) {
    o.add(k, nullptr);
  }
  o.add("orcidIsVerified", nullptr);
  o.add("orcidDisplayValue", opt(a.orcid));
  return o.take();
}

json::object render_publication(const RenderContext& ctx, const Submission& s, const Publication& p, View view) {
  const LocaleIndex sub_loc = submission_locale_index(ctx.db, s);
  const std::string sid = std::to_string(s.id), pid = std::to_string(p.id);
  SortedObject o;
  o.add("_href", ctx.api_url() + "/submissions/" + sid + "/publications/" + pid);
  o.add("authorsString", authors_string(p, sub_loc, false));
  o.add("authorsStringShort", authors_string_short(p, sub_loc));
  json::array categories;
  for (int c : p.category_ids) categories.push_back(c);
  o.add("categoryIds", std::move(categories));
  o.add("coverImage", expand(ctx, LocalizedText{}, Fill::kNull));
  o.add("datePublished", opt_date(p.date_published));
  o.add("fullTitle", full_titles(ctx, p));
  o.add("galleys", json::array());
  o.add("id", p.id);
  o.add("locale", opt(s.locale));
  o.add("pages", opt(p.pages));
  o.add("prefix", expand(ctx, p.prefix, Fill::kEmptyString));
  o.add("primaryContactId", opt(p.primary_contact_id));
  o.add("pub-id::publisher-id", opt(p.publisher_id));
  o.add("sectionId", opt(p.section_id));
  o.add("status", p.status);
  o.add("submissionId", s.id);
  o.add("subtitle", expand(ctx, p.subtitle, Fill::kEmptyString));
  o.add("title", expand(ctx, p.title, Fill::kEmptyString));
  o.add("urlPublished", ctx.journal_url() + "/article/view/" + sid + "/version/" + pid);
  o.add("version", p.version);
  if (ctx.version != OjsVersion::k3_3) {
    o.add("authorsStringIncludeInBrowse", authors_string(p, sub_loc, true));
    o.add("doiObject", nullptr);
  }
  if (view == View::kSummary) return o.take();

  o.add("abstract", expand(ctx, p.abstract, Fill::kEmptyString));
  o.add("accessStatus", opt(p.access_status));
  json::array authors;
  for (const auto& a : p.authors) authors.push_back(render_author(ctx, s, a));
  o.add("authors", std::move(authors));
  o.add("citations", json::array());
  o.add("citationsRaw", opt(p.citations_raw));
  o.add("copyrightHolder", expand(ctx, p.copyright_holder, Fill::kEmptyString));
  o.add("copyrightYear", opt(p.copyright_year));
  o.add("coverage", expand(ctx, p.coverage, Fill::kEmptyString));
  o.add("disciplines", expand(ctx, p.disciplines));
  o.add("hideAuthor", opt(p.hide_author));
  o.add("issueId", opt(p.issue_id));
  o.add("keywords", expand(ctx, p.keywords));
  o.add("lastModified", format_datetime(p.last_modified));
  o.add("licenseUrl", opt(p.license_url));
  o.add("rights", expand(ctx, p.rights, Fill::kEmptyString));
  o.add("seq", p.seq);
  o.add("source", expand(ctx, p.source, Fill::kEmptyString));
  o.add("subjects", expand(ctx, p.subjects));
  o.add("supportingAgencies", expand(ctx, p.supporting_agencies));
  o.add("type", expand(ctx, p.type, Fill::kEmptyString));
  o.add("urlPath", opt(p.url_path));
  if (ctx.version != OjsVersion::k3_5) o.add("languages", expand(ctx, p.languages));
  if (ctx.version != OjsVersion::k3_3) o.add("dataAvailability", expand(ctx, p.data_availability, Fill::kEmptyString));
  return o.take();
}

json::object render_submission(const RenderContext& ctx, const Submission& s, View view) {
  const std::string sid = std::to_string(s.id);
  const std::string wizard = ctx.journal_url() + "/submission?id=" + sid;
  SortedObject o;
  o.add("_href", ctx.api_url() + "/submissions/" + sid);
  o.add("contextId", s.context_id);
  o.add("currentPublicationId", opt(s.current_publication_id));
  o.add("dateLastActivity", format_datetime(s.date_last_activity));
  o.add("dateSubmitted", opt_datetime(s.date_submitted));
  o.add("id", s.id);
  o.add("lastModified", format_datetime(s.last_modified));
  o.add("locale", opt(s.locale));
  json::array pubs;
  for (const auto& p : s.publications) pubs.push_back(render_publication(ctx, s, p, View::kSummary));
  o.add("publications", std::move(pubs));
  o.add("stageId", s.stage_id);
  o.add("status", s.status);
  o.add("statusLabel", submission_status_label(s.status));
  o.add("urlAuthorWorkflow", ctx.journal_url() + "/authorDashboard/submission/" + sid);
  o.add("urlEditorialWorkflow", ctx.journal_url() + "/workflow/access/" + sid);
  o.add("urlPublished", ctx.journal_url() + "/article/view/" + sid);
  if (ctx.version == OjsVersion::k3_3) {
    o.add("submissionProgress", s.submission_progress);
    o.add("urlWorkflow", s.submission_progress == 0
                             ? workflow_url_for_viewer(ctx, s)
                             : ctx.journal_url() + "/submission/wizard/" + std::to_string(s.submission_progress) +
                                   "?submissionId=" + sid);
  } else {
    o.add("submissionProgress", progress_name(s.submission_progress));
    o.add("urlSubmissionWizard", wizard);
    o.add("urlWorkflow", s.submission_progress == 0 ? workflow_url_for_viewer(ctx, s) : wizard);
  }
  if (ctx.version == OjsVersion::k3_5) add_3_5_submission_flags(ctx, s, o);
  if (view == View::kSummary) return o.take();

  o.add("reviewAssignments", review_assignments_json(ctx, s));
  o.add("reviewRounds", review_rounds_json(ctx, s));
  o.add("stages", stages_json(ctx, s));
  if (ctx.version != OjsVersion::k3_3) o.add("commentsForTheEditors", opt(s.comments_for_the_editors));
  if (ctx.version == OjsVersion::k3_5) {
    o.add("availableEditorialDecisions", available_decisions(ctx, s));
    o.add("canCurrentUserChangeMetadata",
          ctx.viewer != nullptr && has_any_role(ctx.viewer_roles(),
                                                {role::kSiteAdmin, role::kManager, role::kSubEditor}));
    json::array locales;
    for (const auto& code : ctx.db.journal.locales) locales.push_back(json::value(code));
    o.add("metadataLocales", std::move(locales));
    o.add("participants", participants_json(ctx, s));
    o.add("reviewerSuggestions", json::array());
  }
  return o.take();
}

json::object render_user(const RenderContext& ctx, const User& u, UserView view, const ReviewerStats* stats) {
  SortedObject o;
  const bool v33 = ctx.version == OjsVersion::k3_3;
  const bool full = view == UserView::kFull;
  const bool gossip_visible = viewer_can_gossip(ctx, u);
  if (!(v33 && full)) o.add("_href", ctx.api_url() + "/users/" + std::to_string(u.id));
  o.add("disabled", u.disabled);
  o.add("fullName", user_full_name(u));
  o.add("groups", groups_of(ctx, u));
  o.add("id", u.id);
  o.add("orcid", opt(u.orcid));
  o.add("userName", u.user_name);
  if (!(v33 && view == UserView::kReviewer)) o.add("email", u.email);  // 3.3 hides reviewers' emails
  if (v33 && view == UserView::kReviewer) {
    o.add("affiliation", stored_only(ctx, u.affiliation));
    o.add("biography", stored_only(ctx, u.biography));
    o.add("interests", interests_of(u));
    o.add("gossip", gossip_visible ? opt(u.gossip) : json::value(nullptr));
  }
  if (v33 && full) {
    o.add("affiliation", stored_only(ctx, u.affiliation));
    o.add("authId", nullptr);
    o.add("authString", nullptr);
    o.add("biography", stored_only(ctx, u.biography));
    o.add("familyName", stored_only(ctx, u.family_name));
    o.add("givenName", stored_only(ctx, u.given_name));
    if (gossip_visible) {
      o.add("gossip", u.gossip ? json::value(json::object{{ctx.locale_code(0), *u.gossip}}) : json::value(nullptr));
    }
    o.add("interests", interests_of(u));
    o.add("signature", stored_only(ctx, u.signature));
  }
  if (!v33) {
    o.add("affiliation", user_text(ctx, u.affiliation));
    o.add("biography", user_text(ctx, u.biography));
    if (gossip_visible) o.add("gossip", opt(u.gossip));
    o.add("interests", interests_of(u));
    o.add("preferredPublicName", user_text(ctx, u.preferred_public_name));
  }
  if (ctx.version == OjsVersion::k3_5) {
    o.add("familyName", user_text(ctx, u.family_name));
    o.add("givenName", user_text(ctx, u.given_name));
    for (const char* k : {"orcidAccessToken", "orcidAccessScope", "orcidRefreshToken", "orcidAccessExpiresOn",
                          "orcidAccessDenied", "orcidEmailToken", "orcidReviewPutCode"}) {
      o.add(k, nullptr);
    }
    o.add("orcidIsVerified", nullptr);
    o.add("orcidDisplayValue", opt(u.orcid));
    o.add("stageAssignments", json::array());
    std::string initials;
    for (const std::string& part : {localized_value(u.given_name, 0, 0), localized_value(u.family_name, 0, 0)}) {
      if (!part.empty()) initials += part.substr(0, static_cast<unsigned char>(part[0]) < 0x80 ? 1 : 2);
    }
    o.add("displayInitials", initials);
    o.add("canLoginAs", false);
    o.add("canMergeUsers", false);
  }
  if (!v33 && full) {
    o.add("authStr", nullptr);
    o.add("dateLastEmail", nullptr);
    o.add("inlineHelp", nullptr);
    o.add("locales", json::array());
    o.add("profileImage", nullptr);
    o.add("signature", user_text(ctx, u.signature));
    if (ctx.version == OjsVersion::k3_4) {
      o.add("familyName", user_text(ctx, u.family_name));
      o.add("givenName", user_text(ctx, u.given_name));
    } else {
      o.add("preferredAvatarInitials", nullptr);
    }
  }
  if (full) {
    o.add("billingAddress", opt(u.billing_address));
    o.add("country", opt(u.country));
    o.add("dateLastLogin", opt_datetime(u.date_last_login));
    o.add("dateRegistered", format_datetime(u.date_registered));
    o.add("dateValidated", opt_datetime(u.date_validated));
    o.add("disabledReason", opt(u.disabled_reason));
    o.add("mailingAddress", opt(u.mailing_address));
    o.add("mustChangePassword", u.must_change_password);
    o.add("phone", opt(u.phone));
    o.add("url", opt(u.url));
  }
  if (view == UserView::kReviewer) {
    const ReviewerStats none;
    const ReviewerStats& st = stats ? *stats : none;
    o.add("averageReviewCompletionDays", st.average_completion_days);
    o.add("dateLastReviewAssignment", opt_datetime(st.last_assignment));
    o.add("reviewerRating", opt(st.rating));
    o.add("reviewsActive", st.active);
    o.add("reviewsCancelled", st.cancelled);
    o.add("reviewsCompleted", st.completed);
    o.add("reviewsDeclined", st.declined);
  }
  return o.take();
}

json::object render_decision(const RenderContext& ctx, const Submission& s, const Decision& d) {
  SortedObject o;
  o.add("_href", ctx.api_url() + "/submissions/" + std::to_string(s.id) + "/decisions/" + std::to_string(d.id));
  o.add("dateDecided", format_datetime(d.date_decided));
  o.add("decision", d.decision);
  o.add("description", decision_description(ctx.version, d.decision));
  o.add("editorId", d.editor_id);
  o.add("id", d.id);
  o.add("label", decision_label(ctx.version, d.decision));
  o.add("reviewRoundId", opt(d.review_round_id));
  o.add("round", opt(d.round));
  o.add("stageId", d.stage_id);
  o.add("submissionId", s.id);
  return o.take();
}

json::object render_issue_summary(const RenderContext& ctx, const Issue& issue) {
  const std::string title = localized_value(issue.title, 0, 0);
  std::string identification = "Vol. " + std::to_string(issue.volume) + " No. " + std::to_string(issue.number) +
                               " (" + std::to_string(issue.year) + ")";
  if (!title.empty()) identification += ": " + title;
  SortedObject o;
  o.add("_href", ctx.api_url() + "/issues/" + std::to_string(issue.id));
  o.add("coverImageAltText", expand(ctx, LocalizedText{}, Fill::kEmptyString));
  o.add("coverImageUrl", expand(ctx, LocalizedText{}, Fill::kEmptyString));
  o.add("datePublished", opt_datetime(issue.date_published));
  o.add("description", expand(ctx, LocalizedText{}, Fill::kEmptyString));
  o.add("galleys", json::array());
  o.add("id", issue.id);
  o.add("identification", identification);
  o.add("number", std::to_string(issue.number));
  o.add("publishedUrl", ctx.journal_url() + "/issue/view/" + std::to_string(issue.id));
  o.add("title", expand(ctx, issue.title, Fill::kEmptyString));
  o.add("volume", issue.volume);
  o.add("year", issue.year);
  return o.take();
}

}  // namespace ojsemu
