// A scriptable HttpTransport for tests: every request is recorded and answered by a handler.
#pragma once

#include <functional>
#include <mutex>
#include <vector>

#include "connectors/http/http_transport.h"

namespace ojsync::testing {

class FakeTransport final : public HttpTransport {
 public:
  using Handler = std::function<Result<HttpResponse>(const HttpRequest&)>;
  explicit FakeTransport(Handler handler) : handler_(std::move(handler)) {}

  Result<HttpResponse> send(const HttpRequest& request) override {
    {
      std::lock_guard lock(mu_);
      requests_.push_back(request);
    }
    return handler_(request);
  }

  std::vector<HttpRequest> requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }
  void clear() {
    std::lock_guard lock(mu_);
    requests_.clear();
  }

  static HttpResponse json(int status, std::string body) {
    return HttpResponse{status, {{"Content-Type", "application/json"}}, std::move(body)};
  }

 private:
  Handler handler_;
  mutable std::mutex mu_;
  std::vector<HttpRequest> requests_;
};

}  // namespace ojsync::testing
