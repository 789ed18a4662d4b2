// Promises over the wire (issue #5; docs/api.md, section Promises): the product-page
// availability question, promises on order lines and in the backorder queue, how a moved
// purchase order moves them (told or only revised, by the threshold), the purchaser's list of
// uncovered backorders, promise accuracy from shipped lines, the promise settings (admin) and
// durability of all of it across a restart. Real server, real sockets, real SQLite file.
//
// Dates are made deterministic with `at` (and `placed_at`). The calendar used throughout is the
// default one (weekends and Dutch holidays closed, 1 handling day). The days around June 2026
// hold no Dutch holiday (Pinksteren is 24/25 May 2026):
//
//        June 2026                      July 2026
//   Mo Tu We Th Fr Sa Su           Mo Tu We Th Fr Sa Su
//    1  2  3  4  5  6  7                  1  2  3  4  5
//    8  9 10 11 12 13 14            6  7  8  9 10 11 12
//   15 16 17 18 19 20 21           13 14 15 16 17 18 19
//   22 23 24 25 26 27 28
//   29 30
#include <string>
#include <vector>

#include "api_test_util.h"

namespace belofte::testing::api_tests {
namespace {

const std::string kPo = "/api/v1/purchase-orders";
const std::string kToday = "2026-06-10T10:00:00Z";  // a Wednesday

json Availability(Shop& shop, const std::string& sku, const std::string& query) {
  return Expect(shop.http->Get("/api/v1/availability/" + sku + "?" + query), 200);
}

// A supplier with a nominal lead time (no deliveries yet: the prior, on time, fill rate 1) and
// preferred terms for `sku`.
void SupplierFor(Shop& shop, const std::string& supplier, const std::string& sku, int lead_time_days = 21) {
  auto s = shop.http->Put("/api/v1/suppliers/" + supplier,
                          json{{"name", "Supplier " + supplier}, {"lead_time_days", lead_time_days}}.dump());
  ASSERT_TRUE(s.status == 201 || s.status == 200) << s.body;
  auto t = shop.http->Put("/api/v1/suppliers/" + supplier + "/products/" + sku,
                          json{{"cost", "5.00"}, {"preferred", true}}.dump());
  ASSERT_TRUE(t.status == 201 || t.status == 200) << t.body;
}

// A sent purchase order of one line; returns its id.
std::string SentPo(Shop& shop, const std::string& supplier, const std::string& sku, int64_t quantity,
                   const std::string& expected_date, const std::string& at = "2026-06-10T08:00:00Z") {
  json po = Expect(shop.http->Post(kPo, json{{"supplier", supplier},
                                             {"lines", json::array({json{{"sku", sku},
                                                                         {"quantity", quantity},
                                                                         {"expected_date", expected_date}}})},
                                             {"at", at}}
                                            .dump()),
                   201);
  std::string id = po["id"];
  EXPECT_EQ(Expect(shop.http->Post(kPo + "/" + id + "/send", json{{"at", at}}.dump()), 200)["status"], "sent");
  return id;
}

HttpResult MoveDate(Shop& shop, const std::string& po, const std::string& expected_date, const std::string& at) {
  return shop.http->Post(kPo + "/" + po + "/expected-date", json{{"expected_date", expected_date}, {"at", at}}.dump());
}

HttpResult Receive(Shop& shop, const std::string& po, const std::string& sku, int64_t quantity, const std::string& at) {
  return shop.http->Post(kPo + "/" + po + "/receipts",
                         json{{"lines", json::array({json{{"sku", sku}, {"quantity", quantity}}})}, {"at", at}}.dump());
}

// Places a one-line order as of `at` (placed then too); returns the order.
json PlaceAt(Shop& shop, const std::string& external_id, const std::string& sku, int64_t quantity, const std::string& at) {
  return Expect(shop.PlaceOrder(json{{"channel", "web"},
                                     {"external_id", external_id},
                                     {"payment", "paid"},
                                     {"placed_at", at},
                                     {"at", at},
                                     {"lines", json::array({json{{"sku", sku}, {"quantity", quantity}}})}}),
                201);
}

json Ship(Shop& shop, const json& order, const std::string& at) {
  const json& line = order["lines"][0];
  return Expect(shop.http->Post("/api/v1/orders/" + order["id"].get<std::string>() + "/shipments",
                                json{{"location", "main"},
                                     {"lines", json::array({json{{"line_id", line["line_id"]}, {"quantity", line["quantity"]}}})},
                                     {"at", at}}
                                    .dump()),
                201);
}

json LinePromise(Shop& shop, const json& order) { return shop.Order(order["id"])["lines"][0]["promise"]; }
json History(Shop& shop, const json& order) {
  return Expect(shop.http->Get("/api/v1/orders/" + order["id"].get<std::string>() + "/promises"), 200);
}
json Settings(Shop& shop) { return Expect(shop.http->Get("/api/v1/settings/promises"), 200); }
HttpResult PutSettings(Shop& shop, const json& body) { return shop.http->Put("/api/v1/settings/promises", body.dump()); }

json P(const std::string& p50, const std::string& p90, const std::string& basis, const json& po = nullptr) {
  return json{{"p50", p50}, {"p90", p90}, {"basis", basis}, {"purchase_order_id", po}};
}
json Told(const std::string& p50, const std::string& p90, const std::string& at) {
  return json{{"p50", p50}, {"p90", p90}, {"at", at}};
}
json WithTold(json promise, const json& told) {
  promise["told"] = told;
  return promise;
}

const json kDefaultSettings = {{"threshold_working_days", 2},
                               {"min_days_between_changes", 7},
                               {"handling_days", 1},
                               {"handling_days_by_location", json::array()},
                               {"default_lead_time_days", 14},
                               {"calendar", {{"weekends_closed", true}, {"holidays", "nl"}, {"closed_dates", json::array()}}}};

// --- availability ----------------------------------------------------------------------------------

TEST(ApiPromises, AvailabilityInStockShipsAfterOneHandlingDay) {
  Shop shop;
  shop.AllowProduct("MUG", 5);
  json a = Availability(shop, "MUG", "quantity=5&channel=web&at=" + kToday);
  // Wednesday 10 June is a working day; + 1 handling day = Thursday 11 June.
  EXPECT_EQ(a, (json{{"sku", "MUG"},
                     {"orderable", true},
                     {"reason", nullptr},
                     {"in_stock", true},
                     {"available", 5},
                     {"backordered", 0},
                     {"policy", "allow"},
                     {"ships", P("2026-06-11", "2026-06-11", "in_stock")}}));
  // Asked on Saturday 13 June: the next working day is Monday 15 June, + 1 = Tuesday 16 June.
  EXPECT_EQ(Availability(shop, "MUG", "quantity=1&at=2026-06-13T10:00:00Z")["ships"],
            P("2026-06-16", "2026-06-16", "in_stock"));
  // Without quantity: one unit.
  EXPECT_EQ(Availability(shop, "MUG", "at=" + kToday)["in_stock"], true);
}

TEST(ApiPromises, AvailabilityOfADenyProductShortOfStockIsNotOrderable) {
  Shop shop;
  shop.DenyProduct("DENY", 2);
  json a = Availability(shop, "DENY", "quantity=3&at=" + kToday);
  EXPECT_EQ(a["orderable"], false);
  EXPECT_EQ(a["reason"], "insufficient_stock");
  EXPECT_EQ(a["in_stock"], false);
  EXPECT_EQ(a["available"], 2);
  EXPECT_EQ(a["policy"], "deny");
  json two = Availability(shop, "DENY", "quantity=2&at=" + kToday);
  EXPECT_EQ(two["orderable"], true);
  EXPECT_EQ(two["in_stock"], true);
}

TEST(ApiPromises, AvailabilityRestsOnASentPurchaseOrderThenOnTheLeadTime) {
  Shop shop;
  shop.AllowProduct("KETTLE", 2);
  SupplierFor(shop, "fellow", "KETTLE", 21);
  // A draft is no supply: beyond the 2 in stock the answer is the lead time.
  json draft = Expect(shop.http->Post(kPo, json{{"supplier", "fellow"},
                                                {"lines", json::array({json{{"sku", "KETTLE"}, {"quantity", 10},
                                                                            {"expected_date", "2026-06-22"}}})},
                                                {"at", "2026-06-10T08:00:00Z"}}
                                               .dump()),
                      201);
  EXPECT_EQ(Availability(shop, "KETTLE", "quantity=3&at=" + kToday)["ships"]["basis"], "lead_time");
  std::string po = SentPo(shop, "fellow", "KETTLE", 10, "2026-06-22");
  ASSERT_NE(po, draft["id"]);

  // 2 free + 10 on the PO expected Monday 22 June (the supplier has no history: on time, all
  // units) -> arrival 22 June, + 1 handling day = Tuesday 23 June for P50 and P90.
  json a = Availability(shop, "KETTLE", "quantity=3&at=" + kToday);
  EXPECT_EQ(a["orderable"], true);
  EXPECT_EQ(a["in_stock"], false);
  EXPECT_EQ(a["ships"], P("2026-06-23", "2026-06-23", "purchase_order", po));
  EXPECT_EQ(Availability(shop, "KETTLE", "quantity=12&at=" + kToday)["ships"]["basis"], "purchase_order");

  // 13 units: beyond the PO, not yet purchased: 10 June + 21 days lead time = Wednesday 1 July
  // (later than the PO's arrival), + 1 handling day = Thursday 2 July.
  json beyond = Availability(shop, "KETTLE", "quantity=13&at=" + kToday);
  EXPECT_EQ(beyond["orderable"], true);
  EXPECT_EQ(beyond["ships"], P("2026-07-02", "2026-07-02", "lead_time"));

  // Waiting orders come first: an order of 6 takes the 2 in stock and waits for 4 of the PO,
  // which leaves 10 - 4 = 6 of it for the question.
  PlaceAt(shop, "w1", "KETTLE", 6, kToday);  // 2 allocated, 4 waiting
  EXPECT_EQ(Availability(shop, "KETTLE", "quantity=6&at=" + kToday)["ships"]["basis"], "purchase_order");
  json after = Availability(shop, "KETTLE", "quantity=7&at=" + kToday);
  EXPECT_EQ(after["ships"]["basis"], "lead_time");
  EXPECT_EQ(after["backordered"], 4);
  EXPECT_EQ(after["available"], 0);
}

TEST(ApiPromises, AvailabilityOfAPreorderRestsOnTheReleaseDate) {
  Shop shop;
  ASSERT_EQ(shop.PutProduct("GAME", json{{"name", "Game"},
                                         {"price", "59.99"},
                                         {"backorder", {{"policy", "preorder"}, {"release_date", "2026-07-15"}}}})
                .status,
            201);
  // Nothing in stock, no supplier: the default lead time (14 days: 24 June, ships 25 June) is
  // before the release on Wednesday 15 July, so it ships on the release date.
  json a = Availability(shop, "GAME", "quantity=2&at=" + kToday);
  EXPECT_EQ(a["orderable"], true);
  EXPECT_EQ(a["policy"], "preorder");
  EXPECT_EQ(a["ships"], P("2026-07-15", "2026-07-15", "release_date"));
}

TEST(ApiPromises, AvailabilityBeyondMaxWaitDaysIsNotOrderable) {
  Shop shop;
  ASSERT_EQ(shop.PutProduct("SLOW", json{{"name", "Slow"}, {"price", "9.00"},
                                         {"backorder", {{"policy", "allow"}, {"max_wait_days", 10}}}})
                .status,
            201);
  ASSERT_EQ(shop.PutProduct("FINE", json{{"name", "Fine"}, {"price", "9.00"},
                                         {"backorder", {{"policy", "allow"}, {"max_wait_days", 30}}}})
                .status,
            201);
  // Default lead time 14 days: arrival 24 June, ships Thursday 25 June = 15 days after 10 June.
  json slow = Availability(shop, "SLOW", "quantity=1&at=" + kToday);
  EXPECT_EQ(slow["orderable"], false);
  EXPECT_EQ(slow["reason"], "max_wait_exceeded");
  EXPECT_EQ(slow["ships"], P("2026-06-25", "2026-06-25", "lead_time"));
  json fine = Availability(shop, "FINE", "quantity=1&at=" + kToday);
  EXPECT_EQ(fine["orderable"], true);
  EXPECT_TRUE(fine["reason"].is_null());
}

TEST(ApiPromises, AvailabilityRejectsBadInput) {
  Shop shop;
  shop.AllowProduct("MUG", 5);
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/availability/NOPE?quantity=1"), 404, "unknown_sku"));
  for (const char* q : {"0", "-1", "abc", "1.5", "99999999999999999999"}) {
    EXPECT_TRUE(IsProblem(shop.http->Get(std::string("/api/v1/availability/MUG?quantity=") + q), 400, "invalid_quantity",
                          "quantity"))
        << q;
  }
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/availability/MUG?channel=Bad%20Channel"), 400, "invalid_channel", "channel"));
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/availability/MUG?at=2026-06-10"), 400, "invalid_instant", "at"));
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/availability/MUG?at=yesterday"), 400, "invalid_instant", "at"));
  EXPECT_TRUE(IsProblem(shop.Anonymous()->Get("/api/v1/availability/MUG"), 401, "unauthorized"));
}

// --- promises on lines, moved purchase orders ------------------------------------------------------

TEST(ApiPromises, LinesAndTheQueueCarryPromisesThatFollowAMovedPurchaseOrder) {
  Shop shop;
  shop.AllowProduct("KETTLE");
  SupplierFor(shop, "fellow", "KETTLE");
  std::string po = SentPo(shop, "fellow", "KETTLE", 10, "2026-06-22");
  json o = PlaceAt(shop, "o1", "KETTLE", 3, kToday);
  json first = P("2026-06-23", "2026-06-23", "purchase_order", po);  // PO 22 June + 1 handling day
  json given = WithTold(first, Told("2026-06-23", "2026-06-23", kToday));
  EXPECT_EQ(o["lines"][0]["backordered"], 3);
  EXPECT_EQ(o["lines"][0]["promise"], given) << "the answer to the order carries its promise";
  EXPECT_EQ(LinePromise(shop, o), given);
  json queue = shop.Queue("KETTLE");
  ASSERT_EQ(queue.size(), 1u);
  EXPECT_EQ(queue[0]["promise"], given);

  // The supplier moves the PO 10 days, to Thursday 2 July: ships Friday 3 July, 8 working days
  // later than told (> threshold 2): the customer is told (promise_changed).
  ASSERT_EQ(MoveDate(shop, po, "2026-07-02", "2026-06-12T09:00:00Z").status, 200);
  json moved = P("2026-07-03", "2026-07-03", "purchase_order", po);
  json changed = WithTold(moved, Told("2026-07-03", "2026-07-03", "2026-06-12T09:00:00Z"));
  EXPECT_EQ(LinePromise(shop, o), changed);
  EXPECT_EQ(shop.Queue("KETTLE")[0]["promise"], changed);

  // One day more, to Friday 3 July: ships Monday 6 July, 1 working day later (<= 2): revised,
  // the customer is not told, `told` keeps 3 July.
  ASSERT_EQ(MoveDate(shop, po, "2026-07-03", "2026-06-15T09:00:00Z").status, 200);
  json revised = P("2026-07-06", "2026-07-06", "purchase_order", po);
  EXPECT_EQ(LinePromise(shop, o), WithTold(revised, Told("2026-07-03", "2026-07-03", "2026-06-12T09:00:00Z")));

  json h = History(shop, o);
  EXPECT_EQ(h["order_id"], o["id"]);
  const std::string line = o["lines"][0]["line_id"];
  EXPECT_EQ(h["items"], json::array({
                            json{{"line_id", line}, {"sku", "KETTLE"}, {"kind", "promise_given"}, {"at", kToday},
                                 {"promise", first}, {"previous", nullptr}},
                            json{{"line_id", line}, {"sku", "KETTLE"}, {"kind", "promise_changed"},
                                 {"at", "2026-06-12T09:00:00Z"}, {"promise", moved}, {"previous", first}},
                            json{{"line_id", line}, {"sku", "KETTLE"}, {"kind", "promise_revised"},
                                 {"at", "2026-06-15T09:00:00Z"}, {"promise", revised}, {"previous", moved}},
                        }));
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/orders/999/promises"), 404, "unknown_order"));

  // An order served from stock has no promise.
  shop.AllowProduct("MUG", 1);
  EXPECT_TRUE(PlaceAt(shop, "o2", "MUG", 1, kToday)["lines"][0]["promise"].is_null());
}

TEST(ApiPromises, OnlyTheLinesTheMovedPurchaseOrderCoversMove) {
  Shop shop;
  shop.AllowProduct("KETTLE");
  SupplierFor(shop, "fellow", "KETTLE", 21);
  std::string po = SentPo(shop, "fellow", "KETTLE", 4, "2026-06-22");
  json covered = PlaceAt(shop, "o1", "KETTLE", 4, kToday);
  json beyond = PlaceAt(shop, "o2", "KETTLE", 1, kToday);
  EXPECT_EQ(LinePromise(shop, covered)["basis"], "purchase_order");
  // Beyond the PO: 10 June + 21 days = 1 July, ships 2 July.
  EXPECT_EQ(LinePromise(shop, beyond)["p50"], "2026-07-02");
  EXPECT_EQ(LinePromise(shop, beyond)["basis"], "lead_time");
  ASSERT_EQ(MoveDate(shop, po, "2026-06-24", "2026-06-10T15:00:00Z").status, 200);  // ships 25 June
  EXPECT_EQ(LinePromise(shop, covered)["p50"], "2026-06-25");
  EXPECT_EQ(LinePromise(shop, beyond)["p50"], "2026-07-02");
  EXPECT_EQ(History(shop, beyond)["items"].size(), 1u) << "the line beyond the PO did not move";
  // The SKU is re-promised as of the command's day: a lead-time promise is "today + lead time",
  // so a move made a day later also slides the line beyond the PO by a day (11 June + 21 =
  // 2 July, ships Friday 3 July): 1 working day, only revised.
  ASSERT_EQ(MoveDate(shop, po, "2026-06-25", "2026-06-11T09:00:00Z").status, 200);
  EXPECT_EQ(LinePromise(shop, covered)["p50"], "2026-06-26");
  json slid = LinePromise(shop, beyond);
  EXPECT_EQ(slid["p50"], "2026-07-03");
  EXPECT_EQ(slid["told"]["p50"], "2026-07-02");
  EXPECT_EQ(History(shop, beyond)["items"].back()["kind"], "promise_revised");
}

// --- uncovered backorders --------------------------------------------------------------------------

TEST(ApiPromises, UncoveredBackordersListUnitsBeyondOpenSupplyOldestFirst) {
  Shop shop;
  shop.AllowProduct("U1");
  shop.AllowProduct("U2");
  shop.AllowProduct("U3");
  SupplierFor(shop, "fellow", "U1");
  SupplierFor(shop, "fellow", "U3");
  std::string po = SentPo(shop, "fellow", "U1", 5, "2026-06-22");
  PlaceAt(shop, "a", "U1", 3, "2026-06-01T10:00:00Z");  // covered by the PO
  PlaceAt(shop, "b", "U1", 4, "2026-06-02T10:00:00Z");  // 2 of its 4 beyond the PO
  PlaceAt(shop, "c", "U2", 1, "2026-05-30T10:00:00Z");  // no supply at all, oldest
  PlaceAt(shop, "d", "U3", 2, "2026-06-05T10:00:00Z");
  std::string po3 = SentPo(shop, "fellow", "U3", 2, "2026-06-22", "2026-06-05T11:00:00Z");  // covers U3

  json all = Expect(shop.http->Get("/api/v1/backorders/uncovered"), 200);
  EXPECT_EQ(all["items"], json::array({
                              json{{"sku", "U2"}, {"uncovered", 1}, {"backordered", 1}, {"incoming", 0}, {"lines", 1},
                                   {"oldest_waiting_since", "2026-05-30T10:00:00Z"}, {"preferred_supplier", nullptr}},
                              json{{"sku", "U1"}, {"uncovered", 2}, {"backordered", 7}, {"incoming", 5}, {"lines", 1},
                                   {"oldest_waiting_since", "2026-06-02T10:00:00Z"}, {"preferred_supplier", "fellow"}},
                          }));
  EXPECT_TRUE(all["next_cursor"].is_null());

  // Pages of one.
  json p1 = Expect(shop.http->Get("/api/v1/backorders/uncovered?limit=1"), 200);
  ASSERT_EQ(p1["items"].size(), 1u);
  EXPECT_EQ(p1["items"][0]["sku"], "U2");
  ASSERT_TRUE(p1["next_cursor"].is_string());
  json p2 = Expect(shop.http->Get("/api/v1/backorders/uncovered?limit=1&cursor=" + p1["next_cursor"].get<std::string>()), 200);
  ASSERT_EQ(p2["items"].size(), 1u);
  EXPECT_EQ(p2["items"][0]["sku"], "U1");
  EXPECT_TRUE(p2["next_cursor"].is_null());
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/backorders/uncovered?cursor=x"), 400, "invalid_cursor", "cursor"));
  EXPECT_EQ(shop.http->Get("/api/v1/backorders/uncovered?limit=0").status, 400);

  // A new sent PO covers U2; a receipt of 7 (2 more than ordered) fills every U1 line.
  SupplierFor(shop, "hario", "U2");
  SentPo(shop, "hario", "U2", 1, "2026-06-25", "2026-06-11T08:00:00Z");
  json after_po = Expect(shop.http->Get("/api/v1/backorders/uncovered"), 200)["items"];
  ASSERT_EQ(after_po.size(), 1u);
  EXPECT_EQ(after_po[0]["sku"], "U1");
  ASSERT_EQ(Receive(shop, po, "U1", 7, "2026-06-20T10:00:00Z").status, 201);
  EXPECT_EQ(Expect(shop.http->Get("/api/v1/backorders/uncovered"), 200)["items"], json::array());
  EXPECT_EQ(shop.Queue("U1"), json::array());
  (void)po3;
}

// --- accuracy ---------------------------------------------------------------------------------------

TEST(ApiPromises, AccuracyComparesShipDaysWithTheFirstAndTheLastToldPromise) {
  Shop shop;
  shop.AllowProduct("KETTLE");
  SupplierFor(shop, "fellow", "KETTLE");
  std::string po = SentPo(shop, "fellow", "KETTLE", 10, "2026-06-22");
  json o1 = PlaceAt(shop, "o1", "KETTLE", 2, kToday);  // first = told = 23 June
  json o2 = PlaceAt(shop, "o2", "KETTLE", 2, kToday);  // first = told = 23 June
  // Moved to 2 July: both are told 3 July (first stays 23 June).
  ASSERT_EQ(MoveDate(shop, po, "2026-07-02", "2026-06-12T09:00:00Z").status, 200);
  json o3 = PlaceAt(shop, "o3", "KETTLE", 2, "2026-06-12T10:00:00Z");  // first = told = 3 July
  EXPECT_EQ(LinePromise(shop, o3)["p90"], "2026-07-03");
  // The goods come early, on 19 June, and fill all three.
  json r = Expect(Receive(shop, po, "KETTLE", 10, "2026-06-19T08:00:00Z"), 201);
  EXPECT_EQ(r["filled"].size(), 3u);
  Ship(shop, o1, "2026-06-19T15:00:00Z");  // before 23 June and 3 July: kept both
  Ship(shop, o2, "2026-06-30T15:00:00Z");  // after the first (23 June), before the told (3 July)
  Ship(shop, o3, "2026-07-06T15:00:00Z");  // after both (3 July): 3 days late

  json a = Expect(shop.http->Get("/api/v1/promises/accuracy?from=2026-06-01&to=2026-07-31"), 200);
  EXPECT_EQ(a["from"], "2026-06-01");
  EXPECT_EQ(a["to"], "2026-07-31");
  EXPECT_EQ(a["lines"], 3);
  EXPECT_DOUBLE_EQ(a["first"]["p50_kept"].get<double>(), 1.0 / 3);
  EXPECT_DOUBLE_EQ(a["first"]["p90_kept"].get<double>(), 1.0 / 3);
  EXPECT_DOUBLE_EQ(a["last"]["p50_kept"].get<double>(), 2.0 / 3);
  EXPECT_DOUBLE_EQ(a["last"]["p90_kept"].get<double>(), 2.0 / 3);
  EXPECT_DOUBLE_EQ(a["mean_days_late_p90"].get<double>(), 3.0);

  // The range is by ship day, both ends included.
  json one = Expect(shop.http->Get("/api/v1/promises/accuracy?from=2026-06-30&to=2026-06-30"), 200);
  EXPECT_EQ(one["lines"], 1);
  EXPECT_DOUBLE_EQ(one["first"]["p90_kept"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(one["last"]["p90_kept"].get<double>(), 1.0);
  json none = Expect(shop.http->Get("/api/v1/promises/accuracy?from=2025-01-01&to=2025-12-31"), 200);
  EXPECT_EQ(none["lines"], 0);
  EXPECT_DOUBLE_EQ(none["first"]["p50_kept"].get<double>(), 0.0);

  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/promises/accuracy"), 400, "missing_field", "from"));
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/promises/accuracy?from=2026-06-01"), 400, "missing_field", "to"));
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/promises/accuracy?to=2026-06-01"), 400, "missing_field", "from"));
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/promises/accuracy?from=2026-13-01&to=2026-07-01"), 400, "invalid_date", "from"));
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/promises/accuracy?from=2026-06-01&to=July"), 400, "invalid_date", "to"));
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/promises/accuracy?from=2026-07-01&to=2026-06-01"), 400, "invalid_range", "to"));
}

// --- settings ---------------------------------------------------------------------------------------

TEST(ApiPromises, SettingsHaveDefaultsAndAPutRepromisesWaitingLines) {
  Shop shop;
  EXPECT_EQ(Settings(shop), kDefaultSettings);
  shop.AllowProduct("KETTLE");
  SupplierFor(shop, "fellow", "KETTLE");
  std::string po = SentPo(shop, "fellow", "KETTLE", 10, "2026-06-22");
  json o = PlaceAt(shop, "o1", "KETTLE", 3, kToday);
  EXPECT_EQ(LinePromise(shop, o)["p50"], "2026-06-23");

  // 3 handling days at main and Tuesday 23 June closed: 22 June + 3 working days (24, 25, 26)
  // = Friday 26 June, 3 working days later than told: with threshold 5 only revised.
  json body{{"threshold_working_days", 5},
            {"handling_days_by_location", json::array({json{{"location", "main"}, {"days", 3}}})},
            {"calendar", {{"closed_dates", json::array({"2026-06-23"})}}},
            {"at", "2026-06-11T08:00:00Z"}};
  json expected = kDefaultSettings;
  expected["threshold_working_days"] = 5;
  expected["handling_days_by_location"] = json::array({json{{"location", "main"}, {"days", 3}}});
  expected["calendar"]["closed_dates"] = json::array({"2026-06-23"});
  EXPECT_EQ(Expect(PutSettings(shop, body), 200), expected);
  EXPECT_EQ(Settings(shop), expected);
  EXPECT_EQ(LinePromise(shop, o),
            WithTold(P("2026-06-26", "2026-06-26", "purchase_order", po), Told("2026-06-23", "2026-06-23", kToday)));
  EXPECT_EQ(History(shop, o)["items"].back()["kind"], "promise_revised");
  // Availability uses the new settings too: in stock on Wednesday 10 June ships 3 working days
  // later = Monday 15 June.
  shop.AllowProduct("MUG", 1);
  EXPECT_EQ(Availability(shop, "MUG", "at=" + kToday)["ships"]["p50"], "2026-06-15");

  // Back to threshold 0 and 10 handling days: 22 June + 10 working days (23 closed) = 7 July:
  // told (promise_changed).
  ASSERT_EQ(PutSettings(shop, json{{"threshold_working_days", 0},
                                   {"handling_days_by_location", json::array({json{{"location", "main"}, {"days", 10}}})},
                                   {"at", "2026-06-11T09:00:00Z"}})
                .status,
            200);
  EXPECT_EQ(LinePromise(shop, o), WithTold(P("2026-07-07", "2026-07-07", "purchase_order", po),
                                           Told("2026-07-07", "2026-07-07", "2026-06-11T09:00:00Z")));
  EXPECT_EQ(History(shop, o)["items"].back()["kind"], "promise_changed");
  // The same settings again change nothing.
  const size_t events = History(shop, o)["items"].size();
  ASSERT_EQ(PutSettings(shop, json{{"threshold_working_days", 0}, {"at", "2026-06-11T10:00:00Z"}}).status, 200);
  EXPECT_EQ(History(shop, o)["items"].size(), events);
}

TEST(ApiPromises, SettingsNeedTheAdminScope) {
  Shop shop;
  auto writer = shop.WithScopes({"read", "orders:write", "stock:write"}, "blft_writer-token-0123456789abcdefghijklmnop");
  EXPECT_EQ(Expect(writer->Get("/api/v1/settings/promises"), 200), kDefaultSettings);
  EXPECT_TRUE(IsProblem(writer->Put("/api/v1/settings/promises", json{{"handling_days", 3}}.dump()), 403, "forbidden"));
  EXPECT_TRUE(IsProblem(shop.Anonymous()->Put("/api/v1/settings/promises", json{{"handling_days", 3}}.dump()), 401,
                        "unauthorized"));
  EXPECT_EQ(Settings(shop), kDefaultSettings);
}

TEST(ApiPromises, InvalidSettingsAre400NamingTheFieldAndChangeNothing) {
  Shop shop;
  shop.AllowProduct("KETTLE");
  json o = PlaceAt(shop, "o1", "KETTLE", 1, kToday);
  const json promise = LinePromise(shop, o);
  struct Case {
    json body;
    std::string code;
    std::string field;
  };
  const std::vector<Case> cases = {
      {{{"threshold_working_days", -1}}, "invalid_threshold", "threshold_working_days"},
      {{{"threshold_working_days", 366}}, "invalid_threshold", "threshold_working_days"},
      {{{"min_days_between_changes", -1}}, "invalid_min_days", "min_days_between_changes"},
      {{{"min_days_between_changes", 61}}, "invalid_min_days", "min_days_between_changes"},
      {{{"handling_days", -3}}, "invalid_handling_days", "handling_days"},
      {{{"handling_days", 61}}, "invalid_handling_days", "handling_days"},
      {{{"default_lead_time_days", -1}}, "invalid_lead_time", "default_lead_time_days"},
      {{{"handling_days_by_location", json::array({json{{"location", "nowhere"}, {"days", 2}}})}}, "unknown_location",
       "handling_days_by_location.nowhere"},
      {{{"handling_days_by_location", json::array({json{{"location", "main"}, {"days", -2}}})}}, "invalid_handling_days",
       "handling_days_by_location.main"},
      {{{"handling_days_by_location", json::array({json{{"days", 2}}})}}, "missing_field",
       "handling_days_by_location[0].location"},
      {{{"calendar", {{"closed_dates", json::array({"2026-06-23", "2026-02-30"})}}}}, "invalid_date",
       "calendar.closed_dates[1]"},
      {{{"calendar", {{"holidays", "de"}}}}, "invalid_value", "calendar.holidays"},
      {{{"calendar", {{"weekends_closed", "yes"}}}}, "wrong_type", "calendar.weekends_closed"},
      {{{"handling_days", "3"}}, "wrong_type", "handling_days"},
      {{{"handling_days", 1.5}}, "wrong_type", "handling_days"},
      {{{"calendar", json::array()}}, "wrong_type", "calendar"},
      {{{"colour", "blue"}}, "unknown_field", "colour"},
      {{{"calendar", {{"closed", json::array()}}}}, "unknown_field", "calendar.closed"},
  };
  for (const auto& c : cases) {
    // Each bad field next to a valid change that must not happen either.
    json body = c.body;
    if (!body.contains("threshold_working_days")) body["threshold_working_days"] = 7;
    EXPECT_TRUE(IsProblem(PutSettings(shop, body), 400, c.code, c.field)) << body.dump();
  }
  EXPECT_TRUE(IsProblem(shop.http->Put("/api/v1/settings/promises", "{\"handling_days\": 3"), 400, "malformed_json"));
  EXPECT_EQ(Settings(shop), kDefaultSettings);
  EXPECT_EQ(LinePromise(shop, o), promise);
  EXPECT_EQ(History(shop, o)["items"].size(), 1u);
}

// --- restart ----------------------------------------------------------------------------------------

TEST(ApiPromises, PromisesToldDatesAndSettingsSurviveARestart) {
  Shop shop;
  shop.AllowProduct("KETTLE");
  SupplierFor(shop, "fellow", "KETTLE");
  std::string po = SentPo(shop, "fellow", "KETTLE", 10, "2026-06-22");
  json o = PlaceAt(shop, "o1", "KETTLE", 3, kToday);
  ASSERT_EQ(MoveDate(shop, po, "2026-07-02", "2026-06-12T09:00:00Z").status, 200);  // changed: told 3 July
  ASSERT_EQ(MoveDate(shop, po, "2026-07-03", "2026-06-15T09:00:00Z").status, 200);  // revised: 6 July
  ASSERT_EQ(PutSettings(shop, json{{"threshold_working_days", 4}, {"calendar", {{"closed_dates", json::array({"2026-12-24"})}}},
                                   {"at", "2026-06-15T10:00:00Z"}})
                .status,
            200);
  const json settings = Settings(shop);
  json order = shop.Order(o["id"]);
  order.erase("status_url");  // its host and port change with the restart
  const json queue = shop.Queue("KETTLE");
  const json history = History(shop, o);
  const json uncovered = Expect(shop.http->Get("/api/v1/backorders/uncovered"), 200);
  const json available = Availability(shop, "KETTLE", "quantity=2&at=" + kToday);
  ASSERT_EQ(order["lines"][0]["promise"]["told"]["p50"], "2026-07-03");
  ASSERT_EQ(order["lines"][0]["promise"]["p50"], "2026-07-06");

  shop.Restart();
  EXPECT_EQ(Settings(shop), settings);
  json reloaded = shop.Order(o["id"]);
  reloaded.erase("status_url");
  EXPECT_EQ(reloaded, order);
  EXPECT_EQ(shop.Queue("KETTLE"), queue);
  EXPECT_EQ(History(shop, o), history);
  EXPECT_EQ(Expect(shop.http->Get("/api/v1/backorders/uncovered"), 200), uncovered);
  EXPECT_EQ(Availability(shop, "KETTLE", "quantity=2&at=" + kToday), available);

  // And it goes on from the restored state: one more day is measured against the told 3 July
  // (Tuesday 7 July is 2 working days later, <= threshold 4: revised).
  ASSERT_EQ(MoveDate(shop, po, "2026-07-06", "2026-06-16T09:00:00Z").status, 200);
  json p = LinePromise(shop, o);
  EXPECT_EQ(p["p50"], "2026-07-07");
  EXPECT_EQ(p["told"]["p50"], "2026-07-03");
  EXPECT_EQ(History(shop, o)["items"].back()["kind"], "promise_revised");
}

}  // namespace
}  // namespace belofte::testing::api_tests
