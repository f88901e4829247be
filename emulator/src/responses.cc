#include "responses.h"

#include <boost/json/object.hpp>

#include "php_json.h"

namespace ojsemu {
namespace {

HttpResponse bare_json(int status, const boost::json::value& body) {
  HttpResponse r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = to_php_json(body);
  return r;
}

}  // namespace

HttpResponse json_response(int status, const boost::json::value& body) {
  HttpResponse r;
  r.status = status;
  r.headers.emplace_back("Access-Control-Allow-Origin", "*");
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = to_php_json(body);
  return r;
}

HttpResponse api_error(OjsVersion version, int status, const std::string& key, const MessageParams& params) {
  if (version == OjsVersion::k3_5) {
    return json_response(status, boost::json::object{{"error", translate(version, key, params)}});
  }
  return json_response(status, boost::json::object{{"error", key}, {"errorMessage", translate(version, key, params)}});
}

HttpResponse authorization_failure(OjsVersion version, int status, const std::string& key,
                                   const MessageParams& params, bool translated) {
  const std::string message = translated ? translate(version, key, params) : "##" + key + "##";
  return bare_json(status, boost::json::object{{"error", key}, {"errorMessage", message}});
}

HttpResponse text_error(OjsVersion version, int status, const std::string& key, const MessageParams& params) {
  return bare_json(status, boost::json::object{{"error", translate(version, key, params)}});
}

HttpResponse html_not_found() {
  HttpResponse r;
  r.status = 404;
  r.headers.emplace_back("Content-type", "text/html; charset=UTF-8");
  r.body = "<h1>404 Not Found</h1>";
  return r;
}

HttpResponse redirect(const std::string& location) {
  HttpResponse r;
  r.status = 301;
  r.headers.emplace_back("Access-Control-Allow-Origin", "*");
  r.headers.emplace_back("Location", location);
  return r;
}

}  // namespace ojsemu
