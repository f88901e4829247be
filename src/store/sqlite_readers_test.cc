#include "store/sqlite_readers.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>

#include "store/testing/temp_dir.h"

namespace ojsync::testing {
namespace {

class SqliteReadersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = SqliteDb::open({path_});
    ASSERT_TRUE(db.ok()) << db.status().to_string();
    writer_ = std::move(db).value();
    ASSERT_TRUE(writer_->exec("CREATE TABLE t (v INTEGER NOT NULL)").ok());
    ASSERT_TRUE(writer_->exec("INSERT INTO t VALUES (1)").ok());
  }

  static std::int64_t value(SqliteDb& db) {
    auto q = db.query("SELECT v FROM t");
    if (!q.ok()) return -1;
    auto row = q->step();
    return row.ok() && *row ? q->int64(0) : -1;
  }

  TempDir dir_{"ojsync-readers"};
  std::string path_ = dir_.file("db.sqlite");
  std::unique_ptr<SqliteDb> writer_;
};

// The point of readers: a read does not wait for the writer's open transaction, and it sees
// the last committed state, not the transaction's uncommitted change.
TEST_F(SqliteReadersTest, AReadNeitherWaitsForNorSeesAnOpenWriteTransaction) {
  SqliteReaders readers(path_, std::chrono::seconds(5), 2);
  auto tx = Transaction::begin(*writer_, Transaction::Mode::kWrite);
  ASSERT_TRUE(tx.ok());
  ASSERT_TRUE(writer_->exec("UPDATE t SET v = 2").ok());

  auto read = std::async(std::launch::async, [&] {
    SqliteReaders::Lease reader = readers.acquire();
    return reader ? value(*reader) : -2;
  });
  ASSERT_EQ(read.wait_for(std::chrono::seconds(2)), std::future_status::ready);
  EXPECT_EQ(read.get(), 1);

  ASSERT_TRUE(tx->commit().ok());
  SqliteReaders::Lease reader = readers.acquire();
  ASSERT_TRUE(reader);
  EXPECT_EQ(value(*reader), 2);
}

TEST_F(SqliteReadersTest, ReadersCannotWrite) {
  SqliteReaders readers(path_, std::chrono::seconds(5), 1);
  SqliteReaders::Lease reader = readers.acquire();
  ASSERT_TRUE(reader);
  EXPECT_FALSE((*reader).exec("UPDATE t SET v = 3").ok());
  EXPECT_EQ(value(*writer_), 1);
}

// Lent one caller at a time, at most `max` at once; a returned one is lent again.
TEST_F(SqliteReadersTest, AtMostMaxAreLentAndAReturnedOneIsLentAgain) {
  SqliteReaders readers(path_, std::chrono::seconds(5), 2);
  SqliteDb* first = nullptr;
  {
    SqliteReaders::Lease a = readers.acquire();
    SqliteReaders::Lease b = readers.acquire();
    ASSERT_TRUE(a && b);
    EXPECT_NE(&*a, &*b);
    EXPECT_FALSE(readers.acquire());  // The caller reads through its writer instead.
    first = &*a;
  }
  SqliteReaders::Lease again = readers.acquire();
  ASSERT_TRUE(again);
  SqliteReaders::Lease other = readers.acquire();
  ASSERT_TRUE(other);
  EXPECT_TRUE(&*again == first || &*other == first);
}

// Every connection to ":memory:" is a database of its own: no readers there.
TEST(SqliteReadersMemoryTest, AnInMemoryDatabaseHasNoReaders) {
  SqliteReaders readers(":memory:", std::chrono::seconds(5), 4);
  EXPECT_FALSE(readers.acquire());
}

}  // namespace
}  // namespace ojsync::testing
