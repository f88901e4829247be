#include "connectors/ojs/ojs_reviewers.h"

#include "connectors/ojs/cursor_codec.h"
#include "connectors/ojs/ojs_datetime.h"
#include "connectors/ojs/reviewer_mapping.h"

namespace ojsync {
namespace {

constexpr std::string_view kCursorKind = "reviewer";

Result<std::vector<ListedItem>> fetch_reviewer_page(const OjsContext& ctx, std::int64_t offset,
                                                    int count) {
  const ApiCall list{"GET",
                     "/users",
                     {{"roleIds", std::to_string(kReviewerRoleId)},
                      {"status", "all"},
                      {"orderBy", "id"},
                      {"orderDirection", "DESC"},
                      {"count", std::to_string(count)},
                      {"offset", std::to_string(offset)}},
                     std::nullopt};
  OJSYNC_ASSIGN_OR_RETURN(Json::Array items, ctx.client.call_list(list));
  std::vector<ListedItem> page;
  for (const auto& user : items) {
    const Json* id = user.find("id");
    if (id == nullptr || !id->is_int())
      return FailedPrecondition(list.what() + ": a listed user has no id");
    page.push_back({id->as_int(), id->as_int()});  // Sorted by id: the id is the key.
  }
  return page;
}

}  // namespace

Status reviewer_write_refused() {
  return FailedPrecondition(
      "reviewers are read-only on the OJS side: OJS 3.3-3.5 have no API to create, edit or delete "
      "users");
}

Result<std::optional<Snapshot>> fetch_reviewer(const OjsContext& ctx, std::string_view side_id) {
  OJSYNC_ASSIGN_OR_RETURN(std::int64_t id, parse_ojs_id(side_id, "reviewer"));
  const ApiCall get{"GET", "/users/" + std::to_string(id), {}, std::nullopt};
  OJSYNC_ASSIGN_OR_RETURN(auto user, ctx.client.call_optional(get));
  if (!user || !has_reviewer_role(*user)) return std::optional<Snapshot>();
  return std::optional<Snapshot>(Snapshot{std::to_string(id), project_reviewer(*user, ctx.zone),
                                          reviewer_modified(*user, ctx.zone)});
}

Result<ChangePage> list_changed_reviewers(const OjsContext& ctx, std::string_view cursor,
                                          std::size_t limit) {
  ScanCursor scan;
  if (!cursor.empty()) {
    OJSYNC_ASSIGN_OR_RETURN(Json state, decode_cursor(cursor));
    if (state.get_string("kind") != kCursorKind || state.find("scan") == nullptr) {
      return InvalidArgument("cursor does not belong to the reviewer listing");
    }
    OJSYNC_ASSIGN_OR_RETURN(scan, ScanCursor::from_json(*state.find("scan")));
  }
  ScanSettings settings = ctx.scan;
  settings.incremental = false;
  OJSYNC_ASSIGN_OR_RETURN(ScanStep step,
                          advance_change_scan(std::move(scan), limit, settings, ctx.zone, ctx.now(),
                                              [&](std::int64_t offset, int count) {
                                                return fetch_reviewer_page(ctx, offset, count);
                                              }));
  ChangePage page;
  const Timestamp listed_at = ctx.client.clock().now();
  for (const auto& item : step.changes)
    page.changes.push_back({std::to_string(item.id), listed_at});
  Json state = Json::object();
  state["kind"] = std::string(kCursorKind);
  state["scan"] = step.next.to_json();
  page.next_cursor = encode_cursor(state);
  page.has_more = step.has_more;
  return page;
}

}  // namespace ojsync
