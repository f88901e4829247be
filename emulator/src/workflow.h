// Derived workflow facts OJS computes on the fly: a user's roles in the journal, who is assigned
// to a submission, and the status of review assignments and rounds (ReviewAssignment::getStatus,
// ReviewRound::determineStatus), which depend on "now" because of due dates.
#pragma once

#include <vector>

#include "model.h"

namespace ojsemu {

// Role ids the user holds in the journal (site administrators also get ROLE_ID_SITE_ADMIN).
std::vector<int> user_roles(const Database& db, const User& user);
bool has_any_role(const std::vector<int>& roles, std::initializer_list<int> wanted);

// Stage assignment of the user, or an active review assignment (assignedTo semantics).
bool is_assigned(const Submission& s, int user_id);
// A manager or sub-editor is assigned to the stage (the submission stage shows "no editor" else).
bool editor_assigned_to_stage(const Database& db, const Submission& s, int stage_id);
// Role ids of the user's stage assignments that cover `stage_id`.
std::vector<int> assigned_roles_in_stage(const Database& db, const Submission& s, int user_id, int stage_id);
bool user_recommend_only_in_stage(const Database& db, const Submission& s, int user_id, int stage_id);

int review_assignment_status(const ReviewAssignment& a, NaiveTime now);
int review_round_status(const Database& db, const Submission& s, const ReviewRound& round, NaiveTime now);
const ReviewRound* last_review_round(const Submission& s, int stage_id);

}  // namespace ojsemu
