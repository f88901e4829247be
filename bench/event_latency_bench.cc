// Webhook-to-applied latency of `ojsync serve` at a fixed event rate, and the daemon's idle CPU.
//
// Starts ojs-emulator (OJS 3.3) and the daemon as processes on 127.0.0.1, waits for the first
// import, then measures the daemon's CPU time over an idle period. Then, at --rate events per
// second for --seconds, it edits a submission's title in OJS and posts the signed
// `submission_updated` event for it. Afterwards it reads the daemon's store: an event counts as
// applied when the first sync of its submission that started after the event was sent has
// committed (that sync read OJS after the edit). Latency = commit time - send time.
//
// With --agent-edits-every N, every Nth event is accompanied by an agent's title edit of
// another submission through the daemon's API (auto-sync to OJS): edits flow on both sides. The daemon's RSS, open file
// descriptors and queue depth are sampled every 10 s, and at the end every edited submission
// must hold the same title on both sides. `make soak` runs it for 10 minutes at 200/s.
//
//   build/bench/ojsync_event_latency [--rate 500] [--seconds 10] [--submissions 300]
//                                    [--agent-edits-every 0]
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "connectors/http/curl_transport.h"
#include "integration/daemon_process.h"
#include "ojsync/json.h"
#include "ojsync/store.h"
#include "service/webhook_verifier.h"
#include "store/testing/temp_dir.h"

namespace ojsync::bench {
namespace {

using Clock = std::chrono::system_clock;
using namespace std::chrono_literals;

const std::string kSecret = "latency-bench-webhook-secret-0123456789";
const std::string kJournalApi = "/index.php/testj/api/v1";

struct Args {
  int rate = 500;
  int seconds = 10;
  int submissions = 300;
  int agent_edits_every = 0;  // 0: OJS edits only.
};

[[noreturn]] void die(const std::string& why) {
  std::fprintf(stderr, "event_latency: %s\n", why.c_str());
  std::exit(1);
}

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const int value = std::atoi(argv[i + 1]);
    if (value < 0 || (value == 0 && flag != "--agent-edits-every")) die("bad value for " + flag);
    if (flag == "--rate")
      a.rate = value;
    else if (flag == "--seconds")
      a.seconds = value;
    else if (flag == "--submissions")
      a.submissions = value;
    else if (flag == "--agent-edits-every")
      a.agent_edits_every = value;
    else
      die("unknown flag " + flag);
  }
  return a;
}

// utime + stime of a process, from /proc/<pid>/stat.
std::chrono::duration<double> cpu_time(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');
  if (close == std::string::npos) die("cannot read /proc/" + std::to_string(pid) + "/stat");
  std::vector<std::string> fields;
  std::string field;
  for (char c : text.substr(close + 2)) {
    if (c == ' ') {
      fields.push_back(field);
      field.clear();
    } else {
      field += c;
    }
  }
  // After "(comm)": state is field 0, utime field 11, stime field 12.
  const double ticks = std::stod(fields.at(11)) + std::stod(fields.at(12));
  return std::chrono::duration<double>(ticks / static_cast<double>(::sysconf(_SC_CLK_TCK)));
}

double percentile(std::vector<double> sorted, double p) {
  if (sorted.empty()) return 0;
  std::sort(sorted.begin(), sorted.end());
  const auto rank =
      static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)];
}

class Bench {
 public:
  explicit Bench(const Args& args) : args_(args) {
    auto http = make_curl_transport({});
    if (!http.ok()) die(http.status().to_string());
    http_ = std::move(http).value();
  }

  int run() {
    start_processes();
    const double idle_cpu = measure_idle_cpu(10s);
    std::thread sampler([this] { sample_until_stopped(); });
    const auto [sent, elapsed] = send_events();
    wait_for_quiet();
    stop_sampling_ = true;
    sampler.join();
    const std::size_t diverged = count_diverged();
    if (daemon_->terminate(30s) != 0) die("the daemon did not stop cleanly");
    const Matched matched = match_latencies(sent);
    const std::vector<double>& latencies_ms = matched.total_ms;
    const double achieved = static_cast<double>(sent.size()) / elapsed.count();
    std::printf("events sent: %zu at %.0f/s (asked %d/s for %d s); applied: %zu\n", sent.size(),
                achieved, args_.rate, args_.seconds, latencies_ms.size());
    std::printf("webhook-to-applied latency: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
                percentile(latencies_ms, 50), percentile(latencies_ms, 90),
                percentile(latencies_ms, 99), percentile(latencies_ms, 100));
    std::printf(
        "  waiting to start: p50 %.2f ms, p99 %.2f ms; the sync: p50 %.2f ms, p99 %.2f ms\n",
        percentile(matched.wait_ms, 50), percentile(matched.wait_ms, 99),
        percentile(matched.sync_ms, 50), percentile(matched.sync_ms, 99));
    std::printf("daemon idle CPU: %.3f%% of one core over 10 s\n", idle_cpu * 100);
    print_samples();
    std::printf("agents' edits: %d; submissions differing between the sides at the end: %zu of %zu\n",
                agent_edits_.load(), diverged, editable_.size());
    return latencies_ms.size() == sent.size() && diverged == 0 ? 0 : 1;
  }

 private:
  struct Matched {
    std::vector<double> total_ms, wait_ms, sync_ms;
  };
  struct Sample {
    double at_s = 0;
    long rss_kb = 0;
    long fds = 0;
    std::int64_t queue = 0;
  };
  struct SentEvent {
    std::string submission;
    Clock::time_point at;
  };

  HttpResponse send(const std::string& method, const std::string& url, const std::string& body,
                    HttpHeaders headers = {}) const {
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    auto r = http_->send({method, url, std::move(headers), body});
    if (!r.ok()) die(method + " " + url + ": " + r.status().to_string());
    return std::move(r).value();
  }
  Json get_json(const std::string& url, HttpHeaders headers = {}) const {
    auto parsed = Json::parse(send("GET", url, "", std::move(headers)).body);
    if (!parsed.ok()) die("GET " + url + ": not JSON");
    return std::move(parsed).value();
  }
  HttpHeaders ojs_auth() const { return {{"Authorization", "Bearer " + token_}}; }
  HttpHeaders api_auth() const { return {{"Authorization", "Bearer " + api_token_}}; }

  void start_processes() {
    emulator_ = std::make_unique<testing::ChildProcess>(
        OJSYNC_EMULATOR_BINARY,
        std::vector<std::string>{"--port", "0", "--seed", "7", "--submissions",
                                 std::to_string(args_.submissions), "--reviewers", "10",
                                 "--api-key-secret", "bench-secret", "--admin-api-key",
                                 "bench-key"},
        dir_.file("emulator.err"));
    if (emulator_->port() == 0) die("the emulator did not start");
    token_ = get_json(emulator_->origin() + "/__emulator/token?user=admin").get_string("token");
    std::ofstream(dir_.file("token")) << token_ << "\n";
    std::ofstream(dir_.file("webhook-secret")) << kSecret << "\n";
    for (int offset = 0;; offset += 100) {
      const Json page =
          get_json(emulator_->origin() + kJournalApi +
                       "/submissions?status=1&count=100&offset=" + std::to_string(offset),
                   ojs_auth());
      const auto& items = page.find("items")->as_array();
      for (const Json& item : items) {
        const std::string id = std::to_string(item.get_int("id"));
        editable_.push_back(id);
        publication_of_[id] = std::to_string(item.get_int("currentPublicationId"));
      }
      if (items.size() < 100) break;
    }
    if (editable_.empty()) die("the emulator has no unpublished submissions");

    const std::string config = dir_.file("ojsync.toml");
    std::ofstream(config) << "[store]\npath = \"" << dir_.file("ojsync.db") << "\"\n"
                          << "[agents]\npath = \"" << dir_.file("agents.db") << "\"\n"
                          << "[sync]\nsync_interval = \"1h\"\n"
                          << "[server]\nport = 0\nlog_level = \"warn\"\n"
                          << "[ojs]\nbase_url = \"" << emulator_->origin()
                          << "\"\njournal = \"testj\"\nversion = \"3.3\"\ntoken_file = \""
                          << dir_.file("token") << "\"\n"
                          << "[webhooks]\nsecret_files = [\"" << dir_.file("webhook-secret")
                          << "\"]\n";
    const testing::CommandResult made = testing::run_command(
        OJSYNC_BINARY, {"token", "create", "--config", config, "--name", "bench", "--role", "admin",
                        "--json"});
    auto made_json = Json::parse(made.out);
    if (made.exit_code != 0 || !made_json.ok()) die("ojsync token create failed");
    api_token_ = made_json->get_string("token");
    send("POST", emulator_->origin() + "/__emulator/stats/reset", "");  // The import's alone.
    daemon_ = std::make_unique<testing::ChildProcess>(
        OJSYNC_BINARY, std::vector<std::string>{"serve", "--config", config},
        dir_.file("daemon.err"));
    if (daemon_->port() == 0) die("the daemon did not start: " + daemon_->stderr_text());
    const auto started = Clock::now();
    wait_for_quiet(args_.submissions);
    // The first sweep's import runs through the job queue (its bulk path): its pace and cost.
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    std::printf("first import through the queue: %d submissions in %.2f s (%.0f/s), daemon CPU "
                "%.0f us per submission\n",
                args_.submissions, seconds, args_.submissions / seconds,
                cpu_time(daemon_->pid()).count() * 1e6 / args_.submissions);
    std::string requests;
    const Json stats = get_json(emulator_->origin() + "/__emulator/stats");
    if (const Json* by_route = stats.find("byRoute"); by_route != nullptr && by_route->is_object()) {
      for (const auto& [route, n] : by_route->as_object()) {
        requests += (requests.empty() ? "" : ", ") + route + " " + std::to_string(n.as_int());
      }
    }
    std::printf("  OJS requests: %s\n", requests.c_str());
  }

  // Waits until the daemon has synced at least `syncs` entities and its queue is empty.
  void wait_for_quiet(int syncs = 0) const {
    const auto deadline = Clock::now() + 5min;
    while (Clock::now() < deadline) {
      const Json stats =
          get_json(daemon_->origin() + "/v1/stats", api_auth());
      if (stats.get_int("total_syncs") >= syncs && stats.get_int("queue_depth") == 0) return;
      std::this_thread::sleep_for(50ms);
    }
    die("the daemon's queue did not drain within 5 minutes");
  }

  // Every 10 s until stopped: the daemon's RSS, open descriptors and queue depth.
  void sample_until_stopped() {
    const auto start = Clock::now();
    while (!stop_sampling_) {
      Sample sample;
      sample.at_s = std::chrono::duration<double>(Clock::now() - start).count();
      std::ifstream status("/proc/" + std::to_string(daemon_->pid()) + "/status");
      for (std::string line; std::getline(status, line);) {
        if (line.rfind("VmRSS:", 0) == 0) sample.rss_kb = std::atol(line.c_str() + 6);
      }
      const std::filesystem::path fd_dir = "/proc/" + std::to_string(daemon_->pid()) + "/fd";
      for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(fd_dir)) {
        ++sample.fds;
      }
      sample.queue = get_json(daemon_->origin() + "/v1/stats", api_auth()).get_int("queue_depth");
      samples_.push_back(sample);
      for (int i = 0; i < 100 && !stop_sampling_; ++i) std::this_thread::sleep_for(100ms);
    }
  }

  void print_samples() const {
    if (samples_.empty()) return;
    long rss_max = 0, fds_max = 0;
    std::int64_t queue_max = 0;
    for (const Sample& s : samples_) {
      rss_max = std::max(rss_max, s.rss_kb);
      fds_max = std::max(fds_max, s.fds);
      queue_max = std::max(queue_max, s.queue);
    }
    // One line a minute, to tell a plateau from a leak by the curve.
    for (std::size_t i = 0; i < samples_.size(); i += 6) {
      const Sample& s = samples_[i];
      std::printf("  at %4.0f s: RSS %ld kB, %ld descriptors, queue %lld\n", s.at_s, s.rss_kb,
                  s.fds, static_cast<long long>(s.queue));
    }
    // The first minute is warm-up (caches, the SQLite page cache filling).
    const Sample& settled = samples_[std::min<std::size_t>(6, samples_.size() - 1)];
    std::printf("daemon RSS: %ld kB after 1 min, %ld kB at the end, max %ld kB\n", settled.rss_kb,
                samples_.back().rss_kb, rss_max);
    std::printf("daemon open descriptors: %ld after 1 min, %ld at the end, max %ld\n",
                settled.fds, samples_.back().fds, fds_max);
    std::printf("queue depth: max %lld over %zu samples\n", static_cast<long long>(queue_max),
                samples_.size());
  }

  // Submissions whose English title differs between OJS and the agents' side.
  std::size_t count_diverged() const {
    std::size_t diverged = 0;
    for (const std::string& id : editable_) {
      const Json agents = get_json(daemon_->origin() + "/v1/entities/manuscript/" + id, api_auth());
      const Json ojs = get_json(emulator_->origin() + kJournalApi + "/submissions/" + id +
                                    "/publications/" + publication_of_.at(id),
                                ojs_auth());
      const Json* a = agents.find("title");
      const Json* o = ojs.find("title");
      if (a == nullptr || o == nullptr || a->get_string("en") != o->get_string("en_US")) ++diverged;
    }
    return diverged;
  }

  // An agent retitles `id` through the daemon's API (auto-sync carries it to OJS).
  void agent_edit(const std::string& id, int n) const {
    const std::string url = daemon_->origin() + "/v1/entities/manuscript/" + id;
    HttpHeaders headers = api_auth();
    const HttpResponse current = send("GET", url, "", headers);
    if (current.status != 200) return;
    auto doc = Json::parse(current.body);
    const std::string* etag = current.header("ETag");
    if (!doc.ok() || etag == nullptr) return;
    (*doc)["title"]["en"] = "Agent edit " + std::to_string(n);
    headers.emplace_back("X-Agent", "soak_agent");
    headers.emplace_back("If-Match", *etag);
    if (send("PUT", url, doc->dump(), headers).status == 200) ++agent_edits_;
  }

  double measure_idle_cpu(std::chrono::seconds period) const {
    const auto before = cpu_time(daemon_->pid());
    std::this_thread::sleep_for(period);
    return (cpu_time(daemon_->pid()) - before) / std::chrono::duration<double>(period);
  }

  std::pair<std::vector<SentEvent>, std::chrono::duration<double>> send_events() const {
    const auto signer = service::WebhookVerifier::create({kSecret}).value();
    const int total = args_.rate * args_.seconds;
    const auto interval = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(1.0 / args_.rate));
    std::vector<SentEvent> sent;
    sent.reserve(static_cast<std::size_t>(total));
    const auto start = Clock::now();
    for (int i = 0; i < total; ++i) {
      std::this_thread::sleep_until(start + i * interval);
      const std::string& id = editable_[static_cast<std::size_t>(i) % editable_.size()];
      if (args_.agent_edits_every > 0 && i % args_.agent_edits_every == 0) {
        // Another submission than the event's, so the two edits do not race each other.
        agent_edit(editable_[(static_cast<std::size_t>(i) + editable_.size() / 2) % editable_.size()], i);
      }
      Json edit = Json::object();
      edit["title"]["en_US"] = "Edited for event " + std::to_string(i);
      const std::string url = emulator_->origin() + kJournalApi + "/submissions/" + id +
                              "/publications/" + publication_of_.at(id);
      if (send("PUT", url, edit.dump(), ojs_auth()).status != 200)
        die("OJS refused the edit of " + id);
      const std::string event_id = "evt_latency_" + std::to_string(i);
      const std::string body = R"({"event":"submission_updated","submission_id":)" + id + "}";
      const auto now = Clock::now();
      const std::string ts = std::to_string(
          std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
      const HttpResponse r = send("POST", daemon_->origin() + "/v1/events", body,
                                  {{"webhook-id", event_id},
                                   {"webhook-timestamp", ts},
                                   {"webhook-signature", signer.sign(event_id, ts, body)}});
      if (r.status != 202) die("the daemon answered " + std::to_string(r.status) + " to an event");
      sent.push_back({id, now});
    }
    return {sent, Clock::now() - start};
  }

  Matched match_latencies(const std::vector<SentEvent>& sent) const {
    auto store = open_sqlite_store({dir_.file("ojsync.db")});
    if (!store.ok()) die(store.status().to_string());
    std::map<std::string, std::vector<SyncRecord>> records;  // Oldest first.
    for (const std::string& id : editable_) {
      auto list = (*store)->list_records({"manuscript", id}, 100'000);
      if (!list.ok()) die(list.status().to_string());
      std::vector<SyncRecord>& mine = records[id];
      for (SyncRecord& r : *list) {
        if (r.outcome != SyncOutcome::kFailed) mine.push_back(std::move(r));
      }
      std::sort(mine.begin(), mine.end(), [](const SyncRecord& a, const SyncRecord& b) {
        return a.started_at < b.started_at;
      });
    }
    Matched matched;
    using Ms = std::chrono::duration<double, std::milli>;
    for (const SentEvent& e : sent) {
      const auto& mine = records[e.submission];
      const Timestamp sent_at = std::chrono::time_point_cast<Duration>(e.at);
      auto it = std::find_if(mine.begin(), mine.end(),
                             [&](const SyncRecord& r) { return r.started_at >= sent_at; });
      if (it == mine.end()) continue;
      matched.total_ms.push_back(Ms(it->started_at + it->duration - sent_at).count());
      matched.wait_ms.push_back(Ms(it->started_at - sent_at).count());
      matched.sync_ms.push_back(Ms(it->duration).count());
    }
    return matched;
  }

  const Args args_;
  testing::TempDir dir_{"ojsync-latency"};
  std::unique_ptr<HttpTransport> http_;
  std::unique_ptr<testing::ChildProcess> emulator_;
  std::unique_ptr<testing::ChildProcess> daemon_;
  std::string token_;      // OJS's.
  std::string api_token_;  // The daemon's (admin: statistics and the agent's edits).
  std::atomic<bool> stop_sampling_{false};
  std::vector<Sample> samples_;  // Written by the sampler thread, read after it is joined.
  mutable std::atomic<int> agent_edits_{0};
  std::vector<std::string> editable_;
  std::map<std::string, std::string> publication_of_;
};

}  // namespace
}  // namespace ojsync::bench

int main(int argc, char** argv) {
  return ojsync::bench::Bench(ojsync::bench::parse_args(argc, argv)).run();
}
