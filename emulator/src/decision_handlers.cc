// GET/POST /submissions/{id}/decisions (3.4+).
#include <algorithm>

#include "decision_types.h"
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

bool is_deciding_editor_assigned(const Database& db, const Submission& s, int stage_id) {
  for (const auto& a : s.stage_assignments) {
    const UserGroup* g = db.user_group(a.user_group_id);
    if (g != nullptr && !a.recommend_only && (g->role_id == role::kManager || g->role_id == role::kSubEditor) &&
        std::find(g->stages.begin(), g->stages.end(), stage_id) != g->stages.end()) {
      return true;
    }
  }
  return false;
}

// DecisionWritePolicy: who may record which decision. Empty when allowed, else the locale key.
std::string permission_error(const ApiCall& call, const DecisionType& type) {
  const Submission& s = *call.submission;
  const auto assigned = assigned_roles_in_stage(call.db, s, call.user.id, s.stage_id);
  const bool editor_assignment = std::any_of(assigned.begin(), assigned.end(), [](int r) {
    return r == role::kManager || r == role::kSubEditor;
  });
  if (!editor_assignment) {
    return call.is_manager() ? "" : "editor.submission.workflowDecision.noUnassignedDecisions";
  }
  const bool recommend_only = user_recommend_only_in_stage(call.db, s, call.user.id, s.stage_id);
  if (recommend_only != type.recommendation) return "editor.submission.workflowDecision.disallowedDecision";
  return "";
}

// The effect of a decision on stage, status and review rounds (the decision type's callback).
void apply_decision(ApiCall& call, const DecisionType& type, ReviewRound* round) {
  using namespace decision;
  Submission& s = *call.submission;
  switch (type.id) {
    case kExternalReview:
      s.stage_id = stage::kExternalReview;
      s.review_rounds.push_back({call.db.next_ids.review_round++, stage::kExternalReview, 1,
                                 round_status::kPendingReviewers});
      break;
    case kSkipExternalReview:
    case kAccept:
      s.stage_id = stage::kEditing;
      if (round != nullptr) round->status = round_status::kAccepted;
      break;
    case kInitialDecline:
    case kDecline:
      s.status = status::kDeclined;
      if (round != nullptr) round->status = round_status::kDeclined;
      break;
    case kRevertInitialDecline:
    case kRevertDecline:
      s.status = status::kQueued;
      update_submission_status(s);
      if (round != nullptr) round->status = round_status::kPendingReviewers;
      break;
    case kPendingRevisions: round->status = round_status::kRevisionsRequested; break;
    case kResubmit: round->status = round_status::kResubmitForReview; break;
    case kNewExternalRound:
      s.review_rounds.push_back({call.db.next_ids.review_round++, stage::kExternalReview, round->round + 1,
                                 round_status::kPendingReviewers});
      break;
    case kCancelReviewRound: {
      const int id = round->id;
      s.review_assignments.erase(std::remove_if(s.review_assignments.begin(), s.review_assignments.end(),
                                                [&](const ReviewAssignment& a) { return a.review_round_id == id; }),
                                 s.review_assignments.end());
      s.review_rounds.erase(std::remove_if(s.review_rounds.begin(), s.review_rounds.end(),
                                           [&](const ReviewRound& r) { return r.id == id; }),
                            s.review_rounds.end());
      if (last_review_round(s, stage::kExternalReview) == nullptr) s.stage_id = stage::kSubmission;
      break;
    }
    case kSendToProduction: s.stage_id = stage::kProduction; break;
    case kBackFromCopyediting:
      s.stage_id = last_review_round(s, stage::kExternalReview) ? stage::kExternalReview : stage::kSubmission;
      break;
    case kBackFromProduction: s.stage_id = stage::kEditing; break;
    default: break;  // recommendations change nothing
  }
}

}  // namespace

HttpResponse get_decisions(ApiCall& call) {
  const Submission& s = *call.submission;
  const bool v35 = call.version() == OjsVersion::k3_5;
  const auto types = int_list_param(call.query, "decisionTypes");
  const auto editors = int_list_param(call.query, "editorIds");
  const auto round = call.query.scalar("reviewRoundId");
  const auto stage_id = call.query.scalar("stageId");
  std::vector<const Decision*> decisions;
  for (const auto& d : s.decisions) {
    if (v35) {  // the filters were added in 3.5
      if (!types.empty() && std::find(types.begin(), types.end(), d.decision) == types.end()) continue;
      if (!editors.empty() && std::find(editors.begin(), editors.end(), d.editor_id) == editors.end()) continue;
      if (round && d.review_round_id != php_int_cast(*round)) continue;
      if (stage_id && d.stage_id != php_int_cast(*stage_id)) continue;
    }
    decisions.push_back(&d);
  }
  // 3.4's collector orders by dateDecided ASC, 3.5's DESC.
  std::stable_sort(decisions.begin(), decisions.end(), [v35](const Decision* a, const Decision* b) {
    if (a->date_decided != b->date_decided) return v35 ? a->date_decided > b->date_decided : a->date_decided < b->date_decided;
    return v35 ? a->id > b->id : a->id < b->id;
  });
  const RenderContext ctx = call.render();
  json::array out;
  for (const Decision* d : decisions) out.push_back(render_decision(ctx, s, *d));
  return json_response(200, out);
}

HttpResponse add_decision(ApiCall& call) {
  const OjsVersion v = call.version();
  Submission& s = *call.submission;
  if (s.submission_progress != 0) {
    return authorization_failure(v, 403, "user.authorization.submission.incomplete.workflowAccessRestrict");
  }
  if (s.status == status::kPublished) return api_error(v, 403, "api.decisions.403.alreadyPublished");
  const json::object params = body_params(call, Entity::kDecision);
  ValidationErrors errors;
  const json::value* number = params.if_contains("decision");
  const auto type = number != nullptr && number->is_int64() ? decision_type(static_cast<int>(number->get_int64()))
                                                            : std::nullopt;
  if (!type) {
    errors.add("decision", translate(v, "editor.submission.workflowDecision.typeInvalid"));
    return validation_failure(errors);
  }
  const bool declined = s.status == status::kDeclined;
  if (type->stage_id != s.stage_id || type->requires_declined != declined) {
    errors.add("decision", translate(v, "editor.submission.workflowDecision.invalidStage"));
    return validation_failure(errors);
  }
  if (const std::string denied = permission_error(call, *type); !denied.empty()) {
    return authorization_failure(v, 403, denied);
  }
  ReviewRound* round = nullptr;
  const json::value* round_id = params.if_contains("reviewRoundId");
  if (type->needs_review_round) {
    if (round_id == nullptr || !round_id->is_int64()) {
      errors.add("reviewRoundId", translate(v, "editor.submission.workflowDecision.requiredReviewRound"));
    } else {
      for (auto& r : s.review_rounds) {
        if (r.id == round_id->get_int64()) round = &r;
      }
      if (round == nullptr) {
        const bool elsewhere = std::any_of(call.db.submissions.begin(), call.db.submissions.end(), [&](const auto& kv) {
          return std::any_of(kv.second.review_rounds.begin(), kv.second.review_rounds.end(),
                             [&](const ReviewRound& r) { return r.id == round_id->get_int64(); });
        });
        errors.add("reviewRoundId", translate(v, elsewhere ? "editor.submission.workflowDecision.invalidReviewRoundSubmission"
                                                           : "editor.submission.workflowDecision.invalidReviewRound"));
      }
    }
  } else if (round_id != nullptr && !round_id->is_null()) {
    errors.add("reviewRoundId", translate(v, "editor.submission.workflowDecision.invalidReviewRoundStage"));
  }
  if (type->recommendation && !is_deciding_editor_assigned(call.db, s, s.stage_id)) {
    errors.add("decision", translate(v, "editor.submission.workflowDecision.requiredDecidingEditor"));
  }
  if (!errors.empty()) return validation_failure(errors);

  Decision d;
  d.id = call.db.next_ids.decision++;
  d.decision = type->id;
  d.stage_id = s.stage_id;
  d.editor_id = call.user.id;
  d.date_decided = call.now;
  if (round != nullptr) {
    d.review_round_id = round->id;
    d.round = round->round;
  }
  const int stage_before = s.stage_id, status_before = s.status;
  apply_decision(call, *type, round);
  s.decisions.push_back(d);
  // The decision is logged (dateLastActivity); stage/status changes go through
  // Repo::submission()->edit(), which stamps lastModified in 3.4+.
  s.date_last_activity = call.now;
  if (s.stage_id != stage_before || s.status != status_before) s.last_modified = call.now;
  return json_response(200, render_decision(call.render(), s, s.decisions.back()));
}

}  // namespace ojsemu
