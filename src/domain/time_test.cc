#include "domain/time.h"

#include <gtest/gtest.h>

namespace belofte {
namespace {

TEST(Instant, ParsesRfc3339) {
  auto t = Instant::Parse("2026-03-01T09:30:00Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->ToString(), "2026-03-01T09:30:00Z");
  EXPECT_EQ(Instant::Parse("2026-03-01T10:30:00+01:00"), t);
  EXPECT_EQ(Instant::Parse("2026-03-01T04:00:00-05:30"), t);
  EXPECT_EQ(Instant::Parse("2026-03-01t09:30:00z"), t);
}

TEST(Instant, KeepsFractionsToTheMicrosecond) {
  auto t = Instant::Parse("2026-03-01T09:30:00.123456789Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->micros() % 1'000'000, 123456);
  EXPECT_EQ(t->ToString(), "2026-03-01T09:30:00.123456Z");
  EXPECT_EQ(Instant::Parse(t->ToString()), t);
}

TEST(Instant, RejectsMalformedInstants) {
  for (const char* bad : {"", "2026-03-01", "2026-03-01T09:30:00", "2026-02-30T09:30:00Z", "2026-13-01T00:00:00Z",
                          "2026-03-01T24:00:00Z", "2026-03-01T09:60:00Z", "2026-03-01T09:30:00+1:00",
                          "2026-03-01T09:30:00.Z", "26-03-01T09:30:00Z", "2026-03-01T09:30:00Zjunk", "1969-12-31T00:00:00Z"}) {
    EXPECT_FALSE(Instant::Parse(bad).has_value()) << bad;
  }
}

TEST(Date, ParsesAndValidatesCalendarDays) {
  EXPECT_TRUE(Date::Parse("2028-02-29"));
  EXPECT_FALSE(Date::Parse("2026-02-29"));
  EXPECT_FALSE(Date::Parse("2100-02-29"));
  EXPECT_TRUE(Date::Parse("2000-02-29"));
  EXPECT_FALSE(Date::Parse("2026-04-31"));
  EXPECT_FALSE(Date::Parse("2026-4-3"));
  EXPECT_EQ(Date::Parse("2026-12-15")->ToString(), "2026-12-15");
}

TEST(Date, KnowsWeekdays) {
  EXPECT_EQ(Date::FromYmd(2026, 11, 26).weekday(), 3);  // a Thursday
  EXPECT_EQ(Date::FromYmd(1970, 1, 1).weekday(), 3);
  EXPECT_EQ(Date::FromYmd(2026, 11, 29).weekday(), 6);  // Sunday
}

TEST(Date, RoundTripsEveryDayForDecades) {
  for (int32_t d = 0; d < 365 * 60; d += 3) {
    Date date = Date::FromDays(d);
    EXPECT_EQ(Date::Parse(date.ToString()), date);
    EXPECT_EQ(date.start().date(), date);
  }
}

TEST(Instant, DateIsTheUtcDay) {
  EXPECT_EQ(Instant::Parse("2026-03-01T23:59:59Z")->date().ToString(), "2026-03-01");
  EXPECT_EQ(Instant::Parse("2026-03-02T00:30:00+01:00")->date().ToString(), "2026-03-01");
}

}  // namespace
}  // namespace belofte
