// commands.h — terse builders for engine commands, shared by the test suites.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "engine/command.h"

namespace belofte::testing {

inline Instant T(int64_t seconds) { return Instant::FromSeconds(1'767'600'000 + seconds); }  // early 2026

inline engine::UpsertProduct MakeProductCmd(const std::string& sku, BackorderPolicyKind kind,
                                            std::optional<int64_t> max_units = std::nullopt, int64_t at = 0) {
  Product p;
  p.sku = sku;
  p.name = "Product " + sku;
  p.price = Money(1000, "EUR");
  p.cost = Money(400, "EUR");
  p.backorder.kind = kind;
  if (max_units) p.backorder.max_units = Quantity(*max_units);
  if (kind == BackorderPolicyKind::kPreorder) p.backorder.release_date = T(at).date().PlusDays(30);
  return engine::UpsertProduct{p, T(at)};
}

inline engine::PlaceOrder MakeOrderCmd(const std::string& channel, const std::string& external_id,
                                       std::vector<std::pair<std::string, int64_t>> lines,
                                       Payment payment = Payment::kPaid, int64_t at = 0,
                                       ShipPolicy ship = ShipPolicy::kShipAvailable) {
  engine::PlaceOrder o;
  o.channel = channel;
  o.external_id = external_id;
  o.placed_at = T(at);
  o.at = T(at);
  o.payment = payment;
  o.ship_policy = ship;
  o.customer = Customer{"klant@example.nl", "Klant", "nl"};
  for (auto& [sku, q] : lines) o.lines.push_back(engine::PlaceOrder::Line{sku, Quantity(q), Money(1000, "EUR")});
  return o;
}

inline engine::ReceiveStock Receive(const std::string& sku, int64_t quantity, int64_t at = 0,
                                    const std::string& location = "main") {
  return engine::ReceiveStock{sku, location, Quantity(quantity), "test", T(at)};
}

}  // namespace belofte::testing
