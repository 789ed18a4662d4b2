// Bundles in the engine (docs/bundles.md): validation of components, expansion of a bundle line
// into component lines, the derived split, and refusals that change nothing.
#include <gtest/gtest.h>

#include "engine/engine.h"
#include "engine/invariants.h"
#include "support/commands.h"

namespace belofte::engine {
namespace {

using belofte::testing::MakeOrderCmd;
using belofte::testing::MakeProductCmd;
using belofte::testing::Receive;

UpsertProduct Bundle(const std::string& sku, std::vector<Component> components,
                     BackorderPolicyKind kind = BackorderPolicyKind::kAllow) {
  UpsertProduct c = MakeProductCmd(sku, kind);
  c.product.components = std::move(components);
  return c;
}

class BundlesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Ok(MakeProductCmd("MUG", BackorderPolicyKind::kAllow));
    Ok(MakeProductCmd("BEANS", BackorderPolicyKind::kDeny));  // the bundle's policy governs its lines
    Ok(Bundle("GIFT", {Component{"MUG", Quantity(1)}, Component{"BEANS", Quantity(2)}}));
  }
  Outcome Ok(Command c) {
    auto r = engine_.Execute(c, &events_);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().code + ": " + r.error().message);
    auto violations = CheckInvariants(engine_.state(), engine_.rule());
    EXPECT_TRUE(violations.empty()) << violations.front();
    return r.ok() ? std::move(r.value()) : Outcome{};
  }
  Error Rejected(Command c) {
    size_t before = events_.size();
    auto r = engine_.Execute(c, &events_);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(events_.size(), before) << "a rejected command must emit nothing";
    return r.ok() ? Error{} : r.error();
  }
  const Order& OrderOf(const Outcome& o) { return *engine_.state().FindOrder(o.order); }

  Engine engine_;
  std::vector<Event> events_;
};

TEST_F(BundlesTest, ABundleLineIsExpandedIntoComponentLines) {
  Ok(Receive("MUG", 5));
  Ok(Receive("BEANS", 3));
  const Order& o = OrderOf(Ok(MakeOrderCmd("web", "1", {{"GIFT", 2}, {"MUG", 1}})));
  ASSERT_EQ(o.bundles.size(), 1u);
  ASSERT_EQ(o.lines.size(), 3u);
  const BundleLine& b = o.bundles[0];
  EXPECT_EQ(b.sku, "GIFT");
  EXPECT_EQ(o.lines[0].sku, "MUG");
  EXPECT_EQ(o.lines[0].bundle_line, b.id);
  EXPECT_EQ(o.lines[0].quantity, Quantity(2));
  EXPECT_EQ(o.lines[1].sku, "BEANS");
  EXPECT_EQ(o.lines[1].per_bundle, 2);
  EXPECT_EQ(o.lines[1].allocated(), Quantity(3));
  EXPECT_EQ(o.lines[1].backordered, Quantity(1));
  EXPECT_FALSE(o.lines[2].is_component());
  EXPECT_EQ(BundleSplit(o, b), (LineSplit{Quantity(1), Quantity(1), kNoUnits, kNoUnits}));
  // BEANS denies backorders for its own lines, yet waits for the allow bundle: not its cap.
  EXPECT_EQ(engine_.state().skus.at("BEANS").own_backordered(), kNoUnits);
  EXPECT_EQ(engine_.state().skus.at("BEANS").bundle_backordered, Quantity(1));
  EXPECT_EQ(DeriveBundleStock(engine_.state(), engine_.state().skus.at("GIFT")).backordered, Quantity(1));
  EXPECT_EQ(engine_.Queue("BEANS")[0].bundle_sku, "GIFT");
}

TEST_F(BundlesTest, InvalidComponentsAreRefusedWithTheirField) {
  Error e = Rejected(Bundle("KIT", {Component{"MUG", Quantity(1)}, Component{"NOPE", Quantity(1)}}));
  EXPECT_EQ(e.code, "unknown_sku");
  EXPECT_EQ(e.field, "components[1].sku");
  EXPECT_EQ(Rejected(Bundle("KIT", {Component{"GIFT", Quantity(1)}})).code, "nested_bundle");
  EXPECT_EQ(Rejected(Bundle("KIT", {Component{"KIT", Quantity(1)}})).code, "bundle_contains_itself");
  EXPECT_EQ(Rejected(Bundle("KIT", {Component{"MUG", Quantity(0)}})).field, "components[0].quantity");
  EXPECT_EQ(Rejected(Bundle("KIT", {Component{"MUG", Quantity(1)}, Component{"MUG", Quantity(1)}})).code,
            "duplicate_sku");
  std::vector<Component> many;
  for (int i = 0; i < 51; ++i) many.push_back(Component{"MUG", Quantity(1)});
  EXPECT_EQ(Rejected(Bundle("KIT", many)).code, "too_many_components");
  EXPECT_EQ(engine_.state().FindSku("KIT"), nullptr);
  // A component cannot itself become a bundle.
  EXPECT_EQ(Rejected(Bundle("MUG", {Component{"BEANS", Quantity(1)}})).code, "product_in_use");
}

TEST_F(BundlesTest, ABundleHoldsNoStock) {
  Error e = Rejected(Receive("GIFT", 1));
  EXPECT_EQ(e.code, "bundle_has_no_stock");
  EXPECT_EQ(e.kind, ErrorKind::kConflict);
  EXPECT_EQ(Rejected(AdjustStock{"GIFT", "main", Quantity(1), "", Instant()}).code, "bundle_has_no_stock");
}

TEST_F(BundlesTest, ShipAndCancelActOnWholeBundleUnits) {
  Ok(Receive("MUG", 2));
  Ok(Receive("BEANS", 4));
  Outcome placed = Ok(MakeOrderCmd("web", "1", {{"GIFT", 2}}));
  LineId bundle = OrderOf(placed).bundles[0].id;
  LineId beans = OrderOf(placed).lines[1].id;
  EXPECT_EQ(Rejected(ShipOrder{placed.order, "main", {LineQuantity{beans, Quantity(2)}}, Instant()}).code,
            "part_of_bundle");
  Ok(ShipOrder{placed.order, "main", {LineQuantity{bundle, Quantity(1)}}, Instant()});
  EXPECT_EQ(OrderOf(placed).lines[1].shipped, Quantity(2));
  Ok(CancelOrder{placed.order, {LineQuantity{bundle, Quantity(1)}}, "", Instant()});
  EXPECT_EQ(BundleSplit(OrderOf(placed), OrderOf(placed).bundles[0]),
            (LineSplit{kNoUnits, kNoUnits, Quantity(1), Quantity(1)}));
  EXPECT_EQ(DeriveStatus(OrderOf(placed)), OrderStatus::kShipped);
  EXPECT_EQ(engine_.state().skus.at("BEANS").free(), Quantity(2));
}

// The customer's cancel (waiting_only) takes whole waiting bundle units and keeps every ready one,
// even when a component has more allocated than the ready bundle units need.
TEST_F(BundlesTest, ACustomerCancelTakesOnlyWaitingBundleUnits) {
  Ok(Receive("MUG", 3));
  Ok(Receive("BEANS", 2));
  Outcome placed = Ok(MakeOrderCmd("web", "1", {{"GIFT", 3}}));  // MUG 3 allocated; BEANS 2 of 6: one unit ready
  const BundleLine bundle = OrderOf(placed).bundles[0];
  ASSERT_EQ(BundleSplit(OrderOf(placed), bundle).allocated, Quantity(1));
  CancelOrder cancel{placed.order, {}, "customer", Instant()};
  cancel.waiting_only = true;
  Ok(cancel);
  LineSplit split = BundleSplit(OrderOf(placed), OrderOf(placed).bundles[0]);
  EXPECT_EQ(split, (LineSplit{Quantity(1), kNoUnits, kNoUnits, Quantity(2)}));
  EXPECT_EQ(engine_.state().skus.at("MUG").free(), Quantity(2));  // the cancelled units' mugs are free again
  size_t before = events_.size();
  Ok(cancel);  // nothing waits any more: no change, no event
  EXPECT_EQ(events_.size(), before);
}

TEST_F(BundlesTest, ReplayRebuildsTheSameState) {
  Ok(Receive("MUG", 1));
  Ok(MakeOrderCmd("web", "1", {{"GIFT", 3}}));
  Ok(Receive("BEANS", 6));
  Engine replayed;
  for (const auto& e : events_) replayed.Apply(e);
  EXPECT_EQ(DiffStates(engine_.state(), replayed.state()), "");
}

}  // namespace
}  // namespace belofte::engine
