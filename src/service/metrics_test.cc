#include "service/metrics.h"

#include <gtest/gtest.h>

namespace ojsync::service {
namespace {

TEST(MetricsTest, RendersSyncsByOutcomeAndLatency) {
  Metrics m;
  SyncRecord r;
  r.key = {"manuscript", "1"};
  r.outcome = SyncOutcome::kApplied;
  r.duration = std::chrono::milliseconds(3);
  m.record_sync(r);
  m.record_sync(r);
  r.outcome = SyncOutcome::kFailed;
  r.retry_count = 2;
  m.record_sync(r);
  CircuitBreakerStatus breaker;
  breaker.endpoint = "ojs/manuscript";
  breaker.state = BreakerState::kOpen;
  breaker.times_opened = 2;
  m.set_breaker(breaker);
  m.set_breaker(breaker);  // Scraped again: the counter does not count twice.
  m.set_queue(7, 1);
  m.set_pending_conflicts(3);
  m.record_webhook("accepted");
  const std::string text = m.render();
  EXPECT_NE(text.find(R"(ojsync_syncs_total{outcome="applied",type="manuscript"} 2)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(ojsync_syncs_total{outcome="failed",type="manuscript"} 1)"), std::string::npos);
  EXPECT_NE(text.find(R"(ojsync_sync_duration_seconds_bucket{type="manuscript",le="0.005"} 3)"), std::string::npos);
  EXPECT_NE(text.find(R"(ojsync_sync_duration_seconds_bucket{type="manuscript",le="0.0025"} 0)"), std::string::npos);
  EXPECT_NE(text.find(R"(ojsync_sync_retries_total{type="manuscript"} 2)"), std::string::npos);
  EXPECT_NE(text.find(R"(ojsync_circuit_breaker_state{endpoint="ojs/manuscript"} 2)"),
            std::string::npos);
  EXPECT_NE(text.find(R"(ojsync_circuit_breaker_openings_total{endpoint="ojs/manuscript"} 2)"),
            std::string::npos);
  EXPECT_NE(text.find(R"(ojsync_queue_jobs{state="queued"} 7)"), std::string::npos);
  EXPECT_NE(text.find("ojsync_conflicts_pending 3"), std::string::npos);
  EXPECT_NE(text.find("# TYPE ojsync_sync_duration_seconds histogram"), std::string::npos);
}

}  // namespace
}  // namespace ojsync::service
