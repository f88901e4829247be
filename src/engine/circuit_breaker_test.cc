#include "ojsync/circuit_breaker.h"

#include <gtest/gtest.h>

namespace ojsync {
namespace {

using std::chrono::seconds;

const Timestamp kStart = Timestamp(seconds(1'800'000'000));

class CircuitBreakerTest : public ::testing::Test {
 protected:
  CircuitBreakerOptions options() const {
    CircuitBreakerOptions o;
    o.failure_threshold = 3;
    o.open_duration = seconds(30);
    return o;
  }
  // Lets one call through and reports `outcome` for it, a call on `subject` ("": the endpoint).
  void call(CircuitBreaker& breaker, const Status& outcome, std::string_view subject = {}) {
    ASSERT_TRUE(breaker.allow().ok());
    breaker.record(outcome, subject);
  }

  ManualClock clock_{kStart};
};

TEST_F(CircuitBreakerTest, OpensAfterThresholdOutagesInARowAndRefusesWithTheTimeLeft) {
  CircuitBreaker breaker("ojs/manuscript", options(), clock_);
  call(breaker, Unavailable("502"));
  call(breaker, DeadlineExceeded("timeout"));
  EXPECT_EQ(breaker.status().state, BreakerState::kClosed);
  call(breaker, ResourceExhausted("429"));
  EXPECT_EQ(breaker.status().state, BreakerState::kOpen);
  EXPECT_EQ(breaker.status().times_opened, 1);

  clock_.advance(seconds(10));
  Status refused = breaker.allow().status();
  EXPECT_EQ(refused.code(), StatusCode::kUnavailable);
  EXPECT_NE(refused.message().find("ojs/manuscript"), std::string::npos);
  EXPECT_EQ(refused.retry_after(), seconds(20));
}

// G3 in docs/invariants.md: a record whose calls always fail is not an outage.
TEST_F(CircuitBreakerTest, OneRecordFailingAloneNeverOpensIt) {
  CircuitBreaker breaker("ojs/manuscript", options(), clock_);
  for (int i = 0; i < 10; ++i) call(breaker, Unavailable("503"), "manuscript/poisoned");
  EXPECT_EQ(breaker.status().state, BreakerState::kClosed);
  EXPECT_EQ(breaker.status().consecutive_failures, 10);
  // A second record failing too is the endpoint's outage: the threshold was long reached.
  call(breaker, Unavailable("503"), "manuscript/7");
  EXPECT_EQ(breaker.status().state, BreakerState::kOpen);
}

TEST_F(CircuitBreakerTest, AFailedListingIsTheEndpointsOutage) {
  CircuitBreaker breaker("ojs/manuscript", options(), clock_);
  call(breaker, Unavailable("503"), "manuscript/poisoned");
  call(breaker, Unavailable("503"), "manuscript/poisoned");
  EXPECT_EQ(breaker.status().state, BreakerState::kClosed);
  call(breaker, Unavailable("503"));  // A sweep's listing.
  EXPECT_EQ(breaker.status().state, BreakerState::kOpen);
}

TEST_F(CircuitBreakerTest, AnAnswerThatIsNotAnOutageResetsTheCount) {
  CircuitBreaker breaker("ojs/manuscript", options(), clock_);
  call(breaker, Unavailable("502"));
  call(breaker, Unavailable("502"));
  call(breaker, NotFound("404: the endpoint answered"));
  call(breaker, Unavailable("502"));
  call(breaker, Unavailable("502"));
  EXPECT_EQ(breaker.status().state, BreakerState::kClosed);
  EXPECT_EQ(breaker.status().consecutive_failures, 2);
}

TEST_F(CircuitBreakerTest, HalfOpenLetsOneProbeThroughAndItsSuccessCloses) {
  CircuitBreaker breaker("ojs/manuscript", options(), clock_);
  for (int i = 0; i < 3; ++i) call(breaker, Unavailable("503"));
  clock_.advance(seconds(30));
  EXPECT_EQ(breaker.status().state, BreakerState::kHalfOpen);  // The next call is a probe.
  auto probe = breaker.allow();
  ASSERT_TRUE(probe.ok());
  EXPECT_EQ(*probe, BreakerCall::kProbe);
  Status second = breaker.allow().status();  // The probe is still out.
  EXPECT_EQ(second.code(), StatusCode::kUnavailable);
  EXPECT_EQ(second.retry_after(), seconds(1));
  breaker.record(OkStatus());
  EXPECT_EQ(breaker.status().state, BreakerState::kClosed);
  EXPECT_EQ(breaker.allow().value(), BreakerCall::kNormal);
}

TEST_F(CircuitBreakerTest, AFailedProbeReopensForAnotherCoolDown) {
  CircuitBreaker breaker("ojs/manuscript", options(), clock_);
  for (int i = 0; i < 3; ++i) call(breaker, Unavailable("503"));
  clock_.advance(seconds(31));
  call(breaker, Unavailable("still down"));
  EXPECT_EQ(breaker.status().state, BreakerState::kOpen);
  EXPECT_EQ(breaker.status().times_opened, 2);
  EXPECT_EQ(breaker.allow().status().retry_after(), seconds(30));
}

TEST_F(CircuitBreakerTest, AProbeThatNeverReportsStopsBlockingAfterACoolDown) {
  CircuitBreaker breaker("ojs/manuscript", options(), clock_);
  for (int i = 0; i < 3; ++i) call(breaker, Unavailable("503"));
  clock_.advance(seconds(30));
  ASSERT_TRUE(breaker.allow().ok());  // This probe's caller never records.
  clock_.advance(seconds(29));
  EXPECT_FALSE(breaker.allow().ok());
  clock_.advance(seconds(1));
  EXPECT_TRUE(breaker.allow().ok());
}

TEST_F(CircuitBreakerTest, ALongerRetryAfterKeepsItOpenLonger) {
  CircuitBreaker breaker("ojs/manuscript", options(), clock_);
  call(breaker, Unavailable("503"));
  call(breaker, Unavailable("503"));
  call(breaker, Unavailable("503 maintenance").set_retry_after(seconds(120)));
  EXPECT_EQ(breaker.allow().status().retry_after(), seconds(120));
}

TEST_F(CircuitBreakerTest, ThresholdZeroNeverOpens) {
  CircuitBreakerOptions off = options();
  off.failure_threshold = 0;
  CircuitBreaker breaker("agents/manuscript", off, clock_);
  for (int i = 0; i < 50; ++i) call(breaker, Unavailable("down"));
  EXPECT_EQ(breaker.status().state, BreakerState::kClosed);
}

TEST(StatusRetryAfterTest, TheHintTravelsWithCopiesAndNewMessages) {
  Status s = Unavailable("503").set_retry_after(seconds(7));
  EXPECT_EQ(s.retry_after(), seconds(7));
  Status wrapped = s.with_message("GET /submissions: 503");
  EXPECT_EQ(wrapped.code(), StatusCode::kUnavailable);
  EXPECT_EQ(wrapped.retry_after(), seconds(7));
  EXPECT_FALSE(Unavailable("no hint").retry_after().has_value());
  EXPECT_EQ(Unavailable("x").set_retry_after(seconds(-3)).retry_after(), seconds(0));
}

}  // namespace
}  // namespace ojsync
