// request_fuzzer — libFuzzer target for the API's request parsing and validation.
//
// Input: one selector byte (which endpoint's parser) and the request body. Whatever the bytes:
// no crash, no sanitizer report, every rejection is a problem document that is valid JSON
// with a code, and an accepted request applied to a small shop keeps every invariant (and a
// rejected command changes nothing).
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  api::ParseContext ctx;
  ctx.now = Instant::FromSeconds(1'767'700'000);
  ctx.price = [](const std::string&) { return std::optional<Money>(Money(1000, "EUR")); };
  switch (data[0] % 10) {
    case 0: Apply(api::ParseOrder(body, ctx)); break;
    case 1: Apply(api::ParseProduct("FZ-3", body, ctx)); break;
    case 2: Apply(api::ParseAdjustment(body, ctx)); break;
    case 3: Apply(api::ParseCount(body, ctx)); break;
    case 4: Apply(api::ParseReceipt(body, ctx)); break;
    case 5: Apply(api::ParsePayment(1, body, ctx)); break;
    case 6: Apply(api::ParseCancel(1, body, ctx)); break;
    case 7: Apply(api::ParseShipment(1, body, ctx)); break;
    case 8: Apply(api::ParsePriority(1, body, ctx)); break;
    default: Apply(api::ParseLocation("fz-loc", body, ctx)); break;
  }
  return 0;
}
