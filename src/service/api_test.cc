// The API router against a real engine (testing/api_fixture.h): requests go straight to
// ApiRouter::handle (no sockets), with an admin token unless a test says otherwise.
#include "service/api.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "service/testing/api_fixture.h"

namespace ojsync::service {
namespace {

using testing::doc;
using testing::kSecret;

using ApiTest = testing::ApiFixture;

// ------------------------------------------------------------------------ routing, operations

TEST_F(ApiTest, UnknownRoutesAndWrongMethodsAnswerInTheErrorShape) {
  expect_error(call("GET", "/v2/nothing"), 404, "route_not_found");
  expect_error(call("GET", "/v1/sync/manuscript/42/extra"), 404, "route_not_found");
  expect_error(call("GET", "/v1/sync//42"), 404, "route_not_found");
  auto wrong = call("DELETE", "/v1/sync/manuscript/42");
  expect_error(wrong, 405, "method_not_allowed");
  EXPECT_EQ(header(wrong, "Allow"), "POST, GET");
}

TEST_F(ApiTest, HealthzReadyzAndMetrics) {
  auto live = call("GET", "/healthz");
  EXPECT_EQ(live.status, 200);
  EXPECT_EQ(json(live).get_string("status"), "ok");

  auto ready = call("GET", "/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(json(ready).get_string("status"), "ok");
  EXPECT_TRUE(json(ready).find("reasons")->as_array().empty());
  EXPECT_NE(json(ready).find("checks")->find("store"), nullptr);

  ojs_.fail_next(1, Unavailable("connection refused"));
  auto degraded = call("GET", "/readyz");
  EXPECT_EQ(degraded.status, 200);  // Degraded still serves: OJS being away is not our failure.
  EXPECT_EQ(json(degraded).get_string("status"), "degraded");
  ASSERT_EQ(json(degraded).find("reasons")->as_array().size(), 1u);
  EXPECT_EQ(json(degraded).find("reasons")->as_array()[0].as_string().rfind("ojs: ", 0), 0u);

  synced_manuscript("42", "A");
  auto metrics = call("GET", "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.content_type.rfind("text/plain", 0), 0u);
  EXPECT_NE(metrics.body.find("ojsync_http_requests_total{route=\"/readyz\",status=\"200\"} 2"),
            std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("ojsync_queue_jobs{state=\"queued\"} 0"), std::string::npos);
}

TEST_F(ApiTest, EachTokenOverItsRateGets429WithRetryAfter) {
  RateLimiter limiter(/*rate_per_second=*/1, /*burst=*/2, /*max_clients=*/10, &clock_);
  ctx_.limiter = &limiter;
  const std::string admin = bearer_[Role::kAdmin], viewer = bearer_[Role::kViewer];
  auto from = [&](std::string address, std::optional<std::string> auth, std::string method,
                  std::string target) {
    return call_as(auth, std::move(method), std::move(target), "", {}, std::move(address));
  };
  EXPECT_EQ(from("10.0.0.1", admin, "GET", "/v1/stats").status, 200);
  EXPECT_EQ(from("10.0.0.1", admin, "GET", "/v1/conflicts").status, 200);
  auto limited = from("10.0.0.1", admin, "GET", "/v1/stats");
  expect_error(limited, 429, "resource_exhausted");
  EXPECT_EQ(header(limited, "Retry-After"), "1");
  // The bucket is the token's: another token from the same address has its own, and the same
  // token from another address shares it.
  EXPECT_EQ(from("10.0.0.1", viewer, "GET", "/v1/stats").status, 200);
  EXPECT_EQ(from("10.0.0.2", admin, "GET", "/v1/stats").status, 429);
  // Without a valid token, the bucket is the address's: refused requests are limited too.
  EXPECT_EQ(from("10.0.0.3", std::nullopt, "GET", "/v1/stats").status, 401);
  EXPECT_EQ(from("10.0.0.3", "Bearer ojs_wrong", "GET", "/v1/stats").status, 401);
  EXPECT_EQ(from("10.0.0.3", std::nullopt, "GET", "/v1/stats").status, 429);
  EXPECT_EQ(from("10.0.0.1", admin, "GET", "/healthz").status, 200);  // Probes are not limited.
  EXPECT_EQ(from("10.0.0.1", admin, "POST", "/v1/events").status, 401);  // Events neither.
  clock_.advance(std::chrono::seconds(1));
  EXPECT_EQ(from("10.0.0.1", admin, "GET", "/v1/stats").status, 200);
}

// ------------------------------------------------------------------------ syncing

TEST_F(ApiTest, SyncsOneEntityAndReportsItsStatus) {
  ojs_.put("manuscript", "42", doc("Soil carbon"));
  auto synced = call("POST", "/v1/sync/manuscript/42?direction=from-ojs");
  ASSERT_EQ(synced.status, 200) << synced.body;
  EXPECT_EQ(json(synced).get_string("outcome"), "applied");
  EXPECT_EQ(json(synced).get_string("direction"), "from-ojs");
  EXPECT_TRUE(json(synced).find("wrote_agents")->as_bool());
  auto held = agents_->get("manuscript", "42").value();
  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(held->snapshot.document, doc("Soil carbon"));

  auto status = call("GET", "/v1/sync/manuscript/42");
  ASSERT_EQ(status.status, 200) << status.body;
  Json s = json(status);
  EXPECT_EQ(s.get_string("type"), "manuscript");
  EXPECT_EQ(s.get_string("id"), "42");
  EXPECT_TRUE(s.find("state")->find("in_sync")->as_bool());
  EXPECT_EQ(s.find("recent_records")->as_array().size(), 1u);
  EXPECT_EQ(s.find("recent_records")->as_array()[0].get_string("trigger"), "api");
  EXPECT_TRUE(s.find("open_conflict")->is_null());
  EXPECT_FALSE(s.find("last_sync_at")->is_null());
}

TEST_F(ApiTest, SyncErrorsMapToTheirStatus) {
  expect_error(call("GET", "/v1/sync/manuscript/404"), 404, "not_found");  // Never seen.
  expect_error(call("POST", "/v1/sync/manuscript/404"), 404, "not_found");
  auto failed = call("GET", "/v1/sync/manuscript/404");  // The failed attempt is its history.
  ASSERT_EQ(failed.status, 200);
  EXPECT_EQ(json(failed).find("recent_records")->as_array()[0].get_string("outcome"), "failed");
  expect_error(call("POST", "/v1/sync/manuscript/42?direction=sideways"), 400, "invalid_argument");
  expect_error(call("POST", "/v1/sync/unicorn/42"), 400, "invalid_argument");
  expect_error(call("POST", "/v1/sync/manuscript/bad%20id"), 400, "invalid_argument");
  ojs_.put("manuscript", "42", doc("A"));
  ojs_.poison("42", Internal("disk on fire at /var/lib/x.db"));
  auto hidden = call("POST", "/v1/sync/manuscript/42");
  expect_error(hidden, 500, "internal");
  EXPECT_EQ(hidden.body.find("/var/lib"), std::string::npos);  // Server details stay in the log.
}

TEST_F(ApiTest, BatchSyncReportsEachIdAndIsBounded) {
  ojs_.put("manuscript", "1", doc("One"));
  ojs_.put("manuscript", "2", doc("Two"));
  auto batch = call("POST", "/v1/sync/batch", R"({"type":"manuscript","ids":["1",2,"missing"]})");
  ASSERT_EQ(batch.status, 200) << batch.body;
  Json b = json(batch);
  EXPECT_EQ(b.get_int("succeeded"), 2);
  EXPECT_EQ(b.get_int("failed"), 1);
  const auto& results = b.find("results")->as_array();
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[1].get_string("id"), "2");
  EXPECT_EQ(results[1].find("report")->get_string("outcome"), "applied");
  EXPECT_FALSE(results[2].find("ok")->as_bool());
  EXPECT_EQ(results[2].find("error")->get_string("error"), "not_found");

  expect_error(call("POST", "/v1/sync/batch", R"({"type":"manuscript","ids":["1","2","3","4"]})"),
               400, "invalid_argument");
  expect_error(call("POST", "/v1/sync/batch", R"({"type":"manuscript","ids":[]})"), 400,
               "invalid_argument");
  expect_error(call("POST", "/v1/sync/batch", R"({"type":"manuscript","ids":[1.5]})"), 400,
               "invalid_argument");
  expect_error(
      call("POST", "/v1/sync/batch", R"({"type":"manuscript","ids":["1"],"direction":"up"})"), 400,
      "invalid_argument");
  expect_error(call("POST", "/v1/sync/batch", R"({"type":)"), 400, "invalid_argument");
  expect_error(call("POST", "/v1/sync/batch", ""), 400, "invalid_argument");
  expect_error(call("POST", "/v1/sync/batch", "[1]"), 400, "invalid_argument");
  std::string deep(40, '[');
  expect_error(call("POST", "/v1/sync/batch", R"({"type":"manuscript","ids":)" + deep), 400,
               "invalid_argument");
}

// ------------------------------------------------------------------------ conflicts

TEST_F(ApiTest, ListsShowsAndResolvesConflicts) {
  synced_manuscript("42", "Original");
  ojs_.put("manuscript", "42", doc("Edited in OJS"));
  auto local = agents_->get("manuscript", "42").value();
  ASSERT_TRUE(agents_->put("manuscript", "42", doc("Edited by an agent"), local->etag).ok());
  auto conflicted = call("POST", "/v1/sync/manuscript/42");
  ASSERT_EQ(json(conflicted).get_string("outcome"), "conflict") << conflicted.body;
  const std::int64_t id = json(conflicted).get_int("conflict_id");

  auto list = call("GET", "/v1/conflicts");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(json(list).get_int("count"), 1);
  EXPECT_EQ(json(list).find("conflicts")->as_array()[0].get_int("id"), id);
  auto shown = call("GET", "/v1/conflicts/" + std::to_string(id));
  ASSERT_EQ(shown.status, 200);
  EXPECT_EQ(json(shown).find("fields")->as_array()[0].get_string("path"), "title.en");

  const std::string resolve = "/v1/conflicts/" + std::to_string(id) + "/resolve";
  expect_error(call("POST", resolve, R"({"resolution":{"title":{"en":"X"}},"resolved_by":5})"),
               400, "invalid_argument");
  expect_error(call("POST", resolve, R"({"resolved_by":"editor:alice"})"), 400,
               "invalid_argument");
  expect_error(
      call("POST", resolve, R"({"resolution":{"stageId":4},"resolved_by":"editor:alice"})"), 409,
      "failed_precondition");  // Leaves the conflicting field uncovered.
  auto resolved =
      call("POST", resolve,
           R"({"resolution":{"title":{"en":"Resolved Title"}},"resolved_by":"editor:alice"})");
  ASSERT_EQ(resolved.status, 200) << resolved.body;
  // The token is who resolved it; resolved_by says for whom.
  EXPECT_EQ(store_->get_conflict(id).value()->resolved_by, "token:the-admin for editor:alice");
  const AuditEntry settled = store_->list_audit({"manuscript", "42"}, 1).value().front();
  EXPECT_EQ(settled.action, "conflict_resolved");
  EXPECT_EQ(settled.actor, "token:the-admin for editor:alice");
  EXPECT_EQ(ojs_.get("manuscript", "42")->find("title")->get_string("en"), "Resolved Title");
  EXPECT_EQ(
      agents_->get("manuscript", "42").value()->snapshot.document.find("title")->get_string("en"),
      "Resolved Title");
  expect_error(
      call("POST", resolve, R"({"resolution":{"take":"ojs"},"resolved_by":"editor:alice"})"), 409,
      "failed_precondition");
  EXPECT_EQ(json(call("GET", "/v1/conflicts")).get_int("count"), 0);
  EXPECT_EQ(json(call("GET", "/v1/conflicts?status=resolved")).get_int("count"), 1);
  EXPECT_EQ(json(call("GET", "/v1/conflicts?status=all&limit=1")).get_int("count"), 1);

  expect_error(call("GET", "/v1/conflicts?status=maybe"), 400, "invalid_argument");
  expect_error(call("GET", "/v1/conflicts?limit=0"), 400, "invalid_argument");
  expect_error(call("GET", "/v1/conflicts?limit=1001"), 400, "invalid_argument");
  expect_error(call("GET", "/v1/conflicts/abc"), 400, "invalid_argument");
  expect_error(call("GET", "/v1/conflicts/999"), 404, "not_found");
  expect_error(call("POST", "/v1/conflicts/999/resolve",
                    R"({"resolution":{"take":"ojs"},"resolved_by":"x"})"),
               404, "not_found");
}

TEST_F(ApiTest, StatsCountSyncsByOutcome) {
  synced_manuscript("1", "One");
  ASSERT_EQ(call("POST", "/v1/sync/manuscript/1").status, 200);  // Now a no-op.
  auto stats = call("GET", "/v1/stats");
  ASSERT_EQ(stats.status, 200);
  EXPECT_EQ(json(stats).get_int("total_syncs"), 2);
  EXPECT_EQ(json(stats).get_int("successful_syncs"), 2);
}

// ------------------------------------------------------------------------ the agents' documents

TEST_F(ApiTest, AgentWritesNeedTheCurrentEtag) {
  const std::map<std::string, std::string> agent = {{"x-agent", "research_agent"}};
  auto created = call("PUT", "/v1/entities/manuscript/m1", doc("Draft").dump(), agent);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string etag = header(created, "ETag");
  EXPECT_EQ(etag, "\"" + json(created).get_string("etag") + "\"");

  auto read = call("GET", "/v1/entities/manuscript/m1");
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(json(read), doc("Draft"));
  EXPECT_EQ(header(read, "ETag"), etag);

  expect_error(call("PUT", "/v1/entities/manuscript/m1", doc("Blind").dump(), agent), 428,
               "precondition_required");
  auto with = [&](std::string tag) {
    auto h = agent;
    h["if-match"] = std::move(tag);
    return h;
  };
  auto updated = call("PUT", "/v1/entities/manuscript/m1", doc("Second").dump(), with(etag));
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_NE(header(updated, "ETag"), etag);
  // Another agent still holding the first version loses, and changes nothing.
  expect_error(call("PUT", "/v1/entities/manuscript/m1", doc("Stale").dump(), with(etag)), 412,
               "failed_precondition");
  expect_error(call("PUT", "/v1/entities/manuscript/m1", doc("Weak").dump(), with("W/" + etag)),
               412, "failed_precondition");
  EXPECT_EQ(json(call("GET", "/v1/entities/manuscript/m1")), doc("Second"));
  EXPECT_EQ(call("PUT", "/v1/entities/manuscript/m1", doc("Any").dump(), with("*")).status, 200);
  expect_error(call("PUT", "/v1/entities/manuscript/new", doc("X").dump(), with("*")), 412,
               "failed_precondition");

  expect_error(call("PUT", "/v1/entities/manuscript/m1", doc("X").dump()), 400,
               "invalid_argument");  // No X-Agent.
  expect_error(call("PUT", "/v1/entities/manuscript/m2", "[1]", agent), 400, "invalid_argument");
  expect_error(call("PUT", "/v1/entities/unicorn/m1", doc("X").dump(), agent), 404, "not_found");
  expect_error(call("GET", "/v1/entities/manuscript/nope"), 404, "not_found");

  const std::string current = header(call("GET", "/v1/entities/manuscript/m1"), "ETag");
  expect_error(call("DELETE", "/v1/entities/manuscript/m1", "", agent), 428,
               "precondition_required");
  expect_error(call("DELETE", "/v1/entities/manuscript/m1", "", with(etag)), 412,
               "failed_precondition");
  EXPECT_EQ(call("DELETE", "/v1/entities/manuscript/m1", "", with(current)).status, 200);
  expect_error(call("GET", "/v1/entities/manuscript/m1"), 404, "not_found");
  expect_error(call("DELETE", "/v1/entities/manuscript/m1", "", with(current)), 404, "not_found");

  auto audit = store_->list_audit({"manuscript", "m1"}, 10).value();
  ASSERT_EQ(audit.size(), 4u);  // create, update, update (If-Match: *), delete
  EXPECT_EQ(audit.front().action, "agent_delete");
  EXPECT_EQ(audit.front().actor, "agent:research_agent");
}

// OJS numbers its submissions, so a new manuscript under a number unknown to ojsync could be
// one OJS holds and the sweep has not imported yet: its first sync would pair the two. The
// write is refused and leaves nothing; under an id with a letter it is a new manuscript.
TEST_F(ApiTest, AnAgentsNewEntityUnderAnIdOjsCouldHoldIsRefused) {
  const std::map<std::string, std::string> agent = {{"x-agent", "research_agent"}};
  const std::string audit_before = store_->audit_head().value().last_hash;
  const HttpResponse refused = call("PUT", "/v1/entities/manuscript/77", doc("Mine").dump(), agent);
  expect_error(refused, 409, "failed_precondition");
  EXPECT_NE(refused.body.find("POST /v1/sync/manuscript/77"), std::string::npos) << refused.body;
  EXPECT_FALSE(agents_->get("manuscript", "77").value().has_value());
  EXPECT_TRUE(jobs().empty());
  EXPECT_EQ(store_->audit_head().value().last_hash, audit_before);
  EXPECT_EQ(call("PUT", "/v1/entities/manuscript/m77", doc("Mine").dump(), agent).status, 201);

  // Once ojsync knows 77 (imported from OJS), its agents' document may be made again.
  ojs_.put("manuscript", "77", doc("From OJS"));
  ASSERT_TRUE(manager_->sync("manuscript", "77").ok());
  const auto imported = agents_->get("manuscript", "77").value();
  ASSERT_TRUE(imported.has_value());
  ASSERT_TRUE(agents_->erase("manuscript", "77", imported->etag).ok());
  EXPECT_EQ(call("PUT", "/v1/entities/manuscript/77", doc("Mine").dump(), agent).status, 201);
}

TEST_F(ApiTest, AutoSyncQueuesAgentWritesUntilTurnedOff) {
  const std::map<std::string, std::string> agent = {{"x-agent", "reviewer_bot"}};
  auto first = call("PUT", "/v1/entities/manuscript/m1", doc("Draft").dump(), agent);
  ASSERT_EQ(first.status, 201);
  EXPECT_TRUE(json(first).find("sync_job")->is_int());
  ASSERT_EQ(jobs().size(), 1u);
  EXPECT_EQ(jobs()[0].key, (EntityKey{"manuscript", "m1"}));
  EXPECT_EQ(jobs()[0].trigger, "agent");
  EXPECT_EQ(wakeups_, 1);

  EXPECT_TRUE(json(call("GET", "/v1/agents/reviewer_bot/auto-sync")).find("auto_sync")->as_bool());
  auto off = call("PUT", "/v1/agents/reviewer_bot/auto-sync", R"({"enabled":false})");
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_FALSE(json(call("GET", "/v1/agents/reviewer_bot/auto-sync")).find("auto_sync")->as_bool());
  auto second = call("PUT", "/v1/entities/manuscript/m2", doc("Other").dump(), agent);
  ASSERT_EQ(second.status, 201);
  EXPECT_TRUE(json(second).find("sync_job")->is_null());
  EXPECT_EQ(jobs().size(), 1u);
  // Other agents keep the default.
  EXPECT_TRUE(json(call("PUT", "/v1/entities/manuscript/m3", doc("Third").dump(),
                        {{"x-agent", "quality_agent"}}))
                  .find("sync_job")
                  ->is_int());

  expect_error(call("PUT", "/v1/agents/reviewer_bot/auto-sync", R"({"enabled":"yes"})"), 400,
               "invalid_argument");
  expect_error(call("PUT", "/v1/agents/bad%20name/auto-sync", R"({"enabled":true})"), 400,
               "invalid_argument");
}

// ------------------------------------------------------------------------ signed events

TEST_F(ApiTest, SignedEventQueuesItsSyncAndAReplayIsIgnored) {
  auto accepted = deliver("evt_1", R"({"event":"submission_updated","submission_id":42})");
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  EXPECT_EQ(json(accepted).get_int("queued"), 1);
  ASSERT_EQ(jobs().size(), 1u);
  EXPECT_EQ(jobs()[0].key, (EntityKey{"manuscript", "42"}));
  EXPECT_EQ(jobs()[0].trigger, "event");
  EXPECT_EQ(wakeups_, 1);

  auto replay = deliver("evt_1", R"({"event":"submission_updated","submission_id":42})");
  EXPECT_EQ(replay.status, 200);
  EXPECT_TRUE(json(replay).find("duplicate")->as_bool());
  EXPECT_EQ(jobs().size(), 1u);
  EXPECT_EQ(wakeups_, 1);
}

TEST_F(ApiTest, EachEventTypeQueuesTheRightEntities) {
  ASSERT_EQ(
      deliver("e1", R"({"event":"decision_recorded","submission_id":"7","decision_id":3})").status,
      202);
  ASSERT_EQ(
      deliver("e2", R"({"event":"review_assigned","submission_id":8,"reviewer_id":12})").status,
      202);
  ASSERT_EQ(deliver("e3", R"({"event":"user_updated","user_id":13})").status, 202);
  ASSERT_EQ(deliver("e4", R"({"event_type":"submission_created","submission_id":"new_manuscript"})")
                .status,
            202);
  ASSERT_EQ(deliver("e5", R"({"event":"publication_edited","submission_id":9})").status, 202);
  std::set<std::string> keys;
  for (const Job& job : jobs()) keys.insert(job.key.to_string());
  EXPECT_EQ(keys,
            (std::set<std::string>{"decision/7:3", "manuscript/7", "manuscript/8", "reviewer/12",
                                   "reviewer/13", "manuscript/new_manuscript", "manuscript/9"}));
}

TEST_F(ApiTest, EventForAnAgentCreatedEntityMapsItsOjsId) {
  ASSERT_TRUE(agents_->put("manuscript", "draft-1", doc("Agent draft"), "").ok());
  auto synced = call("POST", "/v1/sync/manuscript/draft-1");
  ASSERT_EQ(synced.status, 200) << synced.body;
  const std::string ojs_id = store_->get_state({"manuscript", "draft-1"}).value()->ojs_id;
  ASSERT_EQ(ojs_id, "srv1");
  ASSERT_EQ(deliver("e1", R"({"event":"submission_updated","submission_id":"srv1"})").status, 202);
  ASSERT_EQ(jobs().size(), 1u);
  EXPECT_EQ(jobs()[0].key, (EntityKey{"manuscript", "draft-1"}));
}

TEST_F(ApiTest, ForgedStaleOrUnsignedEventsAre401AndWriteNothing) {
  const std::string body = R"({"event":"submission_updated","submission_id":42})";
  expect_error(deliver("evt_1", body, "another-secret-that-is-long-enough"), 401,
               "unauthenticated");
  expect_error(deliver("evt_1", body, kSecret, clock_.now() - std::chrono::minutes(6)), 401,
               "unauthenticated");
  expect_error(deliver("evt_1", body, kSecret, clock_.now() + std::chrono::minutes(6)), 401,
               "unauthenticated");
  expect_error(call("POST", "/v1/events", body), 401, "unauthenticated");
  auto tampered = [&] {
    const auto signer = WebhookVerifier::create({kSecret}).value();
    const std::string ts = std::to_string(
        std::chrono::duration_cast<std::chrono::seconds>(clock_.now().time_since_epoch()).count());
    return call("POST", "/v1/events", R"({"event":"submission_updated","submission_id":43})",
                {{"webhook-id", "evt_1"},
                 {"webhook-timestamp", ts},
                 {"webhook-signature", signer.sign("evt_1", ts, body)}});
  }();
  expect_error(tampered, 401, "unauthenticated");
  EXPECT_TRUE(jobs(std::nullopt).empty());
  // Nothing was remembered either: the genuine delivery of the same id is accepted.
  EXPECT_EQ(deliver("evt_1", body).status, 202);
  EXPECT_EQ(
      metrics_.render().find("ojsync_webhooks_total{result=\"rejected\"} 5") != std::string::npos,
      true)
      << metrics_.render();
}

TEST_F(ApiTest, AuthenticButUnusableEventsAreRejectedWithoutWriting) {
  expect_error(deliver("e1", R"({"event":"submission_exploded","submission_id":1})"), 422,
               "unprocessable_event");
  expect_error(deliver("e2", R"({"submission_id":1})"), 422, "unprocessable_event");
  expect_error(deliver("e3", R"({"event":"submission_updated"})"), 422, "unprocessable_event");
  expect_error(deliver("e4", R"({"event":"submission_updated","submission_id":1.5})"), 422,
               "unprocessable_event");
  expect_error(deliver("e5", R"({"event":"submission_updated","submission_id":"a b"})"), 422,
               "unprocessable_event");
  expect_error(deliver("e6", R"({"event":)"), 400, "invalid_argument");
  expect_error(deliver("e7", "[]"), 400, "invalid_argument");
  expect_error(
      deliver(std::string(201, 'x'), R"({"event":"submission_updated","submission_id":1})"), 400,
      "invalid_argument");
  EXPECT_TRUE(jobs(std::nullopt).empty());
  EXPECT_EQ(deliver("e1", R"({"event":"submission_updated","submission_id":1})").status, 202);
}

TEST_F(ApiTest, EventsWithoutASecretAreRefused) {
  ctx_.events = nullptr;
  expect_error(deliver("e1", R"({"event":"submission_updated","submission_id":1})"), 503,
               "webhooks_disabled");
}

// ------------------------------------------------------------------------ dead letters

TEST_F(ApiTest, ListsAndReplaysDeadLetteredJobs) {
  ojs_.put("manuscript", "5", doc("Five"));
  ojs_.poison("5", PermissionDenied("no"));
  ASSERT_TRUE(manager_->enqueue("manuscript", "5", Direction::kBoth, "test").ok());
  ASSERT_EQ(manager_->run_due_jobs("w").value().dead_lettered, 1u);
  auto dead = call("GET", "/v1/dlq");
  ASSERT_EQ(dead.status, 200);
  ASSERT_EQ(json(dead).get_int("count"), 1);
  const Json job = json(dead).find("jobs")->as_array()[0];
  EXPECT_EQ(job.get_string("entity_id"), "5");
  EXPECT_NE(job.get_string("last_error").find("PERMISSION_DENIED"), std::string::npos);
  auto replayed = call("POST", "/v1/dlq/" + std::to_string(job.get_int("id")) + "/replay");
  ASSERT_EQ(replayed.status, 200) << replayed.body;
  EXPECT_EQ(jobs().size(), 1u);
  EXPECT_EQ(wakeups_, 1);
  expect_error(call("POST", "/v1/dlq/" + std::to_string(job.get_int("id")) + "/replay"), 409,
               "failed_precondition");
  expect_error(call("POST", "/v1/dlq/999/replay"), 404, "not_found");
}

}  // namespace
}  // namespace ojsync::service
