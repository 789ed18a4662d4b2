// outbox.h — Outbox: the port through which the notice worker reads and updates the
// `notifications` table (the transactional outbox the engine fills with each state change).
//
// A notification is written by the shop's writer, in the same transaction as the change it tells
// the customer about, as a `notice_queued` event (its payload is the notice's content) and a
// `notifications` row with the same id. The worker claims due rows, renders and sends them, and
// records the result here. Delivery is at least once: a row is marked `sending` (and its attempt
// counted) when claimed; one found `sending` later was interrupted (a crash, a shutdown mid-send)
// and is due again. SMTP only takes responsibility after its 250 reply to DATA, so a resend is
// the right answer to an interruption.
//
// Row life cycle: queued -> sending -> sent
//                           sending -> failed (next_attempt_us in the future) -> sending ...
//                           sending -> dead (max attempts reached, or the notice cannot be rendered)
// Thread safety: implementations document their own (SqliteOutbox: all methods thread-safe).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace belofte::notify {

// A notification claimed for delivery, with its content (the payload of its event).
struct DueNotice {
  int64_t id = 0;
  int64_t order_id = 0;
  std::string kind;
  std::string to;
  std::string language;
  std::string created_at;
  int attempts = 0;     // counting the one just claimed
  std::string payload;  // JSON, the payload of the notice_queued event with seq = id
};

class Outbox {
 public:
  virtual ~Outbox() = default;

  // Claims up to `limit` rows with status queued, failed or sending and next_attempt_us <= now_us,
  // oldest due first: each becomes `sending` with attempts + 1, in one transaction. Returned in
  // id order.
  virtual Result<std::vector<DueNotice>> ClaimDue(int64_t now_us, int limit) = 0;
  // Delivered: status sent, sent_at (wall clock, RFC 3339), last_error cleared.
  virtual Status MarkSent(int64_t id, const std::string& sent_at) = 0;
  // Not delivered this time: status failed, tried again at next_attempt_us.
  virtual Status MarkFailed(int64_t id, int64_t next_attempt_us, const std::string& error) = 0;
  // Given up: status dead, kept for inspection (and a manual retry).
  virtual Status MarkDead(int64_t id, const std::string& error) = 0;

  // (The API reads notifications through app::ShopHistory::Notifications.)
};

}  // namespace belofte::notify
