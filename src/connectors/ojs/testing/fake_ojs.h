// A small in-memory OJS for connector tests: the endpoints the connector uses, with the
// version differences it must respect (orderBy names, writeDisabledInApi 400s, no publication
// on 3.3 create, no decision/contributor API on 3.3, error shapes, HTML 404s) and switches for
// failures (a lost response after the server acted, a web server stripping Authorization).
// Not thread-safe beyond its own mutex; one instance per test.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "connectors/http/http_transport.h"
#include "connectors/ojs/ojs_datetime.h"
#include "ojsync/json.h"
#include "ojsync/ojs_connector.h"

namespace ojsync::testing {

class FakeOjs final : public HttpTransport {
 public:
  static constexpr const char* kToken = "tok.en.SECRETVALUE";
  static constexpr const char* kPrefix = "http://ojs.test/index.php/j/api/v1";

  explicit FakeOjs(OjsVersion version) : version_(version) {}

  // --- test controls
  std::int64_t add_submission(std::string_view activity, int status = 1, int stage = 1) {
    std::lock_guard lock(mu_);
    const std::int64_t id = next_id_++;
    Sub s;
    s.fields = Json::object();
    s.fields["id"] = id;
    s.fields["status"] = status;
    s.fields["stageId"] = stage;
    s.fields["locale"] = locale();
    s.fields["dateSubmitted"] = std::string(activity);
    s.fields["lastModified"] = std::string(activity);
    s.fields["dateLastActivity"] = std::string(activity);
    s.fields["submissionProgress"] = version_ == OjsVersion::k3_3 ? Json(0) : Json("");
    s.publication = new_publication(id);
    s.publication["title"][locale()] = "Title " + std::to_string(id);
    subs_[id] = std::move(s);
    return id;
  }
  void set_activity(std::int64_t id, std::string_view activity) {
    std::lock_guard lock(mu_);
    subs_.at(id).fields["dateLastActivity"] = std::string(activity);
  }
  void erase(std::int64_t id) {
    std::lock_guard lock(mu_);
    subs_.erase(id);
  }
  void add_author(std::int64_t id, std::string_view given, std::string_view email) {
    std::lock_guard lock(mu_);
    Json a = Json::object();
    a["id"] = next_author_++;
    a["givenName"][locale()] = std::string(given);
    a["familyName"][locale()] = "Family";
    a["email"] = std::string(email);
    a["seq"] = static_cast<std::int64_t>(subs_.at(id).publication["authors"].as_array().size());
    a["userGroupId"] = 14;
    a["publicationId"] = subs_.at(id).publication.get_int("id");
    subs_.at(id).publication["authors"].as_array().push_back(std::move(a));
  }
  Json publication(std::int64_t id) {
    std::lock_guard lock(mu_);
    return subs_.at(id).publication;
  }
  Json submission(std::int64_t id) {
    std::lock_guard lock(mu_);
    return subs_.at(id).fields;
  }
  std::size_t decision_count(std::int64_t id) {
    std::lock_guard lock(mu_);
    return subs_.at(id).decisions.size();
  }
  std::size_t submission_count() {
    std::lock_guard lock(mu_);
    return subs_.size();
  }
  // The next `method` request whose URL contains `path_fragment` is carried out, but its
  // response is lost on the way back.
  void lose_next_response(std::string method, std::string path_fragment) {
    std::lock_guard lock(mu_);
    lose_response_of_ = std::move(method);
    lose_path_fragment_ = std::move(path_fragment);
  }
  // Like Apache without CGIPassAuth: the Authorization header never reaches OJS.
  void strip_authorization(bool strip) {
    std::lock_guard lock(mu_);
    strip_authorization_ = strip;
  }
  // Shuffles entries sharing a second differently on every list request (OJS has no tie-breaker).
  void shuffle_ties(std::uint32_t seed) {
    std::lock_guard lock(mu_);
    shuffle_ = std::mt19937(seed);
    shuffling_ = true;
  }
  std::vector<HttpRequest> requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }
  int count_requests(std::string_view method, std::string_view path_fragment) const {
    std::lock_guard lock(mu_);
    return static_cast<int>(
        std::count_if(requests_.begin(), requests_.end(), [&](const HttpRequest& r) {
          return r.method == method && r.url.find(path_fragment) != std::string::npos;
        }));
  }

  // --- HttpTransport
  Result<HttpResponse> send(const HttpRequest& request) override {
    std::lock_guard lock(mu_);
    requests_.push_back(request);
    HttpResponse response = route(request);
    if (!lose_response_of_.empty() && request.method == lose_response_of_ &&
        request.url.find(lose_path_fragment_) != std::string::npos && response.status < 300) {
      lose_response_of_.clear();
      return DeadlineExceeded("HTTP transport: Operation timed out after 60000 milliseconds");
    }
    return response;
  }

 private:
  struct Sub {
    Json fields;
    Json publication;
    std::vector<Json> decisions;
  };

  std::string locale() const { return version_ == OjsVersion::k3_3 ? "en_US" : "en"; }
  std::string now_text() {
    clock_ += 1;
    return format_ojs_datetime(clock_);
  }

  Json new_publication(std::int64_t submission_id) {
    Json p = Json::object();
    p["id"] = next_publication_++;
    p["submissionId"] = submission_id;
    p["sectionId"] = 1;
    p["status"] = 1;
    p["authors"] = Json::array();
    p["title"] = Json::object();
    p["abstract"] = Json::object();
    p["keywords"] = Json::object();
    return p;
  }

  static HttpResponse json(int status, const Json& body) {
    return HttpResponse{status, {{"Content-Type", "application/json"}}, body.dump()};
  }
  HttpResponse error(int status, std::string key) const {
    Json body = Json::object();
    if (version_ == OjsVersion::k3_5) {
      body["error"] = key == "api.403.unauthorized"
                          ? "You are not authorized to access the requested resource."
                          : key;
    } else {
      body["error"] = std::move(key);
      body["errorMessage"] = "message";
    }
    return json(status, body);
  }
  HttpResponse not_found() const {
    if (version_ == OjsVersion::k3_5) {
      Json body = Json::object();
      body["error"] = "user.authorization.invalidSubmission";
      body["errorMessage"] = "Invalid submission.";
      return json(404, body);
    }
    return HttpResponse{
        404, {{"Content-type", "text/html; charset=UTF-8"}}, "<h1>404 Not Found</h1>"};
  }

  static std::map<std::string, std::string> parse_query(std::string_view q) {
    std::map<std::string, std::string> out;
    while (!q.empty()) {
      auto amp = q.find('&');
      auto part = q.substr(0, amp);
      auto eq = part.find('=');
      out[std::string(part.substr(0, eq))] =
          eq == std::string_view::npos ? "" : std::string(part.substr(eq + 1));
      if (amp == std::string_view::npos) break;
      q.remove_prefix(amp + 1);
    }
    return out;
  }
  static std::vector<std::string> split_path(std::string_view p) {
    std::vector<std::string> out;
    while (!p.empty()) {
      if (p.front() == '/') p.remove_prefix(1);
      auto slash = p.find('/');
      out.emplace_back(p.substr(0, slash));
      if (slash == std::string_view::npos) break;
      p.remove_prefix(slash);
    }
    return out;
  }
  static std::optional<std::int64_t> num(const std::string& s) {
    if (s.empty() || s.size() > 15 || !std::all_of(s.begin(), s.end(), ::isdigit))
      return std::nullopt;
    return std::stoll(s);
  }

  bool authorized(const HttpRequest& r, const std::map<std::string, std::string>& q) const {
    for (const auto& [k, v] : r.headers) {
      if (header_name_equals(k, "Authorization") && !strip_authorization_)
        return v == std::string("Bearer ") + kToken;
    }
    auto it = q.find("apiToken");
    return it != q.end() && it->second == "tok.en.SECRETVALUE";
  }

  Json summary(const Sub& s) const {
    Json out = s.fields;
    out["publications"] = Json::array();
    if (!s.publication.is_null()) {
      out["currentPublicationId"] = s.publication.get_int("id");
      // Listings summarise every publication with its apiSummary members, the publisher id among
      // them (the connector finds its creates' stamps there).
      Json summary = Json::object();
      for (const char* k : {"id", "submissionId", "sectionId", "status", "title"}) {
        if (const Json* v = s.publication.find(k)) summary[k] = *v;
      }
      const Json* stamp = s.publication.find("pub-id::publisher-id");
      summary["pub-id::publisher-id"] = stamp != nullptr ? *stamp : Json();
      out["publications"].as_array().push_back(std::move(summary));
    }
    return out;
  }

  HttpResponse list(const std::map<std::string, std::string>& q) {
    std::vector<const Sub*> rows;
    for (const auto& [id, s] : subs_) rows.push_back(&s);
    const std::string activity = version_ == OjsVersion::k3_3 ? "dateLastActivity" : "lastActivity";
    const bool by_activity = q.count("orderBy") != 0 && q.at("orderBy") == activity;
    const std::string key = by_activity ? "dateLastActivity" : "dateSubmitted";
    if (shuffling_) std::shuffle(rows.begin(), rows.end(), shuffle_);
    std::stable_sort(rows.begin(), rows.end(), [&](const Sub* a, const Sub* b) {
      return a->fields.get_string(key) > b->fields.get_string(key);
    });
    const std::int64_t count =
        q.count("count") ? std::min<std::int64_t>(100, std::stoll(q.at("count"))) : 20;
    const std::int64_t offset = q.count("offset") ? std::stoll(q.at("offset")) : 0;
    Json items = Json::array();
    for (std::int64_t i = offset; i < static_cast<std::int64_t>(rows.size()) && i < offset + count;
         ++i) {
      items.as_array().push_back(summary(*rows[static_cast<std::size_t>(i)]));
    }
    Json body = Json::object();
    body["itemsMax"] = static_cast<std::int64_t>(rows.size());
    body["items"] = std::move(items);
    return json(200, body);
  }

  // Per-locale merge, null (or []) removes a locale: how OJS applies multilingual PUTs.
  static void merge(Json& target, const Json& patch) {
    for (const auto& [key, value] : patch.as_object()) {
      if (!value.is_object() || !target[key].is_object()) {
        target[key] = value;
        continue;
      }
      for (const auto& [locale, v] : value.as_object()) {
        if (v.is_null() || (v.is_array() && v.as_array().empty())) {
          target[key].as_object().erase(locale);
        } else {
          target[key][locale] = v;
        }
      }
    }
  }

  HttpResponse route(const HttpRequest& r) {
    const std::string prefix = kPrefix;
    if (r.url.compare(0, prefix.size(), prefix) != 0)
      return HttpResponse{404, {}, "<html>nginx</html>"};
    std::string rest = r.url.substr(prefix.size());
    const auto qpos = rest.find('?');
    const auto q = parse_query(qpos == std::string::npos ? "" : rest.substr(qpos + 1));
    const auto parts = split_path(rest.substr(0, qpos));
    if (!authorized(r, q)) {
      if (version_ == OjsVersion::k3_5) return error(401, "api.403.unauthorized");
      return error(403, r.method == "GET" ? "api.403.unauthorized" : "form.csrfInvalid");
    }
    Json body;
    if (!r.body.empty()) body = Json::parse(r.body).value();
    if (parts.empty()) return error(404, "api.404.endpointNotFound");
    if (parts[0] == "users") return users(parts);
    if (parts[0] != "submissions") return error(404, "api.404.endpointNotFound");
    if (parts.size() == 1) {
      if (r.method == "GET") return list(q);
      if (r.method == "POST") return create(body);
      return error(403, "api.404.endpointNotFound");
    }
    auto id = num(parts[1]);
    if (parts.size() >= 3 && parts[2] == "decisions" && version_ == OjsVersion::k3_3) {
      return error(403, "api.404.endpointNotFound");
    }
    if (!id || subs_.count(*id) == 0) return not_found();
    Sub& s = subs_.at(*id);
    if (parts.size() == 2) {
      if (r.method == "GET") return json(200, summary(s));
      if (r.method == "DELETE") {
        Json gone = summary(s);
        subs_.erase(*id);
        return json(200, gone);
      }
      if (r.method == "PUT") return edit_submission(s, body);
    }
    if (parts[2] == "decisions") return decisions(r, s, body);
    if (parts[2] == "publications") return publications(r, s, parts, body);
    return error(403, "api.404.endpointNotFound");
  }

  HttpResponse users(const std::vector<std::string>& parts) {
    Json reviewer = Json::object();
    reviewer["id"] = 7;
    reviewer["userName"] = "r.one";
    reviewer["email"] = "r@example.org";
    reviewer["givenName"][locale()] = "Rae";
    reviewer["dateRegistered"] = "2026-01-01 00:00:00";
    Json group = Json::object();
    group["roleId"] = 4096;
    reviewer["groups"] = Json::Array{group};
    if (parts.size() == 1) {
      Json body = Json::object();
      body["itemsMax"] = 1;
      body["items"] = Json::Array{reviewer};
      return json(200, body);
    }
    if (parts[1] == "7") return json(200, reviewer);
    return error(404, "api.404.resourceNotFound");
  }

  HttpResponse create(const Json& body) {
    if (version_ != OjsVersion::k3_3 && body.find("sectionId") == nullptr) {
      Json e = Json::object();
      e["sectionId"] = Json::Array{"This field is required."};
      return json(400, e);
    }
    const std::int64_t id = next_id_++;
    Sub s;
    s.fields = Json::object();
    s.fields["id"] = id;
    s.fields["status"] = body.get_int("status", 1);
    s.fields["stageId"] = body.get_int("stageId", 1);
    s.fields["locale"] = body.get_string("locale", locale());
    const std::string now = now_text();
    s.fields["dateSubmitted"] = now;
    s.fields["lastModified"] = now;
    s.fields["dateLastActivity"] = now;
    if (version_ != OjsVersion::k3_3) {
      s.publication = new_publication(id);
      s.publication["sectionId"] = *body.find("sectionId");
    }
    subs_[id] = std::move(s);
    return json(200, summary(subs_.at(id)));
  }

  HttpResponse edit_submission(Sub& s, const Json& body) {
    if (version_ != OjsVersion::k3_3) {
      for (auto key : {"status", "stageId", "dateSubmitted", "lastModified"}) {
        if (body.find(key) != nullptr) {
          Json e = Json::object();
          e[key] = Json::Array{std::string("The ") + key + " property can not be modified."};
          return json(400, e);
        }
      }
    }
    merge(s.fields, body);
    return json(200, summary(s));
  }

  HttpResponse publications(const HttpRequest& r, Sub& s, const std::vector<std::string>& parts,
                            const Json& body) {
    if (parts.size() == 3 && r.method == "POST") {
      if (!s.publication.is_null()) return error(403, "api.404.endpointNotFound");
      s.publication = new_publication(s.fields.get_int("id"));
      Json patch = body;
      patch.as_object().erase("locale");
      patch.as_object().erase("version");
      merge(s.publication, patch);
      s.fields["dateLastActivity"] = now_text();
      return json(200, s.publication);
    }
    if (parts.size() < 4 || s.publication.is_null() ||
        num(parts[3]) != s.publication.get_int("id")) {
      return error(404, "api.404.resourceNotFound");
    }
    if (parts.size() == 4) {
      if (r.method == "GET") return json(200, s.publication);
      if (r.method == "PUT") {
        merge(s.publication, body);
        s.fields["dateLastActivity"] = now_text();
        return json(200, s.publication);
      }
    }
    if (parts.size() >= 5 && parts[4] == "contributors" && version_ != OjsVersion::k3_3)
      return contributors(r, s, parts, body);
    return error(403, "api.404.endpointNotFound");
  }

  HttpResponse contributors(const HttpRequest& r, Sub& s, const std::vector<std::string>& parts,
                            const Json& body) {
    Json::Array& authors = s.publication["authors"].as_array();
    s.fields["dateLastActivity"] = now_text();
    if (parts.size() == 5 && r.method == "POST") {
      Json a = body;
      a["id"] = next_author_++;
      authors.push_back(a);
      return json(200, a);
    }
    auto cid = parts.size() == 6 ? num(parts[5]) : std::nullopt;
    auto it = std::find_if(authors.begin(), authors.end(),
                           [&](const Json& a) { return cid && a.get_int("id") == *cid; });
    if (it == authors.end()) return error(404, "api.404.resourceNotFound");
    if (r.method == "DELETE") {
      Json gone = *it;
      authors.erase(it);
      return json(200, gone);
    }
    merge(*it, body);
    return json(200, *it);
  }

  HttpResponse decisions(const HttpRequest& r, Sub& s, const Json& body) {
    if (r.method == "GET") {
      Json list = Json::array();
      for (const auto& d : s.decisions) list.as_array().push_back(d);
      if (version_ == OjsVersion::k3_5)
        std::reverse(list.as_array().begin(), list.as_array().end());
      return json(200, list);
    }
    Json d = Json::object();
    d["id"] = next_decision_++;
    d["submissionId"] = s.fields.get_int("id");
    d["decision"] = body.get_int("decision");
    d["stageId"] = s.fields.get_int("stageId");
    d["editorId"] = 1;
    d["dateDecided"] = now_text();
    if (const Json* rr = body.find("reviewRoundId")) d["reviewRoundId"] = *rr;
    s.decisions.push_back(d);
    s.fields["dateLastActivity"] = d.get_string("dateDecided");
    return json(200, d);
  }

  const OjsVersion version_;
  mutable std::mutex mu_;
  std::map<std::int64_t, Sub> subs_;
  std::int64_t next_id_ = 1, next_publication_ = 100, next_author_ = 500, next_decision_ = 900;
  LocalSeconds clock_ = parse_ojs_datetime("2026-06-01 00:00:00").value();
  std::string lose_response_of_;
  std::string lose_path_fragment_;
  bool strip_authorization_ = false;
  bool shuffling_ = false;
  std::mt19937 shuffle_;
  std::vector<HttpRequest> requests_;
};

}  // namespace ojsync::testing
