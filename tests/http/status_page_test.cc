// The customer's status page (docs/status-page.md) over the wire: what it shows (JSON and HTML,
// Dutch and English), that a token leads to its own order only (every other token gets the same
// 404), the security headers, and the self-service actions (cancel what waits, ship what is
// ready, keep waiting) with their switches, their content type and their audit trail. Real
// server, real sockets, real SQLite file.
#include <sqlite3.h>

#include <regex>
#include <string>
#include <vector>

#include "api/auth.h"
#include "api/status_page.h"
#include "api_test_util.h"

namespace belofte::testing::api_tests {
namespace {

const char* const kJson = "Accept: application/json";

// Events of a type in the shop's event log (read straight from the SQLite file).
std::vector<std::string> EventPayloads(Shop& shop, const std::string& type) {
  std::vector<std::string> out;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(shop.server.db_path().c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "cannot open the database";
    sqlite3_close(db);
    return out;
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "SELECT payload FROM events WHERE type = ?1 ORDER BY seq", -1, &st, nullptr);
  sqlite3_bind_text(st, 1, type.c_str(), -1, SQLITE_TRANSIENT);
  while (sqlite3_step(st) == SQLITE_ROW) out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

// The path of an order's status page, from its status_url.
std::string StatusPath(const json& order) {
  const std::string url = order["status_url"];
  return url.substr(url.find("/status/"));
}

class StatusPageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(shop.PutProduct("MUG", json{{"name", "Koffiemok Delft"}, {"price", "9.95"}, {"backorder", {{"policy", "allow"}}}}).status, 201);
    ASSERT_EQ(shop.PutProduct("BEANS", json{{"name", "Bonen Java"}, {"price", "7.50"}, {"backorder", {{"policy", "allow"}}}}).status, 201);
    ASSERT_EQ(shop.PutProduct("GIFT", json{{"name", "Cadeaupakket"},
                                           {"price", "19.95"},
                                           {"backorder", {{"policy", "allow"}}},
                                           {"components", json::array({json{{"sku", "MUG"}, {"quantity", 1}},
                                                                       json{{"sku", "BEANS"}, {"quantity", 2}}})}})
                  .status,
              201);
  }

  // An order of `lines` ({sku, quantity}) for a customer; returns the order JSON.
  json Place(const std::string& external_id, const json& lines, const std::string& language = "nl",
             const std::string& ship_policy = "ship_available", const std::string& email = "klant@example.nl") {
    return Expect(shop.PlaceOrder(json{{"channel", "web"},
                                       {"external_id", external_id},
                                       {"customer", {{"email", email}, {"name", "Klant " + external_id}, {"language", language}}},
                                       {"payment", "paid"},
                                       {"ship_policy", ship_policy},
                                       {"lines", lines}}),
                  201);
  }
  json Line(const std::string& sku, int64_t quantity) { return json{{"sku", sku}, {"quantity", quantity}}; }

  // 3 mugs, 1 in stock: 1 ready, 2 waiting.
  json Backordered(const std::string& external_id = "1001", const std::string& language = "nl",
                   const std::string& ship_policy = "ship_available") {
    EXPECT_EQ(shop.Adjust("MUG", 1).status, 201);
    return Place(external_id, json::array({Line("MUG", 3)}), language, ship_policy);
  }

  json Status(const json& order, const std::string& query = "") {
    auto r = anonymous->Get(StatusPath(order) + query, {kJson});
    return Expect(r, 200);
  }
  HttpResult Act(const json& order, const std::string& action, const std::string& body = "{}",
                 const std::vector<std::string>& headers = {kJson}) {
    return anonymous->Post(StatusPath(order) + "/" + action, body, headers);
  }

  void SetSwitches(bool cancel, bool ship_available, bool keep_waiting) {
    auto settings = shop.server.writer().Read([](const engine::Engine& e) { return e.state().notice_settings; });
    settings.self_cancel = cancel;
    settings.self_ship_available = ship_available;
    settings.self_keep_waiting = keep_waiting;
    auto r = shop.server.writer().Execute(engine::SetNoticeSettings{settings, WallClock()});
    ASSERT_TRUE(r.ok()) << r.error().message;
  }

  Shop shop;
  std::unique_ptr<HttpClient> anonymous = shop.Anonymous();
};

void ExpectPrivateHeaders(const HttpResult& r) {
  EXPECT_EQ(r.headers.at("cache-control"), "no-store");
  EXPECT_EQ(r.headers.at("referrer-policy"), "no-referrer");
  EXPECT_NE(r.headers.at("x-robots-tag").find("noindex"), std::string::npos);
  const std::string csp = r.headers.at("content-security-policy");
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe"), std::string::npos) << csp;
}

TEST_F(StatusPageTest, JsonShowsTheLinesThePromiseAndTheHistory) {
  json order = Backordered();
  auto r = anonymous->Get(StatusPath(order), {kJson});
  json s = Expect(r, 200);
  ExpectPrivateHeaders(r);
  EXPECT_EQ(s["language"], "nl");
  EXPECT_EQ(s["order"]["channel"], "web");
  EXPECT_EQ(s["order"]["external_id"], "1001");
  EXPECT_EQ(s["order"]["placed_at"], order["placed_at"]);
  EXPECT_EQ(s["order"]["status"], order["status"]);
  ASSERT_EQ(s["lines"].size(), 1u);
  const json& line = s["lines"][0];
  EXPECT_EQ(line["line_id"], order["lines"][0]["line_id"]);
  EXPECT_EQ(line["name"], "Koffiemok Delft");
  EXPECT_EQ(line["ordered"], 3);
  EXPECT_EQ(line["ready"], 1);
  EXPECT_EQ(line["waiting"], 2);
  EXPECT_EQ(line["shipped"], 0);
  EXPECT_EQ(line["cancelled"], 0);
  EXPECT_EQ(line["state"], "partly_waiting");
  ASSERT_TRUE(line["promise"].is_object()) << line;
  EXPECT_EQ(line["promise"]["p90"], order["lines"][0]["promise"]["p90"]);
  EXPECT_EQ(line["promise"]["p50"], order["lines"][0]["promise"]["p50"]);
  EXPECT_EQ(line["promise"]["basis"], "lead_time");
  EXPECT_TRUE(std::regex_search(line["promise"]["p90_text"].get<std::string>(),
                                std::regex("^(maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag) \\d+ [a-z]+ 20\\d\\d$")))
      << line["promise"]["p90_text"];
  EXPECT_NE(line["promise"]["basis_text"].get<std::string>().find("levertijd"), std::string::npos);
  ASSERT_FALSE(s["promises"].empty());
  EXPECT_EQ(s["promises"][0]["kind"], "given");
  EXPECT_EQ(s["promises"][0]["promise"]["p90"], line["promise"]["p90"]);
  ASSERT_FALSE(s["notices"].empty());
  EXPECT_EQ(s["notices"][0]["kind"], "backordered");
  EXPECT_FALSE(s["notices"][0]["kind_text"].get<std::string>().empty());
  EXPECT_EQ(s["actions"]["cancel"]["available"], true);
  EXPECT_EQ(s["actions"]["cancel"]["lines"], json::array({line["line_id"]}));
  EXPECT_EQ(s["actions"]["keep_waiting"]["available"], true);
  EXPECT_EQ(s["actions"]["ship_available"]["available"], false);  // it already ships what is ready
  // No address, no internal order id, no customer name.
  EXPECT_EQ(r.body.find("klant@example.nl"), std::string::npos);
  EXPECT_EQ(r.body.find('@'), std::string::npos);
  EXPECT_FALSE(s.contains("id"));
  EXPECT_EQ(r.body.find("Klant 1001"), std::string::npos);
  // English on request.
  json en = Status(order, "?lang=en");
  EXPECT_EQ(en["language"], "en");
  EXPECT_TRUE(std::regex_search(en["lines"][0]["promise"]["p90_text"].get<std::string>(),
                                std::regex("^[A-Z][a-z]+day \\d+ [A-Z][a-z]+ 20\\d\\d$")));
}

TEST_F(StatusPageTest, HtmlInTheCustomersLanguageWithoutInlineScript) {
  json order = Backordered("1001", "nl");
  auto r = anonymous->Get(StatusPath(order));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type().rfind("text/html", 0), 0u);
  ExpectPrivateHeaders(r);
  const std::string& html = r.body;
  json s = Status(order);
  EXPECT_NE(html.find("<html lang=\"nl\">"), std::string::npos);
  EXPECT_NE(html.find("Koffiemok Delft"), std::string::npos);
  EXPECT_NE(html.find("1001"), std::string::npos);
  EXPECT_NE(html.find(s["lines"][0]["promise"]["p90_text"].get<std::string>()), std::string::npos);
  EXPECT_NE(html.find("datetime=\"" + s["lines"][0]["promise"]["p90"].get<std::string>() + "\""), std::string::npos);
  EXPECT_TRUE(html.find("uiterlijk") != std::string::npos || html.find("Verwacht") != std::string::npos);
  EXPECT_NE(html.find("wacht op voorraad"), std::string::npos);
  EXPECT_NE(html.find("data-action=\"cancel\""), std::string::npos);
  EXPECT_NE(html.find("<dialog"), std::string::npos);
  // Script and style come from the page's own static routes; no inline handlers.
  EXPECT_NE(html.find("<script src=\"assets/status.js\" defer></script>"), std::string::npos);
  EXPECT_FALSE(std::regex_search(html, std::regex("<script(?![^>]*\\bsrc=)")));
  EXPECT_FALSE(std::regex_search(html, std::regex("\\son[a-z]+\\s*=", std::regex::icase)));
  EXPECT_EQ(html.find("<style"), std::string::npos);
  EXPECT_EQ(html.find("klant@example.nl"), std::string::npos);

  auto en = anonymous->Get(StatusPath(order) + "?lang=en");
  ASSERT_EQ(en.status, 200);
  EXPECT_NE(en.body.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_NE(en.body.find("Your order"), std::string::npos);
  EXPECT_NE(en.body.find("Expected: "), std::string::npos);  // one date when P50 and P90 agree, else "probably ..., at the latest ..."

  json english = Place("2002", json::array({Line("BEANS", 1)}), "en");
  auto e = anonymous->Get(StatusPath(english));
  EXPECT_NE(e.body.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_NE(e.body.find("Waiting for stock"), std::string::npos);

  auto js = anonymous->Get("/status/assets/status.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.content_type().rfind("text/javascript", 0), 0u);
  EXPECT_NE(js.body.find("showModal"), std::string::npos);
  auto css = anonymous->Get("/status/assets/status.css");
  EXPECT_EQ(css.status, 200);
  EXPECT_EQ(css.content_type().rfind("text/css", 0), 0u);
}

TEST_F(StatusPageTest, EveryOtherTokenGetsTheSame404) {
  json order = Backordered();
  const std::string path = StatusPath(order);
  const std::string token = path.substr(std::string("/status/").size());
  ASSERT_TRUE(api::StatusPage::ValidTokenShape(token)) << token;
  std::string wrong = token;
  wrong[5] = wrong[5] == 'A' ? 'B' : 'A';
  // A token of an order in another shop (its own store).
  Shop other;
  ASSERT_EQ(other.PutProduct("MUG", json{{"name", "Mok"}, {"price", "1.00"}, {"backorder", {{"policy", "allow"}}}}).status, 201);
  json foreign = other.Place("9", "MUG", 1);
  const std::vector<std::string> tokens = {
      wrong,                                 // one character off
      api::NewStatusToken(),                 // guessed: the right shape, random
      token.substr(0, 21),                   // truncated
      token + "A",                           // too long
      token.substr(0, 21) + "+",             // not URL-safe base64
      token.substr(0, 21) + "%2F",           // an encoded slash
      StatusPath(foreign).substr(8),         // another shop's order
      "1",                                   // an order id
  };
  HttpResult first_html, first_json;
  for (size_t i = 0; i < tokens.size(); ++i) {
    SCOPED_TRACE(tokens[i]);
    auto html = anonymous->Get("/status/" + tokens[i]);
    auto js = anonymous->Get("/status/" + tokens[i], {kJson});
    auto act = anonymous->Post("/status/" + tokens[i] + "/cancel", "{}", {kJson});
    EXPECT_EQ(html.status, 404);
    EXPECT_EQ(html.content_type().rfind("text/html", 0), 0u);
    EXPECT_TRUE(IsProblem(js, 404, "unknown_status_page"));
    EXPECT_TRUE(IsProblem(act, 404, "unknown_status_page"));
    EXPECT_EQ(js.body, act.body);
    for (const auto* r : {&html, &js}) {
      EXPECT_EQ(r->body.find("1001"), std::string::npos);
      EXPECT_EQ(r->body.find("MUG"), std::string::npos);
      EXPECT_EQ(r->body.find("Mok"), std::string::npos);
      EXPECT_EQ(r->headers.at("cache-control"), "no-store");
      EXPECT_EQ(r->headers.at("referrer-policy"), "no-referrer");
    }
    if (i == 0) {
      first_html = html;
      first_json = js;
    } else {
      EXPECT_EQ(html.body, first_html.body);
      EXPECT_EQ(js.body, first_json.body);
    }
  }
  EXPECT_EQ(anonymous->Get(path, {kJson}).status, 200);  // and the real one still works
}

TEST_F(StatusPageTest, ConsecutiveOrdersTokensShareNoStructure) {
  json a = Backordered("1001");
  json b = Place("1002", json::array({Line("MUG", 1)}));
  const std::string ta = StatusPath(a).substr(8), tb = StatusPath(b).substr(8);
  ASSERT_EQ(ta.size(), 22u);
  ASSERT_EQ(tb.size(), 22u);
  EXPECT_TRUE(api::StatusPage::ValidTokenShape(ta));
  EXPECT_TRUE(api::StatusPage::ValidTokenShape(tb));
  size_t prefix = 0;
  while (prefix < 22 && ta[prefix] == tb[prefix]) ++prefix;
  size_t suffix = 0;
  while (suffix < 22 && ta[21 - suffix] == tb[21 - suffix]) ++suffix;
  int same = 0;
  for (size_t i = 0; i < 22; ++i) same += ta[i] == tb[i];
  // Random tokens agree in about 22/64 positions; a counter or a timestamp would share a run.
  EXPECT_LT(prefix, 5u) << ta << " " << tb;
  EXPECT_LT(suffix, 5u) << ta << " " << tb;
  EXPECT_LT(same, 8) << ta << " " << tb;
}

TEST_F(StatusPageTest, APageShowsNothingOfAnotherOrder) {
  json a = Backordered("A-1001");
  ASSERT_EQ(shop.Adjust("BEANS", 1).status, 201);
  json b = Place("B-2002", json::array({Line("BEANS", 4)}), "en", "ship_complete", "other@example.com");
  for (const char* lang : {"", "?lang=en"}) {
    auto html = anonymous->Get(StatusPath(a) + std::string(lang));
    auto js = anonymous->Get(StatusPath(a) + std::string(lang), {kJson});
    for (const auto* r : {&html, &js}) {
      ASSERT_EQ(r->status, 200);
      for (const std::string& other : {std::string("B-2002"), std::string("Bonen Java"), std::string("BEANS"),
                                       std::string("other@example.com"), StatusPath(b).substr(8),
                                       b["lines"][0]["line_id"].get<std::string>() + "\""}) {
        EXPECT_EQ(r->body.find(other), std::string::npos) << other;
      }
      EXPECT_NE(r->body.find("A-1001"), std::string::npos);
    }
  }
  json sb = Status(b);
  EXPECT_EQ(sb["order"]["external_id"], "B-2002");
  EXPECT_EQ(sb["lines"].size(), 1u);
  EXPECT_EQ(sb["lines"][0]["name"], "Bonen Java");
}

TEST_F(StatusPageTest, CancelTakesOnlyTheWaitingUnitsAndIsIdempotent) {
  json order = Backordered();
  auto r = Act(order, "cancel");
  json s = Expect(r, 200);
  ExpectPrivateHeaders(r);
  EXPECT_EQ(s["lines"][0]["waiting"], 0);
  EXPECT_EQ(s["lines"][0]["cancelled"], 2);
  EXPECT_EQ(s["lines"][0]["ready"], 1);
  EXPECT_TRUE(s["lines"][0]["promise"].is_null());
  EXPECT_EQ(s["actions"]["cancel"]["available"], false);
  // The shop's view agrees, and the audit trail says the customer did it.
  json admin = shop.Order(order["id"]);
  EXPECT_EQ(admin["lines"][0]["cancelled"], 2);
  EXPECT_EQ(admin["lines"][0]["backordered"], 0);
  EXPECT_EQ(admin["lines"][0]["allocated"], 1);
  auto events = EventPayloads(shop, "line_cancelled");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(json::parse(events[0])["reason"], "customer");
  // A repeat changes nothing.
  json again = Expect(Act(order, "cancel"), 200);
  EXPECT_EQ(again["lines"], s["lines"]);
  EXPECT_EQ(Expect(Act(order, "cancel", ""), 200)["lines"], s["lines"]);  // an empty body is {}
  EXPECT_EQ(EventPayloads(shop, "line_cancelled").size(), 1u);
}

TEST_F(StatusPageTest, CancelNamedLinesAndWholeBundleUnits) {
  ASSERT_EQ(shop.Adjust("MUG", 4).status, 201);
  ASSERT_EQ(shop.Adjust("BEANS", 2).status, 201);
  // GIFT x3 (MUG + 2 BEANS each): one unit ready, two wait; BEANS x2 waits; MUG x1 is ready.
  json order = Place("1001", json::array({Line("GIFT", 3), Line("BEANS", 2), Line("MUG", 1)}));
  json s = Status(order);
  ASSERT_EQ(s["lines"].size(), 3u);  // customer lines only: the bundle whole, never its components
  const json& gift = s["lines"][0];
  EXPECT_EQ(gift["bundle"], true);
  EXPECT_EQ(gift["name"], "Cadeaupakket");
  EXPECT_EQ(gift["ready"], 1);
  EXPECT_EQ(gift["waiting"], 2);
  EXPECT_TRUE(gift["promise"].is_object());
  const std::string gift_id = gift["line_id"], beans_id = s["lines"][1]["line_id"], mug_id = s["lines"][2]["line_id"];
  EXPECT_EQ(s["lines"][1]["waiting"], 2);
  EXPECT_EQ(s["lines"][2]["ready"], 1);  // the third mug was in stock
  // Component line ids are not the customer's to name.
  std::string component;
  for (const auto& l : order["lines"][0]["components"]) component = l["line_id"];
  EXPECT_TRUE(IsProblem(Act(order, "cancel", json{{"lines", json::array({component})}}.dump()), 400, "unknown_line", "lines[0]"));
  EXPECT_TRUE(IsProblem(Act(order, "cancel", json{{"lines", json::array({"999999"})}}.dump()), 400, "unknown_line", "lines[0]"));
  EXPECT_TRUE(IsProblem(Act(order, "cancel", json{{"lines", 5}}.dump()), 400, "wrong_type", "lines"));
  EXPECT_TRUE(IsProblem(Act(order, "cancel", json{{"reason", "x"}}.dump()), 400, "unknown_field"));
  EXPECT_TRUE(IsProblem(Act(order, "cancel", "{\"lines\": ["), 400, "malformed_json"));
  EXPECT_TRUE(EventPayloads(shop, "line_cancelled").empty());

  json after = Expect(Act(order, "cancel", json{{"lines", json::array({gift_id})}}.dump()), 200);
  EXPECT_EQ(after["lines"][0]["ready"], 1);
  EXPECT_EQ(after["lines"][0]["waiting"], 0);
  EXPECT_EQ(after["lines"][0]["cancelled"], 2);
  EXPECT_EQ(after["lines"][1]["waiting"], 2);  // untouched
  EXPECT_EQ(after["lines"][1]["cancelled"], 0);
  json admin = shop.Order(order["id"]);
  EXPECT_EQ(admin["lines"][0]["cancelled"], 2);
  EXPECT_EQ(admin["lines"][0]["allocated"], 1);
  // A line with nothing waiting: no change, no event.
  const size_t events = EventPayloads(shop, "line_cancelled").size();
  EXPECT_EQ(Expect(Act(order, "cancel", json{{"lines", json::array({mug_id})}}.dump()), 200)["lines"], after["lines"]);
  EXPECT_EQ(EventPayloads(shop, "line_cancelled").size(), events);
  json last = Expect(Act(order, "cancel", json{{"lines", json::array({beans_id, gift_id})}}.dump()), 200);
  EXPECT_EQ(last["lines"][1]["cancelled"], 2);
  EXPECT_EQ(last["lines"][0]["cancelled"], 2);
  for (const auto& p : EventPayloads(shop, "line_cancelled")) EXPECT_EQ(json::parse(p)["reason"], "customer");
}

TEST_F(StatusPageTest, NothingWaiting) {
  ASSERT_EQ(shop.Adjust("MUG", 5).status, 201);
  json order = Place("1001", json::array({Line("MUG", 2)}), "nl", "ship_complete");
  json s = Status(order);
  EXPECT_EQ(s["lines"][0]["state"], "ready");
  EXPECT_TRUE(s["lines"][0]["promise"].is_null());
  for (const char* a : {"cancel", "ship_available", "keep_waiting"}) EXPECT_EQ(s["actions"][a]["available"], false) << a;
  EXPECT_EQ(Expect(Act(order, "cancel"), 200)["lines"], s["lines"]);
  EXPECT_TRUE(IsProblem(Act(order, "keep-waiting"), 409, "nothing_waiting"));
  EXPECT_TRUE(IsProblem(Act(order, "ship-available"), 409, "nothing_waiting"));
  EXPECT_TRUE(EventPayloads(shop, "line_cancelled").empty());
  EXPECT_TRUE(EventPayloads(shop, "wait_accepted").empty());
  EXPECT_TRUE(EventPayloads(shop, "ship_policy_changed").empty());
  // A closed order keeps its page.
  auto shipped = shop.http->Post("/api/v1/orders/" + order["id"].get<std::string>() + "/shipments", "{}");
  ASSERT_EQ(shipped.status, 201) << shipped.body;
  json closed = Status(order);
  EXPECT_EQ(closed["order"]["status"], "shipped");
  EXPECT_EQ(closed["lines"][0]["state"], "shipped");
  EXPECT_EQ(closed["lines"][0]["shipped"], 2);
  EXPECT_EQ(Expect(Act(order, "cancel"), 200)["order"]["status"], "shipped");
  EXPECT_TRUE(IsProblem(Act(order, "ship-available"), 409, "order_closed"));
  EXPECT_TRUE(IsProblem(Act(order, "keep-waiting"), 409, "nothing_waiting"));
  EXPECT_EQ(anonymous->Get(StatusPath(order)).status, 200);
}

TEST_F(StatusPageTest, ShipAvailableAndKeepWaiting) {
  json order = Backordered("1001", "nl", "ship_complete");
  json s = Status(order);
  EXPECT_EQ(s["order"]["ship_policy"], "ship_complete");
  EXPECT_EQ(s["actions"]["ship_available"]["available"], true);
  json shipped = Expect(Act(order, "ship-available"), 200);
  EXPECT_EQ(shipped["order"]["ship_policy"], "ship_available");
  EXPECT_EQ(shipped["actions"]["ship_available"]["available"], false);
  EXPECT_EQ(shop.Order(order["id"])["ship_policy"], "ship_available");
  auto changed = EventPayloads(shop, "ship_policy_changed");
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(json::parse(changed[0])["by"], "customer");
  EXPECT_EQ(Expect(Act(order, "ship-available"), 200)["order"]["ship_policy"], "ship_available");
  EXPECT_EQ(EventPayloads(shop, "ship_policy_changed").size(), 1u);

  EXPECT_EQ(s["actions"]["keep_waiting"]["available"], true);
  json waiting = Expect(Act(order, "keep-waiting"), 200);
  EXPECT_EQ(waiting["order"]["wait_accepted"], true);
  EXPECT_EQ(waiting["actions"]["keep_waiting"]["available"], false);
  EXPECT_EQ(EventPayloads(shop, "wait_accepted").size(), 1u);
  EXPECT_EQ(Expect(Act(order, "keep-waiting"), 200)["order"]["wait_accepted"], true);
  EXPECT_EQ(EventPayloads(shop, "wait_accepted").size(), 1u);
  EXPECT_NE(anonymous->Get(StatusPath(order)).body.find("Je hebt laten weten dat je graag wacht."), std::string::npos);
  EXPECT_TRUE(IsProblem(Act(order, "keep-waiting", json{{"lines", json::array()}}.dump()), 400, "unknown_field"));
}

TEST_F(StatusPageTest, EachActionCanBeSwitchedOff) {
  json order = Backordered("1001", "en", "ship_complete");
  SetSwitches(false, false, false);
  json s = Status(order);
  for (const char* a : {"cancel", "ship_available", "keep_waiting"}) {
    EXPECT_EQ(s["actions"][a]["enabled"], false) << a;
    EXPECT_EQ(s["actions"][a]["available"], false) << a;
  }
  EXPECT_EQ(anonymous->Get(StatusPath(order)).body.find("data-action"), std::string::npos);
  for (const char* a : {"cancel", "ship-available", "keep-waiting"}) {
    auto r = Act(order, a);
    EXPECT_TRUE(IsProblem(r, 403, "self_service_disabled")) << a;
    EXPECT_EQ(json::parse(r.body)["action"], a);
  }
  EXPECT_TRUE(EventPayloads(shop, "line_cancelled").empty());
  EXPECT_TRUE(EventPayloads(shop, "ship_policy_changed").empty());
  EXPECT_TRUE(EventPayloads(shop, "wait_accepted").empty());
  // One switch on: that action only.
  SetSwitches(false, false, true);
  EXPECT_TRUE(IsProblem(Act(order, "cancel"), 403, "self_service_disabled"));
  EXPECT_EQ(Expect(Act(order, "keep-waiting"), 200)["order"]["wait_accepted"], true);
  SetSwitches(true, false, false);
  EXPECT_EQ(Expect(Act(order, "cancel"), 200)["lines"][0]["cancelled"], 2);
  EXPECT_EQ(shop.Order(order["id"])["lines"][0]["cancelled"], 2);
}

TEST_F(StatusPageTest, ActionsTakeJsonOnly) {
  json order = Backordered();
  for (const std::string& type : {std::string("Content-Type: text/plain"),
                                  std::string("Content-Type: application/x-www-form-urlencoded"),
                                  std::string("Content-Type: multipart/form-data; boundary=x"), std::string("Content-Type:")}) {
    SCOPED_TRACE(type);
    for (const char* a : {"cancel", "ship-available", "keep-waiting"}) {
      EXPECT_TRUE(IsProblem(Act(order, a, "{}", {type, kJson}), 415, "unsupported_media_type")) << a;
    }
  }
  EXPECT_EQ(Expect(Act(order, "cancel", "{}", {"Content-Type: application/json; charset=utf-8"}), 200)["lines"][0]["cancelled"], 2);
  // GET is the only method of the page itself.
  EXPECT_EQ(anonymous->Put(StatusPath(order), "{}").status, 405);
  auto events = EventPayloads(shop, "line_cancelled");
  EXPECT_EQ(events.size(), 1u);
}

}  // namespace
}  // namespace belofte::testing::api_tests
