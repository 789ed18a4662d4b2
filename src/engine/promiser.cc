#include "engine/promiser.h"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace belofte::engine {

planning::Reliability EstimateSupplier(const SupplierState& s) {
  std::vector<planning::DeliveryObservation> observations;
  const size_t first = s.deliveries.size() > kDeliveriesKept ? s.deliveries.size() - kDeliveriesKept : 0;
  observations.reserve(s.deliveries.size() - first);
  for (size_t i = first; i < s.deliveries.size(); ++i) {
    const auto& d = s.deliveries[i];
    observations.push_back(planning::DeliveryObservation{d.ordered, d.promised, d.confirmed, d.arrived,
                                                         d.ordered_quantity, d.received_quantity});
  }
  planning::ReliabilityPrior prior;
  prior.nominal_lead_time_days = s.supplier.lead_time_days;
  return planning::Estimate(observations, prior);
}

void Promiser::SettingsChanged() { calendar_ = planning::WorkingCalendar(state_->promise_settings.calendar); }

void Promiser::AllSuppliersChanged() {
  reliability_.clear();
  for (const auto& [code, s] : state_->suppliers) dirty_.insert(code);
}

void Promiser::Refresh() {
  for (const auto& code : dirty_) {
    auto it = state_->suppliers.find(code);
    if (it == state_->suppliers.end()) {
      reliability_.erase(code);
    } else {
      reliability_[code] = EstimateSupplier(it->second);
    }
  }
  dirty_.clear();
}

const planning::Reliability& Promiser::ReliabilityOf(const std::string& supplier) const {
  auto it = reliability_.find(supplier);
  return it == reliability_.end() ? prior_ : it->second;
}

namespace {

int32_t Days(double d) { return static_cast<int32_t>(std::lround(std::clamp(d, -36525.0, 36525.0))); }

}  // namespace

planning::PromiseWalk Promiser::Walk(const SkuState& sku, Date today) const {
  const PromiseSettings& settings = state_->promise_settings;
  planning::PromiseInput in;
  in.today = today;
  in.free_units = std::max<int64_t>(0, sku.free().units());
  in.handling_days = settings.HandlingDays(kMainLocation);
  const BackorderPolicy& policy = sku.product.backorder;
  if (policy.kind == BackorderPolicyKind::kPreorder) in.release_date = policy.release_date;

  for (PurchaseOrderId id : state_->SupplyOf(sku.product.sku)) {
    auto it = state_->purchase_orders.find(id);
    if (it == state_->purchase_orders.end() || !it->second.IsSupply()) continue;
    const PurchaseOrder& po = it->second;
    const PurchaseOrderLine* line = po.FindLine(sku.product.sku);
    if (!line || !line->outstanding().positive()) continue;
    const planning::Reliability& r = ReliabilityOf(po.supplier);
    in.supply.push_back(planning::MakeSupplyPoint(po.id, today, line->expected_date, Days(r.delay_vs_confirmed_p50),
                                                  Days(r.delay_vs_confirmed_p90), line->outstanding().units(),
                                                  r.fill_rate));
  }

  // Not yet purchased: the preferred supplier's lead-time quantiles, shifted by how much the SKU's
  // own terms differ from the supplier's nominal lead time; no supplier: the shop's default.
  int32_t lead50 = settings.default_lead_time_days;
  int32_t lead90 = settings.default_lead_time_days;
  if (const SupplierTerms* terms = state_->PreferredTerms(sku.product.sku)) {
    if (const SupplierState* supplier = state_->FindSupplier(terms->supplier)) {
      const planning::Reliability& r = ReliabilityOf(terms->supplier);
      const int32_t shift = terms->lead_time_days ? *terms->lead_time_days - supplier->supplier.lead_time_days : 0;
      lead50 = std::max(0, Days(r.lead_time_p50) + shift);
      lead90 = std::max(lead50, Days(r.lead_time_p90) + shift);
    }
  }
  in.lead_time_p50 = today.PlusDays(lead50);
  in.lead_time_p90 = today.PlusDays(lead90);
  return planning::PromiseWalk(std::move(in), calendar_);
}

std::vector<QueuedPromise> Promiser::QueuePromises(const SkuState& sku, Date today) const {
  std::vector<QueuedPromise> out;
  if (sku.queue.empty()) return out;
  const planning::PromiseWalk walk = Walk(sku, today);
  out.reserve(sku.queue.size());
  int64_t demand = 0;
  for (const QueueKey& key : sku.queue) {
    const Order& order = state_->orders.at(key.order);
    const auto line = std::find_if(order.lines.begin(), order.lines.end(),
                                   [&key](const OrderLine& l) { return l.id == key.line; });
    demand += line->backordered.units();
    out.push_back(QueuedPromise{key.order, key.line, walk.At(demand)});
  }
  return out;
}

Availability Promiser::Available(const SkuState& sku, Quantity quantity, Date today) const {
  Availability a;
  const BackorderPolicy& policy = sku.product.backorder;
  a.available = Max(kNoUnits, sku.free());
  a.in_stock = quantity <= a.available;
  const Quantity short_units = Max(kNoUnits, quantity - a.available);
  // Appended to the queue: behind everything waiting now.
  planning::PromiseWalk walk = Walk(sku, today);
  Promise ships = walk.At(sku.backordered.units() + quantity.units());
  if (a.in_stock && policy.kind != BackorderPolicyKind::kPreorder) {
    // Free stock is not counted against the queue (there is none while stock is free), but the
    // handling days are those of the location that would ship it.
    LocationIndex from = 0;
    for (LocationIndex i = 0; i < sku.levels.size(); ++i) {
      if (sku.levels[i].free().positive()) {
        from = i;
        break;
      }
    }
    const std::string& code = from < state_->locations.size() ? state_->locations[from].code : kMainLocation;
    const Date day = calendar_.AddWorkingDays(today, state_->promise_settings.HandlingDays(code));
    ships = Promise{day, day, PromiseBasis::kInStock, 0};
  }
  a.ships = ships;
  if (short_units.positive()) {
    if (!policy.allows_backorders()) {
      a.orderable = false;
      a.reason = "insufficient_stock";
      return a;
    }
    if (auto headroom = policy.Headroom(sku.backordered); headroom && *headroom < short_units) {
      a.orderable = false;
      a.reason = "backorder_cap_reached";
      return a;
    }
  }
  if (policy.max_wait_days && short_units.positive() && ships.p90.days() - today.days() > *policy.max_wait_days) {
    a.orderable = false;
    a.reason = "max_wait_exceeded";
    return a;
  }
  a.orderable = true;
  return a;
}

std::vector<UncoveredSku> Promiser::Uncovered() const {
  std::vector<UncoveredSku> out;
  for (const auto& [code, sku] : state_->skus) {
    if (sku.queue.empty()) continue;
    // Coverage counts units, not dates: free stock plus the outstanding units of open purchase
    // orders (`incoming`).
    const int64_t covered = std::max<int64_t>(0, sku.free().units()) + sku.incoming.units();
    if (covered >= sku.backordered.units()) continue;
    UncoveredSku u;
    u.sku = code;
    u.backordered = sku.backordered;
    u.incoming = sku.incoming;
    u.uncovered = sku.backordered - Quantity(covered);
    int64_t demand = 0;
    bool first = true;
    for (const QueueKey& key : sku.queue) {
      auto [order, line] = state_->FindLine(key.line);
      if (!line) continue;
      demand += line->backordered.units();
      if (demand <= covered) continue;
      ++u.lines;
      if (first || order->placed_at < u.oldest_waiting_since) u.oldest_waiting_since = order->placed_at;
      first = false;
    }
    out.push_back(std::move(u));
  }
  std::sort(out.begin(), out.end(), [](const UncoveredSku& a, const UncoveredSku& b) {
    return std::tie(a.oldest_waiting_since, a.sku) < std::tie(b.oldest_waiting_since, b.sku);
  });
  return out;
}

}  // namespace belofte::engine
