// A tiny HTTP/1.1 server on 127.0.0.1:<ephemeral port> for transport tests. Each request is
// answered with the raw bytes a test-supplied handler returns, so tests control status lines,
// headers, encodings and keep-alive exactly. Not for production: one thread per connection,
// Content-Length bodies only.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace ojsync::testing {

struct ReceivedRequest {
  std::string method;
  std::string target;  // Path and query as sent.
  std::string head;    // The whole request head (request line and headers).
  std::string body;
};

class ScriptedHttpServer {
 public:
  // Returns the raw response bytes, or std::nullopt to never answer (the connection stays open
  // until the server stops: a hung server).
  using Handler = std::function<std::optional<std::string>(const ReceivedRequest&)>;

  explicit ScriptedHttpServer(Handler handler) : handler_(std::move(handler)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(listen_fd_, 16);
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ScriptedHttpServer(const ScriptedHttpServer&) = delete;
  ScriptedHttpServer& operator=(const ScriptedHttpServer&) = delete;

  ~ScriptedHttpServer() {
    stopping_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    ::close(listen_fd_);
    acceptor_.join();
    {
      std::lock_guard lock(mu_);
      for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
    }
    for (auto& t : workers_) t.join();
    for (int fd : open_fds_) ::close(fd);
  }

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int connections_accepted() const { return accepted_.load(); }
  std::vector<ReceivedRequest> requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }

  // A complete response with Content-Length (keep-alive unless `close`).
  static std::string response(int status, const std::string& reason, const std::string& body,
                              const std::vector<std::string>& extra_headers = {},
                              bool close = false) {
    std::string out = "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\n";
    for (const auto& h : extra_headers) out += h + "\r\n";
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    if (close) out += "Connection: close\r\n";
    return out + "\r\n" + body;
  }

 private:
  void accept_loop() {
    while (!stopping_) {
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      ++accepted_;
      std::lock_guard lock(mu_);
      open_fds_.push_back(fd);
      workers_.emplace_back([this, fd] { serve(fd); });
    }
  }

  static bool read_more(int fd, std::string& buffer) {
    char chunk[4096];
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  static std::size_t content_length(const std::string& head) {
    std::string lower;
    for (char c : head) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    const auto pos = lower.find("\r\ncontent-length:");
    if (pos == std::string::npos) return 0;
    return std::stoul(lower.substr(pos + 17));
  }

  void serve(int fd) {
    std::string buffer;
    while (!stopping_) {
      std::size_t end;
      while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
        if (!read_more(fd, buffer)) return finish(fd);
      }
      ReceivedRequest request;
      request.head = buffer.substr(0, end);
      const std::size_t length = content_length(request.head);
      while (buffer.size() < end + 4 + length) {
        if (!read_more(fd, buffer)) return finish(fd);
      }
      request.body = buffer.substr(end + 4, length);
      buffer.erase(0, end + 4 + length);
      const auto sp1 = request.head.find(' ');
      const auto sp2 = request.head.find(' ', sp1 + 1);
      request.method = request.head.substr(0, sp1);
      request.target = request.head.substr(sp1 + 1, sp2 - sp1 - 1);
      {
        std::lock_guard lock(mu_);
        requests_.push_back(request);
      }
      auto reply = handler_(request);
      if (!reply) {
        while (read_more(fd, buffer)) {
        }
        return finish(fd);
      }
      std::size_t sent = 0;
      while (sent < reply->size()) {
        const ssize_t n = ::send(fd, reply->data() + sent, reply->size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return finish(fd);
        sent += static_cast<std::size_t>(n);
      }
      if (reply->find("Connection: close") != std::string::npos) return finish(fd);
    }
    finish(fd);
  }

  void finish(int fd) { ::shutdown(fd, SHUT_RDWR); }

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> accepted_{0};
  std::thread acceptor_;
  mutable std::mutex mu_;
  std::vector<ReceivedRequest> requests_;
  std::vector<int> open_fds_;
  std::vector<std::thread> workers_;
};

}  // namespace ojsync::testing
