// promiser.h — the engine's use of the promise walk: gathers a SKU's supply from the shop state
// (free stock, outstanding lines of open purchase orders, the preferred supplier's lead time),
// shifts and thins it by each supplier's measured reliability, and answers promise questions:
// the promises of a whole queue, and the product-page question for a hypothetical order.
//
// Keeps what is costly to rebuild per question: the working calendar (rebuilt when settings
// change) and each supplier's reliability estimate (re-estimated after the deliveries that
// changed it, at the end of a command, so readers see fresh figures). Pure: no IO, no clock —
// `today` is always given. Thread safety: the engine's writer mutates it; const methods may run
// under the writer's shared lock.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/shop_state.h"
#include "planning/promise.h"
#include "planning/reliability.h"

namespace belofte::engine {

// The product-page answer for `quantity` more units of a SKU.
struct Availability {
  bool orderable = false;
  std::string reason;        // why not orderable: "insufficient_stock", "backorder_cap_reached", "max_wait_exceeded"
  bool in_stock = false;     // the whole quantity is free now
  Quantity available;        // free units now
  std::optional<Promise> ships;
};

// A SKU's waiting units that no open supply covers (the purchaser's list).
struct UncoveredSku {
  std::string sku;
  Quantity uncovered;       // waiting units beyond free stock and open purchase orders
  Quantity backordered;     // all waiting units
  Quantity incoming;
  int64_t lines = 0;        // waiting lines with uncovered units
  Instant oldest_waiting_since;
};

struct QueuedPromise {
  OrderId order = 0;
  LineId line = 0;
  Promise promise;
};

class Promiser {
 public:
  explicit Promiser(const ShopState& state) : state_(&state) { SettingsChanged(); }

  void SettingsChanged();
  void SupplierChanged(const std::string& code) { dirty_.insert(code); }
  void AllSuppliersChanged();
  // Re-estimates the suppliers marked since the last refresh.
  void Refresh();

  // The walk for a SKU as of `today`.
  planning::PromiseWalk Walk(const SkuState& sku, Date today) const;
  // The promise of every waiting line of the SKU, in queue order.
  std::vector<QueuedPromise> QueuePromises(const SkuState& sku, Date today) const;
  // A hypothetical order of `quantity` appended to the queue.
  Availability Available(const SkuState& sku, Quantity quantity, Date today) const;

  // Every SKU with uncovered waiting units, oldest wait first (then by SKU).
  std::vector<UncoveredSku> Uncovered() const;

  const planning::WorkingCalendar& calendar() const { return calendar_; }
  // The reliability the walk uses for a supplier (the prior alone for an unknown one).
  const planning::Reliability& ReliabilityOf(const std::string& supplier) const;

 private:
  const ShopState* state_;
  planning::WorkingCalendar calendar_;
  std::map<std::string, planning::Reliability> reliability_;
  std::set<std::string> dirty_;
  planning::Reliability prior_;  // for suppliers without an estimate
};

// The estimate of a supplier from the deliveries it keeps (the last kDeliveriesKept).
planning::Reliability EstimateSupplier(const SupplierState& supplier);

}  // namespace belofte::engine
