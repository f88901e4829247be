#include "decision_types.h"

#include "ojs_constants.h"

namespace ojsemu {

std::optional<DecisionType> decision_type(int id) {
  using namespace decision;
  switch (id) {
    case kExternalReview: return DecisionType{id, stage::kSubmission, false, false, false};
    case kSkipExternalReview: return DecisionType{id, stage::kSubmission, false, false, false};
    case kInitialDecline: return DecisionType{id, stage::kSubmission, false, false, false};
    case kRevertInitialDecline: return DecisionType{id, stage::kSubmission, false, false, true};
    case kAccept:
    case kDecline:
    case kPendingRevisions:
    case kResubmit:
    case kNewExternalRound:
    case kCancelReviewRound: return DecisionType{id, stage::kExternalReview, true, false, false};
    case kRevertDecline: return DecisionType{id, stage::kExternalReview, true, false, true};
    case kRecommendAccept:
    case kRecommendRevisions:
    case kRecommendResubmit:
    case kRecommendDecline: return DecisionType{id, stage::kExternalReview, true, true, false};
    case kSendToProduction:
    case kBackFromCopyediting: return DecisionType{id, stage::kEditing, false, false, false};
    case kBackFromProduction: return DecisionType{id, stage::kProduction, false, false, false};
    default: return std::nullopt;
  }
}

}  // namespace ojsemu
