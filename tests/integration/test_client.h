// The integration tests' HTTP client: one request, its status (0 when no answer came: refused,
// reset), its JSON body and ETag. One Client per thread.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "connectors/http/curl_transport.h"
#include "ojsync/json.h"

namespace ojsync::testing {

struct Reply {
  int status = 0;
  Json body;
  std::string etag;
  std::string text;  // The body as received.
};

class Client {
 public:
  Client() : http_(make_curl_transport({}).value()) {}
  Reply send(const std::string& method, const std::string& url, const std::string& body = "",
             HttpHeaders headers = {}) const {
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    auto r = http_->send({method, url, std::move(headers), body});
    Reply reply;
    if (!r.ok()) return reply;
    reply.status = r->status;
    if (auto parsed = Json::parse(r->body); parsed.ok()) reply.body = std::move(parsed).value();
    if (const std::string* etag = r->header("ETag")) reply.etag = *etag;
    reply.text = std::move(r->body);
    return reply;
  }

 private:
  std::unique_ptr<HttpTransport> http_;
};

}  // namespace ojsync::testing
