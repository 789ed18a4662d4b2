// codec.h — the API's JSON: request bodies into engine commands, state into answers.
//
// Parsers are strict (see json_reader.h) and fill in defaults documented in the OpenAPI
// document (`at` = now, location = main, payment = unpaid ...). Renderers read the engine's
// state and never change it; callers hold the writer's lock (shared or exclusive).
// Thread safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>

#include "common/result.h"
#include "engine/command.h"
#include "engine/engine.h"

namespace belofte::api {

using nlohmann::json;

// What a parser needs besides the body.
struct ParseContext {
  Instant now;                                                   // default for `at`
  std::function<std::optional<Money>(const std::string&)> price;  // a product's price, for default unit_price
};

Result<engine::UpsertProduct> ParseProduct(const std::string& sku, std::string_view body, const ParseContext& ctx);
Result<engine::UpsertLocation> ParseLocation(const std::string& code, std::string_view body, const ParseContext& ctx);
Result<engine::AdjustStock> ParseAdjustment(std::string_view body, const ParseContext& ctx);
Result<engine::CountStock> ParseCount(std::string_view body, const ParseContext& ctx);
Result<engine::ReceiveStock> ParseReceipt(std::string_view body, const ParseContext& ctx);
Result<engine::PlaceOrder> ParseOrder(std::string_view body, const ParseContext& ctx);
Result<engine::SetPayment> ParsePayment(OrderId order, std::string_view body, const ParseContext& ctx);
Result<engine::CancelOrder> ParseCancel(OrderId order, std::string_view body, const ParseContext& ctx);
Result<engine::ShipOrder> ParseShipment(OrderId order, std::string_view body, const ParseContext& ctx);
Result<engine::SetLinePriority> ParsePriority(LineId line, std::string_view body, const ParseContext& ctx);

Result<engine::UpsertSupplier> ParseSupplier(const std::string& code, std::string_view body, const ParseContext& ctx);
Result<engine::UpsertSupplierTerms> ParseSupplierTerms(const std::string& supplier, const std::string& sku,
                                                       std::string_view body, const ParseContext& ctx);
Result<engine::CreatePurchaseOrder> ParsePurchaseOrder(std::string_view body, const ParseContext& ctx);
Result<engine::SendPurchaseOrder> ParseSend(PurchaseOrderId id, std::string_view body, const ParseContext& ctx);
// Confirm and expected-date share a body: {expected_date, lines: [{sku, expected_date}], at}.
Result<engine::ConfirmPurchaseOrder> ParseConfirm(PurchaseOrderId id, std::string_view body, const ParseContext& ctx);
Result<engine::MovePurchaseOrderDate> ParseMove(PurchaseOrderId id, std::string_view body, const ParseContext& ctx);
Result<engine::ReceivePurchaseOrder> ParsePurchaseReceipt(PurchaseOrderId id, std::string_view body,
                                                          const ParseContext& ctx);
Result<engine::CancelPurchaseOrder> ParsePurchaseCancel(PurchaseOrderId id, std::string_view body,
                                                        const ParseContext& ctx);

// Ids on the wire are decimal strings; nullopt for anything else.
std::optional<uint64_t> ParseId(std::string_view text);

json StockJson(const engine::SkuState& sku, const engine::ShopState& state);
json ProductJson(const engine::SkuState& sku, const engine::ShopState& state);
json LocationJson(const Location& location);
json MovementJson(const StockMovement& m, const engine::ShopState& state);
json FillsJson(const std::vector<engine::Fill>& fills);
json IdsJson(const std::vector<OrderId>& ids);
// `engine` gives queue positions for live orders; pass nullptr for orders read from history.
json OrderJson(const Order& order, const engine::Engine* engine, const engine::ShopState& state,
               const std::string& public_url);
json BackorderJson(const engine::QueueEntry& entry, const std::string& sku, const engine::ShopState& state);
// {p50, p90, basis, purchase_order_id} (purchase_order_id null unless basis is purchase_order).
json PromiseJson(const Promise& promise);
// A line's current promise, or null when it never waited.
json LinePromiseJson(LineId line, const engine::ShopState& state);
json AvailabilityJson(const std::string& sku, const engine::SkuState& s, const engine::Availability& a);
json PromiseSettingsJson(const engine::PromiseSettings& settings);
Result<engine::SetPromiseSettings> ParsePromiseSettings(std::string_view body, const engine::PromiseSettings& current,
                                                        const ParseContext& ctx);
json SupplierJson(const engine::SupplierState& supplier, bool with_terms);
json SupplierTermsJson(const SupplierTerms& terms);
json PurchaseOrderJson(const PurchaseOrder& po);
// GET /suppliers/{code}/reliability: learned from the supplier's closed purchase-order lines,
// shrunk towards its nominal lead time while history is thin (planning/reliability.h).
json ReliabilityJson(const engine::SupplierState& supplier);

// Customer notices (docs/notices.md).
Result<engine::SetNoticeSettings> ParseNoticeSettings(std::string_view body, const engine::NoticeSettings& current,
                                                      const ParseContext& ctx);
Result<engine::SetShipPolicy> ParseShipPolicyChange(OrderId order, std::string_view body, const ParseContext& ctx);
Result<engine::RunTimers> ParseRunTimers(std::string_view body, const ParseContext& ctx);
// True for a time zone the server knows (IANA name, e.g. Europe/Amsterdam).
bool ValidTimeZone(const std::string& name);

}  // namespace belofte::api
