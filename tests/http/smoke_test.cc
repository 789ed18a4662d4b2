// A first look over the wire: health, auth, and one order that waits and is filled.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/http_client.h"
#include "support/test_server.h"

namespace belofte::testing {
namespace {

using nlohmann::json;

TEST(HttpSmoke, AnOrderWaitsAndAnAdjustmentFillsIt) {
  TestServer server;
  HttpClient http(server.base_url());
  EXPECT_EQ(http.Get("/healthz").status, 200);
  EXPECT_EQ(http.Get("/api/v1/products").status, 401);
  http.set_token(TestServer::kAdminToken);
  ASSERT_EQ(http.Put("/api/v1/products/A1", R"({"name":"Molen","price":"89.95","backorder":{"policy":"allow"}})").status, 201);
  auto placed = http.Post("/api/v1/orders", R"({"channel":"web","external_id":"1","payment":"paid","lines":[{"sku":"A1","quantity":2}]})");
  ASSERT_EQ(placed.status, 201) << placed.body;
  json order = json::parse(placed.body);
  EXPECT_EQ(order["status"], "backordered");
  EXPECT_EQ(order["lines"][0]["queue_position"], 1);
  auto filled = http.Post("/api/v1/stock/adjustments", R"({"sku":"A1","delta":5,"reason":"found"})");
  ASSERT_EQ(filled.status, 201) << filled.body;
  json change = json::parse(filled.body);
  EXPECT_EQ(change["filled"][0]["order_id"], order["id"]);
  EXPECT_EQ(change["ready_orders"][0], order["id"]);
  EXPECT_EQ(change["stock"]["available"], 3);
}

}  // namespace
}  // namespace belofte::testing
