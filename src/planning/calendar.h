// calendar.h — working days: which days goods can leave the warehouse.
//
// Promise dates never fall on a closed day. A WorkingCalendar closes weekends (by default) and
// public holidays of its region (by default the Netherlands: Nieuwjaarsdag, Eerste en Tweede
// Paasdag, Koningsdag — 27 April, or 26 April when the 27th is a Sunday —, Bevrijdingsdag in
// lustrum years (2025, 2030, ...: the years it is a day off for most employers), Hemelvaartsdag,
// Eerste en Tweede Pinksterdag, Eerste en Tweede Kerstdag), plus any extra closed dates a shop
// configures. Easter follows the Gregorian computus (Meeus/Jones/Butcher).
//
// Pure: no IO, no clock. Thread safety: an immutable value once built.
#pragma once

#include <cstdint>
#include <set>
#include <vector>
#include <string>
#include <string_view>
#include <vector>

#include "domain/time.h"

namespace belofte::planning {

enum class HolidayRegion { kNone, kNetherlands };

std::string_view ToString(HolidayRegion region);          // "none", "nl"
bool ParseHolidayRegion(std::string_view text, HolidayRegion* out);

struct CalendarConfig {
  bool weekends_closed = true;
  HolidayRegion holidays = HolidayRegion::kNetherlands;
  std::vector<Date> closed_dates;  // extra closed days (sorted, unique after Normalise)
  bool operator==(const CalendarConfig&) const = default;
};

// The config with its closed dates sorted and without duplicates (as a calendar keeps it).
CalendarConfig Normalised(CalendarConfig config);

class WorkingCalendar {
 public:
  WorkingCalendar() : WorkingCalendar(CalendarConfig{}) {}
  explicit WorkingCalendar(const CalendarConfig& config);

  bool IsWorkingDay(Date day) const;
  // `day` itself when it is a working day, else the first working day after it.
  Date NextWorkingDay(Date day) const;
  // The working day `n` >= 0 working days after NextWorkingDay(day).
  Date AddWorkingDays(Date day, int32_t n) const;
  // Working days in (a, b] when b > a, negated when b < a, 0 when equal: how far a promise moved.
  int32_t WorkingDaysBetween(Date a, Date b) const;

  const CalendarConfig& config() const { return config_; }

 private:
  bool ComputeClosed(Date day) const;

  CalendarConfig config_;
  std::set<int32_t> closed_;  // extra closed days, as days since the epoch
  // Closed days from kFirstCached on, precomputed (promises ask for thousands of days a second).
  static constexpr int32_t kFirstCached = 0;           // 1970-01-01
  static constexpr int32_t kCachedDays = 366 * 200;    // to about 2170
  std::vector<bool> cache_;
};

// Dutch public holidays of `year` (those WorkingCalendar closes), ascending.
std::vector<Date> DutchHolidays(int year);
// Easter Sunday of `year` (Gregorian).
Date EasterSunday(int year);

}  // namespace belofte::planning
