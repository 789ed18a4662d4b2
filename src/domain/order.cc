#include "domain/order.h"

#include <algorithm>

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

const BundleLine* Order::FindBundle(LineId id) const {
  for (const auto& b : bundles) {
    if (b.id == id) return &b;
  }
  return nullptr;
}

namespace {

// Applies `f` to every component line of `bundle`.
template <typename F>
void ForComponents(const Order& order, const BundleLine& bundle, F&& f) {
  for (const auto& line : order.lines) {
    if (line.bundle_line == bundle.id && line.per_bundle > 0) f(line);
  }
}

}  // namespace

LineSplit BundleSplit(const Order& order, const BundleLine& bundle) {
  std::optional<int64_t> shipped, cancelled, covered;
  auto low = [](std::optional<int64_t>& m, int64_t v) { m = m ? std::min(*m, v) : v; };
  ForComponents(order, bundle, [&](const OrderLine& c) {
    low(shipped, c.shipped.units() / c.per_bundle);
    low(cancelled, c.cancelled.units() / c.per_bundle);
    low(covered, (c.allocated() + c.shipped).units() / c.per_bundle);
  });
  LineSplit s;
  s.shipped = Quantity(shipped.value_or(0));
  s.cancelled = Quantity(cancelled.value_or(0));
  s.allocated = Quantity(covered.value_or(0)) - s.shipped;
  s.backordered = bundle.quantity - s.allocated - s.shipped - s.cancelled;
  return s;
}

Quantity BundleAllocatedAt(const Order& order, const BundleLine& bundle, LocationIndex location) {
  std::optional<int64_t> units;
  ForComponents(order, bundle, [&](const OrderLine& c) {
    int64_t v = c.AllocatedAt(location).units() / c.per_bundle;
    units = units ? std::min(*units, v) : v;
  });
  return Quantity(units.value_or(0));
}

bool MayShip(const Order& order) {
  // Something can leave the building: an allocated unit of a plain line, or a whole bundle unit.
  bool shippable = false;
  Quantity waiting;
  for (const auto& line : order.lines) {
    if (!line.is_component() && line.allocated().positive()) shippable = true;
    waiting += line.backordered;
  }
  for (const auto& bundle : order.bundles) {
    if (!shippable && BundleSplit(order, bundle).allocated.positive()) shippable = true;
  }
  if (!shippable) return false;
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
