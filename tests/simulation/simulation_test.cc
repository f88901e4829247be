// Runs the deterministic simulation over many seeds. Environment:
//   OJSYNC_SIM_SEED=n                 replay exactly one seed (what a failure prints)
//   OJSYNC_SIM_TRACE=1                with one seed: print every step, write and sync
//   OJSYNC_SIM_FIRST_SEED=n, OJSYNC_SIM_SEEDS=k   run seeds n .. n+k-1 (defaults 1 and 50)
#include "simulation/simulation.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>

namespace ojsync::simulation {
namespace {

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  return v == nullptr || *v == '\0' ? fallback : std::strtoull(v, nullptr, 10);
}

std::string this_binary() {
  char path[4096];
  const ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
  return n > 0 ? std::string(path, static_cast<std::size_t>(n)) : "ojsync_simulation_tests";
}

std::string replay_command(std::uint64_t seed) {
  return "OJSYNC_SIM_SEED=" + std::to_string(seed) + " " + this_binary() +
         " --gtest_filter=Simulation.RandomSchedules";
}

TEST(Simulation, RandomSchedules) {
  std::uint64_t first = env_number("OJSYNC_SIM_FIRST_SEED", 1);
  std::uint64_t count = env_number("OJSYNC_SIM_SEEDS", 50);
  if (std::getenv("OJSYNC_SIM_SEED") != nullptr) {
    first = env_number("OJSYNC_SIM_SEED", 1);
    count = 1;
  }
  const bool verbose = count == 1 || std::getenv("OJSYNC_SIM_VERBOSE") != nullptr;
  const auto start = std::chrono::steady_clock::now();
  int failing = 0;
  for (std::uint64_t seed = first; seed < first + count && failing < 5; ++seed) {
    SimulationOptions options;
    options.seed = seed;
    options.trace = count == 1 && std::getenv("OJSYNC_SIM_TRACE") != nullptr;
    const SimulationResult r = run_simulation(options);
    if (verbose) std::printf("%s\n", r.summary.c_str());
    if (r.violations.empty()) continue;
    ++failing;
    std::string text;
    for (std::size_t i = 0; i < r.violations.size() && i < 12; ++i)
      text += "\n  - " + r.violations[i];
    ADD_FAILURE() << r.summary << text << "\nReplay: " << replay_command(seed);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%llu seeds from %llu in %.1f s\n", static_cast<unsigned long long>(count),
              static_cast<unsigned long long>(first), seconds);
}

// The poisoned record: its side always fails; it ends dead-lettered while the others converge.
TEST(Simulation, PoisonedRecordIsDeadLetteredWhileOthersConverge) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    SimulationOptions options;
    options.seed = seed;
    options.force_poison = true;
    const SimulationResult r = run_simulation(options);
    EXPECT_NE(r.summary.find("poisoned"), std::string::npos) << r.summary;
    EXPECT_TRUE(r.violations.empty()) << r.summary << "\n" << r.violations.front();
  }
}

// The checks can fail: a side that silently drops a field is caught as a lost update.
TEST(Simulation, DetectsASideThatDropsAField) {
  bool lost = false;
  std::uint64_t seed = 1;
  for (; seed <= 20 && !lost; ++seed) {
    SimulationOptions options;
    options.seed = seed;
    options.sabotage = Sabotage::kDropAbstractOnAgentWrites;
    const SimulationResult r = run_simulation(options);
    for (const auto& v : r.violations) lost = lost || v.rfind("lost update", 0) == 0;
  }
  EXPECT_TRUE(lost) << "no seed in 1-20 caught it";
  std::printf("caught by seed %llu\n", static_cast<unsigned long long>(seed - 1));
}

// A connector that forgets earlier creates makes duplicates once replies are lost.
TEST(Simulation, DetectsDuplicateCreates) {
  bool duplicate = false;
  for (std::uint64_t seed = 1; seed <= 60 && !duplicate; ++seed) {
    SimulationOptions options;
    options.seed = seed;
    options.sabotage = Sabotage::kForgetCreates;
    for (const auto& v : run_simulation(options).violations) {
      duplicate = duplicate || v.rfind("at most once", 0) == 0;
    }
  }
  EXPECT_TRUE(duplicate);
}

}  // namespace
}  // namespace ojsync::simulation
