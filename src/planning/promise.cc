#include "planning/promise.h"

#include <algorithm>

namespace belofte::planning {

namespace {

// Cumulative units are doubles (thinned by fill rates): a demand counts as covered when the
// cumulative supply reaches it within this tolerance.
constexpr double kEpsilon = 1e-9;

}  // namespace

SupplyPoint MakeSupplyPoint(PurchaseOrderId purchase_order, Date today, Date expected, int32_t delay_p50,
                            int32_t delay_p90, int64_t units, double fill_rate) {
  SupplyPoint s;
  s.purchase_order = purchase_order;
  s.arrival_p50 = std::max(today, expected.PlusDays(delay_p50));
  s.arrival_p90 = std::max(s.arrival_p50, expected.PlusDays(std::max(delay_p50, delay_p90)));
  s.units = std::max<int64_t>(0, units);
  s.fill_rate = std::clamp(fill_rate, 0.0, 1.0);
  if (!(s.fill_rate == s.fill_rate)) s.fill_rate = 0.0;  // NaN
  return s;
}

PromiseWalk::PromiseWalk(PromiseInput input, const WorkingCalendar& calendar)
    : input_(std::move(input)), calendar_(&calendar) {
  input_.free_units = std::max<int64_t>(0, input_.free_units);
  input_.handling_days = std::max<int32_t>(0, input_.handling_days);
  // The lead-time estimate is never earlier than today, and its P90 never before its P50.
  input_.lead_time_p50 = std::max(input_.lead_time_p50, input_.today);
  input_.lead_time_p90 = std::max(input_.lead_time_p90, input_.lead_time_p50);

  const auto build = [this](bool p90) {
    std::vector<Step> steps;
    steps.reserve(input_.supply.size() + 1);
    if (input_.free_units > 0) {
      steps.push_back(Step{input_.today, static_cast<double>(input_.free_units), 0});
    }
    std::vector<const SupplyPoint*> order;
    order.reserve(input_.supply.size());
    for (const auto& s : input_.supply) {
      if (s.units > 0) order.push_back(&s);
    }
    std::stable_sort(order.begin(), order.end(), [p90](const SupplyPoint* a, const SupplyPoint* b) {
      const Date da = p90 ? a->arrival_p90 : a->arrival_p50;
      const Date db = p90 ? b->arrival_p90 : b->arrival_p50;
      return da < db || (da == db && a->purchase_order < b->purchase_order);
    });
    double cumulative = static_cast<double>(input_.free_units);
    for (const SupplyPoint* s : order) {
      const Date arrival = std::max(input_.today, p90 ? s->arrival_p90 : s->arrival_p50);
      cumulative += p90 ? static_cast<double>(s->units) * s->fill_rate : static_cast<double>(s->units);
      steps.push_back(Step{arrival, cumulative, s->purchase_order});
    }
    return steps;
  };
  p50_ = build(false);
  p90_ = build(true);
  covered_units_ = input_.free_units;
  for (const auto& s : input_.supply) covered_units_ += std::max<int64_t>(0, s.units);
}

const PromiseWalk::Step* PromiseWalk::Cover(const std::vector<Step>& steps, double demand) {
  auto it = std::lower_bound(steps.begin(), steps.end(), demand,
                             [](const Step& s, double d) { return s.cumulative + kEpsilon < d; });
  return it == steps.end() ? nullptr : &*it;
}

Date PromiseWalk::Ship(Date arrival) const {
  Date day = arrival;
  if (input_.release_date) day = std::max(day, *input_.release_date);
  return calendar_->AddWorkingDays(day, input_.handling_days);
}

Promise PromiseWalk::At(int64_t demand) const {
  demand = std::max<int64_t>(1, demand);
  const double d = static_cast<double>(demand);
  const Step* s50 = Cover(p50_, d);
  const Step* s90 = Cover(p90_, d);
  // Past all supply: not yet purchased; never earlier than the last supply of the same quantile.
  const Date last50 = p50_.empty() ? input_.today : p50_.back().arrival;
  const Date last90 = p90_.empty() ? input_.today : p90_.back().arrival;
  const Date a50 = s50 ? s50->arrival : std::max(input_.lead_time_p50, last50);
  Date a90 = s90 ? s90->arrival : std::max(input_.lead_time_p90, last90);
  a90 = std::max(a90, a50);

  Promise p;
  p.p50 = Ship(a50);
  p.p90 = Ship(a90);
  if (!s50) {
    p.basis = PromiseBasis::kLeadTime;
  } else if (s50->purchase_order == 0) {
    p.basis = PromiseBasis::kInStock;
  } else {
    p.basis = PromiseBasis::kPurchaseOrder;
    p.purchase_order = s50->purchase_order;
  }
  // A pre-order whose release date decides the P90 rests on the release date.
  if (input_.release_date && *input_.release_date >= a90 && *input_.release_date > input_.today) {
    p.basis = PromiseBasis::kReleaseDate;
    p.purchase_order = 0;
  }
  return p;
}

int64_t PromiseWalk::Uncovered(int64_t demand) const { return std::max<int64_t>(0, demand - covered_units_); }

}  // namespace belofte::planning
