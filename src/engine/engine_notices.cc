// engine_notices.cc — keeping customers informed: which notices a command causes, the policy
// timers (RunTimers), and the customer's own choices (ship policy, keep waiting). See
// docs/notices.md. Notices are events (NoticeQueued): the store writes them to the outbox in
// the same transaction as their cause; the notify adapter delivers them.
//
// An order is *followed* once one of its lines waited (its first promise): followed orders hear
// about promises, readiness, shipments and cancellations. With order_confirmed on, every order is
// confirmed and followed. Pure: time comes from the command.
#include <algorithm>
#include <map>
#include <set>

#include "engine/engine.h"
#include "engine/execution.h"

namespace belofte::engine {

namespace {

// Per order, what one command did that a customer hears about.
struct OrderNews {
  bool placed = false;
  bool filled = false;
  std::vector<LineId> given;  // lines that started waiting (first promise, or allocation returned)
  std::map<LineId, std::optional<Date>> changed;  // told changes: the P90 told before
  std::map<LineId, Quantity> shipped;
  std::map<LineId, Quantity> cancelled;
  std::string cancel_reason;
};

// Customer-facing reason of a cancellation (the engine's reasons are free text from the shop).
std::string CancelReason(const std::string& reason) {
  for (const char* known : {"customer", "max_wait", "second_slip", "refunded", "unpaid"}) {
    if (reason == known) return reason;
  }
  return "shop";
}

}  // namespace

NoticeQueued Engine::MakeNotice(const Order& order, NoticeKind kind) const {
  NoticeQueued n;
  n.order = order.id;
  n.kind = kind;
  n.to = order.customer.email;
  n.name = order.customer.name;
  n.language = order.customer.language;
  n.channel = order.channel;
  n.external_id = order.external_id;
  n.status_token = order.status_token;
  return n;
}

namespace {

const std::string& ProductName(const ShopState& state, const std::string& sku) {
  const SkuState* s = state.FindSku(sku);
  return s && !s->product.name.empty() ? s->product.name : sku;
}

// Notice lines for the units `per_line` names, customer lines only: a bundle's component units
// become whole bundle units (the fewest over its components).
std::vector<NoticeLine> CustomerLines(const ShopState& state, const Order& order,
                                      const std::map<LineId, Quantity>& per_line) {
  std::vector<NoticeLine> out;
  std::map<LineId, Quantity> bundles;  // bundle line -> whole units
  std::set<LineId> seen;
  for (const auto& line : order.lines) {
    auto it = per_line.find(line.id);
    if (!line.is_component()) {
      if (it == per_line.end() || !it->second.positive()) continue;
      out.push_back(NoticeLine{line.id, line.sku, ProductName(state, line.sku), line.quantity, it->second,
                               std::nullopt, std::nullopt});
      continue;
    }
    const Quantity units(it == per_line.end() ? 0 : it->second.units() / std::max<int64_t>(1, line.per_bundle));
    auto [b, fresh] = bundles.try_emplace(line.bundle_line, units);
    if (!fresh) b->second = Min(b->second, units);
  }
  for (const auto& [id, units] : bundles) {
    if (!units.positive()) continue;
    const BundleLine* bundle = order.FindBundle(id);
    out.push_back(NoticeLine{id, bundle->sku, ProductName(state, bundle->sku), bundle->quantity, units, std::nullopt,
                             std::nullopt});
  }
  return out;
}

bool Waits(const Order& order) {
  return std::any_of(order.lines.begin(), order.lines.end(), [](const OrderLine& l) { return l.backordered.positive(); });
}

}  // namespace

std::vector<NoticeLine> Engine::WaitingNoticeLines(const Order& order) const {
  std::vector<NoticeLine> out;
  for (const auto& line : order.lines) {
    if (line.is_component() || !line.backordered.positive()) continue;
    const LinePromises* p = WaitingPromises(state_, line.id);
    out.push_back(NoticeLine{line.id, line.sku, ProductName(state_, line.sku), line.quantity, line.backordered,
                             p ? std::optional<Promise>(p->current) : std::nullopt, std::nullopt});
  }
  for (const auto& bundle : order.bundles) {
    const LineSplit split = BundleSplit(order, bundle);
    if (!split.backordered.positive()) continue;
    out.push_back(NoticeLine{bundle.id, bundle.sku, ProductName(state_, bundle.sku), bundle.quantity, split.backordered,
                             BundlePromise(state_, order, bundle), std::nullopt});
  }
  return out;
}

bool Engine::ApplySlipPolicy(Execution& x) {
  const NoticeSettings& settings = state_.notice_settings;
  if (settings.second_slip_action == OverdueAction::kNone) return false;
  std::map<OrderId, std::vector<LineId>> slipped;
  for (size_t i = 0; i < x.events().size(); ++i) {
    const auto* p = std::get_if<LinePromised>(&x.events()[i].body);
    if (!p || !p->notify) continue;
    auto it = state_.promises.find(p->line);
    if (it == state_.promises.end() || it->second.slips < 2) continue;
    slipped[p->order].push_back(p->line);
  }
  bool cancelled = false;
  for (auto& [id, lines] : slipped) {
    const Order* order = state_.FindOrder(id);
    if (!order) continue;
    std::sort(lines.begin(), lines.end());
    lines.erase(std::unique(lines.begin(), lines.end()), lines.end());
    cancelled |= settings.second_slip_action == OverdueAction::kCancel;
    ActOnOverdue(x, *order, lines, settings.second_slip_action, "second_slip");
  }
  return cancelled;
}

void Engine::ActOnOverdue(Execution& x, const Order& order, const std::vector<LineId>& lines, OverdueAction action,
                          const char* reason) {
  auto n = state_.notices.find(order.id);
  if (n == state_.notices.end() || n->second.wait_accepted || action == OverdueAction::kNone) return;
  // Component lines act through their bundle: a bundle is offered and cancelled in whole units.
  std::set<LineId> customer_lines;
  for (LineId id : lines) {
    const OrderLine* line = state_.FindLine(id).second;
    if (!line || !line->backordered.positive()) continue;
    const LineId customer_line = line->is_component() ? line->bundle_line : line->id;
    if (std::find(n->second.offered.begin(), n->second.offered.end(), customer_line) != n->second.offered.end() &&
        action == OverdueAction::kOffer) {
      continue;  // offered once already
    }
    customer_lines.insert(customer_line);
  }
  if (customer_lines.empty()) return;
  if (action == OverdueAction::kOffer) {
    if (!state_.notice_settings.On(NoticeKind::kCancelOffer)) return;  // an offer not sent is not made
    NoticeQueued notice = MakeNotice(order, NoticeKind::kCancelOffer);
    notice.reason = reason;
    for (NoticeLine& l : WaitingNoticeLines(order)) {
      if (customer_lines.count(l.line)) notice.lines.push_back(std::move(l));
    }
    x.Emit(std::move(notice));
    return;
  }
  // The waiting part only, bundles in whole units, freed stock to the next in line: a cancel of
  // the waiting part, as the customer's own from the status page.
  CancelOrder cancel{order.id, {}, reason, x.at(), /*waiting_only=*/true};
  for (LineId id : customer_lines) {
    const BundleLine* bundle = order.FindBundle(id);
    cancel.lines.push_back(LineQuantity{id, bundle ? bundle->quantity : state_.FindLine(id).second->quantity});
  }
  (void)Do(cancel, x);  // valid by construction: lines of the order, reason a known word
}

void Engine::CheckCompensation(Execution& x, const Order& order) {
  const NoticeSettings& settings = state_.notice_settings;
  if (settings.compensation_after_days <= 0 || !settings.On(NoticeKind::kCompensation)) return;
  auto n = state_.notices.find(order.id);
  if (n == state_.notices.end() || n->second.compensated || n->second.promised_by == Date()) return;
  // Late: the current promise, or today, passed the date first promised by the threshold.
  Date latest = x.at().date();
  bool waits = false;
  for (const auto& line : order.lines) {
    const LinePromises* p = WaitingPromises(state_, line.id);
    if (!p) continue;
    waits = true;
    latest = std::max(latest, p->current.p90);
  }
  if (!waits || latest.days() - n->second.promised_by.days() < settings.compensation_after_days) return;
  NoticeQueued notice = MakeNotice(order, NoticeKind::kCompensation);
  notice.lines = WaitingNoticeLines(order);
  notice.voucher_code = settings.voucher_code;
  notice.percent = settings.compensation_percent;
  x.Emit(std::move(notice));
}

void Engine::QueueNotices(Execution& x) {
  const NoticeSettings& settings = state_.notice_settings;
  const bool follow_all = settings.On(NoticeKind::kOrderConfirmed);
  std::map<OrderId, OrderNews> news;
  const size_t count = x.events().size();
  for (size_t i = 0; i < count; ++i) {
    std::visit(
        [&](const auto& e) {
          using T = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<T, OrderPlaced>) {
            news[e.order.id].placed = true;
          } else if constexpr (std::is_same_v<T, LinePromised>) {
            if (!e.previous) {
              news[e.order].given.push_back(e.line);
            } else if (e.notify) {
              // Several told changes in one command: the customer hears old -> newest.
              news[e.order].changed.try_emplace(e.line, e.previous->p90);
            }
          } else if constexpr (std::is_same_v<T, AllocationReturned>) {
            news[e.order].given.push_back(e.line);  // waits again (a line promised before is not "given")
          } else if constexpr (std::is_same_v<T, BackorderFilled>) {
            news[e.order].filled = true;
          } else if constexpr (std::is_same_v<T, LineShipped>) {
            news[e.order].shipped[e.line] += e.quantity;
          } else if constexpr (std::is_same_v<T, LineCancelled>) {
            OrderNews& n = news[e.order];
            n.cancelled[e.line] += e.from_backordered;
            for (const auto& a : e.from_allocations) n.cancelled[e.line] += a.quantity;
            n.cancel_reason = CancelReason(e.reason);
          }
        },
        x.events()[i].body);
  }
  for (auto& entry : news) {
    const OrderId id = entry.first;
    OrderNews& n = entry.second;  // a plain reference: lambdas below capture it
    const Order* order = state_.FindOrder(id);
    if (!order) continue;
    const bool followed = state_.notices.count(id) > 0 || follow_all;
    if (!followed) continue;
    const auto queue = [&](NoticeQueued notice) {
      if (settings.On(notice.kind)) x.Emit(std::move(notice));
    };
    // A customer line (or one of a bundle's components) started waiting in this command.
    const auto started_waiting = [&](LineId customer_line) {
      return std::any_of(order->lines.begin(), order->lines.end(), [&](const OrderLine& line) {
        return (line.id == customer_line || line.bundle_line == customer_line) &&
               std::find(n.given.begin(), n.given.end(), line.id) != n.given.end();
      });
    };
    if (!n.cancelled.empty()) {
      NoticeQueued notice = MakeNotice(*order, NoticeKind::kCancelled);
      notice.lines = CustomerLines(state_, *order, n.cancelled);
      notice.reason = n.cancel_reason;
      if (!notice.lines.empty()) queue(std::move(notice));
    }
    if (!n.shipped.empty()) {
      NoticeQueued notice = MakeNotice(*order, NoticeKind::kShipped);
      notice.lines = CustomerLines(state_, *order, n.shipped);
      notice.partial = std::any_of(order->lines.begin(), order->lines.end(),
                                   [](const OrderLine& l) { return l.remaining().positive(); });
      if (!notice.lines.empty()) queue(std::move(notice));
    }
    if (n.placed) {
      if (Waits(*order)) {
        NoticeQueued notice = MakeNotice(*order, NoticeKind::kBackordered);
        notice.lines = WaitingNoticeLines(*order);
        queue(std::move(notice));
      } else if (follow_all) {
        std::map<LineId, Quantity> all;
        for (const auto& l : order->lines) all[l.id] = l.quantity;
        NoticeQueued notice = MakeNotice(*order, NoticeKind::kOrderConfirmed);
        notice.lines = CustomerLines(state_, *order, all);
        queue(std::move(notice));
      }
    } else if (!n.given.empty()) {
      // Lines of an existing order started waiting (stock lost, an unpaid allocation released).
      NoticeQueued notice = MakeNotice(*order, NoticeKind::kBackordered);
      for (NoticeLine& l : WaitingNoticeLines(*order)) {
        if (started_waiting(l.line)) notice.lines.push_back(std::move(l));
      }
      if (!notice.lines.empty()) queue(std::move(notice));
    }
    if (!n.changed.empty() && !n.placed) {
      NoticeQueued notice = MakeNotice(*order, NoticeKind::kPromiseChanged);
      for (NoticeLine& l : WaitingNoticeLines(*order)) {
        // The customer line's told P90 before: its own, or its latest changed component's.
        std::optional<Date> before;
        for (const auto& line : order->lines) {
          if (line.id != l.line && line.bundle_line != l.line) continue;
          auto c = n.changed.find(line.id);
          if (c != n.changed.end() && c->second && (!before || *c->second > *before)) before = c->second;
        }
        if (!before || !l.promise || *before == l.promise->p90) continue;
        if (started_waiting(l.line)) continue;  // told in the backordered notice
        l.previous_p90 = before;
        notice.lines.push_back(std::move(l));
      }
      if (!notice.lines.empty()) queue(std::move(notice));
    }
    if (n.filled && !n.placed && !Waits(*order)) {
      std::map<LineId, Quantity> ready;
      for (const auto& l : order->lines) ready[l.id] = l.allocated();
      NoticeQueued notice = MakeNotice(*order, NoticeKind::kReady);
      notice.lines = CustomerLines(state_, *order, ready);
      if (!notice.lines.empty()) queue(std::move(notice));
    }
    if (!n.changed.empty()) CheckCompensation(x, *order);
  }
}

// ---------------------------------------------------------------------------------------------
// The customer's choices and the shop's settings

Result<Outcome> Engine::Do(const SetShipPolicy& c, Execution& x) {
  const Order* order = state_.FindOrder(c.order);
  if (!order) return Error::NotFound("unknown_order", "No open order with id " + std::to_string(c.order) + ".")
        .With("order_id", std::to_string(c.order));
  if (c.by != "customer" && c.by != "shop") {
    return Error::Invalid("invalid_actor", "'by' is customer or shop.", "by");
  }
  Outcome out;
  out.order = c.order;
  if (order->ship_policy != c.ship_policy) x.Emit(ShipPolicyChanged{c.order, c.ship_policy, c.by});
  return out;
}

Result<Outcome> Engine::Do(const AcceptWait& c, Execution& x) {
  const Order* order = state_.FindOrder(c.order);
  if (!order) return Error::NotFound("unknown_order", "No open order with id " + std::to_string(c.order) + ".")
        .With("order_id", std::to_string(c.order));
  if (!Waits(*order)) {
    return Error::Conflict("nothing_waiting", "Nothing in this order is waiting.").With("order_id", std::to_string(c.order));
  }
  Outcome out;
  out.order = c.order;
  auto n = state_.notices.find(c.order);
  if (n == state_.notices.end() || !n->second.wait_accepted) x.Emit(WaitAccepted{c.order});
  return out;
}

Result<Outcome> Engine::Do(const SetNoticeSettings& c, Execution& x) {
  const NoticeSettings& s = c.settings;
  const auto range = [](int32_t v, int32_t lo, int32_t hi, const char* field, const char* what) -> std::optional<Error> {
    if (v < lo || v > hi) {
      return Error::Invalid("invalid_setting", std::string(what) + " must be between " + std::to_string(lo) + " and " +
                                                   std::to_string(hi) + ".",
                            field)
          .With("value", std::to_string(v));
    }
    return std::nullopt;
  };
  for (auto e : {range(s.still_waiting_days, 0, 365, "still_waiting_days", "still_waiting_days"),
                 range(s.unpaid_release_hours, 0, 24 * 90, "unpaid_release_hours", "unpaid_release_hours"),
                 range(s.compensation_after_days, 0, 365, "compensation.after_days", "compensation.after_days"),
                 range(s.compensation_percent, 0, 100, "compensation.percent", "compensation.percent"),
                 range(s.quiet_start_minute, 0, 24 * 60 - 1, "quiet_hours.start", "quiet_hours.start"),
                 range(s.quiet_end_minute, 0, 24 * 60 - 1, "quiet_hours.end", "quiet_hours.end")}) {
    if (e) return std::move(*e);
  }
  if (s.voucher_code.size() > 64 ||
      std::any_of(s.voucher_code.begin(), s.voucher_code.end(), [](char ch) { return static_cast<unsigned char>(ch) < 0x21; })) {
    return Error::Invalid("invalid_setting", "A voucher code is at most 64 characters without spaces.",
                          "compensation.voucher_code");
  }
  if (s.compensation_after_days > 0 && s.voucher_code.empty() && s.compensation_percent == 0) {
    return Error::Invalid("invalid_setting", "Compensation needs a voucher code or a percentage.", "compensation");
  }
  Outcome out;
  if (!(s == state_.notice_settings)) x.Emit(NoticeSettingsChanged{s});
  return out;
}

// ---------------------------------------------------------------------------------------------
// Policy timers

Result<Outcome> Engine::Do(const RunTimers& c, Execution& x) {
  const NoticeSettings& settings = state_.notice_settings;
  // Ids first: acting emits events that change the orders and the notice state.
  std::vector<OrderId> followed;
  followed.reserve(state_.notices.size());
  for (const auto& [id, n] : state_.notices) followed.push_back(id);
  std::sort(followed.begin(), followed.end());  // deterministic order of the events
  for (OrderId id : followed) {
    const Order* order = state_.FindOrder(id);
    if (!order || !Waits(*order)) continue;
    // Waited longer than the product allows (counted from placed_at, like intake does).
    std::vector<LineId> overdue;
    for (const auto& line : order->lines) {
      if (!line.backordered.positive()) continue;
      const SkuState* sku = state_.FindSku(line.is_component() ? order->FindBundle(line.bundle_line)->sku : line.sku);
      const auto& max_wait = sku->product.backorder.max_wait_days;
      if (max_wait && *max_wait > 0 && order->placed_at.PlusDays(*max_wait) <= c.at) overdue.push_back(line.id);
    }
    if (!overdue.empty()) ActOnOverdue(x, *order, overdue, settings.max_wait_action, "max_wait");
    order = state_.FindOrder(id);
    if (!order || !Waits(*order)) continue;
    const OrderNotices& n = state_.notices.at(id);
    if (settings.still_waiting_days > 0 && n.last_news.PlusDays(settings.still_waiting_days) <= c.at &&
        settings.On(NoticeKind::kStillWaiting)) {
      NoticeQueued notice = MakeNotice(*order, NoticeKind::kStillWaiting);
      notice.lines = WaitingNoticeLines(*order);
      x.Emit(std::move(notice));
    }
    CheckCompensation(x, *order);
  }
  ReleaseUnpaid(x);
  return Outcome{};
}

void Engine::ReleaseUnpaid(Execution& x) {
  const int32_t hours = state_.notice_settings.unpaid_release_hours;
  if (hours <= 0) return;
  const Instant due = x.at().PlusSeconds(-int64_t{hours} * 3600);
  std::vector<OrderId> overdue;
  for (const auto& [id, order] : state_.orders) {
    if (order.payment != Payment::kUnpaid || order.placed_at > due) continue;
    if (std::any_of(order.lines.begin(), order.lines.end(), [](const OrderLine& l) { return !l.allocations.empty(); })) {
      overdue.push_back(id);
    }
  }
  std::sort(overdue.begin(), overdue.end());
  for (OrderId id : overdue) {
    const Order& order = *state_.FindOrder(id);
    for (const auto& line : order.lines) {
      // Only where a paid line waits for the same SKU: otherwise the stock would come straight back.
      const SkuState& sku = state_.skus.at(line.sku);
      if (line.allocations.empty() || sku.queue.empty()) continue;
      if (state_.FindOrder(sku.queue.begin()->order)->payment != Payment::kPaid) continue;
      // The released units wait again, and must do so within policy and cap. Among plain lines
      // the units only change hands (the SKU's waiting total stays); a bundle's waiting units
      // would grow: not when a component line waits in the queue, nor for a component of a
      // bundle that may not wait without limit (deny, or a cap).
      if (sku.bundle_backordered.positive()) continue;  // a component line waits in the queue
      if (line.is_component() && order.FindBundle(line.bundle_line) &&
          state_.skus.at(order.FindBundle(line.bundle_line)->sku).product.backorder.Headroom(kNoUnits)) {
        continue;
      }
      const std::vector<Allocation> allocations = line.allocations;
      for (const auto& a : allocations) {
        x.Emit(AllocationReturned{id, line.id, line.sku, a.location, a.quantity});
        FillQueue(x, line.sku, a.location);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Apply

void Engine::On(const NoticeQueued& e) {
  auto [it, fresh] = state_.notices.try_emplace(e.order);
  OrderNotices& n = it->second;
  n.last_news = applying_at_;
  if (e.kind == NoticeKind::kCompensation) n.compensated = true;
  if (e.kind == NoticeKind::kCancelOffer) {
    for (const auto& l : e.lines) n.offered.push_back(l.line);
  }
}

void Engine::On(const ShipPolicyChanged& e) { MutableOrder(e.order).ship_policy = e.ship_policy; }

void Engine::On(const WaitAccepted& e) { state_.notices[e.order].wait_accepted = true; }

void Engine::On(const NoticeSettingsChanged& e) { state_.notice_settings = e.settings; }

}  // namespace belofte::engine
