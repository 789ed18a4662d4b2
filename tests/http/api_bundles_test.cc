// Bundles over the wire (docs/bundles.md): a product made of components, its derived stock, an
// order line for it expanded into component lines, and shipping and cancelling through the
// bundle line. Rejections are problem+json naming the field, and change nothing.
#include "api_test_util.h"

namespace belofte::testing::api_tests {
namespace {

// MUG x1 and BEANS x2 per gift set.
json GiftSet(const std::string& policy = "allow") {
  return json{{"name", "Cadeauset"},
              {"price", "29.95"},
              {"backorder", {{"policy", policy}}},
              {"components", json::array({json{{"sku", "MUG"}, {"quantity", 1}}, json{{"sku", "BEANS"}, {"quantity", 2}}})}};
}

class ApiBundles : public ::testing::Test {
 protected:
  void SetUp() override {
    shop.AllowProduct("MUG", 3);
    shop.AllowProduct("BEANS", 5);
  }
  json OrderFor(const std::string& ext, const std::string& sku, int64_t quantity, const std::string& payment = "paid") {
    return shop.Place(ext, sku, quantity, payment);
  }
  Shop shop;
};

TEST_F(ApiBundles, PutABundleAnswersItsComponentsAndDerivedStock) {
  json p = Expect(shop.PutProduct("GIFT", GiftSet()), 201);
  EXPECT_EQ(p["components"], GiftSet()["components"]);
  // MUG 3 free, BEANS 5 free -> min(3/1, 5/2) = 2 gift sets.
  EXPECT_EQ(p["stock"]["available"], 2);
  EXPECT_EQ(p["stock"]["on_hand"], 2);
  EXPECT_EQ(p["stock"]["allocated"], 0);
  EXPECT_EQ(p["stock"]["backordered"], 0);
  EXPECT_EQ(p["stock"]["incoming"], 0);
  EXPECT_EQ(p["stock"]["derived"], true);
  EXPECT_EQ(shop.Product("GIFT")["components"], GiftSet()["components"]);
}

TEST_F(ApiBundles, BadComponentsAreRefusedNamingTheFieldAndChangeNothing) {
  Expect(shop.PutProduct("GIFT", GiftSet()), 201);
  json unknown = GiftSet();
  unknown["components"][1]["sku"] = "NOPE";
  EXPECT_TRUE(IsProblem(shop.PutProduct("KIT", unknown), 400, "unknown_sku", "components[1].sku"));
  json nested = GiftSet();
  nested["components"][0]["sku"] = "GIFT";
  EXPECT_TRUE(IsProblem(shop.PutProduct("KIT", nested), 409, "nested_bundle", "components[0].sku"));
  json self = GiftSet();
  self["components"][1]["sku"] = "KIT";
  EXPECT_TRUE(IsProblem(shop.PutProduct("KIT", self), 400, "bundle_contains_itself", "components[1].sku"));
  json zero = GiftSet();
  zero["components"][0]["quantity"] = 0;
  EXPECT_TRUE(IsProblem(shop.PutProduct("KIT", zero), 400, "invalid_quantity", "components[0].quantity"));
  json twice = GiftSet();
  twice["components"][1]["sku"] = "MUG";
  EXPECT_TRUE(IsProblem(shop.PutProduct("KIT", twice), 400, "duplicate_sku", "components[1].sku"));
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/products/KIT"), 404, "unknown_sku"));
  // A product with stock cannot become a bundle.
  json mug = GiftSet();
  mug["components"] = json::array({json{{"sku", "BEANS"}, {"quantity", 1}}});
  EXPECT_TRUE(IsProblem(shop.PutProduct("MUG", mug), 409, "product_has_stock", "components"));
  EXPECT_EQ(shop.Product("MUG")["components"], json::array());
}

TEST_F(ApiBundles, StockOfABundleIsRefused) {
  Expect(shop.PutProduct("GIFT", GiftSet()), 201);
  EXPECT_TRUE(IsProblem(shop.Adjust("GIFT", 4), 409, "bundle_has_no_stock", "sku"));
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/stock/counts", R"({"sku":"GIFT","counted":3})"), 409,
                        "bundle_has_no_stock", "sku"));
  EXPECT_EQ(shop.Stock("GIFT")["on_hand"], 2);  // still derived from the components
  EXPECT_EQ(Expect(shop.http->Get("/api/v1/stock/movements?sku=GIFT"), 200)["items"], json::array());
}

TEST_F(ApiBundles, AnOrderForABundleListsTheBundleLineWithItsComponents) {
  Expect(shop.PutProduct("GIFT", GiftSet()), 201);
  json o = OrderFor("g1", "GIFT", 3);  // needs MUG 3 (3 free), BEANS 6 (5 free)
  ASSERT_EQ(o["lines"].size(), 1u) << o.dump();
  json line = o["lines"][0];
  EXPECT_EQ(line["sku"], "GIFT");
  EXPECT_EQ(line["quantity"], 3);
  EXPECT_EQ(line["unit_price"], "29.95");
  EXPECT_EQ(line["allocated"], 2);  // BEANS 5 -> two whole sets
  EXPECT_EQ(line["backordered"], 1);
  ASSERT_EQ(line["components"].size(), 2u);
  EXPECT_EQ(line["components"][0]["sku"], "MUG");
  EXPECT_EQ(line["components"][0]["allocated"], 3);
  EXPECT_EQ(line["components"][1]["sku"], "BEANS");
  EXPECT_EQ(line["components"][1]["quantity"], 6);
  EXPECT_EQ(line["components"][1]["per_bundle"], 2);
  EXPECT_EQ(line["components"][1]["allocated"], 5);
  EXPECT_EQ(line["components"][1]["backordered"], 1);
  EXPECT_EQ(o["status"], "ready");  // ship_available: two whole sets can leave

  json gift = shop.Stock("GIFT");
  EXPECT_EQ(gift["available"], 0);
  EXPECT_EQ(gift["allocated"], 2);
  EXPECT_EQ(gift["backordered"], 1);
  json queue = shop.Queue("BEANS");
  ASSERT_EQ(queue.size(), 1u);
  EXPECT_EQ(queue[0]["bundle_sku"], "GIFT");
  EXPECT_EQ(queue[0]["bundle_line_id"], line["line_id"]);
  EXPECT_EQ(queue[0]["line_id"], line["components"][1]["line_id"]);
  EXPECT_EQ(queue[0]["quantity"], 1);

  // The missing bean arrives: the set is whole.
  json r = Expect(shop.Adjust("BEANS", 1), 201);
  EXPECT_EQ(shop.Order(o["id"])["lines"][0]["allocated"], 3);
  EXPECT_EQ(shop.Order(o["id"])["lines"][0]["backordered"], 0);
}

TEST_F(ApiBundles, DenyBundleShortNamesTheComponents) {
  Expect(shop.PutProduct("GIFT", GiftSet("deny")), 201);
  auto r = shop.PlaceOrder(json{{"channel", "web"},
                                {"external_id", "d1"},
                                {"lines", json::array({json{{"sku", "GIFT"}, {"quantity", 3}}})}});
  ASSERT_TRUE(IsProblem(r, 409, "insufficient_stock"));
  json p = Parse(r);
  ASSERT_EQ(p["shortages"].size(), 1u) << p.dump();
  EXPECT_EQ(p["shortages"][0]["sku"], "BEANS");
  EXPECT_EQ(p["shortages"][0]["requested"], 6);
  EXPECT_EQ(p["shortages"][0]["available"], 5);
  EXPECT_EQ(shop.Stock("BEANS")["allocated"], 0);
}

TEST_F(ApiBundles, ShipAndCancelThroughTheBundleLine) {
  Expect(shop.PutProduct("GIFT", GiftSet()), 201);
  json o = OrderFor("g1", "GIFT", 3);
  std::string id = o["id"];
  std::string bundle_line = o["lines"][0]["line_id"];
  std::string bean_line = o["lines"][0]["components"][1]["line_id"];

  // A component line is not addressable on its own.
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/orders/" + id + "/shipments",
                                        json{{"lines", json::array({json{{"line_id", bean_line}, {"quantity", 2}}})}}.dump()),
                        409, "part_of_bundle", "lines[0].line_id"));
  // Only whole sets whose components are allocated ship: 2 of 3.
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/orders/" + id + "/shipments",
                                        json{{"lines", json::array({json{{"line_id", bundle_line}, {"quantity", 3}}})}}.dump()),
                        409, "not_allocated"));
  json shipped = Expect(shop.http->Post("/api/v1/orders/" + id + "/shipments",
                                        json{{"lines", json::array({json{{"line_id", bundle_line}, {"quantity", 2}}})}}.dump()),
                        201);
  json after = shop.Order(id);
  EXPECT_EQ(after["status"], "partially_shipped");
  EXPECT_EQ(after["lines"][0]["shipped"], 2);
  EXPECT_EQ(after["lines"][0]["components"][0]["shipped"], 2);
  EXPECT_EQ(after["lines"][0]["components"][1]["shipped"], 4);
  EXPECT_EQ(shop.Stock("MUG")["on_hand"], 1);
  EXPECT_EQ(shop.Stock("BEANS")["on_hand"], 1);

  // Cancelling the last set releases its mug and its waiting bean.
  Expect(shop.http->Post("/api/v1/orders/" + id + "/cancel",
                         json{{"lines", json::array({json{{"line_id", bundle_line}, {"quantity", 1}}})}}.dump()),
         200);
  after = shop.Order(id);
  EXPECT_EQ(after["status"], "shipped");
  EXPECT_EQ(after["lines"][0]["cancelled"], 1);
  EXPECT_EQ(after["lines"][0]["backordered"], 0);
  EXPECT_EQ(shop.Queue("BEANS"), json::array());
  EXPECT_EQ(shop.Stock("MUG")["available"], 1);
}

TEST_F(ApiBundles, PriorityOfABundleLineMovesItsComponentLines) {
  Expect(shop.PutProduct("GIFT", GiftSet()), 201);
  json first = OrderFor("b1", "BEANS", 6);  // takes the beans; waits for 1
  json o = OrderFor("g1", "GIFT", 1);       // its beans wait behind
  std::string bundle_line = o["lines"][0]["line_id"];
  std::string bean_line = o["lines"][0]["components"][1]["line_id"];
  EXPECT_EQ(shop.Queue("BEANS")[1]["line_id"], bean_line);
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/backorders/" + bean_line + "/priority", R"({"priority":5})"), 409,
                        "part_of_bundle"));
  json r = Expect(shop.http->Post("/api/v1/backorders/" + bundle_line + "/priority", R"({"priority":5})"), 200);
  EXPECT_EQ(r["sku"], "GIFT");
  EXPECT_EQ(r["priority"], 5);
  json queue = shop.Queue("BEANS");
  EXPECT_EQ(queue[0]["line_id"], bean_line);
  EXPECT_EQ(queue[0]["bundle_line_id"], bundle_line);
  EXPECT_EQ(queue[0]["priority"], 5);
}

TEST_F(ApiBundles, BundlesAndTheirLinesSurviveARestart) {
  Expect(shop.PutProduct("GIFT", GiftSet()), 201);
  json o = OrderFor("g1", "GIFT", 3);
  json before = shop.Order(o["id"]);
  shop.Restart();
  EXPECT_EQ(shop.Product("GIFT")["components"], GiftSet()["components"]);
  json reloaded = shop.Order(o["id"]);
  reloaded.erase("status_url");  // the port changed with the restart
  before.erase("status_url");
  EXPECT_EQ(reloaded, before);
  EXPECT_EQ(shop.Queue("BEANS")[0]["bundle_line_id"], before["lines"][0]["line_id"]);
  // Components cannot change while the bundle has open lines.
  json other = GiftSet();
  other["components"][1]["quantity"] = 1;
  EXPECT_TRUE(IsProblem(shop.PutProduct("GIFT", other), 409, "bundle_in_use", "components"));
}

}  // namespace
}  // namespace belofte::testing::api_tests
