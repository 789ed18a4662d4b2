// SMTP configuration parsing and the header encodings of SmtpMailer (the delivery itself is
// tested against a real server in tests/notify/delivery_test.cc).
#include "notify/smtp_mailer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace belofte::notify {
namespace {

using ::testing::HasSubstr;

TEST(SmtpConfigTest, PlainSmtpWithDefaults) {
  auto c = SmtpConfig::Parse("smtp://mail.example.nl", "winkel@demok.nl");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_FALSE(c->implicit_tls);
  EXPECT_EQ(c->host, "mail.example.nl");
  EXPECT_EQ(c->port, 25);
  EXPECT_EQ(c->starttls, StartTls::kTry);
  EXPECT_EQ(c->from_address, "winkel@demok.nl");
  EXPECT_EQ(c->from_name, "");
  EXPECT_EQ(c->FromDomain(), "demok.nl");
  EXPECT_EQ(c->Url(), "smtp://mail.example.nl:25/demok.nl");
}

TEST(SmtpConfigTest, SmtpsWithCredentialsAndDisplayName) {
  auto c = SmtpConfig::Parse("smtps://winkel%40demok.nl:p%3Ass@smtp.example.com:4650/",
                             R"("Webshop De Mok" <winkel@demok.nl>)");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_TRUE(c->implicit_tls);
  EXPECT_EQ(c->port, 4650);
  EXPECT_EQ(c->username, "winkel@demok.nl");
  EXPECT_EQ(c->password, "p:ss");
  EXPECT_EQ(c->from_name, "Webshop De Mok");
  EXPECT_EQ(c->Describe(), "smtps://winkel%40demok.nl:***@smtp.example.com:4650");
  EXPECT_EQ(SmtpConfig::Parse("smtps://h", "a@b.nl")->port, 465);
}

TEST(SmtpConfigTest, StartTlsPolicyAndIpv6) {
  EXPECT_EQ(SmtpConfig::Parse("smtp://h:587?starttls=required", "a@b.nl")->starttls, StartTls::kRequired);
  EXPECT_EQ(SmtpConfig::Parse("smtp://h:587?starttls=none", "a@b.nl")->starttls, StartTls::kNone);
  auto v6 = SmtpConfig::Parse("smtp://[::1]:2525", "Winkel <a@b.nl>");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 2525);
  EXPECT_EQ(v6->from_name, "Winkel");
  EXPECT_EQ(v6->Url(), "smtp://[::1]:2525/b.nl");
}

TEST(SmtpConfigTest, ClearErrors) {
  struct Case {
    const char* url;
    const char* from;
    const char* field;
    const char* says;
  };
  const Case cases[] = {
      {"", "a@b.nl", "smtp_url", "empty"},
      {"http://h", "a@b.nl", "smtp_url", "smtp:// or smtps://"},
      {"smtp://", "a@b.nl", "smtp_url", "no host"},
      {"smtp://h:0", "a@b.nl", "smtp_url", "1 to 65535"},
      {"smtp://h:99999", "a@b.nl", "smtp_url", "1 to 65535"},
      {"smtp://h:25x", "a@b.nl", "smtp_url", "1 to 65535"},
      {"smtp://h:", "a@b.nl", "smtp_url", "empty port"},
      {"smtp://h/path", "a@b.nl", "smtp_url", "path"},
      {"smtp://h?starttls=maybe", "a@b.nl", "smtp_url", "starttls=maybe"},
      {"smtps://h?starttls=none", "a@b.nl", "smtp_url", "contradicts"},
      {"smtp://u:%zz@h", "a@b.nl", "smtp_url", "%-escape"},
      {"smtp://h\r\nRCPT", "a@b.nl", "smtp_url", "control"},
      {"smtp://h", "", "mail_from", "empty"},
      {"smtp://h", "winkel", "mail_from", "not an e-mail address"},
      {"smtp://h", "Winkel <a@b@c>", "mail_from", "not an e-mail address"},
      {"smtp://h", "Winkel a@b.nl>", "mail_from", "'>' without '<'"},
  };
  for (const auto& c : cases) {
    auto r = SmtpConfig::Parse(c.url, c.from);
    ASSERT_FALSE(r.ok()) << c.url << " / " << c.from;
    EXPECT_EQ(r.error().field, c.field) << c.url;
    EXPECT_THAT(r.error().message, HasSubstr(c.says)) << c.url << " / " << c.from;
  }
}

TEST(HeaderEncodingTest, AsciiStaysAndOtherTextIsRfc2047) {
  EXPECT_EQ(EncodeHeaderText("Your order 1001 is on its way"), "Your order 1001 is on its way");
  EXPECT_EQ(EncodeHeaderText("Caf\xc3\xa9"), "=?UTF-8?B?Q2Fmw6k=?=");
  // Long text: several words of at most 75 characters, folded, no UTF-8 character split.
  std::string long_text;
  for (int i = 0; i < 30; ++i) long_text += "\xc3\xa9\xc3\xab ";
  std::string encoded = EncodeHeaderText(long_text);
  size_t start = 0;
  int words = 0;
  while (start < encoded.size()) {
    size_t end = encoded.find("\r\n ", start);
    std::string word = encoded.substr(start, end == std::string::npos ? std::string::npos : end - start);
    EXPECT_LE(word.size(), 75u);
    EXPECT_EQ(word.rfind("=?UTF-8?B?", 0), 0u);
    ++words;
    start = end == std::string::npos ? encoded.size() : end + 3;
  }
  EXPECT_GT(words, 1);
}

TEST(HeaderEncodingTest, Mailboxes) {
  EXPECT_EQ(FormatMailbox("", "a@b.nl"), "a@b.nl");
  EXPECT_EQ(FormatMailbox("Anna de Vries", "a@b.nl"), "Anna de Vries <a@b.nl>");
  EXPECT_EQ(FormatMailbox("Vries, Anna \"A\"", "a@b.nl"), "\"Vries, Anna \\\"A\\\"\" <a@b.nl>");
  EXPECT_EQ(FormatMailbox("Zo\xc3\xab", "a@b.nl"), "=?UTF-8?B?Wm/Dqw==?= <a@b.nl>");
}

TEST(HeaderEncodingTest, DateAndAddresses) {
  EXPECT_EQ(FormatMailDate(1796290200), "Thu, 03 Dec 2026 09:30:00 +0000");
  EXPECT_TRUE(IsPlausibleAddress("anna@example.nl"));
  EXPECT_FALSE(IsPlausibleAddress("anna@"));
  EXPECT_FALSE(IsPlausibleAddress("anna example.nl"));
  EXPECT_FALSE(IsPlausibleAddress("anna@example.nl>\r\nRCPT TO:<x@y>"));
}

}  // namespace
}  // namespace belofte::notify
