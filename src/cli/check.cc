// check.cc — `belofte check`: every invariant of DESIGN.md, verified against a store.
//
// Three independent views must agree: the normalised rows (as start-up loads them), the
// ledger (on_hand == sum of stock_movements), and the event log replayed through the engine's
// own Apply. Any disagreement or broken invariant is reported and the exit code is 1.
#include <ostream>

#include "cli/cli.h"
#include "engine/engine.h"
#include "engine/invariants.h"
#include "store/sqlite_store.h"

namespace belofte::cli {

namespace {

// SQL checks: each query returns rows describing violations.
struct SqlCheck {
  const char* what;
  const char* sql;
};

const SqlCheck kSqlChecks[] = {
    {"invariant 1: on_hand equals the sum of the ledger",
     "SELECT coalesce(l.sku, m.sku), coalesce(l.location, m.location), coalesce(l.on_hand, 0), coalesce(m.total, 0) "
     "FROM stock_levels l FULL OUTER JOIN (SELECT sku, location, sum(quantity) AS total FROM stock_movements "
     "GROUP BY sku, location) m ON m.sku = l.sku AND m.location = l.location "
     "WHERE coalesce(l.on_hand, 0) != coalesce(m.total, 0)"},
    {"invariant 1: 0 <= allocated <= on_hand",
     "SELECT sku, location, allocated, on_hand FROM stock_levels WHERE allocated < 0 OR allocated > on_hand"},
    {"invariant 1: allocated equals the lines' allocations",
     "SELECT coalesce(l.sku, a.sku), coalesce(l.location, a.location), coalesce(l.allocated, 0), coalesce(a.total, 0) "
     "FROM stock_levels l FULL OUTER JOIN (SELECT ol.sku, la.location, sum(la.quantity) AS total FROM "
     "line_allocations la JOIN order_lines ol ON ol.id = la.line_id GROUP BY ol.sku, la.location) a "
     "ON a.sku = l.sku AND a.location = l.location WHERE coalesce(l.allocated, 0) != coalesce(a.total, 0)"},
    {"invariant 2: ordered == allocated + backordered + shipped + cancelled",
     "SELECT id, quantity, allocated, backordered, shipped, cancelled FROM order_lines WHERE quantity != allocated + "
     "backordered + shipped + cancelled OR allocated < 0 OR backordered < 0 OR shipped < 0 OR cancelled < 0 "
     "OR allocated != (SELECT coalesce(sum(quantity), 0) FROM line_allocations WHERE line_id = order_lines.id)"},
    {"invariant 3: no backorders under deny, none beyond max_units",
     "SELECT p.sku, p.backorder_policy, p.max_units, b.waiting FROM products p JOIN (SELECT sku, sum(backordered) "
     "AS waiting FROM order_lines WHERE bundle_line IS NULL GROUP BY sku) b ON b.sku = p.sku WHERE b.waiting > 0 AND "
     "(p.backorder_policy = 'deny' OR (p.max_units IS NOT NULL AND b.waiting > p.max_units))"},
    // Component lines follow their bundle's policy: the engine-state check below counts bundle units.
    {"bundles: component lines hold whole bundle units of their bundle line",
     "SELECT l.id, l.quantity, coalesce(b.quantity, -1), l.per_bundle FROM order_lines l LEFT JOIN order_bundle_lines b "
     "ON b.id = l.bundle_line WHERE l.bundle_line IS NOT NULL AND (b.id IS NULL OR l.order_id != b.order_id OR "
     "l.per_bundle <= 0 OR l.quantity != b.quantity * l.per_bundle OR l.shipped % l.per_bundle != 0 OR "
     "l.cancelled % l.per_bundle != 0)"},
    {"bundles: a bundle holds no stock",
     "SELECT sku, location, on_hand, allocated FROM stock_levels WHERE (on_hand != 0 OR allocated != 0) AND sku IN "
     "(SELECT bundle_sku FROM product_components)"},
    {"invariant 4: no free stock while a queue waits",
     "SELECT l.sku, l.location, l.on_hand - l.allocated, b.waiting FROM stock_levels l JOIN (SELECT sku, "
     "sum(backordered) AS waiting FROM order_lines GROUP BY sku) b ON b.sku = l.sku "
     "WHERE b.waiting > 0 AND l.on_hand > l.allocated"},
    {"invariant 6: one order per (channel, external_id)",
     "SELECT channel, external_id, count(*) FROM orders GROUP BY channel, external_id HAVING count(*) > 1"},
    {"every order line names a known product",
     "SELECT id, sku FROM order_lines WHERE sku NOT IN (SELECT sku FROM products)"},
    {"every order has lines", "SELECT id, '' FROM orders WHERE id NOT IN (SELECT order_id FROM order_lines)"},
};

}  // namespace

int Check(const std::string& db, std::ostream& out, std::ostream& err) {
  auto store = store::SqliteStore::Open(db, store::SqliteStore::Access::kReadOnly);
  if (!store.ok()) {
    err << "belofte check: " << store.error().message << "\n";
    return 1;
  }
  int failures = 0;
  auto report = [&](const std::string& what, const std::string& detail) {
    if (failures < 200) out << "FAIL " << what << ": " << detail << "\n";
    ++failures;
  };

  for (const auto& check : kSqlChecks) {
    auto st = (*store)->db().Prepare(check.sql);
    if (!st.ok()) {
      report(check.what, st.error().message);
      continue;
    }
    int rows = 0;
    while (st->Step()) {
      std::string row;
      for (int c = 0; c < 4; ++c) {
        if (c) row += " ";
        row += st->Text(c);
      }
      report(check.what, row);
      if (++rows >= 20) break;
    }
    if (!st->status().ok()) report(check.what, st->status().error().message);
  }

  engine::Engine loaded;
  if (auto s = (*store)->Load(loaded); !s.ok()) {
    report("load", s.error().message);
  } else {
    for (const auto& v : engine::CheckInvariants(loaded.state(), loaded.rule())) report("engine state", v);
  }

  engine::Engine replayed;
  uint64_t expected_seq = 1;
  bool gap = false;
  Status s = (*store)->ReplayEvents([&](const engine::Event& e) {
    if (e.seq != expected_seq) gap = true;
    expected_seq = e.seq + 1;
    replayed.Apply(e);
  });
  if (!s.ok()) report("event log", s.error().message);
  if (gap) report("event log", "sequence numbers have a gap");
  replayed.EvictAllClosedOrders();
  for (const auto& v : engine::CheckInvariants(replayed.state(), replayed.rule())) report("replayed state", v);
  if (std::string diff = engine::DiffStates(loaded.state(), replayed.state()); !diff.empty()) {
    report("rows and event log disagree", diff);
  }

  const auto& st = loaded.state();
  size_t waiting_lines = 0;
  for (const auto& [sku, s2] : st.skus) waiting_lines += s2.queue.size();
  if (failures == 0) {
    out << "OK: " << st.skus.size() << " products, " << st.orders.size() << " open orders, " << waiting_lines
        << " waiting lines, " << st.last_seq << " events; every invariant holds.\n";
    return 0;
  }
  out << failures << " violation(s).\n";
  return 1;
}

}  // namespace belofte::cli
