// Transport over the wire: malformed bodies, size limit, unknown paths, wrong methods, the shape
// of every problem answer, health and the OpenAPI document; and that rejected writes change
// nothing.
#include "api_test_util.h"

namespace belofte::testing::api_tests {
namespace {

TEST(ApiTransport, MalformedJsonIs400MalformedJson) {
  Shop shop;
  EXPECT_TRUE(IsProblem(shop.http->Put("/api/v1/products/A1", R"({"name":"x","price":"1.00")"), 400, "malformed_json"));
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/orders", "{'channel': 'web'}"), 400, "malformed_json"));
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/stock/adjustments", ""), 400, "malformed_json"));
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/stock/adjustments", R"({"sku":"A1","delta":1} trailing)"), 400, "malformed_json"));
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/products/A1"), 404, "unknown_sku"));
}

TEST(ApiTransport, DeeplyNestedJsonIs400MalformedJson) {
  Shop shop;
  std::string deep = R"({"name":"x","price":"1.00","backorder":)" + std::string(40, '[') + std::string(40, ']') + "}";
  EXPECT_TRUE(IsProblem(shop.http->Put("/api/v1/products/A1", deep), 400, "malformed_json"));
}

TEST(ApiTransport, ABodyThatIsNotAnObjectIs400) {
  Shop shop;
  for (const char* body : {"[1,2]", "\"text\"", "42", "null"}) {
    auto r = shop.http->Put("/api/v1/products/A1", body);
    EXPECT_TRUE(IsProblem(r, 400, "wrong_type")) << body;
  }
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/orders", "[]"), 400, "wrong_type"));
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/products/A1"), 404, "unknown_sku"));
}

TEST(ApiTransport, ABodyOverTheLimitIs413BodyTooLarge) {
  Shop shop(4096);
  std::string big = R"({"name":")" + std::string(6000, 'x') + R"(","price":"1.00"})";
  auto r = shop.http->Put("/api/v1/products/A1", big);
  EXPECT_TRUE(IsProblem(r, 413, "body_too_large"));
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/orders", big), 413, "body_too_large"));
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/products/A1"), 404, "unknown_sku"));
  // A body within the limit is served as usual.
  EXPECT_EQ(Expect(shop.PutProduct("A1", json{{"name", std::string(200, 'x')}, {"price", "1.00"}}), 201)["sku"], "A1");
}

TEST(ApiTransport, ABodyFarOverTheLimitIsStill413BodyTooLarge) {
  // API.md: "413 body over the limit". The transport reads up to 4x the limit; beyond that the
  // client must still get the 413 problem, not a dropped connection.
  Shop shop(4096);
  std::string huge = R"({"name":")" + std::string(40000, 'x') + R"(","price":"1.00"})";
  EXPECT_TRUE(IsProblem(shop.http->Put("/api/v1/products/A1", huge), 413, "body_too_large"));
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/products/A1"), 404, "unknown_sku"));
}

TEST(ApiTransport, UnknownPathIs404NotFound) {
  Shop shop;
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/nothing-here"), 404, "not_found"));
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v2/products"), 404, "not_found"));
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/products/A1/extra"), 404, "not_found"));
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/products/"), 404, "not_found"));
  EXPECT_TRUE(IsProblem(shop.Anonymous()->Get("/nope"), 404, "not_found"));
}

TEST(ApiTransport, WrongMethodOnAKnownPathIs405WithAnAllowHeader) {
  Shop shop;
  auto r = shop.http->Send("DELETE", "/api/v1/products/A1", "");
  EXPECT_TRUE(IsProblem(r, 405, "method_not_allowed"));
  ASSERT_TRUE(r.headers.count("allow")) << r.body;
  EXPECT_NE(r.headers["allow"].find("PUT"), std::string::npos) << r.headers["allow"];
  EXPECT_NE(r.headers["allow"].find("GET"), std::string::npos) << r.headers["allow"];
  EXPECT_EQ(r.headers["allow"].find("DELETE"), std::string::npos) << r.headers["allow"];

  auto post = shop.http->Post("/api/v1/products", "{}");
  EXPECT_TRUE(IsProblem(post, 405, "method_not_allowed"));
  EXPECT_EQ(post.headers["allow"], "GET");

  auto get = shop.http->Get("/api/v1/stock/adjustments");
  EXPECT_TRUE(IsProblem(get, 405, "method_not_allowed"));
  EXPECT_EQ(get.headers["allow"], "POST");

  auto orders = shop.http->Send("PATCH", "/api/v1/orders/1", "{}");
  EXPECT_TRUE(IsProblem(orders, 405, "method_not_allowed"));
  EXPECT_EQ(orders.headers["allow"], "GET");

  auto metrics = shop.http->Post("/metrics", "{}");
  EXPECT_TRUE(IsProblem(metrics, 405, "method_not_allowed"));
  EXPECT_EQ(metrics.headers["allow"], "GET");
}

TEST(ApiTransport, EveryErrorAnswerIsAProblemDocument) {
  Shop shop;
  shop.DenyProduct("D1", 1);
  auto reader = shop.WithScopes({"read"}, "blft_reader-token-for-problem-shape-0001");
  struct Case {
    HttpResult result;
    long status;
    const char* code;
  };
  std::vector<Case> cases = {
      {shop.http->Put("/api/v1/products/A1", "{"), 400, "malformed_json"},
      {shop.http->Put("/api/v1/products/A1", R"({"name":"x","price":"1.00","x":1})"), 400, "unknown_field"},
      {shop.http->Put("/api/v1/products/A1", R"({"name":1,"price":"1.00"})"), 400, "wrong_type"},
      {shop.http->Put("/api/v1/products/A1", R"({"price":"1.00"})"), 400, "missing_field"},
      {shop.Anonymous()->Get("/api/v1/products"), 401, "unauthorized"},
      {reader->Put("/api/v1/products/A1", R"({"name":"x","price":"1.00"})"), 403, "forbidden"},
      {shop.http->Get("/api/v1/orders/77"), 404, "unknown_order"},
      {shop.http->Get("/api/v1/nope"), 404, "not_found"},
      {shop.http->Send("DELETE", "/api/v1/orders", ""), 405, "method_not_allowed"},
      {shop.PlaceOrder(json{{"channel", "web"}, {"external_id", "1"}, {"lines", json::array({json{{"sku", "D1"}, {"quantity", 2}}})}}),
       409, "insufficient_stock"},
      {shop.Adjust("D1", -5), 409, "negative_stock"},
  };
  for (const auto& c : cases) {
    EXPECT_TRUE(IsProblem(c.result, c.status, c.code)) << c.code;
    json j = json::parse(c.result.body, nullptr, false);
    if (j.is_object()) {
      EXPECT_FALSE(j["detail"].get<std::string>().empty()) << c.code;
    }
  }
}

TEST(ApiTransport, JsonAnswersHaveTheJsonContentType) {
  Shop shop;
  shop.DenyProduct("A1", 1);
  for (const char* path : {"/api/v1/products", "/api/v1/products/A1", "/api/v1/locations", "/api/v1/orders",
                           "/api/v1/backorders", "/api/v1/stock/movements?sku=A1", "/healthz", "/api/v1/openapi.json"}) {
    auto r = shop.http->Get(path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.content_type().rfind("application/json", 0), 0u) << path << ": " << r.content_type();
    EXPECT_FALSE(json::parse(r.body, nullptr, false).is_discarded()) << path;
  }
}

TEST(ApiTransport, HealthzAnswersOkWithCounters) {
  Shop shop;
  auto anonymous = shop.Anonymous();
  json h = Expect(anonymous->Get("/healthz"), 200);
  EXPECT_EQ(h["status"], "ok");
  EXPECT_EQ(h["orders_open"], 0);
  EXPECT_TRUE(h["events"].is_number_integer());
  int64_t events = h["events"];
  shop.AllowProduct("A1", 1);
  shop.Place("o1", "A1", 1);
  json after = Expect(anonymous->Get("/healthz"), 200);
  EXPECT_EQ(after["orders_open"], 1);
  EXPECT_GT(after["events"].get<int64_t>(), events);
}

TEST(ApiTransport, EveryWriteAcceptsAnAtInstant) {
  // API.md: every write accepts an optional "at" instant.
  Shop shop;
  const std::string at = R"("at":"2026-03-02T07:00:00Z")";
  EXPECT_EQ(shop.http->Put("/api/v1/products/A1", R"({"name":"x","price":"1.00","backorder":{"policy":"allow"},)" + at + "}").status, 201);
  EXPECT_EQ(shop.http->Put("/api/v1/locations/annex", R"({"name":"Annex",)" + at + "}").status, 201);
  EXPECT_EQ(shop.http->Post("/api/v1/stock/adjustments", R"({"sku":"A1","delta":5,)" + at + "}").status, 201);
  EXPECT_EQ(shop.http->Post("/api/v1/stock/counts", R"({"sku":"A1","counted":5,)" + at + "}").status, 201);
  EXPECT_EQ(shop.http->Post("/api/v1/stock/receipts", R"({"sku":"A1","quantity":1,)" + at + "}").status, 201);
  json o = Expect(shop.http->Post("/api/v1/orders", R"({"channel":"web","external_id":"1","lines":[{"sku":"A1","quantity":3}],)" + at + "}"), 201);
  EXPECT_EQ(o["placed_at"], "2026-03-02T07:00:00Z");  // placed_at defaults to at
  std::string id = o["id"], line = o["lines"][0]["line_id"];
  EXPECT_EQ(shop.http->Post("/api/v1/orders/" + id + "/payment", R"({"payment":"paid",)" + at + "}").status, 200);
  EXPECT_EQ(shop.http->Post("/api/v1/backorders/" + line + "/priority", R"({"priority":1,)" + at + "}").status, 200);
  EXPECT_EQ(shop.http->Post("/api/v1/orders/" + id + "/cancel",
                            R"({"lines":[{"line_id":")" + line + R"(","quantity":1}],)" + at + "}").status,
            200);
  EXPECT_EQ(shop.http->Post("/api/v1/orders/" + id + "/shipments", "{" + at + "}").status, 201);
  json movements = Expect(shop.http->Get("/api/v1/stock/movements?sku=A1"), 200)["items"];
  for (const auto& m : movements) EXPECT_EQ(m["at"], "2026-03-02T07:00:00Z") << m.dump();
}

TEST(ApiTransport, AnInvalidAtIs400InvalidInstant) {
  Shop shop;
  shop.AllowProduct("A1");
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/stock/adjustments", R"({"sku":"A1","delta":1,"at":"2026-03-02 07:00"})"), 400,
                        "invalid_instant", "at"));
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/stock/adjustments", R"({"sku":"A1","delta":1,"at":1772434800})"), 400,
                        "wrong_type", "at"));
  EXPECT_EQ(shop.Stock("A1")["on_hand"], 0);
}

TEST(ApiTransport, PercentEncodedPathSegmentsAreDecoded) {
  Shop shop;
  shop.DenyProduct("A.B_C-1");
  EXPECT_EQ(Expect(shop.http->Get("/api/v1/products/A%2EB_C-1"), 200)["sku"], "A.B_C-1");
}

// A rejected write changes nothing: a sample of refusals, with the affected resources read
// before and after.
TEST(ApiTransport, RejectedWritesChangeNothing) {
  Shop shop;
  shop.AllowProduct("A1", 2);
  shop.DenyProduct("D1", 1);
  json waiting = shop.Place("w", "A1", 3, "paid", "2026-03-01T08:00:00Z", "ship_complete");
  json open = shop.Place("o", "D1", 1, "unpaid");

  auto snapshot = [&]() {
    return json{{"A1", shop.Product("A1")},
                {"D1", shop.Product("D1")},
                {"orders", Expect(shop.http->Get("/api/v1/orders"), 200)},
                {"queue", Expect(shop.http->Get("/api/v1/backorders"), 200)},
                {"movements_A1", Expect(shop.http->Get("/api/v1/stock/movements?sku=A1"), 200)},
                {"movements_D1", Expect(shop.http->Get("/api/v1/stock/movements?sku=D1"), 200)},
                {"locations", Expect(shop.http->Get("/api/v1/locations"), 200)}};
  };
  json before = snapshot();
  const std::string w = waiting["id"], o = open["id"];
  const std::string wl = waiting["lines"][0]["line_id"];

  std::vector<std::pair<HttpResult, long>> refused;
  // An order whose second line is short: the first line must not be allocated either.
  refused.emplace_back(shop.PlaceOrder(json{{"channel", "web"},
                                            {"external_id", "x1"},
                                            {"lines", json::array({json{{"sku", "A1"}, {"quantity", 1}},
                                                                   json{{"sku", "D1"}, {"quantity", 1}}})}}),
                       409);
  // An order with a valid first line and an unknown SKU in the second.
  refused.emplace_back(shop.PlaceOrder(json{{"channel", "web"},
                                            {"external_id", "x2"},
                                            {"lines", json::array({json{{"sku", "A1"}, {"quantity", 1}},
                                                                   json{{"sku", "NOPE"}, {"quantity", 1}}})}}),
                       400);
  refused.emplace_back(shop.Adjust("D1", -2), 409);
  refused.emplace_back(shop.Adjust("A1", 0), 400);
  refused.emplace_back(shop.http->Post("/api/v1/stock/counts", R"({"sku":"A1","counted":-3})"), 400);
  refused.emplace_back(shop.http->Post("/api/v1/stock/receipts", R"({"sku":"A1","quantity":2,"location":"nowhere"})"), 404);
  refused.emplace_back(shop.http->Post("/api/v1/orders/" + w + "/shipments", "{}"), 409);  // ship_complete_waiting
  refused.emplace_back(shop.http->Post("/api/v1/orders/" + w + "/cancel",
                                       json{{"lines", json::array({json{{"line_id", wl}, {"quantity", 4}}})}}.dump()),
                       400);
  refused.emplace_back(shop.http->Post("/api/v1/orders/" + w + "/payment", R"({"payment":"maybe"})"), 400);
  refused.emplace_back(shop.http->Post("/api/v1/backorders/" + wl + "/priority", R"({"priority":2000000})"), 400);
  refused.emplace_back(shop.PutProduct("A1", json{{"name", "Product A1"}, {"price", "10.00"}}), 409);  // backorders_waiting
  refused.emplace_back(shop.PutProduct("D1", json{{"name", "New name"}, {"price", "1,00"}}), 400);
  refused.emplace_back(shop.http->Put("/api/v1/locations/BAD", R"({"name":"x"})"), 400);
  refused.emplace_back(shop.http->Post("/api/v1/orders/" + o + "/shipments",
                                       json{{"lines", json::array({json{{"line_id", open["lines"][0]["line_id"]}, {"quantity", 2}}})}}.dump()),
                       400);
  for (size_t i = 0; i < refused.size(); ++i) {
    EXPECT_EQ(refused[i].first.status, refused[i].second) << "case " << i << ": " << refused[i].first.body;
    EXPECT_EQ(refused[i].first.content_type(), "application/problem+json") << "case " << i;
  }
  EXPECT_EQ(snapshot(), before);
}

}  // namespace
}  // namespace belofte::testing::api_tests
