#include "api/metrics.h"

#include <prometheus/text_serializer.h>

namespace belofte::api {

namespace {

const prometheus::Histogram::BucketBoundaries kLatency{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                       0.01,   0.025,   0.05,   0.1,   0.25,   1.0};
const prometheus::Histogram::BucketBoundaries kBatch{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000, 20000};

}  // namespace

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      requests_(prometheus::BuildCounter()
                    .Name("belofte_http_requests_total")
                    .Help("HTTP requests by route, method and status")
                    .Register(*registry_)),
      durations_(prometheus::BuildHistogram()
                     .Name("belofte_http_request_duration_seconds")
                     .Help("Time from request to answer, by route")
                     .Register(*registry_)),
      batch_(prometheus::BuildHistogram()
                 .Name("belofte_commit_batch_commands")
                 .Help("Commands per group-committed transaction")
                 .Register(*registry_)
                 .Add({}, kBatch)),
      commit_(prometheus::BuildHistogram()
                  .Name("belofte_commit_duration_seconds")
                  .Help("Duration of one durable commit")
                  .Register(*registry_)
                  .Add({}, kLatency)),
      backorder_units_(prometheus::BuildGauge()
                           .Name("belofte_backorder_units")
                           .Help("Units waiting in backorder queues")
                           .Register(*registry_)
                           .Add({})),
      backorder_lines_(prometheus::BuildGauge()
                           .Name("belofte_backorder_lines")
                           .Help("Order lines waiting in backorder queues")
                           .Register(*registry_)
                           .Add({})),
      open_orders_(prometheus::BuildGauge()
                       .Name("belofte_open_orders")
                       .Help("Orders with something left to ship")
                       .Register(*registry_)
                       .Add({})) {}

void Metrics::ObserveRequest(const std::string& route, const std::string& method, int status, double seconds) {
  requests_.Add({{"route", route}, {"method", method}, {"status", std::to_string(status)}}).Increment();
  durations_.Add({{"route", route}}, kLatency).Observe(seconds);
}

void Metrics::ObserveCommit(size_t commands, double seconds) {
  batch_.Observe(static_cast<double>(commands));
  commit_.Observe(seconds);
}

std::string Metrics::Render(const engine::Engine& engine) {
  const auto& state = engine.state();
  int64_t units = 0;
  size_t lines = 0;
  for (const auto& [code, sku] : state.skus) {
    units += sku.backordered.units();
    lines += sku.queue.size();
  }
  backorder_units_.Set(static_cast<double>(units));
  backorder_lines_.Set(static_cast<double>(lines));
  open_orders_.Set(static_cast<double>(state.orders.size()));
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

}  // namespace belofte::api
