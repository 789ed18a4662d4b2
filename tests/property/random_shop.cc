#include "property/random_shop.h"

#include <algorithm>
#include <array>

namespace belofte::testing {

using namespace belofte::engine;

namespace {

const char* const kSkus[] = {"A", "B", "C", "D"};
// What orders name: the plain SKUs and two bundles, K = A + 2 C (allow or capped) and
// L = B + D (deny).
const char* const kOrderSkus[] = {"A", "B", "C", "D", "K", "L"};
const char* const kLocations[] = {"main", "winkel"};
const char* const kChannels[] = {"web", "bol", "amazon"};

Instant At(int64_t clock) { return Instant::FromSeconds(1'767'600'000 + clock); }

Product MakeProduct(const std::string& sku, int variant) {
  Product p;
  p.sku = sku;
  p.name = "Product " + sku;
  p.price = Money(1295, "EUR");
  p.cost = Money(500, "EUR");
  switch (variant % 5) {
    case 0: p.backorder.kind = BackorderPolicyKind::kDeny; break;
    case 1: p.backorder.kind = BackorderPolicyKind::kAllow; break;
    case 2:
      p.backorder.kind = BackorderPolicyKind::kAllow;
      p.backorder.max_units = Quantity(variant % 7);
      break;
    case 3:
      p.backorder.kind = BackorderPolicyKind::kPreorder;
      p.backorder.release_date = Date::FromYmd(2026, 3, 1);
      p.backorder.max_units = Quantity(5 + variant % 11);
      break;
    default:
      p.backorder.kind = BackorderPolicyKind::kAllow;
      p.backorder.max_units = Quantity(3 + variant % 13);
      // Now and then a promised wait: intake refuses lines whose P90 is too far.
      if (variant % 2) p.backorder.max_wait_days = 5 + variant % 20;
  }
  return p;
}

Product MakeBundle(const std::string& sku, int variant) {
  Product p = MakeProduct(sku, variant);
  if (sku == "K") {
    p.components = {Component{"A", Quantity(1)}, Component{"C", Quantity(2)}};
  } else {
    p.components = {Component{"B", Quantity(1)}, Component{"D", Quantity(1)}};
  }
  return p;
}

// The ids a command may name in an order: its lines, bundle lines in place of their components.
std::vector<LineId> AddressableLines(const Order& order) {
  std::vector<LineId> out;
  for (const auto& l : order.lines) {
    if (!l.is_component()) out.push_back(l.id);
  }
  for (const auto& b : order.bundles) out.push_back(b.id);
  return out;
}

// Live orders in id order, for stable picking.
std::vector<const Order*> LiveOrders(const Engine& engine) {
  std::vector<const Order*> out;
  for (const auto& [id, o] : engine.state().orders) out.push_back(&o);
  std::sort(out.begin(), out.end(), [](const Order* x, const Order* y) { return x->id < y->id; });
  return out;
}

// Notice settings, the policy timers and the customer's choices (kinds 114 and up). The timers
// let days pass (up to 9 days and a few hours), so still_waiting, max_wait, compensation and unpaid
// release all come due within a sequence.
Command InterpretNotices(const Step& s, const Order& order, int64_t& clock) {
  const int kind = s.kind;
  if (kind < 117) {
    NoticeSettings n;
    n.enabled = static_cast<uint32_t>(s.a * 7 + s.b) & 0x1FF;
    if (s.c % 3) n.enabled = 0x1FF & ~1u;  // mostly the defaults, order_confirmed off
    if (s.c % 5 == 1) n.enabled |= 1u;     // now and then every order is followed
    n.still_waiting_days = std::array{0, 1, 3, 7, 14}[static_cast<size_t>(s.b) % 5];
    n.max_wait_action = static_cast<OverdueAction>(s.c % 3);
    n.second_slip_action = static_cast<OverdueAction>(s.d % 3);
    n.unpaid_release_hours = std::array{0, 0, 24, 48}[static_cast<size_t>(s.d) % 4];
    n.compensation_after_days = s.a % 3 == 0 ? 0 : 1 + s.a % 10;
    if (n.compensation_after_days > 0 || s.b % 2) {
      if (s.a % 4 != 1) n.voucher_code = "SORRY" + std::to_string(s.a % 20);
      n.compensation_percent = s.a % 4 == 2 ? 0 : 5 + s.b % 20;
    }
    return SetNoticeSettings{n, At(clock)};
  }
  if (kind < 121) {
    clock += int64_t{s.a % 10} * 86'400 + int64_t{s.b % 24} * 3'600;
    return RunTimers{At(clock)};
  }
  if (kind < 123) return AcceptWait{order.id, At(clock)};
  return SetShipPolicy{order.id, s.a % 2 ? ShipPolicy::kShipComplete : ShipPolicy::kShipAvailable,
                       s.b % 2 ? "customer" : "shop", At(clock)};
}

}  // namespace

std::vector<Command> Opening() {
  std::vector<Command> out;
  out.push_back(UpsertLocation{"winkel", "Winkel", At(0)});
  out.push_back(UpsertProduct{MakeProduct("A", 1), At(0)});
  out.push_back(UpsertProduct{MakeProduct("B", 0), At(0)});
  out.push_back(UpsertProduct{MakeProduct("C", 2 + 5 * 4), At(0)});  // allow, max 6
  out.push_back(UpsertProduct{MakeProduct("D", 3), At(0)});
  out.push_back(UpsertProduct{MakeBundle("K", 2 + 5 * 4), At(0)});  // allow, max 6 bundle units
  out.push_back(UpsertProduct{MakeBundle("L", 0), At(0)});          // deny
  out.push_back(ReceiveStock{"A", "main", Quantity(3), "opening", At(0)});
  out.push_back(ReceiveStock{"B", "main", Quantity(6), "opening", At(0)});
  out.push_back(ReceiveStock{"B", "winkel", Quantity(2), "opening", At(0)});
  out.push_back(ReceiveStock{"C", "winkel", Quantity(2), "opening", At(0)});
  out.push_back(UpsertSupplier{Supplier{"sup", "Supplier", "", 7, std::nullopt}, At(0)});
  out.push_back(UpsertSupplier{Supplier{"alt", "Other supplier", "", 21, std::nullopt}, At(0)});
  out.push_back(UpsertSupplierTerms{SupplierTerms{"sup", "A", Money(500, "EUR"), Quantity(1), Quantity(1), 3, true}, At(0)});
  return out;
}

Command Interpret(const Step& s, const Engine& engine, int64_t& clock) {
  clock += 1 + s.d % 3600;
  const Instant now = At(clock);
  const std::string sku = kSkus[s.a % 4];
  const std::string location = kLocations[s.b % 2];
  auto orders = LiveOrders(engine);
  const Order* order = orders.empty() ? nullptr : orders[static_cast<size_t>(s.c) % orders.size()];
  const int kind = s.kind;

  if (kind < 30 || !order) {  // place an order (often enough to build queues)
    PlaceOrder o;
    o.channel = kChannels[s.b % 3];
    o.external_id = std::to_string(s.c % 40);  // collisions exercise idempotency
    // placed_at may lie before `now`: marketplace orders arrive late.
    o.placed_at = At(clock - (s.d % 5 == 0 ? s.d * 10 : 0));
    o.at = now;
    o.payment = s.d % 3 == 0 ? Payment::kUnpaid : Payment::kPaid;
    o.ship_policy = s.a % 4 == 0 ? ShipPolicy::kShipComplete : ShipPolicy::kShipAvailable;
    o.customer = Customer{"klant" + std::to_string(s.c) + "@example.nl", "Klant", s.c % 2 ? "nl" : "en"};
    int lines = 1 + s.b % 3;
    for (int i = 0; i < lines; ++i) {
      o.lines.push_back(PlaceOrder::Line{kOrderSkus[(s.a + i * 3) % 6], Quantity(1 + (s.c + i) % 4), Money(1295, "EUR")});
    }
    if (s.kind == 29) o.lines[0].quantity = Quantity(0);  // invalid: must be rejected, change nothing
    return o;
  }
  if (kind < 42) return ReceiveStock{sku, location, Quantity(1 + s.c % 6), "po", now};
  if (kind < 50) return AdjustStock{sku, location, Quantity(s.c % 2 ? 1 + s.d % 4 : -(1 + s.d % 4)), "adj", now};
  if (kind < 55) return CountStock{sku, location, Quantity(s.c % 6), "count", now};
  if (kind < 60) return TransferStock{sku, location, kLocations[(s.b + 1) % 2], Quantity(1 + s.c % 3), "move", now};
  if (kind < 68) {
    Payment p = s.b % 5 == 0 ? Payment::kRefunded : (s.b % 2 ? Payment::kPaid : Payment::kUnpaid);
    return SetPayment{order->id, p, now};
  }
  if (kind < 76) {
    CancelOrder c{order->id, {}, "random", now};
    if (s.b % 2) {
      auto ids = AddressableLines(*order);
      c.lines.push_back(LineQuantity{ids[static_cast<size_t>(s.d) % ids.size()], Quantity(1 + s.a % 3)});
    }
    return c;
  }
  if (kind < 88) {
    ShipOrder sh{order->id, location, {}, now};
    if (s.d % 2) {
      auto ids = AddressableLines(*order);
      sh.lines.push_back(LineQuantity{ids[static_cast<size_t>(s.a) % ids.size()], Quantity(1 + s.c % 3)});
    }
    return sh;
  }
  if (kind < 94) {
    auto ids = AddressableLines(*order);
    return SetLinePriority{ids[static_cast<size_t>(s.a) % ids.size()], (s.b % 7) - 3, now};
  }
  if (kind < 100) {
    // Now and then a bundle's policy or cap changes (its components stay).
    if (s.c % 5 == 0) return UpsertProduct{MakeBundle(s.c % 2 ? "K" : "L", s.b), now};
    return UpsertProduct{MakeProduct(sku, s.b), now};
  }
  if (kind >= 114) return InterpretNotices(s, *order, clock);
  // Purchasing: orders to two suppliers, sent, confirmed or moved, received (in part, in full or
  // beyond), cancelled.
  const auto& pos = engine.state().purchase_orders;
  const PurchaseOrder* po = nullptr;
  if (!pos.empty()) {
    auto it = pos.begin();
    std::advance(it, static_cast<long>(static_cast<size_t>(s.c) % pos.size()));
    po = &it->second;
  }
  if (kind < 103 || !po) {
    CreatePurchaseOrder c{s.b % 2 ? "sup" : "alt", {}, now};
    int lines = 1 + s.d % 2;
    for (int i = 0; i < lines; ++i) {
      std::optional<Date> date;
      if (s.a % 3 == 0) date = now.date().PlusDays(s.c % 20);
      c.lines.push_back(CreatePurchaseOrder::Line{kSkus[(s.a + i) % 4], Quantity(1 + (s.c + i) % 6), date});
    }
    return c;
  }
  if (kind < 105) return SendPurchaseOrder{po->id, now};
  if (kind < 106) return ConfirmPurchaseOrder{po->id, now.date().PlusDays(s.a % 15), {}, now};
  if (kind < 107) {
    const PurchaseOrderLine& l = po->lines[static_cast<size_t>(s.a) % po->lines.size()];
    return MovePurchaseOrderDate{po->id, std::nullopt, {SkuDate{l.sku, now.date().PlusDays(s.b % 30)}}, now};
  }
  if (kind < 111) {
    const PurchaseOrderLine& l = po->lines[static_cast<size_t>(s.a) % po->lines.size()];
    return ReceivePurchaseOrder{po->id, location, {SkuQuantity{l.sku, Quantity(1 + s.d % 5)}}, now};
  }
  if (kind < 112) return CancelPurchaseOrder{po->id, "random", now};
  // Promise settings: threshold, handling days, default lead time and the calendar change, so
  // every queue is re-promised under another calendar.
  PromiseSettings settings;
  settings.threshold_working_days = s.a % 4;
  settings.handling_days = s.b % 3;
  if (s.b % 4 == 1) settings.location_handling["main"] = s.c % 3;
  settings.default_lead_time_days = s.c % 30;
  settings.calendar.holidays = s.d % 2 ? planning::HolidayRegion::kNetherlands : planning::HolidayRegion::kNone;
  settings.calendar.weekends_closed = s.d % 3 != 0;
  if (s.a % 2) settings.calendar.closed_dates.push_back(now.date().PlusDays(s.a % 10));
  return SetPromiseSettings{settings, now};
}

}  // namespace belofte::testing
