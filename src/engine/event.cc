#include "engine/event.h"

namespace belofte::engine {

std::string_view EventType(const EventBody& body) {
  struct Namer {
    std::string_view operator()(const ProductUpserted&) const { return "product_upserted"; }
    std::string_view operator()(const LocationUpserted&) const { return "location_upserted"; }
    std::string_view operator()(const ChannelCreated&) const { return "channel_created"; }
    std::string_view operator()(const OrderPlaced&) const { return "order_placed"; }
    std::string_view operator()(const StockMoved&) const { return "stock_moved"; }
    std::string_view operator()(const BackorderFilled&) const { return "backorder_filled"; }
    std::string_view operator()(const AllocationReturned&) const { return "allocation_returned"; }
    std::string_view operator()(const AllocationMoved&) const { return "allocation_moved"; }
    std::string_view operator()(const LineCancelled&) const { return "line_cancelled"; }
    std::string_view operator()(const LineShipped&) const { return "line_shipped"; }
    std::string_view operator()(const PaymentChanged&) const { return "payment_changed"; }
    std::string_view operator()(const LinePrioritySet&) const { return "line_priority_set"; }
    std::string_view operator()(const SupplierUpserted&) const { return "supplier_upserted"; }
    std::string_view operator()(const SupplierTermsUpserted&) const { return "supplier_terms_upserted"; }
    std::string_view operator()(const PurchaseOrderCreated&) const { return "purchase_order_created"; }
    std::string_view operator()(const PurchaseOrderSent&) const { return "purchase_order_sent"; }
    std::string_view operator()(const PurchaseOrderDatesChanged&) const { return "purchase_order_dates_changed"; }
    std::string_view operator()(const PurchaseOrderReceived&) const { return "purchase_order_received"; }
    std::string_view operator()(const PurchaseOrderCancelled&) const { return "purchase_order_cancelled"; }
    std::string_view operator()(const LinePromised& e) const {
      return !e.previous ? "promise_given" : e.notify ? "promise_changed" : "promise_revised";
    }
    std::string_view operator()(const PromiseSettingsChanged&) const { return "promise_settings_changed"; }
    std::string_view operator()(const NoticeQueued&) const { return "notice_queued"; }
    std::string_view operator()(const ShipPolicyChanged&) const { return "ship_policy_changed"; }
    std::string_view operator()(const WaitAccepted&) const { return "wait_accepted"; }
    std::string_view operator()(const NoticeSettingsChanged&) const { return "notice_settings_changed"; }
  };
  return std::visit(Namer{}, body);
}

OrderId OrderIdOf(const EventBody& body) {
  return std::visit(
      [](const auto& e) -> OrderId {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, OrderPlaced>) {
          return e.order.id;
        } else if constexpr (requires { e.order; }) {
          return e.order;
        } else {
          return 0;
        }
      },
      body);
}

const std::string* SkuOf(const EventBody& body) {
  return std::visit(
      [](const auto& e) -> const std::string* {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, ProductUpserted>) {
          return &e.product.sku;
        } else if constexpr (std::is_same_v<T, StockMoved>) {
          return &e.movement.sku;
        } else if constexpr (requires { e.sku; }) {
          return &e.sku;
        } else {
          return nullptr;
        }
      },
      body);
}

}  // namespace belofte::engine
