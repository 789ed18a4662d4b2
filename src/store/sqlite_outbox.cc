#include "store/sqlite_outbox.h"

#include <algorithm>

namespace belofte::store {

const char* const kAdoptNoticesSql = R"sql(
    INSERT INTO notifications(id, order_id, kind, recipient, language, created_at)
    SELECT seq, order_id, json_extract(payload, '$.kind'), json_extract(payload, '$.to'),
           json_extract(payload, '$.language'), at
    FROM events WHERE type = 'notice_queued' AND seq > (SELECT coalesce(max(id), 0) FROM notifications)
    ORDER BY seq)sql";

Result<std::unique_ptr<SqliteOutbox>> SqliteOutbox::Open(const std::string& path) {
  auto db = Database::Open(path);
  if (!db.ok()) return db.take_error();
  sqlite3_busy_timeout((*db)->handle(), kBusyTimeoutMs);
  auto probe = (*db)->Prepare("SELECT 1 FROM notifications LIMIT 0");
  if (!probe.ok()) {
    return Error::Internal("database '" + path + "' has no notifications table (not migrated?): " +
                           probe.error().message);
  }
  std::unique_ptr<SqliteOutbox> outbox(new SqliteOutbox());
  outbox->db_ = std::move(db.value());
  return outbox;
}

Result<std::vector<notify::DueNotice>> SqliteOutbox::ClaimDue(int64_t now_us, int limit) {
  std::lock_guard lock(mu_);
  // IMMEDIATE: take the write lock first, so the claim never fails half-way on an upgrade.
  BELOFTE_RETURN_IF_ERROR(db_->Exec("BEGIN IMMEDIATE"));
  // Adopt the notices committed since the last round: their delivery state starts here, so the
  // shop's commit only appends the event (index events_notices).
  auto adopted = db_->Exec(kAdoptNoticesSql);
  if (!adopted.ok()) {
    (void)db_->Exec("ROLLBACK");
    return adopted.take_error();
  }
  auto st = db_->Prepare(R"sql(
    UPDATE notifications SET status = 'sending', attempts = attempts + 1
    WHERE id IN (SELECT id FROM notifications
                 WHERE status IN ('queued', 'failed', 'sending') AND next_attempt_us <= ?1
                 ORDER BY next_attempt_us, id LIMIT ?2)
    RETURNING id, order_id, kind, recipient, language, created_at, attempts,
              (SELECT e.payload FROM events e WHERE e.seq = notifications.id))sql");
  if (!st.ok()) {
    (void)db_->Exec("ROLLBACK");
    return st.take_error();
  }
  st->Bind(1, now_us).Bind(2, static_cast<int64_t>(limit));
  std::vector<notify::DueNotice> due;
  while (st->Step()) {
    notify::DueNotice n;
    n.id = st->Int(0);
    n.order_id = st->Int(1);
    n.kind = st->Text(2);
    n.to = st->Text(3);
    n.language = st->Text(4);
    n.created_at = st->Text(5);
    n.attempts = static_cast<int>(st->Int(6));
    n.payload = st->Text(7);  // empty when the event is missing: the renderer reports it
    due.push_back(std::move(n));
  }
  if (Status s = st->status(); !s.ok()) {
    st->Reset();
    (void)db_->Exec("ROLLBACK");
    return s.take_error();
  }
  st->Reset();
  BELOFTE_RETURN_IF_ERROR(db_->Exec("COMMIT"));
  std::sort(due.begin(), due.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return due;
}

Status SqliteOutbox::Mark(int64_t id, const char* sql, const std::function<void(Statement&)>& bind) {
  std::lock_guard lock(mu_);
  auto st = db_->Prepare(sql);
  if (!st.ok()) return st.take_error();
  bind(*st);
  bool found = st->Step();
  while (st->Step()) {
  }
  BELOFTE_RETURN_IF_ERROR(st->status());
  if (!found) return Error::NotFound("notification_not_found", "no notification " + std::to_string(id));
  return Ok();
}

Status SqliteOutbox::MarkSent(int64_t id, const std::string& sent_at) {
  return Mark(id,
              "UPDATE notifications SET status = 'sent', sent_at = ?2, last_error = NULL WHERE id = ?1 RETURNING id",
              [&](Statement& st) { st.Bind(1, id).Bind(2, sent_at); });
}

Status SqliteOutbox::MarkFailed(int64_t id, int64_t next_attempt_us, const std::string& error) {
  return Mark(id,
              "UPDATE notifications SET status = 'failed', next_attempt_us = ?2, last_error = ?3 WHERE id = ?1 "
              "RETURNING id",
              [&](Statement& st) { st.Bind(1, id).Bind(2, next_attempt_us).Bind(3, error); });
}

Status SqliteOutbox::MarkDead(int64_t id, const std::string& error) {
  return Mark(id, "UPDATE notifications SET status = 'dead', last_error = ?2 WHERE id = ?1 RETURNING id",
              [&](Statement& st) { st.Bind(1, id).Bind(2, error); });
}

}  // namespace belofte::store
