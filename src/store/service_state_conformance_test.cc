// The Store contract for the daemon's own state: settings and accepted events. Part of the
// shared conformance suite (store_conformance.h): only the Store interface is used.
#include <vector>

#include "store/store_conformance.h"

namespace ojsync::testing {
namespace {

TEST_P(StoreConformanceTest, SettingsAreAbsentUntilPutAndThenReplaced) {
  auto absent = store_->get_setting("cursor.ojs.manuscript");
  OJSYNC_ASSERT_OK(absent);
  EXPECT_FALSE(absent->has_value());
  OJSYNC_ASSERT_OK(store_->put_setting("cursor.ojs.manuscript", "c1"));
  OJSYNC_ASSERT_OK(store_->put_setting("agent.reviewer_bot.auto_sync", "false"));
  OJSYNC_ASSERT_OK(store_->put_setting("cursor.ojs.manuscript", "c2 — ü"));
  auto cursor = store_->get_setting("cursor.ojs.manuscript");
  OJSYNC_ASSERT_OK(cursor);
  ASSERT_TRUE(cursor->has_value());
  EXPECT_EQ(**cursor, "c2 — ü");
  auto other = store_->get_setting("agent.reviewer_bot.auto_sync");
  OJSYNC_ASSERT_OK(other);
  EXPECT_EQ(other->value_or(""), "false");
  OJSYNC_ASSERT_OK(store_->put_setting("empty", ""));
  auto empty = store_->get_setting("empty");
  OJSYNC_ASSERT_OK(empty);
  EXPECT_EQ(empty->value_or("absent"), "");  // An empty value is not an absent one.
}

TEST_P(StoreConformanceTest, AcceptedEventQueuesItsSyncsAndAReplayWritesNothing) {
  const std::vector<QueuedSync> syncs = {{{"manuscript", "7"}, Direction::kBoth, "event"},
                                         {{"decision", "7:3"}, Direction::kFromOjs, "event"}};
  auto first = store_->accept_event("evt_1", at(10), syncs);
  OJSYNC_ASSERT_OK(first);
  EXPECT_TRUE(*first);
  auto jobs = store_->list_jobs(JobState::kPending, 10);
  OJSYNC_ASSERT_OK(jobs);
  ASSERT_EQ(jobs->size(), 2u);
  EXPECT_EQ((*jobs)[0].key, (EntityKey{"manuscript", "7"}));
  EXPECT_EQ((*jobs)[0].trigger, "event");
  EXPECT_EQ((*jobs)[0].run_at, at(10));
  EXPECT_EQ((*jobs)[1].key, (EntityKey{"decision", "7:3"}));
  EXPECT_EQ((*jobs)[1].direction, Direction::kFromOjs);

  // The replay comes later and names another entity: it must change nothing.
  const std::vector<QueuedSync> other = {{{"manuscript", "8"}, Direction::kBoth, "event"}};
  auto replay = store_->accept_event("evt_1", at(20), other);
  OJSYNC_ASSERT_OK(replay);
  EXPECT_FALSE(*replay);
  auto after = store_->list_jobs(std::nullopt, 10);
  OJSYNC_ASSERT_OK(after);
  EXPECT_EQ(after->size(), 2u);
}

TEST_P(StoreConformanceTest, AcceptedEventCollapsesIntoAPendingJob) {
  auto queued = store_->enqueue({"manuscript", "7"}, Direction::kBoth, "sweep", at(30));
  OJSYNC_ASSERT_OK(queued);
  const std::vector<QueuedSync> syncs = {{{"manuscript", "7"}, Direction::kBoth, "event"}};
  OJSYNC_ASSERT_OK(store_->accept_event("evt_2", at(5), syncs));
  auto jobs = store_->list_jobs(std::nullopt, 10);
  OJSYNC_ASSERT_OK(jobs);
  ASSERT_EQ(jobs->size(), 1u);
  EXPECT_EQ(jobs->front().id, *queued);
  EXPECT_EQ(jobs->front().run_at, at(5));  // Moved earlier, as enqueue() does.
}

TEST_P(StoreConformanceTest, ForgottenEventsCanBeAcceptedAgain) {
  OJSYNC_ASSERT_OK(store_->accept_event("old", at(0), {}));
  OJSYNC_ASSERT_OK(store_->accept_event("new", at(100), {}));
  auto forgotten = store_->forget_events(at(50));
  OJSYNC_ASSERT_OK(forgotten);
  EXPECT_EQ(*forgotten, 1);
  auto old_again = store_->accept_event("old", at(200), {});
  OJSYNC_ASSERT_OK(old_again);
  EXPECT_TRUE(*old_again);
  auto new_again = store_->accept_event("new", at(200), {});
  OJSYNC_ASSERT_OK(new_again);
  EXPECT_FALSE(*new_again);
}

}  // namespace
}  // namespace ojsync::testing
