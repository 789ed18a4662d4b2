// outbox_worker.h — OutboxWorker: delivers the customer notices of the outbox by e-mail, on a
// thread of its own, after the shop's commits.
//
// Construction (the composition root, e.g. `belofte serve`), all owned by the caller and
// outliving the worker:
//
//   auto smtp = notify::SmtpConfig::Parse(smtp_url, mail_from);            // BELOFTE_SMTP_URL, BELOFTE_MAIL_FROM
//   auto outbox = store::SqliteOutbox::Open(db_path);                       // its own connection
//   auto renderer = notify::Renderer::Create({.public_url = public_url,    // BELOFTE_PUBLIC_URL
//                                             .shop_name = shop_name,
//                                             .message_id_domain = smtp->FromDomain(),
//                                             .templates_dir = templates_dir});  // "" : built-in only
//   notify::SmtpMailer mailer(*smtp);
//   notify::OutboxWorker worker(**outbox, mailer, **renderer, {});         // defaults below
//   worker.Start();
//   ... after each commit that queued notices: worker.Wake();
//   worker.Stop();   // before the outbox, mailer and renderer go away (the destructor also stops)
//
// Each round: if quiet hours are on and now is inside them, nothing is claimed until they end.
// Otherwise it claims up to batch_limit due rows (Outbox::ClaimDue marks them `sending`, attempt
// counted), renders each (Renderer), sends it (Mailer) and marks it sent. A send that fails is
// marked failed and due again after retry_base * 2^(attempts-1), at most retry_cap; after
// max_attempts attempts it is marked dead. A notice that cannot be rendered (bad payload, a
// broken override template) is dead at once: retrying would not help. Rounds follow each other
// at once while full batches come back, else every poll_interval or at Wake().
// Delivery is at least once: a crash (or Stop) between the server's 250 and MarkSent sends that
// notice again on the next start, under the same Message-ID.
// Stop is prompt: it cancels a running send (SmtpMailer looks every 100 ms) and joins; claimed
// rows not yet sent stay due. One line per delivery, failure or dead letter goes to spdlog's
// default logger (ids, kind, attempt, error; never addresses or bodies).
// Thread safety: Start, Wake, Stop and stats are thread-safe; RunOnce is for a worker that was
// not started (tests, a one-shot command).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "common/result.h"
#include "notify/mailer.h"
#include "notify/outbox.h"
#include "notify/templates.h"

namespace belofte::notify {

// A daily window (local time in `time_zone`) in which no notices are sent, e.g. 22:00-08:00.
// start == end: no window.
struct QuietHours {
  int start_minute = 22 * 60;  // minutes after local midnight the window opens
  int end_minute = 8 * 60;     // ... and closes; before start_minute: the window spans midnight
  std::string time_zone = "Europe/Amsterdam";

  // Parses "22:00-08:00" (24-hour clock) in the given IANA time zone.
  static Result<QuietHours> Parse(std::string_view window, std::string time_zone = "Europe/Amsterdam");
  // The end of the window (µs since the epoch) when now_us is inside it, else nullopt; an error
  // for an unknown time zone or minutes out of range.
  Result<std::optional<int64_t>> EndIfInside(int64_t now_us) const;
};

struct OutboxWorkerOptions {
  std::chrono::milliseconds poll_interval{1'000};
  std::chrono::milliseconds retry_base{30'000};
  std::chrono::milliseconds retry_cap{6 * 3'600'000};
  int max_attempts = 8;
  int batch_limit = 50;
  // Now, wall clock, µs since the epoch. Empty: the system clock.
  std::function<int64_t()> clock;
  // Asked at every round, so the server can change the window live. Empty or nullopt: none.
  std::function<std::optional<QuietHours>()> quiet_hours;
};

struct OutboxWorkerStats {
  uint64_t rounds = 0;
  uint64_t sent = 0;
  uint64_t failed = 0;  // failed attempts that will be retried
  uint64_t dead = 0;
};

class OutboxWorker {
 public:
  OutboxWorker(Outbox& outbox, Mailer& mailer, const Renderer& renderer, OutboxWorkerOptions options = {});
  ~OutboxWorker();  // Stop()
  OutboxWorker(const OutboxWorker&) = delete;
  OutboxWorker& operator=(const OutboxWorker&) = delete;

  // Starts the thread ("notice-worker"). REQUIRES: not started.
  void Start();
  // A round at once (the shop has just committed notices). Cheap; any thread.
  void Wake();
  // Cancels a running send, stops and joins. Idempotent.
  void Stop();

  // One round on the caller's thread: claims, renders and sends what is due now. Returns the
  // time until the next round is worth it (poll_interval, 0 after a full batch, or the end of
  // quiet hours). REQUIRES: Start() not called.
  std::chrono::microseconds RunOnce();

  // Retry delay after `attempts` failed attempts (attempts >= 1).
  std::chrono::microseconds Backoff(int attempts) const;

  OutboxWorkerStats stats() const;

 private:
  void Run();
  void Deliver(const DueNotice& notice);
  int64_t Now() const;

  Outbox& outbox_;
  Mailer& mailer_;
  const Renderer& renderer_;
  const OutboxWorkerOptions options_;

  std::atomic<bool> cancel_{false};  // set by Stop: a running send gives up
  std::atomic<uint64_t> rounds_{0}, sent_{0}, failed_{0}, dead_{0};
  std::atomic<bool> quiet_error_logged_{false};

  std::mutex mu_;
  std::condition_variable cv_;
  bool woken_ = false;     // GUARDED_BY(mu_)
  bool stopping_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace belofte::notify
