// promise.h — a promise date: when a waiting line (or a hypothetical order) ships.
//
// `p50` is the day by which it ships with even odds, `p90` the day by which it ships nine times
// out of ten; p50 <= p90 always. `basis` says what the dates rest on: stock on hand, an open
// purchase order (`purchase_order` names it), the lead time of a supplier for demand no purchase
// order covers yet ("not yet purchased"), or a pre-order's release date. Thread safety: values.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "domain/purchase_order.h"
#include "domain/time.h"

namespace belofte {

enum class PromiseBasis : uint8_t { kInStock, kPurchaseOrder, kLeadTime, kReleaseDate };

std::string_view ToString(PromiseBasis basis);  // "in_stock", "purchase_order", "lead_time", "release_date"
std::optional<PromiseBasis> ParsePromiseBasis(std::string_view text);

struct Promise {
  Date p50;
  Date p90;
  PromiseBasis basis = PromiseBasis::kInStock;
  PurchaseOrderId purchase_order = 0;  // basis purchase_order: which one
  bool operator==(const Promise&) const = default;
};

}  // namespace belofte
