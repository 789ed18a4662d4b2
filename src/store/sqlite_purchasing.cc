#include "store/sqlite_purchasing.h"

#include <functional>
#include <map>
#include <set>

namespace belofte::store {

using namespace belofte::engine;

const char* const kPurchasingMigration = R"sql(
CREATE TABLE suppliers (
  code                  TEXT PRIMARY KEY,
  name                  TEXT NOT NULL,
  email                 TEXT NOT NULL,
  lead_time_days        INTEGER NOT NULL,
  min_order_value_cents INTEGER,
  min_order_currency    TEXT,
  receipts              INTEGER NOT NULL,
  deliveries_total      INTEGER NOT NULL
) STRICT;

CREATE TABLE supplier_terms (
  supplier       TEXT NOT NULL,
  sku            TEXT NOT NULL,
  cost_cents     INTEGER NOT NULL,
  currency       TEXT NOT NULL,
  moq            INTEGER NOT NULL,
  pack_size      INTEGER NOT NULL,
  lead_time_days INTEGER,
  preferred      INTEGER NOT NULL CHECK (preferred IN (0, 1)),
  PRIMARY KEY (supplier, sku)
) STRICT;

CREATE TABLE purchase_orders (
  id         INTEGER PRIMARY KEY,
  supplier   TEXT NOT NULL,
  status     TEXT NOT NULL CHECK (status IN ('draft', 'sent', 'confirmed', 'partially_received', 'received',
                                             'cancelled')),
  created_at TEXT NOT NULL,
  sent_at    TEXT
) STRICT;
CREATE INDEX purchase_orders_by_supplier ON purchase_orders(supplier, id);

CREATE TABLE purchase_order_lines (
  purchase_order_id   INTEGER NOT NULL,
  line_no             INTEGER NOT NULL,
  sku                 TEXT NOT NULL,
  quantity            INTEGER NOT NULL,
  received            INTEGER NOT NULL,
  expected_date       TEXT NOT NULL,
  promised_date       TEXT,
  last_arrival        TEXT,
  expected_at_arrival TEXT,
  default_lead_days   INTEGER,
  PRIMARY KEY (purchase_order_id, sku)
) STRICT, WITHOUT ROWID;

CREATE TABLE purchase_order_date_changes (
  purchase_order_id INTEGER NOT NULL,
  sku               TEXT NOT NULL,
  n                 INTEGER NOT NULL,
  expected_date     TEXT NOT NULL,
  known_at          TEXT NOT NULL,
  reason            TEXT NOT NULL,
  PRIMARY KEY (purchase_order_id, sku, n)
) STRICT, WITHOUT ROWID;

CREATE TABLE supplier_deliveries (
  supplier          TEXT NOT NULL,
  n                 INTEGER NOT NULL,
  ordered           TEXT,
  promised          TEXT NOT NULL,
  confirmed         TEXT NOT NULL,
  arrived           TEXT NOT NULL,
  ordered_quantity  INTEGER NOT NULL,
  received_quantity INTEGER NOT NULL,
  PRIMARY KEY (supplier, n)
) STRICT, WITHOUT ROWID;
)sql";

namespace {

std::optional<std::string> DateText(const std::optional<Date>& d) {
  return d ? std::optional<std::string>(d->ToString()) : std::nullopt;
}

std::optional<Date> DateOf(Statement& st, int column) {
  return st.IsNull(column) ? std::nullopt : Date::Parse(st.Text(column));
}

Status Run(Database& db, const char* sql, const std::function<void(Statement&)>& bind) {
  auto st = db.Prepare(sql);
  if (!st.ok()) return st.take_error();
  bind(*st);
  return st->Run();
}

}  // namespace

Status WritePurchasing(Database& db, const std::vector<Event>& events, const ShopState& state) {
  std::set<std::string> suppliers, terms_suppliers;
  std::set<std::pair<std::string, std::string>> terms;
  std::set<PurchaseOrderId> orders;
  for (const Event& e : events) {
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, SupplierUpserted>) {
            suppliers.insert(x.supplier.code);
          } else if constexpr (std::is_same_v<T, SupplierTermsUpserted>) {
            terms.emplace(x.terms.supplier, x.terms.sku);
          } else if constexpr (std::is_same_v<T, PurchaseOrderCreated>) {
            orders.insert(x.purchase_order.id);
          } else if constexpr (std::is_same_v<T, PurchaseOrderSent> || std::is_same_v<T, PurchaseOrderDatesChanged> ||
                               std::is_same_v<T, PurchaseOrderCancelled> ||
                               std::is_same_v<T, PurchaseOrderReceived>) {
            orders.insert(x.purchase_order);
          }
        },
        e.body);
  }
  if (suppliers.empty() && terms.empty() && orders.empty()) return Ok();
  // Receipts and cancellations change their supplier's counters and deliveries.
  for (PurchaseOrderId id : orders) suppliers.insert(state.purchase_orders.at(id).supplier);

  for (const auto& code : suppliers) {
    const SupplierState& s = state.suppliers.at(code);
    const Supplier& sup = s.supplier;
    // Deliveries are append-only: write those recorded since the count stored with the supplier.
    int64_t stored = 0;
    {
      auto count = db.Prepare("SELECT deliveries_total FROM suppliers WHERE code = ?");
      if (!count.ok()) return count.take_error();
      count->Bind(1, code);
      if (count->Step()) stored = count->Int(0);
      BELOFTE_RETURN_IF_ERROR(count->status());
    }
    const int64_t first_kept = s.deliveries_total - static_cast<int64_t>(s.deliveries.size());
    if (stored < first_kept) {
      return Error::Internal("supplier " + code + ": more deliveries closed in one batch than memory keeps (" +
                             std::to_string(s.deliveries_total - stored) + ")");
    }
    for (int64_t n = stored; n < s.deliveries_total; ++n) {
      const SupplierDelivery& d = s.deliveries[static_cast<size_t>(n - first_kept)];
      BELOFTE_RETURN_IF_ERROR(Run(db,
                                  "INSERT INTO supplier_deliveries(supplier, n, ordered, promised, confirmed, arrived, "
                                  "ordered_quantity, received_quantity) VALUES (?,?,?,?,?,?,?,?)",
                                  [&](Statement& st) {
                                    st.Bind(1, code).Bind(2, n).Bind(3, DateText(d.ordered));
                                    st.Bind(4, d.promised.ToString()).Bind(5, d.confirmed.ToString());
                                    st.Bind(6, d.arrived.ToString()).Bind(7, d.ordered_quantity);
                                    st.Bind(8, d.received_quantity);
                                  }));
    }
    BELOFTE_RETURN_IF_ERROR(Run(
        db,
        "INSERT INTO suppliers(code, name, email, lead_time_days, min_order_value_cents, min_order_currency, receipts, "
        "deliveries_total) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(code) DO UPDATE SET name=excluded.name, "
        "email=excluded.email, lead_time_days=excluded.lead_time_days, "
        "min_order_value_cents=excluded.min_order_value_cents, min_order_currency=excluded.min_order_currency, "
        "receipts=excluded.receipts, deliveries_total=excluded.deliveries_total",
        [&](Statement& st) {
          st.Bind(1, sup.code).Bind(2, sup.name).Bind(3, sup.email).Bind(4, int64_t{sup.lead_time_days});
          st.Bind(5, sup.min_order_value ? std::optional<int64_t>(sup.min_order_value->cents()) : std::nullopt);
          st.Bind(6, sup.min_order_value ? std::optional<std::string>(sup.min_order_value->currency()) : std::nullopt);
          st.Bind(7, s.receipts).Bind(8, s.deliveries_total);
        }));
  }
  for (const auto& [supplier, sku] : terms) {
    const SupplierTerms& t = state.suppliers.at(supplier).terms.at(sku);
    BELOFTE_RETURN_IF_ERROR(Run(
        db,
        "INSERT INTO supplier_terms(supplier, sku, cost_cents, currency, moq, pack_size, lead_time_days, preferred) "
        "VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(supplier, sku) DO UPDATE SET cost_cents=excluded.cost_cents, "
        "currency=excluded.currency, moq=excluded.moq, pack_size=excluded.pack_size, "
        "lead_time_days=excluded.lead_time_days, preferred=excluded.preferred",
        [&](Statement& st) {
          st.Bind(1, t.supplier).Bind(2, t.sku).Bind(3, t.cost.cents()).Bind(4, t.cost.currency());
          st.Bind(5, t.moq.units()).Bind(6, t.pack_size.units());
          st.Bind(7, t.lead_time_days ? std::optional<int64_t>(*t.lead_time_days) : std::nullopt);
          st.Bind(8, int64_t{t.preferred ? 1 : 0});
        }));
  }
  for (PurchaseOrderId id : orders) {
    const PurchaseOrder& po = state.purchase_orders.at(id);
    const int64_t pid = static_cast<int64_t>(id);
    BELOFTE_RETURN_IF_ERROR(Run(db,
                                "INSERT INTO purchase_orders(id, supplier, status, created_at, sent_at) VALUES "
                                "(?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET status=excluded.status, "
                                "sent_at=excluded.sent_at",
                                [&](Statement& st) {
                                  st.Bind(1, pid).Bind(2, po.supplier).Bind(3, ToString(po.status));
                                  st.Bind(4, po.created_at.ToString());
                                  st.Bind(5, po.sent_at ? std::optional<std::string>(po.sent_at->ToString())
                                                        : std::nullopt);
                                }));
    // A purchase order is small: its lines and their history are rewritten whole.
    BELOFTE_RETURN_IF_ERROR(Run(db, "DELETE FROM purchase_order_lines WHERE purchase_order_id = ?",
                                [&](Statement& st) { st.Bind(1, pid); }));
    BELOFTE_RETURN_IF_ERROR(Run(db, "DELETE FROM purchase_order_date_changes WHERE purchase_order_id = ?",
                                [&](Statement& st) { st.Bind(1, pid); }));
    for (size_t i = 0; i < po.lines.size(); ++i) {
      const PurchaseOrderLine& l = po.lines[i];
      BELOFTE_RETURN_IF_ERROR(Run(
          db,
          "INSERT INTO purchase_order_lines(purchase_order_id, line_no, sku, quantity, received, expected_date, "
          "promised_date, last_arrival, expected_at_arrival, default_lead_days) VALUES (?,?,?,?,?,?,?,?,?,?)",
          [&](Statement& st) {
            st.Bind(1, pid).Bind(2, static_cast<int64_t>(i)).Bind(3, l.sku).Bind(4, l.quantity.units());
            st.Bind(5, l.received.units()).Bind(6, l.expected_date.ToString()).Bind(7, DateText(l.promised_date));
            st.Bind(8, DateText(l.last_arrival)).Bind(9, DateText(l.expected_at_arrival));
            st.Bind(10, l.default_lead_days ? std::optional<int64_t>(*l.default_lead_days) : std::nullopt);
          }));
      for (size_t n = 0; n < l.history.size(); ++n) {
        const ExpectedDateChange& h = l.history[n];
        BELOFTE_RETURN_IF_ERROR(Run(db,
                                    "INSERT INTO purchase_order_date_changes(purchase_order_id, sku, n, expected_date, "
                                    "known_at, reason) VALUES (?,?,?,?,?,?)",
                                    [&](Statement& st) {
                                      st.Bind(1, pid).Bind(2, l.sku).Bind(3, static_cast<int64_t>(n));
                                      st.Bind(4, h.date.ToString()).Bind(5, h.known_at.ToString()).Bind(6, h.reason);
                                    }));
      }
    }
  }
  return Ok();
}

Status ReadPurchasing(Database& db, ShopState* state) {
  {
    auto st = db.MustPrepare(
        "SELECT code, name, email, lead_time_days, min_order_value_cents, min_order_currency, receipts, "
        "deliveries_total FROM suppliers");
    while (st.Step()) {
      SupplierState& s = state->suppliers[st.Text(0)];
      s.supplier.code = st.Text(0);
      s.supplier.name = st.Text(1);
      s.supplier.email = st.Text(2);
      s.supplier.lead_time_days = static_cast<int32_t>(st.Int(3));
      if (!st.IsNull(4)) s.supplier.min_order_value = Money(st.Int(4), st.Text(5));
      s.receipts = st.Int(6);
      s.deliveries_total = st.Int(7);
    }
    BELOFTE_RETURN_IF_ERROR(st.status());
  }
  {
    auto st = db.MustPrepare(
        "SELECT supplier, sku, cost_cents, currency, moq, pack_size, lead_time_days, preferred FROM supplier_terms");
    while (st.Step()) {
      SupplierTerms t;
      t.supplier = st.Text(0);
      t.sku = st.Text(1);
      t.cost = Money(st.Int(2), st.Text(3));
      t.moq = Quantity(st.Int(4));
      t.pack_size = Quantity(st.Int(5));
      if (!st.IsNull(6)) t.lead_time_days = static_cast<int32_t>(st.Int(6));
      t.preferred = st.Int(7) != 0;
      state->suppliers[t.supplier].terms[t.sku] = t;
    }
    BELOFTE_RETURN_IF_ERROR(st.status());
  }
  {
    // The last kDeliveriesKept deliveries per supplier, oldest first.
    auto st = db.MustPrepare(
        "SELECT supplier, n, ordered, promised, confirmed, arrived, ordered_quantity, received_quantity FROM "
        "supplier_deliveries d WHERE n >= (SELECT deliveries_total FROM suppliers s WHERE s.code = d.supplier) - ? "
        "ORDER BY supplier, n");
    st.Bind(1, static_cast<int64_t>(kDeliveriesKept));
    while (st.Step()) {
      SupplierDelivery d;
      d.ordered = DateOf(st, 2);
      d.promised = DateOf(st, 3).value_or(Date());
      d.confirmed = DateOf(st, 4).value_or(Date());
      d.arrived = DateOf(st, 5).value_or(Date());
      d.ordered_quantity = st.Int(6);
      d.received_quantity = st.Int(7);
      state->suppliers[st.Text(0)].deliveries.push_back(d);
    }
    BELOFTE_RETURN_IF_ERROR(st.status());
  }
  {
    auto st = db.MustPrepare("SELECT id, supplier, status, created_at, sent_at FROM purchase_orders ORDER BY id");
    while (st.Step()) {
      PurchaseOrder po;
      po.id = static_cast<PurchaseOrderId>(st.Int(0));
      po.supplier = st.Text(1);
      po.status = ParsePurchaseOrderStatus(st.Text(2)).value_or(PurchaseOrderStatus::kDraft);
      po.created_at = Instant::Parse(st.Text(3)).value_or(Instant());
      if (!st.IsNull(4)) po.sent_at = Instant::Parse(st.Text(4));
      state->next_purchase_order_id = std::max(state->next_purchase_order_id, po.id + 1);
      state->purchase_orders[po.id] = std::move(po);
    }
    BELOFTE_RETURN_IF_ERROR(st.status());
  }
  {
    auto st = db.MustPrepare(
        "SELECT purchase_order_id, sku, quantity, received, expected_date, promised_date, last_arrival, "
        "expected_at_arrival, default_lead_days FROM purchase_order_lines ORDER BY purchase_order_id, line_no");
    std::map<std::pair<PurchaseOrderId, std::string>, PurchaseOrderLine*> by_key;
    while (st.Step()) {
      auto po = state->purchase_orders.find(static_cast<PurchaseOrderId>(st.Int(0)));
      if (po == state->purchase_orders.end()) continue;
      PurchaseOrderLine l;
      l.sku = st.Text(1);
      l.quantity = Quantity(st.Int(2));
      l.received = Quantity(st.Int(3));
      l.expected_date = DateOf(st, 4).value_or(Date());
      l.promised_date = DateOf(st, 5);
      l.last_arrival = DateOf(st, 6);
      l.expected_at_arrival = DateOf(st, 7);
      if (!st.IsNull(8)) l.default_lead_days = static_cast<int32_t>(st.Int(8));
      po->second.lines.push_back(std::move(l));
    }
    BELOFTE_RETURN_IF_ERROR(st.status());
    for (auto& [id, po] : state->purchase_orders) {
      for (auto& l : po.lines) by_key[{id, l.sku}] = &l;
    }
    auto hist = db.MustPrepare(
        "SELECT purchase_order_id, sku, expected_date, known_at, reason FROM purchase_order_date_changes "
        "ORDER BY purchase_order_id, sku, n");
    while (hist.Step()) {
      auto it = by_key.find({static_cast<PurchaseOrderId>(hist.Int(0)), hist.Text(1)});
      if (it == by_key.end()) continue;
      it->second->history.push_back(ExpectedDateChange{DateOf(hist, 2).value_or(Date()),
                                                       Instant::Parse(hist.Text(3)).value_or(Instant()), hist.Text(4)});
    }
    BELOFTE_RETURN_IF_ERROR(hist.status());
  }
  return Ok();
}

}  // namespace belofte::store
