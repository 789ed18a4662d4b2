#include "domain/order.h"

namespace belofte {

std::string_view ToString(Payment p) {
  switch (p) {
    case Payment::kUnpaid: return "unpaid";
    case Payment::kPaid: return "paid";
    case Payment::kRefunded: return "refunded";
  }
  return "unpaid";
}

std::string_view ToString(ShipPolicy p) {
  return p == ShipPolicy::kShipComplete ? "ship_complete" : "ship_available";
}

std::string_view ToString(OrderStatus s) {
  switch (s) {
    case OrderStatus::kOpen: return "open";
    case OrderStatus::kBackordered: return "backordered";
    case OrderStatus::kReady: return "ready";
    case OrderStatus::kPartiallyShipped: return "partially_shipped";
    case OrderStatus::kShipped: return "shipped";
    case OrderStatus::kCancelled: return "cancelled";
  }
  return "open";
}

std::optional<Payment> ParsePayment(std::string_view text) {
  if (text == "unpaid") return Payment::kUnpaid;
  if (text == "paid") return Payment::kPaid;
  if (text == "refunded") return Payment::kRefunded;
  return std::nullopt;
}

std::optional<ShipPolicy> ParseShipPolicy(std::string_view text) {
  if (text == "ship_available") return ShipPolicy::kShipAvailable;
  if (text == "ship_complete") return ShipPolicy::kShipComplete;
  return std::nullopt;
}

std::optional<OrderStatus> ParseOrderStatus(std::string_view text) {
  for (auto s : {OrderStatus::kOpen, OrderStatus::kBackordered, OrderStatus::kReady, OrderStatus::kPartiallyShipped,
                 OrderStatus::kShipped, OrderStatus::kCancelled}) {
    if (ToString(s) == text) return s;
  }
  return std::nullopt;
}

bool ValidEmail(std::string_view email) {
  if (email.size() < 3 || email.size() > 254) return false;
  auto at = email.find('@');
  if (at == std::string_view::npos || at == 0 || email.find('@', at + 1) != std::string_view::npos) return false;
  std::string_view domain = email.substr(at + 1);
  auto dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 >= domain.size()) return false;
  for (char c : email) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '<' || c == '>' || c == ',' || c == ';' || c == '"') return false;
  }
  return domain.find("..") == std::string_view::npos;
}

bool ValidLanguage(std::string_view language) { return language == "nl" || language == "en"; }

Quantity OrderLine::allocated() const {
  Quantity total;
  for (const auto& a : allocations) total += a.quantity;
  return total;
}

Quantity OrderLine::AllocatedAt(LocationIndex location) const {
  for (const auto& a : allocations) {
    if (a.location == location) return a.quantity;
  }
  return kNoUnits;
}

bool MayShip(const Order& order) {
  Quantity allocated, waiting;
  for (const auto& line : order.lines) {
    allocated += line.allocated();
    waiting += line.backordered;
  }
  if (allocated.zero()) return false;
  return order.ship_policy == ShipPolicy::kShipAvailable || waiting.zero();
}

bool ReadyToShip(const Order& order) { return order.payment == Payment::kPaid && MayShip(order); }

OrderStatus DeriveStatus(const Order& order) {
  Quantity remaining, shipped, waiting;
  for (const auto& line : order.lines) {
    remaining += line.remaining();
    shipped += line.shipped;
    waiting += line.backordered;
  }
  if (remaining.zero()) return shipped.positive() ? OrderStatus::kShipped : OrderStatus::kCancelled;
  if (shipped.positive()) return OrderStatus::kPartiallyShipped;
  if (ReadyToShip(order)) return OrderStatus::kReady;
  if (waiting.positive()) return OrderStatus::kBackordered;
  return OrderStatus::kOpen;
}

}  // namespace belofte
