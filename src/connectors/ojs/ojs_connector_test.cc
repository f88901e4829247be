#include "ojsync/ojs_connector.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>
#include <set>
#include <thread>

#include "connectors/ojs/decision_types.h"
#include "connectors/ojs/testing/fake_ojs.h"
#include "connectors/ojs/testing/fake_transport.h"

namespace ojsync {
namespace {

using testing::FakeOjs;
using testing::FakeTransport;

constexpr const char* kTokenEnv = "OJSYNC_TEST_OJS_TOKEN";
constexpr OjsVersion kVersions[] = {OjsVersion::k3_3, OjsVersion::k3_4, OjsVersion::k3_5};

OjsConnectorOptions options(OjsVersion v) {
  setenv(kTokenEnv, FakeOjs::kToken, 1);
  OjsConnectorOptions o;
  o.base_url = "http://ojs.test";
  o.journal_path = "j";
  o.api_token_env = kTokenEnv;
  o.version = v;
  o.page_size = 20;
  o.overlap_items = 4;
  return o;
}

std::unique_ptr<Connector> connect(std::shared_ptr<HttpTransport> transport,
                                   OjsConnectorOptions o) {
  auto c = make_ojs_connector(std::move(o), std::move(transport));
  EXPECT_TRUE(c.ok()) << c.status().to_string();
  return std::move(c).value();
}

std::map<std::string, int> scan_all(Connector& c, std::string_view type, std::string& cursor,
                                    std::size_t limit) {
  std::map<std::string, int> seen;
  for (int i = 0; i < 1000; ++i) {
    auto page = c.list_changed(type, cursor, limit);
    EXPECT_TRUE(page.ok()) << page.status().to_string();
    if (!page.ok()) break;
    for (const auto& ch : page->changes) ++seen[ch.side_id];
    cursor = page->next_cursor;
    if (!page->has_more) break;
  }
  return seen;
}

TEST(OjsConnectorTest, FetchesManuscriptsInEveryVersionAndAbsenceIsNullopt) {
  for (OjsVersion v : kVersions) {
    auto fake = std::make_shared<FakeOjs>(v);
    const auto id = fake->add_submission("2026-05-01 10:00:00", 1, 3);
    auto ojs = connect(fake, options(v));
    auto snap = ojs->fetch("manuscript", std::to_string(id));
    ASSERT_TRUE(snap.ok()) << snap.status().to_string();
    ASSERT_TRUE(snap->has_value());
    const Json& doc = (*snap)->document;
    EXPECT_EQ(doc.find("title")->get_string("en"), "Title 1");
    EXPECT_EQ(doc.get_string("dateLastActivity"), "2026-05-01T10:00:00Z");
    EXPECT_EQ(doc.get_int("stageId"), 3);
    EXPECT_EQ((*snap)->modified, parse_timestamp("2026-05-01T10:00:00Z").value());
    auto missing = ojs->fetch("manuscript", "999");
    ASSERT_TRUE(missing.ok()) << missing.status().to_string();
    EXPECT_FALSE(missing->has_value());
    EXPECT_EQ(ojs->fetch("manuscript", "../users").status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(ojs->fetch("issue", "1").status().code(), StatusCode::kInvalidArgument);
  }
}

// The engine looks an entity it has no entry for up in OJS only under an id OJS could give.
TEST(OjsConnectorTest, CouldHoldOnlyTheIdsOjsGives) {
  auto ojs = connect(std::make_shared<FakeOjs>(OjsVersion::k3_4), options(OjsVersion::k3_4));
  for (const char* id : {"1", "12", "999999999"}) {
    EXPECT_TRUE(ojs->could_hold("manuscript", id)) << id;
    EXPECT_TRUE(ojs->could_hold("reviewer", id)) << id;
  }
  for (const char* id : {"", "0", "-3", "a4", "12a", "1.5", "3:4", "1234567890123456789"}) {
    EXPECT_FALSE(ojs->could_hold("manuscript", id)) << id;
    EXPECT_FALSE(ojs->could_hold("reviewer", id)) << id;
  }
  EXPECT_TRUE(ojs->could_hold("decision", "3:4"));
  for (const char* id : {"3", "a:4", "3:", ":4", "3:0", "d1"})
    EXPECT_FALSE(ojs->could_hold("decision", id)) << id;
}

TEST(OjsConnectorTest, AWrongBaseUrlIsAnErrorNeverADeletion) {
  auto fake = std::make_shared<FakeOjs>(OjsVersion::k3_3);
  fake->add_submission("2026-05-01 10:00:00");
  auto o = options(OjsVersion::k3_3);
  o.base_url = "http://ojs.test/elsewhere";
  auto ojs = connect(fake, o);
  auto snap = ojs->fetch("manuscript", "1");
  EXPECT_EQ(snap.status().code(), StatusCode::kNotFound);
}

TEST(OjsConnectorTest, JournalTimeZoneConvertsTimesToUtc) {
  auto fake = std::make_shared<FakeOjs>(OjsVersion::k3_4);
  fake->add_submission("2026-05-01 18:00:00");
  auto o = options(OjsVersion::k3_4);
  o.time_zone = "Asia/Tokyo";
  auto snap = connect(fake, o)->fetch("manuscript", "1");
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ((*snap)->modified, parse_timestamp("2026-05-01T09:00:00Z").value());
  EXPECT_EQ((*snap)->document.get_string("dateSubmitted"), "2026-05-01T09:00:00Z");
}

TEST(OjsConnectorTest, DetectsTheVersionOnceAndUsesItsOrderByName) {
  for (OjsVersion v : kVersions) {
    for (bool empty : {false, true}) {
      auto fake = std::make_shared<FakeOjs>(v);
      if (!empty) fake->add_submission("2026-05-01 10:00:00");
      auto ojs = connect(fake, options(OjsVersion::kDetect));
      std::vector<std::thread> threads;
      std::atomic<int> ok{0};
      for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] { ok += ojs->ping().ok() ? 1 : 0; });
      }
      for (auto& t : threads) t.join();
      EXPECT_EQ(ok.load(), 4);
      std::string cursor;
      scan_all(*ojs, "manuscript", cursor, 10);
      const bool v33 = v == OjsVersion::k3_3;
      EXPECT_EQ(fake->count_requests("GET", "orderBy=dateLastActivity") > 0, v33);
      EXPECT_EQ(fake->count_requests("GET", "orderBy=lastActivity") > 0, !v33);
      EXPECT_EQ(fake->count_requests("GET", "/submissions/0/decisions"), empty ? 1 : 0);
    }
  }
}

TEST(OjsConnectorTest, ChangeListingSeesEverySubmissionOnceAndThenOnlyChanges) {
  for (OjsVersion v : kVersions) {
    auto fake = std::make_shared<FakeOjs>(v);
    fake->shuffle_ties(11);
    for (int i = 0; i < 150; ++i) {
      const int minute = i % 12;  // 12-13 submissions per second: ties, but fewer than a page.
      fake->add_submission("2026-05-01 10:" + std::string(minute < 10 ? "0" : "") +
                           std::to_string(minute) + ":00");
    }
    auto ojs = connect(fake, options(v));
    std::string cursor;
    auto first = scan_all(*ojs, "manuscript", cursor, 37);
    EXPECT_EQ(first.size(), 150u);
    for (const auto& [id, n] : first) EXPECT_EQ(n, 1) << id;
    // Activity moves; the submission date does not: only ordering by activity finds these.
    fake->set_activity(3, "2026-05-02 08:00:00");
    fake->set_activity(77, "2026-05-02 09:00:00");
    auto second = scan_all(*ojs, "manuscript", cursor, 37);
    EXPECT_EQ(second.count("3"), 1u);
    EXPECT_EQ(second.count("77"), 1u);
    EXPECT_LT(second.size(), 20u);  // The changes and the newest second (inside the margin).
  }
}

TEST(OjsConnectorTest, AFetchRightAfterTheListingReadsOnlyThePublication) {
  for (OjsVersion v : kVersions) {
    auto fake = std::make_shared<FakeOjs>(v);
    for (int i = 0; i < 3; ++i) fake->add_submission("2026-05-01 10:00:0" + std::to_string(i));
    ManualClock clock(parse_timestamp("2026-05-01T10:00:05Z").value());
    OjsConnectorOptions o = options(v);
    o.clock = &clock;
    auto ojs = connect(fake, o);
    const Json fresh = ojs->fetch("manuscript", "1").value()->document;
    std::string cursor;
    ASSERT_EQ(scan_all(*ojs, "manuscript", cursor, 10).size(), 3u);
    // The listed submission plus a fresh publication: the same document, one request.
    std::size_t sent = fake->requests().size();
    EXPECT_EQ(ojs->fetch("manuscript", "1").value()->document, fresh);
    ASSERT_EQ(fake->requests().size(), sent + 1);
    EXPECT_NE(fake->requests().back().url.find("/submissions/1/publications/"), std::string::npos);
    // Taken once: the next fetch reads OJS whole again.
    sent = fake->requests().size();
    ASSERT_TRUE(ojs->fetch("manuscript", "1").ok());
    EXPECT_EQ(fake->requests().size(), sent + 2);
    // Deleted after the listing: absent, not a submission without its publication.
    fake->erase(2);
    auto gone = ojs->fetch("manuscript", "2");
    ASSERT_TRUE(gone.ok()) << gone.status().to_string();
    EXPECT_FALSE(gone->has_value());
    // Too old a listing is not used.
    clock.advance(std::chrono::seconds(6));
    sent = fake->requests().size();
    ASSERT_TRUE(ojs->fetch("manuscript", "3").value().has_value());
    EXPECT_EQ(fake->requests().size(), sent + 2);
  }
}

TEST(OjsConnectorTest, UpdatesWriteWhatTheVersionAcceptsAndReportTheRest) {
  for (OjsVersion v : kVersions) {
    auto fake = std::make_shared<FakeOjs>(v);
    const auto id = fake->add_submission("2026-05-01 10:00:00");
    auto ojs = connect(fake, options(v));
    Json doc = (*ojs->fetch("manuscript", "1").value()).document;
    doc["title"] = Json::object();
    doc["title"]["en"] = "New title";
    doc["title"]["fr_CA"] = "Nouveau titre";
    doc["status"] = 4;
    doc["keywords"]["en"] = Json::Array{"soil", "drought"};
    doc["favouriteColour"] = "teal";
    auto written = ojs->write("manuscript", "1", doc, "k1");
    ASSERT_TRUE(written.ok()) << written.status().to_string();
    const Json& stored = written->stored.document;
    EXPECT_EQ(stored.find("title")->get_string("fr_CA"), "Nouveau titre");
    EXPECT_EQ(stored.find("keywords")->find("en")->as_array().size(), 2u);
    // Documents say "en" for every version; OJS keeps its own name for it.
    const std::string journal_en = v == OjsVersion::k3_3 ? "en_US" : "en";
    EXPECT_EQ(fake->publication(id).find("title")->get_string(journal_en), "New title");
    if (v == OjsVersion::k3_3) {
      EXPECT_EQ(fake->submission(id).get_int("status"), 4);
      EXPECT_EQ(written->rejected_fields, (std::vector<std::string>{"favouriteColour"}));
    } else {
      EXPECT_EQ(fake->submission(id).get_int("status"), 1);
      EXPECT_EQ(written->rejected_fields, (std::vector<std::string>{"favouriteColour", "status"}));
    }
    // A locale left out of the document is removed from OJS (OJS itself would keep it).
    Json fewer = stored;
    fewer["title"].as_object().erase("fr_CA");
    auto again = ojs->write("manuscript", "1", fewer, "k2");
    ASSERT_TRUE(again.ok()) << again.status().to_string();
    EXPECT_EQ(fake->publication(id).find("title")->find("fr_CA"), nullptr);
    // Writing what OJS holds sends nothing.
    const int puts = fake->count_requests("PUT", "/submissions/");
    ASSERT_TRUE(ojs->write("manuscript", "1", again->stored.document, "k3").ok());
    EXPECT_EQ(fake->count_requests("PUT", "/submissions/"), puts);
  }
}

TEST(OjsConnectorTest, AuthorsGoThroughTheContributorApiFrom34AndAreRejectedIn33) {
  for (OjsVersion v : kVersions) {
    auto fake = std::make_shared<FakeOjs>(v);
    const auto id = fake->add_submission("2026-05-01 10:00:00");
    fake->add_author(id, "Ada", "ada@example.org");
    fake->add_author(id, "Bo", "bo@example.org");
    auto ojs = connect(fake, options(v));
    Json doc = (*ojs->fetch("manuscript", "1").value()).document;
    ASSERT_EQ(doc.find("authors")->as_array().size(), 2u);
    Json authors = Json::array();
    Json ada = doc.find("authors")->as_array()[0];
    ada["givenName"]["en"] = "Augusta Ada";
    authors.as_array().push_back(ada);
    Json cy = Json::object();
    cy["givenName"]["en"] = "Cy";
    cy["email"] = "cy@example.org";
    cy["seq"] = 2;
    authors.as_array().push_back(cy);
    doc["authors"] = authors;
    if (v == OjsVersion::k3_3) {
      auto w = ojs->write("manuscript", "1", doc, "a");
      ASSERT_TRUE(w.ok());
      EXPECT_EQ(w->rejected_fields, (std::vector<std::string>{"authors"}));
      EXPECT_EQ(fake->count_requests("POST", "contributors"), 0);
      continue;
    }
    // The create's response is lost after OJS stored the author; the retry must not add a twin.
    fake->lose_next_response("POST", "/contributors");
    auto lost = ojs->write("manuscript", "1", doc, "a");
    EXPECT_EQ(lost.status().code(), StatusCode::kDeadlineExceeded);
    auto w = ojs->write("manuscript", "1", doc, "a");
    ASSERT_TRUE(w.ok()) << w.status().to_string();
    EXPECT_TRUE(w->rejected_fields.empty());
    const auto& stored = w->stored.document.find("authors")->as_array();
    ASSERT_EQ(stored.size(), 2u);
    EXPECT_EQ(stored[0].find("givenName")->get_string("en"), "Augusta Ada");
    EXPECT_EQ(stored[1].get_string("email"), "cy@example.org");
    EXPECT_GT(stored[1].get_int("id"), 0);
    EXPECT_EQ(stored[1].get_int("userGroupId"), 14);  // Borrowed from the existing authors.
    EXPECT_EQ(fake->count_requests("POST", "contributors"), 1);
    EXPECT_EQ(fake->count_requests("DELETE", "contributors"), 1);
  }
}

TEST(OjsConnectorTest, CreatesFollowEachVersionsFlowAndSurviveALostResponse) {
  for (OjsVersion v : kVersions) {
    auto fake = std::make_shared<FakeOjs>(v);
    OjsConnectorOptions o = options(v);
    o.request_attempts = 1;  // The lost answer must reach the connector's create recovery.
    auto ojs = connect(fake, o);
    Json doc = Json::object();
    doc["title"]["en"] = "Fresh";
    doc["abstract"]["en"] = "<p>Abstract</p>";
    if (v != OjsVersion::k3_3) {
      EXPECT_EQ(ojs->write("manuscript", "", doc, "new-1").status().code(),
                StatusCode::kInvalidArgument);
      doc["sectionId"] = 1;
    }
    // The submission exists; the response of the next step is lost. (A lost answer to the very
    // first POST cannot be recovered: OJS takes no client key. See docs/ojs-connector.md.)
    if (v == OjsVersion::k3_3) {
      fake->lose_next_response("POST", "/publications");
    } else {
      fake->lose_next_response("PUT", "/publications/");
    }
    EXPECT_EQ(ojs->write("manuscript", "", doc, "new-1").status().code(),
              StatusCode::kDeadlineExceeded);
    auto created = ojs->write("manuscript", "", doc, "new-1");
    ASSERT_TRUE(created.ok()) << created.status().to_string();
    EXPECT_EQ(fake->submission_count(), 1u);
    EXPECT_EQ(created->stored.document.find("title")->get_string("en"), "Fresh");
    EXPECT_EQ(fake->count_requests("POST", "/publications"), v == OjsVersion::k3_3 ? 1 : 0);
    EXPECT_EQ(ojs->remove("manuscript", created->stored.side_id).ok(), true);
    EXPECT_EQ(ojs->remove("manuscript", created->stored.side_id).ok(), true);  // Already gone.
    EXPECT_EQ(fake->submission_count(), 0u);
  }
}

// A create whose answers were all lost, and a process that died before learning the id: the
// submission carries the create's key in its publisher id, so the next process finds it by that
// key (docs/invariants.md, G1) instead of creating a second one, and reads whose it is.
TEST(OjsConnectorTest, ACreateWhoseAnswerWasLostIsFoundByItsStampAfterARestart) {
  for (OjsVersion v : kVersions) {
    auto fake = std::make_shared<FakeOjs>(v);
    const Timestamp since = SystemClock::instance().now();
    fake->add_submission("2020-01-01 10:00:00");  // Someone else's, older than the create.
    Json doc = Json::object();
    doc["title"]["en"] = "Fresh";
    if (v != OjsVersion::k3_3) doc["sectionId"] = 1;
    const std::string key = "manuscript/a1:create:";
    {
      OjsConnectorOptions o = options(v);
      o.request_attempts = 1;
      auto ojs = connect(fake, o);
      // The request that carries the stamp takes effect; its answer is lost, and so is the
      // engine's second asking (the process dies).
      fake->lose_next_response(v == OjsVersion::k3_3 ? "POST" : "PUT", "/publications");
      EXPECT_EQ(ojs->write("manuscript", "", doc, key).status().code(),
                StatusCode::kDeadlineExceeded);
    }
    ASSERT_EQ(fake->submission_count(), 2u);
    auto restarted = connect(fake, options(v));
    auto none = restarted->find_created("manuscript", "manuscript/b2:create:", since);
    ASSERT_TRUE(none.ok()) << none.status().to_string();
    EXPECT_FALSE(none->has_value());
    auto found = restarted->find_created("manuscript", key, since);
    ASSERT_TRUE(found.ok()) << found.status().to_string();
    ASSERT_TRUE(found->has_value()) << "the create was not found by its stamp";
    EXPECT_EQ((*found)->created_by, key);
    EXPECT_EQ((*found)->document.find("title")->get_string("en"), "Fresh");
    auto fetched = restarted->fetch("manuscript", (*found)->side_id);
    ASSERT_TRUE(fetched.ok() && fetched->has_value());
    EXPECT_EQ((*fetched)->created_by, key);
    auto other = restarted->fetch("manuscript", "1");
    ASSERT_TRUE(other.ok() && other->has_value());
    EXPECT_EQ((*other)->created_by, "");
    // The engine then writes the found submission: still one create.
    ASSERT_TRUE(restarted->write("manuscript", (*found)->side_id, doc, "k").ok());
    EXPECT_EQ(fake->submission_count(), 2u);
    EXPECT_EQ(fake->count_requests("POST", "/submissions"), 1 + (v == OjsVersion::k3_3 ? 1 : 0));
  }
}

TEST(OjsConnectorTest, DecisionsAreUnimplementedOn33) {
  auto fake = std::make_shared<FakeOjs>(OjsVersion::k3_3);
  fake->add_submission("2026-05-01 10:00:00");
  auto ojs = connect(fake, options(OjsVersion::k3_3));
  Json doc = Json::object();
  doc["submissionId"] = 1;
  doc["decisionName"] = "accept";
  EXPECT_EQ(ojs->write("decision", "", doc, "d").status().code(), StatusCode::kUnimplemented);
  EXPECT_EQ(ojs->fetch("decision", "1:1").status().code(), StatusCode::kUnimplemented);
  EXPECT_EQ(ojs->list_changed("decision", "", 10).status().code(), StatusCode::kUnimplemented);
  EXPECT_EQ(fake->count_requests("POST", "decisions"), 0);
}

TEST(OjsConnectorTest, ADecisionIsRecordedAtMostOnceAcrossLostResponsesAndRestarts) {
  for (OjsVersion v : {OjsVersion::k3_4, OjsVersion::k3_5}) {
    auto fake = std::make_shared<FakeOjs>(v);
    const auto id = fake->add_submission("2026-05-01 10:00:00", 1, 3);
    Json accept = Json::object();
    accept["submissionId"] = id;
    accept["decisionName"] = "accept";
    {
      auto ojs = connect(fake, options(v));
      fake->lose_next_response("POST", "/decisions");
      auto lost = ojs->write("decision", "", accept, "intent-1");
      EXPECT_EQ(lost.status().code(), StatusCode::kDeadlineExceeded);
      EXPECT_TRUE(lost.status().is_retryable());
      auto retried = ojs->write("decision", "", accept, "intent-1");
      ASSERT_TRUE(retried.ok()) << retried.status().to_string();
      EXPECT_EQ(retried->stored.document.get_string("decisionName"), "accept");
      EXPECT_EQ(retried->stored.document.get_int("decision"), 2);
    }
    {
      auto restarted = connect(fake, options(v));  // A new process: the key memo is gone.
      auto again = restarted->write("decision", "", accept, "intent-1");
      ASSERT_TRUE(again.ok());
    }
    EXPECT_EQ(fake->decision_count(id), 1u);
    EXPECT_EQ(fake->count_requests("POST", "/decisions"), 1);

    auto ojs = connect(fake, options(v));
    Json decline = accept;
    decline["decisionName"] = "decline";
    Json revert = accept;
    revert["decisionName"] = "revert_decline";
    ASSERT_TRUE(ojs->write("decision", "", decline, "intent-2").ok());
    ASSERT_TRUE(ojs->write("decision", "", revert, "intent-3").ok());
    auto second_decline = ojs->write("decision", "", decline, "intent-4");  // Legitimately again.
    ASSERT_TRUE(second_decline.ok());
    EXPECT_EQ(fake->decision_count(id), 4u);

    const std::string side_id = second_decline->stored.side_id;
    auto fetched = ojs->fetch("decision", side_id);
    ASSERT_TRUE(fetched.ok() && fetched->has_value());
    EXPECT_EQ((*fetched)->document.get_int("decision"), 6);
    EXPECT_TRUE(ojs->write("decision", side_id, decline, "x").ok());
    EXPECT_EQ(ojs->write("decision", side_id, accept, "x").status().code(),
              StatusCode::kFailedPrecondition);
    EXPECT_EQ(ojs->remove("decision", side_id).code(), StatusCode::kFailedPrecondition);
    EXPECT_TRUE(ojs->remove("decision", std::to_string(id) + ":424242").ok());

    Json mismatch = accept;
    mismatch["decision"] = 6;
    EXPECT_EQ(ojs->write("decision", "", mismatch, "y").status().code(),
              StatusCode::kInvalidArgument);

    std::string cursor;
    auto listed = scan_all(*ojs, "decision", cursor, 3);
    EXPECT_EQ(listed.size(), 4u);
    EXPECT_EQ(listed.count(side_id), 1u);
  }
}

TEST(OjsConnectorTest, DecisionCodesDependOnTheVersion) {
  EXPECT_EQ(decision_code("decline", OjsVersion::k3_3), 4);
  EXPECT_EQ(decision_code("decline", OjsVersion::k3_4), 6);
  EXPECT_EQ(decision_code("decline", OjsVersion::k3_5), 6);
  EXPECT_EQ(decision_name(4, OjsVersion::k3_4), "pending_revisions");
  EXPECT_EQ(decision_name(4, OjsVersion::k3_3), "decline");
  EXPECT_EQ(decision_code("skip_external_review", OjsVersion::k3_3), std::nullopt);
  EXPECT_EQ(decision_code("no_such_decision", OjsVersion::k3_4), std::nullopt);
}

TEST(OjsConnectorTest, ReviewersAreReadOnly) {
  auto fake = std::make_shared<FakeOjs>(OjsVersion::k3_4);
  auto ojs = connect(fake, options(OjsVersion::k3_4));
  auto r = ojs->fetch("reviewer", "7");
  ASSERT_TRUE(r.ok() && r->has_value()) << r.status().to_string();
  EXPECT_EQ((*r)->document.get_string("userName"), "r.one");
  EXPECT_FALSE(ojs->fetch("reviewer", "8")->has_value());
  EXPECT_EQ(ojs->write("reviewer", "7", (*r)->document, "k").status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(ojs->write("reviewer", "", (*r)->document, "k").status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(ojs->remove("reviewer", "7").code(), StatusCode::kFailedPrecondition);
  std::string cursor;
  EXPECT_EQ(scan_all(*ojs, "reviewer", cursor, 5), (std::map<std::string, int>{{"7", 1}}));
}

TEST(OjsConnectorTest, FallsBackToTheQueryTokenWhenTheServerStripsAuthorization) {
  auto fake = std::make_shared<FakeOjs>(OjsVersion::k3_3);
  fake->add_submission("2026-05-01 10:00:00");
  fake->strip_authorization(true);
  auto strict = options(OjsVersion::k3_3);
  strict.auth_mode = OjsAuthMode::kBearer;
  auto bearer_only = connect(fake, strict);
  const Status refused = bearer_only->ping();
  EXPECT_EQ(refused.code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(refused.message().find("SECRETVALUE"), std::string::npos);

  auto ojs = connect(fake, options(OjsVersion::k3_3));
  ASSERT_TRUE(ojs->ping().ok());
  ASSERT_TRUE(ojs->fetch("manuscript", "1").ok());
  const auto requests = fake->requests();
  int with_query = 0;
  for (const auto& r : requests) with_query += r.url.find("apiToken=") != std::string::npos;
  // kBearer: 1 refused; fallback: 1 refused + 1 retried ping + 2 fetch requests sent straight with
  // the query.
  EXPECT_EQ(requests.size(), 5u);
  EXPECT_EQ(with_query, 3);
}

TEST(OjsConnectorTest, TheTokenNeverAppearsInAnError) {
  auto echo = std::make_shared<FakeTransport>([](const HttpRequest& r) -> Result<HttpResponse> {
    std::string auth;
    for (const auto& [k, v] : r.headers) {
      if (k == "Authorization") auth = v;
    }
    return Unavailable("could not reach " + r.url + " with " + auth);
  });
  auto o = options(OjsVersion::k3_4);
  for (OjsAuthMode mode : {OjsAuthMode::kBearer, OjsAuthMode::kQueryParameter}) {
    o.auth_mode = mode;
    auto ojs = connect(echo, o);
    const Status s = ojs->ping();
    EXPECT_EQ(s.code(), StatusCode::kUnavailable);
    EXPECT_EQ(s.message().find("SECRETVALUE"), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("<redacted>"), std::string::npos) << s.message();
  }
}

TEST(OjsConnectorTest, OptionsAreChecked) {
  auto fake = std::make_shared<FakeOjs>(OjsVersion::k3_4);
  auto o = options(OjsVersion::k3_4);
  o.page_size = 101;
  EXPECT_EQ(make_ojs_connector(o, fake).status().code(), StatusCode::kInvalidArgument);
  o = options(OjsVersion::k3_4);
  o.overlap_items = 10;
  EXPECT_EQ(make_ojs_connector(o, fake).status().code(), StatusCode::kInvalidArgument);
  o = options(OjsVersion::k3_4);
  o.api_token_file = "/tmp/x";
  EXPECT_EQ(make_ojs_connector(o, fake).status().code(), StatusCode::kInvalidArgument);
  o = options(OjsVersion::k3_4);
  o.api_token_env = "OJSYNC_TEST_SURELY_UNSET_VARIABLE";
  EXPECT_EQ(make_ojs_connector(o, fake).status().code(), StatusCode::kFailedPrecondition);
  o = options(OjsVersion::k3_4);
  o.time_zone = "Nowhere/Special";
  EXPECT_EQ(make_ojs_connector(o, fake).status().code(), StatusCode::kNotFound);
  o = options(OjsVersion::k3_4);
  o.base_url = "ftp://ojs.test";
  EXPECT_EQ(make_ojs_connector(o, fake).status().code(), StatusCode::kInvalidArgument);

  const std::string file = ::testing::TempDir() + "ojs_token";
  std::ofstream(file) << FakeOjs::kToken << "\n";
  o = options(OjsVersion::k3_4);
  o.api_token_env.clear();
  o.api_token_file = file;
  auto ojs = make_ojs_connector(o, fake);
  ASSERT_TRUE(ojs.ok()) << ojs.status().to_string();
  EXPECT_TRUE((*ojs)->ping().ok());
  std::ofstream(file) << "two words";
  EXPECT_EQ(make_ojs_connector(o, fake).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ojsync
