// Property tests of the engine: thousands of random command sequences, with every invariant
// of DESIGN.md checked after each step, against oracles written independently of the engine.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "engine/engine.h"
#include "engine/invariants.h"
#include "planning/calendar.h"
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

// The promises of waiting lines (DESIGN, "The promise algorithm"), checked from the state alone:
// every waiting line has a promise; walking a SKU's queue in order, a line never has an earlier
// P50 or P90 than a line ahead of it (its cumulative demand, counted in backordered units, is
// larger); p50 <= p90; both are working days of the shop's calendar; and a promise resting on a
// purchase order names one that is still open supply for the SKU. Empty: all hold.
std::string PromiseViolations(const Engine& engine) {
  const ShopState& state = engine.state();
  const planning::WorkingCalendar calendar(state.promise_settings.calendar);
  std::string out;
  for (const auto& [code, sku] : state.skus) {
    std::optional<Promise> ahead;
    LineId ahead_line = 0;
    for (const QueueKey& key : sku.queue) {
      const std::string where = code + " line " + std::to_string(key.line);
      auto [order, line] = state.FindLine(key.line);
      if (!line || !line->backordered.positive()) {
        out += where + ": in the queue but not waiting\n";
        continue;
      }
      auto it = state.promises.find(key.line);
      if (it == state.promises.end()) {
        out += where + ": waiting without a promise\n";
        continue;
      }
      const Promise& p = it->second.current;
      const std::string dates = " (p50 " + p.p50.ToString() + ", p90 " + p.p90.ToString() + ")";
      if (p.p90 < p.p50) out += where + ": p90 before p50" + dates + "\n";
      if (!calendar.IsWorkingDay(p.p50) || !calendar.IsWorkingDay(p.p90)) {
        out += where + ": a date on a closed day" + dates + "\n";
      }
      if (ahead && (p.p50 < ahead->p50 || p.p90 < ahead->p90)) {
        out += where + ": earlier than line " + std::to_string(ahead_line) + " ahead of it" + dates + " vs (p50 " +
               ahead->p50.ToString() + ", p90 " + ahead->p90.ToString() + ")\n";
      }
      if (p.basis == PromiseBasis::kPurchaseOrder) {
        const PurchaseOrder* po = state.FindPurchaseOrder(p.purchase_order);
        const PurchaseOrderLine* l = po ? po->FindLine(code) : nullptr;
        if (!po || !po->IsSupply() || !l || !l->outstanding().positive()) {
          out += where + ": rests on purchase order " + std::to_string(p.purchase_order) + ", which is no open supply\n";
        }
      }
      ahead = p;
      ahead_line = key.line;
    }
  }
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
    // Lines cancelled by the command (a policy timer's or a second slip's automatic cancellation
    // passes the stock it frees on) left the queue unless they were filled first: the fills are a
    // prefix of what remained.
    std::set<LineId> cancelled;
    for (size_t i = events_before; i < events.size(); ++i) {
      if (const auto* c = std::get_if<LineCancelled>(&events[i].body)) cancelled.insert(c->line);
    }
    for (const auto& [sku, lines] : filled) {
      std::vector<LineId> q;
      for (LineId line : queues_before[sku]) {
        if (!cancelled.count(line) || std::find(lines.begin(), lines.end(), line) != lines.end()) q.push_back(line);
      }
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

// Runs `steps` and checks PromiseViolations after every one (accepted or rejected).
void CheckPromisesAfterEveryStep(const std::vector<Step>& steps) {
  Engine engine;
  std::vector<Event> events;
  for (const auto& c : Opening()) RC_ASSERT(engine.Execute(c, &events).ok());
  int64_t clock = 0;
  int waiting_promised = 0;
  for (const Step& step : steps) {
    Command command = Interpret(step, engine, clock);
    (void)engine.Execute(command, &events);
    if (std::string promises = PromiseViolations(engine); !promises.empty()) RC_FAIL(promises);
    for (const auto& [code, sku] : engine.state().skus) waiting_promised += static_cast<int>(sku.queue.size());
  }
  RC_TAG(waiting_promised > 0 ? "queues promised" : "no queues");
}

RC_GTEST_PROP(EngineProperty, PromisesOfWaitingLinesAreCompleteMonotoneAndOnWorkingDays, (std::vector<Step> steps)) {
  CheckPromisesAfterEveryStep(steps);
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

// What the notices of one sequence have been so far, for the checks that span commands.
struct NoticeHistory {
  std::map<OrderId, Instant> last_news;  // the last notice to the order, else its first promise
  std::map<OrderId, int> compensations;
  std::set<LineId> offered;  // customer lines offered cancellation
};

bool IsWaitingKind(NoticeKind kind) {
  return kind == NoticeKind::kBackordered || kind == NoticeKind::kPromiseChanged || kind == NoticeKind::kStillWaiting ||
         kind == NoticeKind::kCancelOffer || kind == NoticeKind::kCompensation;
}

// The notices (NoticeQueued) of one command, events[first..], checked against the policy
// (docs/notices.md, engine_notices.cc): `before` is the state before the command, `after` the
// state after it. Empty: all hold.
std::string NoticeViolations(const ShopState& before, const ShopState& after, const std::vector<Event>& events,
                             size_t first, NoticeHistory& history) {
  const NoticeSettings& settings = before.notice_settings;
  const bool follow_all = settings.On(NoticeKind::kOrderConfirmed);
  std::set<OrderId> first_promised;  // orders followed by this command (a line's first promise)
  std::string out;
  for (size_t i = first; i < events.size(); ++i) {
    if (const auto* p = std::get_if<LinePromised>(&events[i].body); p && !p->previous) {
      first_promised.insert(p->order);
      history.last_news.try_emplace(p->order, events[i].at);
    }
  }
  for (size_t i = first; i < events.size(); ++i) {
    const auto* n = std::get_if<NoticeQueued>(&events[i].body);
    if (!n) continue;
    const std::string where = "notice " + std::string(ToString(n->kind)) + " (event " + std::to_string(events[i].seq) +
                              ") for order " + std::to_string(n->order) + ": ";
    if (!settings.On(n->kind)) out += where + "its kind is disabled\n";
    if (!follow_all && !before.notices.count(n->order) && !first_promised.count(n->order)) {
      out += where + "the order is not followed\n";
    }
    if (n->kind == NoticeKind::kCompensation && ++history.compensations[n->order] > 1) {
      out += where + "a second compensation\n";
    }
    if (n->kind == NoticeKind::kStillWaiting) {
      auto last = history.last_news.find(n->order);
      if (settings.still_waiting_days <= 0) {
        out += where + "still_waiting is off (0 days)\n";
      } else if (last != history.last_news.end() && events[i].at < last->second.PlusDays(settings.still_waiting_days)) {
        out += where + "at " + events[i].at.ToString() + ", less than " + std::to_string(settings.still_waiting_days) +
               " days after the previous news (" + last->second.ToString() + ")\n";
      }
    }
    history.last_news[n->order] = events[i].at;
    if (n->lines.empty()) out += where + "no lines\n";
    const Order* order = after.FindOrder(n->order);
    if (!order) order = before.FindOrder(n->order);
    if (!order) {
      out += where + "an unknown order\n";
      continue;
    }
    for (const NoticeLine& l : n->lines) {
      const std::string line = where + "line " + std::to_string(l.line) + ": ";
      const bool bundle = order->FindBundle(l.line) != nullptr;
      const bool plain = std::any_of(order->lines.begin(), order->lines.end(),
                                     [&](const OrderLine& x) { return x.id == l.line && !x.is_component(); });
      if (!bundle && !plain) out += line + "not a customer line of the order\n";
      if (!l.quantity.positive()) out += line + "no units\n";
      if (IsWaitingKind(n->kind) && !l.promise) out += line + "waits without a promise\n";
      if (n->kind == NoticeKind::kPromiseChanged && (!l.previous_p90 || !l.promise || *l.previous_p90 == l.promise->p90)) {
        out += line + "a promise_changed without a changed P90\n";
      }
      if (n->kind == NoticeKind::kCancelOffer && !history.offered.insert(l.line).second) {
        out += line + "offered cancellation twice\n";
      }
    }
  }
  return out;
}

RC_GTEST_PROP(EngineProperty, NoticesFollowTheShopsPolicy, (std::vector<Step> steps)) {
  Engine engine;
  std::vector<Event> events;
  for (const auto& c : Opening()) RC_ASSERT(engine.Execute(c, &events).ok());
  int64_t clock = 0;
  NoticeHistory history;
  size_t notices = 0;
  for (const Step& step : steps) {
    Command command = Interpret(step, engine, clock);
    const ShopState before = engine.state();
    const size_t first = events.size();
    (void)engine.Execute(command, &events);
    if (std::string v = NoticeViolations(before, engine.state(), events, first, history); !v.empty()) {
      RC_FAIL(v);
    }
    for (size_t i = first; i < events.size(); ++i) notices += std::holds_alternative<NoticeQueued>(events[i].body);
  }
  RC_TAG(notices > 0 ? "notices" : "no notices");
}

}  // namespace
}  // namespace belofte::testing
