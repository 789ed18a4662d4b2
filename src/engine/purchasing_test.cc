#include <gtest/gtest.h>

#include "engine/engine.h"
#include "engine/invariants.h"
#include "support/commands.h"

namespace belofte::engine {
namespace {

using belofte::testing::MakeOrderCmd;
using belofte::testing::MakeProductCmd;
using belofte::testing::T;

class PurchasingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Ok(MakeProductCmd("A", BackorderPolicyKind::kAllow));
    Ok(MakeProductCmd("B", BackorderPolicyKind::kAllow));
    Ok(UpsertSupplier{Supplier{"koffie-nl", "Koffie NL", "inkoop@koffie.example", 10, std::nullopt}, T(0)});
  }
  Outcome Ok(Command c) {
    auto r = engine_.Execute(c, &events_);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().code + ": " + r.error().message);
    auto violations = CheckInvariants(engine_.state(), engine_.rule());
    EXPECT_TRUE(violations.empty()) << (violations.empty() ? "" : violations[0]);
    return r.ok() ? std::move(r.value()) : Outcome{};
  }
  Error Rejected(Command c) {
    auto r = engine_.Execute(c, &events_);
    EXPECT_FALSE(r.ok());
    return r.ok() ? Error{} : r.error();
  }
  const PurchaseOrder& Po(PurchaseOrderId id) { return *engine_.state().FindPurchaseOrder(id); }
  Quantity Incoming(const std::string& sku) { return engine_.state().skus.at(sku).incoming; }

  Engine engine_;
  std::vector<Event> events_;
};

TEST_F(PurchasingTest, ExpectedDatesDefaultToTheLeadTimeOfTermsOrSupplier) {
  Ok(UpsertSupplierTerms{SupplierTerms{"koffie-nl", "B", Money(500, "EUR"), Quantity(1), Quantity(1), 3, true}, T(0)});
  PurchaseOrderId id = Ok(CreatePurchaseOrder{"koffie-nl", {{"A", Quantity(5), {}}, {"B", Quantity(5), {}}}, T(0)})
                           .purchase_order;
  EXPECT_EQ(Po(id).lines[0].expected_date, T(0).date().PlusDays(10));
  EXPECT_EQ(Po(id).lines[1].expected_date, T(0).date().PlusDays(3));
  EXPECT_EQ(Po(id).status, PurchaseOrderStatus::kDraft);
  EXPECT_EQ(Incoming("A"), kNoUnits) << "a draft is not supply";
}

TEST_F(PurchasingTest, SentLinesAreIncomingAndReceiptsFillTheQueueFirst) {
  OrderId waiting = Ok(MakeOrderCmd("web", "1", {{"A", 3}}, Payment::kPaid, 1)).order;
  PurchaseOrderId id = Ok(CreatePurchaseOrder{"koffie-nl", {{"A", Quantity(5), {}}}, T(2)}).purchase_order;
  Ok(SendPurchaseOrder{id, T(3)});
  EXPECT_EQ(Incoming("A"), Quantity(5));
  Outcome r = Ok(ReceivePurchaseOrder{id, "main", {{"A", Quantity(2)}}, T(86'400 * 5)});
  ASSERT_EQ(r.filled.size(), 1u);
  EXPECT_EQ(r.filled[0].order, waiting);
  EXPECT_EQ(r.filled[0].quantity, Quantity(2));
  EXPECT_EQ(Po(id).status, PurchaseOrderStatus::kPartiallyReceived);
  EXPECT_EQ(Incoming("A"), Quantity(3));
  EXPECT_EQ(r.movements.size(), 1u);
  EXPECT_EQ(r.movements[0].reference, "po:" + std::to_string(id));
  // The rest, and two more than ordered: accepted, flagged, the surplus is free stock after the queue.
  r = Ok(ReceivePurchaseOrder{id, "main", {{"A", Quantity(5)}}, T(86'400 * 6)});
  ASSERT_EQ(r.over_received.size(), 1u);
  EXPECT_EQ(r.over_received[0].quantity, Quantity(2));
  EXPECT_EQ(Po(id).status, PurchaseOrderStatus::kReceived);
  EXPECT_EQ(Incoming("A"), kNoUnits);
  EXPECT_EQ(engine_.state().skus.at("A").free(), Quantity(4));
}

TEST_F(PurchasingTest, AClosedLineTeachesTheSupplierItsDelayAndFill) {
  PurchaseOrderId id = Ok(CreatePurchaseOrder{"koffie-nl", {{"A", Quantity(10), {}}}, T(0)}).purchase_order;
  Ok(SendPurchaseOrder{id, T(0)});
  Ok(ConfirmPurchaseOrder{id, T(0).date().PlusDays(12), {}, T(3600)});
  Ok(MovePurchaseOrderDate{id, T(0).date().PlusDays(15), {}, T(7200)});
  EXPECT_EQ(Po(id).lines[0].promised_date, T(0).date().PlusDays(12)) << "a move does not change the promise";
  EXPECT_EQ(Po(id).lines[0].history.size(), 4u);  // created, sent, confirmed, moved
  Ok(ReceivePurchaseOrder{id, "main", {{"A", Quantity(6)}}, T(86'400 * 14)});
  EXPECT_TRUE(engine_.state().suppliers.at("koffie-nl").deliveries.empty()) << "the line is still open";
  Ok(CancelPurchaseOrder{id, "rest not coming", T(86'400 * 20)});
  const auto& deliveries = engine_.state().suppliers.at("koffie-nl").deliveries;
  ASSERT_EQ(deliveries.size(), 1u);
  EXPECT_EQ(deliveries[0].arrived.days() - deliveries[0].promised.days(), 2);   // 14 vs 12
  EXPECT_EQ(deliveries[0].arrived.days() - deliveries[0].confirmed.days(), -1);  // 14 vs 15
  EXPECT_EQ(deliveries[0].ordered_quantity, 10);
  EXPECT_EQ(deliveries[0].received_quantity, 6);
  EXPECT_EQ(engine_.state().suppliers.at("koffie-nl").receipts, 1);
  EXPECT_EQ(Incoming("A"), kNoUnits);
}

TEST_F(PurchasingTest, RefusesWhatIsNotOnTheOrderAndIllegalTransitions) {
  PurchaseOrderId id = Ok(CreatePurchaseOrder{"koffie-nl", {{"A", Quantity(5), {}}}, T(0)}).purchase_order;
  EXPECT_EQ(Rejected(ReceivePurchaseOrder{id, "main", {{"A", Quantity(1)}}, T(1)}).code, "not_receivable");
  EXPECT_EQ(Rejected(ConfirmPurchaseOrder{id, T(0).date(), {}, T(1)}).code, "invalid_transition");
  Ok(SendPurchaseOrder{id, T(1)});
  size_t events = events_.size();
  Ok(SendPurchaseOrder{id, T(2)});
  EXPECT_EQ(events_.size(), events) << "sending twice is sending once";
  EXPECT_EQ(Rejected(ReceivePurchaseOrder{id, "main", {{"B", Quantity(1)}}, T(3)}).code, "not_on_purchase_order");
  EXPECT_EQ(Rejected(CreatePurchaseOrder{"koffie-nl", {{"A", Quantity(1), {}}, {"A", Quantity(2), {}}}, T(3)}).code,
            "duplicate_sku");
  EXPECT_EQ(Rejected(CreatePurchaseOrder{"nobody", {{"A", Quantity(1), {}}}, T(3)}).code, "unknown_supplier");
  Ok(ReceivePurchaseOrder{id, "main", {{"A", Quantity(5)}}, T(4)});
  EXPECT_EQ(Rejected(CancelPurchaseOrder{id, "", T(5)}).code, "invalid_transition");
}

TEST_F(PurchasingTest, OnePreferredSupplierPerSku) {
  Ok(UpsertSupplier{Supplier{"bonen-be", "Bonen BE", "", 20, std::nullopt}, T(0)});
  Ok(UpsertSupplierTerms{SupplierTerms{"koffie-nl", "A", Money(500, "EUR"), Quantity(1), Quantity(1), {}, true}, T(0)});
  Ok(UpsertSupplierTerms{SupplierTerms{"bonen-be", "A", Money(450, "EUR"), Quantity(10), Quantity(5), {}, true}, T(1)});
  EXPECT_FALSE(engine_.state().suppliers.at("koffie-nl").terms.at("A").preferred);
  EXPECT_EQ(engine_.state().PreferredTerms("A")->supplier, "bonen-be");
  EXPECT_EQ(OrderQuantity(Quantity(12), *engine_.state().PreferredTerms("A")), Quantity(15));
}

TEST_F(PurchasingTest, ReplayRebuildsPurchasingState) {
  PurchaseOrderId id = Ok(CreatePurchaseOrder{"koffie-nl", {{"A", Quantity(4), {}}, {"B", Quantity(2), {}}}, T(0)})
                           .purchase_order;
  Ok(SendPurchaseOrder{id, T(1)});
  Ok(ConfirmPurchaseOrder{id, std::nullopt, {{"B", T(0).date().PlusDays(4)}}, T(2)});
  Ok(ReceivePurchaseOrder{id, "main", {{"A", Quantity(4)}}, T(86'400 * 9)});
  Engine replayed;
  for (const auto& e : events_) replayed.Apply(e);
  EXPECT_EQ(DiffStates(engine_.state(), replayed.state()), "");
}

}  // namespace
}  // namespace belofte::engine
