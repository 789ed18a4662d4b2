// Stock over the wire: adjustments, counts, receipts and the ledger of movements.
#include "api_test_util.h"

namespace belofte::testing::api_tests {
namespace {

json Movements(Shop& shop, const std::string& sku, const std::string& query = "") {
  return Expect(shop.http->Get("/api/v1/stock/movements?sku=" + sku + query), 200);
}

TEST(ApiStock, PositiveAdjustmentAnswers201WithMovementAndStock) {
  Shop shop;
  shop.AllowProduct("A1");
  json r = Expect(shop.http->Post("/api/v1/stock/adjustments",
                                  R"({"sku":"A1","delta":2,"reason":"opening stock","at":"2026-03-02T07:00:00Z"})"),
                  201);
  ASSERT_EQ(r["movements"].size(), 1u) << r.dump();
  json m = r["movements"][0];
  EXPECT_TRUE(m["id"].is_string());
  EXPECT_EQ(m["sku"], "A1");
  EXPECT_EQ(m["location"], "main");
  EXPECT_EQ(m["kind"], "adjustment");
  EXPECT_EQ(m["quantity"], 2);
  EXPECT_EQ(m["reason"], "opening stock");
  EXPECT_EQ(m["reference"], "");
  EXPECT_EQ(m["at"], "2026-03-02T07:00:00Z");
  EXPECT_EQ(r["filled"], json::array());
  EXPECT_EQ(r["ready_orders"], json::array());
  EXPECT_EQ(r["stock"]["on_hand"], 2);
  EXPECT_EQ(r["stock"]["allocated"], 0);
  EXPECT_EQ(r["stock"]["available"], 2);
  EXPECT_EQ(r["stock"]["backordered"], 0);
  EXPECT_EQ(r["stock"]["by_location"],
            json::array({json{{"location", "main"}, {"on_hand", 2}, {"allocated", 0}, {"available", 2}}}));
  EXPECT_EQ(shop.Stock("A1")["on_hand"], 2);
}

TEST(ApiStock, InstantsWithAnOffsetAreAnsweredInUtc) {
  Shop shop;
  shop.AllowProduct("A1");
  json r = Expect(shop.http->Post("/api/v1/stock/adjustments", R"({"sku":"A1","delta":1,"at":"2026-03-02T08:00:00+01:00"})"), 201);
  EXPECT_EQ(r["movements"][0]["at"], "2026-03-02T07:00:00Z");
}

TEST(ApiStock, PositiveAdjustmentFillsWaitingOrdersFirst) {
  Shop shop;
  shop.AllowProduct("A1");
  json paid = shop.Place("o1", "A1", 2, "paid", "2026-03-01T09:00:00Z");
  json unpaid = shop.Place("o2", "A1", 1, "unpaid", "2026-03-01T10:00:00Z");
  EXPECT_EQ(shop.Stock("A1")["backordered"], 3);

  json r = Expect(shop.Adjust("A1", 5), 201);
  ASSERT_EQ(r["filled"].size(), 2u) << r.dump();
  EXPECT_EQ(r["filled"][0], (json{{"order_id", paid["id"]}, {"line_id", paid["lines"][0]["line_id"]}, {"sku", "A1"}, {"quantity", 2}}));
  EXPECT_EQ(r["filled"][1], (json{{"order_id", unpaid["id"]}, {"line_id", unpaid["lines"][0]["line_id"]}, {"sku", "A1"}, {"quantity", 1}}));
  EXPECT_EQ(r["ready_orders"], json::array({paid["id"]}));  // the unpaid one is allocated but not ready
  EXPECT_EQ(r["stock"]["on_hand"], 5);
  EXPECT_EQ(r["stock"]["allocated"], 3);
  EXPECT_EQ(r["stock"]["available"], 2);
  EXPECT_EQ(r["stock"]["backordered"], 0);

  json o1 = shop.Order(paid["id"]);
  EXPECT_EQ(o1["status"], "ready");
  EXPECT_EQ(o1["lines"][0]["allocated"], 2);
  EXPECT_EQ(o1["lines"][0]["backordered"], 0);
  EXPECT_TRUE(o1["lines"][0]["queue_position"].is_null());
  EXPECT_EQ(shop.Order(unpaid["id"])["status"], "open");
  EXPECT_EQ(shop.Queue("A1"), json::array());
}

TEST(ApiStock, PositiveAdjustmentSmallerThanTheQueueLeavesNothingAvailable) {
  Shop shop;
  shop.AllowProduct("A1");
  json o1 = shop.Place("o1", "A1", 3, "paid");
  json r = Expect(shop.Adjust("A1", 1), 201);
  EXPECT_EQ(r["filled"], json::array({json{{"order_id", o1["id"]}, {"line_id", o1["lines"][0]["line_id"]}, {"sku", "A1"}, {"quantity", 1}}}));
  EXPECT_EQ(r["stock"]["available"], 0);
  EXPECT_EQ(r["stock"]["allocated"], 1);
  EXPECT_EQ(r["stock"]["backordered"], 2);
  EXPECT_EQ(shop.Queue("A1")[0]["quantity"], 2);
}

TEST(ApiStock, NegativeAdjustmentBelowZeroIs409NegativeStockAndChangesNothing) {
  Shop shop;
  shop.AllowProduct("A1", 3);
  json product_before = shop.Product("A1");
  json ledger_before = Movements(shop, "A1");
  auto r = shop.Adjust("A1", -4);
  EXPECT_TRUE(IsProblem(r, 409, "negative_stock", "delta"));
  EXPECT_EQ(Parse(r)["on_hand"], "3");
  EXPECT_EQ(shop.Product("A1"), product_before);
  EXPECT_EQ(Movements(shop, "A1"), ledger_before);
}

TEST(ApiStock, NegativeAdjustmentWithinStockTakesItOut) {
  Shop shop;
  shop.AllowProduct("A1", 3);
  json r = Expect(shop.Adjust("A1", -2), 201);
  EXPECT_EQ(r["movements"][0]["quantity"], -2);
  EXPECT_EQ(r["stock"]["on_hand"], 1);
  EXPECT_EQ(shop.Stock("A1")["available"], 1);
}

TEST(ApiStock, NegativeAdjustmentUnderAnAllocationPutsTheLineBackInTheQueue) {
  Shop shop;
  shop.AllowProduct("A1", 2);
  json o = shop.Place("o1", "A1", 2, "paid");
  ASSERT_EQ(o["lines"][0]["allocated"], 2);
  json r = Expect(shop.Adjust("A1", -1), 201);
  EXPECT_EQ(r["stock"]["on_hand"], 1);
  EXPECT_EQ(r["stock"]["allocated"], 1);
  EXPECT_EQ(r["stock"]["backordered"], 1);
  json line = shop.Order(o["id"])["lines"][0];
  EXPECT_EQ(line["allocated"], 1);
  EXPECT_EQ(line["backordered"], 1);
  EXPECT_EQ(line["queue_position"], 1);
}

TEST(ApiStock, AdjustmentWithDeltaZeroIs400InvalidQuantity) {
  Shop shop;
  shop.AllowProduct("A1", 3);
  json before = shop.Product("A1");
  EXPECT_TRUE(IsProblem(shop.Adjust("A1", 0), 400, "invalid_quantity", "delta"));
  EXPECT_EQ(shop.Product("A1"), before);
}

TEST(ApiStock, AdjustmentBodyErrorsAre400NamingTheField) {
  Shop shop;
  shop.AllowProduct("A1");
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/stock/adjustments", R"({"sku":"A1","delta":"5"})"), 400, "wrong_type", "delta"));
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/stock/adjustments", R"({"sku":"A1","delta":1.5})"), 400, "wrong_type", "delta"));
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/stock/adjustments", R"({"sku":"A1"})"), 400, "missing_field", "delta"));
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/stock/adjustments", R"({"delta":1})"), 400, "missing_field", "sku"));
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/stock/adjustments", R"({"sku":"A1","delta":1,"note":"x"})"), 400,
                        "unknown_field", "note"));
  EXPECT_EQ(shop.Stock("A1")["on_hand"], 0);
}

TEST(ApiStock, WritesForAnUnknownSkuAre404UnknownSku) {
  Shop shop;
  EXPECT_TRUE(IsProblem(shop.Adjust("NOPE", 1), 404, "unknown_sku"));
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/stock/counts", R"({"sku":"NOPE","counted":1})"), 404, "unknown_sku"));
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/stock/receipts", R"({"sku":"NOPE","quantity":1})"), 404, "unknown_sku"));
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/stock/movements?sku=NOPE"), 404, "unknown_sku"));
}

TEST(ApiStock, WritesForAnUnknownLocationAre404UnknownLocation) {
  Shop shop;
  shop.AllowProduct("A1", 1);
  json before = shop.Product("A1");
  EXPECT_TRUE(IsProblem(shop.Adjust("A1", 1, "nowhere"), 404, "unknown_location"));
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/stock/counts", R"({"sku":"A1","location":"nowhere","counted":1})"), 404,
                        "unknown_location"));
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/stock/receipts", R"({"sku":"A1","location":"nowhere","quantity":1})"), 404,
                        "unknown_location"));
  EXPECT_EQ(shop.Product("A1"), before);
}

TEST(ApiStock, CountRecordsTheDifferenceAsOneCountMovement) {
  Shop shop;
  shop.AllowProduct("A1", 5);
  json up = Expect(shop.http->Post("/api/v1/stock/counts", R"({"sku":"A1","location":"main","counted":7,"reason":"weekly"})"), 201);
  ASSERT_EQ(up["movements"].size(), 1u);
  EXPECT_EQ(up["movements"][0]["kind"], "count");
  EXPECT_EQ(up["movements"][0]["quantity"], 2);
  EXPECT_EQ(up["movements"][0]["reason"], "weekly");
  EXPECT_EQ(up["stock"]["on_hand"], 7);
  json down = Expect(shop.http->Post("/api/v1/stock/counts", R"({"sku":"A1","counted":4})"), 201);
  EXPECT_EQ(down["movements"][0]["quantity"], -3);
  EXPECT_EQ(down["stock"]["on_hand"], 4);
  EXPECT_EQ(shop.Stock("A1")["on_hand"], 4);
}

TEST(ApiStock, CountThatConfirmsTheShelfIsRecordedWithQuantityZero) {
  Shop shop;
  shop.AllowProduct("A1", 5);
  json r = Expect(shop.http->Post("/api/v1/stock/counts", R"({"sku":"A1","counted":5})"), 201);
  ASSERT_EQ(r["movements"].size(), 1u);
  EXPECT_EQ(r["movements"][0]["kind"], "count");
  EXPECT_EQ(r["movements"][0]["quantity"], 0);
  EXPECT_EQ(r["stock"]["on_hand"], 5);
  EXPECT_EQ(Movements(shop, "A1")["items"][0]["kind"], "count");
}

TEST(ApiStock, NegativeCountIs400InvalidQuantity) {
  Shop shop;
  shop.AllowProduct("A1", 5);
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/stock/counts", R"({"sku":"A1","counted":-1})"), 400, "invalid_quantity", "counted"));
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/stock/counts", R"({"sku":"A1"})"), 400, "missing_field", "counted"));
  EXPECT_EQ(shop.Stock("A1")["on_hand"], 5);
}

TEST(ApiStock, ReceiptBooksStockWithItsReferenceAndFillsTheQueue) {
  Shop shop;
  shop.AllowProduct("A1");
  json o = shop.Place("o1", "A1", 2, "paid");
  json r = Expect(shop.http->Post("/api/v1/stock/receipts", R"({"sku":"A1","quantity":3,"reference":"delivery note 88213"})"), 201);
  ASSERT_EQ(r["movements"].size(), 1u);
  EXPECT_EQ(r["movements"][0]["kind"], "receipt");
  EXPECT_EQ(r["movements"][0]["quantity"], 3);
  EXPECT_EQ(r["movements"][0]["reference"], "delivery note 88213");
  EXPECT_EQ(r["filled"], json::array({json{{"order_id", o["id"]}, {"line_id", o["lines"][0]["line_id"]}, {"sku", "A1"}, {"quantity", 2}}}));
  EXPECT_EQ(r["ready_orders"], json::array({o["id"]}));
  EXPECT_EQ(r["stock"]["on_hand"], 3);
  EXPECT_EQ(r["stock"]["available"], 1);
  EXPECT_EQ(shop.Order(o["id"])["status"], "ready");
}

TEST(ApiStock, ReceiptAtAnotherLocation) {
  Shop shop;
  shop.AllowProduct("A1");
  ASSERT_EQ(shop.http->Put("/api/v1/locations/store-ams", R"({"name":"Shop"})").status, 201);
  json r = Expect(shop.http->Post("/api/v1/stock/receipts", R"({"sku":"A1","location":"store-ams","quantity":1})"), 201);
  EXPECT_EQ(r["movements"][0]["location"], "store-ams");
  json by_location = shop.Stock("A1")["by_location"];
  bool found = false;
  for (const auto& l : by_location) found |= l["location"] == "store-ams" && l["on_hand"] == 1;
  EXPECT_TRUE(found) << by_location.dump();
}

TEST(ApiStock, ReceiptWithoutAPositiveQuantityIs400InvalidQuantity) {
  Shop shop;
  shop.AllowProduct("A1");
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/stock/receipts", R"({"sku":"A1","quantity":0})"), 400, "invalid_quantity", "quantity"));
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/stock/receipts", R"({"sku":"A1","quantity":-2})"), 400, "invalid_quantity", "quantity"));
  EXPECT_EQ(shop.Stock("A1")["on_hand"], 0);
  EXPECT_EQ(Movements(shop, "A1")["items"], json::array());
}

TEST(ApiStock, MovementsAreNewestFirstWithSignedQuantitiesAndPageWithACursor) {
  Shop shop;
  shop.AllowProduct("A1");
  shop.AllowProduct("B2");
  ASSERT_EQ(shop.Adjust("A1", 5).status, 201);                                                          // +5
  ASSERT_EQ(shop.Adjust("B2", 9).status, 201);                                                          // other SKU
  ASSERT_EQ(shop.Adjust("A1", -1).status, 201);                                                         // -1
  ASSERT_EQ(shop.http->Post("/api/v1/stock/receipts", R"({"sku":"A1","quantity":3})").status, 201);      // +3
  ASSERT_EQ(shop.http->Post("/api/v1/stock/counts", R"({"sku":"A1","counted":5})").status, 201);         // -2
  json o = shop.Place("o1", "A1", 2, "paid");
  ASSERT_EQ(shop.http->Post("/api/v1/orders/" + o["id"].get<std::string>() + "/shipments", "{}").status, 201);  // -2

  std::vector<std::pair<std::string, int64_t>> expected = {
      {"shipment", -2}, {"count", -2}, {"receipt", 3}, {"adjustment", -1}, {"adjustment", 5}};
  std::vector<std::pair<std::string, int64_t>> seen;
  std::vector<int64_t> ids;
  std::string cursor;
  int pages = 0;
  while (pages < 10) {
    json page = Movements(shop, "A1", "&limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor));
    ++pages;
    EXPECT_LE(page["items"].size(), 2u);
    for (const auto& m : page["items"]) {
      EXPECT_EQ(m["sku"], "A1");
      seen.emplace_back(m["kind"], m["quantity"]);
      ids.push_back(std::stoll(m["id"].get<std::string>()));
    }
    if (page["next_cursor"].is_null()) break;
    cursor = page["next_cursor"].get<std::string>();
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, expected);
  for (size_t i = 1; i < ids.size(); ++i) EXPECT_GT(ids[i - 1], ids[i]);
  json all = Movements(shop, "A1");
  ASSERT_EQ(all["items"].size(), 5u);
  EXPECT_EQ(all["items"][0]["reference"], "order:" + o["id"].get<std::string>());
  EXPECT_TRUE(all["next_cursor"].is_null());
}

TEST(ApiStock, MovementsWhoseLastPageIsFullHaveANullCursor) {
  // docs/api.md, Lists and cursors: next_cursor is "null on the last page".
  Shop shop;
  shop.AllowProduct("A1");
  for (int i = 0; i < 2; ++i) ASSERT_EQ(shop.Adjust("A1", 1).status, 201);
  json page = Movements(shop, "A1", "&limit=2");
  EXPECT_EQ(page["items"].size(), 2u);
  EXPECT_TRUE(page["next_cursor"].is_null()) << page["next_cursor"].dump();
}

TEST(ApiStock, MovementsNeedASku) {
  Shop shop;
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/stock/movements"), 400, "missing_field", "sku"));
}

}  // namespace
}  // namespace belofte::testing::api_tests
