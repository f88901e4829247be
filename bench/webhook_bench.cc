// Event intake: what one signed delivery to POST /v1/events costs the daemon, per core.
//   BM_WebhookVerify          HMAC-SHA256 signature check of one delivery (one active secret)
//   BM_WebhookVerifyAndParse  the check plus the JSON parse of the body (the issue's target)
//   BM_EventIntakeReceive     the whole intake: check, parse, and the durable store commit of
//                             the event id with its queued sync (on-disk SQLite, WAL)
#include <benchmark/benchmark.h>

#include <cstdlib>

#include "ojsync/entity_type.h"
#include "ojsync/store.h"
#include "service/event_intake.h"
#include "service/webhook_verifier.h"
#include "store/testing/temp_dir.h"

namespace ojsync::bench {
namespace {

const std::string kSecret = "bench-webhook-secret-0123456789abcdef";
const Timestamp kNow{std::chrono::seconds(1'800'000'000)};
const std::string kTimestamp = "1800000000";

std::string event_body(std::int64_t submission) {
  return R"({"event":"submission_updated","submission_id":)" + std::to_string(submission) +
         R"(,"context_id":1,"occurred_at":"2027-01-15T08:00:00Z"})";
}

service::WebhookVerifier verifier() {
  auto v = service::WebhookVerifier::create({kSecret});
  if (!v.ok()) std::abort();
  return std::move(v).value();
}

void BM_WebhookVerify(benchmark::State& state) {
  const service::WebhookVerifier v = verifier();
  const std::string body = event_body(42);
  const std::string id = "evt_0123456789";
  const std::string signature = v.sign(id, kTimestamp, body);
  for (auto _ : state) {
    Status s = v.verify({id, kTimestamp, signature}, body, kNow);
    if (!s.ok()) state.SkipWithError("verification failed");
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_WebhookVerify);

void BM_WebhookVerifyAndParse(benchmark::State& state) {
  const service::WebhookVerifier v = verifier();
  const std::string body = event_body(42);
  const std::string id = "evt_0123456789";
  const std::string signature = v.sign(id, kTimestamp, body);
  Json::ParseLimits limits;
  limits.max_bytes = body.size();
  limits.max_depth = 16;
  for (auto _ : state) {
    if (!v.verify({id, kTimestamp, signature}, body, kNow).ok()) state.SkipWithError("verify");
    auto parsed = Json::parse(body, limits);
    if (!parsed.ok() || parsed->find("event") == nullptr) state.SkipWithError("parse");
    benchmark::DoNotOptimize(parsed);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_WebhookVerifyAndParse);

void BM_EventIntakeReceive(benchmark::State& state) {
  testing::TempDir dir("ojsync-bench");
  auto store = open_sqlite_store({dir.file("events.db")});
  if (!store.ok() || !(*store)->migrate().ok()) std::abort();
  const service::WebhookVerifier v = verifier();
  const EntityTypeRegistry types = EntityTypeRegistry::with_defaults();
  const service::EventIntake intake(&v, store->get(), &types);
  std::int64_t n = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const std::string id = "evt_" + std::to_string(n);
    const std::string body = event_body(n % 5'000);
    const std::string signature = v.sign(id, kTimestamp, body);
    ++n;
    state.ResumeTiming();
    auto receipt = intake.receive({id, kTimestamp, signature}, body, kNow);
    if (!receipt.ok() || receipt->outcome != service::EventReceipt::Outcome::kQueued) {
      state.SkipWithError("not queued");
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EventIntakeReceive);

}  // namespace
}  // namespace ojsync::bench
