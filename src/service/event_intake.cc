#include "service/event_intake.h"

#include <vector>

namespace ojsync::service {
namespace {

constexpr std::size_t kMaxEventIdBytes = 200;

enum class Subject : std::uint8_t { kSubmission, kUser };

// What an event queues: the manuscript of its submission (or the reviewer of its user), plus
// the decision or reviewer it names when the body carries that id.
struct EventRule {
  std::string_view name;
  Subject subject;
  bool with_decision = false;  // decision "<submission_id>:<decision_id>"
  bool with_reviewer = false;  // reviewer "<reviewer_id>"
};

constexpr EventRule kRules[] = {
    {"submission_created", Subject::kSubmission},
    {"submission_updated", Subject::kSubmission},
    {"submission_submitted", Subject::kSubmission},
    {"submission_deleted", Subject::kSubmission},
    {"publication_edited", Subject::kSubmission},
    {"publication_published", Subject::kSubmission},
    {"publication_unpublished", Subject::kSubmission},
    {"decision_recorded", Subject::kSubmission, true, false},
    {"review_assigned", Subject::kSubmission, false, true},
    {"review_submitted", Subject::kSubmission, false, true},
    {"user_updated", Subject::kUser},
};

const EventRule* find_rule(std::string_view name) {
  for (const EventRule& rule : kRules) {
    if (rule.name == name) return &rule;
  }
  return nullptr;
}

bool is_printable_token(std::string_view s) {
  for (char c : s) {
    if (c <= ' ' || c > '~') return false;
  }
  return !s.empty();
}

// An id member as text: a string or an integer. "" when absent or null; nullopt when it has
// another type.
std::optional<std::string> id_member(const Json& body, std::string_view name) {
  const Json* v = body.find(name);
  if (v == nullptr || v->is_null()) return std::string();
  if (v->is_string()) return v->as_string();
  if (v->is_int()) return std::to_string(v->as_int());
  return std::nullopt;
}

EventReceipt unprocessable(std::string event, std::string problem) {
  EventReceipt receipt;
  receipt.outcome = EventReceipt::Outcome::kUnprocessable;
  receipt.event = std::move(event);
  receipt.problem = std::move(problem);
  return receipt;
}

}  // namespace

Result<std::string> EventIntake::entity_id(std::string_view type, std::string_view ojs_id) const {
  OJSYNC_ASSIGN_OR_RETURN(std::optional<SyncState> state,
                          store_->find_state_by_side_id(type, Side::kOjs, ojs_id));
  return state ? state->key.id : std::string(ojs_id);
}

Result<EventReceipt> EventIntake::receive(const WebhookHeaders& headers, std::string_view body,
                                          Timestamp now) const {
  OJSYNC_RETURN_IF_ERROR(verifier_->verify(headers, body, now));
  if (headers.id.size() > kMaxEventIdBytes || !is_printable_token(headers.id)) {
    return InvalidArgument("webhook-id must be 1 to 200 printable characters");
  }
  Json::ParseLimits limits;
  limits.max_bytes = body.size();
  limits.max_depth = max_json_depth_;
  auto parsed = Json::parse(body, limits);
  if (!parsed.ok()) return InvalidArgument("malformed event body: " + parsed.status().message());
  if (!parsed->is_object()) return InvalidArgument("an event body is a JSON object");

  const Json* name = parsed->find("event");
  if (name == nullptr) name = parsed->find("event_type");
  if (name == nullptr || !name->is_string())
    return unprocessable("", "the event has no \"event\" name");
  const std::string& event = name->as_string();
  const EventRule* rule = find_rule(event);
  if (rule == nullptr) {
    // Not echoed: a sender's mistake can carry anything, personal data included.
    return unprocessable("", "unknown event name (docs/operations.md lists the events)");
  }

  const char* subject_member = rule->subject == Subject::kSubmission ? "submission_id" : "user_id";
  std::optional<std::string> subject = id_member(*parsed, subject_member);
  std::optional<std::string> decision = id_member(*parsed, "decision_id");
  std::optional<std::string> reviewer = id_member(*parsed, "reviewer_id");
  if (!subject || !decision || !reviewer)
    return unprocessable(event, "ids must be strings or integers");
  if (subject->empty()) return unprocessable(event, event + " needs " + subject_member);

  std::vector<std::pair<std::string, std::string>> targets;  // (type, OJS id)
  targets.emplace_back(rule->subject == Subject::kSubmission ? "manuscript" : "reviewer", *subject);
  if (rule->with_decision && !decision->empty())
    targets.emplace_back("decision", *subject + ":" + *decision);
  if (rule->with_reviewer && !reviewer->empty()) targets.emplace_back("reviewer", *reviewer);

  std::vector<QueuedSync> syncs;
  for (const auto& [type, ojs_id] : targets) {
    if (types_->find(type) == nullptr) continue;  // A type configured away is not synced.
    if (!is_valid_identifier(ojs_id)) return unprocessable(event, "invalid id for " + type);
    OJSYNC_ASSIGN_OR_RETURN(std::string id, entity_id(type, ojs_id));
    syncs.push_back({{type, std::move(id)}, Direction::kBoth, "event"});
  }
  OJSYNC_ASSIGN_OR_RETURN(const bool fresh, store_->accept_event(headers.id, now, syncs));
  EventReceipt receipt;
  receipt.event = event;
  receipt.outcome = fresh ? EventReceipt::Outcome::kQueued : EventReceipt::Outcome::kDuplicate;
  receipt.queued = fresh ? syncs.size() : 0;
  return receipt;
}

}  // namespace ojsync::service
