// product.h — Product (a SKU) and its BackorderPolicy.
//
// A product says whether it may be sold without stock: `deny` never backorders, `allow`
// backorders up to optional caps, `preorder` sells ahead of a release date. The caps bound the
// promise a shop makes: `max_units` is the total of backordered units the SKU may carry,
// `max_wait_days` the longest promised wait a customer is asked to accept (checked against
// the release date for pre-orders, and against promise dates once they exist).
// A bundle (kit) is a product made of components: it has no stock of its own, its
// availability is derived from its components', and an order line for it is expanded into one
// line per component (see docs/bundles.md).
// Thread safety: value types.
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

enum class BackorderPolicyKind { kDeny, kAllow, kPreorder };

std::string_view ToString(BackorderPolicyKind kind);
std::optional<BackorderPolicyKind> ParseBackorderPolicyKind(std::string_view text);

struct BackorderPolicy {
  BackorderPolicyKind kind = BackorderPolicyKind::kDeny;
  std::optional<Quantity> max_units;        // cap on total backordered units of the SKU
  std::optional<int32_t> max_wait_days;     // cap on the promised wait
  std::optional<Date> release_date;         // pre-orders: the day the product ships from

  bool allows_backorders() const { return kind != BackorderPolicyKind::kDeny; }
  // How many more units may be backordered when `already` are waiting (nullopt: unlimited).
  std::optional<Quantity> Headroom(Quantity already) const;
  bool operator==(const BackorderPolicy&) const = default;
};

// One component of a bundle: `quantity` units of `sku` per unit of the bundle.
struct Component {
  std::string sku;
  Quantity quantity;
  bool operator==(const Component&) const = default;
};

// The most components a bundle may have.
constexpr size_t kMaxComponents = 50;

struct Product {
  std::string sku;
  std::string name;
  Money price;
  Money cost;
  BackorderPolicy backorder;
  std::vector<Component> components;  // non-empty: the product is a bundle of these

  bool is_bundle() const { return !components.empty(); }
  bool operator==(const Product&) const = default;
};

// SKU codes: 1..64 characters of [A-Za-z0-9._-], so they are safe in paths, CSV and logs.
bool ValidSku(std::string_view sku);
// Location and channel codes: 1..64 characters of [a-z0-9_-].
bool ValidCode(std::string_view code);

}  // namespace belofte
