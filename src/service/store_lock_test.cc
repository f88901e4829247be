#include "service/store_lock.h"

#include <gtest/gtest.h>

#include <optional>

#include "store/testing/temp_dir.h"

namespace ojsync::service {
namespace {

TEST(StoreLockTest, OneHolderPerStoreUntilItIsGone) {
  testing::TempDir dir("ojsync-lock");
  const std::string store = dir.file("ojsync.db");
  std::optional<StoreLock> first;
  {
    auto taken = StoreLock::acquire(store);
    ASSERT_TRUE(taken.ok()) << taken.status().to_string();
    first.emplace(std::move(taken).value());
  }
  auto second = StoreLock::acquire(store);
  EXPECT_EQ(second.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(second.status().message().find("another `ojsync serve`"), std::string::npos);
  EXPECT_TRUE(StoreLock::acquire(dir.file("other.db")).ok());  // Another store is free.
  first.reset();
  EXPECT_TRUE(StoreLock::acquire(store).ok());
  EXPECT_TRUE(StoreLock::acquire(":memory:").ok());
}

TEST(StoreLockTest, AnUnwritableDirectoryIsReported) {
  auto taken = StoreLock::acquire("/nonexistent-dir/ojsync.db");
  EXPECT_EQ(taken.status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace ojsync::service
