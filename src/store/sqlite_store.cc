#include "store/sqlite_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <map>
#include <tuple>

#include "store/event_codec.h"
#include "store/sqlite_notices.h"
#include "store/sqlite_promises.h"
#include "store/sqlite_purchasing.h"

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
    // 3: purchasing (see sqlite_purchasing.cc).
    kPurchasingMigration,
    // 4: bundles. A bundle's components; a component line names its bundle line and how many
    // units of its SKU one bundle unit takes; bundle lines hold no stock, so no split of their own.
    R"sql(
CREATE TABLE product_components (
  bundle_sku TEXT NOT NULL,
  position   INTEGER NOT NULL,
  sku        TEXT NOT NULL,
  quantity   INTEGER NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (bundle_sku, position)
) STRICT, WITHOUT ROWID;

ALTER TABLE order_lines ADD COLUMN bundle_line INTEGER;
ALTER TABLE order_lines ADD COLUMN per_bundle INTEGER NOT NULL DEFAULT 0;

CREATE TABLE order_bundle_lines (
  id               INTEGER PRIMARY KEY,
  order_id         INTEGER NOT NULL REFERENCES orders(id),
  sku              TEXT NOT NULL,
  quantity         INTEGER NOT NULL,
  unit_price_cents INTEGER NOT NULL,
  currency         TEXT NOT NULL
) STRICT;
CREATE INDEX order_bundle_lines_by_order ON order_bundle_lines(order_id);
)sql",
    // 5: promises (line promises, shop settings): store/sqlite_promises.cc.
    kPromisesMigration,
    // 6: customer notices: the outbox, status-token lookups, promise slips.
    kNoticesMigration,
};

constexpr int kSchemaVersion = static_cast<int>(sizeof(kMigrations) / sizeof(kMigrations[0]));

// The statuses of orders with something left to ship: `status IN (...)`, which the
// orders_by_status index answers (NOT IN would scan every order ever placed).
std::string OpenOrdersWhere() {
  std::string where = "status IN (";
  for (OrderStatus s : {OrderStatus::kOpen, OrderStatus::kBackordered, OrderStatus::kReady,
                        OrderStatus::kPartiallyShipped}) {
    if (where.back() != '(') where += ", ";
    where.append("'").append(ToString(s)).append("'");
  }
  return where.append(")");
}

// The writer connection's page cache, in KiB. SQLite's default (2 MiB) holds little more than
// the B-trees' upper levels: with 1M SKUs every batch then reads stock_levels leaves back from the
// OS and spills dirty pages to the WAL before COMMIT (intake at 1M SKUs, measured: 46-48k lines/s
// with 2 MiB, 50-51k with 32 MiB; 64 and 256 MiB add nothing). 32 MiB holds stock_levels of 1M
// SKUs (~26 MiB); it counts against the 1 GiB memory budget, which the engine at 1M SKUs + 1M open
// lines already fills to ~945 MiB. Load reads through the read connection, so the cache holds only
// what commits touch.
constexpr int kWriterCacheKiB = 32 * 1024;

// WAL checkpoints (see WalCheckpointer): in the background once the WAL holds 16 MiB (4 KiB
// pages); the writer checkpoints the rest itself when it reaches 64 MiB, which bounds the file.
constexpr int kCheckpointStartFrames = 4'096;
constexpr int kCheckpointLimitFrames = 16'384;

}  // namespace

// Rows written per touched row go through RowBatches (many rows per execution), the rare ones
// through single statements. The batched statements are INSERT/UPDATE OR ROLLBACK: a failed
// statement ends the transaction (Commit rolls back on any error anyway), which spares SQLite the
// statement journal it keeps for a multi-row statement that could fail halfway (measured: +1.3 KiB
// written per order line, spilled to a temporary file).
struct SqliteStore::Statements {
  RowBatch insert_event, insert_movement, upsert_product, insert_order, update_order, insert_line, update_line,
      upsert_allocation, upsert_level;
  Statement upsert_location, insert_channel, delete_allocation, insert_reply, find_reply, begin, commit, rollback,
      delete_components, insert_component, insert_bundle_line;
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
    BELOFTE_RETURN_IF_ERROR(store->db_->Exec("PRAGMA cache_size=-" + std::to_string(kWriterCacheKiB)));
    auto checkpointer = WalCheckpointer::Start(path, *store->db_, kCheckpointStartFrames, kCheckpointLimitFrames);
    if (!checkpointer.ok()) return checkpointer.take_error();
    store->checkpointer_ = std::move(checkpointer.value());
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
  checkpointer_.reset();
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
  st_->insert_event =
      RowBatch(d, "INSERT OR ROLLBACK INTO events(seq, at, type, order_id, sku, payload) VALUES ", 6, "");
  st_->insert_movement = RowBatch(d,
                                  "INSERT OR ROLLBACK INTO stock_movements(id, sku, location, kind, quantity, reason, "
                                  "reference, at, event_seq) VALUES ",
                                  9, "");
  st_->upsert_product = RowBatch(
      d,
      "INSERT OR ROLLBACK INTO products(sku, name, price_cents, price_currency, cost_cents, cost_currency, "
      "backorder_policy, max_units, max_wait_days, release_date) VALUES ",
      10,
      " ON CONFLICT(sku) DO UPDATE SET name=excluded.name, price_cents=excluded.price_cents, "
      "price_currency=excluded.price_currency, cost_cents=excluded.cost_cents, cost_currency=excluded.cost_currency, "
      "backorder_policy=excluded.backorder_policy, max_units=excluded.max_units, "
      "max_wait_days=excluded.max_wait_days, release_date=excluded.release_date");
  st_->insert_order = RowBatch(d,
                               "INSERT OR ROLLBACK INTO orders(id, channel, external_id, status, payment, ship_policy, "
                               "placed_at, placed_at_us, customer_email, customer_name, customer_language, "
                               "status_token) VALUES ",
                               12, "");
  // Rewrites a row only when its status, payment or ship policy changed: an unchanged order stays
  // off the WAL.
  st_->update_order = RowBatch(d,
                               "UPDATE OR ROLLBACK orders SET status = v.column2, payment = v.column3, "
                               "ship_policy = v.column4 FROM (VALUES ",
                               4,
                               ") AS v WHERE orders.id = v.column1 AND (orders.status != v.column2 OR "
                               "orders.payment != v.column3 OR orders.ship_policy != v.column4)");
  st_->insert_line = RowBatch(d,
                              "INSERT OR ROLLBACK INTO order_lines(id, order_id, sku, quantity, unit_price_cents, "
                              "currency, allocated, backordered, shipped, cancelled, priority, bundle_line, per_bundle) VALUES ",
                              13, "");
  st_->update_line = RowBatch(d,
                              "UPDATE OR ROLLBACK order_lines SET allocated = v.column2, backordered = v.column3, "
                              "shipped = v.column4, cancelled = v.column5, priority = v.column6 FROM (VALUES ",
                              6, ") AS v WHERE order_lines.id = v.column1");
  st_->upsert_allocation = RowBatch(d, "INSERT OR ROLLBACK INTO line_allocations(line_id, location, quantity) VALUES ",
                                    3, " ON CONFLICT(line_id, location) DO UPDATE SET quantity=excluded.quantity");
  st_->upsert_level = RowBatch(d, "INSERT OR ROLLBACK INTO stock_levels(sku, location, on_hand, allocated) VALUES ", 4,
                               " ON CONFLICT(sku, location) DO UPDATE SET on_hand=excluded.on_hand, "
                               "allocated=excluded.allocated");
  st_->upsert_location = d.MustPrepare(
      "INSERT INTO locations(idx, code, name) VALUES (?,?,?) ON CONFLICT(idx) DO UPDATE SET name=excluded.name");
  st_->insert_channel = d.MustPrepare("INSERT OR REPLACE INTO channels(code, kind) VALUES (?,?)");
  st_->delete_components = d.MustPrepare("DELETE FROM product_components WHERE bundle_sku = ?");
  st_->insert_component =
      d.MustPrepare("INSERT INTO product_components(bundle_sku, position, sku, quantity) VALUES (?,?,?,?)");
  st_->insert_bundle_line = d.MustPrepare(
      "INSERT INTO order_bundle_lines(id, order_id, sku, quantity, unit_price_cents, currency) VALUES (?,?,?,?,?,?)");
  st_->delete_allocation = d.MustPrepare("DELETE FROM line_allocations WHERE line_id=? AND location=?");
  st_->insert_reply = d.MustPrepare(
      "INSERT INTO idempotency_keys(key, fingerprint, status, body, event_seq) VALUES (?,?,?,?,?)");
  st_->find_reply = d.MustPrepare("SELECT fingerprint, status, body FROM idempotency_keys WHERE key = ?");
  st_->begin = d.MustPrepare("BEGIN IMMEDIATE");
  st_->commit = d.MustPrepare("COMMIT");
  st_->rollback = d.MustPrepare("ROLLBACK");
}

namespace {

template <typename T>
void SortUnique(std::vector<T>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

// What a batch touched, so each row is written once with its final value. Pointers point into
// the batch's events, which outlive the commit. Normalise() sorts and deduplicates, so rows are
// then visited in key order, page after page.
struct Touched {
  std::vector<const Event*> movements;  // the StockMoved events
  std::vector<OrderId> new_orders;      // ascending: ids are handed out in event order
  std::vector<OrderId> orders;
  std::vector<std::pair<LineId, OrderId>> lines;
  // A line's allocation at a location; every such line is in `lines` too.
  std::vector<std::pair<LineId, LocationIndex>> allocations;
  std::vector<std::pair<const std::string*, LocationIndex>> levels;
  std::vector<const std::string*> products;
  std::vector<LocationIndex> locations;
  std::vector<const std::string*> channels;

  void Note(const Event& event) {
    std::visit(
        [&](const auto& e) {
          using T = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<T, ProductUpserted>) {
            products.push_back(&e.product.sku);
          } else if constexpr (std::is_same_v<T, LocationUpserted>) {
            locations.push_back(e.location.index);
          } else if constexpr (std::is_same_v<T, ChannelCreated>) {
            channels.push_back(&e.code);
          } else if constexpr (std::is_same_v<T, OrderPlaced>) {
            new_orders.push_back(e.order.id);
            for (const auto& l : e.order.lines) {
              for (const auto& a : l.allocations) levels.emplace_back(&l.sku, a.location);
            }
          } else if constexpr (std::is_same_v<T, StockMoved>) {
            movements.push_back(&event);
            levels.emplace_back(&e.movement.sku, e.movement.location);
          } else if constexpr (std::is_same_v<T, AllocationMoved>) {
            LineChanged(e.order, e.line);
            AllocationChanged(e.line, e.sku, e.from);
            AllocationChanged(e.line, e.sku, e.to);
          } else if constexpr (std::is_same_v<T, LineCancelled>) {
            LineChanged(e.order, e.line);
            for (const auto& a : e.from_allocations) AllocationChanged(e.line, e.sku, a.location);
          } else if constexpr (std::is_same_v<T, BackorderFilled> || std::is_same_v<T, AllocationReturned> ||
                               std::is_same_v<T, LineShipped>) {
            LineChanged(e.order, e.line);
            AllocationChanged(e.line, e.sku, e.location);
          } else if constexpr (std::is_same_v<T, PaymentChanged> || std::is_same_v<T, ShipPolicyChanged>) {
            orders.push_back(e.order);
          } else if constexpr (std::is_same_v<T, LinePrioritySet>) {
            lines.emplace_back(e.line, e.order);
          }
        },
        event.body);
  }

  void Normalise() {
    SortUnique(orders);
    SortUnique(lines);
    SortUnique(allocations);
    const auto by_value = [](const auto& a, const auto& b) {
      return std::tie(*a.first, a.second) < std::tie(*b.first, b.second);
    };
    const auto same_value = [](const auto& a, const auto& b) { return *a.first == *b.first && a.second == b.second; };
    std::sort(levels.begin(), levels.end(), by_value);
    levels.erase(std::unique(levels.begin(), levels.end(), same_value), levels.end());
    const auto deref_less = [](const std::string* a, const std::string* b) { return *a < *b; };
    const auto deref_equal = [](const std::string* a, const std::string* b) { return *a == *b; };
    std::sort(products.begin(), products.end(), deref_less);
    products.erase(std::unique(products.begin(), products.end(), deref_equal), products.end());
    std::sort(channels.begin(), channels.end(), deref_less);
    channels.erase(std::unique(channels.begin(), channels.end(), deref_equal), channels.end());
    SortUnique(locations);
  }

  bool IsNew(OrderId id) const { return std::binary_search(new_orders.begin(), new_orders.end(), id); }

 private:
  // A line changed: its row, and its order's row (the status derives from the lines).
  void LineChanged(OrderId order, LineId line) {
    orders.push_back(order);
    lines.emplace_back(line, order);
  }
  void AllocationChanged(LineId line, const std::string& sku, LocationIndex location) {
    allocations.emplace_back(line, location);
    levels.emplace_back(&sku, location);
  }
};

}  // namespace

Status SqliteStore::Commit(const std::vector<Event>& events, const std::vector<app::KeyedReply>& replies,
                           const ShopState& state) {
  if (events.empty() && replies.empty()) return Ok();
  Statements& s = *st_;
  BELOFTE_RETURN_IF_ERROR(s.begin.Run());
  Status st = WriteBatch(events, replies, state);
  if (st.ok()) st = s.commit.Run();
  if (!st.ok()) (void)s.rollback.Run();
  return st;
}

Status SqliteStore::WriteBatch(const std::vector<Event>& events, const std::vector<app::KeyedReply>& replies,
                               const ShopState& state) {
  Statements& s = *st_;
  const auto& loc_code = [&state](LocationIndex i) -> const std::string& { return state.locations.at(i).code; };
  const auto id = [](uint64_t v) { return static_cast<int64_t>(v); };

  Touched touched;
  for (const Event& e : events) touched.Note(e);
  touched.Normalise();

  std::string& payload = payload_buffer_;
  BELOFTE_RETURN_IF_ERROR(s.insert_event.Run(events.size(), [&](Statement& st, int p, size_t i) {
    const Event& e = events[i];
    const OrderId order = OrderIdOf(e.body);
    const std::string* sku = SkuOf(e.body);
    payload.clear();
    AppendEventPayload(e.body, &payload);
    st.Bind(p + 1, id(e.seq))
        .Bind(p + 2, e.at.ToString())
        .Bind(p + 3, EventType(e.body))
        .Bind(p + 4, order ? std::optional<int64_t>(id(order)) : std::nullopt)
        .Bind(p + 5, sku ? std::optional<std::string_view>(*sku) : std::nullopt)
        .Bind(p + 6, payload);
  }));
  BELOFTE_RETURN_IF_ERROR(s.insert_movement.Run(touched.movements.size(), [&](Statement& st, int p, size_t i) {
    const Event& e = *touched.movements[i];
    const StockMovement& m = std::get<StockMoved>(e.body).movement;
    st.Bind(p + 1, id(m.id))
        .Bind(p + 2, m.sku)
        .Bind(p + 3, loc_code(m.location))
        .Bind(p + 4, ToString(m.kind))
        .Bind(p + 5, m.quantity.units())
        .Bind(p + 6, m.reason)
        .Bind(p + 7, m.reference)
        .Bind(p + 8, m.at.ToString())
        .Bind(p + 9, id(e.seq));
  }));

  for (LocationIndex i : touched.locations) {
    const Location& l = state.locations.at(i);
    s.upsert_location.Bind(1, static_cast<int64_t>(l.index)).Bind(2, l.code).Bind(3, l.name);
    BELOFTE_RETURN_IF_ERROR(s.upsert_location.Run());
  }
  for (const std::string* code : touched.channels) {
    s.insert_channel.Bind(1, *code).Bind(2, state.channels.at(*code));
    BELOFTE_RETURN_IF_ERROR(s.insert_channel.Run());
  }
  BELOFTE_RETURN_IF_ERROR(s.upsert_product.Run(touched.products.size(), [&](Statement& st, int p, size_t i) {
    const Product& product = state.skus.at(*touched.products[i]).product;
    const BackorderPolicy& b = product.backorder;
    st.Bind(p + 1, product.sku)
        .Bind(p + 2, product.name)
        .Bind(p + 3, product.price.cents())
        .Bind(p + 4, product.price.currency())
        .Bind(p + 5, product.cost.cents())
        .Bind(p + 6, product.cost.currency())
        .Bind(p + 7, ToString(b.kind))
        .Bind(p + 8, b.max_units ? std::optional<int64_t>(b.max_units->units()) : std::nullopt)
        .Bind(p + 9, b.max_wait_days ? std::optional<int64_t>(*b.max_wait_days) : std::nullopt)
        .Bind(p + 10, b.release_date ? std::optional<std::string>(b.release_date->ToString()) : std::nullopt);
  }));
  for (const std::string* sku : touched.products) {
    const Product& product = state.skus.at(*sku).product;
    s.delete_components.Bind(1, product.sku);
    BELOFTE_RETURN_IF_ERROR(s.delete_components.Run());
    for (size_t i = 0; i < product.components.size(); ++i) {
      const Component& c = product.components[i];
      s.insert_component.Bind(1, product.sku).Bind(2, static_cast<int64_t>(i)).Bind(3, c.sku).Bind(4, c.quantity.units());
      BELOFTE_RETURN_IF_ERROR(s.insert_component.Run());
    }
  }

  // Orders placed in this batch: their rows as they are now, with lines and allocations.
  std::vector<const Order*> new_orders;
  std::vector<std::pair<OrderId, const OrderLine*>> new_lines;
  new_orders.reserve(touched.new_orders.size());
  for (OrderId order_id : touched.new_orders) {
    new_orders.push_back(&state.orders.at(order_id));
    for (const OrderLine& line : new_orders.back()->lines) new_lines.emplace_back(order_id, &line);
  }
  BELOFTE_RETURN_IF_ERROR(s.insert_order.Run(new_orders.size(), [&](Statement& st, int p, size_t i) {
    const Order& order = *new_orders[i];
    st.Bind(p + 1, id(order.id))
        .Bind(p + 2, order.channel)
        .Bind(p + 3, order.external_id)
        .Bind(p + 4, ToString(DeriveStatus(order)))
        .Bind(p + 5, ToString(order.payment))
        .Bind(p + 6, ToString(order.ship_policy))
        .Bind(p + 7, order.placed_at.ToString())
        .Bind(p + 8, order.placed_at.micros())
        .Bind(p + 9, order.customer.email)
        .Bind(p + 10, order.customer.name)
        .Bind(p + 11, order.customer.language)
        .Bind(p + 12, order.status_token);
  }));
  BELOFTE_RETURN_IF_ERROR(s.insert_line.Run(new_lines.size(), [&](Statement& st, int p, size_t i) {
    const auto [order_id, line_ptr] = new_lines[i];
    const OrderLine& line = *line_ptr;
    st.Bind(p + 1, id(line.id))
        .Bind(p + 2, id(order_id))
        .Bind(p + 3, line.sku)
        .Bind(p + 4, line.quantity.units())
        .Bind(p + 5, line.unit_price.cents())
        .Bind(p + 6, line.unit_price.currency())
        .Bind(p + 7, line.allocated().units())
        .Bind(p + 8, line.backordered.units())
        .Bind(p + 9, line.shipped.units())
        .Bind(p + 10, line.cancelled.units())
        .Bind(p + 11, int64_t{line.priority})
        .Bind(p + 12, line.is_component() ? std::optional<int64_t>(id(line.bundle_line)) : std::nullopt)
        .Bind(p + 13, int64_t{line.per_bundle});
  }));
  for (const Order* order : new_orders) {
    for (const BundleLine& b : order->bundles) {
      s.insert_bundle_line.Bind(1, id(b.id))
          .Bind(2, id(order->id))
          .Bind(3, b.sku)
          .Bind(4, b.quantity.units())
          .Bind(5, b.unit_price.cents())
          .Bind(6, b.unit_price.currency());
      BELOFTE_RETURN_IF_ERROR(s.insert_bundle_line.Run());
    }
  }

  // Lines of earlier orders: the row, and each (line, location) whose allocation changed, upserted
  // with what is allocated there now or deleted.
  struct AllocationRow {
    LineId line;
    LocationIndex location;
    Quantity quantity;
  };
  std::vector<AllocationRow> allocations;
  for (const auto& [order_id, line] : new_lines) {
    for (const Allocation& a : line->allocations) allocations.push_back({line->id, a.location, a.quantity});
  }
  std::vector<const OrderLine*> changed_lines;
  auto next_allocation = touched.allocations.begin();  // sorted by line, like touched.lines
  for (const auto& [line_id, order_id] : touched.lines) {
    const auto first = next_allocation;
    while (next_allocation != touched.allocations.end() && next_allocation->first == line_id) ++next_allocation;
    if (touched.IsNew(order_id)) continue;  // written whole above
    const OrderLine& line = *state.FindLine(line_id).second;
    changed_lines.push_back(&line);
    for (auto it = first; it != next_allocation; ++it) {
      const LocationIndex location = it->second;
      const Quantity q = line.AllocatedAt(location);
      if (q.positive()) {
        allocations.push_back({line_id, location, q});
      } else {
        s.delete_allocation.Bind(1, id(line_id)).Bind(2, loc_code(location));
        BELOFTE_RETURN_IF_ERROR(s.delete_allocation.Run());
      }
    }
  }
  BELOFTE_RETURN_IF_ERROR(s.update_line.Run(changed_lines.size(), [&](Statement& st, int p, size_t i) {
    const OrderLine& line = *changed_lines[i];
    st.Bind(p + 1, id(line.id))
        .Bind(p + 2, line.allocated().units())
        .Bind(p + 3, line.backordered.units())
        .Bind(p + 4, line.shipped.units())
        .Bind(p + 5, line.cancelled.units())
        .Bind(p + 6, int64_t{line.priority});
  }));
  BELOFTE_RETURN_IF_ERROR(s.upsert_allocation.Run(allocations.size(), [&](Statement& st, int p, size_t i) {
    const AllocationRow& a = allocations[i];
    st.Bind(p + 1, id(a.line)).Bind(p + 2, loc_code(a.location)).Bind(p + 3, a.quantity.units());
  }));

  // Earlier orders: status, payment and ship policy (the statement skips rows where none changed).
  std::erase_if(touched.orders, [&touched](OrderId o) { return touched.IsNew(o); });
  BELOFTE_RETURN_IF_ERROR(s.update_order.Run(touched.orders.size(), [&](Statement& st, int p, size_t i) {
    const Order& order = state.orders.at(touched.orders[i]);
    st.Bind(p + 1, id(order.id)).Bind(p + 2, ToString(DeriveStatus(order))).Bind(p + 3, ToString(order.payment));
    st.Bind(p + 4, ToString(order.ship_policy));
  }));
  BELOFTE_RETURN_IF_ERROR(s.upsert_level.Run(touched.levels.size(), [&](Statement& st, int p, size_t i) {
    const auto& [sku, location] = touched.levels[i];
    const StockLevel level = state.skus.at(*sku).Level(location);
    st.Bind(p + 1, *sku)
        .Bind(p + 2, loc_code(location))
        .Bind(p + 3, level.on_hand.units())
        .Bind(p + 4, level.allocated.units());
  }));
  BELOFTE_RETURN_IF_ERROR(WritePurchasing(*db_, events, state));
  BELOFTE_RETURN_IF_ERROR(WritePromises(*db_, events, state));
  BELOFTE_RETURN_IF_ERROR(WriteNotices(*db_, events, state));
  for (const auto& r : replies) {
    s.insert_reply.Bind(1, r.key)
        .Bind(2, r.fingerprint)
        .Bind(3, int64_t{r.status})
        .Bind(4, r.body)
        .Bind(5, id(state.last_seq));
    BELOFTE_RETURN_IF_ERROR(s.insert_reply.Run());
  }
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
      "l.cancelled, l.priority, l.bundle_line, l.per_bundle FROM order_lines l JOIN orders o ON o.id = l.order_id "
      "WHERE o." + where + " ORDER BY l.order_id, l.id");
  if (!lines.ok()) return lines.take_error();
  auto bundles = db.Prepare(
      "SELECT b.id, b.order_id, b.sku, b.quantity, b.unit_price_cents, b.currency FROM order_bundle_lines b "
      "JOIN orders o ON o.id = b.order_id WHERE o." + where + " ORDER BY b.order_id, b.id");
  if (!bundles.ok()) return bundles.take_error();
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
  bool have_bundle = bundles->Step();
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
      if (!lines->IsNull(10)) l.bundle_line = static_cast<LineId>(lines->Int(10));
      l.per_bundle = static_cast<int32_t>(lines->Int(11));
      if (auto it = by_line.find(l.id); it != by_line.end()) {
        l.allocations = std::move(it->second);
        std::sort(l.allocations.begin(), l.allocations.end(),
                  [](const Allocation& a, const Allocation& b) { return a.location < b.location; });
      }
      o.lines.push_back(std::move(l));
      have_line = lines->Step();
    }
    while (have_bundle && static_cast<OrderId>(bundles->Int(1)) == o.id) {
      o.bundles.push_back(BundleLine{static_cast<LineId>(bundles->Int(0)), bundles->Text(2), Quantity(bundles->Int(3)),
                                     Money(bundles->Int(4), bundles->Text(5))});
      have_bundle = bundles->Step();
    }
    sink(std::move(o));
  }
  BELOFTE_RETURN_IF_ERROR(orders->status());
  BELOFTE_RETURN_IF_ERROR(bundles->status());
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
  // The read connection, so the writer's large page cache is not filled with the whole shop.
  std::lock_guard lock(read_mu_);
  Database& d = *read_db_;
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
    state.skus.reserve(static_cast<size_t>(MaxOf(d, "SELECT count(*) FROM products")));
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
    auto st = d.MustPrepare("SELECT bundle_sku, sku, quantity FROM product_components ORDER BY bundle_sku, position");
    while (st.Step()) {
      state.skus[st.Text(0)].product.components.push_back(Component{st.Text(1), Quantity(st.Int(2))});
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
  BELOFTE_RETURN_IF_ERROR(ReadOrders(d, OpenOrdersWhere(), *locations, [&state](Order&& o) {
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
  state.next_line_id = static_cast<LineId>(MaxOf(d,
                                                 "SELECT max((SELECT coalesce(max(id), 0) FROM order_lines), "
                                                 "(SELECT coalesce(max(id), 0) FROM order_bundle_lines))")) +
                       1;
  state.next_movement_id = static_cast<uint64_t>(MaxOf(d, "SELECT coalesce(max(id), 0) FROM stock_movements")) + 1;
  BELOFTE_RETURN_IF_ERROR(ReadPurchasing(d, &state));
  BELOFTE_RETURN_IF_ERROR(ReadPromises(d, &state));
  BELOFTE_RETURN_IF_ERROR(ReadNotices(d, &state));
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
  if (!q.sku.empty()) {
    sql += " AND (EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND l.sku = ?4) OR EXISTS (SELECT 1 "
           "FROM order_bundle_lines b WHERE b.order_id = o.id AND b.sku = ?4))";
  }
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

Result<app::PromiseAccuracy> SqliteStore::Accuracy(Date from, Date to) {
  std::lock_guard lock(read_mu_);
  return ReadPromiseAccuracy(*read_db_, from, to);
}

Result<app::OrderPromises> SqliteStore::Promises(OrderId order) {
  std::lock_guard lock(read_mu_);
  return ReadPromiseHistory(*read_db_, order);
}

Result<std::optional<OrderId>> SqliteStore::FindOrderIdByToken(const std::string& token) {
  std::lock_guard lock(read_mu_);
  return ReadOrderIdByToken(*read_db_, token);
}

Result<std::vector<app::OrderEvent>> SqliteStore::OrderEvents(OrderId order) {
  std::lock_guard lock(read_mu_);
  return ReadOrderEvents(*read_db_, order);
}

Result<std::vector<app::NotificationRecord>> SqliteStore::Notifications(OrderId order, uint64_t after, size_t limit) {
  std::lock_guard lock(read_mu_);
  return ReadNotifications(*read_db_, order, after, limit);
}

}  // namespace belofte::store
