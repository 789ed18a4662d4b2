// /metrics over the wire: Prometheus text with request counts per route, commit batch sizes and
// the units waiting in backorder queues.
#include <sstream>

#include "api_test_util.h"

namespace belofte::testing::api_tests {
namespace {

// The value of the first sample whose line starts with `name` and contains every label given.
std::optional<double> Sample(const std::string& text, const std::string& name, const std::vector<std::string>& labels = {}) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (line.rfind(name, 0) != 0) continue;
    char next = line.size() > name.size() ? line[name.size()] : '\0';
    if (next != '{' && next != ' ') continue;
    bool all = true;
    for (const auto& l : labels) all &= line.find(l) != std::string::npos;
    if (!all) continue;
    return std::stod(line.substr(line.rfind(' ') + 1));
  }
  return std::nullopt;
}

TEST(ApiMetrics, MetricsIsPrometheusTextWithRequestCountsPerRoute) {
  Shop shop;
  shop.AllowProduct("A1");
  ASSERT_EQ(shop.http->Get("/api/v1/products/A1").status, 200);
  ASSERT_EQ(shop.http->Get("/api/v1/products/A1").status, 200);
  ASSERT_EQ(shop.http->Get("/api/v1/products/NOPE").status, 404);
  ASSERT_EQ(shop.http->Get("/api/v1/nowhere").status, 404);

  auto r = shop.Anonymous()->Get("/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type().rfind("text/plain", 0), 0u) << r.content_type();
  EXPECT_NE(r.content_type().find("version=0.0.4"), std::string::npos) << r.content_type();
  EXPECT_NE(r.body.find("# TYPE belofte_http_requests_total counter"), std::string::npos);
  auto ok = Sample(r.body, "belofte_http_requests_total",
                   {"route=\"/api/v1/products/:sku\"", "method=\"GET\"", "status=\"200\""});
  ASSERT_TRUE(ok.has_value()) << r.body.substr(0, 3000);
  EXPECT_EQ(*ok, 2);
  auto missing = Sample(r.body, "belofte_http_requests_total",
                        {"route=\"/api/v1/products/:sku\"", "method=\"GET\"", "status=\"404\""});
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(*missing, 1);
  auto put = Sample(r.body, "belofte_http_requests_total",
                    {"route=\"/api/v1/products/:sku\"", "method=\"PUT\"", "status=\"201\""});
  ASSERT_TRUE(put.has_value());
  EXPECT_EQ(*put, 1);
  EXPECT_TRUE(Sample(r.body, "belofte_http_requests_total", {"route=\"unmatched\"", "status=\"404\""}).has_value());
  EXPECT_TRUE(Sample(r.body, "belofte_http_request_duration_seconds_count", {"route=\"/api/v1/products/:sku\""}).has_value());
}

TEST(ApiMetrics, CommitBatchSizesAreRecorded) {
  Shop shop;
  shop.AllowProduct("A1", 3);
  auto r = shop.http->Get("/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("# TYPE belofte_commit_batch_commands histogram"), std::string::npos);
  auto count = Sample(r.body, "belofte_commit_batch_commands_count");
  ASSERT_TRUE(count.has_value()) << r.body.substr(0, 3000);
  EXPECT_GE(*count, 2);  // the product and the adjustment
  auto sum = Sample(r.body, "belofte_commit_batch_commands_sum");
  ASSERT_TRUE(sum.has_value());
  EXPECT_GE(*sum, 2);
}

TEST(ApiMetrics, BackorderUnitsReflectWaitingUnits) {
  Shop shop;
  shop.AllowProduct("A1", 1);
  shop.AllowProduct("B2");
  auto units = [&]() { return Sample(shop.http->Get("/metrics").body, "belofte_backorder_units"); };
  auto lines = [&]() { return Sample(shop.http->Get("/metrics").body, "belofte_backorder_lines"); };
  ASSERT_TRUE(units().has_value());
  EXPECT_EQ(*units(), 0);
  shop.Place("a", "A1", 3);  // 2 wait
  shop.Place("b", "B2", 4);  // 4 wait
  EXPECT_EQ(*units(), 6);
  EXPECT_EQ(*lines(), 2);
  ASSERT_EQ(shop.Adjust("B2", 3).status, 201);
  EXPECT_EQ(*units(), 3);
  EXPECT_EQ(*lines(), 2);
  auto open = Sample(shop.http->Get("/metrics").body, "belofte_open_orders");
  ASSERT_TRUE(open.has_value());
  EXPECT_EQ(*open, 2);
}

}  // namespace
}  // namespace belofte::testing::api_tests
