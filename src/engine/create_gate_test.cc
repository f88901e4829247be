#include "engine/create_gate.h"

#include <gtest/gtest.h>

#include <future>
#include <optional>

namespace ojsync {
namespace {

TEST(CreateGateTest, AReadOverlapsACreateInFlightOrBegunDuringIt) {
  CreateGate gate;
  const CreateGate::Mark quiet = gate.mark();
  EXPECT_FALSE(gate.overlapped(quiet));
  std::optional<CreateGate::Ticket> create(gate.begin_create());
  EXPECT_TRUE(gate.overlapped(quiet));  // Began after the mark.
  const CreateGate::Mark during = gate.mark();
  EXPECT_TRUE(gate.overlapped(during));  // In flight at the mark.
  create.reset();
  EXPECT_TRUE(gate.overlapped(during));
  EXPECT_FALSE(gate.overlapped(gate.mark()));
}

TEST(CreateGateTest, WaitingLastsUntilTheCreatesInFlightHaveEnded) {
  CreateGate gate;
  gate.wait_for_creates_begun_so_far();  // None in flight: returns at once.
  std::optional<CreateGate::Ticket> create(gate.begin_create());
  auto waiter = std::async(std::launch::async, [&] { gate.wait_for_creates_begun_so_far(); });
  EXPECT_EQ(waiter.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  create.reset();
  EXPECT_EQ(waiter.wait_for(std::chrono::seconds(10)), std::future_status::ready);
}

}  // namespace
}  // namespace ojsync
