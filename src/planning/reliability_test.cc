// Supplier reliability: hand-computed estimates (n = 0, 1, a handful; early, late, partial
// fills; shrinkage), and properties over random histories: P50 <= P90, rates in [0, 1], no NaN,
// and the accumulator equal to the batch estimate over the observations it keeps.
#include "planning/reliability.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace belofte::planning {
namespace {

const Date kDay0 = Date::FromYmd(2026, 3, 2);

Date Day(int32_t offset) { return kDay0.PlusDays(offset); }

// Promised on day 0, arrived `delay` days later, ordered `lead` days before arrival.
DeliveryObservation Late(int32_t delay, int64_t ordered = 10, int64_t received = 10, int32_t lead = 30) {
  DeliveryObservation o;
  o.promised = Day(0);
  o.arrived = Day(delay);
  o.ordered = Day(delay - lead);
  o.ordered_quantity = ordered;
  o.received_quantity = received;
  return o;
}

ReliabilityPrior NoPrior() {
  ReliabilityPrior prior;
  prior.pseudo_observations = 0;
  return prior;
}

TEST(Reliability, WithoutReceiptsTheSupplierGetsThePrior) {
  ReliabilityPrior prior;
  prior.nominal_lead_time_days = 14;
  const Reliability r = Estimate({}, prior);
  EXPECT_EQ(r.receipts, 0);
  EXPECT_EQ(r.on_time_rate, 1.0);
  EXPECT_EQ(r.fill_rate, 1.0);
  EXPECT_EQ(r.delay_p50, 0);
  EXPECT_EQ(r.delay_p90, 0);
  EXPECT_EQ(r.delay_mean, 0);
  EXPECT_EQ(r.delay_vs_confirmed_p50, 0);
  EXPECT_EQ(r.delay_vs_confirmed_p90, 0);
  EXPECT_EQ(r.lead_time_p50, 14);
  EXPECT_EQ(r.lead_time_p90, 14);
  EXPECT_EQ(r.DelayQuantile(0.99), 0);
  EXPECT_EQ(r.LeadTimeQuantile(0.01), 14);
  // Even a prior worth nothing answers when there is nothing else.
  prior.pseudo_observations = 0;
  EXPECT_EQ(Estimate({}, prior).lead_time_p90, 14);
  EXPECT_EQ(Estimate({}, prior).on_time_rate, 1.0);
}

TEST(Reliability, OneLateReceiptIsShrunkByFiveSixths) {
  // k = 5: the prior (on time) weighs 5/6, the one receipt (10 days late) 1/6.
  ReliabilityPrior prior;
  prior.nominal_lead_time_days = 14;
  const std::vector<DeliveryObservation> obs = {Late(10, /*ordered=*/10, /*received=*/8, /*lead=*/30)};
  const Reliability r = Estimate(obs, prior);
  EXPECT_EQ(r.receipts, 1);
  EXPECT_DOUBLE_EQ(r.on_time_rate, 5.0 / 6.0);
  EXPECT_EQ(r.delay_p50, 0);   // F(0) = 5/6 >= 0.5
  EXPECT_EQ(r.delay_p90, 10);  // F(0) = 5/6 < 0.9
  EXPECT_DOUBLE_EQ(r.delay_mean, 10.0 / 6.0);
  EXPECT_DOUBLE_EQ(r.fill_rate, (1 * 0.8 + 5) / 6.0);
  EXPECT_EQ(r.lead_time_p50, 14);
  EXPECT_EQ(r.lead_time_p90, 30);
  ASSERT_EQ(r.delay_days.points().size(), 2u);
  EXPECT_DOUBLE_EQ(r.delay_days.points()[0].weight, 5.0 / 6.0);
  EXPECT_DOUBLE_EQ(r.delay_days.Cdf(9), 5.0 / 6.0);
  EXPECT_DOUBLE_EQ(r.delay_days.Cdf(10), 1.0);
}

TEST(Reliability, AHandfulWithoutPriorIsTheEmpiricalInverseCdf) {
  const std::vector<DeliveryObservation> obs = {Late(3), Late(-2), Late(0), Late(7), Late(0)};
  const Reliability r = Estimate(obs, NoPrior());
  // Sorted: -2 0 0 3 7; F(-2) = .2, F(0) = .6, F(3) = .8, F(7) = 1.
  EXPECT_EQ(r.delay_p50, 0);
  EXPECT_EQ(r.delay_p90, 7);
  EXPECT_EQ(r.DelayQuantile(0.8), 3);
  EXPECT_EQ(r.DelayQuantile(0.2), -2);
  EXPECT_EQ(r.DelayQuantile(0.0), -2);
  EXPECT_EQ(r.DelayQuantile(1.0), 7);
  EXPECT_DOUBLE_EQ(r.delay_mean, 8.0 / 5.0);
  EXPECT_DOUBLE_EQ(r.on_time_rate, 3.0 / 5.0);
  EXPECT_EQ(r.lead_time_p50, 30);
  EXPECT_EQ(r.fill_rate, 1.0);
}

TEST(Reliability, AHandfulWithThePriorAsFivePseudoObservations) {
  const std::vector<DeliveryObservation> obs = {Late(3), Late(-2), Late(0), Late(7), Late(0)};
  const Reliability r = Estimate(obs, ReliabilityPrior{});
  // Each receipt weighs 1/10, the prior's point mass at 0 weighs 5/10:
  // F(-2) = .1, F(0) = .1 + .2 + .5 = .8, F(3) = .9, F(7) = 1.
  EXPECT_EQ(r.delay_p50, 0);
  EXPECT_EQ(r.delay_p90, 3);
  EXPECT_DOUBLE_EQ(r.delay_mean, 8.0 / 10.0);
  EXPECT_DOUBLE_EQ(r.on_time_rate, (3.0 + 5.0) / 10.0);
  // Lead time: five receipts of 30 days against the nominal 0 days, 50/50 → P50 = 0, P90 = 30.
  EXPECT_EQ(r.lead_time_p50, 0);
  EXPECT_EQ(r.lead_time_p90, 30);
}

TEST(Reliability, EarlyDeliveriesMoveTheQuantilesBelowZero) {
  std::vector<DeliveryObservation> obs(20, Late(-5));
  const Reliability r = Estimate(obs, ReliabilityPrior{});
  // -5 weighs 20/25 = .8, the prior's 0 weighs .2.
  EXPECT_EQ(r.delay_p50, -5);
  EXPECT_EQ(r.delay_p90, 0);
  EXPECT_EQ(r.on_time_rate, 1.0);
  EXPECT_DOUBLE_EQ(r.delay_mean, -100.0 / 25.0);
  EXPECT_EQ(Estimate(obs, NoPrior()).delay_p90, -5);
}

TEST(Reliability, FillRateCapsOverDeliveryPerLineAndSkipsEmptyLines) {
  const std::vector<DeliveryObservation> obs = {Late(0, 10, 5), Late(0, 10, 15), Late(0, 0, 4), Late(0, 10, -3)};
  // Lines with ordered > 0: 5 of 10, 10 (capped from 15) of 10, 0 (clamped from -3) of 10.
  EXPECT_DOUBLE_EQ(Estimate(obs, NoPrior()).fill_rate, 15.0 / 30.0);
  // Shrunk: three lines, k = 5 → (3 · 0.5 + 5) / 8.
  EXPECT_DOUBLE_EQ(Estimate(obs, ReliabilityPrior{}).fill_rate, (3 * 0.5 + 5) / 8.0);
  EXPECT_EQ(Estimate(obs, ReliabilityPrior{}).receipts, 4);
}

TEST(Reliability, DelayVsConfirmedUsesTheLastConfirmedDateOrElseThePromise) {
  DeliveryObservation moved = Late(8);
  moved.confirmed = Day(7);
  const std::vector<DeliveryObservation> obs = {moved, Late(2)};
  const Reliability r = Estimate(obs, NoPrior());
  EXPECT_EQ(r.delay_p90, 8);
  EXPECT_EQ(r.delay_vs_confirmed_p50, 1);
  EXPECT_EQ(r.delay_vs_confirmed_p90, 2);
  EXPECT_EQ(r.DelayVsConfirmedQuantile(0.5), 1);
  EXPECT_EQ(r.on_time_rate, 0.0);  // on time is judged against the promise
}

TEST(Reliability, LeadTimeNeedsAnOrderDate) {
  DeliveryObservation unknown = Late(0);
  unknown.ordered.reset();
  ReliabilityPrior prior;
  prior.nominal_lead_time_days = 21;
  const std::vector<DeliveryObservation> obs = {unknown, unknown, unknown};
  const Reliability r = Estimate(obs, prior);
  EXPECT_EQ(r.lead_time_p50, 21);
  EXPECT_EQ(r.lead_time_p90, 21);
  EXPECT_EQ(r.receipts, 3);
}

TEST(Reliability, ShrinksTowardsAPooledDistributionWhenGivenOne) {
  ReliabilityPrior pooled;
  const std::vector<int32_t> pool = {0, 0, 10, 0};
  pooled.delay_days = DayDistribution::FromDays(pool);
  const Reliability none = Estimate({}, pooled);
  EXPECT_EQ(none.delay_p50, 0);
  EXPECT_EQ(none.delay_p90, 10);
  EXPECT_DOUBLE_EQ(none.on_time_rate, 0.75);
  EXPECT_DOUBLE_EQ(none.delay_mean, 2.5);
  // Five on-time receipts against k = 5 of the pool: F(0) = (5 + 5 · .75) / 10 = .875 < .9.
  const std::vector<DeliveryObservation> five(5, Late(0));
  const Reliability r = Estimate(five, pooled);
  EXPECT_EQ(r.delay_p90, 10);
  EXPECT_DOUBLE_EQ(r.on_time_rate, 0.875);
  // Fifteen: F(0) = (15 + 3.75) / 20 = .9375 >= .9.
  const std::vector<DeliveryObservation> fifteen(15, Late(0));
  EXPECT_EQ(Estimate(fifteen, pooled).delay_p90, 0);
}

TEST(Reliability, GarbageDatesAreClampedNotOverflowed) {
  DeliveryObservation o;
  o.promised = Date::FromDays(std::numeric_limits<int32_t>::min());
  o.arrived = Date::FromDays(std::numeric_limits<int32_t>::max());
  o.ordered = o.promised;
  o.ordered_quantity = std::numeric_limits<int64_t>::max();
  o.received_quantity = std::numeric_limits<int64_t>::max();
  const std::vector<DeliveryObservation> obs = {o, o, o};
  const Reliability r = Estimate(obs, NoPrior());
  EXPECT_EQ(r.delay_p50, kMaxAbsDays);
  EXPECT_EQ(r.lead_time_p90, kMaxAbsDays);
  EXPECT_EQ(r.fill_rate, 1.0);
}

TEST(DayDistribution, QuantileAndCdfAtTheEdges) {
  const std::vector<int32_t> days = {4, -1, 4, 9};
  const DayDistribution d = DayDistribution::FromDays(days);
  EXPECT_EQ(d.Quantile(0), -1);
  EXPECT_EQ(d.Quantile(-3), -1);
  EXPECT_EQ(d.Quantile(std::nan("")), -1);
  EXPECT_EQ(d.Quantile(0.25), -1);
  EXPECT_EQ(d.Quantile(0.26), 4);
  EXPECT_EQ(d.Quantile(0.75), 4);
  EXPECT_EQ(d.Quantile(1), 9);
  EXPECT_EQ(d.Quantile(7), 9);
  EXPECT_EQ(d.Cdf(-2), 0.0);
  EXPECT_DOUBLE_EQ(d.Cdf(4), 0.75);
  EXPECT_EQ(d.Cdf(100), 1.0);
  EXPECT_DOUBLE_EQ(d.Mean(), 4.0);
  EXPECT_EQ(DayDistribution::FromDays({}), DayDistribution::PointMass(0));
  EXPECT_EQ(DayDistribution().Quantile(0.9), 0);
}

TEST(ReliabilityAccumulator, KeepsTheLastWindowObservations) {
  ReliabilityAccumulator acc(3);
  std::vector<DeliveryObservation> all;
  for (int32_t delay : {50, 40, 1, 2, 3}) {
    all.push_back(Late(delay, 10, delay));
    acc.Add(all.back());
  }
  EXPECT_EQ(acc.size(), 3u);
  EXPECT_EQ(acc.total_added(), 5);
  const std::span<const DeliveryObservation> kept(all.data() + 2, 3);
  EXPECT_EQ(acc.Estimate(ReliabilityPrior{}), Estimate(kept, ReliabilityPrior{}));
  EXPECT_EQ(acc.Estimate(NoPrior()).delay_p90, 3);
  EXPECT_DOUBLE_EQ(acc.Estimate(NoPrior()).fill_rate, 6.0 / 30.0);
  EXPECT_EQ(ReliabilityAccumulator().window(), ReliabilityAccumulator::kDefaultWindow);
  EXPECT_EQ(ReliabilityAccumulator(0).window(), 1u);
  EXPECT_EQ(ReliabilityAccumulator().Estimate(ReliabilityPrior{}), Estimate({}, ReliabilityPrior{}));
}

// Random histories: mostly realistic (days around a base, small quantities), sometimes extreme.
rc::Gen<DeliveryObservation> GenObservation() {
  return rc::gen::exec([] {
    DeliveryObservation o;
    const bool extreme = *rc::gen::inRange(0, 20) == 0;
    auto day = [extreme](int32_t around) {
      return extreme ? Date::FromDays(*rc::gen::arbitrary<int32_t>())
                     : Date::FromDays(around + *rc::gen::inRange(-60, 120));
    };
    o.promised = day(20'000);
    o.arrived = day(o.promised.days());
    if (*rc::gen::arbitrary<bool>()) o.ordered = day(o.promised.days() - 30);
    if (*rc::gen::inRange(0, 3) == 0) o.confirmed = day(o.promised.days());
    o.ordered_quantity = extreme ? *rc::gen::arbitrary<int64_t>() : *rc::gen::inRange<int64_t>(0, 500);
    o.received_quantity = extreme ? *rc::gen::arbitrary<int64_t>() : *rc::gen::inRange<int64_t>(0, 600);
    return o;
  });
}

ReliabilityPrior GenPrior() {
  ReliabilityPrior prior;
  prior.nominal_lead_time_days = *rc::gen::inRange(-10, 200);
  prior.pseudo_observations = *rc::gen::element(0.0, 0.5, 1.0, 5.0, 20.0, -1.0, std::nan(""));
  if (*rc::gen::arbitrary<bool>()) {
    prior.delay_days = DayDistribution::FromDays(*rc::gen::container<std::vector<int32_t>>(rc::gen::inRange(-30, 60)));
  }
  return prior;
}

bool Sane(const Reliability& r) {
  const double figures[] = {
      r.on_time_rate,           r.fill_rate,     r.delay_p50,    r.delay_p90, r.delay_mean, r.delay_vs_confirmed_p50,
      r.delay_vs_confirmed_p90, r.lead_time_p50, r.lead_time_p90};
  for (double f : figures) {
    if (!std::isfinite(f)) return false;
  }
  return r.on_time_rate >= 0 && r.on_time_rate <= 1 && r.fill_rate >= 0 && r.fill_rate <= 1 &&
         r.delay_p50 <= r.delay_p90 && r.delay_vs_confirmed_p50 <= r.delay_vs_confirmed_p90 &&
         r.lead_time_p50 <= r.lead_time_p90;
}

RC_GTEST_PROP(ReliabilityProperty, FiguresAreSaneForAnyHistory, ()) {
  const auto obs = *rc::gen::container<std::vector<DeliveryObservation>>(GenObservation());
  const ReliabilityPrior prior = GenPrior();
  const Reliability r = Estimate(obs, prior);
  RC_ASSERT(Sane(r));
  RC_ASSERT(r.receipts == static_cast<int64_t>(obs.size()));
  // Quantiles are monotone in q, and each is the inverse CDF.
  const double q1 = *rc::gen::inRange(0, 1001) / 1000.0;
  const double q2 = *rc::gen::inRange(0, 1001) / 1000.0;
  if (q1 <= q2) RC_ASSERT(r.DelayQuantile(q1) <= r.DelayQuantile(q2));
  const int32_t d = r.delay_days.Quantile(q1);
  RC_ASSERT(r.delay_days.Cdf(d) >= q1 - 1e-9);
  RC_ASSERT(r.delay_days.Cdf(d - 1) < q1 + 1e-9 || d == r.delay_days.points().front().day);
}

RC_GTEST_PROP(ReliabilityProperty, AccumulatorEqualsTheBatchOverItsWindow, ()) {
  const auto obs = *rc::gen::container<std::vector<DeliveryObservation>>(GenObservation());
  const size_t window = *rc::gen::inRange<size_t>(1, 40);
  const ReliabilityPrior prior = GenPrior();
  ReliabilityAccumulator acc(window);
  for (const auto& o : obs) acc.Add(o);
  const size_t kept = std::min(window, obs.size());
  const std::span<const DeliveryObservation> tail(obs.data() + (obs.size() - kept), kept);
  const Reliability batch = Estimate(tail, prior);
  RC_ASSERT(acc.Estimate(prior) == batch);
  RC_ASSERT(acc.size() == kept);
  RC_ASSERT(Sane(batch));
}

}  // namespace
}  // namespace belofte::planning
