// metrics.h — Metrics: what the server measures, in Prometheus text format (prometheus-cpp).
//
//   belofte_http_requests_total{route,method,status}       counter
//   belofte_http_request_duration_seconds{route}           histogram
//   belofte_commit_batch_commands                          histogram (commands per transaction)
//   belofte_commit_duration_seconds                        histogram (one transaction)
//   belofte_backorder_units, belofte_backorder_lines, belofte_open_orders   gauges, sampled at scrape
// Thread safety: all methods are thread-safe.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>

#include "engine/engine.h"

namespace belofte::api {

class Metrics {
 public:
  Metrics();
  void ObserveRequest(const std::string& route, const std::string& method, int status, double seconds);
  void ObserveCommit(size_t commands, double seconds);
  // Samples the gauges from the engine (REQUIRES: caller holds the shared lock) and renders.
  std::string Render(const engine::Engine& engine);

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& durations_;
  prometheus::Histogram& batch_;
  prometheus::Histogram& commit_;
  prometheus::Gauge& backorder_units_;
  prometheus::Gauge& backorder_lines_;
  prometheus::Gauge& open_orders_;
};

}  // namespace belofte::api
