// The Store conformance suite: the contract of include/ojsync/store.h as tests, written only
// against the Store interface so that every backend (SQLite now, PostgreSQL later) passes the
// same suite. The tests live in store_conformance_test.cc; a backend instantiates them:
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformanceTest,
//                            ::testing::Values(StoreFactory{"memory", [] { return ...; }}),
//                            store_factory_name);
//
// Timestamps are explicit (no clock is read), so every figure the suite checks is exact.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "ojsync/store.h"

namespace ojsync::testing {

struct StoreFactory {
  std::string name;  // Becomes part of the test names: letters, digits and '_' only.
  // A new, empty store, not yet migrated. Called once per test; must not return nullptr.
  std::function<std::unique_ptr<Store>()> make;
};

std::string store_factory_name(const ::testing::TestParamInfo<StoreFactory>& info);
// Lets GoogleTest print a parameter by its name.
void PrintTo(const StoreFactory& factory, std::ostream* os);

// Fails the current test when `expr` (a Status or Result) is not OK.
#define OJSYNC_ASSERT_OK(expr)                                                          \
  do {                                                                                  \
    const auto& ojsync_ok_ = (expr);                                                    \
    ASSERT_TRUE(ojsync_ok_.ok()) << ::ojsync::testing::status_of(ojsync_ok_).to_string(); \
  } while (false)

inline const Status& status_of(const Status& s) { return s; }
template <typename T>
const Status& status_of(const Result<T>& r) {
  return r.status();
}

class StoreConformanceTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override;

  // A fixed instant, so tests state exact times: 2026-01-01T00:00:00Z + `seconds`.
  static Timestamp at(std::int64_t seconds);

  static SyncState make_state(const EntityKey& key, std::optional<Json> base);
  static SyncRecord make_record(const EntityKey& key, SyncOutcome outcome, Timestamp started,
                                Duration duration);
  static ConflictRecord make_conflict(const EntityKey& key, Timestamp created);
  // An audit entry by "engine" with the reason "merged" and a small payload.
  static AuditEntry make_audit(const EntityKey& key, std::string action, Timestamp when);

  // Commits a sync of `key` that writes only its record.
  Result<CommitResult> commit_record(const EntityKey& key, SyncOutcome outcome, Timestamp started,
                                     Duration duration = Duration(0));
  // Enqueues `key` at `run_at` and leases it to "w" at `run_at`; returns the job id.
  Result<std::int64_t> enqueue_and_claim(const EntityKey& key, Timestamp run_at);
  // The job with `id`, whatever its state; nullopt when it is gone.
  std::optional<Job> find_job(std::int64_t id);

  std::unique_ptr<Store> store_;
};

}  // namespace ojsync::testing
