// Changing orders over the wire: payment (re-sorting, refunds), cancelling and shipping.
#include "api_test_util.h"

namespace belofte::testing::api_tests {
namespace {

std::string Id(const json& order) { return order["id"].get<std::string>(); }
std::string LineId(const json& order, size_t i = 0) { return order["lines"][i]["line_id"].get<std::string>(); }

HttpResult Pay(Shop& shop, const json& order, const std::string& payment) {
  return shop.http->Post("/api/v1/orders/" + Id(order) + "/payment", json{{"payment", payment}}.dump());
}
HttpResult Cancel(Shop& shop, const json& order, const json& body) {
  return shop.http->Post("/api/v1/orders/" + Id(order) + "/cancel", body.dump());
}
HttpResult Ship(Shop& shop, const json& order, const json& body) {
  return shop.http->Post("/api/v1/orders/" + Id(order) + "/shipments", body.dump());
}
json Lines(const std::string& line_id, int64_t quantity) {
  return json::array({json{{"line_id", line_id}, {"quantity", quantity}}});
}

// ---------------------------------------------------------------------------------------------
// Payment

TEST(ApiPayment, PayingMovesTheOrderAheadOfUnpaidOnesAndUnpayingMovesItBack) {
  Shop shop;
  shop.AllowProduct("A1");
  json a = shop.Place("a", "A1", 1, "unpaid", "2026-03-01T09:00:00Z");
  json b = shop.Place("b", "A1", 1, "unpaid", "2026-03-01T10:00:00Z");
  EXPECT_EQ(OrderIdsOf(shop.Queue("A1")), (std::vector<std::string>{Id(a), Id(b)}));

  json paid = Expect(Pay(shop, b, "paid"), 200);
  EXPECT_EQ(paid["id"], b["id"]);
  EXPECT_EQ(paid["payment"], "paid");
  EXPECT_EQ(paid["lines"][0]["queue_position"], 1);
  EXPECT_EQ(paid["filled"], json::array());
  EXPECT_EQ(paid["ready_orders"], json::array());
  json queue = shop.Queue("A1");
  EXPECT_EQ(OrderIdsOf(queue), (std::vector<std::string>{Id(b), Id(a)}));
  EXPECT_EQ(queue[0]["payment"], "paid");
  EXPECT_EQ(queue[0]["position"], 1);
  EXPECT_EQ(queue[1]["position"], 2);
  EXPECT_EQ(shop.Order(Id(a))["lines"][0]["queue_position"], 2);

  Expect(Pay(shop, b, "unpaid"), 200);
  EXPECT_EQ(OrderIdsOf(shop.Queue("A1")), (std::vector<std::string>{Id(a), Id(b)}));
}

TEST(ApiPayment, PayingAnAllocatedOrderMakesItReady) {
  Shop shop;
  shop.AllowProduct("A1", 1);
  json o = shop.Place("o", "A1", 1, "unpaid");
  EXPECT_EQ(o["status"], "open");
  json r = Expect(Pay(shop, o, "paid"), 200);
  EXPECT_EQ(r["status"], "ready");
  EXPECT_EQ(shop.Order(Id(o))["status"], "ready");
}

TEST(ApiPayment, RefundCancelsTheOrderAndPassesItsStockToTheNextInLine) {
  Shop shop;
  shop.AllowProduct("A1", 2);
  json a = shop.Place("a", "A1", 2, "paid");
  json b = shop.Place("b", "A1", 1, "paid");
  ASSERT_EQ(b["lines"][0]["backordered"], 1);

  json r = Expect(Pay(shop, a, "refunded"), 200);
  EXPECT_EQ(r["id"], a["id"]);
  EXPECT_EQ(r["payment"], "refunded");
  EXPECT_EQ(r["status"], "cancelled");
  ASSERT_TRUE(r["lines"].is_array()) << r.dump();
  EXPECT_EQ(r["lines"][0]["cancelled"], 2);
  EXPECT_EQ(r["lines"][0]["allocated"], 0);
  EXPECT_EQ(r["filled"], json::array({json{{"order_id", b["id"]}, {"line_id", b["lines"][0]["line_id"]}, {"sku", "A1"}, {"quantity", 1}}}));
  EXPECT_EQ(r["ready_orders"], json::array({b["id"]}));

  json b_now = shop.Order(Id(b));
  EXPECT_EQ(b_now["lines"][0]["allocated"], 1);
  EXPECT_EQ(b_now["status"], "ready");
  json a_now = shop.Order(Id(a));
  EXPECT_EQ(a_now["payment"], "refunded");
  EXPECT_EQ(a_now["status"], "cancelled");
  json s = shop.Stock("A1");
  EXPECT_EQ(s["allocated"], 1);
  EXPECT_EQ(s["available"], 1);
  EXPECT_EQ(s["backordered"], 0);
}

TEST(ApiPayment, PaymentAfterARefundIs409OrderRefunded) {
  Shop shop;
  shop.AllowProduct("A1", 2);
  json a = shop.Place("a", "A1", 2, "paid");
  ASSERT_EQ(Pay(shop, a, "refunded").status, 200);
  json before = shop.Order(Id(a));
  EXPECT_TRUE(IsProblem(Pay(shop, a, "paid"), 409, "order_refunded"));
  EXPECT_EQ(shop.Order(Id(a)), before);
}

TEST(ApiPayment, PaymentOfAFullyShippedOrderIs409OrderClosed) {
  Shop shop;
  shop.AllowProduct("A1", 1);
  json o = shop.Place("o", "A1", 1, "paid");
  ASSERT_EQ(Ship(shop, o, json::object()).status, 201);
  json before = shop.Order(Id(o));
  auto r = Pay(shop, o, "unpaid");
  EXPECT_TRUE(IsProblem(r, 409, "order_closed"));
  EXPECT_EQ(Parse(r)["order_id"], o["id"]);
  EXPECT_EQ(shop.Order(Id(o)), before);
}

TEST(ApiPayment, PayingWithTheSamePaymentAgainAnswers200AndChangesNothing) {
  Shop shop;
  shop.AllowProduct("A1");
  json o = shop.Place("o", "A1", 1, "paid");
  json before = shop.Order(Id(o));
  json r = Expect(Pay(shop, o, "paid"), 200);
  EXPECT_EQ(r["payment"], "paid");
  EXPECT_EQ(shop.Order(Id(o)), before);
}

TEST(ApiPayment, InvalidPaymentBodiesAre400AndUnknownOrdersAre404) {
  Shop shop;
  shop.AllowProduct("A1");
  json o = shop.Place("o", "A1", 1);
  auto r = Pay(shop, o, "cash");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Parse(r)["field"], "payment");
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/orders/" + Id(o) + "/payment", "{}"), 400, "missing_field", "payment"));
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/orders/" + Id(o) + "/payment", R"({"payment":true})"), 400, "wrong_type", "payment"));
  EXPECT_EQ(shop.Order(Id(o))["payment"], "unpaid");
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/orders/999/payment", R"({"payment":"paid"})"), 404, "unknown_order"));
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/orders/x1/payment", R"({"payment":"paid"})"), 404, "unknown_order"));
}

// ---------------------------------------------------------------------------------------------
// Cancel

TEST(ApiCancel, CancellingWithoutLinesCancelsEverythingNotShipped) {
  Shop shop;
  shop.AllowProduct("A1", 1);
  shop.AllowProduct("B2", 5);
  json o = Expect(shop.PlaceOrder(json{{"channel", "web"},
                                       {"external_id", "o"},
                                       {"lines", json::array({json{{"sku", "A1"}, {"quantity", 3}}, json{{"sku", "B2"}, {"quantity", 2}}})}}),
                  201);
  json r = Expect(Cancel(shop, o, json{{"reason", "customer changed their mind"}}), 200);
  EXPECT_EQ(r["status"], "cancelled");
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(r["lines"][i]["cancelled"], r["lines"][i]["quantity"]);
    EXPECT_EQ(r["lines"][i]["allocated"], 0);
    EXPECT_EQ(r["lines"][i]["backordered"], 0);
  }
  EXPECT_EQ(r["filled"], json::array());
  EXPECT_EQ(shop.Order(Id(o))["status"], "cancelled");
  EXPECT_EQ(shop.Stock("A1")["allocated"], 0);
  EXPECT_EQ(shop.Stock("A1")["available"], 1);
  EXPECT_EQ(shop.Stock("A1")["backordered"], 0);
  EXPECT_EQ(shop.Stock("B2")["available"], 5);
  EXPECT_EQ(shop.Queue("A1"), json::array());
}

TEST(ApiCancel, CancellingWithAnEmptyBodyCancelsEverything) {
  Shop shop;
  shop.AllowProduct("A1", 1);
  json o = shop.Place("o", "A1", 1);
  EXPECT_EQ(Expect(shop.http->Post("/api/v1/orders/" + Id(o) + "/cancel", ""), 200)["status"], "cancelled");
}

TEST(ApiCancel, PartialCancelByLineTakesWaitingUnitsFirst) {
  Shop shop;
  shop.AllowProduct("A1", 2);
  json o = shop.Place("o", "A1", 3);
  json r = Expect(Cancel(shop, o, json{{"lines", Lines(LineId(o), 1)}}), 200);
  json l = r["lines"][0];
  EXPECT_EQ(l["cancelled"], 1);
  EXPECT_EQ(l["backordered"], 0);
  EXPECT_EQ(l["allocated"], 2);
  EXPECT_EQ(r["status"], "open");
  EXPECT_EQ(shop.Queue("A1"), json::array());
  r = Expect(Cancel(shop, o, json{{"lines", Lines(LineId(o), 1)}}), 200);
  EXPECT_EQ(r["lines"][0]["cancelled"], 2);
  EXPECT_EQ(r["lines"][0]["allocated"], 1);
  EXPECT_EQ(shop.Stock("A1")["available"], 1);
  EXPECT_EQ(shop.Order(Id(o))["lines"][0]["cancelled"], 2);
}

TEST(ApiCancel, CancellingMoreThanRemainsIs409ExceedsRemaining) {
  Shop shop;
  shop.AllowProduct("A1", 3);
  json o = shop.Place("o", "A1", 3);
  ASSERT_EQ(Cancel(shop, o, json{{"lines", Lines(LineId(o), 2)}}).status, 200);
  json before = shop.Order(Id(o));
  auto r = Cancel(shop, o, json{{"lines", Lines(LineId(o), 2)}});
  EXPECT_TRUE(IsProblem(r, 409, "exceeds_remaining"));
  EXPECT_EQ(Parse(r)["line_id"], LineId(o));
  EXPECT_EQ(Parse(r)["remaining"], "1");
  EXPECT_EQ(shop.Order(Id(o)), before);
}

TEST(ApiCancel, CancellingMoreThanOrderedIs400ExceedsOrdered) {
  Shop shop;
  shop.AllowProduct("A1", 3);
  json o = shop.Place("o", "A1", 3);
  json before = shop.Order(Id(o));
  auto r = Cancel(shop, o, json{{"lines", Lines(LineId(o), 4)}});
  EXPECT_TRUE(IsProblem(r, 400, "exceeds_ordered"));
  EXPECT_EQ(Parse(r)["line_id"], LineId(o));
  EXPECT_EQ(shop.Order(Id(o)), before);
}

TEST(ApiCancel, ALineOfAnotherOrderIs400UnknownLine) {
  Shop shop;
  shop.AllowProduct("A1", 3);
  json o = shop.Place("o", "A1", 1);
  json other = shop.Place("other", "A1", 1);
  json before = shop.Order(Id(o));
  EXPECT_TRUE(IsProblem(Cancel(shop, o, json{{"lines", Lines(LineId(other), 1)}}), 400, "unknown_line", "lines[0].line_id"));
  EXPECT_TRUE(IsProblem(Cancel(shop, o, json{{"lines", Lines("9999", 1)}}), 400, "unknown_line", "lines[0].line_id"));
  EXPECT_TRUE(IsProblem(Cancel(shop, o, json{{"lines", Lines(LineId(o), 0)}}), 400, "invalid_quantity", "lines[0].quantity"));
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/orders/" + Id(o) + "/cancel", R"({"lines":[{"line_id":1,"quantity":1}]})"), 400,
                        "wrong_type", "lines[0].line_id"));
  EXPECT_EQ(shop.Order(Id(o)), before);
}

TEST(ApiCancel, ReleasedStockGoesToTheNextWaitingOrder) {
  Shop shop;
  shop.AllowProduct("A1", 2);
  json a = shop.Place("a", "A1", 2, "paid");
  json b = shop.Place("b", "A1", 1, "paid");
  json c = shop.Place("c", "A1", 1, "unpaid");
  json r = Expect(Cancel(shop, a, json{{"lines", Lines(LineId(a), 2)}}), 200);
  EXPECT_EQ(r["filled"], json::array({json{{"order_id", b["id"]}, {"line_id", b["lines"][0]["line_id"]}, {"sku", "A1"}, {"quantity", 1}},
                                      json{{"order_id", c["id"]}, {"line_id", c["lines"][0]["line_id"]}, {"sku", "A1"}, {"quantity", 1}}}));
  EXPECT_EQ(r["ready_orders"], json::array({b["id"]}));
  EXPECT_EQ(shop.Order(Id(b))["status"], "ready");
  EXPECT_EQ(shop.Order(Id(c))["lines"][0]["allocated"], 1);
  EXPECT_EQ(shop.Queue("A1"), json::array());
}

TEST(ApiCancel, CancellingAFullyShippedOrderIs409NothingToCancel) {
  // docs/api.md and docs/backorders.md: "an order with nothing left is 409 nothing_to_cancel".
  Shop shop;
  shop.AllowProduct("A1", 1);
  json o = shop.Place("o", "A1", 1, "paid");
  ASSERT_EQ(Ship(shop, o, json::object()).status, 201);
  EXPECT_TRUE(IsProblem(Cancel(shop, o, json::object()), 409, "nothing_to_cancel"));
}

TEST(ApiCancel, CancellingAnUnknownOrderIs404) {
  Shop shop;
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/orders/42/cancel", "{}"), 404, "unknown_order"));
}

// ---------------------------------------------------------------------------------------------
// Shipments

TEST(ApiShipments, ShippingEverythingAllocatedAnswers201AndTheOrderIsShipped) {
  Shop shop;
  shop.AllowProduct("A1", 3);
  json o = shop.Place("o", "A1", 3, "paid");
  json r = Expect(Ship(shop, o, json{{"location", "main"}, {"at", "2026-03-04T14:30:00Z"}}), 201);
  EXPECT_EQ(r["id"], o["id"]);
  EXPECT_EQ(r["status"], "shipped");
  json l = r["lines"][0];
  EXPECT_EQ(l["shipped"], 3);
  EXPECT_EQ(l["allocated"], 0);
  EXPECT_EQ(l["allocations"], json::array());
  EXPECT_TRUE(l["queue_position"].is_null());
  EXPECT_EQ(r["filled"], json::array());
  EXPECT_EQ(r["ready_orders"], json::array());
  json s = shop.Stock("A1");
  EXPECT_EQ(s["on_hand"], 0);
  EXPECT_EQ(s["allocated"], 0);
  json m = Expect(shop.http->Get("/api/v1/stock/movements?sku=A1&limit=1"), 200)["items"][0];
  EXPECT_EQ(m["kind"], "shipment");
  EXPECT_EQ(m["quantity"], -3);
  EXPECT_EQ(m["reference"], "order:" + Id(o));
  EXPECT_EQ(m["at"], "2026-03-04T14:30:00Z");
}

TEST(ApiShipments, AShippedOrderIsStillReadable) {
  Shop shop;
  shop.AllowProduct("A1", 2);
  json o = shop.Place("o", "A1", 2, "paid");
  Expect(Ship(shop, o, json::object()), 201);
  json read = shop.Order(Id(o));
  EXPECT_EQ(read["status"], "shipped");
  EXPECT_EQ(read["lines"][0]["shipped"], 2);
  EXPECT_EQ(read["status_url"], o["status_url"]);
  EXPECT_EQ(read["customer"], o["customer"]);
  EXPECT_EQ(read["lines"][0]["unit_price"], o["lines"][0]["unit_price"]);
  json list = Expect(shop.http->Get("/api/v1/orders?status=shipped"), 200);
  ASSERT_EQ(list["items"].size(), 1u);
  EXPECT_EQ(list["items"][0]["id"], o["id"]);
}

TEST(ApiShipments, PartialShipmentByLineIsPartiallyShipped) {
  Shop shop;
  shop.AllowProduct("A1", 3);
  json o = shop.Place("o", "A1", 3, "paid");
  json r = Expect(Ship(shop, o, json{{"lines", Lines(LineId(o), 1)}}), 201);
  EXPECT_EQ(r["status"], "partially_shipped");
  EXPECT_EQ(r["lines"][0]["shipped"], 1);
  EXPECT_EQ(r["lines"][0]["allocated"], 2);
  EXPECT_EQ(shop.Order(Id(o))["status"], "partially_shipped");
  EXPECT_EQ(shop.Stock("A1")["on_hand"], 2);
}

TEST(ApiShipments, UnpaidOrdersMayShip) {
  Shop shop;
  shop.AllowProduct("A1", 1);
  json o = shop.Place("o", "A1", 1, "unpaid");
  EXPECT_EQ(Expect(Ship(shop, o, json::object()), 201)["status"], "shipped");
}

TEST(ApiShipments, ShippingMoreThanAllocatedIs409NotAllocated) {
  Shop shop;
  shop.AllowProduct("A1", 2);
  json o = shop.Place("o", "A1", 3, "paid");
  json before = shop.Order(Id(o));
  json stock_before = shop.Product("A1");
  auto r = Ship(shop, o, json{{"lines", Lines(LineId(o), 3)}});
  EXPECT_TRUE(IsProblem(r, 409, "not_allocated"));
  EXPECT_EQ(Parse(r)["line_id"], LineId(o));
  EXPECT_EQ(Parse(r)["allocated"], "2");
  EXPECT_EQ(shop.Order(Id(o)), before);
  EXPECT_EQ(shop.Product("A1"), stock_before);
}

TEST(ApiShipments, ShippingMoreThanOrderedIs400ExceedsOrdered) {
  Shop shop;
  shop.AllowProduct("A1", 5);
  json o = shop.Place("o", "A1", 3, "paid");
  json before = shop.Order(Id(o));
  auto r = Ship(shop, o, json{{"lines", Lines(LineId(o), 4)}});
  EXPECT_TRUE(IsProblem(r, 400, "exceeds_ordered"));
  EXPECT_EQ(Parse(r)["ordered"], "3");
  EXPECT_EQ(shop.Order(Id(o)), before);
}

TEST(ApiShipments, ShipCompleteWithAWaitingLineIs409ShipCompleteWaiting) {
  Shop shop;
  shop.AllowProduct("A1", 1);
  json o = shop.Place("o", "A1", 2, "paid", "", "ship_complete");
  json before = shop.Order(Id(o));
  auto r = Ship(shop, o, json{{"lines", Lines(LineId(o), 1)}});
  EXPECT_TRUE(IsProblem(r, 409, "ship_complete_waiting"));
  EXPECT_EQ(Parse(r)["line_id"], LineId(o));
  EXPECT_TRUE(IsProblem(Ship(shop, o, json::object()), 409, "ship_complete_waiting"));
  EXPECT_EQ(shop.Order(Id(o)), before);
  // Once complete it ships.
  ASSERT_EQ(shop.Adjust("A1", 1).status, 201);
  EXPECT_EQ(shop.Order(Id(o))["status"], "ready");
  EXPECT_EQ(Expect(Ship(shop, o, json::object()), 201)["status"], "shipped");
}

TEST(ApiShipments, NothingAllocatedAtTheLocationIs409NothingAllocated) {
  Shop shop;
  shop.AllowProduct("A1");
  ASSERT_EQ(shop.http->Put("/api/v1/locations/store-ams", R"({"name":"Shop"})").status, 201);
  ASSERT_EQ(shop.Adjust("A1", 1, "store-ams").status, 201);
  json o = shop.Place("o", "A1", 1, "paid");
  EXPECT_TRUE(IsProblem(Ship(shop, o, json::object()), 409, "nothing_allocated", "location"));
  json r = Expect(Ship(shop, o, json{{"location", "store-ams"}}), 201);
  EXPECT_EQ(r["status"], "shipped");
}

TEST(ApiShipments, UnknownLineLocationOrOrderAreRefused) {
  Shop shop;
  shop.AllowProduct("A1", 2);
  json o = shop.Place("o", "A1", 1, "paid");
  json other = shop.Place("other", "A1", 1, "paid");
  json before = shop.Order(Id(o));
  EXPECT_TRUE(IsProblem(Ship(shop, o, json{{"lines", Lines(LineId(other), 1)}}), 400, "unknown_line", "lines[0].line_id"));
  EXPECT_TRUE(IsProblem(Ship(shop, o, json{{"location", "nowhere"}}), 404, "unknown_location"));
  EXPECT_TRUE(IsProblem(Ship(shop, o, json{{"lines", Lines(LineId(o), -1)}}), 400, "invalid_quantity", "lines[0].quantity"));
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/orders/777/shipments", "{}"), 404, "unknown_order"));
  EXPECT_EQ(shop.Order(Id(o)), before);
  EXPECT_EQ(shop.Stock("A1")["on_hand"], 2);
}

TEST(ApiShipments, ShippingAClosedOrderAgainIs409OrderClosed) {
  Shop shop;
  shop.AllowProduct("A1", 1);
  json o = shop.Place("o", "A1", 1, "paid");
  ASSERT_EQ(Ship(shop, o, json::object()).status, 201);
  EXPECT_TRUE(IsProblem(Ship(shop, o, json::object()), 409, "order_closed"));
}

}  // namespace
}  // namespace belofte::testing::api_tests
