#include "service/config.h"

#include <gtest/gtest.h>

#include <map>

namespace ojsync::service {
namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

TEST(ConfigTest, EmptyTextGivesTheDocumentedDefaults) {
  auto c = parse_config("", env_of({}));
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_EQ(c->sync.batch_size, 20u);
  EXPECT_EQ(c->sync.retry_limit, 5);
  EXPECT_EQ(c->sync.sync_interval, std::chrono::seconds(60));
  EXPECT_EQ(c->sync.conflict_resolution, "latest_wins");
  EXPECT_EQ(c->sync.retention_days, 30);
  EXPECT_EQ(c->server.host, "127.0.0.1");
  EXPECT_EQ(c->webhooks.tolerance, std::chrono::minutes(5));
  EXPECT_EQ(c->webhooks.dedupe_retention, std::chrono::hours(72));
  EXPECT_TRUE(c->auto_sync_default);
}

TEST(ConfigTest, RetentionDefaultsToSyncRetentionDaysTableByTable) {
  auto c = parse_config(
      "[sync]\nretention_days = 10\n[retention]\nrecords_days = 3\n"
      "dead_jobs_days = 60\n",
      env_of({{"OJSYNC_RETENTION_AUDIT_PAYLOAD_DAYS", "0"}}));
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_EQ(c->retention.records_days, 3);
  EXPECT_EQ(c->retention.resolved_conflicts_days, 10);
  EXPECT_EQ(c->retention.tombstones_days, 10);
  EXPECT_EQ(c->retention.audit_payload_days, 0);
  EXPECT_EQ(c->retention.dead_jobs_days, 60);
  auto defaults = parse_config("", env_of({}));
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->retention.records_days, 30);
  EXPECT_EQ(defaults->retention.dead_jobs_days, 0);
  EXPECT_FALSE(parse_config("[retention]\nrecords_days = -1\n", env_of({})).ok());
  EXPECT_FALSE(parse_config("[retention]\nevents_days = 1\n", env_of({})).ok());
}

// The documented example must stay loadable: every key in it exists and has a valid value.
TEST(ConfigTest, TheExampleFileLoads) {
  auto c = load_config_file(OJSYNC_SOURCE_DIR "/ojsync.example.toml", env_of({}));
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_EQ(c->server.port, 8080);
  EXPECT_EQ(c->sync.field_policies.at("keywords"), "union");
  EXPECT_EQ(c->webhooks.secret_files.size(), 1u);
}

TEST(ConfigTest, AgentsAndDeduplicationSettings) {
  auto c = parse_config(
      "[agents]\nauto_sync_default = false\n[webhooks]\ndedupe_retention = \"1d\"\n", env_of({}));
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_FALSE(c->auto_sync_default);
  EXPECT_EQ(c->webhooks.dedupe_retention, std::chrono::hours(24));
  auto shorter = parse_config("[webhooks]\ndedupe_retention = \"1m\"\n", env_of({}));
  EXPECT_EQ(shorter.status().code(), StatusCode::kInvalidArgument);
  auto zero = parse_config("[sync]\nsync_interval = 0\n", env_of({}));
  EXPECT_EQ(zero.status().code(), StatusCode::kInvalidArgument);
}

TEST(ConfigTest, ReadsEverySectionAndEnvironmentWins) {
  auto c =
      parse_config(R"(
[store]
path = "/var/lib/ojsync/state.db"
[sync]
batch_size = 50
sync_interval = "5m"
conflict_resolution = "merge"
tie_winner = "agents"
[sync.field_policies]
keywords = "union"
title = "ojs"
[server]
port = 8080
[ojs]
base_url = "https://journal.example.org"
journal = "jpk"
version = "3.4"
index_php = false
[webhooks]
secret_files = ["/etc/ojsync/webhook-new", "/etc/ojsync/webhook-old"]
)",
                   env_of({{"OJSYNC_SYNC_BATCH_SIZE", "64"}, {"OJSYNC_OJS_JOURNAL", "other"}}));
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_EQ(c->store_path, "/var/lib/ojsync/state.db");
  EXPECT_EQ(c->sync.batch_size, 64u);
  EXPECT_EQ(c->sync.sync_interval, std::chrono::minutes(5));
  EXPECT_EQ(c->sync.tie_winner, Side::kAgents);
  EXPECT_EQ(c->sync.field_policies.at("title"), "ojs");
  EXPECT_EQ(c->server.port, 8080);
  EXPECT_EQ(c->ojs.journal, "other");
  EXPECT_FALSE(c->ojs.index_php);
  EXPECT_EQ(c->webhooks.secret_files.size(), 2u);
}

TEST(ConfigTest, EnvironmentFormsOfListsAndTables) {
  auto c = parse_config("", env_of({{"OJSYNC_SYNC_FIELD_POLICIES", "keywords=union,title=ojs"},
                                    {"OJSYNC_WEBHOOKS_SECRET_FILES", "/a,/b"},
                                    {"OJSYNC_OJS_INDEX_PHP", "0"}}));
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_EQ(c->sync.field_policies.size(), 2u);
  EXPECT_EQ(c->webhooks.secret_files, (std::vector<std::string>{"/a", "/b"}));
  EXPECT_FALSE(c->ojs.index_php);
}

TEST(ConfigTest, BadInputNamesTheKey) {
  auto expect_error = [](std::string_view text, const std::string& needle,
                         std::map<std::string, std::string> env = {}) {
    auto c = parse_config(text, env_of(std::move(env)));
    ASSERT_FALSE(c.ok()) << text;
    EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(c.status().message().find(needle), std::string::npos) << c.status().message();
  };
  expect_error("[sync]\nbatch_sise = 3", "sync.batch_sise");
  expect_error("[sync]\nbatch_size = \"many\"", "sync.batch_size");
  expect_error("[sync]\nbatch_size = 0", "sync.batch_size");
  expect_error("[sync]\nsync_interval = \"5 parsecs\"", "sync.sync_interval");
  expect_error("[sync]\ntie_winner = \"nobody\"", "sync.tie_winner");
  expect_error("[ojs]\nversion = \"2.4\"", "ojs.version");
  expect_error("[ojs]\nbase_url = \"https://x\"", "ojs.journal");
  expect_error("[webhooks]\ntolerance = \"0s\"", "webhooks.tolerance");
  expect_error("[webhooks]\ntolerance = \"999999h\"\ndedupe_retention = \"999999h\"",
               "webhooks.tolerance");
  expect_error("[sync\n", "line 1");
  expect_error("", "sync.retry_limit", {{"OJSYNC_SYNC_RETRY_LIMIT", "lots"}});
}

TEST(ConfigTest, ParsesDurations) {
  EXPECT_EQ(*parse_duration("250ms"), std::chrono::milliseconds(250));
  EXPECT_EQ(*parse_duration("30"), std::chrono::seconds(30));
  EXPECT_EQ(*parse_duration("2h"), std::chrono::hours(2));
  EXPECT_EQ(*parse_duration("1d"), std::chrono::hours(24));
  EXPECT_FALSE(parse_duration("-1s").ok());
  EXPECT_FALSE(parse_duration("99999999999h").ok());  // Would overflow Duration.
  EXPECT_FALSE(parse_duration("1w").ok());
  EXPECT_FALSE(parse_duration("").ok());
}

}  // namespace
}  // namespace ojsync::service
