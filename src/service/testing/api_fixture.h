// The API router against a real engine: an in-memory store, the embedded agents' store and an
// in-memory OJS, a manual clock, and an API token per role. Requests go straight to
// ApiRouter::handle (no sockets); call() sends the admin token unless told otherwise.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>

#include "ojsync/random.h"
#include "service/api.h"
#include "support/memory_connector.h"

namespace ojsync::service::testing {

inline const Timestamp kStart{std::chrono::seconds(1'767'225'600)};  // 2026-01-01T00:00:00Z
inline const std::string kSecret = "a-webhook-secret-long-enough-for-hmac";

inline Json doc(std::string_view title) {
  Json d = Json::object();
  d["title"]["en"] = title;
  d["stageId"] = 3;
  return d;
}

class ApiFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    ojs_.hold_only(ojsync::testing::ojs_like_id);
    store_ = open_sqlite_store({":memory:"}).value();
    ASSERT_TRUE(store_->migrate().ok());
    agents_ = EmbeddedDocumentStore::open({":memory:", "embedded", &clock_}).value();
    SyncOptions options;
    options.conflict_resolution = "manual";
    options.workers = 2;
    SyncEnv env;
    env.store = store_.get();
    env.ojs = &ojs_;
    env.agents = agents_.get();
    env.clock = &clock_;
    env.random = &random_;
    env.sleep = [](Duration) {};
    manager_ = SyncManager::create(options, env).value();
    verifier_ = std::make_unique<WebhookVerifier>(WebhookVerifier::create({kSecret}).value());
    intake_ = std::make_unique<EventIntake>(verifier_.get(), store_.get(),
                                            &manager_->options().entity_types);
    settings_ = std::make_unique<AgentSettings>(store_.get(), true);
    ctx_.manager = manager_.get();
    ctx_.store = store_.get();
    ctx_.agents = agents_.get();
    ctx_.events = intake_.get();
    ctx_.agent_settings = settings_.get();
    ctx_.metrics = &metrics_;
    ctx_.clock = &clock_;
    ctx_.on_enqueued = [this] { ++wakeups_; };
    ctx_.limits.max_batch_ids = 3;
    authenticator_ = std::make_unique<Authenticator>(store_.get(), &clock_);
    ctx_.authenticator = authenticator_.get();
    router_ = std::make_unique<ApiRouter>(&ctx_);
    for (Role role : kAllRoles) {
      const std::string name = role == Role::kAgent ? "bot" : "the-" + std::string(role_name(role));
      bearer_[role] = make_token(name, role,
                                 role == Role::kAgent ? std::vector<std::string>{"manuscript"}
                                                      : std::vector<std::string>{});
    }
  }

  // Creates a token and returns its Authorization header value.
  std::string make_token(const std::string& name, Role role, std::vector<std::string> types = {}) {
    const MintedToken minted = mint_token().value();
    ApiToken token;
    token.name = name;
    token.role = role;
    token.entity_types = std::move(types);
    token.token_hash = minted.hash;
    token.created_at = clock_.now();
    EXPECT_TRUE(store_->create_token(token, "test").ok());
    return "Bearer " + minted.secret;
  }

  // A request with the admin token.
  HttpResponse call(std::string method, std::string target, std::string body = "",
                    std::map<std::string, std::string> headers = {}) {
    return call_as(bearer_[Role::kAdmin], std::move(method), std::move(target), std::move(body),
                   std::move(headers));
  }

  // A request with `authorization` as its Authorization header (none when nullopt), from
  // `remote` as the client address.
  HttpResponse call_as(const std::optional<std::string>& authorization, std::string method,
                       std::string target, std::string body = "",
                       std::map<std::string, std::string> headers = {},
                       std::string remote = "127.0.0.1") {
    if (authorization) headers["authorization"] = *authorization;
    HttpRequest request;
    request.remote_address = std::move(remote);
    request.method = std::move(method);
    const auto q = target.find('?');
    request.path = target.substr(0, q);
    if (q != std::string::npos) {
      std::string_view rest = std::string_view(target).substr(q + 1);
      while (!rest.empty()) {
        const auto amp = rest.find('&');
        std::string_view pair = rest.substr(0, amp);
        const auto eq = pair.find('=');
        request.query.emplace_back(
            std::string(pair.substr(0, eq)),
            eq == std::string_view::npos ? "" : std::string(pair.substr(eq + 1)));
        rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
      }
    }
    request.headers = std::move(headers);
    request.body = std::move(body);
    HttpResponse response;
    router_->handle(request, response);
    return response;
  }

  static Json json(const HttpResponse& r) { return Json::parse(r.body).value(); }
  static std::string header(const HttpResponse& r, std::string_view name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return "";
  }
  static void expect_error(const HttpResponse& r, int status, std::string_view code) {
    EXPECT_EQ(r.status, status) << r.body;
    auto body = Json::parse(r.body);
    ASSERT_TRUE(body.ok()) << r.body;
    EXPECT_EQ(body->get_string("error"), code) << r.body;
    EXPECT_TRUE(body->find("message") != nullptr && body->find("message")->is_string()) << r.body;
    EXPECT_EQ(body->as_object().size(), 2u) << r.body;
  }

  // A signed delivery of `body` with id `id`, signed by `secret`, stamped at `at`.
  HttpResponse deliver(const std::string& id, const std::string& body,
                       const std::string& secret = kSecret,
                       std::optional<Timestamp> at = std::nullopt) {
    return call_as(std::nullopt, "POST", "/v1/events", body, signed_headers(id, body, secret, at));
  }

  // The webhook headers of a delivery of `body` with id `id`.
  std::map<std::string, std::string> signed_headers(const std::string& id, const std::string& body,
                                                    const std::string& secret = kSecret,
                                                    std::optional<Timestamp> at = std::nullopt) {
    const auto signer = WebhookVerifier::create({secret}).value();
    const std::string ts = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                              at.value_or(clock_.now()).time_since_epoch())
                                              .count());
    return {{"webhook-id", id},
            {"webhook-timestamp", ts},
            {"webhook-signature", signer.sign(id, ts, body)}};
  }

  std::vector<Job> jobs(std::optional<JobState> state = JobState::kPending) {
    return store_->list_jobs(state, 100).value();
  }

  // An entity in sync on both sides.
  void synced_manuscript(const std::string& id, std::string_view title) {
    ojs_.put("manuscript", id, doc(title));
    ASSERT_EQ(call("POST", "/v1/sync/manuscript/" + id).status, 200);
  }

  // A world where every route has something to act on: manuscript 42 in sync, 7 in an open
  // conflict (conflict_id_), 5 dead-lettered (dead_job_id_). Call with ASSERT_NO_FATAL_FAILURE.
  void prepare_world() {
    synced_manuscript("42", "In sync");
    synced_manuscript("7", "Original");
    ojs_.put("manuscript", "7", doc("Edited in OJS"));
    auto local = agents_->get("manuscript", "7").value();
    ASSERT_TRUE(agents_->put("manuscript", "7", doc("Edited by an agent"), local->etag).ok());
    auto conflicted = call("POST", "/v1/sync/manuscript/7");
    ASSERT_EQ(json(conflicted).get_string("outcome"), "conflict");
    conflict_id_ = json(conflicted).get_int("conflict_id");
    ojs_.put("manuscript", "5", doc("Five"));
    ojs_.poison("5", PermissionDenied("no"));
    ASSERT_TRUE(manager_->enqueue("manuscript", "5", Direction::kBoth, "test").ok());
    ASSERT_EQ(manager_->run_due_jobs("w").value().dead_lettered, 1u);
    dead_job_id_ = jobs(JobState::kDead).front().id;
  }

  // Everything a request could write, in one comparable text: the audit head, every job,
  // conflict and sync state of every type, the sync count, every agents' document with its etag,
  // OJS's write count, the agent's auto-sync switch and which tokens were used.
  std::string world_fingerprint() {
    std::string f;
    const AuditHead head = store_->audit_head().value();
    f += "audit " + std::to_string(head.last_id) + " " + head.last_hash + "\n";
    const std::vector<Job> all_jobs = store_->list_jobs(std::nullopt, 1000).value();
    for (const Job& j : all_jobs) {
      f += "job " + std::to_string(j.id) + " " + j.key.to_string() + " " +
           std::string(job_state_name(j.state)) + " " + std::to_string(j.attempts) + "\n";
    }
    const std::vector<ConflictRecord> conflicts =
        store_->list_conflicts(std::nullopt, 1000).value();
    for (const ConflictRecord& c : conflicts) {
      f += "conflict " + std::to_string(c.id) +
           (c.status == ConflictStatus::kOpen ? " open\n" : " resolved\n");
    }
    f += "syncs " + std::to_string(store_->statistics(clock_.now()).value().all_time.total) + "\n";
    for (const std::string& type : manager_->options().entity_types.names()) {
      const std::vector<SyncState> states = store_->list_states(type, "", 1000).value();
      for (const SyncState& s : states) {
        f += "state " + s.key.to_string() + " " + std::to_string(s.version) + "\n";
      }
      const ChangePage held = agents_->list_changed(type, "", 1000).value();
      for (const ChangedEntity& change : held.changes) {
        auto document = agents_->get(type, change.side_id).value();
        f += "agents " + type + "/" + change.side_id + " " + (document ? document->etag : "-") +
             "\n";
      }
    }
    f += "ojs writes " + std::to_string(ojs_.writes()) + " removes " +
         std::to_string(ojs_.removes()) + "\n";
    f += "auto-sync bot " + std::to_string(settings_->auto_sync("bot").value()) + "\n";
    const std::vector<ApiToken> tokens = store_->list_tokens().value();
    for (const ApiToken& t : tokens) {
      f += "token " + t.name + " " + (t.last_used_at ? "used" : "unused") + "\n";
    }
    return f;
  }

  ManualClock clock_{kStart};
  SeededRandom random_{7};
  ojsync::testing::MemoryConnector ojs_{"ojs", clock_, /*server_assigns_ids=*/true};
  std::unique_ptr<Store> store_;
  std::unique_ptr<EmbeddedDocumentStore> agents_;
  std::unique_ptr<SyncManager> manager_;
  std::unique_ptr<WebhookVerifier> verifier_;
  std::unique_ptr<EventIntake> intake_;
  std::unique_ptr<AgentSettings> settings_;
  Metrics metrics_;
  std::unique_ptr<Authenticator> authenticator_;
  ApiContext ctx_;
  std::unique_ptr<ApiRouter> router_;
  std::map<Role, std::string> bearer_;  // "Bearer <secret>" of a token per role.
  int wakeups_ = 0;
  std::int64_t conflict_id_ = 0;  // Set by prepare_world().
  std::int64_t dead_job_id_ = 0;
};

}  // namespace ojsync::service::testing
