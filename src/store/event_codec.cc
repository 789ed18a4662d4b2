#include "store/event_codec.h"

#include <nlohmann/json.hpp>

namespace belofte::store {

using nlohmann::json;
using namespace belofte::engine;

namespace {

json MoneyJson(const Money& m) { return json{{"amount", m.ToDecimalString()}, {"currency", m.currency()}}; }

Money MoneyFrom(const json& j) {
  return Money(Money::ParseCents(j.at("amount").get<std::string>()).value(), j.at("currency").get<std::string>());
}

json AllocationsJson(const std::vector<Allocation>& allocations) {
  json a = json::array();
  for (const auto& x : allocations) a.push_back({{"location", x.location}, {"quantity", x.quantity.units()}});
  return a;
}

std::vector<Allocation> AllocationsFrom(const json& j) {
  std::vector<Allocation> out;
  for (const auto& x : j) out.push_back(Allocation{x.at("location").get<LocationIndex>(), Quantity(x.at("quantity").get<int64_t>())});
  return out;
}

json ProductJson(const Product& p) {
  const BackorderPolicy& b = p.backorder;
  json policy{{"policy", ToString(b.kind)}};
  if (b.max_units) policy["max_units"] = b.max_units->units();
  if (b.max_wait_days) policy["max_wait_days"] = *b.max_wait_days;
  if (b.release_date) policy["release_date"] = b.release_date->ToString();
  return json{{"sku", p.sku}, {"name", p.name}, {"price", MoneyJson(p.price)}, {"cost", MoneyJson(p.cost)},
              {"backorder", policy}};
}

Product ProductFrom(const json& j) {
  Product p;
  p.sku = j.at("sku").get<std::string>();
  p.name = j.at("name").get<std::string>();
  p.price = MoneyFrom(j.at("price"));
  p.cost = MoneyFrom(j.at("cost"));
  const json& b = j.at("backorder");
  p.backorder.kind = ParseBackorderPolicyKind(b.at("policy").get<std::string>()).value();
  if (b.contains("max_units")) p.backorder.max_units = Quantity(b.at("max_units").get<int64_t>());
  if (b.contains("max_wait_days")) p.backorder.max_wait_days = b.at("max_wait_days").get<int32_t>();
  if (b.contains("release_date")) p.backorder.release_date = Date::Parse(b.at("release_date").get<std::string>()).value();
  return p;
}

json OrderJson(const Order& o) {
  json lines = json::array();
  for (const auto& l : o.lines) {
    lines.push_back({{"line_id", l.id},
                     {"sku", l.sku},
                     {"quantity", l.quantity.units()},
                     {"unit_price", MoneyJson(l.unit_price)},
                     {"allocations", AllocationsJson(l.allocations)},
                     {"backordered", l.backordered.units()},
                     {"shipped", l.shipped.units()},
                     {"cancelled", l.cancelled.units()},
                     {"priority", l.priority}});
  }
  return json{{"order_id", o.id},
              {"channel", o.channel},
              {"external_id", o.external_id},
              {"customer", {{"email", o.customer.email}, {"name", o.customer.name}, {"language", o.customer.language}}},
              {"payment", ToString(o.payment)},
              {"ship_policy", ToString(o.ship_policy)},
              {"placed_at", o.placed_at.ToString()},
              {"status_token", o.status_token},
              {"lines", lines}};
}

Order OrderFrom(const json& j) {
  Order o;
  o.id = j.at("order_id").get<OrderId>();
  o.channel = j.at("channel").get<std::string>();
  o.external_id = j.at("external_id").get<std::string>();
  const json& c = j.at("customer");
  o.customer = Customer{c.at("email").get<std::string>(), c.at("name").get<std::string>(),
                        c.at("language").get<std::string>()};
  o.payment = ParsePayment(j.at("payment").get<std::string>()).value();
  o.ship_policy = ParseShipPolicy(j.at("ship_policy").get<std::string>()).value();
  o.placed_at = Instant::Parse(j.at("placed_at").get<std::string>()).value();
  o.status_token = j.value("status_token", "");
  for (const auto& l : j.at("lines")) {
    OrderLine line;
    line.id = l.at("line_id").get<LineId>();
    line.sku = l.at("sku").get<std::string>();
    line.quantity = Quantity(l.at("quantity").get<int64_t>());
    line.unit_price = MoneyFrom(l.at("unit_price"));
    line.allocations = AllocationsFrom(l.at("allocations"));
    line.backordered = Quantity(l.at("backordered").get<int64_t>());
    line.shipped = Quantity(l.at("shipped").get<int64_t>());
    line.cancelled = Quantity(l.at("cancelled").get<int64_t>());
    line.priority = l.at("priority").get<int32_t>();
    o.lines.push_back(std::move(line));
  }
  return o;
}

struct Encoder {
  json operator()(const ProductUpserted& e) const { return ProductJson(e.product); }
  json operator()(const LocationUpserted& e) const {
    return json{{"index", e.location.index}, {"code", e.location.code}, {"name", e.location.name}};
  }
  json operator()(const ChannelCreated& e) const { return json{{"code", e.code}, {"kind", e.kind}}; }
  json operator()(const OrderPlaced& e) const { return OrderJson(e.order); }
  json operator()(const StockMoved& e) const {
    const StockMovement& m = e.movement;
    return json{{"movement_id", m.id}, {"sku", m.sku},           {"location", m.location},
                {"kind", ToString(m.kind)}, {"quantity", m.quantity.units()}, {"reason", m.reason},
                {"reference", m.reference}, {"at", m.at.ToString()}};
  }
  json operator()(const BackorderFilled& e) const {
    return json{{"order_id", e.order}, {"line_id", e.line}, {"sku", e.sku}, {"location", e.location},
                {"quantity", e.quantity.units()}};
  }
  json operator()(const AllocationReturned& e) const {
    return json{{"order_id", e.order}, {"line_id", e.line}, {"sku", e.sku}, {"location", e.location},
                {"quantity", e.quantity.units()}};
  }
  json operator()(const AllocationMoved& e) const {
    return json{{"order_id", e.order}, {"line_id", e.line}, {"sku", e.sku}, {"from", e.from}, {"to", e.to},
                {"quantity", e.quantity.units()}};
  }
  json operator()(const LineCancelled& e) const {
    return json{{"order_id", e.order},
                {"line_id", e.line},
                {"sku", e.sku},
                {"from_backordered", e.from_backordered.units()},
                {"from_allocations", AllocationsJson(e.from_allocations)},
                {"reason", e.reason}};
  }
  json operator()(const LineShipped& e) const {
    return json{{"order_id", e.order}, {"line_id", e.line}, {"sku", e.sku}, {"location", e.location},
                {"quantity", e.quantity.units()}};
  }
  json operator()(const PaymentChanged& e) const {
    return json{{"order_id", e.order}, {"payment", ToString(e.payment)}};
  }
  json operator()(const LinePrioritySet& e) const {
    return json{{"order_id", e.order}, {"line_id", e.line}, {"priority", e.priority}};
  }
};

EventBody DecodeOrThrow(std::string_view type, const json& j) {
  if (type == "product_upserted") return ProductUpserted{ProductFrom(j)};
  if (type == "location_upserted") {
    return LocationUpserted{
        Location{j.at("index").get<LocationIndex>(), j.at("code").get<std::string>(), j.at("name").get<std::string>()}};
  }
  if (type == "channel_created") return ChannelCreated{j.at("code").get<std::string>(), j.at("kind").get<std::string>()};
  if (type == "order_placed") return OrderPlaced{OrderFrom(j)};
  if (type == "stock_moved") {
    StockMovement m;
    m.id = j.at("movement_id").get<uint64_t>();
    m.sku = j.at("sku").get<std::string>();
    m.location = j.at("location").get<LocationIndex>();
    m.kind = ParseMovementKind(j.at("kind").get<std::string>()).value();
    m.quantity = Quantity(j.at("quantity").get<int64_t>());
    m.reason = j.at("reason").get<std::string>();
    m.reference = j.at("reference").get<std::string>();
    m.at = Instant::Parse(j.at("at").get<std::string>()).value();
    return StockMoved{m};
  }
  auto q = [&j](const char* k) { return Quantity(j.at(k).get<int64_t>()); };
  if (type == "backorder_filled") {
    return BackorderFilled{j.at("order_id").get<OrderId>(), j.at("line_id").get<LineId>(), j.at("sku").get<std::string>(),
                           j.at("location").get<LocationIndex>(), q("quantity")};
  }
  if (type == "allocation_returned") {
    return AllocationReturned{j.at("order_id").get<OrderId>(), j.at("line_id").get<LineId>(),
                              j.at("sku").get<std::string>(), j.at("location").get<LocationIndex>(), q("quantity")};
  }
  if (type == "allocation_moved") {
    return AllocationMoved{j.at("order_id").get<OrderId>(), j.at("line_id").get<LineId>(), j.at("sku").get<std::string>(),
                           j.at("from").get<LocationIndex>(), j.at("to").get<LocationIndex>(), q("quantity")};
  }
  if (type == "line_cancelled") {
    return LineCancelled{j.at("order_id").get<OrderId>(),       j.at("line_id").get<LineId>(),
                         j.at("sku").get<std::string>(),        q("from_backordered"),
                         AllocationsFrom(j.at("from_allocations")), j.at("reason").get<std::string>()};
  }
  if (type == "line_shipped") {
    return LineShipped{j.at("order_id").get<OrderId>(), j.at("line_id").get<LineId>(), j.at("sku").get<std::string>(),
                       j.at("location").get<LocationIndex>(), q("quantity")};
  }
  if (type == "payment_changed") {
    return PaymentChanged{j.at("order_id").get<OrderId>(), ParsePayment(j.at("payment").get<std::string>()).value()};
  }
  if (type == "line_priority_set") {
    return LinePrioritySet{j.at("order_id").get<OrderId>(), j.at("line_id").get<LineId>(), j.at("priority").get<int32_t>()};
  }
  throw std::invalid_argument("unknown event type");
}

}  // namespace

std::string EncodeEventPayload(const EventBody& body) { return std::visit(Encoder{}, body).dump(); }

Result<EventBody> DecodeEventPayload(std::string_view type, std::string_view payload) {
  json j = json::parse(payload, nullptr, false);
  if (j.is_discarded()) return Error::Internal("event payload is not JSON (type " + std::string(type) + ")");
  try {
    return DecodeOrThrow(type, j);
  } catch (const std::exception& e) {
    return Error::Internal("cannot decode event of type " + std::string(type) + ": " + e.what());
  }
}

}  // namespace belofte::store
