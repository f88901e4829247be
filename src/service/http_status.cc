#include "service/http_status.h"

#include <cctype>

#include "service/json_log.h"

namespace ojsync::service {

int http_status_for(StatusCode code, bool conditional) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
    case StatusCode::kOutOfRange:
      return 400;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
    case StatusCode::kAborted:
      return 409;
    case StatusCode::kFailedPrecondition:
      return conditional ? 412 : 409;
    case StatusCode::kResourceExhausted:
      return 429;
    case StatusCode::kUnimplemented:
      return 501;
    case StatusCode::kCancelled:
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kDeadlineExceeded:
      return 504;
    case StatusCode::kUnknown:
    case StatusCode::kInternal:
    case StatusCode::kDataLoss:
      return 500;
  }
  return 500;
}

std::string error_code_for(StatusCode code) {
  std::string name(status_code_name(code));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

Json status_error_body(const Status& status) {
  const bool server_fault = http_status_for(status.code()) == 500;
  Json body = Json::object();
  body["error"] = error_code_for(status.code());
  body["message"] = server_fault ? "the server could not complete the request" : status.message();
  return body;
}

void set_status_error(HttpResponse& response, const Status& status, bool conditional) {
  if (http_status_for(status.code()) == 500) {
    log_event(LogLevel::kError, "request_failed",
              Json(Json::Object{{"code", Json(error_code_for(status.code()))},
                                {"message", Json(status.message())}}));
  }
  response.set_json(http_status_for(status.code(), conditional), status_error_body(status));
}

}  // namespace ojsync::service
