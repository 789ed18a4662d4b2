// order.h — sales orders, their lines, and the vocabulary of their states.
//
// A line's ordered quantity is always split four ways (DESIGN invariant 2):
//   quantity == allocated + backordered + shipped + cancelled
// `allocated` is reserved on-hand stock, kept per location; `backordered` waits in the SKU's
// queue. The order's status is derived from its lines, payment and ship policy, never stored
// independently (see DeriveStatus). Thread safety: value types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/money.h"
#include "domain/quantity.h"
#include "domain/time.h"

namespace belofte {

using OrderId = uint64_t;
using LineId = uint64_t;
using LocationIndex = uint32_t;  // dense index into the shop's locations; 0 is `main`

enum class Payment { kUnpaid, kPaid, kRefunded };
enum class ShipPolicy { kShipAvailable, kShipComplete };
enum class OrderStatus { kOpen, kBackordered, kReady, kPartiallyShipped, kShipped, kCancelled };

std::string_view ToString(Payment p);
std::string_view ToString(ShipPolicy p);
std::string_view ToString(OrderStatus s);
std::optional<Payment> ParsePayment(std::string_view text);
std::optional<ShipPolicy> ParseShipPolicy(std::string_view text);
std::optional<OrderStatus> ParseOrderStatus(std::string_view text);

struct Customer {
  std::string email;
  std::string name;
  std::string language = "nl";  // "nl" or "en": the language of customer messages
  bool operator==(const Customer&) const = default;
};

// Syntactic check of an e-mail address: local@domain.tld, no spaces, sane length.
bool ValidEmail(std::string_view email);
bool ValidLanguage(std::string_view language);

// Reserved stock of one line at one location.
struct Allocation {
  LocationIndex location = 0;
  Quantity quantity;
  bool operator==(const Allocation&) const = default;
};

struct OrderLine {
  LineId id = 0;
  std::string sku;
  Quantity quantity;
  Money unit_price;
  std::vector<Allocation> allocations;  // at most one entry per location, quantities > 0
  Quantity backordered;
  Quantity shipped;
  Quantity cancelled;
  int32_t priority = 0;  // manual queue override: higher goes first; 0 = by the rule
  int32_t per_bundle = 0;  // component lines: units of this SKU per unit of the bundle; 0 otherwise
  LineId bundle_line = 0;  // component lines: the id of their bundle line; 0 otherwise

  bool is_component() const { return bundle_line != 0; }
  Quantity allocated() const;
  Quantity AllocatedAt(LocationIndex location) const;
  Quantity remaining() const { return quantity - shipped - cancelled; }  // still to ship
  bool balanced() const { return quantity == allocated() + backordered + shipped + cancelled; }
  bool operator==(const OrderLine&) const = default;
};

// An order line for a bundle. It holds no stock itself: at intake the engine expands it into
// one component line per component (OrderLine with bundle_line == id, quantity ==
// quantity x per_bundle), and its split is derived from theirs (BundleSplit).
struct BundleLine {
  LineId id = 0;
  std::string sku;
  Quantity quantity;
  Money unit_price;
  bool operator==(const BundleLine&) const = default;
};

// A line's four parts (DESIGN invariant 2).
struct LineSplit {
  Quantity allocated;
  Quantity backordered;
  Quantity shipped;
  Quantity cancelled;
  bool operator==(const LineSplit&) const = default;
};

struct Order {
  OrderId id = 0;
  std::string channel;
  std::string external_id;
  Customer customer;
  Payment payment = Payment::kUnpaid;
  ShipPolicy ship_policy = ShipPolicy::kShipAvailable;
  Instant placed_at;
  std::string status_token;  // unguessable token of the customer's status page (may be empty)
  std::vector<OrderLine> lines;      // component lines of bundles included
  std::vector<BundleLine> bundles;   // bundle lines, by id; their components are in `lines`

  const BundleLine* FindBundle(LineId id) const;
  bool operator==(const Order&) const = default;
};

// A bundle line's split, derived from its component lines (whole bundle units):
//   shipped   = min over components of floor(shipped_c / per_bundle_c)
//   cancelled = min of floor(cancelled_c / per_bundle_c)
//   allocated = min of floor((allocated_c + shipped_c) / per_bundle_c) - shipped
//   backordered = quantity - allocated - shipped - cancelled
LineSplit BundleSplit(const Order& order, const BundleLine& bundle);
// Whole bundle units whose components are all allocated at `location`.
Quantity BundleAllocatedAt(const Order& order, const BundleLine& bundle, LocationIndex location);

// The order's status from its lines:
//   cancelled          nothing left to ship and nothing shipped
//   shipped            nothing left to ship, something shipped
//   partially_shipped  something shipped, something left
//   ready              may ship now: paid, and everything left is allocated
//                      (ship_available: something left is allocated; for a bundle a whole
//                      bundle unit, all its components, must be allocated)
//   backordered        something left waits in a queue (and it is not ready)
//   open               accepted, not ready (e.g. allocated but unpaid)
OrderStatus DeriveStatus(const Order& order);

// True when the order may ship now (ship_complete: everything left is allocated).
bool MayShip(const Order& order);

// True when the warehouse should ship it: paid and MayShip. (Shipping an unpaid order is
// allowed — invoice, cash on delivery — but it is not put on the pick list.)
bool ReadyToShip(const Order& order);

}  // namespace belofte
