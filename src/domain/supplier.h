// supplier.h — suppliers (leveranciers) and their terms per SKU.
//
// A supplier has a nominal lead time (days from sending a purchase order to receiving it) and
// optionally a minimum order value. Terms say, per SKU, what it costs from this supplier, the
// minimum order quantity, the pack size (orders are multiples of it) and, when it differs from
// the supplier's, a lead time. Several suppliers may sell one SKU; one of them is preferred.
// Thread safety: value types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "domain/money.h"
#include "domain/quantity.h"

namespace belofte {

struct Supplier {
  std::string code;
  std::string name;
  std::string email;
  int32_t lead_time_days = 14;
  std::optional<Money> min_order_value;
  bool operator==(const Supplier&) const = default;
};

struct SupplierTerms {
  std::string supplier;
  std::string sku;
  Money cost;
  Quantity moq{1};        // minimum order quantity
  Quantity pack_size{1};  // orders are whole packs
  std::optional<int32_t> lead_time_days;  // overrides the supplier's
  bool preferred = false;
  bool operator==(const SupplierTerms&) const = default;
};

// The quantity to order for `needed` units under the terms: at least the MOQ, rounded up to
// whole packs. Zero when nothing is needed.
Quantity OrderQuantity(Quantity needed, const SupplierTerms& terms);

constexpr int32_t kMaxLeadTimeDays = 730;

}  // namespace belofte
