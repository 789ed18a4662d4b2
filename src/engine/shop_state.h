// shop_state.h — the live state of one shop, as the engine holds it in memory.
//
// Owned by the Engine and mutated only through Engine::Apply. What is live lives here: the
// catalogue, stock per SKU x location, open orders with their lines, and each SKU's backorder
// queue. Closed orders are evicted once their events are durable (their rows stay in the
// store); only their (channel, external id) remains, to keep intake idempotent.
// Thread safety: none of its own. The writer mutates it; readers hold the writer's shared lock.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/location.h"
#include "domain/order.h"
#include "domain/product.h"
#include "domain/purchase_order.h"
#include "domain/supplier.h"
#include "engine/queue_priority.h"
#include "engine/notice_state.h"
#include "engine/promise_state.h"

namespace belofte::engine {

struct StockLevel {
  Quantity on_hand;
  Quantity allocated;
  Quantity free() const { return on_hand - allocated; }
  bool operator==(const StockLevel&) const = default;
};

struct SkuState {
  Product product;
  std::vector<StockLevel> levels;  // indexed by LocationIndex; missing entries are zero
  std::set<QueueKey> queue;        // lines with backordered > 0; begin() is next in line
  Quantity backordered;            // sum of backordered over the queue
  Quantity bundle_backordered;     // the part of `backordered` on bundles' component lines
  Quantity incoming;               // outstanding units on open purchase orders (sent, confirmed, partly received)
  std::vector<LineId> lines;       // lines of live orders naming this SKU, plus evicted ones
  size_t evicted_lines = 0;        // how many of `lines` belong to evicted orders (pruned lazily)

  StockLevel Level(LocationIndex location) const {
    return location < levels.size() ? levels[location] : StockLevel{};
  }
  Quantity on_hand() const;
  Quantity allocated() const;
  Quantity free() const { return on_hand() - allocated(); }
  // Waiting units of lines ordered for this SKU itself: what its policy and caps govern
  // (component lines of bundles are governed by their bundle's policy).
  Quantity own_backordered() const { return backordered - bundle_backordered; }
};

// The most recent deliveries kept per supplier for reliability (older ones stay in the store).
constexpr size_t kDeliveriesKept = 500;

struct SupplierState {
  Supplier supplier;
  std::map<std::string, SupplierTerms> terms;  // by SKU
  std::vector<SupplierDelivery> deliveries;    // oldest first; trimmed to kDeliveriesKept after commits
  int64_t receipts = 0;                        // receipt lines ever booked against its orders
  int64_t deliveries_total = 0;                // deliveries ever recorded (the store keeps them all)
};

struct ShopState {
  std::vector<Location> locations;  // index == Location::index; [0] is main
  std::unordered_map<std::string, LocationIndex> location_by_code;
  std::map<std::string, std::string> channels;  // code -> kind
  std::unordered_map<std::string, SkuState> skus;
  std::unordered_map<OrderId, Order> orders;      // live orders
  std::unordered_map<LineId, OrderId> line_order;  // every line (and bundle line) of a live order
  std::unordered_map<std::string, OrderId> order_by_external;  // ExternalKey -> id, all orders ever

  std::map<std::string, SupplierState> suppliers;
  std::map<PurchaseOrderId, PurchaseOrder> purchase_orders;  // every purchase order

  PromiseSettings promise_settings;
  std::unordered_map<LineId, LinePromises> promises;  // lines of live orders that were promised
  NoticeSettings notice_settings;
  std::unordered_map<OrderId, OrderNotices> notices;  // live orders that are followed (notice_state.h)
  // Per SKU, the purchase orders with outstanding units of it (supply, promises); SKUs without
  // are absent (most of a large catalogue: a vector per SKU would cost 24 bytes each).
  std::unordered_map<std::string, std::vector<PurchaseOrderId>> supply;
  const std::vector<PurchaseOrderId>& SupplyOf(const std::string& sku) const;

  uint64_t last_seq = 0;
  PurchaseOrderId next_purchase_order_id = 1;
  OrderId next_order_id = 1;
  LineId next_line_id = 1;
  uint64_t next_movement_id = 1;

  const Order* FindOrder(OrderId id) const;
  const SkuState* FindSku(const std::string& sku) const;
  const Location* FindLocation(const std::string& code) const;
  const SupplierState* FindSupplier(const std::string& code) const;
  const PurchaseOrder* FindPurchaseOrder(PurchaseOrderId id) const;
  // The preferred terms for a SKU (or the first terms found when none is preferred).
  const SupplierTerms* PreferredTerms(const std::string& sku) const;
  // The order and line of a live line, or nulls.
  std::pair<const Order*, const OrderLine*> FindLine(LineId line) const;
  // The order and bundle line of a live bundle line, or nulls.
  std::pair<const Order*, const BundleLine*> FindBundleLine(LineId line) const;
};

// A bundle's stock, derived from its components (in whole bundle units) and its live lines.
struct BundleStock {
  Quantity on_hand;      // min over components of floor(on_hand / per bundle)
  Quantity available;    // min of floor(free / per bundle)
  Quantity incoming;     // min of floor(incoming / per bundle)
  Quantity allocated;    // bundle units allocated on live bundle lines (BundleSplit)
  Quantity backordered;  // bundle units waiting on live bundle lines
};
BundleStock DeriveBundleStock(const ShopState& state, const SkuState& bundle);

// The idempotency key of an order: channel and external id, joined by a unit separator.
std::string ExternalKey(const std::string& channel, const std::string& external_id);

// The promises of a line while it waits (a filled line keeps its promises for accuracy, but has
// none to show), or null.
const LinePromises* WaitingPromises(const ShopState& state, LineId line);
// A bundle unit ships when its last component does: the latest P50 and P90 over its waiting
// component lines, with the basis of the one whose P90 is latest; none when no component waits.
std::optional<Promise> BundlePromise(const ShopState& state, const Order& order, const BundleLine& bundle);

// True when nothing of the order is left to ship (shipped or cancelled in full).
bool Closed(const Order& order);

}  // namespace belofte::engine
