#include "store/sqlite_promises.h"

#include <algorithm>
#include <map>

#include "store/event_codec.h"

namespace belofte::store {

using namespace belofte::engine;

const char* const kPromisesMigration = R"sql(
CREATE TABLE line_promises (
  line_id     INTEGER PRIMARY KEY,
  order_id    INTEGER NOT NULL,
  sku         TEXT NOT NULL,
  first_p50   TEXT NOT NULL,
  first_p90   TEXT NOT NULL,
  first_basis TEXT NOT NULL,
  first_po    INTEGER NOT NULL,
  first_at    TEXT NOT NULL,
  given_p50   TEXT NOT NULL,
  given_p90   TEXT NOT NULL,
  given_basis TEXT NOT NULL,
  given_po    INTEGER NOT NULL,
  given_at    TEXT NOT NULL,
  p50         TEXT NOT NULL,
  p90         TEXT NOT NULL,
  basis       TEXT NOT NULL,
  po          INTEGER NOT NULL,
  shipped_on  TEXT  -- the day the line was shipped in full
) STRICT;
CREATE INDEX line_promises_by_order ON line_promises(order_id);
CREATE INDEX line_promises_shipped ON line_promises(shipped_on) WHERE shipped_on IS NOT NULL;

CREATE TABLE shop_settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL  -- JSON
) STRICT;
)sql";

namespace {

constexpr char kPromiseSettingsKey[] = "promise_settings";

int64_t Id(uint64_t v) { return static_cast<int64_t>(v); }

Promise ReadPromise(const Statement& st, int column) {
  return Promise{Date::Parse(st.Text(column)).value_or(Date()), Date::Parse(st.Text(column + 1)).value_or(Date()),
                 ParsePromiseBasis(st.Text(column + 2)).value_or(PromiseBasis::kInStock),
                 static_cast<PurchaseOrderId>(st.Int(column + 3))};
}

}  // namespace

Status WritePromises(Database& db, const std::vector<Event>& events, const ShopState& state) {
  // Per promised line: its order and SKU, and its first promise when the batch gave it (the row's
  // first_* columns are written once, on insert).
  struct Promised {
    const LinePromised* event;
    const LinePromised* given = nullptr;
    Instant given_at;
  };
  std::map<LineId, Promised> promised;
  std::vector<std::pair<LineId, Date>> shipped;
  const Event* settings = nullptr;
  for (const Event& e : events) {
    if (const auto* p = std::get_if<LinePromised>(&e.body)) {
      auto [it, fresh] = promised.try_emplace(p->line, Promised{p});
      it->second.event = p;
      if (!p->previous) {
        it->second.given = p;
        it->second.given_at = e.at;
      }
    } else if (const auto* s = std::get_if<LineShipped>(&e.body)) {
      shipped.emplace_back(s->line, e.at.date());
    } else if (std::holds_alternative<PromiseSettingsChanged>(e.body)) {
      settings = &e;
    }
  }
  if (!promised.empty()) {
    auto st = db.MustPrepare(
        "INSERT INTO line_promises(line_id, order_id, sku, first_p50, first_p90, first_basis, first_po, first_at, "
        "given_p50, given_p90, given_basis, given_po, given_at, p50, p90, basis, po, slips) "
        "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18) "
        "ON CONFLICT(line_id) DO UPDATE SET given_p50 = ?9, given_p90 = ?10, given_basis = ?11, given_po = ?12, "
        "given_at = ?13, p50 = ?14, p90 = ?15, basis = ?16, po = ?17, slips = ?18");
    const auto bind = [&st](int i, const Promise& q) {
      st.Bind(i, q.p50.ToString()).Bind(i + 1, q.p90.ToString()).Bind(i + 2, ToString(q.basis));
      st.Bind(i + 3, Id(q.purchase_order));
    };
    for (const auto& [line, p] : promised) {
      auto it = state.promises.find(line);
      if (it == state.promises.end()) continue;  // filled and shipped or cancelled in the same batch
      const LinePromises& now = it->second;
      st.Bind(1, Id(line)).Bind(2, Id(p.event->order)).Bind(3, p.event->sku);
      // Without a promise_given in this batch the row exists: the first_* values are not used.
      bind(4, p.given ? p.given->promise : now.current);
      st.Bind(8, (p.given ? p.given_at : now.given_at).ToString());
      bind(9, now.given);
      st.Bind(13, now.given_at.ToString());
      bind(14, now.current);
      st.Bind(18, int64_t{now.slips});  // told changes to a later date (migration 6)
      BELOFTE_RETURN_IF_ERROR(st.Run());
    }
  }
  if (!shipped.empty()) {
    auto st = db.MustPrepare("UPDATE line_promises SET shipped_on = ?2 WHERE line_id = ?1");
    for (const auto& [line, day] : shipped) {
      const OrderLine* l = state.FindLine(line).second;
      if (!l || l->remaining().positive()) continue;  // rows exist only for lines that were promised
      BELOFTE_RETURN_IF_ERROR(st.Bind(1, Id(line)).Bind(2, day.ToString()).Run());
    }
  }
  if (settings) {
    std::string payload;
    AppendEventPayload(settings->body, &payload);
    auto st = db.MustPrepare("INSERT INTO shop_settings(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2");
    BELOFTE_RETURN_IF_ERROR(st.Bind(1, kPromiseSettingsKey).Bind(2, payload).Run());
  }
  return Ok();
}

Status ReadPromises(Database& db, ShopState* state) {
  {
    auto st = db.MustPrepare("SELECT value FROM shop_settings WHERE key = ?1");
    st.Bind(1, kPromiseSettingsKey);
    if (st.Step()) {
      auto body = DecodeEventPayload("promise_settings_changed", st.Text(0));
      if (!body.ok()) return body.take_error();
      state->promise_settings = std::get<PromiseSettingsChanged>(body.value()).settings;
    }
    BELOFTE_RETURN_IF_ERROR(st.status());
  }
  auto st = db.MustPrepare(
      "SELECT line_id, order_id, given_p50, given_p90, given_basis, given_po, given_at, p50, p90, basis, po "
      "FROM line_promises WHERE shipped_on IS NULL");
  while (st.Step()) {
    const OrderId order = static_cast<OrderId>(st.Int(1));
    const LineId line_id = static_cast<LineId>(st.Int(0));
    auto o = state->orders.find(order);
    if (o == state->orders.end()) continue;  // closed: not live
    const auto line = std::find_if(o->second.lines.begin(), o->second.lines.end(),
                                   [line_id](const OrderLine& l) { return l.id == line_id; });
    if (line == o->second.lines.end() || !line->remaining().positive()) continue;  // done with: not kept
    LinePromises p;
    p.given = ReadPromise(st, 2);
    p.given_at = Instant::Parse(st.Text(6)).value_or(Instant());
    p.current = ReadPromise(st, 7);
    state->promises.emplace(line_id, p);
  }
  return st.status();
}

Result<app::PromiseAccuracy> ReadPromiseAccuracy(Database& db, Date from, Date to) {
  auto st = db.Prepare(
      "SELECT count(*), "
      "coalesce(sum(shipped_on <= first_p50), 0), coalesce(sum(shipped_on <= first_p90), 0), "
      "coalesce(sum(shipped_on <= given_p50), 0), coalesce(sum(shipped_on <= given_p90), 0), "
      "coalesce(avg(CASE WHEN shipped_on > given_p90 THEN julianday(shipped_on) - julianday(given_p90) END), 0) "
      "FROM line_promises WHERE shipped_on BETWEEN ?1 AND ?2");
  if (!st.ok()) return st.take_error();
  st->Bind(1, from.ToString()).Bind(2, to.ToString());
  app::PromiseAccuracy a;
  if (st->Step()) {
    a.lines = st->Int(0);
    a.first_p50_kept = st->Int(1);
    a.first_p90_kept = st->Int(2);
    a.last_p50_kept = st->Int(3);
    a.last_p90_kept = st->Int(4);
    a.mean_days_late_p90 = st->Double(5);
  }
  BELOFTE_RETURN_IF_ERROR(st->status());
  return a;
}

Result<app::OrderPromises> ReadPromiseHistory(Database& db, OrderId order) {
  auto st = db.Prepare(
      "SELECT at, type, payload FROM events WHERE order_id = ?1 AND type IN ('promise_given', 'promise_revised', "
      "'promise_changed') ORDER BY seq");
  if (!st.ok()) return st.take_error();
  st->Bind(1, Id(order));
  app::OrderPromises out;
  while (st->Step()) {
    auto body = DecodeEventPayload(st->Text(1), st->Text(2));
    if (!body.ok()) return body.take_error();
    const auto& e = std::get<LinePromised>(body.value());
    out.records.push_back(app::PromiseRecord{e.line, e.sku, st->Text(1),
                                             Instant::Parse(st->Text(0)).value_or(Instant()), e.promise, e.previous});
  }
  BELOFTE_RETURN_IF_ERROR(st->status());
  auto outcomes = db.Prepare(
      "SELECT line_id, shipped_on, first_p50, first_p90, first_basis, first_po, given_p50, given_p90, given_basis, "
      "given_po FROM line_promises WHERE order_id = ?1 AND shipped_on IS NOT NULL ORDER BY line_id");
  if (!outcomes.ok()) return outcomes.take_error();
  outcomes->Bind(1, Id(order));
  while (outcomes->Step()) {
    out.outcomes.push_back(app::PromiseOutcome{static_cast<LineId>(outcomes->Int(0)),
                                               Date::Parse(outcomes->Text(1)).value_or(Date()),
                                               ReadPromise(*outcomes, 2), ReadPromise(*outcomes, 6)});
  }
  BELOFTE_RETURN_IF_ERROR(outcomes->status());
  return out;
}

}  // namespace belofte::store
