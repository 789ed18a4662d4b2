// Orders over the wire: placing (allocation, waiting, idempotency, refusals), reading and listing.
#include <regex>
#include <set>

#include "api_test_util.h"

namespace belofte::testing::api_tests {
namespace {

json OneLine(const std::string& external_id, const json& line) {
  return json{{"channel", "web"}, {"external_id", external_id}, {"lines", json::array({line})}};
}

TEST(ApiOrders, PlaceOrderAnswers201WithTheFullOrder) {
  Shop shop;
  shop.AllowProduct("GRINDER-C40", 2, "249.00");
  json body = {{"channel", "webshop"},
               {"external_id", "WS-100231"},
               {"placed_at", "2026-03-02T08:15:00Z"},
               {"customer", {{"email", "anna@example.nl"}, {"name", "Anna de Vries"}, {"language", "nl"}}},
               {"payment", "paid"},
               {"ship_policy", "ship_complete"},
               {"lines", json::array({json{{"sku", "GRINDER-C40"}, {"quantity", 3}}})}};
  json o = Expect(shop.PlaceOrder(body), 201);
  EXPECT_TRUE(o["id"].is_string());
  EXPECT_EQ(o["channel"], "webshop");
  EXPECT_EQ(o["external_id"], "WS-100231");
  EXPECT_EQ(o["status"], "backordered");
  EXPECT_EQ(o["payment"], "paid");
  EXPECT_EQ(o["ship_policy"], "ship_complete");
  EXPECT_EQ(o["placed_at"], "2026-03-02T08:15:00Z");
  EXPECT_EQ(o["customer"], (json{{"email", "anna@example.nl"}, {"name", "Anna de Vries"}, {"language", "nl"}}));
  ASSERT_EQ(o["lines"].size(), 1u);
  json l = o["lines"][0];
  EXPECT_TRUE(l["line_id"].is_string());
  EXPECT_EQ(l["sku"], "GRINDER-C40");
  EXPECT_EQ(l["quantity"], 3);
  EXPECT_EQ(l["unit_price"], "249.00");
  EXPECT_EQ(l["currency"], "EUR");
  EXPECT_EQ(l["allocated"], 2);
  EXPECT_EQ(l["backordered"], 1);
  EXPECT_EQ(l["shipped"], 0);
  EXPECT_EQ(l["cancelled"], 0);
  EXPECT_EQ(l["allocations"], json::array({json{{"location", "main"}, {"quantity", 2}}}));
  EXPECT_EQ(l["queue_position"], 1);
  EXPECT_EQ(l["priority"], 0);
  // The waiting unit is promised: no supplier sells A1, so the shop's default lead time (14 days)
  // plus one handling day, in working days.
  ASSERT_TRUE(l["promise"].is_object()) << l.dump();
  EXPECT_EQ(l["promise"]["basis"], "lead_time");
  EXPECT_LE(l["promise"]["p50"].get<std::string>(), l["promise"]["p90"].get<std::string>());
  // The effects are visible in later reads.
  EXPECT_EQ(shop.Order(o["id"]), o);
  json s = shop.Stock("GRINDER-C40");
  EXPECT_EQ(s["allocated"], 2);
  EXPECT_EQ(s["available"], 0);
  EXPECT_EQ(s["backordered"], 1);
}

TEST(ApiOrders, StatusUrlIsTheBaseUrlPlusAnUnguessableUrlSafeToken) {
  Shop shop;
  shop.AllowProduct("A1", 10);
  std::set<std::string> tokens;
  const std::regex url_safe("^[A-Za-z0-9_-]{22,}$");
  for (int i = 0; i < 3; ++i) {
    json o = shop.Place("o" + std::to_string(i), "A1", 1);
    ASSERT_TRUE(o["status_url"].is_string()) << o.dump();
    std::string url = o["status_url"];
    std::string prefix = shop.server.base_url() + "/status/";
    ASSERT_EQ(url.rfind(prefix, 0), 0u) << url;
    std::string token = url.substr(prefix.size());
    EXPECT_TRUE(std::regex_match(token, url_safe)) << token;
    EXPECT_EQ(token.find('='), std::string::npos);
    tokens.insert(token);
    EXPECT_EQ(shop.Order(o["id"])["status_url"], url);
  }
  EXPECT_EQ(tokens.size(), 3u);
}

TEST(ApiOrders, RepeatingTheSameChannelAndExternalIdAnswers200WithTheSameOrderAndChangesNothing) {
  Shop shop;
  shop.AllowProduct("A1", 1);
  json first = shop.Place("WS-1", "A1", 2, "paid");
  json stock_before = shop.Stock("A1");
  json queue_before = shop.Queue("A1");
  json body = {{"channel", "web"}, {"external_id", "WS-1"}, {"payment", "paid"},
               {"lines", json::array({json{{"sku", "A1"}, {"quantity", 2}}})}};
  json again = Expect(shop.PlaceOrder(body), 200);
  EXPECT_EQ(again["id"], first["id"]);
  EXPECT_EQ(again, shop.Order(first["id"]));
  EXPECT_EQ(shop.Stock("A1"), stock_before);
  EXPECT_EQ(shop.Queue("A1"), queue_before);
  json list = Expect(shop.http->Get("/api/v1/orders"), 200);
  EXPECT_EQ(list["items"].size(), 1u);
}

TEST(ApiOrders, RepeatingAnOrderWithDifferentLinesStillAnswersTheExistingOrder) {
  Shop shop;
  shop.AllowProduct("A1", 5);
  json first = shop.Place("WS-1", "A1", 2);
  json again = Expect(shop.PlaceOrder(OneLine("WS-1", json{{"sku", "A1"}, {"quantity", 4}})), 200);
  EXPECT_EQ(again["id"], first["id"]);
  EXPECT_EQ(again["lines"][0]["quantity"], 2);
  EXPECT_EQ(shop.Stock("A1")["allocated"], 2);
}

TEST(ApiOrders, RepeatingAShippedOrderAnswers200WithTheOrderAsItIsNow) {
  Shop shop;
  shop.AllowProduct("A1", 1);
  json first = shop.Place("WS-1", "A1", 1, "paid");
  ASSERT_EQ(shop.http->Post("/api/v1/orders/" + first["id"].get<std::string>() + "/shipments", "{}").status, 201);
  json again = Expect(shop.PlaceOrder(OneLine("WS-1", json{{"sku", "A1"}, {"quantity", 1}})), 200);
  EXPECT_EQ(again["id"], first["id"]);
  EXPECT_EQ(again["status"], "shipped");
  EXPECT_EQ(shop.Stock("A1")["on_hand"], 0);
  EXPECT_EQ(shop.Stock("A1")["allocated"], 0);
}

TEST(ApiOrders, SameExternalIdOnAnotherChannelIsANewOrder) {
  Shop shop;
  shop.AllowProduct("A1", 10);
  json a = shop.Place("X-1", "A1", 1, "unpaid", "", "ship_available", "web");
  json b = shop.Place("X-1", "A1", 1, "unpaid", "", "ship_available", "bol");
  EXPECT_NE(a["id"], b["id"]);
  EXPECT_EQ(b["channel"], "bol");
  EXPECT_EQ(shop.Stock("A1")["allocated"], 2);
}

TEST(ApiOrders, AnOlderPlacedAtArrivingLaterWaitsAhead) {
  Shop shop;
  shop.AllowProduct("A1");
  json young = shop.Place("young", "A1", 1, "unpaid", "2026-03-02T10:00:00Z");
  json old = shop.Place("old", "A1", 1, "unpaid", "2026-03-01T10:00:00Z");
  EXPECT_EQ(old["lines"][0]["queue_position"], 1);
  json queue = shop.Queue("A1");
  EXPECT_EQ(OrderIdsOf(queue), (std::vector<std::string>{old["id"], young["id"]}));
  EXPECT_EQ(queue[0]["waiting_since"], "2026-03-01T10:00:00Z");
  EXPECT_EQ(shop.Order(young["id"])["lines"][0]["queue_position"], 2);
  json r = Expect(shop.Adjust("A1", 1), 201);
  ASSERT_EQ(r["filled"].size(), 1u);
  EXPECT_EQ(r["filled"][0]["order_id"], old["id"]);
}

TEST(ApiOrders, PlacedAtDefaultsToNow) {
  Shop shop;
  shop.AllowProduct("A1", 1);
  json o = shop.Place("o1", "A1", 1);
  std::string placed = o["placed_at"];
  EXPECT_TRUE(std::regex_match(placed, std::regex(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$)"))) << placed;
  EXPECT_GE(placed.substr(0, 4), "2025");
}

TEST(ApiOrders, ShortageUnderDenyIs409InsufficientStockWithShortagesAndChangesNothing) {
  Shop shop;
  shop.DenyProduct("BEANS", 1);
  shop.AllowProduct("MUG", 5);
  json beans_before = shop.Product("BEANS");
  json mug_before = shop.Product("MUG");
  json body = {{"channel", "web"},
               {"external_id", "WS-2"},
               {"lines", json::array({json{{"sku", "MUG"}, {"quantity", 1}}, json{{"sku", "BEANS"}, {"quantity", 1}},
                                      json{{"sku", "BEANS"}, {"quantity", 1}}})}};
  auto r = shop.PlaceOrder(body);
  ASSERT_TRUE(IsProblem(r, 409, "insufficient_stock"));
  EXPECT_EQ(Parse(r)["shortages"], json::array({json{{"sku", "BEANS"}, {"requested", 2}, {"available", 1}}}));
  EXPECT_EQ(shop.Product("BEANS"), beans_before);
  EXPECT_EQ(shop.Product("MUG"), mug_before);
  EXPECT_EQ(Expect(shop.http->Get("/api/v1/orders"), 200)["items"], json::array());
  // The same external id can still be used: nothing was recorded.
  body["lines"] = json::array({json{{"sku", "BEANS"}, {"quantity", 1}}});
  EXPECT_EQ(Expect(shop.PlaceOrder(body), 201)["lines"][0]["allocated"], 1);
}

TEST(ApiOrders, PassingTheBackorderCapIs409BackorderCapReached) {
  Shop shop;
  ASSERT_EQ(shop.PutProduct("A1", json{{"name", "x"}, {"price", "5.00"}, {"backorder", {{"policy", "allow"}, {"max_units", 3}}}}).status, 201);
  ASSERT_EQ(shop.Adjust("A1", 1).status, 201);
  shop.Place("o1", "A1", 3);  // 1 allocated, 2 waiting: 1 unit of cap left
  json before = shop.Product("A1");
  auto r = shop.PlaceOrder(OneLine("o2", json{{"sku", "A1"}, {"quantity", 2}}));
  ASSERT_TRUE(IsProblem(r, 409, "backorder_cap_reached"));
  EXPECT_EQ(Parse(r)["shortages"], json::array({json{{"sku", "A1"}, {"requested", 2}, {"available", 1}}}));
  EXPECT_EQ(shop.Product("A1"), before);
  EXPECT_EQ(shop.Queue("A1").size(), 1u);
  EXPECT_EQ(Expect(shop.PlaceOrder(OneLine("o3", json{{"sku", "A1"}, {"quantity", 1}})), 201)["lines"][0]["backordered"], 1);
}

TEST(ApiOrders, PreorderTooLongBeforeReleaseIs409MaxWaitExceeded) {
  Shop shop;
  ASSERT_EQ(shop.PutProduct("PRE", json{{"name", "x"},
                                       {"price", "5.00"},
                                       {"backorder", {{"policy", "preorder"}, {"release_date", "2026-06-01"}, {"max_wait_days", 30}}}})
                .status,
            201);
  json body = OneLine("o1", json{{"sku", "PRE"}, {"quantity", 1}});
  body["placed_at"] = "2026-03-01T10:00:00Z";
  body["at"] = "2026-03-01T10:00:00Z";  // the promise is computed as of `at`, the wait from placed_at
  EXPECT_TRUE(IsProblem(shop.PlaceOrder(body), 409, "max_wait_exceeded"));
  EXPECT_EQ(shop.Queue("PRE"), json::array());
  body["placed_at"] = "2026-05-15T10:00:00Z";
  body["at"] = "2026-05-15T10:00:00Z";
  EXPECT_EQ(Expect(shop.PlaceOrder(body), 201)["status"], "backordered");
}

TEST(ApiOrders, UnitPriceDefaultsToTheProductPrice) {
  Shop shop;
  shop.AllowProduct("A1", 5, "89.95");
  json o = Expect(shop.PlaceOrder(json{{"channel", "web"},
                                       {"external_id", "o1"},
                                       {"lines", json::array({json{{"sku", "A1"}, {"quantity", 1}},
                                                              json{{"sku", "A1"}, {"quantity", 1}, {"unit_price", "80"}}})}}),
                  201);
  EXPECT_EQ(o["lines"][0]["unit_price"], "89.95");
  EXPECT_EQ(o["lines"][0]["currency"], "EUR");
  EXPECT_EQ(o["lines"][1]["unit_price"], "80.00");
}

TEST(ApiOrders, NewOrderDefaultsUnpaidShipAvailableLanguageNl) {
  Shop shop;
  shop.AllowProduct("A1", 5);
  json o = Expect(shop.PlaceOrder(OneLine("o1", json{{"sku", "A1"}, {"quantity", 1}})), 201);
  EXPECT_EQ(o["payment"], "unpaid");
  EXPECT_EQ(o["ship_policy"], "ship_available");
  EXPECT_EQ(o["customer"]["language"], "nl");
  EXPECT_EQ(o["status"], "open");  // allocated but unpaid
}

TEST(ApiOrders, InvalidEmailIs400InvalidEmail) {
  Shop shop;
  shop.AllowProduct("A1", 5);
  json body = OneLine("o1", json{{"sku", "A1"}, {"quantity", 1}});
  for (const char* bad : {"not-an-email", "a@b", "a b@c.nl"}) {
    body["customer"] = {{"email", bad}};
    EXPECT_TRUE(IsProblem(shop.PlaceOrder(body), 400, "invalid_email", "customer.email")) << bad;
  }
  EXPECT_EQ(shop.Stock("A1")["allocated"], 0);
}

TEST(ApiOrders, UnknownLanguageIs400NamingCustomerLanguage) {
  Shop shop;
  shop.AllowProduct("A1", 5);
  json body = OneLine("o1", json{{"sku", "A1"}, {"quantity", 1}});
  body["customer"] = {{"email", "a@example.nl"}, {"language", "de"}};
  auto r = shop.PlaceOrder(body);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(Parse(r)["field"], "customer.language");
  EXPECT_EQ(shop.Stock("A1")["allocated"], 0);
}

TEST(ApiOrders, UnknownLanguageIsInvalidLanguage) {
  // docs/api.md, Codes: invalid_language is the code for a customer language that is not nl or en.
  Shop shop;
  shop.AllowProduct("A1", 5);
  json body = OneLine("o1", json{{"sku", "A1"}, {"quantity", 1}});
  body["customer"] = {{"language", "de"}};
  EXPECT_TRUE(IsProblem(shop.PlaceOrder(body), 400, "invalid_language", "customer.language"));
}

TEST(ApiOrders, UnknownPaymentOrShipPolicyIs400NamingTheField) {
  Shop shop;
  shop.AllowProduct("A1", 5);
  json body = OneLine("o1", json{{"sku", "A1"}, {"quantity", 1}});
  body["payment"] = "refunded";  // not allowed when placing
  auto r = shop.PlaceOrder(body);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Parse(r)["field"], "payment");
  body["payment"] = "cash";
  EXPECT_EQ(Parse(shop.PlaceOrder(body))["field"], "payment");
  body.erase("payment");
  body["ship_policy"] = "ship_whenever";
  r = shop.PlaceOrder(body);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Parse(r)["field"], "ship_policy");
  EXPECT_EQ(r.content_type(), "application/problem+json");
  EXPECT_EQ(shop.Stock("A1")["allocated"], 0);
}

TEST(ApiOrders, QuantityThatIsNotAPositiveIntegerIs400NamingTheLine) {
  Shop shop;
  shop.AllowProduct("A1", 5);
  EXPECT_TRUE(IsProblem(shop.PlaceOrder(OneLine("o1", json{{"sku", "A1"}, {"quantity", 0}})), 400, "invalid_quantity",
                        "lines[0].quantity"));
  EXPECT_TRUE(IsProblem(shop.PlaceOrder(OneLine("o1", json{{"sku", "A1"}, {"quantity", -1}})), 400, "invalid_quantity",
                        "lines[0].quantity"));
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/orders",
                                        R"({"channel":"web","external_id":"o1","lines":[{"sku":"A1","quantity":1.5}]})"),
                        400, "wrong_type", "lines[0].quantity"));
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/orders",
                                        R"({"channel":"web","external_id":"o1","lines":[{"sku":"A1","quantity":"2"}]})"),
                        400, "wrong_type", "lines[0].quantity"));
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/orders",
                                        R"({"channel":"web","external_id":"o1","lines":[{"sku":"A1","quantity":1},{"sku":"A1","quantity":0}]})"),
                        400, "invalid_quantity", "lines[1].quantity"));
  EXPECT_EQ(shop.Stock("A1")["allocated"], 0);
  EXPECT_EQ(Expect(shop.http->Get("/api/v1/orders"), 200)["items"], json::array());
}

TEST(ApiOrders, MissingOrEmptyLinesAre400) {
  Shop shop;
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/orders", R"({"channel":"web","external_id":"o1"})"), 400, "missing_field", "lines"));
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/orders", R"({"channel":"web","external_id":"o1","lines":[]})"), 400, "no_lines", "lines"));
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/orders", R"({"external_id":"o1","lines":[]})"), 400, "missing_field", "channel"));
}

TEST(ApiOrders, InvalidChannelOrExternalIdIs400) {
  Shop shop;
  shop.AllowProduct("A1", 5);
  json body = OneLine("o1", json{{"sku", "A1"}, {"quantity", 1}});
  body["channel"] = "Web Shop";
  EXPECT_TRUE(IsProblem(shop.PlaceOrder(body), 400, "invalid_channel", "channel"));
  body["channel"] = "web";
  body["external_id"] = "";
  EXPECT_TRUE(IsProblem(shop.PlaceOrder(body), 400, "invalid_external_id", "external_id"));
  EXPECT_EQ(shop.Stock("A1")["allocated"], 0);
}

TEST(ApiOrders, UnknownSkuInALineIs400NamingTheLine) {
  Shop shop;
  shop.AllowProduct("A1", 5);
  auto r = shop.http->Post("/api/v1/orders",
                           R"({"channel":"web","external_id":"o1","lines":[{"sku":"A1","quantity":1},{"sku":"NOPE","quantity":1}]})");
  EXPECT_TRUE(IsProblem(r, 400, "unknown_sku", "lines[1].sku"));
  EXPECT_EQ(shop.Stock("A1")["allocated"], 0);
}

TEST(ApiOrders, UnknownFieldInALineIs400NamingIt) {
  Shop shop;
  shop.AllowProduct("A1", 5);
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/orders",
                                        R"({"channel":"web","external_id":"o1","lines":[{"sku":"A1","quantity":1,"colour":"red"}]})"),
                        400, "unknown_field", "lines[0].colour"));
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/orders", R"({"channel":"web","external_id":"o1","lines":[{"sku":"A1","quantity":1,"unit_price":9.5}]})"),
                        400, "wrong_type", "lines[0].unit_price"));
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/orders", R"({"channel":"web","external_id":"o1","placed_at":"2026-13-01","lines":[{"sku":"A1","quantity":1}]})"),
                        400, "invalid_instant", "placed_at"));
}

TEST(ApiOrders, GetOrderIs404ForAnUnknownOrANonNumericId) {
  Shop shop;
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/orders/999"), 404, "unknown_order"));
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/orders/abc"), 404, "unknown_order"));
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/orders/0"), 404, "unknown_order"));
}

TEST(ApiOrders, ListFiltersByStatusChannelAndSku) {
  Shop shop;
  shop.AllowProduct("A1", 1);
  shop.AllowProduct("B2", 5);
  json ready = shop.Place("r1", "A1", 1, "paid", "", "ship_available", "web");         // allocated, paid: ready
  json waiting = shop.Place("w1", "A1", 1, "unpaid", "", "ship_available", "web");     // waits: backordered
  json open = shop.Place("p1", "B2", 1, "unpaid", "", "ship_available", "bol");        // allocated, unpaid: open
  json waiting_bol = shop.Place("w2", "A1", 2, "unpaid", "", "ship_available", "bol");  // waits

  auto ids = [&](const std::string& query) {
    std::vector<std::string> out;
    json page = Expect(shop.http->Get("/api/v1/orders" + query), 200);
    for (const auto& o : page["items"]) out.push_back(o["id"]);
    return out;
  };
  EXPECT_EQ(ids(""), (std::vector<std::string>{ready["id"], waiting["id"], open["id"], waiting_bol["id"]}));
  EXPECT_EQ(ids("?status=ready"), (std::vector<std::string>{ready["id"]}));
  EXPECT_EQ(ids("?status=backordered"), (std::vector<std::string>{waiting["id"], waiting_bol["id"]}));
  EXPECT_EQ(ids("?status=open"), (std::vector<std::string>{open["id"]}));
  EXPECT_EQ(ids("?channel=bol"), (std::vector<std::string>{open["id"], waiting_bol["id"]}));
  EXPECT_EQ(ids("?sku=B2"), (std::vector<std::string>{open["id"]}));
  EXPECT_EQ(ids("?status=backordered&channel=bol&sku=A1"), (std::vector<std::string>{waiting_bol["id"]}));
  EXPECT_EQ(ids("?status=shipped"), std::vector<std::string>{});
  // Listed orders are the same as read one by one.
  json page = Expect(shop.http->Get("/api/v1/orders?channel=web"), 200);
  EXPECT_EQ(page["items"][0], shop.Order(ready["id"]));
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/orders?status=lost"), 400, "invalid_value", "status"));
}

TEST(ApiOrders, ListStatusFilterFollowsChanges) {
  Shop shop;
  shop.AllowProduct("A1");
  json o = shop.Place("o1", "A1", 1, "paid");
  EXPECT_EQ(Expect(shop.http->Get("/api/v1/orders?status=backordered"), 200)["items"].size(), 1u);
  ASSERT_EQ(shop.Adjust("A1", 1).status, 201);
  EXPECT_EQ(Expect(shop.http->Get("/api/v1/orders?status=backordered"), 200)["items"].size(), 0u);
  json ready = Expect(shop.http->Get("/api/v1/orders?status=ready"), 200);
  ASSERT_EQ(ready["items"].size(), 1u);
  EXPECT_EQ(ready["items"][0]["id"], o["id"]);
  EXPECT_EQ(ready["items"][0]["status"], "ready");
}

TEST(ApiOrders, ListPagesWithLimitAndCursor) {
  Shop shop;
  shop.AllowProduct("A1", 10);
  std::vector<std::string> placed;
  for (int i = 0; i < 5; ++i) placed.push_back(shop.Place("o" + std::to_string(i), "A1", 1)["id"]);
  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  while (pages < 10) {
    json page = Expect(shop.http->Get("/api/v1/orders?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor)), 200);
    ++pages;
    EXPECT_LE(page["items"].size(), 2u);
    for (const auto& o : page["items"]) seen.push_back(o["id"]);
    if (page["next_cursor"].is_null()) break;
    cursor = page["next_cursor"].get<std::string>();
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, placed);
}

TEST(ApiOrders, ListWhoseLastPageIsFullHasANullCursor) {
  // docs/api.md, Lists and cursors: next_cursor is "null on the last page".
  Shop shop;
  shop.AllowProduct("A1", 10);
  for (int i = 0; i < 4; ++i) shop.Place("o" + std::to_string(i), "A1", 1);
  json first = Expect(shop.http->Get("/api/v1/orders?limit=2"), 200);
  ASSERT_TRUE(first["next_cursor"].is_string());
  json last = Expect(shop.http->Get("/api/v1/orders?limit=2&cursor=" + first["next_cursor"].get<std::string>()), 200);
  EXPECT_EQ(last["items"].size(), 2u);
  EXPECT_TRUE(last["next_cursor"].is_null()) << last["next_cursor"].dump();
  json all = Expect(shop.http->Get("/api/v1/orders?limit=4"), 200);
  EXPECT_EQ(all["items"].size(), 4u);
  EXPECT_TRUE(all["next_cursor"].is_null()) << all["next_cursor"].dump();
}

TEST(ApiOrders, ListRefusesABadLimitOrCursor) {
  Shop shop;
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/orders?limit=0"), 400, "invalid_limit", "limit"));
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/orders?limit=5000"), 400, "invalid_limit", "limit"));
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/orders?cursor=zz"), 400, "invalid_cursor", "cursor"));
}

}  // namespace
}  // namespace belofte::testing::api_tests
