// Numeric constants of OJS that appear on the wire (role ids, stage ids, status codes).
#pragma once

namespace ojsemu {

namespace role {
inline constexpr int kSiteAdmin = 1;
inline constexpr int kManager = 16;
inline constexpr int kSubEditor = 17;
inline constexpr int kAssistant = 4097;
inline constexpr int kReviewer = 4096;
inline constexpr int kAuthor = 65536;
inline constexpr int kReader = 1048576;
}  // namespace role

namespace stage {
inline constexpr int kSubmission = 1;
inline constexpr int kInternalReview = 2;
inline constexpr int kExternalReview = 3;
inline constexpr int kEditing = 4;
inline constexpr int kProduction = 5;
}  // namespace stage

// Submission and publication status (STATUS_*).
namespace status {
inline constexpr int kQueued = 1;
inline constexpr int kPublished = 3;
inline constexpr int kDeclined = 4;
inline constexpr int kScheduled = 5;
}  // namespace status

// Review assignment statuses (REVIEW_ASSIGNMENT_STATUS_*).
namespace review_status {
inline constexpr int kAwaitingResponse = 0;
inline constexpr int kDeclined = 1;
inline constexpr int kResponseOverdue = 4;
inline constexpr int kAccepted = 5;
inline constexpr int kReviewOverdue = 6;
inline constexpr int kReceived = 7;
inline constexpr int kComplete = 8;
inline constexpr int kThanked = 9;
inline constexpr int kCancelled = 10;
}  // namespace review_status

// Review round statuses (REVIEW_ROUND_STATUS_*).
namespace round_status {
inline constexpr int kRevisionsRequested = 1;
inline constexpr int kResubmitForReview = 2;
inline constexpr int kSentToExternal = 3;
inline constexpr int kAccepted = 4;
inline constexpr int kDeclined = 5;
inline constexpr int kPendingReviewers = 6;
inline constexpr int kPendingReviews = 7;
inline constexpr int kReviewsReady = 8;
inline constexpr int kReviewsCompleted = 9;
inline constexpr int kReviewsOverdue = 10;
inline constexpr int kRevisionsSubmitted = 11;
inline constexpr int kPendingRecommendations = 12;
inline constexpr int kRecommendationsReady = 13;
inline constexpr int kRecommendationsCompleted = 14;
inline constexpr int kResubmitForReviewSubmitted = 15;
}  // namespace round_status

}  // namespace ojsemu
