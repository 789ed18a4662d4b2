#include "store/event_codec.h"

#include <gtest/gtest.h>

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
  return {
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

TEST(EventCodec, RejectsWhatItDoesNotUnderstand) {
  EXPECT_FALSE(DecodeEventPayload("order_placed", "{not json").ok());
  EXPECT_FALSE(DecodeEventPayload("order_placed", "{}").ok());
  EXPECT_FALSE(DecodeEventPayload("no_such_event", "{}").ok());
  EXPECT_FALSE(DecodeEventPayload("payment_changed", R"({"order_id": 1, "payment": "maybe"})").ok());
}

}  // namespace
}  // namespace belofte::store
