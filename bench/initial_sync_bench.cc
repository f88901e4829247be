// Initial sync of a whole journal from the ojs-emulator on loopback into the embedded store
// (issue 3's benchmark). Two phases, each in its own child process so each peak RSS is its own:
//
//   floor: the same HTTP requests the OJS connector makes for a full import (list pages of 100,
//          plus each listed submission's current publication), sent with the same libcurl transport
//          and parsed with the same JSON parser, by as many threads as the sync uses. Nothing else.
//   sync:  the product path: list_changed pages → SyncManager::batch_sync_pages(kFromOjs) into
//          a new SQLite store and agents' embedded store, every submission checked to be applied.
//
// Prints entities/s of both, the ratio sync/floor, the sync's peak RSS, and the emulator's
// request counts. Not a test: `make bench` runs it (bench/run.sh).
//
//   ojsync_initial_sync_bench --emulator build/emulator/ojs-emulator [--submissions 100000]
//                             [--ojs-version 3.4] [--workers 4] [--phase both|floor|sync]
//                             [--listing-reuse on|off] [--rounds 1]
//
// One run's ratio moves by ±0.15 on a shared 2-core VM (the floor's own time varies that much):
// --rounds N runs floor and sync N times, alternately, and prints the median ratio of the rounds.
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "connectors/http/curl_transport.h"
#include "ojsync/embedded_store.h"
#include "ojsync/ojs_connector.h"
#include "ojsync/sync_manager.h"
#include "support/listening_port.h"

namespace ojsync::bench {
namespace {

struct Args {
  std::string emulator;
  int submissions = 100'000;
  std::string version = "3.4";
  int workers = 4;
  std::string phase = "both";
  bool listing_reuse = true;  // false: the connector GETs each submission again (the old path).
  int rounds = 1;
};

struct Emulator {
  pid_t pid = -1;
  int port = 0;
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port); }
};

Emulator start_emulator(const Args& args) {
  // Built before the fork: the child may only make async-signal-safe calls up to execv.
  std::vector<std::string> argv_s{args.emulator,
                                  "--port",
                                  "0",
                                  "--ojs-version",
                                  args.version,
                                  "--seed",
                                  "11",
                                  "--submissions",
                                  std::to_string(args.submissions),
                                  "--api-key-secret",
                                  "bench-secret",
                                  "--admin-api-key",
                                  "bench-admin-key"};
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  int out[2];
  if (::pipe(out) != 0) std::abort();
  Emulator emu;
  emu.pid = ::fork();
  if (emu.pid == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    ::close(out[0]);
    ::close(out[1]);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  emu.port = ojsync::testing::read_listening_port(out[0], std::chrono::seconds(600));
  ::close(out[0]);
  return emu;
}

std::string fetch_text(HttpTransport& http, const std::string& url, const std::string& token = "") {
  HttpHeaders headers;
  if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
  auto r = http.send({"GET", url, std::move(headers), ""});
  if (!r.ok() || r->status != 200) {
    std::fprintf(stderr, "GET failed: %s\n",
                 r.ok() ? std::to_string(r->status).c_str() : r.status().to_string().c_str());
    std::exit(1);
  }
  return std::move(r->body);
}

Json fetch_json(HttpTransport& http, const std::string& url, const std::string& token) {
  auto parsed = Json::parse(fetch_text(http, url, token));
  if (!parsed.ok()) {
    std::fprintf(stderr, "bad JSON from %s\n", url.c_str());
    std::exit(1);
  }
  return std::move(parsed).value();
}

// Runs `fn` on `n` threads, each taking indexes below `count` from a shared counter.
template <typename Fn>
void parallel_for(int n, std::size_t count, Fn fn) {
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < n; ++t) {
    threads.emplace_back([&] {
      for (std::size_t i; (i = next.fetch_add(1)) < count;) fn(i);
    });
  }
  for (auto& t : threads) t.join();
}

// The floor: download and parse what the connector downloads, and nothing more.
int run_floor(const Args& args, const Emulator& emu, const std::string& token) {
  auto http = make_curl_transport({}).value();
  const std::string api = emu.origin() + "/index.php/testj/api/v1";
  const std::string order = args.version == "3.3" ? "dateLastActivity" : "lastActivity";
  std::atomic<std::size_t> entities{0};
  for (int offset = 0;; offset += 100) {
    Json page = fetch_json(*http,
                           api + "/submissions?count=100&orderBy=" + order +
                               "&orderDirection=DESC&offset=" + std::to_string(offset),
                           token);
    const Json::Array& items = page.find("items")->as_array();
    if (items.empty()) break;
    parallel_for(args.workers, items.size(), [&](std::size_t i) {
      // With listing reuse the connector reads each listed submission's current publication
      // (the listing has the submission itself, but only a summary of the publication);
      // without, it reads the submission first.
      const std::string id = std::to_string(items[i].get_int("id"));
      std::int64_t pid = items[i].get_int("currentPublicationId");
      if (!args.listing_reuse) {
        pid = fetch_json(*http, api + "/submissions/" + id, token).get_int("currentPublicationId");
      }
      fetch_json(*http, api + "/submissions/" + id + "/publications/" + std::to_string(pid), token);
      entities.fetch_add(1);
    });
    if (items.size() < 100) break;
  }
  return entities == static_cast<std::size_t>(args.submissions) ? 0 : 1;
}

// The product path, into a fresh store.
int run_sync(const Args& args, const Emulator& emu, const std::string& token) {
  char pattern[] = "/tmp/ojsync-initial-sync-XXXXXX";
  const std::string dir = ::mkdtemp(pattern);
  const std::string token_file = dir + "/token";
  if (FILE* f = std::fopen(token_file.c_str(), "w")) {
    std::fputs(token.c_str(), f);
    std::fclose(f);
  }
  OjsConnectorOptions o;
  o.base_url = emu.origin();
  o.journal_path = "testj";
  o.api_token_file = token_file;
  if (!args.listing_reuse) o.listing_reuse = Duration::zero();
  o.version = args.version == "3.3"   ? OjsVersion::k3_3
              : args.version == "3.5" ? OjsVersion::k3_5
                                      : OjsVersion::k3_4;
  auto ojs = make_ojs_connector(o).value();
  auto agents = EmbeddedDocumentStore::open({dir + "/agents.db"}).value();
  auto store = open_sqlite_store({dir + "/ojsync.db"}).value();
  if (!store->migrate().ok()) return 1;
  SyncOptions options;
  options.workers = static_cast<std::size_t>(args.workers);
  SyncEnv env;
  env.store = store.get();
  env.ojs = ojs.get();
  env.agents = agents.get();
  auto manager = SyncManager::create(options, env).value();

  std::size_t applied = 0, failed = 0;
  std::string cursor;
  bool more = true;
  const auto next_page = [&]() -> Result<std::vector<std::string>> {
    if (!more) return std::vector<std::string>{};
    OJSYNC_ASSIGN_OR_RETURN(ChangePage page, ojs->list_changed("manuscript", cursor, 100));
    std::vector<std::string> ids;
    for (auto& c : page.changes) ids.push_back(std::move(c.side_id));
    cursor = std::move(page.next_cursor);
    more = page.has_more;
    return ids;
  };
  const auto count = [&](const std::string& id, Result<SyncReport> r) {
    if (r.ok() && r->outcome == SyncOutcome::kApplied) {
      ++applied;
    } else {
      ++failed;
      if (!r.ok()) std::fprintf(stderr, "%s: %s\n", id.c_str(), r.status().to_string().c_str());
    }
  };
  const Status listed =
      manager->batch_sync_pages("manuscript", next_page, count, Direction::kFromOjs, "bench");
  if (!listed.ok()) {
    std::fprintf(stderr, "list_changed: %s\n", listed.to_string().c_str());
    return 1;
  }
  manager.reset();
  std::filesystem::remove_all(dir);
  std::fprintf(stderr, "  sync: %zu applied, %zu failed\n", applied, failed);
  return applied == static_cast<std::size_t>(args.submissions) && failed == 0 ? 0 : 1;
}

struct PhaseResult {
  double seconds = 0;
  double cpu_seconds = 0;  // User + system time of the phase's process.
  long max_rss_kb = 0;
  bool ok = false;
};

template <typename Fn>
PhaseResult in_child(Fn fn) {
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(fn());
  int status = 0;
  rusage usage{};
  ::wait4(pid, &status, 0, &usage);
  PhaseResult r;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.max_rss_kb = usage.ru_maxrss;
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  r.cpu_seconds = secs(usage.ru_utime) + secs(usage.ru_stime);
  r.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  return r;
}

// CPU seconds the emulator has used so far (from /proc), to split the machine's work.
double process_cpu_seconds(pid_t pid) {
  std::FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
  if (f == nullptr) return 0;
  char buf[1024];
  const std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  buf[n] = '\0';
  const char* p = std::strrchr(buf, ')');  // Fields after the command name; utime is the 12th.
  unsigned long utime = 0, stime = 0;
  if (p == nullptr || std::sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
                                  &utime, &stime) != 2) {
    return 0;
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// The emulator's request counts by route since the last call (then reset).
std::string take_request_counts(const Emulator& emu) {
  auto http = make_curl_transport({}).value();
  auto stats = Json::parse(fetch_text(*http, emu.origin() + "/__emulator/stats"));
  (void)http->send({"POST", emu.origin() + "/__emulator/stats/reset", {}, ""});
  std::string out;
  if (!stats.ok() || stats->find("byRoute") == nullptr) return out;
  for (const auto& [route, n] : stats->find("byRoute")->as_object()) {
    out += (out.empty() ? "" : ", ") + route + " " + std::to_string(n.as_int());
  }
  return out;
}

void report(const char* name, const PhaseResult& r, int n, double emulator_cpu) {
  std::printf(
      "%-6s %s  %7.2f s  %7.0f entities/s  peak RSS %5.1f MB  CPU: this side %.2f s, emulator "
      "%.2f s\n",
      name, r.ok ? "ok    " : "FAILED", r.seconds, n / r.seconds, r.max_rss_kb / 1024.0,
      r.cpu_seconds, emulator_cpu);
}

int run(const Args& args) {
  std::printf(
      "initial sync: %d submissions, OJS %s emulator, %d workers, listing reuse %s, %u cores\n",
      args.submissions, args.version.c_str(), args.workers, args.listing_reuse ? "on" : "off",
      std::thread::hardware_concurrency());
  const auto boot = std::chrono::steady_clock::now();
  Emulator emu = start_emulator(args);
  if (emu.port == 0) {
    std::fprintf(stderr, "the emulator did not start\n");
    return 1;
  }
  std::printf("emulator ready in %.1f s\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - boot).count());
  std::string token;
  {
    auto http = make_curl_transport({}).value();
    auto body = Json::parse(fetch_text(*http, emu.origin() + "/__emulator/token?user=admin"));
    token = body.ok() ? body->get_string("token") : "";
  }
  take_request_counts(emu);  // Not the token request.
  bool ok = true;
  const auto run_phase = [&](const char* name, auto phase) {
    const double before = process_cpu_seconds(emu.pid);
    const PhaseResult r = in_child(phase);
    report(name, r, args.submissions, process_cpu_seconds(emu.pid) - before);
    std::printf("       requests: %s\n", take_request_counts(emu).c_str());
    ok = ok && r.ok;
    return r;
  };
  std::vector<double> ratios, sync_rates;
  for (int round = 0; round < args.rounds; ++round) {
    PhaseResult floor, sync;
    if (args.phase != "sync") {
      floor = run_phase("floor", [&] { return run_floor(args, emu, token); });
    }
    if (args.phase != "floor") {
      sync = run_phase("sync", [&] { return run_sync(args, emu, token); });
    }
    if (args.phase == "both") {
      ratios.push_back(sync.seconds / floor.seconds);
      std::printf("ratio sync/floor: %.2f\n", ratios.back());
    }
    if (args.phase != "floor") sync_rates.push_back(args.submissions / sync.seconds);
  }
  if (args.rounds > 1 && !sync_rates.empty()) {
    const auto median = [](std::vector<double> v) {
      std::sort(v.begin(), v.end());
      return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
    };
    std::printf("median of %d rounds: sync %.0f entities/s", args.rounds, median(sync_rates));
    if (!ratios.empty()) std::printf(", ratio sync/floor %.2f", median(ratios));
    std::printf("\n");
  }
  ::kill(emu.pid, SIGTERM);
  ::waitpid(emu.pid, nullptr, 0);
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace ojsync::bench

int main(int argc, char** argv) {
  ojsync::bench::Args args;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--emulator") {
      args.emulator = value;
    } else if (flag == "--submissions") {
      args.submissions = std::atoi(value.c_str());
    } else if (flag == "--ojs-version") {
      args.version = value;
    } else if (flag == "--workers") {
      args.workers = std::atoi(value.c_str());
    } else if (flag == "--phase") {
      args.phase = value;
    } else if (flag == "--listing-reuse") {
      args.listing_reuse = value != "off";
    } else if (flag == "--rounds") {
      args.rounds = std::atoi(value.c_str());
    } else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  if (args.emulator.empty() || args.submissions <= 0 || args.workers <= 0 || args.rounds <= 0) {
    std::fprintf(stderr,
                 "usage: %s --emulator PATH [--submissions N] [--ojs-version 3.3|3.4|3.5] "
                 "[--workers N] [--phase both|floor|sync] [--listing-reuse on|off] [--rounds N]\n",
                 argv[0]);
    return 2;
  }
  return ojsync::bench::run(args);
}
