#include "http_server.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <thread>

#include "api_path.h"
#include "control_api.h"

namespace ojsemu {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

HttpRequest to_request(const http::request<http::string_body>& req) {
  HttpRequest out;
  out.method = std::string(req.method_string());
  out.target = std::string(req.target());
  for (const auto& field : req) out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  out.body = req.body();
  return out;
}

HttpResponse fault_response(int status, int retry_after_seconds) {
  HttpResponse r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "text/html; charset=UTF-8");
  if (status == 429 || status == 503) r.headers.emplace_back("Retry-After", std::to_string(retry_after_seconds));
  const std::string reason(http::obsolete_reason(static_cast<http::status>(status)));
  r.body = "<html><head><title>" + std::to_string(status) + " " + reason + "</title></head><body><h1>" + reason +
           "</h1><p>Injected by ojs-emulator.</p></body></html>";
  return r;
}

http::response<http::string_body> to_beast(const HttpResponse& r, unsigned version, bool keep_alive) {
  http::response<http::string_body> res{static_cast<http::status>(r.status), version};
  for (const auto& [name, value] : r.headers) res.insert(name, value);
  res.body() = r.body;
  res.keep_alive(keep_alive);
  res.prepare_payload();
  return res;
}

void set_socket_timeout(tcp::socket& socket, int seconds) {
  timeval tv{};
  tv.tv_sec = seconds;
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

// Writes the header, then the body in ten pieces spread over `total_ms`.
void write_slowly(tcp::socket& socket, http::response<http::string_body>& res, int total_ms, beast::error_code& ec) {
  http::response_serializer<http::string_body> sr{res};
  http::write_header(socket, sr, ec);
  if (ec) return;
  const std::string& body = res.body();
  constexpr int kPieces = 10;
  const std::size_t piece = (body.size() + kPieces - 1) / kPieces;
  for (std::size_t off = 0; off < body.size() && !ec; off += piece) {
    std::this_thread::sleep_for(std::chrono::milliseconds(total_ms / kPieces));
    asio::write(socket, asio::buffer(body.data() + off, std::min(piece, body.size() - off)), ec);
  }
}

}  // namespace

// A bug in a handler must cost one request, not the whole server (a connection thread that
// let an exception escape would terminate the process).
HttpResponse internal_error() {
  HttpResponse r;
  r.status = 500;
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = R"({"error":"emulator.internalError"})";
  return r;
}

struct HttpServer::Impl {
  ServerConfig config;
  Emulator& emulator;
  FaultInjector& faults;
  RequestStats& stats;
  asio::io_context io;
  tcp::acceptor acceptor{io};

  Impl(ServerConfig c, Emulator& e, FaultInjector& f, RequestStats& s)
      : config(std::move(c)), emulator(e), faults(f), stats(s) {}

  void session(tcp::socket socket);
  HttpResponse handle_safely(const HttpRequest& request) {
    try {
      return emulator.handle(request);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "ojs-emulator: internal error on %s %s: %s\n", request.method.c_str(),
                   std::string(request.path()).c_str(), e.what());
      return internal_error();
    }
  }
  // Returns false when the connection must be closed.
  bool serve_one(tcp::socket& socket, beast::flat_buffer& buffer);
};

HttpServer::HttpServer(ServerConfig config, Emulator& emulator, FaultInjector& faults, RequestStats& stats)
    : impl_(std::make_unique<Impl>(std::move(config), emulator, faults, stats)) {}

HttpServer::~HttpServer() = default;

std::uint16_t HttpServer::bind() {
  const tcp::endpoint endpoint{asio::ip::make_address(impl_->config.host), impl_->config.port};
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen(asio::socket_base::max_listen_connections);
  return impl_->acceptor.local_endpoint().port();
}

void HttpServer::run() {
  for (;;) {
    tcp::socket socket{impl_->io};
    beast::error_code ec;
    impl_->acceptor.accept(socket, ec);
    if (ec) {  // e.g. out of file descriptors: back off instead of spinning
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    std::thread([impl = impl_.get(), s = std::move(socket)]() mutable { impl->session(std::move(s)); }).detach();
  }
}

void HttpServer::Impl::session(tcp::socket socket) {
  set_socket_timeout(socket, config.idle_timeout_seconds);
  beast::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  beast::flat_buffer buffer;
  while (serve_one(socket, buffer)) {
  }
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

bool HttpServer::Impl::serve_one(tcp::socket& socket, beast::flat_buffer& buffer) {
  http::request_parser<http::string_body> parser;
  parser.body_limit(config.max_body_bytes);
  beast::error_code ec;
  http::read(socket, buffer, parser, ec);
  if (ec == http::error::body_limit) {
    HttpResponse too_large;
    too_large.status = 413;
    auto res = to_beast(too_large, 11, false);
    http::write(socket, res, ec);
    return false;
  }
  if (ec) return false;  // closed, timed out or unparsable: nothing sensible to answer
  const auto& req = parser.get();
  const HttpRequest request = to_request(req);
  const bool is_api = parse_api_path(request.path()).has_value();
  const bool keep_alive = req.keep_alive();

  if (config.control_endpoints) {
    if (auto control = handle_control(request, emulator, stats)) {
      auto res = to_beast(*control, req.version(), keep_alive);
      http::write(socket, res, ec);
      return !ec && keep_alive;
    }
  }
  stats.record_request(route_label(request.method, request.path()));
  FaultDecision fault;
  if (is_api) fault = faults.decide(request.method, request.target);
  if (fault.latency_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(fault.latency_ms));
  if (fault.drop) {
    stats.record_fault("drop");
    return false;  // close without answering
  }
  HttpResponse response;
  if (fault.fail_status) {
    stats.record_fault(std::to_string(*fault.fail_status));
    response = fault_response(*fault.fail_status, faults.config().retry_after_seconds);
  } else {
    response = handle_safely(request);
  }
  auto res = to_beast(response, req.version(), keep_alive);
  if (req.method() == http::verb::head) {
    // Same headers (including the GET body's Content-Length), no body.
    http::response<http::empty_body> head{res.result(), res.version()};
    for (const auto& field : res) head.insert(field.name_string(), field.value());
    http::response_serializer<http::empty_body> sr{head};
    http::write_header(socket, sr, ec);
  } else if (fault.slow_body_ms > 0) {
    write_slowly(socket, res, fault.slow_body_ms, ec);
  } else {
    http::write(socket, res, ec);
  }
  return !ec && keep_alive;
}

}  // namespace ojsemu
