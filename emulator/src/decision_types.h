// Editorial decision types of OJS 3.4/3.5 (PKP\decision\Decision constants and the OJS decision
// type classes): the stage each is taken in and its effect on the submission.
#pragma once

#include <optional>

namespace ojsemu {

namespace decision {
inline constexpr int kAccept = 2;
inline constexpr int kExternalReview = 3;
inline constexpr int kPendingRevisions = 4;
inline constexpr int kResubmit = 5;
inline constexpr int kDecline = 6;
inline constexpr int kSendToProduction = 7;
inline constexpr int kInitialDecline = 8;
inline constexpr int kRecommendAccept = 9;
inline constexpr int kRecommendRevisions = 10;
inline constexpr int kRecommendResubmit = 11;
inline constexpr int kRecommendDecline = 12;
inline constexpr int kNewExternalRound = 14;
inline constexpr int kRevertDecline = 15;
inline constexpr int kRevertInitialDecline = 16;
inline constexpr int kSkipExternalReview = 17;
inline constexpr int kBackFromProduction = 29;
inline constexpr int kBackFromCopyediting = 30;
inline constexpr int kCancelReviewRound = 31;
}  // namespace decision

struct DecisionType {
  int id;
  int stage_id;               // the stage the decision is taken in
  bool needs_review_round;    // taken on a review round (reviewRoundId required)
  bool recommendation;        // Recommend* types of recommend-only editors
  bool requires_declined;     // the Revert* types only apply to declined submissions
};

// nullopt for numbers that are not an OJS decision type (OMP-only types included).
std::optional<DecisionType> decision_type(int id);

}  // namespace ojsemu
