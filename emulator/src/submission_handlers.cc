// GET/POST/PUT/DELETE /submissions[/{id}] and /submissions/{id}/participants.
#include <algorithm>

#include "handler_util.h"
#include "handlers.h"
#include "ojs_constants.h"
#include "render.h"
#include "responses.h"
#include "submission_query.h"
#include "submission_service.h"
#include "workflow.h"

namespace ojsemu {
namespace {

namespace json = boost::json;

ValidationErrors validate_submission(const ApiCall& call, const json::object& params, WriteAction action) {
  const auto locales = journal_locale_codes(call);
  return validate_props({call.version(), Entity::kSubmission, action, params, locales, locales.front()});
}

// 3.4+: the section chosen on POST must exist and accept submissions.
void check_section(const ApiCall& call, const json::object& params, ValidationErrors& errors) {
  const json::value* section = params.if_contains("sectionId");
  if (section == nullptr || !section->is_int64()) return;
  const auto& sections = call.db.journal.sections;
  const auto it = std::find_if(sections.begin(), sections.end(),
                               [&](const Section& s) { return s.id == section->get_int64(); });
  if (it == sections.end() || it->is_inactive) {
    errors.add("sectionId", translate(call.version(), "api.submission.400.inactiveSection"));
  }
}

// 3.4+ POST /submissions also creates the first publication and makes the caller its author.
void start_first_publication(ApiCall& call, Submission& s, const json::object& params) {
  Publication& p = create_publication(call.db, s, call.now);
  if (const auto* section = params.if_contains("sectionId"); section && section->is_int64()) {
    p.section_id = static_cast<int>(section->get_int64());
  }
  if (!s.locale) s.locale = call.db.journal.locales.front();
  int group_id = 0;
  if (const auto* g = params.if_contains("userGroupId"); g && g->is_int64()) group_id = static_cast<int>(g->get_int64());
  if (group_id == 0) {
    for (const auto& g : call.db.user_groups) {
      if (g.role_id == role::kAuthor) {
        group_id = g.id;
        break;
      }
    }
  }
  s.stage_assignments.push_back({call.user.id, group_id, false});
}

}  // namespace

HttpResponse get_submissions(ApiCall& call) {
  SubmissionListQuery q = parse_submission_list_query(call.version(), call.query);
  // Only admins and managers may list submissions they are not assigned to.
  if (!call.is_manager()) {
    const bool others = q.unassigned || (q.assigned_to && std::find(q.assigned_to->begin(), q.assigned_to->end(),
                                                                     call.user.id) == q.assigned_to->end());
    if (others) return api_error(call.version(), 403, "api.submissions.403.requestedOthersUnpublishedSubmissions");
    q.assigned_to = std::vector<std::int64_t>{call.user.id};
  }
  const std::string key = q.cache_key();
  ListCache::Ids ids = call.list_cache.find(key, call.db.generation);
  if (!ids) {
    ids = std::make_shared<const std::vector<int>>(select_submissions(call.db, q, call.now));
    call.list_cache.store(key, call.db.generation, ids);
  }
  const RenderContext ctx = call.render();
  json::array items;
  for (int id : page_of(*ids, q.offset, q.limit)) {
    items.push_back(render_submission(ctx, *call.db.submission(id), View::kSummary));
  }
  return list_response(static_cast<std::int64_t>(ids->size()), std::move(items));
}

HttpResponse get_submission(ApiCall& call) {
  return json_response(200, render_submission(call.render(), *call.submission, View::kFull));
}

HttpResponse add_submission(ApiCall& call) {
  const OjsVersion v = call.version();
  if (call.db.journal.disable_submissions) return api_error(v, 403, "author.submit.notAccepting");
  json::object params = body_params(call, Entity::kSubmission);
  params["contextId"] = call.db.journal.id;
  ValidationErrors errors = validate_submission(call, params, WriteAction::kAdd);
  if (v != OjsVersion::k3_3) check_section(call, params, errors);
  if (!errors.empty()) return validation_failure(errors);
  Submission& s = create_submission(call.db, call.now);
  if (v != OjsVersion::k3_3) s.date_submitted.reset();  // set by PUT …/submit in 3.4+
  apply_submission_params(s, params, v);
  if (v != OjsVersion::k3_3) start_first_publication(call, s, params);
  return json_response(200, render_submission(call.render(), s, View::kFull));
}

HttpResponse edit_submission(ApiCall& call) {
  const OjsVersion v = call.version();
  json::object params = body_params(call, Entity::kSubmission);
  if (ValidationErrors readonly = write_disabled_errors(v, Entity::kSubmission, params); !readonly.empty()) {
    return validation_failure(readonly);
  }
  params["id"] = call.submission->id;
  params["contextId"] = call.db.journal.id;
  const ValidationErrors errors = validate_submission(call, params, WriteAction::kEdit);
  if (!errors.empty()) return validation_failure(errors);
  Submission& s = *call.submission;
  apply_submission_params(s, params, v);
  // 3.3 stamps the old object it then discards (captured 085/086); 3.4+ stamps the edit.
  if (v != OjsVersion::k3_3) {
    s.last_modified = call.now;
    s.date_last_activity = call.now;
  }
  return json_response(200, render_submission(call.render(), s, View::kFull));
}

HttpResponse delete_submission(ApiCall& call) {
  const json::object props = render_submission(call.render(), *call.submission, View::kFull);
  ojsemu::delete_submission(call.db, call.submission->id);
  call.submission = nullptr;
  return json_response(200, props);
}

HttpResponse get_participants(ApiCall& call) {
  const Submission& s = *call.submission;
  const std::int64_t stage_filter = call.param("stageId") ? int_param(call, "stageId") : 0;
  std::vector<int> user_ids;
  for (const auto& a : s.stage_assignments) {
    const UserGroup* g = call.db.user_group(a.user_group_id);
    if (g == nullptr || g->role_id == role::kReviewer) continue;
    if (stage_filter != 0 && std::find(g->stages.begin(), g->stages.end(), stage_filter) == g->stages.end()) continue;
    if (std::find(user_ids.begin(), user_ids.end(), a.user_id) == user_ids.end()) user_ids.push_back(a.user_id);
  }
  std::sort(user_ids.rbegin(), user_ids.rend());  // the user list's default order: id DESC
  const RenderContext ctx = call.render();
  json::array out;
  for (int id : user_ids) {
    if (const User* u = call.db.user(id)) out.push_back(render_user(ctx, *u, UserView::kSummary));
  }
  return json_response(200, out);
}

}  // namespace ojsemu
