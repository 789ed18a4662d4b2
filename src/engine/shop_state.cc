#include "engine/shop_state.h"

#include <algorithm>

namespace belofte::engine {

Quantity SkuState::on_hand() const {
  Quantity total;
  for (const auto& l : levels) total += l.on_hand;
  return total;
}

Quantity SkuState::allocated() const {
  Quantity total;
  for (const auto& l : levels) total += l.allocated;
  return total;
}

const Order* ShopState::FindOrder(OrderId id) const {
  auto it = orders.find(id);
  return it == orders.end() ? nullptr : &it->second;
}

const SkuState* ShopState::FindSku(const std::string& sku) const {
  auto it = skus.find(sku);
  return it == skus.end() ? nullptr : &it->second;
}

const Location* ShopState::FindLocation(const std::string& code) const {
  auto it = location_by_code.find(code);
  return it == location_by_code.end() ? nullptr : &locations[it->second];
}

const std::vector<PurchaseOrderId>& ShopState::SupplyOf(const std::string& sku) const {
  static const std::vector<PurchaseOrderId> kNone;
  auto it = supply.find(sku);
  return it == supply.end() ? kNone : it->second;
}

const SupplierState* ShopState::FindSupplier(const std::string& code) const {
  auto it = suppliers.find(code);
  return it == suppliers.end() ? nullptr : &it->second;
}

const PurchaseOrder* ShopState::FindPurchaseOrder(PurchaseOrderId id) const {
  auto it = purchase_orders.find(id);
  return it == purchase_orders.end() ? nullptr : &it->second;
}

const SupplierTerms* ShopState::PreferredTerms(const std::string& sku) const {
  const SupplierTerms* any = nullptr;
  for (const auto& [code, s] : suppliers) {
    auto it = s.terms.find(sku);
    if (it == s.terms.end()) continue;
    if (it->second.preferred) return &it->second;
    if (!any) any = &it->second;
  }
  return any;
}

std::pair<const Order*, const OrderLine*> ShopState::FindLine(LineId line) const {
  auto it = line_order.find(line);
  if (it == line_order.end()) return {nullptr, nullptr};
  const Order* order = FindOrder(it->second);
  if (!order) return {nullptr, nullptr};
  for (const auto& l : order->lines) {
    if (l.id == line) return {order, &l};
  }
  return {order, nullptr};
}

std::pair<const Order*, const BundleLine*> ShopState::FindBundleLine(LineId line) const {
  auto it = line_order.find(line);
  if (it == line_order.end()) return {nullptr, nullptr};
  const Order* order = FindOrder(it->second);
  if (!order) return {nullptr, nullptr};
  return {order, order->FindBundle(line)};
}

BundleStock DeriveBundleStock(const ShopState& state, const SkuState& bundle) {
  BundleStock out;
  bool first = true;
  for (const Component& c : bundle.product.components) {
    const SkuState* sku = state.FindSku(c.sku);
    const int64_t per = c.quantity.units();
    if (!sku || per <= 0) continue;
    Quantity on_hand(Max(kNoUnits, sku->on_hand()).units() / per);
    Quantity available(Max(kNoUnits, sku->free()).units() / per);
    Quantity incoming(Max(kNoUnits, sku->incoming).units() / per);
    out.on_hand = first ? on_hand : Min(out.on_hand, on_hand);
    out.available = first ? available : Min(out.available, available);
    out.incoming = first ? incoming : Min(out.incoming, incoming);
    first = false;
  }
  for (LineId id : bundle.lines) {
    auto [order, line] = state.FindBundleLine(id);
    if (!line || line->sku != bundle.product.sku) continue;
    LineSplit split = BundleSplit(*order, *line);
    out.allocated += split.allocated;
    out.backordered += split.backordered;
  }
  return out;
}

std::string ExternalKey(const std::string& channel, const std::string& external_id) {
  std::string key;
  key.reserve(channel.size() + 1 + external_id.size());
  key += channel;
  key += '\x1f';
  key += external_id;
  return key;
}

bool Closed(const Order& order) {
  for (const auto& line : order.lines) {
    if (line.remaining().positive()) return false;
  }
  return true;
}

const LinePromises* WaitingPromises(const ShopState& state, LineId line) {
  auto it = state.promises.find(line);
  if (it == state.promises.end()) return nullptr;
  const OrderLine* l = state.FindLine(line).second;
  return l && l->backordered.positive() ? &it->second : nullptr;
}

std::optional<Promise> BundlePromise(const ShopState& state, const Order& order, const BundleLine& bundle) {
  const LinePromises* latest = nullptr;
  Date p50;
  for (const auto& c : order.lines) {
    if (c.bundle_line != bundle.id) continue;
    const LinePromises* promises = WaitingPromises(state, c.id);
    if (!promises) continue;
    if (!latest || promises->current.p90 > latest->current.p90) latest = promises;
    p50 = std::max(p50, promises->current.p50);
  }
  if (!latest) return std::nullopt;
  Promise p = latest->current;
  p.p50 = p50;
  return p;
}

}  // namespace belofte::engine
