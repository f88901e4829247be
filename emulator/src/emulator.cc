#include "emulator.h"

#include <algorithm>
#include <map>
#include <mutex>

#include "api_call.h"
#include "api_path.h"
#include "auth.h"
#include "handlers.h"
#include "jwt.h"
#include "ojs_constants.h"
#include "query_params.h"
#include "responses.h"
#include "workflow.h"

namespace ojsemu {
namespace {

using Handler = HttpResponse (*)(ApiCall&);

Handler find_handler(const std::string& entity, const std::string& name) {
  static const std::map<std::pair<std::string, std::string>, Handler> kHandlers = {
      {{"submissions", "getMany"}, get_submissions},
      {{"submissions", "get"}, get_submission},
      {{"submissions", "add"}, add_submission},
      {{"submissions", "edit"}, edit_submission},
      {{"submissions", "delete"}, delete_submission},
      {{"submissions", "getParticipants"}, get_participants},
      {{"submissions", "getPublications"}, get_publications},
      {{"submissions", "getPublication"}, get_publication},
      {{"submissions", "addPublication"}, add_publication},
      {{"submissions", "versionPublication"}, version_publication},
      {{"submissions", "editPublication"}, edit_publication},
      {{"submissions", "publishPublication"}, publish_publication},
      {{"submissions", "unpublishPublication"}, unpublish_publication},
      {{"submissions", "deletePublication"}, delete_publication},
      {{"submissions", "getDecisions"}, get_decisions},
      {{"submissions", "addDecision"}, add_decision},
      {{"submissions", "getContributors"}, get_contributors},
      {{"submissions", "getContributor"}, get_contributor},
      {{"submissions", "addContributor"}, add_contributor},
      {{"submissions", "editContributor"}, edit_contributor},
      {{"submissions", "deleteContributor"}, delete_contributor},
      {{"submissions", "saveContributorsOrder"}, save_contributors_order},
      {{"users", "getMany"}, get_users},
      {{"users", "get"}, get_user},
      {{"users", "getReviewers"}, get_reviewers},
      {{"issues", "getMany"}, get_issues},
      {{"issues", "get"}, get_issue},
  };
  const auto it = kHandlers.find({entity, name});
  return it == kHandlers.end() ? nullptr : it->second;
}

bool is_write(const std::string& method) { return method == "POST" || method == "PUT" || method == "DELETE"; }

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Routes behind StageRolePolicy(production, [MGR, SUBED, ASST]) in PKPSubmissionHandler.
bool needs_production_access(const std::string& name) {
  return name == "addPublication" || name == "versionPublication" || name == "publishPublication" ||
         name == "unpublishPublication" || name == "deletePublication";
}

bool has_production_access(const Database& db, const Submission& s, const User& u, const std::vector<int>& roles) {
  if (has_any_role(roles, {role::kSiteAdmin, role::kManager})) return true;
  for (int r : assigned_roles_in_stage(db, s, u.id, stage::kProduction)) {
    if (r == role::kManager || r == role::kSubEditor || r == role::kAssistant) return true;
  }
  return false;
}

}  // namespace

bool ApiCall::is_manager() const { return has_any_role(roles, {role::kSiteAdmin, role::kManager}); }

const std::string* ApiCall::param(const char* name) const {
  const auto it = match.params.find(name);
  return it == match.params.end() ? nullptr : &it->second;
}

Emulator::Emulator(EmulatorConfig config, Database db, const Clock& clock)
    : config_(std::move(config)), db_(std::move(db)), clock_(clock), router_(config_.version) {}

void Emulator::set_base_url(std::string base_url) {
  std::unique_lock lock(mutex_);
  config_.base_url = std::move(base_url);
}

NaiveTime Emulator::now() const { return config_.time_zone.to_naive(clock_.unix_now()); }

std::optional<std::string> Emulator::token_for(const std::string& user_name) const {
  std::shared_lock lock(mutex_);
  for (const auto& [id, u] : db_.users) {
    if (u.user_name != user_name || !u.api_key) continue;
    const boost::json::value payload = config_.version == OjsVersion::k3_5
                                           ? boost::json::value(boost::json::array{boost::json::string(*u.api_key)})
                                           : boost::json::value(boost::json::string(*u.api_key));
    return jwt_encode_hs256(payload, config_.api_key_secret);
  }
  return std::nullopt;
}

HttpResponse Emulator::handle(const HttpRequest& request) {
  // Slim (3.3/3.4) and Laravel (3.5) answer HEAD like GET without the body; the transport drops
  // the body and keeps its Content-Length.
  const std::string method = request.method == "HEAD" ? "GET" : request.method;
  HttpResponse response;
  if (is_write(method)) {
    std::unique_lock lock(mutex_);
    response = serve(request, method);
    ++db_.generation;
  } else {
    std::shared_lock lock(mutex_);
    response = serve(request, method);
  }
  // 3.5's AllowCrossOrigin middleware sets the CORS headers on the request, not the response.
  if (config_.version == OjsVersion::k3_5) {
    std::erase_if(response.headers, [](const auto& h) { return iequals(h.first, "Access-Control-Allow-Origin"); });
  }
  return response;
}

HttpResponse Emulator::serve(const HttpRequest& request, const std::string& method) {
  const OjsVersion v = config_.version;
  const bool v35 = v == OjsVersion::k3_5;
  const auto path = parse_api_path(request.path());
  if (!path) return html_not_found();
  if (path->version != "v1" || !router_.knows_entity(path->entity)) {
    return v35 ? text_error(v, 404, "api.404.endpointNotFound") : authorization_failure(v, 404, "api.404.endpointNotFound");
  }
  if (!router_.implements_entity(path->entity)) {
    return json_response(501, boost::json::object{{"error", "emulator.notImplemented"},
                                                  {"errorMessage", "ojs-emulator does not implement /" +
                                                                       path->entity + " (see emulator/README.md)."}});
  }
  if (path->trailing_slash && !v35 && method == "GET") {
    // Slim's trailing-slash middleware; its URI has PATH_INFO as path, hence no "/index.php".
    std::string location = config_.base_url + "/" + path->context + "/api/" + path->version + "/" + path->entity;
    for (const auto& seg : path->segments) location += "/" + seg;
    if (!request.query().empty()) location += "?" + std::string(request.query());
    return redirect(location);
  }
  const QueryParams query = QueryParams::parse(request.query());
  const NaiveTime now_naive = now();
  const AuthResult auth = authenticate(v, config_.api_key_secret, request, query, db_, clock_.unix_now());
  // A POST/PUT/DELETE with a trailing slash matches no route in 3.3/3.4 (captured 118).
  const auto match = path->trailing_slash && !v35 ? std::nullopt : router_.match(method, path->entity, path->segments);

  if (v35) {
    if (!match) return text_error(v, 404, "api.404.endpointNotFound");
    if (auth.error_status) return text_error(v, *auth.error_status, auth.error_key, auth.error_params);
    const bool has_token_transport = request.header("Authorization") != nullptr || query.has("apiToken");
    if (is_write(method) && !has_token_transport) return text_error(v, 403, "form.csrfInvalid");
    if (auth.user == nullptr) return text_error(v, 401, "api.403.unauthorized");
    if (path->context != db_.journal.path) return text_error(v, 404, "user.authorization.noContext");
  } else {
    if (auth.error_status) return authorization_failure(v, *auth.error_status, auth.error_key, auth.error_params);
    if (is_write(method) && !auth.token_decoded) return api_error(v, 403, "form.csrfInvalid");
    if (!match) return authorization_failure(v, 403, "api.404.endpointNotFound");
    if (auth.user == nullptr) return authorization_failure(v, 403, "api.403.unauthorized");
    if (path->context != db_.journal.path) return authorization_failure(v, 403, "user.authorization.noContext");
  }

  const User& user = *auth.user;
  const std::vector<int> roles = user_roles(db_, user);
  const Route& route = *match->route;
  const bool role_ok = route.roles.empty() || has_any_role(roles, {role::kSiteAdmin}) ||
                       std::any_of(route.roles.begin(), route.roles.end(),
                                   [&](int r) { return has_any_role(roles, {r}); });
  if (!role_ok) {
    if (v35) return text_error(v, 401, "api.403.unauthorized");
    // OJS 3.3 has not loaded the "user" locale file yet unless SubmissionAccessPolicy ran.
    return authorization_failure(v, 403, "user.authorization.roleBasedAccessDenied", {},
                                 v != OjsVersion::k3_3 || route.needs_submission);
  }

  ApiCall call{config_, db_, request, query, *match, user, roles, now_naive, list_cache_};
  if (route.needs_submission) {
    const std::string& id_text = match->params.at("submissionId");
    Submission* s = all_digits(id_text) && id_text.size() < 10 ? db_.submission(std::stoi(id_text)) : nullptr;
    if (s == nullptr || s->context_id != db_.journal.id) {
      if (v35) {
        return json_response(404, boost::json::object{{"error", "user.authorization.invalidSubmission"},
                                                      {"errorMessage", translate(v, "user.authorization.invalidSubmission")}});
      }
      return html_not_found();
    }
    if (!call.is_manager() && !is_assigned(*s, user.id)) {
      if (v35) {
        return json_response(401, boost::json::object{{"error", "user.authorization.roleBasedAccessDenied"},
                                                      {"errorMessage", translate(v, "user.authorization.roleBasedAccessDenied")}});
      }
      return authorization_failure(v, 403, "user.authorization.roleBasedAccessDenied");
    }
    if (needs_production_access(route.name) && !has_production_access(db_, *s, user, roles)) {
      if (v35) return text_error(v, 403, "user.authorization.accessDenied");
      return authorization_failure(v, 403, "user.authorization.accessDenied");
    }
    call.submission = s;
  }
  return dispatch(call);
}

HttpResponse Emulator::dispatch(ApiCall& call) {
  const Handler handler = find_handler(call.match.route->entity, call.match.route->name);
  return handler(call);
}

}  // namespace ojsemu
