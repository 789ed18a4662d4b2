// engine.h — Engine: applies commands to one shop's state, producing events.
//
// Execute(command) validates the command against the current state; a rejected command
// returns an Error and changes nothing (DESIGN invariant 5). An accepted one is turned into
// events, each applied at once through Apply — the same code that rebuilds state from the
// store — and appended to the caller's list. Allocation lives here: order intake takes free
// stock and backorders the rest within policy and caps; stock coming in (receipt, positive
// adjustment or count, transfer in, released allocations) fills the SKU's queue in priority
// order before any of it becomes free (invariant 4).
//
// Pure: no IO, no clock; time comes with each command.
// Thread safety: not thread-safe. One writer calls Execute/Apply; concurrent readers must be
// excluded by the caller (app::ShopWriter holds a shared mutex for that).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/result.h"
#include "engine/command.h"
#include "engine/event.h"
#include "engine/promiser.h"
#include "engine/queue_priority.h"
#include "engine/shop_state.h"

namespace belofte::engine {

// Units that reached a waiting line.
struct Fill {
  OrderId order = 0;
  LineId line = 0;
  std::string sku;
  Quantity quantity;
  bool operator==(const Fill&) const = default;
};

// What an accepted command did, for the caller's answer.
struct Outcome {
  OrderId order = 0;        // the order placed, paid, cancelled or shipped
  bool created = false;     // PlaceOrder: false when the (channel, external id) existed;
                            // UpsertProduct/UpsertLocation: true when it was new
  std::vector<StockMovement> movements;  // ledger entries written
  std::vector<Fill> filled;          // backordered units that received stock
  std::vector<OrderId> ready_orders; // orders that became ready to ship (ReadyToShip turned true)
  PurchaseOrderId purchase_order = 0;    // the purchase order created or changed
  std::vector<SkuQuantity> over_received;  // receipt units beyond what the order still expected
};

// One entry of a SKU's queue, as shown to users.
struct QueueEntry {
  int64_t position = 0;  // 1 = next in line
  OrderId order = 0;
  LineId line = 0;
  Quantity quantity;     // backordered units of the line
  Instant waiting_since; // the order's placed_at
  Payment payment = Payment::kUnpaid;
  int32_t priority = 0;
  LineId bundle_line = 0;  // a component line of a bundle line: its id and the bundle's SKU
  std::string bundle_sku;
};

class Engine {
 public:
  explicit Engine(std::unique_ptr<QueuePriorityRule> rule = DefaultQueuePriorityRule());
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Validates and applies. On success appends the events to *events (REQUIRES: non-null).
  Result<Outcome> Execute(const Command& command, std::vector<Event>* events);

  // Applies one event. REQUIRES: event.seq == state().last_seq + 1 and the event was produced
  // by Execute against the state it is applied to (replay of the shop's own log).
  void Apply(const Event& event);

  // Drops orders with nothing left to ship from memory (their rows are in the store), and trims
  // each supplier's deliveries to the last kDeliveriesKept. Call only after the events that
  // closed them are durable.
  void EvictClosedOrders(const std::vector<OrderId>& candidates);
  void EvictAllClosedOrders();

  // Bulk load from a snapshot (store start-up): replaces the state, rebuilding the queues.
  void LoadSnapshot(ShopState state);

  const ShopState& state() const { return state_; }
  const QueuePriorityRule& rule() const { return *rule_; }

  // The queue of a SKU in allocation order (empty for unknown SKUs).
  std::vector<QueueEntry> Queue(const std::string& sku, size_t limit = SIZE_MAX) const;
  // 1-based position of a line in its SKU's queue; 0 when it is not waiting.
  int64_t QueuePosition(LineId line) const;
  // Promise questions answered from the live state (engine/promiser.h).
  const Promiser& promiser() const { return promiser_; }

 private:
  class Execution;

  Result<Outcome> Do(const UpsertProduct& c, Execution& x);
  Result<Outcome> Do(const UpsertLocation& c, Execution& x);
  Result<Outcome> Do(const PlaceOrder& c, Execution& x);
  Result<Outcome> Do(const SetPayment& c, Execution& x);
  Result<Outcome> Do(const CancelOrder& c, Execution& x);
  Result<Outcome> Do(const ShipOrder& c, Execution& x);
  Result<Outcome> Do(const AdjustStock& c, Execution& x);
  Result<Outcome> Do(const CountStock& c, Execution& x);
  Result<Outcome> Do(const ReceiveStock& c, Execution& x);
  Result<Outcome> Do(const TransferStock& c, Execution& x);
  Result<Outcome> Do(const SetLinePriority& c, Execution& x);
  Result<Outcome> Do(const UpsertSupplier& c, Execution& x);
  Result<Outcome> Do(const UpsertSupplierTerms& c, Execution& x);
  Result<Outcome> Do(const CreatePurchaseOrder& c, Execution& x);
  Result<Outcome> Do(const SendPurchaseOrder& c, Execution& x);
  Result<Outcome> Do(const ConfirmPurchaseOrder& c, Execution& x);
  Result<Outcome> Do(const MovePurchaseOrderDate& c, Execution& x);
  Result<Outcome> Do(const ReceivePurchaseOrder& c, Execution& x);
  Result<Outcome> Do(const CancelPurchaseOrder& c, Execution& x);
  Result<Outcome> Do(const SetPromiseSettings& c, Execution& x);
  Result<Outcome> Do(const SetShipPolicy& c, Execution& x);
  Result<Outcome> Do(const AcceptWait& c, Execution& x);
  Result<Outcome> Do(const SetNoticeSettings& c, Execution& x);
  Result<Outcome> Do(const RunTimers& c, Execution& x);

  // Keeping customers informed (engine_notices.cc, docs/notices.md).
  // After re-promising: the second slip of a line's promise offers cancellation or cancels it
  // (per shop); returns true when it cancelled something (the SKUs are noted for re-promising).
  bool ApplySlipPolicy(Execution& x);
  // Turns what the command did (its events so far) into notices, per followed order.
  void QueueNotices(Execution& x);
  // A notice of `kind` to the order's customer, without lines.
  NoticeQueued MakeNotice(const Order& order, NoticeKind kind) const;
  // The waiting lines of an order as notice lines, with their current promises (bundles whole).
  std::vector<NoticeLine> WaitingNoticeLines(const Order& order) const;
  // Offers cancellation of, or cancels, the waiting part of lines that are overdue (`reason`).
  void ActOnOverdue(Execution& x, const Order& order, const std::vector<LineId>& lines, OverdueAction action,
                    const char* reason);
  // Queues the compensation notice when the order's promise is late enough (once per order).
  void CheckCompensation(Execution& x, const Order& order);
  // Returns the allocations of unpaid orders past the shop's release time to paid waiting lines.
  void ReleaseUnpaid(Execution& x);
  // Re-promises the waiting lines of a SKU as of the command's day: the first promise of a line
  // is given; a changed one is revised, or changed (told) past the threshold.
  void Repromise(Execution& x, const std::string& sku);
  // Confirm and Move share their validation: new dates for all or some lines.
  Result<Outcome> ChangeDates(PurchaseOrderId id, const std::optional<Date>& all, const std::vector<SkuDate>& lines,
                              bool confirmed, Execution& x);
  Result<const PurchaseOrder*> ResolvePurchaseOrder(PurchaseOrderId id) const;

  // Stock moves into a location, then waiting lines are filled from it.
  void StockIn(Execution& x, const std::string& sku, LocationIndex location, MovementKind kind, Quantity quantity,
               const std::string& reason, const std::string& reference);
  // Stock moves out; allocations it no longer covers are returned to the queue or cancelled.
  void StockOut(Execution& x, const std::string& sku, LocationIndex location, MovementKind kind, Quantity quantity,
                const std::string& reason, const std::string& reference);
  // Gives free stock at `location` to the SKU's queue in priority order.
  void FillQueue(Execution& x, const std::string& sku, LocationIndex location);
  // Cancels up to `quantity` of a line: waiting units first, then allocations (last location first).
  void CancelLine(Execution& x, const Order& order, const OrderLine& line, Quantity quantity,
                  const std::string& reason);

  // Sums a request's quantities per line, checking each names a line of `order` with a positive
  // quantity and none asks for more than its line ordered (`verb` names the action in errors).
  Result<std::map<LineId, Quantity>> SumRequest(const Order& order, const std::vector<LineQuantity>& lines,
                                                const char* verb) const;
  Result<LocationIndex> ResolveLocation(const std::string& code, const char* field) const;
  Result<const SkuState*> ResolveSku(const std::string& sku, const char* field) const;
  // ResolveSku for commands that move stock or buy it: a bundle has no stock of its own.
  Result<const SkuState*> ResolveStockSku(const std::string& sku, const char* field) const;

  // Bundles (see docs/bundles.md).
  // The validation of a product's components and of a change to or from being a bundle.
  std::optional<Error> CheckComponents(const Product& p, const SkuState* existing) const;
  // Waiting units that count against a SKU's policy and caps (a bundle's: bundle units).
  Quantity BackorderedUnits(const SkuState& sku) const;
  // True when a live order still has something left to ship on a line for this SKU.
  bool HasOpenLines(const SkuState& sku) const;
  // After a component line lost units to a cancellation, cancels the rest of each lost bundle
  // unit on every component, so a bundle is cancelled in whole units; notes released stock.
  void CancelWholeBundleUnits(Execution& x, OrderId order, LineId bundle, const std::string& reason,
                              std::set<std::pair<std::string, LocationIndex>>* released);

  // Apply, per event type.
  void On(const ProductUpserted& e);
  void On(const LocationUpserted& e);
  void On(const ChannelCreated& e);
  void On(const OrderPlaced& e);
  void On(const StockMoved& e);
  void On(const BackorderFilled& e);
  void On(const AllocationReturned& e);
  void On(const AllocationMoved& e);
  void On(const LineCancelled& e);
  void On(const LineShipped& e);
  void On(const PaymentChanged& e);
  void On(const LinePrioritySet& e);
  void On(const SupplierUpserted& e);
  void On(const SupplierTermsUpserted& e);
  void On(const PurchaseOrderCreated& e);
  void On(const PurchaseOrderSent& e);
  void On(const PurchaseOrderDatesChanged& e);
  void On(const PurchaseOrderReceived& e);
  void On(const PurchaseOrderCancelled& e);
  void On(const LinePromised& e);
  void On(const PromiseSettingsChanged& e);
  void On(const NoticeQueued& e);
  void On(const ShipPolicyChanged& e);
  void On(const WaitAccepted& e);
  void On(const NoticeSettingsChanged& e);
  // Adds (or removes, with sign -1) a purchase order's outstanding units to its SKUs' incoming.
  void CountIncoming(const PurchaseOrder& po, int sign);

  Order& MutableOrder(OrderId id);
  OrderLine& MutableLine(Order& order, LineId line);
  SkuState& MutableSku(const std::string& sku);
  StockLevel& MutableLevel(SkuState& sku, LocationIndex location);
  void Enqueue(SkuState& sku, const Order& order, const OrderLine& line);
  void Dequeue(SkuState& sku, const Order& order, const OrderLine& line);
  void AddWaiting(SkuState& sku, const OrderLine& line, Quantity quantity);
  void AddAllocation(OrderLine& line, LocationIndex location, Quantity quantity);
  void RemoveAllocation(OrderLine& line, LocationIndex location, Quantity quantity);

  std::unique_ptr<QueuePriorityRule> rule_;
  ShopState state_;
  Promiser promiser_{state_};  // reads state_; declared after it
  Instant applying_at_;  // the time of the event being applied
};

}  // namespace belofte::engine
