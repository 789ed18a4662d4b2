// Idempotency-Key and durability over the wire: retried writes apply once, keys and state
// survive a restart of the server on the same SQLite file.
#include "api_test_util.h"

namespace belofte::testing::api_tests {
namespace {

const std::string kAdjust = R"({"sku":"A1","delta":3,"reason":"found"})";

HttpResult Keyed(Shop& shop, const std::string& path, const std::string& body, const std::string& key) {
  return shop.http->Post(path, body, {"Idempotency-Key: " + key});
}

TEST(ApiIdempotency, SameKeyAndBodyAnswersTheSameAndAppliesOnce) {
  Shop shop;
  shop.AllowProduct("A1");
  auto first = Keyed(shop, "/api/v1/stock/adjustments", kAdjust, "key-1");
  json a = Expect(first, 201);
  auto second = Keyed(shop, "/api/v1/stock/adjustments", kAdjust, "key-1");
  json b = Expect(second, 201);
  EXPECT_EQ(b, a);
  EXPECT_EQ(b["movements"][0]["id"], a["movements"][0]["id"]);
  EXPECT_EQ(shop.Stock("A1")["on_hand"], 3);
  EXPECT_EQ(Expect(shop.http->Get("/api/v1/stock/movements?sku=A1"), 200)["items"].size(), 1u);
}

TEST(ApiIdempotency, SameKeyWithADifferentBodyIs422AndChangesNothing) {
  Shop shop;
  shop.AllowProduct("A1");
  ASSERT_EQ(Keyed(shop, "/api/v1/stock/adjustments", kAdjust, "key-1").status, 201);
  json before = shop.Product("A1");
  auto r = Keyed(shop, "/api/v1/stock/adjustments", R"({"sku":"A1","delta":5,"reason":"found"})", "key-1");
  EXPECT_TRUE(IsProblem(r, 422, "idempotency_key_reused"));
  EXPECT_EQ(shop.Product("A1"), before);
  // The same body on another endpoint is another request too.
  EXPECT_TRUE(IsProblem(Keyed(shop, "/api/v1/stock/receipts", R"({"sku":"A1","quantity":3})", "key-1"), 422,
                        "idempotency_key_reused"));
  EXPECT_EQ(shop.Stock("A1")["on_hand"], 3);
}

TEST(ApiIdempotency, DifferentKeysApplyTwice) {
  Shop shop;
  shop.AllowProduct("A1");
  json a = Expect(Keyed(shop, "/api/v1/stock/adjustments", kAdjust, "key-1"), 201);
  json b = Expect(Keyed(shop, "/api/v1/stock/adjustments", kAdjust, "key-2"), 201);
  EXPECT_NE(a["movements"][0]["id"], b["movements"][0]["id"]);
  EXPECT_EQ(shop.Stock("A1")["on_hand"], 6);
}

TEST(ApiIdempotency, ARetriedReceiptWithFillsAnswersTheFirstAnswer) {
  Shop shop;
  shop.AllowProduct("A1");
  json o = shop.Place("o", "A1", 1, "paid");
  const std::string body = R"({"sku":"A1","quantity":2,"reference":"delivery note 88213"})";
  json a = Expect(Keyed(shop, "/api/v1/stock/receipts", body, "7f0c6a8e-2b1d-4c53-9f3e-1f6a0d2e9b41"), 201);
  ASSERT_EQ(a["filled"].size(), 1u);
  json b = Expect(Keyed(shop, "/api/v1/stock/receipts", body, "7f0c6a8e-2b1d-4c53-9f3e-1f6a0d2e9b41"), 201);
  EXPECT_EQ(b, a);
  EXPECT_EQ(shop.Stock("A1")["on_hand"], 2);
  EXPECT_EQ(shop.Stock("A1")["allocated"], 1);
}

TEST(ApiIdempotency, KeyedWritesOnOrdersApplyOnce) {
  Shop shop;
  shop.AllowProduct("A1", 3);
  json o = shop.Place("o", "A1", 3);
  std::string line = o["lines"][0]["line_id"];
  std::string path = "/api/v1/orders/" + o["id"].get<std::string>() + "/cancel";
  std::string body = json{{"lines", json::array({json{{"line_id", line}, {"quantity", 1}}})}}.dump();
  json a = Expect(Keyed(shop, path, body, "cancel-1"), 200);
  json b = Expect(Keyed(shop, path, body, "cancel-1"), 200);
  EXPECT_EQ(b, a);
  EXPECT_EQ(shop.Order(o["id"])["lines"][0]["cancelled"], 1);
}

TEST(ApiIdempotency, AKeyOver200CharactersIs400) {
  Shop shop;
  shop.AllowProduct("A1");
  EXPECT_EQ(Keyed(shop, "/api/v1/stock/adjustments", kAdjust, std::string(201, 'k')).status, 400);
  EXPECT_EQ(shop.Stock("A1")["on_hand"], 0);
  EXPECT_EQ(Keyed(shop, "/api/v1/stock/adjustments", kAdjust, std::string(200, 'k')).status, 201);
}

TEST(ApiIdempotency, TheKeySurvivesARestart) {
  Shop shop;
  shop.AllowProduct("A1");
  json a = Expect(Keyed(shop, "/api/v1/stock/adjustments", kAdjust, "key-restart"), 201);
  shop.Restart();
  json b = Expect(Keyed(shop, "/api/v1/stock/adjustments", kAdjust, "key-restart"), 201);
  EXPECT_EQ(b, a);
  EXPECT_EQ(shop.Stock("A1")["on_hand"], 3);
  EXPECT_TRUE(IsProblem(Keyed(shop, "/api/v1/stock/adjustments", R"({"sku":"A1","delta":1})", "key-restart"), 422,
                        "idempotency_key_reused"));
  EXPECT_EQ(shop.Stock("A1")["on_hand"], 3);
}

TEST(ApiIdempotency, ARefusedKeyedRequestCanBeRetriedAfterTheCauseIsFixed) {
  Shop shop;
  auto r = Keyed(shop, "/api/v1/stock/adjustments", kAdjust, "key-early");
  EXPECT_TRUE(IsProblem(r, 404, "unknown_sku"));
  shop.AllowProduct("A1");
  EXPECT_EQ(Expect(Keyed(shop, "/api/v1/stock/adjustments", kAdjust, "key-early"), 201)["stock"]["on_hand"], 3);
}

// The parts of an order that do not depend on the server's address.
json Portable(json order) {
  std::string url = order["status_url"];
  order["status_url"] = url.substr(url.find("/status/"));
  return order;
}

TEST(ApiDurability, OrdersStockAndQueuePositionsAreTheSameAfterARestart) {
  Shop shop;
  shop.AllowProduct("A1", 2);
  shop.DenyProduct("D1", 4);
  ASSERT_EQ(shop.http->Put("/api/v1/locations/store-ams", R"({"name":"Shop"})").status, 201);
  ASSERT_EQ(shop.Adjust("D1", 1, "store-ams").status, 201);
  json a = shop.Place("a", "A1", 3, "paid", "2026-03-01T08:00:00Z", "ship_complete");
  json b = shop.Place("b", "A1", 2, "unpaid", "2026-03-01T07:00:00Z");
  json c = shop.Place("c", "A1", 1, "unpaid", "2026-03-01T06:00:00Z");
  json d = shop.Place("d", "D1", 5, "paid");
  ASSERT_EQ(shop.http->Post("/api/v1/backorders/" + c["lines"][0]["line_id"].get<std::string>() + "/priority", R"({"priority":7})").status, 200);
  ASSERT_EQ(shop.http->Post("/api/v1/orders/" + d["id"].get<std::string>() + "/shipments", R"({"location":"main"})").status, 201);
  json cancelled = shop.Place("s", "A1", 1, "paid");  // waits, then cancelled
  ASSERT_EQ(shop.http->Post("/api/v1/orders/" + cancelled["id"].get<std::string>() + "/cancel", "{}").status, 200);

  auto snapshot = [&]() {
    json orders = json::array();
    for (const auto& o : {a, b, c, d, cancelled}) orders.push_back(Portable(shop.Order(o["id"])));
    json listed = Expect(shop.http->Get("/api/v1/orders"), 200)["items"];
    for (auto& o : listed) o = Portable(o);
    return json{{"orders", orders},
                {"listed", listed},
                {"A1", shop.Product("A1")},
                {"D1", shop.Product("D1")},
                {"queue", Expect(shop.http->Get("/api/v1/backorders"), 200)},
                {"movements", Expect(shop.http->Get("/api/v1/stock/movements?sku=D1"), 200)},
                {"locations", Expect(shop.http->Get("/api/v1/locations"), 200)}};
  };
  json before = snapshot();
  ASSERT_EQ(before["queue"]["items"].size(), 3u) << before["queue"].dump();
  EXPECT_EQ(before["queue"]["items"][0]["order_id"], c["id"]);

  shop.Restart();
  json after = snapshot();
  EXPECT_EQ(after, before);

  // The queue still decides who gets stock after the restart, and new ids do not collide.
  json fill = Expect(shop.Adjust("A1", 1), 201);
  ASSERT_EQ(fill["filled"].size(), 1u);
  EXPECT_EQ(fill["filled"][0]["order_id"], c["id"]);
  json e = shop.Place("e", "A1", 1);
  for (const auto& o : {a, b, c, d, cancelled}) EXPECT_NE(e["id"], o["id"]);
  EXPECT_NE(e["lines"][0]["line_id"], a["lines"][0]["line_id"]);
  // The same order delivered again after the restart is still the same order.
  json again = Expect(shop.PlaceOrder(json{{"channel", "web"}, {"external_id", "a"},
                                           {"lines", json::array({json{{"sku", "A1"}, {"quantity", 3}}})}}),
                      200);
  EXPECT_EQ(again["id"], a["id"]);
}

TEST(ApiDurability, ClosedOrdersAreReadableAfterARestart) {
  Shop shop;
  shop.AllowProduct("A1", 1);
  json o = shop.Place("o", "A1", 1, "paid");
  Expect(shop.http->Post("/api/v1/orders/" + o["id"].get<std::string>() + "/shipments", "{}"), 201);
  shop.Restart();
  json read = shop.Order(o["id"]);
  EXPECT_EQ(read["status"], "shipped");
  EXPECT_EQ(read["lines"][0]["shipped"], 1);
  EXPECT_EQ(Portable(read)["status_url"], Portable(o)["status_url"]);
}

}  // namespace
}  // namespace belofte::testing::api_tests
