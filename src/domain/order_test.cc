#include "domain/order.h"

#include <gtest/gtest.h>

#include "domain/product.h"

namespace belofte {
namespace {

OrderLine Line(int64_t quantity, int64_t allocated, int64_t backordered, int64_t shipped = 0, int64_t cancelled = 0) {
  OrderLine l;
  l.quantity = Quantity(quantity);
  if (allocated) l.allocations.push_back(Allocation{0, Quantity(allocated)});
  l.backordered = Quantity(backordered);
  l.shipped = Quantity(shipped);
  l.cancelled = Quantity(cancelled);
  return l;
}

Order MakeOrder(Payment payment, ShipPolicy policy, std::vector<OrderLine> lines) {
  Order o;
  o.payment = payment;
  o.ship_policy = policy;
  o.lines = std::move(lines);
  return o;
}

TEST(OrderStatus, PaidAndFullyAllocatedIsReady) {
  EXPECT_EQ(DeriveStatus(MakeOrder(Payment::kPaid, ShipPolicy::kShipAvailable, {Line(2, 2, 0)})), OrderStatus::kReady);
}

TEST(OrderStatus, UnpaidAndAllocatedIsOpen) {
  EXPECT_EQ(DeriveStatus(MakeOrder(Payment::kUnpaid, ShipPolicy::kShipAvailable, {Line(2, 2, 0)})), OrderStatus::kOpen);
}

TEST(OrderStatus, ShipAvailableWithSomethingAllocatedIsReady) {
  EXPECT_EQ(DeriveStatus(MakeOrder(Payment::kPaid, ShipPolicy::kShipAvailable, {Line(2, 1, 1)})), OrderStatus::kReady);
}

TEST(OrderStatus, ShipCompleteWaitsForTheLastUnit) {
  Order o = MakeOrder(Payment::kPaid, ShipPolicy::kShipComplete, {Line(2, 2, 0), Line(1, 0, 1)});
  EXPECT_EQ(DeriveStatus(o), OrderStatus::kBackordered);
  EXPECT_FALSE(MayShip(o));
}

TEST(OrderStatus, NothingAllocatedIsBackordered) {
  EXPECT_EQ(DeriveStatus(MakeOrder(Payment::kPaid, ShipPolicy::kShipAvailable, {Line(3, 0, 3)})),
            OrderStatus::kBackordered);
}

TEST(OrderStatus, ShippedPartlyAndFully) {
  EXPECT_EQ(DeriveStatus(MakeOrder(Payment::kPaid, ShipPolicy::kShipAvailable, {Line(3, 0, 2, 1)})),
            OrderStatus::kPartiallyShipped);
  EXPECT_EQ(DeriveStatus(MakeOrder(Payment::kPaid, ShipPolicy::kShipAvailable, {Line(3, 0, 0, 2, 1)})),
            OrderStatus::kShipped);
}

TEST(OrderStatus, AllCancelledIsCancelled) {
  EXPECT_EQ(DeriveStatus(MakeOrder(Payment::kRefunded, ShipPolicy::kShipAvailable, {Line(3, 0, 0, 0, 3)})),
            OrderStatus::kCancelled);
}

TEST(OrderLine, BalancesItsFourParts) {
  EXPECT_TRUE(Line(5, 1, 2, 1, 1).balanced());
  EXPECT_FALSE(Line(5, 1, 2, 1, 0).balanced());
  EXPECT_EQ(Line(5, 1, 2, 1, 1).remaining(), Quantity(3));
}

TEST(Validation, Emails) {
  EXPECT_TRUE(ValidEmail("sanne.devries@example.nl"));
  EXPECT_TRUE(ValidEmail("a+tag@sub.example.com"));
  for (const char* bad : {"", "no-at", "@example.nl", "a@", "a@b", "a@@b.nl", "a b@c.nl", "a@b..nl", "a@.nl",
                          "a@b.", "<a@b.nl>"}) {
    EXPECT_FALSE(ValidEmail(bad)) << bad;
  }
}

TEST(Validation, SkusAndCodes) {
  EXPECT_TRUE(ValidSku("KM-HAND-01"));
  EXPECT_TRUE(ValidSku("a.b_c"));
  EXPECT_FALSE(ValidSku(""));
  EXPECT_FALSE(ValidSku("A B"));
  EXPECT_FALSE(ValidSku("A/B"));
  EXPECT_FALSE(ValidSku(std::string(65, 'A')));
  EXPECT_TRUE(ValidCode("winkel-ams"));
  EXPECT_FALSE(ValidCode("Winkel"));
}

TEST(BackorderPolicy, Headroom) {
  BackorderPolicy deny;
  EXPECT_EQ(deny.Headroom(kNoUnits), kNoUnits);
  BackorderPolicy allow{BackorderPolicyKind::kAllow, std::nullopt, std::nullopt, std::nullopt};
  EXPECT_FALSE(allow.Headroom(Quantity(1000)).has_value());
  BackorderPolicy capped{BackorderPolicyKind::kAllow, Quantity(5), std::nullopt, std::nullopt};
  EXPECT_EQ(capped.Headroom(Quantity(3)), Quantity(2));
  EXPECT_EQ(capped.Headroom(Quantity(7)), kNoUnits);
}

}  // namespace
}  // namespace belofte
