// The connector against what a live OJS 3.3.0.22 really answered
// (spec/ojs-api/3.3/captured): every body parses, every entity projects, and fetch/list run
// end to end over a transport that replays the recorded exchanges.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <map>

#include "connectors/ojs/manuscript_mapping.h"
#include "connectors/ojs/ojs_datetime.h"
#include "connectors/ojs/reviewer_mapping.h"
#include "connectors/ojs/testing/captured_exchanges.h"
#include "connectors/ojs/testing/fake_transport.h"
#include "connectors/ojs/version_detection.h"
#include "ojsync/ojs_connector.h"

namespace ojsync {
namespace {

using testing::CapturedExchange;
using testing::FakeTransport;
using testing::load_captured_exchanges;

constexpr std::string_view kOrigin = "http://127.0.0.1:8085";

bool is_json(const CapturedExchange& ex) {
  const std::string* type = ex.response.header("Content-Type");
  return type != nullptr && type->starts_with("application/json") && !ex.response.body.empty();
}

const CapturedExchange& find_captured(const std::vector<CapturedExchange>& all,
                                      std::string_view name) {
  auto it = std::find_if(all.begin(), all.end(), [&](const auto& ex) { return ex.name == name; });
  EXPECT_NE(it, all.end()) << name;
  return *it;
}

// "a=1&offset=0&b=2" → sorted parameters without offset=0 (the connector always sends it).
std::string normal_query(std::string_view q) {
  std::vector<std::string> parts;
  while (!q.empty()) {
    auto amp = q.find('&');
    std::string part(q.substr(0, amp));
    if (part != "offset=0" && !part.empty()) parts.push_back(part);
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  std::sort(parts.begin(), parts.end());
  std::string out;
  for (const auto& p : parts) out += p + "&";
  return out;
}

// Serves the recorded GET answers by path and query (the admin's successful answer where other
// users' tokens were also recorded); anything else is a test failure.
std::shared_ptr<FakeTransport> replay(const std::vector<CapturedExchange>& all) {
  std::map<std::string, HttpResponse> by_request;
  for (const auto& ex : all) {
    if (ex.method != "GET" || ex.query_string.find("apiToken") != std::string::npos) continue;
    auto [it, added] =
        by_request.emplace(ex.path + "?" + normal_query(ex.query_string), ex.response);
    if (!added && it->second.status >= 400 && ex.response.status < 400) it->second = ex.response;
  }
  return std::make_shared<FakeTransport>(
      [by_request](const HttpRequest& r) -> Result<HttpResponse> {
        EXPECT_EQ(r.method, "GET");
        const std::string url = r.url.substr(kOrigin.size());
        const auto q = url.find('?');
        const std::string key = url.substr(0, q) + "?" +
                                (q == std::string::npos ? "" : normal_query(url.substr(q + 1)));
        auto it = by_request.find(key);
        if (it == by_request.end()) return Internal("no captured exchange for " + key);
        return it->second;
      });
}

std::unique_ptr<Connector> captured_connector(std::shared_ptr<HttpTransport> transport) {
  setenv("OJSYNC_TEST_CAPTURED_TOKEN", "captured.token.value", 1);
  OjsConnectorOptions o;
  o.base_url = std::string(kOrigin);
  o.journal_path = "testj";
  o.api_token_env = "OJSYNC_TEST_CAPTURED_TOKEN";
  o.version = OjsVersion::k3_3;
  return make_ojs_connector(o, std::move(transport)).value();
}

TEST(CapturedReplayTest, EveryJsonBodyParsesAndEveryEntityProjects) {
  const auto all = load_captured_exchanges();
  ASSERT_EQ(all.size(), 141u);
  const TimeZone utc = TimeZone::utc();
  int bodies = 0, submissions = 0, publications = 0, users = 0;
  for (const auto& ex : all) {
    if (!is_json(ex)) continue;
    SCOPED_TRACE(ex.name);
    auto parsed = Json::parse(ex.response.body);
    ASSERT_TRUE(parsed.ok()) << parsed.status().to_string();
    ++bodies;
    std::vector<const Json*> objects{&*parsed};
    if (const Json* items = parsed->find("items"); items != nullptr && items->is_array()) {
      for (const auto& i : items->as_array()) objects.push_back(&i);
    }
    if (parsed->is_array()) {
      for (const auto& i : parsed->as_array()) objects.push_back(&i);
    }
    for (const Json* o : objects) {
      if (o->find("submissionProgress") != nullptr) {
        ++submissions;
        EXPECT_EQ(version_from_submission(*o), OjsVersion::k3_3);
        const Json doc = project_manuscript(*o, std::nullopt, OjsVersion::k3_3, utc);
        if (!o->find("dateLastActivity")->is_null()) {
          EXPECT_TRUE(parse_timestamp(doc.get_string("dateLastActivity")).ok());
          EXPECT_GT(manuscript_modified(*o, utc), Timestamp());
        }
      } else if (o->find("authors") != nullptr && o->find("submissionId") != nullptr) {
        ++publications;
        const Json doc = project_manuscript(Json::object(), *o, OjsVersion::k3_3, utc);
        EXPECT_TRUE(doc.is_object());
      } else if (o->find("userName") != nullptr) {
        ++users;
        EXPECT_FALSE(project_reviewer(*o, utc).get_string("userName").empty());
      }
    }
  }
  EXPECT_GT(bodies, 100);
  EXPECT_GT(submissions, 500);  // The bulk lists carry 100+ each.
  EXPECT_GT(publications, 10);
  EXPECT_GT(users, 10);
}

TEST(CapturedReplayTest, FetchesAManuscriptWithItsPublicationAndAuthors) {
  const auto all = load_captured_exchanges();
  auto transport = replay(all);
  auto ojs = captured_connector(transport);
  auto snap = ojs->fetch("manuscript", "2");
  ASSERT_TRUE(snap.ok()) << snap.status().to_string();
  ASSERT_TRUE(snap->has_value());
  const Json& doc = (*snap)->document;
  EXPECT_EQ(doc.find("title")->get_string("en"),
            "Soil Microbiome Resilience Under Prolonged Drought");
  EXPECT_EQ(doc.find("title")->get_string("fr_CA"),
            "Résilience du microbiome du sol face à une sécheresse prolongée");
  EXPECT_EQ(doc.find("title")->as_object().size(), 2u);  // The four empty locales are dropped.
  EXPECT_EQ(doc.find("keywords")->find("en")->as_array().size(), 4u);
  const auto& authors = doc.find("authors")->as_array();
  ASSERT_EQ(authors.size(), 3u);
  EXPECT_EQ(authors[0].get_int("id"), 1);
  EXPECT_EQ(authors[0].get_string("orcid"), "https://orcid.org/0000-0002-1825-0097");
  EXPECT_EQ(authors[0].find("familyName")->get_string("en"), "Raman");
  EXPECT_EQ(authors[1].find("affiliation")->get_string("fr_CA"), "Université de Montréal");
  EXPECT_EQ(doc.get_int("stageId"), 3);
  EXPECT_EQ(doc.get_int("sectionId"), 1);
  EXPECT_EQ(doc.get_int("publicationId"), 2);
  EXPECT_EQ(doc.get_string("locale"), "en");
  EXPECT_EQ(doc.get_string("dateSubmitted"), "2026-11-25T13:35:06Z");
  EXPECT_EQ((*snap)->modified, parse_timestamp("2026-11-25T13:35:41Z").value());
  for (const auto& r : transport->requests()) {
    const bool bearer = std::any_of(r.headers.begin(), r.headers.end(), [](const auto& h) {
      return h.first == "Authorization" && h.second == "Bearer captured.token.value";
    });
    EXPECT_TRUE(bearer);
    EXPECT_EQ(r.url.find("apiToken"), std::string::npos);
  }

  auto gone = ojs->fetch("manuscript", "999999");  // Captured: HTML "<h1>404 Not Found</h1>".
  ASSERT_TRUE(gone.ok()) << gone.status().to_string();
  EXPECT_FALSE(gone->has_value());
  auto heat = ojs->fetch("manuscript", "9");
  ASSERT_TRUE(heat.ok() && heat->has_value()) << heat.status().to_string();
  EXPECT_EQ((*heat)->document.find("authors")->as_array().size(), 2u);
}

TEST(CapturedReplayTest, ListsChangesInTheOrderOjsGave) {
  const auto all = load_captured_exchanges();
  auto ojs = captured_connector(replay(all));
  auto page = ojs->list_changed("manuscript", "", 100);
  ASSERT_TRUE(page.ok()) << page.status().to_string();
  EXPECT_FALSE(page->has_more);
  std::vector<std::string> ids;
  for (const auto& c : page->changes) ids.push_back(c.side_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"3", "2", "6", "10", "12", "4", "14", "11", "8", "5",
                                           "7", "9", "13"}));
  EXPECT_EQ(page->changes.front().modified, parse_timestamp("2026-11-25T13:35:42Z").value());
}

TEST(CapturedReplayTest, ReviewersAndTheirAbsence) {
  const auto all = load_captured_exchanges();
  auto ojs = captured_connector(replay(all));
  auto tanaka = ojs->fetch("reviewer", "3");
  ASSERT_TRUE(tanaka.ok() && tanaka->has_value()) << tanaka.status().to_string();
  EXPECT_EQ((*tanaka)->document.find("familyName")->get_string("ja"), "田中");
  EXPECT_EQ((*tanaka)->document.get_string("country"), "JP");
  auto admin = ojs->fetch("reviewer", "1");  // A journal manager, not a reviewer.
  ASSERT_TRUE(admin.ok());
  EXPECT_FALSE(admin->has_value());
  auto unknown = ojs->fetch("reviewer", "999999");  // Captured: JSON 404 api.404.resourceNotFound.
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(unknown->has_value());
}

TEST(CapturedReplayTest, TokyoWallClockTimesMatchTheRealInstant) {
  const auto all = load_captured_exchanges();
  const auto& tokyo = find_captured(all, "128-timezone-tokyo-create");
  const auto zone = TimeZone::load("Asia/Tokyo", "/usr/share/zoneinfo").value();
  const Json body = Json::parse(tokyo.response.body).value();
  // The server stamped 22:36:10 Tokyo time; the request left the client at 13:36:10 UTC.
  EXPECT_EQ(
      project_manuscript(body, std::nullopt, OjsVersion::k3_3, zone).get_string("dateSubmitted"),
      "2026-11-25T13:36:10Z");
}

}  // namespace
}  // namespace ojsync
