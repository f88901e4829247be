#include "workflow.h"

#include <algorithm>

#include "ojs_constants.h"

namespace ojsemu {
namespace {

bool is_editor_role(int role_id) { return role_id == role::kManager || role_id == role::kSubEditor; }

bool group_covers_stage(const UserGroup& g, int stage_id) {
  return std::find(g.stages.begin(), g.stages.end(), stage_id) != g.stages.end();
}

// A due date without a time means "end of that day" (ReviewAssignment::getStatus).
NaiveTime end_of_day_if_midnight(NaiveTime t) { return t % 86400 == 0 ? t + 86399 : t; }

}  // namespace

std::vector<int> user_roles(const Database& db, const User& user) {
  std::vector<int> roles;
  if (user.site_admin) roles.push_back(role::kSiteAdmin);
  for (int gid : user.group_ids) {
    const UserGroup* g = db.user_group(gid);
    if (g != nullptr && g->role_id != role::kSiteAdmin &&
        std::find(roles.begin(), roles.end(), g->role_id) == roles.end()) {
      roles.push_back(g->role_id);
    }
  }
  return roles;
}

bool has_any_role(const std::vector<int>& roles, std::initializer_list<int> wanted) {
  for (int w : wanted) {
    if (std::find(roles.begin(), roles.end(), w) != roles.end()) return true;
  }
  return false;
}

bool is_assigned(const Submission& s, int user_id) {
  for (const auto& a : s.stage_assignments) {
    if (a.user_id == user_id) return true;
  }
  for (const auto& r : s.review_assignments) {
    if (r.reviewer_id == user_id && !r.declined && !r.cancelled) return true;
  }
  return false;
}

bool editor_assigned_to_stage(const Database& db, const Submission& s, int stage_id) {
  for (const auto& a : s.stage_assignments) {
    const UserGroup* g = db.user_group(a.user_group_id);
    if (g != nullptr && is_editor_role(g->role_id) && group_covers_stage(*g, stage_id)) return true;
  }
  return false;
}

std::vector<int> assigned_roles_in_stage(const Database& db, const Submission& s, int user_id, int stage_id) {
  std::vector<int> roles;
  for (const auto& a : s.stage_assignments) {
    const UserGroup* g = db.user_group(a.user_group_id);
    if (a.user_id == user_id && g != nullptr && group_covers_stage(*g, stage_id)) roles.push_back(g->role_id);
  }
  return roles;
}

bool user_recommend_only_in_stage(const Database& db, const Submission& s, int user_id, int stage_id) {
  for (const auto& a : s.stage_assignments) {
    const UserGroup* g = db.user_group(a.user_group_id);
    if (a.user_id == user_id && a.recommend_only && g != nullptr && is_editor_role(g->role_id) &&
        group_covers_stage(*g, stage_id)) {
      return true;
    }
  }
  return false;
}

int review_assignment_status(const ReviewAssignment& a, NaiveTime now) {
  if (a.declined) return review_status::kDeclined;
  if (a.cancelled) return review_status::kCancelled;
  if (!a.date_completed) {
    if (!a.date_confirmed) {
      if (a.date_response_due && end_of_day_if_midnight(*a.date_response_due) < now) {
        return review_status::kResponseOverdue;
      }
      return review_status::kAwaitingResponse;
    }
    if (a.date_due && end_of_day_if_midnight(*a.date_due) < now) return review_status::kReviewOverdue;
    return review_status::kAccepted;
  }
  if (a.date_acknowledged) return review_status::kThanked;
  return a.considered ? review_status::kComplete : review_status::kReceived;
}

int review_round_status(const Database& db, const Submission& s, const ReviewRound& round, NaiveTime now) {
  using namespace round_status;
  const int stored = round.status;
  if (stored == kRevisionsRequested || stored == kRevisionsSubmitted || stored == kResubmitForReview ||
      stored == kResubmitForReviewSubmitted || stored == kSentToExternal || stored == kAccepted ||
      stored == kDeclined) {
    return stored;  // the emulator has no revision files, so "submitted" states stay as stored
  }
  bool pending_recommendations = false, recommendations_finished = true, recommendations_ready = false;
  for (const auto& a : s.stage_assignments) {
    const UserGroup* g = db.user_group(a.user_group_id);
    if (!a.recommend_only || g == nullptr || !is_editor_role(g->role_id)) continue;
    pending_recommendations = true;
    const bool made = std::any_of(s.decisions.begin(), s.decisions.end(), [&](const Decision& d) {
      return d.editor_id == a.user_id && d.stage_id == round.stage_id && d.round == std::optional<int>(round.round);
    });
    if (made) {
      recommendations_ready = true;
    } else {
      recommendations_finished = false;
    }
  }
  if (pending_recommendations) {
    if (recommendations_finished) return kRecommendationsCompleted;
    if (recommendations_ready) return kRecommendationsReady;
  }
  bool any = false, overdue = false, incomplete = false, unread = false;
  for (const auto& a : s.review_assignments) {
    if (a.review_round_id != round.id) continue;
    any = true;
    switch (review_assignment_status(a, now)) {
      case review_status::kResponseOverdue:
      case review_status::kReviewOverdue: overdue = true; break;
      case review_status::kAwaitingResponse:
      case review_status::kAccepted: incomplete = true; break;
      case review_status::kReceived: unread = true; break;
      default: break;
    }
  }
  if (!any) return kPendingReviewers;
  if (overdue) return kReviewsOverdue;
  if (unread) return kReviewsReady;
  if (incomplete) return kPendingReviews;
  if (pending_recommendations) return kPendingRecommendations;
  return kReviewsCompleted;
}

const ReviewRound* last_review_round(const Submission& s, int stage_id) {
  const ReviewRound* last = nullptr;
  for (const auto& r : s.review_rounds) {
    if (r.stage_id == stage_id && (last == nullptr || r.round > last->round)) last = &r;
  }
  return last;
}

}  // namespace ojsemu
