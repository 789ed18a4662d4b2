// request_fuzzer — libFuzzer target for the API's request parsing and validation.
//
// Input: one selector byte (which endpoint's parser) and the request body. Whatever the bytes:
// no crash, no sanitizer report, every rejection is a problem document that is valid JSON
// with a code, and an accepted request applied to a small shop keeps every invariant (and a
// rejected command changes nothing). Promise settings (selector 10) are parsed against the
// shop's current settings; once applied, the product-page question is asked of both products
// for a few quantities and must answer p50 <= p90 on working days of the (fuzzed) calendar.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string_view>

#include "api/codec.h"
#include "api/problem.h"
#include "engine/engine.h"
#include "engine/invariants.h"

using namespace belofte;

namespace {

constexpr int kInputsPerShop = 5000;  // a fresh shop now and then bounds memory

std::unique_ptr<engine::Engine> NewShop() {
  auto e = std::make_unique<engine::Engine>();
  {
    std::vector<engine::Event> events;
    for (const char* sku : {"FZ-1", "FZ-2"}) {
      Product p;
      p.sku = sku;
      p.name = sku;
      p.price = Money(1000, "EUR");
      p.backorder.kind = sku[3] == '1' ? BackorderPolicyKind::kAllow : BackorderPolicyKind::kDeny;
      (void)e->Execute(engine::UpsertProduct{p, Instant::FromSeconds(1'767'600'000)}, &events);
      (void)e->Execute(engine::ReceiveStock{sku, "main", Quantity(5), "seed", Instant::FromSeconds(1'767'600'000)},
                       &events);
    }
  }
  return e;
}

engine::Engine& Shop() {
  static std::unique_ptr<engine::Engine> shop;
  static int inputs = 0;
  if (!shop || ++inputs % kInputsPerShop == 0) shop = NewShop();
  return *shop;
}

void CheckProblem(const Error& e) {
  auto j = nlohmann::json::parse(api::ProblemJson(e), nullptr, false);
  if (j.is_discarded() || !j.contains("code") || j["code"] != e.code || j["status"] != api::StatusOf(e)) __builtin_trap();
}

template <typename T>
void Apply(Result<T> parsed) {
  if (!parsed.ok()) {
    CheckProblem(parsed.error());
    return;
  }
  engine::Engine& shop = Shop();
  engine::ShopState before = shop.state();
  std::vector<engine::Event> events;
  auto r = shop.Execute(engine::Command(std::move(parsed.value())), &events);
  if (!r.ok()) {
    CheckProblem(r.error());
    if (!events.empty() || !engine::DiffStates(before, shop.state()).empty()) __builtin_trap();
  }
  if (!engine::CheckInvariants(shop.state(), shop.rule()).empty()) __builtin_trap();
}

// The availability answer under the shop's (possibly fuzzed) settings: whatever they are, the
// walk terminates, P50 is not after P90, and both fall on working days.
void CheckAvailability() {
  const engine::Engine& shop = Shop();
  const Date today = Instant::FromSeconds(1'767'700'000).date();
  for (const char* code : {"FZ-1", "FZ-2"}) {
    const engine::SkuState* sku = shop.state().FindSku(code);
    if (!sku) continue;
    for (int64_t q : {1, 5, 6, 1000}) {
      engine::Availability a = shop.promiser().Available(*sku, Quantity(q), today);
      if (!a.ships) __builtin_trap();
      if (a.ships->p90 < a.ships->p50 || a.ships->p50 < today) __builtin_trap();
      const auto& calendar = shop.promiser().calendar();
      if (!calendar.IsWorkingDay(a.ships->p50) || !calendar.IsWorkingDay(a.ships->p90)) __builtin_trap();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  api::ParseContext ctx;
  ctx.now = Instant::FromSeconds(1'767'700'000);
  ctx.price = [](const std::string&) { return std::optional<Money>(Money(1000, "EUR")); };
  switch (data[0] % 14) {
    case 0: Apply(api::ParseOrder(body, ctx)); break;
    case 1: Apply(api::ParseProduct("FZ-3", body, ctx)); break;
    case 2: Apply(api::ParseAdjustment(body, ctx)); break;
    case 3: Apply(api::ParseCount(body, ctx)); break;
    case 4: Apply(api::ParseReceipt(body, ctx)); break;
    case 5: Apply(api::ParsePayment(1, body, ctx)); break;
    case 6: Apply(api::ParseCancel(1, body, ctx)); break;
    case 7: Apply(api::ParseShipment(1, body, ctx)); break;
    case 8: Apply(api::ParsePriority(1, body, ctx)); break;
    case 9: Apply(api::ParseLocation("fz-loc", body, ctx)); break;
    case 10: Apply(api::ParseNoticeSettings(body, Shop().state().notice_settings, ctx)); break;
    case 11: Apply(api::ParseRunTimers(body, ctx)); break;
    case 12: Apply(api::ParseShipPolicyChange(1, body, ctx)); break;
    default:
      Apply(api::ParsePromiseSettings(body, Shop().state().promise_settings, ctx));
      CheckAvailability();
      break;
  }
  return 0;
}
