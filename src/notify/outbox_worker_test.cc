// Quiet hours in the shop's time zone and the retry backoff of the worker (the worker's
// deliveries are tested against a real SMTP server in tests/notify/delivery_test.cc).
#include "notify/outbox_worker.h"

#include <gtest/gtest.h>

#include <thread>

namespace belofte::notify {
namespace {

constexpr int64_t kSecond = 1'000'000;

TEST(QuietHoursTest, ParsesWindows) {
  auto q = QuietHours::Parse("22:00-08:00");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->start_minute, 22 * 60);
  EXPECT_EQ(q->end_minute, 8 * 60);
  EXPECT_EQ(q->time_zone, "Europe/Amsterdam");
  EXPECT_EQ(QuietHours::Parse("12:30-13:45", "UTC")->end_minute, 13 * 60 + 45);
  EXPECT_FALSE(QuietHours::Parse("22-08").ok());
  EXPECT_FALSE(QuietHours::Parse("25:00-08:00").ok());
  EXPECT_FALSE(QuietHours::Parse("22:00-08:00", "Europe/Nowhere").ok());
}

TEST(QuietHoursTest, WindowAcrossMidnightInWinter) {
  QuietHours q;  // 22:00-08:00 Europe/Amsterdam (UTC+1 in March before the switch)
  const int64_t at_23_local = 1772402400 * kSecond;  // 2026-03-01 22:00 UTC = 23:00 CET
  auto end = q.EndIfInside(at_23_local);
  ASSERT_TRUE(end.ok());
  ASSERT_TRUE(end->has_value());
  EXPECT_EQ(**end, 1772434800 * kSecond);  // 2026-03-02 08:00 CET = 07:00 UTC
  // Just before the end (07:59:59 local), the same end; at the end, outside.
  EXPECT_EQ(**q.EndIfInside(1772434799 * kSecond), 1772434800 * kSecond);
  EXPECT_FALSE(q.EndIfInside(1772434800 * kSecond)->has_value());
  // 21:59:59 local: outside.
  EXPECT_FALSE(q.EndIfInside(1772398799 * kSecond)->has_value());
}

TEST(QuietHoursTest, SummerTime) {
  QuietHours q;
  const int64_t at_2330_local = 1782941400 * kSecond;  // 2026-07-01 21:30 UTC = 23:30 CEST
  EXPECT_EQ(**q.EndIfInside(at_2330_local), 1782972000 * kSecond);  // 08:00 CEST = 06:00 UTC
}

TEST(QuietHoursTest, WindowWithinADayAndEmptyWindow) {
  QuietHours lunch{12 * 60, 13 * 60, "UTC"};
  const int64_t noon_thirty = (1772402400 - 9 * 3600 - 1800) * kSecond;  // 2026-03-01 12:30 UTC
  EXPECT_EQ(**lunch.EndIfInside(noon_thirty), noon_thirty + 1800 * kSecond);
  EXPECT_FALSE(lunch.EndIfInside(noon_thirty + 3600 * kSecond)->has_value());
  QuietHours none{8 * 60, 8 * 60, "UTC"};
  EXPECT_FALSE(none.EndIfInside(noon_thirty)->has_value());
}

class NullOutbox final : public Outbox {
 public:
  Result<std::vector<DueNotice>> ClaimDue(int64_t, int) override { return std::vector<DueNotice>(); }
  Status MarkSent(int64_t, const std::string&) override { return Ok(); }
  Status MarkFailed(int64_t, int64_t, const std::string&) override { return Ok(); }
  Status MarkDead(int64_t, const std::string&) override { return Ok(); }
};

class NullMailer final : public Mailer {
 public:
  Status Send(const Message&, const std::atomic<bool>*) override { return Ok(); }
};

TEST(OutboxWorkerTest, BackoffDoublesUpToTheCap) {
  NullOutbox outbox;
  NullMailer mailer;
  auto renderer = Renderer::Create({"https://x.nl", "X", "x.nl", ""});
  ASSERT_TRUE(renderer.ok());
  OutboxWorker defaults(outbox, mailer, **renderer);
  using std::chrono::seconds;
  EXPECT_EQ(defaults.Backoff(1), seconds(30));
  EXPECT_EQ(defaults.Backoff(2), seconds(60));
  EXPECT_EQ(defaults.Backoff(3), seconds(120));
  EXPECT_EQ(defaults.Backoff(10), seconds(30 * 512));
  EXPECT_EQ(defaults.Backoff(11), seconds(6 * 3600));
  EXPECT_EQ(defaults.Backoff(1000), seconds(6 * 3600));  // no overflow
}

TEST(OutboxWorkerTest, StopIsPromptAndIdempotent) {
  NullOutbox outbox;
  NullMailer mailer;
  auto renderer = Renderer::Create({"https://x.nl", "X", "x.nl", ""});
  ASSERT_TRUE(renderer.ok());
  OutboxWorkerOptions options;
  options.poll_interval = std::chrono::hours(1);
  OutboxWorker worker(outbox, mailer, **renderer, options);
  worker.Start();
  worker.Wake();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (worker.stats().rounds == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const auto start = std::chrono::steady_clock::now();
  worker.Stop();
  worker.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  EXPECT_GE(worker.stats().rounds, 1u);
}

}  // namespace
}  // namespace belofte::notify
