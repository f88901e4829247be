#include "connectors/http/curl_transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <vector>

namespace ojsync {
namespace {

// Header bytes beyond this abort the exchange (a header flood is not a response).
constexpr std::size_t kMaxHeaderBytes = 256u << 10;

bool curl_ready() {
  static const bool ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  return ok;
}

// The single mapping from a libcurl failure to a canonical code (see HttpTransport::send).
Status status_from_curl(CURLcode code, const char* detail) {
  std::string message = "HTTP transport: ";
  message += (detail != nullptr && detail[0] != '\0') ? detail : curl_easy_strerror(code);
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return DeadlineExceeded(std::move(message));
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_BAD_CONTENT_ENCODING:
      return Unavailable(std::move(message));
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_CRL_BADFILE:
      return FailedPrecondition(std::move(message) + " (TLS verification failed; check ca_path)");
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return InvalidArgument(std::move(message));
    default:
      return {StatusCode::kUnknown, std::move(message)};
  }
}

struct Exchange {
  std::size_t max_body = 0;
  bool body_too_large = false;
  bool headers_too_large = false;
  std::size_t header_bytes = 0;
  HttpResponse response;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  const std::size_t n = size * count;
  if (ex->response.body.size() + n > ex->max_body) {
    ex->body_too_large = true;
    return 0;  // Aborts the transfer (CURLE_WRITE_ERROR).
  }
  ex->response.body.append(data, n);
  return n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  const std::size_t n = size * count;
  ex->header_bytes += n;
  if (ex->header_bytes > kMaxHeaderBytes) {
    ex->headers_too_large = true;
    return 0;
  }
  std::string_view line(data, n);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  if (line.starts_with("HTTP/")) {
    ex->response.headers.clear();  // A new response (after 100 Continue or a proxy CONNECT).
    return n;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return n;
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  ex->response.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  return n;
}

class CurlHeaderList {
 public:
  CurlHeaderList() = default;
  CurlHeaderList(const CurlHeaderList&) = delete;
  CurlHeaderList& operator=(const CurlHeaderList&) = delete;
  ~CurlHeaderList() { curl_slist_free_all(list_); }
  bool add(const std::string& line) {
    curl_slist* next = curl_slist_append(list_, line.c_str());
    if (next == nullptr) return false;
    list_ = next;
    return true;
  }
  curl_slist* get() const { return list_; }

 private:
  curl_slist* list_ = nullptr;
};

// At least 1 ms: curl reads 0 as "no timeout".
long milliseconds(Duration d) { return std::max<long>(1, static_cast<long>(d.count() / 1000)); }

bool valid_header_part(std::string_view s) {
  for (char c : s) {
    if (c == '\r' || c == '\n' || c == '\0') return false;
  }
  return true;
}

class CurlTransport final : public HttpTransport {
 public:
  explicit CurlTransport(CurlTransportOptions options) : options_(std::move(options)) {}
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;
  ~CurlTransport() override {
    for (CURL* handle : idle_) curl_easy_cleanup(handle);
  }

  Result<HttpResponse> send(const HttpRequest& request) override {
    CURL* handle = acquire();
    if (handle == nullptr) return Internal("HTTP transport: curl_easy_init failed");
    auto result = perform(handle, request);
    release(handle);
    return result;
  }

 private:
  CURL* acquire() {
    {
      std::lock_guard lock(mu_);
      if (!idle_.empty()) {
        CURL* handle = idle_.back();
        idle_.pop_back();
        return handle;
      }
    }
    return curl_easy_init();
  }

  void release(CURL* handle) {
    {
      std::lock_guard lock(mu_);
      if (idle_.size() < options_.max_idle_handles) {
        idle_.push_back(handle);
        return;
      }
    }
    curl_easy_cleanup(handle);
  }

  Status set_method(CURL* h, const HttpRequest& request) const {
    const std::string& m = request.method;
    const bool sends_body = !request.body.empty() || m == "POST" || m == "PUT";
    if (m == "GET") {
      curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else if (m == "HEAD") {
      curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else if (m == "POST" || m == "PUT" || m == "DELETE" || m == "PATCH") {
      curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, m.c_str());
    } else {
      return InvalidArgument("HTTP transport: unsupported method '" + m + "'");
    }
    if (sends_body) {
      // The size first, so COPYPOSTFIELDS copies exactly these bytes (binary-safe); the copy
      // keeps the body valid for the whole transfer whatever the caller does with `request`.
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
      curl_easy_setopt(h, CURLOPT_COPYPOSTFIELDS, request.body.c_str());
    }
    return OkStatus();
  }

  Result<HttpResponse> perform(CURL* h, const HttpRequest& request) const {
    curl_easy_reset(h);  // Keeps the handle's live connections (keep-alive) and DNS cache.
    if (!request.url.starts_with("http://") && !request.url.starts_with("https://")) {
      return InvalidArgument("HTTP transport: only http:// and https:// URLs are allowed");
    }
    CurlHeaderList headers;
    for (const auto& [name, value] : request.headers) {
      if (name.empty() || !valid_header_part(name) || !valid_header_part(value)) {
        return InvalidArgument("HTTP transport: header with a control character or empty name");
      }
      if (!headers.add(name + ": " + value)) return Internal("HTTP transport: out of memory");
    }
    if (!headers.add("Expect:"))
      return Internal("HTTP transport: out of memory");  // No 100-continue.

    Exchange ex;
    ex.max_body = options_.max_response_bytes;
    char error_buffer[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, milliseconds(options_.connect_timeout));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, milliseconds(options_.total_timeout));
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "gzip");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!options_.ca_path.empty()) {
      std::error_code ec;
      const bool is_dir = std::filesystem::is_directory(options_.ca_path, ec);
      curl_easy_setopt(h, is_dir ? CURLOPT_CAPATH : CURLOPT_CAINFO, options_.ca_path.c_str());
    }
    curl_easy_setopt(h, CURLOPT_USERAGENT, options_.user_agent.c_str());
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
                     static_cast<curl_off_t>(options_.max_response_bytes));
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &ex);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &ex);
    OJSYNC_RETURN_IF_ERROR(set_method(h, request));

    const CURLcode code = curl_easy_perform(h);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);  // error_buffer dies with this frame.
    if (ex.body_too_large || code == CURLE_FILESIZE_EXCEEDED) {
      return FailedPrecondition("HTTP transport: response larger than " +
                                std::to_string(options_.max_response_bytes) + " bytes");
    }
    if (ex.headers_too_large)
      return FailedPrecondition("HTTP transport: response headers too large");
    if (code != CURLE_OK) return status_from_curl(code, error_buffer);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    ex.response.status = static_cast<int>(status);
    return std::move(ex.response);
  }

  const CurlTransportOptions options_;
  std::mutex mu_;
  std::vector<CURL*> idle_;  // GUARDED_BY(mu_)
};

}  // namespace

Result<std::unique_ptr<HttpTransport>> make_curl_transport(CurlTransportOptions options) {
  if (!curl_ready()) return Internal("HTTP transport: curl_global_init failed");
  if (options.connect_timeout <= Duration::zero() || options.total_timeout <= Duration::zero()) {
    return InvalidArgument("HTTP transport: timeouts must be positive");
  }
  if (options.max_response_bytes == 0)
    return InvalidArgument("HTTP transport: max_response_bytes is 0");
  return std::unique_ptr<HttpTransport>(std::make_unique<CurlTransport>(std::move(options)));
}

}  // namespace ojsync
