// Fuzz target: everything that reads what an OJS server answers — the HTTP status and error
// classification (connectors/ojs/ojs_error.h), JSON bodies, list pages and the change scan,
// version detection, date-times in the journal's zone, and the mapping of submissions,
// publications, users and decisions to documents. The OJS connector is driven through its
// public interface over a transport that answers with the input's responses, so the fuzzer
// reaches the parsers the way a hostile or broken server would.
//
// Input, as text (so seeds are readable and easy to write; fuzz/corpus/ojs_response/):
//   line 1: fetch <manuscript|reviewer|decision> <side id> <3.3|3.4|3.5|auto>
//        or list <manuscript|reviewer|decision> <limit> <3.3|3.4|3.5|auto> [cursor]
//        or datetime <text>        (parse_ojs_datetime and its ISO conversion alone)
//   then the answers to the connector's requests, in order, each
//     HTTP <status>\n[<Header>: <value>\n...]\n<body>
//   where a body ends where the next line starting with "HTTP " begins. Once the answers run
//   out, requests fail as if the connection had been reset.
// An unknown first line is no input (returns at once).
//
// Checks: no crash, no sanitizer report, and no exception escaping a parser (the connector
// turns one into kInternal "unexpected exception", which the target reports as a finding).
// Snapshots are hashed (content_hash) and a list's next cursor is passed to the next call,
// as the engine would.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/http/http_transport.h"
#include "connectors/ojs/ojs_datetime.h"
#include "connectors/ojs/time_zone.h"
#include "ojsync/canonical.h"
#include "ojsync/ojs_connector.h"

namespace {

using ojsync::HttpRequest;
using ojsync::HttpResponse;
using ojsync::Result;

constexpr const char* kTokenEnv = "OJSYNC_FUZZ_OJS_TOKEN";
// The journal's zone has daylight saving time, so wall-clock conversions have gaps and folds.
constexpr const char* kZone = "Europe/Berlin";
const ojsync::Timestamp kNow{std::chrono::seconds(1'800'000'000)};

[[noreturn]] void finding(const char* what, const std::string& detail) {
  std::fprintf(stderr, "ojs_response: %s: %s\n", what, detail.c_str());
  std::abort();
}

std::string_view take_line(std::string_view& rest) {
  const auto newline = rest.find('\n');
  const std::string_view line = rest.substr(0, newline);
  rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
  return line;
}

std::string_view take_word(std::string_view& line) {
  const auto space = line.find(' ');
  const std::string_view word = line.substr(0, space);
  line = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
  return word;
}

// The input's answers, one per request, in order.
class ScriptedTransport final : public ojsync::HttpTransport {
 public:
  explicit ScriptedTransport(std::string_view script) : rest_(script) {}

  Result<HttpResponse> send(const HttpRequest&) override {
    if (rest_.rfind("HTTP ", 0) != 0)
      return ojsync::Unavailable("connection reset (no more answers)");
    std::string_view status_line = take_line(rest_).substr(5);
    HttpResponse response;
    const auto [end, ec] = std::from_chars(
        status_line.data(), status_line.data() + status_line.size(), response.status);
    if (ec != std::errc()) response.status = 200;
    for (std::string_view line = take_line(rest_); !line.empty(); line = take_line(rest_)) {
      const auto colon = line.find(": ");
      if (colon == std::string_view::npos) break;
      response.headers.emplace_back(std::string(line.substr(0, colon)),
                                    std::string(line.substr(colon + 2)));
    }
    auto next = rest_.find("\nHTTP ");
    response.body = std::string(rest_.substr(0, next));
    rest_ = next == std::string_view::npos ? std::string_view() : rest_.substr(next + 1);
    return response;
  }

 private:
  std::string_view rest_;
};

ojsync::OjsVersion version_named(std::string_view name, bool& known) {
  known = true;
  if (name == "3.3") return ojsync::OjsVersion::k3_3;
  if (name == "3.4") return ojsync::OjsVersion::k3_4;
  if (name == "3.5") return ojsync::OjsVersion::k3_5;
  known = name == "auto";
  return ojsync::OjsVersion::kDetect;
}

bool known_type(std::string_view type) {
  return type == "manuscript" || type == "reviewer" || type == "decision";
}

void check(const ojsync::Status& status) {
  if (status.code() == ojsync::StatusCode::kInternal &&
      status.message().find("unexpected exception") != std::string::npos) {
    finding("a parser threw", status.message());
  }
}

const ojsync::TimeZone& zone() {
  static const auto* z = [] {
    auto loaded = ojsync::TimeZone::load(kZone, "/usr/share/zoneinfo");
    if (!loaded.ok()) finding("time zone", loaded.status().to_string());
    return new ojsync::TimeZone(std::move(loaded).value());
  }();
  return *z;
}

void fuzz_datetime(std::string_view text) {
  const auto local = ojsync::parse_ojs_datetime(text);
  (void)ojsync::ojs_datetime_to_iso_utc(text, zone());
  if (!local) return;
  // What the connector writes back must read as the same time.
  const std::string formatted = ojsync::format_ojs_datetime(*local);
  const auto again = ojsync::parse_ojs_datetime(formatted);
  if (!again || *again != *local) finding("format_ojs_datetime does not parse back", formatted);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const ojsync::ManualClock clock(kNow);
  static const bool ready = [] {
    if (setenv(kTokenEnv, "fuzz.token.value", 1) != 0) finding("setenv", kTokenEnv);
    spdlog::set_level(
        spdlog::level::off);  // The connector's warnings would drown libFuzzer's output.
    return true;
  }();
  (void)ready;

  std::string_view rest(reinterpret_cast<const char*>(data), size);
  std::string_view command = take_line(rest);
  const std::string_view op = take_word(command);
  if (op == "datetime") {
    fuzz_datetime(command);
    return 0;
  }
  if (op != "fetch" && op != "list") return 0;
  const std::string_view type = take_word(command);
  const std::string_view arg = take_word(command);
  bool version_known = false;
  const ojsync::OjsVersion version = version_named(take_word(command), version_known);
  if (!known_type(type) || !version_known) return 0;

  ojsync::OjsConnectorOptions options;
  options.base_url = "http://ojs.test";
  options.journal_path = "j";
  options.api_token_env = kTokenEnv;
  options.version = version;
  options.time_zone = kZone;
  options.request_attempts = 1;  // Retries would only sleep.
  options.page_size = 20;
  options.overlap_items = 4;
  options.clock = &clock;
  auto connector = ojsync::make_ojs_connector(options, std::make_shared<ScriptedTransport>(rest));
  if (!connector.ok()) finding("make_ojs_connector", connector.status().to_string());

  if (op == "fetch") {
    auto snapshot = (*connector)->fetch(type, arg);
    check(snapshot.status());
    if (snapshot.ok() && snapshot->has_value()) (void)ojsync::content_hash((*snapshot)->document);
    return 0;
  }
  std::size_t limit = 1;
  std::from_chars(arg.data(), arg.data() + arg.size(), limit);
  limit = std::clamp<std::size_t>(limit, 1, 1000);
  std::string cursor(command);
  for (int call = 0; call < 4; ++call) {  // Bounded: a scripted server may always have more.
    auto page = (*connector)->list_changed(type, cursor, limit);
    check(page.status());
    if (!page.ok() || !page->has_more) break;
    cursor = page->next_cursor;
  }
  return 0;
}
