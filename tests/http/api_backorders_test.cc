// The backorder queue over the wire: listing (one SKU, all SKUs, paging) and manual priority.
#include "api_test_util.h"

namespace belofte::testing::api_tests {
namespace {

std::string Id(const json& order) { return order["id"].get<std::string>(); }
std::string LineId(const json& order) { return order["lines"][0]["line_id"].get<std::string>(); }

HttpResult SetPriority(Shop& shop, const std::string& line_id, const std::string& body) {
  return shop.http->Post("/api/v1/backorders/" + line_id + "/priority", body);
}

TEST(ApiBackorders, ListForOneSkuHasPositionsOneToNInAllocationOrder) {
  Shop shop;
  shop.AllowProduct("A1", 1);
  json first = shop.Place("first", "A1", 3, "unpaid", "2026-03-01T08:00:00Z");  // 1 allocated, 2 wait
  json second = shop.Place("second", "A1", 1, "unpaid", "2026-03-01T09:00:00Z");
  json paid = shop.Place("paid", "A1", 4, "paid", "2026-03-01T10:00:00Z");
  shop.AllowProduct("OTHER");
  shop.Place("other", "OTHER", 1);

  json page = Expect(shop.http->Get("/api/v1/backorders?sku=A1"), 200);
  EXPECT_TRUE(page["next_cursor"].is_null());
  json items = page["items"];
  ASSERT_EQ(items.size(), 3u) << items.dump();
  // No supplier and no purchase order: every waiting line rests on the shop's default lead time.
  for (auto& item : items) {
    EXPECT_EQ(item["promise"]["basis"], "lead_time") << item.dump();
    item["promise"] = nullptr;
  }
  EXPECT_EQ(items[0], (json{{"position", 1}, {"order_id", paid["id"]}, {"line_id", LineId(paid)}, {"sku", "A1"}, {"quantity", 4},
                            {"waiting_since", "2026-03-01T10:00:00Z"}, {"payment", "paid"}, {"priority", 0},
                            {"bundle_sku", nullptr}, {"bundle_line_id", nullptr}, {"promise", nullptr}}));
  EXPECT_EQ(items[1], (json{{"position", 2}, {"order_id", first["id"]}, {"line_id", LineId(first)}, {"sku", "A1"}, {"quantity", 2},
                            {"waiting_since", "2026-03-01T08:00:00Z"}, {"payment", "unpaid"}, {"priority", 0},
                            {"bundle_sku", nullptr}, {"bundle_line_id", nullptr}, {"promise", nullptr}}));
  EXPECT_EQ(items[2]["position"], 3);
  EXPECT_EQ(items[2]["order_id"], second["id"]);
  EXPECT_EQ(items[2]["waiting_since"], "2026-03-01T09:00:00Z");
  // The orders show the same positions.
  EXPECT_EQ(shop.Order(Id(paid))["lines"][0]["queue_position"], 1);
  EXPECT_EQ(shop.Order(Id(first))["lines"][0]["queue_position"], 2);
  EXPECT_EQ(shop.Order(Id(second))["lines"][0]["queue_position"], 3);
}

TEST(ApiBackorders, ListForASkuWithoutWaitingLinesIsEmpty) {
  Shop shop;
  shop.AllowProduct("A1", 5);
  json page = Expect(shop.http->Get("/api/v1/backorders?sku=A1"), 200);
  EXPECT_EQ(page["items"], json::array());
  EXPECT_TRUE(page["next_cursor"].is_null());
}

TEST(ApiBackorders, ListForAnUnknownSkuIs404UnknownSku) {
  Shop shop;
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/backorders?sku=NOPE"), 404, "unknown_sku"));
}

TEST(ApiBackorders, ListForAllSkusIsSortedBySkuAndPagesAcrossSkus) {
  Shop shop;
  for (const char* sku : {"C", "A", "B"}) {
    shop.AllowProduct(sku);
    shop.Place(std::string(sku) + "-1", sku, 1, "unpaid", "2026-03-01T08:00:00Z");
    shop.Place(std::string(sku) + "-2", sku, 2, "unpaid", "2026-03-01T09:00:00Z");
  }
  shop.AllowProduct("AA", 5);  // no queue: not listed
  shop.Place("AA-1", "AA", 1);

  auto key = [](const json& e) { return e["sku"].get<std::string>() + ":" + std::to_string(e["position"].get<int>()); };
  const std::vector<std::string> all = {"A:1", "A:2", "B:1", "B:2", "C:1", "C:2"};

  json whole = Expect(shop.http->Get("/api/v1/backorders"), 200);
  std::vector<std::string> seen;
  for (const auto& e : whole["items"]) seen.push_back(key(e));
  EXPECT_EQ(seen, all);
  EXPECT_TRUE(whole["next_cursor"].is_null());

  for (int limit : {2, 3, 4}) {
    seen.clear();
    std::string cursor;
    int pages = 0;
    while (pages < 10) {
      json page = Expect(shop.http->Get("/api/v1/backorders?limit=" + std::to_string(limit) +
                                        (cursor.empty() ? "" : "&cursor=" + cursor)),
                         200);
      ++pages;
      EXPECT_LE(page["items"].size(), static_cast<size_t>(limit));
      for (const auto& e : page["items"]) seen.push_back(key(e));
      if (page["next_cursor"].is_null()) break;
      cursor = page["next_cursor"].get<std::string>();
    }
    EXPECT_EQ(seen, all) << "limit " << limit;
    EXPECT_EQ(pages, (6 + limit - 1) / limit) << "limit " << limit;
  }
}

TEST(ApiBackorders, ListForOneSkuPagesWithACursor) {
  Shop shop;
  shop.AllowProduct("A1");
  std::vector<std::string> placed;
  for (int i = 0; i < 5; ++i) {
    placed.push_back(Id(shop.Place("o" + std::to_string(i), "A1", 1, "unpaid", "2026-03-01T0" + std::to_string(i) + ":00:00Z")));
  }
  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  while (pages < 10) {
    json page = Expect(shop.http->Get("/api/v1/backorders?sku=A1&limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor)), 200);
    ++pages;
    for (const auto& e : page["items"]) seen.push_back(e["order_id"]);
    if (page["next_cursor"].is_null()) break;
    cursor = page["next_cursor"].get<std::string>();
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, placed);
}

TEST(ApiBackorders, PriorityOverrideMovesALineToPositionOne) {
  Shop shop;
  shop.AllowProduct("A1");
  json a = shop.Place("a", "A1", 1, "paid", "2026-03-01T08:00:00Z");
  json b = shop.Place("b", "A1", 1, "unpaid", "2026-03-01T09:00:00Z");
  json c = shop.Place("c", "A1", 1, "unpaid", "2026-03-01T10:00:00Z");
  EXPECT_EQ(OrderIdsOf(shop.Queue("A1")), (std::vector<std::string>{Id(a), Id(b), Id(c)}));

  json r = Expect(SetPriority(shop, LineId(c), R"({"priority":10})"), 200);
  EXPECT_EQ(r, (json{{"line_id", LineId(c)}, {"order_id", c["id"]}, {"sku", "A1"}, {"priority", 10}, {"position", 1}}));
  json queue = shop.Queue("A1");
  EXPECT_EQ(OrderIdsOf(queue), (std::vector<std::string>{Id(c), Id(a), Id(b)}));
  EXPECT_EQ(queue[0]["priority"], 10);
  json line = shop.Order(Id(c))["lines"][0];
  EXPECT_EQ(line["priority"], 10);
  EXPECT_EQ(line["queue_position"], 1);

  // Stock goes to it first.
  json fill = Expect(shop.Adjust("A1", 1), 201);
  ASSERT_EQ(fill["filled"].size(), 1u);
  EXPECT_EQ(fill["filled"][0]["order_id"], c["id"]);
}

TEST(ApiBackorders, NegativePriorityMovesALineDown) {
  Shop shop;
  shop.AllowProduct("A1");
  json a = shop.Place("a", "A1", 1, "paid", "2026-03-01T08:00:00Z");
  json b = shop.Place("b", "A1", 1, "unpaid", "2026-03-01T09:00:00Z");
  json r = Expect(SetPriority(shop, LineId(a), R"({"priority":-5,"at":"2026-03-02T08:00:00Z"})"), 200);
  EXPECT_EQ(r["position"], 2);
  EXPECT_EQ(r["priority"], -5);
  EXPECT_EQ(OrderIdsOf(shop.Queue("A1")), (std::vector<std::string>{Id(b), Id(a)}));
}

TEST(ApiBackorders, PriorityOfALineThatIsNotWaitingAnswersPositionZero) {
  Shop shop;
  shop.AllowProduct("A1", 1);
  json a = shop.Place("a", "A1", 1);
  json r = Expect(SetPriority(shop, LineId(a), R"({"priority":3})"), 200);
  EXPECT_EQ(r["position"], 0);
  EXPECT_EQ(r["priority"], 3);
  EXPECT_EQ(shop.Order(Id(a))["lines"][0]["priority"], 3);
}

TEST(ApiBackorders, InvalidPriorityIs400AndChangesNothing) {
  Shop shop;
  shop.AllowProduct("A1");
  json a = shop.Place("a", "A1", 1);
  json b = shop.Place("b", "A1", 1);
  json before = shop.Queue("A1");
  EXPECT_TRUE(IsProblem(SetPriority(shop, LineId(b), R"({"priority":"high"})"), 400, "wrong_type", "priority"));
  EXPECT_TRUE(IsProblem(SetPriority(shop, LineId(b), R"({"priority":"10"})"), 400, "wrong_type", "priority"));
  EXPECT_TRUE(IsProblem(SetPriority(shop, LineId(b), R"({"priority":1.5})"), 400, "wrong_type", "priority"));
  EXPECT_TRUE(IsProblem(SetPriority(shop, LineId(b), R"({})"), 400, "missing_field", "priority"));
  EXPECT_TRUE(IsProblem(SetPriority(shop, LineId(b), R"({"priority":1000001})"), 400, "invalid_priority", "priority"));
  EXPECT_TRUE(IsProblem(SetPriority(shop, LineId(b), R"({"priority":10,"why":"vip"})"), 400, "unknown_field", "why"));
  EXPECT_EQ(shop.Queue("A1"), before);
  EXPECT_EQ(Expect(SetPriority(shop, LineId(b), R"({"priority":1000000})"), 200)["position"], 1);
  (void)a;
}

TEST(ApiBackorders, PriorityForAnUnknownLineIs404UnknownLine) {
  Shop shop;
  EXPECT_TRUE(IsProblem(SetPriority(shop, "9999", R"({"priority":1})"), 404, "unknown_line"));
  EXPECT_TRUE(IsProblem(SetPriority(shop, "abc", R"({"priority":1})"), 404, "unknown_line"));
}

}  // namespace
}  // namespace belofte::testing::api_tests
