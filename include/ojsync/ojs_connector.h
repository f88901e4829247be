// The OJS connector: one Open Journal Systems journal (3.3, 3.4 or 3.5) behind the Connector
// interface, spoken to through OJS's REST API v1. docs/ojs-connector.md describes the entity
// mapping, the version differences and what OJS cannot do through its API.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "ojsync/connector.h"
#include "ojsync/time.h"

namespace ojsync {

class HttpTransport;  // src/connectors/http/http_transport.h

enum class OjsVersion : std::uint8_t { kDetect, k3_3, k3_4, k3_5 };

// How the API token reaches OJS.
enum class OjsAuthMode : std::uint8_t {
  kBearer,          // "Authorization: Bearer <token>" only.
  kQueryParameter,  // "?apiToken=<token>" only (deprecated by OJS 3.4; ends up in access logs).
  // Bearer first; when OJS answers as if no token arrived (Apache without CGIPassAuth strips
  // the header), the same request is retried once with ?apiToken= and that mode is kept.
  kBearerWithQueryFallback,
};

struct OjsConnectorOptions {
  // Where OJS is installed, e.g. "https://journals.example.org" or "https://example.org/ojs".
  std::string base_url;
  // The journal's URL path ("testj" in https://example.org/index.php/testj/...).
  std::string journal_path;
  // false for servers with URL rewriting (restful_urls = On) that drop "index.php/".
  bool use_index_php = true;

  // The API token (the JWT shown in OJS under User Profile > API Key) comes from exactly one
  // of these; it is read once by the factory and never logged or put into any Status.
  std::string api_token_file;
  std::string api_token_env;  // The NAME of an environment variable holding the token.
  OjsAuthMode auth_mode = OjsAuthMode::kBearerWithQueryFallback;

  // kDetect asks OJS once (on first use) and remembers the answer.
  OjsVersion version = OjsVersion::kDetect;

  // OJS writes zoneless wall-clock times in its [general] time_zone; name that zone here
  // (IANA name, read from `zoneinfo_dir`).
  std::string time_zone = "UTC";
  std::string zoneinfo_dir = "/usr/share/zoneinfo";

  // Tries of one idempotent request (GET, PUT) that meets a transient failure (5xx, 429,
  // timeout, reset), 100 ms then 200 ms apart, or after OJS's Retry-After when that is at most
  // request_retry_max_wait: a longer pause is left to the engine, which requeues the job so the
  // worker thread serves others meanwhile. Without them a sync that needs four requests to a
  // server failing 30% of the time fails 76% of the time. POSTs are never repeated here (the
  // engine's idempotency keys cover creates).
  int request_attempts = 3;
  Duration request_retry_max_wait = std::chrono::milliseconds(500);

  Duration connect_timeout = std::chrono::seconds(10);
  Duration request_timeout = std::chrono::seconds(60);
  std::string
      ca_path;  // CA bundle file or directory; empty = system store. TLS is always verified.
  std::size_t max_response_bytes = 32u << 20;

  // list_changed: submissions per OJS request (OJS caps it at 100).
  int page_size = 100;
  // A change scan re-reads activity this much older than the previous scan's newest one
  // (covers the one-second precision and writes committed late).
  Duration overlap_margin = std::chrono::seconds(5);
  // Positions re-read at every page boundary: up to overlap_items - 1 deletions between two
  // requests shift the list up without costing a step back. Every position re-read is paid on
  // every page of every scan, and deletions are rare, so it is small (bench/RESULTS.md).
  int overlap_items = 3;

  // A submission fetched at most this long after the activity listing returned it is read
  // from that listing (one request, its publication, instead of two); 0 turns this off.
  // Writes always read OJS afresh.
  Duration listing_reuse = std::chrono::seconds(5);

  // Locale for creates whose document has none, in documents' spelling (locale_keys.h;
  // default: en).
  std::string default_locale;

  const Clock* clock = nullptr;  // nullptr = SystemClock. Not owned; must outlive the connector.
};

// Checks the options, reads the token and loads the time zone; makes no request (the first
// call talks to OJS). `transport` nullptr = libcurl with the options' timeouts and CA path.
// Errors: kInvalidArgument (bad options), kNotFound (token file or zone missing),
// kFailedPrecondition (token variable unset or empty).
Result<std::unique_ptr<Connector>> make_ojs_connector(
    OjsConnectorOptions options, std::shared_ptr<HttpTransport> transport = nullptr);

}  // namespace ojsync
