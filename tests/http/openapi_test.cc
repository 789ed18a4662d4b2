// The OpenAPI document and the route table describe the same API: every route is documented
// with its operationId, every documented operation answers (it is routed, whatever the
// resource), and the served document is the one in the repository.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <regex>
#include <set>

#include "api/api.h"
#include "support/http_client.h"
#include "support/test_server.h"

namespace belofte::testing {
namespace {

using nlohmann::json;

json RepositoryDocument() {
  std::ifstream in(OPENAPI_JSON);
  return json::parse(in);
}

// "/api/v1/orders/:id" -> "/api/v1/orders/{id}"
std::string OpenApiPath(const std::string& pattern) {
  return std::regex_replace(pattern, std::regex(":([a-z_]+)"), "{$1}");
}

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST(OpenApi, EveryRouteIsDocumentedWithItsOperationId) {
  json doc = RepositoryDocument();
  for (const auto& r : api::Api::Routes()) {
    std::string path = OpenApiPath(r.pattern);
    ASSERT_TRUE(doc["paths"].contains(path)) << path << " is not in openapi.json";
    ASSERT_TRUE(doc["paths"][path].contains(Lower(r.method))) << r.method << " " << path << " is not documented";
    EXPECT_EQ(doc["paths"][path][Lower(r.method)]["operationId"], r.operation_id) << r.method << " " << path;
    // Public routes say so; the others inherit the bearer requirement.
    bool documented_public = doc["paths"][path][Lower(r.method)].contains("security") &&
                             doc["paths"][path][Lower(r.method)]["security"].empty();
    EXPECT_EQ(documented_public, r.scope == nullptr) << r.method << " " << path;
  }
}

TEST(OpenApi, EveryDocumentedOperationIsARoute) {
  json doc = RepositoryDocument();
  std::set<std::string> routes;
  for (const auto& r : api::Api::Routes()) routes.insert(Lower(r.method) + " " + OpenApiPath(r.pattern));
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      if (method == "parameters") continue;
      EXPECT_TRUE(routes.count(method + " " + path)) << method << " " << path << " is documented but not routed";
    }
  }
}

TEST(OpenApi, EveryDocumentedOperationAnswersOverHttp) {
  TestServer server;
  HttpClient http(server.base_url());
  http.set_token(TestServer::kAdminToken);
  json doc = RepositoryDocument();
  int checked = 0;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      if (method == "parameters") continue;
      std::string concrete = std::regex_replace(path, std::regex("\\{[a-z_]+\\}"), "1");
      std::string query = concrete == "/api/v1/stock/movements" ? "?sku=1" : "";
      std::string upper = method == "get" ? "GET" : method == "put" ? "PUT" : "POST";
      // JSON asked for: the status page answers HTML otherwise (its 404 too).
      auto r = http.Send(upper, concrete + query, upper == "GET" ? "" : "{}", {"Accept: application/json"});
      ASSERT_NE(r.status, 0) << upper << " " << concrete << ": no answer";
      EXPECT_NE(r.status, 405) << upper << " " << concrete;
      if (r.status == 404) {
        json problem = json::parse(r.body);
        EXPECT_NE(problem["code"], "not_found") << upper << " " << concrete << " is not routed";
      }
      EXPECT_LT(r.status, 500) << upper << " " << concrete << ": " << r.body;
      ++checked;
    }
  }
  EXPECT_EQ(checked, static_cast<int>(api::Api::Routes().size()));
}

TEST(OpenApi, TheServedDocumentIsTheRepositoryOne) {
  TestServer server;
  HttpClient http(server.base_url());
  auto r = http.Get("/api/v1/openapi.json");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type(), "application/json");
  json served = json::parse(r.body);
  EXPECT_EQ(served, RepositoryDocument());
  EXPECT_EQ(served["openapi"], "3.0.3");
}

}  // namespace
}  // namespace belofte::testing
