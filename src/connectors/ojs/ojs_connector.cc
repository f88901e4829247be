// The OJS Connector: option checks, credentials, version resolution, and dispatch by entity type
// to ojs_manuscripts / ojs_reviewers / ojs_decisions.
#include "ojsync/ojs_connector.h"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <exception>
#include <fstream>
#include <mutex>

#include "connectors/http/curl_transport.h"
#include "connectors/ojs/decision_mapping.h"
#include "connectors/ojs/locale_keys.h"
#include "connectors/ojs/ojs_context.h"
#include "connectors/ojs/ojs_decisions.h"
#include "connectors/ojs/ojs_manuscripts.h"
#include "connectors/ojs/ojs_reviewers.h"
#include "connectors/ojs/ojs_version_traits.h"
#include "connectors/ojs/version_detection.h"

namespace ojsync {
namespace {

constexpr std::size_t kMaxTokenBytes = 8192;

bool token_char(char c) { return c > 0x20 && c < 0x7f; }

Result<std::string> checked_token(std::string token, std::string_view source) {
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ' ||
                            token.back() == '\t')) {
    token.pop_back();
  }
  if (token.empty())
    return FailedPrecondition("the OJS API token from " + std::string(source) + " is empty");
  for (char c : token) {
    if (!token_char(c)) {
      return InvalidArgument("the OJS API token from " + std::string(source) +
                             " contains spaces or control characters");
    }
  }
  return token;
}

Result<std::string> read_token(const OjsConnectorOptions& o) {
  if (o.api_token_file.empty() == o.api_token_env.empty()) {
    return InvalidArgument("set exactly one of api_token_file and api_token_env");
  }
  if (!o.api_token_env.empty()) {
    const char* value = std::getenv(o.api_token_env.c_str());
    if (value == nullptr)
      return FailedPrecondition("environment variable " + o.api_token_env + " is not set");
    if (std::string_view(value).size() > kMaxTokenBytes)
      return InvalidArgument("the OJS API token is too long");
    return checked_token(value, "environment variable " + o.api_token_env);
  }
  std::ifstream in(o.api_token_file, std::ios::binary);
  if (!in) return NotFound("cannot read the OJS API token file " + o.api_token_file);
  std::string token(kMaxTokenBytes + 1, '\0');
  in.read(token.data(), static_cast<std::streamsize>(token.size()));
  token.resize(static_cast<std::size_t>(in.gcount()));
  if (token.size() > kMaxTokenBytes) return InvalidArgument("the OJS API token file is too large");
  return checked_token(std::move(token), "file " + o.api_token_file);
}

Status check_options(const OjsConnectorOptions& o) {
  if (o.page_size < 2 || o.page_size > 100)
    return InvalidArgument("page_size must be within 2..100 (OJS caps pages at 100)");
  if (o.overlap_items < 0 || o.overlap_items * 2 >= o.page_size) {
    return InvalidArgument("overlap_items must be at least 0 and less than half of page_size");
  }
  if (o.overlap_margin < Duration::zero() || o.overlap_margin > std::chrono::hours(24)) {
    return InvalidArgument("overlap_margin must be within 0..24h");
  }
  if (o.listing_reuse < Duration::zero() || o.listing_reuse > std::chrono::minutes(1)) {
    return InvalidArgument("listing_reuse must be within 0..60s");
  }
  if (o.connect_timeout <= Duration::zero() || o.request_timeout <= Duration::zero()) {
    return InvalidArgument("timeouts must be positive");
  }
  return OkStatus();
}

Result<TimeZone> load_zone(const OjsConnectorOptions& o) {
  auto zone = TimeZone::load(o.time_zone, o.zoneinfo_dir);
  if (!zone.ok() && (o.time_zone == "UTC" || o.time_zone == "Etc/UTC")) return TimeZone::utc();
  return zone;
}

class OjsConnector final : public Connector {
 public:
  OjsConnector(OjsConnectorOptions options, std::unique_ptr<OjsClient> client, TimeZone zone)
      : options_(std::move(options)), client_(std::move(client)), zone_(std::move(zone)) {
    scan_.page_size = options_.page_size;
    scan_.overlap_items = options_.overlap_items;
    scan_.margin_seconds =
        std::chrono::duration_cast<std::chrono::seconds>(options_.overlap_margin).count();
  }

  std::string_view name() const override { return "ojs"; }

  Result<std::optional<Snapshot>> fetch(std::string_view type, std::string_view side_id) override {
    return guarded<std::optional<Snapshot>>(
        [&](const OjsContext& ctx) -> Result<std::optional<Snapshot>> {
          if (type == "manuscript")
            return in_document_locales(type, ctx, fetch_manuscript(ctx, side_id));
          if (type == "reviewer")
            return in_document_locales(type, ctx, fetch_reviewer(ctx, side_id));
          if (type == "decision") return fetch_decision(ctx, side_id);
          return unknown_type(type);
        });
  }

  // OJS numbers its submissions and users; a decision's side id pairs its submission's number
  // with its own.
  bool could_hold(std::string_view type, std::string_view side_id) const override {
    if (type == "manuscript" || type == "reviewer") return parse_ojs_id(side_id, type).ok();
    if (type == "decision") return parse_decision_id(side_id).ok();
    return true;  // An unknown type: fetch reports it.
  }

  Result<ChangePage> list_changed(std::string_view type, std::string_view cursor,
                                  std::size_t limit) override {
    return guarded<ChangePage>([&](const OjsContext& ctx) -> Result<ChangePage> {
      if (type == "manuscript") return list_changed_manuscripts(ctx, cursor, limit);
      if (type == "reviewer") return list_changed_reviewers(ctx, cursor, limit);
      if (type == "decision") return list_changed_decisions(ctx, cursor, limit);
      return unknown_type(type);
    });
  }

  Result<WriteResult> write(std::string_view type, std::string_view side_id, const Json& document,
                            std::string_view idempotency_key) override {
    return guarded<WriteResult>([&](const OjsContext& ctx) -> Result<WriteResult> {
      if (type == "manuscript") {
        OJSYNC_ASSIGN_OR_RETURN(Json in_ojs, document_locales_to_ojs(type, document, ctx.version));
        OJSYNC_ASSIGN_OR_RETURN(WriteResult written,
                                write_manuscript(ctx, side_id, in_ojs, idempotency_key));
        written.stored.document =
            document_locales_from_ojs(type, std::move(written.stored.document), ctx.version);
        return written;
      }
      if (type == "reviewer") return reviewer_write_refused();
      if (type == "decision") return write_decision(ctx, side_id, document, idempotency_key);
      return unknown_type(type);
    });
  }

  Result<std::optional<Snapshot>> find_created(std::string_view type, std::string_view key,
                                               Timestamp since) override {
    return guarded<std::optional<Snapshot>>(
        [&](const OjsContext& ctx) -> Result<std::optional<Snapshot>> {
          if (type == "manuscript")
            return in_document_locales(type, ctx, find_created_manuscript(ctx, key, since));
          if (type == "decision") return find_created_decision(ctx, key);
          if (type == "reviewer") return std::optional<Snapshot>();  // Never created here.
          return unknown_type(type);
        });
  }

  Status remove(std::string_view type, std::string_view side_id) override {
    return guarded<bool>([&](const OjsContext& ctx) -> Result<bool> {
             Status s = type == "manuscript" ? remove_manuscript(ctx, side_id)
                        : type == "reviewer" ? reviewer_write_refused()
                        : type == "decision" ? remove_decision(ctx, side_id)
                                             : unknown_type(type);
             if (!s.ok()) return s;
             return true;
           })
        .status();
  }

  Status ping() override {
    return guarded<bool>([&](const OjsContext& ctx) -> Result<bool> {
             OJSYNC_RETURN_IF_ERROR(
                 ctx.client.call({"GET", "/submissions", {{"count", "1"}}, std::nullopt}).status());
             return true;
           })
        .status();
  }

 private:
  // Documents carry one locale spelling whatever the version (locale_keys.h).
  static Result<std::optional<Snapshot>> in_document_locales(
      std::string_view type, const OjsContext& ctx, Result<std::optional<Snapshot>> fetched) {
    if (!fetched.ok() || !fetched->has_value()) return fetched;
    Snapshot& snapshot = **fetched;
    snapshot.document = document_locales_from_ojs(type, std::move(snapshot.document), ctx.version);
    return fetched;
  }

  static Status unknown_type(std::string_view type) {
    return InvalidArgument("the OJS connector has no entity type '" + std::string(type) + "'");
  }

  // The configured version, or the one detected on first use (once; a failed detection is
  // retried by the next call).
  Result<OjsVersion> version() {
    if (options_.version != OjsVersion::kDetect) return options_.version;
    std::lock_guard lock(version_mu_);
    if (detected_ == OjsVersion::kDetect) {
      OJSYNC_ASSIGN_OR_RETURN(detected_, detect_ojs_version(*client_));
      spdlog::info("OJS connector: journal '{}' runs OJS {}", options_.journal_path,
                   version_name(detected_));
    }
    return detected_;
  }

  // Runs `body` with a context for the resolved version; no exception leaves the library.
  template <typename T, typename F>
  Result<T> guarded(F&& body) {
    try {
      OJSYNC_ASSIGN_OR_RETURN(OjsVersion v, version());
      const std::string locale = options_.default_locale.empty()
                                     ? std::string(version_default_locale(v))
                                     : locale_to_ojs(options_.default_locale, v);
      const OjsContext ctx{*client_, zone_, v, scan_, locale, memo_, listing_};
      return body(ctx);
    } catch (const std::exception& e) {
      return Internal(
          client_->redact(std::string("OJS connector: unexpected exception: ") + e.what()));
    }
  }

  const OjsConnectorOptions options_;
  const std::unique_ptr<const OjsClient> client_;
  const TimeZone zone_;
  ScanSettings scan_;
  IdempotencyMemo memo_;
  ListingCache listing_{options_.listing_reuse, 1000};
  std::mutex version_mu_;
  OjsVersion detected_ = OjsVersion::kDetect;  // GUARDED_BY(version_mu_)
};

}  // namespace

Result<std::unique_ptr<Connector>> make_ojs_connector(OjsConnectorOptions options,
                                                      std::shared_ptr<HttpTransport> transport) {
  OJSYNC_RETURN_IF_ERROR(check_options(options));
  OJSYNC_ASSIGN_OR_RETURN(
      OjsUrl url, OjsUrl::make(options.base_url, options.journal_path, options.use_index_php));
  OJSYNC_ASSIGN_OR_RETURN(std::string token, read_token(options));
  OJSYNC_ASSIGN_OR_RETURN(TimeZone zone, load_zone(options));
  if (transport == nullptr) {
    CurlTransportOptions curl;
    curl.ca_path = options.ca_path;
    curl.connect_timeout = options.connect_timeout;
    curl.total_timeout = options.request_timeout;
    curl.max_response_bytes = options.max_response_bytes;
    OJSYNC_ASSIGN_OR_RETURN(auto made, make_curl_transport(std::move(curl)));
    transport = std::move(made);
  }
  const Clock& clock = options.clock != nullptr ? *options.clock : SystemClock::instance();
  auto client =
      std::make_unique<OjsClient>(std::move(url), std::move(token), options.auth_mode,
                                  std::move(transport), clock, options.max_response_bytes,
                                  RequestRetries{options.request_attempts,
                                                 options.request_retry_max_wait});
  return std::unique_ptr<Connector>(
      std::make_unique<OjsConnector>(std::move(options), std::move(client), std::move(zone)));
}

}  // namespace ojsync
