// Property tests of the engine: thousands of random command sequences, with every invariant
// of DESIGN.md checked after each step, against oracles written independently of the engine.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <map>

#include "engine/engine.h"
#include "engine/invariants.h"
#include "property/random_shop.h"

namespace belofte::testing {
namespace {

using namespace belofte::engine;

// The documented queue order, computed from scratch: manual priority (higher first), paid
// before unpaid, older placed_at first, then order and line ids.
std::vector<LineId> OracleQueue(const Engine& engine, const std::string& sku) {
  struct Waiting {
    int32_t priority;
    bool paid;
    Instant placed;
    OrderId order;
    LineId line;
  };
  std::vector<Waiting> w;
  for (const auto& [id, o] : engine.state().orders) {
    for (const auto& l : o.lines) {
      if (l.sku == sku && l.backordered.positive()) {
        w.push_back({l.priority, o.payment == Payment::kPaid, o.placed_at, o.id, l.id});
      }
    }
  }
  std::sort(w.begin(), w.end(), [](const Waiting& x, const Waiting& y) {
    if (x.priority != y.priority) return x.priority > y.priority;
    if (x.paid != y.paid) return x.paid;
    if (x.placed != y.placed) return x.placed < y.placed;
    if (x.order != y.order) return x.order < y.order;
    return x.line < y.line;
  });
  std::vector<LineId> out;
  for (const auto& x : w) out.push_back(x.line);
  return out;
}

std::vector<LineId> EngineQueue(const Engine& engine, const std::string& sku) {
  std::vector<LineId> out;
  for (const auto& e : engine.Queue(sku)) out.push_back(e.line);
  return out;
}

RC_GTEST_PROP(EngineProperty, InvariantsHoldAfterEveryStepAndRejectionsChangeNothing, (std::vector<Step> steps)) {
  Engine engine;
  std::vector<Event> events;
  for (const auto& c : Opening()) RC_ASSERT(engine.Execute(c, &events).ok());
  int64_t clock = 0;
  int accepted = 0;
  for (const Step& step : steps) {
    Command command = Interpret(step, engine, clock);
    ShopState before = engine.state();
    std::map<std::string, std::vector<LineId>> queues_before;
    for (const char* sku : {"A", "B", "C", "D"}) queues_before[sku] = EngineQueue(engine, sku);
    size_t events_before = events.size();

    auto result = engine.Execute(command, &events);

    auto violations = CheckInvariants(engine.state(), engine.rule());
    RC_ASSERT(violations.empty());
    if (!result.ok()) {
      // Invariant 5: a rejected command changed nothing.
      RC_ASSERT(events.size() == events_before);
      RC_ASSERT(DiffStates(before, engine.state()).empty());
      continue;
    }
    ++accepted;
    for (const char* sku : {"A", "B", "C", "D"}) RC_ASSERT(EngineQueue(engine, sku) == OracleQueue(engine, sku));
    // Invariant 4: fills take the queue in order — the filled lines of a SKU are a prefix of
    // its queue before the command, and only the last of them may be filled partly.
    std::map<std::string, std::vector<LineId>> filled;
    for (const auto& f : result->filled) {
      auto& v = filled[f.sku];
      if (v.empty() || v.back() != f.line) v.push_back(f.line);
    }
    for (const auto& [sku, lines] : filled) {
      const auto& q = queues_before[sku];
      // Lines that joined the queue during this command (returned allocations) may also be
      // filled; check the prefix property for commands that only add stock.
      if (std::holds_alternative<ReceiveStock>(command) || std::holds_alternative<TransferStock>(command) ||
          std::holds_alternative<ReceivePurchaseOrder>(command)) {
        RC_ASSERT(lines.size() <= q.size());
        RC_ASSERT(std::equal(lines.begin(), lines.end(), q.begin()));
      }
    }
    // Idempotency (invariant 6): a repeated external order answers with the existing one.
    if (const auto* o = std::get_if<PlaceOrder>(&command); o && !result->created) {
      RC_ASSERT(engine.state().order_by_external.at(ExternalKey(o->channel, o->external_id)) == result->order);
      RC_ASSERT(events.size() == events_before);
    }
  }
  RC_TAG(accepted > 20 ? "busy" : "quiet");

  // Replay: the event log alone rebuilds exactly the same state.
  Engine replayed;
  for (const auto& e : events) replayed.Apply(e);
  RC_ASSERT(DiffStates(engine.state(), replayed.state()).empty());
}

RC_GTEST_PROP(EngineProperty, OrdersNeverExceedWhatPolicyAllows, (std::vector<Step> steps)) {
  Engine engine;
  std::vector<Event> events;
  for (const auto& c : Opening()) RC_ASSERT(engine.Execute(c, &events).ok());
  int64_t clock = 0;
  for (const Step& step : steps) {
    Command command = Interpret(step, engine, clock);
    auto result = engine.Execute(command, &events);
    for (const auto& [code, sku] : engine.state().skus) {
      const auto& policy = sku.product.backorder;
      // A SKU's policy governs its own lines; a bundle's, its backordered bundle units (component
      // lines wait under their bundle's policy, docs/bundles.md).
      Quantity governed = sku.product.is_bundle() ? DeriveBundleStock(engine.state(), sku).backordered
                                                  : sku.own_backordered();
      if (!policy.allows_backorders()) RC_ASSERT(governed == kNoUnits);
      if (policy.max_units) RC_ASSERT(governed <= *policy.max_units);
      for (const auto& level : sku.levels) {
        RC_ASSERT(level.allocated <= level.on_hand);
        RC_ASSERT(level.allocated >= kNoUnits);
        RC_ASSERT(level.on_hand >= kNoUnits);
      }
    }
    if (!result.ok()) {
      // Every rejection explains itself with a code and a message.
      RC_ASSERT(!result.error().code.empty());
      RC_ASSERT(!result.error().message.empty());
    }
  }
}

}  // namespace
}  // namespace belofte::testing
