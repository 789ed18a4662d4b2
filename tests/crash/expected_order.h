// expected_order.h — the deterministic content of the crash test's orders and catalogue,
// shared by the load driver (which places them) and the test (which verifies them): an
// order's lines follow from its external id alone, so a half-written order is detectable.
#pragma once

#include <string>
#include <vector>

#include "engine/command.h"

namespace belofte::crash {

inline const std::vector<Product>& Catalogue() {
  static const std::vector<Product> products = [] {
    std::vector<Product> out;
    const struct {
      const char* sku;
      BackorderPolicyKind kind;
      int64_t cap;
    } kSpecs[] = {{"CR-A", BackorderPolicyKind::kAllow, 0},
                  {"CR-B", BackorderPolicyKind::kAllow, 40},
                  {"CR-C", BackorderPolicyKind::kDeny, 0},
                  {"CR-D", BackorderPolicyKind::kAllow, 0},
                  {"CR-E", BackorderPolicyKind::kAllow, 200}};
    for (const auto& s : kSpecs) {
      Product p;
      p.sku = s.sku;
      p.name = std::string("Crash product ") + s.sku;
      p.price = Money(995, "EUR");
      p.cost = Money(300, "EUR");
      p.backorder.kind = s.kind;
      if (s.cap) p.backorder.max_units = Quantity(s.cap);
      out.push_back(p);
    }
    return out;
  }();
  return products;
}

// External ids look like "r<run>-<n>"; n picks the lines.
inline int64_t SequenceOf(const std::string& external_id) {
  return std::stoll(external_id.substr(external_id.find('-') + 1));
}

inline engine::PlaceOrder ExpectedOrder(const std::string& external_id, Instant at) {
  int64_t n = SequenceOf(external_id);
  const auto& products = Catalogue();
  engine::PlaceOrder o;
  o.channel = n % 3 == 0 ? "bol" : "webshop";
  o.external_id = external_id;
  o.placed_at = at;
  o.at = at;
  o.payment = n % 4 == 0 ? Payment::kUnpaid : Payment::kPaid;
  o.customer = Customer{"klant" + std::to_string(n % 1000) + "@example.nl", "Klant", "nl"};
  o.lines.push_back(engine::PlaceOrder::Line{products[n % 5].sku, Quantity(1 + n % 3), Money(995, "EUR")});
  if (n % 2) o.lines.push_back(engine::PlaceOrder::Line{products[(n + 2) % 5].sku, Quantity(1), Money(995, "EUR")});
  return o;
}

}  // namespace belofte::crash
