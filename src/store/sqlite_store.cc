#include "store/sqlite_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <map>
#include <set>

#include "store/event_codec.h"

namespace belofte::store {

using namespace belofte::engine;

namespace {

// Each entry is one schema version; never edit a released entry, append a new one.
const char* const kMigrations[] = {
    // 1: the engine's tables and the event log.
    R"sql(
CREATE TABLE events (
  seq      INTEGER PRIMARY KEY,
  at       TEXT NOT NULL,
  type     TEXT NOT NULL,
  order_id INTEGER,
  sku      TEXT,
  payload  TEXT NOT NULL
) STRICT;
CREATE INDEX events_by_order ON events(order_id) WHERE order_id IS NOT NULL;
CREATE INDEX events_by_sku ON events(sku) WHERE sku IS NOT NULL;

CREATE TABLE locations (
  idx  INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL
) STRICT;
INSERT INTO locations(idx, code, name) VALUES (0, 'main', 'Main warehouse');

CREATE TABLE channels (
  code TEXT PRIMARY KEY,
  kind TEXT NOT NULL
) STRICT;

CREATE TABLE products (
  sku              TEXT PRIMARY KEY,
  name             TEXT NOT NULL,
  price_cents      INTEGER NOT NULL,
  price_currency   TEXT NOT NULL,
  cost_cents       INTEGER NOT NULL,
  cost_currency    TEXT NOT NULL,
  backorder_policy TEXT NOT NULL CHECK (backorder_policy IN ('deny', 'allow', 'preorder')),
  max_units        INTEGER,
  max_wait_days    INTEGER,
  release_date     TEXT
) STRICT;

CREATE TABLE stock_levels (
  sku       TEXT NOT NULL,
  location  TEXT NOT NULL,
  on_hand   INTEGER NOT NULL,
  allocated INTEGER NOT NULL,
  PRIMARY KEY (sku, location)
) STRICT, WITHOUT ROWID;

CREATE TABLE stock_movements (
  id        INTEGER PRIMARY KEY,
  sku       TEXT NOT NULL,
  location  TEXT NOT NULL,
  kind      TEXT NOT NULL CHECK (kind IN ('receipt', 'shipment', 'adjustment', 'transfer', 'count')),
  quantity  INTEGER NOT NULL,
  reason    TEXT NOT NULL,
  reference TEXT NOT NULL,
  at        TEXT NOT NULL,
  event_seq INTEGER NOT NULL
) STRICT;
CREATE INDEX stock_movements_by_sku ON stock_movements(sku, id);

CREATE TABLE orders (
  id                INTEGER PRIMARY KEY,
  channel           TEXT NOT NULL,
  external_id       TEXT NOT NULL,
  status            TEXT NOT NULL,
  payment           TEXT NOT NULL,
  ship_policy       TEXT NOT NULL,
  placed_at         TEXT NOT NULL,
  placed_at_us      INTEGER NOT NULL,
  customer_email    TEXT NOT NULL,
  customer_name     TEXT NOT NULL,
  customer_language TEXT NOT NULL,
  status_token      TEXT NOT NULL,
  UNIQUE (channel, external_id)
) STRICT;
CREATE UNIQUE INDEX orders_by_status_token ON orders(status_token) WHERE status_token != '';
CREATE INDEX orders_by_status ON orders(status);

CREATE TABLE order_lines (
  id               INTEGER PRIMARY KEY,
  order_id         INTEGER NOT NULL REFERENCES orders(id),
  sku              TEXT NOT NULL,
  quantity         INTEGER NOT NULL,
  unit_price_cents INTEGER NOT NULL,
  currency         TEXT NOT NULL,
  allocated        INTEGER NOT NULL,
  backordered      INTEGER NOT NULL,
  shipped          INTEGER NOT NULL,
  cancelled        INTEGER NOT NULL,
  priority         INTEGER NOT NULL,
  CHECK (quantity = allocated + backordered + shipped + cancelled)
) STRICT;
CREATE INDEX order_lines_by_order ON order_lines(order_id);
CREATE INDEX order_lines_by_sku ON order_lines(sku);

CREATE TABLE line_allocations (
  line_id  INTEGER NOT NULL,
  location TEXT NOT NULL,
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (line_id, location)
) STRICT, WITHOUT ROWID;
)sql",
    // 2: the HTTP API's bearer tokens (stored hashed) and committed answers to keyed requests.
    R"sql(
CREATE TABLE api_tokens (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  scopes     TEXT NOT NULL,
  sha256     TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  revoked_at TEXT
) STRICT;

CREATE TABLE idempotency_keys (
  key         TEXT PRIMARY KEY,
  fingerprint TEXT NOT NULL,
  status      INTEGER NOT NULL,
  body        TEXT NOT NULL,
  event_seq   INTEGER NOT NULL
) STRICT;
)sql",
};

constexpr int kSchemaVersion = static_cast<int>(sizeof(kMigrations) / sizeof(kMigrations[0]));

const char* const kOpenOrders = "status NOT IN ('shipped', 'cancelled')";

}  // namespace

struct SqliteStore::Statements {
  Statement insert_event, upsert_product, upsert_location, insert_channel, upsert_level, insert_movement,
      insert_order, update_order, insert_line, update_line, delete_allocations, insert_allocation, insert_reply,
      find_reply, begin, commit, rollback;
};

int SqliteStore::SchemaVersion() { return kSchemaVersion; }

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path, Access access) {
  std::unique_ptr<SqliteStore> store(new SqliteStore());
  store->path_ = path;
  if (access == Access::kWriter) {
    std::string lock_path = path + ".lock";
    store->lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (store->lock_fd_ < 0) return Error::Internal("cannot create lock file " + lock_path);
    if (::flock(store->lock_fd_, LOCK_EX | LOCK_NB) != 0) {
      return Error::Conflict("store_locked", "Another belofte process is writing to " + path + ".");
    }
  }
  auto mode = access == Access::kWriter ? Database::Mode::kReadWrite : Database::Mode::kReadOnly;
  auto db = Database::Open(path, mode);
  if (!db.ok()) return db.take_error();
  store->db_ = std::move(db.value());
  if (access == Access::kWriter) {
    BELOFTE_RETURN_IF_ERROR(store->Migrate());
    store->PrepareStatements();
  } else {
    auto v = store->db_->Prepare("SELECT max(version) FROM schema_migrations");
    if (!v.ok() || !v->Step() || v->Int(0) != kSchemaVersion) {
      return Error::Internal(path + " is not a belofte store of schema version " + std::to_string(kSchemaVersion));
    }
  }
  auto read_db = Database::Open(path, Database::Mode::kReadOnly);
  if (!read_db.ok()) return read_db.take_error();
  store->read_db_ = std::move(read_db.value());
  return store;
}

SqliteStore::~SqliteStore() {
  st_.reset();
  read_db_.reset();
  db_.reset();
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

Status SqliteStore::Migrate() {
  BELOFTE_RETURN_IF_ERROR(db_->Exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL) STRICT"));
  auto current = db_->Prepare("SELECT coalesce(max(version), 0) FROM schema_migrations");
  if (!current.ok()) return current.take_error();
  current->Step();
  int version = static_cast<int>(current->Int(0));
  if (version > kSchemaVersion) {
    return Error::Internal("the store has schema version " + std::to_string(version) + ", newer than this build (" +
                           std::to_string(kSchemaVersion) + ")");
  }
  for (int v = version + 1; v <= kSchemaVersion; ++v) {
    BELOFTE_RETURN_IF_ERROR(db_->Exec("BEGIN IMMEDIATE"));
    Status s = db_->Exec(kMigrations[v - 1]);
    if (s.ok()) {
      s = db_->Exec("INSERT INTO schema_migrations(version, applied_at) VALUES (" + std::to_string(v) +
                    ", strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))");
    }
    if (!s.ok()) {
      (void)db_->Exec("ROLLBACK");
      return s;
    }
    BELOFTE_RETURN_IF_ERROR(db_->Exec("COMMIT"));
  }
  return Ok();
}

void SqliteStore::PrepareStatements() {
  st_ = std::make_unique<Statements>();
  Database& d = *db_;
  st_->insert_event = d.MustPrepare("INSERT INTO events(seq, at, type, order_id, sku, payload) VALUES (?,?,?,?,?,?)");
  st_->upsert_product = d.MustPrepare(
      "INSERT INTO products(sku, name, price_cents, price_currency, cost_cents, cost_currency, backorder_policy, "
      "max_units, max_wait_days, release_date) VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT(sku) DO UPDATE SET "
      "name=excluded.name, price_cents=excluded.price_cents, price_currency=excluded.price_currency, "
      "cost_cents=excluded.cost_cents, cost_currency=excluded.cost_currency, "
      "backorder_policy=excluded.backorder_policy, max_units=excluded.max_units, "
      "max_wait_days=excluded.max_wait_days, release_date=excluded.release_date");
  st_->upsert_location = d.MustPrepare(
      "INSERT INTO locations(idx, code, name) VALUES (?,?,?) ON CONFLICT(idx) DO UPDATE SET name=excluded.name");
  st_->insert_channel = d.MustPrepare("INSERT OR REPLACE INTO channels(code, kind) VALUES (?,?)");
  st_->upsert_level = d.MustPrepare(
      "INSERT INTO stock_levels(sku, location, on_hand, allocated) VALUES (?,?,?,?) ON CONFLICT(sku, location) DO "
      "UPDATE SET on_hand=excluded.on_hand, allocated=excluded.allocated");
  st_->insert_movement = d.MustPrepare(
      "INSERT INTO stock_movements(id, sku, location, kind, quantity, reason, reference, at, event_seq) VALUES "
      "(?,?,?,?,?,?,?,?,?)");
  st_->insert_order = d.MustPrepare(
      "INSERT INTO orders(id, channel, external_id, status, payment, ship_policy, placed_at, placed_at_us, "
      "customer_email, customer_name, customer_language, status_token) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
  st_->update_order = d.MustPrepare("UPDATE orders SET status=?, payment=? WHERE id=?");
  st_->insert_line = d.MustPrepare(
      "INSERT INTO order_lines(id, order_id, sku, quantity, unit_price_cents, currency, allocated, backordered, "
      "shipped, cancelled, priority) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
  st_->update_line = d.MustPrepare(
      "UPDATE order_lines SET allocated=?, backordered=?, shipped=?, cancelled=?, priority=? WHERE id=?");
  st_->delete_allocations = d.MustPrepare("DELETE FROM line_allocations WHERE line_id=?");
  st_->insert_allocation = d.MustPrepare("INSERT INTO line_allocations(line_id, location, quantity) VALUES (?,?,?)");
  st_->insert_reply = d.MustPrepare(
      "INSERT INTO idempotency_keys(key, fingerprint, status, body, event_seq) VALUES (?,?,?,?,?)");
  st_->find_reply = d.MustPrepare("SELECT fingerprint, status, body FROM idempotency_keys WHERE key = ?");
  st_->begin = d.MustPrepare("BEGIN IMMEDIATE");
  st_->commit = d.MustPrepare("COMMIT");
  st_->rollback = d.MustPrepare("ROLLBACK");
}

namespace {

// What a batch touched, so each row is written once with its final value.
struct Touched {
  std::vector<const Event*> new_orders;
  std::set<OrderId> orders;
  std::set<LineId> lines;
  std::set<std::pair<std::string, LocationIndex>> levels;
  std::set<std::string> products;
  std::set<LocationIndex> locations;
  std::set<std::string> channels;

  void Note(const Event& event) {
    std::visit(
        [&](const auto& e) {
          using T = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<T, ProductUpserted>) {
            products.insert(e.product.sku);
          } else if constexpr (std::is_same_v<T, LocationUpserted>) {
            locations.insert(e.location.index);
          } else if constexpr (std::is_same_v<T, ChannelCreated>) {
            channels.insert(e.code);
          } else if constexpr (std::is_same_v<T, OrderPlaced>) {
            new_orders.push_back(&event);
            for (const auto& l : e.order.lines) {
              for (const auto& a : l.allocations) levels.emplace(l.sku, a.location);
            }
          } else if constexpr (std::is_same_v<T, StockMoved>) {
            levels.emplace(e.movement.sku, e.movement.location);
          } else if constexpr (std::is_same_v<T, AllocationMoved>) {
            orders.insert(e.order);
            lines.insert(e.line);
            levels.emplace(e.sku, e.from);
            levels.emplace(e.sku, e.to);
          } else if constexpr (std::is_same_v<T, LineCancelled>) {
            orders.insert(e.order);
            lines.insert(e.line);
            for (const auto& a : e.from_allocations) levels.emplace(e.sku, a.location);
          } else if constexpr (std::is_same_v<T, BackorderFilled> || std::is_same_v<T, AllocationReturned> ||
                               std::is_same_v<T, LineShipped>) {
            orders.insert(e.order);
            lines.insert(e.line);
            levels.emplace(e.sku, e.location);
          } else if constexpr (std::is_same_v<T, PaymentChanged>) {
            orders.insert(e.order);
          } else if constexpr (std::is_same_v<T, LinePrioritySet>) {
            lines.insert(e.line);
          }
        },
        event.body);
  }
};

OrderId EventOrder(const EventBody& body) {
  return std::visit(
      [](const auto& e) -> OrderId {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, OrderPlaced>) {
          return e.order.id;
        } else if constexpr (requires { e.order; }) {
          return e.order;
        } else {
          return 0;
        }
      },
      body);
}

std::string EventSku(const EventBody& body) {
  return std::visit(
      [](const auto& e) -> std::string {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, ProductUpserted>) {
          return e.product.sku;
        } else if constexpr (std::is_same_v<T, StockMoved>) {
          return e.movement.sku;
        } else if constexpr (requires { e.sku; }) {
          return e.sku;
        } else {
          return {};
        }
      },
      body);
}

}  // namespace

Status SqliteStore::Commit(const std::vector<Event>& events, const std::vector<app::KeyedReply>& replies,
                           const ShopState& state) {
  if (events.empty() && replies.empty()) return Ok();
  Statements& s = *st_;
  BELOFTE_RETURN_IF_ERROR(s.begin.Run());
  auto fail = [&](Status st) {
    (void)s.rollback.Run();
    return st;
  };
  auto run = [](Statement& stmt) { return stmt.Run(); };
  const auto& loc_code = [&state](LocationIndex i) -> const std::string& { return state.locations.at(i).code; };

  Touched touched;
  for (const Event& e : events) {
    touched.Note(e);
    OrderId order = EventOrder(e.body);
    std::string sku = EventSku(e.body);
    s.insert_event.Bind(1, static_cast<int64_t>(e.seq))
        .Bind(2, e.at.ToString())
        .Bind(3, EventType(e.body))
        .Bind(4, order ? std::optional<int64_t>(static_cast<int64_t>(order)) : std::nullopt)
        .Bind(5, sku.empty() ? std::nullopt : std::optional<std::string>(sku))
        .Bind(6, EncodeEventPayload(e.body));
    if (auto st = run(s.insert_event); !st.ok()) return fail(st);
    if (const auto* moved = std::get_if<StockMoved>(&e.body)) {
      const StockMovement& m = moved->movement;
      s.insert_movement.Bind(1, static_cast<int64_t>(m.id))
          .Bind(2, m.sku)
          .Bind(3, loc_code(m.location))
          .Bind(4, ToString(m.kind))
          .Bind(5, m.quantity.units())
          .Bind(6, m.reason)
          .Bind(7, m.reference)
          .Bind(8, m.at.ToString())
          .Bind(9, static_cast<int64_t>(e.seq));
      if (auto st = run(s.insert_movement); !st.ok()) return fail(st);
    }
  }

  for (LocationIndex i : touched.locations) {
    const Location& l = state.locations.at(i);
    s.upsert_location.Bind(1, static_cast<int64_t>(l.index)).Bind(2, l.code).Bind(3, l.name);
    if (auto st = run(s.upsert_location); !st.ok()) return fail(st);
  }
  for (const auto& code : touched.channels) {
    s.insert_channel.Bind(1, code).Bind(2, state.channels.at(code));
    if (auto st = run(s.insert_channel); !st.ok()) return fail(st);
  }
  for (const auto& code : touched.products) {
    const Product& p = state.skus.at(code).product;
    const BackorderPolicy& b = p.backorder;
    s.upsert_product.Bind(1, p.sku)
        .Bind(2, p.name)
        .Bind(3, p.price.cents())
        .Bind(4, p.price.currency())
        .Bind(5, p.cost.cents())
        .Bind(6, p.cost.currency())
        .Bind(7, ToString(b.kind))
        .Bind(8, b.max_units ? std::optional<int64_t>(b.max_units->units()) : std::nullopt)
        .Bind(9, b.max_wait_days ? std::optional<int64_t>(*b.max_wait_days) : std::nullopt)
        .Bind(10, b.release_date ? std::optional<std::string>(b.release_date->ToString()) : std::nullopt);
    if (auto st = run(s.upsert_product); !st.ok()) return fail(st);
  }

  auto write_allocations = [&](const OrderLine& line) -> Status {
    for (const auto& a : line.allocations) {
      s.insert_allocation.Bind(1, static_cast<int64_t>(line.id)).Bind(2, loc_code(a.location)).Bind(3, a.quantity.units());
      BELOFTE_RETURN_IF_ERROR(run(s.insert_allocation));
    }
    return Ok();
  };
  std::set<OrderId> inserted;
  for (const Event* e : touched.new_orders) {
    const Order& order = state.orders.at(std::get<OrderPlaced>(e->body).order.id);
    inserted.insert(order.id);
    s.insert_order.Bind(1, static_cast<int64_t>(order.id))
        .Bind(2, order.channel)
        .Bind(3, order.external_id)
        .Bind(4, ToString(DeriveStatus(order)))
        .Bind(5, ToString(order.payment))
        .Bind(6, ToString(order.ship_policy))
        .Bind(7, order.placed_at.ToString())
        .Bind(8, order.placed_at.micros())
        .Bind(9, order.customer.email)
        .Bind(10, order.customer.name)
        .Bind(11, order.customer.language)
        .Bind(12, order.status_token);
    if (auto st = run(s.insert_order); !st.ok()) return fail(st);
    for (const auto& line : order.lines) {
      s.insert_line.Bind(1, static_cast<int64_t>(line.id))
          .Bind(2, static_cast<int64_t>(order.id))
          .Bind(3, line.sku)
          .Bind(4, line.quantity.units())
          .Bind(5, line.unit_price.cents())
          .Bind(6, line.unit_price.currency())
          .Bind(7, line.allocated().units())
          .Bind(8, line.backordered.units())
          .Bind(9, line.shipped.units())
          .Bind(10, line.cancelled.units())
          .Bind(11, int64_t{line.priority});
      if (auto st = run(s.insert_line); !st.ok()) return fail(st);
      if (auto st = write_allocations(line); !st.ok()) return fail(st);
    }
  }
  for (OrderId id : touched.orders) {
    if (inserted.count(id)) continue;
    const Order& order = state.orders.at(id);
    s.update_order.Bind(1, ToString(DeriveStatus(order))).Bind(2, ToString(order.payment)).Bind(3, static_cast<int64_t>(id));
    if (auto st = run(s.update_order); !st.ok()) return fail(st);
  }
  for (LineId id : touched.lines) {
    const OrderId order_id = state.line_order.at(id);
    if (inserted.count(order_id)) continue;
    const OrderLine* line = state.FindLine(id).second;
    s.update_line.Bind(1, line->allocated().units())
        .Bind(2, line->backordered.units())
        .Bind(3, line->shipped.units())
        .Bind(4, line->cancelled.units())
        .Bind(5, int64_t{line->priority})
        .Bind(6, static_cast<int64_t>(id));
    if (auto st = run(s.update_line); !st.ok()) return fail(st);
    s.delete_allocations.Bind(1, static_cast<int64_t>(id));
    if (auto st = run(s.delete_allocations); !st.ok()) return fail(st);
    if (auto st = write_allocations(*line); !st.ok()) return fail(st);
  }
  for (const auto& [sku, loc] : touched.levels) {
    StockLevel level = state.skus.at(sku).Level(loc);
    s.upsert_level.Bind(1, sku).Bind(2, loc_code(loc)).Bind(3, level.on_hand.units()).Bind(4, level.allocated.units());
    if (auto st = run(s.upsert_level); !st.ok()) return fail(st);
  }
  for (const auto& r : replies) {
    s.insert_reply.Bind(1, r.key).Bind(2, r.fingerprint).Bind(3, int64_t{r.status}).Bind(4, r.body).Bind(
        5, static_cast<int64_t>(state.last_seq));
    if (auto st = run(s.insert_reply); !st.ok()) return fail(st);
  }
  if (auto st = s.commit.Run(); !st.ok()) return fail(st);
  return Ok();
}

Result<std::optional<app::KeyedReply>> SqliteStore::FindReply(const std::string& key) {
  Statement& st = st_->find_reply;
  st.Bind(1, key);
  std::optional<app::KeyedReply> found;
  if (st.Step()) found = app::KeyedReply{key, st.Text(0), static_cast<int>(st.Int(1)), st.Text(2)};
  Status s = st.status();
  st.Reset();
  if (!s.ok()) return s.take_error();
  return found;
}

namespace {

// Reads orders (with lines and allocations) matching `where` on the orders table.
Status ReadOrders(Database& db, const std::string& where, const std::map<std::string, LocationIndex>& locations,
                  const std::function<void(Order&&)>& sink) {
  auto orders = db.Prepare(
      "SELECT id, channel, external_id, payment, ship_policy, placed_at_us, customer_email, customer_name, "
      "customer_language, status_token FROM orders WHERE " + where + " ORDER BY id");
  if (!orders.ok()) return orders.take_error();
  auto lines = db.Prepare(
      "SELECT l.id, l.order_id, l.sku, l.quantity, l.unit_price_cents, l.currency, l.backordered, l.shipped, "
      "l.cancelled, l.priority FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o." + where +
      " ORDER BY l.order_id, l.id");
  if (!lines.ok()) return lines.take_error();
  auto allocs = db.Prepare(
      "SELECT a.line_id, a.location, a.quantity FROM line_allocations a JOIN order_lines l ON l.id = a.line_id "
      "JOIN orders o ON o.id = l.order_id WHERE o." + where + " ORDER BY a.line_id");
  if (!allocs.ok()) return allocs.take_error();

  std::unordered_map<LineId, std::vector<Allocation>> by_line;
  while (allocs->Step()) {
    by_line[static_cast<LineId>(allocs->Int(0))].push_back(
        Allocation{locations.at(allocs->Text(1)), Quantity(allocs->Int(2))});
  }
  BELOFTE_RETURN_IF_ERROR(allocs->status());
  bool have_line = lines->Step();
  while (orders->Step()) {
    Order o;
    o.id = static_cast<OrderId>(orders->Int(0));
    o.channel = orders->Text(1);
    o.external_id = orders->Text(2);
    o.payment = ParsePayment(orders->Text(3)).value_or(Payment::kUnpaid);
    o.ship_policy = ParseShipPolicy(orders->Text(4)).value_or(ShipPolicy::kShipAvailable);
    o.placed_at = Instant::FromMicros(orders->Int(5));
    o.customer = Customer{orders->Text(6), orders->Text(7), orders->Text(8)};
    o.status_token = orders->Text(9);
    while (have_line && static_cast<OrderId>(lines->Int(1)) == o.id) {
      OrderLine l;
      l.id = static_cast<LineId>(lines->Int(0));
      l.sku = lines->Text(2);
      l.quantity = Quantity(lines->Int(3));
      l.unit_price = Money(lines->Int(4), lines->Text(5));
      l.backordered = Quantity(lines->Int(6));
      l.shipped = Quantity(lines->Int(7));
      l.cancelled = Quantity(lines->Int(8));
      l.priority = static_cast<int32_t>(lines->Int(9));
      if (auto it = by_line.find(l.id); it != by_line.end()) {
        l.allocations = std::move(it->second);
        std::sort(l.allocations.begin(), l.allocations.end(),
                  [](const Allocation& a, const Allocation& b) { return a.location < b.location; });
      }
      o.lines.push_back(std::move(l));
      have_line = lines->Step();
    }
    sink(std::move(o));
  }
  BELOFTE_RETURN_IF_ERROR(orders->status());
  return lines->status();
}

Result<std::map<std::string, LocationIndex>> ReadLocations(Database& db, std::vector<Location>* out) {
  std::map<std::string, LocationIndex> by_code;
  auto st = db.Prepare("SELECT idx, code, name FROM locations ORDER BY idx");
  if (!st.ok()) return st.take_error();
  while (st->Step()) {
    Location l{static_cast<LocationIndex>(st->Int(0)), st->Text(1), st->Text(2)};
    by_code[l.code] = l.index;
    if (out) out->push_back(l);
  }
  BELOFTE_RETURN_IF_ERROR(st->status());
  return by_code;
}

int64_t MaxOf(Database& db, const char* sql) {
  auto st = db.MustPrepare(sql);
  return st.Step() ? st.Int(0) : 0;
}

}  // namespace

Status SqliteStore::Load(Engine& engine) {
  Database& d = *db_;
  ShopState state;
  auto locations = ReadLocations(d, &state.locations);
  if (!locations.ok()) return locations.take_error();
  for (const auto& l : state.locations) state.location_by_code[l.code] = l.index;

  {
    auto st = d.MustPrepare("SELECT code, kind FROM channels");
    while (st.Step()) state.channels[st.Text(0)] = st.Text(1);
    BELOFTE_RETURN_IF_ERROR(st.status());
  }
  {
    auto st = d.MustPrepare(
        "SELECT sku, name, price_cents, price_currency, cost_cents, cost_currency, backorder_policy, max_units, "
        "max_wait_days, release_date FROM products");
    while (st.Step()) {
      Product p;
      p.sku = st.Text(0);
      p.name = st.Text(1);
      p.price = Money(st.Int(2), st.Text(3));
      p.cost = Money(st.Int(4), st.Text(5));
      p.backorder.kind = ParseBackorderPolicyKind(st.Text(6)).value_or(BackorderPolicyKind::kDeny);
      if (!st.IsNull(7)) p.backorder.max_units = Quantity(st.Int(7));
      if (!st.IsNull(8)) p.backorder.max_wait_days = static_cast<int32_t>(st.Int(8));
      if (!st.IsNull(9)) p.backorder.release_date = Date::Parse(st.Text(9));
      state.skus[p.sku].product = std::move(p);
    }
    BELOFTE_RETURN_IF_ERROR(st.status());
  }
  {
    auto st = d.MustPrepare("SELECT sku, location, on_hand, allocated FROM stock_levels");
    while (st.Step()) {
      SkuState& sku = state.skus[st.Text(0)];
      LocationIndex loc = locations->at(st.Text(1));
      if (sku.levels.size() <= loc) sku.levels.resize(loc + 1);
      sku.levels[loc] = StockLevel{Quantity(st.Int(2)), Quantity(st.Int(3))};
    }
    BELOFTE_RETURN_IF_ERROR(st.status());
  }
  BELOFTE_RETURN_IF_ERROR(ReadOrders(d, kOpenOrders, *locations, [&state](Order&& o) {
    OrderId id = o.id;
    state.orders.emplace(id, std::move(o));
  }));
  {
    auto st = d.MustPrepare("SELECT id, channel, external_id FROM orders");
    state.order_by_external.reserve(static_cast<size_t>(MaxOf(d, "SELECT count(*) FROM orders")));
    while (st.Step()) state.order_by_external[ExternalKey(st.Text(1), st.Text(2))] = static_cast<OrderId>(st.Int(0));
    BELOFTE_RETURN_IF_ERROR(st.status());
  }
  state.last_seq = static_cast<uint64_t>(MaxOf(d, "SELECT coalesce(max(seq), 0) FROM events"));
  state.next_order_id = static_cast<OrderId>(MaxOf(d, "SELECT coalesce(max(id), 0) FROM orders")) + 1;
  state.next_line_id = static_cast<LineId>(MaxOf(d, "SELECT coalesce(max(id), 0) FROM order_lines")) + 1;
  state.next_movement_id = static_cast<uint64_t>(MaxOf(d, "SELECT coalesce(max(id), 0) FROM stock_movements")) + 1;
  engine.LoadSnapshot(std::move(state));
  return Ok();
}

Status SqliteStore::ReplayEvents(const std::function<void(const Event&)>& apply) {
  auto st = db_->MustPrepare("SELECT seq, at, type, payload FROM events ORDER BY seq");
  while (st.Step()) {
    auto body = DecodeEventPayload(st.Text(2), st.Text(3));
    if (!body.ok()) return body.take_error();
    auto at = Instant::Parse(st.Text(1));
    if (!at) return Error::Internal("event " + std::to_string(st.Int(0)) + " has an unreadable time");
    apply(Event{static_cast<uint64_t>(st.Int(0)), *at, std::move(body.value())});
  }
  return st.status();
}

Result<std::optional<Order>> SqliteStore::FindOrder(OrderId id) {
  std::lock_guard lock(read_mu_);
  auto locations = ReadLocations(*read_db_, nullptr);
  if (!locations.ok()) return locations.take_error();
  std::optional<Order> found;
  BELOFTE_RETURN_IF_ERROR(ReadOrders(*read_db_, "id = " + std::to_string(id), *locations,
                                     [&found](Order&& o) { found = std::move(o); }));
  return found;
}

Result<std::vector<OrderId>> SqliteStore::ListOrderIds(const app::OrderQuery& q) {
  std::lock_guard lock(read_mu_);
  std::string sql = "SELECT o.id FROM orders o WHERE o.id > ?1";
  if (q.status) sql += " AND o.status = ?2";
  if (!q.channel.empty()) sql += " AND o.channel = ?3";
  if (!q.sku.empty()) sql += " AND EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND l.sku = ?4)";
  sql += " ORDER BY o.id LIMIT ?5";
  auto st = read_db_->Prepare(sql);
  if (!st.ok()) return st.take_error();
  st->Bind(1, static_cast<int64_t>(q.after));
  if (q.status) st->Bind(2, ToString(*q.status));
  if (!q.channel.empty()) st->Bind(3, q.channel);
  if (!q.sku.empty()) st->Bind(4, q.sku);
  st->Bind(5, static_cast<int64_t>(q.limit));
  std::vector<OrderId> ids;
  while (st->Step()) ids.push_back(static_cast<OrderId>(st->Int(0)));
  BELOFTE_RETURN_IF_ERROR(st->status());
  return ids;
}

Result<std::vector<StockMovement>> SqliteStore::ListMovements(const std::string& sku, uint64_t before, size_t limit) {
  std::lock_guard lock(read_mu_);
  auto locations = ReadLocations(*read_db_, nullptr);
  if (!locations.ok()) return locations.take_error();
  auto st = read_db_->Prepare(
      "SELECT id, sku, location, kind, quantity, reason, reference, at FROM stock_movements WHERE sku = ?1 AND "
      "(?2 = 0 OR id < ?2) ORDER BY id DESC LIMIT ?3");
  if (!st.ok()) return st.take_error();
  st->Bind(1, sku).Bind(2, static_cast<int64_t>(before)).Bind(3, static_cast<int64_t>(limit));
  std::vector<StockMovement> out;
  while (st->Step()) {
    StockMovement m;
    m.id = static_cast<uint64_t>(st->Int(0));
    m.sku = st->Text(1);
    m.location = locations->count(st->Text(2)) ? locations->at(st->Text(2)) : 0;
    m.kind = ParseMovementKind(st->Text(3)).value_or(MovementKind::kAdjustment);
    m.quantity = Quantity(st->Int(4));
    m.reason = st->Text(5);
    m.reference = st->Text(6);
    m.at = Instant::Parse(st->Text(7)).value_or(Instant());
    out.push_back(std::move(m));
  }
  BELOFTE_RETURN_IF_ERROR(st->status());
  return out;
}

}  // namespace belofte::store
