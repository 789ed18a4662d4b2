#include "planning/reliability.h"

#include <algorithm>
#include <utility>

namespace belofte::planning {

namespace {

// Cumulative weights are sums of doubles: compare with a little slack so that, for example,
// 9 observations of 10 reach q = 0.9 although 0.9 · 10 rounds above 9 in binary.
constexpr double kWeightSlack = 1e-9;

int32_t ClampedDays(int64_t days) { return static_cast<int32_t>(std::clamp<int64_t>(days, -kMaxAbsDays, kMaxAbsDays)); }

int32_t DaysBetween(Date from, Date to) { return ClampedDays(int64_t{to.days()} - int64_t{from.days()}); }

double PriorWeight(const ReliabilityPrior& prior) {
  const double k = prior.pseudo_observations;
  if (!(k > 0)) return 0.0;  // also NaN
  return std::min(k, kMaxPriorPseudoObservations);
}

// Counts per day, ascending and distinct: what both the batch and the accumulator reduce to.
using DayCounts = std::vector<std::pair<int32_t, int64_t>>;

DayCounts CountsOf(std::vector<int32_t> days) {
  std::sort(days.begin(), days.end());
  DayCounts out;
  for (int32_t d : days) {
    if (!out.empty() && out.back().first == d) {
      ++out.back().second;
    } else {
      out.emplace_back(d, 1);
    }
  }
  return out;
}

DayCounts CountsOf(const std::map<int32_t, int32_t>& counts) {
  DayCounts out;
  out.reserve(counts.size());
  for (const auto& [day, count] : counts) out.emplace_back(day, count);
  return out;
}

int64_t Total(const DayCounts& counts) {
  int64_t n = 0;
  for (const auto& [day, count] : counts) n += count;
  return n;
}

// Everything an estimate needs, however it was gathered.
struct Tallies {
  int64_t n = 0;
  int64_t on_time = 0;
  int64_t delay_sum = 0;
  int64_t fill_lines = 0;
  int64_t ordered_sum = 0;
  int64_t received_sum = 0;
  DayCounts delay;
  DayCounts delay_vs_confirmed;
  DayCounts lead_time;
};

}  // namespace

// Builds the mixture (counts + k · prior) / (n + k) as a normalised DayDistribution.
class DistributionBuilder {
 public:
  static DayDistribution Mix(const DayCounts& counts, const DayDistribution& prior, double k) {
    const double n = static_cast<double>(Total(counts));
    if (n + k <= 0) return prior;
    const double total = n + k;
    std::vector<DayDistribution::Point> points;
    points.reserve(counts.size() + prior.points().size());
    auto c = counts.begin();
    auto p = prior.points().begin();
    while (c != counts.end() || p != prior.points().end()) {
      const bool take_count = p == prior.points().end() || (c != counts.end() && c->first <= p->day);
      const bool take_prior = c == counts.end() || (p != prior.points().end() && p->day <= c->first);
      const int32_t day = take_count ? c->first : p->day;
      double weight = 0;
      if (take_count) weight += static_cast<double>((c++)->second) / total;
      if (take_prior) weight += k * (p++)->weight / total;
      if (weight > 0) points.push_back({day, weight});
    }
    if (points.empty()) return prior;
    return DayDistribution(std::move(points));
  }

  static DayDistribution FromCounts(const DayCounts& counts) {
    if (counts.empty()) return DayDistribution();
    return Mix(counts, DayDistribution(), 0.0);
  }
};

DayDistribution DayDistribution::PointMass(int32_t day) { return DayDistribution({Point{day, 1.0}}); }

DayDistribution DayDistribution::FromDays(std::span<const int32_t> days) {
  return DistributionBuilder::FromCounts(CountsOf(std::vector<int32_t>(days.begin(), days.end())));
}

int32_t DayDistribution::Quantile(double q) const {
  if (!(q > 0)) q = 0;  // also NaN
  if (q > 1) q = 1;
  double cumulative = 0;
  for (const Point& p : points_) {
    cumulative += p.weight;
    if (cumulative >= q - kWeightSlack) return p.day;
  }
  return points_.back().day;
}

double DayDistribution::Cdf(int32_t day) const {
  double cumulative = 0;
  for (const Point& p : points_) {
    if (p.day > day) break;
    cumulative += p.weight;
  }
  return std::clamp(cumulative, 0.0, 1.0);
}

double DayDistribution::Mean() const {
  double mean = 0;
  for (const Point& p : points_) mean += p.day * p.weight;
  return mean;
}

namespace {

Reliability Finish(const Tallies& t, const ReliabilityPrior& prior) {
  const double k = PriorWeight(prior);
  const DayDistribution& prior_delay = prior.delay_days;
  const DayDistribution prior_lead =
      DayDistribution::PointMass(std::clamp(prior.nominal_lead_time_days, 0, kMaxAbsDays));

  Reliability r;
  r.receipts = t.n;
  r.delay_days = DistributionBuilder::Mix(t.delay, prior_delay, k);
  r.delay_vs_confirmed_days = DistributionBuilder::Mix(t.delay_vs_confirmed, prior_delay, k);
  r.lead_time_days = DistributionBuilder::Mix(t.lead_time, prior_lead, k);

  const double n = static_cast<double>(t.n);
  if (n + k > 0) {
    r.on_time_rate = (static_cast<double>(t.on_time) + k * prior_delay.Cdf(0)) / (n + k);
    r.delay_mean = (static_cast<double>(t.delay_sum) + k * prior_delay.Mean()) / (n + k);
  } else {
    r.on_time_rate = prior_delay.Cdf(0);
    r.delay_mean = prior_delay.Mean();
  }
  const double fill_lines = static_cast<double>(t.fill_lines);
  if (t.ordered_sum > 0 && fill_lines + k > 0) {
    const double fill = static_cast<double>(t.received_sum) / static_cast<double>(t.ordered_sum);
    r.fill_rate = (fill_lines * fill + k) / (fill_lines + k);
  } else {
    r.fill_rate = 1.0;
  }
  r.on_time_rate = std::clamp(r.on_time_rate, 0.0, 1.0);
  r.fill_rate = std::clamp(r.fill_rate, 0.0, 1.0);

  r.delay_p50 = r.delay_days.Quantile(kP50);
  r.delay_p90 = r.delay_days.Quantile(kP90);
  r.delay_vs_confirmed_p50 = r.delay_vs_confirmed_days.Quantile(kP50);
  r.delay_vs_confirmed_p90 = r.delay_vs_confirmed_days.Quantile(kP90);
  r.lead_time_p50 = r.lead_time_days.Quantile(kP50);
  r.lead_time_p90 = r.lead_time_days.Quantile(kP90);
  return r;
}

}  // namespace

ReliabilityAccumulator::Record ReliabilityAccumulator::Reduce(const DeliveryObservation& o) {
  Record r;
  r.delay = DaysBetween(o.promised, o.arrived);
  r.delay_vs_confirmed = DaysBetween(o.confirmed.value_or(o.promised), o.arrived);
  if (o.ordered) {
    r.has_lead_time = true;
    r.lead_time = DaysBetween(*o.ordered, o.arrived);
  }
  const int64_t ordered = std::clamp<int64_t>(o.ordered_quantity, 0, kMaxLineQuantity);
  r.ordered = static_cast<int32_t>(ordered);
  r.received = static_cast<int32_t>(std::clamp<int64_t>(o.received_quantity, 0, ordered));
  return r;
}

Reliability Estimate(std::span<const DeliveryObservation> observations, const ReliabilityPrior& prior) {
  Tallies t;
  std::vector<int32_t> delay, delay_vs_confirmed, lead_time;
  delay.reserve(observations.size());
  delay_vs_confirmed.reserve(observations.size());
  for (const DeliveryObservation& o : observations) {
    const ReliabilityAccumulator::Record r = ReliabilityAccumulator::Reduce(o);
    ++t.n;
    t.on_time += r.delay <= 0;
    t.delay_sum += r.delay;
    if (r.ordered > 0) {
      ++t.fill_lines;
      t.ordered_sum += r.ordered;
      t.received_sum += r.received;
    }
    delay.push_back(r.delay);
    delay_vs_confirmed.push_back(r.delay_vs_confirmed);
    if (r.has_lead_time) lead_time.push_back(r.lead_time);
  }
  t.delay = CountsOf(std::move(delay));
  t.delay_vs_confirmed = CountsOf(std::move(delay_vs_confirmed));
  t.lead_time = CountsOf(std::move(lead_time));
  return Finish(t, prior);
}

ReliabilityAccumulator::ReliabilityAccumulator(size_t window) : window_(std::clamp<size_t>(window, 1, kMaxWindow)) {}

void ReliabilityAccumulator::Count(const Record& r, int32_t sign) {
  auto bump = [sign](std::map<int32_t, int32_t>& counts, int32_t day) {
    auto it = counts.try_emplace(day, 0).first;
    it->second += sign;
    if (it->second == 0) counts.erase(it);
  };
  bump(delay_counts_, r.delay);
  bump(delay_vs_confirmed_counts_, r.delay_vs_confirmed);
  if (r.has_lead_time) bump(lead_time_counts_, r.lead_time);
  on_time_ += sign * int64_t{r.delay <= 0};
  delay_sum_ += sign * int64_t{r.delay};
  if (r.ordered > 0) {
    fill_lines_ += sign;
    ordered_sum_ += sign * int64_t{r.ordered};
    received_sum_ += sign * int64_t{r.received};
  }
}

void ReliabilityAccumulator::Add(const DeliveryObservation& observation) {
  const Record r = Reduce(observation);
  ++total_added_;
  if (ring_.size() < window_) {
    ring_.push_back(r);
  } else {
    Count(ring_[next_], -1);
    ring_[next_] = r;
    next_ = (next_ + 1) % window_;
  }
  Count(r, +1);
}

Reliability ReliabilityAccumulator::Estimate(const ReliabilityPrior& prior) const {
  Tallies t;
  t.n = static_cast<int64_t>(ring_.size());
  t.on_time = on_time_;
  t.delay_sum = delay_sum_;
  t.fill_lines = fill_lines_;
  t.ordered_sum = ordered_sum_;
  t.received_sum = received_sum_;
  t.delay = CountsOf(delay_counts_);
  t.delay_vs_confirmed = CountsOf(delay_vs_confirmed_counts_);
  t.lead_time = CountsOf(lead_time_counts_);
  return Finish(t, prior);
}

}  // namespace belofte::planning
