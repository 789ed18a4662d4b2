#include "store/event_codec.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace belofte::store {
namespace {

using namespace belofte::engine;

std::vector<EventBody> Samples() {
  Product p;
  p.sku = "KM-HAND-01";
  p.name = "Handkoffiemolen \"RVS\" — ëxtra";
  p.price = Money(8995, "EUR");
  p.cost = Money(4100, "EUR");
  p.backorder = BackorderPolicy{BackorderPolicyKind::kPreorder, Quantity(20), 60, Date::FromYmd(2026, 12, 15)};
  Order o;
  o.id = 7;
  o.channel = "bol";
  o.external_id = "B-1";
  o.customer = Customer{"a@b.nl", "Jan", "en"};
  o.payment = Payment::kPaid;
  o.ship_policy = ShipPolicy::kShipComplete;
  o.placed_at = Instant::FromMicros(1'767'600'000'123'456);
  o.status_token = "Zm9vYmFyYmF6cXV4MTIzNDU2";
  OrderLine l;
  l.id = 11;
  l.sku = "KM-HAND-01";
  l.quantity = Quantity(5);
  l.unit_price = Money(8995, "EUR");
  l.allocations = {Allocation{0, Quantity(2)}, Allocation{2, Quantity(1)}};
  l.backordered = Quantity(2);
  l.priority = -3;
  o.lines.push_back(l);
  // A bundle and an order with a bundle line expanded into two component lines.
  Product kit = p;
  kit.sku = "CADEAU-01";
  kit.backorder = BackorderPolicy{BackorderPolicyKind::kAllow, Quantity(5), std::nullopt, std::nullopt};
  kit.components = {Component{"KM-HAND-01", Quantity(1)}, Component{"BONEN-1KG", Quantity(2)}};
  Order ob = o;
  ob.id = 8;
  ob.external_id = "B-2";
  ob.lines.clear();
  ob.bundles.push_back(BundleLine{20, "CADEAU-01", Quantity(2), Money(4995, "EUR")});
  OrderLine c1 = l;
  c1.id = 21;
  c1.quantity = Quantity(2);
  c1.allocations = {Allocation{0, Quantity(2)}};
  c1.backordered = Quantity(0);
  c1.unit_price = Money(0, "EUR");
  c1.bundle_line = 20;
  c1.per_bundle = 1;
  OrderLine c2 = c1;
  c2.id = 22;
  c2.sku = "BONEN-1KG";
  c2.quantity = Quantity(4);
  c2.allocations = {};
  c2.backordered = Quantity(4);
  c2.per_bundle = 2;
  ob.lines = {c1, c2};
  return {
      ProductUpserted{kit},
      OrderPlaced{ob},
      ProductUpserted{p},
      LocationUpserted{Location{2, "winkel", "Winkel Amsterdam"}},
      ChannelCreated{"bol", "api"},
      OrderPlaced{o},
      StockMoved{StockMovement{9, "KM-HAND-01", 2, MovementKind::kTransfer, Quantity(-4), "re-stock", "transfer:9",
                               Instant::FromSeconds(1'767'600'000)}},
      BackorderFilled{7, 11, "KM-HAND-01", 0, Quantity(1)},
      AllocationReturned{7, 11, "KM-HAND-01", 2, Quantity(1)},
      AllocationMoved{7, 11, "KM-HAND-01", 0, 2, Quantity(1)},
      LineCancelled{7, 11, "KM-HAND-01", Quantity(1), {Allocation{0, Quantity(1)}}, "klant annuleert"},
      LineShipped{7, 11, "KM-HAND-01", 0, Quantity(1)},
      PaymentChanged{7, Payment::kRefunded},
      LinePrioritySet{7, 11, 5},
  };
}

TEST(EventCodec, EveryEventTypeRoundTrips) {
  for (const EventBody& body : Samples()) {
    std::string payload = EncodeEventPayload(body);
    auto decoded = DecodeEventPayload(EventType(body), payload);
    ASSERT_TRUE(decoded.ok()) << EventType(body) << ": " << decoded.error().message;
    EXPECT_TRUE(*decoded == body) << EventType(body) << " " << payload;
  }
}

// Strings that need escaping, multi-byte UTF-8, odd amounts.
ProductUpserted AwkwardProduct() {
  Product p;
  p.sku = "K\\M/1";
  p.name = std::string("tab\there \"quoted\" nl\n cr\r ff\f bs\b \x01\x1f\x7f € 😀 é end") + '\0' + "nul";
  p.price = Money(-5, "EUR");
  p.cost = Money(100'000'000'07, "USD");
  return ProductUpserted{p};
}

TEST(EventCodec, WritesWhatNlohmannWouldWrite) {
  // The hand-written encoder must produce nlohmann's canonical form: same escapes, keys in
  // byte order, no whitespace — the payloads stored before it are byte-identical.
  std::vector<EventBody> samples = Samples();
  samples.push_back(AwkwardProduct());
  for (const EventBody& body : samples) {
    std::string payload = EncodeEventPayload(body);
    nlohmann::json parsed = nlohmann::json::parse(payload, nullptr, false);
    ASSERT_FALSE(parsed.is_discarded()) << payload;
    EXPECT_EQ(parsed.dump(), payload) << EventType(body);
  }
  const std::string payload = EncodeEventPayload(AwkwardProduct());
  EXPECT_NE(payload.find(R"("amount":"-0.05")"), std::string::npos) << payload;
  EXPECT_NE(payload.find(R"(\u0001\u001f)"), std::string::npos) << payload;
  EXPECT_NE(payload.find(R"(\u0000nul)"), std::string::npos) << payload;
  auto decoded = DecodeEventPayload("product_upserted", payload);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_TRUE(*decoded == EventBody(AwkwardProduct()));
}

TEST(EventCodec, ReplacesBytesThatAreNotUtf8) {
  ChannelCreated c{"a\xff" "b\xe2\x82" "c\xc0\xaf" "d\xed\xa0\x80" "e\xf4\x90\x80\x80" "f\xe2\x82\xac", "api"};
  std::string payload = EncodeEventPayload(c);
  auto decoded = DecodeEventPayload("channel_created", payload);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  const std::string r = "\xef\xbf\xbd";  // U+FFFD
  EXPECT_EQ(std::get<ChannelCreated>(*decoded).code,
            "a" + r + "b" + r + r + "c" + r + r + "d" + r + r + r + "e" + r + r + r + r + "f\xe2\x82\xac");
}

TEST(EventCodec, RejectsWhatItDoesNotUnderstand) {
  EXPECT_FALSE(DecodeEventPayload("order_placed", "{not json").ok());
  EXPECT_FALSE(DecodeEventPayload("order_placed", "{}").ok());
  EXPECT_FALSE(DecodeEventPayload("no_such_event", "{}").ok());
  EXPECT_FALSE(DecodeEventPayload("payment_changed", R"({"order_id": 1, "payment": "maybe"})").ok());
}

}  // namespace
}  // namespace belofte::store
