// The promise walk: hand-computed dates for free stock, one and two purchase orders, thinning by
// fill rate, lead time past all supply, release dates and handling days; and properties over
// random supply: dates monotone in cumulative demand, p50 <= p90.
#include "planning/promise.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace belofte::planning {
namespace {

const Date kMon = Date::FromYmd(2026, 11, 2);  // a Monday without holidays around it
Date Day(int32_t offset) { return kMon.PlusDays(offset); }

WorkingCalendar Open() {
  CalendarConfig c;
  c.weekends_closed = false;
  c.holidays = HolidayRegion::kNone;
  return WorkingCalendar(c);
}

PromiseInput Base() {
  PromiseInput in;
  in.today = kMon;
  in.lead_time_p50 = Day(14);
  in.lead_time_p90 = Day(21);
  return in;
}

TEST(PromiseWalkTest, FreeStockShipsTodayPlusHandling) {
  WorkingCalendar cal;  // weekends closed
  PromiseInput in = Base();
  in.free_units = 3;
  in.handling_days = 1;
  PromiseWalk walk(in, cal);
  Promise p = walk.At(3);
  EXPECT_EQ(p.basis, PromiseBasis::kInStock);
  EXPECT_EQ(p.p50, Day(1));
  EXPECT_EQ(p.p90, Day(1));
  EXPECT_EQ(walk.At(4).basis, PromiseBasis::kLeadTime);
}

TEST(PromiseWalkTest, QueueLongerThanOnePurchaseOrder) {
  WorkingCalendar cal = Open();
  PromiseInput in = Base();
  in.supply.push_back(MakeSupplyPoint(7, kMon, Day(5), 1, 3, 10, 1.0));
  PromiseWalk walk(in, cal);
  Promise first = walk.At(1);
  EXPECT_EQ(first.basis, PromiseBasis::kPurchaseOrder);
  EXPECT_EQ(first.purchase_order, 7u);
  EXPECT_EQ(first.p50, Day(6));
  EXPECT_EQ(first.p90, Day(8));
  EXPECT_EQ(walk.At(10).p90, Day(8));
  Promise beyond = walk.At(11);
  EXPECT_EQ(beyond.basis, PromiseBasis::kLeadTime);
  EXPECT_EQ(beyond.p50, Day(14));
  EXPECT_EQ(beyond.p90, Day(21));
  EXPECT_EQ(walk.Uncovered(15), 5);
}

TEST(PromiseWalkTest, TwoSuppliersOfDifferentReliability) {
  WorkingCalendar cal = Open();
  PromiseInput in = Base();
  // Reliable: expected day 10, on time. Unreliable: expected day 6, P50 +2, P90 +12, fill 0.5.
  in.supply.push_back(MakeSupplyPoint(1, kMon, Day(10), 0, 0, 4, 1.0));
  in.supply.push_back(MakeSupplyPoint(2, kMon, Day(6), 2, 12, 4, 0.5));
  PromiseWalk walk(in, cal);
  // P50 order: PO2 (day 8) then PO1 (day 10); P90 order: PO1 (day 10) then PO2 (day 18, 2 units).
  EXPECT_EQ(walk.At(1).p50, Day(8));
  EXPECT_EQ(walk.At(1).purchase_order, 2u);
  EXPECT_EQ(walk.At(1).p90, Day(10));
  EXPECT_EQ(walk.At(5).p50, Day(10));
  EXPECT_EQ(walk.At(5).p90, Day(18));
  EXPECT_EQ(walk.At(6).p90, Day(18));
  Promise seventh = walk.At(7);   // P50 covered by PO1; P90 only 6 thinned units: lead time 21
  EXPECT_EQ(seventh.basis, PromiseBasis::kPurchaseOrder);
  EXPECT_EQ(seventh.p90, Day(21));
}

TEST(PromiseWalkTest, OverdueOrderArrivesTodayAtTheEarliest) {
  WorkingCalendar cal = Open();
  PromiseInput in = Base();
  in.supply.push_back(MakeSupplyPoint(3, kMon, Day(-10), 2, 4, 5, 1.0));
  PromiseWalk walk(in, cal);
  EXPECT_EQ(walk.At(1).p50, kMon);
  EXPECT_EQ(walk.At(1).p90, kMon);
}

TEST(PromiseWalkTest, ReleaseDateHoldsPreordersBack) {
  WorkingCalendar cal = Open();
  PromiseInput in = Base();
  in.free_units = 10;
  in.release_date = Day(30);
  PromiseWalk walk(in, cal);
  Promise p = walk.At(1);
  EXPECT_EQ(p.basis, PromiseBasis::kReleaseDate);
  EXPECT_EQ(p.p50, Day(30));
  EXPECT_EQ(p.p90, Day(30));
}

TEST(PromiseWalkTest, HandlingDaysSkipWeekendsAndHolidays) {
  WorkingCalendar nl;
  PromiseInput in = Base();
  in.today = Date::FromYmd(2026, 12, 21);
  in.supply.push_back(MakeSupplyPoint(9, in.today, Date::FromYmd(2026, 12, 24), 0, 1, 5, 1.0));
  in.handling_days = 1;
  PromiseWalk walk(in, nl);
  Promise p = walk.At(2);
  EXPECT_EQ(p.p50, Date::FromYmd(2026, 12, 28));  // arrives Thu 24th, ships the next working day
  EXPECT_EQ(p.p90, Date::FromYmd(2026, 12, 29));  // arrives Fri 25th (closed): Mon 28th + 1
}

RC_GTEST_PROP(PromiseWalkProperty, MonotoneInDemandAndP50NotAfterP90, ()) {
  WorkingCalendar cal;
  PromiseInput in = Base();
  in.free_units = *rc::gen::inRange<int64_t>(0, 5);
  in.handling_days = *rc::gen::inRange(0, 4);
  const int n = *rc::gen::inRange(0, 6);
  for (int i = 0; i < n; ++i) {
    const int32_t d50 = *rc::gen::inRange(-5, 10);
    const int32_t d90 = d50 + *rc::gen::inRange(0, 15);
    in.supply.push_back(MakeSupplyPoint(static_cast<PurchaseOrderId>(i + 1), kMon, Day(*rc::gen::inRange(-10, 40)),
                                        d50, d90, *rc::gen::inRange<int64_t>(0, 8),
                                        *rc::gen::inRange(0, 101) / 100.0));
  }
  in.lead_time_p50 = Day(*rc::gen::inRange(0, 30));
  in.lead_time_p90 = in.lead_time_p50.PlusDays(*rc::gen::inRange(0, 30));
  if (*rc::gen::arbitrary<bool>()) in.release_date = Day(*rc::gen::inRange(-5, 40));
  PromiseWalk walk(in, cal);
  Promise prev = walk.At(1);
  RC_ASSERT(prev.p50 <= prev.p90);
  for (int64_t d = 2; d <= 60; ++d) {
    Promise p = walk.At(d);
    RC_ASSERT(p.p50 <= p.p90);
    RC_ASSERT(prev.p50 <= p.p50);
    RC_ASSERT(prev.p90 <= p.p90);
    RC_ASSERT(cal.IsWorkingDay(p.p50));
    RC_ASSERT(cal.IsWorkingDay(p.p90));
    prev = p;
  }
}

}  // namespace
}  // namespace belofte::planning
