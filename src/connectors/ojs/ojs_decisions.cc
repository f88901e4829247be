#include "connectors/ojs/ojs_decisions.h"

#include <algorithm>

#include "connectors/ojs/cursor_codec.h"
#include "connectors/ojs/decision_mapping.h"
#include "connectors/ojs/ojs_manuscripts.h"
#include "connectors/ojs/ojs_version_traits.h"

namespace ojsync {
namespace {

constexpr std::string_view kType = "decision";
constexpr std::string_view kCursorKind = "decision";

Status require_api(const OjsContext& ctx) {
  if (has_decision_api(ctx.version)) return OkStatus();
  return Unimplemented("OJS " + std::string(version_name(ctx.version)) +
                       " has no editorial decision API (added in 3.4); decisions are not synced");
}

std::string decisions_path(std::int64_t submission_id) {
  return "/submissions/" + std::to_string(submission_id) + "/decisions";
}

// The submission's decisions ordered by id; std::nullopt when the submission is gone.
Result<std::optional<Json::Array>> list_decisions(const OjsContext& ctx,
                                                  std::int64_t submission_id) {
  const ApiCall get{"GET", decisions_path(submission_id), {}, std::nullopt};
  OJSYNC_ASSIGN_OR_RETURN(auto body, ctx.client.call_optional(get));
  if (!body) return std::optional<Json::Array>();
  if (!body->is_array())
    return FailedPrecondition(get.what() + ": expected a JSON array of decisions");
  Json::Array decisions = std::move(body->as_array());
  std::sort(decisions.begin(), decisions.end(),
            [](const Json& a, const Json& b) { return a.get_int("id") < b.get_int("id"); });
  return std::optional<Json::Array>(std::move(decisions));
}

Snapshot snapshot_of(const OjsContext& ctx, std::int64_t submission_id, const Json& raw) {
  return Snapshot{DecisionId{submission_id, raw.get_int("id")}.to_string(),
                  project_decision(raw, ctx.version, ctx.zone), decision_modified(raw, ctx.zone)};
}

Result<std::optional<Json>> find_by_id(const OjsContext& ctx, const DecisionId& id) {
  OJSYNC_ASSIGN_OR_RETURN(auto decisions, list_decisions(ctx, id.submission_id));
  if (!decisions) return std::optional<Json>();
  for (auto& d : *decisions) {
    if (d.get_int("id") == id.decision_id) return std::optional<Json>(std::move(d));
  }
  return std::optional<Json>();
}

Result<WriteResult> confirm_existing(const OjsContext& ctx, std::string_view side_id,
                                     const DecisionIntent& intent) {
  OJSYNC_ASSIGN_OR_RETURN(DecisionId id, parse_decision_id(side_id));
  OJSYNC_ASSIGN_OR_RETURN(auto raw, find_by_id(ctx, id));
  if (!raw) return NotFound("decision " + id.to_string() + " does not exist in OJS");
  if (id.submission_id != intent.submission_id || !decision_satisfies(*raw, intent)) {
    return FailedPrecondition(
        "decision " + id.to_string() +
        " differs from the document, and OJS decisions cannot be edited: record a new one");
  }
  return WriteResult{snapshot_of(ctx, id.submission_id, *raw), {}};
}

Result<WriteResult> record(const OjsContext& ctx, const DecisionIntent& intent,
                           std::string_view key) {
  if (auto earlier = ctx.memo.lookup(kType, key)) return confirm_existing(ctx, *earlier, intent);
  OJSYNC_ASSIGN_OR_RETURN(auto decisions, list_decisions(ctx, intent.submission_id));
  if (!decisions)
    return NotFound("submission " + std::to_string(intent.submission_id) +
                    " does not exist in OJS");
  if (auto found = find_recorded_decision(Json(*decisions), intent)) {
    ctx.memo.remember(kType, key,
                      DecisionId{intent.submission_id, found->get_int("id")}.to_string());
    return WriteResult{snapshot_of(ctx, intent.submission_id, *found), {}};
  }
  Json body = Json::object();
  body["decision"] = intent.code;
  if (intent.review_round_id) body["reviewRoundId"] = *intent.review_round_id;
  const ApiCall post{"POST", decisions_path(intent.submission_id), {}, std::move(body)};
  // A timeout or reset here leaves the outcome unknown; the retryable error makes the engine
  // call again, and the lookup above then finds the decision if it was recorded.
  OJSYNC_ASSIGN_OR_RETURN(Json created, ctx.client.call(post));
  if (!created.is_object() || !created.find("id") || !created.find("id")->is_int()) {
    return FailedPrecondition(post.what() + ": OJS returned no decision id");
  }
  const DecisionId id{intent.submission_id, created.find("id")->as_int()};
  ctx.memo.remember(kType, key, id.to_string());
  OJSYNC_ASSIGN_OR_RETURN(auto stored, find_by_id(ctx, id));
  return WriteResult{snapshot_of(ctx, id.submission_id, stored ? *stored : created), {}};
}

struct DecisionCursor {
  ScanCursor scan;
  std::vector<std::int64_t> pending;  // Changed submissions whose decisions are not all listed yet.
  std::int64_t index = 0;             // Decisions of pending.front() already listed.
  bool scan_done = false;             // The scan finished; the listing ends once pending drains.
};

Result<DecisionCursor> read_cursor(std::string_view cursor) {
  DecisionCursor c;
  if (cursor.empty()) return c;
  OJSYNC_ASSIGN_OR_RETURN(Json state, decode_cursor(cursor));
  const Json* scan = state.find("scan");
  const Json* pending = state.find("pending");
  const Json* index = state.find("index");
  const Json* done = state.find("scanDone");
  if (state.get_string("kind") != kCursorKind || scan == nullptr || pending == nullptr ||
      !pending->is_array() || pending->as_array().size() > 1000 || index == nullptr ||
      !index->is_int() || index->as_int() < 0 || done == nullptr || !done->is_bool()) {
    return InvalidArgument("cursor does not belong to the decision listing");
  }
  OJSYNC_ASSIGN_OR_RETURN(c.scan, ScanCursor::from_json(*scan));
  for (const auto& id : pending->as_array()) {
    if (!id.is_int()) return InvalidArgument("cursor does not belong to the decision listing");
    c.pending.push_back(id.as_int());
  }
  c.index = index->as_int();
  c.scan_done = done->as_bool();
  return c;
}

std::string write_cursor(const DecisionCursor& c) {
  Json state = Json::object();
  state["kind"] = std::string(kCursorKind);
  state["scan"] = c.scan.to_json();
  Json pending = Json::array();
  for (auto id : c.pending) pending.as_array().push_back(id);
  state["pending"] = std::move(pending);
  state["index"] = c.index;
  state["scanDone"] = c.scan_done;
  return encode_cursor(state);
}

// Lists decisions of the pending submissions into `page`, up to `limit`.
Status drain_pending(const OjsContext& ctx, DecisionCursor& c, ChangePage& page,
                     std::size_t limit) {
  while (!c.pending.empty() && page.changes.size() < limit) {
    const std::int64_t submission_id = c.pending.front();
    OJSYNC_ASSIGN_OR_RETURN(auto decisions, list_decisions(ctx, submission_id));
    const std::size_t total = decisions ? decisions->size() : 0;
    auto i = static_cast<std::size_t>(c.index);
    for (; i < total && page.changes.size() < limit; ++i) {
      const Json& d = (*decisions)[i];
      page.changes.push_back(
          {DecisionId{submission_id, d.get_int("id")}.to_string(), decision_modified(d, ctx.zone)});
    }
    if (i < total) {
      c.index = static_cast<std::int64_t>(i);
      return OkStatus();
    }
    c.pending.erase(c.pending.begin());
    c.index = 0;
  }
  return OkStatus();
}

}  // namespace

Result<std::optional<Snapshot>> find_created_decision(const OjsContext& ctx, std::string_view key) {
  auto earlier = ctx.memo.lookup(kType, key);
  if (!earlier) return std::optional<Snapshot>();
  return fetch_decision(ctx, *earlier);
}

Result<std::optional<Snapshot>> fetch_decision(const OjsContext& ctx, std::string_view side_id) {
  OJSYNC_RETURN_IF_ERROR(require_api(ctx));
  OJSYNC_ASSIGN_OR_RETURN(DecisionId id, parse_decision_id(side_id));
  OJSYNC_ASSIGN_OR_RETURN(auto raw, find_by_id(ctx, id));
  if (!raw) return std::optional<Snapshot>();
  return std::optional<Snapshot>(snapshot_of(ctx, id.submission_id, *raw));
}

Result<ChangePage> list_changed_decisions(const OjsContext& ctx, std::string_view cursor,
                                          std::size_t limit) {
  OJSYNC_RETURN_IF_ERROR(require_api(ctx));
  if (limit == 0) return InvalidArgument("list_changed limit must be at least 1");
  OJSYNC_ASSIGN_OR_RETURN(DecisionCursor c, read_cursor(cursor));
  ChangePage page;
  OJSYNC_RETURN_IF_ERROR(drain_pending(ctx, c, page, limit));
  while (page.changes.size() < limit && c.pending.empty() && !c.scan_done) {
    const auto want = std::min<std::size_t>(limit - page.changes.size(),
                                            static_cast<std::size_t>(ctx.scan.page_size));
    OJSYNC_ASSIGN_OR_RETURN(ScanStep step,
                            advance_change_scan(c.scan, want, ctx.scan, ctx.zone, ctx.now(),
                                                [&](std::int64_t offset, int count) {
                                                  return fetch_activity_page(ctx, offset, count);
                                                }));
    c.scan = std::move(step.next);
    c.scan_done = !step.has_more;
    for (const auto& item : step.changes) c.pending.push_back(item.id);
    OJSYNC_RETURN_IF_ERROR(drain_pending(ctx, c, page, limit));
    if (step.changes.empty()) break;  // Out of request budget for this call.
  }
  page.has_more = !c.pending.empty() || !c.scan_done;
  if (!page.has_more) c.scan_done = false;  // The next call starts the next scan.
  page.next_cursor = write_cursor(c);
  return page;
}

Result<WriteResult> write_decision(const OjsContext& ctx, std::string_view side_id,
                                   const Json& document, std::string_view idempotency_key) {
  OJSYNC_RETURN_IF_ERROR(require_api(ctx));
  OJSYNC_ASSIGN_OR_RETURN(DecisionIntent intent, decision_intent(document, ctx.version));
  if (!side_id.empty()) return confirm_existing(ctx, side_id, intent);
  return record(ctx, intent, idempotency_key);
}

Status remove_decision(const OjsContext& ctx, std::string_view side_id) {
  OJSYNC_RETURN_IF_ERROR(require_api(ctx));
  OJSYNC_ASSIGN_OR_RETURN(DecisionId id, parse_decision_id(side_id));
  OJSYNC_ASSIGN_OR_RETURN(auto raw, find_by_id(ctx, id));
  if (!raw) return OkStatus();
  return FailedPrecondition("OJS cannot delete decision " + id.to_string() +
                            ": decisions are append-only (record a reverting decision instead)");
}

}  // namespace ojsync
