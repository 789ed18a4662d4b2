// eval_promises.cc — `belofte eval promises`: a back-test of promise dates on a real delivery
// history (the SCMS file; docs/evaluation.md, "Promise dates", has the method and the figures).
//
// Each SCMS row is a purchase-order line: vendor = supplier, `PO Sent to Vendor Date` = the day it
// was ordered, `Scheduled Delivery Date` = the expected date the supplier gave, `Delivered to
// Client Date` = the receipt, `Line Item Quantity` = units. On the day a line was ordered, a
// seeded number of synthetic customer lines wait for it (one queue per PO line, demand a seeded
// share of its units). Each waiting line is promised with planning::PromiseWalk as of that day,
// with the vendor's reliability estimated (planning::ReliabilityAccumulator, on-time prior) from
// the deliveries that had arrived strictly before that day — nothing later. A line ships on the
// PO's actual delivery day moved to a working day, plus the handling days; it is kept when that
// is on or before its promise. The naive promise is the scheduled date (moved the same way).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "cli/cli.h"
#include "cli/delivery_history.h"
#include "cli/eval_common.h"
#include "domain/promise.h"
#include "planning/calendar.h"
#include "planning/promise.h"
#include "planning/reliability.h"

namespace belofte::cli {

namespace {

constexpr size_t kSliceColumnWidth = 22;
constexpr size_t kHistoryBuckets = 5;
constexpr int32_t kMaxHandlingDays = 365;
constexpr uint64_t kGolden = 0x9e3779b97f4a7c15ULL;
constexpr int64_t kMaxWaitingLines = 3;   // 1..3 synthetic customer lines per PO line
constexpr int64_t kSharePermille = 1000;  // demand share in [0.5, 1.0] in steps of 1/2000

// SplitMix64 (Steele, Lea, Flood 2014): a well-mixed 64-bit hash; fixed, so runs repeat.
uint64_t SplitMix64(uint64_t x) {
  x += kGolden;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// The synthetic waiting demand of one PO line with `units` (>= 1) units: 1–3 customer lines,
// together floor(share · units) units (at least 1) with share uniform in [0.5, 1.0], split as
// evenly as possible (the remainder to the earliest lines); never more lines than units. Depends
// only on (seed, row, units), so it is the same on every run and every machine.
std::vector<int64_t> WaitingLines(uint64_t seed, int64_t row, int64_t units) {
  const uint64_t h = SplitMix64(SplitMix64(seed) + static_cast<uint64_t>(row));
  const double share = 0.5 + 0.5 * static_cast<double>((h >> 8) % (kSharePermille + 1)) / kSharePermille;
  const int64_t total = std::max<int64_t>(1, static_cast<int64_t>(std::floor(share * static_cast<double>(units))));
  const int64_t lines = std::min<int64_t>(1 + static_cast<int64_t>(h % kMaxWaitingLines), total);
  std::vector<int64_t> quantities(static_cast<size_t>(lines), total / lines);
  for (int64_t i = 0; i < total % lines; ++i) ++quantities[static_cast<size_t>(i)];
  return quantities;
}

// Waiting lines and how their promises fared; days are sums of (promise − ordered day).
struct Tally {
  int64_t po_lines = 0;
  int64_t n = 0;  // waiting customer lines
  int64_t p50_kept = 0;
  int64_t p90_kept = 0;
  int64_t naive_kept = 0;
  int64_t p50_days = 0;
  int64_t p90_days = 0;
  int64_t naive_days = 0;

  double Share(int64_t kept) const { return n > 0 ? static_cast<double>(kept) / static_cast<double>(n) : 0.0; }
  void Add(const Tally& t) {
    po_lines += t.po_lines;
    n += t.n;
    p50_kept += t.p50_kept;
    p90_kept += t.p90_kept;
    naive_kept += t.naive_kept;
    p50_days += t.p50_days;
    p90_days += t.p90_days;
    naive_days += t.naive_days;
  }
};

struct Report {
  Tally overall;
  std::map<std::string, Tally> by_mode;
  std::map<std::string, Tally> by_year;                                 // the year the line was ordered
  std::vector<Tally> by_history = std::vector<Tally>(kHistoryBuckets);  // by vendor deliveries known
  std::map<std::string, int64_t> bases;                                 // promise basis of the P50 → waiting lines
  int64_t undated = 0;                                                  // PO lines without a PO date
  int64_t scheduled_before_ordered = 0;  // PO lines whose scheduled date precedes the order day
  int64_t vendors = 0;
};

struct PoLine {
  const ScmsDelivery* delivery = nullptr;
  Date day;  // the day it was ordered, as replayed
};

// Deliveries of one vendor by arrival, and the reliability known so far.
struct VendorState {
  std::vector<const ScmsDelivery*> by_arrival;
  size_t known = 0;  // by_arrival[0, known) have been added to the accumulator
  planning::ReliabilityAccumulator accumulator;
  explicit VendorState(size_t window) : accumulator(window) {}
};

// Slices by how many of the vendor's deliveries were known when the line was promised.
constexpr size_t kHistoryBounds[] = {1, 5, 20, 100};  // bucket i: [bound[i-1], bound[i])
constexpr const char* kHistoryNames[kHistoryBuckets] = {"0", "1-4", "5-19", "20-99", "100+"};
size_t HistoryBucket(size_t known) {
  size_t bucket = 0;
  while (bucket < std::size(kHistoryBounds) && known >= kHistoryBounds[bucket]) ++bucket;
  return bucket;
}

Report Evaluate(const ScmsHistory& history, const EvalPromisesOptions& options,
                const planning::WorkingCalendar& calendar) {
  Report report;
  const size_t window = options.window == 0 ? planning::ReliabilityAccumulator::kMaxWindow : options.window;
  std::map<std::string, VendorState> vendors;
  std::vector<PoLine> lines;
  for (const ScmsDelivery& d : history.deliveries) {
    vendors.try_emplace(d.vendor, window).first->second.by_arrival.push_back(&d);
    if (d.observation.ordered) {
      lines.push_back({&d, *d.observation.ordered});
    } else {
      ++report.undated;
      if (options.undated == "scheduled") lines.push_back({&d, d.observation.promised});
    }
  }
  report.vendors = static_cast<int64_t>(vendors.size());
  for (auto& [vendor, state] : vendors) {
    std::sort(state.by_arrival.begin(), state.by_arrival.end(), [](const ScmsDelivery* a, const ScmsDelivery* b) {
      return std::tuple(a->observation.arrived, a->row) < std::tuple(b->observation.arrived, b->row);
    });
  }
  std::sort(lines.begin(), lines.end(), [](const PoLine& a, const PoLine& b) {
    return std::tuple(a.day, a.delivery->row) < std::tuple(b.day, b.delivery->row);
  });

  planning::ReliabilityPrior prior;  // the engine's: on time, fill rate 1
  prior.pseudo_observations = options.prior_weight;
  for (const PoLine& line : lines) {
    const ScmsDelivery& d = *line.delivery;
    const planning::DeliveryObservation& o = d.observation;
    const Date today = line.day;
    VendorState& vendor = vendors.at(d.vendor);
    // What was known on `today`: the vendor's deliveries that arrived before it.
    while (vendor.known < vendor.by_arrival.size() && vendor.by_arrival[vendor.known]->observation.arrived < today) {
      vendor.accumulator.Add(vendor.by_arrival[vendor.known]->observation);
      ++vendor.known;
    }
    // The nominal lead time (only used for demand beyond the PO line, which the synthetic demand
    // never is) is the lead time this supplier quoted for this line.
    prior.nominal_lead_time_days = std::max(0, DaysBetween(today, o.promised));
    const planning::Reliability reliability = vendor.accumulator.Estimate(prior);

    const int64_t units = std::clamp<int64_t>(o.ordered_quantity, 1, planning::kMaxLineQuantity);
    planning::PromiseInput input;
    input.today = today;
    input.free_units = 0;
    input.supply.push_back(planning::MakeSupplyPoint(static_cast<PurchaseOrderId>(d.row), today, o.promised,
                                                     static_cast<int32_t>(std::lround(reliability.delay_p50)),
                                                     static_cast<int32_t>(std::lround(reliability.delay_p90)), units,
                                                     reliability.fill_rate));
    input.lead_time_p50 = today.PlusDays(static_cast<int32_t>(std::lround(reliability.lead_time_p50)));
    input.lead_time_p90 = today.PlusDays(static_cast<int32_t>(std::lround(reliability.lead_time_p90)));
    input.handling_days = options.handling_days;
    const planning::PromiseWalk walk(std::move(input), calendar);

    // When it really shipped, and what the naive promise said (an overdue schedule: today).
    const Date shipped = calendar.AddWorkingDays(o.arrived, options.handling_days);
    if (o.promised < today) ++report.scheduled_before_ordered;
    const Date naive = calendar.AddWorkingDays(std::max(o.promised, today), options.handling_days);

    Tally t;
    t.po_lines = 1;
    int64_t demand = 0;
    for (const int64_t quantity : WaitingLines(options.seed, d.row, units)) {
      demand += quantity;
      const Promise promise = walk.At(demand);
      ++t.n;
      t.p50_kept += shipped <= promise.p50;
      t.p90_kept += shipped <= promise.p90;
      t.naive_kept += shipped <= naive;
      t.p50_days += DaysBetween(today, promise.p50);
      t.p90_days += DaysBetween(today, promise.p90);
      t.naive_days += DaysBetween(today, naive);
      ++report.bases[std::string(ToString(promise.basis))];
    }
    report.overall.Add(t);
    report.by_mode[d.shipment_mode.empty() ? "(none)" : d.shipment_mode].Add(t);
    report.by_year[today.ToString().substr(0, 4)].Add(t);
    report.by_history[HistoryBucket(vendor.known)].Add(t);
  }
  return report;
}

// The summary line; its keys are the interface (issue #5), so nothing else goes into it.
nlohmann::ordered_json Summary(const Tally& t) {
  nlohmann::ordered_json j;
  j["n"] = t.n;
  j["p50_kept"] = t.Share(t.p50_kept);
  j["p90_kept"] = t.Share(t.p90_kept);
  j["mean_promise_days"] = Mean(t.p90_days, t.n);
  j["naive"] = {{"kept", t.Share(t.naive_kept)}, {"mean_promise_days", Mean(t.naive_days, t.n)}};
  return j;
}

void TableRow(std::ostream& out, const std::string& name, const Tally& t) {
  out << fmt::format("  {:<{}} {:>6} {:>7} {:>8} {:>8} {:>8} {:>7.1f} {:>7.1f} {:>7.1f}\n",
                     Fit(name, kSliceColumnWidth), kSliceColumnWidth, t.po_lines, t.n, Percent(t.Share(t.p50_kept)),
                     Percent(t.Share(t.p90_kept)), Percent(t.Share(t.naive_kept)), Mean(t.p50_days, t.n),
                     Mean(t.p90_days, t.n), Mean(t.naive_days, t.n));
}

void Table(std::ostream& out, const std::string& title, const std::map<std::string, Tally>& slices) {
  out << fmt::format("By {}:\n", title);
  for (const auto& [name, t] : slices) TableRow(out, name, t);
}

void Text(const Report& r, const ScmsHistory& history, const EvalPromisesOptions& options, std::ostream& out) {
  out << fmt::format("SCMS delivery history {}: {} rows, {} deliveries used from {} vendors.\n", options.scms_path,
                     history.rows, history.deliveries.size(), r.vendors);
  for (const auto& [why, count] : history.skipped_rows) out << fmt::format("  skipped {:>6}  {}\n", count, why);
  out << fmt::format("  {} PO lines without a PO date: {}.\n", r.undated,
                     options.undated == "scheduled" ? "promised as of their scheduled date"
                                                    : "not promised (their deliveries still count as history)");
  if (r.scheduled_before_ordered > 0) {
    out << fmt::format("  {} PO lines scheduled before they were ordered (promised from the order day on).\n",
                       r.scheduled_before_ordered);
  }
  out << fmt::format(
      "Method: each PO line promised as of its order day with the promise walk; vendor reliability from the "
      "deliveries\n  arrived before that day ({}, on-time prior, k = {}); {} synthetic waiting lines "
      "(seed {});\n  calendar: {}, no holidays; handling {} working day(s). Kept: shipped on or before the "
      "promise.\n",
      options.window == 0 ? std::string("all of them") : fmt::format("the last {}", options.window),
      options.prior_weight, r.overall.n, options.seed,
      options.open_weekends ? "every day a working day" : "weekends closed", options.handling_days);
  out << fmt::format(
      "Overall: n = {} waiting lines on {} PO lines; P50 kept {}, P90 kept {} (mean promise {:.1f} / {:.1f} "
      "days);\n  naive (the scheduled date) kept {} (mean promise {:.1f} days).\n\n",
      r.overall.n, r.overall.po_lines, Percent(r.overall.Share(r.overall.p50_kept)),
      Percent(r.overall.Share(r.overall.p90_kept)), Mean(r.overall.p50_days, r.overall.n),
      Mean(r.overall.p90_days, r.overall.n), Percent(r.overall.Share(r.overall.naive_kept)),
      Mean(r.overall.naive_days, r.overall.n));
  out << fmt::format("  {:<{}} {:>6} {:>7} {:>8} {:>8} {:>8} {:>7} {:>7} {:>7}\n", "", kSliceColumnWidth, "POs",
                     "lines", "P50 kept", "P90 kept", "naive", "P50 d", "P90 d", "naive d");
  TableRow(out, "all", r.overall);
  Table(out, "shipment mode", r.by_mode);
  Table(out, "year ordered", r.by_year);
  out << "By the vendor's deliveries known when promised:\n";
  for (size_t i = 0; i < kHistoryBuckets; ++i) TableRow(out, kHistoryNames[i], r.by_history[i]);
  out << "P50/P90 kept: share of waiting lines shipped on or before the P50/P90 promise; naive: on or before the "
         "scheduled date;\n*d: mean promise length in days (promise − order day).\nPromise basis:";
  for (const auto& [basis, count] : r.bases) out << fmt::format(" {} {}", basis, count);
  out << "\n";
}

}  // namespace

int EvalPromises(const EvalPromisesOptions& options, std::ostream& out, std::ostream& err) {
  if (options.undated != "skip" && options.undated != "scheduled") {
    err << "belofte eval promises: --undated must be skip or scheduled\n";
    return 2;
  }
  if (options.handling_days < 0 || options.handling_days > kMaxHandlingDays) {
    err << "belofte eval promises: --handling-days must lie in [0, " << kMaxHandlingDays << "]\n";
    return 2;
  }
  if (!(options.prior_weight >= 0)) {
    err << "belofte eval promises: --prior-weight must not be negative\n";
    return 2;
  }
  auto history = ReadScmsHistory(options.scms_path);
  if (!history.ok()) {
    err << "belofte eval promises: " << history.error().message << "\n";
    return 1;
  }
  planning::CalendarConfig calendar_config;
  calendar_config.weekends_closed = !options.open_weekends;
  calendar_config.holidays = planning::HolidayRegion::kNone;
  const planning::WorkingCalendar calendar(calendar_config);
  const Report report = Evaluate(*history, options, calendar);
  if (report.overall.n == 0) {
    err << "belofte eval promises: no purchase-order line to promise in " << options.scms_path
        << (report.undated > 0 ? " (none has a PO date; --undated scheduled promises them as of their scheduled date)"
                               : "")
        << "\n";
    return 1;
  }
  Text(report, *history, options, out);
  if (options.json) out << Summary(report.overall).dump() << "\n";
  return 0;
}

}  // namespace belofte::cli
