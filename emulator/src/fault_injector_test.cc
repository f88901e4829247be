#include "fault_injector.h"

#include <gtest/gtest.h>

namespace ojsemu {
namespace {

std::vector<std::string> run(std::uint64_t seed) {
  FaultConfig config;
  config.seed = seed;
  config.fail_rate = 0.3;
  config.drop_rate = 0.1;
  FaultInjector injector(config);
  std::vector<std::string> outcomes;
  for (int i = 0; i < 200; ++i) {
    const auto d = injector.decide("GET", "/index.php/testj/api/v1/submissions?offset=" + std::to_string(i % 7));
    outcomes.push_back(d.drop ? "drop" : d.fail_status ? std::to_string(*d.fail_status) : "ok");
  }
  return outcomes;
}

TEST(FaultInjector, SameSeedSameSequence) { EXPECT_EQ(run(42), run(42)); }

TEST(FaultInjector, DifferentSeedDifferentSequence) { EXPECT_NE(run(42), run(43)); }

TEST(FaultInjector, RatesAndStatusMixAreRoughlyHonoured) {
  const auto outcomes = run(7);
  int drops = 0, fails = 0;
  std::map<std::string, int> statuses;
  for (const auto& o : outcomes) {
    if (o == "drop") {
      ++drops;
    } else if (o != "ok") {
      ++fails;
      ++statuses[o];
    }
  }
  EXPECT_GT(drops, 5);
  EXPECT_LT(drops, 40);
  EXPECT_GT(fails, 30);
  EXPECT_LT(fails, 90);
  EXPECT_EQ(statuses.size(), 4u);  // every status of the mix shows up
}

TEST(FaultInjector, NoFaultsWhenDisabled) {
  FaultInjector injector(FaultConfig{});
  for (int i = 0; i < 50; ++i) {
    const auto d = injector.decide("PUT", "/x");
    EXPECT_FALSE(d.drop);
    EXPECT_FALSE(d.fail_status.has_value());
  }
}

}  // namespace
}  // namespace ojsemu
