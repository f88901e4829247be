#include "router.h"

#include <algorithm>

#include "ojs_constants.h"

namespace ojsemu {
namespace {

std::vector<std::string> split(std::string_view pattern) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < pattern.size()) {
    const std::size_t slash = pattern.find('/', start);
    const std::size_t end = slash == std::string_view::npos ? pattern.size() : slash;
    if (end > start) out.emplace_back(pattern.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

Router::Router(OjsVersion version) : version_(version) {
  using namespace role;
  const bool v33 = version == OjsVersion::k3_3;
  const std::vector<int> all_workflow = {kManager, kSubEditor, kAssistant, kReviewer, kAuthor};
  const std::vector<int> editors = {kManager, kSubEditor};
  const std::vector<int> production = {kManager, kSubEditor, kAssistant};
  const std::vector<int> metadata_editors = {kManager, kSubEditor, kAssistant, kAuthor};
  auto add = [&](std::string method, std::string entity, std::string_view pattern, std::string name,
                 std::vector<int> roles, bool needs_submission) {
    routes_.push_back({std::move(method), std::move(entity), split(pattern), std::move(name), std::move(roles),
                       needs_submission});
  };
  const std::string s = "submissions";
  add("GET", s, "", "getMany", all_workflow, false);
  add("GET", s, "{submissionId}", "get", all_workflow, true);
  add("GET", s, "{submissionId}/participants", "getParticipants", editors, true);
  add("GET", s, "{submissionId}/participants/{stageId}", "getParticipants", editors, true);
  add("GET", s, "{submissionId}/publications", "getPublications", all_workflow, true);
  add("GET", s, "{submissionId}/publications/{publicationId}", "getPublication", all_workflow, true);
  // 3.4 lets any logged-in user start a submission (the author role is assigned on the way).
  add("POST", s, "", "add", v33 ? editors : std::vector<int>{}, false);
  add("POST", s, "{submissionId}/publications", "addPublication", production, true);
  add("POST", s, "{submissionId}/publications/{publicationId}/version", "versionPublication", production, true);
  add("PUT", s, "{submissionId}", "edit", v33 ? editors : std::vector<int>{kManager, kSubEditor, kAuthor}, true);
  add("PUT", s, "{submissionId}/publications/{publicationId}", "editPublication", metadata_editors, true);
  add("PUT", s, "{submissionId}/publications/{publicationId}/publish", "publishPublication", production, true);
  add("PUT", s, "{submissionId}/publications/{publicationId}/unpublish", "unpublishPublication", production, true);
  add("DELETE", s, "{submissionId}", "delete", editors, true);
  add("DELETE", s, "{submissionId}/publications/{publicationId}", "deletePublication", production, true);
  if (!v33) {
    add("GET", s, "{submissionId}/decisions", "getDecisions", editors, true);
    add("POST", s, "{submissionId}/decisions", "addDecision", editors, true);
    const std::string c = "{submissionId}/publications/{publicationId}/contributors";
    add("GET", s, c, "getContributors", all_workflow, true);
    add("GET", s, c + "/{contributorId}", "getContributor", all_workflow, true);
    add("POST", s, c, "addContributor", metadata_editors, true);
    add("PUT", s, c + "/saveOrder", "saveContributorsOrder", metadata_editors, true);
    add("PUT", s, c + "/{contributorId}", "editContributor", metadata_editors, true);
    add("DELETE", s, c + "/{contributorId}", "deleteContributor", metadata_editors, true);
  }
  const std::vector<int> user_managers = {kSiteAdmin, kManager, kSubEditor};
  add("GET", "users", "", "getMany", user_managers, false);
  add("GET", "users", "reviewers", "getReviewers", user_managers, false);
  add("GET", "users", "{userId}", "get", user_managers, false);
  add("GET", "issues", "", "getMany", {kManager, kSubEditor, kAssistant, kReviewer, kAuthor, kReader}, false);
  add("GET", "issues", "{issueId}", "get", {kManager, kSubEditor, kAssistant, kReviewer, kAuthor, kReader}, false);
}

bool Router::knows_entity(std::string_view entity) const {
  // Handler directories of OJS's api/v1 (3.3–3.5) that exist in every version.
  static constexpr std::string_view kKnown[] = {
      "submissions", "users", "issues", "contexts", "site", "stats", "announcements", "emailTemplates",
      "temporaryFiles", "vocabs", "_submissions", "_payments", "_email", "_uploadPublicFile", "_dois",
      "dois", "institutions", "mailables", "_library", "highlights", "categories", "sections",
      "reviews", "invitations", "orcid", "userGroups", "jobs", "_i18n", "rors", "protected"};
  return std::find(std::begin(kKnown), std::end(kKnown), entity) != std::end(kKnown);
}

bool Router::implements_entity(std::string_view entity) const {
  return entity == "submissions" || entity == "users" || entity == "issues";
}

std::optional<RouteMatch> Router::match(std::string_view method, std::string_view entity,
                                        const std::vector<std::string>& segments) const {
  const Route* best = nullptr;
  int best_literals = -1;
  RouteMatch result;
  for (const auto& r : routes_) {
    if (r.method != method || r.entity != entity || r.pattern.size() != segments.size()) continue;
    RouteMatch candidate;
    int literals = 0;
    bool ok = true;
    for (std::size_t i = 0; i < segments.size() && ok; ++i) {
      const std::string& p = r.pattern[i];
      if (p.front() == '{') {
        // 3.3 routes have no constraints; 3.4/3.5 ids must be digits.
        if (version_ != OjsVersion::k3_3 && !all_digits(segments[i])) ok = false;
        if (segments[i].empty()) ok = false;
        candidate.params[p.substr(1, p.size() - 2)] = segments[i];
      } else {
        ok = p == segments[i];
        ++literals;
      }
    }
    if (ok && literals > best_literals) {
      best = &r;
      best_literals = literals;
      result = std::move(candidate);
    }
  }
  if (best == nullptr) return std::nullopt;
  result.route = best;
  return result;
}

}  // namespace ojsemu
