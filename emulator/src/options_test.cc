#include "options.h"

#include <gtest/gtest.h>

namespace ojsemu {
namespace {

TEST(Options, ParsesEveryFlagForm) {
  const auto parsed = parse_options({"--port", "0", "--ojs-version=3.5", "--journal", "jpk", "--api-key-secret", "s",
                                     "--seed", "9", "--submissions", "100000", "--reviewers", "7", "--time-zone",
                                     "Asia/Tokyo", "--fail-rate", "0.3", "--fail-statuses", "500,503", "--drop-rate",
                                     "0.05", "--latency-ms", "5", "--slow-body-ms", "20", "--fault-seed", "4",
                                     "--start-time", "2026-11-25 13:36:30", "--no-control"});
  ASSERT_TRUE(std::holds_alternative<Options>(parsed)) << std::get<std::string>(parsed);
  const Options& o = std::get<Options>(parsed);
  EXPECT_EQ(o.emulator.version, OjsVersion::k3_5);
  EXPECT_EQ(o.journal, "jpk");
  EXPECT_EQ(o.submissions, 100000);
  EXPECT_EQ(o.faults.fail_statuses, (std::vector<int>{500, 503}));
  EXPECT_DOUBLE_EQ(o.faults.fail_rate, 0.3);
  EXPECT_EQ(o.faults.seed, 4u);
  EXPECT_EQ(o.start_unix, 1795613790);
  EXPECT_FALSE(o.server.control_endpoints);
  EXPECT_EQ(o.emulator.time_zone.name(), "Asia/Tokyo");
}

TEST(Options, RejectsBadValuesWithoutEchoingThem) {
  const auto bad = parse_options({"--api-key-secret"});
  ASSERT_TRUE(std::holds_alternative<std::string>(bad));
  EXPECT_EQ(std::get<std::string>(bad), "option --api-key-secret needs a value");
  EXPECT_EQ(std::get<std::string>(parse_options({"--ojs-version", "3.6"})), "invalid value for --ojs-version");
  EXPECT_EQ(std::get<std::string>(parse_options({"--fail-rate", "1.5"})), "invalid value for --fail-rate");
  EXPECT_EQ(std::get<std::string>(parse_options({"--fail-statuses", "200"})), "invalid value for --fail-statuses");
  EXPECT_EQ(std::get<std::string>(parse_options({"--dataset", "other"})), "invalid value for --dataset");
  EXPECT_EQ(std::get<std::string>(parse_options({"--bogus"})), "unknown option --bogus");
}

}  // namespace
}  // namespace ojsemu
