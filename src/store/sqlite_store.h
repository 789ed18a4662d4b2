// sqlite_store.h — SqliteStore: the embedded store, one SQLite file in WAL mode.
//
// Implements app::ShopStore. The schema is normalised for people who query it (products,
// locations, channels, stock_levels, stock_movements — the ledger, signed `quantity` —,
// orders, order_lines, line_allocations) plus `events`, the audit log. Migrations are numbered
// and recorded in `schema_migrations`; Open applies the missing ones. synchronous=FULL: a
// committed transaction survives power loss and kill -9.
//
// Commit writes each touched row once, with its final value, many rows per statement
// (RowBatch): events, new orders with their lines and allocations, changed lines, and per
// changed (line, location) allocation one upsert or delete; an order row is rewritten only when
// its status or payment changed. WAL checkpoints run on a background thread (WalCheckpointer),
// not inside Commit.
//
// Ownership: a read-write SqliteStore holds an exclusive advisory lock on `<db>.lock`, so two
// processes never write one shop. Load and the reads of closed orders use a second connection.
// Thread safety: Commit/Load/ReplayEvents from the writer thread only; FindOrder from any
// thread (serialised internally).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "app/shop_history.h"
#include "app/shop_store.h"
#include "store/sqlite.h"

namespace belofte::store {

class SqliteStore final : public app::ShopStore, public app::ShopHistory {
 public:
  enum class Access { kWriter, kReadOnly };

  // Opens (and for kWriter creates and migrates) the database at `path`.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path, Access access = Access::kWriter);
  ~SqliteStore() override;

  Status Load(engine::Engine& engine) override;
  using app::ShopStore::Commit;
  Status Commit(const std::vector<engine::Event>& events, const std::vector<app::KeyedReply>& replies,
                const engine::ShopState& state) override;
  Result<std::optional<app::KeyedReply>> FindReply(const std::string& key) override;
  Status ReplayEvents(const std::function<void(const engine::Event&)>& apply) override;

  // ShopHistory, on the read connection.
  Result<std::optional<Order>> FindOrder(OrderId id) override;
  Result<std::vector<OrderId>> ListOrderIds(const app::OrderQuery& query) override;
  Result<std::vector<StockMovement>> ListMovements(const std::string& sku, uint64_t before, size_t limit) override;
  Result<app::PromiseAccuracy> Accuracy(Date from, Date to) override;
  Result<app::OrderPromises> Promises(OrderId order) override;
  Result<std::optional<OrderId>> FindOrderIdByToken(const std::string& token) override;
  Result<std::vector<app::OrderEvent>> OrderEvents(OrderId order) override;
  Result<std::vector<app::NotificationRecord>> Notifications(OrderId order, uint64_t after, size_t limit) override;

  // The schema version this build writes.
  static int SchemaVersion();
  Database& db() { return *db_; }

 private:
  SqliteStore() = default;
  Status Migrate();
  void PrepareStatements();
  // Commit's writes, inside its transaction.
  Status WriteBatch(const std::vector<engine::Event>& events, const std::vector<app::KeyedReply>& replies,
                    const engine::ShopState& state);

  std::string path_;
  int lock_fd_ = -1;
  std::unique_ptr<Database> db_;
  std::mutex read_mu_;
  std::unique_ptr<Database> read_db_;  // GUARDED_BY(read_mu_)

  std::unique_ptr<WalCheckpointer> checkpointer_;  // writer only

  struct Statements;
  std::unique_ptr<Statements> st_;
  std::string payload_buffer_;  // reused by Commit for event payloads
};

}  // namespace belofte::store
