#include "service/http_server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

namespace ojsync::service {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

const std::string* HttpRequest::query_param(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return &v;
  }
  return nullptr;
}

const std::string* HttpRequest::header(std::string_view lower_name) const {
  auto it = headers.find(std::string(lower_name));
  return it == headers.end() ? nullptr : &it->second;
}

void HttpResponse::set_json(int status_code, const Json& body_json) {
  status = status_code;
  content_type = "application/json";
  body = body_json.dump();
}

void HttpResponse::set_error(int status_code, std::string_view code, std::string_view message) {
  Json error = Json::object();
  error["error"] = code;
  error["message"] = message;
  set_json(status_code, error);
}

namespace {

// One connection's state, shared with the registry so stop() can end idle connections.
struct Connection {
  explicit Connection(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  std::atomic<bool> idle{true};
};

bool parse_target(std::string_view target, HttpRequest& out) {
  auto url = boost::urls::parse_origin_form(target);
  if (!url) return false;
  out.path = url->path();
  for (const auto& param : url->params()) {
    out.query.emplace_back(param.key, param.has_value ? param.value : std::string());
  }
  return true;
}

}  // namespace

struct HttpServer::Impl {
  Impl(const HttpServerOptions& o, HttpHandler h) : options(o), handler(std::move(h)), acceptor(io) {}

  HttpServerOptions options;
  HttpHandler handler;
  asio::io_context io;
  tcp::acceptor acceptor;
  std::vector<std::thread> threads;
  std::atomic<bool> stopping{false};
  std::mutex mu;
  std::condition_variable drained;
  std::set<std::shared_ptr<Connection>> connections;  // GUARDED_BY(mu)
  std::uint16_t bound_port = 0;

  void track(const std::shared_ptr<Connection>& c) {
    std::lock_guard lock(mu);
    connections.insert(c);
  }
  void untrack(const std::shared_ptr<Connection>& c) {
    std::lock_guard lock(mu);
    connections.erase(c);
    if (connections.empty()) drained.notify_all();
  }

  HttpResponse handle(const http::request<http::string_body>& req, const std::string& remote) {
    HttpRequest request;
    request.method = std::string(req.method_string());
    request.remote_address = remote;
    HttpResponse response;
    if (!parse_target(req.target(), request)) {
      response.set_error(400, "bad_request", "the request target is not a valid URL path");
      return response;
    }
    for (const auto& field : req) {
      std::string name(field.name_string());
      for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      request.headers.emplace(std::move(name), std::string(field.value()));
    }
    request.body = req.body();
    try {
      handler(request, response);
    } catch (const std::exception&) {
      response = HttpResponse();
      response.set_error(500, "internal", "the request could not be processed");
    }
    return response;
  }

  static http::response<http::string_body> to_beast(HttpResponse&& r, unsigned version, bool keep_alive) {
    http::response<http::string_body> res{static_cast<http::status>(r.status), version};
    res.set(http::field::server, "ojsync");
    res.set(http::field::content_type, r.content_type);
    for (auto& [name, value] : r.headers) res.set(name, value);
    res.body() = std::move(r.body);
    res.keep_alive(keep_alive);
    res.prepare_payload();
    return res;
  }

  asio::awaitable<void> serve(std::shared_ptr<Connection> c) {
    beast::flat_buffer buffer;
    std::string remote;
    beast::error_code ep_ec;
    auto endpoint = c->stream.socket().remote_endpoint(ep_ec);
    if (!ep_ec) remote = endpoint.address().to_string();
    while (!stopping) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
      parser.body_limit(options.max_body_bytes);
      c->stream.expires_after(options.idle_timeout);
      c->idle = true;
      // stop() cancels only connections it sees idle: one that became idle after it looked
      // must see `stopping` here (both are sequentially consistent atomics).
      if (stopping) break;
      auto [ec, bytes] = co_await http::async_read(c->stream, buffer, parser, kTuple);
      c->idle = false;
      if (ec == http::error::body_limit || ec == http::error::header_limit) {
        HttpResponse r;
        r.set_error(413, "payload_too_large", "the request exceeds the size limit");
        auto res = to_beast(std::move(r), 11, false);
        co_await http::async_write(c->stream, res, kTuple);
        break;
      }
      if (ec) break;  // Closed, timed out, cancelled by stop(), or unparseable.
      const auto& req = parser.get();
      const bool keep_alive = req.keep_alive() && !stopping;
      auto res = to_beast(handle(req, remote), req.version(), keep_alive);
      auto [write_ec, written] = co_await http::async_write(c->stream, res, kTuple);
      if (write_ec || !keep_alive) break;
    }
    beast::error_code ignored;
    c->stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    c->stream.close();
  }

  asio::awaitable<void> accept_loop() {
    while (!stopping) {
      // Each connection on its own strand: stop()'s cancel then runs between the connection's
      // steps, never while it is about to start a read (a cancel before the read would miss it).
      auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(io), kTuple);
      if (ec) {
        if (stopping || ec == asio::error::operation_aborted) break;
        continue;  // e.g. EMFILE: keep serving the connections we have.
      }
      auto c = std::make_shared<Connection>(std::move(socket));
      track(c);
      asio::co_spawn(c->stream.get_executor(), serve(c), [this, c](std::exception_ptr) { untrack(c); });
    }
  }
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { stop(); }

Result<std::unique_ptr<HttpServer>> HttpServer::start(const HttpServerOptions& options, HttpHandler handler) {
  auto impl = std::make_unique<Impl>(options, std::move(handler));
  beast::error_code ec;
  auto address = asio::ip::make_address(options.host, ec);
  if (ec) return InvalidArgument("invalid listen address '" + options.host + "'");
  tcp::endpoint endpoint(address, options.port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Unavailable("cannot listen on " + options.host + ":" + std::to_string(options.port) + ": " +
                       ec.message());
  }
  impl->bound_port = impl->acceptor.local_endpoint().port();
  Impl* raw = impl.get();
  asio::co_spawn(impl->io, raw->accept_loop(), [](std::exception_ptr) {});
  for (std::size_t i = 0; i < std::max<std::size_t>(1, options.threads); ++i) {
    impl->threads.emplace_back([raw] { raw->io.run(); });
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

std::uint16_t HttpServer::port() const { return impl_->bound_port; }

void HttpServer::stop() {
  Impl& impl = *impl_;
  if (impl.stopping.exchange(true)) return;
  asio::post(impl.io, [&impl] {
    beast::error_code ignored;
    impl.acceptor.close(ignored);
  });
  {
    // End idle connections now; busy ones finish their response, then see `stopping`.
    std::unique_lock lock(impl.mu);
    for (const auto& c : impl.connections) {
      // Checked again on the strand: a connection busy by then is writing its response.
      if (c->idle) {
        asio::post(c->stream.get_executor(), [c] {
          if (c->idle) c->stream.cancel();
        });
      }
    }
    impl.drained.wait_for(lock, std::chrono::seconds(10), [&impl] { return impl.connections.empty(); });
  }
  impl.io.stop();
  for (auto& t : impl.threads) t.join();
}

}  // namespace ojsync::service
