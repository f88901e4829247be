#include "connectors/ojs/ojs_error.h"

#include <array>
#include <utility>

#include "connectors/http/retry_after.h"
#include "ojsync/json.h"

namespace ojsync {
namespace {

constexpr std::size_t kMaxDetail = 600;  // Bound what an error body adds to a message.

// 3.5 sends translated text instead of keys; these English texts (spec/ojs-api/ERROR_KEYS.md)
// map back to the keys the rules below understand. Other UI languages fall back to the
// HTTP-status rules.
constexpr std::array<std::pair<std::string_view, std::string_view>, 11> kEnglishTexts = {{
    {"You are not authorized to access the requested resource.", "api.403.unauthorized"},
    {"The API token could not be validated.", "api.400.invalidApiToken"},
    {"The apiToken could not be decoded", "api.400.tokenCouldNotBeDecoded"},
    {"The requested URL was not recognized.", "api.404.endpointNotFound"},
    {"The requested resource was not found.", "api.404.resourceNotFound"},
    {"Invalid submission.", "user.authorization.invalidSubmission"},
    {"The form could not be submitted. You may have been logged out.", "form.csrfInvalid"},
    {"You can not edit this publication because it has already been published.",
     "api.publication.403.cantEditPublished"},
    {"You can not record a decision or recommend a decision for this submission because it has "
     "already been published.",
     "api.decisions.403.alreadyPublished"},
    {"No journal was found that matched your request.", "user.authorization.noContext"},
    {"No journal in context!", "user.authorization.noContext"},
}};

constexpr std::array<std::string_view, 5> kTokenKeys = {
    "api.403.unauthorized", "api.400.invalidApiToken", "api.400.tokenCouldNotBeDecoded",
    "form.csrfInvalid", "api.submissions.403.csrfTokenFailure"};

constexpr std::array<std::string_view, 9> kStateKeys = {
    "api.publication.403.cantEditPublished",
    "api.publication.403.cantEditStatus",
    "api.publication.403.alreadyPublished",
    "api.publication.403.alreadyUnpublished",
    "api.publication.403.cantDeletePublished",
    "api.decisions.403.alreadyPublished",
    "author.submit.notAccepting",
    "api.publications.403.submissionsDidNotMatch",
    "api.submissions.403.cantChangeContext"};

bool contains(const auto& list, std::string_view key) {
  for (auto k : list) {
    if (k == key) return true;
  }
  return false;
}

std::string clip(std::string s) {
  if (s.size() > kMaxDetail) {
    s.resize(kMaxDetail);
    s += "…";
  }
  return s;
}

std::string key_for_text(std::string_view text) {
  for (const auto& [prefix, key] : kEnglishTexts) {
    if (text.starts_with(prefix)) return std::string(key);
  }
  return {};
}

struct ErrorBody {
  std::string key;
  std::string text;
  std::string field_errors;  // "title.en_US: msg; sectionId: msg"
};

void append_messages(std::string& out, const std::string& path, const Json& value) {
  auto add = [&](std::string_view msg) {
    if (!out.empty()) out += "; ";
    out += path;
    out += ": ";
    out += msg;
  };
  if (value.is_string()) {
    add(value.as_string());
  } else if (value.is_array()) {
    for (const auto& m : value.as_array()) {
      if (m.is_string()) add(m.as_string());
    }
  } else if (value.is_object()) {
    for (const auto& [locale, messages] : value.as_object())
      append_messages(out, path + "." + locale, messages);
  }
}

ErrorBody read_body(const HttpResponse& response) {
  ErrorBody body;
  auto parsed = Json::parse(response.body, Json::ParseLimits{1u << 20, 16});
  if (!parsed.ok() || !parsed->is_object()) return body;
  const Json& o = *parsed;
  const Json* error = o.find("error");
  const Json* message = o.find("errorMessage");
  if (error != nullptr && error->is_string()) {
    const std::string& e = error->as_string();
    const bool looks_like_key =
        e.find(' ') == std::string::npos && e.find('.') != std::string::npos;
    if (looks_like_key) {
      body.key = e;
      if (message != nullptr && message->is_string()) body.text = message->as_string();
    } else {
      body.text = e;
      body.key = key_for_text(e);
    }
    return body;
  }
  for (const auto& [field, messages] : o.as_object())
    append_messages(body.field_errors, field, messages);
  return body;
}

bool is_ojs_html_404(const HttpResponse& response) {
  std::string_view b = response.body;
  while (!b.empty() && (b.back() == '\n' || b.back() == '\r' || b.back() == ' '))
    b.remove_suffix(1);
  return b == "<h1>404 Not Found</h1>";
}

Status make(StatusCode code, std::string_view what, int http, const ErrorBody& body,
            std::string_view hint = {}) {
  std::string m(what);
  m += ": HTTP " + std::to_string(http);
  if (!body.key.empty()) m += " " + body.key;
  if (!body.text.empty()) m += ": " + clip(body.text);
  if (!body.field_errors.empty()) m += ": " + clip(body.field_errors);
  if (!hint.empty()) {
    m += " (";
    m += hint;
    m += ")";
  }
  return {code, std::move(m)};
}

OjsError classify_403(const ErrorBody& body, std::string_view what) {
  OjsError e;
  e.key = body.key;
  if (contains(kTokenKeys, body.key)) {
    e.token_not_received = body.key == "api.403.unauthorized" || body.key == "form.csrfInvalid" ||
                           body.key == "api.submissions.403.csrfTokenFailure";
    e.status = make(StatusCode::kUnauthenticated, what, 403, body,
                    "check the API token, that its key is enabled, and that the server passes the "
                    "Authorization header");
  } else if (body.key == "api.500.apiSecretKeyMissing") {
    e.status = make(StatusCode::kFailedPrecondition, what, 403, body,
                    "OJS has no api_key_secret configured");
  } else if (body.key == "api.404.endpointNotFound") {
    e.status =
        make(StatusCode::kUnimplemented, what, 403, body, "this OJS version has no such endpoint");
  } else if (body.key == "user.authorization.noContext") {
    e.status = make(StatusCode::kNotFound, what, 403, body, "check journal_path");
  } else if (contains(kStateKeys, body.key)) {
    e.status = make(StatusCode::kFailedPrecondition, what, 403, body);
  } else {
    e.status = make(StatusCode::kPermissionDenied, what, 403, body);
  }
  return e;
}

OjsError classify_404(const HttpResponse& response, const ErrorBody& body, std::string_view what) {
  OjsError e;
  e.key = body.key;
  if (is_ojs_html_404(response) || body.key == "api.404.resourceNotFound" ||
      body.key == "user.authorization.invalidSubmission") {
    e.resource_absent = true;
    e.status = make(StatusCode::kNotFound, what, 404, body);
  } else if (body.key == "api.404.endpointNotFound") {
    e.status = make(StatusCode::kUnimplemented, what, 404, body,
                    "unknown API endpoint: check base_url and the OJS version");
  } else {
    e.status = make(StatusCode::kNotFound, what, 404, body,
                    "not an OJS answer: check base_url, journal_path and use_index_php");
  }
  return e;
}

}  // namespace

OjsError classify_ojs_response(const HttpResponse& response, std::string_view what, Timestamp now) {
  const int http = response.status;
  OjsError e;
  if (http >= 200 && http < 300) return e;
  const ErrorBody body = read_body(response);
  e.key = body.key;
  if (http == 429 || http == 503) {
    if (const std::string* h = response.header("Retry-After"))
      e.retry_after = parse_retry_after(*h, now);
  }
  switch (http) {
    case 400: {
      const bool token =
          body.key == "api.400.invalidApiToken" || body.key == "api.400.tokenCouldNotBeDecoded";
      e.status = make(token ? StatusCode::kUnauthenticated : StatusCode::kInvalidArgument, what,
                      http, body);
      return e;
    }
    case 401:
      e.token_not_received = true;
      e.status = make(StatusCode::kUnauthenticated, what, http, body);
      return e;
    case 403:
      return classify_403(body, what);
    case 404:
      return classify_404(response, body, what);
    case 405:
    case 501:
      e.status = make(StatusCode::kUnimplemented, what, http, body);
      return e;
    case 408:
    case 504:
      e.status = make(StatusCode::kDeadlineExceeded, what, http, body);
      return e;
    case 409:
      e.status = make(StatusCode::kAborted, what, http, body);
      return e;
    case 413:
      e.status = make(StatusCode::kInvalidArgument, what, http, body, "request too large");
      return e;
    default:
      break;
  }
  std::string hint;
  if (e.retry_after) {
    hint =
        "retry after " +
        std::to_string(std::chrono::duration_cast<std::chrono::seconds>(*e.retry_after).count()) +
        "s";
  }
  if (http == 429) {
    e.status = make(StatusCode::kResourceExhausted, what, http, body, hint);
  } else if (http >= 500 && http < 600) {
    e.status = make(StatusCode::kUnavailable, what, http, body, hint);
  } else if (http >= 300 && http < 400) {
    e.status = make(StatusCode::kFailedPrecondition, what, http, body,
                    "redirected: check base_url (http vs https, index.php)");
  } else if (http >= 400 && http < 500) {
    e.status = make(StatusCode::kFailedPrecondition, what, http, body);
  } else {
    e.status = make(StatusCode::kUnknown, what, http, body);
  }
  if (e.retry_after) e.status.set_retry_after(*e.retry_after);
  return e;
}

}  // namespace ojsync
