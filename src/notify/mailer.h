// mailer.h — Message (one rendered customer notice) and Mailer (the port that delivers it).
//
// A Mailer returns Ok only once the mail server has taken responsibility for the message (for
// SMTP: the 250 reply to DATA); any error means "not delivered, try again later". Send may be
// cancelled from another thread through `cancel` (checked at least about once a second), so a
// shutdown never waits for a slow server's timeout.
// Thread safety: implementations document their own (SmtpMailer: Send is thread-safe).
#pragma once

#include <atomic>
#include <string>

#include "common/result.h"

namespace belofte::notify {

struct Message {
  std::string to;            // the recipient's address
  std::string to_name;       // the recipient's display name, may be empty
  std::string subject;       // UTF-8, one line
  std::string text;          // text/plain body, UTF-8
  std::string html;          // text/html body, UTF-8
  std::string message_id;    // "<belofte-notice-{id}@{domain}>": the same on every attempt
  std::string language;      // "nl" or "en" (Content-Language)
};

class Mailer {
 public:
  virtual ~Mailer() = default;
  // REQUIRES: `cancel` outlives the call (it may be null: not cancellable).
  virtual Status Send(const Message& message, const std::atomic<bool>* cancel) = 0;
};

}  // namespace belofte::notify
