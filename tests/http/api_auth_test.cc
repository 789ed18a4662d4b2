// Authentication and scopes over the wire.
#include "api_test_util.h"

namespace belofte::testing::api_tests {
namespace {

const json kProduct = {{"name", "Molen"}, {"price", "89.95"}, {"backorder", {{"policy", "allow"}}}};
const std::string kOrder =
    R"({"channel":"web","external_id":"E1","lines":[{"sku":"A1","quantity":1}]})";
const std::string kAdjust = R"({"sku":"A1","delta":3})";

TEST(ApiAuth, NoTokenIs401WithWwwAuthenticate) {
  Shop shop;
  auto anonymous = shop.Anonymous();
  for (const char* path : {"/api/v1/products", "/api/v1/orders", "/api/v1/backorders", "/api/v1/locations",
                           "/api/v1/orders/1", "/api/v1/products/A1", "/api/v1/stock/movements?sku=A1"}) {
    auto r = anonymous->Get(path);
    EXPECT_TRUE(IsProblem(r, 401, "unauthorized")) << path;
    EXPECT_EQ(r.headers["www-authenticate"].rfind("Bearer", 0), 0u) << path << ": " << r.headers["www-authenticate"];
  }
  auto write = anonymous->Put("/api/v1/products/A1", kProduct.dump());
  EXPECT_TRUE(IsProblem(write, 401, "unauthorized"));
  EXPECT_TRUE(write.headers.count("www-authenticate"));
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/products/A1"), 404, "unknown_sku"));
}

TEST(ApiAuth, WrongTokenIs401) {
  Shop shop;
  auto c = shop.Anonymous();
  c->set_token("blft_not-a-real-token-000000000000000000000000");
  auto r = c->Get("/api/v1/products");
  EXPECT_TRUE(IsProblem(r, 401, "unauthorized"));
  EXPECT_TRUE(r.headers.count("www-authenticate"));
  EXPECT_TRUE(IsProblem(c->Put("/api/v1/products/A1", kProduct.dump()), 401, "unauthorized"));
  // Not a bearer scheme at all.
  auto basic = shop.Anonymous()->Get("/api/v1/products", {"Authorization: Basic dXNlcjpwYXNz"});
  EXPECT_TRUE(IsProblem(basic, 401, "unauthorized"));
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/products/A1"), 404, "unknown_sku"));
}

TEST(ApiAuth, ReadTokenCanReadButGets403OnWrites) {
  Shop shop;
  ASSERT_EQ(shop.PutProduct("A1", kProduct).status, 201);
  auto reader = shop.WithScopes({"read"}, "blft_read-only-token-aaaaaaaaaaaaaaaaaaaaaaaa");
  for (const char* path : {"/api/v1/products", "/api/v1/products/A1", "/api/v1/orders", "/api/v1/backorders",
                           "/api/v1/backorders?sku=A1", "/api/v1/locations", "/api/v1/stock/movements?sku=A1"}) {
    EXPECT_EQ(reader->Get(path).status, 200) << path;
  }
  struct Write {
    HttpResult result;
    const char* scope;
  };
  std::vector<Write> writes = {
      {reader->Put("/api/v1/products/A1", kProduct.dump()), "stock:write"},
      {reader->Put("/api/v1/locations/annex", R"({"name":"Annex"})"), "stock:write"},
      {reader->Post("/api/v1/stock/adjustments", kAdjust), "stock:write"},
      {reader->Post("/api/v1/stock/counts", R"({"sku":"A1","counted":1})"), "stock:write"},
      {reader->Post("/api/v1/stock/receipts", R"({"sku":"A1","quantity":1})"), "stock:write"},
      {reader->Post("/api/v1/orders", kOrder), "orders:write"},
      {reader->Post("/api/v1/orders/1/payment", R"({"payment":"paid"})"), "orders:write"},
      {reader->Post("/api/v1/orders/1/cancel", "{}"), "orders:write"},
      {reader->Post("/api/v1/orders/1/shipments", "{}"), "orders:write"},
      {reader->Post("/api/v1/backorders/1/priority", R"({"priority":1})"), "orders:write"},
  };
  for (const auto& w : writes) {
    EXPECT_TRUE(IsProblem(w.result, 403, "forbidden")) << w.scope;
    json j = json::parse(w.result.body, nullptr, false);
    if (j.is_object()) {
      EXPECT_EQ(j["required_scope"], w.scope);
    }
  }
  EXPECT_EQ(shop.Stock("A1")["on_hand"], 0);
  EXPECT_EQ(Expect(shop.http->Get("/api/v1/orders"), 200)["items"], json::array());
  EXPECT_EQ(Expect(shop.http->Get("/api/v1/locations"), 200)["items"].size(), 1u);
}

TEST(ApiAuth, OrdersWriteCanPlaceOrdersButNotAdjustStock) {
  Shop shop;
  ASSERT_EQ(shop.PutProduct("A1", kProduct).status, 201);
  auto orders = shop.WithScopes({"orders:write"}, "blft_orders-token-bbbbbbbbbbbbbbbbbbbbbbbbbb");
  json o = Expect(orders->Post("/api/v1/orders", kOrder), 201);
  std::string id = o["id"];
  EXPECT_EQ(Expect(orders->Post("/api/v1/orders/" + id + "/payment", R"({"payment":"paid"})"), 200)["payment"], "paid");
  EXPECT_EQ(Expect(orders->Post("/api/v1/backorders/" + o["lines"][0]["line_id"].get<std::string>() + "/priority",
                                R"({"priority":1})"),
                   200)["priority"],
            1);
  EXPECT_EQ(orders->Get("/api/v1/orders/" + id).status, 200);  // any valid token reads
  auto adjust = orders->Post("/api/v1/stock/adjustments", kAdjust);
  EXPECT_TRUE(IsProblem(adjust, 403, "forbidden"));
  EXPECT_EQ(Parse(adjust)["required_scope"], "stock:write");
  EXPECT_TRUE(IsProblem(orders->Put("/api/v1/products/A1", kProduct.dump()), 403, "forbidden"));
  EXPECT_TRUE(IsProblem(orders->Post("/api/v1/stock/receipts", R"({"sku":"A1","quantity":1})"), 403, "forbidden"));
  EXPECT_EQ(shop.Stock("A1")["on_hand"], 0);
}

TEST(ApiAuth, StockWriteCanAdjustStockButNotPlaceOrders) {
  Shop shop;
  auto stock = shop.WithScopes({"stock:write"}, "blft_stock-token-cccccccccccccccccccccccccccc");
  EXPECT_EQ(stock->Put("/api/v1/products/A1", kProduct.dump()).status, 201);
  EXPECT_EQ(stock->Put("/api/v1/locations/annex", R"({"name":"Annex"})").status, 201);
  EXPECT_EQ(Expect(stock->Post("/api/v1/stock/adjustments", kAdjust), 201)["stock"]["on_hand"], 3);
  EXPECT_EQ(stock->Post("/api/v1/stock/counts", R"({"sku":"A1","counted":4})").status, 201);
  EXPECT_EQ(stock->Post("/api/v1/stock/receipts", R"({"sku":"A1","quantity":1})").status, 201);
  EXPECT_EQ(stock->Get("/api/v1/products/A1").status, 200);
  auto order = stock->Post("/api/v1/orders", kOrder);
  EXPECT_TRUE(IsProblem(order, 403, "forbidden"));
  EXPECT_EQ(Parse(order)["required_scope"], "orders:write");
  EXPECT_EQ(Expect(shop.http->Get("/api/v1/orders"), 200)["items"], json::array());
  EXPECT_EQ(shop.Stock("A1")["on_hand"], 5);
}

TEST(ApiAuth, AnAdminTokenFromTheStoreCanDoEverything) {
  Shop shop;
  auto admin = shop.WithScopes({"admin"}, "blft_admin-token-dddddddddddddddddddddddddddd");
  EXPECT_EQ(admin->Put("/api/v1/products/A1", kProduct.dump()).status, 201);
  EXPECT_EQ(admin->Post("/api/v1/stock/adjustments", kAdjust).status, 201);
  json o = Expect(admin->Post("/api/v1/orders", kOrder), 201);
  EXPECT_EQ(admin->Post("/api/v1/orders/" + o["id"].get<std::string>() + "/shipments", "{}").status, 201);
  EXPECT_EQ(admin->Get("/api/v1/orders").status, 200);
}

TEST(ApiAuth, TheAdminTokenCanDoEverything) {
  Shop shop;
  EXPECT_EQ(shop.PutProduct("A1", kProduct).status, 201);
  EXPECT_EQ(shop.http->Put("/api/v1/locations/annex", R"({"name":"Annex"})").status, 201);
  EXPECT_EQ(shop.http->Post("/api/v1/stock/adjustments", kAdjust).status, 201);
  json o = Expect(shop.PlaceOrder(json::parse(kOrder)), 201);
  std::string id = o["id"];
  EXPECT_EQ(shop.http->Post("/api/v1/orders/" + id + "/payment", R"({"payment":"paid"})").status, 200);
  EXPECT_EQ(shop.http->Post("/api/v1/backorders/" + o["lines"][0]["line_id"].get<std::string>() + "/priority", R"({"priority":1})").status, 200);
  EXPECT_EQ(shop.http->Post("/api/v1/orders/" + id + "/shipments", "{}").status, 201);
}

TEST(ApiAuth, ARevokedTokenIsRefused) {
  Shop shop;
  const std::string token = "blft_revoked-token-eeeeeeeeeeeeeeeeeeeeeeeeeee";
  auto created = shop.server.tokens().CreateToken("soon-revoked", {"admin"}, api::Sha256Hex(token), "2026-01-01T00:00:00Z");
  ASSERT_TRUE(created.ok());
  ASSERT_TRUE(shop.server.tokens().RevokeToken(created->id, "2026-01-02T00:00:00Z").ok());
  auto c = shop.Anonymous();
  c->set_token(token);
  EXPECT_TRUE(IsProblem(c->Get("/api/v1/products"), 401, "unauthorized"));
  EXPECT_TRUE(IsProblem(c->Put("/api/v1/products/A1", kProduct.dump()), 401, "unauthorized"));
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/products/A1"), 404, "unknown_sku"));
}

TEST(ApiAuth, HealthMetricsAndOpenApiNeedNoToken) {
  Shop shop;
  auto anonymous = shop.Anonymous();
  EXPECT_EQ(anonymous->Get("/healthz").status, 200);
  auto metrics = anonymous->Get("/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.content_type().rfind("text/plain", 0), 0u) << metrics.content_type();
  auto doc = anonymous->Get("/api/v1/openapi.json");
  EXPECT_EQ(doc.status, 200);
  EXPECT_FALSE(json::parse(doc.body, nullptr, false).is_discarded());
  // A wrong token does not stop them either.
  anonymous->set_token("blft_wrong");
  EXPECT_EQ(anonymous->Get("/healthz").status, 200);
  EXPECT_EQ(anonymous->Get("/metrics").status, 200);
}

}  // namespace
}  // namespace belofte::testing::api_tests
