#include "service/metrics.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

namespace ojsync::service {

struct Metrics::Impl {
  prometheus::Registry registry;
  prometheus::Family<prometheus::Counter>& syncs =
      prometheus::BuildCounter().Name("ojsync_syncs_total").Help("Syncs by entity type and outcome").Register(registry);
  prometheus::Family<prometheus::Histogram>& durations = prometheus::BuildHistogram()
                                                             .Name("ojsync_sync_duration_seconds")
                                                             .Help("Duration of one sync of one entity")
                                                             .Register(registry);
  prometheus::Family<prometheus::Counter>& retries =
      prometheus::BuildCounter().Name("ojsync_sync_retries_total").Help("Retried sync attempts").Register(registry);
  prometheus::Family<prometheus::Counter>& webhooks =
      prometheus::BuildCounter().Name("ojsync_webhooks_total").Help("Event deliveries by result").Register(registry);
  prometheus::Family<prometheus::Counter>& http =
      prometheus::BuildCounter().Name("ojsync_http_requests_total").Help("API requests by route and status").Register(registry);
  prometheus::Family<prometheus::Gauge>& breakers = prometheus::BuildGauge()
                                                        .Name("ojsync_circuit_breaker_state")
                                                        .Help("0 closed, 1 half-open, 2 open")
                                                        .Register(registry);
  prometheus::Family<prometheus::Counter>& breaker_openings =
      prometheus::BuildCounter()
          .Name("ojsync_circuit_breaker_openings_total")
          .Help("Times a remote endpoint's circuit breaker opened")
          .Register(registry);
  prometheus::Family<prometheus::Gauge>& queue = prometheus::BuildGauge()
                                                     .Name("ojsync_queue_jobs")
                                                     .Help("Jobs in the durable queue by state")
                                                     .Register(registry);
  prometheus::Gauge& conflicts = prometheus::BuildGauge()
                                     .Name("ojsync_conflicts_pending")
                                     .Help("Open conflicts waiting for a person")
                                     .Register(registry)
                                     .Add({});

  static const prometheus::Histogram::BucketBoundaries& buckets() {
    static const prometheus::Histogram::BucketBoundaries kBuckets = {
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    return kBuckets;
  }
};

Metrics::Metrics() : impl_(std::make_unique<Impl>()) {}
Metrics::~Metrics() = default;

void Metrics::record_sync(const SyncRecord& r) {
  impl_->syncs.Add({{"type", r.key.type}, {"outcome", std::string(outcome_name(r.outcome))}}).Increment();
  const double seconds = std::chrono::duration<double>(r.duration).count();
  impl_->durations.Add({{"type", r.key.type}}, Impl::buckets()).Observe(seconds);
  if (r.retry_count > 0) impl_->retries.Add({{"type", r.key.type}}).Increment(r.retry_count);
}

void Metrics::record_webhook(std::string_view result) {
  impl_->webhooks.Add({{"result", std::string(result)}}).Increment();
}

void Metrics::record_http(std::string_view route, int status) {
  impl_->http.Add({{"route", std::string(route)}, {"status", std::to_string(status)}}).Increment();
}

void Metrics::set_breaker(const CircuitBreakerStatus& breaker) {
  const prometheus::Labels labels{{"endpoint", breaker.endpoint}};
  impl_->breakers.Add(labels).Set(static_cast<double>(breaker.state));
  // The breaker counts its openings itself; the counter catches up to it.
  prometheus::Counter& openings = impl_->breaker_openings.Add(labels);
  const double delta = static_cast<double>(breaker.times_opened) - openings.Value();
  if (delta > 0) openings.Increment(delta);
}

void Metrics::set_queue(std::int64_t depth, std::int64_t dead) {
  impl_->queue.Add({{"state", "queued"}}).Set(static_cast<double>(depth));
  impl_->queue.Add({{"state", "dead"}}).Set(static_cast<double>(dead));
}

void Metrics::set_pending_conflicts(std::int64_t pending) { impl_->conflicts.Set(static_cast<double>(pending)); }

std::string Metrics::render() const {
  return prometheus::TextSerializer().Serialize(impl_->registry.Collect());
}

}  // namespace ojsync::service
