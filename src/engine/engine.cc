#include "engine/engine.h"
#include "engine/execution.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>
#include <utility>

namespace belofte::engine {

namespace {

constexpr size_t kMaxOrderLines = 1000;
constexpr size_t kMaxExternalIdLength = 128;
constexpr size_t kMaxTextLength = 500;
constexpr size_t kMaxNameLength = 256;
constexpr int32_t kMaxManualPriority = 1'000'000;

bool ValidText(const std::string& text, size_t max_length) {
  if (text.size() > max_length) return false;
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20) return false;  // no control characters
  }
  return true;
}

bool ValidUnits(Quantity q) { return q.positive() && q.units() <= kMaxQuantityUnits; }

std::string Field(const char* name, size_t index, const char* member) {
  return std::string(name) + "[" + std::to_string(index) + "]." + member;
}

}  // namespace

Instant CommandTime(const Command& command) {
  return std::visit([](const auto& c) { return c.at; }, command);
}

Engine::Engine(std::unique_ptr<QueuePriorityRule> rule) : rule_(std::move(rule)) {
  state_.locations.push_back(Location{0, kMainLocation, "Main warehouse"});
  state_.location_by_code[kMainLocation] = 0;
}

Result<Outcome> Engine::Execute(const Command& command, std::vector<Event>* events) {
  Execution x(*this, CommandTime(command), events);
  // These commands change no supply: lead-time promises they move only drift with the day.
  x.drift_only = std::holds_alternative<PlaceOrder>(command) || std::holds_alternative<RunTimers>(command);
  Result<Outcome> result = std::visit([&](const auto& c) { return Do(c, x); }, command);
  if (!result.ok()) return result;
  // The handler says what it did to its subject; the execution collected the side effects.
  Outcome out = std::move(result.value());
  promiser_.Refresh();
  for (const std::string& sku : x.TakeAffected()) Repromise(x, sku);
  if (ApplySlipPolicy(x)) {
    for (const std::string& sku : x.TakeAffected()) Repromise(x, sku);
  }
  QueueNotices(x);
  Outcome effects = x.Finish();
  out.movements = std::move(effects.movements);
  out.filled = std::move(effects.filled);
  out.ready_orders = std::move(effects.ready_orders);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Resolution helpers

Result<LocationIndex> Engine::ResolveLocation(const std::string& code, const char* field) const {
  auto it = state_.location_by_code.find(code);
  if (it == state_.location_by_code.end()) {
    return Error::NotFound("unknown_location", "No location with code '" + code + "'.", field)
        .With("location", code);
  }
  return it->second;
}

Result<const SkuState*> Engine::ResolveSku(const std::string& sku, const char* field) const {
  const SkuState* s = state_.FindSku(sku);
  if (!s) return Error::NotFound("unknown_sku", "No product with SKU '" + sku + "'.", field).With("sku", sku);
  return s;
}

namespace {

Error BundleHasNoStock(const std::string& sku, std::string field) {
  return Error::Conflict("bundle_has_no_stock",
                         "'" + sku + "' is a bundle: it holds no stock of its own; book its components instead.",
                         std::move(field))
      .With("sku", sku);
}

}  // namespace

Result<const SkuState*> Engine::ResolveStockSku(const std::string& sku, const char* field) const {
  auto s = ResolveSku(sku, field);
  if (s.ok() && (*s)->product.is_bundle()) return BundleHasNoStock(sku, field);
  return s;
}

// ---------------------------------------------------------------------------------------------
// Catalogue

Result<Outcome> Engine::Do(const UpsertProduct& c, Execution& x) {
  const Product& p = c.product;
  if (!ValidSku(p.sku)) return Error::Invalid("invalid_sku", "A SKU is 1-64 characters of A-Z a-z 0-9 . _ -.", "sku");
  if (p.name.empty() || !ValidText(p.name, kMaxNameLength)) {
    return Error::Invalid("invalid_name", "The name must be 1-256 characters without control characters.", "name");
  }
  if (p.price.cents() < 0 || !Money::ValidCurrency(p.price.currency())) {
    return Error::Invalid("invalid_money", "The price must be a non-negative amount in a valid currency.", "price");
  }
  if (p.cost.cents() < 0 || !Money::ValidCurrency(p.cost.currency())) {
    return Error::Invalid("invalid_money", "The cost must be a non-negative amount in a valid currency.", "cost");
  }
  const BackorderPolicy& b = p.backorder;
  if (b.max_units && (b.max_units->negative() || b.max_units->units() > kMaxQuantityUnits)) {
    return Error::Invalid("invalid_quantity", "max_units must be a non-negative integer.", "backorder.max_units");
  }
  if (b.max_wait_days && (*b.max_wait_days < 0 || *b.max_wait_days > 3650)) {
    return Error::Invalid("invalid_quantity", "max_wait_days must be between 0 and 3650.", "backorder.max_wait_days");
  }
  if (b.kind == BackorderPolicyKind::kPreorder && !b.release_date) {
    return Error::Invalid("missing_release_date", "A pre-order product needs a release_date.",
                          "backorder.release_date");
  }
  Outcome out;
  const SkuState* existing = state_.FindSku(p.sku);
  out.created = existing == nullptr;
  if (existing && existing->product == p) return out;
  if (auto e = CheckComponents(p, existing)) return std::move(*e);
  if (existing) {
    Quantity waiting = BackorderedUnits(*existing);
    if (waiting.positive() && !b.allows_backorders()) {
      return Error::Conflict("backorders_waiting",
                             "The SKU has backordered units waiting; cancel or fill them before denying backorders.",
                             "backorder.policy")
          .With("sku", p.sku)
          .With("backordered", std::to_string(waiting.units()));
    }
    if (b.max_units && *b.max_units < waiting) {
      return Error::Conflict("cap_below_waiting", "max_units is below the units already backordered.",
                             "backorder.max_units")
          .With("sku", p.sku)
          .With("backordered", std::to_string(waiting.units()));
    }
  }
  x.Emit(ProductUpserted{p});
  return out;
}

std::optional<Error> Engine::CheckComponents(const Product& p, const SkuState* existing) const {
  if (p.components.size() > kMaxComponents) {
    return Error::Invalid("too_many_components", "A bundle has at most 50 components.", "components");
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < p.components.size(); ++i) {
    const Component& c = p.components[i];
    std::string field = Field("components", i, "sku");
    if (c.sku == p.sku) {
      return Error::Invalid("bundle_contains_itself", "A bundle cannot be a component of itself.", field)
          .With("sku", c.sku);
    }
    if (!c.quantity.positive() || c.quantity.units() > 1'000'000) {
      return Error::Invalid("invalid_quantity", "A component quantity must be a positive integer (at most 1000000).",
                            Field("components", i, "quantity"));
    }
    const SkuState* sku = state_.FindSku(c.sku);
    if (!sku) return Error::Invalid("unknown_sku", "No product with SKU '" + c.sku + "'.", field).With("sku", c.sku);
    if (sku->product.is_bundle()) {
      return Error::Conflict("nested_bundle", "'" + c.sku + "' is a bundle itself; bundles do not nest.", field)
          .With("sku", c.sku);
    }
    if (!seen.insert(c.sku).second) {
      return Error::Invalid("duplicate_sku", "SKU '" + c.sku + "' is listed twice; give it once with its quantity.",
                            field)
          .With("sku", c.sku);
    }
  }
  if (!existing || existing->product.components == p.components) return std::nullopt;
  const Product& old = existing->product;
  if (old.is_bundle()) {
    // Its lines were expanded with the old components: they must be shipped or cancelled first.
    if (HasOpenLines(*existing)) {
      return Error::Conflict("bundle_in_use",
                             "Open order lines name this bundle; ship or cancel them before changing its components.",
                             "components")
          .With("sku", p.sku);
    }
    return std::nullopt;
  }
  // A product becomes a bundle: nothing may hold stock of it, wait for it, buy it or contain it.
  auto in_use = [&](const char* what, const std::string& message) {
    return Error::Conflict("product_in_use", message, "components").With("sku", p.sku).With("in_use_by", what);
  };
  for (const auto& level : existing->levels) {
    if (!level.on_hand.zero() || !level.allocated.zero()) {
      return Error::Conflict("product_has_stock", "The product has stock; a bundle holds none of its own.",
                             "components")
          .With("sku", p.sku)
          .With("on_hand", std::to_string(existing->on_hand().units()));
    }
  }
  if (HasOpenLines(*existing)) return in_use("order_lines", "Open order lines name the product.");
  for (const auto& [id, po] : state_.purchase_orders) {
    if (po.status == PurchaseOrderStatus::kCancelled || po.status == PurchaseOrderStatus::kReceived) continue;
    if (po.FindLine(p.sku)) return in_use("purchase_orders", "An open purchase order buys the product.");
  }
  for (const auto& [code, supplier] : state_.suppliers) {
    if (supplier.terms.count(p.sku)) return in_use("supplier_terms", "Supplier '" + code + "' has terms for it.");
  }
  for (const auto& [code, sku] : state_.skus) {
    for (const Component& c : sku.product.components) {
      if (c.sku == p.sku) return in_use("bundles", "The product is a component of bundle '" + code + "'.");
    }
  }
  return std::nullopt;
}

Quantity Engine::BackorderedUnits(const SkuState& sku) const {
  if (sku.product.is_bundle()) return DeriveBundleStock(state_, sku).backordered;
  return sku.own_backordered();
}

bool Engine::HasOpenLines(const SkuState& sku) const {
  for (LineId id : sku.lines) {
    auto [order, line] = state_.FindLine(id);
    if (line && line->sku == sku.product.sku && line->remaining().positive()) return true;
    if (!order || line) continue;
    const BundleLine* bundle = order->FindBundle(id);
    if (!bundle || bundle->sku != sku.product.sku) continue;
    LineSplit split = BundleSplit(*order, *bundle);
    if ((bundle->quantity - split.shipped - split.cancelled).positive()) return true;
  }
  return false;
}

Result<Outcome> Engine::Do(const UpsertLocation& c, Execution& x) {
  if (!ValidCode(c.code)) {
    return Error::Invalid("invalid_code", "A location code is 1-64 characters of a-z 0-9 _ -.", "code");
  }
  if (!ValidText(c.name, kMaxNameLength)) {
    return Error::Invalid("invalid_name", "The name must be at most 256 characters without control characters.",
                          "name");
  }
  std::string name = c.name.empty() ? c.code : c.name;
  auto it = state_.location_by_code.find(c.code);
  LocationIndex index = it == state_.location_by_code.end() ? static_cast<LocationIndex>(state_.locations.size())
                                                            : it->second;
  Outcome out;
  out.created = it == state_.location_by_code.end();
  if (!out.created && state_.locations[index].name == name) return out;
  x.Emit(LocationUpserted{Location{index, c.code, name}});
  return out;
}

// ---------------------------------------------------------------------------------------------
// Orders

Result<Outcome> Engine::Do(const PlaceOrder& c, Execution& x) {
  if (!ValidCode(c.channel)) {
    return Error::Invalid("invalid_channel", "A channel code is 1-64 characters of a-z 0-9 _ -.", "channel");
  }
  if (c.external_id.empty() || !ValidText(c.external_id, kMaxExternalIdLength)) {
    return Error::Invalid("invalid_external_id", "external_id must be 1-128 characters without control characters.",
                          "external_id");
  }
  std::string key = ExternalKey(c.channel, c.external_id);
  if (auto it = state_.order_by_external.find(key); it != state_.order_by_external.end()) {
    Outcome same;
    same.order = it->second;
    same.created = false;
    return same;
  }
  if (c.lines.empty()) return Error::Invalid("no_lines", "An order needs at least one line.", "lines");
  if (c.lines.size() > kMaxOrderLines) {
    return Error::Invalid("too_many_lines", "An order has at most 1000 lines.", "lines");
  }
  if (!c.customer.email.empty() && !ValidEmail(c.customer.email)) {
    return Error::Invalid("invalid_email", "The customer's e-mail address is not valid.", "customer.email");
  }
  if (!ValidText(c.customer.name, kMaxNameLength)) {
    return Error::Invalid("invalid_name", "The customer's name is too long or has control characters.",
                          "customer.name");
  }
  if (!ValidLanguage(c.customer.language)) {
    return Error::Invalid("invalid_language", "The customer's language must be 'nl' or 'en'.", "customer.language");
  }

  // Plan the split per line against a scratch copy of the free stock and cap headroom per SKU.
  struct Scratch {
    const SkuState* sku;
    std::vector<Quantity> free;  // per location
    Quantity backordered;        // added by this order, on lines for the SKU itself
    Quantity requested;          // units asked of the SKU, for itself and as a component
    bool short_deny = false;
    bool short_cap = false;
    bool short_bundle = false;   // a component short for a bundle that denies backorders
  };
  std::map<std::string, Scratch> scratch;
  auto scratch_of = [&](const SkuState* sku) -> Scratch& {
    auto [it, fresh] = scratch.try_emplace(sku->product.sku);
    if (fresh) {
      it->second.sku = sku;
      for (const auto& level : sku->levels) it->second.free.push_back(Max(kNoUnits, level.free()));
    }
    return it->second;
  };
  // Takes free stock for `line` location by location; returns what is left to wait.
  auto allocate = [](Scratch& s, OrderLine& line) {
    Quantity left = line.quantity;
    for (LocationIndex loc = 0; loc < s.free.size() && left.positive(); ++loc) {
      Quantity take = Min(left, s.free[loc]);
      if (take.positive()) {
        line.allocations.push_back(Allocation{loc, take});
        s.free[loc] -= take;
        left -= take;
      }
    }
    return left;
  };
  // Bundles: waiting bundle units added by this order, per bundle SKU.
  struct BundleScratch {
    const SkuState* sku;
    Quantity backordered;
    Quantity requested;
    bool short_cap = false;
  };
  std::map<std::string, BundleScratch> bundle_scratch;
  // The promise a line would get at cumulative demand `demand` of a SKU (this order's earlier
  // lines included), as of the command's day.
  auto promise_at = [&](const SkuState& s, Quantity demand) {
    return promiser_.Walk(s, c.at.date()).At(demand.units());
  };
  // The wait counts from placed_at: a marketplace order that arrives late waited already.
  auto too_far = [&](const BackorderPolicy& policy, Date p90) {
    return policy.max_wait_days && p90.days() - c.placed_at.date().days() > *policy.max_wait_days;
  };
  auto wait_exceeded = [](const std::string& sku, const BackorderPolicy& policy, std::string field, Date p90) {
    Error e = Error::Conflict("max_wait_exceeded", "'" + sku + "' would ship later than its max_wait_days allow.",
                              std::move(field))
                  .With("sku", sku)
                  .With("p90", p90.ToString())
                  .With("max_wait_days", std::to_string(policy.max_wait_days.value_or(0)));
    if (policy.kind == BackorderPolicyKind::kPreorder && policy.release_date) {
      (void)std::move(e).With("release_date", policy.release_date->ToString());
    }
    return e;
  };
  Order order;
  order.id = state_.next_order_id;
  order.channel = c.channel;
  order.external_id = c.external_id;
  order.customer = c.customer;
  order.payment = c.payment;
  order.ship_policy = c.ship_policy;
  order.placed_at = c.placed_at;
  order.status_token = c.status_token;
  order.lines.reserve(c.lines.size());
  LineId next_line = state_.next_line_id;
  for (size_t i = 0; i < c.lines.size(); ++i) {
    const auto& in = c.lines[i];
    if (!ValidUnits(in.quantity)) {
      return Error::Invalid("invalid_quantity", "A line quantity must be a positive integer.",
                            Field("lines", i, "quantity"));
    }
    if (in.unit_price.cents() < 0 || !Money::ValidCurrency(in.unit_price.currency())) {
      return Error::Invalid("invalid_money", "unit_price must be a non-negative amount.", Field("lines", i, "unit_price"));
    }
    const SkuState* sku = state_.FindSku(in.sku);
    if (!sku) {
      return Error::Invalid("unknown_sku", "No product with SKU '" + in.sku + "'.", Field("lines", i, "sku"))
          .With("sku", in.sku);
    }
    const BackorderPolicy& policy = sku->product.backorder;
    if (sku->product.is_bundle()) {
      // A bundle line: one component line per component, each allocated from free stock like
      // any line; what is left waits in the component's queue, as the bundle's policy allows.
      BundleLine bundle{next_line++, in.sku, in.quantity, in.unit_price};
      std::optional<int64_t> whole;  // bundle units all of whose components are allocated
      for (const Component& k : sku->product.components) {
        Scratch& s = scratch_of(state_.FindSku(k.sku));
        OrderLine line;
        line.id = next_line++;
        line.sku = k.sku;
        line.quantity = in.quantity * k.quantity.units();
        if (line.quantity.units() > kMaxQuantityUnits) {
          return Error::Invalid("invalid_quantity", "The bundle line needs too many units of its components.",
                                Field("lines", i, "quantity"));
        }
        line.unit_price = Money(0, in.unit_price.currency());  // the bundle line carries the price
        line.per_bundle = static_cast<int32_t>(k.quantity.units());
        line.bundle_line = bundle.id;
        s.requested += line.quantity;
        line.backordered = allocate(s, line);
        if (line.backordered.positive() && !policy.allows_backorders()) s.short_bundle = true;
        int64_t units = line.allocated().units() / k.quantity.units();
        whole = whole ? std::min(*whole, units) : units;
        order.lines.push_back(std::move(line));
      }
      Quantity waiting = in.quantity - Quantity(whole.value_or(0));
      auto [bit, bfresh] = bundle_scratch.try_emplace(in.sku, BundleScratch{sku});
      BundleScratch& bs = bit->second;
      bs.requested += in.quantity;
      if (waiting.positive() && policy.allows_backorders()) {
        if (auto headroom = policy.Headroom(BackorderedUnits(*sku) + bs.backordered); headroom && *headroom < waiting) {
          bs.short_cap = true;
        } else if (policy.max_wait_days) {
          // A bundle unit ships when its last component does (and not before a pre-order's release).
          Date p90 = c.at.date();
          for (const Component& k : sku->product.components) {
            const SkuState* component = state_.FindSku(k.sku);
            p90 = std::max(p90, promise_at(*component, component->backordered + scratch_of(component).requested).p90);
          }
          if (policy.kind == BackorderPolicyKind::kPreorder && policy.release_date) {
            p90 = std::max(p90, promiser_.calendar().NextWorkingDay(*policy.release_date));
          }
          if (too_far(policy, p90)) return wait_exceeded(in.sku, policy, Field("lines", i, "sku"), p90);
        }
        bs.backordered += waiting;
      }
      order.bundles.push_back(std::move(bundle));
      continue;
    }
    Scratch& s = scratch_of(sku);
    s.requested += in.quantity;

    OrderLine line;
    line.id = next_line++;
    line.sku = in.sku;
    line.quantity = in.quantity;
    line.unit_price = in.unit_price;
    Quantity left = allocate(s, line);
    if (left.positive()) {
      if (!policy.allows_backorders()) {
        s.short_deny = true;
      } else if (auto headroom = policy.Headroom(sku->own_backordered() + s.backordered); headroom && *headroom < left) {
        s.short_cap = true;
      } else if (policy.max_wait_days) {
        const Promise p = promise_at(*sku, sku->backordered + s.requested);
        if (too_far(policy, p.p90)) return wait_exceeded(in.sku, policy, Field("lines", i, "sku"), p.p90);
      }
      s.backordered += left;
      line.backordered = left;
    }
    order.lines.push_back(std::move(line));
  }

  std::vector<Shortage> shortages;
  bool any_deny = false;
  for (const auto& [sku, s] : scratch) {
    if (!s.short_deny && !s.short_cap && !s.short_bundle) continue;
    any_deny |= s.short_deny || s.short_bundle;
    Quantity available = Max(kNoUnits, s.sku->free());
    if (s.short_deny || s.short_cap) {
      if (auto headroom = s.sku->product.backorder.Headroom(s.sku->own_backordered())) available += *headroom;
    }
    shortages.push_back(Shortage{sku, s.requested.units(), available.units()});
  }
  for (const auto& [sku, bs] : bundle_scratch) {
    if (!bs.short_cap) continue;
    Quantity available = DeriveBundleStock(state_, *bs.sku).available;
    if (auto headroom = bs.sku->product.backorder.Headroom(BackorderedUnits(*bs.sku))) available += *headroom;
    shortages.push_back(Shortage{sku, bs.requested.units(), available.units()});
  }
  if (!shortages.empty()) {
    Error e = any_deny ? Error::Conflict("insufficient_stock", "Not enough stock for every line of the order.")
                       : Error::Conflict("backorder_cap_reached",
                                         "The order would backorder more units than the product allows.");
    e.shortages = std::move(shortages);
    return e;
  }

  if (!state_.channels.count(c.channel)) x.Emit(ChannelCreated{c.channel, "api"});
  OrderId id = order.id;
  x.Emit(OrderPlaced{std::move(order)});
  Outcome out;
  out.order = id;
  out.created = true;
  return out;
}

Result<Outcome> Engine::Do(const SetPayment& c, Execution& x) {
  const Order* order = state_.FindOrder(c.order);
  if (!order) return Error::NotFound("unknown_order", "No open order with id " + std::to_string(c.order) + ".")
        .With("order_id", std::to_string(c.order));
  Outcome out;
  out.order = c.order;
  if (order->payment == c.payment) return out;
  if (order->payment == Payment::kRefunded) {
    return Error::Conflict("order_refunded", "The order was refunded; its payment can no longer change.", "payment");
  }
  x.Emit(PaymentChanged{c.order, c.payment});
  if (c.payment == Payment::kRefunded) {
    // A refund ends the order: whatever is not shipped is cancelled and its stock released.
    std::set<std::pair<std::string, LocationIndex>> released;
    const Order& now = *state_.FindOrder(c.order);
    std::vector<std::pair<LineId, Quantity>> todo;
    for (const auto& line : now.lines) {
      if (line.remaining().positive()) todo.emplace_back(line.id, line.remaining());
    }
    for (const auto& [line_id, qty] : todo) {
      const Order& o = *state_.FindOrder(c.order);
      const OrderLine* line = state_.FindLine(line_id).second;
      for (const auto& a : line->allocations) released.emplace(line->sku, a.location);
      CancelLine(x, o, *line, qty, "refunded");
    }
    for (const auto& [sku, loc] : released) FillQueue(x, sku, loc);
  }
  return out;
}

Result<std::map<LineId, Quantity>> Engine::SumRequest(const Order& order, const std::vector<LineQuantity>& lines,
                                                     const char* verb) const {
  std::map<LineId, Quantity> request;
  for (size_t i = 0; i < lines.size(); ++i) {
    const auto& want = lines[i];
    auto [o, line] = state_.FindLine(want.line);
    if (o != &order || (!line && !order.FindBundle(want.line))) {
      return Error::Invalid("unknown_line", "Line " + std::to_string(want.line) + " is not a line of this order.",
                            Field("lines", i, "line_id"));
    }
    if (line && line->is_component()) {
      return Error::Conflict("part_of_bundle",
                             "Line " + std::to_string(want.line) + " is a component of bundle line " +
                                 std::to_string(line->bundle_line) + "; name the bundle line.",
                             Field("lines", i, "line_id"))
          .With("line_id", std::to_string(want.line))
          .With("bundle_line_id", std::to_string(line->bundle_line));
    }
    if (!ValidUnits(want.quantity)) {
      return Error::Invalid("invalid_quantity", "A quantity must be a positive integer.", Field("lines", i, "quantity"));
    }
    request[want.line] += want.quantity;
  }
  for (const auto& [line_id, qty] : request) {
    const OrderLine* line = state_.FindLine(line_id).second;
    Quantity ordered = line ? line->quantity : order.FindBundle(line_id)->quantity;
    if (qty > ordered) {
      return Error::Invalid("exceeds_ordered", std::string("More units to ") + verb + " than the line ordered.", "lines")
          .With("line_id", std::to_string(line_id))
          .With("ordered", std::to_string(ordered.units()));
    }
  }
  return request;
}

Result<Outcome> Engine::Do(const CancelOrder& c, Execution& x) {
  const Order* order = state_.FindOrder(c.order);
  if (!order) return Error::NotFound("unknown_order", "No open order with id " + std::to_string(c.order) + ".")
        .With("order_id", std::to_string(c.order));
  if (!ValidText(c.reason, kMaxTextLength)) {
    return Error::Invalid("invalid_reason", "The reason is at most 500 characters without control characters.",
                          "reason");
  }
  // Sum the request per line, validating each entry.
  std::map<LineId, Quantity> request;
  if (c.lines.empty() && !c.waiting_only) {
    for (const auto& line : order->lines) {
      if (line.remaining().positive()) request[line.id] = line.remaining();
    }
    if (request.empty()) {
      return Error::Conflict("nothing_to_cancel", "Everything in the order has shipped or was cancelled already.");
    }
  } else {
    std::map<LineId, Quantity> asked;
    if (c.lines.empty()) {  // waiting_only: every customer line, capped below
      for (const auto& line : order->lines) {
        if (!line.is_component()) asked[line.id] = line.quantity;
      }
      for (const auto& bundle : order->bundles) asked[bundle.id] = bundle.quantity;
    } else {
      auto summed = SumRequest(*order, c.lines, "cancel");
      if (!summed.ok()) return summed.take_error();
      asked = std::move(summed.value());
    }
    for (auto [line_id, qty] : asked) {
      const OrderLine* line = state_.FindLine(line_id).second;
      const BundleLine* bundle = line ? nullptr : order->FindBundle(line_id);
      Quantity remaining;
      if (line) {
        remaining = line->remaining();
        if (c.waiting_only) qty = Min(qty, line->backordered);
      } else {
        LineSplit split = BundleSplit(*order, *bundle);
        remaining = bundle->quantity - split.shipped - split.cancelled;
        if (c.waiting_only) qty = Min(qty, split.backordered);
      }
      if (!qty.positive()) continue;
      if (qty > remaining) {
        return Error::Conflict("exceeds_remaining", "More units to cancel than are left to ship.", "lines")
            .With("line_id", std::to_string(line_id))
            .With("remaining", std::to_string(remaining.units()));
      }
      if (line) {
        request[line_id] += qty;
        continue;
      }
      // A bundle line is cancelled on every component: per_bundle units per bundle unit.
      for (const auto& component : order->lines) {
        if (component.bundle_line == line_id) request[component.id] += Min(qty * component.per_bundle, component.remaining());
      }
    }
    if (request.empty()) {  // waiting_only and nothing waits any more
      Outcome out;
      out.order = c.order;
      return out;
    }
  }
  std::set<std::pair<std::string, LocationIndex>> released;
  for (const auto& [line_id, qty] : request) {
    const Order& o = *state_.FindOrder(c.order);
    const OrderLine* line = state_.FindLine(line_id).second;
    for (const auto& a : line->allocations) released.emplace(line->sku, a.location);
    CancelLine(x, o, *line, qty, c.reason.empty() ? "cancelled" : c.reason);
  }
  for (const auto& [sku, loc] : released) FillQueue(x, sku, loc);
  Outcome out;
  out.order = c.order;
  return out;
}

void Engine::CancelLine(Execution& x, const Order& order, const OrderLine& line, Quantity quantity,
                        const std::string& reason) {
  LineCancelled e;
  e.order = order.id;
  e.line = line.id;
  e.sku = line.sku;
  e.reason = reason;
  e.from_backordered = Min(quantity, line.backordered);
  Quantity left = quantity - e.from_backordered;
  for (auto it = line.allocations.rbegin(); it != line.allocations.rend() && left.positive(); ++it) {
    Quantity take = Min(left, it->quantity);
    e.from_allocations.push_back(Allocation{it->location, take});
    left -= take;
  }
  x.Emit(std::move(e));
}

Result<Outcome> Engine::Do(const ShipOrder& c, Execution& x) {
  const Order* order = state_.FindOrder(c.order);
  if (!order) return Error::NotFound("unknown_order", "No open order with id " + std::to_string(c.order) + ".")
        .With("order_id", std::to_string(c.order));
  auto location = ResolveLocation(c.location, "location");
  if (!location.ok()) return location.take_error();
  LocationIndex loc = *location;
  if (order->ship_policy == ShipPolicy::kShipComplete) {
    for (const auto& line : order->lines) {
      if (line.backordered.positive()) {
        return Error::Conflict("ship_complete_waiting",
                               "The order ships complete and line " + std::to_string(line.id) + " is still waiting.",
                               "lines")
            .With("line_id", std::to_string(line.id))
            .With("backordered", std::to_string(line.backordered.units()));
      }
    }
  }

  std::map<LineId, Quantity> request;
  if (c.lines.empty()) {
    for (const auto& line : order->lines) {
      if (!line.is_component() && line.AllocatedAt(loc).positive()) request[line.id] = line.AllocatedAt(loc);
    }
    for (const auto& bundle : order->bundles) {  // whole bundle units allocated here
      Quantity units = BundleAllocatedAt(*order, bundle, loc);
      if (!units.positive()) continue;
      for (const auto& component : order->lines) {
        if (component.bundle_line == bundle.id) request[component.id] = units * component.per_bundle;
      }
    }
    if (request.empty()) {
      return Error::Conflict("nothing_allocated", "Nothing of this order is allocated at location '" + c.location + "'.",
                             "location");
    }
  } else {
    auto summed = SumRequest(*order, c.lines, "ship");
    if (!summed.ok()) return summed.take_error();
    for (const auto& [line_id, qty] : summed.value()) {
      const BundleLine* bundle = order->FindBundle(line_id);
      if (!bundle) {
        request[line_id] += qty;
        continue;
      }
      // Whole bundle units ship: each needs all of its components allocated here.
      Quantity units = BundleAllocatedAt(*order, *bundle, loc);
      if (qty > units) {
        return Error::Conflict("not_allocated", "Only whole bundle units whose components are all allocated can ship.",
                               "lines")
            .With("line_id", std::to_string(line_id))
            .With("sku", bundle->sku)
            .With("requested", std::to_string(qty.units()))
            .With("allocated", std::to_string(units.units()));
      }
      for (const auto& component : order->lines) {
        if (component.bundle_line == line_id) request[component.id] += qty * component.per_bundle;
      }
    }
  }
  for (const auto& [line_id, qty] : request) {
    const OrderLine* line = state_.FindLine(line_id).second;
    if (qty > line->AllocatedAt(loc)) {
      return Error::Conflict("not_allocated", "Only allocated units can ship.", "lines")
          .With("line_id", std::to_string(line_id))
          .With("sku", line->sku)
          .With("requested", std::to_string(qty.units()))
          .With("allocated", std::to_string(line->AllocatedAt(loc).units()));
    }
  }
  for (const auto& [line_id, qty] : request) {
    const OrderLine* line = state_.FindLine(line_id).second;
    std::string sku = line->sku;
    x.Emit(LineShipped{c.order, line_id, sku, loc, qty});
    StockMovement m{state_.next_movement_id, sku, loc, MovementKind::kShipment, -qty, "", "order:" + std::to_string(c.order),
                    x.at()};
    x.Emit(StockMoved{std::move(m)});
  }
  Outcome out;
  out.order = c.order;
  return out;
}

Result<Outcome> Engine::Do(const SetLinePriority& c, Execution& x) {
  auto [order, line] = state_.FindLine(c.line);
  const BundleLine* bundle = order && !line ? order->FindBundle(c.line) : nullptr;
  if (!line && !bundle) {
    return Error::NotFound("unknown_line", "No open order line with id " + std::to_string(c.line) + ".");
  }
  if (line && line->is_component()) {
    return Error::Conflict("part_of_bundle",
                           "Line " + std::to_string(c.line) + " is a component of bundle line " +
                               std::to_string(line->bundle_line) + "; set the bundle line's priority.")
        .With("line_id", std::to_string(c.line))
        .With("bundle_line_id", std::to_string(line->bundle_line));
  }
  if (c.priority < -kMaxManualPriority || c.priority > kMaxManualPriority) {
    return Error::Invalid("invalid_priority", "priority must be between -1000000 and 1000000.", "priority");
  }
  Outcome out;
  out.order = order->id;
  // A bundle line's components wait in their queues with the bundle line's priority.
  std::vector<LineId> targets;
  for (const auto& l : order->lines) {
    if ((bundle && l.bundle_line == c.line) || l.id == c.line) {
      if (l.priority != c.priority) targets.push_back(l.id);
    }
  }
  for (LineId id : targets) x.Emit(LinePrioritySet{order->id, id, c.priority});
  return out;
}

// ---------------------------------------------------------------------------------------------
// Stock

Result<Outcome> Engine::Do(const AdjustStock& c, Execution& x) {
  auto sku = ResolveStockSku(c.sku, "sku");
  if (!sku.ok()) return sku.take_error();
  auto loc = ResolveLocation(c.location, "location");
  if (!loc.ok()) return loc.take_error();
  if (c.delta.zero() || c.delta.units() > kMaxQuantityUnits || c.delta.units() < -kMaxQuantityUnits) {
    return Error::Invalid("invalid_quantity", "delta must be a non-zero integer.", "delta");
  }
  if (!ValidText(c.reason, kMaxTextLength)) {
    return Error::Invalid("invalid_reason", "The reason is at most 500 characters without control characters.",
                          "reason");
  }
  if (c.delta.positive()) {
    StockIn(x, c.sku, *loc, MovementKind::kAdjustment, c.delta, c.reason, "");
  } else {
    Quantity on_hand = (*sku)->Level(*loc).on_hand;
    if (on_hand + c.delta < kNoUnits) {
      return Error::Conflict("negative_stock", "The adjustment would take on-hand stock below zero.", "delta")
          .With("sku", c.sku)
          .With("on_hand", std::to_string(on_hand.units()));
    }
    StockOut(x, c.sku, *loc, MovementKind::kAdjustment, -c.delta, c.reason, "");
  }
  return Outcome{};
}

Result<Outcome> Engine::Do(const CountStock& c, Execution& x) {
  auto sku = ResolveStockSku(c.sku, "sku");
  if (!sku.ok()) return sku.take_error();
  auto loc = ResolveLocation(c.location, "location");
  if (!loc.ok()) return loc.take_error();
  if (c.counted.negative() || c.counted.units() > kMaxQuantityUnits) {
    return Error::Invalid("invalid_quantity", "counted must be a non-negative integer.", "counted");
  }
  if (!ValidText(c.reason, kMaxTextLength)) {
    return Error::Invalid("invalid_reason", "The reason is at most 500 characters without control characters.",
                          "reason");
  }
  Quantity delta = c.counted - (*sku)->Level(*loc).on_hand;
  if (delta.positive()) {
    StockIn(x, c.sku, *loc, MovementKind::kCount, delta, c.reason, "");
  } else if (delta.negative()) {
    StockOut(x, c.sku, *loc, MovementKind::kCount, -delta, c.reason, "");
  } else {
    // A count that confirms the shelf is still a fact worth keeping in the ledger.
    x.Emit(StockMoved{StockMovement{state_.next_movement_id, c.sku, *loc, MovementKind::kCount, kNoUnits, c.reason, "",
                                    x.at()}});
  }
  return Outcome{};
}

Result<Outcome> Engine::Do(const ReceiveStock& c, Execution& x) {
  auto sku = ResolveStockSku(c.sku, "sku");
  if (!sku.ok()) return sku.take_error();
  auto loc = ResolveLocation(c.location, "location");
  if (!loc.ok()) return loc.take_error();
  if (!ValidUnits(c.quantity)) return Error::Invalid("invalid_quantity", "quantity must be a positive integer.", "quantity");
  if (!ValidText(c.reference, kMaxTextLength)) {
    return Error::Invalid("invalid_reference", "The reference is at most 500 characters.", "reference");
  }
  StockIn(x, c.sku, *loc, MovementKind::kReceipt, c.quantity, "", c.reference);
  return Outcome{};
}

Result<Outcome> Engine::Do(const TransferStock& c, Execution& x) {
  auto sku = ResolveStockSku(c.sku, "sku");
  if (!sku.ok()) return sku.take_error();
  auto from = ResolveLocation(c.from, "from");
  if (!from.ok()) return from.take_error();
  auto to = ResolveLocation(c.to, "to");
  if (!to.ok()) return to.take_error();
  if (*from == *to) return Error::Invalid("same_location", "A transfer needs two different locations.", "to");
  if (!ValidUnits(c.quantity)) return Error::Invalid("invalid_quantity", "quantity must be a positive integer.", "quantity");
  if (!ValidText(c.reason, kMaxTextLength)) {
    return Error::Invalid("invalid_reason", "The reason is at most 500 characters without control characters.",
                          "reason");
  }
  Quantity free = (*sku)->Level(*from).free();
  if (c.quantity > free) {
    Error e = Error::Conflict("insufficient_stock", "Only free (unallocated) stock can be transferred.", "quantity");
    e.shortages.push_back(Shortage{c.sku, c.quantity.units(), Max(kNoUnits, free).units()});
    return e;
  }
  std::string reference = "transfer:" + std::to_string(state_.next_movement_id);
  StockOut(x, c.sku, *from, MovementKind::kTransfer, c.quantity, c.reason, reference);
  StockIn(x, c.sku, *to, MovementKind::kTransfer, c.quantity, c.reason, reference);
  return Outcome{};
}

void Engine::StockIn(Execution& x, const std::string& sku, LocationIndex location, MovementKind kind,
                     Quantity quantity, const std::string& reason, const std::string& reference) {
  x.Emit(StockMoved{StockMovement{state_.next_movement_id, sku, location, kind, quantity, reason, reference, x.at()}});
  FillQueue(x, sku, location);
}

void Engine::StockOut(Execution& x, const std::string& sku_code, LocationIndex location, MovementKind kind,
                      Quantity quantity, const std::string& reason, const std::string& reference) {
  const SkuState& sku = state_.skus.at(sku_code);
  StockLevel level = sku.Level(location);
  Quantity shortfall = level.allocated - (level.on_hand - quantity);
  std::set<std::pair<OrderId, LineId>> broken_bundles;  // bundle lines that lose whole units
  if (shortfall.positive()) {
    // Stock promised to orders is gone. The lowest-priority allocations here give their units up
    // first. Then, highest priority first, those units are allocated again from free stock at
    // other locations, else wait in the queue while policy and cap allow, else are cancelled
    // (so a deny product never carries a backorder).
    std::vector<std::pair<QueueKey, LineId>> holders;
    for (LineId id : sku.lines) {
      auto [order, line] = state_.FindLine(id);
      if (line && line->AllocatedAt(location).positive()) holders.emplace_back(MakeQueueKey(*rule_, *order, *line), id);
    }
    std::sort(holders.begin(), holders.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<std::pair<LineId, Quantity>> takes;  // lowest priority first
    for (const auto& [key, line_id] : holders) {
      if (!shortfall.positive()) break;
      Quantity take = Min(shortfall, state_.FindLine(line_id).second->AllocatedAt(location));
      takes.emplace_back(line_id, take);
      shortfall -= take;
    }
    std::vector<Quantity> free_elsewhere;
    for (LocationIndex other = 0; other < sku.levels.size(); ++other) {
      free_elsewhere.push_back(other == location ? kNoUnits : Max(kNoUnits, sku.levels[other].free()));
    }
    std::optional<Quantity> headroom = sku.product.backorder.Headroom(sku.own_backordered());
    // Component lines wait or are cancelled by their bundle's policy and cap, in bundle units;
    // a bundle that cannot wait loses whole bundle units (see CancelWholeBundleUnits).
    std::map<std::string, std::optional<Quantity>> bundle_headroom;
    for (auto it = takes.rbegin(); it != takes.rend(); ++it) {
      const auto [line_id, take] = *it;
      const OrderId order_id = state_.line_order.at(line_id);
      Quantity left = take;
      for (LocationIndex other = 0; other < free_elsewhere.size() && left.positive(); ++other) {
        Quantity move = Min(left, free_elsewhere[other]);
        if (!move.positive()) continue;
        x.Emit(AllocationMoved{order_id, line_id, sku_code, location, other, move});
        free_elsewhere[other] -= move;
        left -= move;
      }
      Quantity back;
      if (const OrderLine* line = state_.FindLine(line_id).second; line->is_component()) {
        const BundleLine& bundle = *state_.FindOrder(order_id)->FindBundle(line->bundle_line);
        const SkuState& bundle_sku = state_.skus.at(bundle.sku);
        auto [h, fresh] = bundle_headroom.try_emplace(bundle.sku);
        if (fresh) h->second = bundle_sku.product.backorder.Headroom(BackorderedUnits(bundle_sku));
        Quantity units((left.units() + line->per_bundle - 1) / line->per_bundle);  // at most this many start waiting
        if (!h->second || *h->second >= units) {
          back = left;
          if (h->second) *h->second -= units;
        }
        if (back < left) broken_bundles.emplace(order_id, bundle.id);
      } else {
        back = headroom ? Min(left, *headroom) : left;
        if (headroom) *headroom -= back;
      }
      if (back.positive()) x.Emit(AllocationReturned{order_id, line_id, sku_code, location, back});
      if (Quantity lost = left - back; lost.positive()) {
        LineCancelled e;
        e.order = order_id;
        e.line = line_id;
        e.sku = sku_code;
        e.from_allocations.push_back(Allocation{location, lost});
        e.reason = "stock_shortfall";
        x.Emit(std::move(e));
      }
    }
  }
  x.Emit(StockMoved{StockMovement{state_.next_movement_id, sku_code, location, kind, -quantity, reason, reference,
                                  x.at()}});
  if (!broken_bundles.empty()) {
    std::set<std::pair<std::string, LocationIndex>> released;
    for (const auto& [order, bundle] : broken_bundles) {
      CancelWholeBundleUnits(x, order, bundle, "stock_shortfall", &released);
    }
    for (const auto& [sku, loc] : released) FillQueue(x, sku, loc);
  }
}

void Engine::CancelWholeBundleUnits(Execution& x, OrderId order_id, LineId bundle_id, const std::string& reason,
                                    std::set<std::pair<std::string, LocationIndex>>* released) {
  const Order& order = *state_.FindOrder(order_id);
  int64_t units = 0;  // bundle units touched by a cancellation on any component
  for (const auto& l : order.lines) {
    if (l.bundle_line == bundle_id) units = std::max(units, (l.cancelled.units() + l.per_bundle - 1) / l.per_bundle);
  }
  std::vector<std::pair<LineId, Quantity>> todo;
  for (const auto& l : order.lines) {
    if (l.bundle_line != bundle_id) continue;
    Quantity need = Min(Quantity(units * l.per_bundle) - l.cancelled, l.remaining());
    if (need.positive()) todo.emplace_back(l.id, need);
  }
  for (const auto& [line_id, quantity] : todo) {
    const OrderLine* line = state_.FindLine(line_id).second;
    for (const auto& a : line->allocations) released->emplace(line->sku, a.location);
    CancelLine(x, *state_.FindOrder(order_id), *line, quantity, reason);
  }
}

void Engine::FillQueue(Execution& x, const std::string& sku_code, LocationIndex location) {
  while (true) {
    const SkuState& sku = state_.skus.at(sku_code);
    Quantity free = sku.Level(location).free();
    if (!free.positive() || sku.queue.empty()) return;
    const QueueKey& next = *sku.queue.begin();
    const OrderLine* line = state_.FindLine(next.line).second;
    Quantity give = Min(free, line->backordered);
    x.Emit(BackorderFilled{next.order, next.line, sku_code, location, give});
  }
}

// ---------------------------------------------------------------------------------------------
// Purchasing

Result<const PurchaseOrder*> Engine::ResolvePurchaseOrder(PurchaseOrderId id) const {
  const PurchaseOrder* po = state_.FindPurchaseOrder(id);
  if (!po) {
    return Error::NotFound("unknown_purchase_order", "No purchase order with id " + std::to_string(id) + ".")
        .With("purchase_order_id", std::to_string(id));
  }
  return po;
}

namespace {

Error InvalidTransition(const PurchaseOrder& po, const char* action) {
  return Error::Conflict("invalid_transition", std::string("A ") + std::string(ToString(po.status)) +
                                                   " purchase order cannot be " + action + ".")
      .With("purchase_order_status", std::string(ToString(po.status)));
}

}  // namespace

Result<Outcome> Engine::Do(const UpsertSupplier& c, Execution& x) {
  const Supplier& s = c.supplier;
  if (!ValidCode(s.code)) return Error::Invalid("invalid_code", "A supplier code is 1-64 characters of a-z 0-9 _ -.", "code");
  if (s.name.empty() || !ValidText(s.name, kMaxNameLength)) {
    return Error::Invalid("invalid_name", "The name must be 1-256 characters without control characters.", "name");
  }
  if (!s.email.empty() && !ValidEmail(s.email)) {
    return Error::Invalid("invalid_email", "The supplier's e-mail address is not valid.", "email");
  }
  if (s.lead_time_days < 0 || s.lead_time_days > kMaxLeadTimeDays) {
    return Error::Invalid("invalid_lead_time", "lead_time_days must be between 0 and 730.", "lead_time_days");
  }
  if (s.min_order_value && (s.min_order_value->cents() < 0 || !Money::ValidCurrency(s.min_order_value->currency()))) {
    return Error::Invalid("invalid_money", "min_order_value must be a non-negative amount.", "min_order_value");
  }
  Outcome out;
  const SupplierState* existing = state_.FindSupplier(s.code);
  out.created = existing == nullptr;
  if (existing && existing->supplier == s) return out;
  x.Emit(SupplierUpserted{s});
  return out;
}

Result<Outcome> Engine::Do(const UpsertSupplierTerms& c, Execution& x) {
  const SupplierTerms& t = c.terms;
  const SupplierState* supplier = state_.FindSupplier(t.supplier);
  if (!supplier) {
    return Error::NotFound("unknown_supplier", "No supplier with code '" + t.supplier + "'.", "supplier")
        .With("supplier", t.supplier);
  }
  auto sku = ResolveStockSku(t.sku, "sku");
  if (!sku.ok()) return sku.take_error();
  if (t.cost.cents() < 0 || !Money::ValidCurrency(t.cost.currency())) {
    return Error::Invalid("invalid_money", "cost must be a non-negative amount.", "cost");
  }
  if (!ValidUnits(t.moq)) return Error::Invalid("invalid_quantity", "moq must be a positive integer.", "moq");
  if (!ValidUnits(t.pack_size)) return Error::Invalid("invalid_quantity", "pack_size must be a positive integer.", "pack_size");
  if (t.lead_time_days && (*t.lead_time_days < 0 || *t.lead_time_days > kMaxLeadTimeDays)) {
    return Error::Invalid("invalid_lead_time", "lead_time_days must be between 0 and 730.", "lead_time_days");
  }
  Outcome out;
  auto it = supplier->terms.find(t.sku);
  out.created = it == supplier->terms.end();
  if (!out.created && it->second == t) return out;
  if (t.preferred) {
    // One preferred supplier per SKU: the others give it up, as events of their own.
    for (const auto& [code, other] : state_.suppliers) {
      if (code == t.supplier) continue;
      auto o = other.terms.find(t.sku);
      if (o != other.terms.end() && o->second.preferred) {
        SupplierTerms demoted = o->second;
        demoted.preferred = false;
        x.Emit(SupplierTermsUpserted{demoted});
      }
    }
  }
  x.Emit(SupplierTermsUpserted{t});
  return out;
}

Result<Outcome> Engine::Do(const CreatePurchaseOrder& c, Execution& x) {
  const SupplierState* supplier = state_.FindSupplier(c.supplier);
  if (!supplier) {
    return Error::NotFound("unknown_supplier", "No supplier with code '" + c.supplier + "'.", "supplier")
        .With("supplier", c.supplier);
  }
  if (c.lines.empty()) return Error::Invalid("no_lines", "A purchase order needs at least one line.", "lines");
  if (c.lines.size() > kMaxOrderLines) return Error::Invalid("too_many_lines", "A purchase order has at most 1000 lines.", "lines");
  PurchaseOrder po;
  po.id = state_.next_purchase_order_id;
  po.supplier = c.supplier;
  po.created_at = c.at;
  std::set<std::string> seen;
  for (size_t i = 0; i < c.lines.size(); ++i) {
    const auto& in = c.lines[i];
    const SkuState* sku = state_.FindSku(in.sku);
    if (!sku) {
      return Error::Invalid("unknown_sku", "No product with SKU '" + in.sku + "'.", Field("lines", i, "sku")).With("sku", in.sku);
    }
    if (sku->product.is_bundle()) return BundleHasNoStock(in.sku, Field("lines", i, "sku"));
    if (!seen.insert(in.sku).second) {
      return Error::Invalid("duplicate_sku", "SKU '" + in.sku + "' appears on two lines; use one line per SKU.",
                            Field("lines", i, "sku"));
    }
    if (!ValidUnits(in.quantity)) {
      return Error::Invalid("invalid_quantity", "A line quantity must be a positive integer.", Field("lines", i, "quantity"));
    }
    PurchaseOrderLine line;
    line.sku = in.sku;
    line.quantity = in.quantity;
    if (in.expected_date) {
      line.expected_date = *in.expected_date;
    } else {
      auto t = supplier->terms.find(in.sku);
      int32_t lead = t != supplier->terms.end() && t->second.lead_time_days ? *t->second.lead_time_days
                                                                            : supplier->supplier.lead_time_days;
      line.expected_date = c.at.date().PlusDays(lead);
      line.default_lead_days = lead;  // re-dated from the day the order is sent
    }
    line.history.push_back(ExpectedDateChange{line.expected_date, c.at, "created"});
    po.lines.push_back(std::move(line));
  }
  Outcome out;
  out.purchase_order = po.id;
  out.created = true;
  x.Emit(PurchaseOrderCreated{std::move(po)});
  return out;
}

Result<Outcome> Engine::Do(const SendPurchaseOrder& c, Execution& x) {
  auto po = ResolvePurchaseOrder(c.purchase_order);
  if (!po.ok()) return po.take_error();
  Outcome out;
  out.purchase_order = c.purchase_order;
  if ((*po)->status == PurchaseOrderStatus::kSent) return out;  // sending twice is sending once
  if ((*po)->status != PurchaseOrderStatus::kDraft) return InvalidTransition(**po, "sent");
  x.Emit(PurchaseOrderSent{c.purchase_order});
  return out;
}

Result<Outcome> Engine::ChangeDates(PurchaseOrderId id, const std::optional<Date>& all, const std::vector<SkuDate>& lines,
                                    bool confirmed, Execution& x) {
  auto po = ResolvePurchaseOrder(id);
  if (!po.ok()) return po.take_error();
  const PurchaseOrder& p = **po;
  bool open = p.status == PurchaseOrderStatus::kSent || p.status == PurchaseOrderStatus::kConfirmed ||
              p.status == PurchaseOrderStatus::kPartiallyReceived;
  if (!open) return InvalidTransition(p, confirmed ? "confirmed" : "given a new date");
  if (!all && lines.empty()) {
    return Error::Invalid("missing_field", "Give expected_date, or lines with their dates.", "expected_date");
  }
  std::map<std::string, Date> dates;
  if (all) {
    for (const auto& l : p.lines) {
      if (l.outstanding().positive()) dates[l.sku] = *all;
    }
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!p.FindLine(lines[i].sku)) {
      return Error::Conflict("not_on_purchase_order", "SKU '" + lines[i].sku + "' is not on this purchase order.",
                             Field("lines", i, "sku"))
          .With("sku", lines[i].sku);
    }
    dates[lines[i].sku] = lines[i].date;
  }
  PurchaseOrderDatesChanged e;
  e.purchase_order = id;
  e.confirmed = confirmed;
  for (const auto& [sku, date] : dates) {
    const PurchaseOrderLine* l = p.FindLine(sku);
    if (l->expected_date != date || confirmed) e.lines.push_back(LineDate{sku, date});
  }
  Outcome out;
  out.purchase_order = id;
  bool status_changes = confirmed && p.status == PurchaseOrderStatus::kSent;
  if (e.lines.empty() && !status_changes) return out;
  x.Emit(std::move(e));
  return out;
}

Result<Outcome> Engine::Do(const ConfirmPurchaseOrder& c, Execution& x) {
  return ChangeDates(c.purchase_order, c.expected_date, c.lines, /*confirmed=*/true, x);
}

Result<Outcome> Engine::Do(const MovePurchaseOrderDate& c, Execution& x) {
  return ChangeDates(c.purchase_order, c.expected_date, c.lines, /*confirmed=*/false, x);
}

Result<Outcome> Engine::Do(const ReceivePurchaseOrder& c, Execution& x) {
  auto po = ResolvePurchaseOrder(c.purchase_order);
  if (!po.ok()) return po.take_error();
  const PurchaseOrder& p = **po;
  if (!p.IsSupply()) {
    return Error::Conflict("not_receivable", "Only sent, confirmed or partly received purchase orders can be received.")
        .With("purchase_order_status", std::string(ToString(p.status)));
  }
  auto location = ResolveLocation(c.location, "location");
  if (!location.ok()) return location.take_error();
  if (c.lines.empty()) return Error::Invalid("no_lines", "A receipt needs at least one line.", "lines");
  std::map<std::string, Quantity> received;
  for (size_t i = 0; i < c.lines.size(); ++i) {
    if (!p.FindLine(c.lines[i].sku)) {
      return Error::Conflict("not_on_purchase_order",
                             "SKU '" + c.lines[i].sku + "' is not on this purchase order; book it as a receipt "
                             "without purchase order (POST /api/v1/stock/receipts) or add a line.",
                             Field("lines", i, "sku"))
          .With("sku", c.lines[i].sku);
    }
    if (!ValidUnits(c.lines[i].quantity)) {
      return Error::Invalid("invalid_quantity", "A received quantity must be a positive integer.",
                            Field("lines", i, "quantity"));
    }
    received[c.lines[i].sku] += c.lines[i].quantity;
  }
  PurchaseOrderReceived e;
  e.purchase_order = p.id;
  e.location = *location;
  Outcome out;
  out.purchase_order = p.id;
  for (const auto& [sku, q] : received) {
    Quantity over = Max(kNoUnits, q - p.FindLine(sku)->outstanding());
    e.lines.push_back(ReceivedLine{sku, q, over});
    if (over.positive()) out.over_received.push_back(SkuQuantity{sku, over});
  }
  std::vector<ReceivedLine> lines = e.lines;
  x.Emit(std::move(e));
  const std::string reference = "po:" + std::to_string(p.id);
  for (const auto& l : lines) StockIn(x, l.sku, *location, MovementKind::kReceipt, l.quantity, "", reference);
  return out;
}

Result<Outcome> Engine::Do(const CancelPurchaseOrder& c, Execution& x) {
  auto po = ResolvePurchaseOrder(c.purchase_order);
  if (!po.ok()) return po.take_error();
  if (!ValidText(c.reason, kMaxTextLength)) {
    return Error::Invalid("invalid_reason", "The reason is at most 500 characters without control characters.", "reason");
  }
  Outcome out;
  out.purchase_order = c.purchase_order;
  if ((*po)->status == PurchaseOrderStatus::kCancelled) return out;
  if ((*po)->status == PurchaseOrderStatus::kReceived) return InvalidTransition(**po, "cancelled");
  x.Emit(PurchaseOrderCancelled{c.purchase_order, c.reason});
  return out;
}

// ---------------------------------------------------------------------------------------------
// Apply

Result<Outcome> Engine::Do(const SetPromiseSettings& c, Execution& x) {
  const PromiseSettings& p = c.settings;
  if (p.threshold_working_days < 0 || p.threshold_working_days > 365) {
    return Error::Invalid("invalid_threshold", "threshold_working_days must be between 0 and 365.",
                          "threshold_working_days");
  }
  if (p.min_days_between_changes < 0 || p.min_days_between_changes > 60) {
    return Error::Invalid("invalid_min_days", "min_days_between_changes must be between 0 and 60.",
                          "min_days_between_changes");
  }
  const auto valid_handling = [](int32_t d) { return d >= 0 && d <= 60; };
  if (!valid_handling(p.handling_days)) {
    return Error::Invalid("invalid_handling_days", "handling_days must be between 0 and 60.", "handling_days");
  }
  for (const auto& [code, days] : p.location_handling) {
    if (!state_.FindLocation(code)) {
      return Error::Invalid("unknown_location", "No location with code '" + code + "'.",
                            "handling_days_by_location." + code)
          .With("location", code);
    }
    if (!valid_handling(days)) {
      return Error::Invalid("invalid_handling_days", "handling_days must be between 0 and 60.",
                            "handling_days_by_location." + code);
    }
  }
  if (p.default_lead_time_days < 0 || p.default_lead_time_days > kMaxLeadTimeDays) {
    return Error::Invalid("invalid_lead_time", "default_lead_time_days must be between 0 and 730.",
                          "default_lead_time_days");
  }
  if (p.calendar.closed_dates.size() > 1000) {
    return Error::Invalid("too_many_closed_dates", "At most 1000 closed dates.", "calendar.closed_dates");
  }
  PromiseSettings normalised = p;
  normalised.calendar = planning::Normalised(p.calendar);
  Outcome out;
  if (normalised == state_.promise_settings) return out;
  x.Emit(PromiseSettingsChanged{std::move(normalised)});
  return out;
}

void Engine::Repromise(Execution& x, const std::string& code) {
  const SkuState* sku = state_.FindSku(code);
  if (!sku || sku->queue.empty()) return;
  const int32_t threshold = state_.promise_settings.threshold_working_days;
  for (const auto& [order, line_id, promise] : promiser_.QueuePromises(*sku, x.at().date())) {
    auto it = state_.promises.find(line_id);
    if (it == state_.promises.end()) {
      x.Emit(LinePromised{order, line_id, code, promise, std::nullopt, false});
      continue;
    }
    const LinePromises& known = it->second;
    if (known.current == promise) continue;
    const int32_t moved = promiser_.calendar().WorkingDaysBetween(known.given.p90, promise.p90);
    // Drift of a lead-time estimate (nothing bought, only the day moved: a new order or the clock
    // touched the SKU) is told at most once per min_days_between_changes; news at once (a purchase
    // order, new terms or settings, a receipt, a cancellation).
    const bool drift = x.drift_only && known.given.basis == PromiseBasis::kLeadTime &&
                       promise.basis == PromiseBasis::kLeadTime;
    const bool rested =
        !drift || known.given_at.PlusDays(state_.promise_settings.min_days_between_changes) <= x.at();
    const bool notify = (moved > threshold || moved < -threshold) && rested;
    x.Emit(LinePromised{order, line_id, code, promise, notify ? known.given : known.current, notify});
  }
}

void Engine::Apply(const Event& event) {
  state_.last_seq = event.seq;
  applying_at_ = event.at;
  std::visit([this](const auto& e) { On(e); }, event.body);
}

Order& Engine::MutableOrder(OrderId id) { return state_.orders.at(id); }

OrderLine& Engine::MutableLine(Order& order, LineId line) {
  for (auto& l : order.lines) {
    if (l.id == line) return l;
  }
  throw std::logic_error("event names a line its order does not have");
}

SkuState& Engine::MutableSku(const std::string& sku) { return state_.skus.at(sku); }

StockLevel& Engine::MutableLevel(SkuState& sku, LocationIndex location) {
  if (sku.levels.size() <= location) sku.levels.resize(location + 1);
  return sku.levels[location];
}

void Engine::Enqueue(SkuState& sku, const Order& order, const OrderLine& line) {
  sku.queue.insert(MakeQueueKey(*rule_, order, line));
}

void Engine::Dequeue(SkuState& sku, const Order& order, const OrderLine& line) {
  sku.queue.erase(MakeQueueKey(*rule_, order, line));
}

void Engine::AddWaiting(SkuState& sku, const OrderLine& line, Quantity quantity) {
  sku.backordered += quantity;
  if (line.is_component()) sku.bundle_backordered += quantity;
}

void Engine::AddAllocation(OrderLine& line, LocationIndex location, Quantity quantity) {
  for (auto& a : line.allocations) {
    if (a.location == location) {
      a.quantity += quantity;
      return;
    }
  }
  line.allocations.push_back(Allocation{location, quantity});
  std::sort(line.allocations.begin(), line.allocations.end(),
            [](const Allocation& a, const Allocation& b) { return a.location < b.location; });
}

void Engine::RemoveAllocation(OrderLine& line, LocationIndex location, Quantity quantity) {
  for (auto it = line.allocations.begin(); it != line.allocations.end(); ++it) {
    if (it->location == location) {
      it->quantity -= quantity;
      if (it->quantity.zero()) line.allocations.erase(it);
      return;
    }
  }
  throw std::logic_error("event releases an allocation the line does not have");
}

void Engine::On(const ProductUpserted& e) {
  auto [it, fresh] = state_.skus.try_emplace(e.product.sku);
  it->second.product = e.product;
}

void Engine::On(const LocationUpserted& e) {
  const Location& l = e.location;
  if (l.index >= state_.locations.size()) state_.locations.resize(l.index + 1);
  state_.locations[l.index] = l;
  state_.location_by_code[l.code] = l.index;
}

void Engine::On(const ChannelCreated& e) { state_.channels[e.code] = e.kind; }

void Engine::On(const OrderPlaced& e) {
  const Order& placed = e.order;
  auto [it, fresh] = state_.orders.emplace(placed.id, placed);
  const Order& order = it->second;
  state_.order_by_external[ExternalKey(order.channel, order.external_id)] = order.id;
  state_.next_order_id = std::max(state_.next_order_id, order.id + 1);
  for (const auto& line : order.lines) {
    state_.line_order[line.id] = order.id;
    state_.next_line_id = std::max(state_.next_line_id, line.id + 1);
    SkuState& sku = MutableSku(line.sku);
    sku.lines.push_back(line.id);
    for (const auto& a : line.allocations) MutableLevel(sku, a.location).allocated += a.quantity;
    if (line.backordered.positive()) {
      AddWaiting(sku, line, line.backordered);
      Enqueue(sku, order, line);
    }
  }
  for (const auto& bundle : order.bundles) {
    state_.line_order[bundle.id] = order.id;
    state_.next_line_id = std::max(state_.next_line_id, bundle.id + 1);
    MutableSku(bundle.sku).lines.push_back(bundle.id);
  }
}

void Engine::On(const StockMoved& e) {
  const StockMovement& m = e.movement;
  MutableLevel(MutableSku(m.sku), m.location).on_hand += m.quantity;
  state_.next_movement_id = std::max(state_.next_movement_id, m.id + 1);
}

void Engine::On(const BackorderFilled& e) {
  Order& order = MutableOrder(e.order);
  OrderLine& line = MutableLine(order, e.line);
  SkuState& sku = MutableSku(e.sku);
  line.backordered -= e.quantity;
  AddWaiting(sku, line, -e.quantity);
  if (line.backordered.zero()) Dequeue(sku, order, line);
  AddAllocation(line, e.location, e.quantity);
  MutableLevel(sku, e.location).allocated += e.quantity;
}

void Engine::On(const AllocationReturned& e) {
  Order& order = MutableOrder(e.order);
  OrderLine& line = MutableLine(order, e.line);
  SkuState& sku = MutableSku(e.sku);
  RemoveAllocation(line, e.location, e.quantity);
  MutableLevel(sku, e.location).allocated -= e.quantity;
  if (line.backordered.zero()) Enqueue(sku, order, line);
  line.backordered += e.quantity;
  AddWaiting(sku, line, e.quantity);
}

void Engine::On(const AllocationMoved& e) {
  Order& order = MutableOrder(e.order);
  OrderLine& line = MutableLine(order, e.line);
  SkuState& sku = MutableSku(e.sku);
  RemoveAllocation(line, e.from, e.quantity);
  MutableLevel(sku, e.from).allocated -= e.quantity;
  AddAllocation(line, e.to, e.quantity);
  MutableLevel(sku, e.to).allocated += e.quantity;
}

void Engine::On(const LineCancelled& e) {
  Order& order = MutableOrder(e.order);
  OrderLine& line = MutableLine(order, e.line);
  SkuState& sku = MutableSku(e.sku);
  if (e.from_backordered.positive()) {
    line.backordered -= e.from_backordered;
    AddWaiting(sku, line, -e.from_backordered);
    if (line.backordered.zero()) Dequeue(sku, order, line);
    line.cancelled += e.from_backordered;
  }
  for (const auto& a : e.from_allocations) {
    RemoveAllocation(line, a.location, a.quantity);
    MutableLevel(sku, a.location).allocated -= a.quantity;
    line.cancelled += a.quantity;
  }
  if (!line.remaining().positive()) state_.promises.erase(line.id);  // nothing left to promise
}

void Engine::On(const LineShipped& e) {
  Order& order = MutableOrder(e.order);
  OrderLine& line = MutableLine(order, e.line);
  RemoveAllocation(line, e.location, e.quantity);
  MutableLevel(MutableSku(e.sku), e.location).allocated -= e.quantity;
  line.shipped += e.quantity;
  if (!line.remaining().positive()) state_.promises.erase(line.id);  // its outcome is in the store
}

void Engine::On(const PaymentChanged& e) {
  Order& order = MutableOrder(e.order);
  for (const auto& line : order.lines) {
    if (line.backordered.positive()) Dequeue(MutableSku(line.sku), order, line);
  }
  order.payment = e.payment;
  for (const auto& line : order.lines) {
    if (line.backordered.positive()) Enqueue(MutableSku(line.sku), order, line);
  }
}

void Engine::On(const LinePrioritySet& e) {
  Order& order = MutableOrder(e.order);
  OrderLine& line = MutableLine(order, e.line);
  SkuState& sku = MutableSku(line.sku);
  if (line.backordered.positive()) Dequeue(sku, order, line);
  line.priority = e.priority;
  if (line.backordered.positive()) Enqueue(sku, order, line);
}

void Engine::On(const SupplierUpserted& e) {
  state_.suppliers[e.supplier.code].supplier = e.supplier;
  promiser_.SupplierChanged(e.supplier.code);  // the prior's nominal lead time
}

void Engine::On(const LinePromised& e) {
  auto [it, fresh] = state_.promises.try_emplace(e.line);
  LinePromises& p = it->second;
  if (fresh || !e.previous) {
    p.given = p.current = e.promise;
    p.given_at = applying_at_;
    // The order is followed from its first promise: notices and their timers (engine_notices.cc).
    auto [n, first] = state_.notices.try_emplace(e.order);
    if (first) n->second.last_news = applying_at_;
    n->second.promised_by = std::max(n->second.promised_by, e.promise.p90);
    return;
  }
  p.current = e.promise;
  if (e.notify) {
    if (e.promise.p90 > p.given.p90) ++p.slips;
    p.given = e.promise;
    p.given_at = applying_at_;
  }
}

void Engine::On(const PromiseSettingsChanged& e) {
  state_.promise_settings = e.settings;
  promiser_.SettingsChanged();
}

void Engine::On(const SupplierTermsUpserted& e) { state_.suppliers[e.terms.supplier].terms[e.terms.sku] = e.terms; }

void Engine::CountIncoming(const PurchaseOrder& po, int sign) {
  for (const auto& l : po.lines) {
    SkuState& sku = MutableSku(l.sku);
    sku.incoming += l.outstanding() * sign;
    std::vector<PurchaseOrderId>& supply = state_.supply[l.sku];
    std::erase(supply, po.id);
    if (sign > 0 && l.outstanding().positive()) supply.push_back(po.id);
    if (supply.empty()) state_.supply.erase(l.sku);
  }
}

void Engine::On(const PurchaseOrderCreated& e) {
  const PurchaseOrder& po = e.purchase_order;
  state_.purchase_orders[po.id] = po;
  state_.next_purchase_order_id = std::max(state_.next_purchase_order_id, po.id + 1);
}

void Engine::On(const PurchaseOrderSent& e) {
  PurchaseOrder& po = state_.purchase_orders.at(e.purchase_order);
  po.status = PurchaseOrderStatus::kSent;
  po.sent_at = applying_at_;
  for (auto& l : po.lines) {
    // A line without a date of its own expects the lead time from today, not from the draft.
    if (l.default_lead_days) l.expected_date = applying_at_.date().PlusDays(*l.default_lead_days);
    l.promised_date = l.expected_date;
    l.history.push_back(ExpectedDateChange{l.expected_date, applying_at_, "sent"});
  }
  CountIncoming(po, +1);
}

void Engine::On(const PurchaseOrderDatesChanged& e) {
  PurchaseOrder& po = state_.purchase_orders.at(e.purchase_order);
  for (const auto& d : e.lines) {
    for (auto& l : po.lines) {
      if (l.sku != d.sku) continue;
      l.expected_date = d.date;
      // The supplier's confirmation is its promise, until goods of the line arrive.
      if (e.confirmed && l.received.zero()) l.promised_date = d.date;
      l.history.push_back(ExpectedDateChange{d.date, applying_at_, e.confirmed ? "confirmed" : "moved"});
    }
  }
  if (e.confirmed && po.status == PurchaseOrderStatus::kSent) po.status = PurchaseOrderStatus::kConfirmed;
}

namespace {

SupplierDelivery DeliveryOf(const PurchaseOrder& po, const PurchaseOrderLine& l) {
  SupplierDelivery d;
  d.ordered = po.sent_at ? std::optional<Date>(po.sent_at->date()) : std::nullopt;
  d.promised = l.promised_date.value_or(l.expected_date);
  d.confirmed = l.expected_at_arrival.value_or(l.expected_date);
  d.arrived = l.last_arrival.value_or(l.expected_date);
  d.ordered_quantity = l.quantity.units();
  d.received_quantity = Min(l.received, l.quantity).units();
  return d;
}

// Kept until the batch is durable; EvictClosedOrders trims to kDeliveriesKept afterwards, so the
// store sees every delivery it has to write.
void Remember(SupplierState& supplier, SupplierDelivery d) {
  supplier.deliveries_total++;
  supplier.deliveries.push_back(d);
}

}  // namespace

void Engine::On(const PurchaseOrderReceived& e) {
  PurchaseOrder& po = state_.purchase_orders.at(e.purchase_order);
  SupplierState& supplier = state_.suppliers[po.supplier];
  for (const auto& r : e.lines) {
    for (auto& l : po.lines) {
      if (l.sku != r.sku) continue;
      supplier.receipts++;
      l.last_arrival = applying_at_.date();
      l.expected_at_arrival = l.expected_date;
      bool was_open = l.outstanding().positive();
      MutableSku(l.sku).incoming -= Min(r.quantity, l.outstanding());
      l.received += r.quantity;
      if (was_open && !l.outstanding().positive()) {
        Remember(supplier, DeliveryOf(po, l));
        promiser_.SupplierChanged(po.supplier);
        if (auto it = state_.supply.find(l.sku); it != state_.supply.end()) {
          std::erase(it->second, po.id);
          if (it->second.empty()) state_.supply.erase(it);
        }
      }
    }
  }
  bool complete = true;
  for (const auto& l : po.lines) complete &= !l.outstanding().positive();
  po.status = complete ? PurchaseOrderStatus::kReceived : PurchaseOrderStatus::kPartiallyReceived;
}

void Engine::On(const PurchaseOrderCancelled& e) {
  PurchaseOrder& po = state_.purchase_orders.at(e.purchase_order);
  if (po.IsSupply()) CountIncoming(po, -1);
  // Lines that arrived in part are closed short: their fill counts for the supplier.
  for (const auto& l : po.lines) {
    if (l.last_arrival && l.outstanding().positive()) {
      Remember(state_.suppliers[po.supplier], DeliveryOf(po, l));
      promiser_.SupplierChanged(po.supplier);
    }
  }
  po.status = PurchaseOrderStatus::kCancelled;
}

// ---------------------------------------------------------------------------------------------
// Eviction, snapshot, queries

void Engine::EvictClosedOrders(const std::vector<OrderId>& candidates) {
  std::set<std::string> touched;
  for (OrderId id : candidates) {
    auto it = state_.orders.find(id);
    if (it == state_.orders.end() || !Closed(it->second)) continue;
    for (const auto& line : it->second.lines) {
      state_.line_order.erase(line.id);
      state_.promises.erase(line.id);
      state_.notices.erase(id);
      state_.skus.at(line.sku).evicted_lines++;
      touched.insert(line.sku);
    }
    for (const auto& bundle : it->second.bundles) {
      state_.line_order.erase(bundle.id);
      state_.skus.at(bundle.sku).evicted_lines++;
      touched.insert(bundle.sku);
    }
    state_.orders.erase(it);
  }
  for (auto& [code, supplier] : state_.suppliers) {
    auto& d = supplier.deliveries;
    if (d.size() > kDeliveriesKept) d.erase(d.begin(), d.end() - static_cast<long>(kDeliveriesKept));
  }
  // Prune a SKU's line list once half of it belongs to evicted orders: amortised O(1) per line.
  for (const auto& code : touched) {
    SkuState& sku = state_.skus.at(code);
    if (sku.evicted_lines * 2 < sku.lines.size()) continue;
    std::erase_if(sku.lines, [this](LineId id) { return !state_.line_order.count(id); });
    sku.evicted_lines = 0;
  }
}

void Engine::EvictAllClosedOrders() {
  std::vector<OrderId> closed;
  for (const auto& [id, order] : state_.orders) {
    if (Closed(order)) closed.push_back(id);
  }
  EvictClosedOrders(closed);
}

void Engine::LoadSnapshot(ShopState state) {
  state_ = std::move(state);
  state_.supply.clear();
  for (auto& [code, sku] : state_.skus) {
    sku.queue.clear();
    sku.lines.clear();
    sku.evicted_lines = 0;
    sku.backordered = kNoUnits;
    sku.bundle_backordered = kNoUnits;
    sku.incoming = kNoUnits;
  }
  for (const auto& [id, po] : state_.purchase_orders) {
    if (po.IsSupply()) CountIncoming(po, +1);
  }
  std::vector<const Order*> orders;
  orders.reserve(state_.orders.size());
  for (const auto& [id, order] : state_.orders) orders.push_back(&order);
  std::sort(orders.begin(), orders.end(), [](const Order* a, const Order* b) { return a->id < b->id; });
  for (const Order* order : orders) {
    for (const auto& line : order->lines) {
      state_.line_order[line.id] = order->id;
      SkuState& sku = MutableSku(line.sku);
      sku.lines.push_back(line.id);
      if (line.backordered.positive()) {
        AddWaiting(sku, line, line.backordered);
        Enqueue(sku, *order, line);
      }
    }
    for (const auto& bundle : order->bundles) {
      state_.line_order[bundle.id] = order->id;
      MutableSku(bundle.sku).lines.push_back(bundle.id);
    }
  }
  promiser_.SettingsChanged();
  promiser_.AllSuppliersChanged();
  promiser_.Refresh();
}

std::vector<QueueEntry> Engine::Queue(const std::string& sku_code, size_t limit) const {
  std::vector<QueueEntry> out;
  const SkuState* sku = state_.FindSku(sku_code);
  if (!sku) return out;
  int64_t position = 0;
  for (const auto& key : sku->queue) {
    if (out.size() >= limit) break;
    auto [order, line] = state_.FindLine(key.line);
    out.push_back(QueueEntry{++position, key.order, key.line, line->backordered, order->placed_at, order->payment,
                             line->priority});
    if (line->is_component()) {
      out.back().bundle_line = line->bundle_line;
      if (const BundleLine* bundle = order->FindBundle(line->bundle_line)) out.back().bundle_sku = bundle->sku;
    }
  }
  return out;
}

int64_t Engine::QueuePosition(LineId line_id) const {
  auto [order, line] = state_.FindLine(line_id);
  if (!line || !line->backordered.positive()) return 0;
  const SkuState& sku = state_.skus.at(line->sku);
  auto it = sku.queue.find(MakeQueueKey(*rule_, *order, *line));
  if (it == sku.queue.end()) return 0;
  return std::distance(sku.queue.begin(), it) + 1;
}

}  // namespace belofte::engine
