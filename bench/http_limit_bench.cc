// The most HTTP exchanges per second this machine carries with ojsync's own libcurl transport,
// against a server that does no work at all: it answers every request with the same bytes.
//
// Why: an import from OJS's REST API costs at least one request per submission (the listing
// has only a summary of each publication; see docs/connector.md), so this rate bounds any
// import's entities/s here, whatever the emulator and the engine do. It puts issue 3's
// 20,000 entities/s target in proportion (bench/RESULTS.md).
//
//   ojsync_http_limit_bench [--requests 40000] [--threads 4] [--body-bytes 4647] [--parse]
//
// --parse also parses each body with ojsync's JSON parser, as the bench's floor does.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "connectors/http/curl_transport.h"
#include "ojsync/json.h"

namespace ojsync::bench {
namespace {

struct Args {
  int requests = 40'000;
  int threads = 4;
  std::size_t body_bytes = 4647;  // One OJS 3.4 publication from the emulator.
  bool parse = false;
};

// A JSON object of about `bytes` bytes, so that --parse parses something of the real size.
std::string json_body(std::size_t bytes) {
  std::string body = "{\"items\":[";
  for (int i = 0; body.size() + 40 < bytes; ++i) {
    body += (i ? ",\"" : "\"") + std::string("title in some language ") + std::to_string(i) + "\"";
  }
  body += "]}";
  return body;
}

// Answers each request of one keep-alive connection with `response` until the peer closes it.
void serve_connection(int fd, const std::string& response) {
  std::string pending;
  char buf[8192];
  for (;;) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    pending.append(buf, static_cast<std::size_t>(n));
    for (std::size_t end; (end = pending.find("\r\n\r\n")) != std::string::npos;) {
      pending.erase(0, end + 4);  // GET requests carry no body.
      for (std::size_t sent = 0; sent < response.size();) {
        const ssize_t w = ::send(fd, response.data() + sent, response.size() - sent, MSG_NOSIGNAL);
        if (w <= 0) return;
        sent += static_cast<std::size_t>(w);
      }
    }
  }
  ::close(fd);
}

double cpu_seconds(int who) {
  rusage u{};
  ::getrusage(who, &u);
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

int run(const Args& args) {
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(listener, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      ::listen(listener, 64) != 0 ||
      ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    std::perror("listen");
    return 1;
  }
  const std::string body = json_body(args.body_bytes);
  const std::string response = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                               std::to_string(body.size()) + "\r\n\r\n" + body;
  std::thread acceptor([&] {
    for (;;) {
      const int fd = ::accept(listener, nullptr, nullptr);
      if (fd < 0) return;
      std::thread(serve_connection, fd, std::cref(response)).detach();
    }
  });
  acceptor.detach();

  const std::string url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) +
                          "/index.php/testj/api/v1/submissions/1/publications/1";
  auto http = make_curl_transport({}).value();
  std::atomic<int> next{0}, failed{0};
  const double cpu_before = cpu_seconds(RUSAGE_SELF);
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> clients;
  for (int t = 0; t < args.threads; ++t) {
    clients.emplace_back([&] {
      HttpHeaders headers{{"Authorization", "Bearer not-a-secret"}};
      while (next.fetch_add(1) < args.requests) {
        auto r = http->send({"GET", url, headers, ""});
        if (!r.ok() || r->status != 200 || r->body.size() != body.size() ||
            (args.parse && !Json::parse(r->body).ok())) {
          failed.fetch_add(1);
        }
      }
    });
  }
  for (auto& c : clients) c.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu = cpu_seconds(RUSAGE_SELF) - cpu_before;
  std::printf(
      "%d requests of %zu-byte bodies%s, %d client threads, %u cores: %.2f s, %.0f requests/s, "
      "%.1f us CPU per request (client and server), %d failed\n",
      args.requests, body.size(), args.parse ? " (parsed)" : "", args.threads,
      std::thread::hardware_concurrency(), seconds, args.requests / seconds,
      cpu / args.requests * 1e6, failed.load());
  return failed == 0 ? 0 : 1;
}

}  // namespace
}  // namespace ojsync::bench

int main(int argc, char** argv) {
  ojsync::bench::Args args;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--requests" && has_value) {
      args.requests = std::atoi(argv[++i]);
    } else if (a == "--threads" && has_value) {
      args.threads = std::atoi(argv[++i]);
    } else if (a == "--body-bytes" && has_value) {
      args.body_bytes = static_cast<std::size_t>(std::atol(argv[++i]));
    } else if (a == "--parse") {
      args.parse = true;
    } else {
      std::fprintf(stderr,
                   "usage: ojsync_http_limit_bench [--requests N] [--threads N] "
                   "[--body-bytes N] [--parse]\n");
      return 2;
    }
  }
  if (args.requests < 1 || args.threads < 1 || args.body_bytes > (1u << 24)) {
    std::fprintf(stderr, "ojsync_http_limit_bench: bad arguments\n");
    return 2;
  }
  return ojsync::bench::run(args);
}
