// Working calendar: Dutch holidays for known years, weekends, extra closed dates, and the
// arithmetic promises use (next working day, adding and counting working days).
#include "planning/calendar.h"

#include <gtest/gtest.h>

namespace belofte::planning {
namespace {

Date D(int y, int m, int d) { return Date::FromYmd(y, m, d); }

TEST(CalendarTest, EasterMatchesKnownYears) {
  EXPECT_EQ(EasterSunday(2024), D(2024, 3, 31));
  EXPECT_EQ(EasterSunday(2025), D(2025, 4, 20));
  EXPECT_EQ(EasterSunday(2026), D(2026, 4, 5));
  EXPECT_EQ(EasterSunday(2027), D(2027, 3, 28));
  EXPECT_EQ(EasterSunday(2038), D(2038, 4, 25));
}

TEST(CalendarTest, DutchHolidays2026) {
  std::vector<Date> expected = {D(2026, 1, 1),  D(2026, 4, 5),   D(2026, 4, 6),   D(2026, 4, 27), D(2026, 5, 14),
                                D(2026, 5, 24), D(2026, 5, 25), D(2026, 12, 25), D(2026, 12, 26)};
  EXPECT_EQ(DutchHolidays(2026), expected);
}

TEST(CalendarTest, KingsDayOnSundayMovesToSaturdayAndLiberationDayInLustrumYears) {
  // 27 April 2025 is a Sunday.
  auto h2025 = DutchHolidays(2025);
  EXPECT_NE(std::find(h2025.begin(), h2025.end(), D(2025, 4, 26)), h2025.end());
  EXPECT_EQ(std::find(h2025.begin(), h2025.end(), D(2025, 4, 27)), h2025.end());
  EXPECT_NE(std::find(h2025.begin(), h2025.end(), D(2025, 5, 5)), h2025.end());
  auto h2026 = DutchHolidays(2026);
  EXPECT_EQ(std::find(h2026.begin(), h2026.end(), D(2026, 5, 5)), h2026.end());
}

TEST(CalendarTest, WeekendsAndHolidaysAreClosed) {
  WorkingCalendar nl;
  EXPECT_TRUE(nl.IsWorkingDay(D(2026, 11, 26)));    // Thursday
  EXPECT_FALSE(nl.IsWorkingDay(D(2026, 11, 28)));   // Saturday
  EXPECT_FALSE(nl.IsWorkingDay(D(2026, 12, 25)));   // Christmas
  EXPECT_FALSE(nl.IsWorkingDay(D(2026, 5, 14)));    // Ascension, a Thursday
  EXPECT_EQ(nl.NextWorkingDay(D(2026, 12, 24)), D(2026, 12, 24));
  EXPECT_EQ(nl.NextWorkingDay(D(2026, 12, 25)), D(2026, 12, 28));  // Fri, Sat, Sun closed
  EXPECT_EQ(nl.AddWorkingDays(D(2026, 12, 24), 1), D(2026, 12, 28));
  EXPECT_EQ(nl.AddWorkingDays(D(2026, 11, 27), 2), D(2026, 12, 1));  // Fri + 2 = Tue
}

TEST(CalendarTest, NoHolidaysOrWeekendsWhenConfiguredOff) {
  CalendarConfig c;
  c.holidays = HolidayRegion::kNone;
  c.weekends_closed = false;
  WorkingCalendar open(c);
  EXPECT_TRUE(open.IsWorkingDay(D(2026, 12, 25)));
  EXPECT_EQ(open.AddWorkingDays(D(2026, 12, 24), 3), D(2026, 12, 27));
}

TEST(CalendarTest, ExtraClosedDates) {
  CalendarConfig c;
  c.closed_dates = {D(2026, 12, 31), D(2026, 12, 30), D(2026, 12, 31)};
  WorkingCalendar cal(c);
  EXPECT_EQ(cal.config().closed_dates.size(), 2u);
  EXPECT_EQ(cal.NextWorkingDay(D(2026, 12, 30)), D(2027, 1, 4));  // 30, 31, New Year, weekend
}

TEST(CalendarTest, WorkingDaysBetweenIsSignedAndSkipsClosedDays) {
  WorkingCalendar nl;
  EXPECT_EQ(nl.WorkingDaysBetween(D(2026, 11, 26), D(2026, 11, 26)), 0);
  EXPECT_EQ(nl.WorkingDaysBetween(D(2026, 11, 26), D(2026, 11, 30)), 2);  // Fri, Mon
  EXPECT_EQ(nl.WorkingDaysBetween(D(2026, 11, 30), D(2026, 11, 26)), -2);
  EXPECT_EQ(nl.WorkingDaysBetween(D(2026, 12, 24), D(2026, 12, 28)), 1);
}

TEST(CalendarTest, AnAlwaysClosedCalendarStillAnswers) {
  CalendarConfig c;
  for (int i = 0; i < 7; ++i) c.closed_dates.push_back(D(2026, 1, 5).PlusDays(i));
  c.weekends_closed = true;
  WorkingCalendar cal(c);
  EXPECT_EQ(cal.NextWorkingDay(D(2026, 1, 5)), D(2026, 1, 12));
}

}  // namespace
}  // namespace belofte::planning
