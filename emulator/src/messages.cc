#include "messages.h"

#include <map>

#include "ojs_constants.h"

namespace ojsemu {
namespace {

using Table = std::map<std::string_view, std::string_view>;

// Texts shared by every version (ERROR_KEYS.md lists them identically for 3.3/3.4/3.5).
const Table& common_texts() {
  static const Table table = {
      {"api.400.invalidApiToken",
       "The API token could not be validated. This may indicate an error in the API token or that the "
       "API token is no longer valid."},
      {"api.400.paramNotSupported", "The {$param} parameter is not supported."},
      {"api.400.propReadOnly", "The {$prop} property can not be modified."},
      {"api.400.tokenCouldNotBeDecoded",
       "The apiToken could not be decoded because of the following error: {$error}"},
      {"api.403.unauthorized", "You are not authorized to access the requested resource."},
      {"api.404.endpointNotFound", "The requested URL was not recognized."},
      {"api.404.resourceNotFound", "The requested resource was not found."},
      {"api.500.apiSecretKeyMissing",
       "The API token can not be used to access this site because the site administrator has not "
       "configured a secret key."},
      {"api.decisions.403.alreadyPublished",
       "You can not record a decision or recommend a decision for this submission because it has "
       "already been published."},
      {"api.publication.403.alreadyPublished", "The publication you want to publish is already published."},
      {"api.publication.403.alreadyUnpublished", "The publication you want to unpublish is not published."},
      {"api.publication.403.cantDeletePublished", "You must unpublish this publication before you can delete it."},
      {"api.publication.403.cantEditPublished",
       "You can not edit this publication because it has already been published."},
      {"api.publication.403.cantEditStatus",
       "You can not modify the status directly through the API. Instead, use the /publish and /unpublish "
       "endpoints."},
      {"api.publications.403.submissionsDidNotMatch",
       "The publication that you requested is not part of this submission."},
      {"api.submission.400.inactiveSection", "This section is no longer receiving submissions."},
      {"api.submissions.403.contextRequired",
       "To make or edit a submission you must make a request to the journal's API endpoint."},
      {"api.submissions.403.requestedOthersUnpublishedSubmissions",
       "You can only view unpublished submissions to which you have been assigned."},
      {"api.submissions.403.unauthorizedDeleteSubmission", "You do not have permission to delete this submission."},
      {"api.submissions.403.userCantEdit", "You are not allowed to edit this publication."},
      {"author.submit.notAccepting", "This journal is not accepting submissions at this time."},
      {"author.submit.form.abstractRequired", "Please enter the abstract of your article."},
      {"editor.submission.workflowDecision.disallowedDecision",
       "You do not have permission to record this decision on this submission."},
      {"editor.submission.workflowDecision.invalidReviewRound", "This review round could not be found."},
      {"editor.submission.workflowDecision.invalidReviewRoundStage",
       "A review round was provided but this decision is not taken during a review stage."},
      {"editor.submission.workflowDecision.invalidReviewRoundSubmission",
       "This review round is not part of this submission."},
      {"editor.submission.workflowDecision.invalidStage",
       "The submission is not at the appropriate stage of the workflow to take this decision."},
      {"editor.submission.workflowDecision.noUnassignedDecisions",
       "You must be assigned to this submission in order to record an editorial decision."},
      {"editor.submission.workflowDecision.requiredDecidingEditor",
       "A recommendation can not be made unless an editor is assigned to this stage who can take a final "
       "decision."},
      {"editor.submission.workflowDecision.requiredReviewRound",
       "A review round id must be provided in order to take this decision."},
      {"editor.submission.workflowDecision.typeInvalid",
       "This decision could not be found. Please provide a recognized decision type."},
      {"form.csrfInvalid",
       "The form could not be submitted. You may have been logged out. Please reload the page and try "
       "again."},
      {"publication.invalidSubmission", "The submission for this publication could not be found."},
      {"publication.required.issue",
       "The publication must be assigned to an issue before it can be published."},
      {"publication.required.declined", "A declined submission can not be published."},
      {"publication.required.reviewStage",
       "The submission must be in the Copyediting or Production stages before it can be published."},
      {"user.authorization.accessDenied", "Access denied."},
      {"user.authorization.invalidSubmission", "Invalid submission."},
      {"user.authorization.submission.incomplete.workflowAccessRestrict",
       "Workflow access for incomplete submission is restricted."},
      {"user.authorization.roleBasedAccessDenied", "The current role does not have access to this operation."},
      {"validator.locale", "This language is not accepted."},
      {"validator.localeExpected",
       "This field is multilingual. Separate values must be provided for each supported language."},
      {"validator.required", "This field is required."},
      // The following validator texts were seen in captured 3.3 bodies.
      {"validator.integer", "This is not a valid integer."},
      {"validator.url", "This is not a valid URL."},
      {"validator.regex", "This is not formatted correctly."},
      {"validator.in", "The selected {$attribute} is invalid."},
      {"validator.max.numeric", "This may not be greater than {$max}."},
      {"validator.date_format", "This does not match the format {$format}."},
      {"validator.date_format.Y-m-d", "The date must be in the format YYYY-MM-DD, such as 2019-01-01."},
      {"validator.urlPath", "This may only contain letters, numbers, dashes, underscores and periods."},
      {"form.requirePrimaryLocale", "You must complete this field in {$language}."},
      // Not seen in a capture: Laravel-style texts of the same family, worded like the ones above.
      {"validator.min.numeric", "This may not be less than {$min}."},
      {"validator.boolean", "This field must be true or false."},
      {"validator.string", "This must be a string."},
      {"validator.array", "This must be an array."},
      {"validator.date", "This is not a valid date."},
      {"validator.email", "This is not a valid email address."},
  };
  return table;
}

}  // namespace

std::string translate(OjsVersion version, std::string_view key, const MessageParams& params) {
  std::string_view text;
  if (key == "user.authorization.noContext") {
    text = version == OjsVersion::k3_3 ? "No journal in context!"
                                       : "No journal was found that matched your request.";
  } else {
    const auto& table = common_texts();
    const auto it = table.find(key);
    if (it == table.end()) return "##" + std::string(key) + "##";
    text = it->second;
  }
  std::string out(text);
  for (const auto& [name, value] : params) {
    const std::string placeholder = "{$" + name + "}";
    for (std::size_t pos = out.find(placeholder); pos != std::string::npos;
         pos = out.find(placeholder, pos + value.size())) {
      out.replace(pos, placeholder.size(), value);
    }
  }
  return out;
}

std::string_view submission_status_label(int status) {
  switch (status) {
    case status::kPublished: return "Published";
    case status::kDeclined: return "Declined";
    case status::kScheduled: return "Scheduled";
    default: return "Queued";
  }
}

std::string_view stage_label(int stage_id) {
  switch (stage_id) {
    case stage::kSubmission: return "Submission";
    case stage::kInternalReview: return "Internal Review";
    case stage::kExternalReview: return "Review";
    case stage::kEditing: return "Copyediting";
    case stage::kProduction: return "Production";
    default: return "";
  }
}

// Only "awaiting response" and "received" were captured; the others follow OJS's wording as
// closely as known (listed as unverified in README.md).
std::string_view review_assignment_status_text(int status) {
  switch (status) {
    case review_status::kAwaitingResponse: return "Waiting for a response from the reviewer.";
    case review_status::kDeclined: return "This reviewer declined this request.";
    case review_status::kResponseOverdue: return "The reviewer has missed the deadline to respond.";
    case review_status::kAccepted: return "The review has been accepted.";
    case review_status::kReviewOverdue: return "The reviewer has missed the review deadline.";
    case review_status::kReceived: return "The reviewer has submitted their review.";
    case review_status::kComplete: return "This review is complete.";
    case review_status::kThanked: return "The reviewer has been thanked for their review.";
    case review_status::kCancelled: return "This review request has been cancelled.";
    default: return "";
  }
}

// Only "reviews ready" was captured (see review_assignment_status_text).
std::string_view review_round_status_text(int status) {
  switch (status) {
    case round_status::kRevisionsRequested: return "Revisions have been requested.";
    case round_status::kResubmitForReview: return "Revisions have been requested for a new round of review.";
    case round_status::kSentToExternal: return "Sent to review.";
    case round_status::kAccepted: return "Submission accepted.";
    case round_status::kDeclined: return "Submission declined.";
    case round_status::kPendingReviewers: return "Waiting for reviewers.";
    case round_status::kPendingReviews: return "Waiting for responses from reviewers.";
    case round_status::kReviewsReady: return "New reviews have been submitted.";
    case round_status::kReviewsCompleted: return "All reviews are in and a decision is needed.";
    case round_status::kReviewsOverdue: return "A review is overdue.";
    case round_status::kRevisionsSubmitted: return "Revisions have been submitted.";
    case round_status::kPendingRecommendations: return "Waiting for recommendations from editors.";
    case round_status::kRecommendationsReady: return "A new editorial recommendation has been submitted.";
    case round_status::kRecommendationsCompleted: return "All recommendations are in and a decision is needed.";
    case round_status::kResubmitForReviewSubmitted: return "Revisions have been submitted for a new round of review.";
    default: return "";
  }
}

std::string_view decision_label(OjsVersion, int decision) {
  switch (decision) {
    case 1: return "Send to Internal Review";
    case 2: return "Accept Submission";
    case 3: return "Send for Review";
    case 4: return "Request Revisions";
    case 5: return "Resubmit for Review";
    case 6: return "Decline Submission";
    case 7: return "Send To Production";
    case 8: return "Decline Submission";
    case 9: return "Recommend Accept";
    case 10: return "Recommend Revisions";
    case 11: return "Recommend Resubmit";
    case 12: return "Recommend Decline";
    case 14: return "New Review Round";
    case 15: return "Change Decision";
    case 16: return "Change Decision";
    case 17: return "Skip Review";
    case 29: return "Back to Copyediting";
    case 30: return "Cancel Copyediting";
    case 31: return "Cancel Review Round";
    default: return "";
  }
}

std::string_view decision_description(OjsVersion, int decision) {
  switch (decision) {
    case 2: return "Accept this submission for publication and send it to the copyediting stage.";
    case 3: return "Send this submission to the review stage.";
    case 4: return "Request the author to make revisions.";
    case 5: return "Request the author to make revisions for another round of review.";
    case 6: return "Decline this submission.";
    case 7: return "Send this submission to the production stage.";
    case 8: return "Decline this submission before it is sent to review.";
    case 9: case 10: case 11: case 12: return "Recommend a decision to the deciding editor.";
    case 14: return "Open a new round of review for this submission.";
    case 15: return "Revert the decline decision and return the submission to the review stage.";
    case 16: return "Revert the decline decision and return the submission to the submission stage.";
    case 17: return "Skip the review stage and send this submission to the copyediting stage.";
    case 29: return "Send this submission back to the copyediting stage.";
    case 30: return "Send this submission back from copyediting to the previous stage.";
    case 31: return "Cancel the current review round and return the submission to the previous stage.";
    default: return "";
  }
}

}  // namespace ojsemu
