// stock_movement.h — one entry of the append-only stock ledger.
//
// On hand per SKU x location is the sum of its movements (DESIGN invariant 1). A movement is
// never edited or deleted; a correction is a new movement. Thread safety: value types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/order.h"
#include "domain/quantity.h"
#include "domain/time.h"

namespace belofte {

enum class MovementKind { kReceipt, kShipment, kAdjustment, kTransfer, kCount };

std::string_view ToString(MovementKind kind);
std::optional<MovementKind> ParseMovementKind(std::string_view text);

struct StockMovement {
  uint64_t id = 0;
  std::string sku;
  LocationIndex location = 0;
  MovementKind kind = MovementKind::kAdjustment;
  Quantity quantity;        // signed: + into stock, - out of stock
  std::string reason;       // free text from the user ("damaged", "cycle count")
  std::string reference;    // what caused it: "order:12", "po:7", "transfer:3"
  Instant at;
  bool operator==(const StockMovement&) const = default;
};

}  // namespace belofte
