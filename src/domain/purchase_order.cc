#include "domain/purchase_order.h"

#include "domain/supplier.h"

namespace belofte {

std::string_view ToString(PurchaseOrderStatus s) {
  switch (s) {
    case PurchaseOrderStatus::kDraft: return "draft";
    case PurchaseOrderStatus::kSent: return "sent";
    case PurchaseOrderStatus::kConfirmed: return "confirmed";
    case PurchaseOrderStatus::kPartiallyReceived: return "partially_received";
    case PurchaseOrderStatus::kReceived: return "received";
    case PurchaseOrderStatus::kCancelled: return "cancelled";
  }
  return "draft";
}

std::optional<PurchaseOrderStatus> ParsePurchaseOrderStatus(std::string_view text) {
  for (auto s : {PurchaseOrderStatus::kDraft, PurchaseOrderStatus::kSent, PurchaseOrderStatus::kConfirmed,
                 PurchaseOrderStatus::kPartiallyReceived, PurchaseOrderStatus::kReceived,
                 PurchaseOrderStatus::kCancelled}) {
    if (ToString(s) == text) return s;
  }
  return std::nullopt;
}

const PurchaseOrderLine* PurchaseOrder::FindLine(std::string_view sku) const {
  for (const auto& l : lines) {
    if (l.sku == sku) return &l;
  }
  return nullptr;
}

Quantity OrderQuantity(Quantity needed, const SupplierTerms& terms) {
  if (!needed.positive()) return kNoUnits;
  Quantity q = Max(needed, terms.moq);
  int64_t pack = std::max<int64_t>(1, terms.pack_size.units());
  int64_t packs = (q.units() + pack - 1) / pack;
  return Quantity(packs * pack);
}

}  // namespace belofte
