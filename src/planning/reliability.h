// reliability.h — supplier reliability learned from delivery history: how late (or early) a
// supplier delivers against its promise, how much of what was ordered arrives, and how long an
// order takes. The promise walk (DESIGN, "The promise algorithm") shifts each open purchase-order
// line's expected date by the supplier's delay distribution and thins it by the fill rate; the
// API's `GET /suppliers/{code}/reliability` shows the same figures.
//
// Pure: no IO, no clock, no globals. Inputs are DeliveryObservations; the answer is a Reliability
// value: shrunk rates plus shrunk distributions over whole days from which any quantile is read.
//
// Definitions, per observation (all in whole days; differences are clamped to ±kMaxAbsDays):
//   delay                = arrived − promised               (negative: early)
//   delay vs confirmed   = arrived − (confirmed, or promised when never confirmed)
//   lead time            = arrived − ordered                (only when `ordered` is known)
//   on time              = arrived <= promised              (delay <= 0)
//   fill                 = Σ min(received, ordered) / Σ ordered over lines with ordered > 0:
//                          quantities are clamped to [0, kMaxLineQuantity] and received is capped
//                          at ordered per line, so an over-delivery never hides another line's
//                          shortfall.
//
// Shrinkage: the prior counts as k = prior.pseudo_observations observations (default
// kPriorPseudoObservations = 5) drawn from the prior's distributions. With n observations:
//   delay distribution   = (n·Empirical(delay) + k·prior.delay_days) / (n + k)
//   on_time_rate         = (#{delay <= 0} + k·prior.delay_days.Cdf(0)) / (n + k)
//   delay_mean           = (Σ delay + k·prior.delay_days.Mean()) / (n + k)
//   delay vs confirmed   = (n·Empirical(delay vs confirmed) + k·prior.delay_days) / (n + k)
//   fill_rate            = (n_f·fill + k·1) / (n_f + k), n_f = lines with ordered > 0
//                          (= k pseudo-lines of the mean ordered quantity, fully received)
//   lead time            = (n_l·Empirical(lead time) + k·PointMass(nominal)) / (n_l + k),
//                          n_l = observations with an `ordered` date
// The default prior is the API's: on time (a point mass at 0 days), fill rate 1, lead time = the
// nominal lead time. A caller may shrink towards a pooled all-supplier delay distribution instead
// (prior.delay_days = DayDistribution::FromDays(all delays)); docs/evaluation.md compares both.
// Quantiles are inverse-CDF quantiles of the mixture: the smallest whole day d with
// Cdf(d) >= q. Hence: defined for every n (n = 0 gives the prior's), P50 <= P90 always, every
// quantile is a day that occurs in the history or the prior; rates are in [0, 1]; no NaN.
//
// ReliabilityAccumulator is the incremental form the engine keeps per supplier: it holds the last
// `window` observations (default kDefaultWindow = 500) in a ring plus per-day counts and sums.
// Add is O(log N), Estimate is O(distinct days in the window); memory is bounded by the window:
// 24 bytes per kept observation plus at most three count-map nodes each (~48 bytes), i.e. at
// most ~84 KB at N = 500, typically ~15 KB (delays repeat). Its Estimate equals the batch
// Estimate over the kept observations, exactly.
//
// Thread safety: values; an accumulator needs external synchronisation when shared (the engine
// mutates it under its writer lock).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "domain/time.h"

namespace belofte::planning {

// Differences of dates are clamped to ±100 years so garbage dates cannot overflow.
inline constexpr int32_t kMaxAbsDays = 36'525;
// Per-line quantities are clamped to [0, 2^31 − 1]; sums are int64 and cannot overflow.
inline constexpr int64_t kMaxLineQuantity = 2'147'483'647;
// How many observations the prior is worth (k in the formulas above).
inline constexpr double kPriorPseudoObservations = 5.0;
inline constexpr double kMaxPriorPseudoObservations = 1e9;
// The quantiles the API and the promise walk show.
inline constexpr double kP50 = 0.5;
inline constexpr double kP90 = 0.9;

// One receipt line: a purchase-order line and what came of it. Recommended use in the engine:
// one observation per purchase-order line once it is closed (fully received, or the remainder
// cancelled), with `arrived` = the day of the receipt that completed it (or the last one before
// the rest was cancelled) and `received_quantity` = the total.
struct DeliveryObservation {
  std::optional<Date> ordered;    // the PO was sent to the supplier (unknown: no lead time)
  Date promised;                  // the date the supplier promised when the order was placed
  std::optional<Date> confirmed;  // the last confirmed or moved expected date, if any
  Date arrived;                   // the receipt date
  int64_t ordered_quantity = 0;
  int64_t received_quantity = 0;
};

// A probability distribution over whole days: points with distinct days, ascending, weights > 0
// summing to 1. Never empty: a default-constructed distribution is a point mass at day 0.
class DayDistribution {
 public:
  struct Point {
    int32_t day = 0;
    double weight = 1;
    friend bool operator==(const Point&, const Point&) = default;
  };

  DayDistribution() : points_{Point{0, 1.0}} {}
  static DayDistribution PointMass(int32_t day);
  // The empirical distribution of `days` (any order; each counts once). Empty: PointMass(0).
  static DayDistribution FromDays(std::span<const int32_t> days);

  // The smallest day d with Cdf(d) >= q; q is clamped to [0, 1] (NaN counts as 0).
  int32_t Quantile(double q) const;
  // The share of the mass on days <= day, in [0, 1].
  double Cdf(int32_t day) const;
  double Mean() const;
  const std::vector<Point>& points() const { return points_; }

  friend bool operator==(const DayDistribution&, const DayDistribution&) = default;

 private:
  friend class DistributionBuilder;
  explicit DayDistribution(std::vector<Point> points) : points_(std::move(points)) {}
  std::vector<Point> points_;
};

// What a supplier is assumed to be before (and while little) history exists.
struct ReliabilityPrior {
  int32_t nominal_lead_time_days = 0;  // the supplier's (or the terms') nominal lead time
  // The delay distribution shrunk towards: on time by default; a pooled all-supplier
  // distribution (DayDistribution::FromDays) is the alternative docs/evaluation.md evaluates.
  DayDistribution delay_days = DayDistribution::PointMass(0);
  // k: how many observations the prior is worth, clamped to [0, kMaxPriorPseudoObservations]
  // (NaN counts as 0). With no observations the prior alone answers, even when k is 0.
  double pseudo_observations = kPriorPseudoObservations;
};

struct Reliability {
  int64_t receipts = 0;  // observations the estimate rests on (an accumulator: those in its window)
  double on_time_rate = 1;
  double fill_rate = 1;
  double delay_p50 = 0;
  double delay_p90 = 0;
  double delay_mean = 0;
  double delay_vs_confirmed_p50 = 0;
  double delay_vs_confirmed_p90 = 0;
  double lead_time_p50 = 0;
  double lead_time_p90 = 0;
  // The shrunk distributions the figures above are read from.
  DayDistribution delay_days;               // arrived − promised
  DayDistribution delay_vs_confirmed_days;  // arrived − (confirmed or promised)
  DayDistribution lead_time_days;           // arrived − ordered

  double DelayQuantile(double q) const { return delay_days.Quantile(q); }
  double DelayVsConfirmedQuantile(double q) const { return delay_vs_confirmed_days.Quantile(q); }
  double LeadTimeQuantile(double q) const { return lead_time_days.Quantile(q); }

  friend bool operator==(const Reliability&, const Reliability&) = default;
};

// The batch estimate over `observations` (any order), shrunk towards `prior` as above.
Reliability Estimate(std::span<const DeliveryObservation> observations, const ReliabilityPrior& prior);

// The incremental form: the last `window` observations, in the order they were added.
class ReliabilityAccumulator {
 public:
  static constexpr size_t kDefaultWindow = 500;
  static constexpr size_t kMaxWindow = size_t{1} << 20;

  // `window` is clamped to [1, kMaxWindow].
  explicit ReliabilityAccumulator(size_t window = kDefaultWindow);

  // Adds an observation; when the window is full, the oldest one leaves. O(log N).
  void Add(const DeliveryObservation& observation);
  // Equals planning::Estimate over the observations in the window. O(distinct days).
  Reliability Estimate(const ReliabilityPrior& prior) const;

  size_t size() const { return ring_.size(); }  // observations in the window
  size_t window() const { return window_; }
  int64_t total_added() const { return total_added_; }  // ever added, including those evicted

 private:
  // One observation reduced to what the estimate needs (24 bytes).
  struct Record {
    int32_t delay = 0;
    int32_t delay_vs_confirmed = 0;
    int32_t lead_time = 0;
    int32_t ordered = 0;   // clamped to [0, kMaxLineQuantity]
    int32_t received = 0;  // clamped to [0, ordered]
    bool has_lead_time = false;
  };
  friend Reliability planning::Estimate(std::span<const DeliveryObservation>, const ReliabilityPrior&);
  static Record Reduce(const DeliveryObservation& observation);
  void Count(const Record& record, int32_t sign);

  size_t window_;
  std::vector<Record> ring_;  // up to window_ records; ring_[next_] is the oldest once full
  size_t next_ = 0;
  int64_t total_added_ = 0;
  std::map<int32_t, int32_t> delay_counts_;
  std::map<int32_t, int32_t> delay_vs_confirmed_counts_;
  std::map<int32_t, int32_t> lead_time_counts_;
  int64_t on_time_ = 0;
  int64_t delay_sum_ = 0;
  int64_t fill_lines_ = 0;
  int64_t ordered_sum_ = 0;
  int64_t received_sum_ = 0;
};

}  // namespace belofte::planning
