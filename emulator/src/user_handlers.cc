// GET /users, /users/{id}, /users/reviewers and GET /issues[/{id}].
#include <algorithm>

#include "handler_util.h"
#include "handlers.h"
#include "ojs_constants.h"
#include "render.h"
#include "responses.h"
#include "reviewer_stats.h"
#include "text_case.h"
#include "workflow.h"

namespace ojsemu {
namespace {

namespace json = boost::json;

bool in_journal(const Database& db, const User& u) {
  return std::any_of(u.group_ids.begin(), u.group_ids.end(), [&](int gid) {
    const UserGroup* g = db.user_group(gid);
    return g != nullptr && g->role_id != role::kSiteAdmin;
  });
}

bool has_role(const Database& db, const User& u, const std::vector<std::int64_t>& role_ids) {
  return std::any_of(u.group_ids.begin(), u.group_ids.end(), [&](int gid) {
    const UserGroup* g = db.user_group(gid);
    return g != nullptr && std::find(role_ids.begin(), role_ids.end(), g->role_id) != role_ids.end();
  });
}

bool text_contains(const std::string& haystack, const std::string& word) {
  return haystack.find(word) != std::string::npos ||
         unicode_lower(haystack).find(ascii_lower(word)) != std::string::npos;
}

// Each word must appear in the user name, email, a name, the affiliation or an interest.
bool user_matches(const User& u, const std::string& phrase) {
  std::size_t start = 0;
  while (start <= phrase.size()) {
    std::size_t end = phrase.find(' ', start);
    if (end == std::string::npos) end = phrase.size();
    const std::string word = phrase.substr(start, end - start);
    start = end + 1;
    if (word.empty()) continue;
    bool found = text_contains(u.user_name, word) || text_contains(u.email, word);
    for (const auto* text : {&u.given_name, &u.family_name, &u.affiliation}) {
      for (const auto& [loc, value] : text->entries()) found = found || text_contains(value, word);
    }
    for (const auto& i : u.interests) found = found || text_contains(i, word);
    if (!found) return false;
  }
  return true;
}

struct UserListParams {
  std::optional<std::int64_t> limit = 20;
  std::int64_t offset = 0;
  std::string order_by = "id";
  bool ascending = false;
  std::string status;
  std::string search;
};

UserListParams parse_user_list(const ApiCall& call) {
  UserListParams p;
  p.status = call.version() == OjsVersion::k3_3 ? "active" : "all";
  if (const auto count = call.query.scalar("count")) {
    const std::int64_t n = std::min<std::int64_t>(100, php_int_cast(*count));
    p.limit = n > 0 ? std::optional<std::int64_t>(n) : std::nullopt;
  }
  if (const auto offset = call.query.scalar("offset")) p.offset = std::max<std::int64_t>(0, php_int_cast(*offset));
  if (const auto order = call.query.scalar("orderBy"); order && (*order == "familyName" || *order == "givenName")) {
    p.order_by = *order;
  }
  p.ascending = call.query.scalar("orderDirection") == std::optional<std::string>("ASC");
  if (const auto status = call.query.scalar("status"); status && (*status == "active" || *status == "disabled" || *status == "all")) {
    p.status = *status;
  }
  p.search = call.query.scalar("searchPhrase").value_or("");
  return p;
}

bool status_matches(const User& u, const std::string& status) {
  return status == "all" || (status == "disabled") == u.disabled;
}

std::vector<const User*> sorted_users(std::vector<const User*> users, const UserListParams& p) {
  const auto key = [&](const User* u) {
    if (p.order_by == "familyName") return localized_value(u->family_name, 0, 0);
    if (p.order_by == "givenName") return localized_value(u->given_name, 0, 0);
    return std::string();
  };
  std::stable_sort(users.begin(), users.end(), [&](const User* a, const User* b) {
    if (p.order_by != "id") {
      const int cmp = key(a).compare(key(b));
      if (cmp != 0) return p.ascending ? cmp < 0 : cmp > 0;
    }
    return p.ascending ? a->id < b->id : a->id > b->id;
  });
  return users;
}

// "X" means at least X, "X-Y" a closed range (reviewer statistics filters).
bool in_range(const std::optional<std::string>& spec, std::int64_t value) {
  if (!spec || spec->empty()) return true;
  const std::size_t dash = spec->find('-');
  if (dash == std::string::npos) return value >= php_int_cast(*spec);
  return value >= php_int_cast(spec->substr(0, dash)) && value <= php_int_cast(spec->substr(dash + 1));
}

}  // namespace

HttpResponse get_users(ApiCall& call) {
  const UserListParams p = parse_user_list(call);
  const auto role_ids = int_list_param(call.query, "roleIds");
  const std::int64_t assigned_submission =
      call.query.has("assignedToSubmission") ? php_int_cast(call.query.scalar("assignedToSubmission").value_or("")) : 0;
  std::vector<const User*> users;
  for (const auto& [id, u] : call.db.users) {
    if (!in_journal(call.db, u) || !status_matches(u, p.status)) continue;
    if (!role_ids.empty() && !has_role(call.db, u, role_ids)) continue;
    if (assigned_submission != 0) {
      const Submission* s = call.db.submission(static_cast<int>(assigned_submission));
      if (s == nullptr || !is_assigned(*s, u.id)) continue;
    }
    if (!p.search.empty() && !user_matches(u, p.search)) continue;
    users.push_back(&u);
  }
  users = sorted_users(std::move(users), p);
  const RenderContext ctx = call.render();
  json::array items;
  for (const User* u : page_of(users, p.offset, p.limit)) items.push_back(render_user(ctx, *u, UserView::kSummary));
  return list_response(static_cast<std::int64_t>(users.size()), std::move(items));
}

HttpResponse get_user(ApiCall& call) {
  const std::int64_t id = int_param(call, "userId");
  const User* u = id > 0 && id <= INT32_MAX ? call.db.user(static_cast<int>(id)) : nullptr;
  if (u == nullptr) return api_error(call.version(), 404, "api.404.resourceNotFound");
  return json_response(200, render_user(call.render(), *u, UserView::kFull));
}

HttpResponse get_reviewers(ApiCall& call) {
  const UserListParams p = parse_user_list(call);
  const auto stats = compute_reviewer_stats(call.db);
  const ReviewerStats none;
  const auto days_since = [&](const ReviewerStats& st) -> std::int64_t {
    return st.last_assignment ? (call.now - *st.last_assignment) / 86400 : 0;
  };
  std::vector<const User*> users;
  for (const auto& [id, u] : call.db.users) {
    if (!in_journal(call.db, u) || !status_matches(u, p.status == "all" ? "active" : p.status)) continue;
    if (!has_role(call.db, u, {role::kReviewer})) continue;
    const auto it = stats.find(u.id);
    const ReviewerStats& st = it == stats.end() ? none : it->second;
    if (!in_range(call.query.scalar("reviewsActive"), st.active) ||
        !in_range(call.query.scalar("reviewsCompleted"), st.completed) ||
        !in_range(call.query.scalar("averageCompletion"), st.average_completion_days) ||
        !in_range(call.query.scalar("daysSinceLastAssignment"), days_since(st))) {
      continue;
    }
    if (!p.search.empty() && !user_matches(u, p.search)) continue;
    users.push_back(&u);
  }
  users = sorted_users(std::move(users), p);
  const RenderContext ctx = call.render();
  json::array items;
  for (const User* u : page_of(users, p.offset, p.limit)) {
    const auto it = stats.find(u->id);
    items.push_back(render_user(ctx, *u, UserView::kReviewer, it == stats.end() ? &none : &it->second));
  }
  return list_response(static_cast<std::int64_t>(users.size()), std::move(items));
}

HttpResponse get_issues(ApiCall& call) {
  // Unpublished issues are listed for editors only.
  const bool editor = has_any_role(call.roles, {role::kSiteAdmin, role::kManager, role::kSubEditor});
  std::vector<const Issue*> issues;
  for (const auto& i : call.db.journal.issues) {
    if (i.published || editor) issues.push_back(&i);
  }
  std::sort(issues.begin(), issues.end(), [](const Issue* a, const Issue* b) { return a->id > b->id; });
  const RenderContext ctx = call.render();
  json::array items;
  for (const Issue* i : issues) items.push_back(render_issue_summary(ctx, *i));
  return list_response(static_cast<std::int64_t>(issues.size()), std::move(items));
}

HttpResponse get_issue(ApiCall& call) {
  const std::int64_t id = int_param(call, "issueId");
  for (const auto& i : call.db.journal.issues) {
    if (i.id == id) return json_response(200, render_issue_summary(call.render(), i));
  }
  return api_error(call.version(), 404, "api.404.resourceNotFound");
}

}  // namespace ojsemu
