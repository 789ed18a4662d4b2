// Races over HTTP: 2,048 order requests from 64 client threads for one scarce SKU. Exactly the
// available unit is allocated, caps hold exactly, every refusal is a 409 problem, and the
// store checks clean afterwards.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <sstream>
#include <thread>

#include "cli/cli.h"
#include "support/http_client.h"
#include "support/test_server.h"

namespace belofte::testing {
namespace {

using nlohmann::json;

struct Tally {
  std::atomic<int> created{0}, allocated{0}, backordered{0}, conflicts{0}, other{0};
};

void Race(const std::string& base, Tally& tally, const std::string& expected_code) {
  constexpr int kThreads = 64;
  constexpr int kPerThread = 32;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      HttpClient http(base);
      http.set_token(TestServer::kAdminToken);
      for (int i = 0; i < kPerThread; ++i) {
        std::string body = R"({"channel":"web","external_id":")" + std::to_string(t) + "-" + std::to_string(i) +
                           R"(","payment":"paid","lines":[{"sku":"SCARCE","quantity":1}]})";
        auto r = http.Post("/api/v1/orders", body);
        if (r.status == 201) {
          tally.created++;
          json order = json::parse(r.body);
          if (order["lines"][0]["allocated"] == 1) tally.allocated++;
          if (order["lines"][0]["backordered"] == 1) tally.backordered++;
        } else if (r.status == 409 && r.content_type() == "application/problem+json" &&
                   json::parse(r.body)["code"] == expected_code) {
          tally.conflicts++;
        } else {
          tally.other++;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
}

TEST(HttpRace, OneUnitUnderDenyGoesToExactlyOneOf2048Orders) {
  TestServer server;
  HttpClient http(server.base_url());
  http.set_token(TestServer::kAdminToken);
  ASSERT_EQ(http.Put("/api/v1/products/SCARCE", R"({"name":"Laatste","price":"10.00"})").status, 201);
  ASSERT_EQ(http.Post("/api/v1/stock/adjustments", R"({"sku":"SCARCE","delta":1,"reason":"last one"})").status, 201);
  Tally tally;
  Race(server.base_url(), tally, "insufficient_stock");
  EXPECT_EQ(tally.created, 1);
  EXPECT_EQ(tally.allocated, 1);
  EXPECT_EQ(tally.conflicts, 2048 - 1);
  EXPECT_EQ(tally.other, 0);
  json product = json::parse(http.Get("/api/v1/products/SCARCE").body);
  EXPECT_EQ(product["stock"]["allocated"], 1);
  EXPECT_EQ(product["stock"]["backordered"], 0);
  server.Stop();
  std::ostringstream out, err;
  EXPECT_EQ(cli::Check(server.db_path(), out, err), 0) << out.str() << err.str();
}

TEST(HttpRace, CapsHoldExactlyUnderAllow) {
  TestServer server;
  HttpClient http(server.base_url());
  http.set_token(TestServer::kAdminToken);
  ASSERT_EQ(http.Put("/api/v1/products/SCARCE",
                     R"({"name":"Populair","price":"10.00","backorder":{"policy":"allow","max_units":100}})")
                .status,
            201);
  ASSERT_EQ(http.Post("/api/v1/stock/adjustments", R"({"sku":"SCARCE","delta":1,"reason":"one"})").status, 201);
  Tally tally;
  Race(server.base_url(), tally, "backorder_cap_reached");
  EXPECT_EQ(tally.created, 101);
  EXPECT_EQ(tally.allocated, 1);
  EXPECT_EQ(tally.backordered, 100);
  EXPECT_EQ(tally.conflicts, 2048 - 101);
  EXPECT_EQ(tally.other, 0);
  json queue = json::parse(http.Get("/api/v1/backorders?sku=SCARCE&limit=1000").body);
  EXPECT_EQ(queue["items"].size(), 100u);
  EXPECT_EQ(queue["items"][99]["position"], 100);
  server.Stop();
  std::ostringstream out, err;
  EXPECT_EQ(cli::Check(server.db_path(), out, err), 0) << out.str() << err.str();
}

}  // namespace
}  // namespace belofte::testing
