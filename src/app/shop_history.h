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
#include "domain/stock_movement.h"

namespace belofte::app {

struct OrderQuery {
  std::optional<OrderStatus> status;
  std::string channel;  // empty: any
  std::string sku;      // empty: any
  OrderId after = 0;    // cursor: ids greater than this
  size_t limit = 100;
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
};

}  // namespace belofte::app
