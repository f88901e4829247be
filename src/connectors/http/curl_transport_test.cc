#include "connectors/http/curl_transport.h"

#include <gtest/gtest.h>

#include <thread>

#include "connectors/http/testing/scripted_http_server.h"

namespace ojsync {
namespace {

using testing::ReceivedRequest;
using testing::ScriptedHttpServer;

std::unique_ptr<HttpTransport> transport(CurlTransportOptions options = {}) {
  auto t = make_curl_transport(std::move(options));
  EXPECT_TRUE(t.ok()) << t.status().to_string();
  return std::move(t).value();
}

TEST(CurlTransportTest, ReusesOneKeepAliveConnectionForSequentialRequests) {
  ScriptedHttpServer server([](const ReceivedRequest&) {
    return ScriptedHttpServer::response(200, "OK", "{}", {"Content-Type: application/json"});
  });
  auto t = transport();
  for (int i = 0; i < 3; ++i) {
    auto r = t->send({"GET", server.url("/a?i=" + std::to_string(i)), {}, ""});
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "{}");
    ASSERT_NE(r->header("content-type"), nullptr);
    EXPECT_EQ(*r->header("content-type"), "application/json");
  }
  EXPECT_EQ(server.connections_accepted(), 1);
}

TEST(CurlTransportTest, SendsMethodHeadersAndBodyAndAdvertisesGzip) {
  ScriptedHttpServer server(
      [](const ReceivedRequest&) { return ScriptedHttpServer::response(200, "OK", "ok"); });
  auto t = transport();
  std::string body = "{\"title\":{\"en\":\"x\"}}";
  HttpRequest request{"PUT", server.url("/s/1"), {{"Content-Type", "application/json"}}, body};
  auto r = t->send(request);
  request.body.assign(request.body.size(), 'X');  // The transport must have sent its own copy.
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "PUT");
  EXPECT_EQ(seen[0].target, "/s/1");
  EXPECT_EQ(seen[0].body, body);
  EXPECT_NE(seen[0].head.find("Content-Type: application/json"), std::string::npos);
  EXPECT_NE(seen[0].head.find("Accept-Encoding: gzip"), std::string::npos);
  EXPECT_EQ(seen[0].head.find("Expect:"), std::string::npos);
}

TEST(CurlTransportTest, DeleteWithoutBodyAndPostWithEmptyBody) {
  ScriptedHttpServer server(
      [](const ReceivedRequest&) { return ScriptedHttpServer::response(200, "OK", ""); });
  auto t = transport();
  ASSERT_TRUE(t->send({"DELETE", server.url("/s/1"), {}, ""}).ok());
  ASSERT_TRUE(t->send({"POST", server.url("/s"), {}, ""}).ok());
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].method, "DELETE");
  EXPECT_EQ(seen[1].method, "POST");
  EXPECT_NE(seen[1].head.find("Content-Length: 0"), std::string::npos);
}

TEST(CurlTransportTest, DecodesGzipBodies) {
  static const char kGzip[] =
      "\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\xab\x56\xca\x2c\x49\xcd\x2d\x56\xb2\x8a\x8e\xd5"
      "\x81\x30\x7d\x13\x2b\x94\xac\x0c\x6a\x01\x3d\xd3\x41\x3a\x19\x00\x00\x00";
  ScriptedHttpServer server([](const ReceivedRequest&) {
    return ScriptedHttpServer::response(200, "OK", std::string(kGzip, sizeof kGzip - 1),
                                        {"Content-Encoding: gzip"});
  });
  auto r = transport()->send({"GET", server.url("/"), {}, ""});
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->body, "{\"items\":[],\"itemsMax\":0}");
}

TEST(CurlTransportTest, ReturnsErrorStatusesAsResponsesNotErrors) {
  ScriptedHttpServer server([](const ReceivedRequest&) {
    return ScriptedHttpServer::response(429, "Too Many Requests", "slow down", {"Retry-After: 7"});
  });
  auto r = transport()->send({"GET", server.url("/"), {}, ""});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 429);
  ASSERT_NE(r->header("Retry-After"), nullptr);
  EXPECT_EQ(*r->header("Retry-After"), "7");
}

TEST(CurlTransportTest, DoesNotFollowRedirects) {
  ScriptedHttpServer server([](const ReceivedRequest&) {
    return ScriptedHttpServer::response(301, "Moved", "",
                                        {"Location: http://127.0.0.1:1/elsewhere"});
  });
  auto r = transport()->send({"GET", server.url("/"), {}, ""});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 301);
}

TEST(CurlTransportTest, TimeoutIsDeadlineExceeded) {
  ScriptedHttpServer server([](const ReceivedRequest&) { return std::optional<std::string>(); });
  CurlTransportOptions options;
  options.total_timeout = std::chrono::milliseconds(300);
  auto r = transport(options)->send({"GET", server.url("/"), {}, ""});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_TRUE(r.status().is_retryable());
}

TEST(CurlTransportTest, RefusedConnectionIsUnavailable) {
  int port;
  {
    ScriptedHttpServer server([](const ReceivedRequest&) { return std::optional<std::string>(); });
    port = std::stoi(server.url("").substr(17));
  }
  auto r = transport()->send(
      {"GET", "http://127.0.0.1:" + std::to_string(port) + "/x?apiToken=SECRET", {}, ""});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(r.status().message().find("SECRET"), std::string::npos);
}

TEST(CurlTransportTest, ConnectionClosedMidResponseIsUnavailable) {
  ScriptedHttpServer server([](const ReceivedRequest&) {
    return std::optional<std::string>(
        "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\nshort");
  });
  auto r = transport()->send({"GET", server.url("/"), {}, ""});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
}

TEST(CurlTransportTest, ResponseSizeCapIsEnforced) {
  ScriptedHttpServer server([](const ReceivedRequest&) {
    return ScriptedHttpServer::response(200, "OK", std::string(5000, 'a'));
  });
  CurlTransportOptions options;
  options.max_response_bytes = 1000;
  auto r = transport(options)->send({"GET", server.url("/"), {}, ""});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
}

TEST(CurlTransportTest, RejectsHeaderInjectionAndForeignSchemes) {
  auto t = transport();
  auto r = t->send({"GET", "http://127.0.0.1:1/", {{"X", "a\r\nInjected: 1"}}, ""});
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  r = t->send({"GET", "file:///etc/passwd", {}, ""});
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  r = t->send({"TRACE", "http://127.0.0.1:1/", {}, ""});
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

TEST(CurlTransportTest, TlsVerificationFailureIsNotRetryable) {
  // A plain-HTTP server spoken to over https fails the handshake; a bogus CA file must make the
  // transport refuse rather than fall back to an unverified connection.
  ScriptedHttpServer server(
      [](const ReceivedRequest&) { return ScriptedHttpServer::response(200, "OK", "plain"); });
  CurlTransportOptions options;
  options.ca_path = "/nonexistent/ca.pem";
  std::string url = server.url("/");
  url.replace(0, 4, "https");
  auto r = transport(options)->send({"GET", url, {}, ""});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition) << r.status().to_string();
}

TEST(CurlTransportTest, ConcurrentCallersAreServed) {
  ScriptedHttpServer server(
      [](const ReceivedRequest& r) { return ScriptedHttpServer::response(200, "OK", r.target); });
  auto t = transport();
  std::vector<std::thread> threads;
  std::atomic<int> good{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      for (int j = 0; j < 10; ++j) {
        const std::string path = "/t" + std::to_string(i) + "/" + std::to_string(j);
        auto r = t->send({"GET", server.url(path), {}, ""});
        if (r.ok() && r->body == path) ++good;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(good.load(), 40);
  EXPECT_LE(server.connections_accepted(), 4);
}

}  // namespace
}  // namespace ojsync
