#include "store/event_codec.h"

#include "app/notice_settings_json.h"

#include <charconv>

#include <nlohmann/json.hpp>

namespace belofte::store {

using nlohmann::json;
using namespace belofte::engine;

namespace {

// Compact JSON into a string, as nlohmann's dump() writes it: no whitespace, strings escaped
// per RFC 8259 (", \, and control characters; \b \f \n \r \t by name, the rest as \u00xx), other
// bytes of valid UTF-8 passed through. Keys are written in the order given: the encoders below
// give them in byte order, as nlohmann's std::map-backed objects hold them, so a payload is
// byte-identical to what the json DOM produced before (event_codec_test checks this).
class JsonWriter {
 public:
  explicit JsonWriter(std::string* out) : out_(*out) {}

  JsonWriter& BeginObject() { return Open('{'); }
  JsonWriter& EndObject() { return Close('}'); }
  JsonWriter& BeginArray() { return Open('['); }
  JsonWriter& EndArray() { return Close(']'); }

  // REQUIRES: `key` needs no escaping (the encoders' own ASCII field names).
  JsonWriter& Key(std::string_view key) {
    Separate();
    out_ += '"';
    out_ += key;
    out_ += "\":";
    first_ = true;  // the value that follows takes no comma
    return *this;
  }

  JsonWriter& String(std::string_view value) {
    Separate();
    out_ += '"';
    AppendEscaped(value);
    out_ += '"';
    return *this;
  }

  JsonWriter& Int(int64_t value) { return Number(value); }
  JsonWriter& Uint(uint64_t value) { return Number(value); }
  // A value already written as JSON.
  JsonWriter& Raw(std::string_view json) {
    Separate();
    out_ += json;
    return *this;
  }
  JsonWriter& Null() {
    Separate();
    out_ += "null";
    return *this;
  }
  JsonWriter& Bool(bool value) {
    Separate();
    out_ += value ? "true" : "false";
    return *this;
  }

  // A decimal amount of minor units, as Money::ToDecimalString writes it ("-12.05").
  JsonWriter& Amount(int64_t cents) {
    Separate();
    out_ += '"';
    uint64_t v = cents < 0 ? 0 - static_cast<uint64_t>(cents) : static_cast<uint64_t>(cents);
    if (cents < 0) out_ += '-';
    AppendDecimal(v / 100);
    out_ += '.';
    out_ += static_cast<char>('0' + v % 100 / 10);
    out_ += static_cast<char>('0' + v % 10);
    out_ += '"';
    return *this;
  }

 private:
  JsonWriter& Open(char bracket) {
    Separate();
    out_ += bracket;
    first_ = true;
    return *this;
  }
  JsonWriter& Close(char bracket) {
    out_ += bracket;
    first_ = false;
    return *this;
  }
  void Separate() {
    if (!first_) out_ += ',';
    first_ = false;
  }
  template <typename T>
  JsonWriter& Number(T value) {
    Separate();
    AppendDecimal(value);
    return *this;
  }
  template <typename T>
  void AppendDecimal(T value) {
    char buf[24];
    auto end = std::to_chars(buf, buf + sizeof buf, value).ptr;
    out_.append(buf, end);
  }

  // Length of the well-formed UTF-8 sequence (RFC 3629: no overlongs, no surrogates, at most
  // U+10FFFF) of two to four bytes at s[i], or 0.
  static size_t Utf8Length(std::string_view s, size_t i) {
    const auto byte = [&s](size_t k) { return static_cast<unsigned char>(s[k]); };
    const auto cont = [&](size_t k, unsigned lo = 0x80, unsigned hi = 0xBF) {
      return k < s.size() && byte(k) >= lo && byte(k) <= hi;
    };
    const unsigned b = byte(i);
    if (b >= 0xC2 && b <= 0xDF) return cont(i + 1) ? 2 : 0;
    if (b >= 0xE0 && b <= 0xEF) {
      const unsigned lo = b == 0xE0 ? 0xA0 : 0x80, hi = b == 0xED ? 0x9F : 0xBF;
      return cont(i + 1, lo, hi) && cont(i + 2) ? 3 : 0;
    }
    if (b >= 0xF0 && b <= 0xF4) {
      const unsigned lo = b == 0xF0 ? 0x90 : 0x80, hi = b == 0xF4 ? 0x8F : 0xBF;
      return cont(i + 1, lo, hi) && cont(i + 2) && cont(i + 3) ? 4 : 0;
    }
    return 0;
  }

  // Appends `s` escaped. A byte that does not start well-formed UTF-8 becomes U+FFFD, so the
  // payload is always valid JSON (the adapters hand in UTF-8; nlohmann would have thrown).
  void AppendEscaped(std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    size_t run = 0;  // start of the bytes not yet appended that need no escaping
    for (size_t i = 0; i < s.size();) {
      const auto b = static_cast<unsigned char>(s[i]);
      if (b >= 0x20 && b != '"' && b != '\\' && b < 0x80) {
        ++i;
        continue;
      }
      if (b >= 0x80) {
        if (size_t n = Utf8Length(s, i)) {
          i += n;
          continue;
        }
      }
      out_.append(s.data() + run, i - run);
      switch (b) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\b': out_ += "\\b"; break;
        case '\f': out_ += "\\f"; break;
        case '\n': out_ += "\\n"; break;
        case '\r': out_ += "\\r"; break;
        case '\t': out_ += "\\t"; break;
        default:
          if (b < 0x20) {
            const char escape[] = {'\\', 'u', '0', '0', kHex[b >> 4], kHex[b & 0xF]};
            out_.append(escape, sizeof escape);
          } else {
            out_ += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
          }
      }
      run = ++i;
    }
    out_.append(s.data() + run, s.size() - run);
  }

  std::string& out_;
  bool first_ = true;
};

void WriteMoney(JsonWriter& w, const Money& m) {
  w.BeginObject().Key("amount").Amount(m.cents()).Key("currency").String(m.currency()).EndObject();
}

void WriteAllocations(JsonWriter& w, const std::vector<Allocation>& allocations) {
  w.BeginArray();
  for (const auto& a : allocations) {
    w.BeginObject().Key("location").Uint(a.location).Key("quantity").Int(a.quantity.units()).EndObject();
  }
  w.EndArray();
}

// Writes each event's payload; every object's keys in byte order (see JsonWriter).


struct Encoder {
  JsonWriter& w;

  void operator()(const ProductUpserted& e) const {
    const Product& p = e.product;
    const BackorderPolicy& b = p.backorder;
    w.BeginObject().Key("backorder").BeginObject();
    if (b.max_units) w.Key("max_units").Int(b.max_units->units());
    if (b.max_wait_days) w.Key("max_wait_days").Int(*b.max_wait_days);
    w.Key("policy").String(ToString(b.kind));
    if (b.release_date) w.Key("release_date").String(b.release_date->ToString());
    w.EndObject();
    if (p.is_bundle()) {  // only bundles carry the key, so other payloads are as before
      w.Key("components").BeginArray();
      for (const auto& c : p.components) {
        w.BeginObject().Key("quantity").Int(c.quantity.units()).Key("sku").String(c.sku).EndObject();
      }
      w.EndArray();
    }
    w.Key("cost");
    WriteMoney(w, p.cost);
    w.Key("name").String(p.name).Key("price");
    WriteMoney(w, p.price);
    w.Key("sku").String(p.sku).EndObject();
  }
  void operator()(const LocationUpserted& e) const {
    const Location& l = e.location;
    w.BeginObject().Key("code").String(l.code).Key("index").Uint(l.index).Key("name").String(l.name).EndObject();
  }
  void operator()(const ChannelCreated& e) const {
    w.BeginObject().Key("code").String(e.code).Key("kind").String(e.kind).EndObject();
  }
  void operator()(const OrderPlaced& e) const {
    const Order& o = e.order;
    w.BeginObject();
    if (!o.bundles.empty()) {
      w.Key("bundles").BeginArray();
      for (const auto& b : o.bundles) {
        w.BeginObject().Key("line_id").Uint(b.id).Key("quantity").Int(b.quantity.units()).Key("sku").String(b.sku);
        w.Key("unit_price");
        WriteMoney(w, b.unit_price);
        w.EndObject();
      }
      w.EndArray();
    }
    w.Key("channel").String(o.channel);
    w.Key("customer").BeginObject();
    w.Key("email").String(o.customer.email).Key("language").String(o.customer.language);
    w.Key("name").String(o.customer.name).EndObject();
    w.Key("external_id").String(o.external_id).Key("lines").BeginArray();
    for (const auto& l : o.lines) {
      w.BeginObject().Key("allocations");
      WriteAllocations(w, l.allocations);
      w.Key("backordered").Int(l.backordered.units());
      if (l.is_component()) w.Key("bundle_line").Uint(l.bundle_line);
      w.Key("cancelled").Int(l.cancelled.units()).Key("line_id").Uint(l.id);
      if (l.is_component()) w.Key("per_bundle").Int(l.per_bundle);
      w.Key("priority").Int(l.priority).Key("quantity").Int(l.quantity.units());
      w.Key("shipped").Int(l.shipped.units()).Key("sku").String(l.sku).Key("unit_price");
      WriteMoney(w, l.unit_price);
      w.EndObject();
    }
    w.EndArray().Key("order_id").Uint(o.id).Key("payment").String(ToString(o.payment));
    w.Key("placed_at").String(o.placed_at.ToString()).Key("ship_policy").String(ToString(o.ship_policy));
    w.Key("status_token").String(o.status_token).EndObject();
  }
  void operator()(const StockMoved& e) const {
    const StockMovement& m = e.movement;
    w.BeginObject().Key("at").String(m.at.ToString()).Key("kind").String(ToString(m.kind));
    w.Key("location").Uint(m.location).Key("movement_id").Uint(m.id).Key("quantity").Int(m.quantity.units());
    w.Key("reason").String(m.reason).Key("reference").String(m.reference).Key("sku").String(m.sku).EndObject();
  }
  // BackorderFilled, AllocationReturned and LineShipped carry the same fields.
  void LineAtLocation(OrderId order, LineId line, const std::string& sku, LocationIndex location,
                      Quantity quantity) const {
    w.BeginObject().Key("line_id").Uint(line).Key("location").Uint(location).Key("order_id").Uint(order);
    w.Key("quantity").Int(quantity.units()).Key("sku").String(sku).EndObject();
  }
  void operator()(const BackorderFilled& e) const { LineAtLocation(e.order, e.line, e.sku, e.location, e.quantity); }
  void operator()(const AllocationReturned& e) const {
    LineAtLocation(e.order, e.line, e.sku, e.location, e.quantity);
  }
  void operator()(const LineShipped& e) const { LineAtLocation(e.order, e.line, e.sku, e.location, e.quantity); }
  void operator()(const AllocationMoved& e) const {
    w.BeginObject().Key("from").Uint(e.from).Key("line_id").Uint(e.line).Key("order_id").Uint(e.order);
    w.Key("quantity").Int(e.quantity.units()).Key("sku").String(e.sku).Key("to").Uint(e.to).EndObject();
  }
  void operator()(const LineCancelled& e) const {
    w.BeginObject().Key("from_allocations");
    WriteAllocations(w, e.from_allocations);
    w.Key("from_backordered").Int(e.from_backordered.units()).Key("line_id").Uint(e.line);
    w.Key("order_id").Uint(e.order).Key("reason").String(e.reason).Key("sku").String(e.sku).EndObject();
  }
  void operator()(const PaymentChanged& e) const {
    w.BeginObject().Key("order_id").Uint(e.order).Key("payment").String(ToString(e.payment)).EndObject();
  }
  void operator()(const LinePrioritySet& e) const {
    w.BeginObject().Key("line_id").Uint(e.line).Key("order_id").Uint(e.order).Key("priority").Int(e.priority);
    w.EndObject();
  }
  void operator()(const SupplierUpserted& e) const {
    const Supplier& s = e.supplier;
    w.BeginObject().Key("code").String(s.code).Key("email").String(s.email).Key("lead_time_days").Int(s.lead_time_days);
    if (s.min_order_value) {
      w.Key("min_order_value");
      WriteMoney(w, *s.min_order_value);
    }
    w.Key("name").String(s.name).EndObject();
  }
  void operator()(const SupplierTermsUpserted& e) const {
    const SupplierTerms& t = e.terms;
    w.BeginObject().Key("cost");
    WriteMoney(w, t.cost);
    if (t.lead_time_days) w.Key("lead_time_days").Int(*t.lead_time_days);
    w.Key("moq").Int(t.moq.units()).Key("pack_size").Int(t.pack_size.units()).Key("preferred").Bool(t.preferred);
    w.Key("sku").String(t.sku).Key("supplier").String(t.supplier).EndObject();
  }
  void operator()(const PurchaseOrderCreated& e) const {
    const PurchaseOrder& po = e.purchase_order;
    w.BeginObject().Key("created_at").String(po.created_at.ToString()).Key("lines").BeginArray();
    for (const auto& l : po.lines) {
      w.BeginObject();
      if (l.default_lead_days) w.Key("default_lead_days").Int(*l.default_lead_days);
      w.Key("expected_date").String(l.expected_date.ToString());
      w.Key("quantity").Int(l.quantity.units()).Key("sku").String(l.sku).EndObject();
    }
    w.EndArray().Key("purchase_order_id").Uint(po.id).Key("supplier").String(po.supplier).EndObject();
  }
  void operator()(const PurchaseOrderSent& e) const {
    w.BeginObject().Key("purchase_order_id").Uint(e.purchase_order).EndObject();
  }
  void operator()(const PurchaseOrderDatesChanged& e) const {
    w.BeginObject().Key("confirmed").Bool(e.confirmed).Key("lines").BeginArray();
    for (const auto& l : e.lines) w.BeginObject().Key("date").String(l.date.ToString()).Key("sku").String(l.sku).EndObject();
    w.EndArray().Key("purchase_order_id").Uint(e.purchase_order).EndObject();
  }
  void operator()(const PurchaseOrderReceived& e) const {
    w.BeginObject().Key("lines").BeginArray();
    for (const auto& l : e.lines) {
      w.BeginObject().Key("over_received").Int(l.over_received.units()).Key("quantity").Int(l.quantity.units());
      w.Key("sku").String(l.sku).EndObject();
    }
    w.EndArray().Key("location").Uint(e.location).Key("purchase_order_id").Uint(e.purchase_order).EndObject();
  }
  void operator()(const PurchaseOrderCancelled& e) const {
    w.BeginObject().Key("purchase_order_id").Uint(e.purchase_order).Key("reason").String(e.reason).EndObject();
  }
  void WritePromise(const Promise& p) const {
    w.BeginObject().Key("basis").String(ToString(p.basis)).Key("p50").String(p.p50.ToString());
    w.Key("p90").String(p.p90.ToString()).Key("purchase_order_id").Uint(p.purchase_order).EndObject();
  }
  void operator()(const LinePromised& e) const {
    w.BeginObject().Key("line_id").Uint(e.line).Key("notify").Bool(e.notify).Key("order_id").Uint(e.order);
    if (e.previous) {
      w.Key("previous");
      WritePromise(*e.previous);
    }
    w.Key("promise");
    WritePromise(e.promise);
    w.Key("sku").String(e.sku).EndObject();
  }
  void operator()(const NoticeQueued& e) const {
    w.BeginObject().Key("channel").String(e.channel).Key("external_id").String(e.external_id);
    w.Key("kind").String(ToString(e.kind)).Key("language").String(e.language).Key("lines").BeginArray();
    for (const auto& l : e.lines) {
      w.BeginObject().Key("line_id").Uint(l.line).Key("name").String(l.name).Key("ordered").Int(l.ordered.units());
      w.Key("previous_p90");
      if (l.previous_p90) {
        w.String(l.previous_p90->ToString());
      } else {
        w.Null();
      }
      w.Key("promise");
      if (l.promise) {
        WritePromise(*l.promise);
      } else {
        w.Null();
      }
      w.Key("quantity").Int(l.quantity.units()).Key("sku").String(l.sku).EndObject();
    }
    w.EndArray().Key("name").String(e.name).Key("order_id").Uint(e.order).Key("partial").Bool(e.partial);
    w.Key("percent").Int(e.percent).Key("reason").String(e.reason).Key("status_token").String(e.status_token);
    w.Key("to").String(e.to).Key("voucher_code").String(e.voucher_code).EndObject();
  }
  void operator()(const ShipPolicyChanged& e) const {
    w.BeginObject().Key("by").String(e.by).Key("order_id").Uint(e.order);
    w.Key("ship_policy").String(ToString(e.ship_policy)).EndObject();
  }
  void operator()(const WaitAccepted& e) const { w.BeginObject().Key("order_id").Uint(e.order).EndObject(); }
  void operator()(const NoticeSettingsChanged& e) const { w.Raw(app::NoticeSettingsJson(e.settings).dump()); }
  void operator()(const PromiseSettingsChanged& e) const {
    const PromiseSettings& s = e.settings;
    w.BeginObject().Key("calendar").BeginObject().Key("closed_dates").BeginArray();
    for (Date d : s.calendar.closed_dates) w.String(d.ToString());
    w.EndArray().Key("holidays").String(planning::ToString(s.calendar.holidays));
    w.Key("weekends_closed").Bool(s.calendar.weekends_closed).EndObject();
    w.Key("default_lead_time_days").Int(s.default_lead_time_days).Key("handling_days").Int(s.handling_days);
    w.Key("handling_days_by_location").BeginObject();
    for (const auto& [code, days] : s.location_handling) w.Key(code).Int(days);
    w.EndObject().Key("min_days_between_changes").Int(s.min_days_between_changes);
    w.Key("threshold_working_days").Int(s.threshold_working_days).EndObject();
  }
};

}  // namespace

void AppendEventPayload(const EventBody& body, std::string* out) {
  JsonWriter writer(out);
  std::visit(Encoder{writer}, body);
}

std::string EncodeEventPayload(const EventBody& body) {
  std::string out;
  AppendEventPayload(body, &out);
  return out;
}

namespace {

Money MoneyFrom(const json& j) {
  return Money(Money::ParseCents(j.at("amount").get<std::string>()).value(), j.at("currency").get<std::string>());
}

std::vector<Allocation> AllocationsFrom(const json& j) {
  std::vector<Allocation> out;
  for (const auto& x : j) out.push_back(Allocation{x.at("location").get<LocationIndex>(), Quantity(x.at("quantity").get<int64_t>())});
  return out;
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
  if (j.contains("components")) {
    for (const auto& c : j.at("components")) {
      p.components.push_back(Component{c.at("sku").get<std::string>(), Quantity(c.at("quantity").get<int64_t>())});
    }
  }
  return p;
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
    line.bundle_line = l.value("bundle_line", LineId{0});
    line.per_bundle = l.value("per_bundle", int32_t{0});
    o.lines.push_back(std::move(line));
  }
  if (j.contains("bundles")) {
    for (const auto& b : j.at("bundles")) {
      o.bundles.push_back(BundleLine{b.at("line_id").get<LineId>(), b.at("sku").get<std::string>(),
                                     Quantity(b.at("quantity").get<int64_t>()), MoneyFrom(b.at("unit_price"))});
    }
  }
  return o;
}

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
  auto date = [](const json& v) { return Date::Parse(v.get<std::string>()).value(); };
  auto po_id = [&j] { return j.at("purchase_order_id").get<PurchaseOrderId>(); };
  if (type == "supplier_upserted") {
    Supplier s;
    s.code = j.at("code").get<std::string>();
    s.email = j.at("email").get<std::string>();
    s.lead_time_days = j.at("lead_time_days").get<int32_t>();
    if (j.contains("min_order_value")) s.min_order_value = MoneyFrom(j.at("min_order_value"));
    s.name = j.at("name").get<std::string>();
    return SupplierUpserted{s};
  }
  if (type == "supplier_terms_upserted") {
    SupplierTerms t;
    t.cost = MoneyFrom(j.at("cost"));
    if (j.contains("lead_time_days")) t.lead_time_days = j.at("lead_time_days").get<int32_t>();
    t.moq = q("moq");
    t.pack_size = q("pack_size");
    t.preferred = j.at("preferred").get<bool>();
    t.sku = j.at("sku").get<std::string>();
    t.supplier = j.at("supplier").get<std::string>();
    return SupplierTermsUpserted{t};
  }
  if (type == "purchase_order_created") {
    PurchaseOrder po;
    po.id = po_id();
    po.supplier = j.at("supplier").get<std::string>();
    po.created_at = Instant::Parse(j.at("created_at").get<std::string>()).value();
    for (const auto& l : j.at("lines")) {
      PurchaseOrderLine line;
      line.sku = l.at("sku").get<std::string>();
      line.quantity = Quantity(l.at("quantity").get<int64_t>());
      line.expected_date = date(l.at("expected_date"));
      if (l.contains("default_lead_days")) line.default_lead_days = l.at("default_lead_days").get<int32_t>();
      line.history.push_back(ExpectedDateChange{line.expected_date, po.created_at, "created"});
      po.lines.push_back(std::move(line));
    }
    return PurchaseOrderCreated{po};
  }
  if (type == "purchase_order_sent") return PurchaseOrderSent{po_id()};
  if (type == "purchase_order_dates_changed") {
    PurchaseOrderDatesChanged e;
    e.purchase_order = po_id();
    e.confirmed = j.at("confirmed").get<bool>();
    for (const auto& l : j.at("lines")) e.lines.push_back(LineDate{l.at("sku").get<std::string>(), date(l.at("date"))});
    return e;
  }
  if (type == "purchase_order_received") {
    PurchaseOrderReceived e;
    e.purchase_order = po_id();
    e.location = j.at("location").get<LocationIndex>();
    for (const auto& l : j.at("lines")) {
      e.lines.push_back(ReceivedLine{l.at("sku").get<std::string>(), Quantity(l.at("quantity").get<int64_t>()),
                                     Quantity(l.at("over_received").get<int64_t>())});
    }
    return e;
  }
  if (type == "purchase_order_cancelled") return PurchaseOrderCancelled{po_id(), j.at("reason").get<std::string>()};
  auto promise = [&date](const json& v) {
    return Promise{date(v.at("p50")), date(v.at("p90")), ParsePromiseBasis(v.at("basis").get<std::string>()).value(),
                   v.at("purchase_order_id").get<PurchaseOrderId>()};
  };
  if (type == "promise_given" || type == "promise_changed" || type == "promise_revised") {
    LinePromised e;
    e.order = j.at("order_id").get<OrderId>();
    e.line = j.at("line_id").get<LineId>();
    e.sku = j.at("sku").get<std::string>();
    e.promise = promise(j.at("promise"));
    if (j.contains("previous")) e.previous = promise(j.at("previous"));
    e.notify = j.at("notify").get<bool>();
    return e;
  }
  if (type == "promise_settings_changed") {
    PromiseSettingsChanged e;
    PromiseSettings& s = e.settings;
    const json& c = j.at("calendar");
    for (const auto& d : c.at("closed_dates")) s.calendar.closed_dates.push_back(date(d));
    if (!planning::ParseHolidayRegion(c.at("holidays").get<std::string>(), &s.calendar.holidays)) {
      throw std::invalid_argument("unknown holiday region");
    }
    s.calendar.weekends_closed = c.at("weekends_closed").get<bool>();
    s.default_lead_time_days = j.at("default_lead_time_days").get<int32_t>();
    s.handling_days = j.at("handling_days").get<int32_t>();
    for (const auto& [code, days] : j.at("handling_days_by_location").items()) s.location_handling[code] = days.get<int32_t>();
    s.threshold_working_days = j.at("threshold_working_days").get<int32_t>();
    s.min_days_between_changes = j.value("min_days_between_changes", PromiseSettings{}.min_days_between_changes);
    return e;
  }
  if (type == "notice_queued") {
    NoticeQueued e;
    e.order = j.at("order_id").get<OrderId>();
    e.kind = ParseNoticeKind(j.at("kind").get<std::string>()).value();
    e.to = j.at("to").get<std::string>();
    e.name = j.at("name").get<std::string>();
    e.language = j.at("language").get<std::string>();
    e.channel = j.at("channel").get<std::string>();
    e.external_id = j.at("external_id").get<std::string>();
    e.status_token = j.at("status_token").get<std::string>();
    for (const auto& l : j.at("lines")) {
      NoticeLine line;
      line.line = l.at("line_id").get<LineId>();
      line.sku = l.at("sku").get<std::string>();
      line.name = l.at("name").get<std::string>();
      line.ordered = Quantity(l.at("ordered").get<int64_t>());
      line.quantity = Quantity(l.at("quantity").get<int64_t>());
      if (!l.at("promise").is_null()) line.promise = promise(l.at("promise"));
      if (!l.at("previous_p90").is_null()) line.previous_p90 = date(l.at("previous_p90"));
      e.lines.push_back(std::move(line));
    }
    e.partial = j.at("partial").get<bool>();
    e.voucher_code = j.at("voucher_code").get<std::string>();
    e.percent = j.at("percent").get<int32_t>();
    e.reason = j.at("reason").get<std::string>();
    return e;
  }
  if (type == "ship_policy_changed") {
    return ShipPolicyChanged{j.at("order_id").get<OrderId>(),
                             ParseShipPolicy(j.at("ship_policy").get<std::string>()).value(), j.at("by").get<std::string>()};
  }
  if (type == "wait_accepted") return WaitAccepted{j.at("order_id").get<OrderId>()};
  if (type == "notice_settings_changed") {
    return NoticeSettingsChanged{app::NoticeSettingsFromJson(j)};
  }
  throw std::invalid_argument("unknown event type");
}

}  // namespace

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
