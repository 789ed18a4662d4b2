// command.h — what a user or adapter asks the engine to do.
//
// A command is a request: it may be rejected (Execute returns an Error and nothing changes) or
// accepted (it becomes one or more events). Every command carries its business time `at`;
// the engine never reads a clock. Thread safety: value types.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "domain/order.h"
#include "domain/product.h"
#include "domain/purchase_order.h"
#include "domain/supplier.h"
#include "domain/time.h"
#include "engine/notice_state.h"
#include "engine/promise_state.h"

namespace belofte::engine {

struct UpsertProduct {
  Product product;
  Instant at;
};

struct UpsertLocation {
  std::string code;
  std::string name;
  Instant at;
};

struct PlaceOrder {
  struct Line {
    std::string sku;
    Quantity quantity;
    Money unit_price;
  };
  std::string channel;
  std::string external_id;
  Instant placed_at;  // sets the lines' age in the backorder queue
  Customer customer;
  Payment payment = Payment::kUnpaid;
  ShipPolicy ship_policy = ShipPolicy::kShipAvailable;
  std::vector<Line> lines;
  std::string status_token;  // made by the adapter (random, URL-safe); the core has no randomness
  Instant at;  // when belofte received it
};

struct SetPayment {
  OrderId order = 0;
  Payment payment = Payment::kPaid;
  Instant at;
};

struct LineQuantity {
  LineId line = 0;
  Quantity quantity;
};

struct CancelOrder {
  OrderId order = 0;
  std::vector<LineQuantity> lines;  // empty: everything not yet shipped
  std::string reason;
  Instant at;
  // The customer's self-service cancel (status page): each line's quantity is capped at what
  // still waits (a bundle line: its waiting bundle units), decided when the command applies, so
  // stock that arrived meanwhile is never cancelled; empty `lines`: every waiting unit. Nothing
  // waiting is no change (no event), not an error.
  bool waiting_only = false;
};

struct ShipOrder {
  OrderId order = 0;
  std::string location = "main";
  std::vector<LineQuantity> lines;  // empty: everything allocated at the location
  Instant at;
};

struct AdjustStock {
  std::string sku;
  std::string location;
  Quantity delta;  // positive: found/added; negative: lost/damaged
  std::string reason;
  Instant at;
};

struct CountStock {
  std::string sku;
  std::string location;
  Quantity counted;
  std::string reason;
  Instant at;
};

struct ReceiveStock {
  std::string sku;
  std::string location;
  Quantity quantity;
  std::string reference;  // e.g. a purchase order number
  Instant at;
};

struct TransferStock {
  std::string sku;
  std::string from;
  std::string to;
  Quantity quantity;
  std::string reason;
  Instant at;
};

// Manual queue override: a line with a higher priority waits ahead of lines with a lower one;
// equal priorities keep the shop's rule (default 0 for every line).
struct SetLinePriority {
  LineId line = 0;
  int32_t priority = 0;
  Instant at;
};

struct UpsertSupplier {
  Supplier supplier;
  Instant at;
};

struct UpsertSupplierTerms {
  SupplierTerms terms;
  Instant at;
};

struct SkuDate {
  std::string sku;
  Date date;
};

struct SkuQuantity {
  std::string sku;
  Quantity quantity;
};

struct CreatePurchaseOrder {
  struct Line {
    std::string sku;
    Quantity quantity;
    std::optional<Date> expected_date;  // default: today + the lead time of the terms or supplier
  };
  std::string supplier;
  std::vector<Line> lines;
  Instant at;
};

struct SendPurchaseOrder {
  PurchaseOrderId purchase_order = 0;
  Instant at;
};

// The supplier confirmed (Confirm) or moved (Move) expected dates: for every line, or for the
// lines named (a line date overrides the order-wide one).
struct ConfirmPurchaseOrder {
  PurchaseOrderId purchase_order = 0;
  std::optional<Date> expected_date;
  std::vector<SkuDate> lines;
  Instant at;
};

struct MovePurchaseOrderDate {
  PurchaseOrderId purchase_order = 0;
  std::optional<Date> expected_date;
  std::vector<SkuDate> lines;
  Instant at;
};

struct ReceivePurchaseOrder {
  PurchaseOrderId purchase_order = 0;
  std::string location = "main";
  std::vector<SkuQuantity> lines;
  Instant at;
};

struct CancelPurchaseOrder {
  PurchaseOrderId purchase_order = 0;
  std::string reason;
  Instant at;
};

struct SetPromiseSettings {
  PromiseSettings settings;
  Instant at;
};

// The order's ship policy changes (the customer on the status page, or the shop): ship_available
// lets what is allocated ship now; ship_complete holds everything until the last line arrives.
struct SetShipPolicy {
  OrderId order = 0;
  ShipPolicy ship_policy = ShipPolicy::kShipAvailable;
  std::string by = "shop";  // "customer" (status page) or "shop"
  Instant at;
};

// The customer chose to keep waiting: no more offers to cancel, and no automatic cancellation.
struct AcceptWait {
  OrderId order = 0;
  Instant at;
};

struct SetNoticeSettings {
  NoticeSettings settings;
  Instant at;
};

// The clock adapter says it is `at`: timers due by then fire ("still waiting" notices, cancel
// offers and automatic cancellation past max_wait_days, compensation, unpaid allocations released).
struct RunTimers {
  Instant at;
};

using Command = std::variant<UpsertProduct, UpsertLocation, PlaceOrder, SetPayment, CancelOrder, ShipOrder,
                             AdjustStock, CountStock, ReceiveStock, TransferStock, SetLinePriority, UpsertSupplier,
                             UpsertSupplierTerms, CreatePurchaseOrder, SendPurchaseOrder, ConfirmPurchaseOrder,
                             MovePurchaseOrderDate, ReceivePurchaseOrder, CancelPurchaseOrder,
                             SetPromiseSettings, SetShipPolicy, AcceptWait, SetNoticeSettings, RunTimers>;

// The business time of any command.
Instant CommandTime(const Command& command);

}  // namespace belofte::engine
