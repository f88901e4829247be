// /submissions/{id}/publications[/{publicationId}[/version|/publish|/unpublish]].
#include <algorithm>

#include "handler_util.h"
#include "handlers.h"
#include "ojs_constants.h"
#include "render.h"
#include "responses.h"
#include "submission_service.h"
#include "workflow.h"

namespace ojsemu {
namespace {

namespace json = boost::json;

const Section* find_section(const Database& db, std::optional<int> id) {
  for (const auto& s : db.journal.sections) {
    if (id && s.id == *id) return &s;
  }
  return nullptr;
}

// OJS's Publication::validate hook: the section may require an abstract in the primary locale.
// OJS 3.3 has not loaded the author locale file when adding, hence the "##key##" text there.
void check_abstract(const ApiCall& call, const json::object& params, const std::string& primary,
                    std::optional<int> section_id, WriteAction action, ValidationErrors& errors) {
  const Section* section = find_section(call.db, section_id);
  if (section != nullptr && section->abstracts_not_required) return;
  const json::value* abstract = params.if_contains("abstract");
  if (action == WriteAction::kEdit && abstract == nullptr) return;
  const json::value* value =
      abstract != nullptr && abstract->is_object() ? abstract->get_object().if_contains(primary) : nullptr;
  if (value != nullptr && value->is_string() && !value->get_string().empty()) return;
  const bool untranslated = action == WriteAction::kAdd && call.version() == OjsVersion::k3_3;
  errors.add_localized("abstract", primary,
                       untranslated ? "##author.submit.form.abstractRequired##"
                                    : translate(call.version(), "author.submit.form.abstractRequired"));
}

// SubmissionService::canEditPublication().
bool can_edit_publication(const ApiCall& call) {
  if (has_any_role(call.roles, {role::kSiteAdmin})) return true;
  bool assigned = false;
  for (const auto& a : call.submission->stage_assignments) {
    if (a.user_id != call.user.id) continue;
    assigned = true;
    const UserGroup* g = call.db.user_group(a.user_group_id);
    if (g != nullptr && (g->permit_metadata_edit || g->role_id == role::kManager || g->role_id == role::kSubEditor)) {
      return true;
    }
  }
  return !assigned && call.is_manager();
}

HttpResponse full_publication(const ApiCall& call, const Publication& p) {
  return json_response(200, render_publication(call.render(), *call.submission, p, View::kFull));
}

void log_activity(ApiCall& call) { call.submission->date_last_activity = call.now; }

}  // namespace

HttpResponse get_publications(ApiCall& call) {
  const RenderContext ctx = call.render();
  json::array items;
  for (const auto& p : call.submission->publications) {
    items.push_back(render_publication(ctx, *call.submission, p, View::kSummary));
  }
  return list_response(static_cast<std::int64_t>(call.submission->publications.size()), std::move(items));
}

HttpResponse get_publication(ApiCall& call) {
  auto found = route_publication(call);
  if (auto* r = std::get_if<HttpResponse>(&found)) return std::move(*r);
  return full_publication(call, *std::get<Publication*>(found));
}

HttpResponse add_publication(ApiCall& call) {
  json::object params = body_params(call, Entity::kPublication);
  params["submissionId"] = call.submission->id;
  const auto locales = journal_locale_codes(call);
  std::string primary = locales.front();
  // "A publication may have a different primary locale".
  if (const auto* loc = params.if_contains("locale"); loc && loc->is_string() &&
      std::find(locales.begin(), locales.end(), std::string(loc->get_string())) != locales.end()) {
    primary = std::string(loc->get_string());
  }
  ValidationErrors errors =
      validate_props({call.version(), Entity::kPublication, WriteAction::kAdd, params, locales, primary});
  std::optional<int> section_id;
  if (const auto* sid = params.if_contains("sectionId"); sid && sid->is_int64()) section_id = static_cast<int>(sid->get_int64());
  check_abstract(call, params, primary, section_id, WriteAction::kAdd, errors);
  if (!errors.empty()) return validation_failure(errors);
  Publication& p = create_publication(call.db, *call.submission, call.now);
  apply_publication_params(call.db, p, params, call.version());
  p.status = status::kQueued;
  log_activity(call);
  return full_publication(call, p);
}

HttpResponse version_publication(ApiCall& call) {
  auto found = route_publication(call);
  if (auto* r = std::get_if<HttpResponse>(&found)) return std::move(*r);
  const Publication source = *std::get<Publication*>(found);
  Publication& p = copy_publication_as_new_version(call.db, *call.submission, source, call.now);
  log_activity(call);
  return full_publication(call, p);
}

HttpResponse edit_publication(ApiCall& call) {
  const OjsVersion v = call.version();
  auto found = route_publication(call);
  if (auto* r = std::get_if<HttpResponse>(&found)) return std::move(*r);
  Publication& p = *std::get<Publication*>(found);
  if (p.status == status::kPublished) return api_error(v, 403, "api.publication.403.cantEditPublished");
  if (!can_edit_publication(call)) return api_error(v, 403, "api.submissions.403.userCantEdit");
  json::object params = body_params(call, Entity::kPublication);
  if (params.contains("status")) return api_error(v, 403, "api.publication.403.cantEditStatus");
  if (ValidationErrors readonly = write_disabled_errors(v, Entity::kPublication, params); !readonly.empty()) {
    return validation_failure(readonly);
  }
  const std::string primary = publication_primary_locale(call);
  ValidationErrors errors = validate_props(
      {v, Entity::kPublication, WriteAction::kEdit, params, journal_locale_codes(call), primary});
  if (const auto* sid = params.if_contains("submissionId"); sid && sid->is_int64() &&
      call.db.submission(static_cast<int>(sid->get_int64())) == nullptr) {
    errors.add("submissionId", translate(v, "publication.invalidSubmission"));
  }
  check_abstract(call, params, primary, p.section_id, WriteAction::kEdit, errors);
  if (!errors.empty()) return validation_failure(errors);
  apply_publication_params(call.db, p, params, v);
  // Every edit stamps the publication and logs a metadata event (bumping the submission's
  // dateLastActivity), even a body OJS could not parse (captured 092, 096, 098).
  p.last_modified = call.now;
  log_activity(call);
  return full_publication(call, p);
}

HttpResponse publish_publication(ApiCall& call) {
  const OjsVersion v = call.version();
  auto found = route_publication(call);
  if (auto* r = std::get_if<HttpResponse>(&found)) return std::move(*r);
  Publication& p = *std::get<Publication*>(found);
  if (p.status == status::kPublished) return api_error(v, 403, "api.publication.403.alreadyPublished");
  Submission& s = *call.submission;
  ValidationErrors errors;
  if (s.status == status::kDeclined) errors.set_plain("declined", translate(v, "publication.required.declined"));
  if (s.stage_id <= stage::kExternalReview) {
    errors.set_plain("reviewStage", translate(v, "publication.required.reviewStage"));
  }
  const Issue* issue = nullptr;
  for (const auto& i : call.db.journal.issues) {
    if (p.issue_id && i.id == *p.issue_id) issue = &i;
  }
  if (issue == nullptr) errors.set_plain("issueId", translate(v, "publication.required.issue"));
  if (!errors.empty()) return validation_failure(errors);
  if (issue->published) {
    p.status = status::kPublished;
    if (!p.date_published) p.date_published = call.now - call.now % 86400;
  } else {
    p.status = status::kScheduled;
  }
  p.last_modified = call.now;
  update_submission_status(s);
  log_activity(call);
  return full_publication(call, p);
}

HttpResponse unpublish_publication(ApiCall& call) {
  const OjsVersion v = call.version();
  auto found = route_publication(call);
  if (auto* r = std::get_if<HttpResponse>(&found)) return std::move(*r);
  Publication& p = *std::get<Publication*>(found);
  if (p.status != status::kPublished && p.status != status::kScheduled) {
    return api_error(v, 403, "api.publication.403.alreadyUnpublished");
  }
  p.status = status::kQueued;
  p.last_modified = call.now;
  update_submission_status(*call.submission);
  log_activity(call);
  return full_publication(call, p);
}

HttpResponse delete_publication(ApiCall& call) {
  auto found = route_publication(call);
  if (auto* r = std::get_if<HttpResponse>(&found)) return std::move(*r);
  const Publication& p = *std::get<Publication*>(found);
  if (p.status == status::kPublished) return api_error(call.version(), 403, "api.publication.403.cantDeletePublished");
  const json::object props = render_publication(call.render(), *call.submission, p, View::kFull);
  ojsemu::delete_publication(call.db, *call.submission, p.id);
  log_activity(call);
  return json_response(200, props);
}

}  // namespace ojsemu
