// purchase_order.h — purchase orders (inkooporders): what is coming from whom, and when.
//
// Lifecycle: draft -> sent -> confirmed -> partially_received -> received, or cancelled.
// Lines of sent, confirmed and partially received orders are supply (`incoming`); draft and
// cancelled ones are not. Each line keeps its expected date and every change of it with when
// it became known, and the date the supplier promised at order time (fixed when the order is
// sent; a confirmation with a date replaces it until goods arrive), so reliability can be
// learned against both the promise and the last confirmed date.
// Thread safety: value types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/quantity.h"
#include "domain/time.h"

namespace belofte {

using PurchaseOrderId = uint64_t;

enum class PurchaseOrderStatus { kDraft, kSent, kConfirmed, kPartiallyReceived, kReceived, kCancelled };

std::string_view ToString(PurchaseOrderStatus s);
std::optional<PurchaseOrderStatus> ParsePurchaseOrderStatus(std::string_view text);

struct ExpectedDateChange {
  Date date;
  Instant known_at;
  std::string reason;  // "created", "sent", "confirmed", "moved"
  bool operator==(const ExpectedDateChange&) const = default;
};

struct PurchaseOrderLine {
  std::string sku;
  Quantity quantity;
  Quantity received;
  Date expected_date;                 // current
  std::optional<Date> promised_date;  // at order time (see above)
  std::optional<Date> last_arrival;         // the day goods of this line last arrived
  std::optional<Date> expected_at_arrival;  // the expected date when they did
  std::optional<int32_t> default_lead_days; // no date was given: expected = send day + this
  std::vector<ExpectedDateChange> history;
  Quantity outstanding() const { return Max(kNoUnits, quantity - received); }
  bool operator==(const PurchaseOrderLine&) const = default;
};

// A closed purchase-order line as a fact about its supplier: what was promised, when the line
// was complete (the arrival that completed it, or the last one before the rest was cancelled:
// a line is only as early as its last unit), how much of it came. Recorded when the line is fully received, or when its order is
// cancelled after part of it arrived. The input of supplier reliability (planning/reliability.h).
struct SupplierDelivery {
  std::optional<Date> ordered;        // the order was sent
  Date promised;                      // promised at order time
  Date confirmed;                     // the expected date at that arrival
  Date arrived;                       // the arrival that completed the line (or the last one)
  int64_t ordered_quantity = 0;
  int64_t received_quantity = 0;      // in total, up to the ordered quantity
  bool operator==(const SupplierDelivery&) const = default;
};

struct PurchaseOrder {
  PurchaseOrderId id = 0;
  std::string supplier;
  PurchaseOrderStatus status = PurchaseOrderStatus::kDraft;
  Instant created_at;
  std::optional<Instant> sent_at;
  std::vector<PurchaseOrderLine> lines;  // one per SKU

  // Lines count as supply (incoming) in these states.
  bool IsSupply() const {
    return status == PurchaseOrderStatus::kSent || status == PurchaseOrderStatus::kConfirmed ||
           status == PurchaseOrderStatus::kPartiallyReceived;
  }
  const PurchaseOrderLine* FindLine(std::string_view sku) const;
  bool operator==(const PurchaseOrder&) const = default;
};

}  // namespace belofte
