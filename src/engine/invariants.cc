#include "engine/invariants.h"

#include <map>
#include <sstream>

namespace belofte::engine {

std::vector<std::string> CheckInvariants(const ShopState& state, const QueuePriorityRule& rule) {
  std::vector<std::string> out;
  auto fail = [&out](const std::string& s) {
    if (out.size() < 100) out.push_back(s);
  };
  // Allocations and waiting units summed from the lines.
  std::map<std::pair<std::string, LocationIndex>, Quantity> allocated;
  std::map<std::string, Quantity> waiting;
  std::map<std::string, Quantity> component_waiting;  // the part of `waiting` on bundles' component lines
  std::map<std::string, size_t> waiting_lines;
  std::map<std::string, Quantity> bundle_waiting;     // bundle units, by bundle SKU
  for (const auto& [id, order] : state.orders) {
    if (order.id != id) fail("order " + std::to_string(id) + " is stored under another id");
    auto ext = state.order_by_external.find(ExternalKey(order.channel, order.external_id));
    if (ext == state.order_by_external.end() || ext->second != id) {
      fail("order " + std::to_string(id) + " is missing from the (channel, external_id) index");
    }
    for (const auto& line : order.lines) {
      std::string where = "order " + std::to_string(id) + " line " + std::to_string(line.id);
      if (!line.balanced()) {
        fail(where + ": quantity " + std::to_string(line.quantity.units()) + " != allocated " +
             std::to_string(line.allocated().units()) + " + backordered " + std::to_string(line.backordered.units()) +
             " + shipped " + std::to_string(line.shipped.units()) + " + cancelled " +
             std::to_string(line.cancelled.units()));
      }
      if (line.backordered.negative() || line.shipped.negative() || line.cancelled.negative()) {
        fail(where + ": a negative part");
      }
      for (const auto& a : line.allocations) {
        if (!a.quantity.positive()) fail(where + ": a non-positive allocation");
        allocated[{line.sku, a.location}] += a.quantity;
      }
      if (!state.skus.count(line.sku)) {
        fail(where + ": unknown SKU " + line.sku);
        continue;
      }
      if (line.is_component() && (line.per_bundle <= 0 || !order.FindBundle(line.bundle_line))) {
        fail(where + ": a component line without its bundle line");
      }
      if (line.backordered.positive()) {
        waiting[line.sku] += line.backordered;
        if (line.is_component()) component_waiting[line.sku] += line.backordered;
        waiting_lines[line.sku]++;
        const SkuState& sku = state.skus.at(line.sku);
        if (!sku.queue.count(MakeQueueKey(rule, order, line))) fail(where + ": backordered but not in the queue");
      }
      auto lo = state.line_order.find(line.id);
      if (lo == state.line_order.end() || lo->second != id) fail(where + ": missing from the line index");
    }
    // Bundle lines: components in whole bundle units, and a derived split that balances.
    for (const auto& bundle : order.bundles) {
      std::string where = "order " + std::to_string(id) + " bundle line " + std::to_string(bundle.id);
      LineSplit split = BundleSplit(order, bundle);
      size_t components = 0;
      for (const auto& line : order.lines) {
        if (line.bundle_line != bundle.id || line.per_bundle <= 0) continue;
        components++;
        std::string part = where + " component line " + std::to_string(line.id);
        if (line.quantity != bundle.quantity * line.per_bundle) fail(part + ": quantity is not per_bundle x the bundle's");
        if (line.shipped != split.shipped * line.per_bundle) fail(part + ": shipped is not whole bundle units");
        if (line.cancelled != split.cancelled * line.per_bundle) fail(part + ": cancelled is not whole bundle units");
      }
      if (components == 0) fail(where + ": no component lines");
      if (split.allocated.negative() || split.backordered.negative() ||
          bundle.quantity != split.allocated + split.backordered + split.shipped + split.cancelled) {
        fail(where + ": derived split does not balance");
      }
      bundle_waiting[bundle.sku] += split.backordered;
      auto lo = state.line_order.find(bundle.id);
      if (lo == state.line_order.end() || lo->second != id) fail(where + ": missing from the line index");
    }
  }
  std::map<std::string, Quantity> outstanding;
  for (const auto& [id, po] : state.purchase_orders) {
    for (const auto& l : po.lines) {
      if (l.received.negative()) fail("purchase order " + std::to_string(id) + " " + l.sku + ": negative received");
      if (po.IsSupply()) outstanding[l.sku] += l.outstanding();
    }
    bool complete = true;
    for (const auto& l : po.lines) complete &= !l.outstanding().positive();
    if ((po.status == PurchaseOrderStatus::kReceived) != complete && po.status != PurchaseOrderStatus::kCancelled) {
      fail("purchase order " + std::to_string(id) + ": status " + std::string(ToString(po.status)) +
           " does not match its received quantities");
    }
  }
  for (const auto& [code, sku] : state.skus) {
    Quantity expected_incoming = outstanding.count(code) ? outstanding[code] : kNoUnits;
    if (sku.incoming != expected_incoming) {
      fail("sku " + code + ": incoming " + std::to_string(sku.incoming.units()) + " != open purchase order lines' " +
           std::to_string(expected_incoming.units()));
    }
  }
  for (const auto& [code, sku] : state.skus) {
    const BackorderPolicy& policy = sku.product.backorder;
    Quantity total_waiting = waiting.count(code) ? waiting[code] : kNoUnits;
    if (sku.backordered != total_waiting) {
      fail("sku " + code + ": backordered " + std::to_string(sku.backordered.units()) + " != lines' " +
           std::to_string(total_waiting.units()));
    }
    if (sku.queue.size() != (waiting_lines.count(code) ? waiting_lines[code] : 0)) {
      fail("sku " + code + ": queue holds " + std::to_string(sku.queue.size()) + " lines, " +
           std::to_string(waiting_lines.count(code) ? waiting_lines[code] : 0) + " are waiting");
    }
    Quantity for_bundles = component_waiting.count(code) ? component_waiting[code] : kNoUnits;
    if (sku.bundle_backordered != for_bundles) {
      fail("sku " + code + ": bundle_backordered " + std::to_string(sku.bundle_backordered.units()) +
           " != component lines' " + std::to_string(for_bundles.units()));
    }
    // The policy governs the SKU's own lines; a bundle's, its bundle units (component lines
    // follow their bundle's policy).
    Quantity governed = sku.product.is_bundle() ? (bundle_waiting.count(code) ? bundle_waiting[code] : kNoUnits)
                                                : total_waiting - for_bundles;
    if (!policy.allows_backorders() && governed.positive()) {
      fail("sku " + code + ": policy deny but " + std::to_string(governed.units()) + " units backordered");
    }
    if (policy.max_units && governed > *policy.max_units) {
      fail("sku " + code + ": " + std::to_string(governed.units()) + " backordered exceeds max_units " +
           std::to_string(policy.max_units->units()));
    }
    if (sku.product.is_bundle()) {
      if (!sku.on_hand().zero() || !sku.allocated().zero() || !sku.queue.empty() || !sku.incoming.zero()) {
        fail("sku " + code + ": a bundle holds stock, waits or is bought");
      }
      for (const Component& c : sku.product.components) {
        const SkuState* component = state.FindSku(c.sku);
        if (!component || component->product.is_bundle() || !c.quantity.positive()) {
          fail("sku " + code + ": component " + c.sku + " is unknown, a bundle or without quantity");
        }
      }
    }
    for (LocationIndex loc = 0; loc < sku.levels.size(); ++loc) {
      const StockLevel& level = sku.levels[loc];
      std::string where = "sku " + code + " at " + (loc < state.locations.size() ? state.locations[loc].code : "?");
      Quantity lines_alloc = allocated.count({code, loc}) ? allocated[{code, loc}] : kNoUnits;
      if (level.allocated != lines_alloc) {
        fail(where + ": allocated " + std::to_string(level.allocated.units()) + " != lines' " +
             std::to_string(lines_alloc.units()));
      }
      if (level.allocated.negative()) fail(where + ": negative allocated");
      if (level.allocated > level.on_hand) {
        fail(where + ": allocated " + std::to_string(level.allocated.units()) + " > on hand " +
             std::to_string(level.on_hand.units()));
      }
      if (!sku.queue.empty() && level.free().positive()) {
        fail(where + ": " + std::to_string(level.free().units()) + " free while " + std::to_string(sku.queue.size()) +
             " lines wait");
      }
    }
    for (const auto& key : sku.queue) {
      auto [order, line] = state.FindLine(key.line);
      if (!line || line->sku != code || !line->backordered.positive()) {
        fail("sku " + code + ": queue names line " + std::to_string(key.line) + " that is not waiting for it");
      }
    }
  }
  return out;
}

namespace {

std::string Describe(const Order& o) {
  std::ostringstream s;
  s << "order " << o.id << " " << o.channel << "/" << o.external_id << " payment " << ToString(o.payment) << " ship "
    << ToString(o.ship_policy) << " placed " << o.placed_at.ToString();
  for (const auto& l : o.lines) {
    s << " | line " << l.id << " " << l.sku << " q" << l.quantity.units() << " a" << l.allocated().units() << " b"
      << l.backordered.units() << " s" << l.shipped.units() << " c" << l.cancelled.units() << " p" << l.priority;
    if (l.is_component()) s << " of bundle " << l.bundle_line << " x" << l.per_bundle;
  }
  for (const auto& b : o.bundles) s << " | bundle line " << b.id << " " << b.sku << " q" << b.quantity.units();
  return s.str();
}

}  // namespace

std::string DiffStates(const ShopState& a, const ShopState& b) {
  std::ostringstream d;
  int n = 0;
  auto note = [&](const std::string& s) {
    if (n++ < 20) d << s << "\n";
  };
  if (a.locations != b.locations) note("locations differ");
  if (a.channels != b.channels) note("channels differ");
  if (a.order_by_external != b.order_by_external) note("order index differs");
  if (a.last_seq != b.last_seq) note("last_seq " + std::to_string(a.last_seq) + " vs " + std::to_string(b.last_seq));
  if (a.next_order_id != b.next_order_id) note("next_order_id differs");
  if (a.next_line_id != b.next_line_id) note("next_line_id differs");
  if (a.next_movement_id != b.next_movement_id) note("next_movement_id differs");
  if (a.skus.size() != b.skus.size()) note("SKU counts differ");
  for (const auto& [code, sa] : a.skus) {
    auto it = b.skus.find(code);
    if (it == b.skus.end()) {
      note("sku " + code + " only in the first");
      continue;
    }
    const SkuState& sb = it->second;
    if (!(sa.product == sb.product)) note("sku " + code + ": product differs");
    size_t levels = std::max(sa.levels.size(), sb.levels.size());
    for (LocationIndex loc = 0; loc < levels; ++loc) {
      if (!(sa.Level(loc) == sb.Level(loc))) {
        note("sku " + code + " location " + std::to_string(loc) + ": on_hand/allocated " +
             std::to_string(sa.Level(loc).on_hand.units()) + "/" + std::to_string(sa.Level(loc).allocated.units()) +
             " vs " + std::to_string(sb.Level(loc).on_hand.units()) + "/" +
             std::to_string(sb.Level(loc).allocated.units()));
      }
    }
    if (sa.queue != sb.queue) note("sku " + code + ": queues differ");
    if (sa.incoming != sb.incoming) note("sku " + code + ": incoming differs");
    if (sa.backordered != sb.backordered) note("sku " + code + ": backordered differs");
    if (sa.bundle_backordered != sb.bundle_backordered) note("sku " + code + ": bundle_backordered differs");
  }
  if (a.next_purchase_order_id != b.next_purchase_order_id) note("next_purchase_order_id differs");
  if (a.purchase_orders != b.purchase_orders) {
    for (const auto& [id, pa] : a.purchase_orders) {
      auto it = b.purchase_orders.find(id);
      if (it == b.purchase_orders.end() || !(it->second == pa)) note("purchase order " + std::to_string(id) + " differs");
    }
    if (a.purchase_orders.size() != b.purchase_orders.size()) note("purchase order counts differ");
  }
  if (a.suppliers.size() != b.suppliers.size()) note("supplier counts differ");
  for (const auto& [code, sa] : a.suppliers) {
    auto it = b.suppliers.find(code);
    if (it == b.suppliers.end()) {
      note("supplier " + code + " only in the first");
      continue;
    }
    if (!(sa.supplier == it->second.supplier)) note("supplier " + code + " differs");
    if (sa.terms != it->second.terms) note("supplier " + code + ": terms differ");
    if (sa.deliveries != it->second.deliveries || sa.receipts != it->second.receipts ||
        sa.deliveries_total != it->second.deliveries_total) {
      note("supplier " + code + ": delivery history differs");
    }
  }
  if (!(a.promise_settings == b.promise_settings)) note("promise settings differ");
  if (a.promises.size() != b.promises.size()) {
    note("promised line counts differ: " + std::to_string(a.promises.size()) + " vs " + std::to_string(b.promises.size()));
  }
  for (const auto& [line, pa] : a.promises) {
    auto it = b.promises.find(line);
    if (it == b.promises.end() || !(it->second == pa)) note("promises of line " + std::to_string(line) + " differ");
  }
  if (a.orders.size() != b.orders.size()) {
    note("live order counts differ: " + std::to_string(a.orders.size()) + " vs " + std::to_string(b.orders.size()));
  }
  for (const auto& [id, oa] : a.orders) {
    auto it = b.orders.find(id);
    if (it == b.orders.end()) {
      note("order " + std::to_string(id) + " only in the first");
    } else if (!(oa == it->second)) {
      note("differs:\n  " + Describe(oa) + "\n  " + Describe(it->second));
    }
  }
  return d.str();
}

}  // namespace belofte::engine
