#include "planning/calendar.h"

#include <algorithm>

namespace belofte::planning {

std::string_view ToString(HolidayRegion region) { return region == HolidayRegion::kNone ? "none" : "nl"; }

bool ParseHolidayRegion(std::string_view text, HolidayRegion* out) {
  if (text == "none") {
    *out = HolidayRegion::kNone;
  } else if (text == "nl") {
    *out = HolidayRegion::kNetherlands;
  } else {
    return false;
  }
  return true;
}

Date EasterSunday(int year) {
  // Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
  const int a = year % 19;
  const int b = year / 100;
  const int c = year % 100;
  const int d = b / 4;
  const int e = b % 4;
  const int f = (b + 8) / 25;
  const int g = (b - f + 1) / 3;
  const int h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4;
  const int k = c % 4;
  const int l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  const int month = (h + l - 7 * m + 114) / 31;
  const int day = ((h + l - 7 * m + 114) % 31) + 1;
  return Date::FromYmd(year, month, day);
}

std::vector<Date> DutchHolidays(int year) {
  const Date easter = EasterSunday(year);
  Date kings = Date::FromYmd(year, 4, 27);
  if (kings.weekday() == 6) kings = kings.PlusDays(-1);  // on a Sunday it moves to Saturday the 26th
  std::vector<Date> days = {
      Date::FromYmd(year, 1, 1),                      // Nieuwjaarsdag
      easter,        easter.PlusDays(1),              // Eerste en Tweede Paasdag
      kings,                                          // Koningsdag
      easter.PlusDays(39),                            // Hemelvaartsdag
      easter.PlusDays(49), easter.PlusDays(50),       // Eerste en Tweede Pinksterdag
      Date::FromYmd(year, 12, 25), Date::FromYmd(year, 12, 26),  // Kerstdagen
  };
  if (year % 5 == 0) days.push_back(Date::FromYmd(year, 5, 5));  // Bevrijdingsdag, lustrum years
  std::sort(days.begin(), days.end());
  days.erase(std::unique(days.begin(), days.end()), days.end());
  return days;
}

namespace {

int YearOf(Date day) {
  // Days since 1970-01-01 to a civil year (Howard Hinnant's algorithm, year part only).
  const int32_t z = day.days() + 719468;
  const int32_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int32_t doe = z - era * 146097;
  const int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int32_t mp = (5 * doy + 2) / 153;
  const int32_t month = mp < 10 ? mp + 3 : mp - 9;
  return static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
}

bool IsDutchHoliday(Date day) {
  const int year = YearOf(day);
  for (Date h : DutchHolidays(year)) {
    if (h == day) return true;
  }
  return false;
}

// A calendar that closes every day would never yield a working day: bound every search.
constexpr int32_t kMaxSearchDays = 3660;

}  // namespace

CalendarConfig Normalised(CalendarConfig config) {
  std::sort(config.closed_dates.begin(), config.closed_dates.end());
  config.closed_dates.erase(std::unique(config.closed_dates.begin(), config.closed_dates.end()),
                            config.closed_dates.end());
  return config;
}

WorkingCalendar::WorkingCalendar(const CalendarConfig& config) : config_(Normalised(config)) {
  for (Date d : config_.closed_dates) closed_.insert(d.days());
  cache_.assign(kCachedDays, false);
  if (config_.holidays == HolidayRegion::kNetherlands) {
    for (int year = 1970; year < 1970 + kCachedDays / 366 + 1; ++year) {
      for (Date h : DutchHolidays(year)) {
        const int32_t i = h.days() - kFirstCached;
        if (i >= 0 && i < kCachedDays) cache_[i] = true;
      }
    }
  }
  for (int32_t d : closed_) {
    if (d - kFirstCached >= 0 && d - kFirstCached < kCachedDays) cache_[d - kFirstCached] = true;
  }
}

bool WorkingCalendar::ComputeClosed(Date day) const {
  if (closed_.count(day.days())) return true;
  return config_.holidays == HolidayRegion::kNetherlands && IsDutchHoliday(day);
}

bool WorkingCalendar::IsWorkingDay(Date day) const {
  if (config_.weekends_closed && day.weekday() >= 5) return false;
  const int32_t i = day.days() - kFirstCached;
  if (i >= 0 && i < kCachedDays) return !cache_[i];
  return !ComputeClosed(day);
}

Date WorkingCalendar::NextWorkingDay(Date day) const {
  for (int32_t i = 0; i < kMaxSearchDays; ++i) {
    if (IsWorkingDay(day)) return day;
    day = day.PlusDays(1);
  }
  return day;  // only reachable with more than ten years closed in a row
}

Date WorkingCalendar::AddWorkingDays(Date day, int32_t n) const {
  day = NextWorkingDay(day);
  for (int32_t i = 0; i < n; ++i) day = NextWorkingDay(day.PlusDays(1));
  return day;
}

int32_t WorkingCalendar::WorkingDaysBetween(Date a, Date b) const {
  if (a == b) return 0;
  if (b < a) return -WorkingDaysBetween(b, a);
  int32_t n = 0;
  const int32_t span = std::min(b.days() - a.days(), kMaxSearchDays * 10);
  for (int32_t i = 1; i <= span; ++i) n += IsWorkingDay(a.PlusDays(i)) ? 1 : 0;
  return n;
}

}  // namespace belofte::planning
