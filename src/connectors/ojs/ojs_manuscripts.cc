#include "connectors/ojs/ojs_manuscripts.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "connectors/ojs/author_mapping.h"
#include "connectors/ojs/cursor_codec.h"
#include "connectors/ojs/manuscript_mapping.h"
#include "connectors/ojs/multilingual.h"
#include "connectors/ojs/ojs_datetime.h"
#include "connectors/ojs/ojs_version_traits.h"

namespace ojsync {
namespace {

constexpr std::string_view kType = "manuscript";
constexpr std::string_view kCursorKind = "manuscript";

// A create stamps its key into the publication's pub-id::publisher-id, a property OJS stores and
// returns (in listings too) in 3.3, 3.4 and 3.5, behind a prefix that tells it from a publisher's
// own ids. So a create whose reply never arrived is found again (find_created_manuscript), and a
// listing that meets the submission first can tell whose it is (docs/ojs-connector.md).
constexpr std::string_view kPublisherId = "pub-id::publisher-id";
constexpr std::string_view kStampPrefix = "ojsync:";
// How far before the engine's `since` the search for a stamp reads: the engine's clock and
// OJS's may disagree (a skew beyond it could miss the create).
constexpr auto kStampSearchAllowance = std::chrono::minutes(15);

std::string stamp_of(std::string_view key) { return std::string(kStampPrefix) + std::string(key); }

// The create key a publication is stamped with; "" when it carries none of ours.
std::string stamped_key(const Json* publication) {
  if (publication == nullptr) return {};
  const std::string id = publication->get_string(kPublisherId);
  if (id.rfind(kStampPrefix, 0) != 0) return {};
  return id.substr(kStampPrefix.size());
}

struct RawManuscript {
  std::int64_t id = 0;
  Json submission;
  std::optional<Json> publication;  // The full current publication, if any.
};

std::string submission_path(std::int64_t id) { return "/submissions/" + std::to_string(id); }
std::string publication_path(std::int64_t id, std::int64_t pid) {
  return submission_path(id) + "/publications/" + std::to_string(pid);
}

Status expect_object(const Json& body, const ApiCall& call) {
  if (body.is_object()) return OkStatus();
  return FailedPrecondition(call.what() + ": OJS answered with something other than a JSON object");
}

// The submission as the listing returned it moments ago, with its publication read now; nullopt
// when it was not listed recently or its publication is gone (then a full read decides).
Result<std::optional<RawManuscript>> read_listed(const OjsContext& ctx, std::int64_t id) {
  std::optional<Json> listed = ctx.listing.take(id, ctx.client.clock().now());
  if (!listed) return std::optional<RawManuscript>();
  const Json* pid = listed->find("currentPublicationId");
  if (pid == nullptr || !pid->is_int()) return std::optional<RawManuscript>();
  const ApiCall get_pub{"GET", publication_path(id, pid->as_int()), {}, std::nullopt};
  OJSYNC_ASSIGN_OR_RETURN(auto publication, ctx.client.call_optional(get_pub));
  if (!publication) return std::optional<RawManuscript>();
  OJSYNC_RETURN_IF_ERROR(expect_object(*publication, get_pub));
  return std::optional<RawManuscript>(
      RawManuscript{id, std::move(*listed), std::move(publication)});
}

Result<std::optional<RawManuscript>> read_raw(const OjsContext& ctx, std::int64_t id) {
  const ApiCall get{"GET", submission_path(id), {}, std::nullopt};
  OJSYNC_ASSIGN_OR_RETURN(auto submission, ctx.client.call_optional(get));
  if (!submission) return std::optional<RawManuscript>();
  OJSYNC_RETURN_IF_ERROR(expect_object(*submission, get));
  RawManuscript raw{id, std::move(*submission), std::nullopt};
  if (const Json* pid = raw.submission.find("currentPublicationId");
      pid != nullptr && pid->is_int()) {
    const ApiCall get_pub{"GET", publication_path(id, pid->as_int()), {}, std::nullopt};
    OJSYNC_ASSIGN_OR_RETURN(auto publication, ctx.client.call_optional(get_pub));
    if (publication) {
      OJSYNC_RETURN_IF_ERROR(expect_object(*publication, get_pub));
      raw.publication = std::move(publication);
    }
  }
  return std::optional<RawManuscript>(std::move(raw));
}

// Taken by value: a caller done with `raw` moves it in, and its texts are moved, not copied.
Snapshot snapshot_of(const OjsContext& ctx, RawManuscript raw) {
  std::string created_by = stamped_key(raw.publication ? &*raw.publication : nullptr);
  Json document =
      project_manuscript(raw.submission, std::move(raw.publication), ctx.version, ctx.zone);
  return Snapshot{std::to_string(raw.id), std::move(document),
                  manuscript_modified(raw.submission, ctx.zone), std::move(created_by)};
}

Status apply_author_ops(const OjsContext& ctx, std::int64_t id, std::int64_t pid,
                        const AuthorPlan& plan) {
  const std::string base = publication_path(id, pid) + "/contributors";
  for (const auto& op : plan.ops) {
    switch (op.kind) {
      case AuthorOp::Kind::kDelete: {
        auto done = ctx.client.call_optional(
            {"DELETE", base + "/" + std::to_string(op.id), {}, std::nullopt});
        OJSYNC_RETURN_IF_ERROR(done.status());
        break;
      }
      case AuthorOp::Kind::kUpdate:
        OJSYNC_RETURN_IF_ERROR(
            ctx.client.call({"PUT", base + "/" + std::to_string(op.id), {}, op.body}).status());
        break;
      case AuthorOp::Kind::kCreate:
        OJSYNC_RETURN_IF_ERROR(ctx.client.call({"POST", base, {}, op.body}).status());
        break;
    }
  }
  return OkStatus();
}

// 3.3 creates no publication with the submission; also used when one is missing later.
Status create_publication(const OjsContext& ctx, const RawManuscript& raw, const Json& patch) {
  Json body = Json::object();
  for (const auto& [key, value] : patch.as_object()) {
    if (!is_empty_value(value)) body[key] = value;
  }
  std::string locale = raw.submission.get_string("locale");
  body["locale"] = locale.empty() ? ctx.default_locale : locale;
  body["version"] = 1;
  return ctx.client.call({"POST", submission_path(raw.id) + "/publications", {}, std::move(body)})
      .status();
}

// `stamp`, when set, is written into the publication too (a create's; see kPublisherId).
Result<WriteResult> update(const OjsContext& ctx, std::int64_t id, const Json& document,
                           std::string_view stamp = {}) {
  OJSYNC_ASSIGN_OR_RETURN(auto raw, read_raw(ctx, id));
  if (!raw) return NotFound("manuscript " + std::to_string(id) + " does not exist in OJS");
  const Json current = snapshot_of(ctx, *raw).document;
  OJSYNC_ASSIGN_OR_RETURN(
      ManuscriptPlan plan,
      plan_manuscript_update(document, current, raw->publication ? &*raw->publication : nullptr,
                             ctx.version));
  if (!stamp.empty() &&
      (!raw->publication || raw->publication->get_string(kPublisherId) != stamp)) {
    plan.publication_patch[std::string(kPublisherId)] = std::string(stamp);
  }
  if (!plan.submission_patch.as_object().empty()) {
    OJSYNC_RETURN_IF_ERROR(
        ctx.client.call({"PUT", submission_path(id), {}, plan.submission_patch}).status());
  }
  const Json* pid = raw->submission.find("currentPublicationId");
  if (!plan.publication_patch.as_object().empty()) {
    if (raw->publication && pid != nullptr && pid->is_int()) {
      OJSYNC_RETURN_IF_ERROR(
          ctx.client.call({"PUT", publication_path(id, pid->as_int()), {}, plan.publication_patch})
              .status());
    } else {
      OJSYNC_RETURN_IF_ERROR(create_publication(ctx, *raw, plan.publication_patch));
    }
  }
  if (plan.authors_differ) {
    OJSYNC_ASSIGN_OR_RETURN(raw, read_raw(ctx, id));  // A publication may just have been created.
    if (!raw) return NotFound("manuscript " + std::to_string(id) + " was deleted during the write");
    pid = raw->submission.find("currentPublicationId");
    if (pid == nullptr || !pid->is_int())
      return FailedPrecondition("manuscript " + std::to_string(id) +
                                " has no publication to hold authors");
    const Json projected = snapshot_of(ctx, *raw).document;
    const Json* current_authors = projected.find("authors");
    AuthorPlan authors = plan_author_changes(plan.desired_authors,
                                             current_authors ? *current_authors : Json::array(),
                                             pid->as_int(), ctx.version);
    OJSYNC_RETURN_IF_ERROR(apply_author_ops(ctx, id, pid->as_int(), authors));
    plan.rejected_fields.insert(plan.rejected_fields.end(), authors.rejected_fields.begin(),
                                authors.rejected_fields.end());
  }
  OJSYNC_ASSIGN_OR_RETURN(auto stored, read_raw(ctx, id));
  if (!stored)
    return NotFound("manuscript " + std::to_string(id) + " was deleted during the write");
  std::sort(plan.rejected_fields.begin(), plan.rejected_fields.end());
  plan.rejected_fields.erase(std::unique(plan.rejected_fields.begin(), plan.rejected_fields.end()),
                             plan.rejected_fields.end());
  return WriteResult{snapshot_of(ctx, std::move(*stored)), std::move(plan.rejected_fields)};
}

// The first request of a create: POST /submissions with what the version needs to accept it.
Result<Json> creation_body(const OjsContext& ctx, const Json& document) {
  Json body = Json::object();
  const Json* locale = document.find("locale");
  body["locale"] = (locale != nullptr && locale->is_string() && !locale->as_string().empty())
                       ? *locale
                       : Json(ctx.default_locale);
  const Json* section = document.find("sectionId");
  if (creates_publication_with_submission(ctx.version)) {
    if (section == nullptr || !section->is_int()) {
      return InvalidArgument("OJS " + std::string(version_name(ctx.version)) +
                             " needs 'sectionId' to create a submission");
    }
    body["sectionId"] = *section;
    return body;
  }
  body["submissionProgress"] = 0;  // 3.3: a finished submission, as the wizard leaves it.
  for (auto key : {"status", "stageId"}) {
    if (const Json* v = document.find(key); v != nullptr && v->is_int()) body[key] = *v;
  }
  return body;
}

// The first request's answer names the submission; every later one stamps it with the key, so
// only a lost answer to that first POST leaves a submission nothing names (docs/ojs-connector.md).
Result<WriteResult> create(const OjsContext& ctx, const Json& document, std::string_view key) {
  const std::string stamp = key.empty() ? std::string() : stamp_of(key);
  if (auto known = ctx.memo.lookup(kType, key)) {
    OJSYNC_ASSIGN_OR_RETURN(std::int64_t id, parse_ojs_id(*known, kType));
    return update(ctx, id, document, stamp);
  }
  if (!document.is_object()) return InvalidArgument("a manuscript document must be a JSON object");
  OJSYNC_ASSIGN_OR_RETURN(Json body, creation_body(ctx, document));
  const ApiCall post{"POST", "/submissions", {}, std::move(body)};
  OJSYNC_ASSIGN_OR_RETURN(Json created, ctx.client.call(post));
  const Json* id = created.find("id");
  if (id == nullptr || !id->is_int())
    return FailedPrecondition(post.what() + ": OJS returned no submission id");
  ctx.memo.remember(kType, key, std::to_string(id->as_int()));
  auto result = update(ctx, id->as_int(), document, stamp);
  if (!result.ok() && !result.status().is_retryable() &&
      !creates_publication_with_submission(ctx.version)) {
    // 3.3 refused the publication (e.g. the section requires an abstract): remove the bare
    // submission so a permanent failure leaves nothing behind.
    (void)ctx.client.call_optional({"DELETE", submission_path(id->as_int()), {}, std::nullopt});
    ctx.memo.forget(kType, key);
  }
  return result;
}

std::optional<LocalSeconds> activity_of(const Json& item) {
  for (auto field : {"dateLastActivity", "lastModified", "dateSubmitted"}) {
    const Json* v = item.find(field);
    if (v == nullptr || !v->is_string()) continue;
    if (auto local = parse_ojs_datetime(v->as_string())) return local;
  }
  return std::nullopt;
}

// One page of submissions, the most recently active first.
ApiCall activity_listing(const OjsContext& ctx, std::int64_t offset, int count) {
  return ApiCall{"GET",
                 "/submissions",
                 {{"orderBy", std::string(activity_order_by(ctx.version))},
                  {"orderDirection", "DESC"},
                  {"count", std::to_string(count)},
                  {"offset", std::to_string(offset)}},
                 std::nullopt};
}

}  // namespace

Result<std::vector<ListedItem>> fetch_activity_page(const OjsContext& ctx, std::int64_t offset,
                                                    int count) {
  const ApiCall list = activity_listing(ctx, offset, count);
  OJSYNC_ASSIGN_OR_RETURN(Json::Array items, ctx.client.call_list(list));
  std::vector<ListedItem> page;
  std::vector<bool> dated;
  for (auto& item : items) {
    const Json* id = item.find("id");
    if (id == nullptr || !id->is_int())
      return FailedPrecondition(list.what() + ": a listed submission has no id");
    const std::int64_t submission_id = id->as_int();
    auto activity = activity_of(item);
    page.push_back({submission_id, activity.value_or(0)});
    item.as_object().erase("publications");  // Summaries; the projection reads its own GET.
    ctx.listing.put(submission_id, std::move(item), ctx.client.clock().now());
    dated.push_back(activity.has_value());
  }
  // An entry without any readable date takes its neighbour's key: its position is what the
  // scan needs, and a made-up old date would end an incremental scan early.
  const auto first_dated = std::find(dated.begin(), dated.end(), true);
  if (first_dated == dated.end()) {
    if (page.empty()) return page;
    return FailedPrecondition(list.what() + ": OJS listed submissions without any activity date");
  }
  LocalSeconds key = page[static_cast<std::size_t>(first_dated - dated.begin())].key;
  for (std::size_t i = 0; i < page.size(); ++i) {
    if (dated[i]) key = page[i].key;
    page[i].key = key;
  }
  return page;
}

Result<std::optional<Snapshot>> fetch_manuscript(const OjsContext& ctx, std::string_view side_id) {
  OJSYNC_ASSIGN_OR_RETURN(std::int64_t id, parse_ojs_id(side_id, kType));
  OJSYNC_ASSIGN_OR_RETURN(auto raw, read_listed(ctx, id));
  if (!raw) {
    OJSYNC_ASSIGN_OR_RETURN(raw, read_raw(ctx, id));
  }
  if (!raw) return std::optional<Snapshot>();
  return std::optional<Snapshot>(snapshot_of(ctx, std::move(*raw)));
}

Result<std::optional<Snapshot>> find_created_manuscript(const OjsContext& ctx, std::string_view key,
                                                        Timestamp since) {
  if (key.empty()) return std::optional<Snapshot>();
  if (auto known = ctx.memo.lookup(kType, key)) return fetch_manuscript(ctx, *known);
  const std::string stamp = stamp_of(key);
  const Timestamp oldest = since - kStampSearchAllowance;
  const int count = ctx.scan.page_size;
  for (std::int64_t offset = 0;; offset += count) {
    const ApiCall list = activity_listing(ctx, offset, count);
    OJSYNC_ASSIGN_OR_RETURN(Json::Array items, ctx.client.call_list(list));
    bool older = false;
    for (const Json& item : items) {
      // Summaries list every publication with its pub-id::publisher-id (apiSummary).
      const Json* publications = item.find("publications");
      const Json* id = item.find("id");
      if (publications != nullptr && publications->is_array() && id != nullptr && id->is_int()) {
        for (const Json& publication : publications->as_array()) {
          if (publication.get_string(kPublisherId) != stamp) continue;
          ctx.memo.remember(kType, key, std::to_string(id->as_int()));
          return fetch_manuscript(ctx, std::to_string(id->as_int()));
        }
      }
      auto activity = activity_of(item);
      older = older || (activity && timestamp_from_utc(ctx.zone.to_utc(*activity)) < oldest);
    }
    // By activity, newest first: a page reaching before the create holds the last candidates.
    if (older || static_cast<int>(items.size()) < count) return std::optional<Snapshot>();
  }
}

Result<ChangePage> list_changed_manuscripts(const OjsContext& ctx, std::string_view cursor,
                                            std::size_t limit) {
  ScanCursor scan;
  if (!cursor.empty()) {
    OJSYNC_ASSIGN_OR_RETURN(Json state, decode_cursor(cursor));
    if (state.get_string("kind") != kCursorKind || state.find("scan") == nullptr) {
      return InvalidArgument("cursor does not belong to the manuscript listing");
    }
    OJSYNC_ASSIGN_OR_RETURN(scan, ScanCursor::from_json(*state.find("scan")));
  }
  OJSYNC_ASSIGN_OR_RETURN(ScanStep step,
                          advance_change_scan(std::move(scan), limit, ctx.scan, ctx.zone, ctx.now(),
                                              [&](std::int64_t offset, int count) {
                                                return fetch_activity_page(ctx, offset, count);
                                              }));
  if (step.positional) {
    spdlog::warn(
        "OJS manuscript listing: more submissions share one activity second than fit in a page; "
        "reading that second by position (exact only while OJS keeps their order)");
  }
  ChangePage page;
  for (const auto& item : step.changes) {
    page.changes.push_back(
        {std::to_string(item.id), timestamp_from_utc(ctx.zone.to_utc(item.key))});
  }
  Json state = Json::object();
  state["kind"] = std::string(kCursorKind);
  state["scan"] = step.next.to_json();
  page.next_cursor = encode_cursor(state);
  page.has_more = step.has_more;
  return page;
}

Result<WriteResult> write_manuscript(const OjsContext& ctx, std::string_view side_id,
                                     const Json& document, std::string_view idempotency_key) {
  if (side_id.empty()) return create(ctx, document, idempotency_key);
  OJSYNC_ASSIGN_OR_RETURN(std::int64_t id, parse_ojs_id(side_id, kType));
  return update(ctx, id, document);
}

Status remove_manuscript(const OjsContext& ctx, std::string_view side_id) {
  OJSYNC_ASSIGN_OR_RETURN(std::int64_t id, parse_ojs_id(side_id, kType));
  return ctx.client.call_optional({"DELETE", submission_path(id), {}, std::nullopt}).status();
}

}  // namespace ojsync
