#include "service/http_server.h"

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace ojsync::service {
namespace {

struct CurlResult {
  long status = 0;
  std::string body;
};

std::size_t collect(char* data, std::size_t size, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

CurlResult request(CURL* curl, const std::string& url, const std::string* body = nullptr) {
  CurlResult r;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
  if (body != nullptr) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body->size()));
    curl_easy_setopt(curl, CURLOPT_COPYPOSTFIELDS, body->c_str());
  } else {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  }
  if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
  return r;
}

TEST(HttpServerTest, ServesRequestsWithKeepAliveAndDecodedQuery) {
  std::atomic<int> calls{0};
  auto server = HttpServer::start({}, [&](const HttpRequest& req, HttpResponse& res) {
    ++calls;
    Json body = Json::object();
    body["method"] = req.method;
    body["path"] = req.path;
    body["q"] = req.query_param("q") ? *req.query_param("q") : "";
    body["len"] = static_cast<std::int64_t>(req.body.size());
    res.set_json(200, body);
  });
  ASSERT_TRUE(server.ok()) << server.status().to_string();
  const std::string base = "http://127.0.0.1:" + std::to_string((*server)->port());
  CURL* curl = curl_easy_init();
  for (int i = 0; i < 3; ++i) {  // Same handle: the connection is reused.
    auto r = request(curl, base + "/v1/sync/manuscript/42?q=a%20b");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, R"({"len":0,"method":"GET","path":"/v1/sync/manuscript/42","q":"a b"})");
  }
  long connects = 0;
  curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &connects);
  EXPECT_EQ(connects, 0);  // The last request needed no new connection.
  std::string body = "{\"x\":1}";
  auto posted = request(curl, base + "/events", &body);
  EXPECT_EQ(posted.body, R"({"len":7,"method":"POST","path":"/events","q":""})");
  curl_easy_cleanup(curl);
  EXPECT_EQ(calls, 4);
}

TEST(HttpServerTest, RejectsOversizedBodiesWith413) {
  HttpServerOptions options;
  options.max_body_bytes = 100;
  std::atomic<int> calls{0};
  auto server = HttpServer::start(options, [&](const HttpRequest&, HttpResponse& res) {
    ++calls;
    res.set_json(200, Json::object());
  });
  ASSERT_TRUE(server.ok());
  CURL* curl = curl_easy_init();
  std::string body(1000, 'x');
  auto r = request(curl, "http://127.0.0.1:" + std::to_string((*server)->port()) + "/", &body);
  curl_easy_cleanup(curl);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.body, R"({"error":"payload_too_large","message":"the request exceeds the size limit"})");
  EXPECT_EQ(calls, 0);
}

TEST(HttpServerTest, HandlerExceptionBecomes500) {
  auto server = HttpServer::start({}, [](const HttpRequest&, HttpResponse&) {
    throw std::runtime_error("secret detail");
  });
  ASSERT_TRUE(server.ok());
  CURL* curl = curl_easy_init();
  auto r = request(curl, "http://127.0.0.1:" + std::to_string((*server)->port()) + "/");
  curl_easy_cleanup(curl);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("secret"), std::string::npos);
}

TEST(HttpServerTest, StopEndsIdleConnectionsPromptly) {
  auto server = HttpServer::start({}, [](const HttpRequest&, HttpResponse& res) { res.set_json(200, Json()); });
  ASSERT_TRUE(server.ok());
  CURL* curl = curl_easy_init();
  auto r = request(curl, "http://127.0.0.1:" + std::to_string((*server)->port()) + "/");
  EXPECT_EQ(r.status, 200);
  const auto t0 = std::chrono::steady_clock::now();
  (*server)->stop();  // The keep-alive connection is idle: stop must not wait for its timeout.
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
  curl_easy_cleanup(curl);
}

TEST(HttpServerTest, BindFailureIsUnavailable) {
  auto first = HttpServer::start({}, [](const HttpRequest&, HttpResponse&) {});
  ASSERT_TRUE(first.ok());
  HttpServerOptions options;
  options.port = (*first)->port();
  auto second = HttpServer::start(options, [](const HttpRequest&, HttpResponse&) {});
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
  options.host = "not an address";
  EXPECT_EQ(HttpServer::start(options, [](const HttpRequest&, HttpResponse&) {}).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ojsync::service
