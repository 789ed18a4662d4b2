// Purchasing over the wire: suppliers and their terms, purchase orders from draft to received
// (or cancelled), receipts that fill the backorder queue, supplier reliability, scopes,
// idempotent receipts and durability across a restart (docs/api.md, section Purchasing).
#include <cstdio>
#include <optional>

#include "api_test_util.h"
#include "domain/time.h"

namespace belofte::testing::api_tests {
namespace {

const std::string kPo = "/api/v1/purchase-orders";

json Supplier(const std::string& name = "Comandante Handmanufaktur", int lead_time_days = 14) {
  return json{{"name", name}, {"email", "orders@comandante.example"}, {"lead_time_days", lead_time_days},
              {"at", "2026-03-05T08:00:00Z"}};
}

HttpResult PutSupplier(Shop& shop, const std::string& code, const json& body) {
  return shop.http->Put("/api/v1/suppliers/" + code, body.dump());
}
HttpResult PutTerms(Shop& shop, const std::string& code, const std::string& sku, const json& body) {
  return shop.http->Put("/api/v1/suppliers/" + code + "/products/" + sku, body.dump());
}
json GetSupplier(Shop& shop, const std::string& code) { return Expect(shop.http->Get("/api/v1/suppliers/" + code), 200); }
json Reliability(Shop& shop, const std::string& code) {
  return Expect(shop.http->Get("/api/v1/suppliers/" + code + "/reliability"), 200);
}

// Creates a draft (expects 201) and returns it.
json CreatePo(Shop& shop, const std::string& supplier, const json& lines, const std::string& at = "2026-03-05T09:00:00Z") {
  json body{{"supplier", supplier}, {"lines", lines}};
  if (!at.empty()) body["at"] = at;
  return Expect(shop.http->Post(kPo, body.dump()), 201);
}
json OneLine(const std::string& sku, int64_t quantity) { return json::array({json{{"sku", sku}, {"quantity", quantity}}}); }

HttpResult PoPost(Shop& shop, const std::string& id, const std::string& action, const json& body,
                  const std::vector<std::string>& headers = {}) {
  return shop.http->Post(kPo + "/" + id + "/" + action, body.dump(), headers);
}
json Send(Shop& shop, const std::string& id, const std::string& at = "2026-03-05T09:30:00Z") {
  return Expect(PoPost(shop, id, "send", json{{"at", at}}), 200);
}
HttpResult Receive(Shop& shop, const std::string& id, const json& lines, const std::string& at,
                   const std::vector<std::string>& headers = {}) {
  return PoPost(shop, id, "receipts", json{{"lines", lines}, {"at", at}}, headers);
}
json GetPo(Shop& shop, const std::string& id) { return Expect(shop.http->Get(kPo + "/" + id), 200); }
json ListPos(Shop& shop, const std::string& query = "") { return Expect(shop.http->Get(kPo + query), 200); }

// The story's shop: a grinder with an allow policy, a supplier with 14 days lead time.
void StoryShop(Shop& shop) {
  shop.AllowProduct("GRINDER-C40", 0, "249.00");
  ASSERT_EQ(PutSupplier(shop, "comandante", Supplier()).status, 201);
}

// A sent purchase order of `quantity` grinders from comandante; returns its id.
std::string SentPo(Shop& shop, int64_t quantity) {
  json po = CreatePo(shop, "comandante", OneLine("GRINDER-C40", quantity));
  Send(shop, po["id"]);
  return po["id"];
}

std::string DatePlus(const std::string& instant, int days) {
  std::optional<Instant> t = Instant::Parse(instant);
  EXPECT_TRUE(t.has_value()) << instant;
  return t ? t->date().PlusDays(days).ToString() : "";
}

// --- suppliers and terms ------------------------------------------------------------------------

TEST(ApiPurchasing, PutSupplierCreates201ThenReplaces200AndGetShowsItsTerms) {
  Shop shop;
  shop.AllowProduct("GRINDER-C40");
  shop.AllowProduct("BEANS-1KG");
  json body = Supplier();
  body["min_order_value"] = "500";
  json created = Expect(PutSupplier(shop, "comandante", body), 201);
  EXPECT_EQ(created, (json{{"code", "comandante"},
                           {"name", "Comandante Handmanufaktur"},
                           {"email", "orders@comandante.example"},
                           {"lead_time_days", 14},
                           {"min_order_value", "500.00"},
                           {"products", json::array()}}));
  // The same definition again: 200, nothing changed.
  EXPECT_EQ(Expect(PutSupplier(shop, "comandante", body), 200), created);
  // Fields left out take their defaults.
  json replaced = Expect(PutSupplier(shop, "comandante", json{{"name", "Comandante"}}), 200);
  EXPECT_EQ(replaced["email"], "");
  EXPECT_EQ(replaced["lead_time_days"], 14);
  EXPECT_TRUE(replaced["min_order_value"].is_null());

  json t = Expect(PutTerms(shop, "comandante", "GRINDER-C40",
                           json{{"cost", "151.25"}, {"moq", 4}, {"pack_size", 2}, {"preferred", true}}),
                  201);
  EXPECT_EQ(t, (json{{"supplier", "comandante"}, {"sku", "GRINDER-C40"}, {"cost", "151.25"}, {"currency", "EUR"},
                     {"moq", 4}, {"pack_size", 2}, {"lead_time_days", nullptr}, {"preferred", true}}));
  ASSERT_EQ(PutTerms(shop, "comandante", "BEANS-1KG", json{{"cost", "9.5"}, {"lead_time_days", 3}}).status, 201);
  json t2 = Expect(PutTerms(shop, "comandante", "GRINDER-C40", json{{"cost", "149.00"}, {"preferred", true}}), 200);
  EXPECT_EQ(t2["cost"], "149.00");
  EXPECT_EQ(t2["moq"], 1);

  json s = GetSupplier(shop, "comandante");
  EXPECT_EQ(s["name"], "Comandante");
  ASSERT_EQ(s["products"].size(), 2u);
  EXPECT_EQ(s["products"][0]["sku"], "BEANS-1KG");  // sorted by SKU
  EXPECT_EQ(s["products"][0]["cost"], "9.50");
  EXPECT_EQ(s["products"][0]["lead_time_days"], 3);
  EXPECT_EQ(s["products"][1], t2);

  ASSERT_EQ(PutSupplier(shop, "aa-first", Supplier("Another")).status, 201);
  json list = Expect(shop.http->Get("/api/v1/suppliers"), 200);
  ASSERT_EQ(list["items"].size(), 2u);
  EXPECT_EQ(list["items"][0]["code"], "aa-first");
  EXPECT_EQ(list["items"][1]["code"], "comandante");
  EXPECT_FALSE(list["items"][0].contains("products"));
  EXPECT_TRUE(list["next_cursor"].is_null());
}

TEST(ApiPurchasing, PreferredTermsTakeThePreferenceFromTheOtherSupplier) {
  Shop shop;
  shop.AllowProduct("GRINDER-C40");
  ASSERT_EQ(PutSupplier(shop, "comandante", Supplier()).status, 201);
  ASSERT_EQ(PutSupplier(shop, "kinu", Supplier("Kinu")).status, 201);
  ASSERT_EQ(PutTerms(shop, "comandante", "GRINDER-C40", json{{"cost", "151.25"}, {"preferred", true}}).status, 201);
  EXPECT_EQ(GetSupplier(shop, "comandante")["products"][0]["preferred"], true);
  json k = Expect(PutTerms(shop, "kinu", "GRINDER-C40", json{{"cost", "140.00"}, {"preferred", true}}), 201);
  EXPECT_EQ(k["preferred"], true);
  json c = GetSupplier(shop, "comandante")["products"][0];
  EXPECT_EQ(c["preferred"], false) << "the other supplier keeps its terms but is no longer preferred";
  EXPECT_EQ(c["cost"], "151.25");
  EXPECT_EQ(GetSupplier(shop, "kinu")["products"][0]["preferred"], true);
}

TEST(ApiPurchasing, InvalidSupplierAndTermsFieldsAre400WithTheField) {
  Shop shop;
  shop.AllowProduct("GRINDER-C40");
  json bad_lead = Supplier();
  bad_lead["lead_time_days"] = 731;
  EXPECT_TRUE(IsProblem(PutSupplier(shop, "comandante", bad_lead), 400, "invalid_lead_time", "lead_time_days"));
  bad_lead["lead_time_days"] = -1;
  EXPECT_TRUE(IsProblem(PutSupplier(shop, "comandante", bad_lead), 400, "invalid_lead_time", "lead_time_days"));
  json bad_email = Supplier();
  bad_email["email"] = "not an address";
  EXPECT_TRUE(IsProblem(PutSupplier(shop, "comandante", bad_email), 400, "invalid_email", "email"));
  for (const char* money : {"12,95", "1e3", "12.955"}) {
    json bad_money = Supplier();
    bad_money["min_order_value"] = money;
    EXPECT_TRUE(IsProblem(PutSupplier(shop, "comandante", bad_money), 400, "invalid_money", "min_order_value")) << money;
  }
  EXPECT_TRUE(IsProblem(PutSupplier(shop, "BadCode", Supplier()), 400, "invalid_code"));
  // Nothing was created by the refusals.
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/suppliers/comandante"), 404, "unknown_supplier"));

  ASSERT_EQ(PutSupplier(shop, "comandante", Supplier()).status, 201);
  EXPECT_TRUE(IsProblem(PutTerms(shop, "comandante", "GRINDER-C40", json{{"cost", "12,95"}}), 400, "invalid_money", "cost"));
  EXPECT_TRUE(IsProblem(PutTerms(shop, "comandante", "GRINDER-C40", json{{"cost", "10.00"}, {"lead_time_days", 800}}),
                        400, "invalid_lead_time", "lead_time_days"));
  EXPECT_TRUE(IsProblem(PutTerms(shop, "comandante", "GRINDER-C40", json{{"cost", "10.00"}, {"moq", 0}}), 400,
                        "invalid_quantity", "moq"));
  EXPECT_TRUE(IsProblem(PutTerms(shop, "comandante", "GRINDER-C40", json{{"cost", "10.00"}, {"pack_size", 0}}), 400,
                        "invalid_quantity", "pack_size"));
  EXPECT_TRUE(IsProblem(PutTerms(shop, "comandante", "NO-SUCH-SKU", json{{"cost", "10.00"}}), 404, "unknown_sku"));
  EXPECT_EQ(GetSupplier(shop, "comandante")["products"], json::array());
}

TEST(ApiPurchasing, AnUnknownSupplierIs404) {
  Shop shop;
  shop.AllowProduct("GRINDER-C40");
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/suppliers/nobody"), 404, "unknown_supplier"));
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/suppliers/nobody/reliability"), 404, "unknown_supplier"));
  EXPECT_TRUE(IsProblem(PutTerms(shop, "nobody", "GRINDER-C40", json{{"cost", "1.00"}}), 404, "unknown_supplier"));
  EXPECT_TRUE(IsProblem(shop.http->Post(kPo, json{{"supplier", "nobody"}, {"lines", OneLine("GRINDER-C40", 1)}}.dump()),
                        404, "unknown_supplier"));
  EXPECT_EQ(ListPos(shop)["items"], json::array());
}

// --- purchase orders ----------------------------------------------------------------------------

TEST(ApiPurchasing, CreateIsADraftExpectedTheLeadTimeAfterToday) {
  Shop shop;
  StoryShop(shop);
  shop.AllowProduct("BEANS-1KG");
  ASSERT_EQ(PutTerms(shop, "comandante", "BEANS-1KG", json{{"cost", "9.50"}, {"lead_time_days", 3}}).status, 201);
  // Without `at`: today plus the terms' lead time, else the supplier's.
  json body{{"supplier", "comandante"},
            {"lines", json::array({json{{"sku", "GRINDER-C40"}, {"quantity", 10}}, json{{"sku", "BEANS-1KG"}, {"quantity", 20}},
                                   json{{"sku", "BEANS-1KG-X"}, {"quantity", 1}}})}};
  EXPECT_TRUE(IsProblem(shop.http->Post(kPo, body.dump()), 400, "unknown_sku", "lines[2].sku"));
  body["lines"].erase(2);
  json po = Expect(shop.http->Post(kPo, body.dump()), 201);
  EXPECT_TRUE(po["id"].is_string());
  EXPECT_EQ(po["status"], "draft");
  EXPECT_EQ(po["supplier"], "comandante");
  EXPECT_TRUE(po["sent_at"].is_null());
  std::string created = po["created_at"];
  EXPECT_EQ(created.substr(0, 10), DatePlus(created, 0));
  ASSERT_EQ(po["lines"].size(), 2u);
  json grinder = po["lines"][0], beans = po["lines"][1];
  EXPECT_EQ(grinder["sku"], "GRINDER-C40");
  EXPECT_EQ(grinder["expected_date"], DatePlus(created, 14));
  EXPECT_EQ(beans["expected_date"], DatePlus(created, 3));
  EXPECT_EQ(grinder["quantity"], 10);
  EXPECT_EQ(grinder["received"], 0);
  EXPECT_EQ(grinder["outstanding"], 10);
  EXPECT_TRUE(grinder["promised_date"].is_null());
  EXPECT_EQ(grinder["history"], json::array({json{{"expected_date", DatePlus(created, 14)}, {"known_at", created},
                                                  {"reason", "created"}}}));
  EXPECT_EQ(GetPo(shop, po["id"]), po);
  EXPECT_EQ(shop.Stock("GRINDER-C40")["incoming"], 0) << "a draft is not supply";

  // With `at`, as in the guide: 14 days after 5 March.
  json story = CreatePo(shop, "comandante", OneLine("GRINDER-C40", 10));
  EXPECT_EQ(story["created_at"], "2026-03-05T09:00:00Z");
  EXPECT_EQ(story["lines"][0]["expected_date"], "2026-03-19");
  // An explicit date wins.
  json dated = CreatePo(shop, "comandante",
                        json::array({json{{"sku", "GRINDER-C40"}, {"quantity", 1}, {"expected_date", "2026-04-01"}}}));
  EXPECT_EQ(dated["lines"][0]["expected_date"], "2026-04-01");
}

TEST(ApiPurchasing, CreateRefusesEmptyAndDuplicateLines) {
  Shop shop;
  StoryShop(shop);
  EXPECT_TRUE(IsProblem(shop.http->Post(kPo, json{{"supplier", "comandante"}, {"lines", json::array()}}.dump()), 400,
                        "no_lines", "lines"));
  json dup{{"supplier", "comandante"},
           {"lines", json::array({json{{"sku", "GRINDER-C40"}, {"quantity", 1}}, json{{"sku", "GRINDER-C40"}, {"quantity", 2}}})}};
  EXPECT_TRUE(IsProblem(shop.http->Post(kPo, dup.dump()), 400, "duplicate_sku", "lines[1].sku"));
  EXPECT_TRUE(IsProblem(shop.http->Post(kPo, json{{"supplier", "comandante"}, {"lines", OneLine("GRINDER-C40", 0)}}.dump()),
                        400, "invalid_quantity", "lines[0].quantity"));
  EXPECT_EQ(ListPos(shop)["items"], json::array());
}

TEST(ApiPurchasing, ListFiltersBySupplierAndStatusAndPages) {
  Shop shop;
  StoryShop(shop);
  ASSERT_EQ(PutSupplier(shop, "kinu", Supplier("Kinu")).status, 201);
  std::vector<std::string> ids;
  for (const char* supplier : {"comandante", "kinu", "comandante", "comandante", "kinu"}) {
    ids.push_back(CreatePo(shop, supplier, OneLine("GRINDER-C40", 1))["id"]);
  }
  Send(shop, ids[2]);
  Send(shop, ids[4]);
  auto ids_of = [](const json& page) {
    std::vector<std::string> out;
    for (const auto& po : page["items"]) out.push_back(po["id"]);
    return out;
  };
  json all = ListPos(shop);
  EXPECT_EQ(ids_of(all), ids) << "oldest first";
  EXPECT_TRUE(all["next_cursor"].is_null());
  EXPECT_EQ(ids_of(ListPos(shop, "?supplier=comandante")), (std::vector<std::string>{ids[0], ids[2], ids[3]}));
  EXPECT_EQ(ids_of(ListPos(shop, "?status=sent")), (std::vector<std::string>{ids[2], ids[4]}));
  EXPECT_EQ(ids_of(ListPos(shop, "?supplier=comandante&status=draft")), (std::vector<std::string>{ids[0], ids[3]}));
  EXPECT_EQ(ids_of(ListPos(shop, "?supplier=kinu&status=received")), std::vector<std::string>{});
  for (const auto& po : ListPos(shop, "?status=draft")["items"]) EXPECT_EQ(po["status"], "draft");

  json p1 = ListPos(shop, "?limit=2");
  EXPECT_EQ(ids_of(p1), (std::vector<std::string>{ids[0], ids[1]}));
  ASSERT_TRUE(p1["next_cursor"].is_string());
  json p2 = ListPos(shop, "?limit=2&cursor=" + p1["next_cursor"].get<std::string>());
  EXPECT_EQ(ids_of(p2), (std::vector<std::string>{ids[2], ids[3]}));
  ASSERT_TRUE(p2["next_cursor"].is_string());
  json p3 = ListPos(shop, "?limit=2&cursor=" + p2["next_cursor"].get<std::string>());
  EXPECT_EQ(ids_of(p3), (std::vector<std::string>{ids[4]}));
  EXPECT_TRUE(p3["next_cursor"].is_null());
  // Paging within a filter.
  json f1 = ListPos(shop, "?supplier=comandante&limit=1");
  EXPECT_EQ(ids_of(f1), (std::vector<std::string>{ids[0]}));
  ASSERT_TRUE(f1["next_cursor"].is_string());
  json f2 = ListPos(shop, "?supplier=comandante&limit=5&cursor=" + f1["next_cursor"].get<std::string>());
  EXPECT_EQ(ids_of(f2), (std::vector<std::string>{ids[2], ids[3]}));
}

TEST(ApiPurchasing, GetUnknownOrNonNumericIdIs404) {
  Shop shop;
  StoryShop(shop);
  CreatePo(shop, "comandante", OneLine("GRINDER-C40", 1));
  EXPECT_TRUE(IsProblem(shop.http->Get(kPo + "/999"), 404, "unknown_purchase_order"));
  EXPECT_TRUE(IsProblem(shop.http->Get(kPo + "/abc"), 404, "unknown_purchase_order"));
  EXPECT_TRUE(IsProblem(PoPost(shop, "999", "send", json::object()), 404, "unknown_purchase_order"));
  EXPECT_TRUE(IsProblem(Receive(shop, "abc", OneLine("GRINDER-C40", 1), "2026-03-06T00:00:00Z"), 404,
                        "unknown_purchase_order"));
}

TEST(ApiPurchasing, SendMakesTheLinesIncomingAndPromised) {
  Shop shop;
  StoryShop(shop);
  json po = CreatePo(shop, "comandante", OneLine("GRINDER-C40", 10));
  EXPECT_EQ(shop.Stock("GRINDER-C40")["incoming"], 0);
  json sent = Send(shop, po["id"]);
  EXPECT_EQ(sent["status"], "sent");
  EXPECT_EQ(sent["sent_at"], "2026-03-05T09:30:00Z");
  json line = sent["lines"][0];
  EXPECT_EQ(line["promised_date"], "2026-03-19");
  EXPECT_EQ(line["expected_date"], "2026-03-19");
  ASSERT_EQ(line["history"].size(), 2u);
  EXPECT_EQ(line["history"][1], (json{{"expected_date", "2026-03-19"}, {"known_at", "2026-03-05T09:30:00Z"}, {"reason", "sent"}}));
  EXPECT_EQ(shop.Stock("GRINDER-C40")["incoming"], 10);
  // Sending again changes nothing.
  EXPECT_EQ(Expect(PoPost(shop, po["id"], "send", json::object()), 200), sent);
  EXPECT_EQ(shop.Stock("GRINDER-C40")["incoming"], 10);
}

TEST(ApiPurchasing, ConfirmAndMoveTheDateKeepAHistory) {
  Shop shop;
  StoryShop(shop);
  json draft = CreatePo(shop, "comandante", OneLine("GRINDER-C40", 10));
  std::string id = draft["id"];
  EXPECT_TRUE(IsProblem(PoPost(shop, id, "confirm", json{{"expected_date", "2026-03-20"}}), 409, "invalid_transition"));
  Send(shop, id);
  EXPECT_TRUE(IsProblem(PoPost(shop, id, "confirm", json{{"at", "2026-03-06T11:00:00Z"}}), 400, "missing_field"));
  EXPECT_TRUE(IsProblem(PoPost(shop, id, "confirm",
                               json{{"lines", json::array({json{{"sku", "BEANS"}, {"expected_date", "2026-03-20"}}})}}),
                        409, "not_on_purchase_order"));
  json c = Expect(PoPost(shop, id, "confirm", json{{"expected_date", "2026-03-20"}, {"at", "2026-03-06T11:00:00Z"}}), 200);
  EXPECT_EQ(c["status"], "confirmed");
  EXPECT_EQ(c["lines"][0]["expected_date"], "2026-03-20");
  EXPECT_EQ(c["lines"][0]["promised_date"], "2026-03-20");
  json m = Expect(PoPost(shop, id, "expected-date", json{{"expected_date", "2026-03-24"}, {"at", "2026-03-18T15:00:00Z"}}), 200);
  EXPECT_EQ(m["status"], "confirmed");
  json line = m["lines"][0];
  EXPECT_EQ(line["expected_date"], "2026-03-24");
  EXPECT_EQ(line["promised_date"], "2026-03-20");
  EXPECT_EQ(line["outstanding"], 10);
  EXPECT_EQ(line["history"],
            json::array({json{{"expected_date", "2026-03-19"}, {"known_at", "2026-03-05T09:00:00Z"}, {"reason", "created"}},
                         json{{"expected_date", "2026-03-19"}, {"known_at", "2026-03-05T09:30:00Z"}, {"reason", "sent"}},
                         json{{"expected_date", "2026-03-20"}, {"known_at", "2026-03-06T11:00:00Z"}, {"reason", "confirmed"}},
                         json{{"expected_date", "2026-03-24"}, {"known_at", "2026-03-18T15:00:00Z"}, {"reason", "moved"}}}));
  // The same date again records nothing; a per-SKU date is honoured.
  json same = Expect(PoPost(shop, id, "expected-date", json{{"expected_date", "2026-03-24"}, {"at", "2026-03-19T15:00:00Z"}}), 200);
  EXPECT_EQ(same, m);
  json per_sku = Expect(PoPost(shop, id, "expected-date",
                               json{{"lines", json::array({json{{"sku", "GRINDER-C40"}, {"expected_date", "2026-03-26"}}})},
                                    {"at", "2026-03-20T08:00:00Z"}}),
                        200);
  EXPECT_EQ(per_sku["lines"][0]["expected_date"], "2026-03-26");
  EXPECT_EQ(per_sku["lines"][0]["history"].size(), 5u);
  EXPECT_EQ(GetPo(shop, id), per_sku);
}

TEST(ApiPurchasing, APartialReceiptFillsAWaitingOrderThenTheRestCloseThePurchaseOrder) {
  Shop shop;
  StoryShop(shop);
  json order = shop.Place("WS-100240", "GRINDER-C40", 2, "paid", "2026-03-05T08:30:00Z", "ship_complete");
  EXPECT_EQ(order["lines"][0]["backordered"], 2);
  std::string id = SentPo(shop, 10);
  EXPECT_EQ(shop.Stock("GRINDER-C40")["incoming"], 10);

  json r = Expect(Receive(shop, id, OneLine("GRINDER-C40", 4), "2026-03-23T10:00:00Z"), 201);
  EXPECT_EQ(r["receipt"]["purchase_order_id"], id);
  EXPECT_EQ(r["receipt"]["location"], "main");
  EXPECT_EQ(r["receipt"]["at"], "2026-03-23T10:00:00Z");
  ASSERT_EQ(r["receipt"]["lines"].size(), 1u);
  EXPECT_EQ(r["receipt"]["lines"][0]["sku"], "GRINDER-C40");
  EXPECT_EQ(r["receipt"]["lines"][0]["quantity"], 4);
  EXPECT_EQ(r["receipt"]["lines"][0]["over_received"], 0);
  EXPECT_TRUE(r["receipt"]["lines"][0]["movement_id"].is_string());
  EXPECT_EQ(r["filled"], json::array({json{{"order_id", order["id"]}, {"line_id", order["lines"][0]["line_id"]},
                                           {"sku", "GRINDER-C40"}, {"quantity", 2}}}));
  EXPECT_EQ(r["ready_orders"], json::array({order["id"]}));
  EXPECT_EQ(r["purchase_order"]["status"], "partially_received");
  EXPECT_EQ(r["purchase_order"]["lines"][0]["received"], 4);
  EXPECT_EQ(r["purchase_order"]["lines"][0]["outstanding"], 6);
  EXPECT_EQ(GetPo(shop, id), r["purchase_order"]);

  json line = shop.Order(order["id"])["lines"][0];
  EXPECT_EQ(line["allocated"], 2);
  EXPECT_EQ(line["backordered"], 0);
  EXPECT_TRUE(line["queue_position"].is_null());
  json s = shop.Stock("GRINDER-C40");
  EXPECT_EQ(s["on_hand"], 4);
  EXPECT_EQ(s["allocated"], 2);
  EXPECT_EQ(s["available"], 2);
  EXPECT_EQ(s["backordered"], 0);
  EXPECT_EQ(s["incoming"], 6);
  // The movement is a receipt referring to the purchase order.
  json moves = Expect(shop.http->Get("/api/v1/stock/movements?sku=GRINDER-C40"), 200)["items"];
  bool found = false;
  for (const auto& m : moves) {
    if (m["id"] == r["receipt"]["lines"][0]["movement_id"]) {
      found = true;
      EXPECT_EQ(m["reference"], "po:" + id);
      EXPECT_EQ(m["kind"], "receipt");
    }
  }
  EXPECT_TRUE(found) << moves.dump();

  json rest = Expect(Receive(shop, id, OneLine("GRINDER-C40", 6), "2026-03-25T09:00:00Z"), 201);
  EXPECT_EQ(rest["filled"], json::array());
  EXPECT_EQ(rest["ready_orders"], json::array());
  EXPECT_EQ(rest["purchase_order"]["status"], "received");
  EXPECT_EQ(rest["purchase_order"]["lines"][0]["received"], 10);
  EXPECT_EQ(rest["purchase_order"]["lines"][0]["outstanding"], 0);
  s = shop.Stock("GRINDER-C40");
  EXPECT_EQ(s["on_hand"], 10);
  EXPECT_EQ(s["allocated"], 2);
  EXPECT_EQ(s["available"], 8);
  EXPECT_EQ(s["incoming"], 0);
  // A received order can no longer be received.
  EXPECT_TRUE(IsProblem(Receive(shop, id, OneLine("GRINDER-C40", 1), "2026-03-26T09:00:00Z"), 409, "not_receivable"));
}

TEST(ApiPurchasing, OverReceiptIsAcceptedAndFlagged) {
  Shop shop;
  StoryShop(shop);
  std::string id = SentPo(shop, 4);
  json r = Expect(Receive(shop, id, json::array({json{{"sku", "GRINDER-C40"}, {"quantity", 3}},
                                                 json{{"sku", "GRINDER-C40"}, {"quantity", 2}}}),
                          "2026-03-19T10:00:00Z"),
                  201);
  ASSERT_EQ(r["receipt"]["lines"].size(), 1u) << "lines naming the same SKU are added up";
  EXPECT_EQ(r["receipt"]["lines"][0]["quantity"], 5);
  EXPECT_EQ(r["receipt"]["lines"][0]["over_received"], 1);
  EXPECT_EQ(r["purchase_order"]["status"], "received");
  EXPECT_EQ(r["purchase_order"]["lines"][0]["received"], 5);
  EXPECT_EQ(r["purchase_order"]["lines"][0]["outstanding"], 0);
  json s = shop.Stock("GRINDER-C40");
  EXPECT_EQ(s["on_hand"], 5);
  EXPECT_EQ(s["incoming"], 0);
}

TEST(ApiPurchasing, ASkuNotOnTheOrderIs409AndNothingIsBooked) {
  Shop shop;
  StoryShop(shop);
  shop.AllowProduct("BEANS-1KG");
  shop.Place("WS-1", "GRINDER-C40", 1, "paid");
  std::string id = SentPo(shop, 10);
  json po_before = GetPo(shop, id);
  json grinder_before = shop.Product("GRINDER-C40");
  json beans_before = shop.Product("BEANS-1KG");
  json moves_before = Expect(shop.http->Get("/api/v1/stock/movements?sku=GRINDER-C40"), 200);
  json beans_moves_before = Expect(shop.http->Get("/api/v1/stock/movements?sku=BEANS-1KG"), 200);
  json rel_before = Reliability(shop, "comandante");
  auto r = Receive(shop, id, json::array({json{{"sku", "GRINDER-C40"}, {"quantity", 2}}, json{{"sku", "BEANS-1KG"}, {"quantity", 1}}}),
                   "2026-03-19T10:00:00Z");
  EXPECT_TRUE(IsProblem(r, 409, "not_on_purchase_order"));
  json problem = json::parse(r.body, nullptr, false);
  EXPECT_EQ(problem.value("sku", ""), "BEANS-1KG");
  EXPECT_EQ(GetPo(shop, id), po_before);
  EXPECT_EQ(shop.Product("GRINDER-C40"), grinder_before);
  EXPECT_EQ(shop.Product("BEANS-1KG"), beans_before);
  EXPECT_EQ(Expect(shop.http->Get("/api/v1/stock/movements?sku=GRINDER-C40"), 200), moves_before);
  EXPECT_EQ(Expect(shop.http->Get("/api/v1/stock/movements?sku=BEANS-1KG"), 200), beans_moves_before);
  EXPECT_EQ(Reliability(shop, "comandante"), rel_before);
}

TEST(ApiPurchasing, ReceivingADraftIs409NotReceivable) {
  Shop shop;
  StoryShop(shop);
  json draft = CreatePo(shop, "comandante", OneLine("GRINDER-C40", 10));
  EXPECT_TRUE(IsProblem(Receive(shop, draft["id"], OneLine("GRINDER-C40", 1), "2026-03-06T10:00:00Z"), 409, "not_receivable"));
  EXPECT_EQ(GetPo(shop, draft["id"]), draft);
  EXPECT_EQ(shop.Stock("GRINDER-C40")["on_hand"], 0);
  // An unknown location is 404.
  std::string sent = SentPo(shop, 2);
  EXPECT_TRUE(IsProblem(PoPost(shop, sent, "receipts", json{{"location", "nowhere"}, {"lines", OneLine("GRINDER-C40", 1)}}),
                        404, "unknown_location"));
}

TEST(ApiPurchasing, CancelDropsIncomingAndAReceivedOrderCannotBeCancelled) {
  Shop shop;
  StoryShop(shop);
  std::string id = SentPo(shop, 10);
  ASSERT_EQ(Receive(shop, id, OneLine("GRINDER-C40", 3), "2026-03-19T10:00:00Z").status, 201);
  EXPECT_EQ(shop.Stock("GRINDER-C40")["incoming"], 7);
  json c = Expect(PoPost(shop, id, "cancel", json{{"reason", "ordered twice"}, {"at", "2026-03-20T10:00:00Z"}}), 200);
  EXPECT_EQ(c["status"], "cancelled");
  json s = shop.Stock("GRINDER-C40");
  EXPECT_EQ(s["incoming"], 0);
  EXPECT_EQ(s["on_hand"], 3) << "goods already received stay on hand";
  // Cancelling again changes nothing; receiving a cancelled order is refused.
  EXPECT_EQ(Expect(shop.http->Post(kPo + "/" + id + "/cancel", ""), 200), c);
  EXPECT_TRUE(IsProblem(Receive(shop, id, OneLine("GRINDER-C40", 1), "2026-03-21T10:00:00Z"), 409, "not_receivable"));
  EXPECT_TRUE(IsProblem(PoPost(shop, id, "send", json::object()), 409, "invalid_transition"));

  std::string done = SentPo(shop, 2);
  ASSERT_EQ(Receive(shop, done, OneLine("GRINDER-C40", 2), "2026-03-19T10:00:00Z").status, 201);
  json before = GetPo(shop, done);
  EXPECT_TRUE(IsProblem(PoPost(shop, done, "cancel", json::object()), 409, "invalid_transition"));
  EXPECT_EQ(GetPo(shop, done), before);
  EXPECT_EQ(GetPo(shop, done)["status"], "received");
}

// --- reliability ---------------------------------------------------------------------------------

void ExpectRatesInRange(const json& r) {
  for (const char* rate : {"on_time_rate", "fill_rate"}) {
    ASSERT_TRUE(r[rate].is_number()) << r.dump();
    EXPECT_GE(r[rate].get<double>(), 0.0) << rate;
    EXPECT_LE(r[rate].get<double>(), 1.0) << rate;
  }
  for (const char* dist : {"delay_days", "delay_vs_confirmed_days", "lead_time_days"}) {
    EXPECT_LE(r[dist]["p50"].get<double>(), r[dist]["p90"].get<double>()) << dist;
  }
}

TEST(ApiPurchasing, ANewSupplierAnswersThePrior) {
  Shop shop;
  StoryShop(shop);
  json r = Reliability(shop, "comandante");
  EXPECT_EQ(r["supplier"], "comandante");
  EXPECT_EQ(r["receipts"], 0);
  EXPECT_EQ(r["lines_observed"], 0);
  EXPECT_DOUBLE_EQ(r["on_time_rate"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(r["fill_rate"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(r["delay_days"]["p50"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(r["delay_days"]["p90"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(r["lead_time_days"]["p50"].get<double>(), 14.0);
  EXPECT_DOUBLE_EQ(r["lead_time_days"]["p90"].get<double>(), 14.0);
  ExpectRatesInRange(r);
}

TEST(ApiPurchasing, ALateCompleteDeliveryMovesTheFigures) {
  Shop shop;
  StoryShop(shop);
  std::string id = SentPo(shop, 10);  // promised 2026-03-19
  // A partial receipt does not close the line yet.
  ASSERT_EQ(Receive(shop, id, OneLine("GRINDER-C40", 4), "2026-03-23T10:00:00Z").status, 201);
  json mid = Reliability(shop, "comandante");
  EXPECT_EQ(mid["receipts"], 1);
  EXPECT_EQ(mid["lines_observed"], 0);
  ASSERT_EQ(Receive(shop, id, OneLine("GRINDER-C40", 6), "2026-03-25T09:00:00Z").status, 201);
  json r = Reliability(shop, "comandante");
  EXPECT_EQ(r["receipts"], 2);
  EXPECT_EQ(r["lines_observed"], 1);
  EXPECT_LT(r["on_time_rate"].get<double>(), 1.0);
  EXPECT_NEAR(r["on_time_rate"].get<double>(), 5.0 / 6.0, 1e-9);
  EXPECT_GT(r["delay_days"]["p90"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(r["delay_days"]["p90"].get<double>(), 6.0);  // completed on the 25th, promised the 19th
  EXPECT_DOUBLE_EQ(r["delay_days"]["p50"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(r["fill_rate"].get<double>(), 1.0);
  EXPECT_GT(r["lead_time_days"]["p90"].get<double>(), 14.0);
  EXPECT_DOUBLE_EQ(r["lead_time_days"]["p90"].get<double>(), 20.0);  // completed 20 days after sending
  ExpectRatesInRange(r);
}

TEST(ApiPurchasing, AShortClosedLineLowersTheFillRateWithinBounds) {
  Shop shop;
  StoryShop(shop);
  std::string id = SentPo(shop, 10);
  ASSERT_EQ(Receive(shop, id, OneLine("GRINDER-C40", 2), "2026-03-30T10:00:00Z").status, 201);
  ASSERT_EQ(PoPost(shop, id, "cancel", json{{"at", "2026-03-31T10:00:00Z"}}).status, 200);
  json r = Reliability(shop, "comandante");
  EXPECT_EQ(r["lines_observed"], 1);
  EXPECT_LT(r["fill_rate"].get<double>(), 1.0);
  EXPECT_LT(r["on_time_rate"].get<double>(), 1.0);
  ExpectRatesInRange(r);
}

// --- scopes, idempotency, durability ---------------------------------------------------------------

TEST(ApiPurchasing, AReadTokenMayNotWriteAndStockWriteMay) {
  Shop shop;
  StoryShop(shop);
  json draft = CreatePo(shop, "comandante", OneLine("GRINDER-C40", 5));
  std::string sent = SentPo(shop, 5);
  auto reader = shop.WithScopes({"read"}, "blft_purchasing-read-token-aaaaaaaaaaaaaaaa");
  auto orders = shop.WithScopes({"orders:write"}, "blft_purchasing-orders-token-bbbbbbbbbbbbbb");
  for (HttpClient* c : {reader.get(), orders.get()}) {
    EXPECT_TRUE(IsProblem(c->Put("/api/v1/suppliers/kinu", Supplier("Kinu").dump()), 403, "forbidden"));
    EXPECT_TRUE(IsProblem(c->Put("/api/v1/suppliers/comandante/products/GRINDER-C40", json{{"cost", "1.00"}}.dump()), 403,
                          "forbidden"));
    EXPECT_TRUE(IsProblem(c->Post(kPo, json{{"supplier", "comandante"}, {"lines", OneLine("GRINDER-C40", 1)}}.dump()), 403,
                          "forbidden"));
    EXPECT_TRUE(IsProblem(c->Post(kPo + "/" + draft["id"].get<std::string>() + "/send", "{}"), 403, "forbidden"));
    EXPECT_TRUE(IsProblem(c->Post(kPo + "/" + sent + "/confirm", json{{"expected_date", "2026-03-20"}}.dump()), 403, "forbidden"));
    EXPECT_TRUE(IsProblem(c->Post(kPo + "/" + sent + "/expected-date", json{{"expected_date", "2026-03-20"}}.dump()), 403,
                          "forbidden"));
    EXPECT_TRUE(IsProblem(c->Post(kPo + "/" + sent + "/receipts", json{{"lines", OneLine("GRINDER-C40", 1)}}.dump()), 403,
                          "forbidden"));
    EXPECT_TRUE(IsProblem(c->Post(kPo + "/" + sent + "/cancel", "{}"), 403, "forbidden"));
  }
  // Reads are fine, and nothing changed.
  EXPECT_EQ(reader->Get("/api/v1/suppliers").status, 200);
  EXPECT_EQ(reader->Get("/api/v1/suppliers/comandante/reliability").status, 200);
  EXPECT_EQ(Expect(reader->Get(kPo + "/" + draft["id"].get<std::string>()), 200), draft);
  EXPECT_EQ(ListPos(shop)["items"].size(), 2u);
  EXPECT_EQ(shop.Stock("GRINDER-C40")["on_hand"], 0);
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/suppliers/kinu"), 404, "unknown_supplier"));

  auto stock = shop.WithScopes({"stock:write"}, "blft_purchasing-stock-token-cccccccccccccccc");
  EXPECT_EQ(stock->Put("/api/v1/suppliers/kinu", Supplier("Kinu").dump()).status, 201);
  EXPECT_EQ(stock->Put("/api/v1/suppliers/kinu/products/GRINDER-C40", json{{"cost", "1.00"}}.dump()).status, 201);
  auto created = stock->Post(kPo, json{{"supplier", "kinu"}, {"lines", OneLine("GRINDER-C40", 1)}}.dump());
  json po = Expect(created, 201);
  std::string id = po["id"];
  EXPECT_EQ(stock->Post(kPo + "/" + id + "/send", "{}").status, 200);
  EXPECT_EQ(stock->Post(kPo + "/" + id + "/confirm", json{{"expected_date", "2026-12-20"}}.dump()).status, 200);
  EXPECT_EQ(stock->Post(kPo + "/" + id + "/expected-date", json{{"expected_date", "2026-12-21"}}.dump()).status, 200);
  EXPECT_EQ(stock->Post(kPo + "/" + id + "/receipts", json{{"lines", OneLine("GRINDER-C40", 1)}}.dump()).status, 201);
  EXPECT_EQ(stock->Post(kPo + "/" + sent + "/cancel", "{}").status, 200);
  EXPECT_EQ(shop.Stock("GRINDER-C40")["on_hand"], 1);
}

TEST(ApiPurchasing, ARetriedReceiptWithTheSameIdempotencyKeyAppliesOnce) {
  Shop shop;
  StoryShop(shop);
  shop.Place("WS-1", "GRINDER-C40", 1, "paid");
  std::string id = SentPo(shop, 10);
  const std::vector<std::string> key{"Idempotency-Key: receipt-7f3a"};
  json first = Expect(Receive(shop, id, OneLine("GRINDER-C40", 4), "2026-03-19T10:00:00Z", key), 201);
  EXPECT_EQ(first["filled"].size(), 1u);
  json stock_after = shop.Stock("GRINDER-C40");
  json again = Expect(Receive(shop, id, OneLine("GRINDER-C40", 4), "2026-03-19T10:00:00Z", key), 201);
  EXPECT_EQ(again, first);
  json s = shop.Stock("GRINDER-C40");
  EXPECT_EQ(s, stock_after);
  EXPECT_EQ(s["on_hand"], 4);
  EXPECT_EQ(s["incoming"], 6);
  EXPECT_EQ(GetPo(shop, id)["lines"][0]["received"], 4);
  EXPECT_EQ(Reliability(shop, "comandante")["receipts"], 1);
  // The same key for another request is refused.
  EXPECT_TRUE(IsProblem(Receive(shop, id, OneLine("GRINDER-C40", 5), "2026-03-19T10:00:00Z", key), 422,
                        "idempotency_key_reused"));
  EXPECT_EQ(shop.Stock("GRINDER-C40")["on_hand"], 4);
}

TEST(ApiPurchasing, PurchaseOrdersIncomingAndReliabilitySurviveARestart) {
  Shop shop;
  StoryShop(shop);
  ASSERT_EQ(PutSupplier(shop, "kinu", Supplier("Kinu", 7)).status, 201);
  ASSERT_EQ(PutTerms(shop, "kinu", "GRINDER-C40", json{{"cost", "140.00"}, {"preferred", true}, {"lead_time_days", 5}}).status, 201);
  shop.Place("WS-1", "GRINDER-C40", 3, "paid");
  std::string late = SentPo(shop, 10);
  ASSERT_EQ(PoPost(shop, late, "confirm", json{{"expected_date", "2026-03-20"}, {"at", "2026-03-06T11:00:00Z"}}).status, 200);
  ASSERT_EQ(PoPost(shop, late, "expected-date", json{{"expected_date", "2026-03-24"}, {"at", "2026-03-18T15:00:00Z"}}).status, 200);
  ASSERT_EQ(Receive(shop, late, OneLine("GRINDER-C40", 4), "2026-03-23T10:00:00Z").status, 201);
  ASSERT_EQ(Receive(shop, late, OneLine("GRINDER-C40", 6), "2026-03-25T09:00:00Z").status, 201);
  std::string open = SentPo(shop, 5);
  ASSERT_EQ(Receive(shop, open, OneLine("GRINDER-C40", 2), "2026-03-26T09:00:00Z").status, 201);
  json kinu_po = CreatePo(shop, "kinu", OneLine("GRINDER-C40", 8), "2026-03-10T09:00:00Z");
  Send(shop, kinu_po["id"], "2026-03-10T10:00:00Z");
  json draft = CreatePo(shop, "kinu", OneLine("GRINDER-C40", 1), "2026-03-11T09:00:00Z");
  std::string cancelled = SentPo(shop, 3);
  ASSERT_EQ(PoPost(shop, cancelled, "cancel", json{{"reason", "ordered twice"}}).status, 200);

  json pos = ListPos(shop);
  json product = shop.Product("GRINDER-C40");
  json rel_c = Reliability(shop, "comandante"), rel_k = Reliability(shop, "kinu");
  json sup_c = GetSupplier(shop, "comandante"), sup_k = GetSupplier(shop, "kinu");
  EXPECT_EQ(product["stock"]["incoming"], 3 + 8);
  EXPECT_EQ(pos["items"].size(), 5u);

  shop.Restart();
  EXPECT_EQ(ListPos(shop), pos);
  EXPECT_EQ(shop.Product("GRINDER-C40"), product);
  EXPECT_EQ(shop.Stock("GRINDER-C40")["incoming"], 11);
  EXPECT_EQ(Reliability(shop, "comandante"), rel_c);
  EXPECT_EQ(Reliability(shop, "kinu"), rel_k);
  EXPECT_EQ(GetSupplier(shop, "comandante"), sup_c);
  EXPECT_EQ(GetSupplier(shop, "kinu"), sup_k);
  // And it goes on from there: the open order can still be received, ids continue.
  json r = Expect(Receive(shop, open, OneLine("GRINDER-C40", 3), "2026-03-27T09:00:00Z"), 201);
  EXPECT_EQ(r["purchase_order"]["status"], "received");
  json next = CreatePo(shop, "kinu", OneLine("GRINDER-C40", 1), "2026-03-28T09:00:00Z");
  for (const auto& po : pos["items"]) EXPECT_NE(po["id"], next["id"]);
  EXPECT_EQ(draft["status"], "draft");
}

// --- large receipts --------------------------------------------------------------------------------

TEST(ApiPurchasing, AReceiptClosingMoreThan500LinesLeavesTheSupplierReceivable) {
  // A purchase order may have up to 1000 lines, and reliability keeps the last 500 closed lines:
  // one receipt that closes 501 lines, then another receipt for the same supplier. Last in the
  // file: when the store refuses the second commit the server stops the process.
  Shop shop;
  StoryShop(shop);
  json lines = json::array();
  for (int i = 0; i < 501; ++i) {
    char sku[32];
    std::snprintf(sku, sizeof sku, "PART-%03d", i);
    ASSERT_EQ(shop.PutProduct(sku, json{{"name", std::string("Part ") + sku}, {"price", "1.00"}}).status, 201);
    lines.push_back(json{{"sku", sku}, {"quantity", 1}});
  }
  json big = CreatePo(shop, "comandante", lines);
  Send(shop, big["id"]);
  ASSERT_EQ(Receive(shop, big["id"], lines, "2026-03-19T10:00:00Z").status, 201);
  EXPECT_EQ(GetPo(shop, big["id"])["status"], "received");
  std::string next = SentPo(shop, 1);
  json r = Expect(Receive(shop, next, OneLine("GRINDER-C40", 1), "2026-03-19T11:00:00Z"), 201);
  EXPECT_EQ(r["purchase_order"]["status"], "received");
  json rel = Reliability(shop, "comandante");
  EXPECT_EQ(rel["receipts"], 502);
  ExpectRatesInRange(rel);
  shop.Restart();
  EXPECT_EQ(Reliability(shop, "comandante"), rel);
}

}  // namespace
}  // namespace belofte::testing::api_tests
