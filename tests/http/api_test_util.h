// api_test_util.h — helpers shared by the tests/http/api_*_test.cc suites: a TestServer with an
// admin client, JSON parsing of answers, and a check that an answer is the problem+json the
// contract describes (type, title, status, detail, code; `field` when named).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/http_client.h"
#include "support/test_server.h"

namespace belofte::testing::api_tests {

using nlohmann::json;

// Parses an answer's body; null (and a test failure) when it is not JSON.
inline json Parse(const HttpResult& r) {
  json j = json::parse(r.body, nullptr, false);
  if (j.is_discarded()) {
    ADD_FAILURE() << "answer is not JSON (status " << r.status << "): " << r.body.substr(0, 500);
    return json();
  }
  return j;
}

// Checks the status and the application/json content type, and returns the parsed body.
inline json Expect(const HttpResult& r, long status) {
  EXPECT_EQ(r.status, status) << r.body.substr(0, 2000);
  EXPECT_EQ(r.content_type().rfind("application/json", 0), 0u) << "content type: " << r.content_type();
  return Parse(r);
}

// The answer is an RFC 9457 problem with this HTTP status and machine code (and `field`, if given).
inline ::testing::AssertionResult IsProblem(const HttpResult& r, long status, const std::string& code,
                                            const std::string& field = "") {
  auto fail = [&](const std::string& why) {
    return ::testing::AssertionFailure() << why << "\n  status " << r.status << ", content type '"
                                         << r.content_type() << "', body: " << r.body.substr(0, 2000);
  };
  if (r.status != status) return fail("expected HTTP " + std::to_string(status) + " " + code);
  if (r.content_type().rfind("application/problem+json", 0) != 0) return fail("content type is not application/problem+json");
  json j = json::parse(r.body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return fail("body is not a JSON object");
  for (const char* member : {"type", "title", "detail", "code"}) {
    if (!j.contains(member) || !j[member].is_string()) return fail(std::string("member '") + member + "' missing or not a string");
  }
  if (!j.contains("status") || !j["status"].is_number_integer()) return fail("member 'status' missing or not an integer");
  if (j["status"].get<long>() != r.status) return fail("member 'status' differs from the HTTP status");
  if (j["title"].get<std::string>().empty()) return fail("empty title");
  if (j["code"] != code) return fail("expected code '" + code + "'");
  if (j["type"] != "urn:belofte:problem:" + code) return fail("type is not urn:belofte:problem:" + code);
  if (!field.empty() && (!j.contains("field") || j["field"] != field)) return fail("expected field '" + field + "'");
  return ::testing::AssertionSuccess();
}

// The real server (its own SQLite file, free loopback port) and a client holding the admin token.
class Shop {
 public:
  explicit Shop(size_t max_body_bytes = 4 * 1024 * 1024) : server(max_body_bytes) { Connect(); }

  // Graceful stop and start on the same file; the port (and so base_url) changes.
  void Restart() {
    http.reset();
    server.Restart();
    Connect();
  }

  // A client without a token for this server.
  std::unique_ptr<HttpClient> Anonymous() const { return std::make_unique<HttpClient>(server.base_url()); }

  // A client holding a freshly created token with these scopes.
  std::unique_ptr<HttpClient> WithScopes(const std::vector<std::string>& scopes, const std::string& token) {
    auto created = server.tokens().CreateToken("token-" + token.substr(0, 12), scopes, api::Sha256Hex(token),
                                               "2026-01-01T00:00:00Z");
    EXPECT_TRUE(created.ok());
    auto c = std::make_unique<HttpClient>(server.base_url());
    c->set_token(token);
    return c;
  }

  // --- shorthands (admin) ---------------------------------------------------------------------
  HttpResult PutProduct(const std::string& sku, const json& body) { return http->Put("/api/v1/products/" + sku, body.dump()); }
  json Product(const std::string& sku) { return Expect(http->Get("/api/v1/products/" + sku), 200); }
  json Stock(const std::string& sku) { return Product(sku)["stock"]; }
  HttpResult Adjust(const std::string& sku, int64_t delta, const std::string& location = "main") {
    return http->Post("/api/v1/stock/adjustments",
                      json{{"sku", sku}, {"location", location}, {"delta", delta}, {"reason", "test"}}.dump());
  }
  HttpResult PlaceOrder(const json& body) { return http->Post("/api/v1/orders", body.dump()); }
  json Order(const std::string& id) { return Expect(http->Get("/api/v1/orders/" + id), 200); }
  json Queue(const std::string& sku) { return Expect(http->Get("/api/v1/backorders?sku=" + sku), 200)["items"]; }

  // A product with an `allow` policy (no cap) and an optional opening stock at main.
  void AllowProduct(const std::string& sku, int64_t stock = 0, const std::string& price = "10.00") {
    auto r = PutProduct(sku, json{{"name", "Product " + sku}, {"price", price}, {"backorder", {{"policy", "allow"}}}});
    ASSERT_EQ(r.status, 201) << r.body;
    if (stock > 0) {
      auto a = Adjust(sku, stock);
      ASSERT_EQ(a.status, 201) << a.body;
    }
  }
  // A product with the default `deny` policy and an optional opening stock at main.
  void DenyProduct(const std::string& sku, int64_t stock = 0, const std::string& price = "10.00") {
    auto r = PutProduct(sku, json{{"name", "Product " + sku}, {"price", price}});
    ASSERT_EQ(r.status, 201) << r.body;
    if (stock > 0) {
      auto a = Adjust(sku, stock);
      ASSERT_EQ(a.status, 201) << a.body;
    }
  }

  // Places an order for one line and returns the answer body (expects 201).
  json Place(const std::string& external_id, const std::string& sku, int64_t quantity,
             const std::string& payment = "unpaid", const std::string& placed_at = "",
             const std::string& ship_policy = "ship_available", const std::string& channel = "web") {
    json body{{"channel", channel},
              {"external_id", external_id},
              {"payment", payment},
              {"ship_policy", ship_policy},
              {"lines", json::array({json{{"sku", sku}, {"quantity", quantity}}})}};
    if (!placed_at.empty()) body["placed_at"] = placed_at;
    return Expect(PlaceOrder(body), 201);
  }

  TestServer server;
  std::unique_ptr<HttpClient> http;

 private:
  void Connect() {
    http = std::make_unique<HttpClient>(server.base_url());
    http->set_token(TestServer::kAdminToken);
  }
};

// The order ids of a backorder list, in position order.
inline std::vector<std::string> OrderIdsOf(const json& items) {
  std::vector<std::string> out;
  for (const auto& i : items) out.push_back(i["order_id"].get<std::string>());
  return out;
}

}  // namespace belofte::testing::api_tests
