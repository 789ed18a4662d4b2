// Customer notices over the wire (issue #6; docs/notices.md): the outbox per order, the
// customer-service timeline, the notice settings (admin, validated), the policy timers run with
// an explicit business time, the shop's ship-policy switch, and what the engine remembers about
// notices (compensation given, cancellation offered) surviving a restart. Real server, real
// sockets, real SQLite file; no SMTP here (notices stay queued: tests/notify delivers them).
#include <string>
#include <vector>

#include "api_test_util.h"

namespace belofte::testing::api_tests {
namespace {

const std::string kPlaced = "2026-06-10T10:00:00Z";  // a Wednesday

json PlaceFor(Shop& shop, const std::string& external_id, const std::string& sku, int64_t quantity,
              const std::string& email, const std::string& at = kPlaced, const std::string& ship_policy = "ship_available") {
  return Expect(shop.PlaceOrder(json{{"channel", "web"},
                                     {"external_id", external_id},
                                     {"payment", "paid"},
                                     {"ship_policy", ship_policy},
                                     {"placed_at", at},
                                     {"at", at},
                                     {"customer", {{"email", email}, {"name", "Klant " + external_id}, {"language", "nl"}}},
                                     {"lines", json::array({json{{"sku", sku}, {"quantity", quantity}}})}}),
                201);
}

json Notices(Shop& shop, const std::string& order_id) {
  return Expect(shop.http->Get("/api/v1/notifications?order_id=" + order_id), 200)["items"];
}

std::vector<std::string> Kinds(const json& items) {
  std::vector<std::string> out;
  for (const auto& n : items) out.push_back(n["kind"]);
  return out;
}

json RunTimers(Shop& shop, const std::string& at) {
  return Expect(shop.http->Post("/api/v1/timers/run", json{{"at", at}}.dump()), 200);
}

TEST(ApiNotices, AWaitingOrderHasItsBackorderNoticeQueuedAndOnlyItsOwn) {
  Shop shop;
  shop.AllowProduct("A");
  shop.AllowProduct("B", 5);
  json waits = PlaceFor(shop, "1", "A", 2, "anna@example.nl");
  json in_stock = PlaceFor(shop, "2", "B", 1, "bert@example.nl");

  json items = Notices(shop, waits["id"]);
  ASSERT_EQ(items.size(), 1u) << items.dump();
  EXPECT_EQ(items[0]["kind"], "backordered");
  EXPECT_EQ(items[0]["to"], "anna@example.nl");
  EXPECT_EQ(items[0]["order_id"], waits["id"]);
  EXPECT_EQ(items[0]["status"], "queued");  // no SMTP server in this test
  EXPECT_TRUE(items[0]["sent_at"].is_null());
  EXPECT_EQ(items[0]["created_at"], kPlaced);
  // An order served from stock is not followed: the channel confirms it, not us.
  EXPECT_TRUE(Notices(shop, in_stock["id"]).empty());

  // All orders, paged.
  PlaceFor(shop, "3", "A", 1, "carla@example.nl");
  json page = Expect(shop.http->Get("/api/v1/notifications?limit=1"), 200);
  ASSERT_EQ(page["items"].size(), 1u);
  ASSERT_TRUE(page["next_cursor"].is_string());
  json next = Expect(shop.http->Get("/api/v1/notifications?limit=1&cursor=" + page["next_cursor"].get<std::string>()), 200);
  ASSERT_EQ(next["items"].size(), 1u);
  EXPECT_EQ(next["items"][0]["to"], "carla@example.nl");
  EXPECT_TRUE(next["next_cursor"].is_null());

  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/notifications?order_id=abc"), 400, "invalid_id", "order_id"));
  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/notifications?cursor=-1"), 400, "invalid_cursor", "cursor"));
  EXPECT_TRUE(IsProblem(shop.Anonymous()->Get("/api/v1/notifications"), 401, "unauthorized"));
}

TEST(ApiNotices, TheTimelineTellsWhatHappenedToAnOrderInOrderWithItsNotices) {
  Shop shop;
  shop.AllowProduct("A");
  json order = PlaceFor(shop, "1", "A", 2, "anna@example.nl");
  const std::string id = order["id"];
  ASSERT_EQ(shop.http->Post("/api/v1/stock/adjustments",
                            json{{"sku", "A"}, {"delta", 2}, {"reason", "found"}, {"at", "2026-06-11T09:00:00Z"}}.dump())
                .status,
            201);
  json shipped = Expect(shop.http->Post("/api/v1/orders/" + id + "/shipments",
                                        json{{"location", "main"}, {"at", "2026-06-11T15:00:00Z"}}.dump()),
                        201);

  json timeline = Expect(shop.http->Get("/api/v1/orders/" + id + "/timeline"), 200);
  EXPECT_EQ(timeline["order_id"], id);
  std::vector<std::string> types;
  std::vector<std::string> notices;
  std::string previous_seq;
  for (const auto& item : timeline["items"]) {
    types.push_back(item["type"]);
    EXPECT_FALSE(item["summary"].get<std::string>().empty());
    EXPECT_FALSE(item["data"].contains("status_token")) << "the customer's key stays off the agent's screen";
    if (item["type"] == "notice_queued") {
      notices.push_back(item["data"]["kind"]);
      ASSERT_TRUE(item.contains("notification")) << item.dump();
      EXPECT_EQ(item["notification"]["status"], "queued");
      EXPECT_EQ(item["category"], "notice");
    }
    if (!previous_seq.empty()) {
      EXPECT_LT(std::stoll(previous_seq), std::stoll(item["seq"].get<std::string>()));
    }
    previous_seq = item["seq"];
  }
  ASSERT_FALSE(types.empty());
  EXPECT_EQ(types.front(), "order_placed");
  EXPECT_EQ(notices, (std::vector<std::string>{"backordered", "ready", "shipped"}));
  EXPECT_NE(std::find(types.begin(), types.end(), "promise_given"), types.end());
  EXPECT_NE(std::find(types.begin(), types.end(), "backorder_filled"), types.end());
  EXPECT_EQ(types.back(), "notice_queued");  // shipped, after line_shipped

  EXPECT_TRUE(IsProblem(shop.http->Get("/api/v1/orders/999/timeline"), 404, "unknown_order"));
}

TEST(ApiNotices, SettingsChangeFieldByFieldAreValidatedAndNeedAdmin) {
  Shop shop;
  json s = Expect(shop.http->Get("/api/v1/settings/notifications"), 200);
  EXPECT_EQ(s["still_waiting_days"], 14);
  EXPECT_EQ(s["max_wait_action"], "offer");
  EXPECT_EQ(s["quiet_hours"]["enabled"], false);
  EXPECT_EQ(std::find(s["enabled"].begin(), s["enabled"].end(), "order_confirmed"), s["enabled"].end());

  json changed = Expect(shop.http->Put("/api/v1/settings/notifications",
                                       R"({"still_waiting_days": 7, "compensation": {"after_days": 5, "voucher_code": "SORRY10"},
                                           "quiet_hours": {"enabled": true, "start": "21:30", "end": "07:45"}})"),
                        200);
  EXPECT_EQ(changed["still_waiting_days"], 7);
  EXPECT_EQ(changed["max_wait_action"], "offer");  // left out: kept
  EXPECT_EQ(changed["compensation"]["voucher_code"], "SORRY10");
  EXPECT_EQ(changed["quiet_hours"]["start"], "21:30");
  EXPECT_EQ(changed["quiet_hours"]["time_zone"], "Europe/Amsterdam");

  const auto put = [&](const std::string& body) { return shop.http->Put("/api/v1/settings/notifications", body); };
  EXPECT_TRUE(IsProblem(put(R"({"enabled": ["backordered", "postcard"]})"), 400, "invalid_value", "enabled[1]"));
  EXPECT_TRUE(IsProblem(put(R"({"max_wait_action": "shout"})"), 400, "invalid_value", "max_wait_action"));
  EXPECT_TRUE(IsProblem(put(R"({"quiet_hours": {"start": "25:00"}})"), 400, "invalid_time", "quiet_hours.start"));
  EXPECT_TRUE(IsProblem(put(R"({"quiet_hours": {"time_zone": "Mars/Olympus"}})"), 400, "invalid_time_zone",
                        "quiet_hours.time_zone"));
  EXPECT_TRUE(IsProblem(put(R"({"compensation": {"percent": 101}})"), 400, "invalid_setting", "compensation.percent"));
  EXPECT_TRUE(IsProblem(put(R"({"compensation": {"voucher_code": "", "after_days": 3}})"), 400, "invalid_setting",
                        "compensation"));
  EXPECT_TRUE(IsProblem(put(R"({"still_waiting_days": -1})"), 400, "invalid_setting", "still_waiting_days"));
  EXPECT_TRUE(IsProblem(put(R"({"unknown": 1})"), 400, "unknown_field", "unknown"));
  EXPECT_TRUE(IsProblem(put("[1]"), 400, "wrong_type"));
  // Rejected: nothing changed.
  EXPECT_EQ(Expect(shop.http->Get("/api/v1/settings/notifications"), 200), changed);

  auto reader = shop.WithScopes({"read"}, "blft_reader-0123456789abcdefghijklmnopqrstuvwx");
  EXPECT_TRUE(IsProblem(reader->Put("/api/v1/settings/notifications", R"({"still_waiting_days": 3})"), 403, "forbidden"));
  EXPECT_TRUE(IsProblem(reader->Post("/api/v1/timers/run", "{}"), 403, "forbidden"));

  shop.Restart();
  EXPECT_EQ(Expect(shop.http->Get("/api/v1/settings/notifications"), 200), changed);
}

TEST(ApiNotices, StillWaitingComesEveryNDaysWithoutNewsByTheTimersBusinessTime) {
  Shop shop;
  shop.AllowProduct("A");
  Expect(shop.http->Put("/api/v1/settings/notifications", R"({"still_waiting_days": 3})"), 200);
  json order = PlaceFor(shop, "1", "A", 1, "anna@example.nl");  // backordered notice on 06-10 10:00
  const std::string id = order["id"];
  RunTimers(shop, "2026-06-13T09:59:59Z");
  EXPECT_EQ(Kinds(Notices(shop, id)), (std::vector<std::string>{"backordered"}));
  RunTimers(shop, "2026-06-13T10:00:00Z");
  EXPECT_EQ(Kinds(Notices(shop, id)), (std::vector<std::string>{"backordered", "still_waiting"}));
  RunTimers(shop, "2026-06-14T10:00:00Z");  // a day after the last news: nothing
  EXPECT_EQ(Notices(shop, id).size(), 2u);
  RunTimers(shop, "2026-06-16T10:00:00Z");
  EXPECT_EQ(Kinds(Notices(shop, id)), (std::vector<std::string>{"backordered", "still_waiting", "still_waiting"}));
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/timers/run", R"({"at": "yesterday"})"), 400, "invalid_instant", "at"));
}

TEST(ApiNotices, TheShopSwitchesAnOrderToShipWhatIsAvailable) {
  Shop shop;
  shop.AllowProduct("A", 1);
  json order = PlaceFor(shop, "1", "A", 3, "anna@example.nl", kPlaced, "ship_complete");
  const std::string id = order["id"];
  EXPECT_EQ(order["status"], "backordered");
  json switched = Expect(shop.http->Post("/api/v1/orders/" + id + "/ship-policy", R"({"ship_policy": "ship_available"})"), 200);
  EXPECT_EQ(switched["ship_policy"], "ship_available");
  EXPECT_EQ(switched["status"], "ready");  // paid, one allocated: may ship now
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/orders/" + id + "/ship-policy", R"({"ship_policy": "asap"})"), 400,
                        "invalid_value", "ship_policy"));
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/orders/" + id + "/ship-policy", "{}"), 400, "missing_field",
                        "ship_policy"));
  EXPECT_TRUE(IsProblem(shop.http->Post("/api/v1/orders/999/ship-policy", R"({"ship_policy": "ship_available"})"), 404,
                        "unknown_order"));
  shop.Restart();
  EXPECT_EQ(shop.Order(id)["ship_policy"], "ship_available");
}

TEST(ApiNotices, CompensationAndCancelOffersAreGivenOnceEvenAcrossARestart) {
  Shop shop;
  ASSERT_EQ(shop.PutProduct("A", json{{"name", "Product A"},
                                      {"price", "10.00"},
                                      {"backorder", {{"policy", "allow"}, {"max_wait_days", 30}}}})
                .status,
            201);
  Expect(shop.http->Put("/api/v1/settings/notifications",
                        R"({"still_waiting_days": 0, "compensation": {"after_days": 2, "percent": 10}})"),
         200);
  json order = PlaceFor(shop, "1", "A", 1, "anna@example.nl");
  const std::string id = order["id"];
  const std::string p90 = order["lines"][0]["promise"]["p90"];  // the default 14-day lead time
  ASSERT_FALSE(p90.empty());

  RunTimers(shop, p90 + "T12:00:00Z");  // on the promised day: not late yet
  EXPECT_EQ(Kinds(Notices(shop, id)), (std::vector<std::string>{"backordered"}));
  // Thirty days after placing: an offer to cancel. Two days past the date first promised: compensation.
  RunTimers(shop, "2026-07-11T10:00:00Z");
  EXPECT_EQ(Kinds(Notices(shop, id)), (std::vector<std::string>{"backordered", "cancel_offer", "compensation"}));
  shop.Restart();
  RunTimers(shop, "2026-07-20T10:00:00Z");
  EXPECT_EQ(Notices(shop, id).size(), 3u) << "once each, also after a restart";
}

}  // namespace
}  // namespace belofte::testing::api_tests
