// The notice worker end to end: a real SQLite file, the real SmtpMailer over libcurl and a real
// SMTP server (tests/support/smtp_server.py, aiosmtpd) on loopback. Stored messages are checked
// after MIME decoding (Python's email package): subject, language, dates, status link.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "notify/notify_test_util.h"
#include "notify/outbox_worker.h"
#include "notify/smtp_mailer.h"
#include "notify/templates.h"
#include "store/sqlite_outbox.h"

namespace belofte::notify {
namespace {

using ::testing::HasSubstr;
using belofte::testing::DecodeMessage;
using belofte::testing::NoticeDb;
using belofte::testing::NowUs;
using belofte::testing::SamplePayload;
using belofte::testing::SmtpServer;
using belofte::testing::TempDir;
using belofte::testing::WaitUntil;
using namespace std::chrono_literals;

class DeliveryTest : public ::testing::Test {
 protected:
  DeliveryTest()
      : db_(dir_.File("shop.db")), server_(dir_.File("maildir"), belofte::testing::FreePort()) {
    auto outbox = store::SqliteOutbox::Open(db_.path());
    EXPECT_TRUE(outbox.ok());
    outbox_ = std::move(outbox.value());
    auto config = SmtpConfig::Parse(server_.url(), "\"Caf\xc3\xa9 De Mok\" <winkel@demok.nl>");
    EXPECT_TRUE(config.ok());
    config->connect_timeout = 2s;
    config->total_timeout = 10s;
    mailer_ = std::make_unique<SmtpMailer>(*config);
    auto renderer = Renderer::Create({"https://winkel.demok.nl", "Caf\xc3\xa9 De Mok", config->FromDomain(), ""});
    EXPECT_TRUE(renderer.ok());
    renderer_ = std::move(renderer.value());
  }
  void TearDown() override { server_.Stop(); }

  static OutboxWorkerOptions Fast() {
    OutboxWorkerOptions o;
    o.poll_interval = 10ms;
    o.retry_base = 5ms;
    o.retry_cap = 40ms;
    return o;
  }
  std::unique_ptr<OutboxWorker> Worker(OutboxWorkerOptions options = Fast()) {
    return std::make_unique<OutboxWorker>(*outbox_, *mailer_, *renderer_, std::move(options));
  }
  bool WaitForStatus(int64_t id, const std::string& status, std::chrono::milliseconds timeout = 10s) {
    return WaitUntil([&] { return db_.Row(id).status == status; }, timeout);
  }

  TempDir dir_;
  NoticeDb db_;
  SmtpServer server_;
  std::unique_ptr<store::SqliteOutbox> outbox_;
  std::unique_ptr<SmtpMailer> mailer_;
  std::unique_ptr<Renderer> renderer_;
};

TEST_F(DeliveryTest, QueuedNoticeIsDeliveredOnceWithSubjectLanguageDatesAndStatusLink) {
  ASSERT_TRUE(server_.Start());
  auto payload = SamplePayload("backordered", "nl-NL");
  payload["name"] = "Zo\xc3\xab & Anna";
  const int64_t id = db_.Queue(payload);
  auto worker = Worker();
  worker->Start();
  worker->Wake();
  ASSERT_TRUE(WaitForStatus(id, "sent"));
  std::this_thread::sleep_for(100ms);  // ten more rounds: nothing is sent twice
  worker->Stop();

  auto row = db_.Row(id);
  EXPECT_EQ(row.attempts, 1);
  EXPECT_EQ(row.last_error, "");
  EXPECT_FALSE(row.sent_at.empty());
  EXPECT_EQ(worker->stats().sent, 1u);
  auto files = server_.Messages();
  ASSERT_EQ(files.size(), 1u);
  auto m = DecodeMessage(files[0]);
  ASSERT_TRUE(m.is_object()) << belofte::testing::ReadFile(files[0]);
  EXPECT_EQ(m["subject"], "Je bestelling 1001: een deel komt later");
  EXPECT_EQ(m["content_language"], "nl");
  EXPECT_EQ(m["message_id"], "<belofte-notice-" + std::to_string(id) + "@demok.nl>");
  EXPECT_EQ(m["from"], "Caf\xc3\xa9 De Mok <winkel@demok.nl>");
  EXPECT_THAT(m["to"].get<std::string>(), HasSubstr("anna@example.nl"));
  EXPECT_THAT(m["to"].get<std::string>(), HasSubstr("Zo\xc3\xab & Anna"));
  EXPECT_FALSE(m["date"].get<std::string>().empty());
  EXPECT_EQ(m["content_types"],
            nlohmann::json({"multipart/mixed", "multipart/alternative", "text/plain", "text/html"}));
  EXPECT_EQ(m["transfer_encodings"], nlohmann::json({"quoted-printable", "quoted-printable"}));
  const std::string text = m["text"], html = m["html"];
  EXPECT_THAT(text, HasSubstr("Hallo Zo\xc3\xab & Anna,"));
  EXPECT_THAT(text, HasSubstr("Waarschijnlijk dinsdag 1 december 2026, uiterlijk donderdag 3 december 2026"));
  EXPECT_THAT(text, HasSubstr("https://winkel.demok.nl/status/Zm9vYmFy"));
  EXPECT_THAT(html, HasSubstr("Hallo Zo\xc3\xab &amp; Anna,"));
  EXPECT_THAT(html, HasSubstr("<a href=\"https://winkel.demok.nl/status/Zm9vYmFy\">"));
  EXPECT_THAT(html, HasSubstr("uiterlijk <strong>donderdag 3 december 2026</strong>"));
  // The raw file: the non-ASCII sender name is an RFC 2047 encoded word.
  EXPECT_THAT(belofte::testing::ReadFile(files[0]), HasSubstr("From: =?UTF-8?B?"));
}

TEST_F(DeliveryTest, EnglishNoticeForOtherLanguages) {
  ASSERT_TRUE(server_.Start());
  const int64_t id = db_.Queue(SamplePayload("promise_changed", "de"));
  auto worker = Worker();
  worker->RunOnce();
  ASSERT_EQ(db_.Row(id).status, "sent");
  auto m = DecodeMessage(server_.Messages().at(0));
  EXPECT_EQ(m["subject"], "Your order 1001: a new delivery date");
  EXPECT_EQ(m["content_language"], "en");
  EXPECT_THAT(m["text"].get<std::string>(), HasSubstr("We told you Saturday 28 November 2026 before."));
}

TEST_F(DeliveryTest, SmtpDownFailsWithBackoffThenDeliversOnceWhenTheServerIsUp) {
  const int64_t id = db_.Queue(SamplePayload());
  OutboxWorkerOptions options = Fast();
  options.retry_base = 200ms;
  options.retry_cap = 1s;
  auto worker = Worker(options);
  const int64_t before = NowUs();
  worker->RunOnce();  // nothing listens on the port
  auto row = db_.Row(id);
  EXPECT_EQ(row.status, "failed");
  EXPECT_EQ(row.attempts, 1);
  EXPECT_GE(row.next_attempt_us, before + 200'000);
  EXPECT_THAT(row.last_error, HasSubstr("smtp://127.0.0.1:"));
  worker->RunOnce();  // not due yet: no attempt
  EXPECT_EQ(db_.Row(id).attempts, 1);

  ASSERT_TRUE(server_.Start());
  worker = Worker(options);
  worker->Start();
  ASSERT_TRUE(WaitForStatus(id, "sent"));
  std::this_thread::sleep_for(100ms);
  worker->Stop();
  EXPECT_EQ(db_.Row(id).attempts, 2);
  EXPECT_EQ(db_.Row(id).last_error, "");
  EXPECT_EQ(server_.Messages().size(), 1u);
}

TEST_F(DeliveryTest, TemporaryRefusalsAreRetriedAndOneMessageIsStored) {
  ASSERT_TRUE(server_.Start({"--fail-first", "2"}));
  const int64_t id = db_.Queue(SamplePayload());
  auto worker = Worker();
  worker->Start();
  ASSERT_TRUE(WaitForStatus(id, "sent"));
  worker->Stop();
  EXPECT_EQ(db_.Row(id).attempts, 3);
  EXPECT_EQ(worker->stats().failed, 2u);
  EXPECT_EQ(worker->stats().sent, 1u);
  ASSERT_EQ(server_.Messages().size(), 1u);
  EXPECT_EQ(DecodeMessage(server_.Messages()[0])["message_id"], "<belofte-notice-" + std::to_string(id) + "@demok.nl>");
}

TEST_F(DeliveryTest, DeadAfterMaxAttempts) {
  const int64_t id = db_.Queue(SamplePayload());  // no server
  OutboxWorkerOptions options = Fast();
  options.max_attempts = 3;
  options.retry_base = 1ms;
  auto worker = Worker(options);
  worker->Start();
  ASSERT_TRUE(WaitForStatus(id, "dead"));
  worker->Stop();
  auto row = db_.Row(id);
  EXPECT_EQ(row.attempts, 3);
  EXPECT_THAT(row.last_error, HasSubstr("gave up after 3 attempts"));
  EXPECT_EQ(worker->stats().failed, 2u);
  EXPECT_EQ(worker->stats().dead, 1u);
}

TEST_F(DeliveryTest, BackoffFollowsTheInjectedClock) {
  const int64_t id = db_.Queue(SamplePayload());  // no server
  int64_t now = 1'000'000'000;
  OutboxWorkerOptions options = Fast();
  options.retry_base = 30s;
  options.retry_cap = 6h;
  options.clock = [&] { return now; };
  auto worker = Worker(options);
  worker->RunOnce();
  EXPECT_EQ(db_.Row(id).next_attempt_us, now + 30'000'000);
  now += 29'999'999;
  worker->RunOnce();
  EXPECT_EQ(db_.Row(id).attempts, 1);
  now += 1;
  worker->RunOnce();
  EXPECT_EQ(db_.Row(id).attempts, 2);
  EXPECT_EQ(db_.Row(id).next_attempt_us, now + 60'000'000);
}

TEST_F(DeliveryTest, RowLeftSendingByACrashIsDeliveredOnceByANewWorker) {
  ASSERT_TRUE(server_.Start());
  const int64_t id = db_.Queue(SamplePayload());
  db_.Exec("UPDATE notifications SET status = 'sending', attempts = 1 WHERE id = " + std::to_string(id));
  auto worker = Worker();
  worker->Start();
  ASSERT_TRUE(WaitForStatus(id, "sent"));
  std::this_thread::sleep_for(100ms);
  worker->Stop();
  EXPECT_EQ(db_.Row(id).attempts, 2);
  EXPECT_EQ(server_.Messages().size(), 1u);
}

TEST_F(DeliveryTest, SentRowIsNeverSentAgainByANewWorker) {
  ASSERT_TRUE(server_.Start());
  const int64_t id = db_.Queue(SamplePayload());
  Worker()->RunOnce();
  ASSERT_EQ(db_.Row(id).status, "sent");
  auto again = Worker();
  again->Start();
  again->Wake();
  std::this_thread::sleep_for(150ms);
  again->Stop();
  EXPECT_EQ(again->stats().sent, 0u);
  EXPECT_EQ(db_.Row(id).attempts, 1);
  EXPECT_EQ(server_.Messages().size(), 1u);
}

TEST_F(DeliveryTest, ResentAfterACrashBetweenAcceptAndMarkSentUnderTheSameMessageId) {
  ASSERT_TRUE(server_.Start());
  const int64_t id = db_.Queue(SamplePayload());
  Worker()->RunOnce();
  // The crash: the server accepted, but `sent` never reached the file.
  db_.Exec("UPDATE notifications SET status = 'sending', sent_at = NULL WHERE id = " + std::to_string(id));
  Worker()->RunOnce();
  EXPECT_EQ(db_.Row(id).status, "sent");
  auto files = server_.Messages();
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(DecodeMessage(files[0])["message_id"], DecodeMessage(files[1])["message_id"]);
  EXPECT_EQ(DecodeMessage(files[0])["message_id"], "<belofte-notice-" + std::to_string(id) + "@demok.nl>");
}

TEST_F(DeliveryTest, StopDuringAStalledConversationIsPromptAndTheNextWorkerDelivers) {
  ASSERT_TRUE(server_.Start({"--stall-rcpt", "30"}));
  const int64_t id = db_.Queue(SamplePayload());
  auto worker = Worker();
  worker->Start();
  ASSERT_TRUE(WaitForStatus(id, "sending"));
  std::this_thread::sleep_for(300ms);  // the client waits for the RCPT reply now
  const auto start = std::chrono::steady_clock::now();
  worker->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_EQ(server_.Messages().size(), 0u);
  auto row = db_.Row(id);
  EXPECT_NE(row.status, "sent");
  EXPECT_NE(row.status, "dead");

  server_.Stop();
  ASSERT_TRUE(server_.Start());
  auto next = Worker();
  next->Start();
  ASSERT_TRUE(WaitForStatus(id, "sent"));
  next->Stop();
  EXPECT_EQ(server_.Messages().size(), 1u);
}

TEST_F(DeliveryTest, UnrenderableNoticeIsDeadAtOnceAndTheOthersAreDelivered) {
  ASSERT_TRUE(server_.Start());
  TempDir templates;
  std::ofstream(templates.path() / "ready.en.txt.mustache") << "Hello {{#lines}}{{name}}\n";  // unclosed section
  auto renderer = Renderer::Create({"https://winkel.demok.nl", "De Mok", "demok.nl", templates.path().string()});
  ASSERT_TRUE(renderer.ok());
  const int64_t broken = db_.Queue(SamplePayload("ready", "en"));
  auto bad_payload = SamplePayload("ready", "en");
  bad_payload["lines"][0]["promise"]["p90"] = "someday";
  const int64_t bad = db_.Queue(bad_payload);
  const int64_t fine = db_.Queue(SamplePayload("ready", "nl"));
  OutboxWorker worker(*outbox_, *mailer_, **renderer, Fast());
  worker.RunOnce();
  EXPECT_EQ(db_.Row(broken).status, "dead");
  EXPECT_EQ(db_.Row(broken).attempts, 1);
  EXPECT_THAT(db_.Row(broken).last_error, HasSubstr("ready.en.txt"));
  EXPECT_EQ(db_.Row(bad).status, "dead");
  EXPECT_THAT(db_.Row(bad).last_error, HasSubstr("'someday' is not a date"));
  EXPECT_EQ(db_.Row(fine).status, "sent");
  EXPECT_EQ(server_.Messages().size(), 1u);
}

TEST_F(DeliveryTest, QuietHoursHoldNoticesUntilTheWindowEnds) {
  ASSERT_TRUE(server_.Start());
  const int64_t id = db_.Queue(SamplePayload());
  int64_t now = int64_t{1772402400} * 1'000'000;  // 2026-03-01 23:00 in Amsterdam
  std::optional<QuietHours> quiet = QuietHours{};  // 22:00-08:00 Europe/Amsterdam
  OutboxWorkerOptions options = Fast();
  options.poll_interval = 1s;
  options.clock = [&] { return now; };
  options.quiet_hours = [&] { return quiet; };
  auto worker = Worker(options);
  EXPECT_EQ(worker->RunOnce(), 1s);  // the window lasts longer than a poll interval
  EXPECT_EQ(db_.Row(id).status, "queued");
  EXPECT_EQ(db_.Row(id).attempts, 0);
  now = int64_t{1772434799} * 1'000'000;  // 07:59:59: one second left
  EXPECT_EQ(worker->RunOnce(), 1s);
  EXPECT_EQ(db_.Row(id).status, "queued");
  now += 1'000'000;  // 08:00
  worker->RunOnce();
  EXPECT_EQ(db_.Row(id).status, "sent");
  EXPECT_EQ(server_.Messages().size(), 1u);

  // Changed live: switched off, a notice in the night goes at once.
  const int64_t night = db_.Queue(SamplePayload());
  now = int64_t{1772402400} * 1'000'000;
  quiet.reset();
  worker->RunOnce();
  EXPECT_EQ(db_.Row(night).status, "sent");
}

}  // namespace
}  // namespace belofte::notify
