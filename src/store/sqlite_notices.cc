#include "store/sqlite_notices.h"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "app/notice_settings_json.h"
#include "store/event_codec.h"

namespace belofte::store {

using namespace belofte::engine;

const char* const kNoticesMigration = R"sql(
-- The outbox is the events table: a notice is its notice_queued event, found through this index
-- (its key grows with seq, so queueing a notice only appends). The delivery worker adopts new
-- notices into `notifications`, the delivery state, off the hot path (store/sqlite_outbox.cc).
CREATE INDEX events_notices ON events(seq) WHERE type = 'notice_queued';
CREATE TABLE notifications (
  id              INTEGER PRIMARY KEY,  -- the seq of its notice_queued event (the content is its payload)
  order_id        INTEGER NOT NULL,
  kind            TEXT NOT NULL,
  recipient       TEXT NOT NULL,
  language        TEXT NOT NULL,
  created_at      TEXT NOT NULL,        -- business time
  status          TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','sending','sent','failed','dead')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_us INTEGER NOT NULL DEFAULT 0,  -- wall clock of the next delivery attempt
  sent_at         TEXT,
  last_error      TEXT
) STRICT;
CREATE INDEX notifications_due ON notifications(next_attempt_us) WHERE status IN ('queued','sending','failed');
CREATE INDEX notifications_by_order ON notifications(order_id, id);
CREATE INDEX orders_by_status_token ON orders(status_token);
ALTER TABLE line_promises ADD COLUMN slips INTEGER NOT NULL DEFAULT 0;
)sql";

namespace {

constexpr char kNoticeSettingsKey[] = "notice_settings";

int64_t Id(uint64_t v) { return static_cast<int64_t>(v); }

}  // namespace

Status WriteNotices(Database& db, const std::vector<Event>& events, const ShopState& state) {
  // Notices themselves need no row here: the event is the outbox entry (events_notices).
  const bool settings = std::any_of(events.begin(), events.end(), [](const Event& e) {
    return std::holds_alternative<NoticeSettingsChanged>(e.body);
  });
  if (settings) {
    auto st = db.MustPrepare(
        "INSERT INTO shop_settings(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2");
    BELOFTE_RETURN_IF_ERROR(
        st.Bind(1, kNoticeSettingsKey).Bind(2, app::NoticeSettingsJson(state.notice_settings).dump()).Run());
  }
  return Ok();
}

Status ReadNotices(Database& db, ShopState* state) {
  {
    auto st = db.MustPrepare("SELECT value FROM shop_settings WHERE key = ?1");
    st.Bind(1, kNoticeSettingsKey);
    if (st.Step()) {
      auto j = nlohmann::json::parse(st.Text(0), nullptr, false);
      try {
        state->notice_settings = app::NoticeSettingsFromJson(j);
      } catch (const std::exception& e) {
        return Error::Internal(std::string("stored notice settings are unreadable: ") + e.what());
      }
    }
    BELOFTE_RETURN_IF_ERROR(st.status());
  }
  // Followed orders: the live ones with a promised line. Their first promises and slips.
  {
    auto st = db.MustPrepare(
        "SELECT order_id, line_id, first_p90, first_at, slips FROM line_promises WHERE shipped_on IS NULL");
    while (st.Step()) {
      const OrderId order = static_cast<OrderId>(st.Int(0));
      if (!state->orders.count(order)) continue;
      OrderNotices& n = state->notices[order];
      n.promised_by = std::max(n.promised_by, Date::Parse(st.Text(2)).value_or(Date()));
      const Instant first_at = Instant::Parse(st.Text(3)).value_or(Instant());
      if (n.last_news == Instant() || first_at < n.last_news) n.last_news = first_at;
      auto p = state->promises.find(static_cast<LineId>(st.Int(1)));
      if (p != state->promises.end()) p->second.slips = static_cast<int32_t>(st.Int(4));
    }
    BELOFTE_RETURN_IF_ERROR(st.status());
  }
  // Every order that was told something is followed (order_confirmed ones too).
  auto told = db.MustPrepare(
      "SELECT e.order_id, json_extract(e.payload, '$.kind'), e.at, e.payload FROM orders o "
      "JOIN events e ON e.order_id = o.id "
      "WHERE o.status IN ('open', 'backordered', 'ready', 'partially_shipped') AND e.type = 'notice_queued' "
      "ORDER BY e.seq");
  while (told.Step()) {
    const OrderId order = static_cast<OrderId>(told.Int(0));
    if (!state->orders.count(order)) continue;
    OrderNotices& n = state->notices[order];
    n.last_news = std::max(n.last_news, Instant::Parse(told.Text(2)).value_or(Instant()));
    const std::string kind = told.Text(1);
    if (kind == "compensation") n.compensated = true;
    if (kind == "cancel_offer") {
      auto body = DecodeEventPayload("notice_queued", told.Text(3));
      if (!body.ok()) return body.take_error();
      for (const auto& l : std::get<NoticeQueued>(body.value()).lines) n.offered.push_back(l.line);
    }
  }
  BELOFTE_RETURN_IF_ERROR(told.status());
  auto accepted = db.MustPrepare(
      "SELECT DISTINCT e.order_id FROM orders o JOIN events e ON e.order_id = o.id "
      "WHERE o.status IN ('open', 'backordered', 'ready', 'partially_shipped') AND e.type = 'wait_accepted'");
  while (accepted.Step()) {
    const OrderId order = static_cast<OrderId>(accepted.Int(0));
    if (state->orders.count(order)) state->notices[order].wait_accepted = true;
  }
  return accepted.status();
}

Result<std::optional<OrderId>> ReadOrderIdByToken(Database& db, const std::string& token) {
  auto st = db.Prepare("SELECT id FROM orders WHERE status_token = ?1 AND status_token <> ''");
  if (!st.ok()) return st.take_error();
  st->Bind(1, token);
  std::optional<OrderId> id;
  if (st->Step()) id = static_cast<OrderId>(st->Int(0));
  BELOFTE_RETURN_IF_ERROR(st->status());
  return id;
}

Result<std::vector<app::OrderEvent>> ReadOrderEvents(Database& db, OrderId order) {
  auto st = db.Prepare("SELECT seq, at, type, payload FROM events WHERE order_id = ?1 ORDER BY seq");
  if (!st.ok()) return st.take_error();
  st->Bind(1, Id(order));
  std::vector<app::OrderEvent> out;
  while (st->Step()) {
    out.push_back(app::OrderEvent{static_cast<uint64_t>(st->Int(0)), Instant::Parse(st->Text(1)).value_or(Instant()),
                                  st->Text(2), st->Text(3)});
  }
  BELOFTE_RETURN_IF_ERROR(st->status());
  return out;
}

Result<std::vector<app::NotificationRecord>> ReadNotifications(Database& db, OrderId order, uint64_t after,
                                                              size_t limit) {
  // Notices the worker has not adopted yet (or no worker runs) are queued.
  const std::string columns =
      "SELECT e.seq, e.order_id, json_extract(e.payload, '$.kind'), json_extract(e.payload, '$.to'), "
      "json_extract(e.payload, '$.language'), coalesce(n.status, 'queued'), coalesce(n.attempts, 0), e.at, "
      "n.sent_at, n.last_error FROM events e LEFT JOIN notifications n ON n.id = e.seq "
      "WHERE e.type = 'notice_queued' AND e.seq > ?2 ";
  auto st = db.Prepare(columns + (order ? "AND e.order_id = ?1 " : "AND ?1 = 0 ") + "ORDER BY e.seq LIMIT ?3");
  if (!st.ok()) return st.take_error();
  st->Bind(1, Id(order)).Bind(2, Id(after)).Bind(3, static_cast<int64_t>(limit));
  std::vector<app::NotificationRecord> out;
  while (st->Step()) {
    app::NotificationRecord r;
    r.id = static_cast<uint64_t>(st->Int(0));
    r.order = static_cast<OrderId>(st->Int(1));
    r.kind = st->Text(2);
    r.to = st->Text(3);
    r.language = st->Text(4);
    r.status = st->Text(5);
    r.attempts = st->Int(6);
    r.created_at = Instant::Parse(st->Text(7)).value_or(Instant());
    if (!st->IsNull(8)) r.sent_at = st->Text(8);
    if (!st->IsNull(9)) r.last_error = st->Text(9);
    out.push_back(std::move(r));
  }
  BELOFTE_RETURN_IF_ERROR(st->status());
  return out;
}

}  // namespace belofte::store
