// smtp_mailer.h — SmtpMailer: delivers a Message over SMTP with libcurl.
//
// Configuration comes from two strings, as the server takes them from BELOFTE_SMTP_URL and
// BELOFTE_MAIL_FROM:
//   url:  smtp://host[:port]                     (port 25 by default; STARTTLS when offered)
//         smtps://user:password@host[:port]      (TLS from the start, port 465 by default)
//         smtp://user:pass@host:587?starttls=required   (starttls=try|required|none)
//         user and password are percent-decoded ("%40" for "@" in a user name).
//   from: "Webshop De Mok" <winkel@demok.nl>   or   winkel@demok.nl
// Each message is sent as multipart/alternative (text and HTML, UTF-8, quoted-printable) with
// From, To, Subject (RFC 2047 encoded when not ASCII), Date, Message-ID (the message's own,
// stable per notification) and Content-Language. One connection per message: notices are few.
//
//   auto config = notify::SmtpConfig::Parse(getenv("BELOFTE_SMTP_URL"), getenv("BELOFTE_MAIL_FROM"));
//   if (!config.ok()) { ... config.error().message ... }
//   notify::SmtpMailer mailer(*config);
//
// Thread safety: SmtpConfig is a value. SmtpMailer::Send is thread-safe (a curl handle per call).
#pragma once

#include <chrono>
#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>

#include "notify/mailer.h"

namespace belofte::notify {

enum class StartTls { kTry, kRequired, kNone };

struct SmtpConfig {
  bool implicit_tls = false;  // smtps://
  std::string host;           // IPv6 literals without brackets
  int port = 25;
  std::string username;  // decoded
  std::string password;  // decoded; never logged
  StartTls starttls = StartTls::kTry;
  std::string from_address;  // winkel@demok.nl
  std::string from_name;     // Webshop De Mok (may be empty)
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds total_timeout{60'000};

  // Parses and validates; errors name the offending part (field "smtp_url" or "mail_from").
  static Result<SmtpConfig> Parse(std::string_view url, std::string_view from);

  // The part after '@' of from_address: the domain of Message-IDs.
  std::string FromDomain() const;
  // The URL for curl, without credentials (they are passed apart), e.g. "smtp://[::1]:2525".
  std::string Url() const;
  // The URL for logs: user name shown, password never.
  std::string Describe() const;
};

class SmtpMailer final : public Mailer {
 public:
  explicit SmtpMailer(SmtpConfig config);
  Status Send(const Message& message, const std::atomic<bool>* cancel) override;
  const SmtpConfig& config() const { return config_; }

 private:
  const SmtpConfig config_;
};

// Header helpers, public for tests.
// RFC 2047: the text itself when it is printable ASCII, else "=?UTF-8?B?...?=" words (at most
// 75 characters each, never splitting a UTF-8 character) separated by "\r\n " (folding).
std::string EncodeHeaderText(std::string_view text);
// "Name <address>" with the name quoted or encoded as needed; the address alone without a name.
std::string FormatMailbox(std::string_view name, std::string_view address);
// RFC 5322 date in UTC: "Thu, 03 Dec 2026 09:30:00 +0000".
std::string FormatMailDate(std::time_t t);
// Checks an e-mail address the way a message header needs it (one '@', no spaces or controls).
bool IsPlausibleAddress(std::string_view address);

}  // namespace belofte::notify
