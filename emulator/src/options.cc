#include "options.h"

#include <charconv>
#include <functional>
#include <map>

#include "naive_time.h"

namespace ojsemu {
namespace {

template <typename T>
bool parse_number(const std::string& text, T& out) {
  const auto res = std::from_chars(text.data(), text.data() + text.size(), out);
  return res.ec == std::errc() && res.ptr == text.data() + text.size();
}

bool parse_rate(const std::string& text, double& out) {
  try {
    std::size_t used = 0;
    out = std::stod(text, &used);
    return used == text.size() && out >= 0 && out <= 1;
  } catch (const std::exception&) {
    return false;
  }
}

bool parse_statuses(const std::string& text, std::vector<int>& out) {
  out.clear();
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    int status = 0;
    if (!parse_number(text.substr(start, comma - start), status) || status < 400 || status > 599) return false;
    out.push_back(status);
    start = comma + 1;
  }
  return !out.empty();
}

}  // namespace

std::string usage() {
  return R"(ojs-emulator: an OJS REST API v1 server (3.3 / 3.4 / 3.5) for tests and demos.

Server:
  --host ADDR                 listen address (default 127.0.0.1)
  --port N                    listen port, 0 = ephemeral (default 0); prints "listening on ADDR:PORT"
  --base-url URL              [general] base_url used in _href fields (default http://ADDR:PORT)
  --max-body-bytes N          request body limit (default 1048576; larger bodies get 413)
  --no-control                disable the /__emulator/ test endpoints
OJS:
  --ojs-version 3.3|3.4|3.5   emulated release line (default 3.3)
  --journal PATH              journal URL path (default testj)
  --api-key-secret S          [security] api_key_secret (default empty: API tokens are refused)
  --admin-api-key KEY         API key of the seeded "admin" user (site admin + journal manager)
  --time-zone TZ              [general] time_zone: IANA name or fixed offset like +09:00 (default UTC)
  --start-time "Y-m-d H:i:s"  start the clock at this UTC instant (it then runs normally)
  --clock-offset-seconds N    shift the clock by N seconds
Data:
  --dataset captured-3.3      final state of spec/ojs-api/3.3/captured instead of seeded data
  --seed N                    seed of the generated data (default 1)
  --submissions N             generated submissions (default 50)
  --reviewers N               generated reviewers (default 10)
Faults (API requests only, reproducible):
  --fault-seed N              seed of the fault decisions (default 0)
  --fail-rate P               share of requests answered with a failure status (0..1)
  --fail-statuses LIST        statuses to pick from (default 500,502,503,429)
  --retry-after SECONDS       Retry-After sent with 429/503 (default 1)
  --latency-ms N              delay before every answer
  --drop-rate P               share of requests whose connection is closed without an answer
  --slow-body-ms N            dribble each body over N milliseconds
)";
}

std::variant<Options, std::string> parse_options(const std::vector<std::string>& args) {
  Options o;
  using Setter = std::function<bool(const std::string&)>;
  const std::map<std::string, Setter> with_value = {
      {"--host", [&](const std::string& v) { o.server.host = v; return !v.empty(); }},
      {"--port", [&](const std::string& v) { return parse_number(v, o.server.port); }},
      {"--base-url", [&](const std::string& v) { o.emulator.base_url = v; return !v.empty() && v.back() != '/'; }},
      {"--max-body-bytes", [&](const std::string& v) { return parse_number(v, o.server.max_body_bytes); }},
      {"--ojs-version", [&](const std::string& v) {
         const auto version = parse_ojs_version(v);
         if (version) o.emulator.version = *version;
         return version.has_value();
       }},
      {"--journal", [&](const std::string& v) { o.journal = v; return !v.empty() && v != "index" && v != "_"; }},
      {"--api-key-secret", [&](const std::string& v) { o.emulator.api_key_secret = v; return true; }},
      {"--admin-api-key", [&](const std::string& v) { o.admin_api_key = v; return !v.empty(); }},
      {"--time-zone", [&](const std::string& v) {
         const auto zone = TimeZone::parse(v);
         if (zone) o.emulator.time_zone = *zone;
         return zone.has_value();
       }},
      {"--start-time", [&](const std::string& v) {
         const auto t = parse_datetime(v);
         if (t) o.start_unix = *t;  // naive UTC wall clock == Unix seconds
         return t.has_value();
       }},
      {"--clock-offset-seconds", [&](const std::string& v) { return parse_number(v, o.clock_offset_seconds); }},
      {"--dataset", [&](const std::string& v) { o.dataset = v; return v == "captured-3.3"; }},
      {"--seed", [&](const std::string& v) { return parse_number(v, o.seed); }},
      {"--submissions", [&](const std::string& v) { return parse_number(v, o.submissions) && o.submissions >= 0; }},
      {"--reviewers", [&](const std::string& v) { return parse_number(v, o.reviewers) && o.reviewers >= 0; }},
      {"--fault-seed", [&](const std::string& v) { return parse_number(v, o.faults.seed); }},
      {"--fail-rate", [&](const std::string& v) { return parse_rate(v, o.faults.fail_rate); }},
      {"--fail-statuses", [&](const std::string& v) { return parse_statuses(v, o.faults.fail_statuses); }},
      {"--retry-after", [&](const std::string& v) { return parse_number(v, o.faults.retry_after_seconds); }},
      {"--latency-ms", [&](const std::string& v) { return parse_number(v, o.faults.latency_ms) && o.faults.latency_ms >= 0; }},
      {"--drop-rate", [&](const std::string& v) { return parse_rate(v, o.faults.drop_rate); }},
      {"--slow-body-ms", [&](const std::string& v) { return parse_number(v, o.faults.slow_body_ms) && o.faults.slow_body_ms >= 0; }},
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i], value;
    bool has_value = false;
    if (const std::size_t eq = name.find('='); eq != std::string::npos && name.rfind("--", 0) == 0) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    if (name == "--help" || name == "-h") {
      o.help = true;
      continue;
    }
    if (name == "--no-control") {
      o.server.control_endpoints = false;
      continue;
    }
    const auto it = with_value.find(name);
    if (it == with_value.end()) return "unknown option " + name;
    if (!has_value) {
      if (i + 1 >= args.size()) return "option " + name + " needs a value";
      value = args[++i];
    }
    // Never echo the value: it may be a secret.
    if (!it->second(value)) return "invalid value for " + name;
  }
  return o;
}

}  // namespace ojsemu
