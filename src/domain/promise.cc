#include "domain/promise.h"

namespace belofte {

std::string_view ToString(PromiseBasis basis) {
  switch (basis) {
    case PromiseBasis::kInStock: return "in_stock";
    case PromiseBasis::kPurchaseOrder: return "purchase_order";
    case PromiseBasis::kLeadTime: return "lead_time";
    case PromiseBasis::kReleaseDate: return "release_date";
  }
  return "in_stock";
}

std::optional<PromiseBasis> ParsePromiseBasis(std::string_view text) {
  for (PromiseBasis b : {PromiseBasis::kInStock, PromiseBasis::kPurchaseOrder, PromiseBasis::kLeadTime,
                         PromiseBasis::kReleaseDate}) {
    if (ToString(b) == text) return b;
  }
  return std::nullopt;
}

}  // namespace belofte
