// promise.h — the promise walk (DESIGN, "The promise algorithm").
//
// Per SKU, waiting demand is walked in queue order against cumulative supply: free stock first,
// then open purchase-order lines. Each purchase-order line arrives at its expected date shifted by
// its supplier's delay distribution (P50 and P90 delay, never before today) and, for the P90, is
// thinned by the supplier's fill rate (a P50 counts on what was ordered; a P90 only on what the
// supplier usually delivers). The queue position covered by a supply point gets that point's
// arrival as its date; demand beyond all open supply gets the "not yet purchased" estimate: today
// plus the lead-time quantiles of the preferred supplier (and never earlier than the last supply).
// Ship dates are the arrival, moved to a working day, plus the handling days in working days; a
// pre-order ships on its release date (moved to a working day) when its goods are in before it.
//
// Cumulative demand D (units, including the line's own) maps to a date by binary search over the
// supply sorted by arrival, so a whole queue of n lines costs O(n log s) and one availability
// question O(log s). Properties (tested): dates are monotone in D, and p50 <= p90 for every D.
//
// Pure: no IO, no clock, no engine types. Thread safety: an immutable value once built.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "domain/promise.h"
#include "planning/calendar.h"

namespace belofte::planning {

// One open purchase-order line as supply: arrival quantiles (before handling) and units.
struct SupplyPoint {
  PurchaseOrderId purchase_order = 0;
  Date arrival_p50;        // expected date + P50 delay, at least today
  Date arrival_p90;        // expected date + P90 delay, at least arrival_p50
  int64_t units = 0;       // outstanding units
  double fill_rate = 1.0;  // the supplier's fill rate in [0, 1]: P90 counts units * fill_rate
};

struct PromiseInput {
  Date today;
  int64_t free_units = 0;         // free stock now (in_stock supply at today)
  std::vector<SupplyPoint> supply;
  Date lead_time_p50;             // not yet purchased: arrival quantiles (today + lead time)
  Date lead_time_p90;
  std::optional<Date> release_date;  // pre-orders: nothing ships before this day
  int32_t handling_days = 0;         // working days from arrival to shipment
};

// The arrival date of a supply point for a supplier with delay quantiles (days, may be negative),
// clamped to today: an overdue order can arrive today at the earliest.
SupplyPoint MakeSupplyPoint(PurchaseOrderId purchase_order, Date today, Date expected, int32_t delay_p50,
                            int32_t delay_p90, int64_t units, double fill_rate);

class PromiseWalk {
 public:
  PromiseWalk(PromiseInput input, const WorkingCalendar& calendar);

  // The promise for the unit that brings cumulative demand to `demand` (>= 1).
  Promise At(int64_t demand) const;
  // Units of `demand` that no open supply covers (its P50 basis would be lead_time).
  int64_t Uncovered(int64_t demand) const;
  // All units open supply provides (free stock + outstanding purchase-order units).
  int64_t CoveredUnits() const { return covered_units_; }

 private:
  struct Step {
    Date arrival;
    double cumulative;  // units available by `arrival` (inclusive), free stock included
    PurchaseOrderId purchase_order;
  };
  Date Ship(Date arrival) const;
  // The arrival by which `demand` units are there, or nullopt past all supply.
  static const Step* Cover(const std::vector<Step>& steps, double demand);

  PromiseInput input_;
  const WorkingCalendar* calendar_;
  std::vector<Step> p50_;  // ascending arrival; cumulative non-decreasing
  std::vector<Step> p90_;
  int64_t covered_units_ = 0;
};

}  // namespace belofte::planning
