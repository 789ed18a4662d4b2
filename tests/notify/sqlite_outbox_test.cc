// SqliteOutbox against a real SQLite file with the tables of migration 6.
#include "store/sqlite_outbox.h"

#include <gtest/gtest.h>

#include "notify/notify_test_util.h"

namespace belofte::store {
namespace {

using belofte::testing::NoticeDb;
using belofte::testing::SamplePayload;
using belofte::testing::TempDir;

class SqliteOutboxTest : public ::testing::Test {
 protected:
  SqliteOutboxTest() : db_(dir_.File("shop.db")) {
    auto outbox = SqliteOutbox::Open(db_.path());
    EXPECT_TRUE(outbox.ok());
    outbox_ = std::move(outbox.value());
  }
  TempDir dir_;
  NoticeDb db_;
  std::unique_ptr<SqliteOutbox> outbox_;
};

TEST_F(SqliteOutboxTest, ClaimMarksSendingCountsTheAttemptAndReturnsThePayload) {
  const int64_t a = db_.Queue(SamplePayload("backordered", "nl"));
  const int64_t b = db_.Queue(SamplePayload("shipped", "en"));
  auto due = outbox_->ClaimDue(1'000, 10);
  ASSERT_TRUE(due.ok()) << due.error().message;
  ASSERT_EQ(due->size(), 2u);
  EXPECT_EQ((*due)[0].id, a);
  EXPECT_EQ((*due)[0].kind, "backordered");
  EXPECT_EQ((*due)[0].to, "anna@example.nl");
  EXPECT_EQ((*due)[0].language, "nl");
  EXPECT_EQ((*due)[0].attempts, 1);
  EXPECT_EQ(nlohmann::json::parse((*due)[0].payload), SamplePayload("backordered", "nl"));
  EXPECT_EQ((*due)[1].id, b);
  EXPECT_EQ(db_.Row(a).status, "sending");
  EXPECT_EQ(db_.Row(a).attempts, 1);
}

TEST_F(SqliteOutboxTest, ClaimRespectsDueTimeLimitAndStatus) {
  const int64_t later = db_.Queue(SamplePayload());
  const int64_t sent = db_.Queue(SamplePayload());
  const int64_t dead = db_.Queue(SamplePayload());
  const int64_t crashed = db_.Queue(SamplePayload());
  const int64_t first = db_.Queue(SamplePayload());
  const int64_t second = db_.Queue(SamplePayload());
  db_.Exec("UPDATE notifications SET next_attempt_us = 5000 WHERE id = " + std::to_string(later));
  db_.Exec("UPDATE notifications SET status = 'sent' WHERE id = " + std::to_string(sent));
  db_.Exec("UPDATE notifications SET status = 'dead' WHERE id = " + std::to_string(dead));
  db_.Exec("UPDATE notifications SET status = 'sending', attempts = 1 WHERE id = " + std::to_string(crashed));
  auto due = outbox_->ClaimDue(4'999, 2);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 2u);
  EXPECT_EQ((*due)[0].id, crashed);  // a row left `sending` is due again
  EXPECT_EQ((*due)[0].attempts, 2);
  EXPECT_EQ((*due)[1].id, first);
  due = outbox_->ClaimDue(4'999, 10);
  ASSERT_EQ(due->size(), 3u);  // first and crashed again (still `sending`), and second
  EXPECT_EQ((*due)[2].id, second);
  due = outbox_->ClaimDue(5'000, 10);
  bool has_later = false;
  for (const auto& n : *due) has_later |= n.id == later;
  EXPECT_TRUE(has_later);
  for (const auto& n : *due) EXPECT_NE(n.id, sent);
  for (const auto& n : *due) EXPECT_NE(n.id, dead);
}

TEST_F(SqliteOutboxTest, MarksAndTheApiView) {
  const int64_t a = db_.Queue(SamplePayload());
  const int64_t b = db_.Queue(SamplePayload());
  const int64_t c = db_.Queue(SamplePayload());
  ASSERT_TRUE(outbox_->ClaimDue(0, 10).ok());
  ASSERT_TRUE(outbox_->MarkFailed(a, 123, "smtp: connection refused").ok());
  ASSERT_TRUE(outbox_->MarkSent(a, "2026-03-01T10:00:00Z").ok());
  ASSERT_TRUE(outbox_->MarkFailed(b, 456, "451 try again").ok());
  ASSERT_TRUE(outbox_->MarkDead(c, "cannot render").ok());
  EXPECT_FALSE(outbox_->MarkSent(999, "2026-03-01T10:00:00Z").ok());

  const testing::NoticeRow sent = db_.Row(a);
  EXPECT_EQ(sent.status, "sent");
  EXPECT_EQ(sent.sent_at, "2026-03-01T10:00:00Z");
  EXPECT_EQ(sent.attempts, 1);
  EXPECT_EQ(sent.last_error, "");
  EXPECT_EQ(db_.Row(b).status, "failed");
  EXPECT_EQ(db_.Row(b).last_error, "451 try again");
  EXPECT_EQ(db_.Row(b).sent_at, "");
  EXPECT_EQ(db_.Row(b).next_attempt_us, 456);
  EXPECT_EQ(db_.Row(c).status, "dead");
  EXPECT_EQ(db_.Row(c).last_error, "cannot render");
}

TEST_F(SqliteOutboxTest, OpenRefusesAFileWithoutTheTable) {
  auto outbox = SqliteOutbox::Open(dir_.File("empty.db"));
  ASSERT_FALSE(outbox.ok());
  EXPECT_NE(outbox.error().message.find("notifications"), std::string::npos);
}

}  // namespace
}  // namespace belofte::store
