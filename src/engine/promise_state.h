// promise_state.h — what the engine keeps about promises: the shop's promise settings and the
// promises given to each waiting line. (The walk itself is planning/promise.h; the engine's use
// of it is engine/promiser.h.) Thread safety: values.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "domain/order.h"
#include "domain/promise.h"
#include "planning/calendar.h"

namespace belofte::engine {

// How a shop promises (docs/promises.md): the working calendar, handling days per location, the
// lead time of SKUs no supplier sells, and how far a promise must move before the customer is
// told (`promise_changed`).
struct PromiseSettings {
  int32_t threshold_working_days = 2;
  // A promise of what the shop has not bought yet (basis lead_time: today + the supplier's lead
  // time) moves with every day nothing is bought. Such drift (a new order or the timers touched
  // the SKU, and the line stays on lead time) is told at most once per this many days; a move
  // within them is a revision (shown, not told). News (a purchase order placed or moved, new terms
  // or settings, a receipt) is told at once. 0: drift is told like news.
  int32_t min_days_between_changes = 7;
  int32_t handling_days = 1;                         // every location without its own entry
  std::map<std::string, int32_t> location_handling;  // location code -> working days
  int32_t default_lead_time_days = 14;               // SKUs without supplier terms
  planning::CalendarConfig calendar;                 // weekends and Dutch holidays closed by default
  int32_t HandlingDays(const std::string& location) const {
    auto it = location_handling.find(location);
    return it == location_handling.end() ? handling_days : it->second;
  }
  bool operator==(const PromiseSettings&) const = default;
};

// The promises of one waiting line kept in memory: the last the customer was told (the first
// promise, or the last `promise_changed`) and the current one (every revision, told or not). The
// first promise lives in the store only (line_promises.first_*): accuracy is computed there.
struct LinePromises {
  Promise given;
  Instant given_at;
  Promise current;
  int32_t slips = 0;  // told changes that moved the date later (the second may cancel: notices)
  bool operator==(const LinePromises&) const = default;
};

}  // namespace belofte::engine
