#include "notify/outbox_worker.h"

#include <date/tz.h>
#include <pthread.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <ctime>
#include <nlohmann/json.hpp>

namespace belofte::notify {

namespace {

constexpr int kMinutesPerDay = 24 * 60;

// RFC 3339 UTC to the second: "2026-03-01T09:30:00Z".
std::string Rfc3339(int64_t us) {
  std::time_t t = static_cast<std::time_t>(us / 1'000'000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void Log(spdlog::level::level_enum level, nlohmann::json line) {
  spdlog::log(level, "{}", line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::optional<int> ParseClock(std::string_view hhmm) {
  if (hhmm.size() != 5 || hhmm[2] != ':') return std::nullopt;
  int h = 0, m = 0;
  if (std::from_chars(hhmm.data(), hhmm.data() + 2, h).ptr != hhmm.data() + 2) return std::nullopt;
  if (std::from_chars(hhmm.data() + 3, hhmm.data() + 5, m).ptr != hhmm.data() + 5) return std::nullopt;
  if (h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0)) return std::nullopt;
  return h * 60 + m;
}

}  // namespace

Result<QuietHours> QuietHours::Parse(std::string_view window, std::string time_zone) {
  size_t dash = window.find('-');
  auto start = ParseClock(window.substr(0, dash));
  auto end = dash == std::string_view::npos ? std::nullopt : ParseClock(window.substr(dash + 1));
  if (!start || !end) {
    return Error::Invalid("invalid_quiet_hours", "quiet hours must look like 22:00-08:00, got '" +
                                                     std::string(window) + "'", "quiet_hours");
  }
  QuietHours q{*start % kMinutesPerDay, *end % kMinutesPerDay, std::move(time_zone)};
  if (auto check = q.EndIfInside(0); !check.ok()) return check.take_error();
  return q;
}

Result<std::optional<int64_t>> QuietHours::EndIfInside(int64_t now_us) const {
  using namespace std::chrono;
  if (start_minute < 0 || start_minute >= kMinutesPerDay || end_minute < 0 || end_minute >= kMinutesPerDay) {
    return Error::Invalid("invalid_quiet_hours", "quiet hours minutes must be within a day", "quiet_hours");
  }
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(time_zone);
  } catch (const std::exception& e) {
    return Error::Invalid("invalid_time_zone", "unknown time zone '" + time_zone + "': " + e.what(), "quiet_hours");
  }
  if (start_minute == end_minute) return std::optional<int64_t>();
  const sys_time<microseconds> now{microseconds{now_us}};
  const auto local = zone->to_local(now);
  const auto day = floor<days>(local);
  const int minute = static_cast<int>(floor<minutes>(local - day).count());
  date::local_time<minutes> end;
  if (start_minute < end_minute) {
    if (minute < start_minute || minute >= end_minute) return std::optional<int64_t>();
    end = day + minutes{end_minute};
  } else if (minute >= start_minute) {
    end = day + days{1} + minutes{end_minute};
  } else if (minute < end_minute) {
    end = day + minutes{end_minute};
  } else {
    return std::optional<int64_t>();
  }
  // A local time that does not exist (DST gap) or exists twice: the earliest instant.
  const auto end_sys = zone->to_sys(end, date::choose::earliest);
  return std::optional<int64_t>(duration_cast<microseconds>(end_sys.time_since_epoch()).count());
}

OutboxWorker::OutboxWorker(Outbox& outbox, Mailer& mailer, const Renderer& renderer, OutboxWorkerOptions options)
    : outbox_(outbox), mailer_(mailer), renderer_(renderer), options_(std::move(options)) {}

OutboxWorker::~OutboxWorker() { Stop(); }

void OutboxWorker::Start() {
  thread_ = std::thread([this] { Run(); });
}

void OutboxWorker::Wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_one();
}

void OutboxWorker::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cancel_ = true;
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

OutboxWorkerStats OutboxWorker::stats() const {
  return OutboxWorkerStats{rounds_.load(), sent_.load(), failed_.load(), dead_.load()};
}

int64_t OutboxWorker::Now() const {
  if (options_.clock) return options_.clock();
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::chrono::microseconds OutboxWorker::Backoff(int attempts) const {
  const std::chrono::microseconds cap = options_.retry_cap;
  std::chrono::microseconds delay = options_.retry_base;
  for (int i = 1; i < attempts && delay < cap; ++i) delay *= 2;
  return std::min(delay, cap);
}

void OutboxWorker::Run() {
  pthread_setname_np(pthread_self(), "notice-worker");  // for top, perf and gdb
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      woken_ = false;
    }
    const std::chrono::microseconds wait = RunOnce();
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, wait, [this] { return stopping_ || woken_; });
    if (stopping_) return;
  }
}

std::chrono::microseconds OutboxWorker::RunOnce() {
  const std::chrono::microseconds poll = options_.poll_interval;
  ++rounds_;
  const int64_t now = Now();
  if (options_.quiet_hours) {
    if (std::optional<QuietHours> quiet = options_.quiet_hours()) {
      auto end = quiet->EndIfInside(now);
      if (!end.ok()) {
        if (!quiet_error_logged_.exchange(true)) {
          Log(spdlog::level::err, {{"event", "notice_quiet_hours_ignored"}, {"error", end.error().message}});
        }
      } else if (end->has_value()) {
        return std::clamp(std::chrono::microseconds(**end - now), std::chrono::microseconds(1), poll);
      }
    }
  }
  auto due = outbox_.ClaimDue(now, options_.batch_limit);
  if (!due.ok()) {
    Log(spdlog::level::err, {{"event", "notice_claim_failed"}, {"error", due.error().message}});
    return poll;
  }
  for (const DueNotice& notice : *due) {
    if (cancel_) return poll;  // the rest stays `sending`: due again at the next start
    Deliver(notice);
  }
  if (static_cast<int>(due->size()) >= options_.batch_limit) return std::chrono::microseconds(0);
  return poll;
}

void OutboxWorker::Deliver(const DueNotice& notice) {
  nlohmann::json line = {{"id", notice.id}, {"order_id", notice.order_id}, {"kind", notice.kind},
                         {"attempt", notice.attempts}};
  auto message = renderer_.Render(notice.id, notice.payload);
  if (!message.ok()) {
    const std::string error = "cannot render: " + message.error().message;
    Status marked = outbox_.MarkDead(notice.id, error);
    ++dead_;
    line["event"] = "notice_dead";
    line["error"] = error;
    if (!marked.ok()) line["mark_error"] = marked.error().message;
    Log(spdlog::level::err, std::move(line));
    return;
  }
  Status sent = mailer_.Send(*message, &cancel_);
  const int64_t now = Now();
  Status marked;
  if (sent.ok()) {
    marked = outbox_.MarkSent(notice.id, Rfc3339(now));
    ++sent_;
    line["event"] = "notice_sent";
    line["language"] = message->language;
  } else if (cancel_) {
    // Stopped mid-send: due again at once on the next start (the attempt stays counted).
    marked = outbox_.MarkFailed(notice.id, now, sent.error().message);
    line["event"] = "notice_interrupted";
    line["error"] = sent.error().message;
  } else if (notice.attempts >= options_.max_attempts) {
    const std::string error =
        sent.error().message + " (gave up after " + std::to_string(notice.attempts) + " attempts)";
    marked = outbox_.MarkDead(notice.id, error);
    ++dead_;
    line["event"] = "notice_dead";
    line["error"] = error;
  } else {
    const int64_t next = now + Backoff(notice.attempts).count();
    marked = outbox_.MarkFailed(notice.id, next, sent.error().message);
    ++failed_;
    line["event"] = "notice_failed";
    line["error"] = sent.error().message;
    line["next_attempt"] = Rfc3339(next);
  }
  if (!marked.ok()) line["mark_error"] = marked.error().message;
  Log(sent.ok() && marked.ok() ? spdlog::level::info : spdlog::level::warn, std::move(line));
}

}  // namespace belofte::notify
