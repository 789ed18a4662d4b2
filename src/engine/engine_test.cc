#include "engine/engine.h"

#include <gtest/gtest.h>

#include "engine/invariants.h"
#include "support/commands.h"

namespace belofte::engine {
namespace {

using belofte::testing::MakeOrderCmd;
using belofte::testing::MakeProductCmd;
using belofte::testing::Receive;

class EngineTest : public ::testing::Test {
 protected:
  Outcome Ok(Command c) {
    auto r = engine_.Execute(c, &events_);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().code + ": " + r.error().message);
    EXPECT_TRUE(CheckInvariants(engine_.state(), engine_.rule()).empty());
    return r.ok() ? std::move(r.value()) : Outcome{};
  }
  Error Rejected(Command c) {
    size_t before = events_.size();
    uint64_t seq = engine_.state().last_seq;
    auto r = engine_.Execute(c, &events_);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(events_.size(), before) << "a rejected command must emit nothing";
    EXPECT_EQ(engine_.state().last_seq, seq);
    return r.ok() ? Error{} : r.error();
  }

  Engine engine_;
  std::vector<Event> events_;
};

TEST_F(EngineTest, EventsAreNumberedWithoutGapsAndStampedWithTheCommandTime) {
  Ok(MakeProductCmd("A", BackorderPolicyKind::kAllow, std::nullopt, 5));
  Ok(Receive("A", 3, 10));
  ASSERT_EQ(events_.size(), 2u);
  EXPECT_EQ(events_[0].seq, 1u);
  EXPECT_EQ(events_[1].seq, 2u);
  EXPECT_EQ(events_[0].at, belofte::testing::T(5));
  EXPECT_EQ(events_[1].at, belofte::testing::T(10));
}

TEST_F(EngineTest, ARejectedOrderChangesNothing) {
  Ok(MakeProductCmd("A", BackorderPolicyKind::kDeny));
  Ok(MakeProductCmd("B", BackorderPolicyKind::kDeny));
  Ok(Receive("A", 5));
  Ok(Receive("B", 1));
  Error e = Rejected(MakeOrderCmd("web", "1", {{"A", 2}, {"B", 3}}));
  EXPECT_EQ(e.code, "insufficient_stock");
  ASSERT_EQ(e.shortages.size(), 1u);
  EXPECT_EQ(e.shortages[0], (Shortage{"B", 3, 1}));
  EXPECT_EQ(engine_.state().skus.at("A").allocated(), kNoUnits);
  EXPECT_TRUE(engine_.state().orders.empty());
  EXPECT_TRUE(engine_.state().channels.empty());
}

// waiting_only (the status page's cancel) caps each named line at what waits: units that became
// allocated meanwhile stay, and a line with nothing waiting is no change rather than an error.
TEST_F(EngineTest, AWaitingOnlyCancelKeepsAllocatedUnits) {
  Ok(MakeProductCmd("A", BackorderPolicyKind::kAllow));
  Ok(MakeProductCmd("B", BackorderPolicyKind::kAllow));
  Ok(Receive("A", 1));
  Ok(Receive("B", 5));
  OrderId o = Ok(MakeOrderCmd("web", "1", {{"A", 3}, {"B", 2}})).order;
  const Order& order = *engine_.state().FindOrder(o);
  const LineId a = order.lines[0].id, b = order.lines[1].id;
  CancelOrder cancel{o, {LineQuantity{a, Quantity(3)}, LineQuantity{b, Quantity(2)}}, "customer", Instant()};
  cancel.waiting_only = true;
  Ok(cancel);
  const Order& after = *engine_.state().FindOrder(o);
  EXPECT_EQ(after.lines[0].cancelled, Quantity(2));
  EXPECT_EQ(after.lines[0].allocated(), Quantity(1));
  EXPECT_EQ(after.lines[1].cancelled, kNoUnits);
  EXPECT_EQ(after.lines[1].allocated(), Quantity(2));
  size_t before = events_.size();
  Ok(cancel);
  EXPECT_EQ(events_.size(), before);
  cancel.lines = {LineQuantity{a, Quantity(4)}};  // still validated against the line
  EXPECT_EQ(Rejected(cancel).code, "exceeds_ordered");
}

TEST_F(EngineTest, ReplayingTheEventsRebuildsTheSameState) {
  Ok(MakeProductCmd("A", BackorderPolicyKind::kAllow, 10));
  Ok(Receive("A", 2));
  OrderId o1 = Ok(MakeOrderCmd("web", "1", {{"A", 3}}, Payment::kUnpaid, 1)).order;
  Ok(MakeOrderCmd("bol", "X", {{"A", 2}}, Payment::kPaid, 2));
  Ok(SetPayment{o1, Payment::kPaid, belofte::testing::T(3)});
  Ok(Receive("A", 2, 4));
  Ok(CancelOrder{o1, {}, "changed mind", belofte::testing::T(5)});

  Engine replayed;
  for (const auto& e : events_) replayed.Apply(e);
  EXPECT_EQ(DiffStates(engine_.state(), replayed.state()), "");
}

TEST_F(EngineTest, AReceiptReportsFillsAndOrdersThatBecameReady) {
  Ok(MakeProductCmd("A", BackorderPolicyKind::kAllow));
  OrderId o1 = Ok(MakeOrderCmd("web", "1", {{"A", 2}}, Payment::kPaid, 1)).order;
  OrderId o2 = Ok(MakeOrderCmd("web", "2", {{"A", 2}}, Payment::kPaid, 2)).order;
  Outcome r = Ok(Receive("A", 3, 3));
  ASSERT_EQ(r.filled.size(), 2u);
  EXPECT_EQ(r.filled[0], (Fill{o1, engine_.state().FindOrder(o1)->lines[0].id, "A", Quantity(2)}));
  EXPECT_EQ(r.filled[1].order, o2);
  EXPECT_EQ(r.filled[1].quantity, Quantity(1));
  // o2 ships available and got one unit: ready too.
  EXPECT_EQ(r.ready_orders, (std::vector<OrderId>{o1, o2}));
  EXPECT_EQ(r.movements.size(), 1u);
}

TEST_F(EngineTest, QueuePositionsAreOneBasedInAllocationOrder) {
  Ok(MakeProductCmd("A", BackorderPolicyKind::kAllow));
  OrderId unpaid = Ok(MakeOrderCmd("web", "1", {{"A", 1}}, Payment::kUnpaid, 1)).order;
  OrderId paid = Ok(MakeOrderCmd("web", "2", {{"A", 1}}, Payment::kPaid, 2)).order;
  const auto& s = engine_.state();
  EXPECT_EQ(engine_.QueuePosition(s.FindOrder(paid)->lines[0].id), 1);
  EXPECT_EQ(engine_.QueuePosition(s.FindOrder(unpaid)->lines[0].id), 2);
  auto q = engine_.Queue("A");
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(q[0].order, paid);
  EXPECT_EQ(q[1].position, 2);
}

TEST_F(EngineTest, ClosedOrdersLeaveMemoryOnlyWhenEvicted) {
  Ok(MakeProductCmd("A", BackorderPolicyKind::kDeny));
  Ok(Receive("A", 1));
  OrderId id = Ok(MakeOrderCmd("web", "1", {{"A", 1}})).order;
  Ok(ShipOrder{id, "main", {}, belofte::testing::T(1)});
  ASSERT_NE(engine_.state().FindOrder(id), nullptr);
  engine_.EvictClosedOrders({id});
  EXPECT_EQ(engine_.state().FindOrder(id), nullptr);
  // The same external order delivered again is still recognised.
  Outcome again = Ok(MakeOrderCmd("web", "1", {{"A", 1}}));
  EXPECT_FALSE(again.created);
  EXPECT_EQ(again.order, id);
}

TEST_F(EngineTest, UnknownReferencesAreNotFound) {
  EXPECT_EQ(Rejected(SetPayment{42, Payment::kPaid, {}}).kind, ErrorKind::kNotFound);
  EXPECT_EQ(Rejected(Receive("NOPE", 1)).code, "unknown_sku");
  Ok(MakeProductCmd("A", BackorderPolicyKind::kDeny));
  EXPECT_EQ(Rejected(Receive("A", 1, 0, "nowhere")).code, "unknown_location");
}

TEST_F(EngineTest, RejectsInvalidProducts) {
  auto bad = MakeProductCmd("A", BackorderPolicyKind::kAllow);
  bad.product.sku = "A B";
  EXPECT_EQ(Rejected(bad).field, "sku");
  bad = MakeProductCmd("A", BackorderPolicyKind::kAllow);
  bad.product.name = "";
  EXPECT_EQ(Rejected(bad).field, "name");
  bad = MakeProductCmd("A", BackorderPolicyKind::kAllow);
  bad.product.price = Money(-1, "EUR");
  EXPECT_EQ(Rejected(bad).field, "price");
  bad = MakeProductCmd("A", BackorderPolicyKind::kPreorder);
  bad.product.backorder.release_date.reset();
  EXPECT_EQ(Rejected(bad).code, "missing_release_date");
}

TEST_F(EngineTest, UpsertingTheSameProductTwiceEmitsOneEvent) {
  Ok(MakeProductCmd("A", BackorderPolicyKind::kAllow));
  Ok(MakeProductCmd("A", BackorderPolicyKind::kAllow));
  EXPECT_EQ(events_.size(), 1u);
}

TEST_F(EngineTest, LocationsGetDenseIndexesInCreationOrder) {
  Ok(UpsertLocation{"winkel", "Winkel", {}});
  Ok(UpsertLocation{"depot", "Depot", {}});
  Ok(UpsertLocation{"winkel", "Winkel Amsterdam", {}});
  const auto& s = engine_.state();
  ASSERT_EQ(s.locations.size(), 3u);
  EXPECT_EQ(s.locations[1].code, "winkel");
  EXPECT_EQ(s.locations[1].name, "Winkel Amsterdam");
  EXPECT_EQ(s.locations[2].code, "depot");
  EXPECT_EQ(Rejected(UpsertLocation{"Bad Code", "", {}}).code, "invalid_code");
}

}  // namespace
}  // namespace belofte::engine
