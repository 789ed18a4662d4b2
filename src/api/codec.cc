#include "api/codec.h"

#include <date/tz.h>

#include "app/notice_settings_json.h"

#include "api/json_reader.h"
#include "planning/reliability.h"

namespace belofte::api {

namespace {

// Runs `read` over the parsed body with a strict reader; returns the first error.
template <typename T>
Result<T> Read(std::string_view body, const std::function<T(JsonReader&)>& read) {
  auto parsed = ParseBody(body);
  if (!parsed.ok()) return parsed.take_error();
  std::optional<Error> error;
  JsonReader r(*parsed, "", &error);
  T value = read(r);
  r.Finish();
  if (error) return std::move(*error);
  return value;
}

std::string Id(uint64_t id) { return std::to_string(id); }

const std::string& LocationCode(const engine::ShopState& state, LocationIndex i) {
  static const std::string kUnknown = "?";
  return i < state.locations.size() ? state.locations[i].code : kUnknown;
}

std::vector<engine::LineQuantity> ReadLines(JsonReader& r) {
  std::vector<engine::LineQuantity> lines;
  r.Array("lines", [&](JsonReader& item, size_t) {
    auto id_text = item.String("line_id", true, 32);
    auto quantity = item.PositiveQuantity("quantity", true);
    if (item.failed()) return;
    auto id = ParseId(*id_text);
    lines.push_back(engine::LineQuantity{id.value_or(0), Quantity(*quantity)});
  });
  return lines;
}

}  // namespace

std::optional<uint64_t> ParseId(std::string_view text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v == 0 ? std::nullopt : std::optional<uint64_t>(v);
}

Result<engine::UpsertProduct> ParseProduct(const std::string& sku, std::string_view body, const ParseContext& ctx) {
  return Read<engine::UpsertProduct>(body, [&](JsonReader& r) {
    engine::UpsertProduct c;
    Product& p = c.product;
    p.sku = sku;
    p.name = r.String("name", true, 256).value_or("");
    std::string currency = r.String("currency", false, 3).value_or("EUR");
    if (!r.failed() && !Money::ValidCurrency(currency)) {
      r.Invalid("currency", "invalid_currency", "'currency' must be an ISO 4217 code such as \"EUR\".");
    }
    p.price = Money(r.MoneyCents("price", true).value_or(0), currency);
    p.cost = Money(r.MoneyCents("cost").value_or(0), currency);
    r.Object("backorder", [&](JsonReader& b) {
      auto policy = b.Enum("policy", {"deny", "allow", "preorder"});
      if (policy) p.backorder.kind = *ParseBackorderPolicyKind(*policy);
      if (auto v = b.Int("max_units")) p.backorder.max_units = Quantity(*v);
      if (auto v = b.Int("max_wait_days")) p.backorder.max_wait_days = static_cast<int32_t>(std::clamp<int64_t>(*v, -1, 100000));
      p.backorder.release_date = b.DateField("release_date");
    });
    // A bundle: the engine checks the components exist, are no bundles, are distinct (docs/bundles.md).
    r.Array("components", [&](JsonReader& item, size_t) {
      auto component_sku = item.String("sku", true, 64);
      auto quantity = item.PositiveQuantity("quantity", true);
      if (item.failed()) return;
      p.components.push_back(Component{*component_sku, Quantity(*quantity)});
    });
    c.at = r.InstantField("at").value_or(ctx.now);
    return c;
  });
}

Result<engine::UpsertLocation> ParseLocation(const std::string& code, std::string_view body, const ParseContext& ctx) {
  return Read<engine::UpsertLocation>(body, [&](JsonReader& r) {
    engine::UpsertLocation c;
    c.code = code;
    c.name = r.String("name", false, 256).value_or("");
    c.at = r.InstantField("at").value_or(ctx.now);
    return c;
  });
}

Result<engine::AdjustStock> ParseAdjustment(std::string_view body, const ParseContext& ctx) {
  return Read<engine::AdjustStock>(body, [&](JsonReader& r) {
    engine::AdjustStock c;
    c.sku = r.String("sku", true, 64).value_or("");
    c.location = r.String("location", false, 64).value_or(kMainLocation);
    c.delta = Quantity(r.Int("delta", true).value_or(0));
    c.reason = r.String("reason").value_or("");
    c.at = r.InstantField("at").value_or(ctx.now);
    return c;
  });
}

Result<engine::CountStock> ParseCount(std::string_view body, const ParseContext& ctx) {
  return Read<engine::CountStock>(body, [&](JsonReader& r) {
    engine::CountStock c;
    c.sku = r.String("sku", true, 64).value_or("");
    c.location = r.String("location", false, 64).value_or(kMainLocation);
    c.counted = Quantity(r.Int("counted", true).value_or(0));
    c.reason = r.String("reason").value_or("");
    c.at = r.InstantField("at").value_or(ctx.now);
    return c;
  });
}

Result<engine::ReceiveStock> ParseReceipt(std::string_view body, const ParseContext& ctx) {
  return Read<engine::ReceiveStock>(body, [&](JsonReader& r) {
    engine::ReceiveStock c;
    c.sku = r.String("sku", true, 64).value_or("");
    c.location = r.String("location", false, 64).value_or(kMainLocation);
    c.quantity = Quantity(r.PositiveQuantity("quantity", true).value_or(0));
    c.reference = r.String("reference").value_or("");
    c.at = r.InstantField("at").value_or(ctx.now);
    return c;
  });
}

Result<engine::PlaceOrder> ParseOrder(std::string_view body, const ParseContext& ctx) {
  return Read<engine::PlaceOrder>(body, [&](JsonReader& r) {
    engine::PlaceOrder c;
    c.channel = r.String("channel", true, 64).value_or("");
    c.external_id = r.String("external_id", true, 128).value_or("");
    c.at = r.InstantField("at").value_or(ctx.now);
    c.placed_at = r.InstantField("placed_at").value_or(c.at);
    r.Object("customer", [&](JsonReader& cust) {
      c.customer.email = cust.String("email", false, 254).value_or("");
      c.customer.name = cust.String("name", false, 256).value_or("");
      c.customer.language = cust.String("language", false, 8).value_or("nl");  // the engine says invalid_language
    });
    c.payment = belofte::ParsePayment(r.Enum("payment", {"paid", "unpaid"}).value_or("unpaid")).value_or(Payment::kUnpaid);
    c.ship_policy = ParseShipPolicy(r.Enum("ship_policy", {"ship_available", "ship_complete"}).value_or("ship_available"))
                        .value_or(ShipPolicy::kShipAvailable);
    std::string currency = r.String("currency", false, 3).value_or("");
    r.Array(
        "lines",
        [&](JsonReader& item, size_t) {
          engine::PlaceOrder::Line line;
          line.sku = item.String("sku", true, 64).value_or("");
          line.quantity = Quantity(item.PositiveQuantity("quantity", true).value_or(0));
          auto cents = item.MoneyCents("unit_price");
          std::optional<Money> list_price = ctx.price ? ctx.price(line.sku) : std::nullopt;
          std::string line_currency = !currency.empty() ? currency : list_price ? list_price->currency() : "EUR";
          line.unit_price = cents ? Money(*cents, line_currency) : list_price.value_or(Money(0, line_currency));
          c.lines.push_back(std::move(line));
        },
        true);
    return c;
  });
}

Result<engine::SetPayment> ParsePayment(OrderId order, std::string_view body, const ParseContext& ctx) {
  return Read<engine::SetPayment>(body, [&](JsonReader& r) {
    engine::SetPayment c;
    c.order = order;
    c.payment = belofte::ParsePayment(r.Enum("payment", {"paid", "unpaid", "refunded"}, true).value_or("paid"))
                    .value_or(Payment::kPaid);
    c.at = r.InstantField("at").value_or(ctx.now);
    return c;
  });
}

Result<engine::CancelOrder> ParseCancel(OrderId order, std::string_view body, const ParseContext& ctx) {
  return Read<engine::CancelOrder>(body.empty() ? std::string_view("{}") : body, [&](JsonReader& r) {
    engine::CancelOrder c;
    c.order = order;
    c.lines = ReadLines(r);
    c.reason = r.String("reason").value_or("");
    c.at = r.InstantField("at").value_or(ctx.now);
    return c;
  });
}

Result<engine::ShipOrder> ParseShipment(OrderId order, std::string_view body, const ParseContext& ctx) {
  return Read<engine::ShipOrder>(body.empty() ? std::string_view("{}") : body, [&](JsonReader& r) {
    engine::ShipOrder c;
    c.order = order;
    c.location = r.String("location", false, 64).value_or(kMainLocation);
    c.lines = ReadLines(r);
    c.at = r.InstantField("at").value_or(ctx.now);
    return c;
  });
}

Result<engine::SetLinePriority> ParsePriority(LineId line, std::string_view body, const ParseContext& ctx) {
  return Read<engine::SetLinePriority>(body, [&](JsonReader& r) {
    engine::SetLinePriority c;
    c.line = line;
    int64_t p = r.Int("priority", true).value_or(0);
    c.priority = static_cast<int32_t>(std::clamp<int64_t>(p, INT32_MIN, INT32_MAX));
    c.at = r.InstantField("at").value_or(ctx.now);
    return c;
  });
}

Result<engine::UpsertSupplier> ParseSupplier(const std::string& code, std::string_view body, const ParseContext& ctx) {
  return Read<engine::UpsertSupplier>(body, [&](JsonReader& r) {
    engine::UpsertSupplier c;
    c.supplier.code = code;
    c.supplier.name = r.String("name", true, 256).value_or("");
    c.supplier.email = r.String("email", false, 254).value_or("");
    c.supplier.lead_time_days = static_cast<int32_t>(std::clamp<int64_t>(r.Int("lead_time_days").value_or(14), -1, 100000));
    std::string currency = r.String("currency", false, 3).value_or("EUR");
    if (auto cents = r.MoneyCents("min_order_value")) c.supplier.min_order_value = Money(*cents, currency);
    c.at = r.InstantField("at").value_or(ctx.now);
    return c;
  });
}

Result<engine::UpsertSupplierTerms> ParseSupplierTerms(const std::string& supplier, const std::string& sku,
                                                       std::string_view body, const ParseContext& ctx) {
  return Read<engine::UpsertSupplierTerms>(body, [&](JsonReader& r) {
    engine::UpsertSupplierTerms c;
    SupplierTerms& t = c.terms;
    t.supplier = supplier;
    t.sku = sku;
    std::string currency = r.String("currency", false, 3).value_or("EUR");
    t.cost = Money(r.MoneyCents("cost", true).value_or(0), currency);
    t.moq = Quantity(r.Int("moq").value_or(1));
    t.pack_size = Quantity(r.Int("pack_size").value_or(1));
    if (auto lead = r.Int("lead_time_days")) t.lead_time_days = static_cast<int32_t>(std::clamp<int64_t>(*lead, -1, 100000));
    t.preferred = r.Bool("preferred").value_or(false);
    c.at = r.InstantField("at").value_or(ctx.now);
    return c;
  });
}

Result<engine::CreatePurchaseOrder> ParsePurchaseOrder(std::string_view body, const ParseContext& ctx) {
  return Read<engine::CreatePurchaseOrder>(body, [&](JsonReader& r) {
    engine::CreatePurchaseOrder c;
    c.supplier = r.String("supplier", true, 64).value_or("");
    r.Array(
        "lines",
        [&](JsonReader& item, size_t) {
          engine::CreatePurchaseOrder::Line line;
          line.sku = item.String("sku", true, 64).value_or("");
          line.quantity = Quantity(item.PositiveQuantity("quantity", true).value_or(0));
          line.expected_date = item.DateField("expected_date");
          c.lines.push_back(std::move(line));
        },
        true);
    c.at = r.InstantField("at").value_or(ctx.now);
    return c;
  });
}

Result<engine::SendPurchaseOrder> ParseSend(PurchaseOrderId id, std::string_view body, const ParseContext& ctx) {
  return Read<engine::SendPurchaseOrder>(body.empty() ? std::string_view("{}") : body, [&](JsonReader& r) {
    return engine::SendPurchaseOrder{id, r.InstantField("at").value_or(ctx.now)};
  });
}

namespace {

struct DateChange {
  std::optional<Date> all;
  std::vector<engine::SkuDate> lines;
  Instant at;
};

Result<DateChange> ParseDateChange(std::string_view body, const ParseContext& ctx) {
  return Read<DateChange>(body, [&](JsonReader& r) {
    DateChange d;
    d.all = r.DateField("expected_date");
    r.Array("lines", [&](JsonReader& item, size_t) {
      engine::SkuDate line;
      line.sku = item.String("sku", true, 64).value_or("");
      line.date = item.DateField("expected_date", true).value_or(Date());
      d.lines.push_back(std::move(line));
    });
    if (!d.all && d.lines.empty() && !r.failed()) {
      r.Invalid("expected_date", "missing_field", "Give expected_date, or lines with their expected_date.");
    }
    d.at = r.InstantField("at").value_or(ctx.now);
    return d;
  });
}

}  // namespace

Result<engine::ConfirmPurchaseOrder> ParseConfirm(PurchaseOrderId id, std::string_view body, const ParseContext& ctx) {
  auto d = ParseDateChange(body, ctx);
  if (!d.ok()) return d.take_error();
  return engine::ConfirmPurchaseOrder{id, d->all, std::move(d->lines), d->at};
}

Result<engine::MovePurchaseOrderDate> ParseMove(PurchaseOrderId id, std::string_view body, const ParseContext& ctx) {
  auto d = ParseDateChange(body, ctx);
  if (!d.ok()) return d.take_error();
  return engine::MovePurchaseOrderDate{id, d->all, std::move(d->lines), d->at};
}

Result<engine::ReceivePurchaseOrder> ParsePurchaseReceipt(PurchaseOrderId id, std::string_view body,
                                                          const ParseContext& ctx) {
  return Read<engine::ReceivePurchaseOrder>(body, [&](JsonReader& r) {
    engine::ReceivePurchaseOrder c;
    c.purchase_order = id;
    c.location = r.String("location", false, 64).value_or(kMainLocation);
    r.Array(
        "lines",
        [&](JsonReader& item, size_t) {
          engine::SkuQuantity line;
          line.sku = item.String("sku", true, 64).value_or("");
          line.quantity = Quantity(item.PositiveQuantity("quantity", true).value_or(0));
          c.lines.push_back(std::move(line));
        },
        true);
    c.at = r.InstantField("at").value_or(ctx.now);
    return c;
  });
}

Result<engine::CancelPurchaseOrder> ParsePurchaseCancel(PurchaseOrderId id, std::string_view body,
                                                        const ParseContext& ctx) {
  return Read<engine::CancelPurchaseOrder>(body.empty() ? std::string_view("{}") : body, [&](JsonReader& r) {
    engine::CancelPurchaseOrder c;
    c.purchase_order = id;
    c.reason = r.String("reason").value_or("");
    c.at = r.InstantField("at").value_or(ctx.now);
    return c;
  });
}

namespace {

// A bundle's stock: derived from its components in whole bundle units (docs/bundles.md).
json BundleStockJson(const engine::SkuState& sku, const engine::ShopState& state) {
  engine::BundleStock stock = engine::DeriveBundleStock(state, sku);
  json by_location = json::array();
  for (LocationIndex i = 0; i < state.locations.size(); ++i) {
    std::optional<int64_t> on_hand, available;
    for (const Component& c : sku.product.components) {
      const engine::SkuState* component = state.FindSku(c.sku);
      const engine::StockLevel level = component ? component->Level(i) : engine::StockLevel{};
      int64_t h = std::max<int64_t>(0, level.on_hand.units()) / c.quantity.units();
      int64_t a = std::max<int64_t>(0, level.free().units()) / c.quantity.units();
      on_hand = on_hand ? std::min(*on_hand, h) : h;
      available = available ? std::min(*available, a) : a;
    }
    by_location.push_back({{"location", LocationCode(state, i)},
                           {"on_hand", on_hand.value_or(0)},
                           {"allocated", 0},
                           {"available", available.value_or(0)}});
  }
  return json{{"on_hand", stock.on_hand.units()},
              {"allocated", stock.allocated.units()},
              {"available", stock.available.units()},
              {"backordered", stock.backordered.units()},
              {"incoming", stock.incoming.units()},
              {"derived", true},
              {"by_location", by_location}};
}

}  // namespace

json StockJson(const engine::SkuState& sku, const engine::ShopState& state) {
  if (sku.product.is_bundle()) return BundleStockJson(sku, state);
  json by_location = json::array();  // every location of the shop, zeros included
  for (LocationIndex i = 0; i < state.locations.size(); ++i) {
    const engine::StockLevel level = sku.Level(i);
    by_location.push_back({{"location", LocationCode(state, i)},
                           {"on_hand", level.on_hand.units()},
                           {"allocated", level.allocated.units()},
                           {"available", level.free().units()}});
  }
  return json{{"on_hand", sku.on_hand().units()},
              {"allocated", sku.allocated().units()},
              {"available", sku.free().units()},
              {"backordered", sku.backordered.units()},
              {"incoming", sku.incoming.units()},
              {"by_location", by_location}};
}

namespace {

json ComponentsJson(const Product& p) {
  json out = json::array();
  for (const Component& c : p.components) out.push_back({{"sku", c.sku}, {"quantity", c.quantity.units()}});
  return out;
}

}  // namespace

json ProductJson(const engine::SkuState& sku, const engine::ShopState& state) {
  const Product& p = sku.product;
  const BackorderPolicy& b = p.backorder;
  return json{{"sku", p.sku},
              {"name", p.name},
              {"price", p.price.ToDecimalString()},
              {"cost", p.cost.ToDecimalString()},
              {"currency", p.price.currency()},
              {"backorder",
               {{"policy", ToString(b.kind)},
                {"max_units", b.max_units ? json(b.max_units->units()) : json(nullptr)},
                {"max_wait_days", b.max_wait_days ? json(*b.max_wait_days) : json(nullptr)},
                {"release_date", b.release_date ? json(b.release_date->ToString()) : json(nullptr)}}},
              {"components", ComponentsJson(p)},
              {"stock", StockJson(sku, state)}};
}

json LocationJson(const Location& location) { return json{{"code", location.code}, {"name", location.name}}; }

json MovementJson(const StockMovement& m, const engine::ShopState& state) {
  return json{{"id", Id(m.id)},          {"sku", m.sku},           {"location", LocationCode(state, m.location)},
              {"kind", ToString(m.kind)}, {"quantity", m.quantity.units()}, {"reason", m.reason},
              {"reference", m.reference}, {"at", m.at.ToString()}};
}

json FillsJson(const std::vector<engine::Fill>& fills) {
  json out = json::array();
  for (const auto& f : fills) {
    out.push_back({{"order_id", Id(f.order)}, {"line_id", Id(f.line)}, {"sku", f.sku}, {"quantity", f.quantity.units()}});
  }
  return out;
}

json IdsJson(const std::vector<OrderId>& ids) {
  json out = json::array();
  for (OrderId id : ids) out.push_back(Id(id));
  return out;
}

namespace {

json BundlePromiseJson(const Order& o, const BundleLine& bundle, const engine::ShopState& state) {
  auto p = engine::BundlePromise(state, o, bundle);
  return p ? PromiseJson(*p) : json(nullptr);
}

}  // namespace

json OrderJson(const Order& o, const engine::Engine* engine, const engine::ShopState& state,
               const std::string& public_url) {
  json lines = json::array();
  for (const auto& l : o.lines) {
    if (l.is_component()) {
      // A bundle line is listed once, where its first component line is, with its components.
      const BundleLine* bundle = o.FindBundle(l.bundle_line);
      if (!bundle || (lines.size() && lines.back()["line_id"] == Id(bundle->id))) continue;
      LineSplit split = BundleSplit(o, *bundle);
      json components = json::array();
      for (const auto& c : o.lines) {
        if (c.bundle_line != bundle->id) continue;
        int64_t position = engine && c.backordered.positive() ? engine->QueuePosition(c.id) : 0;
        components.push_back({{"line_id", Id(c.id)},
                              {"sku", c.sku},
                              {"quantity", c.quantity.units()},
                              {"per_bundle", c.per_bundle},
                              {"allocated", c.allocated().units()},
                              {"backordered", c.backordered.units()},
                              {"shipped", c.shipped.units()},
                              {"cancelled", c.cancelled.units()},
                              {"queue_position", position > 0 ? json(position) : json(nullptr)},
                              {"promise", LinePromiseJson(c.id, state)}});
      }
      lines.push_back({{"line_id", Id(bundle->id)},
                       {"sku", bundle->sku},
                       {"quantity", bundle->quantity.units()},
                       {"unit_price", bundle->unit_price.ToDecimalString()},
                       {"currency", bundle->unit_price.currency()},
                       {"allocated", split.allocated.units()},
                       {"backordered", split.backordered.units()},
                       {"shipped", split.shipped.units()},
                       {"cancelled", split.cancelled.units()},
                       {"allocations", json::array()},
                       {"queue_position", nullptr},
                       {"priority", l.priority},
                       {"promise", BundlePromiseJson(o, *bundle, state)},
                       {"components", components}});
      continue;
    }
    json allocations = json::array();
    for (const auto& a : l.allocations) {
      allocations.push_back({{"location", LocationCode(state, a.location)}, {"quantity", a.quantity.units()}});
    }
    int64_t position = engine && l.backordered.positive() ? engine->QueuePosition(l.id) : 0;
    lines.push_back({{"line_id", Id(l.id)},
                     {"sku", l.sku},
                     {"quantity", l.quantity.units()},
                     {"unit_price", l.unit_price.ToDecimalString()},
                     {"currency", l.unit_price.currency()},
                     {"allocated", l.allocated().units()},
                     {"backordered", l.backordered.units()},
                     {"shipped", l.shipped.units()},
                     {"cancelled", l.cancelled.units()},
                     {"allocations", allocations},
                     {"queue_position", position > 0 ? json(position) : json(nullptr)},
                     {"priority", l.priority},
                     {"promise", LinePromiseJson(l.id, state)}});
  }
  return json{{"id", Id(o.id)},
              {"channel", o.channel},
              {"external_id", o.external_id},
              {"status", ToString(DeriveStatus(o))},
              {"payment", ToString(o.payment)},
              {"ship_policy", ToString(o.ship_policy)},
              {"placed_at", o.placed_at.ToString()},
              {"status_url", o.status_token.empty() ? json(nullptr) : json(public_url + "/status/" + o.status_token)},
              {"customer", {{"email", o.customer.email}, {"name", o.customer.name}, {"language", o.customer.language}}},
              {"lines", lines}};
}

json SupplierTermsJson(const SupplierTerms& t) {
  return json{{"supplier", t.supplier},
              {"sku", t.sku},
              {"cost", t.cost.ToDecimalString()},
              {"currency", t.cost.currency()},
              {"moq", t.moq.units()},
              {"pack_size", t.pack_size.units()},
              {"lead_time_days", t.lead_time_days ? json(*t.lead_time_days) : json(nullptr)},
              {"preferred", t.preferred}};
}

json SupplierJson(const engine::SupplierState& s, bool with_terms) {
  const Supplier& sup = s.supplier;
  json j{{"code", sup.code},
         {"name", sup.name},
         {"email", sup.email},
         {"lead_time_days", sup.lead_time_days},
         {"min_order_value", sup.min_order_value ? json(sup.min_order_value->ToDecimalString()) : json(nullptr)}};
  if (with_terms) {
    json terms = json::array();
    for (const auto& [sku, t] : s.terms) terms.push_back(SupplierTermsJson(t));
    j["products"] = terms;
  }
  return j;
}

json PurchaseOrderJson(const PurchaseOrder& po) {
  json lines = json::array();
  for (const auto& l : po.lines) {
    json history = json::array();
    for (const auto& h : l.history) {
      history.push_back({{"expected_date", h.date.ToString()}, {"known_at", h.known_at.ToString()}, {"reason", h.reason}});
    }
    lines.push_back({{"sku", l.sku},
                     {"quantity", l.quantity.units()},
                     {"received", l.received.units()},
                     {"outstanding", l.outstanding().units()},
                     {"expected_date", l.expected_date.ToString()},
                     {"promised_date", l.promised_date ? json(l.promised_date->ToString()) : json(nullptr)},
                     {"history", history}});
  }
  return json{{"id", Id(po.id)},
              {"supplier", po.supplier},
              {"status", ToString(po.status)},
              {"created_at", po.created_at.ToString()},
              {"sent_at", po.sent_at ? json(po.sent_at->ToString()) : json(nullptr)},
              {"lines", lines}};
}

json ReliabilityJson(const engine::SupplierState& s) {
  planning::Reliability r = engine::EstimateSupplier(s);
  return json{{"supplier", s.supplier.code},
              {"receipts", s.receipts},
              {"lines_observed", r.receipts},
              {"on_time_rate", r.on_time_rate},
              {"fill_rate", r.fill_rate},
              {"delay_days", {{"p50", r.delay_p50}, {"p90", r.delay_p90}, {"mean", r.delay_mean}}},
              {"delay_vs_confirmed_days", {{"p50", r.delay_vs_confirmed_p50}, {"p90", r.delay_vs_confirmed_p90}}},
              {"lead_time_days", {{"p50", r.lead_time_p50}, {"p90", r.lead_time_p90}}}};
}

json BackorderJson(const engine::QueueEntry& e, const std::string& sku, const engine::ShopState& state) {
  return json{{"position", e.position},
              {"order_id", Id(e.order)},
              {"line_id", Id(e.line)},
              {"sku", sku},
              {"quantity", e.quantity.units()},
              {"waiting_since", e.waiting_since.ToString()},
              {"payment", ToString(e.payment)},
              {"priority", e.priority},
              {"bundle_sku", e.bundle_line ? json(e.bundle_sku) : json(nullptr)},
              {"bundle_line_id", e.bundle_line ? json(Id(e.bundle_line)) : json(nullptr)},
              {"promise", LinePromiseJson(e.line, state)}};
}

json PromiseJson(const Promise& p) {
  return json{{"p50", p.p50.ToString()},
              {"p90", p.p90.ToString()},
              {"basis", ToString(p.basis)},
              {"purchase_order_id", p.basis == PromiseBasis::kPurchaseOrder ? json(Id(p.purchase_order)) : json(nullptr)}};
}


json LinePromiseJson(LineId line, const engine::ShopState& state) {
  const engine::LinePromises* p = engine::WaitingPromises(state, line);
  if (!p) return nullptr;
  json out = PromiseJson(p->current);
  out["told"] = {{"p50", p->given.p50.ToString()}, {"p90", p->given.p90.ToString()}, {"at", p->given_at.ToString()}};
  return out;
}

json AvailabilityJson(const std::string& sku, const engine::SkuState& s, const engine::Availability& a) {
  return json{{"sku", sku},
              {"orderable", a.orderable},
              {"reason", a.reason.empty() ? json(nullptr) : json(a.reason)},
              {"in_stock", a.in_stock},
              {"available", a.available.units()},
              {"backordered", s.backordered.units()},
              {"policy", ToString(s.product.backorder.kind)},
              {"ships", a.ships ? PromiseJson(*a.ships) : json(nullptr)}};
}

json PromiseSettingsJson(const engine::PromiseSettings& p) {
  json by_location = json::array();
  for (const auto& [code, days] : p.location_handling) by_location.push_back({{"location", code}, {"days", days}});
  json closed = json::array();
  for (Date d : p.calendar.closed_dates) closed.push_back(d.ToString());
  return json{{"threshold_working_days", p.threshold_working_days},
              {"min_days_between_changes", p.min_days_between_changes},
              {"handling_days", p.handling_days},
              {"handling_days_by_location", by_location},
              {"default_lead_time_days", p.default_lead_time_days},
              {"calendar",
               {{"weekends_closed", p.calendar.weekends_closed},
                {"holidays", planning::ToString(p.calendar.holidays)},
                {"closed_dates", closed}}}};
}

Result<engine::SetPromiseSettings> ParsePromiseSettings(std::string_view body, const engine::PromiseSettings& current,
                                                        const ParseContext& ctx) {
  return Read<engine::SetPromiseSettings>(body, [&](JsonReader& r) {
    engine::SetPromiseSettings c;
    engine::PromiseSettings& p = c.settings;
    p = current;  // a field left out keeps its value
    const auto days = [](int64_t v) { return static_cast<int32_t>(std::clamp<int64_t>(v, -1, 100000)); };
    if (auto v = r.Int("threshold_working_days")) p.threshold_working_days = days(*v);
    if (auto v = r.Int("min_days_between_changes")) p.min_days_between_changes = days(*v);
    if (auto v = r.Int("handling_days")) p.handling_days = days(*v);
    if (auto v = r.Int("default_lead_time_days")) p.default_lead_time_days = days(*v);
    if (r.Has("handling_days_by_location")) {
      p.location_handling.clear();
      r.Array("handling_days_by_location", [&](JsonReader& item, size_t) {
        std::string code = item.String("location", true, 64).value_or("");
        int64_t d = item.Int("days", true).value_or(0);
        p.location_handling[code] = days(d);
      });
    }
    r.Object("calendar", [&](JsonReader& cal) {
      if (auto v = cal.Bool("weekends_closed")) p.calendar.weekends_closed = *v;
      if (auto v = cal.Enum("holidays", {"nl", "none"})) planning::ParseHolidayRegion(*v, &p.calendar.holidays);
      if (auto v = cal.DateArray("closed_dates")) p.calendar.closed_dates = *v;
    });
    c.at = r.InstantField("at").value_or(ctx.now);
    return c;
  });
}

Result<engine::SetNoticeSettings> ParseNoticeSettings(std::string_view body, const engine::NoticeSettings& current,
                                                      const ParseContext& ctx) {
  return Read<engine::SetNoticeSettings>(body, [&](JsonReader& r) {
    engine::SetNoticeSettings c;
    engine::NoticeSettings& s = c.settings;
    s = current;  // a field left out keeps its value
    const auto clamp = [](int64_t v) { return static_cast<int32_t>(std::clamp<int64_t>(v, -1, 1'000'000)); };
    if (auto kinds = r.EnumArray("enabled", {"order_confirmed", "backordered", "promise_changed", "ready", "shipped",
                                             "still_waiting", "cancel_offer", "cancelled", "compensation"})) {
      s.enabled = 0;
      for (const auto& k : *kinds) s.Set(*engine::ParseNoticeKind(k), true);
    }
    if (auto v = r.Int("still_waiting_days")) s.still_waiting_days = clamp(*v);
    if (auto v = r.Enum("max_wait_action", {"none", "offer", "cancel"})) s.max_wait_action = *engine::ParseOverdueAction(*v);
    if (auto v = r.Enum("second_slip_action", {"none", "offer", "cancel"})) {
      s.second_slip_action = *engine::ParseOverdueAction(*v);
    }
    if (auto v = r.Int("unpaid_release_hours")) s.unpaid_release_hours = clamp(*v);
    r.Object("compensation", [&](JsonReader& comp) {
      if (auto v = comp.Int("after_days")) s.compensation_after_days = clamp(*v);
      if (auto v = comp.String("voucher_code", false, 64)) s.voucher_code = *v;
      if (auto v = comp.Int("percent")) s.compensation_percent = clamp(*v);
    });
    r.Object("quiet_hours", [&](JsonReader& q) {
      if (auto v = q.Bool("enabled")) s.quiet_hours = *v;
      const auto minute = [&](const char* name, int32_t* out) {
        if (auto v = q.String(name, false, 5)) {
          if (auto m = app::ParseMinuteOfDay(*v)) {
            *out = *m;
          } else {
            q.Invalid(name, "invalid_time", std::string("'") + name + "' must be a time HH:MM (24-hour clock).");
          }
        }
      };
      minute("start", &s.quiet_start_minute);
      minute("end", &s.quiet_end_minute);
      if (auto v = q.String("time_zone", false, 64)) {
        if (!ValidTimeZone(*v)) {
          q.Invalid("time_zone", "invalid_time_zone", "'time_zone' must be an IANA time zone such as Europe/Amsterdam.");
        } else {
          s.time_zone = *v;
        }
      }
    });
    r.Object("self_service", [&](JsonReader& ss) {
      if (auto v = ss.Bool("cancel")) s.self_cancel = *v;
      if (auto v = ss.Bool("ship_available")) s.self_ship_available = *v;
      if (auto v = ss.Bool("keep_waiting")) s.self_keep_waiting = *v;
    });
    c.at = r.InstantField("at").value_or(ctx.now);
    return c;
  });
}

Result<engine::SetShipPolicy> ParseShipPolicyChange(OrderId order, std::string_view body, const ParseContext& ctx) {
  return Read<engine::SetShipPolicy>(body, [&](JsonReader& r) {
    engine::SetShipPolicy c;
    c.order = order;
    c.by = "shop";
    if (auto v = r.Enum("ship_policy", {"ship_available", "ship_complete"}, true)) c.ship_policy = *ParseShipPolicy(*v);
    c.at = r.InstantField("at").value_or(ctx.now);
    return c;
  });
}

Result<engine::RunTimers> ParseRunTimers(std::string_view body, const ParseContext& ctx) {
  return Read<engine::RunTimers>(body.empty() ? std::string_view("{}") : body, [&](JsonReader& r) {
    return engine::RunTimers{r.InstantField("at").value_or(ctx.now)};
  });
}

bool ValidTimeZone(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  try {
    return date::locate_zone(name) != nullptr;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace belofte::api
