// Catalogue over the wire: products and locations — create, update, read, list, and every way a
// product definition is refused.
#include "api_test_util.h"

namespace belofte::testing::api_tests {
namespace {

const json kGrinder = {{"name", "Comandante C40 hand grinder"},
                       {"price", "249.00"},
                       {"cost", "151.25"},
                       {"backorder", {{"policy", "allow"}, {"max_units", 20}, {"max_wait_days", 30}}}};

TEST(ApiCatalogue, PutProductCreatesWith201AndAnswersTheProduct) {
  Shop shop;
  auto r = shop.PutProduct("GRINDER-C40", kGrinder);
  json p = Expect(r, 201);
  EXPECT_EQ(p["sku"], "GRINDER-C40");
  EXPECT_EQ(p["name"], "Comandante C40 hand grinder");
  EXPECT_EQ(p["price"], "249.00");
  EXPECT_EQ(p["cost"], "151.25");
  EXPECT_EQ(p["currency"], "EUR");
  EXPECT_EQ(p["backorder"]["policy"], "allow");
  EXPECT_EQ(p["backorder"]["max_units"], 20);
  EXPECT_EQ(p["backorder"]["max_wait_days"], 30);
  EXPECT_TRUE(p["backorder"]["release_date"].is_null());
  EXPECT_EQ(p["components"], json::array());
  for (const char* k : {"on_hand", "allocated", "available", "backordered", "incoming"}) {
    EXPECT_EQ(p["stock"][k], 0) << k;
  }
  EXPECT_TRUE(p["stock"]["by_location"].is_array());
}

TEST(ApiCatalogue, PutProductDefaultsDenyPolicyZeroCostAndEur) {
  Shop shop;
  json p = Expect(shop.PutProduct("BEANS-ETH-1KG", json{{"name", "Ethiopia Guji, 1 kg"}, {"price", "24.5"}}), 201);
  EXPECT_EQ(p["price"], "24.50");
  EXPECT_EQ(p["cost"], "0.00");
  EXPECT_EQ(p["currency"], "EUR");
  EXPECT_EQ(p["backorder"]["policy"], "deny");
  EXPECT_TRUE(p["backorder"]["max_units"].is_null());
  EXPECT_TRUE(p["backorder"]["max_wait_days"].is_null());
}

TEST(ApiCatalogue, PutProductAgainUpdatesWith200AndLaterReadsShowTheUpdate) {
  Shop shop;
  Expect(shop.PutProduct("GRINDER-C40", kGrinder), 201);
  json changed = kGrinder;
  changed["name"] = "Comandante C40 MK4";
  changed["price"] = "259.00";
  json p = Expect(shop.PutProduct("GRINDER-C40", changed), 200);
  EXPECT_EQ(p["name"], "Comandante C40 MK4");
  EXPECT_EQ(p["price"], "259.00");
  json read = shop.Product("GRINDER-C40");
  EXPECT_EQ(read["name"], "Comandante C40 MK4");
  EXPECT_EQ(read["price"], "259.00");
  EXPECT_EQ(read["cost"], "151.25");
}

TEST(ApiCatalogue, PutProductUnchangedAnswers200AndChangesNothing) {
  Shop shop;
  Expect(shop.PutProduct("GRINDER-C40", kGrinder), 201);
  json before = shop.Product("GRINDER-C40");
  json again = Expect(shop.PutProduct("GRINDER-C40", kGrinder), 200);
  EXPECT_EQ(again, before);
  EXPECT_EQ(shop.Product("GRINDER-C40"), before);
}

TEST(ApiCatalogue, PutProductDoesNotTouchStock) {
  Shop shop;
  shop.AllowProduct("A1", 5);
  json p = Expect(shop.PutProduct("A1", json{{"name", "Renamed"}, {"price", "11.00"}, {"backorder", {{"policy", "allow"}}}}), 200);
  EXPECT_EQ(p["stock"]["on_hand"], 5);
  EXPECT_EQ(shop.Stock("A1")["on_hand"], 5);
}

TEST(ApiCatalogue, GetProductShowsStockSummedOverLocationsWithByLocation) {
  Shop shop;
  shop.AllowProduct("A1");
  ASSERT_EQ(shop.http->Put("/api/v1/locations/store-ams", R"({"name":"Shop Amsterdam"})").status, 201);
  ASSERT_EQ(shop.Adjust("A1", 4).status, 201);
  ASSERT_EQ(shop.Adjust("A1", 3, "store-ams").status, 201);
  shop.Place("o1", "A1", 5);  // 4 from main, 1 from store-ams
  json p = shop.Product("A1");
  EXPECT_EQ(p["sku"], "A1");
  json s = p["stock"];
  EXPECT_EQ(s["on_hand"], 7);
  EXPECT_EQ(s["allocated"], 5);
  EXPECT_EQ(s["available"], 2);
  EXPECT_EQ(s["backordered"], 0);
  EXPECT_EQ(s["incoming"], 0);
  ASSERT_EQ(s["by_location"].size(), 2u) << s.dump();
  EXPECT_EQ(s["by_location"][0], (json{{"location", "main"}, {"on_hand", 4}, {"allocated", 4}, {"available", 0}}));
  EXPECT_EQ(s["by_location"][1], (json{{"location", "store-ams"}, {"on_hand", 3}, {"allocated", 1}, {"available", 2}}));
}

TEST(ApiCatalogue, NewProductStockListsMainWithZeros) {
  // docs/api.md: the 201 answer to a new product shows by_location [{main, 0, 0, 0}].
  Shop shop;
  json p = Expect(shop.PutProduct("GRINDER-C40", kGrinder), 201);
  EXPECT_EQ(p["stock"]["by_location"],
            json::array({json{{"location", "main"}, {"on_hand", 0}, {"allocated", 0}, {"available", 0}}}));
}

TEST(ApiCatalogue, GetUnknownProductIs404UnknownSku) {
  Shop shop;
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/products/NOPE"), 404, "unknown_sku"));
}

TEST(ApiCatalogue, ListProductsPagesWithLimitAndCursorAcrossThreePages) {
  Shop shop;
  std::vector<std::string> skus = {"G", "C", "A", "E", "B", "F", "D"};
  for (const auto& s : skus) shop.DenyProduct(s);
  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  for (; pages < 10; ++pages) {
    std::string path = "/api/v1/products?limit=3" + (cursor.empty() ? "" : "&cursor=" + cursor);
    json page = Expect(shop.http->Get(path), 200);
    ASSERT_TRUE(page["items"].is_array());
    ASSERT_TRUE(page.contains("next_cursor"));
    EXPECT_LE(page["items"].size(), 3u);
    for (const auto& p : page["items"]) seen.push_back(p["sku"]);
    if (page["next_cursor"].is_null()) {
      ++pages;
      break;
    }
    ASSERT_TRUE(page["next_cursor"].is_string());
    cursor = page["next_cursor"].get<std::string>();
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, (std::vector<std::string>{"A", "B", "C", "D", "E", "F", "G"}));
}

TEST(ApiCatalogue, ListProductsDefaultPageHoldsEverythingWithNullCursor) {
  Shop shop;
  shop.DenyProduct("A");
  shop.DenyProduct("B");
  json page = Expect(shop.http->Get("/api/v1/products"), 200);
  ASSERT_EQ(page["items"].size(), 2u);
  EXPECT_EQ(page["items"][0]["sku"], "A");
  EXPECT_TRUE(page["items"][0].contains("stock"));
  EXPECT_TRUE(page["next_cursor"].is_null());
}

TEST(ApiCatalogue, ListProductsRefusesALimitOutside1To1000) {
  Shop shop;
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/products?limit=0"), 400, "invalid_limit", "limit"));
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/products?limit=1001"), 400, "invalid_limit", "limit"));
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/products?limit=ten"), 400, "invalid_limit", "limit"));
}

TEST(ApiCatalogue, PutLocationCreates201RenamesWith200AndListsInCreationOrder) {
  Shop shop;
  json created = Expect(shop.http->Put("/api/v1/locations/store-ams", R"({"name":"Shop Amsterdam"})"), 201);
  EXPECT_EQ(created, (json{{"code", "store-ams"}, {"name", "Shop Amsterdam"}}));
  json renamed = Expect(shop.http->Put("/api/v1/locations/store-ams", R"({"name":"Winkel Amsterdam"})"), 200);
  EXPECT_EQ(renamed, (json{{"code", "store-ams"}, {"name", "Winkel Amsterdam"}}));
  Expect(shop.http->Put("/api/v1/locations/annex", R"({"name":"Annex"})"), 201);
  json list = Expect(shop.http->Get("/api/v1/locations"), 200);
  ASSERT_EQ(list["items"].size(), 3u) << list.dump();
  EXPECT_EQ(list["items"][0]["code"], "main");
  EXPECT_EQ(list["items"][1], (json{{"code", "store-ams"}, {"name", "Winkel Amsterdam"}}));
  EXPECT_EQ(list["items"][2], (json{{"code", "annex"}, {"name", "Annex"}}));
  EXPECT_TRUE(list["next_cursor"].is_null());
}

TEST(ApiCatalogue, PutLocationUnchangedAnswers200) {
  Shop shop;
  Expect(shop.http->Put("/api/v1/locations/annex", R"({"name":"Annex"})"), 201);
  EXPECT_EQ(Expect(shop.http->Put("/api/v1/locations/annex", R"({"name":"Annex"})"), 200),
            (json{{"code", "annex"}, {"name", "Annex"}}));
}

TEST(ApiCatalogue, PutLocationWithInvalidCodeIs400InvalidCode) {
  Shop shop;
  EXPECT_TRUE(IsProblem(shop.http->Put("/api/v1/locations/Store", R"({"name":"x"})"), 400, "invalid_code", "code"));
  EXPECT_TRUE(IsProblem(shop.http->Put("/api/v1/locations/a%20b", R"({"name":"x"})"), 400, "invalid_code", "code"));
  json list = Expect(shop.http->Get("/api/v1/locations"), 200);
  EXPECT_EQ(list["items"].size(), 1u);
}

TEST(ApiCatalogue, InvalidSkuInPathIs400InvalidSku) {
  Shop shop;
  EXPECT_TRUE(IsProblem(shop.PutProduct("A%20B", json{{"name", "x"}, {"price", "1.00"}}), 400, "invalid_sku", "sku"));
  EXPECT_TRUE(IsProblem(shop.PutProduct("A%2FB", json{{"name", "x"}, {"price", "1.00"}}), 400, "invalid_sku", "sku"));
  EXPECT_TRUE(IsProblem(shop.PutProduct(std::string(65, 'A'), json{{"name", "x"}, {"price", "1.00"}}), 400, "invalid_sku", "sku"));
  EXPECT_EQ(Expect(shop.http->Get("/api/v1/products"), 200)["items"].size(), 0u);
}

TEST(ApiCatalogue, PreorderWithoutReleaseDateIs400MissingReleaseDate) {
  Shop shop;
  EXPECT_TRUE(IsProblem(shop.PutProduct("PRE", json{{"name", "x"}, {"price", "1.00"}, {"backorder", {{"policy", "preorder"}}}}),
                        400, "missing_release_date", "backorder.release_date"));
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/products/PRE"), 404, "unknown_sku"));
  json p = Expect(shop.PutProduct("PRE", json{{"name", "x"},
                                               {"price", "1.00"},
                                               {"backorder", {{"policy", "preorder"}, {"release_date", "2026-06-01"}}}}),
                  201);
  EXPECT_EQ(p["backorder"]["policy"], "preorder");
  EXPECT_EQ(p["backorder"]["release_date"], "2026-06-01");
}

TEST(ApiCatalogue, MoneyWithACommaIs400InvalidMoney) {
  Shop shop;
  EXPECT_TRUE(IsProblem(shop.PutProduct("A1", json{{"name", "x"}, {"price", "12,95"}}), 400, "invalid_money", "price"));
}

TEST(ApiCatalogue, MoneyWithThreeDecimalsIs400InvalidMoney) {
  Shop shop;
  EXPECT_TRUE(IsProblem(shop.PutProduct("A1", json{{"name", "x"}, {"price", "1.234"}}), 400, "invalid_money", "price"));
  EXPECT_TRUE(IsProblem(shop.PutProduct("A1", json{{"name", "x"}, {"price", "1e3"}}), 400, "invalid_money", "price"));
  EXPECT_TRUE(IsProblem(shop.PutProduct("A1", json{{"name", "x"}, {"price", "1.00"}, {"cost", "0.555"}}), 400,
                        "invalid_money", "cost"));
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/products/A1"), 404, "unknown_sku"));
}

TEST(ApiCatalogue, MoneyAsAJsonNumberIs400NamingTheField) {
  Shop shop;
  auto r = shop.http->Put("/api/v1/products/A1", R"({"name":"x","price":12.95})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(Parse(r)["field"], "price");
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/products/A1"), 404, "unknown_sku"));
}

TEST(ApiCatalogue, MoneyAsAJsonNumberIsWrongType) {
  // docs/api.md, Codes: "wrong_type — a field has the wrong JSON type (e.g. a number for a money string)".
  Shop shop;
  EXPECT_TRUE(IsProblem(shop.http->Put("/api/v1/products/A1", R"({"name":"x","price":12.95})"), 400, "wrong_type", "price"));
}

TEST(ApiCatalogue, ComponentsMakeABundleAndBadOnesAreRefusedNamingTheField) {
  // Bundles in full: api_bundles_test.cc and docs/bundles.md.
  Shop shop;
  shop.DenyProduct("PART");
  EXPECT_TRUE(IsProblem(shop.PutProduct("BUNDLE", json{{"name", "Set"},
                                                        {"price", "30.00"},
                                                        {"components", json::array({json{{"sku", "NOPE"}, {"quantity", 2}}})}}),
                        400, "unknown_sku", "components[0].sku"));
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/products/BUNDLE"), 404, "unknown_sku"));
  json components = json::array({json{{"sku", "PART"}, {"quantity", 2}}});
  EXPECT_EQ(Expect(shop.PutProduct("BUNDLE", json{{"name", "Set"}, {"price", "30.00"}, {"components", components}}), 201)
                ["components"],
            components);
  // An empty list is a plain product.
  EXPECT_EQ(Expect(shop.PutProduct("PLAIN", json{{"name", "Set"}, {"price", "30.00"}, {"components", json::array()}}), 201)
                ["components"],
            json::array());
}

TEST(ApiCatalogue, UnknownFieldIs400NamingIt) {
  Shop shop;
  EXPECT_TRUE(IsProblem(shop.PutProduct("A1", json{{"name", "x"}, {"price", "1.00"}, {"colour", "red"}}), 400,
                        "unknown_field", "colour"));
  EXPECT_TRUE(IsProblem(shop.PutProduct("A1", json{{"name", "x"}, {"price", "1.00"}, {"backorder", {{"policy", "allow"}, {"max", 3}}}}),
                        400, "unknown_field", "backorder.max"));
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/products/A1"), 404, "unknown_sku"));
}

TEST(ApiCatalogue, WrongTypesAre400WrongTypeNamingTheField) {
  Shop shop;
  EXPECT_TRUE(IsProblem(shop.http->Put("/api/v1/products/A1", R"({"name":5,"price":"1.00"})"), 400, "wrong_type", "name"));
  EXPECT_TRUE(IsProblem(shop.http->Put("/api/v1/products/A1", R"({"name":"x","price":"1.00","backorder":"allow"})"), 400,
                        "wrong_type", "backorder"));
  EXPECT_TRUE(IsProblem(shop.http->Put("/api/v1/products/A1",
                                       R"({"name":"x","price":"1.00","backorder":{"policy":"allow","max_units":"5"}})"),
                        400, "wrong_type", "backorder.max_units"));
  EXPECT_TRUE(IsProblem(shop.http->Put("/api/v1/products/A1",
                                       R"({"name":"x","price":"1.00","backorder":{"policy":"allow","max_units":2.5}})"),
                        400, "wrong_type", "backorder.max_units"));
  EXPECT_TRUE(IsProblem(shop.http->Put("/api/v1/products/A1", R"({"name":"x","price":"1.00","components":{}})"), 400,
                        "wrong_type", "components"));
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/products/A1"), 404, "unknown_sku"));
}

TEST(ApiCatalogue, MissingRequiredFieldsAre400MissingField) {
  Shop shop;
  EXPECT_TRUE(IsProblem(shop.http->Put("/api/v1/products/A1", R"({"price":"1.00"})"), 400, "missing_field", "name"));
  EXPECT_TRUE(IsProblem(shop.http->Put("/api/v1/products/A1", R"({"name":"x"})"), 400, "missing_field", "price"));
}

TEST(ApiCatalogue, UnknownPolicyIs400NamingBackorderPolicy) {
  Shop shop;
  auto r = shop.PutProduct("A1", json{{"name", "x"}, {"price", "1.00"}, {"backorder", {{"policy", "sometimes"}}}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Parse(r)["field"], "backorder.policy");
}

TEST(ApiCatalogue, InvalidCurrencyIs400NamingCurrency) {
  Shop shop;
  EXPECT_TRUE(IsProblem(shop.PutProduct("A1", json{{"name", "x"}, {"price", "1.00"}, {"currency", "eur"}}), 400,
                        "invalid_currency", "currency"));
  EXPECT_TRUE(IsProblem(shop.PutProduct("A1", json{{"name", "x"}, {"price", "1.00"}, {"currency", "E1R"}}), 400,
                        "invalid_currency", "currency"));
  auto r = shop.PutProduct("A1", json{{"name", "x"}, {"price", "1.00"}, {"currency", "EURO"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Parse(r)["field"], "currency");
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/products/A1"), 404, "unknown_sku"));
  json usd = Expect(shop.PutProduct("A1", json{{"name", "x"}, {"price", "1.00"}, {"currency", "USD"}}), 201);
  EXPECT_EQ(usd["currency"], "USD");
}

TEST(ApiCatalogue, InvalidValuesAre400NamingTheField) {
  Shop shop;
  EXPECT_TRUE(IsProblem(shop.PutProduct("A1", json{{"name", ""}, {"price", "1.00"}}), 400, "invalid_name", "name"));
  EXPECT_TRUE(IsProblem(shop.PutProduct("A1", json{{"name", "x"}, {"price", "-1.00"}}), 400, "invalid_money", "price"));
  EXPECT_TRUE(IsProblem(shop.PutProduct("A1", json{{"name", "x"}, {"price", "1.00"}, {"backorder", {{"policy", "allow"}, {"max_units", -1}}}}),
                        400, "invalid_quantity", "backorder.max_units"));
  EXPECT_TRUE(IsProblem(shop.PutProduct("A1", json{{"name", "x"}, {"price", "1.00"}, {"at", "yesterday"}}), 400,
                        "invalid_instant", "at"));
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/products/A1"), 404, "unknown_sku"));
}

TEST(ApiCatalogue, SwitchingToDenyWhileUnitsWaitIs409AndChangesNothing) {
  Shop shop;
  shop.AllowProduct("A1");
  shop.Place("o1", "A1", 2);
  json before = shop.Product("A1");
  EXPECT_TRUE(IsProblem(shop.PutProduct("A1", json{{"name", "Product A1"}, {"price", "10.00"}}), 409, "backorders_waiting"));
  EXPECT_TRUE(IsProblem(shop.PutProduct("A1", json{{"name", "Product A1"},
                                                    {"price", "10.00"},
                                                    {"backorder", {{"policy", "allow"}, {"max_units", 1}}}}),
                        409, "cap_below_waiting"));
  EXPECT_EQ(shop.Product("A1"), before);
}

}  // namespace
}  // namespace belofte::testing::api_tests
