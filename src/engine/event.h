// event.h — what happened: the facts the engine's state is made of.
//
// Events are past tense and carry every decision already made (which line got how many units
// at which location), so applying them needs no judgement: the same Apply rebuilds state on
// start-up and in replay, and the `events` table is the shop's audit log. Thread safety: values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "domain/location.h"
#include "domain/order.h"
#include "domain/product.h"
#include "domain/promise.h"
#include "domain/purchase_order.h"
#include "domain/supplier.h"
#include "domain/stock_movement.h"
#include "domain/time.h"
#include "engine/notice_state.h"
#include "engine/promise_state.h"

namespace belofte::engine {

struct ProductUpserted {
  Product product;
  bool operator==(const ProductUpserted&) const = default;
};

struct LocationUpserted {
  Location location;
  bool operator==(const LocationUpserted&) const = default;
};

struct ChannelCreated {
  std::string code;
  std::string kind;  // "api" for channels created by an order naming them
  bool operator==(const ChannelCreated&) const = default;
};

// A new order, already split: each line's allocations and backordered quantity decided.
struct OrderPlaced {
  Order order;
  bool operator==(const OrderPlaced&) const = default;
};

struct StockMoved {
  StockMovement movement;
  bool operator==(const StockMoved&) const = default;
};

// Waiting units of a line received stock: backordered -> allocated at a location.
struct BackorderFilled {
  OrderId order = 0;
  LineId line = 0;
  std::string sku;
  LocationIndex location = 0;
  Quantity quantity;
  bool operator==(const BackorderFilled&) const = default;
};

// Stock under an allocation was lost (count, damage): allocated -> backordered.
struct AllocationReturned {
  OrderId order = 0;
  LineId line = 0;
  std::string sku;
  LocationIndex location = 0;
  Quantity quantity;
  bool operator==(const AllocationReturned&) const = default;
};

// Stock under an allocation was lost and free stock elsewhere took over: the line's units
// are allocated at `to` instead of `from`.
struct AllocationMoved {
  OrderId order = 0;
  LineId line = 0;
  std::string sku;
  LocationIndex from = 0;
  LocationIndex to = 0;
  Quantity quantity;
  bool operator==(const AllocationMoved&) const = default;
};

struct LineCancelled {
  OrderId order = 0;
  LineId line = 0;
  std::string sku;
  Quantity from_backordered;
  std::vector<Allocation> from_allocations;
  std::string reason;
  bool operator==(const LineCancelled&) const = default;
};

// Allocated units left the building: allocated -> shipped (the StockMoved follows).
struct LineShipped {
  OrderId order = 0;
  LineId line = 0;
  std::string sku;
  LocationIndex location = 0;
  Quantity quantity;
  bool operator==(const LineShipped&) const = default;
};

struct PaymentChanged {
  OrderId order = 0;
  Payment payment = Payment::kPaid;
  bool operator==(const PaymentChanged&) const = default;
};

struct LinePrioritySet {
  OrderId order = 0;
  LineId line = 0;
  int32_t priority = 0;
  bool operator==(const LinePrioritySet&) const = default;
};

struct SupplierUpserted {
  Supplier supplier;
  bool operator==(const SupplierUpserted&) const = default;
};

struct SupplierTermsUpserted {
  SupplierTerms terms;
  bool operator==(const SupplierTermsUpserted&) const = default;
};

struct PurchaseOrderCreated {
  PurchaseOrder purchase_order;  // status draft, lines with expected dates
  bool operator==(const PurchaseOrderCreated&) const = default;
};

// The order went to the supplier: its lines become supply; today's expected dates are the promise.
struct PurchaseOrderSent {
  PurchaseOrderId purchase_order = 0;
  bool operator==(const PurchaseOrderSent&) const = default;
};

struct LineDate {
  std::string sku;
  Date date;
  bool operator==(const LineDate&) const = default;
};

// Expected dates changed: `confirmed` by the supplier's confirmation, else moved.
struct PurchaseOrderDatesChanged {
  PurchaseOrderId purchase_order = 0;
  bool confirmed = false;
  std::vector<LineDate> lines;
  bool operator==(const PurchaseOrderDatesChanged&) const = default;
};

struct ReceivedLine {
  std::string sku;
  Quantity quantity;
  Quantity over_received;  // units beyond what was outstanding (accepted, flagged)
  bool operator==(const ReceivedLine&) const = default;
};

// Goods arrived against the order (the stock movements and fills follow as their own events).
struct PurchaseOrderReceived {
  PurchaseOrderId purchase_order = 0;
  LocationIndex location = 0;
  std::vector<ReceivedLine> lines;
  bool operator==(const PurchaseOrderReceived&) const = default;
};

struct PurchaseOrderCancelled {
  PurchaseOrderId purchase_order = 0;
  std::string reason;
  bool operator==(const PurchaseOrderCancelled&) const = default;
};

// A waiting line was promised a date. The first promise of a line is `promise_given`; a later
// one is `promise_changed` when its P90 moved more than the threshold from what the customer was
// last told (`previous` is that promise; notices follow), else `promise_revised` (`previous` is
// the line's current promise; shown, not told).
struct LinePromised {
  OrderId order = 0;
  LineId line = 0;
  std::string sku;
  Promise promise;
  std::optional<Promise> previous;
  bool notify = false;
  bool operator==(const LinePromised&) const = default;
};

struct PromiseSettingsChanged {
  PromiseSettings settings;
  bool operator==(const PromiseSettingsChanged&) const = default;
};

// One line of a notice: the units the notice is about (waiting, ready, shipped or cancelled), and
// for waiting lines their promise (and for promise_changed the P90 the customer was told before).
// A bundle is one line (its SKU and bundle units), never its components.
struct NoticeLine {
  LineId line = 0;
  std::string sku;
  std::string name;
  Quantity ordered;
  Quantity quantity;
  std::optional<Promise> promise;
  std::optional<Date> previous_p90;
  bool operator==(const NoticeLine&) const = default;
};

// A notice to the customer, queued in the outbox in the same transaction as what caused it. It is
// self-contained (the customer and the order's channel and status token are copied in), so the
// notify adapter renders it without reading state.
struct NoticeQueued {
  OrderId order = 0;
  NoticeKind kind = NoticeKind::kBackordered;
  std::string to;        // the customer's e-mail address
  std::string name;
  std::string language;
  std::string channel;
  std::string external_id;
  std::string status_token;
  std::vector<NoticeLine> lines;
  bool partial = false;      // shipped: more is still to come
  std::string voucher_code;  // compensation
  int32_t percent = 0;       // compensation
  std::string reason;        // cancel_offer, cancelled: max_wait, second_slip, customer, shop, refunded
  bool operator==(const NoticeQueued&) const = default;
};

struct ShipPolicyChanged {
  OrderId order = 0;
  ShipPolicy ship_policy = ShipPolicy::kShipAvailable;
  std::string by;  // customer or shop
  bool operator==(const ShipPolicyChanged&) const = default;
};

struct WaitAccepted {
  OrderId order = 0;
  bool operator==(const WaitAccepted&) const = default;
};

struct NoticeSettingsChanged {
  NoticeSettings settings;
  bool operator==(const NoticeSettingsChanged&) const = default;
};

using EventBody = std::variant<ProductUpserted, LocationUpserted, ChannelCreated, OrderPlaced, StockMoved,
                               BackorderFilled, AllocationReturned, AllocationMoved, LineCancelled, LineShipped,
                               PaymentChanged, LinePrioritySet, SupplierUpserted, SupplierTermsUpserted,
                               PurchaseOrderCreated, PurchaseOrderSent, PurchaseOrderDatesChanged,
                               PurchaseOrderReceived, PurchaseOrderCancelled, LinePromised, PromiseSettingsChanged,
                               NoticeQueued, ShipPolicyChanged, WaitAccepted, NoticeSettingsChanged>;

struct Event {
  uint64_t seq = 0;  // 1, 2, 3 ... per shop, gap-free
  Instant at;
  EventBody body;
  bool operator==(const Event&) const = default;
};

// The snake_case name of an event's type ("order_placed"), as stored in `events.type`.
std::string_view EventType(const EventBody& body);
// The sales order an event is about (0: none), as stored in `events.order_id`.
OrderId OrderIdOf(const EventBody& body);
// The SKU an event is about (null: none), as stored in `events.sku`.
const std::string* SkuOf(const EventBody& body);

}  // namespace belofte::engine
