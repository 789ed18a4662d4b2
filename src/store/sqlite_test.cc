#include "store/sqlite.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "support/temp_dir.h"

namespace belofte::store {
namespace {

class SqliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Database::Open(dir_.File("t.db"));
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(db.value());
  }

  int64_t Scalar(const std::string& sql) {
    auto st = db_->Prepare(sql);
    EXPECT_TRUE(st.ok());
    return st->Step() ? st->Int(0) : -1;
  }

  belofte::testing::TempDir dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(SqliteTest, RowBatchRunsAnyNumberOfRows) {
  ASSERT_TRUE(db_->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL) STRICT").ok());
  RowBatch insert(*db_, "INSERT OR ROLLBACK INTO t(id, name) VALUES ", 2, "");
  int64_t next = 0, sum = 0;
  for (size_t rows : {0, 1, 2, 3, 63, 64, 65, 200}) {
    const int64_t first = next;
    Status s = insert.Run(rows, [&](Statement& st, int p, size_t i) {
      EXPECT_EQ(static_cast<int64_t>(i), next - first);  // rows come in order
      st.Bind(p + 1, next).Bind(p + 2, "row " + std::to_string(next));
      sum += next++;
    });
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(next - first, static_cast<int64_t>(rows));
  }
  EXPECT_EQ(Scalar("SELECT count(*) FROM t"), next);
  EXPECT_EQ(Scalar("SELECT sum(id) FROM t"), sum);
  EXPECT_EQ(Scalar("SELECT count(*) FROM t WHERE name = 'row ' || id"), next);

  // The UPDATE ... FROM (VALUES ...) form, which Commit uses for changed rows.
  RowBatch rename(*db_, "UPDATE OR ROLLBACK t SET name = v.column2 FROM (VALUES ", 2, ") AS v WHERE t.id = v.column1");
  Status s = rename.Run(
      100, [](Statement& st, int p, size_t i) { st.Bind(p + 1, static_cast<int64_t>(2 * i)).Bind(p + 2, "even"); });
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(Scalar("SELECT count(*) FROM t WHERE name = 'even'"), 100);
}

TEST_F(SqliteTest, RowBatchStopsAtTheFirstFailure) {
  ASSERT_TRUE(db_->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY) STRICT; INSERT INTO t VALUES (70)").ok());
  ASSERT_TRUE(db_->Exec("BEGIN").ok());
  RowBatch insert(*db_, "INSERT OR ROLLBACK INTO t(id) VALUES ", 1, "");
  size_t bound = 0;
  Status s = insert.Run(200, [&](Statement& st, int p, size_t i) {
    st.Bind(p + 1, static_cast<int64_t>(i));
    ++bound;
  });
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(bound, 128u);  // rows 0-63 went in, 64-127 (with 70) failed, nothing after
  // OR ROLLBACK: the failure ended the whole transaction.
  EXPECT_EQ(Scalar("SELECT count(*) FROM t"), 1);
}

TEST_F(SqliteTest, WalCheckpointerKeepsTheWalBounded) {
  constexpr int kStart = 64, kLimit = 256;  // frames of 4 KiB
  auto checkpointer = WalCheckpointer::Start(dir_.File("t.db"), *db_, kStart, kLimit);
  ASSERT_TRUE(checkpointer.ok()) << checkpointer.error().message;
  ASSERT_TRUE(db_->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, blob BLOB NOT NULL) STRICT").ok());
  auto insert = db_->Prepare("INSERT INTO t(blob) VALUES (randomblob(16000))");  // 4 pages a row
  ASSERT_TRUE(insert.ok());
  for (int commit = 0; commit < 300; ++commit) {
    ASSERT_TRUE(db_->Exec("BEGIN IMMEDIATE").ok());
    for (int row = 0; row < 5; ++row) ASSERT_TRUE(insert->Run().ok());
    ASSERT_TRUE(db_->Exec("COMMIT").ok());
  }
  // 300 commits of ~20 pages wrote ~24 MiB; the WAL stays within the limit plus one commit.
  const auto wal_bytes = std::filesystem::file_size(dir_.File("t.db-wal"));
  EXPECT_LE(wal_bytes, static_cast<uintmax_t>(kLimit + 64) * (4096 + 24) + 32);
  EXPECT_EQ(Scalar("SELECT count(*) FROM t"), 1500);
}

}  // namespace
}  // namespace belofte::store
