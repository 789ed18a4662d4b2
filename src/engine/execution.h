// execution.h — Engine::Execution, internal to the engine's translation units: one command's
// execution numbers and applies the events it emits, notes the SKUs whose promises they may move
// and the orders whose readiness they may change, and gathers the outcome.
// Thread safety: the engine's (one writer).
#pragma once

#include <map>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "engine/engine.h"

namespace belofte::engine {

// One command's execution: numbers and applies the events it emits, and gathers the outcome.
class Engine::Execution {
 public:
  Execution(Engine& engine, Instant at, std::vector<Event>* out)
      : engine_(engine), at_(at), out_(out), first_(out->size()) {}

  // The events this execution emitted so far, oldest first.
  std::span<const Event> events() const { return std::span<const Event>(*out_).subspan(first_); }

  void Emit(EventBody body) {
    // A new order did not exist before: it cannot "become" ready.
    OrderId id = std::holds_alternative<OrderPlaced>(body) ? 0 : OrderIdOf(body);
    if (id != 0 && !before_.count(id)) {
      if (const Order* order = engine_.state_.FindOrder(id)) before_[id] = ReadyToShip(*order);
    }
    if (const auto* fill = std::get_if<BackorderFilled>(&body)) {
      outcome.filled.push_back(Fill{fill->order, fill->line, fill->sku, fill->quantity});
    }
    if (const auto* moved = std::get_if<StockMoved>(&body)) outcome.movements.push_back(moved->movement);
    Event event{engine_.state_.last_seq + 1, at_, std::move(body)};
    engine_.Apply(event);
    NoteAffected(event.body);
    out_->push_back(std::move(event));
  }

  // The SKUs whose promises an event may move (after it was applied).
  void NoteAffected(const EventBody& body) {
    const ShopState& state = engine_.state_;
    const auto po_skus = [&](PurchaseOrderId id) {
      for (const auto& l : state.purchase_orders.at(id).lines) affected_.insert(l.sku);
    };
    std::visit(
        [&](const auto& e) {
          using T = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<T, LinePromised> || std::is_same_v<T, ChannelCreated> ||
                        std::is_same_v<T, LocationUpserted> || std::is_same_v<T, PurchaseOrderCreated>) {
            // promises themselves, and facts no promise rests on
          } else if constexpr (std::is_same_v<T, OrderPlaced>) {
            for (const auto& l : e.order.lines) {
              if (l.backordered.positive()) affected_.insert(l.sku);
            }
          } else if constexpr (std::is_same_v<T, PaymentChanged>) {
            if (const Order* o = state.FindOrder(e.order)) {
              for (const auto& l : o->lines) affected_.insert(l.sku);
            }
          } else if constexpr (std::is_same_v<T, SupplierTermsUpserted>) {
            affected_.insert(e.terms.sku);  // the preferred supplier's lead time
          } else if constexpr (std::is_same_v<T, LinePrioritySet>) {
            if (const OrderLine* l = state.FindLine(e.line).second) affected_.insert(l->sku);
          } else if constexpr (std::is_same_v<T, PurchaseOrderSent> || std::is_same_v<T, PurchaseOrderReceived> ||
                               std::is_same_v<T, PurchaseOrderCancelled> ||
                               std::is_same_v<T, PurchaseOrderDatesChanged>) {
            po_skus(e.purchase_order);
          } else if constexpr (std::is_same_v<T, SupplierUpserted>) {
            if (const SupplierState* s = state.FindSupplier(e.supplier.code)) {
              for (const auto& [sku, terms] : s->terms) affected_.insert(sku);
            }
          } else if constexpr (std::is_same_v<T, PromiseSettingsChanged>) {
            for (const auto& [code, sku] : state.skus) {
              if (!sku.queue.empty()) affected_.insert(code);
            }
          } else if (const std::string* sku = SkuOf(body)) {
            affected_.insert(*sku);
          }
        },
        body);
  }

  // Takes the SKUs noted so far (re-promising may note more: it emits only LinePromised).
  std::set<std::string> TakeAffected() { return std::exchange(affected_, {}); }

  Outcome Finish() {
    for (const auto& [id, was_ready] : before_) {
      const Order* order = engine_.state_.FindOrder(id);
      if (order && !was_ready && ReadyToShip(*order)) {
        outcome.ready_orders.push_back(id);
      }
    }
    return std::move(outcome);
  }

  Instant at() const { return at_; }
  Outcome outcome;
  bool drift_only = false;  // the command changes no supply (Engine::Repromise)

 private:
  Engine& engine_;
  Instant at_;
  std::vector<Event>* out_;
  size_t first_;  // index in *out_ of this execution's first event
  std::map<OrderId, bool> before_;  // ready to ship before the command
  std::set<std::string> affected_;  // SKUs whose promises may have moved
};

}  // namespace belofte::engine
