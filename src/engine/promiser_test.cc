// Promises in the engine: every waiting line is promised when it starts waiting, and re-promised
// when supply, the queue or the settings move; promise_changed only past the threshold from what
// the customer was told, promise_revised below it; supplier history shifts the dates.
// Day 0 is Monday 2026-01-05 (no holidays within the dates used); the shop defaults apply: lead
// time 14 days when no supplier sells the SKU, 1 handling day, weekends and Dutch holidays closed.
#include <gtest/gtest.h>

#include "engine/engine.h"
#include "engine/invariants.h"
#include "support/commands.h"

namespace belofte::engine {
namespace {

using belofte::testing::MakeOrderCmd;
using belofte::testing::MakeProductCmd;
using belofte::testing::T;

Instant Day(int d) { return T(int64_t{86'400} * d); }
Date D(int m, int d) { return Date::FromYmd(2026, m, d); }

class PromiserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Ok(MakeProductCmd("A", BackorderPolicyKind::kAllow));
    Ok(UpsertSupplier{Supplier{"acme", "Acme", "", 10, std::nullopt}, T(0)});
  }
  Outcome Ok(Command c) {
    events_.clear();
    auto r = engine_.Execute(c, &events_);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().code + ": " + r.error().message);
    auto violations = CheckInvariants(engine_.state(), engine_.rule());
    EXPECT_TRUE(violations.empty()) << (violations.empty() ? "" : violations[0]);
    return r.ok() ? std::move(r.value()) : Outcome{};
  }
  LineId FirstLine(OrderId order) { return engine_.state().FindOrder(order)->lines.at(0).id; }
  const LinePromises& Promises(LineId line) { return engine_.state().promises.at(line); }
  std::vector<std::string> PromiseEvents() {
    std::vector<std::string> out;
    for (const auto& e : events_) {
      if (std::holds_alternative<LinePromised>(e.body)) out.emplace_back(EventType(e.body));
    }
    return out;
  }
  PurchaseOrderId SentPo(int64_t units, Date expected, Instant at) {
    PurchaseOrderId id = Ok(CreatePurchaseOrder{"acme", {{"A", Quantity(units), expected}}, at}).purchase_order;
    Ok(SendPurchaseOrder{id, at});
    return id;
  }

  Engine engine_;
  std::vector<Event> events_;
};

TEST_F(PromiserTest, AWaitingLineIsPromisedTheDefaultLeadTimeWhenNothingIsBought) {
  OrderId o = Ok(MakeOrderCmd("web", "1", {{"A", 3}})).order;
  EXPECT_EQ(PromiseEvents(), std::vector<std::string>{"promise_given"});
  const LinePromises& p = Promises(FirstLine(o));
  // 01-05 + 14 days = Mon 01-19, + 1 handling day = Tue 01-20.
  EXPECT_EQ(p.current.p50, D(1, 20));
  EXPECT_EQ(p.current.p90, D(1, 20));
  EXPECT_EQ(p.current.basis, PromiseBasis::kLeadTime);
  EXPECT_EQ(p.given, p.current);
}

TEST_F(PromiserTest, ASentPurchaseOrderBringsThePromiseCloserAndTheCustomerIsTold) {
  OrderId o = Ok(MakeOrderCmd("web", "1", {{"A", 3}})).order;
  PurchaseOrderId po = SentPo(5, D(1, 12), Day(0));
  EXPECT_EQ(PromiseEvents(), std::vector<std::string>{"promise_changed"});  // 01-20 -> 01-13: 5 working days
  const LinePromises& p = Promises(FirstLine(o));
  EXPECT_EQ(p.current.p50, D(1, 13));
  EXPECT_EQ(p.current.p90, D(1, 13));
  EXPECT_EQ(p.current.basis, PromiseBasis::kPurchaseOrder);
  EXPECT_EQ(p.current.purchase_order, po);
  EXPECT_EQ(p.given, p.current);

  // One day later is a revision: shown, not told (threshold 2 working days).
  Ok(MovePurchaseOrderDate{po, D(1, 13), {}, Day(1)});
  EXPECT_EQ(PromiseEvents(), std::vector<std::string>{"promise_revised"});
  EXPECT_EQ(Promises(FirstLine(o)).current.p90, D(1, 14));
  EXPECT_EQ(Promises(FirstLine(o)).given.p90, D(1, 13));
  // Two more days: 3 working days from what the customer was told: changed.
  Ok(MovePurchaseOrderDate{po, D(1, 15), {}, Day(1)});
  EXPECT_EQ(PromiseEvents(), std::vector<std::string>{"promise_changed"});
  EXPECT_EQ(Promises(FirstLine(o)).given.p90, D(1, 16));
}

TEST_F(PromiserTest, DemandBeyondThePurchaseOrderRestsOnTheLeadTimeAndPriorityMovesIt) {
  OrderId first = Ok(MakeOrderCmd("web", "1", {{"A", 3}}, Payment::kPaid, 0)).order;
  SentPo(5, D(1, 12), Day(0));
  OrderId second = Ok(MakeOrderCmd("web", "2", {{"A", 4}}, Payment::kPaid, 10)).order;
  EXPECT_EQ(Promises(FirstLine(first)).current.basis, PromiseBasis::kPurchaseOrder);
  // 3 + 4 = 7 > 5: the second line's last units are not bought yet. Supplier acme's nominal lead
  // time is 10 days, but A has no terms: the shop's default lead time applies.
  EXPECT_EQ(Promises(FirstLine(second)).current.basis, PromiseBasis::kLeadTime);
  EXPECT_EQ(Promises(FirstLine(second)).current.p90, D(1, 20));

  Ok(SetLinePriority{FirstLine(second), 10, Day(0)});
  EXPECT_EQ(Promises(FirstLine(second)).current.basis, PromiseBasis::kPurchaseOrder);
  EXPECT_EQ(Promises(FirstLine(first)).current.basis, PromiseBasis::kLeadTime);
}

TEST_F(PromiserTest, ALateSupplierPushesItsPurchaseOrdersOut) {
  // Ten orders, each 4 days late: delay P50 and P90 become 4 (10 of 15 pseudo-observations).
  for (int i = 0; i < 10; ++i) {
    PurchaseOrderId po = SentPo(1, D(1, 12), Day(0));
    Ok(ReceivePurchaseOrder{po, "main", {{"A", Quantity(1)}}, Day(11)});  // 01-16, 4 days late
  }
  Ok(AdjustStock{"A", "main", Quantity(-10), "sold elsewhere", Day(11)});
  OrderId o = Ok(MakeOrderCmd("web", "1", {{"A", 1}}, Payment::kPaid, 86'400 * 11)).order;
  SentPo(5, D(1, 26), Day(11));
  // Expected Mon 01-26 + 4 = Fri 01-30, + 1 handling day = Mon 02-02.
  EXPECT_EQ(Promises(FirstLine(o)).current.p50, D(2, 2));
  EXPECT_EQ(Promises(FirstLine(o)).current.p90, D(2, 2));
}

TEST_F(PromiserTest, SettingsRepromiseEveryWaitingLine) {
  OrderId o = Ok(MakeOrderCmd("web", "1", {{"A", 1}})).order;
  PromiseSettings s;
  s.default_lead_time_days = 3;
  s.handling_days = 0;
  Ok(SetPromiseSettings{s, Day(0)});
  EXPECT_EQ(Promises(FirstLine(o)).current.p90, D(1, 8));  // 01-05 + 3
  EXPECT_EQ(PromiseEvents(), std::vector<std::string>{"promise_changed"});
}

TEST_F(PromiserTest, AvailabilityAppendsAHypotheticalOrderToTheQueue) {
  Ok(AdjustStock{"A", "main", Quantity(2), "", Day(0)});
  const SkuState& a = engine_.state().skus.at("A");
  Availability in_stock = engine_.promiser().Available(a, Quantity(2), D(1, 5));
  EXPECT_TRUE(in_stock.orderable);
  EXPECT_TRUE(in_stock.in_stock);
  EXPECT_EQ(in_stock.ships->p90, D(1, 6));
  Availability more = engine_.promiser().Available(a, Quantity(3), D(1, 5));
  EXPECT_TRUE(more.orderable);
  EXPECT_FALSE(more.in_stock);
  EXPECT_EQ(more.ships->basis, PromiseBasis::kLeadTime);
}

}  // namespace
}  // namespace belofte::engine
