#include "domain/stock_movement.h"

namespace belofte {

std::string_view ToString(MovementKind kind) {
  switch (kind) {
    case MovementKind::kReceipt: return "receipt";
    case MovementKind::kShipment: return "shipment";
    case MovementKind::kAdjustment: return "adjustment";
    case MovementKind::kTransfer: return "transfer";
    case MovementKind::kCount: return "count";
  }
  return "adjustment";
}

std::optional<MovementKind> ParseMovementKind(std::string_view text) {
  for (auto k : {MovementKind::kReceipt, MovementKind::kShipment, MovementKind::kAdjustment, MovementKind::kTransfer,
                 MovementKind::kCount}) {
    if (ToString(k) == text) return k;
  }
  return std::nullopt;
}

}  // namespace belofte
