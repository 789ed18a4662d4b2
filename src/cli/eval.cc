// eval.cc — `belofte eval supplier-reliability`: how well planning::Estimate predicts supplier
// delays on a real delivery history (the SCMS file; docs/evaluation.md has the method and the
// figures). Per vendor, deliveries are sorted by scheduled date; the first `split` of them are
// fitted, the rest are held out and predicted. Coverage of Pq = the share of held-out deliveries
// that arrived on or before scheduled + the predicted q-quantile of the delay.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <span>
#include <tuple>

#include "cli/cli.h"
#include "cli/delivery_history.h"
#include "cli/eval_common.h"
#include "planning/reliability.h"

namespace belofte::cli {

namespace {

constexpr size_t kVendorColumnWidth = 44;
constexpr double kSplitSlack = 1e-9;  // so that 0.7 · 10 fits 7, not 6

int32_t Delay(const planning::DeliveryObservation& o) { return DaysBetween(o.promised, o.arrived); }

struct Coverage {
  int64_t n = 0;
  int64_t within_p50 = 0;
  int64_t within_p90 = 0;
  double Share50() const { return n > 0 ? static_cast<double>(within_p50) / static_cast<double>(n) : 0.0; }
  double Share90() const { return n > 0 ? static_cast<double>(within_p90) / static_cast<double>(n) : 0.0; }
  void Add(int64_t value, double p50, double p90) {
    ++n;
    within_p50 += value <= p50;
    within_p90 += value <= p90;
  }
  void Add(const Coverage& other) {
    n += other.n;
    within_p50 += other.within_p50;
    within_p90 += other.within_p90;
  }
};

struct VendorResult {
  std::string vendor;
  int64_t history = 0;  // deliveries fitted
  std::string basis;    // "vendor", or the prior alone ("pooled" / "prior") below --min-history
  planning::Reliability predicted;
  Coverage delay;  // held-out deliveries (n is the vendor's held-out count)
  int64_t delay_sum = 0;
  Coverage lead_time;  // held-out deliveries with a PO date
};

struct Report {
  std::vector<VendorResult> vendors;  // most held-out deliveries first
  int64_t fitted = 0;
  int64_t pooled_lead_time_p50 = 0;
  Coverage delay;
  int64_t delay_sum = 0;
  double predicted_mean_sum = 0;  // Σ over held-out deliveries of their vendor's predicted mean
  Coverage lead_time;
};

Report Evaluate(const ScmsHistory& history, const EvalReliabilityOptions& options) {
  std::map<std::string, std::vector<const ScmsDelivery*>> by_vendor;
  for (const ScmsDelivery& d : history.deliveries) by_vendor[d.vendor].push_back(&d);

  // Split each vendor's deliveries by time: the first `split` share is fitted.
  struct Parts {
    std::vector<planning::DeliveryObservation> fit, held_out;
  };
  std::map<std::string, Parts> parts;
  std::vector<int32_t> pooled_delays, pooled_lead_times;
  for (auto& [vendor, deliveries] : by_vendor) {
    std::sort(deliveries.begin(), deliveries.end(), [](const ScmsDelivery* a, const ScmsDelivery* b) {
      return std::tuple(a->observation.promised, a->observation.arrived, a->row) <
             std::tuple(b->observation.promised, b->observation.arrived, b->row);
    });
    const auto n_fit =
        static_cast<size_t>(std::floor(options.split * static_cast<double>(deliveries.size()) + kSplitSlack));
    Parts& p = parts[vendor];
    for (size_t i = 0; i < deliveries.size(); ++i) {
      const planning::DeliveryObservation& o = deliveries[i]->observation;
      if (i < n_fit) {
        p.fit.push_back(o);
        pooled_delays.push_back(Delay(o));
        if (o.ordered) pooled_lead_times.push_back(DaysBetween(*o.ordered, o.arrived));
      } else {
        p.held_out.push_back(o);
      }
    }
  }

  Report report;
  report.fitted = static_cast<int64_t>(pooled_delays.size());
  report.pooled_lead_time_p50 = planning::DayDistribution::FromDays(pooled_lead_times).Quantile(planning::kP50);
  planning::ReliabilityPrior prior;
  prior.nominal_lead_time_days = static_cast<int32_t>(report.pooled_lead_time_p50);
  prior.pseudo_observations = options.prior_weight;
  const bool pooled = options.prior == "pooled";
  if (pooled) prior.delay_days = planning::DayDistribution::FromDays(pooled_delays);

  for (const auto& [vendor, p] : parts) {
    VendorResult v;
    v.vendor = vendor;
    v.history = static_cast<int64_t>(p.fit.size());
    if (v.history < options.min_history) {
      v.basis = pooled ? "pooled" : "prior";
      v.predicted = planning::Estimate({}, prior);
    } else if (options.window == 0) {
      v.basis = "vendor";
      v.predicted = planning::Estimate(p.fit, prior);
    } else {
      v.basis = "vendor";
      planning::ReliabilityAccumulator accumulator(options.window);
      for (const auto& o : p.fit) accumulator.Add(o);
      v.predicted = accumulator.Estimate(prior);
    }
    for (const auto& o : p.held_out) {
      const int32_t delay = Delay(o);
      v.delay.Add(delay, v.predicted.delay_p50, v.predicted.delay_p90);
      v.delay_sum += delay;
      report.predicted_mean_sum += v.predicted.delay_mean;
      if (o.ordered) {
        v.lead_time.Add(DaysBetween(*o.ordered, o.arrived), v.predicted.lead_time_p50, v.predicted.lead_time_p90);
      }
    }
    report.delay.Add(v.delay);
    report.delay_sum += v.delay_sum;
    report.lead_time.Add(v.lead_time);
    report.vendors.push_back(std::move(v));
  }
  std::stable_sort(report.vendors.begin(), report.vendors.end(),
                   [](const VendorResult& a, const VendorResult& b) { return a.delay.n > b.delay.n; });
  return report;
}

nlohmann::ordered_json Json(const Report& r, const ScmsHistory& history, const EvalReliabilityOptions& options) {
  nlohmann::ordered_json j;
  j["overall"] = {
      {"n", r.delay.n},
      {"p50_coverage", r.delay.Share50()},
      {"p90_coverage", r.delay.Share90()},
      {"mean_delay_days", Mean(r.delay_sum, r.delay.n)},
      {"predicted_mean_delay_days", r.delay.n > 0 ? r.predicted_mean_sum / static_cast<double>(r.delay.n) : 0.0},
      {"fitted", r.fitted},
      {"vendors", r.vendors.size()},
      {"lead_time",
       {{"n", r.lead_time.n}, {"p50_coverage", r.lead_time.Share50()}, {"p90_coverage", r.lead_time.Share90()}}},
  };
  j["method"] = {{"split", options.split},
                 {"prior", options.prior},
                 {"prior_weight", options.prior_weight},
                 {"min_history", options.min_history},
                 {"window", options.window},
                 {"nominal_lead_time_days", r.pooled_lead_time_p50}};
  j["rows"] = {{"read", history.rows},
               {"used", history.deliveries.size()},
               {"skipped", history.skipped_rows},
               {"missing_po_dates", history.missing_po_dates},
               {"unparseable_quantities", history.unparseable_quantities}};
  nlohmann::ordered_json vendors = nlohmann::ordered_json::array();
  for (const VendorResult& v : r.vendors) {
    vendors.push_back({{"vendor", v.vendor},
                       {"history", v.history},
                       {"n", v.delay.n},
                       {"basis", v.basis},
                       {"p50_delay_days", v.predicted.delay_p50},
                       {"p90_delay_days", v.predicted.delay_p90},
                       {"predicted_mean_delay_days", v.predicted.delay_mean},
                       {"mean_delay_days", Mean(v.delay_sum, v.delay.n)},
                       {"p50_coverage", v.delay.Share50()},
                       {"p90_coverage", v.delay.Share90()},
                       {"on_time_rate", v.predicted.on_time_rate},
                       {"lead_time_p50_days", v.predicted.lead_time_p50},
                       {"lead_time_p90_days", v.predicted.lead_time_p90}});
  }
  j["vendors"] = std::move(vendors);
  return j;
}

void Text(const Report& r, const ScmsHistory& history, const EvalReliabilityOptions& options, std::ostream& out) {
  out << fmt::format("SCMS delivery history {}: {} rows, {} deliveries used from {} vendors.\n", options.scms_path,
                     history.rows, history.deliveries.size(), r.vendors.size());
  for (const auto& [why, count] : history.skipped_rows) out << fmt::format("  skipped {:>6}  {}\n", count, why);
  for (const auto& [why, count] : history.missing_po_dates) {
    out << fmt::format("  no PO date {:>6}  {} (kept; no lead time)\n", count, why);
  }
  if (history.unparseable_quantities > 0) {
    out << fmt::format("  unparseable quantity {:>6} (kept; left out of the fill rate)\n",
                       history.unparseable_quantities);
  }
  const bool pooled = options.prior == "pooled";
  out << fmt::format(
      "Method: per vendor, the first {:.0f}% of deliveries by scheduled date are fitted ({} in all), the rest "
      "predicted.\n  Shrunk towards {} with k = {} pseudo-observations; vendors with fewer than {} fitted "
      "deliveries get the {} alone; window: {}.\n",
      100 * options.split, r.fitted,
      pooled ? "the pooled delay distribution of all vendors' fitted deliveries" : "on time (delay 0)",
      options.prior_weight, options.min_history, pooled ? "pooled estimate" : "prior",
      options.window == 0 ? std::string("every fitted delivery") : fmt::format("the last {}", options.window));
  out << fmt::format(
      "Overall: n = {} held-out deliveries; P50 coverage {}, P90 coverage {}; mean delay {:.2f} days (predicted "
      "{:.2f}).\n",
      r.delay.n, Percent(r.delay.Share50()), Percent(r.delay.Share90()), Mean(r.delay_sum, r.delay.n),
      r.delay.n > 0 ? r.predicted_mean_sum / static_cast<double>(r.delay.n) : 0.0);
  out << fmt::format("Lead time (PO sent to delivered, nominal {} days): n = {}; P50 coverage {}, P90 coverage {}.\n\n",
                     r.pooled_lead_time_p50, r.lead_time.n, Percent(r.lead_time.Share50()),
                     Percent(r.lead_time.Share90()));
  out << fmt::format("{:<{}} {:>5} {:>5} {:>6} {:>5} {:>5} {:>7} {:>7} {:>6} {:>6}\n", "vendor", kVendorColumnWidth,
                     "fit", "held", "basis", "P50", "P90", "pred", "mean", "cov50", "cov90");
  for (const VendorResult& v : r.vendors) {
    out << fmt::format("{:<{}} {:>5} {:>5} {:>6} {:>5} {:>5} {:>7.1f} {:>7.1f} {:>6} {:>6}\n",
                       Fit(v.vendor, kVendorColumnWidth), kVendorColumnWidth, v.history, v.delay.n, v.basis,
                       v.predicted.delay_p50, v.predicted.delay_p90, v.predicted.delay_mean,
                       Mean(v.delay_sum, v.delay.n), Percent(v.delay.Share50()), Percent(v.delay.Share90()));
  }
  out << "P50/P90/pred: predicted delay in days (quantiles, mean); mean: actual mean delay of the held-out "
         "deliveries;\ncov50/cov90: share of held-out deliveries on or before scheduled + P50/P90.\n";
}

}  // namespace

int EvalSupplierReliability(const EvalReliabilityOptions& options, std::ostream& out, std::ostream& err) {
  if (!(options.split > 0 && options.split < 1)) {
    err << "belofte eval supplier-reliability: --split must lie strictly between 0 and 1\n";
    return 2;
  }
  if (options.prior != "pooled" && options.prior != "zero") {
    err << "belofte eval supplier-reliability: --prior must be pooled or zero\n";
    return 2;
  }
  if (options.min_history < 0 || !(options.prior_weight >= 0)) {
    err << "belofte eval supplier-reliability: --min-history and --prior-weight must not be negative\n";
    return 2;
  }
  auto history = ReadScmsHistory(options.scms_path);
  if (!history.ok()) {
    err << "belofte eval supplier-reliability: " << history.error().message << "\n";
    return 1;
  }
  if (history->deliveries.empty()) {
    err << "belofte eval supplier-reliability: no usable deliveries in " << options.scms_path << "\n";
    return 1;
  }
  const Report report = Evaluate(*history, options);
  if (options.json) {
    out << Json(report, *history, options).dump() << "\n";
  } else {
    Text(report, *history, options, out);
  }
  return 0;
}

}  // namespace belofte::cli
