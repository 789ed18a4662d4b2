// shop_history.h — ShopHistory: the port for reading what does not live in memory.
//
// Closed orders and the stock ledger live in the store only (DESIGN: memory grows with the live
// set). Adapters that answer queries over them use this port; the SQLite store implements it
// on its own read connection, so these reads never wait for the writer's commits.
// Thread safety: implementations are safe to call from any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "domain/order.h"
#include "domain/promise.h"
#include "domain/stock_movement.h"

namespace belofte::app {

struct OrderQuery {
  std::optional<OrderStatus> status;
  std::string channel;  // empty: any
  std::string sku;      // empty: any
  OrderId after = 0;    // cursor: ids greater than this
  size_t limit = 100;
};

// How well promises were kept: lines shipped in full in [from, to] that had been promised, and how
// many shipped on or before their first and their last told P50 / P90.
struct PromiseAccuracy {
  int64_t lines = 0;
  int64_t first_p50_kept = 0;
  int64_t first_p90_kept = 0;
  int64_t last_p50_kept = 0;
  int64_t last_p90_kept = 0;
  double mean_days_late_p90 = 0;  // over lines shipped after their last P90 (0 when none)
};

// One promise event of an order's line.
struct PromiseRecord {
  LineId line = 0;
  std::string sku;
  std::string kind;  // promise_given, promise_revised, promise_changed
  Instant at;
  Promise promise;
  std::optional<Promise> previous;
};

// What came of a promised line that shipped in full: the day, and its first and last told promise.
struct PromiseOutcome {
  LineId line = 0;
  Date shipped_on;
  Promise first;
  Promise last;
};

struct OrderPromises {
  std::vector<PromiseRecord> records;
  std::vector<PromiseOutcome> outcomes;
};

// One event of an order as stored (the audit log): its type and JSON payload.
struct OrderEvent {
  uint64_t seq = 0;
  Instant at;
  std::string type;
  std::string payload;
};

// One notice in the outbox and how its delivery went.
struct NotificationRecord {
  uint64_t id = 0;
  OrderId order = 0;
  std::string kind;
  std::string to;
  std::string language;
  std::string status;  // queued, sending, sent, failed, dead
  int64_t attempts = 0;
  Instant created_at;
  std::optional<std::string> sent_at;
  std::optional<std::string> last_error;
};

class ShopHistory {
 public:
  virtual ~ShopHistory() = default;
  // Any order ever placed, as last committed.
  virtual Result<std::optional<Order>> FindOrder(OrderId id) = 0;
  // Ids of committed orders matching the query, ascending.
  virtual Result<std::vector<OrderId>> ListOrderIds(const OrderQuery& query) = 0;
  // The ledger of a SKU, newest first, ids below `before` (0: from the newest).
  virtual Result<std::vector<StockMovement>> ListMovements(const std::string& sku, uint64_t before, size_t limit) = 0;
  // Promise accuracy over lines shipped in full between two days (inclusive).
  virtual Result<PromiseAccuracy> Accuracy(Date from, Date to) = 0;
  // Every promise given, revised or changed for an order's lines, oldest first, and the outcome of
  // each promised line that shipped in full.
  virtual Result<OrderPromises> Promises(OrderId order) = 0;
  // The order a status-page token belongs to.
  virtual Result<std::optional<OrderId>> FindOrderIdByToken(const std::string& token) = 0;
  // Every event of an order, oldest first.
  virtual Result<std::vector<OrderEvent>> OrderEvents(OrderId order) = 0;
  // Notices of an order (0: all orders), oldest first, ids above `after`.
  virtual Result<std::vector<NotificationRecord>> Notifications(OrderId order, uint64_t after, size_t limit) = 0;
};

}  // namespace belofte::app
